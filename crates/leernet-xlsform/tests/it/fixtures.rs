//! The real forms in testdata/fixtures/xlsform: each loads, with the structure it has.

use crate::common;
use common::shared;
use leernet_xlsform::{check, Form, FormError, QuestionKind};

fn form(name: &str) -> Form {
    let bytes = shared(name);
    Form::from_workbook(&bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_shared_fixture_is_accepted() {
    for name in [
        "choice_filter_test.xlsx",
        "exp.xlsx",
        "form_with_unicode_in_relevant_column.xlsx",
        "group.xlsx",
        "nested_repeats.xls",
        "sample_accent.xlsx",
        "simple.xlsx",
        "specify_other.xlsx",
        "xlsform_spec_test.xlsx",
    ] {
        let bytes = shared(name);
        let r = check(&bytes, name);
        assert!(r.valid, "{name}: {:#?}", r.errors);
        assert!(r.questions > 0, "{name}");
    }
}

#[test]
fn bad_calc_is_rejected_with_the_reason_odk_validate_gives() {
    // pyxform accepts it; ODK Validate rejects the prose calculation, and so do we.
    let bytes = shared("bad_calc.xlsx");
    let r = check(&bytes, "bad_calc.xlsx");
    assert!(!r.valid);
    let e = &r.errors[0];
    assert_eq!(
        (e.sheet.as_str(), e.row, e.column.as_deref()),
        ("survey", Some(2), Some("calculation"))
    );
    assert!(
        e.message.contains("not a valid expression"),
        "{}",
        e.message
    );
}

#[test]
fn simple_form() {
    let f = form("simple.xlsx");
    assert_eq!(f.id(), "simple");
    let names: Vec<&str> = f.questions().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["name", "age"]);
    assert_eq!(f.question("age").unwrap().kind, QuestionKind::Integer);
    assert!(f.check_value("age", "12").is_ok());
    let e = f.check_value("age", "twelve").unwrap_err();
    assert!(e.to_string().contains("whole number"), "{e}");
}

#[test]
fn legacy_select_with_specify_other_and_single_colon_language() {
    let f = form("specify_other.xlsx");
    let q = f.questions().next().unwrap();
    assert!(
        matches!(&q.kind, QuestionKind::SelectOne { or_other: true, .. }),
        "{:?}",
        q.kind
    );
    assert_eq!(f.languages(), ["English"]);
    assert!(!q.label.get("English").is_empty());
    let list = q.kind.list().unwrap();
    assert!(f.choices(list).is_some_and(|c| !c.is_empty()));
    assert!(f.check_value(&q.name, "other").is_ok());
}

#[test]
fn group_with_spaces_and_phone_number_alias() {
    let f = form("group.xlsx");
    assert_eq!(f.groups().len(), 1);
    assert!(!f.groups()[0].repeat);
    assert_eq!(f.languages(), ["en"]);
    assert!(f.questions().any(|q| matches!(
        q.kind,
        QuestionKind::Metadata(leernet_xlsform::Metadata::PhoneNumber)
    )));
    assert!(f.questions().filter(|q| !q.group_path.is_empty()).count() >= 1);
}

#[test]
fn nested_repeats_in_old_xls() {
    let f = form("nested_repeats.xls");
    let repeats: Vec<_> = f.groups().iter().filter(|g| g.repeat).collect();
    assert_eq!(repeats.len(), 2);
    assert!(repeats[1].path.len() > repeats[0].path.len());
    assert!(f.questions().any(|q| q.group_path.len() >= 2));
    assert!(f
        .questions()
        .any(|q| matches!(q.kind, QuestionKind::SelectMultiple { .. })));
    assert!(f
        .warnings()
        .iter()
        .any(|w| w.row == Some(7) && w.message.contains("Repeat has no label")));
}

#[test]
fn typographic_quotes_become_straight() {
    let f = form("form_with_unicode_in_relevant_column.xlsx");
    let rel: Vec<&str> = f
        .questions()
        .filter_map(|q| q.relevant.as_deref())
        .collect();
    assert!(!rel.is_empty());
    for r in rel {
        assert!(!r.contains(['\u{2018}', '\u{2019}']), "{r}");
    }
}

#[test]
fn accented_choice_names_in_select_multiple() {
    let f = form("sample_accent.xlsx");
    let q = f
        .questions()
        .find(|q| matches!(q.kind, QuestionKind::SelectMultiple { .. }))
        .unwrap();
    let names: Vec<String> = f
        .choices(q.kind.list().unwrap())
        .unwrap()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert!(names.iter().any(|n| n == "père"), "{names:?}");
    let both = names.join(" ");
    assert!(f.check_value(&q.name, &both).is_ok());
    assert!(f.check_value(&q.name, "nope").is_err());
}

#[test]
fn legacy_settings_and_metadata() {
    let f = form("exp.xlsx");
    assert!(f.questions().any(|q| matches!(
        q.kind,
        QuestionKind::Metadata(leernet_xlsform::Metadata::DeviceId)
    )));
    assert!(f.warnings().iter().any(|w| w.row == Some(6)));
}

#[test]
fn spec_test_translations_settings_and_repeat_count() {
    let f = form("xlsform_spec_test.xlsx");
    let langs = f.languages();
    assert!(
        langs.contains(&"english".to_string()) || langs.contains(&"English".to_string()),
        "{langs:?}"
    );
    assert!(f
        .groups()
        .iter()
        .any(|g| g.repeat && g.repeat_count.is_some()));
    assert!(f.questions().any(|q| q.required.is_some()));
    assert!(f
        .questions()
        .any(|q| q.constraint.as_deref().is_some_and(|c| c.contains('.'))));
    assert_eq!(f.default_language(), None);
    assert_eq!(f.title("english"), "Spec test");
}

#[test]
fn choice_filter_and_extra_choice_columns() {
    let f = form("choice_filter_test.xlsx");
    assert!(f.questions().any(|q| q.choice_filter.is_some()));
    assert!(f
        .choice_lists()
        .values()
        .flatten()
        .any(|c| c.extra.contains_key("cf")));
}

#[test]
fn not_a_workbook_is_unreadable() {
    for bytes in [&b""[..], b"hello", b"PK\x03\x04 truncated zip"] {
        match Form::from_workbook(bytes, "x.xlsx") {
            Err(FormError::Unreadable(s)) => assert!(s.contains("x.xlsx"), "{s}"),
            other => panic!("{other:?}"),
        }
    }
    let good = shared("simple.xlsx");
    let truncated = &good[..good.len() / 2];
    assert!(matches!(
        Form::from_workbook(truncated, "t.xlsx"),
        Err(FormError::Unreadable(_))
    ));
}

fn workbook(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/workbooks")
            .join(name),
    )
    .unwrap()
}

#[test]
fn ods_workbook() {
    let f = Form::from_workbook(&workbook("wellbeing_mini.ods"), "wellbeing_mini.ods").unwrap();
    assert_eq!(f.id(), "wellbeing_mini");
    assert_eq!(f.languages(), ["nl", "en"]);
    assert_eq!(f.question("topics").unwrap().label.get("en"), "Topics");
    assert_eq!(
        f.groups()[0].relevant.as_deref(),
        Some("selected(${topics}, 'care')")
    );
}

#[test]
fn password_protected_workbook_is_unreadable_with_that_reason() {
    match Form::from_workbook(&workbook("encrypted_simple.xlsx"), "encrypted_simple.xlsx") {
        Err(FormError::Unreadable(s)) => assert!(s.contains("password-protected"), "{s}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn damaged_workbook_says_so() {
    let good = shared("simple.xlsx");
    match Form::from_workbook(&good[..good.len() - 200], "cut.xlsx") {
        Err(FormError::Unreadable(s)) => assert!(s.contains("damaged or truncated"), "{s}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_workbook_that_makes_calamine_panic_is_unreadable_not_a_crash() {
    // found by `cargo fuzz run workbook`: calamine 0.32 panics in cfb.rs on this .xls
    match Form::from_workbook(&workbook("calamine_cfb_panic.xls"), "x.xls") {
        Err(FormError::Unreadable(s)) => assert!(s.contains("damaged"), "{s}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_far_away_cell_does_not_allocate_the_whole_sheet() {
    // calamine's dense range for a cell at XFD1048576 would ask for 512 GiB and abort;
    // .xlsx sheets are streamed cell by cell instead.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("survey").unwrap();
    for (c, v) in ["type", "name", "label"].iter().enumerate() {
        ws.write_string(0, c as u16, *v).unwrap();
    }
    for (c, v) in ["text", "a", "A"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_string(1_048_575, 16_383, "far").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let t = std::time::Instant::now();
    let f = Form::from_workbook(&bytes, "far.xlsx").unwrap();
    assert_eq!(f.question_count(), 1);
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
}
