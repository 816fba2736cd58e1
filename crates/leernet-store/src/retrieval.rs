//! Reading documents for the study's figures and the retrieval pages (issue 20): every
//! document with its text and turns at once, and the passages of codes across answers and
//! documents with their source, filtered.
//!
//! Nothing here logs a text.

use crate::coding_work::{coding_row, CODING_COLUMNS};
use crate::documents::{info, kind, pos, INFO_COLUMNS};
use crate::{get, Result, Store, StoreError};
use leernet_core::*;
use std::collections::{BTreeMap, BTreeSet};

/// How many characters of context a retrieved passage shows on each side.
pub const CONTEXT: usize = 120;

/// The person a speaker of a document is: an account of the study, or someone invited by
/// address only (the address, lower case). Their privacy export holds the turns they spoke.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpeakerPerson {
    Account(PersonId),
    Invitee(String),
}

/// The role a speaker of a document speaks in; passages are filtered by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpeakerRole {
    Interviewer,
    Facilitator,
    Member,
    Researcher,
    Coordinator,
    Other,
}

impl SpeakerRole {
    /// Every role, in the order the pages list them.
    pub const ALL: [SpeakerRole; 6] = [
        SpeakerRole::Interviewer,
        SpeakerRole::Facilitator,
        SpeakerRole::Member,
        SpeakerRole::Researcher,
        SpeakerRole::Coordinator,
        SpeakerRole::Other,
    ];

    /// Stored name (also the pages' filter value).
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerRole::Interviewer => "interviewer",
            SpeakerRole::Facilitator => "facilitator",
            SpeakerRole::Member => "member",
            SpeakerRole::Researcher => "researcher",
            SpeakerRole::Coordinator => "coordinator",
            SpeakerRole::Other => "other",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<SpeakerRole> {
        SpeakerRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
    }
}

/// Which sources a retrieval reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Open answers only.
    Answers,
    /// Documents of one kind only.
    Documents(DocumentKind),
}

/// What to retrieve: the passages of `codes` (with the viewer's own codings and those the
/// study's figures may read — never another coder's in an assignment still open), narrowed
/// by network, wave, kind of source and speaker role (a role narrows to documents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrievalFilter {
    pub codes: BTreeSet<CodeId>,
    pub viewer: PersonId,
    pub network: Option<NetworkId>,
    pub wave: Option<WaveId>,
    pub kind: Option<SourceKind>,
    pub role: Option<SpeakerRole>,
}

/// Where a retrieved passage comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassageSource {
    /// An open answer: the response and the question (its name; a page shows its label).
    Answer {
        coding: CodingId,
        response: ResponseId,
        question: String,
    },
    /// A document, with the speaker of the turn the passage starts in and their role.
    Document {
        coding: DocumentCodingId,
        document: DocumentId,
        title: String,
        kind: DocumentKind,
        speaker: Option<String>,
        role: Option<SpeakerRole>,
    },
}

/// A coded passage with its context and source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retrieved {
    pub code: CodeId,
    pub coder: PersonId,
    pub source: PassageSource,
    pub network: Option<NetworkId>,
    pub wave: Option<WaveId>,
    /// `[start, end)` in code points of the answer or document.
    pub start: usize,
    pub end: usize,
    /// Up to [`CONTEXT`] characters before the passage, the passage, and up to
    /// [`CONTEXT`] after it.
    pub before: String,
    pub text: String,
    pub after: String,
}

/// A coding of a document without its text: where it lies and in which turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedCoding {
    pub document: DocumentId,
    pub code: CodeId,
    pub coder: PersonId,
    pub start: usize,
    pub end: usize,
    /// The position of the turn the coding starts in, if the document has turns.
    pub turn: Option<usize>,
}

/// Passage counts per code: by network (`None`: a document of no network) and by kind of
/// source (`None`: open answers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassageCounts {
    pub by_network: BTreeMap<(CodeId, Option<NetworkId>), usize>,
    pub by_kind: BTreeMap<(CodeId, Option<DocumentKind>), usize>,
}

/// The ids of a list, inlined: they are numbers from the caller's set, never text.
fn id_list(ids: &BTreeSet<CodeId>) -> String {
    ids.iter()
        .map(|c| c.0.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The codings of answers the viewer may read: outside an assignment, of an assignment
/// whose coders all finished, or their own.
const VISIBLE_ANSWER_CODINGS: &str = "consensus = 0 AND (coder_id = $1 OR assignment_id IS NULL \
     OR NOT EXISTS (SELECT 1 FROM coding_assignment_coders c \
     WHERE c.assignment_id = codings.assignment_id AND c.finished_at IS NULL))";

/// The speaker of the turn a coding `c` starts in (the last turn starting at or before it).
const SPEAKER_OF: &str =
    "(SELECT t.speaker FROM document_turns t WHERE t.document_id = c.document_id \
     AND t.start_pos <= c.start_pos ORDER BY t.start_pos DESC, t.position DESC LIMIT 1)";

/// `(before, passage, after)` of `text` around `[start, end)`; `None` outside the text.
fn cut(text: &str, start: usize, end: usize) -> Option<(String, String, String)> {
    let chars: Vec<char> = text.chars().collect();
    if start >= end || end > chars.len() {
        return None;
    }
    let from = start.saturating_sub(CONTEXT);
    let to = end.saturating_add(CONTEXT).min(chars.len());
    Some((
        chars[from..start].iter().collect(),
        chars[start..end].iter().collect(),
        chars[end..to].iter().collect(),
    ))
}

impl Store {
    /// Every document with its text and turns, by id (two queries, whatever the number of
    /// documents): what the study's figures read.
    pub async fn study_documents(&self) -> Result<Vec<Document>> {
        let rows = sqlx::query(&format!(
            "SELECT {INFO_COLUMNS}, body FROM documents ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut turns: BTreeMap<i64, Vec<Turn>> = BTreeMap::new();
        for r in sqlx::query(
            "SELECT document_id, speaker, start_pos, end_pos FROM document_turns ORDER BY document_id, position",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        {
            turns
                .entry(get(r, "document_id")?)
                .or_default()
                .push(Turn {
                    speaker: get(r, "speaker")?,
                    start: pos(r, "start_pos")?,
                    end: pos(r, "end_pos")?,
                });
        }
        rows.iter()
            .map(|r| {
                let info = info(r)?;
                Ok(Document {
                    turns: turns.remove(&info.id.0).unwrap_or_default(),
                    text: get(r, "body")?,
                    info,
                })
            })
            .collect()
    }

    /// The role of each speaker of each document that has one, by document and speaker.
    pub async fn speaker_roles(&self) -> Result<BTreeMap<(DocumentId, String), SpeakerRole>> {
        let rows = sqlx::query(
            "SELECT document_id, speaker, role FROM document_speakers ORDER BY document_id, speaker",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = BTreeMap::new();
        for r in &rows {
            let role: String = get(r, "role")?;
            let role = SpeakerRole::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("speaker role {role:?}")))?;
            out.insert(
                (DocumentId(get(r, "document_id")?), get(r, "speaker")?),
                role,
            );
        }
        Ok(out)
    }

    /// Sets (or, with `None`, clears) the role of a speaker of a document; a speaker who
    /// has no turn in the document is refused with both named.
    pub async fn set_speaker_role(
        &self,
        document: DocumentId,
        speaker: &str,
        role: Option<SpeakerRole>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        speaks_in(&mut tx, document, speaker).await?;
        sqlx::query("DELETE FROM document_speakers WHERE document_id = $1 AND speaker = $2")
            .bind(document.0)
            .bind(speaker)
            .execute(&mut *tx)
            .await?;
        if let Some(role) = role {
            sqlx::query(
                "INSERT INTO document_speakers (document_id, speaker, role) VALUES ($1, $2, $3)",
            )
            .bind(document.0)
            .bind(speaker)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person each linked speaker of each document is.
    pub async fn speaker_people(&self) -> Result<BTreeMap<(DocumentId, String), SpeakerPerson>> {
        let rows = sqlx::query(
            "SELECT document_id, speaker, person_id, email FROM document_speaker_people \
             ORDER BY document_id, speaker",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = BTreeMap::new();
        for r in &rows {
            let who = match (
                get::<Option<i64>>(r, "person_id")?,
                get::<Option<String>>(r, "email")?,
            ) {
                (Some(p), _) => SpeakerPerson::Account(PersonId(p)),
                (None, Some(e)) => SpeakerPerson::Invitee(e),
                (None, None) => {
                    return Err(StoreError::Corrupt("a speaker linked to nobody".into()))
                }
            };
            out.insert(
                (DocumentId(get(r, "document_id")?), get(r, "speaker")?),
                who,
            );
        }
        Ok(out)
    }

    /// Links (or, with `None`, unlinks) a speaker of a document to a person; a speaker who
    /// has no turn in the document, or an account that does not exist, is refused.
    pub async fn set_speaker_person(
        &self,
        document: DocumentId,
        speaker: &str,
        person: Option<SpeakerPerson>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        speaks_in(&mut tx, document, speaker).await?;
        sqlx::query("DELETE FROM document_speaker_people WHERE document_id = $1 AND speaker = $2")
            .bind(document.0)
            .bind(speaker)
            .execute(&mut *tx)
            .await?;
        let (pid, email) = match person {
            None => (None, None),
            Some(SpeakerPerson::Account(p)) => {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM persons WHERE id = $1")
                    .bind(p.0)
                    .fetch_one(&mut *tx)
                    .await?;
                if n == 0 {
                    tx.rollback().await?;
                    return Err(StoreError::NotFound(format!("there is no person {}", p.0)));
                }
                (Some(p.0), None)
            }
            Some(SpeakerPerson::Invitee(e)) => {
                let e = e.trim().to_lowercase();
                if e.is_empty() || e.chars().count() > 320 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict("an address is needed".into()));
                }
                (None, Some(e))
            }
        };
        if pid.is_some() || email.is_some() {
            sqlx::query(
                "INSERT INTO document_speaker_people (document_id, speaker, person_id, email) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(document.0)
            .bind(speaker)
            .bind(pid)
            .bind(email)
            .execute(&mut *tx)
            .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `code` with every code nested under it in its codebook, or `code` alone.
    pub async fn code_with_children(
        &self,
        code: CodeId,
        with_children: bool,
    ) -> Result<BTreeSet<CodeId>> {
        let mut codes = BTreeSet::from([code]);
        if !with_children {
            return Ok(codes);
        }
        let rows = sqlx::query(
            "SELECT id, parent_id FROM codes WHERE codebook_id = (SELECT codebook_id FROM codes WHERE id = $1) ORDER BY id",
        )
        .bind(code.0)
        .fetch_all(&self.pool)
        .await?;
        let mut children: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for r in &rows {
            if let Some(p) = get::<Option<i64>>(r, "parent_id")? {
                children.entry(p).or_default().push(get(r, "id")?);
            }
        }
        let mut todo = vec![code.0];
        while let Some(c) = todo.pop() {
            for k in children.get(&c).into_iter().flatten() {
                if codes.insert(CodeId(*k)) {
                    todo.push(*k);
                }
            }
        }
        Ok(codes)
    }

    /// The passages of the filter's codes across open answers and documents, with their
    /// context and source: answers first (by response, question, position), then documents
    /// (by document, position). At most `limit` of each kind of source are cut; the second
    /// value says whether more matched.
    pub async fn retrieve(
        &self,
        f: &RetrievalFilter,
        limit: usize,
    ) -> Result<(Vec<Retrieved>, bool)> {
        let mut out = Vec::new();
        let mut more = false;
        if f.codes.is_empty() {
            return Ok((out, more));
        }
        let list = id_list(&f.codes);
        let answers_wanted = f.role.is_none() && matches!(f.kind, None | Some(SourceKind::Answers));
        if answers_wanted {
            let codings: Vec<Coding> = sqlx::query(&format!(
                "SELECT {CODING_COLUMNS} FROM codings WHERE {VISIBLE_ANSWER_CODINGS} \
                 AND code_id IN ({list}) ORDER BY response_id, question, start_pos, end_pos, id"
            ))
            .bind(f.viewer.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(coding_row)
            .collect::<Result<_>>()?;
            let wanted: BTreeSet<ResponseId> = codings.iter().map(|c| c.segment.response).collect();
            let responses: BTreeMap<ResponseId, Response> = self
                .responses(f.wave)
                .await?
                .into_iter()
                .filter(|r| wanted.contains(&r.id) && r.status == ResponseStatus::Submitted)
                .filter(|r| f.network.is_none_or(|n| n == r.network))
                .map(|r| (r.id, r))
                .collect();
            for c in &codings {
                let Some(r) = responses.get(&c.segment.response) else {
                    continue;
                };
                let Some(text) = r.answers.get(&c.segment.question) else {
                    continue;
                };
                let Some((before, passage, after)) = cut(text, c.segment.start, c.segment.end)
                else {
                    continue;
                };
                if out.len() >= limit {
                    more = true;
                    break;
                }
                out.push(Retrieved {
                    code: c.code,
                    coder: c.coder,
                    source: PassageSource::Answer {
                        coding: c.id,
                        response: r.id,
                        question: c.segment.question.clone(),
                    },
                    network: Some(r.network),
                    wave: Some(r.wave),
                    start: c.segment.start,
                    end: c.segment.end,
                    before,
                    text: passage,
                    after,
                });
            }
        }
        if matches!(f.kind, Some(SourceKind::Answers)) {
            return Ok((out, more));
        }
        // Documents: the database cuts the passage and its context (substr counts
        // characters on both back ends) and finds the turn it starts in.
        // The page of codings is chosen first (filters, order, limit) and only its rows are
        // cut: the texts are not read for the rows past the limit.
        let mut sql = format!(
            "SELECT c.id FROM document_codings c JOIN documents d ON d.id = c.document_id \
             WHERE c.code_id IN ({list})"
        );
        let mut binds: Vec<i64> = Vec::new();
        if let Some(n) = f.network {
            binds.push(n.0);
            sql.push_str(&format!(" AND d.network_id = ${}", binds.len()));
        }
        if let Some(w) = f.wave {
            binds.push(w.0);
            sql.push_str(&format!(" AND d.wave_id = ${}", binds.len()));
        }
        let mut texts: Vec<&str> = Vec::new();
        if let Some(SourceKind::Documents(k)) = f.kind {
            texts.push(k.as_str());
            sql.push_str(&format!(" AND d.kind = ${}", binds.len() + texts.len()));
        }
        if let Some(role) = f.role {
            texts.push(role.as_str());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM document_speakers s WHERE s.document_id = c.document_id \
                 AND s.role = ${} AND s.speaker = {SPEAKER_OF})",
                binds.len() + texts.len()
            ));
        }
        // One row more than the limit says whether there are more.
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        sql.push_str(&format!(
            " ORDER BY c.document_id, c.start_pos, c.end_pos, c.id LIMIT {fetch}"
        ));
        let sql = format!(
            "SELECT c.id, c.document_id, c.start_pos, c.end_pos, c.code_id, c.coder_id, \
             d.title, d.kind, d.network_id, d.wave_id, \
             substr(d.body, CAST(c.start_pos + 1 AS INTEGER), CAST(c.end_pos - c.start_pos AS INTEGER)) AS passage, \
             substr(d.body, CAST(CASE WHEN c.start_pos > {CONTEXT} THEN c.start_pos - {CONTEXT} ELSE 0 END + 1 AS INTEGER), \
                    CAST(CASE WHEN c.start_pos > {CONTEXT} THEN {CONTEXT} ELSE c.start_pos END AS INTEGER)) AS before, \
             substr(d.body, CAST(c.end_pos + 1 AS INTEGER), {CONTEXT}) AS after, \
             {SPEAKER_OF} AS speaker \
             FROM ({sql}) page JOIN document_codings c ON c.id = page.id \
             JOIN documents d ON d.id = c.document_id \
             ORDER BY c.document_id, c.start_pos, c.end_pos, c.id"
        );
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(*b);
        }
        for t in &texts {
            q = q.bind(*t);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let roles = if rows.is_empty() {
            BTreeMap::new()
        } else {
            self.speaker_roles().await?
        };
        for (cut_documents, r) in rows.iter().enumerate() {
            let document = DocumentId(get(r, "document_id")?);
            let speaker: Option<String> = get(r, "speaker")?;
            let role = speaker
                .as_ref()
                .and_then(|s| roles.get(&(document, s.clone())).copied());
            if cut_documents >= limit {
                more = true;
                break;
            }
            out.push(Retrieved {
                code: CodeId(get(r, "code_id")?),
                coder: PersonId(get(r, "coder_id")?),
                source: PassageSource::Document {
                    coding: DocumentCodingId(get(r, "id")?),
                    document,
                    title: get(r, "title")?,
                    kind: kind(r)?,
                    speaker,
                    role,
                },
                network: get::<Option<i64>>(r, "network_id")?.map(NetworkId),
                wave: get::<Option<i64>>(r, "wave_id")?.map(WaveId),
                start: pos(r, "start_pos")?,
                end: pos(r, "end_pos")?,
                before: get(r, "before")?,
                text: get(r, "passage")?,
                after: get(r, "after")?,
            });
        }
        Ok((out, more))
    }

    /// How many passages each code has, by network and by kind of source, counted as
    /// [`Store::retrieve`] would list them for `viewer` (without filters).
    pub async fn passage_counts(&self, viewer: PersonId) -> Result<PassageCounts> {
        let mut out = PassageCounts::default();
        let rows = sqlx::query(&format!(
            "SELECT codings.code_id, r.network_id, COUNT(*) AS n FROM codings \
             JOIN responses r ON r.id = codings.response_id \
             JOIN waves w ON w.id = r.wave_id \
             WHERE {VISIBLE_ANSWER_CODINGS} AND r.status = 'submitted' AND w.test = 0 \
             GROUP BY codings.code_id, r.network_id ORDER BY codings.code_id, r.network_id"
        ))
        .bind(viewer.0)
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let code = CodeId(get(r, "code_id")?);
            let n = pos(r, "n")?;
            out.by_network
                .insert((code, Some(NetworkId(get(r, "network_id")?))), n);
            let k = out.by_kind.entry((code, None)).or_default();
            *k = k
                .checked_add(n)
                .ok_or_else(|| StoreError::Corrupt("count overflow".into()))?;
        }
        let rows = sqlx::query(
            "SELECT c.code_id, d.network_id, d.kind, COUNT(*) AS n FROM document_codings c \
             JOIN documents d ON d.id = c.document_id \
             GROUP BY c.code_id, d.network_id, d.kind ORDER BY c.code_id, d.network_id, d.kind",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let code = CodeId(get(r, "code_id")?);
            let n = pos(r, "n")?;
            let net = get::<Option<i64>>(r, "network_id")?.map(NetworkId);
            let e = out.by_network.entry((code, net)).or_default();
            *e = e
                .checked_add(n)
                .ok_or_else(|| StoreError::Corrupt("count overflow".into()))?;
            let e = out.by_kind.entry((code, Some(kind(r)?))).or_default();
            *e = e
                .checked_add(n)
                .ok_or_else(|| StoreError::Corrupt("count overflow".into()))?;
        }
        Ok(out)
    }

    /// Every coding of a document, without text, with the turn it starts in: what the
    /// co-occurrence of codes reads.
    pub async fn located_document_codings(&self) -> Result<Vec<LocatedCoding>> {
        let rows = sqlx::query(
            "SELECT c.document_id, c.code_id, c.coder_id, c.start_pos, c.end_pos, \
             (SELECT t.position FROM document_turns t WHERE t.document_id = c.document_id \
              AND t.start_pos <= c.start_pos ORDER BY t.start_pos DESC, t.position DESC LIMIT 1) AS turn \
             FROM document_codings c ORDER BY c.document_id, c.start_pos, c.end_pos, c.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LocatedCoding {
                    document: DocumentId(get(r, "document_id")?),
                    code: CodeId(get(r, "code_id")?),
                    coder: PersonId(get(r, "coder_id")?),
                    start: pos(r, "start_pos")?,
                    end: pos(r, "end_pos")?,
                    turn: get::<Option<i64>>(r, "turn")?
                        .map(|t| {
                            usize::try_from(t).map_err(|_| StoreError::Corrupt(format!("turn {t}")))
                        })
                        .transpose()?,
                })
            })
            .collect()
    }

    /// The codings of answers the viewer may read (see [`RetrievalFilter`]), by id.
    pub async fn visible_answer_codings(&self, viewer: PersonId) -> Result<Vec<Coding>> {
        sqlx::query(&format!(
            "SELECT {CODING_COLUMNS} FROM codings WHERE {VISIBLE_ANSWER_CODINGS} ORDER BY id"
        ))
        .bind(viewer.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(coding_row)
        .collect()
    }
}

/// Refuses a speaker who has no turn in the document, with both named (setting a role or a
/// person for a label the document does not have would store nothing anyone can see).
async fn speaks_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    document: DocumentId,
    speaker: &str,
) -> Result<()> {
    let speaks: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM document_turns WHERE document_id = $1 AND speaker = $2",
    )
    .bind(document.0)
    .bind(speaker)
    .fetch_one(&mut **tx)
    .await?;
    if speaks == 0 {
        return Err(StoreError::Conflict(format!(
            "{speaker:?} does not speak in document {document}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_cut_in_code_points() {
        let t = "😀 een twee drie";
        assert_eq!(
            cut(t, 2, 5),
            Some(("😀 ".into(), "een".into(), " twee drie".into()))
        );
        assert_eq!(cut(t, 5, 99), None);
        assert_eq!(cut(t, 3, 3), None);
    }

    #[test]
    fn roles_round_trip() {
        for r in SpeakerRole::ALL {
            assert_eq!(SpeakerRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(SpeakerRole::parse("boss"), None);
    }
}
