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
//! `migrations/postgres`; the same store suite (`tests/store_story.rs`) runs on both and
//! catches drift. See ARCHITECTURE.md, "Two back ends", for why this over two crates.
//!
//! Invariants:
//! - every method that writes more than one row does so in one transaction;
//! - reads return rows in a stable order (by id), so that output built on them is
//!   deterministic;
//! - no answer text is ever logged (only counts and ids).

mod accounts;
pub mod audit;
mod coding;
mod coding_work;
pub mod imports;
mod instruments;
mod invitations;
mod mail;
pub mod privacy;
pub mod qda;
mod registry;
mod responses;
mod sessions;
mod study;
pub mod testing;
pub mod workspace;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub use accounts::Account;
pub use audit::{Action, Actor, AuditEntry, NewAudit};
pub use coding::{NewCode, NewCoding};
pub use coding_work::{
    Assignment, AssignmentCoder, AssignmentId, CodingDecision, DecidedSuggestion, NewAssignment,
    Outcome, Refusal, SlowConfirmation, SlowStatus, SpanCode, SuggestionDecision,
};
pub use instruments::NewInstrument;
pub use invitations::{InvitationKind, InvitationRow, MonitorRow, NewInvitation, SaveOutcome};
pub use registry::{NewNetwork, NewPerson, NewWorkplace};
pub use responses::NewResponse;
pub use sessions::SessionRow;

/// The database back end behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: embedded, one file.
    Sqlite,
    /// PostgreSQL: shared by many users and app instances.
    Postgres,
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
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
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

/// The repository: every read and write of leernet's data goes through it.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens the database at `url` (creating an SQLite file if needed) and brings its schema
    /// up to date. `sqlite://path` and `postgres://…` are accepted.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        let url_full = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 8,
            })
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                         PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                    )
                    .await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options
            .connect(&url_full)
            .await
            .map_err(|source| StoreError::Connect {
                url: redact_url(url),
                source,
            })?;
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations of this back end that have not run yet. On PostgreSQL sqlx
    /// takes an advisory lock, so instances starting together migrate once.
    async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Which back end this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (SQLite checkpoints its WAL into the main file).
    pub async fn close(&self) {
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
        })
    }
}

/// Turns a unique-constraint violation into a [`StoreError::Conflict`] with `what`.
fn conflict(e: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(what()),
        _ => StoreError::Db(e),
    }
}

fn get<T>(row: &AnyRow, col: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Row;
    row.try_get(col).map_err(StoreError::Db)
}
