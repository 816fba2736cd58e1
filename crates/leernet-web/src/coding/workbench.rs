//! The coding component that documents and answers share (issue 20): the text cut into
//! units (a speaker turn, a paragraph, or the whole answer) and runs between coding
//! boundaries, each run carrying its start in code points (`data-s`) so that
//! `static/coding.js` turns a selection into the offsets the server counts in; the coded
//! passages with their code names (the highlight is never the only carrier of meaning); the
//! codebook as a tree of labels; and the colours of the codes as a small stylesheet
//! (inline styles are not allowed by the app's CSP).
//!
//! Pure functions over the text, the turns and the codings: no store, no request.

use leernet_core::{Code, CodeId, Codebook, Lang, Turn};
use std::collections::{BTreeMap, BTreeSet};

/// The most code points one part of a long document shows (a 50,000-word transcript is
/// shown in parts of whole units; a unit longer than this is a part of its own).
pub const PART_CHARS: usize = 40_000;

/// A unit of coding: a speaker turn, a paragraph of a text without turns, or a whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub speaker: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// One coding as the component shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub id: i64,
    pub code: CodeId,
    pub start: usize,
    pub end: usize,
    pub memo: String,
}

/// The byte offset of every code point of `text`, and the text's length at the end.
fn char_bytes(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    v.push(text.len());
    v
}

/// The units of a text: its turns when it has them (and any text outside them that is not
/// white space, such as a preamble), else its paragraphs (lines that are not empty).
pub fn units(text: &str, turns: &[Turn]) -> Vec<Unit> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let lines = |from: usize, to: usize, out: &mut Vec<Unit>| {
        let mut s = from;
        for i in from..=to {
            if i == to || chars[i] == '\n' {
                // trim white space at both ends of the line
                let mut a = s;
                let mut b = i;
                while a < b && chars[a].is_whitespace() {
                    a += 1;
                }
                while b > a && chars[b - 1].is_whitespace() {
                    b -= 1;
                }
                if a < b {
                    out.push(Unit {
                        speaker: None,
                        start: a,
                        end: b,
                    });
                }
                s = i + 1;
            }
        }
    };
    if turns.is_empty() {
        lines(0, chars.len(), &mut out);
        return out;
    }
    let mut at = 0;
    for t in turns {
        let (s, e) = (t.start.min(chars.len()), t.end.min(chars.len()));
        if s < at {
            continue;
        }
        // What lies before the turn but for its label ("Sanne: ") is its own unit.
        let label_end = chars[at..s]
            .iter()
            .rposition(|c| *c == '\n')
            .map_or(at, |i| at + i);
        lines(at, label_end, &mut out);
        if s < e {
            out.push(Unit {
                speaker: Some(t.speaker.clone()),
                start: s,
                end: e,
            });
        }
        at = e;
    }
    lines(at, chars.len(), &mut out);
    out
}

/// The parts of a document: ranges of unit indices, each up to [`PART_CHARS`] code points.
pub fn parts(units: &[Unit]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut first = 0;
    let mut size = 0usize;
    for (i, u) in units.iter().enumerate() {
        let n = u.end - u.start;
        if i > first && size.saturating_add(n) > PART_CHARS {
            out.push(first..i);
            first = i;
            size = 0;
        }
        size = size.saturating_add(n);
    }
    if first < units.len() || out.is_empty() {
        out.push(first..units.len());
    }
    out
}

/// The class that gives a code its colour (`colours.css`).
pub fn colour_class(code: CodeId) -> String {
    format!("c-{}", code.0)
}

/// Colours for codes without one of their own (Tableau 10), by the code's place in its book.
const PALETTE: [&str; 10] = [
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
    "#9C755F", "#BAB0AC",
];

/// The stylesheet of a codebook's colours: one custom property per code.
pub fn colours_css(book: &Codebook) -> String {
    let mut s = String::from("/* the colours of the codes of one codebook */\n");
    for (i, c) in book.codes.iter().enumerate() {
        let colour = c
            .colour
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_else(|| PALETTE[i % PALETTE.len()].to_owned());
        s.push_str(&format!(
            ".{} {{ --code: {colour}; }}\n",
            colour_class(c.id)
        ));
    }
    s
}

/// The codebook as a tree of labels, depth first in the book's order: each entry's names,
/// depth, whether it is a folder (not codable) and the text the filter searches.
pub fn code_tree(book: &Codebook, folders: &BTreeSet<CodeId>, lang: Lang) -> Vec<minijinja::Value> {
    let mut children: BTreeMap<Option<CodeId>, Vec<&Code>> = BTreeMap::new();
    let ids: BTreeSet<CodeId> = book.codes.iter().map(|c| c.id).collect();
    for c in &book.codes {
        // a parent outside the book counts as none
        let p = c.parent.filter(|p| ids.contains(p));
        children.entry(p).or_default().push(c);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(&Code, usize)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|c| (*c, 0)).collect())
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    while let Some((c, depth)) = stack.pop() {
        if !seen.insert(c.id) {
            continue;
        }
        let name = c.name.get(lang).to_owned();
        let filter = format!("{} {}", c.name.nl, c.name.en).to_lowercase();
        out.push(minijinja::context! {
            id => c.id.0,
            name => if name.is_empty() { c.name.nl.clone() } else { name },
            depth => depth.min(4),
            folder => folders.contains(&c.id),
            cls => colour_class(c.id),
            filter => filter,
        });
        if let Some(kids) = children.get(&Some(c.id)) {
            for k in kids.iter().rev() {
                stack.push((*k, depth + 1));
            }
        }
    }
    out
}

/// What the component renders of `text`: the units of `part` with their runs and margin
/// stripes, and the passages (distinct spans with their codings) that lie in the part.
#[allow(clippy::too_many_arguments)]
pub fn render(
    text: &str,
    units: &[Unit],
    part: std::ops::Range<usize>,
    marks: &[Mark],
    names: &BTreeMap<CodeId, String>,
    quote_chars: usize,
) -> minijinja::Value {
    let bytes = char_bytes(text);
    let len = bytes.len() - 1;
    let cut = |s: usize, e: usize| -> &str {
        let (s, e) = (s.min(len), e.min(len));
        &text[bytes[s]..bytes[e.max(s)]]
    };
    let shown = &units[part.clone()];
    let (from, to) = (
        shown.first().map_or(0, |u| u.start),
        shown.last().map_or(0, |u| u.end),
    );
    // Passages: distinct spans, in text order, that overlap the part.
    let mut spans: BTreeMap<(usize, usize), Vec<&Mark>> = BTreeMap::new();
    for m in marks {
        if m.start < to && m.end > from {
            spans.entry((m.start, m.end)).or_default().push(m);
        }
    }
    let passages: Vec<((usize, usize), Vec<&Mark>)> = spans.into_iter().collect();
    let passage_values: Vec<minijinja::Value> = passages
        .iter()
        .enumerate()
        .map(|(n, ((s, e), ms))| {
            let quote = cut(*s, *e);
            let short: String = quote.chars().take(quote_chars).collect();
            let short = if quote.chars().count() > quote_chars {
                format!("{}…", short.trim_end())
            } else {
                short
            };
            minijinja::context! {
                n => n + 1,
                start => s,
                end => e,
                quote => short,
                names => ms.iter().map(|m| names.get(&m.code).cloned().unwrap_or_default()).collect::<Vec<_>>().join(", "),
                codings => ms.iter().map(|m| minijinja::context! {
                    id => m.id,
                    code => m.code.0,
                    name => names.get(&m.code).cloned().unwrap_or_default(),
                    cls => colour_class(m.code),
                    memo => m.memo.clone(),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let mut blocks = Vec::with_capacity(shown.len());
    for (k, u) in shown.iter().enumerate() {
        let index = part.start + k;
        let mut cuts: BTreeSet<usize> = BTreeSet::from([u.start, u.end]);
        let inside: Vec<usize> = passages
            .iter()
            .enumerate()
            .filter(|(_, ((s, e), _))| *s < u.end && *e > u.start)
            .map(|(i, _)| i)
            .collect();
        for &i in &inside {
            let (s, e) = passages[i].0;
            cuts.insert(s.clamp(u.start, u.end));
            cuts.insert(e.clamp(u.start, u.end));
        }
        let cuts: Vec<usize> = cuts.into_iter().collect();
        let mut runs = Vec::with_capacity(cuts.len());
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a == b {
                continue;
            }
            let covering: Vec<usize> = inside
                .iter()
                .copied()
                .filter(|&i| passages[i].0 .0 <= a && passages[i].0 .1 >= b)
                .collect();
            // the colour of the shortest passage over the run, its first code
            let colour = covering
                .iter()
                .min_by_key(|&&i| (passages[i].0 .1 - passages[i].0 .0, i))
                .map(|&i| colour_class(passages[i].1[0].code));
            runs.push(minijinja::context! {
                s => a,
                text => cut(a, b),
                marks => covering.iter().map(|i| format!("pc-{}", i + 1)).collect::<Vec<_>>().join(" "),
                cls => colour.unwrap_or_default(),
            });
        }
        // Margin stripes: each code used in the unit once, by name.
        let mut stripes: Vec<(CodeId, String)> = Vec::new();
        for &i in &inside {
            for m in &passages[i].1 {
                if !stripes.iter().any(|(c, _)| *c == m.code) {
                    stripes.push((m.code, names.get(&m.code).cloned().unwrap_or_default()));
                }
            }
        }
        blocks.push(minijinja::context! {
            index => index,
            speaker => u.speaker.clone(),
            start => u.start,
            end => u.end,
            runs => runs,
            stripes => stripes.into_iter().map(|(c, name)| minijinja::context! { cls => colour_class(c), name => name }).collect::<Vec<_>>(),
        });
    }
    minijinja::context! {
        blocks => blocks,
        passages => passage_values,
        from => from,
        to => to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(speaker: &str, start: usize, end: usize) -> Turn {
        Turn {
            speaker: speaker.into(),
            start,
            end,
        }
    }

    #[test]
    fn a_text_without_turns_is_cut_into_paragraphs() {
        let t = "Eerste regel.\n\n  Tweede 😀 regel. \n";
        let u = units(t, &[]);
        assert_eq!(
            u.iter()
                .map(|u| t
                    .chars()
                    .skip(u.start)
                    .take(u.end - u.start)
                    .collect::<String>())
                .collect::<Vec<_>>(),
            vec!["Eerste regel.", "Tweede 😀 regel."]
        );
    }

    #[test]
    fn turns_are_units_and_their_labels_are_not() {
        let t = "Inleiding.\nAnna: Hallo daar.\nBram: Dag.";
        let u = units(t, &[turn("Anna", 17, 28), turn("Bram", 35, 39)]);
        assert_eq!(
            u,
            vec![
                Unit {
                    speaker: None,
                    start: 0,
                    end: 10
                },
                Unit {
                    speaker: Some("Anna".into()),
                    start: 17,
                    end: 28
                },
                Unit {
                    speaker: Some("Bram".into()),
                    start: 35,
                    end: 39
                },
            ]
        );
    }

    #[test]
    fn long_texts_come_in_parts_of_whole_units() {
        let u: Vec<Unit> = (0..10)
            .map(|i| Unit {
                speaker: None,
                start: i * 15_000,
                end: i * 15_000 + 14_000,
            })
            .collect();
        let p = parts(&u);
        assert_eq!(p, vec![0..2, 2..4, 4..6, 6..8, 8..10]);
        assert_eq!(parts(&[]), vec![0..0]);
    }

    #[test]
    fn runs_split_at_passages_and_carry_their_start_in_code_points() {
        let t = "a😀 bcd efg";
        let u = units(t, &[]);
        let marks = [
            Mark {
                id: 1,
                code: CodeId(7),
                start: 3,
                end: 6,
                memo: String::new(),
            },
            Mark {
                id: 2,
                code: CodeId(8),
                start: 3,
                end: 6,
                memo: String::new(),
            },
        ];
        let names = BTreeMap::from([
            (CodeId(7), "Taal".to_owned()),
            (CodeId(8), "Leren".to_owned()),
        ]);
        let v = render(t, &u, 0..1, &marks, &names, 80);
        let runs = v
            .get_attr("blocks")
            .unwrap()
            .get_item(&0.into())
            .unwrap()
            .get_attr("runs")
            .unwrap();
        let got: Vec<(usize, String, String)> = runs
            .try_iter()
            .unwrap()
            .map(|r| {
                (
                    usize::try_from(r.get_attr("s").unwrap()).unwrap(),
                    r.get_attr("text").unwrap().to_string(),
                    r.get_attr("marks").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (0, "a😀 ".into(), "".into()),
                (3, "bcd".into(), "pc-1".into()),
                (6, " efg".into(), "".into()),
            ]
        );
        let p = v.get_attr("passages").unwrap().get_item(&0.into()).unwrap();
        assert_eq!(p.get_attr("names").unwrap().to_string(), "Taal, Leren");
        assert_eq!(p.get_attr("quote").unwrap().to_string(), "bcd");
    }
}
