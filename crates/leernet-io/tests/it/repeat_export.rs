//! Questions inside a repeat are exported wide: one variable per instance that the data
//! hold (`age_1`, `age_2`, nested `toy_2_1`), labelled with the instance, with the same
//! coding as outside a repeat; a missing instance is system-missing, never "not asked".
//! The `.sav` file reads back in pyreadstat with every such variable, value and label.

use crate::common;

use common::{need, python};
use leernet_io::dataset::{Cell, Dataset, ExportRow, NOT_ASKED};
use leernet_xlsform::Form;
use std::process::Command;

fn form() -> Form {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["select_one yn", "has_kids", "Kinderen?"],
        &["begin_repeat", "kid", "Kind"],
        &["integer", "age", "Leeftijd"],
        &["select_one yn", "school", "Naar school?"],
        &["select_multiple hobby", "hobbies", "Hobby's"],
        &["begin_repeat", "toy", "Speelgoed"],
        &["text", "toy_name", "Naam"],
        &["end_repeat", "", ""],
        &["end_repeat", "", ""],
        &["text", "remark", "Opmerking"],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["yn", "yes", "Ja"],
        &["yn", "no", "Nee"],
        &["hobby", "sport", "Sport"],
        &["hobby", "music", "Muziek"],
    ];
    let settings: &[&[&str]] = &[&["form_id", "version"], &["gezin", "1"]];
    common::form(
        "gezin.xlsx",
        &[
            ("survey", survey),
            ("choices", choices),
            ("settings", settings),
        ],
    )
}

fn row(id: &str, pairs: &[(&str, &str)]) -> ExportRow {
    ExportRow {
        respondent: id.into(),
        network: "n".into(),
        wave: "w".into(),
        status: "submitted".into(),
        answers: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn dataset() -> Dataset {
    Dataset::build(
        &form(),
        &[
            row(
                "r1",
                &[
                    ("has_kids", "yes"),
                    ("kid", "2"),
                    ("kid[1]/age", "7"),
                    ("kid[1]/school", "yes"),
                    ("kid[1]/hobbies", "sport music"),
                    ("kid[1]/toy", "1"),
                    ("kid[1]/toy[1]/toy_name", "bal"),
                    ("kid[2]/age", "12"),
                    ("kid[2]/school", "no"),
                    ("kid[2]/toy", "2"),
                    ("kid[2]/toy[1]/toy_name", "fiets"),
                    ("kid[2]/toy[2]/toy_name", "step"),
                    ("remark", "druk"),
                ],
            ),
            row("r2", &[("has_kids", "no"), ("remark", "rustig")]),
            row(
                "r3",
                &[("has_kids", "yes"), ("kid", "10"), ("kid[10]/age", "3")],
            ),
        ],
        "",
    )
}

fn col(ds: &Dataset, name: &str) -> usize {
    ds.variables
        .iter()
        .position(|v| v.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no variable {name}: {:?}",
                ds.variables.iter().map(|v| &v.name).collect::<Vec<_>>()
            )
        })
}

#[test]
fn repeat_questions_become_one_variable_per_instance() {
    let ds = dataset();
    let names: Vec<&str> = ds.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "respondent",
            "network",
            "wave",
            "status",
            "has_kids",
            "age_1",
            "age_2",
            "age_10",
            "school_1",
            "school_2",
            "hobbies_1_sport",
            "hobbies_1_music",
            "toy_name_1_1",
            "toy_name_2_1",
            "toy_name_2_2",
            "remark",
        ]
    );
    let v = &ds.variables[col(&ds, "toy_name_2_2")];
    assert_eq!(v.label, "Naam [2.2]");
    assert_eq!(v.question.as_deref(), Some("toy_name"));
    assert_eq!(ds.variables[col(&ds, "age_10")].label, "Leeftijd [10]");
    // the same coding as outside a repeat: value labels and the 0/1 dummies
    let school = &ds.variables[col(&ds, "school_2")];
    assert!(school.value_labels.contains(&(1.0, "Ja".into())));
    let (r1, r2, r3) = (&ds.rows[0], &ds.rows[1], &ds.rows[2]);
    assert_eq!(r1[col(&ds, "age_2")], Cell::Num(12.0));
    assert_eq!(r1[col(&ds, "school_2")], Cell::Num(2.0));
    assert_eq!(r1[col(&ds, "hobbies_1_music")], Cell::Num(1.0));
    assert_eq!(r1[col(&ds, "toy_name_2_2")], Cell::Text("step".into()));
    assert_eq!(r3[col(&ds, "age_10")], Cell::Num(3.0));
    // no instance: system-missing, not the "not asked" code
    for name in ["age_1", "school_1", "hobbies_1_sport", "toy_name_1_1"] {
        assert_eq!(r2[col(&ds, name)], Cell::Missing, "{name}");
        assert_ne!(r3[col(&ds, name)], Cell::Num(NOT_ASKED), "{name}");
    }
    // CSV header and codebook name every instance variable
    let csv = String::from_utf8(leernet_io::csv_out::data(
        &ds,
        leernet_io::csv_out::Cells::Neutralised,
    ))
    .unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("age_1,age_2,age_10,school_1"),
        "{csv}"
    );
    let book = String::from_utf8(leernet_io::csv_out::codebook(
        &ds,
        leernet_io::csv_out::Cells::Neutralised,
    ))
    .unwrap();
    assert!(book.contains("toy_name_2_2"), "{book}");
}

#[test]
fn repeat_variables_read_back_in_pyreadstat() {
    let py = python();
    if !need("Python with pyreadstat (tools/pyenv.sh)", py.is_some()) {
        return;
    }
    let py = py.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sav = dir.path().join("gezin.sav");
    std::fs::write(&sav, leernet_io::sav::write(&dataset(), "gezin")).unwrap();
    let o = Command::new(py)
        .args([
            "-c",
            "import sys, pyreadstat\ndf, meta = pyreadstat.read_sav(sys.argv[1])\n\
             print(meta.column_names_to_labels['toy_name_2_2'])\n\
             print(meta.variable_value_labels['school_2'])\n\
             print(df['age_2'].tolist(), df['toy_name_2_2'].tolist(), df['age_10'].tolist())",
        ])
        .arg(&sav)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for want in [
        "Naam [2.2]",
        "1.0: 'Ja'",
        "[12.0, nan, nan] ['step', '', ''] [nan, nan, 3.0]",
    ] {
        assert!(out.contains(want), "{want:?} not in\n{out}");
    }
}
