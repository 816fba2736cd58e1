//! Repeats in the browser survey, on every back end: adding and removing instances without
//! JavaScript, every rule checked inside each instance on the server, `repeat_count`, the
//! relevance endpoint for instance questions, and the instances stored in the response's
//! answer map in the flat layout (`session` = "1", `session[1]/topic`).

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, Page, World};
use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::{InvitationKind, NewInstrument, NewInvitation};

/// A small form: a name, a repeat of sessions (a required topic, a number with a
/// constraint, a platform asked only when online), a number of goals, and a repeat of goals
/// whose count follows that number.
pub fn repeat_form() -> Vec<u8> {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::nl",
            "label::en",
            "required",
            "constraint",
            "constraint_message::nl",
            "constraint_message::en",
            "relevant",
            "repeat_count",
        ],
        &[
            "text",
            "network_name",
            "Naam van het netwerk",
            "Name of the network",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "begin_repeat",
            "session",
            "Bijeenkomst",
            "Session",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "text",
            "topic",
            "Onderwerp",
            "Topic",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "integer",
            "people",
            "Aantal deelnemers",
            "Participants",
            "",
            ". > 0 and . < 100",
            "Tussen 1 en 99 deelnemers.",
            "Between 1 and 99 participants.",
            "",
            "",
        ],
        &[
            "select_one yn",
            "online",
            "Online?",
            "Online?",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "text",
            "tool",
            "Welk platform?",
            "Which platform?",
            "yes",
            "",
            "",
            "",
            "${online} = 'yes'",
            "",
        ],
        &["end_repeat", "", "", "", "", "", "", "", "", ""],
        &[
            "integer",
            "n_goals",
            "Aantal doelen",
            "Number of goals",
            "yes",
            ". >= 0 and . <= 5",
            "",
            "",
            "",
            "",
        ],
        &[
            "begin_repeat",
            "goal",
            "Doel",
            "Goal",
            "",
            "",
            "",
            "",
            "${n_goals} > 0",
            "${n_goals}",
        ],
        &[
            "text",
            "goal_text",
            "Omschrijving",
            "Description",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ],
        &["end_repeat", "", "", "", "", "", "", "", "", ""],
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
        ],
        &["repeat_test", "1", "Herhalingen", "Repeats", "nl"],
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

/// Stores the repeat form (once; later calls find it) with an open wave and one invitation
/// of network A; its token.
pub async fn repeat_invitation(w: &World, n: u8) -> InvitationToken {
    let known = w
        .store
        .instruments()
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.form_id == "repeat_test")
        .map(|i| i.id);
    let instrument = match known {
        Some(id) => id,
        None => w
            .store
            .add_instrument(&NewInstrument {
                form_id: "repeat_test".into(),
                version: "1".into(),
                title: Bilingual {
                    nl: "Herhalingen".into(),
                    en: "Repeats".into(),
                },
                file_name: "repeat.xlsx".into(),
                workbook: repeat_form(),
            })
            .await
            .unwrap(),
    };
    let wave = w
        .store
        .add_wave(instrument, &format!("repeats-{n}"), WaveStatus::Open)
        .await
        .unwrap();
    let token = common::token(n);
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
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeats_in_the_browser_survey() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let w = world(db.store().await).await;
        repeat_story(&w).await;
        w.store.close().await;
        db.drop_database().await;
    }
}

async fn stored(w: &World, token: &InvitationToken) -> (ResponseStatus, Vec<(String, String)>) {
    let inv = w.store.invitation_by_token(token).await.unwrap().unwrap();
    let r = w.store.invitation_response(&inv).await.unwrap().unwrap();
    (r.status, r.answers.into_iter().collect())
}

/// The page as a browser reads it (minijinja escapes `/` in attributes).
fn un(html: &str) -> String {
    common::fill::unescape(html)
}

fn has(answers: &[(String, String)], k: &str, v: &str) -> bool {
    answers.iter().any(|(a, b)| a == k && b == v)
}

async fn post(c: &mut Client, url: &str, page: &Page, fields: &[(&str, &str)]) -> Page {
    let mut all: Vec<(String, String)> = vec![
        ("csrf_token".into(), page.csrf()),
        (
            "page".into(),
            common::fill::hidden(&page.body, "page").unwrap(),
        ),
        (
            "shown".into(),
            common::fill::hidden(&page.body, "shown").unwrap(),
        ),
    ];
    all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    c.post_owned(url, &all).await
}

async fn repeat_story(w: &World) {
    let token = repeat_invitation(w, 40).await;
    let url = format!("/s/{}", token.as_str());
    let mut c = Client::new(&w.app);
    let first = c.get(&url).await;
    assert_eq!(first.status, StatusCode::OK);
    let p = post(
        &mut c,
        &url,
        &first,
        &[("q.network_name", "Wijk A"), ("action", "next")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // The repeat's page: a heading and an "add another" button, no instance yet.
    let page = c.get(p.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        un(&page.body).contains("<h2 class=\"subgroup\">Bijeenkomst</h2>"),
        "{}",
        page.body
    );
    assert!(un(&page.body).contains("name=\"action\" value=\"add:session\" class=\"secondary\">Nog een toevoegen: Bijeenkomst</button>"));
    assert!(!un(&page.body).contains("<fieldset class=\"instance"));

    // Add one (a round trip): back on the same page, at the new instance.
    let p = post(&mut c, &url, &page, &[("action", "add:session")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.location(),
        format!("/s/{}?page=1#g-session-1", token.as_str())
    );
    let page = c.get(&format!("/s/{}?page=1", token.as_str())).await;
    assert!(un(&page.body).contains("<fieldset class=\"instance stack\" id=\"g-session-1\" tabindex=\"-1\">\n<legend>Bijeenkomst 1</legend>"));
    assert!(un(&page.body).contains("name=\"q.session[1]/topic\""));
    assert!(un(&page.body).contains("<label for=\"q-session-1-topic\">"));
    assert!(un(&page.body).contains(
        "value=\"remove:session:1\" class=\"secondary\">Verwijderen: Bijeenkomst 1</button>"
    ));
    let (_, a) = stored(w, &token).await;
    assert!(has(&a, "session", "1"), "{a:?}");

    // A constraint inside the instance fails: named on the page, not stored; the add still
    // happens (the page is saved first), and a value for an instance that does not exist
    // is ignored.
    let p = post(
        &mut c,
        &url,
        &page,
        &[
            ("q.session[1]/topic", "Intervisie"),
            ("q.session[1]/people", "0"),
            ("q.session[7]/topic", "verzonnen"),
            ("action", "add:session"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(un(&p.body).contains("href=\"#q-session-1-people\""));
    assert!(un(&p.body).contains("Tussen 1 en 99 deelnemers."));
    assert!(un(&p.body).contains("id=\"g-session-2\""));
    let (_, a) = stored(w, &token).await;
    assert!(has(&a, "session", "2"));
    assert!(has(&a, "session[1]/topic", "Intervisie"));
    assert!(!a.iter().any(|(k, _)| k == "session[1]/people"));
    assert!(!a.iter().any(|(k, _)| k.starts_with("session[7]")));

    // Going on with the second instance's required topic empty: refused, named.
    let page = c.get(&format!("/s/{}?page=1", token.as_str())).await;
    let p = post(
        &mut c,
        &url,
        &page,
        &[
            ("q.session[1]/topic", "Intervisie"),
            ("q.session[1]/people", "8"),
            ("action", "next"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(un(&p.body).contains("href=\"#q-session-2-topic\""));

    // Removing the first instance: the second moves up.
    let p = post(
        &mut c,
        &url,
        &page,
        &[
            ("q.session[1]/topic", "Intervisie"),
            ("q.session[2]/topic", "Moreel beraad"),
            ("q.session[2]/people", "12"),
            ("action", "remove:session:1"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, a) = stored(w, &token).await;
    assert!(has(&a, "session", "1"), "{a:?}");
    assert!(has(&a, "session[1]/topic", "Moreel beraad"));
    assert!(has(&a, "session[1]/people", "12"));
    assert!(!a.iter().any(|(k, _)| k.starts_with("session[2]")));
    // An instance that does not exist cannot be removed.
    let page = c.get(&format!("/s/{}?page=1", token.as_str())).await;
    let p = post(&mut c, &url, &page, &[("action", "remove:session:9")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, a) = stored(w, &token).await;
    assert!(has(&a, "session", "1"));

    // Relevance inside an instance: the script's endpoint names the instance's question.
    let page = c.get(&format!("/s/{}?page=1", token.as_str())).await;
    let p = post(
        &mut c,
        &format!("{url}/relevance"),
        &page,
        &[
            ("q.session[1]/topic", "Moreel beraad"),
            ("q.session[1]/online", "yes"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&p.body).unwrap();
    let visible: Vec<&str> = v["visible"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(visible.contains(&"session[1]/tool"), "{visible:?}");
    assert!(visible.contains(&"session"));
    // Without the script: the question appears on the page first, then is required.
    let p = post(
        &mut c,
        &url,
        &page,
        &[
            ("q.session[1]/topic", "Moreel beraad"),
            ("q.session[1]/people", "12"),
            ("q.session[1]/online", "yes"),
            ("action", "next"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(un(&p.body).contains("name=\"q.session[1]/tool\""));
    let p = post(
        &mut c,
        &url,
        &p,
        &[
            ("q.session[1]/topic", "Moreel beraad"),
            ("q.session[1]/people", "12"),
            ("q.session[1]/online", "yes"),
            ("action", "next"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(un(&p.body).contains("href=\"#q-session-1-tool\""));
    let p = post(
        &mut c,
        &url,
        &p,
        &[
            ("q.session[1]/topic", "Moreel beraad"),
            ("q.session[1]/people", "12"),
            ("q.session[1]/online", "yes"),
            ("q.session[1]/tool", "Teams"),
            ("action", "next"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // repeat_count: as many instances as the answer says, without add or remove buttons.
    let page = c.get(p.location()).await;
    let p = post(
        &mut c,
        &url,
        &page,
        &[("q.n_goals", "2"), ("action", "next")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = c.get(p.location()).await;
    assert!(un(&page.body).contains("<legend>Doel 1</legend>"));
    assert!(un(&page.body).contains("<legend>Doel 2</legend>"));
    assert!(!un(&page.body).contains("<legend>Doel 3</legend>"));
    assert!(!un(&page.body).contains("add:goal") && !un(&page.body).contains("remove:goal"));
    let p = post(&mut c, &url, &page, &[("action", "add:goal")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let page = c.get(p.location()).await;
    assert!(
        !un(&page.body).contains("<legend>Doel 3</legend>"),
        "no add with repeat_count"
    );
    // Submitting with a goal left empty sends the respondent back to it.
    let p = post(
        &mut c,
        &url,
        &page,
        &[("q.goal[1]/goal_text", "Samen leren"), ("action", "submit")],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(un(&p.body).contains("href=\"#q-goal-2-goal_text\""));
    let p = post(
        &mut c,
        &url,
        &p,
        &[
            ("q.goal[1]/goal_text", "Samen leren"),
            ("q.goal[2]/goal_text", "Trage vragen"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (status, a) = stored(w, &token).await;
    assert_eq!(status, ResponseStatus::Submitted);
    let expected: Vec<(String, String)> = [
        ("goal", "2"),
        ("goal[1]/goal_text", "Samen leren"),
        ("goal[2]/goal_text", "Trage vragen"),
        ("n_goals", "2"),
        ("network_name", "Wijk A"),
        ("session", "1"),
        ("session[1]/online", "yes"),
        ("session[1]/people", "12"),
        ("session[1]/tool", "Teams"),
        ("session[1]/topic", "Moreel beraad"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(a, expected);

    // The response viewer shows each instance under its legend, with its own answers.
    let inv = w.store.invitation_by_token(&token).await.unwrap().unwrap();
    let rid = w.store.invitation_response(&inv).await.unwrap().unwrap().id;
    let mut r = Client::new(&w.app);
    r.login("researcher@example.org").await;
    let view = r.get(&format!("/responses/{}", rid.0)).await;
    assert_eq!(view.status, StatusCode::OK);
    let body = &view.body;
    let at = |s: &str| {
        body.find(s)
            .unwrap_or_else(|| panic!("the viewer lacks {s}: {body}"))
    };
    assert!(at("Wijk A") < at("<h2>Bijeenkomst 1</h2>"));
    assert!(at("<h2>Bijeenkomst 1</h2>") < at("Moreel beraad"));
    assert!(at("Moreel beraad") < at("Teams"));
    assert!(at("Teams") < at("<h2>Doel 1</h2>"));
    assert!(at("<h2>Doel 1</h2>") < at("Samen leren"));
    assert!(at("Samen leren") < at("<h2>Doel 2</h2>"));
    assert!(at("<h2>Doel 2</h2>") < at("Trage vragen"));
    assert!(!body.contains("Bijeenkomst 2") && !body.contains("Doel 3"));
    assert!(!body.contains("goal[1]"), "no flat keys on the page");
    let en = r.get(&format!("/responses/{}?lang=en", rid.0)).await;
    assert!(en.body.contains("<h2>Session 1</h2>") && en.body.contains("<h2>Goal 2</h2>"));

    // Fewer goals afterwards would drop instances: a second respondent shows it.
    let token = repeat_invitation(w, 41).await;
    let url = format!("/s/{}", token.as_str());
    let mut c = Client::new(&w.app);
    let page = c.get(&format!("{url}?page=2")).await;
    let p = post(
        &mut c,
        &url,
        &page,
        &[("q.n_goals", "3"), ("action", "next")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let page = c.get(p.location()).await;
    let p = post(
        &mut c,
        &url,
        &page,
        &[
            ("q.goal[1]/goal_text", "a"),
            ("q.goal[2]/goal_text", "b"),
            ("q.goal[3]/goal_text", "c"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let page = c.get(&format!("{url}?page=2")).await;
    let p = post(
        &mut c,
        &url,
        &page,
        &[("q.n_goals", "1"), ("action", "next")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, a) = stored(w, &token).await;
    assert!(
        has(&a, "goal", "1") && has(&a, "goal[1]/goal_text", "a"),
        "{a:?}"
    );
    assert!(!a
        .iter()
        .any(|(k, _)| k.starts_with("goal[2]") || k.starts_with("goal[3]")));
}
