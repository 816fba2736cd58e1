//! Names and texts from data that attack the report's formats: a network called
//! `<script>x</script> | a` makes no HTML and breaks no table in the Markdown report, and a
//! character that XML 1.0 forbids (U+FFFE) never makes the DOCX unreadable.

use crate::common;

use leernet_analysis::{analyse, Overview, StudyFigures};
use leernet_core::{Lang, StudyData};
use leernet_report::docx::{self, Block};
use leernet_report::Reports;
use proptest::prelude::*;
use std::io::Read;

const HOSTILE: &str = "<script>x</script> | a";

fn figures(rename: impl Fn(&str) -> String) -> StudyFigures {
    let mut d: StudyData = common::demo();
    for n in &mut d.networks {
        n.name = rename(&n.name);
    }
    for w in &mut d.workplaces {
        w.name = rename(&w.name);
    }
    for b in &mut d.codebooks {
        for c in &mut b.codes {
            c.name.nl = rename(&c.name.nl);
            c.name.en = rename(&c.name.en);
        }
    }
    d.study.title.nl = rename(&d.study.title.nl);
    d.study.title.en = rename(&d.study.title.en);
    analyse(&d, &Overview::builtin()).unwrap()
}

/// The `|` that end cells (not escaped with a backslash).
fn cell_bars(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n
}

#[test]
fn markdown_report_escapes_names_from_data() {
    let f = figures(|n| format!("{n} {HOSTILE}"));
    let md = Reports::new().markdown(&f, Lang::Nl).unwrap();
    assert!(!md.contains("<script>"), "raw HTML from a name");
    assert!(md.contains("\\<script\\>x\\</script\\> \\| a"));
    // Every table keeps its columns: each row has as many cell bars as its header.
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    let mut tables = 0;
    while i < lines.len() {
        if lines[i].starts_with('|') {
            let want = cell_bars(lines[i]);
            tables += 1;
            while i < lines.len() && lines[i].starts_with('|') {
                assert_eq!(cell_bars(lines[i]), want, "line {}: {}", i + 1, lines[i]);
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    assert!(tables > 5, "{tables} tables");
    // The front matter keeps the title on one line, as a quoted YAML string.
    assert!(
        lines[1].starts_with("title: \"") && lines[1].ends_with('"'),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("lang: "));

    // The practice section, put in afterwards, escapes too.
    use leernet_analysis::practice_indicators::{indicators, NetworkLog, PracticeLog, SessionFact};
    let practice = indicators(&PracticeLog {
        wave_starts: Vec::new(),
        networks: vec![NetworkLog {
            slug: "a".into(),
            name: HOSTILE.into(),
            people: 3,
            sessions: vec![SessionFact {
                date: "2026-01-10".into(),
                method: "intervision".into(),
                held: true,
                present: 2,
                agenda_items: 1,
                member_items: 1,
                people: None,
            }],
            ..Default::default()
        }],
    });
    let md = Reports::new()
        .markdown_with_practice(&f, &practice, Lang::En)
        .unwrap();
    assert!(!md.contains("<script>"));
    assert!(md.contains("| \\<script\\>x\\</script\\> \\| a |"), "{md}");
}

#[test]
fn ordinary_names_are_written_as_they_are() {
    // Brackets, dots, hyphens, ampersands and accents need no escape: the demo's names
    // appear verbatim.
    let f = figures(|n| format!("{n} (Noord-Oost) & co. 2.0 é"));
    let md = Reports::new().markdown(&f, Lang::En).unwrap();
    for n in &f.networks {
        assert!(md.contains(&n.name), "{}", n.name);
    }
}

fn parts(bytes: &[u8]) -> Vec<(String, String)> {
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

fn assert_xml_parses(bytes: &[u8]) {
    for (name, text) in parts(bytes) {
        if let Err(e) = roxmltree::Document::parse(&text) {
            panic!("{name} does not parse: {e}");
        }
    }
}

#[test]
fn a_docx_report_with_u_fffe_in_names_and_answers_parses() {
    let mut d: StudyData = common::demo();
    for n in &mut d.networks {
        n.name.push_str("\u{fffe}\u{ffff}\u{1}");
    }
    // open answers (long, with spaces): every 'e' becomes U+FFFE, one character for one, so
    // the coded spans stay where they are
    let mut changed = 0;
    for r in &mut d.responses {
        for v in r.answers.values_mut() {
            if v.chars().count() > 30 && v.contains(' ') {
                *v = v.replace('e', "\u{fffe}");
                changed += 1;
            }
        }
    }
    assert!(changed > 10, "{changed} open answers");
    let f = analyse(&d, &Overview::builtin()).unwrap();
    let r = Reports::new();
    let bytes = r.docx(&f, Lang::Nl).unwrap();
    assert_xml_parses(&bytes);
    let doc = parts(&bytes)
        .into_iter()
        .find(|(n, _)| n == "word/document.xml")
        .unwrap()
        .1;
    assert!(doc.contains('\u{fffd}'));
    let slug = &f.handles.handreikingen[0].slug;
    assert_xml_parses(&r.handreiking_docx(&f, slug, Lang::En).unwrap());
}

/// Arbitrary text, with the characters that XML forbids or escapes drawn often.
fn hostile() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '\u{0}', '\u{8}', '\u{b}', '\u{c}', '\u{1f}', '\u{fffe}', '\u{ffff}', '\r', '\n', '\t',
        '<', '&', '"', '\'',
    ]);
    prop::collection::vec(prop_oneof![any::<char>(), special], 0..30)
        .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the texts hold, every part of the DOCX parses.
    #[test]
    fn any_text_gives_a_docx_that_parses(a in hostile(), b in hostile(), c in hostile()) {
        let blocks = vec![
            Block::Title(a.clone()),
            Block::Heading(1, b.clone()),
            Block::Para(c.clone()),
            Block::Bullets(vec![a.clone(), b.clone()]),
            Block::Table {
                caption: c.clone(),
                header: vec![a.clone(), b.clone()],
                rows: vec![vec![c.clone(), a.clone()]],
                numeric: vec![false, true],
                standing: vec![false, true],
            },
        ];
        let bytes = docx::document(&blocks, &a, Lang::En).unwrap();
        assert_xml_parses(&bytes);
    }
}
