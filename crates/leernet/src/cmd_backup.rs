//! `leernet backup --out FILE` and `leernet restore FILE`: a consistent copy of a project's
//! database in leernet's own format (see `leernet_store::backup`), made while the app runs,
//! and brought back into an empty project on either back end.
//!
//! Nothing half-written: the backup goes to a temporary file beside FILE, is flushed to disk
//! and renamed only when complete; a restore checks the whole file before it writes, and
//! writes in one transaction.

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_store::backup::BackupError;
use std::io::Write;
use std::path::Path;

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

fn backup_err(file: &Path, e: BackupError) -> CliError {
    CliError::usage(anyhow!("{}: {e}", file.display()))
}

/// `leernet backup --out FILE`.
pub async fn backup(project: &Path, file: &Path, out: &mut dyn Write) -> CliResult {
    let settings = Settings::load(project)?;
    let name = file
        .file_name()
        .ok_or_else(|| CliError::usage(anyhow!("--out {} names no file", file.display())))?;
    let tmp = file.with_file_name(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let cannot = |e: std::io::Error| {
        CliError::usage(anyhow!(
            "cannot write the backup to {}: {e}; choose a folder you may write to",
            file.display()
        ))
    };
    // The backup holds every answer and account: readable by its owner only, from the
    // first byte on (not made readable and narrowed afterwards).
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    let f = open.open(&tmp).map_err(cannot)?;
    let result = async {
        let store = settings.store().await?;
        let mut w = std::io::BufWriter::new(f);
        let summary = store.backup(&mut w).await;
        store.close().await;
        let summary = summary.map_err(|e| match e {
            BackupError::Write(e) => cannot(e),
            e => CliError::usage(anyhow!("{e}")),
        })?;
        let f = w.into_inner().map_err(|e| cannot(e.into_error()))?;
        f.sync_all().map_err(cannot)?;
        std::fs::rename(&tmp, file).map_err(cannot)?;
        Ok::<_, CliError>(summary)
    }
    .await;
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    writeln!(
        out,
        "Wrote a backup of {} rows in {} tables (schema version {}) to {}.",
        summary.rows(),
        summary.tables.len(),
        summary.migrations.last().copied().unwrap_or(0),
        file.display()
    )
    .map_err(out_err)
}

/// `leernet restore FILE`.
pub async fn restore(
    project: &Path,
    file: &Path,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", file.display())))?;
    let (store, installation) = settings.store_to_restore_into().await?;
    let result = store.restore(&bytes).await;
    // The restored people and networks are the installation's too (the study was empty).
    let pulled = match (&result, &installation) {
        (Ok(_), Some((inst, study))) => inst
            .pull_up(
                study,
                &store,
                &crate::cmd_privacy::cli_actor(),
                clock.unix_seconds(),
            )
            .await
            .map_err(|e| {
                CliError::invalid(anyhow!(
                    "the backup was restored into the study {}, but its people and networks could not join the installation's: {e}",
                    study.slug
                ))
            }),
        _ => Ok(()),
    };
    store.close().await;
    if let Some((inst, _)) = &installation {
        inst.close().await;
    }
    let summary = result.map_err(|e| backup_err(file, e))?;
    pulled?;
    writeln!(
        out,
        "Restored {} rows in {} tables from {} into {} ({}).",
        summary.rows(),
        summary.tables.iter().filter(|(_, n)| *n > 0).count(),
        file.display(),
        settings.dir.display(),
        leernet_store::redact_url(&settings.database_url)
    )
    .map_err(out_err)
}
