//! What a `.qdpx` carries out of leernet: coders by display name or pseudonym, never by
//! e-mail address unless the researcher asks (`leernet export --coder-emails`), and XML
//! that parses whatever a respondent, coder or researcher typed (U+FFFE, C0 controls).

use crate::common;

use common::{demo, Demo};
use leernet_qda::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::io::Read;

fn open() -> BTreeSet<String> {
    ["rationale_text", "outcomes", "tips", "learned"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

fn export(d: &Demo, coders: CoderNames) -> QdaProject {
    export_project(&ExportInput {
        name: "Demo (fictional)",
        codebooks: std::slice::from_ref(&d.codebook),
        codings: &d.codings,
        responses: &d.responses,
        persons: &d.persons,
        networks: &d.networks,
        waves: &d.waves,
        open_questions: &open(),
        coders,
        documents: &[],
        document_codings: &[],
        folders: &Default::default(),
        memos: &[],
    })
    .unwrap()
}

/// Every entry of the archive, unpacked, as text.
fn unpacked(bytes: &[u8]) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            (f.name().to_owned(), s)
        })
        .collect()
}

#[test]
fn the_default_export_holds_no_e_mail_address() {
    let mut d = demo();
    let coders: BTreeSet<_> = d.codings.iter().map(|c| c.coder).collect();
    assert_eq!(coders.len(), 2, "the demo has two coders");
    // one coder without a name, the other named by their address
    let mut it = coders.iter();
    let (first, second) = (*it.next().unwrap(), *it.next().unwrap());
    for p in &mut d.persons {
        if p.id == first {
            p.name = String::new();
        } else if p.id == second {
            p.name = p.email.as_str().to_owned();
        }
    }
    let p = export(&d, CoderNames::Names);
    let names: Vec<&str> = p.users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Codeur 1", "Codeur 2"]);
    let bytes = write_qdpx(&p).unwrap();
    let entries = unpacked(&bytes);
    for person in &d.persons {
        let address = person.email.as_str();
        for (name, text) in &entries {
            assert!(!text.contains(address), "{name} holds {address}");
        }
    }
    let (_, qde) = entries.iter().find(|(n, _)| n == "project.qde").unwrap();
    assert!(!qde.contains('@'), "project.qde holds an @");

    // The coders are still found again on import (by the GUID).
    let (read, report) = read_qdpx(&bytes, &Limits::default()).unwrap();
    let plan = plan_import(&read, report, &d.responses, &d.persons, &d.waves).unwrap();
    assert!(plan.coders.iter().all(|c| c.person.is_some()));
}

#[test]
fn named_coders_keep_their_names_and_addresses_only_when_asked() {
    let d = demo();
    let coder = d.codings[0].coder;
    let person = d.persons.iter().find(|p| p.id == coder).unwrap();
    let p = export(&d, CoderNames::Names);
    assert!(p
        .users
        .iter()
        .any(|u| u.name == person.name && u.id.is_none()));
    let qde = write_qde(&p).unwrap();
    assert!(!qde.contains(person.email.as_str()));

    let p = export(&d, CoderNames::Emails);
    let qde = write_qde(&p).unwrap();
    assert!(qde.contains(&format!("id=\"{}\"", person.email.as_str())));
}

#[test]
fn a_text_with_u_fffe_gives_a_project_that_parses() {
    let mut d = demo();
    let c = d.codings[0].clone();
    let r = d
        .responses
        .iter_mut()
        .find(|r| r.id == c.segment.response)
        .unwrap();
    let answer = r.answers.get_mut(&c.segment.question).unwrap();
    // one character replaced by U+FFFE inside the coded span: positions stay the same
    let mut chars: Vec<char> = answer.chars().collect();
    chars[c.segment.start] = '\u{fffe}';
    *answer = chars.into_iter().collect();
    d.codings[0].memo = "memo\u{ffff}\u{1}".into();
    d.codebook.codes[0].name.nl = "naam\u{fffe}".into();
    let p = export(&d, CoderNames::Names);
    let bytes = write_qdpx(&p).unwrap();
    let entries = unpacked(&bytes);
    let (_, qde) = entries.iter().find(|(n, _)| n == "project.qde").unwrap();
    roxmltree::Document::parse(qde).unwrap();
    assert!(qde.contains("naam\u{fffd}"));
    let qdc = String::from_utf8(write_qdc(&p).unwrap()).unwrap();
    roxmltree::Document::parse(&qdc).unwrap();
}

/// Arbitrary text, with the characters that XML forbids or escapes drawn often.
fn hostile() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '\u{0}', '\u{8}', '\u{b}', '\u{c}', '\u{1f}', '\u{fffe}', '\u{ffff}', '\r', '\n', '\t',
        '<', '&', '"', '\'', ']',
    ]);
    prop::collection::vec(prop_oneof![any::<char>(), special], 0..40)
        .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the names, texts and memos hold, `project.qde` and the `.qdc` parse.
    #[test]
    fn any_text_gives_xml_that_parses(
        name in hostile(), text in hostile(), memo in hostile(), user in hostile(),
        variable in hostile(), value in hostile(),
    ) {
        let len = text.chars().count();
        let p = QdaProject {
            name: name.clone(),
            origin: Some(name.clone()),
            users: vec![QdaUser { guid: "u".into(), name: user.clone(), id: Some(user) }],
            codes: vec![QdaCode {
                guid: "c".into(),
                name: name.clone(),
                description: memo.clone(),
                color: None,
                codable: true,
                parent: None,
            }],
            variables: vec![QdaVariable::text(variable.clone())],
            cases: vec![QdaCase {
                guid: "k".into(),
                name: name.clone(),
                description: memo.clone(),
                variables: vec![(variable.clone(), value.clone())],
                sources: vec!["s".into()],
            }],
            sources: vec![QdaSource {
                guid: "s".into(),
                name: name.clone(),
                text: text.clone(),
                variables: vec![(variable, value)],
                selections: vec![QdaSelection {
                    guid: "x".into(),
                    name: Some(text),
                    start: 0,
                    end: len,
                    description: memo,
                    codings: vec![QdaCoding { guid: "k".into(), code: "c".into(), user: Some("u".into()) }],
                }],
            }],
            notes: vec![],
        };
        let qde = write_qde(&p).unwrap();
        prop_assert!(roxmltree::Document::parse(&qde).is_ok(), "{qde}");
        let qdc = String::from_utf8(write_qdc(&p).unwrap()).unwrap();
        prop_assert!(roxmltree::Document::parse(&qdc).is_ok(), "{qdc}");
    }
}
