//! Between leernet's domain and the neutral REFI-QDA model.
//!
//! **Export.** One `TextSource` per open answer (a question listed as open, or any answer
//! that carries a coding), named `respondent · question`, with the variables `wave`,
//! `network`, `respondent`, `question` and (when answered) `role`. One `PlainTextSelection`
//! per coding, named by its text, with the memo as its `Description` and one `Coding` by the
//! coder's `User`: named by display name, or `Codeur 1`, `Codeur 2`, … without one (or with
//! an address as name); the e-mail address (in `id`) only with [`CoderNames::Emails`]. The
//! `User`'s GUID is derived from the address, so a re-import finds the coder again. A code's `name` is its Dutch name and its
//! `color` its colour. Its `Description` is readable text for any tool, in this order: the
//! Dutch description; then, each only when not empty, a blank line, a heading line and the
//! Dutch text for the inclusion criteria ([`INCLUSION`]), the exclusion criteria
//! ([`EXCLUSION`]) and the examples ([`EXAMPLES`], one per line, each after `- `); then lines
//! that keep what REFI-QDA has no place for: `[leernet] key: ...`, and for the English texts
//! `[leernet] name_en: ...`, `description_en`, `inclusion_en`, `exclusion_en`, `examples_en`
//! (newlines escaped as `\n`). The reader takes the sections apart again only when the
//! `[leernet] key` line is there (a file leernet wrote), from the last heading backwards.
//! Several codebooks become one folder code (`isCodable="false"`) each. The `origin` names
//! leernet and each codebook's version (`leernet (codebook demo, version 3)`).
//!
//! **Import** ([`plan_import`]) turns a read project into an [`ImportPlan`] against the
//! answers and persons of a leernet project: codes with keys (from the `[leernet]` lines, or
//! made from the names), coders matched to persons (by e-mail, GUID or name), and codings on
//! the answers whose text the file holds (matched by the variables leernet writes, else by
//! identical text). What cannot be placed goes into the [`Report`].
//!
//! **Cases and variables** ([`export_project_with`], [`plan_project_import_in`]): a network
//! is a case, with its Werkplaats and region as values ([`NETWORK_VARIABLES`]); a case of a
//! file named like a network is that network's, every other case and other tools' values on
//! documents are kept (with their REFI-QDA types) and written again. **Re-import** finds the
//! file's codes by the GUIDs an earlier import kept or leernet's export gives them, so that
//! the same file imported twice plans nothing new (the store skips what it holds).

use crate::guid;
use crate::model::*;
use crate::{QdaError, Report, Result};
use leernet_core::{
    Bilingual, Code, CodeId, Codebook, Coding, Colour, Document, DocumentCoding, DocumentId,
    DocumentKind, Memo, Network, NetworkId, Person, PersonId, Response, ResponseId, Segment, Wave,
    Workplace,
};
use std::collections::{BTreeMap, BTreeSet};

/// What leernet exports.
#[derive(Debug, Clone, Copy)]
pub struct ExportInput<'a> {
    /// The project's name.
    pub name: &'a str,
    pub codebooks: &'a [Codebook],
    pub codings: &'a [Coding],
    pub responses: &'a [Response],
    pub persons: &'a [Person],
    pub networks: &'a [Network],
    pub waves: &'a [Wave],
    /// Questions whose non-empty answers become sources even when nobody coded them.
    pub open_questions: &'a BTreeSet<String>,
    /// How the coders are named in the file.
    pub coders: CoderNames,
    /// Documents (interviews, reports, …): each a text source with its codings.
    pub documents: &'a [Document],
    pub document_codings: &'a [DocumentCoding],
    /// Codes that are folders of the code tree (written with `isCodable="false"`).
    pub folders: &'a BTreeSet<CodeId>,
    /// Memos, as notes (attached by a `NoteRef` to their code or document).
    pub memos: &'a [Memo],
}

/// How an exported project names its coders (`User`s).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CoderNames {
    /// By display name, or a stable pseudonym (`Codeur 1`, `Codeur 2`, … in the order of
    /// the persons) when a coder has no name or a name that is an e-mail address; no
    /// address anywhere in the file. The default: a project file travels to other tools
    /// and other people.
    #[default]
    Names,
    /// By display name with the e-mail address as the `User`'s `id`, so that another
    /// leernet project matches coders by address (`leernet export --coder-emails`).
    Emails,
}

/// Whether `s` holds something that looks like an e-mail address.
fn has_address(s: &str) -> bool {
    s.split_whitespace().any(|w| {
        w.split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'))
    })
}

const FOOTER: &str = "[leernet] ";

fn escape_line(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\r', "\\r")
        .replace('\n', "\\n")
}

fn unescape_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The heading line of a code's inclusion criteria in its `Description`.
pub const INCLUSION: &str = "Wel coderen als (inclusie):";
/// The heading line of a code's exclusion criteria in its `Description`.
pub const EXCLUSION: &str = "Niet coderen als (exclusie):";
/// The heading line of a code's examples in its `Description`.
pub const EXAMPLES: &str = "Voorbeelden:";

/// The `Description` leernet writes for a code (see the module's documentation).
pub fn code_description(c: &Code) -> String {
    let mut d = c.description.nl.clone();
    let mut section = |heading: &str, text: &str| {
        if text.is_empty() {
            return;
        }
        if !d.is_empty() {
            d.push_str("\n\n");
        }
        d.push_str(heading);
        d.push('\n');
        d.push_str(text);
    };
    section(INCLUSION, &c.inclusion.nl);
    section(EXCLUSION, &c.exclusion.nl);
    let examples: Vec<String> = c.examples.nl.lines().map(|l| format!("- {l}")).collect();
    section(EXAMPLES, &examples.join("\n"));
    if !d.is_empty() {
        d.push_str("\n\n");
    }
    d.push_str(&format!("{FOOTER}key: {}", escape_line(&c.key)));
    for (field, text) in [
        ("name_en", &c.name.en),
        ("description_en", &c.description.en),
        ("inclusion_en", &c.inclusion.en),
        ("exclusion_en", &c.exclusion.en),
        ("examples_en", &c.examples.en),
    ] {
        if !text.is_empty() {
            d.push_str(&format!("\n{FOOTER}{field}: {}", escape_line(text)));
        }
    }
    d
}

/// The Dutch texts of a `Description` leernet wrote: description, inclusion, exclusion,
/// examples. Taken apart from the last heading backwards, so a description that happens to
/// hold a heading line stays whole as long as the sections after it are there.
fn split_sections(text: &str) -> [String; 4] {
    let mut rest = text.to_owned();
    let mut found: [String; 3] = Default::default();
    for (i, heading) in [EXAMPLES, EXCLUSION, INCLUSION].into_iter().enumerate() {
        let at = if rest.starts_with(&format!("{heading}\n")) {
            Some(0)
        } else {
            rest.rfind(&format!("\n\n{heading}\n")).map(|p| p + 2)
        };
        if let Some(p) = at {
            let body = rest[p + heading.len() + 1..].to_owned();
            rest.truncate(p.saturating_sub(2));
            found[i] = body;
        }
    }
    let examples = found[0]
        .lines()
        .map(|l| l.strip_prefix("- ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    [
        rest,
        std::mem::take(&mut found[2]),
        std::mem::take(&mut found[1]),
        examples,
    ]
}

/// Reads a code `Description`: the plain text and any `[leernet]` fields.
fn parse_description(d: &str) -> (String, BTreeMap<String, String>) {
    let mut fields = BTreeMap::new();
    let mut text = Vec::new();
    for line in d.lines() {
        if let Some(rest) = line.strip_prefix(FOOTER) {
            if let Some((k, v)) = rest.split_once(": ") {
                fields.insert(k.trim().to_owned(), unescape_line(v));
                continue;
            }
        }
        text.push(line);
    }
    (text.join("\n").trim_end().to_owned(), fields)
}

fn source_key(wave: &str, respondent: &str, question: &str) -> String {
    format!("{wave}/{respondent}/{question}")
}

/// `leernet (codebook demo, version 3)`; several codebooks are listed by name, with `; `
/// between them.
fn origin(books: &[Codebook]) -> String {
    if books.is_empty() {
        return "leernet".to_owned();
    }
    let each: Vec<String> = books
        .iter()
        .map(|b| format!("{}, version {}", b.name, b.version))
        .collect();
    let word = if books.len() == 1 {
        "codebook"
    } else {
        "codebooks"
    };
    format!("leernet ({word} {})", each.join("; "))
}

/// What a project holds beyond codes, sources and memos: the Werkplaatsen (for the
/// networks' cases), and what imports from other tools kept — their variables, cases and the
/// values of their variables on documents.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportExtras<'a> {
    pub workplaces: &'a [Workplace],
    /// Other tools' variables (leernet's own are text and need no entry).
    pub variables: &'a [QdaVariable],
    pub cases: &'a [KeptCase],
    /// (document, variable, value).
    pub document_values: &'a [(DocumentId, String, String)],
}

/// A case kept from an import: a network's case (with its GUID and the values of other
/// variables) or any other case, with the sources that belong to it beyond those of its
/// network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptCase {
    pub guid: String,
    pub name: String,
    pub description: String,
    pub network: Option<NetworkId>,
    /// (variable, value).
    pub values: Vec<(String, String)>,
    pub documents: Vec<DocumentId>,
    /// (response, question).
    pub answers: Vec<(ResponseId, String)>,
}

/// The variables of a network's case: its Werkplaats and the Werkplaats's region.
pub const NETWORK_VARIABLES: [&str; 2] = ["workplace", "region"];

/// Variables leernet writes itself on sources and cases (always as text).
pub const OWN_VARIABLES: [&str; 9] = [
    "wave",
    "network",
    "respondent",
    "question",
    "role",
    "kind",
    "date",
    "workplace",
    "region",
];

/// The neutral project for leernet's data.
pub fn export_project(input: &ExportInput) -> Result<QdaProject> {
    export_project_with(input, &ExportExtras::default())
}

/// [`export_project`] with cases and variables: one case per network that has sources (or
/// a kept case), with its Werkplaats and region and the sources of the network; the other
/// kept cases as they came; other tools' variables with their types.
pub fn export_project_with(input: &ExportInput, extras: &ExportExtras) -> Result<QdaProject> {
    let mut codes = Vec::new();
    let mut code_guid: BTreeMap<CodeId, String> = BTreeMap::new();
    let mut code_key: BTreeMap<CodeId, String> = BTreeMap::new();
    let several = input.codebooks.len() > 1;
    for book in input.codebooks {
        let folder = several.then(|| guid::stable("codebook", &book.name));
        if let Some(f) = &folder {
            codes.push(QdaCode {
                guid: f.clone(),
                name: book.name.clone(),
                description: String::new(),
                color: None,
                codable: false,
                parent: None,
            });
        }
        let scope = if several { book.name.as_str() } else { "" };
        for c in &book.codes {
            let g = guid::stable("code", &format!("{scope}/{}", c.key));
            code_guid.insert(c.id, g);
            code_key.insert(c.id, c.key.clone());
        }
        for c in &book.codes {
            let parent = match c.parent {
                Some(p) => Some(code_guid.get(&p).cloned().ok_or_else(|| {
                    QdaError::Export(format!(
                        "code {:?} names a parent that is not in codebook {:?}",
                        c.key, book.name
                    ))
                })?),
                None => folder.clone(),
            };
            let name = match c.name.get(leernet_core::Lang::Nl) {
                "" => c.key.clone(),
                n => n.to_owned(),
            };
            codes.push(QdaCode {
                guid: code_guid[&c.id].clone(),
                name,
                description: code_description(c),
                color: c.colour.as_ref().map(|c| c.as_str().to_ascii_lowercase()),
                codable: !input.folders.contains(&c.id),
                parent,
            });
        }
    }

    let persons: BTreeMap<PersonId, &Person> = input.persons.iter().map(|p| (p.id, p)).collect();
    let coders: BTreeSet<PersonId> = input
        .codings
        .iter()
        .map(|c| c.coder)
        .chain(input.document_codings.iter().map(|c| c.coder))
        // The author of a memo is a user too, or the note loses who wrote it.
        .chain(input.memos.iter().filter_map(|m| m.author))
        .collect();
    let mut users = Vec::new();
    let mut user_guid: BTreeMap<PersonId, String> = BTreeMap::new();
    let mut unnamed = 0usize;
    for p in input.persons.iter().filter(|p| coders.contains(&p.id)) {
        // The GUID is derived from the address, as before, so that a file leernet wrote
        // still finds its coders on import; it is a hash, not the address.
        let g = guid::stable("user", p.email.as_str());
        user_guid.insert(p.id, g.clone());
        let name = p.name.trim();
        let (name, id) = match input.coders {
            CoderNames::Emails => (p.name.clone(), Some(p.email.as_str().to_owned())),
            CoderNames::Names if name.is_empty() || has_address(name) => {
                unnamed += 1;
                (format!("Codeur {unnamed}"), None)
            }
            CoderNames::Names => (name.to_owned(), None),
        };
        users.push(QdaUser { guid: g, name, id });
    }
    if let Some(c) = input
        .document_codings
        .iter()
        .find(|c| !persons.contains_key(&c.coder) || !code_key.contains_key(&c.code))
    {
        return Err(QdaError::Export(format!(
            "coding {} of document {} names a person or code that is not known",
            c.id, c.span.document
        )));
    }
    if let Some(c) = input
        .codings
        .iter()
        .find(|c| !persons.contains_key(&c.coder))
    {
        return Err(QdaError::Export(format!(
            "coding {} was made by person {}, who is not known",
            c.id, c.coder
        )));
    }

    let wave_name: BTreeMap<_, _> = input.waves.iter().map(|w| (w.id, w.name.clone())).collect();
    let network_slug: BTreeMap<_, _> = input
        .networks
        .iter()
        .map(|n| (n.id, n.slug.as_str().to_owned()))
        .collect();
    let responses: BTreeMap<ResponseId, &Response> =
        input.responses.iter().map(|r| (r.id, r)).collect();
    let mut by_source: BTreeMap<(ResponseId, &str), Vec<&Coding>> = BTreeMap::new();
    for c in input.codings {
        if !responses.contains_key(&c.segment.response) {
            return Err(QdaError::Export(format!(
                "coding {} is on response {}, which is not known",
                c.id, c.segment.response
            )));
        }
        if !code_key.contains_key(&c.code) {
            return Err(QdaError::Export(format!(
                "coding {} uses code {}, which is in no codebook",
                c.id, c.code
            )));
        }
        by_source
            .entry((c.segment.response, c.segment.question.as_str()))
            .or_default()
            .push(c);
    }

    let mut sources = Vec::new();
    let mut variables: Vec<String> = Vec::new();
    // Each answer source's GUID, with the network of its response.
    let mut answer_sources: BTreeMap<(ResponseId, &str), (String, NetworkId)> = BTreeMap::new();
    for r in input.responses {
        let wave = wave_name
            .get(&r.wave)
            .cloned()
            .unwrap_or_else(|| r.wave.to_string());
        for (question, answer) in &r.answers {
            let coded = by_source.get(&(r.id, question.as_str()));
            if coded.is_none() && (answer.is_empty() || !input.open_questions.contains(question)) {
                continue;
            }
            let key = source_key(&wave, &r.respondent, question);
            let sguid = guid::stable("source", &key);
            let mut vars = vec![
                ("wave".to_owned(), wave.clone()),
                (
                    "network".to_owned(),
                    network_slug
                        .get(&r.network)
                        .cloned()
                        .unwrap_or_else(|| r.network.to_string()),
                ),
                ("respondent".to_owned(), r.respondent.clone()),
                ("question".to_owned(), question.clone()),
            ];
            if let Some(role) = r.answers.get("role").filter(|v| !v.is_empty()) {
                vars.push(("role".to_owned(), role.clone()));
            }
            for (n, _) in &vars {
                if !variables.contains(n) {
                    variables.push(n.clone());
                }
            }
            let len = answer.chars().count();
            let mut list: Vec<&Coding> = coded.cloned().unwrap_or_default();
            let email = |p: PersonId| persons.get(&p).map(|p| p.email.as_str()).unwrap_or("");
            list.sort_by(|a, b| {
                (
                    a.segment.start,
                    a.segment.end,
                    &code_key[&a.code],
                    email(a.coder),
                    a.id,
                )
                    .cmp(&(
                        b.segment.start,
                        b.segment.end,
                        &code_key[&b.code],
                        email(b.coder),
                        b.id,
                    ))
            });
            let mut selections = Vec::new();
            for (n, c) in list.into_iter().enumerate() {
                if c.segment.start > c.segment.end || c.segment.end > len {
                    return Err(QdaError::Export(format!(
                        "coding {} ({}..{}) lies outside the answer of {} to {question} ({len} characters)",
                        c.id, c.segment.start, c.segment.end, r.respondent
                    )));
                }
                let id = format!("{key}/{n}");
                selections.push(QdaSelection {
                    guid: guid::stable("selection", &id),
                    name: Some(
                        answer
                            .chars()
                            .skip(c.segment.start)
                            .take(c.segment.end - c.segment.start)
                            .collect(),
                    ),
                    start: c.segment.start,
                    end: c.segment.end,
                    description: c.memo.clone(),
                    codings: vec![QdaCoding {
                        guid: guid::stable("coding", &id),
                        code: code_guid[&c.code].clone(),
                        user: user_guid.get(&c.coder).cloned(),
                    }],
                });
            }
            answer_sources.insert((r.id, question.as_str()), (sguid.clone(), r.network));
            sources.push(QdaSource {
                guid: sguid,
                name: format!("{} · {question}", r.respondent),
                text: answer.clone(),
                variables: vars,
                selections,
            });
        }
    }
    export_documents(
        input,
        extras,
        &code_guid,
        &user_guid,
        &network_slug,
        &mut variables,
        &mut sources,
    )?;
    let cases = export_cases(input, extras, &answer_sources, &sources, &mut variables)?;
    let variables = variables
        .into_iter()
        .map(|name| {
            let kept = (!OWN_VARIABLES.contains(&name.as_str()))
                .then(|| extras.variables.iter().find(|v| v.name == name))
                .flatten();
            kept.cloned().unwrap_or_else(|| QdaVariable::text(name))
        })
        .collect();
    let mut notes = Vec::with_capacity(input.memos.len());
    for m in input.memos {
        let source = match m.document {
            None => None,
            Some(d) => Some(
                input
                    .documents
                    .iter()
                    .find(|x| x.info.id == d)
                    .map(document_guid)
                    .ok_or_else(|| {
                        QdaError::Export(format!(
                            "memo {} is on document {d}, which is not known",
                            m.id
                        ))
                    })?,
            ),
        };
        let code = match m.code {
            None => None,
            Some(c) => Some(code_guid.get(&c).cloned().ok_or_else(|| {
                QdaError::Export(format!(
                    "memo {} is on code {c}, which is in no codebook",
                    m.id
                ))
            })?),
        };
        notes.push(QdaNote {
            guid: guid::stable(
                "memo",
                &format!("{}\u{1f}{}\u{1f}{}", m.id, m.title, m.text),
            ),
            name: m.title.clone(),
            text: m.text.clone(),
            user: m.author.and_then(|a| user_guid.get(&a).cloned()),
            code,
            source,
        });
    }
    Ok(QdaProject {
        name: input.name.to_owned(),
        origin: Some(origin(input.codebooks)),
        users,
        codes,
        variables,
        cases,
        sources,
        notes,
    })
}

/// The cases: one per network with sources or a kept case (named by the network, with the
/// variables [`NETWORK_VARIABLES`]), then the other kept cases; each case's sources in the
/// order of the sources.
fn export_cases(
    input: &ExportInput,
    extras: &ExportExtras,
    answer_sources: &BTreeMap<(ResponseId, &str), (String, NetworkId)>,
    sources: &[QdaSource],
    variables: &mut Vec<String>,
) -> Result<Vec<QdaCase>> {
    let position: BTreeMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.guid.as_str(), i))
        .collect();
    let doc_guid: BTreeMap<DocumentId, String> = input
        .documents
        .iter()
        .map(|d| (d.info.id, document_guid(d)))
        .collect();
    let kept_sources = |k: &KeptCase| -> Result<Vec<String>> {
        let mut out = Vec::new();
        for d in &k.documents {
            out.push(doc_guid.get(d).cloned().ok_or_else(|| {
                QdaError::Export(format!(
                    "case {:?} names document {d}, which is not known",
                    k.name
                ))
            })?);
        }
        for (r, q) in &k.answers {
            // An answer that is no source of this export (empty, or not open) is left out.
            if let Some((g, _)) = answer_sources.get(&(*r, q.as_str())) {
                out.push(g.clone());
            }
        }
        Ok(out)
    };
    let ordered = |mut list: Vec<String>| {
        list.sort_by_key(|g| position.get(g.as_str()).copied().unwrap_or(usize::MAX));
        list.dedup();
        list
    };
    let use_var = |name: &str, variables: &mut Vec<String>| {
        if !variables.iter().any(|v| v == name) {
            variables.push(name.to_owned());
        }
    };
    let mut cases = Vec::new();
    let mut used_kept: BTreeSet<usize> = BTreeSet::new();
    for n in input.networks {
        let kept = extras.cases.iter().position(|k| k.network == Some(n.id));
        let mut list: Vec<String> = answer_sources
            .values()
            .filter(|(_, net)| *net == n.id)
            .map(|(g, _)| g.clone())
            .collect();
        list.extend(
            input
                .documents
                .iter()
                .filter(|d| d.info.network == Some(n.id))
                .map(|d| doc_guid[&d.info.id].clone()),
        );
        if let Some(k) = kept {
            used_kept.insert(k);
            list.extend(kept_sources(&extras.cases[k])?);
        } else if list.is_empty() {
            continue;
        }
        let mut values = Vec::new();
        if let Some(w) = extras.workplaces.iter().find(|w| w.id == n.workplace) {
            values.push(("workplace".to_owned(), w.name.clone()));
            if !w.region.trim().is_empty() {
                values.push(("region".to_owned(), w.region.clone()));
            }
        }
        let (guid, description) = match kept.map(|k| &extras.cases[k]) {
            Some(k) => {
                values.extend(
                    k.values
                        .iter()
                        .filter(|(v, _)| !NETWORK_VARIABLES.contains(&v.as_str()))
                        .cloned(),
                );
                (k.guid.clone(), k.description.clone())
            }
            None => (guid::stable("case", n.slug.as_str()), String::new()),
        };
        for (v, _) in &values {
            use_var(v, variables);
        }
        cases.push(QdaCase {
            guid,
            name: n.name.clone(),
            description,
            variables: values,
            sources: ordered(list),
        });
    }
    for (i, k) in extras.cases.iter().enumerate() {
        if used_kept.contains(&i) {
            continue;
        }
        for (v, _) in &k.values {
            use_var(v, variables);
        }
        cases.push(QdaCase {
            guid: k.guid.clone(),
            name: k.name.clone(),
            description: k.description.clone(),
            variables: k.values.clone(),
            sources: ordered(kept_sources(k)?),
        });
    }
    Ok(cases)
}

/// Whether a kept value's variable is one leernet writes on documents itself.
fn vars_taken(v: &str) -> bool {
    matches!(v, "kind" | "network" | "date")
}

/// A document's text source GUID: from its title and text, so that the same document
/// exported from another project has the same GUID.
fn document_guid(d: &Document) -> String {
    guid::stable("document", &format!("{}\u{1f}{}", d.info.title, d.text))
}

/// One text source per document, after the answers: named by its title, with the variables
/// `kind`, and when known `network` and `date`; one selection per coding, in the order of
/// position, code, coder.
fn export_documents(
    input: &ExportInput,
    extras: &ExportExtras,
    code_guid: &BTreeMap<CodeId, String>,
    user_guid: &BTreeMap<PersonId, String>,
    network_slug: &BTreeMap<leernet_core::NetworkId, String>,
    variables: &mut Vec<String>,
    sources: &mut Vec<QdaSource>,
) -> Result<()> {
    let mut by_doc: BTreeMap<DocumentId, Vec<&DocumentCoding>> = BTreeMap::new();
    for c in input.document_codings {
        by_doc.entry(c.span.document).or_default().push(c);
    }
    if let Some(d) = by_doc
        .keys()
        .find(|d| !input.documents.iter().any(|x| x.info.id == **d))
    {
        return Err(QdaError::Export(format!(
            "codings name document {d}, which is not known"
        )));
    }
    for d in input.documents {
        let key = format!("{}\u{1f}{}", d.info.title, d.text);
        let sguid = document_guid(d);
        let mut vars = vec![("kind".to_owned(), d.info.kind.as_str().to_owned())];
        if let Some(n) = d.info.network.and_then(|n| network_slug.get(&n)) {
            vars.push(("network".to_owned(), n.clone()));
        }
        if let Some(date) = &d.info.date {
            vars.push(("date".to_owned(), date.clone()));
        }
        vars.extend(
            extras
                .document_values
                .iter()
                .filter(|(id, v, _)| *id == d.info.id && !vars_taken(v))
                .map(|(_, v, x)| (v.clone(), x.clone())),
        );
        for (n, _) in &vars {
            if !variables.contains(n) {
                variables.push(n.clone());
            }
        }
        let len = d.text.chars().count();
        let mut list = by_doc.remove(&d.info.id).unwrap_or_default();
        list.sort_by_key(|c| (c.span.start, c.span.end, c.code, c.coder, c.id));
        let mut selections = Vec::with_capacity(list.len());
        for (n, c) in list.into_iter().enumerate() {
            let Some(text) = leernet_core::span_text(&d.text, c.span.start, c.span.end) else {
                return Err(QdaError::Export(format!(
                    "coding {} ({}..{}) lies outside document {:?} ({len} characters)",
                    c.id, c.span.start, c.span.end, d.info.title
                )));
            };
            let id = format!("{key}/{n}");
            selections.push(QdaSelection {
                guid: guid::stable("selection", &id),
                name: Some(text.to_owned()),
                start: c.span.start,
                end: c.span.end,
                description: c.memo.clone(),
                codings: vec![QdaCoding {
                    guid: guid::stable("coding", &id),
                    code: code_guid[&c.code].clone(),
                    user: user_guid.get(&c.coder).cloned(),
                }],
            });
        }
        sources.push(QdaSource {
            guid: sguid,
            name: d.info.title.clone(),
            text: d.text.clone(),
            variables: vars,
            selections,
        });
    }
    Ok(())
}

/// A code to create, parents first; `parent` is another planned code's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCode {
    /// The code's GUID in the file (kept, so that a second import finds the code again).
    pub guid: String,
    /// The code of [`ImportPlan::codebook`] it already is: nothing to create.
    pub existing: Option<CodeId>,
    pub key: String,
    pub parent: Option<String>,
    pub name: Bilingual,
    pub description: Bilingual,
    pub inclusion: Bilingual,
    pub exclusion: Bilingual,
    pub examples: Bilingual,
    pub colour: Option<Colour>,
    /// A folder of the code tree (REFI-QDA `isCodable="false"`): it groups codes and is not
    /// applied itself.
    pub folder: bool,
}

/// A coder of the file, and the person it is (`None`: a person to create).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCoder {
    pub guid: String,
    pub name: String,
    /// The e-mail address the file gives (the `User`'s `id`), if it looks like one.
    pub email: Option<String>,
    pub person: Option<PersonId>,
}

/// A coding to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCoding {
    pub segment: Segment,
    /// A [`PlannedCode`]'s key.
    pub code: String,
    /// Index into [`ImportPlan::coders`].
    pub coder: usize,
    pub memo: String,
}

/// A text source that matches no answer and no stored document: it becomes a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDocument {
    /// The source's name (or `Document N` without one).
    pub title: String,
    /// Normalised (`document::normalise`).
    pub text: String,
    /// From the source's `kind` variable (leernet writes it), else `Other`.
    pub kind: DocumentKind,
    /// The slug in the source's `network` variable, if any.
    pub network: Option<String>,
    /// The source's `date` variable, when it is a date.
    pub date: Option<String>,
}

/// Where a planned coding of a document goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlannedDocumentTarget {
    /// A stored document with the same text.
    Existing(DocumentId),
    /// Index into [`ImportPlan::documents`].
    New(usize),
}

/// A coding of a document span to create; positions are code points of the normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDocumentCoding {
    pub document: PlannedDocumentTarget,
    pub start: usize,
    pub end: usize,
    /// A [`PlannedCode`]'s key.
    pub code: String,
    /// Index into [`ImportPlan::coders`].
    pub coder: usize,
    pub memo: String,
}

/// A note of the file as a memo; on a code (by key) or a document, or on the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMemo {
    pub title: String,
    pub text: String,
    /// Index into [`ImportPlan::coders`].
    pub author: Option<usize>,
    pub code: Option<String>,
    pub document: Option<PlannedDocumentTarget>,
}

/// A case of the file: kept with its GUID, linked to the network whose name or slug it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCase {
    pub guid: String,
    pub name: String,
    pub description: String,
    pub network: Option<NetworkId>,
    /// Values of variables other than the network's own ([`NETWORK_VARIABLES`]).
    pub values: Vec<(String, String)>,
    /// Documents that belong to it and not (only) through its network.
    pub documents: Vec<PlannedDocumentTarget>,
    /// Answers (response, question) that belong to it and not through its network.
    pub answers: Vec<(ResponseId, String)>,
}

/// Where the file's sources went, for the cases.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Placed {
    Answer(ResponseId, String, NetworkId),
    Document(PlannedDocumentTarget),
}

/// What a project holds that an import is planned against.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportContext<'a> {
    pub responses: &'a [Response],
    pub persons: &'a [Person],
    pub waves: &'a [Wave],
    pub documents: &'a [Document],
    pub networks: &'a [Network],
    /// The codebooks: a code of the file that is already one of their codes — by a GUID
    /// kept from an earlier import ([`ImportContext::code_guids`]) or by the GUID leernet's
    /// export gives it — is not added again.
    pub codebooks: &'a [Codebook],
    /// GUIDs of codes kept from earlier imports.
    pub code_guids: &'a [(String, CodeId)],
}

/// What an import will write, and its report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// The codebook that already holds codes of the file: new codes are added to it. `None`:
    /// a new codebook.
    pub codebook: Option<leernet_core::CodebookId>,
    pub codes: Vec<PlannedCode>,
    pub coders: Vec<PlannedCoder>,
    pub codings: Vec<PlannedCoding>,
    pub documents: Vec<PlannedDocument>,
    pub document_codings: Vec<PlannedDocumentCoding>,
    pub memos: Vec<PlannedMemo>,
    pub cases: Vec<PlannedCase>,
    /// The variables of the values kept on cases and documents, with their types.
    pub variables: Vec<QdaVariable>,
    /// Values of other tools' variables on documents: (document, variable, value).
    pub document_values: Vec<(PlannedDocumentTarget, String, String)>,
    /// Stored documents without a network that a network's case links to it.
    pub document_networks: Vec<(DocumentId, NetworkId)>,
    pub report: Report,
}

fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('_') && !s.is_empty() {
            s.push('_');
        }
    }
    let s = s.trim_end_matches('_').to_owned();
    if s.is_empty() {
        "code".to_owned()
    } else {
        s
    }
}

/// Plans the import of `project` (as read, with its `report`) into a leernet project with
/// these answers and persons. Sources that match no answer, and their codings, are reported
/// as not carried over; the codebook is always planned whole.
pub fn plan_import(
    project: &QdaProject,
    report: Report,
    responses: &[Response],
    persons: &[Person],
    waves: &[Wave],
) -> Result<ImportPlan> {
    plan_project_import(project, report, responses, persons, waves, &[])
}

/// [`plan_import`] for a whole project: a text source that matches no answer becomes a
/// document (or, when a stored document has its text, is matched to that one), with its
/// codings; only sources without text, or whose text several answers share, are reported
/// as not carried over.
pub fn plan_project_import(
    project: &QdaProject,
    report: Report,
    responses: &[Response],
    persons: &[Person],
    waves: &[Wave],
    documents: &[Document],
) -> Result<ImportPlan> {
    plan_project_import_in(
        project,
        report,
        &ImportContext {
            responses,
            persons,
            waves,
            documents,
            ..ImportContext::default()
        },
    )
}

/// The address given to a coder of an imported file who is no person of the project yet
/// (`imported-<GUID's letters and digits>@leernet.invalid`); a second import finds the
/// person by it.
pub fn imported_email(guid: &str) -> String {
    let short: String = guid
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect();
    let base = if short.is_empty() {
        "coder".to_owned()
    } else {
        short
    };
    format!("imported-{base}@leernet.invalid")
}

/// The codes of the project that a file's code GUID stands for: GUIDs kept from earlier
/// imports, and the GUIDs leernet's export gives its codes (one codebook: `code` of
/// `/key`; several: of `codebook/key`).
fn known_codes<'a>(
    ctx: &ImportContext<'a>,
) -> BTreeMap<String, (leernet_core::CodebookId, &'a Code)> {
    let mut by_id: BTreeMap<CodeId, (leernet_core::CodebookId, &Code)> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for b in ctx.codebooks {
        for c in &b.codes {
            by_id.insert(c.id, (b.id, c));
            for scope in ["", b.name.as_str()] {
                out.entry(guid::stable("code", &format!("{scope}/{}", c.key)))
                    .or_insert((b.id, c));
            }
        }
    }
    for (g, id) in ctx.code_guids {
        if let Some(found) = by_id.get(id) {
            out.insert(g.clone(), *found);
        }
    }
    out
}

/// [`plan_project_import`] against everything a project holds: codes the project has
/// already (the file's own GUIDs kept by an earlier import, or leernet's) are not planned
/// again; cases and other tools' variables are planned too.
pub fn plan_project_import_in(
    project: &QdaProject,
    report: Report,
    ctx: &ImportContext,
) -> Result<ImportPlan> {
    let (responses, persons, waves, documents) =
        (ctx.responses, ctx.persons, ctx.waves, ctx.documents);
    let mut report = report;
    // The codebook that holds most of the file's codes already, if any.
    let known = known_codes(ctx);
    let mut per_book: BTreeMap<leernet_core::CodebookId, usize> = BTreeMap::new();
    for c in &project.codes {
        if let Some((b, _)) = known.get(&c.guid) {
            *per_book.entry(*b).or_default() += 1;
        }
    }
    let target = per_book
        .iter()
        .max_by_key(|(b, n)| (**n, std::cmp::Reverse(**b)))
        .map(|(b, _)| *b);
    let target_book = target.and_then(|t| ctx.codebooks.iter().find(|b| b.id == t));
    let mut already_codes = 0usize;
    // A code that is not codable but carries codings (NVivo and MAXQDA let a category be a
    // code too) is kept as a code.
    let coded: BTreeSet<&str> = project
        .sources
        .iter()
        .flat_map(|s| &s.selections)
        .flat_map(|x| &x.codings)
        .map(|c| c.code.as_str())
        .collect();
    // Codes: keys, parents first (the reader and our writer give them in that order).
    let mut keys: BTreeMap<&str, String> = BTreeMap::new();
    let mut used: BTreeSet<String> = target_book
        .iter()
        .flat_map(|b| b.codes.iter().map(|c| c.key.clone()))
        .collect();
    let mut codes = Vec::new();
    let (mut made, mut folders) = (0usize, 0usize);
    for c in &project.codes {
        if let Some((_, k)) = known.get(&c.guid).filter(|(b, _)| Some(*b) == target) {
            already_codes += 1;
            keys.insert(c.guid.as_str(), k.key.clone());
            codes.push(PlannedCode {
                guid: c.guid.clone(),
                existing: Some(k.id),
                key: k.key.clone(),
                parent: None,
                name: k.name.clone(),
                description: k.description.clone(),
                inclusion: k.inclusion.clone(),
                exclusion: k.exclusion.clone(),
                examples: k.examples.clone(),
                colour: k.colour.clone(),
                folder: false,
            });
            continue;
        }
        let (text, fields) = parse_description(&c.description);
        let parent_key = match &c.parent {
            Some(p) => {
                Some(
                    keys.get(p.as_str())
                        .cloned()
                        .ok_or_else(|| QdaError::CodebookCycle {
                            file: "project".into(),
                            guid: p.clone(),
                        })?,
                )
            }
            None => None,
        };
        let wanted = match fields.get("key").filter(|k| !k.trim().is_empty()) {
            Some(k) => k.trim().to_owned(),
            None => {
                made += 1;
                match &parent_key {
                    Some(p) => format!("{p}.{}", slug(&c.name)),
                    None => slug(&c.name),
                }
            }
        };
        let mut key = wanted.clone();
        let mut n = 2;
        while used.contains(&key) {
            key = format!("{wanted}_{n}");
            n += 1;
        }
        if key != wanted {
            report.convert(format!(
                "code {:?}: key {wanted:?} was taken; became {key:?}",
                c.name
            ));
        }
        used.insert(key.clone());
        let folder = !c.codable && !coded.contains(c.guid.as_str());
        if !c.codable && !folder {
            folders += 1;
        }
        let name_en = fields
            .get("name_en")
            .cloned()
            .unwrap_or_else(|| c.name.clone());
        let ours = fields.contains_key("key");
        let desc_en = fields.get("description_en").cloned().unwrap_or_else(|| {
            if ours {
                String::new()
            } else {
                text.clone()
            }
        });
        let [text, inclusion, exclusion, examples] = if ours {
            split_sections(&text)
        } else {
            [text, String::new(), String::new(), String::new()]
        };
        let en = |f: &str| fields.get(f).cloned().unwrap_or_default();
        let colour = c.color.as_deref().and_then(Colour::lenient);
        codes.push(PlannedCode {
            guid: c.guid.clone(),
            existing: None,
            key: key.clone(),
            parent: parent_key,
            name: Bilingual {
                nl: c.name.clone(),
                en: name_en,
            },
            description: Bilingual {
                nl: text,
                en: desc_en,
            },
            inclusion: Bilingual {
                nl: inclusion,
                en: en("inclusion_en"),
            },
            exclusion: Bilingual {
                nl: exclusion,
                en: en("exclusion_en"),
            },
            examples: Bilingual {
                nl: examples,
                en: en("examples_en"),
            },
            colour,
            folder,
        });
        keys.insert(c.guid.as_str(), key);
    }
    if made > 0 {
        report.convert(format!(
            "{made} codes had no leernet key; keys were made from their names and those of their parents"
        ));
    }
    if folders > 0 {
        report.convert(format!(
            "{folders} codes that are folders (not codable) in the file but carry codings became ordinary codes"
        ));
    }

    // Coders.
    let mut coders: Vec<PlannedCoder> = Vec::new();
    let mut coder_index: BTreeMap<String, usize> = BTreeMap::new();
    for u in &project.users {
        let email =
            u.id.as_deref()
                .and_then(|i| leernet_core::Email::parse(i).ok())
                .map(|e| e.as_str().to_owned());
        let person = persons
            .iter()
            .find(|p| email.as_deref() == Some(p.email.as_str()))
            .or_else(|| {
                persons
                    .iter()
                    .find(|p| guid::stable("user", p.email.as_str()) == u.guid)
            })
            .or_else(|| {
                let made = imported_email(&u.guid);
                persons.iter().find(|p| p.email.as_str() == made)
            })
            .or_else(|| {
                persons
                    .iter()
                    .find(|p| !u.name.is_empty() && p.name == u.name)
            })
            .map(|p| p.id);
        coder_index.insert(u.guid.clone(), coders.len());
        coders.push(PlannedCoder {
            guid: u.guid.clone(),
            name: if u.name.is_empty() {
                u.guid.clone()
            } else {
                u.name.clone()
            },
            email,
            person,
        });
    }

    // Answers by (wave name, respondent) and by text.
    let wave_name: BTreeMap<_, _> = waves.iter().map(|w| (w.id, w.name.as_str())).collect();
    let mut by_text: BTreeMap<&str, Vec<(ResponseId, &str)>> = BTreeMap::new();
    for r in responses {
        for (q, a) in &r.answers {
            if !a.is_empty() {
                by_text
                    .entry(a.as_str())
                    .or_default()
                    .push((r.id, q.as_str()));
            }
        }
    }
    let mut by_respondent: BTreeMap<&str, Vec<&Response>> = BTreeMap::new();
    for r in responses {
        by_respondent
            .entry(r.respondent.as_str())
            .or_default()
            .push(r);
    }
    let mut codings = Vec::new();
    let mut planned_docs: Vec<PlannedDocument> = Vec::new();
    let mut document_codings: Vec<PlannedDocumentCoding> = Vec::new();
    let mut empty_after = 0usize;
    // Where each source went: a document (for the memos attached to it).
    let mut source_doc: BTreeMap<&str, PlannedDocumentTarget> = BTreeMap::new();
    // Where every source went (for the cases).
    let mut placed: BTreeMap<&str, Placed> = BTreeMap::new();
    let mut document_values: Vec<(PlannedDocumentTarget, String, String)> = Vec::new();
    let mut answer_values = 0usize;
    let network_of: BTreeMap<ResponseId, NetworkId> =
        responses.iter().map(|r| (r.id, r.network)).collect();
    let (mut by_text_n, mut unknown_user) = (0usize, 0usize);
    for s in &project.sources {
        let ncod: usize = s.selections.iter().map(|x| x.codings.len()).sum();
        let var = |n: &str| {
            s.variables
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
        };
        let target: Option<(ResponseId, String)> = match (var("respondent"), var("question")) {
            (Some(resp), Some(q)) => {
                let found = by_respondent.get(resp).into_iter().flatten().find(|r| {
                    var("wave").is_none_or(|w| {
                        wave_name.get(&r.wave).copied() == Some(w) || r.wave.to_string() == w
                    }) && r.answers.contains_key(q)
                });
                match found {
                    Some(r) if r.answers[q] == s.text => Some((r.id, q.to_owned())),
                    Some(_) => {
                        report.lose(format!(
                            "source {:?}: the answer in this project differs from the text in the file; its {ncod} codings were not carried over",
                            s.name
                        ));
                        continue;
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let target = match target {
            Some(t) => t,
            None => match by_text.get(s.text.as_str()).map(Vec::as_slice) {
                Some([(r, q)]) => {
                    by_text_n += 1;
                    (*r, (*q).to_owned())
                }
                Some(many) if many.len() > 1 => {
                    report.lose(format!(
                        "source {:?}: its text is the answer of {} respondents, so it cannot be placed; its {ncod} codings were not carried over",
                        s.name,
                        many.len()
                    ));
                    continue;
                }
                _ => {
                    let (target, map) = as_document(s, documents, &mut planned_docs, &mut report);
                    source_doc.insert(s.guid.as_str(), target);
                    placed.insert(s.guid.as_str(), Placed::Document(target));
                    document_values.extend(
                        s.variables
                            .iter()
                            .filter(|(n, _)| !vars_taken(n))
                            .map(|(n, v)| (target, n.clone(), v.clone())),
                    );
                    for sel in &s.selections {
                        let (start, end) = (
                            map[sel.start.min(map.len() - 1)],
                            map[sel.end.min(map.len() - 1)],
                        );
                        if start >= end {
                            empty_after += sel.codings.len();
                            continue;
                        }
                        for c in &sel.codings {
                            let coder =
                                coder_of(c, &mut coder_index, &mut coders, &mut unknown_user);
                            document_codings.push(PlannedDocumentCoding {
                                document: target,
                                start,
                                end,
                                code: keys[c.code.as_str()].clone(),
                                coder,
                                memo: sel.description.clone(),
                            });
                        }
                    }
                    continue;
                }
            },
        };
        answer_values += s
            .variables
            .iter()
            .filter(|(n, _)| !OWN_VARIABLES.contains(&n.as_str()))
            .count();
        placed.insert(
            s.guid.as_str(),
            Placed::Answer(
                target.0,
                target.1.clone(),
                network_of.get(&target.0).copied().unwrap_or(NetworkId(0)),
            ),
        );
        for sel in &s.selections {
            for c in &sel.codings {
                let coder = coder_of(c, &mut coder_index, &mut coders, &mut unknown_user);
                codings.push(PlannedCoding {
                    segment: Segment {
                        response: target.0,
                        question: target.1.clone(),
                        start: sel.start,
                        end: sel.end,
                    },
                    code: keys[c.code.as_str()].clone(),
                    coder,
                    memo: sel.description.clone(),
                });
            }
        }
    }
    if by_text_n > 0 {
        report.convert(format!(
            "{by_text_n} sources without leernet's variables were matched to the one answer with the same text"
        ));
    }
    if unknown_user > 0 {
        report.convert(format!(
            "{unknown_user} codings name no known user; they were given to an imported coder"
        ));
    }
    let mut memos = Vec::with_capacity(project.notes.len());
    let mut on_answers = 0usize;
    for n in &project.notes {
        let document = n.source.as_deref().and_then(|s| source_doc.get(s).copied());
        if n.source.is_some() && document.is_none() {
            on_answers += 1;
        }
        memos.push(PlannedMemo {
            title: match n.name.trim() {
                "" => "Memo".to_owned(),
                t => t.to_owned(),
            },
            text: crate::document::normalise(&n.text),
            author: n.user.as_ref().and_then(|u| coder_index.get(u).copied()),
            code: n.code.as_ref().and_then(|c| keys.get(c.as_str()).cloned()),
            document,
        });
    }
    if on_answers > 0 {
        report.convert(format!(
            "{on_answers} notes on sources that are answers became memos of the study (leernet keeps memos on codes and documents)"
        ));
    }
    if !planned_docs.is_empty() {
        report.convert(format!(
            "{} sources that match no answer became documents",
            planned_docs.len()
        ));
    }
    if empty_after > 0 {
        report.lose(format!(
            "{empty_after} codings covered only line endings or white space at the end of their source and were not carried over"
        ));
    }
    if answer_values > 0 {
        report.lose(format!(
            "{answer_values} values of other tools' variables on sources that are answers (leernet keeps such values on documents and cases)"
        ));
    }
    if already_codes > 0 {
        report.convert(format!(
            "{already_codes} codes are codes of this project already (found by their GUIDs); they were not added again"
        ));
    }
    let cases = plan_cases(project, ctx, &placed, &mut planned_docs, &mut report);
    let document_networks = cases.1;
    let cases = cases.0;
    let variables = kept_variables(project, &cases, &document_values, &mut report);
    let used: BTreeSet<usize> = codings
        .iter()
        .map(|c| c.coder)
        .chain(document_codings.iter().map(|c| c.coder))
        .chain(memos.iter().filter_map(|m| m.author))
        .collect();
    let new = used.iter().filter(|&&i| coders[i].person.is_none()).count();
    if new > 0 {
        report.convert(format!(
            "{new} coders are not persons of this project yet; they will be added as researchers"
        ));
    }
    Ok(ImportPlan {
        codebook: target,
        codes,
        coders,
        codings,
        documents: planned_docs,
        document_codings,
        memos,
        cases,
        variables,
        document_values,
        document_networks,
        report,
    })
}

/// The file's cases: a case named like a network (its name or slug, case aside) is that
/// network's: its documents without a network join the network, and only its sources of
/// other networks are kept as its own; every other case keeps all its sources. Returns the
/// cases and the stored documents to link to a network.
fn plan_cases(
    project: &QdaProject,
    ctx: &ImportContext,
    placed: &BTreeMap<&str, Placed>,
    planned_docs: &mut [PlannedDocument],
    report: &mut Report,
) -> (Vec<PlannedCase>, Vec<(DocumentId, NetworkId)>) {
    let mut cases = Vec::new();
    let mut links: Vec<(DocumentId, NetworkId)> = Vec::new();
    let (mut missing, mut as_network, mut joined) = (0usize, 0usize, 0usize);
    for c in &project.cases {
        let name = c.name.trim();
        let network = ctx.networks.iter().find(|n| {
            !name.is_empty()
                && (n.name.trim().eq_ignore_ascii_case(name)
                    || n.slug.as_str().eq_ignore_ascii_case(name))
        });
        let (mut docs, mut answers) = (Vec::new(), Vec::new());
        for sg in &c.sources {
            match placed.get(sg.as_str()) {
                None => missing += 1,
                Some(Placed::Answer(r, q, net)) => {
                    if network.is_none_or(|n| n.id != *net) {
                        answers.push((*r, q.clone()));
                    }
                }
                Some(Placed::Document(t)) => {
                    let Some(n) = network else {
                        docs.push(*t);
                        continue;
                    };
                    let natural = match *t {
                        PlannedDocumentTarget::New(i) => {
                            let d = &mut planned_docs[i];
                            if d.network.is_none() {
                                d.network = Some(n.slug.as_str().to_owned());
                                joined += 1;
                            }
                            d.network.as_deref() == Some(n.slug.as_str())
                        }
                        PlannedDocumentTarget::Existing(id) => {
                            let stored = ctx
                                .documents
                                .iter()
                                .find(|d| d.info.id == id)
                                .and_then(|d| d.info.network);
                            let linked = links.iter().find(|(d, _)| *d == id).map(|(_, n)| *n);
                            match stored.or(linked) {
                                Some(x) => x == n.id,
                                None => {
                                    links.push((id, n.id));
                                    joined += 1;
                                    true
                                }
                            }
                        }
                    };
                    if !natural {
                        docs.push(*t);
                    }
                }
            }
        }
        docs.dedup();
        let values: Vec<(String, String)> = c
            .variables
            .iter()
            .filter(|(v, _)| network.is_none() || !NETWORK_VARIABLES.contains(&v.as_str()))
            .cloned()
            .collect();
        // A network's case as leernet's export writes it holds nothing to keep.
        if network.is_some_and(|n| c.guid == guid::stable("case", n.slug.as_str()))
            && values.is_empty()
            && docs.is_empty()
            && answers.is_empty()
            && c.description.is_empty()
        {
            continue;
        }
        if network.is_some() {
            as_network += 1;
        }
        cases.push(PlannedCase {
            guid: c.guid.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            network: network.map(|n| n.id),
            values,
            documents: docs,
            answers,
        });
    }
    if !cases.is_empty() || joined > 0 {
        report.convert(format!(
            "{} cases were carried over with their variables and sources; {as_network} of them are networks of this study by name{}",
            cases.len(),
            if joined > 0 {
                format!(", and {joined} of their documents that had no network now belong to it")
            } else {
                String::new()
            }
        ));
    }
    if missing > 0 {
        report.lose(format!(
            "{missing} links of cases to sources that were not carried over"
        ));
    }
    (cases, links)
}

/// The variables of the kept values, with the file's types; a variable with a value its
/// type does not accept, and leernet's own names, become text.
fn kept_variables(
    project: &QdaProject,
    cases: &[PlannedCase],
    document_values: &[(PlannedDocumentTarget, String, String)],
    report: &mut Report,
) -> Vec<QdaVariable> {
    let values: Vec<(&str, &str)> = cases
        .iter()
        .flat_map(|c| c.values.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        .chain(
            document_values
                .iter()
                .map(|(_, n, v)| (n.as_str(), v.as_str())),
        )
        .collect();
    let mut out: Vec<QdaVariable> = Vec::new();
    for (name, _) in &values {
        if out.iter().any(|v| v.name == *name) {
            continue;
        }
        let mut var = project
            .variables
            .iter()
            .find(|v| v.name == *name)
            .cloned()
            .unwrap_or_else(|| QdaVariable::text(*name));
        if OWN_VARIABLES.contains(name) {
            var.kind = VariableKind::Text;
        }
        let bad = values
            .iter()
            .filter(|(n, v)| n == name && !var.kind.accepts(v))
            .count();
        if bad > 0 {
            report.convert(format!(
                "variable {name:?}: {bad} values are not of its type {}; it was kept as text",
                var.kind.as_str()
            ));
            var.kind = VariableKind::Text;
        }
        out.push(var);
    }
    out
}

/// The coder of a coding: its user's index, or a coder made for codings without a known user.
fn coder_of(
    c: &QdaCoding,
    coder_index: &mut BTreeMap<String, usize>,
    coders: &mut Vec<PlannedCoder>,
    unknown_user: &mut usize,
) -> usize {
    if let Some(i) = c.user.as_ref().and_then(|u| coder_index.get(u)) {
        return *i;
    }
    *unknown_user += 1;
    let key = c.user.clone().unwrap_or_default();
    *coder_index.entry(key.clone()).or_insert_with(|| {
        coders.push(PlannedCoder {
            guid: key.clone(),
            name: if key.is_empty() {
                "unknown coder (imported)".to_owned()
            } else {
                format!("coder {key} (imported)")
            },
            email: None,
            person: None,
        });
        coders.len() - 1
    })
}

/// A source that matches no answer as a document: a stored one with the same normalised
/// text, or a new one (planned in `planned`); with the map from the source's positions to
/// the normalised text's. A source without text (NVivo writes such) is kept, empty.
fn as_document(
    s: &QdaSource,
    documents: &[Document],
    planned: &mut Vec<PlannedDocument>,
    report: &mut Report,
) -> (PlannedDocumentTarget, Vec<usize>) {
    let (text, map) = crate::document::normalise_with_map(&s.text);
    if text.is_empty() {
        report.convert(format!(
            "source {:?}: it holds no text (only white space); it was kept as an empty document",
            s.name
        ));
    }
    if text != s.text {
        report.convert(format!(
            "source {:?}: line endings, a byte order mark or white space at the end were normalised; positions were moved with them",
            s.name
        ));
    }
    if !text.is_empty() {
        if let Some(d) = documents.iter().find(|d| d.text == text) {
            return (PlannedDocumentTarget::Existing(d.info.id), map);
        }
        if let Some(i) = planned.iter().position(|d| d.text == text) {
            return (PlannedDocumentTarget::New(i), map);
        }
    }
    let var = |n: &str| {
        s.variables
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let title = match s.name.trim() {
        "" => format!("Document {}", planned.len() + 1),
        t => t.to_owned(),
    };
    planned.push(PlannedDocument {
        title,
        text,
        kind: var("kind")
            .and_then(|k| DocumentKind::parse(&k))
            .unwrap_or(DocumentKind::Other),
        network: var("network"),
        date: var("date").filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-'),
    });
    (PlannedDocumentTarget::New(planned.len() - 1), map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bi(nl: &str, en: &str) -> Bilingual {
        Bilingual {
            nl: nl.into(),
            en: en.into(),
        }
    }

    fn code(description: Bilingual) -> Code {
        Code {
            id: CodeId(1),
            key: "theme.x".into(),
            parent: None,
            name: bi("X", "Ex\nwhy"),
            description,
            inclusion: Bilingual::default(),
            exclusion: Bilingual::default(),
            examples: Bilingual::default(),
            colour: None,
        }
    }

    #[test]
    fn description_round_trip() {
        let d = code_description(&code(bi("Over x.\nTweede regel.", "About \\x.")));
        let (text, f) = parse_description(&d);
        assert_eq!(text, "Over x.\nTweede regel.");
        assert_eq!(split_sections(&text)[0], "Over x.\nTweede regel.");
        assert_eq!(f["key"], "theme.x");
        assert_eq!(f["name_en"], "Ex\nwhy");
        assert_eq!(f["description_en"], "About \\x.");
        assert_eq!(slug("Support / Emotional!"), "support_emotional");
    }

    #[test]
    fn criteria_and_examples_are_readable_and_read_back() {
        let mut c = code(bi("Over x.", "About x."));
        c.inclusion = bi("Als het over x gaat.", "When it is about x.");
        c.exclusion = bi("Niet over y.\nOok niet over z.", "Not about y.");
        c.examples = bi("\"x is fijn\"\nVoorbeelden:", "\"x is nice\"");
        let d = code_description(&c);
        // Another tool shows readable Dutch text with headings.
        assert!(d.starts_with(&format!(
            "Over x.\n\n{INCLUSION}\nAls het over x gaat.\n\n{EXCLUSION}\nNiet over y.\nOok niet over z.\n\n{EXAMPLES}\n- \"x is fijn\"\n- Voorbeelden:\n\n[leernet] key: theme.x"
        )), "{d}");
        let (text, f) = parse_description(&d);
        let [desc, inc, exc, ex] = split_sections(&text);
        assert_eq!(
            (desc.as_str(), inc.as_str(), exc.as_str(), ex.as_str()),
            (
                "Over x.",
                "Als het over x gaat.",
                "Niet over y.\nOok niet over z.",
                "\"x is fijn\"\nVoorbeelden:"
            )
        );
        assert_eq!(f["inclusion_en"], "When it is about x.");
        assert_eq!(f["exclusion_en"], "Not about y.");
        assert_eq!(f["examples_en"], "\"x is nice\"");
        // Only some sections, and no description.
        let mut c = code(Bilingual::default());
        c.examples = bi("een\ntwee", "");
        let (text, _) = parse_description(&code_description(&c));
        assert_eq!(
            split_sections(&text),
            ["".to_owned(), "".into(), "".into(), "een\ntwee".into()]
        );
    }
}
