//! Agreement between coders: percent agreement, Cohen's kappa, Fleiss' kappa and
//! Krippendorff's alpha (nominal, missing data allowed).
//!
//! Exists because open answers are coded by two or more coders, and a study reports how
//! well they agree before it reports what they found. Input: one row per unit, one
//! column per coder, category codes, `None` where a coder did not code the unit.
//!
//! - percent agreement: over units coded by at least two coders, the share of agreeing
//!   coder pairs within the unit, averaged over units (for two coders: the share of
//!   units on which they agree);
//! - Cohen's kappa: as scikit-learn's `cohen_kappa_score` (unweighted), for two coders,
//!   on units both coded;
//! - Fleiss' kappa: as statsmodels' `fleiss_kappa(method="fleiss")`, on the units that
//!   every coder coded;
//! - Krippendorff's alpha: nominal, as the `krippendorff` package, units with fewer than
//!   two codes are not pairable and drop out.

use crate::error::{StatsError, StatsResult};
use std::collections::BTreeMap;

fn check_shape(units: &[Vec<Option<u32>>]) -> StatsResult<usize> {
    if units.is_empty() {
        return Err(StatsError::Empty("no units to compare".into()));
    }
    let m = units[0].len();
    if let Some(u) = units.iter().position(|r| r.len() != m) {
        return Err(StatsError::Invalid(format!(
            "unit {u} has {} coders, unit 0 has {m}",
            units[u].len()
        )));
    }
    if m < 2 {
        return Err(StatsError::Invalid(format!(
            "agreement needs at least two coders, got {m}"
        )));
    }
    Ok(m)
}

/// Mean pairwise percent agreement (a share in [0, 1]) over units with two or more codes.
pub fn percent_agreement(units: &[Vec<Option<u32>>]) -> StatsResult<f64> {
    check_shape(units)?;
    let mut total = 0.0;
    let mut used = 0usize;
    for u in units {
        let codes: Vec<u32> = u.iter().flatten().copied().collect();
        if codes.len() < 2 {
            continue;
        }
        let mut agree = 0usize;
        let mut pairs = 0usize;
        for a in 0..codes.len() {
            for b in a + 1..codes.len() {
                pairs += 1;
                agree += (codes[a] == codes[b]) as usize;
            }
        }
        total += agree as f64 / pairs as f64;
        used += 1;
    }
    if used == 0 {
        return Err(StatsError::Empty("no unit was coded by two coders".into()));
    }
    Ok(total / used as f64)
}

/// Brennan and Prediger's kappa (κₙ, 1981): percent agreement corrected for the agreement
/// that chance gives when each of `categories` categories is equally likely,
/// `(pₒ − 1/q) / (1 − 1/q)` with `pₒ` the mean pairwise percent agreement. MAXQDA reports it
/// for segments, with `q` the number of codes compared. Unlike Cohen's kappa it does not
/// estimate chance from the coders' own marginals, so it stays defined (and can be high) on
/// units where "both absent" cannot occur, such as one code's segments.
pub fn brennan_prediger(units: &[Vec<Option<u32>>], categories: usize) -> StatsResult<f64> {
    if categories < 2 {
        return Err(StatsError::Invalid(format!(
            "Brennan and Prediger's kappa needs at least two categories, got {categories}"
        )));
    }
    let po = percent_agreement(units)?;
    let chance = 1.0 / categories as f64;
    Ok((po - chance) / (1.0 - chance))
}

/// Cohen's kappa of two coders' codes for the same units (scikit-learn's formula).
///
/// Errors when there are no units or when chance agreement is 1 (both coders used one
/// and the same category only), where kappa is 0/0.
pub fn cohen_kappa(a: &[u32], b: &[u32]) -> StatsResult<f64> {
    if a.len() != b.len() {
        return Err(StatsError::Invalid(format!(
            "coder 1 has {} codes, coder 2 has {}",
            a.len(),
            b.len()
        )));
    }
    if a.is_empty() {
        return Err(StatsError::Empty("no unit coded by both coders".into()));
    }
    let mut cats: Vec<u32> = a.iter().chain(b).copied().collect();
    cats.sort_unstable();
    cats.dedup();
    let k = cats.len();
    let pos = |c: u32| cats.binary_search(&c).expect("category is listed");
    let mut conf = vec![0.0f64; k * k];
    for (x, y) in a.iter().zip(b) {
        conf[pos(*x) * k + pos(*y)] += 1.0;
    }
    let n: f64 = a.len() as f64;
    let rows: Vec<f64> = (0..k)
        .map(|i| conf[i * k..(i + 1) * k].iter().sum())
        .collect();
    let cols: Vec<f64> = (0..k)
        .map(|j| (0..k).map(|i| conf[i * k + j]).sum())
        .collect();
    // sklearn: expected = outer(sum0, sum1) / sum; k = 1 - Σ w C / Σ w E, w = 1 - I.
    let mut num = 0.0;
    let mut den = 0.0;
    for i in 0..k {
        for j in 0..k {
            if i != j {
                num += conf[i * k + j];
                den += rows[i] * cols[j] / n;
            }
        }
    }
    if den == 0.0 {
        return Err(StatsError::Undefined(
            "Cohen's kappa is undefined when both coders used the same single category".into(),
        ));
    }
    Ok(1.0 - num / den)
}

/// Cohen's kappa on the units both of the first two coders coded.
pub fn cohen_kappa_units(units: &[Vec<Option<u32>>]) -> StatsResult<f64> {
    let m = check_shape(units)?;
    if m != 2 {
        return Err(StatsError::Invalid(format!(
            "Cohen's kappa is for two coders, got {m}"
        )));
    }
    let (a, b): (Vec<u32>, Vec<u32>) = units.iter().filter_map(|u| Some((u[0]?, u[1]?))).unzip();
    cohen_kappa(&a, &b)
}

/// Fleiss' kappa over the units coded by every coder (statsmodels' `fleiss_kappa`).
pub fn fleiss_kappa(units: &[Vec<Option<u32>>]) -> StatsResult<f64> {
    let m = check_shape(units)?;
    let complete: Vec<Vec<u32>> = units
        .iter()
        .filter_map(|u| u.iter().copied().collect::<Option<Vec<u32>>>())
        .collect();
    if complete.is_empty() {
        return Err(StatsError::Empty("no unit was coded by every coder".into()));
    }
    let mut cats: BTreeMap<u32, usize> = BTreeMap::new();
    for u in &complete {
        for c in u {
            let next = cats.len();
            cats.entry(*c).or_insert(next);
        }
    }
    let k = cats.len();
    let n_sub = complete.len() as f64;
    let n_rat = m as f64;
    let mut cat_tot = vec![0.0f64; k];
    let mut p_rat_sum = 0.0;
    for u in &complete {
        let mut counts = vec![0.0f64; k];
        for c in u {
            counts[cats[c]] += 1.0;
        }
        let sq: f64 = counts.iter().map(|x| x * x).sum();
        p_rat_sum += (sq - n_rat) / (n_rat * (n_rat - 1.0));
        for (t, c) in cat_tot.iter_mut().zip(&counts) {
            *t += c;
        }
    }
    let p_mean = p_rat_sum / n_sub;
    let total = n_sub * n_rat;
    let p_exp: f64 = cat_tot.iter().map(|t| (t / total) * (t / total)).sum();
    if p_exp >= 1.0 {
        return Err(StatsError::Undefined(
            "Fleiss' kappa is undefined when every code is the same category".into(),
        ));
    }
    Ok((p_mean - p_exp) / (1.0 - p_exp))
}

/// Krippendorff's alpha for nominal data with missing values.
pub fn krippendorff_alpha_nominal(units: &[Vec<Option<u32>>]) -> StatsResult<f64> {
    check_shape(units)?;
    let mut cats: BTreeMap<u32, usize> = BTreeMap::new();
    for c in units.iter().flatten().flatten() {
        let next = cats.len();
        cats.entry(*c).or_insert(next);
    }
    // Re-number in sorted order for a deterministic summation order.
    for (i, v) in cats.values_mut().enumerate() {
        *v = i;
    }
    let k = cats.len();
    let mut o = vec![0.0f64; k * k];
    for u in units {
        let codes: Vec<usize> = u.iter().flatten().map(|c| cats[c]).collect();
        let mu = codes.len();
        if mu < 2 {
            continue;
        }
        let mut counts = vec![0.0f64; k];
        for &c in &codes {
            counts[c] += 1.0;
        }
        let w = 1.0 / (mu as f64 - 1.0);
        for c in 0..k {
            if counts[c] == 0.0 {
                continue;
            }
            for d in 0..k {
                let pairs = if c == d {
                    counts[c] * (counts[c] - 1.0)
                } else {
                    counts[c] * counts[d]
                };
                o[c * k + d] += pairs * w;
            }
        }
    }
    let nc: Vec<f64> = (0..k).map(|c| o[c * k..(c + 1) * k].iter().sum()).collect();
    let n: f64 = nc.iter().sum();
    if n == 0.0 {
        return Err(StatsError::Empty("no unit was coded by two coders".into()));
    }
    let mut disagree = 0.0;
    let mut expected = 0.0;
    for c in 0..k {
        for d in 0..k {
            if c != d {
                disagree += o[c * k + d];
                expected += nc[c] * nc[d];
            }
        }
    }
    if expected == 0.0 {
        return Err(StatsError::Undefined(
            "Krippendorff's alpha is undefined when only one category occurs".into(),
        ));
    }
    Ok(1.0 - (n - 1.0) * disagree / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn krippendorff_2011_example() {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal
        // example with missing data: alpha = 0.743.
        let c = |v: &[i32]| -> Vec<Option<u32>> {
            v.iter()
                .map(|&x| if x < 0 { None } else { Some(x as u32) })
                .collect()
        };
        let coders = [
            c(&[1, 2, 3, 3, 2, 1, 4, 1, 2, -1, -1, -1]),
            c(&[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, -1, 3]),
            c(&[-1, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, -1]),
            c(&[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, -1]),
        ];
        let units: Vec<Vec<Option<u32>>> = (0..12)
            .map(|u| coders.iter().map(|r| r[u]).collect())
            .collect();
        let a = krippendorff_alpha_nominal(&units).unwrap();
        assert!((a - 0.743).abs() < 5e-4, "{a}");
    }

    #[test]
    fn fleiss_textbook_example() {
        // Fleiss (1971)-style example of 10 subjects, 14 raters, 5 categories, as
        // tabulated in the Wikipedia article on Fleiss' kappa: kappa = 0.210.
        let table = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let units: Vec<Vec<Option<u32>>> = table
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .flat_map(|(c, &k)| std::iter::repeat_n(Some(c as u32), k))
                    .collect()
            })
            .collect();
        let k = fleiss_kappa(&units).unwrap();
        assert!((k - 0.210).abs() < 5e-4, "{k}");
    }

    #[test]
    fn cohen_textbook_example() {
        // 50 proposals read by two readers: 20 yes/yes, 5 yes/no, 10 no/yes,
        // 15 no/no; po = 0.7, pe = 0.5, kappa = 0.4 (the Wikipedia worked example).
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (x, y, k) in [(1, 1, 20), (1, 0, 5), (0, 1, 10), (0, 0, 15)] {
            a.extend(std::iter::repeat_n(x, k));
            b.extend(std::iter::repeat_n(y, k));
        }
        assert!((cohen_kappa(&a, &b).unwrap() - 0.4).abs() < 1e-12);
    }

    #[test]
    fn fleiss_1971_and_cohen() {
        // Two coders agreeing perfectly on two categories: kappa = 1.
        assert_eq!(cohen_kappa(&[0, 1, 0, 1], &[0, 1, 0, 1]).unwrap(), 1.0);
        assert!(cohen_kappa(&[0, 0], &[0, 0]).is_err());
    }
}
