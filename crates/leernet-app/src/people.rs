//! People and structure of a study, as a researcher keeps them in the browser (issue 18,
//! item 1): inviting a person with a role and their networks, who then sets their own
//! password through a one-time link; changing a role; deactivating and reactivating it;
//! "wachtwoord vergeten"; editing and archiving Werkplaatsen and networks.
//!
//! Why here: the web app's people pages and the command line share these (`leernet user
//! add` and `network add`/`workplace add` use [`crate::studies`], which these build on), and
//! each writes the installation first and then the study's projection in the order
//! `studies.rs` fixes. A link's secret leaves this module only to be shown or mailed once;
//! the installation keeps its SHA-256.
//!
//! Invariants: no HTTP, no HTML; no clock (callers pass `at`); logs carry ids only.

use crate::studies::{self, RoleGift, StudyError};
use leernet_core::{Email, NetworkId, PersonId, Role, Slug, WorkplaceId};
use leernet_store::{
    Actor, Installation, InstallationAccount, LinkPurpose, LinkState, Store, StoreError, Study,
};
use rand::RngCore;

/// How long an invitation's link to set a first password works (seconds): a week.
pub const INVITE_LINK_SECONDS: i64 = 7 * 24 * 3600;
/// How long a "wachtwoord vergeten" link works (seconds): an hour.
pub const RESET_LINK_SECONDS: i64 = 3600;

/// Why a people use case refused, as something the researcher can act on.
#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error(transparent)]
    Study(#[from] StudyError),
    /// The address already has a role in this study (change that role instead).
    #[error("this person already has a role in this study")]
    AlreadyInStudy,
    /// A network chosen is archived (no new roles in it).
    #[error("the network {0:?} is archived")]
    ArchivedNetwork(String),
    /// No one with that role in this study.
    #[error("there is no such person in this study")]
    NotInStudy,
    /// A researcher would deactivate or demote themselves (the study could be left without one).
    #[error("you cannot take your own researcher role")]
    OwnRole,
}

impl From<StoreError> for PeopleError {
    fn from(e: StoreError) -> Self {
        PeopleError::Study(StudyError::Store(e))
    }
}

/// Result of a people use case.
pub type Result<T, E = PeopleError> = std::result::Result<T, E>;

/// A new one-time link's secret: 64 hexadecimal digits (256 random bits).
pub fn new_link_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Whether `s` has the shape of a link secret (so that a stranger's path is never looked up
/// as anything else).
pub fn is_link_secret(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A person to invite into a study.
#[derive(Debug, Clone)]
pub struct Invite {
    pub email: Email,
    /// Their name (default: the part of the address before the @).
    pub name: Option<String>,
    pub role: Role,
    /// Their networks, by slug (each taking part in the study and not archived).
    pub networks: Vec<Slug>,
}

/// What [`invite`] did.
#[derive(Debug, Clone)]
pub struct Invited {
    pub account: PersonId,
    /// The account was made now (else an existing installation account got the role).
    pub new_account: bool,
    /// The secret of the link to set a first password, when the account has none yet
    /// (shown or mailed once; the installation keeps its hash).
    pub link: Option<String>,
}

/// Invites a person into `study`: the account is made when the address is new (an existing
/// installation account gets the role, not a second account), the role with its networks is
/// given, and an account without a password gets a link to set one, valid for
/// [`INVITE_LINK_SECONDS`]. An address that already has a role here, or an archived network,
/// is refused before anything is written.
pub async fn invite(
    inst: &Installation,
    study: &Study,
    store: &Store,
    invite: &Invite,
    actor: &Actor,
    at: i64,
) -> Result<Invited> {
    if let Some(a) = inst.account_by_email(invite.email.as_str()).await? {
        if inst
            .roles_of(a.id)
            .await?
            .iter()
            .any(|r| r.study == study.id)
        {
            return Err(PeopleError::AlreadyInStudy);
        }
    }
    check_not_archived(inst, &invite.networks).await?;
    let given = studies::give_role(
        inst,
        study,
        store,
        &RoleGift {
            email: invite.email.clone(),
            name: invite.name.clone(),
            role: invite.role,
            networks: invite.networks.clone(),
            keep_networks: false,
            password_hash: None,
        },
        actor,
        at,
    )
    .await?;
    let has_password = inst
        .account(given.account)
        .await?
        .is_some_and(|a| a.password_hash.is_some());
    let link = if has_password {
        None
    } else {
        let secret = new_link_secret();
        inst.add_account_link(
            given.account,
            LinkPurpose::Invite,
            &secret,
            at,
            at.saturating_add(INVITE_LINK_SECONDS),
            actor,
        )
        .await?;
        Some(secret)
    };
    tracing::info!(
        study = study.id.0,
        account = given.account.0,
        new_account = given.new_account,
        "person invited"
    );
    Ok(Invited {
        account: given.account,
        new_account: given.new_account,
        link,
    })
}

async fn check_not_archived(inst: &Installation, networks: &[Slug]) -> Result<()> {
    let archived = inst.archived_networks().await?;
    if archived.is_empty() {
        return Ok(());
    }
    let registry = inst.networks().await?;
    for slug in networks {
        if registry
            .iter()
            .any(|n| &n.slug == slug && archived.contains(&n.id))
        {
            return Err(PeopleError::ArchivedNetwork(slug.as_str().to_owned()));
        }
    }
    Ok(())
}

/// A new link to set a first password for someone invited into `study` who has not set one
/// yet (the earlier link lost, or expired): `None` when the account has a password.
pub async fn new_invite_link(
    inst: &Installation,
    study: &Study,
    account: PersonId,
    actor: &Actor,
    at: i64,
) -> Result<Option<String>> {
    let acc = member(inst, study, account).await?;
    if acc.password_hash.is_some() {
        return Ok(None);
    }
    let secret = new_link_secret();
    inst.add_account_link(
        account,
        LinkPurpose::Invite,
        &secret,
        at,
        at.saturating_add(INVITE_LINK_SECONDS),
        actor,
    )
    .await?;
    Ok(Some(secret))
}

/// The account of someone with a role in `study`.
async fn member(
    inst: &Installation,
    study: &Study,
    account: PersonId,
) -> Result<InstallationAccount> {
    let has_role = inst
        .roles_of(account)
        .await?
        .iter()
        .any(|r| r.study == study.id);
    let acc = inst.account(account).await?;
    match acc {
        Some(a) if has_role => Ok(a),
        _ => Err(PeopleError::NotInStudy),
    }
}

/// A role to give someone who has one in the study already.
#[derive(Debug, Clone)]
pub struct RoleChange {
    pub account: PersonId,
    pub role: Role,
    /// Their networks, by slug (each taking part in the study and not archived).
    pub networks: Vec<Slug>,
}

/// Changes the role (and networks) of someone in `study`. A researcher cannot change their
/// own role (a study keeps the researcher who acts).
pub async fn change_role(
    inst: &Installation,
    study: &Study,
    store: &Store,
    change: &RoleChange,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    let (account, role, networks) = (change.account, change.role, &change.networks);
    let acc = member(inst, study, account).await?;
    if *actor == Actor::Person(account) && role != Role::Researcher {
        return Err(PeopleError::OwnRole);
    }
    check_not_archived(inst, networks).await?;
    studies::give_role(
        inst,
        study,
        store,
        &RoleGift {
            email: acc.email,
            name: None,
            role,
            networks: networks.to_vec(),
            keep_networks: false,
            password_hash: None,
        },
        actor,
        at,
    )
    .await?;
    Ok(())
}

/// Deactivates (`active` false: they cannot log in here, and their sessions end) or
/// reactivates someone's role in `study`; the role, its networks and all they did stay.
/// Recorded in the installation's log and in the study's (`role.deactivate` /
/// `role.reactivate`, about the person). False when it already was so.
pub async fn set_active(
    inst: &Installation,
    study: &Study,
    store: &Store,
    account: PersonId,
    active: bool,
    actor: &Actor,
    at: i64,
) -> Result<bool> {
    if store.is_read_only() {
        return Err(StoreError::ReadOnly.into());
    }
    member(inst, study, account).await?;
    if *actor == Actor::Person(account) && !active {
        return Err(PeopleError::OwnRole);
    }
    let changed = inst
        .set_role_active(account, study.id, active, actor, at)
        .await?;
    if changed {
        store
            .audit(&leernet_store::NewAudit {
                at,
                actor: actor.clone(),
                action: if active {
                    leernet_store::Action::RoleReactivate
                } else {
                    leernet_store::Action::RoleDeactivate
                },
                subject: leernet_store::AuditSubject::Person(account),
                detail: String::new(),
            })
            .await?;
        tracing::info!(
            study = study.id.0,
            account = account.0,
            active,
            "role activity changed"
        );
    }
    Ok(changed)
}

/// "Wachtwoord vergeten": a reset link for the account with `email`, valid for
/// [`RESET_LINK_SECONDS`], when there is such an account that may log in; `None`
/// otherwise (the caller says the same either way, so that the answer never tells whether
/// an address has an account). A new link replaces the account's earlier ones.
pub async fn request_reset(
    inst: &Installation,
    email: &str,
    at: i64,
) -> Result<Option<(InstallationAccount, String)>> {
    let Some(acc) = inst.account_by_email(email).await? else {
        return Ok(None);
    };
    if acc.email.as_str().ends_with("@erased.invalid") || !inst.may_log_in(acc.id).await? {
        return Ok(None);
    }
    let secret = new_link_secret();
    inst.add_account_link(
        acc.id,
        LinkPurpose::Reset,
        &secret,
        at,
        at.saturating_add(RESET_LINK_SECONDS),
        &Actor::System,
    )
    .await?;
    Ok(Some((acc, secret)))
}

/// What a presented link is at `at`, without using it.
pub async fn link_state(inst: &Installation, secret: &str, at: i64) -> Result<LinkState> {
    if !is_link_secret(secret) {
        return Ok(LinkState::Unknown);
    }
    Ok(inst.account_link(secret, at).await?)
}

/// Uses a link to set its account's password (already hashed by the caller, after
/// [`crate::accounts::password::check_new_password`]): the installation's in one
/// transaction that also uses the link and ends the account's sessions, then every study's
/// copy. A link that is used, expired or unknown changes nothing and says which.
pub async fn set_password_by_link(
    inst: &Installation,
    secret: &str,
    password_hash: &str,
    at: i64,
) -> Result<std::result::Result<PersonId, LinkState>> {
    if !is_link_secret(secret) {
        return Ok(Err(LinkState::Unknown));
    }
    let used = inst.use_account_link(secret, password_hash, at).await?;
    if let Ok(account) = used {
        studies::copy_password_everywhere(inst, account, Some(password_hash)).await?;
        tracing::info!(account = account.0, "password set by link");
    }
    Ok(used)
}

/// A Werkplaats as the form gives it.
#[derive(Debug, Clone)]
pub struct WorkplaceEdit {
    pub name: String,
    pub region: String,
}

/// Changes a Werkplaats' name and region in the installation and in every active study that
/// holds it (an archived study keeps what it had).
pub async fn edit_workplace(
    inst: &Installation,
    id: WorkplaceId,
    edit: &WorkplaceEdit,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    let w = inst
        .update_workplace(id, edit.name.trim(), edit.region.trim(), actor, at)
        .await?;
    for study in inst.studies().await? {
        if study.state != leernet_store::StudyState::Active {
            continue;
        }
        let store = inst.open_study(&study).await?;
        let done = async {
            if store.workplaces().await?.iter().any(|x| x.id == id) {
                store.project_workplace(&w).await?;
            }
            Ok::<_, StoreError>(())
        }
        .await;
        store.close().await;
        done?;
    }
    Ok(())
}

/// Changes a network's name and Werkplaats in the installation and in every active study it
/// takes part in.
pub async fn edit_network(
    inst: &Installation,
    id: NetworkId,
    name: &str,
    workplace: &Slug,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    let wp = inst
        .workplaces()
        .await?
        .into_iter()
        .find(|w| &w.slug == workplace)
        .ok_or_else(|| StudyError::UnknownWorkplace(workplace.as_str().to_owned()))?;
    let n = inst
        .update_network(id, name.trim(), wp.id, actor, at)
        .await?;
    for study in inst.studies().await? {
        if study.state != leernet_store::StudyState::Active
            || !inst.study_networks(study.id).await?.contains(&id)
        {
            continue;
        }
        let store = inst.open_study(&study).await?;
        let done = store.project_network(&wp, &n).await;
        store.close().await;
        done?;
    }
    Ok(())
}

/// Archives a Werkplaats (or makes it current again): nothing is deleted, it only drops out
/// of new choices. False when it already was so.
pub async fn set_workplace_archived(
    inst: &Installation,
    id: WorkplaceId,
    archived: bool,
    actor: &Actor,
    at: i64,
) -> Result<bool> {
    Ok(inst.set_workplace_archived(id, archived, actor, at).await?)
}

/// Archives a network (or makes it current again): its answers, roles, workspace and the
/// figures of past waves stay; it drops out of the choices for invitations and new roles.
/// False when it already was so.
pub async fn set_network_archived(
    inst: &Installation,
    id: NetworkId,
    archived: bool,
    actor: &Actor,
    at: i64,
) -> Result<bool> {
    Ok(inst.set_network_archived(id, archived, actor, at).await?)
}
