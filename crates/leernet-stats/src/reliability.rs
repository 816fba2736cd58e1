//! Scale reliability: Cronbach's alpha with its 95% interval, alpha if an item is
//! deleted, and corrected item-total correlations.
//!
//! Exists because a scale (such as the formality of a network's organisation) is only
//! reported after its items are shown to hang together. Conventions follow pingouin's
//! `cronbach_alpha` (listwise deletion of rows with a missing item, covariance with
//! n - 1, the F-based interval of Feldt): with n rows and k items,
//! alpha = k/(k-1) (1 - Σ var_i / var_total), and the interval is
//! 1 - (1 - alpha) F_{1-(1-c)/2 ... } as `1 - (1-alpha) * f.isf(q, n-1, (n-1)(k-1))` for
//! q = 0.025 (lower) and 0.975 (upper). Unlike pingouin, the interval is not rounded to
//! three decimals here (pingouin rounds; the conformance suite compares both ways).

use crate::descriptives::mean;
use crate::error::{StatsError, StatsResult};
use crate::special;

/// Reliability of a scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Reliability {
    /// Rows used (no item missing).
    pub n: usize,
    /// Number of items.
    pub k: usize,
    /// Cronbach's alpha.
    pub alpha: f64,
    /// 95% interval (Feldt), unrounded.
    pub ci: (f64, f64),
    /// Alpha of the scale without item i; `None` when fewer than two items would remain
    /// or the remaining items have no variance.
    pub alpha_if_deleted: Vec<Option<f64>>,
    /// Pearson correlation of item i with the sum of the other items; `None` when
    /// either has no variance.
    pub item_total_correlation: Vec<Option<f64>>,
}

fn alpha_of(cols: &[Vec<f64>]) -> Option<f64> {
    let k = cols.len();
    let n = cols[0].len();
    let item_var: f64 = cols
        .iter()
        .map(|c| {
            let m = mean(c);
            c.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n as f64 - 1.0)
        })
        .sum();
    let totals: Vec<f64> = (0..n).map(|r| cols.iter().map(|c| c[r]).sum()).collect();
    let mt = mean(&totals);
    let total_var = totals.iter().map(|x| (x - mt) * (x - mt)).sum::<f64>() / (n as f64 - 1.0);
    if total_var <= 0.0 {
        return None;
    }
    Some(k as f64 / (k as f64 - 1.0) * (1.0 - item_var / total_var))
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let (mx, my) = (mean(x), mean(y));
    let mut sxy = 0.0;
    let mut sxx = 0.0;
    let mut syy = 0.0;
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// Cronbach's alpha of `rows` (one row per respondent, one column per item).
///
/// Errors: fewer than two items, fewer than two complete rows, non-finite values, or a
/// total score without variance (alpha is 0/0).
pub fn cronbach_alpha(rows: &[Vec<Option<f64>>]) -> StatsResult<Reliability> {
    let k = rows.first().map(Vec::len).unwrap_or(0);
    if rows.is_empty() || k == 0 {
        return Err(StatsError::Empty("no items".into()));
    }
    if let Some(r) = rows.iter().position(|r| r.len() != k) {
        return Err(StatsError::Invalid(format!(
            "row {r} has {} items, row 0 has {k}",
            rows[r].len()
        )));
    }
    if k < 2 {
        return Err(StatsError::Invalid(
            "Cronbach's alpha needs at least two items".into(),
        ));
    }
    for (r, row) in rows.iter().enumerate() {
        if row.iter().flatten().any(|x| !x.is_finite()) {
            return Err(StatsError::NonFinite {
                what: "the items".into(),
                row: r,
            });
        }
    }
    let complete: Vec<Vec<f64>> = rows
        .iter()
        .filter_map(|r| r.iter().copied().collect::<Option<Vec<f64>>>())
        .collect();
    let n = complete.len();
    if n < 2 {
        return Err(StatsError::TooFewRows {
            what: "Cronbach's alpha (complete rows)".into(),
            need: 2,
            got: n,
        });
    }
    let cols: Vec<Vec<f64>> = (0..k)
        .map(|j| complete.iter().map(|r| r[j]).collect())
        .collect();
    let alpha = alpha_of(&cols).ok_or_else(|| {
        StatsError::Undefined(
            "Cronbach's alpha is undefined: the total score has no variance".into(),
        )
    })?;
    let df1 = n as f64 - 1.0;
    let df2 = df1 * (k as f64 - 1.0);
    // f.isf(q) = F quantile at 1 - q.
    let lower = 1.0 - (1.0 - alpha) * special::f_quantile(1.0 - 0.025, df1, df2);
    let upper = 1.0 - (1.0 - alpha) * special::f_quantile(0.025, df1, df2);
    let alpha_if_deleted = (0..k)
        .map(|j| {
            if k < 3 {
                return None;
            }
            let rest: Vec<Vec<f64>> = cols
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != j)
                .map(|(_, c)| c.clone())
                .collect();
            alpha_of(&rest)
        })
        .collect();
    let item_total_correlation = (0..k)
        .map(|j| {
            let rest: Vec<f64> = (0..n)
                .map(|r| {
                    cols.iter()
                        .enumerate()
                        .filter(|(i, _)| *i != j)
                        .map(|(_, c)| c[r])
                        .sum()
                })
                .collect();
            pearson(&cols[j], &rest)
        })
        .collect();
    Ok(Reliability {
        n,
        k,
        alpha,
        ci: (lower, upper),
        alpha_if_deleted,
        item_total_correlation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_items_have_alpha_one() {
        let rows: Vec<Vec<Option<f64>>> = (0..5).map(|i| vec![Some(i as f64); 3]).collect();
        let r = cronbach_alpha(&rows).unwrap();
        assert!((r.alpha - 1.0).abs() < 1e-12);
        assert!(cronbach_alpha(&[vec![Some(1.0), Some(1.0)], vec![Some(1.0), Some(1.0)]]).is_err());
    }
}
