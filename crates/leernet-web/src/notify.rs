//! Workspace e-mails from the web app: right after a vote opened or a session was planned,
//! the outbox is sent in a background task, so the facilitator's request is not slowed.
//!
//! What is sent, to whom and how a message is claimed is the application's use case
//! ([`leernet_app::outbox`], re-exported here); this module only runs it off the request,
//! one send at a time per app ([`AppState`]'s lock).

use crate::AppState;
use std::sync::Arc;

pub use leernet_app::outbox::{message_text, send_outbox, Sent, Text};

/// Sends the outbox in a background task (best effort: a failure is logged and the messages
/// wait for the next send). Does nothing without `[smtp]`.
pub fn spawn_send(state: Arc<AppState>, base: String) {
    let Some(mailer) = state.mailer.clone() else {
        return;
    };
    // the links go to this study's pages (`/studies/{slug}` when serving an installation)
    let base = format!("{}{}", base.trim_end_matches('/'), state.base());
    tokio::spawn(async move {
        let _one_at_a_time = state.notify_lock.lock().await;
        if let Err(e) =
            send_outbox(&state.store, &mailer, &state.catalog, &base, &*state.clock).await
        {
            tracing::warn!(error = %e, "workspace e-mails: the outbox could not be read");
        }
    });
}
