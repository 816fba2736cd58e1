//! The researcher's instruments page: the stored questionnaires, and uploading an XLSForm
//! with its check result (every problem with sheet, row and column, as `leernet instrument
//! check` reports it). A valid form is stored as a new instrument version; the same workbook
//! again is recognised; other content under an existing form id and version is refused.

use crate::auth::Visitor;
use crate::{AppError, AppState};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leernet_core::{Bilingual, InstrumentId, NetworkId, ResponseStatus, Role};
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
                id => i.id.0,
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
                    message => (), checked => (), valid => false, questions => (), problems => (),
                    stored_id => ()
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
    let problems = findings(&report);
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
    let (message, status, stored_id) = match stored {
        Ok(id) => (say("instruments.stored"), StatusCode::OK, Some(id.0)),
        Err(leernet_store::StoreError::Conflict(_)) => {
            (say("instruments.conflict"), StatusCode::CONFLICT, None)
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
            stored_id => stored_id,
        },
        status,
    )
    .await
}

/// The check's findings of a workbook as the template shows them (sheet, row, column,
/// message), errors first. The one checker is `leernet_xlsform::check`, as
/// `leernet instrument check` runs it.
fn findings(report: &leernet_xlsform::CheckReport) -> Vec<minijinja::Value> {
    report
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
        .collect()
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct InstrumentQuery {
    made: Option<u8>,
    wiped: Option<u64>,
    refused: Option<u8>,
}

/// `GET /admin/instruments/{id}`: one questionnaire — its check, its preview in each
/// language, and its test links with the test answers (researchers make and wipe them;
/// coordinators see).
pub async fn instrument(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    headers: axum::http::HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(q): axum::extract::Query<InstrumentQuery>,
) -> Result<Response, AppError> {
    let user = v.require(&[Role::Researcher, Role::Coordinator])?;
    let lang = v.lang.lang;
    let store = &state.store;
    let Some(inst) = store
        .instruments()
        .await?
        .into_iter()
        .find(|i| i.id == InstrumentId(id))
    else {
        return Err(AppError::NotFound(lang));
    };
    let report = leernet_xlsform::check(&inst.workbook, &inst.file_name);
    let counts = store.test_counts(inst.id).await?;
    // the test answers are downloaded as a wave of their own (researchers only)
    let test_wave = match counts.started {
        0 => None,
        _ => store.test_wave_of(inst.id).await?.map(|w| w.0),
    };
    let networks = store.networks().await?;
    let name_of = |n: NetworkId| {
        networks
            .iter()
            .find(|x| x.id == n)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let base = crate::admin::public_base(&state, &headers).unwrap_or_default();
    let t = state.catalog.table(lang);
    let say = |k: &str| t.get(k).cloned().unwrap_or_default();
    let links: Vec<_> = store
        .test_links(inst.id)
        .await?
        .into_iter()
        .rev()
        .map(|l| {
            let status = match l.status {
                Some(ResponseStatus::Submitted) => say("instrument.test_submitted"),
                Some(ResponseStatus::InProgress) => say("instrument.test_started"),
                None => say("instrument.test_unused"),
            };
            minijinja::context! {
                link => format!("{base}/s/{}", l.token.as_str()),
                network => name_of(l.network),
                status => status,
            }
        })
        .collect();
    let refused = (q.refused == Some(1)).then(|| {
        say("instrument.test_refused").replace("{n}", &leernet_store::MAX_TEST_LINKS.to_string())
    });
    let notice = match (q.made, q.wiped) {
        (Some(1), _) => Some(say("instrument.test_made")),
        (_, Some(1)) => Some(say("instrument.test_wiped_one")),
        (_, Some(n)) => Some(say("instrument.test_wiped_many").replace("{n}", &n.to_string())),
        _ => None,
    };
    crate::page::render(
        &state,
        &v,
        "instrument.html",
        minijinja::context! {
            id => id,
            title => inst.title.get(lang).to_owned(),
            version => inst.version,
            file_name => inst.file_name,
            questions => report.questions,
            problems => findings(&report),
            valid => report.valid,
            languages => ["nl", "en"]
                .iter()
                .map(|code| minijinja::context! { code => *code })
                .collect::<Vec<_>>(),
            researcher => user.role == Role::Researcher,
            networks => networks
                .iter()
                .map(|n| minijinja::context! { id => n.id.0, name => n.name.clone() })
                .collect::<Vec<_>>(),
            links => links,
            links_made => counts.links,
            started => counts.started,
            submitted => counts.submitted,
            test_wave => test_wave,
            notice => notice,
            refused => refused,
        },
    )
}

#[derive(Debug, serde::Deserialize)]
pub struct TestLinkForm {
    csrf_token: Option<String>,
    network: Option<String>,
}

/// `POST /admin/instruments/{id}/test-links` (`csrf_token`, `network`): a new test link for
/// that network (researchers).
pub async fn make_test_link(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Form(f): axum::Form<TestLinkForm>,
) -> Result<Response, AppError> {
    v.require(&[Role::Researcher])?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let store = &state.store;
    if !store.instruments().await?.iter().any(|i| i.id.0 == id) {
        return Err(AppError::NotFound(lang));
    }
    let network = f
        .network
        .as_deref()
        .and_then(|n| n.parse::<i64>().ok())
        .map(NetworkId);
    let networks = store.networks().await?;
    let Some(network) = network.filter(|n| networks.iter().any(|x| x.id == *n)) else {
        return Err(AppError::BadRequest(lang));
    };
    match leernet_app::invitations::test_link(
        store,
        InstrumentId(id),
        network,
        &state.content.overview.network_instrument,
    )
    .await
    {
        Ok(_) => {}
        // too many links, or a real wave took the test wave's name: said on the page
        Err(leernet_store::StoreError::Conflict(_)) => {
            return Ok(axum::response::Redirect::to(
                &state.link(&format!("/admin/instruments/{id}?refused=1#test-links")),
            )
            .into_response())
        }
        Err(e) => return Err(AppError::internal(lang, e)),
    }
    Ok(axum::response::Redirect::to(
        &state.link(&format!("/admin/instruments/{id}?made=1#test-links")),
    )
    .into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct WipeForm {
    csrf_token: Option<String>,
}

/// `POST /admin/instruments/{id}/test-answers/wipe` (`csrf_token`): the questionnaire's test
/// answers wiped, audited; nothing else changes (researchers).
pub async fn wipe_test_answers(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Form(f): axum::Form<WipeForm>,
) -> Result<Response, AppError> {
    let user = v.require(&[Role::Researcher])?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let store = &state.store;
    if !store.instruments().await?.iter().any(|i| i.id.0 == id) {
        return Err(AppError::NotFound(lang));
    }
    let gone = store
        .wipe_test_responses(
            Some(InstrumentId(id)),
            leernet_store::Actor::Person(user.id),
            state.now(),
        )
        .await?;
    Ok(axum::response::Redirect::to(
        &state.link(&format!("/admin/instruments/{id}?wiped={gone}#test-links")),
    )
    .into_response())
}
