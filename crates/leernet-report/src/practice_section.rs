//! The study report's section on the networks' own practice: the indicators of their
//! workspace logs (sessions per month, attendance, agenda items from members, slow questions
//! brought in and followed up, methods used, stories by value-creation cycle) per network
//! and for all together, beside the survey's figures.
//!
//! Why it exists: the issue asks that the next survey wave start from what networks actually
//! did; the report is where researchers and networks read it. The figures come from
//! [`leernet_analysis::practice_indicators`] only. It is a separate section put into the
//! finished HTML, Markdown and DOCX report (before the appendix), so the survey report's
//! templates stay as they are.
//!
//! Invariants: deterministic (networks in the order given, fixed decimals); every text in
//! both languages; method names from the method library.

use crate::docx::Block;
use crate::format::{num, pct};
use crate::{ReportError, Reports};
use leernet_analysis::methods::MethodLibrary;
use leernet_analysis::practice_indicators::{NetworkIndicators, PracticeIndicators};
use leernet_analysis::StudyFigures;
use leernet_core::Lang;
use std::collections::BTreeMap;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn share(x: Option<f64>, lang: Lang) -> String {
    x.map_or_else(|| "–".to_owned(), |v| pct(v, lang.code()))
}

fn rate(x: Option<f64>, lang: Lang) -> String {
    x.map_or_else(|| "–".to_owned(), |v| num(v, 1, lang.code()))
}

fn methods(n: &NetworkIndicators, lib: &MethodLibrary, lang: Lang) -> String {
    n.methods
        .iter()
        .map(|(k, c)| {
            let name = lib.method(k).map_or(k.as_str(), |m| m.name.get(lang));
            format!("{name} ({c})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

struct Columns {
    head: Vec<String>,
}

fn columns(t: &BTreeMap<String, String>) -> Columns {
    Columns {
        head: [
            "workspace.report_network",
            "workspace.ind_held",
            "workspace.ind_per_month",
            "workspace.ind_attendance",
            "workspace.ind_member_share",
            "workspace.ind_questions",
            "workspace.ind_followed_up",
            "workspace.ind_methods",
        ]
        .iter()
        .map(|k| t[*k].clone())
        .collect(),
    }
}

fn row(n: &NetworkIndicators, name: &str, lib: &MethodLibrary, lang: Lang) -> Vec<String> {
    vec![
        name.to_owned(),
        n.sessions_held.to_string(),
        rate(n.sessions_per_month, lang),
        share(n.attendance_rate, lang),
        share(n.member_share, lang),
        n.questions.to_string(),
        n.followed_up.to_string(),
        methods(n, lib, lang),
    ]
}

/// The section as HTML (a `<section id="practice">`).
pub fn html(ind: &PracticeIndicators, t: &BTreeMap<String, String>, lang: Lang) -> String {
    let lib = MethodLibrary::builtin();
    let mut o = String::new();
    o.push_str("<section id=\"practice\">\n");
    o.push_str(&format!("<h2>{}</h2>\n", esc(&t["workspace.report_title"])));
    o.push_str(&format!("<p>{}</p>\n", esc(&t["workspace.report_intro"])));
    if ind.is_empty() {
        o.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            esc(&t["workspace.report_none"])
        ));
        return o;
    }
    let cols = columns(t);
    o.push_str("<div class=\"table-wrap\" tabindex=\"0\"><table class=\"matrix\">\n");
    o.push_str(&format!(
        "<caption>{}</caption>\n<thead><tr>",
        esc(&t["workspace.report_caption"])
    ));
    for (i, h) in cols.head.iter().enumerate() {
        let class = if (1..=6).contains(&i) {
            " class=\"num\""
        } else {
            ""
        };
        o.push_str(&format!("<th scope=\"col\"{class}>{}</th>", esc(h)));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    let mut rows: Vec<(Vec<String>, bool)> = ind
        .networks
        .iter()
        .map(|n| (row(n, &n.name, &lib, lang), false))
        .collect();
    rows.push((
        row(&ind.total, &t["workspace.report_total"], &lib, lang),
        true,
    ));
    for (cells, total) in rows {
        o.push_str("<tr>");
        for (i, c) in cells.iter().enumerate() {
            let class = if (1..=6).contains(&i) {
                " class=\"num\""
            } else {
                ""
            };
            if i == 0 {
                let (a, b) = if total {
                    ("<strong>", "</strong>")
                } else {
                    ("", "")
                };
                o.push_str(&format!("<th scope=\"row\">{a}{}{b}</th>", esc(c)));
            } else {
                o.push_str(&format!("<td{class}>{}</td>", esc(c)));
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table></div>\n");
    o.push_str(&format!(
        "<p class=\"note\">{}</p>\n",
        esc(&t["workspace.ind_note"])
    ));
    o.push_str(&format!(
        "<p>{}: {}</p>\n",
        esc(&t["workspace.report_cycles"]),
        esc(&cycles(&ind.total, t))
    ));
    o.push_str("</section>\n");
    o
}

fn cycles(n: &NetworkIndicators, t: &BTreeMap<String, String>) -> String {
    let list: Vec<String> = n
        .cycles
        .iter()
        .map(|(k, c)| format!("{} {c}", t[&format!("workspace.cycle_{k}")]))
        .collect();
    format!(
        "{} {} — {}",
        n.stories,
        t["workspace.report_stories"],
        list.join(", ")
    )
}

/// The section as Markdown.
pub fn markdown(ind: &PracticeIndicators, t: &BTreeMap<String, String>, lang: Lang) -> String {
    let lib = MethodLibrary::builtin();
    let mut o = format!(
        "## {}\n\n{}\n\n",
        t["workspace.report_title"], t["workspace.report_intro"]
    );
    if ind.is_empty() {
        o.push_str(&format!("{}\n\n", t["workspace.report_none"]));
        return o;
    }
    let cols = columns(t);
    o.push_str(&format!("| {} |\n", cols.head.join(" | ")));
    o.push_str(&format!(
        "|{}\n",
        cols.head
            .iter()
            .enumerate()
            .map(|(i, _)| if (1..=6).contains(&i) {
                "---:|"
            } else {
                "---|"
            })
            .collect::<String>()
    ));
    // Names and methods come from data: escaped so that they make no HTML and no cell.
    let cells =
        |r: Vec<String>| -> Vec<String> { r.iter().map(|c| crate::markdown::text(c)).collect() };
    for n in &ind.networks {
        o.push_str(&format!(
            "| {} |\n",
            cells(row(n, &n.name, &lib, lang)).join(" | ")
        ));
    }
    let mut total = cells(row(&ind.total, &t["workspace.report_total"], &lib, lang));
    total[0] = format!("**{}**", total[0]);
    o.push_str(&format!("| {} |\n\n", total.join(" | ")));
    o.push_str(&format!("{}\n\n", t["workspace.ind_note"]));
    o.push_str(&format!(
        "{}: {}\n\n",
        t["workspace.report_cycles"],
        cycles(&ind.total, t)
    ));
    o
}

/// The section as DOCX blocks.
pub fn blocks(ind: &PracticeIndicators, t: &BTreeMap<String, String>, lang: Lang) -> Vec<Block> {
    let lib = MethodLibrary::builtin();
    let mut b = vec![
        Block::Heading(1, t["workspace.report_title"].clone()),
        Block::Para(t["workspace.report_intro"].clone()),
    ];
    if ind.is_empty() {
        b.push(Block::Para(t["workspace.report_none"].clone()));
        return b;
    }
    let head = columns(t).head;
    let mut rows: Vec<Vec<String>> = ind
        .networks
        .iter()
        .map(|n| row(n, &n.name, &lib, lang))
        .collect();
    rows.push(row(&ind.total, &t["workspace.report_total"], &lib, lang));
    b.push(Block::Table {
        caption: t["workspace.report_caption"].clone(),
        numeric: (0..head.len()).map(|i| (1..=6).contains(&i)).collect(),
        header: head,
        rows,
    });
    b.push(Block::Note(t["workspace.ind_note"].clone()));
    b.push(Block::Para(format!(
        "{}: {}",
        t["workspace.report_cycles"],
        cycles(&ind.total, t)
    )));
    b
}

fn insert_before(doc: String, markers: &[&str], section: &str) -> String {
    for m in markers {
        if let Some(at) = doc.find(m) {
            let mut out = doc;
            out.insert_str(at, section);
            return out;
        }
    }
    let mut out = doc;
    out.push_str(section);
    out
}

impl Reports {
    /// The study report (HTML) with the networks' practice section before the appendix.
    pub fn html_with_practice(
        &self,
        figures: &StudyFigures,
        practice: &PracticeIndicators,
        lang: Lang,
    ) -> Result<String, ReportError> {
        let doc = self.html(figures, lang)?;
        let section = html(practice, self.catalog().table(lang), lang);
        Ok(insert_before(
            doc,
            &["<section id=\"appendix\">", "</main>"],
            &section,
        ))
    }

    /// The study report (DOCX) with the networks' practice section before the appendix.
    pub fn docx_with_practice(
        &self,
        figures: &StudyFigures,
        practice: &PracticeIndicators,
        lang: Lang,
    ) -> Result<Vec<u8>, ReportError> {
        let t = self.catalog().table(lang);
        let mut doc = self.report_blocks(figures, lang);
        let section = blocks(practice, t, lang);
        let at = doc
            .iter()
            .position(|b| matches!(b, Block::Heading(1, h) if *h == t["appendix.title"]))
            .unwrap_or(doc.len());
        doc.splice(at..at, section);
        crate::docx::document(
            &doc,
            &format!("{} — {}", t["report.title"], figures.study.title.get(lang)),
            lang,
        )
    }

    /// The study report (Markdown) with the networks' practice section before the appendix.
    pub fn markdown_with_practice(
        &self,
        figures: &StudyFigures,
        practice: &PracticeIndicators,
        lang: Lang,
    ) -> Result<String, ReportError> {
        let doc = self.markdown(figures, lang)?;
        let t = self.catalog().table(lang);
        let section = markdown(practice, t, lang);
        let appendix = format!("## {}", t["appendix.title"]);
        Ok(insert_before(doc, &[appendix.as_str()], &section))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leernet_analysis::practice_indicators::*;

    fn log() -> PracticeLog {
        PracticeLog {
            networks: vec![NetworkLog {
                slug: "a".into(),
                name: "Netwerk <A>".into(),
                people: 4,
                sessions: vec![SessionFact {
                    date: "2026-01-10".into(),
                    method: "intervision".into(),
                    held: true,
                    present: 3,
                    agenda_items: 2,
                    member_items: 1,
                }],
                questions: vec![QuestionFact {
                    month: "2026-01".into(),
                    followed_up: true,
                }],
                stories: vec![vec!["applied".into()]],
                rounds_closed: 1,
            }],
        }
    }

    #[test]
    fn the_section_shows_the_indicators_in_both_languages() {
        let r = Reports::new();
        let ind = indicators(&log());
        let nl = html(&ind, r.catalog().table(Lang::Nl), Lang::Nl);
        assert!(nl.contains("<h2>De praktijk van de netwerken</h2>"));
        assert!(nl.contains("<th scope=\"row\">Netwerk &lt;A&gt;</th><td class=\"num\">1</td><td class=\"num\">1,0</td><td class=\"num\">75%</td><td class=\"num\">50%</td>"), "{nl}");
        assert!(nl.contains("Intervisie (1)"));
        assert!(
            nl.contains("1 verhalen — Directe waarde 0, Potentiële waarde 0, Toegepaste waarde 1")
        );
        let en = markdown(&ind, r.catalog().table(Lang::En), Lang::En);
        assert!(
            // the name from data is escaped: no HTML from a Markdown report
            en.contains("| Netwerk \\<A\\> | 1 | 1.0 | 75% | 50% | 1 | 1 | Intervision (1) |"),
            "{en}"
        );
        let docx = blocks(&ind, r.catalog().table(Lang::En), Lang::En);
        assert!(
            matches!(&docx[2], Block::Table { rows, .. } if rows.len() == 2 && rows[0][3] == "75%")
        );
        let empty = html(
            &indicators(&PracticeLog::default()),
            r.catalog().table(Lang::En),
            Lang::En,
        );
        assert!(empty.contains("No network has used the workspace yet."));
        // Same input, same bytes.
        assert_eq!(nl, html(&ind, r.catalog().table(Lang::Nl), Lang::Nl));
    }

    #[test]
    fn the_section_goes_before_the_appendix() {
        let doc =
            "<main><section id=\"handles\"></section><section id=\"appendix\"></section></main>"
                .to_owned();
        let out = insert_before(
            doc,
            &["<section id=\"appendix\">", "</main>"],
            "<section id=\"practice\"></section>",
        );
        assert_eq!(out, "<main><section id=\"handles\"></section><section id=\"practice\"></section><section id=\"appendix\"></section></main>");
        let out = insert_before(
            "<main></main>".into(),
            &["<section id=\"appendix\">", "</main>"],
            "X",
        );
        assert_eq!(out, "<main>X</main>");
    }
}
