//! The method library of the practice workspace (`content/methods.toml`): the ways a network
//! can work in a session (intervision, reflection, moral deliberation, …) and the named
//! models of intervision, each described in Dutch and English.
//!
//! Why it exists: a facilitator choosing how to run the next session needs to see the
//! options side by side, and a session must name a method the analysis can count. The
//! library is data (STYLE.md rule 5), checked when it loads: every key unique and well
//! formed, every text present in both languages.

use crate::AnalysisError;
use leernet_core::{Bilingual, Lang};
use serde::Deserialize;

const FILE: &str = "content/methods.toml";

/// One method or intervision model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub key: String,
    pub name: Bilingual,
    pub description: Bilingual,
    /// The steps, in order, per language (empty for a model).
    pub steps_nl: Vec<String>,
    pub steps_en: Vec<String>,
}

impl Method {
    /// The steps in `lang`.
    pub fn steps(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Nl => &self.steps_nl,
            Lang::En => &self.steps_en,
        }
    }
}

/// The whole library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodLibrary {
    pub methods: Vec<Method>,
    /// Named intervision models (used with the method `intervision`).
    pub models: Vec<Method>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    method: Vec<EntryToml>,
    #[serde(default)]
    model: Vec<EntryToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryToml {
    key: String,
    name_nl: String,
    name_en: String,
    description_nl: String,
    description_en: String,
    #[serde(default)]
    steps_nl: Vec<String>,
    #[serde(default)]
    steps_en: Vec<String>,
}

fn err(message: String) -> AnalysisError {
    AnalysisError::Content {
        file: FILE.into(),
        message,
    }
}

impl MethodLibrary {
    /// The library shipped in `content/methods.toml`.
    pub fn builtin() -> MethodLibrary {
        MethodLibrary::from_toml(include_str!("../../../content/methods.toml"))
            .expect("the shipped method library is valid (tested)")
    }

    /// Reads and checks a library.
    pub fn from_toml(text: &str) -> Result<MethodLibrary, AnalysisError> {
        let f: FileToml = toml::from_str(text).map_err(|e| err(e.message().to_owned()))?;
        let mut seen = std::collections::BTreeSet::new();
        let mut convert = |list: Vec<EntryToml>, kind: &str, steps: bool| {
            list.into_iter()
                .map(|e| {
                    let ok_key = !e.key.is_empty()
                        && e.key.len() <= 40
                        && e.key
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if !ok_key {
                        return Err(err(format!(
                            "{kind} {:?}: a key is lower case letters, digits and _",
                            e.key
                        )));
                    }
                    if !seen.insert(e.key.clone()) {
                        return Err(err(format!("{kind} {:?} is listed twice", e.key)));
                    }
                    for (field, v) in [
                        ("name_nl", &e.name_nl),
                        ("name_en", &e.name_en),
                        ("description_nl", &e.description_nl),
                        ("description_en", &e.description_en),
                    ] {
                        if v.trim().is_empty() {
                            return Err(err(format!("{kind} {:?}: {field} is empty", e.key)));
                        }
                    }
                    if steps && (e.steps_nl.is_empty() || e.steps_nl.len() != e.steps_en.len()) {
                        return Err(err(format!(
                            "{kind} {:?}: steps_nl and steps_en must list the same steps",
                            e.key
                        )));
                    }
                    Ok(Method {
                        key: e.key,
                        name: Bilingual {
                            nl: e.name_nl,
                            en: e.name_en,
                        },
                        description: Bilingual {
                            nl: e.description_nl,
                            en: e.description_en,
                        },
                        steps_nl: e.steps_nl,
                        steps_en: e.steps_en,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let methods = convert(f.method, "method", true)?;
        let models = convert(f.model, "model", false)?;
        Ok(MethodLibrary { methods, models })
    }

    /// The method with this key.
    pub fn method(&self, key: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.key == key)
    }

    /// The intervision model with this key.
    pub fn model(&self, key: &str) -> Option<&Method> {
        self.models.iter().find(|m| m.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_library_has_every_method_of_the_issue() {
        let lib = MethodLibrary::builtin();
        for k in [
            "intervision",
            "reflection",
            "moral_deliberation",
            "case_discussion",
            "socratic_dialogue",
            "site_visit",
            "guest_lecture",
            "other",
        ] {
            assert!(lib.method(k).is_some(), "{k}");
        }
        assert!(lib.model("incident").is_some() && lib.model("balint").is_some());
        assert_eq!(lib.method("reflection").unwrap().steps(Lang::En).len(), 5);
    }

    #[test]
    fn a_broken_library_names_the_entry() {
        let dup = "[[method]]\nkey='a'\nname_nl='A'\nname_en='A'\ndescription_nl='d'\ndescription_en='d'\nsteps_nl=['s']\nsteps_en=['s']\n";
        let e = MethodLibrary::from_toml(&format!("{dup}{dup}")).unwrap_err();
        assert!(
            e.to_string().contains("method \"a\" is listed twice"),
            "{e}"
        );
        let e =
            MethodLibrary::from_toml(&dup.replace("steps_en=['s']", "steps_en=[]")).unwrap_err();
        assert!(e.to_string().contains("same steps"), "{e}");
    }
}
