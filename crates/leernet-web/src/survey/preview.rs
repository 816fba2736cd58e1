//! The preview of a questionnaire (issue 18): `/admin/instruments/{id}/preview`, the survey
//! exactly as a respondent sees it — the same pages, rules, errors and texts, in Dutch and
//! English — for staff (researchers and coordinators), with nothing stored.
//!
//! Design: the preview is the survey's own renderer (`super::render_form_page`) and its own
//! checks (`super::merge`, `super::page_errors`), driven without an invitation. Answers
//! typed in the preview travel with the form: every page carries the answers so far in one
//! hidden field (`carried`, JSON, bounded), and every button posts them back, so going back
//! and forth, switching language (a button, not a link) and adding repeat instances keep
//! them. Nothing is written anywhere: no response, no invitation, no log line with an
//! answer. Closing the tab forgets everything. "Verzenden" ends on a page that says so.
//!
//! The carried answers are only a proposal, like everything a browser sends: a key that is
//! no question of the form, or a value the form's type check refuses, is dropped before the
//! page is evaluated.

use super::*;
use leernet_core::{InstrumentId, Role};

/// The longest `carried` field accepted (bytes): the answers of a long questionnaire fit
/// many times over.
pub const MAX_CARRIED_BYTES: usize = 512 * 1024;

/// The roles that may preview (staff).
const STAFF: &[Role] = &[Role::Researcher, Role::Coordinator];

/// The instrument's form, or 404 for an id the study does not have.
async fn instrument_form(state: &AppState, id: i64, lang: Lang) -> Result<Arc<Form>, AppError> {
    let known = state
        .store
        .instruments()
        .await
        .map_err(|e| AppError::internal(lang, e))?
        .iter()
        .any(|i| i.id == InstrumentId(id));
    if !known {
        return Err(AppError::NotFound(lang));
    }
    state
        .form(InstrumentId(id))
        .await
        .map_err(|e| AppError::internal(lang, e))
}

/// Posted form fields, in order.
type Fields = Vec<(String, String)>;

/// Takes the `carried` field out of the posted fields.
fn take_carried(fields: Fields, lang: Lang) -> Result<(Option<String>, Fields), AppError> {
    let mut carried = None;
    let mut rest = Vec::with_capacity(fields.len());
    for (k, v) in fields {
        if k == "carried" {
            if v.len() > MAX_CARRIED_BYTES || carried.is_some() {
                return Err(AppError::BadRequest(lang));
            }
            carried = Some(v);
        } else {
            rest.push((k, v));
        }
    }
    Ok((carried, rest))
}

/// Whether a carried answer may stand: a question of the form (top level or in a repeat
/// instance, `rep[2]/name`) whose value its type accepts, or a repeat's instance count.
fn keep(form: &Form, key: &str, value: &str) -> bool {
    if value.chars().count() > MAX_ANSWER_CHARS {
        return false;
    }
    if form.groups().iter().any(|g| g.repeat && g.name == key) {
        return value.parse::<usize>().is_ok_and(|n| n <= MAX_INSTANCES);
    }
    let name = key.rsplit('/').next().unwrap_or(key);
    form.check_value(name, value).is_ok()
}

/// The answers a posted preview page starts from: the carried ones (checked), or a new
/// questionnaire's defaults when the page carried none.
fn carried_answers(
    form: &Form,
    carried: Option<&str>,
    lang: Lang,
    now: f64,
) -> Result<BTreeMap<String, String>, AppError> {
    let Some(text) = carried.filter(|t| !t.is_empty()) else {
        return Ok(initial_answers(form, lang, now, None));
    };
    let map: BTreeMap<String, String> =
        serde_json::from_str(text).map_err(|_| AppError::BadRequest(lang))?;
    if map.len() > MAX_FIELDS {
        return Err(AppError::BadRequest(lang));
    }
    Ok(map.into_iter().filter(|(k, v)| keep(form, k, v)).collect())
}

/// Renders preview page `p` with `answers` carried in the form.
#[allow(clippy::too_many_arguments)]
fn show_page(
    state: &AppState,
    v: &Visitor,
    id: i64,
    form: &Form,
    pages: &[Page],
    p: usize,
    answers: &BTreeMap<String, String>,
    raw: &HashMap<String, String>,
    errors: &BTreeMap<String, String>,
    more: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let ev = evaluate(form, answers, lang, state.today(), None);
    let visible = visible_pages(form, pages, &ev);
    let other = if lang == Lang::Nl { "en" } else { "nl" };
    let here = state.link(&format!("/admin/instruments/{id}/preview"));
    let carried =
        serde_json::to_string(answers).map_err(|e| AppError::internal(lang, anyhow::anyhow!(e)))?;
    let target = Target {
        action: format!("{here}?lang={}", lang.code()),
        relevance: format!("{here}/relevance"),
        switch: format!("{here}?lang={other}"),
        preview: Some(carried),
        back: state.link(&format!("/admin/instruments/{id}")),
    };
    render_form_page(
        state,
        v,
        form,
        None,
        &target,
        pages,
        &visible,
        p,
        answers,
        raw,
        errors,
        PageNotice {
            saved: false,
            more,
            ..PageNotice::default()
        },
        status,
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PreviewQuery {
    page: Option<usize>,
}

/// `GET /admin/instruments/{id}/preview[?page=N]`: a page of a new questionnaire, as a
/// respondent sees it (staff only).
pub async fn show(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<PreviewQuery>,
) -> Result<Response, AppError> {
    v.require(STAFF)?;
    let lang = v.lang.lang;
    let form = instrument_form(&state, id, lang).await?;
    let pages = pages(&form);
    if pages.is_empty() {
        return Err(AppError::NotFound(lang));
    }
    let answers = initial_answers(&form, lang, state.today(), None);
    let ev = evaluate(&form, &answers, lang, state.today(), None);
    let visible = visible_pages(&form, &pages, &ev);
    let p = nearest(&visible, q.page.unwrap_or(0));
    show_page(
        &state,
        &v,
        id,
        &form,
        &pages,
        p,
        &answers,
        &HashMap::new(),
        &BTreeMap::new(),
        false,
        StatusCode::OK,
    )
}

/// `POST /admin/instruments/{id}/preview`: the survey's checks on the posted page, then on,
/// back, the other language, or the end — with the answers carried, never stored.
pub async fn save(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    PostedForm(fields): PostedForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    v.require(STAFF)?;
    let lang = v.lang.lang;
    let (carried, fields) = take_carried(fields, lang)?;
    let posted = parse_posted(fields, lang)?;
    v.check_csrf(posted.csrf.as_deref())?;
    let form = instrument_form(&state, id, lang).await?;
    let pages = pages(&form);
    if pages.is_empty() {
        return Err(AppError::NotFound(lang));
    }
    let base = carried_answers(&form, carried.as_deref(), lang, state.today())?;
    let p = posted.page.min(pages.len() - 1);
    let mut m = merge(&state, &form, &pages[p], &base, &posted, lang, None);
    let ev = evaluate(&form, &m.answers, lang, state.today(), None);
    let visible = visible_pages(&form, &pages, &ev);
    let show = |p: usize, m: &Merged, more: bool, status: StatusCode| {
        show_page(
            &state, &v, id, &form, &pages, p, &m.answers, &m.raw, &m.errors, more, status,
        )
    };
    if posted.action == "lang" {
        // the same page in the other language (the action's `?lang=`), answers kept
        return show(p, &m, false, StatusCode::OK);
    }
    let going_on = matches!(posted.action.as_str(), "next" | "submit");
    if going_on {
        let mut e = BTreeMap::new();
        page_errors(&form, &pages[p], &ev, &required_text(&state, lang), &mut e);
        for (k, v) in e {
            if posted.shown.contains(&k) {
                m.errors.entry(k).or_insert(v);
            }
        }
    }
    let now_shown = shown_on(&form, &pages[p], &ev);
    let appeared = now_shown.iter().any(|n| !posted.shown.contains(n));
    if repeat_action(&form, &pages[p], &mut m.answers, &posted.action).is_some() {
        let status = if m.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return show(p, &m, false, status);
    }
    if !m.errors.is_empty() || (going_on && appeared) {
        let status = if m.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return show(p, &m, m.errors.is_empty(), status);
    }
    let pos = visible.iter().position(|&x| x == p);
    let target = match posted.action.as_str() {
        "prev" => pos
            .and_then(|i| i.checked_sub(1))
            .map(|i| visible[i])
            .unwrap_or(p),
        "next" => pos
            .and_then(|i| visible.get(i + 1).copied())
            .unwrap_or_else(|| nearest(&visible, p + 1)),
        "submit" => {
            // Every page must be complete, as for a respondent.
            for &q in &visible {
                let mut e = BTreeMap::new();
                page_errors(&form, &pages[q], &ev, &required_text(&state, lang), &mut e);
                if !e.is_empty() {
                    let m = Merged {
                        answers: m.answers,
                        raw: HashMap::new(),
                        errors: e,
                    };
                    return show(q, &m, false, StatusCode::UNPROCESSABLE_ENTITY);
                }
            }
            return message(
                &state,
                &v,
                StatusCode::OK,
                &form,
                "preview.done_title",
                "preview.done",
            );
        }
        _ => p,
    };
    show(target, &m, false, StatusCode::OK)
}

/// `POST /admin/instruments/{id}/preview/relevance`: which questions of the posted page are
/// visible (for the script), as `/s/{token}/relevance` answers; stores nothing.
pub async fn relevance(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    PostedForm(fields): PostedForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    v.require(STAFF)?;
    let lang = v.lang.lang;
    let (carried, fields) = take_carried(fields, lang)?;
    let posted = parse_posted(fields, lang)?;
    v.check_csrf(posted.csrf.as_deref())?;
    let form = instrument_form(&state, id, lang).await?;
    let pages = pages(&form);
    if pages.is_empty() {
        return Err(AppError::NotFound(lang));
    }
    let base = carried_answers(&form, carried.as_deref(), lang, state.today())?;
    let p = posted.page.min(pages.len() - 1);
    let m = merge(&state, &form, &pages[p], &base, &posted, lang, None);
    let ev = evaluate(&form, &m.answers, lang, state.today(), None);
    let visible = shown_on(&form, &pages[p], &ev);
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::json!({ "visible": visible }).to_string(),
    )
        .into_response())
}
