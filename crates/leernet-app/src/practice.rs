//! The practice log: what the networks did in their workspace (sessions, attendance, agenda
//! items, slow questions, stories, rounds), read from the store as the input of the
//! practice indicators (`leernet_analysis::practice_indicators`).
//!
//! Why here: the facilitator's page and the next wave's first page (web app) and the study
//! report (`leernet report`) show the same indicators; both build their input with
//! [`practice_log`].

use leernet_analysis::practice_indicators::{
    month_of_unix, NetworkLog, PracticeLog, QuestionFact, SessionFact,
};
use leernet_core::{NetworkId, Role, SlowQuestionStatus};
use leernet_store::{Store, StoreError};

/// The workspace log of the study's networks (or of one), for the indicators: what the
/// facilitator's page and the study report show beside the survey.
pub async fn practice_log(
    store: &Store,
    only: Option<NetworkId>,
) -> Result<PracticeLog, StoreError> {
    let networks = store.networks().await?;
    let persons = store.persons().await?;
    let sessions = store.ws_sessions(only).await?;
    let questions = store.slow_question_log(only, None).await?;
    let stories = store.stories(only).await?;
    let rounds = store.rounds(only).await?;
    let mut out = PracticeLog::default();
    for n in networks.iter().filter(|n| only.is_none_or(|o| o == n.id)) {
        let log = NetworkLog {
            slug: n.slug.as_str().to_owned(),
            name: n.name.clone(),
            people: persons
                .iter()
                .filter(|p| {
                    p.networks.contains(&n.id) && matches!(p.role, Role::Facilitator | Role::Member)
                })
                .count(),
            sessions: sessions
                .iter()
                .filter(|s| s.network == n.id)
                .map(|s| SessionFact {
                    date: s.date.clone(),
                    method: s.method.clone(),
                    held: s.held,
                    present: s.attendance as usize,
                    agenda_items: s.agenda.len(),
                    member_items: s.agenda.iter().filter(|a| a.from_member).count(),
                })
                .collect(),
            questions: questions
                .iter()
                .filter(|q| q.network == n.id)
                .map(|q| QuestionFact {
                    month: month_of_unix(q.created_at),
                    followed_up: matches!(
                        q.status,
                        SlowQuestionStatus::Explored | SlowQuestionStatus::TakenToPractice
                    ),
                })
                .collect(),
            stories: stories
                .iter()
                .filter(|s| s.network == n.id)
                .map(|s| s.cycles.iter().map(|c| c.as_str().to_owned()).collect())
                .collect(),
            rounds_closed: rounds
                .iter()
                .filter(|r| r.network == n.id && !r.open)
                .count(),
        };
        let empty = log.sessions.is_empty() && log.questions.is_empty() && log.stories.is_empty();
        if only.is_some() || !empty {
            out.networks.push(log);
        }
    }
    Ok(out)
}
