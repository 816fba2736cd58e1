//! `HtmlForm<T>`: a posted HTML form deserialised into a typed struct.
//!
//! Why not axum's `Form`: an HTML form posts a checkbox group as the same name repeated
//! (`present=3&present=5`), which `serde_urlencoded` cannot put into a `Vec`; the
//! `serde_html_form` crate (what axum-extra's `Form` uses) can. The struct holds the fields
//! as text; a `TryFrom` into a domain value checks them, so a handler never reads a field
//! by name. A body that is no form at all is a 400 in the visitor's language.

use crate::error::AppError;
use crate::lang::PageLang;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

/// A posted `application/x-www-form-urlencoded` body as `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlForm<T>(pub T);

impl<T, S> FromRequest<S> for HtmlForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let lang = match PageLang::from_request_parts(&mut parts, state).await {
            Ok(l) => l.lang,
            Err(never) => match never {},
        };
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest(lang));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::BadRequest(lang))?;
        serde_html_form::from_bytes(&bytes)
            .map(HtmlForm)
            .map_err(|_| AppError::BadRequest(lang))
    }
}

/// A form's fields as text, for showing a refused form again as it was sent: each field by
/// its name (the first value of a repeated one), the CSRF token left out.
pub fn refill<T: serde::Serialize>(form: &T) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(form) {
        for (k, v) in m {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Array(a) => match a.into_iter().next() {
                    Some(serde_json::Value::String(s)) => s,
                    _ => continue,
                },
                _ => continue,
            };
            if k != "csrf_token" {
                out.insert(k, text);
            }
        }
    }
    out
}
