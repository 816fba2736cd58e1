//! Facts about the study as a whole, kept as key-value rows.

use crate::{get, Result, Store};
use leernet_core::{Bilingual, StudyInfo};
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
}
