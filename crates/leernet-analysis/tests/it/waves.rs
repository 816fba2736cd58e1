//! Issue 19: every figure rests on one wave per instrument and says so. A second wave of the
//! network questionnaire that one network answered must not make 18 network
//! questionnaires of 17 networks; combining waves is an explicit choice with its rule.

use crate::common;

use leernet_analysis::{analyse, analyse_project_on, AnalysisError, Overview, ProjectContent};
use leernet_core::{ResponseId, StudyData, Wave, WaveChoice, WaveId, WaveStatus};

/// The demo (wave `2026`, closed) with a second wave of the network questionnaire,
/// `najaar 2027`, in which the first network answered again with one answer changed.
fn with_second_wave(status: WaveStatus) -> StudyData {
    let mut data = common::demo();
    let network_wave = data
        .waves
        .iter()
        .find(|w| {
            data.instruments
                .iter()
                .any(|i| i.id == w.instrument && i.form_id == "leernet_network")
        })
        .unwrap()
        .clone();
    let id = WaveId(data.waves.iter().map(|w| w.id.0).max().unwrap() + 1);
    data.waves.push(Wave {
        id,
        instrument: network_wave.instrument,
        name: "najaar 2027".into(),
        status,
    });
    let first = data.networks[0].id;
    let mut again = data
        .responses
        .iter()
        .find(|r| r.wave == network_wave.id && r.network == first)
        .unwrap()
        .clone();
    again.id = ResponseId(data.responses.iter().map(|r| r.id.0).max().unwrap() + 1);
    again.wave = id;
    again.respondent = "second-wave".into();
    data.responses.push(again);
    data
}

fn network_basis(f: &leernet_analysis::StudyFigures) -> &leernet_analysis::WaveBasis {
    f.waves.of("leernet_network").unwrap()
}

#[test]
fn one_wave_names_itself_and_changes_nothing_else() {
    let f = analyse(&common::demo(), &Overview::builtin()).unwrap();
    assert_eq!(f.counts.network_responses, 17);
    let b = network_basis(&f);
    assert_eq!(b.waves, ["2026"]);
    assert_eq!(b.sentence.nl, "Meting: 2026 (17 netwerken)");
    assert_eq!(b.sentence.en, "Wave: 2026 (17 networks)");
    assert_eq!(
        f.waves.of("leernet_member").unwrap().sentence.nl,
        "Meting: 2026 (179 antwoorden uit 17 netwerken)"
    );
    // One wave per questionnaire: nothing to switch to.
    assert!(f.waves.options.is_empty());
    assert!(f
        .sections
        .iter()
        .flat_map(|s| &s.tables)
        .all(|t| t.waves == ["2026"]));
    assert!(f.scales.iter().all(|s| s.waves == ["2026"]));
    assert_eq!(
        f.networks[0].basis.nl,
        format!(
            "Meting: 2026 (netwerkvragenlijst en {} ledenvragenlijsten)",
            f.networks[0].member_responses
        )
    );
}

#[test]
fn an_open_second_wave_leaves_the_figures_on_the_closed_one() {
    let data = with_second_wave(WaveStatus::Open);
    let f = analyse(&data, &Overview::builtin()).unwrap();
    // 17 network questionnaires of 17 networks, not 18.
    assert_eq!(f.counts.network_responses, 17);
    assert_eq!(network_basis(&f).sentence.nl, "Meting: 2026 (17 netwerken)");
    let rationale = f
        .sections
        .iter()
        .flat_map(|s| &s.tables)
        .find(|t| t.instrument == "leernet_network")
        .unwrap();
    assert_eq!(rationale.n + rationale.missing, 17);
    // Now there is something to switch to, and the marked choice is the one in force.
    let current: Vec<&str> = f
        .waves
        .options
        .iter()
        .filter(|o| o.current)
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(current, ["2026"]);
    let values: Vec<&str> = f.waves.options.iter().map(|o| o.value.as_str()).collect();
    assert_eq!(values, ["2026", "najaar 2027", "latest", "all"]);
}

#[test]
fn a_closed_second_wave_becomes_current_and_its_n_is_one() {
    let data = with_second_wave(WaveStatus::Closed);
    let f = analyse(&data, &Overview::builtin()).unwrap();
    assert_eq!(f.counts.network_responses, 1);
    assert_eq!(
        network_basis(&f).sentence.nl,
        "Meting: najaar 2027 (1 netwerk)"
    );
    assert_eq!(
        network_basis(&f).sentence.en,
        "Wave: najaar 2027 (1 network)"
    );
    // The member questionnaire was not fielded again: it stays on its own current wave.
    assert_eq!(f.waves.of("leernet_member").unwrap().waves, ["2026"]);
    assert!(f.networks[0].network_response);
    assert!(!f.networks[1].network_response);
}

#[test]
fn the_setting_and_the_callers_choice_pick_the_wave() {
    let mut data = with_second_wave(WaveStatus::Closed);
    data.current_waves
        .insert("leernet_network".into(), WaveChoice::Wave("2026".into()));
    let f = analyse(&data, &Overview::builtin()).unwrap();
    assert_eq!(f.counts.network_responses, 17);
    assert_eq!(network_basis(&f).waves, ["2026"]);

    let project = ProjectContent::builtin();
    let chosen = WaveChoice::parse("najaar 2027");
    let f = analyse_project_on(&data, &project, Some(&chosen)).unwrap();
    assert_eq!(f.counts.network_responses, 1);
    assert_eq!(f.waves.chosen.as_deref(), Some("najaar 2027"));
    // The member questionnaire has no wave of that name and stays on its own: the network's
    // row says which answers come from which wave.
    let row = &f.networks[0];
    assert_eq!(
        row.basis.nl,
        format!(
            "Netwerkvragenlijst uit meting najaar 2027; {} ledenvragenlijsten uit meting 2026",
            row.member_responses
        )
    );
    assert_eq!(
        f.networks[1].basis.en,
        format!(
            "Wave: 2026 (no network questionnaire and {} member questionnaires)",
            f.networks[1].member_responses
        )
    );
}

#[test]
fn combining_waves_is_a_choice_with_its_rule_in_words() {
    let data = with_second_wave(WaveStatus::Closed);
    let project = ProjectContent::builtin();

    let latest = analyse_project_on(&data, &project, Some(&WaveChoice::LatestPerNetwork)).unwrap();
    assert_eq!(latest.counts.network_responses, 17);
    let b = network_basis(&latest);
    assert_eq!(b.rule, "latest_per_network");
    assert_eq!(
        b.sentence.nl,
        "Metingen: 2026 en najaar 2027, per netwerk het laatste antwoord (17 netwerken)"
    );
    assert!(b.rule_text.as_ref().unwrap().nl.contains("één keer"));

    let all = analyse_project_on(&data, &project, Some(&WaveChoice::AllAnswers)).unwrap();
    assert_eq!(all.counts.network_responses, 18);
    let b = network_basis(&all);
    assert_eq!(
        b.sentence.en,
        "Waves: 2026 and najaar 2027, all answers (18 answers from 17 networks)"
    );
    assert!(b.rule_text.as_ref().unwrap().en.contains("once per wave"));
}

#[test]
fn a_wave_that_does_not_exist_is_an_error_that_names_the_waves() {
    let data = with_second_wave(WaveStatus::Closed);
    let project = ProjectContent::builtin();
    let e = analyse_project_on(&data, &project, Some(&WaveChoice::parse("2030"))).unwrap_err();
    assert!(matches!(e, AnalysisError::UnknownWave { .. }));
    assert!(e.to_string().contains("2026, najaar 2027"), "{e}");
}

#[test]
fn the_same_data_gives_the_same_figures() {
    let data = with_second_wave(WaveStatus::Closed);
    let a = serde_json::to_string(&analyse(&data, &Overview::builtin()).unwrap()).unwrap();
    let b = serde_json::to_string(&analyse(&data, &Overview::builtin()).unwrap()).unwrap();
    assert_eq!(a, b);
}

/// The overview's, the networks list's and a network page's figures
/// (`analyse_tables_on`, issue 17) are the full pipeline's, part for part, on every choice
/// of waves: the same counts, tables, scales, Werkplaatsen, network rows and waves.
#[test]
fn the_tables_alone_are_the_full_figures_tables_on_every_choice() {
    use leernet_analysis::analyse_tables_on;
    let project = ProjectContent::builtin();
    let part = |f: &leernet_analysis::StudyFigures| {
        serde_json::json!({
            "study": f.study,
            "counts": f.counts,
            "workplaces": f.workplaces,
            "networks": f.networks,
            "sections": f.sections,
            "scales": f.scales,
            "missing_instruments": f.missing_instruments,
            "waves": f.waves,
        })
    };
    let mut compared = 0;
    for data in [common::demo(), with_second_wave(WaveStatus::Closed)] {
        for chosen in [
            None,
            Some(WaveChoice::Wave("2026".into())),
            Some(WaveChoice::Wave("najaar 2027".into())),
            Some(WaveChoice::LatestPerNetwork),
            Some(WaveChoice::AllAnswers),
        ] {
            let full = analyse_project_on(&data, &project, chosen.as_ref());
            let tables = analyse_tables_on(&data, &project, chosen.as_ref());
            match (full, tables) {
                (Ok(full), Ok(tables)) => {
                    assert_eq!(part(&full), part(&tables), "{chosen:?}");
                    assert!(!tables.networks.is_empty() && !tables.sections.is_empty());
                    assert!(tables.typology.is_none() && tables.frameworks.is_empty());
                    compared += 1;
                }
                (
                    Err(AnalysisError::UnknownWave { .. }),
                    Err(AnalysisError::UnknownWave { .. }),
                ) => {}
                (full, tables) => panic!(
                    "{chosen:?}: both or neither must fail: {:?} / {:?}",
                    full.err(),
                    tables.err()
                ),
            }
        }
    }
    assert_eq!(
        compared, 9,
        "the demo has no wave `najaar 2027`, the other 9 exist"
    );
}
