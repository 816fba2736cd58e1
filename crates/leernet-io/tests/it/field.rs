//! Exports as researchers have them (issue 23): missing-value markers of R, SPSS, Excel
//! and SQL; Qualtrics' legacy layout; a select_multiple's 0/1 columns in messages; a
//! KoboToolbox geopoint inside a group, and the uuid its repeat sheets hold. The files are
//! in `tests/field/` (NOTES.md says where each shape comes from).

use std::io::Cursor;
use std::path::PathBuf;

use leernet_core::ResponseStatus;
use leernet_io::import::{import_all, ImportReport};
use leernet_io::{Format, ImportOptions, Problem, ProblemKind};
use leernet_xlsform::Form;

use crate::common;

fn field(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/field")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// consent (required), age (asked after a yes), services (at most two), comment.
fn form() -> Form {
    common::form(
        "field.xlsx",
        &[
            (
                "survey",
                &[
                    &[
                        "type",
                        "name",
                        "label",
                        "relevant",
                        "constraint",
                        "required",
                    ],
                    &[
                        "select_one yes_no",
                        "consent",
                        "Do you agree to take part?",
                        "",
                        "",
                        "yes",
                    ],
                    &[
                        "integer",
                        "age",
                        "How old are you?",
                        "${consent} = 'yes'",
                        "",
                        "",
                    ],
                    &[
                        "select_multiple services",
                        "services",
                        "Which services did you use?",
                        "${consent} = 'yes'",
                        "count-selected(.) <= 2",
                        "",
                    ],
                    &["text", "comment", "Anything else?", "", "", ""],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["yes_no", "yes", "Yes"],
                    &["yes_no", "no", "No"],
                    &["services", "counselling", "Counselling"],
                    &["services", "food", "Food bank"],
                    &["services", "housing", "Housing support"],
                ],
            ),
        ],
    )
}

fn run(form: &Form, bytes: Vec<u8>, opts: &ImportOptions<'_>) -> ImportReport {
    import_all(form, Box::new(Cursor::new(bytes)), opts).unwrap_or_else(|p| panic!("{p:#?}"))
}

fn en() -> ImportOptions<'static> {
    ImportOptions {
        lang: "en",
        ..ImportOptions::default()
    }
}

fn errors(r: &ImportReport) -> Vec<String> {
    r.all_problems()
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect()
}

fn missing_notes(r: &ImportReport) -> Vec<&Problem> {
    r.problems
        .iter()
        .filter(|p| p.kind == ProblemKind::MissingValues)
        .collect()
}

#[test]
fn r_and_spss_missing_markers_are_missing_not_answers() {
    let form = form();
    let r = run(&form, field("limesurvey_via_r.csv"), &en());
    assert_eq!(r.format, Format::LimeSurvey);
    assert!(errors(&r).is_empty(), "{:#?}", errors(&r));
    let rows = &r.rows;
    assert_eq!(rows.len(), 5);
    // `NA` in submitdate: not finished, and no answer "NA" anywhere
    assert_eq!(rows[1].status, ResponseStatus::InProgress);
    assert!(rows[1].answers.is_empty(), "{:?}", rows[1].answers);
    assert_eq!(rows[2].status, ResponseStatus::InProgress);
    assert_eq!(
        rows[2]
            .answers
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["consent"]
    );
    // `#N/A` and `.` are missing too
    assert_eq!(
        rows[3]
            .answers
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["consent"]
    );
    // `-99` is no default marker: a number, and a text
    assert_eq!(rows[4].answers.get("age").map(String::as_str), Some("-99"));
    assert_eq!(
        rows[4].answers.get("comment").map(String::as_str),
        Some("-99")
    );
    for row in rows {
        for v in row.answers.values() {
            assert!(!["NA", "NULL", "#N/A", "."].contains(&v.as_str()), "{v:?}");
        }
    }
    // the check says how many cells of each column were read as missing, by label
    let notes: Vec<String> = missing_notes(&r).iter().map(|p| p.to_string()).collect();
    assert!(
        notes.contains(
            &"column \"age\": 3 cells of \"How old are you?\" were read as missing (NA, #N/A)"
                .to_owned()
        ),
        "{notes:#?}"
    );
    assert!(
        notes.contains(&"column \"submitdate\": 2 cells were read as missing (NA)".to_owned()),
        "{notes:#?}"
    );
    assert!(
        notes.contains(
            &"column \"comment\": 3 cells of \"Anything else?\" were read as missing (NA, NULL, .)"
                .to_owned()
        ),
        "{notes:#?}"
    );
    assert!(missing_notes(&r).iter().all(|p| !p.is_error()));
}

#[test]
fn the_missing_option_replaces_the_markers() {
    let form = form();
    let markers = leernet_io::missing::parse_list("NA,-99").unwrap();
    let opts = ImportOptions {
        missing: Some(&markers),
        ..en()
    };
    let r = run(&form, field("limesurvey_via_r.csv"), &opts);
    let rows = &r.rows;
    assert!(
        !rows[4].answers.contains_key("age"),
        "{:?}",
        rows[4].answers
    );
    assert!(!rows[4].answers.contains_key("comment"));
    // `#N/A` is not in the list now: it reaches the answer model, which refuses it
    assert!(
        errors(&r)
            .iter()
            .any(|e| e.contains("row 5") && e.contains("#N/A")),
        "{:#?}",
        errors(&r)
    );
    // bounded: too many markers, or too long a marker, is refused with a reason
    let many = (0..=leernet_io::missing::MAX_MARKERS)
        .map(|i| format!("x{i}"))
        .collect::<Vec<_>>()
        .join(",");
    assert!(leernet_io::missing::parse_list(&many[..many.rfind(',').unwrap()]).is_ok());
    assert!(leernet_io::missing::parse_list(&many).is_err());
    let long = "x".repeat(leernet_io::missing::MAX_MARKER_CHARS + 1);
    assert!(leernet_io::missing::parse_list(&long).is_err());
    assert!(leernet_io::missing::parse_list(" , ").is_err());
}

#[test]
fn qualtrics_legacy_layout_reads_the_question_row_as_headers() {
    let form = form();
    for format in [None, Some(Format::Qualtrics)] {
        let r = run(
            &form,
            field("qualtrics_legacy.csv"),
            &ImportOptions { format, ..en() },
        );
        assert_eq!(r.format, Format::Qualtrics);
        assert!(errors(&r).is_empty(), "{:#?}", errors(&r));
        let unmapped: Vec<String> = r
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::Unmapped)
            .map(|p| p.to_string())
            .collect();
        assert!(unmapped.is_empty(), "{unmapped:#?}");
        // the row of question texts is no response; a preview (status 1) is left out
        let kept: Vec<_> = r.rows.iter().filter(|r| !r.skipped).collect();
        assert_eq!(r.rows.len(), 3, "{:#?}", r.rows);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].row, 3);
        assert_eq!(kept[0].source_id.as_deref(), Some("R_1abcDEF"));
        let a = &kept[0].answers;
        assert_eq!(a.get("consent").map(String::as_str), Some("yes"));
        assert_eq!(a.get("age").map(String::as_str), Some("34"));
        assert_eq!(
            a.get("services").map(String::as_str),
            Some("counselling food")
        );
        assert_eq!(
            a.get("comment").map(String::as_str),
            Some("Thanks, \"great\" support")
        );
        assert_eq!(
            kept[1].answers.get("consent").map(String::as_str),
            Some("no")
        );
    }
}

#[test]
fn a_problem_in_zero_one_columns_names_the_choices() {
    let form = form();
    let r = run(&form, field("multi_zero_one.csv"), &en());
    let all: Vec<String> = r.all_problems().iter().map(|p| p.to_string()).collect();
    let constraint = r
        .all_problems()
        .into_iter()
        .find(|p| p.kind == ProblemKind::Constraint)
        .unwrap_or_else(|| panic!("{all:#?}"));
    assert_eq!(
        constraint.value.as_deref(),
        Some("counselling food housing"),
        "{all:#?}"
    );
    assert!(
        constraint
            .message
            .starts_with("\"counselling food housing\""),
        "{}",
        constraint.message
    );
    let hidden = r
        .all_problems()
        .into_iter()
        .find(|p| p.kind == ProblemKind::NotRelevant)
        .unwrap_or_else(|| panic!("{all:#?}"));
    assert_eq!(hidden.value.as_deref(), Some("counselling"), "{all:#?}");
    for p in r.all_problems() {
        assert!(
            !p.message.contains("1 0") && !p.message.contains("1 1"),
            "{p}"
        );
    }
}

fn geo_form() -> Form {
    common::form(
        "visit.xlsx",
        &[(
            "survey",
            &[
                &["type", "name", "label"],
                &["begin_group", "visit", "Visit"],
                &["geopoint", "place", "Where are you?"],
                &["text", "note_text", "What did you see?"],
                &["end_group", "", ""],
            ],
        )],
    )
}

#[test]
fn kobo_geopoint_parts_in_a_group_belong_to_the_question() {
    let form = geo_form();
    let r = run(&form, field("kobo_geopoint_in_group.csv"), &en());
    assert_eq!(r.format, Format::Kobo);
    let warnings: Vec<String> = r.all_problems().iter().map(|p| p.to_string()).collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_eq!(
        r.rows[0].answers.get("place").map(String::as_str),
        Some("52.1 5.1 3 4.5")
    );
    assert_eq!(
        r.rows[1].answers.get("note_text").map(String::as_str),
        Some("tweede")
    );
}

fn repeat_form() -> Form {
    common::form(
        "household.xlsx",
        &[(
            "survey",
            &[
                &["type", "name", "label"],
                &["text", "village", "Village"],
                &["begin_repeat", "member", "Member"],
                &["text", "member_name", "Name"],
                &["end_repeat", "", ""],
            ],
        )],
    )
}

/// A KoboToolbox XLSX export whose main sheet has `_uuid` empty (as exports of
/// submissions made through some Enketo versions have) while every repeat sheet's
/// `_submission__uuid` holds it.
fn kobo_workbook_with_uuid_on_repeat_sheets() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheets: [(&str, &[&[&str]]); 2] = [
        (
            "household",
            &[
                &["village", "_id", "_uuid", "_submission_time", "_index"],
                &["Noord", "11", "", "2024-03-05T09:15:10", "1"],
                &["Zuid", "12", "", "2024-03-06T09:15:10", "2"],
            ],
        ),
        (
            "member",
            &[
                &[
                    "member/member_name",
                    "_index",
                    "_parent_table_name",
                    "_parent_index",
                    "_submission__id",
                    "_submission__uuid",
                ],
                &["Ans", "1", "household", "1", "11", "uuid-aaaa-0001"],
                &["Bert", "2", "household", "1", "11", "uuid-aaaa-0001"],
                &["Cor", "3", "household", "2", "12", "uuid-bbbb-0002"],
            ],
        ),
    ];
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn kobo_uuid_from_repeat_sheets() {
    let form = repeat_form();
    let r = run(&form, kobo_workbook_with_uuid_on_repeat_sheets(), &en());
    assert!(errors(&r).is_empty(), "{:#?}", errors(&r));
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.rows[0].source_id.as_deref(), Some("uuid-aaaa-0001"));
    assert_eq!(r.rows[1].source_id.as_deref(), Some("uuid-bbbb-0002"));
    assert_eq!(
        r.rows[0]
            .answers
            .get("member[2]/member_name")
            .map(String::as_str),
        Some("Bert")
    );
}

/// A form with every kind of variable leernet's export writes: a select_one coded by
/// position, one coded by its numeric names (a Likert list), a select_multiple (0/1
/// variables), a whole and a decimal number, a date, a text, and a question skip logic
/// can leave out ("not asked", -9).
fn export_form() -> Form {
    common::form(
        "own.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label", "relevant", "required"],
                    &["select_one yes_no", "consent", "Consent?", "", "yes"],
                    &[
                        "select_one agree5",
                        "agree",
                        "Agree?",
                        "${consent} = 'yes'",
                        "",
                    ],
                    &[
                        "select_multiple services",
                        "services",
                        "Services?",
                        "${consent} = 'yes'",
                        "",
                    ],
                    &["integer", "age", "Age?", "", ""],
                    &["decimal", "hours", "Hours?", "", ""],
                    &["date", "visit", "Visit?", "", ""],
                    &["text", "comment", "Comment?", "", ""],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["yes_no", "yes", "Yes"],
                    &["yes_no", "no", "No"],
                    &["agree5", "1", "Not at all"],
                    &["agree5", "3", "Somewhat"],
                    &["agree5", "5", "Fully"],
                    &["services", "counselling", "Counselling"],
                    &["services", "food", "Food bank"],
                    &["services", "housing", "Housing support"],
                ],
            ),
        ],
    )
}

fn export_rows() -> Vec<leernet_io::dataset::ExportRow> {
    let row = |id: &str, status: &str, pairs: &[(&str, &str)]| leernet_io::dataset::ExportRow {
        respondent: id.into(),
        network: "havenmond".into(),
        wave: "najaar".into(),
        status: status.into(),
        answers: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    vec![
        row(
            "invite:7f3a",
            "submitted",
            &[
                ("consent", "yes"),
                ("agree", "5"),
                ("services", "counselling housing"),
                ("age", "34"),
                ("hours", "2.5"),
                ("visit", "2024-03-05"),
                ("comment", "=1+1 and \"quotes\", commas"),
            ],
        ),
        row(
            "invite:8b2c",
            "submitted",
            &[("consent", "no"), ("age", "61")],
        ),
        row(
            "invite:9d4e",
            "in_progress",
            &[("consent", "yes"), ("comment", "-")],
        ),
    ]
}

/// What leernet's own export writes imports back to the answers it was written from:
/// the CSV (neutralised or raw) and the XLSX.
#[test]
fn leernets_own_exports_import_back_to_the_same_answers() {
    use leernet_io::{csv_out, dataset::Dataset, xlsx_out};
    let form = export_form();
    let rows = export_rows();
    let ds = Dataset::build(&form, &rows, "en");
    let files = [
        ("csv", csv_out::data(&ds, csv_out::Cells::Neutralised)),
        ("raw csv", csv_out::data(&ds, csv_out::Cells::Raw)),
        ("xlsx", xlsx_out::write(&ds).unwrap()),
    ];
    for (what, bytes) in files {
        let r = run(&form, bytes, &en());
        assert_eq!(r.format, Format::Leernet, "{what}");
        let all: Vec<String> = r.all_problems().iter().map(|p| p.to_string()).collect();
        assert!(all.is_empty(), "{what}: {all:#?}");
        assert_eq!(r.rows.len(), rows.len(), "{what}");
        for (got, want) in r.rows.iter().zip(&rows) {
            assert_eq!(
                got.source_id.as_deref(),
                Some(want.respondent.as_str()),
                "{what}"
            );
            assert_eq!(got.network.as_deref(), Some("havenmond"), "{what}");
            assert_eq!(got.status.as_str(), want.status, "{what}");
            assert_eq!(got.answers, want.answers, "{what}");
        }
        // and the dataset built from what was read is the one it was written from
        let back: Vec<leernet_io::dataset::ExportRow> = r
            .rows
            .iter()
            .map(|g| leernet_io::dataset::ExportRow {
                respondent: g.source_id.clone().unwrap_or_default(),
                network: g.network.clone().unwrap_or_default(),
                wave: "najaar".into(),
                status: g.status.as_str().into(),
                answers: g.answers.clone(),
            })
            .collect();
        assert_eq!(Dataset::build(&form, &back, "en"), ds, "{what}");
    }
}

/// A question inside a repeat is exported as one variable per instance (`age_2`, nested
/// `toy_2_1`): each goes back to its instance, and the repeat's count comes back with it.
#[test]
fn leernets_own_export_of_repeat_instances_imports_back() {
    use leernet_io::{csv_out, dataset::Dataset};
    let form = common::form(
        "kids.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label"],
                    &["text", "village", "Village"],
                    &["begin_repeat", "kid", "Kid"],
                    &["integer", "age", "Age"],
                    &["select_one yes_no", "school", "At school?"],
                    &["select_multiple games", "games", "Games?"],
                    &["begin_repeat", "toy", "Toy"],
                    &["text", "toy_name", "Toy name"],
                    &["end_repeat", "", ""],
                    &["end_repeat", "", ""],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["yes_no", "yes", "Yes"],
                    &["yes_no", "no", "No"],
                    &["games", "ball", "Ball"],
                    &["games", "hide-seek", "Hide and seek"],
                    &["games", "tag", "Tag"],
                ],
            ),
        ],
    );
    let answers: std::collections::BTreeMap<String, String> = [
        ("village", "Noord"),
        ("kid", "2"),
        ("kid[1]/age", "7"),
        ("kid[1]/school", "yes"),
        ("kid[1]/games", "ball hide-seek"),
        ("kid[2]/games", "tag"),
        ("kid[1]/toy", "2"),
        ("kid[1]/toy[1]/toy_name", "bal"),
        ("kid[1]/toy[2]/toy_name", "pop"),
        ("kid[2]/age", "3"),
        ("kid[2]/school", "no"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let rows = vec![leernet_io::dataset::ExportRow {
        respondent: "invite:1".into(),
        network: "havenmond".into(),
        wave: "najaar".into(),
        status: "submitted".into(),
        answers: answers.clone(),
    }];
    let ds = Dataset::build(&form, &rows, "en");
    let r = run(&form, csv_out::data(&ds, csv_out::Cells::Raw), &en());
    assert_eq!(r.format, Format::Leernet);
    let all: Vec<String> = r.all_problems().iter().map(|p| p.to_string()).collect();
    assert!(all.is_empty(), "{all:#?}");
    assert_eq!(r.rows[0].answers, answers);
}
