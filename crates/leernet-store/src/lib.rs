//! leernet-store: one repository interface over two database back ends.
//!
//! Why it exists: a research group runs leernet on a laptop (SQLite, one file in the project
//! folder, WAL), a national association runs one installation for many users (PostgreSQL).
//! Both are served by [`Store`], whose back end is chosen from the URL at start-up.
//!
//! How: queries go through `sqlx::Any` with one SQL text for both back ends (positional
//! `$1` parameters, `RETURNING`, `ON CONFLICT` — all valid in SQLite and PostgreSQL), using
//! only the types both share (BIGINT, DOUBLE, TEXT, BLOB/BYTEA; no booleans, no native
//! dates). The schema differs per back end and lives in `migrations/sqlite` and
//! `migrations/postgres`; the same store suite (`tests/it/store_story.rs`) runs on both and
//! catches drift. See ARCHITECTURE.md, "Two back ends", for why this over two crates.
//!
//! Invariants:
//! - every method that writes more than one row does so in one transaction;
//! - reads return rows in a stable order (by id), so that output built on them is
//!   deterministic;
//! - no answer text is ever logged (only counts and ids).

mod accounts;
pub mod audit;
pub mod backup;
mod coding;
mod coding_work;
mod document_work;
pub mod documents;
mod generation;
mod group_commit;
pub mod handle_uptake;
pub mod imports;
pub mod installation;
mod instruments;
mod invitations;
mod kept_reads;
mod mail;
pub mod privacy;
pub mod profile_responses;
pub mod qda;
mod registry;
mod reminders;
mod responses;
pub mod retrieval;
mod sessions;
mod study;
pub mod test_links;
pub mod testing;
pub mod workspace;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub use accounts::Account;
pub use audit::{Action, Actor, AuditEntry, AuditSubject, NewAudit};
pub use coding::{CodeFields, CodebookVersion, NewCode, NewCoding};
pub use coding_work::{
    Assignment, AssignmentCoder, AssignmentId, CodePart, CodingDecision, DecidedSuggestion,
    DecisionFacts, DecisionKind, NewAssignment, Outcome, Refusal, SlowConfirmation, SlowStatus,
    SpanCode, SuggestionDecision,
};
pub use document_work::{word_count, DocumentSpanCode, DocumentSummary, NewDocumentAssignment};
pub use documents::{NewDocument, NewDocumentCoding, Passage};
pub use group_commit::GroupCommitCounts;
pub use imports::SerializedResponse;
pub use installation::{
    AccountErase, Adopted, ApiToken, Installation, InstallationAccount, InstallationAudit,
    LinkPurpose, LinkState, NewStudy, ProjectedPerson, Study, StudyId, StudyLocation, StudyRole,
    StudyState, TokenRefusal, TokenScope,
};
pub use instruments::NewInstrument;
pub use invitations::{
    InvitationKind, InvitationRow, MonitorRow, NewInvitation, SaveOutcome, SurveyLink,
};
pub use registry::{Membership, NewNetwork, NewPerson, NewWorkplace};
pub use reminders::MAX_REMIND_AFTER_DAYS;
pub use responses::{NewResponse, ResponseQuery};
pub use sessions::{LoginLimit, LoginLimits, SessionRow};
pub use test_links::{TestCounts, MAX_TEST_LINKS, TEST_WAVE_NAME};

/// The database back end behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: embedded, one file.
    Sqlite,
    /// PostgreSQL: shared by many users and app instances.
    Postgres,
}

impl Backend {
    /// The back end a database URL names (`sqlite:…`, `postgres://…`).
    pub fn of_url(url: &str) -> Result<Backend> {
        backend_of(url)
    }
}

/// What went wrong in the store, said so that a user can act on it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database URL {0:?} is not supported: use sqlite://FILE or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    #[error("cannot open the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "the database has schema version {found}, which this leernet does not know (it knows up to {known}): it was written by a newer leernet; upgrade leernet, or point it at another database"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("this study is archived, so it can be read (exported, backed up) but not changed: make it active again with `leernet study activate` first")]
    ReadOnly,
    #[error("database error: {0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    /// A write refused because the store was opened read-only ([`StoreOptions::read_only`]:
    /// SQLite's `SQLITE_READONLY`, PostgreSQL's `read_only_sql_transaction`) is
    /// [`StoreError::ReadOnly`]; everything else is [`StoreError::Db`].
    fn from(e: sqlx::Error) -> StoreError {
        let read_only = e.as_database_error().is_some_and(|d| {
            let code = d.code();
            let code = code.as_deref().unwrap_or("");
            // SQLite reports the primary code 8 or an extended one (8 + 256·k).
            code == "25006"
                || code.parse::<i64>().is_ok_and(|c| c & 0xff == 8)
                || d.message().contains("attempt to write a readonly database")
        });
        if read_only {
            StoreError::ReadOnly
        } else {
            StoreError::Db(e)
        }
    }
}

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Hides the password in a database URL, for messages and logs.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((auth, host)) = rest.rsplit_once('@') {
            let user = auth.split(':').next().unwrap_or("");
            return format!("{scheme}://{user}:***@{host}");
        }
    }
    url.to_owned()
}

/// How to open a store, beyond its URL (from the `[database]` settings of the binary).
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// The most connections this process keeps open (default 4 on SQLite, 8 on PostgreSQL).
    /// With several app instances on one PostgreSQL, their sum must stay under the server's
    /// `max_connections`.
    pub max_connections: Option<u32>,
    /// SQLite only: `synchronous = NORMAL` (a commit survives the process being killed, but
    /// not a power failure) instead of the default `FULL` (an fsync per commit: nothing is
    /// acknowledged before it is on the disk). An opt-in for those who accept the risk.
    pub sqlite_synchronous_normal: bool,
    /// PostgreSQL only: the schema the store's tables live in (`SET search_path` on every
    /// pooled connection; made, if missing, under the migration lock). One study of an
    /// installation is one schema ([`Installation`]); `None` is the connection's default
    /// schema, as before studies existed.
    pub schema: Option<String>,
    /// Open for reading only (an archived study): every write is refused by the database
    /// itself (SQLite `PRAGMA query_only`, PostgreSQL `default_transaction_read_only`) with
    /// [`StoreError::ReadOnly`]. The schema is still brought up to date first, on a
    /// connection of its own.
    pub read_only: bool,
}

/// `name` as a quoted PostgreSQL identifier.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The back end a URL names.
pub(crate) fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::UnsupportedUrl(redact_url(url)))
    }
}

/// Opens a pool at `url` as [`Store::connect_with`] does (SQLite's pragmas, PostgreSQL's
/// `search_path` when `opts.schema` names one); returns it with the URL it connected to.
pub(crate) async fn open_pool(
    url: &str,
    opts: &StoreOptions,
) -> Result<(AnyPool, Backend, String)> {
    sqlx::any::install_default_drivers();
    let backend = backend_of(url)?;
    let url_full = match backend {
        Backend::Sqlite if !url.contains("mode=") => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        }
        _ => url.to_owned(),
    };
    let options = AnyPoolOptions::new()
        .max_connections(opts.max_connections.unwrap_or(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        }))
        .acquire_timeout(Duration::from_secs(10));
    let options = match backend {
        Backend::Sqlite => {
            let pragmas = format!(
                "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                 PRAGMA busy_timeout = 10000; PRAGMA main.secure_delete = ON; PRAGMA synchronous = {};{}",
                if opts.sqlite_synchronous_normal { "NORMAL" } else { "FULL" },
                if opts.read_only { " PRAGMA query_only = ON;" } else { "" }
            );
            // No ping before each use of a pooled connection: a SQLite connection is a file
            // in this process and cannot be hung up on by a server, and every ping is a round
            // trip to the connection's worker thread (two thread wake-ups): a third of what a
            // one-row query cost. (sqlx still pings on release, which also flushes a
            // transaction a dropped future left open.) PostgreSQL keeps the ping: there it
            // finds a connection the server or the network dropped.
            options
                .test_before_acquire(false)
                .after_connect(move |conn, _meta| {
                    let pragmas = pragmas.clone();
                    Box::pin(async move {
                        conn.execute(pragmas.as_str()).await?;
                        Ok(())
                    })
                })
        }
        Backend::Postgres => {
            let mut set = Vec::new();
            if let Some(schema) = &opts.schema {
                set.push(format!("SET search_path TO {}", quote_ident(schema)));
            }
            if opts.read_only {
                set.push("SET default_transaction_read_only = on".to_owned());
            }
            if set.is_empty() {
                options
            } else {
                let set = set.join("; ");
                options.after_connect(move |conn, _meta| {
                    let set = set.clone();
                    Box::pin(async move {
                        conn.execute(set.as_str()).await?;
                        Ok(())
                    })
                })
            }
        }
    };
    let pool = options
        .connect(&url_full)
        .await
        .map_err(|source| StoreError::Connect {
            url: redact_url(url),
            source,
        })?;
    Ok((pool, backend, url_full))
}

/// Runs `work` under the PostgreSQL advisory lock `key`, held by a connection of its own
/// outside any pool (so that `work` can use a pool whatever its size); on SQLite it just
/// runs `work`.
pub(crate) async fn with_advisory_lock<T, F>(
    backend: Backend,
    url: &str,
    key: i64,
    work: F,
) -> Result<T>
where
    F: std::future::Future<Output = Result<T>>,
{
    let lock = match backend {
        Backend::Postgres => {
            use sqlx::Connection;
            let mut c =
                sqlx::AnyConnection::connect(url)
                    .await
                    .map_err(|source| StoreError::Connect {
                        url: redact_url(url),
                        source,
                    })?;
            sqlx::query("SELECT 1 AS locked FROM pg_advisory_lock($1)")
                .bind(key)
                .execute(&mut c)
                .await?;
            Some(c)
        }
        Backend::Sqlite => None,
    };
    let result = work.await;
    if let Some(mut c) = lock {
        use sqlx::Connection;
        // Closing the session releases the lock too, should the unlock fail.
        let _ = sqlx::query("SELECT pg_advisory_unlock($1) AS unlocked")
            .bind(key)
            .execute(&mut c)
            .await;
        let _ = c.close().await;
    }
    result
}

/// The key of the PostgreSQL advisory lock held while migrations run ("leernet" in ASCII):
/// instances that start together migrate one after the other, and the second finds nothing
/// left to do.
const MIGRATION_LOCK: i64 = 0x006c_6565_726e_6574;

/// The repository: every read and write of leernet's data goes through it.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The queue of survey saves, committed in groups (`group_commit.rs`).
    saves: std::sync::Arc<group_commit::GroupCommit>,
    /// Connections kept out of the pool for the survey's read of its link (`kept_reads.rs`).
    reads: std::sync::Arc<kept_reads::KeptReads>,
    /// Opened read-only ([`StoreOptions::read_only`]).
    read_only: bool,
}

fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    }
}

/// The schema versions (migrations) this build of leernet knows for `backend`, in order.
pub fn known_migrations(backend: Backend) -> Vec<i64> {
    migrator(backend).iter().map(|m| m.version).collect()
}

impl Store {
    /// Opens the database at `url` (creating an SQLite file if needed) and brings its schema
    /// up to date. `sqlite://path` and `postgres://…` are accepted.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, &StoreOptions::default()).await
    }

    /// [`Store::connect`] with options. A database whose schema is newer than this build
    /// knows is refused ([`StoreError::NewerSchema`]) before anything is changed.
    pub async fn connect_with(url: &str, opts: &StoreOptions) -> Result<Store> {
        if opts.read_only {
            // The schema is brought up to date on a writable pool of its own, closed before
            // the read-only one opens.
            let writable = StoreOptions {
                read_only: false,
                max_connections: Some(1),
                ..opts.clone()
            };
            Box::pin(Store::connect_with(url, &writable))
                .await?
                .close()
                .await;
        }
        let (pool, backend, url_full) = open_pool(url, opts).await?;
        let pool_max = pool.options().get_max_connections();
        let store = Store {
            pool,
            backend,
            saves: std::sync::Arc::new(group_commit::GroupCommit::new(backend)),
            reads: std::sync::Arc::new(kept_reads::KeptReads::new(pool_max)),
            read_only: opts.read_only,
        };
        let schema = match backend {
            Backend::Postgres => opts.schema.clone(),
            Backend::Sqlite => None,
        };
        if opts.read_only {
            return Ok(store);
        }
        if let Err(e) = store.migrate(&url_full, schema.as_deref()).await {
            store.close().await;
            return Err(e);
        }
        Ok(store)
    }

    /// Applies the migrations of this back end that have not run yet, after checking that
    /// the database holds no migration this build does not know (a newer leernet's: then
    /// nothing is changed).
    ///
    /// On PostgreSQL this happens under an advisory lock ([`MIGRATION_LOCK`], held on one
    /// connection): instances that start together take turns, the first migrates, the others
    /// find the schema current. On SQLite one file has one writer at a time (its file lock),
    /// and each migration is one transaction: a second process starting at the same moment
    /// can fail its start, never half-apply a migration. Several instances are a PostgreSQL
    /// set-up; an SQLite project is served by one.
    async fn migrate(&self, url: &str, schema: Option<&str>) -> Result<()> {
        with_advisory_lock(self.backend, url, MIGRATION_LOCK, async {
            if let Some(schema) = schema {
                sqlx::query(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {}",
                    quote_ident(schema)
                ))
                .execute(&self.pool)
                .await?;
            }
            self.migrate_now().await
        })
        .await
    }

    async fn migrate_now(&self) -> Result<()> {
        let migrator = migrator(self.backend);
        let known_set: Vec<i64> = migrator.iter().map(|m| m.version).collect();
        let known = known_set.iter().copied().max().unwrap_or(0);
        let applied = self.applied_migrations().await?;
        if let Some(found) = applied.iter().copied().find(|v| !known_set.contains(v)) {
            return Err(StoreError::NewerSchema { found, known });
        }
        migrator.run(&self.pool).await?;
        if applied.len() < known_set.len() {
            tracing::info!(
                from = applied.last().copied().unwrap_or(0),
                to = known,
                "database schema brought up to date"
            );
        }
        Ok(())
    }

    /// The schema versions (migrations) applied to this database, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let mut conn = self.pool.acquire().await?;
        applied_migrations(self.backend, &mut conn).await
    }

    /// Which back end this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the store was opened read-only (an archived study): a use case that writes
    /// to more than this store checks it first, so that nothing is half-written.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (SQLite checkpoints its WAL into the main file).
    pub async fn close(&self) {
        self.reads.close();
        self.pool.close().await;
    }

    /// Reads everything the study analysis needs, in a stable order.
    pub async fn study_data(&self) -> Result<leernet_core::StudyData> {
        Ok(leernet_core::StudyData {
            study: self.study().await?,
            workplaces: self.workplaces().await?,
            networks: self.networks().await?,
            persons: self.persons().await?,
            instruments: self.instruments().await?,
            waves: self.waves().await?,
            responses: self.responses(None).await?,
            codebooks: self.codebooks().await?,
            codings: self.reportable_codings().await?,
            consensus: self.consensus_codings().await?,
            settled: self.settled_answers().await?,
            current_waves: self.current_waves().await?,
            documents: self.study_documents().await?,
            document_codings: self.document_codings(None).await?,
            type_names: self.type_names().await?,
        })
    }
}

/// The versions in `_sqlx_migrations` (none when the table does not exist yet).
async fn applied_migrations(backend: Backend, conn: &mut sqlx::AnyConnection) -> Result<Vec<i64>> {
    use sqlx::Row;
    let exists_sql = match backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) AS n FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
        }
    };
    let n: i64 = sqlx::query(exists_sql)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let rows =
        sqlx::query("SELECT version FROM _sqlx_migrations WHERE success = true ORDER BY version")
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>("version").map_err(StoreError::Db))
        .collect()
}

/// Turns a unique-constraint violation into a [`StoreError::Conflict`] with `what`.
fn conflict(e: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(what()),
        _ => StoreError::from(e),
    }
}

fn get<T>(row: &AnyRow, col: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Row;
    row.try_get(col).map_err(StoreError::Db)
}
