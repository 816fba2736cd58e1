//! Every reconstructed export of the fixtures in `testdata/fixtures/exports` imports onto `wellbeing_check.xlsx`
//! and gives the same answers, value by value, as the three respondents SOURCES.md
//! describes; and the tools agree with each other.

use std::collections::BTreeMap;
use std::path::PathBuf;

use leernet_core::ResponseStatus;
use leernet_io::import::{import_all, ImportReport};
use leernet_io::{Format, ImportOptions};
use leernet_xlsform::Form;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/exports")
        .join(name)
}

fn form() -> Form {
    let bytes = std::fs::read(fixture("wellbeing_check.xlsx")).expect("fixture form");
    Form::from_workbook(&bytes, "wellbeing_check.xlsx").expect("valid form")
}

fn import(name: &str) -> ImportReport {
    let form = form();
    let file = std::fs::File::open(fixture(name)).expect("fixture");
    let rep = import_all(
        &form,
        Box::new(file),
        &ImportOptions {
            lang: "en",
            ..ImportOptions::default()
        },
    )
    .unwrap_or_else(|p| panic!("{name}: {p:?}"));
    let errors: Vec<String> = rep
        .all_problems()
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    rep
}

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The three respondents of SOURCES.md, answerable questions only.
fn expected() -> Vec<BTreeMap<String, String>> {
    vec![
        answers(&[
            ("consent", "yes"),
            ("age", "34"),
            ("members", "3"),
            ("services", "counselling food"),
            ("comment", "Thanks, \"great\" support"),
        ]),
        answers(&[
            ("consent", "yes"),
            ("age", "61"),
            ("members", "1"),
            ("services", "housing other"),
            ("services_other", "Debt advice"),
        ]),
        answers(&[("consent", "no")]),
    ]
}

fn without_times(a: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    a.iter()
        .filter(|(k, _)| *k != "start" && *k != "end")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn check(name: &str, format: Format, ids: &[&str], start: &[&str], end: &[&str]) {
    let rep = import(name);
    assert_eq!(rep.format, format, "{name}");
    let rows: Vec<_> = rep.rows.iter().filter(|r| !r.skipped).collect();
    assert!(rows.len() >= 3, "{name}: {} rows", rows.len());
    for (i, want) in expected().iter().enumerate() {
        assert_eq!(
            &without_times(&rows[i].answers),
            want,
            "{name}, respondent {}",
            i + 1
        );
        assert_eq!(rows[i].source_id.as_deref(), Some(ids[i]), "{name}");
        assert_eq!(rows[i].status, ResponseStatus::Submitted, "{name}");
        assert_eq!(
            rows[i].answers.get("start").map(String::as_str),
            Some(start[i]),
            "{name} start"
        );
        assert_eq!(
            rows[i].answers.get("end").map(String::as_str),
            Some(end[i]),
            "{name} end"
        );
    }
}

const KOBO_START: [&str; 3] = [
    "2024-03-05T10:12:33.120+01:00",
    "2024-03-06T14:01:05.000+01:00",
    "2024-03-07T09:00:00.000+01:00",
];
const KOBO_END: [&str; 3] = [
    "2024-03-05T10:15:02.480+01:00",
    "2024-03-06T14:04:40.000+01:00",
    "2024-03-07T09:00:20.000+01:00",
];
const LOCAL_START: [&str; 3] = [
    "2024-03-05T10:12:33",
    "2024-03-06T14:01:05",
    "2024-03-07T09:00:00",
];
const LOCAL_END: [&str; 3] = [
    "2024-03-05T10:15:02",
    "2024-03-06T14:04:40",
    "2024-03-07T09:00:20",
];
const UUIDS: [&str; 3] = [
    "0b6c1d7e-4f2a-4c59-9a1e-3d8f2b7c6a11",
    "5e9a2c44-8b13-4d7e-a6f0-91c2d3e4f5a6",
    "c3d2e1f0-7a6b-4c5d-8e9f-0a1b2c3d4e5f",
];

#[test]
fn kobo_xml_values() {
    check(
        "kobotoolbox_xml_values.csv",
        Format::Kobo,
        &UUIDS,
        &KOBO_START,
        &KOBO_END,
    );
}

#[test]
fn kobo_labels() {
    check(
        "kobotoolbox_labels.csv",
        Format::Kobo,
        &UUIDS,
        &KOBO_START,
        &KOBO_END,
    );
}

#[test]
fn odk_central() {
    let keys: Vec<String> = UUIDS.iter().map(|u| format!("uuid:{u}")).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    check(
        "odk_central_submissions.csv",
        Format::Odk,
        &keys,
        &KOBO_START,
        &KOBO_END,
    );
}

#[test]
fn limesurvey_codes() {
    check(
        "limesurvey_codes.csv",
        Format::LimeSurvey,
        &["1", "2", "3"],
        &LOCAL_START,
        &LOCAL_END,
    );
    // response 4 is incomplete: stored as in progress, with what it has
    let rep = import("limesurvey_codes.csv");
    assert_eq!(rep.rows.len(), 4);
    let r4 = &rep.rows[3];
    assert_eq!(r4.status, ResponseStatus::InProgress);
    assert_eq!(r4.answers.get("consent").map(String::as_str), Some("yes"));
    assert_eq!(r4.row, 5);
}

#[test]
fn qualtrics_numeric() {
    check(
        "qualtrics_numeric.csv",
        Format::Qualtrics,
        &[
            "R_3kFz8QwPq1LmN2a",
            "R_1aBcDeFgHiJkLmN",
            "R_2ZyXwVuTsRqPoNm",
        ],
        &LOCAL_START,
        &LOCAL_END,
    );
    let rep = import("qualtrics_numeric.csv");
    assert_eq!(rep.rows[0].row, 4, "data starts on row 4");
}

#[test]
fn microsoft_forms_csv_and_xlsx() {
    check(
        "microsoft_forms.csv",
        Format::MsForms,
        &["1", "2", "3"],
        &LOCAL_START,
        &LOCAL_END,
    );
    check(
        "microsoft_forms.xlsx",
        Format::MsForms,
        &["1", "2", "3"],
        &LOCAL_START,
        &LOCAL_END,
    );
}

#[test]
fn the_tools_agree() {
    let files = [
        "kobotoolbox_xml_values.csv",
        "kobotoolbox_labels.csv",
        "odk_central_submissions.csv",
        "limesurvey_codes.csv",
        "qualtrics_numeric.csv",
        "microsoft_forms.csv",
        "microsoft_forms.xlsx",
    ];
    let first: Vec<_> = import(files[0])
        .rows
        .iter()
        .take(3)
        .map(|r| without_times(&r.answers))
        .collect();
    for f in &files[1..] {
        let these: Vec<_> = import(f)
            .rows
            .iter()
            .take(3)
            .map(|r| without_times(&r.answers))
            .collect();
        assert_eq!(these, first, "{f} differs from {}", files[0]);
    }
}

#[test]
fn real_qualtrics_sample_is_read_and_its_columns_reported() {
    // a real export of another survey: detected, read, and every question column is
    // reported as unmatched, so the import is refused
    let form = form();
    let file = std::fs::File::open(fixture("qualtrics_sample_qualtRics.csv")).unwrap();
    let err = import_all(&form, Box::new(file), &ImportOptions::default()).unwrap_err();
    assert!(
        err.iter()
            .any(|p| p.is_error() && p.message.contains("no column matches")),
        "{err:?}"
    );
    assert!(
        err.iter().any(|p| p.column.as_deref() == Some("Q1")),
        "{err:?}"
    );
}

#[test]
fn legacy_kobocat_is_refused_with_reasons() {
    let form = form();
    let file = std::fs::File::open(fixture("kobocat_legacy_nested_repeats.csv")).unwrap();
    let err = import_all(&form, Box::new(file), &ImportOptions::default()).unwrap_err();
    assert!(err.iter().any(|p| p.is_error()), "{err:?}");
}

/// KoboToolbox's legacy CSV flattens repeats into one column per instance
/// (`kids/kids_details[2]/kids_immunization[1]/immunization_info`) and writes `n/a` for
/// what is not there. Against its own form (nested repeats, a relevance on the repeat),
/// every instance is stored under leernet's key for it (`kids_details[2]/kids_name`),
/// with the number of instances per repeat, and nothing absent is stored as "n/a".
#[test]
fn legacy_kobocat_nested_repeats_import_onto_their_form() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/xlsform/nested_repeats.xls");
    let form = Form::from_workbook(&std::fs::read(path).unwrap(), "nested_repeats.xls").unwrap();
    let file = std::fs::File::open(fixture("kobocat_legacy_nested_repeats.csv")).unwrap();
    let rep = import_all(&form, Box::new(file), &ImportOptions::default()).unwrap();
    assert_eq!(rep.format, Format::Kobo);
    assert!(!rep.has_errors(), "{:?}", rep.all_problems());
    assert_eq!(rep.rows.len(), 2);
    let want = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        rep.rows[0].answers,
        want(&[
            ("has_kids", "1"),
            ("kids_details", "2"),
            ("kids_details[1]/kids_name", "Hansel"),
            ("kids_details[1]/kids_age", "2"),
            ("kids_details[1]/kids_immunization", "3"),
            (
                "kids_details[1]/kids_immunization[1]/immunization_info",
                "Polio"
            ),
            (
                "kids_details[1]/kids_immunization[2]/immunization_info",
                "Measles"
            ),
            (
                "kids_details[1]/kids_immunization[3]/immunization_info",
                "Malaria"
            ),
            ("kids_details[2]/kids_name", "Gretel"),
            ("kids_details[2]/kids_age", "1"),
            ("kids_details[2]/kids_immunization", "2"),
            (
                "kids_details[2]/kids_immunization[1]/immunization_info",
                "TB"
            ),
            (
                "kids_details[2]/kids_immunization[2]/immunization_info",
                "Rickets"
            ),
            ("nested_name", "The Witch"),
            ("nested_age", "45"),
            ("address", "1234"),
            ("gps", "-1.2627557 36.7926442 0.0 30.0"),
            ("web_browsers", "ie safari"),
        ])
    );
    let second = &rep.rows[1].answers;
    assert_eq!(second["kids_details"], "3");
    assert_eq!(second["kids_details[3]/kids_name"], "Harry");
    assert_eq!(second["kids_details[3]/kids_immunization"], "1");
    assert_eq!(
        second["kids_details[3]/kids_immunization[1]/immunization_info"],
        "Polio 2"
    );
    assert!(rep
        .rows
        .iter()
        .all(|r| r.answers.values().all(|v| v != "n/a")));

    // the drafted mapping file names such a column "repeat[2]/question", and reads back
    let file = std::fs::File::open(fixture("kobocat_legacy_nested_repeats.csv")).unwrap();
    let imp = leernet_io::Importer::open(&form, Box::new(file), &ImportOptions::default()).unwrap();
    let toml = imp.plan().to_mapping_toml();
    assert!(
        toml.contains("\"kids/kids_details[2]/kids_name\" = \"kids_details[2]/kids_name\""),
        "{toml}"
    );
    let mapping = leernet_io::Mapping::from_toml(&toml).unwrap();
    let file = std::fs::File::open(fixture("kobocat_legacy_nested_repeats.csv")).unwrap();
    let again = import_all(
        &form,
        Box::new(file),
        &ImportOptions {
            mapping: Some(&mapping),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert_eq!(again.rows[0].answers, rep.rows[0].answers);
    assert_eq!(again.rows[1].answers, rep.rows[1].answers);

    // the answers are checked like any other: a child's age that is no number is named
    // with its row and column; a repeat that skip logic does not ask is not stored
    let text = std::fs::read_to_string(fixture("kobocat_legacy_nested_repeats.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen("Hansel,2,", "Hansel,twee,", 1);
    lines[2] = lines[2].replacen("1,Tom,", "0,Tom,", 1);
    let rep = import_all(
        &form,
        Box::new(std::io::Cursor::new(lines.join("\n").into_bytes())),
        &ImportOptions::default(),
    )
    .unwrap();
    let problems: Vec<String> = rep.all_problems().iter().map(|p| p.to_string()).collect();
    assert!(
        problems.iter().any(|p| p.contains("row 2")
            && p.contains("kids/kids_details[1]/kids_age")
            && p.contains("\"twee\"")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("row 3")
            && p.contains("kids/kids_details[1]/kids_name")
            && p.contains("not stored")),
        "{problems:?}"
    );
    assert!(!rep.rows[1]
        .answers
        .contains_key("kids_details[1]/kids_name"));
}

/// KoboToolbox's XLSX export: the submissions on the first sheet, each repeat on a sheet
/// of its own joined by `_index` / `_parent_table_name` / `_parent_index` (formpack's
/// layout; no real file may be copied, so this one is written here, its nested sheet
/// before its parent's). The instances come back as the legacy CSV's do, and a repeat row
/// whose parent is missing is refused, naming sheet and row.
#[test]
fn kobo_xlsx_repeat_sheets_import_onto_their_form() {
    use rust_xlsxwriter::Workbook;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/xlsform/nested_repeats.xls");
    let form = Form::from_workbook(&std::fs::read(path).unwrap(), "nested_repeats.xls").unwrap();
    enum C<'a> {
        S(&'a str),
        N(f64),
    }
    use C::{N, S};
    let sheet = |wb: &mut Workbook, name: &str, rows: &[Vec<C>]| {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    S(s) => ws.write_string(r as u32, c as u16, *s).unwrap(),
                    N(n) => ws.write_number(r as u32, c as u16, *n).unwrap(),
                };
            }
        }
    };
    let build = |orphan: bool| -> Vec<u8> {
        let mut wb = Workbook::new();
        sheet(
            &mut wb,
            "Nested repeats Test",
            &[
                vec![
                    S("kids/has_kids"),
                    S("kids/nested_group/nested_name"),
                    S("address"),
                    S("_id"),
                    S("_uuid"),
                    S("_submission_time"),
                    S("_index"),
                ],
                vec![
                    N(1.0),
                    S("The Witch"),
                    N(1234.0),
                    N(101.0),
                    S("u-1"),
                    S("2024-03-05T10:12:33"),
                    N(1.0),
                ],
                vec![
                    N(1.0),
                    S("John"),
                    N(5678.0),
                    N(102.0),
                    S("u-2"),
                    S("2024-03-06T09:00:00"),
                    N(2.0),
                ],
            ],
        );
        let imm = |text: &'static str, ix: f64, parent: f64| {
            vec![S(text), N(ix), S("kids_details"), N(parent), N(101.0)]
        };
        let mut immunizations = vec![
            vec![
                S("kids/kids_details/kids_immunization/immunization_info"),
                S("_index"),
                S("_parent_table_name"),
                S("_parent_index"),
                S("_submission__id"),
            ],
            imm("Polio", 1.0, 1.0),
            imm("Measles", 2.0, 1.0),
            imm("Malaria", 3.0, 1.0),
            imm("TB", 4.0, 2.0),
            imm("Rickets", 5.0, 2.0),
            imm("Polio 2", 6.0, 5.0),
        ];
        if orphan {
            immunizations.push(imm("Lost", 7.0, 99.0));
        }
        sheet(&mut wb, "kids_immunization", &immunizations);
        let kid = |name: &'static str, age: f64, ix: f64, parent: f64| {
            vec![S(name), N(age), N(ix), S("Nested repeats Test"), N(parent)]
        };
        sheet(
            &mut wb,
            "kids_details",
            &[
                vec![
                    S("kids/kids_details/kids_name"),
                    S("kids/kids_details/kids_age"),
                    S("_index"),
                    S("_parent_table_name"),
                    S("_parent_index"),
                ],
                kid("Hansel", 2.0, 1.0, 1.0),
                kid("Gretel", 1.0, 2.0, 1.0),
                kid("Tom", 8.0, 3.0, 2.0),
                kid("Dick", 5.0, 4.0, 2.0),
                kid("Harry", 3.0, 5.0, 2.0),
            ],
        );
        wb.save_to_buffer().unwrap()
    };
    let rep = import_all(
        &form,
        Box::new(std::io::Cursor::new(build(false))),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(rep.format, Format::Kobo);
    assert!(!rep.has_errors(), "{:?}", rep.all_problems());
    let first = &rep.rows[0].answers;
    for (k, v) in [
        ("has_kids", "1"),
        ("kids_details", "2"),
        ("kids_details[1]/kids_name", "Hansel"),
        ("kids_details[1]/kids_age", "2"),
        ("kids_details[1]/kids_immunization", "3"),
        (
            "kids_details[1]/kids_immunization[3]/immunization_info",
            "Malaria",
        ),
        ("kids_details[2]/kids_name", "Gretel"),
        (
            "kids_details[2]/kids_immunization[2]/immunization_info",
            "Rickets",
        ),
        ("nested_name", "The Witch"),
        ("address", "1234"),
    ] {
        assert_eq!(
            first.get(k).map(String::as_str),
            Some(v),
            "{k} in {first:?}"
        );
    }
    let second = &rep.rows[1].answers;
    assert_eq!(second["kids_details"], "3");
    assert_eq!(second["kids_details[3]/kids_name"], "Harry");
    assert_eq!(
        second["kids_details[3]/kids_immunization[1]/immunization_info"],
        "Polio 2"
    );
    assert!(!second.contains_key("kids_details[1]/kids_immunization"));

    let err = import_all(
        &form,
        Box::new(std::io::Cursor::new(build(true))),
        &ImportOptions::default(),
    )
    .unwrap_err();
    let m: Vec<String> = err.iter().map(|p| p.to_string()).collect();
    assert!(
        m.iter()
            .any(|p| p.contains("sheet \"kids_immunization\", row 8")
                && p.contains("_parent_index \"99\"")),
        "{m:?}"
    );
}

/// The stored JSON that `Checker::check_json` writes is `serde_json` of the answers that
/// `Checker::check` gives, and the rest of the row is the same, for every fixture row
/// (the nested repeats included).
#[test]
fn check_json_writes_the_answers_that_check_gives() {
    let nested = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/fixtures/xlsform/nested_repeats.xls"),
    )
    .expect("fixture form");
    let nested = Form::from_workbook(&nested, "nested_repeats.xls").expect("valid form");
    let wellbeing = form();
    let mut rows = 0;
    for (form, name) in [
        (&wellbeing, "kobotoolbox_labels.csv"),
        (&wellbeing, "kobotoolbox_xml_values.csv"),
        (&wellbeing, "limesurvey_codes.csv"),
        (&wellbeing, "microsoft_forms.csv"),
        (&wellbeing, "microsoft_forms.xlsx"),
        (&wellbeing, "odk_central_submissions.csv"),
        (&wellbeing, "qualtrics_numeric.csv"),
        (&nested, "kobocat_legacy_nested_repeats.csv"),
    ] {
        let file = std::fs::File::open(fixture(name)).expect("fixture");
        let opts = ImportOptions {
            lang: "en",
            ..ImportOptions::default()
        };
        let mut imp = leernet_io::Importer::open(form, Box::new(file), &opts)
            .unwrap_or_else(|p| panic!("{name}: {p:?}"));
        while let Some(raw) = imp.next_raw() {
            let row = raw.expect("readable");
            let (mut by_json, json) = imp.checker().check_json(&row);
            let by_map = imp.checker().check(row);
            assert!(!by_map.answers.is_empty(), "{name}: row {}", by_map.row);
            assert_eq!(
                json,
                serde_json::to_string(&by_map.answers).unwrap(),
                "{name}"
            );
            by_json.answers = by_map.answers.clone();
            assert_eq!(by_json, by_map, "{name}");
            rows += 1;
        }
    }
    assert!(rows >= 20, "{rows} rows");
}
