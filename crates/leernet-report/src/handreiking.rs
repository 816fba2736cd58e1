//! A network's handreiking: its profile against the benchmark and the handles that fit it,
//! each with the facts that triggered it, as sentences a facilitator can read aloud.
//!
//! Why it exists: the analysis gives facts as structured data (an answer and how many
//! networks gave it, a score and the quartiles); the words around them belong to the
//! catalogue, in both languages, so this module turns facts into sentences for the HTML and
//! DOCX handreikingen alike. It never receives another network's name: the handreiking is
//! built from one `Handreiking` and the anonymous benchmarks.

use leernet_analysis::{Benchmark, Fact, FrameworkProfiles, Handreiking, Position};
use leernet_core::Lang;
use serde::Serialize;
use std::collections::BTreeMap;

type Table = BTreeMap<String, String>;

/// A number as a reader wants it: scores 0–100 without decimals, small means with one.
pub fn human(x: f64, lang: Lang) -> String {
    let d = if x.abs() >= 10.0 || x.fract() == 0.0 {
        0
    } else {
        1
    };
    crate::format::num(x, d, lang.code())
}

fn opt(x: Option<f64>, lang: Lang) -> String {
    x.map(|v| human(v, lang)).unwrap_or_else(|| "–".into())
}

fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    let mut s = template.to_owned();
    for (k, v) in pairs {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

fn sentence_label(label: &str) -> String {
    let l = label.trim();
    if l.ends_with(['?', '.', ':', '!']) {
        l.to_owned()
    } else {
        format!("{l}:")
    }
}

/// One fact as a sentence.
pub fn fact_text(fact: &Fact, lang: Lang, t: &Table) -> String {
    match fact {
        Fact::Answer {
            label,
            yours,
            same,
            of,
            most,
            most_count,
            ..
        } => {
            let l = sentence_label(label.get(lang));
            let ys: Vec<&str> = yours.iter().map(|y| y.get(lang)).collect();
            if ys.is_empty() {
                return fill(&t["handreiking.answer_empty"], &[("label", l)]);
            }
            match same {
                Some(same) => {
                    let key = if *same == 1 {
                        "handreiking.answer_alone"
                    } else {
                        "handreiking.answer_one"
                    };
                    let mut s = fill(
                        &t[key],
                        &[
                            ("label", l),
                            ("yours", ys.join(", ")),
                            ("same", same.to_string()),
                            ("of", of.to_string()),
                            ("others", of.saturating_sub(1).to_string()),
                        ],
                    );
                    if let Some(m) = most.as_ref().filter(|m| m.get(lang) != ys[0]) {
                        s.push(' ');
                        s.push_str(&fill(
                            &t["handreiking.answer_most"],
                            &[
                                ("most", m.get(lang).to_owned()),
                                ("most_count", most_count.to_string()),
                                ("of", of.to_string()),
                            ],
                        ));
                    }
                    s
                }
                None => fill(
                    &t["handreiking.answer_many"],
                    &[("label", l), ("yours", ys.join(", "))],
                ),
            }
        }
        Fact::Choice {
            choice,
            yours,
            count,
            of,
            ..
        } => fill(
            &t[if *yours {
                "handreiking.choice_yes"
            } else {
                "handreiking.choice_no"
            }],
            &[
                ("choice", choice.get(lang).to_owned()),
                ("count", count.to_string()),
                ("of", of.to_string()),
            ],
        ),
        Fact::Score {
            label,
            yours,
            benchmark,
            ..
        } => {
            let key = if yours.is_some() {
                "handreiking.score"
            } else {
                "handreiking.score_missing"
            };
            fill(
                &t[key],
                &[
                    ("label", sentence_label(label.get(lang))),
                    ("yours", opt(*yours, lang)),
                    ("n", benchmark.n.to_string()),
                    ("median", opt(benchmark.median, lang)),
                    ("q1", opt(benchmark.q1, lang)),
                    ("q3", opt(benchmark.q3, lang)),
                ],
            )
        }
    }
}

/// A position in words.
pub fn position_text(p: Position, t: &Table) -> String {
    t[match p {
        Position::Below => "profile.below",
        Position::Middle => "profile.middle",
        Position::Above => "profile.above",
        Position::Unknown => "profile.unknown",
    }]
    .clone()
}

/// A row of the element table.
#[derive(Debug, Clone, Serialize)]
pub struct ElementLine {
    pub name: String,
    pub score: String,
    pub median: String,
    pub middle: String,
    pub n: usize,
    pub position: String,
}

/// One handle as the reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub key: String,
    pub title: String,
    pub text: String,
    pub element: String,
    pub priority: u32,
    pub facts: Vec<String>,
    pub type_note: Option<String>,
    /// The QCA configuration the handle cites, in words with its fit.
    pub configuration: Option<String>,
    pub source: String,
}

/// A priority group of handles.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub title: String,
    pub items: Vec<ItemView>,
}

/// Everything a handreiking shows, as text.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub title: String,
    pub intro: String,
    pub network_type: Option<String>,
    /// The network's profile against each framework, the study's elements first.
    pub profiles: Vec<ProfileView>,
    pub groups: Vec<Group>,
}

/// The network's profile against one framework.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    pub framework: String,
    pub elements: Vec<ElementLine>,
    pub chart: String,
}

fn middle(b: &Benchmark, lang: Lang) -> String {
    format!("{}–{}", opt(b.q1, lang), opt(b.q3, lang))
}

fn profile_view(slug: &str, f: &FrameworkProfiles, lang: Lang, t: &Table) -> Option<ProfileView> {
    let p = f.network(slug)?;
    let mut elements = Vec::new();
    let mut rows = Vec::new();
    for (e, sum) in p.elements.iter().zip(&f.elements) {
        elements.push(ElementLine {
            name: e.name.get(lang).to_owned(),
            score: opt(e.score, lang),
            median: opt(sum.benchmark.median, lang),
            middle: middle(&sum.benchmark, lang),
            n: sum.benchmark.n,
            position: position_text(e.position, t),
        });
        rows.push(crate::chart::ProfileRow {
            label: e.name.get(lang),
            score: e.score,
            benchmark: &sum.benchmark,
        });
    }
    Some(ProfileView {
        framework: f.name.get(lang).to_owned(),
        elements,
        chart: crate::chart::profile_chart(
            &rows,
            &format!("{}: {}", f.name.get(lang), t["profile.chart_title_network"]),
        ),
    })
}

/// Builds the view of one handreiking against every framework's profiles.
pub fn view(h: &Handreiking, frameworks: &[FrameworkProfiles], lang: Lang, t: &Table) -> View {
    let profiles = frameworks
        .iter()
        .filter_map(|f| profile_view(&h.slug, f, lang, t))
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    for it in &h.items {
        let title = match it.priority {
            1 => t["handreiking.priority_1"].clone(),
            2 => t["handreiking.priority_2"].clone(),
            _ => t["handreiking.priority_3"].clone(),
        };
        let view = ItemView {
            key: it.key.clone(),
            title: it.title.get(lang).to_owned(),
            text: it.text.get(lang).to_owned(),
            element: it.element_name.get(lang).to_owned(),
            priority: it.priority,
            facts: it.facts.iter().map(|f| fact_text(f, lang, t)).collect(),
            type_note: it.type_note.as_ref().map(|n| {
                fill(
                    &t["handreiking.type_note"],
                    &[
                        ("type", n.network_type.name.get(lang).to_owned()),
                        ("networks", n.networks.to_string()),
                        ("same", n.same_handle.to_string()),
                        ("median", opt(n.element.median, lang)),
                    ],
                )
            }),
            configuration: it.configuration.as_ref().map(|c| c.get(lang).to_owned()),
            source: it.source.get(lang).to_owned(),
        };
        match groups.last_mut() {
            Some(g) if g.title == title => g.items.push(view),
            _ => groups.push(Group {
                title,
                items: vec![view],
            }),
        }
    }
    View {
        title: fill(&t["handreiking.for_network"], &[("name", h.name.clone())]),
        intro: fill(
            &t["handreiking.intro"],
            &[("members", h.members.to_string())],
        ),
        network_type: h.network_type.as_ref().map(|x| x.name.get(lang).to_owned()),
        profiles,
        groups,
    }
}
