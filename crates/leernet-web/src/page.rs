//! Rendering the fieldwork pages (login, the researcher's pages, the survey): the common
//! context every template of `base.html` expects, plus the visitor and their CSRF token.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use leernet_core::Lang;

/// Renders `name` for the visitor with `extra` context; remembers a language just chosen.
pub fn render(
    state: &AppState,
    v: &Visitor,
    name: &str,
    extra: minijinja::Value,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let tpl = state
        .env
        .get_template(name)
        .map_err(|e| AppError::internal(lang, e))?;
    // the path below this study's base (the visitor's target carries the base)
    let full = v.target.split('?').next().unwrap_or("/");
    let path = full
        .strip_prefix(state.base.as_str())
        .filter(|p| p.starts_with('/'))
        .unwrap_or(full)
        .to_owned();
    let user = user_context(v);
    let ctx = minijinja::context! {
        lang => lang.code(),
        other => if lang == Lang::Nl { "en" } else { "nl" },
        base => minijinja::Value::from_safe_string(page_base(state, &path).to_owned()),
        study_nav => !state.front,
        path => path,
        t => state.catalog_value(lang),
        fictional => false,
        user => user,
        ..extra
    };
    let body = tpl.render(ctx).map_err(|e| AppError::internal(lang, e))?;
    let mut res = Html(body).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    if v.lang.chosen_now {
        res.headers_mut().append(
            header::SET_COOKIE,
            crate::auth::set_cookie(state, "lang", lang.code(), 31_536_000),
        );
    }
    Ok(res)
}

/// Who is signed in, for the header and its menu of every page (`user` in `base.html`):
/// their name, their role here (empty without one), their form token, and whether they
/// administer the installation.
pub(crate) fn user_context(v: &Visitor) -> Option<minijinja::Value> {
    v.signed_in.as_ref().map(|u| {
        minijinja::context! {
            name => u.name.clone(),
            role => u.role.map(|r| r.as_str()).unwrap_or(""),
            csrf => u.csrf.clone(),
            admin => u.admin,
        }
    })
}

/// The base of a page's study links (`/studies/` and a slug: nothing to escape, so it is
/// passed as safe and links read `/studies/…`, not `&#x2f;studies…`): the study's, except on the survey's pages, which are
/// the installation's (`/s/{token}` stays one address whatever study it belongs to).
pub(crate) fn page_base<'a>(state: &'a AppState, path: &str) -> &'a str {
    if path.starts_with("/s/") {
        ""
    } else {
        &state.base
    }
}
