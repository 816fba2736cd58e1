//! leernet-report: the study report and each network's handreiking, built once as a
//! document (`doc.rs`) and rendered to HTML, Markdown, DOCX and PDF; their charts; and the
//! translation catalogue shared with the web app.
//!
//! Why it exists: the report is what researchers publish and what the networks read. It is
//! rendered from [`leernet_analysis::StudyFigures`] only — never from the store — so every
//! number in it is one the analysis computed, with its n and source question.
//!
//! Invariants: deterministic (no clock, no randomness, no hash-map order: identical figures
//! give byte-identical files); every text in both languages (the catalogue refuses a key
//! missing in one of them, and a lookup of a key missing in both is an error, never a
//! panic); HTML is one self-contained file (inline CSS and SVG, no script).

pub mod change_section;
pub mod chart;
pub mod dendrogram;
pub mod doc;
pub mod docx;
pub mod feedback_section;
pub mod format;
pub mod handreiking;
pub mod heatmap;
pub mod markdown;
pub mod practice;
pub mod practice_section;
pub mod qca_section;
pub mod reasons;
pub mod render_docx;
pub mod render_html;
pub mod render_md;
pub mod render_pdf;
pub mod report_doc;
pub mod summary;
pub mod words;
pub mod xyplot;

use doc::Document;
use leernet_analysis::practice_indicators::PracticeIndicators;
use leernet_analysis::StudyFigures;
use leernet_core::i18n::Catalog;
use leernet_core::Lang;
use words::Words;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the report template failed: {0}")]
    Template(#[from] minijinja::Error),
    #[error("the DOCX file could not be assembled: {0}")]
    Docx(String),
    #[error("there is no handreiking for network {0:?}")]
    NoHandreiking(String),
    #[error("the catalogue has no text {0:?}")]
    Text(String),
    #[error("a content file is wrong: {0}")]
    Content(String),
    #[error("the PDF could not be laid out: {0}")]
    Pdf(String),
}

/// The catalogue of interface and report texts (`locales/nl.toml`, `locales/en.toml`).
pub fn catalog() -> Catalog {
    Catalog::from_toml(
        include_str!("../../../locales/nl.toml"),
        include_str!("../../../locales/en.toml"),
    )
    .expect("the shipped catalogues are complete (tested)")
}

/// Renders reports. Build once, render many.
pub struct Reports {
    catalog: Catalog,
    /// The summary's rules, references and limitations (`content/report.toml`).
    summary: summary::ReportContent,
    /// How a handreiking leads and ranks its handles (`content/handreiking.toml`).
    layout: handreiking::Layout,
}

impl Default for Reports {
    fn default() -> Self {
        Self::new()
    }
}

impl Reports {
    /// Loads the catalogue and the shipped `report.toml` and `handreiking.toml`.
    pub fn new() -> Reports {
        Reports {
            catalog: catalog(),
            summary: summary::ReportContent::builtin()
                .expect("the shipped report.toml parses (tested)"),
            layout: handreiking::Layout::builtin()
                .expect("the shipped handreiking.toml parses (tested)"),
        }
    }

    /// With a project's own `report.toml` and `handreiking.toml` (issue 21) in place of the
    /// shipped ones, each checked now: an error names the file as `shown_as` says and, for a
    /// file that is not valid TOML or lacks a field, the line and column.
    pub fn with_content(
        mut self,
        files: &[leernet_analysis::ContentFile],
    ) -> Result<Reports, ReportError> {
        for f in files {
            match f.name.as_str() {
                "report.toml" => {
                    self.summary = summary::ReportContent::parse(&f.text)
                        .map_err(|e| ReportError::Content(format!("{}: {e}", f.shown_as)))?;
                }
                "handreiking.toml" => {
                    self.layout = handreiking::Layout::parse(&f.text)
                        .map_err(|e| ReportError::Content(format!("{}: {e}", f.shown_as)))?;
                }
                other => {
                    return Err(ReportError::Content(format!(
                        "{}: the report reads no content file called {other:?}",
                        f.shown_as
                    )))
                }
            }
        }
        Ok(self)
    }

    /// The catalogue.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn words(&self, lang: Lang) -> Words<'_> {
        Words::new(self.catalog.table(lang), lang)
    }

    /// The study report as a document; with `practice`, the networks' practice section.
    pub fn document(
        &self,
        figures: &StudyFigures,
        practice: Option<&PracticeIndicators>,
        lang: Lang,
    ) -> Result<Document, ReportError> {
        report_doc::report(figures, &self.words(lang), practice, &self.summary)
    }

    fn docx_of(&self, d: &Document) -> Result<Vec<u8>, ReportError> {
        docx::document(&render_docx::blocks_of(d), &d.doc_title, d.lang)
    }

    fn pdf_of(&self, d: &Document) -> Result<Vec<u8>, ReportError> {
        render_pdf::render(d)
    }

    /// The study report as one self-contained HTML file.
    pub fn html(&self, figures: &StudyFigures, lang: Lang) -> Result<String, ReportError> {
        Ok(render_html::render(&self.document(figures, None, lang)?))
    }

    /// The study report as a Word document (real headings and tables; charts as tables).
    pub fn docx(&self, figures: &StudyFigures, lang: Lang) -> Result<Vec<u8>, ReportError> {
        self.docx_of(&self.document(figures, None, lang)?)
    }

    /// The study report as a PDF (tagged, bookmarks from the contents, fonts embedded).
    pub fn pdf(&self, figures: &StudyFigures, lang: Lang) -> Result<Vec<u8>, ReportError> {
        self.pdf_of(&self.document(figures, None, lang)?)
    }

    /// The study report (PDF) with the networks' practice section before the appendix.
    pub fn pdf_with_practice(
        &self,
        figures: &StudyFigures,
        practice: &PracticeIndicators,
        lang: Lang,
    ) -> Result<Vec<u8>, ReportError> {
        self.pdf_of(&self.document(figures, Some(practice), lang)?)
    }

    /// The study report as Markdown (for Quarto / R Markdown users).
    pub fn markdown(&self, figures: &StudyFigures, lang: Lang) -> Result<String, ReportError> {
        Ok(render_md::render(&self.document(figures, None, lang)?))
    }

    /// The study report (HTML) with the networks' practice section before the appendix.
    pub fn html_with_practice(
        &self,
        figures: &StudyFigures,
        practice: &PracticeIndicators,
        lang: Lang,
    ) -> Result<String, ReportError> {
        Ok(render_html::render(&self.document(
            figures,
            Some(practice),
            lang,
        )?))
    }

    /// The study report (DOCX) with the networks' practice section before the appendix.
    pub fn docx_with_practice(
        &self,
        figures: &StudyFigures,
        practice: &PracticeIndicators,
        lang: Lang,
    ) -> Result<Vec<u8>, ReportError> {
        self.docx_of(&self.document(figures, Some(practice), lang)?)
    }

    /// The study report (Markdown) with the networks' practice section before the appendix.
    pub fn markdown_with_practice(
        &self,
        figures: &StudyFigures,
        practice: &PracticeIndicators,
        lang: Lang,
    ) -> Result<String, ReportError> {
        Ok(render_md::render(&self.document(
            figures,
            Some(practice),
            lang,
        )?))
    }

    /// One network's handreiking as a document. It shows that network's profile and
    /// handles and the anonymous benchmarks, never another network's name.
    pub fn handreiking_document(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<Document, ReportError> {
        let h = figures
            .handles
            .handreikingen
            .iter()
            .find(|h| h.slug == slug)
            .ok_or_else(|| ReportError::NoHandreiking(slug.to_owned()))?;
        let w = self.words(lang);
        let v = self.handreiking_view(figures, slug, lang)?;
        let facts = |it: &handreiking::ItemView| {
            let item = h.items.iter().find(|i| i.key == it.key);
            let element_score = item.and_then(|i| {
                let fw = figures.frameworks.iter().find(|f| f.key == i.framework)?;
                let p = fw.network(slug)?;
                fw.elements
                    .iter()
                    .zip(&p.elements)
                    .find(|(e, _)| e.key == i.element)
                    .and_then(|(_, s)| s.score)
            });
            let networks = figures
                .handles
                .catalogue
                .iter()
                .find(|c| c.key == it.key)
                .map_or(0, |c| c.networks);
            handreiking::RankFacts {
                element_score,
                networks,
            }
        };
        let ranked = handreiking::rank(&v, &facts, &self.layout);
        let mut doc = handreiking::document(
            &v,
            ranked,
            figures.study.title.get(lang),
            figures.study.fictional,
            &w,
        )?;
        // "Sinds de vorige meting" after the profile (issue 19): only with two waves.
        if let Some(c) = &figures.change {
            if let Some(s) = change_section::network_section(c, slug, &w)? {
                let at = doc.sections.len().min(1);
                doc.sections.insert(at, s);
            }
        }
        Ok(doc)
    }

    /// One network's handreiking as text, each handle with why it applies (`reasons.rs`):
    /// what the handreiking's document and the network's profile page show.
    pub fn handreiking_view(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<handreiking::View, ReportError> {
        let labels = self.reason_labels(figures, lang);
        self.handreiking_view_with(figures, slug, lang, &labels)
    }

    /// The words the handles' reasons use for variables and choices, in `lang`: read from
    /// every handreiking, framework and dataset of `figures`, so at a national study's scale
    /// worth making once per set of figures (the app keeps them with its cached figures).
    pub fn reason_labels(&self, figures: &StudyFigures, lang: Lang) -> reasons::Labels {
        reasons::Labels::of(figures, &self.words(lang))
    }

    /// [`Reports::handreiking_view`] with labels made before ([`Reports::reason_labels`] of
    /// the same figures and language).
    pub fn handreiking_view_with(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
        labels: &reasons::Labels,
    ) -> Result<handreiking::View, ReportError> {
        let h = figures
            .handles
            .handreikingen
            .iter()
            .find(|h| h.slug == slug)
            .ok_or_else(|| ReportError::NoHandreiking(slug.to_owned()))?;
        let w = self.words(lang);
        let mut v = handreiking::view(h, &figures.frameworks, lang, self.catalog.table(lang))?;
        // Which wave its figures rest on (issue 19).
        if let Some(row) = figures.networks.iter().find(|n| n.slug == slug) {
            v.basis = row.basis.get(lang).to_owned();
        }
        // Why each handle applies, in words from its condition.
        for it in v.groups.iter_mut().flat_map(|g| g.items.iter_mut()) {
            let cond = h
                .items
                .iter()
                .find(|i| i.key == it.key)
                .map(|i| i.condition.as_str());
            if let Some(r) = cond.and_then(|c| reasons::condition(c, labels, &w)) {
                it.reason = w.fill("reason.because", &[("reason", r)])?;
            }
        }
        Ok(v)
    }

    /// One network's change since the previous wave, for the profile page (issue 19);
    /// `None` with one wave or without rows for the network.
    pub fn network_change(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<Option<change_section::NetworkView>, ReportError> {
        match &figures.change {
            Some(c) => change_section::network_view(c, slug, &self.words(lang)),
            None => Ok(None),
        }
    }

    /// One network's handreiking as a self-contained HTML file.
    pub fn handreiking_html(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<String, ReportError> {
        Ok(render_html::render(
            &self.handreiking_document(figures, slug, lang)?,
        ))
    }

    /// One network's handreiking as a Word document.
    pub fn handreiking_docx(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<Vec<u8>, ReportError> {
        self.docx_of(&self.handreiking_document(figures, slug, lang)?)
    }

    /// One network's handreiking as a PDF.
    pub fn handreiking_pdf(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<Vec<u8>, ReportError> {
        self.pdf_of(&self.handreiking_document(figures, slug, lang)?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_projects_report_files_are_checked_and_named_with_their_line() {
        use leernet_analysis::ContentFile;
        let file = |name: &str, text: &str| ContentFile {
            name: name.into(),
            shown_as: format!("proj/content/{name}"),
            text: text.into(),
        };
        let err = |f: ContentFile| {
            super::Reports::new()
                .with_content(&[f])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        let e = err(file("report.toml", "[summary\nmin = 1\n"));
        assert!(e.contains("proj/content/report.toml: line 1: "), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
        let shipped = include_str!("../../../content/handreiking.toml");
        let e = err(file(
            "handreiking.toml",
            &shipped.replacen("lead = 5", "lead = 0", 1),
        ));
        assert!(e.contains("proj/content/handreiking.toml: lead = 0"), "{e}");
        let e = err(file(
            "handreiking.toml",
            &shipped.replacen("lead = 5", "", 1),
        ));
        assert!(
            e.contains("proj/content/handreiking.toml: ") && e.contains("lead"),
            "{e}"
        );
        let own = super::Reports::new()
            .with_content(&[file(
                "handreiking.toml",
                &shipped.replacen("lead = 5", "lead = 3", 1),
            )])
            .unwrap();
        assert_eq!(own.layout.lead, 3);
    }

    #[test]
    fn shipped_catalogues_are_complete() {
        let c = super::catalog();
        assert!(c.has("report.title"));
    }
}
