//! Snowball stemming for Dutch and English, and the Dutch compound match.
//!
//! Dutch writes compounds as one word: *samenwerkingsvraagstukken* is *samenwerking* + linking
//! *s* + *vraagstukken*. A keyword matches a word when their stems are equal, or — for Dutch
//! keywords whose stem has at least [`MIN_COMPOUND_STEM`] letters — when the word begins
//! with the keyword's stem (the keyword is the compound's first part, or the same word with
//! another ending: *samenwerkt*), or when the word's stem ends with the keyword's stem after
//! at least three other letters (the keyword is the compound's head: *buurtsamenwerking*).

use rust_stemmers::{Algorithm, Stemmer};

/// The shortest keyword stem used for compound matches; shorter ones must match whole.
pub const MIN_COMPOUND_STEM: usize = 5;

/// The languages leernet stems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    /// Both languages, Dutch first.
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// `nl` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
}

/// The two Snowball stemmers.
pub struct Stemmers {
    nl: Stemmer,
    en: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers::new()
    }
}

impl std::fmt::Debug for Stemmers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmers")
    }
}

impl Stemmers {
    /// Both stemmers.
    pub fn new() -> Stemmers {
        Stemmers {
            nl: Stemmer::create(Algorithm::Dutch),
            en: Stemmer::create(Algorithm::English),
        }
    }

    /// The stem of a lower-case word.
    pub fn stem(&self, lang: Lang, word: &str) -> String {
        match lang {
            Lang::Nl => self.nl.stem(word).into_owned(),
            Lang::En => self.en.stem(word).into_owned(),
        }
    }

    /// Whether `word` (lower case) is matched by a keyword with stem `kw_stem`, and how.
    pub fn word_matches(
        &self,
        lang: Lang,
        kw_stem: &str,
        prefix_only: bool,
        word: &str,
        word_stem: &str,
    ) -> Option<WordMatch> {
        if prefix_only {
            return word.starts_with(kw_stem).then_some(WordMatch::Prefix);
        }
        if word_stem == kw_stem {
            return Some(WordMatch::Stem);
        }
        if lang == Lang::Nl && kw_stem.chars().count() >= MIN_COMPOUND_STEM {
            if word.starts_with(kw_stem) {
                return Some(WordMatch::CompoundStart);
            }
            if word_stem.ends_with(kw_stem)
                && word_stem.chars().count() >= kw_stem.chars().count() + 3
            {
                return Some(WordMatch::CompoundHead);
            }
        }
        None
    }
}

/// How a word matched a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WordMatch {
    /// Same stem.
    Stem,
    /// The word begins with the keyword's stem (Dutch compound or inflection).
    CompoundStart,
    /// The word's stem ends with the keyword's stem (the keyword is the compound's head).
    CompoundHead,
    /// An explicit prefix rule (`keyword*`).
    Prefix,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(kw: &str, word: &str) -> Option<WordMatch> {
        let s = Stemmers::new();
        let ks = s.stem(Lang::Nl, kw);
        s.word_matches(Lang::Nl, &ks, false, word, &s.stem(Lang::Nl, word))
    }

    #[test]
    fn dutch_compounds_and_inflections() {
        for w in [
            "samenwerking",
            "samenwerkingsvraagstukken",
            "samenwerken",
            "samenwerkt",
        ] {
            assert!(m("samenwerking", w).is_some(), "{w}");
        }
        assert!(m("samenwerking", "buurtsamenwerking").is_some());
        assert_eq!(m("integraal", "integrale"), Some(WordMatch::Stem));
        assert!(m("samenwerking", "werking").is_none());
        assert!(
            m("zorg", "zorgvuldig").is_none(),
            "short stems match whole words only"
        );
    }
}
