//! Documents as work in the browser (issue 20): the documents list with what it shows of
//! each (words, speakers, codings), and blind double coding of documents as of answers —
//! assignments of documents, each coder's own codings of their spans, and the lead's
//! settlement into a consensus reading.
//!
//! Why it exists: the coding pages need the same guarantees for a transcript as for an open
//! answer — a coder sees only their own codings while the assignment is open, nothing a
//! coder does reaches a figure before the lead settles it, every span is checked against its
//! document's length in code points (refused with the document named), and every
//! settlement is logged with who, when, what and why.
//!
//! How: a coder's codings live in `assignment_document_codings` (no figure, report, export or
//! search reads that table); the lead's settlement replaces the document's consensus in
//! `document_codings` (with `assignment_id` set, the lead as coder), where every reader of
//! document codings finds it. Refusals are [`Refusal`]s: nothing written. Nothing here logs
//! a document's text.

use crate::coding_work::{assignment_for_update, code_in_book, Tx};
use crate::{get, Assignment, AssignmentId, Outcome, Refusal, Result, Store, StoreError};
use leernet_core::*;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// A document as the documents list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    pub info: DocumentInfo,
    /// Its words (runs of characters between white space).
    pub words: usize,
    /// Its speakers as the document names them, in order of first turn.
    pub speakers: Vec<String>,
    /// Its document codings (imported, and settled in an assignment).
    pub codings: usize,
}

/// A new assignment of documents.
#[derive(Debug, Clone)]
pub struct NewDocumentAssignment {
    pub name: String,
    pub codebook: CodebookId,
    pub lead: PersonId,
    pub coders: Vec<PersonId>,
    /// The documents in queue order.
    pub documents: Vec<DocumentId>,
    pub at: i64,
}

/// A span of a document with a code, as a coder or the lead gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSpanCode {
    pub document: DocumentId,
    pub code: CodeId,
    pub start: usize,
    pub end: usize,
    pub memo: String,
}

fn usize_of(r: &AnyRow, col: &str) -> Result<usize> {
    let v: i64 = get(r, col)?;
    usize::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col} is {v}")))
}

fn int(n: usize) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Conflict(format!("{n} is too large to store")))
}

fn coding_row(r: &AnyRow) -> Result<DocumentCoding> {
    Ok(DocumentCoding {
        id: DocumentCodingId(get(r, "id")?),
        span: DocumentSpan {
            document: DocumentId(get(r, "document_id")?),
            start: usize_of(r, "start_pos")?,
            end: usize_of(r, "end_pos")?,
        },
        code: CodeId(get(r, "code_id")?),
        coder: PersonId(get(r, "coder_id")?),
        memo: get(r, "memo")?,
    })
}

const CODING_COLUMNS: &str = "id, document_id, start_pos, end_pos, code_id, coder_id, memo";

/// The words of a text: runs of characters between white space.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Checks a span against its document: inside the text and not empty. A document that does
/// not exist is refused as not part of the assignment.
async fn check_span(tx: &mut Tx<'_>, s: &DocumentSpanCode) -> Result<Outcome<()>> {
    let len: Option<i64> = sqlx::query_scalar("SELECT chars FROM documents WHERE id = $1")
        .bind(s.document.0)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(len) = len else {
        return Ok(Err(Refusal::NotInAssignment));
    };
    let len = usize::try_from(len).map_err(|_| StoreError::Corrupt(format!("chars {len}")))?;
    if s.start >= s.end || s.end > len {
        return Ok(Err(Refusal::OutsideText {
            start: s.start,
            end: s.end,
            len,
        }));
    }
    Ok(Ok(()))
}

/// Checks that `coder` may still code `document` in the assignment; returns it.
async fn open_for_document(
    tx: &mut Tx<'_>,
    id: AssignmentId,
    coder: PersonId,
    document: Option<DocumentId>,
) -> Result<Outcome<Assignment>> {
    let a = match Store::open_for(tx, id, coder, None).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    if let Some(d) = document {
        if !a.documents.contains(&d) {
            return Ok(Err(Refusal::NotInAssignment));
        }
    }
    Ok(Ok(a))
}

impl Store {
    /// Every document as the list shows it, by id. A document's words are counted once, the
    /// first time it is listed, and kept (its text never changes).
    pub async fn document_summaries(&self) -> Result<Vec<DocumentSummary>> {
        let docs = self.documents().await?;
        let mut words: BTreeMap<i64, usize> = BTreeMap::new();
        for r in sqlx::query("SELECT document_id, words FROM document_words")
            .fetch_all(&self.pool)
            .await?
        {
            words.insert(get(&r, "document_id")?, usize_of(&r, "words")?);
        }
        for d in &docs {
            if words.contains_key(&d.id.0) {
                continue;
            }
            let body: Option<String> =
                sqlx::query_scalar("SELECT body FROM documents WHERE id = $1")
                    .bind(d.id.0)
                    .fetch_optional(&self.pool)
                    .await?;
            let n = word_count(body.as_deref().unwrap_or(""));
            sqlx::query(
                "INSERT INTO document_words (document_id, words) VALUES ($1, $2) \
                 ON CONFLICT (document_id) DO NOTHING",
            )
            .bind(d.id.0)
            .bind(int(n)?)
            .execute(&self.pool)
            .await?;
            words.insert(d.id.0, n);
        }
        let mut speakers: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for r in sqlx::query(
            "SELECT document_id, speaker FROM document_turns ORDER BY document_id, position",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let list = speakers.entry(get(&r, "document_id")?).or_default();
            let s: String = get(&r, "speaker")?;
            if !list.contains(&s) {
                list.push(s);
            }
        }
        let mut codings: BTreeMap<i64, usize> = BTreeMap::new();
        for r in sqlx::query(
            "SELECT document_id, COUNT(*) AS n FROM document_codings GROUP BY document_id",
        )
        .fetch_all(&self.pool)
        .await?
        {
            codings.insert(get(&r, "document_id")?, usize_of(&r, "n")?);
        }
        Ok(docs
            .into_iter()
            .map(|info| DocumentSummary {
                words: words.get(&info.id.0).copied().unwrap_or(0),
                speakers: speakers.remove(&info.id.0).unwrap_or_default(),
                codings: codings.get(&info.id.0).copied().unwrap_or(0),
                info,
            })
            .collect())
    }

    /// Makes an assignment of documents: its documents, its coders, and a log entry. Every
    /// document must exist.
    pub async fn add_document_assignment(
        &self,
        a: &NewDocumentAssignment,
    ) -> Result<Outcome<AssignmentId>> {
        let mut coders = a.coders.clone();
        coders.sort();
        coders.dedup();
        let mut documents = a.documents.clone();
        let mut seen = std::collections::BTreeSet::new();
        documents.retain(|d| seen.insert(*d));
        if a.name.trim().is_empty() || coders.is_empty() || documents.is_empty() {
            return Ok(Err(Refusal::Incomplete));
        }
        let mut tx = self.pool.begin().await?;
        for d in &documents {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE id = $1")
                .bind(d.0)
                .fetch_one(&mut *tx)
                .await?;
            if n == 0 {
                tx.rollback().await?;
                return Ok(Err(Refusal::NotInAssignment));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO coding_assignments (name, question, codebook_id, lead_id, created_at) \
             VALUES ($1, '', $2, $3, $4) RETURNING id",
        )
        .bind(a.name.trim())
        .bind(a.codebook.0)
        .bind(a.lead.0)
        .bind(a.at)
        .fetch_one(&mut *tx)
        .await?;
        for (i, d) in documents.iter().enumerate() {
            sqlx::query(
                "INSERT INTO coding_assignment_documents (assignment_id, position, document_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(int(i)?)
            .bind(d.0)
            .execute(&mut *tx)
            .await?;
        }
        for c in &coders {
            sqlx::query(
                "INSERT INTO coding_assignment_coders (assignment_id, coder_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(c.0)
            .execute(&mut *tx)
            .await?;
        }
        let what = format!(
            "assignment {id} of documents {}, coders {}",
            documents
                .iter()
                .map(|d| d.0.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            coders
                .iter()
                .map(|c| c.0.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        sqlx::query(
            "INSERT INTO coding_decisions (at, person_id, kind, assignment_id, what, why) \
             VALUES ($1, $2, 'assignment', $3, $4, '')",
        )
        .bind(a.at)
        .bind(a.lead.0)
        .bind(id)
        .bind(&what)
        .execute(&mut *tx)
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(AssignmentId(id)))
    }

    /// The coders' own codings of documents in an assignment (of one coder, or of all), by
    /// id; never the consensus.
    pub async fn assignment_document_codings(
        &self,
        id: AssignmentId,
        coder: Option<PersonId>,
    ) -> Result<Vec<DocumentCoding>> {
        let rows = sqlx::query(&format!(
            "SELECT {CODING_COLUMNS} FROM assignment_document_codings \
             WHERE assignment_id = $1 AND ($2 = 0 OR coder_id = $2) ORDER BY id"
        ))
        .bind(id.0)
        .bind(coder.map_or(0, |p| p.0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(coding_row).collect()
    }

    /// The settled codings of the documents of one assignment, by id.
    pub async fn assignment_document_consensus(
        &self,
        id: AssignmentId,
    ) -> Result<Vec<DocumentCoding>> {
        let rows = sqlx::query(&format!(
            "SELECT {CODING_COLUMNS} FROM document_codings WHERE assignment_id = $1 ORDER BY id"
        ))
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(coding_row).collect()
    }

    /// The documents of an assignment the lead settled (also those settled on "no code").
    pub async fn settled_documents(
        &self,
        id: AssignmentId,
    ) -> Result<std::collections::BTreeSet<DocumentId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT document_id FROM coding_decisions \
             WHERE assignment_id = $1 AND kind = 'consensus' AND document_id IS NOT NULL",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(DocumentId).collect())
    }

    /// A coder codes a span of a document of their open assignment.
    pub async fn add_assignment_document_coding(
        &self,
        id: AssignmentId,
        coder: PersonId,
        s: &DocumentSpanCode,
    ) -> Result<Outcome<DocumentCodingId>> {
        let mut tx = self.pool.begin().await?;
        let a = match open_for_document(&mut tx, id, coder, Some(s.document)).await? {
            Ok(a) => a,
            Err(r) => return rolled_back(tx, r).await,
        };
        if !code_in_book(&mut tx, s.code, a.codebook).await? {
            return rolled_back(tx, Refusal::UnknownCode).await;
        }
        if let Err(r) = check_span(&mut tx, s).await? {
            return rolled_back(tx, r).await;
        }
        let cid: i64 = sqlx::query_scalar(
            "INSERT INTO assignment_document_codings (assignment_id, document_id, start_pos, end_pos, code_id, coder_id, memo) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(id.0)
        .bind(s.document.0)
        .bind(int(s.start)?)
        .bind(int(s.end)?)
        .bind(s.code.0)
        .bind(coder.0)
        .bind(&s.memo)
        .fetch_one(&mut *tx)
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(DocumentCodingId(cid)))
    }

    /// A coder changes the code and memo of one of their own codings of a document while the
    /// assignment is open for them.
    pub async fn change_assignment_document_coding(
        &self,
        id: AssignmentId,
        coder: PersonId,
        coding: DocumentCodingId,
        code: CodeId,
        memo: &str,
    ) -> Result<Outcome<()>> {
        let mut tx = self.pool.begin().await?;
        let a = match open_for_document(&mut tx, id, coder, None).await? {
            Ok(a) => a,
            Err(r) => return rolled_back(tx, r).await,
        };
        if !code_in_book(&mut tx, code, a.codebook).await? {
            return rolled_back(tx, Refusal::UnknownCode).await;
        }
        let n = sqlx::query(
            "UPDATE assignment_document_codings SET code_id = $1, memo = $2 \
             WHERE id = $3 AND assignment_id = $4 AND coder_id = $5",
        )
        .bind(code.0)
        .bind(memo)
        .bind(coding.0)
        .bind(id.0)
        .bind(coder.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return rolled_back(tx, Refusal::NoCoding).await;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A coder removes one of their own codings of a document while the assignment is open
    /// for them.
    pub async fn delete_assignment_document_coding(
        &self,
        id: AssignmentId,
        coder: PersonId,
        coding: DocumentCodingId,
    ) -> Result<Outcome<()>> {
        let mut tx = self.pool.begin().await?;
        if let Err(r) = open_for_document(&mut tx, id, coder, None).await? {
            return rolled_back(tx, r).await;
        }
        let n = sqlx::query(
            "DELETE FROM assignment_document_codings WHERE id = $1 AND assignment_id = $2 AND coder_id = $3",
        )
        .bind(coding.0)
        .bind(id.0)
        .bind(coder.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return rolled_back(tx, Refusal::NoCoding).await;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The lead settles one document of a finished assignment: `codings` become its
    /// consensus reading (replacing an earlier one), logged with `why`. An empty list settles
    /// that no code applies.
    pub async fn settle_document(
        &self,
        id: AssignmentId,
        lead: PersonId,
        document: DocumentId,
        codings: &[DocumentSpanCode],
        why: &str,
        at: i64,
    ) -> Result<Outcome<Vec<DocumentCodingId>>> {
        if why.trim().is_empty() {
            return Ok(Err(Refusal::NoReason));
        }
        let mut tx = self.pool.begin().await?;
        let Some(a) = assignment_for_update(&mut tx, id).await? else {
            return rolled_back(tx, Refusal::NoAssignment).await;
        };
        if a.lead != lead {
            return rolled_back(tx, Refusal::NotTheLead).await;
        }
        if !a.all_finished() {
            return rolled_back(tx, Refusal::NotAllFinished).await;
        }
        if !a.documents.contains(&document) {
            return rolled_back(tx, Refusal::NotInAssignment).await;
        }
        let mut keys = Vec::new();
        for s in codings {
            if s.document != document {
                return rolled_back(tx, Refusal::NotInAssignment).await;
            }
            if !code_in_book(&mut tx, s.code, a.codebook).await? {
                return rolled_back(tx, Refusal::UnknownCode).await;
            }
            if let Err(r) = check_span(&mut tx, s).await? {
                return rolled_back(tx, r).await;
            }
            let key: String = sqlx::query_scalar("SELECT key FROM codes WHERE id = $1")
                .bind(s.code.0)
                .fetch_one(&mut *tx)
                .await?;
            keys.push(format!("{key} [{}–{})", s.start, s.end));
        }
        sqlx::query("DELETE FROM document_codings WHERE assignment_id = $1 AND document_id = $2")
            .bind(id.0)
            .bind(document.0)
            .execute(&mut *tx)
            .await?;
        let mut ids = Vec::with_capacity(codings.len());
        for s in codings {
            let cid: i64 = sqlx::query_scalar(
                "INSERT INTO document_codings (document_id, start_pos, end_pos, code_id, coder_id, memo, assignment_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(document.0)
            .bind(int(s.start)?)
            .bind(int(s.end)?)
            .bind(s.code.0)
            .bind(lead.0)
            .bind(&s.memo)
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(DocumentCodingId(cid));
        }
        let what = if keys.is_empty() {
            "consensus: no code".to_owned()
        } else {
            format!("consensus: {}", keys.join(", "))
        };
        sqlx::query(
            "INSERT INTO coding_decisions (at, person_id, kind, assignment_id, document_id, what, why) \
             VALUES ($1, $2, 'consensus', $3, $4, $5, $6)",
        )
        .bind(at)
        .bind(lead.0)
        .bind(id.0)
        .bind(document.0)
        .bind(&what)
        .bind(why.trim())
        .execute(&mut *tx)
        .await?;
        crate::audit::record(
            &mut tx,
            &crate::NewAudit {
                at,
                actor: crate::Actor::Person(lead),
                action: crate::Action::CodingConsensus,
                subject: crate::AuditSubject::Assignment(id.0),
                detail: format!("document={}", document.0),
            },
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(ids))
    }
}

/// Rolls a transaction back before answering a refusal (a dropped transaction's rollback
/// would hold SQLite's write lock until its connection's next use).
async fn rolled_back<T>(tx: Tx<'_>, r: Refusal) -> Result<Outcome<T>> {
    tx.rollback().await?;
    Ok(Err(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_between_white_space() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  Elkaars taal\nleren  spreken. "), 4);
    }
}
