//! Waves at scale (issue 18, item 3): revoking one invitation's link, a wave's reminder
//! schedule, and the one reminder an invitation may get.
//!
//! Why claims: a reminder is sent by the web app (the researcher's button) and by
//! `leernet notify send` from cron, possibly at the same time on several instances. An
//! invitation's `reminded_at` is set by a conditional update *before* the mail is sent
//! ([`Store::claim_reminder`]): of two senders only one gets the row, so nobody is ever
//! reminded twice; a mail the server refused is given back ([`Store::release_reminder`])
//! for a later send. A revoked invitation is never claimed, and its link takes no answers
//! (`save_one` refuses it as a closed wave), while a response already given stays.

use crate::audit::{record, Action, Actor, AuditSubject, NewAudit};
use crate::{get, Result, Store, StoreError};
use leernet_core::{InvitationId, WaveId};

/// The longest reminder schedule a wave may have, in days.
pub const MAX_REMIND_AFTER_DAYS: i64 = 365;

impl Store {
    /// Revokes an invitation's link at `at`, with an audit entry in the same transaction.
    /// `false` when it was revoked before (nothing changes); a response already given stays.
    pub async fn revoke_invitation(
        &self,
        id: InvitationId,
        actor: &Actor,
        at: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let known: Option<i64> = sqlx::query_scalar("SELECT id FROM invitations WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
            tx.rollback().await?;
            return match known {
                Some(_) => Ok(false),
                None => Err(StoreError::NotFound(format!(
                    "there is no invitation {}",
                    id.0
                ))),
            };
        }
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::InvitationRevoke,
                subject: AuditSubject::Invitation(id.0),
                detail: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Claims the one reminder of an invitation at `at`: `true` when this caller may send it
    /// (no reminder was claimed before and the link is not revoked).
    pub async fn claim_reminder(&self, id: InvitationId, at: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE invitations SET reminded_at = $1 \
             WHERE id = $2 AND reminded_at IS NULL AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a claimed reminder back (the mail server did not take it), for a later send.
    pub async fn release_reminder(&self, id: InvitationId) -> Result<()> {
        sqlx::query("UPDATE invitations SET reminded_at = NULL WHERE id = $1")
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets a wave's reminder schedule (`None`: off; else 1 to [`MAX_REMIND_AFTER_DAYS`]
    /// days after an invitation was mailed), with an audit entry.
    pub async fn set_wave_reminders(
        &self,
        wave: WaveId,
        days: Option<i64>,
        actor: &Actor,
        at: i64,
    ) -> Result<()> {
        if let Some(d) = days {
            if !(1..=MAX_REMIND_AFTER_DAYS).contains(&d) {
                return Err(StoreError::Conflict(format!(
                    "a reminder schedule of {d} days is not from 1 to {MAX_REMIND_AFTER_DAYS}"
                )));
            }
        }
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE waves SET remind_after_days = $1 WHERE id = $2")
            .bind(days)
            .bind(wave.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Err(StoreError::NotFound(format!("there is no wave {wave}")));
        }
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::WaveReminders,
                subject: AuditSubject::Wave(wave),
                detail: match days {
                    Some(d) => format!("after_days={d}"),
                    None => "off".to_owned(),
                },
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every wave's reminder schedule, in days, by wave (waves without one are absent).
    pub async fn wave_reminders(&self) -> Result<std::collections::BTreeMap<WaveId, i64>> {
        let rows = sqlx::query(
            "SELECT id, remind_after_days FROM waves WHERE remind_after_days IS NOT NULL \
             ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((WaveId(get(r, "id")?), get::<i64>(r, "remind_after_days")?)))
            .collect()
    }
}
