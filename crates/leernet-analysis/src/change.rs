//! Change between waves (issue 19, items 2 and 3): per network and for the whole study, for
//! each element score, indicator, scale and theme, the value in each wave, the difference
//! with its interval and the test that fits the measurement.
//!
//! Why it exists: the point of a second wave is to see what changed after the handles were
//! taken up, and a reader must learn how sure that is. Which wave is compared with which:
//! the wave the network questionnaire's figures rest on (the *later* wave; with waves
//! combined, the latest one) against the wave of the network questionnaire made before it
//! that holds answers (the *earlier* one). Nothing is computed while the network
//! questionnaire has fewer than two waves with answers.
//!
//! Paired or not, said in words on every row:
//! - element scores, indicators, network-level scales and themes belong to a network, and
//!   the network links the waves: **paired** over the networks measured in both. Scores: the
//!   mean difference with the paired t interval, and the Wilcoxon signed-rank test (scipy's
//!   defaults, robust for a few networks); themes (an option of the network questionnaire's
//!   theme question, chosen or not): the difference of the shares with its Wald interval
//!   and McNemar's exact test.
//! - member scales: members answer anonymously, so a member can be followed only where the
//!   same respondent key (not a per-wave invitation) occurs in both waves for the same
//!   network (members who chose to be followed). With two or more such members the
//!   comparison is **paired** over them; otherwise the networks' averages are compared as
//!   two independent samples (Welch's t), since which members answered may differ.
//! - per network: the values in each wave and their difference; for a member scale with at
//!   least two members in each wave also Welch's interval over the members.
//!
//! Invariants: pure and deterministic (elements, indicators, scales and themes in content
//! order, networks in the study's order); a figure that cannot be computed is `None`, never
//! NaN; the small-n caveat is said whenever fewer than 10 pairs or networks carry a figure.

use crate::{NetworkProfile, StudyFigures};
use leernet_core::*;
use leernet_stats::compare;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Below this many pairs (or networks) a row says that only a large change would show.
pub const SMALL_N: usize = 10;

/// How a row compares the waves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// The same networks (or followed members) in both waves.
    Paired,
    /// Two independent samples: the networks' aggregates of each wave.
    Aggregates,
}

/// One figure over the study: its value in each wave and the difference.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangeRow {
    /// `element`, `indicator`, `scale` or `theme`.
    pub kind: &'static str,
    pub key: String,
    pub label: Bilingual,
    /// For elements and indicators: the framework's key.
    pub framework: Option<String>,
    /// `score` (0–100, or the scale's own range) or `share` (0–1).
    pub unit: &'static str,
    /// The mean score or the share in each wave, over everyone measured in it.
    pub earlier: Option<f64>,
    pub later: Option<f64>,
    /// Networks (or members, for a member scale) measured in each wave.
    pub n_earlier: usize,
    pub n_later: usize,
    pub design: Design,
    /// Pairs measured in both waves (paired); 0 for aggregates.
    pub n_pairs: usize,
    /// Later minus earlier: the mean paired difference, the difference of the means, or the
    /// difference of the shares.
    pub difference: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// `wilcoxon`, `mcnemar_exact` or `welch`.
    pub test: &'static str,
    pub p_value: Option<f64>,
    /// The paired t-test's p beside Wilcoxon's, for scores.
    pub p_t: Option<f64>,
    /// Fewer than [`SMALL_N`] pairs (or networks per wave).
    pub small_n: bool,
    /// How the row was computed, in words.
    pub method: Bilingual,
}

/// One figure of one network in both waves.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NetworkChangeRow {
    pub kind: &'static str,
    pub key: String,
    pub label: Bilingual,
    pub framework: Option<String>,
    pub unit: &'static str,
    pub earlier: Option<f64>,
    pub later: Option<f64>,
    /// Responses behind each value (1 for the network questionnaire, members otherwise).
    pub n_earlier: usize,
    pub n_later: usize,
    pub difference: Option<f64>,
    /// For a member scale with two or more members in each wave: Welch's interval.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// One network's change.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NetworkChange {
    pub slug: String,
    pub name: String,
    pub rows: Vec<NetworkChangeRow>,
}

/// The change between two waves.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangeFigures {
    /// The waves' names.
    pub earlier: String,
    pub later: String,
    /// Networks whose network questionnaire was answered in each wave, and in both.
    pub networks_earlier: usize,
    pub networks_later: usize,
    pub networks_both: usize,
    pub rows: Vec<ChangeRow>,
    pub networks: Vec<NetworkChange>,
    /// Which comparison was made and why, in words.
    pub design_text: Bilingual,
    /// What a small n means, in words (always given: these studies are small).
    pub caveat: Bilingual,
}

impl ChangeFigures {
    /// One network's change.
    pub fn network(&self, slug: &str) -> Option<&NetworkChange> {
        self.networks.iter().find(|n| n.slug == slug)
    }
}

fn bi(nl: impl Into<String>, en: impl Into<String>) -> Bilingual {
    Bilingual {
        nl: nl.into(),
        en: en.into(),
    }
}

/// The waves of the network questionnaire that hold submitted answers, in the order they
/// were made (by name, each once).
pub fn answered_waves(data: &StudyData, network_form: &str) -> Vec<String> {
    let instruments: BTreeSet<InstrumentId> = data
        .instruments
        .iter()
        .filter(|i| i.form_id == network_form)
        .map(|i| i.id)
        .collect();
    let answered: BTreeSet<WaveId> = data
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Submitted)
        .map(|r| r.wave)
        .collect();
    let mut waves: Vec<&Wave> = data
        .waves
        .iter()
        .filter(|w| instruments.contains(&w.instrument) && answered.contains(&w.id))
        .collect();
    waves.sort_by_key(|w| w.id);
    let mut names: Vec<String> = Vec::new();
    for w in waves {
        if !names.contains(&w.name) {
            names.push(w.name.clone());
        }
    }
    names
}

/// The earlier and the later wave to compare, given the waves the figures rest on: the
/// network questionnaire's one wave, or with waves combined the latest; `None` when there
/// is no earlier wave with answers.
pub fn pair_of_waves(answered: &[String], resting_on: &[String]) -> Option<(String, String)> {
    let later_pos = match resting_on {
        [one] => answered.iter().position(|w| w == one)?,
        _ => answered.len().checked_sub(1)?,
    };
    let earlier = answered.get(later_pos.checked_sub(1)?)?;
    Some((earlier.clone(), answered[later_pos].clone()))
}

/// What the comparison needs of one wave: its figures (profiles, network dataset) and the
/// wave's own data (responses), computed by the caller.
pub struct WaveSide<'a> {
    pub figures: &'a StudyFigures,
    pub data: &'a StudyData,
}

fn profile_map(f: &StudyFigures, fw: &str) -> BTreeMap<String, NetworkProfile> {
    f.frameworks
        .iter()
        .find(|x| x.key == fw)
        .map(|x| {
            x.networks
                .iter()
                .map(|n| (n.slug.clone(), n.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// A paired comparison of scores: the mean difference, the paired t interval, Wilcoxon's p
/// and the t-test's p.
struct PairedScores {
    difference: Option<f64>,
    ci: Option<(f64, f64)>,
    p_wilcoxon: Option<f64>,
    p_t: Option<f64>,
}

fn paired_scores(pairs: &[(f64, f64)]) -> PairedScores {
    let later: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let earlier: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let diff = mean(&pairs.iter().map(|p| p.1 - p.0).collect::<Vec<_>>());
    let t = compare::ttest_rel(&later, &earlier, 0.95).ok();
    let w = compare::wilcoxon(&later, &earlier).ok();
    // Wilcoxon has nothing to rank when no pair changed: then nothing changed, p = 1.
    let p_w = match (&w, diff) {
        (Some(w), _) => Some(w.p_value),
        (None, Some(0.0)) => Some(1.0),
        _ => None,
    };
    PairedScores {
        difference: diff,
        ci: t.map(|t| (t.ci_low, t.ci_high)),
        p_wilcoxon: p_w,
        p_t: t.map(|t| t.p_value),
    }
}

fn paired_method(what_nl: &str, what_en: &str, n: usize) -> Bilingual {
    bi(
        format!("Gepaard: dezelfde {what_nl} in beide metingen (n = {n}); gemiddeld verschil met 95%-betrouwbaarheidsinterval (gepaarde t-toets), getoetst met de rangtekentoets van Wilcoxon."),
        format!("Paired: the same {what_en} in both waves (n = {n}); mean difference with 95% confidence interval (paired t-test), tested with the Wilcoxon signed-rank test."),
    )
}

#[allow(clippy::too_many_arguments)]
fn score_row(
    kind: &'static str,
    key: String,
    label: Bilingual,
    framework: Option<String>,
    unit: &'static str,
    earlier: &[Option<f64>],
    later: &[Option<f64>],
    method: Bilingual,
) -> ChangeRow {
    let e: Vec<f64> = earlier.iter().flatten().copied().collect();
    let l: Vec<f64> = later.iter().flatten().copied().collect();
    let pairs: Vec<(f64, f64)> = earlier
        .iter()
        .zip(later)
        .filter_map(|(a, b)| Some(((*a)?, (*b)?)))
        .collect();
    let PairedScores {
        difference,
        ci,
        p_wilcoxon: p_value,
        p_t,
    } = paired_scores(&pairs);
    ChangeRow {
        kind,
        key,
        label,
        framework,
        unit,
        earlier: mean(&e),
        later: mean(&l),
        n_earlier: e.len(),
        n_later: l.len(),
        design: Design::Paired,
        n_pairs: pairs.len(),
        difference,
        ci_low: ci.map(|c| c.0),
        ci_high: ci.map(|c| c.1),
        test: "wilcoxon",
        p_value,
        p_t,
        small_n: pairs.len() < SMALL_N,
        method,
    }
}

/// Computes the change from `earlier` to `later`. `networks` lists the study's networks
/// (slug, name) in order; `network_form` is the network questionnaire's form id.
pub fn compute(
    names: (&str, &str),
    earlier: &WaveSide,
    later: &WaveSide,
    overview: &crate::Overview,
    networks: &[(String, String)],
) -> ChangeFigures {
    let network_form = overview.network_instrument.as_str();
    let (earlier_name, later_name) = names;
    let answered = |side: &WaveSide| -> BTreeSet<String> {
        side.figures
            .networks
            .iter()
            .filter(|n| n.network_response)
            .map(|n| n.slug.clone())
            .collect()
    };
    let (ans_e, ans_l) = (answered(earlier), answered(later));
    let both = ans_e.intersection(&ans_l).count();
    let slugs: Vec<&String> = networks.iter().map(|(s, _)| s).collect();
    let mut rows = Vec::new();
    let mut per_network: BTreeMap<String, Vec<NetworkChangeRow>> = BTreeMap::new();

    // Elements and their indicators, per framework.
    for fw in &later.figures.frameworks {
        let (pe, pl) = (
            profile_map(earlier.figures, &fw.key),
            profile_map(later.figures, &fw.key),
        );
        for el in &fw.elements {
            let el_score = |p: &BTreeMap<String, NetworkProfile>, slug: &str| {
                p.get(slug)
                    .and_then(|n| n.elements.iter().find(|e| e.key == el.key))
                    .and_then(|e| e.score)
            };
            let e: Vec<Option<f64>> = slugs.iter().map(|s| el_score(&pe, s)).collect();
            let l: Vec<Option<f64>> = slugs.iter().map(|s| el_score(&pl, s)).collect();
            let n = e
                .iter()
                .zip(&l)
                .filter(|(a, b)| a.is_some() && b.is_some())
                .count();
            rows.push(score_row(
                "element",
                el.key.clone(),
                el.name.clone(),
                Some(fw.key.clone()),
                "score",
                &e,
                &l,
                paired_method("netwerken", "networks", n),
            ));
            for (i, s) in slugs.iter().enumerate() {
                if e[i].is_some() || l[i].is_some() {
                    per_network
                        .entry((*s).clone())
                        .or_default()
                        .push(NetworkChangeRow {
                            kind: "element",
                            key: el.key.clone(),
                            label: el.name.clone(),
                            framework: Some(fw.key.clone()),
                            unit: "score",
                            earlier: e[i],
                            later: l[i],
                            n_earlier: usize::from(e[i].is_some()),
                            n_later: usize::from(l[i].is_some()),
                            difference: e[i].zip(l[i]).map(|(a, b)| b - a),
                            ci_low: None,
                            ci_high: None,
                        });
                }
            }
            // The element's indicators: keys and labels from the later wave's profiles.
            let indicators: Vec<(String, Bilingual)> = pl
                .values()
                .chain(pe.values())
                .filter_map(|n| n.elements.iter().find(|e| e.key == el.key))
                .flat_map(|e| {
                    e.indicators
                        .iter()
                        .map(|i| (i.key.clone(), i.label.clone()))
                })
                .fold(Vec::new(), |mut acc, (k, lab)| {
                    if !acc.iter().any(|(x, _)| x == &k) {
                        acc.push((k, lab));
                    }
                    acc
                });
            for (ikey, ilabel) in indicators {
                let ind = |p: &BTreeMap<String, NetworkProfile>, slug: &str| {
                    p.get(slug)
                        .and_then(|n| n.elements.iter().find(|e| e.key == el.key))
                        .and_then(|e| e.indicators.iter().find(|i| i.key == ikey))
                        .map(|i| (i.score, i.n))
                };
                let e: Vec<Option<(Option<f64>, usize)>> =
                    slugs.iter().map(|s| ind(&pe, s)).collect();
                let l: Vec<Option<(Option<f64>, usize)>> =
                    slugs.iter().map(|s| ind(&pl, s)).collect();
                let es: Vec<Option<f64>> = e.iter().map(|x| x.and_then(|x| x.0)).collect();
                let ls: Vec<Option<f64>> = l.iter().map(|x| x.and_then(|x| x.0)).collect();
                let n = es
                    .iter()
                    .zip(&ls)
                    .filter(|(a, b)| a.is_some() && b.is_some())
                    .count();
                rows.push(score_row(
                    "indicator",
                    ikey.clone(),
                    ilabel.clone(),
                    Some(fw.key.clone()),
                    "score",
                    &es,
                    &ls,
                    paired_method("netwerken", "networks", n),
                ));
                for (i, s) in slugs.iter().enumerate() {
                    if es[i].is_some() || ls[i].is_some() {
                        per_network
                            .entry((*s).clone())
                            .or_default()
                            .push(NetworkChangeRow {
                                kind: "indicator",
                                key: ikey.clone(),
                                label: ilabel.clone(),
                                framework: Some(fw.key.clone()),
                                unit: "score",
                                earlier: es[i],
                                later: ls[i],
                                n_earlier: e[i].map_or(0, |x| x.1),
                                n_later: l[i].map_or(0, |x| x.1),
                                difference: es[i].zip(ls[i]).map(|(a, b)| b - a),
                                ci_low: None,
                                ci_high: None,
                            });
                    }
                }
            }
        }
    }

    // Scales: per respondent from the wave's own answers.
    let net_id = |data: &StudyData, slug: &str| {
        data.networks
            .iter()
            .find(|n| n.slug.as_str() == slug)
            .map(|n| n.id)
    };
    let form_of = |data: &StudyData| -> BTreeMap<WaveId, String> {
        data.waves
            .iter()
            .filter_map(|w| {
                data.instruments
                    .iter()
                    .find(|i| i.id == w.instrument)
                    .map(|i| (w.id, i.form_id.clone()))
            })
            .collect()
    };
    let (forms_e, forms_l) = (form_of(earlier.data), form_of(later.data));
    for sc in &overview.scales {
        let label = bi(
            sc.title_nl.clone(),
            if sc.title_en.is_empty() {
                sc.title_nl.clone()
            } else {
                sc.title_en.clone()
            },
        );
        // (network id, respondent key, score) of the wave's submitted responses.
        let scores = |side: &WaveSide,
                      forms: &BTreeMap<WaveId, String>|
         -> Vec<(NetworkId, String, f64)> {
            side.data
                .responses
                .iter()
                .filter(|r| {
                    r.status == ResponseStatus::Submitted
                        && forms.get(&r.wave).map(String::as_str) == Some(sc.instrument.as_str())
                })
                .filter_map(|r| {
                    crate::scale_score(sc, &r.answers).map(|s| (r.network, r.respondent.clone(), s))
                })
                .collect()
        };
        let (se, sl) = (scores(earlier, &forms_e), scores(later, &forms_l));
        if se.is_empty() && sl.is_empty() {
            continue;
        }
        let network_level = sc.instrument == network_form;
        let by_network = |v: &[(NetworkId, String, f64)], id: Option<NetworkId>| -> Vec<f64> {
            v.iter()
                .filter(|(n, _, _)| Some(*n) == id)
                .map(|(_, _, s)| *s)
                .collect()
        };
        let e_net: Vec<Vec<f64>> = slugs
            .iter()
            .map(|s| by_network(&se, net_id(earlier.data, s)))
            .collect();
        let l_net: Vec<Vec<f64>> = slugs
            .iter()
            .map(|s| by_network(&sl, net_id(later.data, s)))
            .collect();
        let e_means: Vec<Option<f64>> = e_net.iter().map(|v| mean(v)).collect();
        let l_means: Vec<Option<f64>> = l_net.iter().map(|v| mean(v)).collect();
        if network_level {
            let n = e_means
                .iter()
                .zip(&l_means)
                .filter(|(a, b)| a.is_some() && b.is_some())
                .count();
            rows.push(score_row(
                "scale",
                sc.key.clone(),
                label.clone(),
                None,
                "score",
                &e_means,
                &l_means,
                paired_method("netwerken", "networks", n),
            ));
        } else {
            // Members followed: the same respondent key (not an invitation) in one network
            // in both waves.
            let key_of = |v: &[(NetworkId, String, f64)]| -> BTreeMap<(NetworkId, String), f64> {
                v.iter()
                    .filter(|(_, k, _)| !k.starts_with("invitation:"))
                    .map(|(n, k, s)| ((*n, k.clone()), *s))
                    .collect()
            };
            let (ke, kl) = (key_of(&se), key_of(&sl));
            let followed: Vec<(f64, f64)> = ke
                .iter()
                .filter_map(|(k, a)| kl.get(k).map(|b| (*a, *b)))
                .collect();
            let e_all: Vec<f64> = se.iter().map(|x| x.2).collect();
            let l_all: Vec<f64> = sl.iter().map(|x| x.2).collect();
            if followed.len() >= 2 {
                let PairedScores {
                    difference,
                    ci,
                    p_wilcoxon: p_value,
                    p_t,
                } = paired_scores(&followed);
                let n = followed.len();
                rows.push(ChangeRow {
                    kind: "scale",
                    key: sc.key.clone(),
                    label: label.clone(),
                    framework: None,
                    unit: "score",
                    earlier: mean(&e_all),
                    later: mean(&l_all),
                    n_earlier: e_all.len(),
                    n_later: l_all.len(),
                    design: Design::Paired,
                    n_pairs: n,
                    difference,
                    ci_low: ci.map(|c| c.0),
                    ci_high: ci.map(|c| c.1),
                    test: "wilcoxon",
                    p_value,
                    p_t,
                    small_n: n < SMALL_N,
                    method: paired_method(
                        "deelnemers (die ervoor kozen gevolgd te worden)",
                        "members (who chose to be followed)",
                        n,
                    ),
                });
            } else {
                // The networks' averages of each wave, as two independent samples.
                let ea: Vec<f64> = e_means.iter().flatten().copied().collect();
                let la: Vec<f64> = l_means.iter().flatten().copied().collect();
                let w = compare::welch(&la, &ea, 0.95).ok();
                rows.push(ChangeRow {
                    kind: "scale",
                    key: sc.key.clone(),
                    label: label.clone(),
                    framework: None,
                    unit: "score",
                    earlier: mean(&ea),
                    later: mean(&la),
                    n_earlier: ea.len(),
                    n_later: la.len(),
                    design: Design::Aggregates,
                    n_pairs: 0,
                    difference: match (mean(&la), mean(&ea)) {
                        (Some(a), Some(b)) => Some(a - b),
                        _ => None,
                    },
                    ci_low: w.map(|w| w.ci_low),
                    ci_high: w.map(|w| w.ci_high),
                    test: "welch",
                    p_value: w.map(|w| w.p_value),
                    p_t: None,
                    small_n: ea.len().min(la.len()) < SMALL_N,
                    method: bi(
                        format!("Niet gepaard: deelnemers antwoorden anoniem en zijn niet te volgen, dus zijn de gemiddelden van de netwerken vergeleken ({} netwerken in de eerdere, {} in de latere meting); verschil met 95%-betrouwbaarheidsinterval en toets volgens Welch.", ea.len(), la.len()),
                        format!("Not paired: members answer anonymously and cannot be followed, so the networks' averages were compared ({} networks in the earlier, {} in the later wave); difference with 95% confidence interval and Welch's test.", ea.len(), la.len()),
                    ),
                });
            }
        }
        for (i, s) in slugs.iter().enumerate() {
            if e_net[i].is_empty() && l_net[i].is_empty() {
                continue;
            }
            let w = (!network_level && e_net[i].len() >= 2 && l_net[i].len() >= 2)
                .then(|| compare::welch(&l_net[i], &e_net[i], 0.95).ok())
                .flatten();
            per_network
                .entry((*s).clone())
                .or_default()
                .push(NetworkChangeRow {
                    kind: "scale",
                    key: sc.key.clone(),
                    label: label.clone(),
                    framework: None,
                    unit: "score",
                    earlier: e_means[i],
                    later: l_means[i],
                    n_earlier: e_net[i].len(),
                    n_later: l_net[i].len(),
                    difference: e_means[i].zip(l_means[i]).map(|(a, b)| b - a),
                    ci_low: w.map(|w| w.ci_low),
                    ci_high: w.map(|w| w.ci_high),
                });
        }
    }

    // Themes: the options of the network questionnaire's theme questions (the sections
    // that name a code family), chosen or not, per network.
    let theme_questions: BTreeSet<&str> = overview
        .sections
        .iter()
        .filter(|s| s.codes.is_some() && s.instrument == network_form)
        .flat_map(|s| s.questions.iter().map(String::as_str))
        .collect();
    let dataset = |f: &StudyFigures| f.datasets.as_ref().map(|d| d.network.clone());
    if let (Some(de), Some(dl)) = (dataset(earlier.figures), dataset(later.figures)) {
        for v in dl.variables.iter().filter(|v| {
            v.rule == "option"
                && v.key
                    .split_once('.')
                    .is_some_and(|(q, _)| theme_questions.contains(q))
        }) {
            let value = |d: &crate::Dataset, slug: &str| -> Option<bool> {
                let vi = d.index(&v.key)?;
                let ui = d.units.iter().position(|u| u == slug)?;
                d.values
                    .get(vi)?
                    .get(ui)
                    .copied()
                    .flatten()
                    .map(|x| x >= 0.5)
            };
            let e: Vec<Option<bool>> = slugs.iter().map(|s| value(&de, s)).collect();
            let l: Vec<Option<bool>> = slugs.iter().map(|s| value(&dl, s)).collect();
            let mut table = [[0u64; 2]; 2];
            for (a, b) in e.iter().zip(&l) {
                if let (Some(a), Some(b)) = (a, b) {
                    // Rows: the later wave (0 = chosen), columns: the earlier one.
                    table[usize::from(!*b)][usize::from(!*a)] += 1;
                }
            }
            let n: u64 = table.iter().flatten().sum();
            let share = |v: &[Option<bool>]| {
                let known: Vec<bool> = v.iter().flatten().copied().collect();
                (!known.is_empty())
                    .then(|| known.iter().filter(|x| **x).count() as f64 / known.len() as f64)
            };
            let diff = compare::paired_proportion_difference(table, 0.95).ok();
            // Discordant pairs: chosen later but not earlier (c), and the other way (b).
            let m = compare::mcnemar(table[0][1], table[1][0], true, false).ok();
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            rows.push(ChangeRow {
                kind: "theme",
                key: v.key.clone(),
                label: v.label.clone(),
                framework: None,
                unit: "share",
                earlier: share(&e),
                later: share(&l),
                n_earlier: e.iter().flatten().count(),
                n_later: l.iter().flatten().count(),
                design: Design::Paired,
                n_pairs: n,
                difference: diff.map(|d| d.0),
                ci_low: diff.map(|d| d.1),
                ci_high: diff.map(|d| d.2),
                test: "mcnemar_exact",
                p_value: m.map(|m| m.p_value),
                p_t: None,
                small_n: n < SMALL_N,
                method: bi(
                    format!("Gepaard: dezelfde netwerken in beide metingen (n = {n}); verschil in aandeel met 95%-betrouwbaarheidsinterval (Wald), getoetst met de exacte toets van McNemar op de netwerken die veranderden."),
                    format!("Paired: the same networks in both waves (n = {n}); difference in share with 95% confidence interval (Wald), tested with McNemar's exact test on the networks that changed."),
                ),
            });
            for (i, s) in slugs.iter().enumerate() {
                if e[i].is_some() || l[i].is_some() {
                    let f = |x: Option<bool>| x.map(|b| if b { 1.0 } else { 0.0 });
                    per_network
                        .entry((*s).clone())
                        .or_default()
                        .push(NetworkChangeRow {
                            kind: "theme",
                            key: v.key.clone(),
                            label: v.label.clone(),
                            framework: None,
                            unit: "share",
                            earlier: f(e[i]),
                            later: f(l[i]),
                            n_earlier: usize::from(e[i].is_some()),
                            n_later: usize::from(l[i].is_some()),
                            difference: f(e[i]).zip(f(l[i])).map(|(a, b)| b - a),
                            ci_low: None,
                            ci_high: None,
                        });
                }
            }
        }
    }

    let networks_out = networks
        .iter()
        .filter_map(|(slug, name)| {
            per_network.remove(slug).map(|rows| NetworkChange {
                slug: slug.clone(),
                name: name.clone(),
                rows,
            })
        })
        .collect();
    ChangeFigures {
        earlier: earlier_name.to_owned(),
        later: later_name.to_owned(),
        networks_earlier: ans_e.len(),
        networks_later: ans_l.len(),
        networks_both: both,
        rows,
        networks: networks_out,
        design_text: bi(
            format!("De meting {later_name} is vergeleken met de meting {earlier_name}. De netwerkvragenlijst is in beide metingen ingevuld door {both} netwerken: voor hen zijn de scores per element en indicator en de gekozen thema's gepaard vergeleken (hetzelfde netwerk in beide metingen). Deelnemers antwoorden meestal anoniem en zijn dan niet te volgen; waar dat zo is, zijn de gemiddelden van de netwerken vergeleken."),
            format!("The wave {later_name} was compared with the wave {earlier_name}. {both} networks answered the network questionnaire in both waves: for them the scores per element and indicator and the themes chosen were compared paired (the same network in both waves). Members mostly answer anonymously and then cannot be followed; where that is so, the networks' averages were compared."),
        ),
        caveat: bi(
            format!("Met {both} netwerken in beide metingen toont een toets alleen een groot verschil als zeker aan. Een p-waarde boven 0,05 betekent niet dat er niets veranderde, maar dat het verschil ook toeval kan zijn; het interval laat zien hoe groot het verschil redelijkerwijs is. Verschillen van één netwerk zijn beschrijvend, zonder toets."),
            format!("With {both} networks in both waves, a test shows only a large difference as certain. A p-value above 0.05 does not mean nothing changed, only that the difference could be chance; the interval shows how large the difference plausibly is. Differences of one network are descriptive, without a test."),
        ),
    }
}
