//! Network profiles against a framework, and anonymous benchmarking.
//!
//! Why it exists: a learning network wants to know where it stands on each essential element
//! and how that compares with the other networks — without learning who the others are. A
//! profile gives every element a score from 0 to 100 with the indicators behind it and
//! their n; the benchmark is the distribution over all networks (median and quartiles, never
//! a name). The same profile, flattened into variables, is the scope in which handle
//! conditions are evaluated (see `handles.rs`).
//!
//! Quantiles are numpy's default (linear interpolation), from `leernet-stats`.

use crate::framework::FrameworkDef;
use crate::NetworkRow;
use leernet_core::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// A network's type from the typology, when one was computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeRef {
    pub key: String,
    pub name: Bilingual,
}

/// The distribution of a score over networks: no names, only numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Benchmark {
    /// Networks with a score.
    pub n: usize,
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Benchmark {
    /// The benchmark of some scores (missing ones left out).
    pub fn of(scores: &[Option<f64>]) -> Benchmark {
        let n = scores.iter().flatten().count();
        match leernet_stats::descriptives::quantiles(scores, &[0.0, 0.25, 0.5, 0.75, 1.0]) {
            Ok(q) if n > 0 => Benchmark {
                n,
                min: Some(q[0]),
                q1: Some(q[1]),
                median: Some(q[2]),
                q3: Some(q[3]),
                max: Some(q[4]),
            },
            _ => Benchmark::default(),
        }
    }

    /// Where a score lies: below the first quartile, between the quartiles, or above the
    /// third.
    pub fn position(&self, score: Option<f64>) -> Position {
        match (score, self.q1, self.q3) {
            (Some(s), Some(q1), _) if s < q1 => Position::Below,
            (Some(s), _, Some(q3)) if s > q3 => Position::Above,
            (Some(_), Some(_), Some(_)) => Position::Middle,
            _ => Position::Unknown,
        }
    }
}

/// A score's place in the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Below,
    Middle,
    Above,
    Unknown,
}

/// One indicator of one network.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorScore {
    pub key: String,
    pub label: Bilingual,
    pub instrument: String,
    pub question: String,
    /// 0–100, or `None` when nobody answered.
    pub score: Option<f64>,
    /// Responses behind the score (1 for the network questionnaire, members otherwise).
    pub n: usize,
}

/// One element of one network.
#[derive(Debug, Clone, Serialize)]
pub struct ElementScore {
    pub key: String,
    pub name: Bilingual,
    /// Mean of the indicators with a value, 0–100.
    pub score: Option<f64>,
    pub position: Position,
    pub indicators: Vec<IndicatorScore>,
    /// The element's distribution among networks of the same type (when typed).
    pub type_benchmark: Option<Benchmark>,
}

/// A network's profile against one framework.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkProfile {
    pub slug: String,
    pub name: String,
    pub workplace_slug: String,
    pub network_type: Option<TypeRef>,
    pub elements: Vec<ElementScore>,
}

/// An element over all networks.
#[derive(Debug, Clone, Serialize)]
pub struct ElementSummary {
    pub key: String,
    pub name: Bilingual,
    pub description: Bilingual,
    pub codes: Vec<String>,
    pub benchmark: Benchmark,
    /// Each indicator's distribution over networks: key, label, source and benchmark.
    pub indicators: Vec<IndicatorSummary>,
    /// Anonymised fragments both coders coded with a code of the element's families.
    pub quotes: Vec<crate::quotes::Quote>,
}

/// An indicator over all networks.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorSummary {
    pub key: String,
    pub label: Bilingual,
    pub instrument: String,
    pub question: String,
    pub benchmark: Benchmark,
}

/// Every network's profile against one framework, and the benchmarks.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkProfiles {
    pub key: String,
    pub prefix: String,
    pub name: Bilingual,
    pub description: Bilingual,
    pub source: Bilingual,
    pub elements: Vec<ElementSummary>,
    pub networks: Vec<NetworkProfile>,
}

impl FrameworkProfiles {
    /// The profile of one network.
    pub fn network(&self, slug: &str) -> Option<&NetworkProfile> {
        self.networks.iter().find(|n| n.slug == slug)
    }
}

/// The submitted responses of one network, per instrument form id.
pub(crate) type NetworkResponses<'a> = BTreeMap<&'a str, Vec<&'a Response>>;

/// Computes the profiles of every network (in the order of `rows`).
pub(crate) fn profiles(
    fw: &FrameworkDef,
    rows: &[NetworkRow],
    responses: &BTreeMap<String, NetworkResponses<'_>>,
    network_form: &str,
    types: &BTreeMap<String, TypeRef>,
) -> FrameworkProfiles {
    let mut networks = Vec::new();
    for row in rows {
        let own = responses.get(&row.slug);
        let mut elements = Vec::new();
        for e in &fw.elements {
            let mut indicators = Vec::new();
            for i in &e.indicators {
                let rs: &[&Response] = own
                    .and_then(|o| o.get(i.instrument.as_str()))
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                // The network questionnaire: the latest submitted one counts.
                let rs = if i.instrument == network_form && rs.len() > 1 {
                    &rs[rs.len() - 1..]
                } else {
                    rs
                };
                let scores: Vec<f64> = rs
                    .iter()
                    .filter_map(|r| {
                        i.scoring
                            .score(r.answers.get(&i.question).map(String::as_str))
                    })
                    .collect();
                indicators.push(IndicatorScore {
                    key: i.key.clone(),
                    label: i.label.clone(),
                    instrument: i.instrument.clone(),
                    question: i.question.clone(),
                    score: mean(&scores),
                    n: scores.len(),
                });
            }
            let vals: Vec<f64> = indicators.iter().filter_map(|i| i.score).collect();
            elements.push(ElementScore {
                key: e.key.clone(),
                name: e.name.clone(),
                score: mean(&vals),
                position: Position::Unknown,
                indicators,
                type_benchmark: None,
            });
        }
        networks.push(NetworkProfile {
            slug: row.slug.clone(),
            name: row.name.clone(),
            workplace_slug: row.workplace_slug.clone(),
            network_type: types.get(&row.slug).cloned(),
            elements,
        });
    }

    let mut summaries = Vec::new();
    for (ei, e) in fw.elements.iter().enumerate() {
        let scores: Vec<Option<f64>> = networks.iter().map(|n| n.elements[ei].score).collect();
        let benchmark = Benchmark::of(&scores);
        let indicators = e
            .indicators
            .iter()
            .enumerate()
            .map(|(ii, i)| IndicatorSummary {
                key: i.key.clone(),
                label: i.label.clone(),
                instrument: i.instrument.clone(),
                question: i.question.clone(),
                benchmark: Benchmark::of(
                    &networks
                        .iter()
                        .map(|n| n.elements[ei].indicators[ii].score)
                        .collect::<Vec<_>>(),
                ),
            })
            .collect();
        // Positions and the benchmark of the network's own type.
        let by_type: Vec<(Option<String>, Option<f64>)> = networks
            .iter()
            .map(|n| {
                (
                    n.network_type.as_ref().map(|t| t.key.clone()),
                    n.elements[ei].score,
                )
            })
            .collect();
        // Each type's benchmark once, not once per network of it (O(networks²) per
        // element at a national study's 2,000 networks).
        let mut of_type: BTreeMap<&str, Benchmark> = BTreeMap::new();
        for t in networks.iter().filter_map(|n| n.network_type.as_ref()) {
            of_type.entry(t.key.as_str()).or_insert_with(|| {
                let same: Vec<Option<f64>> = by_type
                    .iter()
                    .filter(|(k, _)| k.as_deref() == Some(t.key.as_str()))
                    .map(|(_, s)| *s)
                    .collect();
                Benchmark::of(&same)
            });
        }
        let of_type: BTreeMap<String, Benchmark> = of_type
            .into_iter()
            .map(|(k, b)| (k.to_owned(), b))
            .collect();
        for n in networks.iter_mut() {
            let el = &mut n.elements[ei];
            el.position = benchmark.position(el.score);
            if let Some(t) = &n.network_type {
                el.type_benchmark = of_type.get(&t.key).cloned();
            }
        }
        summaries.push(ElementSummary {
            key: e.key.clone(),
            name: e.name.clone(),
            description: e.description.clone(),
            codes: e.codes.clone(),
            benchmark,
            indicators,
            quotes: Vec::new(),
        });
    }
    FrameworkProfiles {
        key: fw.key.clone(),
        prefix: fw.prefix.clone(),
        name: fw.name.clone(),
        description: fw.description.clone(),
        source: fw.source.clone(),
        elements: summaries,
        networks,
    }
}

fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        Some(xs.iter().sum::<f64>() / xs.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benchmark_uses_numpy_quartiles_and_positions() {
        let b = Benchmark::of(&[Some(10.0), Some(20.0), None, Some(30.0), Some(40.0)]);
        assert_eq!(b.n, 4);
        assert_eq!(b.median, Some(25.0));
        assert_eq!(b.q1, Some(17.5));
        assert_eq!(b.q3, Some(32.5));
        assert_eq!(b.position(Some(10.0)), Position::Below);
        assert_eq!(b.position(Some(25.0)), Position::Middle);
        assert_eq!(b.position(Some(40.0)), Position::Above);
        assert_eq!(b.position(None), Position::Unknown);
        assert_eq!(Benchmark::of(&[None]).n, 0);
    }
}
