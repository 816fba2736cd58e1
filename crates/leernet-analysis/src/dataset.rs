//! The analysis dataset on three levels — member, network, Werkplaats — built from the
//! instruments and the stored answers.
//!
//! Exists because the typology, the profiles and the report must agree on what a variable
//! is: its label (NL/EN), its level of measurement (numeric, ordinal with its order,
//! nominal, asymmetric binary for a select_multiple option), which answers are missing and
//! why (not answered, or not applicable by the form's skip logic), and how member answers
//! describe their network and networks their Werkplaats. The rules are data
//! (`content/typology.toml`, [`TypologyConfig`]) and every variable says which rule made it.
//!
//! Values are kept as numbers: numeric as given, ordinal as the 0-based position in the
//! stated order, nominal as the 0-based position of the choice in the form's list,
//! asymmetric binary as 0/1. The member level's values are kept out of the figures (only
//! its variable dictionary and counts are published): member answers are personal.

use crate::content::Overview;
use crate::{AnalysisError, Forms};
use leernet_core::*;
use leernet_xlsform::{EvalOptions, Form, QuestionKind};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `content/typology.toml`: the dataset's rules and the typology's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypologyConfig {
    pub network_instrument: String,
    pub member_instrument: String,
    /// Choice lists with a level other than nominal, by list name.
    #[serde(default)]
    pub lists: BTreeMap<String, ListLevel>,
    pub members: MembersConfig,
    pub codes: CodesConfig,
    pub typology: ClusterConfig,
    /// Names and descriptions of the types (`[[type_name]]`), first match first.
    #[serde(default, rename = "type_name")]
    pub type_names: Vec<TypeNameRule>,
}

/// A name for the type that a feature sets apart: the first rule whose feature differs in
/// the type by at least `min_difference` in its `direction` names the type; each rule names
/// at most one type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeNameRule {
    /// A profile row's key (`question`, `question.option`, an aggregate, `code.<key>`).
    pub feature: String,
    /// The row's category, for a nominal or ordinal question.
    #[serde(default)]
    pub category: Option<String>,
    /// `more` or `less` than all networks.
    pub direction: String,
    #[serde(default = "default_min_difference")]
    pub min_difference: f64,
    pub name_nl: String,
    pub name_en: String,
    pub description_nl: String,
    pub description_en: String,
}

fn default_min_difference() -> f64 {
    0.15
}

/// The level of a choice list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListLevel {
    /// `ordinal` or `nominal`.
    pub level: String,
    /// Choice names from low to high (ordinal).
    #[serde(default)]
    pub order: Vec<String>,
}

/// Member-to-network aggregation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersConfig {
    pub min_members: usize,
    #[serde(rename = "aggregate", default)]
    pub aggregates: Vec<AggregateDef>,
}

/// One member-to-network rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateDef {
    pub key: String,
    /// `share`, `mean` or `count`.
    pub rule: String,
    pub question: Option<String>,
    pub scale: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
    pub label_nl: String,
    pub label_en: String,
}

/// Which code presences join the network level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodesConfig {
    pub instruments: Vec<String>,
    pub families: Vec<String>,
    pub min_coders: usize,
    pub min_networks: usize,
}

/// The clustering settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    pub features: Vec<String>,
    #[serde(default)]
    pub describe: Vec<String>,
    #[serde(default)]
    pub lca_features: Vec<String>,
    pub linkage: String,
    pub k_min: usize,
    pub k_max: usize,
    pub seed: u64,
    pub bootstrap: usize,
    /// Leave-one-out runs up to this many networks (it reclusters once per network).
    #[serde(default = "default_loo_max_networks")]
    pub loo_max_networks: usize,
    /// The latent class fit table goes up to this many classes; 0 leaves it out (the
    /// pages' figures, which show no LCA).
    pub lca_max_classes: usize,
    pub lca_starts: usize,
    pub profile_rows: usize,
}

fn default_loo_max_networks() -> usize {
    300
}

impl TypologyConfig {
    /// Parses the configuration; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<TypologyConfig, AnalysisError> {
        let err = |message: String| AnalysisError::Content {
            file: file.to_owned(),
            message,
        };
        let c: TypologyConfig =
            toml::from_str(text).map_err(|e| err(e.to_string().trim().replace('\n', " ")))?;
        for (name, l) in &c.lists {
            match l.level.as_str() {
                "ordinal" if l.order.len() >= 2 => {}
                "ordinal" => return Err(err(format!("list {name:?} needs an order of 2+"))),
                "nominal" => {}
                other => {
                    return Err(err(format!(
                        "list {name:?} has level {other:?} (ordinal or nominal)"
                    )))
                }
            }
        }
        for a in &c.members.aggregates {
            let ok = match a.rule.as_str() {
                "share" => a.question.is_some() && !a.values.is_empty(),
                "mean" => a.question.is_some() != a.scale.is_some(),
                "count" => true,
                _ => false,
            };
            if !ok {
                return Err(err(format!(
                    "aggregate {:?}: rule {:?} needs a question and values (share), a question or a scale (mean), or nothing (count)",
                    a.key, a.rule
                )));
            }
        }
        let t = &c.typology;
        if t.k_min < 2 || t.k_max < t.k_min {
            return Err(err(format!(
                "typology: k_min = {} and k_max = {} must satisfy 2 <= k_min <= k_max",
                t.k_min, t.k_max
            )));
        }
        t.linkage
            .parse::<leernet_stats::cluster::Linkage>()
            .map_err(|e| err(format!("typology.linkage: {e}")))?;
        Ok(c)
    }

    /// The configuration shipped with leernet (`content/typology.toml`).
    pub fn builtin() -> TypologyConfig {
        TypologyConfig::parse(
            include_str!("../../../content/typology.toml"),
            "content/typology.toml",
        )
        .expect("the shipped typology configuration parses (tested)")
    }
}

/// Level of measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Numeric,
    Ordinal,
    Nominal,
    AsymmetricBinary,
}

/// A category of a nominal or ordinal variable.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub name: String,
    pub label: Bilingual,
}

/// One variable of a dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Variable {
    /// `question`, `question.option`, an aggregate's key, or `code.<code key>`.
    pub key: String,
    pub label: Bilingual,
    pub measure: Measure,
    /// Nominal: the choices in form order; ordinal: from low to high (values are positions).
    pub categories: Vec<Category>,
    /// Where it comes from: `instrument/question`, `instrument/question=option`, or
    /// `codebook/code`.
    pub source: String,
    /// How it was made (`answer`, `option`, `scale` (sum or mean of its items, as in
    /// content/overview.toml), `share`, `mean`, `count`, `code_presence`, `mean_of_networks`).
    pub rule: String,
    /// Units with a value.
    pub n: usize,
    /// Units whose answer is empty while the question applied (or with too few members).
    pub not_answered: usize,
    /// Units for whom the question did not apply (skip logic), or no questionnaire.
    pub not_applicable: usize,
}

/// A dataset of one level: units × variables.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    /// `member`, `network` or `workplace`.
    pub level: String,
    /// Unit keys (network or Werkplaats slugs; empty for members: kept private).
    pub units: Vec<String>,
    pub n_units: usize,
    pub variables: Vec<Variable>,
    /// `values[variable][unit]` (empty for members).
    pub values: Vec<Vec<Option<f64>>>,
    /// The aggregation rule from the level below, in words.
    pub rule: Bilingual,
}

impl Dataset {
    /// The index of a variable.
    pub fn index(&self, key: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.key == key)
    }
}

/// The three datasets.
#[derive(Debug, Clone, Serialize)]
pub struct Datasets {
    pub member: Dataset,
    pub network: Dataset,
    pub workplace: Dataset,
}

fn text(t: &leernet_xlsform::Text) -> Bilingual {
    Bilingual {
        nl: t.get("nl").to_owned(),
        en: t.get("en").to_owned(),
    }
}

/// Whether each question applied to one response (by its index in [`Form::questions`]):
/// an empty answer to a question that did not apply is "not applicable".
fn relevance(form: &Form, answers: &Answers) -> Vec<bool> {
    let a =
        leernet_xlsform::Answers::from_pairs(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    // A fixed "now": the analysis reads no clock.
    let ev = form.evaluate(
        &a,
        &EvalOptions {
            lang: "nl",
            now: Some(0.0),
            last_saved: None,
        },
    );
    form.questions().map(|q| ev.is_relevant(&q.name)).collect()
}

/// Columns of one instrument's closed questions over a list of units (one response or
/// none per unit).
fn instrument_columns(
    form: &Form,
    form_id: &str,
    cfg: &TypologyConfig,
    responses: &[Option<&Response>],
) -> (Vec<Variable>, Vec<Vec<Option<f64>>>) {
    // The XLSForm engine evaluates every response's skip logic: at a national study's
    // 40,000 member questionnaires most of the dataset's time, so on every core (the order
    // of the results is the responses').
    let rel: Vec<Option<Vec<bool>>> = responses
        .par_iter()
        .map(|r| r.map(|r| relevance(form, &r.answers)))
        .collect();
    let mut vars = Vec::new();
    let mut cols = Vec::new();
    let answer = |i: usize, name: &str| -> Option<&str> {
        responses[i]
            .and_then(|r| r.answers.get(name))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    let missing_kind = |i: usize, qi: usize| -> bool {
        // true = not applicable
        match &rel[i] {
            None => true,
            Some(m) => !m.get(qi).copied().unwrap_or(true),
        }
    };
    for (qi, q) in form.questions().enumerate() {
        let base_counts = |col: &[Option<f64>]| -> (usize, usize, usize) {
            let mut c = (0, 0, 0);
            for (i, v) in col.iter().enumerate() {
                if v.is_some() {
                    c.0 += 1;
                } else if missing_kind(i, qi) {
                    c.2 += 1;
                } else {
                    c.1 += 1;
                }
            }
            c
        };
        match &q.kind {
            QuestionKind::Integer | QuestionKind::Decimal => {
                let col: Vec<Option<f64>> = (0..responses.len())
                    .map(|i| {
                        answer(i, &q.name)
                            .and_then(|v| v.parse::<f64>().ok())
                            .filter(|x| x.is_finite())
                    })
                    .collect();
                let (n, na, nap) = base_counts(&col);
                vars.push(Variable {
                    key: q.name.clone(),
                    label: text(&q.label),
                    measure: Measure::Numeric,
                    categories: Vec::new(),
                    source: format!("{form_id}/{}", q.name),
                    rule: "answer".into(),
                    n,
                    not_answered: na,
                    not_applicable: nap,
                });
                cols.push(col);
            }
            kind if kind.list().is_some() => {
                let list = kind.list().unwrap_or_default();
                let choices = form.choices(list).unwrap_or(&[]);
                if kind.is_multiple() {
                    for c in choices {
                        let col: Vec<Option<f64>> = (0..responses.len())
                            .map(|i| {
                                answer(i, &q.name).map(|v| {
                                    if v.split_whitespace().any(|p| p == c.name) {
                                        1.0
                                    } else {
                                        0.0
                                    }
                                })
                            })
                            .collect();
                        let (n, na, nap) = base_counts(&col);
                        vars.push(Variable {
                            key: format!("{}.{}", q.name, c.name),
                            label: Bilingual {
                                nl: format!("{}: {}", q.label.get("nl"), c.label.get("nl")),
                                en: format!("{}: {}", q.label.get("en"), c.label.get("en")),
                            },
                            measure: Measure::AsymmetricBinary,
                            categories: Vec::new(),
                            source: format!("{form_id}/{}={}", q.name, c.name),
                            rule: "option".into(),
                            n,
                            not_answered: na,
                            not_applicable: nap,
                        });
                        cols.push(col);
                    }
                    continue;
                }
                let ordinal = cfg
                    .lists
                    .get(list)
                    .filter(|l| l.level == "ordinal")
                    .map(|l| l.order.clone());
                let (measure, names): (Measure, Vec<String>) = match ordinal {
                    Some(order) => (Measure::Ordinal, order),
                    None => (
                        Measure::Nominal,
                        choices.iter().map(|c| c.name.clone()).collect(),
                    ),
                };
                let categories = names
                    .iter()
                    .map(|n| Category {
                        name: n.clone(),
                        label: choices
                            .iter()
                            .find(|c| &c.name == n)
                            .map(|c| text(&c.label))
                            .unwrap_or_else(|| Bilingual {
                                nl: n.clone(),
                                en: n.clone(),
                            }),
                    })
                    .collect();
                let col: Vec<Option<f64>> = (0..responses.len())
                    .map(|i| {
                        answer(i, &q.name)
                            .and_then(|v| names.iter().position(|n| n == v))
                            .map(|p| p as f64)
                    })
                    .collect();
                let (n, na, nap) = base_counts(&col);
                vars.push(Variable {
                    key: q.name.clone(),
                    label: text(&q.label),
                    measure,
                    categories,
                    source: format!("{form_id}/{}", q.name),
                    rule: "answer".into(),
                    n,
                    not_answered: na,
                    not_applicable: nap,
                });
                cols.push(col);
            }
            _ => {}
        }
    }
    (vars, cols)
}

fn submitted_by_form(data: &StudyData) -> BTreeMap<String, Vec<&Response>> {
    let instrument_form: BTreeMap<InstrumentId, &str> = data
        .instruments
        .iter()
        .map(|i| (i.id, i.form_id.as_str()))
        .collect();
    let wave_form: BTreeMap<WaveId, &str> = data
        .waves
        .iter()
        .filter_map(|w| instrument_form.get(&w.instrument).map(|f| (w.id, *f)))
        .collect();
    let mut out: BTreeMap<String, Vec<&Response>> = BTreeMap::new();
    for r in &data.responses {
        if r.status != ResponseStatus::Submitted {
            continue;
        }
        if let Some(f) = wave_form.get(&r.wave) {
            out.entry((*f).to_owned()).or_default().push(r);
        }
    }
    out
}

fn bi(nl: &str, en: &str) -> Bilingual {
    Bilingual {
        nl: nl.to_owned(),
        en: en.to_owned(),
    }
}

fn counts(col: &[Option<f64>], na_rule: impl Fn(usize) -> bool) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for (i, v) in col.iter().enumerate() {
        if v.is_some() {
            c.0 += 1;
        } else if na_rule(i) {
            c.2 += 1;
        } else {
            c.1 += 1;
        }
    }
    c
}

/// Builds the three datasets.
pub fn build(
    data: &StudyData,
    forms: &Forms,
    overview: &Overview,
    cfg: &TypologyConfig,
) -> Result<Datasets, AnalysisError> {
    let by_form = submitted_by_form(data);
    let none = Vec::new();
    let unknown = |what: String| AnalysisError::Unknown { what };

    // Member level.
    let member_rs: &Vec<&Response> = by_form.get(&cfg.member_instrument).unwrap_or(&none);
    let member_form = forms.get(&cfg.member_instrument);
    let (m_vars, _) = match member_form {
        Some(f) => {
            let rs: Vec<Option<&Response>> = member_rs.iter().map(|r| Some(*r)).collect();
            instrument_columns(f, &cfg.member_instrument, cfg, &rs)
        }
        None => (Vec::new(), Vec::new()),
    };
    let member = Dataset {
        level: "member".into(),
        units: Vec::new(),
        n_units: member_rs.len(),
        variables: m_vars,
        values: Vec::new(),
        rule: bi(
            "Eén rij per ingevulde ledenvragenlijst; de antwoorden zelf blijven buiten de cijfers.",
            "One row per submitted member questionnaire; the answers themselves stay out of the figures.",
        ),
    };

    // Network level: the network questionnaire (the last submitted response per network).
    let net_form = forms.get(&cfg.network_instrument).ok_or_else(|| {
        unknown(format!(
            "instrument {:?} (typology.toml network_instrument)",
            cfg.network_instrument
        ))
    })?;
    let net_rs = by_form.get(&cfg.network_instrument).unwrap_or(&none);
    // The last one per network, found in one pass (not a search per network).
    let mut last_of: BTreeMap<NetworkId, &Response> = BTreeMap::new();
    for r in net_rs {
        last_of.insert(r.network, r);
    }
    let per_net: Vec<Option<&Response>> = data
        .networks
        .iter()
        .map(|n| last_of.get(&n.id).copied())
        .collect();
    let (mut vars, mut cols) = instrument_columns(net_form, &cfg.network_instrument, cfg, &per_net);

    // Scale scores of the network questionnaire (content/overview.toml).
    for sc in overview
        .scales
        .iter()
        .filter(|s| s.instrument == cfg.network_instrument)
    {
        let col: Vec<Option<f64>> = per_net
            .iter()
            .map(|r| r.and_then(|r| crate::figures::scale_score(sc, &r.answers)))
            .collect();
        let (n, na, nap) = counts(&col, |i| per_net[i].is_none());
        vars.push(Variable {
            key: format!("scale.{}", sc.key),
            label: sc.title(),
            measure: Measure::Numeric,
            categories: Vec::new(),
            source: format!("{}/scale:{}", cfg.network_instrument, sc.key),
            rule: "scale".into(),
            n,
            not_answered: na,
            not_applicable: nap,
        });
        cols.push(col);
    }

    // Member aggregates.
    let net_index: BTreeMap<NetworkId, usize> = data
        .networks
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id, i))
        .collect();
    let mut members_of: Vec<Vec<&Response>> = vec![Vec::new(); data.networks.len()];
    for r in member_rs {
        if let Some(&i) = net_index.get(&r.network) {
            members_of[i].push(r);
        }
    }
    for a in &cfg.members.aggregates {
        if member_form.is_none() {
            break;
        }
        let mf = member_form.expect("checked");
        if let Some(q) = &a.question {
            if mf.question(q).is_none() {
                return Err(unknown(format!(
                    "question {q:?} of instrument {:?} (aggregate {:?} in typology.toml)",
                    cfg.member_instrument, a.key
                )));
            }
        }
        let scale = match &a.scale {
            Some(s) => Some(
                overview
                    .scales
                    .iter()
                    .find(|x| &x.key == s)
                    .ok_or_else(|| {
                        unknown(format!(
                            "scale {s:?} (aggregate {:?} in typology.toml)",
                            a.key
                        ))
                    })?,
            ),
            None => None,
        };
        let col: Vec<Option<f64>> = members_of
            .iter()
            .map(|ms| {
                if a.rule == "count" {
                    return Some(ms.len() as f64);
                }
                let vals: Vec<&str> = match &a.question {
                    Some(q) => ms
                        .iter()
                        .filter_map(|r| r.answers.get(q).map(|v| v.trim()))
                        .filter(|v| !v.is_empty())
                        .collect(),
                    None => Vec::new(),
                };
                let nums: Vec<f64> = match (a.rule.as_str(), scale) {
                    ("share", _) => vals
                        .iter()
                        .map(|v| {
                            if a.values.iter().any(|x| x == v) {
                                1.0
                            } else {
                                0.0
                            }
                        })
                        .collect(),
                    ("mean", Some(sc)) => ms
                        .iter()
                        .filter_map(|r| crate::figures::scale_score(sc, &r.answers))
                        .collect(),
                    _ => vals.iter().filter_map(|v| v.parse::<f64>().ok()).collect(),
                };
                if nums.len() < cfg.members.min_members.max(1) {
                    return None;
                }
                Some(nums.iter().sum::<f64>() / nums.len() as f64)
            })
            .collect();
        let (n, na, nap) = counts(&col, |i| members_of[i].is_empty());
        let source = match (&a.question, &a.scale) {
            (Some(q), _) => format!("{}/{q}", cfg.member_instrument),
            (None, Some(s)) => format!("{}/scale:{s}", cfg.member_instrument),
            _ => cfg.member_instrument.clone(),
        };
        vars.push(Variable {
            key: a.key.clone(),
            label: bi(&a.label_nl, &a.label_en),
            measure: Measure::Numeric,
            categories: Vec::new(),
            source,
            rule: a.rule.clone(),
            n,
            not_answered: na,
            not_applicable: nap,
        });
        cols.push(col);
    }

    // Code presence.
    code_columns(data, cfg, &by_form, &net_index, &mut vars, &mut cols);

    let network = Dataset {
        level: "network".into(),
        units: data.networks.iter().map(|n| n.slug.to_string()).collect(),
        n_units: data.networks.len(),
        variables: vars,
        values: cols,
        rule: bi(
            "Eén rij per netwerk: de antwoorden op de netwerkvragenlijst; een meerkeuzevraag geeft één variabele per optie; ledenantwoorden per netwerk samengevat (aandeel eens, gemiddelde; pas vanaf het minimum aantal leden); codes in open antwoorden als aanwezig of niet.",
            "One row per network: its answers to the network questionnaire; a multiple-choice question gives one variable per option; member answers summarised per network (share agreeing, mean; only from the minimum number of members); codes in open answers as present or not.",
        ),
    };

    // Werkplaats level. Each Werkplaats's networks (their rows, in registry order) are
    // found once, not again for every variable.
    let rows_of: Vec<Vec<usize>> = data
        .workplaces
        .iter()
        .map(|w| {
            (0..data.networks.len())
                .filter(|&i| data.networks[i].workplace == w.id)
                .collect()
        })
        .collect();
    let mut wp_vars = Vec::new();
    let mut wp_cols = Vec::new();
    for (v, col) in network.variables.iter().zip(&network.values) {
        if !matches!(v.measure, Measure::Numeric | Measure::AsymmetricBinary) {
            continue;
        }
        let wcol: Vec<Option<f64>> = rows_of
            .iter()
            .map(|rows| {
                let vals: Vec<f64> = rows.iter().filter_map(|&i| col[i]).collect();
                (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
            })
            .collect();
        let (n, na, nap) = counts(&wcol, |_| false);
        wp_vars.push(Variable {
            key: v.key.clone(),
            label: v.label.clone(),
            measure: Measure::Numeric,
            categories: Vec::new(),
            source: v.source.clone(),
            rule: "mean_of_networks".into(),
            n,
            not_answered: na,
            not_applicable: nap,
        });
        wp_cols.push(wcol);
    }
    let workplace = Dataset {
        level: "workplace".into(),
        units: data.workplaces.iter().map(|w| w.slug.to_string()).collect(),
        n_units: data.workplaces.len(),
        variables: wp_vars,
        values: wp_cols,
        rule: bi(
            "Eén rij per Werkplaats: het gemiddelde over haar netwerken met een waarde, van elke numerieke variabele en elke optie (dan het aandeel netwerken); nominale en ordinale variabelen worden niet samengevoegd.",
            "One row per Werkplaats: the mean over its networks with a value, of every numeric variable and every option (then the share of networks); nominal and ordinal variables are not aggregated.",
        ),
    };
    Ok(Datasets {
        member,
        network,
        workplace,
    })
}

fn code_columns(
    data: &StudyData,
    cfg: &TypologyConfig,
    by_form: &BTreeMap<String, Vec<&Response>>,
    net_index: &BTreeMap<NetworkId, usize>,
    vars: &mut Vec<Variable>,
    cols: &mut Vec<Vec<Option<f64>>>,
) {
    let reading = crate::coding_agreement::content_codings(data);
    let passages = crate::documents::located(data);
    if reading.is_empty() && passages.is_empty() {
        return;
    }
    // A consensus coding is the coders' settled, shared reading: it counts as enough coders.
    let settled: BTreeSet<CodingId> = data.consensus.iter().map(|c| c.id).collect();
    // Responses whose codes count, with their network.
    let mut counted: BTreeMap<ResponseId, usize> = BTreeMap::new();
    let mut has_counted = vec![false; data.networks.len()];
    for f in &cfg.codes.instruments {
        for r in by_form.get(f).into_iter().flatten() {
            if let Some(&i) = net_index.get(&r.network) {
                counted.insert(r.id, i);
                has_counted[i] = true;
            }
        }
    }
    let families: BTreeSet<&str> = cfg.codes.families.iter().map(String::as_str).collect();
    // code id -> (book, code)
    let mut codes: BTreeMap<CodeId, (&Codebook, &Code)> = BTreeMap::new();
    for b in &data.codebooks {
        for c in &b.codes {
            if let Some((fam, _)) = c.key.split_once('.') {
                if families.contains(fam) {
                    codes.insert(c.id, (b, c));
                }
            }
        }
    }
    // (code, network) -> coders
    let mut coders: BTreeMap<(CodeId, usize), BTreeSet<PersonId>> = BTreeMap::new();
    let mut agreed: BTreeSet<(CodeId, usize)> = BTreeSet::new();
    for c in &reading {
        if !codes.contains_key(&c.code) {
            continue;
        }
        if let Some(&i) = counted.get(&c.segment.response) {
            coders.entry((c.code, i)).or_default().insert(c.coder);
            if settled.contains(&c.id) {
                agreed.insert((c.code, i));
            }
        }
    }
    // A coded passage of a network's document counts for that network as a coded answer
    // does (every document counts, whatever the instruments named), and a network with a
    // document is observed (0 rather than missing where nothing in it is coded).
    for d in &data.documents {
        if let Some(&i) = d.info.network.and_then(|n| net_index.get(&n)) {
            has_counted[i] = true;
        }
    }
    for p in &passages {
        if !codes.contains_key(&p.coding.code) {
            continue;
        }
        if let Some(&i) = p.document.info.network.and_then(|n| net_index.get(&n)) {
            coders
                .entry((p.coding.code, i))
                .or_default()
                .insert(p.coding.coder);
        }
    }
    // Codes in codebook order.
    let mut ordered: Vec<(&Codebook, &Code)> = codes.values().copied().collect();
    ordered.sort_by_key(|(b, c)| (b.id, b.codes.iter().position(|x| x.id == c.id).unwrap_or(0)));
    for (b, c) in ordered {
        let col: Vec<Option<f64>> = (0..data.networks.len())
            .map(|i| {
                if !has_counted[i] {
                    return None;
                }
                let k = coders.get(&(c.id, i)).map_or(0, BTreeSet::len);
                Some(
                    if k >= cfg.codes.min_coders.max(1) || agreed.contains(&(c.id, i)) {
                        1.0
                    } else {
                        0.0
                    },
                )
            })
            .collect();
        let (n, na, nap) = counts(&col, |_| true);
        vars.push(Variable {
            key: format!("code.{}", c.key),
            label: Bilingual {
                nl: format!("Code: {}", c.name.nl),
                en: format!("Code: {}", c.name.en),
            },
            measure: Measure::AsymmetricBinary,
            categories: Vec::new(),
            source: format!("{}/{}", b.name, c.key),
            rule: "code_presence".into(),
            n,
            not_answered: na,
            not_applicable: nap,
        });
        cols.push(col);
    }
}
