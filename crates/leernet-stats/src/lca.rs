//! Latent class analysis for categorical indicators.
//!
//! Exists because a typology can also be a model: each network belongs to one of K
//! latent classes, and within a class the answers are independent. Researchers expect
//! the figures of the LCA reporting norms: log-likelihood, number of parameters, AIC,
//! BIC, entropy, class sizes (and the smallest class), item-response probabilities, a
//! modal class per case, and a fit table over 1..K classes.
//!
//! Estimation: EM from several random starts (seeded: item-response probabilities drawn
//! from a flat Dirichlet, equal class shares), each run until the log-likelihood gains
//! less than 1e-12 of itself or 10,000 iterations; the start with the highest
//! log-likelihood wins. Missing answers are left out of a case's likelihood (full
//! information, as stepmix's `categorical_nan`); a case with no answer at all is not
//! counted in N. Item j has R_j = (largest code + 1) categories.
//!
//! - npar = (K - 1) + K Σ_j (R_j - 1)
//! - AIC = -2 LL + 2 npar, BIC = -2 LL + npar ln N
//! - entropy: the *normalised* classification entropy (Ramaswamy et al. 1993, as Mplus
//!   and LatentGOLD report it), E = 1 - Σ_i Σ_c (-p_ic ln p_ic) / (N ln K), in [0, 1],
//!   1 = perfectly separated classes; undefined (`None`) for K = 1. The raw entropy
//!   Σ_i Σ_c -p_ic ln p_ic (what stepmix's `entropy()` returns) is also given.
//!
//! Classes are numbered by decreasing size (estimated share), so that the same solution
//! always gets the same labels.

use crate::error::{StatsError, StatsResult};
use crate::rng::SplitMix64;
use rayon::prelude::*;

/// Options of an LCA fit.
#[derive(Debug, Clone)]
pub struct LcaOptions {
    /// Number of classes K (>= 1).
    pub classes: usize,
    /// Number of random starts (>= 1).
    pub starts: usize,
    /// Seed of the starts.
    pub seed: u64,
    /// Iteration limit per start.
    pub max_iter: usize,
}

impl Default for LcaOptions {
    fn default() -> Self {
        LcaOptions {
            classes: 2,
            starts: 20,
            seed: 1,
            max_iter: 10_000,
        }
    }
}

/// A fitted latent class model.
#[derive(Debug, Clone, PartialEq)]
pub struct Lca {
    /// K.
    pub classes: usize,
    /// Cases counted (with at least one answer).
    pub n: usize,
    /// Log-likelihood of the best start.
    pub loglik: f64,
    /// Number of free parameters.
    pub npar: usize,
    /// Akaike's information criterion.
    pub aic: f64,
    /// Bayesian information criterion.
    pub bic: f64,
    /// Normalised entropy (see the module doc); `None` for K = 1.
    pub entropy: Option<f64>,
    /// Raw classification entropy Σ -p ln p.
    pub entropy_raw: f64,
    /// Estimated class shares, largest first.
    pub class_sizes: Vec<f64>,
    /// Item-response probabilities `[class][item][category]`.
    pub probabilities: Vec<Vec<Vec<f64>>>,
    /// Posterior class probabilities per row (`[row][class]`); rows without any answer
    /// get the class shares.
    pub posterior: Vec<Vec<f64>>,
    /// Modal class per row, 1..=K.
    pub labels: Vec<usize>,
    /// EM iterations of the best start.
    pub iterations: usize,
    /// Whether the best start met the convergence criterion.
    pub converged: bool,
    /// Log-likelihood of every start, in order.
    pub start_logliks: Vec<f64>,
}

struct Data {
    n_rows: usize,
    items: usize,
    cats: Vec<usize>,
    /// x[i * items + j] = code or u32::MAX for missing.
    x: Vec<u32>,
    counted: Vec<bool>,
}

fn prepare(items: &[Vec<Option<u32>>]) -> StatsResult<Data> {
    if items.is_empty() {
        return Err(StatsError::Empty("LCA of no items".into()));
    }
    let n_rows = items[0].len();
    if items.iter().any(|c| c.len() != n_rows) {
        return Err(StatsError::Invalid("items of unequal length".into()));
    }
    let j_n = items.len();
    let mut x = vec![u32::MAX; n_rows * j_n];
    let mut cats = Vec::with_capacity(j_n);
    for (j, col) in items.iter().enumerate() {
        let mut max = None;
        for (i, v) in col.iter().enumerate() {
            if let Some(v) = v {
                if *v == u32::MAX {
                    return Err(StatsError::Invalid(format!(
                        "item {j} uses the reserved code {}",
                        u32::MAX
                    )));
                }
                x[i * j_n + j] = *v;
                max = Some(max.map_or(*v, |m: u32| m.max(*v)));
            }
        }
        let m = max.ok_or_else(|| StatsError::Empty(format!("item {j} has no answers")))?;
        cats.push(m as usize + 1);
    }
    let counted: Vec<bool> = (0..n_rows)
        .map(|i| (0..j_n).any(|j| x[i * j_n + j] != u32::MAX))
        .collect();
    Ok(Data {
        n_rows,
        items: j_n,
        cats,
        x,
        counted,
    })
}

struct Fit {
    loglik: f64,
    pi: Vec<f64>,
    rho: Vec<Vec<Vec<f64>>>,
    iterations: usize,
    converged: bool,
}

/// One E-step: fills `post` (n x K) and returns the log-likelihood.
fn e_step(d: &Data, pi: &[f64], rho: &[Vec<Vec<f64>>], post: &mut [f64]) -> f64 {
    let k = pi.len();
    let ln_pi: Vec<f64> = pi.iter().map(|p| p.ln()).collect();
    let ln_rho: Vec<Vec<Vec<f64>>> = rho
        .iter()
        .map(|c| {
            c.iter()
                .map(|item| item.iter().map(|p| p.ln()).collect())
                .collect()
        })
        .collect();
    // Rows in parallel; the log-likelihood is summed in row order afterwards, so the
    // result does not depend on the number of threads.
    let lls: Vec<f64> = post
        .par_chunks_mut(k)
        .enumerate()
        .with_min_len(256)
        .map(|(i, p)| {
            let row = &d.x[i * d.items..(i + 1) * d.items];
            for c in 0..k {
                let mut s = ln_pi[c];
                for (j, &v) in row.iter().enumerate() {
                    if v != u32::MAX {
                        s += ln_rho[c][j][v as usize];
                    }
                }
                p[c] = s;
            }
            let m = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut tot = 0.0;
            for v in p.iter_mut() {
                *v = (*v - m).exp();
                tot += *v;
            }
            for v in p.iter_mut() {
                *v /= tot;
            }
            if d.counted[i] {
                m + tot.ln()
            } else {
                0.0
            }
        })
        .collect();
    let ll: f64 = lls.iter().sum();
    ll
}

fn em(d: &Data, k: usize, rng: &mut SplitMix64, max_iter: usize) -> Fit {
    let mut pi = vec![1.0 / k as f64; k];
    let mut rho: Vec<Vec<Vec<f64>>> = (0..k)
        .map(|_| {
            d.cats
                .iter()
                .map(|&r| {
                    let draws: Vec<f64> = (0..r).map(|_| -(1.0 - rng.unit()).ln() + 1e-3).collect();
                    let s: f64 = draws.iter().sum();
                    draws.into_iter().map(|v| v / s).collect()
                })
                .collect()
        })
        .collect();
    let mut post = vec![0.0; d.n_rows * k];
    let n_counted = d.counted.iter().filter(|&&c| c).count() as f64;
    let mut ll = e_step(d, &pi, &rho, &mut post);
    let mut iterations = 0;
    let mut converged = false;
    while iterations < max_iter {
        iterations += 1;
        // M-step.
        let mut pi_new = vec![0.0; k];
        for i in (0..d.n_rows).filter(|&i| d.counted[i]) {
            for c in 0..k {
                pi_new[c] += post[i * k + c];
            }
        }
        for p in pi_new.iter_mut() {
            *p /= n_counted;
            if *p <= 0.0 {
                *p = f64::MIN_POSITIVE; // an emptied class keeps a finite log share
            }
        }
        for (c, rho_c) in rho.iter_mut().enumerate() {
            for (j, rho_cj) in rho_c.iter_mut().enumerate() {
                let mut num = vec![0.0; d.cats[j]];
                let mut den = 0.0;
                for i in 0..d.n_rows {
                    let v = d.x[i * d.items + j];
                    if v != u32::MAX {
                        let w = post[i * k + c];
                        num[v as usize] += w;
                        den += w;
                    }
                }
                if den > 0.0 {
                    for (r, v) in num.into_iter().enumerate() {
                        rho_cj[r] = v / den;
                    }
                }
            }
        }
        pi = pi_new;
        let ll_new = e_step(d, &pi, &rho, &mut post);
        let gain = ll_new - ll;
        ll = ll_new;
        if gain.abs() <= 1e-12 * ll.abs().max(1.0) {
            converged = true;
            break;
        }
    }
    Fit {
        loglik: ll,
        pi,
        rho,
        iterations,
        converged,
    }
}

/// Fits a K-class model to categorical items `items[item][row]` (codes 0..R_j-1).
pub fn lca(items: &[Vec<Option<u32>>], opts: &LcaOptions) -> StatsResult<Lca> {
    let d = prepare(items)?;
    let k = opts.classes;
    let n = d.counted.iter().filter(|&&c| c).count();
    if n == 0 {
        return Err(StatsError::Empty("no row has any answer".into()));
    }
    if k == 0 || k > n {
        return Err(StatsError::InvalidK { k, n });
    }
    if opts.starts == 0 {
        return Err(StatsError::Invalid("at least one start is needed".into()));
    }
    let mut rng = SplitMix64::new(opts.seed);
    let mut best: Option<Fit> = None;
    let mut start_logliks = Vec::with_capacity(opts.starts);
    for _ in 0..opts.starts {
        let fit = em(&d, k, &mut rng, opts.max_iter);
        start_logliks.push(fit.loglik);
        if best.as_ref().is_none_or(|b| fit.loglik > b.loglik) {
            best = Some(fit);
        }
    }
    let mut fit = best.expect("at least one start");
    // Classes by decreasing share (stable for ties).
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| fit.pi[b].total_cmp(&fit.pi[a]));
    fit.pi = order.iter().map(|&c| fit.pi[c]).collect();
    fit.rho = order.iter().map(|&c| fit.rho[c].clone()).collect();
    let mut post = vec![0.0; d.n_rows * k];
    let loglik = e_step(&d, &fit.pi, &fit.rho, &mut post);
    let npar = (k - 1) + k * d.cats.iter().map(|r| r - 1).sum::<usize>();
    let nf = n as f64;
    let mut entropy_raw = 0.0;
    for i in (0..d.n_rows).filter(|&i| d.counted[i]) {
        for c in 0..k {
            let p = post[i * k + c];
            if p > 0.0 {
                entropy_raw -= p * p.ln();
            }
        }
    }
    let entropy = (k > 1).then(|| 1.0 - entropy_raw / (nf * (k as f64).ln()));
    let posterior: Vec<Vec<f64>> = (0..d.n_rows)
        .map(|i| post[i * k..(i + 1) * k].to_vec())
        .collect();
    let labels = posterior
        .iter()
        .map(|p| {
            let mut bl = 0;
            for c in 1..k {
                if p[c] > p[bl] {
                    bl = c;
                }
            }
            bl + 1
        })
        .collect();
    Ok(Lca {
        classes: k,
        n,
        loglik,
        npar,
        aic: -2.0 * loglik + 2.0 * npar as f64,
        bic: -2.0 * loglik + npar as f64 * nf.ln(),
        entropy,
        entropy_raw,
        class_sizes: fit.pi,
        probabilities: fit.rho,
        posterior,
        labels,
        iterations: fit.iterations,
        converged: fit.converged,
        start_logliks,
    })
}

/// One row of the fit table.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRow {
    /// K.
    pub classes: usize,
    /// Log-likelihood.
    pub loglik: f64,
    /// Free parameters.
    pub npar: usize,
    /// AIC.
    pub aic: f64,
    /// BIC.
    pub bic: f64,
    /// Normalised entropy (`None` for K = 1).
    pub entropy: Option<f64>,
    /// Share of the smallest class.
    pub smallest_class: f64,
}

/// Fits 1..=max_classes classes; returns the fit table and the K with the lowest BIC.
/// A K that cannot be fitted (K > n) ends the table.
pub fn lca_fit_table(
    items: &[Vec<Option<u32>>],
    max_classes: usize,
    starts: usize,
    seed: u64,
) -> StatsResult<(Vec<FitRow>, usize)> {
    let mut rows = Vec::new();
    for k in 1..=max_classes.max(1) {
        let opts = LcaOptions {
            classes: k,
            starts,
            seed,
            ..Default::default()
        };
        let m = match lca(items, &opts) {
            Ok(m) => m,
            Err(StatsError::InvalidK { .. }) if k > 1 => break,
            Err(e) => return Err(e),
        };
        rows.push(FitRow {
            classes: k,
            loglik: m.loglik,
            npar: m.npar,
            aic: m.aic,
            bic: m.bic,
            entropy: m.entropy,
            smallest_class: m.class_sizes.iter().copied().fold(f64::INFINITY, f64::min),
        });
    }
    let best = rows
        .iter()
        .min_by(|a, b| a.bic.total_cmp(&b.bic))
        .map(|r| r.classes)
        .unwrap_or(1);
    Ok((rows, best))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_class_is_the_independence_model() {
        // K = 1: LL = Σ_j Σ_r n_jr ln(n_jr / n).
        let items = vec![
            vec![Some(0), Some(1), Some(1), Some(0)],
            vec![Some(2), Some(2), Some(0), Some(1)],
        ];
        let m = lca(
            &items,
            &LcaOptions {
                classes: 1,
                starts: 1,
                ..Default::default()
            },
        )
        .unwrap();
        let want = 2.0 * (2.0 * (0.5f64).ln()) + 2.0 * (0.5f64).ln() + 2.0 * (0.25f64).ln();
        assert!((m.loglik - want).abs() < 1e-12);
        assert_eq!(m.npar, 1 + 2);
        assert_eq!(m.entropy, None);
    }

    #[test]
    fn two_clear_classes() {
        let mut items = vec![Vec::new(); 4];
        for i in 0..40 {
            for (j, col) in items.iter_mut().enumerate() {
                let v = if i < 20 { 0 } else { 1 };
                col.push(Some(if (i + j) % 10 == 0 { 1 - v } else { v }));
            }
        }
        let m = lca(
            &items,
            &LcaOptions {
                classes: 2,
                starts: 5,
                seed: 3,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            m.labels[..20].iter().filter(|&&l| l == m.labels[0]).count(),
            20
        );
        assert!(m.entropy.unwrap() > 0.8);
        let (table, best) = lca_fit_table(&items, 3, 5, 3).unwrap();
        assert_eq!(table.len(), 3);
        assert_eq!(best, 2);
        assert!(lca(
            &items,
            &LcaOptions {
                classes: 41,
                ..Default::default()
            }
        )
        .is_err());
    }
}
