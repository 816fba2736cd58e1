//! Retrieval in the app, on every back end (issue 20): the passages of a code — with its
//! children — across answers and documents, with context, source and speaker, filtered; the
//! code × network and code × kind matrices whose counts open the passages; co-occurrence
//! within a passage and within a turn; search hits highlighted and linked; blind coding stays
//! blind (another coder's codings in an open assignment never show); and every retrieval
//! route walked as every role and a stranger.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::retrieval::SpeakerRole;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    world = world, then = retrieval_world,
    passages_matrices_and_search_show_documents_and_answers => retrieval_story,
    every_retrieval_route_as_every_role => walk_story,
);

const INTERVIEW: &str =
    "Interviewer: Waar gaat het over?\nSanne: Over armoede en jeugd in de wijk.";
const ANSWER: &str = "We praten over armoede in de buurt.";

struct R {
    poverty: CodeId,
    youth: CodeId,
    theme: CodeId,
    document: DocumentId,
    response: ResponseId,
    /// Where "armoede" starts in the interview.
    at: usize,
}

fn span(text: &str, what: &str) -> (usize, usize) {
    let b = text.find(what).expect(what);
    let s = text[..b].chars().count();
    (s, s + what.chars().count())
}

async fn retrieval_world(w: &World) -> R {
    let store = &w.store;
    let hash = leernet_web::auth::hash_password(common::PASSWORD).unwrap();
    let mut coders = Vec::new();
    for e in ["coder1", "coder2"] {
        coders.push(
            store
                .add_person(&NewPerson {
                    email: Email::parse(&format!("{e}@example.org")).unwrap(),
                    name: format!("Codeur {e}"),
                    role: Role::Researcher,
                    networks: vec![],
                    password_hash: Some(hash.clone()),
                })
                .await
                .unwrap(),
        );
    }
    let lead = store
        .account_by_email("researcher@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let wave = store
        .add_wave(w.instrument, "2023", WaveStatus::Closed)
        .await
        .unwrap();
    let response = store
        .add_responses(
            wave,
            &[NewResponse {
                network: w.b,
                respondent: "r1".into(),
                status: ResponseStatus::Submitted,
                answers: [("rationale_text".to_owned(), ANSWER.to_owned())]
                    .into_iter()
                    .collect(),
            }],
        )
        .await
        .unwrap()[0];
    let code = |k: &str, p: Option<&str>| NewCode {
        key: k.into(),
        parent: p.map(str::to_owned),
        name: Bilingual {
            nl: format!("NL {k}"),
            en: format!("EN {k}"),
        },
        ..Default::default()
    };
    let book = store
        .add_codebook(
            "Codeboek",
            &[
                code("theme", None),
                code("theme.poverty", Some("theme")),
                code("theme.youth", Some("theme")),
            ],
        )
        .await
        .unwrap();
    let codes = &store.codebooks().await.unwrap()[0].codes;
    let id = |k: &str| codes.iter().find(|c| c.key == k).unwrap().id;
    let said = span(INTERVIEW, "Over armoede en jeugd in de wijk.");
    let document = store
        .add_documents(&[NewDocument {
            title: "Interview Sanne".into(),
            kind: DocumentKind::Interview,
            network: Some(w.a),
            workplace: None,
            wave: None,
            date: None,
            file_name: "sanne.txt".into(),
            format: "txt".into(),
            text: INTERVIEW.into(),
            turns: vec![
                Turn {
                    speaker: "Interviewer".into(),
                    start: 13,
                    end: 32,
                },
                Turn {
                    speaker: "Sanne".into(),
                    start: said.0,
                    end: said.1,
                },
            ],
        }])
        .await
        .unwrap()[0];
    let (a0, a1) = span(INTERVIEW, "armoede");
    let (y0, y1) = span(INTERVIEW, "armoede en jeugd");
    store
        .add_document_codings(&[
            NewDocumentCoding {
                span: DocumentSpan {
                    document,
                    start: a0,
                    end: a1,
                },
                code: id("theme.poverty"),
                coder: lead,
                memo: String::new(),
            },
            NewDocumentCoding {
                span: DocumentSpan {
                    document,
                    start: y0,
                    end: y1,
                },
                code: id("theme.youth"),
                coder: lead,
                memo: String::new(),
            },
        ])
        .await
        .unwrap();
    store
        .set_speaker_role(document, "Sanne", Some(SpeakerRole::Facilitator))
        .await
        .unwrap();
    // Coder 2 codes the answer in an assignment that is still open.
    let assignment = store
        .add_assignment(&NewAssignment {
            name: "Ronde 1".into(),
            question: "rationale_text".into(),
            codebook: book,
            lead,
            coders: coders.clone(),
            responses: vec![response],
            at: 0,
        })
        .await
        .unwrap()
        .unwrap();
    let (s, e) = span(ANSWER, "armoede");
    store
        .add_assignment_coding(
            assignment,
            coders[1],
            &SpanCode {
                response,
                code: id("theme.poverty"),
                start: s,
                end: e,
                memo: String::new(),
            },
        )
        .await
        .unwrap()
        .unwrap();
    R {
        poverty: id("theme.poverty"),
        youth: id("theme.youth"),
        theme: id("theme"),
        document,
        response,
        at: a0,
    }
}

async fn logged_in(w: &World, email: &str) -> Client {
    let mut c = Client::new(&w.app);
    c.login(email).await;
    c
}

/// minijinja writes `/` in attributes as `&#x2f;`.
fn href(path: &str) -> String {
    path.replace('/', "&#x2f;")
}

async fn retrieval_story(w: &World, r: &R) {
    let mut lead = logged_in(w, "researcher@example.org").await;
    let p = lead
        .get(&format!("/coding/passages?code={}", r.poverty.0))
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let b = &p.body;
    assert!(b.contains("<mark>armoede</mark>"), "{b}");
    assert!(
        b.contains("…Interviewer: Waar gaat het over?\nSanne: Over <mark>"),
        "context before: {b}"
    );
    assert!(b.contains("</mark> en jeugd in de wijk.…"), "context after");
    assert!(b.contains("Interview Sanne"));
    assert!(b.contains("Netwerk Wijk A"));
    assert!(b.contains("Spreker: Sanne (leerfacilitator)"), "{b}");
    let link = format!(
        "/coding/documents/{}?at={}#pos-{}",
        r.document.0, r.at, r.at
    );
    assert!(
        b.contains(&href(&link)),
        "links to the document at the passage: {b}"
    );
    // and the link lands: the page marks the unit holding the passage with that anchor
    let page = lead.get(link.split('#').next().unwrap()).await;
    assert!(
        page.body.contains(&format!("id=\"pos-{}\"", r.at)),
        "{}",
        page.body
    );
    // Coder 2's coding of the answer is in an open assignment: hidden from the lead.
    assert!(!b.contains("in de buurt"), "blind coding stays blind");
    assert!(b.contains("Fragmenten: 1"), "{b}");

    // Coder 2 sees their own coding with its question's label and a link to the answer.
    let mut coder2 = logged_in(w, "coder2@example.org").await;
    let p = coder2
        .get(&format!("/coding/passages?code={}", r.poverty.0))
        .await;
    assert!(p.body.contains("Fragmenten: 2"), "{}", p.body);
    assert!(p
        .body
        .contains("We praten over <mark>armoede</mark> in de buurt."));
    assert!(p
        .body
        .contains(&href(&format!("/responses/{}", r.response.0))));
    assert!(p.body.contains("open antwoord"));
    assert!(
        !p.body.contains("rationale_text"),
        "no variable names on a page"
    );
    // … and coder 1 does not.
    let mut coder1 = logged_in(w, "coder1@example.org").await;
    let p = coder1
        .get(&format!("/coding/passages?code={}", r.poverty.0))
        .await;
    assert!(p.body.contains("Fragmenten: 1") && !p.body.contains("in de buurt"));

    // With the children: both codes' passages; the root alone has none.
    let p = lead
        .get(&format!("/coding/passages?code={}&children=1", r.theme.0))
        .await;
    assert!(p.body.contains("Fragmenten: 2"), "{}", p.body);
    assert!(p.body.contains("<mark>armoede en jeugd</mark>"));
    let p = lead
        .get(&format!("/coding/passages?code={}", r.theme.0))
        .await;
    assert!(p.body.contains("Fragmenten: 0"));
    // Filters.
    for (q, n) in [
        ("&network=wijk-a", 1),
        ("&network=wijk-b", 0),
        ("&kind=interview", 1),
        ("&kind=answer", 0),
        ("&kind=focus_group", 0),
        ("&role=facilitator", 1),
        ("&role=member", 0),
    ] {
        let p = lead
            .get(&format!("/coding/passages?code={}{q}", r.poverty.0))
            .await;
        assert!(
            p.body.contains(&format!("Fragmenten: {n}")),
            "{q}: {}",
            p.body
        );
    }
    // No code chosen: the form only.
    let p = lead.get("/coding/passages").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("Fragmenten:"));

    // The matrices: counts that open the passages.
    let p = lead.get("/coding/matrix").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let to = |extra: &str| {
        href(&format!("/coding/passages?code={}{extra}", r.poverty.0).replace('&', "&amp;"))
    };
    assert!(
        p.body
            .contains(&format!("{}\">1</a>", to("&network=wijk-a"))),
        "{}",
        p.body
    );
    assert!(p
        .body
        .contains(&format!("{}\">1</a>", to("&kind=interview"))));
    assert!(
        !p.body.contains(&to("&kind=answer")),
        "the hidden coding counts nowhere"
    );
    let p = coder2.get("/coding/matrix").await;
    assert!(p.body.contains(&format!("{}\">1</a>", to("&kind=answer"))));
    assert!(p
        .body
        .contains(&format!("{}\">1</a>", to("&network=wijk-b"))));

    // Co-occurrence: the two codes overlap in one passage and share one turn.
    for unit in ["passage", "turn"] {
        let p = lead.get(&format!("/coding/cooccurrence?unit={unit}")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("NL theme.poverty"), "{}", p.body);
        assert!(p.body.contains("NL theme.youth"));
        assert!(
            p.body.contains("<td class=\"num\">1</td>"),
            "{unit}: {}",
            p.body
        );
    }
    let _ = r.youth;

    // Search: hits highlighted and linked, documents among them.
    let p = lead.get("/coding/search?q=armoede").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains("Over <mark>armoede</mark> en jeugd"),
        "{}",
        p.body
    );
    assert!(p
        .body
        .contains(&href(&format!("/coding/documents/{}?at=", r.document.0))));
    assert!(
        p.body.contains("We praten over <mark>armoede</mark>"),
        "answers are searched"
    );
    assert!(p
        .body
        .contains(&href(&format!("/responses/{}", r.response.0))));
    // In English, the kinds and roles in English.
    let p = lead
        .get(&format!("/coding/passages?code={}&lang=en", r.poverty.0))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Passages: 1"), "{}", p.body);
    assert!(p.body.contains("Speaker: Sanne (learning facilitator)"));
    assert!(p.body.contains("EN theme.poverty"));
}

async fn walk_story(w: &World, r: &R) {
    #[derive(Debug, PartialEq)]
    enum E {
        Login,
        Ok,
        Forbidden,
    }
    let routes = [
        format!("/coding/passages?code={}", r.poverty.0),
        "/coding/passages".to_owned(),
        "/coding/matrix".to_owned(),
        "/coding/cooccurrence?unit=turn".to_owned(),
    ];
    for (who, expect) in [
        (None, E::Login),
        (Some("researcher@example.org"), E::Ok),
        (Some("coder1@example.org"), E::Ok),
        (Some("coordinator@example.org"), E::Forbidden),
        (Some("fac-a@example.org"), E::Forbidden),
        (Some("member-a@example.org"), E::Forbidden),
        (Some("fac-b@example.org"), E::Forbidden),
    ] {
        let mut c = Client::new(&w.app);
        if let Some(e) = who {
            c.login(e).await;
        }
        for path in &routes {
            let p = c.get(path).await;
            let got = match p.status {
                StatusCode::OK => E::Ok,
                StatusCode::SEE_OTHER if p.location().starts_with("/login") => E::Login,
                StatusCode::FORBIDDEN => E::Forbidden,
                s => panic!("{path} as {who:?}: {s}"),
            };
            assert_eq!(got, expect, "{path} as {who:?}");
            if got != E::Ok {
                assert!(
                    !p.body.contains("armoede"),
                    "{path} as {who:?} shows nothing"
                );
            }
        }
    }
}
