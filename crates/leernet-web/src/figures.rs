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
//! Every set rests on waves (issue 19): the study's current waves, or the wave a page's
//! `?wave=` names. The cache keys on that choice as well as on the depth; a choice is
//! cached only once its figures were computed, so a wave that does not exist never gets a
//! slot, and the slots of other choices are bounded (`OTHER_CHOICES`).
//!
//! Invariant: figures are labelled with the generation read *before* their data, so a label
//! is never newer than the data under it (at worst the figures are computed once more); a
//! failed computation is not cached (the next request tries again).

use crate::AppState;
use leernet_analysis::{ProjectContent, StudyFigures};
use leernet_core::WaveChoice;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// How many sets of figures on another wave than the current one are kept at most; beyond
/// it the least recently made is dropped (a study has few waves; this bounds the memory a
/// visitor's `?wave=` can take).
const OTHER_CHOICES: usize = 16;

/// The study's figures and their form for the templates (converted once, not per page).
pub(crate) struct Figures {
    pub(crate) figures: StudyFigures,
    /// What the page templates read of `figures` (`f.counts`, `f.sections`, `f.scales`,
    /// `f.workplaces`, `f.waves`) as a template value, converted once: not the whole figures, whose
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
            waves => minijinja::Value::from_serialize(&figures.waves),
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Depth {
    /// Every page and the handreikingen: the typology without its stability replicates and
    /// without the latent class fit table.
    Pages,
    /// The study report: everything.
    Report,
}

/// The slots of figures on another wave: by depth and choice, the order each was made in
/// and the slot.
type OtherSlots = BTreeMap<(Depth, WaveChoice), (u64, Arc<Slot>)>;

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
    pages: Arc<Slot>,
    report: Arc<Slot>,
    /// Figures on another wave than the current ones, by depth and choice, with the order
    /// they were made in (for dropping the oldest).
    other: Mutex<OtherSlots>,
    made: AtomicU64,
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
    /// The slot of the figures on `wave` (`None`: the current waves). A slot for another
    /// choice is made on first use and dropped again when its computation fails, so only
    /// choices whose figures exist stay.
    fn slot_for(&self, depth: Depth, wave: Option<&WaveChoice>) -> Arc<Slot> {
        let Some(w) = wave else {
            return match depth {
                Depth::Pages => self.pages.clone(),
                Depth::Report => self.report.clone(),
            };
        };
        let mut other = self.other.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, s)) = other.get(&(depth, w.clone())) {
            return s.clone();
        }
        if other.len() >= OTHER_CHOICES {
            if let Some(oldest) = other
                .iter()
                .min_by_key(|(_, (made, _))| *made)
                .map(|(k, _)| k.clone())
            {
                other.remove(&oldest);
            }
        }
        let made = self.made.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot::default());
        other.insert((depth, w.clone()), (made, slot.clone()));
        slot
    }

    fn forget(&self, depth: Depth, wave: &WaveChoice) {
        let mut other = self.other.lock().unwrap_or_else(|p| p.into_inner());
        other.remove(&(depth, wave.clone()));
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

/// The study's figures for the data the store holds now, on the study's current waves
/// (`wave` `None`) or on the waves `wave` names: from the cache when nothing changed, else
/// computed once for every request that asks meanwhile. A `wave` that names no wave fails
/// with the analysis' `UnknownWave` (see [`unknown_wave`]).
pub(crate) async fn current(
    state: &Arc<AppState>,
    depth: Depth,
    wave: Option<&WaveChoice>,
) -> anyhow::Result<Arc<Figures>> {
    let cache = state.figures.slot_for(depth, wave);
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
    let wave = wave.cloned();
    let task = tokio::spawn(async move {
        let _guard = guard;
        let started = std::time::Instant::now();
        // Read before the data: the label is never newer than the data.
        let generation = state.store.generation().await?;
        let st = state.clone();
        let chosen = wave.clone();
        let runtime = tokio::runtime::Handle::current();
        // The data are read on the blocking pool too: turning a national study's 40,000
        // stored answer sets into values takes a second of CPU, which on the runtime's
        // threads would delay every survey save meanwhile.
        let computed = tokio::task::spawn_blocking(move || {
            let data = runtime.block_on(st.store.study_data())?;
            anyhow::Ok(
                leernet_analysis::analyse_project_on(
                    &data,
                    &content_for(&st.content, depth),
                    chosen.as_ref(),
                )
                .map(Figures::new)?,
            )
        })
        .await?;
        let figures = match computed {
            Ok(f) => Arc::new(f),
            Err(e) => {
                if let Some(w) = &wave {
                    state.figures.forget(depth, w);
                }
                return Err(e);
            }
        };
        state.figures.computations.fetch_add(1, Ordering::Relaxed);
        cache.publish(generation, figures.clone());
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

/// Whether `e` says that a chosen wave does not exist (a page answers 404).
pub(crate) fn unknown_wave(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<leernet_analysis::AnalysisError>(),
        Some(leernet_analysis::AnalysisError::UnknownWave { .. })
    )
}
