//! Invitations by e-mail, on every back end, against a tiny SMTP sink started in the test
//! (a TcpListener on 127.0.0.1 speaking just enough SMTP; no internet): each invitation with an
//! address gets its own link in Dutch and English, a success is recorded and never sent again
//! unless asked, a refused address is reported on the page, submitted invitations are left
//! alone, and only a researcher may send.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::{InvitationKind, NewInvitation};
use leernet_testkit::on_every_backend;
use leernet_testkit::smtp::{Refuse, SmtpSink};
use leernet_web::mail::{SmtpSettings, TlsMode};
use std::collections::BTreeMap;
use std::sync::Arc;

on_every_backend!(world = world, invitations_by_e_mail => mail_story);

#[test]
fn the_password_stays_out_of_debug_output() {
    let s: SmtpSettings = toml::from_str(
        "host = \"smtp.example.org\"\nuser = \"leernet\"\npassword = \"geheim-wachtwoord\"\nfrom = \"Onderzoek <onderzoek@example.org>\"\n",
    )
    .unwrap();
    assert_eq!(s.tls, TlsMode::Starttls);
    assert_eq!(s.port(), 587);
    let shown = format!("{s:?}");
    assert!(!shown.contains("geheim"), "{shown}");
    assert!(shown.contains("<redacted>"));
    assert!(toml::from_str::<SmtpSettings>(
        "host = \"x\"\nfrom = \"a@b.nl\"\npasword = \"typo\"\n"
    )
    .is_err());
}

fn email(e: &str) -> Option<Email> {
    Some(Email::parse(e).unwrap())
}

async fn mail_story(w: &World) {
    let s = SmtpSink::start(Refuse::Containing("weiger".into())).await;
    let member = |n: u8, e: &str| NewInvitation {
        network: w.a,
        token: common::token(n),
        kind: InvitationKind::Member,
        person: None,
        email: email(e),
    };
    let ids = w
        .store
        .add_invitations(
            w.open,
            &[
                member(60, "lid1@example.org"),
                member(61, "weiger@example.org"),
                member(62, "klaar@example.org"),
            ],
        )
        .await
        .unwrap();
    // The third one already submitted: it is never mailed.
    let mut answers = BTreeMap::new();
    answers.insert("network_name".to_owned(), "Wijk A".to_owned());
    w.store
        .save_survey(ids[2], &answers, 0, true)
        .await
        .unwrap();
    w.store
        .add_invitations(w.draft, &[member(63, "concept@example.org")])
        .await
        .unwrap();

    // Without [smtp]: the page says so, and the button's route refuses.
    let mut plain = Client::new(&w.app);
    plain.login("researcher@example.org").await;
    let page = plain.get(&format!("/admin/waves/{}", w.open.0)).await;
    assert!(page.body.contains("Er is geen mailserver ingesteld"));
    assert!(!page.body.contains("id=\"send-invitations\""));
    let csrf = plain.session_csrf().await;
    let p = plain
        .post(
            &format!("/admin/waves/{}/send", w.open.0),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);

    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: Some(s.port),
        tls: TlsMode::None,
        user: None,
        password: None,
        from: "Onderzoeksteam <onderzoek@example.org>".into(),
    };
    let app = leernet_web::app(Arc::new(
        leernet_web::AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
            .with_public_url(Some("https://leernet.example".into()))
            .with_smtp(Some(&settings))
            .unwrap(),
    ));
    let send = format!("/admin/waves/{}/send", w.open.0);

    // Only a researcher may send; a stranger goes to the login page; a form without the
    // session's token does nothing.
    let mut stranger = Client::new(&app);
    let p = stranger.post(&send, &[("csrf_token", "x")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    for who in [
        "coordinator@example.org",
        "fac-a@example.org",
        "member-a@example.org",
    ] {
        let mut c = Client::new(&app);
        c.login(who).await;
        let csrf = c.session_csrf().await;
        let p = c.post(&send, &[("csrf_token", &csrf)]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut r = Client::new(&app);
    r.login("researcher@example.org").await;
    let p = r.post(&send, &[("csrf_token", "vals")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(s.mails().is_empty());

    // A draft wave: not sent.
    let csrf = r.session_csrf().await;
    let p = r
        .post(
            &format!("/admin/waves/{}/send", w.draft.0),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("Open de meting eerst"));

    // The first round: one accepted, one refused (reported with its address), the
    // submitted one left alone.
    let page = r.get(&format!("/admin/waves/{}", w.open.0)).await;
    assert!(page.body.contains("id=\"send-invitations\""));
    let p = r.post(&send, &[("csrf_token", &csrf)]).await;
    assert_eq!(p.status, StatusCode::BAD_GATEWAY, "{}", p.body);
    assert!(p.body.contains("Verstuurd: 1."), "{}", p.body);
    assert!(p
        .body
        .contains("Overgeslagen (al verstuurd of al ingevuld): 1."));
    assert!(p.body.contains("<li>weiger@example.org: "));
    {
        let mails = s.mails();
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert_eq!(m.to, ["<lid1@example.org>"]);
        let data = &m.data;
        assert!(
            data.contains(&format!(
                "https://leernet.example/s/{}",
                common::token(60).as_str()
            )),
            "{data}"
        );
        assert!(data.contains("From: Onderzoeksteam <onderzoek@example.org>"));
        assert!(data.contains("Subject: "));
        assert!(data.contains("Goedendag"), "Dutch first: {data}");
        assert!(data.contains("You are invited"), "English too: {data}");
    }
    let sent = w.store.invitations_sent(w.open).await.unwrap();
    assert_eq!(sent.keys().copied().collect::<Vec<_>>(), [ids[0]]);
    // The wave page marks it.
    let page = r.get(&format!("/admin/waves/{}", w.open.0)).await;
    assert!(page.body.contains(">verstuurd</td>"));

    // The second round: the refused one now goes through, the sent one is not sent again.
    s.set_refuse(Refuse::Nobody);
    let p = r.post(&send, &[("csrf_token", &csrf)]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("Verstuurd: 1."));
    {
        let mails = s.mails();
        assert_eq!(mails.len(), 2);
        assert_eq!(mails[1].to, ["<weiger@example.org>"]);
    }
    // Asked to send again: both, never the submitted one.
    let p = r
        .post(&send, &[("csrf_token", &csrf), ("resend", "1")])
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Verstuurd: 2."));
    let mails = s.mails();
    assert_eq!(mails.len(), 4);
    assert!(mails.iter().all(|m| !m
        .to
        .iter()
        .any(|t| t.contains("klaar") || t.contains("concept"))));
    // The CSV of the links keeps working.
    let csv = r
        .get(&format!("/admin/waves/{}/invitations.csv", w.open.0))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("lid1@example.org"));
    // Without server.public_url (the world's own app), a forged Host never makes the links:
    // the list is refused with what to set; this machine's own name works.
    let list = format!("/admin/waves/{}/invitations.csv", w.open.0);
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    for host in [
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.evil.example",
        "x y",
    ] {
        let p = r.get_with(&list, &[("host", host)]).await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{host}");
        assert!(p.body.contains("webadres van leernet") && !p.body.contains("/s/"));
    }
    let p = r.get_with(&list, &[("host", "127.0.0.1:9999")]).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("http://127.0.0.1:9999/s/"), "{}", p.body);
    let p = r.get_with(&list, &[("host", "[::1]:9999")]).await;
    assert!(p.body.contains("http://[::1]:9999/s/"), "{}", p.body);
}
