//! leernet's own backup format: one file, the same for both back ends, so that a backup made
//! on SQLite restores into PostgreSQL and back.
//!
//! Why our own and not `pg_dump` or SQLite's online backup: those copy one back end to the
//! same back end. A research group that starts on a laptop (SQLite) and moves to a shared
//! installation (PostgreSQL), or the other way, needs a copy that either can read.
//!
//! The file is UTF-8 text, one JSON object a line:
//!
//! 1. a header: `{"format":"leernet-backup","version":1,"backend":…,"migrations":[…],
//!    "tables":[{"name":…,"columns":[[name,kind],…],"key":[…]},…]}` — the format version,
//!    the schema versions (migrations) applied to the database it came from, and every table
//!    with its columns (`integer`, `real`, `text`, `blob`) and primary key;
//! 2. every row of every table, tables by name, rows in primary-key order:
//!    `{"t":"responses","r":[1,2,3,"invitation:4","submitted","{…}"]}` (integers as numbers,
//!    reals as their shortest round-trip text, blobs as hex, NULL as null);
//! 3. a trailer: `{"end":"leernet-backup","rows":{"table":n,…},"sha256":…}`, the SHA-256 of
//!    every byte before it. A file without it was cut off; a file whose checksum differs was
//!    changed.
//!
//! The tables are read from the schema (`sqlite_master`, `information_schema`), not listed
//! here, so tables that later migrations add are backed up without a change to this module.
//! Identical data gives a byte-identical file (no timestamp inside).
//!
//! Invariants:
//! - a backup reads inside one read transaction (a snapshot: consistent while the app writes;
//!   PostgreSQL `REPEATABLE READ`, SQLite a WAL read transaction);
//! - a restore writes in one transaction into a database whose tables are all empty, and
//!   refuses, before writing anything, a file that is cut off, changed, or from a newer
//!   format or schema; tables are filled parents first (by their foreign keys) and PostgreSQL
//!   identity sequences continue after the restored ids.

use crate::{known_migrations, Backend, Store, StoreError};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

/// The first field of every backup's header.
pub const FORMAT: &str = "leernet-backup";
/// The format version this build writes and the highest it reads.
pub const FORMAT_VERSION: u64 = 1;

/// The most bind parameters in one multi-row INSERT (well under both back ends' limits).
const MAX_PARAMS: usize = 4000;

/// What went wrong making or restoring a backup, said so that an operator can act on it.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the backup: {0}")]
    Write(#[source] std::io::Error),
    #[error("this is not a leernet backup (it does not start with a leernet-backup header)")]
    NotABackup,
    #[error("the backup was made by a newer leernet (backup format {found}; this one reads up to {known}): restore it with that leernet or a newer one")]
    NewerFormat { found: u64, known: u64 },
    #[error("the backup holds schema version {found}, which this leernet does not know (it knows up to {known}): restore it with a newer leernet")]
    NewerSchema { found: i64, known: i64 },
    #[error("the backup is incomplete: it ends after line {0} without its closing line, so the file was cut off")]
    Truncated(usize),
    #[error("the backup is damaged: its checksum does not match its contents")]
    Checksum,
    #[error("the backup is damaged at line {line}: {message}")]
    Malformed { line: usize, message: String },
    #[error("the database is not empty (table {table} holds {rows} rows): restore into a new, empty project (`leernet init`)")]
    NotEmpty { table: String, rows: i64 },
    #[error("the backup's table {table} does not fit this database: {message}")]
    Mismatch { table: String, message: String },
}

/// What a backup holds, or what a restore brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The schema versions of the database the backup came from.
    pub migrations: Vec<i64>,
    /// Every table with its row count, by name.
    pub tables: Vec<(String, u64)>,
}

impl BackupSummary {
    /// Rows in all tables.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// The kind of a column's values, as the backup stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Real,
    Text,
    Blob,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Integer => "integer",
            Kind::Real => "real",
            Kind::Text => "text",
            Kind::Blob => "blob",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "integer" => Kind::Integer,
            "real" => Kind::Real,
            "text" => Kind::Text,
            "blob" => Kind::Blob,
            _ => return None,
        })
    }

    /// From a declared SQL type of either back end.
    fn from_declared(t: &str) -> Option<Kind> {
        let t = t.to_ascii_lowercase();
        Some(if t.contains("int") {
            Kind::Integer
        } else if t.contains("char") || t.contains("text") || t.contains("clob") {
            Kind::Text
        } else if t.contains("blob") || t.contains("bytea") {
            Kind::Blob
        } else if t.contains("real") || t.contains("floa") || t.contains("doub") {
            Kind::Real
        } else {
            return None;
        })
    }
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
    key: Vec<String>,
}

#[derive(Debug, Clone)]
struct ForeignKey {
    table: String,
    columns: Vec<String>,
    parent: String,
    parent_columns: Vec<String>,
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Every table of leernet's schema (not the migration bookkeeping, nor the data generation,
/// which a restore bumps instead), by name.
async fn tables(backend: Backend, conn: &mut AnyConnection) -> Result<Vec<Table>, StoreError> {
    let names_sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' \
             AND name <> 'store_generation'"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name <> '_sqlx_migrations' AND table_name <> 'store_generation'"
        }
    };
    let mut names: Vec<String> = sqlx::query(names_sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("name"))
        .collect::<Result<_, _>>()?;
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        match backend {
            Backend::Sqlite => {
                let sql = format!(
                    "SELECT name, type, pk FROM pragma_table_info('{}') ORDER BY cid",
                    name.replace('\'', "''")
                );
                for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
                    let col: String = r.try_get("name")?;
                    let declared: String = r.try_get("type")?;
                    let pk: i64 = r.try_get("pk")?;
                    columns.push((col.clone(), declared));
                    if pk > 0 {
                        key.push((pk, col));
                    }
                }
            }
            Backend::Postgres => {
                for r in sqlx::query(
                    "SELECT column_name::text AS name, data_type::text AS type \
                     FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?
                {
                    columns.push((r.try_get("name")?, r.try_get("type")?));
                }
                for r in sqlx::query(
                    "SELECT a.attname::text AS name, \
                     array_position(i.indkey::int2[], a.attnum)::bigint AS pos \
                     FROM pg_index i JOIN pg_attribute a \
                       ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                     WHERE i.indrelid = to_regclass($1) AND i.indisprimary",
                )
                .bind(quote(&name))
                .fetch_all(&mut *conn)
                .await?
                {
                    key.push((r.try_get("pos")?, r.try_get("name")?));
                }
            }
        }
        key.sort();
        let columns = columns
            .into_iter()
            .map(|(c, declared)| {
                Kind::from_declared(&declared)
                    .map(|k| (c.clone(), k))
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!(
                        "column {name}.{c} has the type {declared:?}, which a backup cannot hold"
                    ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Table {
            name,
            columns,
            key: key.into_iter().map(|(_, c)| c).collect(),
        });
    }
    Ok(out)
}

/// Every foreign key between leernet's tables.
async fn foreign_keys(
    backend: Backend,
    conn: &mut AnyConnection,
    tables: &[Table],
) -> Result<Vec<ForeignKey>, StoreError> {
    let mut out = Vec::new();
    match backend {
        Backend::Sqlite => {
            for t in tables {
                let sql = format!(
                    "SELECT id, \"table\" AS parent, \"from\" AS col, \"to\" AS pcol \
                     FROM pragma_foreign_key_list('{}') ORDER BY id, seq",
                    t.name.replace('\'', "''")
                );
                let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
                for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
                    let id: i64 = r.try_get("id")?;
                    let parent: String = r.try_get("parent")?;
                    let fk = by_id.entry(id).or_insert_with(|| ForeignKey {
                        table: t.name.clone(),
                        columns: Vec::new(),
                        parent: parent.clone(),
                        parent_columns: Vec::new(),
                    });
                    fk.columns.push(r.try_get("col")?);
                    let pcol: Option<String> = r.try_get("pcol")?;
                    if let Some(p) = pcol {
                        fk.parent_columns.push(p);
                    }
                }
                for mut fk in by_id.into_values() {
                    if fk.parent_columns.len() != fk.columns.len() {
                        // `REFERENCES t` without columns: the parent's primary key.
                        fk.parent_columns = tables
                            .iter()
                            .find(|p| p.name == fk.parent)
                            .map(|p| p.key.clone())
                            .unwrap_or_default();
                    }
                    out.push(fk);
                }
            }
        }
        Backend::Postgres => {
            let cols = |k: &str, rel: &str| {
                format!(
                    "array_to_string(ARRAY(SELECT a.attname::text \
                     FROM unnest(c.{k}) WITH ORDINALITY AS k(att, ord) \
                     JOIN pg_attribute a ON a.attrelid = c.{rel} AND a.attnum = k.att \
                     ORDER BY k.ord), ',')"
                )
            };
            let sql = format!(
                "SELECT cl.relname::text AS child, pc.relname::text AS parent, \
                 {} AS cols, {} AS pcols \
                 FROM pg_constraint c \
                 JOIN pg_class cl ON cl.oid = c.conrelid \
                 JOIN pg_class pc ON pc.oid = c.confrelid \
                 WHERE c.contype = 'f' AND cl.relnamespace = to_regnamespace(current_schema()) \
                 ORDER BY cl.relname, c.conname",
                cols("conkey", "conrelid"),
                cols("confkey", "confrelid")
            );
            for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
                let split = |s: String| s.split(',').map(str::to_owned).collect::<Vec<_>>();
                out.push(ForeignKey {
                    table: r.try_get("child")?,
                    parent: r.try_get("parent")?,
                    columns: split(r.try_get("cols")?),
                    parent_columns: split(r.try_get("pcols")?),
                });
            }
        }
    }
    Ok(out)
}

/// The SELECT that reads a table's rows in primary-key order, the same order on both back
/// ends (text keys in byte order).
fn select_sql(backend: Backend, t: &Table) -> String {
    let cols: Vec<String> = t
        .columns
        .iter()
        .map(|(c, k)| match (backend, k) {
            (Backend::Postgres, Kind::Integer) => format!("{}::bigint AS {}", quote(c), quote(c)),
            (Backend::Postgres, Kind::Real) => {
                format!("{}::double precision AS {}", quote(c), quote(c))
            }
            (Backend::Postgres, Kind::Text) => format!("{}::text AS {}", quote(c), quote(c)),
            _ => quote(c),
        })
        .collect();
    let order: Vec<String> = if t.key.is_empty() {
        t.columns.iter().map(|(c, _)| c.clone()).collect()
    } else {
        t.key.clone()
    };
    let order: Vec<String> = order
        .iter()
        .map(|c| {
            let kind = t.columns.iter().find(|(n, _)| n == c).map(|(_, k)| *k);
            match (backend, kind) {
                (Backend::Postgres, Some(Kind::Text)) => format!("{} COLLATE \"C\"", quote(c)),
                _ => quote(c),
            }
        })
        .collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        cols.join(", "),
        quote(&t.name),
        order.join(", ")
    )
}

fn encode_row(row: &AnyRow, t: &Table) -> Result<Vec<Value>, StoreError> {
    t.columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            Ok(match kind {
                Kind::Integer => row
                    .try_get::<Option<i64>, _>(i)?
                    .map_or(Value::Null, Value::from),
                Kind::Real => row
                    .try_get::<Option<f64>, _>(i)?
                    .map_or(Value::Null, |x| Value::String(format!("{x:?}"))),
                Kind::Text => row
                    .try_get::<Option<String>, _>(i)?
                    .map_or(Value::Null, Value::String),
                Kind::Blob => row
                    .try_get::<Option<Vec<u8>>, _>(i)?
                    .map_or(Value::Null, |b| Value::String(hex::encode(b))),
            })
        })
        .collect()
}

fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Writes lines and hashes them as they go.
struct Out<'a> {
    w: &'a mut dyn Write,
    hash: Sha256,
}

impl Out<'_> {
    fn line(&mut self, s: &str) -> Result<(), BackupError> {
        self.hash.update(s.as_bytes());
        self.hash.update(b"\n");
        self.w
            .write_all(s.as_bytes())
            .and_then(|_| self.w.write_all(b"\n"))
            .map_err(BackupError::Write)
    }
}

/// Changes a row before it is restored: `(table, columns, values)`.
pub(crate) type RowRewrite = dyn Fn(&str, &[&str], &mut [Value]) + Sync;

/// A database a backup is made of or restored into: a study's store or the installation.
pub(crate) struct Db<'a> {
    pub pool: &'a sqlx::AnyPool,
    pub backend: Backend,
    /// The schema versions this build knows for it (a backup holding another is refused).
    pub known: Vec<i64>,
    /// Whether a restore bumps the data generation (a study's store has one; the
    /// installation does not).
    pub generation: bool,
    /// Changes a row before it is restored: `(table, columns, values)`. The installation
    /// uses it to register each study where this installation keeps its studies.
    pub rewrite: Option<&'a RowRewrite>,
}

impl Store {
    /// Writes a backup of the whole database to `w`, read in one transaction (a consistent
    /// snapshot, also while the app writes).
    pub async fn backup(&self, w: &mut dyn Write) -> Result<BackupSummary, BackupError> {
        backup(&self.db(), w).await
    }

    /// Restores a backup (the whole file's bytes) into this database, which must be empty:
    /// everything or nothing, in one transaction. The file is checked whole first.
    pub async fn restore(&self, bytes: &[u8]) -> Result<BackupSummary, BackupError> {
        restore(&self.db(), bytes).await
    }

    fn db(&self) -> Db<'_> {
        Db {
            pool: &self.pool,
            backend: self.backend,
            known: known_migrations(self.backend),
            generation: true,
            rewrite: None,
        }
    }
}

/// [`Store::backup`] of any leernet database.
pub(crate) async fn backup(db: &Db<'_>, w: &mut dyn Write) -> Result<BackupSummary, BackupError> {
    let mut tx = db.pool.begin().await.map_err(StoreError::from)?;
    if db.backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    }
    let migrations = crate::applied_migrations(db.backend, &mut tx).await?;
    let tables = tables(db.backend, &mut tx).await?;
    let mut out = Out {
        w,
        hash: Sha256::new(),
    };
    let header_tables: Vec<String> = tables
        .iter()
        .map(|t| {
            let cols: Vec<[&str; 2]> = t
                .columns
                .iter()
                .map(|(c, k)| [c.as_str(), k.name()])
                .collect();
            format!(
                "{{\"name\":{},\"columns\":{},\"key\":{}}}",
                json(&t.name),
                json(&cols),
                json(&t.key)
            )
        })
        .collect();
    let backend = match db.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    out.line(&format!(
            "{{\"format\":{},\"version\":{FORMAT_VERSION},\"backend\":{},\"migrations\":{},\"tables\":[{}]}}",
            json(&FORMAT),
            json(&backend),
            json(&migrations),
            header_tables.join(",")
        ))?;
    let mut counts = Vec::new();
    for t in &tables {
        let rows = sqlx::query(&select_sql(db.backend, t))
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        let name = json(&t.name);
        for r in &rows {
            let values = encode_row(r, t)?;
            out.line(&format!("{{\"t\":{name},\"r\":{}}}", json(&values)))?;
        }
        counts.push((t.name.clone(), rows.len() as u64));
    }
    tx.rollback().await.map_err(StoreError::from)?;
    let digest = hex::encode(out.hash.clone().finalize());
    let rows: Vec<String> = counts
        .iter()
        .map(|(t, n)| format!("{}:{n}", json(t)))
        .collect();
    let trailer = format!(
        "{{\"end\":{},\"rows\":{{{}}},\"sha256\":{}}}",
        json(&FORMAT),
        rows.join(","),
        json(&digest)
    );
    out.w
        .write_all(trailer.as_bytes())
        .and_then(|_| out.w.write_all(b"\n"))
        .and_then(|_| out.w.flush())
        .map_err(BackupError::Write)?;
    tracing::info!(
        tables = counts.len(),
        rows = counts.iter().map(|(_, n)| n).sum::<u64>(),
        "backup written"
    );
    Ok(BackupSummary {
        migrations,
        tables: counts,
    })
}

/// [`Store::restore`] into any leernet database.
pub(crate) async fn restore(db: &Db<'_>, bytes: &[u8]) -> Result<BackupSummary, BackupError> {
    let parsed = parse(bytes, &db.known)?;
    let mut tx = db.pool.begin().await.map_err(StoreError::from)?;
    let target = tables(db.backend, &mut tx).await?;
    let fks = foreign_keys(db.backend, &mut tx, &target).await?;
    // Does every table of the backup fit this schema?
    for (t, _) in &parsed.tables {
        let Some(have) = target.iter().find(|h| h.name == t.name) else {
            return Err(BackupError::Mismatch {
                table: t.name.clone(),
                message: "this database has no such table".into(),
            });
        };
        for (c, k) in &t.columns {
            match have.columns.iter().find(|(n, _)| n == c) {
                None => {
                    return Err(BackupError::Mismatch {
                        table: t.name.clone(),
                        message: format!("this database has no column {c}"),
                    })
                }
                Some((_, hk)) if hk != k => {
                    return Err(BackupError::Mismatch {
                        table: t.name.clone(),
                        message: format!(
                            "column {c} holds {} in the backup but {} here",
                            k.name(),
                            hk.name()
                        ),
                    })
                }
                _ => {}
            }
        }
    }
    for t in &target {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {}", quote(&t.name)))
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::from)?
            .try_get("n")
            .map_err(StoreError::from)?;
        if n > 0 {
            return Err(BackupError::NotEmpty {
                table: t.name.clone(),
                rows: n,
            });
        }
    }
    let order = fill_order(&target, &fks)?;
    let mut counts = Vec::new();
    for name in &order {
        let Some((t, rows)) = parsed.tables.iter().find(|(t, _)| &t.name == name) else {
            continue;
        };
        let mut rows = parents_first(t, rows, &fks);
        if let Some(rewrite) = db.rewrite {
            let columns: Vec<&str> = t.columns.iter().map(|(c, _)| c.as_str()).collect();
            for r in &mut rows {
                rewrite(&t.name, &columns, r);
            }
        }
        insert(&mut tx, t, &rows).await?;
        counts.push((t.name.clone(), rows.len() as u64));
    }
    if db.backend == Backend::Postgres {
        for t in &target {
            let [key] = t.key.as_slice() else { continue };
            let seq: Option<String> = sqlx::query("SELECT pg_get_serial_sequence($1, $2) AS seq")
                .bind(quote(&t.name))
                .bind(key)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from)?
                .try_get("seq")
                .map_err(StoreError::from)?;
            if let Some(seq) = seq {
                sqlx::query(&format!(
                        "SELECT setval($1::regclass, COALESCE((SELECT MAX({k}) FROM {t}), 0) + 1, false) AS v",
                        k = quote(key),
                        t = quote(&t.name)
                    ))
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
            }
        }
    }
    if db.generation {
        crate::generation::bump(&mut tx).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    counts.sort();
    tracing::info!(
        tables = counts.len(),
        rows = counts.iter().map(|(_, n)| n).sum::<u64>(),
        "backup restored"
    );
    Ok(BackupSummary {
        migrations: parsed.migrations,
        tables: counts,
    })
}

/// Checks a backup file whole, as a restore does before it writes anything (the header, the
/// schema versions against `known`, every line, the trailer and its checksum), without
/// restoring it.
pub fn check(bytes: &[u8], known: &[i64]) -> Result<(), BackupError> {
    parse(bytes, known).map(|_| ())
}

/// A backup file, checked and read.
struct Parsed {
    migrations: Vec<i64>,
    tables: Vec<(Table, Vec<Vec<Value>>)>,
}

fn malformed(line: usize, message: impl Into<String>) -> BackupError {
    BackupError::Malformed {
        line,
        message: message.into(),
    }
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

fn parse(bytes: &[u8], known: &[i64]) -> Result<Parsed, BackupError> {
    // The header first: a file of another kind or a newer format says so, whatever follows.
    let first_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let header: Value = std::str::from_utf8(&bytes[..first_end])
        .ok()
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or(BackupError::NotABackup)?;
    if header.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(BackupError::NotABackup);
    }
    let version = header
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| malformed(1, "the header has no format version"))?;
    if version > FORMAT_VERSION {
        return Err(BackupError::NewerFormat {
            found: version,
            known: FORMAT_VERSION,
        });
    }
    // The schema versions: none newer than this build knows.
    let migrations: Vec<i64> = header
        .get("migrations")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(Value::as_i64).collect())
        .ok_or_else(|| malformed(1, "the header has no list of schema versions"))?;
    if let Some(&found) = migrations.iter().find(|v| !known.contains(v)) {
        return Err(BackupError::NewerSchema {
            found,
            known: known.iter().copied().max().unwrap_or(0),
        });
    }
    // Then the whole: it must end with the trailer line, and the checksum must match.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        malformed(line, "it is not UTF-8 text")
    })?;
    let lines_total = text.lines().count();
    let body = text
        .strip_suffix('\n')
        .ok_or(BackupError::Truncated(lines_total))?;
    let (before, last) = match body.rfind('\n') {
        Some(i) => (&text[..=i], &body[i + 1..]),
        None => return Err(BackupError::Truncated(lines_total)),
    };
    let trailer: Value =
        serde_json::from_str(last).map_err(|_| BackupError::Truncated(lines_total))?;
    if trailer.get("end").and_then(Value::as_str) != Some(FORMAT) {
        return Err(BackupError::Truncated(lines_total));
    }
    let digest = hex::encode(Sha256::digest(before.as_bytes()));
    if trailer.get("sha256").and_then(Value::as_str) != Some(digest.as_str()) {
        return Err(BackupError::Checksum);
    }
    let mut tables: Vec<(Table, Vec<Vec<Value>>)> = Vec::new();
    for t in header
        .get("tables")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed(1, "the header lists no tables"))?
    {
        let name = t
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed(1, "a table without a name"))?;
        let columns = t
            .get("columns")
            .and_then(Value::as_array)
            .and_then(|cs| {
                cs.iter()
                    .map(|c| {
                        let pair = strings(c)?;
                        match pair.as_slice() {
                            [n, k] => Some((n.clone(), Kind::parse(k)?)),
                            _ => None,
                        }
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| malformed(1, format!("table {name} has unreadable columns")))?;
        let key = t
            .get("key")
            .and_then(strings)
            .ok_or_else(|| malformed(1, format!("table {name} has no key list")))?;
        tables.push((
            Table {
                name: name.to_owned(),
                columns,
                key,
            },
            Vec::new(),
        ));
    }
    for (i, line) in before.lines().enumerate().skip(1) {
        let n = i + 1;
        let v: Value = serde_json::from_str(line).map_err(|e| malformed(n, e.to_string()))?;
        let name = v
            .get("t")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed(n, "a row without its table"))?;
        let (t, rows) = tables
            .iter_mut()
            .find(|(t, _)| t.name == name)
            .ok_or_else(|| {
                malformed(
                    n,
                    format!("a row of table {name}, which the header does not list"),
                )
            })?;
        let values = v
            .get("r")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed(n, "a row without values"))?;
        if values.len() != t.columns.len() {
            return Err(malformed(
                n,
                format!(
                    "a row of {name} with {} values for {} columns",
                    values.len(),
                    t.columns.len()
                ),
            ));
        }
        for (value, (c, k)) in values.iter().zip(&t.columns) {
            let ok = match (k, value) {
                (_, Value::Null) => true,
                (Kind::Integer, Value::Number(x)) => x.is_i64(),
                (Kind::Real, Value::String(s)) => s.parse::<f64>().is_ok(),
                (Kind::Text, Value::String(_)) => true,
                (Kind::Blob, Value::String(s)) => hex::decode(s).is_ok(),
                _ => false,
            };
            if !ok {
                return Err(malformed(
                    n,
                    format!("{name}.{c} should hold {} but holds {value}", k.name()),
                ));
            }
        }
        rows.push(values.clone());
    }
    // The trailer's counts agree with the rows read.
    for (t, rows) in &tables {
        let said = trailer
            .get("rows")
            .and_then(|r| r.get(&t.name))
            .and_then(Value::as_u64);
        if said != Some(rows.len() as u64) {
            return Err(malformed(
                lines_total,
                format!(
                    "the closing line counts {} rows of {} but the file holds {}",
                    said.map_or("no".into(), |n| n.to_string()),
                    t.name,
                    rows.len()
                ),
            ));
        }
    }
    Ok(Parsed { migrations, tables })
}

/// The tables in an order that fills every parent before its children (ties by name).
fn fill_order(tables: &[Table], fks: &[ForeignKey]) -> Result<Vec<String>, BackupError> {
    let mut pending: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    let mut order = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .iter()
            .filter(|t| {
                fks.iter()
                    .filter(|f| &f.table == *t && f.parent != f.table)
                    .all(|f| !pending.contains(&f.parent))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(BackupError::Mismatch {
                table: pending.iter().next().cloned().unwrap_or_default(),
                message: "its foreign keys form a cycle with other tables".into(),
            });
        }
        for t in ready {
            pending.remove(&t);
            order.push(t);
        }
    }
    Ok(order)
}

/// Rows of a table that refers to itself (a code's parent code), parents before children;
/// otherwise in the backup's order.
fn parents_first(t: &Table, rows: &[Vec<Value>], fks: &[ForeignKey]) -> Vec<Vec<Value>> {
    let idx = |c: &str| t.columns.iter().position(|(n, _)| n == c);
    let selfrefs: Vec<(usize, usize)> = fks
        .iter()
        .filter(|f| f.table == t.name && f.parent == t.name && f.columns.len() == 1)
        .filter_map(|f| Some((idx(&f.columns[0])?, idx(&f.parent_columns[0])?)))
        .collect();
    if selfrefs.is_empty() {
        return rows.to_vec();
    }
    let mut placed: Vec<BTreeSet<String>> = vec![BTreeSet::new(); selfrefs.len()];
    let mut pending: Vec<&Vec<Value>> = rows.iter().collect();
    let mut out = Vec::with_capacity(rows.len());
    loop {
        let before = pending.len();
        pending.retain(|r| {
            let ready = selfrefs
                .iter()
                .zip(&placed)
                .all(|((c, _), done)| r[*c].is_null() || done.contains(&r[*c].to_string()));
            if ready {
                for ((_, p), done) in selfrefs.iter().zip(placed.iter_mut()) {
                    done.insert(r[*p].to_string());
                }
                out.push((*r).clone());
            }
            !ready
        });
        if pending.is_empty() || pending.len() == before {
            break;
        }
    }
    // Rows whose parent is missing: the database will say so when they are inserted.
    out.extend(pending.into_iter().cloned());
    out
}

async fn insert(tx: &mut AnyConnection, t: &Table, rows: &[Vec<Value>]) -> Result<(), BackupError> {
    if rows.is_empty() || t.columns.is_empty() {
        return Ok(());
    }
    let per_batch = (MAX_PARAMS / t.columns.len()).max(1);
    let cols: Vec<String> = t.columns.iter().map(|(c, _)| quote(c)).collect();
    for batch in rows.chunks(per_batch) {
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            quote(&t.name),
            cols.join(", ")
        );
        let mut p = 0;
        for (i, _) in batch.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for j in 0..t.columns.len() {
                if j > 0 {
                    sql.push_str(", ");
                }
                p += 1;
                sql.push_str(&format!("${p}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in batch {
            for (v, (_, k)) in row.iter().zip(&t.columns) {
                q = match k {
                    Kind::Integer => q.bind(v.as_i64()),
                    Kind::Real => q.bind(v.as_str().and_then(|s| s.parse::<f64>().ok())),
                    Kind::Text => q.bind(v.as_str().map(str::to_owned)),
                    Kind::Blob => q.bind(v.as_str().and_then(|s| hex::decode(s).ok())),
                };
            }
        }
        q.execute(&mut *tx)
            .await
            .map_err(|e| BackupError::Mismatch {
                table: t.name.clone(),
                message: format!("its rows do not go in: {e}"),
            })?;
    }
    Ok(())
}
