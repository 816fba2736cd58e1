//! Test links (issue 18) on every back end: a test answer is stored through the survey's own
//! save and is left out by every read that feeds a figure, a page, an export or a response
//! rate; asked for by name it is there; wiping takes it and nothing else.

use leernet_core::*;
use leernet_store::*;
use leernet_testkit::on_every_backend;
use std::collections::BTreeMap;

on_every_backend!(
    a_test_answer_is_left_out_of_every_read_that_counts => counting_story,
    a_real_wave_never_takes_the_test_waves_name => name_story,
);

fn token(n: u8) -> InvitationToken {
    InvitationToken::from_random([n; 20])
}

async fn counting_story(store: &Store) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noord").unwrap(),
            name: "Werkplaats Noord".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let a = store
        .add_network(&NewNetwork {
            slug: Slug::parse("wijk-a").unwrap(),
            name: "Wijk A".into(),
            workplace: wp,
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
    let net = |n| NewInvitation {
        network: a,
        token: token(n),
        kind: InvitationKind::Network,
        person: None,
        email: None,
    };
    let real = store.add_invitations(wave, &[net(1)]).await.unwrap()[0];
    let mut answers = BTreeMap::new();
    answers.insert("size".to_owned(), "12".to_owned());
    assert_eq!(
        store.save_survey(real, &answers, 0, true).await.unwrap(),
        SaveOutcome::Submitted
    );
    store
        .set_wave_status(wave, WaveStatus::Closed)
        .await
        .unwrap();

    // A test link: no open wave needed; the survey's own save stores its answer.
    assert!(store.test_wave_of(instrument).await.unwrap().is_none());
    let link = store
        .add_test_link(instrument, a, InvitationKind::Network, token(2))
        .await
        .unwrap();
    let test_wave = store.test_wave_of(instrument).await.unwrap().unwrap();
    assert_eq!(link.wave, test_wave);
    assert!(store.is_test_wave(test_wave).await.unwrap());
    assert!(!store.is_test_wave(wave).await.unwrap());
    let by_token = store.invitation_by_token(&token(2)).await.unwrap().unwrap();
    assert_eq!(by_token.id, link.id);
    let w = store.survey_wave(test_wave).await.unwrap().unwrap();
    assert_eq!(
        (w.name.as_str(), w.status),
        (TEST_WAVE_NAME, WaveStatus::Open)
    );
    let mut test_answers = BTreeMap::new();
    test_answers.insert("size".to_owned(), "99".to_owned());
    assert_eq!(
        store
            .save_survey(link.id, &test_answers, 0, true)
            .await
            .unwrap(),
        SaveOutcome::Submitted
    );

    // Left out of every read that counts.
    assert_eq!(store.waves().await.unwrap().len(), 1);
    assert!(store.wave(test_wave).await.unwrap().is_none());
    let responses = store.responses(None).await.unwrap();
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].answers, answers);
    assert!(store.responses(Some(test_wave)).await.unwrap().is_empty());
    assert_eq!(store.response_counts().await.unwrap().len(), 1);
    assert!(store
        .responses_page(&ResponseQuery {
            waves: &[wave, test_wave],
            networks: None,
            status: None,
            after: None,
            updated_since: None,
            limit: 100,
        })
        .await
        .unwrap()
        .iter()
        .all(|r| r.wave == wave));
    assert_eq!(store.invitations(None).await.unwrap().len(), 1);
    assert!(store.invitations(Some(test_wave)).await.unwrap().is_empty());
    assert!(store.wave_monitor(test_wave).await.unwrap().is_empty());
    let data = store.study_data().await.unwrap();
    assert_eq!((data.waves.len(), data.responses.len()), (1, 1));

    // A later real wave's `${last-saved#…}` is the real answer, never the test one.
    let later = store
        .add_wave(instrument, "2027", WaveStatus::Open)
        .await
        .unwrap();
    let next = store.add_invitations(later, &[net(3)]).await.unwrap()[0];
    let next = store.invitation(next).await.unwrap().unwrap();
    assert_eq!(
        store.last_submitted_answers(&next).await.unwrap(),
        Some(answers.clone())
    );

    // Asked for by name, it is there.
    let c = store.test_counts(instrument).await.unwrap();
    assert_eq!((c.links, c.started, c.submitted), (1, 1, 1));
    assert_eq!(store.test_links(instrument).await.unwrap().len(), 1);
    assert_eq!(
        store.test_responses(Some(instrument)).await.unwrap()[0].answers,
        test_answers
    );
    let with = store.study_data_with_tests().await.unwrap();
    assert_eq!((with.waves.len(), with.responses.len()), (3, 2));
    assert!(with.waves.iter().any(|w| w.name == TEST_WAVE_NAME));

    // A second link reuses the test wave.
    let second = store
        .add_test_link(instrument, a, InvitationKind::Member, token(4))
        .await
        .unwrap();
    assert_eq!(second.wave, test_wave);

    // Wiped: the test answer goes, audited; nothing else does; the links start afresh.
    let generation = store.generation().await.unwrap();
    let real_before = store.responses(None).await.unwrap();
    let gone = store
        .wipe_test_responses(Some(instrument), Actor::Cli("tester".into()), 1_800_000_000)
        .await
        .unwrap();
    assert_eq!(gone, 1);
    assert!(store.generation().await.unwrap() > generation);
    assert_eq!(store.responses(None).await.unwrap(), real_before);
    assert!(store.test_responses(None).await.unwrap().is_empty());
    let c = store.test_counts(instrument).await.unwrap();
    assert_eq!((c.links, c.started, c.submitted), (2, 0, 0));
    assert_eq!(
        store
            .save_survey(link.id, &test_answers, 0, false)
            .await
            .unwrap(),
        SaveOutcome::Saved,
        "the link works again"
    );
    let entry = store.audit_log().await.unwrap().pop().unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.detail.as_str()),
        ("test.wipe", "responses=1")
    );
    assert_eq!(entry.subject, AuditSubject::Instrument(instrument));
}

async fn name_story(store: &Store) {
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("noord").unwrap(),
            name: "Werkplaats Noord".into(),
            region: "Noord".into(),
        })
        .await
        .unwrap();
    let a = store
        .add_network(&NewNetwork {
            slug: Slug::parse("wijk-a").unwrap(),
            name: "Wijk A".into(),
            workplace: wp,
        })
        .await
        .unwrap();
    let instrument = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_member".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Ledenvragenlijst".into(),
                en: "Member questionnaire".into(),
            },
            file_name: "member.xlsx".into(),
            workbook: b"not parsed by the store".to_vec(),
        })
        .await
        .unwrap();
    // a real wave never takes the test links' name (issue 18), so test links keep working
    let e = store
        .add_wave(instrument, TEST_WAVE_NAME, WaveStatus::Open)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Conflict(m) if m.contains("kept for the test links")),
        "{e}"
    );
    assert!(store.waves().await.unwrap().is_empty(), "no wave was made");
    store
        .add_test_link(instrument, a, InvitationKind::Member, token(9))
        .await
        .unwrap();
    assert!(store.test_wave_of(instrument).await.unwrap().is_some());
    assert!(
        store.waves().await.unwrap().is_empty(),
        "the test wave is in no list"
    );
}
