//! Crafted files of a few kilobytes that asked for gigabytes, given to the real binary
//! under a memory cap (`ulimit -v`): `instrument check`, `instrument add` and
//! `import responses` refuse each with exit 1 or 2 and one sentence naming the file and
//! the limit — never an abort (exit 134) — and nothing is stored.

#[path = "../../../leernet-xlsform/tests/it/common/crafted.rs"]
mod crafted;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The address space the binary may use (KiB): a regression that sizes a dense grid or
/// unpacks a gibibyte fails here instead of eating the machine.
const CAP_KIB: u64 = 2_000_000;

fn leernet(project: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {CAP_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_leernet"));
    if let Some(p) = project {
        c.arg("--project").arg(p);
    }
    c.args(args)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .expect("run leernet")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{:?}: {}", o.status, stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Exit 1 or 2, one line naming `file` and holding `words`, no panic.
fn refused(o: &Output, file: &str, words: &str) {
    let e = stderr(o);
    assert!(
        matches!(o.status.code(), Some(1 | 2)),
        "{file}: {:?}: {e}",
        o.status
    );
    assert!(
        !e.contains("panicked") && !e.contains("memory allocation"),
        "{e}"
    );
    assert!(e.contains(file) && e.contains(words), "{file}: {e}");
}

struct Files {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Files {
    fn new() -> Files {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        Files { _tmp: tmp, dir }
    }

    fn put(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.dir.join(name);
        crafted::write(&p, bytes);
        p.to_str().unwrap().to_owned()
    }
}

/// An `.xls` whose sheet declares 2^32 rows of 256 columns.
fn xls_dimensions() -> Vec<u8> {
    let sheet = [
        crafted::biff_dimensions(0, u32::MAX, 0, 255),
        crafted::biff_number(0, 0, 1.0),
    ]
    .concat();
    crafted::xls(&crafted::biff_workbook(&sheet), false)
}

/// An `.xls` with two cells at opposite corners of its sheet.
fn xls_far() -> Vec<u8> {
    let sheet = [
        crafted::biff_number(0, 0, 1.0),
        crafted::biff_number(65_535, 65_535, 2.0),
    ]
    .concat();
    crafted::xls(&crafted::biff_workbook(&sheet), false)
}

/// An `.xls` whose stream's chain of sectors never ends.
fn xls_loop() -> Vec<u8> {
    crafted::xls(
        &crafted::biff_workbook(&crafted::biff_number(0, 0, 1.0)),
        true,
    )
}

#[test]
fn crafted_questionnaires_are_refused_by_instrument_check_and_add() {
    let f = Files::new();
    let project = f.dir.join("study");
    ok(leernet(None, &["init", project.to_str().unwrap()]));
    let cases = [
        (
            "repeat.ods",
            crafted::ods_repeated_cell(1_000_000_000),
            "2000000 cells",
        ),
        (
            "rows.ods",
            crafted::ods_repeated_row(1_000_000_000),
            "2000000 cells",
        ),
        ("huge.xlsx", crafted::xlsx_huge_cell(1024), "256 KiB"),
        (
            "deep.xlsx",
            crafted::xlsx_nested_groups(20_000),
            "more than 32 deep",
        ),
        // declares four billion rows for one cell: fitted to that cell before calamine
        // reads it (nothing is reserved for the rest), then judged on what it holds
        ("dims.xls", xls_dimensions(), "no 'type' column"),
        ("loop.xls", xls_loop(), "loops"),
    ];
    for (name, bytes, words) in &cases {
        let path = f.put(name, bytes);
        refused(&leernet(None, &["instrument", "check", &path]), name, words);
        refused(
            &leernet(Some(&project), &["instrument", "add", &path]),
            name,
            words,
        );
    }
    // the far-away cell costs one cell: the form is read and added
    let far = f.put("far.xlsx", &crafted::xlsx_far_cell());
    ok(leernet(None, &["instrument", "check", &far]));
    let out = ok(leernet(Some(&project), &["instrument", "add", &far]));
    assert!(out.contains("far"), "{out}");
}

#[test]
fn crafted_exports_are_refused_by_import_and_store_nothing() {
    let f = Files::new();
    let project = f.dir.join("study");
    ok(leernet(None, &["init", project.to_str().unwrap()]));
    let p = Some(project.as_path());
    ok(leernet(
        p,
        &["workplace", "add", "--slug", "wsd", "--name", "Werkplaats"],
    ));
    ok(leernet(
        p,
        &[
            "network",
            "add",
            "--slug",
            "buurt",
            "--name",
            "Buurt",
            "--workplace",
            "wsd",
        ],
    ));
    let form = crafted::xlsx(&[(
        "survey",
        crafted::rows(
            1,
            &[
                &["type", "name", "label"],
                &["text", "remark", "Opmerking"],
                &["integer", "age", "Leeftijd"],
            ],
        ),
    )]);
    ok(leernet(
        p,
        &["instrument", "add", &f.put("hostile.xlsx", &form)],
    ));
    let import = |path: &str| {
        leernet(
            p,
            &[
                "import",
                "responses",
                path,
                "--instrument",
                "hostile",
                "--network",
                "buurt",
            ],
        )
    };
    let across = format!(
        "{}<table:table-row>{}</table:table-row>",
        crafted::ods_row(&["remark", "age"], 1),
        crafted::ods_cell("x", 1_000_000_000)
    );
    let mut far = crafted::rows(1, &[&["remark", "age"], &["hallo", "40"]]);
    far.push_str(&format!(
        r#"<row r="1048576">{}</row>"#,
        crafted::cell("XFD1048576", "x")
    ));
    let long = format!("remark,age\nkort,40\n{},41\n", "a".repeat(30 << 20));
    let cases = [
        (
            "across.ods",
            crafted::ods(&[("data", across)]),
            "20000000 cells",
        ),
        ("huge.xlsx", crafted::xlsx_huge_cell(1024), "256 KiB"),
        // cells at opposite corners: calamine would lay out the grid between them (a
        // sheet that only declares a large area is fitted to its cells and read)
        ("far.xls", xls_far(), "declares more than 20000000 cells"),
        // read as one far cell: a ragged row, found at its row
        ("far.xlsx", crafted::xlsx(&[("data", far)]), "row 1048576"),
        (
            "long.csv",
            long.into_bytes(),
            "row 3, column \"remark\": the answer to \"remark\" is longer than 10000 characters",
        ),
    ];
    for (name, bytes, words) in &cases {
        let o = import(&f.put(name, bytes));
        refused(&o, name, words);
    }
    let out = ok(leernet(
        p,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            f.dir.join("out.csv").to_str().unwrap(),
            "--instrument",
            "hostile",
        ],
    ));
    let _ = out;
    let exported = std::fs::read_to_string(f.dir.join("out.csv")).unwrap();
    assert_eq!(exported.lines().count(), 1, "nothing stored: {exported}");
}
