//! `GET /analysis/qca`: the researcher's QCA page — choose an outcome, its conditions, the
//! calibration anchors and thresholds and the cut-offs, and see necessity, the truth table,
//! the solutions in words, XY plots and robustness at once.
//!
//! Why a page: every QCA result depends on calibration and cut-off choices; a researcher
//! should try them on the study's own networks and see what changes, before writing any of
//! it into `content/qca.toml` (which the report uses). Thin: the form is parsed into a typed
//! [`QcaForm`], checked into domain values ([`QcaChoice`], `TryFrom`) with one message per
//! wrong field, and the analysis is `leernet-analysis`' QCA on the cached figures' network
//! dataset, shown with the report's own rendering of the section. A `GET` form: nothing is
//! stored, so no CSRF token is needed and a result can be bookmarked. Researchers only.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use leernet_analysis::qca::{
    analyse_outcome, Calibration, Cuts, FuzzyAnchors, OutcomeDef, QcaFigures, QcaSpec,
};
use leernet_core::{Lang, Role};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The most conditions the page takes (as `content/qca.toml`).
const MAX_CONDITIONS: usize = leernet_analysis::qca::spec::MAX_STUDY_CONDITIONS;

/// The most parameters a query of the page may have: far more than the form sends (an
/// outcome, the conditions, three cut-offs, three anchors or a threshold per set), so only
/// a hand-made query meets it, and it is refused whole.
pub const MAX_PARAMETERS: usize = 200;

/// The form as sent: every field as text, `None` when absent (from the query's pairs, at
/// most [`MAX_PARAMETERS`] of them).
#[derive(Debug, Default, Clone, PartialEq, serde::Deserialize)]
#[serde(try_from = "Vec<(String, String)>")]
pub struct QcaForm {
    pub outcome: Option<String>,
    pub conditions: Vec<String>,
    pub incl_cut: Option<String>,
    pub pri_cut: Option<String>,
    pub n_cut: Option<String>,
    /// `e-KEY`, `c-KEY`, `i-KEY`: the anchors of a fuzzy set, by its key.
    pub anchors: BTreeMap<String, [Option<String>; 3]>,
    /// `t-KEY`: the threshold of a crisp set on a number.
    pub thresholds: BTreeMap<String, String>,
}

/// A query of more than [`MAX_PARAMETERS`] parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyParameters;

impl std::fmt::Display for TooManyParameters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {MAX_PARAMETERS} parameters")
    }
}

impl TryFrom<Vec<(String, String)>> for QcaForm {
    type Error = TooManyParameters;

    fn try_from(pairs: Vec<(String, String)>) -> Result<Self, TooManyParameters> {
        if pairs.len() > MAX_PARAMETERS {
            return Err(TooManyParameters);
        }
        Ok(QcaForm::from_pairs(pairs))
    }
}

impl QcaForm {
    /// The fields by name; `lang` and unknown names are left out.
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = QcaForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "outcome" => f.outcome = Some(v),
                "condition" => f.conditions.push(v),
                "incl_cut" => f.incl_cut = Some(v),
                "pri_cut" => f.pri_cut = Some(v),
                "n_cut" => f.n_cut = Some(v),
                _ => {
                    if let Some((kind, key)) = k.split_once('-') {
                        let slot = match kind {
                            "e" => Some(0),
                            "c" => Some(1),
                            "i" => Some(2),
                            _ => None,
                        };
                        if let Some(s) = slot {
                            f.anchors.entry(key.to_owned()).or_default()[s] = Some(v);
                        } else if kind == "t" {
                            f.thresholds.insert(key.to_owned(), v);
                        }
                    }
                }
            }
        }
        f
    }
}

/// What is wrong with one field: the input's id and the catalogue key of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: &'static str,
}

/// The checked choice: a specification with the chosen anchors and thresholds, the outcome
/// with the chosen conditions, and the cut-offs.
#[derive(Debug, Clone)]
pub struct QcaChoice {
    pub spec: QcaSpec,
    pub outcome: OutcomeDef,
    pub cuts: Cuts,
}

/// A number as people type it: a decimal comma or point.
fn number(s: &str) -> Option<f64> {
    s.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

impl TryFrom<(&QcaForm, &QcaSpec)> for QcaChoice {
    type Error = Vec<FieldError>;

    fn try_from((form, base): (&QcaForm, &QcaSpec)) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let mut spec = base.clone();
        let err = |field: &str, message: &'static str| FieldError {
            field: field.to_owned(),
            message,
        };
        // Anchors and thresholds of every set the form names.
        let set_calibration = |key: &str, c: &mut Calibration, errors: &mut Vec<FieldError>| match c
        {
            Calibration::Fuzzy { anchors } => {
                if let Some(given) = form.anchors.get(key) {
                    let v: Vec<Option<f64>> = given
                        .iter()
                        .map(|s| s.as_deref().and_then(number))
                        .collect();
                    match (v[0], v[1], v[2]) {
                        (Some(e), Some(m), Some(i)) => match FuzzyAnchors::new(e, m, i) {
                            Ok(a) => *anchors = a,
                            Err(_) => errors.push(err(&format!("c-{key}"), "qca_ui.err_anchors")),
                        },
                        _ => {
                            let at = v.iter().position(Option::is_none).unwrap_or(0);
                            let id = ["e", "c", "i"][at];
                            errors.push(err(&format!("{id}-{key}"), "qca_ui.err_number"));
                        }
                    }
                }
            }
            Calibration::Threshold { threshold } => {
                if let Some(t) = form.thresholds.get(key) {
                    match number(t) {
                        Some(x) => *threshold = x,
                        None => errors.push(err(&format!("t-{key}"), "qca_ui.err_number")),
                    }
                }
            }
            Calibration::Present | Calibration::Choices { .. } | Calibration::Indirect { .. } => {}
        };
        for c in &mut spec.conditions {
            set_calibration(&c.key.clone(), &mut c.calibration, &mut errors);
        }
        for o in &mut spec.outcomes {
            set_calibration(&o.key.clone(), &mut o.calibration, &mut errors);
        }
        let outcome_key = form
            .outcome
            .clone()
            .or_else(|| spec.outcomes.first().map(|o| o.key.clone()));
        let outcome = outcome_key
            .as_deref()
            .and_then(|k| spec.outcome(k))
            .cloned();
        let outcome = match outcome {
            Some(mut o) => {
                if form.outcome.is_some() {
                    o.conditions = form.conditions.clone();
                }
                let known = o.conditions.iter().all(|c| spec.condition(c).is_some());
                let mut seen = o.conditions.clone();
                seen.sort();
                seen.dedup();
                if o.conditions.is_empty()
                    || o.conditions.len() > MAX_CONDITIONS
                    || !known
                    || seen.len() != o.conditions.len()
                {
                    errors.push(err(
                        &format!(
                            "cond-{}",
                            spec.conditions.first().map_or("", |c| c.key.as_str())
                        ),
                        "qca_ui.err_conditions",
                    ));
                }
                Some(o)
            }
            None => {
                errors.push(err("outcome-first", "qca_ui.err_outcome"));
                None
            }
        };
        let cut =
            |field: &str, given: &Option<String>, default: f64, errors: &mut Vec<FieldError>| {
                match given {
                    None => default,
                    Some(s) => match number(s).filter(|x| (0.0..=1.0).contains(x)) {
                        Some(x) => x,
                        None => {
                            errors.push(err(field, "qca_ui.err_cut"));
                            default
                        }
                    },
                }
            };
        let incl = cut("incl_cut", &form.incl_cut, base.cuts.incl, &mut errors);
        let pri = cut("pri_cut", &form.pri_cut, base.cuts.pri, &mut errors);
        let n = match &form.n_cut {
            None => base.cuts.n,
            Some(s) => match s.trim().parse::<usize>().ok().filter(|&n| n >= 1) {
                Some(n) => n,
                None => {
                    errors.push(err("n_cut", "qca_ui.err_n"));
                    base.cuts.n
                }
            },
        };
        match (outcome, Cuts::new(incl, n, pri)) {
            (Some(outcome), Ok(cuts)) if errors.is_empty() => Ok(QcaChoice {
                spec,
                outcome,
                cuts,
            }),
            _ => Err(errors),
        }
    }
}

/// A number for a form field, as the language writes it.
fn shown(x: f64, lang: Lang) -> String {
    let s = format!("{x}");
    if lang == Lang::Nl {
        s.replace('.', ",")
    } else {
        s
    }
}

/// `GET /analysis/qca`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    form: Result<Query<QcaForm>, QueryRejection>,
    Query(wave): Query<crate::pages::WaveQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(&[Role::Researcher])?;
    let Ok(Query(form)) = form else {
        return Err(AppError::BadRequest(lang));
    };
    let base = &state.content.qca;
    let choice = QcaChoice::try_from((&form, base));
    let fig = crate::pages::figures_on(&state, lang, &wave).await?;
    let t = state.reports.catalog().table(lang);
    // What the form shows: the choice, or what was typed when it is wrong.
    let (spec, outcome_key, chosen, cuts_text) = match &choice {
        Ok(c) => (
            c.spec.clone(),
            c.outcome.key.clone(),
            c.outcome.conditions.clone(),
            [
                shown(c.cuts.incl, lang),
                shown(c.cuts.pri, lang),
                c.cuts.n.to_string(),
            ],
        ),
        Err(_) => (
            base.clone(),
            form.outcome.clone().unwrap_or_default(),
            form.conditions.clone(),
            [
                form.incl_cut.clone().unwrap_or_default(),
                form.pri_cut.clone().unwrap_or_default(),
                form.n_cut.clone().unwrap_or_default(),
            ],
        ),
    };
    let outcomes: Vec<_> = spec
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            minijinja::context! {
                key => o.key.clone(),
                id => if i == 0 { "outcome-first".to_owned() } else { format!("outcome-{}", o.key) },
                name => o.name.get(lang).to_owned(),
                checked => o.key == outcome_key,
            }
        })
        .collect();
    let conditions: Vec<_> = spec
        .conditions
        .iter()
        .map(|c| {
            minijinja::context! {
                key => c.key.clone(),
                name => c.name.get(lang).to_owned(),
                clause => c.in_clause.get(lang).to_owned(),
                checked => chosen.contains(&c.key),
            }
        })
        .collect();
    // Every set's editable calibration: anchors of fuzzy sets, thresholds of numbers.
    let typed = |key: &str, slot: usize| form.anchors.get(key).and_then(|a| a[slot].clone());
    let mut fuzzy = Vec::new();
    let mut thresholds = Vec::new();
    let sets = spec
        .outcomes
        .iter()
        .map(|o| (&o.key, &o.name, &o.calibration))
        .chain(
            spec.conditions
                .iter()
                .map(|c| (&c.key, &c.name, &c.calibration)),
        );
    for (key, name, cal) in sets {
        match cal {
            Calibration::Fuzzy { anchors: a } => {
                let val = |slot: usize, x: f64| match (&choice, typed(key, slot)) {
                    (Err(_), Some(s)) => s,
                    _ => shown(x, lang),
                };
                fuzzy.push(minijinja::context! {
                    key => key.clone(),
                    name => name.get(lang).to_owned(),
                    e => val(0, a.exclusion),
                    c => val(1, a.crossover),
                    i => val(2, a.inclusion),
                });
            }
            Calibration::Threshold { threshold } => thresholds.push(minijinja::context! {
                key => key.clone(),
                name => name.get(lang).to_owned(),
                t => match (&choice, form.thresholds.get(key.as_str())) {
                    (Err(_), Some(s)) => s.clone(),
                    _ => shown(*threshold, lang),
                },
            }),
            _ => {}
        }
    }
    let errors: Vec<_> = match &choice {
        Ok(_) => Vec::new(),
        Err(list) => list
            .iter()
            .map(|e| {
                minijinja::context! {
                    field => e.field.clone(),
                    message => t[e.message].clone(),
                }
            })
            .collect(),
    };
    let result = match (&choice, fig.datasets.as_ref()) {
        (Ok(c), Some(ds)) => {
            let names: Vec<String> = ds
                .network
                .units
                .iter()
                .map(|u| {
                    fig.networks
                        .iter()
                        .find(|n| n.slug == *u)
                        .map_or_else(|| u.clone(), |n| n.name.clone())
                })
                .collect();
            let o = analyse_outcome(&ds.network, &names, &c.spec, &c.outcome, c.cuts);
            let q = QcaFigures {
                file: c.spec.file.clone(),
                // Which measurements the configurations rest on, as the study's analysis
                // says it (the page analyses the same pooled network dataset).
                basis: fig.qca.as_ref().and_then(|q| q.basis.clone()),
                outcomes: vec![o],
                waves: Vec::new(),
            };
            // The report's own rendering, without its section heading and introduction.
            let parts = leernet_report::qca_section::parts(&q, t, lang)
                .map_err(|e| AppError::internal(lang, e))?;
            Some(leernet_report::qca_section::html(
                parts.get(2..).unwrap_or_default(),
            ))
        }
        _ => None,
    };
    crate::page::render(
        &state,
        &v,
        "qca.html",
        minijinja::context! {
            outcomes => outcomes,
            conditions => conditions,
            fuzzy => fuzzy,
            thresholds => thresholds,
            incl_cut => cuts_text[0].clone(),
            pri_cut => cuts_text[1].clone(),
            n_cut => cuts_text[2].clone(),
            errors => errors,
            max_conditions => MAX_CONDITIONS.to_string(),
            no_data => fig.datasets.is_none(),
            result => result.map(minijinja::Value::from_safe_string),
            // the waves the configurations rest on, and the switch to another
            wave_bases => minijinja::Value::from_serialize(&fig.waves.bases),
            chosen_wave => fig.waves.chosen.clone(),
            waves => crate::profile::waves_view(&fig, lang),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_empty_form_is_the_study_specification() {
        let spec = QcaSpec::builtin();
        let c = QcaChoice::try_from((&QcaForm::from_pairs(Vec::new()), &spec)).unwrap();
        assert_eq!(c.outcome.key, spec.outcomes[0].key);
        assert_eq!(c.outcome.conditions, spec.outcomes[0].conditions);
        assert_eq!(c.cuts, spec.cuts);
    }

    #[test]
    fn the_form_becomes_domain_values_with_a_decimal_comma() {
        let spec = QcaSpec::builtin();
        let f = QcaForm::from_pairs(pairs(&[
            ("outcome", "PRACTICE"),
            ("condition", "AGENDA"),
            ("condition", "FORMAL"),
            ("incl_cut", "0,9"),
            ("pri_cut", "0.6"),
            ("n_cut", "2"),
            ("e-FORMAL", "0"),
            ("c-FORMAL", "3,5"),
            ("i-FORMAL", "7"),
        ]));
        let c = QcaChoice::try_from((&f, &spec)).unwrap();
        assert_eq!(c.outcome.key, "PRACTICE");
        assert_eq!(c.outcome.conditions, ["AGENDA", "FORMAL"]);
        assert_eq!(c.cuts, Cuts::new(0.9, 2, 0.6).unwrap());
        assert_eq!(
            c.spec.condition("FORMAL").unwrap().calibration,
            Calibration::Fuzzy {
                anchors: FuzzyAnchors::new(0.0, 3.5, 7.0).unwrap()
            }
        );
    }

    #[test]
    fn every_wrong_field_is_named() {
        let spec = QcaSpec::builtin();
        let f = QcaForm::from_pairs(pairs(&[
            ("outcome", "NOPE"),
            ("incl_cut", "1,5"),
            ("n_cut", "0"),
            ("e-FORMAL", "4"),
            ("c-FORMAL", "3"),
            ("i-FORMAL", "6"),
            ("e-CLIMATE", "x"),
            ("c-CLIMATE", "3"),
            ("i-CLIMATE", "4"),
        ]));
        let e = QcaChoice::try_from((&f, &spec)).unwrap_err();
        let got: Vec<(&str, &str)> = e.iter().map(|e| (e.field.as_str(), e.message)).collect();
        assert_eq!(
            got,
            [
                ("c-FORMAL", "qca_ui.err_anchors"),
                ("e-CLIMATE", "qca_ui.err_number"),
                ("outcome-first", "qca_ui.err_outcome"),
                ("incl_cut", "qca_ui.err_cut"),
                ("n_cut", "qca_ui.err_n"),
            ]
        );
        // No condition ticked.
        let f = QcaForm::from_pairs(pairs(&[("outcome", "CLIMATE")]));
        let e = QcaChoice::try_from((&f, &spec)).unwrap_err();
        assert_eq!(e[0].message, "qca_ui.err_conditions");
        assert_eq!(e[0].field, "cond-AGENDA");
    }
}
