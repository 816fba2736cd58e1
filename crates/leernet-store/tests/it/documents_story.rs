//! Documents as sources, on every back end: stored once with their turns, codings of their
//! spans checked against the text (refused with the document named, nothing written), and
//! the passages of a code — with its children — cut out in code points.

use leernet_core::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    documents_are_stored_once_and_coded_in_code_points => documents_story,
);

const INTERVIEW: &str =
    "Interviewer: Hoe gaat het?\nSanne: Goed 😀. We leren elkaars taal spreken.";

fn code(key: &str, parent: Option<&str>) -> NewCode {
    NewCode {
        key: key.into(),
        parent: parent.map(str::to_owned),
        name: Bilingual {
            nl: key.into(),
            en: key.into(),
        },
        ..Default::default()
    }
}

fn doc(title: &str, text: &str, network: Option<NetworkId>) -> NewDocument {
    NewDocument {
        title: title.into(),
        kind: DocumentKind::Interview,
        network,
        workplace: None,
        wave: None,
        date: Some("2026-03-14".into()),
        file_name: format!("{title}.txt"),
        format: "txt".into(),
        text: text.into(),
        turns: vec![],
    }
}

async fn documents_story(store: &Store) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noord").unwrap(),
            name: "Werkplaats Noord".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let net = store
        .add_network(&NewNetwork {
            slug: Slug::parse("wijk-a").unwrap(),
            name: "Netwerk Wijk A".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    let coder = store
        .add_person(&NewPerson {
            email: Email::parse("anna@example.org").unwrap(),
            name: "Anna".into(),
            role: Role::Researcher,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let book = store
        .add_codebook(
            "thema's",
            &[
                code("taal", None),
                code("taal.leren", Some("taal")),
                code("anders", None),
            ],
        )
        .await
        .unwrap();
    let codes = &store.codebooks().await.unwrap()[0].codes;
    assert_eq!(store.codebooks().await.unwrap()[0].id, book);
    let id = |k: &str| codes.iter().find(|c| c.key == k).unwrap().id;

    let mut interview = doc("Interview Sanne", INTERVIEW, Some(net));
    interview.turns = vec![
        Turn {
            speaker: "Interviewer".into(),
            start: 13,
            end: 26,
        },
        Turn {
            speaker: "Sanne".into(),
            start: 34,
            end: 72,
        },
    ];
    let ids = store
        .add_documents(&[
            interview.clone(),
            doc("Verslag", "Sessie 3: wat we leerden.", None),
        ])
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);

    // One text is stored once: a second import of it (under another name) is refused whole.
    let e = store
        .add_documents(&[
            doc("Nieuw", "Iets anders.", None),
            doc("Kopie", INTERVIEW, None),
        ])
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains(
            "\"Kopie.txt\" holds the same text as the stored document \"Interview Sanne\""
        ),
        "{e}"
    );
    // A turn outside the text, or a bad date, is refused; nothing of the batch is written.
    let mut bad = doc("Kapot", "kort", None);
    bad.turns = vec![Turn {
        speaker: "X".into(),
        start: 0,
        end: 5,
    }];
    let e = store
        .add_documents(&[doc("Goed", "Goed.", None), bad])
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("turn 1 (0–5) does not lie inside the text (4 characters)"),
        "{e}"
    );
    let mut bad = doc("Datum", "tekst", None);
    bad.date = Some("14-03-2026".into());
    assert!(store.add_documents(&[bad]).await.is_err());
    assert_eq!(
        store.documents().await.unwrap().len(),
        2,
        "nothing half-written"
    );

    let d = store.document(ids[0]).await.unwrap().unwrap();
    assert_eq!(d.text, INTERVIEW);
    assert_eq!(d.info.chars, INTERVIEW.chars().count());
    assert_eq!(d.info.network, Some(net));
    assert_eq!(d.info.date.as_deref(), Some("2026-03-14"));
    assert_eq!(d.turns, interview.turns);
    assert_eq!(
        span_text(&d.text, 34, 72),
        Some("Goed 😀. We leren elkaars taal spreken.")
    );
    assert!(store.document(DocumentId(999)).await.unwrap().is_none());

    // Codings of spans, in code points (the emoji is one).
    let new = |doc: DocumentId, start, end, code| NewDocumentCoding {
        span: DocumentSpan {
            document: doc,
            start,
            end,
        },
        code,
        coder,
        memo: String::new(),
    };
    store
        .add_document_codings(&[
            new(ids[0], 42, 72, id("taal.leren")),
            new(ids[0], 34, 41, id("anders")),
            new(ids[1], 0, 8, id("taal")),
        ])
        .await
        .unwrap();
    let len = INTERVIEW.chars().count();
    for (s, e) in [(70, len + 1), (5, 5), (6, 2)] {
        let err = store
            .add_document_codings(&[new(ids[1], 0, 3, id("taal")), new(ids[0], s, e, id("taal"))])
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("does not lie inside document \"Interview Sanne\""),
            "{err}"
        );
    }
    assert_eq!(
        store.document_codings(None).await.unwrap().len(),
        3,
        "nothing half-written"
    );
    assert_eq!(store.document_codings(Some(ids[1])).await.unwrap().len(), 1);

    let p = store.passages(id("taal.leren"), false).await.unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].text, "We leren elkaars taal spreken.");
    assert_eq!(
        (p[0].kind, p[0].network),
        (DocumentKind::Interview, Some(net))
    );
    let p = store.passages(id("taal"), true).await.unwrap();
    let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["We leren elkaars taal spreken.", "Sessie 3"]);
    let p = store.passages(id("anders"), true).await.unwrap();
    assert_eq!(p[0].text, "Goed 😀.");
}
