//! Coding open answers in the browser: assignments (blind double coding), the coder's queue,
//! one answer with the respondent's closed answers beside it, codings by selection, by
//! offsets or of the whole answer, auto-coding suggestions to accept or reject, slow-question
//! candidates to confirm, the lead's disagreements and consensus, agreement figures, the
//! slow-question register and full-text search.
//!
//! Who sees what: only researchers reach these pages (others 403, strangers the login page).
//! An assignment is seen by its lead and its coders only (other researchers 404). While an
//! assignment is open a coder sees only their own codings; the lead sees the coders' codings
//! side by side only when every coder finished (before that: 409 with a message). Every
//! refusal of the store (`leernet_store::Refusal`) comes back as a message on the page, and
//! nothing is stored. Answers are never logged.

use crate::auth::{User, Visitor};
use crate::form::HtmlForm;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use forms::*;
use leernet_analysis::coding_agreement::{self, CodingAgreement, Coefficients};
use leernet_core::*;
use leernet_store::{
    Assignment, AssignmentId, CodeFields, NewAssignment, Refusal, SlowStatus, SpanCode,
    SuggestionDecision,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

mod answer;
mod assignments;
mod codebook;
mod consensus;
pub mod document_coding;
pub mod documents;
mod forms;
mod log;
mod register;
mod retrieval;
pub mod workbench;

pub use answer::*;
pub use assignments::*;
pub use codebook::*;
pub use consensus::*;
pub use register::*;
pub use retrieval::{cooccurrence, matrix, passages};

const RESEARCHER: &[Role] = &[Role::Researcher];
/// The longest reason or memo accepted.
const MAX_NOTE: usize = 2000;

/// The message key and status of a refusal.
fn refusal(r: &Refusal) -> (&'static str, StatusCode) {
    match r {
        Refusal::NoAssignment | Refusal::NotACoder | Refusal::NotInAssignment => {
            ("coding_ui.err_not_found", StatusCode::NOT_FOUND)
        }
        Refusal::NotTheLead => ("coding_ui.err_not_lead", StatusCode::FORBIDDEN),
        Refusal::Finished => ("coding_ui.err_finished", StatusCode::CONFLICT),
        Refusal::AlreadyFinished => ("coding_ui.err_already_finished", StatusCode::CONFLICT),
        Refusal::NotAllFinished => ("coding_ui.err_not_all_finished", StatusCode::CONFLICT),
        Refusal::UnknownCode => (
            "coding_ui.err_unknown_code",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Refusal::OutsideText { .. } => ("coding_ui.err_outside", StatusCode::UNPROCESSABLE_ENTITY),
        Refusal::NoCoding => ("coding_ui.err_no_coding", StatusCode::NOT_FOUND),
        Refusal::Incomplete => ("coding_ui.err_incomplete", StatusCode::UNPROCESSABLE_ENTITY),
        Refusal::NoReason => ("coding_ui.err_no_reason", StatusCode::UNPROCESSABLE_ENTITY),
        Refusal::DuplicateCode => ("coding_ui.err_duplicate_code", StatusCode::CONFLICT),
        Refusal::NoSlowQuestion => ("coding_ui.err_not_found", StatusCode::NOT_FOUND),
        Refusal::NotConfirmed => ("coding_ui.err_not_confirmed", StatusCode::CONFLICT),
        Refusal::AlreadyMoved => ("coding_ui.err_already_moved", StatusCode::CONFLICT),
        Refusal::Unchanged => (
            "codebook_fields.err_unchanged",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// The static script: selection to offsets, keyboard shortcuts.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/coding.js"),
    )
        .into_response()
}

/// The part of `text` between code points `start` and `end`.
fn fragment(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// Open questions: text questions of the stored instruments that have a submitted answer.
async fn open_questions(state: &AppState, lang: Lang) -> Result<Vec<(String, String)>, AppError> {
    let store = &state.store;
    let responses = store.responses(None).await?;
    let waves = store.waves().await?;
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_instruments = BTreeSet::new();
    for w in &waves {
        if !seen_instruments.insert(w.instrument) {
            continue;
        }
        let form = state
            .form(w.instrument)
            .await
            .map_err(|e| AppError::internal(lang, e))?;
        for q in form.questions() {
            if !matches!(q.kind, leernet_xlsform::QuestionKind::Text) {
                continue;
            }
            let answered = responses.iter().any(|r| {
                r.status == ResponseStatus::Submitted
                    && r.answers.get(&q.name).is_some_and(|t| !t.trim().is_empty())
            });
            if answered {
                let label = q.label.get(lang.code());
                out.entry(q.name.clone()).or_insert_with(|| {
                    if label.is_empty() {
                        q.name.clone()
                    } else {
                        // its label only: a person reads no variable names (issue 18)
                        label.to_owned()
                    }
                });
            }
        }
    }
    Ok(out.into_iter().collect())
}

fn person_names(persons: &[Person]) -> BTreeMap<PersonId, String> {
    persons.iter().map(|p| (p.id, p.name.clone())).collect()
}
