//! `leernet import document FILE|FOLDER [--network SLUG] [--kind KIND] [--date DATE]`:
//! interviews, focus groups, session reports and policy documents as sources of coding
//! (issue 20). `leernet-app`'s `documents` reads and stores them, as the web's upload does;
//! this module reads a folder's files in name order, bounds each file's size before reading
//! it, and stores them all in one transaction: one bad file is one clear message and nothing
//! is stored.

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_app::documents;
use leernet_core::{DocumentKind, Slug};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The most files one folder import reads.
pub const MAX_FILES: usize = 10_000;

/// The arguments of `leernet import document`.
#[derive(Debug, clap::Args)]
pub struct DocumentArgs {
    /// A .txt, .md, .docx, .odt, .vtt or .srt file, or a folder of them.
    pub path: PathBuf,
    /// The network the documents belong to (its slug).
    #[arg(long)]
    pub network: Option<String>,
    /// interview, focus_group, session_report, policy_document or other.
    #[arg(long, default_value = "other")]
    pub kind: String,
    /// The date the documents are of, like 2026-03-14.
    #[arg(long)]
    pub date: Option<String>,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// The files to read: the file itself, or the folder's files (not its subfolders, not
/// hidden files) in name order.
fn files(path: &Path) -> CliResult<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", path.display())))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut list = Vec::new();
    let entries = std::fs::read_dir(path)
        .map_err(|e| CliError::usage(anyhow!("cannot read folder {}: {e}", path.display())))?;
    for e in entries {
        let e =
            e.map_err(|e| CliError::usage(anyhow!("cannot read folder {}: {e}", path.display())))?;
        let p = e.path();
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.starts_with('.'));
        if hidden || !p.is_file() {
            continue;
        }
        list.push(p);
        if list.len() > MAX_FILES {
            return Err(CliError::invalid(anyhow!(
                "{} holds more than {MAX_FILES} files; import it in parts",
                path.display()
            )));
        }
    }
    list.sort();
    if list.is_empty() {
        return Err(CliError::invalid(anyhow!(
            "{} holds no files to import",
            path.display()
        )));
    }
    Ok(list)
}

/// `leernet import document`.
pub async fn import_document(
    settings: &Settings,
    args: &DocumentArgs,
    out: &mut dyn Write,
) -> CliResult {
    let kind = DocumentKind::parse(&args.kind).ok_or_else(|| {
        CliError::usage(anyhow!(
            "--kind {:?} is not a kind of document: use one of {}",
            args.kind,
            DocumentKind::ALL.map(|k| k.as_str()).join(", ")
        ))
    })?;
    // Read and check every file before the store is opened: nothing is stored unless all
    // of them can be.
    let mut docs = Vec::new();
    for f in files(&args.path)? {
        let shown = f.display().to_string();
        let len = std::fs::metadata(&f)
            .map_err(|e| CliError::usage(anyhow!("cannot read {shown}: {e}")))?
            .len();
        documents::check_size(&shown, len)
            .map_err(|e| CliError::invalid(anyhow!("{e}; nothing was imported")))?;
        let bytes =
            std::fs::read(&f).map_err(|e| CliError::usage(anyhow!("cannot read {shown}: {e}")))?;
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&shown)
            .to_owned();
        let d = documents::read(&name, &bytes)
            .map_err(|e| CliError::invalid(anyhow!("{e}; nothing was imported")))?;
        docs.push(d);
    }
    let store = settings.store().await?;
    let network = match &args.network {
        None => None,
        Some(s) => {
            let slug =
                Slug::parse(s).map_err(|e| CliError::usage(anyhow!("--network {s:?}: {e}")))?;
            let n = store
                .network_by_slug(&slug)
                .await
                .map_err(|e| CliError::usage(anyhow!("{e}")))?
                .ok_or_else(|| {
                    CliError::invalid(anyhow!(
                        "there is no network {s:?} in this study (see `leernet network list`)"
                    ))
                })?;
            Some(n)
        }
    };
    let attrs = documents::Attributes {
        kind,
        network,
        date: args.date.clone(),
    };
    let ids = documents::store(&store, &docs, &attrs)
        .await
        .map_err(|e| match e {
            documents::ImportError::Store(e) => CliError::usage(anyhow!("{e}")),
            e => CliError::invalid(anyhow!("{e}")),
        })?;
    store.close().await;
    for (d, id) in docs.iter().zip(&ids) {
        let words = d.text.split_whitespace().count();
        let turns = match d.turns.len() {
            0 => String::new(),
            n => {
                let mut speakers: Vec<&str> = d.turns.iter().map(|t| t.speaker.as_str()).collect();
                speakers.sort_unstable();
                speakers.dedup();
                format!(", {n} turns by {} speakers", speakers.len())
            }
        };
        writeln!(
            out,
            "Imported document {id} {:?} ({}): {words} words{turns}.",
            d.title,
            kind.as_str()
        )
        .map_err(out_err)?;
    }
    writeln!(out, "{} documents imported.", ids.len()).map_err(out_err)
}
