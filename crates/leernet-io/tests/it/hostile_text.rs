//! Answers that attack the program that opens an export: a formula in a CSV cell
//! (`=cmd|' /C calc'!A0`) is neutralised unless the researcher asks for the raw bytes, an
//! XLSX holds text only as strings (never formulas), and a character that XML 1.0 forbids
//! (U+FFFE, U+FFFF, C0 controls) never makes a workbook unreadable.

use crate::common;

use leernet_io::csv_out::{self, Cells};
use leernet_io::dataset::{Dataset, ExportRow};
use leernet_io::xlsx_out;
use leernet_xlsform::Form;
use proptest::prelude::*;
use std::io::Read;

const ATTACK: &str = "=cmd|' /C calc'!A0";

fn form() -> Form {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["text", "remark", "=HYPERLINK(\"http://evil.example\")"],
        &["integer", "score", "Score"],
    ];
    let settings: &[&[&str]] = &[&["form_id", "version"], &["aanval", "1"]];
    common::form("aanval.xlsx", &[("survey", survey), ("settings", settings)])
}

fn dataset(remarks: &[&str]) -> Dataset {
    let rows: Vec<ExportRow> = remarks
        .iter()
        .enumerate()
        .map(|(i, r)| ExportRow {
            respondent: format!("r{i}"),
            network: "n".into(),
            wave: "w".into(),
            status: "submitted".into(),
            answers: [
                ("remark".to_owned(), (*r).to_owned()),
                ("score".to_owned(), "-3".to_owned()),
            ]
            .into_iter()
            .collect(),
        })
        .collect();
    Dataset::build(&form(), &rows, "")
}

fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn column(recs: &[Vec<String>], name: &str) -> Vec<String> {
    let c = recs[0].iter().position(|h| h == name).unwrap();
    recs[1..].iter().map(|r| r[c].clone()).collect()
}

#[test]
fn formulas_in_csv_text_cells_are_neutralised_and_numbers_stay_numbers() {
    let texts = [
        ATTACK,
        "+31 6 12345678",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "-3",
        "gewoon",
    ];
    let ds = dataset(&texts);
    let recs = records(&csv_out::data(&ds, Cells::Neutralised));
    assert_eq!(
        column(&recs, "remark"),
        [
            "'=cmd|' /C calc'!A0",
            "'+31 6 12345678",
            "'-2+3",
            "'@SUM(A1)",
            "'\t=1",
            "'\r=1",
            "-3",
            "gewoon"
        ]
    );
    assert!(column(&recs, "score").iter().all(|s| s == "-3"));

    let book = records(&csv_out::codebook(&ds, Cells::Neutralised));
    let label = column(&book, "label");
    assert!(
        label.contains(&"'=HYPERLINK(\"http://evil.example\")".to_owned()),
        "{label:?}"
    );

    // --raw: the bytes as stored
    let raw = records(&csv_out::data(&ds, Cells::Raw));
    assert_eq!(column(&raw, "remark"), texts);
    let book = records(&csv_out::codebook(&ds, Cells::Raw));
    assert!(column(&book, "label").contains(&"=HYPERLINK(\"http://evil.example\")".to_owned()));
}

/// Every entry of a zip archive, by name.
fn entries(bytes: &[u8]) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            (f.name().to_owned(), s)
        })
        .collect()
}

fn assert_xml_parses(bytes: &[u8]) {
    for (name, text) in entries(bytes) {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            if let Err(e) = roxmltree::Document::parse(&text) {
                panic!("{name} does not parse: {e}");
            }
        }
    }
}

#[test]
fn xlsx_writes_text_as_strings_never_as_formulas() {
    let ds = dataset(&[ATTACK, "-3", "@SUM(A1)"]);
    let x = xlsx_out::write(&ds).unwrap();
    let files = entries(&x);
    let sheets: Vec<&(String, String)> = files
        .iter()
        .filter(|(n, _)| n.starts_with("xl/worksheets/"))
        .collect();
    assert_eq!(sheets.len(), 2);
    for (n, s) in sheets {
        assert!(
            !s.contains("<f>") && !s.contains("<f "),
            "{n} holds a formula"
        );
    }
    let strings = &files
        .iter()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap()
        .1;
    let doc = roxmltree::Document::parse(strings).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("t"))
        .filter_map(|n| n.text())
        .collect();
    // as stored: no quote in front, the cell is a string
    assert!(texts.contains(&ATTACK), "{texts:?}");
    assert!(texts.contains(&"=HYPERLINK(\"http://evil.example\")"));
}

#[test]
fn an_answer_with_u_fffe_gives_a_workbook_that_parses() {
    let ds = dataset(&["goed\u{fffe}slecht\u{ffff}", "bel\u{7}", "nul\u{0}"]);
    let x = xlsx_out::write(&ds).unwrap();
    assert_xml_parses(&x);
    let strings = entries(&x)
        .into_iter()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap()
        .1;
    assert!(strings.contains("goed\u{fffd}slecht\u{fffd}"), "{strings}");
}

/// Arbitrary text, with the characters that XML forbids or escapes drawn often.
fn hostile() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '\u{0}', '\u{8}', '\u{b}', '\u{c}', '\u{1f}', '\u{fffe}', '\u{ffff}', '\r', '\t', '<', '&',
        '"', '_',
    ]);
    prop::collection::vec(prop_oneof![any::<char>(), special], 0..40)
        .prop_map(|cs| cs.into_iter().collect())
}

/// rust_xlsxwriter looks at the 4 bytes after every `_x` for a literal `_xHHHH_` and
/// panicked when they ended inside a character: one answer took the export down.
#[test]
fn an_answer_with_underscore_x_before_non_ascii_does_not_panic() {
    let ds = dataset(&["_xé€€ and _x0041_", "_x€€€"]);
    let x = xlsx_out::write(&ds).unwrap();
    assert_xml_parses(&x);
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(x)).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range("data").unwrap();
    let texts: Vec<String> = sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        texts.iter().any(|t| t.starts_with("_xé€€ and ")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "_x€€€"), "{texts:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever a respondent typed, every XML part of the workbook parses.
    #[test]
    fn any_answer_gives_a_workbook_whose_xml_parses(a in hostile(), b in any::<String>()) {
        let ds = dataset(&[&a, &b]);
        assert_xml_parses(&xlsx_out::write(&ds).unwrap());
    }
}
