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

    // A coder's export holds their codings of documents too (positions and code, never the
    // document's text), and an erase keeps them unlinked, as codings of answers.
    let memo = store
        .add_memo(
            "Over taal",
            "Taal komt vaak terug.",
            Some(coder),
            Some(id("taal")),
            None,
        )
        .await
        .unwrap();
    assert!(store
        .add_memo("Fout", "x", None, Some(id("taal")), Some(ids[0]))
        .await
        .is_err());
    assert_eq!(store.memos().await.unwrap().len(), 1);
    let actor = Actor::Cli("tester".into());
    let subject = store.privacy_subject("anna@example.org").await.unwrap();
    let j = store
        .export_person(&subject, &actor, 10)
        .await
        .unwrap()
        .to_json();
    let cs = j["areas"]["codings"].as_array().unwrap();
    assert_eq!(cs.len(), 4, "{cs:?}");
    assert_eq!(
        (cs[3]["memo"].as_i64(), cs[3]["text"].as_str()),
        (Some(memo.0), Some("Taal komt vaak terug."))
    );
    assert_eq!(cs[0]["document"], ids[0].0);
    assert_eq!(
        (cs[0]["start"].as_i64(), cs[0]["code"].as_str()),
        (Some(42), Some("taal.leren"))
    );
    assert!(!j.to_string().contains("elkaars taal"));
    let plan = privacy::ErasePlan {
        subject,
        keep_anonymised: Default::default(),
    };
    let dry = store.erase_person(&plan, &actor, 11, true).await.unwrap();
    assert_eq!(dry.count("codings", "kept_unlinked"), 4);
}

/// `bench/documents/run.sh`: storing and opening a 50,000-word transcript, and the passages
/// of a code across 1,000 documents, on every back end. Prints the figures; run it with
/// `--release -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: bench/documents/run.sh"]
async fn documents_bench() {
    use std::time::Instant;
    const WORDS: [&str; 8] = [
        "we", "leren", "samen", "met", "bewoners", "over", "eigen", "kracht",
    ];
    for backend in leernet_store::testing::test_backends() {
        let db = leernet_store::testing::TestDb::new(backend).await;
        let store = db.store().await;
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
        let codes: Vec<NewCode> = std::iter::once(code("thema", None))
            .chain((0..5).map(|i| code(&format!("thema.c{i}"), Some("thema"))))
            .collect();
        store.add_codebook("bench", &codes).await.unwrap();
        let ids: Vec<CodeId> = store.codebooks().await.unwrap()[0]
            .codes
            .iter()
            .map(|c| c.id)
            .collect();

        // One transcript of 50,000 words: 2,000 turns of 25 words.
        let mut text = String::new();
        let mut turns = Vec::new();
        for t in 0..2000 {
            if t > 0 {
                text.push('\n');
            }
            let speaker = if t % 2 == 0 {
                "Interviewer"
            } else {
                "Deelnemer"
            };
            text.push_str(speaker);
            text.push_str(": ");
            let start = text.chars().count();
            let said: Vec<&str> = (0..25).map(|w| WORDS[(t * 25 + w) % 8]).collect();
            text.push_str(&said.join(" "));
            turns.push(Turn {
                speaker: speaker.into(),
                start,
                end: text.chars().count(),
            });
        }
        let mut big = doc("Transcript", &text, None);
        big.turns = turns.clone();
        let t0 = Instant::now();
        let id = store.add_documents(&[big]).await.unwrap()[0];
        let stored = t0.elapsed();
        let t0 = Instant::now();
        let opened = store.document(id).await.unwrap().unwrap();
        let codings = store.document_codings(Some(id)).await.unwrap();
        let open = t0.elapsed();
        assert_eq!((opened.turns.len(), codings.len()), (2000, 0));
        // Code every fourth turn.
        let new: Vec<NewDocumentCoding> = turns
            .iter()
            .step_by(4)
            .enumerate()
            .map(|(i, t)| NewDocumentCoding {
                span: DocumentSpan {
                    document: id,
                    start: t.start,
                    end: t.end,
                },
                code: ids[1 + i % 5],
                coder,
                memo: String::new(),
            })
            .collect();
        let t0 = Instant::now();
        store.add_document_codings(&new).await.unwrap();
        let coded = t0.elapsed();

        // 1,000 documents of 500 words, 10 codings each.
        let docs: Vec<NewDocument> = (0..1000)
            .map(|d| {
                let words: Vec<String> = (0..500)
                    .map(|w| {
                        format!(
                            "{}{}",
                            WORDS[(d + w) % 8],
                            if w == 0 { d.to_string() } else { String::new() }
                        )
                    })
                    .collect();
                doc(&format!("Verslag {d}"), &words.join(" "), None)
            })
            .collect();
        let t0 = Instant::now();
        let doc_ids = store.add_documents(&docs).await.unwrap();
        let stored_1000 = t0.elapsed();
        let mut new = Vec::new();
        for (d, id) in doc_ids.iter().enumerate() {
            for k in 0..10 {
                new.push(NewDocumentCoding {
                    span: DocumentSpan {
                        document: *id,
                        start: k * 300,
                        end: k * 300 + 120,
                    },
                    code: ids[1 + (d + k) % 5],
                    coder,
                    memo: String::new(),
                });
            }
        }
        store.add_document_codings(&new).await.unwrap();
        let mut one = Vec::new();
        let mut tree = Vec::new();
        let (mut n1, mut n2) = (0, 0);
        for _ in 0..5 {
            let t0 = Instant::now();
            n1 = store.passages(ids[1], false).await.unwrap().len();
            one.push(t0.elapsed());
            let t0 = Instant::now();
            n2 = store.passages(ids[0], true).await.unwrap().len();
            tree.push(t0.elapsed());
        }
        one.sort();
        tree.sort();
        println!(
            "{backend:?}: 50,000-word transcript ({} characters, 2,000 turns): stored in {:.1} ms, opened (text, turns, codings) in {:.1} ms, 500 codings added in {:.1} ms; 1,000 documents of 500 words stored in {:.0} ms; passages of one code: {n1} in {:.1} ms (median of 5); of a code with its 5 children: {n2} in {:.1} ms",
            text.chars().count(),
            stored.as_secs_f64() * 1e3,
            open.as_secs_f64() * 1e3,
            coded.as_secs_f64() * 1e3,
            stored_1000.as_secs_f64() * 1e3,
            one[2].as_secs_f64() * 1e3,
            tree[2].as_secs_f64() * 1e3,
        );
        store.close().await;
        db.drop_database().await;
    }
}
