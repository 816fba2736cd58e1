//! Robustness: which solution terms survive across consistency cut-offs.
//!
//! Exists because a QCA solution depends on choices (the consistency cut-off, the
//! calibration anchors); a reader should see which terms hold whatever the choice and
//! which appear only under one, instead of trusting a single run.

use super::data::QcaData;
use super::solutions::{minimize, MinimizeOptions, Solution};
use super::truth_table::{truth_table, TruthTableOptions};
use crate::StatsResult;
use std::collections::BTreeSet;

/// The terms of each solution at one cut-off (the union over models).
#[derive(Debug, Clone, PartialEq)]
pub struct RobustnessRow {
    /// The consistency cut-off.
    pub incl_cut: f64,
    /// Number of positive rows.
    pub positive_rows: usize,
    /// Conservative terms (empty when the minimisation fails).
    pub conservative: Vec<String>,
    /// Parsimonious terms.
    pub parsimonious: Vec<String>,
    /// Intermediate terms (over all variants).
    pub intermediate: Vec<String>,
}

fn terms(s: &StatsResult<Solution>) -> BTreeSet<String> {
    s.as_ref()
        .map(|s| s.models.iter().flat_map(|m| m.names.clone()).collect())
        .unwrap_or_default()
}

/// Runs the analysis at every cut-off in `incl_cuts` with the other options fixed.
pub fn over_incl_cuts(
    data: &QcaData,
    base: TruthTableOptions,
    options: &MinimizeOptions,
    incl_cuts: &[f64],
) -> StatsResult<Vec<RobustnessRow>> {
    let mut rows = Vec::with_capacity(incl_cuts.len());
    for &cut in incl_cuts {
        let tt = truth_table(
            data,
            TruthTableOptions {
                incl_cut: cut,
                ..base
            },
        )?;
        let m = minimize(data, &tt, options);
        let inter: BTreeSet<String> = match &m.intermediate {
            Some(Ok(vs)) => vs
                .iter()
                .flat_map(|v| v.solution.models.iter().flat_map(|m| m.names.clone()))
                .collect(),
            _ => BTreeSet::new(),
        };
        rows.push(RobustnessRow {
            incl_cut: cut,
            positive_rows: tt.observed_with(super::Out::Positive).len(),
            conservative: terms(&m.conservative).into_iter().collect(),
            parsimonious: terms(&m.parsimonious).into_iter().collect(),
            intermediate: inter.into_iter().collect(),
        });
    }
    Ok(rows)
}

/// Which terms survive: for every term of any solution at any cut-off, whether it is in
/// that solution at each cut-off (in the order of `rows`). Terms sorted by name.
pub fn survival(rows: &[RobustnessRow]) -> Vec<(String, Vec<bool>)> {
    let mut all: BTreeSet<String> = BTreeSet::new();
    for r in rows {
        all.extend(r.conservative.iter().cloned());
        all.extend(r.parsimonious.iter().cloned());
        all.extend(r.intermediate.iter().cloned());
    }
    all.into_iter()
        .map(|t| {
            let present = rows
                .iter()
                .map(|r| {
                    r.conservative.contains(&t)
                        || r.parsimonious.contains(&t)
                        || r.intermediate.contains(&t)
                })
                .collect();
            (t, present)
        })
        .collect()
}
