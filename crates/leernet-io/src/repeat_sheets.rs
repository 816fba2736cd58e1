//! KoboToolbox's XLSX export puts each repeat in a sheet of its own: the submissions on the
//! first sheet with an `_index`, each repeat's instances on a sheet named after the repeat,
//! with `_index`, `_parent_table_name` (the sheet of the parent: the first sheet, or the
//! enclosing repeat's) and `_parent_index` (the parent row's `_index`). Column headers are
//! paths such as `kids/kids_details/kids_name`.
//!
//! [`merge`] folds those sheets back into the first: every instance becomes columns of its
//! submission's row, headed the way leernet stores the answer (`kids_details[2]/kids_name`,
//! nested `kids_details[1]/kids_immunization[3]/immunization_info`), numbered in the order
//! the instances appear under their parent. The import then maps these columns like any
//! other (`plan.rs`), and checks them with the form's repeats.
//!
//! A submission whose `_uuid` is empty on the first sheet gets the uuid its repeat rows
//! hold in `_submission__uuid` (some exports leave the first sheet's empty): the
//! respondent's id is then the uuid, not a hash of the row.
//!
//! Sheets that are not repeat sheets (no `_parent_index` / `_parent_table_name`) are left
//! out, as before; a workbook whose first sheet has no `_index` is returned unchanged.

use std::collections::HashMap;

use crate::problem::{Problem, ProblemKind};
use crate::table::SheetRow as Row;

/// A sheet other than the first: its name and its rows, header first.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h.trim() == name)
}

/// The name of the repeat a sheet holds: the sheet's name, or (Excel cuts sheet names at 31
/// characters) the path segment of its columns that begins with it.
fn repeat_name(sheet: &str, headers: &[&str]) -> String {
    for h in headers {
        let segments: Vec<&str> = h.split('/').collect();
        if let Some(seg) = segments[..segments.len().saturating_sub(1)]
            .iter()
            .rev()
            .find(|s| s.starts_with(sheet))
        {
            return (*seg).to_owned();
        }
    }
    sheet.to_owned()
}

/// The sheet a `_parent_table_name` means: the sheet of that name, or the one whose name
/// Excel cut at 31 characters from it.
fn table_of<'a, V>(places: &'a HashMap<String, V>, name: &str) -> Option<&'a str> {
    if let Some((k, _)) = places.get_key_value(name) {
        return Some(k.as_str());
    }
    let mut cut: Vec<&String> = places
        .keys()
        .filter(|k| k.chars().count() == 31 && name.starts_with(k.as_str()))
        .collect();
    cut.sort();
    cut.first().map(|k| k.as_str())
}

/// Where a row of a sheet belongs: the submission's row (position in the first sheet's
/// data) and the key prefix of its instance (`kids_details[2]/`).
#[derive(Debug, Clone)]
struct Place {
    main: usize,
    prefix: String,
}

/// Folds the repeat sheets into the first sheet's rows (header first); see the module
/// documentation. A repeat row whose parent cannot be found is an error that names its
/// sheet and row: its answers would otherwise be lost without a word.
pub fn merge(first: &str, mut main: Vec<Row>, sheets: &[Sheet]) -> Result<Vec<Row>, Problem> {
    let Some(header) = main.first().map(|r| r.cells.clone()) else {
        return Ok(main);
    };
    let Some(main_index) = column(&header, "_index") else {
        return Ok(main);
    };
    let repeat_sheets: Vec<&Sheet> = sheets
        .iter()
        .filter(|s| {
            s.rows.first().is_some_and(|h| {
                column(&h.cells, "_parent_index").is_some()
                    && column(&h.cells, "_parent_table_name").is_some()
            })
        })
        .collect();
    if repeat_sheets.is_empty() {
        return Ok(main);
    }
    // the places of every sheet's rows by their `_index`; the first sheet's first
    let mut places: HashMap<String, HashMap<String, Place>> = HashMap::new();
    let firsts: HashMap<String, Place> = main
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(i, r)| {
            let ix = r.cells.get(main_index)?.trim();
            (!ix.is_empty()).then(|| {
                (
                    ix.to_owned(),
                    Place {
                        main: i,
                        prefix: String::new(),
                    },
                )
            })
        })
        .collect();
    places.insert(first.to_owned(), firsts);
    // new columns in the order they first appear, and their values per submission row
    let mut columns = NewColumns::default();
    // the submission's uuid that a repeat row holds (`_submission__uuid`), per row of the
    // first sheet: it fills a `_uuid` the first sheet left empty
    let mut uuids: HashMap<usize, String> = HashMap::new();
    // parents come before their children, whatever the order of the sheets
    let mut pending: Vec<&Sheet> = repeat_sheets;
    while !pending.is_empty() {
        let before = pending.len();
        let mut later = Vec::new();
        for sheet in pending {
            let h = &sheet.rows[0].cells;
            let parent_table = column(h, "_parent_table_name").unwrap_or(0);
            let parent_index = column(h, "_parent_index").unwrap_or(0);
            let own_index = column(h, "_index");
            let submission_uuid = column(h, "_submission__uuid");
            let parents_known = sheet.rows[1..].iter().all(|r| {
                let p = r.cells.get(parent_table).map(|s| s.trim()).unwrap_or("");
                p.is_empty() || table_of(&places, p).is_some()
            });
            if !parents_known {
                later.push(sheet);
                continue;
            }
            let data_cols: Vec<(usize, &str)> = h
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.trim().is_empty() && !c.trim().starts_with('_'))
                .map(|(i, c)| (i, c.trim()))
                .collect();
            let repeat = repeat_name(
                &sheet.name,
                &data_cols.iter().map(|(_, c)| *c).collect::<Vec<_>>(),
            );
            let mut seen: HashMap<(String, String), usize> = HashMap::new();
            let mut own: HashMap<String, Place> = HashMap::new();
            for r in &sheet.rows[1..] {
                if r.cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let cell = |c: usize| r.cells.get(c).map(|s| s.trim()).unwrap_or("");
                let (pt, pi) = (cell(parent_table), cell(parent_index));
                let pt = if pt.is_empty() { first } else { pt };
                let Some(parent) = table_of(&places, pt)
                    .and_then(|t| places[t].get(pi))
                    .cloned()
                else {
                    return Err(Problem::error(
                        ProblemKind::Unreadable,
                        format!(
                            "sheet {:?}, row {}: its parent (_parent_table_name {pt:?}, _parent_index {pi:?}) is not in the workbook",
                            sheet.name, r.number
                        ),
                    ));
                };
                if let Some(u) = submission_uuid.map(cell).filter(|u| !u.is_empty()) {
                    uuids.entry(parent.main).or_insert_with(|| u.to_owned());
                }
                let k = seen.entry((pt.to_owned(), pi.to_owned())).or_insert(0);
                *k += 1;
                let prefix = format!("{}{repeat}[{k}]/", parent.prefix);
                if let Some(ix) = own_index.map(cell).filter(|s| !s.is_empty()) {
                    own.insert(
                        ix.to_owned(),
                        Place {
                            main: parent.main,
                            prefix: prefix.clone(),
                        },
                    );
                }
                for &(c, path) in &data_cols {
                    let v = cell(c);
                    if v.is_empty() {
                        continue;
                    }
                    // the path below the repeat: `kids/kids_details/kids_name` → `kids_name`
                    let segments: Vec<&str> = path.split('/').collect();
                    let below = match segments.iter().rposition(|s| *s == repeat) {
                        Some(p) if p + 1 < segments.len() => segments[p + 1..].join("/"),
                        _ => segments[segments.len() - 1].to_owned(),
                    };
                    columns.set(parent.main, format!("{prefix}{below}"), r.cells[c].clone());
                }
            }
            places.insert(sheet.name.clone(), own);
        }
        if later.len() == before {
            let names: Vec<&str> = later.iter().map(|s| s.name.as_str()).collect();
            return Err(Problem::error(
                ProblemKind::Unreadable,
                format!(
                    "the repeat sheets {names:?} name parent sheets that are not in the workbook"
                ),
            ));
        }
        pending = later;
    }
    if let Some(uc) = column(&header, "_uuid") {
        for (i, u) in uuids {
            let Some(row) = main.get_mut(i) else { continue };
            if row.cells.len() <= uc {
                row.cells.resize(uc + 1, String::new());
            }
            if row.cells[uc].trim().is_empty() {
                row.cells[uc] = u;
            }
        }
    }
    columns.append_to(&mut main)?;
    Ok(main)
}

/// Columns added to a sheet's rows (the repeats' instances), in the order first seen.
#[derive(Debug, Default)]
pub(crate) struct NewColumns {
    headers: Vec<String>,
    at: HashMap<String, usize>,
    values: HashMap<(usize, usize), String>,
}

impl NewColumns {
    /// The value of column `header` in row `row` (0 is the header row).
    pub(crate) fn set(&mut self, row: usize, header: String, value: String) {
        let n = match self.at.get(&header) {
            Some(&n) => n,
            None => {
                self.headers.push(header.clone());
                self.at.insert(header, self.headers.len() - 1);
                self.headers.len() - 1
            }
        };
        self.values.insert((row, n), value);
    }

    /// Appends the columns to the rows (header first), after as many cells as the header
    /// has. Every row gets every column: more cells than an import may hold
    /// ([`crate::table::IMPORT_LIMITS`]; a few thousand instances of one submission on a
    /// few thousand rows make millions) are refused before they are made.
    pub(crate) fn append_to(mut self, rows: &mut [Row]) -> Result<(), Problem> {
        let width = rows.first().map_or(0, |h| h.cells.len());
        let max = crate::table::IMPORT_LIMITS.max_cells;
        let cells = (rows.len() as u64).saturating_mul((width + self.headers.len()) as u64);
        if cells > max {
            return Err(Problem::error(
                ProblemKind::Unreadable,
                format!(
                    "the repeats' instances make {} columns for each of {} rows, more than {max} cells, the limit for an import",
                    width + self.headers.len(),
                    rows.len().saturating_sub(1)
                ),
            ));
        }
        for (i, row) in rows.iter_mut().enumerate() {
            if row.cells.len() < width {
                row.cells.resize(width, String::new());
            }
            if i == 0 {
                row.cells.extend(self.headers.iter().cloned());
            } else {
                let values = &mut self.values;
                row.cells.extend(
                    (0..self.headers.len()).map(|n| values.remove(&(i, n)).unwrap_or_default()),
                );
            }
        }
        Ok(())
    }
}
