//! Coding open answers in the browser: assignments (blind double coding), the coder's queue,
//! one answer with the respondent's closed answers beside it, codings by selection, by
//! offsets or of the whole answer, auto-coding suggestions to accept or reject, slow-question
//! candidates to confirm, the lead's disagreements and consensus, agreement figures, the
//! slow-question register and full-text search.
//!
//! Who sees what: only researchers reach these pages (others 403, strangers the login page).
//! An assignment is seen by its lead and its coders only (other researchers 404). While an
//! assignment is open a coder sees only their own codings; the lead sees the coders' codings
//! side by side only when every coder finished (before that: 409 with a message). Every
//! refusal of the store (`leernet_store::Refusal`) comes back as a message on the page, and
//! nothing is stored. Answers are never logged.

use crate::auth::{now, User, Visitor};
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use leernet_analysis::coding_agreement::{self, CodingAgreement, Coefficients};
use leernet_core::*;
use leernet_store::{
    Assignment, AssignmentId, CodeFields, NewAssignment, Refusal, SlowStatus, SpanCode,
    SuggestionDecision,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const RESEARCHER: &[Role] = &[Role::Researcher];
/// The longest reason or memo accepted.
const MAX_NOTE: usize = 2000;

type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, key: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn fields_all<'a>(f: &'a Fields, key: &str) -> Vec<&'a str> {
    f.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The message key and status of a refusal.
fn refusal(r: &Refusal) -> (&'static str, StatusCode) {
    match r {
        Refusal::NoAssignment | Refusal::NotACoder | Refusal::NotInAssignment => {
            ("coding_ui.err_not_found", StatusCode::NOT_FOUND)
        }
        Refusal::NotTheLead => ("coding_ui.err_not_lead", StatusCode::FORBIDDEN),
        Refusal::Finished => ("coding_ui.err_finished", StatusCode::CONFLICT),
        Refusal::AlreadyFinished => ("coding_ui.err_already_finished", StatusCode::CONFLICT),
        Refusal::NotAllFinished => ("coding_ui.err_not_all_finished", StatusCode::CONFLICT),
        Refusal::UnknownCode => (
            "coding_ui.err_unknown_code",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Refusal::OutsideText { .. } => ("coding_ui.err_outside", StatusCode::UNPROCESSABLE_ENTITY),
        Refusal::NoCoding => ("coding_ui.err_no_coding", StatusCode::NOT_FOUND),
        Refusal::Incomplete => ("coding_ui.err_incomplete", StatusCode::UNPROCESSABLE_ENTITY),
        Refusal::NoReason => ("coding_ui.err_no_reason", StatusCode::UNPROCESSABLE_ENTITY),
        Refusal::DuplicateCode => ("coding_ui.err_duplicate_code", StatusCode::CONFLICT),
        Refusal::NoSlowQuestion => ("coding_ui.err_not_found", StatusCode::NOT_FOUND),
        Refusal::NotConfirmed => ("coding_ui.err_not_confirmed", StatusCode::CONFLICT),
        Refusal::AlreadyMoved => ("coding_ui.err_already_moved", StatusCode::CONFLICT),
        Refusal::Unchanged => (
            "codebook_fields.err_unchanged",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// The static script: selection to offsets, keyboard shortcuts.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/coding.js"),
    )
        .into_response()
}

/// Unix seconds as a UTC date and time (`2026-11-28 19:40 UTC`).
fn utc(at: i64) -> String {
    let days = at.div_euclid(86_400);
    let secs = at.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}

/// The part of `text` between code points `start` and `end`.
fn fragment(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// Open questions: text questions of the stored instruments that have a submitted answer.
async fn open_questions(state: &AppState, lang: Lang) -> Result<Vec<(String, String)>, AppError> {
    let store = &state.store;
    let responses = store.responses(None).await?;
    let waves = store.waves().await?;
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_instruments = BTreeSet::new();
    for w in &waves {
        if !seen_instruments.insert(w.instrument) {
            continue;
        }
        let form = state
            .form(w.instrument)
            .await
            .map_err(|e| AppError::internal(lang, e))?;
        for q in form.questions() {
            if !matches!(q.kind, leernet_xlsform::QuestionKind::Text) {
                continue;
            }
            let answered = responses.iter().any(|r| {
                r.status == ResponseStatus::Submitted
                    && r.answers.get(&q.name).is_some_and(|t| !t.trim().is_empty())
            });
            if answered {
                let label = q.label.get(lang.code());
                out.entry(q.name.clone()).or_insert_with(|| {
                    if label.is_empty() {
                        q.name.clone()
                    } else {
                        format!("{} ({})", label, q.name)
                    }
                });
            }
        }
    }
    Ok(out.into_iter().collect())
}

fn person_names(persons: &[Person]) -> BTreeMap<PersonId, String> {
    persons.iter().map(|p| (p.id, p.name.clone())).collect()
}

/// `GET /coding`: the researcher's assignments (as coder and as lead) and the form to make
/// one.
pub async fn index(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    index_page(&state, &v, user, None, StatusCode::OK).await
}

async fn index_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let persons = store.persons().await?;
    let names = person_names(&persons);
    let mut mine = Vec::new();
    let mut led = Vec::new();
    for a in store.assignments().await? {
        let row = minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            question => a.question.clone(),
            answers => a.items.len(),
            finished => a.has_finished(user.id),
            all_finished => a.all_finished(),
            coders => a.coders.iter().map(|c| minijinja::context! {
                name => names.get(&c.coder).cloned().unwrap_or_default(),
                finished => c.finished_at.is_some(),
            }).collect::<Vec<_>>(),
        };
        if a.is_coder(user.id) {
            mine.push(row.clone());
        }
        if a.lead == user.id {
            led.push(row);
        }
    }
    let researchers: Vec<_> = persons
        .iter()
        .filter(|p| p.role == Role::Researcher)
        .map(
            |p| minijinja::context! { id => p.id.0, name => p.name.clone(), me => p.id == user.id },
        )
        .collect();
    let books: Vec<_> = store
        .codebooks()
        .await?
        .into_iter()
        .map(|b| minijinja::context! { id => b.id.0, name => b.name })
        .collect();
    let waves: Vec<_> = store
        .waves()
        .await?
        .into_iter()
        .map(|w| minijinja::context! { id => w.id.0, name => w.name })
        .collect();
    let questions: Vec<_> = open_questions(state, lang)
        .await?
        .into_iter()
        .map(|(name, label)| minijinja::context! { name => name, label => label })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "coding_index.html",
        minijinja::context! {
            mine => mine,
            led => led,
            researchers => researchers,
            books => books,
            waves => waves,
            questions => questions,
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /coding/assignments`: a new assignment of every submitted, non-empty answer to one
/// question (of one wave, or of all) for the coders chosen; the maker is its lead.
pub async fn create(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    v.check_csrf(field(&f, "csrf_token"))?;
    let store = &state.store;
    let name = field(&f, "name").unwrap_or("").trim().to_owned();
    let question = field(&f, "question").unwrap_or("").trim().to_owned();
    let book = field(&f, "codebook").and_then(|s| s.parse::<i64>().ok());
    let wave = field(&f, "wave")
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse::<i64>().ok());
    let researchers: BTreeSet<PersonId> = store
        .persons()
        .await?
        .into_iter()
        .filter(|p| p.role == Role::Researcher)
        .map(|p| p.id)
        .collect();
    let mut coders = Vec::new();
    for c in fields_all(&f, "coder") {
        match c.parse::<i64>().ok().map(PersonId) {
            Some(p) if researchers.contains(&p) => coders.push(p),
            _ => {
                return index_page(
                    &state,
                    &v,
                    user,
                    Some("coding_ui.err_coders"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        }
    }
    let books = store.codebooks().await?;
    let Some(book) = book.and_then(|b| books.iter().find(|x| x.id.0 == b)) else {
        return index_page(
            &state,
            &v,
            user,
            Some("coding_ui.err_codebook"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if name.chars().count() > 100 {
        return index_page(
            &state,
            &v,
            user,
            Some("coding_ui.err_incomplete"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let responses: Vec<ResponseId> = store
        .responses(wave.map(WaveId))
        .await?
        .into_iter()
        .filter(|r| {
            r.status == ResponseStatus::Submitted
                && r.answers
                    .get(&question)
                    .is_some_and(|t| !t.trim().is_empty())
        })
        .map(|r| r.id)
        .collect();
    let new = NewAssignment {
        name,
        question,
        codebook: book.id,
        lead: user.id,
        coders,
        responses,
        at: now(),
    };
    match store.add_assignment(&new).await? {
        Ok(id) => Ok(Redirect::to(&format!("/coding/assignments/{}", id.0)).into_response()),
        Err(r) => {
            let (key, status) = refusal(&r);
            let (key, status) = if status == StatusCode::NOT_FOUND {
                ("coding_ui.err_incomplete", StatusCode::UNPROCESSABLE_ENTITY)
            } else {
                (key, status)
            };
            index_page(&state, &v, user, Some(key), status).await
        }
    }
}

/// The assignment, when the user is its lead or one of its coders; otherwise 404.
async fn visible_assignment(
    state: &AppState,
    user: &User,
    id: i64,
    lang: Lang,
) -> Result<Assignment, AppError> {
    match state.store.assignment(AssignmentId(id)).await? {
        Some(a) if a.lead == user.id || a.is_coder(user.id) => Ok(a),
        _ => Err(AppError::NotFound(lang)),
    }
}

/// `GET /coding/assignments/{id}`: the coder's queue (their own codings only) and, for the
/// lead, how far every coder is and the decisions log.
pub async fn assignment(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    assignment_page(&state, &v, user, id, None, StatusCode::OK).await
}

async fn assignment_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let a = visible_assignment(state, user, id, lang).await?;
    let names = person_names(&store.persons().await?);
    let responses: BTreeMap<ResponseId, leernet_core::Response> = store
        .responses(None)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let networks: BTreeMap<NetworkId, String> = store
        .networks()
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let coder = a.is_coder(user.id);
    let own = if coder {
        store.assignment_codings(a.id, Some(user.id)).await?
    } else {
        Vec::new()
    };
    let items: Vec<_> = a
        .items
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let resp = responses.get(r);
            let text = resp
                .and_then(|x| x.answers.get(&a.question))
                .cloned()
                .unwrap_or_default();
            let preview: String = text.chars().take(90).collect();
            minijinja::context! {
                pos => i + 1,
                network => resp.and_then(|x| networks.get(&x.network)).cloned().unwrap_or_default(),
                preview => if text.chars().count() > 90 { format!("{preview}…") } else { preview },
                codings => own.iter().filter(|c| c.segment.response == *r).count(),
            }
        })
        .collect();
    let lead = a.lead == user.id;
    let log: Vec<_> = if lead {
        store
            .coding_decisions(Some(a.id))
            .await?
            .into_iter()
            .map(|d| {
                minijinja::context! {
                    at => utc(d.at),
                    who => names.get(&d.person).cloned().unwrap_or_default(),
                    kind => d.kind,
                    what => d.what,
                    why => d.why,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut res = crate::page::render(
        state,
        v,
        "coding_assignment.html",
        minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            question => a.question.clone(),
            coder => coder,
            lead => lead,
            finished => a.has_finished(user.id),
            all_finished => a.all_finished(),
            items => items,
            coders => a.coders.iter().map(|c| minijinja::context! {
                name => names.get(&c.coder).cloned().unwrap_or_default(),
                finished => c.finished_at.is_some(),
            }).collect::<Vec<_>>(),
            log => log,
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// The response at queue position `pos` (1-based) of an assignment.
fn item_at(a: &Assignment, pos: usize, lang: Lang) -> Result<ResponseId, AppError> {
    pos.checked_sub(1)
        .and_then(|i| a.items.get(i))
        .copied()
        .ok_or(AppError::NotFound(lang))
}

/// `GET /coding/assignments/{id}/answers/{pos}`: one answer for its coder.
pub async fn answer(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    answer_page(&state, &v, user, id, pos, None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn answer_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    pos: usize,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let code_lang = lang.code();
    let store = &state.store;
    let a = visible_assignment(state, user, id, lang).await?;
    if !a.is_coder(user.id) {
        return Err(AppError::NotFound(lang));
    }
    let rid = item_at(&a, pos, lang)?;
    let resp = store
        .responses(None)
        .await?
        .into_iter()
        .find(|r| r.id == rid)
        .ok_or(AppError::NotFound(lang))?;
    let text = resp.answers.get(&a.question).cloned().unwrap_or_default();
    let wave = store
        .wave(resp.wave)
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let form = state
        .form(wave.instrument)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let network = store
        .networks()
        .await?
        .into_iter()
        .find(|n| n.id == resp.network)
        .map(|n| n.name)
        .unwrap_or_default();
    // The respondent's closed answers, with labels.
    let mut closed = Vec::new();
    for q in form.questions() {
        let Some(list) = q.kind.list() else { continue };
        let Some(val) = resp.answers.get(&q.name) else {
            continue;
        };
        let choices = form.choices(list).unwrap_or(&[]);
        let shown = val
            .split_whitespace()
            .map(|c| {
                choices
                    .iter()
                    .find(|x| x.name == c)
                    .map(|x| x.label.get(code_lang).to_owned())
                    .unwrap_or_else(|| c.to_owned())
            })
            .collect::<Vec<_>>()
            .join("; ");
        let label = q.label.get(code_lang);
        closed.push(minijinja::context! {
            label => if label.is_empty() { q.name.clone() } else { label.to_owned() },
            value => shown,
        });
    }
    let book = store
        .codebooks()
        .await?
        .into_iter()
        .find(|b| b.id == a.codebook)
        .ok_or(AppError::NotFound(lang))?;
    let by_id: BTreeMap<CodeId, &Code> = book.codes.iter().map(|c| (c.id, c)).collect();
    let by_key: BTreeMap<&str, &Code> = book.codes.iter().map(|c| (c.key.as_str(), c)).collect();
    let own: Vec<Coding> = store
        .assignment_codings(a.id, Some(user.id))
        .await?
        .into_iter()
        .filter(|c| c.segment.response == rid)
        .collect();
    let open = !a.has_finished(user.id);
    let codings: Vec<_> = own
        .iter()
        .map(|c| {
            minijinja::context! {
                id => c.id.0,
                code => by_id.get(&c.code).map(|x| x.name.get(lang).to_owned()).unwrap_or_default(),
                key => by_id.get(&c.code).map(|x| x.key.clone()).unwrap_or_default(),
                colour => by_id.get(&c.code).and_then(|x| x.colour.as_ref()).map(|x| x.as_str().to_owned()),
                start => c.segment.start,
                end => c.segment.end,
                text => fragment(&text, c.segment.start, c.segment.end),
                memo => c.memo.clone(),
            }
        })
        .collect();
    // Suggestions not yet decided and not already coded the same.
    let decided: BTreeSet<(CodeId, usize, usize)> = store
        .suggestion_decisions(a.id, user.id)
        .await?
        .into_iter()
        .filter(|d| d.response == rid)
        .map(|d| (d.code, d.start, d.end))
        .collect();
    let coded: BTreeSet<(CodeId, usize, usize)> = own
        .iter()
        .map(|c| (c.code, c.segment.start, c.segment.end))
        .collect();
    let coder = leernet_text::AutoCoder::new(&state.content.autocode);
    let mut suggestions = Vec::new();
    for s in coder.suggest(Some(&a.question), &text) {
        let Some(code) = by_key.get(s.code.as_str()) else {
            continue;
        };
        let k = (code.id, s.span.start, s.span.end);
        if decided.contains(&k) || coded.contains(&k) {
            continue;
        }
        suggestions.push(minijinja::context! {
            code_id => code.id.0,
            code => code.name.get(lang).to_owned(),
            key => code.key.clone(),
            start => s.span.start,
            end => s.span.end,
            text => fragment(&text, s.span.start, s.span.end),
            rule => s.rule.pattern.clone(),
        });
    }
    // Slow-question candidates with their verdict in the register.
    let register: BTreeMap<(usize, usize), SlowStatus> = store
        .slow_question_register(Some(resp.network))
        .await?
        .into_iter()
        .filter(|c| c.response == rid && c.question == a.question)
        .map(|c| ((c.start, c.end), c.status))
        .collect();
    let slow: Vec<_> = leernet_text::SlowLexicon::default()
        .hints(&text)
        .into_iter()
        .map(|h| {
            minijinja::context! {
                start => h.span.start,
                end => h.span.end,
                text => h.sentence,
                status => register.get(&(h.span.start, h.span.end)).map(|s| s.as_str()),
            }
        })
        .collect();
    let codes: Vec<_> = book
        .codes
        .iter()
        .map(|c| minijinja::context! { id => c.id.0, key => c.key.clone(), name => c.name.get(lang).to_owned() })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "coding_answer.html",
        minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            question => a.question.clone(),
            pos => pos,
            total => a.items.len(),
            prev => (pos > 1).then(|| pos - 1),
            next => (pos < a.items.len()).then(|| pos + 1),
            text => text.clone(),
            length => text.chars().count(),
            network => network,
            wave => wave.name,
            form_title => form.title(code_lang),
            closed => closed,
            codings => codings,
            suggestions => suggestions,
            slow => slow,
            codes => codes,
            open => open,
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// Parses a code-point offset field.
fn offset(f: &Fields, key: &str) -> Option<usize> {
    field(f, key).and_then(|s| s.trim().parse::<usize>().ok())
}

/// The page again with the refusal's message, or 404 for one that hides the resource.
#[allow(clippy::too_many_arguments)]
async fn refused(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    pos: usize,
    r: Refusal,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (key, status) = refusal(&r);
    if status == StatusCode::NOT_FOUND && r != Refusal::NoCoding {
        return Err(AppError::NotFound(lang));
    }
    let mut msg = state.catalog.t(lang, key);
    if let Refusal::OutsideText { start, end, len } = r {
        msg = msg
            .replace("{start}", &start.to_string())
            .replace("{end}", &end.to_string())
            .replace("{len}", &len.to_string());
    }
    answer_page(state, v, user, id, pos, Some(msg), status).await
}

/// Checks the visitor, the CSRF token and the answer's place; returns the assignment's
/// response at `pos`.
async fn coder_post(
    state: &AppState,
    v: &Visitor,
    f: &Fields,
    id: i64,
    pos: usize,
) -> Result<(User, Assignment, ResponseId), AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?.clone();
    v.check_csrf(field(f, "csrf_token"))?;
    let a = visible_assignment(state, &user, id, lang).await?;
    if !a.is_coder(user.id) {
        return Err(AppError::NotFound(lang));
    }
    let rid = item_at(&a, pos, lang)?;
    Ok((user, a, rid))
}

fn answer_url(id: i64, pos: usize) -> String {
    format!("/coding/assignments/{id}/answers/{pos}")
}

/// `POST …/answers/{pos}/codings`: a coding of a span (offsets in code points, from the
/// selection script or typed) or of the whole answer (`whole=1`).
pub async fn add_coding(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (user, a, rid) = coder_post(&state, &v, &f, id, pos).await?;
    let Some(code) = field(&f, "code").and_then(|s| s.parse::<i64>().ok()) else {
        return refused(&state, &v, &user, id, pos, Refusal::UnknownCode).await;
    };
    let memo = field(&f, "memo").unwrap_or("").trim();
    if memo.chars().count() > MAX_NOTE {
        return Err(AppError::BadRequest(lang));
    }
    let (start, end) = if field(&f, "whole").is_some() {
        let text = state
            .store
            .responses(None)
            .await?
            .into_iter()
            .find(|r| r.id == rid)
            .and_then(|r| r.answers.get(&a.question).cloned())
            .unwrap_or_default();
        (0, text.chars().count())
    } else {
        match (offset(&f, "start"), offset(&f, "end")) {
            (Some(s), Some(e)) => (s, e),
            _ => {
                let msg = state.catalog.t(lang, "coding_ui.err_offsets");
                return answer_page(
                    &state,
                    &v,
                    &user,
                    id,
                    pos,
                    Some(msg),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    };
    let span = SpanCode {
        response: rid,
        code: CodeId(code),
        start,
        end,
        memo: memo.to_owned(),
    };
    match state
        .store
        .add_assignment_coding(a.id, user.id, &span)
        .await?
    {
        Ok(_) => Ok(Redirect::to(&answer_url(id, pos)).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST …/answers/{pos}/codings/{coding}/delete`: removes one of the coder's own codings.
pub async fn delete_coding(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos, coding)): Path<(i64, usize, i64)>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let (user, a, _) = coder_post(&state, &v, &f, id, pos).await?;
    match state
        .store
        .delete_assignment_coding(a.id, user.id, CodingId(coding))
        .await?
    {
        Ok(()) => Ok(Redirect::to(&answer_url(id, pos)).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST …/answers/{pos}/suggestions`: accepts (`decision=accept`) or rejects a suggestion.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (user, a, rid) = coder_post(&state, &v, &f, id, pos).await?;
    let decision = match field(&f, "decision") {
        Some("accept") => SuggestionDecision::Accepted,
        Some("reject") => SuggestionDecision::Rejected,
        _ => return Err(AppError::BadRequest(lang)),
    };
    let (Some(code), Some(start), Some(end)) = (
        field(&f, "code").and_then(|s| s.parse::<i64>().ok()),
        offset(&f, "start"),
        offset(&f, "end"),
    ) else {
        return Err(AppError::BadRequest(lang));
    };
    let span = SpanCode {
        response: rid,
        code: CodeId(code),
        start,
        end,
        memo: String::new(),
    };
    match state
        .store
        .decide_suggestion(a.id, user.id, &span, decision, now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&answer_url(id, pos)).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST …/answers/{pos}/slow`: confirms or rejects a slow-question candidate.
pub async fn judge_slow(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (user, a, rid) = coder_post(&state, &v, &f, id, pos).await?;
    let status = match field(&f, "status") {
        Some("confirmed") => SlowStatus::Confirmed,
        Some("rejected") => SlowStatus::Rejected,
        _ => return Err(AppError::BadRequest(lang)),
    };
    let (Some(start), Some(end)) = (offset(&f, "start"), offset(&f, "end")) else {
        return Err(AppError::BadRequest(lang));
    };
    match state
        .store
        .judge_slow_question(rid, &a.question, start, end, status, user.id, now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&answer_url(id, pos)).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST /coding/assignments/{id}/finish`: the coder is done; their codings are final.
pub async fn finish(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(field(&f, "csrf_token"))?;
    let a = visible_assignment(&state, user, id, lang).await?;
    match state.store.finish_assignment(a.id, user.id, now()).await? {
        Ok(()) => Ok(Redirect::to(&format!("/coding/assignments/{id}")).into_response()),
        Err(Refusal::NotACoder) => Err(AppError::NotFound(lang)),
        Err(r) => {
            let (key, status) = refusal(&r);
            assignment_page(&state, &v, user, id, Some(key), status).await
        }
    }
}

/// The lead's view of a finished assignment: 404 for others, 409 while coders are busy.
async fn lead_assignment(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
) -> Result<Result<Assignment, Response>, AppError> {
    let lang = v.lang.lang;
    let a = visible_assignment(state, user, id, lang).await?;
    if a.lead != user.id {
        return Err(AppError::NotFound(lang));
    }
    if !a.all_finished() {
        return Ok(Err(assignment_page(
            state,
            v,
            user,
            id,
            Some("coding_ui.err_not_all_finished"),
            StatusCode::CONFLICT,
        )
        .await?));
    }
    Ok(Ok(a))
}

/// `GET /coding/assignments/{id}/disagreements`: per answer, every coder's codings side by
/// side (answers where all coders agree are marked so), the consensus so far, and a form to
/// settle each answer. The lead only, once every coder finished.
pub async fn disagreements(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    disagreements_page(&state, &v, user, id, None, StatusCode::OK).await
}

async fn disagreements_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let a = match lead_assignment(state, v, user, id).await? {
        Ok(a) => a,
        Err(res) => return Ok(res),
    };
    let names = person_names(&store.persons().await?);
    let codes: BTreeMap<CodeId, Code> = store
        .codebooks()
        .await?
        .into_iter()
        .flat_map(|b| b.codes)
        .map(|c| (c.id, c))
        .collect();
    let responses: BTreeMap<ResponseId, leernet_core::Response> = store
        .responses(None)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let all = store.assignment_codings(a.id, None).await?;
    let consensus = store.assignment_consensus(a.id).await?;
    let code_name = |c: CodeId| {
        codes
            .get(&c)
            .map(|x| format!("{} ({})", x.name.get(lang), x.key))
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for (i, rid) in a.items.iter().enumerate() {
        let text = responses
            .get(rid)
            .and_then(|r| r.answers.get(&a.question))
            .cloned()
            .unwrap_or_default();
        let mine: Vec<&Coding> = all.iter().filter(|c| c.segment.response == *rid).collect();
        // Agreement on this answer: every coder used the same codes on the same spans.
        let sets: Vec<BTreeSet<(CodeId, usize, usize)>> = a
            .coders
            .iter()
            .map(|c| {
                mine.iter()
                    .filter(|x| x.coder == c.coder)
                    .map(|x| (x.code, x.segment.start, x.segment.end))
                    .collect()
            })
            .collect();
        let agree = sets.windows(2).all(|w| w[0] == w[1]);
        let columns: Vec<_> = a
            .coders
            .iter()
            .map(|c| {
                minijinja::context! {
                    coder => names.get(&c.coder).cloned().unwrap_or_default(),
                    codings => mine.iter().filter(|x| x.coder == c.coder).map(|x| minijinja::context! {
                        id => x.id.0,
                        code => code_name(x.code),
                        start => x.segment.start,
                        end => x.segment.end,
                        text => fragment(&text, x.segment.start, x.segment.end),
                    }).collect::<Vec<_>>(),
                }
            })
            .collect();
        let settled: Vec<_> = consensus
            .iter()
            .filter(|c| c.segment.response == *rid)
            .map(|x| {
                minijinja::context! {
                    code => code_name(x.code),
                    start => x.segment.start,
                    end => x.segment.end,
                    text => fragment(&text, x.segment.start, x.segment.end),
                }
            })
            .collect();
        let is_settled = store_has_consensus(&consensus, *rid);
        rows.push(minijinja::context! {
            pos => i + 1,
            text => text,
            agree => agree,
            columns => columns,
            settled => settled,
            is_settled => is_settled,
        });
    }
    let mut res = crate::page::render(
        state,
        v,
        "coding_disagreements.html",
        minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            question => a.question.clone(),
            coders => a.coders.iter().map(|c| names.get(&c.coder).cloned().unwrap_or_default()).collect::<Vec<_>>(),
            rows => rows,
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

fn store_has_consensus(consensus: &[Coding], rid: ResponseId) -> bool {
    consensus.iter().any(|c| c.segment.response == rid)
}

/// `POST /coding/assignments/{id}/answers/{pos}/consensus`: the lead settles one answer:
/// the coders' codings ticked (`take`, by coding id) become its consensus, with a reason.
pub async fn settle(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(field(&f, "csrf_token"))?;
    let a = match lead_assignment(&state, &v, user, id).await? {
        Ok(a) => a,
        Err(res) => return Ok(res),
    };
    let rid = item_at(&a, pos, lang)?;
    let why = field(&f, "why").unwrap_or("").trim();
    if why.chars().count() > MAX_NOTE {
        return Err(AppError::BadRequest(lang));
    }
    let all = state.store.assignment_codings(a.id, None).await?;
    let mut spans: Vec<SpanCode> = Vec::new();
    for t in fields_all(&f, "take") {
        let Some(c) = t.parse::<i64>().ok().and_then(|t| {
            all.iter()
                .find(|c| c.id.0 == t && c.segment.response == rid)
        }) else {
            let msg = state.catalog.t(lang, "coding_ui.err_no_coding");
            return disagreements_page(
                &state,
                &v,
                user,
                id,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        };
        let s = SpanCode {
            response: rid,
            code: c.code,
            start: c.segment.start,
            end: c.segment.end,
            memo: String::new(),
        };
        if !spans.contains(&s) {
            spans.push(s);
        }
    }
    match state
        .store
        .settle(a.id, user.id, rid, &spans, why, now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/coding/assignments/{id}/disagreements#answer-{pos}"
        ))
        .into_response()),
        Err(r) => {
            let (key, status) = refusal(&r);
            let msg = state.catalog.t(lang, key);
            disagreements_page(&state, &v, user, id, Some(msg), status).await
        }
    }
}

/// The query of the agreement page.
#[derive(Debug, serde::Deserialize)]
pub struct AgreementQuery {
    /// Minimum overlap of two segments, in percent (1–100; 50 unless given).
    overlap: Option<String>,
    /// An assignment (its lead only, once finished); the whole study without.
    assignment: Option<String>,
}

fn coefficients_view(c: &Coefficients, lang: Lang) -> minijinja::Value {
    let num = |x: Option<f64>| x.map(|v| leernet_report::format::num(v, 3, lang.code()));
    minijinja::context! {
        units => c.units,
        pa => c.percent_agreement.map(|v| leernet_report::format::num(100.0 * v, 1, lang.code())),
        kappa => num(c.cohen_kappa),
        alpha => num(c.krippendorff_alpha),
        kappa_n => num(c.kappa_n),
        notes => c.notes.clone(),
    }
}

/// `GET /coding/agreement`: agreement per code and overall, by answer and by segment, of the
/// whole study's coders or of one finished assignment's.
pub async fn agreement(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(q): Query<AgreementQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    let overlap_pct = match q
        .overlap
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => 50u32,
        Some(s) => match s.parse::<u32>() {
            Ok(p) if (1..=100).contains(&p) => p,
            _ => return Err(AppError::BadRequest(lang)),
        },
    };
    let overlap = f64::from(overlap_pct) / 100.0;
    let store = &state.store;
    let data = store.study_data().await?;
    let assignment_id = match q.assignment.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::BadRequest(lang))?),
    };
    let (figures, scope): (Option<CodingAgreement>, Option<String>) = match assignment_id {
        None => (coding_agreement::study_agreement(&data, overlap), None),
        Some(id) => {
            let a = match lead_assignment(&state, &v, user, id).await? {
                Ok(a) => a,
                Err(res) => return Ok(res),
            };
            let codings = store.assignment_codings(a.id, None).await?;
            let answers: Vec<(ResponseId, String)> =
                a.items.iter().map(|r| (*r, a.question.clone())).collect();
            let coders: Vec<PersonId> = a.coders.iter().map(|c| c.coder).collect();
            (
                coding_agreement::agreement_of(
                    &data.codebooks,
                    &codings,
                    &answers,
                    &coders,
                    overlap,
                ),
                Some(a.name),
            )
        }
    };
    let names = person_names(&data.persons);
    let code_names: BTreeMap<CodeId, String> = data
        .codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, c.name.get(lang).to_owned()))
        .collect();
    let table = state.catalog.table(lang);
    let say = |k: &str| table.get(k).cloned().unwrap_or_default();
    let view = figures.as_ref().map(|f| {
        let name_of = |p: &PersonId| names.get(p).cloned().unwrap_or_default();
        let mut progress: Vec<String> = f
            .coders
            .iter()
            .zip(&f.uncoded)
            .filter(|(_, n)| **n > 0)
            .map(|(p, n)| {
                say("coding_ui.coder_progress")
                    .replace("{coder}", &name_of(p))
                    .replace("{uncoded}", &n.to_string())
                    .replace("{answers}", &f.answers.to_string())
            })
            .collect();
        if progress.is_empty() {
            progress.push(say("coding_ui.progress_all"));
        } else if f.uncoded_by_all > 0 {
            progress.push(
                say("coding_ui.progress_none").replace("{n}", &f.uncoded_by_all.to_string()),
            );
        }
        minijinja::context! {
            coders => f.coders.iter().map(name_of).collect::<Vec<_>>(),
            answers => f.answers,
            progress => progress,
            by_answer => coefficients_view(&f.by_answer, lang),
            coded_by_all => f.by_answer_coded_by_all.as_ref().map(|c| minijinja::context! {
                label => say("coding_ui.coded_by_all").replace("{n}", &f.answers_coded_by_all.to_string()),
                by_answer => coefficients_view(c, lang),
            }),
            by_segment => coefficients_view(&f.by_segment, lang),
            codes => f.codes.iter().map(|c| minijinja::context! {
                name => code_names.get(&c.code).filter(|n| !n.is_empty()).cloned().unwrap_or_else(|| c.key.clone()),
                by_answer => coefficients_view(&c.by_answer, lang),
                by_segment => coefficients_view(&c.by_segment, lang),
            }).collect::<Vec<_>>(),
        }
    });
    crate::page::render(
        &state,
        &v,
        "coding_agreement.html",
        minijinja::context! {
            figures => view,
            overlap => overlap_pct,
            assignment => assignment_id,
            scope => scope,
        },
    )
}

/// `GET /coding/slow-questions`: the register of confirmed and rejected slow-question
/// candidates, per network.
pub async fn slow_register(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    v.require(RESEARCHER)?;
    slow_register_page(&state, &v, None, StatusCode::OK).await
}

/// `POST /coding/slow-questions/{entry}/move`: a confirmed candidate becomes an entry of its
/// network's slow-question log (anonymous: it came from an answer), once.
pub async fn move_slow(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(entry): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(field(&f, "csrf_token"))?;
    match state
        .store
        .move_slow_question_to_log(entry, user.id, now())
        .await?
    {
        Ok(_) => Ok(Redirect::to("/coding/slow-questions").into_response()),
        Err(Refusal::NoSlowQuestion) => Err(AppError::NotFound(lang)),
        Err(r) => {
            let (key, status) = refusal(&r);
            slow_register_page(&state, &v, Some(key), status).await
        }
    }
}

async fn slow_register_page(
    state: &AppState,
    v: &Visitor,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let store = &state.store;
    let names = person_names(&store.persons().await?);
    let responses: BTreeMap<ResponseId, leernet_core::Response> = store
        .responses(None)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut groups = Vec::new();
    for n in store.networks().await? {
        let entries: Vec<_> = store
            .slow_question_register(Some(n.id))
            .await?
            .into_iter()
            .map(|c| {
                let text = responses
                    .get(&c.response)
                    .and_then(|r| r.answers.get(&c.question))
                    .map(|t| fragment(t, c.start, c.end))
                    .unwrap_or_default();
                minijinja::context! {
                    id => c.id,
                    text => text,
                    question => c.question,
                    status => c.status.as_str(),
                    coder => names.get(&c.coder).cloned().unwrap_or_default(),
                    movable => c.status == SlowStatus::Confirmed && c.moved_to.is_none(),
                    moved => c.moved_to.is_some(),
                }
            })
            .collect();
        if !entries.is_empty() {
            groups.push(minijinja::context! { network => n.name, entries => entries });
        }
    }
    let mut res = crate::page::render(
        state,
        v,
        "coding_slow.html",
        minijinja::context! { groups => groups, error => error },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// The query of the search page.
#[derive(Debug, serde::Deserialize)]
pub struct SearchForm {
    q: Option<String>,
    wave: Option<String>,
    network: Option<String>,
    question: Option<String>,
    code: Option<String>,
}

/// `GET /coding/search`: full-text search over every submitted open answer (Dutch stemming
/// and compounds), filtered by wave, network, question and code.
pub async fn search(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(q): Query<SearchForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    let store = &state.store;
    let data = store.study_data().await?;
    let questions = open_questions(&state, lang).await?;
    let open: BTreeSet<&str> = questions.iter().map(|(n, _)| n.as_str()).collect();
    let keys: BTreeMap<CodeId, &str> = data
        .codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, c.key.as_str()))
        .collect();
    let mut codes_of: BTreeMap<(ResponseId, &str), BTreeSet<&str>> = BTreeMap::new();
    let reading = coding_agreement::content_codings(&data);
    for c in &reading {
        if let Some(k) = keys.get(&c.code) {
            codes_of
                .entry((c.segment.response, c.segment.question.as_str()))
                .or_default()
                .insert(k);
        }
    }
    let wave_names: BTreeMap<WaveId, &str> =
        data.waves.iter().map(|w| (w.id, w.name.as_str())).collect();
    let networks: BTreeMap<NetworkId, &Network> = data.networks.iter().map(|n| (n.id, n)).collect();
    let mut docs = Vec::new();
    let mut texts: Vec<(ResponseId, String, String)> = Vec::new();
    for r in data
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Submitted)
    {
        for (question, text) in &r.answers {
            if !open.contains(question.as_str()) || text.trim().is_empty() {
                continue;
            }
            docs.push(leernet_text::SearchDoc {
                id: texts.len() as u64,
                wave: r.wave.0.to_string(),
                network: networks
                    .get(&r.network)
                    .map(|n| n.slug.as_str().to_owned())
                    .unwrap_or_default(),
                question: question.clone(),
                codes: codes_of
                    .get(&(r.id, question.as_str()))
                    .map(|s| s.iter().map(|k| (*k).to_owned()).collect())
                    .unwrap_or_default(),
                text: text.clone(),
            });
            texts.push((r.id, question.clone(), text.clone()));
        }
    }
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let query = leernet_text::SearchQuery {
        text: q.q.clone().unwrap_or_default(),
        wave: nonempty(&q.wave),
        network: nonempty(&q.network),
        question: nonempty(&q.question),
        code: nonempty(&q.code),
        limit: 50,
    };
    let asked = !query.text.trim().is_empty()
        || query.wave.is_some()
        || query.network.is_some()
        || query.question.is_some()
        || query.code.is_some();
    let mut hits = Vec::new();
    if asked {
        let index = leernet_text::SearchIndex::build(&docs)?;
        for h in index.search(&query)? {
            let Some((rid, question, text)) = texts.get(h.id as usize) else {
                continue;
            };
            let r = data.responses.iter().find(|r| r.id == *rid);
            hits.push(minijinja::context! {
                text => text.clone(),
                question => question.clone(),
                network => r.and_then(|r| networks.get(&r.network)).map(|n| n.name.clone()),
                wave => r.and_then(|r| wave_names.get(&r.wave)).map(|w| (*w).to_owned()),
            });
        }
    }
    crate::page::render(
        &state,
        &v,
        "coding_search.html",
        minijinja::context! {
            q => q.q.clone().unwrap_or_default(),
            wave => query.wave.clone(),
            network => query.network.clone(),
            question => query.question.clone(),
            code => query.code.clone(),
            asked => asked,
            hits => hits,
            waves => data.waves.iter().map(|w| minijinja::context! { id => w.id.0.to_string(), name => w.name.clone() }).collect::<Vec<_>>(),
            networks => data.networks.iter().map(|n| minijinja::context! { slug => n.slug.as_str().to_owned(), name => n.name.clone() }).collect::<Vec<_>>(),
            questions => questions.iter().map(|(n, l)| minijinja::context! { name => n.clone(), label => l.clone() }).collect::<Vec<_>>(),
            codes => data.codebooks.iter().flat_map(|b| &b.codes).map(|c| minijinja::context! { key => c.key.clone(), name => c.name.get(lang).to_owned() }).collect::<Vec<_>>(),
        },
    )
}

/// `GET /coding/codebooks/{id}`: a codebook's codes with their criteria, examples and
/// colours, forms to add and change codes (each with a reason), the codebook's versions and
/// the log of codebook changes.
pub async fn codebook(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    v.require(RESEARCHER)?;
    codebook_page(&state, &v, id, None, StatusCode::OK).await
}

/// A code for the codebook pages: its texts in both languages and its colour.
/// The codebook with this id, or "not found".
async fn codebook_by_id(
    store: &leernet_store::Store,
    id: i64,
    lang: Lang,
) -> Result<Codebook, AppError> {
    store
        .codebooks()
        .await?
        .into_iter()
        .find(|b| b.id.0 == id)
        .ok_or(AppError::NotFound(lang))
}

fn code_view(c: &Code, book: &Codebook) -> minijinja::Value {
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    minijinja::context! {
        id => c.id.0,
        key => c.key.clone(),
        parent => c.parent.and_then(|p| book.codes.iter().find(|x| x.id == p)).map(|p| p.key.clone()),
        name_nl => c.name.nl.clone(),
        name_en => c.name.en.clone(),
        description_nl => c.description.nl.clone(),
        description_en => c.description.en.clone(),
        inclusion_nl => c.inclusion.nl.clone(),
        inclusion_en => c.inclusion.en.clone(),
        exclusion_nl => c.exclusion.nl.clone(),
        exclusion_en => c.exclusion.en.clone(),
        examples_nl => c.examples.nl.clone(),
        examples_en => c.examples.en.clone(),
        example_lines_nl => lines(&c.examples.nl),
        example_lines_en => lines(&c.examples.en),
        colour => c.colour.as_ref().map(|c| c.as_str().to_owned()),
    }
}

async fn codebook_page(
    state: &AppState,
    v: &Visitor,
    id: i64,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let book = codebook_by_id(store, id, lang).await?;
    let names = person_names(&store.persons().await?);
    let ids: BTreeSet<CodeId> = book.codes.iter().map(|c| c.id).collect();
    let log: Vec<_> = store
        .coding_decisions(None)
        .await?
        .into_iter()
        .filter(|d| d.code.is_some_and(|c| ids.contains(&c)))
        .map(|d| {
            minijinja::context! {
                at => utc(d.at),
                who => names.get(&d.person).cloned().unwrap_or_default(),
                kind => d.kind,
                what => d.what,
                why => d.why,
            }
        })
        .collect();
    let versions: Vec<_> = store
        .codebook_versions(book.id)
        .await?
        .into_iter()
        .rev()
        .map(|ver| {
            minijinja::context! {
                version => ver.version,
                at => ver.at.map(utc),
                who => ver.person.and_then(|p| names.get(&p).cloned()),
                why => ver.reason,
            }
        })
        .collect();
    // each code's auto-coding rules, from the project's content (read only here)
    let codes: Vec<_> = book
        .codes
        .iter()
        .map(|c| {
            let rules = state.content.autocode.codes.iter().find(|r| r.key == c.key);
            let lang_rules = |r: &leernet_text::LangRules| {
                minijinja::context! {
                    keywords => r.keywords.clone(),
                    phrases => r.phrases.clone(),
                    exclusions => r.exclusions.clone(),
                }
            };
            minijinja::context! {
                rules => rules.map(|r| minijinja::context! { nl => lang_rules(&r.nl), en => lang_rules(&r.en) }),
                ..code_view(c, &book)
            }
        })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "coding_codebook.html",
        minijinja::context! {
            id => book.id.0,
            name => book.name,
            version => book.version,
            versions => versions,
            codes => codes,
            rules_file => state.content.autocode_file.clone(),
            log => log,
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// `GET /coding/codebooks/{id}/versions/{n}`: the codebook as it was in version `n`, read
/// only, with who made that version, when and why.
pub async fn codebook_version(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, n)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    let store = &state.store;
    let current = codebook_by_id(store, id, lang).await?;
    let book = store
        .codebook_version(current.id, n)
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let names = person_names(&store.persons().await?);
    let made = store
        .codebook_versions(current.id)
        .await?
        .into_iter()
        .find(|x| x.version == n)
        .ok_or(AppError::NotFound(lang))?;
    let codes: Vec<_> = book.codes.iter().map(|c| code_view(c, &book)).collect();
    crate::page::render(
        &state,
        &v,
        "coding_codebook_version.html",
        minijinja::context! {
            id => current.id.0,
            name => book.name,
            version => n,
            current => current.version,
            at => made.at.map(utc),
            who => made.person.and_then(|p| names.get(&p).cloned()),
            why => made.reason,
            codes => codes,
        },
    )
}

fn bilingual(f: &Fields, prefix: &str) -> Bilingual {
    Bilingual {
        nl: field(f, &format!("{prefix}_nl"))
            .unwrap_or("")
            .trim()
            .to_owned(),
        en: field(f, &format!("{prefix}_en"))
            .unwrap_or("")
            .trim()
            .to_owned(),
    }
}

/// The code's texts and colour from a form; `Err` with the message key when the colour is
/// not `#RRGGBB` (an empty field is no colour).
fn code_fields(f: &Fields) -> Result<CodeFields, &'static str> {
    let colour = match field(f, "colour").map(str::trim).unwrap_or("") {
        "" => None,
        c => Some(Colour::parse(c).map_err(|_| "codebook_fields.err_colour")?),
    };
    Ok(CodeFields {
        name: bilingual(f, "name"),
        description: bilingual(f, "description"),
        inclusion: bilingual(f, "inclusion"),
        exclusion: bilingual(f, "exclusion"),
        examples: bilingual(f, "examples"),
        colour,
    })
}

/// Refuses texts longer than a code needs.
fn too_long(f: &Fields) -> bool {
    f.iter().any(|(_, v)| v.chars().count() > MAX_NOTE)
}

/// `POST /coding/codebooks/{id}/codes`: adds a code (key, parent, names, descriptions,
/// criteria, examples, colour), with a reason for the log; the codebook's next version.
pub async fn add_code(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(field(&f, "csrf_token"))?;
    if too_long(&f) {
        return Err(AppError::BadRequest(lang));
    }
    let store = &state.store;
    let book = codebook_by_id(store, id, lang).await?;
    let key = field(&f, "key").unwrap_or("").trim();
    let key_ok = !key.is_empty()
        && key.chars().count() <= 100
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !key_ok {
        return codebook_page(
            &state,
            &v,
            id,
            Some("coding_ui.err_key"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let parent = match field(&f, "parent").filter(|s| !s.is_empty()) {
        None => None,
        Some(p) => match p.parse::<i64>().ok().map(CodeId) {
            Some(c) if book.codes.iter().any(|x| x.id == c) => Some(c),
            _ => {
                return codebook_page(
                    &state,
                    &v,
                    id,
                    Some("coding_ui.err_unknown_code"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        },
    };
    let fields = match code_fields(&f) {
        Ok(x) => x,
        Err(key) => {
            return codebook_page(&state, &v, id, Some(key), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    };
    match store
        .add_code_logged(
            book.id,
            key,
            parent,
            &fields,
            user.id,
            field(&f, "why").unwrap_or(""),
            now(),
        )
        .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/coding/codebooks/{id}")).into_response()),
        Err(r) => {
            let (key, status) = refusal(&r);
            codebook_page(&state, &v, id, Some(key), status).await
        }
    }
}

/// `POST /coding/codebooks/{id}/codes/{code}`: changes a code's texts and colour, with a
/// reason for the log; the codebook's next version.
pub async fn change_code(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, code)): Path<(i64, i64)>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(field(&f, "csrf_token"))?;
    if too_long(&f) {
        return Err(AppError::BadRequest(lang));
    }
    let store = &state.store;
    let in_book = store
        .codebooks()
        .await?
        .iter()
        .any(|b| b.id.0 == id && b.codes.iter().any(|c| c.id.0 == code));
    if !in_book {
        return Err(AppError::NotFound(lang));
    }
    let fields = match code_fields(&f) {
        Ok(x) => x,
        Err(key) => {
            return codebook_page(&state, &v, id, Some(key), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    };
    match store
        .change_code_logged(
            CodeId(code),
            &fields,
            user.id,
            field(&f, "why").unwrap_or(""),
            now(),
        )
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/coding/codebooks/{id}#code-{code}")).into_response()),
        Err(r) => {
            let (key, status) = refusal(&r);
            codebook_page(&state, &v, id, Some(key), status).await
        }
    }
}
