//! The signed-in person's API tokens ("API-sleutels", `/tokens`): make one (name, scope,
//! days), see it once with a copy button, list them (name, scope, made, last used, expires)
//! and revoke one
//! after a confirmation. For the JSON API (`leernet-api`, `docs/api.md`); the same use
//! cases as `leernet token` (`leernet_app::tokens`).
//!
//! Why at the installation level: a token acts for an account in every study it has a role
//! in, so the page belongs to no study; the portal serves it beside the list of studies,
//! with the front's templates. A person reaches only their own tokens: a token of another
//! account is refused as one that does not exist (404). Every form carries the session's
//! CSRF token; a typed form (`TryFrom`) checks the scope and the number of days before
//! anything is stored. The secret is shown once, on the answer to the form, and never
//! logged.

use crate::auth::Visitor;
use crate::form::HtmlForm;
use crate::portal::Portal;
use crate::AppError;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leernet_app::tokens::{self, TokenError, MAX_DAYS};
use leernet_core::{Lang, PersonId};
use leernet_store::{ApiToken, TokenScope};
use serde::Deserialize;
use std::sync::Arc;

/// The form to make a token, as posted.
#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    pub csrf_token: Option<String>,
    pub name: Option<String>,
    pub scope: Option<String>,
    pub days: Option<String>,
}

/// A token to make, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// Its name, checked by `leernet_app::tokens::check_name`.
    pub name: String,
    pub scope: TokenScope,
    pub days: u32,
}

/// What is wrong with a posted token form: the catalogue key of its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormError {
    Name,
    Scope,
    Days,
}

impl TokenFormError {
    fn key(self) -> &'static str {
        match self {
            TokenFormError::Name => "tokens.err_name",
            TokenFormError::Scope => "tokens.err_scope",
            TokenFormError::Days => "tokens.err_days",
        }
    }
}

impl TryFrom<&NewTokenForm> for NewToken {
    type Error = TokenFormError;

    fn try_from(f: &NewTokenForm) -> Result<NewToken, TokenFormError> {
        let name = tokens::check_name(f.name.as_deref().unwrap_or_default())
            .map_err(|_| TokenFormError::Name)?;
        let scope = match f.scope.as_deref() {
            Some("read") => TokenScope::Read,
            Some("write") => TokenScope::Write,
            _ => return Err(TokenFormError::Scope),
        };
        let days = f
            .days
            .as_deref()
            .map(str::trim)
            .filter(|d| d.len() <= 3)
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|d| (1..=MAX_DAYS).contains(d))
            .ok_or(TokenFormError::Days)?;
        Ok(NewToken { name, scope, days })
    }
}

/// The form to revoke a token, as posted.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    pub csrf_token: Option<String>,
}

/// The visitor on the front and their installation account; the login page for a stranger.
async fn signed_in(
    portal: &Arc<Portal>,
    parts: &mut axum::http::request::Parts,
) -> Result<(Visitor, PersonId), AppError> {
    let front = portal.front.clone();
    let v = <Visitor as axum::extract::FromRequestParts<Arc<crate::AppState>>>::from_request_parts(
        parts, &front,
    )
    .await?;
    let lang = v.lang.lang;
    let person = match crate::auth::cookie(&parts.headers, crate::auth::SESSION_COOKIE) {
        Some(secret) => portal
            .installation
            .session(secret, front.now())
            .await
            .map_err(|e| AppError::internal(lang, e))?
            .map(|s| s.person),
        None => None,
    };
    match (person, &v.signed_in) {
        (Some(p), Some(_)) => Ok((v, p)),
        _ => Err(AppError::LoginRequired(v.target.clone())),
    }
}

/// The date of an instant in Europe/Amsterdam, the way people write it (issue 18).
fn date(at: i64, lang: leernet_core::Lang) -> String {
    crate::lang::local_date(at, lang)
}

fn state_key(t: &ApiToken, now: i64) -> &'static str {
    if t.revoked {
        "tokens.state_revoked"
    } else if t.expires_at <= now {
        "tokens.state_expired"
    } else {
        "tokens.state_active"
    }
}

/// Renders the page with the account's tokens, the form (refilled after a refusal), the
/// new secret (once) and a message.
async fn page(
    portal: &Arc<Portal>,
    v: &Visitor,
    person: PersonId,
    status: StatusCode,
    extra: minijinja::Value,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let front = &portal.front;
    let now = front.now();
    let list = portal
        .installation
        .api_tokens(person)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let rows: Vec<minijinja::Value> = list
        .iter()
        .rev()
        .map(|t| {
            minijinja::context! {
                id => t.id,
                name => t.name.clone(),
                scope => t.scope.as_str(),
                created => date(t.created_at, lang),
                expires => date(t.expires_at, lang),
                last_used => t.last_used_at.map(|at| date(at, lang)),
                state => state_key(t, now),
                active => !t.revoked && t.expires_at > now,
            }
        })
        .collect();
    let revoked = v.target.contains("revoked=1");
    let mut r = crate::page::render(
        front,
        v,
        "tokens.html",
        minijinja::context! { tokens => rows, max_days => MAX_DAYS, revoked => revoked, ..extra },
    )?;
    *r.status_mut() = status;
    Ok(r)
}

/// `GET /tokens`: the signed-in person's tokens and the form to make one.
pub async fn list(State(portal): State<Arc<Portal>>, req: Request) -> Result<Response, AppError> {
    let (mut parts, _) = req.into_parts();
    let (v, person) = signed_in(&portal, &mut parts).await?;
    page(
        &portal,
        &v,
        person,
        StatusCode::OK,
        minijinja::context! {
            name => "",
            scope => "read",
            days => tokens::DEFAULT_DAYS.to_string(),
        },
    )
    .await
}

/// `POST /tokens`: makes a token and shows its secret once.
pub async fn create(State(portal): State<Arc<Portal>>, req: Request) -> Result<Response, AppError> {
    let (mut parts, body) = req.into_parts();
    let (v, person) = signed_in(&portal, &mut parts).await?;
    let form = <HtmlForm<NewTokenForm> as axum::extract::FromRequest<()>>::from_request(
        Request::from_parts(parts, body),
        &(),
    )
    .await?;
    let lang = v.lang.lang;
    let HtmlForm(f) = form;
    v.check_csrf(f.csrf_token.as_deref())?;
    let refill = minijinja::context! {
        name => f.name.clone().unwrap_or_default(),
        scope => f.scope.clone().unwrap_or_default(),
        days => f.days.clone().unwrap_or_default(),
    };
    let new = match NewToken::try_from(&f) {
        Ok(n) => n,
        Err(e) => {
            return page(
                &portal,
                &v,
                person,
                StatusCode::UNPROCESSABLE_ENTITY,
                minijinja::context! { error => e.key(), ..refill },
            )
            .await
        }
    };
    let now = portal.front.now();
    let made = tokens::create_for(
        &portal.installation,
        person,
        &new.name,
        new.scope,
        new.days,
        &leernet_store::Actor::Person(person),
        now,
    )
    .await;
    let (token, secret) = match made {
        Ok(m) => m,
        Err(TokenError::Name) => {
            return page(
                &portal,
                &v,
                person,
                StatusCode::UNPROCESSABLE_ENTITY,
                minijinja::context! { error => "tokens.err_name", ..refill },
            )
            .await
        }
        Err(TokenError::Days(_)) => {
            return page(
                &portal,
                &v,
                person,
                StatusCode::UNPROCESSABLE_ENTITY,
                minijinja::context! { error => "tokens.err_days", ..refill },
            )
            .await
        }
        Err(e) => return Err(AppError::internal(lang, e)),
    };
    tracing::info!(token = token.id, "API token made in the web app");
    page(
        &portal,
        &v,
        person,
        StatusCode::OK,
        minijinja::context! {
            secret => secret,
            made_id => token.id,
            name => "",
            scope => "read",
            days => tokens::DEFAULT_DAYS.to_string(),
        },
    )
    .await
}

/// The account's token `id` (404 for anything else).
async fn own_token(
    portal: &Portal,
    person: PersonId,
    id: &str,
    lang: Lang,
) -> Result<ApiToken, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound(lang))?;
    match portal
        .installation
        .api_token(id)
        .await
        .map_err(|e| AppError::internal(lang, e))?
    {
        Some(t) if t.account == person => Ok(t),
        _ => Err(AppError::NotFound(lang)),
    }
}

/// `GET /tokens/{id}/revoke`: asks whether to revoke the token.
pub async fn confirm(
    State(portal): State<Arc<Portal>>,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    let (mut parts, _) = req.into_parts();
    let (v, person) = signed_in(&portal, &mut parts).await?;
    let lang = v.lang.lang;
    let t = own_token(&portal, person, &id, lang).await?;
    crate::page::render(
        &portal.front,
        &v,
        "tokens_revoke.html",
        minijinja::context! {
            id => t.id,
            name => t.name.clone(),
            scope => t.scope.as_str(),
            created => date(t.created_at, lang),
            expires => date(t.expires_at, lang),
            done => t.revoked,
        },
    )
}

/// `POST /tokens/{id}/revoke`: revokes the token, then back to the list.
pub async fn revoke(
    State(portal): State<Arc<Portal>>,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    let (mut parts, body) = req.into_parts();
    let (v, person) = signed_in(&portal, &mut parts).await?;
    let form = <HtmlForm<RevokeForm> as axum::extract::FromRequest<()>>::from_request(
        Request::from_parts(parts, body),
        &(),
    )
    .await?;
    let lang = v.lang.lang;
    v.check_csrf(form.0.csrf_token.as_deref())?;
    let t = own_token(&portal, person, &id, lang).await?;
    match tokens::revoke_own(&portal.installation, person, t.id, portal.front.now()).await {
        Ok(_) => {}
        Err(TokenError::UnknownToken(_)) => return Err(AppError::NotFound(lang)),
        Err(e) => return Err(AppError::internal(lang, e)),
    }
    Ok(Redirect::to("/tokens?revoked=1").into_response())
}

/// The page's script: the copy button.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/tokens.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(scope: &str, days: &str) -> NewTokenForm {
        NewTokenForm {
            csrf_token: None,
            name: Some(" R-script ".into()),
            scope: Some(scope.into()),
            days: Some(days.into()),
        }
    }

    #[test]
    fn a_token_form_is_checked_before_anything_is_made() {
        assert_eq!(
            NewToken::try_from(&form("read", "30")),
            Ok(NewToken {
                name: "R-script".into(),
                scope: TokenScope::Read,
                days: 30
            })
        );
        assert_eq!(
            NewToken::try_from(&form("write", " 366 ")).map(|t| t.days),
            Ok(366)
        );
        for (s, d, e) in [
            ("admin", "30", TokenFormError::Scope),
            ("", "30", TokenFormError::Scope),
            ("read", "0", TokenFormError::Days),
            ("read", "367", TokenFormError::Days),
            ("read", "-1", TokenFormError::Days),
            ("read", "99999999999999999999", TokenFormError::Days),
            ("read", "dertig", TokenFormError::Days),
            ("read", "", TokenFormError::Days),
        ] {
            assert_eq!(NewToken::try_from(&form(s, d)), Err(e), "{s} {d}");
        }
        let missing = NewTokenForm {
            csrf_token: None,
            name: Some("R".into()),
            scope: Some("read".into()),
            days: None,
        };
        assert_eq!(NewToken::try_from(&missing), Err(TokenFormError::Days));
        for name in [None, Some(""), Some("  "), Some("a\u{0}b")] {
            let f = NewTokenForm {
                name: name.map(str::to_owned),
                ..form("read", "30")
            };
            assert_eq!(
                NewToken::try_from(&f),
                Err(TokenFormError::Name),
                "{name:?}"
            );
        }
        let long = NewTokenForm {
            name: Some("x".repeat(101)),
            ..form("read", "30")
        };
        assert_eq!(NewToken::try_from(&long), Err(TokenFormError::Name));
    }
}
