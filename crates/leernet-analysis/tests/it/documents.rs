//! Codes from documents count in the study like codes from answers (issue 20): a coded
//! passage of a network's interview makes the code present for that network, counts in the
//! co-occurrence of its speaker turn, and is quoted with its kind and network — never with a
//! speaker's name. A document of a wave the figures do not rest on counts nowhere.

use crate::common;

use leernet_analysis::*;
use leernet_core::*;
use std::collections::BTreeSet;

fn run(data: &StudyData) -> StudyFigures {
    analyse(data, &Overview::builtin()).expect("the demo analyses")
}

fn network_value(f: &StudyFigures, var: &str, slug: &str) -> Option<f64> {
    let d = &f.datasets.as_ref().unwrap().network;
    let v = d.variables.iter().position(|x| x.key == var)?;
    let u = d.units.iter().position(|x| x == slug)?;
    d.values[v][u]
}

fn theme(f: &StudyFigures) -> cooccurrence::CoOccurrence {
    f.qualitative
        .cooccurrence
        .iter()
        .find(|c| c.family == "theme")
        .cloned()
        .expect("the demo shows the themes' co-occurrence")
}

fn cell(t: &cooccurrence::CoOccurrence, a: &str, b: &str) -> usize {
    let i = t.codes.iter().position(|c| c.key == a);
    let j = t.codes.iter().position(|c| c.key == b);
    match (i, j) {
        (Some(i), Some(j)) => t.counts[i][j],
        _ => 0,
    }
}

const TEXT: &str = "Interviewer: Hoe is het netwerk begonnen?\n\
Marieke Jansen: We begonnen omdat de gemeente een vraag had over armoede en schulden; Marieke Jansen dacht mee en iedereen schoof aan.\n\
Interviewer: En daarna?\n\
Marieke Jansen: Daarna kwamen we elke maand bij elkaar om van elkaar te leren over jeugd en gezin.";

/// The span of `what` in `TEXT`, in code points.
fn span(what: &str) -> (usize, usize) {
    let b = TEXT.find(what).expect(what);
    let start = TEXT[..b].chars().count();
    (start, start + what.chars().count())
}

/// An interview of `network` with its four turns.
fn interview(id: i64, network: NetworkId, wave: Option<WaveId>) -> Document {
    let mut turns = Vec::new();
    for line in TEXT.split('\n') {
        let (speaker, said) = line.split_once(": ").unwrap();
        let (s, e) = span(said);
        turns.push(Turn {
            speaker: speaker.into(),
            start: s,
            end: e,
        });
    }
    Document {
        info: DocumentInfo {
            id: DocumentId(id),
            title: "Interview met Marieke Jansen".into(),
            kind: DocumentKind::Interview,
            network: Some(network),
            workplace: None,
            wave,
            date: None,
            file_name: "interview.txt".into(),
            chars: TEXT.chars().count(),
        },
        text: TEXT.into(),
        turns,
    }
}

fn coding(
    id: i64,
    doc: i64,
    (start, end): (usize, usize),
    code: CodeId,
    coder: PersonId,
) -> DocumentCoding {
    DocumentCoding {
        id: DocumentCodingId(id),
        span: DocumentSpan {
            document: DocumentId(doc),
            start,
            end,
        },
        code,
        coder,
        memo: String::new(),
    }
}

struct Setup {
    data: StudyData,
    network: Network,
    rationale: Code,
    themes: (Code, Code),
}

/// The demo with one network, a rationale code none of its answers carries and two theme
/// codes, coded in its interview by both coders.
fn setup(wave: Option<WaveId>) -> Setup {
    let mut data = common::demo();
    let codes: Vec<Code> = data
        .codebooks
        .iter()
        .flat_map(|b| b.codes.clone())
        .collect();
    let coders: Vec<PersonId> = data
        .codings
        .iter()
        .map(|c| c.coder)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(coders.len() >= 2, "the demo has two coders");
    let responses_of = |n: NetworkId| -> BTreeSet<ResponseId> {
        data.responses
            .iter()
            .filter(|r| r.network == n)
            .map(|r| r.id)
            .collect()
    };
    // A network and a rationale code that none of its answers carries.
    let (network, rationale) = data
        .networks
        .iter()
        .find_map(|n| {
            let rs = responses_of(n.id);
            codes
                .iter()
                .filter(|c| c.key.starts_with("rationale."))
                .find(|c| {
                    !data
                        .codings
                        .iter()
                        .any(|x| x.code == c.id && rs.contains(&x.segment.response))
                })
                .map(|c| (n.clone(), c.clone()))
        })
        .expect("some network lacks some rationale code");
    let t: Vec<&Code> = codes
        .iter()
        .filter(|c| c.key.starts_with("theme."))
        .collect();
    let themes = (t[0].clone(), t[1].clone());
    data.documents.push(interview(1, network.id, wave));
    let passage = span("We begonnen omdat de gemeente een vraag had over armoede en schulden; Marieke Jansen dacht mee");
    let later = span("Daarna kwamen we elke maand bij elkaar");
    data.document_codings = vec![
        coding(1, 1, passage, rationale.id, coders[0]),
        coding(2, 1, (passage.0 + 3, passage.1), rationale.id, coders[1]),
        coding(3, 1, later, themes.0.id, coders[0]),
        coding(4, 1, (later.0 + 7, later.1), themes.1.id, coders[0]),
    ];
    Setup {
        data,
        network,
        rationale,
        themes,
    }
}

#[test]
fn a_coded_interview_counts_for_its_network() {
    let s = setup(None);
    let before = run(&common::demo());
    let after = run(&s.data);
    let var = format!("code.{}", s.rationale.key);
    let slug = s.network.slug.to_string();
    assert_ne!(network_value(&before, &var, &slug), Some(1.0));
    assert_eq!(network_value(&after, &var, &slug), Some(1.0));

    // The two theme codes occur in one speaker turn: one more unit, one more pair.
    let (t0, t1) = (theme(&before), theme(&after));
    let (a, b) = (&s.themes.0.key, &s.themes.1.key);
    assert_eq!(cell(&t1, a, b), cell(&t0, a, b) + 1);
    assert_eq!(cell(&t1, a, a), cell(&t0, a, a) + 1);
    assert_eq!(cell(&t1, b, b), cell(&t0, b, b) + 1);
    assert_eq!(t1.n, t0.n + 1);
    assert_eq!((t0.passages, t1.passages), (0, 1));
    assert_eq!(t1.document_kinds.len(), 1);
    assert_eq!(t1.document_kinds[0].nl, "interview");

    // The appendix counts each coder's codings of documents too.
    let row = |f: &StudyFigures| {
        f.qualitative
            .codes
            .iter()
            .find(|r| r.key == s.rationale.key)
            .unwrap()
            .codings
            .clone()
    };
    let (r0, r1) = (row(&before), row(&after));
    assert_eq!(r1[0], r0[0] + 1);
    assert_eq!(r1[1], r0[1] + 1);
    // Agreement is over answers: unchanged.
    assert_eq!(
        before.qualitative.cohen_kappa,
        after.qualitative.cohen_kappa
    );
    assert_eq!(before.qualitative.units, after.qualitative.units);
}

#[test]
fn an_agreed_passage_is_quoted_with_kind_and_network_never_a_name() {
    let s = setup(None);
    let f = run(&s.data);
    let quotes: Vec<&quotes::Quote> = f
        .frameworks
        .iter()
        .flat_map(|fw| &fw.elements)
        .flat_map(|e| &e.quotes)
        .filter(|q| q.source.is_some())
        .collect();
    assert_eq!(quotes.len(), 1, "{quotes:?}");
    let q = quotes[0];
    assert_eq!(q.code, s.rationale.key);
    let src = q.source.as_ref().unwrap();
    assert_eq!(src.nl, format!("interview, {}", s.network.name));
    assert_eq!(src.en, format!("interview, {}", s.network.name));
    assert!(
        q.text.starts_with("We begonnen omdat de gemeente"),
        "{}",
        q.text
    );
    assert!(
        !q.text.contains("Marieke"),
        "a speaker's name is replaced: {}",
        q.text
    );
    assert!(!q.text.contains("Jansen"), "{}", q.text);
    assert!(q.text.contains("[…]"), "{}", q.text);
    // The answers' quotes are the demo's, unchanged.
    let answers = |f: &StudyFigures| -> Vec<String> {
        f.frameworks
            .iter()
            .flat_map(|fw| &fw.elements)
            .flat_map(|e| &e.quotes)
            .filter(|q| q.source.is_none())
            .map(|q| q.text.clone())
            .collect()
    };
    assert_eq!(answers(&f), answers(&run(&common::demo())));
}

#[test]
fn one_coder_alone_is_not_quoted() {
    let mut s = setup(None);
    s.data
        .document_codings
        .retain(|c| c.id != DocumentCodingId(2));
    let f = run(&s.data);
    assert!(f
        .frameworks
        .iter()
        .flat_map(|fw| &fw.elements)
        .flat_map(|e| &e.quotes)
        .all(|q| q.source.is_none()));
}

#[test]
fn a_document_of_another_wave_counts_nowhere() {
    let s = setup(Some(WaveId(987_654)));
    let before = run(&common::demo());
    let after = run(&s.data);
    let json = |f: &StudyFigures| serde_json::to_string(f).unwrap();
    assert_eq!(json(&before), json(&after));
}
