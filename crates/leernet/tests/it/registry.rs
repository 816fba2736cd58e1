//! The registry commands as a researcher meets them on a fresh project: `leernet init`, then
//! `workplace add` and `network add`, so that `import responses --network SLUG` has a network
//! to point at; with the contract's exit codes for a taken slug, a bad slug and an unknown
//! Werkplaats, and nothing stored by a command that failed.

use std::path::Path;
use std::process::{Command, Output};

const MEMBER_XLSX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../instruments/member.xlsx");

fn leernet(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(args)
        .arg("--project")
        .arg(project)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .expect("run leernet")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

fn fails(o: Output, code: i32) -> String {
    assert_eq!(o.status.code(), Some(code), "{}{}", stdout(&o), stderr(&o));
    stderr(&o)
}

fn list(project: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(leernet(project, &["network", "list", "--json"]))).unwrap()
}

#[test]
fn a_new_project_gets_werkplaatsen_and_networks_and_imports_into_them() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("study");
    let init = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("init")
        .arg(&p)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", stderr(&init));

    assert!(ok(leernet(&p, &["network", "list"])).contains("no networks yet"));
    assert_eq!(list(&p), serde_json::json!([]));

    let out = ok(leernet(
        &p,
        &[
            "workplace",
            "add",
            "--slug",
            "wsd-noord",
            "--name",
            "Werkplaats Noord",
            "--region",
            "Groningen",
        ],
    ));
    assert!(out.contains("wsd-noord"), "{out}");
    for (slug, name) in [
        ("buurtkracht", "Buurtkracht Noord"),
        ("jeugd-samen", "Jeugd Samen"),
    ] {
        let out = ok(leernet(
            &p,
            &[
                "network",
                "add",
                "--slug",
                slug,
                "--name",
                name,
                "--workplace",
                "wsd-noord",
            ],
        ));
        assert!(out.contains(slug), "{out}");
    }

    let table = ok(leernet(&p, &["network", "list"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[0].starts_with("slug") && lines[0].contains("Werkplaats"));
    assert!(lines[1].starts_with("buurtkracht") && lines[1].contains("Buurtkracht Noord"));
    assert!(lines[2].starts_with("jeugd-samen") && lines[2].ends_with("wsd-noord"));
    let expected = serde_json::json!([
        {"slug": "buurtkracht", "name": "Buurtkracht Noord", "workplace": "wsd-noord"},
        {"slug": "jeugd-samen", "name": "Jeugd Samen", "workplace": "wsd-noord"},
    ]);
    assert_eq!(list(&p), expected);

    // with two networks, the import needs --network: and now it has one to name
    ok(leernet(&p, &["instrument", "add", MEMBER_XLSX]));
    let csv = tmp.path().join("members.csv");
    std::fs::write(
        &csv,
        "role,attendance\nresident,always\nstudent,sometimes\npolicy_officer,mostly\n",
    )
    .unwrap();
    let out = ok(leernet(
        &p,
        &[
            "import",
            "responses",
            csv.to_str().unwrap(),
            "--instrument",
            "leernet_member",
            "--network",
            "jeugd-samen",
            "--json",
        ],
    ));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["stored"], 3, "{summary}");

    // a taken slug: exit 1, one sentence that says what to do, nothing stored
    let err = fails(
        leernet(
            &p,
            &[
                "network",
                "add",
                "--slug",
                "buurtkracht",
                "--name",
                "Nog een",
                "--workplace",
                "wsd-noord",
            ],
        ),
        1,
    );
    assert!(
        err.contains("buurtkracht") && err.contains("--slug"),
        "{err}"
    );
    let err = fails(
        leernet(
            &p,
            &[
                "workplace",
                "add",
                "--slug",
                "wsd-noord",
                "--name",
                "Dubbel",
            ],
        ),
        1,
    );
    assert!(err.contains("wsd-noord") && err.contains("--slug"), "{err}");

    // a bad slug: a usage error, exit 2
    let err = fails(
        leernet(
            &p,
            &[
                "workplace",
                "add",
                "--slug",
                "Werkplaats Zuid",
                "--name",
                "Zuid",
            ],
        ),
        2,
    );
    assert!(err.contains("Werkplaats Zuid"), "{err}");
    fails(
        leernet(
            &p,
            &[
                "network",
                "add",
                "--slug",
                "-bad-",
                "--name",
                "Slecht",
                "--workplace",
                "wsd-noord",
            ],
        ),
        2,
    );

    // an unknown Werkplaats: exit 1, says how to add it
    let err = fails(
        leernet(
            &p,
            &[
                "network",
                "add",
                "--slug",
                "zorg-oost",
                "--name",
                "Zorg Oost",
                "--workplace",
                "wsd-oost",
            ],
        ),
        1,
    );
    assert!(
        err.contains("wsd-oost") && err.contains("leernet workplace add"),
        "{err}"
    );

    // nothing half-written: the failed commands left the registry as it was
    assert_eq!(list(&p), expected);
    let out = ok(leernet(
        &p,
        &[
            "network",
            "add",
            "--slug",
            "zorg-oost",
            "--name",
            "Zorg Oost",
            "--workplace",
            "wsd-noord",
        ],
    ));
    assert!(out.contains("zorg-oost"), "{out}");
    assert_eq!(list(&p).as_array().unwrap().len(), 3);
}

#[test]
fn a_folder_that_is_no_project_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    fails(leernet(tmp.path(), &["network", "list"]), 2);
}
