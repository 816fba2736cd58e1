//! Puts fuzzed bytes where a workbook's cells are: the `content.xml` of an `.ods`, or a
//! sheet of an `.xlsx`, in an otherwise valid zip, so that libFuzzer spends its time in
//! the parts a crafted file attacks (repeats, far-away cells, long texts) rather than in
//! the zip's checksums.
#![allow(dead_code)]

use std::io::{Cursor, Write};

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        if w.start_file(*name, stored).is_err() || w.write_all(data).is_err() {
            return Vec::new();
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// An `.ods` whose `content.xml` is `content`.
pub fn ods(content: &[u8]) -> Vec<u8> {
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content),
        (
            "META-INF/manifest.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#,
        ),
    ])
}

/// An `.xlsx` of one sheet `survey` whose worksheet XML is `sheet`.
pub fn xlsx(sheet: &[u8]) -> Vec<u8> {
    zip(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="survey" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

/// Reads `bytes` both ways a workbook comes in: as a questionnaire and as an import's
/// table (every row). Either may refuse it; neither may panic or abort.
pub fn read_both(bytes: &[u8], name: &str) {
    let _ = leernet_xlsform::Form::from_workbook(bytes, name);
    if let Ok(mut t) = leernet_io::table::Table::open(Box::new(Cursor::new(bytes.to_vec()))) {
        while let Some(r) = t.next_row() {
            if r.is_err() {
                break;
            }
        }
    }
}

/// An `.xls` whose Workbook stream is `stream` (cut at 60 KiB, padded to 4 KiB so that it
/// lives in ordinary sectors), in a compound file of 512-byte sectors with one FAT sector.
pub fn xls(stream: &[u8]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut stream = stream[..stream.len().min(60 * 1024)].to_vec();
    if stream.len() < 4096 {
        stream.resize(4096, 0);
    }
    let n = stream.len().div_ceil(512) as u32;
    let mut out = vec![0u8; 512];
    out[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    out[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
    out[26..28].copy_from_slice(&3u16.to_le_bytes());
    out[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    out[30..32].copy_from_slice(&9u16.to_le_bytes());
    out[32..34].copy_from_slice(&6u16.to_le_bytes());
    out[44..48].copy_from_slice(&1u32.to_le_bytes());
    out[48..52].copy_from_slice(&1u32.to_le_bytes());
    out[56..60].copy_from_slice(&4096u32.to_le_bytes());
    out[60..64].copy_from_slice(&END.to_le_bytes());
    out[68..72].copy_from_slice(&END.to_le_bytes());
    for i in 0..109usize {
        let v = if i == 0 { 0 } else { FREE };
        out[76 + 4 * i..80 + 4 * i].copy_from_slice(&v.to_le_bytes());
    }
    let mut fat = vec![FREE; 128];
    fat[0] = 0xFFFF_FFFD;
    fat[1] = END;
    for i in 0..n {
        fat[(2 + i) as usize] = if i + 1 == n { END } else { 3 + i };
    }
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    for (name, typ, child, start, size) in [
        ("Root Entry", 5u8, 1u32, END, 0u32),
        ("Workbook", 2, FREE, 2, stream.len() as u32),
    ] {
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
        out.extend(e);
    }
    out.extend(vec![0u8; 256]);
    out.extend_from_slice(&stream);
    out.resize(512 + 512 * (2 + n as usize), 0);
    out
}
