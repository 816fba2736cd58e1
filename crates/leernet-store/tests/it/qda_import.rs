//! The REFI-QDA import write (`Store::import_coded_project`) on every back end: it stores a
//! codebook, new coders and codings together, and on any error nothing at all.

use leernet_core::*;
use leernet_store::qda::{ImportCoder, ImportCoding};
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::*;

fn code(key: &str, parent: Option<&str>) -> NewCode {
    NewCode {
        key: key.into(),
        parent: parent.map(str::to_owned),
        name: Bilingual {
            nl: key.into(),
            en: key.into(),
        },
        description: Bilingual::default(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_is_all_or_nothing() {
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let store = db.store().await;
        let wp = store
            .add_workplace(&NewWorkplace {
                slug: Slug::parse("wp").unwrap(),
                name: "W".into(),
                region: "R".into(),
            })
            .await
            .unwrap();
        let net = store
            .add_network(&NewNetwork {
                slug: Slug::parse("net").unwrap(),
                name: "N".into(),
                workplace: wp,
            })
            .await
            .unwrap();
        let coder = store
            .add_person(&NewPerson {
                email: Email::parse("a@example.org").unwrap(),
                name: "A".into(),
                role: Role::Researcher,
                networks: vec![],
                password_hash: None,
            })
            .await
            .unwrap();
        let inst = store
            .add_instrument(&NewInstrument {
                form_id: "f".into(),
                version: "1".into(),
                title: Bilingual::default(),
                file_name: "f.xlsx".into(),
                workbook: b"x".to_vec(),
            })
            .await
            .unwrap();
        let wave = store
            .add_wave(inst, "2026", WaveStatus::Open)
            .await
            .unwrap();
        let mut answers = Answers::new();
        answers.insert("learned".into(), "Samenwerking 😀 loont".into());
        let resp = store
            .add_responses(
                wave,
                &[NewResponse {
                    network: net,
                    respondent: "m001".into(),
                    status: ResponseStatus::Submitted,
                    answers,
                }],
            )
            .await
            .unwrap()[0];
        let codes = [code("theme", None), code("theme.collab", Some("theme"))];
        let new_coder = ImportCoder::New(NewPerson {
            email: Email::parse("imported-x@leernet.invalid").unwrap(),
            name: "Imported".into(),
            role: Role::Researcher,
            networks: vec![],
            password_hash: None,
        });
        let coding = |response: ResponseId, coder: usize| ImportCoding {
            segment: Segment {
                response,
                question: "learned".into(),
                start: 0,
                end: 12,
            },
            code_key: "theme.collab".into(),
            coder,
            memo: "m".into(),
        };
        // A coding on an answer that does not exist: nothing is stored.
        let bad = store
            .import_coded_project(
                "import",
                &codes,
                &[ImportCoder::Existing(coder), new_coder.clone()],
                &[coding(resp, 0), coding(ResponseId(resp.0 + 999), 1)],
            )
            .await;
        assert!(bad.is_err(), "{backend:?}");
        assert!(store.codebooks().await.unwrap().is_empty(), "{backend:?}");
        assert_eq!(store.persons().await.unwrap().len(), 1, "{backend:?}");
        assert!(store.codings().await.unwrap().is_empty(), "{backend:?}");
        // The good import stores everything.
        let done = store
            .import_coded_project(
                "import",
                &codes,
                &[ImportCoder::Existing(coder), new_coder],
                &[coding(resp, 0), coding(resp, 1)],
            )
            .await
            .unwrap();
        assert_eq!((done.codes, done.persons_added, done.codings), (2, 1, 2));
        let books = store.codebooks().await.unwrap();
        assert_eq!(books[0].codes[1].parent, Some(books[0].codes[0].id));
        let codings = store.codings().await.unwrap();
        assert_eq!(codings.len(), 2);
        assert_eq!(codings[0].coder, coder);
        assert_eq!(codings[0].segment.end, 12);
        assert_eq!(codings[1].memo, "m");
        // A second import under the same name is a conflict, not a half-write.
        let again = store.import_coded_project("import", &codes, &[], &[]).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        store.close().await;
        db.drop_database().await;
    }
}
