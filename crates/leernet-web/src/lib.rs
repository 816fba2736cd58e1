//! leernet-web: the web app — server-rendered pages in Dutch and English, read from the store.
//!
//! Why it exists: researchers, facilitators and members use leernet in the browser. The app
//! holds no state of its own beyond what [`AppState`] wraps (the store, templates and the
//! catalogue), so several instances can serve one PostgreSQL database.
//!
//! Invariants:
//! - every HTML response carries the security headers of PRODUCT.md ("HTTP surface");
//! - no inline script or style (the Content-Security-Policy forbids them);
//! - every page exists in Dutch and English (Dutch unless the visitor chose English);
//! - errors show a friendly page; the cause goes to the log, never answer text.

mod admin;
pub mod auth;
mod error;
mod instruments;
mod lang;
pub mod observe;
mod page;
mod pages;
pub mod survey;

use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use leernet_analysis::Overview;
use leernet_core::i18n::Catalog;
use leernet_core::InstrumentId;
use leernet_store::Store;
use leernet_xlsform::Form;
use minijinja::Environment;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use error::AppError;
pub use lang::PageLang;

/// What every request handler shares.
pub struct AppState {
    pub store: Store,
    pub overview: Overview,
    catalog: Catalog,
    env: Environment<'static>,
    /// Cookies get `Secure` (the app is served over HTTPS).
    pub secure_cookies: bool,
    /// The address respondents reach the app at (for the links in the CSV), when known.
    pub public_url: Option<String>,
    /// Instruments read once: forms are immutable per instrument version.
    forms: Mutex<HashMap<InstrumentId, Arc<Form>>>,
}

impl AppState {
    /// Builds the state around a store, with the shipped overview, templates and catalogue.
    pub fn new(store: Store) -> AppState {
        let mut env = Environment::new();
        for (name, src) in [
            ("base.html", include_str!("../templates/base.html")),
            ("overview.html", include_str!("../templates/overview.html")),
            ("networks.html", include_str!("../templates/networks.html")),
            ("network.html", include_str!("../templates/network.html")),
            ("error.html", include_str!("../templates/error.html")),
            ("login.html", include_str!("../templates/login.html")),
            (
                "instruments.html",
                include_str!("../templates/instruments.html"),
            ),
            ("my.html", include_str!("../templates/my.html")),
            ("waves.html", include_str!("../templates/waves.html")),
            ("wave.html", include_str!("../templates/wave.html")),
            ("response.html", include_str!("../templates/response.html")),
            ("survey.html", include_str!("../templates/survey.html")),
            (
                "survey_message.html",
                include_str!("../templates/survey_message.html"),
            ),
        ] {
            env.add_template(name, src)
                .expect("shipped templates parse");
        }
        leernet_report::format::register(&mut env);
        AppState {
            store,
            overview: Overview::builtin(),
            catalog: leernet_report::catalog(),
            env,
            secure_cookies: false,
            public_url: None,
            forms: Mutex::new(HashMap::new()),
        }
    }

    /// Sets the public address (`https://…` makes cookies `Secure`).
    pub fn with_public_url(mut self, url: Option<String>) -> AppState {
        self.secure_cookies = url.as_deref().is_some_and(|u| u.starts_with("https://"));
        self.public_url = url.map(|u| u.trim_end_matches('/').to_owned());
        self
    }

    /// The form of an instrument, read from the store once and then kept.
    pub async fn form(&self, id: InstrumentId) -> anyhow::Result<Arc<Form>> {
        if let Some(f) = self
            .forms
            .lock()
            .map_err(|_| anyhow::anyhow!("form cache poisoned"))?
            .get(&id)
        {
            return Ok(f.clone());
        }
        let inst = self
            .store
            .instruments()
            .await?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| anyhow::anyhow!("there is no instrument {id}"))?;
        let form = Arc::new(
            Form::from_workbook(&inst.workbook, &inst.file_name)
                .map_err(|e| anyhow::anyhow!("instrument {id} does not read: {e}"))?,
        );
        self.forms
            .lock()
            .map_err(|_| anyhow::anyhow!("form cache poisoned"))?
            .insert(id, form.clone());
        Ok(form)
    }
}

/// The largest request body accepted (a survey page with long open answers fits easily).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// The whole app as a router (tests drive it with `oneshot`).
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::overview))
        .route("/networks", get(pages::networks))
        .route("/networks/{slug}", get(pages::network))
        .route("/healthz", get(pages::healthz))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/static/survey.js", get(survey::script))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/my", get(admin::my))
        .route(
            "/admin/instruments",
            get(instruments::list).post(instruments::upload).layer(
                axum::extract::DefaultBodyLimit::max(instruments::MAX_WORKBOOK_BYTES),
            ),
        )
        .route("/admin/waves", get(admin::waves).post(admin::create_wave))
        .route("/admin/waves/{id}", get(admin::wave))
        .route("/admin/waves/{id}/status", post(admin::set_status))
        .route("/admin/waves/{id}/invitations", post(admin::invite))
        .route(
            "/admin/waves/{id}/invitations.csv",
            get(admin::invitations_csv),
        )
        .route("/responses/{id}", get(admin::response))
        .route("/s/{token}", get(survey::show).post(survey::save))
        .route("/s/{token}/relevance", post(survey::relevance))
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(observe::request_span))
        .with_state(state)
}

/// Serves the app on `listener` until ctrl-c. `LEERNET_PUBLIC_URL` (optional) names the
/// address respondents reach it at; an `https://` address makes cookies `Secure`.
pub async fn serve(store: Store, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let public = std::env::var("LEERNET_PUBLIC_URL")
        .ok()
        .filter(|s| !s.is_empty());
    serve_with(store, listener, public).await
}

/// Serves the app on `listener` until ctrl-c, reached by people at `public_url` (from the
/// binary's settings; an `https://` address makes cookies `Secure`).
pub async fn serve_with(
    store: Store,
    listener: tokio::net::TcpListener,
    public_url: Option<String>,
) -> std::io::Result<()> {
    if let Ok(a) = listener.local_addr() {
        tracing::info!(addr = %a, backend = ?store.backend(), "serving");
    }
    let state = Arc::new(AppState::new(store).with_public_url(public_url));
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
