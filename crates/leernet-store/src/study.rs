//! Facts about the study as a whole, kept as key-value rows, and which codings the study's
//! figures may read.
//!
//! Why the second: blind double coding needs every coder's work hidden until every coder of
//! an assignment has finished. Until then an assignment's codings are unfinished work, so
//! [`Store::reportable_codings`] (what `study_data` gives the report, the agreement page and
//! search) leaves them out; the coding pages read the assignment's codings themselves.

use crate::coding_work::{coding_row, CODING_COLUMNS};
use crate::{get, Result, Store};
use leernet_core::{
    Bilingual, Coding, ResponseId, StudyInfo, TypeNaming, WaveChoice, CURRENT_WAVE_SETTING,
    TYPE_NAMES_SETTING,
};
use std::collections::BTreeMap;

impl Store {
    /// Sets the study's title and whether it is fictional, in one transaction.
    pub async fn set_study(&self, info: &StudyInfo) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let rows = [
            ("title_nl", info.title.nl.clone()),
            ("title_en", info.title.en.clone()),
            (
                "fictional",
                if info.fictional { "1" } else { "0" }.to_owned(),
            ),
        ];
        for (k, v) in rows {
            sqlx::query(
                "INSERT INTO study_settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(k)
            .bind(v)
            .execute(&mut *tx)
            .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The study's title and whether it is fictional (empty title when never set).
    pub async fn study(&self) -> Result<StudyInfo> {
        let rows = sqlx::query("SELECT key, value FROM study_settings ORDER BY key")
            .fetch_all(&self.pool)
            .await?;
        let mut map = BTreeMap::new();
        for r in &rows {
            map.insert(get::<String>(r, "key")?, get::<String>(r, "value")?);
        }
        let take = |k: &str| map.get(k).cloned().unwrap_or_default();
        Ok(StudyInfo {
            title: Bilingual {
                nl: take("title_nl"),
                en: take("title_en"),
            },
            fictional: take("fictional") == "1",
        })
    }

    /// Sets (or, with `None`, clears) the study's current wave of one instrument (its form
    /// id), in one transaction: the figures of every page, the report and `analyse` rest on
    /// it. The caller checks that the choice names a wave of the instrument.
    pub async fn set_current_wave(&self, form_id: &str, choice: Option<&WaveChoice>) -> Result<()> {
        let key = format!("{CURRENT_WAVE_SETTING}{form_id}");
        let mut tx = self.pool.begin().await?;
        match choice {
            Some(c) => {
                sqlx::query(
                    "INSERT INTO study_settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(&key)
                .bind(c.as_text())
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM study_settings WHERE key = $1")
                    .bind(&key)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The current waves a researcher chose, by instrument form id (instruments left at
    /// their default are not named).
    pub async fn current_waves(&self) -> Result<BTreeMap<String, WaveChoice>> {
        let rows =
            sqlx::query("SELECT key, value FROM study_settings WHERE key LIKE $1 ORDER BY key")
                .bind(format!("{CURRENT_WAVE_SETTING}%"))
                .fetch_all(&self.pool)
                .await?;
        let mut out = BTreeMap::new();
        for r in &rows {
            let key: String = get(r, "key")?;
            if let Some(form) = key.strip_prefix(CURRENT_WAVE_SETTING) {
                out.insert(
                    form.to_owned(),
                    WaveChoice::parse(&get::<String>(r, "value")?),
                );
            }
        }
        Ok(out)
    }

    /// The names researchers gave to the typology's types (none when never set).
    pub async fn type_names(&self) -> Result<Vec<TypeNaming>> {
        let row = sqlx::query("SELECT value FROM study_settings WHERE key = $1")
            .bind(TYPE_NAMES_SETTING)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(Vec::new()),
            Some(r) => serde_json::from_str(&get::<String>(&r, "value")?).map_err(|e| {
                crate::StoreError::Corrupt(format!("the study setting {TYPE_NAMES_SETTING}: {e}"))
            }),
        }
    }

    /// Replaces the names researchers gave to the typology's types, in one transaction
    /// (the figures are computed again: the data generation moves on).
    pub async fn set_type_names(&self, names: &[TypeNaming]) -> Result<()> {
        let value = serde_json::to_string(names)
            .map_err(|e| crate::StoreError::Corrupt(format!("type names: {e}")))?;
        let mut tx = self.pool.begin().await?;
        if names.is_empty() {
            sqlx::query("DELETE FROM study_settings WHERE key = $1")
                .bind(TYPE_NAMES_SETTING)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO study_settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(TYPE_NAMES_SETTING)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every answer a lead settled (with codes or on "no code"), by response then question:
    /// the answers of an assignment that have a `consensus` entry in the decisions log.
    pub async fn settled_answers(&self) -> Result<Vec<(ResponseId, String)>> {
        sqlx::query(
            "SELECT DISTINCT d.response_id, a.question FROM coding_decisions d \
             JOIN coding_assignments a ON a.id = d.assignment_id \
             WHERE d.kind = 'consensus' AND d.response_id IS NOT NULL \
             ORDER BY d.response_id, a.question",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok((ResponseId(get(r, "response_id")?), get(r, "question")?)))
        .collect()
    }

    /// The coders' own codings the study's figures may read, by id: every coding outside an
    /// assignment, and those of an assignment only once every coder of it has finished.
    /// Never a consensus coding.
    pub async fn reportable_codings(&self) -> Result<Vec<Coding>> {
        sqlx::query(&format!(
            "SELECT {CODING_COLUMNS} FROM codings WHERE consensus = 0 AND (assignment_id IS NULL \
             OR NOT EXISTS (SELECT 1 FROM coding_assignment_coders c \
             WHERE c.assignment_id = codings.assignment_id AND c.finished_at IS NULL)) ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(coding_row)
        .collect()
    }
}
