//! The erase steps, one per area of [`super::ERASE_AREAS`].

use super::*;

pub(super) fn erase_responses<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let (mut removed, mut kept, mut invitations) = (0, 0, 0);
        for inv in invitations_of(conn, &p.subject).await? {
            let wave = WaveId(get(&inv, "wave_id")?);
            if let Some(rid) = get::<Option<i64>>(&inv, "response_id")? {
                let status: Option<String> = get(&inv, "status")?;
                let submitted = status.as_deref() == Some(ResponseStatus::Submitted.as_str());
                if submitted && p.policy(wave) == ErasePolicy::KeepAnonymised {
                    sqlx::query("UPDATE responses SET respondent = $1 WHERE id = $2")
                        .bind(format!("erased:{rid}"))
                        .bind(rid)
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("DELETE FROM pseudonyms WHERE response_id = $1")
                        .bind(rid)
                        .execute(&mut *conn)
                        .await?;
                    kept += 1;
                } else {
                    sqlx::query("DELETE FROM responses WHERE id = $1")
                        .bind(rid)
                        .execute(&mut *conn)
                        .await?;
                    removed += 1;
                }
            }
            sqlx::query("DELETE FROM invitations WHERE id = $1")
                .bind(get::<i64>(&inv, "id")?)
                .execute(&mut *conn)
                .await?;
            invitations += 1;
        }
        for (rid, wave, status, _) in pseudonymised_of(conn, &p.subject).await? {
            if status == ResponseStatus::Submitted.as_str()
                && p.policy(wave) == ErasePolicy::KeepAnonymised
            {
                sqlx::query("UPDATE responses SET respondent = $1 WHERE id = $2")
                    .bind(format!("erased:{rid}"))
                    .bind(rid)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("DELETE FROM pseudonyms WHERE response_id = $1")
                    .bind(rid)
                    .execute(&mut *conn)
                    .await?;
                kept += 1;
            } else {
                sqlx::query("DELETE FROM responses WHERE id = $1")
                    .bind(rid)
                    .execute(&mut *conn)
                    .await?;
                removed += 1;
            }
        }
        Ok(vec![
            ("removed", removed),
            ("kept_anonymised", kept),
            ("invitations_removed", invitations),
        ])
    })
}

pub(super) fn erase_mentions<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let mentions = subject_mentions(&p.subject, REMOVED);
        let n = replace_in_answers(conn, None, &mentions).await?;
        Ok(vec![("answers_changed", n)])
    })
}

pub(super) fn erase_codings<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        // Codings of answers and of documents alike, and the memos they wrote.
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM codings WHERE coder_id = $1) \
             + (SELECT COUNT(*) FROM document_codings WHERE coder_id = $1) \
             + (SELECT COUNT(*) FROM assignment_document_codings WHERE coder_id = $1) \
             + (SELECT COUNT(*) FROM memos WHERE author_id = $1)",
        )
        .bind(p.subject.pid())
        .fetch_one(conn)
        .await?;
        Ok(vec![("kept_unlinked", n)])
    })
}

pub(super) fn erase_coding_work<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        // Like their codings: the decisions, verdicts and assignments stay (the study's
        // traceability depends on them) and keep pointing at the account, which the last step
        // empties. Mentions of the person in any decision's text are replaced.
        let pid = p.subject.pid();
        let mut kept = 0;
        for sql in [
            "SELECT COUNT(*) FROM coding_decisions WHERE person_id = $1",
            "SELECT COUNT(*) FROM coding_suggestion_decisions WHERE coder_id = $1",
            "SELECT COUNT(*) FROM slow_question_confirmations WHERE coder_id = $1",
            "SELECT COUNT(*) FROM codebook_versions WHERE person_id = $1",
        ] {
            let n: i64 = sqlx::query_scalar(sql)
                .bind(pid)
                .fetch_one(&mut *conn)
                .await?;
            kept += n;
        }
        let mentions = subject_mentions(&p.subject, REMOVED);
        let mut changed = 0;
        let rows = sqlx::query("SELECT id, what, why FROM coding_decisions ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            let (what, why): (String, String) = (get(r, "what")?, get(r, "why")?);
            let (new_what, e1) = replace_mentions(&what, &mentions);
            let (new_why, e2) = replace_mentions(&why, &mentions);
            if !e1.is_empty() || !e2.is_empty() {
                sqlx::query("UPDATE coding_decisions SET what = $1, why = $2 WHERE id = $3")
                    .bind(new_what)
                    .bind(new_why)
                    .bind(get::<i64>(r, "id")?)
                    .execute(&mut *conn)
                    .await?;
                changed += 1;
            }
        }
        // The codebook's versions, like the decisions that made them: the reason and the
        // snapshot's texts (old names of codes appear in both logs).
        let rows = sqlx::query("SELECT id, reason, snapshot FROM codebook_versions ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            let (reason, snapshot): (String, String) = (get(r, "reason")?, get(r, "snapshot")?);
            let (new_reason, e1) = replace_mentions(&reason, &mentions);
            let (new_snapshot, e2) = replace_mentions(&snapshot, &mentions);
            // A mention is replaced by plain text, so the snapshot stays JSON; if it would
            // not, the snapshot is kept as it was (its texts are the codebook's, not answers).
            let new_snapshot = if serde_json::from_str::<serde_json::Value>(&new_snapshot).is_ok() {
                new_snapshot
            } else {
                snapshot
            };
            if !e1.is_empty() || !e2.is_empty() {
                sqlx::query(
                    "UPDATE codebook_versions SET reason = $1, snapshot = $2 WHERE id = $3",
                )
                .bind(new_reason)
                .bind(new_snapshot)
                .bind(get::<i64>(r, "id")?)
                .execute(&mut *conn)
                .await?;
                changed += 1;
            }
        }
        Ok(vec![
            ("kept_unlinked", kept),
            ("decisions_changed", changed),
        ])
    })
}

/// The workspace's free texts, where someone else may have written a person's name.
pub(super) const WORKSPACE_TEXTS: &[(&str, &str)] = &[
    ("ws_sessions", "report"),
    ("ws_topics", "title"),
    ("ws_agenda_items", "title"),
    ("ws_slow_questions", "text"),
    ("ws_slow_questions", "followup"),
    ("ws_stories", "text"),
];

pub(super) fn erase_workspace<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        // Their own contributions: texts blanked, links removed, rows kept so that the
        // networks' counts stay (see `workspace::erase_person_in`). Before the account step.
        let e = match p.subject.id {
            Some(id) => crate::workspace::erase_person_in(conn, id).await?,
            None => crate::workspace::Erasure::default(),
        };
        // Mentions of them in what others wrote.
        let mentions = subject_mentions(&p.subject, REMOVED);
        let mut changed = 0;
        for (table, column) in WORKSPACE_TEXTS {
            let rows = sqlx::query(&format!(
                "SELECT id, {column} AS t FROM {table} WHERE {column} <> '' ORDER BY id"
            ))
            .fetch_all(&mut *conn)
            .await?;
            for r in &rows {
                let text: String = get(r, "t")?;
                let (new, edits) = replace_mentions(&text, &mentions);
                if !edits.is_empty() {
                    sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                        .bind(new)
                        .bind(get::<i64>(r, "id")?)
                        .execute(&mut *conn)
                        .await?;
                    changed += 1;
                }
            }
        }
        Ok(vec![
            ("slow_questions_blanked", e.slow_questions as i64),
            ("topics_blanked", e.topics as i64),
            ("stories_blanked", e.stories as i64),
            ("votes_unlinked", e.votes as i64),
            ("attendance_unlinked", e.attendance as i64),
            ("sessions_unlinked", e.sessions as i64),
            ("outbox_removed", e.outbox as i64),
            ("texts_changed", changed),
        ])
    })
}

/// Their responses to their networks' profiles: deleted (a response is the person's own
/// opinion; the report's counts are of the responses that remain).
pub(super) fn erase_profile_responses<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let n = match p.subject.id {
            Some(id) => crate::profile_responses::erase_person_in(conn, id).await?,
            None => 0,
        };
        Ok(vec![("removed", n as i64)])
    })
}

/// The login attempts the throttle keeps of the account with this address (its pairs' counts:
/// its own row counts the same attempts again).
pub(super) async fn login_attempts_kept<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    e: E,
    email: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM login_throttle \
         WHERE lower(account) = $1 AND address <> ''",
    )
    .bind(email.to_lowercase())
    .fetch_one(e)
    .await?)
}

pub(super) fn erase_sessions<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let sessions = sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(p.subject.pid())
            .execute(&mut *conn)
            .await?
            .rows_affected() as i64;
        let failures = login_attempts_kept(&mut *conn, &p.subject.email).await?;
        // The throttle's rows of the account: its own and one per address it was tried from.
        sqlx::query("DELETE FROM login_throttle WHERE lower(account) = $1")
            .bind(p.subject.email.to_lowercase())
            .execute(&mut *conn)
            .await?;
        Ok(vec![
            ("removed", sessions),
            ("failed_logins_removed", failures),
        ])
    })
}

pub(super) fn erase_account<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let Some(PersonId(id)) = p.subject.id else {
            return Ok(vec![("emptied", 0), ("network_links_removed", 0)]);
        };
        let networks = sqlx::query("DELETE FROM person_networks WHERE person_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected() as i64;
        let done = sqlx::query(
            "UPDATE persons SET email = $1, name = $2, role = 'member', password_hash = NULL \
             WHERE id = $3",
        )
        .bind(format!("erased-{id}@erased.invalid"))
        .bind(format!("erased-{id}"))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound(format!("there is no person {id}")));
        }
        Ok(vec![("emptied", 1), ("network_links_removed", networks)])
    })
}
