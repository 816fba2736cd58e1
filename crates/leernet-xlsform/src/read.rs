//! Reading a workbook into plain sheets of text cells.
//!
//! This is the only module that knows about calamine. It turns `.xlsx`, `.xls`, `.xlsb`
//! and `.ods` bytes into [`Sheet`]s: a header (snake-cased, de-aliased, split into
//! column and language the way pyxform does) and rows of trimmed text cells, each row
//! remembering the row number the spreadsheet shows (1-based, header included).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader};

/// Largest workbook accepted, in bytes. Bigger files are refused as unreadable.
pub const MAX_WORKBOOK_BYTES: usize = 32 * 1024 * 1024;
/// Largest number of cells read from one sheet.
pub const MAX_SHEET_CELLS: usize = 2_000_000;

/// One header cell after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The column as written, trimmed (for messages).
    pub raw: String,
    /// The canonical column name (`label`, `relevant`, `bind::foo`, `media::image`...).
    pub column: String,
    /// The language part after `::` (or the legacy `:`), as written (`Nederlands (nl)`).
    pub lang: Option<String>,
    /// Spreadsheet column letter (`A`, `B`, ...).
    pub letter: String,
}

/// One data row: the spreadsheet row number and the cells by header index.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based row number as the spreadsheet shows it.
    pub number: usize,
    /// Cell text per header index (empty string for an empty cell).
    pub cells: Vec<String>,
}

/// One sheet: its name as written, its headers and its non-empty data rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Sheet name as written in the workbook.
    pub name: String,
    /// Headers, in column order.
    pub headers: Vec<Header>,
    /// Data rows (rows with at least one non-empty cell).
    pub rows: Vec<Row>,
    /// Row number of the header row (0 when the sheet is empty).
    pub header_row: usize,
}

impl Sheet {
    /// Index of the first header with this canonical column and no language.
    pub fn col(&self, column: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.column == column && h.lang.is_none())
    }
}

/// The sheets leernet reads, by lower-cased name, plus the names of the others.
#[derive(Debug, Default)]
pub struct Workbook {
    /// `survey`, `choices`, `settings`, ... keyed by lower-cased name.
    pub sheets: BTreeMap<String, Sheet>,
    /// Names of all sheets as written.
    pub all_names: Vec<String>,
}

/// Spreadsheet column letters for a 0-based column index.
pub fn column_letter(mut idx: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (idx % 26) as u8);
        if idx < 26 {
            break;
        }
        idx = idx / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Reads a workbook. The error is one sentence saying why the bytes are not readable.
pub fn read_workbook(bytes: &[u8], file_name: &str) -> Result<Workbook, String> {
    if bytes.is_empty() {
        return Err(format!("{file_name} is empty, not a workbook"));
    }
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(format!(
            "{file_name} is {} MiB, larger than the {} MiB a questionnaire may be",
            bytes.len() / (1024 * 1024),
            MAX_WORKBOOK_BYTES / (1024 * 1024)
        ));
    }
    if is_encrypted_ooxml(bytes) {
        return Err(format!(
            "{file_name} is password-protected; save it without a password and try again"
        ));
    }
    let bytes = crate::guard::checked_workbook(bytes, &crate::guard::Limits::QUESTIONNAIRE)
        .map_err(|e| format!("{file_name} could not be read: {e}"))?;
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let bytes = bytes.into_owned();
    // calamine is defensive, but a malformed file must never take the process down.
    let name = file_name.to_string();
    let result = std::panic::catch_unwind(move || read_inner(bytes, &name));
    match result {
        Ok(Err(e)) if is_zip && !e.contains("password") => Err(format!(
            "{file_name} could not be read: the workbook is damaged or truncated ({})",
            e.rsplit_once('(')
                .map(|x| x.1.trim_end_matches(')'))
                .unwrap_or(&e)
        )),
        Ok(r) => r,
        Err(_) => Err(format!(
            "{file_name} could not be read: the workbook is damaged"
        )),
    }
}

/// An encrypted .xlsx is an OLE compound file holding an `EncryptionInfo` stream.
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if !bytes.starts_with(CFB) {
        return false;
    }
    let needle: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn read_inner(bytes: Vec<u8>, file_name: &str) -> Result<Workbook, String> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| unreadable_sentence(file_name, &e.to_string()))?;
    let names = wb.sheet_names();
    let mut out = Workbook {
        all_names: names.clone(),
        ..Workbook::default()
    };
    // the texts of the sheets read, each cell its own copy of a shared string
    let mut text = crate::guard::Limits::QUESTIONNAIRE.max_unpacked_bytes;
    for name in names {
        let key = name.trim().to_lowercase();
        if !matches!(
            key.as_str(),
            "survey" | "choices" | "settings" | "external_choices" | "entities"
        ) {
            continue;
        }
        if out.sheets.contains_key(&key) {
            continue;
        }
        let cells = sheet_cells(&mut wb, &name, file_name, &mut text)?;
        let sheet = to_sheet(&name, &key, cells).map_err(|columns| {
            format!(
                "{file_name} could not be read: sheet '{name}' has {columns} columns on more rows than make {MAX_SHEET_CELLS} cells"
            )
        })?;
        out.sheets.insert(key.clone(), sheet);
    }
    Ok(out)
}

/// A cell: 0-based row and column, and its value.
pub type SparseCell = (u32, u32, Data);

fn sheet_cells<RS: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Sheets<RS>,
    name: &str,
    file_name: &str,
    text: &mut u64,
) -> Result<Vec<SparseCell>, String> {
    sparse_cells(wb, name, file_name, MAX_SHEET_CELLS, text).map_err(|e| e.message)
}

/// Why a sheet's cells could not be read: one sentence, and whether it was the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    /// One sentence naming the file and the sheet.
    pub message: String,
    /// The sheet has more cells than the limit (else calamine could not read it).
    pub over_limit: bool,
}

/// The non-empty cells of a sheet, at most `max_cells` of them, their texts together at
/// most `text_budget` bytes (which they use up; a shared string counts once per cell that
/// shows it, as each cell gets its own copy); else the error names the file, the sheet and
/// the limit. `.xlsx`/`.xlsb` are streamed cell by cell, so a single
/// far-away cell (`XFD1048576`) costs one cell; `.xls` (at most 65,536 x 256) and `.ods`
/// (whose repeats `guard::check_workbook` bounded before calamine opened it) go through
/// calamine's dense range.
pub fn sparse_cells<RS: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Sheets<RS>,
    name: &str,
    file_name: &str,
    max_cells: usize,
    text_budget: &mut u64,
) -> Result<Vec<SparseCell>, SheetError> {
    let budget = *text_budget;
    let too_much_text = || {
        SheetError {
        message: format!(
            "{file_name} could not be read: the texts of sheet '{name}' come to more than {} MiB, the limit for a workbook",
            budget >> 20
        ),
        over_limit: true,
    }
    };
    let mut spend = |v: &Data| -> bool {
        let n = match v {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len() as u64,
            _ => 8,
        };
        match text_budget.checked_sub(n) {
            Some(left) => {
                *text_budget = left;
                true
            }
            None => false,
        }
    };
    let too_many = || SheetError {
        message: format!(
            "{file_name} could not be read: sheet '{name}' has more than {max_cells} cells"
        ),
        over_limit: true,
    };
    let unreadable = |cause: String| SheetError {
        message: unreadable_sentence(file_name, &cause),
        over_limit: false,
    };
    let mut out = Vec::new();
    // The .xlsx and .xlsb cell readers are different types with the same methods.
    macro_rules! read_cells {
        ($x:expr) => {{
            let mut r = $x
                .worksheet_cells_reader(name)
                .map_err(|e| unreadable(e.to_string()))?;
            while let Some(c) = r.next_cell().map_err(|e| unreadable(e.to_string()))? {
                let (row, col) = c.get_position();
                let v: Data = c.get_value().clone().into();
                if v != Data::Empty {
                    if !spend(&v) {
                        return Err(too_much_text());
                    }
                    out.push((row, col, v));
                    if out.len() > max_cells {
                        return Err(too_many());
                    }
                }
            }
        }};
    }
    match wb {
        calamine::Sheets::Xlsx(x) => {
            read_cells!(x);
        }
        calamine::Sheets::Xlsb(x) => {
            read_cells!(x);
        }
        other => {
            let range = other
                .worksheet_range(name)
                .map_err(|e| unreadable(e.to_string()))?;
            let (h, w) = range.get_size();
            if h.saturating_mul(w) > max_cells {
                return Err(too_many());
            }
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (row, col, v) in range.used_cells() {
                if *v != Data::Empty {
                    if !spend(v) {
                        return Err(too_much_text());
                    }
                    out.push((r0 + row as u32, c0 + col as u32, v.clone()));
                }
            }
        }
    }
    Ok(out)
}

fn unreadable_sentence(file_name: &str, cause: &str) -> String {
    let lower = cause.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        format!("{file_name} is password-protected; save it without a password and try again")
    } else {
        format!("{file_name} is not a readable .xlsx, .xls or .ods workbook ({cause})")
    }
}

/// Text of a cell as pyxform would see it.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => crate::dates::excel_serial_to_iso(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// The sheet of these cells: every data row as wide as the header. More than
/// [`MAX_SHEET_CELLS`] so (a header cell in column XFD over many rows) is refused with
/// the header's width.
fn to_sheet(name: &str, key: &str, mut cells: Vec<SparseCell>) -> Result<Sheet, usize> {
    cells.sort_by_key(|c| (c.0, c.1));
    let mut headers = Vec::new();
    let mut rows = Vec::new();
    let mut header_row = 0;
    let mut i = 0;
    while i < cells.len() {
        let r = cells[i].0;
        let mut j = i;
        while j < cells.len() && cells[j].0 == r {
            j += 1;
        }
        let texts: Vec<(usize, String)> = cells[i..j]
            .iter()
            .map(|c| (c.1 as usize, cell_text(&c.2).trim().to_string()))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        i = j;
        if texts.is_empty() {
            continue;
        }
        let number = r as usize + 1;
        if header_row == 0 {
            header_row = number;
            let width = texts.last().map(|t| t.0 + 1).unwrap_or(0);
            let mut raw = vec![String::new(); width];
            for (c, t) in texts {
                raw[c] = t;
            }
            headers = raw
                .iter()
                .enumerate()
                .map(|(c, h)| normalise_header(h, key, column_letter(c)))
                .collect();
            continue;
        }
        if (rows.len() + 1).saturating_mul(headers.len()) > MAX_SHEET_CELLS {
            return Err(headers.len());
        }
        let mut row = vec![String::new(); headers.len()];
        let mut any = false;
        for (c, t) in texts {
            if let Some(slot) = row.get_mut(c) {
                *slot = t;
                any = true;
            }
        }
        if any {
            rows.push(Row { number, cells: row });
        }
    }
    Ok(Sheet {
        name: name.to_string(),
        headers,
        rows,
        header_row,
    })
}

/// Columns whose values may be given per language.
pub const TRANSLATABLE: &[&str] = &[
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "required_message",
    "media::image",
    "media::big-image",
    "media::audio",
    "media::video",
];

fn alias(col: &str, sheet: &str) -> Option<&'static str> {
    Some(match col {
        "relevance" | "bind::relevant" => "relevant",
        "readonly" | "read-only" | "bind::readonly" => "read_only",
        "calculate" | "bind::calculate" => "calculation",
        "bind::required" => "required",
        "bind::constraint" => "constraint",
        "jr:constraintmsg" | "bind::jr:constraintmsg" | "constraintmsg" => "constraint_message",
        "jr:requiredmsg" | "bind::jr:requiredmsg" | "requiredmsg" => "required_message",
        "jr:count" | "control::jr:count" | "count" => "repeat_count",
        "control::appearance" => "appearance",
        "bind::orx:max-pixels" => "max-pixels",
        "caption" => "label",
        "list" | "list_name" => "list_name",
        "value" if sheet == "choices" => "name",
        "image" | "media::image" => "media::image",
        "big-image" | "big_image" | "media::big-image" => "media::big-image",
        "audio" | "media::audio" => "media::audio",
        "video" | "media::video" => "media::video",
        "guidance_hint" | "guidance-hint" => "guidance_hint",
        "id_string" if sheet == "settings" => "form_id",
        "title" if sheet == "settings" => "form_title",
        _ => return None,
    })
}

/// Normalises one header: trims, snake-cases the column part, resolves aliases and
/// splits off a language (`label::Nederlands (nl)`, legacy `label:English`).
pub fn normalise_header(raw: &str, sheet: &str, letter: String) -> Header {
    let raw_t = raw.trim();
    let snake = |s: &str| -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join("_")
            .to_lowercase()
    };
    let whole = snake(raw_t);
    if let Some(a) = alias(&whole, sheet) {
        return Header {
            raw: raw_t.into(),
            column: a.into(),
            lang: None,
            letter,
        };
    }
    let (col, lang) = if let Some((c, l)) = raw_t.split_once("::") {
        (snake(c), Some(l.trim().to_string()))
    } else if let Some((c, l)) = raw_t.split_once(':') {
        let c2 = snake(c);
        let known = TRANSLATABLE.contains(&c2.as_str())
            || matches!(
                c2.as_str(),
                "image"
                    | "audio"
                    | "video"
                    | "big-image"
                    | "bind"
                    | "body"
                    | "instance"
                    | "control"
                    | "media"
            );
        if known {
            (c2, Some(l.trim().to_string()))
        } else {
            (whole.clone(), None)
        }
    } else {
        (whole.clone(), None)
    };
    let lang = lang.filter(|l| !l.is_empty());
    // passthrough namespaces keep the attribute as written after the prefix
    if matches!(
        col.as_str(),
        "bind" | "body" | "instance" | "control" | "media"
    ) {
        if let Some(l) = &lang {
            let full = format!("{col}::{}", l.to_lowercase());
            if let Some(a) = alias(&full, sheet) {
                // media::image:: with language
                return Header {
                    raw: raw_t.into(),
                    column: a.into(),
                    lang: None,
                    letter,
                };
            }
            // media::image::English
            if col == "media" {
                if let Some((m, lang2)) = l.split_once("::").or_else(|| l.split_once(':')) {
                    let c = format!("media::{}", snake(m));
                    return Header {
                        raw: raw_t.into(),
                        column: c,
                        lang: Some(lang2.trim().to_string()).filter(|s| !s.is_empty()),
                        letter,
                    };
                }
            }
            return Header {
                raw: raw_t.into(),
                column: format!("{col}::{l}"),
                lang: None,
                letter,
            };
        }
    }
    let col = alias(&col, sheet).map(str::to_string).unwrap_or(col);
    Header {
        raw: raw_t.into(),
        column: col,
        lang,
        letter,
    }
}

/// Replaces typographic quotes by straight ones.
pub fn straighten_quotes(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            c => c,
        })
        .collect()
}

/// Collapses runs of spaces and tabs to one space and trims the ends; line breaks
/// stay (pyxform's `clean_text_values`, verified against pyxform 4.5.0).
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_run = false;
    for c in s.trim().chars() {
        if c == ' ' || c == '\t' {
            if !in_run {
                out.push(' ');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

/// Splits a language header into (code, display name): `Nederlands (nl)` gives
/// `("nl", "Nederlands")`, `nl` gives `("nl", "nl")`, `English` gives `("English", "English")`.
pub fn language_code(lang: &str) -> (String, String) {
    let l = lang.trim();
    if let (Some(open), true) = (l.rfind('('), l.ends_with(')')) {
        let code = l[open + 1..l.len() - 1].trim();
        let name = l[..open].trim();
        if !code.is_empty() {
            return (
                code.to_string(),
                if name.is_empty() { code } else { name }.to_string(),
            );
        }
    }
    (l.to_string(), l.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_snake_cased_and_dealiased() {
        let h = normalise_header("List Name", "choices", "A".into());
        assert_eq!(h.column, "list_name");
        let h = normalise_header("label::Nederlands (nl)", "survey", "B".into());
        assert_eq!(
            (h.column.as_str(), h.lang.as_deref()),
            ("label", Some("Nederlands (nl)"))
        );
        let h = normalise_header("label:English", "survey", "B".into());
        assert_eq!(
            (h.column.as_str(), h.lang.as_deref()),
            ("label", Some("English"))
        );
        assert_eq!(
            normalise_header("jr:count", "survey", "C".into()).column,
            "repeat_count"
        );
        assert_eq!(
            normalise_header("bind:relevant", "survey", "C".into()).column,
            "relevant"
        );
        assert_eq!(
            normalise_header("Relevance", "survey", "C".into()).column,
            "relevant"
        );
        assert_eq!(
            normalise_header("requiredMsg", "survey", "C".into()).column,
            "required_message"
        );
        assert_eq!(
            normalise_header("bind::orx:foo", "survey", "C".into()).column,
            "bind::orx:foo"
        );
        let h = normalise_header("image::English (en)", "survey", "C".into());
        assert_eq!(
            (h.column.as_str(), h.lang.as_deref()),
            ("media::image", Some("English (en)"))
        );
        let h = normalise_header("media::image::nl", "survey", "C".into());
        assert_eq!(
            (h.column.as_str(), h.lang.as_deref()),
            ("media::image", Some("nl"))
        );
    }

    #[test]
    fn language_codes() {
        assert_eq!(
            language_code("Nederlands (nl)"),
            ("nl".into(), "Nederlands".into())
        );
        assert_eq!(language_code("nl"), ("nl".into(), "nl".into()));
        assert_eq!(
            language_code("English"),
            ("English".into(), "English".into())
        );
    }

    #[test]
    fn whitespace_runs_collapse_but_line_breaks_stay() {
        assert_eq!(
            collapse_whitespace("  Line one\nLine  two \t end "),
            "Line one\nLine two end"
        );
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
