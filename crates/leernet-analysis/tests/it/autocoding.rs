//! The auto-coder's precision and recall as the analysis reports them: on the demo study they
//! equal what `leernet-text` computes straight from the `demo/` files, they are the same on
//! every run, and a project without codings has none.

use crate::common;

use leernet_analysis::*;
use leernet_text::{evaluate_autocoder, Answer, AutoCoder, RuleSet, Span, SpanUnit};
use std::collections::BTreeMap;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).expect(path)
}

fn run(data: &leernet_core::StudyData) -> StudyFigures {
    analyse(data, &Overview::builtin()).expect("the demo analyses")
}

/// The evaluation as `leernet-text`'s own demo test makes it: from the CSV files, answers
/// named by respondent, without `StudyData`.
fn from_the_files() -> leernet_text::AutoCodeEvaluation {
    let mut all: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (file, key) in [
        ("demo/responses/network.csv", "network"),
        ("demo/responses/member.csv", "respondent"),
    ] {
        for row in common::csv(&read(file)) {
            all.insert(row[key].clone(), row);
        }
    }
    let rules =
        RuleSet::from_toml("content/autocode.toml", &read("content/autocode.toml")).unwrap();
    let mut answers = Vec::new();
    for (who, row) in &all {
        for q in rules.questions.keys() {
            if let Some(t) = row.get(q).filter(|t| !t.is_empty()) {
                answers.push(Answer {
                    item: format!("{who}/{q}"),
                    question: q.clone(),
                    text: t.clone(),
                });
            }
        }
    }
    let mut human = Vec::new();
    for row in common::csv(&read("demo/codings.csv")) {
        let answer = &all[&row["respondent"]][&row["question"]];
        let fragment = &row["fragment"];
        let (start, end) = if fragment.is_empty() {
            (0, answer.chars().count())
        } else {
            let at = answer.find(fragment.as_str()).unwrap();
            let s = answer[..at].chars().count();
            (s, s + fragment.chars().count())
        };
        human.push(SpanUnit {
            item: format!("{}/{}", row["respondent"], row["question"]),
            code: row["code"].clone(),
            span: Span { start, end },
        });
    }
    evaluate_autocoder(&AutoCoder::new(&rules), &answers, &human)
}

fn same(got: &PrecisionRecall, want: &leernet_text::Figures) {
    assert_eq!(
        (
            got.true_positives,
            got.false_positives,
            got.false_negatives,
            got.precision,
            got.recall,
            got.f1
        ),
        (
            want.true_positives,
            want.false_positives,
            want.false_negatives,
            want.precision,
            want.recall,
            want.f1
        )
    );
}

#[test]
fn the_demo_figures_are_leernet_texts_figures() {
    let f = run(&common::demo());
    let a = f.autocoding.as_ref().expect("the demo study has codings");
    let want = from_the_files();
    assert_eq!(a.answers, want.answers);
    assert_eq!(a.suggestions, want.suggestions);
    assert_eq!(a.coders, 2);
    assert_eq!(a.rules, "content/autocode.toml");
    same(&a.by_answer.overall, &want.by_answer.overall);
    same(&a.by_segment.overall, &want.by_segment.overall);
    // As measured when the rules were written: answers 77.2% / 68.9%, segments 79.5% / 72.3%.
    let p = a.by_answer.overall.precision.unwrap();
    let r = a.by_answer.overall.recall.unwrap();
    assert!(
        (0.765..0.78).contains(&p) && (0.68..0.70).contains(&r),
        "{p} {r}"
    );
    // The families add up to the overall counts.
    for level in [&a.by_answer, &a.by_segment] {
        let sum = level.families.values().fold((0, 0), |s, x| {
            (s.0 + x.true_positives, s.1 + x.false_positives)
        });
        assert_eq!(
            sum,
            (level.overall.true_positives, level.overall.false_positives)
        );
        assert!(level.families.contains_key("theme"), "{:?}", level.families);
    }
    // The families at the answer level are leernet-text's per-code counts, summed.
    let mut fam: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (k, x) in &want.by_answer.per_code {
        let e = fam
            .entry(k.split('.').next().unwrap().to_owned())
            .or_default();
        e.0 += x.true_positives;
        e.1 += x.false_positives;
        e.2 += x.false_negatives;
    }
    let got: BTreeMap<String, (usize, usize, usize)> = a
        .by_answer
        .families
        .iter()
        .map(|(k, x)| {
            (
                k.clone(),
                (x.true_positives, x.false_positives, x.false_negatives),
            )
        })
        .collect();
    assert_eq!(got, fam);
    assert!(a.note.nl.contains("bovengrens") && a.note.en.contains("upper bound"));
}

#[test]
fn the_figures_are_the_same_on_every_run() {
    let one = serde_json::to_string(&run(&common::demo()).autocoding).unwrap();
    let two = serde_json::to_string(&run(&common::demo()).autocoding).unwrap();
    assert_eq!(one, two);
    assert!(one.contains("\"by_segment\""));
}

#[test]
fn without_codings_there_are_no_figures() {
    let mut data = common::demo();
    data.codings.clear();
    assert!(run(&data).autocoding.is_none());
    // Codings only of codes the rules do not know: none either.
    let mut data = common::demo();
    for b in &mut data.codebooks {
        for c in &mut b.codes {
            c.key = format!("other.{}", c.key);
        }
    }
    assert!(run(&data).autocoding.is_none());
}
