//! REFI-QDA imports (issue 20, item 5): a codebook (`.qdc`) or a whole coded project
//! (`.qdpx`) from ATLAS.ti, NVivo, MAXQDA, QualCoder or Taguette, matched against what the
//! study holds and stored in one transaction, with a typed report of what was carried over.
//!
//! Why it exists: the matching of codes, sources, codings, coders and cases to the study is a
//! use case, not command-line work; the binary (`leernet import qdpx`, `leernet import
//! codebook`) only reads the file, calls this, and prints the report. Reading and planning are
//! pure (`leernet_qda`); this module reads the store around them and writes the import.
//! Nothing here logs a source's text, a name or an address.

use leernet_qda::{ImportPlan, Limits, PlannedDocumentTarget, QdaError, QdaProject, Report};
use leernet_store::qda::{
    ImportCase, ImportCoder, ImportCoding, ImportDocument, ImportDocumentCoding, ImportExtras,
    ImportMemo, ImportedProject, KeptVariable,
};
use leernet_store::{NewCode, NewPerson, Store, StoreError};
use std::collections::BTreeSet;
use std::path::Path;

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum QdaImportError {
    /// The file is not a REFI-QDA file leernet reads (or is hostile).
    #[error(transparent)]
    Read(#[from] QdaError),
    /// A coder of the file has an address that is no address.
    #[error("coder {name:?}: {reason}")]
    Coder { name: String, reason: String },
    /// The store refused the import (a conflict, something not found, a read-only study).
    #[error("{0}")]
    Refused(StoreError),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for QdaImportError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) | StoreError::NotFound(_) | StoreError::ReadOnly => {
                QdaImportError::Refused(e)
            }
            e => QdaImportError::Store(e),
        }
    }
}

/// A codebook read and planned, not stored yet.
#[derive(Debug, Clone)]
pub struct ReadCodebook {
    project: QdaProject,
    report: Report,
    plan: ImportPlan,
}

/// What a codebook import did.
#[derive(Debug, Clone)]
pub struct ImportedCodebook {
    /// The codebook's name (the file's, made unique; or the codebook reused).
    pub name: String,
    /// Whether an earlier import's codebook took the codes (its code GUIDs were kept).
    pub reused: bool,
    /// Codes added.
    pub codes: usize,
    /// Codes the codebook held already.
    pub present: usize,
    /// What was converted while reading, and what could not be carried over.
    pub report: Report,
}

/// What a project import did, for its report.
#[derive(Debug, Clone)]
pub struct ImportedQdpx {
    /// The codebook the codes went into (new, or the one holding them already).
    pub codebook: String,
    /// What the store wrote and what it found stored already.
    pub done: ImportedProject,
    /// Answers that the file's codings are on.
    pub answers_coded: usize,
    /// Documents that the file's codings are on (new and stored already).
    pub documents_coded: usize,
    /// Stored documents that the file's codings or memos are on.
    pub documents_present: usize,
    /// Coders of the carried-over codings.
    pub coders: usize,
    /// What was converted while reading, and what could not be carried over.
    pub report: Report,
}

/// A codebook name that is not taken yet.
async fn free_name(store: &Store, wanted: &str) -> Result<String, StoreError> {
    let taken: BTreeSet<String> = store
        .codebooks()
        .await?
        .into_iter()
        .map(|b| b.name)
        .collect();
    let mut name = wanted.to_owned();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{wanted} ({n})");
        n += 1;
    }
    Ok(name)
}

/// The name of an imported codebook: the project's name with the file's, or the file's.
fn codebook_name(file: &Path, project_name: &str) -> String {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("import")
        .to_owned();
    if project_name.trim().is_empty() {
        stem
    } else {
        format!("{} ({stem})", project_name.trim())
    }
}

/// The GUID each planned code had in the file, with the key it is stored under: the next
/// import of the same file finds the code by it.
fn planned_guids(plan: &ImportPlan) -> Vec<(String, String)> {
    plan.codes
        .iter()
        .map(|c| (c.guid.clone(), c.key.clone()))
        .collect()
}

fn new_codes(plan: &ImportPlan) -> Vec<NewCode> {
    plan.codes
        .iter()
        .map(|c| NewCode {
            key: c.key.clone(),
            parent: c.parent.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            inclusion: c.inclusion.clone(),
            exclusion: c.exclusion.clone(),
            examples: c.examples.clone(),
            colour: c.colour.clone(),
        })
        .collect()
}

/// Reads and plans a codebook (`.qdc` bytes), before the study is opened: a file that is not
/// a codebook is refused without touching the study.
pub fn read_codebook(bytes: &[u8]) -> Result<ReadCodebook, QdaImportError> {
    let (project, report) = leernet_qda::read_qdc(bytes, &Limits::default())?;
    let plan = leernet_qda::plan_import(&project, report.clone(), &[], &[], &[])?;
    Ok(ReadCodebook {
        project,
        report,
        plan,
    })
}

/// Reads a whole project (`.qdpx` bytes), before the study is opened.
pub fn read_project(bytes: &[u8]) -> Result<(QdaProject, Report), QdaImportError> {
    Ok(leernet_qda::read_qdpx(bytes, &Limits::default())?)
}

/// Imports a codebook read by [`read_codebook`] (`file` names it): as a new codebook, or —
/// when an earlier import kept the GUIDs of its codes — into the codebook that holds them,
/// adding only the codes it lacks. The file's code GUIDs are kept for the next import.
pub async fn import_codebook(
    store: &Store,
    file: &Path,
    read: ReadCodebook,
) -> Result<ImportedCodebook, QdaImportError> {
    let code_guids = store.qda_code_guids().await?;
    let codebooks = store.codebooks().await?;
    // The codebook of an earlier import: only GUIDs that an import kept count (leernet's
    // own exported codebook imports as a new codebook, as a copy to change).
    let own: BTreeSet<String> = codebooks
        .iter()
        .flat_map(|b| {
            b.codes.iter().flat_map(move |c| {
                ["", b.name.as_str()]
                    .map(|scope| leernet_qda::guid::stable("code", &format!("{scope}/{}", c.key)))
            })
        })
        .collect();
    let kept: BTreeSet<&str> = code_guids
        .iter()
        .map(|(g, _)| g.as_str())
        .filter(|g| !own.contains(*g))
        .collect();
    let earlier = read
        .project
        .codes
        .iter()
        .any(|c| kept.contains(c.guid.as_str()));
    let plan = if earlier {
        leernet_qda::plan_project_import_in(
            &read.project,
            read.report,
            &leernet_qda::ImportContext {
                responses: &[],
                persons: &[],
                waves: &[],
                documents: &[],
                networks: &[],
                codebooks: &codebooks,
                code_guids: &code_guids,
            },
        )?
    } else {
        read.plan
    };
    let name = match plan.codebook {
        Some(b) => codebooks
            .iter()
            .find(|x| x.id == b)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        None => free_name(store, &codebook_name(file, "")).await?,
    };
    let extras = ImportExtras {
        into: plan.codebook,
        code_guids: planned_guids(&plan),
        ..ImportExtras::default()
    };
    let done = store
        .import_whole_project(&name, &new_codes(&plan), &[], &[], &extras)
        .await?;
    tracing::info!(
        codes = done.codes,
        reused = plan.codebook.is_some(),
        "codebook imported"
    );
    Ok(ImportedCodebook {
        name,
        reused: plan.codebook.is_some(),
        codes: done.codes,
        present: read.project.codes.len().saturating_sub(done.codes),
        report: plan.report,
    })
}

/// Imports a whole project read by [`read_project`] (`file` names it) into the study: its codes into a
/// new codebook or the one that holds them already, its coders (as researchers, or the
/// study's people with their address), its sources matched to answers and documents with the
/// same text (else new documents), codings, memos, cases and variables; all or nothing.
pub async fn import_qdpx(
    store: &Store,
    file: &Path,
    project: &QdaProject,
    report: Report,
) -> Result<ImportedQdpx, QdaImportError> {
    let responses = store.responses(None).await?;
    let persons = store.persons().await?;
    let waves = store.waves().await?;
    let mut documents = Vec::new();
    for d in store.documents().await? {
        documents.extend(store.document(d.id).await?);
    }
    let networks = store.networks().await?;
    let codebooks = store.codebooks().await?;
    let code_guids = store.qda_code_guids().await?;
    let mut plan = leernet_qda::plan_project_import_in(
        project,
        report,
        &leernet_qda::ImportContext {
            responses: &responses,
            persons: &persons,
            waves: &waves,
            documents: &documents,
            networks: &networks,
            codebooks: &codebooks,
            code_guids: &code_guids,
        },
    )?;
    let mut emails: BTreeSet<String> = persons
        .iter()
        .map(|p| p.email.as_str().to_owned())
        .collect();
    // Only coders whose codings are carried over become (or stay) coders here.
    let used: BTreeSet<usize> = plan
        .codings
        .iter()
        .map(|c| c.coder)
        .chain(plan.document_codings.iter().map(|c| c.coder))
        .chain(plan.memos.iter().filter_map(|m| m.author))
        .collect();
    let mut index = vec![usize::MAX; plan.coders.len()];
    let mut coders = Vec::with_capacity(used.len());
    for (i, c) in plan.coders.iter().enumerate() {
        if !used.contains(&i) {
            continue;
        }
        index[i] = coders.len();
        if let Some(p) = c.person {
            coders.push(ImportCoder::Existing(p));
            continue;
        }
        let email = c
            .email
            .clone()
            .filter(|e| !emails.contains(e))
            .unwrap_or_else(|| {
                // The whole GUID: two users' GUIDs may share their first digits (tools
                // number them), and a number when even that is taken.
                let first = leernet_qda::imported_email(&c.guid);
                let mut e = first.clone();
                let mut n = 2;
                while emails.contains(&e) {
                    e = first.replace("@leernet.invalid", &format!("-{n}@leernet.invalid"));
                    n += 1;
                }
                e
            });
        let email = leernet_core::Email::parse(&email).map_err(|e| QdaImportError::Coder {
            name: c.name.clone(),
            reason: e.to_string(),
        })?;
        emails.insert(email.as_str().to_owned());
        coders.push(ImportCoder::New(NewPerson {
            email,
            name: c.name.clone(),
            role: leernet_core::Role::Researcher,
            networks: Vec::new(),
            password_hash: None,
        }));
    }
    let codings: Vec<ImportCoding> = plan
        .codings
        .iter()
        .map(|c| ImportCoding {
            segment: c.segment.clone(),
            code_key: c.code.clone(),
            coder: index[c.coder],
            memo: c.memo.clone(),
        })
        .collect();
    let mut unknown_networks = BTreeSet::new();
    let file_name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("project.qdpx")
        .to_owned();
    let new_documents: Vec<leernet_store::NewDocument> = plan
        .documents
        .iter()
        .map(|d| {
            let network = d.network.as_deref().and_then(|slug| {
                let n = networks.iter().find(|n| n.slug.as_str() == slug);
                if n.is_none() {
                    unknown_networks.insert(slug.to_owned());
                }
                n
            });
            leernet_store::NewDocument {
                title: d.title.clone(),
                kind: d.kind,
                network: network.map(|n| n.id),
                workplace: network.map(|n| n.workplace),
                wave: None,
                date: d.date.clone(),
                file_name: file_name.clone(),
                format: "qdpx".to_owned(),
                text: d.text.clone(),
                turns: Vec::new(),
            }
        })
        .collect();
    for slug in unknown_networks {
        plan.report.lose(format!(
            "network {slug:?} of some sources is not a network of this study; their documents belong to no network"
        ));
    }
    let target = |d: PlannedDocumentTarget| match d {
        PlannedDocumentTarget::Existing(d) => ImportDocument::Existing(d),
        PlannedDocumentTarget::New(i) => ImportDocument::New(i),
    };
    let extras = ImportExtras {
        into: plan.codebook,
        code_guids: planned_guids(&plan),
        variables: plan
            .variables
            .iter()
            .map(|v| KeptVariable {
                name: v.name.clone(),
                kind: v.kind.as_str().to_owned(),
                description: v.description.clone(),
            })
            .collect(),
        cases: plan
            .cases
            .iter()
            .map(|c| ImportCase {
                guid: c.guid.clone(),
                name: c.name.clone(),
                description: c.description.clone(),
                network: c.network,
                values: c.values.clone(),
                documents: c.documents.iter().map(|d| target(*d)).collect(),
                answers: c.answers.clone(),
            })
            .collect(),
        document_values: plan
            .document_values
            .iter()
            .map(|(d, n, v)| (target(*d), n.clone(), v.clone()))
            .collect(),
        document_networks: plan.document_networks.clone(),
        folders: plan
            .codes
            .iter()
            .filter(|c| c.folder)
            .map(|c| c.key.clone())
            .collect(),
        documents: new_documents,
        document_codings: plan
            .document_codings
            .iter()
            .map(|c| ImportDocumentCoding {
                document: target(c.document),
                start: c.start,
                end: c.end,
                code_key: c.code.clone(),
                coder: index[c.coder],
                memo: c.memo.clone(),
            })
            .collect(),
        memos: plan
            .memos
            .iter()
            .map(|m| ImportMemo {
                title: m.title.clone(),
                text: m.text.clone(),
                author: m.author.map(|a| index[a]),
                code_key: m.code.clone(),
                document: m.document.map(target),
            })
            .collect(),
    };
    let name = match plan.codebook {
        Some(b) => codebooks
            .iter()
            .find(|x| x.id == b)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        None => free_name(store, &codebook_name(file, &project.name)).await?,
    };
    let done = store
        .import_whole_project(&name, &new_codes(&plan), &coders, &codings, &extras)
        .await?;
    tracing::info!(
        codes = done.codes,
        codings = done.codings,
        document_codings = done.document_codings,
        documents = done.documents.len(),
        "project imported"
    );
    Ok(ImportedQdpx {
        codebook: name,
        answers_coded: plan
            .codings
            .iter()
            .map(|c| (c.segment.response, c.segment.question.as_str()))
            .collect::<BTreeSet<_>>()
            .len(),
        documents_coded: plan
            .document_codings
            .iter()
            .map(|c| c.document)
            .collect::<BTreeSet<_>>()
            .len(),
        documents_present: plan
            .document_codings
            .iter()
            .map(|c| c.document)
            .chain(plan.memos.iter().filter_map(|m| m.document))
            .filter(|d| matches!(d, PlannedDocumentTarget::Existing(_)))
            .collect::<BTreeSet<_>>()
            .len(),
        coders: plan
            .codings
            .iter()
            .map(|c| c.coder)
            .chain(plan.document_codings.iter().map(|c| c.coder))
            .collect::<BTreeSet<_>>()
            .len(),
        done,
        report: plan.report,
    })
}
