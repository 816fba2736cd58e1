//! Issue 19, item 3, through the store and the app on every back end: a study of four
//! networks whose network questionnaire was fielded twice (`2025`, `2026`). In `2026` three
//! networks evaluate their work and name loneliness as a theme; the fourth answers as
//! before. The profile shows the trend chart and the table since the last wave, the
//! handreiking the table, the report the section — with the waves' names and the numbers;
//! with one wave none of it.

use crate::common::{self, Client, PASSWORD};
use axum::http::StatusCode;
use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::*;
use std::collections::BTreeMap;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_waves_show_their_change_on_the_profile_handreiking_and_report() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let store = db.store().await;
        story(&store).await;
        store.close().await;
        db.drop_database().await;
    }
}

fn answers(evaluates: bool, lonely: bool) -> Answers {
    let mut a = BTreeMap::new();
    for (q, v) in [
        ("form_rhythm", "yes"),
        ("form_agreements", "no"),
        ("form_budget", "no"),
        ("form_coordinator", "yes"),
        ("form_membership", "no"),
        ("form_reports", "no"),
        ("form_evaluation", if evaluates { "yes" } else { "no" }),
    ] {
        a.insert(q.to_owned(), v.to_owned());
    }
    let themes = if lonely {
        "collaboration loneliness"
    } else {
        "collaboration"
    };
    a.insert("themes".to_owned(), themes.to_owned());
    a.insert("rationale_explicit".to_owned(), "yes".to_owned());
    a
}

async fn story(store: &Store) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noordkust").unwrap(),
            name: "Werkplaats Noordkust".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let mut nets = Vec::new();
    for s in ["wijk-a", "wijk-b", "wijk-c", "wijk-d"] {
        nets.push(
            store
                .add_network(&NewNetwork {
                    slug: Slug::parse(s).unwrap(),
                    name: format!("Netwerk {}", s.to_uppercase()),
                    workplace: wp,
                })
                .await
                .unwrap(),
        );
    }
    store
        .add_person(&NewPerson {
            email: Email::parse("researcher@example.org").unwrap(),
            name: "Onderzoeker".into(),
            role: Role::Researcher,
            networks: vec![],
            password_hash: Some(leernet_web::auth::hash_password(PASSWORD).unwrap()),
        })
        .await
        .unwrap();
    let instrument = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerkvragenlijst".into(),
                en: "Network questionnaire".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: common::NETWORK_XLSX.to_vec(),
        })
        .await
        .unwrap();
    let field = |name: &'static str, changed: bool| {
        let nets = nets.clone();
        async move {
            let wave = store
                .add_wave(instrument, name, WaveStatus::Closed)
                .await
                .unwrap();
            let rs: Vec<NewResponse> = nets
                .iter()
                .enumerate()
                .map(|(i, n)| NewResponse {
                    network: *n,
                    respondent: format!("network:{}:{name}", n.0),
                    status: ResponseStatus::Submitted,
                    answers: answers(changed && i < 3, changed && i < 3),
                })
                .collect();
            store.add_responses(wave, &rs).await.unwrap();
        }
    };
    field("2025", false).await;
    let app = || {
        leernet_web::app(Arc::new(leernet_web::AppState::new(
            store.clone(),
            leernet_core::SystemClock::shared(),
        )))
    };

    // One wave: nothing about change anywhere.
    let mut c = Client::new(&app());
    c.login("researcher@example.org").await;
    let p = c.get("/networks/wijk-a/profile").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("Sinds de vorige meting"));
    let r = c.get("/admin/report/index.html").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("id=\"change\""));

    // The second wave.
    field("2026", true).await;
    let mut c = Client::new(&app());
    c.login("researcher@example.org").await;
    let p = c.get("/networks/wijk-a/profile").await;
    assert_eq!(p.status, StatusCode::OK);
    let body = &p.body;
    assert!(
        body.contains("<h2 id=\"verandering-h\">Sinds de vorige meting</h2>"),
        "{body}"
    );
    assert!(body.contains("tussen de meting 2025 en de meting 2026"));
    assert!(body.contains("class=\"chart trend\""));
    assert!(body.contains("<th scope=\"col\" class=\"num\">Meting 2025</th>"));
    // Formality 2 → 3 for network A: its row in the table.
    assert!(
        body.contains("<th scope=\"row\">Schaal: Formaliteit (0–7)</th><td class=\"num\">2,0</td><td class=\"num\">3,0</td><td class=\"num\">+1,0</td>"),
        "{body}"
    );
    assert!(body.contains("<td class=\"num\">niet gekozen</td><td class=\"num\">gekozen</td>"));
    // The fourth network did not change: +0 nowhere but 0,0 differences.
    let d = c.get("/networks/wijk-d/profile?lang=en").await;
    assert!(d.body.contains(
        "<th scope=\"row\">Scale: Formality (0–7)</th><td class=\"num\">2.0</td><td class=\"num\">2.0</td><td class=\"num\">0.0</td>"
    ), "{}", d.body);

    // The handreiking as a file has the table after the profile.
    let h = c.get("/networks/wijk-a/handreiking.html?lang=nl").await;
    assert_eq!(h.status, StatusCode::OK);
    assert!(h.body.contains("<section id=\"change\""));
    assert!(h.body.contains("Uw netwerk in de metingen 2025 en 2026"));

    // The report: the section, its words and numbers. Loneliness 0% → 75% in three of four
    // networks: McNemar's exact p = 2 · ½³ = 0.25, not clear with four networks, and said so.
    let r = c.get("/admin/report/index.html?lang=nl").await;
    let html = &r.body;
    assert!(html.contains("<section id=\"change\""), "{html}");
    assert!(html.contains("vergelijkt de meting 2026 met de meting 2025"));
    assert!(html.contains("Geen van de verschillen is zo groot"));
    assert!(html.contains("Met 4 netwerken in beide metingen"));
    assert!(
        html.contains(
            "<td class=\"num\">0%</td><td class=\"num\">75%</td><td class=\"num\">+75</td>"
        ),
        "{html}"
    );
    // Byte for byte the same on a second request.
    assert_eq!(c.get("/admin/report/index.html?lang=nl").await.body, *html);
}
