//! The bounded input of a QCA: calibrated conditions, their levels, and the outcome.
//!
//! Exists so that every later step can rely on checked facts (finite values in `[0, 1]`
//! or small non-negative integers, at most [`MAX_CONDITIONS`]
//! conditions, a truth table of bounded size) instead of checking again.

use super::{MAX_CONDITIONS, MAX_LEVELS, MAX_TABLE_ROWS};
use crate::{StatsError, StatsResult};

/// Calibrated data for one analysis. Built only by [`QcaData::new`].
#[derive(Debug, Clone)]
pub struct QcaData {
    pub(crate) case_ids: Vec<String>,
    pub(crate) names: Vec<String>,
    /// Column-major condition values.
    pub(crate) columns: Vec<Vec<f64>>,
    /// Number of levels per condition: 2 for crisp and fuzzy, more for multi-value.
    pub(crate) levels: Vec<u8>,
    /// Whether a condition has a non-integer value.
    pub(crate) fuzzy: Vec<bool>,
    /// The outcome (already negated when asked).
    pub(crate) outcome: Vec<f64>,
    pub(crate) outcome_name: String,
}

/// A product of literals: per condition `None` (minimised away) or the value required.
pub type Term = Vec<Option<u8>>;

impl QcaData {
    /// Checks and builds the data. `columns` are the conditions (each of length n),
    /// `outcome` the outcome in `[0, 1]`; with `negate` the outcome is `1 - Y`.
    ///
    /// A condition whose values are all integers is crisp (0/1) or multi-value (0..L-1,
    /// L <= [`MAX_LEVELS`]); otherwise it is fuzzy and must lie in `[0, 1]`.
    pub fn new(
        case_ids: Vec<String>,
        names: Vec<String>,
        columns: Vec<Vec<f64>>,
        outcome_name: &str,
        outcome: Vec<f64>,
        negate: bool,
    ) -> StatsResult<Self> {
        let n = case_ids.len();
        if n == 0 {
            return Err(StatsError::Empty("QCA needs at least one case".into()));
        }
        if names.is_empty() || names.len() != columns.len() {
            return Err(StatsError::Invalid(format!(
                "{} condition names for {} condition columns",
                names.len(),
                columns.len()
            )));
        }
        if names.len() > MAX_CONDITIONS {
            return Err(StatsError::Invalid(format!(
                "QCA takes at most {MAX_CONDITIONS} conditions, got {}",
                names.len()
            )));
        }
        for (i, a) in names.iter().enumerate() {
            if names[..i].contains(a) || a == outcome_name {
                return Err(StatsError::Invalid(format!("condition {a} is named twice")));
            }
        }
        if outcome.len() != n {
            return Err(StatsError::Invalid(format!(
                "outcome {outcome_name} has {} values for {n} cases",
                outcome.len()
            )));
        }
        let mut levels = Vec::with_capacity(columns.len());
        let mut fuzzy = Vec::with_capacity(columns.len());
        let mut rows: usize = 1;
        for (name, col) in names.iter().zip(&columns) {
            if col.len() != n {
                return Err(StatsError::Invalid(format!(
                    "condition {name} has {} values for {n} cases",
                    col.len()
                )));
            }
            let mut is_fuzzy = false;
            let mut max = 0.0f64;
            for (row, &x) in col.iter().enumerate() {
                if !x.is_finite() {
                    return Err(StatsError::NonFinite {
                        what: format!("condition {name}"),
                        row,
                    });
                }
                if x < 0.0 {
                    return Err(StatsError::Invalid(format!(
                        "condition {name}, case {}: {x} is negative; calibrate first",
                        row + 1
                    )));
                }
                if x.fract() != 0.0 {
                    is_fuzzy = true;
                }
                max = max.max(x);
            }
            let lv = if is_fuzzy {
                if max > 1.0 {
                    return Err(StatsError::Invalid(format!(
                        "condition {name} has fuzzy values above 1 (max {max}); calibrate first"
                    )));
                }
                2u8
            } else {
                if max >= f64::from(MAX_LEVELS) {
                    return Err(StatsError::Invalid(format!(
                        "condition {name} has value {max}; multi-value conditions take 0..{}",
                        MAX_LEVELS - 1
                    )));
                }
                // Values are integers in 0..MAX_LEVELS, so the cast is exact.
                ((max as u8) + 1).max(2)
            };
            rows = rows
                .checked_mul(usize::from(lv))
                .filter(|&r| r <= MAX_TABLE_ROWS)
                .ok_or_else(|| {
                    StatsError::Invalid(format!(
                        "the truth table would have more than {MAX_TABLE_ROWS} rows"
                    ))
                })?;
            levels.push(lv);
            fuzzy.push(is_fuzzy);
        }
        for (row, &y) in outcome.iter().enumerate() {
            if !y.is_finite() {
                return Err(StatsError::NonFinite {
                    what: format!("outcome {outcome_name}"),
                    row,
                });
            }
            if !(0.0..=1.0).contains(&y) {
                return Err(StatsError::Invalid(format!(
                    "outcome {outcome_name}, case {}: {y} is not a set membership in [0, 1]",
                    row + 1
                )));
            }
        }
        let outcome = if negate {
            outcome.iter().map(|y| 1.0 - y).collect()
        } else {
            outcome
        };
        let outcome_name = if negate {
            format!("~{outcome_name}")
        } else {
            outcome_name.to_string()
        };
        Ok(Self {
            case_ids,
            names,
            columns,
            levels,
            fuzzy,
            outcome,
            outcome_name,
        })
    }

    /// Number of cases.
    pub fn n_cases(&self) -> usize {
        self.case_ids.len()
    }
    /// Case ids in input order.
    pub fn case_ids(&self) -> &[String] {
        &self.case_ids
    }
    /// Condition names in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// Levels per condition.
    pub fn levels(&self) -> &[u8] {
        &self.levels
    }
    /// Whether the conditions are written in multi-value notation (`A[1]`): true as soon
    /// as one condition has more than two levels, as R's QCA does.
    pub fn multi_value(&self) -> bool {
        self.levels.iter().any(|&l| l > 2)
    }
    /// Whether condition `j` is fuzzy (has a non-integer value).
    pub fn is_fuzzy(&self, j: usize) -> bool {
        self.fuzzy[j]
    }
    /// The outcome's name, with `~` when negated.
    pub fn outcome_name(&self) -> &str {
        &self.outcome_name
    }
    /// The outcome membership per case (negated when asked).
    pub fn outcome(&self) -> &[f64] {
        &self.outcome
    }

    /// Membership of case `i` in the literal "condition `j` has value `v`".
    pub(crate) fn literal(&self, j: usize, v: u8, i: usize) -> f64 {
        let x = self.columns[j][i];
        if self.levels[j] == 2 {
            if v == 1 {
                x
            } else {
                1.0 - x
            }
        } else if x == f64::from(v) {
            1.0
        } else {
            0.0
        }
    }

    /// Membership of case `i` in a term (minimum over its literals; 1 for the empty term).
    pub(crate) fn term_membership_at(&self, term: &[Option<u8>], i: usize) -> f64 {
        let mut m = 1.0f64;
        for (j, lit) in term.iter().enumerate() {
            if let Some(v) = *lit {
                m = m.min(self.literal(j, v, i));
            }
        }
        m
    }

    /// Membership of every case in a term.
    pub fn term_membership(&self, term: &[Option<u8>]) -> Vec<f64> {
        (0..self.n_cases())
            .map(|i| self.term_membership_at(term, i))
            .collect()
    }

    /// Parses a term written as R writes it (`A*~B`, `DEV[2]*URB[0]`; `1` is the empty
    /// term), naming the literal that is wrong.
    pub fn parse_term(&self, text: &str) -> StatsResult<Term> {
        let mut term: Term = vec![None; self.names.len()];
        if text.trim() == "1" {
            return Ok(term);
        }
        for raw in text.split('*') {
            let lit = raw.trim();
            let (name, value) = if let Some(open) = lit.find('[') {
                let v = lit[open + 1..]
                    .strip_suffix(']')
                    .and_then(|v| v.trim().parse::<u8>().ok())
                    .ok_or_else(|| {
                        StatsError::Invalid(format!("term {text}: bad literal {lit}"))
                    })?;
                (&lit[..open], v)
            } else if let Some(n) = lit.strip_prefix('~') {
                (n, 0)
            } else {
                (lit, 1)
            };
            let j = self.names.iter().position(|n| n == name).ok_or_else(|| {
                StatsError::Invalid(format!("term {text}: {name} is not a condition"))
            })?;
            if value >= self.levels[j] {
                return Err(StatsError::Invalid(format!(
                    "term {text}: {name} has no value {value}"
                )));
            }
            if term[j].is_some_and(|v| v != value) {
                return Err(StatsError::Invalid(format!(
                    "term {text}: {name} appears with two values"
                )));
            }
            term[j] = Some(value);
        }
        Ok(term)
    }

    /// The term written as R writes it: `A*~B` or, in multi-value data, `A[1]*B[0]`.
    pub fn term_name(&self, term: &[Option<u8>]) -> String {
        term_name(&self.names, self.multi_value(), term)
    }
}

/// Writes a term as R does (`A*~B`, or `A[1]*B[0]` in multi-value notation).
pub fn term_name(names: &[String], multi_value: bool, term: &[Option<u8>]) -> String {
    let lits: Vec<String> = term
        .iter()
        .zip(names)
        .filter_map(|(lit, name)| {
            lit.map(|v| {
                if multi_value {
                    format!("{name}[{v}]")
                } else if v == 1 {
                    name.clone()
                } else {
                    format!("~{name}")
                }
            })
        })
        .collect();
    if lits.is_empty() {
        "1".to_string()
    } else {
        lits.join("*")
    }
}

/// Mixed-radix row index (0-based; the first condition is the most significant digit).
pub(crate) fn row_index(levels: &[u8], config: &[u8]) -> usize {
    config.iter().zip(levels).fold(0usize, |acc, (&v, &l)| {
        acc * usize::from(l) + usize::from(v)
    })
}

/// The configuration of a 0-based row index.
pub(crate) fn row_config(levels: &[u8], mut index: usize) -> Vec<u8> {
    let mut c = vec![0u8; levels.len()];
    for j in (0..levels.len()).rev() {
        let l = usize::from(levels[j]);
        c[j] = (index % l) as u8;
        index /= l;
    }
    c
}

/// Whether a term covers a configuration.
pub(crate) fn covers(term: &[Option<u8>], config: &[u8]) -> bool {
    term.iter()
        .zip(config)
        .all(|(lit, &v)| lit.is_none_or(|t| t == v))
}

/// Every 0-based row a term covers, in increasing order.
pub(crate) fn covered_rows(levels: &[u8], term: &[Option<u8>]) -> Vec<usize> {
    let mut rows = vec![0usize];
    for (j, lit) in term.iter().enumerate() {
        let l = usize::from(levels[j]);
        rows = match lit {
            Some(v) => rows.iter().map(|r| r * l + usize::from(*v)).collect(),
            None => rows
                .iter()
                .flat_map(|r| (0..l).map(move |v| r * l + v))
                .collect(),
        };
    }
    rows
}
