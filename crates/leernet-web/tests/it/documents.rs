//! Documents in the browser and coding them (issue 20), driven in-process on every back end:
//! a researcher uploads transcripts (one bad file among good ones stores nothing, with one
//! sentence in the visitor's language), the list shows their attributes and filters, a
//! document page shows its turns; an assignment of documents for two coders who code blind —
//! a selection by offsets, a whole turn, an in-vivo code, a change and a removal; offsets
//! outside the text refused with the document named — and the lead settles the
//! disagreements into the document's codings, highlighted on its page and in the decisions
//! log; and every new route walked as every role and a stranger.

use crate::common;

use axum::http::{header, StatusCode};
use common::{world, Client, World};
use leernet_core::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    world = world, then = documents_world,
    documents_are_uploaded_coded_blind_and_settled => documents_story,
    every_document_route_as_every_role => authorisation_story,
    a_transcript_of_50000_words_opens_in_parts => long_story,
    an_answer_is_coded_with_the_same_component => answer_story,
);

/// A transcript in the plain "Spreker: tekst" layout.
const INTERVIEW: &str = "Interviewer: Hoe werkt het netwerk?\nSanne: We leren elkaars taal spreken 😀 en dat kost tijd.\nInterviewer: Wat helpt daarbij?\nSanne: Vaste momenten en een goede facilitator.\n";
const REPORT: &str = "Verslag van de derde sessie.\n\nDe groep sprak over de agenda.\n";

struct Docs {
    coder1: PersonId,
    coder2: PersonId,
    book: CodebookId,
    /// taal, taal.leren (under taal), tijd
    codes: Vec<CodeId>,
}

async fn documents_world(w: &World) -> Docs {
    let store = &w.store;
    let hash = leernet_web::auth::hash_password(common::PASSWORD).unwrap();
    let mut ids = Vec::new();
    for e in ["coder1", "coder2", "other-researcher"] {
        ids.push(
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
    let code = |k: &str, p: Option<&str>| NewCode {
        key: k.into(),
        parent: p.map(str::to_owned),
        name: Bilingual {
            nl: format!("Code {k} NL"),
            en: format!("Code {k} EN"),
        },
        ..Default::default()
    };
    let book = store
        .add_codebook(
            "Interviews",
            &[
                code("taal", None),
                code("taal.leren", Some("taal")),
                code("tijd", None),
            ],
        )
        .await
        .unwrap();
    let codes = store.codebooks().await.unwrap()[0]
        .codes
        .iter()
        .map(|c| c.id)
        .collect();
    Docs {
        coder1: ids[0],
        coder2: ids[1],
        book,
        codes,
    }
}

async fn logged_in(w: &World, email: &str) -> (Client, String) {
    let mut c = Client::new(&w.app);
    c.login(email).await;
    let csrf = c.session_csrf().await;
    (c, csrf)
}

/// A multipart body of text fields and files.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "leernet-test-boundary-7d1";
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

async fn upload(c: &mut Client, csrf: &str, kind: &str, files: &[(&str, &[u8])]) -> common::Page {
    let (ct, body) = multipart(
        &[
            ("csrf_token", csrf),
            ("kind", kind),
            ("network", "wijk-a"),
            ("date", "2026-03-14"),
        ],
        files,
    );
    c.send_with_type("/coding/documents", &ct, body).await
}

/// Makes the two documents and an assignment of both for the two coders; returns its id.
async fn make_assignment(w: &World, k: &Docs) -> (i64, Vec<DocumentId>) {
    let (mut lead, csrf) = logged_in(w, "researcher@example.org").await;
    let p = upload(
        &mut lead,
        &csrf,
        "interview",
        &[
            ("Interview Sanne.txt", INTERVIEW.as_bytes()),
            ("Verslag sessie 3.md", REPORT.as_bytes()),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let docs: Vec<DocumentId> = w
        .store
        .documents()
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    let p = lead
        .post_owned(
            "/coding/document-assignments",
            &[
                ("csrf_token".into(), csrf),
                ("name".into(), "Interviews ronde 1".into()),
                ("codebook".into(), k.book.0.to_string()),
                ("document".into(), docs[0].0.to_string()),
                ("document".into(), docs[1].0.to_string()),
                ("coder".into(), k.coder1.0.to_string()),
                ("coder".into(), k.coder2.0.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    (
        p.location().rsplit('/').next().unwrap().parse().unwrap(),
        docs,
    )
}

/// Posts `fields` with the CSRF token.
async fn post(
    c: &mut Client,
    path: String,
    fields: Vec<(&'static str, String)>,
    csrf: &str,
) -> common::Page {
    let mut f: Vec<(String, String)> = vec![("csrf_token".into(), csrf.to_owned())];
    f.extend(fields.into_iter().map(|(a, b)| (a.to_owned(), b)));
    c.post_owned(&path, &f).await
}

async fn documents_story(w: &World, k: &Docs) {
    let store = &w.store;
    let (mut lead, csrf) = logged_in(w, "researcher@example.org").await;
    let list = lead.get("/coding/documents").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("enctype=\"multipart/form-data\""));

    // One bad file among good ones: one sentence, in the visitor's language, nothing stored.
    for (files, want) in [
        (
            vec![
                ("Interview Sanne.txt", INTERVIEW.as_bytes()),
                ("leeg.txt", b"".as_slice()),
            ],
            "leeg.txt is leeg; er is niets opgeslagen.",
        ),
        (
            vec![("notities.xlsx", b"PK\x03\x04 niet echt".as_slice())],
            "notities.xlsx is geen document dat leernet leest",
        ),
        (
            vec![("kapot.docx", b"geen zip".as_slice())],
            "kapot.docx is niet wat de extensie zegt; er is niets opgeslagen.",
        ),
    ] {
        let p = upload(&mut lead, &csrf, "interview", &files).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.body.contains(want), "{want}: {}", p.body);
        assert!(store.documents().await.unwrap().is_empty());
    }
    // In English for a visitor who chose it.
    let p = lead.get("/coding/documents?lang=en").await;
    assert_eq!(p.status, StatusCode::OK);
    let p = upload(&mut lead, &csrf, "interview", &[("leeg.txt", b"")]).await;
    assert!(
        p.body.contains("leeg.txt is empty; nothing was stored."),
        "{}",
        p.body
    );
    lead.get("/coding/documents?lang=nl").await;
    // Not a kind, no file: refused.
    let p = upload(&mut lead, &csrf, "memo", &[("a.txt", b"Tekst.")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(store.documents().await.unwrap().is_empty());

    let (id, docs) = make_assignment(w, k).await;
    let list = lead.get("/coding/documents").await.body;
    for want in [
        "Interview Sanne",
        "Verslag sessie 3",
        "Netwerk Wijk A",
        "Interviewer, Sanne",
        "14 maart 2026",
        ">Interview<",
    ] {
        assert!(list.contains(want), "{want}: {list}");
    }
    assert!(!list.contains("2026-03-14"), "no ISO dates on a page");
    // Filters: by kind and by network.
    let p = lead.get("/coding/documents?kind=focus_group").await;
    assert!(!p.body.contains("Interview Sanne"));
    let p = lead
        .get("/coding/documents?kind=interview&network=wijk-a")
        .await;
    assert!(p.body.contains("Interview Sanne"));

    // The document page: turns with their speakers, each run with its start in code points.
    let page = lead.get(&format!("/coding/documents/{}", docs[0].0)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<p class=\"speaker\">Sanne</p>"));
    // A speaker is linked to a person of the study, chosen by name: the page shows names,
    // never addresses; the store keeps the link; another number is refused.
    assert!(page.body.contains("id=\"person-1\""), "{}", page.body);
    assert!(
        page.body.contains(">Codeur coder1</option>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("coder1@example.org"));
    let speakers = format!("/coding/documents/{}/speakers", docs[0].0);
    let c1id = k.coder1.0.to_string();
    let p = lead
        .post(
            &speakers,
            &[
                ("csrf_token", &csrf),
                ("speaker", "Sanne"),
                ("person", &c1id),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        store
            .speaker_people()
            .await
            .unwrap()
            .get(&(docs[0], "Sanne".to_owned())),
        Some(&leernet_store::retrieval::SpeakerPerson::Account(k.coder1))
    );
    let page = lead.get(&format!("/coding/documents/{}", docs[0].0)).await;
    assert!(
        page.body.contains(&format!(
            "<option value=\"{c1id}\" selected>Codeur coder1</option>"
        )),
        "{}",
        page.body
    );
    let p = lead
        .post(
            &speakers,
            &[
                ("csrf_token", &csrf),
                ("speaker", "Sanne"),
                ("person", "999999"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("Kies een persoon uit de lijst"),
        "{}",
        p.body
    );
    let p = lead
        .post(
            &speakers,
            &[
                ("csrf_token", &csrf),
                ("speaker", "Sanne"),
                ("person", "none"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(store.speaker_people().await.unwrap().is_empty());
    assert!(
        page.body.contains(
            "<span data-s=\"43\">We leren elkaars taal spreken 😀 en dat kost tijd.</span>"
        ),
        "{}",
        page.body
    );

    // Coder 1 codes: a selection (offsets), a whole turn, an in-vivo code.
    let base = format!("/coding/assignments/{id}/documents");
    let (mut c1, csrf1) = logged_in(w, "coder1@example.org").await;
    let p = c1.get(&format!("/coding/assignments/{id}")).await;
    assert!(
        p.body.contains(&format!("{base}/1"))
            || p.body
                .contains(&format!("{}&#x2f;1", base.replace('/', "&#x2f;")))
    );
    let p = c1.get(&format!("{base}/1")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("id=\"code-list\""));
    assert!(p.body.contains(&format!("id=\"code-{}\"", k.codes[1].0)));
    let p = post(
        &mut c1,
        format!("{base}/1/codings"),
        vec![
            ("code", k.codes[1].0.to_string()),
            ("start", "52".into()),
            ("end", "72".into()),
            ("memo", "kern".into()),
        ],
        &csrf1,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = post(
        &mut c1,
        format!("{base}/1/codings"),
        vec![("code", k.codes[2].0.to_string()), ("turn", "1".into())],
        &csrf1,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = post(
        &mut c1,
        format!("{base}/1/codings"),
        vec![
            ("invivo", "1".into()),
            ("start", "132".into()),
            ("end", "146".into()),
        ],
        &csrf1,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let book = store.codebooks().await.unwrap();
    let invivo = book[0]
        .codes
        .iter()
        .find(|c| c.name.nl == "Vaste momenten")
        .expect("the in-vivo code");
    // Offsets outside the text: refused with the document named; no code, nothing stored.
    let len = INTERVIEW.trim_end().chars().count();
    for (fields, want) in [
        (
            vec![
                ("code", k.codes[0].0.to_string()),
                ("start", "10".into()),
                ("end", format!("{}", len + 5)),
            ],
            format!("ligt niet binnen &quot;Interview Sanne&quot; ({len} tekens)"),
        ),
        (
            vec![("start", "1".into()), ("end", "5".into())],
            "Kies eerst een code in de codeboom.".to_owned(),
        ),
        (
            vec![("code", k.codes[0].0.to_string())],
            "Selecteer eerst een stuk tekst".to_owned(),
        ),
        (
            vec![("code", k.codes[0].0.to_string()), ("turn", "99".into())],
            "Die beurt of alinea bestaat niet".to_owned(),
        ),
    ] {
        let p = post(&mut c1, format!("{base}/1/codings"), fields, &csrf1).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{want}");
        assert!(p.body.contains(&want), "{want}: {}", p.body);
    }
    let mine = store
        .assignment_document_codings(AssignmentId(id), Some(k.coder1))
        .await
        .unwrap();
    assert_eq!(
        mine.iter()
            .map(|c| (c.code, c.span.start, c.span.end))
            .collect::<Vec<_>>(),
        vec![
            (k.codes[1], 52, 72),
            (k.codes[2], 43, 92),
            (invivo.id, 132, 146)
        ]
    );
    // The page highlights them with their code names in text.
    let p = c1.get(&format!("{base}/1")).await;
    assert!(p.body.contains("<mark class=\"coded"), "{}", p.body);
    assert!(p.body.contains("<q>elkaars taal spreken</q>"));
    assert!(p.body.contains("Code taal.leren NL"));
    // Change the in-vivo coding to another code, then remove it.
    let p = post(
        &mut c1,
        format!("{base}/1/codings/{}", mine[2].id.0),
        vec![
            ("code", k.codes[0].0.to_string()),
            ("memo", "toch taal".into()),
        ],
        &csrf1,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = post(
        &mut c1,
        format!("{base}/1/codings/{}/delete", mine[2].id.0),
        vec![],
        &csrf1,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        store
            .assignment_document_codings(AssignmentId(id), Some(k.coder1))
            .await
            .unwrap()
            .len(),
        2
    );

    // Coder 2 sees none of it, codes the same span with the other code.
    let (mut c2, csrf2) = logged_in(w, "coder2@example.org").await;
    let p = c2.get(&format!("{base}/1")).await;
    assert!(!p.body.contains("<mark"), "blind");
    let p = post(
        &mut c2,
        format!("{base}/1/codings"),
        vec![
            ("code", k.codes[0].0.to_string()),
            ("start", "52".into()),
            ("end", "72".into()),
        ],
        &csrf2,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // Coder 2 cannot touch coder 1's coding.
    let p = post(
        &mut c2,
        format!("{base}/1/codings/{}/delete", mine[0].id.0),
        vec![],
        &csrf2,
    )
    .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);

    // Both finish; the lead sees the codings side by side and settles.
    for (c, csrf) in [(&mut c1, &csrf1), (&mut c2, &csrf2)] {
        let p = c
            .post(
                &format!("/coding/assignments/{id}/finish"),
                &[("csrf_token", csrf)],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
    }
    let p = lead
        .get(&format!("/coding/assignments/{id}/disagreements"))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Codeur coder1") && p.body.contains("Codeur coder2"));
    assert!(p.body.contains("<q>elkaars taal spreken</q>"));
    let theirs = store
        .assignment_document_codings(AssignmentId(id), None)
        .await
        .unwrap();
    let take = theirs
        .iter()
        .find(|c| c.coder == k.coder2)
        .unwrap()
        .id
        .0
        .to_string();
    let p = lead
        .post(
            &format!("/coding/assignments/{id}/documents/1/consensus"),
            &[("csrf_token", &csrf), ("take", &take), ("why", "")],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    let p = lead
        .post(
            &format!("/coding/assignments/{id}/documents/1/consensus"),
            &[
                ("csrf_token", &csrf),
                ("take", &take),
                ("why", "Het gaat om taal, niet om leren"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let settled = store.document_codings(Some(docs[0])).await.unwrap();
    assert_eq!(
        settled
            .iter()
            .map(|c| (c.code, c.span.start, c.span.end))
            .collect::<Vec<_>>(),
        vec![(k.codes[0], 52, 72)]
    );
    // The document page highlights the settled passage; the log says why.
    let page = lead.get(&format!("/coding/documents/{}", docs[0].0)).await;
    assert!(page.body.contains("<mark class=\"coded"), "{}", page.body);
    assert!(page.body.contains(&format!("{}/colours.css", k.book.0)));
    let a = lead.get(&format!("/coding/assignments/{id}")).await;
    assert!(a.body.contains("Het gaat om taal, niet om leren"));

    // A memo on the document.
    let p = lead
        .post(
            &format!("/coding/documents/{}/memos", docs[0].0),
            &[
                ("csrf_token", &csrf),
                ("title", ""),
                ("text", "Sanne noemt taal vaak."),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let page = lead.get(&format!("/coding/documents/{}", docs[0].0)).await;
    assert!(page.body.contains("Sanne noemt taal vaak."));
    // The list counts the settled coding.
    let list = lead.get("/coding/documents").await.body;
    assert!(list.contains("<td class=\"num\">1</td>"), "{list}");
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Login,
    Ok,
    Done,
    Forbidden,
    NotFound,
    Conflict,
    Unprocessable,
}

type Route = (
    &'static str,
    String,
    Vec<(&'static str, String)>,
    [Expect; 8],
);

async fn authorisation_story(w: &World, k: &Docs) {
    use Expect::*;
    let (id, docs) = make_assignment(w, k).await;
    let base = format!("/coding/assignments/{id}");
    let visitors = [
        None,
        Some("researcher@example.org"),
        Some("coordinator@example.org"),
        Some("fac-a@example.org"),
        Some("member-a@example.org"),
        Some("other-researcher@example.org"),
        Some("coder2@example.org"),
        Some("coder1@example.org"),
    ];
    let staff = [Login, Ok, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok];
    let code = k.codes[0].0.to_string();
    let c1_coding = w
        .store
        .add_assignment_document_coding(
            AssignmentId(id),
            k.coder1,
            &DocumentSpanCode {
                document: docs[0],
                code: k.codes[0],
                start: 0,
                end: 5,
                memo: String::new(),
            },
        )
        .await
        .unwrap()
        .unwrap();
    let code_memo = w
        .store
        .add_memo("Memo", "Over de code.", None, Some(k.codes[0]), None)
        .await
        .unwrap();
    let document_memo = w
        .store
        .add_memo("Memo", "Over het document.", None, None, Some(docs[0]))
        .await
        .unwrap();
    let coders_only = [
        Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, Done, Done,
    ];
    let routes: Vec<Route> = vec![
        ("GET", "/coding/documents".into(), vec![], staff),
        (
            "GET",
            format!("/coding/documents/{}", docs[0].0),
            vec![],
            staff,
        ),
        (
            "GET",
            "/coding/documents/99999".into(),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "POST",
            format!("/coding/documents/{}/memos", docs[1].0),
            vec![("text", "Een memo.".into())],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Done, Done, Done,
            ],
        ),
        (
            "GET",
            format!("/coding/codebooks/{}/colours.css", k.book.0),
            vec![],
            staff,
        ),
        // The coder's page: the assignment's coders only (a researcher who is neither coder
        // nor lead, and the lead, find nothing there).
        (
            "GET",
            format!("{base}/documents/1"),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, Ok, Ok,
            ],
        ),
        (
            "GET",
            format!("{base}/documents/3"),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "POST",
            format!("{base}/documents/1/codings"),
            vec![("code", code.clone()), ("turn", "1".into())],
            coders_only,
        ),
        // Someone else's coding, or one that does not exist: not found, for everyone.
        (
            "POST",
            format!("{base}/documents/1/codings/{}", c1_coding.0),
            vec![("code", code.clone())],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, Done,
            ],
        ),
        (
            "POST",
            format!("{base}/documents/1/codings/{}/delete", c1_coding.0),
            vec![],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, Done,
            ],
        ),
        (
            "POST",
            format!("{base}/answers/1/codings/{}", c1_coding.0),
            vec![("code", code.clone())],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        // Where the coders differ on a code: the lead only, once every coder finished.
        (
            "GET",
            format!("{base}/differences/{code}"),
            vec![],
            [
                Login, Conflict, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        // A speaker's role: researchers.
        (
            "POST",
            format!("/coding/documents/{}/speakers", docs[0].0),
            vec![
                ("speaker", "Interviewer".into()),
                ("role", "interviewer".into()),
            ],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Done, Done, Done,
            ],
        ),
        (
            "POST",
            format!("/coding/documents/{}/speakers", docs[0].0),
            vec![("speaker", "Niemand".into()), ("role", "member".into())],
            [
                Login,
                Unprocessable,
                Forbidden,
                Forbidden,
                Forbidden,
                Unprocessable,
                Unprocessable,
                Unprocessable,
            ],
        ),
        // A speaker's person: researchers.
        (
            "POST",
            format!("/coding/documents/{}/speakers", docs[0].0),
            vec![
                ("speaker", "Interviewer".into()),
                ("person", k.coder1.0.to_string()),
            ],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Done, Done, Done,
            ],
        ),
        // Memos on a code: researchers write and change them; a memo on no code, or a
        // code of another codebook, is not found.
        (
            "POST",
            format!("/coding/codebooks/{}/codes/{code}/memos", k.book.0),
            vec![("text", "Een memo bij de code.".into())],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Done, Done, Done,
            ],
        ),
        (
            "POST",
            format!("/coding/codebooks/{}/codes/{code}/memos", k.book.0 + 1),
            vec![("text", "Een memo.".into())],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "POST",
            format!("/coding/memos/{}", code_memo.0),
            vec![("text", "Anders gezegd.".into())],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Done, Done, Done,
            ],
        ),
        (
            "POST",
            format!("/coding/memos/{}", document_memo.0),
            vec![("text", "Anders gezegd.".into())],
            [
                Login, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        // The lead's settlement: only once every coder finished.
        (
            "POST",
            format!("{base}/documents/1/consensus"),
            vec![("why", "omdat".into())],
            [
                Login, Conflict, Forbidden, Forbidden, Forbidden, NotFound, NotFound, NotFound,
            ],
        ),
        (
            "POST",
            "/coding/document-assignments".into(),
            vec![
                ("name", "Nog een".into()),
                ("codebook", k.book.0.to_string()),
                ("document", docs[0].0.to_string()),
                ("coder", k.coder1.0.to_string()),
            ],
            [
                Login, Done, Forbidden, Forbidden, Forbidden, Done, Done, Done,
            ],
        ),
        (
            "POST",
            "/coding/document-assignments".into(),
            vec![("name", "Leeg".into()), ("codebook", k.book.0.to_string())],
            [
                Login,
                Unprocessable,
                Forbidden,
                Forbidden,
                Forbidden,
                Unprocessable,
                Unprocessable,
                Unprocessable,
            ],
        ),
    ];
    for (i, who) in visitors.iter().enumerate() {
        let mut c = Client::new(&w.app);
        if let Some(email) = who {
            c.login(email).await;
        }
        let csrf = match who {
            Some(_) => c.session_csrf().await,
            None => c.get("/login").await.csrf(),
        };
        for (method, path, fields, expect) in &routes {
            let p = if *method == "GET" {
                c.get(path).await
            } else {
                let mut f: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
                f.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
                c.post(path, &f).await
            };
            let got = match p.status {
                StatusCode::OK => Ok,
                StatusCode::SEE_OTHER if p.location().starts_with("/login") => Login,
                StatusCode::SEE_OTHER => Done,
                StatusCode::FORBIDDEN => Forbidden,
                StatusCode::NOT_FOUND => NotFound,
                StatusCode::CONFLICT => Conflict,
                StatusCode::UNPROCESSABLE_ENTITY => Unprocessable,
                s => panic!("{method} {path} as {who:?}: unexpected {s}: {}", p.body),
            };
            assert_eq!(got, expect[i], "{method} {path} as {who:?}");
            assert!(p.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        }
    }
    // The upload: researchers only; the others are refused before a file is read.
    for (who, want) in [
        (None, Login),
        (Some("coordinator@example.org"), Forbidden),
        (Some("member-a@example.org"), Forbidden),
        (Some("other-researcher@example.org"), Done),
    ] {
        let mut c = Client::new(&w.app);
        if let Some(email) = who {
            c.login(email).await;
        }
        let csrf = match who {
            Some(_) => c.session_csrf().await,
            None => c.get("/login").await.csrf(),
        };
        let text = format!("Verslag door {who:?}.");
        let p = upload(
            &mut c,
            &csrf,
            "session_report",
            &[("verslag.txt", text.as_bytes())],
        )
        .await;
        let got = match p.status {
            StatusCode::SEE_OTHER if p.location().starts_with("/login") => Login,
            StatusCode::SEE_OTHER => Done,
            StatusCode::FORBIDDEN => Forbidden,
            s => panic!("upload as {who:?}: {s}: {}", p.body),
        };
        assert_eq!(got, want, "upload as {who:?}");
    }
}

/// A transcript of 50,000 words in 1,000 turns: the document page and the coder's page show
/// it in parts of whole turns (each a bounded page), every part reachable; the times are
/// printed (measured here in a debug build; see the report of issue 20).
async fn long_story(w: &World, k: &Docs) {
    let words = [
        "samen",
        "leren",
        "in",
        "de",
        "wijk",
        "met",
        "bewoners",
        "en",
        "professionals",
        "😀",
    ];
    let mut text = String::new();
    let mut turns = Vec::new();
    let mut at = 0usize;
    for t in 0..1000 {
        let speaker = if t % 2 == 0 { "Interviewer" } else { "Sanne" };
        let label = format!("{speaker}: ");
        text.push_str(&label);
        at += label.chars().count();
        let said: Vec<&str> = (0..50).map(|i| words[(t * 7 + i) % words.len()]).collect();
        let said = said.join(" ");
        let n = said.chars().count();
        text.push_str(&said);
        turns.push(Turn {
            speaker: speaker.into(),
            start: at,
            end: at + n,
        });
        at += n;
        text.push('\n');
        at += 1;
    }
    text.pop();
    assert_eq!(
        text.split_whitespace().count(),
        51_000,
        "50,000 words and 1,000 labels"
    );
    let doc = w
        .store
        .add_documents(&[NewDocument {
            title: "Lang interview".into(),
            kind: DocumentKind::Interview,
            network: None,
            workplace: None,
            wave: None,
            date: None,
            file_name: "lang.txt".into(),
            format: "txt".into(),
            text: text.clone(),
            turns,
        }])
        .await
        .unwrap()[0];
    let id = w
        .store
        .add_document_assignment(&NewDocumentAssignment {
            name: "Lang".into(),
            codebook: k.book,
            lead: w
                .store
                .account_by_email("researcher@example.org")
                .await
                .unwrap()
                .unwrap()
                .id,
            coders: vec![k.coder1],
            documents: vec![doc],
            at: 1,
        })
        .await
        .unwrap()
        .unwrap();
    let (mut lead, _) = logged_in(w, "researcher@example.org").await;
    let (mut c1, _) = logged_in(w, "coder1@example.org").await;
    for (c, path) in [
        (&mut lead, format!("/coding/documents/{}", doc.0)),
        (&mut c1, format!("/coding/assignments/{}/documents/1", id.0)),
    ] {
        let start = std::time::Instant::now();
        let p = c.get(&path).await;
        let took = start.elapsed();
        assert_eq!(p.status, StatusCode::OK);
        let parts = p.body.matches("?part=").count() + 1;
        assert!(parts >= 5, "{parts} parts");
        assert!(
            p.body.len() < 400_000,
            "a bounded page: {} bytes",
            p.body.len()
        );
        eprintln!("{path}: first part {} bytes in {took:?}", p.body.len());
        let last = c.get(&format!("{path}?part={parts}")).await;
        assert_eq!(last.status, StatusCode::OK);
        assert!(last.body.contains("data-s=\""));
        assert_eq!(
            c.get(&format!("{path}?part={}", parts + 1)).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

/// The answer page with the shared component: headed with the question's label (never its
/// variable name), a coding changed to another code and memo, an in-vivo code from the
/// selection, and a whole answer by the unit's button; offsets outside the answer refused.
async fn answer_story(w: &World, k: &Docs) {
    let store = &w.store;
    let wave = store
        .add_wave(w.instrument, "2023", WaveStatus::Closed)
        .await
        .unwrap();
    let text = "We leren elkaars taal spreken 😀 in de wijk.";
    let responses = store
        .add_responses(
            wave,
            &[NewResponse {
                network: w.a,
                respondent: "r1".into(),
                status: ResponseStatus::Submitted,
                answers: [("rationale_text".to_owned(), text.to_owned())]
                    .into_iter()
                    .collect(),
            }],
        )
        .await
        .unwrap();
    let lead = store
        .account_by_email("researcher@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let id = store
        .add_assignment(&NewAssignment {
            name: "Antwoorden".into(),
            question: "rationale_text".into(),
            codebook: k.book,
            lead,
            coders: vec![k.coder1],
            responses,
            at: 1,
        })
        .await
        .unwrap()
        .unwrap();
    let (mut c1, csrf) = logged_in(w, "coder1@example.org").await;
    let base = format!("/coding/assignments/{}/answers/1", id.0);
    let p = c1.get(&base).await;
    assert_eq!(p.status, StatusCode::OK);
    let heading = p.body.split("<h2 id=\"answer-h\"").nth(1).unwrap();
    let heading = &heading[..heading.find("</h2>").unwrap()];
    assert!(!heading.contains("rationale_text"), "{heading}");
    assert!(heading.len() > 20, "the question's label: {heading}");
    assert!(p.body.contains("<span data-s=\"0\">We leren elkaars"));
    // A span, then another code and a memo for it.
    let p = post(
        &mut c1,
        format!("{base}/codings"),
        vec![
            ("code", k.codes[0].0.to_string()),
            ("start", "9".into()),
            ("end", "21".into()),
        ],
        &csrf,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let coding = store.assignment_codings(id, Some(k.coder1)).await.unwrap()[0].id;
    let p = post(
        &mut c1,
        format!("{base}/codings/{}", coding.0),
        vec![
            ("code", k.codes[2].0.to_string()),
            ("memo", "over tijd".into()),
        ],
        &csrf,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // In vivo: the selection becomes a code of the codebook, and codes its span.
    let p = post(
        &mut c1,
        format!("{base}/codings"),
        vec![
            ("invivo", "1".into()),
            ("start", "35".into()),
            ("end", "42".into()),
        ],
        &csrf,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // The whole answer by the unit's button.
    let p = post(
        &mut c1,
        format!("{base}/codings"),
        vec![("code", k.codes[1].0.to_string()), ("turn", "0".into())],
        &csrf,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let invivo = store.codebooks().await.unwrap()[0]
        .codes
        .iter()
        .find(|c| c.name.nl == "de wijk")
        .expect("the in-vivo code")
        .id;
    let len = text.chars().count();
    let mut got: Vec<(CodeId, usize, usize, String)> = store
        .assignment_codings(id, Some(k.coder1))
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.code, c.segment.start, c.segment.end, c.memo))
        .collect();
    got.sort();
    let mut want = vec![
        (k.codes[2], 9, 21, "over tijd".to_owned()),
        (invivo, 35, 42, String::new()),
        (k.codes[1], 0, len, String::new()),
    ];
    want.sort();
    assert_eq!(got, want);
    let p = post(
        &mut c1,
        format!("{base}/codings"),
        vec![
            ("code", k.codes[1].0.to_string()),
            ("start", "40".into()),
            ("end", format!("{}", len + 1)),
        ],
        &csrf,
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
}
