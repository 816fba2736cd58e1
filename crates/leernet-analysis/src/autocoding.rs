//! How good the auto-coder's suggestions are: precision, recall and F1 of the shipped
//! auto-coding rules (`content/autocode.toml`, run by `leernet-text`) against the human
//! codings stored in the project.
//!
//! Why it exists: suggestions are only worth a coder's attention if they are mostly right
//! and find most of what the coders find; `leernet analyse` reports how often they are.
//!
//! What is compared: every submitted answer to a question the rules name is run through the
//! auto-coder; the human codings of those answers (every coder's, together) are the
//! reference. Two levels, as `leernet_text::eval` defines them: **answers** (an (answer,
//! code) pair is suggested and/or coded) and **segments** (a suggested span is right when it
//! overlaps a human segment with the same code). Figures are given overall and per code
//! family (the part of the key before the first dot).
//!
//! Invariants: pure and deterministic (sorted maps only, no clock); `None` when the project
//! has no codings, or none of a code the rules know.

use leernet_core::{Bilingual, ResponseStatus, StudyData};
use leernet_text::{evaluate, evaluate_spans, Answer, AutoCoder, RuleSet, SpanUnit, Unit};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Where the shipped rules live (named in the figures).
pub const AUTOCODE_RULES_FILE: &str = "content/autocode.toml";

/// The shipped auto-coding rules for the shipped codebook.
pub fn builtin_rules() -> RuleSet {
    RuleSet::from_toml(
        AUTOCODE_RULES_FILE,
        include_str!("../../../content/autocode.toml"),
    )
    .expect("the shipped auto-coding rules parse (tested)")
}

/// Counts and the figures derived from them; a figure is `None` when its denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PrecisionRecall {
    /// Suggested and coded by a human.
    pub true_positives: usize,
    /// Suggested, not coded by a human.
    pub false_positives: usize,
    /// Coded by a human, not suggested.
    pub false_negatives: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl From<&leernet_text::Figures> for PrecisionRecall {
    fn from(f: &leernet_text::Figures) -> Self {
        PrecisionRecall {
            true_positives: f.true_positives,
            false_positives: f.false_positives,
            false_negatives: f.false_negatives,
            precision: f.precision,
            recall: f.recall,
            f1: f.f1,
        }
    }
}

/// The figures of one level, overall and per code family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelFigures {
    pub overall: PrecisionRecall,
    /// By family (`theme`, `rationale`, …), sorted.
    pub families: BTreeMap<String, PrecisionRecall>,
}

/// Precision and recall of the auto-coding suggestions against the human codings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutoCodingFigures {
    /// The rules that made the suggestions.
    pub rules: String,
    /// Answers run through the auto-coder.
    pub answers: usize,
    /// Suggestions made on them.
    pub suggestions: usize,
    /// Human codings of those answers (all coders together).
    pub human_codings: usize,
    /// Coders whose codings are the reference.
    pub coders: usize,
    /// (answer, code) level.
    pub by_answer: LevelFigures,
    /// Segment level (overlap).
    pub by_segment: LevelFigures,
    /// How to read the figures.
    pub note: Bilingual,
}

fn family(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// The figures of the shipped rules on `data`.
pub fn autocoding(data: &StudyData) -> Option<AutoCodingFigures> {
    autocoding_with(data, &builtin_rules(), AUTOCODE_RULES_FILE)
}

/// The figures of `rules` (read from `file`) on `data`; `None` when there are no codings,
/// or none of a code the rules know.
pub fn autocoding_with(data: &StudyData, rules: &RuleSet, file: &str) -> Option<AutoCodingFigures> {
    let keys: BTreeMap<_, &str> = data
        .codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, c.key.as_str()))
        .collect();
    let known: BTreeSet<&str> = rules.codes.iter().map(|c| c.key.as_str()).collect();
    if !data
        .codings
        .iter()
        .any(|c| keys.get(&c.code).is_some_and(|k| known.contains(k)))
    {
        return None;
    }
    let item = |response: i64, question: &str| format!("{response}/{question}");
    let mut answers = Vec::new();
    for r in &data.responses {
        if r.status != ResponseStatus::Submitted {
            continue;
        }
        for q in rules.questions.keys() {
            if let Some(t) = r.answers.get(q).filter(|t| !t.trim().is_empty()) {
                answers.push(Answer {
                    item: item(r.id.0, q),
                    question: q.clone(),
                    text: t.clone(),
                });
            }
        }
    }
    let items: BTreeSet<&str> = answers.iter().map(|a| a.item.as_str()).collect();
    let mut coders = BTreeSet::new();
    let mut human = Vec::new();
    for c in &data.codings {
        let Some(key) = keys.get(&c.code) else {
            continue;
        };
        let it = item(c.segment.response.0, &c.segment.question);
        if !items.contains(it.as_str()) {
            continue;
        }
        coders.insert(c.coder);
        human.push(SpanUnit {
            item: it,
            code: (*key).to_owned(),
            span: leernet_text::Span {
                start: c.segment.start,
                end: c.segment.end,
            },
        });
    }
    human.sort();
    let coder = AutoCoder::new(rules);
    let mut suggested = Vec::new();
    for a in &answers {
        for s in coder.suggest(Some(&a.question), &a.text) {
            suggested.push(SpanUnit {
                item: a.item.clone(),
                code: s.code,
                span: s.span,
            });
        }
    }
    let units = |v: &[&SpanUnit]| -> BTreeSet<Unit> {
        v.iter()
            .map(|s| Unit {
                item: s.item.clone(),
                code: s.code.clone(),
            })
            .collect()
    };
    // One level's figures over the spans whose code passes `keep`.
    let level = |keep: &dyn Fn(&str) -> bool| {
        let s: Vec<&SpanUnit> = suggested.iter().filter(|u| keep(&u.code)).collect();
        let h: Vec<&SpanUnit> = human.iter().filter(|u| keep(&u.code)).collect();
        let owned = |v: &[&SpanUnit]| v.iter().map(|u| (*u).clone()).collect::<Vec<_>>();
        (
            PrecisionRecall::from(&evaluate(&units(&s), &units(&h)).overall),
            PrecisionRecall::from(&evaluate_spans(&owned(&s), &owned(&h)).overall),
        )
    };
    let (answer_all, segment_all) = level(&|_| true);
    let families: BTreeSet<&str> = suggested
        .iter()
        .chain(&human)
        .map(|u| family(&u.code))
        .collect();
    let mut by_answer = LevelFigures {
        overall: answer_all,
        families: BTreeMap::new(),
    };
    let mut by_segment = LevelFigures {
        overall: segment_all,
        families: BTreeMap::new(),
    };
    for f in families {
        let (a, s) = level(&|k| family(k) == f);
        by_answer.families.insert(f.to_owned(), a);
        by_segment.families.insert(f.to_owned(), s);
    }
    Some(AutoCodingFigures {
        rules: file.to_owned(),
        answers: answers.len(),
        suggestions: suggested.len(),
        human_codings: human.len(),
        coders: coders.len(),
        by_answer,
        by_segment,
        note: if file == AUTOCODE_RULES_FILE {
            Bilingual {
                nl: "De meegeleverde regels zijn geschreven met de fictieve antwoorden van de \
                     demostudie voor ogen; precisie en recall op die studie zijn daarom een \
                     bovengrens van wat de regels op nieuwe antwoorden halen. Suggesties blijven \
                     suggesties tot een codeur ze aanneemt."
                    .into(),
                en: "The shipped rules were written with the fictional demo study's answers in \
                     view, so precision and recall on that study are an upper bound of what the \
                     rules achieve on new answers. Suggestions stay suggestions until a coder \
                     accepts them."
                    .into(),
            }
        } else {
            Bilingual {
                nl: format!(
                    "De regels komen uit het eigen bestand van het project ({file}). Zijn ze \
                     geschreven met deze antwoorden voor ogen, dan zijn precisie en recall een \
                     bovengrens. Suggesties blijven suggesties tot een codeur ze aanneemt."
                ),
                en: format!(
                    "The rules come from the project's own file ({file}). If they were written \
                     with these answers in view, precision and recall are an upper bound. \
                     Suggestions stay suggestions until a coder accepts them."
                ),
            }
        },
    })
}
