//! ODK Central's "all data" export: a zip that holds the submissions in `<formId>.csv` and
//! each repeat's instances in a CSV of its own, `<formId>-<group>-<repeat>.csv`. A repeat
//! instance's row carries `PARENT_KEY` (the key of the submission or of the instance it
//! belongs to) and `KEY`, which is its parent's key and its path:
//! `uuid:…/children/child[2]`, nested `uuid:…/children/child[2]/toy[1]`. Its other
//! columns are its questions, named relative to the repeat (`name`, or `grp-name` inside a
//! group of the repeat).
//!
//! Every instance is folded into its submission's row as columns named by that path and
//! the question (`children/child[2]/toy[1]/name`), which the import maps onto leernet's
//! key (`child[2]/toy[1]/name`) and checks with the answer model like any other column.
//! The layout is the one ODK Central's own export tests write. The whole zip is read into
//! memory (a zip cannot be streamed row by row).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use crate::problem::{Problem, ProblemKind};
use crate::repeat_sheets::NewColumns;
use crate::table::SheetRow;

/// Whether a zip holds CSV files and is no workbook (an `.xlsx` has `[Content_Types].xml`).
pub fn is_csv_zip(bytes: &[u8]) -> bool {
    let Ok(zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let names: Vec<&str> = zip.file_names().collect();
    !names.contains(&"[Content_Types].xml") && names.iter().any(|n| is_csv(n))
}

/// The most one CSV of the zip may unpack to (a zip of a few megabytes can unpack to
/// gigabytes).
const MAX_ENTRY: u64 = 1 << 30;

fn is_csv(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".csv") && !name.contains("__MACOSX")
}

/// One CSV of the zip: its name and rows (header first).
struct Csv {
    name: String,
    rows: Vec<Vec<String>>,
}

fn unreadable(message: String) -> Problem {
    Problem::error(ProblemKind::Unreadable, message)
}

fn read_csvs(bytes: &[u8]) -> Result<Vec<Csv>, Problem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("not a readable zip file: {e}")))?;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| unreadable(format!("entry {i} of the zip cannot be read: {e}")))?;
        let name = f.name().to_owned();
        if !f.is_file() || !is_csv(&name) {
            continue;
        }
        let mut text = Vec::new();
        (&mut f)
            .take(MAX_ENTRY + 1)
            .read_to_end(&mut text)
            .map_err(|e| unreadable(format!("{name} in the zip cannot be read: {e}")))?;
        if text.len() as u64 > MAX_ENTRY {
            return Err(unreadable(format!(
                "{name} in the zip unpacks to more than {} MB: import the CSVs one by one",
                MAX_ENTRY >> 20
            )));
        }
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut rows = Vec::new();
        for (n, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| {
                unreadable(format!(
                    "{name} in the zip, row {}: not readable as UTF-8 CSV: {e}",
                    n + 1
                ))
            })?;
            rows.push(rec.iter().map(str::to_owned).collect());
        }
        out.push(Csv { name, rows });
    }
    Ok(out)
}

fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h.trim() == name)
}

/// The submissions' rows (header first, row numbers as in the submissions' CSV) with every
/// repeat instance folded in as columns.
pub fn read(bytes: &[u8]) -> Result<Vec<SheetRow>, Problem> {
    let csvs = read_csvs(bytes)?;
    let header_of = |c: &Csv| c.rows.first().cloned().unwrap_or_default();
    let (mains, repeats): (Vec<&Csv>, Vec<&Csv>) = csvs
        .iter()
        .filter(|c| column(&header_of(c), "KEY").is_some())
        .partition(|c| column(&header_of(c), "PARENT_KEY").is_none());
    let main = match mains.as_slice() {
        [m] => *m,
        [] => {
            return Err(Problem::error(
                ProblemKind::Format,
                "the zip holds no CSV of submissions (a CSV with a KEY column and no PARENT_KEY): is it ODK Central's export?",
            ))
        }
        several => {
            return Err(Problem::error(
                ProblemKind::Format,
                format!(
                    "the zip holds several CSVs of submissions ({}); import them one by one",
                    several
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    };
    let mut rows: Vec<SheetRow> = main
        .rows
        .iter()
        .enumerate()
        .map(|(i, cells)| SheetRow {
            number: i + 1,
            cells: cells.clone(),
        })
        .collect();
    let Some(header) = rows.first().map(|r| r.cells.clone()) else {
        return Ok(rows);
    };
    let key_col = column(&header, "KEY").unwrap_or(0);
    let by_key: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(i, r)| {
            r.cells
                .get(key_col)
                .map(|k| (k.trim().to_owned(), i))
                .filter(|(k, _)| !k.is_empty())
        })
        .collect();

    // new columns in the order first seen (files in name order, rows in file order)
    let mut columns = NewColumns::default();
    let mut repeats = repeats;
    repeats.sort_by(|a, b| a.name.cmp(&b.name));
    for csv in repeats {
        let h = header_of(csv);
        let (Some(kc), Some(pc)) = (column(&h, "KEY"), column(&h, "PARENT_KEY")) else {
            continue;
        };
        let questions: Vec<(usize, &str)> = h
            .iter()
            .enumerate()
            .filter(|(i, name)| {
                *i != kc && *i != pc && !name.trim().is_empty() && !name.starts_with("SET-OF-")
            })
            .map(|(i, name)| (i, name.trim()))
            .collect();
        for (n, r) in csv.rows.iter().enumerate().skip(1) {
            if r.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let key = r.get(kc).map(|k| k.trim()).unwrap_or("");
            // the submission's key is the key's first part (an instanceID has no '/')
            let (submission, path) = key.split_once('/').unwrap_or((key, ""));
            let Some(&main_row) = by_key.get(submission).filter(|_| !path.is_empty()) else {
                return Err(Problem::error(
                    ProblemKind::Unreadable,
                    format!(
                        "{}, row {}: its KEY {key:?} names no submission of {}; the repeat's answers would be lost",
                        csv.name,
                        n + 1,
                        main.name
                    ),
                )
                .at_row(n + 1));
            };
            for &(c, q) in &questions {
                let v = r.get(c).map(String::as_str).unwrap_or("");
                if v.trim().is_empty() {
                    continue;
                }
                columns.set(main_row, format!("{path}/{q}"), v.to_owned());
            }
        }
    }
    columns.append_to(&mut rows)?;
    Ok(rows)
}
