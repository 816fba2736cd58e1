//! People and structure in the browser (issue 18, item 1): a role that is deactivated and made
//! active again, one-time links by which a person sets their own password (an invitation,
//! "wachtwoord vergeten"), and Werkplaatsen and networks that are edited and archived.
//!
//! Why here: these are the installation's (accounts, roles, the registry), and each change
//! is one transaction with its installation audit entry. A link is known by the SHA-256 of
//! its secret, as a session and an API token are: the database never holds a usable link.
//! A deactivated role keeps the role and its networks (and everything the person did); it
//! only stops counting, and deactivating ends the account's sessions in the same transaction.
//! Nothing here deletes a Werkplaats or a network: archiving hides it from new choices only.

use super::{audit, Installation, StudyId};
use crate::{get, Actor, Result, StoreError};
use leernet_core::{NetworkId, PersonId, Slug, WorkplaceId};
use sha2::{Digest, Sha256};

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Sent with an invitation: the person sets their first password.
    Invite,
    /// "Wachtwoord vergeten": the person sets a new password.
    Reset,
}

impl LinkPurpose {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invite => "invite",
            LinkPurpose::Reset => "reset",
        }
    }

    fn parse(s: &str) -> Result<LinkPurpose> {
        match s {
            "invite" => Ok(LinkPurpose::Invite),
            "reset" => Ok(LinkPurpose::Reset),
            other => Err(StoreError::Corrupt(format!("link purpose {other:?}"))),
        }
    }
}

/// What a presented link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Usable now, for this account.
    Valid {
        account: PersonId,
        purpose: LinkPurpose,
    },
    /// Used before (or replaced by a newer link).
    Used,
    /// Past its time.
    Expired,
    /// No link has this secret.
    Unknown,
}

/// The stored key of a link's secret.
fn key(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl Installation {
    /// Stores a one-time link (by the hash of `secret`) for `account`, usable until
    /// `expires_at`. A new reset link replaces the account's unused ones (they count as
    /// used), so only the newest link of a "wachtwoord vergeten" works.
    pub async fn add_account_link(
        &self,
        account: PersonId,
        purpose: LinkPurpose,
        secret: &str,
        at: i64,
        expires_at: i64,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE account_links SET used_at = $1 \
             WHERE account_id = $2 AND purpose = $3 AND used_at IS NULL",
        )
        .bind(at)
        .bind(account.0)
        .bind(purpose.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO account_links (secret_hash, account_id, purpose, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(key(secret))
        .bind(account.0)
        .bind(purpose.as_str())
        .bind(at)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            at,
            actor,
            "account.link",
            &format!("account:{}", account.0),
            &format!("purpose={}", purpose.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the link with `secret` is at `now` (nothing changes).
    pub async fn account_link(&self, secret: &str, now: i64) -> Result<LinkState> {
        let row = sqlx::query(
            "SELECT account_id, purpose, expires_at, used_at FROM account_links WHERE secret_hash = $1",
        )
        .bind(key(secret))
        .fetch_optional(&self.pool)
        .await?;
        link_state(row.as_ref(), now)
    }

    /// Uses the link with `secret` to set its account's password hash, in one transaction:
    /// the link is marked used, the password set, every session of the account ended, and
    /// `account.password` recorded (`via=invite|reset`). A link that is not usable changes
    /// nothing and says why ([`LinkState`]); `Ok` carries the account.
    pub async fn use_account_link(
        &self,
        secret: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<std::result::Result<PersonId, LinkState>> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "SELECT account_id, purpose, expires_at, used_at FROM account_links WHERE secret_hash = $1",
        )
        .bind(key(secret))
        .fetch_optional(&mut *tx)
        .await?;
        let (account, purpose) = match link_state(row.as_ref(), now)? {
            LinkState::Valid { account, purpose } => (account, purpose),
            other => {
                tx.rollback().await?;
                return Ok(Err(other));
            }
        };
        // claims the link: of two uses at once, only one finds it unused
        let claimed = sqlx::query(
            "UPDATE account_links SET used_at = $1 WHERE secret_hash = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(key(secret))
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Err(LinkState::Used));
        }
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(account.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(account.0)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            now,
            &Actor::Person(account),
            "account.password",
            &format!("account:{}", account.0),
            &format!("via={}", purpose.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(account))
    }

    /// Deactivates (`active` false) or reactivates `account`'s role in `study`, in one
    /// transaction with `role.deactivate` / `role.reactivate`; deactivating ends every
    /// session of the account and its unused links (it logs in again only where it still has
    /// an active role). The role and its networks stay. False when the account has no role
    /// there or the role already was so.
    pub async fn set_role_active(
        &self,
        account: PersonId,
        study: StudyId,
        active: bool,
        actor: &Actor,
        at: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE study_roles SET active = $1 WHERE account_id = $2 AND study_id = $3 AND active <> $1",
        )
        .bind(i64::from(active))
        .bind(account.0)
        .bind(study.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let mut ended = 0;
        if !active {
            ended = sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                .bind(account.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(
                "UPDATE account_links SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
            )
            .bind(at)
            .bind(account.0)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            at,
            actor,
            if active {
                "role.reactivate"
            } else {
                "role.deactivate"
            },
            &format!("account:{}", account.0),
            &format!("study={} sessions_ended={ended}", study.0),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The accounts whose role in `study` is deactivated, by id.
    pub async fn inactive_accounts(&self, study: StudyId) -> Result<Vec<PersonId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT account_id FROM study_roles WHERE study_id = $1 AND active = 0 ORDER BY account_id",
        )
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(PersonId).collect())
    }

    /// Whether `account`'s role in `study` counts: it has one, and it is not deactivated.
    pub async fn role_is_active(&self, account: PersonId, study: StudyId) -> Result<bool> {
        let active: Option<i64> = sqlx::query_scalar(
            "SELECT active FROM study_roles WHERE account_id = $1 AND study_id = $2",
        )
        .bind(account.0)
        .bind(study.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(active == Some(1))
    }

    /// Whether `account` may log in: an installation administrator, an account with no role
    /// at all (as before roles could be deactivated), or one with at least one active role.
    /// An account whose every role is deactivated may not.
    pub async fn may_log_in(&self, account: PersonId) -> Result<bool> {
        let row = sqlx::query(
            "SELECT (SELECT installation_admin FROM accounts WHERE id = $1) AS admin, \
             (SELECT COUNT(*) FROM study_roles WHERE account_id = $1) AS roles, \
             (SELECT COUNT(*) FROM study_roles WHERE account_id = $1 AND active = 1) AS active",
        )
        .bind(account.0)
        .fetch_one(&self.pool)
        .await?;
        let admin: Option<i64> = get(&row, "admin")?;
        let roles: i64 = get(&row, "roles")?;
        let active: i64 = get(&row, "active")?;
        Ok(admin == Some(1) || roles == 0 || active > 0)
    }

    /// Changes a Werkplaats' name and region, with `workplace.change`. Its slug stays (links
    /// and exports name it).
    pub async fn update_workplace(
        &self,
        id: WorkplaceId,
        name: &str,
        region: &str,
        actor: &Actor,
        at: i64,
    ) -> Result<leernet_core::Workplace> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE workplaces SET name = $1, region = $2 WHERE id = $3")
            .bind(name)
            .bind(region)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "there is no Werkplaats {}",
                id.0
            )));
        }
        audit(
            &mut tx,
            at,
            actor,
            "workplace.change",
            &format!("workplace:{}", id.0),
            "",
        )
        .await?;
        let row = sqlx::query("SELECT slug FROM workplaces WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
        let slug: String = get(&row, "slug")?;
        tx.commit().await?;
        Ok(leernet_core::Workplace {
            id,
            slug: Slug::parse(&slug).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            name: name.to_owned(),
            region: region.to_owned(),
        })
    }

    /// Changes a network's name and Werkplaats, with `network.change`. Its slug stays.
    pub async fn update_network(
        &self,
        id: NetworkId,
        name: &str,
        workplace: WorkplaceId,
        actor: &Actor,
        at: i64,
    ) -> Result<leernet_core::Network> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE networks SET name = $1, workplace_id = $2 WHERE id = $3")
            .bind(name)
            .bind(workplace.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::NotFound(format!("there is no Werkplaats {}", workplace.0))
                }
                _ => StoreError::from(e),
            })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "there is no network {}",
                id.0
            )));
        }
        audit(
            &mut tx,
            at,
            actor,
            "network.change",
            &format!("network:{}", id.0),
            &format!("workplace={}", workplace.0),
        )
        .await?;
        let row = sqlx::query("SELECT slug FROM networks WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
        let slug: String = get(&row, "slug")?;
        tx.commit().await?;
        Ok(leernet_core::Network {
            id,
            slug: Slug::parse(&slug).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            name: name.to_owned(),
            workplace,
        })
    }

    /// Archives a Werkplaats or makes it current again (`workplace.archive` /
    /// `workplace.restore`); false when it already was so. Nothing is deleted.
    pub async fn set_workplace_archived(
        &self,
        id: WorkplaceId,
        archived: bool,
        actor: &Actor,
        at: i64,
    ) -> Result<bool> {
        self.set_archived("workplaces", "workplace", id.0, archived, actor, at)
            .await
    }

    /// Archives a network or makes it current again (`network.archive` /
    /// `network.restore`); false when it already was so. Nothing is deleted: its answers,
    /// roles and workspace stay, and past waves' figures keep it.
    pub async fn set_network_archived(
        &self,
        id: NetworkId,
        archived: bool,
        actor: &Actor,
        at: i64,
    ) -> Result<bool> {
        self.set_archived("networks", "network", id.0, archived, actor, at)
            .await
    }

    async fn set_archived(
        &self,
        table: &'static str,
        what: &'static str,
        id: i64,
        archived: bool,
        actor: &Actor,
        at: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let exists: Option<i64> =
            sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("there is no {what} {id}")));
        }
        let done = sqlx::query(&format!(
            "UPDATE {table} SET archived = $1 WHERE id = $2 AND archived <> $1"
        ))
        .bind(i64::from(archived))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let action = if archived { "archive" } else { "restore" };
        audit(
            &mut tx,
            at,
            actor,
            &format!("{what}.{action}"),
            &format!("{what}:{id}"),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The archived Werkplaatsen, by id.
    pub async fn archived_workplaces(&self) -> Result<Vec<WorkplaceId>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM workplaces WHERE archived = 1 ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(WorkplaceId).collect())
    }

    /// The archived networks, by id.
    pub async fn archived_networks(&self) -> Result<Vec<NetworkId>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM networks WHERE archived = 1 ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(NetworkId).collect())
    }
}

fn link_state(row: Option<&sqlx::any::AnyRow>, now: i64) -> Result<LinkState> {
    let Some(r) = row else {
        return Ok(LinkState::Unknown);
    };
    let used: Option<i64> = get(r, "used_at")?;
    let expires: i64 = get(r, "expires_at")?;
    let purpose: String = get(r, "purpose")?;
    Ok(if used.is_some() {
        LinkState::Used
    } else if now >= expires {
        LinkState::Expired
    } else {
        LinkState::Valid {
            account: PersonId(get(r, "account_id")?),
            purpose: LinkPurpose::parse(&purpose)?,
        }
    })
}
