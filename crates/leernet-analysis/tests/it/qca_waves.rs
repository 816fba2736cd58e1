//! The study's QCA per measurement: with one fielding of each questionnaire there is one
//! analysis (and the section says so); with a second fielding, the configurations are also
//! computed per measurement, each on that measurement's answers only.

use crate::common;

use leernet_analysis::{analyse, Overview};
use leernet_core::{ResponseId, StudyData, Wave, WaveChoice, WaveId, WaveStatus};

#[test]
fn one_measurement_gives_one_analysis_and_says_so() {
    let f = analyse(&common::demo(), &Overview::builtin()).unwrap();
    let q = f.qca.unwrap();
    assert!(q.waves.is_empty());
    assert_eq!(
        q.basis.unwrap().en,
        "These configurations rest on the answers of the one measurement (2026, 2026); how many networks count for each outcome is given with the cut-offs."
    );
}

/// The demo with a second fielding of every questionnaire (`2027`), answered by the first
/// ten networks only, with the same answers as the first.
fn two_waves() -> StudyData {
    let mut data = common::demo();
    // A second fielding of every questionnaire, answered by the first ten networks only,
    // with the same answers as the first.
    let first: Vec<Wave> = data.waves.clone();
    let next_wave = first.iter().map(|w| w.id.0).max().unwrap() + 1;
    let mut next_response = data.responses.iter().map(|r| r.id.0).max().unwrap() + 1;
    let ten: Vec<_> = data.networks.iter().take(10).map(|n| n.id).collect();
    for (i, w) in first.iter().enumerate() {
        let id = WaveId(next_wave + i as i64);
        data.waves.push(Wave {
            id,
            instrument: w.instrument,
            name: "2027".into(),
            status: WaveStatus::Closed,
        });
        let again: Vec<_> = data
            .responses
            .iter()
            .filter(|r| r.wave == w.id && ten.contains(&r.network))
            .cloned()
            .collect();
        for mut r in again {
            r.id = ResponseId(next_response);
            next_response += 1;
            r.wave = id;
            data.responses.push(r);
        }
    }
    data
}

#[test]
fn the_configurations_rest_on_the_current_wave_only() {
    // Issue 19: the second wave is the latest closed one, so it is current; nothing of the
    // first wave is pooled in by accident.
    let f = analyse(&two_waves(), &Overview::builtin()).unwrap();
    let q = f.qca.unwrap();
    assert!(q.waves.is_empty());
    assert_eq!(
        q.basis.unwrap().en,
        "These configurations rest on the answers of the one measurement (2027, 2027); how many networks count for each outcome is given with the cut-offs."
    );
    assert!(q.outcomes[0].cases.len() <= 10);
}

#[test]
fn a_second_measurement_gets_its_own_configurations() {
    // Combining the waves is a choice: all answers (the codings of the first wave's
    // answers count too; the second wave's copies carry none).
    let mut data = two_waves();
    for form in ["leernet_network", "leernet_member"] {
        data.current_waves
            .insert(form.into(), WaveChoice::AllAnswers);
    }
    let f = analyse(&data, &Overview::builtin()).unwrap();
    let q = f.qca.unwrap();
    assert!(q
        .basis
        .unwrap()
        .nl
        .starts_with("Deze configuraties berusten op de antwoorden van alle 2 metingen samen"));
    assert_eq!(q.waves.len(), 2);
    assert_eq!(q.waves[0].label.nl, "Meting 1: 2026, 2026");
    assert_eq!(q.waves[1].label.en, "Measurement 2: 2027, 2027");
    // The first measurement holds every network's answers, and the second repeats some of
    // them: the same configurations as pooled (the member means equal up to rounding).
    assert_eq!(q.waves[0].outcomes.len(), q.outcomes.len());
    for (a, b) in q.waves[0].outcomes.iter().zip(&q.outcomes) {
        assert_eq!(a.key, b.key);
        assert_eq!(a.sentences, b.sentences);
        assert_eq!(a.cases.len(), b.cases.len());
    }
    // The second rests on the ten networks that answered it, at most.
    let climate = &q.waves[1].outcomes[0];
    assert_eq!(climate.key, "CLIMATE");
    assert!(climate.cases.len() <= 10, "{}", climate.cases.len());
    assert!(climate.cases.len() < q.outcomes[0].cases.len());
    let names: Vec<&str> = data
        .networks
        .iter()
        .take(10)
        .map(|n| n.name.as_str())
        .collect();
    assert!(climate
        .cases
        .iter()
        .all(|c| names.contains(&c.name.as_str())));
}
