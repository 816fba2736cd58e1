//! The app reads the time from the clock it is given, never from the system: at a fixed
//! clock, a form's `today()` is that date in the survey's constraints and in the computed
//! answers it stores (on every back end).

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, Page};
use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::{InvitationKind, NewInstrument, NewInvitation};
use std::sync::Arc;

/// A date that may not lie after today, and today's date as a computed answer.
fn form() -> Vec<u8> {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::nl",
            "label::en",
            "required",
            "constraint",
            "calculation",
        ],
        &[
            "date",
            "d",
            "Datum van de bijeenkomst",
            "Date of the session",
            "yes",
            ". <= today()",
            "",
        ],
        &["calculate", "t", "", "", "", "", "today()"],
    ];
    let settings: &[&[&str]] = &[
        &["form_id", "version", "form_title::nl", "form_title::en"],
        &["clock_test", "1", "Klok", "Clock"],
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [("survey", survey), ("settings", settings)] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn post(c: &mut Client, url: &str, page: &Page, fields: &[(&str, &str)]) -> Page {
    let mut all: Vec<(String, String)> = ["csrf_token", "page", "shown"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                common::fill::hidden(&page.body, n).unwrap_or_default(),
            )
        })
        .collect();
    all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    c.post_owned(url, &all).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_clock_is_the_forms_today() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let instrument = w
            .store
            .add_instrument(&NewInstrument {
                form_id: "clock_test".into(),
                version: "1".into(),
                title: Bilingual {
                    nl: "Klok".into(),
                    en: "Clock".into(),
                },
                file_name: "clock.xlsx".into(),
                workbook: form(),
            })
            .await
            .unwrap();
        let wave = w
            .store
            .add_wave(instrument, "klok", WaveStatus::Open)
            .await
            .unwrap();
        let token = common::token(60);
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
        // An app whose clock stands at 5 March 2024 (years before the system's date).
        let clock = FixedClock::at_date(2024, 3, 5).unwrap().shared();
        let app = leernet_web::app(Arc::new(leernet_web::AppState::new(w.store.clone(), clock)));
        let url = format!("/s/{}", token.as_str());
        let mut c = Client::new(&app);
        let page = c.get(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        // The day after the clock's date is in the future: refused, nothing stored.
        let p = post(
            &mut c,
            &url,
            &page,
            &[("q.d", "2024-03-06"), ("action", "submit")],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        // The clock's own date is not: stored, with `today()` computed at the clock.
        let p = post(
            &mut c,
            &url,
            &page,
            &[("q.d", "2024-03-05"), ("action", "submit")],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let inv = w.store.invitation_by_token(&token).await.unwrap().unwrap();
        let r = w.store.invitation_response(&inv).await.unwrap().unwrap();
        assert_eq!(r.status, ResponseStatus::Submitted);
        assert_eq!(r.answers.get("d").map(String::as_str), Some("2024-03-05"));
        assert_eq!(r.answers.get("t").map(String::as_str), Some("2024-03-05"));
        w.store.close().await;
        db.drop_database().await;
    }
}
