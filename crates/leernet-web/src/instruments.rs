//! The researcher's instruments page: the stored questionnaires, and uploading an XLSForm
//! with its check result (every problem with sheet, row and column, as `leernet instrument
//! check` reports it). A valid form is stored as a new instrument version; the same workbook
//! again is recognised; other content under an existing form id and version is refused.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use leernet_core::{Bilingual, Role};
use std::sync::Arc;

/// The largest workbook accepted.
pub const MAX_WORKBOOK_BYTES: usize = 4 * 1024 * 1024;

/// `GET /admin/instruments` (researchers and coordinators see the list; researchers upload).
pub async fn list(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    v.require(&[Role::Researcher, Role::Coordinator])?;
    page(&state, &v, minijinja::context! {}, StatusCode::OK).await
}

async fn page(
    state: &AppState,
    v: &Visitor,
    result: minijinja::Value,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let instruments: Vec<_> = state
        .store
        .instruments()
        .await?
        .into_iter()
        .map(|i| {
            minijinja::context! {
                title => i.title.get(lang).to_owned(),
                form_id => i.form_id,
                version => i.version,
                file_name => i.file_name,
            }
        })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "instruments.html",
        minijinja::context! {
            instruments => instruments,
            researcher => v.user.as_ref().is_some_and(|u| u.role == Role::Researcher),
            // What a result leaves out: no check shown.
            ..minijinja::context! {
                ..result,
                ..minijinja::context! {
                    message => (), checked => (), valid => false, questions => (), problems => ()
                }
            }
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /admin/instruments` (multipart: `csrf_token`, `file`): check, and store when valid.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    v.require(&[Role::Researcher])?;
    let mut csrf = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest(lang))?
    {
        match field.name() {
            Some("csrf_token") => {
                csrf = Some(field.text().await.map_err(|_| AppError::BadRequest(lang))?)
            }
            Some("file") => {
                // The CSRF field comes first in the form: refuse before reading a file.
                v.check_csrf(csrf.as_deref())?;
                let name = field.file_name().unwrap_or("upload.xlsx").to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::BadRequest(lang))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    v.check_csrf(csrf.as_deref())?;
    let t = state.catalog.table(lang);
    let say = |k: &str| t.get(k).cloned().unwrap_or_default();
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return page(
            &state,
            &v,
            minijinja::context! { message => say("instruments.no_file") },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("upload.xlsx")
        .chars()
        .take(200)
        .collect();
    // a file over one of the reader's limits: said in the visitor's language
    let limits = leernet_xlsform::guard::Limits::QUESTIONNAIRE;
    if let Err(e) = leernet_xlsform::guard::checked_workbook(&bytes, &limits) {
        let (kind, n) = e.kind();
        let reason = say(&format!("instruments.limit_{kind}")).replace("{n}", &n.to_string());
        return page(
            &state,
            &v,
            minijinja::context! {
                checked => name,
                valid => false,
                message => say("instruments.over_limit").replace("{reason}", &reason),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let report = leernet_xlsform::check(&bytes, &name);
    let problems: Vec<_> = report
        .errors
        .iter()
        .chain(report.warnings.iter())
        .map(|d| {
            minijinja::context! {
                sheet => d.sheet.clone(),
                row => d.row,
                column => d.column.clone(),
                message => d.message.clone(),
                error => d.severity == leernet_xlsform::Severity::Error,
            }
        })
        .collect();
    if !report.valid {
        return page(
            &state,
            &v,
            minijinja::context! {
                checked => name,
                valid => false,
                problems => problems,
                message => say("instruments.invalid"),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let parsed = leernet_xlsform::Form::from_workbook(&bytes, &name)?;
    let stored = state
        .store
        .add_instrument(&leernet_store::NewInstrument {
            form_id: parsed.id().to_owned(),
            version: parsed.version().unwrap_or("").to_owned(),
            title: Bilingual {
                nl: parsed.title("nl"),
                en: parsed.title("en"),
            },
            file_name: name.clone(),
            workbook: bytes,
        })
        .await;
    let (message, status) = match stored {
        Ok(_) => (say("instruments.stored"), StatusCode::OK),
        Err(leernet_store::StoreError::Conflict(_)) => {
            (say("instruments.conflict"), StatusCode::CONFLICT)
        }
        Err(e) => return Err(AppError::internal(lang, e)),
    };
    page(
        &state,
        &v,
        minijinja::context! {
            checked => name,
            valid => true,
            questions => report.questions,
            problems => problems,
            message => message,
        },
        status,
    )
    .await
}
