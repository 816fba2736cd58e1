//! The installation: many studies on one installation, with one set of accounts
//! (`docs/design/studies.md`).
//!
//! Why it exists: a research group runs several studies side by side with one account per
//! person, and a learning network that takes part in two studies stays one network. The
//! installation holds what the studies share — accounts (e-mail, name, password hash,
//! language), the studies (slug, titles, state, where the study's database is), the roles
//! per study (account × study × role × networks), the registry of Werkplaatsen and networks
//! and its own audit log — while each study keeps today's schema in a database of its own
//! ([`Store`]): an SQLite file, or on PostgreSQL a schema of the installation's database
//! (`search_path` set per pooled connection, [`StoreOptions::schema`]).
//!
//! People and networks exist twice: the installation is the truth, and each study holds a
//! projection (`persons`, `person_networks`, `workplaces`, `networks` rows with the same ids
//! and slugs). Only the installation layer writes it, with the `project_*` methods of
//! [`Store`] in `projection.rs` (called by `leernet-app`'s `studies` use cases).
//!
//! [`Installation::adopt`] makes an existing single-study project an installation with one
//! study: it reads the study's database (and writes nothing there), registers it where it
//! is, and copies its accounts (with their password hashes), roles, networks and
//! Werkplaatsen up, with their ids, in one transaction; run again it changes nothing.
//!
//! Invariants: every write that touches more than one row is one transaction with its audit
//! entry; the installation's audit log is append-only (triggers); reads come by id; on
//! PostgreSQL migrations and the adoption run under an advisory lock of their own, so
//! instances starting together do them once.

mod people;
mod projection;
mod tokens;

pub use people::{LinkPurpose, LinkState};
pub use projection::ProjectedPerson;
pub use tokens::{ApiToken, TokenRefusal, TokenScope};

use crate::{
    conflict, get, open_pool, quote_ident, with_advisory_lock, Actor, Backend, Result, Store,
    StoreError, StoreOptions,
};
use leernet_core::*;
use sqlx::AnyPool;
use std::path::{Path, PathBuf};

/// The PostgreSQL schema of the installation's tables, beside the studies' schemas.
pub const INSTALLATION_SCHEMA: &str = "leernet_installation";

/// The advisory lock held while the installation migrates or adopts a study ("leernet" in
/// ASCII, plus one: never the studies' migration lock, which is taken inside it).
const INSTALLATION_LOCK: i64 = 0x006c_6565_726e_6575;

/// A study's id in the installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StudyId(pub i64);

/// Whether a study takes part in the installation's daily work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyState {
    /// In use: a command without `--study` may pick it when it is the only one.
    Active,
    /// Finished: kept, listed, and opened only when named.
    Archived,
}

impl StudyState {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            StudyState::Active => "active",
            StudyState::Archived => "archived",
        }
    }

    fn parse(s: &str) -> Result<StudyState> {
        match s {
            "active" => Ok(StudyState::Active),
            "archived" => Ok(StudyState::Archived),
            other => Err(StoreError::Corrupt(format!(
                "unknown study state {other:?}"
            ))),
        }
    }
}

/// Where a study's database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StudyLocation {
    /// An SQLite file: a path relative to the folder of the installation's file, or absolute.
    Sqlite(String),
    /// A schema of the installation's PostgreSQL database.
    PostgresSchema(String),
}

impl StudyLocation {
    fn kind(&self) -> &'static str {
        match self {
            StudyLocation::Sqlite(_) => "sqlite",
            StudyLocation::PostgresSchema(_) => "postgres_schema",
        }
    }

    fn text(&self) -> &str {
        match self {
            StudyLocation::Sqlite(p) | StudyLocation::PostgresSchema(p) => p,
        }
    }
}

/// A study of the installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Study {
    pub id: StudyId,
    pub slug: Slug,
    pub title: Bilingual,
    pub state: StudyState,
    pub location: StudyLocation,
    /// When it was made or adopted (Unix seconds).
    pub created_at: i64,
}

/// A study to make.
#[derive(Debug, Clone)]
pub struct NewStudy {
    pub slug: Slug,
    pub title: Bilingual,
}

/// An account of the installation: one per person, whatever their studies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationAccount {
    /// The same id as the person's `persons` row in every study they have a role in.
    pub id: PersonId,
    pub email: Email,
    pub name: String,
    /// The argon2id hash (PHC string), when the person may log in.
    pub password_hash: Option<String>,
    pub lang: Lang,
    /// An installation administrator: makes studies and appoints their lead researchers.
    pub admin: bool,
}

/// A role of an account in a study, with the networks it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyRole {
    pub account: PersonId,
    pub study: StudyId,
    pub role: Role,
    /// By id, ascending.
    pub networks: Vec<NetworkId>,
}

/// An entry of the installation's audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationAudit {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    /// `study.add`, `study.archive`, `study.adopt`, `role.give`, `role.take`,
    /// `account.add`, `account.password`, `workplace.add`, `network.add`, `study.network`,
    /// `account.erase`, `study.activate`, `admin.give`, `admin.take`.
    pub action: String,
    /// `study:<id>`, `account:<id>`, `network:<id>`, `workplace:<id>`.
    pub subject: String,
    /// Ids, slugs, roles and counts; never an e-mail address, a name or a password.
    pub detail: String,
}

/// What [`Installation::adopt`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adopted {
    pub study: Study,
    /// False when the study was registered already (nothing was changed).
    pub newly: bool,
    pub accounts: usize,
    pub networks: usize,
    pub workplaces: usize,
}

/// What [`Installation::erase_account`] removed (or would remove).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountErase {
    /// Roles in studies.
    pub roles: i64,
    /// Login sessions ended.
    pub sessions: i64,
    /// API tokens removed.
    pub tokens: i64,
    /// Failed logins forgotten.
    pub failed_logins: i64,
    /// Whether the address, name and password were (or would be) emptied: false for an
    /// account erased before.
    pub emptied: bool,
}

impl AccountErase {
    /// Every row removed.
    pub fn total(&self) -> i64 {
        self.roles + self.sessions + self.tokens + self.failed_logins
    }
}

/// The installation's store: accounts, studies, roles per study, the registry and the
/// installation's audit log.
#[derive(Debug, Clone)]
pub struct Installation {
    pool: AnyPool,
    backend: Backend,
    /// The URL it was opened with: the installation's SQLite file, or the PostgreSQL
    /// database its studies' schemas are in.
    url: String,
    opts: StoreOptions,
}

fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/installation/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/installation/postgres"),
    }
}

/// The schema a new study gets on PostgreSQL: `study_` and its slug, dashes as underscores
/// (a slug is `a-z`, `0-9` and dashes, so two slugs never share a schema).
pub fn study_schema(slug: &Slug) -> String {
    format!("study_{}", slug.as_str().replace('-', "_"))
}

/// Where a new study's SQLite file goes, relative to the folder of the installation's file.
pub fn study_sqlite_path(slug: &Slug) -> String {
    format!("studies/{}/leernet.sqlite", slug.as_str())
}

/// Where an installation on `backend` keeps a new study with this slug.
fn default_location(backend: Backend, slug: &Slug) -> StudyLocation {
    match backend {
        Backend::Sqlite => StudyLocation::Sqlite(study_sqlite_path(slug)),
        Backend::Postgres => StudyLocation::PostgresSchema(study_schema(slug)),
    }
}

/// The path of an `sqlite:` URL (without its query).
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    Some(PathBuf::from(path))
}

impl Installation {
    /// Opens the installation at `url` and brings its schema up to date: on SQLite `url`
    /// names the installation's own file; on PostgreSQL the database, whose schema
    /// [`INSTALLATION_SCHEMA`] holds the installation's tables. A schema newer than this
    /// build knows is refused ([`StoreError::NewerSchema`]) before anything is changed.
    pub async fn connect_with(url: &str, opts: &StoreOptions) -> Result<Installation> {
        let mut own = opts.clone();
        own.schema = Some(INSTALLATION_SCHEMA.to_owned());
        own.max_connections = Some(opts.max_connections.unwrap_or(4).min(4));
        let (pool, backend, url_full) = open_pool(url, &own).await?;
        if backend == Backend::Sqlite && sqlite_path(url).is_none() {
            pool.close().await;
            return Err(StoreError::UnsupportedUrl(crate::redact_url(url)));
        }
        let inst = Installation {
            pool,
            backend,
            url: url.to_owned(),
            opts: StoreOptions {
                schema: None,
                ..opts.clone()
            },
        };
        let migrated = with_advisory_lock(backend, &url_full, INSTALLATION_LOCK, async {
            if backend == Backend::Postgres {
                sqlx::query(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {}",
                    quote_ident(INSTALLATION_SCHEMA)
                ))
                .execute(&inst.pool)
                .await?;
            }
            let migrator = migrator(backend);
            let known_set: Vec<i64> = migrator.iter().map(|m| m.version).collect();
            let known = known_set.iter().copied().max().unwrap_or(0);
            let applied = inst.applied_migrations().await?;
            if let Some(found) = applied.iter().copied().find(|v| !known_set.contains(v)) {
                return Err(StoreError::NewerSchema { found, known });
            }
            migrator.run(&inst.pool).await?;
            Ok(())
        })
        .await;
        if let Err(e) = migrated {
            inst.close().await;
            return Err(e);
        }
        Ok(inst)
    }

    /// The URL of the installation's SQLite file for a project whose (first) study is the
    /// SQLite database at `study_url`: beside it, `<name>-installation.<ext>`. On PostgreSQL
    /// the installation is in the same database, so the URL is `study_url` itself.
    pub fn url_beside(study_url: &str) -> String {
        let Some(path) = sqlite_path(study_url) else {
            return study_url.to_owned();
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "leernet".to_owned());
        let name = match path.extension() {
            Some(ext) => format!("{stem}-installation.{}", ext.to_string_lossy()),
            None => format!("{stem}-installation"),
        };
        format!("sqlite://{}", path.with_file_name(name).display())
    }

    /// The schema versions applied to the installation, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let mut conn = self.pool.acquire().await?;
        crate::applied_migrations(self.backend, &mut conn).await
    }

    /// The installation's pool (its sessions live in `sessions.rs`, beside a study's).
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which back end the installation uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The folder relative SQLite study paths are resolved against.
    fn base_dir(&self) -> PathBuf {
        sqlite_path(&self.url)
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default()
    }

    /// Where the open study `store` (opened at `study_url`) is, as the installation records
    /// it: an SQLite path relative to the installation's folder when it is inside it
    /// (absolute otherwise), or the PostgreSQL schema its tables are in.
    pub async fn location_of(&self, study_url: &str, store: &Store) -> Result<StudyLocation> {
        match store.backend {
            Backend::Sqlite => {
                let path = sqlite_path(study_url)
                    .ok_or_else(|| StoreError::UnsupportedUrl(crate::redact_url(study_url)))?;
                let base = self.base_dir();
                let rel = path.strip_prefix(&base).map(Path::to_path_buf);
                Ok(StudyLocation::Sqlite(
                    rel.unwrap_or(path).to_string_lossy().into_owned(),
                ))
            }
            Backend::Postgres => {
                let schema: Option<String> =
                    sqlx::query_scalar("SELECT CAST(current_schema() AS TEXT) AS s")
                        .fetch_one(&store.pool)
                        .await?;
                schema.map(StudyLocation::PostgresSchema).ok_or_else(|| {
                    StoreError::Corrupt("the study's database has no current schema".into())
                })
            }
        }
    }

    /// The URL and options that open `study`'s database.
    pub fn study_url(&self, study: &Study) -> Result<(String, StoreOptions)> {
        match (&study.location, self.backend) {
            (StudyLocation::Sqlite(p), Backend::Sqlite) => {
                let path = Path::new(p);
                let full = if path.is_absolute() {
                    path.to_path_buf()
                } else {
                    self.base_dir().join(path)
                };
                Ok((format!("sqlite://{}", full.display()), self.opts.clone()))
            }
            (StudyLocation::PostgresSchema(s), Backend::Postgres) => Ok((
                self.url.clone(),
                StoreOptions {
                    schema: Some(s.clone()),
                    ..self.opts.clone()
                },
            )),
            _ => Err(StoreError::Corrupt(format!(
                "the study {} is registered in a database of the other back end",
                study.slug
            ))),
        }
    }

    /// Opens `study`'s store (migrating it as [`Store::connect_with`] does): read-only when
    /// the study is archived ([`StoreOptions::read_only`]), so that nothing changes a
    /// finished study by accident; every write there is refused with
    /// [`StoreError::ReadOnly`].
    pub async fn open_study(&self, study: &Study) -> Result<Store> {
        let (url, mut opts) = self.study_url(study)?;
        opts.read_only = study.state == StudyState::Archived;
        Store::connect_with(&url, &opts).await
    }

    /// Opens `study`'s store for writing even when it is archived: only for what must
    /// still write to a finished study — what the law asks of every study that holds
    /// personal data (a person's export and erase, retention, pseudonymisation), the audit
    /// entry of an export, and keeping its copy of an account in step.
    pub async fn open_study_writable(&self, study: &Study) -> Result<Store> {
        let (url, opts) = self.study_url(study)?;
        Store::connect_with(&url, &opts).await
    }

    /// Every study, by id.
    pub async fn studies(&self) -> Result<Vec<Study>> {
        let rows = sqlx::query(
            "SELECT id, slug, title_nl, title_en, state, location_kind, location, created_at \
             FROM studies ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(study_row).collect()
    }

    /// The study with this slug.
    pub async fn study_by_slug(&self, slug: &Slug) -> Result<Option<Study>> {
        Ok(self.studies().await?.into_iter().find(|s| &s.slug == slug))
    }

    /// Makes a study: its database (an SQLite file under `studies/<slug>/`, or the schema
    /// [`study_schema`]) with today's schema, then registers it with its audit entry. The
    /// slug must be new. A database left by a make that failed before it was registered is
    /// empty and is used again.
    pub async fn add_study(&self, new: &NewStudy, actor: &Actor, at: i64) -> Result<Study> {
        if self.study_by_slug(&new.slug).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "a study with slug {:?} exists",
                new.slug.as_str()
            )));
        }
        let location = default_location(self.backend, &new.slug);
        self.make_place(&location)?;
        let pending = Study {
            id: StudyId(0),
            slug: new.slug.clone(),
            title: new.title.clone(),
            state: StudyState::Active,
            location: location.clone(),
            created_at: at,
        };
        let store = self.open_study(&pending).await?;
        store.close().await;
        let mut tx = self.pool.begin().await?;
        let id = insert_study(&mut tx, &pending).await?;
        audit(
            &mut tx,
            at,
            actor,
            "study.add",
            &format!("study:{}", id.0),
            &format!("slug={}", new.slug),
        )
        .await?;
        tx.commit().await?;
        Ok(Study { id, ..pending })
    }

    /// Archives a study: it stays, with its database, but a command without `--study`
    /// no longer picks it. Archiving an archived study changes nothing.
    pub async fn archive_study(&self, slug: &Slug, actor: &Actor, at: i64) -> Result<Study> {
        self.set_study_state(slug, StudyState::Archived, actor, at)
            .await
    }

    /// Makes an archived study active again (writable, and picked without `--study` when
    /// it is the only active one); an active study is left as it is.
    pub async fn activate_study(&self, slug: &Slug, actor: &Actor, at: i64) -> Result<Study> {
        self.set_study_state(slug, StudyState::Active, actor, at)
            .await
    }

    async fn set_study_state(
        &self,
        slug: &Slug,
        to: StudyState,
        actor: &Actor,
        at: i64,
    ) -> Result<Study> {
        let study = self.study_by_slug(slug).await?.ok_or_else(|| {
            StoreError::NotFound(format!("there is no study {:?}", slug.as_str()))
        })?;
        if study.state == to {
            return Ok(study);
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE studies SET state = $1 WHERE id = $2")
            .bind(to.as_str())
            .bind(study.id.0)
            .execute(&mut *tx)
            .await?;
        let action = match to {
            StudyState::Archived => "study.archive",
            StudyState::Active => "study.activate",
        };
        audit(
            &mut tx,
            at,
            actor,
            action,
            &format!("study:{}", study.id.0),
            &format!("from={} to={}", study.state.as_str(), to.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok(Study { state: to, ..study })
    }

    /// Every account, by id.
    pub async fn accounts(&self) -> Result<Vec<InstallationAccount>> {
        let rows =
            sqlx::query("SELECT id, email, name, password_hash, lang, installation_admin FROM accounts ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(account_row).collect()
    }

    /// The account with this e-mail address (any case).
    pub async fn account_by_email(&self, email: &str) -> Result<Option<InstallationAccount>> {
        let row = sqlx::query(
            "SELECT id, email, name, password_hash, lang, installation_admin FROM accounts \
             WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
        )
        .bind(email.trim())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_row).transpose()
    }

    /// The account with this id.
    pub async fn account(&self, id: PersonId) -> Result<Option<InstallationAccount>> {
        let row =
            sqlx::query("SELECT id, email, name, password_hash, lang, installation_admin FROM accounts WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(account_row).transpose()
    }

    /// Adds an account without a password (it gets one with
    /// [`Installation::set_password`]); its e-mail address must be new.
    pub async fn add_account(
        &self,
        email: &Email,
        name: &str,
        lang: Lang,
        actor: &Actor,
        at: i64,
    ) -> Result<PersonId> {
        let mut tx = self.pool.begin().await?;
        if account_id_by_email(&mut tx, email.as_str())
            .await?
            .is_some()
        {
            return Err(StoreError::Conflict(format!(
                "an account with e-mail {email} exists"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (email, name, lang) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(email.as_str())
        .bind(name)
        .bind(lang.code())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict(e, || format!("an account with e-mail {email} exists")))?;
        audit(
            &mut tx,
            at,
            actor,
            "account.add",
            &format!("account:{id}"),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(PersonId(id))
    }

    /// Sets an account's password hash (the caller hashes; the installation never sees a
    /// password). The studies' copies follow through `leernet-app`'s `studies` use case.
    pub async fn set_password(
        &self,
        id: PersonId,
        hash: &str,
        actor: &Actor,
        at: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "there is no account {}",
                id.0
            )));
        }
        audit(
            &mut tx,
            at,
            actor,
            "account.password",
            &format!("account:{}", id.0),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every Werkplaats of the registry, by id.
    pub async fn workplaces(&self) -> Result<Vec<Workplace>> {
        let rows = sqlx::query("SELECT id, slug, name, region FROM workplaces ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Workplace {
                    id: WorkplaceId(get(r, "id")?),
                    slug: parse_slug(get(r, "slug")?)?,
                    name: get(r, "name")?,
                    region: get(r, "region")?,
                })
            })
            .collect()
    }

    /// Every network of the registry, by id.
    pub async fn networks(&self) -> Result<Vec<Network>> {
        let rows = sqlx::query("SELECT id, slug, name, workplace_id FROM networks ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Network {
                    id: NetworkId(get(r, "id")?),
                    slug: parse_slug(get(r, "slug")?)?,
                    name: get(r, "name")?,
                    workplace: WorkplaceId(get(r, "workplace_id")?),
                })
            })
            .collect()
    }

    /// Registers a Werkplaats; its slug must be new in the installation.
    pub async fn add_workplace(
        &self,
        w: &crate::NewWorkplace,
        actor: &Actor,
        at: i64,
    ) -> Result<Workplace> {
        let mut tx = self.pool.begin().await?;
        let id = crate::registry::insert_workplace(&mut tx, w).await?.0;
        audit(
            &mut tx,
            at,
            actor,
            "workplace.add",
            &format!("workplace:{id}"),
            &format!("slug={}", w.slug),
        )
        .await?;
        tx.commit().await?;
        Ok(Workplace {
            id: WorkplaceId(id),
            slug: w.slug.clone(),
            name: w.name.clone(),
            region: w.region.clone(),
        })
    }

    /// Registers a network of a registered Werkplaats; its slug must be new in the
    /// installation and may not be one of leernet's own pages.
    pub async fn add_network(
        &self,
        n: &crate::NewNetwork,
        actor: &Actor,
        at: i64,
    ) -> Result<Network> {
        let mut tx = self.pool.begin().await?;
        let id = crate::registry::insert_network(&mut tx, n).await?.0;
        audit(
            &mut tx,
            at,
            actor,
            "network.add",
            &format!("network:{id}"),
            &format!("slug={}", n.slug),
        )
        .await?;
        tx.commit().await?;
        Ok(Network {
            id: NetworkId(id),
            slug: n.slug.clone(),
            name: n.name.clone(),
            workplace: n.workplace,
        })
    }

    /// The networks that take part in `study`, by id.
    pub async fn study_networks(&self, study: StudyId) -> Result<Vec<NetworkId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT network_id FROM study_networks WHERE study_id = $1 ORDER BY network_id",
        )
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(NetworkId).collect())
    }

    /// Lets a registered network take part in `study`; true when it did not before.
    pub async fn add_study_network(
        &self,
        study: StudyId,
        network: NetworkId,
        actor: &Actor,
        at: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "INSERT INTO study_networks (study_id, network_id) VALUES ($1, $2) \
             ON CONFLICT (study_id, network_id) DO NOTHING",
        )
        .bind(study.0)
        .bind(network.0)
        .execute(&mut *tx)
        .await?;
        let newly = done.rows_affected() > 0;
        if newly {
            audit(
                &mut tx,
                at,
                actor,
                "study.network",
                &format!("study:{}", study.0),
                &format!("network={}", network.0),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(newly)
    }

    /// Every role in `study`, by account.
    pub async fn roles(&self, study: StudyId) -> Result<Vec<StudyRole>> {
        let rows = sqlx::query(
            "SELECT account_id, study_id, role FROM study_roles WHERE study_id = $1 ORDER BY account_id",
        )
        .bind(study.0)
        .fetch_all(&self.pool)
        .await?;
        self.role_rows(&rows).await
    }

    /// Every role of `account`, by study.
    pub async fn roles_of(&self, account: PersonId) -> Result<Vec<StudyRole>> {
        let rows = sqlx::query(
            "SELECT account_id, study_id, role FROM study_roles WHERE account_id = $1 ORDER BY study_id",
        )
        .bind(account.0)
        .fetch_all(&self.pool)
        .await?;
        self.role_rows(&rows).await
    }

    async fn role_rows(&self, rows: &[sqlx::any::AnyRow]) -> Result<Vec<StudyRole>> {
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let account: i64 = get(r, "account_id")?;
            let study: i64 = get(r, "study_id")?;
            let role: String = get(r, "role")?;
            let networks: Vec<i64> = sqlx::query_scalar(
                "SELECT network_id FROM study_role_networks \
                 WHERE account_id = $1 AND study_id = $2 ORDER BY network_id",
            )
            .bind(account)
            .bind(study)
            .fetch_all(&self.pool)
            .await?;
            out.push(StudyRole {
                account: PersonId(account),
                study: StudyId(study),
                role: Role::parse(&role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                networks: networks.into_iter().map(NetworkId).collect(),
            });
        }
        Ok(out)
    }

    /// Gives `account` `role` in `study` for exactly `networks` (which must take part in
    /// the study), replacing the role it had there; one transaction with its audit entry.
    /// Giving the role it has, with the networks it has, changes nothing.
    pub async fn give_role(&self, r: &StudyRole, actor: &Actor, at: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let in_study: Vec<i64> = sqlx::query_scalar(
            "SELECT network_id FROM study_networks WHERE study_id = $1 ORDER BY network_id",
        )
        .bind(r.study.0)
        .fetch_all(&mut *tx)
        .await?;
        if let Some(n) = r.networks.iter().find(|n| !in_study.contains(&n.0)) {
            return Err(StoreError::Conflict(format!(
                "network {} does not take part in study {}",
                n.0, r.study.0
            )));
        }
        let old: Option<String> = sqlx::query_scalar(
            "SELECT role FROM study_roles WHERE account_id = $1 AND study_id = $2",
        )
        .bind(r.account.0)
        .bind(r.study.0)
        .fetch_optional(&mut *tx)
        .await?;
        let old_networks: Vec<i64> = sqlx::query_scalar(
            "SELECT network_id FROM study_role_networks \
             WHERE account_id = $1 AND study_id = $2 ORDER BY network_id",
        )
        .bind(r.account.0)
        .bind(r.study.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut networks: Vec<i64> = r.networks.iter().map(|n| n.0).collect();
        networks.sort_unstable();
        networks.dedup();
        if old.as_deref() == Some(r.role.as_str()) && old_networks == networks {
            tx.rollback().await?;
            return Ok(());
        }
        write_role(&mut tx, r.account, r.study, r.role, &networks).await?;
        audit(
            &mut tx,
            at,
            actor,
            "role.give",
            &format!("account:{}", r.account.0),
            &format!(
                "study={} from={} to={} networks={}",
                r.study.0,
                old.as_deref().unwrap_or("none"),
                r.role.as_str(),
                networks
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes `account`'s role in `study`; true when it had one.
    pub async fn take_role(
        &self,
        account: PersonId,
        study: StudyId,
        actor: &Actor,
        at: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let old: Option<String> = sqlx::query_scalar(
            "SELECT role FROM study_roles WHERE account_id = $1 AND study_id = $2",
        )
        .bind(account.0)
        .bind(study.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(old) = old else {
            tx.rollback().await?;
            return Ok(false);
        };
        sqlx::query("DELETE FROM study_role_networks WHERE account_id = $1 AND study_id = $2")
            .bind(account.0)
            .bind(study.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM study_roles WHERE account_id = $1 AND study_id = $2")
            .bind(account.0)
            .bind(study.0)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            at,
            actor,
            "role.take",
            &format!("account:{}", account.0),
            &format!("study={} from={old} to=none", study.0),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Erases what the installation itself holds about `account`, in one transaction with
    /// its audit entry (`account.erase`, naming the account by id, never by address): its
    /// roles in every study, its login sessions, its failed logins, its API tokens, and its
    /// address, name and password. The row stays, emptied (`erased-{id}@erased.invalid`),
    /// so its id is never given to someone else: every study keeps an emptied `persons`
    /// row with the same id, which codings and workspace entries still point to.
    ///
    /// With `dry_run` nothing changes; the counts say what would be removed. An account
    /// erased before is left as it is (counts of zero).
    pub async fn erase_account(
        &self,
        account: PersonId,
        actor: &Actor,
        at: i64,
        dry_run: bool,
    ) -> Result<AccountErase> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query("SELECT email FROM accounts WHERE id = $1")
            .bind(account.0)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Err(StoreError::NotFound(format!(
                "there is no account {}",
                account.0
            )));
        };
        let email: String = sqlx::Row::try_get(&row, "email")?;
        let erased_email = format!("erased-{}@erased.invalid", account.0);
        let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).bind(account.0);
        let mut done = AccountErase {
            roles: count("SELECT COUNT(*) FROM study_roles WHERE account_id = $1")
                .fetch_one(&mut *tx)
                .await?,
            sessions: count("SELECT COUNT(*) FROM sessions WHERE person_id = $1")
                .fetch_one(&mut *tx)
                .await?,
            tokens: count("SELECT COUNT(*) FROM api_tokens WHERE account_id = $1")
                .fetch_one(&mut *tx)
                .await?,
            failed_logins: sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM login_throttle WHERE account = $1",
            )
            .bind(email.to_lowercase())
            .fetch_one(&mut *tx)
            .await?,
            emptied: email != erased_email,
        };
        if dry_run || !done.emptied && done.total() == 0 {
            tx.rollback().await?;
            return Ok(done);
        }
        for sql in [
            "DELETE FROM study_role_networks WHERE account_id = $1",
            "DELETE FROM study_roles WHERE account_id = $1",
            "DELETE FROM sessions WHERE person_id = $1",
            "DELETE FROM api_tokens WHERE account_id = $1",
            "DELETE FROM account_links WHERE account_id = $1",
        ] {
            sqlx::query(sql).bind(account.0).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM login_throttle WHERE account = $1")
            .bind(email.to_lowercase())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE accounts SET email = $1, name = $2, password_hash = NULL, installation_admin = 0 \
             WHERE id = $3",
        )
        .bind(&erased_email)
        .bind(format!("erased-{}", account.0))
        .bind(account.0)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            at,
            actor,
            "account.erase",
            &format!("account:{}", account.0),
            &format!(
                "roles={} sessions={} tokens={} failed_logins={}",
                done.roles, done.sessions, done.tokens, done.failed_logins
            ),
        )
        .await?;
        tx.commit().await?;
        done.emptied = true;
        Ok(done)
    }

    /// Writes a backup of the installation's own database (accounts, studies, roles,
    /// registry, audit log, sessions, API tokens) to `w`, in leernet's backup format. A
    /// whole installation's backup is this plus every study's (`leernet backup
    /// --all-studies`).
    pub async fn backup(
        &self,
        w: &mut dyn std::io::Write,
    ) -> std::result::Result<crate::backup::BackupSummary, crate::backup::BackupError> {
        crate::backup::backup(&self.backup_db(None), w).await
    }

    /// Restores the backup of an installation's own database into this one, which must be
    /// empty (everything or nothing, in one transaction). Each study is registered where
    /// this installation keeps a new study of that slug (an SQLite file under `studies/`,
    /// or its own PostgreSQL schema), whatever the back end and place it had, and its
    /// (empty) database is made there: restore each study's backup into
    /// [`Installation::open_study_writable`] next.
    pub async fn restore(
        &self,
        bytes: &[u8],
    ) -> std::result::Result<crate::backup::BackupSummary, crate::backup::BackupError> {
        let backend = self.backend;
        let rewrite = move |table: &str, columns: &[&str], row: &mut [serde_json::Value]| {
            if table != "studies" {
                return;
            }
            let at = |name: &str| columns.iter().position(|c| *c == name);
            let (Some(slug), Some(kind), Some(place)) =
                (at("slug"), at("location_kind"), at("location"))
            else {
                return;
            };
            let Some(slug) = row[slug].as_str().and_then(|s| Slug::parse(s).ok()) else {
                return;
            };
            let here = default_location(backend, &slug);
            row[kind] = serde_json::Value::from(here.kind());
            row[place] = serde_json::Value::from(here.text());
        };
        let summary = crate::backup::restore(&self.backup_db(Some(&rewrite)), bytes).await?;
        for study in self.studies().await? {
            self.make_place(&study.location)?;
            self.open_study_writable(&study).await?.close().await;
        }
        Ok(summary)
    }

    /// The schema versions of the installation's own database this build knows (to check
    /// its backup, [`crate::backup::check`]).
    pub fn known_migrations(backend: Backend) -> Vec<i64> {
        migrator(backend).iter().map(|m| m.version).collect()
    }

    fn backup_db<'a>(
        &'a self,
        rewrite: Option<&'a crate::backup::RowRewrite>,
    ) -> crate::backup::Db<'a> {
        crate::backup::Db {
            pool: &self.pool,
            backend: self.backend,
            known: Installation::known_migrations(self.backend),
            generation: false,
            rewrite,
        }
    }

    /// Makes the folder of an SQLite study's file (nothing to make for a schema, which
    /// opening the store makes).
    fn make_place(&self, location: &StudyLocation) -> Result<()> {
        if let StudyLocation::Sqlite(rel) = location {
            let full = self.base_dir().join(rel);
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Conflict(format!("cannot make {}: {e}", dir.display()))
                })?;
            }
        }
        Ok(())
    }

    /// Makes `account` an installation administrator, or takes that away (`admin`), with
    /// its audit entry; true when it changed anything.
    pub async fn set_admin(
        &self,
        account: PersonId,
        admin: bool,
        actor: &Actor,
        at: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let was: Option<i64> =
            sqlx::query_scalar("SELECT installation_admin FROM accounts WHERE id = $1")
                .bind(account.0)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(was) = was else {
            tx.rollback().await?;
            return Err(StoreError::NotFound(format!(
                "there is no account {}",
                account.0
            )));
        };
        if (was == 1) == admin {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE accounts SET installation_admin = $1 WHERE id = $2")
            .bind(i64::from(admin))
            .bind(account.0)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            at,
            actor,
            if admin { "admin.give" } else { "admin.take" },
            &format!("account:{}", account.0),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The installation administrators, by id.
    pub async fn admins(&self) -> Result<Vec<InstallationAccount>> {
        let rows = sqlx::query(
            "SELECT id, email, name, password_hash, lang, installation_admin FROM accounts \
             WHERE installation_admin = 1 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_row).collect()
    }

    /// The installation's audit log, oldest first.
    pub async fn audit_log(&self) -> Result<Vec<InstallationAudit>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, subject, detail FROM installation_audit ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InstallationAudit {
                    id: get(r, "id")?,
                    at: get(r, "at")?,
                    actor: get(r, "actor")?,
                    action: get(r, "action")?,
                    subject: get(r, "subject")?,
                    detail: get(r, "detail")?,
                })
            })
            .collect()
    }

    /// Makes the single-study database `study` (already open, at `location`) the study
    /// `slug` of this installation, losing nothing: registers it where it is, then copies
    /// its Werkplaatsen, networks, people (as accounts, with their password hashes) and
    /// their roles up with their ids; one transaction, under the installation's lock on
    /// PostgreSQL. The study's database is only read. When a study is registered at
    /// `location` already, nothing changes (`newly` is false).
    ///
    /// Fails with [`StoreError::Conflict`] when the installation holds an account, a network
    /// or a Werkplaats with one of the study's ids or e-mail addresses or slugs but not the
    /// other: the study's people and networks would not be the installation's.
    pub async fn adopt(
        &self,
        slug: &Slug,
        title: &Bilingual,
        location: StudyLocation,
        study: &Store,
        actor: &Actor,
        at: i64,
    ) -> Result<Adopted> {
        with_advisory_lock(self.backend, &self.url, INSTALLATION_LOCK, async {
            self.adopt_locked(slug, title, location, study, actor, at)
                .await
        })
        .await
    }

    /// After a backup was restored into the (empty) study `study`: copies the restored
    /// Werkplaatsen, networks, people (as accounts, with their password hashes) and roles up
    /// into the installation with their ids, as [`Installation::adopt`] does; one
    /// transaction, idempotent.
    pub async fn pull_up(
        &self,
        study: &Study,
        store: &Store,
        actor: &Actor,
        at: i64,
    ) -> Result<()> {
        with_advisory_lock(self.backend, &self.url, INSTALLATION_LOCK, async {
            let found = StudyContents::read(store).await?;
            let mut tx = self.pool.begin().await?;
            copy_up(&mut tx, self.backend, study.id, &found).await?;
            audit(
                &mut tx,
                at,
                actor,
                "study.restore",
                &format!("study:{}", study.id.0),
                &format!(
                    "accounts={} networks={} workplaces={}",
                    found.persons.len(),
                    found.networks.len(),
                    found.workplaces.len()
                ),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn adopt_locked(
        &self,
        slug: &Slug,
        title: &Bilingual,
        location: StudyLocation,
        study: &Store,
        actor: &Actor,
        at: i64,
    ) -> Result<Adopted> {
        // Read the study first: its transaction is not the installation's.
        let found = StudyContents::read(study).await?;
        let (persons, networks, workplaces) = (&found.persons, &found.networks, &found.workplaces);
        let mut tx = self.pool.begin().await?;
        // SQLite: take the write lock before reading, so that two processes adopting at
        // once take turns instead of both finding nothing registered.
        sqlx::query("DELETE FROM studies WHERE id < 0")
            .execute(&mut *tx)
            .await?;
        let existing = sqlx::query(
            "SELECT id, slug, title_nl, title_en, state, location_kind, location, created_at \
             FROM studies WHERE location_kind = $1 AND location = $2",
        )
        .bind(location.kind())
        .bind(location.text())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            tx.rollback().await?;
            return Ok(Adopted {
                study: study_row(&row)?,
                newly: false,
                accounts: 0,
                networks: 0,
                workplaces: 0,
            });
        }
        let pending = Study {
            id: StudyId(0),
            slug: slug.clone(),
            title: title.clone(),
            state: StudyState::Active,
            location,
            created_at: at,
        };
        let id = insert_study(&mut tx, &pending).await?;
        copy_up(&mut tx, self.backend, id, &found).await?;
        audit(
            &mut tx,
            at,
            actor,
            "study.adopt",
            &format!("study:{}", id.0),
            &format!(
                "slug={slug} accounts={} networks={} workplaces={}",
                persons.len(),
                networks.len(),
                workplaces.len()
            ),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            study = id.0,
            accounts = persons.len(),
            networks = networks.len(),
            "an existing study became the installation's first"
        );
        Ok(Adopted {
            study: Study { id, ..pending },
            newly: true,
            accounts: persons.len(),
            networks: networks.len(),
            workplaces: workplaces.len(),
        })
    }
}

/// What a study's database holds of people and networks, read for [`copy_up`].
struct StudyContents {
    workplaces: Vec<Workplace>,
    networks: Vec<Network>,
    persons: Vec<Person>,
    hashes: Vec<Option<String>>,
}

impl StudyContents {
    async fn read(study: &Store) -> Result<StudyContents> {
        let persons = study.persons().await?;
        let mut hashes = Vec::with_capacity(persons.len());
        for p in &persons {
            hashes.push(study.account(p.id).await?.and_then(|a| a.password_hash));
        }
        Ok(StudyContents {
            workplaces: study.workplaces().await?,
            networks: study.networks().await?,
            persons,
            hashes,
        })
    }
}

/// Copies a study's Werkplaatsen, networks, people (as accounts) and their roles into the
/// installation with their ids, inside the caller's transaction; what the installation holds
/// already with the same id and slug or address is left as it is.
async fn copy_up(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    id: StudyId,
    found: &StudyContents,
) -> Result<()> {
    let tx = &mut *tx;
    let (workplaces, networks, persons, hashes) = (
        &found.workplaces,
        &found.networks,
        &found.persons,
        &found.hashes,
    );
    for w in workplaces.iter() {
        let found: Option<String> = sqlx::query_scalar("SELECT slug FROM workplaces WHERE id = $1")
            .bind(w.id.0)
            .fetch_optional(&mut *tx)
            .await?;
        match found {
            Some(s) if s == w.slug.as_str() => {}
            Some(s) => {
                return Err(StoreError::Conflict(format!(
                    "the installation's Werkplaats {} is {s:?}, the study's {:?}",
                    w.id.0,
                    w.slug.as_str()
                )))
            }
            None => {
                sqlx::query(
                    "INSERT INTO workplaces (id, slug, name, region) VALUES ($1, $2, $3, $4)",
                )
                .bind(w.id.0)
                .bind(w.slug.as_str())
                .bind(&w.name)
                .bind(&w.region)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    conflict(e, || {
                        format!(
                            "the installation has another Werkplaats with slug {:?}",
                            w.slug.as_str()
                        )
                    })
                })?;
            }
        }
    }
    for n in networks.iter() {
        let found: Option<String> = sqlx::query_scalar("SELECT slug FROM networks WHERE id = $1")
            .bind(n.id.0)
            .fetch_optional(&mut *tx)
            .await?;
        match found {
            Some(s) if s == n.slug.as_str() => {}
            Some(s) => {
                return Err(StoreError::Conflict(format!(
                    "the installation's network {} is {s:?}, the study's {:?}",
                    n.id.0,
                    n.slug.as_str()
                )))
            }
            None => {
                sqlx::query(
                    "INSERT INTO networks (id, slug, name, workplace_id) VALUES ($1, $2, $3, $4)",
                )
                .bind(n.id.0)
                .bind(n.slug.as_str())
                .bind(&n.name)
                .bind(n.workplace.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    conflict(e, || {
                        format!(
                            "the installation has another network with slug {:?}",
                            n.slug.as_str()
                        )
                    })
                })?;
            }
        }
        sqlx::query("INSERT INTO study_networks (study_id, network_id) VALUES ($1, $2) ON CONFLICT (study_id, network_id) DO NOTHING")
                .bind(id.0)
                .bind(n.id.0)
                .execute(&mut *tx)
                .await?;
    }
    for (p, hash) in persons.iter().zip(hashes.iter()) {
        let found: Option<String> = sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1")
            .bind(p.id.0)
            .fetch_optional(&mut *tx)
            .await?;
        match found {
            Some(e) if e.eq_ignore_ascii_case(p.email.as_str()) => {}
            Some(_) => {
                return Err(StoreError::Conflict(format!(
                    "the installation's account {} is someone else than the study's person {}",
                    p.id.0, p.id.0
                )))
            }
            None => {
                if account_id_by_email(tx, p.email.as_str()).await?.is_some() {
                    return Err(StoreError::Conflict(format!(
                            "the installation has another account with the e-mail address of the study's person {}",
                            p.id.0
                        )));
                }
                sqlx::query(
                    "INSERT INTO accounts (id, email, name, password_hash, lang) \
                         VALUES ($1, $2, $3, $4, 'nl')",
                )
                .bind(p.id.0)
                .bind(p.email.as_str())
                .bind(&p.name)
                .bind(hash.clone())
                .execute(&mut *tx)
                .await?;
            }
        }
        let networks: Vec<i64> = p.networks.iter().map(|n| n.0).collect();
        write_role(tx, p.id, id, p.role, &networks).await?;
    }
    if backend == Backend::Postgres {
        for table in ["accounts", "workplaces", "networks"] {
            crate::installation::projection::move_identity(tx, table).await?;
        }
    }
    Ok(())
}

async fn insert_study(conn: &mut sqlx::AnyConnection, s: &Study) -> Result<StudyId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO studies (slug, title_nl, title_en, state, location_kind, location, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(s.slug.as_str())
    .bind(&s.title.nl)
    .bind(&s.title.en)
    .bind(s.state.as_str())
    .bind(s.location.kind())
    .bind(s.location.text())
    .bind(s.created_at)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        conflict(e, || {
            format!(
                "a study with slug {:?}, or another study in the same database, exists",
                s.slug.as_str()
            )
        })
    })?;
    Ok(StudyId(id))
}

/// Writes a role and exactly its networks, inside the caller's transaction.
async fn write_role(
    conn: &mut sqlx::AnyConnection,
    account: PersonId,
    study: StudyId,
    role: Role,
    networks: &[i64],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO study_roles (account_id, study_id, role) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id, study_id) DO UPDATE SET role = excluded.role",
    )
    .bind(account.0)
    .bind(study.0)
    .bind(role.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM study_role_networks WHERE account_id = $1 AND study_id = $2")
        .bind(account.0)
        .bind(study.0)
        .execute(&mut *conn)
        .await?;
    for n in networks {
        sqlx::query(
            "INSERT INTO study_role_networks (account_id, study_id, network_id) VALUES ($1, $2, $3)",
        )
        .bind(account.0)
        .bind(study.0)
        .bind(n)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn account_id_by_email(conn: &mut sqlx::AnyConnection, email: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM accounts WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
    )
    .bind(email.trim())
    .fetch_optional(&mut *conn)
    .await?)
}

async fn audit(
    conn: &mut sqlx::AnyConnection,
    at: i64,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO installation_audit (at, actor, action, subject, detail) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(at)
    .bind(actor.as_string())
    .bind(action)
    .bind(subject)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn study_row(r: &sqlx::any::AnyRow) -> Result<Study> {
    let kind: String = get(r, "location_kind")?;
    let location: String = get(r, "location")?;
    let location = match kind.as_str() {
        "sqlite" => StudyLocation::Sqlite(location),
        "postgres_schema" => StudyLocation::PostgresSchema(location),
        other => {
            return Err(StoreError::Corrupt(format!(
                "unknown study location {other:?}"
            )))
        }
    };
    Ok(Study {
        id: StudyId(get(r, "id")?),
        slug: parse_slug(get(r, "slug")?)?,
        title: Bilingual {
            nl: get(r, "title_nl")?,
            en: get(r, "title_en")?,
        },
        state: StudyState::parse(&get::<String>(r, "state")?)?,
        location,
        created_at: get(r, "created_at")?,
    })
}

fn account_row(r: &sqlx::any::AnyRow) -> Result<InstallationAccount> {
    let email: String = get(r, "email")?;
    let lang: String = get(r, "lang")?;
    Ok(InstallationAccount {
        id: PersonId(get(r, "id")?),
        email: Email::parse(&email).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        name: get(r, "name")?,
        password_hash: get(r, "password_hash")?,
        lang: Lang::parse(&lang).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        admin: get::<i64>(r, "installation_admin")? == 1,
    })
}

fn parse_slug(s: String) -> Result<Slug> {
    Slug::parse(&s).map_err(|e| StoreError::Corrupt(e.to_string()))
}
