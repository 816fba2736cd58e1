//! Personal access tokens of the JSON API: made, listed and revoked for an account by
//! e-mail address (`leernet token create|list|revoke`) or for the signed-in person (the web
//! app's `/tokens`). Each token has a name its owner gives it when it is made ("R-script
//! dashboard"), checked here once for both ([`check_name`]).
//!
//! A token's secret is `lnt_` and 64 hexadecimal digits (256 random bits), shown once;
//! the installation keeps its SHA-256 only (`Installation::create_api_token`).

use leernet_core::PersonId;
use leernet_store::{Actor, ApiToken, Installation, TokenScope};
use rand::RngCore;

/// The prefix of every token secret (so that a leaked one is recognisable in a scan).
pub const SECRET_PREFIX: &str = "lnt_";

/// The longest a token may live: one year.
pub const MAX_DAYS: u32 = 366;

/// A token's validity when none is asked for: 90 days.
pub const DEFAULT_DAYS: u32 = 90;

/// The longest name of a token, in characters (the database holds it to this too).
pub const MAX_NAME_CHARS: usize = 100;

/// Why a token cannot be made, listed or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(
        "a token needs a name of 1 to {MAX_NAME_CHARS} characters, without control characters"
    )]
    Name,
    #[error("there is no account with the e-mail address {0}")]
    UnknownAccount(String),
    #[error("a token lives 1 to {MAX_DAYS} days, not {0}")]
    Days(u32),
    #[error("there is no token {0}")]
    UnknownToken(i64),
    #[error(transparent)]
    Store(#[from] leernet_store::StoreError),
}

/// A new random secret.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    let mut s = String::with_capacity(SECRET_PREFIX.len() + 64);
    s.push_str(SECRET_PREFIX);
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

/// A token's name as it is stored: `text` without the spaces around it, 1 to
/// [`MAX_NAME_CHARS`] characters, none of them a control character (a name is shown in a
/// list and printed in a terminal).
pub fn check_name(text: &str) -> Result<String, TokenError> {
    let name = text.trim();
    // bounded before anything is counted character by character
    if name.is_empty() || name.len() > MAX_NAME_CHARS * 4 {
        return Err(TokenError::Name);
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(TokenError::Name);
    }
    Ok(name.to_owned())
}

async fn account(inst: &Installation, email: &str) -> Result<PersonId, TokenError> {
    inst.account_by_email(email)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| TokenError::UnknownAccount(email.trim().to_owned()))
}

/// Makes a token named `name` for the account of `email` with `scope`, valid `days` days
/// from `now`: the stored token and its secret (to be shown once).
pub async fn create(
    inst: &Installation,
    email: &str,
    name: &str,
    scope: TokenScope,
    days: u32,
    actor: &Actor,
    now: i64,
) -> Result<(ApiToken, String), TokenError> {
    if days == 0 || days > MAX_DAYS {
        return Err(TokenError::Days(days));
    }
    let name = check_name(name)?;
    let who = account(inst, email).await?;
    create_for(inst, who, &name, scope, days, actor, now).await
}

/// Makes a token named `name` for the account `who` (the web page's: the signed-in
/// person's own).
pub async fn create_for(
    inst: &Installation,
    who: PersonId,
    name: &str,
    scope: TokenScope,
    days: u32,
    actor: &Actor,
    now: i64,
) -> Result<(ApiToken, String), TokenError> {
    if days == 0 || days > MAX_DAYS {
        return Err(TokenError::Days(days));
    }
    let name = check_name(name)?;
    let secret = new_secret();
    let expires = now.saturating_add(i64::from(days) * 86_400);
    let token = inst
        .create_api_token(who, &name, &secret, scope, now, expires, actor)
        .await?;
    Ok((token, secret))
}

/// The tokens of the account of `email`, by id.
pub async fn list(inst: &Installation, email: &str) -> Result<Vec<ApiToken>, TokenError> {
    let who = account(inst, email).await?;
    Ok(inst.api_tokens(who).await?)
}

/// Revokes the token `id`.
pub async fn revoke(
    inst: &Installation,
    id: i64,
    actor: &Actor,
    now: i64,
) -> Result<ApiToken, TokenError> {
    if inst.api_token(id).await?.is_none() {
        return Err(TokenError::UnknownToken(id));
    }
    Ok(inst.revoke_api_token(id, actor, now).await?)
}

/// Revokes the token `id` of the account `who`: a token of another account is refused as
/// one that does not exist.
pub async fn revoke_own(
    inst: &Installation,
    who: PersonId,
    id: i64,
    now: i64,
) -> Result<ApiToken, TokenError> {
    match inst.api_token(id).await? {
        Some(t) if t.account == who => {
            Ok(inst.revoke_api_token(id, &Actor::Person(who), now).await?)
        }
        _ => Err(TokenError::UnknownToken(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_bounded_and_printable() {
        assert_eq!(
            check_name("  R-script dashboard ").unwrap(),
            "R-script dashboard"
        );
        assert_eq!(check_name(&"é".repeat(100)).unwrap().chars().count(), 100);
        for bad in ["", "   ", "a\nb", "tab\there", "\u{7}bell"] {
            assert!(matches!(check_name(bad), Err(TokenError::Name)), "{bad:?}");
        }
        assert!(matches!(
            check_name(&"é".repeat(101)),
            Err(TokenError::Name)
        ));
        assert!(matches!(
            check_name(&"x".repeat(10_000)),
            Err(TokenError::Name)
        ));
    }
}
