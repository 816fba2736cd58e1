//! Crafted files given to an import: a far-away cell, an ODS cell repeated a billion
//! times, a cell of a gibibyte, each read sparsely or refused with one problem naming the
//! limit, under a memory cap so that a regression fails instead of eating the machine;
//! and answers longer than the web survey accepts, refused with their row and column in
//! every way in (CSV, XLSX, ODS, ODK Central's zip).

use crate::common;
#[path = "../../../leernet-xlsform/tests/it/common/crafted.rs"]
mod crafted;

use std::io::Cursor;

use leernet_io::import::{import_all, ImportReport};
use leernet_io::{ImportOptions, Problem, ProblemKind};
use leernet_xlsform::{Form, MAX_ANSWER_CHARS};

const CAP_MIB: u64 = 1536;

fn form() -> Form {
    common::form(
        "hostile.xlsx",
        &[(
            "survey",
            &[
                &["type", "name", "label"],
                &["text", "remark", "Opmerking"],
                &["integer", "age", "Leeftijd"],
            ],
        )],
    )
}

fn run(bytes: &[u8]) -> Result<ImportReport, Vec<Problem>> {
    import_all(
        &form(),
        Box::new(Cursor::new(bytes.to_vec())),
        &ImportOptions {
            lang: "nl",
            ..ImportOptions::default()
        },
    )
}

fn errors(bytes: &[u8]) -> Vec<Problem> {
    match run(bytes) {
        Ok(r) => r
            .all_problems()
            .into_iter()
            .filter(|p| p.is_error())
            .cloned()
            .collect(),
        Err(p) => p.into_iter().filter(|p| p.is_error()).collect(),
    }
}

fn refused(bytes: &[u8]) -> String {
    match run(bytes) {
        Err(p) => {
            assert_eq!(p.len(), 1, "{p:#?}");
            assert_eq!(p[0].kind, ProblemKind::Unreadable, "{p:#?}");
            p[0].to_string()
        }
        Ok(r) => panic!("imported: {:#?}", r.all_problems()),
    }
}

#[test]
fn a_far_away_cell_is_read_as_one_cell() {
    if crafted::under_memory_cap("a_far_away_cell_is_read_as_one_cell", CAP_MIB) {
        return;
    }
    let mut sheet = crafted::rows(1, &[&["remark", "age"], &["hallo", "40"]]);
    sheet.push_str(&format!(
        r#"<row r="1048576">{}</row>"#,
        crafted::cell("XFD1048576", "x")
    ));
    let bytes = crafted::xlsx(&[("data", sheet)]);
    assert!(bytes.len() < 4096);
    let e = errors(&bytes);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].kind, ProblemKind::RaggedRow);
    assert_eq!(e[0].row, Some(1_048_576));
}

#[test]
fn an_ods_cell_repeated_a_billion_times_is_refused() {
    if crafted::under_memory_cap("an_ods_cell_repeated_a_billion_times_is_refused", CAP_MIB) {
        return;
    }
    let across = format!(
        "{}<table:table-row>{}</table:table-row>",
        crafted::ods_row(&["remark", "age"], 1),
        crafted::ods_cell("x", 1_000_000_000)
    );
    let bytes = crafted::ods(&[("data", across)]);
    assert!(bytes.len() < 2048, "{}", bytes.len());
    let e = refused(&bytes);
    assert!(
        e.contains("sheet 'data'") && e.contains("20000000 cells"),
        "{e}"
    );
    let down = format!(
        "{}{}",
        crafted::ods_row(&["remark", "age"], 1),
        crafted::ods_row(&["x", "1"], 1_000_000_000)
    );
    let e = refused(&crafted::ods(&[("data", down)]));
    assert!(e.contains("20000000 cells"), "{e}");
}

#[test]
fn a_cell_of_a_gibibyte_is_refused() {
    if crafted::under_memory_cap("a_cell_of_a_gibibyte_is_refused", CAP_MIB) {
        return;
    }
    let e = refused(&crafted::xlsx_huge_cell(1024));
    assert!(
        e.contains("xl/sharedStrings.xml") && e.contains("256 KiB"),
        "{e}"
    );
}

/// An answer one character too long, at row 3 of column `remark`, in each way in.
#[test]
fn an_answer_longer_than_the_survey_allows_is_refused_with_its_row_and_column() {
    let long = "é".repeat(MAX_ANSWER_CHARS + 1);
    let just = "é".repeat(MAX_ANSWER_CHARS);
    let csv = format!("remark,age\nkort,40\n{long},41\n{just},42\n");
    let xlsx = crafted::xlsx(&[(
        "data",
        crafted::rows(
            1,
            &[
                &["remark", "age"],
                &["kort", "40"],
                &[&long, "41"],
                &[&just, "42"],
            ],
        ),
    )]);
    let ods = crafted::ods(&[(
        "data",
        [
            crafted::ods_row(&["remark", "age"], 1),
            crafted::ods_row(&["kort", "40"], 1),
            crafted::ods_row(&[&long, "41"], 1),
            crafted::ods_row(&[&just, "42"], 1),
        ]
        .concat(),
    )]);
    let odk = crafted::zip(&[crafted::Entry::stored(
        "hostile.csv",
        format!("remark,age,KEY\nkort,40,uuid:1\n{long},41,uuid:2\n{just},42,uuid:3\n").as_bytes(),
    )]);
    for (what, bytes) in [
        ("csv", csv.into_bytes()),
        ("xlsx", xlsx),
        ("ods", ods),
        ("odk", odk),
    ] {
        let e = errors(&bytes);
        assert_eq!(e.len(), 1, "{what}: {e:#?}");
        assert_eq!(e[0].row, Some(3), "{what}");
        assert_eq!(e[0].column.as_deref(), Some("remark"), "{what}");
        assert!(
            e[0].value.is_none(),
            "{what}: the long answer is not repeated"
        );
        assert!(
            e[0].message.contains("longer than 10000 characters"),
            "{what}: {}",
            e[0].message
        );
    }
}

/// A 30 MB answer (the finding) is refused too, and fast.
#[test]
fn an_answer_of_thirty_megabytes_is_refused() {
    let csv = format!("remark,age\n{},40\n", "a".repeat(30 << 20));
    let e = errors(csv.as_bytes());
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        (e[0].row, e[0].column.as_deref()),
        (Some(2), Some("remark"))
    );
}

#[test]
fn an_xls_with_far_apart_cells_is_refused() {
    if crafted::under_memory_cap("an_xls_with_far_apart_cells_is_refused", CAP_MIB) {
        return;
    }
    let stream = crafted::biff_workbook(
        &[
            crafted::biff_number(0, 0, 1.0),
            crafted::biff_number(65_535, 65_535, 2.0),
        ]
        .concat(),
    );
    let e = refused(&crafted::xls(&stream, false));
    assert!(e.contains("declares more than 20000000 cells"), "{e}");
}

#[test]
fn an_xls_that_makes_calamine_panic_is_refused() {
    // a defined name (Lbl) shorter than calamine reads, put in the globals right after
    // their BOF (20 bytes); the sheet's position in the BOUNDSHEET after it moves along
    let mut stream = crafted::biff_workbook(&crafted::biff_number(0, 0, 1.0));
    let lbl = crafted::biff(0x0018, &[0, 0]);
    stream.splice(20..20, lbl.iter().copied());
    let at = 20 + lbl.len() + 4;
    let pos = u32::from_le_bytes(stream[at..at + 4].try_into().unwrap()) + lbl.len() as u32;
    stream[at..at + 4].copy_from_slice(&pos.to_le_bytes());
    let e = refused(&crafted::xls(&stream, false));
    assert!(e.contains("damaged"), "{e}");
}

/// KoboToolbox's repeat sheets: 10,000 instances of one submission become 10,000 columns
/// of each of 10,000 rows (10^8 cells) — refused before they are laid out.
#[test]
fn repeat_instances_that_would_make_a_huge_grid_are_refused() {
    if crafted::under_memory_cap(
        "repeat_instances_that_would_make_a_huge_grid_are_refused",
        CAP_MIB,
    ) {
        return;
    }
    let n = 10_000;
    let indexes: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    let mut main: Vec<Vec<&str>> = vec![vec!["remark", "_index"]];
    main.extend(indexes.iter().map(|i| vec!["x", i.as_str()]));
    let mut kids: Vec<Vec<&str>> = vec![vec![
        "kids/kid_name",
        "_index",
        "_parent_table_name",
        "_parent_index",
    ]];
    kids.extend(indexes.iter().map(|i| vec!["Kim", i.as_str(), "data", "1"]));
    let as_rows = |rows: &[Vec<&str>]| {
        let refs: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        crafted::rows(1, &refs)
    };
    let bytes = crafted::xlsx(&[("data", as_rows(&main)), ("kids", as_rows(&kids))]);
    assert!(bytes.len() < 1 << 20, "{}", bytes.len());
    let e = refused(&bytes);
    assert!(e.contains("20000000 cells"), "{e}");
}

#[test]
fn a_long_shared_string_shown_in_ten_thousand_cells_is_refused() {
    if crafted::under_memory_cap(
        "a_long_shared_string_shown_in_ten_thousand_cells_is_refused",
        CAP_MIB,
    ) {
        return;
    }
    let long = "a".repeat(200_000);
    let sheet = format!(
        "{}{}",
        crafted::rows(1, &[&["remark", "age"]]),
        crafted::shared_cells("A", 2, 10_000)
    );
    let e = refused(&crafted::xlsx_shared(&[("data", sheet)], &[&long]));
    assert!(e.contains("come to more than 1024 MiB"), "{e}");
}

/// A CSV whose third line never ends.
struct EndlessLine {
    head: std::io::Cursor<&'static [u8]>,
}

impl std::io::Read for EndlessLine {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        buf.fill(b'x');
        Ok(buf.len())
    }
}

#[test]
fn a_csv_line_that_never_ends_is_refused_at_its_row() {
    if crafted::under_memory_cap("a_csv_line_that_never_ends_is_refused_at_its_row", CAP_MIB) {
        return;
    }
    let endless = EndlessLine {
        head: std::io::Cursor::new(b"remark,age\nkort,40\n"),
    };
    let p = match import_all(
        &form(),
        Box::new(endless),
        &ImportOptions {
            lang: "nl",
            ..ImportOptions::default()
        },
    ) {
        Err(p) => p,
        Ok(r) => panic!("imported: {:#?}", r.all_problems()),
    };
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].row, Some(3), "{p:#?}");
    assert!(p[0].message.contains("longer than 64 MiB"), "{p:#?}");
}
