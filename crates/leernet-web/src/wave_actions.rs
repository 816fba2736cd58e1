//! A wave's invitations at scale (issue 18, item 3), beside the wave's page in `admin.rs`:
//! revoking one link (after a confirmation page; the link then shows the respondent a clear
//! page, and a response already given stays), mailing one link again, reminders to those
//! who have not finished (by hand, after a ticked confirmation, and the wave's schedule that
//! `leernet notify send` carries out), and the page's small script (`static/wave.js`: only
//! the fields of the chosen invitation type, "all networks", copy buttons; the page works
//! without it).
//!
//! Researchers only; each change is audited by the store or `leernet_app::reminders`.

use crate::admin::{wave_page_with, WaveExtras};
use crate::auth::Visitor;
use crate::form::HtmlForm;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leernet_core::{InvitationId, Role, WaveId, WaveStatus};
use leernet_store::{Actor, InvitationRow};
use std::sync::Arc;

const RESEARCHER: &[Role] = &[Role::Researcher];

/// A form with only its CSRF token.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CsrfForm {
    csrf_token: Option<String>,
}

/// The invitation `inv` of wave `id`, or 404 (also for another wave's invitation).
async fn invitation_of(
    state: &AppState,
    id: i64,
    inv: i64,
    lang: leernet_core::Lang,
) -> Result<(leernet_core::Wave, InvitationRow), AppError> {
    let wave = state
        .store
        .wave(WaveId(id))
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let row = state
        .store
        .invitation(InvitationId(inv))
        .await?
        .filter(|i| i.wave == wave.id)
        .ok_or(AppError::NotFound(lang))?;
    Ok((wave, row))
}

/// What a mailed survey link starts with: `public_url` (a survey link `/s/{token}` is the
/// installation's, whatever study holds the token).
fn mail_base(state: &AppState) -> Option<String> {
    state
        .public_url
        .as_ref()
        .map(|u| u.trim_end_matches('/').to_owned())
}

/// `GET /admin/waves/{id}/invitations/{inv}/revoke`: what revoking does, and the button.
pub async fn revoke_page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, inv)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    let (wave, row) = invitation_of(&state, id, inv, lang).await?;
    let network = state
        .store
        .networks()
        .await?
        .into_iter()
        .find(|n| n.id == row.network)
        .map(|n| n.name)
        .unwrap_or_default();
    crate::page::render(
        &state,
        &v,
        "wave_revoke.html",
        minijinja::context! {
            wave => minijinja::context! { id => wave.id.0, name => wave.name },
            invitation => minijinja::context! {
                id => row.id.0,
                network => network,
                email => row.email,
                revoked => row.revoked_at.is_some(),
                started => row.status.is_some(),
            },
        },
    )
}

/// `POST /admin/waves/{id}/invitations/{inv}/revoke`: the link takes no answers from now
/// on; audited once; 303 back to the wave's invitations.
pub async fn revoke(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, inv)): Path<(i64, i64)>,
    HtmlForm(f): HtmlForm<CsrfForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let (_, row) = invitation_of(&state, id, inv, lang).await?;
    state
        .store
        .revoke_invitation(row.id, &Actor::Person(user.id), state.now())
        .await?;
    Ok(
        Redirect::to(&state.link(&format!("/admin/waves/{id}?status=revoked#invitations")))
            .into_response(),
    )
}

/// `POST /admin/waves/{id}/invitations/{inv}/resend`: mails one invitation's link again
/// (audited); the wave's page says what happened.
pub async fn resend(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, inv)): Path<(i64, i64)>,
    HtmlForm(f): HtmlForm<CsrfForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let (wave, row) = invitation_of(&state, id, inv, lang).await?;
    let t = state.catalog.table(lang);
    let say = |k: &str| t.get(k).cloned().unwrap_or_default();
    let refuse = |key: &str, status: StatusCode| {
        let extras = WaveExtras {
            error: Some(say(key)),
            ..WaveExtras::default()
        };
        wave_page_with(&state, &v, user, id, extras, status)
    };
    let Some(mailer) = state.mailer.clone() else {
        return refuse("fieldwork2.send_no_smtp", StatusCode::CONFLICT).await;
    };
    if wave.status != WaveStatus::Open {
        return refuse("fieldwork2.send_not_open", StatusCode::CONFLICT).await;
    }
    let Some(base) = mail_base(&state) else {
        return Err(AppError::NeedsPublicUrl(lang));
    };
    let done = leernet_app::reminders::resend(
        &state.store,
        &mailer,
        &state.catalog,
        &base,
        row.id,
        &Actor::Person(user.id),
        state.now(),
    )
    .await?;
    match done {
        Ok(true) => {
            let extras = WaveExtras {
                notice: Some(say("waves2.resent")),
                ..WaveExtras::default()
            };
            wave_page_with(&state, &v, user, id, extras, StatusCode::OK).await
        }
        Ok(false) => refuse("waves2.resend_refused", StatusCode::CONFLICT).await,
        Err(why) => {
            let extras = WaveExtras {
                error: Some(format!("{} {why}", say("waves2.resend_failed"))),
                ..WaveExtras::default()
            };
            wave_page_with(&state, &v, user, id, extras, StatusCode::BAD_GATEWAY).await
        }
    }
}

/// The posted reminder button: `confirm=1` when the researcher ticked the confirmation.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RemindForm {
    csrf_token: Option<String>,
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /admin/waves/{id}/remind`: a reminder to everyone who has not finished and was not
/// reminded before (confirmation ticked; never twice to the same invitation); the wave's
/// page says how many were sent.
pub async fn remind(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<RemindForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let wave = state
        .store
        .wave(WaveId(id))
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let t = state.catalog.table(lang);
    let say = |k: &str| t.get(k).cloned().unwrap_or_default();
    let refuse = |key: &str, status: StatusCode| {
        let extras = WaveExtras {
            error: Some(say(key)),
            ..WaveExtras::default()
        };
        wave_page_with(&state, &v, user, id, extras, status)
    };
    if f.confirm.as_deref() != Some("1") {
        return refuse(
            "waves2.remind_unconfirmed",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let Some(mailer) = state.mailer.clone() else {
        return refuse("fieldwork2.send_no_smtp", StatusCode::CONFLICT).await;
    };
    if wave.status != WaveStatus::Open {
        return refuse("fieldwork2.send_not_open", StatusCode::CONFLICT).await;
    }
    let Some(base) = mail_base(&state) else {
        return Err(AppError::NeedsPublicUrl(lang));
    };
    let done = leernet_app::reminders::remind(
        &state.store,
        &mailer,
        &state.catalog,
        &base,
        &wave,
        None,
        &Actor::Person(user.id),
        state.now(),
    )
    .await?;
    let extras = WaveExtras {
        notice: Some(
            say("waves2.reminded")
                .replace("{sent}", &done.sent.to_string())
                .replace("{failed}", &done.failed.to_string()),
        ),
        ..WaveExtras::default()
    };
    let status = if done.failed == 0 {
        StatusCode::OK
    } else {
        StatusCode::BAD_GATEWAY
    };
    wave_page_with(&state, &v, user, id, extras, status).await
}

/// The posted schedule: days after the invitation was mailed, empty for none.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ScheduleForm {
    csrf_token: Option<String>,
    #[serde(default)]
    days: String,
}

/// `POST /admin/waves/{id}/reminders`: the wave's reminder schedule (audited); a number
/// that is no whole number from 1 to 365 is refused on the page (422) and changes nothing.
pub async fn schedule(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<ScheduleForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let wave = state
        .store
        .wave(WaveId(id))
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let days = match f.days.trim() {
        "" => None,
        d => match d
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=leernet_store::MAX_REMIND_AFTER_DAYS).contains(d))
        {
            Some(d) => Some(d),
            None => {
                let t = state.catalog.table(lang);
                let extras = WaveExtras {
                    error: t.get("waves2.bad_days").cloned(),
                    ..WaveExtras::default()
                };
                return wave_page_with(
                    &state,
                    &v,
                    user,
                    id,
                    extras,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    state
        .store
        .set_wave_reminders(wave.id, days, &Actor::Person(user.id), state.now())
        .await?;
    Ok(Redirect::to(&state.link(&format!("/admin/waves/{id}#reminders"))).into_response())
}

/// `GET /static/wave.js`: the wave page's small script.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/wave.js"),
    )
        .into_response()
}
