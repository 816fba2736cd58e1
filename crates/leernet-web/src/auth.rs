//! Accounts in the browser: passwords (argon2id), sessions (kept in the store), CSRF tokens,
//! login throttling, and the role checks every protected handler starts with.
//!
//! Which check where: a handler that shows something only some people may see takes
//! [`Visitor`] and calls [`Visitor::require`] with the roles allowed; resources of one network
//! are checked with [`User::may_see_network`]. A stranger asking for a protected page is sent
//! to the login page (303); a logged-in person without the right role gets 403; a resource of
//! a network that is not theirs answers 404, like one that does not exist.
//!
//! CSRF: a logged-in person's forms carry the session's token (stored with the session);
//! forms shown to people without a session (the login form, the survey) use a double-submit
//! cookie: a random value in an `HttpOnly`, `SameSite=Lax` cookie that the form repeats in its
//! hidden `csrf_token` field. Both are compared in constant time. A double-submit cookie
//! counts only in the shape leernet issues ([`is_issued_token`]); one of another shape was
//! planted and is replaced.
//!
//! After logging in, the browser goes back only to a plain local path ([`safe_next`]). The
//! login throttle ([`LOGIN_LIMITS`]) counts each attempt before its password is checked.

use crate::{AppError, AppState, PageLang};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use leernet_core::{NetworkId, PersonId, Role};
use leernet_store::{LoginLimit, LoginLimits};
use rand::RngCore;
use std::net::SocketAddr;
use std::sync::Arc;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "leernet_session";
/// Name of the double-submit CSRF cookie of forms shown without a session.
pub const CSRF_COOKIE: &str = "leernet_csrf";
/// How long a session lasts (seconds).
const SESSION_SECONDS: i64 = 8 * 3600;
/// The login throttle. An attempt is counted before its password is checked and given back
/// when the password was right, so these are limits on wrong (and pending) passwords:
///
/// - one account from one address (the pair): 5 in 15 minutes; each window used up makes
///   the next twice as long (30 minutes, an hour, ... at most 24 hours), until the right
///   password or a day of quiet. Someone elsewhere guessing an account's password locks
///   only their own pair, never its owner;
/// - one address, whatever the account: 20 in 15 minutes (guessing many accounts);
/// - one account from every address together: 50 in 15 minutes, a ceiling against guessing
///   from many addresses at once. It is the one limit a stranger can make the owner feel,
///   and only with more than 10 addresses (a pair has 5) and only for its window.
pub const LOGIN_LIMITS: LoginLimits = LoginLimits {
    pair: LoginLimit {
        attempts: 5,
        window: 15 * 60,
        max_window: 24 * 3600,
    },
    address: LoginLimit {
        attempts: 20,
        window: 15 * 60,
        max_window: 15 * 60,
    },
    account: LoginLimit {
        attempts: 50,
        window: 15 * 60,
        max_window: 15 * 60,
    },
};
/// After how long a quiet throttle row is forgotten (the longest window).
const THROTTLE_FORGET: i64 = 24 * 3600;

pub use leernet_app::accounts::{hash_password, verify_password};

/// A hash to verify against when the account does not exist, so that an unknown address
/// takes as long as a wrong password (no user enumeration by timing).
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// 32 random bytes as hex: session secrets, CSRF tokens.
pub fn random_hex() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Whether `s` has the shape of a value [`random_hex`] makes: 64 lower-case hexadecimal
/// digits. A double-submit cookie of any other shape was not issued by leernet (a planted
/// cookie, or one a subdomain set) and does not count.
pub fn is_issued_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A cookie of the request, by name.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    !a.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A `Set-Cookie` value with the attributes every leernet cookie has.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// A logged-in person.
#[derive(Debug, Clone)]
pub struct User {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub networks: Vec<NetworkId>,
    /// This session's CSRF token.
    pub csrf: String,
}

impl User {
    /// Whether the person may see resources of `network` (researchers see every network;
    /// coordinators only aggregates, which handlers check separately).
    pub fn may_see_network(&self, network: NetworkId) -> bool {
        self.role == Role::Researcher || self.networks.contains(&network)
    }
}

/// Who is signed in, whether or not they have a role in this study: their name for the
/// header and their session's CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Their account.
    pub id: PersonId,
    pub name: String,
    /// An administrator of the installation (the header links to its studies' page).
    pub admin: bool,
    /// The role here, when they have one (the header's menu follows it).
    pub role: Option<Role>,
    pub csrf: String,
}

/// Who is asking: a logged-in person or a stranger, and the request's CSRF material.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The person, when they are signed in and have a role in this study.
    pub user: Option<User>,
    /// The person signed in, also when they have no role in this study (an installation
    /// serves several; the header still names them, and their forms carry their token).
    pub signed_in: Option<SignedIn>,
    pub lang: PageLang,
    /// The path and query asked for (to come back after logging in).
    pub target: String,
    /// The double-submit cookie's value, when the request carries one of the issued shape.
    pub csrf_cookie: Option<String>,
    /// The peer's address, when the server knows it.
    pub address: Option<std::net::IpAddr>,
}

impl Visitor {
    /// The logged-in person, when their role is among `roles`; otherwise the login page
    /// (stranger) or 403 (wrong role).
    pub fn require(&self, roles: &[Role]) -> Result<&User, AppError> {
        match &self.user {
            // signed in, but without a role in this study: no login page (it would send them
            // back here), the same refusal as a wrong role
            None if self.signed_in.is_some() => Err(AppError::Forbidden(self.lang.lang)),
            None => Err(AppError::LoginRequired(self.target.clone())),
            Some(u) if roles.contains(&u.role) => Ok(u),
            Some(_) => Err(AppError::Forbidden(self.lang.lang)),
        }
    }

    /// Checks the `csrf_token` of a posted form: against the session's token when logged in,
    /// against the double-submit cookie otherwise.
    pub fn check_csrf(&self, posted: Option<&str>) -> Result<(), AppError> {
        let expected = match &self.signed_in {
            Some(u) => Some(u.csrf.as_str()),
            None => self.csrf_cookie.as_deref(),
        };
        match (expected, posted) {
            (Some(e), Some(p)) if same_token(e, p) => Ok(()),
            _ => Err(AppError::Csrf(self.lang.lang)),
        }
    }

    /// The token to put in this page's forms; with a cookie to set when a new double-submit
    /// value had to be made.
    pub fn form_token(&self, state: &AppState) -> (String, Option<HeaderValue>) {
        if let Some(u) = &self.signed_in {
            return (u.csrf.clone(), None);
        }
        match &self.csrf_cookie {
            Some(c) if is_issued_token(c) => (c.clone(), None),
            _ => {
                let v = random_hex();
                let c = set_cookie(state, CSRF_COOKIE, &v, 24 * 3600);
                (v, Some(c))
            }
        }
    }
}

/// The address a request came from, for the per-address login throttle. Behind a reverse
/// proxy every connection comes from the proxy, so when the peer is one of the
/// `trusted` proxies (`server.trusted_proxies`), the client is the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy (addresses further left were written
/// by the client and can be forged). Without trusted proxies the header is ignored.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

impl FromRequestParts<Arc<AppState>> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, AppError> {
        let lang = PageLang::from_request_parts(parts, state)
            .await
            .unwrap_or(PageLang {
                lang: leernet_core::Lang::Nl,
                chosen_now: false,
            });
        let inner = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        // where to come back to after logging in: the whole address, with the study's base
        let target = format!("{}{inner}", crate::page::page_base(state, parts.uri.path()));
        let csrf_cookie = cookie(&parts.headers, CSRF_COOKIE)
            .filter(|c| is_issued_token(c))
            .map(str::to_owned);
        let (signed_in, user) = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(secret) => state
                .user_of_session(secret)
                .await
                .map_err(|e| AppError::internal(lang.lang, e))?,
            None => (None, None),
        };
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let address = client_address(peer, &parts.headers, &state.trusted_proxies);
        Ok(Visitor {
            user,
            signed_in,
            lang,
            target,
            csrf_cookie,
            address,
        })
    }
}

impl AppState {
    /// The account that may log in with `email`: its id and password hash (none when it may
    /// not log in). The installation's accounts when the app serves one.
    async fn login_account(
        &self,
        email: &str,
    ) -> anyhow::Result<Option<(PersonId, Option<String>)>> {
        Ok(match self.accounts() {
            Some(acc) => acc
                .installation
                .account_by_email(email)
                .await?
                .map(|a| (a.id, a.password_hash)),
            None => self
                .store
                .account_by_email(email)
                .await?
                .map(|a| (a.id, a.password_hash)),
        })
    }

    /// Counts a login attempt against [`LOGIN_LIMITS`] (the installation's throttle when
    /// the app serves one).
    async fn start_login_attempt(
        &self,
        account: &str,
        address: &str,
        now: i64,
    ) -> leernet_store::Result<bool> {
        match self.accounts() {
            Some(acc) => {
                acc.installation
                    .start_login_attempt(account, address, &LOGIN_LIMITS, now)
                    .await
            }
            None => {
                self.store
                    .start_login_attempt(account, address, &LOGIN_LIMITS, now)
                    .await
            }
        }
    }

    /// After the right password: gives the counted attempt back.
    async fn login_succeeded(
        &self,
        account: &str,
        address: &str,
        now: i64,
    ) -> leernet_store::Result<()> {
        match self.accounts() {
            Some(acc) => {
                acc.installation
                    .login_succeeded(account, address, now, THROTTLE_FORGET)
                    .await
            }
            None => {
                self.store
                    .login_succeeded(account, address, now, THROTTLE_FORGET)
                    .await
            }
        }
    }

    /// Starts a session of `person` known by `secret`, for [`SESSION_SECONDS`].
    async fn create_session(
        &self,
        secret: &str,
        person: PersonId,
        now: i64,
    ) -> leernet_store::Result<()> {
        let csrf = random_hex();
        let until = now + SESSION_SECONDS;
        match self.accounts() {
            Some(acc) => {
                acc.installation
                    .create_session(secret, person, &csrf, now, until)
                    .await
            }
            None => {
                self.store
                    .create_session(secret, person, &csrf, now, until)
                    .await
            }
        }
    }

    /// Ends the session known by `secret`.
    async fn end_session(&self, secret: &str) -> leernet_store::Result<()> {
        let now = self.now();
        match self.accounts() {
            Some(acc) => acc.installation.end_session(secret, now).await,
            None => self.store.end_session(secret, now).await,
        }
    }

    /// Who the session `secret` belongs to: the person signed in, and the same person as a
    /// [`User`] of this study when they have a role here. Served as part of an installation,
    /// the session, the account and the role are the installation's; on its own, the
    /// store's.
    pub(crate) async fn user_of_session(
        &self,
        secret: &str,
    ) -> anyhow::Result<(Option<SignedIn>, Option<User>)> {
        let now = self.now();
        let Some(acc) = self.accounts() else {
            let Some(s) = self.store.session(secret, now).await? else {
                return Ok((None, None));
            };
            let Some(a) = self.store.account(s.person).await? else {
                return Ok((None, None));
            };
            let signed_in = SignedIn {
                id: a.id,
                name: a.name.clone(),
                admin: false,
                role: Some(a.role),
                csrf: s.csrf.clone(),
            };
            let user = User {
                id: a.id,
                name: a.name,
                email: a.email.as_str().to_owned(),
                role: a.role,
                networks: a.networks,
                csrf: s.csrf,
            };
            return Ok((Some(signed_in), Some(user)));
        };
        let Some(s) = acc.installation.session(secret, now).await? else {
            return Ok((None, None));
        };
        let Some(a) = acc.installation.account(s.person).await? else {
            return Ok((None, None));
        };
        let role = if self.front {
            None
        } else {
            acc.installation
                .roles_of(a.id)
                .await?
                .into_iter()
                .find(|r| r.study == acc.study)
        };
        // a deactivated role counts as none (its sessions ended when it was deactivated;
        // this holds for a session made in another study meanwhile)
        let role = match role {
            Some(r) if acc.installation.role_is_active(a.id, acc.study).await? => Some(r),
            _ => None,
        };
        let signed_in = SignedIn {
            id: a.id,
            name: a.name.clone(),
            admin: a.admin,
            role: role.as_ref().map(|r| r.role),
            csrf: s.csrf.clone(),
        };
        let user = role.map(|r| User {
            id: a.id,
            name: a.name,
            email: a.email.as_str().to_owned(),
            role: r.role,
            networks: r.networks,
            csrf: s.csrf,
        });
        Ok((Some(signed_in), user))
    }
}

/// The account as the throttle knows it: the address typed, trimmed and in lower case (as
/// the lookup compares it), cut to 254 bytes (no address is longer).
fn throttle_account(email: &str) -> String {
    let mut a = email.trim().to_lowercase();
    if a.len() > 254 {
        let mut end = 254;
        while !a.is_char_boundary(end) {
            end -= 1;
        }
        a.truncate(end);
    }
    a
}

/// The client address as the throttle counts it: an IPv4 address (also when it came as an
/// IPv4-mapped IPv6 address); an IPv6 address by its /64, since one household or server
/// gets a whole /64 and would otherwise have 2^64 addresses to guess from; `unknown` when
/// the server was not told (tests without a socket).
pub(crate) fn throttle_address(address: Option<std::net::IpAddr>) -> String {
    use std::net::IpAddr;
    match address {
        None => "unknown".into(),
        Some(IpAddr::V4(a)) => a.to_string(),
        Some(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = a.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
    }
}

/// The posted login form.
#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    csrf_token: Option<String>,
    #[serde(default)]
    next: String,
}

/// Where to go after logging in: `next` when it is a path of this site of a plain shape,
/// else `/my`. Browsers read a `Location` generously (they drop tabs and newlines, take `\\`
/// for `/`, and some decode `%2F`/`%5C` before looking for a host), so only an allow-listed
/// shape passes: one leading `/`, then visible ASCII without `\\` and without `//`, and the
/// same again once percent-decoded (where control characters are refused too). Nothing else
/// is repaired: a value of any other shape is not where the person meant to go.
pub fn safe_next(next: &str) -> &str {
    fn plain(b: &[u8]) -> bool {
        b.first() == Some(&b'/')
            && !b.windows(2).any(|w| w == b"//")
            && !b.iter().any(|&c| c == b'\\' || c < 0x20 || c == 0x7f)
    }
    let raw = next.as_bytes();
    if next.len() <= 2048
        && raw.iter().all(|c| c.is_ascii_graphic())
        && plain(raw)
        && plain(&percent_encoding::percent_decode(raw).collect::<Vec<u8>>())
    {
        next
    } else {
        "/my"
    }
}

/// `GET /login`.
pub async fn login_page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    let next = q.get("next").map(String::as_str).unwrap_or("/my");
    let done = q.get("done").is_some_and(|d| d == "password");
    login_form_with(&state, &v, safe_next(next), None, done, StatusCode::OK)
}

fn login_form(
    state: &AppState,
    v: &Visitor,
    next: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    login_form_with(state, v, next, error, false, status)
}

/// The login form; `done` says a password was just set by a one-time link, and the
/// "wachtwoord vergeten" link is there when the app serves an installation.
fn login_form_with(
    state: &AppState,
    v: &Visitor,
    next: &str,
    error: Option<&str>,
    done: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (token, set) = v.form_token(state);
    let mut res = crate::page::render(
        state,
        v,
        "login.html",
        minijinja::context! {
            csrf => token,
            next => next,
            error => error,
            done => done,
            forgot => state.accounts().is_some(),
        },
    )?;
    *res.status_mut() = status;
    if let Some(c) = set {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// `POST /login`: 303 to where the visitor wanted to go, or the form again with one message
/// that does not say whether the address exists.
pub async fn login(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    // The login form is shown without a session: check the double-submit cookie.
    let anon = Visitor {
        user: None,
        signed_in: None,
        ..v.clone()
    };
    if let Err(e) = anon.check_csrf(f.csrf_token.as_deref()) {
        // Refused; without a cookie of the issued shape, the answer brings a fresh one so
        // that the form works when it is loaded again.
        let mut res = e.into_response();
        if let (_, Some(c)) = anon.form_token(&state) {
            res.headers_mut().append(header::SET_COOKIE, c);
        }
        return Ok(res);
    }
    let next = safe_next(&f.next).to_owned();
    let t = state.now();
    let account_key = throttle_account(&f.email);
    let address_key = throttle_address(v.address);
    let allowed = state
        .start_login_attempt(&account_key, &address_key, t)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    if !allowed {
        tracing::warn!("login throttled");
        return login_form(
            &state,
            &anon,
            &next,
            Some("auth.too_many"),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let account = if f.email.len() > 254 || f.password.len() > 1024 {
        None
    } else {
        state
            .login_account(&f.email)
            .await
            .map_err(|e| AppError::internal(lang, e))?
    };
    let hash = account
        .as_ref()
        .and_then(|a| a.1.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let password = f.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let account = match account {
        Some(a) if ok && a.1.is_some() => a.0,
        _ => {
            // The attempt was counted before the check.
            return login_form(
                &state,
                &anon,
                &next,
                Some("auth.wrong"),
                StatusCode::UNAUTHORIZED,
            );
        }
    };
    state
        .login_succeeded(&account_key, &address_key, t)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    // the right password, but every role of the account is deactivated: said only now, to
    // someone who knows the password
    if let Some(acc) = state.accounts() {
        let may = acc
            .installation
            .may_log_in(account)
            .await
            .map_err(|e| AppError::internal(lang, e))?;
        if !may {
            return login_form(
                &state,
                &anon,
                &next,
                Some("reset.deactivated"),
                StatusCode::FORBIDDEN,
            );
        }
    }
    let secret = random_hex();
    state
        .create_session(&secret, account, t)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, &secret, SESSION_SECONDS),
    );
    Ok(res)
}

/// The posted logout form.
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    pub csrf_token: Option<String>,
}

/// `POST /logout`: ends the session (in the store, and the cookie) and goes home.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Result<Response, AppError> {
    if v.signed_in.is_some() {
        v.check_csrf(f.csrf_token.as_deref())?;
    }
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        state
            .end_session(secret)
            .await
            .map_err(|e| AppError::internal(v.lang.lang, e))?;
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", 0),
    );
    Ok(res)
}

#[cfg(test)]
mod client_address_tests {
    use super::{client_address, throttle_address};
    use axum::http::HeaderMap;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().unwrap());
        h
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let proxy = ip("10.0.0.2");
        let h = forwarded("203.0.113.9, 198.51.100.7");
        // No trusted proxies: the peer, whatever the header says.
        assert_eq!(client_address(Some(proxy), &h, &[]), Some(proxy));
        // A peer that is not a trusted proxy cannot choose its address by a header.
        assert_eq!(
            client_address(Some(ip("192.0.2.1")), &h, &[proxy]),
            Some(ip("192.0.2.1"))
        );
        // Behind the proxy: the right-most address the proxy saw, not the forgeable left.
        assert_eq!(
            client_address(Some(proxy), &h, &[proxy]),
            Some(ip("198.51.100.7"))
        );
        // Two proxies in a row are both skipped.
        let h = forwarded("198.51.100.7, 10.0.0.3");
        assert_eq!(
            client_address(Some(proxy), &h, &[proxy, ip("10.0.0.3")]),
            Some(ip("198.51.100.7"))
        );
        // A trusted proxy that sends no header: the proxy itself.
        assert_eq!(
            client_address(Some(proxy), &HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
        assert_eq!(client_address(None, &h, &[proxy]), None);
    }

    #[test]
    fn the_throttle_counts_an_ipv6_client_by_its_64() {
        assert_eq!(throttle_address(Some(ip("192.0.2.1"))), "192.0.2.1");
        assert_eq!(throttle_address(Some(ip("::ffff:192.0.2.1"))), "192.0.2.1");
        assert_eq!(
            throttle_address(Some(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"))),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            throttle_address(Some(ip("2001:db8:1:2::1"))),
            throttle_address(Some(ip("2001:db8:1:2:ffff::9")))
        );
        assert_eq!(throttle_address(None), "unknown");
    }
}
