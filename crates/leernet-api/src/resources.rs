//! The study's resources beyond fieldwork: the figures (`leernet analyse --json`, cached per
//! data generation), the coding (codebooks with their codes, codings, documents) and a
//! network's workspace (sessions, slow questions, agenda rounds).
//!
//! Who sees what is the web app's rule, decided here once per resource:
//! - the figures: researchers (what the report preview and `leernet analyse` show: every
//!   network's rows, the datasets and the quotes); others 404;
//! - the coding: researchers only, as the coding pages (`leernet-web/src/coding`); others 404;
//! - a network's workspace: its own facilitators and members (`NetworkAccess<Workspace>` in
//!   the web app); researchers and coordinators do not see a workspace, so for them, as for
//!   another network's people, the network does not exist (404). An anonymous slow
//!   question never names its author, and no author or proposer is named at all: a
//!   question says only whether the caller brought it in.

use crate::problem::{ApiError, Problem};
use crate::{cursor, Access, ApiState, Caller, Fail};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use leernet_core::{DocumentId, Network, PersonId, Role};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

use crate::handlers::Titles;

type ApiResult<T> = Result<T, Fail>;

fn fail(caller: &Caller) -> impl Fn(ApiError) -> Fail + '_ {
    move |e| Fail(e, caller.lang)
}

fn titles(b: &leernet_core::Bilingual) -> Titles {
    Titles {
        nl: b.nl.clone(),
        en: b.en.clone(),
    }
}

fn researcher(a: &Access) -> Result<(), ApiError> {
    if a.role == Role::Researcher {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// The most codings on one page.
const MAX_CODINGS_PAGE: u32 = 5000;

// ---------------------------------------------------------------------------------------
// Figures

/// The longest `wave` the figures take (a wave's name, `latest`, `all`); a longer one is 400.
const MAX_WAVE_CHARS: usize = 200;

/// The query of the figures.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The waves the figures rest on, as `leernet analyse --wave` takes them: a wave's name
    /// (every questionnaire that has a wave of that name; the others keep their current
    /// wave), `latest` (per network the latest wave it answered in) or `all` (every wave's
    /// answers together). Absent or empty: the study's current waves. The JSON's `waves`
    /// names the choice, and per questionnaire the waves and the n they rest on.
    #[param(example = "latest", max_length = 200)]
    pub wave: Option<String>,
}

impl FiguresQuery {
    /// The choice (`None`: the study's current waves); 400 for one too long to be a wave.
    fn choice(&self) -> Result<Option<leernet_core::WaveChoice>, ApiError> {
        let Some(w) = self
            .wave
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
        else {
            return Ok(None);
        };
        if w.len() > MAX_WAVE_CHARS * 4 || w.chars().count() > MAX_WAVE_CHARS {
            return Err(ApiError::BadQuery);
        }
        Ok(Some(leernet_core::WaveChoice::parse(w)))
    }
}

/// `GET /api/v1/studies/{slug}/figures`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/figures", tag = "figures",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), FiguresQuery),
    responses(
        (status = 200, description = "Every figure of the study, as `leernet analyse --json [--wave W]` writes it (with n, source and method; the workspace's practice indicators under `practice`; under `waves` the choice (`chosen`) and per questionnaire the waves and the n the figures rest on (`bases`: `waves`, `responses`, `networks`)); researchers only", content_type = "application/json", body = Object),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A `wave` that names no wave of the study (the problem's detail names the study's waves)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or not yours to see", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn figures(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path(slug): Path<String>,
    query: Result<Query<FiguresQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    researcher(&a).map_err(&f)?;
    let Query(q) = query.map_err(|_| f(ApiError::BadQuery))?;
    let wave = q.choice().map_err(&f)?;
    let cache = state.figure_cache(&a.study);
    let figures = cache
        .current(&a.store, leernet_app::figures::Depth::Report, wave.as_ref())
        .await
        .map_err(|e| match e {
            leernet_app::figures::FiguresError::Analysis(
                leernet_analysis::AnalysisError::UnknownWave { known, .. },
            ) => f(ApiError::UnknownWave(known)),
            e => f(ApiError::internal(e)),
        })?;
    let json = figures.json().map_err(|e| f(ApiError::internal(e)))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json.as_str().to_owned(),
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------
// Coding

/// A code of a codebook.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeOut {
    pub id: i64,
    /// Its stable key (`theme.collaboration`).
    pub key: String,
    /// The id of the code it sits under.
    pub parent: Option<i64>,
    pub name: Titles,
    pub description: Titles,
    /// When the code applies.
    pub inclusion: Titles,
    /// When it does not, although it may seem to.
    pub exclusion: Titles,
    /// Example quotes, one per line.
    pub examples: Titles,
    /// `#RRGGBB`, when it has one.
    pub colour: Option<String>,
}

/// A codebook with its current codes.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodebookOut {
    pub id: i64,
    pub name: String,
    /// Goes up by one with every logged change of its codes.
    pub version: i64,
    pub codes: Vec<CodeOut>,
}

/// `GET /api/v1/studies/{slug}/codebooks`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/codebooks", tag = "coding",
    params(("slug" = String, Path, description = "The study's slug", example = "a")),
    responses(
        (status = 200, description = "The codebooks with their codes (researchers only)", body = [CodebookOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or not yours to see", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn codebooks(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<CodebookOut>>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    researcher(&a).map_err(&f)?;
    let books = a
        .store
        .codebooks()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    Ok(Json(
        books
            .into_iter()
            .map(|b| CodebookOut {
                id: b.id.0,
                name: b.name,
                version: b.version,
                codes: b
                    .codes
                    .iter()
                    .map(|c| CodeOut {
                        id: c.id.0,
                        key: c.key.clone(),
                        parent: c.parent.map(|p| p.0),
                        name: titles(&c.name),
                        description: titles(&c.description),
                        inclusion: titles(&c.inclusion),
                        exclusion: titles(&c.exclusion),
                        examples: titles(&c.examples),
                        colour: c.colour.as_ref().map(|c| c.as_str().to_owned()),
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// A code applied to a span of an open answer, or of a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodingOut {
    /// `answer` or `document`, with the id (`answer-12`, `document-3`): unique in the list.
    pub id: String,
    pub code: i64,
    /// The coder's account id.
    pub coder: i64,
    /// The response coded (an open answer's coding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<i64>,
    /// The question whose answer was coded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The document coded (a document's coding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<i64>,
    /// The span `[start, end)`, in Unicode code points.
    pub start: usize,
    pub end: usize,
    pub memo: String,
}

/// A page of codings.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodingsPage {
    pub codings: Vec<CodingOut>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// The page of `GET …/codings`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
    /// Codings per page, 1 to 5000 (default 1000).
    #[param(minimum = 1, maximum = 5000)]
    limit: Option<u32>,
}

/// `GET /api/v1/studies/{slug}/codings`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/codings", tag = "coding",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), PageQuery),
    responses(
        (status = 200, description = "The study's codings of open answers, then of documents (researchers only), paged", body = CodingsPage),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or not yours to see", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn codings(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path(slug): Path<String>,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<CodingsPage>> {
    let f = fail(&caller);
    let Query(q) = query.map_err(|_| f(ApiError::BadQuery))?;
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    researcher(&a).map_err(&f)?;
    let limit = q.limit.unwrap_or(1000);
    if !(1..=MAX_CODINGS_PAGE).contains(&limit) {
        return Err(f(ApiError::BadQuery));
    }
    let scope = format!(
        "codings|{}|{}|{limit}",
        caller.token.account.0, a.study.id.0
    );
    let after = match &q.cursor {
        Some(c) => Some(cursor::open(&state.cursor_key, &scope, c).ok_or(f(ApiError::BadCursor))?),
        None => None,
    };
    // Answers' codings by id, then documents' by id: one position in that order.
    let answers = visible_codings(&a, caller.token.account)
        .await
        .map_err(&f)?;
    let documents = a
        .store
        .document_codings(None)
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    let mut all: Vec<(i64, CodingOut)> = Vec::with_capacity(answers.len() + documents.len());
    let mut pos: i64 = 0;
    for c in answers {
        pos += 1;
        all.push((
            pos,
            CodingOut {
                id: format!("answer-{}", c.id.0),
                code: c.code.0,
                coder: c.coder.0,
                response: Some(c.segment.response.0),
                question: Some(c.segment.question),
                document: None,
                start: c.segment.start,
                end: c.segment.end,
                memo: c.memo,
            },
        ));
    }
    for c in documents {
        pos += 1;
        all.push((
            pos,
            CodingOut {
                id: format!("document-{}", c.id.0),
                code: c.code.0,
                coder: c.coder.0,
                response: None,
                question: None,
                document: Some(c.span.document.0),
                start: c.span.start,
                end: c.span.end,
                memo: c.memo,
            },
        ));
    }
    let start = after.unwrap_or(0);
    let mut page: Vec<(i64, CodingOut)> = all
        .into_iter()
        .filter(|(p, _)| *p > start)
        .take(limit as usize + 1)
        .collect();
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    let next_cursor = match (more, page.last()) {
        (true, Some((p, _))) => Some(cursor::sign(&state.cursor_key, &scope, *p)),
        _ => None,
    };
    Ok(Json(CodingsPage {
        codings: page.into_iter().map(|(_, c)| c).collect(),
        next_cursor,
    }))
}

/// The coders' own codings of open answers the caller may read, by id, as the coding pages
/// decide: every coding outside an assignment; of an assignment, only for its lead and
/// coders — while it is open a coder's own only (blind coding), once every coder finished
/// all of them. Other researchers see nothing of an assignment.
async fn visible_codings(a: &Access, me: PersonId) -> Result<Vec<leernet_core::Coding>, ApiError> {
    let all = a.store.codings().await.map_err(ApiError::internal)?;
    let mut hidden = std::collections::BTreeSet::new();
    let mut own_only = std::collections::BTreeSet::new();
    for asg in a.store.assignments().await.map_err(ApiError::internal)? {
        let theirs = asg.lead == me || asg.is_coder(me);
        let of_it = a
            .store
            .assignment_codings(asg.id, None)
            .await
            .map_err(ApiError::internal)?;
        for c in of_it {
            if !theirs {
                hidden.insert(c.id);
            } else if !asg.all_finished() {
                own_only.insert(c.id);
            }
        }
    }
    Ok(all
        .into_iter()
        .filter(|c| !hidden.contains(&c.id))
        .filter(|c| !own_only.contains(&c.id) || c.coder == me)
        .collect())
}

/// A document of the study (an interview, focus group, session report, policy document).
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    pub id: i64,
    pub title: String,
    /// `interview`, `focus_group`, `session_report`, `policy_document` or `other`.
    pub kind: String,
    /// The network's slug, when it is a network's.
    pub network: Option<String>,
    /// The wave's id, when it is of a wave.
    pub wave: Option<i64>,
    /// `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    /// The length of its text in Unicode code points.
    pub chars: usize,
}

/// A speaker's turn in a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct TurnOut {
    pub speaker: String,
    /// `[start, end)` in code points.
    pub start: usize,
    pub end: usize,
}

/// A document with its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentText {
    #[serde(flatten)]
    pub info: DocumentOut,
    pub text: String,
    pub turns: Vec<TurnOut>,
}

fn document_out(d: &leernet_core::DocumentInfo, networks: &[Network]) -> DocumentOut {
    DocumentOut {
        id: d.id.0,
        title: d.title.clone(),
        kind: d.kind.as_str().to_owned(),
        network: d.network.and_then(|id| {
            networks
                .iter()
                .find(|n| n.id == id)
                .map(|n| n.slug.as_str().to_owned())
        }),
        wave: d.wave.map(|w| w.0),
        date: d.date.clone(),
        chars: d.chars,
    }
}

/// `GET /api/v1/studies/{slug}/documents`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/documents", tag = "coding",
    params(("slug" = String, Path, description = "The study's slug", example = "a")),
    responses(
        (status = 200, description = "The study's documents, without their text (researchers only)", body = [DocumentOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or not yours to see", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn documents(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<DocumentOut>>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    researcher(&a).map_err(&f)?;
    let docs = a
        .store
        .documents()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    Ok(Json(
        docs.iter().map(|d| document_out(d, &a.visible)).collect(),
    ))
}

/// `GET /api/v1/studies/{slug}/documents/{id}`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/documents/{id}", tag = "coding",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("id" = i64, Path, description = "The document's id", example = 1)),
    responses(
        (status = 200, description = "The document with its text and speaker turns (researchers only)", body = DocumentText),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study or document, or not yours to see", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn document(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> ApiResult<Json<DocumentText>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    researcher(&a).map_err(&f)?;
    let id = id.parse::<i64>().map_err(|_| f(ApiError::NotFound))?;
    let d = a
        .store
        .document(DocumentId(id))
        .await
        .map_err(|e| f(ApiError::internal(e)))?
        .ok_or(f(ApiError::NotFound))?;
    Ok(Json(DocumentText {
        info: document_out(&d.info, &a.visible),
        turns: d
            .turns
            .iter()
            .map(|t| TurnOut {
                speaker: t.speaker.clone(),
                start: t.start,
                end: t.end,
            })
            .collect(),
        text: d.text,
    }))
}

// ---------------------------------------------------------------------------------------
// The workspace

/// The network of the path when the caller has its workspace (a facilitator or member of
/// it); 404 otherwise, as for a network that does not exist.
fn workspace_network(a: &Access, slug: &str) -> Result<Network, ApiError> {
    if !matches!(a.role, Role::Facilitator | Role::Member) {
        return Err(ApiError::NotFound);
    }
    a.visible
        .iter()
        .find(|n| n.slug.as_str() == slug && a.own.contains(&n.id))
        .cloned()
        .ok_or(ApiError::NotFound)
}

/// An item a session treated.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaItemOut {
    pub title: String,
    /// Whether a member brought it in (through an agenda round).
    pub from_member: bool,
}

/// A session of a network.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub id: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub place: String,
    pub online: bool,
    /// The working method's key in the method library.
    pub method: String,
    /// The intervision model's key, when the method has one.
    pub model: String,
    /// Whether it was held (recorded), else planned.
    pub held: bool,
    /// The facilitator's report (held sessions).
    pub report: String,
    pub agenda: Vec<AgendaItemOut>,
    /// How many were present.
    pub attendance: i64,
}

/// `GET /api/v1/studies/{slug}/networks/{network}/sessions`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/networks/{network}/sessions", tag = "workspace",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("network" = String, Path, description = "The network's slug", example = "n1")),
    responses(
        (status = 200, description = "The network's sessions, planned and held (its facilitators and members only)", body = [SessionOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study or network, or not your workspace", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sessions(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, network)): Path<(String, String)>,
) -> ApiResult<Json<Vec<SessionOut>>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    let net = workspace_network(&a, &network).map_err(&f)?;
    let sessions = a
        .store
        .ws_sessions(Some(net.id))
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionOut {
                id: s.id.0,
                date: s.date,
                place: s.place,
                online: s.online,
                method: s.method,
                model: s.model,
                held: s.held,
                report: s.report,
                agenda: s
                    .agenda
                    .into_iter()
                    .map(|i| AgendaItemOut {
                        title: i.title,
                        from_member: i.from_member,
                    })
                    .collect(),
                attendance: s.attendance,
            })
            .collect(),
    ))
}

/// A slow question of a network's log.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlowQuestionOut {
    pub id: i64,
    pub text: String,
    /// Brought in anonymously (nobody sees who, the facilitator included).
    pub anonymous: bool,
    /// Whether the token's account brought it in.
    pub mine: bool,
    /// The session it was brought into.
    pub session: Option<i64>,
    pub themes: Vec<String>,
    /// `new`, `explored`, `taken_to_practice` or `parked`.
    pub status: String,
    /// What was done with it.
    pub followup: String,
    /// When it was brought in (RFC 3339, UTC).
    pub created_at: String,
}

/// `GET /api/v1/studies/{slug}/networks/{network}/slow-questions`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/networks/{network}/slow-questions", tag = "workspace",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("network" = String, Path, description = "The network's slug", example = "n1")),
    responses(
        (status = 200, description = "The network's slow-question log (its facilitators and members only; no author named)", body = [SlowQuestionOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study or network, or not your workspace", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn slow_questions(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, network)): Path<(String, String)>,
) -> ApiResult<Json<Vec<SlowQuestionOut>>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    let net = workspace_network(&a, &network).map_err(&f)?;
    let me: PersonId = caller.token.account;
    let log = a
        .store
        .slow_question_log(Some(net.id), Some(me))
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    Ok(Json(
        log.into_iter()
            .filter(|q| !q.erased)
            .map(|q| SlowQuestionOut {
                id: q.id.0,
                text: q.text,
                anonymous: q.anonymous,
                mine: q.mine,
                session: q.session.map(|s| s.0),
                themes: q.themes,
                status: leernet_store::workspace::status_str(q.status).to_owned(),
                followup: q.followup,
                created_at: crate::time::rfc3339(q.created_at),
            })
            .collect(),
    ))
}

/// A topic of an agenda round.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicOut {
    pub id: i64,
    pub title: String,
    /// Whether a member proposed it (else the facilitator).
    pub from_member: bool,
    /// The dots it got.
    pub dots: i64,
    /// Chosen for a session when the round closed.
    pub chosen: bool,
    /// The session it was put on.
    pub session: Option<i64>,
}

/// An agenda round of a network.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundOut {
    pub id: i64,
    pub title: String,
    /// The dots each member may spread.
    pub votes_per_member: i64,
    pub open: bool,
    /// RFC 3339, UTC.
    pub opened_at: String,
    pub closed_at: Option<String>,
    /// How many people voted.
    pub voters: i64,
    pub topics: Vec<TopicOut>,
}

/// `GET /api/v1/studies/{slug}/networks/{network}/rounds`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/networks/{network}/rounds", tag = "workspace",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("network" = String, Path, description = "The network's slug", example = "n1")),
    responses(
        (status = 200, description = "The network's agenda rounds with their topics (its facilitators and members only)", body = [RoundOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study or network, or not your workspace", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn rounds(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, network)): Path<(String, String)>,
) -> ApiResult<Json<Vec<RoundOut>>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    let net = workspace_network(&a, &network).map_err(&f)?;
    let rounds = a
        .store
        .rounds(Some(net.id))
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    Ok(Json(
        rounds
            .into_iter()
            .map(|r| RoundOut {
                id: r.id,
                title: r.title,
                votes_per_member: r.votes_per_member,
                open: r.open,
                opened_at: crate::time::rfc3339(r.opened_at),
                closed_at: r.closed_at.map(crate::time::rfc3339),
                voters: r.voters,
                topics: r
                    .topics
                    .into_iter()
                    .filter(|t| !t.erased)
                    .map(|t| TopicOut {
                        id: t.id,
                        title: t.title,
                        from_member: t.from_member,
                        dots: t.dots,
                        chosen: t.chosen,
                        session: t.session.map(|s| s.0),
                    })
                    .collect(),
            })
            .collect(),
    ))
}
