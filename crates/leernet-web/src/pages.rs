//! The pages: study overview, the list of networks, a page per network, health.

use crate::figures::{Depth, Figures};
use crate::{AppError, AppState, PageLang};
use axum::extract::rejection::QueryRejection;
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
    /// The choice a form kept (its `wave` field), as `?wave=` would give it.
    pub(crate) fn from_choice(wave: Option<String>) -> Self {
        WaveQuery { wave }
    }

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
        .map_err(|e| figures_error(lang, e))
}

/// 404 for a wave that does not exist, else an internal error.
fn figures_error(lang: Lang, e: leernet_app::figures::FiguresError) -> AppError {
    if e.is_unknown_wave() {
        AppError::NotFound(lang)
    } else {
        AppError::internal(lang, e)
    }
}

/// The study's figures at `depth` for a page that shows them on the waves `q` names (404
/// for a wave that does not exist): while figures of newer data are being computed, maybe
/// those of slightly earlier data, which the page then says (`behind` in its template).
pub(crate) async fn page_figures(
    state: &Arc<AppState>,
    lang: Lang,
    q: &WaveQuery,
    depth: crate::figures::Depth,
) -> Result<crate::figures::PageFigures, AppError> {
    crate::figures::for_page(state, depth, q.choice().as_ref())
        .await
        .map_err(|e| figures_error(lang, e))
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

/// The wave a visitor chose (`?wave=`), percent-encoded for a link; `None` on the current
/// waves.
pub(crate) fn wave_param(fig: &Figures) -> Option<String> {
    fig.waves.chosen.as_deref().map(crate::profile::query_value)
}

/// `?wave=…` for the links of a page of figures to other pages of figures, so that a chosen
/// wave stays chosen; empty on the current waves.
pub(crate) fn wave_query(fig: &Figures) -> String {
    wave_param(fig)
        .map(|w| format!("?wave={w}"))
        .unwrap_or_default()
}

fn render(
    state: &AppState,
    v: &crate::auth::Visitor,
    uri: &Uri,
    name: &str,
    served: &crate::figures::PageFigures,
    extra: minijinja::Value,
) -> Result<Response, AppError> {
    let fig = &served.figures;
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
        f => crate::figures::page_value(fig),
        fictional => fig.study.fictional,
        title => fig.study.title.get(lang),
        user => user,
        wave_q => wave_query(fig),
        behind => served.behind,
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
    let served = page_figures(&state, pl.lang, &wave, Depth::Tables).await?;
    let fig = &served.figures;
    let charts = overview_charts(fig).get(pl.lang).clone();
    render(
        &state,
        &v,
        &uri,
        "overview.html",
        &served,
        minijinja::context! {
            charts => charts,
            waves => crate::profile::waves_view(fig, pl.lang),
        },
    )
}

/// The overview's bar charts (SVG) per section and table, in both languages: drawn once
/// per computed set of figures (`Figures::view`), not once per page view.
struct OverviewCharts {
    nl: minijinja::Value,
    en: minijinja::Value,
}

impl OverviewCharts {
    fn get(&self, lang: Lang) -> &minijinja::Value {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

fn overview_charts(fig: &Figures) -> Arc<OverviewCharts> {
    fig.view(|f| {
        let draw = |lang: Lang| {
            let charts: Vec<Vec<String>> = f
                .sections
                .iter()
                .map(|s| {
                    s.tables
                        .iter()
                        .map(|t| leernet_report::chart::bar_chart(t, lang))
                        .collect()
                })
                .collect();
            minijinja::Value::from_serialize(&charts)
        };
        OverviewCharts {
            nl: draw(Lang::Nl),
            en: draw(Lang::En),
        }
    })
}

/// How many networks one page of `/networks` lists.
pub const NETWORKS_PER_PAGE: usize = 50;
/// The longest search `/networks` takes, in characters (the box says so with `maxlength`).
pub const MAX_SEARCH_CHARS: usize = 100;
/// The highest page number `/networks` takes (far above any study's networks).
pub const MAX_PAGE: u32 = 100_000;

/// The query of `/networks` as sent: every parameter as text, `None` when absent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NetworksQuery {
    page: Option<String>,
    q: Option<String>,
    workplace: Option<String>,
}

/// Which networks to list: a page (from 1) of those whose name or Werkplaats contains the
/// search (lower case, trimmed; `None`: all) and that belong to the Werkplaats `workplace`
/// names (`None`: every Werkplaats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkListing {
    pub page: u32,
    pub search: Option<String>,
    pub workplace: Option<leernet_core::Slug>,
}

/// Why a `/networks` query was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingError {
    /// No whole number from 1 to `MAX_PAGE`.
    Page,
    /// A search longer than `MAX_SEARCH_CHARS`.
    SearchTooLong,
    /// A Werkplaats that is no slug (a name of at most 64 lower-case letters, digits and
    /// dashes).
    Workplace,
}

impl TryFrom<&NetworksQuery> for NetworkListing {
    type Error = ListingError;

    fn try_from(q: &NetworksQuery) -> Result<NetworkListing, ListingError> {
        let page = match q.page.as_deref().map(str::trim) {
            None | Some("") => 1,
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=MAX_PAGE).contains(p))
                .ok_or(ListingError::Page)?,
        };
        let search = match q.q.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) if s.chars().count() > MAX_SEARCH_CHARS => {
                return Err(ListingError::SearchTooLong)
            }
            Some(s) => Some(s.to_lowercase()),
        };
        let workplace = match q.workplace.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(w) => Some(leernet_core::Slug::parse(w).map_err(|_| ListingError::Workplace)?),
        };
        Ok(NetworkListing {
            page,
            search,
            workplace,
        })
    }
}

/// `GET /networks?q=…&workplace=…&page=…`: the networks with their Werkplaats and
/// response, a page of `NETWORKS_PER_PAGE` at a time (a national study has thousands),
/// those whose name or Werkplaats contains the search (any case) and, with `workplace`, of
/// that Werkplaats only (one the study does not have is 404); then the Werkplaatsen.
pub async fn networks(
    State(state): State<Arc<AppState>>,
    v: crate::auth::Visitor,
    uri: Uri,
    query: Result<Query<NetworksQuery>, QueryRejection>,
    Query(wave): Query<WaveQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let Ok(Query(query)) = query else {
        return Err(AppError::BadRequest(lang));
    };
    let listing = NetworkListing::try_from(&query).map_err(|_| AppError::BadRequest(lang))?;
    let served = page_figures(&state, lang, &wave, Depth::Tables).await?;
    let fig = &served.figures;
    let workplace = listing.workplace.as_ref().map(leernet_core::Slug::as_str);
    if let Some(w) = workplace {
        if !fig.workplaces.iter().any(|x| x.slug == w) {
            return Err(AppError::NotFound(lang));
        }
    }
    let matching: Vec<&leernet_analysis::NetworkRow> = fig
        .networks
        .iter()
        .filter(|n| workplace.is_none_or(|w| n.workplace_slug == w))
        .filter(|n| {
            listing.search.as_deref().is_none_or(|s| {
                n.name.to_lowercase().contains(s) || n.workplace_name.to_lowercase().contains(s)
            })
        })
        .collect();
    let total = matching.len();
    let pages = total.div_ceil(NETWORKS_PER_PAGE).max(1);
    let page = listing.page as usize;
    if page > pages {
        return Err(AppError::NotFound(lang));
    }
    let first = (page - 1) * NETWORKS_PER_PAGE;
    let openable = crate::access::openable_networks(&state, &v).await?;
    let rows: Vec<minijinja::Value> = matching
        .iter()
        .skip(first)
        .take(NETWORKS_PER_PAGE)
        .map(|n| {
            minijinja::context! {
                slug => n.slug.clone(),
                name => n.name.clone(),
                link => openable.as_ref().is_none_or(|o| o.contains(&n.slug)),
                workplace_name => n.workplace_name.clone(),
                network_response => n.network_response,
                member_responses => n.member_responses,
            }
        })
        .collect();
    // The links to other pages keep the search (percent-encoded), the Werkplaats and the
    // wave.
    let q = query.q.as_deref().map(str::trim).unwrap_or("");
    let wave_part = wave_param(fig)
        .map(|w| format!("&wave={w}"))
        .unwrap_or_default();
    let mut kept = String::new();
    if !q.is_empty() {
        let q = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
        kept.push_str(&format!("q={q}&"));
    }
    if let Some(w) = workplace {
        // a slug: letters, digits and dashes, nothing to encode
        kept.push_str(&format!("workplace={w}&"));
    }
    let link = |p: usize| format!("?{kept}page={p}{wave_part}");
    // The Werkplaatsen to choose from, by name (the figures keep the store's order).
    let mut choices: Vec<(&str, &str)> = fig
        .workplaces
        .iter()
        .map(|w| (w.name.as_str(), w.slug.as_str()))
        .collect();
    choices.sort();
    let workplace_choices: Vec<minijinja::Value> = choices
        .into_iter()
        .map(|(name, slug)| {
            minijinja::context! {
                slug => slug,
                name => name,
                chosen => workplace == Some(slug),
            }
        })
        .collect();
    render(
        &state,
        &v,
        &uri,
        "networks.html",
        &served,
        minijinja::context! {
            rows => rows,
            q => q,
            workplace => workplace,
            workplace_choices => workplace_choices,
            total => total,
            all => fig.networks.len(),
            from => if total == 0 { 0 } else { first + 1 },
            to => (first + NETWORKS_PER_PAGE).min(total),
            page => page,
            pages => pages,
            prev => (page > 1).then(|| link(page - 1)),
            next => (page < pages).then(|| link(page + 1)),
            max_search => MAX_SEARCH_CHARS,
            waves => crate::profile::waves_view(fig, lang),
        },
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
    let served = page_figures(&state, pl.lang, &wave, Depth::Tables).await?;
    let fig = &served.figures;
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
        &served,
        minijinja::context! {
            n => n,
            scales => scales,
            workspace => workspace,
            waves => crate::profile::waves_view(fig, pl.lang),
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
