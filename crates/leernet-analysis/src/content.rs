//! The overview definition (`content/overview.toml`): sections of questions and scales; and
//! a project's own content folder, which overrides the shipped files one by one.
//!
//! Why the override: the framework, the handles, the overview and the typology settings are
//! data that researchers edit ("domain content is data"). A project may hold a `content/`
//! folder with its own `overview.toml`, `typology.toml`, `framework.toml`, `handles.toml` and
//! `frameworks/*.toml`; each file it holds replaces the shipped file of that name, every file
//! it does not hold is the shipped one. The caller reads the files (this crate does no I/O)
//! and passes their texts; [`ProjectContent::with_files`] parses and checks them all, so a
//! broken file is one message naming the file, the entry and the field, before anything is
//! computed or written.

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
    /// A code family (codebook root, such as `theme`) whose co-occurrence in open answers the
    /// section shows as a heat map.
    #[serde(default)]
    pub codes: Option<String>,
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

/// The content files a project may override, by their name inside `content/`, with the
/// shipped text of each. `frameworks/*.toml` files are the extra frameworks (after
/// `framework.toml`, in file-name order); a project may add others there.
pub const SHIPPED_FILES: [(&str, &str); 7] = [
    (
        "overview.toml",
        include_str!("../../../content/overview.toml"),
    ),
    (
        "typology.toml",
        include_str!("../../../content/typology.toml"),
    ),
    (
        "framework.toml",
        include_str!("../../../content/framework.toml"),
    ),
    (
        "frameworks/boundary_crossing.toml",
        include_str!("../../../content/frameworks/boundary_crossing.toml"),
    ),
    (
        "handles.toml",
        include_str!("../../../content/handles.toml"),
    ),
    (
        "autocode.toml",
        include_str!("../../../content/autocode.toml"),
    ),
    ("qca.toml", include_str!("../../../content/qca.toml")),
];

/// Content files the report reads (`leernet-report`: the summary's rules, the
/// handreiking's layout); the analysis only carries a project's own ones to it.
pub const REPORT_FILES: [&str; 2] = ["report.toml", "handreiking.toml"];

/// One content file given by a project: its name inside `content/` (`handles.toml`,
/// `frameworks/liso.toml`), how errors name it (usually its path), and its text.
#[derive(Debug, Clone)]
pub struct ContentFile {
    pub name: String,
    pub shown_as: String,
    pub text: String,
}

/// Everything the analysis reads from content files: the overview, the typology settings,
/// the frameworks and the handles.
#[derive(Debug, Clone)]
pub struct ProjectContent {
    pub overview: Overview,
    pub typology: crate::TypologyConfig,
    pub content: crate::Content,
    /// The auto-coding rules (keywords, phrases and exclusions per code of the codebook).
    pub autocode: leernet_text::RuleSet,
    /// Where the auto-coding rules come from (`content/autocode.toml`, or the project's).
    pub autocode_file: String,
    /// The QCA specification (conditions, outcomes, calibration, cut-offs).
    pub qca: crate::QcaSpec,
    /// Which files came from the project (as shown in messages), for the record.
    pub overridden: Vec<String>,
    /// The project's own `report.toml` and `handreiking.toml`, for the report to check and
    /// use (`leernet_report::Reports::with_content`).
    pub report_files: Vec<ContentFile>,
}

impl ProjectContent {
    /// The shipped content.
    pub fn builtin() -> ProjectContent {
        ProjectContent::with_files(&[]).expect("the shipped content parses (tested)")
    }

    /// The shipped content with a project's files in place of the shipped ones of the same
    /// name. A file whose name is not one leernet reads is refused (a typo such as
    /// `handle.toml` would otherwise be ignored without a word).
    pub fn with_files(files: &[ContentFile]) -> Result<ProjectContent, AnalysisError> {
        for f in files {
            let known = SHIPPED_FILES.iter().any(|(n, _)| *n == f.name)
                || REPORT_FILES.contains(&f.name.as_str())
                || (f.name.starts_with("frameworks/") && f.name.ends_with(".toml"));
            if !known {
                return Err(AnalysisError::Content {
                    file: f.shown_as.clone(),
                    message: format!(
                        "leernet does not read a content file called {:?}; a project's content/ folder may hold overview.toml, typology.toml, framework.toml, handles.toml, autocode.toml, qca.toml, report.toml, handreiking.toml and frameworks/*.toml",
                        f.name
                    ),
                });
            }
        }
        // (name, shown as, text), project files first in line for their name.
        let pick = |name: &str| -> (String, String) {
            match files.iter().find(|f| f.name == name) {
                Some(f) => (f.shown_as.clone(), f.text.clone()),
                None => {
                    let text = SHIPPED_FILES
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, t)| *t)
                        .unwrap_or("");
                    (format!("content/{name}"), text.to_owned())
                }
            }
        };
        let (ov_file, ov_text) = pick("overview.toml");
        let overview = Overview::parse(&ov_text, &ov_file)?;
        let (ty_file, ty_text) = pick("typology.toml");
        let typology = crate::TypologyConfig::parse(&ty_text, &ty_file)?;
        let mut fw_names: Vec<String> = SHIPPED_FILES
            .iter()
            .map(|(n, _)| (*n).to_owned())
            .chain(files.iter().map(|f| f.name.clone()))
            .filter(|n| n.starts_with("frameworks/"))
            .collect();
        fw_names.sort();
        fw_names.dedup();
        let mut fw_texts = vec![pick("framework.toml")];
        fw_texts.extend(fw_names.iter().map(|n| pick(n)));
        let (h_file, h_text) = pick("handles.toml");
        let refs: Vec<(&str, &str)> = fw_texts
            .iter()
            .map(|(f, t)| (t.as_str(), f.as_str()))
            .collect();
        let content = crate::Content::parse(&refs, (&h_text, &h_file))?;
        let (autocode_file, a_text) = pick("autocode.toml");
        let autocode = leernet_text::RuleSet::from_toml(&autocode_file, &a_text).map_err(|e| {
            AnalysisError::Content {
                file: autocode_file.clone(),
                message: match e {
                    leernet_text::TextError::Rules { message, .. } => message,
                    other => other.to_string(),
                },
            }
        })?;
        let (qca_file, qca_text) = pick("qca.toml");
        let qca = crate::QcaSpec::parse(&qca_text, &qca_file)?;
        content.handles.check_citations(&qca)?;
        Ok(ProjectContent {
            qca,
            overview,
            typology,
            content,
            autocode,
            autocode_file,
            overridden: files.iter().map(|f| f.shown_as.clone()).collect(),
            report_files: files
                .iter()
                .filter(|f| REPORT_FILES.contains(&f.name.as_str()))
                .cloned()
                .collect(),
        })
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
    fn project_files_replace_shipped_ones_and_errors_name_them() {
        let b = ProjectContent::builtin();
        assert_eq!(b.content.frameworks.len(), 2);
        assert!(b.overridden.is_empty());
        let file = |name: &str, text: &str| ContentFile {
            name: name.into(),
            shown_as: format!("proj/content/{name}"),
            text: text.into(),
        };
        let shipped = SHIPPED_FILES[4].1;
        let changed = shipped.replacen("priority = 1", "priority = 2", 1);
        let p = ProjectContent::with_files(&[file("handles.toml", &changed)]).unwrap();
        assert_eq!(p.content.handles.file, "proj/content/handles.toml");
        assert_ne!(
            p.content.handles.handles[0].priority,
            b.content.handles.handles[0].priority
        );
        let e = ProjectContent::with_files(&[file("handle.toml", "")]).unwrap_err();
        assert!(
            e.to_string().starts_with("proj/content/handle.toml: "),
            "{e}"
        );
        let broken = shipped.replacen("condition = \"", "condition = \"(((", 1);
        let e = ProjectContent::with_files(&[file("handles.toml", &broken)]).unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with("proj/content/handles.toml: handle ") && m.contains("field `condition`"),
            "{m}"
        );
    }

    #[test]
    fn a_project_qca_file_replaces_the_shipped_one_and_is_checked() {
        let file = |text: String| ContentFile {
            name: "qca.toml".into(),
            shown_as: "proj/content/qca.toml".into(),
            text,
        };
        let shipped = include_str!("../../../content/qca.toml");
        assert_eq!(ProjectContent::builtin().qca.cuts.incl, 0.8);
        let own = ProjectContent::with_files(&[file(shipped.replacen(
            "incl_cut = 0.8",
            "incl_cut = 0.9",
            1,
        ))])
        .unwrap();
        assert_eq!(own.qca.cuts.incl, 0.9);
        assert_eq!(own.qca.file, "proj/content/qca.toml");
        let e = ProjectContent::with_files(&[file(shipped.replacen(
            "anchors = [1.0, 3.5, 6.0]",
            "anchors = [1.0, 0.5, 6.0]",
            1,
        ))])
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("proj/content/qca.toml: condition \"FORMAL\", field `anchors`"),
            "{e}"
        );
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
