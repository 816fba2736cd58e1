//! `leernet study add|list|archive` and `leernet role give|take`: the studies of an
//! installation and the roles of its accounts in them, from the command line
//! (`docs/design/studies.md`).
//!
//! A project is an installation: the first command run on a project of the previous release
//! makes its database the first study (`Settings::installation`). `study add` makes a study's
//! database (an SQLite file under `studies/<slug>/`, or a PostgreSQL schema) and registers
//! it; every study command then takes `--study SLUG`, which may be left out while one study
//! is active. `role give` gives an account (made if the address is new, without a password:
//! `leernet user add` sets one) a role in the study `--study` names, for the networks given;
//! `role take` takes it. A role in one study gives nothing in another.

use crate::cli_error::{CliError, CliResult};
use crate::cmd_privacy::cli_actor;
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_core::{Bilingual, Email, Role, Slug};
use leernet_store::{NewStudy, StudyLocation, StudyState};
use std::io::Write;
use std::path::Path;

/// Arguments of `leernet study add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The study's short name in URLs and on the command line (`--study SLUG`): a-z, 0-9 and
    /// dashes.
    pub slug: String,
    /// Its title in Dutch.
    #[arg(long)]
    pub title: String,
    /// Its title in English (default: the Dutch title).
    #[arg(long)]
    pub title_en: Option<String>,
    /// Its lead researcher: the e-mail address of an account of the installation, who gets
    /// the researcher role in the new study and gives its other roles.
    #[arg(long)]
    pub lead: Option<String>,
}

/// Arguments of `leernet admin give|take`.
#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    /// The account's e-mail address.
    #[arg(long)]
    pub email: String,
}

/// Arguments of `leernet study list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print a JSON array of `{"slug","title_nl","title_en","state"}` instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `leernet study archive` and `leernet study activate`.
#[derive(Debug, clap::Args)]
pub struct ArchiveArgs {
    /// The study, by its slug.
    pub slug: String,
}

/// Arguments of `leernet role give`.
#[derive(Debug, clap::Args)]
pub struct GiveArgs {
    /// The account's e-mail address (made, without a password, if it is new).
    #[arg(long)]
    pub email: String,
    /// The role in the study.
    #[arg(long, value_enum)]
    pub role: crate::args::RoleArg,
    /// A network the role is for (a facilitator's or member's, a coordinator's); repeat for
    /// more. The role is for exactly these.
    #[arg(long = "network")]
    pub networks: Vec<String>,
    /// The name of a new account (default: the part of the address before the @).
    #[arg(long)]
    pub name: Option<String>,
}

/// Arguments of `leernet role take`.
#[derive(Debug, clap::Args)]
pub struct TakeArgs {
    /// The account's e-mail address.
    #[arg(long)]
    pub email: String,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// `leernet study add`.
pub async fn add(
    project: &Path,
    args: &AddArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let slug = Slug::parse(&args.slug).map_err(CliError::usage)?;
    let nl = args.title.trim();
    if nl.is_empty() {
        return Err(CliError::usage(anyhow!(
            "the study needs a title: give --title TEXT"
        )));
    }
    let en = args
        .title_en
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(nl);
    let lead = args
        .lead
        .as_deref()
        .map(|e| Email::parse(e.trim()).map_err(CliError::usage))
        .transpose()?;
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let result = leernet_app::studies::make_study(
        &inst,
        &NewStudy {
            slug: slug.clone(),
            title: Bilingual {
                nl: nl.to_owned(),
                en: en.to_owned(),
            },
        },
        lead.as_ref(),
        &cli_actor(),
        clock.unix_seconds(),
    )
    .await;
    inst.close().await;
    let study = result.map_err(|e| match e {
        leernet_app::studies::StudyError::Store(leernet_store::StoreError::Conflict(m)) => {
            CliError::invalid(anyhow!("{m}; choose another slug"))
        }
        e => settings.study_error(e),
    })?;
    let place = match &study.location {
        StudyLocation::Sqlite(p) => format!("database {p}"),
        StudyLocation::PostgresSchema(s) => format!("schema {s}"),
    };
    writeln!(
        out,
        "Added the study {slug} ({nl}) in its own {place}; give its roles with `leernet role give --study {slug}` and use it with `--study {slug}`."
    )
    .map_err(out_err)
}

/// `leernet admin give|take`: makes an account an installation administrator (who makes
/// studies and appoints their lead researchers in the browser, `/admin/studies`), or takes
/// that away.
pub async fn admin(
    project: &Path,
    args: &AdminArgs,
    admin: bool,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let email = Email::parse(args.email.trim()).map_err(CliError::usage)?;
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let result = async {
        let Some(acc) = inst.account_by_email(email.as_str()).await? else {
            return Ok(None);
        };
        inst.set_admin(acc.id, admin, &cli_actor(), clock.unix_seconds())
            .await
            .map(Some)
    }
    .await;
    inst.close().await;
    let changed = result.map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let said = match (changed, admin) {
        (None, _) => {
            return Err(CliError::invalid(anyhow!(
                "there is no account with the e-mail address {email}; give it a role first (`leernet role give`) or make it with `leernet user add`"
            )))
        }
        (Some(true), true) => format!("{email} is now an administrator of the installation: they make studies and appoint their lead researchers at /admin/studies."),
        (Some(false), true) => format!("{email} was an administrator of the installation already."),
        (Some(true), false) => format!("{email} is no longer an administrator of the installation."),
        (Some(false), false) => format!("{email} was no administrator of the installation."),
    };
    writeln!(out, "{said}").map_err(out_err)
}

/// `leernet study list`: every study by id, with its state.
pub async fn list(project: &Path, args: &ListArgs, out: &mut dyn Write) -> CliResult {
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let studies = inst.studies().await;
    inst.close().await;
    let studies = studies.map_err(CliError::usage)?;
    if args.json {
        let json: Vec<_> = studies
            .iter()
            .map(|s| {
                serde_json::json!({
                    "slug": s.slug.as_str(),
                    "title_nl": s.title.nl,
                    "title_en": s.title.en,
                    "state": s.state.as_str(),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&json).map_err(|e| CliError::usage(anyhow!(e)))?;
        return writeln!(out, "{text}").map_err(out_err);
    }
    let rows: Vec<[&str; 3]> = studies
        .iter()
        .map(|s| [s.slug.as_str(), s.state.as_str(), s.title.nl.as_str()])
        .collect();
    let header = ["slug", "state", "title"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:w0$}  {:w1$}  {}",
            row[0],
            row[1],
            row[2],
            w0 = widths[0],
            w1 = widths[1]
        );
        writeln!(out, "{}", line.trim_end()).map_err(out_err)?;
    }
    Ok(())
}

/// `leernet study archive`.
pub async fn archive(
    project: &Path,
    args: &ArchiveArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    set_state(project, &args.slug, StudyState::Archived, clock, out).await
}

/// `leernet study activate`.
pub async fn activate(
    project: &Path,
    args: &ArchiveArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    set_state(project, &args.slug, StudyState::Active, clock, out).await
}

async fn set_state(
    project: &Path,
    slug: &str,
    to: StudyState,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let slug = Slug::parse(slug).map_err(CliError::usage)?;
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let result = async {
        let before = inst.study_by_slug(&slug).await?;
        let (actor, at) = (cli_actor(), clock.unix_seconds());
        match to {
            StudyState::Archived => inst.archive_study(&slug, &actor, at).await?,
            StudyState::Active => inst.activate_study(&slug, &actor, at).await?,
        };
        Ok::<_, leernet_store::StoreError>(before)
    }
    .await;
    let names = inst
        .studies()
        .await
        .map(|s| {
            s.iter()
                .map(|s| s.slug.as_str().to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    inst.close().await;
    let before = result.map_err(|e| match e {
        leernet_store::StoreError::NotFound(m) => {
            CliError::invalid(anyhow!("{m}; the studies are: {names}"))
        }
        e => CliError::usage(anyhow!("{e}")),
    })?;
    let said = match (before.map(|s| s.state) == Some(to), to) {
        (true, StudyState::Archived) => format!("The study {slug} was archived already."),
        (true, StudyState::Active) => format!("The study {slug} is active already."),
        (false, StudyState::Archived) => format!(
            "Archived the study {slug}: it keeps its data and can be read (export, backup), but not changed; a command without --study no longer picks it, and the web app no longer serves it."
        ),
        (false, StudyState::Active) => format!(
            "The study {slug} is active again: it can be changed, and the web app serves it."
        ),
    };
    writeln!(out, "{said}").map_err(out_err)
}

/// `leernet role give`.
pub async fn give(
    project: &Path,
    args: &GiveArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let email = Email::parse(&args.email).map_err(CliError::usage)?;
    let networks = args
        .networks
        .iter()
        .map(|n| Slug::parse(n))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::usage)?;
    let role = Role::from(args.role);
    let settings = Settings::load(project)?;
    let (inst, study, store) = settings.study_store().await?;
    let result = leernet_app::studies::give_role(
        &inst,
        &study,
        &store,
        &leernet_app::studies::RoleGift {
            email: email.clone(),
            name: args.name.clone(),
            role,
            networks: networks.clone(),
            keep_networks: false,
            password_hash: None,
        },
        &cli_actor(),
        clock.unix_seconds(),
    )
    .await;
    store.close().await;
    inst.close().await;
    let given = result.map_err(|e| settings.study_error(e))?;
    let of = if networks.is_empty() {
        String::new()
    } else {
        format!(
            " for {}",
            networks
                .iter()
                .map(Slug::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let account = if given.new_account {
        " (a new account without a password: set one with `leernet user add`)"
    } else {
        ""
    };
    writeln!(
        out,
        "{email} is {} in the study {}{of}{account}.",
        role.as_str(),
        study.slug
    )
    .map_err(out_err)
}

/// `leernet role take`.
pub async fn take(
    project: &Path,
    args: &TakeArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let email = Email::parse(&args.email).map_err(CliError::usage)?;
    let settings = Settings::load(project)?;
    let (inst, study, store) = settings.study_store().await?;
    let result = leernet_app::studies::take_role(
        &inst,
        &study,
        &store,
        &email,
        &cli_actor(),
        clock.unix_seconds(),
    )
    .await;
    store.close().await;
    inst.close().await;
    let had = result.map_err(|e| settings.study_error(e))?;
    if had {
        writeln!(
            out,
            "{email} no longer has a role in the study {}; what they contributed stays.",
            study.slug
        )
    } else {
        writeln!(out, "{email} had no role in the study {}.", study.slug)
    }
    .map_err(out_err)
}
