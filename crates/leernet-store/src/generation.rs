//! The data generation: a number that grows with every committed write that can change a
//! figure of the study.
//!
//! Why it exists: the web app shows figures computed from the whole study (`StudyData`),
//! which takes from a tenth of a second to seconds. It keeps them with the generation they
//! were computed for and computes again only when the generation in the database differs,
//! so a change costs one computation instead of one per page view, and several instances on
//! one PostgreSQL each notice a change that another one wrote.
//!
//! How: every such write calls [`bump`] once, inside its own transaction, just before it
//! commits — answers and responses (imports, survey saves), codings and coding work,
//! codebooks, the workspace, the registry, instruments and waves, study settings, restores
//! and the privacy tools. The generation is the sum of a few slots (`store_generation`), each
//! bump adding one to one slot, so concurrent survey saves on PostgreSQL share the row locks
//! instead of queueing on one; the sum still grows by exactly one per committed bump, and a
//! rolled-back write leaves it as it was. Reads never bump.
//!
//! Invariant: a reader that reads the generation *before* the data never labels figures
//! with a generation newer than their data: at worst the figures are newer than their label
//! and are computed once more.

use crate::{Result, Store};
use std::sync::atomic::{AtomicU64, Ordering};

/// How many rows the counter is spread over.
const SLOTS: u64 = 8;

/// The slot of the next bump of this process (round robin).
static NEXT_SLOT: AtomicU64 = AtomicU64::new(0);

/// Adds one to the data generation, in the caller's transaction. Call it once per
/// transaction (two bumps in one transaction may take two slots' locks in another order than
/// a concurrent one's).
pub(crate) async fn bump(conn: &mut sqlx::AnyConnection) -> Result<()> {
    let slot = NEXT_SLOT.fetch_add(1, Ordering::Relaxed) % SLOTS;
    sqlx::query(
        "INSERT INTO store_generation (slot, value) VALUES ($1, 1) \
         ON CONFLICT (slot) DO UPDATE SET value = store_generation.value + 1",
    )
    .bind(slot as i64)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// The data generation: 0 for a database nobody wrote figures' data to, and larger after
    /// every committed write that can change a figure (see the module's doc). One small
    /// query, cheap enough for every page view.
    pub async fn generation(&self) -> Result<i64> {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) AS g FROM store_generation",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("g")?)
    }
}
