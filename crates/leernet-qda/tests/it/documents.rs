//! Documents as sources: `.docx` and `.odt` are read to their text, and as ZIPs they meet
//! the same guards as a `.qdpx` (bombs, paths out of the archive, entity expansion);
//! encrypted files and files that are not what their extension says are refused clearly.

use leernet_qda::document::{read_document, DocumentError, DocumentFormat};
use leernet_qda::{Limits, QdaError};
use std::io::Write;

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (n, b) in entries {
        z.start_file(*n, o).unwrap();
        z.write_all(b).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn small() -> Limits {
    Limits {
        max_entries: 50,
        max_entry_bytes: 1 << 20,
        max_total_bytes: 3 << 20,
        max_xml_nodes: 100_000,
    }
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn docx(body: &str) -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        (
            "word/document.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#).into_bytes(),
        ),
    ])
}

fn odt(body: &str, manifest: &str) -> Vec<u8> {
    zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text".to_vec()),
        ("META-INF/manifest.xml", manifest.as_bytes().to_vec()),
        (
            "content.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#).into_bytes(),
        ),
    ])
}

#[test]
fn docx_paragraphs_tabs_and_emoji() {
    let d = read_document(
        "Sessieverslag 3.docx",
        &docx(
            r#"<w:p><w:r><w:t>Sessie 3 </w:t></w:r><w:r><w:t xml:space="preserve">😀 verslag</w:t></w:r></w:p>
               <w:p><w:r><w:t>Wie</w:t><w:tab/><w:t>Wat</w:t></w:r></w:p>
               <w:p><w:del><w:r><w:delText>weg</w:delText></w:r></w:del><w:r><w:t>Elkaars taal leren spreken.</w:t></w:r></w:p>"#,
        ),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(d.format, DocumentFormat::Docx);
    assert_eq!(d.title, "Sessieverslag 3");
    assert_eq!(
        d.text,
        "Sessie 3 😀 verslag\nWie\tWat\nElkaars taal leren spreken."
    );
    assert!(d.turns.is_empty());
}

#[test]
fn odt_paragraphs_spaces_and_notes() {
    let d = read_document(
        "beleid.odt",
        &odt(
            r#"<text:h>Beleid</text:h><text:p>Een<text:s text:c="2"/>twee<text:note><text:note-body><text:p>voetnoot</text:p></text:note-body></text:note></text:p><text:p>regel<text:line-break/>nieuw</text:p>"#,
            "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"/>",
        ),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(d.text, "Beleid\nEen  twee\nregel\nnieuw");
}

#[test]
fn encrypted_odt_and_docx_are_refused() {
    let e = read_document(
        "geheim.odt",
        &odt("<text:p>x</text:p>", r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"#),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(e, DocumentError::Encrypted { .. }), "{e}");
    // A password-protected .docx is an OLE compound file.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend([0u8; 504]);
    let e = read_document("geheim.docx", &ole, &Limits::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "geheim.docx: the file is encrypted or protected by a password; save an unprotected copy and import that"
    );
}

#[test]
fn empty_and_textless_office_files_are_refused() {
    let e = read_document(
        "leeg.docx",
        &docx("<w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>"),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(e, DocumentError::NoText { .. }), "{e}");
    let e = read_document(
        "geen.docx",
        &zip_of(&[("other.xml", b"<a/>".to_vec())]),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("the archive holds no word/document.xml"),
        "{e}"
    );
}

#[test]
fn zip_guards_hold_for_documents() {
    // A bomb: an entry that unpacks past the limit.
    let bomb = zip_of(&[("word/document.xml", vec![b' '; 2 << 20])]);
    let e = read_document("bom.docx", &bomb, &small()).unwrap_err();
    assert!(
        matches!(
            e,
            DocumentError::Archive {
                source: QdaError::TooLarge(_),
                ..
            }
        ),
        "{e}"
    );
    // Too many entries.
    let many: Vec<(String, Vec<u8>)> = (0..60).map(|i| (format!("f{i}"), vec![])).collect();
    let many: Vec<(&str, Vec<u8>)> = many.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let e = read_document("veel.docx", &zip_of(&many), &small()).unwrap_err();
    assert!(
        matches!(
            e,
            DocumentError::Archive {
                source: QdaError::TooLarge(_),
                ..
            }
        ),
        "{e}"
    );
    // A path that climbs out.
    let out = zip_of(&[
        ("../../etc/evil", b"x".to_vec()),
        ("word/document.xml", b"<a/>".to_vec()),
    ]);
    let e = read_document("uit.docx", &out, &small()).unwrap_err();
    assert!(
        matches!(
            e,
            DocumentError::Archive {
                source: QdaError::PathEscapes(_),
                ..
            }
        ),
        "{e}"
    );
    // Entity expansion.
    let xxe = zip_of(&[(
        "word/document.xml",
        br#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><d>&b;</d>"#.to_vec(),
    )]);
    let e = read_document("lach.docx", &xxe, &small()).unwrap_err();
    assert!(
        matches!(
            e,
            DocumentError::Archive {
                source: QdaError::Xml { .. },
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_docx_named_txt_and_a_text_named_odt() {
    let e = read_document(
        "verslag.txt",
        &docx("<w:p><w:r><w:t>x</w:t></w:r></w:p>"),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "verslag.txt: the file is not a plain text file: it is a ZIP archive (perhaps a .docx or .odt)");
    let e = read_document("verslag.odt", b"Gewoon tekst", &Limits::default()).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "verslag.odt: the file is not an OpenDocument text (.odt): it is not a ZIP archive"
        ),
        "{e}"
    );
}

/// `bench/documents/run.sh`: reading a 50,000-word transcript (`Spreker: tekst`, CRLF) and
/// a 50,000-word `.docx`. Run with `--release -- --ignored --nocapture`.
#[test]
#[ignore = "a benchmark: bench/documents/run.sh"]
fn documents_bench() {
    use std::time::Instant;
    let words = [
        "we", "leren", "samen", "met", "bewoners", "over", "eigen", "kracht", "😀",
    ];
    let mut txt = String::new();
    let mut body = String::new();
    for t in 0..2000 {
        let said: Vec<&str> = (0..25).map(|w| words[(t * 25 + w) % 9]).collect();
        let speaker = if t % 2 == 0 {
            "Interviewer"
        } else {
            "Deelnemer"
        };
        txt.push_str(&format!("{speaker}: {}\r\n", said.join(" ")));
        body.push_str(&format!(
            "<w:p><w:r><w:t>{}</w:t></w:r></w:p>",
            said.join(" ")
        ));
    }
    let docx = docx(&body);
    let time = |name: &str, bytes: &[u8]| {
        let mut runs = Vec::new();
        let mut d = None;
        for _ in 0..5 {
            let t0 = Instant::now();
            d = Some(read_document(name, bytes, &Limits::default()).unwrap());
            runs.push(t0.elapsed());
        }
        runs.sort();
        (d.unwrap(), runs[2])
    };
    let (d, t) = time("interview.txt", txt.as_bytes());
    assert_eq!(d.turns.len(), 2000);
    println!(
        "50,000-word transcript (.txt, {} bytes, 2,000 turns): read in {:.1} ms (median of 5)",
        txt.len(),
        t.as_secs_f64() * 1e3
    );
    let (d, t) = time("verslag.docx", &docx);
    assert_eq!(d.text.split_whitespace().count(), 50_000);
    println!(
        "50,000-word .docx ({} bytes zipped): read in {:.1} ms (median of 5)",
        docx.len(),
        t.as_secs_f64() * 1e3
    );
}
