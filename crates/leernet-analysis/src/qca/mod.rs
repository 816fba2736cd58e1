//! Configurations of working methods: the study's Qualitative Comparative Analysis.
//!
//! Exists because the study asks which *combinations* of working methods go together with
//! what networks achieve, and 17 networks carry neither a regression nor a stable cluster
//! typology. Cases are the networks; conditions and outcomes are variables of the network
//! level of the analysis dataset ([`crate::dataset`]: answers of the network questionnaire,
//! member answers aggregated per network, presence of a qualitative code), calibrated into
//! sets as `content/qca.toml` ([`spec`]) says. The computation is `leernet-stats`' QCA
//! engine (held to R's `QCA` package): necessity of every condition and its negation, the
//! truth table, the conservative, parsimonious and intermediate solutions, and robustness
//! over consistency cut-offs, the outcome's anchors and a fuzzy set's crossover moved a
//! stated step either side; each outcome's negation too when the specification names it.
//! Handles may cite a configuration ([`cite`]). The findings are also said in words
//! in both languages ([`words`]), from the labels and clauses of the specification, so a
//! reader never meets a variable name or a term such as `A*~B`.
//!
//! Waves: the network dataset holds the answers of the waves the figures rest on
//! (`crate::waves`: the current wave, unless the caller combined waves; per network the
//! last network questionnaire), and [`QcaFigures::basis`] says which. When those combine
//! more than one measurement, the caller (`crate::analyse`) adds the analysis per
//! measurement ([`measurements`]: the k-th wave of every questionnaire), each on all of that
//! measurement's answers.
//!
//! Invariants: pure and deterministic (networks in registry order, terms in the engine's
//! order); a condition or outcome that the data cannot give (a variable not in the
//! dataset, for instance a code before any coding) makes that outcome's analysis
//! `computed = false` with a message in both languages, never an error for the whole study.

pub mod spec;
pub mod words;

pub use spec::{Calibration, ConditionDef, Cuts, Expect, FuzzyAnchors, OutcomeDef, QcaSpec};

use crate::dataset::{Dataset, Measure};
use leernet_core::Bilingual;
use leernet_stats::qca::{
    self, calibrate, fit, solutions::Minimized, DirExp, MinimizeOptions, Out, QcaData,
    TruthTableOptions,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// The study's QCA: one analysis per outcome of the specification.
#[derive(Debug, Clone, Serialize)]
pub struct QcaFigures {
    /// Where the specification came from.
    pub file: String,
    /// Which measurements (waves) the configurations rest on, in words; `None` when the
    /// caller did not say (an analysis of a bare dataset).
    pub basis: Option<Bilingual>,
    pub outcomes: Vec<QcaOutcome>,
    /// When the network questionnaire was fielded more than once: the analysis again per
    /// measurement (the k-th wave of every questionnaire), in measurement order.
    pub waves: Vec<WaveQca>,
}

/// The configurations of one measurement.
#[derive(Debug, Clone, Serialize)]
pub struct WaveQca {
    /// "Meting 2: …" with the waves' names.
    pub label: Bilingual,
    pub outcomes: Vec<QcaOutcome>,
}

/// A measurement: the k-th wave of every questionnaire (waves in the order they were
/// made), so the network questionnaire's second fielding goes with the member
/// questionnaire's second.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub label: Bilingual,
    pub waves: BTreeSet<leernet_core::WaveId>,
}

/// The measurements of a study, counted by the network questionnaire's waves (`form_id`);
/// every questionnaire's waves with the same rank join it.
pub fn measurements(data: &leernet_core::StudyData, network_form: &str) -> Vec<Measurement> {
    use std::collections::BTreeMap;
    let form_of: BTreeMap<leernet_core::InstrumentId, &str> = data
        .instruments
        .iter()
        .map(|i| (i.id, i.form_id.as_str()))
        .collect();
    let mut by_form: BTreeMap<&str, Vec<&leernet_core::Wave>> = BTreeMap::new();
    for w in &data.waves {
        if let Some(f) = form_of.get(&w.instrument) {
            by_form.entry(f).or_default().push(w);
        }
    }
    for ws in by_form.values_mut() {
        ws.sort_by_key(|w| w.id);
    }
    let k = by_form.get(network_form).map_or(0, Vec::len);
    (0..k)
        .map(|i| {
            let ws: Vec<&leernet_core::Wave> = by_form
                .values()
                .filter_map(|ws| ws.get(i).copied())
                .collect();
            let names: Vec<&str> = ws.iter().map(|w| w.name.as_str()).collect();
            Measurement {
                label: bi(
                    format!("Meting {}: {}", i + 1, names.join(", ")),
                    format!("Measurement {}: {}", i + 1, names.join(", ")),
                ),
                waves: ws.iter().map(|w| w.id).collect(),
            }
        })
        .collect()
}

/// The sentence that says which measurements the (pooled) configurations rest on.
pub fn basis(measurements: &[Measurement]) -> Bilingual {
    match measurements.len() {
        0 | 1 => {
            let l = measurements.first().map(|m| m.label.clone());
            let (nl, en) = l.map_or((String::new(), String::new()), |l| {
                (
                    format!(" ({})", l.nl.split_once(": ").map_or("", |x| x.1)),
                    format!(" ({})", l.en.split_once(": ").map_or("", |x| x.1)),
                )
            });
            bi(
                format!("Deze configuraties berusten op de antwoorden van de ene meting{nl}; hoeveel netwerken er bij elke uitkomst meetellen, staat bij de drempels."),
                format!("These configurations rest on the answers of the one measurement{en}; how many networks count for each outcome is given with the cut-offs."),
            )
        }
        n => bi(
            format!("Deze configuraties berusten op de antwoorden van alle {n} metingen samen (per netwerk de laatst ingevulde netwerkvragenlijst); hoeveel netwerken er bij elke uitkomst meetellen, staat bij de drempels. Daarna volgen de configuraties per meting."),
            format!("These configurations rest on the answers of all {n} measurements together (per network the last network questionnaire submitted); how many networks count for each outcome is given with the cut-offs. The configurations per measurement follow."),
        ),
    }
}

/// One outcome's analysis.
#[derive(Debug, Clone, Serialize)]
pub struct QcaOutcome {
    pub key: String,
    /// The keys of the conditions, in column order.
    pub conditions: Vec<String>,
    pub name: Bilingual,
    /// The analysis of the outcome's negation (membership 1 − y; `name` is the negation's).
    pub negated: bool,
    /// Whether it could be computed; if not, `message` says why.
    pub computed: bool,
    pub message: Option<Bilingual>,
    /// Every calibration choice: the outcome first, then the conditions.
    pub calibration: Vec<CalibrationUse>,
    pub cuts: Cuts,
    /// The networks analysed, in registry order.
    pub cases: Vec<Case>,
    /// Networks left out (a missing value), with the sets they miss.
    pub excluded: Vec<Excluded>,
    /// Networks with a membership of exactly 0.5: in no truth-table row (a condition) or
    /// neither with nor without the outcome.
    pub crossover: Vec<CrossoverWarning>,
    pub necessity: Vec<NecessityRow>,
    pub truth_table: TruthTableFigures,
    pub solutions: Vec<SolutionFigures>,
    /// Which solution the words and plots report: `intermediate` with directional
    /// expectations, else `conservative`.
    pub reported: String,
    /// The reported solution in words, one sentence per term then one for the whole.
    pub sentences: Vec<Bilingual>,
    pub robustness: Robustness,
}

/// A calibration choice as the method section prints it.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationUse {
    pub key: String,
    /// `outcome` or `condition`.
    pub role: String,
    pub name: Bilingual,
    /// The variable's label and source.
    pub variable: Bilingual,
    pub source: String,
    /// The rule in words ("fuzzy, directe methode: volledig uit 3,25 …").
    pub rule: Bilingual,
    /// The directional expectation in words, if any.
    pub expectation: Option<Bilingual>,
}

/// One network as a case.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub slug: String,
    pub name: String,
    /// Raw values, conditions in order.
    pub raw: Vec<f64>,
    /// Memberships, conditions in order.
    pub conditions: Vec<f64>,
    pub outcome_raw: f64,
    pub outcome: f64,
}

/// A network left out.
#[derive(Debug, Clone, Serialize)]
pub struct Excluded {
    pub name: String,
    /// Names of the sets it has no value for.
    pub missing: Vec<Bilingual>,
}

/// A network at the crossover of a set.
#[derive(Debug, Clone, Serialize)]
pub struct CrossoverWarning {
    pub name: String,
    pub set: Bilingual,
    /// Whether it is the outcome (the case stays) or a condition (in no truth-table row).
    pub outcome: bool,
}

/// Necessity of one condition, present or absent.
#[derive(Debug, Clone, Serialize)]
pub struct NecessityRow {
    pub condition: String,
    pub present: bool,
    /// The clause.
    pub label: Bilingual,
    pub incl: f64,
    pub ron: f64,
    pub cov: f64,
}

/// The truth table.
#[derive(Debug, Clone, Serialize)]
pub struct TruthTableFigures {
    /// Condition names, in column order.
    pub columns: Vec<Bilingual>,
    /// The observed rows, then (when the table has at most 64 rows) the remainders.
    pub rows: Vec<TruthRow>,
    pub n_rows: usize,
    pub remainders: usize,
    pub contradictions: usize,
}

/// One configuration.
#[derive(Debug, Clone, Serialize)]
pub struct TruthRow {
    pub config: Vec<u8>,
    /// `1` sufficient, `0` not, `?` a remainder.
    pub out: String,
    pub n: usize,
    pub incl: Option<f64>,
    pub pri: Option<f64>,
    /// The networks' names.
    pub cases: Vec<String>,
    pub contradiction: bool,
}

/// One solution (conservative, parsimonious or intermediate).
#[derive(Debug, Clone, Serialize)]
pub struct SolutionFigures {
    pub kind: String,
    /// Why there is none, if there is none.
    pub message: Option<Bilingual>,
    /// Every equally short model.
    pub models: Vec<ModelFigures>,
}

/// A model: a sum of terms.
#[derive(Debug, Clone, Serialize)]
pub struct ModelFigures {
    pub terms: Vec<TermFigures>,
    /// The model in words (terms joined by "of" / "or").
    pub text: Bilingual,
    pub incl: f64,
    pub pri: f64,
    pub cov: f64,
}

/// One term with its fit.
#[derive(Debug, Clone, Serialize)]
pub struct TermFigures {
    /// Per condition: present (`Some(true)`), absent, or minimised away.
    pub literals: Vec<Option<bool>>,
    /// The clauses joined ("… én …").
    pub text: Bilingual,
    /// The short names joined, for tables ("Agenda samen bepaald · geen …").
    pub short: Bilingual,
    pub incl: f64,
    pub pri: f64,
    pub cov: f64,
    pub cov_u: Option<f64>,
    /// Networks in the positive configurations the term covers.
    pub cases: Vec<String>,
    /// Per analysed network (in `cases` order of the outcome): (term membership, outcome).
    pub xy: Vec<(f64, f64)>,
}

/// Robustness: the reported solution's terms under other choices.
#[derive(Debug, Clone, Serialize)]
pub struct Robustness {
    /// The variants, the first being the analysis as reported.
    pub variants: Vec<Bilingual>,
    /// Every term of any variant, and whether each variant has it.
    pub terms: Vec<Survival>,
}

/// One term across the variants.
#[derive(Debug, Clone, Serialize)]
pub struct Survival {
    pub text: Bilingual,
    pub present: Vec<bool>,
    /// In every variant.
    pub robust: bool,
}

fn bi(nl: impl Into<String>, en: impl Into<String>) -> Bilingual {
    Bilingual {
        nl: nl.into(),
        en: en.into(),
    }
}

/// The study's QCA over the network dataset; `names` are the networks' names by unit.
pub fn compute(network: &Dataset, names: &[String], spec: &QcaSpec) -> QcaFigures {
    QcaFigures {
        file: spec.file.clone(),
        basis: None,
        waves: Vec::new(),
        outcomes: spec
            .outcomes
            .iter()
            .flat_map(|o| std::iter::once(o.clone()).chain(o.negation()))
            .map(|o| analyse_outcome(network, names, spec, &o, spec.cuts))
            .collect(),
    }
}

/// Raw values of a variable per unit (as the dataset keeps them), or why not.
fn raw_values(ds: &Dataset, variable: &str) -> Result<(usize, Vec<Option<f64>>), Bilingual> {
    let i = ds.index(variable).ok_or_else(|| {
        bi(
            format!("De variabele {variable:?} staat (nog) niet in de gegevens van de netwerken."),
            format!("The variable {variable:?} is not (yet) in the networks' data."),
        )
    })?;
    Ok((i, ds.values[i].clone()))
}

/// Calibrates one set over the units; `None` where the unit is left out.
fn calibrate_set(
    ds: &Dataset,
    variable: &str,
    calibration: &Calibration,
    missing_out: bool,
) -> Result<Vec<Option<(f64, f64)>>, Bilingual> {
    let (vi, raw) = raw_values(ds, variable)?;
    let var = &ds.variables[vi];
    let wrong = |nl: String, en: String| Err(bi(nl, en));
    if let Calibration::Indirect { thresholds } = calibration {
        if var.measure != Measure::Numeric {
            return wrong(
                format!("{variable:?} is geen getal: de indirecte methode vraagt om getallen."),
                format!("{variable:?} is not a number: the indirect method needs numbers."),
            );
        }
        let present: Vec<f64> = raw.iter().flatten().copied().collect();
        let fitted = calibrate::indirect(&present, thresholds).map_err(|e| {
            bi(
                format!("De indirecte kalibratie van {variable:?} lukt niet: {e}"),
                format!("The indirect calibration of {variable:?} failed: {e}"),
            )
        })?;
        let mut next = fitted.into_iter();
        return Ok(raw
            .iter()
            .map(|v| match v {
                Some(x) => Some((*x, next.next().unwrap_or(f64::NAN))),
                None if missing_out => Some((f64::NAN, 0.0)),
                None => None,
            })
            .collect());
    }
    let member: Box<dyn Fn(f64) -> f64> = match calibration {
        Calibration::Present => {
            if var.measure != Measure::AsymmetricBinary {
                return wrong(
                    format!("{variable:?} is geen optie of code: geef `in` (keuzes) of `threshold` (getal)."),
                    format!("{variable:?} is not an option or a code: give `in` (choices) or `threshold` (a number)."),
                );
            }
            Box::new(|x| if x >= 0.5 { 1.0 } else { 0.0 })
        }
        Calibration::Choices { choices } => {
            if !matches!(var.measure, Measure::Nominal | Measure::Ordinal) {
                return wrong(
                    format!("{variable:?} heeft geen keuzes; kies een drempel of ankers."),
                    format!("{variable:?} has no choices; use a threshold or anchors."),
                );
            }
            let mut positions = Vec::new();
            for c in choices {
                match var.categories.iter().position(|k| k.name == *c) {
                    Some(p) => positions.push(p as f64),
                    None => {
                        return wrong(
                            format!("{variable:?} heeft geen keuze {c:?}."),
                            format!("{variable:?} has no choice {c:?}."),
                        )
                    }
                }
            }
            Box::new(move |x| if positions.contains(&x) { 1.0 } else { 0.0 })
        }
        Calibration::Threshold { threshold } => {
            if var.measure != Measure::Numeric {
                return wrong(
                    format!("{variable:?} is geen getal; kies keuzes met `in`."),
                    format!("{variable:?} is not a number; choose choices with `in`."),
                );
            }
            let t = *threshold;
            Box::new(move |x| if x >= t { 1.0 } else { 0.0 })
        }
        Calibration::Fuzzy { anchors } => {
            if var.measure != Measure::Numeric {
                return wrong(
                    format!("{variable:?} is geen getal: een fuzzy set vraagt om getallen."),
                    format!("{variable:?} is not a number: a fuzzy set needs numbers."),
                );
            }
            let a =
                calibrate::Anchors::new(anchors.exclusion, anchors.crossover, anchors.inclusion)
                    .map_err(|e| bi(e.to_string(), e.to_string()))?;
            Box::new(move |x| {
                calibrate::fuzzy(&[x], a, calibrate::FuzzyShape::Logistic { idm: 0.95 })
                    .map(|v| v[0])
                    .unwrap_or(f64::NAN)
            })
        }
        Calibration::Indirect { .. } => unreachable!("handled above"),
    };
    Ok(raw
        .iter()
        .map(|v| match v {
            Some(x) => Some((*x, member(*x))),
            None if missing_out => Some((f64::NAN, 0.0)),
            None => None,
        })
        .collect())
}

struct Prepared {
    cases: Vec<Case>,
    excluded: Vec<Excluded>,
    data: QcaData,
}

fn prepare(
    ds: &Dataset,
    names: &[String],
    conditions: &[&ConditionDef],
    outcome: &OutcomeDef,
    outcome_cal: &Calibration,
) -> Result<Prepared, Bilingual> {
    let mut cols = Vec::new();
    for c in conditions {
        cols.push(calibrate_set(
            ds,
            &c.variable,
            &c.calibration,
            c.missing_out,
        )?);
    }
    let y = calibrate_set(ds, &outcome.variable, outcome_cal, outcome.missing_out)?;
    let mut cases = Vec::new();
    let mut excluded = Vec::new();
    for u in 0..ds.units.len() {
        let name = names.get(u).cloned().unwrap_or_else(|| ds.units[u].clone());
        let mut missing: Vec<Bilingual> = conditions
            .iter()
            .zip(&cols)
            .filter(|(_, col)| col[u].is_none())
            .map(|(c, _)| c.name.clone())
            .collect();
        if y[u].is_none() {
            missing.insert(0, outcome.name.clone());
        }
        if !missing.is_empty() {
            excluded.push(Excluded { name, missing });
            continue;
        }
        let (outcome_raw, outcome_m) = y[u].unwrap_or((f64::NAN, 0.0));
        cases.push(Case {
            slug: ds.units[u].clone(),
            name,
            raw: cols
                .iter()
                .map(|c| c[u].map_or(f64::NAN, |v| v.0))
                .collect(),
            conditions: cols.iter().map(|c| c[u].map_or(0.0, |v| v.1)).collect(),
            outcome_raw,
            outcome: outcome_m,
        });
    }
    if cases.len() < 2 {
        return Err(bi(
            format!(
                "Te weinig netwerken met een waarde voor elke voorwaarde en de uitkomst ({}).",
                cases.len()
            ),
            format!(
                "Too few networks with a value for every condition and the outcome ({}).",
                cases.len()
            ),
        ));
    }
    let data = QcaData::new(
        cases.iter().map(|c| c.slug.clone()).collect(),
        conditions.iter().map(|c| c.key.clone()).collect(),
        (0..conditions.len())
            .map(|j| cases.iter().map(|c| c.conditions[j]).collect())
            .collect(),
        &outcome.key,
        cases.iter().map(|c| c.outcome).collect(),
        outcome.negated,
    )
    .map_err(|e| bi(e.to_string(), e.to_string()))?;
    Ok(Prepared {
        cases,
        excluded,
        data,
    })
}

/// The directional expectations; for a negated outcome each one turns round (a condition
/// expected to go with the outcome when present is expected with its absence when absent).
fn dir_exp(conditions: &[&ConditionDef], negated: bool) -> Option<DirExp> {
    if conditions.iter().all(|c| c.expect.is_none()) {
        return None;
    }
    Some(DirExp(
        conditions
            .iter()
            .map(|c| {
                c.expect.map(|e| match (e, negated) {
                    (Expect::Present, false) | (Expect::Absent, true) => vec![1],
                    (Expect::Absent, false) | (Expect::Present, true) => vec![0],
                })
            })
            .collect(),
    ))
}

/// The analysis of one outcome with the given cut-offs. The conditions are the outcome's
/// (`outcome.conditions`), looked up in `spec`.
pub fn analyse_outcome(
    ds: &Dataset,
    names: &[String],
    spec: &QcaSpec,
    outcome: &OutcomeDef,
    cuts: Cuts,
) -> QcaOutcome {
    let conditions: Vec<&ConditionDef> = outcome
        .conditions
        .iter()
        .filter_map(|k| spec.condition(k))
        .collect();
    let calibration = words::calibration_uses(ds, outcome, &conditions);
    let mut result = QcaOutcome {
        key: outcome.key.clone(),
        conditions: conditions.iter().map(|c| c.key.clone()).collect(),
        name: outcome.name.clone(),
        negated: outcome.negated,
        computed: false,
        message: None,
        calibration,
        cuts,
        cases: Vec::new(),
        excluded: Vec::new(),
        crossover: Vec::new(),
        necessity: Vec::new(),
        truth_table: TruthTableFigures {
            columns: conditions.iter().map(|c| c.name.clone()).collect(),
            rows: Vec::new(),
            n_rows: 0,
            remainders: 0,
            contradictions: 0,
        },
        solutions: Vec::new(),
        reported: String::new(),
        sentences: Vec::new(),
        robustness: Robustness {
            variants: Vec::new(),
            terms: Vec::new(),
        },
    };
    let prepared = match prepare(ds, names, &conditions, outcome, &outcome.calibration) {
        Ok(p) => p,
        Err(m) => {
            result.message = Some(m);
            return result;
        }
    };
    let Prepared {
        cases,
        excluded,
        data,
    } = prepared;
    result.excluded = excluded;
    for c in &cases {
        for (j, cond) in conditions.iter().enumerate() {
            if c.conditions[j] == 0.5 {
                result.crossover.push(CrossoverWarning {
                    name: c.name.clone(),
                    set: cond.name.clone(),
                    outcome: false,
                });
            }
        }
        if c.outcome == 0.5 {
            result.crossover.push(CrossoverWarning {
                name: c.name.clone(),
                set: outcome.name.clone(),
                outcome: true,
            });
        }
    }
    // Necessity: every condition, present then absent.
    let y = data.outcome().to_vec();
    for (j, cond) in conditions.iter().enumerate() {
        let x: Vec<f64> = cases.iter().map(|c| c.conditions[j]).collect();
        let not_x: Vec<f64> = x.iter().map(|v| 1.0 - v).collect();
        for (present, xs) in [(true, &x), (false, &not_x)] {
            let n = fit::necessity(xs, &y);
            result.necessity.push(NecessityRow {
                condition: cond.key.clone(),
                present,
                label: if present {
                    cond.in_clause.clone()
                } else {
                    cond.out_clause.clone()
                },
                incl: n.incl,
                ron: n.ron,
                cov: n.cov,
            });
        }
    }
    let options = TruthTableOptions {
        incl_cut: cuts.incl,
        n_cut: cuts.n,
        pri_cut: cuts.pri,
    };
    let tt = match qca::truth_table(&data, options) {
        Ok(t) => t,
        Err(e) => {
            result.message = Some(bi(e.to_string(), e.to_string()));
            return result;
        }
    };
    let case_name = |i: usize| cases[i].name.clone();
    let mut rows: Vec<TruthRow> = tt
        .observed()
        .map(|r| TruthRow {
            config: r.config.clone(),
            out: r.out.as_str().to_owned(),
            n: r.n,
            incl: r.incl,
            pri: r.pri,
            cases: r.cases.iter().map(|&i| case_name(i)).collect(),
            contradiction: r.contradiction,
        })
        .collect();
    // Most cases first, then the table's order: what the evidence rests on comes first.
    rows.sort_by_key(|r| std::cmp::Reverse(r.n));
    let observed = rows.len();
    if let Ok(all) = tt.all_rows(64) {
        rows.extend(all.into_iter().filter(|r| r.n == 0).map(|r| TruthRow {
            config: r.config,
            out: Out::Remainder.as_str().to_owned(),
            n: 0,
            incl: None,
            pri: None,
            cases: Vec::new(),
            contradiction: false,
        }));
    }
    result.truth_table.contradictions = rows.iter().filter(|r| r.contradiction).count();
    result.truth_table.n_rows = tt.n_rows();
    result.truth_table.remainders = tt.n_rows() - observed;
    result.truth_table.rows = rows;

    let de = dir_exp(&conditions, outcome.negated);
    let m = qca::minimize(
        &data,
        &tt,
        &MinimizeOptions {
            dir_exp: de.clone(),
        },
    );
    result.solutions = solutions(&data, &conditions, &cases, &m);
    result.reported = if result
        .solutions
        .iter()
        .any(|s| s.kind == "intermediate" && !s.models.is_empty())
    {
        "intermediate".into()
    } else {
        "conservative".into()
    };
    if let Some(s) = result.solutions.iter().find(|s| s.kind == result.reported) {
        result.sentences = words::sentences(s, outcome);
    }
    result.robustness = robustness(
        ds,
        names,
        &conditions,
        outcome,
        cuts,
        &spec.robustness_incl_cuts,
        &result.reported,
    );
    result.cases = cases;
    result.computed = true;
    result
}

/// Fills in the QCA configuration every handle cites (`configuration` in
/// `content/handles.toml`), in words: the configuration's sentence with its consistency,
/// coverage and number of networks when it is a term of the reported solution, else that it
/// is not sufficient at these cut-offs (or why the analysis could not be made).
pub fn cite(
    handles: &mut crate::HandleFigures,
    figures: &QcaFigures,
    set: &crate::HandleSet,
    spec: &QcaSpec,
) {
    let text_of = |key: &str| -> Option<Bilingual> {
        let def = set.handles.iter().find(|h| h.key == key)?;
        let c = def.configuration.as_ref()?;
        Some(cited(figures, spec, c))
    };
    for info in &mut handles.catalogue {
        info.configuration = text_of(&info.key);
    }
    for h in &mut handles.handreikingen {
        for it in &mut h.items {
            it.configuration = text_of(&it.key);
        }
    }
}

fn cited(figures: &QcaFigures, spec: &QcaSpec, c: &crate::QcaCitation) -> Bilingual {
    let base = c.outcome.strip_suffix("_NOT").unwrap_or(&c.outcome);
    let def = spec.outcome(base).and_then(|o| {
        if base == c.outcome {
            Some(o.clone())
        } else {
            o.negation()
        }
    });
    let (Some(def), Some(o)) = (def, figures.outcomes.iter().find(|o| o.key == c.outcome)) else {
        return bi(
            format!(
                "De vergelijking van de netwerken (QCA) heeft geen uitkomst {:?}.",
                c.outcome
            ),
            format!(
                "The comparison of the networks (QCA) has no outcome {:?}.",
                c.outcome
            ),
        );
    };
    let conditions: Vec<&ConditionDef> = o
        .conditions
        .iter()
        .filter_map(|k| spec.condition(k))
        .collect();
    let literals: Vec<Option<bool>> = o
        .conditions
        .iter()
        .map(|k| c.literals.iter().find(|(l, _)| l == k).map(|(_, p)| *p))
        .collect();
    let (clause, _) = words::term(&conditions, &literals);
    if !o.computed {
        let m = o.message.clone().unwrap_or_else(|| bi("", ""));
        return bi(
            format!(
                "De vergelijking van de netwerken (QCA) voor ‘{}’ kon niet worden gemaakt: {}",
                o.name.nl, m.nl
            ),
            format!(
                "The comparison of the networks (QCA) for ‘{}’ could not be made: {}",
                o.name.en, m.en
            ),
        );
    }
    let term = o
        .solutions
        .iter()
        .filter(|s| s.kind == o.reported)
        .flat_map(|s| &s.models)
        .flat_map(|m| &m.terms)
        .find(|t| t.literals == literals);
    match term {
        Some(t) => words::cited_sentence(t, &def),
        None => bi(
            format!(
                "In de vergelijking van de netwerken (QCA) is de combinatie waarin {} bij deze drempels geen voldoende combinatie voor ‘{}’ (consistentie ten minste {}).",
                clause.nl,
                o.name.nl,
                words::num(o.cuts.incl, 2, true)
            ),
            format!(
                "In the comparison of the networks (QCA), the combination in which {} is not sufficient for ‘{}’ at these cut-offs (consistency at least {}).",
                clause.en,
                o.name.en,
                words::num(o.cuts.incl, 2, false)
            ),
        ),
    }
}

fn term_figures(
    data: &QcaData,
    conditions: &[&ConditionDef],
    cases: &[Case],
    term: &[Option<u8>],
    fit: (f64, f64, f64, Option<f64>),
    covered: &[usize],
) -> TermFigures {
    let literals: Vec<Option<bool>> = term.iter().map(|l| l.map(|v| v == 1)).collect();
    let (text, short) = words::term(conditions, &literals);
    let membership = data.term_membership(term);
    TermFigures {
        literals,
        text,
        short,
        incl: fit.0,
        pri: fit.1,
        cov: fit.2,
        cov_u: fit.3,
        cases: covered.iter().map(|&i| cases[i].name.clone()).collect(),
        xy: membership
            .iter()
            .zip(data.outcome())
            .map(|(&x, &y)| (x, y))
            .collect(),
    }
}

fn solution_figures(
    kind: &str,
    data: &QcaData,
    conditions: &[&ConditionDef],
    cases: &[Case],
    solutions: &[&qca::Solution],
) -> SolutionFigures {
    let mut models: Vec<ModelFigures> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for s in solutions {
        for m in &s.models {
            if !seen.insert(m.expression.clone()) {
                continue;
            }
            let terms: Vec<TermFigures> = m
                .terms
                .iter()
                .zip(&m.term_cov_u)
                .map(|(t, cu)| {
                    let pi = s.prime_implicants.iter().find(|p| p.term == *t);
                    let (incl, pri, cov, covered) = pi
                        .map(|p| (p.incl, p.pri, p.cov, p.cases.clone()))
                        .unwrap_or((f64::NAN, f64::NAN, f64::NAN, Vec::new()));
                    term_figures(data, conditions, cases, t, (incl, pri, cov, *cu), &covered)
                })
                .collect();
            let text = words::model(&terms);
            models.push(ModelFigures {
                terms,
                text,
                incl: m.incl,
                pri: m.pri,
                cov: m.cov,
            });
        }
    }
    SolutionFigures {
        kind: kind.to_owned(),
        message: None,
        models,
    }
}

fn failed(kind: &str, e: &leernet_stats::StatsError) -> SolutionFigures {
    let msg = e.to_string();
    let message = if msg.contains("no row with OUT = 1") {
        bi(
            "Geen enkele combinatie is bij deze drempels voldoende voor de uitkomst.",
            "No combination is sufficient for the outcome at these cut-offs.",
        )
    } else if msg.contains("all conditions are minimized") {
        bi(
            "Alle combinaties zijn voldoende: de voorwaarden vallen weg (de uitkomst hangt er niet van af).",
            "Every combination is sufficient: the conditions drop out (the outcome does not depend on them).",
        )
    } else {
        bi(
            format!("De oplossing kon niet worden berekend: {msg}"),
            format!("The solution could not be computed: {msg}"),
        )
    };
    SolutionFigures {
        kind: kind.to_owned(),
        message: Some(message),
        models: Vec::new(),
    }
}

fn solutions(
    data: &QcaData,
    conditions: &[&ConditionDef],
    cases: &[Case],
    m: &Minimized,
) -> Vec<SolutionFigures> {
    let mut out = Vec::new();
    for (kind, s) in [
        ("conservative", &m.conservative),
        ("parsimonious", &m.parsimonious),
    ] {
        out.push(match s {
            Ok(s) => solution_figures(kind, data, conditions, cases, &[s]),
            Err(e) => failed(kind, e),
        });
    }
    match &m.intermediate {
        Some(Ok(vs)) => {
            let sols: Vec<&qca::Solution> = vs.iter().map(|v| &v.solution).collect();
            out.push(solution_figures(
                "intermediate",
                data,
                conditions,
                cases,
                &sols,
            ));
        }
        Some(Err(e)) => out.push(failed("intermediate", e)),
        None => {}
    }
    out
}

/// The reported solution's terms (union over models) of one variant.
fn variant_terms(
    ds: &Dataset,
    names: &[String],
    conditions: &[&ConditionDef],
    outcome: &OutcomeDef,
    outcome_cal: &Calibration,
    cuts: Cuts,
    kind: &str,
) -> Vec<(Vec<Option<bool>>, Bilingual)> {
    let Ok(p) = prepare(ds, names, conditions, outcome, outcome_cal) else {
        return Vec::new();
    };
    let options = TruthTableOptions {
        incl_cut: cuts.incl,
        n_cut: cuts.n,
        pri_cut: cuts.pri,
    };
    let Ok(tt) = qca::truth_table(&p.data, options) else {
        return Vec::new();
    };
    let m = qca::minimize(
        &p.data,
        &tt,
        &MinimizeOptions {
            dir_exp: dir_exp(conditions, outcome.negated),
        },
    );
    let sols: Vec<&qca::Solution> = match (kind, &m.intermediate) {
        ("intermediate", Some(Ok(vs))) => vs.iter().map(|v| &v.solution).collect(),
        ("intermediate", _) => Vec::new(),
        _ => m.conservative.as_ref().map(|s| vec![s]).unwrap_or_default(),
    };
    let mut out: Vec<(Vec<Option<bool>>, Bilingual)> = Vec::new();
    for s in sols {
        for model in &s.models {
            for t in &model.terms {
                let lits: Vec<Option<bool>> = t.iter().map(|l| l.map(|v| v == 1)).collect();
                if !out.iter().any(|(l, _)| *l == lits) {
                    let (text, _) = words::term(conditions, &lits);
                    out.push((lits, text));
                }
            }
        }
    }
    out
}

/// The anchors with the crossover a step down and a step up (each only if the crossover
/// stays strictly between the other anchors; the specification checks this when it loads).
fn moved_crossovers(a: &FuzzyAnchors, step: f64) -> Vec<FuzzyAnchors> {
    [a.crossover - step, a.crossover + step]
        .into_iter()
        .filter_map(|c| FuzzyAnchors::new(a.exclusion, c, a.inclusion).ok())
        .collect()
}

fn robustness(
    ds: &Dataset,
    names: &[String],
    conditions: &[&ConditionDef],
    outcome: &OutcomeDef,
    cuts: Cuts,
    incl_cuts: &[f64],
    kind: &str,
) -> Robustness {
    let mut variants: Vec<Bilingual> = vec![words::as_reported(cuts.incl)];
    let mut runs = vec![variant_terms(
        ds,
        names,
        conditions,
        outcome,
        &outcome.calibration,
        cuts,
        kind,
    )];
    for &c in incl_cuts.iter().filter(|&&c| c != cuts.incl) {
        variants.push(words::cut_variant(c));
        runs.push(variant_terms(
            ds,
            names,
            conditions,
            outcome,
            &outcome.calibration,
            Cuts { incl: c, ..cuts },
            kind,
        ));
    }
    for a in &outcome.alt_anchors {
        variants.push(words::anchor_variant(a));
        runs.push(variant_terms(
            ds,
            names,
            conditions,
            outcome,
            &Calibration::Fuzzy { anchors: *a },
            cuts,
            kind,
        ));
    }
    // The crossover of a fuzzy set moved a stated step down and up: the outcome's, then each
    // condition's in order.
    if let (Calibration::Fuzzy { anchors: a }, Some(step)) =
        (&outcome.calibration, outcome.crossover_step)
    {
        for moved in moved_crossovers(a, step) {
            variants.push(words::crossover_variant(&outcome.name, moved.crossover));
            runs.push(variant_terms(
                ds,
                names,
                conditions,
                outcome,
                &Calibration::Fuzzy { anchors: moved },
                cuts,
                kind,
            ));
        }
    }
    for (j, cond) in conditions.iter().enumerate() {
        let (Calibration::Fuzzy { anchors: a }, Some(step)) =
            (&cond.calibration, cond.crossover_step)
        else {
            continue;
        };
        for moved in moved_crossovers(a, step) {
            let mut changed = (*cond).clone();
            changed.calibration = Calibration::Fuzzy { anchors: moved };
            let mut with: Vec<&ConditionDef> = conditions.to_vec();
            with[j] = &changed;
            variants.push(words::crossover_variant(&cond.name, moved.crossover));
            runs.push(variant_terms(
                ds,
                names,
                &with,
                outcome,
                &outcome.calibration,
                cuts,
                kind,
            ));
        }
    }
    let mut terms: Vec<Survival> = Vec::new();
    let mut seen: Vec<Vec<Option<bool>>> = Vec::new();
    for run in &runs {
        for (lits, text) in run {
            if seen.contains(lits) {
                continue;
            }
            seen.push(lits.clone());
            let present: Vec<bool> = runs
                .iter()
                .map(|r| r.iter().any(|(l, _)| l == lits))
                .collect();
            terms.push(Survival {
                text: text.clone(),
                robust: present.iter().all(|&p| p),
                present,
            });
        }
    }
    Robustness { variants, terms }
}

#[cfg(test)]
mod tests;
