//! Agreement with pyxform, the reference implementation.
//!
//! Every fixture form — this crate's `tests/forms/*.md` (written to .xlsx so both
//! sides read the same bytes), `tests/forms/*.xlsx|xls|ods`, and the repository's
//! `testdata/fixtures/xlsform/` (public forms kept in the repository, their sources and
//! licences in its `SOURCES.md`) — goes through
//! pyxform's `convert()` (via `pyxform_verdict.py`, in the venv that `tools/pyenv.sh`
//! makes) and through leernet.
//!
//! The rules:
//! - pyxform accepts → leernet accepts, except where leernet finds an error that
//!   pyxform does not look for but ODK Validate does (expression syntax, unknown
//!   functions, argument counts, dependency cycles); then every leernet error must be
//!   of that kind, so leernet says why.
//! - pyxform rejects → leernet rejects, and where pyxform names a row
//!   (`[row : N]`), leernet has an error on row N.
//!
//! Without python: fails when `CI` is set, else skips with the reason printed.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use leernet_xlsform::{check, CheckReport};

/// Messages of the errors pyxform leaves to ODK Validate.
fn is_validate_only(message: &str) -> bool {
    message.contains("not a valid expression") || message.contains("cycle")
}

fn python() -> Result<String, String> {
    leernet_testkit::tools::python_or_reason().map(|p| p.display().to_string())
}

struct Case {
    name: String,
    path: PathBuf,
    bytes: Vec<u8>,
}

fn cases(tmp: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let own = common::own_forms_dir();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&own)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for p in entries {
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        let stem = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        match ext.as_str() {
            "md" => {
                let md = std::fs::read_to_string(&p).expect("md readable");
                let bytes = common::md_to_xlsx(&md);
                let x = tmp.join(format!("{stem}.xlsx"));
                std::fs::write(&x, &bytes).expect("temp writable");
                out.push(Case {
                    name: format!("{stem}.md"),
                    path: x,
                    bytes,
                });
            }
            "xlsx" | "xls" | "ods" => {
                let bytes = std::fs::read(&p).expect("readable");
                out.push(Case {
                    name: format!("{stem}.{ext}"),
                    path: p,
                    bytes,
                });
            }
            _ => {}
        }
    }
    {
        let d = common::fixture_forms_dir();
        let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        fixtures.sort();
        for p in fixtures {
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_lowercase();
            if matches!(ext.as_str(), "xlsx" | "xls" | "ods") {
                let bytes = std::fs::read(&p).unwrap();
                let name = format!("testdata/{}", p.file_name().unwrap().to_string_lossy());
                out.push(Case {
                    name,
                    path: p,
                    bytes,
                });
            }
        }
    }
    assert!(
        out.len() > 10,
        "the forms in testdata/fixtures/xlsform were read"
    );
    out
}

#[test]
fn leernet_agrees_with_pyxform_on_every_fixture_form() {
    let py = match python() {
        Ok(p) => p,
        Err(why) => {
            leernet_testkit::tools::missing("python with pyxform (tools/pyenv.sh)", &why);
            return;
        }
    };
    let tmp = std::env::temp_dir().join(format!("leernet-pyxform-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let cases = cases(&tmp);
    assert!(
        cases.len() > 100,
        "expected the fixture forms, found {}",
        cases.len()
    );
    agree(&py, &cases, &[]);
    std::fs::remove_dir_all(&tmp).ok();
}

/// Runs pyxform and leernet over `cases`, prints the table and the counts, and fails on a
/// disagreement that is not one of the `deliberate` ones (file name, reason).
fn agree(py: &str, cases: &[Case], deliberate: &[(&str, &str)]) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pyxform_verdict.py");
    let out = Command::new(py)
        .arg(&script)
        .args(cases.iter().map(|c| &c.path))
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "pyxform_verdict.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(verdicts.len(), cases.len());

    let mut failures = Vec::new();
    let mut table = vec![
        "| form | pyxform | leernet | agree |".to_string(),
        "|---|---|---|---|".to_string(),
    ];
    let mut counts = [0usize; 4]; // both ok, both reject, stricter (validate-only), disagree
    for (c, v) in cases.iter().zip(&verdicts) {
        let r: CheckReport = check(&c.bytes, &c.name);
        let py_ok = v["ok"].as_bool().unwrap_or(false);
        let py_err = v["error"]
            .as_str()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        let rows: Vec<usize> = v["rows"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_u64())
                    .map(|x| x as usize)
                    .collect()
            })
            .unwrap_or_default();
        let ours = if r.valid {
            "accepts".to_string()
        } else {
            let e = &r.errors[0];
            format!(
                "rejects: row {} {}",
                e.row.map(|r| r.to_string()).unwrap_or("-".into()),
                e.column.clone().unwrap_or_default()
            )
        };
        let theirs = if py_ok {
            "accepts".to_string()
        } else {
            format!(
                "rejects: {}",
                if rows.is_empty() {
                    "-".to_string()
                } else {
                    format!("row {rows:?}")
                }
            )
        };
        let verdict = match (py_ok, r.valid) {
            (true, true) => {
                counts[0] += 1;
                "yes"
            }
            (false, false) => {
                let missing: Vec<usize> = rows
                    .iter()
                    .copied()
                    .filter(|row| !r.errors.iter().any(|e| e.row == Some(*row)))
                    .collect();
                if missing.is_empty() {
                    counts[1] += 1;
                    "yes"
                } else {
                    counts[3] += 1;
                    failures.push(format!(
                        "{}: pyxform names row(s) {missing:?} ({py_err}), leernet: {:#?}",
                        c.name, r.errors
                    ));
                    "NO (row)"
                }
            }
            (true, false) => {
                if r.errors.iter().all(|e| is_validate_only(&e.message)) {
                    counts[2] += 1;
                    "stricter (ODK Validate's check)"
                } else {
                    counts[3] += 1;
                    failures.push(format!(
                        "{}: pyxform accepts, leernet rejects: {:#?}",
                        c.name, r.errors
                    ));
                    "NO"
                }
            }
            (false, true) => {
                counts[3] += 1;
                failures.push(format!(
                    "{}: pyxform rejects ({py_err}), leernet accepts",
                    c.name
                ));
                "NO"
            }
        };
        table.push(format!("| {} | {theirs} | {ours} | {verdict} |", c.name));
    }
    println!("{}", table.join("\n"));
    println!(
        "\n{} forms: {} accepted by both, {} rejected by both (rows agree), {} rejected only by leernet for ODK Validate's reasons, {} disagreements",
        cases.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
    let mut listed = 0;
    failures.retain(|f| {
        let known = deliberate
            .iter()
            .any(|(name, _)| f.starts_with(&format!("{name}: ")));
        listed += usize::from(known);
        !known
    });
    println!("{listed} of them deliberate (listed with their reasons)");
    assert!(
        failures.is_empty(),
        "{} disagreement(s) with pyxform:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The corpus of real forms from the field (`testdata/corpus/xlsform/<owner+repo>/`, with
/// `SOURCES.md`): every file there, whichever way pyxform decides.
fn corpus() -> Vec<Case> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/corpus/xlsform");
    let mut out = Vec::new();
    let mut repos: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("testdata/corpus/xlsform is in the repository")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    for repo in repos {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&repo)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for p in files {
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_lowercase();
            if matches!(ext.as_str(), "xlsx" | "xls") {
                let bytes = std::fs::read(&p).unwrap();
                let name = format!(
                    "{}/{}",
                    repo.file_name().unwrap().to_string_lossy(),
                    p.file_name().unwrap().to_string_lossy()
                );
                out.push(Case {
                    name,
                    path: p,
                    bytes,
                });
            }
        }
    }
    out
}

/// Where leernet disagrees with pyxform on a real form on purpose, and why.
const DELIBERATE: &[(&str, &str)] = &[(
    "hotosm+osm-fieldwork/osm_fieldwork_xlsforms_archived_waterways.xls",
    "pyxform 4.5.0 gives no verdict: it crashes while writing the translations \
     (TypeError: unhashable type: 'dict', in Survey.insert_output_values); leernet reads the form",
)];

#[test]
fn leernet_agrees_with_pyxform_on_the_corpus_of_real_forms() {
    let py = match python() {
        Ok(p) => p,
        Err(why) => {
            leernet_testkit::tools::missing("python with pyxform (tools/pyenv.sh)", &why);
            return;
        }
    };
    let cases = corpus();
    assert!(
        cases.len() >= 150,
        "the corpus holds at least 150 real forms, found {}",
        cases.len()
    );
    agree(&py, &cases, DELIBERATE);
}
