//! The practice workspace suite: sessions and attendance, an agenda round with dot voting,
//! the slow-question log, stories, opt-ins and the outbox, and one person's export and
//! erasure — on every back end the environment offers. Each refusal is checked to store
//! nothing.

use leernet_core::*;
use leernet_store::workspace::Refusal;
use leernet_store::workspace::*;
use leernet_store::*;
use leernet_testkit::{on_every_backend, test_backends, TestDb};

on_every_backend!(
    sessions_and_attendance => session_story,
    an_agenda_round_with_dot_voting => round_story,
    the_slow_question_log => question_story,
    stories_and_notifications => story_story,
    export_and_erasure_keep_the_figures => privacy_story,
    racing_requests_keep_the_rules => race_story,
    responses_to_the_profile => profile_response_story,
);

/// The database itself refuses a count of dots that no round allows (a CHECK constraint on
/// both back ends), so no way in can store a count that would wrap a sum.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_bounds_the_dots() {
    use sqlx::Connection;
    for backend in test_backends() {
        let db = TestDb::new(backend).await;
        let store = db.store().await;
        let s = seed(&store).await;
        let round = store.open_round(s.a, "Ronde", 3, 10).await.unwrap();
        let topic = store
            .propose_topic(s.a, round, s.m1, true, "Onderwerp")
            .await
            .unwrap();
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
        let insert = |dots: i64, person: PersonId| {
            sqlx::query(
                "INSERT INTO ws_votes (round_id, topic_id, person_id, dots) VALUES ($1, $2, $3, $4)",
            )
            .bind(round)
            .bind(topic)
            .bind(person.0)
            .bind(dots)
        };
        for dots in [i64::MAX, 21, 0, -1, i64::MIN] {
            assert!(
                insert(dots, s.m1).execute(&mut conn).await.is_err(),
                "{backend:?}: {dots} dots stored"
            );
        }
        insert(20, s.m2).execute(&mut conn).await.unwrap();
        conn.close().await.ok();
        // Any counts a form can send, extremes included: either refused with the earlier
        // votes unchanged, or stored within the allowance; the totals always add up.
        let t2 = store
            .propose_topic(s.a, round, s.m1, true, "Tweede")
            .await
            .unwrap();
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(16);
        let pick = |rng: &mut rand::rngs::StdRng| -> i64 {
            match rng.gen_range(0..6) {
                0 => i64::MAX - rng.gen_range(0..3),
                1 => i64::MIN + rng.gen_range(0..3),
                2 => rng.gen_range(-3..=25),
                3 => i64::from(u8::MAX) + rng.gen_range(-2..=2),
                4 => 1 << rng.gen_range(0..63),
                _ => rng.gen_range(0..=3),
            }
        };
        for _ in 0..120 {
            let before = store.my_votes(round, s.m1).await.unwrap();
            let n = rng.gen_range(1..=4);
            let dots: Vec<(i64, i64)> = (0..n)
                .map(|_| (if rng.gen_bool(0.5) { topic } else { t2 }, pick(&mut rng)))
                .collect();
            let valid = dots.iter().all(|(_, d)| (0..=20).contains(d))
                && dots.iter().map(|(_, d)| d).sum::<i64>() <= 3;
            let r = store.cast_votes(s.a, round, s.m1, &dots).await;
            let after = store.my_votes(round, s.m1).await.unwrap();
            assert_eq!(r.is_ok(), valid, "{dots:?}: {r:?}");
            if valid {
                assert_eq!(
                    after.values().sum::<i64>(),
                    dots.iter().map(|(_, d)| d).sum::<i64>()
                );
            } else {
                assert_eq!(after, before, "{dots:?}: a refusal stores nothing");
            }
            let rounds = store.rounds(Some(s.a)).await.unwrap();
            assert!(rounds[0].topics.iter().all(|t| (0..=23).contains(&t.dots)));
        }
        store.close().await;
        db.drop_database().await;
    }
}

struct Seed {
    a: NetworkId,
    b: NetworkId,
    fac_a: PersonId,
    m1: PersonId,
    m2: PersonId,
    m_b: PersonId,
}

async fn seed(store: &Store) -> Seed {
    let slug = |s: &str| Slug::parse(s).unwrap();
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: slug("wp"),
            name: "Werkplaats".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let mut nets = Vec::new();
    for s in ["a", "b"] {
        nets.push(
            store
                .add_network(&NewNetwork {
                    slug: slug(s),
                    name: format!("Netwerk {s}"),
                    workplace: wp,
                })
                .await
                .unwrap(),
        );
    }
    let (a, b) = (nets[0], nets[1]);
    let mut ids = Vec::new();
    for (email, role, net) in [
        ("fac-a@example.org", Role::Facilitator, a),
        ("m1@example.org", Role::Member, a),
        ("m2@example.org", Role::Member, a),
        ("mb@example.org", Role::Member, b),
    ] {
        ids.push(
            store
                .add_person(&NewPerson {
                    email: Email::parse(email).unwrap(),
                    name: email.into(),
                    role,
                    networks: vec![net],
                    password_hash: None,
                })
                .await
                .unwrap(),
        );
    }
    Seed {
        a,
        b,
        fac_a: ids[0],
        m1: ids[1],
        m2: ids[2],
        m_b: ids[3],
    }
}

fn refused<T: std::fmt::Debug>(r: WsResult<T>) -> Refusal {
    match r {
        Err(WsError::Refused(x)) => x,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn session(date: &str) -> NewSession {
    NewSession {
        date: date.into(),
        place: "Buurthuis De Kade".into(),
        online: false,
        method: "intervision".into(),
        model: "incident".into(),
        agenda: vec!["Opening".into(), "  ".into()],
        ..NewSession::default()
    }
}

async fn session_story(store: &Store) {
    let s = seed(store).await;
    let id = store
        .plan_session(s.a, &session("2026-03-12"), Some(s.fac_a), 100)
        .await
        .unwrap();
    let got = store.ws_session(s.a, id).await.unwrap().unwrap();
    assert!(!got.held);
    assert_eq!(got.agenda.len(), 1, "the blank item is dropped");
    assert_eq!(got.agenda[0].title, "Opening");
    assert!(!got.agenda[0].from_member);
    // Another network does not see it.
    assert_eq!(store.ws_session(s.b, id).await.unwrap(), None);

    // Dates that make no sense, bad methods, long texts: refused, nothing stored.
    for bad in [
        "2026-02-30",
        "2026-13-01",
        "12-03-2026",
        "1899-01-01",
        "2026-3-12",
        "",
    ] {
        assert!(
            matches!(
                refused(store.plan_session(s.a, &session(bad), None, 0).await),
                Refusal::BadDate(_)
            ),
            "{bad}"
        );
    }
    assert!(check_date("2028-02-29").is_ok() && check_date("2100-02-29").is_err());
    let mut bad = session("2026-04-01");
    bad.method = "Drop table".into();
    assert!(matches!(
        refused(store.plan_session(s.a, &bad, None, 0).await),
        Refusal::BadMethod(_)
    ));
    let mut long = session("2026-04-01");
    long.agenda = vec!["x".repeat(MAX_TITLE + 1)];
    assert_eq!(
        refused(store.plan_session(s.a, &long, None, 0).await),
        Refusal::TooLong {
            field: "agenda item",
            max: MAX_TITLE
        }
    );
    assert_eq!(store.ws_sessions(None).await.unwrap().len(), 1);

    // Recording: a person of another network is refused, and nothing of the record stays.
    let mut rec = SessionRecord {
        date: "2026-03-12".into(),
        place: String::new(),
        online: true,
        method: "intervision".into(),
        model: "balint".into(),
        report: "We bespraken een casus.".into(),
        present: vec![s.m1, s.m_b],
        agenda_add: vec!["Casus".into()],
        ..SessionRecord::default()
    };
    assert_eq!(
        refused(store.record_session(s.a, id, &rec).await),
        Refusal::NotInNetwork
    );
    let got = store.ws_session(s.a, id).await.unwrap().unwrap();
    assert!(!got.held && got.report.is_empty() && got.agenda.len() == 1);
    // A coordinator linked to the network reads its work but cannot be recorded as present:
    // only the network's members and its facilitator attend.
    let coordinator = store
        .add_person(&NewPerson {
            email: Email::parse("coord@example.org").unwrap(),
            name: "Coördinator".into(),
            role: Role::Coordinator,
            networks: vec![s.a],
            password_hash: None,
        })
        .await
        .unwrap();
    rec.present = vec![s.m1, coordinator];
    assert_eq!(
        refused(store.record_session(s.a, id, &rec).await),
        Refusal::NotInNetwork
    );
    rec.report = "x".repeat(MAX_TEXT + 1);
    rec.present = vec![s.m1];
    assert!(matches!(
        refused(store.record_session(s.a, id, &rec).await),
        Refusal::TooLong { .. }
    ));
    rec.report = "We bespraken een casus.".into();
    rec.present = vec![s.m2, s.m1, s.fac_a, s.m1];
    store.record_session(s.a, id, &rec).await.unwrap();
    let got = store.ws_session(s.a, id).await.unwrap().unwrap();
    assert!(got.held && got.online);
    assert_eq!(got.model, "balint");
    assert_eq!(got.present, vec![s.fac_a, s.m1, s.m2]);
    assert_eq!(got.attendance, 3);
    assert_eq!(got.agenda.len(), 2);
    // Recording a session of network A as network B: refused.
    assert_eq!(
        refused(store.record_session(s.b, id, &rec).await),
        Refusal::NotInNetwork
    );
}

async fn round_story(store: &Store) {
    let s = seed(store).await;
    let session_a = store
        .plan_session(s.a, &session("2026-05-01"), Some(s.fac_a), 1)
        .await
        .unwrap();
    let session_b = store
        .plan_session(s.b, &session("2026-05-01"), None, 1)
        .await
        .unwrap();
    assert_eq!(
        refused(store.open_round(s.a, "Voorjaar", 0, 10).await),
        Refusal::BadAllowance
    );
    assert_eq!(
        refused(store.open_round(s.a, "  ", 3, 10).await),
        Refusal::Empty("title")
    );
    let round = store.open_round(s.a, "Voorjaar 2026", 3, 10).await.unwrap();
    assert_eq!(
        refused(store.open_round(s.a, "Nog een", 3, 10).await),
        Refusal::RoundAlreadyOpen
    );
    let t1 = store
        .propose_topic(s.a, round, s.m1, true, "Grenzen aan eigen regie")
        .await
        .unwrap();
    let t2 = store
        .propose_topic(s.a, round, s.m2, true, "Samenwerken met de huisarts")
        .await
        .unwrap();
    let t3 = store
        .propose_topic(s.a, round, s.fac_a, false, "Terugblik")
        .await
        .unwrap();
    // A member of B cannot propose in A's round, nor can anyone through network B.
    assert_eq!(
        refused(store.propose_topic(s.a, round, s.m_b, true, "x").await),
        Refusal::NotInNetwork
    );
    assert_eq!(
        refused(store.propose_topic(s.b, round, s.m_b, true, "x").await),
        Refusal::NotInNetwork
    );

    store
        .cast_votes(s.a, round, s.m1, &[(t1, 2), (t2, 1)])
        .await
        .unwrap();
    // Beyond the allowance: refused, the earlier votes stay as they were.
    assert_eq!(
        refused(
            store
                .cast_votes(s.a, round, s.m1, &[(t1, 3), (t2, 1)])
                .await
        ),
        Refusal::OverAllowance {
            allowed: 3,
            asked: 4
        }
    );
    assert_eq!(
        refused(store.cast_votes(s.a, round, s.m1, &[(t1, -1)]).await),
        Refusal::NegativeVotes
    );
    // Counts that would wrap a sum (the attack of two topics at i64::MAX each) are refused
    // as counts, never summed; and so is any count above the largest allowance.
    for bad in [
        vec![(t1, i64::MAX), (t2, i64::MAX)],
        vec![(t1, i64::MAX), (t2, 2)],
        vec![(t1, 21)],
        vec![(t1, i64::MIN), (t2, 2)],
    ] {
        let r = refused(store.cast_votes(s.a, round, s.m1, &bad).await);
        assert!(
            matches!(r, Refusal::NegativeVotes | Refusal::OverAllowance { .. }),
            "{bad:?}: {r:?}"
        );
    }
    // The same topic named twice adds up, and is checked against the allowance as a whole.
    assert!(matches!(
        refused(
            store
                .cast_votes(s.a, round, s.m1, &[(t1, 2), (t1, 2)])
                .await
        ),
        Refusal::OverAllowance { .. }
    ));
    assert_eq!(
        store.my_votes(round, s.m1).await.unwrap(),
        [(t1, 2), (t2, 1)].into_iter().collect()
    );
    // A vote again replaces the earlier one.
    store
        .cast_votes(s.a, round, s.m1, &[(t1, 3), (t2, 0)])
        .await
        .unwrap();
    store
        .cast_votes(s.a, round, s.m2, &[(t2, 2), (t3, 1)])
        .await
        .unwrap();
    assert_eq!(
        refused(store.cast_votes(s.a, round, s.m_b, &[(t1, 1)]).await),
        Refusal::NotInNetwork
    );

    // Closing with a session of another network: refused, the round stays open.
    assert_eq!(
        refused(
            store
                .close_round(s.a, round, &[(t1, session_a), (t2, session_b)], 20)
                .await
        ),
        Refusal::NotInNetwork
    );
    assert!(store.rounds(Some(s.a)).await.unwrap()[0].open);
    assert!(store
        .ws_session(s.a, session_a)
        .await
        .unwrap()
        .unwrap()
        .agenda
        .iter()
        .all(|i| i.topic.is_none()));
    store
        .close_round(s.a, round, &[(t1, session_a), (t2, session_a)], 20)
        .await
        .unwrap();
    let r = &store.rounds(Some(s.a)).await.unwrap()[0];
    assert!(!r.open && r.closed_at == Some(20) && r.voters == 2);
    let order: Vec<(i64, i64, bool)> = r.topics.iter().map(|t| (t.id, t.dots, t.chosen)).collect();
    assert_eq!(order, vec![(t1, 3, true), (t2, 2, true), (t3, 1, false)]);
    let agenda = store
        .ws_session(s.a, session_a)
        .await
        .unwrap()
        .unwrap()
        .agenda;
    assert_eq!(agenda.len(), 3);
    assert!(agenda[1].from_member && agenda[1].topic == Some(t1));
    // After closing: no votes, no topics.
    assert_eq!(
        refused(store.cast_votes(s.a, round, s.m2, &[(t3, 1)]).await),
        Refusal::RoundClosed
    );
    assert_eq!(
        refused(store.propose_topic(s.a, round, s.m2, true, "Te laat").await),
        Refusal::RoundClosed
    );
    // The history is kept: a new round opens beside the closed one.
    store.open_round(s.a, "Najaar 2026", 5, 30).await.unwrap();
    let rounds = store.rounds(Some(s.a)).await.unwrap();
    assert_eq!(rounds.len(), 2);
    assert!(rounds[0].open && !rounds[1].open);
    assert!(store.rounds(Some(s.b)).await.unwrap().is_empty());
}

async fn question_story(store: &Store) {
    let s = seed(store).await;
    let sess = store
        .plan_session(s.a, &session("2026-06-01"), None, 1)
        .await
        .unwrap();
    let q = |text: &str, author: Option<PersonId>, anonymous: bool| NewSlowQuestion {
        network: s.a,
        text: text.into(),
        author,
        anonymous,
        session: Some(sess),
        themes: vec!["ethiek".into(), "eigen_regie".into(), "ethiek".into()],
    };
    let open = store
        .add_slow_question(&q("Wanneer is zorg bemoeizorg?", Some(s.m1), false), 5)
        .await
        .unwrap();
    let anon = store
        .add_slow_question(&q("Mag ik twijfelen aan de regels?", Some(s.m2), true), 6)
        .await
        .unwrap();
    assert_eq!(
        refused(store.add_slow_question(&q(" ", Some(s.m1), false), 7).await),
        Refusal::Empty("question")
    );
    let mut bad = q("Een vraag", Some(s.m1), false);
    bad.themes = vec!["Geen sleutel!".into()];
    assert!(matches!(
        refused(store.add_slow_question(&bad, 7).await),
        Refusal::BadTheme(_)
    ));
    assert_eq!(
        refused(
            store
                .add_slow_question(&q("x", Some(s.m_b), false), 7)
                .await
        ),
        Refusal::NotInNetwork
    );
    let mut other_session = q("x", Some(s.m1), false);
    other_session.network = s.b;
    assert_eq!(
        refused(store.add_slow_question(&other_session, 7).await),
        Refusal::NotInNetwork
    );

    // The facilitator's view: the anonymous question has no author; its author sees it as theirs.
    let log = store
        .slow_question_log(Some(s.a), Some(s.fac_a))
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].author, Some(s.m1));
    assert_eq!(log[0].themes, vec!["ethiek", "eigen_regie"]);
    assert_eq!(
        (log[1].author, log[1].anonymous, log[1].mine),
        (None, true, false)
    );
    let own = store
        .slow_question_log(Some(s.a), Some(s.m2))
        .await
        .unwrap();
    assert_eq!((own[1].author, own[1].mine), (Some(s.m2), true));
    assert!(store
        .slow_question_log(Some(s.b), None)
        .await
        .unwrap()
        .is_empty());

    // Only the author edits; another member or the facilitator is refused.
    assert_eq!(
        refused(
            store
                .edit_slow_question(s.a, anon, s.m1, "Anders", &[])
                .await
        ),
        Refusal::NotAuthor
    );
    assert_eq!(
        refused(
            store
                .edit_slow_question(s.a, open, s.fac_a, "Anders", &[])
                .await
        ),
        Refusal::NotAuthor
    );
    assert_eq!(
        refused(
            store
                .edit_slow_question(s.b, open, s.m1, "Anders", &[])
                .await
        ),
        Refusal::NotInNetwork
    );
    store
        .edit_slow_question(
            s.a,
            anon,
            s.m2,
            "Mag ik twijfelen aan de regels van het team?",
            &[],
        )
        .await
        .unwrap();
    store
        .follow_up_slow_question(
            s.a,
            open,
            SlowQuestionStatus::TakenToPractice,
            "Besproken met het wijkteam.",
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        refused(
            store
                .follow_up_slow_question(s.b, open, SlowQuestionStatus::Parked, "", None)
                .await
        ),
        Refusal::NotInNetwork
    );
    let log = store.slow_question_log(Some(s.a), None).await.unwrap();
    assert_eq!(log[0].status, SlowQuestionStatus::TakenToPractice);
    assert_eq!(log[0].session, Some(sess));
    assert_eq!(log[1].text, "Mag ik twijfelen aan de regels van het team?");

    // From an open answer (the coding pages' "move to the log").
    let inst = store
        .add_instrument(&NewInstrument {
            form_id: "f".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "F".into(),
                en: "F".into(),
            },
            file_name: "f.xlsx".into(),
            workbook: vec![1],
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(inst, "2026", WaveStatus::Open)
        .await
        .unwrap();
    let mut answers = Answers::new();
    answers.insert(
        "open".into(),
        "Soms vraag ik me af: wie bepaalt wat goed is?".into(),
    );
    let rid = store
        .add_responses(
            wave,
            &[NewResponse {
                network: s.b,
                respondent: "r1".into(),
                status: ResponseStatus::Submitted,
                answers,
            }],
        )
        .await
        .unwrap()[0];
    assert_eq!(
        refused(
            store
                .add_slow_question_from_answer(rid, "open", 21, 99, &[], 9)
                .await
        ),
        Refusal::BadSpan
    );
    assert_eq!(
        refused(
            store
                .add_slow_question_from_answer(rid, "elders", 0, 3, &[], 9)
                .await
        ),
        Refusal::BadSpan
    );
    let moved = store
        .add_slow_question_from_answer(rid, "open", 21, 45, &["ethiek".into()], 9)
        .await
        .unwrap();
    let log = store.slow_question_log(Some(s.b), None).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].id, moved);
    assert_eq!(log[0].text, "wie bepaalt wat goed is?");
    assert!(log[0].anonymous && log[0].author.is_none());
    assert_eq!(log[0].source, Some((rid, "open".to_owned(), 21, 45)));
}

async fn story_story(store: &Store) {
    let s = seed(store).await;
    assert_eq!(
        refused(store.add_story(s.a, s.m1, "Ik leerde veel.", &[], 1).await),
        Refusal::NoCycle
    );
    assert_eq!(
        refused(
            store
                .add_story(s.a, s.m_b, "Ik leerde veel.", &[Cycle::Immediate], 1)
                .await
        ),
        Refusal::NotInNetwork
    );
    store
        .add_story(
            s.a,
            s.m1,
            "Ik durf nu vaker door te vragen.",
            &[Cycle::Applied, Cycle::Immediate, Cycle::Applied],
            2,
        )
        .await
        .unwrap();
    let st = store.stories(Some(s.a)).await.unwrap();
    assert_eq!(st[0].cycles, vec![Cycle::Immediate, Cycle::Applied]);
    assert!(store.stories(Some(s.b)).await.unwrap().is_empty());

    // Opt-ins are off by default; only those who opted in get a message, only of their network.
    assert_eq!(store.notify_prefs(s.m1).await.unwrap(), (false, false));
    store.set_notify(s.m1, true, false).await.unwrap();
    store.set_notify(s.m2, true, true).await.unwrap();
    store.set_notify(s.m_b, true, true).await.unwrap();
    let round = store.open_round(s.a, "Ronde", 3, 50).await.unwrap();
    let sess = store
        .plan_session(s.a, &session("2026-09-09"), None, 60)
        .await
        .unwrap();
    let out: Vec<(PersonId, String, i64)> = store
        .outbox_unsent()
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.person, m.kind.as_str().to_owned(), m.subject))
        .collect();
    assert_eq!(
        out,
        vec![
            (s.m1, "round_opened".to_owned(), round),
            (s.m2, "round_opened".to_owned(), round),
            (s.m2, "session_planned".to_owned(), sess.0),
        ]
    );
    let first = store.outbox_unsent().await.unwrap()[0].id;
    store.mark_sent(first, 70).await.unwrap();
    assert_eq!(store.outbox_unsent().await.unwrap().len(), 2);
    // Two senders (app instances, cron) claim a message: only one gets it; a failed send
    // gives it back for the next one. The language of the messages is remembered.
    let second = store.outbox_unsent().await.unwrap()[0].id;
    assert!(store.claim_outbox(second, 80).await.unwrap());
    assert!(!store.claim_outbox(second, 81).await.unwrap());
    assert!(!store.claim_outbox(first, 82).await.unwrap(), "sent before");
    store.release_outbox(second).await.unwrap();
    assert!(store.claim_outbox(second, 83).await.unwrap(), "given back");
    // A sender that dies between claiming and sending does not lose the message: it stays
    // unsent, and once the claim has lapsed another sender takes it.
    assert_eq!(store.outbox_unsent().await.unwrap().len(), 2);
    let lapse = leernet_store::workspace::OUTBOX_CLAIM_SECONDS;
    assert!(
        !store.claim_outbox(second, 83 + lapse - 1).await.unwrap(),
        "still held"
    );
    assert!(
        store.claim_outbox(second, 83 + lapse).await.unwrap(),
        "lapsed"
    );
    store.mark_sent(second, 83 + lapse + 1).await.unwrap();
    assert_eq!(store.outbox_unsent().await.unwrap().len(), 1);
    store.release_outbox(second).await.unwrap();
    assert_eq!(
        store.outbox_unsent().await.unwrap().len(),
        1,
        "a sent message stays sent"
    );
    assert!(!store.claim_outbox(second, 10_000).await.unwrap());
    assert_eq!(store.notify_lang(s.m1).await.unwrap(), None);
    store.set_notify_lang(s.m1, Lang::En).await.unwrap();
    assert_eq!(store.notify_lang(s.m1).await.unwrap(), Some(Lang::En));
    assert_eq!(store.notify_prefs(s.m1).await.unwrap(), (true, false));
}

async fn privacy_story(store: &Store) {
    let s = seed(store).await;
    let sess = store
        .plan_session(s.a, &session("2026-02-02"), Some(s.fac_a), 1)
        .await
        .unwrap();
    store
        .record_session(
            s.a,
            sess,
            &SessionRecord {
                date: "2026-02-02".into(),
                method: "reflection".into(),
                present: vec![s.m1, s.m2],
                ..SessionRecord::default()
            },
        )
        .await
        .unwrap();
    let round = store.open_round(s.a, "Ronde", 3, 2).await.unwrap();
    let t = store
        .propose_topic(s.a, round, s.m1, true, "Mijn onderwerp")
        .await
        .unwrap();
    store.cast_votes(s.a, round, s.m1, &[(t, 2)]).await.unwrap();
    store.cast_votes(s.a, round, s.m2, &[(t, 1)]).await.unwrap();
    for anonymous in [false, true] {
        store
            .add_slow_question(
                &NewSlowQuestion {
                    network: s.a,
                    text: format!("Vraag van m1 (anoniem: {anonymous})"),
                    author: Some(s.m1),
                    anonymous,
                    session: None,
                    themes: vec![],
                },
                3,
            )
            .await
            .unwrap();
    }
    store
        .add_story(s.a, s.m1, "Mijn verhaal", &[Cycle::Realised], 4)
        .await
        .unwrap();
    store.set_notify(s.m1, true, true).await.unwrap();
    store
        .plan_session(s.a, &session("2026-03-03"), None, 5)
        .await
        .unwrap();

    let export = store.person_contributions(s.m1).await.unwrap();
    assert_eq!(export["sessions_attended"].as_array().unwrap().len(), 1);
    assert_eq!(export["slow_questions"].as_array().unwrap().len(), 2);
    assert_eq!(export["slow_questions"][1]["anonymous"], true);
    assert_eq!(export["agenda_topics"][0]["title"], "Mijn onderwerp");
    assert_eq!(export["votes"][0]["dots"], 2);
    assert_eq!(export["stories"][0]["cycles"][0], "realised");
    assert_eq!(export["notifications"]["on_round"], true);
    // Another person's export holds none of m1's texts.
    let other = store.person_contributions(s.m2).await.unwrap().to_string();
    assert!(!other.contains("Vraag van m1") && !other.contains("Mijn verhaal"));

    let before = (
        store.ws_sessions(Some(s.a)).await.unwrap(),
        store.rounds(Some(s.a)).await.unwrap()[0].topics[0].dots,
        store
            .slow_question_log(Some(s.a), None)
            .await
            .unwrap()
            .len(),
    );
    let e = store.erase_person_contributions(s.m1).await.unwrap();
    assert_eq!(
        e,
        Erasure {
            slow_questions: 2,
            topics: 1,
            votes: 1,
            stories: 1,
            attendance: 1,
            sessions: 0,
            outbox: 1,
        }
    );
    // The figures stay: attendance count, dots, questions brought in, the topic from a member.
    let after = store.ws_sessions(Some(s.a)).await.unwrap();
    assert_eq!(after[0].attendance, before.0[0].attendance);
    assert_eq!(after[0].present, vec![s.m2]);
    let r = &store.rounds(Some(s.a)).await.unwrap()[0];
    assert_eq!(r.topics[0].dots, before.1);
    assert!(r.topics[0].from_member && r.topics[0].erased && r.topics[0].title.is_empty());
    assert_eq!(r.topics[0].proposer, None);
    let log = store
        .slow_question_log(Some(s.a), Some(s.m1))
        .await
        .unwrap();
    assert_eq!(log.len(), before.2);
    assert!(log.iter().all(|q| q.erased && q.text.is_empty() && !q.mine));
    let st = store.stories(Some(s.a)).await.unwrap();
    assert!(st[0].erased && st[0].text.is_empty() && st[0].cycles == vec![Cycle::Realised]);
    // Nothing of m1 is left to export; m2's votes are untouched.
    let export = store.person_contributions(s.m1).await.unwrap();
    for k in [
        "sessions_attended",
        "slow_questions",
        "agenda_topics",
        "votes",
        "stories",
    ] {
        assert!(export[k].as_array().unwrap().is_empty(), "{k}");
    }
    assert_eq!(store.notify_prefs(s.m1).await.unwrap(), (false, false));
    assert_eq!(store.my_votes(round, s.m2).await.unwrap().len(), 1);
}

async fn race_story(store: &Store) {
    let s = seed(store).await;
    // Five facilitators' clicks at once: one round opens, the others are told one is open.
    let opens: Vec<_> = (0..5)
        .map(|i| {
            let st = store.clone();
            let a = s.a;
            tokio::spawn(async move { st.open_round(a, &format!("Ronde {i}"), 2, 1).await })
        })
        .collect();
    let mut opened = 0;
    for h in opens {
        match h.await.unwrap() {
            Ok(_) => opened += 1,
            Err(WsError::Refused(Refusal::RoundAlreadyOpen)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(opened, 1);
    let round = store.rounds(Some(s.a)).await.unwrap()[0].id;
    let t = store
        .propose_topic(s.a, round, s.m1, true, "Onderwerp")
        .await
        .unwrap();
    // Votes racing the closing: each vote lands before the close or is refused, never after.
    let mut tasks = Vec::new();
    for voter in [s.m1, s.m2] {
        let st = store.clone();
        let a = s.a;
        tasks.push(tokio::spawn(async move {
            st.cast_votes(a, round, voter, &[(t, 2)]).await.map(|_| ())
        }));
    }
    let st = store.clone();
    let a = s.a;
    tasks.push(tokio::spawn(async move {
        st.close_round(a, round, &[], 9).await
    }));
    let mut stored_votes = 0;
    for (i, h) in tasks.into_iter().enumerate() {
        match h.await.unwrap() {
            Ok(()) if i < 2 => stored_votes += 2,
            Ok(()) => {}
            Err(WsError::Refused(Refusal::RoundClosed)) if i < 2 => {}
            Err(e) => panic!("{e}"),
        }
    }
    let r = &store.rounds(Some(s.a)).await.unwrap()[0];
    assert!(!r.open);
    assert_eq!(r.topics[0].dots, stored_votes);
}

/// Member checking (issue 26): one response per person, network and wave, the latest counts;
/// refusals store nothing; every response is audited without its verdict or sentence; a
/// person's export holds theirs and their erase deletes them, nobody else's.
async fn profile_response_story(store: &Store) {
    use leernet_store::profile_responses::{Verdict, MAX_REASON};
    let s = seed(store).await;
    // "Niet herkenbaar" needs a reason; an unknown verdict and an overlong sentence are refused.
    assert_eq!(
        refused(
            store
                .respond_to_profile(s.a, s.m1, "2026", "no", "  ", 10)
                .await
        ),
        Refusal::Empty("reason")
    );
    assert_eq!(
        refused(
            store
                .respond_to_profile(s.a, s.m1, "2026", "maybe", "", 10)
                .await
        ),
        Refusal::BadVerdict
    );
    let long = "x".repeat(MAX_REASON + 1);
    assert!(matches!(
        refused(
            store
                .respond_to_profile(s.a, s.m1, "2026", "yes", &long, 10)
                .await
        ),
        Refusal::TooLong { .. }
    ));
    assert!(store
        .profile_responses(None, None)
        .await
        .unwrap()
        .is_empty());
    let audit_before = store.audit_log().await.unwrap().len();
    // A first response, then a second of the same wave replaces it; another wave is its own.
    let secret = "niet herkenbaar, omdat wij juist samen de agenda maken";
    assert!(!store
        .respond_to_profile(s.a, s.m1, "2026", "partly", "half", 20)
        .await
        .unwrap());
    assert!(store
        .respond_to_profile(s.a, s.m1, "2026", "no", secret, 30)
        .await
        .unwrap());
    assert!(!store
        .respond_to_profile(s.a, s.m1, "2027", "yes", "", 40)
        .await
        .unwrap());
    store
        .respond_to_profile(s.a, s.m2, "2026", "yes", "Klopt.", 50)
        .await
        .unwrap();
    store
        .respond_to_profile(s.b, s.m_b, "2026", "yes", "", 60)
        .await
        .unwrap();
    let of_a = store.profile_responses(Some(s.a), None).await.unwrap();
    assert_eq!(
        of_a.iter()
            .map(|r| (r.person, r.wave.as_str(), r.verdict, r.reason.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (s.m1, "2026", Verdict::No, secret),
            (s.m2, "2026", Verdict::Yes, "Klopt."),
            (s.m1, "2027", Verdict::Yes, ""),
        ]
    );
    assert_eq!(
        store
            .profile_responses(Some(s.b), None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .profile_responses(None, Some(s.m1))
            .await
            .unwrap()
            .len(),
        2
    );
    // Audited: one entry per stored response, with the network and no text.
    let audit = store.audit_log().await.unwrap();
    let new: Vec<_> = audit[audit_before..].iter().collect();
    assert_eq!(new.len(), 5, "{new:?}");
    assert!(new.iter().all(|e| e.action == "profile.response"));
    assert_eq!(new[1].detail, format!("network={} replaced=1", s.a.0));
    assert!(new.iter().all(|e| !e.detail.contains("herkenbaar")
        && !e.detail.contains("no")
        && !e.detail.contains("Klopt")));
    // The person's export holds their responses with the sentence; the erase deletes them.
    let subject = store.privacy_subject("m1@example.org").await.unwrap();
    let export = store
        .export_person(&subject, &leernet_store::audit::Actor::System, 70)
        .await
        .unwrap()
        .to_json();
    let mine = export["areas"]["profile_responses"].as_array().unwrap();
    assert_eq!(mine.len(), 2, "{export}");
    assert_eq!(mine[0]["network"], "a");
    assert_eq!(mine[0]["verdict"], "no");
    assert_eq!(mine[0]["reason"], secret);
    let plan = leernet_store::privacy::ErasePlan {
        subject,
        keep_anonymised: Default::default(),
    };
    let report = store
        .erase_person(&plan, &leernet_store::audit::Actor::System, 80, false)
        .await
        .unwrap();
    assert_eq!(report.count("profile_responses", "removed"), 2);
    let left = store.profile_responses(None, None).await.unwrap();
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|r| r.person != s.m1));
    // The network space's own download and erase carry them too.
    let own = store.workspace_export_audited(s.m2, 90).await.unwrap();
    assert_eq!(own["profile_responses"][0]["reason"], "Klopt.", "{own}");
    store.workspace_erase_audited(s.m2, 100).await.unwrap();
    let log = store.audit_log().await.unwrap();
    assert!(log.last().unwrap().detail.ends_with("profile_responses=1"));
    let left = store.profile_responses(None, None).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].person, s.m_b);
}
