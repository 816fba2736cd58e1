//! Documents in the study's content figures: what a coded passage of an interview, a focus
//! group, a session report or a policy document counts as, beside the open answers.
//!
//! Why it exists: a study of learning networks lives on talk as much as on questionnaires.
//! A code applied to a passage of a network's interview says as much about that network as
//! one applied to its open answer, so code presence per network (quantitizing), the
//! co-occurrence tables and the quotes read document codings too (issue 20). The rules that
//! make them comparable live here, once:
//!
//! - **Unit.** An open answer is one unit; in a document the unit is the speaker turn the
//!   passage starts in, or, in a document without turns, its paragraph (text between empty
//!   lines). Co-occurrence counts codes that occur in the same unit.
//! - **Network.** A document counts for its network; one without a network counts in the
//!   study-wide tables (co-occurrence, quotes) but for no network's code presence.
//! - **Waves.** A document of a wave counts only when that wave's answers do
//!   (`waves::select` drops the others); one without a wave always counts.
//! - **Names.** A quote from a document carries its kind and network, never a title or a
//!   speaker; every speaker name of every document is replaced by "[…]" like the registry's
//!   names.
//!
//! Invariants: pure, deterministic (documents by id, units by position).

use leernet_core::*;
use std::collections::{BTreeMap, BTreeSet};

/// The kind of a document in words, in both languages (pages and report show this, never
/// the stored name).
pub fn kind_label(kind: DocumentKind) -> Bilingual {
    let (nl, en) = match kind {
        DocumentKind::Interview => ("interview", "interview"),
        DocumentKind::FocusGroup => ("focusgroep", "focus group"),
        DocumentKind::SessionReport => ("verslag van een bijeenkomst", "session report"),
        DocumentKind::PolicyDocument => ("beleidsdocument", "policy document"),
        DocumentKind::Other => ("ander document", "other document"),
    };
    Bilingual {
        nl: nl.to_owned(),
        en: en.to_owned(),
    }
}

/// Units of a text: `[start, end)` in code points.
pub type Units = Vec<(usize, usize)>;

/// The units of a document, `[start, end)` in code points, in order: its speaker turns,
/// or, without turns, its paragraphs (runs of text between empty lines).
pub fn units(doc: &Document) -> Units {
    if !doc.turns.is_empty() {
        return doc.turns.iter().map(|t| (t.start, t.end)).collect();
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_newline = false;
    let mut end_of_text = 0;
    for (i, ch) in doc.text.chars().enumerate() {
        end_of_text = i + 1;
        if ch == '\n' {
            if last_newline {
                if let Some(s) = start.take() {
                    out.push((s, i - 1));
                }
            }
            last_newline = true;
            continue;
        }
        last_newline = false;
        if start.is_none() && !ch.is_whitespace() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, end_of_text));
    }
    out
}

/// The index of the unit a position falls in (the last unit that starts at or before it);
/// `None` before the first unit.
pub fn unit_of(units: &[(usize, usize)], pos: usize) -> Option<usize> {
    let i = units.partition_point(|u| u.0 <= pos);
    i.checked_sub(1)
}

/// Every speaker name of every document (to be replaced in quotes), as they are written.
pub fn speaker_names(data: &StudyData) -> BTreeSet<String> {
    data.documents
        .iter()
        .flat_map(|d| d.turns.iter())
        .map(|t| t.speaker.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A coding of a document located in its unit: what the content figures read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located<'a> {
    pub document: &'a Document,
    /// The unit the passage starts in (index into [`units`]).
    pub unit: usize,
    pub coding: &'a DocumentCoding,
}

/// Every document coding whose document is in the data and whose span lies in its text,
/// with its unit, by document, unit and coding id.
pub fn located(data: &StudyData) -> Vec<Located<'_>> {
    let docs: BTreeMap<DocumentId, (&Document, Units)> = data
        .documents
        .iter()
        .map(|d| (d.info.id, (d, units(d))))
        .collect();
    let mut out: Vec<Located<'_>> = data
        .document_codings
        .iter()
        .filter_map(|c| {
            let (d, us) = docs.get(&c.span.document)?;
            if c.span.end > d.info.chars || c.span.start >= c.span.end {
                return None;
            }
            Some(Located {
                document: d,
                unit: unit_of(us, c.span.start).unwrap_or(0),
                coding: c,
            })
        })
        .collect();
    out.sort_by_key(|l| (l.document.info.id, l.unit, l.coding.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str, turns: Vec<Turn>) -> Document {
        Document {
            info: DocumentInfo {
                id: DocumentId(1),
                title: "t".into(),
                kind: DocumentKind::Interview,
                network: None,
                workplace: None,
                wave: None,
                date: None,
                file_name: "t.txt".into(),
                chars: text.chars().count(),
            },
            text: text.into(),
            turns,
        }
    }

    #[test]
    fn paragraphs_are_units_without_turns() {
        let d = doc("één\ntwee\n\n\ndrie 😀\n", vec![]);
        assert_eq!(units(&d), vec![(0, 8), (11, 18)]);
        assert_eq!(unit_of(&units(&d), 0), Some(0));
        assert_eq!(unit_of(&units(&d), 10), Some(0));
        assert_eq!(unit_of(&units(&d), 11), Some(1));
    }

    #[test]
    fn turns_are_units_when_there_are_turns() {
        let d = doc(
            "A: ja\nB: nee",
            vec![
                Turn {
                    speaker: "A".into(),
                    start: 3,
                    end: 5,
                },
                Turn {
                    speaker: "B".into(),
                    start: 9,
                    end: 12,
                },
            ],
        );
        assert_eq!(units(&d), vec![(3, 5), (9, 12)]);
        assert_eq!(unit_of(&units(&d), 0), None);
        assert_eq!(unit_of(&units(&d), 10), Some(1));
    }
}
