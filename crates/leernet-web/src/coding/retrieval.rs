//! Retrieval (issue 20): all passages of a code — or of a code with its children — across
//! open answers and documents, with their context and source, filtered by network, wave,
//! kind of source and speaker role; a code × network and a code × kind matrix whose counts
//! open the passages; the co-occurrence of codes within a passage or a speaker turn; and
//! the search hits' highlights.
//!
//! Who sees what: researchers only (as every coding page). The codings read are the
//! viewer's own and those the study's figures may read (`Store::retrieve`): another coder's
//! codings in an assignment still open never show, so blind coding stays blind. A page
//! shows labels — question labels, document titles, kinds and roles in words — never a
//! variable name or a stored key. Texts are never logged.

use super::*;
use leernet_store::retrieval::{PassageSource, RetrievalFilter, SourceKind, SpeakerRole};

/// The most passages a page cuts per kind of source (answers, documents); the page says
/// when there are more and how to narrow them.
const PAGE_LIMIT: usize = 500;

/// The catalogue key of a document kind's name.
pub(crate) fn kind_key(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::Interview => "documents_data.kind_interview",
        DocumentKind::FocusGroup => "documents_data.kind_focus_group",
        DocumentKind::SessionReport => "documents_data.kind_session_report",
        DocumentKind::PolicyDocument => "documents_data.kind_policy_document",
        DocumentKind::Other => "documents_data.kind_other",
    }
}

/// The catalogue key of a speaker role's name.
pub(crate) fn role_key(r: SpeakerRole) -> &'static str {
    match r {
        SpeakerRole::Interviewer => "documents_data.role_interviewer",
        SpeakerRole::Facilitator => "documents_data.role_facilitator",
        SpeakerRole::Member => "documents_data.role_member",
        SpeakerRole::Researcher => "documents_data.role_researcher",
        SpeakerRole::Coordinator => "documents_data.role_coordinator",
        SpeakerRole::Other => "documents_data.role_other",
    }
}

/// Where a passage of a document opens: the document page at the passage's position.
pub(crate) fn document_href(state: &AppState, document: DocumentId, start: usize) -> String {
    state.link(&format!(
        "/coding/documents/{}?at={start}#pos-{start}",
        document.0
    ))
}

/// Where an open answer opens: the response page.
pub(crate) fn answer_href(state: &AppState, response: ResponseId) -> String {
    state.link(&format!("/responses/{}", response.0))
}

/// The query of the passages page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PassagesQuery {
    code: Option<String>,
    children: Option<String>,
    network: Option<String>,
    wave: Option<String>,
    kind: Option<String>,
    role: Option<String>,
}

fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The codes of every codebook in tree order, with their depth, for the pickers and the
/// matrices (folders of another tool's tree among them: they carry children).
fn code_tree(data: &StudyData) -> Vec<(&Code, usize)> {
    let mut out = Vec::new();
    for b in &data.codebooks {
        let mut children: BTreeMap<Option<CodeId>, Vec<&Code>> = BTreeMap::new();
        for c in &b.codes {
            children.entry(c.parent).or_default().push(c);
        }
        let mut todo: Vec<(&Code, usize)> = children
            .get(&None)
            .into_iter()
            .flatten()
            .rev()
            .map(|c| (*c, 0))
            .collect();
        let mut seen = BTreeSet::new();
        while let Some((c, depth)) = todo.pop() {
            if !seen.insert(c.id) {
                continue;
            }
            out.push((c, depth));
            for k in children.get(&Some(c.id)).into_iter().flatten().rev() {
                todo.push((*k, depth + 1));
            }
        }
        // A code whose parent is not in the book still shows, at the top.
        for c in &b.codes {
            if !seen.contains(&c.id) {
                out.push((c, 0));
            }
        }
    }
    out
}

/// `GET /coding/passages`: every passage of a code (with its children when asked) with
/// its context and source, filtered.
pub async fn passages(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(q): Query<PassagesQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    let store = &state.store;
    let codebooks = store.codebooks().await?;
    let networks = store.networks().await?;
    let waves = store.waves().await?;
    let tree_data = StudyData {
        codebooks: codebooks.clone(),
        ..Default::default()
    };
    let tree = code_tree(&tree_data);
    let code = given(&q.code)
        .and_then(|c| c.parse::<i64>().ok())
        .map(CodeId)
        .filter(|c| tree.iter().any(|(x, _)| x.id == *c));
    let children = given(&q.children).is_some();
    let network = given(&q.network).and_then(|s| networks.iter().find(|n| n.slug.as_str() == s));
    let wave = given(&q.wave)
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(|w| waves.iter().find(|x| x.id.0 == w));
    let kind = match given(&q.kind) {
        Some("answer") => Some(SourceKind::Answers),
        Some(k) => DocumentKind::parse(k).map(SourceKind::Documents),
        None => None,
    };
    let role = given(&q.role).and_then(SpeakerRole::parse);
    let mut items = Vec::new();
    let mut more = false;
    if let Some(code) = code {
        let filter = RetrievalFilter {
            codes: store.code_with_children(code, children).await?,
            viewer: user.id,
            network: network.map(|n| n.id),
            wave: wave.map(|w| w.id),
            kind,
            role,
        };
        let (found, m) = store.retrieve(&filter, PAGE_LIMIT).await?;
        more = m;
        let labels: BTreeMap<String, String> =
            open_questions(&state, lang).await?.into_iter().collect();
        let code_names: BTreeMap<CodeId, &str> =
            tree.iter().map(|(c, _)| (c.id, c.name.get(lang))).collect();
        let net_names: BTreeMap<NetworkId, &str> =
            networks.iter().map(|n| (n.id, n.name.as_str())).collect();
        let wave_names: BTreeMap<WaveId, &str> =
            waves.iter().map(|w| (w.id, w.name.as_str())).collect();
        for p in found {
            let (source, href, kind_key, speaker, role_key) = match &p.source {
                PassageSource::Answer {
                    response, question, ..
                } => (
                    // A question without a label (not an open question) shows no name.
                    labels.get(question).cloned().unwrap_or_default(),
                    answer_href(&state, *response),
                    "documents_data.kind_answer",
                    None,
                    None,
                ),
                PassageSource::Document {
                    document,
                    title,
                    kind,
                    speaker,
                    role,
                    ..
                } => (
                    title.clone(),
                    document_href(&state, *document, p.start),
                    self::kind_key(*kind),
                    speaker.clone(),
                    role.map(role_key),
                ),
            };
            items.push(minijinja::context! {
                before => p.before,
                text => p.text,
                after => p.after,
                code => code_names.get(&p.code).copied().unwrap_or_default(),
                source => source,
                href => href,
                network => p.network.and_then(|n| net_names.get(&n).copied()),
                wave => p.wave.and_then(|w| wave_names.get(&w).copied()),
                kind => kind_key,
                speaker => speaker,
                role => role_key,
            });
        }
    }
    crate::page::render(
        &state,
        &v,
        "coding_passages.html",
        minijinja::context! {
            asked => code.is_some(),
            code => code.map(|c| c.0.to_string()),
            code_name => code.and_then(|c| tree.iter().find(|(x, _)| x.id == c)).map(|(c, _)| c.name.get(lang).to_owned()),
            children => children,
            network => network.map(|n| n.slug.as_str().to_owned()),
            wave => wave.map(|w| w.id.0.to_string()),
            kind => given(&q.kind).map(str::to_owned),
            role => role.map(SpeakerRole::as_str),
            items => items,
            more => more,
            limit => PAGE_LIMIT,
            codes => tree.iter().map(|(c, depth)| minijinja::context! {
                id => c.id.0.to_string(),
                name => format!("{}{}", "— ".repeat(*depth), c.name.get(lang)),
            }).collect::<Vec<_>>(),
            networks => networks.iter().map(|n| minijinja::context! { slug => n.slug.as_str().to_owned(), name => n.name.clone() }).collect::<Vec<_>>(),
            waves => waves.iter().map(|w| minijinja::context! { id => w.id.0.to_string(), name => w.name.clone() }).collect::<Vec<_>>(),
            kinds => std::iter::once(("answer", "documents_data.kind_answer"))
                .chain(DocumentKind::ALL.into_iter().map(|k| (k.as_str(), kind_key(k))))
                .map(|(value, key)| minijinja::context! { value => value, key => key })
                .collect::<Vec<_>>(),
            roles => SpeakerRole::ALL.into_iter().map(|r| minijinja::context! { value => r.as_str(), key => role_key(r) }).collect::<Vec<_>>(),
        },
    )
}

/// `GET /coding/matrix`: per code, its passages by network and by kind of source; every
/// count opens its passages.
pub async fn matrix(State(state): State<Arc<AppState>>, v: Visitor) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    let store = &state.store;
    let counts = store.passage_counts(user.id).await?;
    let networks = store.networks().await?;
    let data = StudyData {
        codebooks: store.codebooks().await?,
        ..Default::default()
    };
    let used: BTreeSet<CodeId> = counts
        .by_network
        .keys()
        .map(|(c, _)| *c)
        .chain(counts.by_kind.keys().map(|(c, _)| *c))
        .collect();
    let without_network = counts.by_network.keys().any(|(_, n)| n.is_none());
    let kinds: Vec<Option<DocumentKind>> = std::iter::once(None)
        .chain(DocumentKind::ALL.into_iter().map(Some))
        .collect();
    let link =
        |code: CodeId, extra: &str| state.link(&format!("/coding/passages?code={}{extra}", code.0));
    let mut rows = Vec::new();
    for (c, depth) in code_tree(&data) {
        if !used.contains(&c.id) {
            continue;
        }
        let by_network: Vec<minijinja::Value> = networks
            .iter()
            .map(|n| {
                let count = counts.by_network.get(&(c.id, Some(n.id))).copied().unwrap_or(0);
                minijinja::context! {
                    count => count,
                    href => (count > 0).then(|| link(c.id, &format!("&network={}", n.slug.as_str()))),
                }
            })
            .chain(without_network.then(|| {
                let count = counts.by_network.get(&(c.id, None)).copied().unwrap_or(0);
                minijinja::context! { count => count, href => Option::<String>::None }
            }))
            .collect();
        let by_kind: Vec<minijinja::Value> = kinds
            .iter()
            .map(|k| {
                let count = counts.by_kind.get(&(c.id, *k)).copied().unwrap_or(0);
                let value = k.map_or("answer", DocumentKind::as_str);
                minijinja::context! {
                    count => count,
                    href => (count > 0).then(|| link(c.id, &format!("&kind={value}"))),
                }
            })
            .collect();
        rows.push(minijinja::context! {
            name => c.name.get(lang).to_owned(),
            indent => "— ".repeat(depth),
            href => link(c.id, ""),
            by_network => by_network,
            by_kind => by_kind,
        });
    }
    crate::page::render(
        &state,
        &v,
        "coding_matrix.html",
        minijinja::context! {
            rows => rows,
            networks => networks.iter().map(|n| n.name.clone()).collect::<Vec<_>>(),
            without_network => without_network,
            kinds => kinds.iter().map(|k| k.map_or("documents_data.kind_answer", kind_key)).collect::<Vec<_>>(),
        },
    )
}

/// The query of the co-occurrence page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CoOccurrenceQuery {
    unit: Option<String>,
}

/// Where a coding lies, for co-occurrence: its text (an answer, or a document) and its
/// unit in that text (the turn; for an answer and a document without turns, the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Text {
    Answer(ResponseId, usize),
    Document(DocumentId),
}

/// A coding for co-occurrence: its text, its turn there, its code, start and end.
type Placed = (Text, Option<usize>, CodeId, usize, usize);

/// Pairs of different codes counted over units: `within_turn` counts the units (answer,
/// speaker turn, document without turns) in which both occur; otherwise the pairs of
/// overlapping passages (two codings sharing at least one character).
fn co_occurrence(spans: &[Placed], within_turn: bool) -> BTreeMap<(CodeId, CodeId), usize> {
    let mut out: BTreeMap<(CodeId, CodeId), usize> = BTreeMap::new();
    let mut add = |a: CodeId, b: CodeId| {
        let key = if a < b { (a, b) } else { (b, a) };
        *out.entry(key).or_default() += 1;
    };
    if within_turn {
        let mut units: BTreeMap<(Text, Option<usize>), BTreeSet<CodeId>> = BTreeMap::new();
        for (t, unit, code, _, _) in spans {
            units.entry((*t, *unit)).or_default().insert(*code);
        }
        for codes in units.values() {
            let v: Vec<CodeId> = codes.iter().copied().collect();
            for i in 0..v.len() {
                for j in i + 1..v.len() {
                    add(v[i], v[j]);
                }
            }
        }
    } else {
        // Sorted by text and start: a sweep compares each coding with those still open.
        let mut sorted: Vec<&Placed> = spans.iter().collect();
        sorted.sort_by_key(|s| (s.0, s.3, s.4, s.2));
        for (i, a) in sorted.iter().enumerate() {
            for b in &sorted[i + 1..] {
                if b.0 != a.0 || b.3 >= a.4 {
                    break;
                }
                if a.2 != b.2 {
                    add(a.2, b.2);
                }
            }
        }
    }
    out
}

/// `GET /coding/cooccurrence`: which codes occur together within one passage or within one
/// speaker turn, over answers and documents.
pub async fn cooccurrence(
    State(state): State<Arc<AppState>>,
    v: Visitor,
    Query(q): Query<CoOccurrenceQuery>,
) -> Result<Response, AppError> {
    let lang = v.lang.lang;
    let user = v.require(RESEARCHER)?;
    let store = &state.store;
    let within_turn = given(&q.unit) == Some("turn");
    let codebooks = store.codebooks().await?;
    let names: BTreeMap<CodeId, &str> = codebooks
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, c.name.get(lang)))
        .collect();
    // Answers: one text per (response, question); questions numbered in order of appearance.
    let mut questions: BTreeMap<String, usize> = BTreeMap::new();
    let mut spans = Vec::new();
    for c in store.visible_answer_codings(user.id).await? {
        let n = questions.len();
        let qn = *questions.entry(c.segment.question.clone()).or_insert(n);
        spans.push((
            Text::Answer(c.segment.response, qn),
            None,
            c.code,
            c.segment.start,
            c.segment.end,
        ));
    }
    for c in store.located_document_codings().await? {
        spans.push((Text::Document(c.document), c.turn, c.code, c.start, c.end));
    }
    let pairs = co_occurrence(&spans, within_turn);
    let mut rows: Vec<((CodeId, CodeId), usize)> = pairs.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let link = |c: CodeId| state.link(&format!("/coding/passages?code={}", c.0));
    crate::page::render(
        &state,
        &v,
        "coding_cooccurrence.html",
        minijinja::context! {
            within_turn => within_turn,
            rows => rows.iter().filter_map(|((a, b), n)| {
                let an = names.get(a)?;
                let bn = names.get(b)?;
                Some(minijinja::context! { a => *an, a_href => link(*a), b => *bn, b_href => link(*b), count => *n })
            }).collect::<Vec<_>>(),
        },
    )
}

/// The words of `text` that a search for `query` found, as code-point spans: a word whose
/// Dutch or English stem is a query word's, or that starts with a query word's Dutch stem
/// (a compound, as the search index matches). Sorted, not overlapping.
pub(crate) fn highlights(query: &str, text: &str) -> Vec<(usize, usize)> {
    let stemmers = leernet_text::Stemmers::new();
    let wanted: Vec<(String, String)> = leernet_text::tokenize(query)
        .into_iter()
        .map(|t| {
            (
                stemmers.stem(leernet_text::Lang::Nl, &t.lower),
                stemmers.stem(leernet_text::Lang::En, &t.lower),
            )
        })
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    leernet_text::tokenize(text)
        .into_iter()
        .filter(|t| {
            let nl = stemmers.stem(leernet_text::Lang::Nl, &t.lower);
            let en = stemmers.stem(leernet_text::Lang::En, &t.lower);
            wanted.iter().any(|(qn, qe)| {
                *qn == nl
                    || *qe == en
                    || (qn.chars().count() >= 4 && t.lower.starts_with(qn.as_str()))
            })
        })
        .map(|t| (t.span.start, t.span.end))
        .collect()
}

/// `text` cut into parts, each `{ text, mark }`, the marked ones the `highlights`; the
/// template writes a marked part in `<mark>` (escaped like any text).
pub(crate) fn marked_parts(text: &str, marks: &[(usize, usize)]) -> Vec<minijinja::Value> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for &(s, e) in marks {
        if s < at || e > chars.len() || s >= e {
            continue;
        }
        if s > at {
            out.push(minijinja::context! { text => chars[at..s].iter().collect::<String>(), mark => false });
        }
        out.push(
            minijinja::context! { text => chars[s..e].iter().collect::<String>(), mark => true },
        );
        at = e;
    }
    if at < chars.len() {
        out.push(
            minijinja::context! { text => chars[at..].iter().collect::<String>(), mark => false },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_found_by_stem_and_compound() {
        let text = "Armoede en armoedebestrijding; de armen leren.";
        let marks = highlights("armoede", text);
        let words: Vec<String> = marks
            .iter()
            .map(|&(s, e)| text.chars().skip(s).take(e - s).collect())
            .collect();
        assert_eq!(words, ["Armoede", "armoedebestrijding"]);
        assert!(highlights("  ", text).is_empty());
        // Stems: "netwerken" finds "netwerk" and "Netwerken", not "werk".
        let marks = highlights("netwerken", "Ons netwerk; Netwerken werk.");
        assert_eq!(marks, [(4, 11), (13, 22)]);
    }

    #[test]
    fn pairs_within_a_passage_and_within_a_turn() {
        let (a, b, c) = (CodeId(1), CodeId(2), CodeId(3));
        let d = Text::Document(DocumentId(1));
        let spans = vec![
            (d, Some(0), a, 0, 10),
            (d, Some(0), b, 5, 12),  // overlaps a
            (d, Some(0), c, 20, 25), // same turn, no overlap
            (d, Some(1), a, 30, 35),
            (d, Some(1), c, 34, 40), // overlaps a, turn 1
            (Text::Answer(ResponseId(1), 0), None, a, 0, 3),
            (Text::Answer(ResponseId(1), 0), None, b, 3, 6), // touches, no overlap
        ];
        let p = co_occurrence(&spans, false);
        assert_eq!(p.get(&(a, b)), Some(&1));
        assert_eq!(p.get(&(a, c)), Some(&1));
        assert_eq!(p.get(&(b, c)), None);
        let t = co_occurrence(&spans, true);
        assert_eq!(t.get(&(a, b)), Some(&2), "turn 0 and the answer");
        assert_eq!(t.get(&(a, c)), Some(&2), "turns 0 and 1");
        assert_eq!(t.get(&(b, c)), Some(&1));
    }

    #[test]
    fn parts_mark_the_spans() {
        let parts = marked_parts("a bc d", &[(2, 4)]);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1].get_attr("text").unwrap().to_string(), "bc");
        assert!(parts[1].get_attr("mark").unwrap().is_true());
    }
}
