//! A consensus coding changes the content figures of its answer (code presence per network,
//! the themes' co-occurrence) and leaves the agreement figures and the auto-coder's
//! precision and recall, which read the coders' own codings, as they were.

use crate::common;

use leernet_analysis::*;
use leernet_core::*;
use std::collections::{BTreeMap, BTreeSet};

fn run(data: &StudyData) -> StudyFigures {
    analyse(data, &Overview::builtin()).expect("the demo analyses")
}

fn family(data: &StudyData, code: CodeId) -> String {
    let key = &data
        .codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .find(|c| c.id == code)
        .unwrap()
        .key;
    key.split('.').next().unwrap().to_owned()
}

fn key(data: &StudyData, code: CodeId) -> String {
    data.codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .find(|c| c.id == code)
        .unwrap()
        .key
        .clone()
}

/// A consensus coding of `code` on the answer `(response, question)`, by a lead who coded
/// nothing else.
fn settled(id: i64, response: ResponseId, question: &str, code: CodeId) -> Coding {
    Coding {
        id: CodingId(id),
        segment: Segment {
            response,
            question: question.to_owned(),
            start: 0,
            end: 5,
        },
        code,
        coder: PersonId(9_999),
        memo: String::new(),
    }
}

fn network_value(f: &StudyFigures, var: &str, slug: &str) -> Option<f64> {
    let d = &f.datasets.as_ref().unwrap().network;
    let v = d.variables.iter().position(|x| x.key == var)?;
    let u = d.units.iter().position(|x| x == slug)?;
    d.values[v][u]
}

fn json<T: serde::Serialize>(x: &T) -> String {
    serde_json::to_string(x).unwrap()
}

#[test]
fn a_consensus_changes_code_presence_and_not_the_agreement() {
    let data = common::demo();
    let before = run(&data);
    // The network questionnaire's answers (they count for code presence).
    let network_form: BTreeSet<WaveId> = data
        .waves
        .iter()
        .filter(|w| {
            data.instruments
                .iter()
                .any(|i| i.id == w.instrument && i.form_id == "leernet_network")
        })
        .map(|w| w.id)
        .collect();
    let network_of: BTreeMap<ResponseId, NetworkId> = data
        .responses
        .iter()
        .filter(|r| network_form.contains(&r.wave))
        .map(|r| (r.id, r.network))
        .collect();
    // An answer with two codes of a counted family, one of which (d) its network has
    // nowhere else: settling the answer on the other code (c) makes d absent there.
    let mut per_answer: BTreeMap<(ResponseId, String), BTreeSet<CodeId>> = BTreeMap::new();
    for c in &data.codings {
        if network_of.contains_key(&c.segment.response)
            && ["rationale", "agenda"].contains(&family(&data, c.code).as_str())
        {
            per_answer
                .entry((c.segment.response, c.segment.question.clone()))
                .or_default()
                .insert(c.code);
        }
    }
    let (answer, c, d) = per_answer
        .iter()
        .find_map(|((r, q), codes)| {
            let net = network_of[r];
            let d = codes.iter().find(|d| {
                !data.codings.iter().any(|x| {
                    x.code == **d
                        && network_of.get(&x.segment.response) == Some(&net)
                        && (x.segment.response, &x.segment.question) != (*r, q)
                })
            })?;
            let c = codes.iter().find(|c| *c != d)?;
            Some(((*r, q.clone()), *c, *d))
        })
        .expect("the demo has such an answer");
    let slug = data
        .networks
        .iter()
        .find(|n| n.id == network_of[&answer.0])
        .unwrap()
        .slug
        .as_str()
        .to_owned();
    let (var_c, var_d) = (
        format!("code.{}", key(&data, c)),
        format!("code.{}", key(&data, d)),
    );
    assert_eq!(network_value(&before, &var_d, &slug), Some(1.0));
    assert_eq!(network_value(&before, &var_c, &slug), Some(1.0));

    let mut with = data.clone();
    with.consensus = vec![settled(100_000, answer.0, &answer.1, c)];
    with.settled = vec![answer.clone()];
    let after = run(&with);
    assert_eq!(
        network_value(&after, &var_d, &slug),
        Some(0.0),
        "{var_d} is no longer present in {slug}: the consensus left it out"
    );
    assert_eq!(network_value(&after, &var_c, &slug), Some(1.0));

    // Settled on "no code applies": no consensus coding, and no coder's coding counts.
    let mut none = data.clone();
    none.settled = vec![answer.clone()];
    let nothing = run(&none);
    assert_eq!(network_value(&nothing, &var_d, &slug), Some(0.0));
    assert_eq!(
        json(&nothing.qualitative.agreement),
        json(&before.qualitative.agreement)
    );

    // Agreement and the auto-coder's precision and recall read the coders' own codings.
    let (q0, q1) = (&before.qualitative, &after.qualitative);
    assert_eq!(json(&q0.agreement), json(&q1.agreement));
    assert_eq!(q0.cohen_kappa, q1.cohen_kappa);
    assert_eq!(q0.percent_agreement, q1.percent_agreement);
    assert_eq!(q0.units, q1.units);
    assert_eq!(q0.coders, q1.coders);
    assert_eq!(json(&q0.codes), json(&q1.codes));
    assert_eq!(json(&before.autocoding), json(&after.autocoding));
}

#[test]
fn a_consensus_changes_the_themes_co_occurrence() {
    let data = common::demo();
    let before = run(&data);
    let theme = |f: &StudyFigures| {
        f.qualitative
            .cooccurrence
            .iter()
            .find(|c| c.family == "theme")
            .cloned()
            .expect("the demo shows the themes' co-occurrence")
    };
    let t0 = theme(&before);
    let diagonal = |t: &cooccurrence::CoOccurrence, key: &str| {
        t.codes
            .iter()
            .position(|c| c.key == key)
            .map_or(0, |i| t.counts[i][i])
    };
    // An answer with two theme codes: settle it on the first.
    let mut per_answer: BTreeMap<(ResponseId, String), BTreeSet<CodeId>> = BTreeMap::new();
    for c in &data.codings {
        if family(&data, c.code) == "theme" {
            per_answer
                .entry((c.segment.response, c.segment.question.clone()))
                .or_default()
                .insert(c.code);
        }
    }
    let ((r, q), codes) = per_answer
        .iter()
        .find(|(_, codes)| codes.len() >= 2)
        .expect("the demo has an answer with two themes");
    let kept = *codes.iter().next().unwrap();
    let dropped: Vec<String> = codes.iter().skip(1).map(|c| key(&data, *c)).collect();
    let mut with = data.clone();
    with.consensus = vec![settled(100_000, *r, q, kept)];
    with.settled = vec![(*r, q.clone())];
    let t1 = theme(&run(&with));
    assert_eq!(
        diagonal(&t1, &key(&data, kept)),
        diagonal(&t0, &key(&data, kept))
    );
    for k in &dropped {
        assert_eq!(diagonal(&t1, k), diagonal(&t0, k) - 1, "{k}");
    }
    assert_eq!(t1.n, t0.n, "the answer still carries a theme");
}
