//! The study's figures for the pages: `leernet-app`'s figure cache
//! (`leernet_app::figures`), which the app shares with the JSON API when `leernet serve`
//! runs both (one computation per change of the data, wave choice and depth, for both), and
//! the figures' form for the templates.
//!
//! Why a module here still: the templates read a few parts of the figures (`f.counts`,
//! `f.sections`, `f.scales`, `f.workplaces`, `f.waves`) as a template value, converted once
//! per computed set ([`page_value`], kept with the figures by `Figures::view`), not the whole
//! figures, whose networks, profiles and handreikingen are most of a national study's
//! figures and are handed to a template only as the part a page shows.

use crate::AppState;
use leernet_core::WaveChoice;
use std::sync::Arc;

pub(crate) use leernet_app::figures::{Depth, Figures, PageFigures};

/// What the page templates read of the figures, as a template value.
struct PageValue(minijinja::Value);

/// The template value of `fig` (`f` in the templates), converted once per computed set.
pub(crate) fn page_value(fig: &Figures) -> minijinja::Value {
    fig.view(|f| {
        PageValue(minijinja::context! {
            counts => minijinja::Value::from_serialize(&f.counts),
            sections => minijinja::Value::from_serialize(&f.sections),
            scales => minijinja::Value::from_serialize(&f.scales),
            workplaces => minijinja::Value::from_serialize(&f.workplaces),
            waves => minijinja::Value::from_serialize(&f.waves),
        })
    })
    .0
    .clone()
}

/// The study's figures for the data the store holds now, on the study's current waves
/// (`wave` `None`) or on the waves `wave` names: from the cache when nothing changed, else
/// computed once for every request that asks meanwhile (the API's requests included).
pub(crate) async fn current(
    state: &Arc<AppState>,
    depth: Depth,
    wave: Option<&WaveChoice>,
) -> Result<Arc<Figures>, leernet_app::figures::FiguresError> {
    state.figures.current(&state.store, depth, wave).await
}

/// The study's figures for a page of figures: [`current`]'s, or, while figures of newer
/// data are being computed, those of slightly earlier data, marked as such
/// (`leernet_app::figures::FigureCache::for_page`); the page then says so.
pub(crate) async fn for_page(
    state: &Arc<AppState>,
    depth: Depth,
    wave: Option<&WaveChoice>,
) -> Result<PageFigures, leernet_app::figures::FiguresError> {
    state.figures.for_page(&state.store, depth, wave).await
}
