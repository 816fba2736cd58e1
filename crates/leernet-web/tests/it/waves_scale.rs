//! Waves at scale (issue 18, item 3), in-process on every back end: the invitations form
//! keeps what was typed when one thing is wrong and names the bad addresses by line; "all
//! networks" and per Werkplaats; the default invitation type follows the wave's
//! questionnaire; the invitations list is paged, searched and filtered; a revoked link
//! shows the respondent a clear page and takes no answers while a given response stays;
//! reminders by hand (confirmed, never twice) and one resent link, each audited; closing a
//! wave needs its confirmation; response rates per network and per Werkplaats; and every
//! new route walked as every role.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::{InvitationKind, NewInstrument, NewInvitation};
use leernet_testkit::on_every_backend;
use leernet_testkit::smtp::{Refuse, SmtpSink};
use leernet_web::mail::{SmtpSettings, TlsMode};
use std::sync::Arc;

on_every_backend!(
    world = world,
    a_bad_address_keeps_the_rest_of_the_form => bad_address_story,
    all_networks_per_werkplaats_and_the_default_type => choice_story,
    invitations_are_paged_searched_and_filtered => paging_story,
    a_revoked_link_is_refused_and_the_answer_stays => revoke_story,
    reminders_by_hand_are_confirmed_and_never_twice => reminder_story,
    closing_a_wave_needs_its_confirmation => close_story,
    the_new_wave_routes_as_every_role => walk_story,
    the_researchers_home_shows_what_needs_them => home_story,
);

async fn researcher(app: &axum::Router) -> (Client, String) {
    let mut r = Client::new(app);
    r.login("researcher@example.org").await;
    let csrf = r.session_csrf().await;
    (r, csrf)
}

/// The failing test of issue 18: one bad address used to throw away the pasted list, the
/// ticked networks and the chosen type.
async fn bad_address_story(w: &World) {
    let (mut r, csrf) = researcher(&w.app).await;
    let url = format!("/admin/waves/{}/invitations", w.open.0);
    let before = w.store.invitations(Some(w.open)).await.unwrap();
    let pasted = "een@example.org\ngeen-adres\ntwee@example.org, ook&fout\n";
    let b = w.b.0.to_string();
    let p = r
        .post(
            &url,
            &[
                ("csrf_token", &csrf),
                ("network", &b),
                ("mode", "emails"),
                ("count", "5"),
                ("emails", pasted),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("regel 2: geen-adres"), "{}", p.body);
    assert!(p.body.contains("regel 3: ook&amp;fout"), "{}", p.body);
    assert!(!p.body.contains("regel 1:"), "a good line is not named");
    assert!(
        p.body
            .contains(">een@example.org\ngeen-adres\ntwee@example.org, ook&amp;fout\n</textarea>"),
        "the pasted list is kept: {}",
        p.body
    );
    assert!(
        p.body.contains(&format!(
            "id=\"net-{b}\" name=\"network\" value=\"{b}\" checked"
        )),
        "the ticked network stays ticked"
    );
    assert!(
        !p.body.contains(&format!(
            "id=\"net-{}\" name=\"network\" value=\"{}\" checked",
            w.a.0, w.a.0
        )),
        "and only that one"
    );
    assert!(p
        .body
        .contains("id=\"mode-emails\" name=\"mode\" value=\"emails\" checked"));
    assert!(
        p.body.contains("href=\"#field-emails\""),
        "the summary links to the field"
    );
    assert_eq!(w.store.invitations(Some(w.open)).await.unwrap(), before);
    // In English too, and no network ticked keeps the addresses.
    let p = r
        .post(
            &format!("{url}?lang=en"),
            &[
                ("csrf_token", &csrf),
                ("mode", "emails"),
                ("emails", "een@example.org"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains(">een@example.org</textarea>"), "{}", p.body);
    assert!(p.body.contains("href=\"#field-networks\""));
    // A bad number keeps the number typed.
    let p = r
        .post(
            &url,
            &[
                ("csrf_token", &csrf),
                ("network", &b),
                ("mode", "anonymous"),
                ("count", "zeven"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("value=\"zeven\""));
    assert!(p
        .body
        .contains("id=\"mode-anonymous\" name=\"mode\" value=\"anonymous\" checked"));
    assert_eq!(w.store.invitations(Some(w.open)).await.unwrap(), before);
}

async fn choice_story(w: &World) {
    let (mut r, csrf) = researcher(&w.app).await;
    let url = format!("/admin/waves/{}/invitations", w.open.0);
    let count = |rows: &[leernet_store::InvitationRow], n: NetworkId| {
        rows.iter()
            .filter(|i| i.network == n && i.kind == InvitationKind::Member)
            .count()
    };
    let before = w.store.invitations(Some(w.open)).await.unwrap();
    let p = r
        .post(
            &url,
            &[
                ("csrf_token", &csrf),
                ("all", "1"),
                ("mode", "anonymous"),
                ("count", "2"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let after = w.store.invitations(Some(w.open)).await.unwrap();
    assert_eq!(count(&after, w.a), count(&before, w.a) + 2);
    assert_eq!(count(&after, w.b), count(&before, w.b) + 2);
    // per Werkplaats: both networks are of Noordkust
    let wp = w.store.workplaces().await.unwrap()[0].id;
    let p = r
        .post(
            &url,
            &[
                ("csrf_token", &csrf),
                ("workplace", &wp.0.to_string()),
                ("network", &w.a.0.to_string()),
                ("mode", "anonymous"),
                ("count", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let last = w.store.invitations(Some(w.open)).await.unwrap();
    assert_eq!(
        count(&last, w.a),
        count(&after, w.a) + 1,
        "a network ticked twice gets one"
    );
    assert_eq!(count(&last, w.b), count(&after, w.b) + 1);
    // A wave of the network questionnaire starts with that type; a member questionnaire's
    // wave with member links by address.
    let page = r.get(&format!("/admin/waves/{}", w.open.0)).await;
    assert!(page
        .body
        .contains("id=\"mode-network\" name=\"mode\" value=\"network\" checked"));
    let member = w
        .store
        .add_instrument(&NewInstrument {
            form_id: "leernet_member".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Ledenvragenlijst".into(),
                en: "Member questionnaire".into(),
            },
            file_name: "member.xlsx".into(),
            workbook: common::MEMBER_XLSX.to_vec(),
        })
        .await
        .unwrap();
    let mw = w
        .store
        .add_wave(member, "Leden 2026", WaveStatus::Draft)
        .await
        .unwrap();
    let page = r.get(&format!("/admin/waves/{}", mw.0)).await;
    assert!(
        page.body
            .contains("id=\"mode-emails\" name=\"mode\" value=\"emails\" checked"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("value=\"network\" checked"));
    // Only the fields of the chosen type, by the script; without it each says its type.
    assert!(page.body.contains("data-mode=\"anonymous\""));
    assert!(page.body.contains("data-mode=\"emails\""));
    assert!(page.body.contains("Alleen bij anonieme ledenlinks."));
    assert!(page.body.contains("/static/wave.js"));
    let js = r.get("/static/wave.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("data-mode"));
    // Response rates per network and per Werkplaats: a chart with its text and a table.
    let page = r.get(&format!("/admin/waves/{}", w.open.0)).await;
    assert!(page
        .body
        .contains("id=\"rate-chart-networks\" role=\"img\""));
    assert!(page.body.contains("id=\"rate-chart-workplaces\""));
    assert!(page.body.contains("id=\"workplace-table\""));
    assert!(page
        .body
        .contains("<th scope=\"row\">Werkplaats Noordkust</th>"));
}

async fn paging_story(w: &World) {
    let many: Vec<_> = (0..120u32)
        .map(|n| NewInvitation {
            network: if n % 2 == 0 { w.a } else { w.b },
            token: InvitationToken::from_random({
                let mut b = [200u8; 20];
                b[..4].copy_from_slice(&n.to_be_bytes());
                b
            }),
            kind: InvitationKind::Member,
            person: None,
            email: Some(Email::parse(&format!("lid{n:03}@example.org")).unwrap()),
        })
        .collect();
    w.store.add_invitations(w.open, &many).await.unwrap();
    let total = w.store.invitations(Some(w.open)).await.unwrap().len();
    assert_eq!(total, 123);
    let (mut r, _) = researcher(&w.app).await;
    let base = format!("/admin/waves/{}", w.open.0);
    let rows = |body: &str| body.matches("class=\"invitation-link\"").count();
    let p = r.get(&base).await;
    assert_eq!(rows(&p.body), 50, "one page, not every invitation");
    assert!(p.body.contains("Pagina 1 van 3"));
    assert!(p
        .body
        .contains("Uitnodiging 1 tot en met 50 van 123 gevonden"));
    let p = r.get(&format!("{base}?page=3")).await;
    assert_eq!(rows(&p.body), 23);
    // a page past the last shows the last
    let p = r.get(&format!("{base}?page=99")).await;
    assert_eq!(rows(&p.body), 23);
    assert!(p.body.contains("Pagina 3 van 3"));
    assert!(p.body.contains("rel=\"prev\""));
    assert!(!p.body.contains("rel=\"next\""));
    // search by address, by network; filter by status and network
    let p = r.get(&format!("{base}?q=LID01")).await;
    assert_eq!(rows(&p.body), 10, "lid010…lid019");
    let p = r.get(&format!("{base}?q=wijk+b&status=not_started")).await;
    assert_eq!(rows(&p.body), 50);
    assert!(
        p.body.contains("van 61 gevonden"),
        "60 member links and B's network link"
    );
    let p = r
        .get(&format!(
            "{base}?network={}&page=2&status=not_started",
            w.a.0
        ))
        .await;
    assert!(
        p.body.contains("van 62 gevonden"),
        "60 member links and A's two: {}",
        p.body
    );
    assert!(p.body.contains("Pagina 2 van 2"));
    // the page links keep the filter
    assert!(p.body.contains(&format!(
        "?page=1&amp;status=not_started&amp;network={}",
        w.a.0
    )));
    let p = r.get(&format!("{base}?status=submitted")).await;
    assert!(p.body.contains("Geen uitnodigingen gevonden"));
    // nonsense in the address bar is no error
    let p = r.get(&format!("{base}?page=-4&status=%00&network=x")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(rows(&p.body), 50);
    // copy: without public_url the link is the path, selectable, with the copy button for
    // the script
    assert!(p.body.contains("data-copy=\"link-"));
    assert!(p.body.contains("readonly class=\"token\""));
    let app = leernet_web::app(Arc::new(
        leernet_web::AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
            .with_public_url(Some("https://leernet.example".into())),
    ));
    let (mut r, _) = researcher(&app).await;
    let p = r.get(&base).await;
    assert!(
        p.body.contains(&format!(
            "value=\"https:&#x2f;&#x2f;leernet.example&#x2f;s&#x2f;{}\"",
            common::token(1).as_str()
        )) || p.body.contains(&format!(
            "value=\"https://leernet.example/s/{}\"",
            common::token(1).as_str()
        )),
        "absolute links from public_url: {}",
        p.body
    );
}

async fn revoke_story(w: &World) {
    let (mut r, csrf) = researcher(&w.app).await;
    let ids = w
        .store
        .add_invitations(
            w.open,
            &[
                NewInvitation {
                    network: w.a,
                    token: common::token(80),
                    kind: InvitationKind::Member,
                    person: None,
                    email: None,
                },
                NewInvitation {
                    network: w.a,
                    token: common::token(81),
                    kind: InvitationKind::Member,
                    person: None,
                    email: None,
                },
            ],
        )
        .await
        .unwrap();
    let mut answers = std::collections::BTreeMap::new();
    answers.insert("network_name".to_owned(), "Wijk A".to_owned());
    w.store
        .save_survey(ids[1], &answers, 0, true)
        .await
        .unwrap();
    let path = |i: InvitationId| format!("/admin/waves/{}/invitations/{}/revoke", w.open.0, i.0);
    // the confirmation page, then the revocation
    let p = r.get(&path(ids[0])).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("id=\"revoke-button\""));
    // another wave's invitation is not found through this wave
    let p = r
        .get(&format!(
            "/admin/waves/{}/invitations/{}/revoke",
            w.draft.0, ids[0].0
        ))
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    // without the form token nothing happens
    let p = r.post(&path(ids[0]), &[("csrf_token", "vals")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(w
        .store
        .invitation(ids[0])
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none());
    for id in &ids {
        let p = r.post(&path(*id), &[("csrf_token", &csrf)]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    }
    // the respondent: a clear page, no form, and a save is refused
    let mut anon = Client::new(&w.app);
    let p = anon
        .get(&format!("/s/{}", common::token(80).as_str()))
        .await;
    assert_eq!(p.status, StatusCode::GONE);
    assert!(p.body.contains("Deze link is ingetrokken"), "{}", p.body);
    let p = anon
        .get(&format!("/s/{}?lang=en", common::token(80).as_str()))
        .await;
    assert!(p.body.contains("This link has been revoked"));
    let saved = w
        .store
        .save_survey(ids[0], &answers, 0, false)
        .await
        .unwrap();
    assert_eq!(saved, leernet_store::SaveOutcome::WaveNotOpen);
    assert!(w
        .store
        .invitation_response(&w.store.invitation(ids[0]).await.unwrap().unwrap())
        .await
        .unwrap()
        .is_none());
    // the response given through the other one stays
    let inv = w.store.invitation(ids[1]).await.unwrap().unwrap();
    assert_eq!(inv.status, Some(ResponseStatus::Submitted));
    // listed as revoked, with no actions left
    let p = r
        .get(&format!("/admin/waves/{}?status=revoked", w.open.0))
        .await;
    assert!(p.body.contains("van 2 gevonden"), "{}", p.body);
    assert_eq!(p.body.matches("link ingetrokken").count(), 2);
    let p = r.get(&path(ids[0])).await;
    assert!(p.body.contains("id=\"revoke-done\""));
    // the CSV of the links says so too, so that no mail merge sends a revoked link
    let csv = r
        .get(&format!("/admin/waves/{}/invitations.csv", w.open.0))
        .await;
    assert!(
        csv.body
            .contains(&format!("{}\",\"revoked\"", common::token(80).as_str())),
        "{}",
        csv.body
    );
    let revokes = w
        .store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "invitation.revoke")
        .count();
    assert_eq!(revokes, 2);
}

fn smtp_app(w: &World, port: u16) -> axum::Router {
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: Some(port),
        tls: TlsMode::None,
        user: None,
        password: None,
        from: "Onderzoeksteam <onderzoek@example.org>".into(),
    };
    leernet_web::app(Arc::new(
        leernet_web::AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
            .with_public_url(Some("https://leernet.example".into()))
            .with_smtp(Some(&settings))
            .unwrap(),
    ))
}

async fn reminder_story(w: &World) {
    let s = SmtpSink::start(Refuse::Containing("weiger".into())).await;
    let app = smtp_app(w, s.port);
    let member = |n: u8, e: &str| NewInvitation {
        network: w.a,
        token: common::token(n),
        kind: InvitationKind::Member,
        person: None,
        email: Some(Email::parse(e).unwrap()),
    };
    let ids = w
        .store
        .add_invitations(
            w.open,
            &[
                member(90, "bezig@example.org"),
                member(91, "weiger@example.org"),
                member(92, "klaar@example.org"),
                member(93, "nooit-gemaild@example.org"),
            ],
        )
        .await
        .unwrap();
    for id in &ids[..3] {
        w.store.mark_invitation_sent(*id, 1_000).await.unwrap();
    }
    let mut answers = std::collections::BTreeMap::new();
    answers.insert("network_name".to_owned(), "Wijk A".to_owned());
    w.store
        .save_survey(ids[0], &answers, 0, false)
        .await
        .unwrap();
    w.store
        .save_survey(ids[2], &answers, 0, true)
        .await
        .unwrap();
    let (mut r, csrf) = researcher(&app).await;
    let wave = format!("/admin/waves/{}", w.open.0);
    let p = r.get(&wave).await;
    assert!(
        p.body.contains("2 uitgenodigde(n) met een gemailde link"),
        "{}",
        p.body
    );
    // without the confirmation: nothing sent
    let remind = format!("{wave}/remind");
    let p = r.post(&remind, &[("csrf_token", &csrf)]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(s.mails().is_empty());
    // confirmed: the one in progress is reminded, the refused one is given back
    let p = r
        .post(&remind, &[("csrf_token", &csrf), ("confirm", "1")])
        .await;
    assert_eq!(p.status, StatusCode::BAD_GATEWAY, "{}", p.body);
    assert!(p
        .body
        .contains("Herinneringen verstuurd: 1. Niet aangenomen door de mailserver: 1."));
    let mails = s.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["<bezig@example.org>"]);
    assert!(mails[0].data.contains("Herinnering"), "{}", mails[0].data);
    assert!(mails[0].data.contains(&format!(
        "https://leernet.example/s/{}",
        common::token(90).as_str()
    )));
    // again: never twice to the same person; the refused one goes now
    s.set_refuse(Refuse::Nobody);
    let p = r
        .post(&remind, &[("csrf_token", &csrf), ("confirm", "1")])
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p
        .body
        .contains("Herinneringen verstuurd: 1. Niet aangenomen door de mailserver: 0."));
    let p = r
        .post(&remind, &[("csrf_token", &csrf), ("confirm", "1")])
        .await;
    assert!(p.body.contains("Herinneringen verstuurd: 0."));
    assert!(p.body.contains("Er is niemand om te herinneren"));
    let to: Vec<_> = s.mails().iter().map(|m| m.to[0].clone()).collect();
    assert_eq!(to, ["<bezig@example.org>", "<weiger@example.org>"]);
    // audited with counts, never an address
    let log = w.store.audit_log().await.unwrap();
    let runs: Vec<_> = log
        .iter()
        .filter(|e| e.action == "reminders.send")
        .collect();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|e| !e.detail.contains('@')));
    // resend one link by hand: mailed, audited
    let resend = format!("{wave}/invitations/{}/resend", ids[3].0);
    let p = r.post(&resend, &[("csrf_token", &csrf)]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("De link is opnieuw gemaild."));
    assert_eq!(s.mails().len(), 3);
    assert!(log.len() < w.store.audit_log().await.unwrap().len());
    // a submitted one is not mailed again
    let p = r
        .post(
            &format!("{wave}/invitations/{}/resend", ids[2].0),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert_eq!(s.mails().len(), 3);
    // the schedule: checked, set, switched off
    let sched = format!("{wave}/reminders");
    for bad in ["0", "366", "zeven", "-3"] {
        let p = r
            .post(&sched, &[("csrf_token", &csrf), ("days", bad)])
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert!(w.store.wave_reminders().await.unwrap().is_empty());
    let p = r
        .post(&sched, &[("csrf_token", &csrf), ("days", "7")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.store.wave_reminders().await.unwrap().get(&w.open),
        Some(&7)
    );
    let p = r.get(&wave).await;
    assert!(p.body.contains("automatisch herinneren 7 dag(en)"));
    let p = r.post(&sched, &[("csrf_token", &csrf), ("days", "")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(w.store.wave_reminders().await.unwrap().is_empty());
}

async fn close_story(w: &World) {
    let (mut r, csrf) = researcher(&w.app).await;
    let url = format!("/admin/waves/{}/status", w.open.0);
    let p = r
        .post(&url, &[("csrf_token", &csrf), ("status", "closed")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p
        .body
        .contains("Vink eerst aan dat u de meting wilt sluiten"));
    assert_eq!(
        w.store.wave(w.open).await.unwrap().unwrap().status,
        WaveStatus::Open
    );
    let page = r.get(&format!("/admin/waves/{}", w.open.0)).await;
    assert!(page
        .body
        .contains("id=\"confirm-close\" name=\"confirm\" value=\"1\" required"));
    let p = r
        .post(
            &url,
            &[
                ("csrf_token", &csrf),
                ("status", "closed"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.store.wave(w.open).await.unwrap().unwrap().status,
        WaveStatus::Closed
    );
    // opening again needs no confirmation
    let p = r
        .post(&url, &[("csrf_token", &csrf), ("status", "open")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
}

/// Every new route as every role: researchers only; a stranger goes to the login page.
async fn walk_story(w: &World) {
    let inv = w
        .store
        .invitation_by_token(&w.token_member_a)
        .await
        .unwrap()
        .unwrap();
    let open = w.open.0;
    type Walk<'a> = (&'a str, String, Vec<(&'a str, &'a str)>);
    let routes: Vec<Walk> = vec![
        (
            "GET",
            format!("/admin/waves/{open}/invitations/{}/revoke", inv.id.0),
            vec![],
        ),
        (
            "POST",
            format!("/admin/waves/{open}/invitations/{}/resend", inv.id.0),
            vec![],
        ),
        (
            "POST",
            format!("/admin/waves/{open}/remind"),
            vec![("confirm", "1")],
        ),
        (
            "POST",
            format!("/admin/waves/{open}/reminders"),
            vec![("days", "5")],
        ),
        (
            "POST",
            format!("/admin/waves/{open}/invitations/{}/revoke", inv.id.0),
            vec![],
        ),
    ];
    for who in [
        None,
        Some("coordinator@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("researcher@example.org"),
    ] {
        let mut c = Client::new(&w.app);
        let csrf = match who {
            Some(e) => {
                c.login(e).await;
                c.session_csrf().await
            }
            None => "x".to_owned(),
        };
        for (method, path, fields) in &routes {
            let p = if *method == "GET" {
                c.get(path).await
            } else {
                let mut f = vec![("csrf_token", csrf.as_str())];
                f.extend(fields.iter().copied());
                c.post(path, &f).await
            };
            let want: &[u16] = match who {
                None => &[303],
                Some("researcher@example.org") => &[200, 303, 409],
                Some(_) => &[403],
            };
            assert!(
                want.contains(&p.status.as_u16()),
                "{who:?} {method} {path}: {}",
                p.status
            );
        }
    }
    assert!(w
        .store
        .invitation(inv.id)
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some());
    // the script is public, like the others
    let p = Client::new(&w.app).get("/static/wave.js").await;
    assert_eq!(p.status, StatusCode::OK);
}

/// `/my` for a researcher (issue 18, item 4): the open waves with their response rates, a
/// low rate under "needs your attention", imports and exports lately, each a link to its
/// page; other roles keep their own page.
async fn home_story(w: &World) {
    let (mut r, _) = researcher(&w.app).await;
    let p = r.get("/my").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("id=\"home-waves-table\""), "{}", p.body);
    assert!(
        p.body
            .contains(&format!("/admin/waves/{}\">2026</a>", w.open.0))
            || p.body.contains(&format!(
                "&#x2f;admin&#x2f;waves&#x2f;{}\">2026</a>",
                w.open.0
            )),
        "{}",
        p.body
    );
    assert!(p.body.contains("Niets vraagt nu uw aandacht."));
    assert!(p.body.contains("Nog niets geïmporteerd of geëxporteerd."));
    // ten more links, nobody answers: a low response rate needs attention
    let many: Vec<_> = (0..10u8)
        .map(|n| NewInvitation {
            network: w.b,
            token: common::token(150 + n),
            kind: InvitationKind::Member,
            person: None,
            email: None,
        })
        .collect();
    w.store.add_invitations(w.open, &many).await.unwrap();
    w.store
        .audit(&leernet_store::NewAudit {
            at: 1_796_499_609,
            actor: leernet_store::Actor::System,
            action: leernet_store::Action::ResponsesExport,
            subject: leernet_store::AuditSubject::Wave(w.open),
            detail: "format=csv rows=1".into(),
        })
        .await
        .unwrap();
    let p = r.get("/my").await;
    assert!(
        p.body
            .contains("Meting 2026: pas 0% van de uitnodigingen is ingediend"),
        "{}",
        p.body
    );
    assert!(
        p.body.contains("5 december 2026, 20:40: "),
        "Amsterdam time, the Dutch way: {}",
        p.body
    );
    assert!(p.body.contains("antwoorden geëxporteerd</a> (2026)"));
    let p = r.get("/my?lang=en").await;
    assert!(p
        .body
        .contains("Wave 2026: only 0% of the invitations have been submitted"));
    assert!(p.body.contains("5 December 2026, 20:40: "));
    // other roles: their own page, no home
    for who in [
        "coordinator@example.org",
        "fac-a@example.org",
        "member-a@example.org",
    ] {
        let mut c = Client::new(&w.app);
        c.login(who).await;
        let p = c.get("/my").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.body.contains("home-attention"), "{who}");
    }
}
