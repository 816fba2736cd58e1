//! Studies on one installation: opening a project (adopting a single-study project the
//! first time), picking the study a command is for, and the use cases that write a study's
//! projection of the installation — roles, passwords, networks and Werkplaatsen
//! (`docs/design/studies.md`).
//!
//! Why here: the installation and each study are two databases, so no one store
//! transaction covers a role given; the order is written once. The installation is written
//! first (it is the truth), then the study's projection; each step is idempotent, so a
//! projection interrupted between the two is repaired by doing the same again.
//!
//! Until the web app logs in against the installation (step 2 of the design), a study's
//! `persons.password_hash` is what its login checks: [`give_role`] and [`set_password`]
//! keep it equal to the installation's in every study the person has a role in.

use leernet_core::{Bilingual, Email, Lang, Network, NetworkId, PersonId, Role, Slug, Workplace};
use leernet_store::{
    Actor, Installation, NewNetwork, NewWorkplace, ProjectedPerson, Store, StoreError,
    StoreOptions, Study, StudyRole, StudyState,
};

/// Why a study use case refused, said so that a person can act on it.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("there is no network {0:?} in this installation; add it with `leernet network add`")]
    UnknownNetwork(String),
    #[error("the network {network:?} does not take part in the study {study:?}; add it with `leernet network add --study {study}`")]
    NetworkNotInStudy { network: String, study: String },
    #[error("there is no Werkplaats {0:?} in this installation; add it first with `leernet workplace add`")]
    UnknownWorkplace(String),
    #[error("the network {network:?} belongs to the Werkplaats {actual:?}, not {given:?}")]
    OtherWorkplace {
        network: String,
        actual: String,
        given: String,
    },
    #[error("a {0} belongs to a network: give --network SLUG")]
    NeedsNetwork(&'static str),
    #[error("there is no account with the e-mail address {0}")]
    UnknownAccount(String),
    #[error("{0}")]
    Pick(String),
}

/// Result of a study use case.
pub type Result<T, E = StudyError> = std::result::Result<T, E>;

/// Where a project's data is and what its first study is called if it is adopted.
#[derive(Debug, Clone)]
pub struct ProjectPlace<'a> {
    /// The installation: its SQLite file, or the PostgreSQL database.
    pub installation_url: &'a str,
    /// The project's database (`[database] url`): the first study when the project is
    /// still a single-study one.
    pub study_url: &'a str,
    pub opts: &'a StoreOptions,
    /// The slug the first study gets when the project is adopted.
    pub adopt_slug: &'a Slug,
    /// The title it gets when its own settings name none.
    pub adopt_title: &'a str,
}

/// Refuses, before anything is written, a use case that would write to the installation and
/// then to a study opened read-only (an archived one).
fn writable(store: &Store) -> Result<(), StudyError> {
    if store.is_read_only() {
        return Err(StudyError::Store(StoreError::ReadOnly));
    }
    Ok(())
}

/// Opens the project's installation. The first time (an installation without studies),
/// the project's database becomes its first study, losing nothing
/// ([`Installation::adopt`]); afterwards this only opens.
pub async fn open_installation(
    place: &ProjectPlace<'_>,
    actor: &Actor,
    at: i64,
) -> Result<Installation> {
    let inst = Installation::connect_with(place.installation_url, place.opts).await?;
    let adopted = async {
        if !inst.studies().await?.is_empty() {
            return Ok(());
        }
        let study = Store::connect_with(place.study_url, place.opts).await?;
        let result = async {
            let location = inst.location_of(place.study_url, &study).await?;
            let info = study.study().await?;
            let fallback = if place.adopt_title.trim().is_empty() {
                place.adopt_slug.as_str()
            } else {
                place.adopt_title.trim()
            };
            let pick = |t: &str| {
                if t.trim().is_empty() {
                    fallback.to_owned()
                } else {
                    t.trim().to_owned()
                }
            };
            let title = Bilingual {
                nl: pick(&info.title.nl),
                en: pick(&info.title.en),
            };
            inst.adopt(place.adopt_slug, &title, location, &study, actor, at)
                .await
                .map(|_| ())
        }
        .await;
        study.close().await;
        result
    }
    .await;
    if let Err(e) = adopted {
        inst.close().await;
        return Err(e.into());
    }
    Ok(inst)
}

/// The slug a project's first study gets: its `[project] name` in lower case with every run
/// of other characters as one dash, or `study` when nothing is left.
pub fn adopt_slug(project_name: &str) -> Slug {
    let mut s = String::new();
    for c in project_name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s: String = s.chars().take(64).collect();
    Slug::parse(s.trim_end_matches('-')).unwrap_or_else(|_| {
        Slug::parse("study").unwrap_or_else(|_| unreachable!("\"study\" is a slug"))
    })
}

/// The study a command is for: the one named (`--study`), or without a name the only active
/// one. A wrong name, or none with several active studies, is refused with a sentence that
/// names the studies there are.
pub fn pick_study(studies: &[Study], named: Option<&str>) -> Result<Study> {
    let names = |only_active: bool| {
        studies
            .iter()
            .filter(|s| !only_active || s.state == StudyState::Active)
            .map(|s| s.slug.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match named {
        Some(name) => studies
            .iter()
            .find(|s| s.slug.as_str() == name)
            .cloned()
            .ok_or_else(|| {
                StudyError::Pick(format!(
                    "there is no study {name:?} in this installation; the studies are: {}",
                    names(false)
                ))
            }),
        None => {
            let active: Vec<&Study> = studies
                .iter()
                .filter(|s| s.state == StudyState::Active)
                .collect();
            match active.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(StudyError::Pick(format!(
                    "this installation has no active study; name one with --study SLUG (the studies are: {}) or make one with `leernet study add`",
                    names(false)
                ))),
                _ => Err(StudyError::Pick(format!(
                    "this installation has several studies: name one with --study SLUG ({})",
                    names(true)
                ))),
            }
        }
    }
}

/// What [`give_role`] is asked to do.
#[derive(Debug, Clone)]
pub struct RoleGift {
    pub email: Email,
    /// The name of a new account (default: the part of the address before the @).
    pub name: Option<String>,
    pub role: Role,
    /// Networks by slug; each must take part in the study.
    pub networks: Vec<Slug>,
    /// Keep the networks of the role the account has in this study, and add these
    /// (`leernet user add`); otherwise the role is for exactly these networks.
    pub keep_networks: bool,
    /// A new password hash for the account (in every study).
    pub password_hash: Option<String>,
}

/// What [`give_role`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGiven {
    pub account: PersonId,
    /// Whether the account was made now.
    pub new_account: bool,
    /// The role the account had in this study before.
    pub before: Option<Role>,
    /// The networks of the role now, by id.
    pub networks: Vec<NetworkId>,
}

/// Gives an account (made if the address is new) a role in `study`, whose open store is
/// `store`: the installation's account, password and role first, then the study's `persons`
/// row with the same id (and, with a new password, every other study's copy of it).
pub async fn give_role(
    inst: &Installation,
    study: &Study,
    store: &Store,
    gift: &RoleGift,
    actor: &Actor,
    at: i64,
) -> Result<RoleGiven> {
    writable(store)?;
    let registry = inst.networks().await?;
    let in_study = inst.study_networks(study.id).await?;
    let mut networks = Vec::new();
    for slug in &gift.networks {
        let n = registry
            .iter()
            .find(|n| &n.slug == slug)
            .ok_or_else(|| StudyError::UnknownNetwork(slug.as_str().to_owned()))?;
        if !in_study.contains(&n.id) {
            return Err(StudyError::NetworkNotInStudy {
                network: slug.as_str().to_owned(),
                study: study.slug.as_str().to_owned(),
            });
        }
        networks.push(n.id);
    }
    let existing = inst.account_by_email(gift.email.as_str()).await?;
    let before = match &existing {
        Some(a) => inst
            .roles_of(a.id)
            .await?
            .into_iter()
            .find(|r| r.study == study.id),
        None => None,
    };
    if gift.keep_networks {
        if let Some(b) = &before {
            networks.extend(b.networks.iter().copied());
        }
    }
    networks.sort_unstable();
    networks.dedup();
    if matches!(gift.role, Role::Facilitator | Role::Member) && networks.is_empty() {
        return Err(StudyError::NeedsNetwork(gift.role.as_str()));
    }
    let (account, new_account) = match &existing {
        Some(a) => (a.id, false),
        None => {
            let name = gift.name.clone().unwrap_or_else(|| {
                gift.email
                    .as_str()
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
            (
                inst.add_account(&gift.email, &name, Lang::Nl, actor, at)
                    .await?,
                true,
            )
        }
    };
    if let Some(hash) = &gift.password_hash {
        inst.set_password(account, hash, actor, at).await?;
    }
    inst.give_role(
        &StudyRole {
            account,
            study: study.id,
            role: gift.role,
            networks: networks.clone(),
        },
        actor,
        at,
    )
    .await?;
    let acc = inst
        .account(account)
        .await?
        .ok_or_else(|| StudyError::UnknownAccount(gift.email.as_str().to_owned()))?;
    store
        .project_person(
            &ProjectedPerson {
                id: acc.id,
                email: acc.email.clone(),
                name: acc.name.clone(),
                role: gift.role,
                networks: networks.clone(),
                password_hash: acc.password_hash.clone(),
            },
            actor,
            at,
        )
        .await?;
    if gift.password_hash.is_some() {
        copy_password(inst, acc.id, acc.password_hash.as_deref(), Some(study.id)).await?;
    }
    tracing::info!(
        study = study.id.0,
        account = account.0,
        role = gift.role.as_str(),
        "role given"
    );
    Ok(RoleGiven {
        account,
        new_account,
        before: before.map(|b| b.role),
        networks,
    })
}

/// Makes a study (its own database, registered in the installation) and appoints its lead
/// researcher: an existing account of the installation, checked before anything is made,
/// who gets the researcher role there and gives the study's other roles. The use case of
/// `leernet study add --lead` and of the installation administrator's page.
///
/// The study and the role are written in two databases; should the role fail after the
/// study was made, the study stays (empty, without a lead) and the error says so: appoint
/// the lead again (`leernet role give`).
pub async fn make_study(
    inst: &Installation,
    new: &leernet_store::NewStudy,
    lead: Option<&Email>,
    actor: &Actor,
    at: i64,
) -> Result<Study> {
    let lead = match lead {
        Some(email) => Some(
            inst.account_by_email(email.as_str())
                .await?
                .filter(|a| !a.email.as_str().ends_with("@erased.invalid"))
                .ok_or_else(|| StudyError::UnknownAccount(email.as_str().to_owned()))?,
        ),
        None => None,
    };
    let study = inst.add_study(new, actor, at).await?;
    if let Some(lead) = lead {
        let store = inst.open_study(&study).await?;
        let given = give_role(
            inst,
            &study,
            &store,
            &RoleGift {
                email: lead.email.clone(),
                name: None,
                role: Role::Researcher,
                networks: Vec::new(),
                keep_networks: false,
                password_hash: None,
            },
            actor,
            at,
        )
        .await;
        store.close().await;
        given?;
    }
    Ok(study)
}

/// Sets an account's password hash in the installation and in every study the account
/// has a role in, so that it works wherever the person logs in.
pub async fn set_password(
    inst: &Installation,
    account: PersonId,
    hash: &str,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    inst.set_password(account, hash, actor, at).await?;
    copy_password(inst, account, Some(hash), None).await
}

/// Writes `hash` into the `persons` row of `account` in every study it has a role in (after
/// the installation's was set, as a one-time link does).
pub async fn copy_password_everywhere(
    inst: &Installation,
    account: PersonId,
    hash: Option<&str>,
) -> Result<()> {
    copy_password(inst, account, hash, None).await
}

/// Writes `hash` into the `persons` row of `account` in every study it has a role in,
/// but `skip`.
async fn copy_password(
    inst: &Installation,
    account: PersonId,
    hash: Option<&str>,
    skip: Option<leernet_store::StudyId>,
) -> Result<()> {
    let studies = inst.studies().await?;
    for role in inst.roles_of(account).await? {
        if Some(role.study) == skip {
            continue;
        }
        let Some(study) = studies.iter().find(|s| s.id == role.study) else {
            continue;
        };
        let store = inst.open_study(study).await?;
        let done = store.project_password(account, hash).await;
        store.close().await;
        done?;
    }
    Ok(())
}

/// Takes an account's role in `study`: the installation's role goes, and the study's row
/// stays without a password (its codings and contributions point at it). False when the
/// account had no role there.
pub async fn take_role(
    inst: &Installation,
    study: &Study,
    store: &Store,
    email: &Email,
    actor: &Actor,
    at: i64,
) -> Result<bool> {
    writable(store)?;
    let acc = inst
        .account_by_email(email.as_str())
        .await?
        .ok_or_else(|| StudyError::UnknownAccount(email.as_str().to_owned()))?;
    let had = inst.take_role(acc.id, study.id, actor, at).await?;
    // Also when the installation had no role left: a study row that can still log in, left
    // by a take interrupted between the two databases, is withdrawn the same way.
    let left = match had {
        true => true,
        false => store
            .account(acc.id)
            .await?
            .is_some_and(|a| a.password_hash.is_some()),
    };
    if left {
        store.withdraw_person(acc.id, actor, at).await?;
    }
    Ok(had)
}

/// Registers a Werkplaats and writes it into `store`'s study.
pub async fn add_workplace(
    inst: &Installation,
    store: &Store,
    new: &NewWorkplace,
    actor: &Actor,
    at: i64,
) -> Result<Workplace> {
    writable(store)?;
    let w = inst.add_workplace(new, actor, at).await?;
    store.project_workplace(&w).await?;
    Ok(w)
}

/// What [`add_network`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkAdded {
    /// Registered now, and taking part in the study.
    New(Network, Workplace),
    /// Registered before (by another study), now taking part in this one too: one network.
    Joined(Network, Workplace),
}

/// A network to let take part in a study.
#[derive(Debug, Clone, Copy)]
pub struct NewStudyNetwork<'a> {
    pub slug: &'a Slug,
    /// Its name, when it is new to the installation.
    pub name: &'a str,
    /// The slug of its Werkplaats.
    pub workplace: &'a Slug,
}

/// Lets the network `slug` take part in `study`: a slug new to the installation is
/// registered in the Werkplaats `workplace`; a network another study registered joins with
/// its identity (the same Werkplaats must be named). A network already in the study is
/// refused as taken.
pub async fn add_network(
    inst: &Installation,
    study: &Study,
    store: &Store,
    new: &NewStudyNetwork<'_>,
    actor: &Actor,
    at: i64,
) -> Result<NetworkAdded> {
    writable(store)?;
    let NewStudyNetwork {
        slug,
        name,
        workplace,
    } = *new;
    let workplaces = inst.workplaces().await?;
    let wp = workplaces
        .iter()
        .find(|w| &w.slug == workplace)
        .cloned()
        .ok_or_else(|| StudyError::UnknownWorkplace(workplace.as_str().to_owned()))?;
    let known = inst.networks().await?.into_iter().find(|n| &n.slug == slug);
    let (network, joined) = match known {
        Some(n) => {
            if inst.study_networks(study.id).await?.contains(&n.id) {
                return Err(StoreError::Conflict(format!(
                    "a network with slug {:?} exists",
                    slug.as_str()
                ))
                .into());
            }
            if n.workplace != wp.id {
                let actual = workplaces
                    .iter()
                    .find(|w| w.id == n.workplace)
                    .map(|w| w.slug.as_str().to_owned())
                    .unwrap_or_default();
                return Err(StudyError::OtherWorkplace {
                    network: slug.as_str().to_owned(),
                    actual,
                    given: workplace.as_str().to_owned(),
                });
            }
            (n, true)
        }
        None => (
            inst.add_network(
                &NewNetwork {
                    slug: slug.clone(),
                    name: name.to_owned(),
                    workplace: wp.id,
                },
                actor,
                at,
            )
            .await?,
            false,
        ),
    };
    inst.add_study_network(study.id, network.id, actor, at)
        .await?;
    store.project_network(&wp, &network).await?;
    Ok(if joined {
        NetworkAdded::Joined(network, wp)
    } else {
        NetworkAdded::New(network, wp)
    })
}
