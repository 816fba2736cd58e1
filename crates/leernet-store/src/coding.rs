//! Codebooks, codes and codings, and the versions of a codebook.
//!
//! Versions: a codebook is version 1 as it was made (created, imported or loaded with the
//! demo). Every logged change of its codes (`Store::add_code_logged`,
//! `Store::change_code_logged`) writes the next version into `codebook_versions`, with who,
//! when, why and a JSON snapshot of the whole codebook after the change, in the change's own
//! transaction. Version 1 gets its row (with no person and no time: neither is known) when
//! the first change is made, holding the codebook as it was before that change; until then
//! version 1 is the codebook as it stands.

use crate::{conflict, get, Result, Store, StoreError};
use leernet_core::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A code to add to a new codebook. `parent` names another code's key in the same codebook.
#[derive(Debug, Clone, Default)]
pub struct NewCode {
    pub key: String,
    pub parent: Option<String>,
    pub name: Bilingual,
    pub description: Bilingual,
    pub inclusion: Bilingual,
    pub exclusion: Bilingual,
    pub examples: Bilingual,
    pub colour: Option<Colour>,
}

/// One version of a codebook in its history: who made it, when and why. Version 1 has no
/// person and no time (the codebook as it was made); `person` is also empty after the
/// person was erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebookVersion {
    pub version: i64,
    pub at: Option<i64>,
    pub person: Option<PersonId>,
    pub reason: String,
}

/// What `codebook_versions.snapshot` holds: the codebook after the change, as JSON.
#[derive(Debug, Serialize, Deserialize)]
struct Snapshot {
    name: String,
    codes: Vec<Code>,
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

const CODE_COLUMNS: &str = "id, codebook_id, key, parent_id, name_nl, name_en, description_nl, \
     description_en, inclusion_nl, inclusion_en, exclusion_nl, exclusion_en, examples_nl, \
     examples_en, colour";

fn bi(r: &sqlx::any::AnyRow, col: &str) -> Result<Bilingual> {
    Ok(Bilingual {
        nl: get(r, &format!("{col}_nl"))?,
        en: get(r, &format!("{col}_en"))?,
    })
}

fn code_of(c: &sqlx::any::AnyRow) -> Result<Code> {
    let parent: Option<i64> = get(c, "parent_id")?;
    let colour: Option<String> = get(c, "colour")?;
    Ok(Code {
        id: CodeId(get(c, "id")?),
        key: get(c, "key")?,
        parent: parent.map(CodeId),
        name: bi(c, "name")?,
        description: bi(c, "description")?,
        inclusion: bi(c, "inclusion")?,
        exclusion: bi(c, "exclusion")?,
        examples: bi(c, "examples")?,
        colour: colour
            .map(|s| Colour::parse(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()?,
    })
}

/// The codebooks (all, or the one with id `only`) with their codes and current versions.
async fn load_codebooks(
    conn: &mut sqlx::AnyConnection,
    only: Option<i64>,
) -> Result<Vec<Codebook>> {
    // Ids start at 1, so 0 stands for every codebook.
    let only = only.unwrap_or(0);
    let books = sqlx::query(
        "SELECT id, name, \
         (SELECT MAX(version) FROM codebook_versions v WHERE v.codebook_id = codebooks.id) AS version \
         FROM codebooks WHERE $1 = 0 OR id = $1 ORDER BY id",
    )
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let codes = sqlx::query(&format!(
        "SELECT {CODE_COLUMNS} FROM codes WHERE $1 = 0 OR codebook_id = $1 ORDER BY id"
    ))
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for b in &books {
        let id: i64 = get(b, "id")?;
        let mut list = Vec::new();
        for c in &codes {
            if get::<i64>(c, "codebook_id")? == id {
                list.push(code_of(c)?);
            }
        }
        let version: Option<i64> = get(b, "version")?;
        out.push(Codebook {
            id: CodebookId(id),
            name: get(b, "name")?,
            version: version.unwrap_or(1),
            codes: list,
        });
    }
    Ok(out)
}

/// Before a logged change of `book`'s codes, first thing in its transaction: takes the
/// codebook's write lock (so two changes at once get consecutive versions, on PostgreSQL
/// too, instead of one failing on the unique version), makes sure version 1 has its row,
/// holding the codebook as it is now (before the change), and returns the current version.
pub(crate) async fn before_change(tx: &mut Tx<'_>, book: CodebookId) -> Result<i64> {
    let locked = sqlx::query("UPDATE codebooks SET name = name WHERE id = $1")
        .bind(book.0)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if locked == 0 {
        return Err(StoreError::NotFound(format!("codebook {book}")));
    }
    let current: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM codebook_versions WHERE codebook_id = $1")
            .bind(book.0)
            .fetch_one(&mut **tx)
            .await?;
    if let Some(v) = current {
        return Ok(v);
    }
    write_version(tx, book, 1, None, None, "").await?;
    Ok(1)
}

/// After a logged change: writes version `version` with a snapshot of the codebook as it is
/// now, inside the change's transaction.
pub(crate) async fn write_version(
    tx: &mut Tx<'_>,
    book: CodebookId,
    version: i64,
    at: Option<i64>,
    person: Option<PersonId>,
    reason: &str,
) -> Result<()> {
    let Some(b) = load_codebooks(tx, Some(book.0)).await?.pop() else {
        return Err(StoreError::NotFound(format!("codebook {book}")));
    };
    let snapshot = serde_json::to_string(&Snapshot {
        name: b.name,
        codes: b.codes,
    })
    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO codebook_versions (codebook_id, version, at, person_id, reason, snapshot) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(book.0)
    .bind(version)
    .bind(at)
    .bind(person.map(|p| p.0))
    .bind(reason)
    .bind(snapshot)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl NewCode {
    /// The code's texts and colour.
    pub fn fields(&self) -> CodeFields {
        CodeFields {
            name: self.name.clone(),
            description: self.description.clone(),
            inclusion: self.inclusion.clone(),
            exclusion: self.exclusion.clone(),
            examples: self.examples.clone(),
            colour: self.colour.clone(),
        }
    }
}

/// What a person writes about a code: its names, description, inclusion and exclusion
/// criteria, examples (each in Dutch and English) and colour.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeFields {
    pub name: Bilingual,
    pub description: Bilingual,
    pub inclusion: Bilingual,
    pub exclusion: Bilingual,
    pub examples: Bilingual,
    pub colour: Option<Colour>,
}

impl CodeFields {
    /// The fields of a stored code.
    pub fn of(c: &Code) -> CodeFields {
        CodeFields {
            name: c.name.clone(),
            description: c.description.clone(),
            inclusion: c.inclusion.clone(),
            exclusion: c.exclusion.clone(),
            examples: c.examples.clone(),
            colour: c.colour.clone(),
        }
    }

    /// Every text trimmed (examples line by line).
    pub fn trimmed(&self) -> CodeFields {
        let t = |b: &Bilingual| Bilingual {
            nl: b.nl.trim().to_owned(),
            en: b.en.trim().to_owned(),
        };
        let lines = |s: &str| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        CodeFields {
            name: t(&self.name),
            description: t(&self.description),
            inclusion: t(&self.inclusion),
            exclusion: t(&self.exclusion),
            examples: Bilingual {
                nl: lines(&self.examples.nl),
                en: lines(&self.examples.en),
            },
            colour: self.colour.clone(),
        }
    }
}

/// Inserts one code (texts as given) inside the caller's transaction; returns its id.
pub(crate) async fn insert_code(
    tx: &mut Tx<'_>,
    book: CodebookId,
    key: &str,
    parent: Option<CodeId>,
    f: &CodeFields,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO codes (codebook_id, key, parent_id, name_nl, name_en, description_nl, \
         description_en, inclusion_nl, inclusion_en, exclusion_nl, exclusion_en, examples_nl, \
         examples_en, colour) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(book.0)
    .bind(key)
    .bind(parent.map(|p| p.0))
    .bind(&f.name.nl)
    .bind(&f.name.en)
    .bind(&f.description.nl)
    .bind(&f.description.en)
    .bind(&f.inclusion.nl)
    .bind(&f.inclusion.en)
    .bind(&f.exclusion.nl)
    .bind(&f.exclusion.en)
    .bind(&f.examples.nl)
    .bind(&f.examples.en)
    .bind(f.colour.as_ref().map(|c| c.as_str().to_owned()))
    .fetch_one(&mut **tx)
    .await?)
}

/// A coding to add.
#[derive(Debug, Clone)]
pub struct NewCoding {
    pub segment: Segment,
    pub code: CodeId,
    pub coder: PersonId,
    pub memo: String,
}

/// Inserts a codebook and its codes inside the caller's transaction; returns the codebook's
/// id and each code's id by key. Parents must come before their children in `codes`.
pub(crate) async fn insert_codebook<'c>(
    tx: &mut sqlx::Transaction<'c, sqlx::Any>,
    name: &str,
    codes: &'c [NewCode],
) -> Result<(i64, BTreeMap<&'c str, i64>)> {
    let book: i64 = sqlx::query_scalar("INSERT INTO codebooks (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| conflict(e, || format!("a codebook named {name:?} exists")))?;
    let mut ids: BTreeMap<&str, i64> = BTreeMap::new();
    for c in codes {
        let parent = match &c.parent {
            Some(p) => Some(*ids.get(p.as_str()).ok_or_else(|| {
                StoreError::NotFound(format!(
                    "code {:?} names parent {p:?}, which is not defined before it",
                    c.key
                ))
            })?),
            None => None,
        };
        let id = insert_code(
            tx,
            CodebookId(book),
            &c.key,
            parent.map(CodeId),
            &c.fields(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Db(e) => conflict(e, || format!("code {:?} appears twice", c.key)),
            e => e,
        })?;
        ids.insert(&c.key, id);
    }
    Ok((book, ids))
}

impl Store {
    /// Adds a codebook with its codes in one transaction. Parents must come before their
    /// children in `codes`, which rules out cycles.
    pub async fn add_codebook(&self, name: &str, codes: &[NewCode]) -> Result<CodebookId> {
        let mut tx = self.pool.begin().await?;
        let (book, _) = insert_codebook(&mut tx, name, codes).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(CodebookId(book))
    }

    /// All codebooks with their codes and current versions, by id.
    pub async fn codebooks(&self) -> Result<Vec<Codebook>> {
        let mut conn = self.pool.acquire().await?;
        load_codebooks(&mut conn, None).await
    }

    /// The versions of a codebook, oldest first (version 1 even when no change was made
    /// yet); empty for an unknown codebook.
    pub async fn codebook_versions(&self, book: CodebookId) -> Result<Vec<CodebookVersion>> {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM codebooks WHERE id = $1")
            .bind(book.0)
            .fetch_one(&self.pool)
            .await?;
        if exists == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT version, at, person_id, reason FROM codebook_versions \
             WHERE codebook_id = $1 ORDER BY version",
        )
        .bind(book.0)
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(vec![CodebookVersion {
                version: 1,
                at: None,
                person: None,
                reason: String::new(),
            }]);
        }
        rows.iter()
            .map(|r| {
                let person: Option<i64> = get(r, "person_id")?;
                Ok(CodebookVersion {
                    version: get(r, "version")?,
                    at: get(r, "at")?,
                    person: person.map(PersonId),
                    reason: get(r, "reason")?,
                })
            })
            .collect()
    }

    /// A codebook as it was in `version`, from its snapshot (version 1 of a codebook that was
    /// never changed is the codebook as it stands); `None` for an unknown codebook or version.
    pub async fn codebook_version(
        &self,
        book: CodebookId,
        version: i64,
    ) -> Result<Option<Codebook>> {
        let snapshot: Option<String> = sqlx::query_scalar(
            "SELECT snapshot FROM codebook_versions WHERE codebook_id = $1 AND version = $2",
        )
        .bind(book.0)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        match snapshot {
            Some(s) => {
                let snap: Snapshot = serde_json::from_str(&s)
                    .map_err(|e| StoreError::Corrupt(format!("codebook snapshot: {e}")))?;
                Ok(Some(Codebook {
                    id: book,
                    name: snap.name,
                    version,
                    codes: snap.codes,
                }))
            }
            None if version == 1 => {
                let mut conn = self.pool.acquire().await?;
                Ok(load_codebooks(&mut conn, Some(book.0))
                    .await?
                    .pop()
                    .filter(|b| b.version == 1))
            }
            None => Ok(None),
        }
    }

    /// Adds codings in one transaction: all or none.
    pub async fn add_codings(&self, codings: &[NewCoding]) -> Result<Vec<CodingId>> {
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(codings.len());
        for c in codings {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO codings (response_id, question, start_pos, end_pos, code_id, coder_id, memo) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(c.segment.response.0)
            .bind(&c.segment.question)
            .bind(c.segment.start as i64)
            .bind(c.segment.end as i64)
            .bind(c.code.0)
            .bind(c.coder.0)
            .bind(&c.memo)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(CodingId(id));
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// All codings of the coders themselves, by id: never a consensus coding (those come
    /// from [`Store::consensus_codings`]).
    pub async fn codings(&self) -> Result<Vec<Coding>> {
        let rows = sqlx::query(
            "SELECT id, response_id, question, start_pos, end_pos, code_id, coder_id, memo \
             FROM codings WHERE consensus = 0 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let start: i64 = get(r, "start_pos")?;
                let end: i64 = get(r, "end_pos")?;
                Ok(Coding {
                    id: CodingId(get(r, "id")?),
                    segment: Segment {
                        response: ResponseId(get(r, "response_id")?),
                        question: get(r, "question")?,
                        start: usize::try_from(start)
                            .map_err(|_| StoreError::Corrupt("negative start".into()))?,
                        end: usize::try_from(end)
                            .map_err(|_| StoreError::Corrupt("negative end".into()))?,
                    },
                    code: CodeId(get(r, "code_id")?),
                    coder: PersonId(get(r, "coder_id")?),
                    memo: get(r, "memo")?,
                })
            })
            .collect()
    }
}
