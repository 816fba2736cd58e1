//! Import: responses from another tool's export, checked row by row with the instrument's
//! answer model, then stored all or nothing.
//!
//! Why here: `leernet import responses` and the web app's `/admin/import` import alike —
//! the same checks, the same respondent keys (a file imported once by each way adds nothing
//! the second time), the same problems — so both run this one pipeline.
//!
//! How: [`open`] starts a reading thread that reads the file's header and maps its columns
//! (the caller may stop there: `--write-mapping`); [`Opened::store`] then receives blocks of
//! rows that the reading thread has checked on every core (`Checker::check` is pure; the
//! reading thread reads the next block while the cores check this one) and settled in the
//! file's order (`Importer::settle`), and stores them in one open transaction, which is
//! committed (with its audit entry) only when no row has an error and the caller asked to
//! store; otherwise it is rolled back. Memory holds a few blocks, whatever the file's size.
//!
//! Invariants: all rows or none; a reading thread that stops early (a panic) stores nothing;
//! problems are data (row, column, value), never logged here.

use leernet_core::{Network, NetworkId};
use leernet_io::import::ImportedRow;
use leernet_io::{Format, ImportOptions, Importer, Mapping, Problem, ProblemKind};
use leernet_store::{Actor, SerializedResponse, Store, StoreError};
use leernet_xlsform::Form;
use std::collections::HashMap;

/// Finds a network by slug or name (case-insensitive).
pub fn network_lookup(networks: &[Network]) -> HashMap<String, NetworkId> {
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

/// How to read the file.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The layout; `None` detects it.
    pub format: Option<Format>,
    /// The researcher's mapping file.
    pub mapping: Option<Mapping>,
    /// The column naming each respondent's network.
    pub network_column: Option<String>,
    /// The missing-value markers (`leernet_io::missing`); `None`: the defaults.
    pub missing: Option<Vec<String>>,
}

/// Why a file could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// The whole file's problems (unreadable, empty, a header that maps nothing, …).
    Problems(Vec<Problem>),
    /// The reading thread stopped before it said how the file opened.
    Stopped,
}

/// A file whose header was read and mapped; its rows are being read and checked.
pub struct Opened {
    /// The layout found (or given).
    pub format: Format,
    /// The column mapping found, as a mapping file.
    pub mapping_toml: String,
    /// Warnings about the whole file so far.
    pub warnings: Vec<Problem>,
    received: tokio::sync::mpsc::Receiver<Msg>,
    thread: std::thread::JoinHandle<()>,
}

/// Opens `reader` as an export of `form`'s answers, on a reading thread of its own.
pub async fn open(
    form: Form,
    reader: Box<dyn std::io::Read + Send>,
    source: Source,
) -> Result<Opened, OpenError> {
    let lang = form.default_language().unwrap_or("nl").to_owned();
    let (sender, mut received) = tokio::sync::mpsc::channel::<Msg>(4);
    let thread = std::thread::spawn(move || {
        let opts = ImportOptions {
            format: source.format,
            mapping: source.mapping.as_ref(),
            network_column: source.network_column.as_deref(),
            lang: &lang,
            missing: source.missing.as_deref(),
        };
        let mut importer = match Importer::open(&form, reader, &opts) {
            Ok(i) => i,
            Err(p) => {
                let _ = sender.blocking_send(Msg::Failed(p));
                return;
            }
        };
        let opened = Msg::Opened {
            format: importer.format(),
            mapping_toml: importer.plan().to_mapping_toml(),
            warnings: importer.file_problems(),
        };
        if sender.blocking_send(opened).is_err() {
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
            if sender.blocking_send(Msg::Rows(checked)).is_err() {
                return;
            }
            next = following;
        }
        let _ = sender.blocking_send(Msg::Done(importer.file_problems()));
    });
    match received.recv().await {
        Some(Msg::Opened {
            format,
            mapping_toml,
            warnings,
        }) => Ok(Opened {
            format,
            mapping_toml,
            warnings,
            received,
            thread,
        }),
        Some(Msg::Failed(problems)) => {
            let _ = thread.join();
            Err(OpenError::Problems(problems))
        }
        _ => {
            let _ = thread.join();
            Err(OpenError::Stopped)
        }
    }
}

/// Where the rows go.
pub struct Target<'a> {
    /// The instrument version whose wave receives the rows.
    pub instrument: leernet_core::InstrumentId,
    /// The wave's name (made when new).
    pub wave: &'a str,
    /// The project's networks by lower-case slug and name ([`network_lookup`]).
    pub networks: &'a HashMap<String, NetworkId>,
    /// The network of a row without a network cell.
    pub default_network: Option<NetworkId>,
    /// The network column's header, for the problems (empty when there is none).
    pub network_column: &'a str,
    /// The problem of a row whose network cell is empty when no default network is given
    /// (each caller names its own way of giving one).
    pub empty_network: &'a str,
    /// Store the rows (with this actor and time in the audit entry) when no row has an
    /// error; `None`: a dry run, nothing is stored.
    pub commit: Option<(&'a Actor, i64)>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Data rows read.
    pub rows: u64,
    /// Rows left out (empty rows, or rows the export marks as not a response).
    pub skipped: u64,
    /// Rows with at least one error.
    pub bad_rows: u64,
    /// Every problem: the whole file's first, then the rows' in the file's order.
    pub problems: Vec<Problem>,
    /// How many of [`Outcome::problems`] are errors.
    pub errors: usize,
    /// Responses new to the wave (stored, or that would be).
    pub added: u64,
    /// Responses the wave already had (a re-import).
    pub already: u64,
    /// The wave was made by this import.
    pub wave_created: bool,
    /// Committed: no error and not a dry run.
    pub stored: bool,
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The reading thread stopped before the end of the file (nothing was stored).
    #[error("reading stopped before the end of the file")]
    Stopped,
}

impl Opened {
    /// Stops reading (after the header, for `--write-mapping`).
    pub fn close(self) {
        drop(self.received);
        let _ = self.thread.join();
    }

    /// Receives every row and stores them in one transaction: committed only when no row
    /// has an error and [`Target::commit`] asks for it. `progress` is told the rows read.
    pub async fn store(
        self,
        store: &Store,
        target: &Target<'_>,
        mut progress: impl FnMut(u64),
    ) -> Result<Outcome, ImportError> {
        let Opened {
            format,
            mut received,
            thread,
            ..
        } = self;
        let mut tx = store.begin_import(target.instrument, target.wave).await?;
        let prefix = format.as_str();
        let mut problems: Vec<Problem> = Vec::new();
        let mut batch: Vec<SerializedResponse> = Vec::with_capacity(2000);
        let mut content_keys = HashMap::new();
        let (mut rows, mut skipped, mut bad_rows) = (0u64, 0u64, 0u64);
        let mut file_problems = Vec::new();
        // the reading thread says Done last: without it, it stopped early (a panic), and
        // nothing may be stored
        let mut reader_done = false;
        while let Some(msg) = received.recv().await {
            let block = match msg {
                Msg::Rows(r) => r,
                Msg::Done(p) => {
                    file_problems = p;
                    reader_done = true;
                    continue;
                }
                _ => continue,
            };
            for Checked {
                mut row,
                answers_json,
                hash,
            } in block
            {
                rows += 1;
                if rows % 10_000 == 0 {
                    progress(rows);
                }
                let network = match &row.network {
                    Some(v) => match target.networks.get(&v.to_lowercase()) {
                        Some(id) => Some(*id),
                        None => {
                            row.problems.push(
                                Problem::error(
                                    ProblemKind::UnknownNetwork,
                                    format!(
                                    "{v:?} is not a network of this project (give its slug or name)"
                                ),
                                )
                                .at_row(row.row)
                                .in_column(target.network_column)
                                .with_value(v),
                            );
                            None
                        }
                    },
                    None => target.default_network,
                };
                if network.is_none() && !row.has_errors() {
                    row.problems.push(
                        Problem::error(ProblemKind::UnknownNetwork, target.empty_network)
                            .at_row(row.row)
                            .in_column(target.network_column),
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
                    // leernet's own export holds the respondent keys it stored: a response
                    // keeps its key, and one imported again is recognised
                    Some(id) if format == Format::Leernet => id.clone(),
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
                    tx.add_serialized(std::mem::take(&mut batch)).await?;
                }
            }
        }
        let _ = thread.join();
        if !reader_done {
            tx.rollback().await?;
            return Err(ImportError::Stopped);
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
            tx.add_serialized(batch).await?;
        }
        let (added, already) = tx.counts();
        let wave_created = tx.wave_created();
        let stored = match target.commit {
            Some((actor, at)) if errors == 0 => {
                tx.commit_audited(actor, at, format.as_str()).await?;
                true
            }
            _ => {
                tx.rollback().await?;
                false
            }
        };
        Ok(Outcome {
            rows,
            skipped,
            bad_rows,
            problems,
            errors,
            added,
            already,
            wave_created,
            stored,
        })
    }
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
