//! XLSX export (rust_xlsxwriter): a `data` sheet (frozen header row, column widths from
//! the content, numbers as numbers, dates and date-times as Excel dates) and a `codebook`
//! sheet (the same columns as the CSV codebook). The document's creation time is fixed,
//! so the same dataset gives the same bytes.
//!
//! Every text is written as a string cell (never as a formula, so an answer such as
//! `=cmd|' /C calc'!A0` stays text and needs no quote in front), after
//! [`leernet_core::outbound::xml_chars`]: a character that XML 1.0 forbids (U+FFFE, U+FFFF,
//! most C0 controls) becomes U+FFFD instead of making the workbook unreadable.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::dataset::{Cell, Dataset};
use leernet_core::outbound::xml_chars;

/// An ISO date or date-time (an offset is dropped: the wall-clock time is kept) as an
/// Excel serial number, and whether it has a time part.
fn excel_serial(s: &str) -> Option<(f64, bool)> {
    use leernet_xlsform::dates;
    let s = s.trim();
    let (d, t) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let days = dates::parse_date(d)?;
    let base = dates::days_from_civil(1899, 12, 30);
    let mut serial = (days - base) as f64;
    if let Some(t) = t {
        let wall = t
            .split(['+', 'Z'])
            .next()
            .map(|w| {
                w.rsplit_once('-')
                    .map(|(a, _)| a)
                    .filter(|a| a.len() >= 5)
                    .unwrap_or(w)
            })
            .unwrap_or(t);
        let (secs, _) = dates::parse_time(wall)?;
        serial += secs / 86400.0;
    }
    Some((serial, t.is_some()))
}

/// Whether rust_xlsxwriter's check for a literal `_xHHHH_` would slice `s` inside a
/// character (it looks at the 4 bytes after every `_x` and panics when they end inside a
/// multi-byte character, as in `_xé…`).
fn trips_escape_check(s: &str) -> bool {
    s.match_indices("_x")
        .any(|(i, _)| i + 7 <= s.len() && !s.is_char_boundary(i + 6))
}

/// `s` with every literal `_xHHHH_` protected as Excel does (`_x005F_xHHHH_`), so that Excel
/// does not decode it as an escaped character. Boundary-safe.
fn protect_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(i) = rest.find("_x") {
        let hex = rest.get(i + 2..i + 6);
        out.push_str(&rest[..i]);
        if hex.is_some_and(|h| h.len() == 4 && h.bytes().all(|b| b.is_ascii_hexdigit())) {
            out.push_str("_x005F");
        }
        out.push_str("_x");
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// Writes one text cell as a string (never a formula), with the characters that XML
/// forbids replaced. A text that would make rust_xlsxwriter's escape check panic is written
/// as a one-run rich string, which Excel shows as the same plain text.
fn text(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    s: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    let s = xml_chars(s);
    if trips_escape_check(&s) {
        let protected = protect_escapes(&s);
        let plain = Format::default();
        let runs = [(&plain, protected.as_str())];
        match format {
            Some(f) => ws.write_rich_string_with_format(r, c, &runs, f)?,
            None => ws.write_rich_string(r, c, &runs)?,
        };
    } else {
        match format {
            Some(f) => ws.write_string_with_format(r, c, s.as_ref(), f)?,
            None => ws.write_string(r, c, s.as_ref())?,
        };
    }
    Ok(())
}

/// Writes the workbook.
pub fn write(ds: &Dataset) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?)
        .set_author("leernet");
    wb.set_properties(&props);
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    {
        let ws = wb.add_worksheet();
        ws.set_name("data")?;
        for (c, v) in ds.variables.iter().enumerate() {
            text(ws, 0, c as u16, &v.name, Some(&bold))?;
        }
        for (r, row) in ds.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, (cell, v)) in row.iter().zip(&ds.variables).enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Num(x) => {
                        ws.write_number(r, c, *x)?;
                    }
                    Cell::Text(t) if v.is_datetime => match excel_serial(t) {
                        Some((x, true)) => {
                            ws.write_number_with_format(r, c, x, &datetime)?;
                        }
                        Some((x, false)) => {
                            ws.write_number_with_format(r, c, x, &date)?;
                        }
                        None => text(ws, r, c, t, None)?,
                    },
                    Cell::Text(t) => text(ws, r, c, t, None)?,
                    Cell::Missing => {}
                }
            }
        }
        for (c, v) in ds.variables.iter().enumerate() {
            let widest = ds
                .rows
                .iter()
                .map(|r| match &r[c] {
                    Cell::Text(t) => t.chars().count(),
                    Cell::Num(_) => 8,
                    Cell::Missing => 0,
                })
                .max()
                .unwrap_or(0);
            let w = if v.is_datetime {
                19
            } else {
                widest.max(v.name.chars().count())
            };
            ws.set_column_width(c as u16, (w.clamp(6, 60) + 2) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("codebook")?;
        let mut widths: Vec<usize> = Vec::new();
        for (r, rec) in crate::csv_out::codebook_records(ds).iter().enumerate() {
            for (c, f) in rec.iter().enumerate() {
                text(ws, r as u32, c as u16, f, (r == 0).then_some(&bold))?;
                if widths.len() <= c {
                    widths.resize(c + 1, 0);
                }
                widths[c] = widths[c].max(f.chars().count());
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, ((*w).clamp(6, 60) + 2) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
    }
    wb.save_to_buffer()
}
