//! `GET /admin/audit`: the audit log for researchers — who exported, erased or pseudonymised
//! personal data, changed a role, set or applied a retention date, opened or closed a wave,
//! sent invitation e-mails, imported or exported responses, settled a coding consensus or
//! changed a codebook, and when (newest first).
//!
//! Why a page: the researcher answers for what happened to respondents' data and should not
//! need a terminal on the server to see it. Researchers only (the log names accounts); it
//! holds ids and counts, never answers.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::extract::State;
use axum::response::Response;
use leernet_core::Role;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The translation key of a stored action, when there is one.
fn action_key(action: &str) -> Option<String> {
    leernet_store::Action::ALL
        .iter()
        .any(|a| a.as_str() == action)
        .then(|| format!("audit.action_{}", action.replace('.', "_")))
}

/// `GET /admin/audit`.
pub async fn list(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    v.require(&[Role::Researcher])?;
    let lang = v.lang.lang;
    let store = &state.store;
    let log = store.audit_log().await?;
    let names: BTreeMap<String, String> = store
        .persons()
        .await?
        .into_iter()
        .map(|p| (format!("person:{}", p.id.0), p.name))
        .collect();
    let waves: BTreeMap<String, String> = store
        .waves()
        .await?
        .into_iter()
        .map(|w| (format!("wave:{}", w.id.0), w.name))
        .collect();
    let shown = |id: &str| match names.get(id).or_else(|| waves.get(id)) {
        // a person or wave by its name; the id only when the name is gone (issue 18)
        Some(n) => n.clone(),
        None => id.to_owned(),
    };
    let rows: Vec<_> = log
        .iter()
        .rev()
        .map(|e| {
            minijinja::context! {
                // in Europe/Amsterdam, the way people write it (issue 18)
                at => crate::lang::local_date_time(e.at, lang),
                actor => shown(&e.actor),
                action => e.action.clone(),
                action_key => action_key(&e.action),
                subject => shown(&e.subject.as_string()),
                detail => e.detail.clone(),
            }
        })
        .collect();
    crate::page::render(
        &state,
        &v,
        "audit.html",
        minijinja::context! { entries => rows },
    )
}
