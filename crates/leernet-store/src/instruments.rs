//! Instruments (versioned XLSForm workbooks) and waves.

use crate::{conflict, get, Result, Store, StoreError};
use leernet_core::*;
use sha2::{Digest, Sha256};

/// An instrument version to store. The caller has validated the workbook.
#[derive(Debug, Clone)]
pub struct NewInstrument {
    pub form_id: String,
    pub version: String,
    pub title: Bilingual,
    pub file_name: String,
    pub workbook: Vec<u8>,
}

impl Store {
    /// Stores an instrument version. Storing the same workbook again returns the stored id;
    /// a different workbook under an existing `form_id` + `version` is a conflict (raise the
    /// form's `version` to store a new one).
    pub async fn add_instrument(&self, i: &NewInstrument) -> Result<InstrumentId> {
        let sha = hex::encode(Sha256::digest(&i.workbook));
        let existing =
            sqlx::query("SELECT id, sha256 FROM instruments WHERE form_id = $1 AND version = $2")
                .bind(&i.form_id)
                .bind(&i.version)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(row) = existing {
            let stored: String = get(&row, "sha256")?;
            return if stored == sha {
                Ok(InstrumentId(get(&row, "id")?))
            } else {
                Err(StoreError::Conflict(format!(
                    "instrument {:?} version {:?} is already stored with other content; raise the version in the form's settings sheet",
                    i.form_id, i.version
                )))
            };
        }
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO instruments (form_id, version, title_nl, title_en, file_name, workbook, sha256) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&i.form_id)
        .bind(&i.version)
        .bind(&i.title.nl)
        .bind(&i.title.en)
        .bind(&i.file_name)
        .bind(i.workbook.clone())
        .bind(&sha)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict(e, || format!("instrument {:?} version {:?} exists", i.form_id, i.version)))?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(InstrumentId(id))
    }

    /// All instrument versions with their workbooks, by id.
    pub async fn instruments(&self) -> Result<Vec<Instrument>> {
        let rows = sqlx::query(
            "SELECT id, form_id, version, title_nl, title_en, file_name, workbook, sha256 \
             FROM instruments ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Instrument {
                    id: InstrumentId(get(r, "id")?),
                    form_id: get(r, "form_id")?,
                    version: get(r, "version")?,
                    title: Bilingual {
                        nl: get(r, "title_nl")?,
                        en: get(r, "title_en")?,
                    },
                    file_name: get(r, "file_name")?,
                    workbook: get(r, "workbook")?,
                    sha256: get(r, "sha256")?,
                })
            })
            .collect()
    }

    /// Opens a wave of an instrument under a name that is new for that instrument.
    pub async fn add_wave(
        &self,
        instrument: InstrumentId,
        name: &str,
        status: WaveStatus,
    ) -> Result<WaveId> {
        // the test links' wave has this name; a real wave never does (`test_links.rs`)
        if name.trim() == crate::test_links::TEST_WAVE_NAME {
            return Err(StoreError::Conflict(format!(
                "the name {:?} is kept for the test links of a questionnaire; choose another name for the wave",
                crate::test_links::TEST_WAVE_NAME
            )));
        }
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO waves (instrument_id, name, status) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(instrument.0)
        .bind(name)
        .bind(status.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            conflict(e, || {
                format!("this instrument already has a wave named {name:?}")
            })
        })?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(WaveId(id))
    }

    /// Sets a wave's status.
    pub async fn set_wave_status(&self, wave: WaveId, status: WaveStatus) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE waves SET status = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(wave.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("there is no wave {wave}")));
        }
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// All waves, by id; never a test wave (`test_links.rs`).
    pub async fn waves(&self) -> Result<Vec<Wave>> {
        let rows = sqlx::query(
            "SELECT id, instrument_id, name, status FROM waves WHERE test = 0 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| wave_of(r, "")).collect()
    }
}

/// The wave in `r`'s columns `id`, `instrument_id`, `name` and `status`, each name after
/// `prefix` (`wave_` where a query reads a wave beside other rows).
pub(crate) fn wave_of(r: &sqlx::any::AnyRow, prefix: &str) -> Result<Wave> {
    let column = |c: &str| format!("{prefix}{c}");
    let status: String = get(r, &column("status"))?;
    Ok(Wave {
        id: WaveId(get(r, &column("id"))?),
        instrument: InstrumentId(get(r, &column("instrument_id"))?),
        name: get(r, &column("name"))?,
        status: WaveStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("wave status {status:?}")))?,
    })
}
