//! The data generation, on every back end: each kind of write that can change a figure
//! raises it once it committed; reads, backups, dry runs and refused writes leave it as it
//! was (the web app recomputes the study's figures when it changes, and only then).

use leernet_core::*;
use leernet_store::workspace::Cycle;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    every_kind_of_write_raises_the_generation_and_reads_do_not => writes_story,
    concurrent_saves_raise_it_once_each => concurrent_story,
);

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

/// Runs `write`, then asserts that the generation went up and returns the new one.
macro_rules! raises {
    ($store:expr, $what:literal, $write:expr) => {{
        let before = $store.generation().await.unwrap();
        let out = $write.await;
        let after = $store.generation().await.unwrap();
        assert!(after > before, "{}: generation {before} -> {after}", $what);
        out
    }};
}

/// Runs `op` (a read or a refused write), then asserts that the generation did not move.
macro_rules! keeps {
    ($store:expr, $what:literal, $op:expr) => {{
        let before = $store.generation().await.unwrap();
        let out = $op.await;
        let after = $store.generation().await.unwrap();
        assert_eq!(after, before, "{}", $what);
        out
    }};
}

async fn writes_story(store: &Store) {
    assert_eq!(store.generation().await.unwrap(), 0, "a new database");
    // registry
    let wp = raises!(
        store,
        "a Werkplaats",
        store.add_workplace(&NewWorkplace {
            slug: slug("noordkust"),
            name: "Werkplaats Noordkust".into(),
            region: "Noord".into(),
        })
    )
    .unwrap();
    let net = raises!(
        store,
        "a network",
        store.add_network(&NewNetwork {
            slug: slug("wijk-a"),
            name: "Netwerk A".into(),
            workplace: wp,
        })
    )
    .unwrap();
    let member = raises!(
        store,
        "a person",
        store.add_person(&NewPerson {
            email: Email::parse("lid@example.org").unwrap(),
            name: "Lid".into(),
            role: Role::Member,
            networks: vec![net],
            password_hash: None,
        })
    )
    .unwrap();
    // a refused write changes nothing
    keeps!(
        store,
        "a duplicate slug is refused",
        store.add_network(&NewNetwork {
            slug: slug("wijk-a"),
            name: "Nog eens".into(),
            workplace: wp,
        })
    )
    .unwrap_err();
    // study settings
    raises!(
        store,
        "the study's settings",
        store.set_study(&StudyInfo {
            title: Bilingual {
                nl: "Studie".into(),
                en: "Study".into(),
            },
            fictional: true,
        })
    )
    .unwrap();
    // the current wave of a questionnaire (issue 19): set, read back with the study's data,
    // cleared; the study's title is untouched by it
    raises!(
        store,
        "a current wave",
        store.set_current_wave("leernet_network", Some(&WaveChoice::parse("najaar 2026")))
    )
    .unwrap();
    raises!(
        store,
        "another current wave",
        store.set_current_wave("leernet_member", Some(&WaveChoice::AllAnswers))
    )
    .unwrap();
    let data = keeps!(store, "reading the study's data", store.study_data()).unwrap();
    assert_eq!(
        data.current_waves,
        std::collections::BTreeMap::from([
            ("leernet_member".to_owned(), WaveChoice::AllAnswers),
            (
                "leernet_network".to_owned(),
                WaveChoice::Wave("najaar 2026".into())
            ),
        ])
    );
    assert_eq!(data.study.title.nl, "Studie");
    raises!(
        store,
        "clearing a current wave",
        store.set_current_wave("leernet_member", None)
    )
    .unwrap();
    assert_eq!(
        store
            .current_waves()
            .await
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["leernet_network"]
    );
    // the names researchers gave to types (issue 21): set, read back with the study's
    // data, cleared
    let named = vec![TypeNaming {
        networks: vec!["wijk-a".into(), "wijk-b".into()],
        name: Bilingual {
            nl: "Samen sturen".into(),
            en: "Steering together".into(),
        },
    }];
    raises!(store, "a type's name", store.set_type_names(&named)).unwrap();
    let data = keeps!(store, "reading the study's data", store.study_data()).unwrap();
    assert_eq!(data.type_names, named);
    raises!(store, "no more type names", store.set_type_names(&[])).unwrap();
    assert!(store.type_names().await.unwrap().is_empty());
    // instruments and waves
    let inst = raises!(
        store,
        "an instrument",
        store.add_instrument(&NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerk".into(),
                en: "Network".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: vec![1, 2, 3],
        })
    )
    .unwrap();
    let wave = raises!(
        store,
        "a wave",
        store.add_wave(inst, "2026", WaveStatus::Open)
    )
    .unwrap();
    // answers: added, imported, saved from the survey
    let answers = |text: &str| {
        [("rationale_text".to_owned(), text.to_owned())]
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let responses = raises!(
        store,
        "responses",
        store.add_responses(
            wave,
            &[NewResponse {
                network: net,
                respondent: "r1".into(),
                status: ResponseStatus::Submitted,
                answers: answers("Wij leren samen."),
            }]
        )
    )
    .unwrap();
    let mut import = store.begin_import(inst, "2026").await.unwrap();
    import
        .add(&[NewResponse {
            network: net,
            respondent: "kobo:7".into(),
            status: ResponseStatus::Submitted,
            answers: answers("Geïmporteerd."),
        }])
        .await
        .unwrap();
    raises!(store, "an import", import.commit()).unwrap();
    // an import that is rolled back changes nothing
    let mut dry = store.begin_import(inst, "2026").await.unwrap();
    dry.add(&[NewResponse {
        network: net,
        respondent: "kobo:8".into(),
        status: ResponseStatus::Submitted,
        answers: answers("Proef."),
    }])
    .await
    .unwrap();
    keeps!(store, "a dry run of an import", dry.rollback()).unwrap();
    let inv = store
        .add_invitations(
            wave,
            &[NewInvitation {
                network: net,
                token: InvitationToken::from_random([7; 20]),
                kind: InvitationKind::Member,
                person: None,
                email: None,
            }],
        )
        .await
        .unwrap();
    let mut a = Answers::new();
    a.insert("size".into(), "12".into());
    raises!(
        store,
        "a survey save",
        store.save_survey(inv[0], &a, 1, false)
    )
    .unwrap();
    raises!(
        store,
        "a survey submit",
        store.save_survey(inv[0], &a, 2, true)
    )
    .unwrap();
    // codebooks and codings
    let book = raises!(
        store,
        "a codebook",
        store.add_codebook(
            "demo",
            &[NewCode {
                key: "theme.a".into(),
                parent: None,
                name: Bilingual {
                    nl: "a".into(),
                    en: "a".into(),
                },
                description: Bilingual::default(),
                ..Default::default()
            }]
        )
    )
    .unwrap();
    let code = store.codebooks().await.unwrap()[0].codes[0].id;
    let _ = book;
    raises!(
        store,
        "codings",
        store.add_codings(&[NewCoding {
            segment: Segment {
                response: responses[0],
                question: "rationale_text".into(),
                start: 0,
                end: 3,
            },
            code,
            coder: member,
            memo: String::new(),
        }])
    )
    .unwrap();
    // the workspace
    raises!(
        store,
        "a story in the workspace",
        store.add_story(net, member, "Ik leerde veel.", &[Cycle::Immediate], 5)
    )
    .unwrap();
    // waves closing, and a privacy tool
    raises!(
        store,
        "a wave's status",
        store.set_wave_status(wave, WaveStatus::Closed)
    )
    .unwrap();
    let key = [9u8; 32];
    keeps!(
        store,
        "a dry run of pseudonymising",
        store.pseudonymise_wave(wave, &key, &Actor::Cli("test".into()), 6, true)
    )
    .unwrap();
    raises!(
        store,
        "pseudonymising a wave",
        store.pseudonymise_wave(wave, &key, &Actor::Cli("test".into()), 7, false)
    )
    .unwrap();
    // reads leave it as it was
    keeps!(store, "reading the study's data", store.study_data()).unwrap();
    keeps!(store, "reading the networks", store.networks()).unwrap();
    keeps!(store, "reading the responses", store.responses(None)).unwrap();
    keeps!(store, "reading the codings", store.codings()).unwrap();
    let mut bytes = Vec::new();
    keeps!(store, "a backup", store.backup(&mut bytes)).unwrap();
}

async fn concurrent_story(store: &Store) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: slug("zuid"),
            name: "Zuid".into(),
            region: "Zuid".into(),
        })
        .await
        .unwrap();
    let start = store.generation().await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.add_network(&NewNetwork {
                slug: Slug::parse(&format!("net-{i}")).unwrap(),
                name: format!("Netwerk {i}"),
                workplace: wp,
            })
            .await
            .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // every committed write counts once, whichever slot it took
    assert_eq!(store.generation().await.unwrap(), start + 20);
}
