//! The researcher's assignments, making one, and an assignment's page (the coder's queue;
//! for the lead, how far every coder is and the decisions log).

use super::*;

/// `GET /coding`: the researcher's assignments (as coder and as lead) and the form to make
/// one.
pub async fn index(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    index_page(&state, &v, user, None, StatusCode::OK).await
}

pub(super) async fn index_page(
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
    // questions by their labels, never their variable names (issue 20)
    let labels: BTreeMap<String, String> = open_questions(state, lang).await?.into_iter().collect();
    for a in store.assignments().await? {
        let row = minijinja::context! {
            id => a.id.0,
            name => a.name.clone(),
            question => labels.get(&a.question).cloned().unwrap_or_default(),
            answers => a.items.len(),
            documents => a.documents.len(),
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
    let questions: Vec<_> = labels
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
    HtmlForm(f): HtmlForm<AssignmentForm>,
) -> Result<Response, AppError> {
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let store = &state.store;
    let posted = match NewAssignmentForm::try_from(&f) {
        Ok(p) => p,
        Err(FormRefusal::Message(key)) => {
            return index_page(
                &state,
                &v,
                user,
                Some(key),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormRefusal::TooLong) => return Err(AppError::BadRequest(v.lang.lang)),
    };
    let NewAssignmentForm {
        name,
        question,
        codebook: book,
        wave,
        coders: posted_coders,
    } = posted;
    let researchers: BTreeSet<PersonId> = store
        .persons()
        .await?
        .into_iter()
        .filter(|p| p.role == Role::Researcher)
        .map(|p| p.id)
        .collect();
    let mut coders = Vec::new();
    for p in posted_coders {
        match p {
            p if researchers.contains(&p) => coders.push(p),
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
        at: state.now(),
    };
    match store.add_assignment(&new).await? {
        Ok(id) => {
            Ok(Redirect::to(&state.link(&format!("/coding/assignments/{}", id.0))).into_response())
        }
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
pub(super) async fn visible_assignment(
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

pub(super) async fn assignment_page(
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
    let question = open_questions(state, lang)
        .await?
        .into_iter()
        .find(|(name, _)| *name == a.question)
        .map(|(_, label)| label)
        .unwrap_or_default();
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
    // An assignment of documents: its documents, with the coder's own codings of each.
    let mut documents = Vec::new();
    if !a.documents.is_empty() {
        let own_docs = if coder {
            store
                .assignment_document_codings(a.id, Some(user.id))
                .await?
        } else {
            Vec::new()
        };
        let infos: BTreeMap<DocumentId, DocumentInfo> = store
            .documents()
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        for (i, d) in a.documents.iter().enumerate() {
            let Some(info) = infos.get(d) else { continue };
            documents.push(minijinja::context! {
                pos => i + 1,
                title => info.title.clone(),
                kind => super::documents::kind_label(state, lang, info.kind),
                network => info.network.and_then(|n| networks.get(&n)).cloned(),
                codings => own_docs.iter().filter(|c| c.span.document == *d).count(),
            });
        }
    }
    let lead = a.lead == user.id;
    let log: Vec<_> = if lead {
        super::log::rows(state, lang, store.coding_decisions(Some(a.id)).await?).await?
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
            question => question,
            coder => coder,
            lead => lead,
            finished => a.has_finished(user.id),
            all_finished => a.all_finished(),
            items => items,
            documents => documents,
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
