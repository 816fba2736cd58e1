//! `leernet export --format qdc|qdpx --out FILE`, `leernet import codebook FILE.qdc` and
//! `leernet import qdpx FILE`: REFI-QDA exchange with ATLAS.ti, NVivo, MAXQDA, QualCoder and
//! Taguette. The work is done by `leernet-qda` (pure) and, for imports, by `leernet-app`'s
//! `qda` use case (matching codes, sources, codings, coders and cases; the typed report);
//! this module reads the store for an export, writes the file atomically, and prints what an
//! import converted and could not carry over.

use crate::cli_error::{CliError, CliResult};
use crate::project::write_atomic;
use crate::settings::Settings;
use anyhow::anyhow;
use leernet_app::qda::{self, QdaImportError};
use leernet_qda::{CoderNames, ExportInput, QdaError, Report};
use leernet_store::StoreError;
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

/// An import's error as the command line says it: a file that is no REFI-QDA file, a coder's
/// address or a refusal of the study is the input's fault (exit 1); a failing store is not.
fn import_err(file: &Path, e: QdaImportError) -> CliError {
    match e {
        QdaImportError::Read(e) => qda_err(file, e),
        QdaImportError::Coder { .. } | QdaImportError::Refused(_) => {
            CliError::invalid(anyhow!("{e}"))
        }
        QdaImportError::Store(e) => CliError::usage(anyhow!("{e}")),
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

/// `leernet import codebook FILE.qdc`: `leernet-app`'s `qda::import_codebook`, printed.
pub async fn import_codebook(settings: &Settings, file: &Path, out: &mut dyn Write) -> CliResult {
    let bytes = read_file(file)?;
    let plan = qda::read_codebook(&bytes).map_err(|e| import_err(file, e))?;
    let store = settings.store().await?;
    let result = qda::import_codebook(&store, file, plan).await;
    store.close().await;
    let done = result.map_err(|e| import_err(file, e))?;
    if done.reused {
        writeln!(
            out,
            "Imported the codebook {} into the codebook {:?} that holds its codes already: {} codes added, {} present already.",
            file.display(),
            done.name,
            done.codes,
            done.present
        )
    } else {
        writeln!(
            out,
            "Imported the codebook {} as {:?}: {} codes.",
            file.display(),
            done.name,
            done.codes
        )
    }
    .map_err(out_err)?;
    print_report(out, &done.report)
}

/// `leernet import qdpx FILE`: `leernet-app`'s `qda::import_qdpx`, its report printed.
pub async fn import_qdpx(settings: &Settings, file: &Path, out: &mut dyn Write) -> CliResult {
    let bytes = read_file(file)?;
    let (project, report) = qda::read_project(&bytes).map_err(|e| import_err(file, e))?;
    let store = settings.store().await?;
    let result = qda::import_qdpx(&store, file, &project, report).await;
    store.close().await;
    let r = result.map_err(|e| import_err(file, e))?;
    let done = &r.done;
    writeln!(
        out,
        "Imported {} into codebook {:?}: {} codes, {} codings on {} answers and {} on {} documents ({} new) by {} coders ({} added as researchers), {} memos.",
        file.display(),
        r.codebook,
        done.codes,
        done.codings,
        r.answers_coded,
        done.document_codings,
        r.documents_coded,
        done.documents.len(),
        r.coders,
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
        a.codes, r.documents_present, a.codings, a.document_codings, a.memos, a.cases
    )
    .map_err(out_err)?;
    print_report(out, &r.report)
}
