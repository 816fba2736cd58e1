//! The audit log: who exported, erased or pseudonymised personal data, changed a role, set or
//! applied a retention date, opened or closed a wave, sent invitation e-mails, imported or
//! exported responses, settled a coding consensus or changed a codebook, and when.
//!
//! Why it exists: a research group must be able to show what was done with respondents'
//! data and by whom (the consent, the data-protection officer, a respondent who asks). So the
//! log is append-only in the database itself (triggers refuse UPDATE and DELETE on both back
//! ends, and TRUNCATE on PostgreSQL), and an entry that belongs to a change is written in the
//! change's own transaction: there is never a change without its entry, or the reverse.
//!
//! An entry holds ids and counts only (`person:12`, `wave:3`, `responses_removed=2`): never an
//! answer, a name or an e-mail address, so the log itself needs no erasing.

use crate::{get, Result, Store, StoreError};
use leernet_core::{NetworkId, PersonId, Role, WaveId, WaveStatus};

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A person logged in to the web app.
    Person(PersonId),
    /// Someone at the command line, by operating-system user name.
    Cli(String),
    /// leernet itself (a scheduled job).
    System,
}

impl Actor {
    /// Stored form: `person:<id>`, `cli:<user>` or `system`.
    pub fn as_string(&self) -> String {
        match self {
            Actor::Person(p) => format!("person:{}", p.0),
            Actor::Cli(u) => format!("cli:{u}"),
            Actor::System => "system".to_owned(),
        }
    }
}

/// What was done. Stored by [`Action::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    PrivacyExport,
    PrivacyErase,
    Pseudonymise,
    RetentionSet,
    RetentionApply,
    RoleChange,
    WaveOpen,
    WaveClose,
    /// Invitation links sent by e-mail for a wave (counts only, never addresses).
    InvitationsSend,
    /// Responses imported from another tool into a wave.
    ResponsesImport,
    /// A wave's responses exported as a data file.
    ResponsesExport,
    /// The lead settled an answer of a coding assignment (a consensus reading).
    CodingConsensus,
    /// A code added to or changed in a codebook.
    CodebookChange,
    /// A person downloaded their own workspace contributions.
    WorkspaceExport,
    /// A person erased their own workspace contributions.
    WorkspaceErase,
    /// The coded project exported for other QDA tools (REFI-QDA `.qdpx`: open answers,
    /// codings and coders).
    CodingExport,
}

impl Action {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::PrivacyExport => "privacy.export",
            Action::PrivacyErase => "privacy.erase",
            Action::Pseudonymise => "privacy.pseudonymise",
            Action::RetentionSet => "retention.set",
            Action::RetentionApply => "retention.apply",
            Action::RoleChange => "role.change",
            Action::WaveOpen => "wave.open",
            Action::WaveClose => "wave.close",
            Action::InvitationsSend => "invitations.send",
            Action::ResponsesImport => "responses.import",
            Action::ResponsesExport => "responses.export",
            Action::CodingConsensus => "coding.consensus",
            Action::CodebookChange => "codebook.change",
            Action::WorkspaceExport => "workspace.export",
            Action::WorkspaceErase => "workspace.erase",
            Action::CodingExport => "coding.export",
        }
    }

    /// Every action, in the order they were introduced (the audit page labels each).
    pub const ALL: &'static [Action] = &[
        Action::PrivacyExport,
        Action::PrivacyErase,
        Action::Pseudonymise,
        Action::RetentionSet,
        Action::RetentionApply,
        Action::RoleChange,
        Action::WaveOpen,
        Action::WaveClose,
        Action::InvitationsSend,
        Action::ResponsesImport,
        Action::ResponsesExport,
        Action::CodingConsensus,
        Action::CodebookChange,
        Action::WorkspaceExport,
        Action::WorkspaceErase,
        Action::CodingExport,
    ];
}

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewAudit {
    /// Unix seconds.
    pub at: i64,
    pub actor: Actor,
    pub action: Action,
    /// Ids of what was acted on, such as `person:12` or `wave:3`.
    pub subject: String,
    /// Counts and settings (`key=value`, space separated); never answers, names or addresses.
    pub detail: String,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// Appends an entry inside the caller's transaction (or on any connection).
pub(crate) async fn record(conn: &mut sqlx::AnyConnection, e: &NewAudit) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(e.at)
    .bind(e.actor.as_string())
    .bind(e.action.as_str())
    .bind(&e.subject)
    .bind(&e.detail)
    .execute(conn)
    .await?;
    Ok(())
}

fn entry(r: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: get(r, "id")?,
        at: get(r, "at")?,
        actor: get(r, "actor")?,
        action: get(r, "action")?,
        subject: get(r, "subject")?,
        detail: get(r, "detail")?,
    })
}

impl Store {
    /// Appends one entry to the audit log.
    pub async fn audit(&self, e: &NewAudit) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        record(&mut conn, e).await
    }

    /// The whole audit log, oldest first.
    pub async fn audit_log(&self) -> Result<Vec<AuditEntry>> {
        let rows =
            sqlx::query("SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(entry).collect()
    }

    /// The entries in which `subject` (such as `person:12`) is the actor or the subject.
    pub async fn audit_entries_about(&self, subject: &str) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, subject, detail FROM audit_log \
             WHERE actor = $1 OR subject = $1 ORDER BY id",
        )
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry).collect()
    }

    /// Opens or closes a wave and records who did it, in one transaction. Setting the status
    /// a wave already has changes nothing and records nothing.
    pub async fn set_wave_status_audited(
        &self,
        wave: WaveId,
        status: WaveStatus,
        actor: &Actor,
        at: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let old: Option<String> = sqlx::query_scalar("SELECT status FROM waves WHERE id = $1")
            .bind(wave.0)
            .fetch_optional(&mut *tx)
            .await?;
        let old = old.ok_or_else(|| StoreError::NotFound(format!("there is no wave {wave}")))?;
        if old == status.as_str() {
            tx.rollback().await?;
            return Ok(());
        }
        sqlx::query("UPDATE waves SET status = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(wave.0)
            .execute(&mut *tx)
            .await?;
        let action = match status {
            WaveStatus::Open => Action::WaveOpen,
            _ => Action::WaveClose,
        };
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action,
                subject: format!("wave:{}", wave.0),
                detail: format!("from={old} to={}", status.as_str()),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// [`Store::add_person`], recording the role given (`role.change` from `none`) in the
    /// same transaction.
    pub async fn add_person_audited(
        &self,
        p: &crate::NewPerson,
        actor: &Actor,
        at: i64,
    ) -> Result<PersonId> {
        let mut tx = self.pool.begin().await?;
        let id = crate::registry::insert_person(&mut tx, p).await?;
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::RoleChange,
                subject: format!("person:{}", id.0),
                detail: format!("from=none to={}", p.role.as_str()),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// [`Store::update_account`], recording a changed role (`role.change`) in the same
    /// transaction; an unchanged role records nothing.
    pub async fn update_account_audited(
        &self,
        id: PersonId,
        role: Role,
        network: Option<NetworkId>,
        password_hash: &str,
        actor: &Actor,
        at: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let old: Option<String> = sqlx::query_scalar("SELECT role FROM persons WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        let old =
            old.ok_or_else(|| StoreError::NotFound(format!("there is no person {}", id.0)))?;
        crate::accounts::update_account_in(&mut tx, id, role, network, password_hash).await?;
        if old != role.as_str() {
            record(
                &mut tx,
                &NewAudit {
                    at,
                    actor: actor.clone(),
                    action: Action::RoleChange,
                    subject: format!("person:{}", id.0),
                    detail: format!("from={old} to={}", role.as_str()),
                },
            )
            .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// `at` (Unix seconds) as an ISO 8601 UTC time, `2026-11-28T19:40:09Z`: for the audit log's
/// readers (the CLI and the web page), who share one way of showing it.
pub fn utc_timestamp(at: i64) -> String {
    let days = at.div_euclid(86_400);
    let secs = at.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The calendar date of a day number (days since 1970-01-01), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_times() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(1_796_499_609), "2026-12-05T19:40:09Z");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
    }
}
