//! Imports of responses from other tools: one transaction from the first row to the last,
//! so an import stores every row or none, and a re-import adds no duplicates.
//!
//! Each imported response's `respondent` is its id in the source tool (prefixed with the
//! tool, `limesurvey:17`); `(wave, respondent)` is unique, so a row whose id is already in
//! the wave is left alone (`ON CONFLICT DO NOTHING`) and counted as already stored.

use crate::responses::NewResponse;
use crate::{get, Result, Store, StoreError};
use leernet_core::*;
use sqlx::{Any, Transaction};

/// Rows per INSERT statement (5 parameters each). Small on purpose: SQLite looks up each
/// `$N` parameter by name, so binding grows with the square of a statement's parameters.
const BATCH: usize = 50;

/// An import in progress: an open transaction on one wave.
#[derive(Debug)]
pub struct ResponseImport {
    tx: Transaction<'static, Any>,
    wave: WaveId,
    wave_created: bool,
    added: u64,
    already: u64,
}

impl Store {
    /// Starts an import into the wave `wave_name` of `instrument`, creating the wave
    /// (closed: its responses come from elsewhere) inside the import's transaction when
    /// it does not exist yet.
    pub async fn begin_import(
        &self,
        instrument: InstrumentId,
        wave_name: &str,
    ) -> Result<ResponseImport> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query("SELECT id FROM waves WHERE instrument_id = $1 AND name = $2")
            .bind(instrument.0)
            .bind(wave_name)
            .fetch_optional(&mut *tx)
            .await?;
        let (wave, wave_created) = match row {
            Some(r) => (WaveId(get(&r, "id")?), false),
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO waves (instrument_id, name, status) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(instrument.0)
                .bind(wave_name)
                .bind(WaveStatus::Closed.as_str())
                .fetch_one(&mut *tx)
                .await?;
                (WaveId(id), true)
            }
        };
        Ok(ResponseImport {
            tx,
            wave,
            wave_created,
            added: 0,
            already: 0,
        })
    }
}

impl ResponseImport {
    /// The wave imported into.
    pub fn wave(&self) -> WaveId {
        self.wave
    }

    /// Whether this import made the wave.
    pub fn wave_created(&self) -> bool {
        self.wave_created
    }

    /// Responses added so far, and rows whose respondent was already in the wave.
    pub fn counts(&self) -> (u64, u64) {
        (self.added, self.already)
    }

    /// Adds responses; a respondent already in the wave is skipped (and counted).
    pub async fn add(&mut self, responses: &[NewResponse]) -> Result<()> {
        for chunk in responses.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO responses (wave_id, network_id, respondent, status, answers) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * 5;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                ));
            }
            sql.push_str(" ON CONFLICT (wave_id, respondent) DO NOTHING");
            let mut q = sqlx::query(&sql);
            for r in chunk {
                let json = serde_json::to_string(&r.answers)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                q = q
                    .bind(self.wave.0)
                    .bind(r.network.0)
                    .bind(r.respondent.clone())
                    .bind(r.status.as_str())
                    .bind(json);
            }
            let done = q.execute(&mut *self.tx).await?;
            self.added += done.rows_affected();
            self.already += chunk.len() as u64 - done.rows_affected();
        }
        Ok(())
    }

    /// Stores everything added.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Stores everything added together with its audit entry (`responses.import`, the wave
    /// and the counts: never a row), in the import's own transaction. `format` is the
    /// source tool's name (`csv`, `limesurvey`, …).
    pub async fn commit_audited(
        mut self,
        actor: &crate::Actor,
        at: i64,
        format: &str,
    ) -> Result<()> {
        crate::audit::record(
            &mut self.tx,
            &crate::NewAudit {
                at,
                actor: actor.clone(),
                action: crate::Action::ResponsesImport,
                subject: format!("wave:{}", self.wave.0),
                detail: format!(
                    "format={format} added={} already={} wave_created={}",
                    self.added, self.already, self.wave_created
                ),
            },
        )
        .await?;
        self.commit().await
    }

    /// Stores nothing (a dry run, or an import with problems).
    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}
