//! `leernet privacy export|erase|pseudonymise` and `leernet retention set|apply`: the privacy
//! tools at the command line (what each one does is in `docs/privacy.md`).
//!
//! Why here: these are the operator's and the researcher's tools for a respondent's request
//! ("what do you hold about me?", "erase me") and for the consent's retention period. The
//! store does the work in one transaction with its audit entry; this module reads arguments,
//! decides per wave what the consent allows (the instrument's `consent_erase` setting), and
//! writes files whole (a temporary file renamed into place, readable by the owner only).
//!
//! Exit codes: an unknown person or wave, a bad date or a missing `--yes` is a usage error
//! (2) and changes nothing; a wave that is still open cannot be pseudonymised (1).

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_core::Clock;
use leernet_store::privacy::{self, ErasePlan, KeyEntry};
use leernet_store::{Actor, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// The instrument setting that says what an erase does to a wave's submitted responses.
pub const CONSENT_ERASE_SETTING: &str = "consent_erase";

/// Arguments of `leernet privacy export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The person's e-mail address (any case).
    #[arg(long)]
    pub person: String,
    /// Write the JSON to this file instead of standard output.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// A pseudonymisation key file (repeatable): also find the person's pseudonymised
    /// responses, and their code in others' answers.
    #[arg(long = "key")]
    pub keys: Vec<std::path::PathBuf>,
    /// Every study of the installation, not only the one the command is for: one JSON with
    /// the installation's account and roles and each study's export (each study records
    /// the export in its audit log).
    #[arg(long)]
    pub all_studies: bool,
}

/// Arguments of `leernet privacy erase`.
#[derive(Debug, clap::Args)]
pub struct EraseArgs {
    /// The person's e-mail address (any case).
    #[arg(long)]
    pub person: String,
    /// Erase: without it, leernet only says what an erase would do.
    #[arg(long)]
    pub yes: bool,
    /// A pseudonymisation key file (repeatable): also find the person's pseudonymised
    /// responses, and their code in others' answers.
    #[arg(long = "key")]
    pub keys: Vec<std::path::PathBuf>,
    /// Every study of the installation (archived ones too), and then the installation's
    /// account: its roles, login sessions, API tokens, address, name and password. Each
    /// study records its erase in its own audit log, the installation the account's.
    #[arg(long)]
    pub all_studies: bool,
}

/// Arguments of `leernet privacy pseudonymise`.
#[derive(Debug, clap::Args)]
pub struct PseudonymiseArgs {
    /// The (closed) wave, by name.
    #[arg(long)]
    pub wave: String,
    /// The key file: made when it does not exist; when it does, its key is used (so a
    /// person keeps their code across waves) and the wave's codes are added to it.
    #[arg(long = "key-out")]
    pub key_out: std::path::PathBuf,
}

/// Arguments of `leernet retention set`.
#[derive(Debug, clap::Args)]
pub struct RetentionSetArgs {
    /// The wave, by name.
    #[arg(long)]
    pub wave: String,
    /// The last day its personal data is kept (YYYY-MM-DD).
    #[arg(long)]
    pub until: String,
}

/// Arguments of `leernet retention apply`.
#[derive(Debug, clap::Args)]
pub struct RetentionApplyArgs {
    /// The day to apply retention for (YYYY-MM-DD; default: today, in UTC).
    #[arg(long)]
    pub today: Option<String>,
}

/// Who is at the command line, for the audit log.
pub fn cli_actor() -> Actor {
    let user = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned());
    Actor::Cli(user)
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// A store error: unknown person or wave and database trouble are exit 2, a state that
/// forbids the change (a wave still open) exit 1.
fn store_err(e: StoreError) -> CliError {
    match e {
        StoreError::Conflict(msg) => CliError::invalid(anyhow!("{msg}")),
        e @ StoreError::ReadOnly => CliError::invalid(e),
        StoreError::NotFound(msg) => CliError::usage(anyhow!("{msg}; nothing was changed")),
        other => CliError::usage(other),
    }
}

/// Writes a file whole or not at all, readable by its owner only (it holds personal data or
/// a key).
pub fn write_private(path: &Path, bytes: &[u8]) -> CliResult {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    let write = || -> std::io::Result<()> {
        let _ = std::fs::remove_file(&tmp);
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        CliError::usage(anyhow!("cannot write {}: {e}", path.display()))
    })
}

/// Checks that a file can be written there before anything changes in the store.
fn check_writable(path: &Path) -> CliResult {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent {
        if !dir.is_dir() {
            return Err(CliError::usage(anyhow!(
                "cannot write {}: the folder {} does not exist; nothing was changed",
                path.display(),
                dir.display()
            )));
        }
    }
    if path.is_dir() {
        return Err(CliError::usage(anyhow!(
            "cannot write {}: it is a folder; nothing was changed",
            path.display()
        )));
    }
    Ok(())
}

/// The person's code under each key file given.
fn codes_of(person: &str, keys: &[std::path::PathBuf]) -> CliResult<Vec<String>> {
    let mut codes = Vec::new();
    for path in keys {
        let k = read_key(path)?.ok_or_else(|| {
            CliError::usage(anyhow!(
                "there is no key file {}; nothing was changed",
                path.display()
            ))
        })?;
        let key = hex::decode(&k.key).map_err(|e| CliError::usage(anyhow!("{e}")))?;
        codes.push(privacy::pseudonym_code(&key, person));
    }
    Ok(codes)
}

/// The person a request is about, with their code under each key file given.
async fn subject(
    store: &Store,
    person: &str,
    keys: &[std::path::PathBuf],
) -> CliResult<privacy::Subject> {
    let codes = codes_of(person, keys)?;
    store
        .privacy_subject_with(person, &codes)
        .await
        .map_err(store_err)
}

/// The person in one study of the installation, or `None` when that study holds nothing
/// about them (no account there, no response under a key's code).
async fn subject_in(
    store: &Store,
    person: &str,
    keys: &[std::path::PathBuf],
) -> CliResult<Option<privacy::Subject>> {
    let codes = codes_of(person, keys)?;
    match store.privacy_subject_with(person, &codes).await {
        Ok(s) => Ok(Some(s)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(store_err(e)),
    }
}

/// `leernet privacy export`.
pub async fn export(
    project: &Path,
    args: &ExportArgs,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> CliResult {
    if let Some(p) = &args.out {
        check_writable(p)?;
    }
    if args.all_studies {
        return export_all(project, args, clock, out).await;
    }
    let store = Settings::load(project)?.store_writable().await?;
    let result = export_one(&store, args, clock).await;
    store.close().await;
    let export = result?;
    let mut text = serde_json::to_string_pretty(&export.to_json())
        .map_err(|e| CliError::usage(anyhow!("cannot write the export as JSON: {e}")))?;
    text.push('\n');
    match &args.out {
        Some(path) => {
            write_private(path, text.as_bytes())?;
            writeln!(
                out,
                "Wrote what leernet holds about {} ({} areas) to {}; the export is in the audit log.",
                export.subject.audit_subject(),
                export.areas.len(),
                path.display()
            )
            .map_err(out_err)
        }
        None => out.write_all(text.as_bytes()).map_err(out_err),
    }
}

/// What one study holds about the person (recorded in its audit log).
async fn export_one(
    store: &Store,
    args: &ExportArgs,
    clock: &dyn Clock,
) -> CliResult<privacy::PersonExport> {
    let s = subject(store, &args.person, &args.keys).await?;
    store
        .export_person(&s, &cli_actor(), clock.unix_seconds())
        .await
        .map_err(store_err)
}

/// `leernet privacy export --all-studies`: the installation's account and roles, and every
/// study's export (archived studies too: their data is still held), as one JSON.
async fn export_all(
    project: &Path,
    args: &ExportArgs,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let gathered = async {
        let account = inst
            .account_by_email(args.person.trim())
            .await
            .map_err(store_err)?;
        let studies = inst.studies().await.map_err(store_err)?;
        let roles = match &account {
            Some(a) => inst.roles_of(a.id).await.map_err(store_err)?,
            None => Vec::new(),
        };
        let slug_of = |id| {
            studies
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.slug.as_str().to_owned())
                .unwrap_or_default()
        };
        let installation = serde_json::json!({
            "account": account.as_ref().map(|a| serde_json::json!({
                "email": a.email.as_str(),
                "name": a.name,
                "language": a.lang.code(),
                "may_log_in": a.password_hash.is_some(),
            })),
            "roles": roles.iter().map(|r| serde_json::json!({
                "study": slug_of(r.study),
                "role": r.role.as_str(),
                "networks": r.networks.iter().map(|n| n.0).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        // A study that holds nothing about the person is left out (it records nothing).
        let mut per_study = serde_json::Map::new();
        for study in &studies {
            let store = inst.open_study_writable(study).await.map_err(store_err)?;
            let export = async {
                match subject_in(&store, &args.person, &args.keys).await? {
                    Some(s) => store
                        .export_person(&s, &cli_actor(), clock.unix_seconds())
                        .await
                        .map(Some)
                        .map_err(store_err),
                    None => Ok(None),
                }
            }
            .await;
            store.close().await;
            if let Some(export) = export? {
                per_study.insert(study.slug.as_str().to_owned(), export.to_json());
            }
        }
        if account.is_none() && per_study.is_empty() {
            return Err(CliError::usage(anyhow!(
                "no study of the installation and no account holds anything about {}; nothing was written",
                args.person.trim()
            )));
        }
        Ok::<_, CliError>(serde_json::json!({
            "installation": installation,
            "studies": per_study,
        }))
    }
    .await;
    inst.close().await;
    let whole = gathered?;
    let mut text = serde_json::to_string_pretty(&whole)
        .map_err(|e| CliError::usage(anyhow!("cannot write the export as JSON: {e}")))?;
    text.push('\n');
    match &args.out {
        Some(path) => {
            write_private(path, text.as_bytes())?;
            writeln!(
                out,
                "Wrote what leernet holds about {} in {} studies and the installation to {}; each study's export is in its audit log.",
                args.person.trim(),
                whole["studies"].as_object().map(|m| m.len()).unwrap_or(0),
                path.display()
            )
            .map_err(out_err)
        }
        None => out.write_all(text.as_bytes()).map_err(out_err),
    }
}

/// The waves whose instrument's consent allows keeping submitted responses anonymised when
/// their respondent is erased (`consent_erase` = `keep_anonymised` in the settings sheet).
async fn waves_that_keep(store: &Store) -> CliResult<BTreeSet<leernet_core::WaveId>> {
    let mut keeps = BTreeMap::new();
    for inst in store.instruments().await.map_err(store_err)? {
        let keep = leernet_xlsform::Form::from_workbook(&inst.workbook, &inst.file_name)
            .ok()
            .and_then(|f| f.setting(CONSENT_ERASE_SETTING).map(str::to_owned))
            .is_some_and(|v| {
                matches!(
                    v.trim().to_ascii_lowercase().replace('-', "_").as_str(),
                    "keep_anonymised" | "keep_anonymized"
                )
            });
        keeps.insert(inst.id, keep);
    }
    Ok(store
        .waves()
        .await
        .map_err(store_err)?
        .into_iter()
        .filter(|w| keeps.get(&w.instrument).copied().unwrap_or(false))
        .map(|w| w.id)
        .collect())
}

/// `leernet privacy erase`.
pub async fn erase(
    project: &Path,
    args: &EraseArgs,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> CliResult {
    if args.all_studies {
        return erase_all(project, args, clock, out).await;
    }
    let store = Settings::load(project)?.store_writable().await?;
    let result = async {
        let subject = subject(&store, &args.person, &args.keys).await?;
        let report = erase_in(&store, subject, args, clock).await?;
        write_erase_report(&report, args.yes, "", out)
    }
    .await;
    store.close().await;
    result?;
    erase_done(args, out)
}

/// Erases `subject` in one study (or says what an erase would do, without `--yes`).
async fn erase_in(
    store: &Store,
    subject: privacy::Subject,
    args: &EraseArgs,
    clock: &dyn Clock,
) -> CliResult<privacy::EraseReport> {
    let plan = ErasePlan {
        subject,
        keep_anonymised: waves_that_keep(store).await?,
    };
    store
        .erase_person(&plan, &cli_actor(), clock.unix_seconds(), !args.yes)
        .await
        .map_err(store_err)
}

/// The last line of an erase: done, or nothing done without `--yes`.
fn erase_done(args: &EraseArgs, out: &mut dyn Write) -> CliResult {
    if args.yes {
        writeln!(out, "The erase is in the audit log.").map_err(out_err)
    } else {
        Err(CliError::usage(anyhow!(
            "nothing was erased: run again with --yes to erase {} as listed above",
            args.person.trim()
        )))
    }
}

/// `leernet privacy erase --all-studies`: every study that holds something about the
/// person (archived ones too: their data is still held), then the installation's account.
///
/// A study's erase is one transaction in its own database; the studies and the
/// installation cannot share one. If one fails, the studies before it stay erased and the
/// command says so: run it again, and the studies already done hold nothing more about the
/// person, so it goes on where it stopped. The account is erased last, so a run that
/// stopped halfway still finds the person by their address.
async fn erase_all(
    project: &Path,
    args: &EraseArgs,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let inst = settings.installation().await?;
    let result = async {
        let account = inst
            .account_by_email(args.person.trim())
            .await
            .map_err(store_err)?;
        let mut found = account.is_some();
        let mut erased: Vec<String> = Vec::new();
        for study in inst.studies().await.map_err(store_err)? {
            let slug = study.slug.as_str().to_owned();
            let store = inst.open_study_writable(&study).await.map_err(store_err)?;
            let report = async {
                match subject_in(&store, &args.person, &args.keys).await? {
                    Some(s) => erase_in(&store, s, args, clock).await.map(Some),
                    None => Ok(None),
                }
            }
            .await;
            store.close().await;
            let report = report.map_err(|e| {
                if erased.is_empty() {
                    e
                } else {
                    CliError::usage(anyhow!(
                        "{e}; the studies {} were erased already: run the command again to go on",
                        erased.join(", ")
                    ))
                }
            })?;
            match report {
                Some(r) => {
                    found = true;
                    write_erase_report(&r, args.yes, &format!("In study {slug}: "), out)?;
                    erased.push(slug);
                }
                None => writeln!(out, "In study {slug}: nothing about them.").map_err(out_err)?,
            }
        }
        if let Some(a) = account {
            let done = inst
                .erase_account(a.id, &cli_actor(), clock.unix_seconds(), !args.yes)
                .await
                .map_err(store_err)?;
            let verb = if args.yes { "Erased" } else { "Would erase" };
            writeln!(
                out,
                "In the installation: {verb} account {}: {} roles in studies, {} login sessions, {} API tokens and {} failed logins removed; {}.",
                a.id.0,
                done.roles,
                done.sessions,
                done.tokens,
                done.failed_logins,
                if done.emptied {
                    "address, name and password emptied"
                } else {
                    "its address, name and password were emptied before"
                }
            )
            .map_err(out_err)?;
        }
        if !found {
            return Err(CliError::usage(anyhow!(
                "no study of the installation and no account holds anything about {}; nothing was changed",
                args.person.trim()
            )));
        }
        Ok(())
    }
    .await;
    inst.close().await;
    result?;
    erase_done(args, out)
}

/// What an erase did (or would do) in one study, area by area.
fn write_erase_report(
    report: &privacy::EraseReport,
    done: bool,
    prefix: &str,
    out: &mut dyn Write,
) -> CliResult {
    let n = |a: &str, w: &str| report.count(a, w);
    let verb = if done { "Erased" } else { "Would erase" };
    let lines = [
        format!("{prefix}{verb} {}:", report.subject),
        format!(
            "- responses: {} removed with their codings; {} submitted kept without any link to them (their wave's consent allows it);",
            n("responses", "removed"),
            n("responses", "kept_anonymised")
        ),
        format!(
            "- invitations: {} removed (their links stop working);",
            n("responses", "invitations_removed")
        ),
        format!(
            "- mentions of their name or address: replaced by {} in {} answers of others (and in coding memos);",
            privacy::REMOVED,
            n("mentions", "answers_changed")
        ),
        format!(
            "- documents: their name replaced by a marker of the same length in {} texts (codings keep covering the same words); {} speaker labels of theirs replaced;",
            n("documents", "texts_changed"),
            n("documents", "speaker_labels_replaced")
        ),
        format!(
            "- cases of imported projects (REFI-QDA): {} naming them removed with their values; their name replaced by {} in {} descriptions and values;",
            n("qda_cases", "cases_removed"),
            privacy::REMOVED,
            n("qda_cases", "texts_changed")
        ),
        format!(
            "- codings they made: {} kept, now of an erased coder;",
            n("codings", "kept_unlinked")
        ),
        format!(
            "- coding work (decisions, verdicts): {} kept, now of an erased coder; their name replaced in {} decision texts;",
            n("coding_work", "kept_unlinked"),
            n("coding_work", "decisions_changed")
        ),
        format!(
            "- workspace: {} texts they wrote blanked; {} votes and {} attendances kept without their name (the network's counts stay); their name replaced in {} texts of others;",
            n("workspace", "slow_questions_blanked")
                + n("workspace", "topics_blanked")
                + n("workspace", "stories_blanked"),
            n("workspace", "votes_unlinked"),
            n("workspace", "attendance_unlinked"),
            n("workspace", "texts_changed")
        ),
        format!(
            "- login sessions: {} ended; failed logins: {} forgotten;",
            n("sessions", "removed"),
            n("sessions", "failed_logins_removed")
        ),
        format!(
            "- account: name, address, password and role removed; {} network links removed.",
            n("account", "network_links_removed")
        ),
    ];
    for l in &lines {
        writeln!(out, "{l}").map_err(out_err)?;
    }
    let known: BTreeSet<&str> = [
        "responses",
        "mentions",
        "documents",
        "qda_cases",
        "codings",
        "coding_work",
        "workspace",
        "sessions",
        "account",
    ]
    .into_iter()
    .collect();
    for (area, what, count) in &report.counts {
        if !known.contains(area.as_str()) {
            writeln!(out, "- {area}: {what} {count}").map_err(out_err)?;
        }
    }
    Ok(())
}

/// The key file: the key of the codes and who each code stands for.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct KeyFile {
    about: String,
    /// 32 bytes, hexadecimal.
    key: String,
    codes: Vec<KeyEntry>,
}

const KEY_ABOUT: &str = "leernet pseudonymisation key. Whoever holds this file can turn the codes \
back into people: keep it with the researcher, apart from the data, and never share it.";

fn read_key(path: &Path) -> CliResult<Option<KeyFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::usage(anyhow!(
                "cannot read the key file {}: {e}",
                path.display()
            )))
        }
    };
    let k: KeyFile = serde_json::from_str(&text).map_err(|e| {
        CliError::usage(anyhow!(
            "{} is not a leernet key file ({e}); give another --key-out, or move it away",
            path.display()
        ))
    })?;
    match hex::decode(&k.key) {
        Ok(b) if b.len() == 32 => Ok(Some(k)),
        _ => Err(CliError::usage(anyhow!(
            "the key in {} is damaged (it must be 64 hexadecimal characters)",
            path.display()
        ))),
    }
}

fn write_key(path: &Path, k: &KeyFile) -> CliResult {
    let mut text = serde_json::to_string_pretty(k)
        .map_err(|e| CliError::usage(anyhow!("cannot write the key file: {e}")))?;
    text.push('\n');
    write_private(path, text.as_bytes())
}

fn merge(into: &mut Vec<KeyEntry>, new: &[KeyEntry]) {
    let mut all: BTreeMap<String, KeyEntry> = into.drain(..).map(|e| (e.code.clone(), e)).collect();
    for e in new {
        all.entry(e.code.clone()).or_insert_with(|| e.clone());
    }
    *into = all.into_values().collect();
}

/// `leernet privacy pseudonymise`.
pub async fn pseudonymise(
    project: &Path,
    args: &PseudonymiseArgs,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> CliResult {
    check_writable(&args.key_out)?;
    let existing = read_key(&args.key_out)?;
    let store = Settings::load(project)?.store_writable().await?;
    let result = pseudonymise_in(&store, args, existing, clock, out).await;
    store.close().await;
    result
}

async fn pseudonymise_in(
    store: &Store,
    args: &PseudonymiseArgs,
    existing: Option<KeyFile>,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> CliResult {
    let wave = store.wave_by_name(&args.wave).await.map_err(store_err)?;
    let mut file = match existing {
        Some(k) => k,
        None => {
            let mut b = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
            KeyFile {
                about: KEY_ABOUT.to_owned(),
                key: hex::encode(b),
                codes: Vec::new(),
            }
        }
    };
    let key = hex::decode(&file.key).map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let actor = cli_actor();
    // First a dry run, so that the key file holds every code before the store changes.
    let plan = store
        .pseudonymise_wave(wave.id, &key, &actor, clock.unix_seconds(), true)
        .await
        .map_err(store_err)?;
    merge(&mut file.codes, &plan.key);
    write_key(&args.key_out, &file)?;
    let done = store
        .pseudonymise_wave(wave.id, &key, &actor, clock.unix_seconds(), false)
        .await
        .map_err(store_err)?;
    if done.key.iter().any(|e| !file.codes.contains(e)) {
        merge(&mut file.codes, &done.key);
        write_key(&args.key_out, &file)?;
    }
    writeln!(
        out,
        "Pseudonymised wave {:?}: {} responses got a code, {} invitations lost their address, {} answers had people replaced by codes; {} codes are in {} (keep it apart from the data).",
        wave.name,
        done.responses,
        done.invitations,
        done.answers,
        done.key.len(),
        args.key_out.display()
    )
    .map_err(out_err)
}

/// `leernet retention set`.
pub async fn retention_set(
    project: &Path,
    args: &RetentionSetArgs,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> CliResult {
    let until = privacy::parse_iso_date(args.until.trim()).ok_or_else(|| {
        CliError::usage(anyhow!(
            "{:?} is not a date: give --until as YYYY-MM-DD, such as 2027-06-30",
            args.until
        ))
    })?;
    let store = Settings::load(project)?.store_writable().await?;
    let result = async {
        let wave = store.wave_by_name(&args.wave).await.map_err(store_err)?;
        store
            .set_retention(wave.id, &until, &cli_actor(), clock.unix_seconds())
            .await
            .map_err(store_err)?;
        writeln!(
            out,
            "Wave {:?} keeps its personal data until {until}; `leernet retention apply` removes it from the day after.",
            wave.name
        )
        .map_err(out_err)
    }
    .await;
    store.close().await;
    result
}

/// `leernet retention apply`: meant to run daily from cron; a second run changes nothing.
pub async fn retention_apply(
    project: &Path,
    args: &RetentionApplyArgs,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> CliResult {
    let today = match &args.today {
        Some(t) => privacy::parse_iso_date(t.trim()).ok_or_else(|| {
            CliError::usage(anyhow!(
                "{t:?} is not a date: give --today as YYYY-MM-DD, or leave it out for today"
            ))
        })?,
        None => privacy::iso_date(clock.unix_seconds()),
    };
    let store = Settings::load(project)?.store_writable().await?;
    let result = async {
        let waves = store.waves().await.map_err(store_err)?;
        let done = store
            .apply_retention(&today, &cli_actor(), clock.unix_seconds())
            .await
            .map_err(store_err)?;
        if done.is_empty() {
            return writeln!(out, "No wave's retention date has passed on {today}.").map_err(out_err);
        }
        for d in &done {
            let name = waves
                .iter()
                .find(|w| w.id == d.wave)
                .map(|w| w.name.clone())
                .unwrap_or_default();
            if d.invitations + d.answers + d.pseudonyms == 0 {
                writeln!(out, "Wave {name:?} (kept until {}): nothing left to remove.", d.keep_until)
            } else {
                writeln!(
                    out,
                    "Wave {name:?} (kept until {}): removed {} invitation addresses, {} pseudonym codes, and mentions of people in {} answers.",
                    d.keep_until, d.invitations, d.pseudonyms, d.answers
                )
            }
            .map_err(out_err)?;
        }
        Ok(())
    }
    .await;
    store.close().await;
    result
}
