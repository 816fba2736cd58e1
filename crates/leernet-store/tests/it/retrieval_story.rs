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
