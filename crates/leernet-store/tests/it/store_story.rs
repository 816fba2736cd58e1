//! The store suite: one story per capability, run against every back end the environment
//! offers (SQLite always; PostgreSQL when `LEERNET_TEST_DATABASE_URL` is set, and required
//! when `CI` is set).

use leernet_core::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;
use std::collections::BTreeMap;

on_every_backend!(
    registry_round_trip => registry_story,
    duplicate_slugs_and_emails_are_refused => conflict_story,
    responses_are_all_or_nothing => responses_story,
    instruments_are_versioned => instrument_story,
    codebooks_and_codings => coding_story,
    ping_answers_on_a_seeded_store => ping_story,
    a_large_read_keeps_order_and_answers => large_read_story,
);

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

async fn seed(store: &Store) -> (WorkplaceId, NetworkId, NetworkId) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: slug("noordkust"),
            name: "Werkplaats Noordkust".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let a = store
        .add_network(&NewNetwork {
            slug: slug("wijk-a"),
            name: "Netwerk A".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    let b = store
        .add_network(&NewNetwork {
            slug: slug("wijk-b"),
            name: "Netwerk B".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    (wp, a, b)
}

async fn registry_story(store: &Store) {
    let (wp, a, b) = seed(store).await;
    let p = store
        .add_person(&NewPerson {
            email: Email::parse("fac@example.org").unwrap(),
            name: "F. Acilitator".into(),
            role: Role::Facilitator,
            networks: vec![b, a],
            password_hash: None,
        })
        .await
        .unwrap();
    let wps = store.workplaces().await.unwrap();
    assert_eq!(wps.len(), 1);
    assert_eq!(wps[0].id, wp);
    assert_eq!(wps[0].region, "Noord");
    let nets = store.networks().await.unwrap();
    assert_eq!(
        nets.iter().map(|n| n.slug.as_str()).collect::<Vec<_>>(),
        ["wijk-a", "wijk-b"]
    );
    assert!(nets.iter().all(|n| n.workplace == wp));
    assert_eq!(
        store
            .network_by_slug(&slug("wijk-b"))
            .await
            .unwrap()
            .unwrap()
            .id,
        b
    );
    assert!(store
        .network_by_slug(&slug("nergens"))
        .await
        .unwrap()
        .is_none());
    let people = store.persons().await.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].id, p);
    assert_eq!(people[0].role, Role::Facilitator);
    // Networks come back in a stable order, whatever order they were given in.
    assert_eq!(people[0].networks, vec![a, b]);
}

async fn conflict_story(store: &Store) {
    let (wp, a, _) = seed(store).await;
    let err = store
        .add_network(&NewNetwork {
            slug: slug("wijk-a"),
            name: "Again".into(),
            workplace: wp,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("wijk-a"), "{err}");
    // the paths of the workspace's own pages are no network's slug
    for reserved in leernet_core::RESERVED_NETWORK_SLUGS {
        let before = store.networks().await.unwrap().len();
        let err = store
            .add_network(&NewNetwork {
                slug: slug(reserved),
                name: "Gereserveerd".into(),
                workplace: wp,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
        assert!(err.to_string().contains("leernet's own pages"), "{err}");
        assert_eq!(store.networks().await.unwrap().len(), before);
    }
    let person = |networks: Vec<NetworkId>| NewPerson {
        email: Email::parse("x@example.org").unwrap(),
        name: "X".into(),
        role: Role::Member,
        networks,
        password_hash: None,
    };
    store.add_person(&person(vec![a])).await.unwrap();
    assert!(matches!(
        store.add_person(&person(vec![a])).await.unwrap_err(),
        StoreError::Conflict(_)
    ));
    // A person whose network does not exist is refused as a whole: no person row remains.
    let mut p = person(vec![NetworkId(9999)]);
    p.email = Email::parse("y@example.org").unwrap();
    assert!(store.add_person(&p).await.is_err());
    assert_eq!(store.persons().await.unwrap().len(), 1);
}

async fn instrument(
    store: &Store,
    version: &str,
    bytes: &[u8],
) -> Result<InstrumentId, StoreError> {
    store
        .add_instrument(&NewInstrument {
            form_id: "leernet_member".into(),
            version: version.into(),
            title: Bilingual {
                nl: "Ledenvragenlijst".into(),
                en: "Member questionnaire".into(),
            },
            file_name: "member.xlsx".into(),
            workbook: bytes.to_vec(),
        })
        .await
}

async fn instrument_story(store: &Store) {
    let v1 = instrument(store, "1", b"one").await.unwrap();
    assert_eq!(
        instrument(store, "1", b"one").await.unwrap(),
        v1,
        "same workbook, same id"
    );
    let err = instrument(store, "1", b"changed").await.unwrap_err();
    assert!(err.to_string().contains("raise the version"), "{err}");
    let v2 = instrument(store, "2", b"changed").await.unwrap();
    assert_ne!(v1, v2);
    let all = store.instruments().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].workbook, b"changed");
    assert_eq!(all[0].title.en, "Member questionnaire");
    assert_eq!(all[0].sha256.len(), 64);
    let wave = store.add_wave(v2, "2026", WaveStatus::Open).await.unwrap();
    assert!(store.add_wave(v2, "2026", WaveStatus::Open).await.is_err());
    store
        .set_wave_status(wave, WaveStatus::Closed)
        .await
        .unwrap();
    assert_eq!(store.waves().await.unwrap()[0].status, WaveStatus::Closed);
    assert!(matches!(
        store
            .set_wave_status(WaveId(777), WaveStatus::Open)
            .await
            .unwrap_err(),
        StoreError::NotFound(_)
    ));
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<BTreeMap<_, _>>()
}

async fn responses_story(store: &Store) {
    let (_, a, b) = seed(store).await;
    let inst = instrument(store, "1", b"x").await.unwrap();
    let wave = store
        .add_wave(inst, "2026", WaveStatus::Open)
        .await
        .unwrap();
    let good = vec![
        NewResponse {
            network: a,
            respondent: "m001".into(),
            status: ResponseStatus::Submitted,
            answers: answers(&[
                ("role", "student"),
                ("learned", "Veel over \"samenwerking\" — é ✓"),
            ]),
        },
        NewResponse {
            network: b,
            respondent: "m002".into(),
            status: ResponseStatus::InProgress,
            answers: answers(&[]),
        },
    ];
    store.add_responses(wave, &good).await.unwrap();
    // A batch with one bad row (a duplicate respondent) stores nothing at all.
    let bad = vec![
        NewResponse {
            network: a,
            respondent: "m003".into(),
            status: ResponseStatus::Submitted,
            answers: answers(&[("role", "resident")]),
        },
        NewResponse {
            network: a,
            respondent: "m001".into(),
            status: ResponseStatus::Submitted,
            answers: answers(&[]),
        },
    ];
    let err = store.add_responses(wave, &bad).await.unwrap_err();
    assert!(err.to_string().contains("m001"), "{err}");
    let stored = store.responses(Some(wave)).await.unwrap();
    assert_eq!(stored.len(), 2, "the failed batch left nothing behind");
    assert_eq!(
        stored[0].answers, good[0].answers,
        "text survives byte for byte"
    );
    assert_eq!(stored[1].status, ResponseStatus::InProgress);
    store
        .set_answer(stored[0].id, "role", Some("resident"))
        .await
        .unwrap();
    store
        .set_answer(stored[0].id, "learned", None)
        .await
        .unwrap();
    let again = store.responses(None).await.unwrap();
    assert_eq!(again[0].answers, answers(&[("role", "resident")]));
    assert!(store
        .set_answer(ResponseId(4242), "x", Some("y"))
        .await
        .is_err());
}

async fn coding_story(store: &Store) {
    let (_, a, _) = seed(store).await;
    let coder = store
        .add_person(&NewPerson {
            email: Email::parse("coder@example.org").unwrap(),
            name: "Coder".into(),
            role: Role::Researcher,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let code = |key: &str, parent: Option<&str>| NewCode {
        key: key.into(),
        parent: parent.map(str::to_owned),
        name: Bilingual {
            nl: format!("{key} nl"),
            en: format!("{key} en"),
        },
        description: Bilingual::default(),
        ..Default::default()
    };
    // A child named before its parent is refused, and nothing of that codebook remains.
    let err = store
        .add_codebook(
            "broken",
            &[code("theme.x", Some("theme")), code("theme", None)],
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("theme.x"), "{err}");
    assert!(store.codebooks().await.unwrap().is_empty());
    store
        .add_codebook(
            "demo",
            &[code("theme", None), code("theme.x", Some("theme"))],
        )
        .await
        .unwrap();
    let books = store.codebooks().await.unwrap();
    assert_eq!(books[0].codes.len(), 2);
    assert_eq!(books[0].codes[1].parent, Some(books[0].codes[0].id));
    let inst = instrument(store, "1", b"x").await.unwrap();
    let wave = store.add_wave(inst, "w", WaveStatus::Open).await.unwrap();
    let ids = store
        .add_responses(
            wave,
            &[NewResponse {
                network: a,
                respondent: "m1".into(),
                status: ResponseStatus::Submitted,
                answers: answers(&[("learned", "samenwerking")]),
            }],
        )
        .await
        .unwrap();
    let coding = NewCoding {
        segment: Segment {
            response: ids[0],
            question: "learned".into(),
            start: 0,
            end: 12,
        },
        code: books[0].codes[1].id,
        coder,
        memo: String::new(),
    };
    store
        .add_codings(std::slice::from_ref(&coding))
        .await
        .unwrap();
    let mut bad = coding.clone();
    bad.code = CodeId(999);
    assert!(store.add_codings(&[coding.clone(), bad]).await.is_err());
    let all = store.codings().await.unwrap();
    assert_eq!(all.len(), 1, "a failed batch of codings stores none");
    assert_eq!(all[0].segment, coding.segment);
    let data = store.study_data().await.unwrap();
    assert_eq!(data.codings.len(), 1);
    assert_eq!(data.responses.len(), 1);
    assert_eq!(data.networks.len(), 2);
}

async fn ping_story(store: &Store) {
    seed(store).await;
    store.ping().await.unwrap();
    assert_eq!(store.study().await.unwrap(), StudyInfo::default());
    let info = StudyInfo {
        title: Bilingual {
            nl: "Studie (fictief)".into(),
            en: "Study (fictional)".into(),
        },
        fictional: true,
    };
    store.set_study(&info).await.unwrap();
    store.set_study(&info).await.unwrap();
    assert_eq!(store.study().await.unwrap(), info);
    let data = store.study_data().await.unwrap();
    assert_eq!(data.workplaces.len(), 1);
}

#[tokio::test]
async fn unreachable_and_unsupported_urls_say_what_is_wrong() {
    let err = Store::connect("mysql://root:geheim@localhost/x")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not supported"), "{err}");
    assert!(
        !err.to_string().contains("geheim"),
        "password leaked: {err}"
    );
    let err = Store::connect("postgres://u:geheim@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with("cannot open the database"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("geheim"),
        "password leaked: {err}"
    );
    let err = Store::connect("sqlite:///nonexistent-dir-leernet/x.sqlite")
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with("cannot open the database"),
        "{err}"
    );
}

#[test]
fn redaction() {
    assert_eq!(redact_url("postgres://u:p@h/db"), "postgres://u:***@h/db");
    assert_eq!(redact_url("sqlite://x.sqlite"), "sqlite://x.sqlite");
}

/// A new SQLite database is made with 16 KiB pages (rows of answers are about a kilobyte:
/// fewer, larger pages make an import's B-tree and its checkpoint cheaper); an existing one
/// keeps the page size it has.
#[tokio::test]
async fn new_sqlite_databases_have_16_kib_pages_and_old_ones_keep_theirs() {
    let page_size = |path: &std::path::Path| {
        let head = std::fs::read(path).unwrap();
        u16::from_be_bytes([head[16], head[17]])
    };
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.sqlite");
    let store = Store::connect(&format!("sqlite://{}", new.display()))
        .await
        .unwrap();
    store.close().await;
    assert_eq!(page_size(&new), 16384);
    {
        // responses are found by wave through the unique (wave_id, respondent) index, the
        // only index on wave_id since 2026112920_responses_index
        use sqlx::{Connection, Row};
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", new.display()))
            .await
            .unwrap();
        let plan: Vec<String> = sqlx::query(
            "EXPLAIN QUERY PLAN SELECT answers FROM responses WHERE wave_id = 1 ORDER BY respondent",
        )
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("detail"))
        .collect();
        assert!(
            plan.iter()
                .any(|d| d.contains("USING INDEX sqlite_autoindex_responses")),
            "{plan:?}"
        );
        c.close().await.unwrap();
    }

    // a database made with SQLite's default 4 KiB pages, in WAL mode as leernet's are
    let old = dir.path().join("old.sqlite");
    {
        use sqlx::{Connection, Executor};
        let mut c =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", old.display()))
                .await
                .unwrap();
        c.execute(
            "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER);",
        )
        .await
        .unwrap();
        c.close().await.unwrap();
    }
    let store = Store::connect(&format!("sqlite://{}", old.display()))
        .await
        .unwrap();
    store.close().await;
    assert_eq!(page_size(&old), 4096);
}

/// A read of more responses than `PARALLEL_DECODE_FROM` (2,000) decodes their answers on
/// every core (issue 17): the same responses, in the order of their ids, with every answer
/// as stored.
async fn large_read_story(store: &Store) {
    let (_, a, b) = seed(store).await;
    let inst = instrument(store, "1", b"x").await.unwrap();
    let wave = store
        .add_wave(inst, "2026", WaveStatus::Open)
        .await
        .unwrap();
    let many: Vec<NewResponse> = (0..2_100)
        .map(|i| NewResponse {
            network: if i % 3 == 0 { a } else { b },
            respondent: format!("m{i:05}"),
            status: if i % 7 == 0 {
                ResponseStatus::InProgress
            } else {
                ResponseStatus::Submitted
            },
            answers: answers(&[
                ("role", if i % 2 == 0 { "student" } else { "resident" }),
                ("learned", &format!("antwoord {i} — é ✓")),
            ]),
        })
        .collect();
    let ids = store.add_responses(wave, &many).await.unwrap();
    let read = store.responses(None).await.unwrap();
    assert_eq!(read.len(), 2_100);
    for (i, (r, new)) in read.iter().zip(&many).enumerate() {
        assert_eq!(r.id, ids[i], "in the order of the ids");
        assert_eq!(r.respondent, new.respondent);
        assert_eq!(r.network, new.network);
        assert_eq!(r.status, new.status);
        assert_eq!(r.answers, new.answers, "response {i}");
    }
    assert_eq!(store.responses(Some(wave)).await.unwrap(), read);
}
