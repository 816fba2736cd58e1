//! leernet-report: the study report in HTML, DOCX and Markdown, each network's handreiking
//! (HTML and DOCX), their charts, and the translation catalogue shared with the web app.
//!
//! Why it exists: the report is what researchers publish and what the networks read. It is
//! rendered from [`leernet_analysis::StudyFigures`] only — never from the store — so every
//! number in it is one the analysis computed, with its n and source question.
//!
//! Invariants: deterministic (no clock, no randomness, no hash-map order: identical figures
//! give byte-identical files); every text in both languages (the catalogue refuses a key
//! missing in one of them); HTML is one self-contained file (inline CSS and SVG, no script).

pub mod chart;
pub mod dendrogram;
pub mod docx;
pub mod format;
pub mod handreiking;
pub mod heatmap;
pub mod markdown;
pub mod practice;
pub mod practice_section;
pub mod qca_section;
mod report_docx;
pub mod xyplot;

use leernet_analysis::StudyFigures;
use leernet_core::i18n::Catalog;
use leernet_core::Lang;
use minijinja::{context, Environment};

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the report template failed: {0}")]
    Template(#[from] minijinja::Error),
    #[error("the DOCX file could not be assembled: {0}")]
    Docx(String),
    #[error("there is no handreiking for network {0:?}")]
    NoHandreiking(String),
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
    env: Environment<'static>,
    catalog: Catalog,
}

impl Default for Reports {
    fn default() -> Self {
        Self::new()
    }
}

impl Reports {
    /// Loads the templates and the catalogue.
    pub fn new() -> Reports {
        let mut env = Environment::new();
        // before the templates: their auto-escaping is fixed when they are added
        markdown::register(&mut env);
        env.add_template("report.html", include_str!("../templates/report.html"))
            .expect("report.html parses");
        env.add_template("report.md", include_str!("../templates/report.md"))
            .expect("report.md parses");
        env.add_template(
            "handreiking.html",
            include_str!("../templates/handreiking.html"),
        )
        .expect("handreiking.html parses");
        format::register(&mut env);
        Reports {
            env,
            catalog: catalog(),
        }
    }

    /// The catalogue.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn sample(&self, figures: &StudyFigures, lang: Lang) -> String {
        let t = self.catalog.table(lang);
        let c = &figures.counts;
        t["report.sample_text"]
            .replace("{workplaces}", &c.workplaces.to_string())
            .replace("{networks}", &c.networks.to_string())
            .replace("{network_responses}", &c.network_responses.to_string())
            .replace("{member_responses}", &c.member_responses.to_string())
    }

    fn context(&self, figures: &StudyFigures, lang: Lang) -> minijinja::Value {
        let t = self.catalog.table(lang);
        let sample = self.sample(figures, lang);
        let practice = practice::view(figures, lang, t);
        let charts: Vec<Vec<String>> = figures
            .sections
            .iter()
            .map(|s| {
                s.tables
                    .iter()
                    .map(|tb| chart::bar_chart(tb, lang))
                    .collect()
            })
            .collect();
        let words = heatmap::Words {
            title: &t["profile_ui.heat_title"],
            desc: &t["profile_ui.heat_desc"],
            strongest: &t["profile_ui.heat_strongest"],
        };
        let co = &figures.qualitative.cooccurrence;
        let heatmaps: Vec<String> = co
            .iter()
            .map(|c| heatmap::svg(c, lang, &format!("heat-{}", c.section), &words))
            .collect();
        let heat_titles: Vec<String> = co.iter().map(|c| heatmap::title(c, lang, &words)).collect();
        context! {
            lang => lang.code(),
            t => t,
            f => figures,
            sample => sample,
            charts => charts,
            heatmaps => heatmaps,
            heat_titles => heat_titles,
            title => figures.study.title.get(lang),
            practice => practice,
            dendrogram => figures
                .typology
                .as_ref()
                .and_then(|ty| ty.dendrogram.as_ref())
                .map(|d| dendrogram::svg(d, lang, &t["typology.axis"], &t["typology.type_word"], &t["typology.dendrogram"])),
        }
    }

    /// The study report as one self-contained HTML file.
    pub fn html(&self, figures: &StudyFigures, lang: Lang) -> Result<String, ReportError> {
        let tpl = self.env.get_template("report.html")?;
        let doc = tpl.render(self.context(figures, lang))?;
        Ok(match self.qca_parts(figures, lang) {
            Some(parts) => qca_section::insert_before(
                doc,
                &qca_section::HTML_MARKERS,
                &qca_section::html(&parts),
            ),
            None => doc,
        })
    }

    /// The QCA section's parts, if the analysis made a QCA.
    fn qca_parts(&self, figures: &StudyFigures, lang: Lang) -> Option<Vec<qca_section::Part>> {
        let q = figures.qca.as_ref().filter(|q| !q.outcomes.is_empty())?;
        Some(qca_section::parts(q, self.catalog.table(lang), lang))
    }

    /// The report's DOCX blocks, the QCA section before the profiles, handles or appendix.
    pub(crate) fn report_blocks(&self, figures: &StudyFigures, lang: Lang) -> Vec<docx::Block> {
        let t = self.catalog.table(lang);
        let mut blocks = report_docx::report(figures, lang, t, &self.sample(figures, lang));
        if let Some(parts) = self.qca_parts(figures, lang) {
            let at = qca_section::heading_keys()
                .iter()
                .find_map(|k| {
                    blocks
                        .iter()
                        .position(|b| matches!(b, docx::Block::Heading(1, h) if *h == t[*k]))
                })
                .unwrap_or(blocks.len());
            blocks.splice(at..at, qca_section::blocks(&parts));
        }
        blocks
    }

    /// The study report as a Word document (real headings and tables; charts as tables).
    pub fn docx(&self, figures: &StudyFigures, lang: Lang) -> Result<Vec<u8>, ReportError> {
        let t = self.catalog.table(lang);
        let blocks = self.report_blocks(figures, lang);
        docx::document(
            &blocks,
            &format!("{} — {}", t["report.title"], figures.study.title.get(lang)),
            lang,
        )
    }

    fn handreiking_view(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<handreiking::View, ReportError> {
        let h = figures
            .handles
            .handreikingen
            .iter()
            .find(|h| h.slug == slug)
            .ok_or_else(|| ReportError::NoHandreiking(slug.to_owned()))?;
        Ok(handreiking::view(
            h,
            &figures.frameworks,
            lang,
            self.catalog.table(lang),
        ))
    }

    /// One network's handreiking as a self-contained HTML file. It shows that network's
    /// profile and handles and the anonymous benchmarks, never another network's name.
    pub fn handreiking_html(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<String, ReportError> {
        let v = self.handreiking_view(figures, slug, lang)?;
        let tpl = self.env.get_template("handreiking.html")?;
        Ok(tpl.render(context! {
            lang => lang.code(),
            t => self.catalog.table(lang),
            v => v,
            study_title => figures.study.title.get(lang),
            fictional => figures.study.fictional,
        })?)
    }

    /// One network's handreiking as a Word document.
    pub fn handreiking_docx(
        &self,
        figures: &StudyFigures,
        slug: &str,
        lang: Lang,
    ) -> Result<Vec<u8>, ReportError> {
        let v = self.handreiking_view(figures, slug, lang)?;
        let t = self.catalog.table(lang);
        let blocks = report_docx::handreiking(
            &v,
            figures.study.title.get(lang),
            figures.study.fictional,
            t,
        );
        docx::document(&blocks, &v.title, lang)
    }

    /// The study report as Markdown (for Quarto / R Markdown users).
    pub fn markdown(&self, figures: &StudyFigures, lang: Lang) -> Result<String, ReportError> {
        let tpl = self.env.get_template("report.md")?;
        let doc = tpl.render(self.context(figures, lang))?;
        Ok(match self.qca_parts(figures, lang) {
            Some(parts) => {
                let t = self.catalog.table(lang);
                let markers: Vec<String> = qca_section::heading_keys()
                    .iter()
                    .map(|k| format!("\n## {}", t[*k]))
                    .collect();
                let refs: Vec<&str> = markers.iter().map(String::as_str).collect();
                // Inserted at the line break before the next heading: one blank line
                // before and after the section.
                let section = format!("\n{}\n", qca_section::markdown(&parts).trim_end());
                qca_section::insert_before(doc, &refs, &section)
            }
            None => doc,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shipped_catalogues_are_complete() {
        let c = super::catalog();
        assert!(c.has("report.title"));
    }
}
