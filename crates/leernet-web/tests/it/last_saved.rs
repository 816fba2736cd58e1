//! `${last-saved#question}` in the web survey (issue 23): a questionnaire starts with the
//! answers the same respondent submitted to the same instrument in an earlier wave — the
//! same person's for a member, the same network's for a network questionnaire — and with
//! nothing on a first questionnaire or an anonymous link (on every back end).

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, Page};
use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::{InvitationKind, NewInstrument, NewInvitation, NewPerson};
use std::sync::Arc;

/// A place whose default is the last questionnaire's.
fn form() -> Vec<u8> {
    let survey: &[&[&str]] = &[
        &["type", "name", "label::nl", "label::en", "default"],
        &[
            "text",
            "plaats",
            "Woonplaats",
            "Place",
            "${last-saved#plaats}",
        ],
        &["integer", "leden", "Aantal leden", "Members", ""],
    ];
    let settings: &[&[&str]] = &[
        &["form_id", "version", "form_title::nl", "form_title::en"],
        &["vorige_keer", "1", "Vorige keer", "Last time"],
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
async fn the_second_wave_starts_from_the_first_waves_answers() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        let instrument = w
            .store
            .add_instrument(&NewInstrument {
                form_id: "vorige_keer".into(),
                version: "1".into(),
                title: Bilingual {
                    nl: "Vorige keer".into(),
                    en: "Last time".into(),
                },
                file_name: "vorige_keer.xlsx".into(),
                workbook: form(),
            })
            .await
            .unwrap();
        let mut people = Vec::new();
        for who in ["anna", "bram"] {
            people.push(
                w.store
                    .add_person(&NewPerson {
                        email: Email::parse(&format!("{who}@example.org")).unwrap(),
                        name: who.into(),
                        role: Role::Member,
                        networks: vec![w.a],
                        password_hash: None,
                    })
                    .await
                    .unwrap(),
            );
        }
        let first = w
            .store
            .add_wave(instrument, "voorjaar", WaveStatus::Open)
            .await
            .unwrap();
        let second = w
            .store
            .add_wave(instrument, "najaar", WaveStatus::Open)
            .await
            .unwrap();
        // tokens: 70 + (wave, who); who: 0 Anna, 1 Bram, 2 anonymous, 3 network A
        let invite = |n: u8, kind, person, network| NewInvitation {
            network,
            token: common::token(n),
            kind,
            person,
            email: None,
        };
        for (wave, base) in [(first, 70u8), (second, 80u8)] {
            w.store
                .add_invitations(
                    wave,
                    &[
                        invite(base, InvitationKind::Member, Some(people[0]), w.a),
                        invite(base + 1, InvitationKind::Member, Some(people[1]), w.a),
                        invite(base + 2, InvitationKind::Member, None, w.a),
                        invite(base + 3, InvitationKind::Network, None, w.a),
                    ],
                )
                .await
                .unwrap();
        }
        let app = leernet_web::app(Arc::new(leernet_web::AppState::new(
            w.store.clone(),
            FixedClock::at_date(2026, 12, 7).unwrap().shared(),
        )));
        let mut c = Client::new(&app);
        let url = |n: u8| format!("/s/{}", common::token(n).as_str());

        // the first wave: nothing before it
        let page = c.get(&url(70)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(!page.body.contains("Oosterwolde"));
        let p = post(
            &mut c,
            &url(70),
            &page,
            &[
                ("q.plaats", "Oosterwolde"),
                ("q.leden", "12"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        // Anna's started but unsubmitted questionnaire of network A is no "last saved"
        let page = c.get(&url(73)).await;
        let p = post(
            &mut c,
            &url(73),
            &page,
            &[("q.plaats", "Netwerkdorp"), ("action", "submit")],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let page = c.get(&url(71)).await;
        post(
            &mut c,
            &url(71),
            &page,
            &[("q.plaats", "Bramstad"), ("action", "save")],
        )
        .await;

        // the second wave: Anna's place is filled in
        let page = c.get(&url(80)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("value=\"Oosterwolde\""),
            "the default is the first wave's answer:\n{}",
            page.body
        );
        assert!(!page.body.contains("value=\"12\""), "leden has no default");
        // submitting it as shown stores it
        let p = post(
            &mut c,
            &url(80),
            &page,
            &[("q.plaats", "Oosterwolde"), ("action", "submit")],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let inv = w
            .store
            .invitation_by_token(&common::token(80))
            .await
            .unwrap()
            .unwrap();
        let r = w.store.invitation_response(&inv).await.unwrap().unwrap();
        assert_eq!(
            r.answers.get("plaats").map(String::as_str),
            Some("Oosterwolde")
        );
        // Bram never submitted, the anonymous link has no one to recognise: empty
        for n in [81, 82] {
            let page = c.get(&url(n)).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert!(
                !page.body.contains("Oosterwolde") && !page.body.contains("Bramstad"),
                "{n}"
            );
        }
        // the network questionnaire: the same network's earlier one, not a member's
        let page = c.get(&url(83)).await;
        assert!(page.body.contains("value=\"Netwerkdorp\""), "{}", page.body);
        assert!(!page.body.contains("Oosterwolde"));
        w.store.close().await;
        db.drop_database().await;
    }
}
