//! Fieldwork in the app, driven in-process with `oneshot` on every back end: logging in and
//! out, CSRF, the login throttle, the authorisation of every route for every role (and a
//! stranger), and the survey's rules on the server.

use crate::common;

use axum::http::{header, StatusCode};
use common::{fill, world, Client, World};
use leernet_core::*;
use leernet_testkit::{on_every_backend, TestDb};

on_every_backend!(
    world = world,
    login_logout_csrf_and_throttle => login_story,
    every_route_as_every_role => authorisation_story,
    uploading_a_questionnaire => upload_story,
    the_survey_checks_every_rule_on_the_server => survey_story,
    closed_and_draft_waves_and_forged_tokens => refusal_story,
    a_coordinator_monitors_only_their_werkplaats => coordinator_story,
    bad_invitation_forms_are_refused_and_change_nothing => invitation_refusal_story,
    bad_wave_forms_are_refused_and_change_nothing => wave_form_refusal_story,
    a_bad_qca_choice_is_named_in_both_languages => qca_refusal_story,
    the_researcher_chooses_the_wave_of_the_figures => current_wave_story,
);

/// The waves page: a researcher chooses the wave a questionnaire's figures rest on (and sets
/// it back to the default), audited; a wave or questionnaire the study does not have is
/// refused and changes nothing; no other role may choose.
async fn current_wave_story(w: &World) {
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let p = r.get("/admin/waves?lang=nl").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Meting voor de cijfers"), "{}", p.body);
    assert!(
        p.body
            .contains("<option value=\"\" selected>Standaard: de laatste gesloten meting met antwoorden</option>"),
        "{}",
        p.body
    );
    let csrf = r.session_csrf().await;
    let choose = |choice: &'static str| {
        vec![
            ("csrf_token".to_owned(), csrf.clone()),
            ("form".to_owned(), "leernet_network".to_owned()),
            ("choice".to_owned(), choice.to_owned()),
        ]
    };
    let p = r.post_owned("/admin/waves/current", &choose("2025")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location(), "/admin/waves#current-waves");
    let chosen = w.store.current_waves().await.unwrap();
    assert_eq!(
        chosen.get("leernet_network"),
        Some(&WaveChoice::Wave("2025".into()))
    );
    let p = r.get("/admin/waves").await;
    assert!(
        p.body
            .contains("<option value=\"2025\" selected>2025</option>"),
        "{}",
        p.body
    );
    let log = w.store.audit_log().await.unwrap();
    let entry = log.last().unwrap();
    assert_eq!(entry.action, "wave.current");
    assert_eq!(entry.detail, "form=leernet_network choice=2025");

    // A wave or a questionnaire the study does not have: refused, nothing changed.
    for (form, choice) in [
        ("leernet_network", "1999"),
        ("leernet_onbekend", "2025"),
        ("", "2025"),
    ] {
        for (lang, message) in [
            (
                "nl",
                "Deze vragenlijst of meting bestaat niet in dit onderzoek.",
            ),
            (
                "en",
                "This questionnaire or wave does not exist in this study.",
            ),
        ] {
            r.get(&format!("/admin/waves?lang={lang}")).await;
            let p = r
                .post(
                    "/admin/waves/current",
                    &[("csrf_token", &csrf), ("form", form), ("choice", choice)],
                )
                .await;
            assert_eq!(p.status.as_u16(), 422, "{form} {choice}: {}", p.body);
            assert!(p.body.contains(message), "{lang}: {}", p.body);
        }
    }
    assert_eq!(w.store.current_waves().await.unwrap(), chosen);
    assert_eq!(w.store.audit_log().await.unwrap().len(), log.len());

    // Every other role (and a stranger) is refused; nothing changes.
    for who in [
        "coordinator@example.org",
        "fac-a@example.org",
        "member-a@example.org",
    ] {
        let mut c = Client::new(&w.app);
        c.login(who).await;
        let token = c.session_csrf().await;
        let p = c
            .post(
                "/admin/waves/current",
                &[
                    ("csrf_token", &token),
                    ("form", "leernet_network"),
                    ("choice", "2026"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut stranger = Client::new(&w.app);
    let token = stranger.get("/login").await.csrf();
    let p = stranger
        .post(
            "/admin/waves/current",
            &[
                ("csrf_token", &token),
                ("form", "leernet_network"),
                ("choice", "2026"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().starts_with("/login"), "{}", p.location());
    assert_eq!(w.store.current_waves().await.unwrap(), chosen);

    // Back to the default.
    let p = r.post_owned("/admin/waves/current", &choose("")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(w.store.current_waves().await.unwrap().is_empty());
}

/// The QCA page's query: a wrong cut-off gets its message next to the field in the
/// visitor's language; a query of more parameters than the form has is refused whole.
async fn qca_refusal_story(w: &World) {
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    for (lang, cut, n) in [
        (
            "nl",
            "Vul een getal tussen 0 en 1 in.",
            "Vul een heel getal van minstens 1 in.",
        ),
        (
            "en",
            "Enter a number between 0 and 1.",
            "Enter a whole number of at least 1.",
        ),
    ] {
        let p = r
            .get(&format!("/analysis/qca?lang={lang}&incl_cut=twee&n_cut=0"))
            .await;
        assert_eq!(p.status.as_u16(), 200, "{}", p.body);
        assert!(p.body.contains(cut) && p.body.contains(n), "{}", p.body);
        let many: String = (0..300).map(|i| format!("&condition=C{i}")).collect();
        let p = r.get(&format!("/analysis/qca?outcome=X{many}")).await;
        assert_eq!(p.status.as_u16(), 400, "{}", p.body);
        let bad = if lang == "nl" {
            "Het verzoek kon niet worden gelezen"
        } else {
            "The request could not be read"
        };
        assert!(p.body.contains(bad), "{}", p.body);
    }
}

/// A wave form with a questionnaire that is no number, or a wave status the form does not
/// offer, gets a clear page in the visitor's language (not the framework's plain-text
/// rejection naming a field), and nothing is stored or changed.
async fn wave_form_refusal_story(w: &World) {
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let csrf = r.session_csrf().await;
    let waves = w.store.waves().await.unwrap();
    for (lang, pick, bad) in [
        ("nl", "Kies een vragenlijst.", "Er is niets opgeslagen."),
        ("en", "Choose a questionnaire.", "Nothing was saved."),
    ] {
        r.get(&format!("/admin/waves?lang={lang}")).await;
        for instrument in ["een", "1e9999", "-"] {
            let p = r
                .post(
                    "/admin/waves",
                    &[
                        ("csrf_token", &csrf),
                        ("instrument", instrument),
                        ("name", "Najaar"),
                    ],
                )
                .await;
            assert_eq!(p.status.as_u16(), 422, "{instrument}: {}", p.body);
            assert!(p.body.contains(pick), "{instrument}: {}", p.body);
            assert!(!p.body.contains("deserialize"), "{}", p.body);
        }
        for status in ["geopend", "draft", ""] {
            let p = r
                .post(
                    &format!("/admin/waves/{}/status", w.draft.0),
                    &[("csrf_token", &csrf), ("status", status)],
                )
                .await;
            assert_eq!(p.status.as_u16(), 400, "{status:?}: {}", p.body);
            assert!(p.body.contains(bad), "{status:?}: {}", p.body);
        }
    }
    assert_eq!(w.store.waves().await.unwrap(), waves, "nothing changed");
}

/// An invitations form with a bad number of links or bad addresses gets its message on the
/// wave's page (422) and no invitation is made; a mode the form does not offer is a bad
/// request.
async fn invitation_refusal_story(w: &World) {
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let csrf = r.session_csrf().await;
    let url = format!("/admin/waves/{}/invitations", w.open.0);
    let before = w.store.invitations(Some(w.open)).await.unwrap();
    let b = w.b.0.to_string();
    for (mode, count, emails, status, text) in [
        (
            "anonymous",
            "0",
            "",
            422,
            "Geef een aantal links tussen 1 en 500.",
        ),
        (
            "anonymous",
            "twee",
            "",
            422,
            "Geef een aantal links tussen 1 en 500.",
        ),
        (
            "emails",
            "",
            " ; ",
            422,
            "Geef tussen 1 en 500 e-mailadressen.",
        ),
        (
            "emails",
            "",
            "lid@example.org geen-adres",
            422,
            "regel 1: geen-adres",
        ),
        ("iedereen", "2", "", 400, ""),
    ] {
        let p = r
            .post(
                &url,
                &[
                    ("csrf_token", &csrf),
                    ("network", &b),
                    ("mode", mode),
                    ("count", count),
                    ("emails", emails),
                ],
            )
            .await;
        assert_eq!(p.status.as_u16(), status, "{mode} {count} {emails}");
        assert!(p.body.contains(text), "{}", p.body);
        assert_eq!(
            w.store.invitations(Some(w.open)).await.unwrap(),
            before,
            "nothing made for {mode} {count} {emails}"
        );
    }
}

/// A coordinator sees the response monitor of their own Werkplaats's networks only; the
/// researcher sees every network's.
async fn coordinator_story(w: &World) {
    use leernet_store::{InvitationKind, NewInvitation, NewNetwork, NewPerson, NewWorkplace};
    let slug = |s: &str| Slug::parse(s).unwrap();
    let zuid = w
        .store
        .add_workplace(&NewWorkplace {
            slug: slug("zuid"),
            name: "Werkplaats Zuid".into(),
            region: "Zuid".into(),
        })
        .await
        .unwrap();
    let c = w
        .store
        .add_network(&NewNetwork {
            slug: slug("wijk-c"),
            name: "Netwerk Wijk Zuid C".into(),
            workplace: zuid,
        })
        .await
        .unwrap();
    w.store
        .add_invitations(
            w.open,
            &[NewInvitation {
                network: c,
                token: common::token(40),
                kind: InvitationKind::Member,
                person: None,
                email: None,
            }],
        )
        .await
        .unwrap();
    w.store
        .add_person(&NewPerson {
            email: Email::parse("coord-zuid@example.org").unwrap(),
            name: "Coördinator Zuid".into(),
            role: Role::Coordinator,
            networks: vec![c],
            password_hash: Some(leernet_web::auth::hash_password(common::PASSWORD).unwrap()),
        })
        .await
        .unwrap();
    let wave = format!("/admin/waves/{}", w.open.0);
    let mut res = Client::new(&w.app);
    res.login("researcher@example.org").await;
    let p = res.get(&wave).await;
    assert!(p.body.contains("Netwerk Wijk A") && p.body.contains("Netwerk Wijk Zuid C"));
    let mut co = Client::new(&w.app);
    co.login("coord-zuid@example.org").await;
    let p = co.get(&wave).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Netwerk Wijk Zuid C"), "{}", p.body);
    assert!(
        !p.body.contains("Netwerk Wijk A") && !p.body.contains("Netwerk Wijk B"),
        "another Werkplaats's networks are not shown: {}",
        p.body
    );
    // The list of waves counts only their networks' invitations too: 1, not 4.
    let p = co.get("/admin/waves").await;
    let row = p
        .body
        .split(&format!("href=\"/admin/waves/{}\"", w.open.0))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_default()
        .to_owned();
    assert!(row.contains("<td class=\"num\">1</td>"), "{row}");
}

async fn login_story(w: &World) {
    let mut c = Client::new(&w.app);
    let form = c.get("/login").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"email\"") && form.body.contains("name=\"password\""));
    let csrf = form.csrf();
    let csrf_cookie = form.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Lax"));

    // Without the CSRF field, or with another one: refused before anything is checked.
    let p = c
        .post(
            "/login",
            &[
                ("email", "researcher@example.org"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let mut other = Client::new(&w.app);
    let p = other
        .post(
            "/login",
            &[
                ("email", "researcher@example.org"),
                ("password", common::PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::FORBIDDEN,
        "a token without its cookie"
    );

    // A wrong password and an unknown address get the same answer (no enumeration).
    let wrong = c
        .post(
            "/login",
            &[
                ("email", "researcher@example.org"),
                ("password", "niet het wachtwoord"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    let unknown = c
        .post(
            "/login",
            &[
                ("email", "niemand@example.org"),
                ("password", "niet het wachtwoord"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let msg = "Het e-mailadres of het wachtwoord klopt niet.";
    assert!(wrong.body.contains(msg) && unknown.body.contains(msg));
    assert!(!c.cookies.contains_key("leernet_session"));

    // The right password: 303 to the page asked for (only a local one), a session cookie.
    let p = c
        .post(
            "/login",
            &[
                ("email", "Researcher@Example.org"),
                ("password", common::PASSWORD),
                ("csrf_token", &csrf),
                ("next", "//evil.example/steal"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/my");
    let session = p.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        session.starts_with("leernet_session=")
            && session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && !session.contains("Secure"),
        "{session}"
    );
    let my = c.get("/my").await;
    assert_eq!(my.status, StatusCode::OK);
    assert!(my.body.contains("researcher") && my.body.contains("/admin/waves"));
    let secret = c.cookies["leernet_session"].clone();

    // Logging out needs the session's token; afterwards the old cookie is worth nothing.
    let p = c.post("/logout", &[("csrf_token", "vals")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let token = my.csrf();
    let p = c.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!((p.status, p.location()), (StatusCode::SEE_OTHER, "/"));
    assert!(!c.cookies.contains_key("leernet_session"));
    let mut replay = Client::new(&w.app);
    replay
        .cookies
        .insert("leernet_session".into(), secret.clone());
    let p = replay.get("/admin/waves").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(
        p.location().starts_with("/login?next=%2Fadmin%2Fwaves")
            || p.location().starts_with("/login?next=/admin/waves")
    );

    // Behind HTTPS (a public https:// address), cookies are Secure too.
    let https = leernet_web::app(std::sync::Arc::new(
        leernet_web::AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
            .with_public_url(Some("https://leernet.example.org/".into())),
    ));
    let mut h = Client::new(&https);
    let p = h.get("/login").await;
    assert!(p.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("; Secure"));
    let p = h
        .post(
            "/login",
            &[
                ("email", "researcher@example.org"),
                ("password", common::PASSWORD),
                ("csrf_token", &p.csrf()),
            ],
        )
        .await;
    assert!(p.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("; Secure"));

    // Five failures lock the account for a while, even for the right password.
    let mut t = Client::new(&w.app);
    let csrf = t.get("/login").await.csrf();
    for _ in 0..5 {
        let p = t
            .post(
                "/login",
                &[
                    ("email", "fac-a@example.org"),
                    ("password", "fout"),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    }
    let p = t
        .post(
            "/login",
            &[
                ("email", "fac-a@example.org"),
                ("password", common::PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.body.contains("Te veel pogingen"));
    // Another account is not affected.
    let mut fine = Client::new(&w.app);
    fine.login("member-a@example.org").await;
}

/// What a route must answer to each visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 200
    Ok,
    /// 303 to wherever (a successful POST)
    Done,
    /// 303 to the login page
    Login,
    Forbidden,
    NotFound,
}

/// A route to try: method, path, form fields besides `csrf_token`, and what each visitor of
/// [`authorisation_story`] gets (stranger, researcher, coordinator, facilitator of A, member
/// of A, facilitator of B, member of B; the resources belong to network A).
type Route = (
    &'static str,
    String,
    Vec<(&'static str, String)>,
    [Expect; 7],
);

async fn authorisation_story(w: &World) {
    use Expect::*;
    let visitors = [
        None,
        Some("researcher@example.org"),
        Some("coordinator@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("fac-b@example.org"),
        Some("member-b@example.org"),
    ];
    let open = w.open.0;
    let draft = w.draft.0;
    let rn = w.response_network_a.0;
    let rm = w.response_member_a.0;
    // (method, path, body fields besides csrf_token, what each visitor above gets)
    let routes: Vec<Route> = vec![
        ("GET", "/my".into(), vec![], [Login, Ok, Ok, Ok, Ok, Ok, Ok]),
        // A network's page: its own people, researchers and the coordinators of its
        // Werkplaats (this coordinator is linked to none; `tests/profile.rs` has one who
        // is); others 404.
        (
            "GET",
            "/networks/wijk-a".into(),
            vec![],
            [Login, Ok, NotFound, Ok, Ok, NotFound, NotFound],
        ),
        // The overview and the list of networks hold no answers of any one network.
        ("GET", "/".into(), vec![], [Ok, Ok, Ok, Ok, Ok, Ok, Ok]),
        (
            "GET",
            "/networks".into(),
            vec![],
            [Ok, Ok, Ok, Ok, Ok, Ok, Ok],
        ),
        (
            "GET",
            "/admin/waves".into(),
            vec![],
            [Login, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            "/admin/waves".into(),
            vec![
                ("instrument", w.instrument.0.to_string()),
                ("name", "Nieuwe meting".into()),
            ],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "GET",
            "/admin/instruments".into(),
            vec![],
            [Login, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        // The audit log names people and actions: researchers only.
        (
            "GET",
            "/admin/audit".into(),
            vec![],
            [
                Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        // The QCA page analyses every network: researchers only.
        (
            "GET",
            "/analysis/qca?outcome=CLIMATE&condition=AGENDA".into(),
            vec![],
            [
                Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        // The types page shows every network's type; only researchers name types (this
        // small study has too few networks for a typology, so there is no type 1).
        (
            "GET",
            "/analysis/types".into(),
            vec![],
            [
                Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "POST",
            "/analysis/types/1/name".into(),
            vec![("name_nl", "Samen sturen".into())],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "GET",
            format!("/admin/waves/{open}"),
            vec![],
            [Login, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/admin/waves/9999".into(),
            vec![],
            [
                Login, NotFound, NotFound, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "POST",
            format!("/admin/waves/{draft}/status"),
            vec![("status", "open".into())],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "POST",
            format!("/admin/waves/{open}/invitations"),
            vec![
                ("network", w.b.0.to_string()),
                ("mode", "anonymous".into()),
                ("count", "2".into()),
            ],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "GET",
            format!("/admin/waves/{open}/invitations.csv"),
            vec![],
            [
                Login, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "GET",
            format!("/responses/{rn}"),
            vec![],
            [Login, Ok, Forbidden, Ok, NotFound, NotFound, NotFound],
        ),
        (
            "GET",
            format!("/responses/{rm}"),
            vec![],
            [Login, Ok, Forbidden, NotFound, Ok, NotFound, NotFound],
        ),
        (
            "GET",
            "/responses/9999".into(),
            vec![],
            [
                Login, NotFound, Forbidden, NotFound, NotFound, NotFound, NotFound,
            ],
        ),
        // The survey: the token is the key, whoever holds it; a forged one reaches nothing.
        (
            "GET",
            format!("/s/{}", w.token_network_a.as_str()),
            vec![],
            [Ok, Ok, Ok, Ok, Ok, Ok, Ok],
        ),
        (
            "GET",
            format!("/s/{}", common::token(99).as_str()),
            vec![],
            [NotFound; 7],
        ),
    ];
    // A questionnaire's page, its preview and its test links (issue 18, item 2): staff see
    // and preview; only researchers make test links and wipe test answers.
    let inst = w.instrument.0;
    let staff = [Login, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden];
    let researchers = [
        Login, Done, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
    ];
    let mut routes = routes;
    routes.extend([
        ("GET", format!("/admin/instruments/{inst}"), vec![], staff),
        (
            "GET",
            format!("/admin/instruments/{inst}/preview"),
            vec![],
            staff,
        ),
        (
            "POST",
            format!("/admin/instruments/{inst}/preview"),
            vec![("page", "0".into()), ("action", "lang".into())],
            staff,
        ),
        (
            "POST",
            format!("/admin/instruments/{inst}/preview/relevance"),
            vec![("page", "0".into())],
            staff,
        ),
        (
            "POST",
            format!("/admin/instruments/{inst}/test-links"),
            vec![("network", w.a.0.to_string())],
            researchers,
        ),
        (
            "POST",
            format!("/admin/instruments/{inst}/test-answers/wipe"),
            vec![],
            researchers,
        ),
    ]);
    for (i, who) in visitors.iter().enumerate() {
        let mut c = Client::new(&w.app);
        if let Some(email) = who {
            c.login(email).await;
        }
        let csrf = match who {
            Some(_) => c.session_csrf().await,
            None => c.get("/login").await.csrf(),
        };
        for (method, path, fields, expect) in &routes {
            let p = if *method == "GET" {
                c.get(path).await
            } else {
                let mut f: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
                f.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
                c.post(path, &f).await
            };
            let got = match p.status {
                StatusCode::OK => Ok,
                StatusCode::SEE_OTHER if p.location().starts_with("/login") => Login,
                StatusCode::SEE_OTHER => Done,
                StatusCode::FORBIDDEN => Forbidden,
                StatusCode::NOT_FOUND => NotFound,
                s => panic!("{method} {path} as {who:?}: unexpected {s}"),
            };
            assert_eq!(got, expect[i], "{method} {path} as {who:?}");
            // Every answer carries the security headers.
            assert!(p.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        }
        // Without the CSRF token, a researcher's change is refused and nothing happens.
        if *who == Some("researcher@example.org") {
            let before = w.store.waves().await.unwrap().len();
            let p = c
                .post(
                    "/admin/waves",
                    &[
                        ("instrument", &w.instrument.0.to_string()),
                        ("name", "Zonder token"),
                    ],
                )
                .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN);
            assert_eq!(w.store.waves().await.unwrap().len(), before);
        }
    }

    // What the pages show: a coordinator sees counts, never a link; a facilitator or member
    // sees their own invitations only.
    let a_token = w.token_network_a.as_str();
    let b_token = w.token_network_b.as_str();
    let m_token = w.token_member_a.as_str();
    let mut c = Client::new(&w.app);
    c.login("coordinator@example.org").await;
    let p = c.get(&format!("/admin/waves/{open}")).await;
    assert!(p.body.contains("monitor-table"));
    assert!(!p.body.contains("/s/") && !p.body.contains("&#x2f;s&#x2f;"));
    for (email, mine, not_mine) in [
        ("fac-a@example.org", vec![a_token], vec![b_token, m_token]),
        (
            "member-a@example.org",
            vec![m_token],
            vec![a_token, b_token],
        ),
        ("fac-b@example.org", vec![b_token], vec![a_token, m_token]),
        (
            "member-b@example.org",
            vec![],
            vec![a_token, b_token, m_token],
        ),
    ] {
        let mut c = Client::new(&w.app);
        c.login(email).await;
        let p = c.get("/my").await;
        for t in mine {
            assert!(p.body.contains(t), "{email} misses their invitation");
        }
        for t in not_mine {
            assert!(!p.body.contains(t), "{email} sees another's invitation");
        }
    }

    // What `/my` links to, by role; every link leads to a page the person may open.
    for (email, links, not) in [
        (
            "researcher@example.org",
            vec![
                "/admin/import",
                "/admin/export",
                "/coding",
                "/admin/report",
                "/admin/audit",
                "/analysis/qca",
                "/analysis/types",
            ],
            vec!["/ws/wijk-a\""],
        ),
        (
            "coordinator@example.org",
            vec!["/workplaces"],
            vec!["/admin/import", "/admin/export", "/coding"],
        ),
        (
            "fac-a@example.org",
            vec!["/networks/wijk-a/profile", "/ws/wijk-a", "/admin/export"],
            vec!["/networks/wijk-b", "/ws/wijk-b", "/admin/import"],
        ),
        (
            "member-b@example.org",
            vec!["/networks/wijk-b/profile", "/ws/wijk-b"],
            vec!["/networks/wijk-a", "/ws/wijk-a", "/admin/export"],
        ),
    ] {
        let mut c = Client::new(&w.app);
        c.login(email).await;
        let p = c.get("/my").await;
        // The links of the page itself, not of the navigation.
        let own = p.body.split("id=\"my-links\"").nth(1).expect("the links");
        for l in links {
            assert!(
                own.contains(&format!("<a href=\"{l}\"")),
                "{email}: /my lacks {l}"
            );
            assert_eq!(c.get(l).await.status, StatusCode::OK, "{email} on {l}");
        }
        for l in not {
            assert!(
                !own.contains(&format!("href=\"{l}")),
                "{email}: /my links {l}"
            );
        }
        let p = c.get("/my?lang=en").await;
        assert!(p.body.contains("Go to"), "{email}: English /my");
    }
    // The network page links to the profile, and for its own people to the workspace.
    let mut c = Client::new(&w.app);
    c.login("member-a@example.org").await;
    let p = c.get("/networks/wijk-a").await;
    assert!(p.body.contains("href=\"/networks/wijk-a/profile\""));
    assert!(p.body.contains("href=\"/ws/wijk-a\""));
    let mut c = Client::new(&w.app);
    c.login("researcher@example.org").await;
    let p = c.get("/networks/wijk-a").await;
    assert!(p.body.contains("href=\"/networks/wijk-a/profile\""));
    assert!(!p.body.contains("href=\"/ws/wijk-a\""));
}

fn q(name: &str) -> String {
    format!("q.{name}")
}

async fn survey_story(w: &World) {
    let token = w.token_network_a.as_str();
    let url = format!("/s/{token}");
    let mut r = Client::new(&w.app);
    let first = r.get(&url).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("<html lang=\"nl\">"));
    assert!(first.body.contains("Pagina 1 van"));
    assert!(first
        .body
        .contains("<script src=\"/static/survey.js\" defer></script>"));
    assert!(!first.body.contains("<script>"), "no inline script");
    // What the invitation knows is filled in and shown, not asked (issue 18, item 5).
    assert!(!first.body.contains("name=\"q.network_name\""), "not asked");
    assert!(
        !first.body.contains("name=\"q.werkplaats_name\""),
        "not asked"
    );
    assert!(first.body.contains("Netwerk Wijk A"), "{}", first.body);
    assert!(first.body.contains("Werkplaats Noordkust"));
    assert!(first.body.contains("Dit weten we al uit uw uitnodiging"));
    let csrf = first.csrf();

    // Bad values: nothing the rules reject is stored, every error is named on the page.
    let p = r
        .post(
            &url,
            &[
                ("csrf_token", &csrf),
                ("page", "0"),
                ("action", "next"),
                ("shown", "start_year size participants"),
                // not asked: a posted value is ignored, the invitation's name is kept
                (&q("network_name"), "Wijk A"),
                (&q("start_year"), "1800"),
                (&q("size"), "twaalf"),
                (&q("participants"), "students"),
                (&q("participants"), "bestaat_niet"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("error-summary"));
    assert!(
        !p.body.contains("q-werkplaats_name"),
        "not asked, so never wrong"
    );
    assert!(
        p.body.contains("Vul een jaartal in tussen 1990 en 2026."),
        "constraint"
    );
    assert!(p.body.contains("Vul een heel getal in"), "type");
    assert!(
        p.body.contains("Kies een van de getoonde mogelijkheden."),
        "choice"
    );
    assert!(p.body.contains("aria-invalid=\"true\""));
    assert!(p.body.contains("id=\"q-size-error\""));
    let inv = w
        .store
        .invitation_by_token(&w.token_network_a)
        .await
        .unwrap()
        .unwrap();
    let stored = w.store.invitation_response(&inv).await.unwrap().unwrap();
    assert_eq!(stored.status, ResponseStatus::InProgress);
    assert_eq!(
        stored.answers.get("network_name").map(String::as_str),
        Some("Netwerk Wijk A"),
        "the invitation's network, not the posted name"
    );
    assert_eq!(
        stored.answers.get("werkplaats_name").map(String::as_str),
        Some("Werkplaats Noordkust")
    );
    // A required question left empty is named.
    let p = r
        .post(
            &url,
            &[
                ("csrf_token", &csrf),
                ("page", "0"),
                ("action", "next"),
                ("shown", "start_year size participants"),
                (&q("start_year"), "2019"),
                (&q("participants"), "students"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("href=\"#q-size\""), "required");
    for bad in ["start_year", "size", "participants"] {
        assert!(!stored.answers.contains_key(bad), "{bad} was stored");
    }

    // In English, on request: the questionnaire's labels and our messages.
    let en = r.get(&format!("{url}?lang=en")).await;
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en
        .body
        .contains("What is the name of the learning network?"));

    // An oversized answer is refused inline; an oversized body is refused whole.
    let long = "x".repeat(10_001);
    let p = r
        .post(
            &url,
            &[
                ("csrf_token", &csrf),
                ("page", "0"),
                ("action", "save"),
                (&q("size"), &long),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("at most 10,000 characters"));
    let huge = format!(
        "csrf_token={csrf}&page=0&action=save&q.network_name={}",
        "y".repeat(300_000)
    );
    let p = r.post_raw(&url, huge).await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
    let p = r.post(&url, &[("page", "0"), ("action", "save")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "no CSRF token");

    // Fill the pages with valid answers, in Dutch again; the rationale page shows skip logic.
    let p = r.get(&format!("{url}?lang=nl&page=0")).await;
    let fields = fill::fill(&p.body, "next", &|_| None, &fill::shipped_number);
    let p = r.post_owned(&url, &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location(), format!("{url}?page=1"));
    // Page 2 (organisation), then the rationale page.
    let p = r.get(p.location()).await;
    let fields = fill::fill(&p.body, "next", &|_| None, &fill::shipped_number);
    let p = r.post_owned(&url, &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let rationale = r.get(p.location()).await;
    assert!(
        rationale.body.contains("data-q=\"rationale_text\" hidden"),
        "hidden until asked for"
    );
    // The script's question: with "yes", the open question appears; nothing is stored.
    let mut ask = fill::fill(
        &rationale.body,
        "next",
        &|n| (n == "rationale_explicit").then(|| "yes".into()),
        &fill::shipped_number,
    );
    let j = r.post_owned(&format!("{url}/relevance"), &ask).await;
    assert_eq!(j.status, StatusCode::OK);
    assert!(j.body.contains("\"rationale_text\""), "{}", j.body);
    // Without the script: the page comes back with the new question (and says why).
    let p = r.post_owned(&url, &ask).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("vragen bijgekomen"));
    assert!(!p.body.contains("data-q=\"rationale_text\" hidden"));
    // Going on without answering it: required.
    ask.retain(|(k, _)| k != "shown");
    ask.push(("shown".into(), "rationale_explicit rationale_text".into()));
    let p = r.post_owned(&url, &ask).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("href=\"#q-rationale_text\""));
    // Answer "no": the question disappears again and its answer is not required.
    let fields = fill::fill(
        &rationale.body,
        "next",
        &|n| (n == "rationale_explicit").then(|| "no".into()),
        &fill::shipped_number,
    );
    let p = r.post_owned(&url, &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let resume_at = p.location().to_owned();

    // Leave and come back through the same link (another browser, no cookies): same page.
    let mut later = Client::new(&w.app);
    let back = later.get(&url).await;
    let here = r.get(&resume_at).await;
    assert_eq!(
        fill::hidden(&back.body, "page"),
        fill::hidden(&here.body, "page")
    );

    // The rest of the pages, then submit twice (a double click): one submitted response.
    let mut page = back;
    let mut c = later;
    for _ in 0..20 {
        let last = page.body.contains("value=\"submit\"");
        let action = if last { "submit" } else { "next" };
        let fields = fill::fill(&page.body, action, &|_| None, &fill::shipped_number);
        let mut p = c.post_owned(&url, &fields).await;
        if p.status == StatusCode::OK {
            // An answer made more questions appear (no script here): answer those too.
            assert!(p.body.contains("vragen bijgekomen"));
            let fields = fill::fill(&p.body, action, &|_| None, &fill::shipped_number);
            p = c.post_owned(&url, &fields).await;
        }
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        if last {
            let again = c.post_owned(&url, &fields).await;
            assert_eq!(again.status, StatusCode::SEE_OTHER);
            break;
        }
        page = c.get(p.location()).await;
    }
    let thanks = c.get(&url).await;
    assert!(thanks.body.contains("Uw antwoorden zijn verstuurd"));
    let responses = w.store.responses(Some(w.open)).await.unwrap();
    let mine: Vec<_> = responses
        .iter()
        .filter(|x| x.respondent == inv.respondent())
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].status, ResponseStatus::Submitted);
    let a = &mine[0].answers;
    assert_eq!(a.get("rationale_explicit").map(String::as_str), Some("no"));
    assert!(
        !a.contains_key("rationale_text"),
        "not relevant, not stored"
    );
    assert_eq!(a.get("start_year").map(String::as_str), Some("2018"));
    // Every answer the form's rules would check passes them.
    let form = leernet_xlsform::Form::from_workbook(common::NETWORK_XLSX, "network.xlsx").unwrap();
    for (k, v) in a {
        form.check_value(k, v).unwrap();
    }
    // After submitting, a late save changes nothing.
    let p = c
        .post(
            &url,
            &[
                ("csrf_token", &thanks.csrf_or_default()),
                ("page", "0"),
                ("action", "save"),
                (&q("network_name"), "Anders"),
            ],
        )
        .await;
    assert!(p.status == StatusCode::SEE_OTHER || p.status == StatusCode::FORBIDDEN);
    let after = w.store.invitation_response(&inv).await.unwrap().unwrap();
    assert_eq!(&after.answers, a);

    // The researcher's monitor counts it; the facilitator of A can read it.
    let mut res = Client::new(&w.app);
    res.login("researcher@example.org").await;
    let m = res.get(&format!("/admin/waves/{}", w.open.0)).await;
    assert!(m.body.contains("id=\"total-submitted\">1<"), "monitor");
    let mut fac = Client::new(&w.app);
    fac.login("fac-a@example.org").await;
    let rid = w.store.invitation_response_id(&inv).await.unwrap().unwrap();
    let p = fac.get(&format!("/responses/{}", rid.0)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Wijk A") || p.body.contains("Een kort antwoord."));
    // the facilitator gets no way through other responses
    assert!(!p.body.contains("id=\"back-to-wave\"") && !p.body.contains("rel=\"prev\""));
    // The researcher goes back to the wave, and through the earlier wave's two responses
    // (issue 18: the viewer had neither).
    let p = res.get(&format!("/responses/{}", rid.0)).await;
    assert!(p
        .body
        .contains(&format!("/admin/waves/{}\" id=\"back-to-wave\"", w.open.0)));
    let (first, second) = (w.response_network_a.0, w.response_member_a.0);
    let p = res.get(&format!("/responses/{first}")).await;
    assert!(
        p.body
            .contains(&format!("/responses/{second}\" rel=\"next\"")),
        "{}",
        p.body
    );
    assert!(
        !p.body.contains("rel=\"prev\""),
        "the first has no previous"
    );
    let p = res.get(&format!("/responses/{second}")).await;
    assert!(
        p.body
            .contains(&format!("/responses/{first}\" rel=\"prev\"")),
        "{}",
        p.body
    );
    assert!(!p.body.contains("rel=\"next\""), "the last has no next");
}

trait CsrfOrDefault {
    fn csrf_or_default(&self) -> String;
}

impl CsrfOrDefault for common::Page {
    fn csrf_or_default(&self) -> String {
        fill::hidden(&self.body, "csrf_token").unwrap_or_default()
    }
}

async fn refusal_story(w: &World) {
    let mut r = Client::new(&w.app);
    // Forged and malformed tokens: 404, translated.
    for t in [
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "kort",
        "../../etc/passwd",
    ] {
        let p = r.get(&format!("/s/{t}")).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{t}");
    }
    let csrf = r.get("/login").await.csrf();
    // A draft wave and a closed wave take nothing and say so.
    for (token, text) in [
        (&w.token_draft, "nog niet open"),
        (&w.token_closed, "gesloten"),
    ] {
        let url = format!("/s/{}", token.as_str());
        let p = r.get(&url).await;
        assert_eq!(p.status, StatusCode::GONE);
        assert!(p.body.contains(text), "{}", p.body);
        let p = r
            .post(
                &url,
                &[
                    ("csrf_token", &csrf),
                    ("page", "0"),
                    ("action", "save"),
                    ("q.network_name", "Stiekem"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::GONE);
        let inv = w.store.invitation_by_token(token).await.unwrap().unwrap();
        assert!(w.store.invitation_response(&inv).await.unwrap().is_none());
    }
    // A token of one wave does not reach another wave's response: each invitation has its own.
    let inv = w
        .store
        .invitation_by_token(&w.token_member_a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(inv.wave, w.open);
    let p = r.get(&format!("/s/{}", w.token_member_a.as_str())).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        !p.body.contains("Wijk A eerder"),
        "the earlier wave's answers do not show"
    );
    let _ = WaveStatus::Open;
}

fn multipart(csrf: Option<&str>, file: &[u8], name: &str) -> (String, Vec<u8>) {
    let b = "leernet-test-boundary";
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{c}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

async fn upload(c: &mut Client, csrf: Option<&str>, file: &[u8], name: &str) -> common::Page {
    let (ct, body) = multipart(csrf, file, name);
    c.send_with_type("/admin/instruments", &ct, body).await
}

async fn upload_story(w: &World) {
    let before = w.store.instruments().await.unwrap().len();
    // A stranger, a member, a coordinator: not theirs to do.
    let mut s = Client::new(&w.app);
    let p = upload(&mut s, None, common::MEMBER_XLSX, "member.xlsx").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    for who in ["member-a@example.org", "coordinator@example.org"] {
        let mut c = Client::new(&w.app);
        c.login(who).await;
        let csrf = c.session_csrf().await;
        let p = upload(&mut c, Some(&csrf), common::MEMBER_XLSX, "member.xlsx").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let csrf = r.session_csrf().await;
    // Without the CSRF token: refused.
    let p = upload(&mut r, None, common::MEMBER_XLSX, "member.xlsx").await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    // Not a workbook: the check's report, nothing stored.
    let p = upload(&mut r, Some(&csrf), b"dit is geen werkmap", "kapot.xlsx").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"problems\"") && p.body.contains("kapot.xlsx"));
    assert_eq!(w.store.instruments().await.unwrap().len(), before);
    // The member questionnaire: valid, stored; the same file again is recognised.
    let p = upload(&mut r, Some(&csrf), common::MEMBER_XLSX, "member.xlsx").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("geldig en opgeslagen"));
    let p = upload(&mut r, Some(&csrf), common::MEMBER_XLSX, "member.xlsx").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(w.store.instruments().await.unwrap().len(), before + 1);
    let list = r.get("/admin/instruments").await;
    // listed by its title, never its form id (issue 18: no internals on a page)
    assert!(
        list.body.contains("vragenlijst voor deelnemers") && !list.body.contains("leernet_member")
    );
}

/// A half-sent head, a half-sent body and an idle keep-alive connection are each closed when
/// their time is up, and a crowd of such sockets past the connection limit does not keep
/// `/healthz` from answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let db = TestDb::new(leernet_store::Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let options = leernet_web::ServeOptions {
        limits: leernet_web::ConnectionLimits {
            header_timeout: Duration::from_secs(1),
            body_timeout: Duration::from_secs(1),
            max_connections: 8,
        },
        ..leernet_web::ServeOptions::new(leernet_core::SystemClock::shared())
    };
    let server = tokio::spawn(leernet_web::serve_until(
        db.store().await,
        listener,
        options,
        async {
            let _ = stop_rx.await;
        },
    ));
    let checks = tokio::task::spawn_blocking(move || {
        // Whether the server closes `s` within `limit` (a read gives end of file or an error).
        let closed_within = |mut s: TcpStream, limit: Duration| {
            s.set_read_timeout(Some(limit)).unwrap();
            let start = Instant::now();
            let mut buf = [0u8; 4096];
            loop {
                match s.read(&mut buf) {
                    Ok(0) => return start.elapsed() < limit,
                    Ok(_) => continue,
                    Err(e)
                        if e.kind() == std::io::ErrorKind::WouldBlock
                            || e.kind() == std::io::ErrorKind::TimedOut =>
                    {
                        return false
                    }
                    Err(_) => return start.elapsed() < limit,
                }
            }
        };
        let connect = || TcpStream::connect(addr).unwrap();
        // A head that never ends.
        let mut s = connect();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .unwrap();
        assert!(closed_within(s, Duration::from_secs(5)), "half-sent head");
        // A body that never ends: the request is given up and the connection closed.
        let mut s = connect();
        s.write_all(
            b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a",
        )
        .unwrap();
        assert!(closed_within(s, Duration::from_secs(5)), "half-sent body");
        // An idle keep-alive connection after one answered request.
        let mut s = connect();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        assert!(closed_within(s, Duration::from_secs(5)), "idle connection");
        // Three times the connection limit of silent sockets; /healthz still answers.
        let crowd: Vec<TcpStream> = (0..24).map(|_| connect()).collect();
        let start = Instant::now();
        let mut s = connect();
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
        assert!(start.elapsed() < Duration::from_secs(10));
        drop(crowd);
    });
    checks.await.unwrap();
    stop_tx.send(()).unwrap();
    server.await.unwrap().unwrap();
    db.drop_database().await;
}

/// Every route of the app with the test file whose walk visits it as every role (and as a
/// stranger and a foreign network's people), or why it is public. A route added to
/// `src/lib.rs` without an entry here fails `every_route_is_in_the_authorisation_walk`: add it
/// to a walk first, then here.
pub(crate) const ROUTE_WALKS: &[(&str, &str, &str)] = &[
    ("GET", "/", "fieldwork"),
    ("GET", "/networks", "fieldwork"),
    ("GET", "/networks/{slug}", "fieldwork"),
    ("GET", "/networks/{slug}/profile", "fieldwork"),
    ("GET", "/networks/{slug}/handreiking.html", "profile"),
    ("GET", "/networks/{slug}/handreiking.docx", "profile"),
    ("GET", "/networks/{slug}/handreiking.pdf", "profile"),
    ("GET", "/profile", "fieldwork"),
    ("GET", "/workplaces", "fieldwork"),
    ("GET", "/workplaces/{slug}", "profile"),
    ("GET", "/admin/report", "fieldwork"),
    ("GET", "/admin/report/{file}", "profile"),
    (
        "GET",
        "/healthz",
        "public: health check for load balancers: no data",
    ),
    ("GET", "/static/style.css", "public: the stylesheet"),
    ("GET", "/static/survey.js", "public: the survey script"),
    ("GET", "/login", "public: the login form itself"),
    ("POST", "/login", "public: the login form itself"),
    ("POST", "/logout", "public: ends the own session only"),
    ("GET", "/my", "fieldwork"),
    ("GET", "/admin/instruments", "fieldwork"),
    ("POST", "/admin/instruments", "fieldwork"),
    ("GET", "/admin/waves", "fieldwork"),
    ("POST", "/admin/waves", "fieldwork"),
    ("POST", "/admin/waves/current", "fieldwork"),
    ("GET", "/admin/waves/{id}", "fieldwork"),
    ("POST", "/admin/waves/{id}/status", "fieldwork"),
    ("POST", "/admin/waves/{id}/invitations", "fieldwork"),
    ("GET", "/admin/waves/{id}/invitations.csv", "fieldwork"),
    ("POST", "/admin/waves/{id}/send", "import_export"),
    ("GET", "/admin/import", "fieldwork"),
    ("POST", "/admin/import", "fieldwork"),
    ("GET", "/admin/export", "fieldwork"),
    ("GET", "/responses/{id}", "fieldwork"),
    ("GET", "/admin/audit", "fieldwork"),
    ("GET", "/analysis/qca", "fieldwork"),
    ("GET", "/analysis/types", "fieldwork"),
    ("POST", "/analysis/types/{number}/name", "fieldwork"),
    ("GET", "/static/coding.js", "public: the coding page script"),
    ("GET", "/coding", "fieldwork"),
    ("POST", "/coding/assignments", "coding"),
    ("GET", "/coding/assignments/{id}", "coding"),
    ("POST", "/coding/assignments/{id}/finish", "coding"),
    ("GET", "/coding/assignments/{id}/disagreements", "coding"),
    ("GET", "/coding/assignments/{id}/answers/{pos}", "coding"),
    (
        "POST",
        "/coding/assignments/{id}/answers/{pos}/codings",
        "coding",
    ),
    (
        "POST",
        "/coding/assignments/{id}/answers/{pos}/codings/{coding}/delete",
        "coding",
    ),
    (
        "POST",
        "/coding/assignments/{id}/answers/{pos}/suggestions",
        "coding",
    ),
    (
        "POST",
        "/coding/assignments/{id}/answers/{pos}/slow",
        "coding",
    ),
    (
        "POST",
        "/coding/assignments/{id}/answers/{pos}/consensus",
        "coding",
    ),
    ("POST", "/coding/slow-questions/{entry}/move", "coding"),
    ("GET", "/coding/codebooks/{id}", "coding"),
    ("POST", "/coding/codebooks/{id}/codes", "coding"),
    ("GET", "/coding/codebooks/{id}/versions/{n}", "coding"),
    ("POST", "/coding/codebooks/{id}/codes/{code}", "coding"),
    ("GET", "/coding/agreement", "coding"),
    ("GET", "/coding/slow-questions", "coding"),
    ("GET", "/coding/search", "coding"),
    // Retrieval (issue 20, data side).
    ("GET", "/coding/passages", "retrieval"),
    ("GET", "/coding/matrix", "retrieval"),
    ("GET", "/coding/cooccurrence", "retrieval"),
    ("GET", "/s/{token}", "fieldwork"),
    ("POST", "/s/{token}", "fieldwork"),
    ("POST", "/s/{token}/relevance", "fieldwork"),
    ("GET", "/ws", "fieldwork"),
    ("GET", "/ws/methods", "workspace"),
    ("GET", "/ws/export", "workspace"),
    ("POST", "/ws/notify", "workspace"),
    ("POST", "/ws/erase", "workspace"),
    ("GET", "/ws/{slug}", "workspace"),
    ("POST", "/ws/{slug}/sessions", "workspace"),
    ("GET", "/ws/{slug}/sessions/{id}", "workspace"),
    ("POST", "/ws/{slug}/sessions/{id}", "workspace"),
    ("GET", "/ws/{slug}/agenda", "workspace"),
    ("POST", "/ws/{slug}/rounds", "workspace"),
    ("POST", "/ws/{slug}/rounds/{id}/topics", "workspace"),
    ("POST", "/ws/{slug}/rounds/{id}/votes", "workspace"),
    ("POST", "/ws/{slug}/rounds/{id}/close", "workspace"),
    ("GET", "/ws/{slug}/questions", "workspace"),
    ("POST", "/ws/{slug}/questions", "workspace"),
    ("POST", "/ws/{slug}/questions/{id}", "workspace"),
    ("POST", "/ws/{slug}/questions/{id}/follow-up", "workspace"),
    ("GET", "/ws/{slug}/stories", "workspace"),
    ("POST", "/ws/{slug}/stories", "workspace"),
    // the network space's meetings, calendar and settings (issue 26)
    ("GET", "/ws/settings", "workspace"),
    ("POST", "/ws/calendar", "workspace"),
    ("POST", "/ws/calendar/revoke", "workspace"),
    ("GET", "/ws/calendar/{file}", "workspace"),
    (
        "GET",
        "/static/ws-votes.js",
        "public: the agenda's votes-left script",
    ),
    ("GET", "/ws/{slug}/sessions", "workspace"),
    ("GET", "/ws/{slug}/sessions/{id}/calendar.ics", "workspace"),
    ("POST", "/ws/{slug}/sessions/{id}/details", "workspace"),
    ("POST", "/ws/{slug}/sessions/{id}/cancel", "workspace"),
    ("GET", "/ws/{slug}/handles", "ws_meetings"),
    ("POST", "/ws/{slug}/handles/{key}", "ws_meetings"),
    ("POST", "/ws/{slug}/handles/{key}/report", "ws_meetings"),
    ("GET", "/admin/uptake", "ws_meetings"),
    // responses to the profile (issue 26, member checking)
    ("GET", "/ws/{slug}/profile-response", "ws_meetings"),
    ("POST", "/ws/{slug}/profile-response", "ws_meetings"),
    ("GET", "/admin/member-check", "ws_meetings"),
    // people and structure in the browser (issue 18, item 1)
    (
        "GET",
        "/login/forgot",
        "public: asks for a reset link; says the same for every address",
    ),
    (
        "POST",
        "/login/forgot",
        "public: asks for a reset link; says the same for every address",
    ),
    (
        "GET",
        "/login/password/{secret}",
        "public: only the holder of a one-time link sets a password",
    ),
    (
        "POST",
        "/login/password/{secret}",
        "public: only the holder of a one-time link sets a password",
    ),
    ("GET", "/admin/people", "people"),
    ("POST", "/admin/people", "people"),
    ("GET", "/admin/people/{id}", "people"),
    ("POST", "/admin/people/{id}/role", "people"),
    ("POST", "/admin/people/{id}/active", "people"),
    ("POST", "/admin/people/{id}/link", "people"),
    ("GET", "/admin/structure", "people"),
    ("POST", "/admin/structure/workplaces", "people"),
    ("POST", "/admin/structure/networks", "people"),
    ("GET", "/admin/structure/workplaces/{slug}", "people"),
    ("POST", "/admin/structure/workplaces/{slug}", "people"),
    (
        "POST",
        "/admin/structure/workplaces/{slug}/archive",
        "people",
    ),
    ("GET", "/admin/structure/networks/{slug}", "people"),
    ("POST", "/admin/structure/networks/{slug}", "people"),
    // waves at scale (issue 18, item 3)
    (
        "GET",
        "/admin/waves/{id}/invitations/{inv}/revoke",
        "waves_scale",
    ),
    (
        "POST",
        "/admin/waves/{id}/invitations/{inv}/revoke",
        "waves_scale",
    ),
    (
        "POST",
        "/admin/waves/{id}/invitations/{inv}/resend",
        "waves_scale",
    ),
    ("POST", "/admin/waves/{id}/remind", "waves_scale"),
    ("POST", "/admin/waves/{id}/reminders", "waves_scale"),
    ("GET", "/static/wave.js", "public: the wave page's script"),
    ("POST", "/admin/structure/networks/{slug}/archive", "people"),
    // a questionnaire's check, preview and test links (issue 18, item 2)
    ("GET", "/admin/instruments/{id}", "fieldwork"),
    ("GET", "/admin/instruments/{id}/preview", "fieldwork"),
    ("POST", "/admin/instruments/{id}/preview", "fieldwork"),
    (
        "POST",
        "/admin/instruments/{id}/preview/relevance",
        "fieldwork",
    ),
    ("POST", "/admin/instruments/{id}/test-links", "fieldwork"),
    (
        "POST",
        "/admin/instruments/{id}/test-answers/wipe",
        "fieldwork",
    ),
    // documents in the browser and coding them (issue 20)
    ("GET", "/coding/documents", "documents"),
    ("POST", "/coding/documents", "documents"),
    ("GET", "/coding/documents/{id}", "documents"),
    ("POST", "/coding/documents/{id}/memos", "documents"),
    ("GET", "/coding/codebooks/{id}/colours.css", "documents"),
    ("POST", "/coding/document-assignments", "documents"),
    (
        "GET",
        "/coding/assignments/{id}/documents/{pos}",
        "documents",
    ),
    (
        "POST",
        "/coding/assignments/{id}/documents/{pos}/codings",
        "documents",
    ),
    (
        "POST",
        "/coding/assignments/{id}/documents/{pos}/codings/{coding}",
        "documents",
    ),
    (
        "POST",
        "/coding/assignments/{id}/documents/{pos}/codings/{coding}/delete",
        "documents",
    ),
    (
        "POST",
        "/coding/assignments/{id}/documents/{pos}/consensus",
        "documents",
    ),
    (
        "GET",
        "/coding/assignments/{id}/differences/{code}",
        "documents",
    ),
    ("POST", "/coding/documents/{id}/speakers", "documents"),
    (
        "POST",
        "/coding/codebooks/{id}/codes/{code}/memos",
        "documents",
    ),
    ("POST", "/coding/memos/{memo}", "documents"),
    (
        "POST",
        "/coding/assignments/{id}/answers/{pos}/codings/{coding}",
        "documents",
    ),
];

/// The (method, path pattern) pairs that `src/lib.rs` routes, read from its source.
fn app_routes() -> Vec<(String, String)> {
    let src = include_str!("../../src/lib.rs");
    let mut routes = Vec::new();
    let mut rest = src;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let open = rest.find('"').expect("a route's path");
        let close = open + 1 + rest[open + 1..].find('"').expect("the path's end");
        let path = &rest[open + 1..close];
        let mut depth = 1usize;
        let mut end = close;
        for (i, c) in rest[close..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = close + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let handlers = &rest[close..end];
        for (method, word) in [("GET", "get("), ("POST", "post(")] {
            let named = handlers.match_indices(word).any(|(i, _)| {
                i == 0
                    || !handlers[..i]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            });
            if named {
                routes.push((method.to_owned(), path.to_owned()));
            }
        }
        rest = &rest[end..];
    }
    routes
}

/// What a walk's paths must contain for `pattern`: its part after the last parameter, or the
/// segment before a parameter that ends it (`/ws/{slug}/sessions/{id}`: `/sessions/`).
fn static_part(pattern: &str) -> String {
    let segs: Vec<&str> = pattern.split('/').collect();
    match segs.iter().rposition(|s| s.starts_with('{')) {
        None => pattern.to_owned(),
        Some(last) if last + 1 == segs.len() => format!("/{}/", segs[last - 1]),
        Some(last) => format!("/{}", segs[last + 1..].join("/")),
    }
}

#[test]
fn every_route_is_in_the_authorisation_walk() {
    let walks = [
        ("fieldwork", include_str!("fieldwork.rs")),
        ("workspace", include_str!("workspace.rs")),
        ("ws_meetings", include_str!("ws_meetings.rs")),
        ("coding", include_str!("coding.rs")),
        ("retrieval", include_str!("retrieval.rs")),
        ("profile", include_str!("profile.rs")),
        ("import_export", include_str!("import_export.rs")),
        ("people", include_str!("people.rs")),
        ("waves_scale", include_str!("waves_scale.rs")),
        ("documents", include_str!("documents.rs")),
    ];
    let routes = app_routes();
    assert!(routes.len() > 50, "the routes were read: {routes:?}");
    let listed: Vec<(String, String)> = ROUTE_WALKS
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = routes.iter().filter(|r| !listed.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the authorisation walk (walk each as every role, then list it in ROUTE_WALKS): {missing:?}"
    );
    let gone: Vec<_> = listed.iter().filter(|r| !routes.contains(r)).collect();
    assert!(
        gone.is_empty(),
        "ROUTE_WALKS lists routes the app no longer has: {gone:?}"
    );
    for (method, pattern, walk) in ROUTE_WALKS {
        if walk.starts_with("public: ") {
            continue;
        }
        let (_, text) = walks
            .iter()
            .find(|(name, _)| name == walk)
            .unwrap_or_else(|| panic!("{method} {pattern}: no walk named {walk}"));
        let needle = static_part(pattern);
        assert!(
            text.contains(&needle),
            "{method} {pattern}: tests/{walk}.rs walks no path with {needle:?}"
        );
    }
}
