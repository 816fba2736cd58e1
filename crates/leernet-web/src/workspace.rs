//! The learning network's own workspace (`/ws/…`): sessions planned and recorded by the
//! facilitator, agenda rounds where members propose topics and spread their dots, the
//! slow-question log, value-creation stories, the practice indicators (facilitator), the
//! method library, and a person's own export, erasure and e-mail opt-ins.
//!
//! Why it exists: networks learn between survey waves; what they do week by week is logged
//! here so that the next wave, the analysis and the report start from what happened.
//!
//! Who sees what (walked by `tests/it/workspace.rs` for every route and role):
//! - facilitator and member: the workspace of their own networks only (another network
//!   answers 404, as if it did not exist); researchers and coordinators get 403: the log holds
//!   members' own words, and the study sees it only as the indicators in the report;
//! - only the facilitator plans and records sessions, opens and closes rounds, and follows
//!   questions up; only members vote; only a question's author edits it;
//! - an anonymous question shows no author to anyone but its author (also not to the
//!   facilitator);
//! - the method library is for every logged-in person.
//!
//! Every route of a network's workspace starts with `NetworkAccess` (role, network, right;
//! `access.rs`), then an action checks its form's CSRF token and reads the form as a typed
//! struct (`workspace/forms.rs`).
//!
//! Bad input is refused by the store ([`Refusal`]) before anything is written and shown
//! here in the visitor's language with 422; nothing of the request is stored.

use crate::access::{Facilitators, Members, NetworkAccess, Workspace};
use crate::auth::{User, Visitor};
use crate::form::{refill, HtmlForm};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leernet_analysis::methods::MethodLibrary;
use leernet_analysis::practice_indicators::indicators;
use leernet_core::*;
use leernet_store::workspace::*;
use leernet_store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

const WS_ROLES: &[Role] = &[Role::Facilitator, Role::Member];
const ANYONE: &[Role] = &[
    Role::Researcher,
    Role::Coordinator,
    Role::Facilitator,
    Role::Member,
];

pub(crate) mod calendar;
mod forms;
pub mod uptake;

use forms::*;

fn library() -> &'static MethodLibrary {
    static L: std::sync::OnceLock<MethodLibrary> = std::sync::OnceLock::new();
    L.get_or_init(MethodLibrary::builtin)
}

/// The text of a refusal in the visitor's language.
fn refusal_text(state: &AppState, lang: Lang, r: &Refusal) -> String {
    let t = |k: &str| state.catalog.t(lang, &format!("workspace.{k}"));
    let field = |f: &str| {
        t(match f {
            "title" => "field_title",
            "place" => "field_place",
            "report" => "field_report",
            "question" => "field_question",
            "follow-up" => "field_followup",
            "story" => "field_story",
            "agenda item" | "agenda" => "field_agenda",
            "link" => "field_link",
            "what done" => "field_what_done",
            "helped" => "field_helped_text",
            _ => "field_themes",
        })
    };
    match r {
        Refusal::Empty(f) => t("err_empty").replace("{field}", &field(f)),
        Refusal::TooLong { field: f, max } => t("err_too_long")
            .replace("{field}", &field(f))
            .replace("{max}", &max.to_string()),
        Refusal::BadDate(_) => t("err_date"),
        Refusal::BadMethod(_) => t("err_method"),
        Refusal::BadTheme(x) => t("err_theme").replace("{theme}", x),
        Refusal::NotInNetwork => t("err_not_in_network"),
        Refusal::RoundClosed => t("err_round_closed"),
        Refusal::RoundAlreadyOpen => t("err_round_open"),
        Refusal::OverAllowance { allowed, asked } => t("err_over_allowance")
            .replace("{allowed}", &allowed.to_string())
            .replace("{asked}", &asked.to_string()),
        Refusal::NegativeVotes => t("err_votes"),
        Refusal::BadAllowance => t("err_allowance"),
        Refusal::NotAuthor => t("err_not_author"),
        Refusal::NoCycle => t("err_no_cycle"),
        Refusal::BadSpan => t("err_not_in_network"),
        Refusal::BadTime(_) => t("err_time"),
        Refusal::BadLink => t("err_link"),
        Refusal::SessionClosed => t("err_session_closed"),
        Refusal::BadHelped => t("err_helped"),
    }
}

/// A refusal's message and what was posted, to show the form again as it was sent.
type Again = Option<(String, BTreeMap<String, String>)>;

/// Which page to show again with a refusal.
#[derive(Clone, Copy)]
enum View {
    Sessions,
    Session(SessionId),
    Agenda,
    Questions,
    Stories,
}

/// Answers a workspace write: 303 to `back` when stored; the page again with the message
/// (422) when refused; 404 for something of another network.
async fn answer<T>(
    state: &AppState,
    v: &Visitor,
    user: &User,
    net: &Network,
    result: WsResult<T>,
    (view, back): (View, String),
    posted: &BTreeMap<String, String>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    match result {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(WsError::Refused(Refusal::NotInNetwork)) => Err(AppError::NotFound(lang)),
        Err(WsError::Refused(r)) => {
            tracing::warn!(
                network = net.id.0,
                person = user.id.0,
                "workspace input refused"
            );
            let msg = refusal_text(state, lang, &r);
            let form = posted.clone();
            show(
                state,
                v,
                user,
                net,
                view,
                Some((msg, form)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(WsError::Store(e)) => Err(AppError::internal(lang, e)),
    }
}

async fn show(
    state: &AppState,
    v: &Visitor,
    user: &User,
    net: &Network,
    view: View,
    error: Again,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = match view {
        View::Sessions => sessions_page(state, v, user, net, error).await,
        View::Session(id) => session_page(state, v, user, net, id, error).await,
        View::Agenda => agenda_page(state, v, user, net, error).await,
        View::Questions => questions_page(state, v, user, net, error).await,
        View::Stories => stories_page(state, v, user, net, error).await,
    }?;
    let mut res = page;
    *res.status_mut() = status;
    Ok(res)
}

fn render(
    state: &AppState,
    v: &Visitor,
    name: &str,
    net: Option<&Network>,
    error: Again,
    extra: minijinja::Value,
) -> Result<Response, AppError> {
    let user = v.user.as_ref();
    crate::page::render(
        state,
        v,
        name,
        minijinja::context! {
            net => net.map(|n| minijinja::context! { slug => n.slug.as_str(), name => n.name.clone() }),
            facilitator => user.is_some_and(|u| u.role == Role::Facilitator),
            member => user.is_some_and(|u| u.role == Role::Member),
            error_text => error.as_ref().map(|e| e.0.clone()),
            posted => posted_again(error.map(|e| e.1)),
            ..extra
        },
    )
}

/// Every field a workspace form posts, so that a page shown without a refusal (or with a
/// form that left a field out) has each of them, empty.
const POSTED_FIELDS: &[&str] = &[
    "agenda",
    "anonymous",
    "date",
    "edit",
    "end",
    "link",
    "start",
    "method",
    "model",
    "online",
    "place",
    "report",
    "status",
    "text",
    "title",
];

/// What was posted, with every field of [`POSTED_FIELDS`] present.
fn posted_again(posted: Option<BTreeMap<String, String>>) -> BTreeMap<String, String> {
    let mut form = posted.unwrap_or_default();
    for k in POSTED_FIELDS {
        form.entry((*k).to_owned()).or_default();
    }
    form
}

fn method_name(key: &str, lang: Lang) -> String {
    library()
        .method(key)
        .map(|m| m.name.get(lang).to_owned())
        .unwrap_or_else(|| key.to_owned())
}

fn model_name(key: &str, lang: Lang) -> String {
    library()
        .model(key)
        .map(|m| m.name.get(lang).to_owned())
        .unwrap_or_else(|| key.to_owned())
}

fn methods_ctx(lang: Lang) -> (Vec<minijinja::Value>, Vec<minijinja::Value>) {
    let lib = library();
    let m = lib
        .methods
        .iter()
        .map(|m| minijinja::context! { key => m.key.clone(), name => m.name.get(lang).to_owned() })
        .collect();
    let i = lib
        .models
        .iter()
        .map(|m| minijinja::context! { key => m.key.clone(), name => m.name.get(lang).to_owned() })
        .collect();
    (m, i)
}

/// The people of a network (facilitators and members), by id, with their names.
async fn people(store: &Store, net: NetworkId) -> Result<Vec<Person>, AppError> {
    Ok(store
        .persons()
        .await?
        .into_iter()
        .filter(|p| p.networks.contains(&net) && matches!(p.role, Role::Facilitator | Role::Member))
        .collect())
}

/// When a session is: its date and, when set, its start and end (`2026-06-18, 19:30–21:30`).
fn when(s: &WsSession, lang: Lang) -> String {
    // the date the way people write it in the page's language (issue 18)
    let date = crate::lang::long_date_str(&s.date, lang);
    match (s.start.as_str(), s.end.as_str()) {
        ("", _) => date,
        (a, "") => format!("{date}, {a}"),
        (a, b) => format!("{date}, {a}–{b}"),
    }
}

/// A session's label in lists and choices: when it is and its method.
fn session_label(s: &WsSession, lang: Lang) -> String {
    format!("{} — {}", when(s, lang), method_name(&s.method, lang))
}

fn session_ctx(s: &WsSession, lang: Lang) -> minijinja::Value {
    minijinja::context! {
        id => s.id.0,
        date => s.date.clone(),
        start => s.start.clone(),
        end => s.end.clone(),
        when => when(s, lang),
        link => s.link.clone(),
        cancelled => s.cancelled,
        place => s.place.clone(),
        online => s.online,
        method => s.method.clone(),
        method_name => method_name(&s.method, lang),
        model => s.model.clone(),
        model_name => (!s.model.is_empty()).then(|| model_name(&s.model, lang)),
        report => s.report.clone(),
        held => s.held,
        attendance => s.attendance,
        agenda => s.agenda.iter().map(|a| minijinja::context! { title => a.title.clone(), from_member => a.from_member }).collect::<Vec<_>>(),
    }
}

pub use leernet_app::practice::practice_log;

// ---------------------------------------------------------------------------------------
// GET pages

/// `GET /ws`: the visitor's networks, each with its next session. Their own settings and
/// data are on `/ws/settings` (the person's menu), not here.
pub async fn networks(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(WS_ROLES)?;
    let today = today_local(&state);
    let sessions = state.store.ws_sessions(None).await?;
    let nets: Vec<_> = state
        .store
        .networks()
        .await?
        .into_iter()
        .filter(|n| user.networks.contains(&n.id))
        .map(|n| {
            let next = next_session(&sessions, n.id, &today).map(|s| session_ctx(s, lang));
            minijinja::context! { slug => n.slug.as_str(), name => n.name, next }
        })
        .collect();
    render(
        &state,
        &v,
        "ws_networks.html",
        None,
        None,
        minijinja::context! { networks => nets },
    )
}

/// Today's date in Europe/Amsterdam by the app's clock (`yyyy-mm-dd`).
fn today_local(state: &AppState) -> String {
    let now = chrono::DateTime::from_timestamp(state.now(), 0).unwrap_or_default();
    // The offset at this instant: +1 in winter, +2 in summer (see calendar.rs).
    let local = calendar::amsterdam_local(now);
    local.format("%Y-%m-%d").to_string()
}

/// The first planned, not cancelled session of `net` on or after `today`.
fn next_session<'a>(
    sessions: &'a [WsSession],
    net: NetworkId,
    today: &str,
) -> Option<&'a WsSession> {
    sessions
        .iter()
        .find(|s| s.network == net && !s.held && !s.cancelled && s.date.as_str() >= today)
}

/// `GET /ws/settings`: the visitor's e-mail opt-ins, calendar feed, export and erasure.
pub async fn settings(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    let user = v.require(WS_ROLES)?;
    settings_page(&state, &v, user, None, None).await
}

async fn settings_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    error: Again,
    new_feed: Option<String>,
) -> Result<Response, AppError> {
    let (on_round, on_session) = state.store.notify_prefs(user.id).await?;
    let erased = v.target.contains("erased=1");
    let saved = v.target.contains("saved=1");
    let revoked = v.target.contains("revoked=1");
    let feed = state.store.calendar_feed_made(user.id).await?.is_some();
    render(
        state,
        v,
        "ws_settings.html",
        None,
        error,
        minijinja::context! {
            on_round, on_session, erased, saved, revoked, feed, new_feed,
            mail_off => state.mailer.is_none(),
        },
    )
}

/// `GET /ws/methods`: the method library.
pub async fn methods(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(ANYONE)?;
    let entry = |m: &leernet_analysis::methods::Method| {
        minijinja::context! {
            key => m.key.clone(),
            name => m.name.get(lang).to_owned(),
            description => m.description.get(lang).to_owned(),
            steps => m.steps(lang).to_vec(),
        }
    };
    let lib = library();
    render(
        &state,
        &v,
        "ws_methods.html",
        None,
        None,
        minijinja::context! {
            methods => lib.methods.iter().map(entry).collect::<Vec<_>>(),
            models => lib.models.iter().map(entry).collect::<Vec<_>>(),
        },
    )
}

/// `GET /ws/{slug}`: the network's landing page: the next session, the open agenda round,
/// recent slow questions and stories, and a link to the network's own figures.
pub async fn home(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let lang = v.lang.lang;
    let store = &state.store;
    let today = today_local(&state);
    let sessions = store.ws_sessions(Some(net.id)).await?;
    let next = next_session(&sessions, net.id, &today).map(|s| session_ctx(s, lang));
    let later = sessions
        .iter()
        .filter(|s| !s.held && !s.cancelled && s.date.as_str() >= today.as_str())
        .count()
        .saturating_sub(1);
    // Planned sessions whose day has passed without a record: still to be recorded.
    let unrecorded: Vec<_> = sessions
        .iter()
        .filter(|s| !s.held && !s.cancelled && s.date.as_str() < today.as_str())
        .map(|s| session_ctx(s, lang))
        .collect();
    let rounds: Vec<_> = store
        .rounds(Some(net.id))
        .await?
        .into_iter()
        .filter(|r| r.open)
        .map(|r| minijinja::context! { title => r.title, topics => r.topics.len(), voters => r.voters })
        .collect();
    let questions: Vec<_> = store
        .slow_question_log(Some(net.id), Some(user.id))
        .await?
        .into_iter()
        .rev()
        .filter(|q| !q.erased)
        .take(3)
        .map(|q| minijinja::context! { id => q.id.0, text => q.text, status_key => format!("workspace.status_{}", status_str(q.status)) })
        .collect();
    let stories: Vec<_> = store
        .stories(Some(net.id))
        .await?
        .into_iter()
        .rev()
        .filter(|s| !s.erased)
        .take(3)
        .map(|s| minijinja::context! { text => s.text })
        .collect();
    let ind = indicators_ctx(&state, net.id, lang).await?;
    // The handles the network works on, by their titles in its handreiking.
    let fig = crate::pages::figures(&state, lang).await?;
    let titles: BTreeMap<&str, String> = fig
        .handles
        .catalogue
        .iter()
        .map(|h| (h.key.as_str(), h.title.get(lang).to_owned()))
        .collect();
    let handles: Vec<_> = store
        .handle_uptake(Some(net.id))
        .await?
        .into_iter()
        .filter_map(|u| {
            titles
                .get(u.handle.as_str())
                .map(|t| minijinja::context! { key => u.handle.clone(), title => t.clone() })
        })
        .collect();
    render(
        &state,
        &v,
        "ws_home.html",
        Some(&net),
        None,
        minijinja::context! { next, later, unrecorded, rounds, questions, stories, ind, handles },
    )
}

/// `GET /ws/{slug}/sessions`: the network's sessions; for the facilitator also the form to
/// plan one and the practice indicators.
pub async fn sessions(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    sessions_page(&state, &v, &user, &net, None).await
}

async fn sessions_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    net: &Network,
    error: Again,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let sessions = state.store.ws_sessions(Some(net.id)).await?;
    let planned: Vec<_> = sessions
        .iter()
        .filter(|s| !s.held)
        .map(|s| session_ctx(s, lang))
        .collect();
    let held: Vec<_> = sessions
        .iter()
        .rev()
        .filter(|s| s.held)
        .map(|s| session_ctx(s, lang))
        .collect();
    let ind = if user.role == Role::Facilitator {
        indicators_ctx(state, net.id, lang).await?
    } else {
        None
    };
    let (methods, models) = methods_ctx(lang);
    render(
        state,
        v,
        "ws_sessions.html",
        Some(net),
        error,
        minijinja::context! { planned, held, ind, methods, models },
    )
}

/// `GET /ws/{slug}/sessions/{id}`: one session; the facilitator records it here.
pub async fn session(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    session_page(&state, &v, user, &net, SessionId(id), None).await
}

async fn session_page(
    state: &AppState,
    v: &Visitor,
    _user: &User,
    net: &Network,
    id: SessionId,
    error: Again,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let Some(s) = state.store.ws_session(net.id, id).await? else {
        return Err(AppError::NotFound(lang));
    };
    let people: Vec<_> = people(&state.store, net.id)
        .await?
        .into_iter()
        .map(|p| minijinja::context! { id => p.id.0, name => p.name, present => s.present.contains(&p.id) })
        .collect();
    let (methods, models) = methods_ctx(lang);
    // The method card's steps, as the facilitator's outline of the session; an intervision
    // model's description beside them.
    let steps: Vec<String> = library()
        .method(&s.method)
        .map(|m| m.steps(lang).to_vec())
        .unwrap_or_default();
    let model_text = library()
        .model(&s.model)
        .map(|m| m.description.get(lang).to_owned());
    let erased_present = s
        .attendance
        .saturating_sub(i64::try_from(s.present.len()).unwrap_or(i64::MAX));
    render(
        state,
        v,
        "ws_session.html",
        Some(net),
        error,
        minijinja::context! { s => session_ctx(&s, lang), people, methods, models, erased_present, steps, model_text },
    )
}

/// One network's practice indicators as the template context of `ws_figures.html` (the
/// facilitator's page; the network questionnaire of the next wave): `None` when the network
/// has logged nothing. Counts and shares only, never what members wrote.
pub async fn indicators_ctx(
    state: &AppState,
    network: NetworkId,
    lang: Lang,
) -> Result<Option<minijinja::Value>, AppError> {
    let log = practice_log(&state.store, Some(network)).await?;
    let ind = indicators(&log);
    Ok(ind.networks.into_iter().next().map(|n| {
        let methods: Vec<_> = n
            .methods
            .iter()
            .map(|(k, c)| minijinja::context! { name => method_name(k, lang), count => c })
            .collect();
        let cycles: Vec<_> = n
            .cycles
            .iter()
            .map(|(k, c)| minijinja::context! { key => format!("workspace.cycle_{k}"), count => c })
            .collect();
        minijinja::context! { n => n, methods => methods, cycles => cycles }
    }))
}

/// `GET /ws/{slug}/agenda`: the open round (propose, vote; close for the facilitator) and
/// the history of rounds.
pub async fn agenda(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    agenda_page(&state, &v, user, &net, None).await
}

async fn agenda_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    net: &Network,
    error: Again,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let rounds = store.rounds(Some(net.id)).await?;
    let names: BTreeMap<PersonId, String> = people(store, net.id)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let sessions = store.ws_sessions(Some(net.id)).await?;
    let planned: Vec<_> = sessions
        .iter()
        .filter(|s| !s.held)
        .filter(|s| !s.cancelled)
        .map(|s| minijinja::context! { id => s.id.0, label => session_label(s, lang) })
        .collect();
    let session_label: BTreeMap<SessionId, String> = sessions
        .iter()
        .map(|s| (s.id, session_label(s, lang)))
        .collect();
    // After a refused vote, the dots as they were typed (`dots_<topic>`), not the stored ones.
    let typed: Option<&BTreeMap<String, String>> = error
        .as_ref()
        .map(|e| &e.1)
        .filter(|p| p.keys().any(|k| k.starts_with("dots_")));
    let mut out = Vec::new();
    for r in &rounds {
        let mine = if r.open {
            store.my_votes(r.id, user.id).await?
        } else {
            BTreeMap::new()
        };
        let shown = |id: i64| -> String {
            match typed {
                Some(p) if r.open => p.get(&format!("dots_{id}")).cloned().unwrap_or_default(),
                _ => mine.get(&id).copied().unwrap_or(0).to_string(),
            }
        };
        // Dots in use: the stored ones, or the typed ones that are counts (checked sums).
        let used: i64 = match typed {
            Some(p) if r.open => r
                .topics
                .iter()
                .filter_map(|t| p.get(&format!("dots_{}", t.id)))
                .filter_map(|v| Dots::parse(v).ok())
                .try_fold(0i64, |a, d| a.checked_add(i64::from(d.get())))
                .unwrap_or(i64::MAX),
            _ => mine
                .values()
                .try_fold(0i64, |a, d| a.checked_add(*d))
                .unwrap_or(i64::MAX),
        };
        let topics: Vec<_> = r
            .topics
            .iter()
            .map(|t| {
                minijinja::context! {
                    id => t.id,
                    title => t.title.clone(),
                    erased => t.erased,
                    proposer => t.proposer.and_then(|p| names.get(&p).cloned()),
                    from_member => t.from_member,
                    chosen => t.chosen,
                    session => t.session.and_then(|s| session_label.get(&s).cloned()),
                    dots => t.dots,
                    mine => shown(t.id),
                }
            })
            .collect();
        out.push(minijinja::context! {
            id => r.id,
            title => r.title.clone(),
            open => r.open,
            votes_per_member => r.votes_per_member,
            left => r.votes_per_member.saturating_sub(used).max(0),
            over => used.saturating_sub(r.votes_per_member).max(0),
            voters => r.voters,
            topics => topics,
        });
    }
    let has_open = rounds.iter().any(|r| r.open);
    render(
        state,
        v,
        "ws_agenda.html",
        Some(net),
        error,
        minijinja::context! { rounds => out, has_open, planned },
    )
}

/// `GET /ws/{slug}/questions`: the slow-question log.
pub async fn questions(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    questions_page(&state, &v, user, &net, None).await
}

async fn questions_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    net: &Network,
    error: Again,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let names: BTreeMap<PersonId, String> = people(store, net.id)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let sessions = store.ws_sessions(Some(net.id)).await?;
    let label: BTreeMap<SessionId, String> = sessions
        .iter()
        .map(|s| (s.id, session_label(s, lang)))
        .collect();
    let log = store.slow_question_log(Some(net.id), Some(user.id)).await?;
    let picker = ThemePicker::read(store, lang).await?;
    let qs: Vec<_> = log
        .iter()
        .rev()
        .map(|q| {
            minijinja::context! {
                id => q.id.0,
                text => q.text.clone(),
                erased => q.erased,
                anonymous => q.anonymous,
                author => if q.anonymous { None } else { q.author.and_then(|a| names.get(&a).cloned()) },
                mine => q.mine,
                from_answer => q.source.is_some(),
                session => q.session.and_then(|s| label.get(&s).cloned()),
                session_id => q.session.map(|s| s.0),
                themes => q.themes.iter().map(|k| picker.label(k)).collect::<Vec<_>>().join(", "),
                theme_keys => q.themes.clone(),
                status => status_str(q.status),
                status_key => format!("workspace.status_{}", status_str(q.status)),
                followup => q.followup.clone(),
            }
        })
        .collect();
    let sessions: Vec<_> = sessions
        .iter()
        .rev()
        .map(|s| minijinja::context! { id => s.id.0, label => label.get(&s.id).cloned() })
        .collect();
    render(
        state,
        v,
        "ws_questions.html",
        Some(net),
        error,
        minijinja::context! {
            questions => qs,
            sessions,
            statuses => ["new", "explored", "taken_to_practice", "parked"],
            themes => picker.groups(),
        },
    )
}

/// The study's codes as a person picks them: by their labels in the page's language, each
/// top code with the codes under it (issue 18: no code keys on a page).
struct ThemePicker {
    /// (key, label, parent key) of every code, sorted by label within its parent.
    codes: Vec<(String, String, Option<String>)>,
}

impl ThemePicker {
    async fn read(store: &Store, lang: Lang) -> Result<ThemePicker, AppError> {
        let mut codes: Vec<(String, String, Option<String>)> = Vec::new();
        for book in store.codebooks().await? {
            for c in &book.codes {
                if codes.iter().any(|(k, _, _)| *k == c.key) {
                    continue;
                }
                let parent = c
                    .parent
                    .and_then(|p| book.codes.iter().find(|x| x.id == p))
                    .map(|p| p.key.clone());
                codes.push((c.key.clone(), c.name.get(lang).to_owned(), parent));
            }
        }
        codes.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(ThemePicker { codes })
    }

    /// The label of `key`, or the key itself for a code no codebook has any more.
    fn label(&self, key: &str) -> String {
        self.codes
            .iter()
            .find(|(k, _, _)| k == key)
            .map_or_else(|| key.to_owned(), |(_, l, _)| l.clone())
    }

    /// Groups of choices: a top code (its own choice too) and the codes under it.
    fn groups(&self) -> Vec<minijinja::Value> {
        self.codes
            .iter()
            .filter(|(_, _, p)| match p {
                None => true,
                Some(p) => !self.codes.iter().any(|(k, _, _)| k == p),
            })
            .map(|(key, label, _)| {
                let under: Vec<_> = self
                    .codes
                    .iter()
                    .filter(|(_, _, p)| p.as_deref() == Some(key.as_str()))
                    .map(|(k, l, _)| minijinja::context! { key => k, label => l })
                    .collect();
                minijinja::context! { key => key, label => label, under => under }
            })
            .collect()
    }
}

/// The theme code keys of the study's codebooks.
async fn theme_keys(store: &Store) -> Result<Vec<String>, AppError> {
    let mut keys: Vec<String> = store
        .codebooks()
        .await?
        .into_iter()
        .flat_map(|b| b.codes.into_iter().map(|c| c.key))
        .collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// `GET /ws/{slug}/stories`: value-creation stories.
pub async fn stories(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    stories_page(&state, &v, user, &net, None).await
}

async fn stories_page(
    state: &AppState,
    v: &Visitor,
    _user: &User,
    net: &Network,
    error: Again,
) -> Result<Response, AppError> {
    let names: BTreeMap<PersonId, String> = people(&state.store, net.id)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let list: Vec<_> = state
        .store
        .stories(Some(net.id))
        .await?
        .into_iter()
        .rev()
        .map(|s| {
            minijinja::context! {
                text => s.text,
                erased => s.erased,
                author => s.author.and_then(|a| names.get(&a).cloned()),
                cycles => s.cycles.iter().map(|c| format!("workspace.cycle_{}", c.as_str())).collect::<Vec<_>>(),
            }
        })
        .collect();
    let cycles: Vec<_> = Cycle::ALL
        .iter()
        .map(|c| minijinja::context! { key => c.as_str(), label => format!("workspace.cycle_{}", c.as_str()), hint => format!("workspace.cycle_{}_hint", c.as_str()) })
        .collect();
    render(
        state,
        v,
        "ws_stories.html",
        Some(net),
        error,
        minijinja::context! { stories => list, cycles },
    )
}

/// `GET /ws/export`: everything the visitor contributed to the workspace, as JSON.
pub async fn export(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(WS_ROLES)?;
    let json = state
        .store
        .workspace_export_audited(user.id, state.now())
        .await?;
    let body = serde_json::to_string_pretty(&json).map_err(|e| AppError::internal(lang, e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"leernet-my-contributions.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------
// POST actions: each reads its form as a typed struct (`forms.rs`) and turns it into the
// values the store takes with `TryFrom`.

/// The store's answer to a write, or the refusal a form's `TryFrom` gave before it.
fn refused<T>(e: FormError, lang: Lang) -> Result<WsResult<T>, AppError> {
    match e {
        FormError::Refused(r) => Ok(Err(WsError::Refused(r))),
        FormError::Malformed => Err(AppError::BadRequest(lang)),
        FormError::Unknown => Err(AppError::NotFound(lang)),
    }
}

/// `POST /ws/{slug}/sessions` (facilitator): plans a session.
pub async fn plan(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Facilitators>,
    headers: axum::http::HeaderMap,
    HtmlForm(f): HtmlForm<PlanForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let result = match NewSession::try_from(&f) {
        Err(e) => refused(e, lang)?,
        Ok(s) => {
            state
                .store
                .plan_session(net.id, &s, Some(user.id), state.now())
                .await
        }
    };
    let back = match &result {
        Ok(id) => state.link(&format!("/ws/{}/sessions/{}", net.slug.as_str(), id.0)),
        Err(_) => String::new(),
    };
    if result.is_ok() {
        // Without a trusted address the notices wait in the outbox for `leernet notify send`.
        if let Some(base) = crate::admin::public_base(&state, &headers) {
            crate::notify::spawn_send(state.clone(), base);
        }
    }
    answer(
        &state,
        &v,
        user,
        &net,
        result,
        (View::Sessions, back),
        &refill(&f),
    )
    .await
}

/// `POST /ws/{slug}/sessions/{id}` (facilitator): records a session.
pub async fn record(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Facilitators>,
    Path((_, id)): Path<(String, i64)>,
    HtmlForm(f): HtmlForm<RecordForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let id = SessionId(id);
    let result = match SessionRecord::try_from(&f) {
        Err(e) => refused(e, lang)?,
        Ok(r) => state.store.record_session(net.id, id, &r).await,
    };
    let back = state.link(&format!("/ws/{}/sessions/{}", net.slug.as_str(), id.0));
    let view = (View::Session(id), back);
    answer(&state, &v, user, &net, result, view, &refill(&f)).await
}

/// `POST /ws/{slug}/rounds` (facilitator): opens an agenda round.
pub async fn open_round(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Facilitators>,
    headers: axum::http::HeaderMap,
    HtmlForm(f): HtmlForm<RoundForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let result = match NewRound::try_from(&f) {
        Err(e) => refused(e, lang)?,
        Ok(r) => {
            state
                .store
                .open_round(net.id, &r.title, r.votes_per_member, state.now())
                .await
        }
    };
    if result.is_ok() {
        // Without a trusted address the notices wait in the outbox for `leernet notify send`.
        if let Some(base) = crate::admin::public_base(&state, &headers) {
            crate::notify::spawn_send(state.clone(), base);
        }
    }
    let back = state.link(&format!("/ws/{}/agenda", net.slug.as_str()));
    answer(
        &state,
        &v,
        user,
        &net,
        result,
        (View::Agenda, back),
        &refill(&f),
    )
    .await
}

/// `POST /ws/{slug}/rounds/{id}/topics` (facilitator, member): proposes a topic.
pub async fn propose(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    Path((_, round)): Path<(String, i64)>,
    HtmlForm(f): HtmlForm<TopicForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    v.check_csrf(f.csrf_token.as_deref())?;
    let result = state
        .store
        .propose_topic(net.id, round, user.id, user.role == Role::Member, &f.title)
        .await;
    let back = state.link(&format!("/ws/{}/agenda", net.slug.as_str()));
    answer(
        &state,
        &v,
        user,
        &net,
        result,
        (View::Agenda, back),
        &refill(&f),
    )
    .await
}

/// `POST /ws/{slug}/rounds/{id}/votes` (member): sets the member's dots (`dots_<topic>`).
/// A refusal shows the dots again as they were typed, naming the topic with a count that is
/// no number, or the topic at which the dots went over the allowance and by how many.
pub async fn vote(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Members>,
    Path((_, round)): Path<(String, i64)>,
    HtmlForm(f): HtmlForm<VoteForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let t = |k: &str| state.catalog.t(lang, &format!("workspace.{k}"));
    let topics: Vec<(i64, String)> = state
        .store
        .rounds(Some(net.id))
        .await?
        .into_iter()
        .find(|r| r.id == round)
        .map(|r| r.topics.into_iter().map(|t| (t.id, t.title)).collect())
        .unwrap_or_default();
    let title = |id: i64| {
        topics
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(_, title)| title.clone())
    };
    let again = |msg: String| (msg, refill(&f));
    // A count that is no whole number from 0 to the maximum: said for its topic, not read as 0.
    for (k, val) in &f.fields {
        let Some(id) = k.strip_prefix("dots_").and_then(|t| t.parse::<i64>().ok()) else {
            continue;
        };
        if Dots::parse(val).is_err() {
            if let Some(topic) = title(id) {
                let msg = t("err_dots_topic")
                    .replace("{topic}", &topic)
                    .replace("{max}", &MAX_VOTES_PER_MEMBER.to_string());
                tracing::warn!(
                    network = net.id.0,
                    person = user.id.0,
                    "vote refused: not a count"
                );
                let error = Some(again(msg));
                return show(
                    &state,
                    &v,
                    user,
                    &net,
                    View::Agenda,
                    error,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    }
    let result = match Votes::try_from(&f) {
        Err(e) => refused(e, lang)?,
        Ok(Votes(dots)) => state.store.cast_votes(net.id, round, user.id, &dots).await,
    };
    if let Err(WsError::Refused(Refusal::OverAllowance { allowed, asked })) = &result {
        // The topic at which the running sum (in the page's order) passed the allowance.
        let typed: BTreeMap<i64, i64> = match Votes::try_from(&f) {
            Ok(Votes(d)) => d.into_iter().collect(),
            Err(_) => BTreeMap::new(),
        };
        let mut sum: i64 = 0;
        let mut at = None;
        for (id, _) in &topics {
            sum = sum.saturating_add(typed.get(id).copied().unwrap_or(0));
            if sum > *allowed {
                at = title(*id);
                break;
            }
        }
        let over = asked.saturating_sub(*allowed);
        let mut msg = refusal_text(
            &state,
            lang,
            &Refusal::OverAllowance {
                allowed: *allowed,
                asked: *asked,
            },
        );
        if let Some(topic) = at {
            msg.push(' ');
            msg.push_str(
                &t("err_over_topic")
                    .replace("{topic}", &topic)
                    .replace("{over}", &over.to_string()),
            );
        }
        tracing::warn!(
            network = net.id.0,
            person = user.id.0,
            "vote refused: over the allowance"
        );
        let error = Some(again(msg));
        return show(
            &state,
            &v,
            user,
            &net,
            View::Agenda,
            error,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let back = state.link(&format!("/ws/{}/agenda", net.slug.as_str()));
    answer(
        &state,
        &v,
        user,
        &net,
        result,
        (View::Agenda, back),
        &refill(&f),
    )
    .await
}

/// `GET /static/ws-votes.js`: updates "votes left" while a member types their dots (the
/// server checks them again on submit, so the page works without it).
pub async fn votes_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/ws-votes.js"),
    )
        .into_response()
}

/// `POST /ws/{slug}/rounds/{id}/close` (facilitator): closes a round, scheduling each topic
/// given a session (`session_<topic>`).
pub async fn close(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Facilitators>,
    Path((_, round)): Path<(String, i64)>,
    HtmlForm(f): HtmlForm<CloseForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let result = match Schedule::try_from(&f) {
        Err(e) => refused(e, lang)?,
        Ok(Schedule(schedule)) => {
            state
                .store
                .close_round(net.id, round, &schedule, state.now())
                .await
        }
    };
    let back = state.link(&format!("/ws/{}/agenda", net.slug.as_str()));
    answer(
        &state,
        &v,
        user,
        &net,
        result,
        (View::Agenda, back),
        &refill(&f),
    )
    .await
}

/// Refuses theme keys that are not codes of the study's codebooks (when it has any).
async fn check_themes(store: &Store, list: &[String]) -> Result<Option<Refusal>, AppError> {
    let known = theme_keys(store).await?;
    if known.is_empty() {
        return Ok(None);
    }
    Ok(list
        .iter()
        .find(|t| !known.contains(t))
        .map(|t| Refusal::BadTheme(t.chars().take(40).collect())))
}

/// `POST /ws/{slug}/questions` (facilitator, member): brings in a slow question.
pub async fn ask(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    HtmlForm(f): HtmlForm<AskForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let asked = Asked::try_from(&f);
    let list: Vec<String> = f.themes.iter().flat_map(|t| forms::themes(t)).collect();
    let result = match (check_themes(&state.store, &list).await?, asked) {
        (Some(r), _) => Err(WsError::Refused(r)),
        (None, Err(e)) => refused(e, lang)?,
        (None, Ok(a)) => {
            let q = NewSlowQuestion {
                network: net.id,
                text: a.text,
                author: Some(user.id),
                anonymous: a.anonymous,
                session: a.session,
                themes: a.themes,
            };
            state.store.add_slow_question(&q, state.now()).await
        }
    };
    let back = state.link(&format!("/ws/{}/questions", net.slug.as_str()));
    let view = (View::Questions, back);
    answer(&state, &v, user, &net, result, view, &refill(&f)).await
}

/// `POST /ws/{slug}/questions/{id}` (its author): edits a slow question.
pub async fn edit_question(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    Path((_, id)): Path<(String, i64)>,
    HtmlForm(f): HtmlForm<EditForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let list: Vec<String> = f.themes.iter().flat_map(|t| forms::themes(t)).collect();
    let result = match check_themes(&state.store, &list).await? {
        Some(r) => Err(WsError::Refused(r)),
        None => {
            state
                .store
                .edit_slow_question(net.id, SlowQuestionId(id), user.id, &f.text, &list)
                .await
        }
    };
    if matches!(result, Err(WsError::Refused(Refusal::NotAuthor))) {
        return Err(AppError::Forbidden(lang));
    }
    let back = state.link(&format!("/ws/{}/questions", net.slug.as_str()));
    let view = (View::Questions, back);
    answer(&state, &v, user, &net, result, view, &refill(&f)).await
}

/// `POST /ws/{slug}/questions/{id}/follow-up` (facilitator): status, notes, session.
pub async fn follow_up(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Facilitators>,
    Path((_, id)): Path<(String, i64)>,
    HtmlForm(f): HtmlForm<FollowUpForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let result = match FollowUp::try_from(&f) {
        Err(e) => refused(e, lang)?,
        Ok(u) => {
            state
                .store
                .follow_up_slow_question(net.id, SlowQuestionId(id), u.status, &u.notes, u.session)
                .await
        }
    };
    let back = state.link(&format!("/ws/{}/questions", net.slug.as_str()));
    let view = (View::Questions, back);
    answer(&state, &v, user, &net, result, view, &refill(&f)).await
}

/// `POST /ws/{slug}/stories` (facilitator, member): records a value-creation story.
pub async fn tell(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    HtmlForm(f): HtmlForm<StoryForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    v.check_csrf(f.csrf_token.as_deref())?;
    let result = state
        .store
        .add_story(net.id, user.id, &f.text, &f.cycles(), state.now())
        .await;
    let back = state.link(&format!("/ws/{}/stories", net.slug.as_str()));
    answer(
        &state,
        &v,
        user,
        &net,
        result,
        (View::Stories, back),
        &refill(&f),
    )
    .await
}

/// `POST /ws/notify` (facilitator, member): the e-mail opt-ins.
pub async fn notify(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    HtmlForm(f): HtmlForm<NotifyForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(WS_ROLES)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    state
        .store
        .set_notify(user.id, !f.on_round.is_empty(), !f.on_session.is_empty())
        .await?;
    // The messages are written in the language of the page the opt-ins were set on.
    state.store.set_notify_lang(user.id, lang).await?;
    Ok(Redirect::to(&state.link("/ws/settings?saved=1")).into_response())
}

/// `POST /ws/erase` (facilitator, member): erases the visitor's own contributions, after
/// they ticked the confirmation.
pub async fn erase(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    HtmlForm(f): HtmlForm<EraseForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(WS_ROLES)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    if f.confirm != "yes" {
        let msg = state.catalog.t(lang, "workspace.err_confirm");
        let mut res = settings_page(&state, &v, user, Some((msg, BTreeMap::new())), None).await?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let e = state
        .store
        .workspace_erase_audited(user.id, state.now())
        .await?;
    tracing::info!(
        person = user.id.0,
        questions = e.slow_questions,
        stories = e.stories,
        "contributions erased on request"
    );
    Ok(Redirect::to(&state.link("/ws/settings?erased=1")).into_response())
}

// ---------------------------------------------------------------------------------------
// Sessions as meetings: changes, cancellation and calendars.

/// `POST /ws/{slug}/sessions/{id}/details` (facilitator): changes a planned session's date,
/// times, place, link or method; calendars take the change over (SEQUENCE).
pub async fn reschedule(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Facilitators>,
    Path((_, id)): Path<(String, i64)>,
    HtmlForm(f): HtmlForm<PlanForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let lang = v.lang.lang;
    v.check_csrf(f.csrf_token.as_deref())?;
    let id = SessionId(id);
    let result = match NewSession::try_from(&f) {
        Err(e) => refused(e, lang)?,
        Ok(s) => state.store.reschedule_session(net.id, id, &s).await,
    };
    let back = state.link(&format!("/ws/{}/sessions/{}", net.slug.as_str(), id.0));
    let view = (View::Session(id), back);
    answer(&state, &v, &user, &net, result, view, &refill(&f)).await
}

/// `POST /ws/{slug}/sessions/{id}/cancel` (facilitator): cancels a planned session.
pub async fn cancel(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Facilitators>,
    Path((_, id)): Path<(String, i64)>,
    HtmlForm(f): HtmlForm<TopicForm>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    v.check_csrf(f.csrf_token.as_deref())?;
    let id = SessionId(id);
    let result = state.store.cancel_session(net.id, id).await;
    let back = state.link(&format!("/ws/{}/sessions/{}", net.slug.as_str(), id.0));
    let view = (View::Session(id), back);
    answer(&state, &v, &user, &net, result, view, &refill(&f)).await
}

/// The calendar text of a session in `lang`: the network and method as the summary, the
/// agenda and the page's address as the description.
fn event_text(
    state: &AppState,
    s: &WsSession,
    net: &Network,
    lang: Lang,
    public: Option<&str>,
) -> calendar::EventText {
    let t = |k: &str| state.catalog.t(lang, &format!("workspace.{k}"));
    let page = public.map(|b| {
        format!(
            "{b}{}",
            state.link(&format!("/ws/{}/sessions/{}", net.slug.as_str(), s.id.0))
        )
    });
    let mut description = String::new();
    if s.cancelled {
        description.push_str(&t("is_cancelled"));
        description.push('\n');
    }
    if !s.agenda.is_empty() {
        description.push_str(&t("agenda_items"));
        description.push_str(":\n");
        for a in &s.agenda {
            description.push_str("- ");
            description.push_str(&a.title);
            description.push('\n');
        }
    }
    if !s.link.is_empty() {
        description.push_str(&format!("{}: {}\n", t("link"), s.link));
    }
    if let Some(p) = &page {
        description.push_str(p);
    }
    calendar::EventText {
        summary: format!("{}: {}", net.name, method_name(&s.method, lang)),
        description: description.trim_end().to_owned(),
        page,
    }
}

fn ics_response(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// `GET /ws/{slug}/sessions/{id}/calendar.ics` (facilitator, member): one session as an
/// iCalendar file; a cancelled one as `METHOD:CANCEL`.
pub async fn session_ics(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
    headers: axum::http::HeaderMap,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (v, _user, net) = access.into_parts();
    let lang = v.lang.lang;
    let Some(s) = state.store.ws_session(net.id, SessionId(id)).await? else {
        return Err(AppError::NotFound(lang));
    };
    let public = crate::admin::public_base(&state, &headers);
    let text = event_text(&state, &s, &net, lang, public.as_deref());
    let e = calendar::event(&s, &net, &state.base, &text, state.now());
    let body = calendar::calendar(&text.summary, vec![e], s.cancelled);
    Ok(ics_response(
        body,
        &format!("{}-{}.ics", net.slug.as_str(), s.date),
    ))
}

/// The SHA-256 of a feed secret, as stored.
fn feed_hash(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// `GET /ws/calendar/{secret}.ics` (anyone with the link): the sessions of the networks of
/// the person whose feed it is. A wrong or revoked secret is a 404.
pub async fn feed(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    headers: axum::http::HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let secret = file.strip_suffix(".ics").unwrap_or("");
    if !crate::auth::is_issued_token(secret) {
        return Err(AppError::NotFound(lang));
    }
    let Some(person) = state.store.calendar_feed_person(&feed_hash(secret)).await? else {
        return Err(AppError::NotFound(lang));
    };
    let Some(p) = state
        .store
        .persons()
        .await?
        .into_iter()
        .find(|p| p.id == person && matches!(p.role, Role::Facilitator | Role::Member))
    else {
        return Err(AppError::NotFound(lang));
    };
    let public = crate::admin::public_base(&state, &headers);
    let nets: BTreeMap<NetworkId, Network> = state
        .store
        .networks()
        .await?
        .into_iter()
        .filter(|n| p.networks.contains(&n.id))
        .map(|n| (n.id, n))
        .collect();
    let now = state.now();
    let events = state
        .store
        .ws_sessions(None)
        .await?
        .iter()
        .filter_map(|s| {
            let net = nets.get(&s.network)?;
            let text = event_text(&state, s, net, lang, public.as_deref());
            Some(calendar::event(s, net, &state.base, &text, now))
        })
        .collect();
    let name = state.catalog.t(lang, "workspace.title");
    tracing::debug!(person = person.0, "calendar feed read");
    Ok(ics_response(
        calendar::calendar(&name, events, false),
        "leernet.ics",
    ))
}

/// `POST /ws/calendar` (facilitator, member): makes the visitor a new private feed link,
/// replacing the old one (which stops working). The link is shown once.
pub async fn renew_feed(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    headers: axum::http::HeaderMap,
    HtmlForm(f): HtmlForm<TopicForm>,
) -> Result<Response, AppError> {
    let user = v.require(WS_ROLES)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let secret = crate::auth::random_hex();
    state
        .store
        .renew_calendar_feed(user.id, &feed_hash(&secret), state.now())
        .await?;
    tracing::info!(person = user.id.0, "calendar feed renewed");
    let base = crate::admin::public_base(&state, &headers).unwrap_or_default();
    let link = format!(
        "{base}{}",
        state.link(&format!("/ws/calendar/{secret}.ics"))
    );
    settings_page(&state, &v, user, None, Some(link)).await
}

/// `POST /ws/calendar/revoke` (facilitator, member): ends the visitor's feed.
pub async fn revoke_feed(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    HtmlForm(f): HtmlForm<TopicForm>,
) -> Result<Response, AppError> {
    let user = v.require(WS_ROLES)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    state.store.revoke_calendar_feed(user.id).await?;
    tracing::info!(person = user.id.0, "calendar feed revoked");
    Ok(Redirect::to(&state.link("/ws/settings?revoked=1")).into_response())
}
