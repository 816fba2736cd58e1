//! `leernet import document FILE|FOLDER [--network SLUG] [--kind KIND] [--date DATE]`:
//! interviews, focus groups, session reports and policy documents as sources of coding
//! (issue 20). `leernet-app`'s `documents` reads and stores them, as the web's upload does;
//! this module reads a folder's files in name order, bounds each file's size before reading
//! it, and stores them all in one transaction: one bad file is one clear message and nothing
//! is stored.
//!
//! `leernet document speaker DOC_ID [--speaker NAME --role ROLE]`: the speakers of a
//! document with their turns and roles, or one speaker's role set (or cleared with `none`),
//! as the document page in the browser does; retrieval's filter by speaker role reads it.

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_app::documents;
use leernet_core::{DocumentId, DocumentKind, Slug};
use leernet_store::retrieval::SpeakerRole;
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

/// `--role` of `leernet document speaker`: the role a speaker speaks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SpeakerRoleArg {
    Interviewer,
    Facilitator,
    Member,
    Researcher,
    Coordinator,
    Other,
    /// No known role (clears it).
    None,
}

impl SpeakerRoleArg {
    fn role(self) -> Option<SpeakerRole> {
        match self {
            SpeakerRoleArg::Interviewer => Some(SpeakerRole::Interviewer),
            SpeakerRoleArg::Facilitator => Some(SpeakerRole::Facilitator),
            SpeakerRoleArg::Member => Some(SpeakerRole::Member),
            SpeakerRoleArg::Researcher => Some(SpeakerRole::Researcher),
            SpeakerRoleArg::Coordinator => Some(SpeakerRole::Coordinator),
            SpeakerRoleArg::Other => Some(SpeakerRole::Other),
            SpeakerRoleArg::None => None,
        }
    }
}

/// The arguments of `leernet document speaker`.
#[derive(Debug, clap::Args)]
pub struct SpeakerArgs {
    /// The document's number (as `leernet import document` printed it).
    pub document: u32,
    /// The speaker, as the transcript names them; with --role.
    #[arg(long, requires = "role")]
    pub speaker: Option<String>,
    /// The role they speak in; `none` clears it. With --speaker.
    #[arg(long, value_enum, requires = "speaker")]
    pub role: Option<SpeakerRoleArg>,
}

/// `leernet document speaker`: lists the document's speakers with their turns and roles, or
/// sets one speaker's role and says so. An unknown document or speaker is refused (exit 1)
/// with the document's speakers named, and nothing changes.
pub async fn speaker(settings: &Settings, args: &SpeakerArgs, out: &mut dyn Write) -> CliResult {
    let store = settings.store().await?;
    let id = DocumentId(i64::from(args.document));
    let doc = store
        .document(id)
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?
        .ok_or_else(|| {
            CliError::invalid(anyhow!(
                "there is no document {} in this study",
                args.document
            ))
        })?;
    // the speakers in the order they first speak, with their number of turns
    let mut speakers: Vec<(&str, usize)> = Vec::new();
    for t in &doc.turns {
        match speakers.iter_mut().find(|(s, _)| *s == t.speaker) {
            Some((_, n)) => *n += 1,
            None => speakers.push((t.speaker.as_str(), 1)),
        }
    }
    if let (Some(name), Some(role)) = (&args.speaker, args.role) {
        if !speakers.iter().any(|(s, _)| s == name) {
            let known = if speakers.is_empty() {
                "it has no speaker turns".to_owned()
            } else {
                format!(
                    "its speakers are {}",
                    speakers
                        .iter()
                        .map(|(s, _)| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(CliError::invalid(anyhow!(
                "{name:?} does not speak in document {} {:?} ({known}); nothing was changed",
                args.document,
                doc.info.title
            )));
        }
        store
            .set_speaker_role(id, name, role.role())
            .await
            .map_err(|e| CliError::usage(anyhow!("{e}")))?;
        store.close().await;
        return match role.role() {
            Some(r) => writeln!(
                out,
                "{name:?} speaks as {} in document {} {:?}.",
                r.as_str(),
                args.document,
                doc.info.title
            ),
            None => writeln!(
                out,
                "{name:?} has no known role in document {} {:?} any more.",
                args.document, doc.info.title
            ),
        }
        .map_err(out_err);
    }
    let roles = store
        .speaker_roles()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    store.close().await;
    writeln!(out, "Document {} {:?}:", args.document, doc.info.title).map_err(out_err)?;
    if speakers.is_empty() {
        return writeln!(out, "no speaker turns.").map_err(out_err);
    }
    for (s, n) in speakers {
        let role = roles
            .get(&(id, s.to_owned()))
            .map_or("no known role", |r| r.as_str());
        let turns = if n == 1 { "turn" } else { "turns" };
        writeln!(out, "{s:?}: {n} {turns}, {role}").map_err(out_err)?;
    }
    Ok(())
}
