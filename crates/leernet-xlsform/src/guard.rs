//! Bounds on what a workbook may unpack to, checked before calamine reads it.
//!
//! calamine trusts a workbook's own sizes: it unpacks a zip entry's XML as far as it goes,
//! repeats an ODS cell `table:number-columns-repeated` times cell by cell when it opens
//! the file, and keeps every string it reads. A file of 1.3 KB can so ask for gigabytes,
//! and an allocation that fails aborts the whole process — the web server with it. This
//! module reads the entries of a zipped workbook (`.xlsx`, `.xlsb`, `.ods`) once, before
//! calamine does, counting
//!
//! - the bytes every entry unpacks to, together ([`Limits::max_unpacked_bytes`]; the
//!   counting stops at the limit, so a zip bomb costs no more than the limit's time);
//! - the longest run of an XML entry without markup: a cell's text or an attribute
//!   ([`Limits::max_cell_bytes`]; Excel itself stops at 32,767 characters a cell);
//! - for an ODS's `content.xml`, the cells calamine will make of its repeats, as calamine
//!   makes them ([`Limits::max_cells`]), and the bytes of their texts, each cell its own
//!   copy ([`Limits::max_unpacked_bytes`]).
//!
//! An `.xls` is held to the same limits by `xls_guard`, which also refuses the sector
//! chains calamine would follow without end. What is over a limit is refused with one
//! sentence naming the limit. Sheets that pass are then read cell by cell where calamine
//! allows it (`read::sparse_cells`), so a single far-away cell (`XFD1048576`) costs one
//! cell, not a dense grid.

use std::io::{BufReader, Cursor, Read};

/// What a workbook may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes all entries of the zip unpack to, together.
    pub max_unpacked_bytes: u64,
    /// Bytes of one run of text in an XML entry (a cell's text, an attribute).
    pub max_cell_bytes: u64,
    /// Cells of all sheets together, empty cells between filled ones included.
    pub max_cells: u64,
}

/// The most times an ODS may repeat one cell or row (`number-columns-repeated`,
/// `number-rows-repeated`): LibreOffice repeats empty ones to the end of its sheet, at most
/// 16,777,216 rows. A larger count is refused, so calamine's sums of them cannot overflow.
const MAX_REPEAT: u64 = 1 << 31;

/// Bytes of one cell's text (or any run of an XML entry without markup): 256 KiB, room
/// for Excel's own limit of 32,767 characters a cell even when every one is escaped.
pub const MAX_CELL_BYTES: u64 = 256 * 1024;

impl Limits {
    /// A questionnaire (`Form::from_workbook`): 256 MiB unpacked, 2,000,000 cells.
    pub const QUESTIONNAIRE: Limits = Limits {
        max_unpacked_bytes: 256 * 1024 * 1024,
        max_cell_bytes: MAX_CELL_BYTES,
        max_cells: crate::read::MAX_SHEET_CELLS as u64,
    };
}

/// Why a workbook was refused; `Display` is one sentence (without the file's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitError {
    /// The entries unpack to more than the limit.
    Unpacked {
        /// The limit, in bytes.
        limit: u64,
    },
    /// An XML entry holds a run of text longer than the limit.
    CellBytes {
        /// The entry (`xl/sharedStrings.xml`).
        entry: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The sheets would hold more cells than the limit.
    Cells {
        /// The sheet, as its `table:name` says.
        sheet: String,
        /// The limit, in cells.
        limit: u64,
    },
    /// An `.xls` declares more cells (its `DIMENSIONS` and the far corners of its
    /// cells) than the limit.
    Declared {
        /// The sheet, counted from 1 in the order the workbook lists them.
        sheet: usize,
        /// The limit, in cells.
        limit: u64,
    },
    /// An ODS's texts, repeated as calamine repeats them, come to more than the limit.
    RepeatedText {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The zip's entries (or an `.xls`'s sectors) could not be read.
    Damaged(String),
}

impl std::fmt::Display for LimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitError::Unpacked { limit } => write!(
                f,
                "it unpacks to more than {} MiB, the limit for a workbook",
                limit / (1024 * 1024)
            ),
            LimitError::CellBytes { entry, limit } => write!(
                f,
                "its part {entry} holds a text of more than {} KiB, the limit for one cell",
                limit / 1024
            ),
            LimitError::Cells { sheet, limit } => write!(
                f,
                "sheet '{sheet}' repeats its cells to more than {limit} cells, the limit for a workbook"
            ),
            LimitError::Declared { sheet, limit } => write!(
                f,
                "its sheet {sheet} declares more than {limit} cells, the limit for a workbook"
            ),
            LimitError::RepeatedText { limit } => write!(
                f,
                "the texts of its cells, repeated, come to more than {} MiB, the limit for a workbook",
                limit / (1024 * 1024)
            ),
            LimitError::Damaged(cause) => write!(f, "the workbook is damaged ({cause})"),
        }
    }
}

impl std::error::Error for LimitError {}

impl LimitError {
    /// What kind of limit, for a translated message, and its value in the unit the
    /// message names: `unpacked` and `text` in MiB, `cell` in KiB, `cells` in cells,
    /// `damaged` without a value.
    pub fn kind(&self) -> (&'static str, u64) {
        match self {
            LimitError::Unpacked { limit } => ("unpacked", limit >> 20),
            LimitError::CellBytes { limit, .. } => ("cell", limit >> 10),
            LimitError::Cells { limit, .. } | LimitError::Declared { limit, .. } => {
                ("cells", *limit)
            }
            LimitError::RepeatedText { limit } => ("text", limit >> 20),
            LimitError::Damaged(_) => ("damaged", 0),
        }
    }
}

/// The bytes to hand to calamine, checked against `limits`: an `.xls` whose sheets declare
/// a larger area than their cells fill is first fitted to its cells (see
/// `xls_guard::fit_dimensions`: spreadsheet programs declare the whole formatted area, and
/// calamine would reserve memory for all of it); every other workbook is checked as it is
/// ([`check_workbook`]). Read the returned bytes, never the ones given.
pub fn checked_workbook<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<std::borrow::Cow<'a, [u8]>, LimitError> {
    let bytes = match bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        true => match crate::xls_guard::fit_dimensions(bytes) {
            Some(fitted) => std::borrow::Cow::Owned(fitted),
            None => std::borrow::Cow::Borrowed(bytes),
        },
        false => std::borrow::Cow::Borrowed(bytes),
    };
    check_workbook(&bytes, limits)?;
    Ok(bytes)
}

/// Checks a workbook against `limits` before it is read: a zip (`.xlsx`, `.xlsb`, `.ods`)
/// or an `.xls` (`xls_guard`); other bytes pass unchecked, and so do bytes that are
/// neither (the reader says why).
pub fn check_workbook(bytes: &[u8], limits: &Limits) -> Result<(), LimitError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return crate::xls_guard::check(bytes, limits);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(());
    }
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut budget = limits.max_unpacked_bytes;
    let mut cells = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| LimitError::Damaged(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        let lower = name.to_ascii_lowercase();
        let xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        let mut counted = Counted {
            inner: entry,
            budget: &mut budget,
            run: if xml { Some(0) } else { None },
            max_run: limits.max_cell_bytes,
        };
        let result = if lower == "content.xml" {
            ods_cells(&mut counted, limits, &mut cells)
        } else {
            std::io::copy(&mut counted, &mut std::io::sink())
                .map(|_| ())
                .map_err(over)
        };
        match result {
            Ok(()) => {}
            Err(Over::Bytes) => {
                return Err(LimitError::Unpacked {
                    limit: limits.max_unpacked_bytes,
                })
            }
            Err(Over::Run) => {
                return Err(LimitError::CellBytes {
                    entry: name,
                    limit: limits.max_cell_bytes,
                })
            }
            Err(Over::Text) => {
                return Err(LimitError::RepeatedText {
                    limit: limits.max_unpacked_bytes,
                })
            }
            Err(Over::Cells(sheet)) => {
                return Err(LimitError::Cells {
                    sheet,
                    limit: limits.max_cells,
                })
            }
            Err(Over::Io(e)) => return Err(LimitError::Damaged(e.to_string())),
        }
    }
    Ok(())
}

/// Why the reading of an entry stopped.
enum Over {
    Bytes,
    Run,
    Text,
    Cells(String),
    Io(std::io::Error),
}

/// Marker errors inside `std::io::Error`, told apart again by `over`.
#[derive(Debug)]
struct BytesMarker;
#[derive(Debug)]
struct RunMarker;

impl std::fmt::Display for BytesMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unpacked bytes over the limit")
    }
}
impl std::error::Error for BytesMarker {}
impl std::fmt::Display for RunMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a text over the limit of one cell")
    }
}
impl std::error::Error for RunMarker {}

/// The marker an `io::Error` carries, if any.
fn marker(e: &std::io::Error) -> Option<Over> {
    match e.get_ref() {
        Some(inner) if inner.is::<BytesMarker>() => Some(Over::Bytes),
        Some(inner) if inner.is::<RunMarker>() => Some(Over::Run),
        _ => None,
    }
}

fn over(e: std::io::Error) -> Over {
    marker(&e).unwrap_or(Over::Io(e))
}

/// Reads an entry, counting its bytes against the budget and, in XML, the longest run
/// of bytes without a `<`.
struct Counted<'b, R> {
    inner: R,
    budget: &'b mut u64,
    run: Option<u64>,
    max_run: u64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // never more than the budget plus one byte, so a bomb stops at the limit
        let want = buf
            .len()
            .min(usize::try_from(self.budget.saturating_add(1)).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        let n64 = n as u64;
        if n64 > *self.budget {
            *self.budget = 0;
            return Err(std::io::Error::other(BytesMarker));
        }
        *self.budget -= n64;
        if let Some(run) = &mut self.run {
            let part = &buf[..n];
            let mut start = 0usize;
            for i in memchr::memchr_iter(b'<', part) {
                if *run + (i - start) as u64 > self.max_run {
                    return Err(std::io::Error::other(RunMarker));
                }
                *run = 0;
                start = i + 1;
            }
            *run += (part.len() - start) as u64;
            if *run > self.max_run {
                return Err(std::io::Error::other(RunMarker));
            }
        }
        Ok(n)
    }
}

/// The cells calamine makes of an ODS's `content.xml`, added to `total`: every row's
/// cells up to its last filled one (repeats expanded), and each sheet's grid from its
/// first to its last filled row. Cells with content or children count as filled.
fn ods_cells<R: Read>(entry: R, limits: &Limits, total: &mut u64) -> Result<(), Over> {
    let max_cells = limits.max_cells;
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::with_capacity(1024);
    let mut sheet = String::new();
    // per sheet
    let mut pushed = 0u64;
    let mut width = 0u64;
    let mut since_first: Option<u64> = None;
    let mut dense_rows = 0u64;
    // per row
    let mut in_row: Option<u64> = None;
    let mut row_len = 0u64;
    let mut pending = 0u64;
    let mut filled = false;
    let mut sheets_before = 0u64;
    // the text calamine holds: a cell's text once per repeat of the cell and of its row
    let mut cell: Option<(u64, u64)> = None;
    let mut row_text = 0u64;
    let mut text = 0u64;
    loop {
        buf.clear();
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(quick_xml::Error::Io(io)) => {
                return Err(marker(&io).unwrap_or(Over::Io(std::io::Error::other(io.to_string()))))
            }
            // not XML as quick-xml reads it: calamine says why; the bytes still count
            Err(_) => {
                let mut rest = reader.into_inner();
                return std::io::copy(&mut rest, &mut std::io::sink())
                    .map(|_| ())
                    .map_err(over);
            }
        };
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Text(t) => {
                if let Some((_, bytes)) = cell.as_mut() {
                    *bytes = bytes.saturating_add(t.len() as u64);
                    if *bytes > limits.max_cell_bytes {
                        return Err(Over::Run);
                    }
                }
                continue;
            }
            Event::End(e) => {
                match e.name().as_ref() {
                    b"table:table-cell" | b"table:covered-table-cell" => {
                        if let Some((n, bytes)) = cell.take() {
                            row_text = row_text.saturating_add(bytes.saturating_mul(n));
                        }
                    }
                    b"table:table-row" => {
                        if let Some(repeats) = in_row.take() {
                            pushed = pushed.saturating_add(row_len);
                            match since_first.as_mut() {
                                Some(s) => *s = s.saturating_add(repeats),
                                None if filled => since_first = Some(repeats),
                                None => {}
                            }
                            if filled {
                                width = width.max(row_len);
                                dense_rows = since_first.unwrap_or(0);
                            }
                            let here = pushed.max(dense_rows.saturating_mul(width));
                            if sheets_before.saturating_add(here) > max_cells {
                                return Err(Over::Cells(sheet.clone()));
                            }
                            // once as read, once per repeat when the grid is laid out
                            text = text
                                .saturating_add(row_text.saturating_mul(repeats.saturating_add(1)));
                            if text > limits.max_unpacked_bytes {
                                return Err(Over::Text);
                            }
                        }
                    }
                    b"table:table" => {
                        let here = pushed.max(dense_rows.saturating_mul(width));
                        sheets_before = sheets_before.saturating_add(here);
                        *total = total.saturating_add(here);
                        pushed = 0;
                        width = 0;
                        since_first = None;
                        dense_rows = 0;
                    }
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match e.name().as_ref() {
            b"table:table" => {
                sheet = attribute(e, b"table:name").unwrap_or_default();
            }
            b"table:table-row" if !empty => {
                let n = repeats(e, b"table:number-rows-repeated");
                if n > MAX_REPEAT {
                    return Err(Over::Cells(sheet.clone()));
                }
                in_row = Some(n);
                row_len = 0;
                pending = 0;
                filled = false;
                row_text = 0;
            }
            b"text:s" if cell.is_some() => {
                // calamine writes `text:c` spaces
                if let Some((_, bytes)) = cell.as_mut() {
                    *bytes = bytes.saturating_add(repeats(e, b"text:c"));
                    if *bytes > limits.max_cell_bytes {
                        return Err(Over::Run);
                    }
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" if in_row.is_some() => {
                let n = repeats(e, b"table:number-columns-repeated");
                if n > MAX_REPEAT {
                    return Err(Over::Cells(sheet.clone()));
                }
                // calamine adds the empty cells before this one, then this one's repeats
                // if it holds something, else remembers them for the next cell
                row_len = row_len.saturating_add(pending);
                let has_value = !empty
                    || e.attributes().flatten().any(|a| {
                        let k = a.key.as_ref();
                        k.starts_with(b"office:") && k.ends_with(b"value") || k == b"table:formula"
                    });
                if has_value {
                    row_len = row_len.saturating_add(n);
                    pending = 0;
                    filled = true;
                    let attrs: u64 = e.attributes().flatten().map(|a| a.value.len() as u64).sum();
                    if empty {
                        row_text = row_text.saturating_add(attrs.saturating_mul(n));
                    } else {
                        cell = Some((n, attrs));
                    }
                } else {
                    pending = n;
                }
                if row_len > max_cells {
                    return Err(Over::Cells(sheet.clone()));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// A repeat attribute; what is absent or not a number counts once (calamine refuses the
/// latter itself).
fn repeats(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> u64 {
    attribute(e, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
}
