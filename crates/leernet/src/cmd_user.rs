//! `leernet user add --email E --role R [--network SLUG] [--name NAME]`: an account that may
//! log in to the web app. The password is read from standard input (one line), so it never
//! shows in the process list or the shell history; the store keeps only its argon2id hash.
//! It must meet `leernet_app::accounts::password`'s rules (not blank, at least 10 characters, not a
//! common password); a refusal says why in Dutch and English.
//!
//! The account is the installation's (`leernet_app::studies::give_role`): the role is
//! given in the study `--study` names (or the only one), the password is set for the
//! account in every study it has a role in. A person who already has a role in the study
//! (the demo's people, or someone added before) gets the new password and role, and the
//! network is added to theirs; their sessions end.

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_core::{Email, Lang, Role, Slug};
use std::io::{BufRead, Write};
use std::path::Path;

/// Arguments of `leernet user add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The person's e-mail address (their login name).
    #[arg(long)]
    pub email: String,
    /// What the account may do.
    #[arg(long, value_enum)]
    pub role: crate::args::RoleArg,
    /// The network (slug) a facilitator guides or a member belongs to.
    #[arg(long)]
    pub network: Option<String>,
    /// The name shown in the app (default: the part of the address before the @).
    #[arg(long)]
    pub name: Option<String>,
}

/// Reads the password: the first line of `input`, without its line ending.
fn read_password(input: &mut dyn BufRead) -> CliResult<String> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|e| {
        CliError::usage(anyhow!("cannot read the password from standard input: {e}"))
    })?;
    let pw = line.trim_end_matches(['\r', '\n']).to_owned();
    if let Err(weak) = leernet_app::accounts::password::check_new_password(&pw) {
        let catalog = leernet_report::catalog();
        return Err(CliError::invalid(anyhow!(
            "het wachtwoord op standaardinvoer is geweigerd: {}\n\
             the password on standard input is refused: {}",
            weak.explain(&catalog, Lang::Nl),
            weak.explain(&catalog, Lang::En)
        )));
    }
    Ok(pw)
}

/// `leernet user add`.
pub async fn add(
    project: &Path,
    args: &AddArgs,
    input: &mut dyn BufRead,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let email = Email::parse(&args.email).map_err(CliError::usage)?;
    let role = Role::from(args.role);
    let slug = args
        .network
        .as_deref()
        .map(Slug::parse)
        .transpose()
        .map_err(CliError::usage)?;
    let password = read_password(input)?;
    let settings = Settings::load(project)?;
    let hash = leernet_app::accounts::hash_password(&password).map_err(CliError::usage)?;
    let (inst, study, store) = settings.study_store().await?;
    let result = leernet_app::studies::give_role(
        &inst,
        &study,
        &store,
        &leernet_app::studies::RoleGift {
            email: email.clone(),
            name: args.name.clone(),
            role,
            networks: slug.iter().cloned().collect(),
            keep_networks: true,
            password_hash: Some(hash),
        },
        &crate::cmd_privacy::cli_actor(),
        clock.unix_seconds(),
    )
    .await;
    inst.close().await;
    let given = match result {
        Ok(g) => g,
        Err(e) => {
            store.close().await;
            return Err(match e {
                e @ leernet_app::studies::StudyError::NeedsNetwork(_) => {
                    CliError::usage(anyhow!("{e}"))
                }
                leernet_app::studies::StudyError::UnknownNetwork(s)
                | leernet_app::studies::StudyError::NetworkNotInStudy { network: s, .. } => {
                    CliError::invalid(anyhow!(
                        "there is no network {s:?} in this project; `leernet network list` lists them"
                    ))
                }
                e => settings.study_error(e),
            });
        }
    };
    let verb = if given.before.is_some() {
        "Updated"
    } else {
        "Added"
    };
    let network = match &slug {
        Some(s) => store.network_by_slug(s).await.map_err(CliError::usage)?,
        None => None,
    };
    store.close().await;
    writeln!(
        out,
        "{verb} {} as {}{}; they can log in at /login.",
        email,
        role.as_str(),
        network
            .map(|n| format!(" of network {}", n.slug))
            .unwrap_or_default()
    )
    .map_err(|e| CliError::usage(anyhow!("cannot write to standard output: {e}")))
}
