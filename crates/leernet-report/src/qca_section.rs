//! The study report's section on configurations of working methods (QCA): per outcome the
//! calibration choices, the necessity table, the truth table, the solutions in words, XY
//! plots and which combinations survive other cut-offs and anchors.
//!
//! Why it exists: the QCA answers the study's question about combinations; a reader must
//! see what the finding rests on (calibration, cut-offs, the cases per configuration) and
//! what depends on a choice (robustness), in words, not in Boolean expressions. The figures
//! come from [`leernet_analysis::qca`] only. The section is built once as a list of parts
//! and written as HTML, Markdown and DOCX blocks, and put into the finished report before
//! the profiles (or the handles, or the appendix), so the report's templates stay as they are.
//!
//! Invariants: deterministic (outcomes, rows and terms in the analysis' order, fixed
//! decimals); every text in both languages; labels and clauses from `content/qca.toml`,
//! never a variable key or a term such as `A*~B`.

use crate::doc::{nest, t, Block, Figure, Section, Table};
use crate::format::num;
use crate::words::Words;
use crate::xyplot::{self, PlotText};
use crate::ReportError;
use leernet_analysis::qca::{QcaFigures, QcaOutcome};
use leernet_core::Lang;
use std::collections::BTreeMap;

/// One part of the section, for every format.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Heading(u8, String),
    Para(String),
    Note(String),
    /// A warning a reader must not miss.
    Warning(String),
    Table {
        caption: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
    },
    /// An SVG figure with its caption (DOCX: the caption only, the figures are in words).
    Figure {
        svg: String,
        caption: String,
    },
}

type T = BTreeMap<String, String>;

use crate::words::fill;

fn n2(x: f64, lang: Lang) -> String {
    if x.is_finite() {
        num(x, 2, lang.code())
    } else {
        "–".to_owned()
    }
}

fn opt2(x: Option<f64>, lang: Lang) -> String {
    x.map_or_else(|| "–".to_owned(), |v| n2(v, lang))
}

/// The parts of the whole section.
pub fn parts(q: &QcaFigures, t: &T, lang: Lang) -> Result<Vec<Part>, ReportError> {
    try_parts(q, &Words::new(t, lang))
}

fn try_parts(q: &QcaFigures, w: &Words<'_>) -> Result<Vec<Part>, ReportError> {
    let lang = w.lang;
    let mut p = vec![
        Part::Heading(2, w.s("qca.title")?),
        Part::Para(w.s("qca.intro")?),
    ];
    if let Some(b) = &q.basis {
        p.push(Part::Para(b.get(lang).to_owned()));
    }
    for (i, o) in q.outcomes.iter().enumerate() {
        outcome(&mut p, o, i, w)?;
    }
    if !q.waves.is_empty() {
        p.push(Part::Heading(3, w.s("qca.per_wave")?));
        p.push(Part::Para(w.s("qca.per_wave_intro")?));
        for wave in &q.waves {
            p.push(Part::Heading(4, wave.label.get(lang).to_owned()));
            for o in &wave.outcomes {
                let head = fill(
                    w.get("qca.wave_outcome")?,
                    &[
                        ("name", o.name.get(lang).to_owned()),
                        ("n", o.cases.len().to_string()),
                    ],
                );
                p.push(Part::Para(head));
                if !o.computed {
                    let m = o.message.as_ref().map_or("", |m| m.get(lang));
                    p.push(Part::Note(format!("{}: {m}", w.get("qca.not_computed")?)));
                    continue;
                }
                for s in &o.sentences {
                    p.push(Part::Para(s.get(lang).to_owned()));
                }
            }
        }
    }
    Ok(p)
}

fn outcome(
    p: &mut Vec<Part>,
    o: &QcaOutcome,
    index: usize,
    w: &Words<'_>,
) -> Result<(), ReportError> {
    let lang = w.lang;
    p.push(Part::Heading(3, o.name.get(lang).to_owned()));
    // The calibration choices come first: everything below depends on them.
    p.push(Part::Table {
        caption: w.s("qca.calibration_caption")?,
        header: vec![
            w.s("qca.set")?,
            w.s("qca.role")?,
            w.s("qca.data")?,
            w.s("qca.rule")?,
            w.s("qca.expectation")?,
        ],
        rows: o
            .calibration
            .iter()
            .map(|c| {
                Ok(vec![
                    c.name.get(lang).to_owned(),
                    w.s(&format!("qca.role_{}", c.role))?,
                    c.variable.get(lang).to_owned(),
                    c.rule.get(lang).to_owned(),
                    c.expectation
                        .as_ref()
                        .map_or_else(|| "–".to_owned(), |e| e.get(lang).to_owned()),
                ])
            })
            .collect::<Result<_, ReportError>>()?,
        numeric: vec![false; 5],
    });
    if !o.computed {
        let why = o.message.as_ref().map(|m| m.get(lang)).unwrap_or_default();
        p.push(Part::Para(format!("{}: {why}", w.get("qca.not_computed")?)));
        return Ok(());
    }
    p.push(Part::Note(fill(
        w.get("qca.cuts")?,
        &[
            ("incl", n2(o.cuts.incl, lang)),
            ("pri", n2(o.cuts.pri, lang)),
            ("n", o.cuts.n.to_string()),
            ("cases", o.cases.len().to_string()),
        ],
    )));
    if !o.excluded.is_empty() {
        let list: Vec<String> = o
            .excluded
            .iter()
            .map(|e| {
                let sets: Vec<&str> = e.missing.iter().map(|m| m.get(lang)).collect();
                format!("{} ({})", e.name, sets.join(", "))
            })
            .collect();
        p.push(Part::Note(format!(
            "{}): {}.",
            w.get("qca.excluded")?,
            list.join("; ")
        )));
    }
    for (is_outcome, key) in [(false, "qca.crossover"), (true, "qca.crossover_outcome")] {
        let list: Vec<String> = o
            .crossover
            .iter()
            .filter(|c| c.outcome == is_outcome)
            .map(|c| format!("{} ({})", c.name, c.set.get(lang)))
            .collect();
        if !list.is_empty() {
            p.push(Part::Warning(format!(
                "{}: {}.",
                w.get(key)?,
                list.join("; ")
            )));
        }
    }

    p.push(Part::Heading(4, w.s("qca.necessity")?));
    let necessary: Vec<&str> = o
        .necessity
        .iter()
        .filter(|r| r.incl >= 0.9)
        .map(|r| r.label.get(lang))
        .collect();
    p.push(Part::Para(if necessary.is_empty() {
        w.s("qca.necessity_none")?
    } else {
        format!(
            "{}: {}.",
            w.get("qca.necessity_some")?,
            necessary.join("; ")
        )
    }));
    p.push(Part::Table {
        caption: w.s("qca.necessity_caption")?,
        header: vec![
            w.s("qca.condition")?,
            w.s("qca.consistency")?,
            w.s("qca.ron")?,
            w.s("qca.coverage")?,
        ],
        rows: o
            .necessity
            .iter()
            .map(|r| {
                vec![
                    r.label.get(lang).to_owned(),
                    n2(r.incl, lang),
                    n2(r.ron, lang),
                    n2(r.cov, lang),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true],
    });
    p.push(Part::Note(w.s("qca.necessity_note")?));

    p.push(Part::Heading(4, w.s("qca.truth_table")?));
    let tt = &o.truth_table;
    let mut header: Vec<String> = tt.columns.iter().map(|c| c.get(lang).to_owned()).collect();
    let k = header.len();
    header.extend([
        w.s("qca.outcome")?,
        "n".to_owned(),
        w.s("qca.consistency")?,
        w.s("qca.pri")?,
        w.s("qca.networks")?,
    ]);
    let (yes, no) = (w.s("qca.yes")?, w.s("qca.no")?);
    let (out_1, out_0, out_rest) = (w.s("qca.out_1")?, w.s("qca.out_0")?, w.s("qca.out_rest")?);
    let rows = tt
        .rows
        .iter()
        .map(|r| {
            let mut row: Vec<String> = r
                .config
                .iter()
                .map(|&v| if v == 1 { yes.clone() } else { no.clone() })
                .collect();
            let out = match r.out.as_str() {
                "1" => out_1.clone(),
                "0" => out_0.clone(),
                _ => out_rest.clone(),
            };
            row.push(if r.contradiction {
                format!("{out} *")
            } else {
                out
            });
            row.push(r.n.to_string());
            row.push(opt2(r.incl, lang));
            row.push(opt2(r.pri, lang));
            row.push(r.cases.join(", "));
            row
        })
        .collect();
    let mut numeric = vec![false; k + 1];
    numeric.extend([true, true, true, false]);
    p.push(Part::Table {
        caption: w.s("qca.truth_caption")?,
        header,
        rows,
        numeric,
    });
    p.push(Part::Note(fill(
        w.get("qca.truth_note")?,
        &[
            ("remainders", tt.remainders.to_string()),
            ("rows", tt.n_rows.to_string()),
            ("contradictions", tt.contradictions.to_string()),
        ],
    )));

    p.push(Part::Heading(4, w.s("qca.solution")?));
    p.push(Part::Note(w.s(&format!("qca.reported_{}", o.reported))?));
    for s in &o.sentences {
        p.push(Part::Para(s.get(lang).to_owned()));
    }
    let mut rows = Vec::new();
    for s in &o.solutions {
        let kind = w.s(&format!("qca.kind_{}", s.kind))?;
        if let Some(m) = &s.message {
            rows.push(vec![
                kind.clone(),
                m.get(lang).to_owned(),
                "–".into(),
                "–".into(),
                "–".into(),
            ]);
        }
        for m in &s.models {
            rows.push(vec![
                kind.clone(),
                m.text.get(lang).to_owned(),
                n2(m.incl, lang),
                n2(m.pri, lang),
                n2(m.cov, lang),
            ]);
        }
    }
    p.push(Part::Table {
        caption: w.s("qca.solutions_caption")?,
        header: vec![
            w.s("qca.solution_col")?,
            w.s("qca.combinations")?,
            w.s("qca.consistency")?,
            w.s("qca.pri")?,
            w.s("qca.coverage")?,
        ],
        rows,
        numeric: vec![false, false, true, true, true],
    });

    // XY plots of the reported solution's first model.
    let reported = o
        .solutions
        .iter()
        .find(|s| s.kind == o.reported)
        .and_then(|s| s.models.first());
    if let Some(m) = reported {
        p.push(Part::Heading(4, w.s("qca.xy")?));
        for (j, term) in m.terms.iter().enumerate() {
            let title = format!("{} → {}", term.short.get(lang), o.name.get(lang));
            let desc = fill(
                w.get("qca.xy_desc")?,
                &[
                    ("above", xyplot::on_or_above(&term.xy).to_string()),
                    ("n", term.xy.len().to_string()),
                ],
            );
            let svg = xyplot::svg(
                &term.xy,
                &format!("qca-xy-{index}-{j}"),
                &PlotText {
                    title: &title,
                    desc: &desc,
                    x_label: w.get("qca.xy_x")?,
                    y_label: w.get("qca.xy_y")?,
                    half: &num(0.5, 1, lang.code()),
                },
            );
            p.push(Part::Figure {
                svg,
                caption: format!(
                    "{title} ({} {}; {} {})",
                    w.get("qca.consistency")?.to_lowercase(),
                    n2(term.incl, lang),
                    w.get("qca.coverage")?.to_lowercase(),
                    n2(term.cov, lang)
                ),
            });
        }
    }

    let rb = &o.robustness;
    if !rb.variants.is_empty() {
        p.push(Part::Heading(4, w.s("qca.robustness")?));
        let robust: Vec<&str> = rb
            .terms
            .iter()
            .filter(|s| s.robust)
            .map(|s| s.text.get(lang))
            .collect();
        p.push(Part::Para(if robust.is_empty() {
            let counts = rb
                .terms
                .iter()
                .map(|s| (s.present.iter().filter(|&&b| b).count(), s));
            // The first of the most frequent, in the analysis' order.
            let most = counts.fold(None, |best: Option<(usize, _)>, (k, s)| match best {
                Some((b, _)) if b >= k => best,
                _ => Some((k, s)),
            });
            match most {
                Some((k, s)) if k > 0 => format!(
                    "{} {}",
                    w.get("qca.robust_none")?,
                    fill(
                        w.get("qca.robust_most")?,
                        &[
                            ("term", s.text.get(lang).to_owned()),
                            ("k", k.to_string()),
                            ("m", rb.variants.len().to_string()),
                        ],
                    )
                ),
                _ => w.s("qca.robust_none")?,
            }
        } else {
            format!("{}: {}.", w.get("qca.robust_all")?, robust.join("; "))
        }));
        let mut header = vec![w.s("qca.combination")?];
        header.extend(rb.variants.iter().map(|v| v.get(lang).to_owned()));
        let (inv, notinv) = (w.s("qca.in_variant")?, w.s("qca.not_in_variant")?);
        let rows = rb
            .terms
            .iter()
            .map(|s| {
                let mut row = vec![s.text.get(lang).to_owned()];
                row.extend(
                    s.present
                        .iter()
                        .map(|&b| if b { inv.clone() } else { notinv.clone() }),
                );
                row
            })
            .collect();
        let n = header.len();
        p.push(Part::Table {
            caption: w.s("qca.robustness_caption")?,
            header,
            rows,
            numeric: vec![false; n],
        });
    }
    Ok(())
}

/// The parts as document blocks: headings nest into sections (`qca-1`, `qca-2`, … in
/// order), the rest are the model's blocks.
pub fn doc_blocks(parts: &[Part]) -> (Vec<Block>, Vec<Section>) {
    let base = parts
        .iter()
        .filter_map(|p| match p {
            Part::Heading(l, _) => Some(*l),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let items = parts
        .iter()
        .map(|p| match p {
            Part::Heading(l, h) => (Some(*l), Block::Para(Vec::new()), h.clone()),
            Part::Para(s) => (None, Block::Para(t(s.clone())), String::new()),
            Part::Note(s) => (None, Block::Note(t(s.clone())), String::new()),
            Part::Warning(s) => (None, Block::Warning(t(s.clone())), String::new()),
            Part::Table {
                caption,
                header,
                rows,
                numeric,
            } => (
                None,
                Block::Table(
                    Table::plain(caption.clone(), header.clone(), rows.clone())
                        .numeric(numeric.clone())
                        .matrix(),
                ),
                String::new(),
            ),
            Part::Figure { svg, caption } => (
                None,
                Block::Figure(Figure {
                    svg: svg.clone(),
                    alt: caption.clone(),
                    caption: t(caption.clone()),
                    data: None,
                }),
                String::new(),
            ),
        })
        .collect();
    let (lead, mut top) = nest(items, base, "qca");
    // The section's own heading opens the parts: that section is `#qca`.
    if let (Some(Part::Heading(..)), Some(first)) = (parts.first(), top.first_mut()) {
        first.id = "qca".to_owned();
    }
    (lead, top)
}

fn fragment_blocks(parts: &[Part]) -> Vec<Block> {
    let (mut lead, sections) = doc_blocks(parts);
    lead.extend(sections.into_iter().map(Block::Section));
    lead
}

/// The section of the study report, with the id `qca`.
pub fn section(q: &QcaFigures, w: &Words<'_>) -> Result<Section, ReportError> {
    let parts = try_parts(q, w)?;
    let (_, mut top) = doc_blocks(&parts);
    let mut s = top
        .drain(..)
        .next()
        .unwrap_or_else(|| Section::new("qca", ""));
    for b in &mut s.blocks {
        if let Block::Section(x) = b {
            x.in_toc = false;
        }
    }
    Ok(s)
}

/// The parts as an HTML fragment (the web app's QCA page), headings at their levels.
pub fn html(parts: &[Part]) -> String {
    let level = parts
        .iter()
        .find_map(|p| match p {
            Part::Heading(l, _) => Some(usize::from(*l)),
            _ => None,
        })
        .unwrap_or(2);
    crate::render_html::fragment(&fragment_blocks(parts), level)
}

/// The parts as Markdown, headings at their levels.
pub fn markdown(parts: &[Part]) -> String {
    let level = parts
        .iter()
        .find_map(|p| match p {
            Part::Heading(l, _) => Some(usize::from(*l)),
            _ => None,
        })
        .unwrap_or(2);
    crate::render_md::fragment(&fragment_blocks(parts), level)
}

/// The parts as DOCX blocks, the first heading at level 1.
pub fn blocks(parts: &[Part]) -> Vec<crate::docx::Block> {
    crate::render_docx::fragment(&fragment_blocks(parts), 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use leernet_analysis::dataset::{Dataset, Measure, Variable};
    use leernet_analysis::qca::{compute, QcaSpec};
    use leernet_core::Bilingual;

    const SPEC: &str = r#"
incl_cut = 0.8
n_cut = 1
pri_cut = 0.5
robustness_incl_cuts = [0.9]

[[condition]]
key = "AGENDA"
variable = "agenda_together"
calibration = "crisp"
expect = "present"
name_nl = "Agenda samen"
name_en = "Agenda together"
in_nl = "de deelnemers samen de agenda bepalen"
in_en = "the participants set the agenda together"
out_nl = "de deelnemers niet samen de agenda bepalen"
out_en = "the participants do not set the agenda together"

[[condition]]
key = "FORMAL"
variable = "formality"
calibration = "fuzzy"
anchors = [0.0, 3.5, 7.0]
name_nl = "Formeel"
name_en = "Formal"
in_nl = "het netwerk formeel is"
in_en = "the network is formal"
out_nl = "het netwerk informeel is"
out_en = "the network is informal"

[[outcome]]
key = "CLIMATE"
variable = "climate"
calibration = "fuzzy"
anchors = [3.0, 3.8, 4.5]
alt_anchors = [[3.0, 3.5, 4.0]]
conditions = ["AGENDA", "FORMAL"]
name_nl = "Goed leerklimaat"
name_en = "Good learning climate"
result_nl = "rapporteren vaker een goed leerklimaat"
result_en = "more often report a good learning climate"
"#;

    fn bi(s: &str) -> Bilingual {
        Bilingual {
            nl: format!("{s} (nl)"),
            en: format!("{s} (en)"),
        }
    }

    fn var(key: &str, measure: Measure) -> Variable {
        Variable {
            key: key.into(),
            label: bi(&key.replace('_', " ")),
            measure,
            categories: Vec::new(),
            source: String::new(),
            rule: "answer".into(),
            n: 0,
            not_answered: 0,
            not_applicable: 0,
        }
    }

    /// Six networks: agenda together in the first four, which have a good climate;
    /// network 6 sits exactly at the formality crossover.
    fn figures() -> QcaFigures {
        let some = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        let ds = Dataset {
            level: "network".into(),
            units: (1..=6).map(|i| format!("n{i}")).collect(),
            n_units: 6,
            variables: vec![
                var("agenda_together", Measure::AsymmetricBinary),
                var("formality", Measure::Numeric),
                var("climate", Measure::Numeric),
            ],
            values: vec![
                some(&[1., 1., 1., 1., 0., 0.]),
                some(&[1., 6., 2., 5., 6., 3.5]),
                some(&[4.6, 4.4, 4.5, 4.2, 3.0, 3.1]),
            ],
            rule: bi(""),
        };
        let names: Vec<String> = (1..=6).map(|i| format!("Netwerk <{i}>")).collect();
        compute(&ds, &names, &QcaSpec::parse(SPEC, "t.toml").unwrap())
    }

    /// Per measurement: a heading per measurement, the number of networks analysed per
    /// outcome and the solution in words; the pooled analysis says what it rests on.
    #[test]
    fn the_section_gives_the_configurations_per_measurement() {
        let r = crate::Reports::new();
        let mut f = figures();
        f.basis = Some(leernet_core::Bilingual {
            nl: "Deze configuraties berusten op de antwoorden van alle 2 metingen samen.".into(),
            en: "These configurations rest on the answers of all 2 measurements together.".into(),
        });
        f.waves = vec![leernet_analysis::qca::WaveQca {
            label: leernet_core::Bilingual {
                nl: "Meting 2: voorjaar".into(),
                en: "Measurement 2: spring".into(),
            },
            outcomes: f.outcomes.clone(),
        }];
        let nl = html(&parts(&f, r.catalog().table(Lang::Nl), Lang::Nl).unwrap());
        let intro = nl.find("<p>Welke combinaties").unwrap();
        let basis = nl
            .find("<p>Deze configuraties berusten op de antwoorden van alle 2 metingen samen.</p>")
            .unwrap();
        assert!(intro < basis);
        let per = nl
            .find("<h3>Per meting</h3>")
            .expect("a part per measurement");
        let wave = &nl[per..];
        assert!(wave.contains("<h4>Meting 2: voorjaar</h4>"), "{wave}");
        assert!(
            wave.contains("<p>Goed leerklimaat: 6 netwerken geanalyseerd.</p>"),
            "{wave}"
        );
        assert!(wave.contains("<p>Netwerken waarin de deelnemers samen de agenda bepalen, rapporteren vaker een goed leerklimaat (consistentie 0,92; dekking 0,97; 4 netwerken).</p>"), "{wave}");
        let en = markdown(&parts(&f, r.catalog().table(Lang::En), Lang::En).unwrap());
        assert!(en.contains("Measurement 2: spring"));
        assert!(
            en.contains("Good learning climate: 6 networks analysed."),
            "{en}"
        );
    }

    #[test]
    fn the_section_says_the_solution_in_words_in_both_languages() {
        let r = crate::Reports::new();
        let f = figures();
        let nl = html(&parts(&f, r.catalog().table(Lang::Nl), Lang::Nl).unwrap());
        assert!(nl.starts_with("<section id=\"qca\">\n<h2>Configuraties van werkwijzen (QCA)</h2>"));
        assert!(
            nl.contains("<p>Netwerken waarin de deelnemers samen de agenda bepalen, rapporteren vaker een goed leerklimaat (consistentie 0,92; dekking 0,97; 4 netwerken).</p>"),
            "{nl}"
        );
        // The network at the crossover is named in a warning; names from data are escaped.
        assert!(nl.contains("<p class=\"warning\" role=\"note\"><strong>Let op: deze netwerken liggen precies op het omslagpunt (lidmaatschap 0,5) van een voorwaarde en horen daarom bij geen enkele rij van de waarheidstabel: Netwerk &lt;6&gt; (Formeel).</strong></p>"), "{nl}");
        // One XY plot for the one term, with the six networks but the one at the crossover
        // (its term membership is 0: agenda not together).
        assert_eq!(nl.matches("<svg").count(), 1);
        assert_eq!(nl.matches("<circle").count(), 6);
        // Readers see labels, never keys or Boolean terms.
        for key in ["AGENDA", "FORMAL", "agenda_together", "~"] {
            assert!(!nl.contains(key), "{key} in {nl}");
        }
        let en = markdown(&parts(&f, r.catalog().table(Lang::En), Lang::En).unwrap());
        assert!(en.contains("## Configurations of working methods (QCA)\n\n"));
        assert!(
            en.contains("| the participants set the agenda together | 0.97 | 0.86 | 0.92 |"),
            "{en}"
        );
        assert!(en.contains("| Combination | As reported (consistency ≥ 0.80) | Consistency ≥ 0.90 | Outcome anchors 3 / 3.5 / 4 |"), "{en}");
        // Same figures, same bytes.
        assert_eq!(
            nl,
            html(&parts(&figures(), r.catalog().table(Lang::Nl), Lang::Nl).unwrap())
        );
    }

    #[test]
    fn docx_blocks_nest_the_headings_under_the_section() {
        use crate::docx::Block;
        let r = crate::Reports::new();
        let b = blocks(&parts(&figures(), r.catalog().table(Lang::En), Lang::En).unwrap());
        assert!(
            matches!(&b[0], Block::Heading(1, h) if h == "Configurations of working methods (QCA)")
        );
        assert!(matches!(&b[2], Block::Heading(2, h) if h == "Good learning climate"));
        assert!(b
            .iter()
            .any(|x| matches!(x, Block::Heading(3, h) if h == "Truth table")));
        // The truth table: the observed configurations and the remainders, 4 rows for 2
        // conditions.
        let tt = b
            .iter()
            .find_map(|x| match x {
                Block::Table { caption, rows, .. } if caption.starts_with("Truth table") => {
                    Some(rows)
                }
                _ => None,
            })
            .unwrap();
        assert_eq!(tt.len(), 4);
    }
}
