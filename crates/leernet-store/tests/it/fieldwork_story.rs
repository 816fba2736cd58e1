//! The fieldwork suite: accounts, sessions, login throttling, invitations, survey saves and
//! the response monitor, run against every back end the environment offers (SQLite always;
//! PostgreSQL when `LEERNET_TEST_DATABASE_URL` is set, and required when `CI` is set).

use leernet_core::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    accounts_and_sessions => account_story,
    login_failures_are_counted_per_subject => throttle_story,
    invitations_reach_one_response_each => invitation_story,
    saves_are_refused_when_the_wave_is_not_open => closed_wave_story,
    concurrent_submissions_store_one_response => concurrency_story,
    concurrent_saves_share_a_commit_and_keep_their_own_outcome => group_commit_story,
    a_revoked_link_takes_no_answers_and_the_given_one_stays => revoke_story,
    a_reminder_is_claimed_once => reminder_story,
    a_survey_link_reads_in_one_query_what_four_reads_give => survey_link_story,
    a_save_racing_a_submission_never_overwrites_it => race_story,
);

on_every_backend!(
    with_url,
    a_connection_the_server_dropped_fails_no_read_and_no_save => dropped_connection_story,
);

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

fn token(n: u8) -> InvitationToken {
    InvitationToken::from_random([n; 20])
}

/// A member's invitation to `network` with [`token`]`(n)`, no person and no address.
fn member(network: NetworkId, n: u8) -> NewInvitation {
    NewInvitation {
        network,
        token: token(n),
        kind: InvitationKind::Member,
        person: None,
        email: None,
    }
}

struct Seed {
    a: NetworkId,
    b: NetworkId,
    wave: WaveId,
    facilitator: PersonId,
}

async fn seed(store: &Store) -> Seed {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: slug("noordkust"),
            name: "Werkplaats Noordkust".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for s in ["wijk-a", "wijk-b"] {
        ids.push(
            store
                .add_network(&NewNetwork {
                    slug: slug(s),
                    name: s.into(),
                    workplace: wp,
                })
                .await
                .unwrap(),
        );
    }
    let facilitator = store
        .add_person(&NewPerson {
            email: Email::parse("Fac@Example.org").unwrap(),
            name: "F. Acilitator".into(),
            role: Role::Facilitator,
            networks: vec![ids[0]],
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        })
        .await
        .unwrap();
    let instrument = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerkvragenlijst".into(),
                en: "Network questionnaire".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: b"not parsed by the store".to_vec(),
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(instrument, "2026", WaveStatus::Open)
        .await
        .unwrap();
    Seed {
        a: ids[0],
        b: ids[1],
        wave,
        facilitator,
    }
}

async fn account_story(store: &Store) {
    let s = seed(store).await;
    // Lookups ignore the case of the address; unknown addresses give None.
    let acc = store
        .account_by_email("fac@EXAMPLE.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(acc.id, s.facilitator);
    assert_eq!(acc.role, Role::Facilitator);
    assert_eq!(acc.networks, vec![s.a]);
    assert!(acc.password_hash.is_some());
    assert!(store
        .account_by_email("nobody@example.org")
        .await
        .unwrap()
        .is_none());

    // A session is found by its secret until it expires, and ends on logout.
    store
        .create_session("secret-1", s.facilitator, "csrf-1", 100, 200)
        .await
        .unwrap();
    let row = store.session("secret-1", 150).await.unwrap().unwrap();
    assert_eq!(row.person, s.facilitator);
    assert_eq!(row.csrf, "csrf-1");
    assert!(store.session("secret-1", 200).await.unwrap().is_none());
    assert!(store.session("secret-2", 150).await.unwrap().is_none());
    store.end_session("secret-1", 150).await.unwrap();
    assert!(store.session("secret-1", 150).await.unwrap().is_none());

    // A new password (and network) ends every session of that person.
    store
        .create_session("secret-3", s.facilitator, "csrf-3", 100, 900)
        .await
        .unwrap();
    store
        .update_account(s.facilitator, Role::Facilitator, Some(s.b), "$argon2id$new")
        .await
        .unwrap();
    assert!(store.session("secret-3", 150).await.unwrap().is_none());
    let acc = store.account(s.facilitator).await.unwrap().unwrap();
    assert_eq!(acc.networks, vec![s.a, s.b]);
    assert_eq!(acc.password_hash.as_deref(), Some("$argon2id$new"));
    assert!(matches!(
        store
            .update_account(PersonId(999), Role::Member, None, "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn throttle_story(store: &Store) {
    const LIMITS: LoginLimits = LoginLimits {
        pair: LoginLimit {
            attempts: 3,
            window: 100,
            max_window: 400,
        },
        address: LoginLimit {
            attempts: 6,
            window: 100,
            max_window: 100,
        },
        account: LoginLimit {
            attempts: 4,
            window: 100,
            max_window: 100,
        },
    };
    let attempt = |account: &'static str, address: &'static str, t: i64| async move {
        store
            .start_login_attempt(account, address, &LIMITS, t)
            .await
            .unwrap()
    };
    // A pair has 3 attempts in its window; a refused attempt counts nowhere.
    for t in 0..3 {
        assert!(attempt("a@b.nl", "192.0.2.1", t).await);
    }
    assert!(!attempt("a@b.nl", "192.0.2.1", 3).await);
    assert!(!attempt("a@b.nl", "192.0.2.1", 4).await);
    // The same account from elsewhere: its own pair, within the account's ceiling of 4.
    assert!(attempt("a@b.nl", "198.51.100.7", 5).await);
    assert!(
        !attempt("a@b.nl", "203.0.113.9", 6).await,
        "account ceiling"
    );
    // Another account from the first address: its own pair, within the address's 6.
    for t in 7..10 {
        assert!(attempt("c@d.nl", "192.0.2.1", t).await);
    }
    assert!(
        !attempt("c@d.nl", "192.0.2.1", 10).await,
        "the pair's limit"
    );
    // The address is used up (6), for every account.
    assert!(!attempt("e@f.nl", "192.0.2.1", 11).await, "address limit");

    // Backoff: the pair used up its window of 100 s (0..100); the next lasts 200 s.
    assert!(!attempt("a@b.nl", "192.0.2.1", 99).await);
    for t in 100..103 {
        assert!(attempt("a@b.nl", "192.0.2.1", t).await);
    }
    assert!(
        !attempt("a@b.nl", "192.0.2.1", 299).await,
        "a window of 200 s"
    );
    for t in 300..303 {
        assert!(attempt("a@b.nl", "192.0.2.1", t).await);
    }
    // ... then 400 s, the most.
    assert!(
        !attempt("a@b.nl", "192.0.2.1", 699).await,
        "a window of 400 s"
    );
    for t in 700..703 {
        assert!(attempt("a@b.nl", "192.0.2.1", t).await);
    }
    assert!(!attempt("a@b.nl", "192.0.2.1", 1099).await, "still 400 s");
    // The right password: the pair starts over (its backoff too), the account and the
    // address get the attempt back.
    assert!(attempt("a@b.nl", "192.0.2.1", 1100).await);
    store
        .login_succeeded("a@b.nl", "192.0.2.1", 1100, 400)
        .await
        .unwrap();
    for t in 1101..1104 {
        assert!(attempt("a@b.nl", "192.0.2.1", t).await);
    }
    assert!(!attempt("a@b.nl", "192.0.2.1", 1104).await);
    assert!(
        !attempt("a@b.nl", "192.0.2.1", 1200).await,
        "a window of 100 s again"
    );
    for t in 1201..1204 {
        assert!(attempt("a@b.nl", "192.0.2.1", t).await);
    }
    assert!(!attempt("a@b.nl", "192.0.2.1", 1204).await);
    // Quiet for longer than the longest window after its window ended (1401 + 400): the
    // pair starts over at 100 s.
    for t in 5000..5003 {
        assert!(attempt("a@b.nl", "192.0.2.1", t).await);
    }
    assert!(!attempt("a@b.nl", "192.0.2.1", 5003).await);
    assert!(attempt("a@b.nl", "192.0.2.1", 5100).await);

    // A burst of parallel attempts: exactly the limit gets through, on every back end.
    let burst: Vec<_> = (0..24)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .start_login_attempt("burst@b.nl", "192.0.2.9", &LIMITS, 10_000)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut allowed = 0;
    for h in burst {
        allowed += h.await.unwrap() as usize;
    }
    assert_eq!(allowed, 3);
}

async fn invitation_story(store: &Store) {
    let s = seed(store).await;
    let ids = store
        .add_invitations(
            s.wave,
            &[
                NewInvitation {
                    network: s.a,
                    token: token(1),
                    kind: InvitationKind::Network,
                    person: Some(s.facilitator),
                    email: None,
                },
                NewInvitation {
                    network: s.a,
                    token: token(2),
                    kind: InvitationKind::Member,
                    person: None,
                    email: Some(Email::parse("lid@example.org").unwrap()),
                },
                member(s.b, 3),
            ],
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);

    // A token used twice refuses the whole batch.
    let again = store
        .add_invitations(s.wave, &[member(s.b, 4), member(s.b, 1)])
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    assert_eq!(store.invitations(Some(s.wave)).await.unwrap().len(), 3);

    let inv = store.invitation_by_token(&token(2)).await.unwrap().unwrap();
    assert_eq!(inv.id, ids[1]);
    assert_eq!(inv.kind, InvitationKind::Member);
    assert_eq!(inv.email.as_deref(), Some("lid@example.org"));
    assert_eq!(inv.status, None);
    assert!(store
        .invitation_by_token(&token(9))
        .await
        .unwrap()
        .is_none());

    // Save a page, then submit; a second submit changes nothing.
    let mut answers = Answers::new();
    answers.insert("size".into(), "12".into());
    assert_eq!(
        store.save_survey(inv.id, &answers, 1, false).await.unwrap(),
        SaveOutcome::Saved
    );
    let r = store.invitation_response(&inv).await.unwrap().unwrap();
    assert_eq!(r.status, ResponseStatus::InProgress);
    assert_eq!(r.network, s.a);
    answers.insert("themes".into(), "loneliness".into());
    assert_eq!(
        store.save_survey(inv.id, &answers, 2, true).await.unwrap(),
        SaveOutcome::Submitted
    );
    let mut changed = answers.clone();
    changed.insert("size".into(), "99".into());
    assert_eq!(
        store.save_survey(inv.id, &changed, 0, true).await.unwrap(),
        SaveOutcome::AlreadySubmitted
    );
    let r = store.invitation_response(&inv).await.unwrap().unwrap();
    assert_eq!(r.status, ResponseStatus::Submitted);
    assert_eq!(r.answers, answers);
    let inv = store.invitation_by_token(&token(2)).await.unwrap().unwrap();
    assert_eq!(inv.status, Some(ResponseStatus::Submitted));
    assert_eq!(inv.page, 2, "a refused save does not move the page");

    // The other invitations' responses are untouched; the monitor counts per network.
    let first = store.invitation_by_token(&token(1)).await.unwrap().unwrap();
    assert!(store.invitation_response(&first).await.unwrap().is_none());
    store
        .save_survey(first.id, &Answers::new(), 0, false)
        .await
        .unwrap();
    let monitor = store.wave_monitor(s.wave).await.unwrap();
    assert_eq!(
        monitor,
        vec![
            MonitorRow {
                network: s.a,
                invited: 2,
                started: 2,
                submitted: 1
            },
            MonitorRow {
                network: s.b,
                invited: 1,
                started: 0,
                submitted: 0
            },
        ]
    );
    // The responses are ordinary responses of the wave, for the analysis.
    assert_eq!(store.responses(Some(s.wave)).await.unwrap().len(), 2);
}

async fn closed_wave_story(store: &Store) {
    let s = seed(store).await;
    store
        .add_invitations(s.wave, &[member(s.b, 5)])
        .await
        .unwrap();
    let inv = store.invitation_by_token(&token(5)).await.unwrap().unwrap();
    for status in [WaveStatus::Closed, WaveStatus::Draft] {
        store.set_wave_status(s.wave, status).await.unwrap();
        let mut a = Answers::new();
        a.insert("x".into(), "1".into());
        assert_eq!(
            store.save_survey(inv.id, &a, 3, true).await.unwrap(),
            SaveOutcome::WaveNotOpen
        );
        assert!(store.invitation_response(&inv).await.unwrap().is_none());
    }
    let inv = store.invitation_by_token(&token(5)).await.unwrap().unwrap();
    assert_eq!(inv.page, 0);
    assert!(matches!(
        store
            .save_survey(InvitationId(12345), &Answers::new(), 0, false)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn concurrency_story(store: &Store) {
    let s = seed(store).await;
    let news: Vec<NewInvitation> = (0..8u8).map(|n| member(s.b, 100 + n)).collect();
    let ids = store.add_invitations(s.wave, &news).await.unwrap();
    // Every invitation submitted four times at once: one response each, each submitted once.
    let mut tasks = Vec::new();
    for id in &ids {
        for k in 0..4 {
            let store = store.clone();
            let id = *id;
            tasks.push(tokio::spawn(async move {
                let mut a = Answers::new();
                a.insert("k".into(), k.to_string());
                store.save_survey(id, &a, 0, true).await.unwrap()
            }));
        }
    }
    let mut submitted = 0;
    for t in tasks {
        match t.await.unwrap() {
            SaveOutcome::Submitted => submitted += 1,
            SaveOutcome::AlreadySubmitted => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(submitted, ids.len());
    let responses = store.responses(Some(s.wave)).await.unwrap();
    assert_eq!(responses.len(), ids.len());
    assert!(responses
        .iter()
        .all(|r| r.status == ResponseStatus::Submitted));
}

/// Group commit: many saves at once share transactions (fewer commits than saves), and each
/// save gets the outcome it would have got alone: a save to a closed wave or to an invitation
/// that does not exist, in the same batch, fails nobody else's.
async fn group_commit_story(store: &Store) {
    let s = seed(store).await;
    let instrument = store.wave(s.wave).await.unwrap().unwrap().instrument;
    let closed = store
        .add_wave(instrument, "2025", WaveStatus::Closed)
        .await
        .unwrap();
    let invite = |n: u8| member(s.a, n);
    let open_ids = store
        .add_invitations(s.wave, &(0..24u8).map(invite).collect::<Vec<_>>())
        .await
        .unwrap();
    let closed_ids = store
        .add_invitations(closed, &(100..106u8).map(invite).collect::<Vec<_>>())
        .await
        .unwrap();
    let missing = InvitationId(i64::from(u32::MAX));
    let before = store.group_commit_counts();

    #[derive(Debug, PartialEq)]
    enum Kind {
        Open,
        Closed,
        Missing,
    }
    let mut tasks = Vec::new();
    let mut spawn = |id: InvitationId, kind: Kind, k: usize, submit: bool| {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut a = Answers::new();
            a.insert("k".into(), k.to_string());
            (id, kind, submit, store.save_survey(id, &a, 1, submit).await)
        }));
    };
    // Interleaved, so that refusals and errors sit in the middle of batches.
    for (k, id) in open_ids.iter().enumerate() {
        spawn(*id, Kind::Open, k, false);
        spawn(*id, Kind::Open, k, true);
        if let Some(c) = closed_ids.get(k) {
            spawn(*c, Kind::Closed, k, true);
        }
        if k % 8 == 3 {
            spawn(missing, Kind::Missing, k, true);
        }
    }
    let mut submitted = std::collections::BTreeSet::new();
    let mut outcomes = 0;
    for t in tasks {
        let (id, kind, submit, r) = t.await.unwrap();
        outcomes += 1;
        match kind {
            Kind::Open => match r.unwrap() {
                SaveOutcome::Submitted => assert!(submit && submitted.insert(id)),
                // The page save came after the submission.
                SaveOutcome::AlreadySubmitted => assert!(!submit),
                SaveOutcome::Saved => assert!(!submit),
                other => panic!("an open wave's save gave {other:?}"),
            },
            Kind::Closed => assert_eq!(r.unwrap(), SaveOutcome::WaveNotOpen),
            Kind::Missing => assert!(matches!(r, Err(StoreError::NotFound(_))), "{r:?}"),
        }
    }
    assert_eq!(submitted.len(), open_ids.len());
    let responses = store.responses(Some(s.wave)).await.unwrap();
    assert_eq!(responses.len(), open_ids.len());
    assert!(responses
        .iter()
        .all(|r| r.status == ResponseStatus::Submitted));
    assert!(store.responses(Some(closed)).await.unwrap().is_empty());
    // A refused save in a batch leaves its link as it was: not even the page moves (SQLite
    // writes nothing for it; PostgreSQL rolls back to its savepoint).
    for id in &closed_ids {
        assert_eq!(store.invitation(*id).await.unwrap().unwrap().page, 0);
    }

    let after = store.group_commit_counts();
    let saves = after.saves - before.saves;
    let batches = after.batches - before.batches;
    assert_eq!(saves, outcomes);
    assert!(
        batches < saves,
        "{saves} concurrent saves took {batches} transactions: nothing was grouped"
    );
    // A save after the submission: refused, and the page stays.
    let submitted_one = open_ids[0];
    assert_eq!(
        store
            .save_survey(submitted_one, &Answers::new(), 7, false)
            .await
            .unwrap(),
        SaveOutcome::AlreadySubmitted
    );
    assert_eq!(
        store.invitation(submitted_one).await.unwrap().unwrap().page,
        1
    );
}

/// Page saves racing submissions of the same link (in one batch or in two batches at once
/// on PostgreSQL): each link is submitted once, and what is stored is exactly what that
/// submission sent, answers and page. A save refused after the submission writes nothing,
/// not even its page, and a save taken before it is overwritten by it.
async fn race_story(store: &Store) {
    let s = seed(store).await;
    let ids = store
        .add_invitations(
            s.wave,
            &(0..12u8).map(|n| member(s.a, 40 + n)).collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for j in 0..9i64 {
        for id in &ids {
            let store = store.clone();
            let id = *id;
            // every third save a submission; each save its own answers and page
            let submit = j % 3 == 2;
            tasks.push(tokio::spawn(async move {
                let mut a = Answers::new();
                a.insert("k".into(), format!("{}-{j}", id.0));
                let page = if submit { 100 + j } else { j };
                let r = store.save_survey(id, &a, page, submit).await.unwrap();
                (id, a, page, submit, r)
            }));
        }
    }
    let mut submitted = std::collections::BTreeMap::new();
    for t in tasks {
        let (id, a, page, submit, r) = t.await.unwrap();
        match r {
            SaveOutcome::Submitted => {
                assert!(submit);
                assert!(
                    submitted.insert(id, (a, page)).is_none(),
                    "{id:?} submitted twice"
                );
            }
            SaveOutcome::Saved => assert!(!submit),
            SaveOutcome::AlreadySubmitted => {}
            SaveOutcome::WaveNotOpen => panic!("the wave is open"),
        }
    }
    assert_eq!(submitted.len(), ids.len());
    for (id, (a, page)) in &submitted {
        let inv = store.invitation(*id).await.unwrap().unwrap();
        assert_eq!(
            inv.page, *page,
            "the page of the submission, not of a later save"
        );
        let stored = store.invitation_response(&inv).await.unwrap().unwrap();
        assert_eq!(stored.status, ResponseStatus::Submitted);
        assert_eq!(&stored.answers, a, "the answers the submission sent");
    }
}

/// The survey's read of its link runs on a kept connection without pings
/// (`kept_reads.rs`): when the server ended every connection of the store (PostgreSQL's
/// `pg_terminate_backend`, as a restart would), the next read is made again on a fresh
/// connection and the next save gets one from the pool (which checks before lending): the
/// respondent sees neither fail, and the answers stored are the new ones. On SQLite there is
/// no server to hang up; the same reads and saves must work all the same.
async fn dropped_connection_story(store: &Store, url: &str) {
    let s = seed(store).await;
    let ids = store
        .add_invitations(s.wave, &[member(s.a, 70)])
        .await
        .unwrap();
    let mut a = Answers::new();
    a.insert("x".into(), "1".into());
    for round in 0..3 {
        // reads and saves at once, so that several connections are kept and pooled
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store.survey_link(&token(70)).await.unwrap().unwrap()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().invitation.id, ids[0]);
        }
        a.insert("round".into(), round.to_string());
        assert_eq!(
            store.save_survey(ids[0], &a, round, false).await.unwrap(),
            SaveOutcome::Saved
        );
        if store.backend() == Backend::Postgres {
            use sqlx::Connection;
            let mut admin = sqlx::AnyConnection::connect(url).await.unwrap();
            let ended: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
            )
            .fetch_one(&mut admin)
            .await
            .unwrap();
            assert!(ended > 0, "the store's connections were ended");
            admin.close().await.ok();
        }
        let link = store.survey_link(&token(70)).await.unwrap().unwrap();
        assert_eq!(
            link.response.unwrap().answers,
            a,
            "the last save, read again"
        );
    }
    let mut b = a.clone();
    b.insert("x".into(), "2".into());
    assert_eq!(
        store.save_survey(ids[0], &b, 5, true).await.unwrap(),
        SaveOutcome::Submitted
    );
    let inv = store.invitation(ids[0]).await.unwrap().unwrap();
    assert_eq!(inv.page, 5);
    let stored = store.invitation_response(&inv).await.unwrap().unwrap();
    assert_eq!(stored.answers, b);
    assert_eq!(stored.status, ResponseStatus::Submitted);
}

/// Revoking a link (issue 18): it takes no answers since; a response already given stays;
/// revoking twice changes nothing; each revocation is audited once.
async fn revoke_story(store: &Store) {
    let s = seed(store).await;
    let member = |n: u8| member(s.a, n);
    let ids = store
        .add_invitations(s.wave, &[member(20), member(21)])
        .await
        .unwrap();
    let mut a = Answers::new();
    a.insert("x".into(), "1".into());
    assert_eq!(
        store.save_survey(ids[0], &a, 0, true).await.unwrap(),
        SaveOutcome::Submitted
    );
    assert_eq!(
        store.save_survey(ids[1], &a, 0, false).await.unwrap(),
        SaveOutcome::Saved
    );
    let me = Actor::Person(s.facilitator);
    for id in &ids {
        assert!(store.revoke_invitation(*id, &me, 1_000).await.unwrap());
        assert!(!store.revoke_invitation(*id, &me, 2_000).await.unwrap());
    }
    assert!(matches!(
        store
            .revoke_invitation(InvitationId(9999), &me, 1_000)
            .await,
        Err(StoreError::NotFound(_))
    ));
    let mut b = Answers::new();
    b.insert("x".into(), "2".into());
    for id in &ids {
        assert_eq!(
            store.save_survey(*id, &b, 1, true).await.unwrap(),
            SaveOutcome::WaveNotOpen,
            "a revoked link is refused"
        );
        let inv = store.invitation(*id).await.unwrap().unwrap();
        assert_eq!(inv.revoked_at, Some(1_000), "the first revocation's time");
        let kept = store.invitation_response(&inv).await.unwrap().unwrap();
        assert_eq!(kept.answers, a, "the response given stays as it was");
    }
    let log = store.audit_log().await.unwrap();
    let revokes: Vec<_> = log
        .iter()
        .filter(|e| e.action == "invitation.revoke")
        .map(|e| e.subject.as_string())
        .collect();
    assert_eq!(
        revokes,
        vec![
            format!("invitation:{}", ids[0].0),
            format!("invitation:{}", ids[1].0)
        ]
    );
    // no reminder for a revoked link
    assert!(!store.claim_reminder(ids[1], 3_000).await.unwrap());
}

/// A reminder is claimed once per invitation, also by two senders at the same time; one
/// given back (the mail server refused it) can be claimed again. A wave's schedule is
/// checked and audited.
async fn reminder_story(store: &Store) {
    let s = seed(store).await;
    let ids = store
        .add_invitations(
            s.wave,
            &[NewInvitation {
                network: s.a,
                token: token(30),
                kind: InvitationKind::Member,
                person: None,
                email: Some(Email::parse("lid@example.org").unwrap()),
            }],
        )
        .await
        .unwrap();
    let (x, y) = tokio::join!(
        store.claim_reminder(ids[0], 10),
        store.claim_reminder(ids[0], 11)
    );
    assert_eq!(
        [x.unwrap(), y.unwrap()].iter().filter(|c| **c).count(),
        1,
        "exactly one of two senders claims it"
    );
    assert!(
        !store.claim_reminder(ids[0], 12).await.unwrap(),
        "never twice"
    );
    store.release_reminder(ids[0]).await.unwrap();
    assert!(
        store.claim_reminder(ids[0], 13).await.unwrap(),
        "given back, claimed again"
    );
    let inv = store.invitation(ids[0]).await.unwrap().unwrap();
    assert_eq!(inv.reminded_at, Some(13));
    let me = Actor::Person(s.facilitator);
    assert!(store.wave_reminders().await.unwrap().is_empty());
    for bad in [0, -1, MAX_REMIND_AFTER_DAYS + 1] {
        assert!(store
            .set_wave_reminders(s.wave, Some(bad), &me, 5)
            .await
            .is_err());
    }
    store
        .set_wave_reminders(s.wave, Some(7), &me, 5)
        .await
        .unwrap();
    assert_eq!(store.wave_reminders().await.unwrap().get(&s.wave), Some(&7));
    store
        .set_wave_reminders(s.wave, None, &me, 6)
        .await
        .unwrap();
    assert!(store.wave_reminders().await.unwrap().is_empty());
    let details: Vec<_> = store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "wave.reminders")
        .map(|e| e.detail)
        .collect();
    assert_eq!(details, ["after_days=7", "off"]);
    assert!(matches!(
        store
            .set_wave_reminders(WaveId(9999), Some(3), &me, 5)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// `survey_link` is the survey's one read per request: it must give exactly what the
/// separate reads give (invitation, wave, response) and the network's and Werkplaats's
/// names, before and after a response exists, and after a submission.
async fn survey_link_story(store: &Store) {
    let s = seed(store).await;
    store
        .add_invitations(
            s.wave,
            &[NewInvitation {
                network: s.a,
                token: token(7),
                kind: InvitationKind::Member,
                person: None,
                email: Some(Email::parse("lid@example.org").unwrap()),
            }],
        )
        .await
        .unwrap();
    assert!(store.survey_link(&token(9)).await.unwrap().is_none());
    let check = |submit: Option<bool>| async move {
        let inv = store.invitation_by_token(&token(7)).await.unwrap().unwrap();
        let link = store.survey_link(&token(7)).await.unwrap().unwrap();
        assert_eq!(link.invitation, inv);
        assert_eq!(
            link.wave,
            store.survey_wave(inv.wave).await.unwrap().unwrap()
        );
        assert_eq!(
            link.response,
            store.invitation_response(&inv).await.unwrap()
        );
        assert_eq!(
            link.network_names,
            Some(("wijk-a".to_owned(), "Werkplaats Noordkust".to_owned()))
        );
        assert_eq!(link.response.is_some(), submit.is_some());
        if let Some(submit) = submit {
            let r = link.response.unwrap();
            assert_eq!(r.answers.get("size").map(String::as_str), Some("12"));
            let status = if submit {
                ResponseStatus::Submitted
            } else {
                ResponseStatus::InProgress
            };
            assert_eq!(r.status, status);
        }
        inv
    };
    let inv = check(None).await;
    let mut answers = Answers::new();
    answers.insert("size".into(), "12".into());
    store.save_survey(inv.id, &answers, 3, false).await.unwrap();
    let inv = check(Some(false)).await;
    assert_eq!(inv.page, 3);
    store.save_survey(inv.id, &answers, 4, true).await.unwrap();
    check(Some(true)).await;
    store
        .set_wave_status(s.wave, WaveStatus::Closed)
        .await
        .unwrap();
    let link = store.survey_link(&token(7)).await.unwrap().unwrap();
    assert_eq!(link.wave.status, WaveStatus::Closed);
}
