//! The overview definition (`content/overview.toml`): sections of questions and scales.

use crate::AnalysisError;
use leernet_core::Bilingual;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Which questions and scales the overview and the report show.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overview {
    /// The instrument answered once per network (by its facilitator); every other
    /// instrument is answered by members.
    pub network_instrument: String,
    #[serde(rename = "section", default)]
    pub sections: Vec<SectionDef>,
    #[serde(rename = "scale", default)]
    pub scales: Vec<ScaleDef>,
}

/// A section: a few questions of one instrument, with a title and an introduction.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub key: String,
    pub instrument: String,
    pub questions: Vec<String>,
    /// Order the choices by frequency (a ranking) instead of the form's order.
    #[serde(default)]
    pub rank: bool,
    pub title_nl: String,
    pub title_en: String,
    pub intro_nl: String,
    pub intro_en: String,
}

/// How item values combine into a scale score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreRule {
    /// The sum of the item values.
    Sum,
    /// The mean of the item values.
    Mean,
}

/// A scale made of several items of one instrument.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleDef {
    pub key: String,
    pub instrument: String,
    pub items: Vec<String>,
    pub score: ScoreRule,
    /// Choice name to number.
    pub values: BTreeMap<String, f64>,
    pub title_nl: String,
    pub title_en: String,
}

impl SectionDef {
    /// Title in both languages.
    pub fn title(&self) -> Bilingual {
        Bilingual {
            nl: self.title_nl.clone(),
            en: self.title_en.clone(),
        }
    }

    /// Introduction in both languages.
    pub fn intro(&self) -> Bilingual {
        Bilingual {
            nl: self.intro_nl.clone(),
            en: self.intro_en.clone(),
        }
    }
}

impl ScaleDef {
    /// Title in both languages.
    pub fn title(&self) -> Bilingual {
        Bilingual {
            nl: self.title_nl.clone(),
            en: self.title_en.clone(),
        }
    }
}

impl Overview {
    /// Parses the overview definition; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Overview, AnalysisError> {
        let o: Overview = toml::from_str(text).map_err(|e| AnalysisError::Content {
            file: file.to_owned(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        for s in &o.sections {
            if s.title_nl.trim().is_empty() || s.title_en.trim().is_empty() {
                return Err(AnalysisError::Content {
                    file: file.to_owned(),
                    message: format!("section {:?} needs title_nl and title_en", s.key),
                });
            }
        }
        for s in &o.scales {
            if s.items.len() < 2 {
                return Err(AnalysisError::Content {
                    file: file.to_owned(),
                    message: format!("scale {:?} needs at least two items", s.key),
                });
            }
        }
        Ok(o)
    }

    /// The overview shipped with leernet (`content/overview.toml`).
    pub fn builtin() -> Overview {
        Overview::parse(
            include_str!("../../../content/overview.toml"),
            "content/overview.toml",
        )
        .expect("the shipped overview parses (tested)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_overview_parses() {
        let o = Overview::builtin();
        assert!(o.sections.iter().any(|s| s.key == "themes" && s.rank));
        assert!(o
            .scales
            .iter()
            .any(|s| s.key == "formality" && s.score == ScoreRule::Sum));
    }

    #[test]
    fn errors_name_the_file() {
        let e = Overview::parse("network_instrument = \"n\"\n[[section]]\nkey = 1", "x.toml")
            .unwrap_err();
        assert!(e.to_string().starts_with("x.toml: "), "{e}");
        let e = Overview::parse(
            "network_instrument='n'\n[[scale]]\nkey='a'\ninstrument='i'\nitems=['x']\nscore='sum'\nvalues={}\ntitle_nl='a'\ntitle_en='a'",
            "y.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("at least two items"), "{e}");
    }
}
