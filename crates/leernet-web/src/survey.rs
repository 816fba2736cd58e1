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
//! their own, in sheet order. With `style` = `one-per-page` on the form's settings sheet,
//! each question is a page of its own (a `field-list` group and a repeat stay one page); the
//! page number and a progress bar show how far the respondent is, and a returning respondent
//! lands on the question where they left off. Pages whose questions are all hidden are skipped. Answers are
//! saved on every page, so a respondent can leave and come back through the same link;
//! submitting is idempotent (the store refuses a second submission of the same response).
//!
//! Repeats (`begin repeat`): each instance is a fieldset with a legend ("Kind 2") and a
//! "remove" button; below the last one an "add another" button. Both are ordinary submit
//! buttons (`action=add:NAME`, `action=remove:NAME:K`), so they work without JavaScript (a
//! round trip that saves the page first); with a `repeat_count` the number of instances
//! follows the form and there are no buttons. Instances are stored in the response's answer
//! map in the flat layout of [`leernet_xlsform::Answers::from_flat`] (`kid` = `"2"`,
//! `kid[1]/age`, `kid[2]/age`), and every instance is checked with the XLSForm engine like
//! the top level (types, choices, constraints, relevance, required). A repeat inside a
//! repeat is not offered in the browser: it shows a notice.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form as PostedForm;
use leernet_core::{InvitationToken, Lang, ResponseStatus, WaveStatus};
use leernet_store::{InvitationKind, InvitationRow, SaveOutcome};
use leernet_xlsform::{
    Answers, EvalOptions, Evaluation, Form, Item, Prefill, QuestionKind, QuestionState,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

pub mod preview;

/// The longest answer accepted in one field (characters); imports hold cells to it too.
pub use leernet_xlsform::MAX_ANSWER_CHARS;
/// The most fields one posted page may carry.
const MAX_FIELDS: usize = 2_000;
/// The most instances of one repeat a respondent may add in the browser.
pub const MAX_INSTANCES: usize = 50;

/// One page: the items of a top-level group, or a run of top-level questions.
#[derive(Debug, Clone)]
struct Page {
    group: Option<usize>,
    items: Vec<Item>,
}

/// Whether the form asks for one question per page: `style` on the settings sheet holds
/// `one-per-page` (leernet's own word; Enketo's `pages` style is what leernet does anyway).
pub fn one_per_page(form: &Form) -> bool {
    form.setting("style").is_some_and(|s| {
        s.split_whitespace()
            .any(|w| matches!(w, "one-per-page" | "one-question-per-page"))
    })
}

/// One question per page: each shown question is a page; a group with the `field-list`
/// appearance stays one page (as in ODK Collect), and so does a repeat.
fn question_pages(form: &Form, items: &[Item], group: Option<usize>, out: &mut Vec<Page>) {
    for item in items {
        match item {
            Item::Question(q) => {
                let kind = &form.question_at(*q).expect("index from the form").kind;
                if shown_kind(kind) {
                    out.push(Page {
                        group,
                        items: vec![*item],
                    });
                }
            }
            Item::Group(gi) => {
                let g = &form.groups()[*gi];
                if g.repeat {
                    out.push(Page {
                        group: Some(*gi),
                        items: vec![*item],
                    });
                } else if g
                    .appearance
                    .as_deref()
                    .is_some_and(|a| a.split_whitespace().any(|w| w == "field-list"))
                {
                    out.push(Page {
                        group: Some(*gi),
                        items: g.items.clone(),
                    });
                } else {
                    question_pages(form, &g.items, Some(*gi), out);
                }
            }
        }
    }
}

fn pages(form: &Form) -> Vec<Page> {
    if one_per_page(form) {
        let mut out = Vec::new();
        question_pages(form, form.items(), None, &mut out);
        if out.is_empty() {
            out.push(Page {
                group: None,
                items: Vec::new(),
            });
        }
        return out;
    }
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
                // A repeat is a page of its own that holds the repeat (its instances).
                let group = &form.groups()[*g];
                out.push(Page {
                    group: Some(*g),
                    items: if group.repeat {
                        vec![*item]
                    } else {
                        group.items.clone()
                    },
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

/// The respondent's previous questionnaire, for `${last-saved#question}`.
type Last<'a> = Option<&'a Answers>;

/// Evaluates the form at `now` (days since 1970-01-01, from the app's clock: a `today()`
/// in the form reads it), with the respondent's previous questionnaire for
/// `${last-saved#…}`.
fn evaluate<'f>(
    form: &'f Form,
    a: &BTreeMap<String, String>,
    lang: Lang,
    now: f64,
    last: Last<'_>,
) -> Evaluation<'f> {
    form.evaluate(
        &Answers::from_flat(form, a),
        &EvalOptions {
            lang: lang.code(),
            now: Some(now),
            last_saved: last,
        },
    )
}

/// Whether any text of the form refers to `${last-saved#…}` (only then is the previous
/// questionnaire looked up).
pub(crate) fn uses_last_saved(form: &Form) -> bool {
    const REF: &str = "${last-saved#";
    form.questions().any(|q| {
        [
            &q.default,
            &q.calculation,
            &q.relevant,
            &q.constraint,
            &q.required,
            &q.read_only,
            &q.choice_filter,
        ]
        .into_iter()
        .flatten()
        .any(|s| s.contains(REF))
            || q.label.values.values().any(|s| s.contains(REF))
            || q.hint.values.values().any(|s| s.contains(REF))
    })
}

/// The answers a questionnaire starts with, as ODK fills a new one: each top-level
/// question's `default`, a literal as written, an expression (`${last-saved#x}`,
/// `today()`) evaluated when the questionnaire is first opened.
fn initial_answers(form: &Form, lang: Lang, now: f64, last: Last<'_>) -> BTreeMap<String, String> {
    let mut a = form.default_answers().to_flat();
    let opts = EvalOptions {
        lang: lang.code(),
        now: Some(now),
        last_saved: last,
    };
    let start = Answers::from_flat(form, &a);
    for q in form.questions() {
        let Some(d) = &q.default else { continue };
        if q.repeat.is_some() || a.contains_key(&q.name) || !answerable(&q.kind) {
            continue;
        }
        if let Ok(v) = leernet_xlsform::answers::eval_text(form, &start, d, &opts) {
            if !v.is_empty() {
                a.insert(q.name.clone(), v);
            }
        }
    }
    a
}

/// Whether a page shows anything now.
fn page_visible(form: &Form, page: &Page, ev: &Evaluation<'_>) -> bool {
    let mut qs = Vec::new();
    page_questions(form, &page.items, &mut qs);
    let mut reps = Vec::new();
    page_repeats(form, &page.items, &mut reps);
    qs.iter().any(|&i| {
        let q = form.question_at(i).expect("index from the form");
        shown_kind(&q.kind) && ev.states[i].relevant
    }) || reps.iter().any(|&g| group_relevant(ev, g))
}

fn group_relevant(ev: &Evaluation<'_>, g: usize) -> bool {
    ev.groups_relevant.get(g).copied().flatten().unwrap_or(true)
}

/// The repeats of a page (group indices), not those inside another repeat.
fn page_repeats(form: &Form, items: &[Item], out: &mut Vec<usize>) {
    for item in items {
        if let Item::Group(gi) = item {
            let g = &form.groups()[*gi];
            if g.repeat {
                out.push(*gi);
            } else {
                page_repeats(form, &g.items, out);
            }
        }
    }
}

/// The key of a question in instance `k` (0-based) of repeat `rep`, as stored.
fn instance_key(rep: &str, k: usize, name: &str) -> String {
    format!("{rep}[{}]/{name}", k + 1)
}

/// One answerable place on a page: a question at the top level, or in one repeat instance.
struct Slot {
    key: String,
    q: usize,
    /// The repeat's name and the instance (0-based).
    inst: Option<(String, usize)>,
}

/// Every question of a page with its stored key: the top level's, then each instance's.
fn slots(form: &Form, page: &Page, ev: &Evaluation<'_>) -> Vec<Slot> {
    let mut out = Vec::new();
    let mut qs = Vec::new();
    page_questions(form, &page.items, &mut qs);
    for q in qs {
        let name = &form.question_at(q).expect("index from the form").name;
        out.push(Slot {
            key: name.clone(),
            q,
            inst: None,
        });
    }
    let mut reps = Vec::new();
    page_repeats(form, &page.items, &mut reps);
    for g in reps {
        let g = &form.groups()[g];
        let n = ev.repeats.get(&g.name).map_or(0, Vec::len);
        let mut qs = Vec::new();
        page_questions(form, &g.items, &mut qs);
        for k in 0..n {
            for &q in &qs {
                let name = &form.question_at(q).expect("index from the form").name;
                out.push(Slot {
                    key: instance_key(&g.name, k, name),
                    q,
                    inst: Some((g.name.clone(), k)),
                });
            }
        }
    }
    out
}

/// The state of a slot's question in an evaluation of the same answers.
fn slot_state<'e>(ev: &'e Evaluation<'_>, slot: &Slot) -> Option<&'e QuestionState> {
    match &slot.inst {
        None => ev.states.get(slot.q),
        Some((r, k)) => ev
            .repeats
            .get(r)
            .and_then(|l| l.get(*k))
            .and_then(|e| e.states.get(slot.q)),
    }
}

/// The number of instances of a repeat in the answers.
fn instance_count(form: &Form, answers: &BTreeMap<String, String>, rep: &str) -> usize {
    Answers::from_flat(form, answers)
        .repeats
        .get(rep)
        .map_or(0, Vec::len)
}

/// Sets the number of instances of a repeat: instances above `n` are dropped.
fn set_count(answers: &mut BTreeMap<String, String>, rep: &str, n: usize) {
    let prefix = format!("{rep}[");
    answers.retain(|k, _| match k.strip_prefix(&prefix) {
        Some(rest) => rest
            .split_once("]/")
            .and_then(|(i, _)| i.parse::<usize>().ok())
            .is_some_and(|i| i >= 1 && i <= n),
        None => true,
    });
    if n == 0 {
        answers.remove(rep);
    } else {
        answers.insert(rep.to_owned(), n.to_string());
    }
}

/// Removes instance `k` (1-based) of a repeat; the ones after it move up.
fn remove_instance(answers: &mut BTreeMap<String, String>, rep: &str, k: usize, n: usize) {
    let prefix = format!("{rep}[");
    let mut moved = Vec::new();
    answers.retain(|key, v| {
        let Some((i, rest)) = key
            .strip_prefix(&prefix)
            .and_then(|r| r.split_once("]/"))
            .and_then(|(i, rest)| Some((i.parse::<usize>().ok()?, rest)))
        else {
            return true;
        };
        if i == k {
            return false;
        }
        if i > k {
            moved.push((format!("{rep}[{}]/{rest}", i - 1), v.clone()));
            return false;
        }
        true
    });
    answers.extend(moved);
    set_count(answers, rep, n.saturating_sub(1));
}

/// Makes the repeats with a `repeat_count` hold as many instances as it says (at most
/// [`MAX_INSTANCES`]); returns the evaluation of the answers as they are then (what
/// [`evaluate`] gives for them), so that the caller need not evaluate the form again.
fn follow_repeat_counts<'f>(
    form: &'f Form,
    answers: &mut BTreeMap<String, String>,
    lang: Lang,
    now: f64,
    last: Last<'_>,
) -> Evaluation<'f> {
    // A count may depend on answers inside instances: settle in a few rounds.
    for _ in 0..3 {
        let ev = evaluate(form, answers, lang, now, last);
        let mut changed = false;
        let mut counts: Vec<(&String, &usize)> = ev.repeat_counts.iter().collect();
        counts.sort();
        for (rep, &c) in counts {
            let c = c.min(MAX_INSTANCES);
            if ev.repeats.get(rep).map_or(0, Vec::len) != c {
                set_count(answers, rep, c);
                changed = true;
            }
        }
        if !changed {
            return ev;
        }
    }
    evaluate(form, answers, lang, now, last)
}

fn visible_pages(form: &Form, pages: &[Page], ev: &Evaluation<'_>) -> Vec<usize> {
    (0..pages.len())
        .filter(|&p| page_visible(form, &pages[p], ev))
        .collect()
}

/// What the respondent reaches through a token, loaded and checked.
struct Ctx {
    /// The link was revoked (issue 18): it takes no answers, as a closed wave.
    revoked: bool,
    inv: InvitationRow,
    wave_status: WaveStatus,
    form: Arc<Form>,
    stored: BTreeMap<String, String>,
    submitted: bool,
    /// No response was started yet: the questionnaire starts from its defaults.
    fresh: bool,
    /// The same respondent's previous questionnaire of this instrument, when the form
    /// refers to it.
    last_saved: Option<Answers>,
    /// What the invitation already knows (`bind::leernet:prefill`), by question name: filled
    /// in on every save, whatever was posted, and not asked.
    filled: BTreeMap<String, String>,
}

impl Ctx {
    fn last(&self) -> Last<'_> {
        self.last_saved.as_ref()
    }

    /// The answers a page starts from: the stored ones, or the defaults of a new
    /// questionnaire.
    fn base(&self, lang: Lang, now: f64) -> BTreeMap<String, String> {
        let mut answers = if self.fresh {
            initial_answers(&self.form, lang, now, self.last())
        } else {
            self.stored.clone()
        };
        self.fill(&mut answers);
        answers
    }

    /// Forgets posted values for what the invitation knows: they were not asked, so they
    /// are neither checked nor stored.
    fn unask(&self, posted: &mut Posted) {
        for name in self.filled.keys() {
            posted.values.remove(name);
        }
    }

    /// Writes what the invitation knows over `answers` (a posted value for such a question
    /// does not count: the respondent was not asked it).
    fn fill(&self, answers: &mut BTreeMap<String, String>) {
        for (name, value) in &self.filled {
            answers.insert(name.clone(), value.clone());
        }
    }
}

/// What the invitation knows for the form's `bind::leernet:prefill` questions: the names of
/// its network and of the network's Werkplaats (read with the link, `Store::survey_link`).
fn filled_in(form: &Form, names: Option<(String, String)>) -> BTreeMap<String, String> {
    let Some((network, workplace)) = names else {
        return BTreeMap::new();
    };
    form.questions()
        .filter_map(|q| q.prefill().map(|p| (q.name.as_str(), p)))
        .map(|(name, p)| {
            let value = match p {
                Prefill::Network => network.clone(),
                Prefill::Werkplaats => workplace.clone(),
            };
            (name.to_owned(), value)
        })
        .collect()
}

/// The link's invitation, wave, response and prefilled names are one read
/// (`Store::survey_link`); the parsed form comes from the app's cache.
async fn load(state: &AppState, token: &str, lang: Lang) -> Result<Ctx, AppError> {
    let Ok(token) = InvitationToken::parse(token) else {
        return Err(AppError::NotFound(lang));
    };
    // test links too: their hidden wave is in no list of waves (`test_links.rs`)
    let link = state
        .store
        .survey_link(&token)
        .await
        .map_err(|e| AppError::internal(lang, e))?
        .ok_or(AppError::NotFound(lang))?;
    let (inv, wave, response) = (link.invitation, link.wave, link.response);
    let cached = state
        .cached_form(wave.instrument)
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let form = cached.form;
    let submitted = response
        .as_ref()
        .is_some_and(|r| r.status == ResponseStatus::Submitted);
    let last_saved = if !submitted && cached.uses_last_saved {
        state
            .store
            .last_submitted_answers(&inv)
            .await
            .map_err(|e| AppError::internal(lang, e))?
            .map(|a| Answers::from_flat(&form, &a))
    } else {
        None
    };
    let filled = filled_in(&form, link.network_names);
    Ok(Ctx {
        revoked: inv.revoked_at.is_some(),
        filled,
        inv,
        wave_status: wave.status,
        form,
        fresh: response.is_none(),
        stored: response.map(|r| r.answers).unwrap_or_default(),
        submitted,
        last_saved,
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
    // after submitting: the questionnaire's own closing text and whom to ask
    let closing = matches!(title_key, "survey.thanks_title" | "preview.done_title")
        .then(|| form.respondent_texts(v.lang.lang.code()))
        .filter(|r| r.thanks.is_some() || r.contact.is_some());
    let mut res = crate::page::render(
        state,
        v,
        "survey_message.html",
        minijinja::context! {
            form_title => form.title(v.lang.lang.code()),
            heading => t.get(title_key).cloned().unwrap_or_default(),
            text => t.get(text_key).cloned().unwrap_or_default(),
            closing => closing.map(|c| minijinja::Value::from_serialize(&c)),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

fn closed(state: &AppState, v: &Visitor, ctx: &Ctx) -> Result<Response, AppError> {
    let (title, text) = if ctx.revoked {
        ("waves2.revoked_title", "waves2.revoked")
    } else if ctx.wave_status == WaveStatus::Draft {
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
    if ctx.wave_status != WaveStatus::Open || ctx.revoked {
        return closed(&state, &v, &ctx);
    }
    let pages = pages(&ctx.form);
    let mut answers = ctx.base(lang, state.today());
    let ev = follow_repeat_counts(&ctx.form, &mut answers, lang, state.today(), ctx.last());
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
    let known = if ctx.inv.kind == InvitationKind::Network && visible.first() == Some(&p) {
        crate::workspace::indicators_ctx(&state, ctx.inv.network, lang).await?
    } else {
        None
    };
    render_page(
        &state,
        &v,
        &token,
        &ctx,
        &pages,
        &visible,
        p,
        &answers,
        &HashMap::new(),
        &errors,
        PageNotice {
            saved: q.saved == Some(1),
            more: false,
            known,
            ..PageNotice::default()
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
    for slot in slots(form, page, ev) {
        let q = form.question_at(slot.q).expect("index from the form");
        let Some(s) = slot_state(ev, &slot) else {
            continue;
        };
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
            out.entry(slot.key).or_insert(msg);
        } else if s.constraint_failed {
            out.entry(slot.key)
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
#[derive(Debug, Clone, Default)]
struct PageNotice {
    saved: bool,
    more: bool,
    /// On the first page of a network questionnaire: what the network's workspace log
    /// already says (`workspace::indicators_ctx`), so the facilitator answers from it.
    known: Option<minijinja::Value>,
    /// What the invitation filled in (question name to value): not asked, but shown with
    /// the question's label on the page that holds it.
    filled: BTreeMap<String, String>,
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
    let other = if v.lang.lang == Lang::Nl { "en" } else { "nl" };
    let notice = PageNotice {
        filled: ctx.filled.clone(),
        ..notice
    };
    let target = Target {
        action: format!("/s/{token}"),
        relevance: format!("/s/{token}/relevance"),
        switch: format!("/s/{token}?page={p}&lang={other}"),
        preview: None,
        back: String::new(),
    };
    render_form_page(
        state,
        v,
        &ctx.form,
        ctx.last(),
        &target,
        pages,
        visible,
        p,
        answers,
        raw,
        errors,
        notice,
        status,
    )
}

/// Where a rendered survey page sends its answers: a respondent's link, or a preview.
struct Target {
    /// The form's `action`.
    action: String,
    /// Where the script asks which questions are visible.
    relevance: String,
    /// The other language's page (a link; in a preview a button that carries the answers).
    switch: String,
    /// In a preview: the answers so far, carried in the form (nothing is stored).
    preview: Option<String>,
    /// In a preview: the questionnaire's page, to go back to.
    back: String,
}

/// One survey page as the respondent sees it (also the preview's page: `preview.rs`).
#[allow(clippy::too_many_arguments)]
fn render_form_page(
    state: &AppState,
    v: &Visitor,
    form: &Form,
    last: Last<'_>,
    target: &Target,
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
    let ev = evaluate(form, answers, lang, state.today(), last);
    let page = &pages[p];
    let mut fields = Vec::new();
    let mut shown = Vec::new();
    let t = state.catalog.table(lang);
    let c = Collect {
        form,
        answers,
        raw,
        errors,
        filled: &notice.filled,
        lang: code,
        add_text: t
            .get("fieldwork2.add_instance")
            .cloned()
            .unwrap_or_default(),
        remove_text: t
            .get("fieldwork2.remove_instance")
            .cloned()
            .unwrap_or_default(),
    };
    collect_fields(&c, &page.items, &ev, "", &mut fields, &mut shown);
    let has_repeat = fields.iter().any(|f| f.kind == "repeat");
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
            has_repeat => has_repeat,
            consent => (position == 0).then(|| form.setting_in("consent", code)).flatten(),
            intro => (position == 0)
                .then(|| form.respondent_texts(code))
                .filter(|r| r.has_intro())
                .map(|r| minijinja::Value::from_serialize(&r)),
            last => position + 1 >= visible.len(),
            fields => fields.iter().map(minijinja::Value::from_serialize).collect::<Vec<_>>(),
            errors => error_list,
            shown => shown.join(" "),
            csrf => csrf,
            action => target.action.clone(),
            relevance => target.relevance.clone(),
            saved => notice.saved,
            more => notice.more,
            known => notice.known,
            switch => target.switch.clone(),
            preview => target.preview.is_some(),
            carried => target.preview.clone().unwrap_or_default(),
            back => target.back.clone(),
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
    /// The value of the repeat's add or remove button (`add:kid`, `remove:kid:2`).
    action: String,
    /// That button's text.
    button: String,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ChoiceView {
    value: String,
    label: String,
    id: String,
    checked: bool,
}

/// What [`collect_fields`] needs besides the items.
struct Collect<'a> {
    form: &'a Form,
    answers: &'a BTreeMap<String, String>,
    raw: &'a HashMap<String, String>,
    errors: &'a BTreeMap<String, String>,
    /// Questions the invitation filled in: left out of the page.
    filled: &'a BTreeMap<String, String>,
    lang: &'a str,
    /// `survey.add_instance` and `survey.remove_instance` texts (with `{label}`).
    add_text: String,
    remove_text: String,
}

/// An HTML id from a stored key (`kid[2]/age` -> `kid-2-age`).
fn html_id(key: &str) -> String {
    key.chars()
        .map(|c| if matches!(c, '[' | ']' | '/') { '-' } else { c })
        .collect::<String>()
        .replace("--", "-")
        .trim_end_matches('-')
        .to_owned()
}

fn marker(kind: &'static str, name: String, id: String, label: String, visible: bool) -> Field {
    Field {
        kind,
        name,
        id,
        label,
        hint: String::new(),
        required: false,
        visible,
        value: String::new(),
        choices: Vec::new(),
        error: None,
        min: String::new(),
        max: String::new(),
        step: String::new(),
        action: String::new(),
        button: String::new(),
    }
}

/// The fields of `items` at one level: the top level (`prefix` empty, `ev` the form's
/// evaluation) or one repeat instance (`prefix` `kid[2]/`, `ev` that instance's).
fn collect_fields(
    c: &Collect<'_>,
    items: &[Item],
    ev: &Evaluation<'_>,
    prefix: &str,
    out: &mut Vec<Field>,
    shown: &mut Vec<String>,
) {
    let form = c.form;
    let lang = c.lang;
    for item in items {
        match item {
            Item::Group(gi) => {
                let g = &form.groups()[*gi];
                let relevant = group_relevant(ev, *gi);
                let label = g.label.get(lang).to_owned();
                if g.repeat && prefix.is_empty() {
                    collect_repeat(c, *gi, ev, out, shown);
                    continue;
                }
                let key = format!("{prefix}{}", g.name);
                let mut f = marker(
                    if g.repeat { "unsupported" } else { "heading" },
                    key.clone(),
                    format!("g-{}", html_id(&key)),
                    label,
                    relevant,
                );
                f.hint = g.hint.get(lang).to_owned();
                out.push(f);
                if !g.repeat {
                    collect_fields(c, &g.items, ev, prefix, out, shown);
                }
            }
            Item::Question(i) => {
                let q = form.question_at(*i).expect("index from the form");
                if !shown_kind(&q.kind) {
                    continue;
                }
                if let Some(value) = c.filled.get(&q.name).filter(|_| prefix.is_empty()) {
                    // known from the invitation: shown, not asked (but counted as seen, so
                    // that the page does not think it just appeared)
                    shown.push(q.name.clone());
                    let mut f = marker(
                        "filled",
                        q.name.clone(),
                        format!("q-{}", html_id(&q.name)),
                        q.label.get(lang).to_owned(),
                        true,
                    );
                    f.value = value.clone();
                    out.push(f);
                    continue;
                }
                let key = format!("{prefix}{}", q.name);
                let id = format!("q-{}", html_id(&key));
                let s = &ev.states[*i];
                if s.relevant {
                    shown.push(key.clone());
                }
                let value = c
                    .raw
                    .get(&key)
                    .cloned()
                    .or_else(|| c.answers.get(&key).cloned())
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
                            .map(|(k, ch)| ChoiceView {
                                value: ch.name.clone(),
                                label: ch.label.get(lang).to_owned(),
                                id: format!("{id}-{k}"),
                                checked: selected.contains(ch.name.as_str()),
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
                    name: key.clone(),
                    id,
                    label: q.label.get(lang).to_owned(),
                    hint: q.hint.get(lang).to_owned(),
                    required: q
                        .required
                        .as_deref()
                        .is_some_and(|r| r != "false()" && !r.is_empty()),
                    visible: s.relevant,
                    value,
                    choices,
                    error: c.errors.get(&key).cloned(),
                    min,
                    max,
                    step,
                    action: String::new(),
                    button: String::new(),
                });
            }
        }
    }
}

/// A repeat: its heading, a fieldset per instance (with a remove button), and the add
/// button; with a `repeat_count`, no buttons.
fn collect_repeat(
    c: &Collect<'_>,
    gi: usize,
    ev: &Evaluation<'_>,
    out: &mut Vec<Field>,
    shown: &mut Vec<String>,
) {
    let g = &c.form.groups()[gi];
    let relevant = group_relevant(ev, gi);
    let label = {
        let l = g.label.get(c.lang);
        if l.is_empty() {
            g.name.clone()
        } else {
            l.to_owned()
        }
    };
    let fixed = g.repeat_count.is_some();
    if relevant {
        shown.push(g.name.clone());
    }
    let mut head = marker(
        "repeat",
        g.name.clone(),
        format!("g-{}", html_id(&g.name)),
        label.clone(),
        relevant,
    );
    head.hint = g.hint.get(c.lang).to_owned();
    out.push(head);
    let instances = ev.repeats.get(&g.name).map(Vec::as_slice).unwrap_or(&[]);
    for (k, inst) in instances.iter().enumerate() {
        let key = format!("{}[{}]", g.name, k + 1);
        let numbered = format!("{label} {}", k + 1);
        let mut f = marker(
            "instance",
            key.clone(),
            format!("g-{}", html_id(&key)),
            numbered.clone(),
            relevant,
        );
        if !fixed {
            f.action = format!("remove:{}:{}", g.name, k + 1);
            f.button = c.remove_text.replace("{label}", &numbered);
        }
        out.push(f.clone());
        collect_fields(c, &g.items, inst, &format!("{key}/"), out, shown);
        let mut end = marker("instance_end", key, String::new(), String::new(), relevant);
        end.action = f.action.clone();
        end.button = f.button.clone();
        out.push(end);
    }
    let mut end = marker(
        "repeat_end",
        g.name.clone(),
        String::new(),
        String::new(),
        relevant,
    );
    if !fixed && instances.len() < MAX_INSTANCES {
        end.action = format!("add:{}", g.name);
        end.button = c.add_text.replace("{label}", &label);
    }
    out.push(end);
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
    last: Last<'_>,
) -> Merged {
    let t = state.catalog.table(lang);
    let msg = |k: &str| t.get(k).cloned().unwrap_or_default();
    let mut answers = stored.clone();
    let ev = follow_repeat_counts(form, &mut answers, lang, state.today(), last);
    let mut raw = HashMap::new();
    let mut errors = BTreeMap::new();
    // The instances are the stored ones: a posted value for another instance is ignored.
    for slot in slots(form, page, &ev) {
        let q = form.question_at(slot.q).expect("index from the form");
        if !answerable(&q.kind) {
            continue;
        }
        let parts = posted.values.get(&slot.key);
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
            errors.insert(slot.key.clone(), msg("survey.too_long"));
            raw.insert(slot.key, value.chars().take(MAX_ANSWER_CHARS).collect());
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
            errors.insert(slot.key.clone(), msg(key));
            raw.insert(slot.key, value);
            continue;
        }
        if value.is_empty() {
            answers.remove(&slot.key);
        } else {
            answers.insert(slot.key, value);
        }
    }
    // Choices left out by a choice_filter are not among the choices either.
    let ev = follow_repeat_counts(form, &mut answers, lang, state.today(), last);
    for slot in slots(form, page, &ev) {
        let Some(s) = slot_state(&ev, &slot) else {
            continue;
        };
        if let (Some(allowed), Some(v)) = (&s.choices, answers.get(&slot.key)) {
            if v.split_whitespace()
                .any(|c| !allowed.iter().any(|a| a == c))
            {
                errors.insert(slot.key.clone(), msg("survey.bad_choice"));
                raw.insert(slot.key.clone(), v.clone());
                answers.remove(&slot.key);
            }
        }
        if s.constraint_failed && s.relevant {
            if let Some(v) = answers.remove(&slot.key) {
                errors.insert(
                    slot.key.clone(),
                    s.constraint_message.clone().unwrap_or_default(),
                );
                raw.insert(slot.key, v);
            }
        }
    }
    Merged {
        answers,
        raw,
        errors,
    }
}

/// The answers as submitted: only relevant questions, with the computed values; the
/// instances of relevant repeats likewise (a repeat that is not relevant keeps none).
/// `ev` is the evaluation of the answers to submit (the caller has it already).
fn final_answers(form: &Form, ev: &Evaluation<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let keep = |q: &leernet_xlsform::Question, s: &QuestionState| {
        s.evaluated
            && s.relevant
            && (q.calculation.is_some() || answerable(&q.kind))
            && !s.value.is_empty()
    };
    for (i, q) in form.questions().enumerate() {
        let s = &ev.states[i];
        if q.repeat.is_none() && keep(q, s) {
            out.insert(q.name.clone(), s.value.clone());
        }
    }
    for (gi, g) in form.groups().iter().enumerate() {
        let Some(instances) = ev.repeats.get(&g.name) else {
            continue;
        };
        if !g.repeat || instances.is_empty() || !group_relevant(ev, gi) {
            continue;
        }
        out.insert(g.name.clone(), instances.len().to_string());
        for (k, inst) in instances.iter().enumerate() {
            for (i, q) in form.questions().enumerate() {
                let s = &inst.states[i];
                if q.repeat.as_deref() == Some(g.name.as_str()) && keep(q, s) {
                    out.insert(instance_key(&g.name, k, &q.name), s.value.clone());
                }
            }
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
    let mut posted = parse_posted(fields, lang)?;
    v.check_csrf(posted.csrf.as_deref())?;
    let ctx = load(&state, &token, lang).await?;
    ctx.unask(&mut posted);
    if ctx.submitted {
        return Ok(Redirect::to(&format!("/s/{token}")).into_response());
    }
    if ctx.wave_status != WaveStatus::Open || ctx.revoked {
        return closed(&state, &v, &ctx);
    }
    let form = ctx.form.clone();
    let pages = pages(&form);
    let p = posted.page.min(pages.len().saturating_sub(1));
    let mut m = merge(
        &state,
        &form,
        &pages[p],
        &ctx.base(lang, state.today()),
        &posted,
        lang,
        ctx.last(),
    );
    ctx.fill(&mut m.answers);
    let ev = evaluate(&form, &m.answers, lang, state.today(), ctx.last());
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
    let now_shown = shown_on(&form, &pages[p], &ev);
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
    // Adding or removing a repeat instance: the page is saved first, then comes back.
    if let Some(anchor) = repeat_action(&form, &pages[p], &mut m.answers, &posted.action) {
        let outcome = save(m.answers.clone(), p, false).await?;
        if outcome == SaveOutcome::WaveNotOpen {
            return closed(&state, &v, &ctx);
        }
        if m.errors.is_empty() {
            return Ok(Redirect::to(&format!("/s/{token}?page={p}#{anchor}")).into_response());
        }
        let ev = evaluate(&form, &m.answers, lang, state.today(), ctx.last());
        let visible = visible_pages(&form, &pages, &ev);
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
            PageNotice::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
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
                ..PageNotice::default()
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
        // `ev` is the evaluation of `m.answers`, unchanged since
        final_answers(&form, &ev)
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

/// The keys of the page's questions (and repeats) that are visible now.
fn shown_on(form: &Form, page: &Page, ev: &Evaluation<'_>) -> Vec<String> {
    let mut out: Vec<String> = slots(form, page, ev)
        .into_iter()
        .filter(|slot| {
            let q = form.question_at(slot.q).expect("index from the form");
            shown_kind(&q.kind) && slot_state(ev, slot).is_some_and(|s| s.relevant)
        })
        .map(|slot| slot.key)
        .collect();
    let mut reps = Vec::new();
    page_repeats(form, &page.items, &mut reps);
    for g in reps {
        if group_relevant(ev, g) {
            out.push(form.groups()[g].name.clone());
        }
    }
    out
}

/// Applies `add:NAME` or `remove:NAME:K` to a repeat of this page (one without a
/// `repeat_count`); returns the id to show the result at, or None when the action is not
/// one of these (or names no repeat of the page, or an instance that does not exist).
fn repeat_action(
    form: &Form,
    page: &Page,
    answers: &mut BTreeMap<String, String>,
    action: &str,
) -> Option<String> {
    let (verb, rest) = action.split_once(':')?;
    let (name, k) = match verb {
        "add" => (rest, None),
        "remove" => {
            let (n, k) = rest.split_once(':')?;
            (n, Some(k.parse::<usize>().ok()?))
        }
        _ => return None,
    };
    let mut reps = Vec::new();
    page_repeats(form, &page.items, &mut reps);
    let g = reps
        .into_iter()
        .map(|g| &form.groups()[g])
        .find(|g| g.name == name && g.repeat_count.is_none())?;
    let n = instance_count(form, answers, &g.name);
    match k {
        None if n < MAX_INSTANCES => {
            set_count(answers, &g.name, n + 1);
            Some(format!("g-{}", html_id(&format!("{}[{}]", g.name, n + 1))))
        }
        None => Some(format!("g-{}", html_id(&g.name))),
        Some(k) if (1..=n).contains(&k) => {
            remove_instance(answers, &g.name, k, n);
            Some(format!("g-{}", html_id(&g.name)))
        }
        Some(_) => None,
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
    let mut posted = parse_posted(fields, lang)?;
    v.check_csrf(posted.csrf.as_deref())?;
    let ctx = load(&state, &token, lang).await?;
    ctx.unask(&mut posted);
    let pages = pages(&ctx.form);
    let p = posted.page.min(pages.len().saturating_sub(1));
    let mut m = merge(
        &state,
        &ctx.form,
        &pages[p],
        &ctx.base(lang, state.today()),
        &posted,
        lang,
        ctx.last(),
    );
    ctx.fill(&mut m.answers);
    let ev = evaluate(&ctx.form, &m.answers, lang, state.today(), ctx.last());
    let visible = shown_on(&ctx.form, &pages[p], &ev);
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
