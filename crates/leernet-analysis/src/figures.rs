//! The figures: counts, frequency tables with Wilson intervals, scale scores and their
//! reliability, per network and overall.

use crate::content::{Overview, ScaleDef, ScoreRule};
use crate::{AnalysisError, Forms};
use leernet_core::*;
use leernet_xlsform::Form;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Everything the overview and the report show, with n and source for every figure.
#[derive(Debug, Clone, Serialize)]
pub struct StudyFigures {
    pub study: StudyInfo,
    pub counts: Counts,
    pub workplaces: Vec<WorkplaceRow>,
    pub networks: Vec<NetworkRow>,
    pub sections: Vec<SectionFigures>,
    pub scales: Vec<ScaleFigures>,
    /// Instruments the overview names that the project does not hold (yet): their sections
    /// and scales are left out.
    pub missing_instruments: Vec<String>,
    /// Every network's profile against each framework, with the benchmarks.
    pub frameworks: Vec<crate::FrameworkProfiles>,
    /// The handles and each network's handreiking.
    pub handles: crate::HandleFigures,
    /// The codebook, the coders' agreement (quotes sit with the framework elements).
    pub qualitative: crate::quotes::QualitativeFigures,
    /// The analysis dataset on three levels (member, network, Werkplaats).
    pub datasets: Option<crate::Datasets>,
    /// The typology of the networks (`None` without the network instrument).
    pub typology: Option<crate::Typology>,
    /// Precision and recall of the auto-coding suggestions against the human codings
    /// (`None` without codings of a code the shipped rules know).
    pub autocoding: Option<crate::AutoCodingFigures>,
    /// Configurations of working methods per outcome of `content/qca.toml` (`None`
    /// without the network instrument).
    pub qca: Option<crate::QcaFigures>,
    /// Which wave(s) every figure rests on, per instrument, with the n; and what the
    /// figures can be switched to (issue 19).
    pub waves: crate::waves::WaveSelection,
    /// The change from the wave before to the wave the network questionnaire's figures
    /// rest on (issue 19; `None` with fewer than two waves with answers).
    pub change: Option<crate::change::ChangeFigures>,
}

/// The size of the study.
#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub workplaces: usize,
    pub networks: usize,
    /// Submitted network questionnaires.
    pub network_responses: usize,
    /// Submitted member questionnaires.
    pub member_responses: usize,
}

/// A Werkplaats and how many networks it has.
#[derive(Debug, Clone, Serialize)]
pub struct WorkplaceRow {
    pub slug: String,
    pub name: String,
    pub region: String,
    pub networks: usize,
}

/// One network: its responses, scale scores and closed answers.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkRow {
    pub slug: String,
    pub name: String,
    pub workplace_slug: String,
    pub workplace_name: String,
    /// Whether its network questionnaire was submitted.
    pub network_response: bool,
    /// Submitted member questionnaires.
    pub member_responses: usize,
    /// Scale scores: of the network questionnaire for network-level scales, the mean of the
    /// members' scores for member-level scales. `None` where there is no score.
    pub scores: BTreeMap<String, Option<f64>>,
    /// The closed answers of its network questionnaire, in form order.
    pub answers: Vec<AnswerLine>,
    /// Member answers of the overview's member questions, for this network only.
    pub member_tables: Vec<FrequencyTable>,
    /// The wave(s) its answers and scores come from, with its n: "Meting: 2026
    /// (netwerkvragenlijst en 12 ledenvragenlijsten)".
    pub basis: Bilingual,
}

/// One closed answer, with labels in both languages.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerLine {
    pub question: String,
    pub label: Bilingual,
    /// The chosen values' labels (a number or date as it was given).
    pub values: Vec<Bilingual>,
}

/// A section of the overview: its questions' frequency tables.
#[derive(Debug, Clone, Serialize)]
pub struct SectionFigures {
    pub key: String,
    pub title: Bilingual,
    pub intro: Bilingual,
    pub instrument: String,
    pub tables: Vec<FrequencyTable>,
}

/// How often each choice of one question was chosen.
#[derive(Debug, Clone, Serialize)]
pub struct FrequencyTable {
    pub instrument: String,
    pub question: String,
    pub label: Bilingual,
    /// Several choices per respondent (shares then add up to more than 1).
    pub multiple: bool,
    /// Respondents who answered.
    pub n: usize,
    /// Respondents without an answer (not asked, not applicable or skipped).
    pub missing: usize,
    pub rows: Vec<FrequencyRow>,
    /// The names of the waves whose answers it counts.
    pub waves: Vec<String>,
}

/// One choice in a frequency table.
#[derive(Debug, Clone, Serialize)]
pub struct FrequencyRow {
    pub choice: String,
    pub label: Bilingual,
    pub count: usize,
    /// count / n.
    pub share: f64,
    /// Wilson 95% interval of the share.
    pub ci_low: f64,
    pub ci_high: f64,
}

/// A scale: its scores and reliability.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleFigures {
    pub key: String,
    pub title: Bilingual,
    pub instrument: String,
    pub items: Vec<String>,
    /// Respondents with a score (all items answered).
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub median: Option<f64>,
    /// Cronbach's alpha with its 95% (Feldt) interval, where it can be computed.
    pub alpha: Option<f64>,
    pub alpha_ci: Option<(f64, f64)>,
    /// The names of the waves whose answers it rests on.
    pub waves: Vec<String>,
}

fn text(t: &leernet_xlsform::Text) -> Bilingual {
    Bilingual {
        nl: t.get("nl").to_owned(),
        en: t.get("en").to_owned(),
    }
}

/// The submitted responses per instrument form id.
pub(crate) fn responses_by_form(data: &StudyData) -> BTreeMap<&str, Vec<&Response>> {
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
    let mut out: BTreeMap<&str, Vec<&Response>> = BTreeMap::new();
    for r in &data.responses {
        if r.status != ResponseStatus::Submitted {
            continue;
        }
        if let Some(form) = wave_form.get(&r.wave) {
            out.entry(form).or_default().push(r);
        }
    }
    out
}

fn question<'f>(
    form: &'f Form,
    form_id: &str,
    name: &str,
) -> Result<&'f leernet_xlsform::Question, AnalysisError> {
    form.question(name).ok_or_else(|| AnalysisError::Unknown {
        what: format!("question {name:?} of instrument {form_id:?}"),
    })
}

/// Counts the answers to one select question.
pub fn frequency(
    form: &Form,
    form_id: &str,
    name: &str,
    responses: &[&Response],
    rank: bool,
) -> Result<FrequencyTable, AnalysisError> {
    let q = question(form, form_id, name)?;
    let list = q.kind.list().ok_or_else(|| AnalysisError::Unknown {
        what: format!("choices for {name:?} (it is not a select question)"),
    })?;
    let choices = form.choices(list).ok_or_else(|| AnalysisError::Unknown {
        what: format!("choice list {list:?}"),
    })?;
    let multiple = q.kind.is_multiple();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut n = 0;
    for r in responses {
        let Some(v) = r
            .answers
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        n += 1;
        let chosen: BTreeSet<&str> = if multiple {
            v.split_whitespace().collect()
        } else {
            BTreeSet::from([v])
        };
        for c in chosen {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut rows = Vec::with_capacity(choices.len());
    for c in choices {
        let count = counts.get(c.name.as_str()).copied().unwrap_or(0);
        let (share, (ci_low, ci_high)) = if n == 0 {
            (0.0, (0.0, 0.0))
        } else {
            (
                count as f64 / n as f64,
                leernet_stats::descriptives::wilson_ci(count as u64, n as u64, 0.95)
                    .unwrap_or((0.0, 1.0)),
            )
        };
        rows.push(FrequencyRow {
            choice: c.name.clone(),
            label: text(&c.label),
            count,
            share,
            ci_low,
            ci_high,
        });
    }
    if rank {
        // Stable: ties keep the form's order.
        rows.sort_by_key(|r| std::cmp::Reverse(r.count));
    }
    Ok(FrequencyTable {
        instrument: form_id.to_owned(),
        question: name.to_owned(),
        label: text(&q.label),
        multiple,
        n,
        missing: responses.len() - n,
        rows,
        waves: Vec::new(),
    })
}

/// The score of one response on a scale (`None` if an item is missing or unscorable).
pub fn scale_score(scale: &ScaleDef, answers: &Answers) -> Option<f64> {
    let values = item_values(scale, answers);
    let vals: Option<Vec<f64>> = values.into_iter().collect();
    let vals = vals?;
    let sum: f64 = vals.iter().sum();
    Some(match scale.score {
        ScoreRule::Sum => sum,
        ScoreRule::Mean => sum / vals.len() as f64,
    })
}

fn item_values(scale: &ScaleDef, answers: &Answers) -> Vec<Option<f64>> {
    scale
        .items
        .iter()
        .map(|i| {
            answers
                .get(i)
                .and_then(|v| scale.values.get(v.trim()).copied())
        })
        .collect()
}

fn scale_figures(scale: &ScaleDef, responses: &[&Response]) -> ScaleFigures {
    let scores: Vec<Option<f64>> = responses
        .iter()
        .map(|r| scale_score(scale, &r.answers))
        .collect();
    let summary = leernet_stats::descriptives::describe_numeric(&scores).ok();
    let rows: Vec<Vec<Option<f64>>> = responses
        .iter()
        .map(|r| item_values(scale, &r.answers))
        .collect();
    let rel = leernet_stats::reliability::cronbach_alpha(&rows).ok();
    ScaleFigures {
        key: scale.key.clone(),
        title: scale.title(),
        instrument: scale.instrument.clone(),
        items: scale.items.clone(),
        n: summary.as_ref().map(|s| s.n).unwrap_or(0),
        mean: summary.as_ref().and_then(|s| s.mean),
        sd: summary.as_ref().and_then(|s| s.sd),
        min: summary.as_ref().and_then(|s| s.min),
        max: summary.as_ref().and_then(|s| s.max),
        median: summary.as_ref().and_then(|s| s.median),
        alpha: rel.as_ref().map(|r| r.alpha).filter(|a| a.is_finite()),
        alpha_ci: rel
            .as_ref()
            .map(|r| r.ci)
            .filter(|(a, b)| a.is_finite() && b.is_finite()),
        waves: Vec::new(),
    }
}

fn answer_lines(form: &Form, answers: &Answers) -> Vec<AnswerLine> {
    let mut out = Vec::new();
    for q in form.questions() {
        let Some(v) = answers
            .get(&q.name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let values = if let Some(list) = q.kind.list() {
            let choices = form.choices(list).unwrap_or(&[]);
            let picked: Vec<&str> = if q.kind.is_multiple() {
                v.split_whitespace().collect()
            } else {
                vec![v]
            };
            picked
                .into_iter()
                .map(|p| {
                    choices
                        .iter()
                        .find(|c| c.name == p)
                        .map(|c| text(&c.label))
                        .unwrap_or_else(|| Bilingual {
                            nl: p.to_owned(),
                            en: p.to_owned(),
                        })
                })
                .collect()
        } else if matches!(
            q.kind,
            leernet_xlsform::QuestionKind::Integer | leernet_xlsform::QuestionKind::Decimal
        ) {
            vec![Bilingual {
                nl: v.to_owned(),
                en: v.to_owned(),
            }]
        } else {
            // Open text stays out of the overview: it is read through coding.
            continue;
        };
        out.push(AnswerLine {
            question: q.name.clone(),
            label: text(&q.label),
            values,
        });
    }
    out
}

pub(crate) fn compute(
    data: &StudyData,
    forms: &Forms,
    overview: &Overview,
    typology_cfg: &crate::TypologyConfig,
) -> Result<StudyFigures, AnalysisError> {
    // The datasets and the typology need none of the tables, so they are computed beside
    // them, on the other core; errors are reported in the order they were before (the
    // tables' first).
    let (tables, typology) = rayon::join(
        || tables(data, forms, overview),
        || datasets_and_typology(data, forms, overview, typology_cfg),
    );
    let Tables {
        counts,
        workplaces,
        networks,
        sections,
        scales,
        missing_instruments,
    } = tables?;
    let (datasets, typology) = typology?;
    Ok(StudyFigures {
        study: data.study.clone(),
        counts,
        workplaces,
        networks,
        sections,
        scales,
        missing_instruments,
        frameworks: Vec::new(),
        handles: crate::HandleFigures::default(),
        qualitative: Default::default(),
        datasets,
        typology,
        autocoding: crate::autocoding::autocoding(data),
        qca: None,
        waves: Default::default(),
        change: None,
    })
}

/// Only the counts and tables of [`compute`] (sections, scales, Werkplaatsen and each
/// network's row), the same as there; everything else left empty: what the overview, the
/// list of networks and a network's page show, without the datasets, typology, profiles
/// and handreikingen that take most of a national study's time.
pub(crate) fn compute_tables(
    data: &StudyData,
    forms: &Forms,
    overview: &Overview,
) -> Result<StudyFigures, AnalysisError> {
    let Tables {
        counts,
        workplaces,
        networks,
        sections,
        scales,
        missing_instruments,
    } = tables(data, forms, overview)?;
    Ok(StudyFigures {
        study: data.study.clone(),
        counts,
        workplaces,
        networks,
        sections,
        scales,
        missing_instruments,
        frameworks: Vec::new(),
        handles: crate::HandleFigures::default(),
        qualitative: Default::default(),
        datasets: None,
        typology: None,
        autocoding: None,
        qca: None,
        waves: Default::default(),
        change: None,
    })
}

/// The datasets on three levels and the typology (none without the network instrument).
fn datasets_and_typology(
    data: &StudyData,
    forms: &Forms,
    overview: &Overview,
    typology_cfg: &crate::TypologyConfig,
) -> Result<(Option<crate::Datasets>, Option<crate::Typology>), AnalysisError> {
    Ok(match forms.get(&typology_cfg.network_instrument) {
        Some(_) => {
            let ds = crate::dataset::build(data, forms, overview, typology_cfg)?;
            let names: Vec<String> = data.networks.iter().map(|n| n.name.clone()).collect();
            let mut ty = crate::typology::compute(&ds.network, &names, typology_cfg)?;
            crate::typology::apply_researchers_names(&mut ty.types, &data.type_names);
            (Some(ds), Some(ty))
        }
        None => (None, None),
    })
}

/// The study's counts and tables: what [`compute`] makes besides the datasets and typology.
struct Tables {
    counts: Counts,
    workplaces: Vec<WorkplaceRow>,
    networks: Vec<NetworkRow>,
    sections: Vec<SectionFigures>,
    scales: Vec<ScaleFigures>,
    missing_instruments: Vec<String>,
}

fn tables(data: &StudyData, forms: &Forms, overview: &Overview) -> Result<Tables, AnalysisError> {
    let by_form = responses_by_form(data);
    let none: Vec<&Response> = Vec::new();
    let form_of = |id: &str| -> Result<&Form, AnalysisError> {
        forms.get(id).ok_or_else(|| AnalysisError::Unknown {
            what: format!("instrument {id:?}"),
        })
    };
    let responses_of = |id: &str| by_form.get(id).unwrap_or(&none);

    let missing_instruments: Vec<String> = overview
        .sections
        .iter()
        .map(|s| &s.instrument)
        .chain(overview.scales.iter().map(|s| &s.instrument))
        .filter(|i| forms.get(i).is_none())
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let present = |id: &String| forms.get(id).is_some();
    let mut sections = Vec::new();
    for s in overview.sections.iter().filter(|s| present(&s.instrument)) {
        let form = form_of(&s.instrument)?;
        let tables = s
            .questions
            .iter()
            .map(|q| frequency(form, &s.instrument, q, responses_of(&s.instrument), s.rank))
            .collect::<Result<Vec<_>, _>>()?;
        sections.push(SectionFigures {
            key: s.key.clone(),
            title: s.title(),
            intro: s.intro(),
            instrument: s.instrument.clone(),
            tables,
        });
    }

    let mut scales = Vec::new();
    for sc in overview.scales.iter().filter(|s| present(&s.instrument)) {
        let form = form_of(&sc.instrument)?;
        for item in &sc.items {
            question(form, &sc.instrument, item)?;
        }
        scales.push(scale_figures(sc, responses_of(&sc.instrument)));
    }

    let network_form = overview.network_instrument.as_str();
    let workplace_by_id: BTreeMap<WorkplaceId, &Workplace> =
        data.workplaces.iter().map(|w| (w.id, w)).collect();
    // Each network's own responses per form, in stored order: grouped once, not filtered
    // out of every response again for every network (O(networks × responses)).
    let mut by_network: BTreeMap<(&str, NetworkId), Vec<&Response>> = BTreeMap::new();
    for (form, rs) in &by_form {
        for r in rs {
            by_network.entry((*form, r.network)).or_default().push(r);
        }
    }
    let mut networks = Vec::new();
    for n in &data.networks {
        let wp = workplace_by_id.get(&n.workplace);
        let own = |form_id: &str| -> Vec<&Response> {
            by_network
                .get(&(form_id, n.id))
                .cloned()
                .unwrap_or_default()
        };
        let mut scores = BTreeMap::new();
        for sc in overview.scales.iter().filter(|s| present(&s.instrument)) {
            let rs = own(&sc.instrument);
            let vals: Vec<f64> = rs
                .iter()
                .filter_map(|r| scale_score(sc, &r.answers))
                .collect();
            let score = if vals.is_empty() {
                None
            } else {
                Some(vals.iter().sum::<f64>() / vals.len() as f64)
            };
            scores.insert(sc.key.clone(), score);
        }
        let net_responses = own(network_form);
        let answers = match (forms.get(network_form), net_responses.last()) {
            (Some(form), Some(r)) => answer_lines(form, &r.answers),
            _ => Vec::new(),
        };
        let mut member_tables = Vec::new();
        for s in overview
            .sections
            .iter()
            .filter(|s| s.instrument != network_form && present(&s.instrument))
        {
            let form = form_of(&s.instrument)?;
            let rs = own(&s.instrument);
            for q in &s.questions {
                member_tables.push(frequency(form, &s.instrument, q, &rs, false)?);
            }
        }
        let members = by_form
            .keys()
            .filter(|f| **f != network_form)
            .map(|f| by_network.get(&(*f, n.id)).map_or(0, Vec::len))
            .sum();
        networks.push(NetworkRow {
            slug: n.slug.to_string(),
            name: n.name.clone(),
            workplace_slug: wp.map(|w| w.slug.to_string()).unwrap_or_default(),
            workplace_name: wp.map(|w| w.name.clone()).unwrap_or_default(),
            network_response: !net_responses.is_empty(),
            member_responses: members,
            scores,
            answers,
            member_tables,
            basis: Bilingual::default(),
        });
    }

    let workplaces = data
        .workplaces
        .iter()
        .map(|w| WorkplaceRow {
            slug: w.slug.to_string(),
            name: w.name.clone(),
            region: w.region.clone(),
            networks: data.networks.iter().filter(|n| n.workplace == w.id).count(),
        })
        .collect();

    Ok(Tables {
        counts: Counts {
            workplaces: data.workplaces.len(),
            networks: data.networks.len(),
            network_responses: responses_of(network_form).len(),
            member_responses: by_form
                .iter()
                .filter(|(f, _)| **f != network_form)
                .map(|(_, rs)| rs.len())
                .sum(),
        },
        workplaces,
        networks,
        sections,
        scales,
        missing_instruments,
    })
}

/// Puts the waves of `selection` on every figure: each table and scale the names of the
/// waves its instrument rests on, each network the sentence of its own waves and n.
pub(crate) fn name_waves(
    figures: &mut StudyFigures,
    data: &StudyData,
    selection: crate::waves::WaveSelection,
    network_form: &str,
) {
    let names = |form: &str| {
        selection
            .of(form)
            .map(|b| b.waves.clone())
            .unwrap_or_default()
    };
    for s in &mut figures.sections {
        for t in &mut s.tables {
            t.waves = names(&t.instrument);
        }
    }
    for sc in &mut figures.scales {
        sc.waves = names(&sc.instrument);
    }
    let by_form = responses_by_form(data);
    let wave_name: BTreeMap<WaveId, &str> =
        data.waves.iter().map(|w| (w.id, w.name.as_str())).collect();
    // Each network's (wave, network questionnaire?) pairs, grouped in one pass over the
    // responses, not filtered out of all of them again per network (O(networks ×
    // responses): 84 million comparisons at 2,000 networks and 42,000 responses).
    let mut waves_of: BTreeMap<NetworkId, Vec<(WaveId, bool)>> = BTreeMap::new();
    for (f, rs) in &by_form {
        for r in rs {
            waves_of
                .entry(r.network)
                .or_default()
                .push((r.wave, *f == network_form));
        }
    }
    for (row, n) in figures.networks.iter_mut().zip(&data.networks) {
        for t in &mut row.member_tables {
            t.waves = names(&t.instrument);
        }
        // The waves of this network's own responses, in the order they were made: of its
        // network questionnaire, and of its members' questionnaires.
        let mut own: Vec<(WaveId, bool)> = waves_of.remove(&n.id).unwrap_or_default();
        own.sort();
        let names_of = |network_level: bool| {
            let mut out: Vec<String> = Vec::new();
            for (w, _) in own.iter().filter(|(_, l)| *l == network_level) {
                if let Some(name) = wave_name.get(w) {
                    if !out.iter().any(|x| x == name) {
                        out.push((*name).to_owned());
                    }
                }
            }
            out
        };
        let (net_waves, member_waves) = (names_of(true), names_of(false));
        let net = own.iter().filter(|(_, is_net)| *is_net).count();
        let members = own.len() - net;
        row.basis = network_basis(&net_waves, &member_waves, net, members);
    }
    figures.waves = selection;
}

/// "Meting: 2026 (netwerkvragenlijst en 12 ledenvragenlijsten)" when a network's answers
/// come from one wave; otherwise which questionnaire comes from which wave.
fn network_basis(
    net_waves: &[String],
    member_waves: &[String],
    net: usize,
    members: usize,
) -> Bilingual {
    let join = |names: &[String], and: &str| match names {
        [] => "–".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    };
    let net_nl = match net {
        0 => "geen netwerkvragenlijst".to_owned(),
        1 => "netwerkvragenlijst".to_owned(),
        k => format!("{k} netwerkvragenlijsten"),
    };
    let net_en = match net {
        0 => "no network questionnaire".to_owned(),
        1 => "network questionnaire".to_owned(),
        k => format!("{k} network questionnaires"),
    };
    let (m_nl, m_en) = if members == 1 {
        (
            "1 ledenvragenlijst".to_owned(),
            "1 member questionnaire".to_owned(),
        )
    } else {
        (
            format!("{members} ledenvragenlijsten"),
            format!("{members} member questionnaires"),
        )
    };
    let word = |names: &[String]| {
        if names.len() > 1 {
            ("Metingen", "Waves", "metingen", "waves")
        } else {
            ("Meting", "Wave", "meting", "wave")
        }
    };
    if net == 0 || members == 0 || net_waves == member_waves {
        let mut all: Vec<String> = net_waves.to_vec();
        for m in member_waves {
            if !all.contains(m) {
                all.push(m.clone());
            }
        }
        let (nl, en, _, _) = word(&all);
        Bilingual {
            nl: format!("{nl}: {} ({net_nl} en {m_nl})", join(&all, "en")),
            en: format!("{en}: {} ({net_en} and {m_en})", join(&all, "and")),
        }
    } else {
        let (_, _, nw_nl, nw_en) = word(net_waves);
        let (_, _, mw_nl, mw_en) = word(member_waves);
        let upper = |s: &str| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        };
        Bilingual {
            nl: format!(
                "{} uit {nw_nl} {}; {m_nl} uit {mw_nl} {}",
                upper(&net_nl),
                join(net_waves, "en"),
                join(member_waves, "en")
            ),
            en: format!(
                "{} from {nw_en} {}; {m_en} from {mw_en} {}",
                upper(&net_en),
                join(net_waves, "and"),
                join(member_waves, "and")
            ),
        }
    }
}
