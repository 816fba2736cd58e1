//! `leernet import qdpx` and `leernet export --format qdpx` with whole projects, on every
//! back end: a project made by another tool (`testdata/fixtures/refi-qda-own/`) imported into
//! a fresh project and exported again holds every coding on the same text, by the same
//! coders, with folders as folders; importing the export into the same project finds its
//! codes, documents, codings and memos again instead of storing them twice; the NVivo sample
//! keeps its sources.

use leernet_store::testing::{test_backends, TestDb};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn leernet(args: &[&str], db: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(args)
        .env("LEERNET_DATABASE_URL", db)
        .output()
        .expect("run leernet")
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every coding as (source, text with CRLF as LF, code, code is codable, coder, memo).
fn codings(file: &Path) -> Vec<(String, String, String, String, String)> {
    let (p, _) = leernet_qda::read_qdpx(
        &std::fs::read(file).unwrap(),
        &leernet_qda::Limits::default(),
    )
    .unwrap();
    let mut out = Vec::new();
    for src in &p.sources {
        for sel in &src.selections {
            let text = leernet_core::span_text(&src.text, sel.start, sel.end)
                .unwrap()
                .replace("\r\n", "\n");
            for c in &sel.codings {
                let code = p.codes.iter().find(|k| k.guid == c.code).unwrap();
                let user = p
                    .users
                    .iter()
                    .find(|u| Some(&u.guid) == c.user.as_ref())
                    .unwrap();
                out.push((
                    src.name.clone(),
                    text.clone(),
                    code.name.clone(),
                    user.name.clone(),
                    sel.description.clone(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Every note as (name, text with CRLF as LF, what it is on, author).
fn notes(file: &Path) -> Vec<(String, String, String, String)> {
    let (p, _) = leernet_qda::read_qdpx(
        &std::fs::read(file).unwrap(),
        &leernet_qda::Limits::default(),
    )
    .unwrap();
    let mut out: Vec<_> = p
        .notes
        .iter()
        .map(|n| {
            let on = n
                .code
                .as_ref()
                .map(|c| p.codes.iter().find(|k| &k.guid == c).unwrap().name.clone())
                .or_else(|| {
                    n.source.as_ref().map(|s| {
                        p.sources
                            .iter()
                            .find(|x| &x.guid == s)
                            .unwrap()
                            .name
                            .clone()
                    })
                })
                .unwrap_or_default();
            let user = p
                .users
                .iter()
                .find(|u| Some(&u.guid) == n.user.as_ref())
                .map(|u| u.name.clone())
                .unwrap_or_default();
            (n.name.clone(), n.text.replace("\r\n", "\n"), on, user)
        })
        .collect();
    out.sort();
    assert_eq!(out.len(), 3);
    out
}

fn folders(file: &Path) -> Vec<String> {
    let (p, _) = leernet_qda::read_qdpx(
        &std::fs::read(file).unwrap(),
        &leernet_qda::Limits::default(),
    )
    .unwrap();
    p.codes
        .iter()
        .filter(|c| !c.codable)
        .map(|c| c.name.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tools_project_round_trips_on_every_back_end() {
    let other = root().join("testdata/fixtures/refi-qda-own/other-tool.qdpx");
    let nvivo = root().join("testdata/standards/refi-qda/samples/nvivo-mac-15/nvivo_project.qdpx");
    for backend in test_backends() {
        let tmp = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend).await;
        let dir = tmp.path().join("study");
        ok(leernet(&["init", s(&dir)], &db.url));
        let p = ["--project", s(&dir)];
        let out = ok(leernet(
            &[&p[..], &["import", "qdpx", s(&other)]].concat(),
            &db.url,
        ));
        assert!(
            out.contains("10 on 3 documents (3 new) by 2 coders"),
            "{out}"
        );
        assert!(
            out.contains("by 2 coders (2 added as researchers), 3 memos."),
            "{out}"
        );
        assert!(!out.contains("Not carried over"), "{out}");
        let back = tmp.path().join("back.qdpx");
        ok(leernet(
            &[&p[..], &["export", "--format", "qdpx", "--out", s(&back)]].concat(),
            &db.url,
        ));
        assert_eq!(
            codings(&back),
            codings(&other),
            "{backend:?}: every coding on the same text"
        );
        assert_eq!(folders(&back), ["Thema's", "Overig 📁"]);
        assert_eq!(
            notes(&back),
            notes(&other),
            "{backend:?}: every memo, on its code or document"
        );

        // Into the same project again: the documents are found, not stored twice.
        let out = ok(leernet(
            &[&p[..], &["import", "qdpx", s(&back)]].concat(),
            &db.url,
        ));
        assert!(
            out.contains("0 on 3 documents (0 new) by 2 coders (0 added as researchers), 0 memos."),
            "{out}"
        );
        assert!(
            out.contains(
                "Already present (not stored again): 6 codes, 3 documents, 0 codings on answers, 10 on documents, 3 memos, 0 cases."
            ),
            "{out}"
        );
        let store = db.store().await;
        assert_eq!(store.documents().await.unwrap().len(), 3);
        assert_eq!(store.document_codings(None).await.unwrap().len(), 10);
        assert_eq!(store.memos().await.unwrap().len(), 3);
        assert_eq!(store.codebooks().await.unwrap().len(), 1);
        store.close().await;

        // The NVivo sample: its two (empty) sources are kept and exported again.
        let dir = tmp.path().join("nvivo");
        let db2 = TestDb::new(backend).await;
        ok(leernet(&["init", s(&dir)], &db2.url));
        let p = ["--project", s(&dir)];
        ok(leernet(
            &[&p[..], &["import", "qdpx", s(&nvivo)]].concat(),
            &db2.url,
        ));
        let back = tmp.path().join("nvivo-back.qdpx");
        ok(leernet(
            &[&p[..], &["export", "--format", "qdpx", "--out", s(&back)]].concat(),
            &db2.url,
        ));
        let (orig, _) =
            leernet_qda::read_qdpx(&std::fs::read(&nvivo).unwrap(), &Default::default()).unwrap();
        let (again, _) =
            leernet_qda::read_qdpx(&std::fs::read(&back).unwrap(), &Default::default()).unwrap();
        let names = |p: &leernet_qda::QdaProject| {
            p.sources.iter().map(|s| s.name.clone()).collect::<Vec<_>>()
        };
        assert_eq!(names(&again), names(&orig));
        assert_eq!(again.codes.len(), orig.codes.len());
        db2.drop_database().await;
        db.drop_database().await;
    }
}
