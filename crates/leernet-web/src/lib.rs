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

mod error;
mod lang;
mod pages;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use leernet_analysis::Overview;
use leernet_core::i18n::Catalog;
use leernet_store::Store;
use minijinja::Environment;
use std::sync::Arc;

pub use error::AppError;
pub use lang::PageLang;

/// What every request handler shares.
pub struct AppState {
    pub store: Store,
    pub overview: Overview,
    catalog: Catalog,
    env: Environment<'static>,
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
        }
    }
}

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
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serves the app on `listener` until ctrl-c.
pub async fn serve(store: Store, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let state = Arc::new(AppState::new(store));
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
