//! One answer for its coder and what the coder does there: codings by selection, by offsets
//! or of the whole answer, suggestions, slow-question candidates, finishing.

use super::*;

/// The response at queue position `pos` (1-based) of an assignment.
pub(super) fn item_at(a: &Assignment, pos: usize, lang: Lang) -> Result<ResponseId, AppError> {
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
pub(super) async fn answer_page(
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
    let by_key: BTreeMap<&str, &Code> = book.codes.iter().map(|c| (c.key.as_str(), c)).collect();
    let own: Vec<Coding> = store
        .assignment_codings(a.id, Some(user.id))
        .await?
        .into_iter()
        .filter(|c| c.segment.response == rid)
        .collect();
    let open = !a.has_finished(user.id);
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
    // The shared coding component (issue 20): the answer is one unit.
    let names = super::documents::code_names(std::slice::from_ref(&book), lang);
    let marks: Vec<super::workbench::Mark> = own
        .iter()
        .map(|c| super::workbench::Mark {
            id: c.id.0,
            code: c.code,
            start: c.segment.start,
            end: c.segment.end,
            memo: c.memo.clone(),
        })
        .collect();
    let length = text.chars().count();
    let units = vec![super::workbench::Unit {
        speaker: None,
        start: 0,
        end: length,
    }];
    let wb = super::workbench::render(&text, &units, 0..1, &marks, &names, 160);
    let folders = store.folder_codes().await?;
    let tree = super::workbench::code_tree(&book, &folders, lang);
    // The question by its label, never its variable name (issue 20).
    let question_label = form
        .questions()
        .find(|q| q.name == a.question)
        .map(|q| q.label.get(code_lang).to_owned())
        .filter(|l| !l.is_empty())
        .unwrap_or_default();
    let mut res = crate::page::render(
        state,
        v,
        "coding_answer.html",
        minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            question => question_label,
            pos => pos,
            total => a.items.len(),
            prev => (pos > 1).then(|| pos - 1),
            next => (pos < a.items.len()).then(|| pos + 1),
            length => length,
            wb => wb,
            part => 1,
            parts => 1,
            tree => tree,
            book => book.id.0,
            action => format!("{}{}", state.base, answer_url(id, pos)),
            network => network,
            wave => wave.name,
            form_title => form.title(code_lang),
            closed => closed,
            suggestions => suggestions,
            slow => slow,
            open => open,
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// Parses a code-point offset field.
/// The page again with the refusal's message, or 404 for one that hides the resource.
#[allow(clippy::too_many_arguments)]
pub(super) async fn refused(
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
pub(super) async fn coder_post(
    state: &AppState,
    v: &Visitor,
    csrf_token: Option<&str>,
    id: i64,
    pos: usize,
) -> Result<(User, Assignment, ResponseId), AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?.clone();
    v.check_csrf(csrf_token)?;
    let a = visible_assignment(state, &user, id, lang).await?;
    if !a.is_coder(user.id) {
        return Err(AppError::NotFound(lang));
    }
    let rid = item_at(&a, pos, lang)?;
    Ok((user, a, rid))
}

pub(super) fn answer_url(id: i64, pos: usize) -> String {
    format!("/coding/assignments/{id}/answers/{pos}")
}

/// `POST …/answers/{pos}/codings`: a coding of a span (offsets in code points, from the
/// selection script or typed) or of the whole answer (`whole=1`).
pub async fn add_coding(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    HtmlForm(f): HtmlForm<CodingForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (user, a, rid) = coder_post(&state, &v, f.csrf_token.as_deref(), id, pos).await?;
    let coding = match NewCoding::try_from(&f) {
        Ok(c) => c,
        Err(FormRefusal::TooLong) => return Err(AppError::BadRequest(lang)),
        Err(FormRefusal::Message("coding_ui.err_unknown_code")) => {
            return refused(&state, &v, &user, id, pos, Refusal::UnknownCode).await
        }
        Err(FormRefusal::Message(key)) => {
            let msg = state.catalog.t(lang, key);
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
    };
    let (start, end) = match coding.extent {
        Extent::Span(s, e) => (s, e),
        Extent::Whole => {
            let text = state
                .store
                .responses(None)
                .await?
                .into_iter()
                .find(|r| r.id == rid)
                .and_then(|r| r.answers.get(&a.question).cloned())
                .unwrap_or_default();
            (0, text.chars().count())
        }
    };
    let code = if f.invivo.is_some() {
        let text = state
            .store
            .responses(None)
            .await?
            .into_iter()
            .find(|r| r.id == rid)
            .and_then(|r| r.answers.get(&a.question).cloned())
            .unwrap_or_default();
        let Some(selection) = leernet_core::span_text(&text, start, end) else {
            let len = text.chars().count();
            return refused(
                &state,
                &v,
                &user,
                id,
                pos,
                Refusal::OutsideText { start, end, len },
            )
            .await;
        };
        match super::document_coding::make_in_vivo(&state, &user, a.codebook, selection).await? {
            Ok(c) => c,
            Err(Refusal::Incomplete) => {
                let msg = state.catalog.t(lang, "documents_ui.err_no_selection");
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
            Err(r) => return refused(&state, &v, &user, id, pos, r).await,
        }
    } else {
        coding.code
    };
    let span = SpanCode {
        response: rid,
        code,
        start,
        end,
        memo: coding.memo,
    };
    match state
        .store
        .add_assignment_coding(a.id, user.id, &span)
        .await?
    {
        Ok(_) => Ok(Redirect::to(&state.link(&answer_url(id, pos))).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST …/answers/{pos}/codings/{coding}/delete`: removes one of the coder's own codings.
pub async fn delete_coding(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos, coding)): Path<(i64, usize, i64)>,
    HtmlForm(f): HtmlForm<CsrfOnly>,
) -> Result<Response, AppError> {
    let (user, a, _) = coder_post(&state, &v, f.csrf_token.as_deref(), id, pos).await?;
    match state
        .store
        .delete_assignment_coding(a.id, user.id, CodingId(coding))
        .await?
    {
        Ok(()) => Ok(Redirect::to(&state.link(&answer_url(id, pos))).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST …/answers/{pos}/codings/{coding}`: another code or memo for one of the coder's own
/// codings.
pub async fn change_coding(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos, coding)): Path<(i64, usize, i64)>,
    HtmlForm(f): HtmlForm<super::document_coding::ChangeForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (user, a, _) = coder_post(&state, &v, f.csrf_token.as_deref(), id, pos).await?;
    let memo = f.memo.trim();
    if memo.chars().count() > MAX_NOTE {
        return Err(AppError::BadRequest(lang));
    }
    let Ok(code) = f.code.trim().parse::<i64>().map(CodeId) else {
        return refused(&state, &v, &user, id, pos, Refusal::UnknownCode).await;
    };
    match state
        .store
        .change_assignment_coding(a.id, user.id, CodingId(coding), code, memo)
        .await?
    {
        Ok(()) => Ok(Redirect::to(&state.link(&answer_url(id, pos))).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST …/answers/{pos}/suggestions`: accepts (`decision=accept`) or rejects a suggestion.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    HtmlForm(f): HtmlForm<SuggestionForm>,
) -> Result<Response, AppError> {
    let (user, a, rid) = coder_post(&state, &v, f.csrf_token.as_deref(), id, pos).await?;
    let choice = match SuggestionChoice::try_from(&f) {
        Ok(c) => c,
        Err(e) => return form_refused(&state, &v, &user, id, pos, e).await,
    };
    let span = SpanCode {
        response: rid,
        code: choice.code,
        start: choice.start,
        end: choice.end,
        memo: String::new(),
    };
    match state
        .store
        .decide_suggestion(a.id, user.id, &span, choice.decision, state.now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&state.link(&answer_url(id, pos))).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST …/answers/{pos}/slow`: confirms or rejects a slow-question candidate.
pub async fn judge_slow(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    HtmlForm(f): HtmlForm<SlowForm>,
) -> Result<Response, AppError> {
    let (user, a, rid) = coder_post(&state, &v, f.csrf_token.as_deref(), id, pos).await?;
    let verdict = match SlowVerdict::try_from(&f) {
        Ok(j) => j,
        Err(e) => return form_refused(&state, &v, &user, id, pos, e).await,
    };
    let (start, end, status) = (verdict.start, verdict.end, verdict.status);
    match state
        .store
        .judge_slow_question(rid, &a.question, start, end, status, user.id, state.now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&state.link(&answer_url(id, pos))).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r).await,
    }
}

/// `POST /coding/assignments/{id}/finish`: the coder is done; their codings are final.
pub async fn finish(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<CsrfOnly>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let a = visible_assignment(&state, user, id, lang).await?;
    match state
        .store
        .finish_assignment(a.id, user.id, state.now())
        .await?
    {
        Ok(()) => {
            Ok(Redirect::to(&state.link(&format!("/coding/assignments/{id}"))).into_response())
        }
        Err(Refusal::NotACoder) => Err(AppError::NotFound(lang)),
        Err(r) => {
            let (key, status) = refusal(&r);
            assignment_page(&state, &v, user, id, Some(key), status).await
        }
    }
}

/// What a coder posts to decide on a suggestion (`POST …/answers/{pos}/suggestions`): the
/// fields as text, checked by [`SuggestionChoice::try_from`].
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SuggestionForm {
    pub csrf_token: Option<String>,
    /// `accept` or `reject`.
    pub decision: String,
    /// The suggested code's id.
    pub code: String,
    /// The suggested span, in code points.
    pub start: String,
    pub end: String,
}

/// A decision on a suggestion, from a [`SuggestionForm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuggestionChoice {
    pub decision: SuggestionDecision,
    pub code: CodeId,
    pub start: usize,
    pub end: usize,
}

/// What a coder posts to judge a slow-question candidate (`POST …/answers/{pos}/slow`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SlowForm {
    pub csrf_token: Option<String>,
    /// `confirmed` or `rejected`.
    pub status: String,
    /// The candidate's span, in code points.
    pub start: String,
    pub end: String,
}

/// A verdict on a slow-question candidate, from a [`SlowForm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlowVerdict {
    pub status: SlowStatus,
    pub start: usize,
    pub end: usize,
}

/// Why a coder's form was refused before anything was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoderFormError {
    /// Neither `accept` nor `reject`.
    Decision,
    /// Neither `confirmed` nor `rejected`.
    SlowStatus,
    /// A code that is no whole number.
    Code,
    /// A start or end that is no whole number of 0 or more.
    Span,
}

impl CoderFormError {
    /// The message's key in the catalogue.
    pub fn key(self) -> &'static str {
        match self {
            CoderFormError::Decision => "coding_ui.err_decision",
            CoderFormError::SlowStatus => "coding_ui.err_slow_status",
            CoderFormError::Code => "coding_ui.err_unknown_code",
            CoderFormError::Span => "coding_ui.err_span",
        }
    }
}

/// A span's start and end as posted: whole numbers of code points.
fn span_of(start: &str, end: &str) -> Result<(usize, usize), CoderFormError> {
    match (start.trim().parse(), end.trim().parse()) {
        (Ok(s), Ok(e)) => Ok((s, e)),
        _ => Err(CoderFormError::Span),
    }
}

impl TryFrom<&SuggestionForm> for SuggestionChoice {
    type Error = CoderFormError;

    fn try_from(f: &SuggestionForm) -> Result<SuggestionChoice, CoderFormError> {
        let decision = match f.decision.as_str() {
            "accept" => SuggestionDecision::Accepted,
            "reject" => SuggestionDecision::Rejected,
            _ => return Err(CoderFormError::Decision),
        };
        let code = f
            .code
            .trim()
            .parse::<i64>()
            .map_err(|_| CoderFormError::Code)?;
        let (start, end) = span_of(&f.start, &f.end)?;
        Ok(SuggestionChoice {
            decision,
            code: CodeId(code),
            start,
            end,
        })
    }
}

impl TryFrom<&SlowForm> for SlowVerdict {
    type Error = CoderFormError;

    fn try_from(f: &SlowForm) -> Result<SlowVerdict, CoderFormError> {
        let status = match f.status.as_str() {
            "confirmed" => SlowStatus::Confirmed,
            "rejected" => SlowStatus::Rejected,
            _ => return Err(CoderFormError::SlowStatus),
        };
        let (start, end) = span_of(&f.start, &f.end)?;
        Ok(SlowVerdict { status, start, end })
    }
}

/// The answer's page again with the message of a refused form (422); nothing was stored.
async fn form_refused(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    pos: usize,
    e: CoderFormError,
) -> Result<Response, AppError> {
    let msg = state.catalog.t(v.lang.lang, e.key());
    answer_page(
        state,
        v,
        user,
        id,
        pos,
        Some(msg),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(decision: &str, code: &str, start: &str, end: &str) -> SuggestionForm {
        SuggestionForm {
            csrf_token: None,
            decision: decision.into(),
            code: code.into(),
            start: start.into(),
            end: end.into(),
        }
    }

    #[test]
    fn a_suggestion_form_becomes_a_choice() {
        assert_eq!(
            SuggestionChoice::try_from(&suggestion("reject", "7", "3", " 9")),
            Ok(SuggestionChoice {
                decision: SuggestionDecision::Rejected,
                code: CodeId(7),
                start: 3,
                end: 9,
            })
        );
    }

    #[test]
    fn a_suggestion_form_is_refused_for_each_bad_field() {
        for (form, want) in [
            (suggestion("", "7", "3", "9"), CoderFormError::Decision),
            (
                suggestion("Accept", "7", "3", "9"),
                CoderFormError::Decision,
            ),
            (suggestion("accept", "", "3", "9"), CoderFormError::Code),
            (
                suggestion("accept", "theory", "3", "9"),
                CoderFormError::Code,
            ),
            (suggestion("accept", "7", "-1", "9"), CoderFormError::Span),
            (suggestion("accept", "7", "3", "nine"), CoderFormError::Span),
        ] {
            assert_eq!(SuggestionChoice::try_from(&form), Err(want), "{form:?}");
        }
    }

    #[test]
    fn a_slow_form_is_refused_for_each_bad_field() {
        let slow = |status: &str, start: &str, end: &str| SlowForm {
            csrf_token: None,
            status: status.into(),
            start: start.into(),
            end: end.into(),
        };
        assert_eq!(
            SlowVerdict::try_from(&slow("confirmed", "0", "4")),
            Ok(SlowVerdict {
                status: SlowStatus::Confirmed,
                start: 0,
                end: 4
            })
        );
        for (form, want) in [
            (slow("maybe", "0", "4"), CoderFormError::SlowStatus),
            (slow("", "0", "4"), CoderFormError::SlowStatus),
            (slow("rejected", "", "4"), CoderFormError::Span),
            (slow("rejected", "0", "4.5"), CoderFormError::Span),
        ] {
            assert_eq!(SlowVerdict::try_from(&form), Err(want), "{form:?}");
        }
    }

    #[test]
    fn every_decision_kind_has_a_label_in_both_languages() {
        let catalog = leernet_report::catalog();
        for &k in leernet_store::DecisionKind::ALL {
            let key = format!("coding_ui.kind_{}", k.as_str());
            for lang in [Lang::Nl, Lang::En] {
                assert_ne!(catalog.t(lang, &key), format!("[{key}]"), "{lang:?}");
            }
        }
    }

    #[test]
    fn every_refusal_has_a_message_in_both_languages() {
        let catalog = leernet_report::catalog();
        for e in [
            CoderFormError::Decision,
            CoderFormError::SlowStatus,
            CoderFormError::Code,
            CoderFormError::Span,
        ] {
            for lang in [Lang::Nl, Lang::En] {
                let msg = catalog.t(lang, e.key());
                assert!(
                    !msg.is_empty() && msg != e.key(),
                    "{e:?} in {lang:?}: {msg}"
                );
            }
        }
    }
}
