//! The truth table: every configuration of the conditions, its cases and its outcome.
//!
//! Exists because the truth table is where a researcher sees the evidence a solution
//! rests on: how many cases each configuration has, how consistently it shows the
//! outcome, which rows contradict, and which are logical remainders (no or too few
//! cases) that minimisation may use as counterfactuals. Computed as `QCA::truthTable`.

use super::data::{row_config, row_index, QcaData};
use super::{agteb, fit};
use crate::{StatsError, StatsResult};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The outcome value of a truth-table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    /// Sufficient for the outcome (`"1"`).
    Positive,
    /// Not sufficient (`"0"`).
    Negative,
    /// A logical remainder (`"?"`): no case, or fewer than the frequency cut-off.
    Remainder,
}

impl Out {
    /// As R prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Out::Positive => "1",
            Out::Negative => "0",
            Out::Remainder => "?",
        }
    }
}

/// Cut-offs of the truth table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruthTableOptions {
    /// Consistency cut-off in `[0, 1]`.
    pub incl_cut: f64,
    /// Frequency cut-off, at least 1.
    pub n_cut: usize,
    /// PRI cut-off in `[0, 1]`.
    pub pri_cut: f64,
}

impl Default for TruthTableOptions {
    fn default() -> Self {
        Self {
            incl_cut: 1.0,
            n_cut: 1,
            pri_cut: 0.0,
        }
    }
}

impl TruthTableOptions {
    /// Checks the bounds of the cut-offs.
    pub fn check(&self) -> StatsResult<()> {
        if !(0.0..=1.0).contains(&self.incl_cut) {
            return Err(StatsError::Invalid(format!(
                "the consistency cut-off must lie in [0, 1], got {}",
                self.incl_cut
            )));
        }
        if !(0.0..=1.0).contains(&self.pri_cut) {
            return Err(StatsError::Invalid(format!(
                "the PRI cut-off must lie in [0, 1], got {}",
                self.pri_cut
            )));
        }
        if self.n_cut == 0 {
            return Err(StatsError::Invalid(
                "the frequency cut-off is at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// One row of the truth table.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthTableRow {
    /// 1-based row number (the first condition is the most significant digit).
    pub row: usize,
    /// The condition values.
    pub config: Vec<u8>,
    /// The outcome value by the cut-offs.
    pub out: Out,
    /// Cases with membership above 0.5.
    pub n: usize,
    /// Raw consistency; `None` when `n` is 0.
    pub incl: Option<f64>,
    /// PRI; `None` when `n` is 0.
    pub pri: Option<f64>,
    /// Indices of the row's cases, in input order.
    pub cases: Vec<usize>,
    /// Cases in the row both with (Y > 0.5) and without (Y < 0.5) the outcome.
    pub contradiction: bool,
}

/// A truth table: the observed rows are stored, the remainders implied.
#[derive(Debug, Clone)]
pub struct TruthTable {
    pub(crate) levels: Vec<u8>,
    pub(crate) observed: BTreeMap<usize, TruthTableRow>,
    pub(crate) options: TruthTableOptions,
    /// Cases with a membership of exactly 0.5 in some condition (in no row).
    pub at_crossover: Vec<usize>,
}

impl TruthTable {
    /// Number of rows, observed or not.
    pub fn n_rows(&self) -> usize {
        self.levels.iter().map(|&l| usize::from(l)).product()
    }
    /// Levels per condition.
    pub fn levels(&self) -> &[u8] {
        &self.levels
    }
    /// The cut-offs used.
    pub fn options(&self) -> TruthTableOptions {
        self.options
    }
    /// The rows with at least one case, in row order.
    pub fn observed(&self) -> impl Iterator<Item = &TruthTableRow> {
        self.observed.values()
    }
    /// The out value of a 0-based row.
    pub fn out(&self, index: usize) -> Out {
        self.observed
            .get(&index)
            .map(|r| r.out)
            .unwrap_or(Out::Remainder)
    }
    /// Every row, observed or remainder, in row order. Refused above `limit` rows.
    pub fn all_rows(&self, limit: usize) -> StatsResult<Vec<TruthTableRow>> {
        let total = self.n_rows();
        if total > limit {
            return Err(StatsError::Invalid(format!(
                "the truth table has {total} rows, more than the {limit} asked for"
            )));
        }
        Ok((0..total)
            .map(|i| {
                self.observed
                    .get(&i)
                    .cloned()
                    .unwrap_or_else(|| TruthTableRow {
                        row: i + 1,
                        config: row_config(&self.levels, i),
                        out: Out::Remainder,
                        n: 0,
                        incl: None,
                        pri: None,
                        cases: Vec::new(),
                        contradiction: false,
                    })
            })
            .collect())
    }
    /// 0-based indices of the rows with the given out value among the observed rows.
    pub(crate) fn observed_with(&self, out: Out) -> Vec<usize> {
        self.observed
            .iter()
            .filter(|(_, r)| r.out == out)
            .map(|(&i, _)| i)
            .collect()
    }
}

/// The row a case belongs to (membership above 0.5), or `None` at a crossover.
fn case_row(data: &QcaData, i: usize) -> Option<Vec<u8>> {
    let mut config = Vec::with_capacity(data.levels.len());
    for (j, col) in data.columns.iter().enumerate() {
        let x = col[i];
        if data.levels[j] == 2 {
            if x > 0.5 {
                config.push(1);
            } else if x < 0.5 {
                config.push(0);
            } else {
                return None;
            }
        } else {
            config.push(x as u8);
        }
    }
    Some(config)
}

/// Builds the truth table as `truthTable(..., complete = TRUE, show.cases = TRUE)`.
pub fn truth_table(data: &QcaData, options: TruthTableOptions) -> StatsResult<TruthTable> {
    options.check()?;
    let mut groups: BTreeMap<usize, (Vec<u8>, Vec<usize>)> = BTreeMap::new();
    let mut at_crossover = Vec::new();
    for i in 0..data.n_cases() {
        match case_row(data, i) {
            Some(config) => {
                let r = row_index(&data.levels, &config);
                groups
                    .entry(r)
                    .or_insert_with(|| (config, Vec::new()))
                    .1
                    .push(i);
            }
            None => at_crossover.push(i),
        }
    }
    let y = data.outcome();
    let rows: Vec<TruthTableRow> = groups
        .into_par_iter()
        .map(|(index, (config, cases))| {
            let term: Vec<Option<u8>> = config.iter().map(|&v| Some(v)).collect();
            let x = data.term_membership(&term);
            let (sx, sxy, sxyn) = fit::sums(&x, y);
            let (incl, pri) = fit::incl_pri(sx, sxy, sxyn);
            let n = cases.len();
            let out = if n < options.n_cut {
                Out::Remainder
            } else if agteb(incl, options.incl_cut) && agteb(pri, options.pri_cut) {
                Out::Positive
            } else {
                Out::Negative
            };
            let with = cases.iter().any(|&c| y[c] > 0.5);
            let without = cases.iter().any(|&c| y[c] < 0.5);
            TruthTableRow {
                row: index + 1,
                config,
                out,
                n,
                incl: Some(incl),
                pri: Some(pri),
                cases,
                contradiction: with && without,
            }
        })
        .collect();
    Ok(TruthTable {
        levels: data.levels.clone(),
        observed: rows.into_iter().map(|r| (r.row - 1, r)).collect(),
        options,
        at_crossover,
    })
}
