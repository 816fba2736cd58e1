//! Which codes of one family occur together in the same open answer: the co-occurrence
//! table behind the report's heat map.
//!
//! Why it exists: a ranking of themes says what networks learn about; which themes are
//! named together says how those subjects hang together in practice (poverty with mental
//! health, youth with collaboration). The overview names the family per section
//! (`codes = "theme"` in `content/overview.toml`), so the table sits beside that section's
//! figures.
//!
//! Method: the unit is one open answer (a response's answer to one question). A code is
//! present in an answer when any coder applied it to a fragment of that answer (the union
//! over coders: agreement is reported separately). The cell of codes a and b counts the
//! answers where both are present; the diagonal counts the answers with the code. n is the
//! number of answers with at least one code of the family. Only submitted responses count,
//! and codes are listed in codebook order, leaving out codes never applied.
//!
//! Documents (issue 20): a coded passage counts in the unit it starts in — its speaker turn,
//! or its paragraph in a document without turns (`documents.rs`) — and such a unit counts
//! like an answer; `passages` says how many of the n units are from documents, and
//! `document_kinds` of which kinds.

use leernet_core::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A code in the table.
#[derive(Debug, Clone, Serialize)]
pub struct CodeLabel {
    pub key: String,
    pub name: Bilingual,
}

/// The co-occurrence of the codes of one family in open answers.
#[derive(Debug, Clone, Serialize)]
pub struct CoOccurrence {
    /// The overview section it belongs to.
    pub section: String,
    /// The code family (the codebook root), such as `theme`.
    pub family: String,
    /// The family's name: its root code's, or the family key when the codebook has no root.
    pub family_name: Bilingual,
    pub codes: Vec<CodeLabel>,
    /// `counts[i][j]`: answers in which codes i and j both occur; `counts[i][i]`: answers
    /// with code i.
    pub counts: Vec<Vec<usize>>,
    /// Units with at least one code of the family: open answers, and speaker turns or
    /// paragraphs of documents.
    pub n: usize,
    /// How many of the n units are speaker turns or paragraphs of documents.
    #[serde(skip_serializing_if = "is_zero")]
    pub passages: usize,
    /// The kinds of the documents those come from, in `DocumentKind::ALL` order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub document_kinds: Vec<Bilingual>,
    /// The questions those answers answer, as `instrument / question`.
    pub sources: Vec<String>,
    /// Coders whose codings count.
    pub coders: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn family(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// The co-occurrence table of `family` for `section`; `None` when no answer carries a code
/// of the family.
pub fn compute(data: &StudyData, section: &str, fam: &str) -> Option<CoOccurrence> {
    let codes: Vec<&Code> = data
        .codebooks
        .iter()
        .flat_map(|c| c.codes.iter())
        .filter(|c| c.key != fam && family(&c.key) == fam)
        .collect();
    let index: BTreeMap<CodeId, usize> = codes.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let submitted: BTreeMap<ResponseId, &Response> = data
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Submitted)
        .map(|r| (r.id, r))
        .collect();
    let form_of_wave: BTreeMap<WaveId, &str> = data
        .waves
        .iter()
        .filter_map(|w| {
            data.instruments
                .iter()
                .find(|i| i.id == w.instrument)
                .map(|i| (w.id, i.form_id.as_str()))
        })
        .collect();
    // (response, question) -> code indices present.
    let mut answers: BTreeMap<(ResponseId, &str), BTreeSet<usize>> = BTreeMap::new();
    // (document, unit) -> code indices present.
    let mut units: BTreeMap<(DocumentId, usize), BTreeSet<usize>> = BTreeMap::new();
    let mut kinds: BTreeSet<DocumentKind> = BTreeSet::new();
    let mut coders = BTreeSet::new();
    let reading = crate::coding_agreement::content_codings(data);
    for c in &reading {
        let (Some(&i), Some(_)) = (index.get(&c.code), submitted.get(&c.segment.response)) else {
            continue;
        };
        coders.insert(c.coder);
        answers
            .entry((c.segment.response, c.segment.question.as_str()))
            .or_default()
            .insert(i);
    }
    for p in crate::documents::located(data) {
        let Some(&i) = index.get(&p.coding.code) else {
            continue;
        };
        coders.insert(p.coding.coder);
        kinds.insert(p.document.info.kind);
        units
            .entry((p.document.info.id, p.unit))
            .or_default()
            .insert(i);
    }
    if answers.is_empty() && units.is_empty() {
        return None;
    }
    let used: Vec<usize> = (0..codes.len())
        .filter(|i| {
            answers
                .values()
                .chain(units.values())
                .any(|s| s.contains(i))
        })
        .collect();
    let pos: BTreeMap<usize, usize> = used.iter().enumerate().map(|(p, i)| (*i, p)).collect();
    let mut counts = vec![vec![0usize; used.len()]; used.len()];
    let mut sources = BTreeSet::new();
    for ((response, question), set) in &answers {
        if let Some(form) = submitted
            .get(response)
            .and_then(|r| form_of_wave.get(&r.wave))
        {
            sources.insert(format!("{form} / {question}"));
        }
        let ps: Vec<usize> = set.iter().map(|i| pos[i]).collect();
        for &a in &ps {
            for &b in &ps {
                counts[a][b] += 1;
            }
        }
    }
    for set in units.values() {
        let ps: Vec<usize> = set.iter().map(|i| pos[i]).collect();
        for &a in &ps {
            for &b in &ps {
                counts[a][b] += 1;
            }
        }
    }
    Some(CoOccurrence {
        section: section.to_owned(),
        family: fam.to_owned(),
        family_name: data
            .codebooks
            .iter()
            .flat_map(|c| c.codes.iter())
            .find(|c| c.key == fam)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| Bilingual {
                nl: fam.to_owned(),
                en: fam.to_owned(),
            }),
        codes: used
            .iter()
            .map(|&i| CodeLabel {
                key: codes[i].key.clone(),
                name: codes[i].name.clone(),
            })
            .collect(),
        counts,
        n: answers.len() + units.len(),
        passages: units.len(),
        document_kinds: kinds
            .into_iter()
            .map(crate::documents::kind_label)
            .collect(),
        sources: sources.into_iter().collect(),
        coders: coders.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(id: i64, key: &str) -> Code {
        Code {
            id: CodeId(id),
            key: key.into(),
            parent: None,
            name: Bilingual {
                nl: key.into(),
                en: key.into(),
            },
            description: Bilingual::default(),
            inclusion: Bilingual::default(),
            exclusion: Bilingual::default(),
            examples: Bilingual::default(),
            colour: None,
        }
    }

    #[test]
    fn counts_answers_with_both_codes_over_all_coders() {
        let mut data = StudyData::default();
        data.codebooks.push(Codebook {
            id: CodebookId(1),
            name: "c".into(),
            version: 1,
            codes: vec![
                code(1, "theme"),
                code(2, "theme.a"),
                code(3, "theme.b"),
                code(4, "theme.never"),
                code(5, "agenda.x"),
            ],
        });
        for (id, status) in [
            (1, ResponseStatus::Submitted),
            (2, ResponseStatus::Submitted),
            (3, ResponseStatus::InProgress),
        ] {
            data.responses.push(Response {
                id: ResponseId(id),
                wave: WaveId(1),
                network: NetworkId(1),
                respondent: format!("r{id}"),
                status,
                answers: Default::default(),
            });
        }
        let coding = |id: i64, r: i64, q: &str, code: i64, coder: i64| Coding {
            id: CodingId(id),
            segment: Segment {
                response: ResponseId(r),
                question: q.into(),
                start: 0,
                end: 3,
            },
            code: CodeId(code),
            coder: PersonId(coder),
            memo: String::new(),
        };
        data.codings = vec![
            coding(1, 1, "q", 2, 1),
            coding(2, 1, "q", 3, 2), // a and b in one answer, by two coders
            coding(3, 1, "q", 3, 1),
            coding(4, 2, "q", 2, 1),     // a alone
            coding(5, 2, "other", 5, 1), // another family
            coding(6, 3, "q", 3, 1),     // not submitted
        ];
        let c = compute(&data, "themes", "theme").unwrap();
        let keys: Vec<&str> = c.codes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["theme.a", "theme.b"]);
        assert_eq!(c.counts, vec![vec![2, 1], vec![1, 1]]);
        assert_eq!((c.n, c.coders), (2, 2));
        assert_eq!(c.family_name.en, "theme");
        assert!(compute(&data, "x", "nothing").is_none());
    }
}
