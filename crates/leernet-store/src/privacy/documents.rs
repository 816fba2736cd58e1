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
//! A turn is the person's when its speaker label is their full name, or when the researcher
//! linked the label to them (`document_speaker_people`: `leernet document speaker --person`, or
//! the document page). A first name alone is not enough to say whose turn it is: an unlinked
//! "Anna" is neither exported nor renamed. A linked label is masked in its own document only
//! (it may be a role, "Interviewer", elsewhere), and the turns it spoke are masked whole — a
//! marker of their length, so codings on other turns keep their positions — and the link goes.

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
#[cfg(test)]
fn masked(text: &str, mentions: &[Mention]) -> Option<String> {
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

/// One speaker turn of the person.
struct TheirTurn {
    document: i64,
    title: String,
    position: i64,
    speaker: String,
    said: String,
    /// In code points of the document's text.
    start: usize,
    end: usize,
    /// Whether the label is linked to the person (else it is their full name).
    linked: bool,
}

/// The speaker labels linked to the person (by account, or by address): (document, label).
async fn linked_labels(
    conn: &mut sqlx::AnyConnection,
    s: &Subject,
) -> Result<BTreeSet<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT document_id, speaker FROM document_speaker_people \
         WHERE person_id = $1 OR (email IS NOT NULL AND lower(email) = lower($2)) \
         ORDER BY document_id, speaker",
    )
    .bind(s.pid())
    .bind(s.email.trim())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((get(r, "document_id")?, get(r, "speaker")?)))
        .collect()
}

/// The person's speaker turns: those whose label is their full name, and those whose label
/// is linked to them.
async fn turns_of(conn: &mut sqlx::AnyConnection, s: &Subject) -> Result<Vec<TheirTurn>> {
    let linked = linked_labels(&mut *conn, s).await?;
    if s.name.trim().is_empty() && linked.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT t.document_id, d.title, t.position, t.speaker, t.start_pos, t.end_pos, \
         substr(d.body, CAST(t.start_pos + 1 AS INTEGER), CAST(t.end_pos - t.start_pos AS INTEGER)) AS said \
         FROM document_turns t JOIN documents d ON d.id = t.document_id \
         ORDER BY t.document_id, t.position",
    )
    .fetch_all(conn)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let speaker: String = get(r, "speaker")?;
        let document: i64 = get(r, "document_id")?;
        let is_linked = linked.contains(&(document, speaker.clone()));
        if is_linked || is_name(&speaker, &s.name) {
            out.push(TheirTurn {
                document,
                title: get(r, "title")?,
                position: get(r, "position")?,
                speaker,
                said: get(r, "said")?,
                start: usize::try_from(get::<i64>(r, "start_pos")?).unwrap_or(0),
                end: usize::try_from(get::<i64>(r, "end_pos")?).unwrap_or(0),
                linked: is_linked,
            });
        }
    }
    Ok(out)
}

pub(super) fn collect_documents<'a>(store: &'a Store, s: &'a Subject) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut conn = store.pool.acquire().await?;
        let turns: Vec<Value> = turns_of(&mut conn, s)
            .await?
            .into_iter()
            .map(|t| {
                json!({"document": t.document, "title": t.title, "turn": t.position, "speaker": t.speaker, "text": t.said})
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

/// In one document, the labels linked to the person (masked as mentions there) and the spans
/// of their turns (masked whole).
type Linked = (Vec<Mention>, Vec<(usize, usize)>);

/// The text with every character in `ranges` (code points) masked: each run of masked
/// characters becomes one marker of its length, so no position moves.
fn mask_ranges(text: &str, ranges: &[(usize, usize)]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut hit = vec![false; chars.len()];
    for &(a, b) in ranges {
        for h in hit.iter_mut().take(b.min(chars.len())).skip(a) {
            *h = true;
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if hit[i] {
            let j = hit[i..]
                .iter()
                .position(|h| !h)
                .map_or(chars.len(), |k| i + k);
            out.push_str(&mask(j - i));
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

pub(super) fn erase_documents<'t>(
    conn: &'t mut sqlx::AnyConnection,
    p: &'t ErasePlan,
) -> BoxFut<'t, EraseCounts> {
    Box::pin(async move {
        // Speaker labels first (the text's labels are masked with the mentions below when the
        // name is searchable; a one-word name is masked as a label only). A label equal to
        // their full name is a mention in every document; a label linked to them (a first
        // name, "Interviewer") only in its own document, where their turns are masked whole.
        let turns = turns_of(&mut *conn, &p.subject).await?;
        let mut labels: BTreeSet<(i64, String)> = BTreeSet::new();
        let mut own: BTreeMap<i64, Linked> = BTreeMap::new();
        let mut turns_removed = 0i64;
        let mut mentions = subject_mentions(&p.subject, "");
        for t in &turns {
            if labels.insert((t.document, t.speaker.clone())) {
                let m = Mention {
                    needle: t.speaker.clone(),
                    replacement: String::new(),
                };
                if t.linked {
                    own.entry(t.document).or_default().0.push(m);
                } else {
                    mentions.push(m);
                }
            }
            if t.linked {
                own.entry(t.document).or_default().1.push((t.start, t.end));
                turns_removed += 1;
            }
        }
        sqlx::query(
            "DELETE FROM document_speaker_people \
             WHERE person_id = $1 OR (email IS NOT NULL AND lower(email) = lower($2))",
        )
        .bind(p.subject.pid())
        .bind(p.subject.email.trim())
        .execute(&mut *conn)
        .await?;
        for (d, speaker) in &labels {
            let marker = mask(speaker.chars().count());
            for table in [
                "document_turns",
                "document_speakers",
                "document_speaker_people",
            ] {
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
            let mut ranges: Vec<(usize, usize)> = Vec::new();
            let mut push_edits = |ms: &[Mention]| {
                for e in replace_mentions(&body, ms).1 {
                    ranges.push((e.start, e.start.saturating_add(e.old_len)));
                }
            };
            push_edits(&mentions);
            if let Some((ms, spans)) = own.get(&id) {
                push_edits(ms);
                ranges.extend(spans.iter().copied());
            }
            if ranges.is_empty() {
                continue;
            }
            let new = mask_ranges(&body, &ranges);
            debug_assert_eq!(new.chars().count(), body.chars().count());
            if new == body {
                continue;
            }
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
            ("turns_removed", turns_removed),
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
