//! The practice log: what the networks did in their workspace (sessions, attendance, agenda
//! items, slow questions, stories, rounds), read from the store as the input of the
//! practice indicators (`leernet_analysis::practice_indicators`).
//!
//! Why here: the facilitator's page and the next wave's first page (web app) and the study
//! report (`leernet report`) show the same indicators; both build their input with
//! [`practice_log`].
//!
//! The people a session is measured against are the network's members and facilitators *at
//! the session's date* (the membership's from/until dates, issue 19), so adding or removing
//! an account later changes no past figure. The role is today's role (roles have no dates).

use leernet_analysis::practice_indicators::{
    date_of_unix, month_of_unix, NetworkLog, PracticeLog, QuestionFact, SessionFact,
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
    let memberships = store.memberships().await?;
    // Members and facilitators of a network, with the dates (`yyyy-mm-dd`, UTC) their
    // membership began (None: from before anything was logged) and ended (None: still).
    let takes_part = |p: leernet_core::PersonId| {
        persons
            .iter()
            .any(|x| x.id == p && matches!(x.role, Role::Facilitator | Role::Member))
    };
    let spells = |network: NetworkId| -> Vec<(Option<String>, Option<String>)> {
        memberships
            .iter()
            .filter(|m| m.network == network && takes_part(m.person))
            .map(|m| (m.from.map(date_of_unix), m.until.map(date_of_unix)))
            .collect()
    };
    // The wave periods: each wave name from the day a wave of that name was first opened.
    let waves = store.waves().await?;
    let mut starts: Vec<(String, String)> = Vec::new();
    for (wave, at) in store.wave_openings().await? {
        let Some(w) = waves.iter().find(|w| w.id == wave) else {
            continue;
        };
        let day = date_of_unix(at);
        match starts.iter_mut().find(|(_, name)| *name == w.name) {
            Some(e) if day < e.0 => e.0 = day,
            Some(_) => {}
            None => starts.push((day, w.name.clone())),
        }
    }
    starts.sort();
    let mut out = PracticeLog {
        wave_starts: starts,
        ..PracticeLog::default()
    };
    for n in networks.iter().filter(|n| only.is_none_or(|o| o == n.id)) {
        let spells = spells(n.id);
        // A member on `date`: joined on or before it, and not left by then.
        let members_on = |date: &str| {
            spells
                .iter()
                .filter(|(from, until)| {
                    from.as_deref().is_none_or(|f| f <= date)
                        && until.as_deref().is_none_or(|u| u > date)
                })
                .count()
        };
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
                    // Someone present took part, whatever the dates say.
                    people: Some(members_on(&s.date).max(s.attendance.max(0) as usize)),
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
            votes: rounds
                .iter()
                .filter(|r| r.network == n.id && !r.open)
                .map(|r| {
                    let dots: i64 = r.topics.iter().map(|t| t.dots).sum();
                    (
                        date_of_unix(r.closed_at.unwrap_or(r.opened_at)),
                        usize::try_from(dots).unwrap_or(0),
                    )
                })
                .collect(),
        };
        let empty = log.sessions.is_empty() && log.questions.is_empty() && log.stories.is_empty();
        if only.is_some() || !empty {
            out.networks.push(log);
        }
    }
    Ok(out)
}

/// What the networks sent back (issue 26): every response to a profile, without the person
/// and with the names of the study's people (name and address) and networks in its sentence
/// replaced by `[…]`, so the report can quote it; and the handles each network took up.
pub async fn feedback(store: &Store) -> Result<leernet_analysis::feedback::Feedback, StoreError> {
    use leernet_analysis::feedback::{Feedback, Recognition, ResponseFact};
    use leernet_store::privacy::{name_is_searchable, replace_mentions, Mention};
    const GONE: &str = "[…]";
    let networks = store.networks().await?;
    let mut mentions: Vec<Mention> = Vec::new();
    let mut add = |needle: &str| {
        if name_is_searchable(needle) || needle.contains('@') {
            mentions.push(Mention {
                needle: needle.to_owned(),
                replacement: GONE.to_owned(),
            });
        }
    };
    for p in store.persons().await? {
        add(p.email.as_str());
        add(&p.name);
    }
    for n in &networks {
        add(&n.name);
    }
    let slug = |id: NetworkId| {
        networks
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.slug.as_str().to_owned())
    };
    let mut out = Feedback::default();
    for r in store.profile_responses(None, None).await? {
        let (Some(s), Some(verdict)) = (slug(r.network), Recognition::parse(r.verdict.as_str()))
        else {
            continue;
        };
        out.responses.push(ResponseFact {
            slug: s,
            wave: r.wave,
            verdict,
            reason: replace_mentions(&r.reason, &mentions).0,
        });
    }
    for u in store.handle_uptake(None).await? {
        if let Some(s) = slug(u.network) {
            out.uptake.push((s, u.handle));
        }
    }
    Ok(out)
}
