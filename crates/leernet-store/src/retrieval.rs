//! Reading documents for the study's figures and the retrieval pages (issue 20): every
//! document with its text and turns at once, and the passages of codes across answers and
//! documents with their source, filtered.
//!
//! Nothing here logs a text.

use crate::documents::{info, pos, INFO_COLUMNS};
use crate::{get, Result, Store};
use leernet_core::*;
use std::collections::BTreeMap;

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
}
