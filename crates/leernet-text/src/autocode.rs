//! Auto-coding suggestions: keyword, phrase and exclusion rules per code, Dutch and English.
//!
//! A rules file (TOML) looks like this:
//!
//! ```toml
//! # Which codes may be suggested for which question: code families or whole keys.
//! [questions]
//! themes_other = ["theme"]
//!
//! [[code]]
//! key = "theme.collaboration"
//! [code.nl]
//! keywords = ["samenwerking", "afstem*"]       # one word; `*` = any ending, no stemming
//! phrases = ["elkaar kennen"]                  # consecutive words, each matched like a keyword
//! exclusions = ["geen samenwerking"]           # a match that overlaps one of these is dropped
//! [code.en]
//! keywords = ["collaboration"]
//! ```
//!
//! A keyword matches a word by Snowball stem, and for Dutch also inside compounds (see
//! [`crate::stem`]). Every [`Suggestion`] names the rule that matched and its span in code
//! points. Suggestions stay suggestions: nothing here writes a coding.

use crate::stem::{Lang, Stemmers};
use crate::tokens::{tokenize, Span, Token};
use crate::TextError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The rules of one language for one code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangRules {
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub phrases: Vec<String>,
    #[serde(default)]
    pub exclusions: Vec<String>,
}

/// The rules for one code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRules {
    /// The code's key, such as `theme.collaboration`.
    pub key: String,
    #[serde(default)]
    pub nl: LangRules,
    #[serde(default)]
    pub en: LangRules,
}

/// A whole rules file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Question name to the code families (or keys) that may be suggested for it. When
    /// empty, every code may be suggested everywhere.
    #[serde(default)]
    pub questions: BTreeMap<String, Vec<String>>,
    #[serde(default, rename = "code")]
    pub codes: Vec<CodeRules>,
}

impl RuleSet {
    /// Reads a rules file; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<RuleSet, TextError> {
        let set: RuleSet = toml::from_str(text).map_err(|e| TextError::Rules {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        let mut seen = std::collections::BTreeSet::new();
        for c in &set.codes {
            if !seen.insert(c.key.as_str()) {
                return Err(TextError::Rules {
                    file: file.to_owned(),
                    message: format!("code {:?} has two [[code]] tables", c.key),
                });
            }
            for (lang, r) in [("nl", &c.nl), ("en", &c.en)] {
                for (field, list) in [
                    ("keywords", &r.keywords),
                    ("phrases", &r.phrases),
                    ("exclusions", &r.exclusions),
                ] {
                    for p in list {
                        if tokenize(p).is_empty() {
                            return Err(TextError::Rules {
                                file: file.to_owned(),
                                message: format!(
                                    "code {:?}, {lang}.{field}: {p:?} has no word in it",
                                    c.key
                                ),
                            });
                        }
                        if field == "keywords" && tokenize(p).len() > 1 {
                            return Err(TextError::Rules {
                                file: file.to_owned(),
                                message: format!(
                                    "code {:?}, {lang}.keywords: {p:?} has several words; put it under phrases",
                                    c.key
                                ),
                            });
                        }
                    }
                }
            }
        }
        Ok(set)
    }
}

/// Whether a rule is a keyword or a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    Keyword,
    Phrase,
}

/// The rule that produced a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rule {
    /// The code's key.
    pub code: String,
    pub lang: Lang,
    pub kind: MatchKind,
    /// The keyword or phrase as written in the rules.
    pub pattern: String,
}

/// A suggested coding: a code on a span, with the rule that matched.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Suggestion {
    /// The code's key.
    pub code: String,
    /// Where, in code points, half-open.
    pub span: Span,
    /// The text of the span.
    pub matched: String,
    pub rule: Rule,
}

/// One word of a compiled pattern.
#[derive(Debug, Clone)]
struct Word {
    stem: String,
    prefix_only: bool,
}

/// A keyword or phrase, compiled for one language.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub(crate) lang: Lang,
    pub(crate) text: String,
    words: Vec<Word>,
}

impl Pattern {
    pub(crate) fn new(stemmers: &Stemmers, lang: Lang, text: &str) -> Pattern {
        let mut words = Vec::new();
        let trimmed = text.trim();
        let toks = tokenize(trimmed);
        let n = toks.len();
        for (i, t) in toks.into_iter().enumerate() {
            // A `*` right after the last word makes it a prefix.
            let prefix_only = i + 1 == n && trimmed.ends_with('*');
            let stem = if prefix_only {
                t.lower.clone()
            } else {
                stemmers.stem(lang, &t.lower)
            };
            words.push(Word { stem, prefix_only });
        }
        Pattern {
            lang,
            text: trimmed.to_owned(),
            words,
        }
    }

    /// Every place where the pattern matches consecutive tokens.
    pub(crate) fn find(&self, stemmers: &Stemmers, toks: &[Analysed]) -> Vec<Span> {
        let mut out = Vec::new();
        if self.words.is_empty() || toks.len() < self.words.len() {
            return out;
        }
        for i in 0..=toks.len() - self.words.len() {
            let ok = self.words.iter().enumerate().all(|(k, w)| {
                let t = &toks[i + k];
                stemmers
                    .word_matches(
                        self.lang,
                        &w.stem,
                        w.prefix_only,
                        &t.token.lower,
                        t.stem(self.lang),
                    )
                    .is_some()
            });
            if ok {
                out.push(Span {
                    start: toks[i].token.span.start,
                    end: toks[i + self.words.len() - 1].token.span.end,
                });
            }
        }
        out
    }
}

/// A token with its stems in both languages.
#[derive(Debug, Clone)]
pub(crate) struct Analysed {
    pub(crate) token: Token,
    nl: String,
    en: String,
}

impl Analysed {
    pub(crate) fn stem(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

pub(crate) fn analyse(stemmers: &Stemmers, text: &str) -> Vec<Analysed> {
    tokenize(text)
        .into_iter()
        .map(|token| Analysed {
            nl: stemmers.stem(Lang::Nl, &token.lower),
            en: stemmers.stem(Lang::En, &token.lower),
            token,
        })
        .collect()
}

#[derive(Debug)]
struct CompiledCode {
    key: String,
    rules: Vec<(MatchKind, Pattern)>,
    exclusions: Vec<Pattern>,
}

/// Applies a [`RuleSet`] to answers.
#[derive(Debug)]
pub struct AutoCoder {
    stemmers: Stemmers,
    questions: BTreeMap<String, Vec<String>>,
    codes: Vec<CompiledCode>,
}

impl AutoCoder {
    /// Compiles the rules.
    pub fn new(rules: &RuleSet) -> AutoCoder {
        let stemmers = Stemmers::new();
        let codes = rules
            .codes
            .iter()
            .map(|c| {
                let mut compiled = Vec::new();
                let mut exclusions = Vec::new();
                for (lang, r) in [(Lang::Nl, &c.nl), (Lang::En, &c.en)] {
                    for k in &r.keywords {
                        compiled.push((MatchKind::Keyword, Pattern::new(&stemmers, lang, k)));
                    }
                    for p in &r.phrases {
                        compiled.push((MatchKind::Phrase, Pattern::new(&stemmers, lang, p)));
                    }
                    for e in &r.exclusions {
                        exclusions.push(Pattern::new(&stemmers, lang, e));
                    }
                }
                CompiledCode {
                    key: c.key.clone(),
                    rules: compiled,
                    exclusions,
                }
            })
            .collect();
        AutoCoder {
            stemmers,
            questions: rules.questions.clone(),
            codes,
        }
    }

    /// Whether `code` may be suggested for `question` (see [`RuleSet::questions`]).
    pub fn allowed(&self, question: Option<&str>, code: &str) -> bool {
        let (Some(q), false) = (question, self.questions.is_empty()) else {
            return true;
        };
        self.questions.get(q).is_some_and(|fams| {
            fams.iter().any(|f| {
                code == f || (code.starts_with(f.as_str()) && code[f.len()..].starts_with('.'))
            })
        })
    }

    /// The suggestions for one answer to `question` (or to any question when `None`),
    /// ordered by span and code; one per code and span (the first rule in the file wins).
    pub fn suggest(&self, question: Option<&str>, text: &str) -> Vec<Suggestion> {
        let toks = analyse(&self.stemmers, text);
        let mut out: BTreeMap<(Span, String), Suggestion> = BTreeMap::new();
        for code in &self.codes {
            if !self.allowed(question, &code.key) {
                continue;
            }
            let excluded: Vec<Span> = code
                .exclusions
                .iter()
                .flat_map(|e| e.find(&self.stemmers, &toks))
                .collect();
            for (kind, pattern) in &code.rules {
                for span in pattern.find(&self.stemmers, &toks) {
                    if excluded.iter().any(|x| x.overlaps(&span)) {
                        continue;
                    }
                    out.entry((span, code.key.clone()))
                        .or_insert_with(|| Suggestion {
                            code: code.key.clone(),
                            span,
                            matched: span.slice(text).unwrap_or_default().to_owned(),
                            rule: Rule {
                                code: code.key.clone(),
                                lang: pattern.lang,
                                kind: *kind,
                                pattern: pattern.text.clone(),
                            },
                        });
                }
            }
        }
        out.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"
[questions]
themes_other = ["theme"]

[[code]]
key = "theme.collaboration"
[code.nl]
keywords = ["samenwerking"]
exclusions = ["geen samenwerking"]
[code.en]
keywords = ["collaboration"]

[[code]]
key = "theme.integrated_care_welfare"
[code.nl]
keywords = ["integraal", "ontschot*"]
phrases = ["zorg en welzijn"]

[[code]]
key = "agenda.co_created"
[code.nl]
phrases = ["samen kiezen"]
"#;

    fn coder() -> AutoCoder {
        AutoCoder::new(&RuleSet::from_toml("test.toml", RULES).unwrap())
    }

    fn codes(s: &[Suggestion]) -> Vec<(&str, &str)> {
        s.iter()
            .map(|s| (s.code.as_str(), s.matched.as_str()))
            .collect()
    }

    #[test]
    fn the_issues_examples() {
        let c = coder();
        let text = "Samenwerkingsvraagstukken: we samenwerken graag, en wie samenwerkt wint. Een integrale aanpak.";
        let s = c.suggest(None, text);
        assert_eq!(
            codes(&s),
            vec![
                ("theme.collaboration", "Samenwerkingsvraagstukken"),
                ("theme.collaboration", "samenwerken"),
                ("theme.collaboration", "samenwerkt"),
                ("theme.integrated_care_welfare", "integrale"),
            ]
        );
        assert_eq!(s[0].rule.pattern, "samenwerking");
        assert_eq!(s[0].rule.kind, MatchKind::Keyword);
        assert_eq!(s[0].rule.lang, Lang::Nl);
    }

    #[test]
    fn spans_are_code_points_and_exclusions_drop_matches() {
        let c = coder();
        let text = "😀 Er is geen samenwerking. 😀 Wel samenwerking met de buurt.";
        let s = c.suggest(None, text);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].span, Span { start: 33, end: 45 });
        let cps: Vec<char> = text.chars().collect();
        assert_eq!(cps[33..45].iter().collect::<String>(), "samenwerking");
    }

    #[test]
    fn phrases_prefixes_english_and_questions() {
        let c = coder();
        let s = c.suggest(
            None,
            "Ontschotting van zorg en welzijn; good collaboration. We kiezen samen.",
        );
        assert_eq!(
            codes(&s),
            vec![
                ("theme.integrated_care_welfare", "Ontschotting"),
                ("theme.integrated_care_welfare", "zorg en welzijn"),
                ("theme.collaboration", "collaboration"),
            ]
        );
        assert!(c.suggest(Some("themes_other"), "samenwerking").len() == 1);
        assert!(c.suggest(Some("agenda_how"), "samenwerking").is_empty());
    }

    #[test]
    fn bad_rules_name_the_code() {
        let e = RuleSet::from_toml(
            "r.toml",
            "[[code]]\nkey = \"a\"\n[code.nl]\nkeywords = [\"twee woorden\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("r.toml") && e.contains("\"a\"") && e.contains("phrases"),
            "{e}"
        );
    }
}
