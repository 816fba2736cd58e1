//! Codebooks, codes and codings.

use crate::{conflict, get, Result, Store, StoreError};
use leernet_core::*;
use std::collections::BTreeMap;

/// A code to add to a new codebook. `parent` names another code's key in the same codebook.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub key: String,
    pub parent: Option<String>,
    pub name: Bilingual,
    pub description: Bilingual,
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
        let id: i64 = sqlx::query_scalar(
                "INSERT INTO codes (codebook_id, key, parent_id, name_nl, name_en, description_nl, description_en) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(book)
            .bind(&c.key)
            .bind(parent)
            .bind(&c.name.nl)
            .bind(&c.name.en)
            .bind(&c.description.nl)
            .bind(&c.description.en)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| conflict(e, || format!("code {:?} appears twice", c.key)))?;
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
        tx.commit().await?;
        Ok(CodebookId(book))
    }

    /// All codebooks with their codes, by id.
    pub async fn codebooks(&self) -> Result<Vec<Codebook>> {
        let books = sqlx::query("SELECT id, name FROM codebooks ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let codes = sqlx::query(
            "SELECT id, codebook_id, key, parent_id, name_nl, name_en, description_nl, description_en \
             FROM codes ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for b in &books {
            let id: i64 = get(b, "id")?;
            let mut list = Vec::new();
            for c in &codes {
                if get::<i64>(c, "codebook_id")? != id {
                    continue;
                }
                let parent: Option<i64> = get(c, "parent_id")?;
                list.push(Code {
                    id: CodeId(get(c, "id")?),
                    key: get(c, "key")?,
                    parent: parent.map(CodeId),
                    name: Bilingual {
                        nl: get(c, "name_nl")?,
                        en: get(c, "name_en")?,
                    },
                    description: Bilingual {
                        nl: get(c, "description_nl")?,
                        en: get(c, "description_en")?,
                    },
                });
            }
            out.push(Codebook {
                id: CodebookId(id),
                name: get(b, "name")?,
                codes: list,
            });
        }
        Ok(out)
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
