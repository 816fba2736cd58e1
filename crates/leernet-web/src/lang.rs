//! The visitor's language: `?lang=en` (or `nl`) chooses and is remembered in a cookie;
//! otherwise the cookie; otherwise Dutch.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use leernet_core::Lang;
use std::convert::Infallible;

/// The language of this page, and whether the visitor just chose it (then a cookie is set).
#[derive(Debug, Clone, Copy)]
pub struct PageLang {
    pub lang: Lang,
    pub chosen_now: bool,
}

fn from_query(q: &str) -> Option<Lang> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v).ok())
}

fn from_cookie(parts: &Parts) -> Option<Lang> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v).ok())
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        if let Some(lang) = parts.uri.query().and_then(from_query) {
            return Ok(PageLang {
                lang,
                chosen_now: true,
            });
        }
        Ok(PageLang {
            lang: from_cookie(parts).unwrap_or(Lang::Nl),
            chosen_now: false,
        })
    }
}
