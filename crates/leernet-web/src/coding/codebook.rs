//! The codebook pages: codes with their criteria, examples and colours, adding and
//! changing codes with a reason, and the codebook's versions.

use super::*;

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
pub(super) async fn codebook_by_id(
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

pub(super) fn code_view(c: &Code, book: &Codebook) -> minijinja::Value {
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    minijinja::context! {
        id => c.id.0,
        key => c.key.clone(),
        // the parent by its names, never its key (issue 18: no internals on a page)
        parent_nl => c.parent.and_then(|p| book.codes.iter().find(|x| x.id == p)).map(|p| p.name.nl.clone()),
        parent_en => c.parent.and_then(|p| book.codes.iter().find(|x| x.id == p)).map(|p| p.name.en.clone()),
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

pub(super) async fn codebook_page(
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
    let ours: Vec<_> = store
        .coding_decisions(None)
        .await?
        .into_iter()
        .filter(|d| d.code.is_some_and(|c| ids.contains(&c)))
        .collect();
    let log = super::log::rows(state, lang, ours).await?;
    let versions: Vec<_> = store
        .codebook_versions(book.id)
        .await?
        .into_iter()
        .rev()
        .map(|ver| {
            minijinja::context! {
                version => ver.version,
                at => ver.at.map(|at| crate::lang::local_date_time(at, lang)),
                who => ver.person.and_then(|p| names.get(&p).cloned()),
                why => ver.reason,
            }
        })
        .collect();
    // each code's memos, by id
    let mut memos: BTreeMap<CodeId, Vec<minijinja::Value>> = BTreeMap::new();
    for m in store.memos().await? {
        let Some(code) = m.code.filter(|c| ids.contains(c)) else {
            continue;
        };
        memos.entry(code).or_default().push(minijinja::context! {
            id => m.id.0,
            title => m.title,
            text => m.text,
            author => m.author.and_then(|p| names.get(&p).cloned()),
        });
    }
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
                memos => memos.remove(&c.id).unwrap_or_default(),
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
            at => made.at.map(|at| crate::lang::local_date_time(at, lang)),
            who => made.person.and_then(|p| names.get(&p).cloned()),
            why => made.reason,
            codes => codes,
        },
    )
}

/// The codebook page again with a form's refusal (422), or 400 for a text no page posts.
async fn code_refused(
    state: &AppState,
    v: &Visitor,
    id: i64,
    r: FormRefusal,
) -> Result<Response, AppError> {
    match r {
        FormRefusal::TooLong => Err(AppError::BadRequest(v.lang.lang)),
        FormRefusal::Message(key) => {
            codebook_page(state, v, id, Some(key), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /coding/codebooks/{id}/codes`: adds a code (key, parent, names, descriptions,
/// criteria, examples, colour), with a reason for the log; the codebook's next version.
pub async fn add_code(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<CodeForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    if f.too_long() {
        return Err(AppError::BadRequest(lang));
    }
    let store = &state.store;
    let book = codebook_by_id(store, id, lang).await?;
    let key = match f.key() {
        Ok(k) => k,
        Err(r) => return code_refused(&state, &v, id, r).await,
    };
    let parent = match f.parent() {
        Ok(None) => None,
        Ok(Some(c)) if book.codes.iter().any(|x| x.id == c) => Some(c),
        _ => {
            let r = FormRefusal::Message("coding_ui.err_unknown_code");
            return code_refused(&state, &v, id, r).await;
        }
    };
    let fields = match CodeFields::try_from(&f) {
        Ok(x) => x,
        Err(r) => return code_refused(&state, &v, id, r).await,
    };
    match store
        .add_code_logged(book.id, key, parent, &fields, user.id, &f.why, state.now())
        .await?
    {
        Ok(_) => Ok(Redirect::to(&state.link(&format!("/coding/codebooks/{id}"))).into_response()),
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
    HtmlForm(f): HtmlForm<CodeForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    if f.too_long() {
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
    let fields = match CodeFields::try_from(&f) {
        Ok(x) => x,
        Err(r) => return code_refused(&state, &v, id, r).await,
    };
    match store
        .change_code_logged(CodeId(code), &fields, user.id, &f.why, state.now())
        .await?
    {
        Ok(()) => Ok(
            Redirect::to(&state.link(&format!("/coding/codebooks/{id}#code-{code}")))
                .into_response(),
        ),
        Err(r) => {
            let (key, status) = refusal(&r);
            codebook_page(&state, &v, id, Some(key), status).await
        }
    }
}

/// `POST /coding/codebooks/{id}/codes/{code}/memos` and `POST /coding/memos/{memo}`: a
/// memo's title (may be empty) and text.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CodeMemoForm {
    pub csrf_token: Option<String>,
    pub title: String,
    pub text: String,
}

/// The longest memo title accepted.
const MAX_MEMO_TITLE: usize = 200;

impl CodeMemoForm {
    /// The trimmed title and text; `Err(None)` for a text no page posts (400), `Err(Some)`
    /// with the message key for an empty text (422).
    fn checked(&self) -> Result<(&str, &str), Option<&'static str>> {
        let (title, text) = (self.title.trim(), self.text.trim());
        if title.chars().count() > MAX_MEMO_TITLE || text.chars().count() > MAX_NOTE {
            return Err(None);
        }
        if text.is_empty() {
            return Err(Some("documents_ui.err_memo"));
        }
        Ok((title, text))
    }
}

/// The codebook holding `code`, or 404.
async fn book_of_code(state: &AppState, code: CodeId, lang: Lang) -> Result<Codebook, AppError> {
    state
        .store
        .codebooks()
        .await?
        .into_iter()
        .find(|b| b.codes.iter().any(|c| c.id == code))
        .ok_or(AppError::NotFound(lang))
}

/// `POST /coding/codebooks/{id}/codes/{code}/memos`: a researcher's memo on a code, shown
/// with the code on the codebook page (and exported with it in REFI-QDA as a note).
pub async fn add_code_memo(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path((id, code)): Path<(i64, i64)>,
    HtmlForm(f): HtmlForm<CodeMemoForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let book = book_of_code(&state, CodeId(code), lang).await?;
    if book.id.0 != id {
        return Err(AppError::NotFound(lang));
    }
    let (title, text) = match f.checked() {
        Ok(x) => x,
        Err(None) => return Err(AppError::BadRequest(lang)),
        Err(Some(key)) => {
            return codebook_page(&state, &v, id, Some(key), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    };
    let name = book
        .codes
        .iter()
        .find(|c| c.id.0 == code)
        .map(|c| c.name.get(lang).to_owned())
        .unwrap_or_default();
    let title = if title.is_empty() {
        name.as_str()
    } else {
        title
    };
    state
        .store
        .add_memo(title, text, Some(user.id), Some(CodeId(code)), None)
        .await?;
    Ok(Redirect::to(&state.link(&format!("/coding/codebooks/{id}#code-{code}"))).into_response())
}

/// `POST /coding/memos/{memo}`: a researcher changes a memo on a code (its title and text;
/// what it is on and who wrote it stay). A memo on no code is not found here.
pub async fn change_memo(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(memo): Path<i64>,
    HtmlForm(f): HtmlForm<CodeMemoForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let Some(code) = state
        .store
        .memos()
        .await?
        .into_iter()
        .find(|m| m.id.0 == memo)
        .and_then(|m| m.code)
    else {
        return Err(AppError::NotFound(lang));
    };
    let book = book_of_code(&state, code, lang).await?;
    let (title, text) = match f.checked() {
        Ok(x) => x,
        Err(None) => return Err(AppError::BadRequest(lang)),
        Err(Some(key)) => {
            return codebook_page(
                &state,
                &v,
                book.id.0,
                Some(key),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    if !state.store.change_memo(MemoId(memo), title, text).await? {
        return Err(AppError::NotFound(lang));
    }
    Ok(
        Redirect::to(&state.link(&format!("/coding/codebooks/{}#code-{}", book.id.0, code.0)))
            .into_response(),
    )
}
