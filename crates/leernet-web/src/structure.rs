//! `/admin/structure`: the Werkplaatsen and learning networks of a study, for its
//! researchers (issue 18, item 1) — make, edit (name, region, Werkplaats) and archive them,
//! as `leernet workplace add` and `leernet network add` do at the command line (the same
//! `leernet_app::studies` use cases; editing and archiving are `leernet_app::people`'s).
//!
//! Archiving deletes nothing: an archived network drops out of the choices for invitations
//! and new roles and is listed apart, but its answers, roles and workspace stay, and the
//! figures of past waves keep it. A slug cannot be changed (addresses and exports name it);
//! a slug taken says so, and the form comes back as typed (422), with nothing stored.
//! Only served as part of an installation (404 for a store served on its own).

use crate::auth::Visitor;
use crate::form::HtmlForm;
use crate::people::{actor, researcher_here, FieldError, MAX_NAME};
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leernet_app::people::{self as use_case, PeopleError, WorkplaceEdit};
use leernet_app::studies::{self, NewStudyNetwork, StudyError};
use leernet_core::{Lang, Slug};
use leernet_store::{Installation, NewWorkplace, StoreError};
use std::sync::Arc;

/// A Werkplaats form as posted (new or edited: an edit has no slug).
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct WorkplaceFields {
    #[serde(default)]
    pub csrf_token: Option<String>,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub region: String,
}

/// A network form as posted (new or edited: an edit has no slug).
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct NetworkFields {
    #[serde(default)]
    pub csrf_token: Option<String>,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub name: String,
    /// The Werkplaats, by slug.
    #[serde(default)]
    pub workplace: String,
}

/// A checked new network.
#[derive(Debug, Clone)]
pub struct NetworkRequest {
    pub slug: Option<Slug>,
    pub name: String,
    pub workplace: Slug,
}

fn check_name(name: &str, errors: &mut Vec<FieldError>, field: &'static str) -> String {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > MAX_NAME {
        errors.push((field, "structure.err_name"));
    }
    n.to_owned()
}

fn check_slug(slug: &str, errors: &mut Vec<FieldError>, network: bool) -> Option<Slug> {
    match Slug::parse(slug.trim()) {
        Ok(s) if network && s.reserved_for_networks() => {
            errors.push(("slug", "structure.err_slug_reserved"));
            None
        }
        Ok(s) => Some(s),
        Err(_) => {
            errors.push(("slug", "structure.err_slug"));
            None
        }
    }
}

/// A checked Werkplaats: new (with its slug) or an edit (`slug` none).
#[derive(Debug, Clone)]
pub struct WorkplaceRequest {
    pub slug: Option<Slug>,
    pub name: String,
    pub region: String,
}

impl TryFrom<(&WorkplaceFields, bool)> for WorkplaceRequest {
    type Error = Vec<FieldError>;

    fn try_from((f, new): (&WorkplaceFields, bool)) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let slug = if new {
            check_slug(&f.slug, &mut errors, false)
        } else {
            None
        };
        let name = check_name(&f.name, &mut errors, "name");
        let region = f.region.trim();
        if region.chars().count() > MAX_NAME {
            errors.push(("region", "structure.err_region"));
        }
        if errors.is_empty() {
            Ok(WorkplaceRequest {
                slug,
                name,
                region: region.to_owned(),
            })
        } else {
            Err(errors)
        }
    }
}

/// A new network (with its slug) or an edit (`slug` none).
impl TryFrom<(&NetworkFields, bool)> for NetworkRequest {
    type Error = Vec<FieldError>;

    fn try_from((f, new): (&NetworkFields, bool)) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let slug = if new {
            check_slug(&f.slug, &mut errors, true)
        } else {
            None
        };
        let name = check_name(&f.name, &mut errors, "network-name");
        let workplace = Slug::parse(f.workplace.trim()).ok();
        if workplace.is_none() {
            errors.push(("workplace", "structure.err_workplace"));
        }
        match workplace {
            Some(workplace) if errors.is_empty() => Ok(NetworkRequest {
                slug,
                name,
                workplace,
            }),
            _ => Err(errors),
        }
    }
}

/// `?saved=` after a redirect.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: String,
}

fn notice(s: &Saved) -> Option<&'static str> {
    match s.saved.as_str() {
        "added" => Some("structure.added"),
        "saved" => Some("structure.saved"),
        _ => None,
    }
}

/// What the page was sent, to show again.
#[derive(Default)]
struct Typed<'a> {
    workplace: Option<&'a WorkplaceFields>,
    network: Option<&'a NetworkFields>,
}

/// `GET /admin/structure`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(s): Query<Saved>,
) -> Result<Response, AppError> {
    let (_, inst, _) = researcher_here(&state, &v).await?;
    render(
        &state,
        &v,
        &inst,
        Typed::default(),
        &[],
        notice(&s),
        StatusCode::OK,
    )
    .await
}

async fn render(
    state: &AppState,
    v: &Visitor,
    inst: &Installation,
    typed: Typed<'_>,
    errors: &[FieldError],
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let archived_w = inst.archived_workplaces().await?;
    let archived_n = inst.archived_networks().await?;
    let workplaces = state.store.workplaces().await?;
    let networks = state.store.networks().await?;
    let wp_row = |w: &leernet_core::Workplace| {
        minijinja::context! {
            slug => w.slug.as_str(),
            name => w.name.clone(),
            region => w.region.clone(),
            networks => networks.iter().filter(|n| n.workplace == w.id).count(),
        }
    };
    let net_row = |n: &leernet_core::Network| {
        minijinja::context! {
            slug => n.slug.as_str(),
            name => n.name.clone(),
            workplace => workplaces.iter().find(|w| w.id == n.workplace).map(|w| w.name.clone()).unwrap_or_default(),
        }
    };
    let empty_w = WorkplaceFields::default();
    let empty_n = NetworkFields::default();
    let wf = typed.workplace.unwrap_or(&empty_w);
    let nf = typed.network.unwrap_or(&empty_n);
    let mut res = crate::page::render(
        state,
        v,
        "structure.html",
        minijinja::context! {
            workplaces => workplaces.iter().filter(|w| !archived_w.contains(&w.id)).map(wp_row).collect::<Vec<_>>(),
            archived_workplaces => workplaces.iter().filter(|w| archived_w.contains(&w.id)).map(wp_row).collect::<Vec<_>>(),
            networks => networks.iter().filter(|n| !archived_n.contains(&n.id)).map(net_row).collect::<Vec<_>>(),
            archived_networks => networks.iter().filter(|n| archived_n.contains(&n.id)).map(net_row).collect::<Vec<_>>(),
            workplace_choices => workplaces.iter().filter(|w| !archived_w.contains(&w.id)).map(|w| minijinja::context! { slug => w.slug.as_str(), name => w.name.clone() }).collect::<Vec<_>>(),
            wp_errors => errors_for(errors, typed.workplace.is_some()),
            net_errors => errors_for(errors, typed.network.is_some()),
            wf => minijinja::context! { slug => wf.slug.trim(), name => wf.name.trim(), region => wf.region.trim() },
            nf => minijinja::context! { slug => nf.slug.trim(), name => nf.name.trim(), workplace => nf.workplace.trim() },
            notice => notice,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

fn errors_for(errors: &[FieldError], this: bool) -> Vec<minijinja::Value> {
    if !this {
        return Vec::new();
    }
    errors
        .iter()
        .map(|(field, key)| minijinja::context! { field => *field, key => *key })
        .collect()
}

/// The field and message of a refusal a person can act on.
fn refusal(e: &StudyError) -> Option<FieldError> {
    Some(match e {
        StudyError::Store(StoreError::Conflict(_)) => ("slug", "structure.err_slug_taken"),
        StudyError::UnknownWorkplace(_) => ("workplace", "structure.err_workplace"),
        StudyError::OtherWorkplace { .. } => ("workplace", "structure.err_other_workplace"),
        _ => return None,
    })
}

/// `POST /admin/structure/workplaces`: a new Werkplaats.
pub async fn add_workplace(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    HtmlForm(f): HtmlForm<WorkplaceFields>,
) -> Result<Response, AppError> {
    let (_, inst, _) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let typed = || Typed {
        workplace: Some(&f),
        network: None,
    };
    let new = match WorkplaceRequest::try_from((&f, true)) {
        Ok(WorkplaceRequest {
            slug: Some(slug),
            name,
            region,
        }) => NewWorkplace { slug, name, region },
        Ok(_) => return Err(AppError::BadRequest(lang)),
        Err(errors) => {
            return render(&state, &v, &inst, typed(), &errors, None, UNPROCESSABLE).await
        }
    };
    match studies::add_workplace(&inst, &state.store, &new, &actor(&v), state.now()).await {
        Ok(_) => Ok(Redirect::to(&state.link("/admin/structure?saved=added")).into_response()),
        Err(e) => match refusal(&e) {
            Some(field) => render(&state, &v, &inst, typed(), &[field], None, UNPROCESSABLE).await,
            None => Err(AppError::internal(lang, e)),
        },
    }
}

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// `POST /admin/structure/networks`: a new network (or one of another study joining).
pub async fn add_network(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    HtmlForm(f): HtmlForm<NetworkFields>,
) -> Result<Response, AppError> {
    let (_, inst, study) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let typed = || Typed {
        workplace: None,
        network: Some(&f),
    };
    let req = match NetworkRequest::try_from((&f, true)) {
        Ok(r) => r,
        Err(errors) => {
            return render(&state, &v, &inst, typed(), &errors, None, UNPROCESSABLE).await
        }
    };
    if !current_workplace(&state, &inst, &req.workplace).await? {
        return render(
            &state,
            &v,
            &inst,
            typed(),
            &[("workplace", "structure.err_workplace")],
            None,
            UNPROCESSABLE,
        )
        .await;
    }
    let Some(slug) = &req.slug else {
        return Err(AppError::BadRequest(lang));
    };
    let added = studies::add_network(
        &inst,
        &study,
        &state.store,
        &NewStudyNetwork {
            slug,
            name: &req.name,
            workplace: &req.workplace,
        },
        &actor(&v),
        state.now(),
    )
    .await;
    match added {
        Ok(_) => Ok(Redirect::to(&state.link("/admin/structure?saved=added")).into_response()),
        Err(e) => match refusal(&e) {
            Some(field) => render(&state, &v, &inst, typed(), &[field], None, UNPROCESSABLE).await,
            None => Err(AppError::internal(lang, e)),
        },
    }
}

/// Whether `slug` is a Werkplaats of this study that is not archived.
async fn current_workplace(
    state: &AppState,
    inst: &Installation,
    slug: &Slug,
) -> Result<bool, AppError> {
    let archived = inst.archived_workplaces().await?;
    Ok(state
        .store
        .workplaces()
        .await?
        .iter()
        .any(|w| &w.slug == slug && !archived.contains(&w.id)))
}

/// The study's Werkplaats `slug`, or 404.
async fn workplace_or_404(
    state: &AppState,
    slug: &str,
    lang: Lang,
) -> Result<leernet_core::Workplace, AppError> {
    state
        .store
        .workplaces()
        .await?
        .into_iter()
        .find(|w| w.slug.as_str() == slug)
        .ok_or(AppError::NotFound(lang))
}

/// The study's network `slug`, or 404.
async fn network_or_404(
    state: &AppState,
    slug: &str,
    lang: Lang,
) -> Result<leernet_core::Network, AppError> {
    state
        .store
        .networks()
        .await?
        .into_iter()
        .find(|n| n.slug.as_str() == slug)
        .ok_or(AppError::NotFound(lang))
}

/// What an edit page shows.
struct Edit<'a> {
    kind: &'static str,
    slug: String,
    title: String,
    archived: bool,
    name: &'a str,
    region: &'a str,
    workplace: &'a str,
}

#[allow(clippy::too_many_arguments)]
async fn render_edit(
    state: &AppState,
    v: &Visitor,
    inst: &Installation,
    edit: Edit<'_>,
    errors: &[FieldError],
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let archived_w = inst.archived_workplaces().await?;
    let choices: Vec<minijinja::Value> = state
        .store
        .workplaces()
        .await?
        .iter()
        .filter(|w| !archived_w.contains(&w.id) || w.slug.as_str() == edit.workplace)
        .map(|w| minijinja::context! { slug => w.slug.as_str(), name => w.name.clone() })
        .collect();
    let mut res = crate::page::render(
        state,
        v,
        "structure_edit.html",
        minijinja::context! {
            kind => edit.kind,
            slug => edit.slug,
            title => edit.title,
            archived => edit.archived,
            form => minijinja::context! { name => edit.name.trim(), region => edit.region.trim(), workplace => edit.workplace.trim() },
            workplace_choices => choices,
            errors => errors_for(errors, true),
            notice => notice,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// `GET /admin/structure/workplaces/{slug}`.
pub async fn workplace(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(slug): Path<String>,
    Query(s): Query<Saved>,
) -> Result<Response, AppError> {
    let (_, inst, _) = researcher_here(&state, &v).await?;
    let w = workplace_or_404(&state, &slug, v.lang.lang).await?;
    let archived = inst.archived_workplaces().await?.contains(&w.id);
    let edit = Edit {
        kind: "workplace",
        slug: w.slug.as_str().to_owned(),
        title: w.name.clone(),
        archived,
        name: &w.name,
        region: &w.region,
        workplace: "",
    };
    render_edit(&state, &v, &inst, edit, &[], notice(&s), StatusCode::OK).await
}

/// `POST /admin/structure/workplaces/{slug}`: save a Werkplaats' name and region.
pub async fn save_workplace(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(slug): Path<String>,
    HtmlForm(f): HtmlForm<WorkplaceFields>,
) -> Result<Response, AppError> {
    let (_, inst, _) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let w = workplace_or_404(&state, &slug, lang).await?;
    let checked = match WorkplaceRequest::try_from((&f, false)) {
        Ok(c) => c,
        Err(errors) => {
            let archived = inst.archived_workplaces().await?.contains(&w.id);
            let edit = Edit {
                kind: "workplace",
                slug: w.slug.as_str().to_owned(),
                title: w.name.clone(),
                archived,
                name: &f.name,
                region: &f.region,
                workplace: "",
            };
            return render_edit(&state, &v, &inst, edit, &errors, None, UNPROCESSABLE).await;
        }
    };
    use_case::edit_workplace(
        &inst,
        w.id,
        &WorkplaceEdit {
            name: checked.name,
            region: checked.region,
        },
        &actor(&v),
        state.now(),
    )
    .await
    .map_err(|e| AppError::internal(lang, e))?;
    Ok(Redirect::to(&state.link(&format!(
        "/admin/structure/workplaces/{}?saved=saved",
        w.slug.as_str()
    )))
    .into_response())
}

/// `GET /admin/structure/networks/{slug}`.
pub async fn network(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(slug): Path<String>,
    Query(s): Query<Saved>,
) -> Result<Response, AppError> {
    let (_, inst, _) = researcher_here(&state, &v).await?;
    let n = network_or_404(&state, &slug, v.lang.lang).await?;
    let archived = inst.archived_networks().await?.contains(&n.id);
    let wp = state
        .store
        .workplaces()
        .await?
        .into_iter()
        .find(|w| w.id == n.workplace)
        .map(|w| w.slug.as_str().to_owned())
        .unwrap_or_default();
    let edit = Edit {
        kind: "network",
        slug: n.slug.as_str().to_owned(),
        title: n.name.clone(),
        archived,
        name: &n.name,
        region: "",
        workplace: &wp,
    };
    render_edit(&state, &v, &inst, edit, &[], notice(&s), StatusCode::OK).await
}

/// `POST /admin/structure/networks/{slug}`: save a network's name and Werkplaats.
pub async fn save_network(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(slug): Path<String>,
    HtmlForm(f): HtmlForm<NetworkFields>,
) -> Result<Response, AppError> {
    let (_, inst, _) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let n = network_or_404(&state, &slug, lang).await?;
    let archived = inst.archived_networks().await?.contains(&n.id);
    let refused = |errors: Vec<FieldError>| {
        let (state, v, inst, f, n) = (&state, &v, &inst, &f, &n);
        async move {
            let edit = Edit {
                kind: "network",
                slug: n.slug.as_str().to_owned(),
                title: n.name.clone(),
                archived,
                name: &f.name,
                region: "",
                workplace: &f.workplace,
            };
            render_edit(state, v, inst, edit, &errors, None, UNPROCESSABLE).await
        }
    };
    let req = match NetworkRequest::try_from((&f, false)) {
        Ok(r) => r,
        Err(errors) => return refused(errors).await,
    };
    let same_wp = state
        .store
        .workplaces()
        .await?
        .iter()
        .any(|w| w.id == n.workplace && w.slug == req.workplace);
    if !same_wp && !current_workplace(&state, &inst, &req.workplace).await? {
        return refused(vec![("workplace", "structure.err_workplace")]).await;
    }
    let done = use_case::edit_network(
        &inst,
        n.id,
        &req.name,
        &req.workplace,
        &actor(&v),
        state.now(),
    )
    .await;
    match done {
        Ok(()) => {}
        Err(PeopleError::Study(e)) if refusal(&e).is_some() => {
            return refused(refusal(&e).into_iter().collect()).await
        }
        Err(e) => return Err(AppError::internal(lang, e)),
    }
    Ok(Redirect::to(&state.link(&format!(
        "/admin/structure/networks/{}?saved=saved",
        n.slug.as_str()
    )))
    .into_response())
}

/// The archive form as posted.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ArchiveFields {
    #[serde(default)]
    pub csrf_token: Option<String>,
    /// `archived` or `active`.
    #[serde(default)]
    pub to: String,
}

/// Whether the form asks to archive (true) or restore (false).
impl TryFrom<&ArchiveFields> for bool {
    type Error = ();

    fn try_from(f: &ArchiveFields) -> Result<bool, ()> {
        match f.to.as_str() {
            "archived" => Ok(true),
            "active" => Ok(false),
            _ => Err(()),
        }
    }
}

/// `POST /admin/structure/workplaces/{slug}/archive`.
pub async fn archive_workplace(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(slug): Path<String>,
    HtmlForm(f): HtmlForm<ArchiveFields>,
) -> Result<Response, AppError> {
    let (_, inst, _) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let w = workplace_or_404(&state, &slug, lang).await?;
    let to = bool::try_from(&f).map_err(|()| AppError::BadRequest(lang))?;
    use_case::set_workplace_archived(&inst, w.id, to, &actor(&v), state.now())
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    Ok(Redirect::to(&state.link(&format!(
        "/admin/structure/workplaces/{}?saved=saved",
        w.slug.as_str()
    )))
    .into_response())
}

/// `POST /admin/structure/networks/{slug}/archive`.
pub async fn archive_network(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(slug): Path<String>,
    HtmlForm(f): HtmlForm<ArchiveFields>,
) -> Result<Response, AppError> {
    let (_, inst, _) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let n = network_or_404(&state, &slug, lang).await?;
    let to = bool::try_from(&f).map_err(|()| AppError::BadRequest(lang))?;
    use_case::set_network_archived(&inst, n.id, to, &actor(&v), state.now())
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    Ok(Redirect::to(&state.link(&format!(
        "/admin/structure/networks/{}?saved=saved",
        n.slug.as_str()
    )))
    .into_response())
}
