//! Awkward files of our own: BOM, Windows line ends, quoted newlines, Windows-1252,
//! empty rows, duplicate headers, broken values, other languages, a mapping file, and
//! files that are no export at all. Every problem names its row and column.

use std::io::Cursor;
use std::path::PathBuf;

use leernet_io::import::{import_all, ImportReport};
use leernet_io::{Format, ImportOptions, Mapping, Problem, ProblemKind, Severity};
use leernet_xlsform::Form;

fn form() -> Form {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/exports/wellbeing_check.xlsx");
    Form::from_workbook(&std::fs::read(p).unwrap(), "wellbeing_check.xlsx").unwrap()
}

fn run(bytes: &[u8], opts: &ImportOptions<'_>) -> Result<ImportReport, Vec<Problem>> {
    import_all(&form(), Box::new(Cursor::new(bytes.to_vec())), opts)
}

fn en() -> ImportOptions<'static> {
    ImportOptions {
        lang: "en",
        ..ImportOptions::default()
    }
}

fn ok(bytes: &[u8]) -> ImportReport {
    let r = run(bytes, &en()).unwrap_or_else(|p| panic!("{p:#?}"));
    let errors: Vec<String> = r
        .all_problems()
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    r
}

fn errors(bytes: &[u8]) -> Vec<Problem> {
    match run(bytes, &en()) {
        Ok(r) => r
            .all_problems()
            .into_iter()
            .filter(|p| p.is_error())
            .cloned()
            .collect(),
        Err(p) => p.into_iter().filter(|p| p.is_error()).collect(),
    }
}

#[test]
fn bom_crlf_semicolons_and_quoted_newlines() {
    let text = "\u{feff}\"id\";\"consent\";\"age\";\"services\";\"comment\"\r\n\
                \"a\";\"yes\";\"40\";\"food housing\";\"first line\r\nsecond; line\"\r\n\
                \r\n\
                \"b\";\"no\";\"\";\"\";\"\"\r\n";
    let r = ok(text.as_bytes());
    assert_eq!(r.format, Format::Csv);
    assert_eq!(r.rows.len(), 2);
    let a = &r.rows[0].answers;
    assert_eq!(
        a["comment"], "first line\r\nsecond; line",
        "open answers kept whole"
    );
    assert_eq!(a["services"], "housing food", "choice names in form order");
    assert_eq!(r.rows[0].source_id.as_deref(), Some("a"));
    assert_eq!(
        r.rows[1].row, 5,
        "row numbers count the quoted line break and the empty row"
    );
}

#[test]
fn windows_1252_is_read_and_said() {
    let mut bytes = b"consent,age,comment\nyes,30,".to_vec();
    bytes.extend_from_slice(&[b'c', b'a', b'f', 0xE9, b' ', 0x80, b'5']);
    bytes.push(b'\n');
    let r = ok(&bytes);
    assert_eq!(r.rows[0].answers["comment"], "café €5");
    assert!(r
        .problems
        .iter()
        .any(|p| p.message.contains("Windows-1252")));
}

#[test]
fn utf16_with_bom_is_read() {
    let text = "consent\tage\r\nyes\t30\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let r = ok(&bytes);
    assert_eq!(r.rows[0].answers["age"], "30");
}

#[test]
fn duplicate_headers_are_refused() {
    let e = errors(b"consent,age,age\nyes,30,31\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].kind, ProblemKind::DuplicateColumn);
    assert_eq!(e[0].column.as_deref(), Some("age"));
}

#[test]
fn every_bad_value_is_reported_with_row_and_column() {
    let text = "id,consent,age,members,services\n\
                1,yes,abc,2,food\n\
                2,Soms,40,1,\n\
                3,yes,12,1,food\n\
                4,,30,1,\n\
                5,yes,30,0,food sailing\n\
                1,yes,30,1,food\n";
    let e = errors(text.as_bytes());
    let shown: Vec<String> = e.iter().map(|p| p.to_string()).collect();
    let want = [
        (2, "age", ProblemKind::InvalidValue),
        (3, "consent", ProblemKind::InvalidValue),
        (4, "age", ProblemKind::Constraint),
        (5, "consent", ProblemKind::MissingRequired),
        (6, "members", ProblemKind::Constraint),
        (6, "services", ProblemKind::InvalidValue),
        (7, "id", ProblemKind::DuplicateId),
    ];
    for (row, col, kind) in want {
        assert!(
            e.iter()
                .any(|p| p.row == Some(row) && p.column.as_deref() == Some(col) && p.kind == kind),
            "missing {row} {col} {kind:?} in {shown:#?}"
        );
    }
    assert!(
        shown.contains(
            &r#"row 3, column "consent": "Soms" is not one of the choices of "consent" (yes/no)"#
                .to_owned()
        ),
        "{shown:#?}"
    );
    assert!(
        shown.iter().any(|s| s.contains("Age must be 16-120")),
        "the form's own message: {shown:#?}"
    );
    assert!(
        shown
            .iter()
            .any(|s| s.contains("\"sailing\" is not one of the choices")),
        "{shown:#?}"
    );
}

#[test]
fn answers_hidden_by_skip_logic_are_not_stored() {
    let r = ok(b"consent,age\nno,40\n");
    assert!(!r.rows[0].answers.contains_key("age"));
    let w = &r.rows[0].problems[0];
    assert_eq!(
        (w.severity, w.kind),
        (Severity::Warning, ProblemKind::NotRelevant)
    );
    assert_eq!(w.column.as_deref(), Some("age"));
}

#[test]
fn labels_in_any_language_and_msforms_lists() {
    // German question texts and choice labels, Microsoft Forms style lists
    let text = "ID,Start time,Completion time,Email,Name,Stimmen Sie der Teilnahme zu?,Alter,Welche Angebote haben Sie genutzt?,Anmerkungen?\n\
                7,3/5/24 10:12:33,3/5/24 10:15:02,anonymous,,Ja,34,Beratung;Lebensmittel;Schuldnerberatung;,ok\n";
    let r = ok(text.as_bytes());
    assert_eq!(r.format, Format::MsForms);
    let a = &r.rows[0].answers;
    assert_eq!(a["consent"], "yes");
    assert_eq!(a["services"], "counselling food other");
    assert_eq!(a["services_other"], "Schuldnerberatung");
    assert_eq!(a["start"], "2024-03-05T10:12:33");
}

#[test]
fn a_mapping_file_maps_and_recodes() {
    let mapping = Mapping::from_toml(
        r#"
id_column = "Respondent"
[columns]
"Toestemming" = "consent"
"Leeftijd" = "age"
"Dienst 1" = "services/counselling"
"Dienst 2" = "services/housing"
"Opmerking" = ""
[values.consent]
"akkoord" = "yes"
"#,
    )
    .unwrap();
    let text =
        "Respondent,Toestemming,Leeftijd,Dienst 1,Dienst 2,Opmerking\nr1,akkoord,50,X,,niets\n";
    let r = run(
        text.as_bytes(),
        &ImportOptions {
            mapping: Some(&mapping),
            lang: "en",
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert!(!r.has_errors(), "{:?}", r.all_problems());
    let a = &r.rows[0].answers;
    assert_eq!(a["consent"], "yes");
    assert_eq!(a["services"], "counselling");
    assert!(!a.contains_key("comment"));
    assert_eq!(r.rows[0].source_id.as_deref(), Some("r1"));
    // and a mapping to an unknown question is an error naming the column
    let bad = Mapping::from_toml("[columns]\n\"Leeftijd\" = \"leeftijd\"\n").unwrap();
    let e = run(
        text.as_bytes(),
        &ImportOptions {
            mapping: Some(&bad),
            ..ImportOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        e.iter()
            .any(|p| p.is_error() && p.column.as_deref() == Some("Leeftijd")),
        "{e:?}"
    );
}

#[test]
fn files_that_are_no_export() {
    let kind =
        |bytes: &[u8]| -> Vec<ProblemKind> { errors(bytes).iter().map(|p| p.kind).collect() };
    assert_eq!(kind(b""), [ProblemKind::Empty]);
    assert_eq!(kind(b"\n\n"), [ProblemKind::Empty]);
    assert_eq!(
        kind(b"consent,age\n"),
        [ProblemKind::Empty],
        "a header only"
    );
    assert_eq!(
        kind(b"foo,bar\n1,2\n"),
        [ProblemKind::Unmapped],
        "no question matches"
    );
    assert_eq!(kind(b"PK\x03\x04truncated"), [ProblemKind::Unreadable]);
    assert_eq!(kind(b"\x00\x01\x02binary"), [ProblemKind::Unreadable]);
    assert_eq!(
        kind(b"consent,age\nyes,30,extra\n"),
        [ProblemKind::RaggedRow]
    );
    // both Kobo and ODK signatures: the user must choose
    assert_eq!(
        kind(b"_uuid,_submission_time,SubmissionDate,KEY,consent\n1,2,3,4,yes\n"),
        [ProblemKind::Format]
    );
}

#[test]
fn a_truncated_workbook_is_unreadable() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures/exports/microsoft_forms.xlsx");
    let bytes = std::fs::read(p).unwrap();
    for cut in [10, 100, bytes.len() / 2, bytes.len() - 10] {
        let e = errors(&bytes[..cut]);
        assert!(
            !e.is_empty() && e.iter().all(|p| p.kind == ProblemKind::Unreadable),
            "{cut}: {e:?}"
        );
    }
}
