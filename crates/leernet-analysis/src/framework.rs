//! Frameworks of essential elements (`content/framework.toml`, `content/frameworks/*.toml`):
//! what a good learning network has, and which answers show it.
//!
//! Why it exists: the study's essential elements (a deliberate rationale, an agenda set
//! together, ...) are the yardstick of every network profile and handreiking. Researchers
//! must be able to read, change or replace that yardstick without touching Rust, so it is
//! data; this module reads it, checks it against the instruments, and says exactly where a
//! file is wrong (file, entry, field).
//!
//! The format is open: a framework is elements, an element is indicators, an indicator is one
//! question of one instrument with a rule that turns its answer into 0–100. The shipped
//! examples are the seven elements of the 2021 study and Akkerman & Bakker's four
//! boundary-crossing mechanisms; others (the LISO elements, Wenger-Trayner's value-creation
//! cycles) fit the same format.

use crate::{AnalysisError, Forms};
use leernet_core::Bilingual;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A framework: named elements, each measured by indicators.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkDef {
    pub key: String,
    /// Prefix of the profile variables handle conditions use: `${<prefix>_<element>}`.
    pub prefix: String,
    pub name: Bilingual,
    pub description: Bilingual,
    /// Where the framework comes from (study, literature).
    pub source: Bilingual,
    pub elements: Vec<ElementDef>,
}

/// An essential element.
#[derive(Debug, Clone, Serialize)]
pub struct ElementDef {
    pub key: String,
    pub name: Bilingual,
    pub description: Bilingual,
    /// Code families (codebook roots such as `agenda`) whose coded fragments illustrate the
    /// element in joint displays.
    pub codes: Vec<String>,
    pub indicators: Vec<IndicatorDef>,
}

/// One question that shows an element, and how its answers score.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorDef {
    pub key: String,
    pub instrument: String,
    pub question: String,
    pub label: Bilingual,
    pub scoring: Scoring,
}

/// How an answer becomes a score from 0 to 100.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    /// Choice name to score; for a select_multiple, the highest score among the chosen.
    Choices(BTreeMap<String, f64>),
    /// select_multiple: the number of choices made, as a share of `max` (capped at 100).
    Count { max: usize },
    /// Open text: 100 when answered, 0 when left empty (every submitted response counts).
    Answered,
}

impl Scoring {
    /// The score of one raw answer; `None` when the answer is missing (and does not count).
    pub fn score(&self, answer: Option<&str>) -> Option<f64> {
        let a = answer.map(str::trim).unwrap_or("");
        match self {
            Scoring::Answered => Some(if a.is_empty() { 0.0 } else { 100.0 }),
            _ if a.is_empty() => None,
            Scoring::Choices(map) => a
                .split_whitespace()
                .filter_map(|c| map.get(c).copied())
                .fold(None, |best: Option<f64>, s| {
                    Some(best.map_or(s, |b| b.max(s)))
                }),
            Scoring::Count { max } => {
                let n = a.split_whitespace().collect::<BTreeSet<_>>().len();
                Some((n as f64 / *max as f64 * 100.0).min(100.0))
            }
        }
    }
}

impl FrameworkDef {
    /// The element with this key.
    pub fn element(&self, key: &str) -> Option<&ElementDef> {
        self.elements.iter().find(|e| e.key == key)
    }
}

// ---- the file format ------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    key: String,
    prefix: String,
    name_nl: Option<String>,
    name_en: Option<String>,
    description_nl: Option<String>,
    description_en: Option<String>,
    source_nl: Option<String>,
    source_en: Option<String>,
    #[serde(rename = "element", default)]
    elements: Vec<RawElement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    key: String,
    name_nl: Option<String>,
    name_en: Option<String>,
    description_nl: Option<String>,
    description_en: Option<String>,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(rename = "indicator", default)]
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    key: String,
    instrument: String,
    question: String,
    label_nl: Option<String>,
    label_en: Option<String>,
    scores: Option<BTreeMap<String, f64>>,
    count_max: Option<usize>,
    #[serde(default)]
    answered: bool,
}

/// Builds the "file: entry, field: problem" error every content file uses.
pub(crate) fn content_err(file: &str, entry: &str, field: &str, msg: &str) -> AnalysisError {
    let at = match (entry.is_empty(), field.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("{entry}: "),
        (true, false) => format!("field `{field}`: "),
        (false, false) => format!("{entry}, field `{field}`: "),
    };
    AnalysisError::Content {
        file: file.to_owned(),
        message: format!("{at}{msg}"),
    }
}

/// Both languages of a text, or an error naming the missing one.
pub(crate) fn bilingual(
    file: &str,
    entry: &str,
    field: &str,
    nl: Option<String>,
    en: Option<String>,
) -> Result<Bilingual, AnalysisError> {
    let nl = nl.unwrap_or_default();
    let en = en.unwrap_or_default();
    for (text, lang) in [(&nl, "nl"), (&en, "en")] {
        if text.trim().is_empty() {
            return Err(content_err(
                file,
                entry,
                &format!("{field}_{lang}"),
                "the translation is missing or empty",
            ));
        }
    }
    Ok(Bilingual { nl, en })
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Parses TOML text with one message on a syntax error (file, line, what is wrong).
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, AnalysisError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| {
                format!(
                    "line {}: ",
                    text[..s.start.min(text.len())].lines().count().max(1)
                )
            })
            .unwrap_or_default();
        AnalysisError::Content {
            file: file.to_owned(),
            message: format!("{line}{}", e.message().trim().replace('\n', " ")),
        }
    })
}

impl FrameworkDef {
    /// Parses and checks one framework file (structure, keys, translations, scoring rules).
    /// Questions are checked against the instruments by [`FrameworkDef::check`].
    pub fn parse(text: &str, file: &str) -> Result<FrameworkDef, AnalysisError> {
        let raw: RawFramework = parse_toml(text, file)?;
        let fw_entry = format!("framework {:?}", raw.key);
        if !is_key(&raw.key) {
            return Err(content_err(
                file,
                &fw_entry,
                "key",
                "use lower-case letters, digits and _",
            ));
        }
        if !is_key(&raw.prefix) {
            return Err(content_err(
                file,
                &fw_entry,
                "prefix",
                "use lower-case letters, digits and _",
            ));
        }
        let name = bilingual(file, &fw_entry, "name", raw.name_nl, raw.name_en)?;
        let description = bilingual(
            file,
            &fw_entry,
            "description",
            raw.description_nl,
            raw.description_en,
        )?;
        let source = bilingual(file, &fw_entry, "source", raw.source_nl, raw.source_en)?;
        if raw.elements.is_empty() {
            return Err(content_err(
                file,
                &fw_entry,
                "element",
                "a framework needs at least one [[element]]",
            ));
        }
        let mut elements = Vec::new();
        let mut seen = BTreeSet::new();
        for e in raw.elements {
            let entry = format!("element {:?}", e.key);
            if !is_key(&e.key) {
                return Err(content_err(
                    file,
                    &entry,
                    "key",
                    "use lower-case letters, digits and _",
                ));
            }
            if !seen.insert(e.key.clone()) {
                return Err(content_err(
                    file,
                    &entry,
                    "key",
                    "this element key is used twice",
                ));
            }
            let ename = bilingual(file, &entry, "name", e.name_nl, e.name_en)?;
            let edesc = bilingual(
                file,
                &entry,
                "description",
                e.description_nl,
                e.description_en,
            )?;
            if e.indicators.is_empty() {
                return Err(content_err(
                    file,
                    &entry,
                    "indicator",
                    "an element needs at least one [[element.indicator]]",
                ));
            }
            let mut indicators = Vec::new();
            let mut seen_ind = BTreeSet::new();
            for i in e.indicators {
                let ientry = format!("element {:?}, indicator {:?}", e.key, i.key);
                if !is_key(&i.key) {
                    return Err(content_err(
                        file,
                        &ientry,
                        "key",
                        "use lower-case letters, digits and _",
                    ));
                }
                if !seen_ind.insert(i.key.clone()) {
                    return Err(content_err(
                        file,
                        &ientry,
                        "key",
                        "this indicator key is used twice in the element",
                    ));
                }
                let label = bilingual(file, &ientry, "label", i.label_nl, i.label_en)?;
                let rules = usize::from(i.scores.is_some())
                    + usize::from(i.count_max.is_some())
                    + usize::from(i.answered);
                if rules != 1 {
                    return Err(content_err(
                        file,
                        &ientry,
                        "scores",
                        "give exactly one scoring rule: `scores = { choice = 0..100 }`, `count_max = N` or `answered = true`",
                    ));
                }
                let scoring = if let Some(s) = i.scores {
                    if let Some((c, v)) = s.iter().find(|(_, v)| !(0.0..=100.0).contains(*v)) {
                        return Err(content_err(
                            file,
                            &ientry,
                            "scores",
                            &format!("the score of {c:?} is {v}; scores run from 0 to 100"),
                        ));
                    }
                    Scoring::Choices(s)
                } else if let Some(m) = i.count_max {
                    if m == 0 {
                        return Err(content_err(
                            file,
                            &ientry,
                            "count_max",
                            "must be at least 1",
                        ));
                    }
                    Scoring::Count { max: m }
                } else {
                    Scoring::Answered
                };
                indicators.push(IndicatorDef {
                    key: i.key,
                    instrument: i.instrument,
                    question: i.question,
                    label,
                    scoring,
                });
            }
            elements.push(ElementDef {
                key: e.key,
                name: ename,
                description: edesc,
                codes: e.codes,
                indicators,
            });
        }
        Ok(FrameworkDef {
            key: raw.key,
            prefix: raw.prefix,
            name,
            description,
            source,
            elements,
        })
    }

    /// Checks every indicator against the instruments the project holds: the question
    /// exists, its type fits the scoring rule, and every scored choice is one of its choices.
    /// Indicators of an instrument the project does not hold are left for later (the
    /// profile then has no value for them), as the overview does.
    pub fn check(&self, forms: &Forms, file: &str) -> Result<(), AnalysisError> {
        for e in &self.elements {
            for i in &e.indicators {
                let entry = format!("element {:?}, indicator {:?}", e.key, i.key);
                let Some(form) = forms.get(&i.instrument) else {
                    continue;
                };
                let Some(q) = form.question(&i.question) else {
                    return Err(content_err(
                        file,
                        &entry,
                        "question",
                        &format!(
                            "instrument {:?} has no question {:?}",
                            i.instrument, i.question
                        ),
                    ));
                };
                match &i.scoring {
                    Scoring::Choices(map) => {
                        let Some(list) = q.kind.list() else {
                            return Err(content_err(file, &entry, "scores", &format!("{:?} is not a select question; use `answered = true` for open text", i.question)));
                        };
                        let choices: BTreeSet<&str> = form
                            .choices(list)
                            .unwrap_or(&[])
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect();
                        if let Some(c) = map.keys().find(|c| !choices.contains(c.as_str())) {
                            return Err(content_err(
                                file,
                                &entry,
                                "scores",
                                &format!(
                                    "{c:?} is not a choice of {:?} (list {list:?})",
                                    i.question
                                ),
                            ));
                        }
                    }
                    Scoring::Count { .. } => {
                        if !q.kind.is_multiple() {
                            return Err(content_err(
                                file,
                                &entry,
                                "count_max",
                                &format!("{:?} is not a select_multiple question", i.question),
                            ));
                        }
                    }
                    Scoring::Answered => {
                        if q.kind.list().is_some() {
                            return Err(content_err(
                                file,
                                &entry,
                                "answered",
                                &format!(
                                    "{:?} is a select question; score its choices with `scores`",
                                    i.question
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The frameworks shipped with leernet: the study's essential elements first (handles refer
/// to it unless they name another), then the boundary-crossing example.
pub fn builtin_frameworks() -> Vec<(FrameworkDef, &'static str)> {
    const FILES: [(&str, &str); 2] = [
        (
            include_str!("../../../content/framework.toml"),
            "content/framework.toml",
        ),
        (
            include_str!("../../../content/frameworks/boundary_crossing.toml"),
            "content/frameworks/boundary_crossing.toml",
        ),
    ];
    FILES
        .iter()
        .map(|(text, file)| {
            (
                FrameworkDef::parse(text, file).expect("the shipped frameworks parse (tested)"),
                *file,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoring_rules() {
        let c = Scoring::Choices(BTreeMap::from([("a".into(), 20.0), ("b".into(), 80.0)]));
        assert_eq!(c.score(Some("a b")), Some(80.0));
        assert_eq!(c.score(Some("")), None);
        assert_eq!(c.score(None), None);
        assert_eq!(Scoring::Count { max: 4 }.score(Some("x y y")), Some(50.0));
        assert_eq!(Scoring::Count { max: 1 }.score(Some("x y")), Some(100.0));
        assert_eq!(Scoring::Answered.score(None), Some(0.0));
        assert_eq!(Scoring::Answered.score(Some(" t ")), Some(100.0));
    }

    #[test]
    fn shipped_frameworks_parse() {
        let fws = builtin_frameworks();
        assert_eq!(fws[0].0.elements.len(), 7);
        assert_eq!(fws[1].0.elements.len(), 4);
    }
}
