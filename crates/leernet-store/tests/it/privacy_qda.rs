//! What other tools' projects bring, in a privacy export and erase, on every back end (issue
//! 20): a case of an imported `.qdpx` that names a person (with its values and its sources) is
//! exported and, on erase, removed; mentions of the person in other cases' descriptions and
//! in values on cases and documents become `[verwijderd]`; other cases are untouched.

use leernet_core::*;
use leernet_store::privacy::{ErasePlan, REMOVED};
use leernet_store::qda::{ImportCase, ImportDocument, ImportExtras, KeptVariable};
use leernet_store::*;
use leernet_testkit::on_every_backend;

on_every_backend!(
    a_case_naming_a_person_is_exported_and_erased => qda_privacy_story,
);

fn doc(title: &str, text: &str) -> NewDocument {
    NewDocument {
        title: title.into(),
        kind: DocumentKind::Interview,
        network: None,
        workplace: None,
        wave: None,
        date: None,
        file_name: format!("{title}.txt"),
        format: "qdpx".into(),
        text: text.into(),
        turns: vec![],
    }
}

fn var(name: &str, kind: &str) -> KeptVariable {
    KeptVariable {
        name: name.into(),
        kind: kind.into(),
        description: String::new(),
    }
}

async fn qda_privacy_story(store: &Store) {
    store
        .add_person(&NewPerson {
            email: Email::parse("anna@example.org").unwrap(),
            name: "Anna de Vries".into(),
            role: Role::Member,
            networks: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let case =
        |guid: &str, name: &str, description: &str, values: &[(&str, &str)], docs: &[usize]| {
            ImportCase {
                guid: guid.into(),
                name: name.into(),
                description: description.into(),
                network: None,
                values: values
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                documents: docs.iter().map(|i| ImportDocument::New(*i)).collect(),
                answers: vec![],
            }
        };
    let extras = ImportExtras {
        documents: vec![
            doc("Gesprek 1", "Over samen leren."),
            doc("Sessieverslag", "Verslag van de sessie."),
        ],
        variables: vec![
            var("leeftijd", "Integer"),
            var("rol", "Text"),
            var("notitie", "Text"),
        ],
        cases: vec![
            case(
                "{F0000000-0000-4000-8000-000000000001}",
                "ANNA de Vries",
                "Deelnemer, geïnterviewd in maart.",
                &[("leeftijd", "34"), ("rol", "facilitator")],
                &[0],
            ),
            case(
                "{F0000000-0000-4000-8000-000000000002}",
                "Wijkteam Noord",
                "Met anna de vries en Piet Jansen.",
                &[(
                    "notitie",
                    "contact: anna@example.org, niet Johanna de Vriesland",
                )],
                &[0, 1],
            ),
            case(
                "{F0000000-0000-4000-8000-000000000003}",
                "Piet Jansen",
                "Coördinator.",
                &[("leeftijd", "51")],
                &[1],
            ),
        ],
        document_values: vec![
            (
                ImportDocument::New(1),
                "notitie".into(),
                "Verslag door Anna de Vries.".into(),
            ),
            (ImportDocument::New(0), "rol".into(), "deelnemer".into()),
        ],
        ..Default::default()
    };
    store
        .import_whole_project("qda", &[], &[], &[], &extras)
        .await
        .unwrap();
    let before = store.qda_kept().await.unwrap();
    assert_eq!(before.cases.len(), 3);

    // The export: the case that names her, with its values and the titles of its sources;
    // the cases and documents whose values or description mention her, counted.
    let subject = store.privacy_subject("anna@example.org").await.unwrap();
    let ex = store
        .export_person(&subject, &Actor::Cli("t".into()), 10)
        .await
        .unwrap()
        .to_json();
    let q = &ex["areas"]["qda_cases"];
    let cases = q["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1, "{q}");
    assert_eq!(cases[0]["name"], "ANNA de Vries");
    assert_eq!(cases[0]["description"], "Deelnemer, geïnterviewd in maart.");
    assert_eq!(cases[0]["values"]["leeftijd"], "34");
    assert_eq!(cases[0]["values"]["rol"], "facilitator");
    assert_eq!(cases[0]["sources"], serde_json::json!(["Gesprek 1"]));
    let mentioned = q["mentioned_in"].as_array().unwrap();
    assert_eq!(mentioned.len(), 2, "{q}");
    assert_eq!(mentioned[0]["case"], "Wijkteam Noord");
    assert_eq!(mentioned[0]["mentions"], 2);
    assert_eq!(mentioned[1]["document"], "Sessieverslag");
    assert_eq!(mentioned[1]["mentions"], 1);

    // A dry run changes nothing; the erase removes the case and the mentions.
    let plan = ErasePlan {
        subject,
        keep_anonymised: Default::default(),
    };
    let dry = store
        .erase_person(&plan, &Actor::Cli("t".into()), 11, true)
        .await
        .unwrap();
    assert_eq!(dry.count("qda_cases", "cases_removed"), 1);
    assert_eq!(store.qda_kept().await.unwrap(), before);
    let r = store
        .erase_person(&plan, &Actor::Cli("t".into()), 12, false)
        .await
        .unwrap();
    assert_eq!(r.count("qda_cases", "cases_removed"), 1);
    assert_eq!(r.count("qda_cases", "texts_changed"), 3);
    let after = store.qda_kept().await.unwrap();
    let all = format!("{after:?}")
        .to_lowercase()
        .replace("johanna de vriesland", "");
    assert!(
        !all.contains("anna de vries") && !all.contains("anna@"),
        "{all}"
    );
    assert_eq!(after.cases.len(), 2);
    let noord = &after.cases[0];
    assert_eq!(noord.name, "Wijkteam Noord");
    assert_eq!(noord.description, format!("Met {REMOVED} en Piet Jansen."));
    assert_eq!(
        noord.values,
        vec![(
            "notitie".to_owned(),
            format!("contact: {REMOVED}, niet Johanna de Vriesland")
        )]
    );
    assert_eq!(noord.documents.len(), 2, "its sources stay");
    // The other case is untouched.
    assert_eq!(after.cases[1], before.cases[2]);
    let docs = &after.document_values;
    assert!(docs
        .iter()
        .any(|(_, v, t)| v == "notitie" && *t == format!("Verslag door {REMOVED}.")));
    assert!(docs.iter().any(|(_, v, t)| v == "rol" && t == "deelnemer"));
    // The sources themselves stay (the document rules decide about them).
    assert_eq!(store.documents().await.unwrap().len(), 2);
    // Nothing of the removed case is left behind.
    assert!(!after
        .cases
        .iter()
        .any(|c| c.guid == "{F0000000-0000-4000-8000-000000000001}"));
}
