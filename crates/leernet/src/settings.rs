//! The project's settings: defaults, then `leernet.toml`, then the environment.
//!
//! | key | default | environment | meaning |
//! |---|---|---|---|
//! | `project.name` | folder name | — | shown in messages |
//! | `project.demo` | `false` | — | the project is the fictional demo (`leernet demo` may replace it) |
//! | `database.url` | `sqlite://leernet.sqlite` | `LEERNET_DATABASE_URL` | `sqlite://FILE` (relative to the project folder) or `postgres://…` |
//! | `server.addr` | `127.0.0.1:8080` | `LEERNET_ADDR` | where `leernet serve` listens |

use crate::cli_error::{CliError, CliResult};
use anyhow::anyhow;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The name of the project file.
pub const PROJECT_FILE: &str = "leernet.toml";

/// `leernet.toml` as written on disk.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    #[serde(default)]
    pub project: ProjectSection,
    #[serde(default)]
    pub database: DatabaseSection,
    #[serde(default)]
    pub server: ServerSection,
    /// `[smtp]`: the mail server invitations are sent through (`host`, `port`, `tls` =
    /// `starttls`|`tls`|`none`, `user`, `password`, `from`; see `leernet_web::mail`). None: the
    /// researcher copies the links from the CSV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<leernet_web::mail::SmtpSettings>,
}

/// `[project]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub demo: bool,
}

/// `[database]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    #[serde(default = "default_db")]
    pub url: String,
}

/// `[server]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    #[serde(default = "default_addr")]
    pub addr: String,
}

fn default_db() -> String {
    "sqlite://leernet.sqlite".into()
}

fn default_addr() -> String {
    "127.0.0.1:8080".into()
}

impl Default for DatabaseSection {
    fn default() -> Self {
        DatabaseSection { url: default_db() }
    }
}

impl Default for ServerSection {
    fn default() -> Self {
        ServerSection {
            addr: default_addr(),
        }
    }
}

/// The settings in force for one command.
#[derive(Debug, Clone)]
pub struct Settings {
    pub dir: PathBuf,
    pub file: ProjectFile,
    /// The database URL with a relative SQLite path made absolute.
    pub database_url: String,
    pub addr: String,
}

/// Makes a relative `sqlite://` path absolute against the project folder.
pub fn resolve_database_url(url: &str, dir: &Path) -> String {
    if let Some(rest) = url.strip_prefix("sqlite://") {
        if !rest.starts_with('/') && !rest.starts_with(":memory:") {
            return format!("sqlite://{}", dir.join(rest).display());
        }
    }
    url.to_owned()
}

impl Settings {
    /// Loads the settings of the project in `dir`.
    pub fn load(dir: &Path) -> CliResult<Settings> {
        let path = dir.join(PROJECT_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                CliError::usage(anyhow!(
                    "{} is not a leernet project (it has no {PROJECT_FILE}); make one with `leernet init {}` or point --project at one",
                    dir.display(),
                    dir.display()
                ))
            } else {
                CliError::usage(anyhow!("cannot read {}: {e}", path.display()))
            }
        })?;
        let file: ProjectFile = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].lines().count().max(1))
                .map(|l| format!(" at line {l}"))
                .unwrap_or_default();
            CliError::usage(anyhow!(
                "{} does not parse{line}: {}; fix it or compare with `leernet init` output",
                path.display(),
                e.message()
            ))
        })?;
        let url = std::env::var("LEERNET_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| file.database.url.clone());
        let addr = std::env::var("LEERNET_ADDR")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| file.server.addr.clone());
        Ok(Settings {
            dir: dir.to_path_buf(),
            database_url: resolve_database_url(&url, dir),
            file,
            addr,
        })
    }

    /// Opens the project's store (exit 2 when the database cannot be reached).
    pub async fn store(&self) -> CliResult<leernet_store::Store> {
        leernet_store::Store::connect(&self.database_url)
            .await
            .map_err(|e| {
                CliError::usage(anyhow!(
                    "{e}; check [database] url in {} or LEERNET_DATABASE_URL",
                    self.dir.join(PROJECT_FILE).display()
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_sqlite_paths_follow_the_project() {
        let d = Path::new("/p/q");
        assert_eq!(
            resolve_database_url("sqlite://leernet.sqlite", d),
            "sqlite:///p/q/leernet.sqlite"
        );
        assert_eq!(
            resolve_database_url("sqlite:///abs.sqlite", d),
            "sqlite:///abs.sqlite"
        );
        assert_eq!(
            resolve_database_url("postgres://u@h/db", d),
            "postgres://u@h/db"
        );
    }

    #[test]
    fn a_broken_project_file_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROJECT_FILE),
            "[project]\nname = \"x\"\n[database\n",
        )
        .unwrap();
        let e = Settings::load(dir.path()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("line 3"), "{e}");
        let e = Settings::load(&dir.path().join("nope")).unwrap_err();
        assert!(e.to_string().contains("leernet init"), "{e}");
    }
}
