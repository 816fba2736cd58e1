//! Comparing two measurements: McNemar's test for paired proportions, the Wilcoxon
//! signed-rank test and the paired t-test for paired scores, and Welch's t-test for two
//! independent samples (issue 19: change between waves).
//!
//! Exists because a learning network surveyed twice wants to know what changed and how sure
//! that is, and the answer must be the one a researcher gets from the reference packages:
//!
//! - [`mcnemar`] is statsmodels' `mcnemar(table, exact=..., correction=...)`: exact, the
//!   two-sided binomial test on the discordant pairs (`min(b, c)`, `p = min(1, 2 ·
//!   Binom(b + c, ½).cdf(min(b, c)))`); otherwise `(|b − c| − corr)² / (b + c)` against
//!   chi-square with one degree of freedom (statsmodels does not clip `|b − c| − 1` at zero,
//!   and neither does this).
//! - [`paired_proportion_difference`]: the difference of two paired proportions with its
//!   Wald interval (Agresti 2013, § 11.1.2), the textbook formula.
//! - [`wilcoxon`] is `scipy.stats.wilcoxon(x, y)` with its defaults: `zero_method="wilcox"`
//!   (zero differences are dropped before ranking), no continuity correction, two-sided,
//!   `method="auto"`: the exact null distribution when there are no ties and no zeros and
//!   n ≤ 50; with ties or zeros and n ≤ 13 (n counting the zeros) scipy's permutation test,
//!   which at that size enumerates all 2ⁿ sign flips and is exact too; otherwise the normal
//!   approximation with the tie correction. [`WilcoxonMethod`] says which.
//! - [`ttest_rel`] is `scipy.stats.ttest_rel(x, y)` with its `confidence_interval()`: the
//!   mean of `x − y`, its t, degrees of freedom, two-sided p and interval.
//! - [`welch`] is `scipy.stats.ttest_ind(x, y, equal_var=False)` with its
//!   `confidence_interval()` (Welch–Satterthwaite degrees of freedom).
//!
//! Differences are `x − y`: pass the later measurement first to read change as later minus
//! earlier.

use crate::error::{StatsError, StatsResult};
use crate::special::{beta_inc, chi2_sf, ln_gamma, norm_sf};

/// The result of McNemar's test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McNemar {
    /// Exact: `min(b, c)`; otherwise the chi-square statistic.
    pub statistic: f64,
    pub p_value: f64,
    /// Whether the exact binomial test was used.
    pub exact: bool,
}

/// McNemar's test on the discordant counts of a paired 2 × 2 table: `b` pairs changed one
/// way (yes → no), `c` the other way. As statsmodels' `mcnemar(exact, correction)`; the
/// chi-square form needs at least one discordant pair.
pub fn mcnemar(b: u64, c: u64, exact: bool, correction: bool) -> StatsResult<McNemar> {
    let n = b.checked_add(c).ok_or_else(|| {
        StatsError::Invalid("the discordant counts are too large to add".to_owned())
    })?;
    if exact {
        let k = b.min(c);
        let p = (2.0 * binom_cdf_half(k, n)).min(1.0);
        return Ok(McNemar {
            statistic: k as f64,
            p_value: p,
            exact: true,
        });
    }
    if n == 0 {
        return Err(StatsError::Undefined(
            "McNemar's chi-square needs at least one pair that changed".to_owned(),
        ));
    }
    let corr = if correction { 1.0 } else { 0.0 };
    let diff = (b as f64 - c as f64).abs() - corr;
    let statistic = diff * diff / n as f64;
    Ok(McNemar {
        statistic,
        p_value: chi2_sf(statistic, 1.0),
        exact: false,
    })
}

/// P(X ≤ k) for X ~ Binomial(n, ½), summed term by term in logs.
fn binom_cdf_half(k: u64, n: u64) -> f64 {
    if k >= n {
        return 1.0;
    }
    let nf = n as f64;
    let ln_n1 = ln_gamma(nf + 1.0);
    let ln_half = nf * 0.5f64.ln();
    // Terms grow towards n/2; k < n/2 + 1 when it is the smaller discordant count, but any
    // k works: sum from the largest term down for accuracy.
    let mut terms: Vec<f64> = (0..=k)
        .map(|i| {
            let i = i as f64;
            (ln_n1 - ln_gamma(i + 1.0) - ln_gamma(nf - i + 1.0) + ln_half).exp()
        })
        .collect();
    terms.reverse();
    terms.iter().sum::<f64>().min(1.0)
}

/// The difference `p₁ − p₂` of two proportions measured on the same units, with its Wald
/// interval. `table[i][j]`: units with answer i (0 = yes, 1 = no) in the first measurement
/// and j in the second; `p₁ = (a + b) / n`, `p₂ = (a + c) / n`, `se = √((b + c) − (b −
/// c)²/n) / n`.
pub fn paired_proportion_difference(
    table: [[u64; 2]; 2],
    confidence: f64,
) -> StatsResult<(f64, f64, f64)> {
    check_confidence(confidence)?;
    let n = table
        .iter()
        .flatten()
        .try_fold(0u64, |s, &x| s.checked_add(x))
        .ok_or_else(|| StatsError::Invalid("the counts are too large to add".to_owned()))?;
    if n == 0 {
        return Err(StatsError::Empty("no pairs".to_owned()));
    }
    let (b, c, nf) = (table[0][1] as f64, table[1][0] as f64, n as f64);
    let d = (b - c) / nf;
    let se = ((b + c) - (b - c) * (b - c) / nf).max(0.0).sqrt() / nf;
    let z = crate::special::norm_isf((1.0 - confidence) / 2.0);
    Ok((d, d - z * se, d + z * se))
}

/// Which null distribution the Wilcoxon signed-rank test used (scipy's `method="auto"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WilcoxonMethod {
    /// The exact distribution of the rank sum (no ties, no zero differences, n ≤ 50).
    Exact,
    /// Every sign flip enumerated (ties or zeros, n ≤ 13): exact as well.
    Permutation,
    /// The normal approximation with the tie correction, without continuity correction.
    Normal,
}

/// The result of the Wilcoxon signed-rank test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wilcoxon {
    /// `min(R+, R−)`, as scipy's two-sided statistic.
    pub statistic: f64,
    pub p_value: f64,
    pub method: WilcoxonMethod,
    /// Pairs with a difference other than zero (the ones that are ranked).
    pub n_nonzero: usize,
}

fn check_pairs(x: &[f64], y: &[f64], what: &str) -> StatsResult<Vec<f64>> {
    if x.len() != y.len() {
        return Err(StatsError::Invalid(format!(
            "{what}: {} values against {}",
            x.len(),
            y.len()
        )));
    }
    let mut d = Vec::with_capacity(x.len());
    for (i, (a, b)) in x.iter().zip(y).enumerate() {
        if !a.is_finite() || !b.is_finite() {
            return Err(StatsError::NonFinite {
                what: what.to_owned(),
                row: i,
            });
        }
        d.push(a - b);
    }
    Ok(d)
}

fn check_confidence(confidence: f64) -> StatsResult<()> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(StatsError::Invalid(format!(
            "a confidence level must lie between 0 and 1, got {confidence}"
        )))
    }
}

/// Average ranks (1-based) of `v`, and the sizes of the groups of ties.
fn average_ranks(v: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut ranks = vec![0.0; v.len()];
    let mut groups = Vec::new();
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            ranks[k] = r;
        }
        groups.push(j - i + 1);
        i = j + 1;
    }
    (ranks, groups)
}

/// The Wilcoxon signed-rank test of the differences `x − y`, as `scipy.stats.wilcoxon(x, y)`
/// with its defaults (see the module documentation).
pub fn wilcoxon(x: &[f64], y: &[f64]) -> StatsResult<Wilcoxon> {
    let d = check_pairs(x, y, "Wilcoxon signed-rank test")?;
    let n_all = d.len();
    if n_all == 0 {
        return Err(StatsError::Empty("no pairs".to_owned()));
    }
    let nz: Vec<f64> = d.iter().copied().filter(|v| *v != 0.0).collect();
    let n_zero = n_all - nz.len();
    if nz.is_empty() {
        return Err(StatsError::Undefined(
            "every pair has the same value twice: there is no difference to rank".to_owned(),
        ));
    }
    let abs: Vec<f64> = nz.iter().map(|v| v.abs()).collect();
    let (ranks, groups) = average_ranks(&abs);
    let has_ties = groups.iter().any(|&g| g > 1);
    let r_plus: f64 = nz
        .iter()
        .zip(&ranks)
        .filter(|(v, _)| **v > 0.0)
        .map(|(_, r)| r)
        .sum();
    let r_minus: f64 = nz
        .iter()
        .zip(&ranks)
        .filter(|(v, _)| **v < 0.0)
        .map(|(_, r)| r)
        .sum();
    let statistic = r_plus.min(r_minus);
    let m = nz.len();
    let method = if n_all > 50 {
        WilcoxonMethod::Normal
    } else if !(has_ties || n_zero > 0) {
        WilcoxonMethod::Exact
    } else if n_all <= 13 {
        WilcoxonMethod::Permutation
    } else {
        WilcoxonMethod::Normal
    };
    let p_value = match method {
        WilcoxonMethod::Exact => {
            // Counts of every rank sum of 1..=m (subset sums), m ≤ 50: at most 2^50.
            let max = m * (m + 1) / 2;
            let mut counts = vec![0u64; max + 1];
            counts[0] = 1;
            for k in 1..=m {
                for s in (k..=max).rev() {
                    counts[s] += counts[s - k];
                }
            }
            let total = 2f64.powi(m as i32);
            let pmf: Vec<f64> = counts.iter().map(|&c| c as f64 / total).collect();
            let mean = (m * (m + 1)) as f64 / 4.0;
            let cdf = |k: i64| -> f64 {
                if k < 0 {
                    return 0.0;
                }
                let k = (k as usize).min(max);
                if k as f64 <= mean {
                    pmf[..=k].iter().sum()
                } else {
                    1.0 - pmf[k + 1..].iter().sum::<f64>()
                }
            };
            let sf = |k: i64| -> f64 {
                if k <= 0 {
                    return 1.0;
                }
                let k = k as usize;
                if k > max {
                    return 0.0;
                }
                if k as f64 <= mean {
                    pmf[k..].iter().sum()
                } else {
                    1.0 - pmf[..k].iter().sum::<f64>()
                }
            };
            let lo = sf(r_plus.floor() as i64);
            let hi = cdf(r_plus.ceil() as i64);
            (2.0 * lo.min(hi)).clamp(0.0, 1.0)
        }
        WilcoxonMethod::Permutation => {
            // Every sign of the m non-zero differences (the zeros' flips only repeat each
            // outcome 2^zeros times); rank sums in half ranks, so integers.
            let twice: Vec<u64> = ranks.iter().map(|r| (2.0 * r) as u64).collect();
            let observed = (2.0 * r_plus) as u64;
            let (mut le, mut ge) = (0u64, 0u64);
            let total = 1u64 << m;
            for mask in 0..total {
                let s: u64 = (0..m)
                    .filter(|i| mask >> i & 1 == 1)
                    .map(|i| twice[i])
                    .sum();
                if s <= observed {
                    le += 1;
                }
                if s >= observed {
                    ge += 1;
                }
            }
            let t = total as f64;
            (2.0 * (le as f64 / t).min(ge as f64 / t)).clamp(0.0, 1.0)
        }
        WilcoxonMethod::Normal => {
            let mf = m as f64;
            let mean = mf * (mf + 1.0) * 0.25;
            let tie: f64 = groups
                .iter()
                .map(|&g| {
                    let g = g as f64;
                    g * g * g - g
                })
                .sum();
            let se = ((mf * (mf + 1.0) * (2.0 * mf + 1.0) - tie / 2.0) / 24.0).sqrt();
            let z = (r_plus - mean) / se;
            (2.0 * norm_sf(z.abs())).min(1.0)
        }
    };
    Ok(Wilcoxon {
        statistic,
        p_value,
        method,
        n_nonzero: m,
    })
}

/// A t-test and the interval of its mean difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TTest {
    /// Paired: the mean of `x − y`; Welch: `mean(x) − mean(y)`.
    pub mean_difference: f64,
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Survival function of Student's t with `df` degrees of freedom.
pub fn t_sf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * beta_inc(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

/// The t with `t_sf(t, df) = p` (0 < p < ½ gives a positive t), by bisection.
pub fn t_isf(p: f64, df: f64) -> f64 {
    let mut hi = 1.0;
    while t_sf(hi, df) > p {
        hi *= 2.0;
        if hi > 1e300 {
            return f64::INFINITY;
        }
    }
    let mut lo = -hi;
    for _ in 0..2000 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if t_sf(mid, df) > p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn t_result(diff: f64, se: f64, df: f64, confidence: f64) -> StatsResult<TTest> {
    if se <= 0.0 || !se.is_finite() {
        return Err(StatsError::Undefined(
            "the differences do not vary: a t-test needs some spread".to_owned(),
        ));
    }
    let t = diff / se;
    let p = (2.0 * t_sf(t.abs(), df)).min(1.0);
    let q = t_isf((1.0 - confidence) / 2.0, df);
    Ok(TTest {
        mean_difference: diff,
        statistic: t,
        df,
        p_value: p,
        ci_low: diff - q * se,
        ci_high: diff + q * se,
    })
}

/// The paired t-test of `x − y` with the interval of the mean difference, as
/// `scipy.stats.ttest_rel(x, y)` and its `confidence_interval(confidence)`.
pub fn ttest_rel(x: &[f64], y: &[f64], confidence: f64) -> StatsResult<TTest> {
    check_confidence(confidence)?;
    let d = check_pairs(x, y, "paired t-test")?;
    if d.len() < 2 {
        return Err(StatsError::TooFewRows {
            what: "a paired t-test".to_owned(),
            need: 2,
            got: d.len(),
        });
    }
    let n = d.len() as f64;
    let m = crate::descriptives::mean(&d);
    let var = crate::descriptives::variance(&d, m);
    t_result(m, (var / n).sqrt(), n - 1.0, confidence)
}

/// Welch's t-test of `mean(x) − mean(y)` for two independent samples, as
/// `scipy.stats.ttest_ind(x, y, equal_var=False)` and its `confidence_interval(confidence)`.
pub fn welch(x: &[f64], y: &[f64], confidence: f64) -> StatsResult<TTest> {
    check_confidence(confidence)?;
    for (v, what) in [(x, "first sample"), (y, "second sample")] {
        if v.len() < 2 {
            return Err(StatsError::TooFewRows {
                what: format!("Welch's t-test ({what})"),
                need: 2,
                got: v.len(),
            });
        }
        if let Some(row) = v.iter().position(|a| !a.is_finite()) {
            return Err(StatsError::NonFinite {
                what: format!("Welch's t-test ({what})"),
                row,
            });
        }
    }
    let (nx, ny) = (x.len() as f64, y.len() as f64);
    let (mx, my) = (crate::descriptives::mean(x), crate::descriptives::mean(y));
    let vx = crate::descriptives::variance(x, mx) / nx;
    let vy = crate::descriptives::variance(y, my) / ny;
    let se2 = vx + vy;
    let df = se2 * se2 / (vx * vx / (nx - 1.0) + vy * vy / (ny - 1.0));
    t_result(mx - my, se2.sqrt(), df, confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        // Agresti (2013), table 11.1: approval of the prime minister, 794/150/86/570.
        let (d, lo, hi) = paired_proportion_difference([[794, 150], [86, 570]], 0.95).unwrap();
        assert!((d - 0.04).abs() < 1e-12);
        assert!((lo - 0.0213).abs() < 1e-4 && (hi - 0.0587).abs() < 1e-4);
        // The same table: McNemar's z² = 64²/236 = 17.356.
        let m = mcnemar(150, 86, false, false).unwrap();
        assert!((m.statistic - 17.355_932_203_389_83).abs() < 1e-9);
        // t(10) 0.975 quantile 2.228138851986 (standard t tables).
        assert!((t_isf(0.025, 10.0) - 2.228_138_851_986_274).abs() < 1e-9);
        // Exact McNemar with no discordant pairs: p = 1.
        assert_eq!(mcnemar(0, 0, true, false).unwrap().p_value, 1.0);
        assert!(mcnemar(0, 0, false, true).is_err());
    }
}
