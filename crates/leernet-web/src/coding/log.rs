//! The coding decisions log in words (issue 20): each entry said in the reader's language
//! with labels — the assignment's name, the question's label or the documents' titles, the
//! coders' and codes' names, the answer's position or the document's title — never the
//! variable names, code keys or ids the store keeps beside it.

use super::*;
use leernet_store::{CodePart, CodingDecision, DecisionKind};

/// A name or title as the log quotes it.
fn quoted(s: &str) -> String {
    format!("‘{s}’")
}

/// The catalogue key of a part of a code.
fn part_key(p: CodePart) -> &'static str {
    match p {
        CodePart::Name => "coding_ui.part_name",
        CodePart::Description => "coding_ui.part_description",
        CodePart::Inclusion => "coding_ui.part_inclusion",
        CodePart::Exclusion => "coding_ui.part_exclusion",
        CodePart::Examples => "coding_ui.part_examples",
        CodePart::Colour => "coding_ui.part_colour",
    }
}

/// The rows of a decisions log for a page: when, who, the kind (for its label), what was
/// decided in words, and why.
pub(super) async fn rows(
    state: &AppState,
    lang: Lang,
    decisions: Vec<CodingDecision>,
) -> Result<Vec<minijinja::Value>, AppError> {
    if decisions.is_empty() {
        return Ok(Vec::new());
    }
    let store = &state.store;
    let persons = person_names(&store.persons().await?);
    let books = store.codebooks().await?;
    let code_name = |c: &Code| {
        let n = c.name.get(lang);
        if n.is_empty() {
            c.name.nl.clone()
        } else {
            n.to_owned()
        }
    };
    let codes: BTreeMap<CodeId, String> = books
        .iter()
        .flat_map(|b| &b.codes)
        .map(|c| (c.id, code_name(c)))
        .collect();
    let by_key: BTreeMap<(CodebookId, &str), String> = books
        .iter()
        .flat_map(|b| b.codes.iter().map(move |c| ((b.id, c.key.as_str()), c)))
        .map(|(k, c)| (k, code_name(c)))
        .collect();
    let mut assignments: BTreeMap<AssignmentId, Assignment> = BTreeMap::new();
    for id in decisions.iter().filter_map(|d| d.assignment) {
        if let std::collections::btree_map::Entry::Vacant(e) = assignments.entry(id) {
            if let Some(a) = store.assignment(id).await? {
                e.insert(a);
            }
        }
    }
    let titles: BTreeMap<DocumentId, String> = store
        .documents()
        .await?
        .into_iter()
        .map(|d| (d.id, d.title))
        .collect();
    let questions = if assignments.values().any(|a| a.documents.is_empty()) {
        open_questions(state, lang).await?
    } else {
        Vec::new()
    };
    let t = |k: &str| state.catalog.t(lang, k);
    let list = |items: Vec<String>| items.join(", ");
    let mut out = Vec::with_capacity(decisions.len());
    for d in decisions {
        let a = d.assignment.and_then(|id| assignments.get(&id));
        let facts = d.facts();
        let what = match d.kind {
            DecisionKind::Assignment => a.map(|a| {
                let coders = list(
                    a.coders
                        .iter()
                        .map(|c| persons.get(&c.coder).cloned().unwrap_or_default())
                        .collect(),
                );
                if a.documents.is_empty() {
                    let label = questions
                        .iter()
                        .find(|(n, _)| *n == a.question)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_default();
                    t("coding_ui.log_assignment_answers")
                        .replace("{name}", &quoted(&a.name))
                        .replace("{n}", &a.items.len().to_string())
                        .replace("{question}", &quoted(&label))
                        .replace("{coders}", &coders)
                } else {
                    t("coding_ui.log_assignment_documents")
                        .replace("{name}", &quoted(&a.name))
                        .replace("{n}", &a.documents.len().to_string())
                        .replace(
                            "{titles}",
                            &list(
                                a.documents
                                    .iter()
                                    .filter_map(|d| titles.get(d))
                                    .map(|s| quoted(s))
                                    .collect(),
                            ),
                        )
                        .replace("{coders}", &coders)
                }
            }),
            DecisionKind::Finished => facts
                .codings
                .map(|n| t("coding_ui.log_finished").replace("{n}", &n.to_string())),
            DecisionKind::Consensus => {
                let settled = if facts.settled.is_empty() {
                    t("coding_ui.log_no_code")
                } else {
                    list(
                        facts
                            .settled
                            .iter()
                            .filter_map(|(k, span)| {
                                let name = a.and_then(|a| by_key.get(&(a.codebook, k.as_str())))?;
                                Some(match span {
                                    Some((s, e)) => t("coding_ui.log_code_span")
                                        .replace("{code}", &quoted(name))
                                        .replace("{start}", &s.to_string())
                                        .replace("{end}", &e.to_string()),
                                    None => quoted(name),
                                })
                            })
                            .collect(),
                    )
                };
                match (d.document, d.response) {
                    (Some(doc), _) => Some(
                        t("coding_ui.log_consensus_document")
                            .replace(
                                "{title}",
                                &quoted(titles.get(&doc).map_or("", String::as_str)),
                            )
                            .replace("{codes}", &settled),
                    ),
                    (None, Some(r)) => {
                        a.and_then(|a| a.items.iter().position(|x| *x == r))
                            .map(|i| {
                                t("coding_ui.log_consensus_answer")
                                    .replace("{pos}", &(i + 1).to_string())
                                    .replace("{codes}", &settled)
                            })
                    }
                    (None, None) => None,
                }
            }
            DecisionKind::CodeAdded | DecisionKind::CodeChanged => {
                d.code.and_then(|c| codes.get(&c)).map(|name| {
                    let parts = list(facts.changed.iter().map(|p| t(part_key(*p))).collect());
                    let key = match (d.kind, parts.is_empty()) {
                        (DecisionKind::CodeAdded, _) => "coding_ui.log_code_added",
                        (_, true) => "coding_ui.log_code_changed_some",
                        (_, false) => "coding_ui.log_code_changed",
                    };
                    let mut s = t(key)
                        .replace("{code}", &quoted(name))
                        .replace("{parts}", &parts);
                    if let Some(v) = facts.version {
                        s.push_str(&t("coding_ui.log_version").replace("{n}", &v.to_string()));
                    }
                    s
                })
            }
        };
        out.push(minijinja::context! {
            at => crate::lang::local_date_time(d.at, lang),
            who => persons.get(&d.person).cloned().unwrap_or_default(),
            kind => d.kind.as_str(),
            what => what,
            why => d.why,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_a_code_has_a_word_in_both_languages() {
        let catalog = leernet_report::catalog();
        for p in CodePart::ALL {
            for lang in [Lang::Nl, Lang::En] {
                let key = part_key(p);
                assert_ne!(catalog.t(lang, key), format!("[{key}]"), "{lang:?}");
            }
        }
    }
}
