//! Accounts: the people who may log in, looked up by e-mail address, and their passwords.
//!
//! The store keeps argon2id hashes only (the web app and the CLI hash; the store never sees
//! a password). Lookups ignore the case of the address, as people type it.

use crate::{get, Result, Store, StoreError};
use leernet_core::*;

/// What the login needs to know about a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: PersonId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// Networks the person facilitates or is a member of, by id.
    pub networks: Vec<NetworkId>,
    /// The argon2id hash (PHC string), when the person may log in.
    pub password_hash: Option<String>,
}

impl Store {
    /// The account with this e-mail address (any case), if there is one.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>> {
        let row = sqlx::query(
            "SELECT id FROM persons WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
        )
        .bind(email.trim())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => self.account(PersonId(get(&r, "id")?)).await,
            None => Ok(None),
        }
    }

    /// The account of a person, if the person exists.
    pub async fn account(&self, id: PersonId) -> Result<Option<Account>> {
        let Some(r) =
            sqlx::query("SELECT id, email, name, role, password_hash FROM persons WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let networks: Vec<i64> = sqlx::query_scalar(
            "SELECT network_id FROM person_networks WHERE person_id = $1 AND member_until IS NULL \
             ORDER BY network_id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let email: String = get(&r, "email")?;
        let role: String = get(&r, "role")?;
        Ok(Some(Account {
            id,
            email: Email::parse(&email).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            name: get(&r, "name")?,
            role: Role::parse(&role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            networks: networks.into_iter().map(NetworkId).collect(),
            password_hash: get(&r, "password_hash")?,
        }))
    }

    /// Sets the password hash of an existing person and, when given, their role and one
    /// more network; in one transaction. Ends the person's sessions: a new password logs
    /// everyone out.
    pub async fn update_account(
        &self,
        id: PersonId,
        role: Role,
        network: Option<NetworkId>,
        password_hash: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        update_account_in(&mut tx, id, role, network, password_hash).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// [`Store::update_account`] inside the caller's transaction.
pub(crate) async fn update_account_in(
    conn: &mut sqlx::AnyConnection,
    id: PersonId,
    role: Role,
    network: Option<NetworkId>,
    password_hash: &str,
) -> Result<()> {
    let done = sqlx::query("UPDATE persons SET password_hash = $1, role = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(role.as_str())
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("there is no person {}", id.0)));
    }
    if let Some(n) = network {
        sqlx::query(
            "INSERT INTO person_networks (person_id, network_id) VALUES ($1, $2) \
             ON CONFLICT (person_id, network_id) DO UPDATE SET member_until = NULL",
        )
        .bind(id.0)
        .bind(n.0)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM sessions WHERE person_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
