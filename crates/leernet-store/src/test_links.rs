//! Test links (issue 18): the researcher and colleagues answer a questionnaire for real, and
//! what they answer never counts.
//!
//! Design: every instrument may have one hidden **test wave** (`waves.test = 1`, named
//! [`TEST_WAVE_NAME`], always open). A test link is an ordinary invitation in that wave, so
//! the survey, its saves and its rules are the same code as for a respondent; it needs no
//! open wave of the study. The store's reads that feed figures, pages, reports, exports and
//! response rates leave test waves out at one place each — [`Store::waves`],
//! [`Store::responses`], [`Store::responses_page`], [`Store::response_counts`] and
//! [`Store::invitations`] — so no caller can forget to; only the survey's own reads by token
//! or id ([`Store::invitation_by_token`], [`Store::survey_wave`]) and the reads of this module
//! see them. Wiping deletes the test responses (and their codings, by cascade) and nothing
//! else: the links stay and start afresh.
//!
//! Invariant: a response in a test wave appears in no figure, count, export or rate unless a
//! caller asks for it by name ([`Store::test_responses`]).

use crate::audit::{record, Action, Actor, AuditSubject, NewAudit};
use crate::invitations::{InvitationKind, InvitationRow, NewInvitation};
use crate::{conflict, get, Result, Store, StoreError};
use leernet_core::*;

/// The name of every test wave (never shown: test waves are in no list of waves).
pub const TEST_WAVE_NAME: &str = "(test)";

/// The most test links one instrument may have: a bound from outside, so that a button held
/// down cannot fill the table.
pub const MAX_TEST_LINKS: i64 = 1_000;

impl Store {
    /// The test wave of an instrument, made (open) when it has none yet.
    async fn test_wave(&self, instrument: InstrumentId) -> Result<WaveId> {
        if let Some(id) = self.test_wave_of(instrument).await? {
            return Ok(id);
        }
        let mut tx = self.pool.begin().await?;
        let made: Result<i64> = sqlx::query_scalar(
            "INSERT INTO waves (instrument_id, name, status, test) VALUES ($1, $2, 'open', 1) \
             RETURNING id",
        )
        .bind(instrument.0)
        .bind(TEST_WAVE_NAME)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            conflict(e, || {
                format!("this questionnaire already has a wave named {TEST_WAVE_NAME:?}; rename that wave to make test links")
            })
        });
        match made {
            Ok(id) => {
                tx.commit().await?;
                Ok(WaveId(id))
            }
            Err(e) => {
                tx.rollback().await?;
                // Made meanwhile by another request: use that one.
                match self.test_wave_of(instrument).await? {
                    Some(id) => Ok(id),
                    None => Err(e),
                }
            }
        }
    }

    /// The test wave of an instrument, if it has one.
    pub async fn test_wave_of(&self, instrument: InstrumentId) -> Result<Option<WaveId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM waves WHERE instrument_id = $1 AND test = 1 ORDER BY id LIMIT 1",
        )
        .bind(instrument.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(WaveId))
    }

    /// A new test link of an instrument for a network (what the survey fills in for the
    /// network it knows): an anonymous invitation in the instrument's test wave, of `kind`.
    /// Refused past [`MAX_TEST_LINKS`] links.
    pub async fn add_test_link(
        &self,
        instrument: InstrumentId,
        network: NetworkId,
        kind: InvitationKind,
        token: InvitationToken,
    ) -> Result<InvitationRow> {
        let wave = self.test_wave(instrument).await?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE wave_id = $1")
            .bind(wave.0)
            .fetch_one(&self.pool)
            .await?;
        if n >= MAX_TEST_LINKS {
            return Err(StoreError::Conflict(format!(
                "this questionnaire has {n} test links, the most there may be; wipe the test answers and use one of them"
            )));
        }
        let ids = self
            .add_invitations(
                wave,
                &[NewInvitation {
                    network,
                    token,
                    kind,
                    person: None,
                    email: None,
                }],
            )
            .await?;
        self.invitation(ids[0]).await?.ok_or_else(|| {
            StoreError::NotFound(format!("the test link {} just made is gone", ids[0].0))
        })
    }

    /// The test links of an instrument, by id, with their answer's status.
    pub async fn test_links(&self, instrument: InstrumentId) -> Result<Vec<InvitationRow>> {
        let Some(wave) = self.test_wave_of(instrument).await? else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(&format!(
            "{} WHERE i.wave_id = $1 ORDER BY i.id",
            crate::invitations::SELECT
        ))
        .bind(wave.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(crate::invitations::row).collect()
    }

    /// Whether a wave is a test wave.
    pub async fn is_test_wave(&self, wave: WaveId) -> Result<bool> {
        let t: Option<i64> = sqlx::query_scalar("SELECT test FROM waves WHERE id = $1")
            .bind(wave.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(t == Some(1))
    }

    /// The wave a survey link belongs to, test waves included (the survey's own read; every
    /// other reader uses [`Store::wave`], which knows no test wave).
    pub async fn survey_wave(&self, id: WaveId) -> Result<Option<Wave>> {
        let r = sqlx::query("SELECT id, instrument_id, name, status FROM waves WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref()
            .map(|r| crate::instruments::wave_of(r, ""))
            .transpose()
    }

    /// The test answers of an instrument (or of every instrument), by id: read only when a
    /// caller asks for them by name (an export with test answers included).
    pub async fn test_responses(&self, instrument: Option<InstrumentId>) -> Result<Vec<Response>> {
        let all = self.responses_with_tests(None).await?;
        let waves = self.test_waves(instrument).await?;
        Ok(all
            .into_iter()
            .filter(|r| waves.contains(&r.wave))
            .collect())
    }

    /// [`Store::study_data`] with the test answers among the responses and the test waves
    /// (named [`TEST_WAVE_NAME`]) among the waves: only for an export that asks for them
    /// (`leernet export --include-test`), never for a figure.
    pub async fn study_data_with_tests(&self) -> Result<StudyData> {
        let mut data = self.study_data().await?;
        for id in self.test_waves(None).await? {
            if let Some(w) = self.survey_wave(id).await? {
                data.waves.push(w);
            }
        }
        data.waves.sort_by_key(|w| w.id);
        data.responses.extend(self.test_responses(None).await?);
        data.responses.sort_by_key(|r| r.id);
        Ok(data)
    }

    /// The test waves of an instrument (or of every instrument), by id.
    async fn test_waves(&self, instrument: Option<InstrumentId>) -> Result<Vec<WaveId>> {
        let ids: Vec<i64> = match instrument {
            Some(i) => {
                sqlx::query_scalar(
                    "SELECT id FROM waves WHERE test = 1 AND instrument_id = $1 ORDER BY id",
                )
                .bind(i.0)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_scalar("SELECT id FROM waves WHERE test = 1 ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        Ok(ids.into_iter().map(WaveId).collect())
    }

    /// How many test links and test answers (started, submitted) an instrument has.
    pub async fn test_counts(&self, instrument: InstrumentId) -> Result<TestCounts> {
        let Some(wave) = self.test_wave_of(instrument).await? else {
            return Ok(TestCounts::default());
        };
        let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE wave_id = $1")
            .bind(wave.0)
            .fetch_one(&self.pool)
            .await?;
        let r = sqlx::query(
            "SELECT COUNT(*) AS started, \
             CAST(COALESCE(SUM(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END), 0) AS BIGINT) AS submitted \
             FROM responses WHERE wave_id = $1",
        )
        .bind(wave.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(TestCounts {
            links,
            started: get(&r, "started")?,
            submitted: get(&r, "submitted")?,
        })
    }

    /// Wipes the test answers of an instrument (or of every instrument) in one transaction,
    /// audited: the responses of its test wave go (their codings by cascade), nothing else;
    /// the test links stay and start afresh. Returns how many responses went.
    pub async fn wipe_test_responses(
        &self,
        instrument: Option<InstrumentId>,
        actor: Actor,
        at: i64,
    ) -> Result<u64> {
        let waves = self.test_waves(instrument).await?;
        let mut tx = self.pool.begin().await?;
        let mut gone = 0u64;
        for w in &waves {
            // pseudonym rows and other children go with the response by cascade
            let done = sqlx::query("DELETE FROM responses WHERE wave_id = $1")
                .bind(w.0)
                .execute(&mut *tx)
                .await?;
            gone = gone
                .checked_add(done.rows_affected())
                .ok_or_else(|| StoreError::Corrupt("too many test answers to count".into()))?;
            sqlx::query("UPDATE invitations SET page = 0 WHERE wave_id = $1")
                .bind(w.0)
                .execute(&mut *tx)
                .await?;
        }
        record(
            &mut tx,
            &NewAudit {
                at,
                actor,
                action: Action::TestWipe,
                subject: instrument.map_or(AuditSubject::Project, AuditSubject::Instrument),
                detail: format!("responses={gone}"),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(gone)
    }
}

/// What an instrument's test wave holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TestCounts {
    /// Test links made.
    pub links: i64,
    /// Test answers started (submitted ones included).
    pub started: i64,
    /// Test answers submitted.
    pub submitted: i64,
}
