//! The study's figures, computed once per data generation and shared by every page.
//!
//! Why it exists: the overview, the list of networks, a network's page and profile, the
//! Werkplaats pages, the handreiking downloads and the report preview all show figures of
//! the whole study (`leernet_analysis::analyse_project` over `Store::study_data`), which
//! take from a tenth of a second (the demo) to seconds (a national study). Computed per page
//! view, eight visitors kept two cores busy at twelve pages a second.
//!
//! How: every request reads the store's data generation (one small query; it grows with
//! every committed write that can change a figure, on every instance sharing the database)
//! and takes the cached figures when they were computed for that generation or a later one.
//! Otherwise the first request computes — reading the generation again, then the data and
//! analysing them on the blocking pool, never on the async runtime's threads — while every other
//! request for a stale generation waits for that one computation (one lock), so a change
//! costs one computation, never one per visitor. The computation runs as a task of its own:
//! a visitor who leaves does not cancel it for the others. Survey saves never touch this
//! cache, so a slow computation does not delay them.
//!
//! Two sets are cached (`Depth`): the pages' figures, without the typology's stability
//! replicates and its latent class fit table (no page shows them; at 2,000 networks they
//! are most of the analysis), and the study report's, with everything; each is computed on
//! its first request after a change.
//!
//! Invariant: figures are labelled with the generation read *before* their data, so a label
//! is never newer than the data under it (at worst the figures are computed once more); a
//! failed computation is not cached (the next request tries again).

use crate::AppState;
use leernet_analysis::{ProjectContent, StudyFigures};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The study's figures and their form for the templates (converted once, not per page).
pub(crate) struct Figures {
    pub(crate) figures: StudyFigures,
    /// What the page templates read of `figures` (`f.counts`, `f.sections`, `f.scales`,
    /// `f.workplaces`) as a template value, converted once: not the whole figures, whose
    /// networks, profiles and handreikingen are most of a national study's figures and are
    /// handed to a template only as the part a page shows.
    pub(crate) value: minijinja::Value,
}

impl Figures {
    fn new(figures: StudyFigures) -> Figures {
        let value = minijinja::context! {
            counts => minijinja::Value::from_serialize(&figures.counts),
            sections => minijinja::Value::from_serialize(&figures.sections),
            scales => minijinja::Value::from_serialize(&figures.scales),
            workplaces => minijinja::Value::from_serialize(&figures.workplaces),
        };
        Figures { figures, value }
    }
}

impl std::ops::Deref for Figures {
    type Target = StudyFigures;
    fn deref(&self) -> &StudyFigures {
        &self.figures
    }
}

/// Figures with the generation they were computed for.
#[derive(Clone)]
struct Cached {
    generation: i64,
    figures: Arc<Figures>,
}

/// Which figures a request needs. The typology's stability (leave-one-out and the
/// bootstrap: hundreds of reclusterings, most of the time of a national study's analysis)
/// and its latent class fit table (50 random starts per number of classes) are shown only
/// in the study report, so the pages' figures are computed without them and the report's
/// with them, each cached on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Every page and the handreikingen: the typology without its stability replicates and
    /// without the latent class fit table.
    Pages,
    /// The study report: everything.
    Report,
}

/// One cached set of figures.
#[derive(Default)]
struct Slot {
    latest: RwLock<Option<Cached>>,
    /// Held while these figures are being computed.
    computing: Arc<tokio::sync::Mutex<()>>,
}

/// The cache of the study's figures (one per app state).
#[derive(Default)]
pub(crate) struct FigureCache {
    pages: Slot,
    report: Slot,
    /// How many times figures were computed (for tests and the benchmark).
    computations: AtomicU64,
}

impl Slot {
    /// The cached figures when they are at least as new as `generation`.
    fn fresh(&self, generation: i64) -> Option<Arc<Figures>> {
        let latest = self.latest.read().unwrap_or_else(|p| p.into_inner());
        latest
            .as_ref()
            .filter(|c| c.generation >= generation)
            .map(|c| c.figures.clone())
    }

    fn publish(&self, generation: i64, figures: Arc<Figures>) {
        let mut latest = self.latest.write().unwrap_or_else(|p| p.into_inner());
        if latest.as_ref().is_none_or(|c| c.generation < generation) {
            *latest = Some(Cached {
                generation,
                figures,
            });
        }
    }
}

impl FigureCache {
    fn slot(&self, depth: Depth) -> &Slot {
        match depth {
            Depth::Pages => &self.pages,
            Depth::Report => &self.report,
        }
    }

    /// How many times the figures were computed since the app started.
    pub(crate) fn computations(&self) -> u64 {
        self.computations.load(Ordering::Relaxed)
    }
}

/// The content the analysis runs with for `depth`: for the pages, the typology without
/// its stability replicates and its latent class fit table.
fn content_for(content: &ProjectContent, depth: Depth) -> std::borrow::Cow<'_, ProjectContent> {
    match depth {
        Depth::Report => std::borrow::Cow::Borrowed(content),
        Depth::Pages => {
            let mut c = content.clone();
            c.typology.typology.bootstrap = 0;
            c.typology.typology.loo_max_networks = 0;
            c.typology.typology.lca_max_classes = 0;
            std::borrow::Cow::Owned(c)
        }
    }
}

/// The study's figures for the data the store holds now: from the cache when nothing
/// changed, else computed once for every request that asks meanwhile.
pub(crate) async fn current(state: &Arc<AppState>, depth: Depth) -> anyhow::Result<Arc<Figures>> {
    let cache = state.figures.slot(depth);
    let generation = state.store.generation().await?;
    if let Some(f) = cache.fresh(generation) {
        return Ok(f);
    }
    let guard = cache.computing.clone().lock_owned().await;
    // Someone else may have computed them while this request waited.
    if let Some(f) = cache.fresh(generation) {
        return Ok(f);
    }
    let state = state.clone();
    let task = tokio::spawn(async move {
        let _guard = guard;
        let started = std::time::Instant::now();
        // Read before the data: the label is never newer than the data.
        let generation = state.store.generation().await?;
        let st = state.clone();
        let runtime = tokio::runtime::Handle::current();
        // The data are read on the blocking pool too: turning a national study's 40,000
        // stored answer sets into values takes a second of CPU, which on the runtime's
        // threads would delay every survey save meanwhile.
        let figures = tokio::task::spawn_blocking(move || {
            let data = runtime.block_on(st.store.study_data())?;
            anyhow::Ok(
                leernet_analysis::analyse_project(&data, &content_for(&st.content, depth))
                    .map(Figures::new)?,
            )
        })
        .await??;
        let figures = Arc::new(figures);
        state.figures.computations.fetch_add(1, Ordering::Relaxed);
        state
            .figures
            .slot(depth)
            .publish(generation, figures.clone());
        tracing::debug!(
            generation,
            ?depth,
            ms = started.elapsed().as_millis() as u64,
            "study figures computed"
        );
        anyhow::Ok(figures)
    });
    task.await?
}
