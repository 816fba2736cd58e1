//! Cases and variables (issue 20, item 5): a project by another tool with cases, typed
//! variables and values on sources (`testdata/fixtures/refi-qda-own/other-tool-cases.qdpx`)
//! is read whole; a case named like a network is planned as that network's (its documents
//! without a network join it), every other case and value is kept with its type; the export
//! writes one case per network and the kept cases again, valid against `Project.xsd`, and
//! reading it back gives the same cases, values and types. Codes the project has already —
//! by a kept GUID or by the GUID leernet's export gives them — are not planned again.

use crate::common::{repo_root, validate};
use leernet_core::*;
use leernet_qda::*;
use std::collections::BTreeSet;

fn fixture() -> (QdaProject, Report) {
    let bytes =
        std::fs::read(repo_root().join("testdata/fixtures/refi-qda-own/other-tool-cases.qdpx"))
            .expect("the fixture is in the repository");
    read_qdpx(&bytes, &Limits::default()).unwrap()
}

/// Each case as (name, description, values sorted, names of its sources sorted).
type CaseRow = (String, String, Vec<(String, String)>, Vec<String>);

fn cases(p: &QdaProject) -> Vec<CaseRow> {
    let mut out: Vec<CaseRow> = p
        .cases
        .iter()
        .map(|c| {
            let mut values = c.variables.clone();
            values.sort();
            let mut sources: Vec<String> = c
                .sources
                .iter()
                .map(|g| {
                    p.sources
                        .iter()
                        .find(|s| &s.guid == g)
                        .unwrap()
                        .name
                        .clone()
                })
                .collect();
            sources.sort();
            (c.name.clone(), c.description.clone(), values, sources)
        })
        .collect();
    out.sort();
    out
}

fn network() -> Network {
    Network {
        id: NetworkId(4),
        slug: Slug::parse("wijkteam-noord").unwrap(),
        name: "Wijkteam Noord".into(),
        workplace: WorkplaceId(2),
    }
}

#[test]
fn variables_cases_and_values_are_read_with_their_types() {
    let (p, report) = fixture();
    let kinds: Vec<(&str, VariableKind)> = p
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Werkvorm", VariableKind::Text),
            ("Leeftijd", VariableKind::Integer),
            ("Lid sinds", VariableKind::Date),
            ("Actief", VariableKind::Boolean),
            ("Bijeenkomst", VariableKind::Integer),
            ("Plaats 📍", VariableKind::Text),
        ]
    );
    assert_eq!(p.variables[0].description, "Hoe het netwerk werkt.");
    let s = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        cases(&p),
        [
            (
                "".to_owned(),
                "".to_owned(),
                s(&[("Bijeenkomst", "3")]),
                vec!["Sessieverslag 3".to_owned()]
            ),
            (
                "Sanne".into(),
                "Deelnemer, geïnterviewd in maart.".into(),
                s(&[
                    ("Actief", "true"),
                    ("Leeftijd", "34"),
                    ("Lid sinds", "2021-03-01"),
                    ("Plaats 📍", "Zwolle 🚲"),
                ]),
                vec!["Interview Sanne".into()]
            ),
            (
                "Wijkteam Noord".into(),
                "".into(),
                s(&[("Werkvorm", "intervisie")]),
                vec![
                    "Antwoord 1".into(),
                    "Interview Sanne".into(),
                    "Sessieverslag 3".into()
                ]
            ),
        ]
    );
    let verslag = p
        .sources
        .iter()
        .find(|s| s.name == "Sessieverslag 3")
        .unwrap();
    assert_eq!(
        verslag.variables,
        [("Plaats 📍".to_owned(), "Buurthuis De Kern".to_owned())]
    );
    assert!(
        !report.not_carried_over.iter().any(|l| l.contains("cases")),
        "{report:?}"
    );
}

fn answer(text: &str) -> Response {
    Response {
        id: ResponseId(7),
        wave: WaveId(1),
        network: NetworkId(4),
        respondent: "r7".into(),
        status: ResponseStatus::Submitted,
        answers: [("learned".to_owned(), text.to_owned())]
            .into_iter()
            .collect(),
    }
}

#[test]
fn a_case_named_like_a_network_is_the_networks_and_the_others_are_kept() {
    let (p, report) = fixture();
    let networks = [network()];
    let responses = [answer("Samen leren met bewoners.")];
    let plan = plan_project_import_in(
        &p,
        report,
        &ImportContext {
            responses: &responses,
            networks: &networks,
            ..ImportContext::default()
        },
    )
    .unwrap();
    let titles: Vec<(&str, Option<&str>)> = plan
        .documents
        .iter()
        .map(|d| (d.title.as_str(), d.network.as_deref()))
        .collect();
    // Both documents join the network through its case; the answer is the network's already.
    assert_eq!(
        titles,
        [
            ("Interview Sanne", Some("wijkteam-noord")),
            ("Sessieverslag 3", Some("wijkteam-noord"))
        ]
    );
    let by_name = |n: &str| plan.cases.iter().find(|c| c.name == n).unwrap();
    let noord = by_name("Wijkteam Noord");
    assert_eq!(noord.network, Some(NetworkId(4)));
    assert!(
        noord.documents.is_empty() && noord.answers.is_empty(),
        "{noord:?}"
    );
    assert_eq!(
        noord.values,
        [("Werkvorm".to_owned(), "intervisie".to_owned())]
    );
    let sanne = by_name("Sanne");
    assert_eq!(sanne.network, None);
    assert_eq!(sanne.documents, [PlannedDocumentTarget::New(0)]);
    assert_eq!(sanne.values.len(), 4);
    assert_eq!(by_name("").documents, [PlannedDocumentTarget::New(1)]);
    assert_eq!(
        plan.document_values,
        [(
            PlannedDocumentTarget::New(1),
            "Plaats 📍".to_owned(),
            "Buurthuis De Kern".to_owned()
        )]
    );
    let kinds: BTreeSet<(&str, VariableKind)> = plan
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Werkvorm", VariableKind::Text),
            ("Leeftijd", VariableKind::Integer),
            ("Lid sinds", VariableKind::Date),
            ("Actief", VariableKind::Boolean),
            ("Bijeenkomst", VariableKind::Integer),
            ("Plaats 📍", VariableKind::Text),
        ]
        .into_iter()
        .collect()
    );
    assert!(
        plan.report.converted.iter().any(
            |l| l.contains("3 cases were carried over") && l.contains("1 of them are networks")
        ),
        "{:?}",
        plan.report
    );
    assert!(plan.report.not_carried_over.is_empty(), "{:?}", plan.report);

    // Without the network every case keeps all its sources.
    let (p, report) = fixture();
    let plan = plan_project_import_in(&p, report, &ImportContext::default()).unwrap();
    let noord = plan
        .cases
        .iter()
        .find(|c| c.name == "Wijkteam Noord")
        .unwrap();
    assert_eq!((noord.network, noord.documents.len()), (None, 3));
}

#[test]
fn a_value_its_type_does_not_accept_makes_the_variable_text() {
    let (mut p, report) = fixture();
    let sanne = p.cases.iter_mut().find(|c| c.name == "Sanne").unwrap();
    sanne.variables.retain(|(n, _)| n != "Leeftijd");
    sanne
        .variables
        .push(("Leeftijd".into(), "vierendertig".into()));
    let plan = plan_project_import_in(&p, report, &ImportContext::default()).unwrap();
    let leeftijd = plan
        .variables
        .iter()
        .find(|v| v.name == "Leeftijd")
        .unwrap();
    assert_eq!(leeftijd.kind, VariableKind::Text);
    assert!(plan
        .report
        .converted
        .iter()
        .any(|l| l.contains("\"Leeftijd\"") && l.contains("Integer")));
}

#[test]
fn kinds_accept_what_the_schema_accepts() {
    use VariableKind::*;
    for (k, ok, bad) in [
        (
            Boolean,
            &["true", "false", "1", "0"][..],
            &["ja", "True", ""][..],
        ),
        (
            Integer,
            &["34", "-2", "+7", "007"][..],
            &["3.5", "", "1e3", "٣"][..],
        ),
        (
            Float,
            &["3.5", "-0.25", ".5", "5.", "12"][..],
            &[".", "1e3", "3,5"][..],
        ),
        (
            Date,
            &["2021-03-01", "2024-02-29"][..],
            &["2021-02-29", "2021-13-01", "01-03-2021", "2021-3-1"][..],
        ),
        (
            DateTime,
            &[
                "2021-03-01T10:15:00",
                "2021-03-01T10:15:00.5Z",
                "2021-03-01T10:15:00+01:00",
            ][..],
            &["2021-03-01", "2021-03-01T25:00:00", "2021-03-01 10:15:00"][..],
        ),
    ] {
        for v in ok {
            assert!(k.accepts(v), "{k:?} {v:?}");
        }
        for v in bad {
            assert!(!k.accepts(v), "{k:?} {v:?}");
        }
    }
    assert!(Text.accepts(""));
    assert_eq!(VariableKind::parse(" datetime "), Some(DateTime));
    assert_eq!(VariableKind::parse("Number"), None);
}

/// Export: one case per network with its Werkplaats, region and sources (with the GUID of
/// the network's kept case), the other kept cases as they came; valid; read back the same.
#[test]
fn export_writes_network_cases_and_kept_cases_valid_and_readable() {
    let net = network();
    let workplace = Workplace {
        id: WorkplaceId(2),
        slug: Slug::parse("noord").unwrap(),
        name: "Werkplaats Noord".into(),
        region: "Noord-Nederland".into(),
    };
    let doc = |id: i64, title: &str, network: Option<NetworkId>| Document {
        info: DocumentInfo {
            id: DocumentId(id),
            title: title.into(),
            kind: DocumentKind::Interview,
            network,
            workplace: None,
            wave: None,
            date: None,
            file_name: "x.txt".into(),
            chars: 5,
        },
        text: format!("tekst {id}"),
        turns: vec![],
    };
    let documents = [
        doc(1, "Interview Sanne", Some(net.id)),
        doc(2, "Los verslag", None),
    ];
    let variables = [
        QdaVariable {
            name: "Leeftijd".into(),
            kind: VariableKind::Integer,
            description: "In jaren.".into(),
        },
        QdaVariable::text("Werkvorm"),
        QdaVariable {
            name: "Bijeenkomst".into(),
            kind: VariableKind::Integer,
            description: String::new(),
        },
    ];
    let kept = [
        KeptCase {
            guid: "f1000000-0000-4000-8000-000000000001".into(),
            name: "Wijkteam Noord".into(),
            description: String::new(),
            network: Some(net.id),
            values: vec![("Werkvorm".into(), "intervisie".into())],
            documents: vec![DocumentId(2)],
            answers: vec![],
        },
        KeptCase {
            guid: "f1000000-0000-4000-8000-000000000002".into(),
            name: "Sanne".into(),
            description: "Deelnemer.".into(),
            network: None,
            values: vec![("Leeftijd".into(), "34".into())],
            documents: vec![DocumentId(1)],
            answers: vec![],
        },
    ];
    let document_values = [(DocumentId(2), "Bijeenkomst".to_owned(), "3".to_owned())];
    let input = ExportInput {
        name: "Cases",
        codebooks: &[],
        codings: &[],
        responses: &[],
        persons: &[],
        networks: std::slice::from_ref(&net),
        waves: &[],
        open_questions: &BTreeSet::new(),
        coders: CoderNames::Names,
        documents: &documents,
        document_codings: &[],
        folders: &BTreeSet::new(),
        memos: &[],
    };
    let out = export_project_with(
        &input,
        &ExportExtras {
            workplaces: std::slice::from_ref(&workplace),
            variables: &variables,
            cases: &kept,
            document_values: &document_values,
        },
    )
    .unwrap();
    let qde = write_qde(&out).unwrap();
    validate(qde.as_bytes(), "Project.xsd", "project.qde").unwrap();
    assert!(qde.contains("<IntegerValue>34</IntegerValue>"), "{qde}");
    let (back, _) = read_qdpx(&write_qdpx(&out).unwrap(), &Limits::default()).unwrap();
    let s = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        cases(&back),
        [
            (
                "Sanne".to_owned(),
                "Deelnemer.".to_owned(),
                s(&[("Leeftijd", "34")]),
                vec!["Interview Sanne".to_owned()]
            ),
            (
                "Wijkteam Noord".into(),
                "".into(),
                s(&[
                    ("Werkvorm", "intervisie"),
                    ("region", "Noord-Nederland"),
                    ("workplace", "Werkplaats Noord"),
                ]),
                vec!["Interview Sanne".into(), "Los verslag".into()]
            ),
        ]
    );
    // The network's case keeps the GUID it came with.
    assert!(back
        .cases
        .iter()
        .any(|c| c.guid == "f1000000-0000-4000-8000-000000000001"));
    let kind = |n: &str| back.variables.iter().find(|v| v.name == n).unwrap().kind;
    assert_eq!(
        (kind("Leeftijd"), kind("Bijeenkomst"), kind("workplace")),
        (
            VariableKind::Integer,
            VariableKind::Integer,
            VariableKind::Text
        )
    );
    let los = back
        .sources
        .iter()
        .find(|s| s.name == "Los verslag")
        .unwrap();
    assert!(los
        .variables
        .contains(&("Bijeenkomst".to_owned(), "3".to_owned())));
    // A network without sources or a kept case gets no case.
    let none = export_project_with(
        &ExportInput {
            documents: &[],
            ..input
        },
        &ExportExtras::default(),
    )
    .unwrap();
    assert!(none.cases.is_empty());
}

/// Codes the project has are not planned again: by the GUID kept from an earlier import,
/// and by the GUID leernet's own export gives a code.
#[test]
fn codes_the_project_has_are_found_by_their_guids() {
    let (p, report) = fixture();
    let first = plan_project_import_in(&p, report.clone(), &ImportContext::default()).unwrap();
    assert!(first.codebook.is_none());
    assert!(first.codes.iter().all(|c| c.existing.is_none()));
    // As the store would hold them after the first import.
    let codes: Vec<Code> = first
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| Code {
            id: CodeId(i as i64 + 10),
            key: c.key.clone(),
            parent: None,
            name: c.name.clone(),
            description: c.description.clone(),
            inclusion: c.inclusion.clone(),
            exclusion: c.exclusion.clone(),
            examples: c.examples.clone(),
            colour: c.colour.clone(),
        })
        .collect();
    let guids: Vec<(String, CodeId)> = first
        .codes
        .iter()
        .zip(&codes)
        .map(|(p, c)| (p.guid.clone(), c.id))
        .collect();
    let book = Codebook {
        id: CodebookId(3),
        name: "ander".into(),
        version: 1,
        codes: codes.clone(),
    };
    let again = plan_project_import_in(
        &p,
        report,
        &ImportContext {
            codebooks: std::slice::from_ref(&book),
            code_guids: &guids,
            ..ImportContext::default()
        },
    )
    .unwrap();
    assert_eq!(again.codebook, Some(CodebookId(3)));
    assert!(again.codes.iter().all(|c| c.existing.is_some()));
    let keys = |p: &ImportPlan| p.codes.iter().map(|c| c.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&again), keys(&first));
    assert_eq!(again.document_codings.len(), first.document_codings.len());

    // leernet's own export: its code GUIDs are derived from the keys.
    let exported = export_project(&ExportInput {
        name: "x",
        codebooks: std::slice::from_ref(&book),
        codings: &[],
        responses: &[],
        persons: &[],
        networks: &[],
        waves: &[],
        open_questions: &BTreeSet::new(),
        coders: CoderNames::Names,
        documents: &[],
        document_codings: &[],
        folders: &BTreeSet::new(),
        memos: &[],
    })
    .unwrap();
    let plan = plan_project_import_in(
        &exported,
        Report::default(),
        &ImportContext {
            codebooks: std::slice::from_ref(&book),
            ..ImportContext::default()
        },
    )
    .unwrap();
    assert_eq!(plan.codebook, Some(CodebookId(3)));
    assert!(
        plan.codes.iter().all(|c| c.existing.is_some()),
        "{:?}",
        plan.codes
    );
}
