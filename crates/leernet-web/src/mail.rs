//! Invitations by e-mail: the researcher's "send invitations by e-mail" button on a wave's
//! page. The `[smtp]` settings and the mailer (lettre over SMTP) are the application's
//! ([`leernet_app::mail`], re-exported here), shared with `leernet notify send`.
//!
//! Why here and not by hand: a researcher with 200 member addresses should not have to mail
//! merge the links from the CSV (which keeps working for those who prefer that). Each
//! invitation that has an e-mail address gets one message with its own link, in Dutch and
//! English (texts from `locales/`, section `[fieldwork2]`). Each success is recorded
//! (`sent_at`, one row at a time, right after the server accepted the message), so a second
//! press sends only to the addresses that did not get one, unless the researcher asks to
//! send again; submitted invitations are never mailed. Failures are reported per address on
//! the page and logged without the address (LOGGING.md): only the invitation's id.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use leernet_core::{Lang, ResponseStatus, Role, WaveStatus};
use serde::Deserialize;
use std::sync::Arc;

pub use leernet_app::mail::{MailError, Mailer, SmtpSettings, TlsMode};

/// The posted form of the send button.
#[derive(Debug, Deserialize)]
pub struct SendForm {
    csrf_token: Option<String>,
    /// "1": also send again to addresses that got their link before.
    #[serde(default)]
    resend: Option<String>,
}

/// The text of one invitation: Dutch, then English.
fn invitation_text(
    state: &AppState,
    instrument: &leernet_core::Bilingual,
    link: &str,
) -> (String, String) {
    let fill = |lang: Lang, key: &str| {
        state
            .catalog
            .table(lang)
            .get(key)
            .cloned()
            .unwrap_or_default()
            .replace("{instrument}", instrument.get(lang))
            .replace("{link}", link)
    };
    let subject = format!(
        "{} / {}",
        fill(Lang::Nl, "fieldwork2.mail_subject"),
        fill(Lang::En, "fieldwork2.mail_subject")
    );
    let body = format!(
        "{}\n\n-- English --\n\n{}\n",
        fill(Lang::Nl, "fieldwork2.mail_body"),
        fill(Lang::En, "fieldwork2.mail_body")
    );
    (subject, body)
}

/// `POST /admin/waves/{id}/send`: sends every not-yet-sent invitation of the wave that has an
/// e-mail address its link (with `resend=1` also those sent before); submitted ones never.
/// The wave must be open. Shows the wave's page with what was sent and what failed.
pub async fn send_invitations(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(f): Form<SendForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(&[Role::Researcher])?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let store = &state.store;
    let wave = store
        .wave(leernet_core::WaveId(id))
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let t = state.catalog.table(lang);
    let say = |k: &str| t.get(k).cloned().unwrap_or_default();
    let Some(mailer) = state.mailer.clone() else {
        return crate::admin::wave_page(
            &state,
            &v,
            user,
            id,
            Some(say("fieldwork2.send_no_smtp")),
            None,
            StatusCode::CONFLICT,
        )
        .await;
    };
    if wave.status != WaveStatus::Open {
        return crate::admin::wave_page(
            &state,
            &v,
            user,
            id,
            Some(say("fieldwork2.send_not_open")),
            None,
            StatusCode::CONFLICT,
        )
        .await;
    }
    let resend = f.resend.as_deref() == Some("1");
    let instrument = store
        .instruments()
        .await?
        .into_iter()
        .find(|i| i.id == wave.instrument)
        .map(|i| i.title)
        .unwrap_or_default();
    let base = crate::admin::public_base(&state, &headers).ok_or(AppError::NeedsPublicUrl(lang))?;
    let sent_before = store.invitations_sent(wave.id).await?;
    let (mut sent, mut skipped) = (0usize, 0usize);
    let mut failed = Vec::new();
    for inv in store.invitations(Some(wave.id)).await? {
        let Some(email) = inv.email.as_deref() else {
            continue;
        };
        if inv.status == Some(ResponseStatus::Submitted)
            || (sent_before.contains_key(&inv.id) && !resend)
        {
            skipped += 1;
            continue;
        }
        let link = format!("{base}/s/{}", inv.token.as_str());
        let (subject, body) = invitation_text(&state, &instrument, &link);
        match mailer.send(email, &subject, body).await {
            Ok(()) => {
                store.mark_invitation_sent(inv.id, state.now()).await?;
                sent += 1;
            }
            Err(why) => {
                tracing::warn!(
                    invitation = inv.id.0,
                    "an invitation e-mail was not accepted"
                );
                failed.push(minijinja::context! { email => email.to_owned(), why => why });
            }
        }
    }
    // The audit log holds the counts (never an address): who sent this wave's links, when.
    store
        .audit(&leernet_store::NewAudit {
            at: state.now(),
            actor: leernet_store::Actor::Person(user.id),
            action: leernet_store::Action::InvitationsSend,
            subject: leernet_store::AuditSubject::Wave(wave.id),
            detail: format!(
                "sent={sent} skipped={skipped} failed={} resend={resend}",
                failed.len()
            ),
        })
        .await?;
    tracing::info!(
        wave = id,
        sent,
        skipped,
        failed = failed.len(),
        "invitations sent by e-mail"
    );
    let status = if failed.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_GATEWAY
    };
    crate::admin::wave_page(
        &state,
        &v,
        user,
        id,
        None,
        Some(minijinja::context! { sent => sent, skipped => skipped, failed => failed }),
        status,
    )
    .await
}
