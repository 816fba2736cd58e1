//! The extractor for "the signed-in person with a right to this network": the network page,
//! its profile and handreiking, and every workspace page and action start with the same
//! steps — a person logged in with one of the route's roles, the network named by the
//! route's `{slug}`, and their right to it — so they are written once, here.
//!
//! Who has a right to a network: a researcher to every network; a facilitator or member to
//! the networks they belong to; a coordinator to the networks of their Werkplaatsen. A
//! network that does not exist and one the person has no right to get the same answer
//! (404), so that nobody learns which networks exist. Which roles a route allows is the
//! type parameter ([`StudyPages`], [`Workspace`], [`Facilitators`], [`Members`]). A form's
//! CSRF token is checked by the handler, which has the form.

use crate::auth::{User, Visitor};
use crate::{AppError, AppState};
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use leernet_core::{Network, Role, Slug};
use std::marker::PhantomData;
use std::sync::Arc;

/// The roles a route allows.
pub trait Roles: Send + Sync + 'static {
    const ROLES: &'static [Role];
}

/// A network's study pages (the network page, profile, handreiking): every role.
#[derive(Debug)]
pub struct StudyPages;
impl Roles for StudyPages {
    const ROLES: &'static [Role] = &[
        Role::Researcher,
        Role::Coordinator,
        Role::Facilitator,
        Role::Member,
    ];
}

/// A network's workspace: its facilitators and members.
#[derive(Debug)]
pub struct Workspace;
impl Roles for Workspace {
    const ROLES: &'static [Role] = &[Role::Facilitator, Role::Member];
}

/// What only a network's facilitators do (plan, record, open and close rounds, follow up).
#[derive(Debug)]
pub struct Facilitators;
impl Roles for Facilitators {
    const ROLES: &'static [Role] = &[Role::Facilitator];
}

/// What only a network's members do (vote).
#[derive(Debug)]
pub struct Members;
impl Roles for Members {
    const ROLES: &'static [Role] = &[Role::Member];
}

/// The visitor, logged in with a role of `R`, and the network of the route's `{slug}`, to
/// which they have a right.
#[derive(Debug)]
pub struct NetworkAccess<R> {
    pub visitor: Visitor,
    pub user: User,
    pub network: Network,
    roles: PhantomData<R>,
}

impl<R: Roles> FromRequestParts<Arc<AppState>> for NetworkAccess<R> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, AppError> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        let lang = visitor.lang.lang;
        let user = visitor.require(R::ROLES)?.clone();
        let slug = RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|p| {
                p.iter()
                    .find(|(k, _)| *k == "slug")
                    .map(|(_, v)| v.to_owned())
            });
        let network = match slug.as_deref().map(Slug::parse) {
            Some(Ok(s)) => state.store.network_by_slug(&s).await?,
            _ => None,
        };
        let Some(network) = network else {
            return Err(AppError::NotFound(lang));
        };
        let allowed = match user.role {
            Role::Researcher => true,
            Role::Facilitator | Role::Member => user.networks.contains(&network.id),
            Role::Coordinator => crate::profile::coordinator_workplaces(state, &user, lang)
                .await?
                .contains(&network.workplace),
        };
        if !allowed {
            return Err(AppError::NotFound(lang));
        }
        Ok(NetworkAccess {
            visitor,
            user,
            network,
            roles: PhantomData,
        })
    }
}

impl<R> NetworkAccess<R> {
    /// The visitor, the person and the network.
    pub fn into_parts(self) -> (Visitor, User, Network) {
        (self.visitor, self.user, self.network)
    }
}

/// Which networks' pages the visitor may open, so that a list links only those (issue 18: a
/// link a person is shown leads somewhere they may go). `None`: every network — a
/// researcher, or a stranger, whom the link asks to log in first. Otherwise the slugs of
/// the networks [`NetworkAccess`] lets them open (none for a person without a role here).
pub async fn openable_networks(
    state: &AppState,
    v: &Visitor,
) -> Result<Option<std::collections::BTreeSet<String>>, AppError> {
    let user = match (&v.user, &v.signed_in) {
        (None, None) => return Ok(None),
        (None, Some(_)) => return Ok(Some(Default::default())),
        (Some(u), _) => u,
    };
    if user.role == Role::Researcher {
        return Ok(None);
    }
    // only for the roles that see some networks: the list pages of strangers and researchers
    // read nothing more
    let networks = state.store.networks().await?;
    let open: std::collections::BTreeSet<String> = match user.role {
        Role::Researcher => return Ok(None),
        Role::Facilitator | Role::Member => networks
            .iter()
            .filter(|n| user.networks.contains(&n.id))
            .map(|n| n.slug.as_str().to_owned())
            .collect(),
        Role::Coordinator => {
            let mine = crate::profile::coordinator_workplaces(state, user, v.lang.lang).await?;
            networks
                .iter()
                .filter(|n| mine.contains(&n.workplace))
                .map(|n| n.slug.as_str().to_owned())
                .collect()
        }
    };
    Ok(Some(open))
}
