//! `/admin/people`: the people of a study, for its researchers (issue 18, item 1) — the list
//! with role, networks and status (searchable, 50 a page), inviting a person by e-mail with
//! a role and their networks, and a person's page to change the role, deactivate or
//! reactivate it, or make a new link to set a first password.
//!
//! Why thin: every change is a `leernet_app::people` use case (installation first, then the
//! study's projection, each audited); a handler parses its form into typed values
//! (`TryFrom`), calls the use case and renders. A refused form comes back with what was
//! typed and a GOV.UK-style error summary (422), and nothing is stored.
//!
//! Only served as part of an installation (people are the installation's accounts): a
//! store served on its own answers 404 here. A link to set a password is shown to the
//! researcher (absolute, from `server.public_url`) when no mail server is set up or sending
//! failed; it is never logged.

use crate::auth::{User, Visitor};
use crate::form::HtmlForm;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leernet_app::people::{self, Invite, PeopleError};
use leernet_app::studies::StudyError;
use leernet_core::{Email, Lang, PersonId, Role, Slug};
use leernet_store::{Actor, Installation, Study};
use std::collections::BTreeMap;
use std::sync::Arc;

/// People a page of the list.
const PAGE_SIZE: usize = 50;
/// The longest search text taken (characters).
const MAX_QUERY: usize = 100;
/// The longest name accepted (characters).
pub(crate) const MAX_NAME: usize = 200;

/// A field of a form and the catalogue key of what is wrong with it.
pub(crate) type FieldError = (&'static str, &'static str);

/// The researcher of this study, the installation and the study; 404 when the app serves a
/// store on its own.
pub(crate) async fn researcher_here(
    state: &AppState,
    v: &Visitor,
) -> Result<(User, Installation, Study), AppError> {
    let user = v.require(&[Role::Researcher])?.clone();
    let lang = v.lang.lang;
    let acc = state.accounts().ok_or(AppError::NotFound(lang))?;
    let study = acc
        .installation
        .studies()
        .await?
        .into_iter()
        .find(|s| s.id == acc.study)
        .ok_or(AppError::NotFound(lang))?;
    Ok((user, acc.installation.clone(), study))
}

/// The roles a researcher gives, in the order the form shows them.
const ROLES: [Role; 4] = [
    Role::Researcher,
    Role::Coordinator,
    Role::Facilitator,
    Role::Member,
];

/// The invitation form as posted.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct InviteFields {
    #[serde(default)]
    pub csrf_token: Option<String>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    /// Every ticked network, by slug.
    #[serde(default, rename = "network")]
    pub networks: Vec<String>,
}

/// The role form of a person's page as posted.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct RoleFields {
    #[serde(default)]
    pub csrf_token: Option<String>,
    #[serde(default)]
    pub role: String,
    #[serde(default, rename = "network")]
    pub networks: Vec<String>,
}

/// A role with its networks, checked (the networks against the study's current ones by the
/// handler, which knows them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChoice {
    pub role: Role,
    pub networks: Vec<Slug>,
}

fn role_choice(role: &str, networks: &[String]) -> (Option<RoleChoice>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let role = ROLES.into_iter().find(|r| r.as_str() == role.trim());
    if role.is_none() {
        errors.push(("role", "people.err_role"));
    }
    let mut slugs = Vec::new();
    for n in networks {
        match Slug::parse(n.trim()) {
            Ok(s) => slugs.push(s),
            Err(_) => {
                errors.push(("networks", "people.err_network_unknown"));
                break;
            }
        }
    }
    slugs.sort();
    slugs.dedup();
    if let Some(r) = role {
        if matches!(r, Role::Facilitator | Role::Member) && slugs.is_empty() && errors.is_empty() {
            errors.push(("networks", "people.err_networks"));
        }
    }
    match role {
        Some(role) if errors.is_empty() => (
            Some(RoleChoice {
                role,
                networks: slugs,
            }),
            errors,
        ),
        _ => (None, errors),
    }
}

impl TryFrom<&RoleFields> for RoleChoice {
    type Error = Vec<FieldError>;

    fn try_from(f: &RoleFields) -> Result<Self, Self::Error> {
        match role_choice(&f.role, &f.networks) {
            (Some(c), _) => Ok(c),
            (None, errors) => Err(errors),
        }
    }
}

impl TryFrom<&InviteFields> for Invite {
    type Error = Vec<FieldError>;

    fn try_from(f: &InviteFields) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let email = Email::parse(f.email.trim()).ok();
        if email.is_none() {
            errors.push(("email", "people.err_email"));
        }
        let name = f.name.trim();
        if name.chars().count() > MAX_NAME {
            errors.push(("name", "people.err_name"));
        }
        let (choice, role_errors) = role_choice(&f.role, &f.networks);
        errors.extend(role_errors);
        match (email, choice) {
            (Some(email), Some(choice)) if errors.is_empty() => Ok(Invite {
                email,
                name: (!name.is_empty()).then(|| name.to_owned()),
                role: choice.role,
                networks: choice.networks,
            }),
            _ => Err(errors),
        }
    }
}

/// The list's query: a search text and a page, bounded.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

/// The study's networks a new role may be for: taking part, not archived (slug, name).
async fn network_choices(
    state: &AppState,
    inst: &Installation,
) -> Result<Vec<(String, String)>, AppError> {
    let archived = inst.archived_networks().await?;
    Ok(state
        .store
        .networks()
        .await?
        .into_iter()
        .filter(|n| !archived.contains(&n.id))
        .map(|n| (n.slug.as_str().to_owned(), n.name))
        .collect())
}

/// Checks chosen networks against the choices.
fn check_networks(chosen: &[Slug], choices: &[(String, String)]) -> Vec<FieldError> {
    if chosen
        .iter()
        .all(|s| choices.iter().any(|(c, _)| c == s.as_str()))
    {
        Vec::new()
    } else {
        vec![("networks", "people.err_network_unknown")]
    }
}

/// What the list page shows after a change.
#[derive(Debug, Default)]
struct Outcome {
    /// Catalogue keys of what happened.
    notices: Vec<&'static str>,
    /// A link to pass on (absolute), when it was not mailed.
    link: Option<String>,
}

/// `GET /admin/people`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (_, inst, study) = researcher_here(&state, &v).await?;
    let lang = v.lang.lang;
    if q.q.chars().count() > MAX_QUERY || q.page.len() > 6 {
        return Err(AppError::BadRequest(lang));
    }
    let page = match q.page.trim() {
        "" => 1,
        p => p
            .parse::<usize>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or(AppError::BadRequest(lang))?,
    };
    render_list(
        &state,
        &v,
        &inst,
        &study,
        q.q.trim(),
        page,
        &InviteFields::default(),
        &[],
        &Outcome::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/people`: invite a person.
pub async fn invite(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    headers: HeaderMap,
    HtmlForm(f): HtmlForm<InviteFields>,
) -> Result<Response, AppError> {
    let (_, inst, study) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let choices = network_choices(&state, &inst).await?;
    let refused = |errors: Vec<FieldError>| {
        let (state, v, inst, study, f) = (&state, &v, &inst, &study, &f);
        async move {
            render_list(
                state,
                v,
                inst,
                study,
                "",
                1,
                f,
                &errors,
                &Outcome::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let request = match Invite::try_from(&f) {
        Ok(r) => r,
        Err(errors) => return refused(errors).await,
    };
    let wrong = check_networks(&request.networks, &choices);
    if !wrong.is_empty() {
        return refused(wrong).await;
    }
    let actor = actor(&v);
    let invited = people::invite(&inst, &study, &state.store, &request, &actor, state.now()).await;
    let invited = match invited {
        Ok(i) => i,
        Err(e) => match people_refusal(&e) {
            Some(field) => return refused(vec![field]).await,
            None => return Err(AppError::internal(lang, e)),
        },
    };
    let mut outcome = Outcome {
        notices: vec!["people.invited"],
        link: None,
    };
    match &invited.link {
        None => outcome.notices.push("people.invited_existing"),
        Some(secret) => {
            let link = password_link(&state, &headers, secret);
            let role = state
                .catalog
                .t(lang, &format!("admin.role_{}", request.role.as_str()));
            let name = request
                .name
                .clone()
                .unwrap_or_else(|| request.email.as_str().to_owned());
            let body = state
                .catalog
                .t(lang, "people.mail_body")
                .replace("{name}", &name)
                .replace("{study}", study.title.get(lang))
                .replace("{role}", &role)
                .replace("{link}", &link);
            let subject = state.catalog.t(lang, "people.mail_subject");
            if send(&state, request.email.as_str(), &subject, body).await {
                outcome.notices.push("people.link_mailed");
            } else {
                outcome.link = Some(link);
            }
        }
    }
    render_list(
        &state,
        &v,
        &inst,
        &study,
        "",
        1,
        &InviteFields::default(),
        &[],
        &outcome,
        StatusCode::OK,
    )
    .await
}

/// Sends one message when a mail server is set up; false when there is none or it refused
/// (the caller then shows the link). Logged by outcome only, never by address.
pub(crate) async fn send(state: &AppState, to: &str, subject: &str, body: String) -> bool {
    let Some(mailer) = &state.mailer else {
        return false;
    };
    match mailer.send(to, subject, body).await {
        Ok(()) => true,
        Err(_) => {
            tracing::warn!("a message with a password link could not be sent");
            false
        }
    }
}

/// The absolute address of the page that sets a password with `secret`.
pub(crate) fn password_link(state: &AppState, headers: &HeaderMap, secret: &str) -> String {
    let base = crate::admin::public_base(state, headers).unwrap_or_default();
    format!("{base}/login/password/{secret}")
}

/// The field and message of a use case's refusal a person can act on.
fn people_refusal(e: &PeopleError) -> Option<FieldError> {
    Some(match e {
        PeopleError::AlreadyInStudy => ("email", "people.err_duplicate"),
        PeopleError::ArchivedNetwork(_) => ("networks", "people.err_network_archived"),
        PeopleError::OwnRole => ("role", "people.err_own_role"),
        PeopleError::Study(StudyError::NeedsNetwork(_)) => ("networks", "people.err_networks"),
        PeopleError::Study(
            StudyError::UnknownNetwork(_) | StudyError::NetworkNotInStudy { .. },
        ) => ("networks", "people.err_network_unknown"),
        _ => return None,
    })
}

pub(crate) fn actor(v: &Visitor) -> Actor {
    match &v.signed_in {
        Some(s) => Actor::Person(s.id),
        None => Actor::System,
    }
}

/// One person as the pages show them.
struct Row {
    id: PersonId,
    name: String,
    email: String,
    role: Role,
    networks: Vec<String>,
    /// `active`, `invited` or `inactive`.
    state: &'static str,
}

/// Everyone with a role in the study, by name.
async fn rows(inst: &Installation, study: &Study) -> Result<Vec<Row>, AppError> {
    let names: BTreeMap<i64, String> = inst
        .networks()
        .await?
        .into_iter()
        .map(|n| (n.id.0, n.name))
        .collect();
    let inactive = inst.inactive_accounts(study.id).await?;
    let accounts: BTreeMap<i64, leernet_store::InstallationAccount> = inst
        .accounts()
        .await?
        .into_iter()
        .map(|a| (a.id.0, a))
        .collect();
    let mut out = Vec::new();
    for r in inst.roles(study.id).await? {
        let Some(a) = accounts.get(&r.account.0) else {
            continue;
        };
        out.push(Row {
            id: a.id,
            name: a.name.clone(),
            email: a.email.as_str().to_owned(),
            role: r.role,
            networks: r
                .networks
                .iter()
                .filter_map(|n| names.get(&n.0).cloned())
                .collect(),
            state: if inactive.contains(&a.id) {
                "inactive"
            } else if a.password_hash.is_none() {
                "invited"
            } else {
                "active"
            },
        });
    }
    out.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(out)
}

fn row_value(r: &Row) -> minijinja::Value {
    minijinja::context! {
        id => r.id.0,
        name => r.name.clone(),
        email => r.email.clone(),
        role_key => format!("admin.role_{}", r.role.as_str()),
        networks => r.networks.join(", "),
        state_key => format!("people.state_{}", r.state),
        inactive => r.state == "inactive",
        invited => r.state == "invited",
    }
}

fn errors_value(errors: &[FieldError]) -> Vec<minijinja::Value> {
    errors
        .iter()
        .map(|(field, key)| minijinja::context! { field => *field, key => *key })
        .collect()
}

fn role_values(lang: Lang, state: &AppState) -> Vec<minijinja::Value> {
    ROLES
        .iter()
        .map(|r| {
            minijinja::context! {
                value => r.as_str(),
                label => state.catalog.t(lang, &format!("admin.role_{}", r.as_str())),
            }
        })
        .collect()
}

fn network_values(choices: &[(String, String)], chosen: &[String]) -> Vec<minijinja::Value> {
    choices
        .iter()
        .map(|(slug, name)| {
            minijinja::context! {
                slug => slug.clone(),
                name => name.clone(),
                checked => chosen.iter().any(|c| c.trim() == slug),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn render_list(
    state: &AppState,
    v: &Visitor,
    inst: &Installation,
    study: &Study,
    query: &str,
    page: usize,
    form: &InviteFields,
    errors: &[FieldError],
    outcome: &Outcome,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let all = rows(inst, study).await?;
    let needle = query.to_lowercase();
    let found: Vec<&Row> = all
        .iter()
        .filter(|r| {
            needle.is_empty()
                || r.name.to_lowercase().contains(&needle)
                || r.email.to_lowercase().contains(&needle)
        })
        .collect();
    let pages = found.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages);
    let shown: Vec<minijinja::Value> = found
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|r| row_value(r))
        .collect();
    let count = match found.len() {
        1 => state.catalog.t(lang, "people.count_one"),
        n => state
            .catalog
            .t(lang, "people.count_many")
            .replace("{n}", &n.to_string()),
    };
    let choices = network_choices(state, inst).await?;
    let link = |p: usize| {
        let q = percent_encoding::utf8_percent_encode(query, percent_encoding::NON_ALPHANUMERIC);
        format!("?q={q}&page={p}")
    };
    let mut res = crate::page::render(
        state,
        v,
        "people.html",
        minijinja::context! {
            people => shown,
            count => count,
            query => query,
            page => page,
            pages => pages,
            prev => (page > 1).then(|| link(page - 1)),
            next => (page < pages).then(|| link(page + 1)),
            errors => errors_value(errors),
            form => minijinja::context! {
                email => form.email.trim(),
                name => form.name.trim(),
                role => form.role.trim(),
            },
            roles => role_values(lang, state),
            networks => network_values(&choices, &form.networks),
            notices => outcome.notices.clone(),
            link => outcome.link.clone(),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// The person `id` of this study, or 404.
async fn person_or_404(
    inst: &Installation,
    study: &Study,
    id: i64,
    lang: Lang,
) -> Result<Row, AppError> {
    rows(inst, study)
        .await?
        .into_iter()
        .find(|r| r.id.0 == id)
        .ok_or(AppError::NotFound(lang))
}

#[allow(clippy::too_many_arguments)]
async fn render_person(
    state: &AppState,
    v: &Visitor,
    inst: &Installation,
    study: &Study,
    id: i64,
    form: Option<&RoleFields>,
    errors: &[FieldError],
    outcome: &Outcome,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let p = person_or_404(inst, study, id, lang).await?;
    let choices = network_choices(state, inst).await?;
    // the person's networks by slug (an archived one stays ticked: it is theirs)
    let registry = inst.networks().await?;
    let mine: Vec<String> = inst
        .roles(study.id)
        .await?
        .into_iter()
        .find(|r| r.account == p.id)
        .map(|r| {
            r.networks
                .iter()
                .filter_map(|n| registry.iter().find(|x| x.id == *n))
                .map(|n| n.slug.as_str().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let (role, chosen) = match form {
        Some(f) => (f.role.trim().to_owned(), f.networks.clone()),
        None => (p.role.as_str().to_owned(), mine.clone()),
    };
    let mut all_choices = choices.clone();
    for slug in &mine {
        if !all_choices.iter().any(|(s, _)| s == slug) {
            if let Some(n) = registry.iter().find(|n| n.slug.as_str() == slug) {
                all_choices.push((slug.clone(), n.name.clone()));
            }
        }
    }
    let mut res = crate::page::render(
        state,
        v,
        "person.html",
        minijinja::context! {
            person => row_value(&p),
            errors => errors_value(errors),
            role => role,
            roles => role_values(lang, state),
            networks => network_values(&all_choices, &chosen),
            notices => outcome.notices.clone(),
            link => outcome.link.clone(),
            confirm_error => errors.iter().any(|(f, _)| *f == "confirm"),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /admin/people/{id}/role`: change the role and networks.
pub async fn change_role(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<RoleFields>,
) -> Result<Response, AppError> {
    let (_, inst, study) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let p = person_or_404(&inst, &study, id, lang).await?;
    let refused = |errors: Vec<FieldError>| {
        let (state, v, inst, study, f) = (&state, &v, &inst, &study, &f);
        async move {
            render_person(
                state,
                v,
                inst,
                study,
                id,
                Some(f),
                &errors,
                &Outcome::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let choice = match RoleChoice::try_from(&f) {
        Ok(c) => c,
        Err(errors) => return refused(errors).await,
    };
    let done = people::change_role(
        &inst,
        &study,
        &state.store,
        &people::RoleChange {
            account: p.id,
            role: choice.role,
            networks: choice.networks,
        },
        &actor(&v),
        state.now(),
    )
    .await;
    if let Err(e) = done {
        return match people_refusal(&e) {
            Some(field) => refused(vec![field]).await,
            None => Err(AppError::internal(lang, e)),
        };
    }
    Ok(Redirect::to(&state.link(&format!("/admin/people/{id}?saved=role"))).into_response())
}

/// The access form as posted.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct ActiveFields {
    #[serde(default)]
    pub csrf_token: Option<String>,
    /// `inactive` or `active`.
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub confirm: Option<String>,
}

/// What the access form asks for: deactivating needs its box ticked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActiveChoice {
    Deactivate,
    Reactivate,
}

impl TryFrom<&ActiveFields> for ActiveChoice {
    type Error = Option<FieldError>;

    fn try_from(f: &ActiveFields) -> Result<Self, Self::Error> {
        match f.to.as_str() {
            "inactive" if f.confirm.as_deref() == Some("yes") => Ok(ActiveChoice::Deactivate),
            "inactive" => Err(Some(("confirm", "people.err_confirm"))),
            "active" => Ok(ActiveChoice::Reactivate),
            _ => Err(None),
        }
    }
}

/// `POST /admin/people/{id}/active`: deactivate or reactivate.
pub async fn set_active(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<ActiveFields>,
) -> Result<Response, AppError> {
    let (_, inst, study) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let p = person_or_404(&inst, &study, id, lang).await?;
    let choice = match ActiveChoice::try_from(&f) {
        Ok(c) => c,
        Err(None) => return Err(AppError::BadRequest(lang)),
        Err(Some(field)) => {
            return render_person(
                &state,
                &v,
                &inst,
                &study,
                id,
                None,
                &[field],
                &Outcome::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let active = choice == ActiveChoice::Reactivate;
    let done = people::set_active(
        &inst,
        &study,
        &state.store,
        p.id,
        active,
        &actor(&v),
        state.now(),
    )
    .await;
    if let Err(e) = done {
        return match people_refusal(&e) {
            Some(field) => {
                render_person(
                    &state,
                    &v,
                    &inst,
                    &study,
                    id,
                    None,
                    &[field],
                    &Outcome::default(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => Err(AppError::internal(lang, e)),
        };
    }
    let saved = if active { "reactivated" } else { "deactivated" };
    Ok(Redirect::to(&state.link(&format!("/admin/people/{id}?saved={saved}"))).into_response())
}

/// `POST /admin/people/{id}/link`: a new link to set a first password (shown, or mailed).
pub async fn new_link(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    headers: HeaderMap,
    Path(id): Path<i64>,
    HtmlForm(f): HtmlForm<crate::auth::CsrfForm>,
) -> Result<Response, AppError> {
    let (_, inst, study) = researcher_here(&state, &v).await?;
    v.check_csrf(f.csrf_token.as_deref())?;
    let lang = v.lang.lang;
    let p = person_or_404(&inst, &study, id, lang).await?;
    let secret = people::new_invite_link(&inst, &study, p.id, &actor(&v), state.now())
        .await
        .map_err(|e| AppError::internal(lang, e))?;
    let mut outcome = Outcome::default();
    if let Some(secret) = secret {
        let link = password_link(&state, &headers, &secret);
        let role = state
            .catalog
            .t(lang, &format!("admin.role_{}", p.role.as_str()));
        let body = state
            .catalog
            .t(lang, "people.mail_body")
            .replace("{name}", &p.name)
            .replace("{study}", study.title.get(lang))
            .replace("{role}", &role)
            .replace("{link}", &link);
        let subject = state.catalog.t(lang, "people.mail_subject");
        if send(&state, &p.email, &subject, body).await {
            outcome.notices.push("people.link_mailed");
        } else {
            outcome.link = Some(link);
        }
    }
    render_person(
        &state,
        &v,
        &inst,
        &study,
        id,
        None,
        &[],
        &outcome,
        StatusCode::OK,
    )
    .await
}

/// The notice of a `?saved=` after a redirect.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: String,
}

/// `GET /admin/people/{id}`, with the notice of what was just saved (`?saved=`).
pub async fn person_page(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Path(id): Path<i64>,
    Query(s): Query<Saved>,
) -> Result<Response, AppError> {
    let (_, inst, study) = researcher_here(&state, &v).await?;
    let notice = match s.saved.as_str() {
        "role" => Some("people.role_saved"),
        "deactivated" => Some("people.deactivated"),
        "reactivated" => Some("people.reactivated"),
        _ => None,
    };
    render_person(
        &state,
        &v,
        &inst,
        &study,
        id,
        None,
        &[],
        &Outcome {
            notices: notice.into_iter().collect(),
            link: None,
        },
        StatusCode::OK,
    )
    .await
}
