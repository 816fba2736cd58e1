//! Login sessions and login throttling, kept in the store so that several app instances
//! behind one load balancer share them.
//!
//! A session is known by the SHA-256 of the secret in the visitor's cookie: the database
//! never holds a usable session secret. Times are Unix seconds chosen by the caller (the
//! store has no clock, which keeps its tests exact).

use crate::{get, Result, Store};
use leernet_core::PersonId;
use sha2::{Digest, Sha256};

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
        sqlx::query(
            "INSERT INTO sessions (id_hash, person_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(key(secret))
        .bind(person.0)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session known by `secret`, if it exists and has not expired at `now`.
    pub async fn session(&self, secret: &str, now: i64) -> Result<Option<SessionRow>> {
        let row = sqlx::query(
            "SELECT person_id, csrf, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(key(secret))
        .bind(now)
        .fetch_optional(&self.pool)
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
    pub async fn end_session(&self, secret: &str, now: i64) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1 OR expires_at <= $2")
            .bind(key(secret))
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed login for each subject (`account:…`, `address:…`).
    pub async fn record_login_failure(&self, subjects: &[&str], now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for s in subjects {
            sqlx::query("INSERT INTO login_failures (subject, at) VALUES ($1, $2)")
                .bind(*s)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Failed logins of `subject` since `since`.
    pub async fn login_failures_since(&self, subject: &str, since: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE subject = $1 AND at >= $2",
        )
        .bind(subject)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Forgets the failures of `subject` (after a successful login) and every failure older
    /// than `before`.
    pub async fn clear_login_failures(&self, subject: &str, before: i64) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE subject = $1 OR at < $2")
            .bind(subject)
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
