//! The practice part of the study report — what was run, the profiles per element with
//! their benchmarks, and the handles per network and type — as text ready for the HTML,
//! Markdown and DOCX writers.
//!
//! Why it exists: three formats must say the same thing. Building the words and numbers
//! once, here, keeps them from drifting apart; the templates and the DOCX builder only lay
//! them out.

use crate::handreiking::human;
use crate::words::Words;
use crate::ReportError;
use leernet_analysis::{Benchmark, StudyFigures};
use leernet_core::Lang;
use serde::Serialize;

fn opt(x: Option<f64>, lang: Lang) -> String {
    x.map(|v| human(v, lang)).unwrap_or_else(|| "–".into())
}

fn middle(b: &Benchmark, lang: Lang) -> String {
    format!("{}–{}", opt(b.q1, lang), opt(b.q3, lang))
}

/// An element's conclusion in words: its level (a median of at least 67 of 100 is high,
/// below 34 low, else in between), the middle half of the networks, and — with two
/// indicators or more that differ — the strongest and the weakest.
fn conclusion(
    e: &leernet_analysis::profiles::ElementSummary,
    w: &Words<'_>,
) -> Result<Option<String>, ReportError> {
    let lang = w.lang;
    let Some(median) = e.benchmark.median.filter(|m| m.is_finite()) else {
        return Ok(None);
    };
    let key = if median >= 67.0 {
        "profile.conclusion_high"
    } else if median < 34.0 {
        "profile.conclusion_low"
    } else {
        "profile.conclusion_middle"
    };
    let mut text = w.fill(
        key,
        &[
            ("element", e.name.get(lang).to_owned()),
            ("median", human(median, lang)),
            ("low", opt(e.benchmark.q1, lang)),
            ("high", opt(e.benchmark.q3, lang)),
            ("n", e.benchmark.n.to_string()),
        ],
    )?;
    let scored: Vec<(&str, f64)> = e
        .indicators
        .iter()
        .filter_map(|i| {
            i.benchmark
                .median
                .filter(|m| m.is_finite())
                .map(|m| (i.label.get(lang), m))
        })
        .collect();
    // the first of equals, in the framework's order
    let best = scored.iter().fold(None::<&(&str, f64)>, |b, x| match b {
        Some(b) if b.1 >= x.1 => Some(b),
        _ => Some(x),
    });
    let worst = scored.iter().fold(None::<&(&str, f64)>, |b, x| match b {
        Some(b) if b.1 <= x.1 => Some(b),
        _ => Some(x),
    });
    if let (Some(b), Some(l)) = (best, worst) {
        if scored.len() >= 2 && b.1 > l.1 {
            text.push(' ');
            text.push_str(&w.fill(
                "profile.conclusion_spread",
                &[
                    ("best", b.0.to_owned()),
                    ("best_median", human(b.1, lang)),
                    ("worst", l.0.to_owned()),
                    ("worst_median", human(l.1, lang)),
                ],
            )?);
        }
    }
    Ok(Some(text))
}

/// An indicator over all networks.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    pub label: String,
    pub source: String,
    pub median: String,
    pub middle: String,
    pub n: usize,
}

/// An element over all networks.
#[derive(Debug, Clone, Serialize)]
pub struct ElementView {
    pub name: String,
    pub description: String,
    pub median: String,
    pub middle: String,
    pub n: usize,
    pub indicators: Vec<IndicatorView>,
    /// Anonymised quotes with their code's name, read beside the numbers.
    pub quotes: Vec<(String, String)>,
    /// What the numbers say, in words: how high the networks score on the element, the
    /// middle half, and its strongest and weakest indicator (`None` without a median).
    pub conclusion: Option<String>,
}

/// One framework's results.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkView {
    pub key: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub chart: String,
    pub elements: Vec<ElementView>,
    /// Element names, the columns of the matrix.
    pub columns: Vec<String>,
    /// Network name and its scores per element.
    pub matrix: Vec<(String, Vec<String>)>,
}

/// A handle over the study.
#[derive(Debug, Clone, Serialize)]
pub struct HandleRow {
    pub title: String,
    pub element: String,
    pub priority: u32,
    pub networks: usize,
    pub by_type: String,
}

/// A network's handles, briefly.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkHandles {
    pub name: String,
    pub slug: String,
    pub count: usize,
    pub first: String,
}

/// The practice part of the report.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeView {
    pub method: Vec<String>,
    pub frameworks: Vec<FrameworkView>,
    pub handles: Vec<HandleRow>,
    pub per_network: Vec<NetworkHandles>,
    pub typed: bool,
    /// The codebook: family, code, name, description, codings per coder.
    pub codebook: Vec<Vec<String>>,
    /// Column headers of the codebook's coder columns.
    pub coders: Vec<String>,
}

/// Builds the practice part of the report.
pub fn view(f: &StudyFigures, lang: Lang, w: &Words<'_>) -> Result<PracticeView, ReportError> {
    let fill = |k: &str, pairs: &[(&str, String)]| w.fill(k, pairs);
    let mut method = Vec::new();
    if !f.frameworks.is_empty() {
        let names: Vec<String> = f
            .frameworks
            .iter()
            .map(|fw| {
                let ind: usize = fw.elements.iter().map(|e| e.indicators.len()).sum();
                Ok(format!(
                    "{} ({} × {}, {} {})",
                    fw.name.get(lang),
                    fw.elements.len(),
                    w.get("profile.element")?.to_lowercase(),
                    ind,
                    w.get("profile.indicator")?.to_lowercase()
                ))
            })
            .collect::<Result<_, ReportError>>()?;
        method.push(fill(
            "method2.frameworks",
            &[("frameworks", names.join("; "))],
        )?);
        method.push(w.s("method2.benchmark")?);
    }
    let q = &f.qualitative;
    if let (Some(pa), Some(k)) = (q.percent_agreement, q.cohen_kappa) {
        // What the coders did, from the data: every answer by every coder, or how many each
        // left without a code (never a fixed claim).
        let who = match &q.agreement {
            Some(a) if a.uncoded.iter().any(|n| *n > 0) => {
                let left: Vec<String> = a
                    .uncoded
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(i, n)| {
                        fill(
                            "method2.agreement_left",
                            &[("coder", (i + 1).to_string()), ("n", n.to_string())],
                        )
                    })
                    .collect::<Result<_, ReportError>>()?;
                let mut s = fill(
                    "method2.agreement_some",
                    &[
                        ("coders", q.coders.to_string()),
                        ("answers", a.answers.to_string()),
                        ("left", left.join("; ")),
                    ],
                )?;
                if a.uncoded_by_all > 0 {
                    s.push(' ');
                    s.push_str(&fill(
                        "method2.agreement_neither",
                        &[("n", a.uncoded_by_all.to_string())],
                    )?);
                }
                s
            }
            Some(a) => fill(
                "method2.agreement_all",
                &[
                    ("coders", q.coders.to_string()),
                    ("answers", a.answers.to_string()),
                ],
            )?,
            None => fill(
                "method2.agreement_coders",
                &[("coders", q.coders.to_string())],
            )?,
        };
        let mut text = format!(
            "{who} {}",
            fill(
                "method2.agreement",
                &[
                    ("units", q.units.to_string()),
                    ("pa", crate::format::pct(pa, lang.code())),
                    ("kappa", crate::format::num(k, 2, lang.code())),
                ],
            )?
        );
        if let Some(a) = &q.agreement {
            if let Some(c) = &a.by_answer_coded_by_all {
                if let (Some(pa), Some(k)) = (c.percent_agreement, c.cohen_kappa) {
                    text.push(' ');
                    text.push_str(&fill(
                        "method2.agreement_coded",
                        &[
                            ("answers", a.answers_coded_by_all.to_string()),
                            ("units", c.units.to_string()),
                            ("pa", crate::format::pct(pa, lang.code())),
                            ("kappa", crate::format::num(k, 2, lang.code())),
                        ],
                    )?);
                }
            }
        }
        text.push(' ');
        text.push_str(w.get("method2.agreement_quotes")?);
        method.push(text);
    }
    if !q.codebooks.is_empty() {
        let books: Vec<String> = q
            .codebooks
            .iter()
            .map(|b| {
                fill(
                    "codebook_fields.report_book",
                    &[
                        ("name", b.name.clone()),
                        ("version", b.version.to_string()),
                        ("codes", b.codes.to_string()),
                    ],
                )
            })
            .collect::<Result<_, ReportError>>()?;
        method.push(fill(
            "codebook_fields.report_codebooks",
            &[("books", books.join("; "))],
        )?);
    }
    if let Some(a) = &q.agreement {
        let opt =
            |x: Option<f64>| x.map_or("–".to_owned(), |v| crate::format::num(v, 2, lang.code()));
        let pct =
            |x: Option<f64>| x.map_or("–".to_owned(), |v| crate::format::pct(v, lang.code()));
        method.push(fill(
            "coding_ui.method_agreement",
            &[
                ("alpha", opt(a.by_answer.krippendorff_alpha)),
                ("overlap", crate::format::pct(a.overlap, lang.code())),
                ("segments", a.by_segment.units.to_string()),
                ("pa", pct(a.by_segment.percent_agreement)),
                ("seg_kappa_n", opt(a.by_segment.kappa_n)),
                (
                    "codes",
                    a.by_segment
                        .kappa_n_categories
                        .unwrap_or(a.codes.len())
                        .to_string(),
                ),
            ],
        )?);
    }
    if !f.handles.catalogue.is_empty() {
        let fired = f
            .handles
            .handreikingen
            .iter()
            .filter(|h| !h.items.is_empty())
            .count();
        method.push(fill(
            "method2.handles",
            &[
                ("handles", f.handles.catalogue.len().to_string()),
                ("file", f.handles.file.clone()),
                ("fired", fired.to_string()),
                ("networks", f.handles.handreikingen.len().to_string()),
            ],
        )?);
    }
    let chart_title = w.get("profile.chart_title")?;
    let frameworks = f
        .frameworks
        .iter()
        .map(|fw| -> Result<FrameworkView, ReportError> {
            let rows: Vec<crate::chart::ProfileRow<'_>> = fw
                .elements
                .iter()
                .map(|e| crate::chart::ProfileRow {
                    label: e.name.get(lang),
                    score: None,
                    benchmark: &e.benchmark,
                })
                .collect();
            Ok(FrameworkView {
                key: fw.key.clone(),
                name: fw.name.get(lang).to_owned(),
                description: fw.description.get(lang).to_owned(),
                source: fw.source.get(lang).to_owned(),
                chart: crate::chart::profile_chart(&rows, chart_title),
                elements: fw
                    .elements
                    .iter()
                    .map(|e| -> Result<ElementView, ReportError> {
                        Ok(ElementView {
                            name: e.name.get(lang).to_owned(),
                            description: e.description.get(lang).to_owned(),
                            median: opt(e.benchmark.median, lang),
                            middle: middle(&e.benchmark, lang),
                            n: e.benchmark.n,
                            indicators: e
                                .indicators
                                .iter()
                                .map(|i| IndicatorView {
                                    label: i.label.get(lang).to_owned(),
                                    source: format!("{} / {}", i.instrument, i.question),
                                    median: opt(i.benchmark.median, lang),
                                    middle: middle(&i.benchmark, lang),
                                    n: i.benchmark.n,
                                })
                                .collect(),
                            quotes: e
                                .quotes
                                .iter()
                                .map(|q| {
                                    let code = q.code_name.get(lang);
                                    // A passage of a document names its kind and network.
                                    let label = match &q.source {
                                        Some(src) => format!("{code} — {}", src.get(lang)),
                                        None => code.to_owned(),
                                    };
                                    (q.text.clone(), label)
                                })
                                .collect(),
                            conclusion: conclusion(e, w)?,
                        })
                    })
                    .collect::<Result<Vec<_>, ReportError>>()?,
                columns: fw
                    .elements
                    .iter()
                    .map(|e| e.name.get(lang).to_owned())
                    .collect(),
                matrix: fw
                    .networks
                    .iter()
                    .map(|n| {
                        (
                            n.name.clone(),
                            n.elements.iter().map(|e| opt(e.score, lang)).collect(),
                        )
                    })
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    let typed = f.handles.catalogue.iter().any(|h| !h.by_type.is_empty());
    let handles = f
        .handles
        .catalogue
        .iter()
        .map(|h| HandleRow {
            title: h.title.get(lang).to_owned(),
            element: h.element_name.get(lang).to_owned(),
            priority: h.priority,
            networks: h.networks,
            by_type: h
                .by_type
                .iter()
                .map(|c| format!("{}: {}/{}", c.network_type.name.get(lang), c.count, c.of))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let per_network = f
        .handles
        .handreikingen
        .iter()
        .map(|h| NetworkHandles {
            name: h.name.clone(),
            slug: h.slug.clone(),
            count: h.items.len(),
            first: h
                .items
                .iter()
                .filter(|i| i.priority == 1)
                .map(|i| i.title.get(lang).to_owned())
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let codebook = q
        .codes
        .iter()
        .map(|c| {
            let mut row = vec![
                c.key.clone(),
                c.name.get(lang).to_owned(),
                c.description.get(lang).to_owned(),
            ];
            row.extend(c.codings.iter().map(|n| n.to_string()));
            row
        })
        .collect();
    let coders = (1..=q.coders)
        .map(|i| fill("appendix.coder", &[("n", i.to_string())]))
        .collect::<Result<_, ReportError>>()?;
    Ok(PracticeView {
        method,
        frameworks,
        handles,
        per_network,
        typed,
        codebook,
        coders,
    })
}
