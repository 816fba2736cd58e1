//! The project commands: init, demo, instrument add, analyse, report, serve.

use crate::cli_error::{CliError, CliResult};
use crate::settings::{ProjectFile, ProjectSection, Settings, PROJECT_FILE};
use anyhow::{anyhow, Context};
use leernet_analysis::{ContentFile, ProjectContent, StudyFigures};
use leernet_core::Lang;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file.
    Html,
    /// A Word document.
    Docx,
    /// Markdown.
    Md,
    /// A PDF (tagged, with bookmarks and embedded fonts).
    Pdf,
}

fn out_err(e: std::io::Error) -> CliError {
    CliError::usage(anyhow!("cannot write to standard output: {e}"))
}

/// Writes a file whole or not at all (a temporary file renamed into place).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CliError::usage(anyhow!("cannot write {}: {e}", path.display()))
        })
}

fn absolute(p: &Path) -> CliResult<PathBuf> {
    std::path::absolute(p)
        .map_err(|e| CliError::usage(anyhow!("cannot resolve {}: {e}", p.display())))
}

/// Makes the project folder `dir` (and its parents); the project's name is the folder's.
fn make_folder(dir: &Path) -> CliResult<String> {
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::usage(anyhow!(
            "cannot make the project folder {}: {e}; choose a folder you may write to",
            dir.display()
        ))
    })?;
    Ok(dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("leernet")
        .to_owned())
}

/// `leernet init DIR`.
pub async fn init(dir: &Path, out: &mut dyn Write) -> CliResult {
    let dir = absolute(dir)?;
    if dir.join(PROJECT_FILE).exists() {
        return Err(CliError::usage(anyhow!(
            "{} is already a leernet project; use it with --project {}",
            dir.display(),
            dir.display()
        )));
    }
    let existed = dir.exists();
    let name = make_folder(&dir)?;
    let result = async {
        write_project_file(&dir, &name, false)?;
        let settings = Settings::load(&dir)?;
        let store = settings.store().await?;
        store.close().await;
        Ok::<_, CliError>(settings)
    }
    .await;
    match result {
        Ok(settings) => {
            writeln!(
                out,
                "Made the leernet project {} (database: {}).",
                dir.display(),
                leernet_store::redact_url(&settings.database_url)
            )
            .map_err(out_err)?;
            Ok(())
        }
        Err(e) => {
            // Leave nothing half-made behind.
            let _ = std::fs::remove_file(dir.join(PROJECT_FILE));
            for f in ["leernet.sqlite", "leernet.sqlite-wal", "leernet.sqlite-shm"] {
                let _ = std::fs::remove_file(dir.join(f));
            }
            if !existed {
                let _ = std::fs::remove_dir(&dir);
            }
            Err(e)
        }
    }
}

fn write_project_file(dir: &Path, name: &str, demo: bool) -> CliResult {
    let file = ProjectFile {
        project: ProjectSection {
            name: name.to_owned(),
            demo,
            // the demo holds two studies; its commands are for the main one by default
            study: demo.then(|| leernet_app::studies::adopt_slug(name).as_str().to_owned()),
        },
        ..Default::default()
    };
    let body = toml::to_string(&file).map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let text = format!(
        "# A leernet project. Keys are documented in `crates/leernet/src/settings.rs`;\n\
         # `leernet config default` prints them all; LEERNET_DATABASE_URL overrides [database] url.\n\n{body}"
    );
    write_atomic(&dir.join(PROJECT_FILE), text.as_bytes())
}

/// A project folder made for a whole installation's restore: the folder (new, or empty
/// before) and its `leernet.toml`, nothing else, so that the restore finds no study in it.
/// [`NewProjectFolder::undo`] leaves the folder as it was when the restore fails.
pub struct NewProjectFolder {
    dir: PathBuf,
    existed: bool,
}

impl NewProjectFolder {
    /// Makes `dir` (absent or empty) a project without opening its database.
    pub fn make(dir: &Path) -> CliResult<NewProjectFolder> {
        let dir = absolute(dir)?;
        let existed = dir.exists();
        if existed {
            let mut entries = std::fs::read_dir(&dir).map_err(|e| {
                CliError::usage(anyhow!("cannot read the folder {}: {e}", dir.display()))
            })?;
            if entries.next().is_some() {
                return Err(CliError::usage(anyhow!(
                    "{} is not a leernet project and not empty: restore a whole installation into a new or empty folder; nothing was restored",
                    dir.display()
                )));
            }
        }
        let name = make_folder(&dir)?;
        let made = NewProjectFolder { dir, existed };
        if let Err(e) = write_project_file(&made.dir, &name, false) {
            made.undo();
            return Err(e);
        }
        Ok(made)
    }

    /// Removes what was made here (the folder's contents; the folder too when it was new).
    pub fn undo(self) {
        if self.existed {
            if let Ok(entries) = std::fs::read_dir(&self.dir) {
                for e in entries.flatten() {
                    let p = e.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// `leernet demo [--dir DIR]`: builds in a scratch folder beside DIR and moves it into place
/// only when everything succeeded, so a failed run leaves the old demo (or nothing).
pub async fn demo(dir: &Path, out: &mut dyn Write) -> CliResult {
    let dir = absolute(dir)?;
    let parent = dir
        .parent()
        .ok_or_else(|| CliError::usage(anyhow!("{} has no parent folder", dir.display())))?
        .to_path_buf();
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("leernet-demo")
        .to_owned();
    if dir.exists() {
        let replaceable = Settings::load(&dir)
            .map(|s| s.file.project.demo)
            .unwrap_or(false);
        if !replaceable {
            return Err(CliError::usage(anyhow!(
                "{} exists and is not a leernet demo project; choose another --dir or remove it",
                dir.display()
            )));
        }
    }
    std::fs::create_dir_all(&parent)
        .map_err(|e| CliError::usage(anyhow!("cannot make {}: {e}", parent.display())))?;
    // Scratch folders of demos that were interrupted earlier go first.
    if let Ok(entries) = std::fs::read_dir(&parent) {
        let prefix = format!(".{name}.partial-");
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let scratch = parent.join(format!(".{name}.partial-{}", std::process::id()));
    std::fs::create_dir(&scratch).map_err(|e| {
        CliError::usage(anyhow!(
            "cannot write in {}: {e}; choose a folder you may write to",
            parent.display()
        ))
    })?;
    let built = build_demo(&scratch, &name).await;
    let summary = match built {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(e);
        }
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&scratch);
            CliError::usage(anyhow!(
                "cannot replace the old demo in {}: {e}",
                dir.display()
            ))
        })?;
    }
    std::fs::rename(&scratch, &dir).map_err(|e| {
        CliError::usage(anyhow!("cannot move the demo into {}: {e}", dir.display()))
    })?;
    let s = &summary;
    let report = dir.join("report");
    writeln!(
        out,
        "Built the fictional demo study in {}:\n  {} Werkplaatsen, {} networks, {} people; responses: {}; {} codes, {} codings by two coders.\nWrote the study report:\n  {}\n  {}\n  {}\n  {}\n  {}\n  {}\n  {}\n  {}\nand {} handreikingen (one per network, HTML, DOCX and PDF) in\n  {}\n  {}\nA second study, `{}`, follows {} of the networks with {} member invitations (its commands take --study {}).\nBrowse it: open {} in a browser, or run\n  leernet serve --project {}\nand visit http://127.0.0.1:8080/",
        dir.display(),
        s.load.workplaces,
        s.load.networks,
        s.load.persons,
        s.load
            .responses
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        s.load.codes,
        s.load.codings,
        report.join("index.html").display(),
        report.join("index.docx").display(),
        report.join("index.md").display(),
        report.join("index.pdf").display(),
        report.join("en").join("index.html").display(),
        report.join("en").join("index.docx").display(),
        report.join("en").join("index.md").display(),
        report.join("en").join("index.pdf").display(),
        s.handreikingen,
        report.join("handreikingen").display(),
        report.join("en").join("handreikingen").display(),
        s.second.slug,
        s.second.networks,
        s.second.invitations,
        s.second.slug,
        report.join("index.html").display(),
        dir.display(),
    )
    .map_err(out_err)?;
    Ok(())
}

struct DemoSummary {
    load: crate::demo::LoadSummary,
    handreikingen: usize,
    second: crate::demo::SecondStudy,
}

async fn build_demo(dir: &Path, name: &str) -> CliResult<DemoSummary> {
    write_project_file(dir, name, true)?;
    // The demo is always SQLite in its own folder, whatever LEERNET_DATABASE_URL says.
    let url = crate::settings::resolve_database_url("sqlite://leernet.sqlite", dir);
    let store = leernet_store::Store::connect(&url)
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let bar = progress_bar(9);
    let files = crate::demo::demo_files();
    let load = crate::demo::load(&store, &files, |step| {
        bar.set_message(format!("loading {step}"));
        bar.inc(1);
    })
    .await
    .map_err(CliError::Invalid)?;
    bar.set_message("analysing");
    bar.inc(1);
    let figures = figures(&store, &ProjectContent::builtin(), None).await?;
    let practice = practice(&store).await?;
    bar.set_message("writing the report");
    bar.inc(1);
    write_reports(
        &figures,
        &practice,
        &dir.join("report"),
        None,
        &Lang::ALL,
        &[],
    )?;
    store.close().await;
    bar.set_message("a second study");
    let second = crate::demo::second_study(&url, &leernet_app::studies::adopt_slug(name), name)
        .await
        .map_err(CliError::Invalid)?;
    bar.finish_and_clear();
    Ok(DemoSummary {
        load,
        handreikingen: figures.handles.handreikingen.len(),
        second,
    })
}

/// The indicators of the networks' workspace logs, for the report's practice section.
async fn practice(
    store: &leernet_store::Store,
) -> CliResult<leernet_analysis::practice_indicators::PracticeIndicators> {
    leernet_app::figures::practice(store)
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))
}

/// The study's figures on its current waves, or on the waves `wave` names (`--wave`: a
/// wave's name, `latest`, `all`; one that names no wave is invalid input).
pub(crate) async fn figures(
    store: &leernet_store::Store,
    content: &ProjectContent,
    wave: Option<&str>,
) -> CliResult<StudyFigures> {
    let data = store
        .study_data()
        .await
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    let chosen = wave.map(leernet_core::WaveChoice::parse);
    leernet_analysis::analyse_project_on(&data, content, chosen.as_ref()).map_err(CliError::invalid)
}

/// The project's content: the `.toml` files of `<project>/content/` (and of
/// `content/frameworks/`) in place of the shipped ones of the same name. Read and checked
/// whole before anything is computed, so a broken file stops the command with one message
/// naming the file, the entry and the field, and nothing is written.
pub fn project_content(project: &Path) -> CliResult<ProjectContent> {
    study_content(project, None)
}

/// The content of one study of the installation: its own `studies/<slug>/content/` files
/// over the project's `content/` files (a file of the same name replaces the project's),
/// over the shipped ones.
pub fn study_content(project: &Path, study: Option<&str>) -> CliResult<ProjectContent> {
    let mut files: std::collections::BTreeMap<String, ContentFile> =
        content_files(&project.join("content"))?
            .into_iter()
            .map(|f| (f.name.clone(), f))
            .collect();
    if let Some(slug) = study {
        for f in content_files(&project.join("studies").join(slug).join("content"))? {
            files.insert(f.name.clone(), f);
        }
    }
    let files: Vec<ContentFile> = files.into_values().collect();
    let content = ProjectContent::with_files(&files).map_err(CliError::invalid)?;
    // The report's own files (report.toml, handreiking.toml) are checked now too, so that a
    // broken one stops the command before anything is computed or written.
    leernet_report::Reports::new()
        .with_content(&content.report_files)
        .map_err(CliError::invalid)?;
    Ok(content)
}

/// Whether `studies/<slug>/content/` holds a study's own content.
pub fn has_study_content(project: &Path, slug: &str) -> bool {
    project.join("studies").join(slug).join("content").is_dir()
}

/// The `.toml` files of a content folder (and of its `frameworks/`), by name.
fn content_files(dir: &Path) -> CliResult<Vec<ContentFile>> {
    let mut files = Vec::new();
    if dir.is_dir() {
        for (sub, prefix) in [
            (dir.to_path_buf(), ""),
            (dir.join("frameworks"), "frameworks/"),
        ] {
            if !sub.is_dir() {
                continue;
            }
            let entries = std::fs::read_dir(&sub)
                .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", sub.display())))?;
            let mut paths: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
                .collect();
            paths.sort();
            for path in paths {
                let name = format!(
                    "{prefix}{}",
                    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
                );
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", path.display())))?;
                files.push(ContentFile {
                    name,
                    shown_as: path.display().to_string(),
                    text,
                });
            }
        }
    }
    Ok(files)
}

/// Renders every requested report in memory first, then writes them: a failure writes
/// nothing. The first language goes in `out`, others in `out/<lang>/`. Next to the study
/// report (`index.html`, `index.docx`, `index.md`, `index.pdf`) each network's handreiking
/// goes in `handreikingen/<network>.html` (and `.docx`, `.pdf`).
fn write_reports(
    figures: &StudyFigures,
    practice: &leernet_analysis::practice_indicators::PracticeIndicators,
    out: &Path,
    format: Option<ReportFormat>,
    langs: &[Lang],
    report_files: &[ContentFile],
) -> CliResult<Vec<PathBuf>> {
    let reports = leernet_report::Reports::new()
        .with_content(report_files)
        .map_err(CliError::invalid)?;
    let formats: &[ReportFormat] = match format {
        Some(ReportFormat::Html) => &[ReportFormat::Html],
        Some(ReportFormat::Docx) => &[ReportFormat::Docx],
        Some(ReportFormat::Md) => &[ReportFormat::Md],
        Some(ReportFormat::Pdf) => &[ReportFormat::Pdf],
        None => &[
            ReportFormat::Html,
            ReportFormat::Docx,
            ReportFormat::Md,
            ReportFormat::Pdf,
        ],
    };
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (i, lang) in langs.iter().enumerate() {
        let folder = if i == 0 {
            out.to_path_buf()
        } else {
            out.join(lang.code())
        };
        for f in formats {
            let (name, bytes) = match f {
                ReportFormat::Html => (
                    "index.html",
                    reports
                        .html_with_practice(figures, practice, *lang)
                        .map(String::into_bytes),
                ),
                ReportFormat::Docx => (
                    "index.docx",
                    reports.docx_with_practice(figures, practice, *lang),
                ),
                ReportFormat::Md => (
                    "index.md",
                    reports
                        .markdown_with_practice(figures, practice, *lang)
                        .map(String::into_bytes),
                ),
                ReportFormat::Pdf => (
                    "index.pdf",
                    reports.pdf_with_practice(figures, practice, *lang),
                ),
            };
            files.push((folder.join(name), bytes.map_err(CliError::invalid)?));
            for h in &figures.handles.handreikingen {
                let slug = &h.slug;
                let (name, bytes) = match f {
                    ReportFormat::Html => (
                        format!("{slug}.html"),
                        reports
                            .handreiking_html(figures, slug, *lang)
                            .map(String::into_bytes),
                    ),
                    ReportFormat::Docx => (
                        format!("{slug}.docx"),
                        reports.handreiking_docx(figures, slug, *lang),
                    ),
                    ReportFormat::Pdf => (
                        format!("{slug}.pdf"),
                        reports.handreiking_pdf(figures, slug, *lang),
                    ),
                    ReportFormat::Md => continue,
                };
                files.push((
                    folder.join("handreikingen").join(name),
                    bytes.map_err(CliError::invalid)?,
                ));
            }
        }
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)
                .map_err(|e| CliError::usage(anyhow!("cannot make {}: {e}", p.display())))?;
        }
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// `leernet instrument add FILE`.
pub async fn instrument_add(project: &Path, file: &Path, out: &mut dyn Write) -> CliResult {
    let settings = Settings::load(project)?;
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::usage(anyhow!("cannot read {}: {e}", file.display())))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("form.xlsx")
        .to_owned();
    let form = leernet_xlsform::Form::from_workbook(&bytes, &name).map_err(|e| match e {
        leernet_xlsform::FormError::Unreadable(_) => {
            CliError::usage(anyhow!("{}: {e}", file.display()))
        }
        _ => CliError::invalid(anyhow!(
            "{}: {e}; run `leernet instrument check {}` for every problem",
            file.display(),
            file.display()
        )),
    })?;
    let store = settings.store().await?;
    let id = store
        .add_instrument(&leernet_store::NewInstrument {
            form_id: form.id().to_owned(),
            version: form.version().unwrap_or("").to_owned(),
            title: leernet_core::Bilingual {
                nl: form.title("nl"),
                en: form.title("en"),
            },
            file_name: name,
            workbook: bytes,
        })
        .await
        .map_err(|e| match e {
            leernet_store::StoreError::Conflict(_) => CliError::invalid(anyhow!("{e}")),
            _ => CliError::usage(anyhow!("{e}")),
        })?;
    store.close().await;
    writeln!(
        out,
        "Stored instrument {} version {:?} ({} questions) as #{id}.",
        form.id(),
        form.version().unwrap_or(""),
        form.questions().count()
    )
    .map_err(out_err)
}

/// `leernet analyse [--json FILE] [--wave WAVE]`.
pub async fn analyse(
    project: &Path,
    json: Option<&Path>,
    wave: Option<&str>,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let (inst, study, store) = settings.study_store().await?;
    inst.close().await;
    let content = match study_content(&settings.dir, Some(study.slug.as_str())) {
        Ok(c) => c,
        Err(e) => {
            store.close().await;
            return Err(e);
        }
    };
    let fig = figures(&store, &content, wave).await?;
    let practice = practice(&store).await?;
    store.close().await;
    if let Some(path) = json {
        // Every figure, and the workspace's practice indicators under `practice` (the JSON
        // the API's `/figures` serves too).
        let value = leernet_app::figures::analysis_json(&fig, &practice)
            .context("serialising the figures")
            .map_err(CliError::Invalid)?;
        let text = serde_json::to_string_pretty(&value)
            .context("serialising the figures")
            .map_err(CliError::Invalid)?;
        write_atomic(path, format!("{text}\n").as_bytes())?;
    }
    let c = &fig.counts;
    let mut text = format!(
        "{} Werkplaatsen, {} networks, {} network questionnaires, {} member questionnaires.\n",
        c.workplaces, c.networks, c.network_responses, c.member_responses
    );
    for b in &fig.waves.bases {
        text.push_str(&format!("{}: {}\n", b.instrument, b.sentence.en));
        if let Some(r) = &b.rule_text {
            text.push_str(&format!("  {}\n", r.en));
        }
    }
    for s in &fig.sections {
        for t in &s.tables {
            let top: Vec<String> = t
                .rows
                .iter()
                .take(3)
                .map(|r| format!("{} {}/{}", r.choice, r.count, t.n))
                .collect();
            text.push_str(&format!("{}: {}\n", t.question, top.join(", ")));
        }
    }
    for m in &fig.missing_instruments {
        text.push_str(&format!(
            "Instrument {m} is not in the project yet: add it with `leernet instrument add`.\n"
        ));
    }
    for sc in &fig.scales {
        text.push_str(&format!(
            "scale {}: n = {}, mean = {}, alpha = {}\n",
            sc.key,
            sc.n,
            sc.mean
                .map(|m| format!("{m:.2}"))
                .unwrap_or_else(|| "–".into()),
            sc.alpha
                .map(|a| format!("{a:.2}"))
                .unwrap_or_else(|| "–".into())
        ));
    }
    if let Some(ty) = &fig.typology {
        if ty.computed {
            text.push_str(&format!(
                "typology: {} types of {} networks ({} linkage on {} features), mean silhouette {}\n",
                ty.k,
                ty.n,
                ty.linkage,
                ty.features.len(),
                ty.silhouette
                    .map(|s| format!("{s:.2}"))
                    .unwrap_or_else(|| "–".into())
            ));
            for tp in &ty.types {
                text.push_str(&format!(
                    "  type {} ({} networks): {}\n",
                    tp.number, tp.size, tp.summary.en
                ));
            }
            if let Some(st) = &ty.stability {
                let f = |x: Option<f64>| x.map(|x| format!("{x:.2}")).unwrap_or_else(|| "–".into());
                text.push_str(&format!(
                    "  stability: leave-one-out mean ARI {} (lowest {}), bootstrap mean ARI {} over {} resamples, networks stay with their type in {} of resamples on average\n",
                    f(st.loo_ari_mean),
                    f(st.loo_ari_min),
                    f(st.bootstrap_ari_mean),
                    st.bootstrap_used,
                    st.overall_bootstrap_stay
                        .map(|x| format!("{:.0}%", x * 100.0))
                        .unwrap_or_else(|| "–".into())
                ));
            }
            if let Some(lca) = &ty.lca {
                text.push_str(&format!("  {}\n", lca.warning.en));
            }
        } else if let Some(m) = &ty.message {
            text.push_str(&format!("typology: not computed. {}\n", m.en));
        }
    }
    if let Some(a) = &fig.autocoding {
        let pct = |x: Option<f64>| {
            x.map(|x| format!("{:.1}%", x * 100.0))
                .unwrap_or_else(|| "–".into())
        };
        let prf = |f: &leernet_analysis::PrecisionRecall| {
            format!(
                "precision {}, recall {}, F1 {}",
                pct(f.precision),
                pct(f.recall),
                pct(f.f1)
            )
        };
        text.push_str(&format!(
            "auto-coding ({}; {} answers, {} suggestions, {} codings by {} coders): {} by answer and code; {} by segment\n  {}\n",
            a.rules,
            a.answers,
            a.suggestions,
            a.human_codings,
            a.coders,
            prf(&a.by_answer.overall),
            prf(&a.by_segment.overall),
            a.note.en
        ));
    }
    if !practice.is_empty() {
        let t = &practice.total;
        text.push_str(&format!(
            "practice: {} networks with a workspace log; {} sessions held, {} slow questions ({} followed up), {} stories\n",
            practice.networks.len(),
            t.sessions_held,
            t.questions,
            t.followed_up,
            t.stories
        ));
    }
    if let Some(path) = json {
        text.push_str(&format!("Wrote every figure to {}.\n", path.display()));
    }
    out.write_all(text.as_bytes()).map_err(out_err)
}

/// `leernet report --out DIR [--format html|md] [--lang nl|en] [--wave WAVE]`.
pub async fn report(
    project: &Path,
    dir: &Path,
    format: Option<ReportFormat>,
    lang: Lang,
    wave: Option<&str>,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let (inst, study, store) = settings.study_store().await?;
    inst.close().await;
    let content = match study_content(&settings.dir, Some(study.slug.as_str())) {
        Ok(c) => c,
        Err(e) => {
            store.close().await;
            return Err(e);
        }
    };
    let fig = figures(&store, &content, wave).await?;
    let practice = practice(&store).await?;
    store.close().await;
    let written = write_reports(&fig, &practice, dir, format, &[lang], &content.report_files)?;
    for p in written {
        writeln!(out, "Wrote {}", p.display()).map_err(out_err)?;
    }
    Ok(())
}

/// `leernet serve [--addr ADDR]`.
pub async fn serve(
    project: &Path,
    addr: Option<String>,
    clock: leernet_core::SharedClock,
    out: &mut dyn Write,
) -> CliResult {
    let settings = Settings::load(project)?;
    let addr = addr.unwrap_or_else(|| settings.addr.clone());
    let content = project_content(&settings.dir)?;
    // every active study, under /studies/{slug}, with one login (the installation's)
    let installation = settings.installation().await?;
    // each study's own content, read and checked whole before anything is served
    let mut own_content = std::collections::BTreeMap::new();
    let studies = match installation.studies().await {
        Ok(s) => s,
        Err(e) => {
            installation.close().await;
            return Err(CliError::usage(anyhow!("{e}")));
        }
    };
    for study in studies {
        let slug = study.slug.as_str();
        if has_study_content(&settings.dir, slug) {
            match study_content(&settings.dir, Some(slug)) {
                Ok(c) => {
                    own_content.insert(slug.to_owned(), c);
                }
                Err(e) => {
                    installation.close().await;
                    return Err(e);
                }
            }
        }
    }
    // The studies' figures, computed once per change for the pages and the API alike.
    let figures = std::sync::Arc::new(
        leernet_app::figures::FigureCaches::new(content.clone(), own_content.clone())
            .with_page_wait(Some(settings.file.server.figures_wait()?)),
    );
    // The JSON API (/api/v1) over the installation: every study a token's account has a
    // role in.
    let api = leernet_api::router(std::sync::Arc::new(
        leernet_api::ApiState::new(installation.clone(), clock.clone())
            .with_public_url(settings.file.server.public_url.clone())
            .with_figures(figures.clone()),
    ));
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| CliError::usage(anyhow!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::usage(anyhow!("{e}")))?;
    writeln!(
        out,
        "leernet serves {} at http://{local}/ (ctrl-c stops).",
        settings.dir.display()
    )
    .map_err(out_err)?;
    out.flush().map_err(out_err)?;
    let options = leernet_web::ServeOptions {
        public_url: settings.file.server.public_url.clone(),
        content,
        study_content: own_content,
        smtp: settings.file.smtp.clone(),
        trusted_proxies: settings.file.server.trusted_proxies()?,
        limits: settings.file.server.limits()?,
        clock,
        extra: Some(api),
        figures: Some(figures),
    };
    leernet_web::serve_installation(installation, listener, options)
        .await
        .map_err(|e| CliError::usage(anyhow!("the web server stopped: {e}")))
}
