//! Mail: the `[smtp]` settings and the mailer (lettre over SMTP) that sends invitations
//! (the web app's button on a wave's page) and the workspace outbox ([`crate::outbox`], from
//! the web app and from `leernet notify send`).
//!
//! Why here: the binary reads `[smtp]` into [`SmtpSettings`] and the web app sends with the
//! same [`Mailer`]; neither should reach into the other for it.
//!
//! The password never appears in `Debug` output or logs. TLS modes: `starttls` (default,
//! port 587), `tls` (implicit TLS, port 465) and `none` (plain SMTP: only for a relay on the
//! same machine, as in the tests).

use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS (required); usually port 587.
    #[default]
    Starttls,
    /// TLS from the first byte; usually port 465.
    Tls,
    /// No encryption: only for a relay on the same machine.
    None,
}

/// `[smtp]` in `leernet.toml`.
///
/// | key | default | meaning |
/// |---|---|---|
/// | `host` | — | the SMTP server |
/// | `port` | 587 (`tls`: 465, `none`: 25) | its port |
/// | `tls` | `starttls` | `starttls`, `tls` or `none` |
/// | `user`, `password` | none | login, when the server asks for one |
/// | `from` | — | the sender, `Name <address>` or an address |
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: TlsMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Shown as `***` when the settings are printed (`leernet config show`), never in clear.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "redacted"
    )]
    pub password: Option<String>,
    pub from: String,
}

fn redacted<S: serde::Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_str("***"),
        None => s.serialize_none(),
    }
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpSettings {
    /// The port in force.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
            TlsMode::None => 25,
        })
    }
}

/// Why the mailer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(
        "[smtp] from = {0:?} is not an e-mail address (write \"Name <address>\" or an address)"
    )]
    From(String),
    #[error("[smtp] host = {0:?}: {1}")]
    Host(String, String),
}

/// Sends messages through the configured SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// A mailer for these settings (nothing is sent or connected yet).
    pub fn new(s: &SmtpSettings) -> Result<Mailer, MailError> {
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|_| MailError::From(s.from.clone()))?;
        let builder = match s.tls {
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
            TlsMode::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
                .map_err(|e| MailError::Host(s.host.clone(), e.to_string()))?,
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)
                .map_err(|e| MailError::Host(s.host.clone(), e.to_string()))?,
        };
        let mut builder = builder
            .port(s.port())
            .timeout(Some(Duration::from_secs(20)));
        if let (Some(u), Some(p)) = (&s.user, &s.password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one plain-text message; the error says why, for the researcher (it may name
    /// the address, so it is never logged).
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("{e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
