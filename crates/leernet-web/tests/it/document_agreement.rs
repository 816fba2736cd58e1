//! Agreement for assignments of documents and speaker roles in the browser (issue 20), on
//! every back end: the agreement page of a finished assignment of documents gives each
//! code's Cohen's kappa and Krippendorff's alpha over speaker turns and paragraphs — the
//! figures of a hand computation —, explains both in a sentence, and links each code to
//! where the coders differ, side by side, with the way to settle the document; the lead
//! only, once every coder finished. A researcher sets a speaker's role on the document page
//! (a speaker who does not speak there, or a role that is none, is refused and nothing
//! changes), and retrieval's filter by speaker role finds what was set.

use crate::common;

use axum::http::StatusCode;
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::retrieval::SpeakerRole;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    world = world, then = agreement_world,
    document_agreement_is_per_code_and_opens_the_differences => agreement_story,
    a_speakers_role_is_set_in_the_browser_and_filters_passages => speaker_story,
    a_memo_on_a_code_is_written_changed_and_shown => memo_story,
);

/// Four turns: units 0–3.
const INTERVIEW: &str = "Interviewer: Hoe gaat het in het netwerk?\nSanne: Goed, we leren elkaars taal.\nInterviewer: En is er tijd genoeg?\nSanne: Die is er te weinig.";
/// No turns: two paragraphs, units 4 and 5.
const REPORT: &str = "De groep sprak over taal en begrip.\n\nDaarna ging het over de agenda.";

struct A {
    book: CodebookId,
    coder1: PersonId,
    coder2: PersonId,
    lead: PersonId,
    taal: CodeId,
    tijd: CodeId,
    interview: DocumentId,
    report: DocumentId,
    assignment: AssignmentId,
}

fn span(text: &str, what: &str) -> (usize, usize) {
    let b = text.find(what).expect(what);
    let s = text[..b].chars().count();
    (s, s + what.chars().count())
}

fn turn(speaker: &str, said: &str) -> Turn {
    let (start, end) = span(INTERVIEW, said);
    Turn {
        speaker: speaker.into(),
        start,
        end,
    }
}

fn document(title: &str, text: &str, turns: Vec<Turn>, network: NetworkId) -> NewDocument {
    NewDocument {
        title: title.into(),
        kind: DocumentKind::Interview,
        network: Some(network),
        workplace: None,
        wave: None,
        date: None,
        file_name: format!("{title}.txt"),
        format: "txt".into(),
        text: text.into(),
        turns,
    }
}

async fn agreement_world(w: &World) -> A {
    let store = &w.store;
    let hash = leernet_web::auth::hash_password(common::PASSWORD).unwrap();
    let mut coders = Vec::new();
    for e in ["coder1", "coder2", "other-researcher"] {
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
    let code = |k: &str, nl: &str, en: &str| NewCode {
        key: k.into(),
        parent: None,
        name: Bilingual {
            nl: nl.into(),
            en: en.into(),
        },
        ..Default::default()
    };
    let book = store
        .add_codebook(
            "Interviews",
            &[
                code("thema.taal", "Elkaars taal", "Each other's language"),
                code("thema.tijd", "Tijd", "Time"),
            ],
        )
        .await
        .unwrap();
    let codes = &store.codebooks().await.unwrap()[0].codes;
    let id = |k: &str| codes.iter().find(|c| c.key == k).unwrap().id;
    let docs = store
        .add_documents(&[
            document(
                "Interview Sanne",
                INTERVIEW,
                vec![
                    turn("Interviewer", "Hoe gaat het in het netwerk?"),
                    turn("Sanne", "Goed, we leren elkaars taal."),
                    turn("Interviewer", "En is er tijd genoeg?"),
                    turn("Sanne", "Die is er te weinig."),
                ],
                w.a,
            ),
            document("Verslag sessie", REPORT, vec![], w.a),
        ])
        .await
        .unwrap();
    let assignment = store
        .add_document_assignment(&NewDocumentAssignment {
            name: "Interviews ronde 1".into(),
            codebook: book,
            lead,
            coders: vec![coders[0], coders[1]],
            documents: docs.clone(),
            at: 0,
        })
        .await
        .unwrap()
        .unwrap();
    A {
        book,
        coder1: coders[0],
        coder2: coders[1],
        lead,
        taal: id("thema.taal"),
        tijd: id("thema.tijd"),
        interview: docs[0],
        report: docs[1],
        assignment,
    }
}

async fn code(
    w: &World,
    a: &A,
    coder: PersonId,
    document: DocumentId,
    text: &str,
    what: &str,
    code: CodeId,
) {
    let (start, end) = span(text, what);
    w.store
        .add_assignment_document_coding(
            a.assignment,
            coder,
            &DocumentSpanCode {
                document,
                code,
                start,
                end,
                memo: String::new(),
            },
        )
        .await
        .unwrap()
        .unwrap();
}

/// A link as the pages write it (minijinja escapes the slashes).
fn esc(link: &str) -> String {
    link.replace('/', "&#x2f;")
}

async fn logged_in(w: &World, email: &str) -> (Client, String) {
    let mut c = Client::new(&w.app);
    c.login(email).await;
    let csrf = c.session_csrf().await;
    (c, csrf)
}

async fn agreement_story(w: &World, a: &A) {
    let id = a.assignment.0;
    let (i, r) = (a.interview, a.report);
    // Code "taal": coder 1 in turns 0, 1 and 2; coder 2 in turns 0 and 1 and in the
    // report's first paragraph. Code "tijd": both in turn 3.
    code(w, a, a.coder1, i, INTERVIEW, "het netwerk", a.taal).await;
    code(w, a, a.coder1, i, INTERVIEW, "elkaars taal", a.taal).await;
    code(w, a, a.coder1, i, INTERVIEW, "tijd genoeg", a.taal).await;
    code(w, a, a.coder1, i, INTERVIEW, "te weinig", a.tijd).await;
    code(w, a, a.coder2, i, INTERVIEW, "het netwerk", a.taal).await;
    code(w, a, a.coder2, i, INTERVIEW, "elkaars taal", a.taal).await;
    code(w, a, a.coder2, r, REPORT, "taal en begrip", a.taal).await;
    code(w, a, a.coder2, i, INTERVIEW, "te weinig", a.tijd).await;

    let (mut lead, _) = logged_in(w, "researcher@example.org").await;
    let agreement = format!("/coding/agreement?assignment={id}");
    let differences = format!("/coding/assignments/{id}/differences/{}", a.taal.0);
    // Blind until every coder finished; another researcher finds nothing.
    assert_eq!(lead.get(&agreement).await.status, StatusCode::CONFLICT);
    assert_eq!(lead.get(&differences).await.status, StatusCode::CONFLICT);
    for c in [a.coder1, a.coder2] {
        w.store
            .finish_assignment(a.assignment, c, 1)
            .await
            .unwrap()
            .unwrap();
    }
    let (mut other, _) = logged_in(w, "other-researcher@example.org").await;
    assert_eq!(other.get(&agreement).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&differences).await.status, StatusCode::NOT_FOUND);

    let p = lead.get(&agreement).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    // Six units (four turns, two paragraphs). "taal" by hand: coder 1 [1,1,1,0,0,0],
    // coder 2 [1,1,0,0,1,0]: p_o = 4/6, p_e = 0.5 * 0.5 + 0.5 * 0.5 = 0.5, so
    // kappa = (4/6 - 0.5) / 0.5 = 0.333; alpha (12 values, 6 present, 2 disagreeing
    // units) = 1 - 11 * 2 * 2 / (2 * 6 * 6) = 0.389.
    let row = p
        .body
        .split("<tr>")
        .find(|r| r.contains("Elkaars taal</a>"))
        .unwrap_or_else(|| panic!("a row for the code: {}", p.body));
    let cells: Vec<&str> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(&cells[..4], ["6", "66,7", "0,333", "0,389"], "{row}");
    // "tijd": both in turn 3 and nowhere else: full agreement.
    let row = p
        .body
        .split("<tr>")
        .find(|r| r.contains("Tijd</a>"))
        .unwrap();
    assert!(row.contains("<td class=\"num\">1,000</td>"), "{row}");
    assert!(row.contains("in 0 spreekbeurten of alinea"), "{row}");
    // Each coefficient explained in a sentence; no variable names or keys.
    assert!(p
        .body
        .contains("Cohens kappa (κ) zegt hoeveel beter twee codeurs"));
    assert!(p.body.contains("Krippendorffs alfa (α) zegt hetzelfde"));
    assert!(p
        .body
        .contains("Codeur coder1 gaf 2 van de 6 spreekbeurten"));
    assert!(!p.body.contains("thema."), "no code keys on a page");
    // One click from the figure to where the coders differ.
    let link = format!("{differences}?overlap=50");
    assert!(
        p.body.contains(&format!(
            "<a href=\"{}\" class=\"differ\">in 2 spreekbeurten of alinea",
            esc(&link)
        )),
        "{}",
        p.body
    );
    let d = lead.get(&link).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    // Turn 2 (coder 1 only) and the report's first paragraph (coder 2 only), side by side.
    let sections: Vec<&str> = d.body.split("<section id=\"difference-").skip(1).collect();
    assert_eq!(sections.len(), 2, "{}", d.body);
    assert!(sections[0].contains("Interview Sanne · Spreker: Interviewer"));
    assert!(sections[0].contains("En is er tijd genoeg?"));
    let cols: Vec<&str> = sections[0].split("class=\"coder-col\"").skip(1).collect();
    assert!(cols[0].contains("Codeur coder1") && cols[0].contains("<q>tijd genoeg</q>"));
    assert!(cols[1].contains("Codeur coder2") && cols[1].contains("Geen fragment met deze code."));
    assert!(sections[1].contains("Verslag sessie · alinea 1"));
    assert!(sections[1].contains("<q>taal en begrip</q>"));
    // The settle flow from there: the document's consensus form on the disagreements page.
    let settle = format!("/coding/assignments/{id}/disagreements#document-2");
    assert!(
        sections[1].contains(&format!("href=\"{}\"", esc(&settle))),
        "{}",
        sections[1]
    );
    let s = lead
        .get(&format!("/coding/assignments/{id}/disagreements"))
        .await;
    assert!(s.body.contains("id=\"document-2\""));
    assert!(s
        .body
        .contains(&format!("/coding/assignments/{id}/documents/2/consensus")));
    // A stricter overlap is carried over; a code of no codebook of the assignment, or an
    // overlap that is no share, is refused.
    assert_eq!(
        lead.get(&format!("{differences}?overlap=abc")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        lead.get(&format!("/coding/assignments/{id}/differences/99999"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let t = lead
        .get(&format!(
            "/coding/assignments/{id}/differences/{}",
            a.tijd.0
        ))
        .await;
    assert!(t
        .body
        .contains("De codeurs verschillen bij deze code nergens."));
    // In English.
    let p = lead.get(&format!("{agreement}&lang=en")).await;
    assert!(
        p.body.contains("in 2 speaker turns or paragraphs"),
        "{}",
        p.body
    );
    assert!(p.body.contains("0.333") && p.body.contains("0.389"));
    assert!(p.body.contains("(κ) says how much better two coders agree"));
    let d = lead.get(&link).await;
    assert!(
        d.body.contains("Verslag sessie · paragraph 1"),
        "{}",
        d.body
    );

    // Settling from there: the report on coder 2's passage. The decisions log says every
    // entry in the reader's language with names and titles, never keys, ids or variables.
    lead.get("/coding?lang=nl").await;
    let csrf = lead.session_csrf().await;
    let take = w
        .store
        .assignment_document_codings(a.assignment, Some(a.coder2))
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.span.document == r)
        .unwrap()
        .id
        .0
        .to_string();
    let p = lead
        .post(
            &format!("/coding/assignments/{id}/documents/2/consensus"),
            &[("csrf_token", &csrf), ("take", &take), ("why", "Over taal")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let log = lead.get(&format!("/coding/assignments/{id}")).await.body;
    for want in [
        "opdracht gemaakt: ‘Interviews ronde 1’: 2 documenten (‘Interview Sanne’, ‘Verslag sessie’), codeurs Codeur coder1, Codeur coder2",
        "klaar met coderen: met 4 coderingen",
        "klaar met coderen: met 4 coderingen",
        "consensus: ‘Verslag sessie’: ‘Elkaars taal’ (tekens 20–34)",
        "Over taal",
    ] {
        assert!(log.contains(want), "{want}: {log}");
    }
    for never in [
        "thema.",
        "assignment 1",
        "of documents",
        "finished with",
        "consensus: thema",
    ] {
        assert!(!log.contains(never), "{never}: {log}");
    }
    let log = lead
        .get(&format!("/coding/assignments/{id}?lang=en"))
        .await
        .body;
    for want in [
        "assignment made: ‘Interviews ronde 1’: 2 documents (‘Interview Sanne’, ‘Verslag sessie’), coders Codeur coder1, Codeur coder2",
        "finished coding: with 4 codings",
        "consensus: ‘Verslag sessie’: ‘Each other&#x27;s language’ (characters 20–34)",
    ] {
        assert!(log.contains(want), "{want}: {log}");
    }
}

async fn speaker_story(w: &World, a: &A) {
    let store = &w.store;
    // A settled passage in Sanne's turn, so that retrieval has one to filter.
    let (start, end) = span(INTERVIEW, "elkaars taal");
    store
        .add_document_codings(&[NewDocumentCoding {
            span: DocumentSpan {
                document: a.interview,
                start,
                end,
            },
            code: a.taal,
            coder: a.lead,
            memo: String::new(),
        }])
        .await
        .unwrap();
    let (mut lead, csrf) = logged_in(w, "researcher@example.org").await;
    let page = format!("/coding/documents/{}", a.interview.0);
    let p = lead.get(&page).await;
    assert!(p.body.contains("id=\"speakers\""), "{}", p.body);
    assert!(p
        .body
        .contains("<th scope=\"row\">Sanne</th><td class=\"num\">2</td>"));
    // No role known yet: the filter finds nothing.
    let passages = format!("/coding/passages?code={}&role=facilitator", a.taal.0);
    assert!(lead.get(&passages).await.body.contains("Fragmenten: 0"));
    let set = |speaker: &'static str, role: &'static str| {
        vec![
            ("csrf_token".to_owned(), csrf.clone()),
            ("speaker".to_owned(), speaker.to_owned()),
            ("role".to_owned(), role.to_owned()),
        ]
    };
    let speakers = format!("/coding/documents/{}/speakers", a.interview.0);
    let p = lead
        .post_owned(&speakers, &set("Sanne", "facilitator"))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(p.location().ends_with(&format!("{page}#speakers")));
    let roles = store.speaker_roles().await.unwrap();
    assert_eq!(
        roles.get(&(a.interview, "Sanne".to_owned())),
        Some(&SpeakerRole::Facilitator)
    );
    let p = lead.get(&page).await;
    assert!(p
        .body
        .contains("<option value=\"facilitator\" selected>leerfacilitator</option>"));
    // Retrieval's filter reads it.
    assert!(lead.get(&passages).await.body.contains("Fragmenten: 1"));
    let member = format!("/coding/passages?code={}&role=member", a.taal.0);
    assert!(lead.get(&member).await.body.contains("Fragmenten: 0"));
    // Refused, with a sentence, and nothing changes: a speaker of no turn here (also one of
    // another document), a role that is none of the roles.
    for (speaker, role, want) in [
        (
            "Niemand",
            "member",
            "Die spreker komt niet voor in dit document",
        ),
        (
            "sanne",
            "member",
            "Die spreker komt niet voor in dit document",
        ),
        ("Sanne", "baas", "Kies een rol uit de lijst"),
    ] {
        let p = lead.post_owned(&speakers, &set(speaker, role)).await;
        assert_eq!(
            p.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{speaker} {role}"
        );
        assert!(p.body.contains(want), "{want}: {}", p.body);
    }
    let report = format!("/coding/documents/{}/speakers", a.report.0);
    let p = lead.post_owned(&report, &set("Sanne", "member")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(store.speaker_roles().await.unwrap(), roles);
    let p = lead
        .post_owned("/coding/documents/99999/speakers", &set("Sanne", "member"))
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    // An empty role clears it.
    let p = lead.post_owned(&speakers, &set("Sanne", "")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(store.speaker_roles().await.unwrap().is_empty());
    assert!(lead.get(&passages).await.body.contains("Fragmenten: 0"));
    // In English, the roles by their names.
    let p = lead.get(&format!("{page}?lang=en")).await;
    assert!(
        p.body.contains(">learning facilitator</option>"),
        "{}",
        p.body
    );
}

async fn memo_story(w: &World, a: &A) {
    let store = &w.store;
    let (mut lead, csrf) = logged_in(w, "researcher@example.org").await;
    let book = format!("/coding/codebooks/{}", a.book.0);
    let p = lead.get(&book).await;
    assert!(
        p.body.contains(&format!("id=\"memos-{}\"", a.tijd.0)),
        "{}",
        p.body
    );
    let memo = |title: &str, text: &str| {
        vec![
            ("csrf_token".to_owned(), csrf.clone()),
            ("title".to_owned(), title.to_owned()),
            ("text".to_owned(), text.to_owned()),
        ]
    };
    // Written: without a title it takes the code's name; shown with the code, with its author.
    let add = format!("{book}/codes/{}/memos", a.tijd.0);
    let p = lead
        .post_owned(&add, &memo("", "Tijd gaat vaak over roosters."))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(p.location().ends_with(&format!("{book}#code-{}", a.tijd.0)));
    let memos = store.memos().await.unwrap();
    assert_eq!(memos.len(), 1);
    assert_eq!(
        (memos[0].code, memos[0].document, memos[0].title.as_str()),
        (Some(a.tijd), None, "Tijd")
    );
    let p = lead.get(&book).await;
    // under the code's own heading of memos
    let section = p
        .body
        .split(&format!("id=\"memos-{}\"", a.tijd.0))
        .nth(1)
        .unwrap()
        .split("<h3")
        .next()
        .unwrap();
    assert!(
        section.contains("<strong>Tijd</strong> (researcher)"),
        "{section}"
    );
    assert!(section.contains("Tijd gaat vaak over roosters."));
    // Changed: title and text; who wrote it and what it is on stay.
    let change = format!("/coding/memos/{}", memos[0].id.0);
    let p = lead
        .post_owned(
            &change,
            &memo("Roosters", "Tijd gaat over roosters en over rust."),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let after = store.memos().await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(
        (
            after[0].title.as_str(),
            after[0].text.as_str(),
            after[0].author,
            after[0].code
        ),
        (
            "Roosters",
            "Tijd gaat over roosters en over rust.",
            memos[0].author,
            Some(a.tijd)
        )
    );
    assert!(lead
        .get(&book)
        .await
        .body
        .contains("Tijd gaat over roosters en over rust."));
    // Refused, nothing changes: an empty text (a sentence), a text longer than any form
    // posts (400), a memo or code that does not exist (404).
    let p = lead.post_owned(&change, &memo("x", "  ")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Schrijf eerst de tekst van het memo."));
    let p = lead.post_owned(&add, &memo("", "")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let long = "x".repeat(2001);
    assert_eq!(
        lead.post_owned(&change, &memo("", &long)).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        lead.post_owned("/coding/memos/99999", &memo("", "x"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        lead.post_owned(&format!("{book}/codes/99999/memos"), &memo("", "x"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(store.memos().await.unwrap(), after);
    // In English.
    let p = lead.get(&format!("{book}?lang=en")).await;
    assert!(p.body.contains("Memos on this code"));
}
