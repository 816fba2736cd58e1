//! Backup and restore as an operator meets them: the real binary on the demo study, a restore
//! into SQLite and into PostgreSQL and back, the study report of every restored project
//! byte-identical to the original's, and every bad input refused with exit code 2 and
//! nothing changed.

use leernet_store::testing::{test_backends, TestDb};
use leernet_store::Backend;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs leernet; `db` sets LEERNET_DATABASE_URL (otherwise the project's own SQLite file).
fn leernet(args: &[&str], db: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.args(args).env_remove("LEERNET_DATABASE_URL");
    if let Some(url) = db {
        c.env("LEERNET_DATABASE_URL", url);
    }
    c.output().expect("run leernet")
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Exit code 2 with a message containing `want`.
fn refused(o: Output, want: &str) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(want), "expected {want:?} in: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    err
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file under `dir`, with its bytes, by relative path.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push((
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The study report of a project (HTML, DOCX, Markdown, handreikingen), every file.
fn report(project: &Path, out: &Path, db: Option<&str>) -> Vec<(PathBuf, Vec<u8>)> {
    ok(leernet(
        &["report", "--out", s(out), "--project", s(project)],
        db,
    ));
    let f = files(out);
    assert!(
        f.len() > 10,
        "the report and the handreikingen were written"
    );
    f
}

/// The backup's rows (without its header, which names the back end, and its trailer).
fn body(backup: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(backup).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    lines[1..lines.len() - 1].join("\n").into_bytes()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_project_reports_byte_identically_on_both_back_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let demo = t.join("demo");
    ok(leernet(&["demo", "--dir", s(&demo)], None));
    // A codebook change, so that the backup holds codebook versions: version 1 without a
    // person or a time (NULLs), version 2 with a JSON snapshot that must come back as is.
    {
        let store = leernet_store::Store::connect(&format!(
            "sqlite://{}",
            demo.join("leernet.sqlite").display()
        ))
        .await
        .unwrap();
        let who = store.persons().await.unwrap()[0].id;
        let book = store.codebooks().await.unwrap()[0].clone();
        let code = &book.codes[0];
        let fields = leernet_store::CodeFields {
            exclusion: leernet_core::Bilingual {
                nl: "Niet voor \"werkvormen\" — zie Reflectievormen.".into(),
                en: "Not for methods.".into(),
            },
            colour: Some(leernet_core::Colour::parse("#ABCDEF").unwrap()),
            ..leernet_store::CodeFields::of(code)
        };
        store
            .change_code_logged(code.id, &fields, who, "Scherper", 1_800_000_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(store.codebook_versions(book.id).await.unwrap().len(), 2);
        store.close().await;
    }
    let b1 = t.join("demo.backup");
    let said = ok(leernet(
        &["backup", "--out", s(&b1), "--project", s(&demo)],
        None,
    ));
    assert!(said.contains("Wrote a backup of"), "{said}");
    // A backup holds every answer and account: only its owner may read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&b1).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "backup mode {:o}", mode & 0o777);
    }
    let original = report(&demo, &t.join("r0"), None);
    let backup = read(&b1);
    for table in [
        "\"responses\"",
        "\"codings\"",
        "\"instruments\"",
        "\"persons\"",
        "\"codebook_versions\"",
    ] {
        assert!(
            backup
                .windows(table.len() + 6)
                .any(|w| w == format!("{{\"t\":{table},").as_bytes()),
            "the backup holds rows of {table}"
        );
    }

    // SQLite to SQLite: the same report, and a backup of the copy is the same file.
    let s1 = t.join("s1");
    ok(leernet(&["init", s(&s1)], None));
    let said = ok(leernet(&["restore", s(&b1), "--project", s(&s1)], None));
    assert!(said.starts_with("Restored "), "{said}");
    assert!(
        report(&s1, &t.join("r1"), None) == original,
        "report after SQLite restore"
    );
    let b2 = t.join("s1.backup");
    ok(leernet(
        &["backup", "--out", s(&b2), "--project", s(&s1)],
        None,
    ));
    assert!(
        read(&b2) == backup,
        "the backup of the restored copy is byte-identical"
    );

    if !test_backends().contains(&Backend::Postgres) {
        return;
    }
    // SQLite to PostgreSQL and back.
    let db = TestDb::new(Backend::Postgres).await;
    let pg = Some(db.url.as_str());
    let p = t.join("pg");
    ok(leernet(&["init", s(&p)], pg));
    ok(leernet(&["restore", s(&b1), "--project", s(&p)], pg));
    assert!(
        report(&p, &t.join("r2"), pg) == original,
        "report after restore into PostgreSQL"
    );
    let bp = t.join("pg.backup");
    ok(leernet(
        &["backup", "--out", s(&bp), "--project", s(&p)],
        pg,
    ));
    let from_pg = read(&bp);
    assert!(
        body(&from_pg) == body(&backup),
        "PostgreSQL gives back every row as SQLite held it"
    );
    assert!(String::from_utf8_lossy(&from_pg)
        .starts_with("{\"format\":\"leernet-backup\",\"version\":1,\"backend\":\"postgres\""));
    let s2 = t.join("s2");
    ok(leernet(&["init", s(&s2)], None));
    ok(leernet(&["restore", s(&bp), "--project", s(&s2)], None));
    assert!(
        report(&s2, &t.join("r3"), None) == original,
        "report after PostgreSQL to SQLite"
    );
    let b3 = t.join("s2.backup");
    ok(leernet(
        &["backup", "--out", s(&b3), "--project", s(&s2)],
        None,
    ));
    assert!(
        read(&b3) == backup,
        "SQLite → PostgreSQL → SQLite gives the same file"
    );
    // The restored PostgreSQL database takes new rows: its id sequences continue.
    ok(leernet(
        &[
            "workplace",
            "add",
            "--slug",
            "na-herstel",
            "--name",
            "Na herstel",
            "--project",
            s(&p),
        ],
        pg,
    ));
    ok(leernet(
        &[
            "network",
            "add",
            "--slug",
            "na-herstel-net",
            "--name",
            "Na herstel netwerk",
            "--workplace",
            "na-herstel",
            "--project",
            s(&p),
        ],
        pg,
    ));
    db.drop_database().await;
}

#[test]
fn bad_backups_and_targets_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let demo = t.join("demo");
    ok(leernet(&["demo", "--dir", s(&demo)], None));
    let b1 = t.join("demo.backup");
    ok(leernet(
        &["backup", "--out", s(&b1), "--project", s(&demo)],
        None,
    ));
    let good = read(&b1);
    let text = String::from_utf8(good.clone()).unwrap();
    let empty = t.join("empty");
    ok(leernet(&["init", s(&empty)], None));
    let still_empty = || {
        let out = t.join("check.backup");
        let said = ok(leernet(
            &["backup", "--out", s(&out), "--project", s(&empty)],
            None,
        ));
        assert!(
            said.contains("a backup of 0 rows"),
            "nothing was restored: {said}"
        );
    };
    let write = |name: &str, bytes: &[u8]| {
        let p = t.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };

    // Cut off (halfway, and just before the closing line).
    let cut = write("cut.backup", &good[..good.len() / 2]);
    refused(
        leernet(&["restore", s(&cut), "--project", s(&empty)], None),
        "cut off",
    );
    let last = text.trim_end().rfind('\n').unwrap();
    let cut = write("cut2.backup", &good[..=last]);
    refused(
        leernet(&["restore", s(&cut), "--project", s(&empty)], None),
        "cut off",
    );
    still_empty();
    // Changed inside.
    let changed = write(
        "changed.backup",
        text.replacen("Werkplaats Sociaal Domein", "Werkplaats Sociaal Domain", 1)
            .as_bytes(),
    );
    refused(
        leernet(&["restore", s(&changed), "--project", s(&empty)], None),
        "checksum",
    );
    // From a newer leernet: a newer format, or a schema version this one does not know.
    let newer = write(
        "newer.backup",
        text.replacen("\"version\":1,", "\"version\":2,", 1)
            .as_bytes(),
    );
    refused(
        leernet(&["restore", s(&newer), "--project", s(&empty)], None),
        "newer leernet",
    );
    let newer = write(
        "newer-schema.backup",
        text.replacen("\"migrations\":[1,", "\"migrations\":[1,2099010100,", 1)
            .as_bytes(),
    );
    refused(
        leernet(&["restore", s(&newer), "--project", s(&empty)], None),
        "schema version 2099010100",
    );
    // Not a backup at all; no file.
    let other = write("other.backup", b"id,name\n1,x\n");
    refused(
        leernet(&["restore", s(&other), "--project", s(&empty)], None),
        "not a leernet backup",
    );
    refused(
        leernet(
            &["restore", s(&t.join("nope.backup")), "--project", s(&empty)],
            None,
        ),
        "cannot read",
    );
    still_empty();

    // Into a project that holds data: refused, the data unchanged.
    refused(
        leernet(&["restore", s(&b1), "--project", s(&demo)], None),
        "not empty",
    );
    let again = t.join("again.backup");
    ok(leernet(
        &["backup", "--out", s(&again), "--project", s(&demo)],
        None,
    ));
    assert!(read(&again) == good, "the refused restore changed nothing");

    // A target that cannot be written: no file, no partial file.
    let blocker = write("a-file", b"x");
    for out in [
        t.join("no-such-folder").join("x.backup"),
        blocker.join("x.backup"),
    ] {
        refused(
            leernet(&["backup", "--out", s(&out), "--project", s(&demo)], None),
            "cannot write the backup",
        );
        assert!(!out.exists());
    }
    let leftovers: Vec<_> = std::fs::read_dir(t)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The parts of a whole installation's backup, by name: (name, bytes).
fn whole_parts(backup: &[u8]) -> Vec<(String, Vec<u8>)> {
    let end = backup.iter().position(|b| *b == b'\n').unwrap();
    let header: serde_json::Value = serde_json::from_slice(&backup[..end]).unwrap();
    assert_eq!(header["format"], "leernet-installation-backup");
    let mut at = end + 1;
    let mut out = Vec::new();
    for p in header["parts"].as_array().unwrap() {
        let len = p["bytes"].as_u64().unwrap() as usize;
        out.push((
            p["name"].as_str().unwrap().to_owned(),
            backup[at..at + len].to_vec(),
        ));
        at += len;
    }
    assert_eq!(at, backup.len(), "the parts fill the file");
    out
}

/// The main study's report (the demo's installation holds two studies).
fn main_report(project: &Path, out: &Path, db: Option<&str>) -> Vec<(PathBuf, Vec<u8>)> {
    ok(leernet(
        &[
            "report",
            "--out",
            s(out),
            "--project",
            s(project),
            "--study",
            "demo",
        ],
        db,
    ));
    files(out)
}

/// The demo's whole installation (two studies, the main one in two waves) in one backup:
/// refused by a project `leernet init` made (it holds a study), restored into a new folder on
/// SQLite and on PostgreSQL and back, with every study's rows and the main study's report
/// unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_installation_moves_between_back_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let demo = t.join("demo");
    ok(leernet(&["demo", "--dir", s(&demo)], None));
    let w1 = t.join("whole.lnb");
    let said = ok(leernet(
        &[
            "backup",
            "--all-studies",
            "--out",
            s(&w1),
            "--project",
            s(&demo),
        ],
        None,
    ));
    assert!(said.contains("2 studies"), "{said}");
    let original = read(&w1);
    let studies = |b: &[u8]| whole_parts(b).into_iter().skip(1).collect::<Vec<_>>();
    assert_eq!(
        studies(&original)
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["demo", "vervolg"]
    );
    let report0 = main_report(&demo, &t.join("r0"), None);

    // A project made by `leernet init` holds a study: refused, and it stays as it was.
    let init = t.join("init");
    ok(leernet(&["init", s(&init)], None));
    let before = files(&init);
    refused(
        leernet(&["restore", s(&w1), "--project", s(&init)], None),
        "NEW_FOLDER",
    );
    assert!(files(&init) == before, "nothing changed");

    // Into a new folder on SQLite.
    let s1 = t.join("s1");
    let said = ok(leernet(&["restore", s(&w1), "--project", s(&s1)], None));
    assert!(said.contains("2 studies"), "{said}");
    let w2 = t.join("s1.lnb");
    ok(leernet(
        &[
            "backup",
            "--all-studies",
            "--out",
            s(&w2),
            "--project",
            s(&s1),
        ],
        None,
    ));
    let from_s1 = read(&w2);
    assert!(
        studies(&from_s1) == studies(&original),
        "every study's rows come back as they were"
    );
    assert!(
        main_report(&s1, &t.join("r1"), None) == report0,
        "the main study's report after the restore"
    );

    if !test_backends().contains(&Backend::Postgres) {
        return;
    }
    // SQLite to PostgreSQL and back: the same file as the first restore gave.
    let db = TestDb::new(Backend::Postgres).await;
    let pg = Some(db.url.as_str());
    let p = t.join("pg");
    let said = ok(leernet(&["restore", s(&w2), "--project", s(&p)], pg));
    assert!(said.contains("2 studies"), "{said}");
    assert!(
        main_report(&p, &t.join("r2"), pg) == report0,
        "the main study's report on PostgreSQL"
    );
    let wp = t.join("pg.lnb");
    ok(leernet(
        &[
            "backup",
            "--all-studies",
            "--out",
            s(&wp),
            "--project",
            s(&p),
        ],
        pg,
    ));
    let s2 = t.join("s2");
    ok(leernet(&["restore", s(&wp), "--project", s(&s2)], None));
    let w3 = t.join("s2.lnb");
    ok(leernet(
        &[
            "backup",
            "--all-studies",
            "--out",
            s(&w3),
            "--project",
            s(&s2),
        ],
        None,
    ));
    assert!(
        read(&w3) == from_s1,
        "SQLite → PostgreSQL → SQLite gives the same whole backup"
    );
    db.drop_database().await;
}
