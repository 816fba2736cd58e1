//! Partitioning methods: k-prototypes for large mixed data and k-medoids (PAM) on any
//! dissimilarity matrix.
//!
//! Exists because hierarchical clustering needs the whole distance matrix (O(n²)
//! memory), which national-scale member data do not fit comfortably, and because with
//! small samples researchers often prefer medoids — real cases — as cluster centres.
//!
//! k-prototypes (Huang 1997, 1998): cost = Σ_i [Σ_numeric (x - m)² + γ Σ_categorical
//! [x ≠ mode]]; prototypes start at k distinct random rows (seeded), then rows are
//! assigned to the nearest prototype (ties to the lowest-numbered one) and prototypes
//! updated to the means and modes (ties to the smallest code) until no row moves;
//! several starts, the lowest cost wins. γ defaults to half the mean standard deviation
//! of the numeric columns (Huang's advice, as in the Python `kmodes` package). Numeric
//! columns are not standardised: do it before if their scales differ. Missing values
//! are not allowed (an error names the row).
//!
//! PAM (Kaufman & Rousseeuw 1990, ch. 2; R `cluster::pam`): BUILD chooses medoids one
//! by one, each the row that lowers the total distance most; SWAP then makes the best
//! medoid/non-medoid exchange while it lowers the total distance. Ties: as R's C code,
//! BUILD takes the last best row and SWAP the first best pair.

use crate::error::{StatsError, StatsResult};
use crate::gower::{CondensedMatrix, Distance};
use crate::rng::SplitMix64;
use rayon::prelude::*;

/// Result of k-prototypes.
#[derive(Debug, Clone, PartialEq)]
pub struct KPrototypes {
    /// Cluster of each row, 1..=k.
    pub labels: Vec<usize>,
    /// Huang's cost of the best start.
    pub cost: f64,
    /// Numeric part of each prototype (k x numeric columns).
    pub centroids_numeric: Vec<Vec<f64>>,
    /// Categorical part of each prototype (k x categorical columns), as codes.
    pub centroids_categorical: Vec<Vec<u32>>,
    /// γ used.
    pub gamma: f64,
    /// Iterations of the best start.
    pub iterations: usize,
    /// Cost of every start, in order.
    pub start_costs: Vec<f64>,
}

/// Options of k-prototypes.
#[derive(Debug, Clone)]
pub struct KPrototypesOptions {
    /// Number of clusters.
    pub k: usize,
    /// Number of random starts (at least 1).
    pub starts: usize,
    /// Seed of the starts.
    pub seed: u64,
    /// Weight of the categorical part; `None` = half the mean numeric sd.
    pub gamma: Option<f64>,
    /// Iteration limit per start.
    pub max_iter: usize,
}

impl Default for KPrototypesOptions {
    fn default() -> Self {
        KPrototypesOptions {
            k: 2,
            starts: 10,
            seed: 1,
            gamma: None,
            max_iter: 100,
        }
    }
}

/// k-prototypes on numeric columns `num[col][row]` and categorical `cat[col][row]`.
pub fn kprototypes(
    num: &[Vec<Option<f64>>],
    cat: &[Vec<Option<u32>>],
    opts: &KPrototypesOptions,
) -> StatsResult<KPrototypes> {
    let n = num
        .first()
        .map(Vec::len)
        .or_else(|| cat.first().map(Vec::len))
        .ok_or_else(|| StatsError::Empty("k-prototypes of no columns".into()))?;
    if num.iter().any(|c| c.len() != n) || cat.iter().any(|c| c.len() != n) {
        return Err(StatsError::Invalid("columns of unequal length".into()));
    }
    if n == 0 {
        return Err(StatsError::Empty("k-prototypes of no rows".into()));
    }
    if opts.k == 0 || opts.k > n {
        return Err(StatsError::InvalidK { k: opts.k, n });
    }
    if opts.starts == 0 {
        return Err(StatsError::Invalid("at least one start is needed".into()));
    }
    let (pn, pc) = (num.len(), cat.len());
    let mut x = vec![0.0f64; n * pn];
    let mut c = vec![0u32; n * pc];
    for (j, col) in num.iter().enumerate() {
        for (i, v) in col.iter().enumerate() {
            match v {
                Some(v) if v.is_finite() => x[i * pn + j] = *v,
                Some(_) => {
                    return Err(StatsError::NonFinite {
                        what: format!("numeric column {j}"),
                        row: i,
                    })
                }
                None => {
                    return Err(StatsError::Invalid(format!(
                        "k-prototypes does not allow missing values (numeric column {j}, row {i})"
                    )))
                }
            }
        }
    }
    for (j, col) in cat.iter().enumerate() {
        for (i, v) in col.iter().enumerate() {
            c[i * pc + j] = v.ok_or_else(|| {
                StatsError::Invalid(format!(
                    "k-prototypes does not allow missing values (categorical column {j}, row {i})"
                ))
            })?;
        }
    }
    let gamma = match opts.gamma {
        Some(g) if g.is_finite() && g >= 0.0 => g,
        Some(g) => return Err(StatsError::Invalid(format!("gamma {g} must be >= 0"))),
        None if pn == 0 => 1.0,
        None => {
            // Population sd (numpy's default), as the kmodes package.
            let mut s = 0.0;
            for j in 0..pn {
                let m = (0..n).map(|i| x[i * pn + j]).sum::<f64>() / n as f64;
                let v = (0..n).map(|i| (x[i * pn + j] - m).powi(2)).sum::<f64>() / n as f64;
                s += v.sqrt();
            }
            0.5 * s / pn as f64
        }
    };
    let k = opts.k;
    let mut rng = SplitMix64::new(opts.seed);
    let mut best: Option<KPrototypes> = None;
    let mut start_costs = Vec::with_capacity(opts.starts);
    for _ in 0..opts.starts {
        // k distinct rows (partial Fisher–Yates).
        let mut idx: Vec<usize> = (0..n).collect();
        for t in 0..k {
            let r = t + rng.below(n - t);
            idx.swap(t, r);
        }
        let mut cn: Vec<f64> = idx[..k]
            .iter()
            .flat_map(|&i| x[i * pn..(i + 1) * pn].to_vec())
            .collect();
        let mut cc: Vec<u32> = idx[..k]
            .iter()
            .flat_map(|&i| c[i * pc..(i + 1) * pc].to_vec())
            .collect();
        let mut labels = vec![usize::MAX; n];
        let mut iterations = 0;
        let mut cost;
        loop {
            iterations += 1;
            // Nearest prototype of every row, in parallel; ties to the lowest number.
            let assigned: Vec<(usize, f64)> = (0..n)
                .into_par_iter()
                .with_min_len(256)
                .map(|i| {
                    let (mut bl, mut bd) = (0, f64::INFINITY);
                    for l in 0..k {
                        let dn: f64 = (0..pn)
                            .map(|j| (x[i * pn + j] - cn[l * pn + j]).powi(2))
                            .sum();
                        let dc =
                            (0..pc).filter(|&j| c[i * pc + j] != cc[l * pc + j]).count() as f64;
                        let d = dn + gamma * dc;
                        if d < bd {
                            bd = d;
                            bl = l;
                        }
                    }
                    (bl, bd)
                })
                .collect();
            let mut moved = false;
            cost = 0.0;
            for (label, &(bl, bd)) in labels.iter_mut().zip(&assigned) {
                if *label != bl {
                    moved = true;
                    *label = bl;
                }
                cost += bd;
            }
            if !moved || iterations >= opts.max_iter {
                break;
            }
            // Update prototypes; an emptied cluster keeps its prototype.
            for l in 0..k {
                let members: Vec<usize> = (0..n).filter(|&i| labels[i] == l).collect();
                if members.is_empty() {
                    continue;
                }
                for j in 0..pn {
                    cn[l * pn + j] =
                        members.iter().map(|&i| x[i * pn + j]).sum::<f64>() / members.len() as f64;
                }
                for j in 0..pc {
                    let mut counts: std::collections::BTreeMap<u32, usize> = Default::default();
                    for &i in &members {
                        *counts.entry(c[i * pc + j]).or_default() += 1;
                    }
                    let mut mode = (0, 0);
                    for (v, cnt) in counts {
                        if cnt > mode.1 {
                            mode = (v, cnt);
                        }
                    }
                    cc[l * pc + j] = mode.0;
                }
            }
        }
        start_costs.push(cost);
        if best.as_ref().is_none_or(|b| cost < b.cost) {
            best = Some(KPrototypes {
                labels: labels.iter().map(|l| l + 1).collect(),
                cost,
                centroids_numeric: (0..k).map(|l| cn[l * pn..(l + 1) * pn].to_vec()).collect(),
                centroids_categorical: (0..k).map(|l| cc[l * pc..(l + 1) * pc].to_vec()).collect(),
                gamma,
                iterations,
                start_costs: Vec::new(),
            });
        }
    }
    let mut best = best.expect("at least one start");
    best.start_costs = start_costs;
    Ok(best)
}

/// Result of PAM.
#[derive(Debug, Clone, PartialEq)]
pub struct Pam {
    /// Row index of each medoid, in the order of the cluster labels.
    pub medoids: Vec<usize>,
    /// Cluster of each row, 1..=k (cluster l has medoid `medoids[l-1]`).
    pub labels: Vec<usize>,
    /// Total distance of the rows to their medoids after BUILD.
    pub cost_build: f64,
    /// Total distance after SWAP (the objective).
    pub cost: f64,
    /// Number of swaps made.
    pub swaps: usize,
}

/// PAM (BUILD + SWAP) into k clusters.
pub fn pam<T: Distance>(d: &CondensedMatrix<T>, k: usize) -> StatsResult<Pam> {
    let n = d.n();
    if n == 0 {
        return Err(StatsError::Empty("PAM of no rows".into()));
    }
    if k == 0 || k > n {
        return Err(StatsError::InvalidK { k, n });
    }
    let dist = |i: usize, j: usize| d.get(i, j);
    let mut is_medoid = vec![false; n];
    let max_d = d
        .as_slice()
        .iter()
        .map(|x| x.to_f64())
        .fold(0.0f64, f64::max);
    // dysma: distance to the nearest medoid; starts above every distance (as R).
    let mut near = vec![1.1 * max_d + 1.0; n];
    for _ in 0..k {
        let mut best = (f64::NEG_INFINITY, 0usize);
        for (i, &med) in is_medoid.iter().enumerate() {
            if med {
                continue;
            }
            let gain: f64 = (0..n).map(|j| (near[j] - dist(i, j)).max(0.0)).sum();
            if gain >= best.0 {
                best = (gain, i);
            }
        }
        let m = best.1;
        is_medoid[m] = true;
        for (j, nj) in near.iter_mut().enumerate() {
            *nj = nj.min(dist(m, j));
        }
    }
    let cost_of = |is_medoid: &[bool]| -> (Vec<f64>, Vec<f64>) {
        // nearest and second-nearest medoid distances
        let mut a = vec![f64::INFINITY; n];
        let mut b = vec![f64::INFINITY; n];
        for j in 0..n {
            for m in (0..n).filter(|&m| is_medoid[m]) {
                let dj = dist(m, j);
                if dj < a[j] {
                    b[j] = a[j];
                    a[j] = dj;
                } else if dj < b[j] {
                    b[j] = dj;
                }
            }
        }
        (a, b)
    };
    let (mut a, mut b) = cost_of(&is_medoid);
    let cost_build: f64 = a.iter().sum();
    let mut swaps = 0;
    loop {
        let mut best = (0.0f64, usize::MAX, usize::MAX);
        for h in (0..n).filter(|&h| !is_medoid[h]) {
            for i in (0..n).filter(|&i| is_medoid[i]) {
                let mut dz = 0.0;
                for j in 0..n {
                    let (dij, dhj) = (dist(i, j), dist(h, j));
                    if dij == a[j] {
                        dz += dhj.min(b[j]) - a[j];
                    } else if dhj < a[j] {
                        dz += dhj - a[j];
                    }
                }
                if dz < best.0 {
                    best = (dz, h, i);
                }
            }
        }
        let total: f64 = a.iter().sum();
        if best.1 == usize::MAX || best.0 >= -16.0 * f64::EPSILON * total.abs() {
            break;
        }
        is_medoid[best.2] = false;
        is_medoid[best.1] = true;
        swaps += 1;
        (a, b) = cost_of(&is_medoid);
        if swaps > 100 * n {
            break;
        }
    }
    let medoids: Vec<usize> = (0..n).filter(|&m| is_medoid[m]).collect();
    let labels = (0..n)
        .map(|j| {
            let mut bl = 0;
            for (l, &m) in medoids.iter().enumerate() {
                if dist(m, j) < dist(medoids[bl], j) {
                    bl = l;
                }
            }
            bl + 1
        })
        .collect();
    Ok(Pam {
        medoids,
        labels,
        cost_build,
        cost: a.iter().sum(),
        swaps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kprototypes_separates_two_groups_and_is_seeded() {
        let num = vec![vec![
            Some(0.0),
            Some(0.1),
            Some(0.2),
            Some(10.0),
            Some(10.1),
            Some(10.2),
        ]];
        let cat = vec![vec![Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)]];
        let opts = KPrototypesOptions {
            k: 2,
            starts: 5,
            seed: 7,
            ..Default::default()
        };
        let r = kprototypes(&num, &cat, &opts).unwrap();
        assert_eq!(r.labels[0], r.labels[2]);
        assert_ne!(r.labels[0], r.labels[3]);
        assert!((r.cost - 4.0 * 0.01).abs() < 1e-12);
        assert_eq!(r, kprototypes(&num, &cat, &opts).unwrap());
        let bad = KPrototypesOptions { k: 7, ..opts };
        assert!(kprototypes(&num, &cat, &bad).is_err());
    }

    #[test]
    fn pam_on_a_line_finds_the_medians() {
        let xs = [0.0, 1.0, 2.0, 10.0, 11.0, 12.0, 13.0];
        let n = xs.len();
        let mut v = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                v.push(xs[i] - xs[j]);
            }
        }
        let v: Vec<f64> = v.into_iter().map(f64::abs).collect();
        let d = CondensedMatrix::new(n, v).unwrap();
        let p = pam(&d, 2).unwrap();
        assert_eq!(p.labels, vec![1, 1, 1, 2, 2, 2, 2]);
        assert!(p.medoids[0] == 1 && (p.medoids[1] == 4 || p.medoids[1] == 5));
        assert!((p.cost - (2.0 + 4.0)).abs() < 1e-12);
        assert!(pam(&d, 8).is_err());
    }

    #[test]
    fn pam_ends_where_no_single_swap_helps() {
        let mut rng = SplitMix64::new(11);
        for _ in 0..30 {
            let n = 5 + rng.below(20);
            let k = 1 + rng.below(4.min(n));
            let v: Vec<f64> = (0..n * (n - 1) / 2)
                .map(|_| (rng.below(20) as f64) / 4.0)
                .collect();
            let d = CondensedMatrix::new(n, v).unwrap();
            let p = pam(&d, k).unwrap();
            let cost = |meds: &[usize]| -> f64 {
                (0..n)
                    .map(|j| {
                        meds.iter()
                            .map(|&m| d.get(m, j))
                            .fold(f64::INFINITY, f64::min)
                    })
                    .sum()
            };
            assert!((cost(&p.medoids) - p.cost).abs() < 1e-9);
            assert!(p.cost <= p.cost_build + 1e-12);
            for pos in 0..k {
                for h in (0..n).filter(|h| !p.medoids.contains(h)) {
                    let mut m2 = p.medoids.clone();
                    m2[pos] = h;
                    assert!(cost(&m2) >= p.cost - 1e-9);
                }
            }
        }
    }
}
