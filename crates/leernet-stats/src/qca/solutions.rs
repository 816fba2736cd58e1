//! The three QCA solutions of a truth table, with every model and its parameters of fit.
//!
//! Exists because a researcher reports the conservative (complex) solution, the
//! parsimonious one (which uses remainders as simplifying assumptions) and the
//! intermediate one (which uses only the easy counterfactuals that the directional
//! expectations allow), each with consistency, PRI and coverage per term and per model,
//! and every equally short model when the solution is ambiguous, as `QCA::minimize` does.

use super::data::{covered_rows, covers, row_config, QcaData, Term};
use super::fit;
use super::minimise::{minimal_covers, prime_implicants, Problem};
use super::truth_table::{Out, TruthTable};
use crate::{StatsError, StatsResult};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The largest number of intermediate variants (conservative x parsimonious models).
pub const MAX_VARIANTS: usize = 1_000;

/// Which solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolutionKind {
    /// Positive rows only.
    Conservative,
    /// Positive rows and every remainder as a don't care.
    Parsimonious,
    /// Positive rows and the easy counterfactuals.
    Intermediate,
}

/// Directional expectations: per condition, the values expected to go with the outcome
/// (`None`: no expectation).
#[derive(Debug, Clone, PartialEq)]
pub struct DirExp(pub Vec<Option<Vec<u8>>>);

impl DirExp {
    /// Parses `A`, `~A`, `A[1]`, `DEV[1,2]` (one per condition named; a condition not
    /// named has no expectation; `-` is skipped).
    pub fn parse(data: &QcaData, specs: &[String]) -> StatsResult<Self> {
        let names = data.names();
        let mut out: Vec<Option<Vec<u8>>> = vec![None; names.len()];
        for raw in specs {
            let s = raw.trim();
            if s.is_empty() || s == "-" {
                continue;
            }
            let (name, values): (&str, Vec<u8>) = if let Some(open) = s.find('[') {
                let inner = s[open + 1..].strip_suffix(']').ok_or_else(|| {
                    StatsError::Invalid(format!("directional expectation {s}: missing ]"))
                })?;
                let vals = inner
                    .split(',')
                    .map(|v| v.trim().parse::<u8>())
                    .collect::<Result<Vec<u8>, _>>()
                    .map_err(|_| {
                        StatsError::Invalid(format!("directional expectation {s}: bad value"))
                    })?;
                (&s[..open], vals)
            } else if let Some(n) = s.strip_prefix('~') {
                (n, vec![0])
            } else {
                (s, vec![1])
            };
            let j = names.iter().position(|n| n == name).ok_or_else(|| {
                StatsError::Invalid(format!(
                    "directional expectation {s}: {name} is not a condition"
                ))
            })?;
            if let Some(v) = values.iter().find(|&&v| v >= data.levels()[j]) {
                return Err(StatsError::Invalid(format!(
                    "directional expectation {s}: {name} has no value {v}"
                )));
            }
            if out[j].is_some() {
                return Err(StatsError::Invalid(format!(
                    "directional expectation for {name} given twice"
                )));
            }
            out[j] = Some(values);
        }
        Ok(Self(out))
    }

    /// Every condition present (or absent, for a negated outcome).
    pub fn all(data: &QcaData, value: u8) -> Self {
        Self(data.levels().iter().map(|_| Some(vec![value])).collect())
    }
}

/// A term (prime implicant) with its fit.
#[derive(Debug, Clone, PartialEq)]
pub struct TermFit {
    /// The term.
    pub term: Term,
    /// As R writes it.
    pub name: String,
    /// Consistency.
    pub incl: f64,
    /// PRI.
    pub pri: f64,
    /// Raw coverage.
    pub cov: f64,
    /// Unique coverage against the other terms of the list (`None` for a single term).
    pub cov_u: Option<f64>,
    /// Cases (indices) of the positive rows the term covers, in row order.
    pub cases: Vec<usize>,
}

/// One model: a sum of terms, with its fit as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFit {
    /// The terms.
    pub terms: Vec<Term>,
    /// Their names.
    pub names: Vec<String>,
    /// `A*B + C`.
    pub expression: String,
    /// Solution consistency.
    pub incl: f64,
    /// Solution PRI.
    pub pri: f64,
    /// Solution coverage.
    pub cov: f64,
    /// Each term's unique coverage within this model.
    pub term_cov_u: Vec<Option<f64>>,
    /// Remainder rows (1-based) its terms cover (the simplifying assumptions).
    pub remainders_used: Vec<usize>,
}

/// A solution: its models and the table of their prime implicants.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Every equally short model.
    pub models: Vec<ModelFit>,
    /// Each prime implicant used in some model, covU against all others of the table.
    pub prime_implicants: Vec<TermFit>,
    /// Names of the terms in every model.
    pub essential: Vec<String>,
}

/// One intermediate variant: a conservative model paired with a parsimonious one.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// `CiPj`.
    pub key: String,
    /// The conservative model's terms.
    pub conservative_model: Vec<String>,
    /// The parsimonious model's terms.
    pub parsimonious_model: Vec<String>,
    /// Remainder rows (1-based) used as easy counterfactuals.
    pub easy_counterfactuals: Vec<usize>,
    /// The solution with those counterfactuals.
    pub solution: Solution,
}

/// The three solutions; each may fail on its own (as R's `minimize` can).
#[derive(Debug, Clone)]
pub struct Minimized {
    /// Conservative.
    pub conservative: StatsResult<Solution>,
    /// Parsimonious.
    pub parsimonious: StatsResult<Solution>,
    /// Intermediate, one per variant; `None` without directional expectations.
    pub intermediate: Option<StatsResult<Vec<Variant>>>,
}

/// Options of [`minimize`].
#[derive(Debug, Clone, Default)]
pub struct MinimizeOptions {
    /// Directional expectations; without them there is no intermediate solution.
    pub dir_exp: Option<DirExp>,
}

/// The conservative, parsimonious and (with directional expectations) intermediate
/// solutions of a truth table built from `data`.
pub fn minimize(data: &QcaData, tt: &TruthTable, options: &MinimizeOptions) -> Minimized {
    let positive = tt.observed_with(Out::Positive);
    let conservative = solve(data, tt, &positive, &HashSet::new());
    let remainders: HashSet<usize> = (0..tt.n_rows())
        .filter(|&r| tt.out(r) == Out::Remainder)
        .collect();
    let parsimonious = solve(data, tt, &positive, &remainders);
    let intermediate = options.dir_exp.as_ref().map(|de| {
        let c = conservative.as_ref().map_err(Clone::clone)?;
        let p = parsimonious.as_ref().map_err(Clone::clone)?;
        intermediate(data, tt, &positive, c, p, de)
    });
    Minimized {
        conservative,
        parsimonious,
        intermediate,
    }
}

fn solve(
    data: &QcaData,
    tt: &TruthTable,
    positive: &[usize],
    dont_care: &HashSet<usize>,
) -> StatsResult<Solution> {
    if positive.is_empty() {
        return Err(StatsError::Undefined(
            "no configuration is sufficient for the outcome (no row with OUT = 1)".into(),
        ));
    }
    let problem = Problem {
        levels: tt.levels(),
        positive,
        dont_care,
    };
    let pis = prime_implicants(&problem)?;
    if pis.iter().any(|t| t.iter().all(Option::is_none)) {
        return Err(StatsError::Undefined(
            "all truth table configurations are used, all conditions are minimized".into(),
        ));
    }
    let configs: Vec<Vec<u8>> = positive
        .iter()
        .map(|&r| row_config(tt.levels(), r))
        .collect();
    let models = minimal_covers(&pis, &configs)?;
    Ok(describe(data, tt, positive, &pis, &models))
}

fn zero_model(x: f64, multi: bool) -> f64 {
    if multi && x.abs() < 1e-4 {
        0.0
    } else {
        fit::zero_small(x)
    }
}

fn describe(
    data: &QcaData,
    tt: &TruthTable,
    positive: &[usize],
    pis: &[Term],
    models: &[Vec<usize>],
) -> Solution {
    let y = data.outcome();
    let multi = models.len() > 1;
    let used: BTreeSet<usize> = models.iter().flatten().copied().collect();
    let used: Vec<usize> = used.into_iter().collect();
    let memberships: Vec<Vec<f64>> = used
        .iter()
        .map(|&i| data.term_membership(&pis[i]))
        .collect();
    let member_of = |pi: usize| &memberships[used.iter().position(|&u| u == pi).unwrap_or(0)];
    let cov_u = fit::unique_coverage(&memberships, y);
    let mut pos_rows: Vec<usize> = positive.to_vec();
    pos_rows.sort_unstable();
    let prime_implicants = used
        .iter()
        .zip(&cov_u)
        .map(|(&i, &cu)| {
            let s = fit::sufficiency(member_of(i), y);
            let cases = pos_rows
                .iter()
                .filter(|&&r| covers(&pis[i], &row_config(tt.levels(), r)))
                .flat_map(|r| tt.observed[r].cases.iter().copied())
                .collect();
            TermFit {
                term: pis[i].clone(),
                name: data.term_name(&pis[i]),
                incl: s.incl,
                pri: s.pri,
                cov: s.cov,
                cov_u: cu,
                cases,
            }
        })
        .collect();
    let model_fits = models
        .iter()
        .map(|m| {
            let xs: Vec<Vec<f64>> = m.iter().map(|&i| member_of(i).clone()).collect();
            let sol: Vec<f64> = (0..data.n_cases())
                .map(|c| xs.iter().map(|x| x[c]).fold(0.0f64, f64::max))
                .collect();
            let s = fit::sufficiency(&sol, y);
            let mut rem = BTreeSet::new();
            for &i in m {
                for r in covered_rows(tt.levels(), &pis[i]) {
                    if tt.out(r) == Out::Remainder {
                        rem.insert(r + 1);
                    }
                }
            }
            let names: Vec<String> = m.iter().map(|&i| data.term_name(&pis[i])).collect();
            ModelFit {
                terms: m.iter().map(|&i| pis[i].clone()).collect(),
                expression: names.join(" + "),
                names,
                incl: zero_model(s.incl, multi),
                pri: zero_model(s.pri, multi),
                cov: zero_model(s.cov, multi),
                term_cov_u: fit::unique_coverage(&xs, y)
                    .into_iter()
                    .map(|v| v.map(|x| zero_model(x, multi)))
                    .collect(),
                remainders_used: rem.into_iter().collect(),
            }
        })
        .collect();
    let essential = used
        .iter()
        .filter(|i| models.iter().all(|m| m.contains(i)))
        .map(|&i| data.term_name(&pis[i]))
        .collect();
    Solution {
        models: model_fits,
        prime_implicants,
        essential,
    }
}

fn intermediate(
    data: &QcaData,
    tt: &TruthTable,
    positive: &[usize],
    cons: &Solution,
    pars: &Solution,
    de: &DirExp,
) -> StatsResult<Vec<Variant>> {
    let pairs = cons.models.len().checked_mul(pars.models.len());
    if pairs.is_none_or(|p| p > MAX_VARIANTS) {
        return Err(StatsError::Undefined(format!(
            "{} conservative x {} parsimonious models make more than {MAX_VARIANTS} intermediate variants",
            cons.models.len(),
            pars.models.len()
        )));
    }
    // Pairs with the same easy counterfactuals have the same solution: solve each once.
    let mut solved: HashMap<Vec<usize>, Solution> = HashMap::new();
    let mut variants = Vec::new();
    for (ci, cm) in cons.models.iter().enumerate() {
        for (pj, pm) in pars.models.iter().enumerate() {
            let sa: HashSet<usize> = pm.remainders_used.iter().map(|r| r - 1).collect();
            let mut ec: BTreeSet<usize> = BTreeSet::new();
            for c in &cm.terms {
                for p in &pm.terms {
                    let subset = p.iter().zip(c).all(|(pl, cl)| pl.is_none() || pl == cl);
                    if !subset {
                        continue;
                    }
                    let t: Term = c
                        .iter()
                        .zip(p)
                        .zip(&de.0)
                        .map(|((&cl, &pl), exp)| match (cl, pl, exp) {
                            (Some(v), None, Some(vals)) if !vals.contains(&v) => None,
                            _ => cl,
                        })
                        .collect();
                    for r in covered_rows(tt.levels(), &t) {
                        if sa.contains(&r) {
                            ec.insert(r);
                        }
                    }
                }
            }
            let key: Vec<usize> = ec.iter().copied().collect();
            let solution = match solved.get(&key) {
                Some(s) => s.clone(),
                None => {
                    let dc: HashSet<usize> = key.iter().copied().collect();
                    let s = solve(data, tt, positive, &dc)?;
                    solved.insert(key, s.clone());
                    s
                }
            };
            variants.push(Variant {
                key: format!("C{}P{}", ci + 1, pj + 1),
                conservative_model: cm.names.clone(),
                parsimonious_model: pm.names.clone(),
                easy_counterfactuals: ec.iter().map(|r| r + 1).collect(),
                solution,
            });
        }
    }
    Ok(variants)
}
