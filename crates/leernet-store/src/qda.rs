//! REFI-QDA import: a new codebook, the coders it brings and their codings, all in one
//! transaction, so that a failed import leaves nothing behind.

use crate::documents::{insert_document_codings, insert_documents, NewDocumentCoding};
use crate::{conflict, NewCode, NewDocument, NewPerson, Result, Store, StoreError};
use leernet_core::*;
use std::collections::BTreeSet;

/// A coder of an imported project: a person of this project, or one to add.
#[derive(Debug, Clone)]
pub enum ImportCoder {
    Existing(PersonId),
    New(NewPerson),
}

/// A coding of an imported project: its code by key in the new codebook, its coder by index
/// into the coders.
#[derive(Debug, Clone)]
pub struct ImportCoding {
    pub segment: Segment,
    pub code_key: String,
    pub coder: usize,
    pub memo: String,
}

/// Where a coding of a document in an imported project goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportDocument {
    /// A document of this project with the same text.
    Existing(DocumentId),
    /// One of [`ImportExtras::documents`], by index.
    New(usize),
}

/// A coding of a document span in an imported project; code by key, coder by index.
#[derive(Debug, Clone)]
pub struct ImportDocumentCoding {
    pub document: ImportDocument,
    pub start: usize,
    pub end: usize,
    pub code_key: String,
    pub coder: usize,
    pub memo: String,
}

/// A memo of an imported project: on a code (by key), a document, or the study.
#[derive(Debug, Clone)]
pub struct ImportMemo {
    pub title: String,
    pub text: String,
    /// Index into the coders.
    pub author: Option<usize>,
    pub code_key: Option<String>,
    pub document: Option<ImportDocument>,
}

/// What a whole project brings beside its codes and the codings of answers.
#[derive(Debug, Clone, Default)]
pub struct ImportExtras {
    /// Keys of codes that are folders (not codable).
    pub folders: Vec<String>,
    /// Text sources that match no answer and no stored document.
    pub documents: Vec<NewDocument>,
    pub document_codings: Vec<ImportDocumentCoding>,
    pub memos: Vec<ImportMemo>,
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedProject {
    pub codebook: CodebookId,
    pub codes: usize,
    pub persons_added: usize,
    pub codings: usize,
    pub documents: Vec<DocumentId>,
    pub document_codings: usize,
    pub memos: usize,
}

impl Store {
    /// Adds a codebook with its codes (parents before children), the new coders and the
    /// codings, in one transaction: all or nothing.
    pub async fn import_coded_project(
        &self,
        codebook_name: &str,
        codes: &[NewCode],
        coders: &[ImportCoder],
        codings: &[ImportCoding],
    ) -> Result<ImportedProject> {
        self.import_whole_project(
            codebook_name,
            codes,
            coders,
            codings,
            &ImportExtras::default(),
        )
        .await
    }

    /// [`Store::import_coded_project`] with the folders of the code tree, the documents and
    /// their codings: all or nothing.
    pub async fn import_whole_project(
        &self,
        codebook_name: &str,
        codes: &[NewCode],
        coders: &[ImportCoder],
        codings: &[ImportCoding],
        extras: &ImportExtras,
    ) -> Result<ImportedProject> {
        let mut tx = self.pool.begin().await?;
        let (book, ids) = crate::coding::insert_codebook(&mut tx, codebook_name, codes).await?;
        let mut persons = Vec::with_capacity(coders.len());
        let mut added = 0;
        for c in coders {
            match c {
                ImportCoder::Existing(p) => persons.push(p.0),
                ImportCoder::New(p) => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO persons (email, name, role, password_hash) VALUES ($1, $2, $3, $4) \
                         RETURNING id",
                    )
                    .bind(p.email.as_str())
                    .bind(&p.name)
                    .bind(p.role.as_str())
                    .bind(p.password_hash.clone())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| conflict(e, || format!("a person with e-mail {} exists", p.email)))?;
                    for n in &p.networks {
                        sqlx::query(
                            "INSERT INTO person_networks (person_id, network_id) VALUES ($1, $2)",
                        )
                        .bind(id)
                        .bind(n.0)
                        .execute(&mut *tx)
                        .await?;
                    }
                    persons.push(id);
                    added += 1;
                }
            }
        }
        for c in codings {
            let code = *ids.get(c.code_key.as_str()).ok_or_else(|| {
                StoreError::NotFound(format!(
                    "a coding names code {:?}, which the codebook lacks",
                    c.code_key
                ))
            })?;
            let coder = *persons.get(c.coder).ok_or_else(|| {
                StoreError::NotFound(format!(
                    "a coding names coder {}, who is not listed",
                    c.coder
                ))
            })?;
            sqlx::query(
                "INSERT INTO codings (response_id, question, start_pos, end_pos, code_id, coder_id, memo) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(c.segment.response.0)
            .bind(&c.segment.question)
            .bind(c.segment.start as i64)
            .bind(c.segment.end as i64)
            .bind(code)
            .bind(coder)
            .bind(&c.memo)
            .execute(&mut *tx)
            .await?;
        }
        let folders: BTreeSet<&str> = extras.folders.iter().map(String::as_str).collect();
        for key in &folders {
            let code = *ids.get(key).ok_or_else(|| {
                StoreError::NotFound(format!("folder {key:?} is not a code of the codebook"))
            })?;
            sqlx::query("UPDATE codes SET folder = 1 WHERE id = $1")
                .bind(code)
                .execute(&mut *tx)
                .await?;
        }
        let documents = insert_documents(&mut tx, &extras.documents).await?;
        let mut doc_codings = Vec::with_capacity(extras.document_codings.len());
        for c in &extras.document_codings {
            if folders.contains(c.code_key.as_str()) {
                return Err(StoreError::Conflict(format!(
                    "a coding names code {:?}, which is a folder and cannot be applied",
                    c.code_key
                )));
            }
            let document = match c.document {
                ImportDocument::Existing(d) => d,
                ImportDocument::New(i) => *documents.get(i).ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "a coding names new document {i}, which is not listed"
                    ))
                })?,
            };
            doc_codings.push(NewDocumentCoding {
                span: DocumentSpan {
                    document,
                    start: c.start,
                    end: c.end,
                },
                code: CodeId(*ids.get(c.code_key.as_str()).ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "a coding names code {:?}, which the codebook lacks",
                        c.code_key
                    ))
                })?),
                coder: PersonId(*persons.get(c.coder).ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "a coding names coder {}, who is not listed",
                        c.coder
                    ))
                })?),
                memo: c.memo.clone(),
            });
        }
        insert_document_codings(&mut tx, &doc_codings).await?;
        for m in &extras.memos {
            let author = match m.author {
                None => None,
                Some(i) => Some(*persons.get(i).ok_or_else(|| {
                    StoreError::NotFound(format!("a memo names coder {i}, who is not listed"))
                })?),
            };
            let code = match &m.code_key {
                None => None,
                Some(k) => Some(*ids.get(k.as_str()).ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "a memo names code {k:?}, which the codebook lacks"
                    ))
                })?),
            };
            let document = match m.document {
                None => None,
                Some(ImportDocument::Existing(d)) => Some(d.0),
                Some(ImportDocument::New(i)) => Some(
                    documents
                        .get(i)
                        .ok_or_else(|| {
                            StoreError::NotFound(format!(
                                "a memo names new document {i}, which is not listed"
                            ))
                        })?
                        .0,
                ),
            };
            crate::documents::insert_memo(&mut tx, &m.title, &m.text, author, code, document)
                .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(ImportedProject {
            codebook: CodebookId(book),
            codes: codes.len(),
            persons_added: added,
            codings: codings.len(),
            documents,
            document_codings: doc_codings.len(),
            memos: extras.memos.len(),
        })
    }
}
