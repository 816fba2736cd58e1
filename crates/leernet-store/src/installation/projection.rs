//! A study's projection of the installation: its `persons`, `person_networks`, `workplaces`
//! and `networks` rows, with the installation's ids and slugs.
//!
//! Only the installation layer calls these (`leernet-app`'s `studies` use cases): giving a
//! role writes the person's row, taking it withdraws the row's password, adding a network
//! to a study writes its network (and Werkplaats) row. Rows are never deleted here: codings,
//! workspace entries and invitations point at them, and a network's history stays whole.

use crate::audit::{record, Action, Actor, NewAudit};
use crate::{Backend, Result, Store, StoreError};
use leernet_core::*;

/// A person as one study holds them: the installation's account with their role there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectedPerson {
    /// The installation's account id.
    pub id: PersonId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// Exactly the networks of the role in this study.
    pub networks: Vec<NetworkId>,
    /// The installation's hash: kept in step in every study the person has a role in, until
    /// the web app logs in against the installation.
    pub password_hash: Option<String>,
}

/// Moves a PostgreSQL identity sequence past the ids written explicitly into `table`.
pub(crate) async fn move_identity(conn: &mut sqlx::AnyConnection, table: &str) -> Result<()> {
    sqlx::query(&format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
         COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false) AS v"
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Writes `p`'s row in this study, with exactly their networks, in one transaction: a
    /// new person is inserted with the installation's id (and `role.change` from `none` is
    /// recorded), a known one gets the installation's e-mail address, name, role and
    /// password hash (a changed role is recorded; a changed hash ends their sessions here).
    /// Refused when the study holds another person with the same e-mail address.
    pub async fn project_person(&self, p: &ProjectedPerson, actor: &Actor, at: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let other: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM persons WHERE lower(email) = lower($1) AND id <> $2 ORDER BY id LIMIT 1",
        )
        .bind(p.email.as_str())
        .bind(p.id.0)
        .fetch_optional(&mut *tx)
        .await?;
        if other.is_some() {
            return Err(StoreError::Conflict(format!(
                "the study holds another person with the e-mail address {}",
                p.email
            )));
        }
        let old = sqlx::query("SELECT role, password_hash FROM persons WHERE id = $1")
            .bind(p.id.0)
            .fetch_optional(&mut *tx)
            .await?;
        let old_role = match &old {
            None => {
                sqlx::query(
                    "INSERT INTO persons (id, email, name, role, password_hash) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(p.id.0)
                .bind(p.email.as_str())
                .bind(&p.name)
                .bind(p.role.as_str())
                .bind(p.password_hash.clone())
                .execute(&mut *tx)
                .await?;
                if self.backend == Backend::Postgres {
                    move_identity(&mut tx, "persons").await?;
                }
                "none".to_owned()
            }
            Some(row) => {
                let role: String = crate::get(row, "role")?;
                let hash: Option<String> = crate::get(row, "password_hash")?;
                sqlx::query(
                    "UPDATE persons SET email = $1, name = $2, role = $3, password_hash = $4 \
                     WHERE id = $5",
                )
                .bind(p.email.as_str())
                .bind(&p.name)
                .bind(p.role.as_str())
                .bind(p.password_hash.clone())
                .bind(p.id.0)
                .execute(&mut *tx)
                .await?;
                if hash != p.password_hash {
                    sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                        .bind(p.id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                role
            }
        };
        let mut keep: Vec<i64> = p.networks.iter().map(|n| n.0).collect();
        keep.sort_unstable();
        keep.dedup();
        let have: Vec<i64> = sqlx::query_scalar(
            "SELECT network_id FROM person_networks WHERE person_id = $1 \
             AND member_until IS NULL ORDER BY network_id",
        )
        .bind(p.id.0)
        .fetch_all(&mut *tx)
        .await?;
        for n in have.iter().filter(|n| !keep.contains(n)) {
            // The link ends rather than goes: a session held while they were a member keeps
            // counting them (issue 19).
            sqlx::query(
                "UPDATE person_networks SET member_until = $3 \
                 WHERE person_id = $1 AND network_id = $2 AND member_until IS NULL",
            )
            .bind(p.id.0)
            .bind(n)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        for n in keep.iter().filter(|n| !have.contains(n)) {
            // A member from now on; a link that ended before begins anew (its earlier spell
            // is not kept: one spell per person and network).
            sqlx::query(
                "INSERT INTO person_networks (person_id, network_id, member_from) \
                 VALUES ($1, $2, $3) ON CONFLICT (person_id, network_id) \
                 DO UPDATE SET member_from = $3, member_until = NULL",
            )
            .bind(p.id.0)
            .bind(n)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::Conflict(format!("network {n} is not in this study"))
                }
                _ => StoreError::from(e),
            })?;
        }
        if old_role != p.role.as_str() {
            record(
                &mut tx,
                &NewAudit {
                    at,
                    actor: actor.clone(),
                    action: Action::RoleChange,
                    subject: crate::audit::AuditSubject::Person(p.id),
                    detail: format!("from={old_role} to={}", p.role.as_str()),
                },
            )
            .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A role taken in the installation: the person's row stays (their codings and
    /// contributions point at it) but can no longer log in here — no password, no sessions;
    /// `role.change` to `none` is recorded. False when the study has no such person.
    pub async fn withdraw_person(&self, id: PersonId, actor: &Actor, at: i64) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let role: Option<String> = sqlx::query_scalar("SELECT role FROM persons WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(role) = role else {
            tx.rollback().await?;
            return Ok(false);
        };
        sqlx::query("UPDATE persons SET password_hash = NULL WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        // No longer a member of their networks from now on; sessions held before still
        // count them (issue 19).
        sqlx::query(
            "UPDATE person_networks SET member_until = $2 \
             WHERE person_id = $1 AND member_until IS NULL",
        )
        .bind(id.0)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::RoleChange,
                subject: crate::audit::AuditSubject::Person(id),
                detail: format!("from={role} to=none"),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sets the password hash of the person `id` here to the installation's (ending their
    /// sessions here when it changed). False when the study has no such person.
    pub async fn project_password(&self, id: PersonId, hash: Option<&str>) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let old = sqlx::query("SELECT password_hash FROM persons WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(old) = old else {
            tx.rollback().await?;
            return Ok(false);
        };
        let old: Option<String> = crate::get(&old, "password_hash")?;
        if old.as_deref() == hash {
            tx.rollback().await?;
            return Ok(true);
        }
        sqlx::query("UPDATE persons SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Writes the installation's Werkplaats `w` here (by id; name and region follow the
    /// installation's).
    pub async fn project_workplace(&self, w: &Workplace) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        upsert_workplace(&mut tx, self.backend, w).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes the installation's network `n` of the Werkplaats `w` here (both by id), in one
    /// transaction. Refused when the study holds another network or Werkplaats with its
    /// slug.
    pub async fn project_network(&self, w: &Workplace, n: &Network) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        upsert_workplace(&mut tx, self.backend, w).await?;
        let found: Option<String> = sqlx::query_scalar("SELECT slug FROM networks WHERE id = $1")
            .bind(n.id.0)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_some() {
            sqlx::query(
                "UPDATE networks SET slug = $1, name = $2, workplace_id = $3 WHERE id = $4",
            )
            .bind(n.slug.as_str())
            .bind(&n.name)
            .bind(n.workplace.0)
            .bind(n.id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| slug_taken(e, "network", &n.slug))?;
        } else {
            sqlx::query(
                "INSERT INTO networks (id, slug, name, workplace_id) VALUES ($1, $2, $3, $4)",
            )
            .bind(n.id.0)
            .bind(n.slug.as_str())
            .bind(&n.name)
            .bind(n.workplace.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| slug_taken(e, "network", &n.slug))?;
            if self.backend == Backend::Postgres {
                move_identity(&mut tx, "networks").await?;
            }
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn upsert_workplace(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    w: &Workplace,
) -> Result<()> {
    let found: Option<String> = sqlx::query_scalar("SELECT slug FROM workplaces WHERE id = $1")
        .bind(w.id.0)
        .fetch_optional(&mut *conn)
        .await?;
    if found.is_some() {
        sqlx::query("UPDATE workplaces SET slug = $1, name = $2, region = $3 WHERE id = $4")
            .bind(w.slug.as_str())
            .bind(&w.name)
            .bind(&w.region)
            .bind(w.id.0)
            .execute(&mut *conn)
            .await
            .map_err(|e| slug_taken(e, "Werkplaats", &w.slug))?;
    } else {
        sqlx::query("INSERT INTO workplaces (id, slug, name, region) VALUES ($1, $2, $3, $4)")
            .bind(w.id.0)
            .bind(w.slug.as_str())
            .bind(&w.name)
            .bind(&w.region)
            .execute(&mut *conn)
            .await
            .map_err(|e| slug_taken(e, "Werkplaats", &w.slug))?;
        if backend == Backend::Postgres {
            move_identity(conn, "workplaces").await?;
        }
    }
    Ok(())
}

fn slug_taken(e: sqlx::Error, what: &str, slug: &Slug) -> StoreError {
    crate::conflict(e, || {
        format!(
            "the study holds another {what} with slug {:?}",
            slug.as_str()
        )
    })
}
