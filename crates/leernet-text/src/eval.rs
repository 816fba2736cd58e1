//! Precision and recall of auto-coding suggestions against human codings.
//!
//! Two levels, both reported:
//!
//! - **answers**: a unit is (answer, code); a suggestion is right when a human gave that
//!   code anywhere in that answer ([`evaluate`]).
//! - **segments**: a suggested span is right when it overlaps a human segment with the same
//!   code in the same answer; a human segment is found when some suggestion of its code
//!   overlaps it ([`evaluate_spans`]).

use crate::tokens::Span;
use std::collections::{BTreeMap, BTreeSet};

/// One (answer, code) pair. `item` is any stable name of the answer (response and question).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unit {
    pub item: String,
    pub code: String,
}

/// Counts and the figures derived from them. A figure is `None` when its denominator is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Suggested and right.
    pub true_positives: usize,
    /// Suggested, not given by the humans.
    pub false_positives: usize,
    /// Given by the humans, not suggested.
    pub false_negatives: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl Figures {
    /// The figures from counts.
    pub fn from_counts(tp: usize, fp: usize, fn_: usize) -> Figures {
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = match (precision, recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        Figures {
            true_positives: tp,
            false_positives: fp,
            false_negatives: fn_,
            precision,
            recall,
            f1,
        }
    }
}

/// Overall figures and the figures per code (by key, sorted).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    pub overall: Figures,
    pub per_code: BTreeMap<String, Figures>,
}

/// Answer-level precision and recall: `suggested` and `human` are sets of (answer, code).
pub fn evaluate(suggested: &BTreeSet<Unit>, human: &BTreeSet<Unit>) -> Evaluation {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for u in suggested {
        let e = counts.entry(u.code.clone()).or_default();
        if human.contains(u) {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    for u in human {
        if !suggested.contains(u) {
            counts.entry(u.code.clone()).or_default().2 += 1;
        }
    }
    finish(counts)
}

/// A span with the answer and code it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpanUnit {
    pub item: String,
    pub code: String,
    pub span: Span,
}

/// Segment-level precision and recall (see the module documentation). Precision counts
/// suggestions; recall counts human segments.
pub fn evaluate_spans(suggested: &[SpanUnit], human: &[SpanUnit]) -> Evaluation {
    let mut by_key: BTreeMap<(&str, &str), Vec<Span>> = BTreeMap::new();
    for h in human {
        by_key.entry((&h.item, &h.code)).or_default().push(h.span);
    }
    let mut sugg_by_key: BTreeMap<(&str, &str), Vec<Span>> = BTreeMap::new();
    for s in suggested {
        sugg_by_key
            .entry((&s.item, &s.code))
            .or_default()
            .push(s.span);
    }
    // per code: (right suggestions, wrong suggestions, missed human segments); recall's
    // numerator (found human segments) is kept apart because it counts other things.
    let mut counts: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
    for s in suggested {
        let hit = by_key
            .get(&(s.item.as_str(), s.code.as_str()))
            .is_some_and(|v| v.iter().any(|h| h.overlaps(&s.span)));
        let e = counts.entry(s.code.clone()).or_default();
        if hit {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    for h in human {
        let found = sugg_by_key
            .get(&(h.item.as_str(), h.code.as_str()))
            .is_some_and(|v| v.iter().any(|s| s.overlaps(&h.span)));
        let e = counts.entry(h.code.clone()).or_default();
        if found {
            e.3 += 1;
        } else {
            e.2 += 1;
        }
    }
    let fig = |(tp, fp, fn_, found): (usize, usize, usize, usize)| {
        let mut f = Figures::from_counts(tp, fp, fn_);
        f.recall = (found + fn_ > 0).then(|| found as f64 / (found + fn_) as f64);
        f.f1 = match (f.precision, f.recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        f
    };
    let total = counts.values().fold((0, 0, 0, 0), |a, c| {
        (a.0 + c.0, a.1 + c.1, a.2 + c.2, a.3 + c.3)
    });
    Evaluation {
        overall: fig(total),
        per_code: counts.into_iter().map(|(k, c)| (k, fig(c))).collect(),
    }
}

fn finish(counts: BTreeMap<String, (usize, usize, usize)>) -> Evaluation {
    let (tp, fp, fn_) = counts
        .values()
        .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    Evaluation {
        overall: Figures::from_counts(tp, fp, fn_),
        per_code: counts
            .into_iter()
            .map(|(k, (tp, fp, fn_))| (k, Figures::from_counts(tp, fp, fn_)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(item: &str, code: &str) -> Unit {
        Unit {
            item: item.into(),
            code: code.into(),
        }
    }

    #[test]
    fn answer_level_counts() {
        let s: BTreeSet<_> = [u("a", "x"), u("a", "y"), u("b", "x")].into();
        let h: BTreeSet<_> = [u("a", "x"), u("b", "y"), u("b", "x"), u("c", "x")].into();
        let e = evaluate(&s, &h);
        assert_eq!(e.overall.true_positives, 2);
        assert_eq!(e.overall.false_positives, 1);
        assert_eq!(e.overall.false_negatives, 2);
        assert_eq!(e.overall.precision, Some(2.0 / 3.0));
        assert_eq!(e.overall.recall, Some(0.5));
        assert_eq!(e.per_code["y"].precision, Some(0.0));
        assert_eq!(
            evaluate(&BTreeSet::new(), &BTreeSet::new())
                .overall
                .precision,
            None
        );
    }

    #[test]
    fn span_level_overlap() {
        let su = |item: &str, code: &str, a, b| SpanUnit {
            item: item.into(),
            code: code.into(),
            span: Span { start: a, end: b },
        };
        let s = [su("a", "x", 0, 5), su("a", "x", 10, 12), su("a", "y", 0, 5)];
        let h = [su("a", "x", 3, 8), su("a", "x", 20, 30)];
        let e = evaluate_spans(&s, &h);
        assert_eq!(e.overall.true_positives, 1);
        assert_eq!(e.overall.false_positives, 2);
        assert_eq!(e.overall.false_negatives, 1);
        assert_eq!(e.overall.recall, Some(0.5));
    }
}

/// One answer to run the auto-coder on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// A stable name of the answer (the same as in the human [`SpanUnit`]s).
    pub item: String,
    pub question: String,
    pub text: String,
}

/// The auto-coder's figures at both levels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AutoCodeEvaluation {
    /// Answers run through the auto-coder.
    pub answers: usize,
    /// Suggestions made.
    pub suggestions: usize,
    /// (answer, code) level.
    pub by_answer: Evaluation,
    /// Segment level (overlap).
    pub by_segment: Evaluation,
}

/// Runs `coder` on `answers` and compares its suggestions with the human codings of those
/// answers (`human`; codings of other answers are ignored).
pub fn evaluate_autocoder(
    coder: &crate::AutoCoder,
    answers: &[Answer],
    human: &[SpanUnit],
) -> AutoCodeEvaluation {
    let items: BTreeSet<&str> = answers.iter().map(|a| a.item.as_str()).collect();
    let human: Vec<SpanUnit> = human
        .iter()
        .filter(|h| items.contains(h.item.as_str()))
        .cloned()
        .collect();
    let mut spans = Vec::new();
    for a in answers {
        for s in coder.suggest(Some(&a.question), &a.text) {
            spans.push(SpanUnit {
                item: a.item.clone(),
                code: s.code,
                span: s.span,
            });
        }
    }
    let units = |v: &[SpanUnit]| -> BTreeSet<Unit> {
        v.iter()
            .map(|s| Unit {
                item: s.item.clone(),
                code: s.code.clone(),
            })
            .collect()
    };
    AutoCodeEvaluation {
        answers: answers.len(),
        suggestions: spans.len(),
        by_answer: evaluate(&units(&spans), &units(&human)),
        by_segment: evaluate_spans(&spans, &human),
    }
}
