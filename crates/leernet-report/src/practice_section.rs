//! The study report's section on the networks' own practice: the indicators of their
//! workspace logs (sessions per month, attendance, agenda items from members, slow questions
//! brought in and followed up, methods used, stories by value-creation cycle) per network
//! and for all together, beside the survey's figures.
//!
//! Why it exists: the issue asks that the next survey wave start from what networks actually
//! did; the report is where researchers and networks read it. The figures come from
//! [`leernet_analysis::practice_indicators`] only. It is a section of the report's document
//! model, placed before the appendix when the report is built.
//!
//! Invariants: deterministic (networks in the order given, fixed decimals); every text in
//! both languages; method names from the method library.

use crate::doc::{plain, t, Inline, Section, Table, Text};
use crate::format::{num, pct};
use crate::words::Words;
use crate::ReportError;
use leernet_analysis::methods::MethodLibrary;
use leernet_analysis::practice_indicators::{NetworkIndicators, PracticeIndicators};
use leernet_core::Lang;

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

const COLUMNS: [&str; 8] = [
    "workspace.report_network",
    "workspace.ind_held",
    "workspace.ind_per_month",
    "workspace.ind_attendance",
    "workspace.ind_member_share",
    "workspace.ind_questions",
    "workspace.ind_followed_up",
    "workspace.ind_methods",
];

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

fn cycles(n: &NetworkIndicators, w: &Words<'_>) -> Result<String, ReportError> {
    let list = n
        .cycles
        .iter()
        .map(|(k, c)| Ok(format!("{} {c}", w.get(&format!("workspace.cycle_{k}"))?)))
        .collect::<Result<Vec<String>, ReportError>>()?;
    Ok(format!(
        "{} {} — {}",
        n.stories,
        w.get("workspace.report_stories")?,
        list.join(", ")
    ))
}

/// The section of the study report, with the id `practice`.
pub fn section(ind: &PracticeIndicators, w: &Words<'_>) -> Result<Section, ReportError> {
    let lang = w.lang;
    let lib = MethodLibrary::builtin();
    let mut s = Section::new("practice", w.get("workspace.report_title")?);
    s.para(w.s("workspace.report_intro")?);
    if ind.is_empty() {
        s.para(w.s("workspace.report_none")?);
        return Ok(s);
    }
    let header = COLUMNS
        .iter()
        .map(|k| w.s(k))
        .collect::<Result<Vec<_>, _>>()?;
    let mut rows: Vec<Vec<Text>> = ind
        .networks
        .iter()
        .map(|n| row(n, &n.name, &lib, lang).into_iter().map(t).collect())
        .collect();
    let mut total: Vec<Text> = row(&ind.total, w.get("workspace.report_total")?, &lib, lang)
        .into_iter()
        .map(t)
        .collect();
    if let Some(first) = total.first_mut() {
        *first = vec![Inline::Strong(plain(first))];
    }
    rows.push(total);
    s.table(Table {
        caption: w.s("workspace.report_caption")?,
        numeric: (0..header.len()).map(|i| (1..=6).contains(&i)).collect(),
        header,
        rows,
        row_headers: true,
        wide: true,
    });
    s.note(w.s("workspace.ind_note")?);
    // Over time (issue 19): all networks per quarter and per wave period.
    for (rows, caption) in [
        (&ind.total.quarters, "practice_time.quarters_caption"),
        (&ind.total.wave_periods, "practice_time.waves_caption"),
    ] {
        if rows.is_empty() {
            continue;
        }
        let header = [
            "practice_time.period",
            "practice_time.sessions",
            "practice_time.attendance",
            "practice_time.questions",
            "practice_time.followed_up",
            "practice_time.votes",
        ]
        .iter()
        .map(|k| w.s(k))
        .collect::<Result<Vec<_>, _>>()?;
        s.table(
            Table::plain(
                w.s(caption)?,
                header,
                rows.iter()
                    .map(|p| {
                        vec![
                            p.period.clone(),
                            p.sessions.to_string(),
                            share(p.attendance_rate, lang),
                            p.questions.to_string(),
                            p.followed_up.to_string(),
                            p.votes.to_string(),
                        ]
                    })
                    .collect(),
            )
            .numeric(vec![false, true, true, true, true, true]),
        );
    }
    if !ind.total.quarters.is_empty() {
        s.note(w.s("practice_time.note")?);
    }
    s.para(format!(
        "{}: {}",
        w.get("workspace.report_cycles")?,
        cycles(&ind.total, w)?
    ));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render_html::fragment;
    use leernet_analysis::practice_indicators::*;

    fn log() -> PracticeLog {
        PracticeLog {
            wave_starts: Vec::new(),
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
                    people: None,
                }],
                questions: vec![QuestionFact {
                    month: "2026-01".into(),
                    followed_up: true,
                }],
                stories: vec![vec!["applied".into()]],
                rounds_closed: 1,
                votes: vec![("2026-01-20".into(), 6)],
            }],
        }
    }

    fn html(ind: &PracticeIndicators, lang: Lang) -> String {
        let c = crate::catalog();
        let s = section(ind, &Words::new(c.table(lang), lang)).unwrap();
        fragment(&[crate::doc::Block::Section(s)], 2)
    }

    #[test]
    fn the_section_shows_the_indicators_in_both_languages() {
        let ind = indicators(&log());
        let nl = html(&ind, Lang::Nl);
        assert!(nl.contains("<h2>De praktijk van de netwerken</h2>"), "{nl}");
        assert!(nl.contains("<th scope=\"row\">Netwerk &lt;A&gt;</th><td class=\"num\">1</td><td class=\"num\">1,0</td><td class=\"num\">75%</td><td class=\"num\">50%</td>"), "{nl}");
        assert!(nl.contains("Intervisie (1)"));
        assert!(
            nl.contains("1 verhalen — Directe waarde 0, Potentiële waarde 0, Toegepaste waarde 1")
        );
        let c = crate::catalog();
        let s = section(&ind, &Words::new(c.table(Lang::En), Lang::En)).unwrap();
        let en = crate::render_md::fragment(&[crate::doc::Block::Section(s)], 2);
        assert!(
            // the name from data is escaped: no HTML from a Markdown report
            en.contains("| Netwerk \\<A\\> | 1 | 1.0 | 75% | 50% | 1 | 1 | Intervision (1) |"),
            "{en}"
        );
        // Over time: one quarter with its session, question and votes; no wave periods
        // without wave starts.
        assert!(en.contains("| 2026-Q1 | 1 | 75% | 1 | 1 | 6 |"), "{en}");
        assert!(!en.contains("per wave period"));
        let mut with_waves = log();
        with_waves.wave_starts = vec![("2026-01-01".into(), "2026".into())];
        let md = crate::render_md::fragment(
            &[crate::doc::Block::Section(
                section(
                    &indicators(&with_waves),
                    &Words::new(c.table(Lang::Nl), Lang::Nl),
                )
                .unwrap(),
            )],
            2,
        );
        assert!(md.contains("per meetperiode"), "{md}");
        assert!(md.contains("| 2026 | 1 | 75% | 1 | 1 | 6 |"), "{md}");
        let empty = html(&indicators(&PracticeLog::default()), Lang::En);
        assert!(empty.contains("No network has used the network space yet."));
        // Same input, same bytes.
        assert_eq!(nl, html(&ind, Lang::Nl));
    }
}
