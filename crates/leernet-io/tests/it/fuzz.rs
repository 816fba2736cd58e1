//! Fuzzing the CSV and XLSX import paths on stable Rust: whatever the bytes, the importer
//! answers with rows or problems, never a panic. Three sources of input: a kept corpus of
//! nasty files (`tests/corpus/`, add every input that ever broke something), random bytes
//! and random CSV-like text built from the form's names, separators, quotes and line
//! ends (proptest; failures are kept in `proptest-regressions/`), and damaged copies of a
//! real XLSX export.

use std::io::Cursor;
use std::path::PathBuf;

use leernet_io::import::import_all;
use leernet_io::{Format, ImportOptions};
use leernet_xlsform::Form;
use proptest::prelude::*;

fn form() -> Form {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/exports/wellbeing_check.xlsx");
    Form::from_workbook(&std::fs::read(p).unwrap(), "wellbeing_check.xlsx").unwrap()
}

fn feed(form: &Form, bytes: &[u8]) {
    for format in [
        None,
        Some(Format::Kobo),
        Some(Format::LimeSurvey),
        Some(Format::Qualtrics),
        Some(Format::MsForms),
    ] {
        let opts = ImportOptions {
            format,
            lang: "en",
            ..ImportOptions::default()
        };
        if let Ok(rep) = import_all(form, Box::new(Cursor::new(bytes.to_vec())), &opts) {
            for p in rep.all_problems() {
                let _ = p.to_string();
            }
        }
    }
}

#[test]
fn the_corpus() {
    let form = form();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        feed(&form, &bytes);
        n += 1;
    }
    assert!(n >= 5);
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("yes".to_owned()),
        Just("Y".to_owned()),
        Just("34".to_owned()),
        Just("counselling food".to_owned()),
        Just("Counselling;Food;".to_owned()),
        Just("1,3".to_owned()),
        Just("\"".to_owned()),
        Just("{\"ImportId\":\"QID1\"}".to_owned()),
        Just("3/5/24 10:12:33".to_owned()),
        "[ -~\u{e9}\u{20ac}\r\n;,\t\"]{0,12}",
    ]
}

fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("consent".to_owned()),
        Just("household/age".to_owned()),
        Just("household-members".to_owned()),
        Just("services".to_owned()),
        Just("services/food".to_owned()),
        Just("services[SQ002]".to_owned()),
        Just("services[other]".to_owned()),
        Just("Which services have you used?".to_owned()),
        Just("_uuid".to_owned()),
        Just("_submission_time".to_owned()),
        Just("id".to_owned()),
        Just("submitdate".to_owned()),
        Just("lastpage".to_owned()),
        Just("ID".to_owned()),
        Just("Start time".to_owned()),
        Just("Completion time".to_owned()),
        Just("Status".to_owned()),
        Just("Finished".to_owned()),
        "[a-z_/\\[\\] ]{0,8}",
    ]
}

fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(header(), 1..8),
        prop::collection::vec(prop::collection::vec(cell(), 0..9), 0..6),
        prop::sample::select(vec![",", ";", "\t"]),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(h, rows, sep, nl, bom, quote)| {
            let q = |s: &str| {
                if quote {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.to_owned()
                }
            };
            let mut t = String::new();
            if bom {
                t.push('\u{feff}');
            }
            t.push_str(&h.iter().map(|x| q(x)).collect::<Vec<_>>().join(sep));
            for r in rows {
                t.push_str(nl);
                t.push_str(&r.iter().map(|x| q(x)).collect::<Vec<_>>().join(sep));
            }
            t.into_bytes()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        feed(&form(), &bytes);
    }

    #[test]
    fn random_csv_never_panics(bytes in csv_text()) {
        feed(&form(), &bytes);
    }

    #[test]
    fn damaged_xlsx_never_panics(cut in 0usize..6000, flips in prop::collection::vec((0usize..6000, any::<u8>()), 0..8)) {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/fixtures/exports/microsoft_forms.xlsx");
        let mut bytes = std::fs::read(p).unwrap();
        for (at, b) in flips {
            if at < bytes.len() {
                bytes[at] = b;
            }
        }
        bytes.truncate(cut.max(4));
        feed(&form(), &bytes);
    }
}
