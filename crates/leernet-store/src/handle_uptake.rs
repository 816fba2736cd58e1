//! Handles taken up (issue 26): which handles of its handreiking a network works on, what it
//! did and when, and later whether it helped (a four-point scale and a sentence).
//!
//! Why it exists: the handreiking ends where the network's work begins; the next wave's
//! analysis relates change to uptake (with due caution: self-selected, small n).
//!
//! Invariants: one row per network and handle; every write checks its input (a handle key,
//! dates, texts bounded, the scale 1–4) before anything is written, and a report on a handle
//! the network has not taken up is refused ([`Refusal::NotInNetwork`]); no text is logged.

use crate::workspace::{check_date, check_text, is_key, Refusal, WsError, WsResult, MAX_TEXT};
use crate::{get, Result as StoreResult, Store};
use leernet_core::NetworkId;

/// The highest point of the "did it help" scale (1 not, 2 a little, 3 clearly, 4 a lot).
pub const MAX_HELPED: i64 = 4;

/// What a network reports on a handle it works on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UptakeReport {
    /// What it did (free text, may be empty).
    pub what_done: String,
    /// When (`yyyy-mm-dd`, or `""`).
    pub done_on: String,
    /// Whether it helped, 1–[`MAX_HELPED`]; `None`: not yet said.
    pub helped: Option<i64>,
    /// One sentence on why.
    pub helped_text: String,
}

/// One handle a network works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uptake {
    pub network: NetworkId,
    pub handle: String,
    /// The day the network marked it (`yyyy-mm-dd`).
    pub started_on: String,
    pub report: UptakeReport,
}

impl Store {
    /// Marks handle `key` as one `network` works on, from `today` (`yyyy-mm-dd`); marking it
    /// again changes nothing.
    pub async fn take_up_handle(
        &self,
        network: NetworkId,
        key: &str,
        today: &str,
        now: i64,
    ) -> WsResult<()> {
        if !is_key(key) {
            return Err(WsError::Refused(Refusal::NotInNetwork));
        }
        let today = check_date(today)?;
        let mut tx = self.pool.begin().await?;
        let had: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM ws_handle_uptake WHERE network_id = $1 AND handle_key = $2",
        )
        .bind(network.0)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        if had.is_none() {
            sqlx::query(
                "INSERT INTO ws_handle_uptake (network_id, handle_key, started_on, updated_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(network.0)
            .bind(key)
            .bind(&today)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            crate::generation::bump(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records what `network` did with handle `key` and whether it helped (replacing the
    /// earlier report). The handle must be one the network works on.
    pub async fn report_uptake(
        &self,
        network: NetworkId,
        key: &str,
        r: &UptakeReport,
        now: i64,
    ) -> WsResult<()> {
        let what = check_text("what done", &r.what_done, MAX_TEXT, false)?;
        let done_on = match r.done_on.trim() {
            "" => String::new(),
            d => check_date(d)?,
        };
        if r.helped.is_some_and(|h| !(1..=MAX_HELPED).contains(&h)) {
            return Err(WsError::Refused(Refusal::BadHelped));
        }
        let why = check_text("helped", &r.helped_text, 400, false)?;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE ws_handle_uptake SET what_done = $1, done_on = $2, helped = $3, \
             helped_text = $4, updated_at = $5 WHERE network_id = $6 AND handle_key = $7",
        )
        .bind(&what)
        .bind(&done_on)
        .bind(r.helped)
        .bind(&why)
        .bind(now)
        .bind(network.0)
        .bind(key)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(WsError::Refused(Refusal::NotInNetwork));
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The handles `network` works on (every network's when `None`), by network and handle.
    pub async fn handle_uptake(&self, network: Option<NetworkId>) -> StoreResult<Vec<Uptake>> {
        let rows = sqlx::query(
            "SELECT network_id, handle_key, started_on, what_done, done_on, helped, helped_text \
             FROM ws_handle_uptake WHERE ($1 = 0 OR network_id = $1) \
             ORDER BY network_id, handle_key",
        )
        .bind(network.map_or(0, |n| n.0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Uptake {
                    network: NetworkId(get(r, "network_id")?),
                    handle: get(r, "handle_key")?,
                    started_on: get(r, "started_on")?,
                    report: UptakeReport {
                        what_done: get(r, "what_done")?,
                        done_on: get(r, "done_on")?,
                        helped: get(r, "helped")?,
                        helped_text: get(r, "helped_text")?,
                    },
                })
            })
            .collect()
    }
}
