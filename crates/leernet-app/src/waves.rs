//! The wave a questionnaire's figures rest on (issue 19): one use case for `leernet wave
//! current` and the waves page, checked the same way and audited the same way.

use leernet_core::{Instrument, Wave, WaveChoice};
use leernet_store::{Action, Actor, AuditSubject, NewAudit, Store, StoreError};

/// Why a choice of the current wave was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum CurrentWaveError {
    /// The study has no questionnaire of that form id.
    #[error("the study has no questionnaire {form:?}; it has: {}", known.join(", "))]
    NoQuestionnaire { form: String, known: Vec<String> },
    /// The questionnaire has no wave of that name.
    #[error("questionnaire {form:?} has no wave named {name:?}; its waves are: {} (or `latest`, `all`)", names.join(", "))]
    NoWave {
        form: String,
        name: String,
        names: Vec<String>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The waves of one questionnaire (every version of its form), by name, in the order they
/// were made.
pub async fn wave_names(store: &Store, form: &str) -> Result<Vec<String>, CurrentWaveError> {
    let instruments = store.instruments().await?;
    names_of(&instruments, &store.waves().await?, form).ok_or_else(|| {
        let mut known: Vec<String> = instruments.iter().map(|i| i.form_id.clone()).collect();
        known.dedup();
        CurrentWaveError::NoQuestionnaire {
            form: form.to_owned(),
            known,
        }
    })
}

/// [`wave_names`] from instruments and waves already read; `None` when no instrument has
/// the form id `form`.
pub fn names_of(instruments: &[Instrument], waves: &[Wave], form: &str) -> Option<Vec<String>> {
    let ids: Vec<_> = instruments
        .iter()
        .filter(|i| i.form_id == form)
        .map(|i| i.id)
        .collect();
    if ids.is_empty() {
        return None;
    }
    let mut names: Vec<String> = waves
        .iter()
        .filter(|w| ids.contains(&w.instrument))
        .map(|w| w.name.clone())
        .collect();
    names.dedup();
    Some(names)
}

/// Sets the wave the figures of questionnaire `form` rest on (`None`: back to the default,
/// the latest closed wave that holds answers), after checking that the questionnaire and the
/// wave exist, and writes an audit entry (`wave.current`, the choice as its detail).
pub async fn set_current(
    store: &Store,
    form: &str,
    choice: Option<&WaveChoice>,
    actor: &Actor,
    at: i64,
) -> Result<(), CurrentWaveError> {
    let names = wave_names(store, form).await?;
    if let Some(WaveChoice::Wave(name)) = choice {
        if !names.iter().any(|n| n == name) {
            return Err(CurrentWaveError::NoWave {
                form: form.to_owned(),
                name: name.clone(),
                names,
            });
        }
    }
    store.set_current_wave(form, choice).await?;
    let instrument = store
        .instruments()
        .await?
        .into_iter()
        .filter(|i| i.form_id == form)
        .map(|i| i.id)
        .max_by_key(|id| id.0);
    store
        .audit(&NewAudit {
            at,
            actor: actor.clone(),
            action: Action::WaveCurrent,
            subject: instrument
                .map(AuditSubject::Instrument)
                .unwrap_or(AuditSubject::Project),
            detail: format!(
                "form={form} choice={}",
                choice.map(WaveChoice::as_text).unwrap_or("default")
            ),
        })
        .await?;
    Ok(())
}
