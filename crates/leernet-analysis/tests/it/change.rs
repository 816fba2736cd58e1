//! Issue 19, items 2 and 3: change between waves on a seeded two-wave world — the demo with
//! a second fielding (`2027`) of both questionnaires in which every network answers again,
//! and some networks changed in known ways: five more evaluate their work (formality + 1),
//! six more name loneliness as a theme. The figures must find exactly those changes, with
//! the right pairs, waves and tests; nothing changes for the rest.

use crate::common;

use leernet_analysis::change::{ChangeFigures, ChangeRow, Design};
use leernet_analysis::{analyse_project, ProjectContent};
use leernet_core::*;

fn row<'c>(c: &'c ChangeFigures, kind: &str, key: &str) -> &'c ChangeRow {
    c.rows
        .iter()
        .find(|r| r.kind == kind && r.key == key)
        .unwrap_or_else(|| panic!("no {kind} {key}"))
}

#[test]
fn one_wave_has_no_change_figures() {
    let f = analyse_project(&common::demo(), &ProjectContent::builtin()).unwrap();
    assert!(f.change.is_none());
    let json = serde_json::to_value(&f).unwrap();
    assert!(json["change"].is_null());
}

#[test]
fn the_changes_made_are_the_changes_found() {
    let data = common::two_waves(false, &[]);
    let f = analyse_project(&data, &ProjectContent::builtin()).unwrap();
    let c = f.change.as_ref().expect("two waves with answers");
    assert_eq!((c.earlier.as_str(), c.later.as_str()), ("2026", "2027"));
    assert_eq!(
        (c.networks_earlier, c.networks_later, c.networks_both),
        (17, 17, 17)
    );

    // Formality: the first eight networks evaluate now; five of them did not before.
    let before: Vec<bool> = common::demo()
        .responses
        .iter()
        .filter(|r| r.answers.contains_key("form_evaluation"))
        .take(8)
        .map(|r| r.answers["form_evaluation"] == "yes")
        .collect();
    let newly = before.iter().filter(|b| !**b).count();
    assert_eq!(newly, 5);
    let formality = row(c, "scale", "formality");
    assert_eq!(formality.design, Design::Paired);
    assert_eq!(formality.n_pairs, 17);
    assert!((formality.difference.unwrap() - newly as f64 / 17.0).abs() < 1e-12);
    assert!(formality.later.unwrap() > formality.earlier.unwrap());
    // Five equal differences and twelve zeros: Wilcoxon's normal approximation, z = √5.
    let z = 5f64.sqrt();
    let p = 2.0 * leernet_stats::special::norm_sf(z);
    assert!(
        (formality.p_value.unwrap() - p).abs() < 1e-12,
        "{formality:?}"
    );
    assert!(!formality.small_n);

    // Loneliness: six networks took it up, none dropped it: McNemar's exact p = 2 · ½⁶.
    let lonely = row(c, "theme", "themes.loneliness");
    assert_eq!(lonely.n_pairs, 17);
    assert_eq!(lonely.earlier, Some(4.0 / 17.0));
    assert_eq!(lonely.later, Some(10.0 / 17.0));
    assert!((lonely.difference.unwrap() - 6.0 / 17.0).abs() < 1e-12);
    assert!((lonely.p_value.unwrap() - 0.03125).abs() < 1e-12);
    assert!(lonely.ci_low.unwrap() > 0.0 && lonely.ci_high.unwrap() < 1.0);
    // A theme nobody changed: no difference, p = 1.
    let collab = row(c, "theme", "themes.collaboration");
    assert_eq!((collab.difference, collab.p_value), (Some(0.0), Some(1.0)));

    // Members answered anonymously: the networks' averages, Welch, no change.
    let climate = row(c, "scale", "learning_climate");
    assert_eq!(climate.design, Design::Aggregates);
    assert_eq!(climate.test, "welch");
    assert_eq!(climate.difference, Some(0.0));
    assert!(climate.method.nl.contains("anoniem"));
    assert!(climate.method.en.contains("cannot be followed"));

    // Per network: the first network's formality went up by one, the ninth's stayed.
    let first = c.network(data.networks[0].slug.as_str()).unwrap();
    let fr = first
        .rows
        .iter()
        .find(|r| r.kind == "scale" && r.key == "formality")
        .unwrap();
    assert_eq!(fr.difference, Some(1.0));
    let ninth = c.network(data.networks[8].slug.as_str()).unwrap();
    assert!(ninth
        .rows
        .iter()
        .filter(|r| r.kind != "scale" || r.key == "formality")
        .all(|r| r.difference == Some(0.0) || r.difference.is_none()));

    // Elements and indicators are there, paired over the 17 networks.
    let elements: Vec<&ChangeRow> = c.rows.iter().filter(|r| r.kind == "element").collect();
    assert_eq!(elements.len(), 7 + 4);
    assert!(elements
        .iter()
        .all(|r| r.n_pairs == 17 && r.design == Design::Paired));
    assert!(c.rows.iter().any(|r| r.kind == "indicator"));

    // The words: which waves, paired, how sure.
    assert!(c.design_text.nl.contains("2027") && c.design_text.nl.contains("2026"));
    assert!(c.caveat.en.contains("17 networks"));
    // In the JSON of `analyse --json`, with the waves' names.
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["change"]["later"], "2027");
    assert_eq!(json["change"]["earlier"], "2026");
    // Deterministic.
    let again = analyse_project(&data, &ProjectContent::builtin()).unwrap();
    assert_eq!(again.change, f.change);
}

#[test]
fn followed_members_are_compared_paired() {
    let lifted = ["m001", "m002", "m003", "m004"];
    let data = common::two_waves(true, &lifted);
    let f = analyse_project(&data, &ProjectContent::builtin()).unwrap();
    let c = f.change.unwrap();
    let climate = row(&c, "scale", "learning_climate");
    assert_eq!(climate.design, Design::Paired);
    // Every member with a score in both waves is a pair.
    let scored = data
        .responses
        .iter()
        .filter(|r| r.answers.contains_key("lc_safe"))
        .filter(|r| {
            [
                "lc_safe",
                "lc_open",
                "lc_learn_others",
                "lc_time",
                "lc_own_questions",
                "lc_practice",
            ]
            .iter()
            .all(|q| r.answers.contains_key(*q))
        })
        .count();
    assert_eq!(climate.n_pairs * 2, scored);
    // The lifted members' lc_safe went up by one where it could (below 5): a sixth each.
    let demo = common::demo();
    let raised = demo
        .responses
        .iter()
        .filter(|r| lifted.contains(&r.respondent.as_str()))
        .filter(|r| r.answers.get("lc_safe").is_some_and(|v| v != "5"))
        .count();
    let want = raised as f64 / 6.0 / climate.n_pairs as f64;
    assert!(
        (climate.difference.unwrap() - want).abs() < 1e-12,
        "{climate:?}"
    );
    assert!(climate.method.en.contains("chose to be followed"));
}

#[test]
fn an_earlier_wave_chosen_compares_with_the_one_before_it() {
    // With the first wave chosen there is no wave before it: no change figures.
    let data = common::two_waves(false, &[]);
    let f = leernet_analysis::analyse_project_on(
        &data,
        &ProjectContent::builtin(),
        Some(&WaveChoice::Wave("2026".into())),
    )
    .unwrap();
    assert!(f.change.is_none());
}
