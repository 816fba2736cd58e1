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

type Catalogue = BTreeMap<String, String>;

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

use crate::doc::{t, Block, Document, Figure, Inline, Kind, Section, Table};
use crate::words::{fill, Words};
use crate::ReportError;

fn sentence_label(label: &str) -> String {
    let l = label.trim();
    if l.ends_with(['?', '.', ':', '!']) {
        l.to_owned()
    } else {
        format!("{l}:")
    }
}

/// One fact as a sentence.
pub fn fact_text(fact: &Fact, w: &Words<'_>) -> Result<String, ReportError> {
    let lang = w.lang;
    Ok(match fact {
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
                return Ok(fill(w.get("handreiking.answer_empty")?, &[("label", l)]));
            }
            match same {
                Some(same) => {
                    let key = if *same == 1 {
                        "handreiking.answer_alone"
                    } else {
                        "handreiking.answer_one"
                    };
                    let mut s = fill(
                        w.get(key)?,
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
                            w.get("handreiking.answer_most")?,
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
                    w.get("handreiking.answer_many")?,
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
            w.get(if *yours {
                "handreiking.choice_yes"
            } else {
                "handreiking.choice_no"
            })?,
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
                w.get(key)?,
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
    })
}

/// A position in words (the web app's profile page); empty if the catalogue lacks it.
pub fn position_text(p: Position, t: &Catalogue) -> String {
    t.get(position_key(p)).cloned().unwrap_or_default()
}

fn position_key(p: Position) -> &'static str {
    match p {
        Position::Below => "profile.below",
        Position::Middle => "profile.middle",
        Position::Above => "profile.above",
        Position::Unknown => "profile.unknown",
    }
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
    /// Why it applies to this network, in words made from its condition.
    pub reason: String,
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
    /// The wave(s) its figures rest on, with its n ("Meting: 2026 (…)"); empty when the
    /// caller did not say.
    pub basis: String,
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

fn profile_view(
    slug: &str,
    f: &FrameworkProfiles,
    w: &Words<'_>,
) -> Result<Option<ProfileView>, ReportError> {
    let lang = w.lang;
    let Some(p) = f.network(slug) else {
        return Ok(None);
    };
    let mut elements = Vec::new();
    let mut rows = Vec::new();
    for (e, sum) in p.elements.iter().zip(&f.elements) {
        elements.push(ElementLine {
            name: e.name.get(lang).to_owned(),
            score: opt(e.score, lang),
            median: opt(sum.benchmark.median, lang),
            middle: middle(&sum.benchmark, lang),
            n: sum.benchmark.n,
            position: w.s(position_key(e.position))?,
        });
        rows.push(crate::chart::ProfileRow {
            label: e.name.get(lang),
            score: e.score,
            benchmark: &sum.benchmark,
        });
    }
    Ok(Some(ProfileView {
        framework: f.name.get(lang).to_owned(),
        elements,
        chart: crate::chart::profile_chart(
            &rows,
            &format!(
                "{}: {}",
                f.name.get(lang),
                w.get("profile.chart_title_network")?
            ),
        ),
    }))
}

/// Builds the view of one handreiking against every framework's profiles.
pub fn view(
    h: &Handreiking,
    frameworks: &[FrameworkProfiles],
    lang: Lang,
    t: &Catalogue,
) -> Result<View, ReportError> {
    let w = Words::new(t, lang);
    let w = &w;
    let mut profiles = Vec::new();
    for f in frameworks {
        profiles.extend(profile_view(&h.slug, f, w)?);
    }
    let mut groups: Vec<Group> = Vec::new();
    for it in &h.items {
        let title = w.s(match it.priority {
            1 => "handreiking.priority_1",
            2 => "handreiking.priority_2",
            _ => "handreiking.priority_3",
        })?;
        let view = ItemView {
            key: it.key.clone(),
            title: it.title.get(lang).to_owned(),
            text: it.text.get(lang).to_owned(),
            element: it.element_name.get(lang).to_owned(),
            priority: it.priority,
            reason: String::new(),
            facts: it
                .facts
                .iter()
                .map(|f| fact_text(f, w))
                .collect::<Result<_, _>>()?,
            type_note: match &it.type_note {
                Some(n) => Some(w.fill(
                    "handreiking.type_note",
                    &[
                        ("type", n.network_type.name.get(lang).to_owned()),
                        ("networks", n.networks.to_string()),
                        ("same", n.same_handle.to_string()),
                        ("median", opt(n.element.median, lang)),
                    ],
                )?),
                None => None,
            },
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
    Ok(View {
        title: w.fill("handreiking.for_network", &[("name", h.name.clone())])?,
        intro: w.fill("handreiking.intro", &[("members", h.members.to_string())])?,
        basis: String::new(),
        network_type: h.network_type.as_ref().map(|x| x.name.get(lang).to_owned()),
        profiles,
        groups,
    })
}

/// How a handreiking is laid out (`content/handreiking.toml`): how many handles it leads
/// with and the rule that ranks them.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    pub lead: usize,
    pub rank: Vec<RankKey>,
}

/// One key of the ranking rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankKey {
    Priority,
    ElementScore,
    Specific,
    File,
}

impl Layout {
    /// Parses a layout file.
    pub fn parse(text: &str) -> Result<Layout, String> {
        let l: Layout = toml::from_str(text).map_err(|e| crate::summary::toml_message(text, &e))?;
        if l.lead == 0 || l.lead > 20 {
            return Err(format!("lead = {}: between 1 and 20", l.lead));
        }
        Ok(l)
    }

    /// The layout shipped with leernet.
    pub fn builtin() -> Result<Layout, ReportError> {
        Layout::parse(include_str!("../../../content/handreiking.toml"))
            .map_err(|e| ReportError::Content(format!("content/handreiking.toml: {e}")))
    }
}

/// What the ranking knows of one handle beside its view: the network's score on its
/// element and how many networks get it.
#[derive(Debug, Clone, Copy)]
pub struct RankFacts {
    pub element_score: Option<f64>,
    pub networks: usize,
}

/// The handles of `v` in the order of `layout`'s rule (stable: the file's order breaks
/// every tie), split into the lead and the rest.
pub fn rank(
    v: &View,
    facts: &dyn Fn(&ItemView) -> RankFacts,
    layout: &Layout,
) -> (Vec<ItemView>, Vec<ItemView>) {
    let mut items: Vec<(usize, &ItemView, RankFacts)> = v
        .groups
        .iter()
        .flat_map(|g| g.items.iter())
        .enumerate()
        .map(|(i, it)| (i, it, facts(it)))
        .collect();
    items.sort_by(|a, b| {
        for k in &layout.rank {
            let o = match k {
                RankKey::Priority => a.1.priority.cmp(&b.1.priority),
                RankKey::ElementScore => {
                    let s = |x: &RankFacts| x.element_score.unwrap_or(f64::INFINITY);
                    s(&a.2).total_cmp(&s(&b.2))
                }
                RankKey::Specific => a.2.networks.cmp(&b.2.networks),
                RankKey::File => a.0.cmp(&b.0),
            };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        a.0.cmp(&b.0)
    });
    let mut all: Vec<ItemView> = items.into_iter().map(|(_, it, _)| it.clone()).collect();
    let rest = all.split_off(layout.lead.min(all.len()));
    (all, rest)
}

fn card(it: &ItemView, w: &Words<'_>) -> Result<Section, ReportError> {
    let mut s = Section::new(it.key.clone(), it.title.clone()).quiet();
    s.card = true;
    s.note(format!("{}: {}", w.get("handreiking.element")?, it.element));
    s.para(it.text.clone());
    s.push(Block::Lead(t(w.get("handreiking.why")?)));
    let mut facts: Vec<_> = Vec::new();
    if !it.reason.is_empty() {
        facts.push(t(it.reason.clone()));
    }
    s.note(w.s(match it.priority {
        1 => "handreiking.priority_1",
        2 => "handreiking.priority_2",
        _ => "handreiking.priority_3",
    })?);
    facts.extend(it.facts.iter().map(|f| t(f.clone())));
    if let Some(n) = &it.type_note {
        facts.push(t(n.clone()));
    }
    s.push(Block::Bullets(facts));
    if let Some(c) = &it.configuration {
        s.para(format!("{}: {c}", w.get("handreiking.configuration")?));
    }
    s.note(format!("{}: {}", w.get("handreiking.source")?, it.source));
    Ok(s)
}

/// One handreiking as a document: the profile, the `lead` handles, the rest in an appendix
/// grouped by priority.
pub fn document(
    v: &View,
    (lead, rest): (Vec<ItemView>, Vec<ItemView>),
    study_title: &str,
    fictional: bool,
    w: &Words<'_>,
) -> Result<Document, ReportError> {
    let mut front = Vec::new();
    if fictional {
        front.push(Block::Banner(t(w.get("app.fictional")?)));
    }
    if let Some(ty) = &v.network_type {
        front.push(Block::Para(vec![
            Inline::Text(format!("{}: ", w.get("handreiking.type")?)),
            Inline::Strong(ty.clone()),
        ]));
    }
    front.push(Block::Para(t(v.intro.clone())));
    if !v.basis.is_empty() {
        front.push(Block::Para(t(format!("{}.", v.basis))));
    }
    let mut profile = Section::new("profile", w.get("handreiking.profile")?);
    for (i, p) in v.profiles.iter().enumerate() {
        let mut s = Section::new(format!("profile-{}", i + 1), p.framework.clone());
        s.push(Block::Figure(Figure {
            svg: p.chart.clone(),
            alt: w.s("profile.chart_title_network")?,
            caption: t(w.get("profile.chart_title_network")?),
            data: Some(
                Table::plain(
                    format!("{}: {}", w.get("handreiking.profile")?, p.framework),
                    vec![
                        w.s("profile.element")?,
                        w.s("profile.your_score")?,
                        format!(
                            "{} ({})",
                            w.get("profile.median")?,
                            w.get("profile.middle_half_short")?
                        ),
                        w.s("profile.position_short")?,
                    ],
                    p.elements
                        .iter()
                        .map(|e| {
                            vec![
                                e.name.clone(),
                                e.score.clone(),
                                format!("{} ({})", e.median, e.middle),
                                e.position.clone(),
                            ]
                        })
                        .collect(),
                )
                .numeric(vec![false, true, true, false]),
            ),
        }));
        profile.sub(s);
    }
    profile.note(w.s("handreiking.anonymous")?);
    let mut handles = Section::new("handles", w.get("handreiking.handles")?);
    if lead.is_empty() {
        handles.para(w.s("handreiking.none")?);
    }
    for it in &lead {
        handles.sub(card(it, w)?);
    }
    let mut sections = vec![profile, handles];
    if !rest.is_empty() {
        let mut more = Section::new("more", w.get("reason.more")?);
        more.para(w.fill("reason.more_intro", &[("lead", lead.len().to_string())])?);
        let mut groups: Vec<Section> = Vec::new();
        for it in &rest {
            let title = w.s(match it.priority {
                1 => "handreiking.priority_1",
                2 => "handreiking.priority_2",
                _ => "handreiking.priority_3",
            })?;
            match groups.iter_mut().find(|g| g.title == title) {
                Some(g) => g.sub(card(it, w)?),
                None => {
                    let mut g = Section::new(format!("more-{}", it.priority), title);
                    g.sub(card(it, w)?);
                    groups.push(g);
                }
            }
        }
        groups.sort_by(|a, b| a.id.cmp(&b.id));
        for g in groups {
            more.sub(g);
        }
        sections.push(more);
    }
    Ok(Document {
        kind: Kind::Handreiking,
        lang: w.lang,
        doc_title: v.title.clone(),
        kicker: format!("{} — {study_title}", w.get("handreiking.title")?),
        title: v.title.clone(),
        front,
        toc: None,
        sections,
        footer: w.s("app.footer")?,
    })
}
