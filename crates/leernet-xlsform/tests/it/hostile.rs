//! Crafted workbooks that ask for more memory than they are worth: each is refused with
//! one sentence naming the limit (or read sparsely), under a memory cap so that a
//! regression fails the test instead of taking the machine down.

use crate::common::crafted;

use leernet_xlsform::{Form, FormError};

/// The cap every test here runs under (MiB of address space).
const CAP_MIB: u64 = 1536;

fn unreadable(bytes: &[u8], name: &str) -> String {
    match Form::from_workbook(bytes, name) {
        Err(FormError::Unreadable(s)) => s,
        Err(FormError::Invalid(d)) => panic!("{name}: invalid, not unreadable: {d:?}"),
        Ok(_) => panic!("{name}: read as a form"),
    }
}

#[test]
fn a_far_away_cell_is_read_sparsely() {
    if crafted::under_memory_cap("a_far_away_cell_is_read_sparsely", CAP_MIB) {
        return;
    }
    let bytes = crafted::xlsx_far_cell();
    assert!(bytes.len() < 4096, "{} bytes", bytes.len());
    let form = Form::from_workbook(&bytes, "far.xlsx").expect("a form");
    assert_eq!(form.question_count(), 1);
}

#[test]
fn an_ods_cell_repeated_a_billion_times_across_is_refused() {
    if crafted::under_memory_cap(
        "an_ods_cell_repeated_a_billion_times_across_is_refused",
        CAP_MIB,
    ) {
        return;
    }
    let bytes = crafted::ods_repeated_cell(1_000_000_000);
    assert!(bytes.len() < 4096, "{} bytes", bytes.len());
    let e = unreadable(&bytes, "repeat.ods");
    assert!(
        e.starts_with("repeat.ods could not be read")
            && e.contains("sheet 'survey'")
            && e.contains("2000000 cells"),
        "{e}"
    );
}

#[test]
fn an_ods_row_repeated_a_billion_times_down_is_refused() {
    if crafted::under_memory_cap(
        "an_ods_row_repeated_a_billion_times_down_is_refused",
        CAP_MIB,
    ) {
        return;
    }
    let e = unreadable(&crafted::ods_repeated_row(1_000_000_000), "rows.ods");
    assert!(e.contains("2000000 cells"), "{e}");
}

#[test]
fn an_ods_as_libreoffice_writes_it_still_reads() {
    // empty cells and rows repeated to the end of the sheet are not expanded
    let bytes = crafted::ods_like_libreoffice();
    let form = Form::from_workbook(&bytes, "lo.ods").expect("a form");
    assert_eq!(form.question_count(), 1);
    // and a filled cell repeated a few times is read (its form is checked as usual)
    let form = Form::from_workbook(&crafted::ods_repeated_cell(50), "few.ods");
    assert!(matches!(form, Err(FormError::Invalid(_))), "{form:?}");
}

#[test]
fn a_cell_of_a_gibibyte_is_refused() {
    if crafted::under_memory_cap("a_cell_of_a_gibibyte_is_refused", CAP_MIB) {
        return;
    }
    let bytes = crafted::xlsx_huge_cell(1024);
    assert!(bytes.len() < 3 << 20, "{} bytes", bytes.len());
    let e = unreadable(&bytes, "huge.xlsx");
    assert!(
        e.starts_with("huge.xlsx could not be read")
            && e.contains("xl/sharedStrings.xml")
            && e.contains("256 KiB"),
        "{e}"
    );
    // the same file with an empty label is read (and its form checked as usual)
    let form = Form::from_workbook(&crafted::xlsx_huge_cell(0), "fine.xlsx");
    assert!(matches!(form, Err(FormError::Invalid(_))), "{form:?}");
}

#[test]
fn groups_nested_twenty_thousand_deep_are_refused() {
    if crafted::under_memory_cap("groups_nested_twenty_thousand_deep_are_refused", CAP_MIB) {
        return;
    }
    let bytes = crafted::xlsx_nested_groups(20_000);
    let e = match Form::from_workbook(&bytes, "deep.xlsx") {
        Err(FormError::Invalid(d)) => d,
        other => panic!("{other:?}"),
    };
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].row, Some(34));
    assert!(e[0].message.contains("more than 32 deep"), "{e:?}");
    // as deep as allowed is fine
    let ok = Form::from_workbook(
        &crafted::xlsx_nested_groups(leernet_xlsform::form::MAX_NESTING_DEPTH),
        "deep.xlsx",
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn an_honest_xls_reads() {
    // the structure the crafted ones below share, with one cell: read as a workbook
    let stream = crafted::biff_workbook(&crafted::biff_number(0, 0, 1.0));
    let e = unreadable_or_invalid(&crafted::xls(&stream, false), "eerlijk.xls");
    assert!(e.is_none(), "{e:?}");
}

/// None when the bytes were read as a workbook (the form itself may be invalid).
fn unreadable_or_invalid(bytes: &[u8], name: &str) -> Option<String> {
    match Form::from_workbook(bytes, name) {
        Err(FormError::Unreadable(s)) => Some(s),
        _ => None,
    }
}

/// A sheet that declares four billion rows (calamine would reserve them all) holds one cell:
/// the declaration is fitted to that cell before calamine reads it, so the file reads under
/// the memory cap and is judged on what it holds (here: no `type` column). The strict check
/// of the bytes as given still refuses them.
#[test]
fn an_xls_declaring_four_billion_rows_is_fitted_to_its_cells() {
    if crafted::under_memory_cap(
        "an_xls_declaring_four_billion_rows_is_fitted_to_its_cells",
        CAP_MIB,
    ) {
        return;
    }
    let stream = crafted::biff_workbook(
        &[
            crafted::biff_dimensions(0, u32::MAX, 0, 255),
            crafted::biff_number(0, 0, 1.0),
        ]
        .concat(),
    );
    let bytes = crafted::xls(&stream, false);
    let e = leernet_xlsform::guard::check_workbook(
        &bytes,
        &leernet_xlsform::guard::Limits::QUESTIONNAIRE,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("sheet 1 declares more than 2000000 cells"),
        "{e}"
    );
    match Form::from_workbook(&bytes, "dims.xls") {
        Err(FormError::Invalid(d)) => {
            assert!(
                d.iter().any(|d| d.message.contains("no 'type' column")),
                "{d:?}"
            )
        }
        other => panic!("dims.xls: {other:?}"),
    }
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
    let e = unreadable(&crafted::xls(&stream, false), "far.xls");
    assert!(e.contains("declares more than 2000000 cells"), "{e}");
}

#[test]
fn an_xls_whose_sectors_loop_is_refused() {
    if crafted::under_memory_cap("an_xls_whose_sectors_loop_is_refused", CAP_MIB) {
        return;
    }
    let stream = crafted::biff_workbook(&crafted::biff_number(0, 0, 1.0));
    let e = unreadable(&crafted::xls(&stream, true), "loop.xls");
    assert!(e.contains("loops"), "{e}");
}

#[test]
fn a_header_in_column_xfd_over_many_rows_is_refused() {
    if crafted::under_memory_cap("a_header_in_column_xfd_over_many_rows_is_refused", CAP_MIB) {
        return;
    }
    // each row is laid out as wide as the header: 16,384 cells x 10,000 rows
    let mut survey = crafted::rows(1, &[&["type", "name", "label"]])
        .replace("</row>", &format!("{}</row>", crafted::cell("XFD1", "x")));
    let names: Vec<String> = (0..10_000).map(|i| format!("n{i}")).collect();
    let rows: Vec<[&str; 3]> = names.iter().map(|n| ["note", n.as_str(), "x"]).collect();
    let refs: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
    survey.push_str(&crafted::rows(2, &refs));
    let bytes = crafted::xlsx(&[("survey", survey)]);
    assert!(bytes.len() < 1 << 20, "{}", bytes.len());
    let e = unreadable(&bytes, "wide.xlsx");
    assert!(
        e.contains("sheet 'survey' has 16384 columns") && e.contains("2000000 cells"),
        "{e}"
    );
}

#[test]
fn an_ods_space_run_of_four_billion_is_refused() {
    if crafted::under_memory_cap("an_ods_space_run_of_four_billion_is_refused", CAP_MIB) {
        return;
    }
    // calamine writes `text:c` spaces into the cell
    let rows = format!(
        "{}<table:table-row><table:table-cell office:value-type=\"string\"><text:p>a<text:s text:c=\"4000000000\"></text:s>b</text:p></table:table-cell></table:table-row>",
        crafted::ods_row(&["type", "name", "label"], 1),
    );
    let e = unreadable(&crafted::ods(&[("survey", rows)]), "spaces.ods");
    assert!(e.contains("content.xml") && e.contains("256 KiB"), "{e}");
}

#[test]
fn an_ods_long_text_repeated_ten_thousand_times_is_refused() {
    if crafted::under_memory_cap(
        "an_ods_long_text_repeated_ten_thousand_times_is_refused",
        CAP_MIB,
    ) {
        return;
    }
    // 200 KB of text (under the limit of one cell) in a cell repeated 10,000 times: 2 GB
    let long = "a".repeat(200_000);
    let rows = format!(
        "{}<table:table-row>{}</table:table-row>",
        crafted::ods_row(&["type", "name", "label"], 1),
        crafted::ods_cell(&long, 10_000)
    );
    let e = unreadable(&crafted::ods(&[("survey", rows)]), "long.ods");
    assert!(e.contains("texts of its cells, repeated"), "{e}");
}

#[test]
fn a_long_shared_string_shown_in_ten_thousand_cells_is_refused() {
    if crafted::under_memory_cap(
        "a_long_shared_string_shown_in_ten_thousand_cells_is_refused",
        CAP_MIB,
    ) {
        return;
    }
    // 200 KB once in the file, 2 GB once every cell has its copy
    let long = "a".repeat(200_000);
    let survey = format!(
        "{}{}",
        crafted::rows(1, &[&["type", "name", "label"]]),
        crafted::shared_cells("D", 2, 10_000)
    );
    let bytes = crafted::xlsx_shared(&[("survey", survey)], &[&long]);
    assert!(bytes.len() < 1 << 20, "{}", bytes.len());
    let e = unreadable(&bytes, "shared.xlsx");
    assert!(
        e.contains("the texts of sheet 'survey' come to more than 256 MiB"),
        "{e}"
    );
}

#[test]
fn an_xls_shared_string_shown_in_thirty_thousand_cells_is_refused() {
    if crafted::under_memory_cap(
        "an_xls_shared_string_shown_in_thirty_thousand_cells_is_refused",
        CAP_MIB,
    ) {
        return;
    }
    // 60 KB once in the file; calamine copies it into every cell that shows it: 1.8 GB
    let cells: Vec<u8> = (1..=30_000u16)
        .flat_map(|r| crafted::biff_label_sst(r, 0, 0))
        .collect();
    let stream = crafted::biff_workbook_with(&crafted::biff_sst_one(60_000), &cells);
    let e = unreadable(&crafted::xls(&stream, false), "sst.xls");
    assert!(e.contains("the texts of its cells, repeated"), "{e}");
    // shown a few times, the same table reads
    let few: Vec<u8> = (1..=3u16)
        .flat_map(|r| crafted::biff_label_sst(r, 0, 0))
        .collect();
    let stream = crafted::biff_workbook_with(&crafted::biff_sst_one(60_000), &few);
    let ok = leernet_xlsform::guard::check_workbook(
        &crafted::xls(&stream, false),
        &leernet_xlsform::guard::Limits::QUESTIONNAIRE,
    );
    assert!(ok.is_ok(), "{ok:?}");
}
