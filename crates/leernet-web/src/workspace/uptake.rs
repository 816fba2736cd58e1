//! Handles taken up (issue 26): `/ws/{slug}/handles` lists the handles of the network's
//! handreiking; its facilitator and members mark one as "we work on this"
//! (`POST /ws/{slug}/handles/{key}`), and say what they did, when, and whether it helped
//! (`POST /ws/{slug}/handles/{key}/report`). Researchers see the uptake per handle across
//! networks on `/admin/uptake` (counts and the scale, no texts).

use super::{refusal_text, render, today_local};
use crate::access::{NetworkAccess, Workspace};
use crate::auth::Visitor;
use crate::form::{refill, HtmlForm};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leernet_core::*;
use leernet_store::handle_uptake::{Uptake, UptakeReport, MAX_HELPED};
use leernet_store::workspace::{Refusal, WsError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `POST /ws/{slug}/handles/{key}/report`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    pub csrf_token: Option<String>,
    pub what_done: String,
    pub done_on: String,
    /// `1`–`4`, or empty (not yet said).
    pub helped: String,
    pub helped_text: String,
}

/// `POST /ws/{slug}/handles/{key}`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TakeUpForm {
    pub csrf_token: Option<String>,
}

/// `GET /ws/{slug}/handles`: the handles of the network's handreiking, with what the network
/// works on and reported.
pub async fn handles(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
) -> Result<Response, AppError> {
    let (v, _user, net) = access.into_parts();
    handles_page(&state, &v, &net, None, StatusCode::OK).await
}

async fn handles_page(
    state: &Arc<AppState>,
    v: &Visitor,
    net: &Network,
    error: Option<(String, String, BTreeMap<String, String>)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let fig = crate::pages::figures(state, lang).await?;
    let taken: BTreeMap<String, Uptake> = state
        .store
        .handle_uptake(Some(net.id))
        .await?
        .into_iter()
        .map(|u| (u.handle.clone(), u))
        .collect();
    let items: Vec<_> = fig
        .handles
        .handreikingen
        .iter()
        .find(|h| h.slug == net.slug.as_str())
        .map(|h| h.items.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|i| {
            let u = taken.get(&i.key);
            // After a refused report, that handle's form shows what was sent.
            let again = error.as_ref().filter(|e| e.1 == i.key).map(|e| &e.2);
            let field = |k: &str, stored: &str| -> String {
                again
                    .and_then(|p| p.get(k).cloned())
                    .unwrap_or_else(|| stored.to_owned())
            };
            let helped_stored = u
                .and_then(|u| u.report.helped)
                .map(|h| h.to_string())
                .unwrap_or_default();
            minijinja::context! {
                key => i.key.clone(),
                title => i.title.get(lang).to_owned(),
                element => i.element_name.get(lang).to_owned(),
                priority => i.priority,
                taken => u.is_some(),
                started_on => u.map(|u| u.started_on.clone()),
                what_done => field("what_done", u.map_or("", |u| u.report.what_done.as_str())),
                done_on => field("done_on", u.map_or("", |u| u.report.done_on.as_str())),
                helped => field("helped", &helped_stored),
                helped_text => field("helped_text", u.map_or("", |u| u.report.helped_text.as_str())),
                error_here => again.is_some(),
            }
        })
        .collect();
    let scale: Vec<_> = (1..=MAX_HELPED)
        .map(|n| minijinja::context! { value => n.to_string(), label => format!("workspace.helped_{n}") })
        .collect();
    let mut res = render(
        state,
        v,
        "ws_handles.html",
        Some(net),
        error.map(|e| (e.0, e.2)),
        minijinja::context! { items, scale },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// Whether `key` is a handle of the network's handreiking.
async fn in_handreiking(
    state: &Arc<AppState>,
    lang: Lang,
    net: &Network,
    key: &str,
) -> Result<bool, AppError> {
    let fig = crate::pages::figures(state, lang).await?;
    Ok(fig
        .handles
        .handreikingen
        .iter()
        .find(|h| h.slug == net.slug.as_str())
        .is_some_and(|h| h.items.iter().any(|i| i.key == key)))
}

/// `POST /ws/{slug}/handles/{key}` (facilitator, member): "we work on this".
pub async fn take_up(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    Path((_, key)): Path<(String, String)>,
    HtmlForm(f): HtmlForm<TakeUpForm>,
) -> Result<Response, AppError> {
    let (v, _user, net) = access.into_parts();
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    if !in_handreiking(&state, lang, &net, &key).await? {
        return Err(AppError::NotFound(lang));
    }
    match state
        .store
        .take_up_handle(net.id, &key, &today_local(&state), state.now())
        .await
    {
        Ok(()) => {}
        Err(WsError::Refused(_)) => return Err(AppError::NotFound(lang)),
        Err(WsError::Store(e)) => return Err(AppError::internal(lang, e)),
    }
    tracing::info!(network = net.id.0, "handle taken up");
    let back = state.link(&format!("/ws/{}/handles#handle-{key}", net.slug.as_str()));
    Ok(Redirect::to(&back).into_response())
}

/// `POST /ws/{slug}/handles/{key}/report` (facilitator, member): what the network did with a
/// handle it works on, and whether it helped.
pub async fn report(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    Path((_, key)): Path<(String, String)>,
    HtmlForm(f): HtmlForm<ReportForm>,
) -> Result<Response, AppError> {
    let (v, _user, net) = access.into_parts();
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let helped = match f.helped.trim() {
        "" => Ok(None),
        h => h.parse::<i64>().map(Some).map_err(|_| Refusal::BadHelped),
    };
    let result = match helped {
        Err(r) => Err(WsError::Refused(r)),
        Ok(helped) => {
            let r = UptakeReport {
                what_done: f.what_done.clone(),
                done_on: f.done_on.clone(),
                helped,
                helped_text: f.helped_text.clone(),
            };
            state
                .store
                .report_uptake(net.id, &key, &r, state.now())
                .await
        }
    };
    match result {
        Ok(()) => {
            tracing::info!(network = net.id.0, "handle uptake reported");
            let back = state.link(&format!("/ws/{}/handles#handle-{key}", net.slug.as_str()));
            Ok(Redirect::to(&back).into_response())
        }
        Err(WsError::Refused(Refusal::NotInNetwork)) => Err(AppError::NotFound(lang)),
        Err(WsError::Refused(r)) => {
            let msg = refusal_text(&state, lang, &r);
            handles_page(
                &state,
                &v,
                &net,
                Some((msg, key, refill(&f))),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(WsError::Store(e)) => Err(AppError::internal(lang, e)),
    }
}

/// `GET /admin/uptake` (researchers): per handle, how many networks work on it, how many
/// reported, and how the "did it help" answers fall — counts only, no texts.
pub async fn overview(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(&[Role::Researcher])?;
    let fig = crate::pages::figures(&state, lang).await?;
    let uptake = state.store.handle_uptake(None).await?;
    let names: BTreeMap<NetworkId, String> = state
        .store
        .networks()
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let rows: Vec<_> = fig
        .handles
        .catalogue
        .iter()
        .map(|h| {
            let of: Vec<&Uptake> = uptake.iter().filter(|u| u.handle == h.key).collect();
            let reported = of.iter().filter(|u| u.report.helped.is_some()).count();
            let counts: Vec<usize> = (1..=MAX_HELPED)
                .map(|n| of.iter().filter(|u| u.report.helped == Some(n)).count())
                .collect();
            let nets: Vec<String> = of
                .iter()
                .filter_map(|u| names.get(&u.network).cloned())
                .collect();
            minijinja::context! {
                key => h.key.clone(),
                title => h.title.get(lang).to_owned(),
                given => h.networks,
                taken => of.len(),
                reported,
                counts,
                networks => nets.join(", "),
            }
        })
        .collect();
    let scale: Vec<_> = (1..=MAX_HELPED)
        .map(|n| format!("workspace.helped_{n}"))
        .collect();
    render(
        &state,
        &v,
        "ws_uptake.html",
        None,
        None,
        minijinja::context! { rows, scale },
    )
}
