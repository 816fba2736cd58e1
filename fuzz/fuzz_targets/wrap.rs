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
