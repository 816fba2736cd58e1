//! `leernet workplace add`, `leernet network add` and `leernet network list`: the registry
//! of Werkplaatsen and their learning networks from the command line. Without them a project
//! made with `leernet init` has no network, so `leernet import responses --network SLUG` and
//! `leernet user add --network SLUG` have nothing to point at.
//!
//! Werkplaatsen and networks are the installation's (its registry) and each study holds
//! those that take part in it: `workplace add` registers a Werkplaats and writes it into
//! the study `--study` names; `network add` registers a network, or lets one another study
//! registered take part in this study too, keeping its identity
//! (`leernet_app::studies::add_network`). Each write happens whole or not at all. A bad slug is a usage error
//! (exit 2); a slug that is taken, or a Werkplaats that does not exist, is invalid input
//! (exit 1).

use crate::cli_error::{CliError, CliResult};
use crate::cmd_privacy::cli_actor;
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_core::Slug;
use leernet_store::{NewWorkplace, StoreError};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Arguments of `leernet workplace add`.
#[derive(Debug, clap::Args)]
pub struct WorkplaceAddArgs {
    /// The Werkplaats's short name in URLs and files: a-z, 0-9 and dashes.
    #[arg(long)]
    pub slug: String,
    /// Its full name.
    #[arg(long)]
    pub name: String,
    /// Its region (free text).
    #[arg(long, default_value = "")]
    pub region: String,
}

/// Arguments of `leernet network add`.
#[derive(Debug, clap::Args)]
pub struct NetworkAddArgs {
    /// The network's short name in URLs and files: a-z, 0-9 and dashes.
    #[arg(long)]
    pub slug: String,
    /// Its full name.
    #[arg(long)]
    pub name: String,
    /// The slug of the Werkplaats it belongs to.
    #[arg(long)]
    pub workplace: String,
}

/// Arguments of `leernet network list`.
#[derive(Debug, clap::Args)]
pub struct NetworkListArgs {
    /// Print a JSON array of `{"slug","name","workplace"}` instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// A store error: a taken slug is invalid input, anything else a database problem.
fn store_err(e: StoreError, what_to_do: &str) -> CliError {
    match e {
        StoreError::Conflict(msg) => CliError::invalid(anyhow!("{msg}; {what_to_do}")),
        e @ StoreError::ReadOnly => CliError::invalid(e),
        other => CliError::usage(other),
    }
}

fn name_arg(name: &str, what: &str) -> CliResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CliError::usage(anyhow!(
            "the {what} needs a name: give --name NAME"
        )));
    }
    Ok(name.to_owned())
}

/// `leernet workplace add`.
pub async fn workplace_add(
    project: &Path,
    args: &WorkplaceAddArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let slug = Slug::parse(&args.slug).map_err(CliError::usage)?;
    let name = name_arg(&args.name, "Werkplaats")?;
    let region = args.region.trim().to_owned();
    let settings = Settings::load(project)?;
    let (inst, _study, store) = settings.study_store().await?;
    let result = leernet_app::studies::add_workplace(
        &inst,
        &store,
        &NewWorkplace {
            slug: slug.clone(),
            name: name.clone(),
            region,
        },
        &cli_actor(),
        clock.unix_seconds(),
    )
    .await;
    store.close().await;
    inst.close().await;
    result.map_err(|e| match e {
        leernet_app::studies::StudyError::Store(e) => store_err(e, "choose another --slug"),
        e => settings.study_error(e),
    })?;
    writeln!(
        out,
        "Added the Werkplaats {slug} ({name}); add its networks with `leernet network add --workplace {slug}`."
    )
    .map_err(out_err)
}

/// `leernet network add`.
pub async fn network_add(
    project: &Path,
    args: &NetworkAddArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let slug = Slug::parse(&args.slug).map_err(CliError::usage)?;
    let workplace_slug = Slug::parse(&args.workplace).map_err(CliError::usage)?;
    let name = name_arg(&args.name, "network")?;
    let settings = Settings::load(project)?;
    let (inst, study, store) = settings.study_store().await?;
    let result = leernet_app::studies::add_network(
        &inst,
        &study,
        &store,
        &leernet_app::studies::NewStudyNetwork {
            slug: &slug,
            name: &name,
            workplace: &workplace_slug,
        },
        &cli_actor(),
        clock.unix_seconds(),
    )
    .await;
    store.close().await;
    inst.close().await;
    let added = result.map_err(|e| match e {
        leernet_app::studies::StudyError::Store(e) => store_err(e, "choose another --slug"),
        leernet_app::studies::StudyError::UnknownWorkplace(_) => CliError::invalid(anyhow!(
            "there is no Werkplaats {:?} in this project; add it first with `leernet workplace add --slug {} --name NAME`",
            workplace_slug.as_str(),
            workplace_slug
        )),
        e => settings.study_error(e),
    })?;
    let (workplace, joined) = match added {
        leernet_app::studies::NetworkAdded::New(_, w) => (w, ""),
        leernet_app::studies::NetworkAdded::Joined(_, w) => (
            w,
            " It took part in another study of this installation already: it is the same network.",
        ),
    };
    writeln!(
        out,
        "Added the network {slug} ({name}) of the Werkplaats {}.{joined}",
        workplace.slug
    )
    .map_err(out_err)
}

/// `leernet network list`: every network by id, with its Werkplaats.
pub async fn network_list(
    project: &Path,
    args: &NetworkListArgs,
    out: &mut dyn Write,
) -> CliResult {
    let store = Settings::load(project)?.store().await?;
    let result = async {
        let workplaces = store.workplaces().await?;
        let networks = store.networks().await?;
        Ok::<_, StoreError>((workplaces, networks))
    }
    .await;
    store.close().await;
    let (workplaces, networks) = result.map_err(CliError::usage)?;
    let workplace_slug: HashMap<_, _> =
        workplaces.iter().map(|w| (w.id, w.slug.as_str())).collect();
    let rows: Vec<[&str; 3]> = networks
        .iter()
        .map(|n| {
            [
                n.slug.as_str(),
                n.name.as_str(),
                workplace_slug.get(&n.workplace).copied().unwrap_or(""),
            ]
        })
        .collect();
    if args.json {
        let json: Vec<_> = rows
            .iter()
            .map(|[slug, name, workplace]| {
                serde_json::json!({"slug": slug, "name": name, "workplace": workplace})
            })
            .collect();
        let text = serde_json::to_string_pretty(&json).map_err(|e| CliError::usage(anyhow!(e)))?;
        return writeln!(out, "{text}").map_err(out_err);
    }
    if rows.is_empty() {
        return writeln!(
            out,
            "This project has no networks yet; add one with `leernet network add --slug SLUG --name NAME --workplace SLUG`."
        )
        .map_err(out_err);
    }
    let header = ["slug", "name", "Werkplaats"];
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
