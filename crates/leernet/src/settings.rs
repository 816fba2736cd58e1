//! The project's settings: one typed structure ([`ProjectFile`]), layered from its defaults,
//! then `leernet.toml` in the project folder, then `LEERNET_*` environment variables.
//!
//! Why one structure: an operator should find every knob in one place, see the defaults
//! (`leernet config default` prints them, documented) and the values in force (`leernet
//! config show`), and never find a secret in a log, a message or `Debug` output.
//!
//! Every key is documented in [`KEYS`], the one table that `leernet config default` prints
//! and that the environment layer reads; a test checks that it names every field of the
//! structure and nothing else. Secrets are [`Secret`]s (their `Debug`, `Display` and
//! serialisation show `***`); database URLs are redacted with `leernet_store::redact_url`.
//!
//! Adding a section (an optional `[smtp]`, say): add its struct with `#[serde(default)]`
//! fields, a field `pub smtp: Option<SmtpSection>` (marked below) to [`ProjectFile`], its
//! keys to [`KEYS`] with their environment variables, their parsing to [`ProjectFile::set`],
//! and any checks across keys to [`ProjectFile::validate`]; passwords are [`Secret`].

use crate::cli_error::{CliError, CliResult};
use anyhow::anyhow;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// The name of the project file.
pub const PROJECT_FILE: &str = "leernet.toml";

/// A value that must never be shown: `Debug`, `Display` and serialisation print `***`.
/// Read it with [`Secret::expose`], only where it is used.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// The one settings structure: `leernet.toml` as written on disk, and (after
/// [`Settings::load`]) the values in force.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    #[serde(default)]
    pub project: ProjectSection,
    #[serde(default)]
    pub database: DatabaseSection,
    #[serde(default)]
    pub server: ServerSection,
    #[serde(default)]
    pub log: LogSection,
    /// `[smtp]`: the mail server invitations are sent through (`host`, `port`, `tls` =
    /// `starttls`|`tls`|`none`, `user`, `password`, `from`; see `leernet_app::mail`). None: the
    /// researcher copies the links from the CSV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<leernet_app::mail::SmtpSettings>,
}

/// `[project]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub demo: bool,
    /// The study the commands are for when `--study` is left out, in an installation of
    /// several studies (the demo names its main study). Unset: the only active study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study: Option<String>,
}

/// `[database]`. `Debug` redacts the URL's password.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    #[serde(default = "default_db")]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite_synchronous: Option<SqliteSynchronous>,
}

impl fmt::Debug for DatabaseSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSection")
            .field("url", &leernet_store::redact_url(&self.url))
            .field("password", &self.password)
            .field("max_connections", &self.max_connections)
            .field("sqlite_synchronous", &self.sqlite_synchronous)
            .finish()
    }
}

/// `database.sqlite_synchronous`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    /// A commit survives the process being killed, not a power failure (an opt-in).
    Normal,
    /// A commit also survives a power failure: an fsync per commit (the default).
    Full,
}

/// `[server]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    #[serde(default = "default_addr")]
    pub addr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_proxies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_timeout_secs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_timeout_secs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<u32>,
    /// How long, in milliseconds, a page of figures waits for the figures of data that just
    /// changed before it is shown with those of the data before, saying so (0–60000;
    /// default [`DEFAULT_FIGURES_WAIT_MS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figures_wait_ms: Option<u32>,
}

/// How long a page of figures waits by default for figures of changed data: a page is then
/// shown within about half a second, also while fieldwork keeps changing the data.
pub const DEFAULT_FIGURES_WAIT_MS: u32 = 400;

impl ServerSection {
    /// `figures_wait_ms` as a duration, checked to lie in its range (a usage error
    /// otherwise).
    pub fn figures_wait(&self) -> CliResult<std::time::Duration> {
        match self.figures_wait_ms.unwrap_or(DEFAULT_FIGURES_WAIT_MS) {
            n @ 0..=60_000 => Ok(std::time::Duration::from_millis(n.into())),
            n => Err(CliError::usage(anyhow!(
                "server.figures_wait_ms is {n}: it should be between 0 and 60000 milliseconds"
            ))),
        }
    }

    /// `trusted_proxies` as addresses; a value that is not an IP address is a usage error.
    pub fn trusted_proxies(&self) -> CliResult<Vec<std::net::IpAddr>> {
        self.trusted_proxies
            .iter()
            .map(|a| {
                a.trim().parse().map_err(|_| {
                    CliError::usage(anyhow!(
                        "server.trusted_proxies: {a:?} is not an IP address (such as 127.0.0.1 or ::1)"
                    ))
                })
            })
            .collect()
    }

    /// The connection limits, each checked to lie in its range (a usage error otherwise).
    pub fn limits(&self) -> CliResult<leernet_web::ConnectionLimits> {
        let d = leernet_web::ConnectionLimits::default();
        let secs = |key: &str, v: Option<u32>, dflt: std::time::Duration| match v {
            None => Ok(dflt),
            Some(n) if (1..=3600).contains(&n) => Ok(std::time::Duration::from_secs(n.into())),
            Some(n) => Err(CliError::usage(anyhow!(
                "server.{key} is {n}: it should be between 1 and 3600 seconds"
            ))),
        };
        Ok(leernet_web::ConnectionLimits {
            header_timeout: secs(
                "header_timeout_secs",
                self.header_timeout_secs,
                d.header_timeout,
            )?,
            body_timeout: secs("body_timeout_secs", self.body_timeout_secs, d.body_timeout)?,
            max_connections: match self.max_connections {
                None => d.max_connections,
                Some(n) if (1..=100_000).contains(&n) => n as usize,
                Some(n) => {
                    return Err(CliError::usage(anyhow!(
                        "server.max_connections is {n}: it should be between 1 and 100000"
                    )))
                }
            },
        })
    }
}

/// `[log]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    #[serde(default)]
    pub format: LogFormat,
    #[serde(default = "default_filter")]
    pub filter: String,
}

/// `log.format`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

fn default_db() -> String {
    "sqlite://leernet.sqlite".into()
}

fn default_addr() -> String {
    "127.0.0.1:8080".into()
}

fn default_filter() -> String {
    "warn".into()
}

impl Default for DatabaseSection {
    fn default() -> Self {
        DatabaseSection {
            url: default_db(),
            password: None,
            max_connections: None,
            sqlite_synchronous: None,
        }
    }
}

impl Default for ServerSection {
    fn default() -> Self {
        ServerSection {
            addr: default_addr(),
            public_url: None,
            trusted_proxies: Vec::new(),
            header_timeout_secs: None,
            body_timeout_secs: None,
            max_connections: None,
            figures_wait_ms: None,
        }
    }
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            format: LogFormat::Text,
            filter: default_filter(),
        }
    }
}

/// One documented key.
pub struct Key {
    /// `section.key` as in `leernet.toml`.
    pub name: &'static str,
    /// The environment variable that overrides it, if any.
    pub env: Option<&'static str>,
    /// The default as TOML, or `None` when unset by default.
    pub default: Option<&'static str>,
    /// An example value (TOML) for keys unset by default.
    pub example: &'static str,
    /// What it means.
    pub doc: &'static str,
}

/// Every key, in the order `leernet config default` prints them.
pub const KEYS: &[Key] = &[
    Key {
        name: "project.name",
        env: None,
        default: Some("\"\""),
        example: "",
        doc: "The project's name, shown in messages and exports (`leernet init` sets the folder's name).",
    },
    Key {
        name: "project.demo",
        env: None,
        default: Some("false"),
        example: "",
        doc: "Whether the project is the fictional demo (`leernet demo` may then replace it).",
    },
    Key {
        name: "database.url",
        env: Some("LEERNET_DATABASE_URL"),
        default: Some("\"sqlite://leernet.sqlite\""),
        example: "",
        doc: "The database: `sqlite://FILE` (relative to the project folder) or `postgres://USER@HOST:PORT/DB`.",
    },
    Key {
        name: "database.password",
        env: Some("LEERNET_DATABASE_PASSWORD"),
        default: None,
        example: "\"…\"",
        doc: "PostgreSQL only: the password, when it is not in the URL (keep it in the environment, not in this file). Never shown.",
    },
    Key {
        name: "database.max_connections",
        env: Some("LEERNET_DATABASE_MAX_CONNECTIONS"),
        default: None,
        example: "8",
        doc: "The most database connections one process opens (default 4 on SQLite, 8 on PostgreSQL); with several instances their sum must stay under PostgreSQL's max_connections.",
    },
    Key {
        name: "database.sqlite_synchronous",
        env: Some("LEERNET_DATABASE_SQLITE_SYNCHRONOUS"),
        default: None,
        example: "\"normal\"",
        doc: "SQLite only: \"full\" (default: an fsync per commit, so no survey answer is acknowledged before it is on the disk; it survives a power failure) or \"normal\" (an opt-in: a commit survives the process being killed, but the last ones can be lost in a power failure).",
    },
    Key {
        name: "server.addr",
        env: Some("LEERNET_ADDR"),
        default: Some("\"127.0.0.1:8080\""),
        example: "",
        doc: "Where `leernet serve` listens (`--addr` overrides it).",
    },
    Key {
        name: "server.public_url",
        env: Some("LEERNET_PUBLIC_URL"),
        default: None,
        example: "\"https://leernet.example.org\"",
        doc: "The address people reach the app at, behind the reverse proxy; an https:// address makes cookies Secure.",
    },
    Key {
        name: "server.trusted_proxies",
        env: Some("LEERNET_TRUSTED_PROXIES"),
        default: None,
        example: "[\"127.0.0.1\"]",
        doc: "The reverse proxies (IP addresses; comma-separated in the environment) whose X-Forwarded-For header names the client, so that the per-address login throttle counts clients and not the proxy. Only list proxies you run: a trusted address can claim to be anyone.",
    },
    Key {
        name: "server.header_timeout_secs",
        env: Some("LEERNET_HEADER_TIMEOUT_SECS"),
        default: None,
        example: "10",
        doc: "Seconds the server waits for a request's head, and for the next request on an idle connection, before it closes the connection (1 to 3600; default 10).",
    },
    Key {
        name: "server.body_timeout_secs",
        env: Some("LEERNET_BODY_TIMEOUT_SECS"),
        default: None,
        example: "30",
        doc: "Seconds the server waits for the next piece of a request's body (an upload) before it gives up on the request (1 to 3600; default 30).",
    },
    Key {
        name: "server.max_connections",
        env: Some("LEERNET_MAX_CONNECTIONS"),
        default: None,
        example: "256",
        doc: "The most connections one `leernet serve` keeps open at once; more wait in the system's queue until one closes (1 to 100000; default 256). Keep it under the process's open-file limit (ulimit -n) less the database's files.",
    },
    Key {
        name: "server.figures_wait_ms",
        env: Some("LEERNET_FIGURES_WAIT_MS"),
        default: None,
        example: "400",
        doc: "Milliseconds a page of figures (the overview, the networks, a network's page and profile) waits for the figures of data that just changed; after that it shows the figures of the data before and says that new ones are being calculated (0 to 60000; default 400). Reports, downloads and the API always wait for the latest.",
    },
    Key {
        name: "smtp.host",
        env: Some("LEERNET_SMTP_HOST"),
        default: None,
        example: "\"smtp.example.org\"",
        doc: "The mail server that sends invitation links and workspace notifications; without an [smtp] section nothing is mailed and links are copied from the CSV.",
    },
    Key {
        name: "smtp.port",
        env: Some("LEERNET_SMTP_PORT"),
        default: None,
        example: "587",
        doc: "Its port (default 587 with starttls, 465 with tls, 25 with none).",
    },
    Key {
        name: "smtp.tls",
        env: Some("LEERNET_SMTP_TLS"),
        default: None,
        example: "\"starttls\"",
        doc: "\"starttls\" (default), \"tls\" (TLS from the first byte) or \"none\" (only for a relay on the same machine).",
    },
    Key {
        name: "smtp.user",
        env: Some("LEERNET_SMTP_USER"),
        default: None,
        example: "\"leernet\"",
        doc: "The login at the mail server, when it asks for one.",
    },
    Key {
        name: "smtp.password",
        env: Some("LEERNET_SMTP_PASSWORD"),
        default: None,
        example: "\"…\"",
        doc: "Its password (keep it in the environment, not in this file). Never shown.",
    },
    Key {
        name: "smtp.from",
        env: Some("LEERNET_SMTP_FROM"),
        default: None,
        example: "\"Onderzoek lerende netwerken <leernet@example.org>\"",
        doc: "The sender of every message, `Name <address>` or an address.",
    },
    Key {
        name: "log.format",
        env: Some("LEERNET_LOG_FORMAT"),
        default: Some("\"text\""),
        example: "",
        doc: "\"text\" (readable lines) or \"json\" (one JSON object per line, with the request id); logs go to standard error.",
    },
    Key {
        name: "log.filter",
        env: Some("RUST_LOG"),
        default: Some("\"warn\""),
        example: "",
        doc: "Which events to log, as a tracing filter: \"warn\", \"info\" (adds one line per request), \"leernet_web=debug,warn\", ….",
    },
];

impl ProjectFile {
    /// Sets one key from text (an environment variable's value). The error says what the
    /// value should be.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let v = value.trim();
        match key {
            "project.name" => self.project.name = v.to_owned(),
            "project.demo" => {
                self.project.demo = v.parse().map_err(|_| "true or false".to_owned())?
            }
            "database.url" => self.database.url = v.to_owned(),
            "database.password" => self.database.password = Some(Secret::new(value)),
            "database.max_connections" => {
                self.database.max_connections = Some(
                    v.parse()
                        .map_err(|_| "a whole number of connections".to_owned())?,
                )
            }
            "database.sqlite_synchronous" => {
                self.database.sqlite_synchronous = Some(match v {
                    "normal" => SqliteSynchronous::Normal,
                    "full" => SqliteSynchronous::Full,
                    _ => return Err("\"normal\" or \"full\"".into()),
                })
            }
            "server.addr" => self.server.addr = v.to_owned(),
            "server.public_url" => self.server.public_url = Some(v.to_owned()),
            "server.header_timeout_secs" => {
                self.server.header_timeout_secs = Some(
                    v.parse()
                        .map_err(|_| "a whole number of seconds".to_owned())?,
                )
            }
            "server.body_timeout_secs" => {
                self.server.body_timeout_secs = Some(
                    v.parse()
                        .map_err(|_| "a whole number of seconds".to_owned())?,
                )
            }
            "server.max_connections" => {
                self.server.max_connections = Some(
                    v.parse()
                        .map_err(|_| "a whole number of connections".to_owned())?,
                )
            }
            "server.figures_wait_ms" => {
                self.server.figures_wait_ms = Some(
                    v.parse()
                        .map_err(|_| "a whole number of milliseconds".to_owned())?,
                )
            }
            "server.trusted_proxies" => {
                self.server.trusted_proxies = v
                    .trim_matches(|c| c == '[' || c == ']')
                    .split(',')
                    .map(|a| a.trim().trim_matches('"').to_owned())
                    .filter(|a| !a.is_empty())
                    .collect()
            }
            "log.format" => {
                self.log.format = match v {
                    "text" => LogFormat::Text,
                    "json" => LogFormat::Json,
                    _ => return Err("\"text\" or \"json\"".into()),
                }
            }
            "log.filter" => self.log.filter = v.to_owned(),
            "smtp.host" | "smtp.port" | "smtp.tls" | "smtp.user" | "smtp.password"
            | "smtp.from" => {
                let smtp = self.smtp.get_or_insert_with(Default::default);
                match key {
                    "smtp.host" => smtp.host = v.to_owned(),
                    "smtp.port" => {
                        smtp.port = Some(v.parse().map_err(|_| "a port number".to_owned())?)
                    }
                    "smtp.tls" => {
                        smtp.tls = match v {
                            "starttls" => leernet_app::mail::TlsMode::Starttls,
                            "tls" => leernet_app::mail::TlsMode::Tls,
                            "none" => leernet_app::mail::TlsMode::None,
                            _ => return Err("\"starttls\", \"tls\" or \"none\"".into()),
                        }
                    }
                    "smtp.user" => smtp.user = Some(v.to_owned()),
                    "smtp.password" => smtp.password = Some(value.to_owned()),
                    _ => smtp.from = v.to_owned(),
                }
            }
            _ => return Err(format!("{key} is not a setting")),
        }
        Ok(())
    }

    /// The environment layer: every key's variable, when set and not empty.
    pub fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> CliResult {
        for k in KEYS {
            let Some(var) = k.env else { continue };
            if let Some(value) = env(var).filter(|v| !v.is_empty()) {
                self.set(k.name, &value).map_err(|want| {
                    CliError::usage(anyhow!(
                        "{var} (for {}) should be {want}, not {value:?}",
                        k.name
                    ))
                })?;
            }
        }
        Ok(())
    }

    /// Checks across keys: settings that contradict each other are refused, naming both.
    pub fn validate(&self) -> CliResult {
        let url = &self.database.url;
        let sqlite = url.starts_with("sqlite:");
        let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        let bad = |m: String| Err(CliError::usage(anyhow!(m)));
        if !sqlite && !postgres {
            return bad(format!(
                "database.url {} is neither sqlite://FILE nor postgres://USER@HOST/DB",
                leernet_store::redact_url(url)
            ));
        }
        if postgres && self.database.sqlite_synchronous.is_some() {
            return bad("database.sqlite_synchronous applies to SQLite only, but database.url is a PostgreSQL URL: remove one of them".into());
        }
        if postgres && url.contains("mode=") {
            return bad(
                "database.url is a PostgreSQL URL with the SQLite-only option mode=: remove it"
                    .into(),
            );
        }
        if sqlite && self.database.password.is_some() {
            return bad("database.password applies to PostgreSQL only, but database.url is an SQLite file: remove the password".into());
        }
        if self.database.password.is_some() && url_has_password(url) {
            return bad("the database password is given twice, in database.url and in database.password (or LEERNET_DATABASE_PASSWORD): keep one".into());
        }
        if self
            .database
            .max_connections
            .is_some_and(|n| !(1..=1000).contains(&n))
        {
            return bad("database.max_connections should be between 1 and 1000".into());
        }
        self.server.trusted_proxies()?;
        self.server.limits()?;
        if let Some(smtp) = &self.smtp {
            if smtp.host.trim().is_empty() || smtp.from.trim().is_empty() {
                return bad("the [smtp] section needs both smtp.host and smtp.from (or LEERNET_SMTP_HOST and LEERNET_SMTP_FROM)".into());
            }
        }
        if let Some(p) = &self.server.public_url {
            if !(p.starts_with("http://") || p.starts_with("https://")) {
                return bad(format!(
                    "server.public_url {p:?} should start with https:// (or http://)"
                ));
            }
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.filter) {
            return bad(format!(
                "log.filter {:?} is not a filter: {e}",
                self.log.filter
            ));
        }
        Ok(())
    }
}

fn url_has_password(url: &str) -> bool {
    url.split_once("://")
        .and_then(|(_, rest)| rest.split('/').next())
        .and_then(|auth| auth.rsplit_once('@'))
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// Puts a separately given password into a PostgreSQL URL (percent-encoded).
fn with_password(url: &str, password: &str) -> String {
    let encoded: String = password
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((user, host)) if !user.contains('/') => {
                format!("{scheme}://{user}:{encoded}@{host}")
            }
            _ => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// Prints the documented defaults as a `leernet.toml` (`leernet config default`): every key
/// with its meaning and environment variable; keys unset by default are commented out.
pub fn default_toml() -> String {
    let mut out = String::from(
        "# leernet.toml: the settings of a leernet project, with their defaults.\n\
         # Layers: these defaults, then this file, then the environment variables named below.\n",
    );
    let mut section = "";
    for k in KEYS {
        let (sec, key) = k.name.split_once('.').unwrap_or(("", k.name));
        if sec != section {
            // A section none of whose keys is set by default (the optional `[smtp]`) is
            // printed commented out, like its keys: uncommented it would be incomplete.
            let optional = KEYS
                .iter()
                .filter(|o| o.name.split_once('.').map(|(s, _)| s) == Some(sec))
                .all(|o| o.default.is_none());
            let hash = if optional { "# " } else { "" };
            out.push_str(&format!("\n{hash}[{sec}]\n"));
            section = sec;
        }
        out.push_str(&format!("# {}\n", k.doc));
        if let Some(env) = k.env {
            out.push_str(&format!("# Environment: {env}.\n"));
        }
        match k.default {
            Some(d) => out.push_str(&format!("{key} = {d}\n")),
            None => out.push_str(&format!("# {key} = {}\n", k.example)),
        }
    }
    out
}

/// The settings in force for one command.
#[derive(Clone)]
pub struct Settings {
    pub dir: PathBuf,
    /// The layered settings (defaults, file, environment).
    pub file: ProjectFile,
    /// The database URL with a relative SQLite path made absolute and the password (if
    /// given separately) put in. Never print it: use `leernet_store::redact_url`.
    pub database_url: String,
    pub addr: String,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("dir", &self.dir)
            .field("file", &self.file)
            .field(
                "database_url",
                &leernet_store::redact_url(&self.database_url),
            )
            .field("addr", &self.addr)
            .finish()
    }
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

/// Reads and parses `leernet.toml` in `dir`.
fn read_file(dir: &Path) -> CliResult<ProjectFile> {
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
    toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start].lines().count().max(1))
            .map(|l| format!(" at line {l}"))
            .unwrap_or_default();
        CliError::usage(anyhow!(
            "{} does not parse{line}: {}; fix it or compare with `leernet config default`",
            path.display(),
            e.message().trim_end()
        ))
    })
}

impl Settings {
    /// Loads the settings of the project in `dir`: defaults, `leernet.toml`, environment.
    pub fn load(dir: &Path) -> CliResult<Settings> {
        Settings::load_with(dir, &|k| std::env::var(k).ok())
    }

    /// [`Settings::load`] with the environment given (for tests).
    pub fn load_with(dir: &Path, env: &dyn Fn(&str) -> Option<String>) -> CliResult<Settings> {
        let mut file = read_file(dir)?;
        file.apply_env(env)?;
        file.validate().map_err(|e| {
            CliError::usage(anyhow!(
                "the settings of {} contradict each other: {e}",
                dir.join(PROJECT_FILE).display()
            ))
        })?;
        let mut url = resolve_database_url(&file.database.url, dir);
        if let Some(p) = &file.database.password {
            url = with_password(&url, p.expose());
        }
        Ok(Settings {
            dir: dir.to_path_buf(),
            database_url: url,
            addr: file.server.addr.clone(),
            file,
        })
    }

    /// The log settings before a command runs: the project's file when it reads, then the
    /// environment; anything unreadable is left to the command to report.
    pub fn log_for_startup(dir: &Path) -> LogSection {
        let mut file = read_file(dir).unwrap_or_default();
        let _ = file.apply_env(&|k| std::env::var(k).ok());
        file.log
    }

    /// How to open the store.
    pub fn store_options(&self) -> leernet_store::StoreOptions {
        leernet_store::StoreOptions {
            max_connections: self.file.database.max_connections,
            sqlite_synchronous_normal: self.file.database.sqlite_synchronous
                == Some(SqliteSynchronous::Normal),
            schema: None,
            read_only: false,
        }
    }

    /// Opens the store of the study the command is for (exit 2 when the database cannot be
    /// reached or is newer, or when `--study` is wrong or missing among several studies).
    pub async fn store(&self) -> CliResult<leernet_store::Store> {
        let (inst, _study, store) = self.study_store().await?;
        inst.close().await;
        Ok(store)
    }

    /// [`Settings::store`], writable even when the study is archived: for the commands
    /// that must still write there (a person's export and erase, retention and
    /// pseudonymisation, and the audit entry of an export;
    /// `Installation::open_study_writable`). Every other command gets an archived study
    /// read-only.
    pub async fn store_writable(&self) -> CliResult<leernet_store::Store> {
        let (inst, _study, store) = self.open_chosen(true).await?;
        inst.close().await;
        Ok(store)
    }

    /// The URL of the installation: on SQLite its own file beside the project's database
    /// (`leernet-installation.sqlite` beside `leernet.sqlite`), on PostgreSQL the same
    /// database (schema `leernet_installation`).
    pub fn installation_url(&self) -> String {
        leernet_store::Installation::url_beside(&self.database_url)
    }

    fn store_error(&self, e: leernet_store::StoreError) -> CliError {
        match e {
            leernet_store::StoreError::NewerSchema { .. } => CliError::usage(anyhow!("{e}")),
            leernet_store::StoreError::Conflict(_) | leernet_store::StoreError::ReadOnly => {
                CliError::invalid(anyhow!("{e}"))
            }
            _ => CliError::usage(anyhow!(
                "{e}; check [database] url in {} or LEERNET_DATABASE_URL",
                self.dir.join(PROJECT_FILE).display()
            )),
        }
    }

    /// A study use case's error: a store error as [`Settings::store_error`], a refusal
    /// (an unknown network, a wrong `--study`) as invalid input or a usage error.
    pub fn study_error(&self, e: leernet_app::studies::StudyError) -> CliError {
        use leernet_app::studies::StudyError;
        match e {
            StudyError::Store(e) => self.store_error(e),
            e @ StudyError::Pick(_) => CliError::usage(anyhow!("{e}")),
            e => CliError::invalid(anyhow!("{e}")),
        }
    }

    /// Opens the project's installation; the first time, the project's database becomes
    /// its first study (`leernet_app::studies::open_installation`), named after
    /// `[project] name`.
    pub async fn installation(&self) -> CliResult<leernet_store::Installation> {
        let inst_url = self.installation_url();
        let opts = self.store_options();
        let slug = leernet_app::studies::adopt_slug(&self.file.project.name);
        leernet_app::studies::open_installation(
            &leernet_app::studies::ProjectPlace {
                installation_url: &inst_url,
                study_url: &self.database_url,
                opts: &opts,
                adopt_slug: &slug,
                adopt_title: &self.file.project.name,
            },
            &crate::cmd_privacy::cli_actor(),
            now(),
        )
        .await
        .map_err(|e| self.study_error(e))
    }

    /// The installation, the study the command is for (`--study`, or the only active one)
    /// and that study's open store.
    pub async fn study_store(
        &self,
    ) -> CliResult<(
        leernet_store::Installation,
        leernet_store::Study,
        leernet_store::Store,
    )> {
        self.open_chosen(false).await
    }

    async fn open_chosen(
        &self,
        writable: bool,
    ) -> CliResult<(
        leernet_store::Installation,
        leernet_store::Study,
        leernet_store::Store,
    )> {
        let inst = self.installation().await?;
        let opened = async {
            let studies = inst.studies().await.map_err(|e| self.store_error(e))?;
            let named = chosen_study().or(self.file.project.study.as_deref());
            let study = leernet_app::studies::pick_study(&studies, named)
                .map_err(|e| self.study_error(e))?;
            let store = if writable {
                inst.open_study_writable(&study).await
            } else {
                inst.open_study(&study).await
            }
            .map_err(|e| self.store_error(e))?;
            Ok::<_, CliError>((study, store))
        }
        .await;
        match opened {
            Ok((study, store)) => Ok((inst, study, store)),
            Err(e) => {
                inst.close().await;
                Err(e)
            }
        }
    }

    /// The store a backup is restored into: the chosen study's, with the installation and
    /// the study (the restored people and networks are then copied up,
    /// `Installation::pull_up`); or — in a project that is no installation yet — the
    /// project's database itself, which the next command adopts with everything restored.
    #[allow(clippy::type_complexity)]
    pub async fn store_to_restore_into(
        &self,
    ) -> CliResult<(
        leernet_store::Store,
        Option<(leernet_store::Installation, leernet_store::Study)>,
    )> {
        let inst = leernet_store::Installation::connect_with(
            &self.installation_url(),
            &self.store_options(),
        )
        .await
        .map_err(|e| self.store_error(e))?;
        let studies = inst.studies().await;
        inst.close().await;
        if studies.map_err(|e| self.store_error(e))?.is_empty() {
            let store =
                leernet_store::Store::connect_with(&self.database_url, &self.store_options())
                    .await
                    .map_err(|e| self.store_error(e))?;
            return Ok((store, None));
        }
        let (inst, study, store) = self.study_store().await?;
        Ok((store, Some((inst, study))))
    }
}

/// The study named by the global `--study` flag, set once by `main` before any command runs.
static STUDY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Records the global `--study SLUG` (or its absence) for every command of this process.
pub fn choose_study(slug: Option<String>) {
    let _ = STUDY.set(slug);
}

/// The study `--study` names, if it names one.
pub fn chosen_study() -> Option<&'static str> {
    STUDY.get().and_then(|s| s.as_deref())
}

static CLOCK: std::sync::OnceLock<leernet_core::SharedClock> = std::sync::OnceLock::new();

/// Records the process's one clock (made in `main`) for what the settings do on their own:
/// adopting a project's database as the installation's first study writes audit entries.
pub fn use_clock(clock: leernet_core::SharedClock) {
    let _ = CLOCK.set(clock);
}

/// Now, in Unix seconds, by the clock of [`use_clock`] (the system clock when `main` gave
/// none, as in the binary's own unit tests).
fn now() -> i64 {
    match CLOCK.get() {
        Some(c) => c.unix_seconds(),
        None => leernet_core::Clock::unix_seconds(&leernet_core::SystemClock),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PROJECT_FILE), text).unwrap();
        dir
    }

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
        let dir = project("[project]\nname = \"x\"\n[database\n");
        let e = Settings::load(dir.path()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("line 3"), "{e}");
        let e = Settings::load(&dir.path().join("nope")).unwrap_err();
        assert!(e.to_string().contains("leernet init"), "{e}");
    }

    #[test]
    fn layers_apply_in_order_defaults_file_environment() {
        let dir = project("[server]\naddr = \"0.0.0.0:9000\"\n[log]\nformat = \"json\"\n");
        let none = |_: &str| None;
        let s = Settings::load_with(dir.path(), &none).unwrap();
        assert_eq!(s.addr, "0.0.0.0:9000", "the file over the default");
        assert_eq!(s.file.log.format, LogFormat::Json);
        assert_eq!(
            s.file.log.filter, "warn",
            "the default where the file is silent"
        );
        let env = |k: &str| (k == "LEERNET_ADDR").then(|| "127.0.0.1:7000".to_owned());
        let s = Settings::load_with(dir.path(), &env).unwrap();
        assert_eq!(s.addr, "127.0.0.1:7000", "the environment over the file");
        let env = |k: &str| (k == "LEERNET_LOG_FORMAT").then(|| "yaml".to_owned());
        let e = Settings::load_with(dir.path(), &env).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("LEERNET_LOG_FORMAT"), "{e}");
    }

    #[test]
    fn every_field_is_documented_and_every_documented_key_exists() {
        // Every field, also the ones unset by default, as they appear in a full file.
        let mut full = ProjectFile::default();
        for k in KEYS {
            let v = match k.default {
                Some(d) => d.trim_matches('"').to_owned(),
                None => k.example.trim_matches('"').to_owned(),
            };
            full.set(k.name, &v)
                .unwrap_or_else(|e| panic!("{}: {e}", k.name));
        }
        let table: toml::Table = toml::from_str(&toml::to_string(&full).unwrap()).unwrap();
        let mut fields: Vec<String> = table
            .iter()
            .flat_map(|(s, v)| {
                v.as_table()
                    .unwrap()
                    .keys()
                    .map(move |k| format!("{s}.{k}"))
            })
            .collect();
        fields.sort();
        let mut documented: Vec<String> = KEYS.iter().map(|k| k.name.to_owned()).collect();
        documented.sort();
        assert_eq!(fields, documented);
        // The printed defaults read back as the defaults.
        let printed: ProjectFile = toml::from_str(&default_toml()).unwrap();
        assert_eq!(printed, ProjectFile::default());
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let dir = project("[database]\nurl = \"postgres://leernet@db.example.org/leernet\"\n");
        let env = |k: &str| (k == "LEERNET_DATABASE_PASSWORD").then(|| "hunter2 s3cret".into());
        let s = Settings::load_with(dir.path(), &env).unwrap();
        assert_eq!(
            s.database_url,
            "postgres://leernet:hunter2%20s3cret@db.example.org/leernet"
        );
        let shown = format!("{s:?} {:?} {}", s.file, toml::to_string(&s.file).unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
        let env =
            |k: &str| (k == "LEERNET_DATABASE_URL").then(|| "postgres://u:hunter2@h/db".into());
        let s = Settings::load_with(dir.path(), &env).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
        // The mail server's password, from the file or the environment.
        let dir = project("[smtp]\nhost = \"mail.example.org\"\nfrom = \"a@example.org\"\npassword = \"hunter2\"\n");
        let s = Settings::load_with(dir.path(), &|_| None).unwrap();
        assert_eq!(
            s.file.smtp.as_ref().unwrap().password.as_deref(),
            Some("hunter2")
        );
        let shown = format!("{s:?} {}", toml::to_string(&s.file).unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
        let env = |k: &str| (k == "LEERNET_SMTP_PASSWORD").then(|| "hunter2".into());
        let s = Settings::load_with(dir.path(), &env).unwrap();
        assert!(!format!("{s:?} {}", toml::to_string(&s.file).unwrap()).contains("hunter2"));
        // Half an [smtp] section is refused.
        let env = |k: &str| (k == "LEERNET_SMTP_HOST").then(|| "mail.example.org".into());
        let e = Settings::load_with(project("").path(), &env).unwrap_err();
        assert!(e.to_string().contains("smtp.from"), "{e}");
    }

    #[test]
    fn contradicting_settings_are_refused_naming_both() {
        let dir =
            project("[database]\nurl = \"postgres://u@h/db\"\nsqlite_synchronous = \"full\"\n");
        let e = Settings::load_with(dir.path(), &|_| None).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let m = e.to_string();
        assert!(
            m.contains("sqlite_synchronous") && m.contains("PostgreSQL"),
            "{m}"
        );
        let dir = project("");
        let env = |k: &str| (k == "LEERNET_DATABASE_PASSWORD").then(|| "x".into());
        let e = Settings::load_with(dir.path(), &env).unwrap_err();
        assert!(e.to_string().contains("PostgreSQL only"), "{e}");
    }
}
