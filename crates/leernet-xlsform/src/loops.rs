//! The old `begin loop over LIST` … `end loop` construct, unrolled as pyxform does.
//!
//! Why: real forms still use it (pyxform accepts it; ODK has no loop of its own). A loop
//! asks the same questions once per choice of a list: pyxform writes a group named as the
//! loop, holding one group per choice (named and labelled as the choice), each holding the
//! loop's rows; `%(name)s` and `%(label)s` in a label or hint become the choice's name and
//! label. leernet unrolls the survey sheet's rows the same way before reading them, so the
//! rest of the reader sees plain groups; rows keep their spreadsheet numbers, so a message
//! about a question inside a loop names the row the author wrote.
//!
//! One difference, on purpose: leernet keeps one answer per question name, so each copy of
//! a question is named after its choice (`count` in a loop over `cow` and `goat` becomes
//! `count_cow` and `count_goat`), where pyxform keeps `count` under two paths
//! (`animal/cow/count`). An export of the form from another tool still imports: its columns
//! are matched by their path (`animal/cow/count`), which stays the same.
//!
//! Bounded: the unrolled sheet may hold no more cells than a sheet may
//! ([`crate::read::MAX_SHEET_CELLS`]); a loop that would make more is an error.

use crate::diag::Diagnostic;
use crate::form::Choice;
use crate::read::{language_code, Row, Sheet, MAX_SHEET_CELLS};
use std::collections::BTreeMap;

/// A `type` cell's loop keyword: `Some(Some(list))` opens a loop over `list`,
/// `Some(None)` closes one.
fn loop_keyword(cell: &str) -> Option<Option<&str>> {
    let words: Vec<&str> = cell.split_whitespace().collect();
    match words.as_slice() {
        ["begin", "loop", "over", list] | ["begin_loop", "over", list] => Some(Some(list)),
        ["begin", "loop", list] | ["begin_loop", list] => Some(Some(list)),
        ["end", "loop"] | ["end_loop"] => Some(None),
        _ => None,
    }
}

/// The survey sheet with its loops unrolled, or `None` when it has none.
pub(crate) fn unroll(
    survey: &Sheet,
    choices: &BTreeMap<String, Vec<Choice>>,
    default_language: &Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Sheet> {
    let type_col = survey.col("type")?;
    if !survey
        .rows
        .iter()
        .any(|r| loop_keyword(r.cells.get(type_col).map(String::as_str).unwrap_or("")).is_some())
    {
        return None;
    }
    let u = Unroller {
        survey,
        type_col,
        name_col: survey.col("name"),
        // label and hint columns, each with the language code it is in ("" = none given)
        texts: survey
            .headers
            .iter()
            .enumerate()
            .filter(|(_, h)| matches!(h.column.as_str(), "label" | "hint"))
            .map(|(i, h)| {
                let lang = h.lang.as_deref().map(|l| language_code(l).0);
                (i, h.column == "label", lang)
            })
            .collect(),
        choices,
        default_language,
        max_rows: MAX_SHEET_CELLS / survey.headers.len().max(1),
    };
    let mut rows = Vec::new();
    let mut pos = 0;
    if let Err(e) = u.rows_until_end(&mut pos, false, &mut rows, diags) {
        diags.push(e);
        return Some(Sheet {
            rows: Vec::new(),
            ..survey.clone()
        });
    }
    Some(Sheet {
        rows,
        ..survey.clone()
    })
}

struct Unroller<'a> {
    survey: &'a Sheet,
    type_col: usize,
    name_col: Option<usize>,
    texts: Vec<(usize, bool, Option<String>)>,
    choices: &'a BTreeMap<String, Vec<Choice>>,
    default_language: &'a Option<String>,
    max_rows: usize,
}

impl Unroller<'_> {
    fn type_of(&self, r: &Row) -> Option<Option<String>> {
        let cell = r.cells.get(self.type_col).map(String::as_str).unwrap_or("");
        loop_keyword(cell).map(|k| k.map(str::to_owned))
    }

    fn with_type(&self, r: &Row, t: &str) -> Row {
        let mut r = r.clone();
        if let Some(c) = r.cells.get_mut(self.type_col) {
            *c = t.to_owned();
        }
        r
    }

    fn push(&self, out: &mut Vec<Row>, row: Row) -> Result<(), Diagnostic> {
        if out.len() >= self.max_rows {
            return Err(Diagnostic::error(
                &self.survey.name,
                Some(row.number),
                Some("type"),
                format!(
                    "The loops of this form would make more than {} rows; write the repeated questions as a repeat instead.",
                    self.max_rows
                ),
            ));
        }
        out.push(row);
        Ok(())
    }

    /// Copies rows from `pos` on, unrolling loops, until the `end loop` that closes the
    /// enclosing loop (when `inside`) or the end of the sheet.
    fn rows_until_end(
        &self,
        pos: &mut usize,
        inside: bool,
        out: &mut Vec<Row>,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<Option<usize>, Diagnostic> {
        // `Ok(Some(i))`: the closing `end loop` is row index `i`; `Ok(None)`: none came.
        let rows = &self.survey.rows;
        while *pos < rows.len() {
            let r = &rows[*pos];
            *pos += 1;
            match self.type_of(r) {
                None => self.push(out, r.clone())?,
                Some(None) if inside => return Ok(Some(*pos - 1)),
                Some(None) => diags.push(Diagnostic::error(
                    &self.survey.name,
                    Some(r.number),
                    Some("type"),
                    "Unmatched 'end loop'. No matching 'begin loop' was found; remove this row or add a 'begin loop over LIST' above it.",
                )),
                Some(Some(list)) => self.one_loop(r, &list, pos, out, diags)?,
            }
        }
        Ok(None)
    }

    /// The loop opened by `begin` (its body starts at `pos`): a group named as the loop,
    /// holding one group per choice of `list`.
    fn one_loop(
        &self,
        begin: &Row,
        list: &str,
        pos: &mut usize,
        out: &mut Vec<Row>,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<(), Diagnostic> {
        // the body, once, unrolled (loops inside it included)
        let mut body = Vec::new();
        let end = self.rows_until_end(pos, true, &mut body, diags)?;
        let end_row = match end {
            Some(i) => self.survey.rows[i].clone(),
            None => {
                diags.push(Diagnostic::error(
                    &self.survey.name,
                    Some(begin.number),
                    Some("type"),
                    "Unmatched 'begin loop'. No matching 'end loop' was found; add an 'end loop' row after the loop's questions.",
                ));
                begin.clone()
            }
        };
        let Some(items) = self.choices.get(list) else {
            diags.push(Diagnostic::error(
                &self.survey.name,
                Some(begin.number),
                Some("type"),
                format!(
                    "List name not in choices sheet: '{list}'. The loop goes over the choices of a list; add the list to the 'choices' sheet."
                ),
            ));
            return Ok(());
        };
        self.push(out, self.with_type(begin, "begin group"))?;
        for c in items {
            // a row of its own: only type, name and labels (nothing of the loop's row)
            let mut open = Row {
                number: begin.number,
                cells: vec![String::new(); begin.cells.len()],
            };
            if let Some(t) = open.cells.get_mut(self.type_col) {
                *t = "begin group".to_owned();
            }
            if let Some(n) = self.name_col.and_then(|i| open.cells.get_mut(i)) {
                *n = c.name.clone();
            }
            for (i, is_label, lang) in &self.texts {
                if *is_label {
                    if let Some(cell) = open.cells.get_mut(*i) {
                        *cell = self.choice_label(c, lang).to_owned();
                    }
                }
            }
            self.push(out, open)?;
            for r in &body {
                let mut r = r.clone();
                if let Some(n) = self.name_col.and_then(|i| r.cells.get_mut(i)) {
                    if !n.trim().is_empty() {
                        *n = format!("{}_{}", n.trim(), c.name);
                    }
                }
                // every column, as pyxform does (a `relevant` of
                // `selected(${x}, '%(name)s')` asks each copy about its own choice); a
                // label or hint in a language takes the choice's label in that language
                for (i, cell) in r.cells.iter_mut().enumerate() {
                    if i == self.type_col || !cell.contains("%(") {
                        continue;
                    }
                    let lang = self.texts.iter().find(|t| t.0 == i).map_or(&None, |t| &t.2);
                    *cell = cell
                        .replace("%(name)s", &c.name)
                        .replace("%(label)s", self.choice_label(c, lang));
                }
                self.push(out, r)?;
            }
            let mut close = self.with_type(&end_row, "end group");
            if let Some(n) = self.name_col.and_then(|i| close.cells.get_mut(i)) {
                n.clear();
            }
            self.push(out, close)?;
        }
        self.push(out, self.with_type(&end_row, "end group"))?;
        Ok(())
    }

    fn choice_label<'c>(&self, c: &'c Choice, lang: &Option<String>) -> &'c str {
        let lang = lang
            .as_deref()
            .or(self.default_language.as_deref())
            .unwrap_or("");
        c.label.get(lang)
    }
}
