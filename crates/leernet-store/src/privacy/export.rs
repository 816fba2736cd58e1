//! The export collectors, one per area of [`super::EXPORT_AREAS`].

use super::*;

pub(super) fn collect_account<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        if s.id.is_none() {
            return Ok(Value::Null);
        }
        let r = sqlx::query("SELECT role, password_hash FROM persons WHERE id = $1")
            .bind(s.pid())
            .fetch_one(&store.pool)
            .await?;
        let networks: Vec<String> = sqlx::query_scalar(
            "SELECT n.slug FROM person_networks pn JOIN networks n ON n.id = pn.network_id \
             WHERE pn.person_id = $1 ORDER BY n.id",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        let hash: Option<String> = get(&r, "password_hash")?;
        Ok(json!({
            "id": s.id.map(|p| p.0),
            "email": s.email,
            "name": s.name,
            "role": get::<String>(&r, "role")?,
            "networks": networks,
            "can_log_in": hash.is_some(),
        }))
    })
}

pub(super) fn collect_sessions<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let rows = sqlx::query(
            "SELECT created_at, expires_at FROM sessions WHERE person_id = $1 \
             ORDER BY created_at, expires_at",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        let sessions: Vec<Value> = rows
            .iter()
            .map(|r| {
                Ok(json!({
                    "started": crate::audit::utc_timestamp(get(r, "created_at")?),
                    "expires": crate::audit::utc_timestamp(get(r, "expires_at")?),
                }))
            })
            .collect::<Result<_>>()?;
        let failures = login_attempts_kept(&store.pool, &s.email).await?;
        Ok(json!({"login_sessions": sessions, "failed_logins_kept": failures}))
    })
}

pub(super) fn collect_invitations<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let rows = invitations_of(&mut conn, s).await?;
        let list: Vec<Value> = rows
            .iter()
            .map(|r| {
                Ok(json!({
                    "id": get::<i64>(r, "id")?,
                    "wave": get::<String>(r, "wave")?,
                    "network": get::<String>(r, "network")?,
                    "kind": get::<String>(r, "kind")?,
                    "email": get::<Option<String>>(r, "email")?,
                    "emailed_at": get::<Option<i64>>(r, "sent_at")?.map(crate::audit::utc_timestamp),
                    "response_status": get::<Option<String>>(r, "status")?,
                }))
            })
            .collect::<Result<_>>()?;
        Ok(Value::Array(list))
    })
}

pub(super) fn collect_responses<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let mut list = Vec::new();
        for inv in invitations_of(&mut conn, s).await? {
            let Some(rid) = get::<Option<i64>>(&inv, "response_id")? else {
                continue;
            };
            let answers: String = sqlx::query_scalar("SELECT answers FROM responses WHERE id = $1")
                .bind(rid)
                .fetch_one(&mut *conn)
                .await?;
            let answers: Value = serde_json::from_str(&answers)
                .map_err(|e| StoreError::Corrupt(format!("answers of response {rid}: {e}")))?;
            list.push(json!({
                "id": rid,
                "wave": get::<String>(&inv, "wave")?,
                "network": get::<String>(&inv, "network")?,
                "status": get::<Option<String>>(&inv, "status")?,
                "answers": answers,
            }));
        }
        let waves: BTreeMap<i64, String> = sqlx::query("SELECT id, name FROM waves ORDER BY id")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((get(r, "id")?, get(r, "name")?)))
            .collect::<Result<_>>()?;
        for (rid, wave, status, code) in pseudonymised_of(&mut conn, s).await? {
            let answers: String = sqlx::query_scalar("SELECT answers FROM responses WHERE id = $1")
                .bind(rid)
                .fetch_one(&mut *conn)
                .await?;
            let answers: Value = serde_json::from_str(&answers)
                .map_err(|e| StoreError::Corrupt(format!("answers of response {rid}: {e}")))?;
            list.push(json!({
                "id": rid,
                "wave": waves.get(&wave.0),
                "pseudonym": code,
                "status": status,
                "answers": answers,
            }));
        }
        Ok(Value::Array(list))
    })
}

pub(super) fn collect_mentions<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let mut own: BTreeSet<i64> = invitations_of(&mut conn, s)
            .await?
            .iter()
            .filter_map(|r| get::<Option<i64>>(r, "response_id").ok().flatten())
            .collect();
        own.extend(
            pseudonymised_of(&mut conn, s)
                .await?
                .into_iter()
                .map(|p| p.0),
        );
        let mentions = subject_mentions(s, "");
        let rows = sqlx::query("SELECT id, answers FROM responses ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        let mut list = Vec::new();
        for r in &rows {
            let id: i64 = get(r, "id")?;
            if own.contains(&id) {
                continue;
            }
            let text: String = get(r, "answers")?;
            let answers: Answers = serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("answers of response {id}: {e}")))?;
            for (q, v) in &answers {
                let (_, edits) = replace_mentions(v, &mentions);
                if !edits.is_empty() {
                    list.push(json!({"response": id, "question": q, "mentions": edits.len()}));
                }
            }
        }
        Ok(Value::Array(list))
    })
}

pub(super) fn collect_codings<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let rows = sqlx::query(
            "SELECT c.id, c.response_id, c.question, c.start_pos, c.end_pos, k.key, c.memo \
             FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.coder_id = $1 ORDER BY c.id",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        let list: Vec<Value> = rows
            .iter()
            .map(|r| {
                Ok(json!({
                    "id": get::<i64>(r, "id")?,
                    "response": get::<i64>(r, "response_id")?,
                    "question": get::<String>(r, "question")?,
                    "start": get::<i64>(r, "start_pos")?,
                    "end": get::<i64>(r, "end_pos")?,
                    "code": get::<String>(r, "key")?,
                    "memo": get::<String>(r, "memo")?,
                }))
            })
            .collect::<Result<_>>()?;
        // Their codings of documents (interviews, reports): positions and code, not the
        // document's text, which is not theirs.
        let rows = sqlx::query(
            "SELECT c.id, c.document_id, c.start_pos, c.end_pos, k.key, c.memo \
             FROM document_codings c JOIN codes k ON k.id = c.code_id WHERE c.coder_id = $1 ORDER BY c.id",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        let mut list: Vec<Value> = list;
        for r in &rows {
            list.push(json!({
                "id": get::<i64>(r, "id")?,
                "document": get::<i64>(r, "document_id")?,
                "start": get::<i64>(r, "start_pos")?,
                "end": get::<i64>(r, "end_pos")?,
                "code": get::<String>(r, "key")?,
                "memo": get::<String>(r, "memo")?,
            }));
        }
        // Their own codings of documents in coding assignments (blind double coding).
        let rows = sqlx::query(
            "SELECT c.id, c.assignment_id, c.document_id, c.start_pos, c.end_pos, k.key, c.memo \
             FROM assignment_document_codings c JOIN codes k ON k.id = c.code_id WHERE c.coder_id = $1 ORDER BY c.id",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        for r in &rows {
            list.push(json!({
                "assignment": get::<i64>(r, "assignment_id")?,
                "document": get::<i64>(r, "document_id")?,
                "start": get::<i64>(r, "start_pos")?,
                "end": get::<i64>(r, "end_pos")?,
                "code": get::<String>(r, "key")?,
                "memo": get::<String>(r, "memo")?,
            }));
        }
        // Memos they wrote (their own text).
        let rows = sqlx::query(
            "SELECT id, title, body, code_id, document_id FROM memos WHERE author_id = $1 ORDER BY id",
        )
        .bind(s.pid())
        .fetch_all(&store.pool)
        .await?;
        for r in &rows {
            list.push(json!({
                "memo": get::<i64>(r, "id")?,
                "title": get::<String>(r, "title")?,
                "text": get::<String>(r, "body")?,
                "code": get::<Option<i64>>(r, "code_id")?,
                "document": get::<Option<i64>>(r, "document_id")?,
            }));
        }
        Ok(Value::Array(list))
    })
}

pub(super) fn collect_coding_work<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let pid = s.pid();
        let led: Vec<Value> = sqlx::query(
            "SELECT id, name, question, created_at FROM coding_assignments WHERE lead_id = $1 ORDER BY id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "id": get::<i64>(r, "id")?,
                "name": get::<String>(r, "name")?,
                "question": get::<String>(r, "question")?,
                "created": crate::audit::utc_timestamp(get(r, "created_at")?),
            }))
        })
        .collect::<Result<_>>()?;
        let coded: Vec<Value> = sqlx::query(
            "SELECT a.id, a.name, a.question, c.finished_at FROM coding_assignment_coders c \
             JOIN coding_assignments a ON a.id = c.assignment_id WHERE c.coder_id = $1 ORDER BY a.id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "id": get::<i64>(r, "id")?,
                "name": get::<String>(r, "name")?,
                "question": get::<String>(r, "question")?,
                "finished": get::<Option<i64>>(r, "finished_at")?.map(crate::audit::utc_timestamp),
            }))
        })
        .collect::<Result<_>>()?;
        let decisions: Vec<Value> = sqlx::query(
            "SELECT id, at, kind, assignment_id, response_id, code_id, what, why \
             FROM coding_decisions WHERE person_id = $1 ORDER BY id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "id": get::<i64>(r, "id")?,
                "at": crate::audit::utc_timestamp(get(r, "at")?),
                "kind": get::<String>(r, "kind")?,
                "assignment": get::<Option<i64>>(r, "assignment_id")?,
                "response": get::<Option<i64>>(r, "response_id")?,
                "code": get::<Option<i64>>(r, "code_id")?,
                "what": get::<String>(r, "what")?,
                "why": get::<String>(r, "why")?,
            }))
        })
        .collect::<Result<_>>()?;
        let suggestions: Vec<Value> = sqlx::query(
            "SELECT d.assignment_id, d.response_id, k.key, d.start_pos, d.end_pos, d.decision, d.at \
             FROM coding_suggestion_decisions d JOIN codes k ON k.id = d.code_id \
             WHERE d.coder_id = $1 ORDER BY d.id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "assignment": get::<i64>(r, "assignment_id")?,
                "response": get::<i64>(r, "response_id")?,
                "code": get::<String>(r, "key")?,
                "start": get::<i64>(r, "start_pos")?,
                "end": get::<i64>(r, "end_pos")?,
                "decision": get::<String>(r, "decision")?,
                "at": crate::audit::utc_timestamp(get(r, "at")?),
            }))
        })
        .collect::<Result<_>>()?;
        let verdicts: Vec<Value> = sqlx::query(
            "SELECT response_id, question, start_pos, end_pos, status, at \
             FROM slow_question_confirmations WHERE coder_id = $1 ORDER BY id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "response": get::<i64>(r, "response_id")?,
                "question": get::<String>(r, "question")?,
                "start": get::<i64>(r, "start_pos")?,
                "end": get::<i64>(r, "end_pos")?,
                "verdict": get::<String>(r, "status")?,
                "at": crate::audit::utc_timestamp(get(r, "at")?),
            }))
        })
        .collect::<Result<_>>()?;
        let versions: Vec<Value> = sqlx::query(
            "SELECT codebook_id, version, at, reason FROM codebook_versions \
             WHERE person_id = $1 ORDER BY id",
        )
        .bind(pid)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(json!({
                "codebook": get::<i64>(r, "codebook_id")?,
                "version": get::<i64>(r, "version")?,
                "at": get::<Option<i64>>(r, "at")?.map(crate::audit::utc_timestamp),
                "why": get::<String>(r, "reason")?,
            }))
        })
        .collect::<Result<_>>()?;
        Ok(json!({
            "assignments_led": led,
            "assignments_coded": coded,
            "decisions": decisions,
            "codebook_versions": versions,
            "suggestion_decisions": suggestions,
            "slow_question_verdicts": verdicts,
        }))
    })
}

pub(super) fn collect_workspace<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        match s.id {
            // The workspace is for account holders only.
            None => Ok(Value::Null),
            Some(id) => store.person_contributions(id).await,
        }
    })
}

/// Their responses to their networks' profiles (member checking), with the sentence.
pub(super) fn collect_profile_responses<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let Some(id) = s.id else {
            // Responses are for account holders only.
            return Ok(Value::Array(Vec::new()));
        };
        let slugs: BTreeMap<NetworkId, String> = store
            .networks()
            .await?
            .into_iter()
            .map(|n| (n.id, n.slug.as_str().to_owned()))
            .collect();
        Ok(Value::Array(
            store
                .profile_responses(None, Some(id))
                .await?
                .into_iter()
                .map(|r| {
                    json!({
                        "network": slugs.get(&r.network).cloned().unwrap_or_default(),
                        "wave": r.wave,
                        "verdict": r.verdict.as_str(),
                        "reason": r.reason,
                        "updated_at": crate::audit::utc_timestamp(r.updated_at),
                    })
                })
                .collect(),
        ))
    })
}

pub(super) fn collect_audit<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let entries: Vec<AuditEntry> = store.audit_entries_about(&s.audit_subject()).await?;
        Ok(Value::Array(
            entries
                .into_iter()
                .map(|e| {
                    json!({
                        "at": crate::audit::utc_timestamp(e.at),
                        "actor": e.actor,
                        "action": e.action,
                        "subject": e.subject,
                        "detail": e.detail,
                    })
                })
                .collect(),
        ))
    })
}
