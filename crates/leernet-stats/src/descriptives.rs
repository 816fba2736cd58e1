//! Descriptive statistics: numeric summaries, category counts with Wilson intervals,
//! and cross-tables with chi-square and Fisher's exact test.
//!
//! Exists because the first table of every study report is descriptive, and with
//! small samples (17 networks) the interval and the warning about low expected counts
//! matter as much as the figure. Conventions follow the references: the standard
//! deviation uses n - 1 (numpy `ddof=1`), quantiles are numpy's default linear
//! interpolation (Hyndman & Fan type 7), the Wilson interval is statsmodels'
//! `proportion_confint(method="wilson")`, the chi-square test is scipy's
//! `chi2_contingency` (Yates' correction when there is one degree of freedom) and
//! Fisher's test is the two-sided test of scipy's `fisher_exact` (tables as likely as or
//! less likely than the observed one, relative tolerance 1e-7 as R's `fisher.test`).

use crate::error::{check_finite, StatsError, StatsResult};
use crate::special;
use std::collections::BTreeMap;

/// Summary of a numeric column.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericSummary {
    /// Number of present values.
    pub n: usize,
    /// Number of missing values.
    pub missing: usize,
    /// Mean; `None` when no value is present.
    pub mean: Option<f64>,
    /// Sample standard deviation (n - 1); `None` when fewer than two values.
    pub sd: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// First quartile (type 7).
    pub q1: Option<f64>,
    /// Third quartile (type 7).
    pub q3: Option<f64>,
}

/// Summarises a numeric column; missing values are `None`.
pub fn describe_numeric(values: &[Option<f64>]) -> StatsResult<NumericSummary> {
    check_finite(values, "numeric column")?;
    let mut xs: Vec<f64> = values.iter().flatten().copied().collect();
    let n = xs.len();
    let missing = values.len() - n;
    if n == 0 {
        return Ok(NumericSummary {
            n,
            missing,
            mean: None,
            sd: None,
            min: None,
            max: None,
            median: None,
            q1: None,
            q3: None,
        });
    }
    let m = mean(&xs);
    let sd = if n > 1 {
        Some(variance(&xs, m).sqrt())
    } else {
        None
    };
    xs.sort_by(f64::total_cmp);
    Ok(NumericSummary {
        n,
        missing,
        mean: Some(m),
        sd,
        min: Some(xs[0]),
        max: Some(xs[n - 1]),
        median: Some(quantile_sorted(&xs, 0.5)),
        q1: Some(quantile_sorted(&xs, 0.25)),
        q3: Some(quantile_sorted(&xs, 0.75)),
    })
}

/// Arithmetic mean (pairwise-free plain sum; callers pass finite values).
pub(crate) fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Sample variance with n - 1, two-pass.
pub(crate) fn variance(xs: &[f64], m: f64) -> f64 {
    xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() as f64 - 1.0)
}

/// Quantile `p` in [0, 1] of sorted data, numpy's default linear interpolation.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let h = (n as f64 - 1.0) * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = h - lo as f64;
    // numpy's _lerp: a + (b - a) * t, switching form for t >= 0.5 for symmetry.
    let (a, b) = (sorted[lo], sorted[hi]);
    let diff = b - a;
    if frac >= 0.5 {
        b - diff * (1.0 - frac)
    } else {
        a + diff * frac
    }
}

/// Quantiles of a column with missing values; errors when nothing is present.
pub fn quantiles(values: &[Option<f64>], ps: &[f64]) -> StatsResult<Vec<f64>> {
    check_finite(values, "numeric column")?;
    let mut xs: Vec<f64> = values.iter().flatten().copied().collect();
    if xs.is_empty() {
        return Err(StatsError::Empty("all values are missing".into()));
    }
    if let Some(p) = ps.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(StatsError::Invalid(format!(
            "quantile {p} is outside [0, 1]"
        )));
    }
    xs.sort_by(f64::total_cmp);
    Ok(ps.iter().map(|&p| quantile_sorted(&xs, p)).collect())
}

/// Wilson score interval for `count` successes out of `n` at `confidence` (e.g. 0.95),
/// exactly as statsmodels' `proportion_confint(method="wilson")`.
pub fn wilson_ci(count: u64, n: u64, confidence: f64) -> StatsResult<(f64, f64)> {
    if n == 0 {
        return Err(StatsError::Empty("a proportion of zero cases".into()));
    }
    if count > n {
        return Err(StatsError::Invalid(format!("count {count} exceeds n {n}")));
    }
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(StatsError::Invalid(format!(
            "confidence {confidence} is outside (0, 1)"
        )));
    }
    let nobs = n as f64;
    let q = count as f64 / nobs;
    // The study's figures ask for thousands of 95% intervals; the critical value is found
    // by bisection (≈ 60 normal tail areas), so the 95% one is found once.
    static Z_95: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    let crit = if confidence == 0.95 {
        *Z_95.get_or_init(|| special::norm_isf((1.0 - 0.95) / 2.0))
    } else {
        special::norm_isf((1.0 - confidence) / 2.0)
    };
    let crit2 = crit * crit;
    let denom = 1.0 + crit2 / nobs;
    let center = (q + crit2 / (2.0 * nobs)) / denom;
    let dist = crit * (q * (1.0 - q) / nobs + crit2 / (4.0 * nobs * nobs)).sqrt() / denom;
    Ok((center - dist, center + dist))
}

/// One category of a nominal column.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryStat {
    /// The value.
    pub value: String,
    /// How often it occurs.
    pub count: u64,
    /// Share among present values.
    pub proportion: f64,
    /// Wilson 95% interval of the share.
    pub ci: (f64, f64),
}

/// Summary of a nominal column.
#[derive(Debug, Clone, PartialEq)]
pub struct NominalSummary {
    /// Number of present values.
    pub n: usize,
    /// Number of missing values.
    pub missing: usize,
    /// Categories in sorted (byte) order of their value.
    pub categories: Vec<CategoryStat>,
}

/// Counts, proportions and Wilson 95% intervals of a nominal column.
pub fn describe_nominal<S: AsRef<str>>(values: &[Option<S>]) -> StatsResult<NominalSummary> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for v in values.iter().flatten() {
        *counts.entry(v.as_ref()).or_default() += 1;
    }
    let n: u64 = counts.values().sum();
    let mut categories = Vec::with_capacity(counts.len());
    for (value, count) in counts {
        categories.push(CategoryStat {
            value: value.to_string(),
            count,
            proportion: count as f64 / n as f64,
            ci: wilson_ci(count, n, 0.95)?,
        });
    }
    Ok(NominalSummary {
        n: n as usize,
        missing: values.len() - n as usize,
        categories,
    })
}

/// Pearson's chi-square test of independence on a contingency table.
#[derive(Debug, Clone, PartialEq)]
pub struct ChiSquare {
    /// The statistic (with Yates' correction when it was applied).
    pub statistic: f64,
    /// Degrees of freedom (r - 1)(c - 1).
    pub dof: usize,
    /// Upper-tail p-value.
    pub p_value: f64,
    /// Expected counts under independence.
    pub expected: Vec<Vec<f64>>,
    /// Whether Yates' continuity correction was applied (only when dof = 1).
    pub yates: bool,
    /// Smallest expected count.
    pub min_expected: f64,
    /// Number of cells with an expected count below 5.
    pub cells_expected_below_5: usize,
    /// True when any expected count is below 5: the chi-square approximation is
    /// doubtful, prefer Fisher's exact test (2 x 2) or say so in the report.
    pub low_expected_warning: bool,
}

/// Chi-square test as scipy's `chi2_contingency(table, correction=yates)`.
///
/// Errors when the table is empty, ragged, or has a row or column whose total is zero
/// (an expected count of zero makes the statistic undefined).
pub fn chi_square(table: &[Vec<u64>], yates: bool) -> StatsResult<ChiSquare> {
    let r = table.len();
    if r == 0 || table[0].is_empty() {
        return Err(StatsError::Empty("an empty cross-table".into()));
    }
    let c = table[0].len();
    if table.iter().any(|row| row.len() != c) {
        return Err(StatsError::Invalid("the cross-table is ragged".into()));
    }
    let row_tot: Vec<f64> = table.iter().map(|r| r.iter().sum::<u64>() as f64).collect();
    let col_tot: Vec<f64> = (0..c)
        .map(|j| table.iter().map(|r| r[j]).sum::<u64>() as f64)
        .collect();
    let total: f64 = row_tot.iter().sum();
    if let Some(i) = row_tot.iter().position(|&t| t == 0.0) {
        return Err(StatsError::Undefined(format!(
            "row {i} of the cross-table has no cases, so an expected count is zero"
        )));
    }
    if let Some(j) = col_tot.iter().position(|&t| t == 0.0) {
        return Err(StatsError::Undefined(format!(
            "column {j} of the cross-table has no cases, so an expected count is zero"
        )));
    }
    let expected: Vec<Vec<f64>> = row_tot
        .iter()
        .map(|rt| col_tot.iter().map(|ct| rt * ct / total).collect())
        .collect();
    let dof = (r - 1) * (c - 1);
    let apply_yates = yates && dof == 1;
    let mut statistic = 0.0;
    if dof > 0 {
        for i in 0..r {
            for j in 0..c {
                let e = expected[i][j];
                let mut o = table[i][j] as f64;
                if apply_yates {
                    let diff = e - o;
                    o += diff.abs().min(0.5) * diff.signum() * (diff != 0.0) as u8 as f64;
                }
                statistic += (o - e) * (o - e) / e;
            }
        }
    }
    let p_value = if dof == 0 {
        1.0
    } else {
        special::chi2_sf(statistic, dof as f64)
    };
    let min_expected = expected
        .iter()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let cells_expected_below_5 = expected.iter().flatten().filter(|&&e| e < 5.0).count();
    Ok(ChiSquare {
        statistic,
        dof,
        p_value,
        expected,
        yates: apply_yates,
        min_expected,
        cells_expected_below_5,
        low_expected_warning: cells_expected_below_5 > 0,
    })
}

/// Fisher's exact test on a 2 x 2 table.
#[derive(Debug, Clone, PartialEq)]
pub struct FisherExact {
    /// Sample odds ratio ad / bc; `None` when undefined (a row or column total is zero,
    /// or bc = 0, where scipy reports nan or inf).
    pub odds_ratio: Option<f64>,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Two-sided Fisher exact test, as scipy's `fisher_exact(table)`.
pub fn fisher_exact(table: [[u64; 2]; 2]) -> FisherExact {
    let [[a, b], [c, d]] = table;
    let (r1, r2, c1) = (a + b, c + d, a + c);
    let n = r1 + r2;
    if r1 == 0 || r2 == 0 || c1 == 0 || c1 == n {
        return FisherExact {
            odds_ratio: None,
            p_value: 1.0,
        };
    }
    let odds_ratio = if b * c == 0 {
        None
    } else {
        Some((a * d) as f64 / (b * c) as f64)
    };
    let lf = ln_factorials(n as usize);
    let ln_pmf = |x: u64| -> f64 {
        // P(X = x), X ~ Hypergeometric: row 1 of size r1, column 1 of size c1.
        lf[r1 as usize] + lf[r2 as usize] + lf[c1 as usize] + lf[(n - c1) as usize]
            - lf[n as usize]
            - lf[x as usize]
            - lf[(r1 - x) as usize]
            - lf[(c1 - x) as usize]
            - lf[(r2 + x - c1) as usize]
    };
    let lo = c1.saturating_sub(r2);
    let hi = r1.min(c1);
    let p_obs = ln_pmf(a).exp();
    let threshold = p_obs * (1.0 + 1e-7);
    let mut p = 0.0;
    for x in lo..=hi {
        let px = ln_pmf(x).exp();
        if px <= threshold {
            p += px;
        }
    }
    FisherExact {
        odds_ratio,
        p_value: p.min(1.0),
    }
}

/// ln k! for k = 0..=n by summing logarithms.
pub(crate) fn ln_factorials(n: usize) -> Vec<f64> {
    let mut v = Vec::with_capacity(n + 1);
    v.push(0.0);
    let mut acc = 0.0;
    for k in 1..=n {
        acc += (k as f64).ln();
        v.push(acc);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        // Fisher's lady tasting tea: [[3,1],[1,3]], two-sided p = 0.4857142857 (Agresti 2002, 3.5.2).
        let f = fisher_exact([[3, 1], [1, 3]]);
        assert!((f.p_value - 0.485_714_285_714_285_7).abs() < 1e-12);
        assert_eq!(f.odds_ratio, Some(9.0));
        // Wilson interval for 0 of 10 (Newcombe 1998, table I): 0 to 0.2775.
        let (lo, hi) = wilson_ci(0, 10, 0.95).unwrap();
        assert!(lo.abs() < 1e-12 && (hi - 0.2775).abs() < 5e-5);
        // 81 of 263 (Newcombe 1998): 0.2553 to 0.3662.
        let (lo, hi) = wilson_ci(81, 263, 0.95).unwrap();
        assert!((lo - 0.2553).abs() < 5e-5 && (hi - 0.3662).abs() < 5e-5);
    }

    #[test]
    fn bad_input() {
        assert!(wilson_ci(1, 0, 0.95).is_err());
        assert!(chi_square(&[vec![0, 0], vec![1, 2]], true).is_err());
        assert!(describe_numeric(&[Some(f64::NAN)]).is_err());
        let s = describe_numeric(&[None, Some(2.0)]).unwrap();
        assert_eq!((s.n, s.missing, s.sd), (1, 1, None));
    }
}
