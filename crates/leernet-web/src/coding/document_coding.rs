//! Blind double coding of documents (issue 20), as of answers: the lead makes an assignment
//! of documents for coders; each coder codes a document at
//! `/coding/assignments/{id}/documents/{n}` with the shared component (`workbench.rs`) —
//! a selection snapped to words, a whole speaker turn, or an in-vivo code — and sees only
//! their own codings; once every coder finished, the lead sees each document's codings side
//! by side and settles them into its consensus, logged with a reason.
//!
//! The server stays the judge: offsets are code points, checked by the store against the
//! document's length and refused with the document named; a coder reaches only the
//! documents of their own assignments (404 for any other).

use super::documents::{attributes, code_names, part_of, PartQuery, QUOTE_CHARS};
use super::workbench::{self, Mark};
use super::*;
use leernet_store::{DocumentSpanCode, NewDocumentAssignment};

/// The document at queue position `pos` (1-based) of an assignment.
fn document_at(a: &Assignment, pos: usize, lang: Lang) -> Result<DocumentId, AppError> {
    pos.checked_sub(1)
        .and_then(|i| a.documents.get(i))
        .copied()
        .ok_or(AppError::NotFound(lang))
}

pub(super) fn document_url(id: i64, pos: usize) -> String {
    format!("/coding/assignments/{id}/documents/{pos}")
}

/// `POST /coding/document-assignments`: the documents ticked, a name, a codebook and the
/// coders.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DocumentAssignmentForm {
    pub csrf_token: Option<String>,
    pub name: String,
    pub codebook: String,
    pub document: Vec<String>,
    pub coder: Vec<String>,
}

/// `POST /coding/document-assignments`: an assignment of the documents ticked for the coders
/// chosen; the maker is its lead.
pub async fn create(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    HtmlForm(f): HtmlForm<DocumentAssignmentForm>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let store = &state.store;
    let name = f.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return back(&state, &v, "documents_ui.err_incomplete").await;
    }
    let Ok(documents) = f
        .document
        .iter()
        .map(|d| d.trim().parse::<i64>().map(DocumentId))
        .collect::<Result<Vec<_>, _>>()
    else {
        return back(&state, &v, "documents_ui.err_incomplete").await;
    };
    let researchers: BTreeSet<PersonId> = store
        .persons()
        .await?
        .into_iter()
        .filter(|p| p.role == Role::Researcher)
        .map(|p| p.id)
        .collect();
    let mut coders = Vec::new();
    for c in &f.coder {
        match c.trim().parse::<i64>().map(PersonId) {
            Ok(p) if researchers.contains(&p) => coders.push(p),
            _ => return back(&state, &v, "coding_ui.err_coders").await,
        }
    }
    let books = store.codebooks().await?;
    let Some(book) = f
        .codebook
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|b| books.iter().find(|x| x.id.0 == b))
    else {
        return back(&state, &v, "coding_ui.err_codebook").await;
    };
    let new = NewDocumentAssignment {
        name,
        codebook: book.id,
        lead: user.id,
        coders,
        documents,
        at: state.now(),
    };
    match store.add_document_assignment(&new).await? {
        Ok(id) => {
            Ok(Redirect::to(&state.link(&format!("/coding/assignments/{}", id.0))).into_response())
        }
        Err(_) => back(&state, &v, "documents_ui.err_incomplete").await,
    }
}

/// The documents list again with a refusal of the assignment form (422; nothing stored).
async fn back(state: &AppState, v: &Visitor, key: &str) -> Result<Response, AppError> {
    let msg = state.catalog.t(v.lang.lang, key);
    super::documents::list_page(
        state,
        v,
        &super::documents::DocumentFilter::default(),
        Some(msg),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `GET /coding/assignments/{id}/documents/{pos}`: one document for its coder, with the
/// coder's own codings only.
pub async fn page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    Query(q): Query<PartQuery>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    coder_page(&state, &v, user, id, pos, q.part, None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn coder_page(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    pos: usize,
    part: Option<usize>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let a = visible_assignment(state, user, id, lang).await?;
    if !a.is_coder(user.id) {
        return Err(AppError::NotFound(lang));
    }
    let did = document_at(&a, pos, lang)?;
    let doc = store.document(did).await?.ok_or(AppError::NotFound(lang))?;
    let books = store.codebooks().await?;
    let book = books
        .iter()
        .find(|b| b.id == a.codebook)
        .ok_or(AppError::NotFound(lang))?;
    let names = code_names(std::slice::from_ref(book), lang);
    let marks: Vec<Mark> = store
        .assignment_document_codings(a.id, Some(user.id))
        .await?
        .into_iter()
        .filter(|c| c.span.document == did)
        .map(|c| Mark {
            id: c.id.0,
            code: c.code,
            start: c.span.start,
            end: c.span.end,
            memo: c.memo,
        })
        .collect();
    let units = workbench::units(&doc.text, &doc.turns);
    let (range, n, parts) = part_of(&units, part, lang)?;
    let wb = workbench::render(&doc.text, &units, range, &marks, &names, QUOTE_CHARS);
    let folders = store.folder_codes().await?;
    let mut res = crate::page::render(
        state,
        v,
        "coding_document_code.html",
        minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            pos => pos,
            total => a.documents.len(),
            prev => (pos > 1).then(|| pos - 1),
            next => (pos < a.documents.len()).then(|| pos + 1),
            doc => attributes(state, lang, &doc.info).await?,
            wb => wb,
            part => n,
            parts => parts,
            book => book.id.0,
            tree => workbench::code_tree(book, &folders, lang),
            action => format!("{}/coding/assignments/{}/documents/{pos}", state.base, a.id.0),
            open => !a.has_finished(user.id),
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// A coder's post on a document: the visitor, CSRF and place checked.
async fn coder_post(
    state: &AppState,
    v: &Visitor,
    csrf: Option<&str>,
    id: i64,
    pos: usize,
) -> Result<(User, Assignment, DocumentId), AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?.clone();
    v.check_csrf(csrf)?;
    let a = visible_assignment(state, &user, id, lang).await?;
    if !a.is_coder(user.id) {
        return Err(AppError::NotFound(lang));
    }
    let did = document_at(&a, pos, lang)?;
    Ok((user, a, did))
}

/// The page again with a refusal's message, or 404 for one that hides the resource.
#[allow(clippy::too_many_arguments)]
async fn refused(
    state: &AppState,
    v: &Visitor,
    user: &User,
    id: i64,
    pos: usize,
    r: Refusal,
    title: &str,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (key, status) = refusal(&r);
    if status == StatusCode::NOT_FOUND && r != Refusal::NoCoding {
        return Err(AppError::NotFound(lang));
    }
    let mut msg = state.catalog.t(lang, key);
    if let Refusal::OutsideText { start, end, len } = r {
        msg = state
            .catalog
            .t(lang, "documents_ui.err_outside")
            .replace("{title}", title)
            .replace("{start}", &start.to_string())
            .replace("{end}", &end.to_string())
            .replace("{len}", &len.to_string());
    }
    coder_page(state, v, user, id, pos, None, Some(msg), status).await
}

/// `POST …/documents/{pos}/codings`: a code on the selection (`start`, `end` in code
/// points), on a whole unit (`turn`, its index), or the selection as a new code (`invivo`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DocumentCodingForm {
    pub csrf_token: Option<String>,
    pub code: String,
    pub memo: String,
    pub start: String,
    pub end: String,
    pub turn: String,
    pub invivo: String,
    /// The part of the document the coder was on (to go back to it).
    pub part: String,
}

/// Where a coding form codes, from its fields.
pub(super) enum Where {
    Span(usize, usize),
    Unit(usize),
}

pub(super) fn where_of(start: &str, end: &str, turn: &str) -> Option<Where> {
    if !turn.trim().is_empty() {
        return turn.trim().parse().ok().map(Where::Unit);
    }
    match (start.trim().parse(), end.trim().parse()) {
        (Ok(s), Ok(e)) => Some(Where::Span(s, e)),
        _ => None,
    }
}

/// A key for an in-vivo code that is not yet in the book.
pub(super) fn in_vivo_key(book: &Codebook) -> String {
    let keys: BTreeSet<&str> = book.codes.iter().map(|c| c.key.as_str()).collect();
    (1..)
        .map(|n| format!("in_vivo.{n}"))
        .find(|k| !keys.contains(k.as_str()))
        .unwrap_or_default()
}

/// The name of an in-vivo code: the selection's words, at most 80 characters.
pub(super) fn in_vivo_name(selection: &str) -> String {
    let words = selection.split_whitespace().collect::<Vec<_>>().join(" ");
    let words = words.trim_matches(|c: char| !c.is_alphanumeric());
    if words.chars().count() > 80 {
        let cut: String = words.chars().take(79).collect();
        format!("{}…", cut.trim_end())
    } else {
        words.to_owned()
    }
}

/// Makes an in-vivo code named after `selection` in the assignment's codebook (logged as a
/// codebook change); its id, or the refusal's message key.
pub(super) async fn make_in_vivo(
    state: &AppState,
    user: &User,
    book: CodebookId,
    selection: &str,
) -> Result<Result<CodeId, Refusal>, AppError> {
    let name = in_vivo_name(selection);
    if name.is_empty() {
        return Ok(Err(Refusal::Incomplete));
    }
    let books = state.store.codebooks().await?;
    let Some(b) = books.iter().find(|b| b.id == book) else {
        return Ok(Err(Refusal::UnknownCode));
    };
    let fields = leernet_store::CodeFields {
        name: Bilingual {
            nl: name.clone(),
            en: name,
        },
        description: Bilingual::default(),
        inclusion: Bilingual::default(),
        exclusion: Bilingual::default(),
        examples: Bilingual::default(),
        colour: None,
    };
    Ok(state
        .store
        .add_code_logged(
            book,
            &in_vivo_key(b),
            None,
            &fields,
            user.id,
            "in vivo",
            state.now(),
        )
        .await?)
}

/// `POST /coding/assignments/{id}/documents/{pos}/codings`.
pub async fn add(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    HtmlForm(f): HtmlForm<DocumentCodingForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (user, a, did) = coder_post(&state, &v, f.csrf_token.as_deref(), id, pos).await?;
    let memo = f.memo.trim().to_owned();
    if memo.chars().count() > MAX_NOTE {
        return Err(AppError::BadRequest(lang));
    }
    let doc = state
        .store
        .document(did)
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let title = doc.info.title.clone();
    let say = |key: &str| state.catalog.t(lang, key);
    let (start, end) = match where_of(&f.start, &f.end, &f.turn) {
        Some(Where::Span(s, e)) => (s, e),
        Some(Where::Unit(k)) => match workbench::units(&doc.text, &doc.turns).get(k) {
            Some(u) => (u.start, u.end),
            None => {
                return coder_page(
                    &state,
                    &v,
                    &user,
                    id,
                    pos,
                    None,
                    Some(say("documents_ui.err_unit")),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        },
        None => {
            return coder_page(
                &state,
                &v,
                &user,
                id,
                pos,
                None,
                Some(say("documents_ui.err_no_selection")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let code = if !f.invivo.is_empty() {
        let Some(selection) = leernet_core::span_text(&doc.text, start, end) else {
            let len = doc.text.chars().count();
            return refused(
                &state,
                &v,
                &user,
                id,
                pos,
                Refusal::OutsideText { start, end, len },
                &title,
            )
            .await;
        };
        match make_in_vivo(&state, &user, a.codebook, selection).await? {
            Ok(c) => c,
            Err(Refusal::Incomplete) => {
                return coder_page(
                    &state,
                    &v,
                    &user,
                    id,
                    pos,
                    None,
                    Some(say("documents_ui.err_no_selection")),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(r) => return refused(&state, &v, &user, id, pos, r, &title).await,
        }
    } else {
        match f.code.trim().parse::<i64>() {
            Ok(c) => CodeId(c),
            Err(_) => {
                return coder_page(
                    &state,
                    &v,
                    &user,
                    id,
                    pos,
                    None,
                    Some(say("documents_ui.err_no_code")),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        }
    };
    let span = DocumentSpanCode {
        document: did,
        code,
        start,
        end,
        memo,
    };
    match state
        .store
        .add_assignment_document_coding(a.id, user.id, &span)
        .await?
    {
        Ok(_) => Ok(Redirect::to(&state.link(&back_to(id, pos, &f.part))).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r, &title).await,
    }
}

/// The coder's page again, on the part they were on.
fn back_to(id: i64, pos: usize, part: &str) -> String {
    match part.trim().parse::<usize>() {
        Ok(p) if p > 1 => format!("{}?part={p}", document_url(id, pos)),
        _ => document_url(id, pos),
    }
}

/// `POST …/documents/{pos}/codings/{coding}`: another code or memo for one of the coder's
/// own codings.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    pub csrf_token: Option<String>,
    pub code: String,
    pub memo: String,
    pub part: String,
}

/// `POST /coding/assignments/{id}/documents/{pos}/codings/{coding}`.
pub async fn change(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos, coding)): Path<(i64, usize, i64)>,
    HtmlForm(f): HtmlForm<ChangeForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let (user, a, did) = coder_post(&state, &v, f.csrf_token.as_deref(), id, pos).await?;
    let memo = f.memo.trim();
    if memo.chars().count() > MAX_NOTE {
        return Err(AppError::BadRequest(lang));
    }
    let title = state
        .store
        .document(did)
        .await?
        .map(|d| d.info.title)
        .unwrap_or_default();
    let Ok(code) = f.code.trim().parse::<i64>().map(CodeId) else {
        return refused(&state, &v, &user, id, pos, Refusal::UnknownCode, &title).await;
    };
    match state
        .store
        .change_assignment_document_coding(a.id, user.id, DocumentCodingId(coding), code, memo)
        .await?
    {
        Ok(()) => Ok(Redirect::to(&state.link(&back_to(id, pos, &f.part))).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r, &title).await,
    }
}

/// `POST /coding/assignments/{id}/documents/{pos}/codings/{coding}/delete`.
pub async fn delete(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos, coding)): Path<(i64, usize, i64)>,
    HtmlForm(f): HtmlForm<ChangeForm>,
) -> Result<Response, AppError> {
    let (user, a, _) = coder_post(&state, &v, f.csrf_token.as_deref(), id, pos).await?;
    match state
        .store
        .delete_assignment_document_coding(a.id, user.id, DocumentCodingId(coding))
        .await?
    {
        Ok(()) => Ok(Redirect::to(&state.link(&back_to(id, pos, &f.part))).into_response()),
        Err(r) => refused(&state, &v, &user, id, pos, r, "").await,
    }
}

/// The lead's side-by-side view of an assignment of documents: per document, every coder's
/// codings with their code names and quotes, the consensus so far, and a form to settle it.
pub(super) async fn disagreements_page(
    state: &AppState,
    v: &Visitor,
    a: &Assignment,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let names = person_names(&store.persons().await?);
    let codes = code_names(&store.codebooks().await?, lang);
    let all = store.assignment_document_codings(a.id, None).await?;
    let consensus = store.assignment_document_consensus(a.id).await?;
    let settled = store.settled_documents(a.id).await?;
    let mut rows = Vec::new();
    for (i, did) in a.documents.iter().enumerate() {
        let Some(doc) = store.document(*did).await? else {
            continue;
        };
        let quote = |s: usize, e: usize| {
            let q = leernet_core::span_text(&doc.text, s, e).unwrap_or("");
            let short: String = q.chars().take(QUOTE_CHARS).collect();
            if q.chars().count() > QUOTE_CHARS {
                format!("{}…", short.trim_end())
            } else {
                short
            }
        };
        let mine: Vec<_> = all.iter().filter(|c| c.span.document == *did).collect();
        let sets: Vec<BTreeSet<(CodeId, usize, usize)>> = a
            .coders
            .iter()
            .map(|c| {
                mine.iter()
                    .filter(|x| x.coder == c.coder)
                    .map(|x| (x.code, x.span.start, x.span.end))
                    .collect()
            })
            .collect();
        let columns: Vec<_> = a
            .coders
            .iter()
            .map(|c| {
                minijinja::context! {
                    coder => names.get(&c.coder).cloned().unwrap_or_default(),
                    codings => mine.iter().filter(|x| x.coder == c.coder).map(|x| minijinja::context! {
                        id => x.id.0,
                        code => codes.get(&x.code).cloned().unwrap_or_default(),
                        quote => quote(x.span.start, x.span.end),
                        memo => x.memo.clone(),
                    }).collect::<Vec<_>>(),
                }
            })
            .collect();
        rows.push(minijinja::context! {
            pos => i + 1,
            title => doc.info.title.clone(),
            agree => sets.windows(2).all(|w| w[0] == w[1]),
            columns => columns,
            settled => consensus.iter().filter(|c| c.span.document == *did).map(|x| minijinja::context! {
                code => codes.get(&x.code).cloned().unwrap_or_default(),
                quote => quote(x.span.start, x.span.end),
            }).collect::<Vec<_>>(),
            is_settled => settled.contains(did),
        });
    }
    let mut res = crate::page::render(
        state,
        v,
        "coding_document_disagreements.html",
        minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            coders => a.coders.iter().map(|c| names.get(&c.coder).cloned().unwrap_or_default()).collect::<Vec<_>>(),
            rows => rows,
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /coding/assignments/{id}/documents/{pos}/consensus`: the lead settles one
/// document: the coders' codings ticked (`take`, by id) become its consensus, with a reason.
pub async fn settle(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, pos)): Path<(i64, usize)>,
    HtmlForm(f): HtmlForm<SettleForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let a = match super::consensus::lead_assignment(&state, &v, user, id).await? {
        Ok(a) => a,
        Err(res) => return Ok(res),
    };
    let did = document_at(&a, pos, lang)?;
    let all = state.store.assignment_document_codings(a.id, None).await?;
    let mut spans = Vec::new();
    let why = f.why.trim().to_owned();
    if why.chars().count() > MAX_NOTE {
        return Err(AppError::BadRequest(lang));
    }
    for t in &f.take {
        let found = t
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|t| all.iter().find(|c| c.id.0 == t && c.span.document == did));
        let Some(c) = found else {
            let msg = state.catalog.t(lang, "coding_ui.err_no_coding");
            return disagreements_page(&state, &v, &a, Some(msg), StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        };
        let s = DocumentSpanCode {
            document: did,
            code: c.code,
            start: c.span.start,
            end: c.span.end,
            memo: c.memo.clone(),
        };
        // two coders' identical codings settle into one
        if !spans
            .iter()
            .any(|x: &DocumentSpanCode| (x.code, x.start, x.end) == (s.code, s.start, s.end))
        {
            spans.push(s);
        }
    }
    match state
        .store
        .settle_document(a.id, user.id, did, &spans, &why, state.now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&state.link(&format!(
            "/coding/assignments/{id}/disagreements#document-{pos}"
        )))
        .into_response()),
        Err(r) => {
            let (key, status) = refusal(&r);
            let msg = state.catalog.t(lang, key);
            disagreements_page(&state, &v, &a, Some(msg), status).await
        }
    }
}

/// The query of the differences page: the minimum overlap of two segments in percent.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DifferencesQuery {
    pub overlap: Option<String>,
}

/// How much of a speaker turn or paragraph the differences page shows.
const UNIT_CHARS: usize = 600;

/// Cuts a text to `max` characters, with an ellipsis when it was longer.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        let cut: String = text.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    } else {
        text.to_owned()
    }
}

/// `GET /coding/assignments/{id}/differences/{code}`: where the coders of an assignment of
/// documents differ on one code — each speaker turn or paragraph in which the code is not
/// present for every coder, or a coder's passage finds no passage of the others at the
/// overlap chosen — with the turn and each coder's passages side by side, and the way to
/// settle its document. What the agreement page counts as disagreement, one click from its
/// figure. The lead only, once every coder finished.
pub async fn differences(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, code)): Path<(i64, i64)>,
    Query(q): Query<DifferencesQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    let overlap_pct = super::consensus::overlap_of(q.overlap.as_deref(), lang)?;
    let a = match super::consensus::lead_assignment(&state, &v, user, id).await? {
        Ok(a) => a,
        Err(res) => return Ok(res),
    };
    if a.documents.is_empty() {
        return Err(AppError::NotFound(lang));
    }
    let store = &state.store;
    let books = store.codebooks().await?;
    let code = books
        .iter()
        .find(|b| b.id == a.codebook)
        .and_then(|b| b.codes.iter().find(|c| c.id.0 == code))
        .ok_or(AppError::NotFound(lang))?
        .id;
    let names = code_names(&books, lang);
    let persons = person_names(&store.persons().await?);
    let docs = super::consensus::assignment_documents(store, &a).await?;
    let codings = store.assignment_document_codings(a.id, None).await?;
    let coders: Vec<PersonId> = a.coders.iter().map(|c| c.coder).collect();
    let overlap = f64::from(overlap_pct) / 100.0;
    let found = coding_agreement::document_differences(&docs, &codings, &coders, code, overlap);
    let say = |k: &str| state.catalog.t(lang, k);
    let rows: Vec<_> = found
        .iter()
        .enumerate()
        .filter_map(|(n, d)| {
            let doc = docs.iter().find(|x| x.info.id == d.document)?;
            let pos = a.documents.iter().position(|x| *x == d.document)? + 1;
            let place = if doc.turns.is_empty() {
                say("coding_ui.paragraph_n").replace("{n}", &(d.unit + 1).to_string())
            } else {
                doc.turns.get(d.unit).map(|t| t.speaker.clone()).unwrap_or_default()
            };
            let quote = |(s, e): (usize, usize)| {
                shortened(leernet_core::span_text(&doc.text, s, e).unwrap_or(""), QUOTE_CHARS)
            };
            Some(minijinja::context! {
                n => n + 1,
                title => doc.info.title.clone(),
                place => place,
                speaker => !doc.turns.is_empty(),
                text => shortened(leernet_core::span_text(&doc.text, d.span.0, d.span.1).unwrap_or(""), UNIT_CHARS),
                columns => coders.iter().zip(&d.spans).map(|(c, spans)| minijinja::context! {
                    coder => persons.get(c).cloned().unwrap_or_default(),
                    quotes => spans.iter().map(|s| quote(*s)).collect::<Vec<_>>(),
                }).collect::<Vec<_>>(),
                settle => state.link(&format!("/coding/assignments/{id}/disagreements#document-{pos}")),
                open => state.link(&format!("/coding/documents/{}?at={}", d.document.0, d.span.0)),
            })
        })
        .collect();
    crate::page::render(
        &state,
        &v,
        "coding_differences.html",
        minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            code => names.get(&code).cloned().unwrap_or_default(),
            overlap => overlap_pct,
            coders => coders.iter().map(|c| persons.get(c).cloned().unwrap_or_default()).collect::<Vec<_>>(),
            rows => rows,
        },
    )
}
