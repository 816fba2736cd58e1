//! The dataset of the fixtures' three respondents, and the CSV and XLSX written from it:
//! codes, 0/1 variables, "not asked" for skipped questions, dates as Excel dates, the same
//! cells in CSV and XLSX, and the same bytes twice.

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Reader};
use leernet_io::dataset::{Cell, Dataset, ExportRow, NOT_ASKED};
use leernet_io::import::import_all;
use leernet_io::{csv_out, sav, xlsx_out, ImportOptions};
use leernet_xlsform::Form;

fn dataset() -> Dataset {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/fixtures/exports");
    let form = Form::from_workbook(
        &std::fs::read(dir.join("wellbeing_check.xlsx")).unwrap(),
        "w.xlsx",
    )
    .unwrap();
    let file = std::fs::File::open(dir.join("kobotoolbox_xml_values.csv")).unwrap();
    let rep = import_all(&form, Box::new(file), &ImportOptions::default()).unwrap();
    let rows: Vec<ExportRow> = rep
        .rows
        .iter()
        .map(|r| ExportRow {
            respondent: r.source_id.clone().unwrap(),
            network: "n".into(),
            wave: "w".into(),
            status: r.status.as_str().into(),
            answers: r.answers.clone(),
        })
        .collect();
    Dataset::build(&form, &rows, "en")
}

fn col(ds: &Dataset, name: &str) -> usize {
    ds.variables
        .iter()
        .position(|v| v.name == name)
        .unwrap_or_else(|| panic!("{name}"))
}

#[test]
fn codes_dummies_and_not_asked() {
    let ds = dataset();
    let names: Vec<&str> = ds.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "respondent",
            "network",
            "wave",
            "status",
            "start",
            "end",
            "consent",
            "age",
            "members",
            "services_counselling",
            "services_housing",
            "services_food",
            "services_other_chosen",
            "services_other",
            "comment"
        ]
    );
    let consent = &ds.variables[col(&ds, "consent")];
    assert_eq!(
        consent.value_labels,
        [
            (NOT_ASKED, "not asked (skip logic)".into()),
            (1.0, "Yes".into()),
            (2.0, "No".into())
        ]
    );
    assert_eq!(consent.labels["de"], "Stimmen Sie der Teilnahme zu?");
    let r = |i: usize, name: &str| ds.rows[i][col(&ds, name)].clone();
    assert_eq!(r(0, "consent"), Cell::Num(1.0));
    assert_eq!(r(0, "age"), Cell::Num(34.0));
    assert_eq!(r(0, "services_food"), Cell::Num(1.0));
    assert_eq!(r(0, "services_housing"), Cell::Num(0.0));
    assert_eq!(r(1, "services_other"), Cell::Text("Debt advice".into()));
    // respondent 3 did not consent: the services were not asked, age is empty
    assert_eq!(r(2, "consent"), Cell::Num(2.0));
    assert_eq!(r(2, "services_food"), Cell::Num(NOT_ASKED));
    assert_eq!(r(2, "age"), Cell::Missing);
}

#[test]
fn csv_and_xlsx_hold_the_same_cells() {
    let ds = dataset();
    let csv = csv_out::data(&ds, csv_out::Cells::Neutralised);
    assert_eq!(
        csv,
        csv_out::data(&dataset(), csv_out::Cells::Neutralised),
        "deterministic"
    );
    let book = String::from_utf8(csv_out::codebook(&ds, csv_out::Cells::Neutralised)).unwrap();
    assert!(book.starts_with("variable,question,choice,type,storage,measure,label_en,label_de,values_en,values_de,missing\n"), "{book}");
    assert!(book.contains("consent,consent,,select_one yes_no,numeric,nominal,Do you consent to take part?,Stimmen Sie der Teilnahme zu?,'-9=not asked (skip logic) | 1=Yes | 2=No,'-9=not asked (skip logic) | 1=Ja | 2=Nein,'-9=not asked (skip logic)"), "{book}");

    let x = xlsx_out::write(&ds).unwrap();
    assert_eq!(x, xlsx_out::write(&dataset()).unwrap(), "deterministic");
    assert_eq!(
        sav::write(&ds, "t"),
        sav::write(&dataset(), "t"),
        "deterministic"
    );
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(x)).unwrap();
    assert_eq!(wb.sheet_names(), ["data", "codebook"]);
    let sheet = wb.worksheet_range("data").unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_slice());
    let want: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let start = col(&ds, "start");
    for (r, row) in sheet.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let w = &want[r][c];
            match cell {
                Data::Float(f) => assert_eq!(leernet_io::dataset::format_num(*f), *w, "{r},{c}"),
                Data::String(s) => assert_eq!(s, w, "{r},{c}"),
                Data::Empty => assert!(w.is_empty(), "{r},{c}: {w:?}"),
                Data::DateTime(d) => {
                    assert!(
                        c == start || c == start + 1,
                        "only start and end are dates: {r},{c}"
                    );
                    let iso = leernet_xlsform::dates::excel_serial_to_iso(d.as_f64());
                    assert!(w.starts_with(&iso[..16]), "{r},{c}: {iso} vs {w}");
                }
                other => panic!("{r},{c}: {other:?}"),
            }
        }
    }
}
