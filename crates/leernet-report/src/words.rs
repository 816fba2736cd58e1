//! Catalogue lookups that return an error instead of panicking: the report's words come from
//! `locales/{nl,en}.toml`, and a key that is missing there is a [`ReportError::Text`], never
//! a crash of `leernet report` or of the web app.

use crate::ReportError;
use leernet_core::Lang;
use std::collections::BTreeMap;

/// The catalogue's table for one language.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    table: &'a BTreeMap<String, String>,
    pub lang: Lang,
}

impl<'a> Words<'a> {
    pub fn new(table: &'a BTreeMap<String, String>, lang: Lang) -> Words<'a> {
        Words { table, lang }
    }

    /// The text of `key`.
    pub fn get(&self, key: &str) -> Result<&'a str, ReportError> {
        self.table
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| ReportError::Text(key.to_owned()))
    }

    /// The text of `key`, owned.
    pub fn s(&self, key: &str) -> Result<String, ReportError> {
        self.get(key).map(str::to_owned)
    }

    /// The text of `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, pairs: &[(&str, String)]) -> Result<String, ReportError> {
        Ok(fill(self.get(key)?, pairs))
    }

    /// The language code (`nl`, `en`).
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The raw table, for the older modules that take one.
    pub fn table(&self) -> &'a BTreeMap<String, String> {
        self.table
    }
}

/// `template` with every `{name}` replaced by its value.
pub fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    let mut s = template.to_owned();
    for (k, v) in pairs {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_is_an_error_not_a_panic() {
        let c = crate::catalog();
        let w = Words::new(c.table(Lang::Nl), Lang::Nl);
        assert!(w.get("report.title").is_ok());
        assert!(matches!(w.get("no.such.key"), Err(ReportError::Text(k)) if k == "no.such.key"));
    }
}
