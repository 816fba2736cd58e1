//! Fresh, empty databases for tests, on whichever back ends the environment offers.
//!
//! SQLite is always there (a file in a temporary folder). PostgreSQL is used when
//! `LEERNET_TEST_DATABASE_URL` names a server where the user may create databases; each
//! test gets a database of its own, dropped by [`TestDb::drop_database`]. When `CI` is set
//! and PostgreSQL is not configured, [`test_backends`] panics: in CI a missing back end is a
//! failure, never a silent skip.

use crate::{Backend, Store};
use std::sync::atomic::{AtomicU32, Ordering};

/// A database made for one test.
#[derive(Debug)]
pub struct TestDb {
    /// Which back end.
    pub backend: Backend,
    /// URL of the fresh database.
    pub url: String,
    admin_url: Option<String>,
    name: Option<String>,
    _dir: Option<std::path::PathBuf>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The back ends to run a suite against: SQLite always, PostgreSQL when configured.
///
/// # Panics
/// When `CI` is set and `LEERNET_TEST_DATABASE_URL` is not.
pub fn test_backends() -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    match std::env::var("LEERNET_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => out.push(Backend::Postgres),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI is set but LEERNET_TEST_DATABASE_URL is not: the PostgreSQL back end must be tested in CI"
        ),
        _ => eprintln!("note: LEERNET_TEST_DATABASE_URL is not set; PostgreSQL tests are skipped"),
    }
    out
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // A random salt, so that a database left by an earlier process of the same id is never
    // taken for this one's (the system time is not read: `leernet_core::clock`).
    let salt = {
        use std::hash::{BuildHasher, Hasher};
        // std's hasher keys are random per process (from the OS).
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish() as u32
    };
    format!("leernet_t_{}_{}_{}", std::process::id(), n, salt)
}

impl TestDb {
    /// Makes an empty database on `backend`.
    ///
    /// # Panics
    /// When the database cannot be made (a test set-up failure).
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique_name());
                std::fs::create_dir_all(&dir).expect("temporary folder");
                let url = format!("sqlite://{}/test.sqlite", dir.display());
                TestDb {
                    backend,
                    url,
                    admin_url: None,
                    name: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let admin =
                    std::env::var("LEERNET_TEST_DATABASE_URL").expect("LEERNET_TEST_DATABASE_URL");
                let name = unique_name();
                sqlx::any::install_default_drivers();
                use sqlx::Connection;
                let mut conn = sqlx::AnyConnection::connect(&admin)
                    .await
                    .expect("connect to LEERNET_TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create a test database");
                conn.close().await.ok();
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_owned())
                    .unwrap_or(admin.clone());
                TestDb {
                    backend,
                    url: format!("{base}/{name}"),
                    admin_url: Some(admin),
                    name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    /// Opens the store on this database.
    ///
    /// # Panics
    /// When it cannot be opened.
    pub async fn store(&self) -> Store {
        Store::connect(&self.url).await.expect("open test store")
    }

    /// Removes the database (PostgreSQL) or its folder (SQLite).
    pub async fn drop_database(self) {
        if let (Some(admin), Some(name)) = (&self.admin_url, &self.name) {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::AnyConnection::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
        if let Some(dir) = &self._dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The `i`-th of a run of predictable invitation tokens, for the load benchmarks and the
/// kill and scale-out tests that answer many invitations of one wave. Never for real waves:
/// real tokens are random.
pub fn numbered_token(i: usize) -> leernet_core::InvitationToken {
    let mut b = [3u8; 20];
    b[..8].copy_from_slice(&(i as u64).to_le_bytes());
    leernet_core::InvitationToken::from_random(b)
}

/// One Werkplaats and network named after `name`, the network questionnaire `workbook`
/// (form `leernet_network`) and an open wave `name` with anonymous member invitations
/// [`numbered_token`]`(0..=last)`: the study the load benchmarks and the kill and scale-out
/// tests answer.
///
/// # Panics
/// When the store refuses any of it (a test set-up failure).
pub async fn open_wave_with_invitations(
    store: &Store,
    workbook: &[u8],
    name: &str,
    last: usize,
) -> leernet_core::WaveId {
    use crate::{InvitationKind, NewInstrument, NewInvitation, NewNetwork, NewWorkplace};
    use leernet_core::{Bilingual, Slug, WaveStatus};
    let wp = store
        .add_workplace(&NewWorkplace {
            slug: Slug::parse(name).expect("a slug"),
            name: name.into(),
            region: String::new(),
        })
        .await
        .expect("add the Werkplaats");
    let net = store
        .add_network(&NewNetwork {
            slug: Slug::parse(&format!("{name}-net")).expect("a slug"),
            name: format!("{name} network"),
            workplace: wp,
        })
        .await
        .expect("add the network");
    let inst = store
        .add_instrument(&NewInstrument {
            form_id: "leernet_network".into(),
            version: "1".into(),
            title: Bilingual {
                nl: "Netwerkvragenlijst".into(),
                en: "Network questionnaire".into(),
            },
            file_name: "network.xlsx".into(),
            workbook: workbook.to_vec(),
        })
        .await
        .expect("add the questionnaire");
    let wave = store
        .add_wave(inst, name, WaveStatus::Open)
        .await
        .expect("add the wave");
    let invs: Vec<NewInvitation> = (0..=last)
        .map(|i| NewInvitation {
            network: net,
            token: numbered_token(i),
            kind: InvitationKind::Member,
            person: None,
            email: None,
        })
        .collect();
    store
        .add_invitations(wave, &invs)
        .await
        .expect("add the invitations");
    wave
}
