//! Text methods for qualitative coding, pure: no I/O, no clock, no storage.
//!
//! - [`tokens`]: words and sentences with their spans in Unicode code points (the positions
//!   REFI-QDA and leernet's segments use), half-open `[start, end)`.
//! - [`stem`]: Dutch and English Snowball stemming (rust-stemmers) and the Dutch compound
//!   match (*samenwerking* finds *samenwerkingsvraagstukken*).
//! - [`autocode`]: keyword, phrase and exclusion rules per code, read from TOML; every
//!   [`Suggestion`] carries its span and the rule that matched.
//! - [`eval`]: precision and recall of suggestions against human codings.
//! - [`slow`]: candidate slow questions (*trage vragen*): question form plus a value/ethics
//!   lexicon, both data (`data/slow_questions.toml`).
//! - [`search`]: full-text search with Dutch stemming (tantivy), filtered by wave, network,
//!   question and code.

pub mod autocode;
pub mod eval;
pub mod search;
pub mod slow;
pub mod stem;
pub mod tokens;

pub use autocode::{AutoCoder, CodeRules, LangRules, MatchKind, Rule, RuleSet, Suggestion};
pub use eval::{
    evaluate, evaluate_autocoder, evaluate_spans, Answer, AutoCodeEvaluation, Evaluation, Figures,
    SpanUnit, Unit,
};
pub use search::{SearchDoc, SearchHit, SearchIndex, SearchQuery};
pub use slow::{SlowHint, SlowLexicon};
pub use stem::{Lang, Stemmers};
pub use tokens::{sentences, tokenize, Span, Token};

/// What can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// A rules or lexicon file could not be read.
    #[error("{file}: {message}")]
    Rules {
        /// The file (or a name for it).
        file: String,
        /// What is wrong, naming the code and field where there is one.
        message: String,
    },
    /// The search index failed.
    #[error("search index: {0}")]
    Search(String),
}
