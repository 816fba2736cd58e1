//! The app's error type: users see a friendly, translated page; the log gets the cause.
//!
//! Which error where: handlers return `Result<_, AppError>`. Store and analysis errors become
//! [`AppError::Internal`] (logged with their chain, shown as a 500 page without details);
//! a missing resource is [`AppError::NotFound`].

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use leernet_core::Lang;

/// An error that ends a request.
#[derive(Debug)]
pub enum AppError {
    /// The page or resource does not exist (or may not be seen: same answer).
    NotFound(Lang),
    /// Something failed on our side.
    Internal(Lang, anyhow::Error),
}

impl AppError {
    /// Wraps any error as an internal one.
    pub fn internal(lang: Lang, e: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(lang, e.into())
    }
}

/// Renders the error page without the app state (the texts are few and fixed).
fn page(lang: Lang, status: StatusCode, title_key: &str, text_key: &str) -> Response {
    let catalog = leernet_report::catalog();
    let mut env = minijinja::Environment::new();
    env.add_template("base.html", include_str!("../templates/base.html"))
        .expect("base template");
    env.add_template("error.html", include_str!("../templates/error.html"))
        .expect("error template");
    let body = env
        .get_template("error.html")
        .and_then(|t| {
            t.render(minijinja::context! {
                lang => lang.code(),
                other => if lang == Lang::Nl { "en" } else { "nl" },
                path => "/",
                t => catalog.table(lang),
                title => catalog.t(lang, title_key),
                text => catalog.t(lang, text_key),
                fictional => false,
            })
        })
        .unwrap_or_else(|_| catalog.t(lang, text_key));
    (status, Html(body)).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound(lang) => page(
                lang,
                StatusCode::NOT_FOUND,
                "error.not_found_title",
                "error.not_found",
            ),
            AppError::Internal(lang, e) => {
                tracing::error!(error = format!("{e:#}"), "request failed");
                page(
                    lang,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error.internal_title",
                    "error.internal",
                )
            }
        }
    }
}
