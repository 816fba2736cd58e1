//! The pages: study overview, the list of networks, a page per network, health.

use crate::figures::Figures;
use crate::{AppError, AppState, PageLang};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use leernet_core::Lang;
use std::sync::Arc;

/// The study's figures for the data the store holds now, on the study's current waves,
/// computed once per change (`figures.rs`).
pub(crate) async fn figures(state: &Arc<AppState>, lang: Lang) -> Result<Arc<Figures>, AppError> {
    figures_on(state, lang, &WaveQuery::default()).await
}

/// `?wave=` of the pages that show figures: a wave's name, `latest` (the latest answer per
/// network) or `all` (all answers); absent or empty, the study's current waves.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct WaveQuery {
    #[serde(default)]
    wave: Option<String>,
}

impl WaveQuery {
    /// The choice, `None` for the current waves.
    pub(crate) fn choice(&self) -> Option<leernet_core::WaveChoice> {
        self.wave
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(leernet_core::WaveChoice::parse)
    }
}

/// The study's figures on the waves `q` names (404 for a wave that does not exist).
pub(crate) async fn figures_on(
    state: &Arc<AppState>,
    lang: Lang,
    q: &WaveQuery,
) -> Result<Arc<Figures>, AppError> {
    depth_on(state, lang, q, crate::figures::Depth::Pages).await
}

async fn depth_on(
    state: &Arc<AppState>,
    lang: Lang,
    q: &WaveQuery,
    depth: crate::figures::Depth,
) -> Result<Arc<Figures>, AppError> {
    crate::figures::current(state, depth, q.choice().as_ref())
        .await
        .map_err(|e| {
            if crate::figures::unknown_wave(&e) {
                AppError::NotFound(lang)
            } else {
                AppError::internal(lang, e)
            }
        })
}

/// The study's figures with everything the study report shows (the typology's stability
/// too), computed once per change, apart from the pages' (`figures.rs`), on the waves `q`
/// names.
pub(crate) async fn report_figures(
    state: &Arc<AppState>,
    lang: Lang,
    q: &WaveQuery,
) -> Result<Arc<Figures>, AppError> {
    depth_on(state, lang, q, crate::figures::Depth::Report).await
}

fn render(
    state: &AppState,
    v: &crate::auth::Visitor,
    uri: &Uri,
    name: &str,
    fig: &Figures,
    extra: minijinja::Value,
) -> Result<Response, AppError> {
    let pl = v.lang;
    let lang = pl.lang;
    // who is signed in, for the header and its menu (as on every other page)
    let user = crate::page::user_context(v);
    let tpl = state
        .env
        .get_template(name)
        .map_err(|e| AppError::internal(lang, e))?;
    let ctx = minijinja::context! {
        lang => lang.code(),
        other => if lang == Lang::Nl { "en" } else { "nl" },
        base => minijinja::Value::from_safe_string(
            crate::page::page_base(state, uri.path()).to_owned()
        ),
        study_nav => !state.front,
        path => uri.path(),
        t => state.catalog_value(lang),
        f => fig.value.clone(),
        fictional => fig.study.fictional,
        title => fig.study.title.get(lang),
        user => user,
        ..extra
    };
    let body = tpl.render(ctx).map_err(|e| AppError::internal(lang, e))?;
    let mut res = Html(body).into_response();
    if v.signed_in.is_some() {
        // the page names the person: never kept by a shared cache
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    if pl.chosen_now {
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            lang.code()
        );
        if let Ok(v) = cookie.parse() {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// `GET /`: the study overview.
pub async fn overview(
    State(state): State<Arc<AppState>>,
    v: crate::auth::Visitor,
    uri: Uri,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    let pl = v.lang;
    let fig = figures_on(&state, pl.lang, &wave).await?;
    let charts: Vec<Vec<String>> = fig
        .sections
        .iter()
        .map(|s| {
            s.tables
                .iter()
                .map(|t| leernet_report::chart::bar_chart(t, pl.lang))
                .collect()
        })
        .collect();
    render(
        &state,
        &v,
        &uri,
        "overview.html",
        &fig,
        minijinja::context! {
            charts => charts,
            waves => crate::profile::waves_view(&fig, pl.lang),
        },
    )
}

/// `GET /networks`: every network with its Werkplaats and response.
pub async fn networks(
    State(state): State<Arc<AppState>>,
    v: crate::auth::Visitor,
    uri: Uri,
) -> Result<Response, AppError> {
    let pl = v.lang;
    let fig = figures(&state, pl.lang).await?;
    render(
        &state,
        &v,
        &uri,
        "networks.html",
        &fig,
        minijinja::context! {},
    )
}

/// `GET /networks/{slug}`: one network's closed answers, scores and member figures.
///
/// Who may see it: researchers every network; coordinators the networks of their own
/// Werkplaatsen (those of the networks linked to them, see `profile.rs`); a facilitator or
/// member only their own (another network answers 404, as if it did not exist); strangers
/// log in first. It links to the network's profile and, for its own people, its workspace.
/// A network's member tables can have small n, so they are not public.
pub async fn network(
    State(state): State<Arc<AppState>>,
    access: crate::access::NetworkAccess<crate::access::StudyPages>,
    uri: Uri,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    let (visitor, user, network) = access.into_parts();
    let pl = visitor.lang;
    let slug = network.slug.as_str();
    // Everyone who sees this page may open the network's profile; only its own facilitators
    // and members have its workspace.
    let workspace = matches!(
        user.role,
        leernet_core::Role::Facilitator | leernet_core::Role::Member
    );
    let fig = figures_on(&state, pl.lang, &wave).await?;
    let Some(n) = fig.networks.iter().find(|n| n.slug == slug) else {
        return Err(AppError::NotFound(pl.lang));
    };
    let scales: Vec<_> = fig
        .scales
        .iter()
        .map(|s| {
            minijinja::context! {
                title => s.title.get(pl.lang),
                score => n.scores.get(&s.key).copied().flatten(),
                overall => s.mean,
            }
        })
        .collect();
    let n = n.clone();
    render(
        &state,
        &visitor,
        &uri,
        "network.html",
        &fig,
        minijinja::context! {
            n => n,
            scales => scales,
            workspace => workspace,
            waves => crate::profile::waves_view(&fig, pl.lang),
        },
    )
}

/// `GET /healthz`: 200 when the app and its database answer, 503 otherwise.
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// `GET /static/style.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

/// Anything else: a translated 404 page.
pub async fn not_found(pl: PageLang) -> AppError {
    AppError::NotFound(pl.lang)
}
