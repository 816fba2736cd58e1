//! `POST /api/v1/studies/{slug}/instruments/{id}/imports`: a CSV or XLSX export of another
//! tool (or of leernet) imported into a wave, as the web's import page and `leernet import
//! responses` do — through the same use case ([`leernet_app::import`]): the layout detected,
//! the columns mapped onto the questionnaire, every row checked by the XLSForm engine, and
//! everything stored in one transaction, or nothing when any row has an error (422 with
//! every problem's row and column).

use crate::problem::{ApiError, FieldProblem, Problem};
use crate::{ApiState, Caller, Fail};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use leernet_core::WaveId;
use leernet_store::Actor;
use leernet_xlsform::Form;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// The largest file accepted (8 MiB, as the web's import page); a larger body is 413.
pub const MAX_IMPORT_BYTES: usize = 8 << 20;

/// The most problems a 422 lists (the count says how many there were).
const MAX_PROBLEMS: usize = 1000;

/// Where the rows go.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The wave's id (a wave of this questionnaire).
    wave: i64,
    /// The network of every row (its slug), for a file without a network column.
    network: Option<String>,
    /// The column that names each row's network (its slug or name); default `network`
    /// when no `network` is given.
    network_column: Option<String>,
}

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    /// The layout found: `kobo`, `odk`, `limesurvey`, `qualtrics`, `msforms`, `leernet`,
    /// `csv`.
    pub format: String,
    /// Data rows read.
    pub rows: u64,
    /// Responses new to the wave.
    pub added: u64,
    /// Responses the wave already had (the same file imported again).
    pub already: u64,
    /// Rows left out (empty, or marked by the export as not a response).
    pub skipped: u64,
    /// Warnings (nothing that stopped the import), with row and column.
    pub warnings: Vec<FieldProblem>,
}

/// The import's problems as the API's, with the file's row and column.
pub(crate) fn file_problems(problems: &[leernet_io::Problem]) -> Vec<FieldProblem> {
    problems
        .iter()
        .take(MAX_PROBLEMS)
        .map(|p| FieldProblem {
            index: None,
            row: p.row,
            column: p.column.clone(),
            field: p.question.clone(),
            message: p.message.clone(),
        })
        .collect()
}

/// `POST /api/v1/studies/{slug}/instruments/{id}/imports`.
#[utoipa::path(post, path = "/api/v1/studies/{slug}/instruments/{id}/imports", tag = "responses",
    params(("slug" = String, Path, description = "The study's slug", example = "a"), ("id" = i64, Path, description = "The questionnaire's id", example = 1), ImportQuery),
    request_body(content = Vec<u8>, description = "The file: CSV (text/csv) or XLSX (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet), at most 8 MiB", content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Every row was checked and stored (researchers only)", body = ImportOut),
        (status = 400, description = "A bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A token without the write scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The study is archived: it can be read, not changed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such study, questionnaire, wave or network, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file over 8 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A file that breaks the questionnaire's rules: nothing was stored, every problem is listed with its row and column", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import(
    State(state): State<Arc<ApiState>>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    query: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, Fail> {
    let f = |e| Fail(e, caller.lang);
    let a = state.write_access(&caller, &slug).await.map_err(f)?;
    let inst = crate::handlers::find_instrument(&a, &id).await.map_err(f)?;
    let Query(q) = query.map_err(|_| f(ApiError::BadQuery))?;
    let wave = a
        .store
        .wave(WaveId(q.wave))
        .await
        .map_err(|e| f(ApiError::internal(e)))?
        .filter(|w| w.instrument == inst.id)
        .ok_or(f(ApiError::NotFound))?;
    let bytes = body.map_err(|r| {
        f(ApiError::Status(
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            },
        ))
    })?;
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(f(ApiError::Status(StatusCode::PAYLOAD_TOO_LARGE)));
    }
    if bytes.is_empty() {
        return Err(f(ApiError::Invalid(vec![FieldProblem {
            message: "the request holds no file".into(),
            ..FieldProblem::default()
        }])));
    }
    let networks = a
        .store
        .networks()
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    let lookup = leernet_app::import::network_lookup(&networks);
    let default_network = match &q.network {
        Some(s) => Some(*lookup.get(&s.to_lowercase()).ok_or(f(ApiError::NotFound))?),
        None => None,
    };
    let network_column = match (&q.network_column, default_network) {
        (Some(c), _) if c.is_empty() || c.chars().count() > 200 => {
            return Err(f(ApiError::BadQuery))
        }
        (Some(c), _) => c.clone(),
        (None, Some(_)) => String::new(),
        (None, None) => "network".into(),
    };
    let form = Form::from_workbook(&inst.workbook, &inst.file_name)
        .map_err(|e| f(ApiError::internal(e)))?;
    let source = leernet_app::import::Source {
        format: None,
        mapping: None,
        network_column: (!network_column.is_empty()).then(|| network_column.clone()),
        missing: None,
    };
    let reader = Box::new(std::io::Cursor::new(bytes));
    let opened = match leernet_app::import::open(form, reader, source).await {
        Ok(o) => o,
        Err(leernet_app::import::OpenError::Problems(p)) => {
            let errors: Vec<_> = p
                .into_iter()
                .filter(leernet_io::Problem::is_error)
                .collect();
            return Err(f(ApiError::Invalid(file_problems(&errors))));
        }
        Err(leernet_app::import::OpenError::Stopped) => {
            return Err(f(ApiError::internal("the import's reader stopped")))
        }
    };
    let format = opened.format;
    let actor = Actor::Person(caller.token.account);
    let target = leernet_app::import::Target {
        instrument: wave.instrument,
        wave: &wave.name,
        networks: &lookup,
        default_network,
        network_column: &network_column,
        empty_network: "the network cell is empty and no network is given",
        commit: Some((&actor, state.now())),
    };
    let o = opened
        .store(&a.store, &target, |_| {})
        .await
        .map_err(|e| f(ApiError::internal(e)))?;
    tracing::info!(
        rows = o.rows,
        stored = if o.stored { o.added } else { 0 },
        errors = o.errors,
        "responses import through the API"
    );
    if !o.stored {
        let errors: Vec<_> = o
            .problems
            .into_iter()
            .filter(leernet_io::Problem::is_error)
            .collect();
        return Err(f(ApiError::Invalid(file_problems(&errors))));
    }
    let warnings: Vec<_> = o.problems.into_iter().filter(|p| !p.is_error()).collect();
    Ok((
        StatusCode::CREATED,
        Json(ImportOut {
            format: format.as_str().to_owned(),
            rows: o.rows,
            added: o.added,
            already: o.already,
            skipped: o.skipped,
            warnings: file_problems(&warnings),
        }),
    )
        .into_response())
}
