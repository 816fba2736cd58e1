//! How well coders agree, per code and overall, on answers and on segments.
//!
//! Why it exists: the coding pages and the report's method section must show the same
//! agreement figures, computed once, by the statistics engine (`leernet-stats`), from units
//! defined here.
//!
//! Units:
//! - **by answer**: every (answer, code) pair where the code belongs to a family some coder
//!   used on that question; each coder codes it present (1) or absent (0). The same units as
//!   the report's agreement sentence (`quotes.rs`).
//! - **by segment** (as MAXQDA does): within one answer and one code, each coder's segments
//!   are aligned: a segment anchors a unit, and each other coder's not yet aligned segment
//!   that overlaps it most joins the unit when the overlap is at least the stated share of
//!   the two segments together (intersection over union). A unit is present (the code) or
//!   absent (0) per coder; a segment left unaligned is a unit on its own, a disagreement.
//!   Text nobody coded makes no unit, so it cannot inflate the figures. Overall, the
//!   category of a present segment is its code, so a unit agrees only on the same code.
//!
//! Coefficients: percent agreement (mean pairwise), Cohen's kappa (two coders only) and
//! Krippendorff's alpha (nominal), each `None` with its reason when the engine says it is
//! undefined (say, a code that only one category ever took). By segment, one code's units
//! all hold a segment of at least one coder, so "both absent" never occurs and Cohen's kappa
//! and Krippendorff's alpha could never be positive there: per code by segment they are left
//! out, and Brennan and Prediger's κₙ (chance 1/q with q the number of codes compared, as
//! MAXQDA reports it) is given instead, overall too.
//!
//! Which answers count: every answer given to a coded question counts, and a coder who gave
//! an answer no code counts as "code absent" on it. How many answers each coder left without
//! a code is reported, and the by-answer figures again over the answers every coder coded,
//! when those are fewer.

use leernet_core::*;
use leernet_stats::agreement;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The share of overlap two segments need to count as the same segment, unless stated.
pub const DEFAULT_OVERLAP: f64 = 0.5;

/// Coefficients over one set of units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficients {
    pub units: usize,
    pub percent_agreement: Option<f64>,
    pub cohen_kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
    /// Brennan and Prediger's κₙ (segments only), with its number of equally likely
    /// categories (the codes compared).
    pub kappa_n: Option<f64>,
    pub kappa_n_categories: Option<usize>,
    /// Why a coefficient is missing (the engine's words), if one is.
    pub notes: Vec<String>,
}

/// Why one code's segment units have no Cohen's kappa or Krippendorff's alpha.
pub const NO_CHANCE_MODEL_PER_CODE: &str = "per code by segment every unit holds a segment of at least one coder, so 'both absent' never occurs and Cohen's kappa and Krippendorff's alpha could not be positive: Brennan and Prediger's kappa is given instead";

/// One code's agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeAgreement {
    pub code: CodeId,
    pub key: String,
    pub by_answer: Coefficients,
    pub by_segment: Coefficients,
}

/// The agreement of a set of coders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodingAgreement {
    pub coders: Vec<PersonId>,
    /// The overlap share used to match segments.
    pub overlap: f64,
    pub answers: usize,
    pub by_answer: Coefficients,
    pub by_segment: Coefficients,
    pub codes: Vec<CodeAgreement>,
    /// Per coder (in the order of `coders`): the answers they gave no code.
    pub uncoded: Vec<usize>,
    /// The answers no coder gave a code.
    pub uncoded_by_all: usize,
    /// The answers every coder gave at least one code.
    pub answers_coded_by_all: usize,
    /// The by-answer figures over those answers only, when they are fewer than `answers`.
    pub by_answer_coded_by_all: Option<Coefficients>,
}

/// The (answer, code) and segment units, as the statistics engine takes them: one row per
/// unit, one column per coder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Units {
    pub by_answer: Vec<Vec<Option<u32>>>,
    pub by_segment: Vec<Vec<Option<u32>>>,
}

/// Each coder's spans of one code in one answer.
type SpansPerCoder = Vec<Vec<(usize, usize)>>;

fn family(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// Share of overlap of two half-open spans: intersection over union.
pub fn overlap_share(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    if union == 0 {
        return 0.0;
    }
    inter as f64 / union as f64
}

/// Aligns the segments of several coders (one code, one answer) into units: for each unit,
/// which coders have a segment in it. `segments[c]` are coder `c`'s spans.
pub fn align_segments(segments: &[Vec<(usize, usize)>], overlap: f64) -> Vec<Vec<bool>> {
    let m = segments.len();
    let mut all: Vec<(usize, usize, usize, usize)> = Vec::new(); // start, end, coder, index
    for (c, segs) in segments.iter().enumerate() {
        for (i, s) in segs.iter().enumerate() {
            all.push((s.0, s.1, c, i));
        }
    }
    all.sort_unstable();
    let mut used: Vec<Vec<bool>> = segments.iter().map(|s| vec![false; s.len()]).collect();
    let mut units = Vec::new();
    for &(start, end, c, i) in &all {
        if used[c][i] {
            continue;
        }
        used[c][i] = true;
        let mut unit = vec![false; m];
        unit[c] = true;
        for (d, segs) in segments.iter().enumerate() {
            if d == c {
                continue;
            }
            let best = segs
                .iter()
                .enumerate()
                .filter(|(j, _)| !used[d][*j])
                .map(|(j, s)| (overlap_share((start, end), *s), j))
                .filter(|(share, _)| *share >= overlap && *share > 0.0)
                .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
            if let Some((_, j)) = best {
                used[d][j] = true;
                unit[d] = true;
            }
        }
        units.push(unit);
    }
    units
}

/// Computes the coefficients of a table of units with the statistics engine.
pub fn coefficients(units: &[Vec<Option<u32>>]) -> Coefficients {
    let mut notes = Vec::new();
    let mut keep = |r: leernet_stats::StatsResult<f64>| match r {
        Ok(v) if v.is_finite() => Some(v),
        Ok(_) => None,
        Err(e) => {
            let s = e.to_string();
            if !notes.contains(&s) {
                notes.push(s);
            }
            None
        }
    };
    let two = units.first().is_some_and(|u| u.len() == 2);
    let pa = keep(agreement::percent_agreement(units));
    let kappa = if two {
        keep(agreement::cohen_kappa_units(units))
    } else {
        None
    };
    let alpha = keep(agreement::krippendorff_alpha_nominal(units));
    Coefficients {
        units: units.len(),
        percent_agreement: pa,
        cohen_kappa: kappa,
        krippendorff_alpha: alpha,
        kappa_n: None,
        kappa_n_categories: None,
        notes,
    }
}

/// Adds Brennan and Prediger's κₙ with `codes` equally likely categories to `c`.
fn with_kappa_n(mut c: Coefficients, units: &[Vec<Option<u32>>], codes: usize) -> Coefficients {
    match agreement::brennan_prediger(units, codes) {
        Ok(k) if k.is_finite() => {
            c.kappa_n = Some(k);
            c.kappa_n_categories = Some(codes);
        }
        Ok(_) => {}
        Err(e) => {
            let s = e.to_string();
            if !c.notes.contains(&s) {
                c.notes.push(s);
            }
        }
    }
    c
}

/// One code's segment units: percent agreement and κₙ; no Cohen's kappa or Krippendorff's
/// alpha ([`NO_CHANCE_MODEL_PER_CODE`]).
fn code_segment_coefficients(units: &[Vec<Option<u32>>], codes: usize) -> Coefficients {
    let mut c = coefficients(units);
    c.cohen_kappa = None;
    c.krippendorff_alpha = None;
    c.notes.retain(|n| n.starts_with("no data"));
    c.notes.push(NO_CHANCE_MODEL_PER_CODE.to_owned());
    with_kappa_n(c, units, codes)
}

/// One coder's coded span in one unit, whatever the unit is: an answer (response and
/// question), or a speaker turn or paragraph of a document.
#[derive(Debug, Clone)]
struct Mark<K> {
    unit: K,
    coder: PersonId,
    code: CodeId,
    start: usize,
    end: usize,
}

/// The units of `units` coded by `coders`, per code, for the codes of every family some of
/// these coders used in the unit's scope (for answers: the question; for a document
/// assignment: all of its documents). Marks of other coders, of other units, and of codes
/// not in `codebooks` are left out.
fn units_of_marks<K: Ord + Clone, S: Ord + Clone>(
    codebooks: &[Codebook],
    marks: &[Mark<K>],
    units: &[K],
    scope: impl Fn(&K) -> S,
    coders: &[PersonId],
    overlap: f64,
) -> BTreeMap<CodeId, Units> {
    let codes: BTreeMap<CodeId, &Code> = codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, c))
        .collect();
    let col: BTreeMap<PersonId, usize> = coders.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let wanted: BTreeSet<&K> = units.iter().collect();
    // (unit, code) -> spans per coder
    let mut spans: BTreeMap<(&K, CodeId), SpansPerCoder> = BTreeMap::new();
    let mut fams: BTreeMap<S, BTreeSet<&str>> = BTreeMap::new();
    for m in marks {
        let (Some(&i), Some(code)) = (col.get(&m.coder), codes.get(&m.code)) else {
            continue;
        };
        if !wanted.contains(&m.unit) {
            continue;
        }
        fams.entry(scope(&m.unit))
            .or_default()
            .insert(family(&code.key));
        spans
            .entry((&m.unit, m.code))
            .or_insert_with(|| vec![Vec::new(); coders.len()])[i]
            .push((m.start, m.end));
    }
    let mut out: BTreeMap<CodeId, Units> = BTreeMap::new();
    for k in units {
        let Some(fs) = fams.get(&scope(k)) else {
            continue;
        };
        for code in codes.values().filter(|c| fs.contains(family(&c.key))) {
            let u = out.entry(code.id).or_default();
            let segs = spans.get(&(k, code.id));
            u.by_answer.push(
                (0..coders.len())
                    .map(|i| Some(u32::from(segs.is_some_and(|s| !s[i].is_empty()))))
                    .collect(),
            );
            if let Some(segs) = segs {
                for unit in align_segments(segs, overlap) {
                    u.by_segment
                        .push(unit.iter().map(|&p| Some(u32::from(p))).collect());
                }
            }
        }
    }
    out
}

fn answer_marks(codings: &[Coding]) -> Vec<Mark<(ResponseId, String)>> {
    codings
        .iter()
        .map(|c| Mark {
            unit: (c.segment.response, c.segment.question.clone()),
            coder: c.coder,
            code: c.code,
            start: c.segment.start,
            end: c.segment.end,
        })
        .collect()
}

/// The units of the given answers (response, question) coded by `coders`, per code, for
/// the codes of every family some of these coders used on the question. Codings of other
/// coders, of other answers, and of codes not in `codebooks` are left out.
pub fn units_per_code(
    codebooks: &[Codebook],
    codings: &[Coding],
    answers: &[(ResponseId, String)],
    coders: &[PersonId],
    overlap: f64,
) -> BTreeMap<CodeId, Units> {
    units_of_marks(
        codebooks,
        &answer_marks(codings),
        answers,
        |k| k.1.clone(),
        coders,
        overlap,
    )
}

/// The agreement of `coders` on `answers`, per code and overall.
pub fn agreement_of(
    codebooks: &[Codebook],
    codings: &[Coding],
    answers: &[(ResponseId, String)],
    coders: &[PersonId],
    overlap: f64,
) -> Option<CodingAgreement> {
    agreement_of_marks(
        codebooks,
        &answer_marks(codings),
        answers,
        |k| k.1.clone(),
        coders,
        overlap,
    )
}

/// A unit of a document: the document and the index of its speaker turn (or paragraph,
/// without turns) in [`crate::documents::units`].
pub type DocumentUnit = (DocumentId, usize);

/// The coders' codings of documents as marks in their units: each in the unit (speaker
/// turn, or paragraph without turns) it starts in, as the co-occurrence tables count them
/// (`documents::located`); a coding of a document not given, or outside its text, is left
/// out. Also every unit of the documents, in order.
fn document_marks(
    documents: &[Document],
    codings: &[DocumentCoding],
) -> (Vec<Mark<DocumentUnit>>, Vec<DocumentUnit>) {
    let docs: BTreeMap<DocumentId, (&Document, crate::documents::Units)> = documents
        .iter()
        .map(|d| (d.info.id, (d, crate::documents::units(d))))
        .collect();
    let units: Vec<DocumentUnit> = documents
        .iter()
        .flat_map(|d| {
            let n = docs.get(&d.info.id).map_or(0, |(_, u)| u.len());
            (0..n).map(move |k| (d.info.id, k))
        })
        .collect();
    let marks = codings
        .iter()
        .filter_map(|c| {
            let (d, us) = docs.get(&c.span.document)?;
            if c.span.end > d.info.chars || c.span.start >= c.span.end || us.is_empty() {
                return None;
            }
            Some(Mark {
                unit: (
                    d.info.id,
                    crate::documents::unit_of(us, c.span.start).unwrap_or(0),
                ),
                coder: c.coder,
                code: c.code,
                start: c.span.start,
                end: c.span.end,
            })
        })
        .collect();
    (marks, units)
}

/// The agreement of `coders` on the codings of `documents` (an assignment of documents),
/// per code and overall. The unit is the speaker turn, or the paragraph in a document
/// without turns (`documents::units`): every unit of the documents counts, as every answer
/// does, a code being present or absent in it per coder (present when one of the coder's
/// codings of it starts in the unit); by segment, the coders' spans of a code are aligned
/// within the unit. The figures' `answers` are these units. The codes compared are those of
/// every family some of these coders used in the documents.
pub fn document_agreement_of(
    codebooks: &[Codebook],
    documents: &[Document],
    codings: &[DocumentCoding],
    coders: &[PersonId],
    overlap: f64,
) -> Option<CodingAgreement> {
    let (marks, units) = document_marks(documents, codings);
    agreement_of_marks(codebooks, &marks, &units, |_| (), coders, overlap)
}

/// Where the coders of a document assignment differ on one code: a unit (speaker turn or
/// paragraph) in which the code is not present for every coder, or in which some coder's
/// span of it finds no span of every other coder at the overlap share; with each coder's
/// spans of the code there (in the order of `coders`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDifference {
    pub document: DocumentId,
    /// Index into [`crate::documents::units`] of the document.
    pub unit: usize,
    /// `[start, end)` of the unit, in code points.
    pub span: (usize, usize),
    pub spans: Vec<Vec<(usize, usize)>>,
}

/// The units of `documents` in which `coders` differ on `code` (see [`UnitDifference`]),
/// by document (in the order given) and unit: what the agreement figures count as
/// disagreement, by unit and by segment.
pub fn document_differences(
    documents: &[Document],
    codings: &[DocumentCoding],
    coders: &[PersonId],
    code: CodeId,
    overlap: f64,
) -> Vec<UnitDifference> {
    let (marks, units) = document_marks(documents, codings);
    let col: BTreeMap<PersonId, usize> = coders.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let mut spans: BTreeMap<DocumentUnit, SpansPerCoder> = BTreeMap::new();
    for m in marks.iter().filter(|m| m.code == code) {
        if let Some(&i) = col.get(&m.coder) {
            spans
                .entry(m.unit)
                .or_insert_with(|| vec![Vec::new(); coders.len()])[i]
                .push((m.start, m.end));
        }
    }
    let bounds: BTreeMap<DocumentId, crate::documents::Units> = documents
        .iter()
        .map(|d| (d.info.id, crate::documents::units(d)))
        .collect();
    let mut out = Vec::new();
    for k in &units {
        let Some(s) = spans.get(k) else { continue };
        let differ = align_segments(s, overlap)
            .iter()
            .any(|u| u.iter().any(|p| !p));
        if differ {
            let mut s = s.clone();
            for v in &mut s {
                v.sort_unstable();
            }
            out.push(UnitDifference {
                document: k.0,
                unit: k.1,
                span: bounds
                    .get(&k.0)
                    .and_then(|u| u.get(k.1))
                    .copied()
                    .unwrap_or((0, 0)),
                spans: s,
            });
        }
    }
    out
}

/// The agreement of `coders` on the marks in `units`, per code and overall.
fn agreement_of_marks<K: Ord + Clone, S: Ord + Clone>(
    codebooks: &[Codebook],
    marks: &[Mark<K>],
    answers: &[K],
    scope: impl Fn(&K) -> S + Copy,
    coders: &[PersonId],
    overlap: f64,
) -> Option<CodingAgreement> {
    if coders.len() < 2 {
        return None;
    }
    let per = units_of_marks(codebooks, marks, answers, scope, coders, overlap);
    if per.is_empty() {
        return None;
    }
    let compared = per.len();
    let keys: BTreeMap<CodeId, &str> = codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, c.key.as_str()))
        .collect();
    let mut all_answer = Vec::new();
    let mut all_segment = Vec::new();
    let mut codes = Vec::new();
    // Overall, a present segment's category is its code (numbered from 1; 0 is absent).
    for (n, (code, u)) in per.iter().enumerate() {
        all_answer.extend(u.by_answer.iter().cloned());
        let cat = n as u32 + 1;
        all_segment.extend(u.by_segment.iter().map(|row| {
            row.iter()
                .map(|v| v.map(|x| if x == 1 { cat } else { 0 }))
                .collect::<Vec<_>>()
        }));
        codes.push(CodeAgreement {
            code: *code,
            key: keys.get(code).copied().unwrap_or_default().to_owned(),
            by_answer: coefficients(&u.by_answer),
            by_segment: code_segment_coefficients(&u.by_segment, compared),
        });
    }
    codes.sort_by(|a, b| a.key.cmp(&b.key));
    // Which units each coder coded (a mark of a code of the codebooks counts).
    let known: BTreeSet<CodeId> = codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| c.id)
        .collect();
    let coded: Vec<BTreeSet<&K>> = coders
        .iter()
        .map(|p| {
            marks
                .iter()
                .filter(|m| m.coder == *p && known.contains(&m.code))
                .map(|m| &m.unit)
                .collect()
        })
        .collect();
    let by = |i: usize, k: &K| coded[i].contains(k);
    let uncoded: Vec<usize> = (0..coders.len())
        .map(|i| answers.iter().filter(|a| !by(i, a)).count())
        .collect();
    let uncoded_by_all = answers
        .iter()
        .filter(|a| (0..coders.len()).all(|i| !by(i, a)))
        .count();
    let full: Vec<K> = answers
        .iter()
        .filter(|a| (0..coders.len()).all(|i| by(i, a)))
        .cloned()
        .collect();
    let by_answer_coded_by_all = (full.len() < answers.len()).then(|| {
        let units: Vec<Vec<Option<u32>>> =
            units_of_marks(codebooks, marks, &full, scope, coders, overlap)
                .into_values()
                .flat_map(|u| u.by_answer)
                .collect();
        coefficients(&units)
    });
    Some(CodingAgreement {
        coders: coders.to_vec(),
        overlap,
        answers: answers.len(),
        by_answer: coefficients(&all_answer),
        by_segment: with_kappa_n(coefficients(&all_segment), &all_segment, compared),
        codes,
        uncoded,
        uncoded_by_all,
        answers_coded_by_all: full.len(),
        by_answer_coded_by_all,
    })
}

/// The agreement over the whole study: every coder with codings (in id order), every
/// submitted, non-empty answer to a question somebody coded.
pub fn study_agreement(data: &StudyData, overlap: f64) -> Option<CodingAgreement> {
    let coders: Vec<PersonId> = data
        .codings
        .iter()
        .map(|c| c.coder)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let questions: BTreeSet<&str> = data
        .codings
        .iter()
        .map(|c| c.segment.question.as_str())
        .collect();
    let mut answers = Vec::new();
    for r in data
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Submitted)
    {
        for q in &questions {
            if r.answers.get(*q).is_some_and(|t| !t.trim().is_empty()) {
                answers.push((r.id, (*q).to_owned()));
            }
        }
    }
    agreement_of(&data.codebooks, &data.codings, &answers, &coders, overlap)
}

/// The codings an analysis should read: for an answer with a consensus, the consensus
/// codings; for every other answer, the coders' own. Without consensus codings this is
/// `codings` unchanged.
pub fn with_consensus(codings: &[Coding], consensus: &[Coding]) -> Vec<Coding> {
    let settled: BTreeSet<(ResponseId, &str)> = consensus
        .iter()
        .map(|c| (c.segment.response, c.segment.question.as_str()))
        .collect();
    codings
        .iter()
        .filter(|c| !settled.contains(&(c.segment.response, c.segment.question.as_str())))
        .chain(consensus)
        .cloned()
        .collect()
}

/// The codings the content figures read (code presence, co-occurrence, quotes): per
/// answer the consensus where one exists, else the coders' own — [`with_consensus`] over
/// the study data. Agreement figures and the auto-coder's precision and recall read
/// `data.codings` instead.
pub fn content_codings(data: &StudyData) -> Vec<Coding> {
    let settled: BTreeSet<(ResponseId, &str)> =
        data.settled.iter().map(|(r, q)| (*r, q.as_str())).collect();
    // An answer settled on "no code" has no consensus coding: none of its codings count.
    let own: Vec<Coding> = data
        .codings
        .iter()
        .filter(|c| !settled.contains(&(c.segment.response, c.segment.question.as_str())))
        .cloned()
        .collect();
    with_consensus(&own, &data.consensus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_intersection_over_union() {
        assert_eq!(overlap_share((0, 10), (0, 10)), 1.0);
        assert_eq!(overlap_share((0, 10), (5, 15)), 5.0 / 15.0);
        assert_eq!(overlap_share((0, 10), (10, 20)), 0.0);
    }

    #[test]
    fn segments_align_by_the_stated_share() {
        // Coder 0: [0,10) and [20,30); coder 1: [2,10) and [40,50).
        let segs = vec![vec![(0, 10), (20, 30)], vec![(2, 10), (40, 50)]];
        let units = align_segments(&segs, 0.5);
        assert_eq!(
            units,
            vec![vec![true, true], vec![true, false], vec![false, true]]
        );
        assert_eq!(units.len(), 3, "one match, two single segments");
        assert_eq!(units.iter().filter(|u| u[0] && u[1]).count(), 1);
        // With a stricter share the first pair (8/10 overlap) no longer matches.
        assert_eq!(align_segments(&segs, 0.9).len(), 4);
    }

    fn coding(id: i64, r: i64, code: i64, coder: i64, s: usize, e: usize) -> Coding {
        Coding {
            id: CodingId(id),
            segment: Segment {
                response: ResponseId(r),
                question: "q".into(),
                start: s,
                end: e,
            },
            code: CodeId(code),
            coder: PersonId(coder),
            memo: String::new(),
        }
    }

    #[test]
    fn uncoded_text_does_not_count_and_figures_come_from_the_engine() {
        let code = |id: i64, key: &str| Code {
            id: CodeId(id),
            key: key.into(),
            parent: None,
            name: Bilingual::default(),
            description: Bilingual::default(),
            inclusion: Bilingual::default(),
            exclusion: Bilingual::default(),
            examples: Bilingual::default(),
            colour: None,
        };
        let books = vec![Codebook {
            id: CodebookId(1),
            name: "b".into(),
            version: 1,
            codes: vec![code(1, "t.a"), code(2, "t.b"), code(3, "other.c")],
        }];
        let codings = vec![
            coding(1, 1, 1, 10, 0, 10),
            coding(2, 1, 1, 11, 1, 10),
            coding(3, 2, 2, 10, 0, 5),
            coding(4, 3, 1, 11, 0, 4),
        ];
        let answers: Vec<(ResponseId, String)> =
            (1..=4).map(|r| (ResponseId(r), "q".to_owned())).collect();
        let coders = [PersonId(10), PersonId(11)];
        let a = agreement_of(&books, &codings, &answers, &coders, 0.5).unwrap();
        // Family "other" was never used on q: its code makes no units.
        assert_eq!(a.codes.len(), 2);
        assert_eq!(a.by_answer.units, 8);
        // Segments: one match (a on 1), b on 2 by coder 10 only, a on 3 by 11 only.
        assert_eq!(a.by_segment.units, 3);
        let seg_units = vec![
            vec![Some(1), Some(1)],
            vec![Some(0), Some(1)],
            vec![Some(2), Some(0)],
        ];
        let expect = coefficients(&seg_units);
        assert_eq!(a.by_segment.percent_agreement, expect.percent_agreement);
        assert_eq!(a.by_segment.cohen_kappa, expect.cohen_kappa);
        assert_eq!(
            a.by_segment.percent_agreement,
            agreement::percent_agreement(&seg_units).ok()
        );
    }

    fn book(keys: &[&str]) -> Vec<Codebook> {
        vec![Codebook {
            id: CodebookId(1),
            name: "b".into(),
            version: 1,
            codes: keys
                .iter()
                .enumerate()
                .map(|(i, k)| Code {
                    id: CodeId(i as i64 + 1),
                    key: (*k).into(),
                    parent: None,
                    name: Bilingual::default(),
                    description: Bilingual::default(),
                    inclusion: Bilingual::default(),
                    exclusion: Bilingual::default(),
                    examples: Bilingual::default(),
                    colour: None,
                })
                .collect(),
        }]
    }

    #[test]
    fn a_code_both_coders_mostly_matched_on_segments_gets_a_high_figure() {
        // Code 1 on 27 answers: 24 segments matched, 2 by coder 10 only, 1 by coder 11 only
        // (the demo's slow.own_strength had 24 of 27 and got kappa -0.05). Code 2 on one
        // more answer by both, so that two codes are compared.
        let books = book(&["t.a", "t.b"]);
        let mut codings = Vec::new();
        let mut id = 0;
        let mut add = |r: i64, code: i64, coder: i64| {
            id += 1;
            codings.push(coding(id, r, code, coder, 0, 10));
        };
        for r in 1..=27 {
            if r <= 26 {
                add(r, 1, 10);
            }
            if r <= 24 || r == 27 {
                add(r, 1, 11);
            }
        }
        add(28, 2, 10);
        add(28, 2, 11);
        let answers: Vec<(ResponseId, String)> =
            (1..=28).map(|r| (ResponseId(r), "q".to_owned())).collect();
        let a = agreement_of(
            &books,
            &codings,
            &answers,
            &[PersonId(10), PersonId(11)],
            0.5,
        )
        .unwrap();
        let seg = &a.codes[0].by_segment;
        assert_eq!(seg.units, 27);
        let po = 24.0 / 27.0;
        assert!((seg.percent_agreement.unwrap() - po).abs() < 1e-12);
        // The reference: (po - 1/q) / (1 - 1/q) with q = 2 codes compared.
        let kn = (po - 0.5) / (1.0 - 0.5);
        assert!((seg.kappa_n.unwrap() - kn).abs() < 1e-12, "{seg:?}");
        assert_eq!(seg.kappa_n_categories, Some(2));
        assert!(seg.kappa_n.unwrap() > 0.7);
        // Cohen's kappa and Krippendorff's alpha, which could not be positive here, are not
        // given per code by segment; the reason is.
        assert!(seg.cohen_kappa.is_none() && seg.krippendorff_alpha.is_none());
        assert!(seg.notes.iter().any(|n| n == NO_CHANCE_MODEL_PER_CODE));
        // Every coder coded every answer here but the last one (coder 10 left 27, coder 11
        // left 25 and 26 uncoded).
        assert_eq!(a.uncoded, vec![1, 2]);
        assert_eq!(a.uncoded_by_all, 0);
        assert_eq!(a.answers_coded_by_all, 25);
        let full = a.by_answer_coded_by_all.as_ref().unwrap();
        assert_eq!(full.units, 25 * 2);
        assert!(full.percent_agreement.unwrap() > a.by_answer.percent_agreement.unwrap());
    }

    #[test]
    fn when_every_coder_coded_every_answer_the_figures_are_not_repeated() {
        let books = book(&["t.a", "t.b"]);
        let codings = vec![
            coding(1, 1, 1, 10, 0, 5),
            coding(2, 1, 1, 11, 0, 5),
            coding(3, 2, 2, 10, 0, 5),
            coding(4, 2, 1, 11, 0, 5),
        ];
        let answers: Vec<(ResponseId, String)> =
            (1..=2).map(|r| (ResponseId(r), "q".to_owned())).collect();
        let a = agreement_of(
            &books,
            &codings,
            &answers,
            &[PersonId(10), PersonId(11)],
            0.5,
        )
        .unwrap();
        assert_eq!(a.uncoded, vec![0, 0]);
        assert_eq!(a.answers_coded_by_all, 2);
        assert!(a.by_answer_coded_by_all.is_none());
        assert_eq!(a.by_segment.kappa_n_categories, Some(2));
    }

    /// A document of `turns` turns of ten characters each ("Sx: ......" is not needed: the
    /// turns are given), and one without turns of two paragraphs.
    fn documents() -> Vec<Document> {
        let info = |id: i64, chars: usize| DocumentInfo {
            id: DocumentId(id),
            title: format!("d{id}"),
            kind: DocumentKind::Interview,
            network: None,
            workplace: None,
            wave: None,
            date: None,
            file_name: "d.txt".into(),
            chars,
        };
        let text: String = "0123456789".repeat(8);
        let turns = (0..8)
            .map(|k| Turn {
                speaker: if k % 2 == 0 { "A" } else { "B" }.into(),
                start: 10 * k,
                end: 10 * k + 10,
            })
            .collect();
        let para = "eerste alinea\n\ntweede alinea".to_owned();
        vec![
            Document {
                info: info(1, 80),
                text,
                turns,
            },
            Document {
                info: info(2, para.chars().count()),
                text: para,
                turns: vec![],
            },
        ]
    }

    fn dcoding(id: i64, doc: i64, code: i64, coder: i64, s: usize, e: usize) -> DocumentCoding {
        DocumentCoding {
            id: DocumentCodingId(id),
            span: DocumentSpan {
                document: DocumentId(doc),
                start: s,
                end: e,
            },
            code: CodeId(code),
            coder: PersonId(coder),
            memo: String::new(),
        }
    }

    #[test]
    fn document_agreement_counts_turns_and_paragraphs_and_matches_a_hand_computation() {
        // Ten units: eight turns of document 1 and two paragraphs of document 2.
        // Code 1: coder 10 in units 0, 1, 2, 3; coder 11 in units 0, 1, 2 and 8 (the first
        // paragraph). Code 2 (the same family) by coder 10 only, in unit 9.
        let books = book(&["t.a", "t.b"]);
        let codings = vec![
            dcoding(1, 1, 1, 10, 0, 5),
            dcoding(2, 1, 1, 10, 12, 18),
            dcoding(3, 1, 1, 10, 20, 30),
            dcoding(4, 1, 1, 10, 31, 33),
            dcoding(5, 1, 1, 11, 0, 5),
            dcoding(6, 1, 1, 11, 12, 18),
            dcoding(7, 1, 1, 11, 21, 30),
            dcoding(8, 2, 1, 11, 0, 6),
            dcoding(9, 2, 2, 10, 15, 21),
            // outside the text: left out
            dcoding(10, 1, 2, 11, 70, 99),
        ];
        let coders = [PersonId(10), PersonId(11)];
        let a = document_agreement_of(&books, &documents(), &codings, &coders, 0.5).unwrap();
        assert_eq!(a.answers, 10, "8 turns and 2 paragraphs");
        let c1 = &a.codes[0].by_answer;
        assert_eq!(c1.units, 10);
        // By hand: both present 3, coder 10 only 1, coder 11 only 1, both absent 5.
        // p_o = 8/10; p_e = 0.4 * 0.4 + 0.6 * 0.6 = 0.52; kappa = (0.8 - 0.52) / 0.48.
        let kappa = (0.8 - 0.52) / (1.0 - 0.52);
        assert!((c1.cohen_kappa.unwrap() - kappa).abs() < 1e-12, "{c1:?}");
        assert!((kappa - 0.583_333_333).abs() < 1e-6);
        // Krippendorff: 20 values, 8 present and 12 absent, 2 disagreeing units;
        // alpha = 1 - (n - 1) * 2 * 2 / (2 * 8 * 12) = 1 - 76 / 192.
        let alpha = 1.0 - 76.0 / 192.0;
        assert!(
            (c1.krippendorff_alpha.unwrap() - alpha).abs() < 1e-12,
            "{c1:?}"
        );
        assert!((c1.percent_agreement.unwrap() - 0.8).abs() < 1e-12);
        // The same figures as the statistics engine's reference-tested kappa on the units.
        let rows: Vec<Vec<Option<u32>>> = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
            .iter()
            .zip([1, 1, 1, 0, 0, 0, 0, 0, 1, 0])
            .map(|(x, y)| vec![Some(*x), Some(y)])
            .collect();
        assert_eq!(
            c1.cohen_kappa,
            agreement::cohen_kappa_units(&rows).ok(),
            "the engine's kappa on the same units"
        );
        // By segment: units 0, 1, 2 match (unit 2: 9/10 overlap), unit 3 and 8 one coder each.
        assert_eq!(a.codes[0].by_segment.units, 5);
        // Where they differ on code 1: unit 3 (coder 10 only) and document 2's first
        // paragraph (coder 11 only), with each coder's spans.
        let d = document_differences(&documents(), &codings, &coders, CodeId(1), 0.5);
        assert_eq!(
            d,
            vec![
                UnitDifference {
                    document: DocumentId(1),
                    unit: 3,
                    span: (30, 40),
                    spans: vec![vec![(31, 33)], vec![]],
                },
                UnitDifference {
                    document: DocumentId(2),
                    unit: 0,
                    span: (0, 13),
                    spans: vec![vec![], vec![(0, 6)]],
                },
            ]
        );
        // A stricter overlap makes unit 2 (9/10) a difference too.
        let strict = document_differences(&documents(), &codings, &coders, CodeId(1), 0.95);
        assert_eq!(strict.len(), 3);
        assert_eq!((strict[0].document, strict[0].unit), (DocumentId(1), 2));
        // Each coder left units without a code: coder 10 five (4..=8), coder 11 six.
        assert_eq!(a.uncoded, vec![5, 6]);
    }

    #[test]
    fn consensus_replaces_the_coders_codings_of_its_answer_only() {
        let own = vec![coding(1, 1, 1, 10, 0, 5), coding(2, 2, 1, 10, 0, 5)];
        assert_eq!(with_consensus(&own, &[]), own);
        let consensus = vec![coding(3, 1, 2, 99, 0, 3)];
        let got = with_consensus(&own, &consensus);
        assert_eq!(got.iter().map(|c| c.id.0).collect::<Vec<_>>(), vec![2, 3]);
    }
}
