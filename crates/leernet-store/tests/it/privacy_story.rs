//! The privacy suite: the append-only audit log, exporting and erasing one person, retention
//! per wave and pseudonymising a wave, run against every back end the environment offers.
//! After an erase or a retention run the whole database is searched for the person's address
//! and name: a test that only looked where we put things could not fail.

use leernet_core::*;
use leernet_store::privacy::{self, ErasePlan, Eraser, ERASE_AREAS, REMOVED};
use leernet_store::*;
use leernet_testkit::on_every_backend;
use std::collections::BTreeSet;

on_every_backend!(
    with_url,
    the_audit_log_is_append_only => audit_story,
    a_person_export_holds_every_area => export_story,
    erase_removes_responses_and_every_trace => erase_remove_story,
    erase_keeps_responses_anonymised_where_consent_allows => erase_keep_story,
    a_failing_erase_changes_nothing => erase_rollback_story,
    retention_removes_personal_data_once_and_idempotently => retention_story,
    pseudonyms_are_stable_across_waves => pseudonymise_story,
    a_member_with_workspace_and_coding_work_is_exported_and_erased => workspace_coding_story,
);

const ANNA: &str = "anna.devries@example.org";
const ANNA_NAME: &str = "Anna de Vries";
const CLI: fn() -> Actor = || Actor::Cli("tester".into());

struct Seed {
    anna: PersonId,
    bram: PersonId,
    wave1: WaveId,
    wave2: WaveId,
    /// Anna's submitted response in wave 1.
    anna_r1: ResponseId,
    /// Anna's response in progress in wave 2.
    anna_r2: ResponseId,
    /// Carla's response (invited by address only), which mentions Anna.
    carla_r1: ResponseId,
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn seed(store: &Store) -> Seed {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noordkust").unwrap(),
            name: "Werkplaats Noordkust".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let net = store
        .add_network(&NewNetwork {
            slug: Slug::parse("wijk-a").unwrap(),
            name: "Wijk A".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    let anna = store
        .add_person(&NewPerson {
            email: Email::parse("Anna.deVries@Example.org").unwrap(),
            name: ANNA_NAME.into(),
            role: Role::Member,
            networks: vec![net],
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        })
        .await
        .unwrap();
    let bram = store
        .add_person(&NewPerson {
            email: Email::parse("bram@example.org").unwrap(),
            name: "Bram Bakker".into(),
            role: Role::Researcher,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let inst = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_member".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Leden".into(),
                en: "Members".into(),
            },
            file_name: "member.xlsx".into(),
            workbook: vec![1, 2, 3],
        })
        .await
        .unwrap();
    let wave1 = store
        .add_wave(inst, "voorjaar-2026", WaveStatus::Open)
        .await
        .unwrap();
    let wave2 = store
        .add_wave(inst, "najaar-2026", WaveStatus::Open)
        .await
        .unwrap();
    let inv = |n: u8, person: Option<PersonId>, email: &str| NewInvitation {
        network: net,
        token: InvitationToken::from_random([n; 20]),
        kind: InvitationKind::Member,
        person,
        email: Some(Email::parse(email).unwrap()),
    };
    let w1 = store
        .add_invitations(
            wave1,
            &[
                inv(1, Some(anna), "Anna.deVries@Example.org"),
                inv(2, None, "carla@example.org"),
            ],
        )
        .await
        .unwrap();
    let w2 = store
        .add_invitations(wave2, &[inv(3, Some(anna), "anna.devries@example.org")])
        .await
        .unwrap();
    store
        .save_survey(
            w1[0],
            &answers(&[
                ("open", "Ik werk graag samen met Bram Bakker."),
                ("q1", "ja"),
            ]),
            2,
            true,
        )
        .await
        .unwrap();
    store
        .save_survey(
            w1[1],
            &answers(&[(
                "open",
                "Sinds anna de vries erbij is helpt het ons; mail ANNA.DEVRIES@example.org gerust.",
            )]),
            2,
            true,
        )
        .await
        .unwrap();
    store
        .save_survey(w2[0], &answers(&[("open", "nog bezig")]), 1, false)
        .await
        .unwrap();
    let rs = store.responses(None).await.unwrap();
    let book = store
        .add_codebook(
            "thema's",
            &[NewCode {
                key: "samenwerking".into(),
                parent: None,
                name: Bilingual {
                    nl: "Samenwerking".into(),
                    en: "Collaboration".into(),
                },
                description: Bilingual::default(),
                ..Default::default()
            }],
        )
        .await
        .unwrap();
    let code = store
        .codebooks()
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.id == book)
        .unwrap()
        .codes[0]
        .id;
    let carla_text = &rs[1].answers["open"];
    let start = carla_text.chars().count() - "gerust.".chars().count();
    // "helpt het ons" in Carla's answer, coded by Bram with a memo naming Anna, and by Anna.
    let helpt = carla_text.find("helpt het ons").unwrap();
    let seg = |s: usize, e: usize| Segment {
        response: rs[1].id,
        question: "open".into(),
        start: s,
        end: e,
    };
    store
        .add_codings(&[
            NewCoding {
                segment: seg(helpt, helpt + "helpt het ons".len()),
                code,
                coder: bram,
                memo: "Anna de Vries als trekker".into(),
            },
            NewCoding {
                segment: seg(start, start + 6),
                code,
                coder: anna,
                memo: String::new(),
            },
        ])
        .await
        .unwrap();
    store
        .create_session("secret-1", anna, "csrf", 1_000, 9_000)
        .await
        .unwrap();
    store
        .start_login_attempt(
            "anna.devries@example.org",
            "192.0.2.1",
            &LoginLimits {
                pair: LoginLimit {
                    attempts: 5,
                    window: 900,
                    max_window: 900,
                },
                address: LoginLimit {
                    attempts: 5,
                    window: 900,
                    max_window: 900,
                },
                account: LoginLimit {
                    attempts: 5,
                    window: 900,
                    max_window: 900,
                },
            },
            1_000,
        )
        .await
        .unwrap();
    Seed {
        anna,
        bram,
        wave1,
        wave2,
        anna_r1: rs[0].id,
        carla_r1: rs[1].id,
        anna_r2: rs[2].id,
    }
}

/// Every row of every table as text, table by table, for searching and comparing.
async fn dump(store: &Store, url: &str) -> String {
    use sqlx::{Column, Connection, Row};
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let tables: Vec<String> = match store.backend() {
        Backend::Sqlite => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap(),
        Backend::Postgres => sqlx::query_scalar(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' ORDER BY table_name",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap(),
    };
    assert!(tables.iter().any(|t| t == "audit_log"), "{tables:?}");
    let mut out = String::new();
    for t in tables {
        out.push_str(&format!("== {t}\n"));
        let rows = sqlx::query(&format!("SELECT * FROM {t} ORDER BY 1"))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        for r in &rows {
            for (i, c) in r.columns().iter().enumerate() {
                let v = if let Ok(v) = r.try_get::<Option<String>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<f64>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<Vec<u8>>, _>(i) {
                    String::from_utf8_lossy(&v.unwrap_or_default()).into_owned()
                } else {
                    panic!("column {} of {t} does not decode", c.name())
                };
                out.push_str(&format!("{}={v} ", c.name()));
            }
            out.push('\n');
        }
    }
    conn.close().await.unwrap();
    out
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

async fn audit_story(store: &Store, url: &str) {
    let s = seed(store).await;
    store
        .set_wave_status_audited(s.wave1, WaveStatus::Closed, &Actor::Person(s.bram), 100)
        .await
        .unwrap();
    // The same status again changes and records nothing.
    store
        .set_wave_status_audited(s.wave1, WaveStatus::Closed, &Actor::Person(s.bram), 101)
        .await
        .unwrap();
    store
        .set_wave_status_audited(s.wave1, WaveStatus::Open, &CLI(), 102)
        .await
        .unwrap();
    let log = store.audit_log().await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].at, log[0].actor.as_str(), log[0].action.as_str()),
        (100, format!("person:{}", s.bram.0).as_str(), "wave.close")
    );
    assert_eq!(log[0].subject.as_string(), format!("wave:{}", s.wave1.0));
    assert_eq!(log[1].action, "wave.open");
    assert_eq!(log[1].actor, "cli:tester");
    assert_eq!(
        store.wave(s.wave1).await.unwrap().unwrap().status,
        WaveStatus::Open
    );
    // Append-only in the database itself: neither UPDATE nor DELETE gets through.
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let e = sqlx::query("UPDATE audit_log SET actor = 'someone else'")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = sqlx::query("DELETE FROM audit_log")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    conn.close().await.unwrap();
    assert_eq!(store.audit_log().await.unwrap(), log);
    // An unknown wave is an error and records nothing.
    assert!(matches!(
        store
            .set_wave_status_audited(WaveId(999), WaveStatus::Open, &CLI(), 1)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.audit_log().await.unwrap().len(), 2);
}

async fn export_story(store: &Store, _url: &str) {
    let s = seed(store).await;
    let subject = store
        .privacy_subject("  ANNA.DEVRIES@example.org ")
        .await
        .unwrap();
    let e = store.export_person(&subject, &CLI(), 500).await.unwrap();
    assert_eq!(e.subject.id, Some(s.anna));
    let j = e.to_json();
    let a = &j["areas"];
    assert_eq!(a["account"]["email"], "Anna.deVries@example.org");
    assert_eq!(a["account"]["name"], ANNA_NAME);
    assert_eq!(a["account"]["networks"][0], "wijk-a");
    assert_eq!(a["account"]["can_log_in"], true);
    assert_eq!(a["sessions"]["login_sessions"].as_array().unwrap().len(), 1);
    assert_eq!(a["sessions"]["failed_logins_kept"], 1);
    let invs = a["invitations"].as_array().unwrap();
    assert_eq!(invs.len(), 2);
    assert_eq!(invs[0]["wave"], "voorjaar-2026");
    assert_eq!(invs[1]["response_status"], "in_progress");
    let rs = a["responses"].as_array().unwrap();
    assert_eq!(rs.len(), 2);
    assert_eq!(rs[0]["id"], s.anna_r1.0);
    assert_eq!(
        rs[0]["answers"]["open"],
        "Ik werk graag samen met Bram Bakker."
    );
    assert_eq!(rs[1]["id"], s.anna_r2.0);
    // Carla's answer mentions Anna twice (name and address); its text is Carla's, not exported.
    let ms = a["mentions"].as_array().unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0]["response"], s.carla_r1.0);
    assert_eq!(ms[0]["mentions"], 2);
    assert!(!j.to_string().contains("helpt het ons"));
    let cs = a["codings"].as_array().unwrap();
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0]["code"], "samenwerking");
    assert_eq!(
        a.as_object().unwrap().keys().cloned().collect::<Vec<_>>(),
        [
            "account",
            "audit",
            "coding_work",
            "codings",
            "documents",
            "invitations",
            "mentions",
            "profile_responses",
            "qda_cases",
            "responses",
            "sessions",
            "workspace"
        ]
    );
    // The export is recorded, with ids only; a second export lists the first.
    let log = store.audit_log().await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "privacy.export");
    assert_eq!(log[0].subject.as_string(), format!("person:{}", s.anna.0));
    let again = store
        .export_person(&subject, &CLI(), 501)
        .await
        .unwrap()
        .to_json();
    assert_eq!(again["areas"]["audit"][0]["action"], "privacy.export");
    assert_eq!(again["areas"]["audit"][0]["at"], "1970-01-01T00:08:20Z");
    // Same data, same export (apart from the audit area, which grew).
    let mut j2 = again.clone();
    let mut j1 = j.clone();
    j1["areas"]["audit"] = serde_json::Value::Null;
    j2["areas"]["audit"] = serde_json::Value::Null;
    assert_eq!(j1.to_string(), j2.to_string());
    // An unknown person: NotFound, and nothing recorded.
    let err = store
        .privacy_subject("nobody@example.org")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert!(err.to_string().contains("nobody@example.org"));
    let log = store.audit_log().await.unwrap();
    assert_eq!(log.len(), 2);
    for entry in &log {
        let all = format!("{entry:?}");
        assert!(!all.contains('@') && !all.contains("Anna") && !all.contains("Bram"));
    }
}

fn plan(store_subject: privacy::Subject, keep: &[WaveId]) -> ErasePlan {
    ErasePlan {
        subject: store_subject,
        keep_anonymised: keep.iter().copied().collect::<BTreeSet<_>>(),
    }
}

async fn erase_remove_story(store: &Store, url: &str) {
    let s = seed(store).await;
    let subject = store.privacy_subject(ANNA).await.unwrap();
    let p = plan(subject, &[]);
    // A dry run reports and changes nothing.
    let before = dump(store, url).await;
    assert!(contains_ci(&before, ANNA) && before.contains(ANNA_NAME));
    let dry = store.erase_person(&p, &CLI(), 700, true).await.unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.count("responses", "removed"), 2);
    assert_eq!(dry.count("responses", "kept_anonymised"), 0);
    assert_eq!(dry.count("mentions", "answers_changed"), 1);
    assert_eq!(dump(store, url).await, before);

    let done = store.erase_person(&p, &CLI(), 700, false).await.unwrap();
    assert_eq!(done.counts, dry.counts);
    assert_eq!(done.count("responses", "invitations_removed"), 2);
    assert_eq!(done.count("codings", "kept_unlinked"), 1);
    assert_eq!(done.count("sessions", "removed"), 1);
    assert_eq!(done.count("sessions", "failed_logins_removed"), 1);
    let after = dump(store, url).await;
    assert!(!contains_ci(&after, ANNA), "{after}");
    assert!(!contains_ci(&after, "anna de vries"), "{after}");
    assert!(!contains_ci(&after, "secret"));
    // Anna's responses are gone; Carla's stays, with Anna replaced and Bram's coding still
    // on "helpt het ons".
    let rs = store.responses(None).await.unwrap();
    assert_eq!(rs.iter().map(|r| r.id).collect::<Vec<_>>(), [s.carla_r1]);
    let text = &rs[0].answers["open"];
    assert_eq!(
        text,
        "Sinds [verwijderd] erbij is helpt het ons; mail [verwijderd] gerust."
    );
    let codings = store.codings().await.unwrap();
    let bram = codings.iter().find(|c| c.coder == s.bram).unwrap();
    let covered: String = text
        .chars()
        .skip(bram.segment.start)
        .take(bram.segment.end - bram.segment.start)
        .collect();
    assert_eq!(covered, "helpt het ons");
    assert_eq!(bram.memo, format!("{REMOVED} als trekker"));
    let annas = codings.iter().find(|c| c.coder == s.anna).unwrap();
    let covered: String = text
        .chars()
        .skip(annas.segment.start)
        .take(annas.segment.end - annas.segment.start)
        .collect();
    assert_eq!(covered, "gerust");
    // The account is an empty tombstone nobody can log in with.
    let acc = store.account(s.anna).await.unwrap().unwrap();
    assert_eq!(
        acc.email.as_str(),
        format!("erased-{}@erased.invalid", s.anna.0)
    );
    assert!(acc.password_hash.is_none() && acc.networks.is_empty());
    assert!(store.session("secret-1", 2_000).await.unwrap().is_none());
    // Recorded with counts, never the address; a second erase finds nobody.
    let log = store.audit_log().await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.action, "privacy.erase");
    assert!(
        last.detail.contains("responses.removed=2"),
        "{}",
        last.detail
    );
    assert!(matches!(
        store.privacy_subject(ANNA).await,
        Err(StoreError::NotFound(_))
    ));
    let _ = s.wave2;

    // Carla has no account, only an invitation: she too can be exported and erased.
    let carla = store.privacy_subject("CARLA@example.org").await.unwrap();
    assert_eq!(carla.id, None);
    assert!(matches!(
        carla.audit_key,
        leernet_store::AuditSubject::Invitation(_)
    ));
    let e = store
        .export_person(&carla, &CLI(), 710)
        .await
        .unwrap()
        .to_json();
    assert_eq!(e["areas"]["account"], serde_json::Value::Null);
    assert_eq!(e["areas"]["responses"][0]["id"], s.carla_r1.0);
    let r = store
        .erase_person(&plan(carla, &[]), &CLI(), 711, false)
        .await
        .unwrap();
    assert_eq!(r.count("responses", "removed"), 1);
    assert!(store.responses(None).await.unwrap().is_empty());
    let after = dump(store, url).await;
    assert!(!contains_ci(&after, "carla"), "{after}");
}

async fn erase_keep_story(store: &Store, url: &str) {
    let s = seed(store).await;
    let subject = store.privacy_subject(ANNA).await.unwrap();
    // Wave 1's consent allows keeping; wave 2's response is in progress anyway.
    let p = plan(subject, &[s.wave1, s.wave2]);
    let r = store.erase_person(&p, &CLI(), 800, false).await.unwrap();
    assert_eq!(r.count("responses", "kept_anonymised"), 1);
    assert_eq!(r.count("responses", "removed"), 1);
    let rs = store.responses(None).await.unwrap();
    let kept = rs.iter().find(|r| r.id == s.anna_r1).expect("kept");
    assert_eq!(kept.respondent, format!("erased:{}", s.anna_r1.0));
    assert_eq!(kept.status, ResponseStatus::Submitted);
    assert_eq!(kept.answers["q1"], "ja");
    assert!(!rs.iter().any(|r| r.id == s.anna_r2));
    // No invitation reaches the kept response any more.
    assert!(store
        .invitations(None)
        .await
        .unwrap()
        .iter()
        .all(|i| i.email.as_deref() == Some("carla@example.org")));
    let after = dump(store, url).await;
    assert!(!contains_ci(&after, ANNA) && !contains_ci(&after, ANNA_NAME));
}

fn failing_step<'t>(
    _conn: &'t mut sqlx::AnyConnection,
    _p: &'t ErasePlan,
) -> privacy::BoxFut<'t, privacy::EraseCounts> {
    Box::pin(async { Err(StoreError::Conflict("the last area failed".into())) })
}

async fn erase_rollback_story(store: &Store, url: &str) {
    seed(store).await;
    let subject = store.privacy_subject(ANNA).await.unwrap();
    let before = dump(store, url).await;
    let mut areas: Vec<(&str, Eraser)> = ERASE_AREAS.to_vec();
    areas.push(("failing", failing_step));
    let err = store
        .erase_person_with(&plan(subject, &[]), &areas, &CLI(), 900, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("the last area failed"));
    assert_eq!(
        dump(store, url).await,
        before,
        "a failed erase changed something"
    );
    assert!(store.audit_log().await.unwrap().is_empty());
}

async fn retention_story(store: &Store, url: &str) {
    let s = seed(store).await;
    store
        .set_retention(s.wave1, "2026-12-31", &CLI(), 1_000)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_retention(WaveId(999), "2026-12-31", &CLI(), 1_000)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store
        .set_retention(s.wave1, "2026-02-30", &CLI(), 1_000)
        .await
        .is_err());
    assert_eq!(
        store.retention_dates().await.unwrap(),
        [(s.wave1, "2026-12-31".to_owned())]
    );
    // On the last day nothing happens.
    let before = dump(store, url).await;
    let out = store
        .apply_retention("2026-12-31", &Actor::System, 1_100)
        .await
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(dump(store, url).await, before);
    // The day after, wave 1 loses its personal data; wave 2 keeps it.
    let out = store
        .apply_retention("2027-01-01", &Actor::System, 1_200)
        .await
        .unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].wave, out[0].invitations, out[0].answers),
        (s.wave1, 2, 2)
    );
    let invs = store.invitations(None).await.unwrap();
    for i in &invs {
        if i.wave == s.wave1 {
            assert!(i.email.is_none() && i.person.is_none());
        } else {
            assert_eq!(i.person, Some(s.anna));
        }
    }
    let rs = store.responses(Some(s.wave1)).await.unwrap();
    let all = format!("{rs:?}");
    assert!(
        !contains_ci(&all, ANNA) && !contains_ci(&all, ANNA_NAME),
        "{all}"
    );
    assert!(!contains_ci(&all, "Bram Bakker"), "{all}");
    assert!(all.contains(REMOVED));
    let memo = store.codings().await.unwrap()[0].memo.clone();
    assert_eq!(memo, format!("{REMOVED} als trekker"));
    let log = store.audit_log().await.unwrap();
    assert_eq!(log.last().unwrap().action, "retention.apply");
    // Idempotent: a second run (cron, the next day) changes and records nothing.
    let once = dump(store, url).await;
    let out = store
        .apply_retention("2027-01-02", &Actor::System, 1_300)
        .await
        .unwrap();
    assert_eq!(
        (out[0].invitations, out[0].answers, out[0].pseudonyms),
        (0, 0, 0)
    );
    assert_eq!(dump(store, url).await, once);
    assert_eq!(store.audit_log().await.unwrap().len(), log.len());
    assert!(store
        .apply_retention("morgen", &Actor::System, 1)
        .await
        .is_err());
}

async fn pseudonymise_story(store: &Store, url: &str) {
    let s = seed(store).await;
    let key = [42u8; 32];
    let err = store
        .pseudonymise_wave(s.wave1, &key, &CLI(), 1, false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not closed"), "{err}");
    store
        .set_wave_status(s.wave1, WaveStatus::Closed)
        .await
        .unwrap();
    store
        .set_wave_status(s.wave2, WaveStatus::Closed)
        .await
        .unwrap();
    let before = dump(store, url).await;
    let dry = store
        .pseudonymise_wave(s.wave1, &key, &CLI(), 2, true)
        .await
        .unwrap();
    assert_eq!(dump(store, url).await, before);
    let r1 = store
        .pseudonymise_wave(s.wave1, &key, &CLI(), 3, false)
        .await
        .unwrap();
    assert_eq!(r1, dry);
    let anna_code = privacy::pseudonym_code(&key, ANNA);
    let bram_code = privacy::pseudonym_code(&key, "bram@example.org");
    let carla_code = privacy::pseudonym_code(&key, "carla@example.org");
    assert_eq!((r1.responses, r1.invitations), (2, 2));
    let codes: Vec<&str> = r1.key.iter().map(|k| k.code.as_str()).collect();
    for c in [&anna_code, &bram_code, &carla_code] {
        assert!(codes.contains(&c.as_str()), "{c} in {codes:?}");
    }
    let anna_entry = r1.key.iter().find(|k| k.code == anna_code).unwrap();
    assert_eq!(
        (anna_entry.email.as_str(), anna_entry.name.as_str()),
        (ANNA, ANNA_NAME)
    );
    assert_eq!(
        store.pseudonyms(s.wave1).await.unwrap(),
        [
            (s.anna_r1, anna_code.clone()),
            (s.carla_r1, carla_code.clone())
        ]
    );
    let rs = store.responses(Some(s.wave1)).await.unwrap();
    assert_eq!(
        rs[0].answers["open"],
        format!("Ik werk graag samen met {bram_code}.")
    );
    assert_eq!(
        rs[1].answers["open"],
        format!("Sinds {anna_code} erbij is helpt het ons; mail {anna_code} gerust.")
    );
    let bram = store
        .codings()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.coder == s.bram)
        .unwrap();
    let covered: String = rs[1].answers["open"]
        .chars()
        .skip(bram.segment.start)
        .take(bram.segment.end - bram.segment.start)
        .collect();
    assert_eq!(covered, "helpt het ons");
    assert!(store
        .invitations(Some(s.wave1))
        .await
        .unwrap()
        .iter()
        .all(|i| i.email.is_none() && i.person.is_none()));
    // Again: nothing left to do. The next wave gives Anna the same code.
    let again = store
        .pseudonymise_wave(s.wave1, &key, &CLI(), 4, false)
        .await
        .unwrap();
    assert_eq!(
        (again.responses, again.invitations, again.answers),
        (0, 0, 0)
    );
    store
        .pseudonymise_wave(s.wave2, &key, &CLI(), 5, false)
        .await
        .unwrap();
    assert_eq!(
        store.pseudonyms(s.wave2).await.unwrap(),
        [(s.anna_r2, anna_code)]
    );
    let log = store.audit_log().await.unwrap();
    assert_eq!(
        log.iter()
            .filter(|e| e.action == "privacy.pseudonymise")
            .count(),
        3
    );
    assert!(!format!("{log:?}").contains('@'));

    // Pseudonymised, Anna is found only with her code (from the key); the erase then
    // removes her responses and every mention of her code.
    let mut subject = store.privacy_subject(ANNA).await.unwrap();
    let without = store
        .export_person(&subject, &CLI(), 6)
        .await
        .unwrap()
        .to_json();
    assert_eq!(without["areas"]["responses"].as_array().unwrap().len(), 0);
    subject.pseudonyms = vec![privacy::pseudonym_code(&key, ANNA)];
    let with = store
        .export_person(&subject, &CLI(), 7)
        .await
        .unwrap()
        .to_json();
    let rs = with["areas"]["responses"].as_array().unwrap();
    assert_eq!(rs.len(), 2);
    assert_eq!(rs[0]["pseudonym"], subject.pseudonyms[0].as_str());
    assert_eq!(with["areas"]["mentions"][0]["response"], s.carla_r1.0);
    let r = store
        .erase_person(&plan(subject.clone(), &[]), &CLI(), 8, false)
        .await
        .unwrap();
    assert_eq!(r.count("responses", "removed"), 2);
    let after = dump(store, url).await;
    assert!(!after.contains(&subject.pseudonyms[0]), "{after}");
    assert!(!contains_ci(&after, ANNA));
}

/// What a member wrote in the workspace; each must be gone from the database after the erase.
const ANNA_TEXTS: [&str; 4] = [
    "Hoe houd ik het vol bij Zorgpad-Oost?",
    "Anoniem: twijfel ik aan de regels van Zorgpad-West?",
    "Het Kade-overleg bracht ons een wijkagent terug.",
    "Agendapunt Kadeplein",
];

/// Anna, a member, attended a session, proposed a topic and voted, wrote a slow question, an
/// anonymous one and a story, and coded in an assignment (a code she added, a verdict on a
/// slow-question candidate). Her export holds all of it; her erase removes her texts, name
/// and address from the whole database but keeps the network's attendance and vote counts
/// and the coding decisions log (of an erased coder).
async fn workspace_coding_story(store: &Store, url: &str) {
    use leernet_store::workspace::{Cycle, NewSession, NewSlowQuestion, SessionRecord};
    let s = seed(store).await;
    let net = store.networks().await.unwrap()[0].id;
    let dirk = store
        .add_person(&NewPerson {
            email: Email::parse("dirk@example.org").unwrap(),
            name: "Dirk Dekker".into(),
            role: Role::Member,
            networks: vec![net],
            password_hash: None,
        })
        .await
        .unwrap();
    let session = store
        .plan_session(
            net,
            &NewSession {
                date: "2026-03-12".into(),
                place: "Buurthuis De Kade".into(),
                online: false,
                method: "intervision".into(),
                model: "incident".into(),
                agenda: vec!["Opening".into()],
                ..NewSession::default()
            },
            None,
            100,
        )
        .await
        .unwrap();
    store
        .record_session(
            net,
            session,
            &SessionRecord {
                date: "2026-03-12".into(),
                place: "Buurthuis De Kade".into(),
                method: "intervision".into(),
                model: "incident".into(),
                report: "Anna de Vries bracht een casus in.".into(),
                present: vec![s.anna, dirk],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let round = store.open_round(net, "Voorjaar", 3, 110).await.unwrap();
    let topic = store
        .propose_topic(net, round, s.anna, true, ANNA_TEXTS[3])
        .await
        .unwrap();
    let other = store
        .propose_topic(net, round, dirk, true, "Samen koken")
        .await
        .unwrap();
    store
        .cast_votes(net, round, s.anna, &[(topic, 2), (other, 1)])
        .await
        .unwrap();
    store
        .cast_votes(net, round, dirk, &[(topic, 1)])
        .await
        .unwrap();
    for (text, anonymous) in [(ANNA_TEXTS[0], false), (ANNA_TEXTS[1], true)] {
        store
            .add_slow_question(
                &NewSlowQuestion {
                    network: net,
                    text: text.into(),
                    author: Some(s.anna),
                    anonymous,
                    session: Some(session),
                    themes: vec![],
                },
                120,
            )
            .await
            .unwrap();
    }
    store
        .add_story(net, s.anna, ANNA_TEXTS[2], &[Cycle::Applied], 130)
        .await
        .unwrap();
    store
        .add_story(
            net,
            dirk,
            "Met Anna de Vries zetten we door.",
            &[Cycle::Immediate],
            131,
        )
        .await
        .unwrap();
    // Coding work: Bram leads, Anna and Bram code Carla's answer.
    let book = store.codebooks().await.unwrap()[0].clone();
    let assignment = store
        .add_assignment(&NewAssignment {
            name: "Open vraag".into(),
            question: "open".into(),
            codebook: book.id,
            lead: s.bram,
            coders: vec![s.anna, s.bram],
            responses: vec![s.carla_r1],
            at: 140,
        })
        .await
        .unwrap()
        .unwrap();
    let added = store
        .add_code_logged(
            book.id,
            "steun",
            None,
            &CodeFields {
                name: Bilingual {
                    nl: "Steun".into(),
                    en: "Support".into(),
                },
                ..Default::default()
            },
            s.anna,
            "ontbrak volgens mij",
            141,
        )
        .await
        .unwrap()
        .unwrap();
    let span = SpanCode {
        response: s.carla_r1,
        code: book.codes[0].id,
        start: 0,
        end: 5,
        memo: String::new(),
    };
    for coder in [s.anna, s.bram] {
        store
            .add_assignment_coding(assignment, coder, &span)
            .await
            .unwrap()
            .unwrap();
        store
            .finish_assignment(assignment, coder, 150)
            .await
            .unwrap()
            .unwrap();
    }
    store
        .settle(
            assignment,
            s.bram,
            s.carla_r1,
            std::slice::from_ref(&span),
            "zoals Anna de Vries het zag",
            160,
        )
        .await
        .unwrap()
        .unwrap();
    store
        .judge_slow_question(s.carla_r1, "open", 0, 5, SlowStatus::Confirmed, s.anna, 170)
        .await
        .unwrap()
        .unwrap();
    // The consensus and the codebook change are in the audit log, by ids only.
    let log = store.audit_log().await.unwrap();
    let got: Vec<(&str, String, String)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.actor.clone(), e.subject.as_string()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "codebook.change",
                format!("person:{}", s.anna.0),
                format!("code:{}", added.0)
            ),
            (
                "coding.consensus",
                format!("person:{}", s.bram.0),
                format!("assignment:{}", assignment.0)
            ),
        ]
    );
    assert_eq!(log[1].detail, format!("response={}", s.carla_r1.0));
    assert!(!format!("{log:?}").contains("Anna"));

    // The export holds every contribution, the anonymous question included.
    let subject = store.privacy_subject(ANNA).await.unwrap();
    let j = store
        .export_person(&subject, &CLI(), 500)
        .await
        .unwrap()
        .to_json();
    let ws = &j["areas"]["workspace"];
    assert_eq!(ws["sessions_attended"].as_array().unwrap().len(), 1);
    assert_eq!(ws["sessions_attended"][0]["session"], session.0);
    let questions = ws["slow_questions"].as_array().unwrap();
    let mut texts: Vec<(&str, bool)> = questions
        .iter()
        .map(|q| {
            (
                q["text"].as_str().unwrap(),
                q["anonymous"].as_bool().unwrap(),
            )
        })
        .collect();
    texts.sort();
    assert_eq!(texts, [(ANNA_TEXTS[1], true), (ANNA_TEXTS[0], false)]);
    assert_eq!(ws["stories"].as_array().unwrap().len(), 1);
    assert_eq!(ws["stories"][0]["text"], ANNA_TEXTS[2]);
    assert_eq!(ws["agenda_topics"][0]["title"], ANNA_TEXTS[3]);
    let votes: i64 = ws["votes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["dots"].as_i64().unwrap())
        .sum();
    assert_eq!(votes, 3);
    assert!(
        !ws.to_string().contains("Met Anna de Vries zetten"),
        "Dirk's story is his"
    );
    let cw = &j["areas"]["coding_work"];
    assert_eq!(cw["assignments_coded"][0]["id"], assignment.0);
    assert!(cw["assignments_coded"][0]["finished"].is_string());
    assert_eq!(cw["assignments_led"].as_array().unwrap().len(), 0);
    let kinds: Vec<&str> = cw["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["code_added", "finished"]);
    assert_eq!(cw["decisions"][0]["why"], "ontbrak volgens mij");
    // The codebook version her change made (version 1 is the codebook as it was made).
    assert_eq!(cw["codebook_versions"].as_array().unwrap().len(), 1);
    assert_eq!(cw["codebook_versions"][0]["version"], 2);
    assert_eq!(cw["codebook_versions"][0]["why"], "ontbrak volgens mij");
    assert_eq!(cw["slow_question_verdicts"][0]["verdict"], "confirmed");
    // Bram's export: the assignment he leads and the consensus he settled.
    let bram = store.privacy_subject("bram@example.org").await.unwrap();
    let jb = store
        .export_person(&bram, &CLI(), 501)
        .await
        .unwrap()
        .to_json();
    assert_eq!(
        jb["areas"]["coding_work"]["assignments_led"][0]["id"],
        assignment.0
    );
    assert!(jb["areas"]["coding_work"]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["kind"] == "consensus"));

    // Erase: the network's figures (attendance, dots per topic) stay. (The number of distinct
    // voters of a round does not: an unlinked vote no longer says whose it was.)
    let counts = |store: &Store| {
        let store = store.clone();
        async move {
            let sessions = store.ws_sessions(Some(net)).await.unwrap();
            let rounds = store.rounds(Some(net)).await.unwrap();
            let dots: Vec<(i64, i64)> = rounds[0].topics.iter().map(|t| (t.id, t.dots)).collect();
            (sessions[0].attendance, dots)
        }
    };
    let before = counts(store).await;
    assert_eq!(before, (2, vec![(topic, 3), (other, 1)]));
    let decisions_before = store.coding_decisions(None).await.unwrap().len();
    let done = store
        .erase_person(&plan(subject, &[]), &CLI(), 700, false)
        .await
        .unwrap();
    assert_eq!(done.count("workspace", "slow_questions_blanked"), 2);
    assert_eq!(done.count("workspace", "stories_blanked"), 1);
    assert_eq!(done.count("workspace", "topics_blanked"), 1);
    assert_eq!(done.count("workspace", "attendance_unlinked"), 1);
    assert_eq!(done.count("workspace", "votes_unlinked"), 2);
    // Bram's session report and Dirk's story named her.
    assert_eq!(done.count("workspace", "texts_changed"), 2);
    // Her code_added and finished decisions, her suggestion-free verdict, the codebook
    // version her change made.
    assert_eq!(done.count("coding_work", "kept_unlinked"), 4);
    assert_eq!(done.count("coding_work", "decisions_changed"), 1);
    assert_eq!(counts(store).await, before);
    let after = dump(store, url).await;
    for gone in [
        ANNA,
        ANNA_NAME,
        ANNA_TEXTS[0],
        ANNA_TEXTS[1],
        ANNA_TEXTS[2],
        ANNA_TEXTS[3],
    ] {
        assert!(!contains_ci(&after, gone), "{gone:?} is still in\n{after}");
    }
    // Others' texts stay, with her name replaced; the coding decisions log is whole.
    let stories = store.stories(Some(net)).await.unwrap();
    assert!(stories
        .iter()
        .any(|st| st.text == format!("Met {REMOVED} zetten we door.")));
    let decisions = store.coding_decisions(None).await.unwrap();
    assert_eq!(decisions.len(), decisions_before);
    assert!(decisions
        .iter()
        .any(|d| d.person == s.anna && d.kind == "code_added"));
    // The codebook's history is whole too, still of her (now empty) account.
    let versions = store.codebook_versions(book.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].person, Some(s.anna));
    assert!(decisions
        .iter()
        .any(|d| d.kind == "consensus" && d.why == format!("zoals {REMOVED} het zag")));
}
