//! Responses: the answers of one respondent in one wave.
//!
//! Answers are stored as one JSON object (question name to raw XLSForm value) with sorted
//! keys, so that the same answers are always the same bytes.

use crate::{conflict, get, Result, Store, StoreError};
use leernet_core::*;

/// The condition that leaves test answers out (`test_links.rs`), on a query of `responses`
/// (or of a table with a `wave_id` column). Written as `NOT IN` the (few) test waves, not
/// `IN` the real ones: SQLite then keeps reading `responses` by its primary key, as before
/// (`EXPLAIN QUERY PLAN`: `SCAN responses`; with `IN` it searched the wave index and sorted).
/// `waves.id` is never NULL, so `NOT IN` means what it says.
pub(crate) const NOT_TEST: &str = "wave_id NOT IN (SELECT id FROM waves WHERE test = 1)";

/// A response to store.
#[derive(Debug, Clone)]
pub struct NewResponse {
    pub network: NetworkId,
    pub respondent: String,
    pub status: ResponseStatus,
    pub answers: Answers,
}

impl Store {
    /// Stores many responses of one wave: all of them, or — on any error — none.
    pub async fn add_responses(
        &self,
        wave: WaveId,
        responses: &[NewResponse],
    ) -> Result<Vec<ResponseId>> {
        let mut tx = self.pool.begin().await?;
        match Self::insert_responses(&mut tx, wave, responses).await {
            Ok(ids) => {
                tx.commit().await?;
                Ok(ids)
            }
            Err(e) => {
                // Rolled back here, before the caller hears of the failure: a transaction
                // dropped instead leaves its rollback to the connection's worker, and until
                // then SQLite's write lock is held against the caller's next write.
                tx.rollback().await?;
                Err(e)
            }
        }
    }

    /// The rows of [`Store::add_responses`] and the generation bump, in `tx`.
    async fn insert_responses(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        wave: WaveId,
        responses: &[NewResponse],
    ) -> Result<Vec<ResponseId>> {
        let mut ids = Vec::with_capacity(responses.len());
        for r in responses {
            let json = serde_json::to_string(&r.answers)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO responses (wave_id, network_id, respondent, status, answers) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(wave.0)
            .bind(r.network.0)
            .bind(&r.respondent)
            .bind(r.status.as_str())
            .bind(json)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| {
                conflict(e, || {
                    format!(
                        "respondent {:?} already has a response in this wave",
                        r.respondent
                    )
                })
            })?;
            ids.push(ResponseId(id));
        }
        crate::generation::bump(tx).await?;
        Ok(ids)
    }

    /// Responses, by id; of one wave, or of all waves. Never a test answer
    /// (`test_links.rs`): every figure, page, report and export reads through here or
    /// [`Store::study_data`].
    /// The responses of the same wave just before and after `id` (by id), for the response
    /// viewer's previous and next: two lookups by the primary key, no answers read.
    pub async fn response_neighbours(
        &self,
        wave: WaveId,
        id: ResponseId,
    ) -> Result<(Option<ResponseId>, Option<ResponseId>)> {
        let prev: Option<i64> =
            sqlx::query_scalar("SELECT MAX(id) FROM responses WHERE wave_id = $1 AND id < $2")
                .bind(wave.0)
                .bind(id.0)
                .fetch_one(&self.pool)
                .await?;
        let next: Option<i64> =
            sqlx::query_scalar("SELECT MIN(id) FROM responses WHERE wave_id = $1 AND id > $2")
                .bind(wave.0)
                .bind(id.0)
                .fetch_one(&self.pool)
                .await?;
        Ok((prev.map(ResponseId), next.map(ResponseId)))
    }

    pub async fn responses(&self, wave: Option<WaveId>) -> Result<Vec<Response>> {
        self.read_responses(wave, NOT_TEST).await
    }

    /// Responses with the test answers among them (for [`Store::test_responses`] only).
    pub(crate) async fn responses_with_tests(&self, wave: Option<WaveId>) -> Result<Vec<Response>> {
        self.read_responses(wave, "1 = 1").await
    }

    async fn read_responses(&self, wave: Option<WaveId>, filter: &str) -> Result<Vec<Response>> {
        let base = "SELECT id, wave_id, network_id, respondent, status, answers FROM responses";
        let rows = match wave {
            Some(w) => {
                sqlx::query(&format!(
                    "{base} WHERE wave_id = $1 AND {filter} ORDER BY id"
                ))
                .bind(w.0)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("{base} WHERE {filter} ORDER BY id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        if rows.len() < PARALLEL_DECODE_FROM {
            return rows.iter().map(response_row).collect();
        }
        // A national study's read (42,000 answer sets): the answers' JSON decoded on every
        // core, in the rows' order; the first bad row in that order is the error, as before.
        use rayon::prelude::*;
        let decoded: Vec<Result<Response>> = rows.par_iter().map(response_row).collect();
        decoded.into_iter().collect()
    }

    /// Sets (or, with `None`, removes) one answer of a stored response.
    pub async fn set_answer(
        &self,
        response: ResponseId,
        question: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let json: Option<String> =
            sqlx::query_scalar("SELECT answers FROM responses WHERE id = $1")
                .bind(response.0)
                .fetch_optional(&mut *tx)
                .await?;
        let json =
            json.ok_or_else(|| StoreError::NotFound(format!("there is no response {response}")))?;
        let mut answers: Answers = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("answers of response {response}: {e}")))?;
        match value {
            Some(v) => answers.insert(question.to_owned(), v.to_owned()),
            None => answers.remove(question),
        };
        let json =
            serde_json::to_string(&answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("UPDATE responses SET answers = $1 WHERE id = $2")
            .bind(json)
            .bind(response.0)
            .execute(&mut *tx)
            .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Which responses [`Store::responses_page`] reads.
#[derive(Debug, Clone)]
pub struct ResponseQuery<'a> {
    /// Of these waves (none: no response).
    pub waves: &'a [WaveId],
    /// Of these networks only, when not `None` (an empty list: no response).
    pub networks: Option<&'a [NetworkId]>,
    /// With this status only.
    pub status: Option<ResponseStatus>,
    /// After this response id (the previous page's last).
    pub after: Option<ResponseId>,
    /// Written (stored, saved, changed) at or after this time, in seconds since 1970 UTC by
    /// the database's clock (the `updated_at` its triggers keep).
    pub updated_since: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

impl Store {
    /// One page of responses by id: those of [`ResponseQuery`] after its `after`, at most
    /// `limit`, read by the primary key's order so that a page costs its own rows, not the
    /// pages before it.
    pub async fn responses_page(&self, q: &ResponseQuery<'_>) -> Result<Vec<Response>> {
        if q.waves.is_empty() || q.networks.is_some_and(<[NetworkId]>::is_empty) || q.limit == 0 {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "SELECT id, wave_id, network_id, respondent, status, answers FROM responses WHERE id > $1",
        );
        sql.push_str(" AND ");
        sql.push_str(NOT_TEST);
        let mut n = 1;
        let mut list = |sql: &mut String, col: &str, len: usize| {
            sql.push_str(&format!(" AND {col} IN ("));
            for k in 0..len {
                n += 1;
                if k > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        };
        list(&mut sql, "wave_id", q.waves.len());
        if let Some(nets) = q.networks {
            list(&mut sql, "network_id", nets.len());
        }
        if q.status.is_some() {
            n += 1;
            sql.push_str(&format!(" AND status = ${n}"));
        }
        if q.updated_since.is_some() {
            n += 1;
            sql.push_str(&format!(" AND updated_at >= ${n}"));
        }
        n += 1;
        sql.push_str(&format!(" ORDER BY id LIMIT ${n}"));
        let mut query = sqlx::query(&sql).bind(q.after.map_or(0, |a| a.0));
        for w in q.waves {
            query = query.bind(w.0);
        }
        for net in q.networks.unwrap_or(&[]) {
            query = query.bind(net.0);
        }
        if let Some(s) = q.status {
            query = query.bind(s.as_str());
        }
        if let Some(t) = q.updated_since {
            query = query.bind(t);
        }
        let rows = query.bind(i64::from(q.limit)).fetch_all(&self.pool).await?;
        rows.iter().map(response_row).collect()
    }

    /// How many responses each wave has, per network and status: `(wave, network, status,
    /// count)`, ordered; test answers not counted.
    pub async fn response_counts(&self) -> Result<Vec<(WaveId, NetworkId, ResponseStatus, i64)>> {
        let rows = sqlx::query(
            "SELECT wave_id, network_id, status, COUNT(*) AS n FROM responses \
             WHERE wave_id NOT IN (SELECT id FROM waves WHERE test = 1) \
             GROUP BY wave_id, network_id, status ORDER BY wave_id, network_id, status",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = get(r, "status")?;
                Ok((
                    WaveId(get(r, "wave_id")?),
                    NetworkId(get(r, "network_id")?),
                    ResponseStatus::parse(&status).ok_or_else(|| {
                        StoreError::Corrupt(format!("response status {status:?}"))
                    })?,
                    get(r, "n")?,
                ))
            })
            .collect()
    }
}

/// From how many responses a read decodes their answers on every core (below it, on the
/// calling thread: a small read does not wait for the thread pool).
const PARALLEL_DECODE_FROM: usize = 2_000;

fn response_row(r: &sqlx::any::AnyRow) -> Result<Response> {
    let id: i64 = get(r, "id")?;
    let status: String = get(r, "status")?;
    let answers: String = get(r, "answers")?;
    Ok(Response {
        id: ResponseId(id),
        wave: WaveId(get(r, "wave_id")?),
        network: NetworkId(get(r, "network_id")?),
        respondent: get(r, "respondent")?,
        status: ResponseStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("response {id} has status {status:?}")))?,
        answers: serde_json::from_str(&answers)
            .map_err(|e| StoreError::Corrupt(format!("answers of response {id}: {e}")))?,
    })
}
