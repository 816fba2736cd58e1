//! `leernet typology list` and `typology name`: the typology's types, and the names
//! researchers give them (issue 21, item 3).
//!
//! Why it exists: the clustering numbers its types and the rules in `content/typology.toml`
//! name some of them; a researcher who knows the networks names them better. A name is kept
//! with the type's networks (a study setting), so it stays with them when the numbering
//! changes, and stands wherever the type appears: the profiles, the handreikingen, the report
//! and the pages (`/analysis/types` does the same in the browser, through the same use case).

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_app::typology::{TypeName, TypeNameError};
use std::io::Write;
use std::path::Path;

/// Arguments of `leernet typology list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The wave the figures rest on (a wave's name, `latest`, `all`); the study's current
    /// waves when not given.
    #[arg(long)]
    pub wave: Option<String>,
}

/// Arguments of `leernet typology name`.
#[derive(Debug, clap::Args)]
pub struct NameArgs {
    /// The type's number, as `leernet typology list` shows it.
    pub number: u16,
    /// The name in Dutch (at most 80 characters).
    #[arg(long, required_unless_present = "reset")]
    pub nl: Option<String>,
    /// The name in English; the Dutch name when not given.
    #[arg(long, requires = "nl")]
    pub en: Option<String>,
    /// Give the type back the name of the rules in content/typology.toml.
    #[arg(long, conflicts_with_all = ["nl", "en"])]
    pub reset: bool,
    /// The wave the figures rest on, as for `list`: the numbers are those of that typology.
    #[arg(long)]
    pub wave: Option<String>,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// `leernet typology list [--wave W]`.
pub async fn list(project: &Path, args: &ListArgs, out: &mut dyn Write) -> CliResult {
    let settings = Settings::load(project)?;
    let (inst, study, store) = settings.study_store().await?;
    inst.close().await;
    let content = crate::project::study_content(&settings.dir, Some(study.slug.as_str()));
    let fig = match content {
        Ok(c) => crate::project::figures(&store, &c, args.wave.as_deref()).await,
        Err(e) => Err(e),
    };
    store.close().await;
    let fig = fig?;
    match fig.typology.as_ref().filter(|t| t.computed) {
        None => {
            let why = fig
                .typology
                .as_ref()
                .and_then(|t| t.message.as_ref())
                .map(|m| m.en.clone())
                .unwrap_or_else(|| "no network questionnaire has been answered".to_owned());
            writeln!(out, "No typology: {why}.").map_err(out_err)
        }
        Some(t) => {
            writeln!(out, "{} types of {} networks:", t.types.len(), t.n).map_err(out_err)?;
            for tp in &t.types {
                writeln!(
                    out,
                    "{}. {} ({} networks): {}",
                    tp.number,
                    tp.name.en,
                    tp.size,
                    tp.names.join(", ")
                )
                .map_err(out_err)?;
                if tp.name.nl != tp.name.en {
                    writeln!(out, "   in Dutch: {}", tp.name.nl).map_err(out_err)?;
                }
            }
            Ok(())
        }
    }
}

/// `leernet typology name NUMBER --nl NAME [--en NAME] | --reset [--wave W]`.
pub async fn name(
    project: &Path,
    args: &NameArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let name = if args.reset {
        None
    } else {
        let nl = args.nl.as_deref().unwrap_or_default();
        Some(
            TypeName::parse(nl, args.en.as_deref().unwrap_or_default())
                .map_err(|e| CliError::invalid(anyhow!("{e}")))?,
        )
    };
    let settings = Settings::load(project)?;
    let (inst, study, store) = settings.study_store().await?;
    inst.close().await;
    let done = async {
        let content = crate::project::study_content(&settings.dir, Some(study.slug.as_str()))?;
        let fig = crate::project::figures(&store, &content, args.wave.as_deref()).await?;
        leernet_app::typology::name_type(
            &store,
            fig.typology.as_ref(),
            usize::from(args.number),
            name.as_ref(),
            &crate::cmd_privacy::cli_actor(),
            clock.unix_seconds(),
        )
        .await
        .map_err(|e| match e {
            TypeNameError::Store(e) => CliError::usage(anyhow!("{e}")),
            other => CliError::invalid(anyhow!("{other}")),
        })
    }
    .await;
    store.close().await;
    done?;
    match &name {
        Some(n) => writeln!(
            out,
            "Type {} is now called {:?} (in English {:?}).",
            args.number,
            n.as_bilingual().nl,
            n.as_bilingual().en
        ),
        None => writeln!(
            out,
            "Type {} has the name of the typology's rules again.",
            args.number
        ),
    }
    .map_err(out_err)
}
