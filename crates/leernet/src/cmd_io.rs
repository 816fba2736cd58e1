//! `leernet import responses …` and `leernet export …`: CLI glue around `leernet-io`.
//!
//! Import reads the file row by row (streamed), checks every row with the instrument's
//! answer model and inserts valid rows into one open transaction; when any row has an
//! error, or with `--dry-run`, the transaction is rolled back, so the import stores every
//! row or none. Every problem is printed to stderr as `FILE, row R, column "C": …`.
//! Exit codes: 0 stored (or would store), 1 problems in the data, 2 unreadable file or
//! usage error.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use leernet_app::export::{self, ExportError, ExportFormat};
use leernet_core::{Network, NetworkId};
use leernet_io::import::ImportedRow;
use leernet_io::{Format, ImportOptions, Importer, Mapping, Problem, ProblemKind};
use leernet_store::SerializedResponse;
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
    /// auto, kobo, odk, limesurvey, qualtrics, msforms or csv.
    #[arg(long, default_value = "auto")]
    pub format: String,
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

/// Finds a network by slug or name (case-insensitive).
fn network_lookup(networks: &[Network]) -> HashMap<String, NetworkId> {
    let mut m = HashMap::new();
    for n in networks {
        m.insert(n.slug.as_str().to_lowercase(), n.id);
        m.insert(n.name.to_lowercase(), n.id);
    }
    m
}

/// FNV-1a over bytes, continuing from `h`.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The hash behind a row's content key: FNV-1a of the JSON `[answers, network]` (as
/// `serde_json` writes the pair), computed from the answers' JSON already written.
fn content_hash(answers_json: &str, network: Option<&str>) -> u64 {
    let network = serde_json::to_string(&network).unwrap_or_default();
    let h = fnv(0xcbf2_9ce4_8422_2325, b"[");
    let h = fnv(h, answers_json.as_bytes());
    let h = fnv(h, b",");
    let h = fnv(h, network.as_bytes());
    fnv(h, b"]")
}

/// A stable respondent key for a row without an id column: its content, numbered when
/// the same content occurs more than once in the file.
fn content_key(hash: u64, seen: &mut HashMap<u64, u32>) -> String {
    let n = seen.entry(hash).or_insert(0);
    *n += 1;
    format!("row:{hash:016x}-{n}")
}

/// A row read and checked, with its answers already written as the JSON that is stored
/// (done on the checking threads, not on the storing one).
struct Checked {
    row: ImportedRow,
    answers_json: String,
    hash: u64,
}

/// Up to [`ROWS_PER_MESSAGE`] rows, unchecked, and the problem of a row that could not be
/// read (which ends the file).
fn read_block(
    rows: &mut leernet_io::import::RowReader,
) -> (Vec<leernet_io::table::Row>, Option<Problem>) {
    let mut block = Vec::with_capacity(ROWS_PER_MESSAGE);
    while block.len() < ROWS_PER_MESSAGE {
        match rows.next_raw() {
            Some(Ok(r)) => block.push(r),
            Some(Err(p)) => return (block, Some(p)),
            None => break,
        }
    }
    (block, None)
}

/// Checks one row and writes its answers as the stored JSON.
fn check_one(checker: &leernet_io::import::Checker<'_>, r: &leernet_io::table::Row) -> Checked {
    let (row, answers_json) = checker.check_json(r);
    // a content key only for a row without an id of its own
    let hash = match row.source_id {
        Some(_) => 0,
        None => content_hash(&answers_json, row.network.as_deref()),
    };
    Checked {
        row,
        answers_json,
        hash,
    }
}

/// Rows a checking thread takes at a time from a block.
const ROWS_PER_CHUNK: usize = 256;

/// Checks chunks of a block until none is left: the work of each checking thread, and of
/// the reading thread once it has read the next block. Each chunk comes back with its
/// number, to put the block together again in the file's order.
fn check_chunks(
    checker: &leernet_io::import::Checker<'_>,
    block: &[leernet_io::table::Row],
    next: &std::sync::atomic::AtomicUsize,
) -> Vec<(usize, Vec<Checked>)> {
    let mut out = Vec::new();
    loop {
        let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let start = c.saturating_mul(ROWS_PER_CHUNK);
        if start >= block.len() {
            return out;
        }
        let chunk = &block[start..block.len().min(start + ROWS_PER_CHUNK)];
        out.push((c, chunk.iter().map(|r| check_one(checker, r)).collect()));
    }
}

/// Rows read before they are checked, by as many threads as there are cores.
const ROWS_PER_MESSAGE: usize = 4096;

/// What the reading thread sends.
enum Msg {
    Opened {
        format: Format,
        mapping_toml: String,
        warnings: Vec<Problem>,
    },
    Failed(Vec<Problem>),
    Rows(Vec<Checked>),
    Done(Vec<Problem>),
}

/// `leernet import responses FILE …`.
pub async fn import_responses(project: &Path, args: &ImportArgs, out: &mut dyn Write) -> CliResult {
    let file = &args.file;
    let format = match args.format.as_str() {
        "auto" => None,
        f => Some(Format::parse(f).ok_or_else(|| {
            CliError::usage(anyhow!(
                "--format {f:?} is not one of auto, kobo, odk, limesurvey, qualtrics, msforms, csv"
            ))
        })?),
    };
    let mapping = match &args.mapping {
        Some(m) => {
            let text = std::fs::read_to_string(m)
                .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", m.display())))?;
            Some(
                Mapping::from_toml(&text)
                    .map_err(|e| CliError::usage(anyhow!("{}: {e}", m.display())))?,
            )
        }
        None => None,
    };
    let settings = Settings::load(project)?;
    let store = settings.store().await?;
    let (instrument, form) = load_form(&store, &args.instrument).await?;
    let reader = std::fs::File::open(file)
        .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", file.display())))?;
    let lang = form.default_language().unwrap_or("nl").to_owned();

    // Reading and checking run on a thread of their own, storing on this one: the two
    // overlap, and memory holds a few batches of rows, whatever the file's size.
    let (sender, received) = std::sync::mpsc::sync_channel::<Msg>(4);
    let reader_thread = {
        let form = form.clone();
        let network_column = args.network_column.clone();
        std::thread::spawn(move || {
            let opts = ImportOptions {
                format,
                mapping: mapping.as_ref(),
                network_column: network_column.as_deref(),
                lang: &lang,
            };
            let mut importer = match Importer::open(&form, Box::new(reader), &opts) {
                Ok(i) => i,
                Err(p) => {
                    let _ = sender.send(Msg::Failed(p));
                    return;
                }
            };
            let opened = Msg::Opened {
                format: importer.format(),
                mapping_toml: importer.plan().to_mapping_toml(),
                warnings: importer.file_problems(),
            };
            if sender.send(opened).is_err() {
                return;
            }
            // Blocks of rows: while the cores check one block, this thread reads the next;
            // each checked block is settled in the file's order and sent to the storing
            // thread, which stores the block before.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let (rows, _) = importer.split();
            let mut next = read_block(rows);
            while !next.0.is_empty() || next.1.is_some() {
                let (block, broken) = next;
                let (rows, checker) = importer.split();
                let next_chunk = std::sync::atomic::AtomicUsize::new(0);
                let (mut checked, following) = std::thread::scope(|s| {
                    let (block, next_chunk) = (&block, &next_chunk);
                    let helpers: Vec<_> = (0..threads)
                        .map(|_| s.spawn(move || check_chunks(checker, block, next_chunk)))
                        .collect();
                    // after an unreadable row nothing more is read
                    let following = if broken.is_none() {
                        read_block(rows)
                    } else {
                        (Vec::new(), None)
                    };
                    // then this thread checks too, until the block is done
                    let mut parts = check_chunks(checker, block, next_chunk);
                    for h in helpers {
                        parts.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
                    }
                    parts.sort_unstable_by_key(|(c, _)| *c);
                    let checked: Vec<Checked> = parts.into_iter().flat_map(|(_, c)| c).collect();
                    (checked, following)
                });
                if let Some(p) = broken {
                    checked.push(Checked {
                        row: Importer::unreadable(p),
                        answers_json: String::new(),
                        hash: 0,
                    });
                }
                for c in &mut checked {
                    importer.settle(&mut c.row);
                }
                if sender.send(Msg::Rows(checked)).is_err() {
                    return;
                }
                next = following;
            }
            let _ = sender.send(Msg::Done(importer.file_problems()));
        })
    };
    let (format, mapping_toml, warnings) = match received.recv() {
        Ok(Msg::Opened {
            format,
            mapping_toml,
            warnings,
        }) => (format, mapping_toml, warnings),
        Ok(Msg::Failed(problems)) => {
            let _ = reader_thread.join();
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
            return Err(if unreadable {
                CliError::usage(e)
            } else {
                CliError::invalid(e)
            });
        }
        _ => {
            let _ = reader_thread.join();
            return Err(CliError::usage(anyhow!(
                "{}: the reader stopped unexpectedly",
                file.display()
            )));
        }
    };
    if let Some(path) = &args.write_mapping {
        drop(received);
        let _ = reader_thread.join();
        crate::project::write_atomic(path, mapping_toml.as_bytes())?;
        for p in warnings {
            eprintln!("warning: {}", located(file, &p));
        }
        return writeln!(
            out,
            "Wrote the column mapping of {} ({}) to {}; edit it and import with --mapping {}.",
            file.display(),
            format.display_name(),
            path.display(),
            path.display()
        )
        .map_err(out_err);
    }

    let networks = store
        .networks()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let lookup = network_lookup(&networks);
    let default_network = match &args.network {
        Some(s) => Some(*lookup.get(&s.to_lowercase()).ok_or_else(|| {
            CliError::usage(anyhow!("--network {s:?}: the project has no such network"))
        })?),
        None if networks.len() == 1 => Some(networks[0].id),
        None => None,
    };
    if default_network.is_none() && args.network_column.is_none() {
        return Err(CliError::usage(anyhow!(
            "the project has {} networks: say which one the respondents belong to with --network SLUG, or name the file's network column with --network-column",
            networks.len()
        )));
    }

    let mut tx = store
        .begin_import(instrument, &args.wave)
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} rows read {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let prefix = format.as_str();
    let mut problems: Vec<Problem> = Vec::new();
    let mut batch: Vec<SerializedResponse> = Vec::with_capacity(2000);
    let mut content_keys = HashMap::new();
    let (mut rows, mut skipped, mut bad_rows) = (0u64, 0u64, 0u64);
    let mut file_problems = Vec::new();
    // the reading thread says Done last: without it, it stopped early (a panic), and
    // nothing may be stored
    let mut reader_done = false;
    let all_rows = received.iter().flat_map(|m| match m {
        Msg::Rows(r) => r,
        Msg::Done(p) => {
            file_problems = p;
            reader_done = true;
            Vec::new()
        }
        _ => Vec::new(),
    });
    let mut all_rows = all_rows;
    #[allow(clippy::while_let_on_iterator)] // the loop body awaits
    while let Some(Checked {
        mut row,
        answers_json,
        hash,
    }) = all_rows.next()
    {
        rows += 1;
        if rows % 10_000 == 0 {
            bar.set_position(rows);
        }
        let network = match &row.network {
            Some(v) => {
                match lookup.get(&v.to_lowercase()) {
                    Some(id) => Some(*id),
                    None => {
                        let col = args.network_column.as_deref().unwrap_or("");
                        row.problems.push(
                        Problem::error(
                            ProblemKind::UnknownNetwork,
                            format!("{v:?} is not a network of this project (give its slug or name)"),
                        )
                        .at_row(row.row)
                        .in_column(col)
                        .with_value(v),
                    );
                        None
                    }
                }
            }
            None => default_network,
        };
        if network.is_none() && !row.has_errors() {
            row.problems.push(
                Problem::error(
                    ProblemKind::UnknownNetwork,
                    "the network cell is empty and no --network is given".to_string(),
                )
                .at_row(row.row)
                .in_column(args.network_column.as_deref().unwrap_or("")),
            );
        }
        if row.has_errors() {
            bad_rows += 1;
        }
        let row_is_ok = !row.has_errors();
        problems.append(&mut row.problems);
        if row.skipped {
            skipped += 1;
            continue;
        }
        if !row_is_ok || bad_rows > 0 {
            continue; // nothing will be stored: only check the remaining rows
        }
        let respondent = match &row.source_id {
            Some(id) => format!("{prefix}:{id}"),
            None => content_key(hash, &mut content_keys),
        };
        batch.push(SerializedResponse {
            network: network.unwrap_or(NetworkId(0)),
            respondent,
            status: row.status,
            answers_json,
        });
        if batch.len() >= 2000 {
            tx.add_serialized(std::mem::take(&mut batch))
                .await
                .map_err(|e| CliError::usage(anyhow!("{e}")))?;
        }
    }
    drop(all_rows);
    let _ = reader_thread.join();
    bar.finish_and_clear();
    if !reader_done {
        tx.rollback()
            .await
            .map_err(|e| CliError::usage(anyhow!("{e}")))?;
        return Err(CliError::usage(anyhow!(
            "{}: reading stopped before the end of the file; nothing was imported",
            file.display()
        )));
    }
    if rows == skipped {
        file_problems.push(Problem::error(
            ProblemKind::Empty,
            "the file holds a header but no data rows",
        ));
    }
    file_problems.append(&mut problems);
    let problems = file_problems;
    let errors = problems.iter().filter(|p| p.is_error()).count();
    if errors == 0 && !batch.is_empty() {
        tx.add_serialized(batch)
            .await
            .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    }
    let (added, already) = tx.counts();
    let wave_created = tx.wave_created();
    let store_it = errors == 0 && !args.dry_run;
    if store_it {
        tx.commit_audited(
            &crate::cmd_privacy::cli_actor(),
            crate::cmd_privacy::now(),
            format.as_str(),
        )
        .await
    } else {
        tx.rollback().await
    }
    .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    store.close().await;

    for p in &problems {
        let tag = if p.is_error() { "error" } else { "warning" };
        eprintln!("{tag}: {}", located(file, p));
    }
    if args.json {
        let summary = serde_json::json!({
            "file": file.display().to_string(),
            "format": format.as_str(),
            "wave": args.wave,
            "rows": rows,
            "skipped": skipped,
            "stored": if store_it { added } else { 0 },
            "new": added,
            "already_stored": already,
            "dry_run": args.dry_run,
            "valid": errors == 0,
            "problems": problems,
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
        let wave_note = if wave_created { " (new wave)" } else { "" };
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
    #[arg(long)]
    pub format: String,
    /// The file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// The instrument's form_id (default: the only one, else required).
    #[arg(long)]
    pub instrument: Option<String>,
    /// Only this wave (default: every wave of the instrument).
    #[arg(long)]
    pub wave: Option<String>,
    /// Language of labels (nl or en; default: the form's default language).
    #[arg(long)]
    pub lang: Option<String>,
    /// CSV only: write every text as stored. By default a text cell that a spreadsheet
    /// would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
    /// single quote in front.
    #[arg(long)]
    pub raw: bool,
    /// qdpx only: name the coders by their e-mail addresses. By default a coder is named by
    /// their display name, or "Codeur 1", "Codeur 2", … when they have none, and the
    /// project holds no address.
    #[arg(long)]
    pub coder_emails: bool,
}

/// `leernet export …`: the responses of one instrument, every wave or one.
pub async fn export(project: &Path, args: &ExportArgs, out: &mut dyn Write) -> CliResult {
    let format = args.format.to_ascii_lowercase();
    let kind = match format.as_str() {
        "csv" => ExportFormat::Csv,
        "xlsx" => ExportFormat::Xlsx,
        "sav" => ExportFormat::Sav,
        _ => {
            return Err(CliError::usage(anyhow!(
                "--format {:?} is not one of csv, xlsx, sav, qdc, qdpx",
                args.format
            )))
        }
    };
    let settings = Settings::load(project)?;
    let store = settings.store().await?;
    let data = store
        .study_data()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let which = export::Which::Instrument {
        form_id: args.instrument.as_deref(),
        wave: args.wave.as_deref(),
    };
    let ex = export::build(&data, which, None, args.lang.as_deref(), false).map_err(|e| {
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
        &format,
        &crate::cmd_privacy::cli_actor(),
        crate::cmd_privacy::now(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The content key of a row without an id must not change between versions: a file
    /// imported before is recognised when imported again. It was FNV-1a over
    /// `serde_json::to_string(&(&answers, &network))`.
    #[test]
    fn content_hash_is_the_hash_of_the_answers_and_network_pair() {
        let mut answers = BTreeMap::new();
        answers.insert("age".to_string(), "34".to_string());
        answers.insert("comment".to_string(), "\"quoted\", é and \n".to_string());
        for network in [None, Some("havenmond-wijkkracht"), Some("a \"b\"")] {
            let text = serde_json::to_string(&(&answers, &network)).unwrap();
            let want = fnv(0xcbf2_9ce4_8422_2325, text.as_bytes());
            let json = serde_json::to_string(&answers).unwrap();
            assert_eq!(content_hash(&json, network), want, "{network:?}");
        }
        let mut seen = HashMap::new();
        assert_eq!(content_key(7, &mut seen), "row:0000000000000007-1");
        assert_eq!(content_key(7, &mut seen), "row:0000000000000007-2");
    }
}
