//! The import driver: reads rows, turns cells into raw XLSForm answers and validates
//! them with the form's answer model, one row at a time (streamed).
//!
//! It stores nothing: the caller collects the rows, and stores all of them only when no
//! row has an error ("all or nothing").

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
    kind: QuestionKind,
    choices: Choices,
    how: Assemble,
    /// The column named in messages.
    column: usize,
}

/// Reads an export row by row against one form.
pub struct Importer<'f> {
    form: &'f Form,
    table: Table,
    plan: Plan,
    fields: Vec<Field>,
    problems: Vec<Problem>,
    seen_ids: HashMap<String, usize>,
    lang: String,
    id_col: Option<usize>,
    network_col: Option<usize>,
    finished_col: Option<usize>,
    status_col: Option<usize>,
    rows_read: usize,
    failed: bool,
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
            .map(|r| r.cells)
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
        if format == Format::Qualtrics {
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
        let (plan, mut problems) = plan::build(
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
        Ok(Importer {
            form,
            id_col: col(|t| matches!(t, Target::Id)),
            network_col: col(|t| matches!(t, Target::Network)),
            finished_col: col(|t| matches!(t, Target::Finished)),
            status_col: col(|t| matches!(t, Target::QualtricsStatus)),
            table,
            plan,
            fields,
            problems,
            seen_ids: HashMap::new(),
            lang: opts.lang.to_owned(),
            rows_read: 0,
            failed: false,
        })
    }

    /// The column mapping in use.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The layout in use.
    pub fn format(&self) -> Format {
        self.plan.format
    }

    /// Problems about the whole file (warnings: unmatched columns, encoding).
    pub fn file_problems(&self) -> Vec<Problem> {
        let mut out = self.problems.clone();
        if self.table.read_as_cp1252() {
            out.push(Problem::warning(
                ProblemKind::Unreadable,
                "some cells were not UTF-8 and were read as Windows-1252 (Latin-1); check accented letters",
            ));
        }
        out
    }

    /// Data rows read so far (skipped ones included).
    pub fn rows_read(&self) -> usize {
        self.rows_read
    }

    fn header(&self, col: usize) -> &str {
        self.table
            .headers
            .get(col)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Reads and checks the next row.
    pub fn next_row(&mut self) -> Option<ImportedRow> {
        if self.failed {
            return None;
        }
        let row = match self.table.next_row()? {
            Ok(r) => r,
            Err(p) => {
                self.failed = true;
                return Some(ImportedRow {
                    row: p.row.unwrap_or(0),
                    source_id: None,
                    network: None,
                    status: ResponseStatus::Submitted,
                    answers: BTreeMap::new(),
                    problems: vec![p],
                    skipped: false,
                });
            }
        };
        self.rows_read += 1;
        Some(self.check_row(row))
    }

    fn cell<'r>(&self, row: &'r Row, col: usize) -> &'r str {
        row.cells.get(col).map(String::as_str).unwrap_or("")
    }

    fn check_row(&mut self, row: Row) -> ImportedRow {
        let n = row.number;
        let mut problems = Vec::new();
        if row.cells.len() > self.table.headers.len()
            && row.cells[self.table.headers.len()..]
                .iter()
                .any(|c| !c.trim().is_empty())
        {
            problems.push(
                Problem::error(
                    ProblemKind::RaggedRow,
                    format!(
                        "the row has {} cells but the header has {} columns",
                        row.cells.len(),
                        self.table.headers.len()
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
        };
        if let Some(c) = self.status_col {
            let s = self.cell(&row, c).trim();
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
                return out;
            }
        }
        if let Some(c) = self.id_col {
            let id = self.cell(&row, c).trim().to_owned();
            if !id.is_empty() {
                if let Some(first) = self.seen_ids.get(&id) {
                    problems.push(
                        Problem::error(
                            ProblemKind::DuplicateId,
                            format!("the response id {id:?} was already used in row {first}"),
                        )
                        .at_row(n)
                        .in_column(self.header(c))
                        .with_value(&id),
                    );
                } else {
                    self.seen_ids.insert(id.clone(), n);
                }
                out.source_id = Some(id);
            }
        }
        if let Some(c) = self.network_col {
            let v = self.cell(&row, c).trim();
            if !v.is_empty() {
                out.network = Some(v.to_owned());
            }
        }
        if let Some(c) = self.finished_col {
            let v = self.cell(&row, c).trim();
            let finished = match self.plan.format {
                Format::Qualtrics => v != "0" && !v.eq_ignore_ascii_case("false"),
                _ => !v.is_empty(),
            };
            if !finished {
                out.status = ResponseStatus::InProgress;
            }
        }

        // cells to values
        let format = self.plan.format;
        let mut values: Vec<(usize, String, String)> = Vec::new(); // field, value, raw
        let mut other_texts: Vec<(String, String, usize)> = Vec::new();
        for (fi, f) in self.fields.iter().enumerate() {
            let recode = self.plan.values.get(&f.question);
            let apply = |s: &str| -> String {
                recode
                    .and_then(|m| m.get(s.trim()))
                    .cloned()
                    .unwrap_or_else(|| s.to_owned())
            };
            let (value, raw) = match &f.how {
                Assemble::Scalar(c) => {
                    let raw = self.cell(&row, *c);
                    (values::scalar(&f.kind, &apply(raw), format), raw.to_owned())
                }
                Assemble::Text(c) => {
                    let raw = self.cell(&row, *c);
                    (raw.to_owned(), raw.to_owned())
                }
                Assemble::Select(c) => {
                    let raw = self.cell(&row, *c);
                    let v = apply(raw);
                    let v = match f.choices.find(&v, format) {
                        Some(i) => f.choices.names[i].clone(),
                        None => v.trim().to_owned(),
                    };
                    (v, raw.to_owned())
                }
                Assemble::Multi {
                    summary,
                    options,
                    other,
                } => {
                    if options.is_empty() {
                        let raw = summary.map(|c| self.cell(&row, c)).unwrap_or("");
                        let m = values::multiple(&f.choices, &apply(raw), format);
                        if let Some(t) = m.other_text {
                            if let Some(tq) = self.text_question_of(&f.question) {
                                other_texts.push((tq, t, f.column));
                            }
                        }
                        (m.value, raw.to_owned())
                    } else {
                        let mut picked = Vec::new();
                        let mut raws = Vec::new();
                        for &(ci, col) in options {
                            let cell = self.cell(&row, col);
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
                            if !self.cell(&row, *oc).trim().is_empty() {
                                if let Some(i) = f.choices.index_of("other") {
                                    picked.push(i);
                                }
                            }
                        }
                        picked.sort_unstable();
                        picked.dedup();
                        let v = picked
                            .iter()
                            .map(|&i| f.choices.names[i].as_str())
                            .collect::<Vec<_>>()
                            .join(" ");
                        (v, raws.join(" "))
                    }
                }
            };
            if !value.is_empty() {
                values.push((fi, value, raw));
            }
        }

        // the answer model's type and choice check
        let mut answers = Answers::default();
        let mut columns: HashMap<&str, (usize, &str)> = HashMap::new();
        for (fi, value, raw) in &values {
            let f = &self.fields[*fi];
            columns.insert(f.question.as_str(), (f.column, raw.as_str()));
            match self.form.check_value(&f.question, value) {
                Ok(()) => {
                    answers.set(&f.question, value);
                }
                Err(e) => {
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
                            value
                                .split_whitespace()
                                .filter(|p| f.choices.index_of(p).is_none())
                                .collect()
                        } else {
                            vec![value.as_str()]
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
                }
            }
        }
        let had_value: Vec<&str> = columns.keys().copied().collect();
        for (tq, text, col) in &other_texts {
            if !answers.values.contains_key(tq) {
                if let Some(q) = self.form.question(tq) {
                    columns.insert(q.name.as_str(), (*col, text.as_str()));
                    answers.set(tq, text);
                }
            }
        }

        // relevance, required, constraints
        let eval = self.form.evaluate(
            &answers,
            &EvalOptions {
                lang: &self.lang,
                now: Some(0.0),
            },
        );
        let mut stored = BTreeMap::new();
        let mut given: Vec<(String, String)> = answers.values.drain().collect();
        given.sort_unstable();
        for (name, value) in given {
            let Some(&(col, raw)) = columns.get(name.as_str()) else {
                continue;
            };
            if !eval.is_relevant(&name) {
                problems.push(
                    Problem::warning(
                        ProblemKind::NotRelevant,
                        format!(
                            "{raw:?} answers {name:?}, which the form's skip logic does not ask here; it is not stored"
                        ),
                    )
                    .at_row(n)
                    .in_column(self.header(col))
                    .about(&name)
                    .with_value(raw),
                );
                continue;
            }
            stored.insert(name, value);
        }
        for (name, message) in eval.failing_constraints() {
            let (col, raw) = columns.get(name.as_str()).copied().unwrap_or((0, ""));
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
            if columns.contains_key(name.as_str()) {
                p = p.in_column(self.header(col));
            }
            problems.push(p);
        }
        if out.status == ResponseStatus::Submitted {
            for (name, message) in eval.missing_required() {
                if had_value.contains(&name.as_str()) {
                    continue; // its value was refused above
                }
                let Some((col, _)) = columns.get(name.as_str()).copied().or_else(|| {
                    self.fields
                        .iter()
                        .find(|f| f.question == name)
                        .map(|f| (f.column, ""))
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
        out.answers = stored;
        out.problems = problems;
        out
    }

    fn text_question_of(&self, select: &str) -> Option<String> {
        let name = format!("{select}_other");
        self.form.question(&name).map(|q| q.name.clone())
    }
}

fn assemble(form: &Form, plan: &Plan) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut field = |fields: &mut Vec<Field>, name: &str, col: usize| -> Option<usize> {
        if let Some(&i) = at.get(name) {
            return Some(i);
        }
        let q = form.question(name)?;
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
            kind: q.kind.clone(),
            choices,
            how,
            column: col,
        });
        at.insert(name.to_owned(), fields.len() - 1);
        Some(fields.len() - 1)
    };
    for c in &plan.columns {
        match &c.target {
            Target::Question { question } => {
                if let Some(i) = field(&mut fields, question, c.index) {
                    if let Assemble::Multi { summary, .. } = &mut fields[i].how {
                        *summary = Some(c.index);
                    }
                }
            }
            Target::Option { question, choice } => {
                if let Some(i) = field(&mut fields, question, c.index) {
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
                if let Some(i) = field(&mut fields, question, c.index) {
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
                        if let Some(i) = field(&mut fields, t, c.index) {
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
