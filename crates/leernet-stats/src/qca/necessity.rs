//! Necessity: how far the outcome is a subset of each condition and of its negation.
//!
//! Exists because a condition present in (nearly) every case with the outcome is a
//! different finding from a sufficient combination, and QCA reports it first
//! (`QCA::pof(..., relation = "necessity")`), with relevance of necessity to flag
//! trivially necessary conditions.

use super::data::{term_name, QcaData};
use super::fit::{self, Necessity};

/// One row of the necessity table.
#[derive(Debug, Clone, PartialEq)]
pub struct NecessityRow {
    /// The literal: `~A`, `A` or `A[v]`.
    pub condition: String,
    /// Inclusion, relevance and coverage.
    pub fit: Necessity,
}

/// Every condition and its negation (negation first), or for a multi-value condition
/// every observed value, as `pofind()` lists them.
pub fn necessity(data: &QcaData) -> Vec<NecessityRow> {
    let y = data.outcome();
    let mut rows = Vec::new();
    let k = data.names().len();
    for j in 0..k {
        let values: Vec<u8> = if data.levels()[j] == 2 {
            vec![0, 1]
        } else {
            let mut seen: Vec<u8> = data.columns[j].iter().map(|&x| x as u8).collect();
            seen.sort_unstable();
            seen.dedup();
            seen
        };
        for v in values {
            let mut term = vec![None; k];
            term[j] = Some(v);
            let x = data.term_membership(&term);
            let mv = data.levels()[j] > 2;
            rows.push(NecessityRow {
                condition: term_name(data.names(), mv, &term),
                fit: fit::necessity(&x, y),
            });
        }
    }
    rows
}

/// Necessity of a disjunction the researcher names: each alternative is a term, and the
/// set is the union (maximum) of their memberships.
pub fn necessity_of_union(data: &QcaData, terms: &[Vec<Option<u8>>]) -> Necessity {
    let n = data.n_cases();
    let mut x = vec![0.0f64; n];
    for t in terms {
        for (i, m) in data.term_membership(t).into_iter().enumerate() {
            x[i] = x[i].max(m);
        }
    }
    fit::necessity(&x, data.outcome())
}
