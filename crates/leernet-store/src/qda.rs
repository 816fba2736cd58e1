//! REFI-QDA import: a new codebook (or the codebook that holds the file's codes already),
//! the coders it brings and their codings, documents, memos, cases and other tools'
//! variables, all in one transaction, so that a failed import leaves nothing behind. What
//! the project holds already — a code by its GUID, a coding by its place, code and coder, a
//! memo by its title, text and what it is on, a case by its GUID — is counted, not stored
//! again, so importing the same file twice changes nothing.

use crate::documents::{insert_document_codings, insert_documents, NewDocumentCoding};
use crate::{conflict, get, NewCode, NewDocument, NewPerson, Result, Store, StoreError};
use leernet_core::*;
use std::collections::{BTreeMap, BTreeSet};

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

/// A variable of other tools' values: its name, REFI-QDA type (`Text`, `Integer`, …) and
/// description. A variable stored with another type becomes `Text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptVariable {
    pub name: String,
    pub kind: String,
    pub description: String,
}

/// A case of an imported project (REFI-QDA `Case`), kept by its GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportCase {
    pub guid: String,
    pub name: String,
    pub description: String,
    /// The network it is (by name); its network's sources belong to it without a row.
    pub network: Option<NetworkId>,
    /// (variable, value); each variable is one of [`ImportExtras::variables`] or stored.
    pub values: Vec<(String, String)>,
    pub documents: Vec<ImportDocument>,
    /// (response, question).
    pub answers: Vec<(ResponseId, String)>,
}

/// A kept case as stored, for an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptCase {
    pub guid: String,
    pub name: String,
    pub description: String,
    pub network: Option<NetworkId>,
    pub values: Vec<(String, String)>,
    pub documents: Vec<DocumentId>,
    pub answers: Vec<(ResponseId, String)>,
}

/// What imports kept beyond codes, documents, codings and memos: other tools' variables,
/// cases and values on documents (document, variable, value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptQda {
    pub variables: Vec<KeptVariable>,
    pub cases: Vec<KeptCase>,
    pub document_values: Vec<(DocumentId, String, String)>,
}

/// What a whole project brings beside its codes and the codings of answers.
#[derive(Debug, Clone, Default)]
pub struct ImportExtras {
    /// The codebook that holds codes of the file already: the codes are added to it (those
    /// whose key it has are not added again), and codings, document codings and memos it
    /// holds already are not stored twice. `None`: a new codebook.
    pub into: Option<CodebookId>,
    /// The file's GUID of each code, by key: kept, so the next import finds the code.
    pub code_guids: Vec<(String, String)>,
    /// Keys of codes that are folders (not codable).
    pub folders: Vec<String>,
    /// Text sources that match no answer and no stored document.
    pub documents: Vec<NewDocument>,
    pub document_codings: Vec<ImportDocumentCoding>,
    pub memos: Vec<ImportMemo>,
    pub variables: Vec<KeptVariable>,
    pub cases: Vec<ImportCase>,
    /// Values of other tools' variables on documents.
    pub document_values: Vec<(ImportDocument, String, String)>,
    /// Stored documents without a network that join one (through its case).
    pub document_networks: Vec<(DocumentId, NetworkId)>,
}

/// What an import found stored already and did not store again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlreadyPresent {
    pub codes: usize,
    pub codings: usize,
    pub document_codings: usize,
    pub memos: usize,
    pub cases: usize,
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedProject {
    pub codebook: CodebookId,
    /// Codes added.
    pub codes: usize,
    pub persons_added: usize,
    pub codings: usize,
    pub documents: Vec<DocumentId>,
    pub document_codings: usize,
    pub memos: usize,
    /// Cases added.
    pub cases: usize,
    /// Variable values written (on cases and documents).
    pub values: usize,
    /// Documents that joined a network through their case.
    pub documents_joined: usize,
    pub already: AlreadyPresent,
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
        let (book, ids, added_codes) = match extras.into {
            None => {
                let (book, ids) =
                    crate::coding::insert_codebook(&mut tx, codebook_name, codes).await?;
                let ids: BTreeMap<String, i64> =
                    ids.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                (book, ids, codes.len())
            }
            Some(book) => {
                let (ids, added) = add_codes(&mut tx, book, codes).await?;
                (book.0, ids, added)
            }
        };
        for (guid, key) in &extras.code_guids {
            let Some(code) = ids.get(key.as_str()) else {
                return Err(StoreError::NotFound(format!(
                    "code GUID {guid} names code {key:?}, which the codebook lacks"
                )));
            };
            sqlx::query(
                "INSERT INTO qda_code_guids (guid, code_id) VALUES ($1, $2) ON CONFLICT (guid) DO NOTHING",
            )
            .bind(guid)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        }
        let mut already = AlreadyPresent {
            codes: codes.len() - added_codes,
            ..AlreadyPresent::default()
        };
        let (mut seen_codings, mut seen_doc_codings) = match extras.into {
            None => (BTreeSet::new(), BTreeSet::new()),
            Some(b) => stored_codings(&mut tx, b).await?,
        };
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
        let mut codings_added = 0usize;
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
            if !seen_codings.insert((
                c.segment.response.0,
                c.segment.question.clone(),
                c.segment.start as i64,
                c.segment.end as i64,
                code,
                coder,
            )) {
                already.codings += 1;
                continue;
            }
            codings_added += 1;
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
            let code = *ids.get(*key).ok_or_else(|| {
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
            let code = CodeId(*ids.get(c.code_key.as_str()).ok_or_else(|| {
                StoreError::NotFound(format!(
                    "a coding names code {:?}, which the codebook lacks",
                    c.code_key
                ))
            })?);
            let coder = PersonId(*persons.get(c.coder).ok_or_else(|| {
                StoreError::NotFound(format!(
                    "a coding names coder {}, who is not listed",
                    c.coder
                ))
            })?);
            if !seen_doc_codings.insert((document.0, c.start as i64, c.end as i64, code.0, coder.0))
            {
                already.document_codings += 1;
                continue;
            }
            doc_codings.push(NewDocumentCoding {
                span: DocumentSpan {
                    document,
                    start: c.start,
                    end: c.end,
                },
                code,
                coder,
                memo: c.memo.clone(),
            });
        }
        insert_document_codings(&mut tx, &doc_codings).await?;
        let mut seen_memos = stored_memos(&mut tx).await?;
        let mut memos_added = 0usize;
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
            if !seen_memos.insert((m.title.clone(), m.text.clone(), code, document)) {
                already.memos += 1;
                continue;
            }
            memos_added += 1;
            crate::documents::insert_memo(&mut tx, &m.title, &m.text, author, code, document)
                .await?;
        }
        let doc_id = |d: ImportDocument| -> Result<DocumentId> {
            match d {
                ImportDocument::Existing(d) => Ok(d),
                ImportDocument::New(i) => documents
                    .get(i)
                    .copied()
                    .ok_or_else(|| StoreError::NotFound(format!("new document {i} is not listed"))),
            }
        };
        let mut joined = 0usize;
        for (d, n) in &extras.document_networks {
            joined += sqlx::query(
                "UPDATE documents SET network_id = $1, \
                 workplace_id = (SELECT workplace_id FROM networks WHERE id = $1) \
                 WHERE id = $2 AND network_id IS NULL",
            )
            .bind(n.0)
            .bind(d.0)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        for v in &extras.variables {
            sqlx::query(
                "INSERT INTO qda_variables (name, kind, description) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET kind = CASE WHEN qda_variables.kind = excluded.kind \
                 THEN qda_variables.kind ELSE 'Text' END",
            )
            .bind(&v.name)
            .bind(&v.kind)
            .bind(&v.description)
            .execute(&mut *tx)
            .await?;
        }
        let mut values = 0usize;
        for (d, var, value) in &extras.document_values {
            let d = doc_id(*d)?;
            values += 1;
            sqlx::query(
                "INSERT INTO qda_document_values (document_id, variable, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (document_id, variable) DO UPDATE SET value = excluded.value",
            )
            .bind(d.0)
            .bind(var)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
        let mut cases_added = 0usize;
        for c in &extras.cases {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM qda_cases WHERE guid = $1")
                .bind(&c.guid)
                .fetch_optional(&mut *tx)
                .await?;
            let id = match found {
                Some(id) => {
                    already.cases += 1;
                    sqlx::query(
                        "UPDATE qda_cases SET network_id = COALESCE(network_id, $1) WHERE id = $2",
                    )
                    .bind(c.network.map(|n| n.0))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    cases_added += 1;
                    sqlx::query_scalar(
                        "INSERT INTO qda_cases (guid, name, description, network_id) \
                         VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(&c.guid)
                    .bind(&c.name)
                    .bind(&c.description)
                    .bind(c.network.map(|n| n.0))
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            for (var, value) in &c.values {
                values += 1;
                sqlx::query(
                    "INSERT INTO qda_case_values (case_id, variable, value) VALUES ($1, $2, $3) \
                     ON CONFLICT (case_id, variable) DO UPDATE SET value = excluded.value",
                )
                .bind(id)
                .bind(var)
                .bind(value)
                .execute(&mut *tx)
                .await?;
            }
            for d in &c.documents {
                sqlx::query(
                    "INSERT INTO qda_case_documents (case_id, document_id) VALUES ($1, $2) \
                     ON CONFLICT (case_id, document_id) DO NOTHING",
                )
                .bind(id)
                .bind(doc_id(*d)?.0)
                .execute(&mut *tx)
                .await?;
            }
            for (r, q) in &c.answers {
                sqlx::query(
                    "INSERT INTO qda_case_answers (case_id, response_id, question) VALUES ($1, $2, $3) \
                     ON CONFLICT (case_id, response_id, question) DO NOTHING",
                )
                .bind(id)
                .bind(r.0)
                .bind(q)
                .execute(&mut *tx)
                .await?;
            }
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(ImportedProject {
            codebook: CodebookId(book),
            codes: added_codes,
            persons_added: added,
            codings: codings_added,
            documents,
            document_codings: doc_codings.len(),
            memos: memos_added,
            cases: cases_added,
            values,
            documents_joined: joined,
            already,
        })
    }

    /// The GUIDs of codes kept from imports.
    pub async fn qda_code_guids(&self) -> Result<Vec<(String, CodeId)>> {
        let rows = sqlx::query("SELECT guid, code_id FROM qda_code_guids ORDER BY guid")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((get(r, "guid")?, CodeId(get(r, "code_id")?))))
            .collect()
    }

    /// What imports kept for the next export: variables, cases (by id) with their values,
    /// documents and answers, and values on documents.
    pub async fn qda_kept(&self) -> Result<KeptQda> {
        let mut conn = self.pool.acquire().await?;
        let variables =
            sqlx::query("SELECT name, kind, description FROM qda_variables ORDER BY name")
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| {
                    Ok(KeptVariable {
                        name: get(r, "name")?,
                        kind: get(r, "kind")?,
                        description: get(r, "description")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
        let rows = sqlx::query(
            "SELECT id, guid, name, description, network_id FROM qda_cases ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut cases = Vec::with_capacity(rows.len());
        for r in &rows {
            ids.push(get::<i64>(r, "id")?);
            let network: Option<i64> = get(r, "network_id")?;
            cases.push(KeptCase {
                guid: get(r, "guid")?,
                name: get(r, "name")?,
                description: get(r, "description")?,
                network: network.map(NetworkId),
                values: Vec::new(),
                documents: Vec::new(),
                answers: Vec::new(),
            });
        }
        let at = |id: i64| ids.iter().position(|x| *x == id);
        for r in sqlx::query(
            "SELECT case_id, variable, value FROM qda_case_values ORDER BY case_id, variable",
        )
        .fetch_all(&mut *conn)
        .await?
        {
            if let Some(i) = at(get(&r, "case_id")?) {
                cases[i]
                    .values
                    .push((get(&r, "variable")?, get(&r, "value")?));
            }
        }
        for r in sqlx::query(
            "SELECT case_id, document_id FROM qda_case_documents ORDER BY case_id, document_id",
        )
        .fetch_all(&mut *conn)
        .await?
        {
            if let Some(i) = at(get(&r, "case_id")?) {
                cases[i].documents.push(DocumentId(get(&r, "document_id")?));
            }
        }
        for r in sqlx::query(
            "SELECT case_id, response_id, question FROM qda_case_answers ORDER BY case_id, response_id, question",
        )
        .fetch_all(&mut *conn)
        .await?
        {
            if let Some(i) = at(get(&r, "case_id")?) {
                cases[i]
                    .answers
                    .push((ResponseId(get(&r, "response_id")?), get(&r, "question")?));
            }
        }
        let document_values = sqlx::query(
            "SELECT document_id, variable, value FROM qda_document_values ORDER BY document_id, variable",
        )
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                DocumentId(get(r, "document_id")?),
                get(r, "variable")?,
                get(r, "value")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(KeptQda {
            variables,
            cases,
            document_values,
        })
    }
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

/// Adds the codes whose keys `book` does not have (parents before children; a parent may be
/// a code the book has), as a new version of the codebook when any is added. Returns every
/// code of the book by key and how many were added.
async fn add_codes(
    tx: &mut Tx<'_>,
    book: CodebookId,
    codes: &[NewCode],
) -> Result<(BTreeMap<String, i64>, usize)> {
    let mut ids: BTreeMap<String, i64> = BTreeMap::new();
    for r in sqlx::query("SELECT id, key FROM codes WHERE codebook_id = $1")
        .bind(book.0)
        .fetch_all(&mut **tx)
        .await?
    {
        ids.insert(get(&r, "key")?, get(&r, "id")?);
    }
    if codes.iter().all(|c| ids.contains_key(&c.key)) {
        return Ok((ids, 0));
    }
    let version = crate::coding::before_change(tx, book).await?;
    let mut added = 0usize;
    for c in codes {
        if ids.contains_key(&c.key) {
            continue;
        }
        let parent = match &c.parent {
            Some(p) => Some(CodeId(*ids.get(p).ok_or_else(|| {
                StoreError::NotFound(format!(
                    "code {:?} names parent {p:?}, which is not defined before it",
                    c.key
                ))
            })?)),
            None => None,
        };
        let id = crate::coding::insert_code(tx, book, &c.key, parent, &c.fields()).await?;
        ids.insert(c.key.clone(), id);
        added += 1;
    }
    if added > 0 {
        crate::coding::write_version(tx, book, version + 1, None, None, "REFI-QDA import").await?;
    }
    Ok((ids, added))
}

type AnswerCodingKey = (i64, String, i64, i64, i64, i64);
type DocumentCodingKey = (i64, i64, i64, i64, i64);

/// The codings of answers and of documents with the codes of `book`, by what makes one
/// the same: where, which code, which coder.
async fn stored_codings(
    tx: &mut Tx<'_>,
    book: CodebookId,
) -> Result<(BTreeSet<AnswerCodingKey>, BTreeSet<DocumentCodingKey>)> {
    let mut answers = BTreeSet::new();
    for r in sqlx::query(
        "SELECT response_id, question, start_pos, end_pos, code_id, coder_id FROM codings \
         WHERE code_id IN (SELECT id FROM codes WHERE codebook_id = $1)",
    )
    .bind(book.0)
    .fetch_all(&mut **tx)
    .await?
    {
        answers.insert((
            get(&r, "response_id")?,
            get(&r, "question")?,
            get(&r, "start_pos")?,
            get(&r, "end_pos")?,
            get(&r, "code_id")?,
            get(&r, "coder_id")?,
        ));
    }
    let mut documents = BTreeSet::new();
    for r in sqlx::query(
        "SELECT document_id, start_pos, end_pos, code_id, coder_id FROM document_codings \
         WHERE code_id IN (SELECT id FROM codes WHERE codebook_id = $1)",
    )
    .bind(book.0)
    .fetch_all(&mut **tx)
    .await?
    {
        documents.insert((
            get(&r, "document_id")?,
            get(&r, "start_pos")?,
            get(&r, "end_pos")?,
            get(&r, "code_id")?,
            get(&r, "coder_id")?,
        ));
    }
    Ok((answers, documents))
}

type MemoKey = (String, String, Option<i64>, Option<i64>);

/// Every memo by its title, text, code and document.
async fn stored_memos(tx: &mut Tx<'_>) -> Result<BTreeSet<MemoKey>> {
    let mut out = BTreeSet::new();
    for r in sqlx::query("SELECT title, body, code_id, document_id FROM memos")
        .fetch_all(&mut **tx)
        .await?
    {
        out.insert((
            get(&r, "title")?,
            get(&r, "body")?,
            get(&r, "code_id")?,
            get(&r, "document_id")?,
        ));
    }
    Ok(out)
}
