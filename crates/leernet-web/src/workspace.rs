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

mod forms;

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
    }
}

/// A refusal's message and what was posted, to show the form again as it was sent.
type Again = Option<(String, BTreeMap<String, String>)>;

/// Which page to show again with a refusal.
#[derive(Clone, Copy)]
enum View {
    Home,
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
        View::Home => home_page(state, v, user, net, error).await,
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

fn session_ctx(s: &WsSession, lang: Lang) -> minijinja::Value {
    minijinja::context! {
        id => s.id.0,
        date => s.date.clone(),
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

/// `GET /ws`: the visitor's networks, their e-mail opt-ins, their own export and erasure.
pub async fn networks(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    let user = v.require(WS_ROLES)?;
    networks_page(&state, &v, user, None).await
}

async fn networks_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    error: Again,
) -> Result<Response, AppError> {
    let nets: Vec<_> = state
        .store
        .networks()
        .await?
        .into_iter()
        .filter(|n| user.networks.contains(&n.id))
        .map(|n| minijinja::context! { slug => n.slug.as_str(), name => n.name })
        .collect();
    let (on_round, on_session) = state.store.notify_prefs(user.id).await?;
    let erased = v.target.contains("erased=1");
    let saved = v.target.contains("saved=1");
    render(
        state,
        v,
        "ws_networks.html",
        None,
        error,
        minijinja::context! { networks => nets, on_round, on_session, erased, saved, mail_off => state.mailer.is_none() },
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

/// `GET /ws/{slug}`: the network's sessions; for the facilitator also the form to plan one
/// and the practice indicators.
pub async fn home(
    State(state): State<Arc<AppState>>,
    access: NetworkAccess<Workspace>,
) -> Result<Response, AppError> {
    let (v, user, net) = access.into_parts();
    let user = &user;
    home_page(&state, &v, user, &net, None).await
}

async fn home_page(
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
        "ws_home.html",
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
    render(
        state,
        v,
        "ws_session.html",
        Some(net),
        error,
        minijinja::context! { s => session_ctx(&s, lang), people, methods, models, erased_present => s.attendance - s.present.len() as i64 },
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
        .map(|s| minijinja::context! { id => s.id.0, label => format!("{} — {}", s.date, method_name(&s.method, lang)) })
        .collect();
    let session_label: BTreeMap<SessionId, String> = sessions
        .iter()
        .map(|s| {
            (
                s.id,
                format!("{} — {}", s.date, method_name(&s.method, lang)),
            )
        })
        .collect();
    let mut out = Vec::new();
    for r in &rounds {
        let mine = if r.open {
            store.my_votes(r.id, user.id).await?
        } else {
            BTreeMap::new()
        };
        let used: i64 = mine.values().sum();
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
                    mine => mine.get(&t.id).copied().unwrap_or(0),
                }
            })
            .collect();
        out.push(minijinja::context! {
            id => r.id,
            title => r.title.clone(),
            open => r.open,
            votes_per_member => r.votes_per_member,
            left => r.votes_per_member - used,
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
        .map(|s| {
            (
                s.id,
                format!("{} — {}", s.date, method_name(&s.method, lang)),
            )
        })
        .collect();
    let log = store.slow_question_log(Some(net.id), Some(user.id)).await?;
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
                themes => q.themes.join(", "),
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
    let codes = theme_keys(store).await?;
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
            codes => codes.join(", "),
        },
    )
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
        (View::Home, back),
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
    let result = match Votes::try_from(&f) {
        Err(e) => refused(e, lang)?,
        Ok(Votes(dots)) => state.store.cast_votes(net.id, round, user.id, &dots).await,
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
    let list = forms::themes(&f.themes);
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
    let list = forms::themes(&f.themes);
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
    Ok(Redirect::to(&state.link("/ws?saved=1")).into_response())
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
        let mut res = networks_page(&state, &v, user, Some((msg, BTreeMap::new()))).await?;
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
    Ok(Redirect::to(&state.link("/ws?erased=1")).into_response())
}
