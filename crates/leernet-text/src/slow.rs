//! Candidate slow questions (*trage vragen*): transparent rules, no model.
//!
//! A sentence is a candidate when it has **question form** (it ends with `?`, or opens with
//! a question start such as *waarom*, *mag*, *wie bepaalt*, *why*, *should*) **and** names at
//! least one term of the **value/ethics lexicon** (*eigen kracht*, *zelfredzaamheid*,
//! *privacy*, *gelijkwaardig*, *fairness*, ...). The lexicon is data
//! (`data/slow_questions.toml`, compiled in; [`SlowLexicon::from_toml`] reads another one).
//! Every hint says which cue and which terms made it a candidate; coders confirm.

use crate::autocode::{analyse, Pattern};
use crate::stem::{Lang, Stemmers};
use crate::tokens::{sentences, Span};
use crate::TextError;
use serde::Deserialize;

/// The lexicon shipped with leernet.
pub const DEFAULT_LEXICON: &str = include_str!("../data/slow_questions.toml");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LangLexicon {
    #[serde(default)]
    question_starts: Vec<String>,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    nl: LangLexicon,
    #[serde(default)]
    en: LangLexicon,
}

/// Why a sentence has question form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionCue {
    /// It ends with a question mark.
    QuestionMark,
    /// It opens with this question start (as written in the lexicon).
    Start { lang: Lang, start: String },
}

/// A value term found in a candidate sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueTerm {
    pub lang: Lang,
    /// The term as written in the lexicon.
    pub term: String,
    /// Where it was found, in code points of the whole text.
    pub span: Span,
}

/// A candidate slow question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowHint {
    /// The sentence, in code points of the whole text.
    pub span: Span,
    /// The sentence's text.
    pub sentence: String,
    pub cue: QuestionCue,
    /// The value terms it names (at least one).
    pub values: Vec<ValueTerm>,
}

/// The compiled question starts and value lexicon.
#[derive(Debug)]
pub struct SlowLexicon {
    stemmers: Stemmers,
    starts: Vec<(Pattern, Vec<String>)>,
    values: Vec<Pattern>,
}

impl Default for SlowLexicon {
    fn default() -> Self {
        // The shipped file is tested; reading it cannot fail at run time.
        SlowLexicon::from_toml("data/slow_questions.toml", DEFAULT_LEXICON).unwrap_or_else(|_| {
            SlowLexicon {
                stemmers: Stemmers::new(),
                starts: Vec::new(),
                values: Vec::new(),
            }
        })
    }
}

impl SlowLexicon {
    /// Reads a lexicon file; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<SlowLexicon, TextError> {
        let f: LexiconFile = toml::from_str(text).map_err(|e| TextError::Rules {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        let stemmers = Stemmers::new();
        let mut starts = Vec::new();
        let mut values = Vec::new();
        for (lang, l) in [(Lang::Nl, &f.nl), (Lang::En, &f.en)] {
            for s in &l.question_starts {
                // Question starts match the words as written (lower case), not by stem:
                // "mag" must not match "magazijn".
                let words: Vec<String> = crate::tokens::tokenize(s)
                    .into_iter()
                    .map(|t| t.lower)
                    .collect();
                if words.is_empty() {
                    return Err(TextError::Rules {
                        file: file.to_owned(),
                        message: format!("{}.question_starts: {s:?} has no word", lang.as_str()),
                    });
                }
                starts.push((Pattern::new(&stemmers, lang, s), words));
            }
            for v in &l.values {
                if crate::tokens::tokenize(v).is_empty() {
                    return Err(TextError::Rules {
                        file: file.to_owned(),
                        message: format!("{}.values: {v:?} has no word", lang.as_str()),
                    });
                }
                values.push(Pattern::new(&stemmers, lang, v));
            }
        }
        Ok(SlowLexicon {
            stemmers,
            starts,
            values,
        })
    }

    /// The candidate slow questions in `text`, in text order.
    pub fn hints(&self, text: &str) -> Vec<SlowHint> {
        let toks = analyse(&self.stemmers, text);
        let mut out = Vec::new();
        for sent in sentences(text) {
            let in_sent: Vec<_> = toks
                .iter()
                .filter(|t| t.token.span.start >= sent.start && t.token.span.end <= sent.end)
                .cloned()
                .collect();
            let sentence = sent.slice(text).unwrap_or_default().to_owned();
            let cue = if sentence
                .trim_end_matches(['"', '\'', ')', '’', '”'])
                .ends_with('?')
            {
                Some(QuestionCue::QuestionMark)
            } else {
                self.starts.iter().find_map(|(p, words)| {
                    let opens = words.len() <= in_sent.len()
                        && words.iter().zip(&in_sent).all(|(w, t)| *w == t.token.lower);
                    opens.then(|| QuestionCue::Start {
                        lang: p.lang,
                        start: p.text.clone(),
                    })
                })
            };
            let Some(cue) = cue else { continue };
            let mut values: Vec<ValueTerm> = Vec::new();
            for v in &self.values {
                for span in v.find(&self.stemmers, &in_sent) {
                    if !values.iter().any(|x| x.span.overlaps(&span)) {
                        values.push(ValueTerm {
                            lang: v.lang,
                            term: v.text.clone(),
                            span,
                        });
                    }
                }
            }
            if values.is_empty() {
                continue;
            }
            values.sort_by_key(|v| v.span);
            out.push(SlowHint {
                span: sent,
                sentence,
                cue,
                values,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_form_plus_value_term() {
        let lex = SlowLexicon::default();
        let h = lex.hints(
            "We hebben veel geleerd. Waarom streven we eigenlijk naar zelfredzaamheid? \
             Hoe laat begint de bijeenkomst?",
        );
        assert_eq!(h.len(), 1, "{h:?}");
        assert_eq!(
            h[0].sentence,
            "Waarom streven we eigenlijk naar zelfredzaamheid?"
        );
        assert_eq!(h[0].values[0].term, "zelfredzaam*");
        let h = lex.hints("Wat is eigen kracht voor deze bewoner");
        assert_eq!(h.len(), 1);
        assert!(matches!(&h[0].cue, QuestionCue::Start { start, .. } if start == "wat is"));
        assert_eq!(h[0].values[0].term, "eigen kracht");
        let h = lex.hints("Why do we push self-reliance so hard");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].values[0].lang, Lang::En);
        assert!(matches!(
            &h[0].cue,
            QuestionCue::Start { lang: Lang::En, .. }
        ));
        assert!(
            lex.hints("Eigen kracht is belangrijk.").is_empty(),
            "no question form"
        );
    }

    #[test]
    fn the_shipped_lexicon_reads() {
        SlowLexicon::from_toml("data/slow_questions.toml", DEFAULT_LEXICON).unwrap();
    }
}
