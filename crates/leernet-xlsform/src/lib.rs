//! leernet-xlsform: XLSForm questionnaires as leernet understands them.
//!
//! Pure: it takes bytes and answers, never opens files. [`Form::from_workbook`] reads a
//! `.xlsx`, `.xls` or `.ods` workbook (via calamine) into a validated [`Form`]:
//! questions, choice lists, groups and repeats, settings, translations. [`check`] gives
//! the report of `leernet instrument check`. [`Form::check_value`] says whether a stored
//! value fits its question.
//!
//! Modules: [`read`] (workbook to sheets), [`kind`] (the `type` column), [`form`] (the
//! model and its structural checks), [`value`] (stored values), [`diag`] (diagnostics),
//! [`dates`] (calendar arithmetic).

pub mod answers;
pub mod dates;
pub mod diag;
pub mod expr;
pub mod form;
pub mod kind;
pub mod read;
mod validate;
pub mod value;

pub use answers::{Answers, EvalOptions, Evaluation, QuestionState};
pub use diag::{CheckReport, Diagnostic, FormError, Severity};
pub use form::{Choice, Form, Group, Item, Language, Question, Text};
pub use kind::{Media, Metadata, QuestionKind};
pub use value::ValueError;

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
