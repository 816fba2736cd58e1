//! One question per page (`style` = `one-per-page` on the settings sheet), on every back end:
//! each question is a page, a `field-list` group stays one, a question that skip logic hides
//! is no page, the progress shows where the respondent is, and a respondent who leaves comes
//! back at the question where they left off.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, Page, World};
use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::{InvitationKind, NewInstrument, NewInvitation};

fn form() -> Vec<u8> {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::nl",
            "label::en",
            "required",
            "relevant",
            "appearance",
        ],
        &[
            "text",
            "q1",
            "Naam van het netwerk",
            "Name of the network",
            "yes",
            "",
            "",
        ],
        &[
            "begin_group",
            "g1",
            "Over het netwerk",
            "About the network",
            "",
            "",
            "",
        ],
        &[
            "integer",
            "q2",
            "Aantal deelnemers",
            "Participants",
            "yes",
            "",
            "",
        ],
        &["select_one yn", "q3", "Online?", "Online?", "yes", "", ""],
        &[
            "text",
            "q4",
            "Welk platform?",
            "Which platform?",
            "yes",
            "${q3} = 'yes'",
            "",
        ],
        &["end_group", "", "", "", "", "", ""],
        &[
            "begin_group",
            "g2",
            "Samen op één pagina",
            "Together on one page",
            "",
            "",
            "field-list",
        ],
        &["text", "q5", "Vraag vijf", "Question five", "", "", ""],
        &["text", "q6", "Vraag zes", "Question six", "", "", ""],
        &["end_group", "", "", "", "", "", ""],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label::nl", "label::en"],
        &["yn", "yes", "Ja", "Yes"],
        &["yn", "no", "Nee", "No"],
    ];
    let settings: &[&[&str]] = &[
        &[
            "form_id",
            "version",
            "form_title::nl",
            "form_title::en",
            "default_language",
            "style",
        ],
        &[
            "pages_test",
            "1",
            "Per vraag",
            "Per question",
            "nl",
            "one-per-page",
        ],
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ] {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_question_per_page() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        story(&w).await;
        w.store.close().await;
        db.drop_database().await;
    }
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

/// The names of the questions a page asks.
fn asked(page: &Page) -> Vec<String> {
    common::fill::tags(&page.body, "input")
        .into_iter()
        .chain(common::fill::tags(&page.body, "textarea"))
        .filter_map(|t| common::fill::attr(t, "name"))
        .filter_map(|n| n.strip_prefix("q.").map(str::to_owned))
        .fold(Vec::new(), |mut v, n| {
            if !v.contains(&n) {
                v.push(n);
            }
            v
        })
}

async fn story(w: &World) {
    let instrument = w
        .store
        .add_instrument(&NewInstrument {
            form_id: "pages_test".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Per vraag".into(),
                en: "Per question".into(),
            },
            file_name: "pages.xlsx".into(),
            workbook: form(),
        })
        .await
        .unwrap();
    let wave = w
        .store
        .add_wave(instrument, "per-vraag", WaveStatus::Open)
        .await
        .unwrap();
    let token = common::token(50);
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
    let url = format!("/s/{}", token.as_str());
    let mut c = Client::new(&w.app);

    // One question, and the progress: q1, q2, q3 and the field-list page (q4 is hidden).
    let p1 = c.get(&url).await;
    assert_eq!(p1.status, StatusCode::OK);
    assert_eq!(asked(&p1), ["q1"]);
    assert!(p1.body.contains("Pagina 1 van 4"), "{}", p1.body);
    assert!(p1
        .body
        .contains("<progress class=\"survey-progress\" max=\"4\" value=\"1\""));
    let p = post(&mut c, &url, &p1, &[("q.q1", "Wijk A"), ("action", "next")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p2 = c.get(p.location()).await;
    assert_eq!(asked(&p2), ["q2"]);
    assert!(
        p2.body.contains("<h1>Over het netwerk</h1>"),
        "the group names the page"
    );
    assert!(p2.body.contains("Pagina 2 van 4"));
    // A required answer left empty: refused on its own page.
    let p = post(&mut c, &url, &p2, &[("action", "next")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = post(&mut c, &url, &p2, &[("q.q2", "12"), ("action", "next")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);

    // Leave at q3 and come back through the same link: q3 again.
    let mut again = Client::new(&w.app);
    let back = again.get(&url).await;
    assert_eq!(asked(&back), ["q3"]);
    assert!(back.body.contains("Pagina 3 van 4"));
    // "Yes" makes q4 a page of its own, right after.
    let p = post(
        &mut again,
        &url,
        &back,
        &[("q.q3", "yes"), ("action", "next")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p4 = again.get(p.location()).await;
    assert_eq!(asked(&p4), ["q4"]);
    assert!(p4.body.contains("Pagina 4 van 5"));
    let p = post(
        &mut again,
        &url,
        &p4,
        &[("q.q4", "Teams"), ("action", "next")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // The field-list group: both of its questions on the last page.
    let last = again.get(p.location()).await;
    assert_eq!(asked(&last), ["q5", "q6"]);
    assert!(last.body.contains("Pagina 5 van 5"));
    let p = post(
        &mut again,
        &url,
        &last,
        &[("q.q5", "vijf"), ("action", "submit")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let inv = w.store.invitation_by_token(&token).await.unwrap().unwrap();
    let r = w.store.invitation_response(&inv).await.unwrap().unwrap();
    assert_eq!(r.status, ResponseStatus::Submitted);
    let got: Vec<(&str, &str)> = r
        .answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("q1", "Wijk A"),
            ("q2", "12"),
            ("q3", "yes"),
            ("q4", "Teams"),
            ("q5", "vijf")
        ]
    );
}
