//! Calibration: raw values into set memberships, as `QCA::calibrate` does it.
//!
//! Exists because QCA works on sets, not on raw scores: a researcher states anchors
//! (thresholds for crisp and multi-value sets; full exclusion, crossover and full
//! inclusion for fuzzy sets by the direct method of Ragin 2008) and every later figure
//! depends on them, so the transformation must be exactly the reference one.

use crate::{StatsError, StatsResult};

/// Fuzzy anchors of the direct method: exclusion `e`, crossover `c`, inclusion `i`.
/// `e < i` is an increasing set, `e > i` a decreasing one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchors {
    /// Full exclusion.
    pub e: f64,
    /// Crossover (membership 0.5).
    pub c: f64,
    /// Full inclusion.
    pub i: f64,
}

impl Anchors {
    /// Checks that the crossover lies strictly between the two other anchors.
    pub fn new(e: f64, c: f64, i: f64) -> StatsResult<Self> {
        if !(e.is_finite() && c.is_finite() && i.is_finite()) {
            return Err(StatsError::Invalid(
                "calibration anchors must be finite".into(),
            ));
        }
        let ordered = (e < c && c < i) || (e > c && c > i);
        if !ordered {
            return Err(StatsError::Invalid(format!(
                "the crossover {c} must lie strictly between exclusion {e} and inclusion {i}"
            )));
        }
        Ok(Self { e, c, i })
    }
}

/// How fuzzy values are computed between the anchors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FuzzyShape {
    /// The logistic function with inclusion degree `idm` at the inclusion anchor
    /// (`QCA::calibrate`'s default, idm 0.95), in `(0.5, 1)`.
    Logistic {
        /// Degree of membership at full inclusion.
        idm: f64,
    },
    /// Piecewise linear (`logistic = FALSE`) with exponents `below` and `above`.
    Linear {
        /// Exponent below the crossover.
        below: f64,
        /// Exponent above the crossover.
        above: f64,
    },
}

/// Crisp (or multi-value) calibration: the number of sorted thresholds `t` with `x >= t`.
pub fn crisp(values: &[f64], thresholds: &[f64]) -> StatsResult<Vec<f64>> {
    if thresholds.is_empty() || thresholds.len() >= usize::from(super::MAX_LEVELS) {
        return Err(StatsError::Invalid(format!(
            "crisp calibration takes 1 to {} thresholds",
            super::MAX_LEVELS - 1
        )));
    }
    if thresholds.iter().any(|t| !t.is_finite()) {
        return Err(StatsError::Invalid("thresholds must be finite".into()));
    }
    let mut t = thresholds.to_vec();
    t.sort_by(f64::total_cmp);
    values
        .iter()
        .enumerate()
        .map(|(row, &x)| {
            if !x.is_finite() {
                return Err(StatsError::NonFinite {
                    what: "calibration input".into(),
                    row,
                });
            }
            Ok(t.iter().filter(|&&th| x >= th).count() as f64)
        })
        .collect()
}

/// Fuzzy calibration by the direct method. Outputs below 1e-4 become 0 and above
/// 0.9999 become 1, as in the package.
pub fn fuzzy(values: &[f64], a: Anchors, shape: FuzzyShape) -> StatsResult<Vec<f64>> {
    match shape {
        FuzzyShape::Logistic { idm } if !(idm > 0.5 && idm < 1.0) => {
            return Err(StatsError::Invalid(format!(
                "idm must lie in (0.5, 1), got {idm}"
            )))
        }
        FuzzyShape::Linear { below, above }
            if !(below.is_finite() && above.is_finite() && below > 0.0 && above > 0.0) =>
        {
            return Err(StatsError::Invalid(
                "linear calibration exponents must be positive".into(),
            ))
        }
        _ => {}
    }
    values
        .iter()
        .enumerate()
        .map(|(row, &x)| {
            if !x.is_finite() {
                return Err(StatsError::NonFinite {
                    what: "calibration input".into(),
                    row,
                });
            }
            let f = fuzzy_one(x, a, shape);
            Ok(if f < 1e-4 {
                0.0
            } else if f > 0.9999 {
                1.0
            } else {
                f
            })
        })
        .collect()
}

fn fuzzy_one(x: f64, a: Anchors, shape: FuzzyShape) -> f64 {
    let decreasing = a.e > a.i;
    let (e, c, i) = if decreasing {
        (a.i, a.c, a.e)
    } else {
        (a.e, a.c, a.i)
    };
    match shape {
        FuzzyShape::Logistic { idm } => {
            let l = (idm / (1.0 - idm)).ln();
            let f = if x >= c {
                1.0 / (1.0 + (-(x - c) * l / (i - c)).exp())
            } else {
                1.0 / (1.0 + ((x - c) * l / (e - c)).exp())
            };
            if decreasing {
                1.0 - f
            } else {
                f
            }
        }
        FuzzyShape::Linear { below, above } => {
            if decreasing {
                // Mirror: thresholds given high to low, membership falls with x.
                let (e, i) = (a.e, a.i);
                if x >= e {
                    0.0
                } else if x >= c {
                    ((e - x) / (e - c)).powf(below) / 2.0
                } else if x >= i {
                    1.0 - ((i - x) / (i - c)).powf(above) / 2.0
                } else {
                    1.0
                }
            } else if x <= e {
                0.0
            } else if x <= c {
                ((e - x) / (e - c)).powf(below) / 2.0
            } else if x <= i {
                1.0 - ((i - x) / (i - c)).powf(above) / 2.0
            } else {
                1.0
            }
        }
    }
}

/// The most classes (thresholds) the indirect method takes.
pub const MAX_INDIRECT_THRESHOLDS: usize = 20;

/// Fuzzy calibration by the indirect method (Ragin 2008, ch. 5), as
/// `QCA::calibrate(x, method = "indirect", thresholds = t)` does it.
///
/// The researcher's qualitative grouping of the cases is given by `k` thresholds on the raw
/// measure: a case above `j` of the (sorted) thresholds gets the target membership `j / k`
/// (rounded to three decimals, as the package does), so 5 thresholds give Ragin's six
/// classes 0, 0.2, …, 1. The fuzzy scores are the fitted values of a fractional logit
/// (a quasi-binomial GLM) of those targets on `log x`, `√x`, `x` and `x²` (the package's
/// fractional polynomial; a raw value of 0 becomes 0.00001 first), rounded to six decimals,
/// with values below 1e-4 set to 0 and above 0.9999 to 1.
///
/// Refused with a clear error: a negative or non-finite raw value (the logarithm), no
/// thresholds or more than [`MAX_INDIRECT_THRESHOLDS`], fewer than five distinct raw values
/// (the fit has five coefficients), and a fit that does not converge.
pub fn indirect(values: &[f64], thresholds: &[f64]) -> StatsResult<Vec<f64>> {
    let fit = indirect_fit(values, thresholds)?;
    Ok(fit
        .fitted
        .iter()
        .map(|&f| {
            let f = (f * 1e6).round() / 1e6;
            if f < 1e-4 {
                0.0
            } else if f > 0.9999 {
                1.0
            } else {
                f
            }
        })
        .collect())
}

/// The indirect method's fit before rounding: the targets, the design and the fitted values
/// (the targets and the design are read by the tests of the score equations).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct IndirectFit {
    pub(crate) targets: Vec<f64>,
    pub(crate) design: Vec<[f64; 5]>,
    pub(crate) fitted: Vec<f64>,
}

pub(crate) fn indirect_fit(values: &[f64], thresholds: &[f64]) -> StatsResult<IndirectFit> {
    if thresholds.is_empty() || thresholds.len() > MAX_INDIRECT_THRESHOLDS {
        return Err(StatsError::Invalid(format!(
            "indirect calibration takes 1 to {MAX_INDIRECT_THRESHOLDS} thresholds"
        )));
    }
    if thresholds.iter().any(|t| !t.is_finite()) {
        return Err(StatsError::Invalid("thresholds must be finite".into()));
    }
    let mut t = thresholds.to_vec();
    t.sort_by(f64::total_cmp);
    let k = t.len() as f64;
    let mut targets = Vec::with_capacity(values.len());
    let mut design = Vec::with_capacity(values.len());
    for (row, &x) in values.iter().enumerate() {
        if !x.is_finite() {
            return Err(StatsError::NonFinite {
                what: "calibration input".into(),
                row,
            });
        }
        if x < 0.0 {
            return Err(StatsError::Invalid(format!(
                "indirect calibration needs raw values of 0 or more (it takes their logarithm); row {} has {x}",
                row + 1
            )));
        }
        let above = t.iter().filter(|&&th| x > th).count() as f64;
        targets.push((above / k * 1000.0).round() / 1000.0);
        let x = if x == 0.0 { 0.00001 } else { x };
        design.push([1.0, x.ln(), x.sqrt(), x, x * x]);
    }
    let mut distinct: Vec<f64> = values.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if distinct.len() < 5 {
        return Err(StatsError::Invalid(format!(
            "indirect calibration fits five coefficients and needs at least five distinct raw values, got {}",
            distinct.len()
        )));
    }
    let fitted = fractional_logit(&design, &targets)?;
    Ok(IndirectFit {
        targets,
        design,
        fitted,
    })
}

/// Iteratively reweighted least squares of a logit GLM with fractional responses, started
/// and stopped as R's `glm.fit` (start mu = (y + 0.5) / 2; stop when the relative change of
/// the deviance is below 1e-8; at most 25 iterations). Returns the fitted means.
fn fractional_logit(x: &[[f64; 5]], y: &[f64]) -> StatsResult<Vec<f64>> {
    const P: usize = 5;
    let n = y.len();
    // Columns scaled to a largest magnitude of 1: the fitted values do not change, the
    // least-squares problems are far better conditioned (x² next to log x).
    let mut scale = [0.0f64; P];
    for row in x {
        for j in 0..P {
            scale[j] = scale[j].max(row[j].abs());
        }
    }
    let xs: Vec<[f64; P]> = x
        .iter()
        .map(|r| {
            let mut o = [0.0; P];
            for j in 0..P {
                o[j] = if scale[j] > 0.0 { r[j] / scale[j] } else { 0.0 };
            }
            o
        })
        .collect();
    let ylogy = |a: f64, b: f64| if a > 0.0 { a * (a / b).ln() } else { 0.0 };
    let deviance = |mu: &[f64]| -> f64 {
        y.iter()
            .zip(mu)
            .map(|(&yi, &m)| 2.0 * (ylogy(yi, m) + ylogy(1.0 - yi, 1.0 - m)))
            .sum()
    };
    let mut mu: Vec<f64> = y.iter().map(|&yi| (yi + 0.5) / 2.0).collect();
    let mut eta: Vec<f64> = mu.iter().map(|&m| (m / (1.0 - m)).ln()).collect();
    let mut dev_old = deviance(&mu);
    for _ in 0..25 {
        let mut a = Vec::with_capacity(n);
        let mut z = Vec::with_capacity(n);
        for i in 0..n {
            let d = mu[i] * (1.0 - mu[i]);
            let w = d.sqrt();
            let mut row = xs[i];
            for v in &mut row {
                *v *= w;
            }
            a.push(row);
            z.push((eta[i] + (y[i] - mu[i]) / d) * w);
        }
        let beta = least_squares(a, z)?;
        for i in 0..n {
            eta[i] = (0..P).map(|j| xs[i][j] * beta[j]).sum();
            mu[i] = 1.0 / (1.0 + (-eta[i]).exp());
            // As binomial()$linkinv: keep mu away from 0 and 1.
            mu[i] = mu[i].clamp(f64::EPSILON, 1.0 - f64::EPSILON);
        }
        let dev = deviance(&mu);
        if !dev.is_finite() {
            break;
        }
        if (dev - dev_old).abs() / (dev.abs() + 0.1) < 1e-8 {
            return Ok(mu);
        }
        dev_old = dev;
    }
    Err(StatsError::Invalid(
        "the indirect calibration's fit did not converge in 25 iterations".into(),
    ))
}

/// Least squares `min |A b - z|` by Householder QR; an error when `A` is rank-deficient.
fn least_squares<const P: usize>(mut a: Vec<[f64; P]>, mut z: Vec<f64>) -> StatsResult<[f64; P]> {
    let n = a.len();
    let mut r_diag = [0.0f64; P];
    for k in 0..P {
        let norm = (k..n).map(|i| a[i][k] * a[i][k]).sum::<f64>().sqrt();
        let col_scale = (0..n).map(|i| a[i][k].abs()).fold(0.0, f64::max);
        if norm <= 1e-10 * col_scale.max(1e-300) || norm == 0.0 {
            return Err(StatsError::Invalid(
                "the indirect calibration's fit is singular (too few distinct raw values)".into(),
            ));
        }
        let alpha = if a[k][k] > 0.0 { -norm } else { norm };
        // v = a[k..][k] - alpha e1, applied as a reflection to the remaining columns and z.
        a[k][k] -= alpha;
        let vnorm2: f64 = (k..n).map(|i| a[i][k] * a[i][k]).sum();
        for j in k + 1..P {
            let s: f64 = (k..n).map(|i| a[i][k] * a[i][j]).sum::<f64>() * 2.0 / vnorm2;
            for row in a[k..].iter_mut() {
                let v = row[k];
                row[j] -= s * v;
            }
        }
        let s: f64 = (k..n).map(|i| a[i][k] * z[i]).sum::<f64>() * 2.0 / vnorm2;
        for (zi, row) in z[k..].iter_mut().zip(&a[k..]) {
            *zi -= s * row[k];
        }
        r_diag[k] = alpha;
    }
    let mut b = [0.0f64; P];
    for k in (0..P).rev() {
        let s: f64 = (k + 1..P).map(|j| a[k][j] * b[j]).sum();
        b[k] = (z[k] - s) / r_diag[k];
    }
    Ok(b)
}

/// Indices of values calibrated to exactly 0.5: such cases belong to no truth-table row
/// (R warns about them), so a caller should tell the researcher.
pub fn at_crossover(calibrated: &[f64]) -> Vec<usize> {
    calibrated
        .iter()
        .enumerate()
        .filter(|(_, &x)| x == 0.5)
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_hits_the_anchors() {
        let a = Anchors::new(0.0, 5.0, 10.0).unwrap();
        let s = FuzzyShape::Linear {
            below: 1.0,
            above: 1.0,
        };
        let f = fuzzy(&[-1.0, 0.0, 2.5, 5.0, 7.5, 10.0, 11.0], a, s).unwrap();
        assert_eq!(f, vec![0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0]);
        let d = Anchors::new(10.0, 5.0, 0.0).unwrap();
        let g = fuzzy(&[11.0, 7.5, 5.0, 2.5, -1.0], d, s).unwrap();
        assert_eq!(g, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    }

    /// Hand-derived: with exactly five distinct raw values the five-coefficient fit is
    /// saturated, so (no target being 0 or 1) the fitted values are the targets themselves.
    /// Thresholds 1..5 give the six classes 0, 0.2, …, 1.
    #[test]
    fn indirect_with_five_distinct_values_returns_the_researchers_classes() {
        let x = [1.5, 1.7, 2.5, 3.5, 4.5, 2.5];
        let f = indirect(&x, &[5.0, 1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(f, vec![0.2, 0.2, 0.4, 0.6, 0.8, 0.4]);
    }

    /// The fit is the quasi-likelihood estimate: the score X'(y - mu) is zero, the fitted
    /// values rise with the raw measure here, and the extremes are zeroed as in the package.
    #[test]
    fn indirect_solves_the_score_equations() {
        let x: Vec<f64> = (0..40).map(|i| f64::from(i) * 0.5).collect();
        let th = [3.0, 6.0, 9.0, 12.0, 15.0];
        let fit = indirect_fit(&x, &th).unwrap();
        assert_eq!(fit.targets[0], 0.0);
        assert_eq!(fit.targets[13], 0.4); // 6.5 > 3 and 6
        assert_eq!(fit.targets[39], 1.0);
        for j in 0..5 {
            let score: f64 = fit
                .design
                .iter()
                .zip(&fit.targets)
                .zip(&fit.fitted)
                .map(|((d, y), m)| d[j] * (y - m))
                .sum();
            let size: f64 = fit.design.iter().map(|d| d[j].abs()).sum();
            assert!(score.abs() < 1e-6 * size, "score {j}: {score}");
        }
        let f = indirect(&x, &th).unwrap();
        assert!(f.windows(2).all(|w| w[0] <= w[1] + 1e-12), "{f:?}");
        assert!(f.iter().all(|v| (0.0..=1.0).contains(v)));
        assert!(f.iter().all(|&v| v == 0.0 || v >= 1e-4));
    }

    #[test]
    fn indirect_refuses_what_it_cannot_fit() {
        assert!(indirect(&[1.0, 2.0, 3.0, 4.0, -1.0], &[2.0]).is_err());
        assert!(indirect(&[1.0, 2.0, 3.0, 4.0, 4.0], &[2.0]).is_err());
        assert!(indirect(&[1.0, 2.0, 3.0, 4.0, f64::NAN], &[2.0]).is_err());
        assert!(indirect(&[1.0, 2.0, 3.0, 4.0, 5.0], &[]).is_err());
        assert!(indirect(&[1.0, 2.0, 3.0, 4.0, 5.0], &[f64::INFINITY]).is_err());
        assert!(indirect(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0; 21]).is_err());
    }

    #[test]
    fn bad_anchors_are_refused() {
        assert!(Anchors::new(1.0, 0.0, 2.0).is_err());
        assert!(Anchors::new(0.0, 1.0, f64::NAN).is_err());
        assert!(crisp(&[1.0], &[]).is_err());
    }
}
