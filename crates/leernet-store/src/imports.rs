//! Imports of responses from other tools: one transaction from the first row to the last,
//! so an import stores every row or none, and a re-import adds no duplicates.
//!
//! Each imported response's `respondent` is its id in the source tool (prefixed with the
//! tool, `limesurvey:17`); `(wave, respondent)` is unique, so a row whose id is already in
//! the wave is left alone (`ON CONFLICT DO NOTHING`) and counted as already stored.

use crate::responses::NewResponse;
use crate::{get, Backend, Result, Store, StoreError};
use leernet_core::*;
use sqlx::{Any, Transaction};

/// Rows per INSERT statement (5 parameters each, well below both back ends' limits).
/// SQLite gets `?` placeholders: it looks `$N` up by name, which would make binding grow
/// with the square of a statement's parameters.
const BATCH: usize = 400;

/// SQLite's page cache during an import, in KiB (its default is 2,000 KiB); set back when
/// the import ends.
const IMPORT_CACHE_KIB: u32 = 64 * 1024;

/// A response to import whose answers are already the stored JSON text (what
/// `serde_json::to_string` makes of the answers map), so that the work of writing it can
/// be done before, on other threads.
#[derive(Debug, Clone)]
pub struct SerializedResponse {
    pub network: NetworkId,
    pub respondent: String,
    pub status: ResponseStatus,
    /// The answers as a JSON object with sorted keys.
    pub answers_json: String,
}

/// An import in progress: an open transaction on one wave.
#[derive(Debug)]
pub struct ResponseImport {
    tx: Transaction<'static, Any>,
    backend: Backend,
    wave: WaveId,
    wave_created: bool,
    added: u64,
    already: u64,
    /// SQLite: the database's write-ahead log, and the bytes of answers added since it was
    /// last pushed to the disk ([`WalSync`]).
    wal: Option<WalSync>,
}

/// Pushes a long import's write-ahead log to the disk while the import goes on. At
/// commit SQLite syncs the log before copying it into the database; for a large import
/// that sync waits for the whole log (a gigabyte for a million responses), while the
/// import itself left the disk idle. Syncing from another thread as the log grows
/// overlaps the two. It changes nothing SQLite relies on: it only writes out sooner what
/// SQLite wrote.
#[derive(Debug)]
struct WalSync {
    path: std::path::PathBuf,
    /// The database file the log belongs to.
    db: std::path::PathBuf,
    /// Whether the log grew past one sync's worth (a large import).
    synced_once: bool,
    unsynced: u64,
    running: Option<std::thread::JoinHandle<()>>,
}

/// Tells a thread to stop when dropped.
struct StopOnDrop(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl WalSync {
    /// Bytes of answers between two syncs.
    const EVERY: u64 = 64 << 20;

    fn added(&mut self, bytes: u64) {
        self.unsynced += bytes;
        if self.unsynced < Self::EVERY || self.running.as_ref().is_some_and(|h| !h.is_finished()) {
            return;
        }
        self.unsynced = 0;
        self.synced_once = true;
        let path = self.path.clone();
        self.running = Some(std::thread::spawn(move || {
            // best effort: a failure here leaves the sync to SQLite's commit
            if let Ok(f) = std::fs::File::open(path) {
                let _ = f.sync_data();
            }
        }));
    }
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
        if self.backend() == Backend::Sqlite {
            // room for the unique index's pages: with SQLite's default 2 MB they would be
            // written out and read back again and again during a long import
            sqlx::query(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))
                .execute(&mut *tx)
                .await?;
            // each 400-row INSERT keeps the pages it changes in a statement journal: in
            // memory, not in a temporary file. SQLite refuses the change inside a transaction
            // once the connection has opened its temporary database (after a VACUUM, say):
            // then the journals go to a temporary file, slower but the same.
            if let Err(e) = sqlx::query("PRAGMA temp_store = MEMORY")
                .execute(&mut *tx)
                .await
            {
                tracing::debug!(error = %e, "the import's statement journals stay in a file");
            }
        }
        let wal = match self.backend() {
            Backend::Sqlite => {
                let file: Option<String> =
                    sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                        .fetch_optional(&mut *tx)
                        .await?;
                file.filter(|f| !f.is_empty()).map(|f| WalSync {
                    path: format!("{f}-wal").into(),
                    db: f.into(),
                    synced_once: false,
                    unsynced: 0,
                    running: None,
                })
            }
            Backend::Postgres => None,
        };
        let row =
            sqlx::query("SELECT id FROM waves WHERE instrument_id = $1 AND name = $2 AND test = 0")
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
            backend: self.backend(),
            wave,
            wave_created,
            added: 0,
            already: 0,
            wal,
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
        let serialized = responses
            .iter()
            .map(|r| {
                Ok(SerializedResponse {
                    network: r.network,
                    respondent: r.respondent.clone(),
                    status: r.status,
                    answers_json: serde_json::to_string(&r.answers)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.add_serialized(serialized).await
    }

    /// [`ResponseImport::add`] for answers already written as JSON.
    pub async fn add_serialized(&mut self, responses: Vec<SerializedResponse>) -> Result<()> {
        let mut responses = responses.into_iter().peekable();
        while responses.peek().is_some() {
            let chunk: Vec<SerializedResponse> = responses.by_ref().take(BATCH).collect();
            let n = chunk.len() as u64;
            let sql = self.insert_sql(chunk.len());
            let mut q = sqlx::query(&sql);
            let bytes: usize = chunk.iter().map(|r| r.answers_json.len()).sum();
            for r in chunk {
                q = q
                    .bind(self.wave.0)
                    .bind(r.network.0)
                    .bind(r.respondent)
                    .bind(r.status.as_str())
                    .bind(r.answers_json);
            }
            let done = q.execute(&mut *self.tx).await?;
            self.added += done.rows_affected();
            self.already += n - done.rows_affected();
            if let Some(w) = &mut self.wal {
                w.added(bytes as u64);
            }
        }
        Ok(())
    }

    /// The INSERT of `rows` responses.
    fn insert_sql(&self, rows: usize) -> String {
        let mut sql = String::from(
            "INSERT INTO responses (wave_id, network_id, respondent, status, answers) VALUES ",
        );
        for i in 0..rows {
            if i > 0 {
                sql.push(',');
            }
            match self.backend {
                Backend::Sqlite => sql.push_str("(?, ?, ?, ?, ?)"),
                Backend::Postgres => {
                    let b = i * 5;
                    sql.push_str(&format!(
                        "(${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5
                    ));
                }
            }
        }
        sql.push_str(" ON CONFLICT (wave_id, respondent) DO NOTHING");
        sql
    }

    /// Stores everything added.
    pub async fn commit(mut self) -> Result<()> {
        self.restore_cache().await?;
        crate::generation::bump(&mut self.tx).await?;
        // while SQLite copies a large log into the database at commit, its pages go to the
        // disk as they are copied, so that the sync after the copy has little left to do
        let copying = self.wal.as_ref().filter(|w| w.synced_once).map(|w| {
            let db = w.db.clone();
            let stop = StopOnDrop(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
                false,
            )));
            let s = stop.0.clone();
            std::thread::spawn(move || {
                let Ok(f) = std::fs::File::open(db) else {
                    return;
                };
                while !s.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = f.sync_data();
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            });
            stop
        });
        // the thread stops when `copying` is dropped: after the commit, or when the
        // commit's future is dropped before it ends
        let done = self.tx.commit().await;
        drop(copying);
        done?;
        Ok(())
    }

    /// SQLite's default page cache again, for the connection's next user.
    async fn restore_cache(&mut self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA cache_size = -2000")
                .execute(&mut *self.tx)
                .await?;
            // (refused, like MEMORY above, when the temporary database is open: nothing to undo)
            let _ = sqlx::query("PRAGMA temp_store = DEFAULT")
                .execute(&mut *self.tx)
                .await;
        }
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
                subject: crate::AuditSubject::Wave(self.wave),
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
    pub async fn rollback(mut self) -> Result<()> {
        self.restore_cache().await?;
        self.tx.rollback().await?;
        Ok(())
    }
}
