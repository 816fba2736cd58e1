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

    #[test]
    fn bad_anchors_are_refused() {
        assert!(Anchors::new(1.0, 0.0, 2.0).is_err());
        assert!(Anchors::new(0.0, 1.0, f64::NAN).is_err());
        assert!(crisp(&[1.0], &[]).is_err());
    }
}
