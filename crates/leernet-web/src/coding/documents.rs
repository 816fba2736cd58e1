//! Documents in the browser (issue 20): the study's documents with their attributes and
//! filters, uploading them (`leernet-app`'s document import, as `leernet import document`),
//! one document with its speaker turns and its coded passages highlighted (in parts of whole
//! turns when it is long), memos on a document, and the stylesheet of a codebook's colours.
//!
//! Researchers only; a coder reaches the documents of their assignments through the
//! assignment (`document_coding.rs`). A document's text is never logged.

use super::workbench::{self, Mark};
use super::*;
use axum::extract::Multipart;
use leernet_store::retrieval::{SpeakerPerson, SpeakerRole};

/// The largest upload accepted: the files and the form around them.
pub const MAX_UPLOAD_BODY: usize = 32 * 1024 * 1024;
/// The most files one upload stores.
const MAX_UPLOAD_FILES: usize = 20;
/// How many characters of a passage the lists quote.
pub(super) const QUOTE_CHARS: usize = 160;

/// The filters of the documents list (`?kind=&network=&workplace=`), as text.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DocumentFilter {
    pub kind: String,
    pub network: String,
    pub workplace: String,
}

/// The label of a document's kind in the visitor's language.
pub(super) fn kind_label(state: &AppState, lang: Lang, k: DocumentKind) -> String {
    state
        .catalog
        .t(lang, &format!("documents_ui.kind_{}", k.as_str()))
}

/// `GET /coding/documents`: the study's documents, filtered, and the upload form.
pub async fn list(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(f): Query<DocumentFilter>,
) -> Result<Response, AppError> {
    v.require(RESEARCHER)?;
    list_page(&state, &v, &f, None, StatusCode::OK).await
}

pub(super) async fn list_page(
    state: &AppState,
    v: &Visitor,
    f: &DocumentFilter,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let networks = store.networks().await?;
    let workplaces = store.workplaces().await?;
    let waves: BTreeMap<WaveId, String> = store
        .waves()
        .await?
        .into_iter()
        .map(|w| (w.id, w.name))
        .collect();
    let net_name: BTreeMap<NetworkId, &str> =
        networks.iter().map(|n| (n.id, n.name.as_str())).collect();
    let wp_name: BTreeMap<WorkplaceId, &str> =
        workplaces.iter().map(|w| (w.id, w.name.as_str())).collect();
    let kind = DocumentKind::parse(&f.kind);
    let network = networks.iter().find(|n| n.slug.as_str() == f.network);
    let workplace = workplaces.iter().find(|w| w.slug.as_str() == f.workplace);
    let all = store.document_summaries().await?;
    let total = all.len();
    let rows: Vec<_> = all
        .into_iter()
        .filter(|d| kind.is_none_or(|k| d.info.kind == k))
        .filter(|d| network.is_none_or(|n| d.info.network == Some(n.id)))
        .filter(|d| workplace.is_none_or(|w| d.info.workplace == Some(w.id)))
        .map(|d| {
            minijinja::context! {
                id => d.info.id.0,
                title => d.info.title,
                kind => kind_label(state, lang, d.info.kind),
                network => d.info.network.and_then(|n| net_name.get(&n)).copied(),
                workplace => d.info.workplace.and_then(|w| wp_name.get(&w)).copied(),
                wave => d.info.wave.and_then(|w| waves.get(&w)).cloned(),
                date => d.info.date.as_deref().map(|s| crate::lang::long_date_str(s, lang)),
                speakers => d.speakers.join(", "),
                words => d.words,
                codings => d.codings,
            }
        })
        .collect();
    let kinds: Vec<_> = DocumentKind::ALL
        .iter()
        .map(|k| minijinja::context! { value => k.as_str(), label => kind_label(state, lang, *k), on => kind == Some(*k) })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "coding_documents.html",
        minijinja::context! {
            rows => rows,
            total => total,
            filtered => kind.is_some() || network.is_some() || workplace.is_some(),
            kinds => kinds,
            networks => networks.iter().map(|n| minijinja::context! { value => n.slug.as_str(), label => n.name.clone(), on => network.is_some_and(|x| x.id == n.id) }).collect::<Vec<_>>(),
            workplaces => workplaces.iter().map(|w| minijinja::context! { value => w.slug.as_str(), label => w.name.clone(), on => workplace.is_some_and(|x| x.id == w.id) }).collect::<Vec<_>>(),
            accept => leernet_app::documents::EXTENSIONS.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(","),
            max_mb => (MAX_UPLOAD_BODY >> 20).to_string(),
            books => store.codebooks().await?.into_iter().map(|b| minijinja::context! { id => b.id.0, name => b.name }).collect::<Vec<_>>(),
            researchers => store.persons().await?.into_iter().filter(|p| p.role == Role::Researcher).map(|p| minijinja::context! { id => p.id.0, name => p.name, me => v.user.as_ref().is_some_and(|u| u.id == p.id) }).collect::<Vec<_>>(),
            error => error,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// One sentence for a file that was refused, in the visitor's language.
fn import_message(state: &AppState, lang: Lang, e: &leernet_app::documents::ImportError) -> String {
    use leernet_app::documents::{DocumentError as D, ImportError as E};
    let (key, file) = match e {
        E::TooLarge { file } => ("documents_ui.err_too_large", file.as_str()),
        E::Read(D::Unsupported { file, .. }) => ("documents_ui.err_unsupported", file.as_str()),
        E::Read(D::NotWhatItSays { file, .. }) => {
            ("documents_ui.err_not_what_it_says", file.as_str())
        }
        E::Read(D::Encrypted { file }) => ("documents_ui.err_encrypted", file.as_str()),
        E::Read(D::Empty { file }) => ("documents_ui.err_empty", file.as_str()),
        E::Read(D::NoText { file }) => ("documents_ui.err_no_text", file.as_str()),
        E::Read(D::TooLong { file, .. }) => ("documents_ui.err_too_long", file.as_str()),
        // other readers' refusals (a PDF, a broken archive) say what to do in their sentence
        E::Read(other) => {
            return format!(
                "{} {other}",
                state.catalog.t(lang, "documents_ui.err_unreadable")
            )
        }
        E::Refused(m) => {
            return format!("{} {m}", state.catalog.t(lang, "documents_ui.err_refused"))
        }
        E::Store(_) => ("documents_ui.err_store", ""),
    };
    state.catalog.t(lang, key).replace("{file}", file).replace(
        "{mb}",
        &(leernet_app::documents::MAX_FILE_BYTES >> 20).to_string(),
    )
}

/// `POST /coding/documents` (multipart: `csrf_token`, `kind`, `network`, `date`, `file` one
/// or more): every file read and checked, then all stored in one transaction; a refused file
/// is one sentence and nothing is stored.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    let mut csrf = None;
    let (mut kind, mut network, mut date) = (String::new(), String::new(), String::new());
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let small = |s: String| s.chars().take(200).collect::<String>();
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest(lang))?
    {
        match field.name() {
            Some("csrf_token") => {
                csrf = Some(field.text().await.map_err(|_| AppError::BadRequest(lang))?)
            }
            Some("kind") => {
                kind = small(field.text().await.map_err(|_| AppError::BadRequest(lang))?)
            }
            Some("network") => {
                network = small(field.text().await.map_err(|_| AppError::BadRequest(lang))?)
            }
            Some("date") => {
                date = small(field.text().await.map_err(|_| AppError::BadRequest(lang))?)
            }
            Some("file") => {
                // The CSRF field comes first in the form: refuse before reading a file.
                v.check_csrf(csrf.as_deref())?;
                let name: String = field
                    .file_name()
                    .unwrap_or("")
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(200)
                    .collect();
                if name.is_empty() {
                    continue;
                }
                if files.len() >= MAX_UPLOAD_FILES {
                    let msg = state
                        .catalog
                        .t(lang, "documents_ui.err_too_many")
                        .replace("{n}", &MAX_UPLOAD_FILES.to_string());
                    return list_page(
                        &state,
                        &v,
                        &DocumentFilter::default(),
                        Some(msg),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
                // Read in chunks, bounded before anything more is kept.
                let mut bytes = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|_| AppError::BadRequest(lang))?
                {
                    let len = (bytes.len() as u64).saturating_add(chunk.len() as u64);
                    if let Err(e) = leernet_app::documents::check_size(&name, len) {
                        let msg = import_message(&state, lang, &e);
                        return list_page(
                            &state,
                            &v,
                            &DocumentFilter::default(),
                            Some(msg),
                            StatusCode::UNPROCESSABLE_ENTITY,
                        )
                        .await;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                files.push((name, bytes));
            }
            _ => {}
        }
    }
    v.check_csrf(csrf.as_deref())?;
    let refuse = |key: &str| state.catalog.t(lang, key);
    if files.is_empty() {
        return list_page(
            &state,
            &v,
            &DocumentFilter::default(),
            Some(refuse("documents_ui.err_no_file")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let Some(kind) = DocumentKind::parse(&kind) else {
        return list_page(
            &state,
            &v,
            &DocumentFilter::default(),
            Some(refuse("documents_ui.err_kind")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let network = if network.is_empty() {
        None
    } else {
        match state
            .store
            .networks()
            .await?
            .into_iter()
            .find(|n| n.slug.as_str() == network)
        {
            Some(n) => Some(n),
            None => {
                return list_page(
                    &state,
                    &v,
                    &DocumentFilter::default(),
                    Some(refuse("documents_ui.err_network")),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        }
    };
    let date = Some(date.trim().to_owned()).filter(|d| !d.is_empty());
    if date
        .as_deref()
        .is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err())
    {
        return list_page(
            &state,
            &v,
            &DocumentFilter::default(),
            Some(refuse("documents_ui.err_date")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    // Reading is CPU work on untrusted bytes: off the request threads.
    let read = tokio::task::spawn_blocking(move || {
        files
            .iter()
            .map(|(name, bytes)| leernet_app::documents::read(name, bytes))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| AppError::internal(lang, e))?;
    let docs = match read {
        Ok(d) => d,
        Err(e) => {
            let msg = import_message(&state, lang, &e);
            return list_page(
                &state,
                &v,
                &DocumentFilter::default(),
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let attrs = leernet_app::documents::Attributes {
        kind,
        network,
        date,
    };
    match leernet_app::documents::store(&state.store, &docs, &attrs).await {
        Ok(ids) if ids.len() == 1 => Ok(Redirect::to(
            &state.link(&format!("/coding/documents/{}", ids[0].0)),
        )
        .into_response()),
        Ok(_) => Ok(Redirect::to(&state.link("/coding/documents")).into_response()),
        Err(leernet_app::documents::ImportError::Store(e)) => Err(AppError::internal(lang, e)),
        Err(e) => {
            let msg = import_message(&state, lang, &e);
            list_page(
                &state,
                &v,
                &DocumentFilter::default(),
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `?part=N` of a long document (1-based).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PartQuery {
    pub part: Option<usize>,
    /// A position (code point) to open at: the part that holds it, its unit marked with
    /// `id="pos-N"` (the retrieval pages link passages so).
    pub at: Option<usize>,
}

/// The attributes of a document as the pages show them.
pub(super) async fn attributes(
    state: &AppState,
    lang: Lang,
    d: &DocumentInfo,
) -> Result<minijinja::Value, AppError> {
    let store = &state.store;
    let network = match d.network {
        Some(n) => store
            .networks()
            .await?
            .into_iter()
            .find(|x| x.id == n)
            .map(|n| n.name),
        None => None,
    };
    let workplace = match d.workplace {
        Some(w) => store
            .workplaces()
            .await?
            .into_iter()
            .find(|x| x.id == w)
            .map(|w| w.name),
        None => None,
    };
    let wave = match d.wave {
        Some(w) => store.wave(w).await?.map(|w| w.name),
        None => None,
    };
    Ok(minijinja::context! {
        title => d.title.clone(),
        kind => kind_label(state, lang, d.kind),
        network => network,
        workplace => workplace,
        wave => wave,
        date => d.date.as_deref().map(|s| crate::lang::long_date_str(s, lang)),
    })
}

/// The part of a document a page shows, and the links to the others.
pub(super) fn part_of(
    units: &[workbench::Unit],
    asked: Option<usize>,
    lang: Lang,
) -> Result<(std::ops::Range<usize>, usize, usize), AppError> {
    let parts = workbench::parts(units);
    let n = asked.unwrap_or(1);
    let range = n
        .checked_sub(1)
        .and_then(|i| parts.get(i))
        .cloned()
        .ok_or(AppError::NotFound(lang))?;
    Ok((range, n, parts.len()))
}

/// The names of a codebook's codes (of every codebook when none is given), in the visitor's
/// language.
pub(super) fn code_names(books: &[Codebook], lang: Lang) -> BTreeMap<CodeId, String> {
    books
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| {
            let n = c.name.get(lang);
            (
                c.id,
                if n.is_empty() {
                    c.name.nl.clone()
                } else {
                    n.to_owned()
                },
            )
        })
        .collect()
}

/// `GET /coding/documents/{id}`: the document with its turns and its coded passages (the
/// study's document codings: imported, and settled in assignments), its memos and a form
/// for a memo on it.
pub async fn document(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<PartQuery>,
) -> Result<Response, AppError> {
    v.require(RESEARCHER)?;
    document_page_at(&state, &v, id, q.part, q.at, None, StatusCode::OK).await
}

async fn document_page(
    state: &AppState,
    v: &Visitor,
    id: i64,
    part: Option<usize>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    document_page_at(state, v, id, part, None, error, status).await
}

async fn document_page_at(
    state: &AppState,
    v: &Visitor,
    id: i64,
    part: Option<usize>,
    at: Option<usize>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let doc = store
        .document(DocumentId(id))
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let books = store.codebooks().await?;
    let names = code_names(&books, lang);
    let marks: Vec<Mark> = store
        .document_codings(Some(doc.info.id))
        .await?
        .into_iter()
        .map(|c| Mark {
            id: c.id.0,
            code: c.code,
            start: c.span.start,
            end: c.span.end,
            memo: c.memo,
        })
        .collect();
    // the codebooks whose colours the page needs
    let used: BTreeSet<CodeId> = marks.iter().map(|m| m.code).collect();
    let colour_books: Vec<i64> = books
        .iter()
        .filter(|b| b.codes.iter().any(|c| used.contains(&c.id)))
        .map(|b| b.id.0)
        .collect();
    let units = workbench::units(&doc.text, &doc.turns);
    // the unit holding `at`, and its part when none was asked for
    let at_unit = at.and_then(|a| units.iter().position(|u| u.start <= a && a < u.end));
    let part = part.or_else(|| {
        let u = at_unit?;
        workbench::parts(&units)
            .iter()
            .position(|r| r.contains(&u))
            .map(|i| i + 1)
    });
    let (range, n, parts) = part_of(&units, part, lang)?;
    let wb = workbench::render(&doc.text, &units, range, &marks, &names, QUOTE_CHARS);
    let persons = person_names(&store.persons().await?);
    let memos: Vec<_> = store
        .memos()
        .await?
        .into_iter()
        .filter(|m| m.document == Some(doc.info.id))
        .map(|m| {
            minijinja::context! {
                title => m.title,
                text => m.text,
                author => m.author.and_then(|p| persons.get(&p).cloned()),
            }
        })
        .collect();
    // The speakers in the order they first speak, with their turns, role and person. The
    // people are the study's accounts by name (researchers see names, never addresses); a
    // speaker linked to someone invited by address only shows as such, without the address.
    let roles = store.speaker_roles().await?;
    let people = store.speaker_people().await?;
    let accounts: Vec<_> = store
        .persons()
        .await?
        .into_iter()
        .filter(|p| !p.email.as_str().ends_with("@erased.invalid"))
        .collect();
    let mut speakers: Vec<(String, usize)> = Vec::new();
    for t in &doc.turns {
        match speakers.iter_mut().find(|(s, _)| *s == t.speaker) {
            Some((_, n)) => *n += 1,
            None => speakers.push((t.speaker.clone(), 1)),
        }
    }
    let speakers: Vec<_> = speakers
        .into_iter()
        .enumerate()
        .map(|(i, (name, turns))| {
            let role = roles.get(&(doc.info.id, name.clone())).copied();
            let (person, invitee) = match people.get(&(doc.info.id, name.clone())) {
                Some(SpeakerPerson::Account(p)) => (Some(p.0), false),
                Some(SpeakerPerson::Invitee(_)) => (None, true),
                None => (None, false),
            };
            minijinja::context! {
                n => i + 1,
                name => name,
                turns => turns,
                person => person,
                invitee => invitee,
                role => role.map(SpeakerRole::as_str),
                role_label => role.map(|r| state.catalog.t(lang, super::retrieval::role_key(r))),
            }
        })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "coding_document.html",
        minijinja::context! {
            id => doc.info.id.0,
            doc => attributes(state, lang, &doc.info).await?,
            words => leernet_store::word_count(&doc.text),
            turns => doc.turns.len(),
            wb => wb,
            part => n,
            parts => parts,
            colour_books => colour_books,
            open => false,
            tree => Vec::<minijinja::Value>::new(),
            action => "",
            memos => memos,
            speakers => speakers,
            people => accounts.iter().map(|p| minijinja::context! { id => p.id.0, name => p.name }).collect::<Vec<_>>(),
            roles => SpeakerRole::ALL.into_iter().map(|r| minijinja::context! { value => r.as_str(), key => super::retrieval::role_key(r) }).collect::<Vec<_>>(),
            error => error,
            at_unit => at_unit,
            at => at,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /coding/documents/{id}/memos`: a memo on the document.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MemoForm {
    pub csrf_token: Option<String>,
    pub title: String,
    pub text: String,
}

/// `POST /coding/documents/{id}/memos`: a researcher's memo on the document.
pub async fn add_memo(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<MemoForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let doc = state
        .store
        .document(DocumentId(id))
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let (title, text) = (f.title.trim(), f.text.trim());
    if title.chars().count() > 200 || text.chars().count() > MAX_NOTE {
        return Err(AppError::BadRequest(lang));
    }
    if text.is_empty() {
        let msg = state.catalog.t(lang, "documents_ui.err_memo");
        return document_page(
            &state,
            &v,
            id,
            None,
            Some(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let title = if title.is_empty() {
        doc.info.title.as_str()
    } else {
        title
    };
    state
        .store
        .add_memo(title, text, Some(user.id), None, Some(doc.info.id))
        .await?;
    Ok(Redirect::to(&state.link(&format!("/coding/documents/{id}#memos"))).into_response())
}

/// `POST /coding/documents/{id}/speakers`: the role a speaker of the document speaks in
/// (`role` empty: no known role), or — when `person` is given — the person they are
/// (`person`: an account's number, `none`: nobody, `keep`: as it is), leaving the role.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SpeakerForm {
    pub csrf_token: Option<String>,
    pub speaker: String,
    pub role: String,
    pub person: String,
}

/// The longest speaker label a form may name (a turn's label is shorter).
const MAX_SPEAKER: usize = 200;

/// `POST /coding/documents/{id}/speakers`: a researcher sets (or clears) the role of one of
/// the document's speakers; retrieval's filter by speaker role reads it. A speaker who does
/// not speak in the document, or a role that is none of the roles, is refused with a
/// message and nothing changes.
pub async fn set_speaker(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<SpeakerForm>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    v.check_csrf(f.csrf_token.as_deref())?;
    if [&f.speaker, &f.role, &f.person]
        .iter()
        .any(|x| x.chars().count() > MAX_SPEAKER)
    {
        return Err(AppError::BadRequest(lang));
    }
    let doc = state
        .store
        .document(DocumentId(id))
        .await?
        .ok_or(AppError::NotFound(lang))?;
    let refuse = |key: &str| {
        let msg = state.catalog.t(lang, key);
        document_page(
            &state,
            &v,
            id,
            None,
            Some(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Some(turn) = doc.turns.iter().find(|t| t.speaker == f.speaker) else {
        return refuse("documents_ui.err_speaker").await;
    };
    // The person form: one of the study's accounts (as the page lists them), or nobody; the
    // role form has no person.
    let person_form = !f.person.trim().is_empty();
    let role = match f.role.trim() {
        _ if person_form => None,
        "" => Some(None),
        r => match SpeakerRole::parse(r) {
            Some(r) => Some(Some(r)),
            None => return refuse("documents_ui.err_role").await,
        },
    };
    let person =
        match f.person.trim() {
            // "keep": someone invited by address only, as linked on the command line
            "" | "keep" => None,
            "none" => Some(None),
            p => {
                let known =
                    match p.parse::<i64>() {
                        Ok(n) => state.store.persons().await?.into_iter().find(|x| {
                            x.id.0 == n && !x.email.as_str().ends_with("@erased.invalid")
                        }),
                        Err(_) => None,
                    };
                match known {
                    Some(x) => Some(Some(SpeakerPerson::Account(x.id))),
                    None => return refuse("documents_ui.err_person").await,
                }
            }
        };
    if let Some(role) = role {
        state
            .store
            .set_speaker_role(doc.info.id, &turn.speaker, role)
            .await?;
    }
    if let Some(person) = person {
        state
            .store
            .set_speaker_person(doc.info.id, &turn.speaker, person)
            .await?;
    }
    Ok(Redirect::to(&state.link(&format!("/coding/documents/{id}#speakers"))).into_response())
}

/// `GET /coding/codebooks/{id}/colours.css`: the colours of a codebook's codes, for the
/// highlights and stripes of the coding pages (researchers only, as the codebook).
pub async fn colours(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(RESEARCHER)?;
    let book = state
        .store
        .codebooks()
        .await?
        .into_iter()
        .find(|b| b.id.0 == id)
        .ok_or(AppError::NotFound(lang))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        workbench::colours_css(&book),
    )
        .into_response())
}
