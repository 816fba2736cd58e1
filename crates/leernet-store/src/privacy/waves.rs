//! Per wave: retention dates and their application, and pseudonymising a wave.

use super::*;

impl Store {
    /// The wave of an instrument-independent name: the one wave called `name`. `NotFound`
    /// when there is none; `Conflict` when several instruments have a wave of that name.
    pub async fn wave_by_name(&self, name: &str) -> Result<Wave> {
        let found: Vec<Wave> = self
            .waves()
            .await?
            .into_iter()
            .filter(|w| w.name == name)
            .collect();
        match found.len() {
            0 => Err(StoreError::NotFound(format!(
                "there is no wave named {name:?} in this project"
            ))),
            1 => Ok(found.into_iter().next().expect("one wave")),
            n => Err(StoreError::Conflict(format!(
                "{n} waves are named {name:?} (one per instrument); rename one of them first"
            ))),
        }
    }

    /// Sets the last day a wave's personal data is kept (an ISO date, checked by the caller
    /// with [`parse_iso_date`]), with its audit entry.
    pub async fn set_retention(
        &self,
        wave: WaveId,
        keep_until: &str,
        actor: &Actor,
        at: i64,
    ) -> Result<()> {
        if parse_iso_date(keep_until).is_none() {
            return Err(StoreError::Conflict(format!(
                "{keep_until:?} is not a date (YYYY-MM-DD)"
            )));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO wave_retention (wave_id, keep_until) VALUES ($1, $2) \
             ON CONFLICT (wave_id) DO UPDATE SET keep_until = $2",
        )
        .bind(wave.0)
        .bind(keep_until)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::NotFound(format!("there is no wave {wave}"))
            }
            _ => StoreError::from(e),
        })?;
        record(
            &mut tx,
            &NewAudit {
                at,
                actor: actor.clone(),
                action: Action::RetentionSet,
                subject: crate::AuditSubject::Wave(wave),
                detail: format!("keep_until={keep_until}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every wave's retention date, by wave id.
    pub async fn retention_dates(&self) -> Result<Vec<(WaveId, String)>> {
        let rows = sqlx::query("SELECT wave_id, keep_until FROM wave_retention ORDER BY wave_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((WaveId(get(r, "wave_id")?), get(r, "keep_until")?)))
            .collect()
    }

    /// Removes the personal data of every wave whose retention date is before `today` (an ISO
    /// date): the invitations' e-mail addresses and person links, the pseudonym codes, and
    /// mentions of known people (and of the invitations' addresses) in the answers and coding
    /// memos, replaced by [`REMOVED`]. One transaction for all waves. Idempotent: a second
    /// run finds nothing left and records nothing; a wave where something was removed gets an
    /// audit entry. Returns what was done per expired wave.
    pub async fn apply_retention(
        &self,
        today: &str,
        actor: &Actor,
        at: i64,
    ) -> Result<Vec<RetentionOutcome>> {
        if parse_iso_date(today).is_none() {
            return Err(StoreError::Conflict(format!(
                "{today:?} is not a date (YYYY-MM-DD)"
            )));
        }
        let mut tx = self.pool.begin().await?;
        // Take the write lock first (SQLite).
        sqlx::query("UPDATE wave_retention SET keep_until = keep_until WHERE keep_until < $1")
            .bind(today)
            .execute(&mut *tx)
            .await?;
        let due = sqlx::query(
            "SELECT wave_id, keep_until FROM wave_retention WHERE keep_until < $1 ORDER BY wave_id",
        )
        .bind(today)
        .fetch_all(&mut *tx)
        .await?;
        let people = known_people(&mut tx).await?;
        let mut out = Vec::new();
        for r in &due {
            let wave = WaveId(get(r, "wave_id")?);
            let keep_until: String = get(r, "keep_until")?;
            let mut mentions: Vec<Mention> = Vec::new();
            for (email, name) in &people {
                mentions.extend(mentions_of(email, name, REMOVED));
            }
            for email in wave_invitation_emails(&mut tx, wave).await? {
                mentions.push(Mention {
                    needle: email,
                    replacement: REMOVED.to_owned(),
                });
            }
            let invitations = sqlx::query(
                "UPDATE invitations SET email = NULL, person_id = NULL \
                 WHERE wave_id = $1 AND (email IS NOT NULL OR person_id IS NOT NULL)",
            )
            .bind(wave.0)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            let pseudonyms = sqlx::query(
                "DELETE FROM pseudonyms WHERE response_id IN (SELECT id FROM responses WHERE wave_id = $1)",
            )
            .bind(wave.0)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            let answers = replace_in_answers(&mut tx, Some(wave), &mentions).await?;
            if invitations + pseudonyms + answers > 0 {
                record(
                    &mut tx,
                    &NewAudit {
                        at,
                        actor: actor.clone(),
                        action: Action::RetentionApply,
                        subject: crate::AuditSubject::Wave(wave),
                        detail: format!(
                            "keep_until={keep_until} invitations={invitations} pseudonyms={pseudonyms} answers={answers}"
                        ),
                    },
                )
                .await?;
            }
            out.push(RetentionOutcome {
                wave,
                keep_until,
                invitations,
                answers,
                pseudonyms,
            });
        }
        // a run past no retention date changes nothing, not even the generation
        if out
            .iter()
            .any(|o| o.invitations + o.answers + o.pseudonyms > 0)
        {
            crate::generation::bump(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Pseudonymises a closed wave under `key`: every invitation's e-mail address and person
    /// link is replaced by the person's code (kept per response), and mentions of known people
    /// and of the invitations' addresses in the answers and coding memos are replaced by their
    /// codes. One transaction with its audit entry; with `dry_run`, reports and rolls back.
    /// `Conflict` when the wave is not closed (a running survey would lose its links).
    pub async fn pseudonymise_wave(
        &self,
        wave: WaveId,
        key: &[u8],
        actor: &Actor,
        at: i64,
        dry_run: bool,
    ) -> Result<PseudonymReport> {
        if key.len() < 16 {
            return Err(StoreError::Conflict(
                "a pseudonymisation key has at least 16 bytes".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        let status: Option<String> =
            sqlx::query_scalar("UPDATE waves SET status = status WHERE id = $1 RETURNING status")
                .bind(wave.0)
                .fetch_optional(&mut *tx)
                .await?;
        let status =
            status.ok_or_else(|| StoreError::NotFound(format!("there is no wave {wave}")))?;
        if status != WaveStatus::Closed.as_str() {
            return Err(StoreError::Conflict(format!(
                "the wave is {status}, not closed: close it first, so that no respondent loses their link"
            )));
        }
        let mut key_entries: BTreeMap<String, KeyEntry> = BTreeMap::new();
        let mut add_key = |email: &str, name: &str| -> Result<String> {
            let code = pseudonym_code(key, email);
            let email = email.trim().to_lowercase();
            match key_entries.get(&code) {
                Some(e) if e.email != email => Err(StoreError::Conflict(format!(
                    "two addresses share the code {code}; use another key"
                ))),
                Some(_) => Ok(code),
                None => {
                    key_entries.insert(
                        code.clone(),
                        KeyEntry {
                            code: code.clone(),
                            email,
                            name: name.to_owned(),
                        },
                    );
                    Ok(code)
                }
            }
        };
        let people = known_people(&mut tx).await?;
        let invs = sqlx::query(
            "SELECT i.id, i.email, p.email AS person_email, p.name AS person_name, r.id AS response_id \
             FROM invitations i LEFT JOIN persons p ON p.id = i.person_id \
             LEFT JOIN responses r ON r.wave_id = i.wave_id AND r.respondent = 'invitation:' || i.id \
             WHERE i.wave_id = $1 AND (i.email IS NOT NULL OR i.person_id IS NOT NULL) ORDER BY i.id",
        )
        .bind(wave.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut mentions = Vec::new();
        let (mut responses, mut invitations) = (0, 0);
        for inv in &invs {
            let email: Option<String> =
                get::<Option<String>>(inv, "person_email")?.or(get(inv, "email")?);
            let Some(email) = email else { continue };
            let name = get::<Option<String>>(inv, "person_name")?
                .or_else(|| {
                    people
                        .iter()
                        .find(|(e, _)| e.eq_ignore_ascii_case(&email))
                        .map(|(_, n)| n.clone())
                })
                .unwrap_or_default();
            let code = add_key(&email, &name)?;
            if let Some(inv_email) = get::<Option<String>>(inv, "email")? {
                mentions.push(Mention {
                    needle: inv_email,
                    replacement: code.clone(),
                });
            }
            if let Some(rid) = get::<Option<i64>>(inv, "response_id")? {
                sqlx::query(
                    "INSERT INTO pseudonyms (response_id, code) VALUES ($1, $2) \
                     ON CONFLICT (response_id) DO UPDATE SET code = $2",
                )
                .bind(rid)
                .bind(&code)
                .execute(&mut *tx)
                .await?;
                responses += 1;
            }
            sqlx::query("UPDATE invitations SET email = NULL, person_id = NULL WHERE id = $1")
                .bind(get::<i64>(inv, "id")?)
                .execute(&mut *tx)
                .await?;
            invitations += 1;
        }
        // Mentions of known people: only those that occur get into the key.
        let mut candidates = Vec::new();
        for (email, name) in &people {
            let code = pseudonym_code(key, email);
            candidates.push((email.clone(), name.clone(), mentions_of(email, name, &code)));
        }
        let texts: Vec<String> =
            sqlx::query_scalar("SELECT answers FROM responses WHERE wave_id = $1 ORDER BY id")
                .bind(wave.0)
                .fetch_all(&mut *tx)
                .await?;
        for (email, name, ms) in candidates {
            let occurs = texts.iter().any(|t| {
                serde_json::from_str::<Answers>(t)
                    .map(|a| a.values().any(|v| !replace_mentions(v, &ms).1.is_empty()))
                    .unwrap_or(false)
            });
            if occurs {
                add_key(&email, &name)?;
                mentions.extend(ms);
            }
        }
        let answers = replace_in_answers(&mut tx, Some(wave), &mentions).await?;
        let report = PseudonymReport {
            wave,
            responses,
            invitations,
            answers,
            key: key_entries.into_values().collect(),
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
                action: Action::Pseudonymise,
                subject: crate::AuditSubject::Wave(wave),
                detail: format!(
                    "responses={responses} invitations={invitations} answers={answers} codes={}",
                    report.key.len()
                ),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The pseudonym code of each pseudonymised response of a wave, by response id.
    pub async fn pseudonyms(&self, wave: WaveId) -> Result<Vec<(ResponseId, String)>> {
        let rows = sqlx::query(
            "SELECT p.response_id, p.code FROM pseudonyms p JOIN responses r ON r.id = p.response_id \
             WHERE r.wave_id = $1 ORDER BY p.response_id",
        )
        .bind(wave.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((ResponseId(get(r, "response_id")?), get(r, "code")?)))
            .collect()
    }
}

/// Everyone known to leernet by (e-mail, name), except erased accounts.
pub(super) async fn known_people(conn: &mut sqlx::AnyConnection) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT email, name FROM persons WHERE email NOT LIKE '%@erased.invalid' ORDER BY id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((get(r, "email")?, get(r, "name")?)))
        .collect()
}

pub(super) async fn wave_invitation_emails(
    conn: &mut sqlx::AnyConnection,
    wave: WaveId,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT email FROM invitations WHERE wave_id = $1 AND email IS NOT NULL ORDER BY email",
    )
    .bind(wave.0)
    .fetch_all(conn)
    .await?)
}
