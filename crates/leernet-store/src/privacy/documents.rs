//! Documents in a privacy export and erase (issue 20): the speaker turns a person spoke in
//! an interview or focus group, and their name in documents' texts.
//!
//! **How a name leaves a document.** A document's codings, turns and passages are positions
//! in code points of its text. A mention of the person (their full name or address, found as
//! in answers: whole words, case-insensitive) is replaced by a marker of *exactly as many code
//! points* — `[`, dashes, `]` (`mask`) — so no position moves: every coding still covers the
//! same characters, every turn still spans what was said, and the REFI-QDA export stays
//! consistent. A speaker label equal to the person's full name (case and white space aside)
//! becomes the same marker in `document_turns` and `document_speakers` as in the text. The
//! text's digest is recomputed (it is the same document, not a new text).
//!
//! Speakers are linked to people by name: a turn is the person's when its speaker label is
//! their full name. A first name alone is not enough to say whose turn it is; such turns are
//! neither exported nor renamed (docs: the researcher renames labels before import).

use super::*;

/// The marker that takes the place of `len` code points of a name: `[`, dashes, `]`.
pub fn mask(len: usize) -> String {
    match len {
        0 => String::new(),
        1 => "—".to_owned(),
        n => format!("[{}]", "—".repeat(n - 2)),
    }
}

/// Whether a speaker label is the person's name (case and runs of white space aside).
fn is_name(label: &str, name: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    !name.trim().is_empty() && norm(label) == norm(name)
}

/// The text with every mention replaced by a marker of the same length; `None` when
/// nothing was found.
pub(super) fn masked(text: &str, mentions: &[Mention]) -> Option<String> {
    let (_, edits) = replace_mentions(text, mentions);
    if edits.is_empty() {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in &edits {
        let end = e.start.saturating_add(e.old_len).min(chars.len());
        if e.start < at || e.start > chars.len() {
            continue;
        }
        out.extend(&chars[at..e.start]);
        out.push_str(&mask(end - e.start));
        at = end;
    }
    out.extend(&chars[at..]);
    Some(out)
}

/// The person's speaker turns: (document, title, position, speaker, what they said).
async fn turns_of(
    conn: &mut sqlx::AnyConnection,
    name: &str,
) -> Result<Vec<(i64, String, i64, String, String)>> {
    if name.trim().is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT t.document_id, d.title, t.position, t.speaker, \
         substr(d.body, CAST(t.start_pos + 1 AS INTEGER), CAST(t.end_pos - t.start_pos AS INTEGER)) AS said \
         FROM document_turns t JOIN documents d ON d.id = t.document_id \
         ORDER BY t.document_id, t.position",
    )
    .fetch_all(conn)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let speaker: String = get(r, "speaker")?;
        if is_name(&speaker, name) {
            out.push((
                get(r, "document_id")?,
                get(r, "title")?,
                get(r, "position")?,
                speaker,
                get(r, "said")?,
            ));
        }
    }
    Ok(out)
}

pub(super) fn collect_documents<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let turns: Vec<Value> = turns_of(&mut conn, &s.name)
            .await?
            .into_iter()
            .map(|(d, title, position, speaker, said)| {
                json!({"document": d, "title": title, "turn": position, "speaker": speaker, "text": said})
            })
            .collect();
        let mentions = subject_mentions(s, "");
        let mut mentioned = Vec::new();
        for r in &sqlx::query("SELECT id, body FROM documents ORDER BY id")
            .fetch_all(&mut *conn)
            .await?
        {
            let body: String = get(r, "body")?;
            let (_, edits) = replace_mentions(&body, &mentions);
            if !edits.is_empty() {
                mentioned.push(json!({"document": get::<i64>(r, "id")?, "mentions": edits.len()}));
            }
        }
        Ok(json!({"speaker_turns": turns, "mentioned_in": mentioned}))
    })
}

pub(super) fn erase_documents<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        let name = p.subject.name.clone();
        // Speaker labels first (the text's labels are masked with the mentions below when the
        // name is searchable; a one-word name is masked as a label only).
        let mut labels: BTreeSet<(i64, String)> = BTreeSet::new();
        for (d, _, _, speaker, _) in turns_of(&mut *conn, &name).await? {
            labels.insert((d, speaker));
        }
        let mut mentions = subject_mentions(&p.subject, "");
        for (_, speaker) in &labels {
            mentions.push(Mention {
                needle: speaker.clone(),
                replacement: String::new(),
            });
        }
        for (d, speaker) in &labels {
            let marker = mask(speaker.chars().count());
            for table in ["document_turns", "document_speakers"] {
                sqlx::query(&format!(
                    "UPDATE {table} SET speaker = $1 WHERE document_id = $2 AND speaker = $3"
                ))
                .bind(&marker)
                .bind(d)
                .bind(speaker)
                .execute(&mut *conn)
                .await?;
            }
        }
        let rows = sqlx::query("SELECT id, body FROM documents ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        let mut changed = 0i64;
        for r in &rows {
            let body: String = get(r, "body")?;
            let id: i64 = get(r, "id")?;
            let Some(new) = masked(&body, &mentions) else {
                continue;
            };
            debug_assert_eq!(new.chars().count(), body.chars().count());
            sqlx::query("UPDATE documents SET body = $1, sha256 = $2 WHERE id = $3")
                .bind(&new)
                .bind(crate::documents::text_digest(&new))
                .bind(id)
                .execute(&mut *conn)
                .await?;
            changed += 1;
        }
        Ok(vec![
            ("texts_changed", changed),
            (
                "speaker_labels_replaced",
                i64::try_from(labels.len()).unwrap_or(i64::MAX),
            ),
        ])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_becomes_a_marker_of_its_length() {
        let m = vec![Mention {
            needle: "Sanne de Vries".into(),
            replacement: String::new(),
        }];
        let text = "Sanne de Vries: 😀 ik ben sanne  de vries, zei ze.";
        let new = masked(text, &m).unwrap();
        assert_eq!(new.chars().count(), text.chars().count());
        assert_eq!(new, "[————————————]: 😀 ik ben [—————————————], zei ze.");
        assert!(masked("niets hier", &m).is_none());
        assert_eq!(mask(1), "—");
        assert_eq!(mask(2), "[]");
        assert!(is_name(" sanne  DE vries", "Sanne de Vries"));
        assert!(!is_name("Sanne", "Sanne de Vries"));
    }
}
