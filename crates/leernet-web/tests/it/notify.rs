//! Workspace e-mails, on every back end, against a tiny SMTP sink started in the test (a
//! `leernet_testkit::smtp`, on 127.0.0.1; no internet): without `[smtp]` the
//! opt-in page says so and the outbox keeps the messages; with it, the messages go out right
//! after the action in the member's language, naming the network, the date and a link and no
//! text anyone wrote; a message the server refused stays unsent and the next send (as
//! `leernet notify send` runs it) delivers it.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, World};
use leernet_web::mail::{Mailer, SmtpSettings, TlsMode};

use leernet_testkit::smtp::{Refuse, SmtpSink};
use std::sync::Arc;
use std::time::Duration;

/// Waits (at most 10 s) until `ready` holds: the app sends in a background task.
async fn eventually(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..200 {
        if ready() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits until the outbox holds `n` unsent messages (a message is marked sent just after
/// the mail server took it).
async fn outbox_holds(w: &World, n: usize) {
    for _ in 0..200 {
        if w.store.outbox_unsent().await.unwrap().len() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the outbox holds {} unsent messages, not {n}",
        w.store.outbox_unsent().await.unwrap().len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_e_mails() {
    for backend in leernet_store::testing::test_backends() {
        let db = leernet_store::testing::TestDb::new(backend).await;
        let w = world(db.store().await).await;
        story(&w).await;
        w.store.close().await;
        db.drop_database().await;
    }
}

async fn plan(c: &mut Client, slug: &str, date: &str) -> common::Page {
    let csrf = c.session_csrf().await;
    let p = c
        .post(
            &format!("/ws/{slug}/sessions"),
            &[
                ("csrf_token", &csrf),
                ("date", date),
                ("place", "Wijkcentrum De Linde"),
                ("method", "reflection"),
                ("agenda", "Vertrouwelijk agendapunt"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    p
}

async fn story(w: &World) {
    let s = SmtpSink::start(Refuse::Nobody).await;
    // Member A opts in on the English page, member B on the Dutch one.
    let mut ma = Client::new(&w.app);
    ma.login("member-a@example.org").await;
    let page = ma.get("/ws/settings?lang=en").await;
    // Without [smtp]: the opt-in page says nothing will be sent.
    assert!(page.body.contains("id=\"notify-no-smtp\""), "{}", page.body);
    assert!(page.body.contains("No mail server is set up"));
    let csrf = ma.session_csrf().await;
    let p = ma
        .post(
            "/ws/notify",
            &[
                ("csrf_token", &csrf),
                ("on_round", "1"),
                ("on_session", "1"),
            ],
        )
        .await;
    assert_eq!(p.location(), "/ws/settings?saved=1");
    let mut mb = Client::new(&w.app);
    mb.login("member-b@example.org").await;
    assert!(mb
        .get("/ws/settings")
        .await
        .body
        .contains("geen mailserver ingesteld"));
    let csrf = mb.session_csrf().await;
    mb.post("/ws/notify", &[("csrf_token", &csrf), ("on_session", "1")])
        .await;

    // Without [smtp] a planned session waits in the outbox.
    let mut fa = Client::new(&w.app);
    fa.login("fac-a@example.org").await;
    plan(&mut fa, "wijk-a", "2026-12-03").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(w.store.outbox_unsent().await.unwrap().len(), 1);

    // With [smtp]: the next action sends it and its own message, right away.
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: Some(s.port),
        tls: TlsMode::None,
        user: None,
        password: None,
        from: "Leernet <leernet@example.org>".into(),
    };
    let app = leernet_web::app(Arc::new(
        leernet_web::AppState::new(w.store.clone(), leernet_core::SystemClock::shared())
            .with_public_url(Some("https://leernet.example".into()))
            .with_smtp(Some(&settings))
            .unwrap(),
    ));
    let mut ma2 = Client::new(&app);
    ma2.login("member-a@example.org").await;
    assert!(!ma2
        .get("/ws/settings")
        .await
        .body
        .contains("notify-no-smtp"));
    let mut fa = Client::new(&app);
    fa.login("fac-a@example.org").await;
    let csrf = fa.session_csrf().await;
    let p = fa
        .post(
            "/ws/wijk-a/rounds",
            &[
                ("csrf_token", &csrf),
                ("title", "Geheime rondetitel"),
                ("votes", "3"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    eventually("two messages", || s.mails().len() == 2).await;
    {
        let mails = s.mails();
        assert!(mails.iter().all(|m| m.to == ["<member-a@example.org>"]));
        let session = mails
            .iter()
            .find(|m| m.data.contains("Session planned"))
            .expect("the session's message, in English");
        assert!(session.data.contains("Netwerk Wijk A"));
        assert!(session.data.contains("2026-12-03"));
        assert!(session
            .data
            .contains("https://leernet.example/ws/wijk-a/sessions/"));
        assert!(session
            .data
            .contains("https://leernet.example/ws/settings\r\n"));
        let round = mails
            .iter()
            .find(|m| m.data.contains("Agenda vote opened"))
            .expect("the round's message, in English");
        assert!(round
            .data
            .contains("https://leernet.example/ws/wijk-a/agenda"));
        for m in &mails {
            for secret in ["Geheime rondetitel", "Vertrouwelijk", "De Linde"] {
                assert!(!m.data.contains(secret), "a written text in a mail: {m:?}");
            }
        }
    }
    // marked sent once the mail server took it (just after the server has it)
    outbox_holds(w, 0).await;

    // Network B's member gets Dutch, only for what B did.
    let mut fb = Client::new(&app);
    fb.login("fac-b@example.org").await;
    plan(&mut fb, "wijk-b", "2027-01-14").await;
    eventually("B's message", || s.mails().len() == 3).await;
    outbox_holds(w, 0).await;
    {
        let m = s.mails()[2].clone();
        assert_eq!(m.to, ["<member-b@example.org>"]);
        assert!(
            m.data.contains("Bijeenkomst gepland in Netwerk Wijk B"),
            "{m:?}"
        );
        assert!(m.data.contains("2027-01-14"));
    }

    // A refused message stays in the outbox; the next send delivers it.
    s.set_refuse(Refuse::Everyone);
    plan(&mut fa, "wijk-a", "2027-02-11").await;
    eventually("a refusal", || s.refused() == 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    outbox_holds(w, 1).await;
    assert_eq!(s.mails().len(), 3);
    s.set_refuse(Refuse::Nobody);
    // A member who switched the opt-in off after the action is not mailed.
    let mut fb0 = Client::new(&w.app);
    fb0.login("fac-b@example.org").await;
    plan(&mut fb0, "wijk-b", "2027-03-04").await; // an app without [smtp]: it waits
    let csrf = mb.session_csrf().await;
    mb.post("/ws/notify", &[("csrf_token", &csrf)]).await;
    assert_eq!(w.store.outbox_unsent().await.unwrap().len(), 2);
    let mailer = Mailer::new(&settings).unwrap();
    let done = leernet_web::notify::send_outbox(
        &w.store,
        &mailer,
        &leernet_report::catalog(),
        "https://leernet.example",
        &leernet_core::FixedClock::at_unix_seconds(1_800_000_000),
    )
    .await
    .unwrap();
    assert_eq!((done.sent, done.failed, done.closed), (1, 0, 1));
    assert!(w.store.outbox_unsent().await.unwrap().is_empty());
    let mails = s.mails();
    assert_eq!(mails.len(), 4);
    assert_eq!(mails[3].to, ["<member-a@example.org>"]);
    assert!(mails[3].data.contains("2027-02-11"));
}
