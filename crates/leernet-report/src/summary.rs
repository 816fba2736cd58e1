//! The study report's summary, limitations, references and colophon: findings in words,
//! each with its number and n, chosen by rules that are data (`content/report.toml`).
//!
//! Why it exists: read by a Werkplaats board or a policy officer, a report of tables is a
//! printout; the summary says what matters in sentences ("In 12 of the 17 networks (71%) the
//! participants set the agenda together"), the limitations say what the numbers cannot
//! carry, the references name the methods, and the colophon says what the report rests on.
//!
//! Invariants: every number comes from [`StudyFigures`]; the words from the catalogue
//! (`summary.*`) and the content file; deterministic (no clock: the colophon says why the
//! report has no date).

use crate::doc::{t, Block, Inline, Section};
use crate::format::{num, pct};
use crate::words::Words;
use crate::ReportError;
use leernet_analysis::StudyFigures;
use serde::Deserialize;

type R<T> = Result<T, ReportError>;

/// `content/report.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportContent {
    pub summary: SummaryRule,
    #[serde(default, rename = "finding")]
    pub findings: Vec<Finding>,
    #[serde(default, rename = "reference")]
    pub references: Vec<Reference>,
}

/// How many findings and which say most.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryRule {
    pub min: usize,
    pub max: usize,
    pub notable: f64,
}

/// A candidate finding.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    Share {
        question: String,
        choice: String,
        #[serde(default)]
        unit: Unit,
        text_nl: String,
        text_en: String,
        /// The same share in an earlier study (the 2021 study of 17 networks, say).
        #[serde(default)]
        earlier: Option<EarlierShare>,
    },
    Scale {
        scale: String,
        text_nl: String,
        text_en: String,
        /// The same scale's mean in an earlier study.
        #[serde(default)]
        earlier: Option<EarlierMean>,
    },
    Element {
        framework: String,
        element: String,
        text_nl: String,
        text_en: String,
    },
}

/// A share measured the same way in an earlier study, to compare with: `label` names it
/// ("2021"), `count` of `n` had the choice.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlierShare {
    pub label: String,
    pub count: u32,
    pub n: u32,
}

/// A scale's mean in an earlier study, to compare with.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlierMean {
    pub label: String,
    pub mean: f64,
}

/// Whom a share counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    #[default]
    Networks,
    Members,
}

/// A reference in APA style, its italic part apart.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub used: String,
    pub before: String,
    pub italic: String,
    pub after: String,
}

/// A TOML error in one line: where (line) and what, as the analysis's content errors say it.
pub(crate) fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let line = e
        .span()
        .map(|s| {
            format!(
                "line {}: ",
                text[..s.start.min(text.len())].lines().count().max(1)
            )
        })
        .unwrap_or_default();
    format!("{line}{}", e.message().trim().replace('\n', " "))
}

impl ReportContent {
    /// Parses the file.
    pub fn parse(text: &str) -> Result<ReportContent, String> {
        let c: ReportContent = toml::from_str(text).map_err(|e| toml_message(text, &e))?;
        if c.summary.min > c.summary.max || c.summary.max > 20 {
            return Err("summary: min ≤ max ≤ 20".into());
        }
        for (i, x) in c.findings.iter().enumerate() {
            let bad = |why: &str| Err(format!("finding {}: earlier: {why}", i + 1));
            match x {
                Finding::Share {
                    earlier: Some(e), ..
                } => {
                    if e.n == 0 || e.count > e.n {
                        return bad("count ≤ n and n > 0");
                    }
                    if e.label.trim().is_empty() || e.label.chars().count() > 40 {
                        return bad("a label of 1 to 40 characters");
                    }
                }
                Finding::Scale {
                    earlier: Some(e), ..
                } => {
                    if !e.mean.is_finite() {
                        return bad("mean is a number");
                    }
                    if e.label.trim().is_empty() || e.label.chars().count() > 40 {
                        return bad("a label of 1 to 40 characters");
                    }
                }
                _ => {}
            }
        }
        for r in &c.references {
            if !["always", "coding", "typology", "qca", "frameworks"].contains(&r.used.as_str()) {
                return Err(format!("reference used = {:?}", r.used));
            }
        }
        Ok(c)
    }

    /// The file shipped with leernet.
    pub fn builtin() -> R<ReportContent> {
        ReportContent::parse(include_str!("../../../content/report.toml"))
            .map_err(|e| ReportError::Content(format!("content/report.toml: {e}")))
    }
}

/// A finding with data: its sentence and whether it says much.
fn sentence(
    f: &StudyFigures,
    x: &Finding,
    rule: &SummaryRule,
    w: &Words<'_>,
) -> R<Option<(String, u8)>> {
    let l = w.code();
    let nl = w.lang == leernet_core::Lang::Nl;
    Ok(match x {
        Finding::Share {
            question,
            choice,
            unit,
            text_nl,
            text_en,
            earlier,
        } => {
            let Some(tb) = f
                .sections
                .iter()
                .flat_map(|s| &s.tables)
                .find(|tb| &tb.question == question)
            else {
                return Ok(None);
            };
            let Some(row) = tb.rows.iter().find(|r| &r.choice == choice) else {
                return Ok(None);
            };
            if tb.n == 0 {
                return Ok(None);
            }
            let key = match unit {
                Unit::Networks => "summary.share_networks",
                Unit::Members => "summary.share_members",
            };
            let mut s = w.fill(
                key,
                &[
                    ("count", row.count.to_string()),
                    ("n", tb.n.to_string()),
                    ("pct", pct(row.share, l)),
                    ("text", if nl { text_nl } else { text_en }.clone()),
                ],
            )?;
            if let Some(e) = earlier {
                s.push(' ');
                s.push_str(&w.fill(
                    "summary.earlier_share",
                    &[
                        ("label", e.label.trim().to_owned()),
                        ("count", e.count.to_string()),
                        ("n", e.n.to_string()),
                        ("pct", pct(f64::from(e.count) / f64::from(e.n), l)),
                    ],
                )?);
            }
            let rank = if (row.share - 0.5).abs() >= rule.notable {
                0
            } else {
                2
            };
            Some((s, rank))
        }
        Finding::Scale {
            scale,
            text_nl,
            text_en,
            earlier,
        } => {
            let Some(sc) = f.scales.iter().find(|s| &s.key == scale) else {
                return Ok(None);
            };
            let Some(mean) = sc.mean.filter(|m| m.is_finite() && sc.n > 0) else {
                return Ok(None);
            };
            let mut s = crate::words::fill(
                if nl { text_nl } else { text_en },
                &[("mean", num(mean, 1, l)), ("n", sc.n.to_string())],
            );
            if let Some(e) = earlier {
                s.push(' ');
                s.push_str(&w.fill(
                    "summary.earlier_mean",
                    &[
                        ("label", e.label.trim().to_owned()),
                        ("mean", num(e.mean, 1, l)),
                    ],
                )?);
            }
            Some((s, 1))
        }
        Finding::Element {
            framework,
            element,
            text_nl,
            text_en,
        } => {
            let Some(e) = f
                .frameworks
                .iter()
                .filter(|fw| &fw.key == framework)
                .flat_map(|fw| &fw.elements)
                .find(|e| &e.key == element)
            else {
                return Ok(None);
            };
            let Some(median) = e.benchmark.median.filter(|m| m.is_finite()) else {
                return Ok(None);
            };
            let s = crate::words::fill(
                if nl { text_nl } else { text_en },
                &[
                    ("median", num(median, 0, l)),
                    ("n", e.benchmark.n.to_string()),
                    ("element", e.name.get(w.lang).to_owned()),
                ],
            );
            Some((s, 1))
        }
    })
}

/// The findings the summary gives, in the file's order.
pub fn findings(f: &StudyFigures, c: &ReportContent, w: &Words<'_>) -> R<Vec<String>> {
    let mut all = Vec::new();
    for (i, x) in c.findings.iter().enumerate() {
        if let Some((s, rank)) = sentence(f, x, &c.summary, w)? {
            all.push((rank, i, s));
        }
    }
    all.sort_by_key(|(rank, i, _)| (*rank, *i));
    all.truncate(c.summary.max);
    all.sort_by_key(|(_, i, _)| *i);
    Ok(all.into_iter().map(|(_, _, s)| s).collect())
}

/// The summary section (`#summary`).
pub fn summary(f: &StudyFigures, c: &ReportContent, w: &Words<'_>) -> R<Section> {
    let mut s = Section::new("summary", w.get("summary.title")?);
    s.para(w.s("summary.intro")?);
    let list = findings(f, c, w)?;
    if list.len() < c.summary.min {
        s.note(w.fill("summary.too_few", &[("count", list.len().to_string())])?);
    }
    s.push(Block::Bullets(list.into_iter().map(t).collect()));
    Ok(s)
}

/// The limitations in words (`#limitations`).
pub fn limitations(f: &StudyFigures, w: &Words<'_>) -> R<Section> {
    let c = &f.counts;
    let mut s = Section::new("limitations", w.get("summary.limitations")?);
    let mut items = Vec::new();
    if f.study.fictional {
        items.push(w.s("summary.fictional")?);
    }
    if c.networks > 0 {
        items.push(w.fill(
            "summary.small_n",
            &[
                ("networks", c.networks.to_string()),
                ("step", format!("{:.0}", 100.0 / c.networks as f64)),
            ],
        )?);
    }
    let missing = c.networks.saturating_sub(c.network_responses);
    items.push(if missing > 0 {
        w.fill(
            "summary.nonresponse_networks",
            &[
                ("missing", missing.to_string()),
                ("networks", c.networks.to_string()),
            ],
        )?
    } else {
        w.fill(
            "summary.response_networks",
            &[("networks", c.networks.to_string())],
        )?
    });
    items.push(w.fill(
        "summary.nonresponse_members",
        &[("members", c.member_responses.to_string())],
    )?);
    items.push(w.s("summary.self_report")?);
    if let Some(sil) = f
        .typology
        .as_ref()
        .filter(|ty| ty.computed)
        .and_then(|ty| ty.silhouette)
        .filter(|s| *s < 0.5)
    {
        items.push(w.fill(
            "summary.weak_typology",
            &[("silhouette", num(sil, 2, w.code()))],
        )?);
    }
    s.push(Block::Bullets(items.into_iter().map(t).collect()));
    Ok(s)
}

/// The references for the methods the report used (`#references`).
pub fn references(f: &StudyFigures, c: &ReportContent, w: &Words<'_>) -> R<Section> {
    let used = |u: &str| match u {
        "coding" => f.qualitative.cohen_kappa.is_some() || f.qualitative.agreement.is_some(),
        "typology" => f.typology.as_ref().is_some_and(|t| t.computed),
        "qca" => f.qca.as_ref().is_some_and(|q| !q.outcomes.is_empty()),
        "frameworks" => !f.frameworks.is_empty(),
        _ => true,
    };
    let mut refs: Vec<&Reference> = c.references.iter().filter(|r| used(&r.used)).collect();
    refs.sort_by(|a, b| a.before.cmp(&b.before));
    let mut s = Section::new("references", w.get("summary.references")?);
    for r in refs {
        s.push(Block::Para(vec![
            Inline::Text(r.before.clone()),
            Inline::Emph(r.italic.clone()),
            Inline::Text(r.after.clone()),
        ]));
    }
    Ok(s)
}

/// The colophon (`#colophon`): study, Werkplaatsen, data, codebook, software, date.
pub fn colophon(f: &StudyFigures, w: &Words<'_>) -> R<Section> {
    let c = &f.counts;
    let mut s = Section::new("colophon", w.get("summary.colophon")?);
    let line = |k: &str, v: String| -> R<Vec<Inline>> {
        Ok(vec![
            Inline::Strong(format!("{}: ", w.get(k)?)),
            Inline::Text(v),
        ])
    };
    let mut items = vec![
        line("summary.study", f.study.title.get(w.lang).to_owned())?,
        line(
            "summary.workplaces",
            f.workplaces
                .iter()
                .map(|x| x.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )?,
        line(
            "summary.data",
            w.fill(
                "summary.data_text",
                &[
                    ("network_responses", c.network_responses.to_string()),
                    ("member_responses", c.member_responses.to_string()),
                    ("networks", c.networks.to_string()),
                ],
            )?,
        )?,
    ];
    if !f.qualitative.codebooks.is_empty() {
        let books: Vec<String> = f
            .qualitative
            .codebooks
            .iter()
            .map(|b| {
                w.fill(
                    "codebook_fields.report_book",
                    &[
                        ("name", b.name.clone()),
                        ("version", b.version.to_string()),
                        ("codes", b.codes.to_string()),
                    ],
                )
            })
            .collect::<R<_>>()?;
        items.push(line("summary.codebook", books.join("; "))?);
    }
    items.push(line(
        "summary.software",
        w.fill(
            "summary.software_text",
            &[("version", env!("CARGO_PKG_VERSION").to_owned())],
        )?,
    )?);
    items.push(line("summary.date", w.s("summary.date_text")?)?);
    s.push(Block::Bullets(items));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_parse_and_bad_ones_do_not() {
        let c = ReportContent::builtin().unwrap();
        assert!(c.findings.len() >= c.summary.min);
        assert!(ReportContent::parse("[summary]\nmin = 8\nmax = 7\nnotable = 0.2\n").is_err());
        assert!(ReportContent::parse("[summary]\nmin = 1\nmax = 2\nnotable = 0.2\n[[reference]]\nused = \"nope\"\nbefore = \"\"\nitalic = \"\"\nafter = \"\"\n").is_err());
        let earlier = |e: &str| {
            ReportContent::parse(&format!("[summary]\nmin = 1\nmax = 2\nnotable = 0.2\n[[finding]]\nkind = \"share\"\nquestion = \"q\"\nchoice = \"c\"\ntext_nl = \"x\"\ntext_en = \"x\"\nearlier = {e}\n"))
        };
        assert!(earlier("{ label = \"2021\", count = 9, n = 17 }").is_ok());
        let e = earlier("{ label = \"2021\", count = 18, n = 17 }").unwrap_err();
        assert!(e.contains("finding 1: earlier"), "{e}");
        assert!(earlier("{ label = \"\", count = 1, n = 17 }").is_err());
        assert!(earlier("{ label = \"2021\", count = 1, n = 0 }").is_err());
    }
}
