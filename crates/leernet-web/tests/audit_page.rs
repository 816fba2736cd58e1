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

/// An XLSForm with one open question and a consent text in Dutch and English.
fn consent_form() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let rows: [(&str, &[&[&str]]); 2] = [
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Nederlands (nl)",
                    "label::English (en)",
                ],
                &["text", "open", "Wat wil je kwijt?", "Anything to add?"],
            ],
        ),
        (
            "settings",
            &[
                &[
                    "form_id",
                    "version",
                    "consent::Nederlands (nl)",
                    "consent::English (en)",
                ],
                &[
                    "toestemming_test",
                    "1",
                    "Uw antwoorden worden tot 2027 bewaard.",
                    "Your answers are kept until 2027.",
                ],
            ],
        ),
    ];
    for (name, cells) in rows {
        let s = wb.add_worksheet();
        s.set_name(name).unwrap();
        for (r, row) in cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                s.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consent_text_opens_the_survey() {
    use leernet_core::*;
    use leernet_store::*;
    let backend = test_backends()[0];
    let db = TestDb::new(backend).await;
    let w = world(db.store().await).await;
    let inst = w
        .store
        .add_instrument(&NewInstrument {
            form_id: "toestemming_test".into(),
            version: "1".into(),
            title: Bilingual::default(),
            file_name: "toestemming.xlsx".into(),
            workbook: consent_form(),
        })
        .await
        .unwrap();
    let wave = w
        .store
        .add_wave(inst, "met-toestemming", WaveStatus::Open)
        .await
        .unwrap();
    let token = InvitationToken::from_random([201; 20]);
    w.store
        .add_invitations(
            wave,
            &[NewInvitation {
                network: w.a,
                token: token.clone(),
                kind: InvitationKind::Member,
                person: None,
                email: None,
            }],
        )
        .await
        .unwrap();
    let mut c = Client::new(&w.app);
    let p = c.get(&format!("/s/{}", token.as_str())).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Toestemming en privacy"), "{}", p.body);
    assert!(p.body.contains("Uw antwoorden worden tot 2027 bewaard."));
    let p = c.get(&format!("/s/{}?lang=en", token.as_str())).await;
    assert!(
        p.body.contains("Your answers are kept until 2027."),
        "{}",
        p.body
    );
    // A form without a consent text shows none.
    let p = Client::new(&w.app)
        .get(&format!("/s/{}", w.token_member_a.as_str()))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("Toestemming en privacy"));
    w.store.close().await;
    db.drop_database().await;
}
