//! The done-when of issue 20, item 5, on every back end: a coded project made by another tool
//! (`testdata/fixtures/refi-qda-own/other-tool-cases.qdpx`: emoji, CRLF, BOM, braced
//! upper-case GUIDs, nested and non-codable codes, two coders, memos, cases and typed
//! variables) imported into a fresh project and exported again holds every coding on the same
//! text, its cases and variables come back, the export is valid against `Project.xsd`, and a
//! second import — of the file or of leernet's own export — changes nothing (the next export is
//! the same bytes). Into a project that already has the answer and the network the file names,
//! the answer is coded, the network's case takes the documents, and again nothing doubles.

use leernet_core::{NetworkId, ResponseStatus, Slug, WaveStatus};
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::{NewNetwork, NewResponse, NewWorkplace, Store};
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

fn read(file: &Path) -> leernet_qda::QdaProject {
    leernet_qda::read_qdpx(
        &std::fs::read(file).unwrap(),
        &leernet_qda::Limits::default(),
    )
    .unwrap()
    .0
}

/// A source's text as leernet keeps a document's: line endings as LF, nothing trailing.
fn text(t: &str) -> String {
    t.replace("\r\n", "\n").trim_end().to_owned()
}

/// Every coding as (its source's text, the coded text, code, coder, memo): the coded text
/// compared as a string, not only by its offsets.
fn codings(p: &leernet_qda::QdaProject) -> Vec<(String, String, String, String, String)> {
    let mut out = Vec::new();
    for src in &p.sources {
        for sel in &src.selections {
            let coded = text(leernet_core::span_text(&src.text, sel.start, sel.end).unwrap());
            for c in &sel.codings {
                let code = p.codes.iter().find(|k| k.guid == c.code).unwrap();
                let user = p
                    .users
                    .iter()
                    .find(|u| Some(&u.guid) == c.user.as_ref())
                    .unwrap();
                out.push((
                    text(&src.text),
                    coded.clone(),
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

/// (name, description, values without the network's own, texts of its sources).
type CaseRow = (String, String, Vec<(String, String)>, Vec<String>);

fn cases(p: &leernet_qda::QdaProject) -> Vec<CaseRow> {
    let mut out: Vec<CaseRow> = p
        .cases
        .iter()
        .map(|c| {
            let mut values: Vec<(String, String)> = c
                .variables
                .iter()
                .filter(|(n, _)| n != "workplace" && n != "region")
                .cloned()
                .collect();
            values.sort();
            let mut sources: Vec<String> = c
                .sources
                .iter()
                .map(|g| text(&p.sources.iter().find(|x| &x.guid == g).unwrap().text))
                .collect();
            sources.sort();
            (c.name.clone(), c.description.clone(), values, sources)
        })
        .collect();
    out.sort();
    out
}

/// Variables by name with their types, and values on sources as (source text, variable,
/// value).
type Variables = (
    Vec<(String, leernet_qda::VariableKind)>,
    Vec<(String, String, String)>,
);

/// Other tools' variables with their types, and their values on sources (by source text).
fn variables(p: &leernet_qda::QdaProject) -> Variables {
    let own = leernet_qda::convert::OWN_VARIABLES;
    let mut kinds: Vec<_> = p
        .variables
        .iter()
        .filter(|v| !own.contains(&v.name.as_str()))
        .map(|v| (v.name.clone(), v.kind))
        .collect();
    kinds.sort();
    let mut values: Vec<_> = p
        .sources
        .iter()
        .flat_map(|src| {
            src.variables
                .iter()
                .filter(|(n, _)| !own.contains(&n.as_str()))
                .map(|(n, v)| (text(&src.text), n.clone(), v.clone()))
        })
        .collect();
    values.sort();
    (kinds, values)
}

/// The export's `project.qde` is valid against the REFI-QDA schema (xmllint; under `CI` a
/// missing xmllint fails the test).
fn valid(file: &Path, dir: &Path) {
    let Some(bin) = leernet_testkit::tools::program(
        "xmllint (Debian package libxml2-utils; XSD validation)",
        &["xmllint"],
        "--version",
    ) else {
        return;
    };
    let mut z = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut qde = Vec::new();
    std::io::Read::read_to_end(&mut z.by_name("project.qde").unwrap(), &mut qde).unwrap();
    let path = dir.join("project.qde");
    std::fs::write(&path, qde).unwrap();
    let o = Command::new(bin)
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("testdata/standards/refi-qda/Project.xsd"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// What the store holds that an import writes, counted.
async fn counts(store: &Store) -> Vec<usize> {
    let kept = store.qda_kept().await.unwrap();
    let books = store.codebooks().await.unwrap();
    vec![
        books.len(),
        books.iter().map(|b| b.codes.len()).sum(),
        store.documents().await.unwrap().len(),
        store.document_codings(None).await.unwrap().len(),
        store.codings().await.unwrap().len(),
        store.memos().await.unwrap().len(),
        store.persons().await.unwrap().len(),
        kept.cases.len(),
        kept.variables.len(),
        kept.document_values.len(),
        kept.cases.iter().map(|c| c.values.len()).sum(),
        books.iter().map(|b| b.version as usize).sum(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tools_project_with_cases_round_trips_and_imports_once_on_every_back_end() {
    let file = root().join("testdata/fixtures/refi-qda-own/other-tool-cases.qdpx");
    let original = read(&file);
    assert_eq!(codings(&original).len(), 10);
    assert_eq!(original.cases.len(), 3);
    for backend in test_backends() {
        let tmp = tempfile::tempdir().unwrap();

        // Into a fresh project.
        let db = TestDb::new(backend).await;
        let dir = tmp.path().join("fresh");
        ok(leernet(&["init", s(&dir)], &db.url));
        let p = ["--project", s(&dir)];
        let out = ok(leernet(
            &[&p[..], &["import", "qdpx", s(&file)]].concat(),
            &db.url,
        ));
        assert!(
            out.contains("10 on 3 documents (3 new) by 2 coders"),
            "{out}"
        );
        assert!(
            out.contains("Cases: 3 new, 7 variable values kept"),
            "{out}"
        );
        assert!(!out.contains("Not carried over"), "{out}");
        let back = tmp.path().join("back.qdpx");
        ok(leernet(
            &[&p[..], &["export", "--format", "qdpx", "--out", s(&back)]].concat(),
            &db.url,
        ));
        valid(&back, tmp.path());
        let exported = read(&back);
        assert_eq!(
            codings(&exported),
            codings(&original),
            "{backend:?}: every coding on the same text"
        );
        assert_eq!(cases(&exported), cases(&original), "{backend:?}: the cases");
        assert_eq!(
            variables(&exported),
            variables(&original),
            "{backend:?}: the variables, their types and values on sources"
        );

        // The same file again, and leernet's own export: nothing changes.
        let store = db.store().await;
        let before = counts(&store).await;
        let again = ok(leernet(
            &[&p[..], &["import", "qdpx", s(&file)]].concat(),
            &db.url,
        ));
        assert!(
            again.contains(
                "Already present (not stored again): 6 codes, 3 documents, 0 codings on answers, 10 on documents, 3 memos, 3 cases."
            ),
            "{again}"
        );
        assert!(again.contains("0 on 3 documents (0 new)"), "{again}");
        ok(leernet(
            &[&p[..], &["import", "qdpx", s(&back)]].concat(),
            &db.url,
        ));
        assert_eq!(counts(&store).await, before, "{backend:?}");
        let back2 = tmp.path().join("back2.qdpx");
        ok(leernet(
            &[&p[..], &["export", "--format", "qdpx", "--out", s(&back2)]].concat(),
            &db.url,
        ));
        assert_eq!(
            std::fs::read(&back2).unwrap(),
            std::fs::read(&back).unwrap(),
            "{backend:?}: the export after the second imports is the same"
        );
        store.close().await;
        db.drop_database().await;

        // Into a project that has the network and the answer the file names.
        let db = TestDb::new(backend).await;
        let dir = tmp.path().join("existing");
        ok(leernet(&["init", s(&dir)], &db.url));
        let store = db.store().await;
        let wp = store
            .add_workplace(&NewWorkplace {
                slug: Slug::parse("noord").unwrap(),
                name: "Werkplaats Noord".into(),
                region: "Noord".into(),
            })
            .await
            .unwrap();
        let net: NetworkId = store
            .add_network(&NewNetwork {
                slug: Slug::parse("wijkteam-noord").unwrap(),
                name: "Wijkteam Noord".into(),
                workplace: wp,
            })
            .await
            .unwrap();
        let workbook = std::fs::read(root().join("instruments/network.xlsx")).unwrap();
        let wave =
            leernet_store::testing::open_wave_with_invitations(&store, &workbook, "veld", 0).await;
        store
            .set_wave_status(wave, WaveStatus::Closed)
            .await
            .unwrap();
        store
            .add_responses(
                wave,
                &[NewResponse {
                    network: net,
                    respondent: "r1".into(),
                    status: ResponseStatus::Submitted,
                    answers: [("learned".to_owned(), "Samen leren met bewoners.".to_owned())]
                        .into_iter()
                        .collect(),
                }],
            )
            .await
            .unwrap();
        let p = ["--project", s(&dir)];
        let out = ok(leernet(
            &[&p[..], &["import", "qdpx", s(&file)]].concat(),
            &db.url,
        ));
        assert!(
            out.contains("2 codings on 1 answers and 8 on 2 documents (2 new)"),
            "{out}"
        );
        assert!(
            out.contains("Cases: 3 new, 7 variable values kept.")
                && out.contains("1 of them are networks of this study by name, and 2 of their documents that had no network now belong to it"),
            "{out}"
        );
        let docs = store.documents().await.unwrap();
        assert_eq!(docs.len(), 2);
        assert!(
            docs.iter().all(|d| d.network == Some(net)),
            "{backend:?}: the network's case took its documents"
        );
        let back = tmp.path().join("existing-back.qdpx");
        ok(leernet(
            &[&p[..], &["export", "--format", "qdpx", "--out", s(&back)]].concat(),
            &db.url,
        ));
        valid(&back, tmp.path());
        let exported = read(&back);
        assert_eq!(
            codings(&exported),
            codings(&original),
            "{backend:?}: every coding on the same text, on the answer too"
        );
        assert_eq!(cases(&exported), cases(&original), "{backend:?}: the cases");
        let noord = exported
            .cases
            .iter()
            .find(|c| c.name == "Wijkteam Noord")
            .unwrap();
        assert!(noord
            .variables
            .contains(&("workplace".to_owned(), "Werkplaats Noord".to_owned())));
        assert_eq!(
            noord.guid, "f1000000-0000-4000-8000-000000000001",
            "the network's case keeps the file's GUID"
        );
        let before = counts(&store).await;
        for f in [&file, &back] {
            let again = ok(leernet(
                &[&p[..], &["import", "qdpx", s(f)]].concat(),
                &db.url,
            ));
            assert!(
                again.contains("2 codings on answers, 8 on documents"),
                "{again}"
            );
        }
        assert_eq!(counts(&store).await, before, "{backend:?}");
        store.close().await;
        db.drop_database().await;
    }
}

/// A memo a researcher wrote on a code in leernet is exported as a REFI-QDA note tied to that
/// code (valid against `Project.xsd`), and, imported into a fresh project, is a memo on the
/// same code again, with its title, text and author.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_codes_memo_goes_out_as_a_note_and_comes_back_on_every_back_end() {
    for backend in test_backends() {
        let tmp = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend).await;
        let dir = tmp.path().join("own");
        ok(leernet(&["init", s(&dir)], &db.url));
        let store = db.store().await;
        let author = store
            .add_person(&leernet_store::NewPerson {
                email: leernet_core::Email::parse("lead@example.org").unwrap(),
                name: "Lea Leider".into(),
                role: leernet_core::Role::Researcher,
                networks: vec![],
                password_hash: None,
            })
            .await
            .unwrap();
        let code = |key: &str, parent: Option<&str>| leernet_store::NewCode {
            key: key.into(),
            parent: parent.map(str::to_owned),
            name: leernet_core::Bilingual {
                nl: format!("{key} 😀"),
                en: key.into(),
            },
            ..Default::default()
        };
        store
            .add_codebook("eigen", &[code("leren", None), code("taal", Some("leren"))])
            .await
            .unwrap();
        let taal = store.codebooks().await.unwrap()[0]
            .codes
            .iter()
            .find(|c| c.key == "taal")
            .unwrap()
            .id;
        store
            .add_memo(
                "Wat taal is",
                "Alles over elkaars taal spreken.\nOok in beeld 🖼.",
                Some(author),
                Some(taal),
                None,
            )
            .await
            .unwrap();
        store.close().await;

        let p = ["--project", s(&dir)];
        let out = tmp.path().join("out.qdpx");
        ok(leernet(
            &[&p[..], &["export", "--format", "qdpx", "--out", s(&out)]].concat(),
            &db.url,
        ));
        valid(&out, tmp.path());
        let project = read(&out);
        assert_eq!(project.notes.len(), 1, "{:?}", project.notes);
        let note = &project.notes[0];
        let on = project
            .codes
            .iter()
            .find(|c| Some(&c.guid) == note.code.as_ref())
            .expect("the note is tied to a code");
        assert_eq!(on.name, "taal 😀");
        assert_eq!(note.name, "Wat taal is");
        assert_eq!(
            text(&note.text),
            "Alles over elkaars taal spreken.\nOok in beeld 🖼."
        );

        // Into a fresh project: a memo on the same code again.
        let db2 = TestDb::new(backend).await;
        let dir2 = tmp.path().join("fresh");
        ok(leernet(&["init", s(&dir2)], &db2.url));
        let p2 = ["--project", s(&dir2)];
        let said = ok(leernet(
            &[&p2[..], &["import", "qdpx", s(&out)]].concat(),
            &db2.url,
        ));
        assert!(said.contains(", 1 memos."), "{said}");
        let store = db2.store().await;
        let memos = store.memos().await.unwrap();
        assert_eq!(memos.len(), 1);
        let books = store.codebooks().await.unwrap();
        let code = books
            .iter()
            .flat_map(|b| &b.codes)
            .find(|c| Some(c.id) == memos[0].code)
            .expect("the memo is on a code");
        assert_eq!(code.name.nl, "taal 😀");
        assert_eq!(memos[0].title, "Wat taal is");
        assert_eq!(
            memos[0].text,
            "Alles over elkaars taal spreken.\nOok in beeld 🖼."
        );
        let author = store
            .persons()
            .await
            .unwrap()
            .into_iter()
            .find(|x| Some(x.id) == memos[0].author)
            .expect("the memo has its author");
        assert_eq!(author.name, "Lea Leider");
        store.close().await;
        db.drop_database().await;
        db2.drop_database().await;
    }
}

/// A `.qdc` codebook of another tool imported a second time reuses the codebook the first
/// import made (its code GUIDs were kept), instead of making another one; on every back end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_codebook_imported_twice_is_one_codebook_on_every_back_end() {
    let qdc = root().join("testdata/standards/refi-qda/samples/taguette-1.5.2/codebook.qdc");
    for backend in test_backends() {
        let tmp = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend).await;
        let dir = tmp.path().join("cb");
        ok(leernet(&["init", s(&dir)], &db.url));
        let p = ["--project", s(&dir)];
        let first = ok(leernet(
            &[&p[..], &["import", "codebook", s(&qdc)]].concat(),
            &db.url,
        ));
        assert!(first.contains(" as \"codebook\": "), "{first}");
        let store = db.store().await;
        let books = store.codebooks().await.unwrap();
        store.close().await;
        assert_eq!(books.len(), 1);
        let n = books[0].codes.len();
        assert!(n > 0);
        let again = ok(leernet(
            &[&p[..], &["import", "codebook", s(&qdc)]].concat(),
            &db.url,
        ));
        assert!(
            again.contains(&format!(
                "into the codebook \"codebook\" that holds its codes already: 0 codes added, {n} present already."
            )),
            "{again}"
        );
        let store = db.store().await;
        assert_eq!(store.codebooks().await.unwrap(), books, "nothing added");
        store.close().await;
        db.drop_database().await;
    }
}
