//! Practical handles (*handvatten*) as data, and each network's handreiking.
//!
//! Why it exists: the study was done to give networks practical handles. Which handle fits a
//! network depends on how it works, so each handle in `content/handles.toml` carries a
//! condition in the XLSForm expression language — the one rule language of leernet — over
//! the network's answers and profile. A network's handreiking is the handles whose
//! conditions hold, by priority, each with the facts that triggered it (its own answer and
//! how many of the other networks do the same; its score against the median and quartiles),
//! never naming another network.
//!
//! Every condition is parsed when the file loads, and every `${name}` in it is checked
//! against the variables a profile offers, so a typo is one clear message naming the file,
//! the handle and the field — not a handle that silently never fires.

use crate::framework::{bilingual, content_err, parse_toml, FrameworkDef};
use crate::profiles::{Benchmark, FrameworkProfiles, TypeRef};
use crate::AnalysisError;
use leernet_core::Bilingual;
use leernet_xlsform::expr::{self, Expr};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One handle, loaded and checked.
#[derive(Debug, Clone)]
pub struct HandleDef {
    pub key: String,
    /// The framework of its element (the first shipped framework unless it names another).
    pub framework: String,
    pub element: String,
    /// 1 = start here; higher numbers later.
    pub priority: u32,
    pub condition: String,
    pub expr: Expr,
    pub title: Bilingual,
    pub text: Bilingual,
    /// The finding or practice it rests on.
    pub source: Bilingual,
    /// A configuration of the study's QCA it cites as evidence.
    pub configuration: Option<QcaCitation>,
}

/// A QCA configuration a handle cites: an outcome of `content/qca.toml` and a combination of
/// its conditions, present or absent (`configuration = "CLIMATE: AGENDA*NEUTRAL"`, `~` for
/// absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QcaCitation {
    /// The outcome's key (`<KEY>_NOT` for its negation).
    pub outcome: String,
    /// (condition key, present).
    pub literals: Vec<(String, bool)>,
}

impl QcaCitation {
    /// Parses `OUTCOME: A*~B`.
    pub fn parse(text: &str) -> Result<QcaCitation, String> {
        let bad = || {
            format!(
                "{text:?} is not OUTCOME: CONDITION*~CONDITION (an outcome key, a colon, condition keys joined by *, ~ for absent)"
            )
        };
        let (outcome, term) = text.split_once(':').ok_or_else(bad)?;
        let key_ok = |k: &str| {
            k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let outcome = outcome.trim();
        if !key_ok(outcome) {
            return Err(bad());
        }
        let mut literals: Vec<(String, bool)> = Vec::new();
        for lit in term.split('*') {
            let lit = lit.trim();
            let (key, present) = match lit.strip_prefix('~') {
                Some(k) => (k.trim(), false),
                None => (lit, true),
            };
            if !key_ok(key) || literals.iter().any(|(k, _)| k == key) {
                return Err(bad());
            }
            literals.push((key.to_owned(), present));
        }
        Ok(QcaCitation {
            outcome: outcome.to_owned(),
            literals,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(rename = "handle", default)]
    handles: Vec<RawHandle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHandle {
    key: String,
    framework: Option<String>,
    element: String,
    priority: u32,
    condition: String,
    title_nl: Option<String>,
    title_en: Option<String>,
    text_nl: Option<String>,
    text_en: Option<String>,
    source_nl: Option<String>,
    source_en: Option<String>,
    configuration: Option<String>,
}

/// The handles of a file.
#[derive(Debug, Clone)]
pub struct HandleSet {
    pub file: String,
    pub handles: Vec<HandleDef>,
}

impl HandleSet {
    /// Parses a handles file: structure, translations, the element each handle serves, and
    /// the syntax of every condition. `frameworks[0]` is the default framework.
    pub fn parse(
        text: &str,
        file: &str,
        frameworks: &[FrameworkDef],
    ) -> Result<HandleSet, AnalysisError> {
        let raw: RawFile = parse_toml(text, file)?;
        let mut handles = Vec::new();
        let mut seen = BTreeSet::new();
        for h in raw.handles {
            let entry = format!("handle {:?}", h.key);
            if h.key.trim().is_empty() {
                return Err(content_err(file, &entry, "key", "a handle needs a key"));
            }
            if !seen.insert(h.key.clone()) {
                return Err(content_err(file, &entry, "key", "this key is used twice"));
            }
            let fw = match &h.framework {
                None => frameworks.first(),
                Some(k) => frameworks.iter().find(|f| &f.key == k),
            }
            .ok_or_else(|| {
                content_err(
                    file,
                    &entry,
                    "framework",
                    &format!(
                        "there is no framework {:?}",
                        h.framework.as_deref().unwrap_or("")
                    ),
                )
            })?;
            if fw.element(&h.element).is_none() {
                let known: Vec<&str> = fw.elements.iter().map(|e| e.key.as_str()).collect();
                return Err(content_err(
                    file,
                    &entry,
                    "element",
                    &format!(
                        "framework {:?} has no element {:?} (it has {})",
                        fw.key,
                        h.element,
                        known.join(", ")
                    ),
                ));
            }
            if h.priority == 0 {
                return Err(content_err(
                    file,
                    &entry,
                    "priority",
                    "priorities start at 1 (start here)",
                ));
            }
            let expr = expr::parse(&h.condition).map_err(|e| {
                content_err(
                    file,
                    &entry,
                    "condition",
                    &format!(
                        "the expression does not parse at character {}: {}",
                        e.column(&h.condition),
                        e.message
                    ),
                )
            })?;
            let title = bilingual(file, &entry, "title", h.title_nl, h.title_en)?;
            let body = bilingual(file, &entry, "text", h.text_nl, h.text_en)?;
            let source = bilingual(file, &entry, "source", h.source_nl, h.source_en)?;
            let configuration = h
                .configuration
                .as_deref()
                .map(QcaCitation::parse)
                .transpose()
                .map_err(|m| content_err(file, &entry, "configuration", &m))?;
            handles.push(HandleDef {
                configuration,
                key: h.key,
                framework: fw.key.clone(),
                element: h.element,
                priority: h.priority,
                condition: h.condition,
                expr,
                title,
                text: body,
                source,
            });
        }
        if handles.is_empty() {
            return Err(content_err(
                file,
                "",
                "handle",
                "the file holds no [[handle]]",
            ));
        }
        Ok(HandleSet {
            file: file.to_owned(),
            handles,
        })
    }

    /// Checks that every `${name}` in every condition is a variable the profile offers.
    /// Names starting with `absent_prefix` pass too: they belong to an instrument the project
    /// does not hold (yet), and evaluate as empty, so their handles simply do not fire.
    pub fn check_references(
        &self,
        known: &BTreeSet<String>,
        absent_prefix: Option<&str>,
    ) -> Result<(), AnalysisError> {
        for h in &self.handles {
            for (name, _) in h.expr.references() {
                let absent = absent_prefix.is_some_and(|p| name.starts_with(p));
                if !known.contains(name) && !absent {
                    return Err(content_err(
                        &self.file,
                        &format!("handle {:?}", h.key),
                        "condition",
                        &format!(
                            "${{{name}}} is neither a question of the network questionnaire nor a profile variable (<prefix>_<element>, <prefix>_<element>_<indicator>, scale_<key>, members, members_<question>, type)"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks that every cited configuration names an outcome of the QCA specification and
    /// only conditions that outcome is analysed with.
    pub fn check_citations(&self, spec: &crate::qca::QcaSpec) -> Result<(), AnalysisError> {
        for h in &self.handles {
            let Some(c) = &h.configuration else { continue };
            let err = |m: String| {
                content_err(
                    &self.file,
                    &format!("handle {:?}", h.key),
                    "configuration",
                    &m,
                )
            };
            let base = c.outcome.strip_suffix("_NOT").unwrap_or(&c.outcome);
            let o = spec
                .outcome(base)
                .filter(|o| base == c.outcome || o.negation.is_some())
                .ok_or_else(|| {
                    err(format!(
                        "{:?} is not an outcome of {} (a negation needs neg_name_* and neg_result_* there)",
                        c.outcome, spec.file
                    ))
                })?;
            for (k, _) in &c.literals {
                if !o.conditions.contains(k) {
                    return Err(err(format!(
                        "{k:?} is not a condition of the outcome {:?} in {}",
                        o.key, spec.file
                    )));
                }
            }
        }
        Ok(())
    }

    /// The handles shipped with leernet (`content/handles.toml`).
    pub fn builtin(frameworks: &[FrameworkDef]) -> HandleSet {
        HandleSet::parse(
            include_str!("../../../content/handles.toml"),
            "content/handles.toml",
            frameworks,
        )
        .expect("the shipped handles parse (tested)")
    }
}

// ---- what the report shows -----------------------------------------------------------------

/// A fact that made a handle fire, about this network and the study as a whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fact {
    /// The network's answer to a question of the network questionnaire.
    Answer {
        question: String,
        label: Bilingual,
        yours: Vec<Bilingual>,
        /// Networks that gave the same answer (select_one only), of `of` that answered.
        same: Option<usize>,
        of: usize,
        /// The most common answer and how many networks gave it (select_one only).
        most: Option<Bilingual>,
        most_count: usize,
    },
    /// Whether the network chose one choice of a select_multiple, and how many networks did.
    Choice {
        question: String,
        label: Bilingual,
        choice: Bilingual,
        yours: bool,
        count: usize,
        of: usize,
    },
    /// A profile score against the distribution over all networks.
    Score {
        variable: String,
        label: Bilingual,
        yours: Option<f64>,
        benchmark: Benchmark,
    },
}

/// One handle in a network's handreiking.
#[derive(Debug, Clone, Serialize)]
pub struct HandreikingItem {
    pub key: String,
    pub framework: String,
    pub element: String,
    pub element_name: Bilingual,
    pub priority: u32,
    pub title: Bilingual,
    pub text: Bilingual,
    pub source: Bilingual,
    pub condition: String,
    pub facts: Vec<Fact>,
    /// What networks of this network's type do (when the typology typed it).
    pub type_note: Option<TypeNote>,
    /// The QCA configuration the handle cites, in words with its fit (see
    /// [`crate::qca::cite`]); `None` when it cites none.
    pub configuration: Option<Bilingual>,
}

/// The handle's element among networks of the same type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeNote {
    pub network_type: TypeRef,
    /// Networks of the type, this one included.
    pub networks: usize,
    /// Of those, how many get this handle too.
    pub same_handle: usize,
    /// The element's distribution within the type.
    pub element: Benchmark,
}

/// One network's handreiking.
#[derive(Debug, Clone, Serialize)]
pub struct Handreiking {
    pub slug: String,
    pub name: String,
    pub workplace_name: String,
    pub network_type: Option<TypeRef>,
    /// Member questionnaires behind the member indicators.
    pub members: usize,
    pub items: Vec<HandreikingItem>,
}

/// A handle over the whole study.
#[derive(Debug, Clone, Serialize)]
pub struct HandleInfo {
    pub key: String,
    pub framework: String,
    pub element: String,
    pub element_name: Bilingual,
    pub priority: u32,
    pub title: Bilingual,
    pub text: Bilingual,
    pub source: Bilingual,
    pub condition: String,
    /// The QCA configuration it cites, in words with its fit.
    pub configuration: Option<Bilingual>,
    /// Networks whose handreiking holds it.
    pub networks: usize,
    /// Per type of network: how many of its networks get it.
    pub by_type: Vec<TypeCount>,
}

/// How many networks of one type get a handle.
#[derive(Debug, Clone, Serialize)]
pub struct TypeCount {
    pub network_type: TypeRef,
    pub count: usize,
    pub of: usize,
}

/// The handles part of the figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HandleFigures {
    pub file: String,
    pub catalogue: Vec<HandleInfo>,
    pub handreikingen: Vec<Handreiking>,
}

/// What a network's profile offers to conditions and facts: its variables and, per
/// variable, a label and whether it is a question of the network questionnaire.
pub(crate) struct Scopes<'a> {
    /// Per network (in study order): variable to raw value.
    pub values: Vec<BTreeMap<String, String>>,
    /// Labels of profile variables (not of questions).
    pub labels: BTreeMap<String, Bilingual>,
    /// The network questionnaire, when the project holds it.
    pub network_form: Option<&'a leernet_xlsform::Form>,
}

fn text(t: &leernet_xlsform::Text) -> Bilingual {
    Bilingual {
        nl: t.get("nl").to_owned(),
        en: t.get("en").to_owned(),
    }
}

fn choice_label(form: &leernet_xlsform::Form, question: &str, choice: &str) -> Bilingual {
    form.question(question)
        .and_then(|q| q.kind.list())
        .and_then(|l| form.choices(l))
        .and_then(|cs| cs.iter().find(|c| c.name == choice))
        .map(|c| text(&c.label))
        .unwrap_or_else(|| Bilingual {
            nl: choice.to_owned(),
            en: choice.to_owned(),
        })
}

/// The facts behind one condition for network `ni`.
/// What a handle's facts need of every network, which is the same for each network it is
/// shown to: computed once per variable, not once per network (at 2,000 networks, once per
/// network and handle was most of the study's analysis).
#[derive(Default)]
struct StudyWide<'v> {
    /// Per score or number: its distribution over the networks.
    benchmarks: BTreeMap<String, Benchmark>,
    /// Per question: the trimmed, non-empty answers, each with its count.
    answers: BTreeMap<String, BTreeMap<&'v str, usize>>,
    /// Per question and choice: how many answers hold the choice.
    with_choice: BTreeMap<(String, String), usize>,
}

fn facts<'v>(
    expr: &Expr,
    ni: usize,
    scopes: &'v Scopes<'_>,
    study: &mut StudyWide<'v>,
) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    let mut choices: Vec<(String, String)> = Vec::new();
    expr.walk(&mut |e| {
        if let Expr::Call(name, args, _) = e {
            if name == "selected" {
                if let [Expr::Ref(q, _), Expr::String(c)] = args.as_slice() {
                    choices.push((q.clone(), c.clone()));
                }
            }
        }
    });
    let mine = &scopes.values[ni];
    let mut done = BTreeSet::new();
    for (name, _) in expr.references() {
        if !done.insert(name.to_owned()) || name == "type" {
            continue;
        }
        if let Some(label) = scopes.labels.get(name) {
            let parse =
                |m: &BTreeMap<String, String>| m.get(name).and_then(|v| v.parse::<f64>().ok());
            let benchmark = study
                .benchmarks
                .entry(name.to_owned())
                .or_insert_with(|| {
                    Benchmark::of(&scopes.values.iter().map(parse).collect::<Vec<_>>())
                })
                .clone();
            out.push(Fact::Score {
                variable: name.to_owned(),
                label: label.clone(),
                yours: parse(mine),
                benchmark,
            });
            continue;
        }
        let Some(form) = scopes.network_form else {
            continue;
        };
        let Some(q) = form.question(name) else {
            continue;
        };
        if matches!(
            q.kind,
            leernet_xlsform::QuestionKind::Integer | leernet_xlsform::QuestionKind::Decimal
        ) {
            let parse = |m: &BTreeMap<String, String>| {
                m.get(name).and_then(|v| v.trim().parse::<f64>().ok())
            };
            let benchmark = study
                .benchmarks
                .entry(name.to_owned())
                .or_insert_with(|| {
                    Benchmark::of(&scopes.values.iter().map(parse).collect::<Vec<_>>())
                })
                .clone();
            out.push(Fact::Score {
                variable: name.to_owned(),
                label: text(&q.label),
                yours: parse(mine),
                benchmark,
            });
            continue;
        }
        let answered: &BTreeMap<&str, usize> =
            study.answers.entry(name.to_owned()).or_insert_with(|| {
                let mut tally = BTreeMap::new();
                for v in scopes
                    .values
                    .iter()
                    .filter_map(|m| m.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()))
                {
                    *tally.entry(v).or_insert(0) += 1;
                }
                tally
            });
        let n_answered: usize = answered.values().sum();
        let count_of = |v: &str| answered.get(v).copied().unwrap_or(0);
        let own = mine.get(name).map(|v| v.trim()).unwrap_or("");
        let multiple = q.kind.is_multiple();
        let yours: Vec<Bilingual> = if q.kind.list().is_some() {
            own.split_whitespace()
                .map(|c| choice_label(form, name, c))
                .collect()
        } else if own.is_empty() {
            Vec::new()
        } else {
            vec![Bilingual {
                nl: own.to_owned(),
                en: own.to_owned(),
            }]
        };
        let (same, most, most_count) = if multiple || q.kind.list().is_none() {
            (None, None, 0)
        } else {
            let mut counts: Vec<(String, usize)> = Vec::new();
            if let Some(cs) = q.kind.list().and_then(|l| form.choices(l)) {
                for c in cs {
                    counts.push((c.name.clone(), count_of(&c.name)));
                }
            }
            let top = counts
                .iter()
                .fold(None::<&(String, usize)>, |b, c| match b {
                    Some(b) if b.1 >= c.1 => Some(b),
                    _ => Some(c),
                })
                .filter(|t| t.1 > 0);
            (
                (!own.is_empty()).then(|| count_of(own)),
                top.map(|t| choice_label(form, name, &t.0)),
                top.map(|t| t.1).unwrap_or(0),
            )
        };
        out.push(Fact::Answer {
            question: name.to_owned(),
            label: text(&q.label),
            yours,
            same,
            of: n_answered,
            most,
            most_count,
        });
        for (cq, c) in choices.iter().filter(|(cq, _)| cq == name) {
            let has = |v: &str| v.split_whitespace().any(|x| x == c);
            let count = *study
                .with_choice
                .entry((cq.clone(), c.clone()))
                .or_insert_with(|| {
                    answered
                        .iter()
                        .filter(|(a, _)| has(a))
                        .map(|(_, n)| n)
                        .sum()
                });
            out.push(Fact::Choice {
                question: cq.clone(),
                label: text(&q.label),
                choice: choice_label(form, cq, c),
                yours: has(own),
                count,
                of: n_answered,
            });
        }
    }
    out
}

/// Evaluates every handle for every network and assembles the handreikingen.
pub(crate) fn handreikingen(
    set: &HandleSet,
    frameworks: &[FrameworkProfiles],
    scopes: &Scopes<'_>,
    rows: &[crate::NetworkRow],
) -> HandleFigures {
    let element_of = |h: &HandleDef| {
        frameworks
            .iter()
            .find(|f| f.key == h.framework)
            .and_then(|f| {
                f.elements
                    .iter()
                    .position(|e| e.key == h.element)
                    .map(|i| (f, i))
            })
    };
    // fired[h][n]
    let fired: Vec<Vec<bool>> = set
        .handles
        .iter()
        .map(|h| scopes.values.iter().map(|s| h.expr.eval_bool(s)).collect())
        .collect();
    let types: Vec<Option<&TypeRef>> = frameworks
        .first()
        .map(|f| f.networks.iter().map(|n| n.network_type.as_ref()).collect())
        .unwrap_or_else(|| vec![None; rows.len()]);
    // The networks of each type, found once (not once per network and handle: at 2,000
    // networks that was most of the analysis).
    let mut of_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for j in 0..rows.len() {
        if let Some(t) = types.get(j).copied().flatten() {
            of_type.entry(t.key.as_str()).or_default().push(j);
        }
    }
    let networks_of = |t: &TypeRef| of_type.get(t.key.as_str()).map_or(&[][..], Vec::as_slice);
    let mut study = StudyWide::default();
    let mut out = Vec::new();
    for (ni, row) in rows.iter().enumerate() {
        let mut items = Vec::new();
        for (hi, h) in set.handles.iter().enumerate() {
            if !fired[hi][ni] {
                continue;
            }
            let Some((fw, ei)) = element_of(h) else {
                continue;
            };
            let type_note = types.get(ni).copied().flatten().map(|t| {
                let same_type = networks_of(t);
                TypeNote {
                    network_type: t.clone(),
                    networks: same_type.len(),
                    same_handle: same_type.iter().filter(|&&j| fired[hi][j]).count(),
                    element: fw.networks[ni].elements[ei]
                        .type_benchmark
                        .clone()
                        .unwrap_or_default(),
                }
            });
            items.push((
                ei,
                HandreikingItem {
                    key: h.key.clone(),
                    framework: h.framework.clone(),
                    element: h.element.clone(),
                    element_name: fw.elements[ei].name.clone(),
                    priority: h.priority,
                    title: h.title.clone(),
                    text: h.text.clone(),
                    source: h.source.clone(),
                    condition: h.condition.clone(),
                    facts: facts(&h.expr, ni, scopes, &mut study),
                    type_note,
                    configuration: None,
                },
            ));
        }
        // By priority, then in the framework's element order, then the file's order.
        items.sort_by_key(|(ei, it)| (it.priority, it.framework != set.handles[0].framework, *ei));
        out.push(Handreiking {
            slug: row.slug.clone(),
            name: row.name.clone(),
            workplace_name: row.workplace_name.clone(),
            network_type: types.get(ni).copied().flatten().cloned(),
            members: row.member_responses,
            items: items.into_iter().map(|(_, it)| it).collect(),
        });
    }
    let mut type_keys: Vec<&TypeRef> = Vec::new();
    for t in types.iter().flatten() {
        if !type_keys.iter().any(|k| k.key == t.key) {
            type_keys.push(t);
        }
    }
    type_keys.sort_by(|a, b| a.key.cmp(&b.key));
    let catalogue = set
        .handles
        .iter()
        .enumerate()
        .map(|(hi, h)| HandleInfo {
            key: h.key.clone(),
            framework: h.framework.clone(),
            element: h.element.clone(),
            element_name: element_of(h)
                .map(|(f, i)| f.elements[i].name.clone())
                .unwrap_or_default(),
            priority: h.priority,
            title: h.title.clone(),
            text: h.text.clone(),
            source: h.source.clone(),
            condition: h.condition.clone(),
            configuration: None,
            networks: fired[hi].iter().filter(|f| **f).count(),
            by_type: type_keys
                .iter()
                .map(|t| {
                    let of = networks_of(t);
                    TypeCount {
                        network_type: (*t).clone(),
                        count: of.iter().filter(|&&j| fired[hi][j]).count(),
                        of: of.len(),
                    }
                })
                .collect(),
        })
        .collect();
    HandleFigures {
        file: set.file.clone(),
        catalogue,
        handreikingen: out,
    }
}

/// A question's label in both languages.
pub(crate) fn question_label(q: &leernet_xlsform::Question) -> Bilingual {
    text(&q.label)
}
