//! Documents as sources of coding (issue 20): their text stored once with its speaker turns,
//! codings of their spans, and the passages of a code across documents.
//!
//! Positions are Unicode code points, half-open; a document's length in code points is
//! stored beside its text (`chars`), so a span is checked without reading the text, and a
//! passage is cut out by the database (`substr` counts characters on both back ends).
//! Nothing here logs a document's text.

use crate::{get, Result, Store, StoreError};
use leernet_core::*;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, BTreeSet};

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

/// A document to store. `text` must already be normalised (`leernet_qda::document`); it may
/// be empty only for a source of another tool that has none (the file readers refuse one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub title: String,
    pub kind: DocumentKind,
    pub network: Option<NetworkId>,
    pub workplace: Option<WorkplaceId>,
    pub wave: Option<WaveId>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub file_name: String,
    /// `txt`, `md`, `docx`, `odt`, `pdf`, `vtt`, `srt`, `qdpx`.
    pub format: String,
    pub text: String,
    pub turns: Vec<Turn>,
}

/// A coding of a document's span to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocumentCoding {
    pub span: DocumentSpan,
    pub code: CodeId,
    pub coder: PersonId,
    pub memo: String,
}

/// A coded passage of a document, with its text and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub coding: DocumentCodingId,
    pub code: CodeId,
    pub coder: PersonId,
    pub span: DocumentSpan,
    pub title: String,
    pub kind: DocumentKind,
    pub network: Option<NetworkId>,
    pub text: String,
}

/// The SHA-256 of a text, in hex: one text is stored once.
pub fn text_digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}

/// Checks a document before anything is written; returns its length in code points.
fn check(d: &NewDocument) -> Result<usize> {
    let name = &d.file_name;
    let chars = d.text.chars().count();
    if d.title.trim().is_empty() {
        return Err(StoreError::Conflict(format!(
            "document {name:?} has no title"
        )));
    }
    if let Some(date) = &d.date {
        if !is_date(date) {
            return Err(StoreError::Conflict(format!(
                "document {name:?}: the date {date:?} is not a date like 2026-03-14"
            )));
        }
    }
    let mut last = 0usize;
    for (i, t) in d.turns.iter().enumerate() {
        if t.start > t.end || t.end > chars || t.start < last {
            return Err(StoreError::Conflict(format!(
                "document {name:?}: turn {} ({}–{}) does not lie inside the text ({chars} characters) after the turn before it",
                i + 1,
                t.start,
                t.end
            )));
        }
        last = t.end;
    }
    Ok(chars)
}

fn int(n: usize) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Conflict(format!("{n} is too large to store")))
}

pub(crate) fn pos(r: &AnyRow, col: &str) -> Result<usize> {
    let v: i64 = get(r, col)?;
    usize::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col} is {v}")))
}

pub(crate) fn kind(r: &AnyRow) -> Result<DocumentKind> {
    let k: String = get(r, "kind")?;
    DocumentKind::parse(&k).ok_or_else(|| StoreError::Corrupt(format!("document kind {k:?}")))
}

pub(crate) fn info(r: &AnyRow) -> Result<DocumentInfo> {
    Ok(DocumentInfo {
        id: DocumentId(get(r, "id")?),
        title: get(r, "title")?,
        kind: kind(r)?,
        network: get::<Option<i64>>(r, "network_id")?.map(NetworkId),
        workplace: get::<Option<i64>>(r, "workplace_id")?.map(WorkplaceId),
        wave: get::<Option<i64>>(r, "wave_id")?.map(WaveId),
        date: get(r, "held_on")?,
        file_name: get(r, "file_name")?,
        chars: pos(r, "chars")?,
    })
}

pub(crate) const INFO_COLUMNS: &str =
    "id, title, kind, network_id, workplace_id, wave_id, held_on, file_name, chars";

/// Inserts documents inside the caller's transaction (checked first: nothing is written
/// when one is refused); a text that is stored already is refused with both names.
pub(crate) async fn insert_documents(
    tx: &mut Tx<'_>,
    docs: &[NewDocument],
) -> Result<Vec<DocumentId>> {
    let mut lens = Vec::with_capacity(docs.len());
    let mut digests: BTreeMap<String, &str> = BTreeMap::new();
    for d in docs {
        lens.push(check(d)?);
        let h = text_digest(&d.text);
        if d.text.is_empty() {
            continue;
        }
        if let Some(other) = digests.insert(h, &d.file_name) {
            return Err(StoreError::Conflict(format!(
                "documents {other:?} and {:?} hold the same text; import it once",
                d.file_name
            )));
        }
    }
    let mut ids = Vec::with_capacity(docs.len());
    for (d, chars) in docs.iter().zip(lens) {
        let digest = text_digest(&d.text);
        let existing: Option<String> = if d.text.is_empty() {
            None
        } else {
            sqlx::query_scalar("SELECT title FROM documents WHERE sha256 = $1 ORDER BY id")
                .bind(&digest)
                .fetch_optional(&mut **tx)
                .await?
        };
        if let Some(t) = existing {
            return Err(StoreError::Conflict(format!(
                "document {:?} holds the same text as the stored document {t:?}; nothing was imported",
                d.file_name
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (title, kind, network_id, workplace_id, wave_id, held_on, file_name, format, body, chars, sha256) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(&d.title)
        .bind(d.kind.as_str())
        .bind(d.network.map(|n| n.0))
        .bind(d.workplace.map(|n| n.0))
        .bind(d.wave.map(|n| n.0))
        .bind(d.date.clone())
        .bind(&d.file_name)
        .bind(&d.format)
        .bind(&d.text)
        .bind(int(chars)?)
        .bind(&digest)
        .fetch_one(&mut **tx)
        .await?;
        for (i, t) in d.turns.iter().enumerate() {
            sqlx::query(
                "INSERT INTO document_turns (document_id, position, speaker, start_pos, end_pos) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(int(i)?)
            .bind(&t.speaker)
            .bind(int(t.start)?)
            .bind(int(t.end)?)
            .execute(&mut **tx)
            .await?;
        }
        ids.push(DocumentId(id));
    }
    Ok(ids)
}

/// Inserts codings of document spans inside the caller's transaction; a span outside its
/// document's text, or an empty one, is refused with the document named.
pub(crate) async fn insert_document_codings(
    tx: &mut Tx<'_>,
    codings: &[NewDocumentCoding],
) -> Result<Vec<DocumentCodingId>> {
    let mut lens: BTreeMap<DocumentId, (usize, String)> = BTreeMap::new();
    let mut ids = Vec::with_capacity(codings.len());
    for c in codings {
        let doc = c.span.document;
        if let std::collections::btree_map::Entry::Vacant(e) = lens.entry(doc) {
            let row = sqlx::query("SELECT chars, title FROM documents WHERE id = $1")
                .bind(doc.0)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("there is no document {doc}")))?;
            e.insert((pos(&row, "chars")?, get(&row, "title")?));
        }
        let (len, title) = &lens[&doc];
        if c.span.start >= c.span.end || c.span.end > *len {
            return Err(StoreError::Conflict(format!(
                "the span {}–{} does not lie inside document {title:?} ({len} characters)",
                c.span.start, c.span.end
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO document_codings (document_id, start_pos, end_pos, code_id, coder_id, memo) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(doc.0)
        .bind(int(c.span.start)?)
        .bind(int(c.span.end)?)
        .bind(c.code.0)
        .bind(c.coder.0)
        .bind(&c.memo)
        .fetch_one(&mut **tx)
        .await?;
        ids.push(DocumentCodingId(id));
    }
    Ok(ids)
}

/// Inserts a memo inside the caller's transaction.
pub(crate) async fn insert_memo(
    tx: &mut Tx<'_>,
    title: &str,
    text: &str,
    author: Option<i64>,
    code: Option<i64>,
    document: Option<i64>,
) -> Result<MemoId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO memos (title, body, author_id, code_id, document_id) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(title)
    .bind(text)
    .bind(author)
    .bind(code)
    .bind(document)
    .fetch_one(&mut **tx)
    .await?;
    Ok(MemoId(id))
}

fn coding(r: &AnyRow) -> Result<DocumentCoding> {
    Ok(DocumentCoding {
        id: DocumentCodingId(get(r, "id")?),
        span: DocumentSpan {
            document: DocumentId(get(r, "document_id")?),
            start: pos(r, "start_pos")?,
            end: pos(r, "end_pos")?,
        },
        code: CodeId(get(r, "code_id")?),
        coder: PersonId(get(r, "coder_id")?),
        memo: get(r, "memo")?,
    })
}

impl Store {
    /// Stores documents with their turns, all or nothing.
    pub async fn add_documents(&self, docs: &[NewDocument]) -> Result<Vec<DocumentId>> {
        let mut tx = self.pool.begin().await?;
        let ids = insert_documents(&mut tx, docs).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The codes that are folders of a code tree (not codable), of every codebook.
    pub async fn folder_codes(&self) -> Result<BTreeSet<CodeId>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM codes WHERE folder = 1 ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().map(CodeId).collect())
    }

    /// Adds a memo: on the study, or on a code or a document (not both).
    pub async fn add_memo(
        &self,
        title: &str,
        text: &str,
        author: Option<PersonId>,
        code: Option<CodeId>,
        document: Option<DocumentId>,
    ) -> Result<MemoId> {
        if code.is_some() && document.is_some() {
            return Err(StoreError::Conflict(
                "a memo is on a code or on a document, not on both".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        let id = insert_memo(
            &mut tx,
            title,
            text,
            author.map(|p| p.0),
            code.map(|c| c.0),
            document.map(|d| d.0),
        )
        .await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a memo's title and text; `false` when there is no such memo (nothing
    /// changes). What it is on, and who wrote it, stay.
    pub async fn change_memo(&self, id: MemoId, title: &str, text: &str) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query("UPDATE memos SET title = $1, body = $2 WHERE id = $3")
            .bind(title)
            .bind(text)
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every memo, by id.
    pub async fn memos(&self) -> Result<Vec<Memo>> {
        let rows = sqlx::query(
            "SELECT id, title, body, author_id, code_id, document_id FROM memos ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Memo {
                    id: MemoId(get(r, "id")?),
                    title: get(r, "title")?,
                    text: get(r, "body")?,
                    author: get::<Option<i64>>(r, "author_id")?.map(PersonId),
                    code: get::<Option<i64>>(r, "code_id")?.map(CodeId),
                    document: get::<Option<i64>>(r, "document_id")?.map(DocumentId),
                })
            })
            .collect()
    }

    /// Every document without its text, by id.
    pub async fn documents(&self) -> Result<Vec<DocumentInfo>> {
        let rows = sqlx::query(&format!("SELECT {INFO_COLUMNS} FROM documents ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(info).collect()
    }

    /// One document with its text and turns.
    pub async fn document(&self, id: DocumentId) -> Result<Option<Document>> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {INFO_COLUMNS}, body FROM documents WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let turns = sqlx::query(
            "SELECT speaker, start_pos, end_pos FROM document_turns WHERE document_id = $1 ORDER BY position",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Turn {
                speaker: get(r, "speaker")?,
                start: pos(r, "start_pos")?,
                end: pos(r, "end_pos")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Some(Document {
            info: info(&row)?,
            text: get(&row, "body")?,
            turns,
        }))
    }

    /// Stores codings of document spans, all or nothing.
    pub async fn add_document_codings(
        &self,
        codings: &[NewDocumentCoding],
    ) -> Result<Vec<DocumentCodingId>> {
        let mut tx = self.pool.begin().await?;
        let ids = match insert_document_codings(&mut tx, codings).await {
            Ok(ids) => ids,
            Err(e) => {
                // Roll back before answering: a dropped transaction's rollback runs later, on
                // its connection's next use, and until then holds SQLite's write lock, so the
                // caller's next write could wait for it and fail "database is locked".
                tx.rollback().await?;
                return Err(e);
            }
        };
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The codings of documents: of one document, or of all; by id.
    pub async fn document_codings(&self, of: Option<DocumentId>) -> Result<Vec<DocumentCoding>> {
        let cols = "id, document_id, start_pos, end_pos, code_id, coder_id, memo";
        let rows = match of {
            Some(d) => {
                sqlx::query(&format!(
                    "SELECT {cols} FROM document_codings WHERE document_id = $1 ORDER BY id"
                ))
                .bind(d.0)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {cols} FROM document_codings ORDER BY id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(coding).collect()
    }

    /// Every coded passage of `code` across the documents — with the codes nested under it
    /// when `with_children` — with its text and source, by document and position.
    pub async fn passages(&self, code: CodeId, with_children: bool) -> Result<Vec<Passage>> {
        let mut codes: BTreeSet<i64> = BTreeSet::from([code.0]);
        if with_children {
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
                    if codes.insert(*k) {
                        todo.push(*k);
                    }
                }
            }
        }
        let list = codes
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        // The ids are numbers from the database, not input: safe to inline.
        let rows = sqlx::query(&format!(
            "SELECT c.id, c.document_id, c.start_pos, c.end_pos, c.code_id, c.coder_id, \
             d.title, d.kind, d.network_id, \
             substr(d.body, CAST(c.start_pos + 1 AS INTEGER), CAST(c.end_pos - c.start_pos AS INTEGER)) AS passage \
             FROM document_codings c JOIN documents d ON d.id = c.document_id \
             WHERE c.code_id IN ({list}) ORDER BY c.document_id, c.start_pos, c.end_pos, c.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Passage {
                    coding: DocumentCodingId(get(r, "id")?),
                    code: CodeId(get(r, "code_id")?),
                    coder: PersonId(get(r, "coder_id")?),
                    span: DocumentSpan {
                        document: DocumentId(get(r, "document_id")?),
                        start: pos(r, "start_pos")?,
                        end: pos(r, "end_pos")?,
                    },
                    title: get(r, "title")?,
                    kind: kind(r)?,
                    network: get::<Option<i64>>(r, "network_id")?.map(NetworkId),
                    text: get(r, "passage")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_date("2026-03-14"));
        assert!(!is_date("2026-13-14"));
        assert!(!is_date("14-03-2026"));
        assert!(!is_date("2026-3-14"));
    }
}
