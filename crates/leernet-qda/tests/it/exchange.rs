//! REFI-QDA export and import on the demo study, the shared samples, and lenient variants.

use crate::common;

use common::{demo, refi_dir, validate, Demo};
use leernet_qda::*;
use std::collections::BTreeSet;
use std::io::Write;

fn open_questions() -> BTreeSet<String> {
    [
        "rationale_text",
        "agenda_how",
        "themes_other",
        "slow_questions_examples",
        "local_how",
        "outcomes",
        "tips",
        "learned",
        "practice_change",
        "slow_question",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn export(d: &Demo, open: &BTreeSet<String>) -> QdaProject {
    export_project(&ExportInput {
        name: "Demo (fictional)",
        codebooks: std::slice::from_ref(&d.codebook),
        codings: &d.codings,
        responses: &d.responses,
        persons: &d.persons,
        networks: &d.networks,
        waves: &d.waves,
        open_questions: open,
        coders: CoderNames::Names,
        documents: &[],
        document_codings: &[],
        folders: &Default::default(),
        memos: &[],
    })
    .unwrap()
}

#[test]
fn demo_export_validates_against_the_xsds_and_is_byte_stable() {
    let d = demo();
    let open = open_questions();
    let p = export(&d, &open);
    assert_eq!(p.users.len(), 2, "the two coders");
    assert!(p.sources.len() >= 500, "{} sources", p.sources.len());
    let qde = write_qde(&p).unwrap();
    validate(qde.as_bytes(), "Project.xsd", "project.qde").unwrap();
    validate(qde.as_bytes(), "Project-mrt2019.xsd", "project.qde").unwrap();
    let qdc = write_qdc(&p).unwrap();
    validate(&qdc, "Codebook.xsd", "codebook.qdc").unwrap();
    assert_eq!(
        write_qdpx(&p).unwrap(),
        write_qdpx(&export(&d, &open)).unwrap()
    );
    // The archive is laid out as the notes require.
    let bytes = write_qdpx(&p).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let names: Vec<String> = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().to_owned())
        .collect();
    assert_eq!(names[0], "project.qde");
    assert!(names[1..]
        .iter()
        .all(|n| n.starts_with("sources/") && n.ends_with(".txt")));
    let mut first = String::new();
    std::io::Read::read_to_string(&mut z.by_name(&names[1]).unwrap(), &mut first).unwrap();
    assert!(!first.starts_with('\u{feff}'));
    assert!(qde.contains("plainTextPath=\"internal://"));
    println!(
        "demo export: {} sources, {} codes, {} bytes",
        p.sources.len(),
        p.codes.len(),
        bytes.len()
    );
}

#[test]
fn demo_round_trip_is_the_same_coding_by_coding() {
    let d = demo();
    let p = export(&d, &open_questions());
    let bytes = write_qdpx(&p).unwrap();
    let (read, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(read, p, "the model reads back as written");
    // Its cases are the demo's networks: nothing of them needs keeping.
    assert_eq!(read.cases.len(), d.networks.len());
    let plan = plan_project_import_in(
        &read,
        report,
        &ImportContext {
            responses: &d.responses,
            persons: &d.persons,
            waves: &d.waves,
            networks: &d.networks,
            ..ImportContext::default()
        },
    )
    .unwrap();
    assert!(plan.report.is_clean(), "{:?}", plan.report);
    assert!(plan.cases.is_empty());
    // Codes: same keys, parents, names and descriptions in both languages.
    let key_of = |id| {
        d.codebook
            .codes
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .key
            .clone()
    };
    let want_codes: Vec<PlannedCode> = d
        .codebook
        .codes
        .iter()
        .map(|c| PlannedCode {
            // the GUID leernet's export gives the code; the import keeps it
            guid: guid::stable("code", &format!("/{}", c.key)),
            existing: None,
            key: c.key.clone(),
            parent: c.parent.map(key_of),
            name: c.name.clone(),
            description: c.description.clone(),
            inclusion: c.inclusion.clone(),
            exclusion: c.exclusion.clone(),
            examples: c.examples.clone(),
            colour: c.colour.clone(),
            folder: false,
        })
        .collect();
    assert_eq!(plan.codes, want_codes);
    // Coders: the same persons.
    assert!(plan.coders.iter().all(|c| c.person.is_some()));
    // Codings: the same multiset of (segment, code, coder, memo).
    let mut want: Vec<_> = d
        .codings
        .iter()
        .map(|c| (c.segment.clone(), key_of(c.code), c.coder, c.memo.clone()))
        .collect();
    let mut got: Vec<_> = plan
        .codings
        .iter()
        .map(|c| {
            (
                c.segment.clone(),
                c.code.clone(),
                plan.coders[c.coder].person.unwrap(),
                c.memo.clone(),
            )
        })
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got.len(), d.codings.len());
    assert_eq!(got, want);
}

fn qdpx(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    for (n, b) in entries {
        z.start_file(*n, o).unwrap();
        z.write_all(b).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn sample_hand_authored_imports_with_losses_reported() {
    let dir = refi_dir().join("samples/hand-authored");
    let qde = std::fs::read(dir.join("project.qde")).unwrap();
    let txt = std::fs::read(dir.join("sources/11111111-1111-1111-1111-111111111111.txt")).unwrap();
    let bytes = qdpx(&[
        ("project.qde", &qde),
        ("sources/11111111-1111-1111-1111-111111111111.txt", &txt),
    ]);
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    println!("hand-authored: {report:#?}");
    assert_eq!(p.name, "Sample Study");
    assert_eq!(p.codes.len(), 4);
    assert!(!p.codes[0].codable);
    assert_eq!(p.codes[2].parent.as_deref(), Some(p.codes[1].guid.as_str()));
    assert_eq!(p.codes[1].color.as_deref(), Some("#33cc33"));
    // The text source, and the PDF source through its text representation (issue 20).
    assert_eq!(p.sources.len(), 2);
    let s = &p.sources[0];
    assert_eq!(
        s.text,
        "Diet and health are closely linked in this interview."
    );
    assert_eq!(p.sources[1].name, "doc.pdf");
    assert_eq!(
        p.sources[1].text,
        "Notes about diet and health from the document."
    );
    assert_eq!(
        (s.selections[1].start, s.selections[1].end),
        (9, 23),
        "names need not equal the text"
    );
    let lost = report.not_carried_over.join("\n");
    for what in [
        "PictureSources",
        "selections by area of a PDF page",
        "AudioSources",
        "VideoSources",
        "notes",
        "links",
        "sets",
        "graphs",
        "links of cases to codes or selections",
    ] {
        assert!(lost.contains(what), "{what} missing from {lost}");
    }
    let d = demo();
    let plan = plan_import(&p, report, &d.responses, &d.persons, &d.waves).unwrap();
    assert_eq!(plan.codes.len(), 4);
    assert_eq!(plan.codes[2].key, "topics.health.diet");
    assert!(plan.codings.is_empty());
    // Its text source matches no answer: it becomes a document with its codings (issue 20;
    // before, the source and its 2 codings were reported as not carried over).
    assert_eq!(plan.documents.len(), 2);
    assert_eq!(
        plan.documents[0].text,
        "Diet and health are closely linked in this interview."
    );
    assert_eq!(
        plan.documents[1].text,
        "Notes about diet and health from the document."
    );
    assert_eq!(plan.document_codings.len(), 2);
    // Its case is kept with its typed values and its source (the first document).
    assert_eq!(plan.cases.len(), 1);
    assert_eq!(plan.cases[0].name, "Participant 1");
    assert_eq!(
        plan.cases[0].values,
        [
            ("Age".to_owned(), "34".to_owned()),
            ("Consented".to_owned(), "true".to_owned())
        ]
    );
    assert_eq!(plan.cases[0].documents, [PlannedDocumentTarget::New(0)]);
    let kinds: Vec<(&str, VariableKind)> = plan
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Age", VariableKind::Integer),
            ("Consented", VariableKind::Boolean)
        ]
    );
    assert!(!plan
        .report
        .not_carried_over
        .iter()
        .any(|l| l.contains("Interview 1.txt")));
    // Colours from other tools are kept (leernet stores them as #RRGGBB).
    assert!(!plan
        .report
        .not_carried_over
        .iter()
        .any(|l| l.contains("colours")));
    assert_eq!(
        plan.codes[1].colour.as_ref().map(|c| c.as_str()),
        Some("#33CC33")
    );
    // A Description another tool wrote stays whole: no sections are read out of it.
    assert!(plan.codes.iter().all(|c| c.inclusion.nl.is_empty()));
}

#[test]
fn sample_nvivo_mac_imports() {
    let bytes = std::fs::read(refi_dir().join("samples/nvivo-mac-15/nvivo_project.qdpx")).unwrap();
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    println!(
        "nvivo: {} codes, {} sources; {report:#?}",
        p.codes.len(),
        p.sources.len()
    );
    assert_eq!(p.origin.as_deref(), Some("NVivo for Mac 15.0.0"));
    assert_eq!(p.users.len(), 2);
    assert!(p.codes.len() > 40);
    assert_eq!(p.sources.len(), 2);
    assert!(report
        .not_carried_over
        .iter()
        .any(|l| l.contains("rich-text")));
    let d = demo();
    let plan = plan_import(&p, report, &d.responses, &d.persons, &d.waves).unwrap();
    let keys: BTreeSet<_> = plan.codes.iter().map(|c| c.key.clone()).collect();
    assert_eq!(keys.len(), plan.codes.len(), "keys are unique");
    assert!(keys.contains("rq1_definition.competencies.programming"));
}

#[test]
fn sample_taguette_codebook_imports_although_schema_invalid() {
    let bytes = std::fs::read(refi_dir().join("samples/taguette-1.5.2/codebook.qdc")).unwrap();
    assert!(
        validate(&bytes, "Codebook.xsd", "taguette.qdc").is_err() || common::xmllint().is_none()
    );
    let (p, report) = read_qdc(&bytes, &Limits::default()).unwrap();
    println!("taguette: {report:#?}");
    let names: Vec<_> = p.codes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["interesting", "support.emotional"]);
    assert_eq!(p.codes[0].guid, "0d62985d-b147-5d01-a9b5-cae5dcd98342");
    assert!(report.converted.iter().any(|l| l.contains("GUIDs")));
    let plan = plan_import(&p, report, &[], &[], &[]).unwrap();
    assert_eq!(plan.codes[1].key, "support_emotional");
}

/// A project as another tool might write it: every lenient case at once.
#[test]
fn lenient_variants_are_read_and_reported() {
    let text = "Café 😀 buurt\r\nsamenwerking hier";
    // "samenwerking" is code points 14..26: UTF-16 15..27, UTF-8 18..30, CRLF-as-one 13..25.
    let qde = String::from(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>
<Project xmlns=\"urn:QDA-XML:project:1:0\" name=\"Vendor\" origin=\"Some Tool\">
 <Users><User guid=\"{AAAAAAAA-0000-4000-8000-000000000001}\" name=\"Ann\"/></Users>
 <CodeBook><Codes>
  <Code guid=\"{C0000000-0000-4000-8000-000000000001}\" name=\"Samen werken\" color=\"rgb(10,20,30)\"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid=\"50000000-0000-4000-8000-000000000001\" name=\"R1\" plainTextPath=\"internal://50000000-0000-4000-8000-000000000001.txt\">
   <PlainTextSelection guid=\"51000000-0000-4000-8000-000000000001\" name=\"samenwerking\" startPosition=\"15\" endPosition=\"27\">
    <Coding guid=\"52000000-0000-4000-8000-000000000001\" creatingUser=\"aaaaaaaa-0000-4000-8000-000000000001\"><CodeRef targetGUID=\"C0000000-0000-4000-8000-000000000001\"/></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>"
    );
    let mut txt = vec![0xEF, 0xBB, 0xBF];
    txt.extend_from_slice(text.as_bytes());
    let bytes = qdpx(&[
        ("My Project.qde", qde.as_bytes()),
        ("Sources/50000000-0000-4000-8000-000000000001.txt", &txt),
    ]);
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    let all = report.converted.join("\n");
    println!("{all}");
    for what in [
        "namespace",
        "GUIDs",
        "isCodable",
        "UTF-16",
        "byte order mark",
        "My Project.qde",
        "Sources",
        "colours",
    ] {
        assert!(all.contains(what), "{what} not reported in:\n{all}");
    }
    let s = &p.sources[0];
    assert_eq!(s.text, text);
    let sel = &s.selections[0];
    assert_eq!((sel.start, sel.end), (14, 26));
    assert_eq!(p.codes[0].color.as_deref(), Some("#0a141e"));
    assert_eq!(
        sel.codings[0].user.as_deref(),
        Some("aaaaaaaa-0000-4000-8000-000000000001")
    );

    // The same with UTF-8 byte offsets (Taguette).
    let qde8 = qde.replace(
        "startPosition=\"15\" endPosition=\"27\"",
        "startPosition=\"18\" endPosition=\"30\"",
    );
    let bytes = qdpx(&[
        ("project.qde", qde8.as_bytes()),
        (
            "sources/50000000-0000-4000-8000-000000000001.txt",
            text.as_bytes(),
        ),
    ]);
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    assert_eq!(
        (
            p.sources[0].selections[0].start,
            p.sources[0].selections[0].end
        ),
        (14, 26)
    );
    assert!(report.converted.iter().any(|l| l.contains("UTF-8 bytes")));

    // CRLF counted as one character (ATLAS.ti).
    let qde1 = qde.replace(
        "startPosition=\"15\" endPosition=\"27\"",
        "startPosition=\"13\" endPosition=\"25\"",
    );
    let bytes = qdpx(&[
        ("project.qde", qde1.as_bytes()),
        (
            "sources/50000000-0000-4000-8000-000000000001.txt",
            text.as_bytes(),
        ),
    ]);
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    assert_eq!(
        (
            p.sources[0].selections[0].start,
            p.sources[0].selections[0].end
        ),
        (14, 26)
    );
    assert!(report.converted.iter().any(|l| l.contains("CRLF")));

    // A project zipped with its folder, and its text file outside `sources/`.
    let qdef = qde0_for_folder(&qde);
    let bytes = qdpx(&[
        ("Export/project.qde", qdef.as_bytes()),
        (
            "Export/50000000-0000-4000-8000-000000000001.txt",
            text.as_bytes(),
        ),
    ]);
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    assert_eq!(p.sources[0].text, text);
    assert!(
        report.converted.iter().any(|l| l.contains("\"Export\"")),
        "{report:?}"
    );

    // A Latin-1 text file (not UTF-8) is read byte by byte, and reported.
    let latin = b"Caf\xe9 \xe9\xe9n samenwerking hier".to_vec();
    let qdel = qde.replace(
        "startPosition=\"15\" endPosition=\"27\"",
        "startPosition=\"9\" endPosition=\"21\"",
    );
    let bytes = qdpx(&[
        ("project.qde", qdel.as_bytes()),
        ("sources/50000000-0000-4000-8000-000000000001.txt", &latin),
    ]);
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    assert_eq!(p.sources[0].text, "Café één samenwerking hier");
    assert_eq!(p.sources[0].selections[0].start, 9);
    assert!(
        report.converted.iter().any(|l| l.contains("Latin-1")),
        "{report:?}"
    );

    // Plain code points need no conversion.
    let qde0 = qde.replace(
        "startPosition=\"15\" endPosition=\"27\"",
        "startPosition=\"14\" endPosition=\"26\"",
    );
    let bytes = qdpx(&[
        ("project.qde", qde0.as_bytes()),
        (
            "sources/50000000-0000-4000-8000-000000000001.txt",
            text.as_bytes(),
        ),
    ]);
    let (_, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    assert!(
        !report.converted.iter().any(|l| l.contains("positions")),
        "{report:?}"
    );
}

fn qde0_for_folder(qde: &str) -> String {
    qde.replace(
        "startPosition=\"15\" endPosition=\"27\"",
        "startPosition=\"14\" endPosition=\"26\"",
    )
}

/// A PDF source (issue 20) imports through its text representation: its plain-text
/// selections are codings of that text; selections by area of a page are reported lost.
#[test]
fn a_pdf_source_is_read_through_its_text_representation() {
    let text = "Beleidsnota 2026\n\nWe investeren in armoedebestrijding en 😀 samenwerking.";
    let qde = "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Pdf\">
 <Users><User guid=\"AAAAAAAA-0000-4000-8000-000000000001\" name=\"Ann\"/></Users>
 <CodeBook><Codes>
  <Code guid=\"C0000000-0000-4000-8000-000000000001\" name=\"Armoede\" isCodable=\"true\"/>
 </Codes></CodeBook>
 <Sources>
  <PDFSource guid=\"60000000-0000-4000-8000-000000000001\" name=\"Beleidsnota\" path=\"internal://60000000-0000-4000-8000-000000000001.pdf\">
   <PDFSelection guid=\"61000000-0000-4000-8000-000000000009\" page=\"1\" firstX=\"1\" firstY=\"1\" secondX=\"9\" secondY=\"9\">
    <Coding guid=\"62000000-0000-4000-8000-000000000009\"><CodeRef targetGUID=\"C0000000-0000-4000-8000-000000000001\"/></Coding>
   </PDFSelection>
   <Representation guid=\"63000000-0000-4000-8000-000000000001\" plainTextPath=\"internal://63000000-0000-4000-8000-000000000001.txt\">
    <PlainTextSelection guid=\"61000000-0000-4000-8000-000000000001\" startPosition=\"35\" endPosition=\"53\">
     <Coding guid=\"62000000-0000-4000-8000-000000000001\" creatingUser=\"AAAAAAAA-0000-4000-8000-000000000001\"><CodeRef targetGUID=\"C0000000-0000-4000-8000-000000000001\"/></Coding>
    </PlainTextSelection>
   </Representation>
  </PDFSource>
 </Sources>
</Project>";
    let bytes = qdpx(&[
        ("project.qde", qde.as_bytes()),
        (
            "Sources/60000000-0000-4000-8000-000000000001.pdf",
            b"%PDF-1.4 not read",
        ),
        (
            "Sources/63000000-0000-4000-8000-000000000001.txt",
            text.as_bytes(),
        ),
    ]);
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    assert_eq!(p.sources.len(), 1, "{report:?}");
    let s = &p.sources[0];
    assert_eq!(s.name, "Beleidsnota");
    assert_eq!(s.guid, "60000000-0000-4000-8000-000000000001");
    assert_eq!(s.text, text);
    assert_eq!(s.selections.len(), 1);
    let sel = &s.selections[0];
    assert_eq!(
        leernet_core::span_text(&s.text, sel.start, sel.end),
        Some("armoedebestrijding")
    );
    assert_eq!(sel.codings.len(), 1);
    assert!(
        report
            .converted
            .iter()
            .any(|c| c
                .contains("PDF source \"Beleidsnota\" was read through its text representation"))
    );
    let lost = report.not_carried_over.join("\n");
    assert!(
        lost.contains("1 selections by area of a PDF page"),
        "{lost}"
    );
    // Without a representation a PDF source is still reported as not carried over.
    let bare = qde.replace(
        &qde[qde.find("   <Representation").unwrap()..qde.find("  </PDFSource>").unwrap()],
        "",
    );
    let bytes = qdpx(&[("project.qde", bare.as_bytes())]);
    let (p, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    assert!(p.sources.is_empty());
    assert!(
        report.not_carried_over.join("\n").contains("PDFSources"),
        "{report:?}"
    );
}
