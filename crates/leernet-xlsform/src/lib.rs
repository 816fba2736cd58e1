//! leernet-xlsform: XLSForm questionnaires as leernet understands them.
//!
//! Pure: it takes bytes and answers, never opens files.
//!
//! - [`Form::from_workbook`] reads a `.xlsx`, `.xls` or `.ods` workbook (calamine) into
//!   a validated [`Form`]: questions, choice lists, groups and repeats, settings,
//!   translations, every expression parsed. Errors come all at once, each naming the
//!   sheet, the spreadsheet row and the column ([`Diagnostic`]); a file that is no
//!   workbook is [`FormError::Unreadable`].
//! - [`check`] gives the report of `leernet instrument check` (the contract's JSON).
//! - [`Form::check_value`] says whether a stored value fits its question's type and
//!   choices (importers use it).
//! - [`Form::evaluate`] is the answer model fieldwork uses: visibility, missing
//!   required answers, failing constraints with translated messages, calculations,
//!   `choice_filter`, repeats.
//! - [`expr`] is the expression language (XPath 1.0 + ODK functions) over any
//!   [`expr::Scope`]; it is also leernet's rule language for handle conditions.
//!
//! ```no_run
//! use leernet_xlsform::{Answers, EvalOptions, Form};
//!
//! let bytes = std::fs::read("instruments/network.xlsx").unwrap();
//! let form = Form::from_workbook(&bytes, "network.xlsx").unwrap();
//! for q in form.questions() {
//!     println!("{} [{}]: {}", q.name, q.type_text, q.label.get("nl"));
//! }
//! form.check_value("start_year", "2019").unwrap();
//!
//! let mut answers = form.default_answers();
//! answers.set("start_year", "2019");
//! // `now`: days since 1970-01-01 from the caller's clock; `None` leaves `today()` empty.
//! let state = form.evaluate(&answers, &EvalOptions { lang: "nl", now: Some(19_787.5), last_saved: None });
//! let _shown = state.visible();
//! let _missing = state.missing_required(); // (name, message)
//! let _failing = state.failing_constraints(); // (name, translated message)
//! ```
//!
//! Modules: [`read`] (workbook to sheets), [`kind`] (the `type` column), [`form`] (the
//! model and its structural checks), [`expr`] (parse and evaluate expressions),
//! [`answers`] (the answer model), [`value`] (stored values), [`diag`] (diagnostics),
//! [`dates`] (calendar arithmetic), [`guard`] (what a workbook may unpack to).

pub mod answers;
pub mod dates;
pub mod diag;
pub mod expr;
pub mod form;
pub mod guard;
pub mod kind;
mod loops;
pub mod read;
mod validate;
pub mod value;
mod xls_guard;

pub use answers::{Answers, EvalOptions, Evaluation, QuestionState};
pub use diag::{CheckReport, Diagnostic, FormError, Severity};
pub use form::{Choice, Form, Group, Item, Language, Prefill, Question, RespondentTexts, Text};
pub use kind::{Media, Metadata, QuestionKind};
pub use value::{ValueError, MAX_ANSWER_CHARS};

/// Checks a workbook and reports as the command-line contract says. Never panics;
/// an unreadable file gives `valid: false` with `unreadable` set and one error.
pub fn check(bytes: &[u8], file_name: &str) -> CheckReport {
    match Form::from_workbook(bytes, file_name) {
        Ok(f) => CheckReport {
            valid: true,
            questions: f.question_count(),
            errors: Vec::new(),
            warnings: f.warnings().to_vec(),
            unreadable: None,
        },
        Err(FormError::Invalid(d)) => {
            let (errors, warnings) = d.into_iter().partition(|d| d.severity == Severity::Error);
            CheckReport {
                valid: false,
                questions: 0,
                errors,
                warnings,
                unreadable: None,
            }
        }
        Err(FormError::Unreadable(s)) => CheckReport {
            valid: false,
            questions: 0,
            errors: vec![Diagnostic::error("", None, None, s.clone())],
            warnings: Vec::new(),
            unreadable: Some(s),
        },
    }
}
