//! The web survey at `/s/{token}`: an instrument rendered page by page for the one response
//! an invitation reaches.
//!
//! The XLSForm engine is the one authority. Every save evaluates every rule again on the
//! server (types, choices, constraints, required, relevance, choice filters, calculations):
//! what the browser sends is only a proposal, and a value the rules reject is never stored.
//! It works without JavaScript (a full round trip per page: when an answer makes new
//! questions appear on the same page, the page comes back with them); with JavaScript,
//! `static/survey.js` asks `POST /s/{token}/relevance` which questions are visible and shows
//! or hides them in place.
//!
//! Pages: each top-level group is a page; questions outside groups are gathered into pages of
//! their own, in sheet order. Pages whose questions are all hidden are skipped. Answers are
//! saved on every page, so a respondent can leave and come back through the same link;
//! submitting is idempotent (the store refuses a second submission of the same response).
//! Repeats are not offered in the browser yet: a form with repeats shows a notice instead of
//! the repeat's questions.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form as PostedForm;
use leernet_core::{InvitationToken, Lang, ResponseStatus, WaveStatus};
use leernet_store::{InvitationRow, SaveOutcome};
use leernet_xlsform::{Answers, EvalOptions, Evaluation, Form, Item, QuestionKind};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// The longest answer accepted in one field (characters).
pub const MAX_ANSWER_CHARS: usize = 10_000;
/// The most fields one posted page may carry.
const MAX_FIELDS: usize = 2_000;

/// One page: the items of a top-level group, or a run of top-level questions.
#[derive(Debug, Clone)]
struct Page {
    group: Option<usize>,
    items: Vec<Item>,
}

fn pages(form: &Form) -> Vec<Page> {
    let mut out: Vec<Page> = Vec::new();
    let mut loose: Vec<Item> = Vec::new();
    for item in form.items() {
        match item {
            Item::Group(g) => {
                if !loose.is_empty() {
                    out.push(Page {
                        group: None,
                        items: std::mem::take(&mut loose),
                    });
                }
                out.push(Page {
                    group: Some(*g),
                    items: form.groups()[*g].items.clone(),
                });
            }
            Item::Question(_) => loose.push(*item),
        }
    }
    if !loose.is_empty() {
        out.push(Page {
            group: None,
            items: loose,
        });
    }
    out
}

/// The question indices of a page, nested groups included, repeats left out.
fn page_questions(form: &Form, items: &[Item], out: &mut Vec<usize>) {
    for item in items {
        match item {
            Item::Question(q) => out.push(*q),
            Item::Group(g) => {
                let g = &form.groups()[*g];
                if !g.repeat {
                    page_questions(form, &g.items, out);
                }
            }
        }
    }
}

fn shown_kind(kind: &QuestionKind) -> bool {
    !matches!(
        kind,
        QuestionKind::Calculate | QuestionKind::Hidden | QuestionKind::Metadata(_)
    )
}

/// Whether a question takes an answer in the browser.
fn answerable(kind: &QuestionKind) -> bool {
    matches!(
        kind,
        QuestionKind::Text
            | QuestionKind::Integer
            | QuestionKind::Decimal
            | QuestionKind::SelectOne { .. }
            | QuestionKind::SelectMultiple { .. }
            | QuestionKind::Range { .. }
            | QuestionKind::Date
            | QuestionKind::Time
            | QuestionKind::DateTime
            | QuestionKind::Acknowledge
    )
}

fn to_model(a: &BTreeMap<String, String>) -> Answers {
    Answers {
        values: a.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        repeats: HashMap::new(),
    }
}

fn evaluate<'f>(form: &'f Form, a: &BTreeMap<String, String>, lang: Lang) -> Evaluation<'f> {
    form.evaluate(
        &to_model(a),
        &EvalOptions {
            lang: lang.code(),
            now: None,
        },
    )
}

/// Whether a page shows anything now.
fn page_visible(form: &Form, page: &Page, ev: &Evaluation<'_>) -> bool {
    let mut qs = Vec::new();
    page_questions(form, &page.items, &mut qs);
    qs.iter().any(|&i| {
        let q = form.question_at(i).expect("index from the form");
        shown_kind(&q.kind) && ev.states[i].relevant
    })
}

fn visible_pages(form: &Form, pages: &[Page], ev: &Evaluation<'_>) -> Vec<usize> {
    (0..pages.len())
        .filter(|&p| page_visible(form, &pages[p], ev))
        .collect()
}

/// What the respondent reaches through a token, loaded and checked.
struct Ctx {
    inv: InvitationRow,
    wave_status: WaveStatus,
    form: Arc<Form>,
    stored: BTreeMap<String, String>,
    submitted: bool,
}

async fn load(state: &AppState, token: &str, lang: Lang) -> Result<Ctx, AppError> {
    let Ok(token) = InvitationToken::parse(token) else {
        return Err(AppError::NotFound(lang));
    };
    let inv = state
        .store
        .invitation_by_token(&token)
        .await
        .map_err(|e| AppError::internal(lang, e))?
        .ok_or(AppError::NotFound(lang))?;
    let wave = state
        .store
        .wave(inv.wave)
        .await
        .map_err(|e| AppError::internal(lang, e))?
        .ok_or(AppError::NotFound(lang))?;
    let form = state
        .form(wave.instrument)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let response = state
        .store
        .invitation_response(&inv)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let submitted = response
        .as_ref()
        .is_some_and(|r| r.status == ResponseStatus::Submitted);
    Ok(Ctx {
        inv,
        wave_status: wave.status,
        form,
        stored: response.map(|r| r.answers).unwrap_or_default(),
        submitted,
    })
}

/// A message page of the survey (closed, thanks, saved).
fn message(
    state: &AppState,
    v: &Visitor,
    status: StatusCode,
    form: &Form,
    title_key: &str,
    text_key: &str,
) -> Result<Response, AppError> {
    let t = state.catalog.table(v.lang.lang);
    let mut res = crate::page::render(
        state,
        v,
        "survey_message.html",
        minijinja::context! {
            form_title => form.title(v.lang.lang.code()),
            heading => t.get(title_key).cloned().unwrap_or_default(),
            text => t.get(text_key).cloned().unwrap_or_default(),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

fn closed(state: &AppState, v: &Visitor, ctx: &Ctx) -> Result<Response, AppError> {
    let (title, text) = if ctx.wave_status == WaveStatus::Draft {
        ("survey.not_open_title", "survey.not_open")
    } else {
        ("survey.closed_title", "survey.closed")
    };
    message(state, v, StatusCode::GONE, &ctx.form, title, text)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    page: Option<usize>,
    check: Option<u8>,
    saved: Option<u8>,
}

/// `GET /s/{token}`: the page asked for (or where the respondent left off), the thanks after
/// submitting, or why the survey takes no answers.
pub async fn show(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(token): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let ctx = load(&state, &token, lang).await?;
    if ctx.submitted {
        return message(
            &state,
            &v,
            StatusCode::OK,
            &ctx.form,
            "survey.thanks_title",
            "survey.thanks",
        );
    }
    if ctx.wave_status != WaveStatus::Open {
        return closed(&state, &v, &ctx);
    }
    let pages = pages(&ctx.form);
    let ev = evaluate(&ctx.form, &ctx.stored, lang);
    let visible = visible_pages(&ctx.form, &pages, &ev);
    let wanted = q.page.unwrap_or(ctx.inv.page.max(0) as usize);
    let p = nearest(&visible, wanted);
    let mut errors = BTreeMap::new();
    if q.check == Some(1) {
        page_errors(
            &ctx.form,
            &pages[p],
            &ev,
            &required_text(&state, lang),
            &mut errors,
        );
    }
    render_page(
        &state,
        &v,
        &token,
        &ctx,
        &pages,
        &visible,
        p,
        &ctx.stored,
        &HashMap::new(),
        &errors,
        PageNotice {
            saved: q.saved == Some(1),
            more: false,
        },
        StatusCode::OK,
    )
}

/// The visible page at or after `wanted` (or the last visible one).
fn nearest(visible: &[usize], wanted: usize) -> usize {
    visible
        .iter()
        .copied()
        .find(|&p| p >= wanted)
        .or_else(|| visible.last().copied())
        .unwrap_or(0)
}

/// Missing required answers and failing constraints of the visible questions of a page.
fn page_errors(
    form: &Form,
    page: &Page,
    ev: &Evaluation<'_>,
    required: &str,
    out: &mut BTreeMap<String, String>,
) {
    let mut qs = Vec::new();
    page_questions(form, &page.items, &mut qs);
    for i in qs {
        let q = form.question_at(i).expect("index from the form");
        let s = &ev.states[i];
        if !s.relevant || !answerable(&q.kind) {
            continue;
        }
        if s.missing_required {
            // The form's own message when it has one; else ours, in the page's language.
            let msg = if q.required_message.is_empty() {
                required.to_owned()
            } else {
                s.required_message.clone().unwrap_or_default()
            };
            out.entry(q.name.clone()).or_insert(msg);
        } else if s.constraint_failed {
            out.entry(q.name.clone())
                .or_insert_with(|| s.constraint_message.clone().unwrap_or_default());
        }
    }
}

fn required_text(state: &AppState, lang: Lang) -> String {
    state
        .catalog
        .table(lang)
        .get("survey.required_missing")
        .cloned()
        .unwrap_or_default()
}

/// What to say above the page.
#[derive(Debug, Clone, Copy, Default)]
struct PageNotice {
    saved: bool,
    more: bool,
}

#[allow(clippy::too_many_arguments)]
fn render_page(
    state: &AppState,
    v: &Visitor,
    token: &str,
    ctx: &Ctx,
    pages: &[Page],
    visible: &[usize],
    p: usize,
    answers: &BTreeMap<String, String>,
    raw: &HashMap<String, String>,
    errors: &BTreeMap<String, String>,
    notice: PageNotice,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let code = lang.code();
    let form = &ctx.form;
    let ev = evaluate(form, answers, lang);
    let page = &pages[p];
    let mut fields = Vec::new();
    let mut shown = Vec::new();
    collect_fields(
        form,
        &page.items,
        &ev,
        answers,
        raw,
        errors,
        code,
        &mut fields,
        &mut shown,
    );
    let position = visible.iter().position(|&x| x == p).unwrap_or(0);
    let title = page
        .group
        .map(|g| form.groups()[g].label.get(code).to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| form.title(code));
    let error_list: Vec<_> = fields
        .iter()
        .filter(|f| f.error.is_some())
        .map(|f| minijinja::context! { id => f.id.clone(), label => f.label.clone(), error => f.error.clone() })
        .collect();
    let (csrf, set) = v.form_token(state);
    let mut res = crate::page::render(
        state,
        v,
        "survey.html",
        minijinja::context! {
            form_title => form.title(code),
            page_title => title,
            page_hint => page.group.map(|g| form.groups()[g].hint.get(code).to_owned()),
            page => p,
            number => position + 1,
            count => visible.len(),
            first => position == 0,
            consent => (position == 0).then(|| form.setting_in("consent", code)).flatten(),
            last => position + 1 >= visible.len(),
            fields => fields.iter().map(minijinja::Value::from_serialize).collect::<Vec<_>>(),
            errors => error_list,
            shown => shown.join(" "),
            csrf => csrf,
            action => format!("/s/{token}"),
            saved => notice.saved,
            more => notice.more,
            switch => format!("/s/{token}?page={p}&lang={}", if lang == Lang::Nl { "en" } else { "nl" }),
        },
    )?;
    *res.status_mut() = status;
    if let Some(c) = set {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// One thing on a survey page, as the template needs it.
#[derive(Debug, Clone, serde::Serialize)]
struct Field {
    /// `heading` (a nested group), `note`, `unsupported`, or the input kind.
    kind: &'static str,
    name: String,
    id: String,
    label: String,
    hint: String,
    required: bool,
    visible: bool,
    value: String,
    choices: Vec<ChoiceView>,
    error: Option<String>,
    min: String,
    max: String,
    step: String,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ChoiceView {
    value: String,
    label: String,
    id: String,
    checked: bool,
}

#[allow(clippy::too_many_arguments)]
fn collect_fields(
    form: &Form,
    items: &[Item],
    ev: &Evaluation<'_>,
    answers: &BTreeMap<String, String>,
    raw: &HashMap<String, String>,
    errors: &BTreeMap<String, String>,
    lang: &str,
    out: &mut Vec<Field>,
    shown: &mut Vec<String>,
) {
    for item in items {
        match item {
            Item::Group(gi) => {
                let g = &form.groups()[*gi];
                let relevant = ev
                    .groups_relevant
                    .get(*gi)
                    .copied()
                    .flatten()
                    .unwrap_or(true);
                out.push(Field {
                    kind: if g.repeat { "unsupported" } else { "heading" },
                    name: g.name.clone(),
                    id: format!("g-{}", g.name),
                    label: g.label.get(lang).to_owned(),
                    hint: g.hint.get(lang).to_owned(),
                    required: false,
                    visible: relevant,
                    value: String::new(),
                    choices: Vec::new(),
                    error: None,
                    min: String::new(),
                    max: String::new(),
                    step: String::new(),
                });
                if !g.repeat {
                    collect_fields(form, &g.items, ev, answers, raw, errors, lang, out, shown);
                }
            }
            Item::Question(i) => {
                let q = form.question_at(*i).expect("index from the form");
                if !shown_kind(&q.kind) {
                    continue;
                }
                let s = &ev.states[*i];
                if s.relevant {
                    shown.push(q.name.clone());
                }
                let value = raw
                    .get(&q.name)
                    .cloned()
                    .or_else(|| answers.get(&q.name).cloned())
                    .unwrap_or_default();
                let selected: HashSet<&str> = value.split_whitespace().collect();
                let (kind, choices) = match &q.kind {
                    QuestionKind::Text => (
                        if q.appearance
                            .as_deref()
                            .is_some_and(|a| a.contains("multiline"))
                        {
                            "textarea"
                        } else {
                            "text"
                        },
                        Vec::new(),
                    ),
                    QuestionKind::Integer => ("integer", Vec::new()),
                    QuestionKind::Decimal => ("decimal", Vec::new()),
                    QuestionKind::Range { .. } => ("range", Vec::new()),
                    QuestionKind::Date => ("date", Vec::new()),
                    QuestionKind::Time => ("time", Vec::new()),
                    QuestionKind::DateTime => ("datetime", Vec::new()),
                    QuestionKind::Acknowledge => ("acknowledge", Vec::new()),
                    QuestionKind::Note => ("note", Vec::new()),
                    QuestionKind::SelectOne { .. } | QuestionKind::SelectMultiple { .. } => {
                        let multiple = q.kind.is_multiple();
                        let cs = ev
                            .choices(&q.name)
                            .into_iter()
                            .enumerate()
                            .map(|(k, c)| ChoiceView {
                                value: c.name.clone(),
                                label: c.label.get(lang).to_owned(),
                                id: format!("q-{}-{k}", q.name),
                                checked: selected.contains(c.name.as_str()),
                            })
                            .collect();
                        (
                            if multiple {
                                "select_multiple"
                            } else {
                                "select_one"
                            },
                            cs,
                        )
                    }
                    _ => ("unsupported", Vec::new()),
                };
                let (min, max, step) = match &q.kind {
                    QuestionKind::Range { start, end, step } => {
                        (start.to_string(), end.to_string(), step.to_string())
                    }
                    _ => Default::default(),
                };
                out.push(Field {
                    kind,
                    name: q.name.clone(),
                    id: format!("q-{}", q.name),
                    label: q.label.get(lang).to_owned(),
                    hint: q.hint.get(lang).to_owned(),
                    required: q
                        .required
                        .as_deref()
                        .is_some_and(|r| r != "false()" && !r.is_empty()),
                    visible: s.relevant,
                    value,
                    choices,
                    error: errors.get(&q.name).cloned(),
                    min,
                    max,
                    step,
                });
            }
        }
    }
}

/// A posted survey page, parsed.
struct Posted {
    csrf: Option<String>,
    page: usize,
    action: String,
    shown: HashSet<String>,
    values: HashMap<String, Vec<String>>,
}

fn parse_posted(fields: Vec<(String, String)>, lang: Lang) -> Result<Posted, AppError> {
    if fields.len() > MAX_FIELDS {
        return Err(AppError::BadRequest(lang));
    }
    let mut p = Posted {
        csrf: None,
        page: 0,
        action: String::new(),
        shown: HashSet::new(),
        values: HashMap::new(),
    };
    for (k, v) in fields {
        match k.as_str() {
            "csrf_token" => p.csrf = Some(v),
            "page" => p.page = v.parse().map_err(|_| AppError::BadRequest(lang))?,
            "action" => p.action = v,
            "shown" => p.shown = v.split_whitespace().map(str::to_owned).collect(),
            _ => {
                if let Some(name) = k.strip_prefix("q.") {
                    p.values.entry(name.to_owned()).or_default().push(v);
                }
            }
        }
    }
    Ok(p)
}

/// The answers of a page merged into the stored ones: values the type check rejects are not
/// taken (their raw text is kept for showing the page again, with the error).
struct Merged {
    answers: BTreeMap<String, String>,
    raw: HashMap<String, String>,
    errors: BTreeMap<String, String>,
}

fn merge(
    state: &AppState,
    form: &Form,
    page: &Page,
    stored: &BTreeMap<String, String>,
    posted: &Posted,
    lang: Lang,
) -> Merged {
    let t = state.catalog.table(lang);
    let msg = |k: &str| t.get(k).cloned().unwrap_or_default();
    let mut answers = stored.clone();
    let mut raw = HashMap::new();
    let mut errors = BTreeMap::new();
    let mut qs = Vec::new();
    page_questions(form, &page.items, &mut qs);
    for i in qs {
        let q = form.question_at(i).expect("index from the form");
        if !answerable(&q.kind) {
            continue;
        }
        let parts = posted.values.get(&q.name);
        let value = match parts {
            Some(vs) if q.kind.is_multiple() => vs
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
            Some(vs) => vs.last().map(|s| s.trim().to_owned()).unwrap_or_default(),
            None => String::new(),
        };
        if value.chars().count() > MAX_ANSWER_CHARS {
            errors.insert(q.name.clone(), msg("survey.too_long"));
            raw.insert(
                q.name.clone(),
                value.chars().take(MAX_ANSWER_CHARS).collect(),
            );
            continue;
        }
        if form.check_value(&q.name, &value).is_err() {
            let key = match q.kind {
                QuestionKind::Integer => "survey.bad_integer",
                QuestionKind::Decimal | QuestionKind::Range { .. } => "survey.bad_number",
                QuestionKind::Date => "survey.bad_date",
                QuestionKind::Time | QuestionKind::DateTime => "survey.bad_time",
                QuestionKind::SelectOne { .. } | QuestionKind::SelectMultiple { .. } => {
                    "survey.bad_choice"
                }
                _ => "survey.bad_value",
            };
            errors.insert(q.name.clone(), msg(key));
            raw.insert(q.name.clone(), value);
            continue;
        }
        if value.is_empty() {
            answers.remove(&q.name);
        } else {
            answers.insert(q.name.clone(), value);
        }
    }
    // Choices left out by a choice_filter are not among the choices either.
    let ev = evaluate(form, &answers, lang);
    let mut qs = Vec::new();
    page_questions(form, &page.items, &mut qs);
    for i in qs {
        let q = form.question_at(i).expect("index from the form");
        let s = &ev.states[i];
        if let (Some(allowed), Some(v)) = (&s.choices, answers.get(&q.name)) {
            if v.split_whitespace()
                .any(|c| !allowed.iter().any(|a| a == c))
            {
                errors.insert(q.name.clone(), msg("survey.bad_choice"));
                raw.insert(q.name.clone(), v.clone());
                answers.remove(&q.name);
            }
        }
        if s.constraint_failed && s.relevant {
            if let Some(v) = answers.remove(&q.name) {
                errors.insert(
                    q.name.clone(),
                    s.constraint_message.clone().unwrap_or_default(),
                );
                raw.insert(q.name.clone(), v);
            }
        }
    }
    Merged {
        answers,
        raw,
        errors,
    }
}

/// The answers as submitted: only relevant questions, with the computed values.
fn final_answers(
    form: &Form,
    answers: &BTreeMap<String, String>,
    lang: Lang,
) -> BTreeMap<String, String> {
    let ev = evaluate(form, answers, lang);
    let mut out = BTreeMap::new();
    for (i, q) in form.questions().enumerate() {
        let s = &ev.states[i];
        if !s.evaluated || !s.relevant || q.repeat.is_some() {
            continue;
        }
        if (q.calculation.is_some() || answerable(&q.kind)) && !s.value.is_empty() {
            out.insert(q.name.clone(), s.value.clone());
        }
    }
    out
}

/// `POST /s/{token}`: saves the page (every rule checked again), then goes on, back, or
/// submits. Answers are acknowledged (303) only after the store committed them.
pub async fn save(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(token): Path<String>,
    PostedForm(fields): PostedForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let posted = parse_posted(fields, lang)?;
    v.check_csrf(posted.csrf.as_deref())?;
    let ctx = load(&state, &token, lang).await?;
    if ctx.submitted {
        return Ok(Redirect::to(&format!("/s/{token}")).into_response());
    }
    if ctx.wave_status != WaveStatus::Open {
        return closed(&state, &v, &ctx);
    }
    let form = ctx.form.clone();
    let pages = pages(&form);
    let p = posted.page.min(pages.len().saturating_sub(1));
    let mut m = merge(&state, &form, &pages[p], &ctx.stored, &posted, lang);
    let ev = evaluate(&form, &m.answers, lang);
    let visible = visible_pages(&form, &pages, &ev);
    let going_on = matches!(posted.action.as_str(), "next" | "submit");
    if going_on {
        // Only the questions the respondent saw: one that just appeared is shown first.
        let mut e = BTreeMap::new();
        page_errors(&form, &pages[p], &ev, &required_text(&state, lang), &mut e);
        for (k, v) in e {
            if posted.shown.contains(&k) {
                m.errors.entry(k).or_insert(v);
            }
        }
    }
    // Questions that appeared on this page because of its own answers: show them first.
    let mut now_shown = Vec::new();
    {
        let mut qs = Vec::new();
        page_questions(&form, &pages[p].items, &mut qs);
        for i in qs {
            let q = form.question_at(i).expect("index from the form");
            if shown_kind(&q.kind) && ev.states[i].relevant {
                now_shown.push(q.name.clone());
            }
        }
    }
    let appeared = now_shown.iter().any(|n| !posted.shown.contains(n));
    let store = &state.store;
    let save = |answers: BTreeMap<String, String>, page: usize, submit: bool| {
        let inv = ctx.inv.id;
        async move {
            store
                .save_survey(inv, &answers, page as i64, submit)
                .await
                .map_err(|e| AppError::internal(lang, e))
        }
    };
    let stay = !m.errors.is_empty() || (going_on && appeared);
    if stay {
        let outcome = save(m.answers.clone(), p, false).await?;
        if outcome == SaveOutcome::WaveNotOpen {
            return closed(&state, &v, &ctx);
        }
        let status = if m.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_page(
            &state,
            &v,
            &token,
            &ctx,
            &pages,
            &visible,
            p,
            &m.answers,
            &m.raw,
            &m.errors,
            PageNotice {
                saved: false,
                more: m.errors.is_empty(),
            },
            status,
        );
    }
    let pos = visible.iter().position(|&x| x == p);
    let (target, submit) = match posted.action.as_str() {
        "prev" => (
            pos.and_then(|i| i.checked_sub(1))
                .map(|i| visible[i])
                .unwrap_or(p),
            false,
        ),
        "next" => (
            pos.and_then(|i| visible.get(i + 1).copied())
                .unwrap_or_else(|| nearest(&visible, p + 1)),
            false,
        ),
        "submit" => {
            // Every page must be complete, not only this one.
            if let Some(bad) = visible.iter().copied().find(|&q| {
                let mut e = BTreeMap::new();
                page_errors(&form, &pages[q], &ev, "", &mut e);
                !e.is_empty()
            }) {
                save(m.answers, bad, false).await?;
                return Ok(Redirect::to(&format!("/s/{token}?page={bad}&check=1")).into_response());
            }
            (p, true)
        }
        _ => (p, false),
    };
    let answers = if submit {
        final_answers(&form, &m.answers, lang)
    } else {
        m.answers
    };
    match save(answers, target, submit).await? {
        SaveOutcome::WaveNotOpen => closed(&state, &v, &ctx),
        SaveOutcome::Submitted | SaveOutcome::AlreadySubmitted => {
            Ok(Redirect::to(&format!("/s/{token}")).into_response())
        }
        SaveOutcome::Saved if posted.action == "save" => {
            Ok(Redirect::to(&format!("/s/{token}?page={target}&saved=1")).into_response())
        }
        SaveOutcome::Saved => {
            Ok(Redirect::to(&format!("/s/{token}?page={target}")).into_response())
        }
    }
}

/// `POST /s/{token}/relevance`: which questions of the posted page are visible with its
/// answers (for the script; stores nothing). JSON: `{"visible": [names]}`.
pub async fn relevance(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(token): Path<String>,
    PostedForm(fields): PostedForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let posted = parse_posted(fields, lang)?;
    v.check_csrf(posted.csrf.as_deref())?;
    let ctx = load(&state, &token, lang).await?;
    let pages = pages(&ctx.form);
    let p = posted.page.min(pages.len().saturating_sub(1));
    let m = merge(&state, &ctx.form, &pages[p], &ctx.stored, &posted, lang);
    let ev = evaluate(&ctx.form, &m.answers, lang);
    let mut qs = Vec::new();
    page_questions(&ctx.form, &pages[p].items, &mut qs);
    let visible: Vec<String> = qs
        .into_iter()
        .filter(|&i| ev.states[i].relevant)
        .filter_map(|i| ctx.form.question_at(i))
        .filter(|q| shown_kind(&q.kind))
        .map(|q| q.name.clone())
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::json!({ "visible": visible }).to_string(),
    )
        .into_response())
}

/// `GET /static/survey.js`.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/survey.js"),
    )
        .into_response()
}
