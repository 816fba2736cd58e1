//! XLSX export (rust_xlsxwriter): a `data` sheet (frozen header row, column widths from
//! the content, numbers as numbers, dates and date-times as Excel dates) and a `codebook`
//! sheet (the same columns as the CSV codebook). The document's creation time is fixed,
//! so the same dataset gives the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::dataset::{Cell, Dataset};

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
            ws.write_string_with_format(0, c as u16, &v.name, &bold)?;
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
                        None => {
                            ws.write_string(r, c, t)?;
                        }
                    },
                    Cell::Text(t) => {
                        ws.write_string(r, c, t)?;
                    }
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
        let text = crate::csv_out::codebook(ds);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_slice());
        let mut widths: Vec<usize> = Vec::new();
        for (r, rec) in rdr.records().enumerate() {
            let Ok(rec) = rec else { continue };
            for (c, f) in rec.iter().enumerate() {
                if r == 0 {
                    ws.write_string_with_format(r as u32, c as u16, f, &bold)?;
                } else {
                    ws.write_string(r as u32, c as u16, f)?;
                }
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
