//! When an invitation's link was sent by e-mail: the web app records each successful send,
//! so that a second "send" reaches only the addresses that did not get one yet.

use crate::{get, Result, Store, StoreError};
use leernet_core::{InvitationId, WaveId};
use std::collections::BTreeMap;

impl Store {
    /// When each invitation of a wave was sent by e-mail (Unix seconds), by invitation; the
    /// ones never sent are absent.
    pub async fn invitations_sent(&self, wave: WaveId) -> Result<BTreeMap<InvitationId, i64>> {
        let rows = sqlx::query(
            "SELECT id, sent_at FROM invitations WHERE wave_id = $1 AND sent_at IS NOT NULL \
             ORDER BY id",
        )
        .bind(wave.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((InvitationId(get(r, "id")?), get::<i64>(r, "sent_at")?)))
            .collect()
    }

    /// Records that an invitation's link was sent by e-mail at `at` (Unix seconds).
    pub async fn mark_invitation_sent(&self, id: InvitationId, at: i64) -> Result<()> {
        let done = sqlx::query("UPDATE invitations SET sent_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "there is no invitation {}",
                id.0
            )));
        }
        Ok(())
    }
}
