//! Parameters of fit: inclusion (consistency), PRI, coverage and unique coverage.
//!
//! Exists so that the truth table, the necessity table and every solution compute these
//! figures one way, the way `QCA::pof` does (sums of minima over cases), including the
//! package's zeroing of values below 1e-5.

/// Sufficiency of a set X for the outcome Y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sufficiency {
    /// Inclusion (consistency) `Σ min(X, Y) / Σ X`.
    pub incl: f64,
    /// Proportional reduction in inconsistency.
    pub pri: f64,
    /// Raw coverage `Σ min(X, Y) / Σ Y`.
    pub cov: f64,
}

/// Necessity of a set X for the outcome Y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Necessity {
    /// Inclusion `Σ min(X, Y) / Σ Y`.
    pub incl: f64,
    /// Relevance of necessity `Σ (1 - X) / Σ (1 - min(X, Y))`.
    pub ron: f64,
    /// Coverage `Σ min(X, Y) / Σ X`.
    pub cov: f64,
}

/// `pof()` sets values below 1e-5 to exactly 0.
pub(crate) fn zero_small(x: f64) -> f64 {
    if x.abs() < 1e-5 {
        0.0
    } else {
        x
    }
}

/// The sums a sufficiency needs: Σ X, Σ min(X, Y), Σ min(X, Y, 1 - Y).
pub(crate) fn sums(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let mut sx = 0.0;
    let mut sxy = 0.0;
    let mut sxyn = 0.0;
    for (&a, &b) in x.iter().zip(y) {
        sx += a;
        let m = a.min(b);
        sxy += m;
        sxyn += m.min(1.0 - b);
    }
    (sx, sxy, sxyn)
}

/// Inclusion and PRI from the sums (NaN when undefined, as in R).
pub(crate) fn incl_pri(sx: f64, sxy: f64, sxyn: f64) -> (f64, f64) {
    (sxy / sx, (sxy - sxyn) / (sx - sxyn))
}

/// Sufficiency of X for Y, zeroed as `pof` does.
pub fn sufficiency(x: &[f64], y: &[f64]) -> Sufficiency {
    let (sx, sxy, sxyn) = sums(x, y);
    let sy: f64 = y.iter().sum();
    let (incl, pri) = incl_pri(sx, sxy, sxyn);
    Sufficiency {
        incl: zero_small(incl),
        pri: zero_small(pri),
        cov: zero_small(sxy / sy),
    }
}

/// Necessity of X for Y, zeroed as `pof` does.
pub fn necessity(x: &[f64], y: &[f64]) -> Necessity {
    let mut sx = 0.0;
    let mut sy = 0.0;
    let mut sxy = 0.0;
    let mut s_not_x = 0.0;
    let mut s_not_xy = 0.0;
    for (&a, &b) in x.iter().zip(y) {
        let m = a.min(b);
        sx += a;
        sy += b;
        sxy += m;
        s_not_x += 1.0 - a;
        s_not_xy += 1.0 - m;
    }
    Necessity {
        incl: zero_small(sxy / sy),
        ron: zero_small(s_not_x / s_not_xy),
        cov: zero_small(sxy / sx),
    }
}

/// Unique coverage of each of `xs` against the others: `Σ max(0, min(X_i, Y) -
/// max_{j≠i} min(X_j, Y)) / Σ Y`. `None` for a single term (R gives NA).
pub fn unique_coverage(xs: &[Vec<f64>], y: &[f64]) -> Vec<Option<f64>> {
    if xs.len() < 2 {
        return vec![None; xs.len()];
    }
    let sy: f64 = y.iter().sum();
    // Per case, the largest and second largest min(X_j, Y) and where the largest is:
    // the maximum over the others is then one lookup (O(terms x cases), not squared).
    let mut sums = vec![0.0f64; xs.len()];
    for (c, &b) in y.iter().enumerate() {
        let mut first = f64::NEG_INFINITY;
        let mut second = f64::NEG_INFINITY;
        let mut at = 0;
        for (j, x) in xs.iter().enumerate() {
            let v = x[c].min(b);
            if v > first {
                second = first;
                first = v;
                at = j;
            } else if v > second {
                second = v;
            }
        }
        for (i, x) in xs.iter().enumerate() {
            let own = x[c].min(b);
            let others = if i == at { second } else { first };
            sums[i] += (own - others.max(0.0)).max(0.0);
        }
    }
    sums.into_iter().map(|s| Some(zero_small(s / sy))).collect()
}
