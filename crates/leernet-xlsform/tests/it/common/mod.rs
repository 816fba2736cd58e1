//! Helpers shared by the integration tests: where the fixture forms are.
#![allow(dead_code)]

use std::path::PathBuf;

/// `testdata/fixtures/xlsform/` in this repository: real public forms, copied with their
/// sources and licences (`SOURCES.md` there).
pub fn fixture_forms_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/fixtures/xlsform")
}

/// This crate's own fixture forms.
pub fn own_forms_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/forms")
}

/// Reads one of the real public forms in `testdata/fixtures/xlsform/`.
pub fn shared(name: &str) -> Vec<u8> {
    let path = fixture_forms_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses a form written as pyxform's markdown tables: a row whose first cell is a
/// sheet name opens that sheet; rows with an empty first cell are its rows (the first
/// one the header); `\|` escapes a pipe. Returns (sheet, rows of cells).
pub fn parse_md(md: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut sheets: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for line in md.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            continue;
        }
        let mut cells = Vec::new();
        let mut cur = String::new();
        let mut chars = line[1..].chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek() == Some(&'|') {
                cur.push('|');
                chars.next();
            } else if c == '|' {
                cells.push(cur.trim().to_string());
                cur.clear();
            } else {
                cur.push(c);
            }
        }
        if !cur.trim().is_empty() {
            cells.push(cur.trim().to_string());
        }
        let Some(first) = cells.first() else { continue };
        if !first.is_empty() {
            sheets.push((first.clone(), Vec::new()));
            continue;
        }
        if let Some(s) = sheets.last_mut() {
            s.1.push(cells[1..].to_vec());
        }
    }
    sheets
}

/// Writes a markdown form as .xlsx bytes (cells as strings).
pub fn md_to_xlsx(md: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in parse_md(md) {
        let ws = wb.add_worksheet();
        ws.set_name(&name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, cell).expect("cell");
                }
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

/// Reads a markdown form through leernet.
pub fn md_form(md: &str) -> Result<leernet_xlsform::Form, leernet_xlsform::FormError> {
    leernet_xlsform::Form::from_workbook(&md_to_xlsx(md), "test.xlsx")
}

/// The error diagnostics of a markdown form that must be invalid.
pub fn md_errors(md: &str) -> Vec<leernet_xlsform::Diagnostic> {
    match md_form(md) {
        Ok(_) => panic!("form accepted, expected errors:\n{md}"),
        Err(leernet_xlsform::FormError::Invalid(d)) => d
            .into_iter()
            .filter(|d| d.severity == leernet_xlsform::Severity::Error)
            .collect(),
        Err(e) => panic!("unreadable: {e}"),
    }
}

/// Asserts that a markdown form is invalid with an error on `row` whose message contains `needle`.
pub fn assert_error(md: &str, row: usize, needle: &str) {
    let errs = md_errors(md);
    assert!(
        errs.iter()
            .any(|d| d.row == Some(row) && d.message.contains(needle)),
        "expected an error on row {row} containing {needle:?}, got {errs:#?}"
    );
}

/// Reads a markdown form that must be valid.
pub fn valid(md: &str) -> leernet_xlsform::Form {
    match md_form(md) {
        Ok(f) => f,
        Err(e) => panic!("form rejected: {e}\n{md}"),
    }
}

pub mod crafted;
