//! Privacy tools: everything leernet holds about one person (export), erasing one person,
//! retention dates per wave, and pseudonymising a wave.
//!
//! Why it exists: respondents and account holders have the right to see and to have erased
//! what leernet holds about them, and a study keeps personal data only as long as its consent
//! says. See `docs/privacy.md` for what each tool does, in the words a researcher needs.
//!
//! How: export and erase are lists of per-area steps ([`EXPORT_AREAS`], [`ERASE_AREAS`]), so
//! that a new area (the practice workspace, say) is one more line. Every change is one
//! transaction with its audit entry: an erase, a retention run or a pseudonymisation either
//! happens whole, or — on any error in any area — not at all.
//!
//! Free-text mentions of people are found case-insensitively and only as whole words (so
//! "Anna de Vries" is found in "met anna de vries," but not inside another word); a name is
//! looked for only when it has at least two words (a given name and a surname), because a
//! single word ("Jan", or "lid" made from an address) would also be an ordinary word. Codings
//! on a changed answer keep pointing at the same words: their offsets move with the text.

use crate::audit::{record, Action, Actor, AuditEntry, NewAudit};
use crate::{get, Result, Store, StoreError};
use leernet_core::*;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;

mod documents;
mod erase;
mod export;
mod qda;
mod steps;
mod text;
mod waves;

use documents::*;
use erase::*;
use export::*;
use qda::*;
use steps::*;
pub use text::*;

/// What replaces a mention of an erased person, or of anyone once a wave's retention ended.
pub const REMOVED: &str = "[verwijderd]";

/// A boxed future, for the per-area lists.
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// The person a privacy request is about: an account, or someone leernet knows only as the
/// address an invitation was sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The account, when the person has one.
    pub id: Option<PersonId>,
    /// How the audit log names them: `person:<id>`, or `invitation:<id>` (their first
    /// invitation) for someone without an account.
    pub audit_key: crate::AuditSubject,
    pub email: String,
    pub name: String,
    /// The person's pseudonym codes (from the researcher's key files, see
    /// [`pseudonym_code`]): pseudonymised responses are found by them, and mentions of them
    /// in answers count as mentions of the person.
    pub pseudonyms: Vec<String>,
}

impl Subject {
    /// How the audit log names the person.
    pub fn audit_subject(&self) -> crate::AuditSubject {
        self.audit_key.clone()
    }

    /// The account id to bind in queries (-1, which no row has, without an account).
    fn pid(&self) -> i64 {
        self.id.map(|p| p.0).unwrap_or(-1)
    }
}

/// Collects one area of what leernet holds about a person, as JSON.
pub type Collector = for<'a> fn(&'a Store, &'a Subject) -> BoxFut<'a, Value>;

/// The areas of a person export, in the order they appear. Another area is one more line.
pub const EXPORT_AREAS: &[(&str, Collector)] = &[
    ("account", collect_account),
    ("sessions", collect_sessions),
    ("invitations", collect_invitations),
    ("responses", collect_responses),
    ("mentions", collect_mentions),
    ("codings", collect_codings),
    ("documents", collect_documents),
    ("qda_cases", collect_qda_cases),
    ("coding_work", collect_coding_work),
    ("workspace", collect_workspace),
    ("profile_responses", collect_profile_responses),
    ("audit", collect_audit),
];

/// What leernet holds about one person: `{"person": …, "areas": {"account": …, …}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonExport {
    pub subject: Subject,
    pub areas: Vec<(String, Value)>,
}

impl PersonExport {
    /// The export as one JSON value (object keys sorted, so the same data gives the same bytes).
    pub fn to_json(&self) -> Value {
        let mut areas = Map::new();
        for (k, v) in &self.areas {
            areas.insert(k.clone(), v.clone());
        }
        json!({
            "person": {"id": self.subject.id.map(|p| p.0), "email": self.subject.email, "name": self.subject.name},
            "areas": areas,
        })
    }
}

/// Where a wave's submitted responses go when their respondent is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasePolicy {
    /// Removed with their codings (the default: consent withdrawn means the data goes).
    Remove,
    /// Kept without any link to the person, with mentions of them replaced: only where the
    /// wave's consent said so (`consent_erase = keep_anonymised` in the instrument settings).
    KeepAnonymised,
}

/// An erase to carry out.
#[derive(Debug, Clone)]
pub struct ErasePlan {
    pub subject: Subject,
    /// Waves whose consent allows keeping submitted responses anonymised; every other wave's
    /// responses of this person are removed.
    pub keep_anonymised: BTreeSet<WaveId>,
}

impl ErasePlan {
    /// The policy for one wave.
    pub fn policy(&self, wave: WaveId) -> ErasePolicy {
        if self.keep_anonymised.contains(&wave) {
            ErasePolicy::KeepAnonymised
        } else {
            ErasePolicy::Remove
        }
    }
}

/// What one erase step did (or, in a dry run, would do): counts by what, in step order.
pub type EraseCounts = Vec<(&'static str, i64)>;

/// One step of an erase, inside the erase's transaction.
pub type Eraser = for<'t> fn(&'t mut sqlx::AnyConnection, &'t ErasePlan) -> BoxFut<'t, EraseCounts>;

/// The steps of an erase, in order; the account comes last, after everything that points at
/// it. Another area is one more line.
pub const ERASE_AREAS: &[(&str, Eraser)] = &[
    ("responses", erase_responses),
    ("mentions", erase_mentions),
    ("documents", erase_documents),
    ("qda_cases", erase_qda_cases),
    ("codings", erase_codings),
    ("coding_work", erase_coding_work),
    ("workspace", erase_workspace),
    ("profile_responses", erase_profile_responses),
    ("sessions", erase_sessions),
    ("account", erase_account),
];

/// What an erase did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EraseReport {
    /// The person as the audit log names them.
    pub subject: crate::AuditSubject,
    /// `(area, what, count)` in step order.
    pub counts: Vec<(String, String, i64)>,
    /// Whether it was a dry run (nothing changed).
    pub dry_run: bool,
}

impl EraseReport {
    /// The count of `what` in `area` (0 when absent).
    pub fn count(&self, area: &str, what: &str) -> i64 {
        self.counts
            .iter()
            .filter(|(a, w, _)| a == area && w == what)
            .map(|(_, _, n)| *n)
            .sum()
    }

    /// The counts as `area.what=n` words, for the audit log.
    pub fn detail(&self) -> String {
        self.counts
            .iter()
            .map(|(a, w, n)| format!("{a}.{w}={n}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a retention run did to one wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionOutcome {
    pub wave: WaveId,
    pub keep_until: String,
    /// Invitations whose e-mail address or person link was removed.
    pub invitations: i64,
    /// Answers in which a mention of a person was replaced.
    pub answers: i64,
    /// Pseudonym codes removed (they could be reversed with the key file).
    pub pseudonyms: i64,
}

/// One line of a pseudonymisation key: who a code stands for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct KeyEntry {
    pub code: String,
    pub email: String,
    pub name: String,
}

/// What a pseudonymisation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PseudonymReport {
    pub wave: WaveId,
    /// Responses that got a code.
    pub responses: i64,
    /// Invitations whose e-mail address or person link was replaced by the code.
    pub invitations: i64,
    /// Answers in which a mention of a person was replaced by their code.
    pub answers: i64,
    /// Everyone a code was used for, by code.
    pub key: Vec<KeyEntry>,
}

// ---------------------------------------------------------------------------------------
// The store's privacy operations.

impl Store {
    /// The person with this e-mail address (any case), for a privacy request: an account, or
    /// else someone invited by that address. `NotFound` when leernet knows neither.
    pub async fn privacy_subject(&self, email: &str) -> Result<Subject> {
        self.privacy_subject_with(email, &[]).await
    }

    /// [`Store::privacy_subject`] with the person's pseudonym codes (the caller derived them
    /// from the key files with [`pseudonym_code`]). Someone whose address is gone from
    /// leernet but whose code a pseudonymised response carries is found by the code.
    pub async fn privacy_subject_with(&self, email: &str, codes: &[String]) -> Result<Subject> {
        let mut conn = self.pool.acquire().await?;
        let mut subject = match subject_by_email(&mut conn, email).await? {
            Some(s) => s,
            None => {
                let mut found = None;
                for code in codes {
                    let n: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM pseudonyms WHERE code = $1")
                            .bind(code)
                            .fetch_one(&mut *conn)
                            .await?;
                    if n > 0 {
                        found = Some(code.clone());
                        break;
                    }
                }
                let code = found.ok_or_else(|| not_found(email))?;
                Subject {
                    id: None,
                    audit_key: crate::AuditSubject::Pseudonym(code.clone()),
                    email: email.trim().to_owned(),
                    name: String::new(),
                    pseudonyms: Vec::new(),
                }
            }
        };
        for c in codes {
            if !subject.pseudonyms.contains(c) {
                subject.pseudonyms.push(c.clone());
            }
        }
        Ok(subject)
    }

    /// Everything leernet holds about a person ([`Store::privacy_subject`], with their
    /// pseudonym codes when the caller has the key), area by area ([`EXPORT_AREAS`]); records
    /// the export in the audit log.
    pub async fn export_person(
        &self,
        subject: &Subject,
        actor: &Actor,
        at: i64,
    ) -> Result<PersonExport> {
        self.export_person_with(subject, EXPORT_AREAS, actor, at)
            .await
    }

    /// [`Store::export_person`] over the given areas.
    pub async fn export_person_with(
        &self,
        subject: &Subject,
        areas: &[(&str, Collector)],
        actor: &Actor,
        at: i64,
    ) -> Result<PersonExport> {
        let mut out = Vec::with_capacity(areas.len());
        for (name, collect) in areas {
            out.push(((*name).to_owned(), collect(self, subject).await?));
        }
        self.audit(&NewAudit {
            at,
            actor: actor.clone(),
            action: Action::PrivacyExport,
            subject: subject.audit_subject(),
            detail: format!("areas={}", areas.len()),
        })
        .await?;
        Ok(PersonExport {
            subject: subject.clone(),
            areas: out,
        })
    }

    /// Erases one person ([`ERASE_AREAS`], see `docs/privacy.md`) in one transaction with its
    /// audit entry. With `dry_run`, does everything, reports it, and rolls back.
    pub async fn erase_person(
        &self,
        plan: &ErasePlan,
        actor: &Actor,
        at: i64,
        dry_run: bool,
    ) -> Result<EraseReport> {
        self.erase_person_with(plan, ERASE_AREAS, actor, at, dry_run)
            .await
    }

    /// [`Store::erase_person`] over the given steps: any error in any step changes nothing.
    pub async fn erase_person_with(
        &self,
        plan: &ErasePlan,
        areas: &[(&str, Eraser)],
        actor: &Actor,
        at: i64,
        dry_run: bool,
    ) -> Result<EraseReport> {
        let mut tx = self.pool.begin().await?;
        // Take the write lock first (SQLite), and make sure the person is still who we think.
        let still = match plan.subject.id {
            Some(id) => {
                sqlx::query("UPDATE persons SET email = email WHERE id = $1 AND email = $2")
                    .bind(id.0)
                    .bind(&plan.subject.email)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
            None => {
                let mut n = sqlx::query(
                    "UPDATE invitations SET email = email WHERE lower(email) = lower($1)",
                )
                .bind(&plan.subject.email)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                for code in &plan.subject.pseudonyms {
                    let c: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM pseudonyms WHERE code = $1")
                            .bind(code)
                            .fetch_one(&mut *tx)
                            .await?;
                    n += c as u64;
                }
                n
            }
        };
        if still == 0 {
            return Err(not_found(&plan.subject.email));
        }
        let mut counts = Vec::new();
        for (area, step) in areas {
            for (what, n) in step(&mut tx, plan).await? {
                counts.push(((*area).to_owned(), what.to_owned(), n));
            }
        }
        let report = EraseReport {
            subject: plan.subject.audit_subject(),
            counts,
            dry_run,
        };
        if dry_run {
            tx.rollback().await?;
            return Ok(report);
        }
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::PrivacyErase,
                subject: plan.subject.audit_subject(),
                detail: report.detail(),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        self.compact_after_erase().await?;
        Ok(report)
    }

    /// After an erase, on SQLite: the freed space is already zeroed (`secure_delete` is on for
    /// every connection), and now the database is rewritten without its free pages (which may
    /// hold what was deleted before `secure_delete`) and the write-ahead log is emptied, so
    /// nothing of the erased person remains in the files. On PostgreSQL nothing happens here:
    /// docs/privacy.md says what VACUUM does and does not guarantee.
    async fn compact_after_erase(&self) -> Result<()> {
        if self.backend != crate::Backend::Sqlite {
            return Ok(());
        }
        self.truncate_log().await?;
        sqlx::query("VACUUM").execute(&self.pool).await?;
        self.truncate_log().await
    }

    /// Copies the SQLite write-ahead log into the database and cuts it to zero bytes; SQLite
    /// waits (the connection's busy timeout, 10 s) for readers of older pages to finish.
    async fn truncate_log(&self) -> Result<()> {
        let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await?;
        let busy: i64 = sqlx::Row::try_get(&row, 0)?;
        if busy != 0 {
            return Err(crate::StoreError::Corrupt(
                "the erase is done, but the write-ahead log could not be emptied: readers kept it busy; run the erase again to empty it".into(),
            ));
        }
        Ok(())
    }

    /// A person's own workspace contributions ([`Store::person_contributions`]) and their
    /// responses to profiles (`profile_responses`), for their self-service download, recorded in the audit log (`workspace.export`).
    pub async fn workspace_export_audited(&self, person: PersonId, at: i64) -> Result<Value> {
        let mut json = self.person_contributions(person).await?;
        // Their responses to their networks' profiles too (the privacy export's own area).
        let subject = Subject {
            id: Some(person),
            audit_key: crate::AuditSubject::Person(person),
            email: String::new(),
            name: String::new(),
            pseudonyms: Vec::new(),
        };
        let responses = collect_profile_responses(self, &subject).await?;
        if let Some(map) = json.as_object_mut() {
            map.insert("profile_responses".into(), responses);
        }
        self.audit(&NewAudit {
            at,
            actor: Actor::Person(person),
            action: Action::WorkspaceExport,
            subject: crate::AuditSubject::Person(person),
            detail: String::new(),
        })
        .await?;
        Ok(json)
    }

    /// Erases a person's own workspace contributions ([`crate::workspace::erase_person_in`])
    /// and their responses to profiles at their request, in one transaction with its audit entry (`workspace.erase`, counts).
    pub async fn workspace_erase_audited(
        &self,
        person: PersonId,
        at: i64,
    ) -> Result<crate::workspace::Erasure> {
        let mut tx = self.pool.begin().await?;
        let e = crate::workspace::erase_person_in(&mut tx, person).await?;
        // Their responses to their networks' profiles go too.
        let responses = crate::profile_responses::erase_person_in(&mut tx, person).await?;
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: Actor::Person(person),
                action: Action::WorkspaceErase,
                subject: crate::AuditSubject::Person(person),
                detail: format!(
                    "slow_questions={} topics={} stories={} votes={} attendance={} sessions={} outbox={} profile_responses={}",
                    e.slow_questions, e.topics, e.stories, e.votes, e.attendance, e.sessions, e.outbox, responses
                ),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(n: &str, r: &str) -> Mention {
        Mention {
            needle: n.into(),
            replacement: r.into(),
        }
    }

    #[test]
    fn mentions_are_whole_words_in_any_case() {
        let ms = [m("Anna de Vries", "P-1"), m("anna@example.org", "P-1")];
        let (t, e) = replace_mentions("Met ANNA  de vries, en anna@Example.org.", &ms);
        assert_eq!(t, "Met P-1, en P-1.");
        assert_eq!(e.len(), 2);
        // Not inside another word.
        let (t, e) = replace_mentions("Johanna de Vriesland", &ms);
        assert_eq!(t, "Johanna de Vriesland");
        assert!(e.is_empty());
        assert!(!name_is_searchable("lid"));
        assert!(name_is_searchable("Anna de Vries"));
    }

    #[test]
    fn offsets_follow_the_words() {
        // "Ik sprak Anna de Vries gisteren": "gisteren" is at 23..31.
        let text = "Ik sprak Anna de Vries gisteren";
        let (t, e) = replace_mentions(text, &[m("Anna de Vries", "X")]);
        assert_eq!(t, "Ik sprak X gisteren");
        assert_eq!(map_offset(&e, 23, false), 11);
        assert_eq!(map_offset(&e, 31, true), 19);
        assert_eq!(&t[11..19], "gisteren");
        // A segment inside the name covers the replacement.
        assert_eq!(
            (map_offset(&e, 12, false), map_offset(&e, 15, true)),
            (9, 10)
        );
        assert_eq!(map_offset(&e, 3, false), 3);
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let k = [7u8; 32];
        assert_eq!(pseudonym_code(&k, "A@x.nl"), pseudonym_code(&k, "a@x.nl"));
        assert_ne!(
            pseudonym_code(&k, "a@x.nl"),
            pseudonym_code(&[8u8; 32], "a@x.nl")
        );
        assert_eq!(pseudonym_code(&k, "a@x.nl").len(), 12);
    }

    #[test]
    fn dates_are_real_days() {
        assert!(parse_iso_date("2028-02-29").is_some());
        assert!(parse_iso_date("2027-02-29").is_none());
        assert!(parse_iso_date("2027-13-01").is_none());
        assert!(parse_iso_date("27-01-01").is_none());
        assert_eq!(iso_date(0), "1970-01-01");
    }
}
