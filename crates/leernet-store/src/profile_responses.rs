//! Responses to the profile (issue 26, member checking): before the report is final, a
//! network's facilitator and members read its profile and handreiking and say whether they
//! recognise it — herkenbaar, deels herkenbaar, niet herkenbaar — with a sentence.
//!
//! Why it exists: a profile made from a questionnaire can miss what the network knows of
//! itself; the researcher reads the responses next to the figures, and the report cites them
//! anonymously.
//!
//! Invariants: one response per person, network and wave (the wave the network
//! questionnaire's figures rest on, by name); a new one replaces the person's earlier one —
//! the latest counts, until the report is written from them. Every write checks its input
//! (the verdict, the sentence bounded, a reason required for "niet herkenbaar") before
//! anything is written, and is audited in its own transaction (`profile.response`: the
//! network's id, never the verdict or the sentence); no text is logged. A person's responses
//! are in their privacy export and deleted by their erase.

use crate::audit::{record, Action, Actor, AuditSubject, NewAudit};
use crate::workspace::{check_text, Refusal, WsError, WsResult};
use crate::{get, Result as StoreResult, Store};
use leernet_core::{NetworkId, PersonId};

/// The longest sentence of a response.
pub const MAX_REASON: usize = 1000;

/// The longest wave name stored with a response (wave names are short).
const MAX_WAVE: usize = 200;

/// Whether a network recognises its profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Herkenbaar.
    Yes,
    /// Deels herkenbaar.
    Partly,
    /// Niet herkenbaar.
    No,
}

impl Verdict {
    /// Every verdict, in the order a form offers them.
    pub const ALL: [Verdict; 3] = [Verdict::Yes, Verdict::Partly, Verdict::No];

    /// The stored (and posted) form: `yes`, `partly`, `no`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Yes => "yes",
            Verdict::Partly => "partly",
            Verdict::No => "no",
        }
    }

    /// Reads the stored or posted form; anything else is refused.
    pub fn parse(s: &str) -> Result<Verdict, Refusal> {
        match s.trim() {
            "yes" => Ok(Verdict::Yes),
            "partly" => Ok(Verdict::Partly),
            "no" => Ok(Verdict::No),
            _ => Err(Refusal::BadVerdict),
        }
    }
}

/// One person's response to their network's profile in one wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileResponse {
    pub network: NetworkId,
    pub person: PersonId,
    /// The wave's name (`""` while the network questionnaire has no wave).
    pub wave: String,
    pub verdict: Verdict,
    /// The sentence ("niet herkenbaar, omdat …"); may be empty unless the verdict is `No`.
    pub reason: String,
    /// Unix seconds of the latest change.
    pub updated_at: i64,
}

impl Store {
    /// Stores `person`'s response to `network`'s profile in `wave`, replacing their earlier
    /// one of that wave, with its audit entry in the same transaction. Returns whether it
    /// replaced one.
    pub async fn respond_to_profile(
        &self,
        network: NetworkId,
        person: PersonId,
        wave: &str,
        verdict: &str,
        reason: &str,
        now: i64,
    ) -> WsResult<bool> {
        let verdict = Verdict::parse(verdict)?;
        let reason = check_text("reason", reason, MAX_REASON, verdict == Verdict::No)?;
        let wave = check_text("wave", wave, MAX_WAVE, false)?;
        let mut tx = self.pool.begin().await?;
        let had: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM ws_profile_responses \
             WHERE network_id = $1 AND person_id = $2 AND wave = $3",
        )
        .bind(network.0)
        .bind(person.0)
        .bind(&wave)
        .fetch_optional(&mut *tx)
        .await?;
        match had {
            Some(id) => {
                sqlx::query(
                    "UPDATE ws_profile_responses SET verdict = $1, reason = $2, updated_at = $3 \
                     WHERE id = $4",
                )
                .bind(verdict.as_str())
                .bind(&reason)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO ws_profile_responses \
                     (network_id, person_id, wave, verdict, reason, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(network.0)
                .bind(person.0)
                .bind(&wave)
                .bind(verdict.as_str())
                .bind(&reason)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        record(
            &mut tx,
            &NewAudit {
                at: now,
                actor: Actor::Person(person),
                action: Action::ProfileResponse,
                subject: AuditSubject::Person(person),
                detail: format!("network={} replaced={}", network.0, u8::from(had.is_some())),
            },
        )
        .await
        .map_err(WsError::Store)?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(had.is_some())
    }

    /// The responses to the profile of `network` (every network's when `None`), of `person`
    /// only when given; by network, wave, then when they were given (oldest first) and id.
    pub async fn profile_responses(
        &self,
        network: Option<NetworkId>,
        person: Option<PersonId>,
    ) -> StoreResult<Vec<ProfileResponse>> {
        let rows = sqlx::query(
            "SELECT network_id, person_id, wave, verdict, reason, updated_at \
             FROM ws_profile_responses \
             WHERE ($1 = 0 OR network_id = $1) AND ($2 = 0 OR person_id = $2) \
             ORDER BY network_id, wave, updated_at, id",
        )
        .bind(network.map_or(0, |n| n.0))
        .bind(person.map_or(0, |p| p.0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let v: String = get(r, "verdict")?;
                Ok(ProfileResponse {
                    network: NetworkId(get(r, "network_id")?),
                    person: PersonId(get(r, "person_id")?),
                    wave: get(r, "wave")?,
                    // The database allows only the three (a CHECK constraint).
                    verdict: Verdict::parse(&v).unwrap_or(Verdict::Partly),
                    reason: get(r, "reason")?,
                    updated_at: get(r, "updated_at")?,
                })
            })
            .collect()
    }
}

/// Deletes `person`'s responses to profiles inside the caller's transaction (privacy erase);
/// returns how many.
pub(crate) async fn erase_person_in(
    conn: &mut sqlx::AnyConnection,
    person: PersonId,
) -> StoreResult<u64> {
    Ok(
        sqlx::query("DELETE FROM ws_profile_responses WHERE person_id = $1")
            .bind(person.0)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}
