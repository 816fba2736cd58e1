//! Unit tests of the study's QCA: the specification, calibration and the sentences.
use super::*;
use crate::dataset::{Category, Variable};

const SPEC: &str = r#"
incl_cut = 0.8
n_cut = 1
pri_cut = 0.5
robustness_incl_cuts = [0.7, 0.8]

[[condition]]
key = "AGENDA"
variable = "agenda_setting.participants_together"
calibration = "crisp"
expect = "present"
name_nl = "Agenda samen"
name_en = "Agenda together"
in_nl = "de deelnemers samen de agenda bepalen"
in_en = "the participants set the agenda together"
out_nl = "de deelnemers niet samen de agenda bepalen"
out_en = "the participants do not set the agenda together"

[[condition]]
key = "NEUTRAL"
variable = "facilitator_position"
calibration = "crisp"
in = ["neutral"]
missing = "out"
expect = "present"
name_nl = "Neutrale facilitator"
name_en = "Neutral facilitator"
in_nl = "een neutrale leerfacilitator het leren begeleidt"
in_en = "a neutral learning facilitator guides the learning"
out_nl = "geen neutrale leerfacilitator het leren begeleidt"
out_en = "no neutral learning facilitator guides the learning"

[[condition]]
key = "FORMAL"
variable = "scale.formality"
calibration = "fuzzy"
anchors = [0.0, 5.0, 10.0]
name_nl = "Formeel"
name_en = "Formal"
in_nl = "het netwerk formeel is"
in_en = "the network is formal"
out_nl = "het netwerk informeel is"
out_en = "the network is informal"

[[outcome]]
key = "PRACTICE"
variable = "practice"
calibration = "crisp"
threshold = 0.5
conditions = ["AGENDA", "NEUTRAL"]
name_nl = "Gebruik in de praktijk"
name_en = "Use in practice"
result_nl = "rapporteren vaker gebruik in de praktijk"
result_en = "more often report use in practice"
"#;

fn var(key: &str, measure: Measure, categories: &[&str]) -> Variable {
    Variable {
        key: key.into(),
        label: bi(format!("{key} (nl)"), format!("{key} (en)")),
        measure,
        categories: categories
            .iter()
            .map(|c| Category {
                name: (*c).into(),
                label: bi(format!("{c} nl"), format!("{c} en")),
            })
            .collect(),
        source: format!("leernet_network/{key}"),
        rule: "answer".into(),
        n: 0,
        not_answered: 0,
        not_applicable: 0,
    }
}

/// Nine networks: the participants set the agenda together and a neutral facilitator
/// guides in networks 1–3 and 9; networks 1–3 report use in practice, 9 does not.
/// Network 6 has no facilitator (position missing), network 8 no agenda answer.
fn dataset() -> (Dataset, Vec<String>) {
    let agenda = [1., 1., 1., 1., 0., 0., 0.];
    let mut agenda: Vec<Option<f64>> = agenda.iter().map(|&v| Some(v)).collect();
    agenda.push(None);
    agenda.push(Some(1.0));
    let position = vec![
        Some(2.),
        Some(2.),
        Some(2.),
        Some(0.),
        Some(2.),
        None,
        Some(1.),
        Some(2.),
        Some(2.),
    ];
    let formality = vec![Some(5.0); 9];
    let practice = vec![
        Some(0.9),
        Some(0.8),
        Some(1.0),
        Some(0.2),
        Some(0.1),
        Some(0.3),
        Some(0.0),
        Some(1.0),
        Some(0.2),
    ];
    let units: Vec<String> = (1..=9).map(|i| format!("n{i}")).collect();
    let names = (1..=9).map(|i| format!("Netwerk {i}")).collect();
    (
        Dataset {
            level: "network".into(),
            n_units: units.len(),
            units,
            variables: vec![
                var(
                    "agenda_setting.participants_together",
                    Measure::AsymmetricBinary,
                    &[],
                ),
                var(
                    "facilitator_position",
                    Measure::Ordinal,
                    &["with_interest", "mostly_neutral", "neutral"],
                ),
                var("scale.formality", Measure::Numeric, &[]),
                var("practice", Measure::Numeric, &[]),
            ],
            values: vec![agenda, position, formality, practice],
            rule: bi("", ""),
        },
        names,
    )
}

fn spec() -> QcaSpec {
    QcaSpec::parse(SPEC, "test.toml").unwrap()
}

#[test]
fn a_contradicting_network_keeps_the_configuration_below_the_cut_off() {
    let (ds, names) = dataset();
    let f = compute(&ds, &names, &spec());
    let o = &f.outcomes[0];
    assert!(o.computed, "{:?}", o.message);
    // Network 8 has no agenda answer and is left out; network 6 has no facilitator,
    // which counts as "no neutral facilitator".
    assert_eq!(o.cases.len(), 8);
    assert_eq!(o.excluded.len(), 1);
    assert_eq!(o.excluded[0].name, "Netwerk 8");
    assert_eq!(o.excluded[0].missing[0].nl, "Agenda samen");
    // Row "agenda together and neutral": networks 1, 2, 3 and 9, consistency 3/4.
    let row = &o.truth_table.rows[0];
    assert_eq!(row.config, vec![1, 1]);
    assert_eq!(row.n, 4);
    assert_eq!(row.incl, Some(0.75));
    assert!(row.contradiction);
    assert_eq!(row.out, "0");
    assert_eq!(o.truth_table.contradictions, 1);
    assert_eq!(o.truth_table.remainders, 0);
    let cons = &o.solutions[0];
    assert!(cons.models.is_empty());
    assert_eq!(
        cons.message.as_ref().unwrap().nl,
        "Geen enkele combinatie is bij deze drempels voldoende voor de uitkomst."
    );
    assert_eq!(o.reported, "conservative");
    assert_eq!(
        o.sentences[0].en,
        "No combination is sufficient for the outcome at these cut-offs."
    );
}

#[test]
fn the_solution_is_said_in_words_with_its_fit() {
    let (ds, names) = dataset();
    let s = spec();
    let cuts = Cuts::new(0.75, 1, 0.0).unwrap();
    let o = analyse_outcome(&ds, &names, &s, &s.outcomes[0], cuts);
    assert_eq!(o.reported, "intermediate");
    let inter = o
        .solutions
        .iter()
        .find(|s| s.kind == "intermediate")
        .unwrap();
    assert_eq!(inter.models.len(), 1);
    let t = &inter.models[0].terms[0];
    assert_eq!(t.literals, vec![Some(true), Some(true)]);
    assert_eq!(
        t.cases,
        ["Netwerk 1", "Netwerk 2", "Netwerk 3", "Netwerk 9"]
    );
    assert_eq!(t.incl, 0.75);
    assert_eq!(t.cov, 1.0);
    assert_eq!(
        o.sentences[0].nl,
        "Netwerken waarin de deelnemers samen de agenda bepalen én een neutrale leerfacilitator het leren begeleidt, rapporteren vaker gebruik in de praktijk (consistentie 0,75; dekking 1,00; 4 netwerken)."
    );
    assert_eq!(
        o.sentences[0].en,
        "Networks in which the participants set the agenda together and a neutral learning facilitator guides the learning more often report use in practice (consistency 0.75; coverage 1.00; 4 networks)."
    );
    assert_eq!(
        o.sentences[1].nl,
        "Deze combinatie dekt 1,00 van de uitkomst (consistentie 0,75)."
    );
    // One point per analysed network on the XY plot.
    assert_eq!(t.xy.len(), 8);
    assert_eq!(t.xy[3], (0.0, 0.0));
    // Robustness: at 0.8 (from the list) the term is gone; 0.75 is as reported.
    assert_eq!(o.robustness.variants.len(), 3);
    assert_eq!(
        o.robustness.variants[0].en,
        "As reported (consistency ≥ 0.75)"
    );
    assert_eq!(o.robustness.variants[1].nl, "Consistentie ≥ 0,70");
    assert_eq!(o.robustness.terms.len(), 1);
    assert_eq!(o.robustness.terms[0].present, vec![true, true, false]);
    assert!(!o.robustness.terms[0].robust);
}

#[test]
fn necessity_is_computed_for_every_condition_and_its_absence() {
    let (ds, names) = dataset();
    let s = spec();
    let o = analyse_outcome(&ds, &names, &s, &s.outcomes[0], s.cuts);
    let agenda = &o.necessity[0];
    assert!(agenda.present);
    assert_eq!(agenda.label.en, "the participants set the agenda together");
    // Outcome in networks 1–3; agenda together in 1–4 and 9 (of the eight analysed).
    assert_eq!(agenda.incl, 1.0);
    assert_eq!(agenda.cov, 0.6);
    // RoN = Σ(1 − X) / Σ(1 − min(X, Y)) = 3 / 5.
    assert_eq!(agenda.ron, 0.6);
    let no_agenda = &o.necessity[1];
    assert!(!no_agenda.present);
    assert_eq!(no_agenda.incl, 0.0);
    assert_eq!(o.necessity.len(), 4);
}

#[test]
fn a_network_at_the_crossover_is_warned_about() {
    let (ds, names) = dataset();
    let text = SPEC.replace(
        "conditions = [\"AGENDA\", \"NEUTRAL\"]",
        "conditions = [\"AGENDA\", \"FORMAL\"]",
    );
    let s = QcaSpec::parse(&text, "t.toml").unwrap();
    let o = analyse_outcome(&ds, &names, &s, &s.outcomes[0], s.cuts);
    // Every network has formality 5, the crossover: none is in a truth-table row.
    assert_eq!(o.crossover.len(), 8);
    assert_eq!(o.crossover[0].set.en, "Formal");
    assert!(!o.crossover[0].outcome);
    assert!(o.truth_table.rows.iter().all(|r| r.n == 0));
}

#[test]
fn a_variable_the_data_do_not_have_is_said_not_a_failure() {
    let (ds, names) = dataset();
    let text = SPEC.replace("variable = \"practice\"", "variable = \"code.x.y\"");
    let s = QcaSpec::parse(&text, "t.toml").unwrap();
    let o = analyse_outcome(&ds, &names, &s, &s.outcomes[0], s.cuts);
    assert!(!o.computed);
    assert_eq!(
        o.message.unwrap().en,
        "The variable \"code.x.y\" is not (yet) in the networks' data."
    );
    let text = SPEC.replace("in = [\"neutral\"]", "in = [\"neutrall\"]");
    let s = QcaSpec::parse(&text, "t.toml").unwrap();
    let o = analyse_outcome(&ds, &names, &s, &s.outcomes[0], s.cuts);
    assert_eq!(
        o.message.unwrap().nl,
        "\"facilitator_position\" heeft geen keuze \"neutrall\"."
    );
}

#[test]
fn calibration_choices_are_described_with_labels() {
    let (ds, names) = dataset();
    let s = spec();
    let o = analyse_outcome(&ds, &names, &s, &s.outcomes[0], s.cuts);
    assert_eq!(o.calibration[0].role, "outcome");
    assert_eq!(o.calibration[0].rule.nl, "crisp: 1 vanaf 0,5, anders 0");
    assert_eq!(
        o.calibration[2].rule.en,
        "crisp: 1 for the answer ‘neutral en’, else 0; without an answer: 0 (out)"
    );
    assert_eq!(
        o.calibration[2].expectation.as_ref().unwrap().nl,
        "verwacht bij de uitkomst als aanwezig"
    );
}

const NEGATION: &str = r#"result_en = "more often report use in practice"
neg_name_nl = "Geen gebruik in de praktijk"
neg_name_en = "No use in practice"
neg_result_nl = "rapporteren vaker geen gebruik in de praktijk"
neg_result_en = "more often report no use in practice"
"#;

#[test]
fn the_negated_outcome_is_analysed_too_with_the_expectations_turned_round() {
    let (ds, names) = dataset();
    let text = SPEC.replace(
        "result_en = \"more often report use in practice\"\n",
        NEGATION,
    );
    let s = QcaSpec::parse(&text, "t.toml").unwrap();
    let f = compute(&ds, &names, &s);
    assert_eq!(f.outcomes.len(), 2);
    let (pos, neg) = (&f.outcomes[0], &f.outcomes[1]);
    assert!(!pos.negated && neg.negated);
    assert_eq!(neg.key, "PRACTICE_NOT");
    assert_eq!(neg.name.en, "No use in practice");
    assert!(neg.calibration[0]
        .rule
        .nl
        .ends_with("; de ontkenning: 1 min het lidmaatschap"));
    // Without the outcome: networks 4, 5, 6, 7 and 9 (8 is left out). The agenda set
    // together: 4 and 9 of them; not together: 5, 6 and 7.
    assert_eq!(neg.necessity[0].incl, 0.4);
    assert_eq!(neg.necessity[1].incl, 0.6);
    // Sufficient for the negation at 0.75: every configuration but "agenda together and a
    // neutral facilitator", so the solution is: not together, or no neutral facilitator.
    let s75 = Cuts::new(0.75, 1, 0.0).unwrap();
    let neg_def = s.outcomes[0].negation().unwrap();
    let o = analyse_outcome(&ds, &names, &s, &neg_def, s75);
    assert_eq!(o.reported, "intermediate");
    let inter = o
        .solutions
        .iter()
        .find(|s| s.kind == "intermediate")
        .unwrap();
    let terms: BTreeSet<Vec<Option<bool>>> = inter.models[0]
        .terms
        .iter()
        .map(|t| t.literals.clone())
        .collect();
    assert_eq!(
        terms,
        BTreeSet::from([vec![Some(false), None], vec![None, Some(false)]])
    );
    assert!(o.sentences.iter().any(|s| s.nl
        == "Netwerken waarin geen neutrale leerfacilitator het leren begeleidt, rapporteren vaker geen gebruik in de praktijk (consistentie 1,00; dekking 0,60; 3 netwerken)."));
    assert_eq!(
        o.sentences[1].nl,
        "Netwerken waarin de deelnemers niet samen de agenda bepalen, rapporteren vaker geen gebruik in de praktijk (consistentie 1,00; dekking 0,60; 3 netwerken)."
    );
    assert!(o.sentences[0]
        .en
        .contains("more often report no use in practice"));
    // The positive outcome's analysis is unchanged by naming the negation.
    let plain = compute(&ds, &names, &spec());
    assert_eq!(plain.outcomes.len(), 1);
    assert_eq!(
        serde_json::to_string(&plain.outcomes[0]).unwrap(),
        serde_json::to_string(pos).unwrap()
    );
}

/// Formality per network: 6.5 for the networks with the outcome, 4.5 for networks 4 and 9
/// (agenda together, no outcome), 3 for the rest.
fn with_formality(ds: &mut Dataset, values: [f64; 9]) {
    let i = ds.index("scale.formality").unwrap();
    ds.values[i] = values.iter().map(|&v| Some(v)).collect();
}

#[test]
fn robustness_shows_which_terms_survive_a_moved_crossover() {
    let (mut ds, names) = dataset();
    with_formality(&mut ds, [6.5, 6.5, 6.5, 4.5, 3.0, 3.0, 3.0, 3.0, 4.5]);
    let text = SPEC
        .replace(
            "conditions = [\"AGENDA\", \"NEUTRAL\"]",
            "conditions = [\"AGENDA\", \"FORMAL\"]",
        )
        .replace(
            "anchors = [0.0, 5.0, 10.0]",
            "anchors = [0.0, 5.0, 10.0]\ncrossover_step = 1.0",
        );
    let s = QcaSpec::parse(&text, "t.toml").unwrap();
    let o = analyse_outcome(
        &ds,
        &names,
        &s,
        &s.outcomes[0],
        Cuts::new(0.7, 1, 0.0).unwrap(),
    );
    let labels: Vec<&str> = o
        .robustness
        .variants
        .iter()
        .map(|v| v.nl.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "Zoals gerapporteerd (consistentie ≥ 0,70)",
            "Consistentie ≥ 0,80",
            "Omslagpunt ‘Formeel’ op 4",
            "Omslagpunt ‘Formeel’ op 6"
        ]
    );
    assert_eq!(o.robustness.variants[3].en, "Crossover of ‘Formal’ at 6");
    // "Agenda together and formal": consistency 0.71 as reported; with the crossover at 4
    // networks 4 and 9 (4.5) join the set and it falls to 0.67; at 6 it rises to 0.73.
    let t = &o.robustness.terms[0];
    assert_eq!(
        t.text.en,
        "the participants set the agenda together and the network is formal"
    );
    assert_eq!(t.present, vec![true, false, false, true]);
    assert!(!t.robust);
}

#[test]
fn a_crossover_step_is_checked_when_the_file_loads() {
    let bad = SPEC.replace(
        "anchors = [0.0, 5.0, 10.0]",
        "anchors = [0.0, 5.0, 10.0]\ncrossover_step = 5.0",
    );
    let e = QcaSpec::parse(&bad, "t.toml").unwrap_err().to_string();
    assert!(
        e.starts_with("t.toml: condition \"FORMAL\", field `crossover_step`: moved by 5"),
        "{e}"
    );
    let crisp = SPEC.replace(
        "calibration = \"crisp\"\nexpect = \"present\"\nname_nl = \"Agenda samen\"",
        "calibration = \"crisp\"\ncrossover_step = 1.0\nexpect = \"present\"\nname_nl = \"Agenda samen\"",
    );
    let e = QcaSpec::parse(&crisp, "t.toml").unwrap_err().to_string();
    assert!(e.contains("`crossover_step` belongs to a fuzzy set"), "{e}");
}

#[test]
fn indirect_calibration_groups_the_networks_and_fits_their_memberships() {
    let (mut ds, names) = dataset();
    let raw = [6.5, 6.0, 7.5, 4.5, 3.0, 2.0, 1.0, 2.5, 5.5];
    with_formality(&mut ds, raw);
    let text = SPEC
        .replace(
            "conditions = [\"AGENDA\", \"NEUTRAL\"]",
            "conditions = [\"AGENDA\", \"FORMAL\"]",
        )
        .replace(
            "calibration = \"fuzzy\"\nanchors = [0.0, 5.0, 10.0]",
            "calibration = \"indirect\"\nthresholds = [2.0, 4.0, 6.0]",
        );
    let s = QcaSpec::parse(&text, "t.toml").unwrap();
    let o = analyse_outcome(&ds, &names, &s, &s.outcomes[0], s.cuts);
    assert!(o.computed, "{:?}", o.message);
    assert_eq!(
        o.calibration[2].rule.nl,
        "fuzzy, indirecte methode: de netwerken in 4 klassen gedeeld bij 2, 4 en 6, lidmaatschap geschat met een fractionele logit"
    );
    // The memberships are the engine's fit over every network with a value (network 8,
    // left out for its agenda answer, still counts in the fit, as the set is calibrated
    // before cases are dropped).
    let all = leernet_stats::qca::calibrate::indirect(&raw, &[2.0, 4.0, 6.0]).unwrap();
    let kept: Vec<f64> = [0, 1, 2, 3, 4, 5, 6, 8].iter().map(|&i| all[i]).collect();
    let got: Vec<f64> = o.cases.iter().map(|c| c.conditions[1]).collect();
    assert_eq!(got, kept);
    // Too few distinct values for the fit: said in words, not a failure of the study.
    with_formality(&mut ds, [6.5, 6.5, 6.5, 4.5, 3.0, 3.0, 3.0, 3.0, 4.5]);
    let o = analyse_outcome(&ds, &names, &s, &s.outcomes[0], s.cuts);
    assert!(!o.computed);
    assert!(o
        .message
        .unwrap()
        .en
        .starts_with("The indirect calibration of \"scale.formality\" failed"));
}

#[test]
fn a_handle_cites_a_configuration_by_outcome_and_literals() {
    let c = crate::QcaCitation::parse("CLIMATE: AGENDA * ~NEUTRAL").unwrap();
    assert_eq!(c.outcome, "CLIMATE");
    assert_eq!(
        c.literals,
        [("AGENDA".to_owned(), true), ("NEUTRAL".to_owned(), false)]
    );
    for bad in [
        "CLIMATE",
        "CLIMATE: ",
        ": A",
        "CLIMATE: A*A",
        "CLIMATE: A+B",
        "1X: A",
    ] {
        assert!(crate::QcaCitation::parse(bad).is_err(), "{bad}");
    }
    // The shipped handles cite only what the shipped QCA has.
    let content = crate::Content::builtin();
    content
        .handles
        .check_citations(&QcaSpec::builtin())
        .unwrap();
    assert!(content
        .handles
        .handles
        .iter()
        .any(|h| h.configuration.is_some()));
    // A citation of an unknown outcome or of a condition the outcome is not analysed with
    // is refused, naming the file, the handle and the field.
    let mut set = content.handles.clone();
    let h = set
        .handles
        .iter_mut()
        .find(|h| h.configuration.is_some())
        .unwrap();
    h.configuration = Some(crate::QcaCitation::parse("CLIMATE: AGENDA*NOPE").unwrap());
    let e = set
        .check_citations(&QcaSpec::builtin())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("field `configuration`: \"NOPE\" is not a condition of the outcome \"CLIMATE\""),
        "{e}"
    );
    let h = set
        .handles
        .iter_mut()
        .find(|h| h.configuration.is_some())
        .unwrap();
    h.configuration = Some(crate::QcaCitation::parse("NOPE_NOT: AGENDA").unwrap());
    assert!(set.check_citations(&QcaSpec::builtin()).is_err());
}
