//! `leernet import document FILE|FOLDER [--network SLUG] [--kind KIND] [--date DATE]`:
//! interviews, focus groups, session reports and policy documents as sources of coding
//! (issue 20). `leernet-app`'s `documents` reads and stores them, as the web's upload does;
//! this module reads a folder's files in name order, bounds each file's size before reading
//! it, and stores them all in one transaction: one bad file is one clear message and nothing
//! is stored.
//!
//! `leernet document speaker DOC_ID [--speaker NAME [--role ROLE] [--person EMAIL]]`: the
//! speakers of a document with their turns, roles and people, or one speaker's role set (or
//! cleared with `none`), as the document page in the browser does; retrieval's filter by
//! speaker role reads it. `--person` links the speaker to an account or an invitee of the
//! study (`none` unlinks): their privacy export and erase then cover the turns they spoke.

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_app::documents;
use leernet_core::{DocumentId, DocumentKind, PersonId, Slug};
use leernet_store::retrieval::{SpeakerPerson, SpeakerRole};
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
#[command(group(clap::ArgGroup::new("change").args(["role", "person"]).multiple(true)))]
pub struct SpeakerArgs {
    /// The document's number (as `leernet import document` printed it).
    pub document: u32,
    /// The speaker, as the transcript names them; with --role or --person.
    #[arg(long, requires = "change")]
    pub speaker: Option<String>,
    /// The role they speak in; `none` clears it. With --speaker.
    #[arg(long, value_enum, requires = "speaker")]
    pub role: Option<SpeakerRoleArg>,
    /// The person they are: the e-mail address of an account of the study or of someone
    /// invited; `none` unlinks them. Their privacy export holds the turns they spoke, their
    /// erase masks them. With --speaker.
    #[arg(long, requires = "speaker")]
    pub person: Option<String>,
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
    if let Some(name) = &args.speaker {
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
        // The person first: an address nobody has changes nothing, the role included.
        let person = match args.person.as_deref().map(str::trim) {
            None => None,
            Some("none") => Some(None),
            Some(email) => Some(Some(speaker_person(&store, email).await?)),
        };
        if let Some(role) = args.role {
            store
                .set_speaker_role(id, name, role.role())
                .await
                .map_err(|e| CliError::usage(anyhow!("{e}")))?;
            write_role(out, name, role, args.document, &doc.info.title)?;
        }
        if let Some(person) = person {
            store
                .set_speaker_person(id, name, person.as_ref().map(|(p, _)| p.clone()))
                .await
                .map_err(|e| CliError::usage(anyhow!("{e}")))?;
            match person {
                Some((_, who)) => writeln!(
                    out,
                    "{name:?} is {who} in document {} {:?}.",
                    args.document, doc.info.title
                ),
                None => writeln!(
                    out,
                    "{name:?} is linked to nobody in document {} {:?} any more.",
                    args.document, doc.info.title
                ),
            }
            .map_err(out_err)?;
        }
        store.close().await;
        return Ok(());
    }
    let roles = store
        .speaker_roles()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let people = store
        .speaker_people()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let names: std::collections::BTreeMap<PersonId, String> = store
        .persons()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    store.close().await;
    writeln!(out, "Document {} {:?}:", args.document, doc.info.title).map_err(out_err)?;
    if speakers.is_empty() {
        return writeln!(out, "no speaker turns.").map_err(out_err);
    }
    for (s, n) in speakers {
        let key = (id, s.to_owned());
        let role = roles.get(&key).map_or("no known role", |r| r.as_str());
        let turns = if n == 1 { "turn" } else { "turns" };
        let who = match people.get(&key) {
            None => String::new(),
            Some(SpeakerPerson::Account(p)) => {
                format!(", {}", names.get(p).map_or("an account", String::as_str))
            }
            Some(SpeakerPerson::Invitee(e)) => format!(", the person invited as {e}"),
        };
        writeln!(out, "{s:?}: {n} {turns}, {role}{who}").map_err(out_err)?;
    }
    Ok(())
}

/// The person of the study with this address: an account (by name), or someone invited by
/// it; refused (exit 1) when nobody has it.
async fn speaker_person(
    store: &leernet_store::Store,
    email: &str,
) -> Result<(SpeakerPerson, String), CliError> {
    let nobody = || {
        CliError::invalid(anyhow!(
            "nobody with address {email:?} has an account or an invitation in this study; nothing was changed"
        ))
    };
    if email.chars().count() > 320 {
        return Err(nobody());
    }
    let subject = match store.privacy_subject(email).await {
        Ok(s) => s,
        Err(leernet_store::StoreError::NotFound(_)) => return Err(nobody()),
        Err(e) => return Err(CliError::usage(anyhow!("{e}"))),
    };
    Ok(match subject.id {
        Some(p) => (SpeakerPerson::Account(p), subject.name),
        None => {
            let e = subject.email.to_lowercase();
            let who = format!("the person invited as {e}");
            (SpeakerPerson::Invitee(e), who)
        }
    })
}

/// Says which role a speaker speaks in now.
fn write_role(
    out: &mut dyn Write,
    name: &str,
    role: SpeakerRoleArg,
    document: u32,
    title: &str,
) -> CliResult {
    match role.role() {
        Some(r) => writeln!(
            out,
            "{name:?} speaks as {} in document {document} {title:?}.",
            r.as_str(),
        ),
        None => writeln!(
            out,
            "{name:?} has no known role in document {document} {title:?} any more."
        ),
    }
    .map_err(out_err)
}
