//! The import driver: reads rows, turns cells into raw XLSForm answers and validates
//! them with the form's answer model, one row at a time (streamed).
//!
//! It stores nothing: the caller collects the rows, and stores all of them only when no
//! row has an error ("all or nothing").

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use leernet_core::ResponseStatus;
use leernet_xlsform::{Answers, EvalOptions, Form, QuestionKind};
use serde::Serialize;

use crate::detect::{self, Format};
use crate::plan::{self, Mapping, Plan, Target};
use crate::problem::{Problem, ProblemKind};
use crate::table::{Row, Table};
use crate::values::{self, Choices};

/// How to read an export.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions<'a> {
    /// The layout; `None` detects it.
    pub format: Option<Format>,
    /// The researcher's mapping file.
    pub mapping: Option<&'a Mapping>,
    /// The column naming each respondent's network.
    pub network_column: Option<&'a str>,
    /// Language of the form's messages (constraint and required messages).
    pub lang: &'a str,
    /// The missing-value markers ([`crate::missing`]); `None`: the defaults.
    pub missing: Option<&'a [String]>,
}

/// One row of the export, read and checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedRow {
    /// The row in the file (header = 1).
    pub row: usize,
    /// The response's own id in the source tool, if the file has one.
    pub source_id: Option<String>,
    /// The network column's text, if any.
    pub network: Option<String>,
    /// Submitted, or in progress (LimeSurvey without `submitdate`, Qualtrics `Finished` 0).
    pub status: ResponseStatus,
    /// Raw XLSForm answers by question name (empty answers left out).
    pub answers: BTreeMap<String, String>,
    /// Problems of this row (errors and warnings).
    pub problems: Vec<Problem>,
    /// Left out on purpose (a Qualtrics preview or test); not to be stored.
    pub skipped: bool,
    /// The cells read as missing ([`crate::missing`]): (column, position of the marker in
    /// the list), in column order. Counted per column by [`Importer::settle`].
    #[serde(skip)]
    pub missing: Vec<(usize, usize)>,
}

impl ImportedRow {
    /// Whether the row has an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

enum Assemble {
    Scalar(usize),
    Select(usize),
    Multi {
        summary: Option<usize>,
        options: Vec<(usize, usize)>,
        other: Option<usize>,
    },
    /// Only the text of "other" (a text question filled by an `[other]` column).
    Text(usize),
}

struct Field {
    question: String,
    /// The question's index in the form.
    index: usize,
    /// Where its answer is stored: the question's name, or for an instance of a question
    /// inside a repeat `repeat[2]/question`.
    key: String,
    kind: QuestionKind,
    choices: Choices,
    how: Assemble,
    /// The column named in messages.
    column: usize,
    /// Whether the mapping file recodes this question's values.
    recoded: bool,
    /// `key` as a JSON object's key: `"key":`.
    json_key: String,
}

impl Field {
    /// The question's index in the form when the answer is outside a repeat (`None` for
    /// an instance `repeat[2]/question`).
    fn top_index(&self) -> Option<usize> {
        (self.key == self.question).then_some(self.index)
    }
}

/// Checks rows of one export against one form. It holds no state that changes from row
/// to row, so several threads may check rows at once ([`Importer::checker`]); what needs
/// the rows in order (a response id used twice) is [`Importer::settle`]'s.
pub struct Checker<'f> {
    form: &'f Form,
    plan: Plan,
    fields: Vec<Field>,
    headers: Vec<String>,
    lang: String,
    id_col: Option<usize>,
    network_col: Option<usize>,
    finished_col: Option<usize>,
    status_col: Option<usize>,
    /// Field by question name (problems of the answer model name questions).
    field_of: HashMap<String, usize>,
    /// Fields in the order of their questions' names (how answers are stored).
    by_name: Vec<usize>,
    /// Whether some column holds an answer inside a repeat (`repeat[2]/question`).
    in_repeats: bool,
    /// (question, earlier question of the same name): a name used in two groups has one
    /// answer, which both questions read.
    same_name: Vec<(usize, usize)>,
    /// The missing-value markers, and the longest one's length in bytes.
    markers: Vec<String>,
    longest_marker: usize,
    /// The bytes a cell that is a marker may start with (a marker's first byte, or white
    /// space before it): most cells are told apart by their first byte alone.
    marker_start: [bool; 256],
    /// The columns whose cells are read (not ignored), in order.
    read_columns: Vec<usize>,
}

/// The rows of an export, read one by one and not yet checked.
pub struct RowReader {
    table: Table,
    rows_read: usize,
    failed: bool,
}

impl RowReader {
    /// The next row, unchecked: give it to [`Checker::check`] (on any thread), then to
    /// [`Importer::settle`] in the file's order. A row that cannot be read ends the file:
    /// check nothing after it.
    pub fn next_raw(&mut self) -> Option<Result<Row, Problem>> {
        if self.failed {
            return None;
        }
        match self.table.next_row()? {
            Ok(r) => {
                self.rows_read += 1;
                Some(Ok(r))
            }
            Err(p) => {
                self.failed = true;
                Some(Err(p))
            }
        }
    }
}

/// Reads an export row by row against one form.
pub struct Importer<'f> {
    reader: RowReader,
    checker: Checker<'f>,
    problems: Vec<Problem>,
    /// Response ids seen, with their row (FxHash: one lookup per row of the file).
    seen_ids: rustc_hash::FxHashMap<String, usize>,
    /// Per column: how many of its cells were read as each marker.
    missing_counts: BTreeMap<usize, Vec<u64>>,
}

impl<'f> Importer<'f> {
    /// Opens an export: reads its header (and Qualtrics' two extra header rows), detects
    /// the layout, and maps the columns. Errors that concern the whole file come back
    /// here, with the warnings found so far.
    pub fn open(
        form: &'f Form,
        reader: Box<dyn Read>,
        opts: &ImportOptions<'_>,
    ) -> Result<Importer<'f>, Vec<Problem>> {
        let mut table = Table::open(reader).map_err(|p| vec![p])?;
        let peek: Vec<Vec<String>> = table
            .peek(2)
            .map_err(|p| vec![p])?
            .into_iter()
            .map(|r| r.cells.iter().map(str::to_owned).collect())
            .collect();
        let format = match opts.format.or_else(|| {
            opts.mapping
                .and_then(|m| m.format.as_deref())
                .and_then(Format::parse)
        }) {
            Some(f) => f,
            None => detect::detect(&table.headers, &peek).map_err(|found| {
                vec![Problem::error(
                    ProblemKind::Format,
                    format!(
                        "the header fits several tools ({}); choose one with --format",
                        found
                            .iter()
                            .map(|f| f.display_name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )]
            })?,
        };
        let mut label_row = None;
        if format == Format::Qualtrics && detect::is_qualtrics_legacy(&table.headers) {
            // the row under the header holds the question texts: never data
            label_row = peek.first().cloned();
            table.skip();
        } else if format == Format::Qualtrics {
            let has_ids = peek
                .get(1)
                .is_some_and(|r| r.iter().any(|c| detect::is_import_id(c)));
            if has_ids {
                label_row = peek.first().cloned();
                table.skip();
                table.skip();
            } else if peek
                .first()
                .is_some_and(|r| r.iter().any(|c| detect::is_import_id(c)))
            {
                table.skip();
            }
        }
        let (mut plan, mut problems) = plan::build(
            form,
            format,
            &table.headers,
            label_row.as_deref(),
            opts.mapping,
            opts.network_column,
        );
        if problems.iter().any(Problem::is_error) {
            return Err(problems);
        }
        if format != Format::Leernet {
            value_label_recodes(form, &mut plan, &table.value_labels);
        }
        let fields = assemble(form, &plan);
        let mapped: Vec<&str> = fields.iter().map(|f| f.question.as_str()).collect();
        for q in form.questions() {
            if q.kind.is_answerable()
                && q.repeat.is_none()
                && q.always_required()
                && !mapped.contains(&q.name.as_str())
            {
                problems.push(
                    Problem::warning(
                        ProblemKind::Unmapped,
                        format!(
                            "the required question {:?} has no column in this file; its answers stay empty",
                            q.name
                        ),
                    )
                    .about(&q.name),
                );
            }
        }
        let col = |pred: fn(&Target) -> bool| plan.column_of(pred);
        let field_of = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.clone(), i))
            .collect();
        let mut by_name: Vec<usize> = (0..fields.len()).collect();
        by_name.sort_by(|&a, &b| fields[a].key.cmp(&fields[b].key));
        let in_repeats = fields.iter().any(|f| f.key != f.question);
        let same_name = form
            .questions()
            .enumerate()
            .filter_map(|(i, q)| {
                form.question_index(&q.name)
                    .filter(|&first| first != i)
                    .map(|first| (i, first))
            })
            .collect();
        let markers = match opts.missing {
            Some(m) => m.to_vec(),
            // an SPSS file declares its own missing values (system- and user-missing,
            // already empty cells): a text "NA" in it is an answer, unless --missing says
            None if table.kind == crate::table::TableKind::Sav => Vec::new(),
            None => crate::missing::defaults(),
        };
        let read_columns = plan
            .columns
            .iter()
            .filter(|c| !matches!(c.target, Target::Ignored))
            .map(|c| c.index)
            .collect();
        let mut marker_start = [false; 256];
        for m in &markers {
            if let Some(&b) = m.as_bytes().first() {
                marker_start[b as usize] = true;
                // white space is trimmed first: ASCII's, and Unicode's (non-ASCII bytes)
                for w in [b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r']
                    .into_iter()
                    .chain(0x80..=0xff)
                {
                    marker_start[w as usize] = true;
                }
            }
        }
        let checker = Checker {
            marker_start,
            longest_marker: markers.iter().map(String::len).max().unwrap_or(0),
            markers,
            read_columns,
            form,
            in_repeats,
            same_name,
            by_name,
            id_col: col(|t| matches!(t, Target::Id)),
            network_col: col(|t| matches!(t, Target::Network)),
            finished_col: col(|t| matches!(t, Target::Finished)),
            status_col: col(|t| matches!(t, Target::QualtricsStatus)),
            headers: table.headers.clone(),
            plan,
            fields,
            lang: opts.lang.to_owned(),
            field_of,
        };
        Ok(Importer {
            reader: RowReader {
                table,
                rows_read: 0,
                failed: false,
            },
            checker,
            problems,
            seen_ids: Default::default(),
            missing_counts: BTreeMap::new(),
        })
    }

    /// The column mapping in use.
    pub fn plan(&self) -> &Plan {
        &self.checker.plan
    }

    /// The layout in use.
    pub fn format(&self) -> Format {
        self.checker.plan.format
    }

    /// The row checker, to share between threads that check rows read by
    /// [`Importer::next_raw`].
    pub fn checker(&self) -> &Checker<'f> {
        &self.checker
    }

    /// Problems about the whole file (warnings: unmatched columns, encoding, and per column
    /// the cells read as missing so far).
    pub fn file_problems(&self) -> Vec<Problem> {
        let mut out = self.problems.clone();
        for (&col, counts) in &self.missing_counts {
            out.push(self.checker.missing_note(col, counts));
        }
        if self.reader.table.read_as_cp1252() {
            out.push(Problem::warning(
                ProblemKind::Unreadable,
                "some cells were not UTF-8 and were read as Windows-1252 (Latin-1); check accented letters",
            ));
        }
        out
    }

    /// Data rows read so far (skipped ones included).
    pub fn rows_read(&self) -> usize {
        self.reader.rows_read
    }

    /// Reads and checks the next row.
    pub fn next_row(&mut self) -> Option<ImportedRow> {
        let mut row = match self.next_raw()? {
            Ok(r) => self.checker.check(r),
            Err(p) => Importer::unreadable(p),
        };
        self.settle(&mut row);
        Some(row)
    }

    /// Reads the next row without checking it (see [`RowReader::next_raw`]).
    pub fn next_raw(&mut self) -> Option<Result<Row, Problem>> {
        self.reader.next_raw()
    }

    /// The reader and the checker at once, so that one thread reads the next rows while
    /// others check the rows read before.
    pub fn split(&mut self) -> (&mut RowReader, &Checker<'f>) {
        (&mut self.reader, &self.checker)
    }

    /// The row for a read error of [`RowReader::next_raw`].
    pub fn unreadable(p: Problem) -> ImportedRow {
        ImportedRow {
            row: p.row.unwrap_or(0),
            source_id: None,
            network: None,
            status: ResponseStatus::Submitted,
            answers: BTreeMap::new(),
            problems: vec![p],
            skipped: false,
            missing: Vec::new(),
        }
    }

    /// What needs the rows in the file's order: a response id used by an earlier row is
    /// an error of this one. Call it for every row, in order.
    pub fn settle(&mut self, row: &mut ImportedRow) {
        if row.skipped {
            return;
        }
        for &(col, marker) in &row.missing {
            let counts = self
                .missing_counts
                .entry(col)
                .or_insert_with(|| vec![0; self.checker.markers.len()]);
            if let Some(n) = counts.get_mut(marker) {
                *n = n.saturating_add(1);
            }
        }
        let (Some(id), Some(c)) = (&row.source_id, self.checker.id_col) else {
            return;
        };
        if let Some(first) = self.seen_ids.get(id) {
            let p = Problem::error(
                ProblemKind::DuplicateId,
                format!("the response id {id:?} was already used in row {first}"),
            )
            .at_row(row.row)
            .in_column(self.checker.header(c))
            .with_value(id);
            // after a ragged-row problem, before those of the values: where a reader of
            // the row looks first
            let at = row
                .problems
                .iter()
                .take_while(|p| p.kind == ProblemKind::RaggedRow)
                .count();
            row.problems.insert(at, p);
        } else {
            self.seen_ids.insert(id.clone(), row.row);
        }
    }
}

impl Checker<'_> {
    fn header(&self, col: usize) -> &str {
        self.headers.get(col).map(String::as_str).unwrap_or("")
    }

    fn cell<'r>(&self, row: &'r Row, col: usize) -> &'r str {
        let c = row.cells.get(col).unwrap_or("");
        // KoboToolbox's legacy CSV writes `n/a` for a value that is not there (the
        // instances a respondent did not have, a question skip logic did not ask)
        if self.plan.format == Format::Kobo && c == "n/a" {
            return "";
        }
        // a missing-value marker is no value (a short cell only: most cells are longer)
        if c.len() <= self.longest_marker + 8 && self.marker(c).is_some() {
            return "";
        }
        if self.plan.format == Format::Leernet {
            return own_export_cell(c);
        }
        c
    }

    /// The position of the marker a cell is, if it is one.
    fn marker(&self, cell: &str) -> Option<usize> {
        let first = *cell.as_bytes().first()?;
        if !self.marker_start[first as usize] {
            return None;
        }
        crate::missing::marker_of(&self.markers, cell)
    }

    /// The cells of a row read as missing: (column, marker), in column order.
    fn missing_cells(&self, row: &Row) -> Vec<(usize, usize)> {
        if self.markers.is_empty() {
            return Vec::new();
        }
        self.read_columns
            .iter()
            .filter_map(|&c| {
                let cell = row.cells.get(c)?;
                if cell.len() > self.longest_marker + 8 {
                    return None;
                }
                self.marker(cell).map(|m| (c, m))
            })
            .collect()
    }

    /// The warning that says how many cells of a column were read as missing: the
    /// question's label (in the import's language) where the column holds a question's
    /// answers, and the markers found, in the list's order.
    fn missing_note(&self, col: usize, counts: &[u64]) -> Problem {
        let total: u64 = counts.iter().fold(0u64, |a, &n| a.saturating_add(n));
        let found: Vec<&str> = counts
            .iter()
            .zip(&self.markers)
            .filter(|(n, _)| **n > 0)
            .map(|(_, m)| m.as_str())
            .collect();
        let question = self.plan.columns.get(col).and_then(|c| match &c.target {
            Target::Question { question }
            | Target::Option { question, .. }
            | Target::RepeatOption { question, .. }
            | Target::OtherText { question, .. }
            | Target::RepeatQuestion { question, .. } => Some(question.as_str()),
            _ => None,
        });
        let label = question
            .and_then(|q| self.form.question(q))
            .map(|q| q.label.get(&self.lang).to_owned())
            .filter(|l| !l.trim().is_empty());
        let cells = if total == 1 { "cell" } else { "cells" };
        let verb = if total == 1 { "was" } else { "were" };
        let of = label.map(|l| format!(" of {l:?}")).unwrap_or_default();
        let mut p = Problem::warning(
            ProblemKind::MissingValues,
            format!(
                "{total} {cells}{of} {verb} read as missing ({})",
                found.join(", ")
            ),
        )
        .in_column(self.header(col));
        if let Some(q) = question {
            p = p.about(q);
        }
        p
    }

    /// Turns one row's cells into raw answers and checks them with the form's answer
    /// model. Pure: the same row gives the same result on any thread.
    pub fn check(&self, row: Row) -> ImportedRow {
        let (mut out, answers) = self.check_row(&row);
        out.answers = answers
            .into_iter()
            .map(|(k, v, _)| (k.into_owned(), v.into_owned()))
            .collect();
        out
    }

    /// [`Checker::check`], with the answers written as the JSON object that is stored
    /// (`{"question":"value",…}`, keys in order: the bytes `serde_json` writes for
    /// [`ImportedRow::answers`]) instead of into [`ImportedRow::answers`], which stays
    /// empty. What an import that stores millions of rows needs, without a map per row.
    pub fn check_json(&self, row: &Row) -> (ImportedRow, String) {
        let (out, answers) = self.check_row(row);
        (out, answers_json(&answers))
    }

    /// The facts of a row before its answers: a ragged row (a problem), a response the
    /// tool marked as a preview, test or spam (`Err`: left out, with only that warning), its
    /// response id, network and whether it was finished.
    fn row_facts(
        &self,
        row: &Row,
        problems: &mut Vec<Problem>,
    ) -> Result<ImportedRow, Box<ImportedRow>> {
        let n = row.number;
        if row.cells.len() > self.headers.len()
            && row
                .cells
                .iter()
                .skip(self.headers.len())
                .any(|c| !c.trim().is_empty())
        {
            problems.push(
                Problem::error(
                    ProblemKind::RaggedRow,
                    format!(
                        "the row has {} cells but the header has {} columns",
                        row.cells.len(),
                        self.headers.len()
                    ),
                )
                .at_row(n),
            );
        }
        let mut out = ImportedRow {
            row: n,
            source_id: None,
            network: None,
            status: ResponseStatus::Submitted,
            answers: BTreeMap::new(),
            problems: Vec::new(),
            skipped: false,
            missing: self.missing_cells(row),
        };
        if let Some(c) = self.status_col {
            let s = self.cell(row, c).trim();
            if matches!(s, "1" | "2" | "8") {
                out.skipped = true;
                out.problems.push(
                    Problem::warning(
                        ProblemKind::Skipped,
                        format!(
                            "left out: Qualtrics status {s} (a preview, test or spam response)"
                        ),
                    )
                    .at_row(n)
                    .in_column(self.header(c)),
                );
                return Err(Box::new(out));
            }
        }
        if let Some(c) = self.id_col {
            let id = self.cell(row, c).trim();
            if leernet_xlsform::value::too_long(id) {
                problems.push(too_long(n, self.header(c), "the response id"));
            } else if !id.is_empty() {
                out.source_id = Some(id.to_owned());
            }
        }
        if let Some(c) = self.network_col {
            let v = self.cell(row, c).trim();
            if !v.is_empty() {
                out.network = Some(v.to_owned());
            }
        }
        if let Some(c) = self.finished_col {
            let v = self.cell(row, c).trim();
            let finished = match self.plan.format {
                Format::Qualtrics => v != "0" && !v.eq_ignore_ascii_case("false"),
                Format::Leernet => v != ResponseStatus::InProgress.as_str(),
                _ => !v.is_empty(),
            };
            if !finished {
                out.status = ResponseStatus::InProgress;
            }
        }
        Ok(out)
    }

    /// The work of [`Checker::check`]: the row's facts and problems, and its answers in
    /// key order, borrowed from the row and the form where they can be.
    fn check_row<'s>(&'s self, row: &'s Row) -> (ImportedRow, Vec<Pair<'s>>) {
        let n = row.number;
        let mut problems = Vec::new();
        // the row's facts: ragged, left out, its id, network and status
        let mut out = match self.row_facts(row, &mut problems) {
            Ok(out) => out,
            Err(left_out) => return (*left_out, Vec::new()),
        };

        // cells to values: `value[field]`, and the raw text of each field that had one
        let format = self.plan.format;
        let nf = self.fields.len();
        let mut value: Vec<Option<Cow<'s, str>>> = vec![None; nf];
        let mut raws: Vec<Option<Cow<'s, str>>> = vec![None; nf];
        // select answers made of the question's own choice names need no second check
        let mut choice_found: Vec<bool> = vec![false; nf];
        let mut other_texts: Vec<(String, String, usize)> = Vec::new();
        for (fi, f) in self.fields.iter().enumerate() {
            let recode = match f.recoded {
                true => self.plan.values.get(&f.question),
                false => None,
            };
            let (v, raw): (Cow<'s, str>, Cow<'s, str>) = match &f.how {
                Assemble::Scalar(c) => {
                    let raw = self.cell(row, *c);
                    (
                        values::scalar(&f.kind, recoded(recode, raw), format),
                        Cow::Borrowed(raw),
                    )
                }
                Assemble::Text(c) => {
                    let raw = self.cell(row, *c);
                    (Cow::Borrowed(raw), Cow::Borrowed(raw))
                }
                Assemble::Select(c) => {
                    let raw = coded_cell(format, self.cell(row, *c));
                    let v = recoded(recode, raw);
                    let v = match f.choices.find(v, format) {
                        Some(i) => {
                            // a name of the question's own list (`Choices::of`): valid
                            choice_found[fi] = true;
                            f.choices.names[i].as_str()
                        }
                        None => v.trim(),
                    };
                    (Cow::Borrowed(v), Cow::Borrowed(raw))
                }
                Assemble::Multi {
                    summary,
                    options,
                    other,
                } => {
                    // names of the question's own list, each once, in the list's order:
                    // what the answer model accepts of a select_multiple
                    let own_names = matches!(f.kind, QuestionKind::SelectMultiple { .. });
                    if options.is_empty() {
                        let raw = summary.map(|c| self.cell(row, c)).unwrap_or("");
                        let cell = recoded(recode, raw);
                        if let Some(v) = values::canonical_multiple(&f.choices, cell, format) {
                            choice_found[fi] = own_names;
                            value[fi] = Some(Cow::Borrowed(v));
                            raws[fi] = Some(Cow::Borrowed(raw));
                            continue;
                        }
                        let m = values::multiple(&f.choices, cell, format);
                        if let Some(t) = m.other_text {
                            if let Some(tq) = self.text_question_of(&f.question) {
                                other_texts.push((tq, t, f.column));
                            }
                        }
                        choice_found[fi] = own_names && m.unknown.is_empty();
                        (Cow::Owned(m.value), Cow::Borrowed(raw))
                    } else {
                        let mut picked = Vec::new();
                        let mut raws = Vec::new();
                        for &(ci, col) in options {
                            let cell = coded_cell(format, self.cell(row, col));
                            match values::checked(cell) {
                                Some(true) => picked.push(ci),
                                Some(false) => {}
                                None => problems.push(
                                    Problem::error(
                                        ProblemKind::InvalidValue,
                                        format!(
                                            "{cell:?} does not say whether choice {:?} of {:?} was picked (expected 1/0, Y/empty or True/False)",
                                            f.choices.names[ci], f.question
                                        ),
                                    )
                                    .at_row(n)
                                    .in_column(self.header(col))
                                    .about(&f.question)
                                    .with_value(cell),
                                ),
                            }
                            if !cell.trim().is_empty() {
                                raws.push(cell);
                            }
                        }
                        if let Some(oc) = other {
                            if !self.cell(row, *oc).trim().is_empty() {
                                if let Some(i) = f.choices.index_of("other") {
                                    picked.push(i);
                                }
                            }
                        }
                        picked.sort_unstable();
                        picked.dedup();
                        choice_found[fi] = own_names;
                        let v = picked
                            .iter()
                            .map(|&i| f.choices.names[i].as_str())
                            .collect::<Vec<_>>()
                            .join(" ");
                        // messages quote the choices picked, not the cells ("1 0 1")
                        let raw = if raws.is_empty() {
                            String::new()
                        } else {
                            v.clone()
                        };
                        (Cow::Owned(v), Cow::Owned(raw))
                    }
                }
            };
            if !v.is_empty() {
                value[fi] = Some(v);
                raws[fi] = Some(raw);
            }
        }

        // the answer model's type and choice check; a refused value is taken out
        for fi in 0..nf {
            let Some(v) = &value[fi] else {
                continue;
            };
            let f = &self.fields[fi];
            let raw = raws[fi].as_deref().unwrap_or("");
            if leernet_xlsform::value::too_long(v) {
                problems.push(too_long(n, self.header(f.column), &f.question));
                value[fi] = None;
                continue;
            }
            let checked = match choice_found[fi] {
                true => Ok(()),
                false => self.form.check_value_at(f.index, v),
            };
            let Err(e) = checked else {
                continue;
            };
            let message = if f.choices.names.is_empty() {
                match e {
                    leernet_xlsform::ValueError::Invalid { expected, .. } => format!(
                        "{:?} is not valid for {:?}: expected {expected}",
                        raw.trim(),
                        f.question
                    ),
                    other => other.to_string(),
                }
            } else {
                let bad: Vec<&str> = if f.kind.is_multiple() {
                    v.split_whitespace()
                        .filter(|p| f.choices.index_of(p).is_none())
                        .collect()
                } else {
                    vec![v.as_ref()]
                };
                format!(
                    "{} not one of the choices of {:?} ({})",
                    bad.iter()
                        .map(|b| format!("{b:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                        + if bad.len() > 1 { " are" } else { " is" },
                    f.question,
                    f.choices.names.join("/")
                )
            };
            problems.push(
                Problem::error(ProblemKind::InvalidValue, message)
                    .at_row(n)
                    .in_column(self.header(f.column))
                    .about(&f.question)
                    .with_value(raw),
            );
            value[fi] = None;
        }
        // whether a field's key holds a valid value
        let has_valid = |key: &str| {
            self.field_of
                .get(key)
                .is_some_and(|&fi| value[fi].is_some())
        };
        // the texts of "other" in a select_multiple cell, for questions without a column
        let mut extra: Vec<(&str, usize, &str)> = Vec::new();
        for (tq, text, col) in &other_texts {
            if !has_valid(tq) && !extra.iter().any(|(q, _, _)| q == tq) {
                if leernet_xlsform::value::too_long(text) {
                    problems.push(too_long(n, self.header(*col), tq));
                    continue;
                }
                if let Some(q) = self.form.question(tq) {
                    extra.push((q.name.as_str(), *col, text.as_str()));
                }
            }
        }
        let at = |fi: usize| -> Option<(usize, &str)> {
            raws[fi].as_deref().map(|r| (self.fields[fi].column, r))
        };
        // the column and raw text of a question that had a value
        let source = |name: &str| -> Option<(usize, &str)> {
            match extra.iter().find(|(q, _, _)| *q == name) {
                Some(&(_, c, t)) => Some((c, t)),
                None => self.field_of.get(name).and_then(|&fi| at(fi)),
            }
        };
        let had_value = |name: &str| {
            self.field_of
                .get(name)
                .is_some_and(|&fi| raws[fi].is_some())
        };

        // relevance, required, constraints (answers inside repeats as their instances)
        let opts = EvalOptions {
            lang: &self.lang,
            now: Some(0.0),
            last_saved: None,
        };
        let eval = if self.in_repeats {
            let mut answers = Answers::default();
            for (fi, v) in value.iter().enumerate() {
                if let Some(v) = v {
                    answers
                        .values
                        .insert(self.fields[fi].key.clone(), v.to_string());
                }
            }
            for &(q, _, t) in &extra {
                answers.values.insert(q.to_owned(), t.to_owned());
            }
            self.form
                .evaluate(&Answers::from_flat(self.form, answers.values.iter()), &opts)
        } else {
            // by question index; a name used in two groups has one answer, as by name
            let mut dense: Vec<&str> = vec![""; self.form.question_count()];
            for (fi, v) in value.iter().enumerate() {
                if let (Some(v), Some(qi)) = (v, self.fields[fi].top_index()) {
                    dense[qi] = v;
                }
            }
            for &(q, _, t) in &extra {
                if let Some(qi) = self.form.question_index(q) {
                    dense[qi] = t;
                }
            }
            for &(i, first) in &self.same_name {
                dense[i] = dense[first];
            }
            self.form.evaluate_dense(&dense, &opts)
        };
        // the answers in key order: the fields' (sorted once), and the texts of "other"
        // (key, question index, column, value, key as JSON)
        type Given<'s> = (&'s str, usize, usize, Cow<'s, str>, Option<&'s str>);
        let mut given: Vec<Given<'s>> = Vec::with_capacity(nf);
        for &fi in &self.by_name {
            if let Some(v) = value[fi].take() {
                let f = &self.fields[fi];
                given.push((
                    f.key.as_str(),
                    // a repeat instance's relevance is found by its key
                    f.top_index().unwrap_or(usize::MAX),
                    f.column,
                    v,
                    Some(f.json_key.as_str()),
                ));
            }
        }
        if !extra.is_empty() {
            for &(q, col, t) in &extra {
                let qi = self.form.question_index(q).unwrap_or(usize::MAX);
                // the question's own name, borrowed from the form
                let name = self.form.question_at(qi).map_or(q, |x| x.name.as_str());
                given.push((name, qi, col, Cow::Owned(t.to_owned()), None));
            }
            given.sort_by(|a, b| a.0.cmp(b.0));
        }
        let mut stored: Vec<Pair<'s>> = Vec::with_capacity(given.len());
        for (name, qi, col, v, json_key) in given {
            let relevant = match qi {
                usize::MAX => eval.is_relevant_key(name),
                qi => eval.is_relevant_at(qi),
            };
            if !relevant {
                let raw = source(name).map_or("", |(_, r)| r);
                problems.push(
                    Problem::warning(
                        ProblemKind::NotRelevant,
                        format!(
                            "{raw:?} answers {name:?}, which the form's skip logic does not ask here; it is not stored"
                        ),
                    )
                    .at_row(n)
                    .in_column(self.header(col))
                    .about(name)
                    .with_value(raw),
                );
                continue;
            }
            stored.push((Cow::Borrowed(name), v, json_key));
        }
        for (name, message) in eval.failing_constraints() {
            let found = source(&name);
            let (col, raw) = found.unwrap_or((0, ""));
            let mut p = Problem::error(
                ProblemKind::Constraint,
                format!(
                    "{raw:?} breaks the constraint of {name:?}: {}",
                    message.trim_end_matches('.')
                ),
            )
            .at_row(n)
            .about(&name)
            .with_value(raw);
            if found.is_some() {
                p = p.in_column(self.header(col));
            }
            problems.push(p);
        }
        if out.status == ResponseStatus::Submitted {
            for (name, message) in eval.missing_required() {
                if had_value(&name) {
                    continue; // its value was refused above
                }
                let Some((col, _)) = source(&name).or_else(|| {
                    self.field_of
                        .get(name.as_str())
                        .map(|&fi| (self.fields[fi].column, ""))
                }) else {
                    continue; // no column at all: said once for the file
                };
                problems.push(
                    Problem::error(
                        ProblemKind::MissingRequired,
                        format!(
                            "no answer to the required question {name:?} ({})",
                            message.trim_end_matches('.')
                        ),
                    )
                    .at_row(n)
                    .in_column(self.header(col))
                    .about(&name),
                );
            }
        }
        if self.in_repeats {
            stored = with_repeat_counts(stored);
        }
        out.problems = problems;
        (out, stored)
    }

    fn text_question_of(&self, select: &str) -> Option<String> {
        let name = format!("{select}_other");
        self.form.question(&name).map(|q| q.name.clone())
    }
}

/// `stored` with each repeat's number of instances, stored as the web survey stores it
/// (`kids` = "2", nested `kids[1]/toys` = "3"): the highest instance answered; in key
/// order, a key once.
fn with_repeat_counts<'s>(mut stored: Vec<Pair<'s>>) -> Vec<Pair<'s>> {
    // each repeat's number of instances, stored as the web survey stores it
    // (`kids` = "2", nested `kids[1]/toys` = "3"): the highest instance answered
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (key, _, _) in &stored {
        let mut prefix = String::new();
        for part in key.split('/') {
            if let Some((g, i)) = part.strip_suffix(']').and_then(|p| p.split_once('[')) {
                if let Ok(i) = i.parse::<usize>() {
                    let c = counts.entry(format!("{prefix}{g}")).or_insert(0);
                    *c = (*c).max(i);
                }
            }
            prefix.push_str(part);
            prefix.push('/');
        }
    }
    stored.extend(
        counts
            .into_iter()
            .map(|(k, n)| (Cow::Owned(k), Cow::Owned(n.to_string()), None)),
    );
    // in key order, a key once (the later pair, as a map collects them)
    stored.sort_by(|a, b| a.0.cmp(&b.0));
    let mut kept: Vec<Pair<'s>> = Vec::with_capacity(stored.len());
    for p in stored {
        match kept.last_mut() {
            Some(last) if last.0 == p.0 => *last = p,
            _ => kept.push(p),
        }
    }
    kept
}

/// One stored answer: its key (`question`, or `repeat[2]/question`), its raw value, and
/// for a field's answer the key already written as JSON (`"question":`).
/// The problem of an answer longer than the web survey accepts (the text is not quoted:
/// it is long, and an answer).
fn too_long(row: usize, column: &str, question: &str) -> Problem {
    Problem::error(
        ProblemKind::InvalidValue,
        format!(
            "the answer to {question:?} is longer than {} characters, the most an answer may be (as in the web survey)",
            leernet_xlsform::MAX_ANSWER_CHARS
        ),
    )
    .at_row(row)
    .in_column(column)
    .about(question)
}

type Pair<'s> = (Cow<'s, str>, Cow<'s, str>, Option<&'s str>);

/// Answers in key order as the JSON object `serde_json` writes for a
/// `BTreeMap<String, String>` of them (what is stored, and hashed for content keys).
/// Written by hand for speed: a text that needs no escape is copied as it is, any other
/// is escaped by `serde_json` itself (a test holds the two to the same bytes).
fn answers_json(pairs: &[Pair<'_>]) -> String {
    let len: usize = pairs.iter().map(|(k, v, _)| k.len() + v.len() + 6).sum();
    let mut out = String::with_capacity(len + 2);
    out.push('{');
    for (i, (k, v, json_key)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match json_key {
            Some(j) => out.push_str(j),
            None => {
                json_str(&mut out, k);
                out.push(':');
            }
        }
        json_str(&mut out, v);
    }
    out.push('}');
    out
}

/// Appends a JSON string as `serde_json` writes it.
fn json_str(out: &mut String, s: &str) {
    if !needs_escape(s.as_bytes()) {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    }
}

/// Whether a text holds a byte JSON escapes: a control character, `"` or `\\`. Eight
/// bytes at a time: a byte below 0x20, or equal to 0x22 or 0x5C, sets its top bit in
/// the word's test (the standard "has a zero byte" test on `x ^ c`, and "has a byte
/// less than n" on `x`).
fn needs_escape(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // below 0x20: (x - 0x20..) & !x & HIGH (exact for bytes < 0x80; a byte >= 0x80
        // never sets its own bit through !x)
        let below = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        if below | has_zero(x ^ (ONES * b'"' as u64)) | has_zero(x ^ (ONES * b'\\' as u64)) != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&c| c < 0x20 || c == b'"' || c == b'\\')
}

/// A cell of leernet's own export as the answer it was written from: a text that the CSV
/// neutralised for spreadsheets (`'=…`, [`leernet_core::outbound::spreadsheet_cell`]) loses
/// its quote again.
fn own_export_cell(c: &str) -> &str {
    match c.strip_prefix('\'') {
        Some(rest) if leernet_core::outbound::spreadsheet_cell(rest) == c => rest,
        _ => c,
    }
}

/// A coded cell of leernet's own export (a select_one's code, a 0/1 variable) that says
/// "not asked" ([`crate::dataset::NOT_ASKED`]) is no answer. Only coded variables hold
/// that code: a number question's -9 is an answer and is read as one.
fn coded_cell(format: Format, cell: &str) -> &str {
    if format == Format::Leernet && cell.trim() == "-9" {
        ""
    } else {
        cell
    }
}

/// An SPSS file's value labels as recodes of the selects' codes: a code that is no choice
/// name of the question's list, whose label is one of the choices (by label in any of the
/// form's languages, or by name), reads as that choice. A code that is a choice name stays
/// itself, and the mapping file's own recodes come first.
fn value_label_recodes(form: &Form, plan: &mut Plan, labels: &[Vec<(String, String)>]) {
    for c in &plan.columns {
        let Target::Question { question } = &c.target else {
            continue;
        };
        let Some(labels) = labels.get(c.index).filter(|l| !l.is_empty()) else {
            continue;
        };
        let Some(q) = form.question(question) else {
            continue;
        };
        if !matches!(
            q.kind,
            QuestionKind::SelectOne { .. } | QuestionKind::SelectMultiple { .. }
        ) {
            continue;
        }
        let choices = values::Choices::of(form, q);
        for (code, label) in labels {
            if choices.index_of(code.trim()).is_some() {
                continue;
            }
            if let Some(i) = choices.find(label, Format::Csv) {
                plan.values
                    .entry(question.clone())
                    .or_default()
                    .entry(code.clone())
                    .or_insert_with(|| choices.names[i].clone());
            }
        }
    }
}

/// A cell with the mapping file's recoding of its values applied.
fn recoded<'a>(recode: Option<&'a BTreeMap<String, String>>, cell: &'a str) -> &'a str {
    match recode.and_then(|m| m.get(cell.trim())) {
        Some(r) => r,
        None => cell,
    }
}

fn assemble(form: &Form, plan: &Plan) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut field = |fields: &mut Vec<Field>, name: &str, key: &str, col: usize| -> Option<usize> {
        if let Some(&i) = at.get(key) {
            return Some(i);
        }
        let index = form.question_index(name)?;
        let q = form.question_at(index)?;
        let choices = Choices::of(form, q);
        let how = if q.kind.is_multiple() {
            Assemble::Multi {
                summary: None,
                options: Vec::new(),
                other: None,
            }
        } else if q.kind.list().is_some() {
            Assemble::Select(col)
        } else {
            Assemble::Scalar(col)
        };
        fields.push(Field {
            question: q.name.clone(),
            index,
            key: key.to_owned(),
            kind: q.kind.clone(),
            choices,
            how,
            column: col,
            recoded: plan.values.contains_key(&q.name),
            json_key: format!("{}:", serde_json::Value::from(key)),
        });
        at.insert(key.to_owned(), fields.len() - 1);
        Some(fields.len() - 1)
    };
    for c in &plan.columns {
        match &c.target {
            Target::Question { question } => {
                if let Some(i) = field(&mut fields, question, question, c.index) {
                    if let Assemble::Multi { summary, .. } = &mut fields[i].how {
                        *summary = Some(c.index);
                    }
                }
            }
            Target::RepeatQuestion { question, key } => {
                if let Some(i) = field(&mut fields, question, key, c.index) {
                    if let Assemble::Multi { summary, .. } = &mut fields[i].how {
                        *summary = Some(c.index);
                    }
                }
            }
            Target::Option { question, choice }
            | Target::RepeatOption {
                question,
                choice,
                key: _,
            } => {
                let key = match &c.target {
                    Target::RepeatOption { key, .. } => key,
                    _ => question,
                };
                if let Some(i) = field(&mut fields, question, key, c.index) {
                    let ci = fields[i].choices.index_of(choice);
                    let f = &mut fields[i];
                    if let (Assemble::Multi { options, .. }, Some(ci)) = (&mut f.how, ci) {
                        if options.is_empty() {
                            f.column = c.index;
                        }
                        options.push((ci, c.index));
                    }
                }
            }
            Target::OtherText {
                question,
                text_question,
            } => {
                if let Some(i) = field(&mut fields, question, question, c.index) {
                    match &mut fields[i].how {
                        Assemble::Multi { other, .. } => *other = Some(c.index),
                        Assemble::Select(_) => {}
                        _ => {}
                    }
                }
                if let Some(t) = text_question {
                    if !plan.columns.iter().any(
                        |o| matches!(&o.target, Target::Question { question } if question == t),
                    ) {
                        if let Some(i) = field(&mut fields, t, t, c.index) {
                            fields[i].how = Assemble::Text(c.index);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    fields
}

/// Everything read from one export: the rows and the file's own problems.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The layout used.
    pub format: Format,
    /// Every data row.
    pub rows: Vec<ImportedRow>,
    /// Problems of the whole file.
    pub problems: Vec<Problem>,
}

impl ImportReport {
    /// Every problem, file first, then by row.
    pub fn all_problems(&self) -> Vec<&Problem> {
        self.problems
            .iter()
            .chain(self.rows.iter().flat_map(|r| r.problems.iter()))
            .collect()
    }

    /// Whether anything blocks storing.
    pub fn has_errors(&self) -> bool {
        self.all_problems().iter().any(|p| p.is_error())
    }
}

/// Reads a whole export into memory (for tests, small files and the web upload).
pub fn import_all(
    form: &Form,
    reader: Box<dyn Read>,
    opts: &ImportOptions<'_>,
) -> Result<ImportReport, Vec<Problem>> {
    let mut imp = Importer::open(form, reader, opts)?;
    let mut rows = Vec::new();
    while let Some(r) = imp.next_row() {
        rows.push(r);
    }
    let mut problems = imp.file_problems();
    if rows.is_empty() {
        problems.push(Problem::error(
            ProblemKind::Empty,
            "the file holds a header but no data rows",
        ));
    }
    Ok(ImportReport {
        format: imp.format(),
        rows,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn answers_json_is_what_serde_json_writes_for_the_map(
            map in proptest::collection::btree_map(".{0,12}", "(.|\\PC|[\"\\\\\u{0}-\u{1f}\u{7f}])*", 0..8)
        ) {
            let pairs: Vec<Pair<'_>> = map
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str()), None))
                .collect();
            prop_assert_eq!(answers_json(&pairs), serde_json::to_string(&map).unwrap());
        }
    }

    proptest! {
        #[test]
        fn needs_escape_finds_what_a_byte_by_byte_search_finds(
            bytes in proptest::collection::vec(prop_oneof![any::<u8>(), Just(b'"'), Just(b'\\'), 0u8..0x21, 0x1fu8..0x24, 0x5bu8..0x5e], 0..40)
        ) {
            let slow = bytes.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
            prop_assert_eq!(needs_escape(&bytes), slow, "{:?}", bytes);
        }
    }

    #[test]
    fn answers_json_escapes_as_serde_json_does() {
        let map: BTreeMap<String, String> = [
            ("a", "plain"),
            ("b", "quote \" back \\ slash"),
            ("c", "line\nbreak\ttab\r\u{8}\u{c}\u{1}\u{1f}\u{7f}"),
            ("d", "café € 😀"),
            ("", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let pairs: Vec<Pair<'_>> = map
            .iter()
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str()), None))
            .collect();
        assert_eq!(answers_json(&pairs), serde_json::to_string(&map).unwrap());
    }
}
