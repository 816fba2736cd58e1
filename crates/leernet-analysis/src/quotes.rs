//! Quotes beside numbers (joint displays), the codebook appendix and the coders' agreement.
//!
//! Why it exists: the study report reads its qualitative and quantitative findings together:
//! beside each element's figures stand the coded fragments that illustrate it. A quote is
//! chosen only where both coders gave the same code to overlapping text (so it stands for
//! an agreed reading), and it is anonymised: every name of a network, Werkplaats, place or
//! person the registry knows is replaced by "[…]", and the quote carries no network.
//!
//! Agreement follows the demo's documentation: every (open answer, code of a family used on
//! that question) pair is a unit coded present or absent by each coder; Cohen's kappa and
//! the percentage of agreement are computed over those units.

use crate::profiles::FrameworkProfiles;
use leernet_core::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An anonymised fragment that both coders coded the same.
#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub code: String,
    pub code_name: Bilingual,
    /// The question of an open answer; empty for a passage of a document.
    pub question: String,
    pub text: String,
    /// For a passage of a document: its kind and network ("interview, De Brug"), never
    /// its title or a speaker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Bilingual>,
}

/// One code of the codebook, with how often each coder used it.
#[derive(Debug, Clone, Serialize)]
pub struct CodeRow {
    pub key: String,
    pub family: String,
    pub name: Bilingual,
    pub description: Bilingual,
    /// Codings per coder, in the order of `QualitativeFigures::coders`.
    pub codings: Vec<usize>,
}

/// Which codebook, in which version, the codings come from (the report's method names it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodebookUsed {
    pub name: String,
    pub version: i64,
    pub codes: usize,
}

/// The codebook appendix and the agreement of the coders.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QualitativeFigures {
    /// Coders by id (anonymous: "coder 1", "coder 2" in the report).
    pub coders: usize,
    /// The codebooks whose codes were used, by id, with their current versions.
    pub codebooks: Vec<CodebookUsed>,
    pub codes: Vec<CodeRow>,
    /// (answer, code) units for the agreement of the first two coders.
    pub units: usize,
    pub percent_agreement: Option<f64>,
    pub cohen_kappa: Option<f64>,
    /// Every coder's agreement by answer and by segment (`coding_agreement.rs`).
    pub agreement: Option<crate::coding_agreement::CodingAgreement>,
    /// Co-occurrence of codes in open answers, per overview section that names a family.
    pub cooccurrence: Vec<crate::cooccurrence::CoOccurrence>,
}

fn family(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// Names the registry knows, longest first (so "Stroomdal Jeugd" goes before "Stroomdal").
fn names(data: &StudyData) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for n in &data.networks {
        out.insert(n.name.clone());
    }
    for w in &data.workplaces {
        out.insert(w.name.clone());
        for part in w.region.split([',', '&']).flat_map(|p| p.split(" en ")) {
            let p = part.trim();
            let p = p.strip_prefix("de ").unwrap_or(p);
            if p.chars().count() > 3 && p.starts_with(char::is_uppercase) {
                out.insert(p.to_owned());
            }
        }
        if let Some(last) = w.name.split_whitespace().last() {
            if last.chars().count() > 3 {
                out.insert(last.to_owned());
            }
        }
    }
    // Speakers of documents are named in their turns' labels, and often in the text.
    for s in crate::documents::speaker_names(data) {
        for part in s.split_whitespace().filter(|x| x.chars().count() > 3) {
            if part.starts_with(char::is_uppercase) {
                out.insert(part.to_owned());
            }
        }
        out.insert(s);
    }
    for p in &data.persons {
        out.insert(p.name.clone());
        for part in p.name.split_whitespace().filter(|x| x.chars().count() > 3) {
            if part.starts_with(char::is_uppercase) {
                out.insert(part.to_owned());
            }
        }
    }
    let mut v: Vec<String> = out.into_iter().collect();
    v.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    v
}

/// Replaces every known name by "[…]".
pub fn anonymise(text: &str, names: &[String]) -> String {
    let mut s = text.to_owned();
    for n in names {
        if !n.is_empty() && s.contains(n.as_str()) {
            s = s.replace(n.as_str(), "[…]");
        }
    }
    s
}

fn fragment(answer: &str, seg: &Segment) -> String {
    let chars: Vec<char> = answer.chars().collect();
    let end = seg.end.min(chars.len());
    let start = seg.start.min(end);
    shorten(&chars[start..end].iter().collect::<String>())
}

/// Trimmed, and cut to 240 characters.
fn shorten(s: &str) -> String {
    let mut t = s.trim().to_owned();
    if t.chars().count() > 240 {
        t = t.chars().take(239).collect::<String>() + "…";
    }
    t
}

/// Adds quotes to the elements of every framework and returns the codebook appendix.
pub(crate) fn attach(data: &StudyData, frameworks: &mut [FrameworkProfiles]) -> QualitativeFigures {
    let codes: BTreeMap<CodeId, &Code> = data
        .codebooks
        .iter()
        .flat_map(|c| c.codes.iter())
        .map(|c| (c.id, c))
        .collect();
    let responses: BTreeMap<ResponseId, &Response> =
        data.responses.iter().map(|r| (r.id, r)).collect();
    // The coders of answers (their agreement is reported below), and every coder of an
    // answer or a document (the appendix counts both).
    let answer_coders: Vec<PersonId> = data
        .codings
        .iter()
        .map(|c| c.coder)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let coders: Vec<PersonId> = data
        .codings
        .iter()
        .map(|c| c.coder)
        .chain(data.document_codings.iter().map(|c| c.coder))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let names = names(data);

    // The codebook with counts per coder.
    let rows: Vec<CodeRow> = data
        .codebooks
        .iter()
        .flat_map(|c| c.codes.iter())
        .map(|c| CodeRow {
            key: c.key.clone(),
            family: family(&c.key).to_owned(),
            name: c.name.clone(),
            description: c.description.clone(),
            codings: coders
                .iter()
                .map(|p| {
                    data.codings
                        .iter()
                        .filter(|x| x.code == c.id && x.coder == *p)
                        .count()
                        + data
                            .document_codings
                            .iter()
                            .filter(|x| x.code == c.id && x.coder == *p)
                            .count()
                })
                .collect(),
        })
        .collect();

    // Agreement of the first two coders over (answer, code) units.
    let (mut units, mut pa, mut kappa) = (0, None, None);
    if answer_coders.len() >= 2 {
        let coders = &answer_coders;
        let mut fams: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for c in &data.codings {
            if let Some(code) = codes.get(&c.code) {
                fams.entry(c.segment.question.as_str())
                    .or_default()
                    .insert(family(&code.key));
            }
        }
        let mut present: BTreeSet<(ResponseId, &str, CodeId, PersonId)> = BTreeSet::new();
        for c in &data.codings {
            present.insert((
                c.segment.response,
                c.segment.question.as_str(),
                c.code,
                c.coder,
            ));
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for r in data
            .responses
            .iter()
            .filter(|r| r.status == ResponseStatus::Submitted)
        {
            for (q, fs) in &fams {
                if r.answers.get(*q).is_none_or(|v| v.trim().is_empty()) {
                    continue;
                }
                for code in codes.values().filter(|c| fs.contains(family(&c.key))) {
                    a.push(u32::from(present.contains(&(r.id, *q, code.id, coders[0]))));
                    b.push(u32::from(present.contains(&(r.id, *q, code.id, coders[1]))));
                }
            }
        }
        units = a.len();
        if units > 0 {
            pa = Some(a.iter().zip(&b).filter(|(x, y)| x == y).count() as f64 / units as f64);
            kappa = leernet_stats::agreement::cohen_kappa(&a, &b)
                .ok()
                .filter(|k| k.is_finite());
        }
    }

    // Agreed fragments: same code, same answer, overlapping text, two different coders; or
    // a consensus coding (the settled reading), which is agreed by itself.
    let reading = crate::coding_agreement::content_codings(data);
    let settled: BTreeSet<CodingId> = data.consensus.iter().map(|c| c.id).collect();
    let mut agreed: Vec<(&Code, &Segment, &Response)> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, c) in reading.iter().enumerate() {
        let other = settled.contains(&c.id)
            || reading[i + 1..].iter().any(|d| {
                d.code == c.code
                    && d.coder != c.coder
                    && d.segment.response == c.segment.response
                    && d.segment.question == c.segment.question
                    && d.segment.start < c.segment.end
                    && c.segment.start < d.segment.end
            });
        if !other || !seen.insert((c.segment.response, c.segment.question.clone(), c.code)) {
            continue;
        }
        if let (Some(code), Some(r)) = (codes.get(&c.code), responses.get(&c.segment.response)) {
            agreed.push((code, &c.segment, r));
        }
    }
    agreed.sort_by(|x, y| (&x.0.key, x.1).cmp(&(&y.0.key, y.1)));

    // Agreed passages of documents: same code, same document, overlapping spans, two
    // different coders (the earlier coding's span is quoted), by code key and position.
    let located = crate::documents::located(data);
    let mut agreed_passages: Vec<(&Code, crate::documents::Located<'_>)> = Vec::new();
    let mut seen_passages = BTreeSet::new();
    for (i, l) in located.iter().enumerate() {
        let c = l.coding;
        let other = located[i + 1..].iter().any(|m| {
            let d = m.coding;
            d.code == c.code
                && d.coder != c.coder
                && d.span.document == c.span.document
                && d.span.start < c.span.end
                && c.span.start < d.span.end
        });
        if !other || !seen_passages.insert((c.span.document, l.unit, c.code)) {
            continue;
        }
        if let Some(code) = codes.get(&c.code) {
            agreed_passages.push((code, *l));
        }
    }
    agreed_passages.sort_by(|x, y| {
        (&x.0.key, x.1.coding.span, x.1.coding.id).cmp(&(&y.0.key, y.1.coding.span, y.1.coding.id))
    });

    for fw in frameworks.iter_mut() {
        for e in fw.elements.iter_mut() {
            let fams: BTreeSet<&str> = e.codes.iter().map(String::as_str).collect();
            let mut used_codes = BTreeSet::new();
            let mut used_networks = BTreeSet::new();
            // Round-robin over codes and networks, so three quotes show three readings.
            for (code, seg, r) in agreed
                .iter()
                .filter(|(c, _, _)| fams.contains(family(&c.key)))
            {
                if e.quotes.len() >= 3 {
                    break;
                }
                if used_codes.contains(&code.key) || used_networks.contains(&r.network) {
                    continue;
                }
                let Some(answer) = r.answers.get(&seg.question) else {
                    continue;
                };
                let text = anonymise(&fragment(answer, seg), &names);
                if text.chars().count() < 25 {
                    continue;
                }
                used_codes.insert(code.key.clone());
                used_networks.insert(r.network);
                e.quotes.push(Quote {
                    code: code.key.clone(),
                    code_name: code.name.clone(),
                    question: seg.question.clone(),
                    text,
                    source: None,
                });
            }
            // Then up to two passages of documents, round-robin over codes and documents.
            let mut used_codes = BTreeSet::new();
            let mut used_documents = BTreeSet::new();
            let mut from_documents = 0;
            for (code, l) in agreed_passages
                .iter()
                .filter(|(c, _)| fams.contains(family(&c.key)))
            {
                if from_documents >= 2 {
                    break;
                }
                let d = l.document;
                if used_codes.contains(&code.key) || used_documents.contains(&d.info.id) {
                    continue;
                }
                let Some(raw) = span_text(&d.text, l.coding.span.start, l.coding.span.end) else {
                    continue;
                };
                let text = anonymise(&shorten(raw), &names);
                if text.chars().count() < 25 {
                    continue;
                }
                used_codes.insert(code.key.clone());
                used_documents.insert(d.info.id);
                from_documents += 1;
                let kind = crate::documents::kind_label(d.info.kind);
                let network = d
                    .info
                    .network
                    .and_then(|n| data.networks.iter().find(|x| x.id == n))
                    .map(|n| n.name.as_str());
                let source = match network {
                    Some(n) => Bilingual {
                        nl: format!("{}, {n}", kind.nl),
                        en: format!("{}, {n}", kind.en),
                    },
                    None => kind,
                };
                e.quotes.push(Quote {
                    code: code.key.clone(),
                    code_name: code.name.clone(),
                    question: String::new(),
                    text,
                    source: Some(source),
                });
            }
        }
    }
    let used: BTreeSet<CodeId> = data
        .codings
        .iter()
        .map(|c| c.code)
        .chain(data.document_codings.iter().map(|c| c.code))
        .collect();
    QualitativeFigures {
        coders: coders.len(),
        codebooks: data
            .codebooks
            .iter()
            .filter(|b| b.codes.iter().any(|c| used.contains(&c.id)))
            .map(|b| CodebookUsed {
                name: b.name.clone(),
                version: b.version,
                codes: b.codes.len(),
            })
            .collect(),
        codes: rows,
        units,
        percent_agreement: pa,
        cohen_kappa: kappa,
        agreement: crate::coding_agreement::study_agreement(
            data,
            crate::coding_agreement::DEFAULT_OVERLAP,
        ),
        cooccurrence: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_replaced_longest_first() {
        let names = vec!["Stroomdal Jeugd".to_owned(), "Stroomdal".to_owned()];
        assert_eq!(
            anonymise("In Stroomdal Jeugd en Stroomdal leren we.", &names),
            "In […] en […] leren we."
        );
    }
}
