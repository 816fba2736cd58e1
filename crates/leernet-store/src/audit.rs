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
use leernet_core::{InstrumentId, NetworkId, PersonId, Role, WaveId, WaveStatus};

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

/// What an entry is about. Stored as text (`person:12`, `wave:3`, `project`), as entries
/// always were: [`AuditSubject::parse`] reads every stored row, and one this version does
/// not know stays as it was ([`AuditSubject::Other`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuditSubject {
    /// A person with an account.
    Person(PersonId),
    /// Someone without an account, by their first invitation.
    Invitation(i64),
    /// Someone known only by a pseudonym code of a key file.
    Pseudonym(String),
    Wave(WaveId),
    Instrument(InstrumentId),
    /// A coding assignment (a consensus settled in it).
    Assignment(i64),
    /// A code of a codebook.
    Code(i64),
    /// The whole project (a REFI-QDA export).
    Project,
    /// A stored subject of a form this version does not know, kept as it was.
    Other(String),
}

impl AuditSubject {
    /// The stored text: `kind:id`, or `project`.
    pub fn as_string(&self) -> String {
        match self {
            AuditSubject::Person(p) => format!("person:{}", p.0),
            AuditSubject::Invitation(i) => format!("invitation:{i}"),
            AuditSubject::Pseudonym(c) => format!("pseudonym:{c}"),
            AuditSubject::Wave(w) => format!("wave:{}", w.0),
            AuditSubject::Instrument(i) => format!("instrument:{}", i.0),
            AuditSubject::Assignment(a) => format!("assignment:{a}"),
            AuditSubject::Code(c) => format!("code:{c}"),
            AuditSubject::Project => "project".to_owned(),
            AuditSubject::Other(s) => s.clone(),
        }
    }

    /// Reads a stored subject; what is of no known form is [`AuditSubject::Other`], so that
    /// no stored row is refused and `parse(s).as_string() == s` for every `s`.
    pub fn parse(s: &str) -> AuditSubject {
        let id = |v: &str| -> Option<i64> {
            // Only the form `as_string` writes (no sign, no leading zero) maps back to an id.
            let n: i64 = v.parse().ok()?;
            (n.to_string() == v).then_some(n)
        };
        let known = match s.split_once(':') {
            Some(("person", v)) => id(v).map(|n| AuditSubject::Person(PersonId(n))),
            Some(("invitation", v)) => id(v).map(AuditSubject::Invitation),
            Some(("pseudonym", v)) if !v.is_empty() => Some(AuditSubject::Pseudonym(v.to_owned())),
            Some(("wave", v)) => id(v).map(|n| AuditSubject::Wave(WaveId(n))),
            Some(("instrument", v)) => id(v).map(|n| AuditSubject::Instrument(InstrumentId(n))),
            Some(("assignment", v)) => id(v).map(AuditSubject::Assignment),
            Some(("code", v)) => id(v).map(AuditSubject::Code),
            None if s == "project" => Some(AuditSubject::Project),
            _ => None,
        };
        known.unwrap_or_else(|| AuditSubject::Other(s.to_owned()))
    }
}

impl std::fmt::Display for AuditSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// Written as its stored text, so every JSON that shows an entry keeps its shape.
impl serde::Serialize for AuditSubject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_string())
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
    /// The wave a questionnaire's figures rest on was chosen (or set back to the default).
    WaveCurrent,
    /// A person's role in the study deactivated (they cannot log in here; their sessions end).
    RoleDeactivate,
    /// A deactivated role made active again.
    RoleReactivate,
    /// A network's facilitator or member responded to its profile (member checking; the
    /// network's id, never the verdict or the sentence).
    ProfileResponse,
    // waves at scale (issue 18, item 3)
    /// One invitation's link mailed again by hand.
    InvitationResend,
    /// One invitation's link revoked: it takes no answers since.
    InvitationRevoke,
    /// Reminders mailed to those who had not finished (counts only), by hand or on schedule.
    RemindersSend,
    /// A wave's reminder schedule set or switched off.
    WaveReminders,
    /// The test answers of a questionnaire (or of all) wiped (issue 18).
    TestWipe,
    /// A researcher named a type of the typology, or gave it back its rules' name (its
    /// number and size, never the name).
    TypeName,
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
            Action::WaveCurrent => "wave.current",
            Action::RoleDeactivate => "role.deactivate",
            Action::RoleReactivate => "role.reactivate",
            Action::ProfileResponse => "profile.response",
            Action::InvitationResend => "invitation.resend",
            Action::InvitationRevoke => "invitation.revoke",
            Action::RemindersSend => "reminders.send",
            Action::WaveReminders => "wave.reminders",
            Action::TestWipe => "test.wipe",
            Action::TypeName => "typology.name",
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
        Action::WaveCurrent,
        Action::RoleDeactivate,
        Action::RoleReactivate,
        Action::ProfileResponse,
        Action::InvitationResend,
        Action::InvitationRevoke,
        Action::RemindersSend,
        Action::WaveReminders,
        Action::TestWipe,
        Action::TypeName,
    ];
}

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewAudit {
    /// Unix seconds.
    pub at: i64,
    pub actor: Actor,
    pub action: Action,
    /// What was acted on.
    pub subject: AuditSubject,
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
    pub subject: AuditSubject,
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
    .bind(e.subject.as_string())
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
        subject: AuditSubject::parse(&get::<String>(r, "subject")?),
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

    /// The entries in which `subject` (a person, by account, invitation or pseudonym) is the
    /// actor or the subject.
    pub async fn audit_entries_about(&self, subject: &AuditSubject) -> Result<Vec<AuditEntry>> {
        let subject = subject.as_string();
        let rows = sqlx::query(
            "SELECT id, at, actor, action, subject, detail FROM audit_log \
             WHERE actor = $1 OR subject = $1 ORDER BY id",
        )
        .bind(&subject)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry).collect()
    }

    /// When each wave was first opened (seconds since 1970, UTC), from the audit log, by
    /// wave: what the workspace's indicators per wave period start from (issue 19). A wave
    /// made open, or opened before the audit log, has none. One row per wave at most.
    pub async fn wave_openings(&self) -> Result<Vec<(WaveId, i64)>> {
        let rows = sqlx::query(
            "SELECT subject, MIN(at) AS at FROM audit_log WHERE action = 'wave.open' \
             GROUP BY subject ORDER BY subject",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let subject: String = get(r, "subject")?;
            if let AuditSubject::Wave(w) = AuditSubject::parse(&subject) {
                out.push((w, get::<i64>(r, "at")?));
            }
        }
        out.sort();
        Ok(out)
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
                subject: AuditSubject::Wave(wave),
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
                subject: AuditSubject::Person(id),
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
                    subject: AuditSubject::Person(id),
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

    #[test]
    fn every_stored_subject_reads_back_as_it_was() {
        use super::AuditSubject as S;
        use leernet_core::{InstrumentId, PersonId, WaveId};
        for (text, subject) in [
            ("person:12", S::Person(PersonId(12))),
            ("invitation:3", S::Invitation(3)),
            ("pseudonym:P-7f3a", S::Pseudonym("P-7f3a".into())),
            ("wave:3", S::Wave(WaveId(3))),
            ("instrument:2", S::Instrument(InstrumentId(2))),
            ("assignment:0", S::Assignment(0)),
            ("code:9", S::Code(9)),
            ("project", S::Project),
        ] {
            assert_eq!(S::parse(text), subject, "{text}");
            assert_eq!(subject.as_string(), text);
        }
        // Rows of a form this version does not know are kept exactly as stored.
        for text in [
            "",
            "person:",
            "person:007",
            "network:4",
            "wave:x",
            "projects",
        ] {
            assert_eq!(S::parse(text), S::Other(text.into()), "{text}");
            assert_eq!(S::parse(text).as_string(), text);
        }
        assert_eq!(
            serde_json::to_string(&S::Wave(WaveId(3))).unwrap(),
            "\"wave:3\""
        );
    }
}
