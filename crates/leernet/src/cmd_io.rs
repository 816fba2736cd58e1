//! `leernet import responses …` and `leernet export …`: CLI glue around `leernet-app`'s
//! import and export (the same use cases as the web app's `/admin/import` and
//! `/admin/export`).
//!
//! Import reads the file row by row (streamed), checks every row with the instrument's
//! answer model and inserts valid rows into one open transaction; when any row has an
//! error, or with `--dry-run`, the transaction is rolled back, so the import stores every
//! row or none. Every problem is printed to stderr as `FILE, row R, column "C": …`.
//! Exit codes: 0 stored (or would store), 1 problems in the data, 2 unreadable file or
//! usage error.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use leernet_app::export::{self, ExportError, ExportFormat};
use leernet_app::import;
use leernet_io::{Mapping, Problem, ProblemKind};

use crate::args::{ExportFormatArg, ImportFormatArg, LangArg};
use leernet_xlsform::Form;

use crate::cli_error::{CliError, CliResult};
use crate::settings::Settings;

/// Arguments of `leernet import responses`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The export: CSV (any separator, UTF-8 or Windows-1252) or XLSX.
    pub file: PathBuf,
    /// The instrument's form_id (its newest stored version is used).
    #[arg(long)]
    pub instrument: String,
    /// The tool that wrote the export (auto: tell it from the header).
    #[arg(long, value_enum, default_value = "auto", ignore_case = true)]
    pub format: ImportFormatArg,
    /// The wave to import into (made when new).
    #[arg(long, default_value = "import")]
    pub wave: String,
    /// The column naming each respondent's network (slug or name).
    #[arg(long)]
    pub network_column: Option<String>,
    /// The network of rows without a network column (slug); needed when the project
    /// has more than one network and no --network-column is given.
    #[arg(long)]
    pub network: Option<String>,
    /// A mapping file (TOML) from columns to questions.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The cell texts that mean "no value", comma-separated (at most 32): they replace
    /// the defaults NA,#N/A,NULL,. (add SPSS user-missing codes such as -99 here; "none"
    /// reads every cell as it is).
    #[arg(long, value_name = "LIST")]
    pub missing: Option<String>,
    /// Write the column mapping found to this file (to edit and pass to --mapping), and
    /// store nothing.
    #[arg(long)]
    pub write_mapping: Option<PathBuf>,
    /// Check everything and say what would be stored, but store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print a JSON summary (with every problem) on stdout.
    #[arg(long)]
    pub json: bool,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

fn located(file: &Path, p: &Problem) -> String {
    format!("{}, {p}", file.display())
}

async fn load_form(
    store: &leernet_store::Store,
    form_id: &str,
) -> CliResult<(leernet_core::InstrumentId, Form)> {
    let instruments = store
        .instruments()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let inst = instruments
        .iter()
        .rev()
        .find(|i| i.form_id == form_id)
        .ok_or_else(|| {
            let known: Vec<&str> = instruments.iter().map(|i| i.form_id.as_str()).collect();
            CliError::usage(anyhow!(
                "the project has no instrument {form_id:?} (it has: {}); store it with `leernet instrument add FILE`",
                known.join(", ")
            ))
        })?;
    let form = Form::from_workbook(&inst.workbook, &inst.file_name)
        .map_err(|e| CliError::usage(anyhow!("stored instrument {form_id:?}: {e}")))?;
    Ok((inst.id, form))
}

/// `leernet import responses FILE …`, in the phases of an import: read the mapping file,
/// open the export (header, columns, the checking thread), write the drafted mapping when
/// asked (and stop), find the networks, store (checked, all or nothing) and report.
pub async fn import_responses(
    project: &Path,
    args: &ImportArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let file = &args.file;
    let mapping = read_mapping(args.mapping.as_deref())?;
    let settings = Settings::load(project)?;
    let store = settings.store().await?;
    let (instrument, form) = load_form(&store, &args.instrument).await?;
    let opened = open_export(file, args, form, mapping).await?;
    if let Some(path) = &args.write_mapping {
        return write_mapping(file, path, opened, out);
    }
    let networks = store
        .networks()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let lookup = import::network_lookup(&networks);
    let format = opened.format;
    let default_network = default_network(args, format, &networks, &lookup)?;

    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} rows read {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let actor = crate::cmd_privacy::cli_actor();
    let target = import::Target {
        instrument,
        wave: &args.wave,
        networks: &lookup,
        default_network,
        network_column: args.network_column.as_deref().unwrap_or(
            if format == leernet_io::Format::Leernet {
                "network"
            } else {
                ""
            },
        ),
        empty_network: "the network cell is empty and no --network is given",
        commit: (!args.dry_run).then(|| (&actor, clock.unix_seconds())),
    };
    let outcome = opened.store(&store, &target, |n| bar.set_position(n)).await;
    bar.finish_and_clear();
    let o = match outcome {
        Ok(o) => o,
        Err(import::ImportError::Stopped) => {
            return Err(CliError::usage(anyhow!(
                "{}: reading stopped before the end of the file; nothing was imported",
                file.display()
            )));
        }
        Err(e) => return Err(CliError::usage(anyhow!("{e}"))),
    };
    store.close().await;
    report_import(args, format, &o, out)
}

/// Phase 1: the `--mapping` file, when given.
fn read_mapping(path: Option<&Path>) -> Result<Option<Mapping>, CliError> {
    let Some(m) = path else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(m)
        .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", m.display())))?;
    Mapping::from_toml(&text)
        .map(Some)
        .map_err(|e| CliError::usage(anyhow!("{}: {e}", m.display())))
}

/// Phase 2: opens the export — its header read and its columns mapped — with reading and
/// checking on a thread of their own (checking on every core) while this one stores: the
/// two overlap, and memory holds a few batches of rows. A file that cannot be mapped lists
/// its problems and imports nothing.
async fn open_export(
    file: &Path,
    args: &ImportArgs,
    form: leernet_xlsform::Form,
    mapping: Option<Mapping>,
) -> Result<import::Opened, CliError> {
    let reader = std::fs::File::open(file)
        .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", file.display())))?;
    let missing = match &args.missing {
        Some(list) => Some(
            leernet_io::missing::parse_list(list)
                .map_err(|e| CliError::usage(anyhow!("--missing: {e}")))?,
        ),
        None => None,
    };
    let source = import::Source {
        format: args.format.format(),
        mapping,
        network_column: args.network_column.clone(),
        missing,
    };
    match import::open(form, Box::new(reader), source).await {
        Ok(o) => Ok(o),
        Err(import::OpenError::Problems(problems)) => {
            for p in &problems {
                let tag = if p.is_error() { "error" } else { "warning" };
                eprintln!("{tag}: {}", located(file, p));
            }
            let unreadable = problems.iter().any(|p| {
                p.is_error() && matches!(p.kind, ProblemKind::Unreadable | ProblemKind::Empty)
            });
            let n = problems.iter().filter(|p| p.is_error()).count();
            let e = anyhow!(
                "{}: nothing was imported ({n} problem{} above)",
                file.display(),
                if n == 1 { "" } else { "s" }
            );
            Err(if unreadable {
                CliError::usage(e)
            } else {
                CliError::invalid(e)
            })
        }
        Err(import::OpenError::Stopped) => Err(CliError::usage(anyhow!(
            "{}: the reader stopped unexpectedly",
            file.display()
        ))),
    }
}

/// Phase 3 (`--write-mapping`): writes the drafted column mapping and stops; nothing is
/// stored.
fn write_mapping(
    file: &Path,
    path: &Path,
    opened: import::Opened,
    out: &mut dyn Write,
) -> CliResult {
    let format = opened.format;
    let mapping_toml = opened.mapping_toml.clone();
    let warnings = opened.warnings.clone();
    opened.close();
    crate::project::write_atomic(path, mapping_toml.as_bytes())?;
    for p in warnings {
        eprintln!("warning: {}", located(file, &p));
    }
    writeln!(
        out,
        "Wrote the column mapping of {} ({}) to {}; edit it and import with --mapping {}.",
        file.display(),
        format.display_name(),
        path.display(),
        path.display()
    )
    .map_err(out_err)
}

/// Phase 4: the network of rows without a network cell: `--network`, else the project's
/// only network; with neither, the file must name each row's network in a column.
fn default_network(
    args: &ImportArgs,
    format: leernet_io::Format,
    networks: &[leernet_core::Network],
    lookup: &std::collections::HashMap<String, leernet_core::NetworkId>,
) -> Result<Option<leernet_core::NetworkId>, CliError> {
    let default_network = match &args.network {
        Some(s) => Some(*lookup.get(&s.to_lowercase()).ok_or_else(|| {
            CliError::usage(anyhow!("--network {s:?}: the project has no such network"))
        })?),
        None if networks.len() == 1 => Some(networks[0].id),
        None => None,
    };
    // leernet's own export names each response's network in its `network` column
    if default_network.is_none()
        && args.network_column.is_none()
        && format != leernet_io::Format::Leernet
    {
        return Err(CliError::usage(anyhow!(
            "the project has {} networks: say which one the respondents belong to with --network SLUG, or name the file's network column with --network-column",
            networks.len()
        )));
    }
    Ok(default_network)
}

/// Phase 6: every problem on standard error, the summary (or `--json`) on standard output;
/// exit 1 when a row had an error (then nothing was stored).
fn report_import(
    args: &ImportArgs,
    format: leernet_io::Format,
    o: &import::Outcome,
    out: &mut dyn Write,
) -> CliResult {
    let file = &args.file;
    for p in &o.problems {
        let tag = if p.is_error() { "error" } else { "warning" };
        eprintln!("{tag}: {}", located(file, p));
    }
    let (errors, bad_rows, added, already, skipped) =
        (o.errors, o.bad_rows, o.added, o.already, o.skipped);
    if args.json {
        let summary = serde_json::json!({
            "file": file.display().to_string(),
            "format": format.as_str(),
            "wave": args.wave,
            "rows": o.rows,
            "skipped": skipped,
            "stored": if o.stored { added } else { 0 },
            "new": added,
            "already_stored": already,
            "dry_run": args.dry_run,
            "valid": errors == 0,
            "problems": o.problems,
        });
        writeln!(out, "{summary}").map_err(out_err)?;
    }
    if errors > 0 {
        return Err(CliError::invalid(anyhow!(
            "{}: nothing was imported: {errors} problem{} in {bad_rows} row{} (listed above)",
            file.display(),
            if errors == 1 { "" } else { "s" },
            if bad_rows == 1 { "" } else { "s" },
        )));
    }
    if !args.json {
        let wave_note = if o.wave_created { " (new wave)" } else { "" };
        let verb = if args.dry_run {
            "Would store"
        } else {
            "Stored"
        };
        writeln!(
            out,
            "{verb} {added} responses from {} ({}) in wave {:?}{wave_note} of {}; {already} already stored, {skipped} left out.",
            file.display(),
            format.display_name(),
            args.wave,
            args.instrument
        )
        .map_err(out_err)?;
        if args.dry_run {
            writeln!(out, "Dry run: nothing was stored.").map_err(out_err)?;
        }
    }
    Ok(())
}

/// Arguments of `leernet export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// csv (with FILE.codebook.csv), xlsx, sav, qdc or qdpx.
    #[arg(long, value_enum, ignore_case = true)]
    pub format: ExportFormatArg,
    /// The file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// The instrument's form_id (default: the only one, else required).
    #[arg(long)]
    pub instrument: Option<String>,
    /// Only this wave (default: every wave of the instrument).
    #[arg(long)]
    pub wave: Option<String>,
    /// Language of labels (default: the form's default language).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// CSV only: write every text as stored. By default a text cell that a spreadsheet
    /// would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
    /// single quote in front.
    #[arg(long)]
    pub raw: bool,
    /// csv, xlsx and sav: add the answers given through test links (as the wave
    /// "(test)"), which no export holds otherwise.
    #[arg(long)]
    pub include_test: bool,
    /// qdpx only: name the coders by their e-mail addresses. By default a coder is named by
    /// their display name, or "Codeur 1", "Codeur 2", … when they have none, and the
    /// project holds no address.
    #[arg(long)]
    pub coder_emails: bool,
}

/// `leernet export …`: the responses of one instrument, every wave or one.
pub async fn export(
    project: &Path,
    args: &ExportArgs,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let Some(kind) = args.format.responses() else {
        return Err(CliError::usage(anyhow!(
            "--format {:?} is a REFI-QDA format, not one of csv, xlsx, sav",
            args.format
        )));
    };
    let settings = Settings::load(project)?;
    let store = settings.store_writable().await?;
    let data = if args.include_test {
        store.study_data_with_tests().await
    } else {
        store.study_data().await
    }
    .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let which = export::Which::Instrument {
        form_id: args.instrument.as_deref(),
        wave: args.wave.as_deref(),
    };
    let lang = args.lang.map(|l| leernet_core::Lang::from(l).code());
    let ex = export::build(&data, which, None, lang, false).map_err(|e| {
        CliError::usage(match e {
            ExportError::WhichInstrument(ids) => anyhow!(
                "say which instrument to export with --instrument (the project has: {})",
                ids.join(", ")
            ),
            e => anyhow!("{e}"),
        })
    })?;
    let cells = if args.raw {
        leernet_io::csv_out::Cells::Raw
    } else {
        leernet_io::csv_out::Cells::Neutralised
    };
    let bytes = |f| {
        ex.bytes(f, cells)
            .map_err(|e| CliError::usage(anyhow!("{e}")))
    };
    let mut written = vec![args.out.clone()];
    crate::project::write_atomic(&args.out, &bytes(kind)?)?;
    if kind == ExportFormat::Csv {
        let book = codebook_path(&args.out);
        crate::project::write_atomic(&book, &bytes(ExportFormat::Codebook)?)?;
        written.push(book);
    }
    // Written: now the audit log says who took the data out (ids and counts only).
    export::record(
        &store,
        &ex,
        kind.as_str(),
        &crate::cmd_privacy::cli_actor(),
        clock.unix_seconds(),
    )
    .await
    .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    store.close().await;
    writeln!(
        out,
        "Exported {} responses of {} ({} variables) to {}.",
        ex.dataset.rows.len(),
        ex.form_id,
        ex.dataset.variables.len(),
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    )
    .map_err(out_err)
}

/// `data.csv` -> `data.codebook.csv`.
fn codebook_path(out: &Path) -> PathBuf {
    let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("export");
    out.with_file_name(format!("{stem}.codebook.csv"))
}
