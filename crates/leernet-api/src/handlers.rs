//! The API's routes, each annotated for the OpenAPI document ([`ApiDoc`]).

use crate::problem::{ApiError, FieldProblem, Problem};
use crate::{cursor, Access, ApiState, Caller, Fail};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use leernet_app::export;
use leernet_core::{InstrumentId, NetworkId, ResponseId, ResponseStatus, WaveId};
use leernet_store::{Actor, ResponseQuery};
use leernet_xlsform::Form;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The OpenAPI 3.1 document of the API, generated from the routes below.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "leernet API",
        version = "1",
        description = "The JSON API of leernet: a study's networks, questionnaires, waves and responses, its figures, coding and workspace, for R, Python and other tools. Every request carries a personal access token (`leernet token create`) as `Authorization: Bearer`. Errors are RFC 9457 problem details. Reads carry an ETag and answer If-None-Match with 304. Each token may make 120 requests in a burst and 20 a second after it (429 with Retry-After)."
    ),
    paths(studies, study, networks, instruments, instrument, waves, responses, invite, submit_responses, crate::imports::import, crate::resources::figures, crate::resources::codebooks, crate::resources::codings, crate::resources::documents, crate::resources::document, crate::resources::sessions, crate::resources::slow_questions, crate::resources::rounds),
    components(schemas(Problem, FieldProblem, StudyOut, Titles, NetworkOut, InstrumentOut, QuestionOut, WaveOut, ResponseCounts, Fieldwork, ResponsesPage, ResponseOut, InvitationsIn, InvitationsOut, LinkOut, SubmitIn, SubmitOne, SubmitOut, crate::imports::ImportOut, crate::resources::CodebookOut, crate::resources::CodeOut, crate::resources::CodingsPage, crate::resources::CodingOut, crate::resources::DocumentOut, crate::resources::DocumentText, crate::resources::TurnOut, crate::resources::SessionOut, crate::resources::AgendaItemOut, crate::resources::SlowQuestionOut, crate::resources::RoundOut, crate::resources::TopicOut)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

type ApiResult<T> = Result<T, Fail>;

fn fail(caller: &Caller) -> impl Fn(ApiError) -> Fail + '_ {
    move |e| Fail(e, caller.lang)
}

/// A text in Dutch and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct Titles {
    pub nl: String,
    pub en: String,
}

/// A study the token's account has a role in.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudyOut {
    pub slug: String,
    pub title: Titles,
    /// `active` or `archived`.
    pub state: String,
    /// The account's role in it: `researcher`, `coordinator`, `facilitator` or `member`.
    pub role: String,
}

/// A learning network of the study.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkOut {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// The slug of its Werkplaats.
    pub workplace: String,
}

/// A question of a questionnaire.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionOut {
    /// Its name in the XLSForm (the key of its answers).
    pub name: String,
    /// The XLSForm type as written (`select_one yesno`, `integer`, …).
    #[serde(rename = "type")]
    pub kind: String,
    pub label: Titles,
}

/// A questionnaire (one stored version of an XLSForm).
#[derive(Debug, Serialize, ToSchema)]
pub struct InstrumentOut {
    pub id: i64,
    pub form_id: String,
    pub version: String,
    pub title: Titles,
    pub questions: Vec<QuestionOut>,
}

/// Responses of a wave, by status, of the networks the caller sees.
#[derive(Debug, Serialize, ToSchema, Default)]
pub struct ResponseCounts {
    pub submitted: i64,
    pub in_progress: i64,
}

/// A wave's invitations and what became of them, over the networks the caller sees (the
/// response monitor of the wave's page).
#[derive(Debug, Serialize, ToSchema, Default)]
pub struct Fieldwork {
    /// Invitation links made.
    pub invited: i64,
    /// Invitations whose respondent started.
    pub started: i64,
    /// Invitations whose respondent submitted.
    pub submitted: i64,
    /// `submitted / invited`, from 0 to 1; null without invitations.
    pub rate: Option<f64>,
}

/// A wave of a questionnaire.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaveOut {
    pub id: i64,
    pub instrument: i64,
    pub name: String,
    /// `draft`, `open` or `closed`.
    pub status: String,
    /// Every response of the wave (invited, imported or submitted through the API).
    pub responses: ResponseCounts,
    /// The invitations (the response rate).
    pub fieldwork: Fieldwork,
}

/// One response: its answers as stored (question name to the XLSForm value).
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseOut {
    pub id: i64,
    pub wave: i64,
    /// The network's slug.
    pub network: String,
    /// The respondent's key within the wave.
    pub respondent: String,
    /// `submitted` or `in_progress`.
    pub status: String,
    pub answers: BTreeMap<String, String>,
    /// With `labels=true`: the choices' labels beside the stored values of the choice
    /// questions (several choices joined by `; `), by the answer's key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, Titles>>,
}

/// A page of responses.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsesPage {
    pub responses: Vec<ResponseOut>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
    /// Whether identifying answers were left out (a facilitator's view).
    pub redacted: bool,
}

/// What `POST …/waves/{id}/invitations` is asked to make: anonymous member links.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"network": "n1", "count": 2}))]
#[serde(deny_unknown_fields)]
pub struct InvitationsIn {
    /// The network's slug.
    pub network: String,
    /// How many links (1 to 500).
    #[schema(minimum = 1, maximum = 500)]
    pub count: u32,
}

/// A personal survey link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOut {
    pub id: i64,
    pub url: String,
}

/// The links made.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationsOut {
    pub links: Vec<LinkOut>,
}

/// One response to submit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitOne {
    /// The network's slug.
    pub network: String,
    /// Question name to XLSForm value (`1`, `yes`, `2026-03-01`, a choice's name, …).
    pub answers: BTreeMap<String, String>,
}

/// Responses to submit to a wave of the questionnaire: all are stored, or none.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"wave": 1, "responses": [{"network": "n1", "answers": {"leeftijd": "40", "tevreden": "ja"}}]}))]
#[serde(deny_unknown_fields)]
pub struct SubmitIn {
    /// The wave's id (a wave of this questionnaire).
    pub wave: i64,
    #[schema(min_items = 1, max_items = 1000)]
    pub responses: Vec<SubmitOne>,
}

/// What a submission stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitOut {
    /// Responses new to the wave.
    pub added: u64,
    /// Responses the wave already had (the same answers submitted again).
    pub already: u64,
}

/// The filters and page of `GET …/responses`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResponsesQuery {
    /// Only this wave's responses (a wave id of this questionnaire).
    wave: Option<i64>,
    /// Only this network's responses (its slug).
    network: Option<String>,
    /// Only responses with this status: `submitted` or `in_progress`.
    status: Option<String>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
    /// Responses per page, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// Only responses written (stored, saved or changed) at or after this time: RFC 3339
    /// with an offset (`2026-03-01T09:00:00Z`), by the database's clock.
    updated_since: Option<String>,
    /// `true`: the choices' labels beside the stored values.
    labels: Option<bool>,
}

fn titles(b: &leernet_core::Bilingual) -> Titles {
    Titles {
        nl: b.nl.clone(),
        en: b.en.clone(),
    }
}

fn id_of(s: &str) -> Result<i64, ApiError> {
    s.parse::<i64>().map_err(|_| ApiError::NotFound)
}

/// `GET /api/v1/studies`.
#[utoipa::path(get, path = "/api/v1/studies", tag = "studies",
    responses(
        (status = 200, description = "The studies the token's account has a role in", body = [StudyOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn studies(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
) -> ApiResult<Json<Vec<StudyOut>>> {
    let f = fail(&caller);
    let roles = state
        .inst
        .roles_of(caller.token.account)
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    let all = state
        .inst
        .studies()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    Ok(Json(
        all.iter()
            .filter_map(|s| {
                let r = roles.iter().find(|r| r.study == s.id)?;
                Some(StudyOut {
                    slug: s.slug.as_str().to_owned(),
                    title: titles(&s.title),
                    state: s.state.as_str().to_owned(),
                    role: r.role.as_str().to_owned(),
                })
            })
            .collect(),
    ))
}

/// `GET /api/v1/studies/{slug}`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}", tag = "studies",
    params(("slug" = String, Path, description = "The study's slug", example = "a")),
    responses(
        (status = 200, description = "The study", body = StudyOut),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn study(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<StudyOut>> {
    let a = state.access(&caller, &slug).await.map_err(fail(&caller))?;
    Ok(Json(StudyOut {
        slug: a.study.slug.as_str().to_owned(),
        title: titles(&a.study.title),
        state: a.study.state.as_str().to_owned(),
        role: a.role.as_str().to_owned(),
    }))
}

/// `GET /api/v1/studies/{slug}/networks`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/networks", tag = "studies",
    params(("slug" = String, Path, description = "The study's slug", example = "a")),
    responses(
        (status = 200, description = "The networks the caller sees", body = [NetworkOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn networks(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<NetworkOut>>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    let workplaces = a
        .store
        .workplaces()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    Ok(Json(
        a.visible
            .iter()
            .map(|n| NetworkOut {
                id: n.id.0,
                slug: n.slug.as_str().to_owned(),
                name: n.name.clone(),
                workplace: workplaces
                    .iter()
                    .find(|w| w.id == n.workplace)
                    .map(|w| w.slug.as_str().to_owned())
                    .unwrap_or_default(),
            })
            .collect(),
    ))
}

fn instrument_out(i: &leernet_core::Instrument) -> Result<InstrumentOut, ApiError> {
    let form = Form::from_workbook(&i.workbook, &i.file_name).map_err(ApiError::internal)?;
    Ok(InstrumentOut {
        id: i.id.0,
        form_id: i.form_id.clone(),
        version: i.version.clone(),
        title: titles(&i.title),
        questions: form
            .questions()
            .map(|q| QuestionOut {
                name: q.name.clone(),
                kind: q.type_text.clone(),
                label: Titles {
                    nl: q.label.get("nl").to_owned(),
                    en: q.label.get("en").to_owned(),
                },
            })
            .collect(),
    })
}

/// `GET /api/v1/studies/{slug}/instruments`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/instruments", tag = "questionnaires",
    params(("slug" = String, Path, description = "The study's slug", example = "a")),
    responses(
        (status = 200, description = "The questionnaires, every stored version, with their questions", body = [InstrumentOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn instruments(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<InstrumentOut>>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    let all = a
        .store
        .instruments()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    let out: Result<Vec<_>, _> = all.iter().map(instrument_out).collect();
    Ok(Json(out.map_err(f)?))
}

pub(crate) async fn find_instrument(
    a: &Access,
    id: &str,
) -> Result<leernet_core::Instrument, ApiError> {
    let id = InstrumentId(id_of(id)?);
    a.store
        .instruments()
        .await
        .map_err(ApiError::internal)?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(ApiError::NotFound)
}

/// `GET /api/v1/studies/{slug}/instruments/{id}`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/instruments/{id}", tag = "questionnaires",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("id" = i64, Path, description = "The questionnaire's id", example = 1)),
    responses(
        (status = 200, description = "The questionnaire with its questions", body = InstrumentOut),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study or questionnaire, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn instrument(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> ApiResult<Json<InstrumentOut>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    let i = find_instrument(&a, &id).await.map_err(&f)?;
    Ok(Json(instrument_out(&i).map_err(f)?))
}

/// `GET /api/v1/studies/{slug}/waves`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/waves", tag = "questionnaires",
    params(("slug" = String, Path, description = "The study's slug", example = "a")),
    responses(
        (status = 200, description = "The waves, with the responses and the response rate (invited, started, submitted) of the networks the caller sees", body = [WaveOut]),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn waves(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<WaveOut>>> {
    let f = fail(&caller);
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    let waves = a
        .store
        .waves()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    let counts = a
        .store
        .response_counts()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    let seen: BTreeSet<NetworkId> = a.visible.iter().map(|n| n.id).collect();
    let mut by_wave: BTreeMap<WaveId, ResponseCounts> = BTreeMap::new();
    for (w, n, s, k) in counts {
        if !seen.contains(&n) {
            continue;
        }
        let c = by_wave.entry(w).or_default();
        let slot = match s {
            ResponseStatus::Submitted => &mut c.submitted,
            ResponseStatus::InProgress => &mut c.in_progress,
        };
        *slot = slot
            .checked_add(k)
            .ok_or_else(|| f(ApiError::internal("a response count overflowed")))?;
    }
    let mut out = Vec::with_capacity(waves.len());
    for w in &waves {
        let mut fw = Fieldwork::default();
        for row in a
            .store
            .wave_monitor(w.id)
            .await
            .map_err(|e| f(ApiError::internal(e)))?
        {
            if !seen.contains(&row.network) {
                continue;
            }
            let add = |a: i64, b: i64| {
                a.checked_add(b)
                    .ok_or_else(|| f(ApiError::internal("an invitation count overflowed")))
            };
            fw.invited = add(fw.invited, row.invited)?;
            fw.started = add(fw.started, row.started)?;
            fw.submitted = add(fw.submitted, row.submitted)?;
        }
        fw.rate = (fw.invited > 0).then(|| fw.submitted as f64 / fw.invited as f64);
        out.push(WaveOut {
            id: w.id.0,
            instrument: w.instrument.0,
            name: w.name.clone(),
            status: w.status.as_str().to_owned(),
            responses: by_wave.remove(&w.id).unwrap_or_default(),
            fieldwork: fw,
        });
    }
    Ok(Json(out))
}

/// `GET /api/v1/studies/{slug}/instruments/{id}/responses`.
#[utoipa::path(get, path = "/api/v1/studies/{slug}/instruments/{id}/responses", tag = "responses",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("id" = i64, Path, description = "The questionnaire's id", example = 1), ResponsesQuery),
    responses(
        (status = 200, description = "A page of responses, by id; a facilitator's without identifying answers", body = ResponsesPage),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A bad filter, limit, time or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, questionnaire, wave or network, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn responses(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    query: Result<Query<ResponsesQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ResponsesPage>> {
    let f = fail(&caller);
    let Query(q) = query.map_err(|_| f(ApiError::BadQuery))?;
    let a = state.access(&caller, &slug).await.map_err(&f)?;
    let inst = find_instrument(&a, &id).await.map_err(&f)?;
    let asked = match &q.network {
        Some(s) => Some(
            a.visible
                .iter()
                .find(|n| n.slug.as_str() == s)
                .map(|n| n.id)
                .ok_or(f(ApiError::NotFound))?,
        ),
        None => None,
    };
    let rights = export::rights(a.role, &a.own, asked).map_err(|_| f(ApiError::NotFound))?;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(ResponseStatus::parse(s).ok_or(f(ApiError::BadQuery))?),
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(f(ApiError::BadQuery));
    }
    let updated_since = match &q.updated_since {
        Some(t) => Some(crate::time::parse_rfc3339(t).ok_or(f(ApiError::BadTime))?),
        None => None,
    };
    let with_labels = q.labels.unwrap_or(false);
    let all_waves = a
        .store
        .waves()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    let waves: Vec<WaveId> = all_waves
        .iter()
        .filter(|w| w.instrument == inst.id)
        .filter(|w| q.wave.is_none_or(|id| w.id.0 == id))
        .map(|w| w.id)
        .collect();
    if q.wave.is_some() && waves.is_empty() {
        return Err(f(ApiError::NotFound));
    }
    let scope = format!(
        "{}|{}|{}|{:?}|{:?}|{:?}|{limit}|{updated_since:?}",
        caller.token.account.0,
        a.study.id.0,
        inst.id.0,
        q.wave,
        rights.network.map(|n| n.0),
        status.map(ResponseStatus::as_str),
    );
    let after = match &q.cursor {
        Some(c) => Some(ResponseId(
            cursor::open(&state.cursor_key, &scope, c).ok_or(f(ApiError::BadCursor))?,
        )),
        None => None,
    };
    let only: Option<Vec<NetworkId>> = rights.network.map(|n| vec![n]);
    let mut rows = a
        .store
        .responses_page(&ResponseQuery {
            waves: &waves,
            networks: only.as_deref(),
            status,
            after,
            updated_since,
            limit: limit + 1,
        })
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = match (more, rows.last()) {
        (true, Some(last)) => Some(cursor::sign(&state.cursor_key, &scope, last.id.0)),
        _ => None,
    };
    let form = if rights.redacted || with_labels {
        Some(
            Form::from_workbook(&inst.workbook, &inst.file_name)
                .map_err(|e| f(ApiError::internal(e)))?,
        )
    } else {
        None
    };
    // every response of the page is of a network the caller sees (rights say so)
    let slug_of = |id: NetworkId| {
        a.visible
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.slug.as_str().to_owned())
            .unwrap_or_default()
    };
    let responses = rows
        .into_iter()
        .map(|mut r| {
            if let (Some(form), true) = (&form, rights.redacted) {
                export::redact_answers(form, &mut r.answers);
            }
            let labels = match (&form, with_labels) {
                (Some(form), true) => Some(choice_labels(form, &r.answers)),
                _ => None,
            };
            ResponseOut {
                id: r.id.0,
                wave: r.wave.0,
                network: slug_of(r.network),
                respondent: r.respondent,
                status: r.status.as_str().to_owned(),
                answers: r.answers,
                labels,
            }
        })
        .collect();
    Ok(Json(ResponsesPage {
        responses,
        next_cursor,
        redacted: rights.redacted,
    }))
}

/// The question an answer's key belongs to: `kid[2]/age` is `age`'s.
fn question_of(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// The labels of the choices among `answers` (select one and select multiple questions
/// whose list the form holds), in Dutch and English.
fn choice_labels(form: &Form, answers: &BTreeMap<String, String>) -> BTreeMap<String, Titles> {
    let mut out = BTreeMap::new();
    for (key, value) in answers {
        let Some(q) = form.question(question_of(key)) else {
            continue;
        };
        let (list, many) = match &q.kind {
            leernet_xlsform::QuestionKind::SelectOne { list, .. } => (list, false),
            leernet_xlsform::QuestionKind::SelectMultiple { list, .. } => (list, true),
            _ => continue,
        };
        let Some(choices) = form.choices(list) else {
            continue;
        };
        let picked: Vec<&str> = if many {
            value.split_whitespace().collect()
        } else {
            vec![value.as_str()]
        };
        let mut nl = Vec::new();
        let mut en = Vec::new();
        for name in picked {
            match choices.iter().find(|c| c.name == name) {
                Some(c) => {
                    nl.push(c.label.get("nl").to_owned());
                    en.push(c.label.get("en").to_owned());
                }
                None => {
                    nl.push(name.to_owned());
                    en.push(name.to_owned());
                }
            }
        }
        out.insert(
            key.clone(),
            Titles {
                nl: nl.join("; "),
                en: en.join("; "),
            },
        );
    }
    out
}

/// `POST /api/v1/studies/{slug}/waves/{id}/invitations`.
#[utoipa::path(post, path = "/api/v1/studies/{slug}/waves/{id}/invitations", tag = "fieldwork",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("id" = i64, Path, description = "The wave's id", example = 1)),
    request_body = InvitationsIn,
    responses(
        (status = 201, description = "The links made (researchers only)", body = InvitationsOut),
        (status = 400, description = "A body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A token without the write scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The study is archived: it can be read, not changed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study or wave, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown network or a count out of range", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn invite(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    body: Result<Json<InvitationsIn>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Response> {
    let f = fail(&caller);
    let a = state.write_access(&caller, &slug).await.map_err(&f)?;
    let wave = a
        .store
        .wave(WaveId(id_of(&id).map_err(&f)?))
        .await
        .map_err(|e| f(ApiError::internal(e)))?
        .ok_or(f(ApiError::NotFound))?;
    let Json(body) = body.map_err(|r| json_rejection(&caller, &r))?;
    let mut problems = Vec::new();
    let network = a.visible.iter().find(|n| n.slug.as_str() == body.network);
    if network.is_none() {
        problems.push(FieldProblem {
            index: None,
            field: Some("network".into()),
            message: "not a network of this study".into(),
            ..FieldProblem::default()
        });
    }
    if !(1..=leernet_app::invitations::MAX_LINKS_PER_NETWORK).contains(&(body.count as usize)) {
        problems.push(FieldProblem {
            index: None,
            field: Some("count".into()),
            message: format!(
                "from 1 to {} links per request",
                leernet_app::invitations::MAX_LINKS_PER_NETWORK
            ),
            ..FieldProblem::default()
        });
    }
    let (Some(network), true) = (network, problems.is_empty()) else {
        return Err(f(ApiError::Invalid(problems)));
    };
    let made =
        leernet_app::invitations::anonymous(&a.store, wave.id, network.id, body.count as usize)
            .await
            .map_err(|e| f(ApiError::internal(e)))?;
    let base = state.public_url.clone().unwrap_or_default();
    let links = made
        .into_iter()
        .map(|(id, token)| LinkOut {
            id: id.0,
            url: format!("{base}/s/{}", token.as_str()),
        })
        .collect();
    Ok((StatusCode::CREATED, Json(InvitationsOut { links })).into_response())
}

/// A JSON body that could not be read: 415 without the JSON media type, 413 over the
/// limit, 400 otherwise (syntax, or a shape the schema does not allow).
fn json_rejection(caller: &Caller, r: &axum::extract::rejection::JsonRejection) -> Fail {
    use axum::extract::rejection::JsonRejection;
    let status = match r {
        JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    Fail(ApiError::Status(status), caller.lang)
}

/// `POST /api/v1/studies/{slug}/instruments/{id}/responses`.
#[utoipa::path(post, path = "/api/v1/studies/{slug}/instruments/{id}/responses", tag = "responses",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("id" = i64, Path, description = "The questionnaire's id", example = 1)),
    request_body = SubmitIn,
    responses(
        (status = 201, description = "Every response was checked and stored (researchers only)", body = SubmitOut),
        (status = 400, description = "A body that is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A token without the write scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The study is archived: it can be read, not changed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, questionnaire or wave, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Responses that break the questionnaire's rules: nothing was stored, every problem is listed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit_responses(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    body: Result<Json<SubmitIn>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Response> {
    let f = fail(&caller);
    let a = state.write_access(&caller, &slug).await.map_err(&f)?;
    let inst = find_instrument(&a, &id).await.map_err(&f)?;
    let Json(body) = body.map_err(|r| json_rejection(&caller, &r))?;
    let wave = a
        .store
        .wave(WaveId(body.wave))
        .await
        .map_err(|e| f(ApiError::internal(e)))?
        .filter(|w| w.instrument == inst.id)
        .ok_or(f(ApiError::NotFound))?;
    if body.responses.is_empty() || body.responses.len() > 1000 {
        return Err(f(ApiError::Invalid(vec![FieldProblem {
            index: None,
            field: Some("responses".into()),
            message: "from 1 to 1000 responses per request".into(),
            ..FieldProblem::default()
        }])));
    }
    // The responses become the rows of a CSV file that the import pipeline checks and
    // stores, so that they are checked exactly as an import is (and all or nothing).
    let columns: BTreeSet<&str> = body
        .responses
        .iter()
        .flat_map(|r| r.answers.keys().map(String::as_str))
        .filter(|k| *k != "network")
        .collect();
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    let header: Vec<&str> = std::iter::once("network")
        .chain(columns.iter().copied())
        .collect();
    w.write_record(&header)
        .map_err(|e| f(ApiError::internal(e)))?;
    for r in &body.responses {
        let row: Vec<&str> = std::iter::once(r.network.as_str())
            .chain(
                columns
                    .iter()
                    .map(|c| r.answers.get(*c).map_or("", String::as_str)),
            )
            .collect();
        w.write_record(&row).map_err(|e| f(ApiError::internal(e)))?;
    }
    let csv = w
        .into_inner()
        .map_err(|e| f(ApiError::internal(e.into_error())))?;
    let form = Form::from_workbook(&inst.workbook, &inst.file_name)
        .map_err(|e| f(ApiError::internal(e)))?;
    let source = leernet_app::import::Source {
        format: Some(leernet_io::Format::Csv),
        mapping: None,
        network_column: Some("network".into()),
        missing: None,
    };
    let opened =
        match leernet_app::import::open(form, Box::new(std::io::Cursor::new(csv)), source).await {
            Ok(o) => o,
            Err(leernet_app::import::OpenError::Problems(p)) => {
                return Err(f(ApiError::Invalid(field_problems(&p))))
            }
            Err(leernet_app::import::OpenError::Stopped) => {
                return Err(f(ApiError::internal("the check stopped")))
            }
        };
    let lookup: std::collections::HashMap<String, NetworkId> = a
        .visible
        .iter()
        .map(|n| (n.slug.as_str().to_lowercase(), n.id))
        .collect();
    let actor = Actor::Person(caller.token.account);
    let target = leernet_app::import::Target {
        instrument: wave.instrument,
        wave: &wave.name,
        networks: &lookup,
        default_network: None,
        network_column: "network",
        empty_network: "every response needs its network's slug",
        commit: Some((&actor, state.now())),
    };
    let outcome = opened
        .store(&a.store, &target, |_| {})
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    if !outcome.stored {
        let errors: Vec<_> = outcome
            .problems
            .into_iter()
            .filter(leernet_io::Problem::is_error)
            .collect();
        return Err(f(ApiError::Invalid(field_problems(&errors))));
    }
    Ok((
        StatusCode::CREATED,
        Json(SubmitOut {
            added: outcome.added,
            already: outcome.already,
        }),
    )
        .into_response())
}

/// The import's problems as the API's: the CSV's data row 2 is the request's response 0.
fn field_problems(problems: &[leernet_io::Problem]) -> Vec<FieldProblem> {
    problems
        .iter()
        .map(|p| FieldProblem {
            index: p.row.and_then(|r| r.checked_sub(2)),
            field: p.question.clone().or_else(|| p.column.clone()),
            message: p.message.clone(),
            ..FieldProblem::default()
        })
        .collect()
}
