//! The app's error type: users see a friendly, translated page; the log gets the cause.
//!
//! Which error where: handlers return `Result<_, AppError>`. Store and analysis errors become
//! [`AppError::Internal`] (logged with their chain, shown as a 500 page without details);
//! a missing resource is [`AppError::NotFound`] (also a resource of another network: the
//! answer does not reveal that it exists). Authorisation failures are
//! [`AppError::LoginRequired`] (a stranger: 303 to `/login`) and [`AppError::Forbidden`]
//! (403); a form without a valid CSRF token is [`AppError::Csrf`] (403).
//!
//! A handler returns the store's, the XLSForm engine's, the report's, the text engine's and
//! the application's errors (import and export, which carry leernet-io's) with `?`: they become
//! [`AppError::Failed`], which knows no language; the [`localise`] layer shows its page in
//! the visitor's language (the same page as [`AppError::Internal`] in that language).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use leernet_core::i18n::Catalog;
use leernet_core::Lang;
use std::sync::OnceLock;

/// An error that ends a request.
#[derive(Debug)]
pub enum AppError {
    /// The page or resource does not exist (or may not be seen: same answer).
    NotFound(Lang),
    /// Something failed on our side.
    Internal(Lang, anyhow::Error),
    /// Something failed on our side, shown in the visitor's language by `localise`: what
    /// `?` makes of a library error.
    Failed(anyhow::Error),
    /// A stranger asked for a page that needs a login: go to the login page, then back to
    /// this path (and query).
    LoginRequired(String),
    /// Logged in, but the role does not allow this.
    Forbidden(Lang),
    /// A posted form without the right `csrf_token`: nothing was done.
    Csrf(Lang),
    /// The request itself is wrong (an oversized or malformed form): nothing was done.
    BadRequest(Lang),
    /// A link that leaves the app (an e-mail, the invitations CSV) cannot be made: the
    /// installation has no `server.public_url` and the request's host is not this machine.
    NeedsPublicUrl(Lang),
}

impl AppError {
    /// Wraps any error as an internal one.
    pub fn internal(lang: Lang, e: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(lang, e.into())
    }
}

macro_rules! failed_from {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> AppError {
                AppError::Failed(e.into())
            }
        }
    )*};
}

failed_from!(
    leernet_store::StoreError,
    leernet_xlsform::FormError,
    leernet_report::ReportError,
    leernet_text::TextError,
    leernet_app::export::ExportError,
    leernet_app::import::ImportError
);

/// The page of an [`AppError::Failed`], left for [`localise`] to render in the visitor's
/// language.
#[derive(Debug, Clone, Copy)]
struct InVisitorLang;

/// The layer that renders [`AppError::Failed`]'s page in the visitor's language (the
/// language a handler's [`crate::auth::Visitor`] has: `?lang=`, then the cookie, then Dutch).
pub async fn localise(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::extract::FromRequestParts;
    let (mut parts, body) = req.into_parts();
    let lang = match crate::PageLang::from_request_parts(&mut parts, &()).await {
        Ok(l) => l.lang,
        Err(never) => match never {},
    };
    let res = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    if res.extensions().get::<InVisitorLang>().is_some() {
        return page(
            lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error.internal_title",
            "error.internal",
        );
    }
    res
}

/// The error page's templates and the catalogue, parsed on the first error and then kept
/// (an error page needs no app state, and a burst of errors should not parse them again).
fn error_pages() -> &'static (minijinja::Environment<'static>, Catalog) {
    static PAGES: OnceLock<(minijinja::Environment<'static>, Catalog)> = OnceLock::new();
    PAGES.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_template("base.html", include_str!("../templates/base.html"))
            .expect("base template");
        env.add_template("error.html", include_str!("../templates/error.html"))
            .expect("error template");
        (env, leernet_report::catalog())
    })
}

/// Which error page a response is: [`with_visitor`] renders it again for the visitor, with
/// who is signed in in the header.
#[derive(Debug, Clone, Copy)]
struct ErrorPage {
    title_key: &'static str,
    text_key: &'static str,
}

/// Renders the error page without the app state (the texts are few and fixed); a study's
/// app renders it again with the visitor ([`with_visitor`]).
fn page(
    lang: Lang,
    status: StatusCode,
    title_key: &'static str,
    text_key: &'static str,
) -> Response {
    let body =
        page_html(lang, title_key, text_key).unwrap_or_else(|_| error_pages().1.t(lang, text_key));
    let mut res = (status, Html(body)).into_response();
    res.extensions_mut().insert(ErrorPage {
        title_key,
        text_key,
    });
    res
}

/// The layer of a study's app that renders error pages for the visitor: in their language
/// (what [`localise`] does) and with who is signed in, so that a refused or missing page
/// still shows the person's name and menu, and no login link to someone logged in. The
/// session is looked up only for an error page. Should that fail, the page without the
/// person stays.
pub async fn with_visitor(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::AppState>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::extract::FromRequestParts;
    let (uri, headers) = (req.uri().clone(), req.headers().clone());
    let res = next.run(req).await;
    let status = res.status();
    let keys = if res.extensions().get::<InVisitorLang>().is_some() {
        Some(ErrorPage {
            title_key: "error.internal_title",
            text_key: "error.internal",
        })
    } else {
        res.extensions().get::<ErrorPage>().copied()
    };
    let Some(keys) = keys else {
        return res;
    };
    let mut parts = axum::http::Request::builder()
        .uri(uri)
        .body(())
        .map(|r| r.into_parts().0)
        .unwrap_or_else(|_| axum::http::Request::new(()).into_parts().0);
    parts.headers = headers;
    let visitor = crate::auth::Visitor::from_request_parts(&mut parts, &state).await;
    let rendered = visitor.and_then(|v| {
        let lang = v.lang.lang;
        crate::page::render(
            &state,
            &v,
            "error.html",
            minijinja::context! {
                title => state.catalog.t(lang, keys.title_key),
                text => state.catalog.t(lang, keys.text_key),
            },
        )
    });
    let page = match rendered {
        Ok(page) => page,
        // the visitor's language without the person (what `localise` gives)
        Err(_) => {
            let lang = match crate::PageLang::from_request_parts(&mut parts, &()).await {
                Ok(l) => l.lang,
                Err(never) => match never {},
            };
            page(lang, status, keys.title_key, keys.text_key)
        }
    };
    // the first answer's status and headers (a fresh form cookie, say) with the page for the
    // visitor, and the page's own (`no-store`, as it names them; a language chosen now)
    let (mut head, _) = res.into_parts();
    let (new_head, body) = page.into_parts();
    for (name, value) in &new_head.headers {
        if name == axum::http::header::SET_COOKIE {
            head.headers.append(name, value.clone());
        } else {
            head.headers.insert(name, value.clone());
        }
    }
    head.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(head, body)
}

/// The error page's HTML; no one is shown as signed in.
fn page_html(lang: Lang, title_key: &str, text_key: &str) -> Result<String, minijinja::Error> {
    let (env, catalog) = error_pages();
    env.get_template("error.html")?.render(minijinja::context! {
        lang => lang.code(),
        other => if lang == Lang::Nl { "en" } else { "nl" },
        path => "/",
        base => "",
        study_nav => false,
        t => catalog.table(lang),
        title => catalog.t(lang, title_key),
        text => catalog.t(lang, text_key),
        fictional => false,
        user => (),
    })
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
            AppError::LoginRequired(target) => {
                let next: String = target
                    .bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                            (b as char).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .collect();
                axum::response::Redirect::to(&format!("/login?next={next}")).into_response()
            }
            AppError::Forbidden(lang) => page(
                lang,
                StatusCode::FORBIDDEN,
                "auth.forbidden_title",
                "auth.forbidden",
            ),
            AppError::Csrf(lang) => {
                page(lang, StatusCode::FORBIDDEN, "auth.csrf_title", "auth.csrf")
            }
            AppError::BadRequest(lang) => page(
                lang,
                StatusCode::BAD_REQUEST,
                "auth.bad_request_title",
                "auth.bad_request",
            ),
            AppError::NeedsPublicUrl(lang) => page(
                lang,
                StatusCode::CONFLICT,
                "error.public_url_title",
                "error.public_url",
            ),
            AppError::Failed(e) => {
                tracing::error!(error = format!("{e:#}"), "request failed");
                let mut res = StatusCode::INTERNAL_SERVER_ERROR.into_response();
                res.extensions_mut().insert(InVisitorLang);
                res
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn body(res: Response) -> (StatusCode, Vec<u8>) {
        let status = res.status();
        (
            status,
            res.into_body().collect().await.unwrap().to_bytes().to_vec(),
        )
    }

    /// `?` on a library error shows the page `AppError::Internal` showed, in the visitor's
    /// language.
    #[tokio::test]
    async fn a_failed_request_shows_the_internal_page_in_the_visitors_language() {
        let app = axum::Router::new()
            .route(
                "/",
                axum::routing::get(|| async {
                    Err::<(), _>(AppError::from(leernet_store::StoreError::Corrupt(
                        "x".into(),
                    )))
                }),
            )
            .layer(axum::middleware::from_fn(localise));
        for (uri, cookie, lang) in [
            ("/", None, Lang::Nl),
            ("/?lang=en", None, Lang::En),
            ("/", Some("lang=en"), Lang::En),
        ] {
            let mut req = axum::http::Request::builder().uri(uri);
            if let Some(c) = cookie {
                req = req.header(axum::http::header::COOKIE, c);
            }
            let res = app
                .clone()
                .oneshot(req.body(axum::body::Body::empty()).unwrap())
                .await
                .unwrap();
            let want = AppError::Internal(lang, anyhow::anyhow!("x")).into_response();
            assert_eq!(body(res).await, body(want).await, "{uri} {cookie:?}");
        }
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn the_error_page_is_a_whole_page_in_both_languages() {
        for (lang, title) in [(Lang::Nl, "Niet gevonden"), (Lang::En, "Not found")] {
            let html = page_html(lang, "error.not_found_title", "error.not_found")
                .expect("the error page renders");
            assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
            assert!(html.contains(&format!("<h1>{title}</h1>")), "{html}");
        }
    }

    #[test]
    fn a_name_a_template_does_not_get_is_an_error() {
        let (env, _) = error_pages();
        let err = env
            .render_str("{{ titel }}", minijinja::context! { title => "x" })
            .expect_err("strict undefined");
        assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError);
    }
}
