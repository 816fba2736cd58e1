//! The installation's web app: many studies on one address, one login for all of them
//! (issue "Many studies on one installation", step 2 of `docs/design/studies.md`).
//!
//! Why it exists: a research group runs several studies on one installation with one
//! account per person. Each study is served by exactly the study app of [`crate::app`], with
//! its own [`AppState`] (its store, its figure cache, its forms) under `/studies/{slug}`;
//! this module only routes a request to the right study, serves the installation's own
//! pages (the list of studies, login and logout, the administrator's page of studies in
//! `portal_admin.rs`), and finds the study of a survey link.
//!
//! Invariants:
//! - a study's pages are reached only through its own state: no request of study A opens
//!   study B's store, so nothing of B can appear on A's pages;
//! - login, sessions and the throttle are the installation's, and a person's role on a
//!   study's pages is their role in that study ([`crate::StudyAccounts`]);
//! - survey links stay `/s/{token}` whatever study they belong to;
//! - with one active study, the paths of a one-study project (`/networks`, `/coding`, …)
//!   keep working as redirects to the study's prefix, so bookmarks and printed links hold.

use crate::auth::Visitor;
use crate::{AppError, AppState, StudyAccounts};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leernet_analysis::ProjectContent;
use leernet_app::figures::FigureCaches;
use leernet_core::{InvitationToken, Lang, SharedClock, Slug};
use leernet_store::{Installation, Study, StudyState};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tokio::sync::Mutex;
use tower::ServiceExt;

/// What every study's state is built with (the project's settings).
pub struct StudyOptions {
    pub public_url: Option<String>,
    /// The project's content.
    pub content: ProjectContent,
    /// A study's own content, by slug, over the project's (`studies/<slug>/content/`).
    pub study_content: BTreeMap<String, ProjectContent>,
    pub smtp: Option<crate::mail::SmtpSettings>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub clock: SharedClock,
}

impl StudyOptions {
    /// The state of the study `slug`, with its content and its figure cache from
    /// `figures` (the installation's, shared with the JSON API when `leernet serve` runs it).
    fn state(
        &self,
        figures: &FigureCaches,
        slug: &Slug,
        store: leernet_store::Store,
    ) -> Result<AppState, crate::mail::MailError> {
        AppState::new(store, self.clock.clone())
            .with_public_url(self.public_url.clone())
            .with_content(figures.content(slug.as_str()).clone())
            .with_figure_cache(figures.of(slug.as_str()))
            .with_trusted_proxies(self.trusted_proxies.clone())
            .with_smtp(self.smtp.as_ref())
    }
}

/// A study being served: its state and its app.
#[derive(Clone)]
struct Served {
    state: Arc<AppState>,
    app: Router,
    /// When the installation last said the study is active.
    checked: std::time::Instant,
}

/// How long a served study is taken to be still active before the installation is asked
/// again (a study archived at the command line leaves the web app within this time).
const RECHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// The most survey links whose study is remembered (then the memory starts over).
const TOKEN_MEMORY: usize = 100_000;

/// The installation's app: the studies it serves and the front pages.
pub struct Portal {
    pub(crate) installation: Installation,
    options: StudyOptions,
    /// The studies' figure caches (and their content), by slug.
    figures: Arc<FigureCaches>,
    /// The installation's own pages (login, logout, the list of studies), rendered with the
    /// first study's templates and no study menu.
    pub(crate) front: Arc<AppState>,
    front_app: Router,
    /// The studies opened so far, by slug (opened on first use, kept while serving).
    served: Mutex<BTreeMap<String, Served>>,
    /// Which study a survey link belongs to, once found.
    tokens: Mutex<HashMap<String, String>>,
}

impl Portal {
    /// The portal over `installation`, with its first active study opened (an installation
    /// always has one: the project it was made from).
    pub async fn open(installation: Installation, options: StudyOptions) -> anyhow::Result<Portal> {
        let figures = Arc::new(FigureCaches::new(
            options.content.clone(),
            options.study_content.clone(),
        ));
        Portal::open_sharing(installation, options, figures).await
    }

    /// [`Portal::open`] with the studies' figures and content from `figures`, which the
    /// JSON API is given too, so that a study's figures are computed once for both (the
    /// caller makes `figures` from the same content as `options`).
    pub async fn open_sharing(
        installation: Installation,
        options: StudyOptions,
        figures: Arc<FigureCaches>,
    ) -> anyhow::Result<Portal> {
        let studies = installation.studies().await?;
        let first = studies
            .iter()
            .find(|s| s.state == StudyState::Active)
            .ok_or_else(|| anyhow::anyhow!("the installation has no active study"))?
            .clone();
        let store = installation.open_study(&first).await?;
        let front = options
            .state(&figures, &first.slug, store)?
            .in_installation(
                String::new(),
                StudyAccounts {
                    installation: installation.clone(),
                    study: first.id,
                },
            )
            .into_front();
        let front = Arc::new(front);
        let front_app = crate::app(front.clone());
        Ok(Portal {
            installation,
            options,
            figures,
            front,
            front_app,
            served: Mutex::new(BTreeMap::new()),
            tokens: Mutex::new(HashMap::new()),
        })
    }

    /// The state the installation's own pages are rendered with.
    pub(crate) fn front(&self) -> Arc<AppState> {
        self.front.clone()
    }

    /// The installation.
    pub(crate) fn installation(&self) -> &Installation {
        &self.installation
    }

    /// Stops serving `slug` as opened so far (after it was archived or made active again
    /// here): its next request finds it as it is now. Requests under way finish with the
    /// state they have.
    pub(crate) async fn forget(&self, slug: &Slug) {
        self.served.lock().await.remove(slug.as_str());
        self.tokens.lock().await.retain(|_, s| s != slug.as_str());
    }

    /// The active studies, in the installation's order.
    async fn active(&self) -> anyhow::Result<Vec<Study>> {
        Ok(self
            .installation
            .studies()
            .await?
            .into_iter()
            .filter(|s| s.state == StudyState::Active)
            .collect())
    }

    /// The app of the active study `slug` (opened now when it is the first request), or
    /// `None` when there is no such active study.
    async fn study(&self, slug: &str) -> anyhow::Result<Option<Served>> {
        let Ok(slug) = Slug::parse(slug) else {
            return Ok(None);
        };
        let mut served = self.served.lock().await;
        if let Some(s) = served.get_mut(slug.as_str()) {
            if s.checked.elapsed() < RECHECK {
                return Ok(Some(s.clone()));
            }
            let still = self
                .installation
                .study_by_slug(&slug)
                .await?
                .is_some_and(|st| st.state == StudyState::Active);
            if still {
                s.checked = std::time::Instant::now();
                return Ok(Some(s.clone()));
            }
            served.remove(slug.as_str());
            return Ok(None);
        }
        let Some(study) = self.installation.study_by_slug(&slug).await? else {
            return Ok(None);
        };
        if study.state != StudyState::Active {
            return Ok(None);
        }
        let store = self.installation.open_study(&study).await?;
        let state = Arc::new(
            self.options
                .state(&self.figures, &slug, store)?
                .in_installation(
                    format!("/studies/{}", slug.as_str()),
                    StudyAccounts {
                        installation: self.installation.clone(),
                        study: study.id,
                    },
                ),
        );
        let entry = Served {
            app: crate::app(state.clone()),
            state,
            checked: std::time::Instant::now(),
        };
        served.insert(slug.as_str().to_owned(), entry.clone());
        Ok(Some(entry))
    }

    /// The study a survey link belongs to: remembered, else asked of every active study.
    async fn study_of_token(&self, token: &str) -> anyhow::Result<Option<Served>> {
        let Ok(parsed) = InvitationToken::parse(token) else {
            return Ok(None);
        };
        let known = self.tokens.lock().await.get(token).cloned();
        if let Some(slug) = known {
            return self.study(&slug).await;
        }
        for study in self.active().await? {
            let Some(served) = self.study(study.slug.as_str()).await? else {
                continue;
            };
            if served
                .state
                .store
                .invitation_by_token(&parsed)
                .await?
                .is_some()
            {
                let mut tokens = self.tokens.lock().await;
                if tokens.len() >= TOKEN_MEMORY {
                    tokens.clear();
                }
                tokens.insert(token.to_owned(), study.slug.as_str().to_owned());
                return Ok(Some(served));
            }
        }
        Ok(None)
    }

    /// Computes every active study's figures for the pages before anyone asks: the tables
    /// (the overview, the networks, a network's page), then the pages' figures (profiles,
    /// handreikingen). A national study's first computation takes a second or two; done
    /// when the server starts, the first visitor does not wait for it. A failure is only
    /// logged: the first page that needs the figures computes them again and shows the
    /// error.
    pub(crate) async fn warm(self: Arc<Self>) {
        let Ok(studies) = self.active().await else {
            return;
        };
        for study in studies {
            let Ok(Some(served)) = self.study(study.slug.as_str()).await else {
                continue;
            };
            let state = served.state;
            for depth in [crate::figures::Depth::Tables, crate::figures::Depth::Pages] {
                if let Err(e) = state.figures.current(&state.store, depth, None).await {
                    tracing::warn!(error = %e, ?depth, "the study's figures could not be computed at start");
                    break;
                }
            }
        }
    }

    /// Closes every study's store and the installation.
    pub async fn close(&self) {
        for s in self.served.lock().await.values() {
            s.state.store.close().await;
        }
        self.front.store.close().await;
        self.installation.close().await;
    }
}

/// The installation's whole app as a router.
pub fn app(portal: Arc<Portal>) -> Router {
    // the installation's own answers (the list of studies, redirects, not found) get what
    // every answer of a study's app gets: a request id, the security headers, a localised
    // error page
    let own = Router::new()
        .route("/", get(home))
        .route("/studies", get(|| async { Redirect::to("/") }))
        .route("/studies/{slug}", get(to_study_home))
        .route(
            "/admin/studies",
            get(crate::portal_admin::page).post(crate::portal_admin::add),
        )
        .route(
            "/admin/studies/{slug}/state",
            axum::routing::post(crate::portal_admin::set_state),
        )
        .route(
            "/tokens",
            get(crate::tokens::list).post(crate::tokens::create),
        )
        .route(
            "/tokens/{id}/revoke",
            get(crate::tokens::confirm).post(crate::tokens::revoke),
        )
        .route("/static/tokens.js", get(crate::tokens::script))
        .fallback(legacy)
        .with_state(portal.clone())
        .layer(axum::middleware::from_fn(crate::error::localise))
        .layer(axum::middleware::from_fn(crate::security_headers))
        .layer(axum::middleware::from_fn(crate::observe::request_span));
    // handed to a study's app (or the front's), which has those layers itself
    Router::new()
        .route("/studies/{slug}/", axum::routing::any(study_home))
        .route("/studies/{slug}/{*rest}", axum::routing::any(in_study))
        .route("/s/{token}", axum::routing::any(survey))
        .route("/s/{token}/relevance", axum::routing::any(survey))
        .route("/login", axum::routing::any(at_front))
        .route("/login/forgot", axum::routing::any(at_front))
        .route("/login/password/{secret}", axum::routing::any(at_front))
        .route("/logout", axum::routing::any(at_front))
        .route("/healthz", axum::routing::any(at_front))
        .route("/static/{file}", axum::routing::any(at_front))
        .with_state(portal)
        .merge(own)
}

/// `GET /studies/{slug}`: the study's overview is at `/studies/{slug}/`.
async fn to_study_home(Path(slug): Path<String>) -> Response {
    match Slug::parse(&slug) {
        Ok(s) => Redirect::to(&format!("/studies/{}/", s.as_str())).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The request with its path replaced by `path` (the query kept).
fn with_path(mut req: Request, path: &str) -> Request {
    let pq = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    if let Ok(uri) = pq.parse::<Uri>() {
        *req.uri_mut() = uri;
    }
    req
}

/// Hands `req` to `app` (a study's or the front's), as a request of its own: only the
/// peer's address is kept of what this router attached (its path parameters would be read
/// by the study's handlers as theirs).
async fn dispatch(app: Router, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .cloned();
    parts.extensions = axum::http::Extensions::new();
    if let Some(peer) = peer {
        parts.extensions.insert(peer);
    }
    let req = Request::from_parts(parts, body);
    match app.oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

/// `/studies/{slug}/`: the study's overview.
async fn study_home(
    State(portal): State<Arc<Portal>>,
    Path(slug): Path<String>,
    req: Request,
) -> Response {
    to_study(portal, slug, String::new(), req).await
}

/// A page of a study: handed to the study's app with the prefix taken off.
async fn in_study(
    State(portal): State<Arc<Portal>>,
    Path((slug, rest)): Path<(String, String)>,
    req: Request,
) -> Response {
    to_study(portal, slug, rest, req).await
}

async fn to_study(portal: Arc<Portal>, slug: String, rest: String, req: Request) -> Response {
    match portal.study(&slug).await {
        Ok(Some(served)) => {
            // the path below the prefix as it was sent (still percent-encoded, so that an
            // encoded `/` stays part of its segment); a slug is plain, so the prefix is too
            let prefix = format!("/studies/{slug}");
            let inner = req
                .uri()
                .path()
                .strip_prefix(&prefix)
                .filter(|p| p.starts_with('/'))
                .map(str::to_owned)
                .unwrap_or_else(|| format!("/{rest}"));
            let req = with_path(req, &inner);
            dispatch(served.app, req).await
        }
        Ok(None) => dispatch(portal.front_app.clone(), with_path(req, "/404")).await,
        Err(e) => AppError::internal(Lang::Nl, e).into_response(),
    }
}

/// A survey link: handed to the app of the study it belongs to.
async fn survey(
    State(portal): State<Arc<Portal>>,
    Path(token): Path<String>,
    req: Request,
) -> Response {
    match portal.study_of_token(&token).await {
        Ok(Some(served)) => dispatch(served.app, req).await,
        // an unknown link gets the survey's own answer to it, from the front
        Ok(None) => dispatch(portal.front_app.clone(), req).await,
        Err(e) => AppError::internal(Lang::Nl, e).into_response(),
    }
}

/// The installation's pages that every study shares (login, logout, the stylesheet).
async fn at_front(State(portal): State<Arc<Portal>>, req: Request) -> Response {
    dispatch(portal.front_app.clone(), req).await
}

/// A path of a one-study project (`/networks`, `/coding/…`, `/my`): with one active study,
/// the same page under its prefix (308 keeps the method, so an old form still posts); with
/// several, `/my` is the signed-in person's own page in their study when they have a role in
/// one study only (where the login sends them by default), else the list of studies; any
/// other old path is not found.
async fn legacy(State(portal): State<Arc<Portal>>, req: Request<Body>) -> Response {
    let active = match portal.active().await {
        Ok(a) => a,
        Err(e) => return AppError::internal(Lang::Nl, e).into_response(),
    };
    let path = req.uri().path().to_owned();
    if let [only] = active.as_slice() {
        let pq = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| path.clone());
        return Redirect::permanent(&format!("/studies/{}{pq}", only.slug.as_str()))
            .into_response();
    }
    if path == "/my" {
        return match portal.studies_of(req.headers(), &active).await {
            Ok(mine) => match mine.as_slice() {
                [(study, _)] => {
                    Redirect::to(&format!("/studies/{}/my", study.slug.as_str())).into_response()
                }
                _ => Redirect::to("/").into_response(),
            },
            Err(e) => AppError::internal(Lang::Nl, e).into_response(),
        };
    }
    let (mut parts, _) = req.into_parts();
    let lang =
        <crate::PageLang as axum::extract::FromRequestParts<Arc<AppState>>>::from_request_parts(
            &mut parts,
            &portal.front,
        )
        .await
        .map(|pl| pl.lang)
        .unwrap_or(Lang::Nl);
    AppError::NotFound(lang).into_response()
}

impl Portal {
    /// The active studies the person signed in with the request's session has a role in,
    /// with that role (none for a stranger).
    async fn studies_of(
        &self,
        headers: &axum::http::HeaderMap,
        active: &[Study],
    ) -> anyhow::Result<Vec<(Study, leernet_core::Role)>> {
        let Some(secret) = crate::auth::cookie(headers, crate::auth::SESSION_COOKIE) else {
            return Ok(Vec::new());
        };
        let Some(session) = self.installation.session(secret, self.front.now()).await? else {
            return Ok(Vec::new());
        };
        let roles = self.installation.roles_of(session.person).await?;
        let mut out = Vec::new();
        for s in active {
            if let Some(r) = roles.iter().find(|r| r.study == s.id) {
                // a deactivated role is no study of theirs
                if self.installation.role_is_active(r.account, s.id).await? {
                    out.push((s.clone(), r.role));
                }
            }
        }
        Ok(out)
    }
}

/// `GET /`: with one active study its overview; otherwise the list of studies (a signed-in
/// person's own, with their role — or straight to their study when they have one; to a
/// stranger every active study's public overview).
async fn home(State(portal): State<Arc<Portal>>, req: Request) -> Result<Response, AppError> {
    let (mut parts, _) = req.into_parts();
    let front = portal.front.clone();
    let v = <Visitor as axum::extract::FromRequestParts<Arc<AppState>>>::from_request_parts(
        &mut parts, &front,
    )
    .await?;
    let lang = v.lang.lang;
    let active = portal
        .active()
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    if let [only] = active.as_slice() {
        return Ok(Redirect::to(&format!("/studies/{}/", only.slug.as_str())).into_response());
    }
    let title = |s: &Study| s.title.get(lang).to_owned();
    let roles = portal
        .studies_of(&parts.headers, &active)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    if let [(study, _)] = roles.as_slice() {
        // a person with a role in one study goes straight to it
        return Ok(Redirect::to(&format!("/studies/{}/", study.slug.as_str())).into_response());
    }
    let mine: Vec<minijinja::Value> = roles
        .iter()
        .map(|(study, role)| {
            minijinja::context! {
                slug => study.slug.as_str(),
                title => title(study),
                role => role.as_str(),
            }
        })
        .collect();
    let open: Vec<minijinja::Value> = active
        .iter()
        .map(|s| minijinja::context! { slug => s.slug.as_str(), title => title(s) })
        .collect();
    crate::page::render(
        &front,
        &v,
        "studies.html",
        minijinja::context! { mine => mine, open => open },
    )
}
