//! `leernet audit list [--json]`: the audit log, oldest first.
//!
//! Why here: the researcher (or the data-protection officer) reads who exported, erased or
//! pseudonymised personal data, changed a role, or opened or closed a wave, and when. The log
//! holds ids and counts only, so printing it shows no answer, name or address.

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_store::audit::utc_timestamp;
use std::io::Write;
use std::path::Path;

/// Arguments of `leernet audit list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print a JSON array of `{"id","at","at_unix","actor","action","subject","detail"}`.
    #[arg(long)]
    pub json: bool,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// `leernet audit list`.
pub async fn list(project: &Path, args: &ListArgs, out: &mut dyn Write) -> CliResult {
    let store = Settings::load(project)?.store().await?;
    let log = store.audit_log().await.map_err(CliError::usage);
    store.close().await;
    let log = log?;
    if args.json {
        let items: Vec<serde_json::Value> = log
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id,
                    "at": utc_timestamp(e.at),
                    "at_unix": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "subject": e.subject,
                    "detail": e.detail,
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&items)
            .map_err(|e| CliError::usage(anyhow!("cannot write JSON: {e}")))?;
        return writeln!(out, "{text}").map_err(out_err);
    }
    if log.is_empty() {
        return writeln!(out, "The audit log is empty.").map_err(out_err);
    }
    for e in &log {
        writeln!(
            out,
            "{}  {:<22} {:<22} {:<12} {}",
            utc_timestamp(e.at),
            e.actor,
            e.action,
            e.subject,
            e.detail
        )
        .map_err(out_err)?;
    }
    Ok(())
}
