//! Steps shared by the export, the erasure, retention and pseudonymising: finding a
//! person, replacing mentions in answers, a person's invitations.

use super::*;

pub(super) async fn subject_by_email(
    conn: &mut sqlx::AnyConnection,
    email: &str,
) -> Result<Option<Subject>> {
    let row = sqlx::query(
        "SELECT id, email, name FROM persons WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
    )
    .bind(email.trim())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(r) = row {
        let id: i64 = get(&r, "id")?;
        return Ok(Some(Subject {
            id: Some(PersonId(id)),
            audit_key: crate::AuditSubject::Person(PersonId(id)),
            email: get(&r, "email")?,
            name: get(&r, "name")?,
            pseudonyms: Vec::new(),
        }));
    }
    // Someone invited by address only, without an account.
    let inv = sqlx::query(
        "SELECT id, email FROM invitations WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
    )
    .bind(email.trim())
    .fetch_optional(&mut *conn)
    .await?;
    inv.map(|r| {
        Ok(Subject {
            id: None,
            audit_key: crate::AuditSubject::Invitation(get::<i64>(&r, "id")?),
            email: get(&r, "email")?,
            name: String::new(),
            pseudonyms: Vec::new(),
        })
    })
    .transpose()
}

pub(super) fn not_found(email: &str) -> StoreError {
    StoreError::NotFound(format!(
        "there is no person with e-mail address {:?} in this project",
        email.trim()
    ))
}

/// The mentions of one person: their address, and their name when it is searchable.
pub(super) fn mentions_of(email: &str, name: &str, replacement: &str) -> Vec<Mention> {
    let mut out = vec![Mention {
        needle: email.to_owned(),
        replacement: replacement.to_owned(),
    }];
    if name_is_searchable(name) {
        out.push(Mention {
            needle: name.to_owned(),
            replacement: replacement.to_owned(),
        });
    }
    out
}

/// Replaces mentions in the answers of the responses `which` selects (every response, or one
/// wave's), moving the offsets of codings on changed answers, and in the memos of codings on
/// those responses. Returns the number of answers changed.
pub(super) async fn replace_in_answers(
    conn: &mut sqlx::AnyConnection,
    wave: Option<WaveId>,
    mentions: &[Mention],
) -> Result<i64> {
    if mentions.is_empty() {
        return Ok(0);
    }
    let rows = match wave {
        Some(w) => {
            sqlx::query("SELECT id, answers FROM responses WHERE wave_id = $1 ORDER BY id")
                .bind(w.0)
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("SELECT id, answers FROM responses ORDER BY id")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut changed = 0;
    for r in &rows {
        let id: i64 = get(r, "id")?;
        let text: String = get(r, "answers")?;
        let mut answers: Answers = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("answers of response {id}: {e}")))?;
        let mut any = false;
        for (question, value) in answers.iter_mut() {
            let (new, edits) = replace_mentions(value, mentions);
            if edits.is_empty() {
                continue;
            }
            any = true;
            changed += 1;
            *value = new;
            let codings = sqlx::query(
                "SELECT id, start_pos, end_pos FROM codings WHERE response_id = $1 AND question = $2 ORDER BY id",
            )
            .bind(id)
            .bind(question.as_str())
            .fetch_all(&mut *conn)
            .await?;
            for c in &codings {
                let start: i64 = get(c, "start_pos")?;
                let end: i64 = get(c, "end_pos")?;
                let ns = map_offset(&edits, start.max(0) as usize, false) as i64;
                let ne = map_offset(&edits, end.max(0) as usize, true) as i64;
                if (ns, ne) != (start, end) {
                    sqlx::query("UPDATE codings SET start_pos = $1, end_pos = $2 WHERE id = $3")
                        .bind(ns)
                        .bind(ne.max(ns))
                        .bind(get::<i64>(c, "id")?)
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        if any {
            let json =
                serde_json::to_string(&answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query("UPDATE responses SET answers = $1 WHERE id = $2")
                .bind(json)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    let memos = match wave {
        Some(w) => {
            sqlx::query(
                "SELECT c.id, c.memo FROM codings c JOIN responses r ON r.id = c.response_id \
                 WHERE r.wave_id = $1 AND c.memo <> '' ORDER BY c.id",
            )
            .bind(w.0)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query("SELECT id, memo FROM codings WHERE memo <> '' ORDER BY id")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    for m in &memos {
        let memo: String = get(m, "memo")?;
        let (new, edits) = replace_mentions(&memo, mentions);
        if !edits.is_empty() {
            sqlx::query("UPDATE codings SET memo = $1 WHERE id = $2")
                .bind(new)
                .bind(get::<i64>(m, "id")?)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(changed)
}

/// The mentions of a subject: address, searchable name and pseudonym codes.
pub(super) fn subject_mentions(s: &Subject, replacement: &str) -> Vec<Mention> {
    let mut out = mentions_of(&s.email, &s.name, replacement);
    for code in &s.pseudonyms {
        out.push(Mention {
            needle: code.clone(),
            replacement: replacement.to_owned(),
        });
    }
    out
}

/// The pseudonymised responses of a subject (by their codes), by id: id, wave, status, code.
pub(super) async fn pseudonymised_of(
    conn: &mut sqlx::AnyConnection,
    s: &Subject,
) -> Result<Vec<(i64, WaveId, String, String)>> {
    let mut out = Vec::new();
    for code in &s.pseudonyms {
        let rows = sqlx::query(
            "SELECT r.id, r.wave_id, r.status FROM pseudonyms p JOIN responses r ON r.id = p.response_id \
             WHERE p.code = $1 ORDER BY r.id",
        )
        .bind(code)
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push((
                get(r, "id")?,
                WaveId(get(r, "wave_id")?),
                get(r, "status")?,
                code.clone(),
            ));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The invitations addressed to a person (by person, or by their address), by id.
pub(super) async fn invitations_of(
    conn: &mut sqlx::AnyConnection,
    s: &Subject,
) -> Result<Vec<sqlx::any::AnyRow>> {
    Ok(sqlx::query(
        "SELECT i.id, i.wave_id, i.kind, i.email, i.sent_at, w.name AS wave, n.slug AS network, \
         r.id AS response_id, r.status AS status \
         FROM invitations i JOIN waves w ON w.id = i.wave_id JOIN networks n ON n.id = i.network_id \
         LEFT JOIN responses r ON r.wave_id = i.wave_id AND r.respondent = 'invitation:' || i.id \
         WHERE i.person_id = $1 OR lower(i.email) = lower($2) ORDER BY i.id",
    )
    .bind(s.pid())
    .bind(&s.email)
    .fetch_all(conn)
    .await?)
}
