//! The study's figures as `leernet analyse --json` writes them, computed once per data
//! generation for the JSON API (`GET /api/v1/studies/{slug}/figures`).
//!
//! Why here: the command line and the API give the same JSON ([`analysis_json`]: every
//! figure of `leernet_analysis::analyse_project`, and the workspace's practice indicators
//! under `practice`), so it is assembled once. The cache follows the web app's figure cache
//! (`leernet-web/src/figures.rs`): every request reads the store's data generation (one
//! small query, bumped by every committed write that can change a figure, on every instance
//! sharing the database) and takes the cached JSON when it was computed for that generation
//! or a later one; otherwise one request computes — on the blocking pool, never on the async
//! threads — while the others wait for that one computation.
//!
//! Invariant: the JSON is labelled with the generation read *before* its data, so a label is
//! never newer than the data under it; a failed computation is not cached.

use leernet_analysis::practice_indicators::{indicators, PracticeIndicators};
use leernet_analysis::{ProjectContent, StudyFigures};
use leernet_store::Store;
use std::sync::{Arc, RwLock};

/// Why the figures could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum FiguresError {
    #[error(transparent)]
    Store(#[from] leernet_store::StoreError),
    #[error("the analysis failed: {0}")]
    Analysis(String),
    #[error("serialising the figures: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the computation stopped: {0}")]
    Stopped(String),
}

/// The JSON of `leernet analyse --json`: every figure, and the workspace's practice
/// indicators under `practice`.
pub fn analysis_json(
    figures: &StudyFigures,
    practice: &PracticeIndicators,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut value = serde_json::to_value(figures)?;
    if let Some(map) = value.as_object_mut() {
        map.insert("practice".into(), serde_json::to_value(practice)?);
    }
    Ok(value)
}

/// The practice indicators of every network of `store` (what `analyse` and the report show).
pub async fn practice(store: &Store) -> Result<PracticeIndicators, leernet_store::StoreError> {
    let log = crate::practice::practice_log(store, None).await?;
    Ok(indicators(&log))
}

/// The analysis JSON of one study, cached per data generation.
#[derive(Default)]
pub struct FigureCache {
    latest: RwLock<Option<(i64, Arc<String>)>>,
    computing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for FigureCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FigureCache").finish_non_exhaustive()
    }
}

impl FigureCache {
    fn fresh(&self, generation: i64) -> Option<Arc<String>> {
        let latest = self.latest.read().unwrap_or_else(|p| p.into_inner());
        latest
            .as_ref()
            .filter(|(g, _)| *g >= generation)
            .map(|(_, j)| j.clone())
    }

    /// The study's analysis JSON (compact) for the data `store` holds now: cached when
    /// nothing changed, else computed once for every request that asks meanwhile.
    pub async fn current(
        &self,
        store: &Store,
        content: &Arc<ProjectContent>,
    ) -> Result<Arc<String>, FiguresError> {
        if let Some(j) = self.fresh(store.generation().await?) {
            return Ok(j);
        }
        let _guard = self.computing.lock().await;
        // Read before the data: the label is never newer than the data.
        let generation = store.generation().await?;
        if let Some(j) = self.fresh(generation) {
            return Ok(j);
        }
        let data = store.study_data().await?;
        let practice = practice(store).await?;
        let content = content.clone();
        let json = tokio::task::spawn_blocking(move || {
            let figures = leernet_analysis::analyse_project(&data, &content)
                .map_err(|e| FiguresError::Analysis(e.to_string()))?;
            Ok::<_, FiguresError>(serde_json::to_string(&analysis_json(&figures, &practice)?)?)
        })
        .await
        .map_err(|e| FiguresError::Stopped(e.to_string()))??;
        let json = Arc::new(json);
        let mut latest = self.latest.write().unwrap_or_else(|p| p.into_inner());
        if latest.as_ref().is_none_or(|(g, _)| *g < generation) {
            *latest = Some((generation, json.clone()));
        }
        Ok(json)
    }
}
