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

/// The first field of a whole installation's backup (`leernet backup --all-studies`).
pub const WHOLE_FORMAT: &str = "leernet-installation-backup";
/// The version of that format this build writes and the highest it reads.
const WHOLE_VERSION: u64 = 1;
/// The longest header line of a whole backup read (its list of parts).
const MAX_WHOLE_HEADER: usize = 1 << 20;
/// The most studies a whole backup may hold.
const MAX_PARTS: usize = 10_000;

/// Opens a new file readable by its owner only, from the first byte on (a backup holds
/// every answer and account: not made readable and narrowed afterwards).
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    open.open(path)
}

/// `leernet backup --out FILE [--all-studies]`.
pub async fn backup(
    project: &Path,
    file: &Path,
    all_studies: bool,
    out: &mut dyn Write,
) -> CliResult {
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
    let f = create_private(&tmp).map_err(cannot)?;
    let result = async {
        let mut w = std::io::BufWriter::new(f);
        let said = if all_studies {
            whole_backup(&settings, &tmp, file, &mut w).await?
        } else {
            let store = settings.store().await?;
            let summary = store.backup(&mut w).await;
            store.close().await;
            let summary = summary.map_err(|e| backup_write_err(e, &cannot))?;
            format!(
                "Wrote a backup of {} rows in {} tables (schema version {}) to {}.",
                summary.rows(),
                summary.tables.len(),
                summary.migrations.last().copied().unwrap_or(0),
                file.display()
            )
        };
        let f = w.into_inner().map_err(|e| cannot(e.into_error()))?;
        f.sync_all().map_err(cannot)?;
        std::fs::rename(&tmp, file).map_err(cannot)?;
        Ok::<_, CliError>(said)
    }
    .await;
    let said = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    writeln!(out, "{said}").map_err(out_err)
}

fn backup_write_err(e: BackupError, cannot: &dyn Fn(std::io::Error) -> CliError) -> CliError {
    match e {
        BackupError::Write(e) => cannot(e),
        e => CliError::usage(anyhow!("{e}")),
    }
}

/// One part of a whole backup: the installation's own database or one study's.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Part {
    /// `installation`, or the study's slug.
    name: String,
    /// Its length in bytes, right after the header and the parts before it.
    bytes: u64,
}

/// The header line of a whole backup.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct WholeHeader {
    format: String,
    version: u64,
    parts: Vec<Part>,
}

/// Writes the whole installation to `w`: a header line naming each part and its length,
/// then the installation's own backup and every study's (archived ones too), each in
/// leernet's backup format with its own checksum. The parts are written to private
/// temporary files beside `tmp` first, so that the header can give their lengths.
async fn whole_backup(
    settings: &Settings,
    tmp: &Path,
    file: &Path,
    w: &mut dyn Write,
) -> CliResult<String> {
    let inst = settings.installation().await?;
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let result = async {
        let cannot = |e: std::io::Error| {
            CliError::usage(anyhow!(
                "cannot write a part of the backup beside {}: {e}",
                tmp.display()
            ))
        };
        let mut parts = Vec::new();
        let mut rows = 0u64;
        let studies = inst.studies().await.map_err(store_err)?;
        for i in 0..=studies.len() {
            let path = tmp.with_extension(format!("part{i}"));
            let f = create_private(&path).map_err(cannot)?;
            files.push(path);
            let mut pw = std::io::BufWriter::new(f);
            let (name, summary) = if i == 0 {
                ("installation".to_owned(), inst.backup(&mut pw).await)
            } else {
                let study = &studies[i - 1];
                let store = inst.open_study(study).await.map_err(store_err)?;
                let summary = store.backup(&mut pw).await;
                store.close().await;
                (study.slug.as_str().to_owned(), summary)
            };
            let summary = summary.map_err(|e| backup_write_err(e, &cannot))?;
            rows = rows.saturating_add(summary.rows());
            let f = pw.into_inner().map_err(|e| cannot(e.into_error()))?;
            let bytes = f.metadata().map_err(cannot)?.len();
            parts.push(Part { name, bytes });
        }
        let header = WholeHeader {
            format: WHOLE_FORMAT.to_owned(),
            version: WHOLE_VERSION,
            parts,
        };
        let mut line = serde_json::to_string(&header)
            .map_err(|e| CliError::usage(anyhow!("cannot write the backup's header: {e}")))?;
        line.push('\n');
        w.write_all(line.as_bytes()).map_err(cannot)?;
        for path in &files {
            let mut f = std::fs::File::open(path).map_err(cannot)?;
            std::io::copy(&mut f, w).map_err(cannot)?;
        }
        Ok::<_, CliError>(format!(
            "Wrote a backup of the whole installation ({} studies, {rows} rows) to {}.",
            studies.len(),
            file.display()
        ))
    }
    .await;
    for f in &files {
        let _ = std::fs::remove_file(f);
    }
    inst.close().await;
    result
}

fn store_err(e: leernet_store::StoreError) -> CliError {
    CliError::usage(anyhow!("{e}"))
}

/// `leernet restore FILE`.
pub async fn restore(
    project: &Path,
    file: &Path,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", file.display())))?;
    if let Some(header) = whole_header(&bytes, file)? {
        // A whole installation goes into a new folder, which becomes its project (a project
        // made by `leernet init` holds a study already).
        let made = if project.join(crate::settings::PROJECT_FILE).exists() {
            None
        } else {
            Some(crate::project::NewProjectFolder::make(project)?)
        };
        let restored = async {
            let settings = Settings::load(project)?;
            whole_restore(&settings, file, &bytes, header, out).await
        }
        .await;
        if restored.is_err() {
            if let Some(made) = made {
                made.undo();
            }
        }
        return restored;
    }
    let settings = Settings::load(project)?;
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

/// The header of a whole installation's backup, or `None` for a study's backup (or
/// anything else, which the study's restore then names).
fn whole_header(bytes: &[u8], file: &Path) -> CliResult<Option<(WholeHeader, usize)>> {
    let end = bytes
        .iter()
        .take(MAX_WHOLE_HEADER)
        .position(|&b| b == b'\n');
    let first = &bytes[..end.unwrap_or(bytes.len().min(MAX_WHOLE_HEADER))];
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(first) else {
        return Ok(None);
    };
    if value.get("format").and_then(|f| f.as_str()) != Some(WHOLE_FORMAT) {
        return Ok(None);
    }
    let damaged = |why: &str| {
        CliError::usage(anyhow!(
            "{} is a damaged backup of a whole installation: {why}; nothing was restored",
            file.display()
        ))
    };
    let end = end.ok_or_else(|| damaged("its first line does not end"))?;
    let header: WholeHeader =
        serde_json::from_value(value).map_err(|e| damaged(&format!("its header: {e}")))?;
    if header.version > WHOLE_VERSION {
        return Err(CliError::usage(anyhow!(
            "{} was made by a newer leernet (whole-backup format {}; this one reads up to {WHOLE_VERSION}): restore it with that leernet or a newer one",
            file.display(),
            header.version
        )));
    }
    if header.parts.is_empty() || header.parts.len() > MAX_PARTS {
        return Err(damaged("it names no parts, or too many"));
    }
    if header.parts[0].name != "installation" {
        return Err(damaged("its first part is not the installation"));
    }
    // The parts fill the rest of the file exactly.
    let total = header
        .parts
        .iter()
        .try_fold(0u64, |sum, p| sum.checked_add(p.bytes))
        .ok_or_else(|| damaged("its parts' lengths overflow"))?;
    let rest = (bytes.len() - end - 1) as u64;
    if total != rest {
        return Err(damaged(&format!(
            "its parts add up to {total} bytes, but {rest} follow the header (the file was cut off or changed)"
        )));
    }
    Ok(Some((header, end + 1)))
}

/// `leernet restore FILE` of a whole installation's backup, into a project whose
/// installation holds no study yet: every part is checked first (nothing is written
/// when one is damaged or from a newer leernet), then the installation's own database
/// is restored (each study registered where this installation keeps it), then each
/// study's database.
async fn whole_restore(
    settings: &Settings,
    file: &Path,
    bytes: &[u8],
    (header, start): (WholeHeader, usize),
    out: &mut dyn Write,
) -> CliResult {
    let backend = leernet_store::Backend::of_url(&settings.database_url)
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    // Slice and check every part before anything is written.
    let mut parts = Vec::new();
    let mut at = start;
    for (i, p) in header.parts.iter().enumerate() {
        let len = usize::try_from(p.bytes)
            .map_err(|_| CliError::usage(anyhow!("{}: a part is too large", file.display())))?;
        let part = &bytes[at..at + len];
        at += len;
        let known = if i == 0 {
            leernet_store::Installation::known_migrations(backend)
        } else {
            leernet_store::known_migrations(backend)
        };
        leernet_store::backup::check(part, &known).map_err(|e| {
            CliError::usage(anyhow!(
                "{}: the part {:?}: {e}; nothing was restored",
                file.display(),
                p.name
            ))
        })?;
        parts.push((p.name.as_str(), part));
    }
    let inst = leernet_store::Installation::connect_with(
        &settings.installation_url(),
        &settings.store_options(),
    )
    .await
    .map_err(store_err)?;
    let result = async {
        if !inst.studies().await.map_err(store_err)?.is_empty() {
            return Err(CliError::usage(anyhow!(
                "this project already holds studies: restore a whole installation into a new folder, which becomes its project (`leernet restore FILE --project NEW_FOLDER`); nothing was restored"
            )));
        }
        let (_, first) = parts[0];
        let summary = inst.restore(first).await.map_err(|e| backup_err(file, e))?;
        let mut rows = summary.rows();
        let studies = inst.studies().await.map_err(store_err)?;
        let mut done: Vec<&str> = Vec::new();
        for (name, part) in &parts[1..] {
            let half = |e: String| {
                CliError::usage(anyhow!(
                    "{e}; the installation{} {} restored already: start again in a new, empty project",
                    if done.is_empty() { String::new() } else { format!(" and the studies {}", done.join(", ")) },
                    if done.is_empty() { "was" } else { "were" }
                ))
            };
            let Some(study) = studies.iter().find(|s| s.slug.as_str() == *name) else {
                return Err(half(format!(
                    "{}: the study {name:?} has a part but is not in the installation's part",
                    file.display()
                )));
            };
            let store = inst
                .open_study_writable(study)
                .await
                .map_err(|e| half(e.to_string()))?;
            let restored = store.restore(part).await;
            store.close().await;
            let s = restored.map_err(|e| half(format!("{}: the study {name}: {e}", file.display())))?;
            rows = rows.saturating_add(s.rows());
            done.push(name);
        }
        if let Some(missing) = studies
            .iter()
            .find(|s| !done.contains(&s.slug.as_str()))
        {
            return Err(CliError::usage(anyhow!(
                "{}: the study {} is in the installation but has no part in the backup; the rest was restored",
                file.display(),
                missing.slug
            )));
        }
        Ok::<_, CliError>((studies.len(), rows))
    }
    .await;
    inst.close().await;
    let (studies, rows) = result?;
    writeln!(
        out,
        "Restored the whole installation from {}: its accounts and registry, and {studies} studies ({rows} rows), into {} ({}).",
        file.display(),
        settings.dir.display(),
        leernet_store::redact_url(&settings.database_url)
    )
    .map_err(out_err)
}
