//! Reading an export into a header row and data rows.
//!
//! CSV is streamed: memory holds one record at a time, whatever the file's size. The
//! separator (`,` `;` tab or `|`) is sniffed from the first line outside quotes; a UTF-8
//! byte-order mark is dropped; CRLF, LF and quoted newlines are all fine. A cell that is
//! not UTF-8 is read as Windows-1252 (what Excel writes for "CSV" on Dutch Windows) and
//! the table remembers that it did. UTF-16 text (Excel's "Unicode text") is decoded
//! whole. Workbooks (`.xlsx`, `.xls`, `.ods`) are read whole with calamine, first sheet,
//! cell by cell (a far-away cell costs one cell, not a grid), after
//! `leernet_xlsform::guard` checked what they unpack to ([`IMPORT_LIMITS`]); numbers are
//! written as Excel's "General" shows them and dates as ISO text.
//!
//! Rows whose cells are all empty are skipped; row numbers are the file's line (or sheet
//! row) where the record starts, the header being row 1.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::sync::{Arc, Mutex};

use leernet_xlsform::guard::Limits;

use crate::problem::{Problem, ProblemKind};

/// One data row: its number in the file and its cells (as many as the header has, or
/// more when the row is ragged).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based row (line) number in the file.
    pub number: usize,
    /// Cell texts, in one buffer (an import reads millions of rows: one allocation per
    /// row, not one per cell).
    pub cells: csv::StringRecord,
}

/// A row of a workbook's sheet, before its repeats are folded in (`repeat_sheets`).
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// 1-based row number in the sheet.
    pub number: usize,
    /// Cell texts.
    pub cells: Vec<String>,
}

/// What kind of file the table came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Delimited text with this separator.
    Csv {
        /// The separator byte.
        delimiter: u8,
    },
    /// A spreadsheet workbook (first sheet).
    Workbook,
    /// An SPSS system file.
    Sav,
}

/// The most bytes one row of a CSV may take (its cells and their separators; a quoted
/// cell's line breaks included): 64 MiB. The CSV reader holds a row whole, so a longer
/// one (a file of one endless line) is refused while it is read, at its row.
pub const MAX_ROW_BYTES: u64 = 64 * 1024 * 1024;

/// Remembers the byte offsets of the line feeds read and not yet passed, so that a
/// record's line number can be told from its byte offset (memory: one read buffer), and
/// where the record being read started.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<LinesState>>);

/// The offsets of the line feeds not yet passed, the bytes read, the line feeds passed,
/// and the offset where the record being read started.
type LinesState = (VecDeque<u64>, u64, usize, u64);

/// The error a row longer than [`MAX_ROW_BYTES`] stops the reading with.
#[derive(Debug)]
struct RowTooLong;

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the row is longer than {} MiB, the limit for one row",
            MAX_ROW_BYTES >> 20
        )
    }
}

impl std::error::Error for RowTooLong {}

impl Lines {
    /// The next record starts at byte `offset`.
    fn started(&self, offset: u64) {
        if let Ok(mut g) = self.0.lock() {
            g.3 = offset;
        }
    }

    /// The 1-based line where the record being read started.
    fn record_line(&self) -> usize {
        let start = self.0.lock().map(|g| g.3).unwrap_or(0);
        self.line_of(start)
    }

    /// The 1-based line of the byte at `offset` (offsets must not go backwards).
    fn line_of(&self, offset: u64) -> usize {
        let Ok(mut g) = self.0.lock() else { return 0 };
        let (feeds, _, passed, _) = &mut *g;
        while feeds.front().is_some_and(|&f| f < offset) {
            feeds.pop_front();
            *passed += 1;
        }
        *passed + 1
    }
}

struct Counting<R> {
    inner: R,
    lines: Lines,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut g) = self.lines.0.lock() {
            let (feeds, at, _, start) = &mut *g;
            feeds.extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| *at + i as u64));
            *at += n as u64;
            if at.saturating_sub(*start) > MAX_ROW_BYTES {
                return Err(std::io::Error::other(RowTooLong));
            }
        }
        Ok(n)
    }
}

enum Source {
    Csv(Box<csv::Reader<Box<dyn Read>>>, csv::ByteRecord, Lines),
    Rows(std::vec::IntoIter<Row>),
}

/// A table being read: the header, then rows on demand.
pub struct Table {
    /// The first row, as written (trimmed of surrounding spaces).
    pub headers: Vec<String>,
    /// Where it came from.
    pub kind: TableKind,
    /// Per column, the value labels the file declares (code as the cells hold it, label):
    /// only an SPSS file has them.
    pub value_labels: Vec<Vec<(String, String)>>,
    lookahead: VecDeque<Row>,
    source: Source,
    latin1: bool,
    done: bool,
}

/// Decodes Windows-1252 (a superset of Latin-1 for printable text).
pub fn decode_cp1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// What a workbook (or ODK Central's zip) given to an import may unpack to: 1 GiB,
/// 20,000,000 cells over all its sheets (empty cells left of a filled one included) and
/// 256 KiB of text a cell. Checked before calamine reads it.
pub const IMPORT_LIMITS: Limits = Limits {
    max_unpacked_bytes: 1 << 30,
    max_cell_bytes: leernet_xlsform::guard::MAX_CELL_BYTES,
    max_cells: 20_000_000,
};

/// A cell as text: numbers as Excel's "General" shows them, dates as ISO text.
fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format_number(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) => leernet_xlsform::dates::excel_serial_to_iso(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Why a sheet was not read.
struct SheetError {
    problem: Box<Problem>,
    /// Over a limit of [`IMPORT_LIMITS`] (else calamine could not read the sheet).
    over_limit: bool,
}

/// A sheet's rows (header included), read cell by cell: a row holds the cells from
/// column A to its last filled one, row numbers as in the sheet. `slots` counts the cells
/// of all sheets so far; more than `IMPORT_LIMITS.max_cells` is refused; `text` is what is
/// left of the bytes their texts may take.
fn sheet_rows<RS: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Sheets<RS>,
    name: &str,
    slots: &mut u64,
    text: &mut u64,
) -> Result<Vec<SheetRow>, SheetError> {
    let max = IMPORT_LIMITS.max_cells;
    let mut cells = leernet_xlsform::read::sparse_cells(
        wb,
        name,
        "the workbook",
        usize::try_from(max).unwrap_or(usize::MAX),
        text,
    )
    .map_err(|e| SheetError {
        over_limit: e.over_limit,
        problem: Box::new(Problem::error(ProblemKind::Unreadable, e.message)),
    })?;
    cells.sort_unstable_by_key(|c| (c.0, c.1));
    let mut rows: Vec<SheetRow> = Vec::new();
    for (r, c, v) in cells {
        let number = r as usize + 1;
        if rows.last().is_none_or(|l| l.number != number) {
            rows.push(SheetRow {
                number,
                cells: Vec::new(),
            });
        }
        let row = rows.last_mut().expect("pushed above");
        let col = c as usize;
        // the empty cells left of this one are cells too
        *slots = slots.saturating_add((col + 1).saturating_sub(row.cells.len()) as u64);
        if *slots > max {
            return Err(SheetError {
                over_limit: true,
                problem: Box::new(Problem::error(
                    ProblemKind::Unreadable,
                    format!(
                        "the workbook could not be read: its sheets hold more than {max} cells (sheet '{name}', row {number}), the limit for an import"
                    ),
                )),
            });
        }
        if row.cells.len() <= col {
            row.cells.resize(col + 1, String::new());
        }
        row.cells[col] = cell_text(&v);
    }
    Ok(rows)
}

/// The cells of a record, each read as UTF-8 or else as Windows-1252.
fn decode_cells<'a>(cells: impl Iterator<Item = &'a [u8]>, latin1: &mut bool) -> csv::StringRecord {
    let mut out = csv::StringRecord::new();
    for f in cells {
        out.push_field(&decode_cell(f, latin1));
    }
    out
}

/// How many times `byte` occurs.
fn memchr_count(byte: u8, hay: &[u8]) -> usize {
    memchr::memchr_iter(byte, hay).count()
}

fn decode_cell(bytes: &[u8], latin1: &mut bool) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            *latin1 = true;
            decode_cp1252(bytes)
        }
    }
}

fn decode_utf16(bytes: &[u8], little: bool) -> Result<String, Problem> {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| {
            let pair = [c[0], *c.get(1).unwrap_or(&0)];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        })
        .collect();
    String::from_utf16(&units).map_err(|_| {
        Problem::error(
            ProblemKind::Unreadable,
            "the file starts like UTF-16 text but is not valid UTF-16; save it as CSV UTF-8",
        )
    })
}

/// The separator of the first line, counted outside quotes.
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = cands.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], 4 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        cands[best]
    }
}

fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Excel's "General" display of a number.
pub fn format_number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

impl Table {
    /// Opens a table from any reader; `name` is used in messages only.
    pub fn open(reader: Box<dyn Read>) -> Result<Table, Problem> {
        let mut buf = BufReader::with_capacity(1 << 16, reader);
        let head = buf
            .fill_buf()
            .map_err(|e| Problem::error(ProblemKind::Unreadable, format!("cannot read: {e}")))?
            .to_vec();
        if head.is_empty() {
            return Err(Problem::error(ProblemKind::Empty, "the file is empty"));
        }
        if crate::sav_read::is_sav(&head) {
            // read whole, at most as much as a workbook may unpack to
            let limit = IMPORT_LIMITS.max_unpacked_bytes;
            let mut bytes = Vec::new();
            buf.take(limit + 1).read_to_end(&mut bytes).map_err(|e| {
                Problem::error(ProblemKind::Unreadable, format!("cannot read: {e}"))
            })?;
            if bytes.len() as u64 > limit {
                return Err(Problem::error(
                    ProblemKind::Unreadable,
                    format!(
                        "the SPSS file is larger than {} MiB, the limit for an import",
                        limit >> 20
                    ),
                ));
            }
            return Table::from_sav(&bytes);
        }
        if is_workbook(&head) {
            let mut bytes = Vec::new();
            buf.read_to_end(&mut bytes).map_err(|e| {
                Problem::error(ProblemKind::Unreadable, format!("cannot read: {e}"))
            })?;
            // ODK Central's export with its repeats: a zip of CSV files
            if crate::odk_zip::is_csv_zip(&bytes) {
                leernet_xlsform::guard::check_workbook(&bytes, &IMPORT_LIMITS).map_err(|e| {
                    Problem::error(
                        ProblemKind::Unreadable,
                        format!("the zip could not be read: {e}"),
                    )
                })?;
                return Table::from_rows(crate::odk_zip::read(&bytes)?);
            }
            return Table::from_workbook(&bytes);
        }
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            let little = head[0] == 0xFF;
            let mut bytes = Vec::new();
            buf.read_to_end(&mut bytes).map_err(|e| {
                Problem::error(ProblemKind::Unreadable, format!("cannot read: {e}"))
            })?;
            let text = decode_utf16(&bytes[2..], little)?;
            return Table::from_csv(Box::new(Cursor::new(text.into_bytes())));
        }
        Table::from_csv(Box::new(buf))
    }

    /// Opens delimited text (UTF-8 with or without BOM, or Windows-1252).
    pub fn from_csv(reader: Box<dyn Read>) -> Result<Table, Problem> {
        let mut buf = BufReader::with_capacity(1 << 16, reader);
        let head = buf
            .fill_buf()
            .map_err(|e| Problem::error(ProblemKind::Unreadable, format!("cannot read: {e}")))?;
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let delimiter = sniff_delimiter(if bom { &head[3..] } else { head });
        if head.contains(&0) {
            return Err(Problem::error(
                ProblemKind::Unreadable,
                "the file holds binary data (NUL bytes): it is not a CSV export",
            ));
        }
        if bom {
            buf.consume(3);
        }
        let lines = Lines::default();
        let reader: Box<dyn Read> = Box::new(Counting {
            inner: buf,
            lines: lines.clone(),
        });
        let rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let mut t = Table {
            headers: Vec::new(),
            kind: TableKind::Csv { delimiter },
            value_labels: Vec::new(),
            lookahead: VecDeque::new(),
            source: Source::Csv(Box::new(rdr), csv::ByteRecord::new(), lines),
            latin1: false,
            done: false,
        };
        t.read_header()?;
        Ok(t)
    }

    /// Opens a workbook's first sheet (and folds KoboToolbox's repeat sheets into it).
    pub fn from_workbook(bytes: &[u8]) -> Result<Table, Problem> {
        // an .xls sheet that declares more than it holds is fitted to its cells first
        let bytes =
            leernet_xlsform::guard::checked_workbook(bytes, &IMPORT_LIMITS).map_err(|e| {
                Problem::error(
                    ProblemKind::Unreadable,
                    format!("the workbook could not be read: {e}"),
                )
            })?;
        let bytes: &[u8] = &bytes;
        // calamine panics on some damaged files (a short record of an .xls): the import
        // refuses the file and the process goes on
        let read = std::panic::catch_unwind(|| Table::read_workbook(bytes));
        read.unwrap_or_else(|_| {
            Err(Problem::error(
                ProblemKind::Unreadable,
                "the workbook could not be read: it is damaged",
            ))
        })
    }

    fn read_workbook(bytes: &[u8]) -> Result<Table, Problem> {
        use calamine::Reader;
        let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
            Problem::error(
                ProblemKind::Unreadable,
                format!("not a readable workbook: {e}"),
            )
        })?;
        let names = wb.sheet_names();
        let Some(first) = names.first() else {
            return Err(Problem::error(
                ProblemKind::Empty,
                "the workbook has no sheet",
            ));
        };
        let mut slots = 0u64;
        // the texts of all sheets together, each cell its own copy
        let mut text = IMPORT_LIMITS.max_unpacked_bytes;
        let mut rows = sheet_rows(&mut wb, first, &mut slots, &mut text).map_err(|e| *e.problem)?;
        // KoboToolbox puts each repeat in a sheet of its own: its instances become columns
        // of their submission's row (`kids_details[2]/kids_name`)
        if names.len() > 1 {
            let mut others = Vec::new();
            for name in names.iter().skip(1) {
                match sheet_rows(&mut wb, name, &mut slots, &mut text) {
                    Ok(rows) => others.push(crate::repeat_sheets::Sheet {
                        name: name.clone(),
                        rows,
                    }),
                    Err(e) if e.over_limit => return Err(*e.problem),
                    // a sheet calamine cannot read (a chart sheet) holds no repeat
                    Err(_) => {}
                }
            }
            rows = crate::repeat_sheets::merge(first, rows, &others)?;
        }
        Table::from_rows(rows)
    }

    /// Opens an SPSS system file: a column per variable (its long name), a row per case
    /// (row 2 is the first case, as in a workbook), numbers as Excel's "General" shows
    /// them, dates as ISO text, system- and user-missing values as empty cells, and the
    /// value labels of each column beside.
    pub fn from_sav(bytes: &[u8]) -> Result<Table, Problem> {
        let sav = crate::sav_read::read(bytes).map_err(|e| {
            Problem::error(
                ProblemKind::Unreadable,
                format!("the SPSS file could not be read: {e}"),
            )
        })?;
        let mut rows = Vec::with_capacity(sav.cases.len() + 1);
        rows.push(SheetRow {
            number: 1,
            cells: sav.variables.iter().map(|v| v.name.clone()).collect(),
        });
        for k in 0..sav.cases.len() {
            rows.push(SheetRow {
                number: k + 2,
                cells: (0..sav.variables.len()).map(|i| sav.cell(k, i)).collect(),
            });
        }
        let labels = sav
            .variables
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.value_labels
                    .iter()
                    .filter(|(code, _)| !v.missing.covers(code))
                    .map(|(code, label)| (sav.code_text(i, code), label.clone()))
                    .collect()
            })
            .collect();
        drop(sav);
        let mut t = Table::from_rows(rows)?;
        t.kind = TableKind::Sav;
        t.value_labels = labels;
        Ok(t)
    }

    /// A table of rows read whole (header first).
    fn from_rows(rows: Vec<SheetRow>) -> Result<Table, Problem> {
        let mut t = Table {
            headers: Vec::new(),
            kind: TableKind::Workbook,
            value_labels: Vec::new(),
            lookahead: VecDeque::new(),
            source: Source::Rows(
                rows.into_iter()
                    .map(|r| Row {
                        number: r.number,
                        cells: csv::StringRecord::from(r.cells),
                    })
                    .collect::<Vec<_>>()
                    .into_iter(),
            ),
            latin1: false,
            done: false,
        };
        t.read_header()?;
        Ok(t)
    }

    fn read_header(&mut self) -> Result<(), Problem> {
        match self.next_row() {
            Some(Ok(r)) => {
                self.headers = r.cells.iter().map(|h| h.trim().to_owned()).collect();
                Ok(())
            }
            Some(Err(p)) => Err(p),
            None => Err(Problem::error(
                ProblemKind::Empty,
                "the file holds no header row",
            )),
        }
    }

    /// Whether some cell was read as Windows-1252 because it was not UTF-8.
    pub fn read_as_cp1252(&self) -> bool {
        self.latin1
    }

    /// Looks at the next `n` data rows without consuming them (fewer at the end).
    pub fn peek(&mut self, n: usize) -> Result<Vec<Row>, Problem> {
        while self.lookahead.len() < n {
            match self.read_raw() {
                Some(Ok(r)) => self.lookahead.push_back(r),
                Some(Err(p)) => return Err(p),
                None => break,
            }
        }
        Ok(self.lookahead.iter().take(n).cloned().collect())
    }

    /// Drops the next data row (an extra header row).
    pub fn skip(&mut self) {
        if self.lookahead.pop_front().is_none() {
            let _ = self.read_raw();
        }
    }

    /// The next non-empty row.
    pub fn next_row(&mut self) -> Option<Result<Row, Problem>> {
        if let Some(r) = self.lookahead.pop_front() {
            return Some(Ok(r));
        }
        self.read_raw()
    }

    fn read_raw(&mut self) -> Option<Result<Row, Problem>> {
        loop {
            if self.done {
                return None;
            }
            let row = match &mut self.source {
                Source::Rows(it) => match it.next() {
                    Some(r) => r,
                    None => {
                        self.done = true;
                        return None;
                    }
                },
                Source::Csv(rdr, rec, lines) => match rdr.read_byte_record(rec) {
                    Ok(false) => {
                        self.done = true;
                        return None;
                    }
                    Ok(true) => {
                        // the line of the record's last byte, less its quoted line breaks
                        let end = rdr.position().byte().saturating_sub(1);
                        let inner = memchr_count(b'\n', rec.as_slice());
                        let number = lines.line_of(end).saturating_sub(inner);
                        lines.started(rdr.position().byte());
                        // UTF-8 checked once for the record; a record with a cell that is
                        // not UTF-8 is decoded cell by cell
                        // the record read is the row's; the next is read into a new one
                        // of the same size
                        let fresh = csv::ByteRecord::with_capacity(rec.as_slice().len(), rec.len());
                        let cells =
                            csv::StringRecord::from_byte_record(std::mem::replace(rec, fresh))
                                .unwrap_or_else(|e| {
                                    decode_cells(e.into_byte_record().iter(), &mut self.latin1)
                                });
                        Row { number, cells }
                    }
                    Err(e) => {
                        self.done = true;
                        let line = e
                            .position()
                            .map(|p| p.line() as usize)
                            .or_else(|| Some(lines.record_line()));
                        let mut p = Problem::error(
                            ProblemKind::Unreadable,
                            format!("not readable as CSV: {e}"),
                        );
                        p.row = line;
                        return Some(Err(p));
                    }
                },
            };
            if row.cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            return Some(Ok(row));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> (Vec<String>, Vec<Row>) {
        let mut t = Table::open(Box::new(Cursor::new(text.as_bytes().to_vec()))).unwrap();
        let mut out = Vec::new();
        while let Some(r) = t.next_row() {
            out.push(r.unwrap());
        }
        (t.headers.clone(), out)
    }

    #[test]
    fn row_numbers_are_lines() {
        for text in [
            "a,b\n1,2\n\n\"x\ny\",3\n4,5\n",
            "a,b\r\n1,2\r\n\r\n\"x\r\ny\",3\r\n4,5",
            "\u{feff}a;b\r\n1;2\r\n;\r\n\"x\ny\";3\r\n4;5\r\n\r\n",
        ] {
            let (h, r) = rows(text);
            assert_eq!(h, ["a", "b"], "{text:?}");
            let n: Vec<usize> = r.iter().map(|r| r.number).collect();
            assert_eq!(n, [2, 4, 6], "{text:?}");
            assert!(r[1].cells[0].starts_with('x'));
        }
    }
}
