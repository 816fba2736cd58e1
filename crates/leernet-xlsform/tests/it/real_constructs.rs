//! Constructs found in real forms from the field (issue "Real files from the field"): each was
//! refused or warned about although pyxform accepts it. The forms are in `tests/forms/`, so
//! the pyxform conformance test holds the verdicts too; these tests hold what leernet makes
//! of them.

use crate::common;
use leernet_xlsform::{check, EvalOptions, Item, QuestionKind};

fn form_md(name: &str) -> String {
    std::fs::read_to_string(common::own_forms_dir().join(name)).expect("fixture form")
}

fn messages(d: &[leernet_xlsform::Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.message.as_str()).collect()
}

#[test]
fn last_saved_references_are_accepted_in_every_column() {
    let r = check(&common::md_to_xlsx(&form_md("ok_last_saved.md")), "f.xlsx");
    assert!(r.valid, "{:?}", messages(&r.errors));
    assert!(r.warnings.is_empty(), "{:?}", messages(&r.warnings));
    // in a label too
    let f = common::valid(
        r#"
| survey |
| | type | name | label |
| | text | village | Village (last time: ${last-saved#village}) |
"#,
    );
    assert_eq!(f.question_count(), 1);
    // and the name must be a question of the form, as pyxform says
    common::assert_error(
        &form_md("err_last_saved_missing.md"),
        2,
        "Could not find the name 'nothere'",
    );
}

#[test]
fn a_loop_becomes_a_group_per_choice_with_labels_filled_in() {
    let f = common::valid(&form_md("ok_loop_labels.md"));
    let outer = f.group("animal").expect("the loop's group");
    assert!(!outer.repeat);
    assert_eq!(outer.label.get("en"), "Animals");
    let inner: Vec<_> = outer
        .items
        .iter()
        .map(|i| match i {
            Item::Group(g) => &f.groups()[*g],
            Item::Question(_) => panic!("the loop's group holds one group per choice"),
        })
        .collect();
    assert_eq!(
        inner
            .iter()
            .map(|g| (g.name.as_str(), g.label.get("en")))
            .collect::<Vec<_>>(),
        [("cow", "Cow"), ("goat", "Goat")]
    );
    let counts: Vec<_> = f
        .questions()
        .map(|q| {
            (
                q.name.as_str(),
                q.group_path.join("/"),
                q.label.get("en"),
                q.hint.get("en"),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            (
                "count_cow",
                "animal/cow".to_string(),
                "How many Cow?",
                "the cow"
            ),
            (
                "count_goat",
                "animal/goat".to_string(),
                "How many Goat?",
                "the goat"
            ),
        ]
    );
    assert!(f
        .questions()
        .all(|q| matches!(q.kind, QuestionKind::Integer)));
    // each copy keeps its own answer
    let mut a = leernet_xlsform::answers::Answers::default();
    a.set("count_cow", "3").set("count_goat", "5");
    let e = f.evaluate(
        &a,
        &EvalOptions {
            lang: "en",
            now: None,
            last_saved: None,
        },
    );
    assert_eq!(e.value("count_cow"), Some("3"));
    assert_eq!(e.value("count_goat"), Some("5"));
}

/// pyxform fills `%(name)s` in every column of a looped row, not only its labels: a
/// `relevant` of `selected(${kinds}, '%(name)s')` asks each copy about its own choice
/// (KoBoCAT's `transportation` test form does this; its export's answers were refused as
/// "not asked" before).
#[test]
fn a_loop_fills_the_choice_into_relevant_too() {
    let f = common::valid(
        r#"
| survey |
| | type | name | label | relevant |
| | select_multiple animals | kinds | Which? | |
| | begin loop over animals | animal | Animals | |
| | integer | count | How many %(label)s? | selected(${kinds}, '%(name)s') |
| | end loop | | | |
| choices |
| | list_name | name | label |
| | animals | cow | Cow |
| | animals | goat | Goat |
"#,
    );
    let mut a = leernet_xlsform::answers::Answers::default();
    a.set("kinds", "goat");
    let e = f.evaluate(
        &a,
        &EvalOptions {
            lang: "en",
            now: None,
            last_saved: None,
        },
    );
    assert!(!e.is_relevant("count_cow"));
    assert!(e.is_relevant("count_goat"));
}

#[test]
fn a_loop_over_a_list_that_does_not_exist_is_refused_on_its_row() {
    common::assert_error(
        &form_md("err_loop_unknown_list.md"),
        3,
        "List name not in choices sheet",
    );
}

#[test]
fn an_unclosed_or_stray_loop_end_is_named() {
    common::assert_error(
        r#"
| survey |
| | type | name | label |
| | begin loop over yn | l | L |
| | text | a | A |
| choices |
| | list_name | name | label |
| | yn | y | Yes |
"#,
        2,
        "No matching 'end loop'",
    );
    common::assert_error(
        r#"
| survey |
| | type | name | label |
| | text | a | A |
| | end loop | | |
"#,
        3,
        "Unmatched 'end loop'",
    );
}

#[test]
fn a_note_without_a_name_is_named_after_its_row() {
    let f = common::valid(&form_md("ok_note_no_name.md"));
    let q = f
        .question("generated_note_name_3")
        .expect("named as pyxform names it");
    assert!(matches!(q.kind, QuestionKind::Note));
    assert_eq!(q.label.get("en"), "Thank you");
    // other questions still need a name
    common::assert_error(
        r#"
| survey |
| | type | name | label |
| | text | a | A |
| | text | | B |
"#,
        3,
        "no name",
    );
}

#[test]
fn a_choices_row_without_a_list_name_is_left_out_with_a_warning() {
    let r = check(
        &common::md_to_xlsx(&form_md("ok_choice_label_only.md")),
        "f.xlsx",
    );
    assert!(r.valid, "{:?}", messages(&r.errors));
    assert_eq!(r.warnings.len(), 1, "{:?}", messages(&r.warnings));
    assert_eq!(r.warnings[0].row, Some(3));
    assert!(r.warnings[0].message.contains("no list name"));
    let f = common::valid(&form_md("ok_choice_label_only.md"));
    let names: Vec<_> = f
        .choices("yn")
        .unwrap()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["y", "n"]);
}

#[test]
fn a_choice_filter_names_a_column_as_written() {
    let md = form_md("ok_choice_filter_caps.md");
    let r = check(&common::md_to_xlsx(&md), "f.xlsx");
    assert!(r.valid, "{:?}", messages(&r.errors));
    assert!(
        r.warnings.is_empty(),
        "a false warning: {:?}",
        messages(&r.warnings)
    );
    // and the filter works: the cities of the chosen region only
    let f = common::valid(&md);
    let mut a = leernet_xlsform::answers::Answers::default();
    a.set("r", "s");
    let e = f.evaluate(
        &a,
        &EvalOptions {
            lang: "en",
            now: None,
            last_saved: None,
        },
    );
    let offered: Vec<_> = e.choices("c").iter().map(|c| c.name.as_str()).collect();
    assert_eq!(offered, ["b"]);
}

#[test]
fn a_cht_function_is_computed_as_cht_does_with_a_warning_naming_the_platform() {
    let md = form_md("ok_cht_difference_in_months.md");
    let r = check(&common::md_to_xlsx(&md), "f.xlsx");
    assert!(r.valid, "{:?}", messages(&r.errors));
    assert_eq!(r.warnings.len(), 1, "{:?}", messages(&r.warnings));
    assert!(r.warnings[0].message.contains("Community Health Toolkit"));
    assert_eq!(r.warnings[0].row, Some(3));
    let f = common::valid(&md);
    // today() fixed at 2026-12-06 (days since 1970-01-01)
    let now = leernet_xlsform::dates::days_from_civil(2026, 12, 6) as f64;
    let months = |dob: &str| {
        let mut a = leernet_xlsform::answers::Answers::default();
        a.set("dob", dob);
        let e = f.evaluate(
            &a,
            &EvalOptions {
                lang: "en",
                now: Some(now),
                last_saved: None,
            },
        );
        e.value("months").unwrap_or("").to_string()
    };
    assert_eq!(months("2026-06-06"), "6");
    assert_eq!(months("2026-06-07"), "5", "one day short of six months");
    assert_eq!(months("2024-12-31"), "23");
    assert_eq!(months("2027-01-06"), "-1");
    assert_eq!(months(""), "");
}

#[test]
fn pyxform_s_older_type_names_are_read_with_their_built_in_ranges() {
    let f = common::valid(&form_md("ok_legacy_type_names.md"));
    let kind = |n: &str| f.question(n).map(|q| q.kind.clone()).expect(n);
    assert!(matches!(kind("q0"), QuestionKind::Text)); // add text prompt
    assert!(matches!(kind("q2"), QuestionKind::Integer)); // percentage
    assert!(matches!(kind("q12"), QuestionKind::Note)); // add note prompt
    assert!(matches!(kind("q34"), QuestionKind::Media(_))); // osm
    assert!(matches!(kind("q35"), QuestionKind::Media(_))); // osm building_tags
                                                            // a percentage is 0 to 100, as pyxform's type says
    let at = |v: &str| {
        let mut a = leernet_xlsform::answers::Answers::default();
        a.set("q2", v);
        let e = f.evaluate(
            &a,
            &EvalOptions {
                lang: "en",
                now: None,
                last_saved: None,
            },
        );
        e.state("q2").unwrap().constraint_failed
    };
    assert!(!at("40"));
    assert!(at("150"));
}

/// A LibreOffice `.xls` declares its sheets as 1,048,576 rows × 256 columns: calamine would
/// reserve 10 GB for it. The sheet's dimensions are fitted to its cells first, so the form
/// reads, and the strict check of the file as given still refuses it.
#[test]
fn an_xls_that_declares_a_whole_sheet_is_fitted_to_its_cells() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../testdata/corpus/xlsform/hotosm+osm-fieldwork/osm_fieldwork_xlsforms_archived_amenities.xls",
    );
    let bytes = std::fs::read(&path).expect("the corpus is in the repository");
    let limits = leernet_xlsform::guard::Limits::QUESTIONNAIRE;
    assert!(matches!(
        leernet_xlsform::guard::check_workbook(&bytes, &limits),
        Err(leernet_xlsform::guard::LimitError::Declared { .. })
    ));
    let fitted = leernet_xlsform::guard::checked_workbook(&bytes, &limits).expect("fitted");
    assert!(matches!(fitted, std::borrow::Cow::Owned(_)));
    assert_eq!(
        fitted.len(),
        bytes.len(),
        "only bytes of the records change"
    );
    let f = leernet_xlsform::Form::from_workbook(&bytes, "amenities.xls").expect("reads");
    assert!(f.question_count() > 30, "{}", f.question_count());
    // an .xls that declares no more than it holds is handed over as it is
    let own = std::fs::read(common::fixture_forms_dir().join("nested_repeats.xls")).unwrap();
    assert!(matches!(
        leernet_xlsform::guard::checked_workbook(&own, &limits).unwrap(),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn last_saved_is_the_respondent_s_previous_answer_or_empty() {
    let f = common::valid(&form_md("ok_last_saved.md"));
    let now = leernet_xlsform::dates::days_from_civil(2026, 12, 6) as f64;
    let mut a = leernet_xlsform::answers::Answers::default();
    a.set("age", "41");
    // a first questionnaire: nothing was saved before, so the references are empty
    let first = f.evaluate(
        &a,
        &EvalOptions {
            lang: "en",
            now: Some(now),
            last_saved: None,
        },
    );
    assert_eq!(first.value("prev_age"), Some(""));
    // with the respondent's previous questionnaire
    let mut before = leernet_xlsform::answers::Answers::default();
    before.set("village", "Oosterwolde").set("age", "40");
    let again = f.evaluate(
        &a,
        &EvalOptions {
            lang: "en",
            now: Some(now),
            last_saved: Some(&before),
        },
    );
    assert_eq!(again.value("prev_age"), Some("40"));
    // the current answer is not the last saved one
    assert_eq!(again.value("age"), Some("41"));
}
