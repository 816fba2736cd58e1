//! The installation administrator's page, `/admin/studies`: every study of the
//! installation with its state and lead researchers; a new study with its lead researcher;
//! archiving a study and making it active again. The same use cases as `leernet study add
//! --lead`, `study archive` and `study activate` (`leernet_app::studies`).
//!
//! Only an installation administrator (`leernet admin give`) sees it: a role in a study
//! gives no right over the installation. A stranger is sent to the login page, anyone else
//! gets 403.

use crate::auth::Visitor;
use crate::portal::Portal;
use crate::{AppError, AppState};
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use leernet_core::{Bilingual, Email, Lang, Role, Slug};
use leernet_store::{Actor, NewStudy, StudyState};
use std::sync::Arc;

/// The longest title accepted (characters).
const MAX_TITLE: usize = 200;

/// The new-study form as posted.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct StudyFields {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title_nl: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    lead: String,
}

/// A new study as the form asks for it, checked.
#[derive(Debug)]
pub(crate) struct StudyRequest {
    study: NewStudy,
    lead: Email,
}

/// A field of the form and the catalogue key of what is wrong with it.
type FieldError = (&'static str, &'static str);

impl TryFrom<&StudyFields> for StudyRequest {
    type Error = Vec<FieldError>;

    fn try_from(f: &StudyFields) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let nl = f.title_nl.trim();
        let en = f.title_en.trim();
        if nl.is_empty() || nl.chars().count() > MAX_TITLE {
            errors.push(("title_nl", "studies.err_title"));
        }
        if en.chars().count() > MAX_TITLE {
            errors.push(("title_en", "studies.err_title"));
        }
        let slug = Slug::parse(f.slug.trim().to_lowercase().as_str()).ok();
        if slug.is_none() {
            errors.push(("slug", "studies.err_slug"));
        }
        let lead = Email::parse(f.lead.trim()).ok();
        if lead.is_none() {
            errors.push(("lead", "studies.err_lead"));
        }
        match (slug, lead) {
            (Some(slug), Some(lead)) if errors.is_empty() => Ok(StudyRequest {
                study: NewStudy {
                    slug,
                    title: Bilingual {
                        nl: nl.to_owned(),
                        en: if en.is_empty() { nl } else { en }.to_owned(),
                    },
                },
                lead,
            }),
            _ => Err(errors),
        }
    }
}

/// The archive / activate form as posted.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct StateFields {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// What the state form asks for, checked: archiving needs its confirmation ticked.
pub(crate) enum StateRequest {
    Archive,
    Activate,
}

impl TryFrom<&StateFields> for StateRequest {
    type Error = &'static str;

    fn try_from(f: &StateFields) -> Result<Self, Self::Error> {
        match f.to.as_str() {
            "archived" if f.confirm.as_deref() == Some("yes") => Ok(StateRequest::Archive),
            "archived" => Err("studies.err_confirm"),
            "active" => Ok(StateRequest::Activate),
            _ => Err("studies.err_state"),
        }
    }
}

/// The visitor of an installation page, who must be an installation administrator.
async fn admin(
    portal: &Portal,
    parts: &mut axum::http::request::Parts,
) -> Result<(Arc<AppState>, Visitor), AppError> {
    let front = portal.front();
    let v = Visitor::from_request_parts(parts, &front).await?;
    match &v.signed_in {
        None => Err(AppError::LoginRequired(v.target.clone())),
        Some(s) if s.admin => Ok((front, v)),
        Some(_) => Err(AppError::Forbidden(v.lang.lang)),
    }
}

/// `GET /admin/studies`.
pub(crate) async fn page(
    State(portal): State<Arc<Portal>>,
    req: Request,
) -> Result<Response, AppError> {
    let (mut parts, _) = req.into_parts();
    let (front, v) = admin(&portal, &mut parts).await?;
    let notice = parts
        .uri
        .query()
        .and_then(|q| q.strip_prefix("made="))
        .and_then(|s| Slug::parse(s).ok())
        .map(|s| s.as_str().to_owned());
    render(
        &portal,
        &front,
        &v,
        &StudyFields::default(),
        &[],
        None,
        notice,
    )
    .await
}

/// `POST /admin/studies`: a new study with its lead researcher.
pub(crate) async fn add(
    State(portal): State<Arc<Portal>>,
    req: Request,
) -> Result<Response, AppError> {
    let (mut parts, body) = req.into_parts();
    let (front, v) = admin(&portal, &mut parts).await?;
    let lang = v.lang.lang;
    let Form(fields) = Form::<StudyFields>::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(|_| AppError::BadRequest(lang))?;
    v.check_csrf(Some(&fields.csrf_token))?;
    let request = match StudyRequest::try_from(&fields) {
        Ok(r) => r,
        Err(errors) => return render(&portal, &front, &v, &fields, &errors, None, None).await,
    };
    let made = leernet_app::studies::make_study(
        portal.installation(),
        &request.study,
        Some(&request.lead),
        &actor(&v),
        front.now(),
    )
    .await;
    use leernet_app::studies::StudyError;
    let problem: FieldError = match made {
        Ok(study) => {
            return Ok(Redirect::to(&format!("/admin/studies?made={}", study.slug)).into_response())
        }
        Err(StudyError::UnknownAccount(_)) => ("lead", "studies.err_no_account"),
        Err(StudyError::Store(leernet_store::StoreError::Conflict(_))) => {
            ("slug", "studies.err_slug_taken")
        }
        Err(e) => return Err(AppError::internal(lang, e)),
    };
    render(&portal, &front, &v, &fields, &[problem], None, None).await
}

/// `POST /admin/studies/{slug}/state`: archive a study, or make it active again.
pub(crate) async fn set_state(
    State(portal): State<Arc<Portal>>,
    Path(slug): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    let (mut parts, body) = req.into_parts();
    let (front, v) = admin(&portal, &mut parts).await?;
    let lang = v.lang.lang;
    let Form(fields) = Form::<StateFields>::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(|_| AppError::BadRequest(lang))?;
    v.check_csrf(Some(&fields.csrf_token))?;
    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound(lang))?;
    let inst = portal.installation();
    if inst
        .study_by_slug(&slug)
        .await
        .map_err(|e| AppError::internal(lang, e))?
        .is_none()
    {
        return Err(AppError::NotFound(lang));
    }
    let wanted = match StateRequest::try_from(&fields) {
        Ok(w) => w,
        Err(key) => {
            let study_error = Some((slug.as_str().to_owned(), key));
            return render(
                &portal,
                &front,
                &v,
                &StudyFields::default(),
                &[],
                study_error,
                None,
            )
            .await;
        }
    };
    let (who, at) = (actor(&v), front.now());
    match wanted {
        StateRequest::Archive => inst.archive_study(&slug, &who, at).await,
        StateRequest::Activate => inst.activate_study(&slug, &who, at).await,
    }
    .map_err(|e| AppError::internal(lang, e))?;
    portal.forget(&slug).await;
    Ok(Redirect::to("/admin/studies").into_response())
}

fn actor(v: &Visitor) -> Actor {
    match &v.signed_in {
        Some(s) => Actor::Person(s.id),
        None => Actor::System,
    }
}

/// The page: the studies, the new-study form with what was typed and what is wrong.
async fn render(
    portal: &Portal,
    front: &AppState,
    v: &Visitor,
    fields: &StudyFields,
    errors: &[FieldError],
    state_error: Option<(String, &'static str)>,
    made: Option<String>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let inst = portal.installation();
    let fail = |e| AppError::internal(lang, e);
    let mut rows = Vec::new();
    for s in inst.studies().await.map_err(fail)? {
        let mut leads = Vec::new();
        for r in inst.roles(s.id).await.map_err(fail)? {
            if r.role == Role::Researcher {
                if let Some(a) = inst.account(r.account).await.map_err(fail)? {
                    leads.push(a.name);
                }
            }
        }
        let active = s.state == StudyState::Active;
        rows.push(minijinja::context! {
            slug => s.slug.as_str(),
            title => s.title.get(lang),
            active => active,
            researchers => leads.join(", "),
            error => state_error.as_ref().filter(|(slug, _)| slug == s.slug.as_str()).map(|(_, k)| *k),
        });
    }
    let errors: Vec<minijinja::Value> = errors
        .iter()
        .map(|(field, key)| minijinja::context! { field => *field, key => *key })
        .collect();
    let made_title = match made.as_deref().map(Slug::parse) {
        Some(Ok(slug)) => inst
            .study_by_slug(&slug)
            .await
            .map_err(fail)?
            .map(|s| s.title.get(lang).to_owned()),
        _ => None,
    };
    crate::page::render(
        front,
        v,
        "studies_admin.html",
        minijinja::context! {
            studies => rows,
            errors => errors,
            form => minijinja::context! {
                title_nl => fields.title_nl.trim(),
                title_en => fields.title_en.trim(),
                slug => fields.slug.trim(),
                lead => fields.lead.trim(),
            },
            made => made.map(|slug| minijinja::context! { slug => slug, title => made_title }),
            en => lang == Lang::En,
        },
    )
}
