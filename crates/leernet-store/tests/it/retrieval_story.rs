//! Retrieval on every back end (issue 20): the passages of a code — with its children —
//! across open answers and documents, with context cut in code points and the speaker of
//! the turn, filtered by network, wave, kind of source and speaker role; counts per code by
//! network and by kind that match what the passages list; codings located in their turns;
//! and the study data carrying every document with its text and turns.

use leernet_core::*;
use leernet_store::retrieval::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;
use std::collections::BTreeSet;

on_every_backend!(
    passages_are_retrieved_with_their_source_and_filtered => retrieval_story,
);

const INTERVIEW: &str =
    "Interviewer: Waar gaat het over?\nSanne: Over armoede 😀 en schulden in de wijk.\nInterviewer: En verder?\nSanne: Jeugd.";
const ANSWER: &str = "We praten over armoede.";

/// The span of `what` in `text`, in code points.
fn span(text: &str, what: &str) -> (usize, usize) {
    let b = text.find(what).expect(what);
    let s = text[..b].chars().count();
    (s, s + what.chars().count())
}

fn turns(text: &str) -> Vec<Turn> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let (speaker, said) = line.split_once(": ").unwrap();
        let start = offset + speaker.chars().count() + 2;
        out.push(Turn {
            speaker: speaker.into(),
            start,
            end: start + said.chars().count(),
        });
        offset += line.chars().count() + 1;
    }
    out
}

async fn retrieval_story(store: &Store) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noord").unwrap(),
            name: "Werkplaats Noord".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let mut nets = Vec::new();
    for s in ["wijk-a", "wijk-b"] {
        nets.push(
            store
                .add_network(&NewNetwork {
                    slug: Slug::parse(s).unwrap(),
                    name: format!("Netwerk {s}"),
                    workplace: wp,
                })
                .await
                .unwrap(),
        );
    }
    let mut people = Vec::new();
    for e in ["anna", "bert"] {
        people.push(
            store
                .add_person(&NewPerson {
                    email: Email::parse(&format!("{e}@example.org")).unwrap(),
                    name: e.into(),
                    role: Role::Researcher,
                    networks: vec![],
                    password_hash: None,
                })
                .await
                .unwrap(),
        );
    }
    let inst = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerk".into(),
                en: "Network".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: vec![1, 2, 3],
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(inst, "2026", WaveStatus::Closed)
        .await
        .unwrap();
    let responses = store
        .add_responses(
            wave,
            &[NewResponse {
                network: nets[1],
                respondent: "r1".into(),
                status: ResponseStatus::Submitted,
                answers: [("rationale_text".to_owned(), ANSWER.to_owned())]
                    .into_iter()
                    .collect(),
            }],
        )
        .await
        .unwrap();
    let code = |k: &str, p: Option<&str>| NewCode {
        key: k.into(),
        parent: p.map(str::to_owned),
        name: Bilingual {
            nl: k.into(),
            en: k.into(),
        },
        ..Default::default()
    };
    store
        .add_codebook(
            "thema's",
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
    let docs = store
        .add_documents(&[
            NewDocument {
                title: "Interview Sanne".into(),
                kind: DocumentKind::Interview,
                network: Some(nets[0]),
                workplace: None,
                wave: Some(wave),
                date: None,
                file_name: "sanne.txt".into(),
                format: "txt".into(),
                text: INTERVIEW.into(),
                turns: turns(INTERVIEW),
            },
            NewDocument {
                title: "Beleidsnota".into(),
                kind: DocumentKind::PolicyDocument,
                network: None,
                workplace: None,
                wave: None,
                date: None,
                file_name: "nota.txt".into(),
                format: "txt".into(),
                text: "De nota noemt armoede.".into(),
                turns: vec![],
            },
        ])
        .await
        .unwrap();
    let dc = |d: DocumentId, text: &str, what: &str, code: &str, coder: PersonId| {
        let (start, end) = span(text, what);
        NewDocumentCoding {
            span: DocumentSpan {
                document: d,
                start,
                end,
            },
            code: id(code),
            coder,
            memo: String::new(),
        }
    };
    store
        .add_document_codings(&[
            dc(docs[0], INTERVIEW, "armoede 😀", "theme.poverty", people[0]),
            dc(
                docs[0],
                INTERVIEW,
                "armoede 😀 en schulden",
                "theme.poverty",
                people[1],
            ),
            dc(docs[0], INTERVIEW, "schulden", "theme.youth", people[0]),
            dc(docs[0], INTERVIEW, "Jeugd", "theme.youth", people[0]),
            dc(
                docs[1],
                "De nota noemt armoede.",
                "armoede",
                "theme.poverty",
                people[0],
            ),
        ])
        .await
        .unwrap();
    let (s, e) = span(ANSWER, "armoede");
    store
        .add_codings(&[NewCoding {
            segment: Segment {
                response: responses[0],
                question: "rationale_text".into(),
                start: s,
                end: e,
            },
            code: id("theme.poverty"),
            coder: people[1],
            memo: String::new(),
        }])
        .await
        .unwrap();
    store
        .set_speaker_role(docs[0], "Sanne", Some(SpeakerRole::Facilitator))
        .await
        .unwrap();
    let e = store
        .set_speaker_role(docs[0], "Piet", Some(SpeakerRole::Member))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("\"Piet\" does not speak"), "{e}");

    let filter = |codes: BTreeSet<CodeId>| RetrievalFilter {
        codes,
        viewer: people[0],
        network: None,
        wave: None,
        kind: None,
        role: None,
    };
    // The poverty code: one answer, then three document passages in order.
    let poverty = store
        .code_with_children(id("theme.poverty"), true)
        .await
        .unwrap();
    let (all, more) = store.retrieve(&filter(poverty.clone()), 100).await.unwrap();
    assert!(!more);
    let texts: Vec<&str> = all.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        ["armoede", "armoede 😀", "armoede 😀 en schulden", "armoede"]
    );
    assert!(matches!(all[0].source, PassageSource::Answer { .. }));
    assert_eq!(all[0].before, "We praten over ");
    assert_eq!(all[0].after, ".");
    assert_eq!(
        all[1].before,
        "Interviewer: Waar gaat het over?\nSanne: Over "
    );
    assert_eq!(
        all[1].after,
        " en schulden in de wijk.\nInterviewer: En verder?\nSanne: Jeugd."
    );
    match &all[1].source {
        PassageSource::Document {
            title,
            kind,
            speaker,
            role,
            ..
        } => {
            assert_eq!(title, "Interview Sanne");
            assert_eq!(*kind, DocumentKind::Interview);
            assert_eq!(speaker.as_deref(), Some("Sanne"));
            assert_eq!(*role, Some(SpeakerRole::Facilitator));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(all[1].network, Some(nets[0]));
    assert_eq!(all[1].wave, Some(wave));
    match &all[3].source {
        PassageSource::Document { speaker, role, .. } => {
            assert_eq!((speaker.as_deref(), *role), (None, None));
        }
        other => panic!("{other:?}"),
    }

    // The theme with its children: every passage of both codes; the root alone: none.
    let theme = store.code_with_children(id("theme"), true).await.unwrap();
    assert_eq!(theme.len(), 3);
    assert_eq!(
        store
            .retrieve(&filter(theme.clone()), 100)
            .await
            .unwrap()
            .0
            .len(),
        6
    );
    let root = store.code_with_children(id("theme"), false).await.unwrap();
    assert!(store
        .retrieve(&filter(root), 100)
        .await
        .unwrap()
        .0
        .is_empty());
    // A limit says there is more.
    let (two, more) = store.retrieve(&filter(theme.clone()), 2).await.unwrap();
    assert!(more);
    assert_eq!(two.len(), 3, "up to the limit of each kind of source");

    // Filters.
    let count = |f: RetrievalFilter| async move { store.retrieve(&f, 100).await.unwrap().0.len() };
    let mut f = filter(poverty.clone());
    f.network = Some(nets[0]);
    assert_eq!(count(f.clone()).await, 2);
    f.network = Some(nets[1]);
    assert_eq!(count(f.clone()).await, 1, "the answer of network b");
    let mut f = filter(poverty.clone());
    f.kind = Some(SourceKind::Answers);
    assert_eq!(count(f.clone()).await, 1);
    f.kind = Some(SourceKind::Documents(DocumentKind::PolicyDocument));
    assert_eq!(count(f.clone()).await, 1);
    f.kind = Some(SourceKind::Documents(DocumentKind::FocusGroup));
    assert_eq!(count(f.clone()).await, 0);
    let mut f = filter(theme.clone());
    f.role = Some(SpeakerRole::Facilitator);
    assert_eq!(count(f.clone()).await, 4, "Sanne's four passages");
    f.role = Some(SpeakerRole::Member);
    assert_eq!(count(f.clone()).await, 0);
    let mut f = filter(theme.clone());
    f.wave = Some(wave);
    assert_eq!(
        count(f).await,
        5,
        "the answer and the interview, not the note"
    );

    // Counts match the passages.
    let counts = store.passage_counts(people[0]).await.unwrap();
    let p = id("theme.poverty");
    assert_eq!(counts.by_network.get(&(p, Some(nets[0]))), Some(&2));
    assert_eq!(counts.by_network.get(&(p, Some(nets[1]))), Some(&1));
    assert_eq!(counts.by_network.get(&(p, None)), Some(&1));
    assert_eq!(counts.by_kind.get(&(p, None)), Some(&1));
    assert_eq!(
        counts.by_kind.get(&(p, Some(DocumentKind::Interview))),
        Some(&2)
    );
    assert_eq!(
        counts
            .by_kind
            .get(&(id("theme.youth"), Some(DocumentKind::Interview))),
        Some(&2)
    );

    // Codings located in their turns (the note has none).
    let located = store.located_document_codings().await.unwrap();
    let turns: Vec<Option<usize>> = located.iter().map(|l| l.turn).collect();
    assert_eq!(turns, [Some(1), Some(1), Some(1), Some(3), None]);

    // The study data carries every document with its text and turns.
    let data = store.study_data().await.unwrap();
    assert_eq!(data.documents.len(), 2);
    assert_eq!(data.documents[0].text, INTERVIEW);
    assert_eq!(data.documents[0].turns.len(), 4);
    assert_eq!(data.document_codings.len(), 5);
}

/// `bench/documents/run.sh`: retrieval across 1,000 documents of 500 words in 5 speaker turns,
/// 10 codings each over 5 codes under one parent, half the speakers with a role, on every
/// back end. Prints the figures; run it with `--release -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: bench/documents/run.sh"]
async fn retrieval_bench() {
    use std::time::Instant;
    const WORDS: [&str; 8] = [
        "we", "leren", "samen", "met", "bewoners", "over", "eigen", "kracht",
    ];
    fn median(mut v: Vec<std::time::Duration>) -> f64 {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    }
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
        let code = |k: &str, p: Option<&str>| NewCode {
            key: k.into(),
            parent: p.map(str::to_owned),
            name: Bilingual {
                nl: k.into(),
                en: k.into(),
            },
            ..Default::default()
        };
        let codes: Vec<NewCode> = std::iter::once(code("thema", None))
            .chain((0..5).map(|i| code(&format!("thema.c{i}"), Some("thema"))))
            .collect();
        store.add_codebook("bench", &codes).await.unwrap();
        let ids: Vec<CodeId> = store.codebooks().await.unwrap()[0]
            .codes
            .iter()
            .map(|c| c.id)
            .collect();
        let docs: Vec<NewDocument> = (0..1000)
            .map(|d| {
                let mut text = String::new();
                let mut turns = Vec::new();
                for t in 0..5 {
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
                    let words: Vec<String> = (0..100)
                        .map(|w| {
                            format!(
                                "{}{}",
                                WORDS[(d + t * 100 + w) % 8],
                                if w == 0 && t == 0 {
                                    d.to_string()
                                } else {
                                    String::new()
                                }
                            )
                        })
                        .collect();
                    text.push_str(&words.join(" "));
                    turns.push(Turn {
                        speaker: speaker.into(),
                        start,
                        end: text.chars().count(),
                    });
                }
                NewDocument {
                    title: format!("Interview {d}"),
                    kind: if d % 2 == 0 {
                        DocumentKind::Interview
                    } else {
                        DocumentKind::FocusGroup
                    },
                    network: None,
                    workplace: None,
                    wave: None,
                    date: None,
                    file_name: format!("{d}.txt"),
                    format: "txt".into(),
                    text,
                    turns,
                }
            })
            .collect();
        let doc_ids = store.add_documents(&docs).await.unwrap();
        let mut new = Vec::new();
        for (d, id) in doc_ids.iter().enumerate() {
            let turns = &docs[d].turns;
            for k in 0..10 {
                let t = &turns[k / 2];
                let start = t.start + (k % 2) * 200;
                new.push(NewDocumentCoding {
                    span: DocumentSpan {
                        document: *id,
                        start,
                        end: start + 120,
                    },
                    code: ids[1 + (d + k) % 5],
                    coder,
                    memo: String::new(),
                });
            }
            if d % 2 == 0 {
                store
                    .set_speaker_role(*id, "Deelnemer", Some(SpeakerRole::Member))
                    .await
                    .unwrap();
            }
        }
        store.add_document_codings(&new).await.unwrap();
        let one = BTreeSet::from([ids[1]]);
        let tree = store.code_with_children(ids[0], true).await.unwrap();
        let filter = |codes: &BTreeSet<CodeId>| RetrievalFilter {
            codes: codes.clone(),
            viewer: coder,
            network: None,
            wave: None,
            kind: None,
            role: None,
        };
        let (mut t_one, mut t_tree, mut t_page, mut t_role, mut t_counts, mut t_located, mut t_all) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        let (mut n_one, mut n_tree, mut n_page, mut n_role) = (0, 0, 0, 0);
        for _ in 0..5 {
            let t0 = Instant::now();
            n_one = store
                .retrieve(&filter(&one), usize::MAX)
                .await
                .unwrap()
                .0
                .len();
            t_one.push(t0.elapsed());
            let t0 = Instant::now();
            n_tree = store
                .retrieve(&filter(&tree), usize::MAX)
                .await
                .unwrap()
                .0
                .len();
            t_tree.push(t0.elapsed());
            let t0 = Instant::now();
            n_page = store.retrieve(&filter(&tree), 500).await.unwrap().0.len();
            t_page.push(t0.elapsed());
            let mut f = filter(&tree);
            f.role = Some(SpeakerRole::Member);
            let t0 = Instant::now();
            n_role = store.retrieve(&f, usize::MAX).await.unwrap().0.len();
            t_role.push(t0.elapsed());
            let t0 = Instant::now();
            let counts = store.passage_counts(coder).await.unwrap();
            t_counts.push(t0.elapsed());
            assert_eq!(counts.by_kind.values().sum::<usize>(), 10_000);
            let t0 = Instant::now();
            let located = store.located_document_codings().await.unwrap();
            t_located.push(t0.elapsed());
            assert_eq!(located.len(), 10_000);
            let t0 = Instant::now();
            let all = store.study_documents().await.unwrap();
            t_all.push(t0.elapsed());
            assert_eq!(all.len(), 1000);
        }
        assert_eq!((n_one, n_tree, n_page), (2000, 10_000, 500));
        println!(
            "{backend:?} retrieval over 1,000 documents (5 turns, 10 codings each): passages of one code with context and speaker: {n_one} in {:.1} ms; of a code with its 5 children: {n_tree} in {:.1} ms; one page of it (500): {:.1} ms; by speaker role: {n_role} in {:.1} ms; counts per code by network and kind: {:.1} ms; codings located in turns: {:.1} ms; every document with text and turns (the analysis' read): {:.1} ms (medians of 5)",
            median(t_one),
            median(t_tree),
            median(t_page),
            median(t_role),
            median(t_counts),
            median(t_located),
            median(t_all),
        );
        store.close().await;
        db.drop_database().await;
    }
}
