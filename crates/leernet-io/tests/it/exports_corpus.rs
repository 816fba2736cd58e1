//! The corpus of real exports (issue 23, `testdata/corpus/exports`): every file imports
//! onto the form shipped beside it (in the XLSForm corpus) or onto one written here to
//! match it, with the number of responses that would be stored and a spot check of values.

use std::path::PathBuf;

use leernet_io::import::{import_all, ImportReport};
use leernet_io::{Format, ImportOptions};
use leernet_xlsform::Form;

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/corpus")
        .join(path)
}

/// A form of the XLSForm corpus, by its file name there.
fn corpus_form(name: &str) -> Form {
    let path = testdata(&format!("xlsform/onaio+onadata/{name}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Form::from_workbook(&bytes, name).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn import(form: &Form, export: &str) -> ImportReport {
    let path = testdata(&format!("exports/{export}"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    import_all(
        form,
        Box::new(file),
        &ImportOptions {
            lang: "en",
            ..ImportOptions::default()
        },
    )
    .unwrap_or_else(|p| panic!("{export}: {p:#?}"))
}

/// What one file must give: the rows that would be stored (all of them: an import stores
/// all or nothing), the warnings (unmatched columns, kept as data), and a few answers
/// (row index, question, value; `""`: no answer).
struct Expect<'a> {
    stored: usize,
    warnings: usize,
    answers: &'a [(usize, &'a str, &'a str)],
}

fn check(form: &Form, export: &str, format: Format, want: Expect<'_>) {
    let rep = import(form, export);
    assert_eq!(rep.format, format, "{export}");
    let errors: Vec<String> = rep
        .all_problems()
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{export}: {errors:#?}");
    let stored = rep.rows.iter().filter(|r| !r.skipped).count();
    assert_eq!(stored, want.stored, "{export}: responses stored");
    let warnings: Vec<String> = rep.all_problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(warnings.len(), want.warnings, "{export}: {warnings:#?}");
    for (row, q, v) in want.answers {
        let got = rep.rows[*row]
            .answers
            .get(*q)
            .map(String::as_str)
            .unwrap_or("");
        assert_eq!(got, *v, "{export}: row {row}, {q}");
    }
}

const ONA: &str = "kobo/onadata_apps_";

/// KoBoCAT's (Ona's) legacy CSV exports of its test forms, onto those forms.
#[test]
fn kobo_legacy_exports_import_onto_their_forms() {
    let transport =
        corpus_form("onadata_apps_main_tests_fixtures_transportation_transportation.xlsx");
    // a `begin loop` form: its copies by their paths, their relevance per choice
    check(
        &transport,
        &format!("{ONA}main_tests_fixtures_transportation_transportation.csv"),
        Format::Kobo,
        Expect {
            stored: 4,
            warnings: 0,
            answers: &[
                (0, "available_transportation_types_to_referral_facility", ""),
                (
                    1,
                    "available_transportation_types_to_referral_facility",
                    "ambulance bicycle",
                ),
                (1, "frequency_to_referral_facility_ambulance", "daily"),
                (1, "frequency_to_referral_facility_bicycle", "weekly"),
                (3, "frequency_to_referral_facility_taxi", "daily"),
            ],
        },
    );
    // headers as labels: a choice label holding the separator (`Boat/Canoe`); the
    // "Specify other." column names no question and is said so
    check(
        &transport,
        &format!("{ONA}viewer_tests_fixtures_transportation_labels_only.csv"),
        Format::Kobo,
        Expect {
            stored: 1,
            warnings: 1,
            answers: &[(0, "available_transportation_types_to_referral_facility", "")],
        },
    );
    // without group names the ten copies of a looped question share one header: they
    // cannot be told apart, and each is said to match nothing
    check(
        &transport,
        &format!("{ONA}viewer_tests_fixtures_transportation_no_group_names.csv"),
        Format::Kobo,
        Expect {
            stored: 1,
            warnings: 9,
            answers: &[],
        },
    );
    check(
        &corpus_form("onadata_apps_main_tests_fixtures_csv_export_tutorial_w_repeats.xlsx"),
        &format!("{ONA}main_tests_fixtures_csv_export_tutorial_w_repeats.csv"),
        Format::Kobo,
        Expect {
            stored: 1,
            warnings: 0,
            answers: &[
                (0, "name", "Bob"),
                (0, "children", "2"),
                (0, "children[2]/childs_name", "Dick"),
                (0, "gps", "-1.2625621 36.7921711 0.0 20.0"),
            ],
        },
    );
    check(
        &corpus_form("onadata_apps_main_tests_fixtures_geolocation_GeoLocationForm.xlsx"),
        &format!("{ONA}main_tests_fixtures_geolocation_GeoLocationForm_2015_01_15_01_28_45.csv"),
        Format::Kobo,
        Expect {
            stored: 4,
            warnings: 0,
            answers: &[
                (0, "today", "2015-01-15"),
                (0, "location", "-1.294197 36.787219 0 34"),
            ],
        },
    );
    check(
        &corpus_form("onadata_apps_main_tests_fixtures_userone_userone_with_dot_name_fields.xlsx"),
        &format!("{ONA}main_tests_fixtures_userone_userone_with_dot_name_fields.csv"),
        Format::Kobo,
        Expect {
            stored: 1,
            warnings: 0,
            answers: &[
                (0, "Q1.1", "Office"),
                (0, "Q1.2", "4"),
                (0, "rQ6.4[1]/Q6.4", "Cool"),
            ],
        },
    );
    // nested repeats
    check(
        &corpus_form("onadata_apps_main_tests_fixtures_csv_export_double_repeat.xlsx"),
        &format!("{ONA}main_tests_fixtures_csv_export_export.csv"),
        Format::Kobo,
        Expect {
            stored: 1,
            warnings: 0,
            answers: &[
                (0, "bed_net[1]/member[2]/name", "Bob"),
                (0, "bed_net[2]/member[1]/name", "Carl"),
            ],
        },
    );
}

/// Qualtrics' legacy layout (qualtRics' test file), onto a form written to match it.
#[test]
fn qualtrics_legacy_export_imports() {
    let form = crate::common::form(
        "qualtrics_legacy.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label"],
                    &[
                        "select_one abc",
                        "Q1",
                        "This is a multiple choice question.",
                    ],
                    &["text", "Q2", "This is a free text question."],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["abc", "a", "Click to write Choice 1"],
                    &["abc", "b", "Click to write Choice 2"],
                    &["abc", "c", "Click to write Choice 3"],
                ],
            ),
        ],
    );
    check(
        &form,
        "qualtrics/qualtRics_tests_testthat_files_sample_legacy.csv",
        Format::Qualtrics,
        Expect {
            stored: 1,
            // the header ends in a comma: a last column without a header, said so
            warnings: 1,
            answers: &[(0, "Q1", "b"), (0, "Q2", "Hello World!")],
        },
    );
}

/// SPSS files: a Qualtrics `.sav`, SPSS's own with dates and labelled codes, user-missing
/// values, and value labels that match the form's choices by label.
#[test]
fn sav_files_import_by_codes_and_value_labels() {
    use crate::common::form;
    // Qualtrics' .sav: Finished is 2 = "True" by its value label; ResponseId is the id
    let qualtrics = form(
        "qualtrics_sav.xlsx",
        &[(
            "survey",
            &[
                &["type", "name", "label"],
                &["integer", "Duration__in_seconds_", "Duration (in seconds)"],
            ],
        )],
    );
    let rep = import(&qualtrics, "sav/pyreadstat-test_width.sav");
    assert_eq!(rep.format, Format::Qualtrics);
    assert!(!rep.has_errors(), "{:#?}", rep.all_problems());
    assert_eq!(rep.rows.len(), 5);
    assert_eq!(rep.rows[0].source_id.as_deref(), Some("R_0001xAxQxIo2PVH"));
    assert_eq!(rep.rows[2].answers["Duration__in_seconds_"], "2014");

    // SPSS: text, decimals, a date, a date-time, a time, codes with value labels
    let sample = form(
        "sample_sav.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label"],
                    &["text", "mychar", "character"],
                    &["decimal", "mynum", "numeric"],
                    &["date", "mydate", "date"],
                    &["dateTime", "dtime", "datetime"],
                    &["select_one sex", "mylabl", "labeled"],
                    &["select_one level", "myord", "ordinal"],
                    &["time", "mytime", "time"],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["sex", "m", "Male"],
                    &["sex", "f", "Female"],
                    &["level", "1", "low"],
                    &["level", "2", "medium"],
                    &["level", "3", "high"],
                ],
            ),
        ],
    );
    check(
        &sample,
        "sav/pyreadstat-sample.sav",
        Format::Csv,
        Expect {
            stored: 5,
            warnings: 0,
            answers: &[
                (0, "mychar", "a"),
                (2, "mynum", "-1000.3"),
                (0, "mydate", "2018-05-06"),
                (1, "dtime", "1880-05-06T10:10:10"),
                // codes that are no choice name, read by their value labels
                (0, "mylabl", "m"),
                (1, "mylabl", "f"),
                // codes that are the choice names
                (2, "myord", "3"),
                (1, "mytime", "23:10:10"),
                (4, "mydate", ""),
            ],
        },
    );
    // value labels with umlauts, matched to the choices by label
    let umlauts = form(
        "umlauts.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label"],
                    &["select_one u", "var1", "Umlaut"],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["u", "ae", "the ä umlaut"],
                    &["u", "ue", "the ü umlaut"],
                    &["u", "oe", "the ö umlaut"],
                ],
            ),
        ],
    );
    check(
        &umlauts,
        "sav/haven-umlauts.sav",
        Format::Csv,
        Expect {
            stored: 4,
            warnings: 0,
            answers: &[(0, "var1", "ae"), (1, "var1", "ue"), (3, "var1", "oe")],
        },
    );
    // user-missing: 7, 8 and 99 of x and the range -999…0 and 999 of z are no answers
    let alltypes = form(
        "alltypes.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label"],
                    &["select_one colour", "x", "x"],
                    &["date", "y", "y"],
                    &["decimal", "z", "z"],
                    &["text", "str", "str"],
                    &["integer", "bool1", "bool1"],
                    &["integer", "bool2", "bool2"],
                    &["integer", "bool3", "bool3"],
                    &["select_one abcd", "ca_subvar_1", "ca 1"],
                    &["select_one abcd", "ca_subvar_2", "ca 2"],
                    &["select_one abcd", "ca_subvar_3", "ca 3"],
                    &["date", "date", "date"],
                    &["date", "quarter", "quarter"],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["colour", "red", "red"],
                    &["colour", "green", "green"],
                    &["colour", "blue", "blue"],
                    &["colour", "4", "four"],
                    &["colour", "9", "nine"],
                    &["abcd", "a", "a"],
                    &["abcd", "b", "b"],
                    &["abcd", "c", "c"],
                    &["abcd", "d", "d"],
                ],
            ),
        ],
    );
    check(
        &alltypes,
        "sav/pyreadstat-simple_alltypes.sav",
        Format::Csv,
        Expect {
            stored: 6,
            warnings: 0,
            answers: &[
                (0, "x", "red"),
                (2, "x", "blue"),
                (3, "x", "4"),
                (4, "x", ""),
                (0, "z", ""),
                (2, "z", "1.234"),
                (3, "z", ""),
                (2, "str", "reg-green-blue-whatever"),
                // a text "NA" in an SPSS file is an answer: the file declares its missing
                (3, "str", "NA"),
                (3, "y", "1776-07-04"),
                (4, "bool1", ""),
                (2, "ca_subvar_3", "d"),
                (0, "quarter", "2014-10-01"),
            ],
        },
    );
}
