//! DOCX (Office Open XML) output, written by hand: real Word headings (Heading 1–3 with an
//! outline level, so the navigation pane and a table of contents work), real Word tables with
//! a repeating header row, bulleted lists, and nothing else.
//!
//! Why hand-written: the DOCX crates we looked at (docx-rs) stamp creation dates into
//! `docProps/core.xml` and give no control over zip entry times, while leernet promises
//! byte-identical reports for identical input. A document of headings, paragraphs, lists and
//! tables is a few hundred lines of OOXML; we write those, in a fixed entry order, and zip
//! them with the `zip` crate (already in the tree through calamine) with every entry dated
//! 1980-01-01 00:00 (the zip epoch). Charts are not embedded: every chart of the HTML report
//! has a table with the same numbers, and that table is in the DOCX.

use crate::chart::esc;
use crate::ReportError;
use leernet_core::Lang;
use std::io::Write;

/// A piece of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document title.
    Title(String),
    /// A heading, level 1–3.
    Heading(u8, String),
    /// A paragraph of body text.
    Para(String),
    /// A paragraph of runs, some bold or italic: (text, bold, italic).
    Rich(Vec<(String, bool, bool)>),
    /// A paragraph in bold (a lead-in such as "Why this handle").
    Strong(String),
    /// A small grey note (sources, n, the fictional-data warning).
    Note(String),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// A table: a caption, a header row, body rows; `numeric[i]` right-aligns column i;
    /// `standing[i]` sets column i's header up (text direction `btLr`), as a matrix's narrow
    /// columns have it.
    Table {
        caption: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
        standing: Vec<bool>,
    },
}

fn run(text: &str, bold: bool) -> String {
    styled_run(text, bold, false)
}

fn styled_run(text: &str, bold: bool, italic: bool) -> String {
    let rpr = match (bold, italic) {
        (true, true) => "<w:rPr><w:b/><w:i/></w:rPr>",
        (true, false) => "<w:rPr><w:b/></w:rPr>",
        (false, true) => "<w:rPr><w:i/></w:rPr>",
        (false, false) => "",
    };
    // Line breaks inside a cell or paragraph become <w:br/>.
    let parts: Vec<String> = text
        .split('\n')
        .map(|p| format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(p)))
        .collect();
    format!("<w:r>{rpr}{}</w:r>", parts.join("<w:br/>"))
}

fn para(style: Option<&str>, text: &str, bold: bool, extra_ppr: &str) -> String {
    let style = style
        .map(|s| format!("<w:pStyle w:val=\"{s}\"/>"))
        .unwrap_or_default();
    let ppr = if style.is_empty() && extra_ppr.is_empty() {
        String::new()
    } else {
        format!("<w:pPr>{style}{extra_ppr}</w:pPr>")
    };
    format!("<w:p>{ppr}{}</w:p>", run(text, bold))
}

/// Usable text width of an A4 page with 2 cm margins, in twentieths of a point.
const TEXT_WIDTH: usize = 9638;

/// The longest a standing header line may be, in characters (about 4.5 cm at 9 pt): a
/// longer header wraps at a space onto another line (a column wider by a line).
const UP_CHARS: usize = 28;
/// A character of a header at 9 pt, and a line of it, in twentieths of a point (estimates;
/// Word grows a row that holds more).
const UP_CHAR: usize = 110;
const UP_LINE: usize = 240;

/// The lines of a standing header: its words, wrapped at spaces at [`UP_CHARS`]; a word is
/// never split.
fn up_lines(h: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for w in h.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + w.chars().count() <= UP_CHARS => {
                l.push(' ');
                l.push_str(w);
            }
            _ => lines.push(w.to_owned()),
        }
    }
    lines
}

fn table(
    caption: &str,
    header: &[String],
    rows: &[Vec<String>],
    numeric: &[bool],
    standing: &[bool],
) -> String {
    let cols = header.len().max(1);
    // A standing header adds height, not width.
    let up = |c: usize| standing.get(c).copied().unwrap_or(false);
    // Column widths: proportional to the longest text in the column (up to 60 characters),
    // but never narrower than its longest word, so headers such as "Mediaan" do not break.
    let longest: Vec<usize> = (0..cols)
        .map(|c| {
            let head = if up(c) { None } else { header.get(c) };
            let texts: Vec<&String> = std::iter::once(head)
                .chain(rows.iter().map(|r| r.get(c)))
                .flatten()
                .collect();
            let text = texts
                .iter()
                .map(|s| s.chars().count().min(60))
                .max()
                .unwrap_or(1);
            let word = texts
                .iter()
                .flat_map(|s| s.split_whitespace())
                .map(|w| w.chars().count() + 1)
                .max()
                .unwrap_or(1);
            // a standing header's lines side by side, in characters of the body's width
            let lines = if up(c) {
                let n = header.get(c).map_or(1, |h| up_lines(h).len().max(1));
                (n * UP_LINE + 160).div_ceil(UP_CHAR)
            } else {
                0
            };
            text.max(word).max(4).max(lines)
        })
        .collect();
    let total: usize = longest.iter().sum();
    let widths: Vec<usize> = longest.iter().map(|l| TEXT_WIDTH * l / total).collect();
    let border = "<w:tblBorders><w:top w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"1D2733\"/><w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"1D2733\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"D5DDE5\"/></w:tblBorders>";
    let mut s = para(Some("Caption"), caption, false, "<w:keepNext/>");
    s.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{TEXT_WIDTH}\" w:type=\"dxa\"/>{border}<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"0020\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
    ));
    for w in &widths {
        s.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    s.push_str("</w:tblGrid>");
    let cell = |text: &str, c: usize, bold: bool, standing: bool| {
        let jc = if numeric.get(c).copied().unwrap_or(false) && !standing {
            "<w:jc w:val=\"right\"/>"
        } else {
            ""
        };
        // Standing text reads bottom to top, at the foot of the header row.
        let dir = if standing {
            "<w:textDirection w:val=\"btLr\"/><w:vAlign w:val=\"bottom\"/>"
        } else {
            ""
        };
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/>{dir}</w:tcPr>{}</w:tc>",
            widths[c],
            para(Some("TableText"), text, bold, jc)
        )
    };
    // The header row is as tall as the longest standing line.
    let tall = (0..cols)
        .filter(|&c| up(c))
        .filter_map(|c| header.get(c))
        .flat_map(|h| up_lines(h))
        .map(|l| l.chars().count() * UP_CHAR + 200)
        .max();
    let height = tall
        .map(|h| format!("<w:trHeight w:val=\"{h}\" w:hRule=\"atLeast\"/>"))
        .unwrap_or_default();
    s.push_str(&format!(
        "<w:tr><w:trPr><w:cantSplit/>{height}<w:tblHeader/></w:trPr>"
    ));
    for (c, h) in header.iter().enumerate() {
        s.push_str(&cell(h, c, true, up(c)));
    }
    s.push_str("</w:tr>");
    for r in rows {
        s.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for c in 0..cols {
            s.push_str(&cell(
                r.get(c).map(String::as_str).unwrap_or(""),
                c,
                false,
                false,
            ));
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    // Word needs a paragraph between two tables; it also gives air after each table.
    s.push_str("<w:p/>");
    s
}

fn document_xml(blocks: &[Block]) -> String {
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Title(t) => body.push_str(&para(Some("Title"), t, false, "")),
            Block::Heading(l, t) => {
                let l = (*l).clamp(1, 4);
                body.push_str(&para(Some(&format!("Heading{l}")), t, false, ""))
            }
            Block::Para(t) => body.push_str(&para(None, t, false, "")),
            Block::Rich(runs) => {
                body.push_str("<w:p>");
                for (t, b, i) in runs {
                    body.push_str(&styled_run(t, *b, *i));
                }
                body.push_str("</w:p>");
            }
            Block::Strong(t) => body.push_str(&para(None, t, true, "<w:keepNext/>")),
            Block::Note(t) => body.push_str(&para(Some("Note"), t, false, "")),
            Block::Bullets(items) => {
                for i in items {
                    body.push_str(&para(Some("ListBullet"), i, false, ""));
                }
            }
            Block::Table {
                caption,
                header,
                rows,
                numeric,
                standing,
            } => body.push_str(&table(caption, header, rows, numeric, standing)),
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

fn styles_xml(lang: Lang) -> String {
    let l = match lang {
        Lang::Nl => "nl-NL",
        Lang::En => "en-GB",
    };
    let heading = |n: u8, size: u8, before: u16| {
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{n}\"><w:name w:val=\"heading {n}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"{before}\" w:after=\"120\"/><w:outlineLvl w:val=\"{}\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"1F5F8B\"/><w:sz w:val=\"{size}\"/></w:rPr></w:style>",
            n - 1
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:eastAsia=\"Calibri\" w:cs=\"Calibri\"/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"{l}\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"1D2733\"/><w:sz w:val=\"40\"/></w:rPr></w:style>\
{}{}{}{}\
<w:style w:type=\"paragraph\" w:styleId=\"Caption\"><w:name w:val=\"caption\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:before=\"120\" w:after=\"60\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"19\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Note\"><w:name w:val=\"Note\"/><w:basedOn w:val=\"Normal\"/><w:rPr><w:color w:val=\"4A5866\"/><w:sz w:val=\"18\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:before=\"20\" w:after=\"20\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:rPr><w:sz w:val=\"18\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"ListBullet\"><w:name w:val=\"List Bullet\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr><w:spacing w:after=\"60\"/><w:ind w:left=\"360\" w:hanging=\"360\"/></w:pPr></w:style>\
</w:styles>",
        heading(1, 32, 360),
        heading(2, 26, 280),
        heading(3, 22, 200),
        heading(4, 21, 160)
    )
}

const NUMBERING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"singleLevel\"/><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\u{2022}\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"360\" w:hanging=\"360\"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";

const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>";

const DOC_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/></Relationships>";

fn core_xml(title: &str, lang: Lang) -> String {
    // Title and language only: no author, no dates, so identical input gives identical bytes.
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:language>{}</dc:language><dc:creator>leernet</dc:creator></cp:coreProperties>",
        esc(title),
        lang.code()
    )
}

/// Writes the blocks as a .docx file (bytes). Deterministic: same blocks, same bytes.
pub fn document(blocks: &[Block], title: &str, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", RELS.to_owned()),
        ("docProps/core.xml", core_xml(title, lang)),
        ("word/_rels/document.xml.rels", DOC_RELS.to_owned()),
        ("word/document.xml", document_xml(blocks)),
        ("word/styles.xml", styles_xml(lang)),
        ("word/numbering.xml", NUMBERING.to_owned()),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts)
            .map_err(|e| ReportError::Docx(e.to_string()))?;
        zip.write_all(text.as_bytes())
            .map_err(|e| ReportError::Docx(e.to_string()))?;
    }
    let out = zip.finish().map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_deterministic_and_escape_text() {
        let blocks = vec![
            Block::Title("Rapport <1> & zo".into()),
            Block::Heading(1, "Kop".into()),
            Block::Para("Tekst\nop twee regels".into()),
            Block::Bullets(vec!["a".into(), "b".into()]),
            Block::Table {
                caption: "Tabel".into(),
                header: vec!["Netwerk".into(), "n".into()],
                rows: vec![vec!["A & B".into(), "3".into()]],
                numeric: vec![false, true],
                standing: vec![false, false],
            },
        ];
        let a = document(&blocks, "T", Lang::Nl).unwrap();
        let b = document(&blocks, "T", Lang::Nl).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..2], b"PK");
        let xml = document_xml(&blocks);
        assert!(xml.contains("Rapport &lt;1&gt; &amp; zo"));
        assert!(xml.contains("<w:pStyle w:val=\"Heading1\"/>"));
        assert!(xml.contains("<w:tblHeader/>"));
        assert!(xml.contains("<w:br/>"));
    }

    /// A matrix's column headers after the first stand up, reading bottom to top (`btLr`),
    /// in a header row tall enough for the longest; its columns are as wide as their
    /// numbers, not their headers; the first header and every cell read across. A long
    /// header wraps at a space, never inside a word.
    #[test]
    fn a_matrix_header_stands_up_and_is_never_split() {
        let header = vec![
            "Netwerk".to_owned(),
            "Gedeelde visie en doelen".to_owned(),
            "Herkenbaarheid van het profiel voor de deelnemers".to_owned(),
        ];
        let rows = vec![vec!["Havenmond".to_owned(), "71".into(), "64".into()]];
        let xml = document_xml(&[Block::Table {
            caption: "Alle netwerken".into(),
            header: header.clone(),
            rows: rows.clone(),
            numeric: vec![false, true, true],
            standing: vec![false, true, true],
        }]);
        assert_eq!(xml.matches("<w:textDirection w:val=\"btLr\"/>").count(), 2);
        let first = xml.find(">Netwerk<").unwrap();
        let up = xml.find("btLr").unwrap();
        assert!(first > up || !xml[..first].contains("btLr"), "{xml}");
        assert!(xml.contains("w:hRule=\"atLeast\""), "{xml}");
        // every header whole, in one run of text
        for h in &header {
            assert!(xml.contains(&format!(">{h}</w:t>")), "{h}: {xml}");
        }
        assert_eq!(
            up_lines("Herkenbaarheid van het profiel voor de deelnemers"),
            ["Herkenbaarheid van het", "profiel voor de deelnemers"]
        );
        // the standing columns are narrower than the header's length would make them
        let grid = |xml: &str| -> Vec<usize> {
            xml.split("<w:gridCol w:w=\"")
                .skip(1)
                .map(|p| p.split('"').next().unwrap().parse().unwrap())
                .collect()
        };
        let across = document_xml(&[Block::Table {
            caption: "Alle netwerken".into(),
            header,
            rows,
            numeric: vec![false, true, true],
            standing: vec![false, false, false],
        }]);
        assert!(!across.contains("btLr"));
        assert!(
            grid(&xml)[0] > grid(&across)[0],
            "{:?} {:?}",
            grid(&xml),
            grid(&across)
        );
    }
}
