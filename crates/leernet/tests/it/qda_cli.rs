//! `leernet export --format qdc|qdpx` and `leernet import codebook|qdpx` on the demo study:
//! the export is byte-stable, importing it again into the same project finds every code and
//! coding there and stores nothing twice, the codebook imports with every field, and bad
//! files are refused with one sentence, exit 1 and nothing stored.

use leernet_core::{Codebook, Coding};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn leernet(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .expect("run leernet")
}

fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/standards/refi-qda")
        .join(rel)
}

async fn stored(dir: &Path) -> (Vec<Codebook>, Vec<Coding>) {
    let store = leernet_store::Store::connect(&format!(
        "sqlite://{}",
        dir.join("leernet.sqlite").display()
    ))
    .await
    .unwrap();
    let out = (
        store.codebooks().await.unwrap(),
        store.codings().await.unwrap(),
    );
    store.close().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_export_import_round_trip_and_bad_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir"])
        .arg(&dir)
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let a = tmp.path().join("a.qdpx");
    let b = tmp.path().join("b.qdpx");
    let qdc = tmp.path().join("demo.qdc");
    for (f, p) in [("qdpx", &a), ("qdpx", &b), ("qdc", &qdc)] {
        let o = leernet(
            &dir,
            &["export", "--format", f, "--out", p.to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "byte-stable"
    );
    // the coded project holds respondents' answers: each export is in the audit log (the
    // codebook alone is not personal data and is not)
    let o = leernet(&dir, &["audit", "list", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let exports: Vec<&serde_json::Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "coding.export")
        .collect();
    assert_eq!(exports.len(), 2, "{log}");
    let detail = exports[0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("format=qdpx codes=")
            && detail.contains(" coders=2")
            && detail.ends_with(" coder_emails=no"),
        "{detail}"
    );

    // Coders are named, not addressed: no coder's e-mail address anywhere in the project
    // unless the researcher asks for them (--coder-emails).
    let store = leernet_store::Store::connect(&format!(
        "sqlite://{}",
        dir.join("leernet.sqlite").display()
    ))
    .await
    .unwrap();
    let persons = store.persons().await.unwrap();
    store.close().await;
    let limits = leernet_qda::Limits::default();
    let (project, _) = leernet_qda::read_qdpx(&std::fs::read(&a).unwrap(), &limits).unwrap();
    let everything = format!("{project:?}");
    assert_eq!(project.users.len(), 2);
    for p in &persons {
        assert!(
            !everything.contains(p.email.as_str()),
            "the project names {}",
            p.id
        );
    }
    let c = tmp.path().join("c.qdpx");
    let o = leernet(
        &dir,
        &[
            "export",
            "--format",
            "qdpx",
            "--coder-emails",
            "--out",
            c.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (project, _) = leernet_qda::read_qdpx(&std::fs::read(&c).unwrap(), &limits).unwrap();
    assert!(project.users.iter().all(|u| persons
        .iter()
        .any(|p| u.id.as_deref() == Some(p.email.as_str()))));
    // and the audit log says that addresses left
    let o = leernet(&dir, &["audit", "list", "--json"]);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "coding.export"
            && e["detail"].as_str().unwrap().ends_with(" coder_emails=yes")));

    let (books, before) = stored(&dir).await;
    assert_eq!(books.len(), 1);

    // Bad files: exit 1, one sentence, nothing stored.
    let bad = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../leernet-qda/tests/corpus");
    for f in [
        "bad-not-a-zip.qdpx",
        "bad-xxe.qdpx",
        "bad-unknown-code.qdpx",
        "bad-climbs-out.qdpx",
    ] {
        let o = leernet(&dir, &["import", "qdpx", bad.join(f).to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{f}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{f}: {err}");
    }
    let o = leernet(&dir, &["import", "qdpx", "/no/such/file.qdpx"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stored(&dir).await.0.len(),
        1,
        "nothing stored by the bad imports"
    );

    // The export imports again into the same project and finds everything there: its codes
    // by the GUIDs leernet gives them, its codings by place, code and coder.
    let o = leernet(&dir, &["import", "qdpx", a.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!text.contains("Not carried over"), "{text}");
    assert_eq!(before.len(), 2878);
    assert!(
        text.contains(&format!(
            "Already present (not stored again): {} codes, 0 documents, 2878 codings on answers",
            books[0].codes.len()
        )),
        "{text}"
    );
    let (again, after) = stored(&dir).await;
    assert_eq!(again, books, "no codebook, code or version added");
    assert_eq!(after, before, "no coding added");

    // The codebook alone imports as a new codebook, every field of every code intact:
    // names, descriptions, criteria, examples, colour.
    let o = leernet(&dir, &["import", "codebook", qdc.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (books, _) = stored(&dir).await;
    assert_eq!(books.len(), 2);
    assert!(books[0]
        .codes
        .iter()
        .all(|c| c.colour.is_some() && !c.inclusion.nl.is_empty() && !c.examples.en.is_empty()));
    for (x, y) in books[0].codes.iter().zip(&books[1].codes) {
        assert_eq!(
            (&x.key, &x.name, &x.description),
            (&y.key, &y.name, &y.description)
        );
        assert_eq!(
            (&x.inclusion, &x.exclusion, &x.examples, &x.colour),
            (&y.inclusion, &y.exclusion, &y.examples, &y.colour),
            "{}",
            x.key
        );
    }
    // Other tools see the Dutch criteria as readable text, the colour as `color`, and the
    // origin names the codebook's version.
    let qdc_text = std::fs::read_to_string(&qdc).unwrap();
    assert!(
        qdc_text.contains("origin=\"leernet (codebook demo, version 1)\""),
        "{}",
        &qdc_text[..300]
    );
    assert!(qdc_text.contains("color=\"#0072b2\""));
    assert!(qdc_text.contains("Wel coderen als (inclusie):"));
    assert!(qdc_text.contains("[leernet] inclusion_en: "));

    // The shared samples import.
    let o = leernet(
        &dir,
        &[
            "import",
            "codebook",
            shared("samples/taguette-1.5.2/codebook.qdc")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = leernet(
        &dir,
        &[
            "import",
            "qdpx",
            shared("samples/nvivo-mac-15/nvivo_project.qdpx")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Not carried over"));
    assert_eq!(stored(&dir).await.0.len(), 4);
}
