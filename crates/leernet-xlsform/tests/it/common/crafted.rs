//! Small crafted workbooks that ask for a lot of memory, made by the tests themselves.
//!
//! Shared by the tests of leernet-xlsform, leernet-io, the binary and the web app
//! (`#[path]`): an `.xlsx` with cells A1 and XFD1048576, an `.ods` whose one cell is
//! repeated 10^9 times, an XLSForm nested 20,000 groups deep and an `.xlsx` whose one
//! cell holds 1 GiB of text (about 1 MB zipped). The zip is written by hand so that the
//! 1 GiB entry can be made of one deflated 1 MiB block repeated, in a second.
#![allow(dead_code)]

use std::io::Write;

/// One entry: its name and either plain bytes (stored) or a raw deflate stream.
pub struct Entry {
    pub name: String,
    pub method: u16,
    pub data: Vec<u8>,
    pub crc: u32,
    pub size: u32,
}

impl Entry {
    /// An entry deflated.
    pub fn deflated(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.into(),
            method: 8,
            data: deflate_part(data, true),
            crc: crc32fast::hash(data),
            size: data.len() as u32,
        }
    }

    /// An entry stored as is.
    pub fn stored(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.into(),
            method: 0,
            data: data.to_vec(),
            crc: crc32fast::hash(data),
            size: data.len() as u32,
        }
    }
}

/// A zip of these entries, in this order.
pub fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&e.method.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            h.extend_from_slice(&e.size.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(e.name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(&e.data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Column letters of a 0-based index.
pub fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// The parts of an `.xlsx` around its sheets; `sheets` are (name, sheetData XML).
fn xlsx_entries(sheets: &[(&str, String)]) -> Vec<Entry> {
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#,
    );
    let mut book = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#,
    );
    let mut entries = Vec::new();
    let mut sheet_entries = Vec::new();
    for (i, (name, data)) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        book.push_str(&format!(
            r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
            escape(name)
        ));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
        );
        sheet_entries.push(Entry::deflated(
            &format!("xl/worksheets/sheet{n}.xml"),
            xml.as_bytes(),
        ));
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    entries.push(Entry::stored("[Content_Types].xml", types.as_bytes()));
    entries.push(Entry::stored(
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ));
    entries.push(Entry::stored("xl/workbook.xml", book.as_bytes()));
    entries.push(Entry::stored("xl/_rels/workbook.xml.rels", rels.as_bytes()));
    entries.extend(sheet_entries);
    entries
}

/// An inline-string cell.
pub fn cell(reference: &str, text: &str) -> String {
    format!(
        r#"<c r="{reference}" t="inlineStr"><is><t>{}</t></is></c>"#,
        escape(text)
    )
}

/// Rows of text cells from column A, the first row being row `first` (1-based).
pub fn rows(first: usize, rows: &[&[&str]]) -> String {
    let mut s = String::new();
    for (i, r) in rows.iter().enumerate() {
        let n = first + i;
        s.push_str(&format!(r#"<row r="{n}">"#));
        for (c, t) in r.iter().enumerate() {
            if !t.is_empty() {
                s.push_str(&cell(&format!("{}{n}", letters(c)), t));
            }
        }
        s.push_str("</row>");
    }
    s
}

/// An `.xlsx` of these sheets (name, sheetData XML), with an empty shared-string table.
pub fn xlsx(sheets: &[(&str, String)]) -> Vec<u8> {
    let mut entries = xlsx_entries(sheets);
    entries.push(Entry::stored(
        "xl/sharedStrings.xml",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#,
    ));
    zip(&entries)
}

/// An `.xlsx` of these sheets whose shared-string table holds `strings` (cells `t="s"`
/// refer to them by index).
pub fn xlsx_shared(sheets: &[(&str, String)], strings: &[&str]) -> Vec<u8> {
    let mut entries = xlsx_entries(sheets);
    let items: String = strings
        .iter()
        .map(|s| format!("<si><t>{}</t></si>", escape(s)))
        .collect();
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{items}</sst>"#,
        n = strings.len()
    );
    entries.push(Entry::deflated("xl/sharedStrings.xml", sst.as_bytes()));
    zip(&entries)
}

/// `n` cells in column `col` from row `first`, each showing shared string 0.
pub fn shared_cells(col: &str, first: usize, n: usize) -> String {
    (first..first + n)
        .map(|r| format!(r#"<row r="{r}"><c r="{col}{r}" t="s"><v>0</v></c></row>"#))
        .collect()
}

/// An XLSForm whose survey holds one text question, plus this cell far away: A1 and
/// XFD1048576 make calamine's dense range 17 billion cells.
pub fn xlsx_far_cell() -> Vec<u8> {
    let mut survey = rows(1, &[&["type", "name", "label"], &["text", "q1", "Vraag"]]);
    survey.push_str(&format!(
        r#"<row r="1048576">{}</row>"#,
        cell("XFD1048576", "x")
    ));
    xlsx(&[("survey", survey)])
}

/// A raw deflate stream of `bytes`, ended by a sync flush (or finished when `last`), so
/// that streams can be put one after the other.
fn deflate_part(bytes: &[u8], last: bool) -> Vec<u8> {
    use flate2::write::DeflateEncoder;
    let mut e = DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    if last {
        e.finish().unwrap()
    } else {
        e.flush().unwrap();
        e.get_ref().clone()
    }
}

/// An XLSForm `.xlsx` whose one shared string (the label of q1) is `mib` MiB of the
/// letter a: 1024 gives 1 GiB of text in about 1 MB.
pub fn xlsx_huge_cell(mib: u32) -> Vec<u8> {
    let head = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#;
    let tail = b"</t></si></sst>";
    let chunk = vec![b'a'; 1 << 20];
    let chunk_z = deflate_part(&chunk, false);
    let mut data = deflate_part(head, false);
    let mut crc = crc32fast::Hasher::new();
    crc.update(head);
    let mut chunk_crc = crc32fast::Hasher::new();
    chunk_crc.update(&chunk);
    for _ in 0..mib {
        data.extend_from_slice(&chunk_z);
        crc.combine(&chunk_crc);
    }
    data.extend(deflate_part(tail, true));
    crc.update(tail);
    let size = head.len() as u64 + (u64::from(mib) << 20) + tail.len() as u64;
    let survey = format!(
        r#"{}<row r="2">{}{}<c r="C2" t="s"><v>0</v></c></row>"#,
        rows(1, &[&["type", "name", "label"]]),
        cell("A2", "text"),
        cell("B2", "q1"),
    );
    let mut entries = xlsx_entries(&[("survey", survey)]);
    entries.push(Entry {
        name: "xl/sharedStrings.xml".into(),
        method: 8,
        data,
        crc: crc.finalize(),
        size: u32::try_from(size).expect("under 4 GiB"),
    });
    zip(&entries)
}

/// An `.ods` of one sheet `survey` with this `content` inside its `table:table`.
pub fn ods(tables: &[(&str, String)]) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    for (name, rows) in tables {
        content.push_str(&format!(
            r#"<table:table table:name="{}">{rows}</table:table>"#,
            escape(name)
        ));
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    zip(&[
        Entry::stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        Entry::stored("content.xml", content.as_bytes()),
        Entry::stored(
            "META-INF/manifest.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#,
        ),
    ])
}

/// An ODS text cell, repeated `n` times.
pub fn ods_cell(text: &str, n: u64) -> String {
    let rep = if n == 1 {
        String::new()
    } else {
        format!(r#" table:number-columns-repeated="{n}""#)
    };
    format!(
        r#"<table:table-cell office:value-type="string"{rep}><text:p>{}</text:p></table:table-cell>"#,
        escape(text)
    )
}

/// An ODS row of text cells, repeated `n` times.
pub fn ods_row(cells: &[&str], n: u64) -> String {
    let rep = if n == 1 {
        String::new()
    } else {
        format!(r#" table:number-rows-repeated="{n}""#)
    };
    let cells: String = cells.iter().map(|c| ods_cell(c, 1)).collect();
    format!("<table:table-row{rep}>{cells}</table:table-row>")
}

/// An XLSForm `.ods` whose row 3 holds one cell repeated `n` times across.
pub fn ods_repeated_cell(n: u64) -> Vec<u8> {
    let rows = format!(
        "{}{}<table:table-row>{}</table:table-row>",
        ods_row(&["type", "name", "label"], 1),
        ods_row(&["text", "q1", "Vraag"], 1),
        ods_cell("x", n)
    );
    ods(&[("survey", rows)])
}

/// An XLSForm `.ods` whose row 3 (a filled cell) is repeated `n` times down.
pub fn ods_repeated_row(n: u64) -> Vec<u8> {
    let rows = format!(
        "{}{}{}",
        ods_row(&["type", "name", "label"], 1),
        ods_row(&["text", "q1", "Vraag"], 1),
        ods_row(&["note", "", "x"], n)
    );
    ods(&[("survey", rows)])
}

/// An ODS as LibreOffice writes one: the form, then empty cells and rows repeated to
/// the sheet's end (which calamine does not expand).
pub fn ods_like_libreoffice() -> Vec<u8> {
    let tail_cells = r#"<table:table-cell table:number-columns-repeated="16381"/>"#;
    let rows = format!(
        "{}{}<table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>",
        ods_row(&["type", "name", "label"], 1).replace("</table:table-row>", &format!("{tail_cells}</table:table-row>")),
        ods_row(&["text", "q1", "Vraag"], 1).replace("</table:table-row>", &format!("{tail_cells}</table:table-row>")),
    );
    ods(&[("survey", rows)])
}

/// An XLSForm `.xlsx` with `depth` groups nested in one another and a question inside.
pub fn xlsx_nested_groups(depth: usize) -> Vec<u8> {
    let mut s = String::new();
    let mut n = 1;
    let mut row = |s: &mut String, cells: &[&str]| {
        s.push_str(&rows(n, &[cells]));
        n += 1;
    };
    row(&mut s, &["type", "name", "label"]);
    for i in 0..depth {
        row(&mut s, &["begin_group", &format!("g{i}"), "G"]);
    }
    row(&mut s, &["text", "q1", "Vraag"]);
    for _ in 0..depth {
        row(&mut s, &["end_group", "", ""]);
    }
    xlsx(&[("survey", s)])
}

/// Writes bytes to a file.
pub fn write(path: &std::path::Path, bytes: &[u8]) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(bytes).unwrap();
}

/// Runs the test `name` of the running test binary again, in a child process whose
/// address space is capped at `mib` MiB, and asserts that it passed there: an
/// allocation beyond the cap aborts the child and so fails the test instead of eating
/// the machine. Returns true in the parent (the test is done) and false in the child,
/// which goes on to run the body. `name` is the test function's name; the module it is
/// in (the calling file's, in a `tests/it/` test binary) is put before it.
#[track_caller]
pub fn under_memory_cap(name: &str, mib: u64) -> bool {
    if std::env::var_os("LEERNET_UNDER_MEMORY_CAP").is_some() {
        return false;
    }
    let caller = std::path::Path::new(std::panic::Location::caller().file());
    let name = match caller.file_stem().and_then(|s| s.to_str()) {
        Some(module) if caller.parent().is_some_and(|d| d.ends_with("it")) => {
            format!("{module}::{name}")
        }
        _ => name.to_owned(),
    };
    let name = name.as_str();
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {}; exec \"$0\" --exact \"$1\" --test-threads=1 --nocapture",
            mib * 1024
        ))
        .arg(exe)
        .arg(name)
        .env("LEERNET_UNDER_MEMORY_CAP", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} under a cap of {mib} MiB: {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

/// A BIFF record.
pub fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend_from_slice(&(data.len() as u16).to_le_bytes());
    r.extend_from_slice(data);
    r
}

/// A BIFF8 NUMBER cell.
pub fn biff_number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&v.to_le_bytes());
    biff(0x0203, &d)
}

/// A BIFF8 DIMENSIONS record: rows `first..last`, columns `first_col..last_col`.
pub fn biff_dimensions(first: u32, last: u32, first_col: u16, last_col: u16) -> Vec<u8> {
    let mut d = first.to_le_bytes().to_vec();
    d.extend_from_slice(&last.to_le_bytes());
    d.extend_from_slice(&first_col.to_le_bytes());
    d.extend_from_slice(&last_col.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    biff(0x0200, &d)
}

/// The Workbook stream of an `.xls` with one sheet `survey` of these records (between
/// its BOF and EOF), padded to 4 KiB so that it lives in ordinary sectors.
pub fn biff_workbook(sheet: &[u8]) -> Vec<u8> {
    biff_workbook_with(&[], sheet)
}

/// [`biff_workbook`] with these records in the globals (an SST), after the BOUNDSHEET.
pub fn biff_workbook_with(globals: &[u8], sheet: &[u8]) -> Vec<u8> {
    let bof = |dt: u16| {
        let mut d = 0x0600u16.to_le_bytes().to_vec();
        d.extend_from_slice(&dt.to_le_bytes());
        d.extend_from_slice(&[0; 12]);
        biff(0x0809, &d)
    };
    let name: Vec<u8> = "survey".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let boundsheet = |pos: u32| {
        let mut d = pos.to_le_bytes().to_vec();
        d.extend_from_slice(&[0, 0, 6, 1]);
        d.extend_from_slice(&name);
        biff(0x0085, &d)
    };
    let globals_len = bof(5).len() + boundsheet(0).len() + globals.len() + biff(0x000A, &[]).len();
    let mut s = bof(5);
    s.extend(boundsheet(globals_len as u32));
    s.extend_from_slice(globals);
    s.extend(biff(0x000A, &[]));
    s.extend(bof(0x10));
    s.extend_from_slice(sheet);
    s.extend(biff(0x000A, &[]));
    while s.len() < 4096 {
        let pad = (4096 - s.len()).clamp(4, 1000) - 4;
        s.extend(biff(0x0000, &vec![0; pad]));
    }
    s
}

/// A compound file (512-byte sectors) holding `stream` as `Workbook`; with `cycle`, the
/// stream's last sector points back to its first, so that its chain never ends.
pub fn xls(stream: &[u8], cycle: bool) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let n = stream.len().div_ceil(512) as u32;
    // sectors: k of the FAT, one of the directory, n of the stream
    let mut k = 1u32;
    while (k + 1 + n) > 128 * k {
        k += 1;
    }
    assert!(k <= 109, "a stream this long needs a DIFAT chain");
    let (dir, first) = (k, k + 1);
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&k.to_le_bytes());
    header[48..52].copy_from_slice(&dir.to_le_bytes());
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&END.to_le_bytes());
    header[68..72].copy_from_slice(&END.to_le_bytes());
    for i in 0..109u32 {
        let v = if i < k { i } else { FREE };
        let at = 76 + 4 * i as usize;
        header[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }
    let mut fat = vec![FREE; 128 * k as usize];
    for f in fat.iter_mut().take(k as usize) {
        *f = 0xFFFF_FFFD;
    }
    fat[dir as usize] = END;
    for i in 0..n {
        fat[(first + i) as usize] = if i + 1 == n {
            if cycle {
                first
            } else {
                END
            }
        } else {
            first + i + 1
        };
    }
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        e[..units.len()].copy_from_slice(&units);
        e[64..66].copy_from_slice(&((units.len() + 2) as u16).to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(entry("Root Entry", 5, 1, END, 0));
    out.extend(entry("Workbook", 2, FREE, first, stream.len() as u32));
    out.extend(vec![0u8; 256]);
    out.extend_from_slice(stream);
    out.resize(512 + 512 * (first + n) as usize, 0);
    out
}

/// A shared-string table (SST) of one string of `len` letters a, split over CONTINUE
/// records as Excel splits it (each continuation starts with the string's flags).
pub fn biff_sst_one(len: u16) -> Vec<u8> {
    let mut first = 1u32.to_le_bytes().to_vec();
    first.extend_from_slice(&1u32.to_le_bytes());
    first.extend_from_slice(&len.to_le_bytes());
    first.push(0);
    let mut left = len as usize;
    let room = 8224 - first.len();
    let now = left.min(room);
    first.extend(std::iter::repeat_n(b'a', now));
    left -= now;
    let mut out = biff(0x00FC, &first);
    while left > 0 {
        let now = left.min(8223);
        let mut c = vec![0u8];
        c.extend(std::iter::repeat_n(b'a', now));
        out.extend(biff(0x003C, &c));
        left -= now;
    }
    out
}

/// A BIFF8 LABELSST cell showing shared string `index`.
pub fn biff_label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&index.to_le_bytes());
    biff(0x00FD, &d)
}
