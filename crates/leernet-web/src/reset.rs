//! "Wachtwoord vergeten" and the page where a one-time link sets a password (issue 18,
//! item 1): `/login/forgot` asks for an address and, when it belongs to an account that may
//! log in, mails a link that works once and for an hour; `/login/password/{secret}` sets the
//! password of an invitation's or a reset's link.
//!
//! Why like this: the answer to `/login/forgot` is the same page whether or not the address
//! has an account, and the mail goes out in a task of its own, so neither the words nor the
//! time tell (the requests are counted by the login throttle, per address and account). A
//! link is stored as a hash; a used, replaced or expired one says so and offers a new one.
//! Setting a password ends every session of the account. Served as the installation's
//! pages (404 for a store served on its own); nothing here logs an address.

use crate::auth::{Visitor, LOGIN_LIMITS};
use crate::form::HtmlForm;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leernet_app::accounts::password::check_new_password;
use leernet_app::people;
use leernet_core::Email;
use leernet_store::{Installation, LinkState};
use std::sync::Arc;

fn installation(state: &AppState, v: &Visitor) -> Result<Installation, AppError> {
    state
        .accounts()
        .map(|a| a.installation.clone())
        .ok_or(AppError::NotFound(v.lang.lang))
}

/// The request form as posted.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct ForgotFields {
    #[serde(default)]
    pub csrf_token: Option<String>,
    #[serde(default)]
    pub email: String,
}

impl TryFrom<&ForgotFields> for Email {
    type Error = &'static str;

    fn try_from(f: &ForgotFields) -> Result<Email, &'static str> {
        let e = f.email.trim();
        if e.len() > 254 {
            return Err("reset.err_email");
        }
        Email::parse(e).map_err(|_| "reset.err_email")
    }
}

fn render(
    state: &AppState,
    v: &Visitor,
    name: &str,
    ctx: minijinja::Value,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (token, set) = v.form_token(state);
    let mut res =
        crate::page::render(state, v, name, minijinja::context! { csrf => token, ..ctx })?;
    *res.status_mut() = status;
    if let Some(c) = set {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// `GET /login/forgot`.
pub async fn forgot_page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    installation(&state, &v)?;
    render(
        &state,
        &v,
        "reset_forgot.html",
        minijinja::context! { email => "", error => None::<&str>, sent => false },
        StatusCode::OK,
    )
}

/// `POST /login/forgot`: the same answer whether or not the address has an account.
pub async fn forgot(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    headers: HeaderMap,
    HtmlForm(f): HtmlForm<ForgotFields>,
) -> Result<Response, AppError> {
    let inst = installation(&state, &v)?;
    let anon = Visitor {
        user: None,
        signed_in: None,
        ..v.clone()
    };
    let checker = if v.signed_in.is_some() { &v } else { &anon };
    checker.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let email = match Email::try_from(&f) {
        Ok(e) => e,
        Err(key) => {
            return render(
                &state,
                &v,
                "reset_forgot.html",
                minijinja::context! { email => f.email.trim(), error => key, sent => false },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let now = state.now();
    let account_key = format!("reset:{}", email.as_str().to_lowercase());
    // counted as the login counts an address (an IPv6 client by its /64)
    let address_key = crate::auth::throttle_address(v.address);
    let allowed = inst
        .start_login_attempt(&account_key, &address_key, &LOGIN_LIMITS, now)
        .await?;
    if !allowed {
        return render(
            &state,
            &v,
            "reset_forgot.html",
            minijinja::context! { email => email.as_str(), error => "reset.too_many", sent => false },
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let found = people::request_reset(&inst, email.as_str(), now)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    if let Some((account, secret)) = found {
        let link = crate::people::password_link(&state, &headers, &secret);
        let mlang = account.lang;
        let body = state
            .catalog
            .t(mlang, "reset.mail_body")
            .replace("{name}", &account.name)
            .replace("{link}", &link);
        let subject = state.catalog.t(mlang, "reset.mail_subject");
        match state.mailer.clone() {
            Some(mailer) => {
                let to = account.email.as_str().to_owned();
                // in a task of its own: the answer takes as long whether or not a mail goes
                tokio::spawn(async move {
                    if mailer.send(&to, &subject, body).await.is_err() {
                        tracing::warn!(account = account.id.0, "a reset link could not be sent");
                    }
                });
            }
            None => tracing::warn!(
                account = account.id.0,
                "a reset link was made but there is no [smtp] to send it"
            ),
        }
    }
    render(
        &state,
        &v,
        "reset_forgot.html",
        minijinja::context! { email => "", error => None::<&str>, sent => true },
        StatusCode::OK,
    )
}

/// The set-password form as posted.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PasswordFields {
    #[serde(default)]
    pub csrf_token: Option<String>,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub repeat: String,
}

/// A new password, checked: long enough, not common, typed twice alike.
pub struct NewPassword(String);

impl TryFrom<&PasswordFields> for NewPassword {
    type Error = (&'static str, &'static str);

    fn try_from(f: &PasswordFields) -> Result<Self, Self::Error> {
        check_new_password(&f.password).map_err(|w| ("password", w.key()))?;
        if f.password != f.repeat {
            return Err(("repeat", "reset.err_repeat"));
        }
        Ok(NewPassword(f.password.clone()))
    }
}

/// The page of a link that cannot be used (used, expired, unknown), with a way to a new one.
fn unusable(state: &AppState, v: &Visitor, s: LinkState) -> Result<Response, AppError> {
    let (key, status) = match s {
        LinkState::Used => ("used", StatusCode::GONE),
        LinkState::Expired => ("expired", StatusCode::GONE),
        _ => ("unknown", StatusCode::NOT_FOUND),
    };
    render(
        state,
        v,
        "reset_password.html",
        minijinja::context! { problem => key, errors => Vec::<minijinja::Value>::new(), secret => "" },
        status,
    )
}

/// `GET /login/password/{secret}`.
pub async fn password_page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    let inst = installation(&state, &v)?;
    let s = people::link_state(&inst, &secret, state.now())
        .await
        .map_err(|e| AppError::internal(v.lang.lang, e))?;
    if !matches!(s, LinkState::Valid { .. }) {
        return unusable(&state, &v, s);
    }
    render(
        &state,
        &v,
        "reset_password.html",
        minijinja::context! { problem => None::<&str>, errors => Vec::<minijinja::Value>::new(), secret => secret },
        StatusCode::OK,
    )
}

/// `POST /login/password/{secret}`: sets the password, then to the login page.
pub async fn set_password(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(secret): Path<String>,
    HtmlForm(f): HtmlForm<PasswordFields>,
) -> Result<Response, AppError> {
    let inst = installation(&state, &v)?;
    let anon = Visitor {
        user: None,
        signed_in: None,
        ..v.clone()
    };
    let checker = if v.signed_in.is_some() { &v } else { &anon };
    checker.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let s = people::link_state(&inst, &secret, state.now())
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    if !matches!(s, LinkState::Valid { .. }) {
        return unusable(&state, &v, s);
    }
    let password = match NewPassword::try_from(&f) {
        Ok(p) => p,
        Err((field, key)) => {
            let msg = match key {
                "reset.err_repeat" => state.catalog.t(lang, key),
                k => state
                    .catalog
                    .t(lang, k)
                    .replace(
                        "{min}",
                        &leernet_app::accounts::password::MIN_CHARS.to_string(),
                    )
                    .replace(
                        "{max}",
                        &leernet_app::accounts::password::MAX_BYTES.to_string(),
                    ),
            };
            return render(
                &state,
                &v,
                "reset_password.html",
                minijinja::context! {
                    problem => None::<&str>,
                    errors => vec![minijinja::context! { field => field, text => msg }],
                    secret => secret,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password.0))
        .await
        .map_err(|e| AppError::internal(lang, e))?
        .map_err(|e| AppError::internal(lang, e))?;
    let used = people::set_password_by_link(&inst, &secret, &hash, state.now())
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    match used {
        Ok(_) => {
            let mut res = Redirect::to("/login?done=password").into_response();
            // the session this browser had (if any) ended with the new password
            res.headers_mut().append(
                header::SET_COOKIE,
                crate::auth::set_cookie(&state, crate::auth::SESSION_COOKIE, "", 0),
            );
            Ok(res)
        }
        Err(s) => unusable(&state, &v, s),
    }
}
