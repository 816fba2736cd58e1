//! The audit log in the app, on every back end: opening and closing a wave through the web
//! is recorded with who did it, and `/admin/audit` shows the log to researchers only, in
//! Dutch and English.

mod common;

use axum::http::StatusCode;
use common::{world, Client};
use leernet_store::testing::{test_backends, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waves_opened_and_closed_through_the_web_are_audited() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let researcher = w
            .store
            .account_by_email("researcher@example.org")
            .await
            .unwrap()
            .unwrap();
        let mut c = Client::new(&w.app);
        c.login("researcher@example.org").await;
        let csrf = c.session_csrf().await;
        let empty = c.get("/admin/audit").await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(
            empty.body.contains("Het auditlog is nog leeg."),
            "{}",
            empty.body
        );
        // Open the draft wave, then close it; posting the same status again records nothing.
        let path = format!("/admin/waves/{}/status", w.draft.0);
        for status in ["open", "closed", "closed"] {
            let p = c
                .post(&path, &[("csrf_token", &csrf), ("status", status)])
                .await;
            assert_eq!(p.status, StatusCode::SEE_OTHER);
        }
        let log = w.store.audit_log().await.unwrap();
        let got: Vec<(&str, &str, String)> = log
            .iter()
            .map(|e| (e.action.as_str(), e.actor.as_str(), e.subject.clone()))
            .collect();
        let actor = format!("person:{}", researcher.id.0);
        let subject = format!("wave:{}", w.draft.0);
        assert_eq!(
            got,
            [
                ("wave.open", actor.as_str(), subject.clone()),
                ("wave.close", actor.as_str(), subject.clone()),
            ]
        );
        // The page lists them newest first, with the researcher's name, in both languages.
        let p = c.get("/admin/audit").await;
        let closed = p.body.find("meting gesloten").expect("closed listed");
        let opened = p.body.find("meting geopend").expect("opened listed");
        assert!(closed < opened, "newest first");
        assert!(p.body.contains(&format!("{} ({actor})", researcher.name)));
        let p = c.get("/admin/audit?lang=en").await;
        assert!(p.body.contains("wave closed") && p.body.contains("Audit log"));
        // Researchers only.
        let p = Client::new(&w.app).get("/admin/audit").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        for who in [
            "coordinator@example.org",
            "fac-a@example.org",
            "member-a@example.org",
        ] {
            let mut c = Client::new(&w.app);
            c.login(who).await;
            assert_eq!(
                c.get("/admin/audit").await.status,
                StatusCode::FORBIDDEN,
                "{who}"
            );
        }
        w.store.close().await;
        db.drop_database().await;
    }
}
