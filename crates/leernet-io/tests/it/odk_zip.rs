//! ODK Central's "all data" export: a zip with the submissions' CSV and a CSV per repeat
//! (`PARENT_KEY`, `KEY` = `instanceID/group/repeat[n]`), in the layout ODK Central's own
//! export tests write. Every instance becomes answers of its submission, checked by the
//! answer model; a repeat row that belongs to no submission is refused.

use crate::common;

use std::io::Write;

use leernet_io::import::import_all;
use leernet_io::{Format, ImportOptions};

fn form() -> leernet_xlsform::Form {
    common::form(
        "multirepeat.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label", "constraint"],
                    &["text", "name", "Name", ""],
                    &["integer", "age", "Age", ""],
                    &["begin_group", "children", "Children", ""],
                    &["begin_repeat", "child", "Child", ""],
                    &["text", "child_name", "Child's name", ""],
                    &["integer", "child_age", "Child's age", ". < 18"],
                    &["begin_group", "details", "Details", ""],
                    &["text", "school", "School", ""],
                    &["end_group", "", "", ""],
                    &["begin_repeat", "toy", "Toy", ""],
                    &["text", "toy_name", "Toy's name", ""],
                    &["end_repeat", "", "", ""],
                    &["end_repeat", "", "", ""],
                    &["end_group", "", "", ""],
                ],
            ),
            (
                "settings",
                &[&["form_id", "default_language"], &["multirepeat", "en"]],
            ),
        ],
    )
}

fn zip(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const MAIN: &str = "SubmissionDate,meta-instanceID,name,age,KEY
2018-01-01T00:00:00.000Z,one,Alice,30,one
2018-01-01T00:00:00.000Z,two,Bob,34,two
2018-01-01T00:00:00.000Z,three,Chelsea,38,three
";
const CHILDREN: &str = "child_name,child_age,details-school,PARENT_KEY,KEY
Billy,4,De Regenboog,two,two/children/child[1]
Blaine,6,,two,two/children/child[2]
Baker,7,,two,two/children/child[3]
Candace,2,,three,three/children/child[1]
";
const TOYS: &str = "toy_name,PARENT_KEY,KEY
R2-D2,two/children/child[1],two/children/child[1]/toy[1]
BB-8,two/children/child[2],two/children/child[2]/toy[1]
Porg plushie,two/children/child[2],two/children/child[2]/toy[2]
Millennium Falcon,three/children/child[1],three/children/child[1]/toy[1]
X-Wing,three/children/child[1],three/children/child[1]/toy[2]
Pod racer,three/children/child[1],three/children/child[1]/toy[3]
";

fn opts() -> ImportOptions<'static> {
    ImportOptions {
        lang: "en",
        ..ImportOptions::default()
    }
}

#[test]
fn every_repeat_instance_of_the_zip_becomes_answers_of_its_submission() {
    let bytes = zip(&[
        ("multirepeat.csv", MAIN),
        ("multirepeat-children-child.csv", CHILDREN),
        ("multirepeat-children-child-toy.csv", TOYS),
        ("media/photo.jpg", "not a csv"),
    ]);
    let rep = import_all(&form(), Box::new(std::io::Cursor::new(bytes)), &opts())
        .unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(rep.format, Format::Odk);
    let errors: Vec<String> = rep.all_problems().iter().map(|p| p.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(rep.rows.len(), 3);
    let one = &rep.rows[0].answers;
    assert_eq!(one.get("name").map(String::as_str), Some("Alice"));
    assert!(!one.keys().any(|k| k.contains('[')), "{one:?}");
    let two = &rep.rows[1].answers;
    let want = [
        ("name", "Bob"),
        ("age", "34"),
        ("child", "3"),
        ("child[1]/child_name", "Billy"),
        ("child[1]/child_age", "4"),
        ("child[1]/school", "De Regenboog"),
        ("child[1]/toy", "1"),
        ("child[1]/toy[1]/toy_name", "R2-D2"),
        ("child[2]/child_name", "Blaine"),
        ("child[2]/toy", "2"),
        ("child[2]/toy[2]/toy_name", "Porg plushie"),
        ("child[3]/child_name", "Baker"),
    ];
    for (k, v) in want {
        assert_eq!(two.get(k).map(String::as_str), Some(v), "{k}: {two:?}");
    }
    let three = &rep.rows[2].answers;
    assert_eq!(three.get("child[1]/toy").map(String::as_str), Some("3"));
    assert_eq!(
        three.get("child[1]/toy[3]/toy_name").map(String::as_str),
        Some("Pod racer")
    );
}

#[test]
fn a_repeat_value_that_breaks_the_form_is_named_by_its_column() {
    let children = CHILDREN.replace("Baker,7,", "Baker,19,");
    let bytes = zip(&[
        ("multirepeat.csv", MAIN),
        ("multirepeat-children-child.csv", &children),
    ]);
    let rep = import_all(&form(), Box::new(std::io::Cursor::new(bytes)), &opts()).unwrap();
    let errors: Vec<String> = rep
        .all_problems()
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("children/child[3]/child_age") && errors[0].contains("19"),
        "{errors:#?}"
    );
}

#[test]
fn a_repeat_row_of_no_submission_is_refused_with_its_file_and_row() {
    let children = format!("{CHILDREN}Zed,5,,four,four/children/child[1]\n");
    let bytes = zip(&[
        ("multirepeat.csv", MAIN),
        ("multirepeat-children-child.csv", &children),
    ]);
    let err = match import_all(&form(), Box::new(std::io::Cursor::new(bytes)), &opts()) {
        Ok(_) => panic!("imported"),
        Err(p) => p,
    };
    let text = err
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("multirepeat-children-child.csv, row 6") && text.contains("four"),
        "{text}"
    );
}

#[test]
fn a_zip_without_submissions_says_so() {
    let bytes = zip(&[("notes.csv", "a,b\n1,2\n")]);
    let err = match import_all(&form(), Box::new(std::io::Cursor::new(bytes)), &opts()) {
        Ok(_) => panic!("imported"),
        Err(p) => p,
    };
    assert!(
        err.iter()
            .any(|p| p.to_string().contains("no CSV of submissions")),
        "{err:?}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// A damaged or cut zip gives problems, never a panic.
    #[test]
    fn a_damaged_zip_never_panics(
        flips in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 0..8),
        cut in 0usize..4096,
    ) {
        let mut bytes = zip(&[
            ("multirepeat.csv", MAIN),
            ("multirepeat-children-child.csv", CHILDREN),
            ("multirepeat-children-child-toy.csv", TOYS),
        ]);
        for (at, b) in flips {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        let n = bytes.len();
        bytes.truncate(n - cut % n);
        let _ = import_all(&form(), Box::new(std::io::Cursor::new(bytes)), &opts());
    }
}
