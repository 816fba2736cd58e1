//! Whole projects from other tools (issue 20, item 5): a hand-written project by the
//! standard (`testdata/fixtures/refi-qda-own/other-tool.qdpx`: BOM, CRLF, emoji, braced
//! upper-case GUIDs, nested codes under folders, two coders, a memo, a note) is planned
//! into documents and codings on the same text, its folders stay folders, a source whose
//! text is an answer is matched to it, and the export of documents with their codings is
//! valid against `Project.xsd` and holds every coding on the same text.

use crate::common::{repo_root, validate};
use leernet_core::*;
use leernet_qda::*;
use std::collections::BTreeSet;

fn fixture() -> (QdaProject, Report) {
    let bytes = std::fs::read(repo_root().join("testdata/fixtures/refi-qda-own/other-tool.qdpx"))
        .expect("the fixture is in the repository");
    read_qdpx(&bytes, &Limits::default()).unwrap()
}

/// Every coding as (source name, selected text with CRLF as LF, code name, coder name, memo).
fn codings(p: &QdaProject) -> Vec<(String, String, String, String, String)> {
    let code = |g: &str| p.codes.iter().find(|c| c.guid == g).unwrap().name.clone();
    let user = |g: &Option<String>| {
        p.users
            .iter()
            .find(|u| Some(&u.guid) == g.as_ref())
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for s in &p.sources {
        for sel in &s.selections {
            let text = span_text(&s.text, sel.start, sel.end)
                .unwrap()
                .replace("\r\n", "\n");
            for c in &sel.codings {
                out.push((
                    s.name.clone(),
                    text.clone(),
                    code(&c.code),
                    user(&c.user),
                    sel.description.clone(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// A planned memo: title, text, code key, document, author's name.
type MemoRow<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<PlannedDocumentTarget>,
    Option<&'a str>,
);

fn answer(text: &str) -> Response {
    Response {
        id: ResponseId(7),
        wave: WaveId(1),
        network: NetworkId(1),
        respondent: "r7".into(),
        status: ResponseStatus::Submitted,
        answers: [("learned".to_owned(), text.to_owned())]
            .into_iter()
            .collect(),
    }
}

#[test]
fn another_tools_project_becomes_documents_codings_and_folders() {
    let (p, report) = fixture();
    assert_eq!(p.users.len(), 2);
    let original = codings(&p);
    assert_eq!(original.len(), 10);
    let plan = plan_project_import(
        &p,
        report,
        &[answer("Samen leren met bewoners.")],
        &[],
        &[],
        &[],
    )
    .unwrap();
    // The source with an answer's text is matched to the answer; the others are documents.
    assert_eq!(plan.codings.len(), 2, "{:?}", plan.report);
    assert!(plan.codings.iter().all(
        |c| c.segment.response == ResponseId(7) && (c.segment.start, c.segment.end) == (0, 11)
    ));
    let titles: Vec<&str> = plan.documents.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(titles, ["Interview Sanne", "Sessieverslag 3"]);
    assert!(plan
        .documents
        .iter()
        .all(|d| !d.text.contains('\r') && !d.text.starts_with('\u{feff}')));
    assert_eq!(plan.document_codings.len(), 8);
    // Every document coding lies on the same text as in the file.
    let mut got: Vec<(String, String)> = plan
        .document_codings
        .iter()
        .map(|c| {
            let PlannedDocumentTarget::New(i) = c.document else {
                panic!("new")
            };
            let d = &plan.documents[i];
            (
                d.title.clone(),
                span_text(&d.text, c.start, c.end).unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = original
        .iter()
        .filter(|c| c.0 != "Antwoord 1")
        .map(|c| (c.0.clone(), c.1.clone()))
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert!(got
        .iter()
        .any(|(_, t)| t
            == "We spraken over eigen kracht en samenwerking met de wijkteams.\nAfspraak"));
    // The folders stay folders; codes under them keep their parents.
    let folders: Vec<&str> = plan
        .codes
        .iter()
        .filter(|c| c.folder)
        .map(|c| c.name.nl.as_str())
        .collect();
    assert_eq!(folders, ["Thema's", "Overig 📁"]);
    let wijk = plan
        .codes
        .iter()
        .find(|c| c.name.nl == "Met wijkteams")
        .unwrap();
    assert_eq!(wijk.parent.as_deref(), Some("thema_s.samenwerking"));
    // The selection's memo is kept, and the notes become memos on the study, a code and a
    // document, by their authors.
    assert!(plan
        .document_codings
        .iter()
        .any(|c| c.memo == "Mooi citaat voor het rapport."));
    let memos: Vec<MemoRow> = plan
        .memos
        .iter()
        .map(|m| {
            (
                m.title.as_str(),
                m.text.as_str(),
                m.code.as_deref(),
                m.document,
                m.author.map(|a| plan.coders[a].name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        memos,
        [
            (
                "Memo bij de analyse",
                "Eigen kracht komt in beide bronnen terug.",
                None,
                None,
                Some("Fenna")
            ),
            (
                "Over eigen kracht",
                "Let op: eigen kracht 💪 is\ngeen verwijt.",
                Some("thema_s.eigen_kracht"),
                None,
                Some("Joris")
            ),
            (
                "Bij het verslag",
                "Verslag door de facilitator.",
                None,
                Some(PlannedDocumentTarget::New(1)),
                None
            ),
        ]
    );
    assert!(
        !plan
            .report
            .not_carried_over
            .iter()
            .any(|l| l.contains("notes")),
        "{:?}",
        plan.report
    );
    assert!(
        !plan
            .report
            .not_carried_over
            .iter()
            .any(|l| l.contains("codings were not carried over")),
        "{:?}",
        plan.report
    );
}

#[test]
fn documents_export_valid_and_round_trip_on_the_same_text() {
    let (p, report) = fixture();
    let original = codings(&p);
    let plan = plan_project_import(&p, report, &[], &[], &[], &[]).unwrap();
    assert_eq!(
        plan.documents.len(),
        3,
        "no answers: every source is a document"
    );
    // What the store would hold, as domain types.
    let codes: Vec<Code> =
        plan.codes
            .iter()
            .enumerate()
            .map(|(i, c)| Code {
                id: CodeId(i as i64 + 1),
                key: c.key.clone(),
                parent: c.parent.as_ref().map(|k| {
                    CodeId(plan.codes.iter().position(|x| &x.key == k).unwrap() as i64 + 1)
                }),
                name: c.name.clone(),
                description: c.description.clone(),
                inclusion: c.inclusion.clone(),
                exclusion: c.exclusion.clone(),
                examples: c.examples.clone(),
                colour: c.colour.clone(),
            })
            .collect();
    let folders: BTreeSet<CodeId> = plan
        .codes
        .iter()
        .zip(&codes)
        .filter(|(p, _)| p.folder)
        .map(|(_, c)| c.id)
        .collect();
    let persons: Vec<Person> = plan
        .coders
        .iter()
        .enumerate()
        .map(|(i, c)| Person {
            id: PersonId(i as i64 + 1),
            email: Email::parse(&format!("coder{i}@example.org")).unwrap(),
            name: c.name.clone(),
            role: Role::Researcher,
            networks: vec![],
        })
        .collect();
    let documents: Vec<Document> = plan
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| Document {
            info: DocumentInfo {
                id: DocumentId(i as i64 + 1),
                title: d.title.clone(),
                kind: d.kind,
                network: None,
                workplace: None,
                wave: None,
                date: None,
                file_name: "other-tool.qdpx".into(),
                chars: d.text.chars().count(),
            },
            text: d.text.clone(),
            turns: vec![],
        })
        .collect();
    let document_codings: Vec<DocumentCoding> = plan
        .document_codings
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let PlannedDocumentTarget::New(d) = c.document else {
                panic!("new")
            };
            DocumentCoding {
                id: DocumentCodingId(i as i64 + 1),
                span: DocumentSpan {
                    document: DocumentId(d as i64 + 1),
                    start: c.start,
                    end: c.end,
                },
                code: codes.iter().find(|k| k.key == c.code).unwrap().id,
                coder: PersonId(c.coder as i64 + 1),
                memo: c.memo.clone(),
            }
        })
        .collect();
    let memos: Vec<Memo> = plan
        .memos
        .iter()
        .enumerate()
        .map(|(i, m)| Memo {
            id: MemoId(i as i64 + 1),
            title: m.title.clone(),
            text: m.text.clone(),
            author: m.author.map(|a| PersonId(a as i64 + 1)),
            code: m
                .code
                .as_ref()
                .map(|k| codes.iter().find(|c| &c.key == k).unwrap().id),
            document: m.document.map(|d| {
                let PlannedDocumentTarget::New(d) = d else {
                    panic!("new")
                };
                DocumentId(d as i64 + 1)
            }),
        })
        .collect();
    let book = Codebook {
        id: CodebookId(1),
        name: "ander".into(),
        version: 1,
        codes,
    };
    let out = export_project(&ExportInput {
        name: "Terug",
        codebooks: std::slice::from_ref(&book),
        codings: &[],
        responses: &[],
        persons: &persons,
        networks: &[],
        waves: &[],
        open_questions: &BTreeSet::new(),
        coders: CoderNames::Names,
        documents: &documents,
        document_codings: &document_codings,
        folders: &folders,
        memos: &memos,
    })
    .unwrap();
    let qde = write_qde(&out).unwrap();
    validate(qde.as_bytes(), "Project.xsd", "project.qde").unwrap();
    validate(qde.as_bytes(), "Project-mrt2019.xsd", "project.qde").unwrap();
    assert_eq!(
        out.codes.iter().filter(|c| !c.codable).count(),
        2,
        "folders stay folders"
    );
    // Read back: every coding on the same text, by the same coder, with its memo.
    let (back, _) = read_qdpx(&write_qdpx(&out).unwrap(), &Limits::default()).unwrap();
    assert_eq!(codings(&back), original);
    assert_eq!(notes(&back), notes(&p));
}

/// Every note as (name, text with CRLF as LF, the name of the code or source it is on, author).
fn notes(p: &QdaProject) -> Vec<(String, String, String, String)> {
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
