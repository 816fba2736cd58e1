//! Blind double coding of documents, on every back end: an assignment of documents for two
//! coders who each see only their own codings, spans checked against the document (refused
//! with its length, nothing written), change and removal of one's own codings, finishing,
//! and the lead's settlement into the study's document codings with the decisions log; and
//! the documents list's words, speakers and codings.

use leernet_core::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    two_coders_code_documents_blind_and_the_lead_settles => document_work_story,
);

const TEXT: &str = "Sanne: Goed 😀. We leren elkaars taal spreken.";

fn person(email: &str) -> NewPerson {
    NewPerson {
        email: Email::parse(email).unwrap(),
        name: email.split('@').next().unwrap().into(),
        role: Role::Researcher,
        networks: vec![],
        password_hash: None,
    }
}

async fn document_work_story(store: &Store) {
    let lead = store.add_person(&person("lead@example.org")).await.unwrap();
    let c1 = store.add_person(&person("c1@example.org")).await.unwrap();
    let c2 = store.add_person(&person("c2@example.org")).await.unwrap();
    let code = |k: &str| NewCode {
        key: k.into(),
        name: Bilingual {
            nl: k.into(),
            en: k.into(),
        },
        ..Default::default()
    };
    store
        .add_codebook("thema's", &[code("taal"), code("anders")])
        .await
        .unwrap();
    let book = &store.codebooks().await.unwrap()[0];
    let (taal, anders) = (book.codes[0].id, book.codes[1].id);
    let other_book = store.add_codebook("ander", &[code("x")]).await.unwrap();
    let foreign = store
        .codebooks()
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.id == other_book)
        .unwrap()
        .codes[0]
        .id;
    let doc = |title: &str, text: &str| NewDocument {
        title: title.into(),
        kind: DocumentKind::Interview,
        network: None,
        workplace: None,
        wave: None,
        date: None,
        file_name: format!("{title}.txt"),
        format: "txt".into(),
        text: text.into(),
        turns: vec![Turn {
            speaker: "Sanne".into(),
            start: 7,
            end: text.chars().count(),
        }],
    };
    let docs = store
        .add_documents(&[doc("Interview", TEXT), doc("Ander", "Nog een tekst.")])
        .await
        .unwrap();
    let len = TEXT.chars().count();

    // The list: words, speakers, codings.
    let list = store.document_summaries().await.unwrap();
    assert_eq!(
        list.iter()
            .map(|d| (d.words, d.speakers.clone(), d.codings))
            .collect::<Vec<_>>(),
        vec![
            (8, vec!["Sanne".to_owned()], 0),
            (3, vec!["Sanne".to_owned()], 0)
        ]
    );
    // Counted once and kept: the same again.
    assert_eq!(store.document_summaries().await.unwrap(), list);

    let new = |documents: Vec<DocumentId>, coders: Vec<PersonId>| NewDocumentAssignment {
        name: "Interviews".into(),
        codebook: book.id,
        lead,
        coders,
        documents,
        at: 10,
    };
    assert_eq!(
        store
            .add_document_assignment(&new(vec![], vec![c1]))
            .await
            .unwrap(),
        Err(Refusal::Incomplete)
    );
    assert_eq!(
        store
            .add_document_assignment(&new(vec![DocumentId(9999)], vec![c1]))
            .await
            .unwrap(),
        Err(Refusal::NotInAssignment)
    );
    let id = store
        .add_document_assignment(&new(vec![docs[0]], vec![c1, c2]))
        .await
        .unwrap()
        .unwrap();
    let a = store.assignment(id).await.unwrap().unwrap();
    assert_eq!(
        (a.documents.clone(), a.items.clone()),
        (vec![docs[0]], vec![])
    );
    assert_eq!(a.question, "");

    let span = |d: DocumentId, code: CodeId, start: usize, end: usize| DocumentSpanCode {
        document: d,
        code,
        start,
        end,
        memo: String::new(),
    };
    // Refusals store nothing: outside the text, empty, another document, a foreign code,
    // someone who is no coder.
    for (who, s, want) in [
        (
            c1,
            span(docs[0], taal, 20, len + 1),
            Refusal::OutsideText {
                start: 20,
                end: len + 1,
                len,
            },
        ),
        (
            c1,
            span(docs[0], taal, 5, 5),
            Refusal::OutsideText {
                start: 5,
                end: 5,
                len,
            },
        ),
        (c1, span(docs[1], taal, 0, 3), Refusal::NotInAssignment),
        (c1, span(docs[0], foreign, 0, 3), Refusal::UnknownCode),
        (lead, span(docs[0], taal, 0, 3), Refusal::NotACoder),
    ] {
        assert_eq!(
            store
                .add_assignment_document_coding(id, who, &s)
                .await
                .unwrap(),
            Err(want)
        );
    }
    assert!(store
        .assignment_document_codings(id, None)
        .await
        .unwrap()
        .is_empty());

    // Code points: "elkaars taal" starts after the emoji.
    let k1 = store
        .add_assignment_document_coding(id, c1, &span(docs[0], taal, 24, 36))
        .await
        .unwrap()
        .unwrap();
    let k1b = store
        .add_assignment_document_coding(id, c1, &span(docs[0], anders, 0, 5))
        .await
        .unwrap()
        .unwrap();
    store
        .add_assignment_document_coding(id, c2, &span(docs[0], anders, 24, 36))
        .await
        .unwrap()
        .unwrap();
    // Blind: each sees their own.
    let mine = store
        .assignment_document_codings(id, Some(c1))
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|c| c.coder == c1));
    // Change and remove one's own; not another's.
    assert_eq!(
        store
            .change_assignment_document_coding(id, c2, k1, anders, "")
            .await
            .unwrap(),
        Err(Refusal::NoCoding)
    );
    store
        .change_assignment_document_coding(id, c1, k1, taal, "elkaars taal")
        .await
        .unwrap()
        .unwrap();
    store
        .delete_assignment_document_coding(id, c1, k1b)
        .await
        .unwrap()
        .unwrap();
    let mine = store
        .assignment_document_codings(id, Some(c1))
        .await
        .unwrap();
    assert_eq!(
        mine.iter()
            .map(|c| (c.code, c.span.start, c.span.end, c.memo.as_str()))
            .collect::<Vec<_>>(),
        vec![(taal, 24, 36, "elkaars taal")]
    );
    // Nothing of the coders reaches the study's document codings.
    assert!(store.document_codings(None).await.unwrap().is_empty());

    // The lead settles only once both finished.
    let settled = [span(docs[0], taal, 24, 36)];
    assert_eq!(
        store
            .settle_document(id, lead, docs[0], &settled, "beide lezingen", 20)
            .await
            .unwrap(),
        Err(Refusal::NotAllFinished)
    );
    store.finish_assignment(id, c1, 11).await.unwrap().unwrap();
    store.finish_assignment(id, c2, 12).await.unwrap().unwrap();
    assert_eq!(
        store
            .add_assignment_document_coding(id, c1, &span(docs[0], taal, 0, 3))
            .await
            .unwrap(),
        Err(Refusal::Finished)
    );
    assert_eq!(
        store
            .settle_document(id, c1, docs[0], &settled, "ik", 20)
            .await
            .unwrap(),
        Err(Refusal::NotTheLead)
    );
    assert_eq!(
        store
            .settle_document(id, lead, docs[0], &settled, "  ", 20)
            .await
            .unwrap(),
        Err(Refusal::NoReason)
    );
    store
        .settle_document(id, lead, docs[0], &settled, "beide lezingen", 20)
        .await
        .unwrap()
        .unwrap();
    // Settling again replaces the consensus.
    store
        .settle_document(id, lead, docs[0], &settled, "nogmaals", 21)
        .await
        .unwrap()
        .unwrap();
    let consensus = store.document_codings(Some(docs[0])).await.unwrap();
    assert_eq!(
        consensus
            .iter()
            .map(|c| (c.code, c.span.start, c.span.end, c.coder))
            .collect::<Vec<_>>(),
        vec![(taal, 24, 36, lead)]
    );
    assert_eq!(
        store.assignment_document_consensus(id).await.unwrap(),
        consensus
    );
    assert_eq!(
        store.settled_documents(id).await.unwrap(),
        [docs[0]].into_iter().collect()
    );
    let log = store.coding_decisions(Some(id)).await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (
            last.kind,
            last.document,
            last.what.as_str(),
            last.why.as_str()
        ),
        (
            DecisionKind::Consensus,
            Some(docs[0]),
            "consensus: taal [24–36)",
            "nogmaals"
        )
    );
    assert_eq!(store.document_summaries().await.unwrap()[0].codings, 1);
}
