//! Profiles, benchmarks and handreikingen on the demo study, and what a researcher sees when
//! a framework or handles file is wrong.

use crate::common;

use leernet_analysis::*;
use std::collections::BTreeMap;

const FRAMEWORK: &str = include_str!("../../../../content/framework.toml");
const BOUNDARY: &str = include_str!("../../../../content/frameworks/boundary_crossing.toml");
const HANDLES: &str = include_str!("../../../../content/handles.toml");

fn run(data: &leernet_core::StudyData) -> StudyFigures {
    analyse(data, &Overview::builtin()).expect("the demo analyses")
}

fn fired(f: &StudyFigures, slug: &str) -> Vec<String> {
    f.handles
        .handreikingen
        .iter()
        .find(|h| h.slug == slug)
        .unwrap()
        .items
        .iter()
        .map(|i| i.key.clone())
        .collect()
}

#[test]
fn every_network_has_a_profile_benchmark_and_handreiking() {
    let f = run(&common::demo());
    assert_eq!(f.frameworks.len(), 2);
    let ess = &f.frameworks[0];
    assert_eq!(ess.key, "essential_elements");
    assert_eq!(ess.elements.len(), 7);
    assert_eq!(f.frameworks[1].elements.len(), 4);
    assert_eq!(ess.networks.len(), 17);
    for n in &ess.networks {
        for e in &n.elements {
            let s = e.score.expect("every demo network has every element");
            assert!((0.0..=100.0).contains(&s), "{} {} {s}", n.slug, e.key);
            for i in &e.indicators {
                // Network questionnaire indicators rest on one answer, member ones on members.
                if i.instrument == "leernet_network" {
                    assert!(i.n <= 1);
                }
            }
        }
    }
    for e in &ess.elements {
        assert_eq!(e.benchmark.n, 17, "{}", e.key);
        let (q1, m, q3) = (
            e.benchmark.q1.unwrap(),
            e.benchmark.median.unwrap(),
            e.benchmark.q3.unwrap(),
        );
        assert!(q1 <= m && m <= q3, "{}", e.key);
    }
    // The agenda indicator of a member question rests on that network's members.
    let haven = ess.network("havenmond-wijkkracht").unwrap();
    let influence = &haven.elements[1].indicators[2];
    assert_eq!(influence.question, "agenda_influence");
    let members = f
        .networks
        .iter()
        .find(|n| n.slug == "havenmond-wijkkracht")
        .unwrap()
        .member_responses;
    assert_eq!(influence.n, members);

    assert!(f.handles.catalogue.len() >= 40);
    assert_eq!(f.handles.handreikingen.len(), 17);
    for h in &f.handles.handreikingen {
        assert!(!h.items.is_empty(), "{} gets no handle", h.slug);
        let prios: Vec<u32> = h.items.iter().map(|i| i.priority).collect();
        let mut sorted = prios.clone();
        sorted.sort();
        assert_eq!(prios, sorted, "{}: ordered by priority", h.slug);
        for i in &h.items {
            assert!(
                !i.facts.is_empty(),
                "{} {}: a handle says why",
                h.slug,
                i.key
            );
        }
    }
}

#[test]
fn facts_say_what_the_other_networks_do_without_naming_them() {
    let f = run(&common::demo());
    // Polderhart (a municipal assignment): its agenda is not set together, and in 12 of 17
    // networks participants set it together.
    let p = f
        .handles
        .handreikingen
        .iter()
        .find(|h| h.slug == "polderhart-sociaal-team")
        .unwrap();
    let item = p
        .items
        .iter()
        .find(|i| i.key == "rationale-own-the-assignment")
        .expect("Polderhart gets the handle for an assignment without an explicit rationale");
    assert!(item.facts.iter().any(|fact| matches!(fact,
        Fact::Answer { question, same: Some(1), of: 17, .. } if question == "rationale_explicit")));
    let agenda = p
        .items
        .iter()
        .find(|i| i.key == "agenda-set-together")
        .unwrap();
    assert!(agenda.facts.iter().any(|fact| matches!(fact,
        Fact::Answer { question, of: 17, most_count: 12, .. } if question == "agenda_consultation")));
    let steering = f
        .handles
        .handreikingen
        .iter()
        .flat_map(|h| h.items.iter())
        .find(|i| i.key == "agenda-open-steering-group")
        .unwrap();
    assert!(steering.facts.iter().any(|fact| matches!(fact,
        Fact::Choice { choice, yours: false, count: 12, of: 17, .. } if choice.en == "The participants together")),
        "{:?}", steering.facts);

    for h in &f.handles.handreikingen {
        let text = serde_json::to_string(h).unwrap();
        for other in f.networks.iter().filter(|n| n.slug != h.slug) {
            assert!(
                !text.contains(&other.name),
                "{} names {}",
                h.slug,
                other.name
            );
            assert!(
                !text.contains(&other.slug),
                "{} names {}",
                h.slug,
                other.slug
            );
        }
    }
}

#[test]
fn changing_the_data_changes_the_handles_that_fire() {
    let mut data = common::demo();
    let before = run(&data);
    assert!(fired(&before, "polderhart-sociaal-team").contains(&"agenda-set-together".into()));
    assert!(!fired(&before, "havenmond-wijkkracht").contains(&"facilitator-appoint".into()));

    let a = common::network_answers(&mut data, "polderhart-sociaal-team");
    a.insert("agenda_consultation".into(), "yes".into());
    a.insert("agenda_setting".into(), "participants_together".into());
    let h = common::network_answers(&mut data, "havenmond-wijkkracht");
    h.insert("facilitator_present".into(), "no".into());
    for q in [
        "facilitator_background",
        "facilitator_position",
        "bw_connect",
        "bw_translate",
        "bw_safe",
        "bw_questions",
        "facilitator_importance",
    ] {
        h.remove(q);
    }
    let after = run(&data);
    assert!(!fired(&after, "polderhart-sociaal-team").contains(&"agenda-set-together".into()));
    assert!(
        !fired(&after, "polderhart-sociaal-team").contains(&"agenda-open-steering-group".into())
    );
    assert!(fired(&after, "havenmond-wijkkracht").contains(&"facilitator-appoint".into()));
    let score = |f: &StudyFigures| {
        f.frameworks[0]
            .network("havenmond-wijkkracht")
            .unwrap()
            .elements[4]
            .score
    };
    assert!(score(&after).unwrap() < score(&before).unwrap());
    // Other networks' facts see the change too: one network fewer has a facilitator.
    let count = |f: &StudyFigures| {
        f.handles
            .catalogue
            .iter()
            .find(|c| c.key == "facilitator-appoint")
            .unwrap()
            .networks
    };
    assert_eq!(count(&after), count(&before) + 1);
}

#[test]
fn identical_data_gives_identical_figures() {
    let data = common::demo();
    let a = serde_json::to_string(&run(&data)).unwrap();
    let b = serde_json::to_string(&run(&data)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn types_show_what_networks_of_the_same_type_do() {
    let data = common::demo();
    let mut types = BTreeMap::new();
    for (slug, key) in [
        ("polderhart-sociaal-team", "formal"),
        ("lindewaard-integraal", "formal"),
        ("stroomdal-jeugd", "formal"),
        ("havenmond-wijkkracht", "informal"),
    ] {
        types.insert(
            slug.to_owned(),
            TypeRef {
                key: key.into(),
                name: leernet_core::Bilingual {
                    nl: key.into(),
                    en: key.into(),
                },
            },
        );
    }
    let f = analyse_with(&data, &Overview::builtin(), &Content::builtin(), &types).unwrap();
    let p = f
        .handles
        .handreikingen
        .iter()
        .find(|h| h.slug == "polderhart-sociaal-team")
        .unwrap();
    let note = p.items[0]
        .type_note
        .as_ref()
        .expect("a typed network gets a type note");
    assert_eq!(note.networks, 3);
    assert!(note.same_handle >= 1 && note.same_handle <= 3);
    assert_eq!(note.element.n, 3);
    let c = &f.handles.catalogue[0];
    assert_eq!(c.by_type.len(), 2);
    assert_eq!(c.by_type.iter().map(|t| t.of).sum::<usize>(), 4);
}

fn content_error(framework: &str, handles: &str) -> String {
    let content = Content::parse(
        &[
            (framework, "content/framework.toml"),
            (BOUNDARY, "content/frameworks/bc.toml"),
        ],
        (handles, "content/handles.toml"),
    );
    match content {
        Err(e) => e.to_string(),
        Ok(c) => {
            let data = common::demo();
            analyse_with(&data, &Overview::builtin(), &c, &BTreeMap::new())
                .expect_err("the content is refused")
                .to_string()
        }
    }
}

#[test]
fn bad_content_names_file_entry_and_field() {
    let e = content_error(
        &FRAMEWORK.replace(
            "question = \"agenda_consultation\"",
            "question = \"agenda_consult\"",
        ),
        HANDLES,
    );
    assert_eq!(
        e,
        "content/framework.toml: element \"agenda\", indicator \"consultation\", field `question`: instrument \"leernet_network\" has no question \"agenda_consult\""
    );
    let e = content_error(
        &FRAMEWORK.replacen("name_en = \"An agenda set together\"\n", "", 1),
        HANDLES,
    );
    assert_eq!(
        e,
        "content/framework.toml: element \"agenda\", field `name_en`: the translation is missing or empty"
    );
    let e = content_error(
        &FRAMEWORK.replace(
            "partly = 50, no = 0 }\n\n[[element.indicator]]\nkey = \"setting\"",
            "partly = 50, maybe = 0 }\n\n[[element.indicator]]\nkey = \"setting\"",
        ),
        HANDLES,
    );
    assert!(
        e.contains("indicator \"consultation\", field `scores`: \"maybe\" is not a choice"),
        "{e}"
    );
    let e = content_error(
        FRAMEWORK,
        &HANDLES.replace(
            "\"${agenda_consultation} != 'yes'\"",
            "\"${agenda_consultation} != 'yes' and\"",
        ),
    );
    assert!(
        e.starts_with("content/handles.toml: handle \"agenda-set-together\", field `condition`: the expression does not parse at character"),
        "{e}"
    );
    let e = content_error(
        FRAMEWORK,
        &HANDLES.replace(
            "\"${agenda_consultation} != 'yes'\"",
            "\"${agenda_consulation} != 'yes'\"",
        ),
    );
    assert!(
        e.starts_with("content/handles.toml: handle \"agenda-set-together\", field `condition`: ${agenda_consulation} is neither"),
        "{e}"
    );
    let e = content_error(
        FRAMEWORK,
        &HANDLES.replacen("element = \"agenda\"", "element = \"agendas\"", 1),
    );
    assert!(
        e.contains("field `element`: framework \"essential_elements\" has no element \"agendas\""),
        "{e}"
    );
    let e = content_error(
        FRAMEWORK,
        &HANDLES.replacen("text_en = ", "text_english = ", 1),
    );
    assert!(e.starts_with("content/handles.toml: line "), "{e}");
    assert!(e.contains("text_english"), "{e}");
}

#[test]
fn shipped_content_is_complete() {
    let c = Content::builtin();
    assert!(c.handles.handles.len() >= 40, "{}", c.handles.handles.len());
    let elements: std::collections::BTreeSet<&str> = c
        .handles
        .handles
        .iter()
        .map(|h| h.element.as_str())
        .collect();
    for e in &c.frameworks[0].0.elements {
        assert!(
            elements.contains(e.key.as_str()),
            "no handle serves {}",
            e.key
        );
    }
    for h in &c.handles.handles {
        for t in [&h.title, &h.text] {
            assert!(t.nl.len() < 400 && t.en.len() < 400, "{} is short", h.key);
        }
    }
}

#[test]
fn quotes_stand_beside_the_numbers_anonymised_and_agreed() {
    let data = common::demo();
    let f = run(&data);
    let q = &f.qualitative;
    assert_eq!(q.coders, 2);
    assert_eq!(q.codes.len(), 69);
    // The demo documents kappa ≈ 0.78 and ≈ 96% agreement over (answer, code) units.
    let kappa = q.cohen_kappa.unwrap();
    assert!((0.74..0.82).contains(&kappa), "kappa {kappa}");
    assert!((0.94..0.98).contains(&q.percent_agreement.unwrap()));
    let mut names: Vec<String> = data.networks.iter().map(|n| n.name.clone()).collect();
    names.extend(data.workplaces.iter().map(|w| w.name.clone()));
    names.extend(data.persons.iter().map(|p| p.name.clone()));
    let mut quoted = 0;
    for e in &f.frameworks[0].elements {
        if e.codes.is_empty() {
            continue;
        }
        assert!(!e.quotes.is_empty(), "{} has quotes", e.key);
        for quote in &e.quotes {
            quoted += 1;
            assert!(e.codes.iter().any(|c| quote.code.starts_with(c.as_str())));
            for n in &names {
                assert!(
                    !quote.text.contains(n.as_str()),
                    "{:?} names {n}",
                    quote.text
                );
            }
        }
    }
    assert!(quoted >= 12);
}
