//! Translation catalogues: the words of the interface and the reports, in Dutch and English.
//!
//! The catalogues are data (`locales/nl.toml`, `locales/en.toml` at the repository root),
//! flat or nested TOML tables of strings; nested keys are joined with dots
//! (`[overview] title = ".."` is `overview.title`). A catalogue is checked when it is built:
//! every key must exist in both languages, so a page can never show a missing translation.

use crate::values::Lang;
use std::collections::BTreeMap;

/// Why a catalogue could not be built.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the {lang} translation file does not parse: {message}")]
    Syntax { lang: &'static str, message: String },
    #[error("the {lang} translation of {key:?} is not a string")]
    NotText { lang: &'static str, key: String },
    #[error("{key:?} is translated in {present} but missing in {missing}")]
    Missing {
        key: String,
        present: &'static str,
        missing: &'static str,
    },
}

/// Both languages' strings, checked to have the same keys.
#[derive(Debug, Clone)]
pub struct Catalog {
    nl: BTreeMap<String, String>,
    en: BTreeMap<String, String>,
}

fn flatten(
    lang: &'static str,
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, String>,
) -> Result<(), CatalogError> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(lang, &key, t, out)?,
            _ => return Err(CatalogError::NotText { lang, key }),
        }
    }
    Ok(())
}

impl Catalog {
    /// Builds a catalogue from the Dutch and the English TOML text.
    pub fn from_toml(nl: &str, en: &str) -> Result<Catalog, CatalogError> {
        let parse = |lang: &'static str, text: &str| -> Result<_, CatalogError> {
            let table: toml::Table =
                text.parse()
                    .map_err(|e: toml::de::Error| CatalogError::Syntax {
                        lang,
                        message: e.message().to_owned(),
                    })?;
            let mut out = BTreeMap::new();
            flatten(lang, "", &table, &mut out)?;
            Ok(out)
        };
        let nl = parse("Dutch", nl)?;
        let en = parse("English", en)?;
        for (a, an, b, bn) in [
            (&nl, "Dutch", &en, "English"),
            (&en, "English", &nl, "Dutch"),
        ] {
            if let Some(key) = a.keys().find(|k| !b.contains_key(*k)) {
                return Err(CatalogError::Missing {
                    key: key.clone(),
                    present: an,
                    missing: bn,
                });
            }
        }
        Ok(Catalog { nl, en })
    }

    /// The text for `key` in `lang`. An unknown key is a programming error; it shows as the
    /// key itself in brackets so that it is seen in tests, never as an empty string.
    pub fn t(&self, lang: Lang, key: &str) -> String {
        let map = match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        };
        map.get(key).cloned().unwrap_or_else(|| format!("[{key}]"))
    }

    /// Whether `key` exists (in both languages, by construction).
    pub fn has(&self, key: &str) -> bool {
        self.nl.contains_key(key)
    }

    /// All keys with their text in `lang`, for handing to templates.
    pub fn table(&self, lang: Lang) -> &BTreeMap<String, String> {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_keys_and_fallback_marker() {
        let c = Catalog::from_toml("[a]\nb = \"hallo\"", "[a]\nb = \"hello\"").unwrap();
        assert_eq!(c.t(Lang::Nl, "a.b"), "hallo");
        assert_eq!(c.t(Lang::En, "a.b"), "hello");
        assert_eq!(c.t(Lang::En, "a.c"), "[a.c]");
    }

    #[test]
    fn a_key_missing_in_one_language_is_refused() {
        let e = Catalog::from_toml("x = \"a\"\ny = \"b\"", "x = \"a\"").unwrap_err();
        assert!(e.to_string().contains("\"y\""), "{e}");
        assert!(Catalog::from_toml("x = 1", "x = 1").is_err());
        assert!(Catalog::from_toml("x = ", "").is_err());
    }
}
