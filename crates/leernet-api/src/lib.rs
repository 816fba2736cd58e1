//! leernet-api: the JSON API (`/api/v1/…`, issue 22) for researchers' R and Python scripts,
//! dashboards and other tools, described by an OpenAPI 3.1 document generated from this
//! code (`/api/v1/openapi.json`, [`ApiDoc`]), so the description cannot drift.
//!
//! Why a crate of its own: the API is a second face of the same use cases as the web app
//! (`leernet-app`, `leernet-store`), without HTML, cookies or CSRF; the web crate only merges
//! [`router`] into its own when an installation is at hand.
//!
//! How a request goes: the bearer token is looked up by its SHA-256 in the installation
//! ([`leernet_store::Installation::use_api_token`]: 401 when missing, unknown, expired or
//! revoked; a write-scope token's use is audited there); the token's rate is taken from an
//! in-memory token bucket per token (429 with `Retry-After`; per process, so several
//! instances each allow the rate); a write route needs the write scope (403); the study of
//! the path is opened through the installation (stores cached per slug) only when the
//! token's account has a role in it, else 404 — the same 404 as for anything that does not
//! exist. The role rules are the web app's: a researcher sees every network, a coordinator
//! the networks of their Werkplaatsen and only aggregates, a facilitator or member their own
//! networks; responses follow the export's privacy policy ([`leernet_app::export::rights`]:
//! a researcher all, a facilitator their own network's, redacted with
//! [`leernet_app::export::redact_answers`]; coordinators and members none).
//!
//! Invariants: every error is an RFC 9457 problem detail ([`problem`]); reads carry an
//! `ETag` and answer `If-None-Match` with 304; bodies are limited ([`MAX_BODY_BYTES`], 413);
//! page cursors are signed (HMAC-SHA-256 over the query they continue; a changed one is
//! 400); answers, tokens and bodies are never logged.

pub mod cursor;
mod handlers;
pub mod imports;
pub mod problem;
mod ratelimit;
mod resources;
pub mod time;

use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use leernet_core::{Lang, Network, NetworkId, Role, SharedClock, Slug};
use leernet_store::{ApiToken, Installation, Store, Study, TokenRefusal, TokenScope};
use problem::{lang_of, ApiError};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use utoipa::OpenApi;

pub use handlers::ApiDoc;

/// The largest request body the API reads (1 MiB); a larger one is refused with 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The largest response body the `ETag` layer hashes (64 MiB; a page is far smaller).
const MAX_HASHED_BYTES: usize = 64 << 20;

/// What the API's handlers share: the installation, the clock, the studies' stores opened
/// so far, the cursor key and the rate limiter.
pub struct ApiState {
    inst: Installation,
    clock: SharedClock,
    stores: tokio::sync::Mutex<HashMap<Slug, Store>>,
    cursor_key: [u8; 32],
    limiter: ratelimit::Limiter,
    public_url: Option<String>,
    /// Each study's figures (and the content they are computed with), cached per data
    /// generation and wave choice; `leernet serve` shares them with the web app's pages.
    figures: Arc<leernet_app::figures::FigureCaches>,
}

impl std::fmt::Debug for ApiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState").finish_non_exhaustive()
    }
}

impl ApiState {
    /// The API over `inst`, reading the time from `clock`: a random cursor key (cursors
    /// live as long as the process) and the default rate (120 requests in a burst, 20 a
    /// second after it, per token).
    pub fn new(inst: Installation, clock: SharedClock) -> ApiState {
        use rand::RngCore;
        let mut cursor_key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut cursor_key);
        ApiState {
            inst,
            clock,
            stores: tokio::sync::Mutex::new(HashMap::new()),
            cursor_key,
            limiter: ratelimit::Limiter::new(120, 20.0),
            public_url: None,
            figures: Arc::new(leernet_app::figures::FigureCaches::new(
                leernet_analysis::ProjectContent::builtin(),
                Default::default(),
            )),
        }
    }

    /// Computes the figures with the project's `content` (its own `content/` folder over
    /// the shipped files) instead of the shipped content, in a cache of the API's own.
    pub fn with_content(mut self, content: leernet_analysis::ProjectContent) -> ApiState {
        self.figures = Arc::new(leernet_app::figures::FigureCaches::new(
            content,
            Default::default(),
        ));
        self
    }

    /// Takes the studies' figures from `figures` (each study's own content over the
    /// project's), the caches the web app's pages use too: a change is computed once for
    /// both.
    pub fn with_figures(mut self, figures: Arc<leernet_app::figures::FigureCaches>) -> ApiState {
        self.figures = figures;
        self
    }

    /// The figure cache of `study`.
    fn figure_cache(&self, study: &Study) -> Arc<leernet_app::figures::FigureCache> {
        self.figures.of(study.slug.as_str())
    }

    /// The address respondents reach the survey at: invitation links are absolute under it.
    pub fn with_public_url(mut self, url: Option<String>) -> ApiState {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_owned());
        self
    }

    /// Each token may make `burst` requests at once and `per_second` a second after that.
    pub fn with_rate_limit(mut self, burst: u32, per_second: f64) -> ApiState {
        self.limiter = ratelimit::Limiter::new(burst, per_second);
        self
    }

    /// Signs page cursors with `key` (several instances behind one address share one).
    pub fn with_cursor_key(mut self, key: [u8; 32]) -> ApiState {
        self.cursor_key = key;
        self
    }

    /// The installation.
    pub fn installation(&self) -> &Installation {
        &self.inst
    }

    fn now(&self) -> i64 {
        self.clock.unix_seconds()
    }

    /// The open store of `study` (opened once, then cloned from the cache).
    async fn store(&self, study: &Study) -> Result<Store, ApiError> {
        let mut stores = self.stores.lock().await;
        // an archived study is opened read-only: a study archived or made active again
        // since its store was opened is opened anew
        let archived = study.state == leernet_store::StudyState::Archived;
        if let Some(s) = stores.get(&study.slug) {
            if s.is_read_only() == archived {
                return Ok(s.clone());
            }
        }
        let s = self
            .inst
            .open_study(study)
            .await
            .map_err(ApiError::internal)?;
        stores.insert(study.slug.clone(), s.clone());
        Ok(s)
    }

    /// Closes the studies' stores opened so far (the installation stays open).
    pub async fn close(&self) {
        for (_, s) in self.stores.lock().await.drain() {
            s.close().await;
        }
    }

    /// What the caller may reach in the study `slug`: 404 when it does not exist or the
    /// token's account has no role in it.
    /// [`ApiState::access`] for a write: a token with the write scope (403), a researcher
    /// of the study (404 for anyone else, as a read), and a study that is not archived
    /// (409: it can be read, not changed).
    async fn write_access(&self, caller: &Caller, slug: &str) -> Result<Access, ApiError> {
        caller.need_write()?;
        let a = self.access(caller, slug).await?;
        if a.role != Role::Researcher {
            return Err(ApiError::NotFound);
        }
        if a.study.state == leernet_store::StudyState::Archived {
            return Err(ApiError::Archived);
        }
        Ok(a)
    }

    async fn access(&self, caller: &Caller, slug: &str) -> Result<Access, ApiError> {
        let slug = Slug::parse(slug).map_err(|_| ApiError::NotFound)?;
        let study = self
            .inst
            .study_by_slug(&slug)
            .await
            .map_err(ApiError::internal)?
            .ok_or(ApiError::NotFound)?;
        let role = self
            .inst
            .roles_of(caller.token.account)
            .await
            .map_err(ApiError::internal)?
            .into_iter()
            .find(|r| r.study == study.id)
            .ok_or(ApiError::NotFound)?;
        // a deactivated role (issue 18) gives no access, by token either
        if !self
            .inst
            .role_is_active(role.account, study.id)
            .await
            .map_err(ApiError::internal)?
        {
            return Err(ApiError::NotFound);
        }
        let store = self.store(&study).await?;
        let networks = store.networks().await.map_err(ApiError::internal)?;
        let visible = visible_networks(role.role, &role.networks, &networks);
        Ok(Access {
            study,
            store,
            role: role.role,
            own: role.networks,
            visible,
        })
    }
}

/// The networks a role sees, as the web app decides it (`leernet-web/src/access.rs`): a
/// researcher every network, a facilitator or member their own, a coordinator the networks
/// of their networks' Werkplaatsen.
pub fn visible_networks(role: Role, own: &[NetworkId], all: &[Network]) -> Vec<Network> {
    match role {
        Role::Researcher => all.to_vec(),
        Role::Facilitator | Role::Member => all
            .iter()
            .filter(|n| own.contains(&n.id))
            .cloned()
            .collect(),
        Role::Coordinator => {
            let workplaces: Vec<_> = all
                .iter()
                .filter(|n| own.contains(&n.id))
                .map(|n| n.workplace)
                .collect();
            all.iter()
                .filter(|n| workplaces.contains(&n.workplace))
                .cloned()
                .collect()
        }
    }
}

/// A study as the caller may reach it.
struct Access {
    study: Study,
    store: Store,
    role: Role,
    /// The networks of the caller's role.
    own: Vec<NetworkId>,
    /// The networks the caller sees, by id.
    visible: Vec<Network>,
}

/// The bearer of a valid token, let in (and counted) for this request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token: ApiToken,
    pub lang: Lang,
}

impl Caller {
    fn need_write(&self) -> Result<(), ApiError> {
        if self.token.scope == TokenScope::Write {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// An error answered in the caller's language.
pub struct Fail(pub ApiError, pub Lang);

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        self.0.respond(self.1)
    }
}

impl FromRequestParts<Arc<ApiState>> for Caller {
    type Rejection = Fail;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<ApiState>) -> Result<Caller, Fail> {
        let lang = lang_of(&parts.headers);
        let fail = |e| Fail(e, lang);
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            })
            .filter(|s| !s.is_empty() && s.len() <= 256)
            .ok_or(fail(ApiError::Unauthorized))?;
        let route = parts
            .extensions
            .get::<MatchedPath>()
            .map_or("", |m| m.as_str());
        let what = format!("{} {route}", parts.method);
        let token = match state
            .inst
            .use_api_token(secret, state.now(), &what)
            .await
            .map_err(|e| fail(ApiError::internal(e)))?
        {
            Ok(t) => t,
            Err(TokenRefusal::Unknown) => return Err(fail(ApiError::Unauthorized)),
            Err(TokenRefusal::Expired) => return Err(fail(ApiError::Expired)),
            Err(TokenRefusal::Revoked) => return Err(fail(ApiError::Revoked)),
        };
        let at = state.clock.since_epoch().as_secs_f64();
        if let Err(wait) = state.limiter.take(token.id, at) {
            return Err(fail(ApiError::TooMany(wait)));
        }
        Ok(Caller { token, lang })
    }
}

/// The API's routes under `/api/v1`, with their layers: problem details for every error,
/// `ETag`s on reads, the body limit. Merge it into the web app's router.
pub fn router(state: Arc<ApiState>) -> Router {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/studies", get(handlers::studies))
        .route("/api/v1/studies/{slug}", get(handlers::study))
        .route("/api/v1/studies/{slug}/networks", get(handlers::networks))
        .route(
            "/api/v1/studies/{slug}/instruments",
            get(handlers::instruments),
        )
        .route(
            "/api/v1/studies/{slug}/instruments/{id}",
            get(handlers::instrument),
        )
        .route(
            "/api/v1/studies/{slug}/instruments/{id}/responses",
            get(handlers::responses).post(handlers::submit_responses),
        )
        .route("/api/v1/studies/{slug}/waves", get(handlers::waves))
        .route(
            "/api/v1/studies/{slug}/waves/{id}/invitations",
            post(handlers::invite),
        )
        .route(
            "/api/v1/studies/{slug}/instruments/{id}/imports",
            post(imports::import).layer(axum::extract::DefaultBodyLimit::max(
                imports::MAX_IMPORT_BYTES,
            )),
        )
        .route("/api/v1/studies/{slug}/figures", get(resources::figures))
        .route(
            "/api/v1/studies/{slug}/codebooks",
            get(resources::codebooks),
        )
        .route("/api/v1/studies/{slug}/codings", get(resources::codings))
        .route(
            "/api/v1/studies/{slug}/documents",
            get(resources::documents),
        )
        .route(
            "/api/v1/studies/{slug}/documents/{id}",
            get(resources::document),
        )
        .route(
            "/api/v1/studies/{slug}/networks/{network}/sessions",
            get(resources::sessions),
        )
        .route(
            "/api/v1/studies/{slug}/networks/{network}/slow-questions",
            get(resources::slow_questions),
        )
        .route(
            "/api/v1/studies/{slug}/networks/{network}/rounds",
            get(resources::rounds),
        )
        .route("/api/v1", any(not_found))
        .route("/api/v1/{*rest}", any(not_found))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(etag))
        .layer(axum::middleware::from_fn(problems))
        .with_state(state)
}

async fn not_found(headers: axum::http::HeaderMap) -> Response {
    ApiError::NotFound.respond(lang_of(&headers))
}

impl ApiDoc {
    /// The OpenAPI 3.1 document as JSON (what `/api/v1/openapi.json` serves).
    pub fn openapi_json() -> String {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".into())
    }
}

/// The OpenAPI document, generated from the handlers' annotations.
async fn openapi_json() -> Response {
    let body = ApiDoc::openapi_json();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Makes every error response a problem detail: those the handlers make are already; those
/// axum or a layer makes (a body over the limit, a body that is not JSON, a method the
/// route lacks) get the catalogue's words for their status.
async fn problems(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let r = next.run(req).await;
    let status = r.status();
    let is_problem = r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(problem::PROBLEM_JSON.as_bytes()));
    if status.is_client_error() || status.is_server_error() {
        if is_problem {
            return r;
        }
        let allow = r.headers().get(header::ALLOW).cloned();
        let mut out = problem::problem_response(status, &problem::for_status(status, lang));
        if let Some(a) = allow {
            out.headers_mut().insert(header::ALLOW, a);
        }
        return out;
    }
    r
}

/// A strong `ETag` (the SHA-256 of the body) on every successful read, and 304 when the
/// request's `If-None-Match` names it.
async fn etag(req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let wanted = req.headers().get(header::IF_NONE_MATCH).cloned();
    let r = next.run(req).await;
    if r.status() != StatusCode::OK {
        return r;
    }
    let (mut parts, body) = r.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_HASHED_BYTES).await else {
        return ApiError::internal("a response too large to hash").respond(Lang::Nl);
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!("\"{}\"", hex::encode(&digest[..16]));
    let Ok(value) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let matches = wanted
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t.trim_start_matches("W/") == tag
            })
        });
    parts.headers.insert(header::ETAG, value);
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}
