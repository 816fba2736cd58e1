//! Login sessions and login throttling, kept in the store so that several app instances
//! behind one load balancer share them.
//!
//! The throttle counts attempts, not failures: an attempt is counted before its password is
//! checked (a check that takes a fraction of a second, during which parallel attempts would
//! otherwise all see the old count), and the right password gives it back.
//!
//! A session is known by the SHA-256 of the secret in the visitor's cookie: the database
//! never holds a usable session secret. Times are Unix seconds chosen by the caller (the
//! store has no clock, which keeps its tests exact).

use crate::{get, Installation, Result, Store};
use leernet_core::PersonId;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub person: PersonId,
    /// The CSRF token of this session's forms.
    pub csrf: String,
    pub expires_at: i64,
}

/// The stored key of a session secret.
fn key(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl Store {
    /// Starts a session for `person`, known by `secret` (the cookie value), until `expires_at`.
    pub async fn create_session(
        &self,
        secret: &str,
        person: PersonId,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        create_session(&self.pool, secret, person, csrf, now, expires_at).await
    }

    /// The session known by `secret`, if it exists and has not expired at `now`.
    pub async fn session(&self, secret: &str, now: i64) -> Result<Option<SessionRow>> {
        session(&self.pool, secret, now).await
    }

    /// Ends the session known by `secret` and removes every session expired before `now`.
    pub async fn end_session(&self, secret: &str, now: i64) -> Result<()> {
        end_session(&self.pool, secret, now).await
    }

    /// Counts one login attempt before the password is checked:
    /// true when every limit allows it (atomic on both back ends; how, in `sessions.rs`).
    pub async fn start_login_attempt(
        &self,
        account: &str,
        address: &str,
        limits: &LoginLimits,
        now: i64,
    ) -> Result<bool> {
        start_login_attempt(&self.pool, account, address, limits, now).await
    }

    /// After the right password: forgets the pair's attempts and gives the counted one back.
    pub async fn login_succeeded(
        &self,
        account: &str,
        address: &str,
        now: i64,
        forget_after: i64,
    ) -> Result<()> {
        login_succeeded(&self.pool, account, address, now, forget_after).await
    }
}

/// The installation holds the sessions and the login throttle when the web app serves an
/// installation: one login for every study (its tables are a study's, in its own schema).
impl Installation {
    /// Starts a session for the account `person` (see [`Store::create_session`]).
    pub async fn create_session(
        &self,
        secret: &str,
        person: PersonId,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        create_session(self.pool(), secret, person, csrf, now, expires_at).await
    }

    /// The session known by `secret`, if it exists and has not expired at `now`.
    pub async fn session(&self, secret: &str, now: i64) -> Result<Option<SessionRow>> {
        session(self.pool(), secret, now).await
    }

    /// Ends the session known by `secret` and removes every session expired before `now`.
    pub async fn end_session(&self, secret: &str, now: i64) -> Result<()> {
        end_session(self.pool(), secret, now).await
    }

    /// Counts one login attempt before the password is checked:
    /// true when every limit allows it (atomic on both back ends; how, in `sessions.rs`).
    pub async fn start_login_attempt(
        &self,
        account: &str,
        address: &str,
        limits: &LoginLimits,
        now: i64,
    ) -> Result<bool> {
        start_login_attempt(self.pool(), account, address, limits, now).await
    }

    /// After the right password: forgets the pair's attempts and gives the counted one back.
    pub async fn login_succeeded(
        &self,
        account: &str,
        address: &str,
        now: i64,
        forget_after: i64,
    ) -> Result<()> {
        login_succeeded(self.pool(), account, address, now, forget_after).await
    }
}
/// Starts a session for `person`, known by `secret` (the cookie value), until `expires_at`.
async fn create_session(
    pool: &AnyPool,
    secret: &str,
    person: PersonId,
    csrf: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, person_id, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(key(secret))
    .bind(person.0)
    .bind(csrf)
    .bind(now)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The session known by `secret`, if it exists and has not expired at `now`.
async fn session(pool: &AnyPool, secret: &str, now: i64) -> Result<Option<SessionRow>> {
    let row = sqlx::query(
        "SELECT person_id, csrf, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
    )
    .bind(key(secret))
    .bind(now)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(SessionRow {
            person: PersonId(get(&r, "person_id")?),
            csrf: get(&r, "csrf")?,
            expires_at: get(&r, "expires_at")?,
        })
    })
    .transpose()
}

/// Ends the session known by `secret` (nothing happens when there is none), and removes
/// every session that expired before `now`.
async fn end_session(pool: &AnyPool, secret: &str, now: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1 OR expires_at <= $2")
        .bind(key(secret))
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// Counts one login attempt of `account` (the lower-cased address typed) from `address`
/// (the client's address, as the caller groups them) against the pair's, the account's
/// and the address's limits, before the password is checked. True when every limit
/// allows it; false when one is used up, and then nothing is counted.
///
/// Atomic on both back ends: each row is moved by one upsert (`ON CONFLICT DO UPDATE`
/// locks the row on PostgreSQL until the transaction ends; SQLite has one writer), so of
/// a burst of parallel attempts at most `limit` are allowed in a window. The rows are
/// taken in one order (pair, address, account), which keeps transactions from waiting on
/// each other in a circle.
async fn start_login_attempt(
    pool: &AnyPool,
    account: &str,
    address: &str,
    limits: &LoginLimits,
    now: i64,
) -> Result<bool> {
    let mut tx = pool.begin().await?;
    for (acc, addr, limit) in [
        (account, address, &limits.pair),
        ("", address, &limits.address),
        (account, "", &limits.account),
    ] {
        let attempts: i64 = sqlx::query_scalar(
            "INSERT INTO login_throttle (account, address, attempts, window_start, window_len) \
             VALUES ($1, $2, 1, $3, $4) \
             ON CONFLICT (account, address) DO UPDATE SET \
             attempts = CASE WHEN login_throttle.window_start + login_throttle.window_len > $3 \
               THEN login_throttle.attempts + 1 ELSE 1 END, \
             window_len = CASE \
               WHEN login_throttle.window_start + login_throttle.window_len > $3 \
                 THEN login_throttle.window_len \
               WHEN login_throttle.attempts >= $5 \
                 AND login_throttle.window_start + login_throttle.window_len + $6 > $3 \
                 THEN CASE WHEN login_throttle.window_len * 2 > $6 THEN $6 \
                   ELSE login_throttle.window_len * 2 END \
               ELSE $4 END, \
             window_start = CASE WHEN login_throttle.window_start + login_throttle.window_len > $3 \
               THEN login_throttle.window_start ELSE $3 END \
             RETURNING attempts",
        )
        .bind(acc)
        .bind(addr)
        .bind(now)
        .bind(limit.window)
        .bind(limit.attempts)
        .bind(limit.max_window.max(limit.window))
        .fetch_one(&mut *tx)
        .await?;
        if attempts > limit.attempts {
            tx.rollback().await?;
            return Ok(false);
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// After the right password: forgets the pair's attempts (and its backoff), gives the
/// address and the account back the attempt that was counted, and removes every row
/// whose window ended more than `forget_after` seconds before `now`.
///
/// The rows are taken in the order [`Store::start_login_attempt`] takes them (pair,
/// address, account), so the two never wait on each other in a circle. The clean-up runs
/// on its own afterwards: it may meet rows that attempts hold, and losing it (a deadlock
/// reported by PostgreSQL) loses nothing that the next success does not remove.
async fn login_succeeded(
    pool: &AnyPool,
    account: &str,
    address: &str,
    now: i64,
    forget_after: i64,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM login_throttle WHERE account = $1 AND address = $2")
        .bind(account)
        .bind(address)
        .execute(&mut *tx)
        .await?;
    for (acc, addr) in [("", address), (account, "")] {
        sqlx::query(
            "UPDATE login_throttle SET attempts = attempts - 1 \
             WHERE account = $1 AND address = $2 AND attempts > 0",
        )
        .bind(acc)
        .bind(addr)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if let Err(e) =
        sqlx::query("DELETE FROM login_throttle WHERE window_start + window_len + $1 < $2")
            .bind(forget_after)
            .bind(now)
            .execute(pool)
            .await
    {
        tracing::warn!(error = %e, "old rows of the login throttle were not removed now");
    }
    Ok(())
}

/// One limit of the login throttle: `attempts` per window of `window` seconds; when a window
/// was used up, the next one lasts twice as long, up to `max_window` (equal to `window`: no
/// backoff). A row quiet for `max_window` after its window ended starts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimit {
    pub attempts: i64,
    pub window: i64,
    pub max_window: i64,
}

/// The limits of [`Store::start_login_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// One account from one address.
    pub pair: LoginLimit,
    /// One address, whatever the account.
    pub address: LoginLimit,
    /// One account, from every address together.
    pub account: LoginLimit,
}
