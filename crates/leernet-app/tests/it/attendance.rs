//! Issue 19, item 4: the workspace's indicators over time rest on who was a member at the
//! date of each session. Observed before: attendance went from 83% to 56% when two accounts
//! were added, because it was computed against today's membership. Adding or removing
//! accounts later must leave every past attendance figure as it was.

use leernet_analysis::practice_indicators::{indicators, NetworkIndicators};
use leernet_app::practice::practice_log;
use leernet_core::*;
use leernet_store::{
    workspace::{NewSession, SessionRecord},
    Actor, NewNetwork, NewWorkplace, ProjectedPerson, Store,
};

leernet_testkit::on_every_backend!(
    adding_or_removing_accounts_later_leaves_past_attendance_unchanged => attendance_story,
);

/// 2026-01-05 and 2026-10-01, 12:00 UTC.
const JANUARY: i64 = 1_767_614_400;
const OCTOBER: i64 = 1_790_856_000;
/// 2026-04-01, 12:00 UTC.
const APRIL: i64 = 1_775_044_800;

fn person(id: i64, role: Role, network: NetworkId) -> ProjectedPerson {
    ProjectedPerson {
        id: PersonId(id),
        email: Email::parse(&format!("p{id}@example.org")).unwrap(),
        name: format!("Persoon {id}"),
        role,
        networks: vec![network],
        password_hash: None,
    }
}

async fn session(store: &Store, network: NetworkId, date: &str, present: &[i64]) {
    let id = store
        .plan_session(
            network,
            &NewSession {
                date: date.into(),
                start: String::new(),
                end: String::new(),
                link: String::new(),
                place: "Buurthuis".into(),
                online: false,
                method: "intervision".into(),
                model: String::new(),
                agenda: vec!["Casus".into()],
            },
            None,
            JANUARY,
        )
        .await
        .unwrap();
    store
        .record_session(
            network,
            id,
            &SessionRecord {
                date: date.into(),
                place: "Buurthuis".into(),
                method: "intervision".into(),
                report: "Besproken.".into(),
                present: present.iter().map(|&p| PersonId(p)).collect(),
                ..SessionRecord::default()
            },
        )
        .await
        .unwrap();
}

async fn figures(store: &Store) -> NetworkIndicators {
    indicators(&practice_log(store, None).await.unwrap())
        .networks
        .remove(0)
}

async fn attendance_story(store: &Store) {
    let actor = Actor::System;
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse("kust").unwrap(),
            name: "Werkplaats Kust".into(),
            region: "West".into(),
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
    // A facilitator and three members from January.
    store
        .project_person(&person(1, Role::Facilitator, net), &actor, JANUARY)
        .await
        .unwrap();
    for id in 2..=4 {
        store
            .project_person(&person(id, Role::Member, net), &actor, JANUARY)
            .await
            .unwrap();
    }
    // A wave of a questionnaire, opened on 1 April: the sessions before and after it fall
    // in different wave periods.
    let instrument = store
        .add_instrument(&leernet_store::NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerkvragenlijst".into(),
                en: "Network questionnaire".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: include_bytes!("../../../../instruments/network.xlsx").to_vec(),
        })
        .await
        .unwrap();
    let wave = store
        .add_wave(instrument, "voorjaar 2026", WaveStatus::Draft)
        .await
        .unwrap();
    store
        .set_wave_status_audited(wave, WaveStatus::Open, &actor, APRIL)
        .await
        .unwrap();
    session(store, net, "2026-02-10", &[1, 2, 3]).await;
    session(store, net, "2026-05-12", &[1, 2]).await;
    let before = figures(store).await;
    // 5 present of 4 people at each of two sessions.
    assert_eq!(before.attendance_rate, Some(5.0 / 8.0));
    assert_eq!(before.months[0].attendance_rate, Some(3.0 / 4.0));
    // Per quarter, and per wave period (the February session was before the first wave).
    let q: Vec<(&str, usize)> = before
        .quarters
        .iter()
        .map(|p| (p.period.as_str(), p.sessions))
        .collect();
    assert_eq!(q, vec![("2026-Q1", 1), ("2026-Q2", 1)]);
    assert_eq!(before.wave_periods.len(), 1);
    assert_eq!(before.wave_periods[0].period, "voorjaar 2026");
    assert_eq!(before.wave_periods[0].attendance_rate, Some(2.0 / 4.0));

    // In October two accounts are added and one member's account is taken away.
    for id in [5, 6] {
        store
            .project_person(&person(id, Role::Member, net), &actor, OCTOBER)
            .await
            .unwrap();
    }
    assert!(store
        .withdraw_person(PersonId(4), &actor, OCTOBER)
        .await
        .unwrap());
    let after = figures(store).await;
    assert_eq!(after.attendance_rate, before.attendance_rate);
    assert_eq!(after.months, before.months);
    assert_eq!(after.quarters, before.quarters);
    assert_eq!(after.wave_periods, before.wave_periods);
    // Now the network has five people (4 - 1 + 2), and a session held now counts them.
    assert_eq!(after.people, 5);
    session(store, net, "2026-11-20", &[1, 2, 3, 5, 6]).await;
    let later = figures(store).await;
    assert_eq!(later.months[0..2], before.months[..]);
    assert_eq!(later.months[2].attendance_rate, Some(1.0));
    assert_eq!(later.attendance_rate, Some(10.0 / 13.0));
}
