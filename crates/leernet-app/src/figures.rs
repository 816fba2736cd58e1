//! The study's figures, computed once per data generation and wave choice, and shared by
//! every page of the web app and the JSON API (`GET /api/v1/studies/{slug}/figures`); and
//! the JSON of `leernet analyse --json` ([`analysis_json`]), which the command line writes
//! and the API serves.
//!
//! Why it exists: the overview, the list of networks, a network's page and profile, the
//! Werkplaats pages, the handreiking downloads, the report preview and the API all show
//! figures of the whole study (`leernet_analysis::analyse_project_on` over
//! `Store::study_data`), which take from a tenth of a second (the demo) to seconds (a
//! national study). Computed per page view, eight visitors kept two cores busy at twelve
//! pages a second; computed once by the web app and once more by the API, every change cost
//! two computations. So there is one [`FigureCache`] per study, which `leernet serve` hands to
//! both ([`FigureCaches`]).
//!
//! How: every request reads the store's data generation (one small query; it grows with
//! every committed write that can change a figure, on every instance sharing the database)
//! and takes the cached figures when they were computed for that generation or a later one.
//! Otherwise the first request computes — reading the generation again, then the data and
//! the workspace's practice log, and analysing them on the blocking pool, never on the async
//! runtime's threads — while every other request for a stale generation waits for that one
//! computation (one lock), so a change costs one computation, never one per visitor or per
//! face. The computation runs as a task of its own: a visitor who leaves does not cancel it
//! for the others. Survey saves never touch this cache, so a slow computation does not delay
//! them.
//!
//! The key is the study (one cache each), the [`Depth`] (the pages' figures leave out the
//! typology's stability replicates and its latent class fit table; the report and the API,
//! as `leernet analyse`, have everything), the wave choice (`?wave=`, `--wave`: the study's
//! current waves, a wave's name, `latest`, `all`) and the data generation. A choice is
//! cached only once its figures were computed, so a wave that does not exist never keeps a
//! slot, and the slots of other choices are bounded ([`OTHER_CHOICES`]). What a face makes
//! of the figures (the API's JSON, the web's template value) is made once per cached set
//! ([`Figures::json`], [`Figures::view`]).
//!
//! A page of figures need not wait for them ([`FigureCache::for_page`]): during fieldwork
//! the data change many times a second, and a national study's computation takes most of
//! one, so under `leernet serve` such a page waits at most its page wait for the figures of
//! the latest data and otherwise shows the earlier ones, saying so.
//!
//! Invariant: figures are labelled with the generation read *before* their data, so a label
//! is never newer than the data under it (at worst the figures are computed once more); a
//! failed computation is not cached (the next request tries again).

use leernet_analysis::practice_indicators::{indicators, PracticeIndicators};
use leernet_analysis::{AnalysisError, ProjectContent, StudyFigures};
use leernet_core::WaveChoice;
use leernet_store::Store;
use std::any::Any;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// How many sets of figures on another wave than the current one are kept at most; beyond
/// it the least recently made is dropped (a study has few waves; this bounds the memory a
/// visitor's `?wave=` can take).
pub const OTHER_CHOICES: usize = 16;

/// Why the figures could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum FiguresError {
    #[error(transparent)]
    Store(#[from] leernet_store::StoreError),
    #[error("the analysis failed: {0}")]
    Analysis(#[from] AnalysisError),
    #[error("serialising the figures: {0}")]
    Json(String),
    #[error("the computation stopped: {0}")]
    Stopped(String),
}

impl FiguresError {
    /// Whether the chosen wave does not exist (a page answers 404, the API 400): the caller
    /// named a wave no questionnaire has.
    pub fn is_unknown_wave(&self) -> bool {
        matches!(
            self,
            FiguresError::Analysis(AnalysisError::UnknownWave { .. })
        )
    }
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

/// The practice indicators of every network of `store` (what `analyse` and the report show),
/// with what the networks sent back ([`crate::practice::feedback`]).
pub async fn practice(store: &Store) -> Result<PracticeIndicators, leernet_store::StoreError> {
    let log = crate::practice::practice_log(store, None).await?;
    let mut ind = indicators(&log);
    ind.feedback = crate::practice::feedback(store).await?;
    Ok(ind)
}

/// Which figures a request needs. The typology's stability (leave-one-out and the
/// bootstrap: hundreds of reclusterings, most of the time of a national study's analysis)
/// and its latent class fit table (50 random starts per number of classes) are shown only
/// in the study report and the API's figures (`leernet analyse --json`), so the pages'
/// figures are computed without them and the others with them, each cached on its own.
/// The overview, the list of networks and a network's page show only the study's tables
/// ([`Depth::Tables`]), which any deeper set holds too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// The overview, the list of networks and a network's page: counts, frequency
    /// tables, scales, Werkplaatsen, each network's row and the waves
    /// (`leernet_analysis::analyse_tables_on`), without the datasets, typology, profiles,
    /// handreikingen and the rest. A fresh set of a deeper depth serves too.
    Tables,
    /// Every page and the handreikingen: the typology without its stability replicates and
    /// without the latent class fit table.
    Pages,
    /// The study report and the API: everything, as `leernet analyse`.
    Report,
}

/// One computed set of figures: the study's figures and the workspace's practice
/// indicators, read together for one data generation, and what the faces made of them.
pub struct Figures {
    figures: StudyFigures,
    practice: PracticeIndicators,
    generation: i64,
    /// The compact JSON of [`analysis_json`], made on first request.
    json: OnceLock<Result<Arc<String>, String>>,
    /// Other forms of these figures, one per type, made on first request (the web app's
    /// template value).
    views: Mutex<Vec<Arc<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Figures")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for Figures {
    type Target = StudyFigures;
    fn deref(&self) -> &StudyFigures {
        &self.figures
    }
}

impl Figures {
    /// The study's figures.
    pub fn figures(&self) -> &StudyFigures {
        &self.figures
    }

    /// The workspace's practice indicators, read with the figures.
    pub fn practice(&self) -> &PracticeIndicators {
        &self.practice
    }

    /// The data generation these figures were computed for (read before their data).
    pub fn generation(&self) -> i64 {
        self.generation
    }

    /// The JSON of `leernet analyse --json` (compact), made once per set.
    pub fn json(&self) -> Result<Arc<String>, FiguresError> {
        self.json
            .get_or_init(|| {
                analysis_json(&self.figures, &self.practice)
                    .and_then(|v| serde_json::to_string(&v))
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(FiguresError::Json)
    }

    /// The form `make` gives these figures (one per type `T`), made on its first request and
    /// kept with them: a face converts the figures once per computation, not per request.
    pub fn view<T: Any + Send + Sync>(&self, make: impl FnOnce(&Figures) -> T) -> Arc<T> {
        let mut views = self.views.lock().unwrap_or_else(|p| p.into_inner());
        for v in views.iter() {
            if let Ok(t) = v.clone().downcast::<T>() {
                return t;
            }
        }
        let made = Arc::new(make(self));
        views.push(made.clone());
        made
    }
}

/// One cached set of figures.
#[derive(Default)]
struct Slot {
    latest: RwLock<Option<Arc<Figures>>>,
    /// Held while these figures are being computed.
    computing: Arc<tokio::sync::Mutex<()>>,
    /// Until when a page does not start another computation of these figures: when the
    /// data changed during the last one, its end plus its length ([`FigureCache::for_page`]).
    rest_until: Mutex<Option<std::time::Instant>>,
}

impl Slot {
    /// The cached figures when they are at least as new as `generation`.
    fn fresh(&self, generation: i64) -> Option<Arc<Figures>> {
        let latest = self.latest.read().unwrap_or_else(|p| p.into_inner());
        latest
            .as_ref()
            .filter(|f| f.generation >= generation)
            .cloned()
    }

    /// The cached figures, however old.
    fn any(&self) -> Option<Arc<Figures>> {
        self.latest
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether these figures are being computed right now.
    fn is_computing(&self) -> bool {
        self.computing.try_lock().is_err()
    }

    /// Whether the last computation ended less than its own length ago.
    fn is_resting(&self) -> bool {
        self.rest_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|until| std::time::Instant::now() < until)
    }

    /// Notes that a computation just ended, and the pause before a page may start the next
    /// (`None`: none).
    fn rest(&self, pause: Option<std::time::Duration>) {
        *self.rest_until.lock().unwrap_or_else(|p| p.into_inner()) =
            pause.and_then(|p| std::time::Instant::now().checked_add(p));
    }

    fn publish(&self, figures: Arc<Figures>) {
        let mut latest = self.latest.write().unwrap_or_else(|p| p.into_inner());
        if latest
            .as_ref()
            .is_none_or(|c| c.generation < figures.generation)
        {
            *latest = Some(figures);
        }
    }
}

/// The slots of figures on another wave: by depth and choice, the order each was made in
/// and the slot.
type OtherSlots = BTreeMap<(Depth, WaveChoice), (u64, Arc<Slot>)>;

/// The cache of one study's figures, shared by the web app's pages and the API.
pub struct FigureCache {
    /// The content the figures are computed with (the study's own over the project's).
    content: Arc<ProjectContent>,
    tables: Arc<Slot>,
    pages: Arc<Slot>,
    report: Arc<Slot>,
    /// Figures on another wave than the current ones, by depth and choice, with the order
    /// they were made in (for dropping the oldest).
    other: Mutex<OtherSlots>,
    made: AtomicU64,
    /// How many times figures were computed (for tests and the benchmark).
    computations: AtomicU64,
    /// How long a page waits for figures of the latest data before it is shown with the
    /// figures of earlier data ([`FigureCache::for_page`]); `None`: as long as they take.
    page_wait: Option<std::time::Duration>,
}

/// The figures a page is shown with ([`FigureCache::for_page`]).
#[derive(Clone, Debug)]
pub struct PageFigures {
    /// The figures.
    pub figures: Arc<Figures>,
    /// The data changed after these figures were computed, and the figures of the latest
    /// data are still being computed: the page says so.
    pub behind: bool,
}

impl std::fmt::Debug for FigureCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FigureCache")
            .field("computations", &self.computations())
            .finish_non_exhaustive()
    }
}

impl Default for FigureCache {
    /// A cache computing with the shipped content.
    fn default() -> FigureCache {
        FigureCache::new(ProjectContent::builtin())
    }
}

/// The content the analysis runs with for `depth`: for the pages, the typology without
/// its stability replicates and its latent class fit table.
fn content_for(content: &ProjectContent, depth: Depth) -> std::borrow::Cow<'_, ProjectContent> {
    match depth {
        Depth::Report | Depth::Tables => std::borrow::Cow::Borrowed(content),
        Depth::Pages => {
            let mut c = content.clone();
            c.typology.typology.bootstrap = 0;
            c.typology.typology.loo_max_networks = 0;
            c.typology.typology.lca_max_classes = 0;
            std::borrow::Cow::Owned(c)
        }
    }
}

impl FigureCache {
    /// An empty cache whose figures are computed with `content`.
    pub fn new(content: ProjectContent) -> FigureCache {
        FigureCache {
            content: Arc::new(content),
            tables: Arc::default(),
            pages: Arc::default(),
            report: Arc::default(),
            other: Mutex::new(BTreeMap::new()),
            made: AtomicU64::new(0),
            computations: AtomicU64::new(0),
            page_wait: None,
        }
    }

    /// This cache with pages waiting at most `wait` for figures of the latest data
    /// ([`FigureCache::for_page`]); `None`, the default, waits as long as they take.
    pub fn with_page_wait(mut self, wait: Option<std::time::Duration>) -> FigureCache {
        self.page_wait = wait;
        self
    }

    /// The content the figures are computed with.
    pub fn content(&self) -> &ProjectContent {
        &self.content
    }

    /// How many times figures were computed by this cache (once per change of the data and
    /// key, never once per request).
    pub fn computations(&self) -> u64 {
        self.computations.load(Ordering::Relaxed)
    }

    /// The slot of the figures on `wave` (`None`: the current waves). A slot for another
    /// choice is made on first use and dropped again when its computation fails, so only
    /// choices whose figures exist stay.
    fn slot_for(&self, depth: Depth, wave: Option<&WaveChoice>) -> Arc<Slot> {
        let Some(w) = wave else {
            return match depth {
                Depth::Tables => self.tables.clone(),
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

    /// Fresh figures of a depth deeper than [`Depth::Tables`] on `wave`, if some are cached
    /// (the pages' first): they hold the tables too.
    fn deeper(&self, generation: i64, wave: Option<&WaveChoice>) -> Option<Arc<Figures>> {
        match wave {
            None => self
                .pages
                .fresh(generation)
                .or_else(|| self.report.fresh(generation)),
            Some(w) => {
                let other = self.other.lock().unwrap_or_else(|p| p.into_inner());
                [Depth::Pages, Depth::Report].into_iter().find_map(|d| {
                    other
                        .get(&(d, w.clone()))
                        .and_then(|(_, s)| s.fresh(generation))
                })
            }
        }
    }

    /// The newest figures cached for `depth` on `wave`, however old: the slot's own and,
    /// for [`Depth::Tables`], the deeper sets', which hold the tables too.
    fn earlier(
        &self,
        depth: Depth,
        wave: Option<&WaveChoice>,
        slot: &Slot,
    ) -> Option<Arc<Figures>> {
        let mut sets = vec![slot.any()];
        if depth == Depth::Tables {
            match wave {
                None => sets.extend([self.pages.any(), self.report.any()]),
                Some(w) => {
                    let other = self.other.lock().unwrap_or_else(|p| p.into_inner());
                    sets.extend(
                        [Depth::Pages, Depth::Report]
                            .into_iter()
                            .map(|d| other.get(&(d, w.clone())).and_then(|(_, s)| s.any())),
                    );
                }
            }
        }
        sets.into_iter().flatten().max_by_key(|f| f.generation)
    }

    fn forget(&self, depth: Depth, wave: &WaveChoice) {
        let mut other = self.other.lock().unwrap_or_else(|p| p.into_inner());
        other.remove(&(depth, wave.clone()));
    }

    /// The study's figures for the data `store` holds now, on the study's current waves
    /// (`wave` `None`) or on the waves `wave` names: from the cache when nothing changed,
    /// else computed once for every request that asks meanwhile. A `wave` that names no
    /// wave fails with [`FiguresError::is_unknown_wave`].
    pub async fn current(
        self: &Arc<Self>,
        store: &Store,
        depth: Depth,
        wave: Option<&WaveChoice>,
    ) -> Result<Arc<Figures>, FiguresError> {
        let slot = self.slot_for(depth, wave);
        let generation = store.generation().await?;
        if let Some(f) = slot.fresh(generation) {
            return Ok(f);
        }
        if depth == Depth::Tables {
            // The pages' or the report's figures hold the tables too.
            if let Some(f) = self.deeper(generation, wave) {
                return Ok(f);
            }
        }
        let guard = slot.computing.clone().lock_owned().await;
        // Someone else may have computed them while this request waited.
        if let Some(f) = slot.fresh(generation) {
            return Ok(f);
        }
        let cache = self.clone();
        let store = store.clone();
        let wave = wave.cloned();
        let task = tokio::spawn(async move {
            let _guard = guard;
            let started = std::time::Instant::now();
            // Read before the data: the label is never newer than the data.
            let generation = store.generation().await?;
            let practice = practice(&store).await?;
            let content = cache.content.clone();
            let chosen = wave.clone();
            let runtime = tokio::runtime::Handle::current();
            let reader = store.clone();
            // The data are read on the blocking pool too: turning a national study's 40,000
            // stored answer sets into values takes a second of CPU, which on the runtime's
            // threads would delay every survey save meanwhile.
            let computed = tokio::task::spawn_blocking(move || {
                let data = runtime.block_on(reader.study_data())?;
                let figures = match depth {
                    Depth::Tables => {
                        leernet_analysis::analyse_tables_on(&data, &content, chosen.as_ref())?
                    }
                    Depth::Pages | Depth::Report => leernet_analysis::analyse_project_on(
                        &data,
                        &content_for(&content, depth),
                        chosen.as_ref(),
                    )?,
                };
                Ok::<_, FiguresError>(figures)
            })
            .await
            .map_err(|e| FiguresError::Stopped(e.to_string()))?;
            let figures = match computed {
                Ok(f) => Arc::new(Figures {
                    figures: f,
                    practice,
                    generation,
                    json: OnceLock::new(),
                    views: Mutex::new(Vec::new()),
                }),
                Err(e) => {
                    if let Some(w) = &wave {
                        cache.forget(depth, w);
                    }
                    return Err(e);
                }
            };
            cache.computations.fetch_add(1, Ordering::Relaxed);
            slot.publish(figures.clone());
            // Data that changed during the computation keep changing (fieldwork): pause.
            // Otherwise whoever changed something sees it on their next page.
            let moved = store.generation().await.is_ok_and(|g| g > generation);
            slot.rest(moved.then(|| started.elapsed()));
            tracing::debug!(
                generation,
                ?depth,
                ms = started.elapsed().as_millis() as u64,
                "study figures computed"
            );
            Ok(figures)
        });
        task.await
            .map_err(|e| FiguresError::Stopped(e.to_string()))?
    }
}

impl FigureCache {
    /// The study's figures for a page: [`FigureCache::current`]'s, except that a page does
    /// not wait long for figures of data that keep changing. When figures of earlier data
    /// are cached and this cache has a page wait ([`FigureCache::with_page_wait`]):
    ///
    /// - while figures of newer data are being computed already, the page gets the earlier
    ///   ones at once (during fieldwork, saves change the data many times a second, and a
    ///   computation of a national study takes most of a second: pages waiting for each
    ///   would take seconds);
    /// - when the data changed during the last computation, the page gets the earlier ones at
    ///   once too within a pause after it as long as it took, so that under constant change
    ///   the figures are computed at most half the time (each set about two computations
    ///   behind at most);
    /// - otherwise the page starts the computation and waits for it at most the page wait,
    ///   then gets the earlier figures; the computation goes on and the next page has its
    ///   figures.
    ///
    /// Either way the figures are marked [`PageFigures::behind`], and the page says so. The
    /// first figures of a study or of a wave choice are waited for, as are all figures
    /// without a page wait. Whoever just changed something sees it after the computation,
    /// which a page started by them waits for up to the page wait.
    pub async fn for_page(
        self: &Arc<Self>,
        store: &Store,
        depth: Depth,
        wave: Option<&WaveChoice>,
    ) -> Result<PageFigures, FiguresError> {
        let latest = |figures| PageFigures {
            figures,
            behind: false,
        };
        let Some(wait) = self.page_wait else {
            return self.current(store, depth, wave).await.map(latest);
        };
        let slot = self.slot_for(depth, wave);
        let generation = store.generation().await?;
        if let Some(f) = slot.fresh(generation) {
            return Ok(latest(f));
        }
        if depth == Depth::Tables {
            if let Some(f) = self.deeper(generation, wave) {
                return Ok(latest(f));
            }
        }
        let Some(earlier) = self.earlier(depth, wave, &slot) else {
            return self.current(store, depth, wave).await.map(latest);
        };
        let behind = PageFigures {
            figures: earlier,
            behind: true,
        };
        // While data keep changing, computations would follow each other back to back and
        // keep a core busy that survey saves and the pages need: after one during which the
        // data changed, a page starts the next only after a pause as long as it took.
        if slot.is_computing() || slot.is_resting() {
            return Ok(behind);
        }
        let (cache, store, chosen) = (self.clone(), store.clone(), wave.cloned());
        let mut task = tokio::spawn(async move {
            let computed = cache.current(&store, depth, chosen.as_ref()).await;
            if let Err(e) = &computed {
                tracing::warn!(error = %e, ?depth, "the study's figures could not be computed");
            }
            computed
        });
        match tokio::time::timeout(wait, &mut task).await {
            Ok(joined) => joined
                .map_err(|e| FiguresError::Stopped(e.to_string()))?
                .map(latest),
            // The computation goes on in its task and caches its figures for the next page.
            Err(_) => Ok(behind),
        }
    }
}

/// The figure caches of an installation's studies, by slug: what `leernet serve` hands to
/// both the web app and the API, so that a study's figures are computed once for both.
/// Each study's cache computes with that study's content (its `studies/<slug>/content/`
/// over the project's), made on the study's first request and kept while serving.
pub struct FigureCaches {
    content: ProjectContent,
    study_content: BTreeMap<String, ProjectContent>,
    caches: Mutex<BTreeMap<String, Arc<FigureCache>>>,
    page_wait: Option<std::time::Duration>,
}

impl std::fmt::Debug for FigureCaches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FigureCaches").finish_non_exhaustive()
    }
}

impl FigureCaches {
    /// The caches of an installation whose studies compute with `content`, or with their
    /// own in `study_content` (by slug).
    pub fn new(
        content: ProjectContent,
        study_content: BTreeMap<String, ProjectContent>,
    ) -> FigureCaches {
        FigureCaches {
            content,
            study_content,
            caches: Mutex::new(BTreeMap::new()),
            page_wait: None,
        }
    }

    /// These caches with pages waiting at most `wait` for figures of the latest data
    /// ([`FigureCache::for_page`]); `None`, the default, waits as long as they take.
    pub fn with_page_wait(mut self, wait: Option<std::time::Duration>) -> FigureCaches {
        self.page_wait = wait;
        self
    }

    /// The content of the study `slug`.
    pub fn content(&self, slug: &str) -> &ProjectContent {
        self.study_content.get(slug).unwrap_or(&self.content)
    }

    /// The figure cache of the study `slug` (made on its first request).
    pub fn of(&self, slug: &str) -> Arc<FigureCache> {
        let mut caches = self.caches.lock().unwrap_or_else(|p| p.into_inner());
        caches
            .entry(slug.to_owned())
            .or_insert_with(|| {
                Arc::new(
                    FigureCache::new(self.content(slug).clone()).with_page_wait(self.page_wait),
                )
            })
            .clone()
    }
}
