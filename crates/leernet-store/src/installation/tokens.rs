//! Personal access tokens of the JSON API (`leernet-api`), kept in the installation because
//! a token acts for an account, and accounts are the installation's.
//!
//! A token is known by the SHA-256 of its secret, as a session is (`sessions.rs`): the
//! database never holds a usable token, and the secret is shown once, when it is made.
//! Times are Unix seconds chosen by the caller. Making and revoking a token write an
//! installation audit entry with ids and the scope only; so does every use of a write-scope
//! token ([`Installation::use_api_token`]).

use super::{audit, Installation};
use crate::{get, Actor, Result, StoreError};
use leernet_core::PersonId;
use sha2::{Digest, Sha256};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenScope {
    /// Read what the account may see.
    Read,
    /// Read, and write what the account may write (invitations, responses).
    Write,
}

impl TokenScope {
    /// Stored form: `read` or `write`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    /// The scope of a word of [`TokenScope::as_str`].
    pub fn parse(s: &str) -> Option<TokenScope> {
        match s {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// A stored token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub account: PersonId,
    /// The name its owner gave it when it was made (empty for a token made before tokens
    /// had names).
    pub name: String,
    pub scope: TokenScope,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}

/// How precisely a read-scope token's last use is noted, in seconds: a use within this
/// time of the noted one is not written again.
pub const LAST_USED_STEP: i64 = 60;

/// Why a presented token does not let its bearer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// No token has this secret.
    Unknown,
    /// Past its expiry.
    Expired,
    /// Revoked.
    Revoked,
}

/// The stored key of a token secret.
fn key(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

const COLUMNS: &str =
    "id, account_id, name, scope, created_at, expires_at, last_used_at, revoked FROM api_tokens";

fn token_row(r: &sqlx::any::AnyRow) -> Result<ApiToken> {
    let scope: String = get(r, "scope")?;
    Ok(ApiToken {
        id: get(r, "id")?,
        account: PersonId(get(r, "account_id")?),
        name: get(r, "name")?,
        scope: TokenScope::parse(&scope)
            .ok_or_else(|| StoreError::Corrupt(format!("token scope {scope:?}")))?,
        created_at: get(r, "created_at")?,
        expires_at: get(r, "expires_at")?,
        last_used_at: get(r, "last_used_at")?,
        revoked: get::<i64>(r, "revoked")? != 0,
    })
}

impl Installation {
    /// Stores a token named `name` and known by `secret` for `account`, valid until
    /// `expires_at`; one transaction with its audit entry (`token.create`, which leaves the
    /// name out: it is the owner's free text).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_api_token(
        &self,
        account: PersonId,
        name: &str,
        secret: &str,
        scope: TokenScope,
        now: i64,
        expires_at: i64,
        actor: &Actor,
    ) -> Result<ApiToken> {
        let mut tx = self.pool.begin().await?;
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE id = $1")
            .bind(account.0)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::NotFound(format!(
                "there is no account {}",
                account.0
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (account_id, name, secret_hash, scope, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(account.0)
        .bind(name)
        .bind(key(secret))
        .bind(scope.as_str())
        .bind(now)
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::conflict(e, || "a token secret was used twice".to_owned()))?;
        audit(
            &mut tx,
            now,
            actor,
            "token.create",
            &format!("account:{}", account.0),
            &format!(
                "token={id} scope={} expires_at={expires_at}",
                scope.as_str()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ApiToken {
            id,
            account,
            name: name.to_owned(),
            scope,
            created_at: now,
            expires_at,
            last_used_at: None,
            revoked: false,
        })
    }

    /// The tokens of `account`, by id.
    pub async fn api_tokens(&self, account: PersonId) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} WHERE account_id = $1 ORDER BY id"
        ))
        .bind(account.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_row).collect()
    }

    /// The token with this id.
    pub async fn api_token(&self, id: i64) -> Result<Option<ApiToken>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_row).transpose()
    }

    /// Revokes the token `id` (`token.revoke` in the audit log). Revoking a revoked token
    /// changes nothing; an unknown id is [`StoreError::NotFound`].
    pub async fn revoke_api_token(&self, id: i64, actor: &Actor, now: i64) -> Result<ApiToken> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let mut token = row
            .as_ref()
            .map(token_row)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("there is no token {id}")))?;
        if !token.revoked {
            sqlx::query("UPDATE api_tokens SET revoked = 1, revoked_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit(
                &mut tx,
                now,
                actor,
                "token.revoke",
                &format!("account:{}", token.account.0),
                &format!("token={id}"),
            )
            .await?;
            token.revoked = true;
        }
        tx.commit().await?;
        Ok(token)
    }

    /// The token known by `secret`, if it lets its bearer in at `now`; notes the use
    /// (`last_used_at`). A write-scope token's use also writes `token.use` to the audit log
    /// with `what` (a method and a route pattern, never a body), in the same transaction.
    ///
    /// A read-scope token's last use is noted to the minute (`LAST_USED_STEP`): a use
    /// within a minute of the noted one writes nothing, so that a script paging through
    /// 40,000 responses does not make every page a write and a sync of the installation.
    pub async fn use_api_token(
        &self,
        secret: &str,
        now: i64,
        what: &str,
    ) -> Result<std::result::Result<ApiToken, TokenRefusal>> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} WHERE secret_hash = $1"))
            .bind(key(secret))
            .fetch_optional(&mut *tx)
            .await?;
        let Some(token) = row.as_ref().map(token_row).transpose()? else {
            tx.rollback().await?;
            return Ok(Err(TokenRefusal::Unknown));
        };
        if token.revoked {
            tx.rollback().await?;
            return Ok(Err(TokenRefusal::Revoked));
        }
        if token.expires_at <= now {
            tx.rollback().await?;
            return Ok(Err(TokenRefusal::Expired));
        }
        let noted = token
            .last_used_at
            .is_some_and(|at| now >= at && now - at < LAST_USED_STEP);
        if token.scope == TokenScope::Read && noted {
            tx.rollback().await?;
            return Ok(Ok(token));
        }
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(token.id)
            .execute(&mut *tx)
            .await?;
        if token.scope == TokenScope::Write {
            audit(
                &mut tx,
                now,
                &Actor::Person(token.account),
                "token.use",
                &format!("account:{}", token.account.0),
                &format!("token={} {what}", token.id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Ok(ApiToken {
            last_used_at: Some(now),
            ..token
        }))
    }
}
