//! Property test of the workbook guard against calamine: workbooks generated with cells
//! far apart, huge repeats and huge declared dimensions are read (or refused) in a child
//! process whose address space is capped. Where the guard's model of what calamine will
//! allocate is wrong, an allocation fails and aborts the child, and the test fails.

use crate::common::crafted;

use leernet_xlsform::Form;
use proptest::prelude::*;

const CAP_MIB: u64 = 1536;

/// A count as crafted files choose them: mostly small, sometimes at a limit's edge,
/// sometimes absurd.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 1u64..4,
        2 => 1u64..5000,
        1 => Just(16_384u64),
        1 => Just(1_048_576u64),
        1 => Just(1_999_999u64),
        1 => Just(1_000_000_000u64),
        1 => Just(u32::MAX as u64),
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[derive(Debug, Clone)]
enum OdsCell {
    /// Repeats and the length of its text.
    Filled(u64, usize),
    Empty(u64),
}

fn ods_cell() -> impl Strategy<Value = OdsCell> {
    prop_oneof![
        (
            count(),
            prop_oneof![Just(1usize), Just(1000), Just(200_000)]
        )
            .prop_map(|(n, len)| OdsCell::Filled(n, len)),
        count().prop_map(OdsCell::Empty),
    ]
}

fn ods_rows() -> impl Strategy<Value = Vec<(u64, Vec<OdsCell>)>> {
    prop::collection::vec((count(), prop::collection::vec(ods_cell(), 0..4)), 1..5)
}

fn ods_of(tables: &[Vec<(u64, Vec<OdsCell>)>]) -> Vec<u8> {
    let mut named = Vec::new();
    for (t, rows) in tables.iter().enumerate() {
        let mut s = crafted::ods_row(&["type", "name", "label"], 1);
        for (repeat, cells) in rows {
            s.push_str(&format!(
                r#"<table:table-row table:number-rows-repeated="{repeat}">"#
            ));
            for c in cells {
                match c {
                    OdsCell::Filled(n, len) => {
                        s.push_str(&crafted::ods_cell(&"x".repeat(*len), *n))
                    }
                    OdsCell::Empty(n) => s.push_str(&format!(
                        r#"<table:table-cell table:number-columns-repeated="{n}"/>"#
                    )),
                }
            }
            s.push_str("</table:table-row>");
        }
        named.push((
            if t == 0 {
                "survey".to_string()
            } else {
                format!("s{t}")
            },
            s,
        ));
    }
    let refs: Vec<(&str, String)> = named.iter().map(|(n, s)| (n.as_str(), s.clone())).collect();
    crafted::ods(&refs)
}

#[test]
fn generated_ods_never_abort() {
    if crafted::under_memory_cap("generated_ods_never_abort", CAP_MIB) {
        return;
    }
    proptest!(config(), |(tables in prop::collection::vec(ods_rows(), 1..3))| {
        let bytes = ods_of(&tables);
        let _ = Form::from_workbook(&bytes, "p.ods");
        let _ = leernet_xlsform::check(&bytes, "p.ods");
    });
}

#[test]
fn generated_xlsx_never_abort() {
    if crafted::under_memory_cap("generated_xlsx_never_abort", CAP_MIB) {
        return;
    }
    let cell = (0u32..1_048_576, 0usize..16_384);
    proptest!(config(), |(cells in prop::collection::vec(cell, 0..6), wide in any::<bool>(), rows in 0usize..3000)| {
        let mut sheet = crafted::rows(1, &[&["type", "name", "label"]]);
        if wide {
            sheet = sheet.replace("</row>", &format!("{}</row>", crafted::cell("XFD1", "x")));
        }
        let names: Vec<String> = (0..rows).map(|i| format!("n{i}")).collect();
        let body: Vec<[&str; 3]> = names.iter().map(|n| ["note", n.as_str(), "x"]).collect();
        let refs: Vec<&[&str]> = body.iter().map(|r| r.as_slice()).collect();
        sheet.push_str(&crafted::rows(2, &refs));
        let mut cells = cells;
        cells.sort();
        cells.dedup_by_key(|c| c.0);
        for (r, c) in cells {
            let r = r.max(rows as u32 + 2);
            sheet.push_str(&format!(
                r#"<row r="{}">{}</row>"#,
                r + 1,
                crafted::cell(&format!("{}{}", crafted::letters(c), r + 1), "x")
            ));
        }
        let bytes = crafted::xlsx(&[("survey", sheet)]);
        let _ = Form::from_workbook(&bytes, "p.xlsx");
    });
}

#[test]
fn generated_xls_never_abort() {
    if crafted::under_memory_cap("generated_xls_never_abort", CAP_MIB) {
        return;
    }
    let dims = (any::<u32>(), any::<u32>(), any::<u16>(), any::<u16>());
    let cell = (any::<u16>(), any::<u16>());
    proptest!(config(), |(dims in prop::option::of(dims), cells in prop::collection::vec(cell, 1..4), cycle in any::<bool>())| {
        let mut sheet = Vec::new();
        if let Some((a, b, c, d)) = dims {
            sheet.extend(crafted::biff_dimensions(a, b, c, d));
        }
        for (r, c) in cells {
            sheet.extend(crafted::biff_number(r, c, 1.0));
        }
        let bytes = crafted::xls(&crafted::biff_workbook(&sheet), cycle);
        let _ = Form::from_workbook(&bytes, "p.xls");
    });
}
