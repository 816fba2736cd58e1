//! Invitations and the survey's saves: the personal links of a wave, the response each one
//! reaches, and the response monitor.
//!
//! An invitation reaches exactly one response: the one whose respondent is
//! `invitation:<id>` in the invitation's wave (unique per wave, so a retried or doubled
//! submission can only ever touch that one row). A save is one transaction that first takes
//! the write lock (by recording the page), then checks that the wave is open and the response
//! not yet submitted, then writes: it either happens whole or not at all, and the caller
//! acknowledges it only after the commit returned.

use crate::group_commit::SaveJob;
use crate::{conflict, get, Result, Store, StoreError};
use leernet_core::*;

/// Who an invitation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationKind {
    /// The network questionnaire of one network (for its facilitator or coordinator).
    Network,
    /// A member's link: anonymous, or for one e-mail address.
    Member,
}

impl InvitationKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationKind::Network => "network",
            InvitationKind::Member => "member",
        }
    }

    fn parse(s: &str) -> Result<InvitationKind> {
        match s {
            "network" => Ok(InvitationKind::Network),
            "member" => Ok(InvitationKind::Member),
            _ => Err(StoreError::Corrupt(format!("invitation kind {s:?}"))),
        }
    }
}

/// An invitation to store.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub network: NetworkId,
    pub token: InvitationToken,
    pub kind: InvitationKind,
    /// The person it is for, when known (a facilitator, or a member by e-mail).
    pub person: Option<PersonId>,
    /// The address it is for: from an e-mail list, or the facilitator's for a network's
    /// invitation.
    pub email: Option<Email>,
}

/// A stored invitation with what the survey and the monitor need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub wave: WaveId,
    pub network: NetworkId,
    pub token: InvitationToken,
    pub kind: InvitationKind,
    pub person: Option<PersonId>,
    pub email: Option<String>,
    /// The page the respondent saved last (0-based).
    pub page: i64,
    /// The response's status, when one was started.
    pub status: Option<ResponseStatus>,
    /// When the link was revoked (Unix seconds): it takes no answers since.
    pub revoked_at: Option<i64>,
    /// When its one reminder was claimed (Unix seconds).
    pub reminded_at: Option<i64>,
}

impl InvitationRow {
    /// The `respondent` of the one response this invitation reaches.
    pub fn respondent(&self) -> String {
        respondent(self.id)
    }
}

fn respondent(id: InvitationId) -> String {
    format!("invitation:{}", id.0)
}

/// What a survey request reads about its link ([`Store::survey_link`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyLink {
    pub invitation: InvitationRow,
    pub wave: Wave,
    /// The response the invitation reaches, when one was started.
    pub response: Option<Response>,
    /// The names of the invitation's network and of its Werkplaats, which its
    /// `bind::leernet:prefill` questions take.
    pub network_names: Option<(String, String)>,
}

/// The response `id` an invitation reaches, with its status and stored answers (JSON).
fn response_of(
    inv: &InvitationRow,
    id: i64,
    status: ResponseStatus,
    answers: &str,
) -> Result<Response> {
    Ok(Response {
        id: ResponseId(id),
        wave: inv.wave,
        network: inv.network,
        respondent: inv.respondent(),
        status,
        answers: serde_json::from_str(answers)
            .map_err(|e| StoreError::Corrupt(format!("answers of response {id}: {e}")))?,
    })
}

/// What became of a survey save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// The answers are stored; the response is still in progress.
    Saved,
    /// The answers are stored and the response is submitted.
    Submitted,
    /// The response was submitted before: nothing changed (a retry or a double click).
    AlreadySubmitted,
    /// The wave is not open, or the invitation was revoked: nothing was stored.
    WaveNotOpen,
}

impl SaveOutcome {
    /// Whether the save wrote the answers (not a refusal).
    pub fn wrote(self) -> bool {
        matches!(self, SaveOutcome::Saved | SaveOutcome::Submitted)
    }
}

/// One line of the response monitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorRow {
    pub network: NetworkId,
    pub invited: i64,
    pub started: i64,
    pub submitted: i64,
}

pub(crate) const SELECT: &str =
    "SELECT i.id, i.wave_id, i.network_id, i.token, i.person_id, i.kind, i.email, \
     i.page, i.revoked_at, i.reminded_at, r.status FROM invitations i \
     LEFT JOIN responses r ON r.wave_id = i.wave_id AND r.respondent = 'invitation:' || i.id";

/// Leaves the invitations of test waves out (`test_links.rs`).
const NOT_TEST_I: &str = "i.wave_id NOT IN (SELECT id FROM waves WHERE test = 1)";

pub(crate) fn row(r: &sqlx::any::AnyRow) -> Result<InvitationRow> {
    let token: String = get(r, "token")?;
    let kind: String = get(r, "kind")?;
    let status: Option<String> = get(r, "status")?;
    Ok(InvitationRow {
        id: InvitationId(get(r, "id")?),
        wave: WaveId(get(r, "wave_id")?),
        network: NetworkId(get(r, "network_id")?),
        token: InvitationToken::parse(&token).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        kind: InvitationKind::parse(&kind)?,
        person: get::<Option<i64>>(r, "person_id")?.map(PersonId),
        email: get(r, "email")?,
        page: get(r, "page")?,
        status: status
            .map(|s| {
                ResponseStatus::parse(&s)
                    .ok_or_else(|| StoreError::Corrupt(format!("response status {s:?}")))
            })
            .transpose()?,
        revoked_at: get(r, "revoked_at")?,
        reminded_at: get(r, "reminded_at")?,
    })
}

impl Store {
    /// The wave with this id.
    pub async fn wave(&self, id: WaveId) -> Result<Option<Wave>> {
        Ok(self.waves().await?.into_iter().find(|w| w.id == id))
    }

    /// Stores invitations of one wave: all of them, or none.
    pub async fn add_invitations(
        &self,
        wave: WaveId,
        invitations: &[NewInvitation],
    ) -> Result<Vec<InvitationId>> {
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(invitations.len());
        for i in invitations {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO invitations (wave_id, network_id, token, person_id, kind, email) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(wave.0)
            .bind(i.network.0)
            .bind(i.token.as_str())
            .bind(i.person.map(|p| p.0))
            .bind(i.kind.as_str())
            .bind(i.email.as_ref().map(|e| e.as_str().to_owned()))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| conflict(e, || "an invitation token was used twice".to_owned()))?;
            ids.push(InvitationId(id));
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The invitations of a wave (or of every wave), by id, with their response's status;
    /// never a test link (`test_links.rs`).
    pub async fn invitations(&self, wave: Option<WaveId>) -> Result<Vec<InvitationRow>> {
        let rows = match wave {
            Some(w) => {
                sqlx::query(&format!(
                    "{SELECT} WHERE i.wave_id = $1 AND {NOT_TEST_I} ORDER BY i.id"
                ))
                .bind(w.0)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("{SELECT} WHERE {NOT_TEST_I} ORDER BY i.id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(row).collect()
    }

    /// The invitation with this token, if any.
    pub async fn invitation_by_token(
        &self,
        token: &InvitationToken,
    ) -> Result<Option<InvitationRow>> {
        sqlx::query(&format!("{SELECT} WHERE i.token = $1"))
            .bind(token.as_str())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(row)
            .transpose()
    }

    /// Everything a survey request reads about its link, in one statement: the invitation,
    /// its wave (test waves included, as [`Store::survey_wave`]), the response it reaches and
    /// the names its `bind::leernet:prefill` questions take.
    ///
    /// One query instead of four: on SQLite every statement is a round trip to the
    /// connection's worker thread (thread wake-ups both ways), which cost more of a survey
    /// save's CPU than the SQL itself. On a connection kept for it (`kept_reads.rs`): no
    /// pings, and made once more on another connection should the kept one have been dropped
    /// by the server. `None` when no invitation has this token, or its wave is gone.
    pub async fn survey_link(&self, token: &InvitationToken) -> Result<Option<SurveyLink>> {
        let r = self.reads.fetch_optional(
            &self.pool,
            "SELECT i.id, i.wave_id, i.network_id, i.token, i.person_id, i.kind, i.email, \
             i.page, i.revoked_at, i.reminded_at, r.status, r.id AS response_id, \
             r.answers AS response_answers, w.id AS w_id, w.instrument_id AS w_instrument_id, \
             w.name AS w_name, w.status AS w_status, n.name AS network_name, \
             wp.name AS workplace_name \
             FROM invitations i \
             LEFT JOIN responses r ON r.wave_id = i.wave_id AND r.respondent = 'invitation:' || i.id \
             LEFT JOIN waves w ON w.id = i.wave_id \
             LEFT JOIN networks n ON n.id = i.network_id \
             LEFT JOIN workplaces wp ON wp.id = n.workplace_id \
             WHERE i.token = $1",
            token.as_str(),
        )
        .await?;
        let Some(r) = r else { return Ok(None) };
        let invitation = row(&r)?;
        if get::<Option<i64>>(&r, "w_id")?.is_none() {
            return Ok(None);
        }
        let wave = crate::instruments::wave_of(&r, "w_")?;
        let response = match (get::<Option<i64>>(&r, "response_id")?, invitation.status) {
            (Some(id), Some(status)) => Some(response_of(
                &invitation,
                id,
                status,
                &get::<String>(&r, "response_answers")?,
            )?),
            _ => None,
        };
        let names = match (
            get::<Option<String>>(&r, "network_name")?,
            get::<Option<String>>(&r, "workplace_name")?,
        ) {
            (Some(n), Some(w)) => Some((n, w)),
            _ => None,
        };
        Ok(Some(SurveyLink {
            invitation,
            wave,
            response,
            network_names: names,
        }))
    }

    /// The response an invitation reaches, if one was started.
    pub async fn invitation_response(&self, inv: &InvitationRow) -> Result<Option<Response>> {
        let r = sqlx::query(
            "SELECT id, status, answers FROM responses WHERE wave_id = $1 AND respondent = $2",
        )
        .bind(inv.wave.0)
        .bind(inv.respondent())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let id: i64 = get(&r, "id")?;
        let status: String = get(&r, "status")?;
        let status = ResponseStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("response {id} status {status:?}")))?;
        response_of(inv, id, status, &get::<String>(&r, "answers")?).map(Some)
    }

    /// Saves the answers of the response an invitation reaches, and the page reached; with
    /// `submit`, also submits it. When the wave is not open or the response was submitted
    /// before, nothing changes. `answers` replaces the stored answers whole (the caller merged
    /// and checked them).
    ///
    /// The save is acknowledged (this returns) only after its commit returned, on
    /// SQLite's default `synchronous = FULL` after the commit's sync. Concurrent saves share
    /// one transaction and one sync (group commit, `group_commit.rs`); each gets its own
    /// outcome, and one save's refusal or error never fails another's.
    pub async fn save_survey(
        &self,
        invitation: InvitationId,
        answers: &Answers,
        page: i64,
        submit: bool,
    ) -> Result<SaveOutcome> {
        let json =
            serde_json::to_string(answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.group_save(SaveJob {
            invitation,
            json,
            page,
            submit,
        })
        .await
    }

    /// The response monitor of a wave: per network (by id), invited, started and submitted;
    /// nothing for a test wave.
    pub async fn wave_monitor(&self, wave: WaveId) -> Result<Vec<MonitorRow>> {
        let rows = sqlx::query(
            "SELECT i.network_id, COUNT(*) AS invited, \
             CAST(SUM(CASE WHEN r.id IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS started, \
             CAST(SUM(CASE WHEN r.status = 'submitted' THEN 1 ELSE 0 END) AS BIGINT) AS submitted \
             FROM invitations i \
             LEFT JOIN responses r ON r.wave_id = i.wave_id AND r.respondent = 'invitation:' || i.id \
             WHERE i.wave_id = $1 AND i.wave_id NOT IN (SELECT id FROM waves WHERE test = 1) \
             GROUP BY i.network_id ORDER BY i.network_id",
        )
        .bind(wave.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MonitorRow {
                    network: NetworkId(get(r, "network_id")?),
                    invited: get(r, "invited")?,
                    started: get(r, "started")?,
                    submitted: get(r, "submitted")?,
                })
            })
            .collect()
    }
}

impl Store {
    /// The invitation with this id, if any.
    pub async fn invitation(&self, id: InvitationId) -> Result<Option<InvitationRow>> {
        sqlx::query(&format!("{SELECT} WHERE i.id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(row)
            .transpose()
    }

    /// One response with the invitation that reaches it (None for responses that came
    /// another way, such as an import).
    pub async fn response_with_invitation(
        &self,
        id: ResponseId,
    ) -> Result<Option<(Response, Option<InvitationRow>)>> {
        let r = sqlx::query(
            "SELECT id, wave_id, network_id, respondent, status, answers FROM responses WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let status: String = get(&r, "status")?;
        let answers: String = get(&r, "answers")?;
        let response = Response {
            id,
            wave: WaveId(get(&r, "wave_id")?),
            network: NetworkId(get(&r, "network_id")?),
            respondent: get(&r, "respondent")?,
            status: ResponseStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("response {id} status {status:?}")))?,
            answers: serde_json::from_str(&answers)
                .map_err(|e| StoreError::Corrupt(format!("answers of response {id}: {e}")))?,
        };
        let inv = match response
            .respondent
            .strip_prefix("invitation:")
            .and_then(|n| n.parse::<i64>().ok())
        {
            Some(n) => self
                .invitation(InvitationId(n))
                .await?
                .filter(|i| i.wave == response.wave),
            None => None,
        };
        Ok(Some((response, inv)))
    }

    /// The answers the same respondent submitted to the same instrument in the latest
    /// earlier wave (waves in the order they were made), for `${last-saved#question}`: for
    /// a member's invitation the same person's, for a network questionnaire the same
    /// network's. `None` on a first questionnaire, and for an anonymous link (there is no
    /// one to recognise).
    pub async fn last_submitted_answers(&self, inv: &InvitationRow) -> Result<Option<Answers>> {
        let (who, id) = match (inv.kind, inv.person) {
            (InvitationKind::Network, _) => {
                ("i.kind = 'network' AND i.network_id = $2", inv.network.0)
            }
            (InvitationKind::Member, Some(p)) => ("i.kind = 'member' AND i.person_id = $2", p.0),
            (InvitationKind::Member, None) => return Ok(None),
        };
        let sql = format!(
            "SELECT r.id, r.answers FROM invitations i \
             JOIN waves w ON w.id = i.wave_id \
             JOIN responses r ON r.wave_id = i.wave_id \
                AND r.respondent = 'invitation:' || CAST(i.id AS TEXT) \
             WHERE w.instrument_id = (SELECT instrument_id FROM waves WHERE id = $1) \
               AND i.wave_id < $1 AND r.status = 'submitted' AND w.test = 0 AND {who} \
             ORDER BY i.wave_id DESC, r.id DESC LIMIT 1"
        );
        let r = sqlx::query(&sql)
            .bind(inv.wave.0)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = r else { return Ok(None) };
        let rid: i64 = get(&r, "id")?;
        let answers: String = get(&r, "answers")?;
        serde_json::from_str(&answers)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("answers of response {rid}: {e}")))
    }

    /// The id of the response an invitation reaches, if one was started.
    pub async fn invitation_response_id(&self, inv: &InvitationRow) -> Result<Option<ResponseId>> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM responses WHERE wave_id = $1 AND respondent = $2")
                .bind(inv.wave.0)
                .bind(inv.respondent())
                .fetch_optional(&self.pool)
                .await?;
        Ok(id.map(ResponseId))
    }
}

/// One survey save, inside the caller's transaction (no commit, no generation bump): the
/// body of [`Store::save_survey`].
///
/// On both back ends a refusal (`WaveNotOpen`, `AlreadySubmitted`) or a missing invitation
/// writes nothing at all ([`save_one_sqlite`], [`save_one_postgres`]), so a batch needs no
/// savepoints.
pub(crate) async fn save_one(
    conn: &mut sqlx::AnyConnection,
    backend: crate::Backend,
    job: &SaveJob,
) -> Result<SaveOutcome> {
    match backend {
        crate::Backend::Sqlite => save_one_sqlite(conn, job).await,
        crate::Backend::Postgres => save_one_postgres(conn, job).await,
    }
}

/// The SQLite save: two statements sent as one query, so one round trip to the
/// connection's worker thread (SQLite has no data-modifying `WITH`).
///
/// The first is a write, so it takes the write lock before anything is read (SQLite has one
/// writer; the reads in it see the latest commit). It moves the page only when the save
/// will be taken (wave open, link not revoked, response not submitted) and returns what the
/// outcome needs, so a refusal leaves the row as it was. The second writes the response
/// under the same three conditions, which it reads in the same state (this transaction
/// holds the write lock and the first statement changed only the page), so both statements
/// take the save or neither does. This is safe on SQLite only (one writer): PostgreSQL's
/// subqueries read the statement's snapshot, taken before a concurrent submission of the
/// same link committed, so there the check is the upsert's own `ON CONFLICT … WHERE`,
/// evaluated on the locked row ([`save_one_postgres`]).
///
/// Every query is a round trip to the connection's worker thread (two thread wake-ups),
/// and a batch runs its saves one after the other while the other requests wait for the
/// write lock: fewer round trips per save are more saves per second. `fetch_all`, not
/// `fetch_optional`: sqlx stops a query at its first row with the latter, and the second
/// statement would not run.
async fn save_one_sqlite(conn: &mut sqlx::AnyConnection, job: &SaveJob) -> Result<SaveOutcome> {
    let status = if job.submit {
        ResponseStatus::Submitted
    } else {
        ResponseStatus::InProgress
    };
    let rows = sqlx::query(
        "UPDATE invitations SET page = CASE WHEN revoked_at IS NULL \
           AND (SELECT status FROM waves WHERE id = invitations.wave_id) = $4 \
           AND NOT EXISTS (SELECT 1 FROM responses WHERE wave_id = invitations.wave_id \
                           AND respondent = $3 AND status = $5) \
         THEN $1 ELSE page END \
         WHERE id = $2 \
         RETURNING revoked_at, \
           (SELECT status FROM waves WHERE id = invitations.wave_id) AS wave_status, \
           (SELECT status FROM responses WHERE wave_id = invitations.wave_id \
            AND respondent = $3) AS response_status; \
         INSERT INTO responses (wave_id, network_id, respondent, status, answers) \
         SELECT i.wave_id, i.network_id, $3, $6, $7 \
         FROM invitations i JOIN waves w ON w.id = i.wave_id \
         WHERE i.id = $2 AND i.revoked_at IS NULL AND w.status = $4 \
         ON CONFLICT (wave_id, respondent) DO UPDATE \
           SET status = excluded.status, answers = excluded.answers \
           WHERE responses.status <> $5",
    )
    .bind(job.page)
    .bind(job.invitation.0)
    .bind(respondent(job.invitation))
    .bind(WaveStatus::Open.as_str())
    .bind(ResponseStatus::Submitted.as_str())
    .bind(status.as_str())
    .bind(job.json.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let Some(r) = rows.first() else {
        return Err(StoreError::NotFound(format!(
            "there is no invitation {}",
            job.invitation.0
        )));
    };
    let wave_status: String = get(r, "wave_status")?;
    // a revoked link takes no answers, as a closed wave (issue 18)
    if wave_status != WaveStatus::Open.as_str() || get::<Option<i64>>(r, "revoked_at")?.is_some() {
        return Ok(SaveOutcome::WaveNotOpen);
    }
    let response_status: Option<String> = get(r, "response_status")?;
    if response_status.as_deref() == Some(ResponseStatus::Submitted.as_str()) {
        return Ok(SaveOutcome::AlreadySubmitted);
    }
    Ok(if job.submit {
        SaveOutcome::Submitted
    } else {
        SaveOutcome::Saved
    })
}

/// The PostgreSQL save: one statement, and a refusal writes nothing (so a batch needs no
/// savepoints).
///
/// The concurrency argument, in the order the statement runs (READ COMMITTED):
/// - `link` locks the invitation's row (`FOR NO KEY UPDATE`, the lock an `UPDATE` of its
///   page takes, as before): concurrent saves of one link, in other transactions, and a
///   revocation are ordered by it. A locked row is read in its latest committed version,
///   so `revoked_at` is that of a revocation committed while this save waited.
/// - `saved` inserts or updates the response only when the link is open, and updates an
///   existing one only `WHERE responses.status <> 'submitted'`: `ON CONFLICT DO UPDATE`
///   locks the existing row and evaluates that condition on its latest committed version,
///   not on the statement's snapshot, so a submission committed after the snapshot was
///   taken is seen and never overwritten. A first save racing a first submission waits on
///   the unique index and then takes the same path.
/// - `paged` moves the page only when `saved` wrote.
///
/// The outcome is read from `link` and `saved`: no row, no invitation; a closed wave or a
/// revoked link, `WaveNotOpen`; open but nothing written, the response was submitted.
async fn save_one_postgres(conn: &mut sqlx::AnyConnection, job: &SaveJob) -> Result<SaveOutcome> {
    let status = if job.submit {
        ResponseStatus::Submitted
    } else {
        ResponseStatus::InProgress
    };
    let r = sqlx::query(
        "WITH link AS ( \
           SELECT i.id, i.wave_id, i.network_id, i.revoked_at, w.status AS wave_status \
           FROM invitations i JOIN waves w ON w.id = i.wave_id \
           WHERE i.id = $2 FOR NO KEY UPDATE OF i), \
         saved AS ( \
           INSERT INTO responses (wave_id, network_id, respondent, status, answers) \
           SELECT wave_id, network_id, $3, $4, $5 FROM link \
           WHERE revoked_at IS NULL AND wave_status = $6 \
           ON CONFLICT (wave_id, respondent) DO UPDATE \
             SET status = EXCLUDED.status, answers = EXCLUDED.answers \
             WHERE responses.status <> $7 \
           RETURNING 1), \
         paged AS ( \
           UPDATE invitations SET page = $1 \
           WHERE id = (SELECT id FROM link) AND EXISTS (SELECT 1 FROM saved)) \
         SELECT revoked_at, wave_status, (SELECT count(*) FROM saved) AS wrote FROM link",
    )
    .bind(job.page)
    .bind(job.invitation.0)
    .bind(respondent(job.invitation))
    .bind(status.as_str())
    .bind(job.json.as_str())
    .bind(WaveStatus::Open.as_str())
    .bind(ResponseStatus::Submitted.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = r else {
        return Err(StoreError::NotFound(format!(
            "there is no invitation {}",
            job.invitation.0
        )));
    };
    let wave_status: String = get(&r, "wave_status")?;
    if wave_status != WaveStatus::Open.as_str() || get::<Option<i64>>(&r, "revoked_at")?.is_some() {
        return Ok(SaveOutcome::WaveNotOpen);
    }
    Ok(match (get::<i64>(&r, "wrote")?, job.submit) {
        (0, _) => SaveOutcome::AlreadySubmitted,
        (_, true) => SaveOutcome::Submitted,
        (_, false) => SaveOutcome::Saved,
    })
}
