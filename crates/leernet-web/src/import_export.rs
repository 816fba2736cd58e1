//! Importing responses and downloading exports in the browser: `/admin/import` and
//! `/admin/export`.
//!
//! Import runs `leernet import responses`' pipeline ([`leernet_app::import`]), with the same
//! respondent keys: the file is read and every row checked with the instrument's answer
//! model, inside one store transaction. "Check" (the dry run, always first) rolls it back and
//! shows every problem with its row and column; when there is none, the page offers "import",
//! which posts the same file again (carried in the page, base64) and checks everything again
//! before it commits: all rows or none. The server never trusts what the page carries.
//!
//! Export gives the bytes `leernet export --format csv|xlsx|sav --instrument ID --wave NAME`
//! writes (the CSV's codebook as `format=codebook`): the rows, the formats, the audit entry
//! and who may export what are the application's ([`leernet_app::export`]); a facilitator
//! asking for another network's export gets 403, coordinators and members too.

use crate::auth::{User, Visitor};
use crate::{AppError, AppState};
use axum::extract::{Multipart, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use leernet_app::export::{self, ExportError, ExportFormat, Which};
use leernet_app::import;
use leernet_core::*;
use leernet_io::{Format, Problem};
use leernet_xlsform::Form;
use std::collections::BTreeMap;
use std::collections::HashSet;
use std::sync::Arc;

/// The largest export file accepted for an import (bytes).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// The body limit of the import route: the file, base64-encoded on the second step.
pub const MAX_IMPORT_BODY: usize = MAX_IMPORT_BYTES * 4 / 3 + 64 * 1024;
/// Problems shown on the page (all are counted).
const MAX_SHOWN_PROBLEMS: usize = 1000;

const FORMATS: [&str; 8] = [
    "auto",
    "kobo",
    "odk",
    "limesurvey",
    "qualtrics",
    "msforms",
    "csv",
    "leernet",
];

/// What the import form posts.
#[derive(Debug, Default, Clone)]
struct ImportRequest {
    csrf: Option<String>,
    instrument: String,
    wave: String,
    network: String,
    network_column: String,
    format: String,
    action: String,
    file_name: String,
    bytes: Vec<u8>,
}

/// `GET /admin/import`: the upload form (researchers).
pub async fn import_page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
) -> Result<Response, AppError> {
    v.require(&[Role::Researcher])?;
    let req = ImportRequest {
        wave: "import".into(),
        format: "auto".into(),
        ..Default::default()
    };
    render_import(&state, &v, &req, minijinja::context! {}, StatusCode::OK).await
}

async fn render_import(
    state: &AppState,
    v: &Visitor,
    req: &ImportRequest,
    result: minijinja::Value,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let mut seen = HashSet::new();
    let mut instruments = Vec::new();
    for i in store.instruments().await?.iter().rev() {
        if seen.insert(i.form_id.clone()) {
            instruments.push(minijinja::context! {
                id => i.form_id.clone(),
                // its title, never its form_id (issue 18: no internals on a page)
                title => i.title.get(lang).to_owned(),
                selected => i.form_id == req.instrument,
            });
        }
    }
    instruments.reverse();
    let networks: Vec<_> = store
        .networks()
        .await?
        .into_iter()
        .map(|n| {
            minijinja::context! {
                slug => n.slug.as_str().to_owned(),
                name => n.name,
                selected => n.slug.as_str() == req.network,
            }
        })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "import.html",
        minijinja::context! {
            instruments => instruments,
            networks => networks,
            formats => FORMATS,
            req => minijinja::context! {
                wave => req.wave.clone(),
                network_column => req.network_column.clone(),
                format => req.format.clone(),
            },
            // What a result leaves out: no import checked, nothing to carry on.
            result => minijinja::context! {
                ..result,
                ..minijinja::context! {
                    message => (), failed => false, checked => false, file_name => (),
                    format => (), problems => (), more_problems => 0, carry => ()
                }
            },
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn read_request(v: &Visitor, mut form: Multipart) -> Result<ImportRequest, AppError> {
    let lang = v.lang.lang;
    let bad = |_| AppError::BadRequest(lang);
    let mut req = ImportRequest::default();
    let mut data_b64 = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            // The CSRF field comes first in the form: refuse before reading a file.
            v.check_csrf(req.csrf.as_deref())?;
            let file_name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(bad)?;
            if !bytes.is_empty() {
                req.file_name = file_name;
                req.bytes = bytes.to_vec();
            }
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        match name.as_str() {
            "csrf_token" => req.csrf = Some(text),
            "instrument" => req.instrument = text.trim().to_owned(),
            "wave" => req.wave = text.trim().to_owned(),
            "network" => req.network = text.trim().to_owned(),
            "network_column" => req.network_column = text.trim().to_owned(),
            "format" => req.format = text.trim().to_owned(),
            "action" => req.action = text,
            "file_name" => req.file_name = text,
            "data" => data_b64 = Some(text),
            _ => {}
        }
    }
    v.check_csrf(req.csrf.as_deref())?;
    if req.bytes.is_empty() {
        if let Some(d) = data_b64 {
            req.bytes = base64::engine::general_purpose::STANDARD
                .decode(d.trim())
                .map_err(|_| AppError::BadRequest(lang))?;
        }
    }
    req.file_name = req
        .file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    Ok(req)
}

/// What the import page says about one problem, in the visitor's language (issue 18: the
/// Dutch page showed `"7" is not one of the choices of "role"`). A problem with one row and
/// one answer gets a sentence of its own, naming the question by its label; a problem with the
/// file as a whole gets a sentence for its kind, and the reader's own detail after it (in
/// English, marked as such). English pages show the reader's message as it is.
fn problem_view(
    p: &Problem,
    lang: Lang,
    t: &BTreeMap<String, String>,
    labels: &BTreeMap<String, String>,
) -> minijinja::Value {
    use leernet_io::ProblemKind as K;
    let (message, detail) = if lang == Lang::En {
        (p.message.clone(), None)
    } else {
        let question = p
            .question
            .as_deref()
            .map(|q| labels.get(q).cloned().unwrap_or_else(|| q.to_owned()))
            .unwrap_or_default();
        let value = p.value.clone().unwrap_or_default();
        let key = match p.kind {
            K::InvalidValue if p.value.is_some() => "import_problem.invalid_value",
            K::InvalidValue => "import_problem.invalid_answer",
            K::MissingRequired => "import_problem.missing_required",
            K::Constraint => "import_problem.constraint",
            K::NotRelevant => "import_problem.not_relevant",
            K::UnknownNetwork if p.value.is_some() => "import_problem.unknown_network",
            K::UnknownNetwork => "import_problem.no_network",
            K::DuplicateId => "import_problem.duplicate_id",
            K::RaggedRow => "import_problem.ragged_row",
            K::Skipped => "import_problem.skipped",
            K::MissingValues => "import_problem.missing_values",
            K::Unreadable => "import_problem.unreadable",
            K::Empty => "import_problem.empty",
            K::Format => "import_problem.format",
            K::Unmapped => "import_problem.unmapped",
            K::DuplicateColumn => "import_problem.duplicate_column",
        };
        let own = matches!(
            p.kind,
            K::InvalidValue
                | K::MissingRequired
                | K::Constraint
                | K::NotRelevant
                | K::UnknownNetwork
                | K::DuplicateId
                | K::RaggedRow
                | K::Skipped
        );
        let sentence = t
            .get(key)
            .cloned()
            .unwrap_or_default()
            .replace("{question}", &question)
            .replace("{value}", &value);
        (sentence, (!own).then(|| p.message.clone()))
    };
    minijinja::context! {
        error => p.is_error(),
        row => p.row,
        column => p.column.clone(),
        message => message,
        detail => detail,
    }
}

/// `POST /admin/import` (multipart): `action=check` (the dry run) or `action=import`.
pub async fn import(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    form: Multipart,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(&[Role::Researcher])?;
    let actor = leernet_store::Actor::Person(user.id);
    let req = read_request(&v, form).await?;
    let t = state.catalog.table(lang);
    let say = |k: &str| t.get(k).cloned().unwrap_or_default();
    let refuse = |msg: String| minijinja::context! { message => msg, failed => true };
    let store = &state.store;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;

    let instruments = store.instruments().await?;
    let Some(inst) = instruments
        .iter()
        .rev()
        .find(|i| i.form_id == req.instrument)
    else {
        let r = refuse(say("fieldwork2.import_pick_instrument"));
        return render_import(&state, &v, &req, r, unprocessable).await;
    };
    if req.wave.is_empty() || req.wave.chars().count() > 100 {
        let r = refuse(say("admin.wave_name"));
        return render_import(&state, &v, &req, r, unprocessable).await;
    }
    let format = match req.format.as_str() {
        "" | "auto" => None,
        f => match Format::parse(f) {
            Some(f) => Some(f),
            None => return Err(AppError::BadRequest(lang)),
        },
    };
    if req.bytes.is_empty() {
        let r = refuse(say("fieldwork2.import_no_file"));
        return render_import(&state, &v, &req, r, unprocessable).await;
    }
    if req.bytes.len() > MAX_IMPORT_BYTES {
        let r = refuse(say("fieldwork2.import_too_large"));
        return render_import(&state, &v, &req, r, unprocessable).await;
    }
    let networks = store.networks().await?;
    let lookup = import::network_lookup(&networks);
    let default_network = if req.network.is_empty() {
        (networks.len() == 1).then(|| networks[0].id)
    } else {
        match lookup.get(&req.network.to_lowercase()) {
            Some(id) => Some(*id),
            None => return Err(AppError::BadRequest(lang)),
        }
    };
    if default_network.is_none() && req.network_column.is_empty() {
        let r = refuse(say("fieldwork2.import_pick_network"));
        return render_import(&state, &v, &req, r, unprocessable).await;
    }
    let form = Form::from_workbook(&inst.workbook, &inst.file_name)?;
    // the questions by their labels, for the problems in the visitor's language
    let labels: BTreeMap<String, String> = form
        .questions()
        .map(|q| {
            let label = q.label.get(lang.code());
            let label = if label.is_empty() { &q.name } else { label };
            (q.name.clone(), label.to_owned())
        })
        .collect();
    let view = |p: &Problem| problem_view(p, lang, t, &labels);

    // The same pipeline as `leernet import responses`: reading and checking on a thread of
    // their own (off the async threads, on every core), every row stored in one
    // transaction that is committed only when nothing is wrong and this is no dry run.
    let source = import::Source {
        format,
        mapping: None,
        network_column: (!req.network_column.is_empty()).then(|| req.network_column.clone()),
        missing: None,
    };
    let bytes = Box::new(std::io::Cursor::new(req.bytes.clone()));
    let opened = match import::open(form, bytes, source).await {
        Ok(o) => o,
        Err(import::OpenError::Problems(problems)) => {
            let n = problems.iter().filter(|p| p.is_error()).count();
            let r = minijinja::context! {
                failed => true,
                message => say("fieldwork2.import_nothing"),
                errors => n,
                problems => problems.iter().take(MAX_SHOWN_PROBLEMS).map(view).collect::<Vec<_>>(),
            };
            return render_import(&state, &v, &req, r, unprocessable).await;
        }
        Err(import::OpenError::Stopped) => {
            return Err(AppError::internal(
                lang,
                anyhow::anyhow!("the import's reader stopped unexpectedly"),
            ))
        }
    };
    let format = opened.format;
    let now = state.now();
    let target = import::Target {
        instrument: inst.id,
        wave: &req.wave,
        networks: &lookup,
        default_network,
        network_column: &req.network_column,
        empty_network: "the network cell is empty and no network is chosen",
        commit: (req.action == "import").then_some((&actor, now)),
    };
    let o = opened.store(store, &target, |_| {}).await?;
    let (problems, errors, store_it) = (&o.problems, o.errors, o.stored);
    tracing::info!(
        rows = o.rows,
        stored = if store_it { o.added } else { 0 },
        errors,
        dry_run = !store_it,
        "responses import from the web"
    );
    let shown: Vec<_> = problems.iter().take(MAX_SHOWN_PROBLEMS).map(view).collect();
    let result = minijinja::context! {
        failed => errors > 0,
        checked => true,
        stored => store_it,
        file_name => req.file_name.clone(),
        format => format.display_name(),
        rows => o.rows,
        new => o.added,
        already => o.already,
        skipped => o.skipped,
        errors => errors,
        bad_rows => o.bad_rows,
        more_problems => problems.len().saturating_sub(MAX_SHOWN_PROBLEMS),
        problems => shown,
        message => if errors > 0 {
            say("fieldwork2.import_nothing")
        } else if store_it {
            say("fieldwork2.import_stored")
        } else {
            say("fieldwork2.import_would")
        },
        // The second step carries the same file and choices.
        carry => (errors == 0 && !store_it).then(|| minijinja::context! {
            instrument => req.instrument.clone(),
            wave => req.wave.clone(),
            network => req.network.clone(),
            network_column => req.network_column.clone(),
            format => req.format.clone(),
            file_name => req.file_name.clone(),
            data => base64::engine::general_purpose::STANDARD.encode(&req.bytes),
        }),
    };
    let status = if errors > 0 {
        unprocessable
    } else {
        StatusCode::OK
    };
    render_import(&state, &v, &req, result, status).await
}

/// The query of `/admin/export`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    wave: Option<i64>,
    format: Option<String>,
    network: Option<i64>,
}

/// `GET /admin/export`: without `format`, the page of download links; with it, the file.
pub async fn export(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(&[Role::Researcher, Role::Facilitator])?;
    match (&q.format, q.wave) {
        (Some(f), Some(w)) => export_file(&state, user, lang, f, WaveId(w), q.network).await,
        (Some(_), None) => Err(AppError::BadRequest(lang)),
        (None, _) => export_page(&state, &v, user).await,
    }
}

async fn export_page(state: &AppState, v: &Visitor, user: &User) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let store = &state.store;
    let instruments = store.instruments().await?;
    let networks = store.networks().await?;
    let mine: Vec<_> = networks
        .iter()
        .filter(|n| user.role == Role::Researcher || user.networks.contains(&n.id))
        .map(|n| minijinja::context! { id => n.id.0, name => n.name.clone() })
        .collect();
    let waves: Vec<_> = store
        .waves()
        .await?
        .into_iter()
        .map(|w| {
            let inst = instruments.iter().find(|i| i.id == w.instrument);
            minijinja::context! {
                id => w.id.0,
                name => w.name,
                instrument => inst.map(|i| i.title.get(lang).to_owned()),
            }
        })
        .collect();
    crate::page::render(
        state,
        v,
        "import_export.html",
        minijinja::context! {
            researcher => user.role == Role::Researcher,
            waves => waves,
            networks => mine,
        },
    )
}

/// The bytes of one export, as `leernet export` writes them.
async fn export_file(
    state: &AppState,
    user: &User,
    lang: Lang,
    format: &str,
    wave: WaveId,
    network: Option<i64>,
) -> Result<Response, AppError> {
    let Some(format) = ExportFormat::parse(format) else {
        return Err(AppError::BadRequest(lang));
    };
    let rights = export::rights(user.role, &user.networks, network.map(NetworkId))
        .map_err(|_| AppError::Forbidden(lang))?;
    // a questionnaire's test answers only when a researcher asks for them by their wave (the
    // questionnaire's page links them); every other export leaves them out
    let data = if user.role == Role::Researcher && state.store.is_test_wave(wave).await? {
        state.store.study_data_with_tests().await?
    } else {
        state.store.study_data().await?
    };
    let ex = export::build(
        &data,
        Which::Wave(wave),
        rights.network,
        None,
        rights.redacted,
    )
    .map_err(|e| match e {
        ExportError::NoWaveId(_) | ExportError::NoInstrument(_) => AppError::NotFound(lang),
        e => e.into(),
    })?;
    let bytes = ex.bytes(format, leernet_io::csv_out::Cells::Neutralised)?;
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let scope = match &ex.network_slug {
        Some(slug) => format!("-{}", safe(slug)),
        None => String::new(),
    };
    let wave_name = ex.waves.get(&wave).cloned().unwrap_or_default();
    let actor = leernet_store::Actor::Person(user.id);
    export::record(&state.store, &ex, format.as_str(), &actor, state.now()).await?;
    tracing::info!(
        wave = wave.0,
        rows = ex.dataset.rows.len(),
        format = format.as_str(),
        "export downloaded"
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.mime().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-{}{scope}.{}\"",
                    safe(&ex.form_id),
                    safe(&wave_name),
                    format.extension()
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

pub use leernet_app::export::{identifying, redact};
