//! Responses to the profile (issue 26, member checking): `/ws/{slug}/profile-response`, where
//! a network's facilitator and members say whether they recognise its profile and handreiking
//! ("herkenbaar", "deels herkenbaar", "niet herkenbaar, omdat …"), and
//! `/admin/member-check`, where researchers read every network's responses; the profile page
//! shows a network's responses to researchers next to the figures.
//!
//! Who sees what: a facilitator or member sees the responses of their own network only,
//! without names (another network answers 404); researchers see every network's, without
//! names; coordinators see none (the sentences are the network's own words). One response per
//! person, network and wave (the wave the network questionnaire's figures rest on); a new one
//! replaces the earlier: the latest counts. No sentence goes to a log.

use super::{refusal_text, render};
use crate::access::NetworkAccess;
use crate::access::Workspace;
use crate::auth::Visitor;
use crate::form::{refill, HtmlForm};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leernet_analysis::feedback::{
    member_check, response_wave, Feedback, Recognition, ResponseFact,
};
use leernet_core::*;
use leernet_store::profile_responses::{ProfileResponse, Verdict};
use leernet_store::workspace::WsError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `POST /ws/{slug}/profile-response`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ResponseForm {
    pub csrf_token: Option<String>,
    /// `yes`, `partly` or `no`.
    pub verdict: String,
    pub reason: String,
}

fn verdict_key(v: &str) -> String {
    format!("member_check.verdict_{v}")
}

/// The choices of the form, in order.
fn choices() -> Vec<minijinja::Value> {
    Verdict::ALL
        .iter()
        .map(|v| minijinja::context! { value => v.as_str(), label => verdict_key(v.as_str()) })
        .collect()
}

/// The responses of `net` in `wave`, oldest first, without names.
pub(crate) fn response_rows(all: &[ProfileResponse], wave: &str) -> Vec<minijinja::Value> {
    all.iter()
        .filter(|r| r.wave == wave)
        .map(|r| {
            minijinja::context! {
                verdict => verdict_key(r.verdict.as_str()),
                reason => r.reason.clone(),
            }
        })
        .collect()
}

/// `GET /ws/{slug}/profile-response`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    show(&state, &v, user.id, &net, None, StatusCode::OK).await
}

async fn show(
    state: &Arc<AppState>,
    v: &Visitor,
    person: PersonId,
    net: &Network,
    error: Option<(String, BTreeMap<String, String>)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let fig = crate::pages::figures(state, lang).await?;
    let wave = response_wave(&fig);
    let all = state.store.profile_responses(Some(net.id), None).await?;
    let mine = all.iter().find(|r| r.person == person && r.wave == wave);
    let (verdict, reason) = match &error {
        Some((_, posted)) => (
            posted.get("verdict").cloned().unwrap_or_default(),
            posted.get("reason").cloned().unwrap_or_default(),
        ),
        None => (
            mine.map(|r| r.verdict.as_str().to_owned())
                .unwrap_or_default(),
            mine.map(|r| r.reason.clone()).unwrap_or_default(),
        ),
    };
    let responses = response_rows(&all, &wave);
    let mut res = render(
        state,
        v,
        "ws_profile_response.html",
        Some(net),
        error,
        minijinja::context! {
            wave,
            choices => choices(),
            verdict,
            reason,
            saved => mine.is_some(),
            responses,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /ws/{slug}/profile-response` (facilitator, member): their response in the current
/// wave, replacing an earlier one.
pub async fn respond(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    HtmlForm(f): HtmlForm<ResponseForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let fig = crate::pages::figures(&state, lang).await?;
    let wave = response_wave(&fig);
    match state
        .store
        .respond_to_profile(net.id, user.id, &wave, &f.verdict, &f.reason, state.now())
        .await
    {
        Ok(replaced) => {
            tracing::info!(network = net.id.0, replaced, "profile response stored");
            let back = state.link(&format!("/ws/{}/profile-response#yours", net.slug.as_str()));
            Ok(Redirect::to(&back).into_response())
        }
        Err(WsError::Refused(r)) => {
            tracing::warn!(network = net.id.0, "profile response refused");
            let msg = refusal_text(&state, lang, &r);
            show(
                &state,
                &v,
                user.id,
                &net,
                Some((msg, refill(&f))),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(WsError::Store(e)) => Err(AppError::internal(lang, e)),
    }
}

/// `GET /admin/member-check` (researchers): per network that responded in the current wave,
/// the responses per verdict, the network's verdict and the sentences, without names.
pub async fn overview(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(&[Role::Researcher])?;
    let fig = crate::pages::figures(&state, lang).await?;
    let wave = response_wave(&fig);
    let all = state.store.profile_responses(None, None).await?;
    let networks = state.store.networks().await?;
    let slug_of: BTreeMap<NetworkId, String> = networks
        .iter()
        .map(|n| (n.id, n.slug.as_str().to_owned()))
        .collect();
    // The same rule the report uses, over the raw sentences (researchers read them whole).
    let facts = Feedback {
        responses: all
            .iter()
            .filter_map(|r| {
                Some(ResponseFact {
                    slug: slug_of.get(&r.network)?.clone(),
                    wave: r.wave.clone(),
                    verdict: Recognition::parse(r.verdict.as_str())?,
                    reason: r.reason.clone(),
                })
            })
            .collect(),
        uptake: Vec::new(),
    };
    let order: Vec<(String, String)> = networks
        .iter()
        .map(|n| (n.slug.as_str().to_owned(), n.name.clone()))
        .collect();
    let check = member_check(&facts, &wave, &order);
    let rows: Vec<_> = check
        .as_ref()
        .map(|m| m.networks.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|n| {
            let sentences: Vec<_> = facts
                .responses
                .iter()
                .filter(|r| r.slug == n.slug && r.wave == wave && !r.reason.is_empty())
                .map(|r| {
                    minijinja::context! { verdict => verdict_key(r.verdict.as_str()), reason => r.reason.clone() }
                })
                .collect();
            minijinja::context! {
                slug => n.slug.clone(),
                name => n.name.clone(),
                counts => n.counts.to_vec(),
                verdict => verdict_key(n.verdict.as_str()),
                sentences,
            }
        })
        .collect();
    let summary = check
        .as_ref()
        .map(|m| {
            let mut s = state.catalog.t(lang, "member_check.report_count");
            for (k, n) in [
                ("yes", m.by_verdict[0]),
                ("partly", m.by_verdict[1]),
                ("no", m.by_verdict[2]),
                ("networks", m.networks.len()),
                ("responses", m.responses),
            ] {
                s = s.replace(&format!("{{{k}}}"), &n.to_string());
            }
            s.replace("{wave}", &m.wave)
        })
        .unwrap_or_default();
    render(
        &state,
        &v,
        "member_check.html",
        None,
        None,
        minijinja::context! {
            wave,
            rows,
            summary,
            verdicts => choices(),
        },
    )
}
