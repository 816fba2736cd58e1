//! `leernet export --format qdc|qdpx --out FILE`, `leernet import codebook FILE.qdc` and
//! `leernet import qdpx FILE`: REFI-QDA exchange with ATLAS.ti, NVivo, MAXQDA, QualCoder and
//! Taguette. The work is done by `leernet-qda` (pure); this module reads the store, writes
//! the file atomically, and prints what an import converted and could not carry over.

use crate::cli_error::{CliError, CliResult};
use crate::project::write_atomic;
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_qda::{CoderNames, ExportInput, ImportPlan, Limits, QdaError, Report};
use leernet_store::qda::{
    ImportCase, ImportCoder, ImportCoding, ImportDocument, ImportDocumentCoding, ImportExtras,
    ImportMemo, KeptVariable,
};
use leernet_store::{NewCode, NewPerson, StoreError};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

/// The REFI-QDA formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QdaFormat {
    /// The codebook (REFI-QDA `.qdc`).
    Qdc,
    /// The whole coded project (REFI-QDA `.qdpx`).
    Qdpx,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

fn store_err(e: StoreError) -> CliError {
    match e {
        StoreError::Conflict(_) | StoreError::NotFound(_) | StoreError::ReadOnly => {
            CliError::invalid(anyhow!("{e}"))
        }
        _ => CliError::usage(anyhow!("{e}")),
    }
}

fn qda_err(file: &Path, e: QdaError) -> CliError {
    CliError::invalid(anyhow!("{}: {e}", file.display()))
}

/// `leernet export --format qdc|qdpx --out FILE [--coder-emails]`.
pub async fn export_qda(
    settings: &Settings,
    format: QdaFormat,
    out_path: &Path,
    coders: CoderNames,
    clock: &dyn leernet_core::Clock,
    out: &mut dyn Write,
) -> CliResult {
    let store = settings.store_writable().await?;
    let data = store.study_data().await.map_err(store_err)?;
    // Open questions: the text questions of the instruments that someone codes (or all
    // text questions when nothing is coded yet). Their non-empty answers become sources.
    let coded: BTreeSet<&str> = data
        .codings
        .iter()
        .map(|c| c.segment.question.as_str())
        .collect();
    let mut open = BTreeSet::new();
    for i in &data.instruments {
        let form = leernet_xlsform::Form::from_workbook(&i.workbook, &i.file_name)
            .map_err(|e| CliError::invalid(anyhow!("stored instrument {}: {e}", i.file_name)))?;
        for q in form.questions() {
            if q.kind == leernet_xlsform::QuestionKind::Text
                && (coded.is_empty() || coded.contains(q.name.as_str()))
            {
                open.insert(q.name.clone());
            }
        }
    }
    open.extend(coded.iter().map(|q| (*q).to_owned()));
    let name = match (
        settings.file.project.name.as_str(),
        data.study.title.nl.as_str(),
    ) {
        (_, t) if !t.is_empty() => t.to_owned(),
        (n, _) if !n.is_empty() => n.to_owned(),
        _ => "leernet".to_owned(),
    };
    let mut documents = Vec::new();
    for d in store.documents().await.map_err(store_err)? {
        documents.extend(store.document(d.id).await.map_err(store_err)?);
    }
    let document_codings = store.document_codings(None).await.map_err(store_err)?;
    let folders = store.folder_codes().await.map_err(store_err)?;
    let memos = store.memos().await.map_err(store_err)?;
    let workplaces = store.workplaces().await.map_err(store_err)?;
    let kept = store.qda_kept().await.map_err(store_err)?;
    let variables: Vec<leernet_qda::QdaVariable> = kept
        .variables
        .iter()
        .map(|v| leernet_qda::QdaVariable {
            name: v.name.clone(),
            kind: leernet_qda::VariableKind::parse(&v.kind).unwrap_or_default(),
            description: v.description.clone(),
        })
        .collect();
    let cases: Vec<leernet_qda::KeptCase> = kept
        .cases
        .iter()
        .map(|c| leernet_qda::KeptCase {
            guid: c.guid.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            network: c.network,
            values: c.values.clone(),
            documents: c.documents.clone(),
            answers: c.answers.clone(),
        })
        .collect();
    let extras = leernet_qda::ExportExtras {
        workplaces: &workplaces,
        variables: &variables,
        cases: &cases,
        document_values: &kept.document_values,
    };
    let project = leernet_qda::export_project_with(
        &ExportInput {
            name: &name,
            codebooks: &data.codebooks,
            codings: &data.codings,
            responses: &data.responses,
            persons: &data.persons,
            networks: &data.networks,
            waves: &data.waves,
            open_questions: &open,
            coders,
            documents: &documents,
            document_codings: &document_codings,
            folders: &folders,
            memos: &memos,
        },
        &extras,
    )
    .map_err(|e| CliError::invalid(anyhow!("{e}")))?;
    let bytes = match format {
        QdaFormat::Qdc => leernet_qda::write_qdc(&project),
        QdaFormat::Qdpx => leernet_qda::write_qdpx(&project),
    }
    .map_err(|e| CliError::invalid(anyhow!("{e}")))?;
    write_atomic(out_path, &bytes)?;
    let codings: usize = project.sources.iter().map(|s| s.selections.len()).sum();
    if format == QdaFormat::Qdpx {
        // the project holds respondents' open answers and the coders: the audit log says
        // who took it out (counts only)
        store
            .audit(&leernet_store::NewAudit {
                at: clock.unix_seconds(),
                actor: crate::cmd_privacy::cli_actor(),
                action: leernet_store::Action::CodingExport,
                subject: leernet_store::AuditSubject::Project,
                detail: format!(
                    "format=qdpx codes={} sources={} codings={codings} coders={} coder_emails={}",
                    project.codes.len(),
                    project.sources.len(),
                    project.users.len(),
                    if coders == CoderNames::Emails {
                        "yes"
                    } else {
                        "no"
                    }
                ),
            })
            .await
            .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    }
    store.close().await;
    match format {
        QdaFormat::Qdc => writeln!(
            out,
            "Wrote the codebook ({} codes) to {}.",
            project.codes.len(),
            out_path.display()
        ),
        QdaFormat::Qdpx => writeln!(
            out,
            "Wrote the project to {}: {} codes, {} open answers and {} documents as text sources, {} codings by {} coders, {} cases.",
            out_path.display(),
            project.codes.len(),
            project.sources.len() - documents.len(),
            documents.len(),
            codings,
            project.users.len(),
            project.cases.len()
        ),
    }
    .map_err(out_err)
}

fn read_file(file: &Path) -> CliResult<Vec<u8>> {
    std::fs::read(file).map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", file.display())))
}

/// A codebook name that is not taken yet.
async fn free_name(store: &leernet_store::Store, wanted: &str) -> CliResult<String> {
    let taken: BTreeSet<String> = store
        .codebooks()
        .await
        .map_err(store_err)?
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

fn print_report(out: &mut dyn Write, report: &Report) -> CliResult {
    if !report.converted.is_empty() {
        writeln!(out, "Converted while reading:").map_err(out_err)?;
        for l in &report.converted {
            writeln!(out, "  - {l}").map_err(out_err)?;
        }
    }
    if !report.not_carried_over.is_empty() {
        writeln!(out, "Not carried over:").map_err(out_err)?;
        for l in &report.not_carried_over {
            writeln!(out, "  - {l}").map_err(out_err)?;
        }
    }
    Ok(())
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

/// `leernet import codebook FILE.qdc`.
pub async fn import_codebook(settings: &Settings, file: &Path, out: &mut dyn Write) -> CliResult {
    let bytes = read_file(file)?;
    let (project, report) =
        leernet_qda::read_qdc(&bytes, &Limits::default()).map_err(|e| qda_err(file, e))?;
    let plan =
        leernet_qda::plan_import(&project, report, &[], &[], &[]).map_err(|e| qda_err(file, e))?;
    let store = settings.store().await?;
    let name = free_name(&store, &codebook_name(file, "")).await?;
    let result = store
        .import_coded_project(&name, &new_codes(&plan), &[], &[])
        .await
        .map_err(store_err);
    store.close().await;
    let done = result?;
    writeln!(
        out,
        "Imported the codebook {} as {name:?}: {} codes.",
        file.display(),
        done.codes
    )
    .map_err(out_err)?;
    print_report(out, &plan.report)
}

/// `leernet import qdpx FILE`.
pub async fn import_qdpx(settings: &Settings, file: &Path, out: &mut dyn Write) -> CliResult {
    let bytes = read_file(file)?;
    let (project, report) =
        leernet_qda::read_qdpx(&bytes, &Limits::default()).map_err(|e| qda_err(file, e))?;
    let store = settings.store().await?;
    let result = async {
        let responses = store.responses(None).await.map_err(store_err)?;
        let persons = store.persons().await.map_err(store_err)?;
        let waves = store.waves().await.map_err(store_err)?;
        let mut documents = Vec::new();
        for d in store.documents().await.map_err(store_err)? {
            documents.extend(store.document(d.id).await.map_err(store_err)?);
        }
        let networks = store.networks().await.map_err(store_err)?;
        let codebooks = store.codebooks().await.map_err(store_err)?;
        let code_guids = store.qda_code_guids().await.map_err(store_err)?;
        let mut plan = leernet_qda::plan_project_import_in(
            &project,
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
        )
        .map_err(|e| qda_err(file, e))?;
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
            let email = leernet_core::Email::parse(&email)
                .map_err(|e| CliError::invalid(anyhow!("coder {:?}: {e}", c.name)))?;
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
                    file_name: file
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or("project.qdpx")
                        .to_owned(),
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
        let target = |d: leernet_qda::PlannedDocumentTarget| match d {
            leernet_qda::PlannedDocumentTarget::Existing(d) => ImportDocument::Existing(d),
            leernet_qda::PlannedDocumentTarget::New(i) => ImportDocument::New(i),
        };
        let extras = ImportExtras {
            into: plan.codebook,
            code_guids: plan
                .codes
                .iter()
                .map(|c| (c.guid.clone(), c.key.clone()))
                .collect(),
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
            None => free_name(&store, &codebook_name(file, &project.name)).await?,
        };
        let done = store
            .import_whole_project(&name, &new_codes(&plan), &coders, &codings, &extras)
            .await
            .map_err(store_err)?;
        Ok::<_, CliError>((name, done, plan))
    }
    .await;
    store.close().await;
    let (name, done, plan) = result?;
    let existing_documents = plan
        .document_codings
        .iter()
        .map(|c| c.document)
        .chain(plan.memos.iter().filter_map(|m| m.document))
        .filter(|d| matches!(d, leernet_qda::PlannedDocumentTarget::Existing(_)))
        .collect::<BTreeSet<_>>()
        .len();
    writeln!(
        out,
        "Imported {} into codebook {name:?}: {} codes, {} codings on {} answers and {} on {} documents ({} new) by {} coders ({} added as researchers), {} memos.",
        file.display(),
        done.codes,
        done.codings,
        plan.codings
            .iter()
            .map(|c| (c.segment.response, c.segment.question.as_str()))
            .collect::<BTreeSet<_>>()
            .len(),
        done.document_codings,
        plan.document_codings
            .iter()
            .map(|c| c.document)
            .collect::<BTreeSet<_>>()
            .len(),
        done.documents.len(),
        plan.codings
            .iter()
            .map(|c| c.coder)
            .chain(plan.document_codings.iter().map(|c| c.coder))
            .collect::<BTreeSet<_>>()
            .len(),
        done.persons_added,
        done.memos
    )
    .map_err(out_err)?;
    writeln!(
        out,
        "Cases: {} new, {} variable values kept.",
        done.cases, done.values
    )
    .map_err(out_err)?;
    let a = &done.already;
    writeln!(
        out,
        "Already present (not stored again): {} codes, {} documents, {} codings on answers, {} on documents, {} memos, {} cases.",
        a.codes, existing_documents, a.codings, a.document_codings, a.memos, a.cases
    )
    .map_err(out_err)?;
    print_report(out, &plan.report)
}
