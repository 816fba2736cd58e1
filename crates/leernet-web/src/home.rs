//! The researcher's home (`/my`, issue 18, item 4): what is going on in the study and what
//! needs them, each one click from its page — the open waves with their response rates,
//! coding still to do, imports and exports lately (from the audit log), and what needs
//! attention (a wave with a low response rate, workspace e-mail the mail server has not
//! taken, a coding assignment nobody has started). Other roles keep their own `/my`.
//!
//! Computed on each view from the store; bounded by what the study holds (waves,
//! assignments) and by the last [`RECENT`] entries of the audit log's import and export
//! actions.

use crate::auth::User;
use crate::{AppError, AppState};
use leernet_core::{Lang, WaveStatus};
use leernet_store::{Action, AuditSubject};
use std::collections::BTreeMap;

/// How many imports and exports the home lists.
const RECENT: usize = 5;
/// An open wave with at least this many invitations and a response rate under
/// [`LOW_RATE_PERCENT`] needs attention.
const LOW_RATE_MIN_INVITED: i64 = 10;
const LOW_RATE_PERCENT: i64 = 30;
/// Workspace e-mail still unsent this long after it was queued (seconds) needs attention.
const MAIL_STUCK_SECONDS: i64 = 3_600;

/// The home's context for a researcher.
pub(crate) async fn researcher_home(
    state: &AppState,
    lang: Lang,
    user: &User,
) -> Result<minijinja::Value, AppError> {
    let store = &state.store;
    let t = state.catalog.table(lang);
    let say = |k: &str| t.get(k).cloned().unwrap_or_default();
    let now = state.now();
    let instruments: BTreeMap<_, _> = store
        .instruments()
        .await?
        .into_iter()
        .map(|i| (i.id, i.title.get(lang).to_owned()))
        .collect();
    let waves = store.waves().await?;
    let mut attention = Vec::new();
    let mut open_waves = Vec::new();
    for w in waves.iter().filter(|w| w.status == WaveStatus::Open) {
        let (mut invited, mut submitted) = (0i64, 0i64);
        for m in store.wave_monitor(w.id).await? {
            invited = invited.saturating_add(m.invited);
            submitted = submitted.saturating_add(m.submitted);
        }
        let rate = (invited > 0).then(|| 100 * submitted / invited);
        let href = format!("/admin/waves/{}", w.id.0);
        if invited >= LOW_RATE_MIN_INVITED && rate.is_some_and(|r| r < LOW_RATE_PERCENT) {
            attention.push(minijinja::context! {
                text => say("waves2.home_low_rate")
                    .replace("{wave}", &w.name)
                    .replace("{rate}", &rate.unwrap_or(0).to_string()),
                href => href.clone(),
            });
        }
        open_waves.push(minijinja::context! {
            name => w.name.clone(),
            instrument => instruments.get(&w.instrument).cloned().unwrap_or_default(),
            invited => invited,
            submitted => submitted,
            rate => rate.map(|r| format!("{r}%")).unwrap_or_else(|| "–".to_owned()),
            href => href,
        });
    }
    // coding: the assignments not finished by every coder, the visitor's own part first
    let mut coding = Vec::new();
    for a in store.assignments().await? {
        if a.all_finished() {
            continue;
        }
        let finished = a.coders.iter().filter(|c| c.finished_at.is_some()).count();
        let mine = a.is_coder(user.id) && !a.has_finished(user.id);
        let href = format!("/coding/assignments/{}", a.id.0);
        if finished == 0 && store.assignment_codings(a.id, None).await?.is_empty() {
            attention.push(minijinja::context! {
                text => say("waves2.home_not_started").replace("{name}", &a.name),
                href => href.clone(),
            });
        }
        coding.push(minijinja::context! {
            name => a.name.clone(),
            mine => mine,
            finished => finished,
            coders => a.coders.len(),
            answers => a.items.len(),
            href => href,
        });
    }
    let stuck = store
        .outbox_unsent()
        .await?
        .iter()
        .filter(|m| now.saturating_sub(m.created_at) >= MAIL_STUCK_SECONDS)
        .count();
    if stuck > 0 {
        attention.push(minijinja::context! {
            text => say("waves2.home_mail_stuck").replace("{n}", &stuck.to_string()),
            href => "/admin/audit".to_owned(),
        });
    }
    // imports and exports lately, newest first
    let wave_names: BTreeMap<_, _> = waves.iter().map(|w| (w.id, w.name.clone())).collect();
    let kinds = [
        (Action::ResponsesImport, "/admin/import"),
        (Action::ResponsesExport, "/admin/export"),
        (Action::CodingExport, "/coding"),
    ];
    let recent: Vec<_> = store
        .audit_log()
        .await?
        .into_iter()
        .rev()
        .filter_map(|e| {
            let (action, href) = kinds.iter().find(|(a, _)| a.as_str() == e.action)?;
            let wave = match &e.subject {
                AuditSubject::Wave(w) => wave_names.get(w).cloned(),
                _ => None,
            };
            Some(minijinja::context! {
                at => crate::lang::local_date_time(e.at, lang),
                what => say(&format!("audit.action_{}", action.as_str().replace('.', "_"))),
                wave => wave,
                href => (*href).to_owned(),
            })
        })
        .take(RECENT)
        .collect();
    Ok(minijinja::context! {
        waves => open_waves,
        coding => coding,
        recent => recent,
        attention => attention,
    })
}
