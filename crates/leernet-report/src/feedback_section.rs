//! The study report's sections on what the networks sent back (issue 26): how they
//! recognised their profiles (member checking), quoted without names; and the change of
//! networks that took up a handle beside those that did not, with due caution.
//!
//! Why it exists: the report is where the loop closes — a profile the networks do not
//! recognise is a finding of its own, and the next wave's change is read beside what the
//! networks did with their handreiking. The figures come from
//! [`leernet_analysis::feedback`] only.
//!
//! Invariants: deterministic (networks in the study's order, quotes in the analysis' order,
//! fixed decimals); every text from the catalogue in both languages; a quote never names a
//! person or network (the app replaced their names before the analysis saw them); the
//! caution is said whenever change and uptake are set side by side.

use crate::doc::{t, Block, Section, Table};
use crate::format::num;
use crate::words::Words;
use crate::ReportError;
use leernet_analysis::feedback::{member_check, response_wave, uptake_change, Feedback};
use leernet_analysis::StudyFigures;
use leernet_core::Lang;

fn signed(x: Option<f64>, lang: Lang) -> String {
    match x {
        None => "–".to_owned(),
        Some(x) => {
            let s = num(x, 1, lang.code());
            if x > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
                format!("+{s}")
            } else {
                s
            }
        }
    }
}

/// "How the networks recognised their profiles", id `member-check`; `None` while no network
/// responded in the wave the figures rest on.
pub fn member_check_section(
    f: &StudyFigures,
    fb: &Feedback,
    w: &Words<'_>,
) -> Result<Option<Section>, ReportError> {
    let order: Vec<(String, String)> = f
        .networks
        .iter()
        .map(|n| (n.slug.clone(), n.name.clone()))
        .collect();
    let wave = response_wave(f);
    let Some(m) = member_check(fb, &wave, &order) else {
        return Ok(None);
    };
    let verdict = |i: usize| {
        w.s(&format!(
            "member_check.verdict_{}",
            ["yes", "partly", "no"][i]
        ))
    };
    let mut s = Section::new("member-check", w.get("member_check.report_title")?);
    s.para(w.s("member_check.report_intro")?);
    s.para(w.fill(
        "member_check.report_count",
        &[
            ("yes", m.by_verdict[0].to_string()),
            ("partly", m.by_verdict[1].to_string()),
            ("no", m.by_verdict[2].to_string()),
            ("networks", m.networks.len().to_string()),
            ("responses", m.responses.to_string()),
            ("wave", m.wave.clone()),
        ],
    )?);
    let header = vec![
        w.s("member_check.col_network")?,
        verdict(0)?,
        verdict(1)?,
        verdict(2)?,
        w.s("member_check.col_verdict")?,
    ];
    let rows = m
        .networks
        .iter()
        .map(|n| {
            Ok(vec![
                n.name.clone(),
                n.counts[0].to_string(),
                n.counts[1].to_string(),
                n.counts[2].to_string(),
                verdict(n.verdict as usize)?,
            ])
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    s.table(
        Table::plain(w.s("member_check.report_caption")?, header, rows)
            .numeric(vec![false, true, true, true, false]),
    );
    s.note(w.s("member_check.report_rule")?);
    if !m.quotes.is_empty() {
        let items = m
            .quotes
            .iter()
            .map(|(v, q)| Ok((q.clone(), verdict(*v as usize)?)))
            .collect::<Result<Vec<_>, ReportError>>()?;
        s.push(Block::Quotes {
            label: w.s("member_check.report_quotes")?,
            items,
        });
        s.note(w.s("member_check.report_quotes_note")?);
    }
    Ok(Some(s))
}

/// "Handles taken up and change", id `uptake-change`; `None` without two waves or without a
/// network that took up a handle of an element with a change figure.
pub fn uptake_change_section(
    f: &StudyFigures,
    fb: &Feedback,
    w: &Words<'_>,
) -> Result<Option<Section>, ReportError> {
    let Some(c) = &f.change else {
        return Ok(None);
    };
    let rows = uptake_change(c, &f.handles.catalogue, &fb.uptake);
    if rows.is_empty() {
        return Ok(None);
    }
    let lang = w.lang;
    let waves = [("earlier", c.earlier.clone()), ("later", c.later.clone())];
    let mut s = Section::new("uptake-change", w.get("member_check.uptake_title")?);
    s.para(w.fill("member_check.uptake_intro", &waves)?);
    s.push(Block::Warning(t(w.s("member_check.uptake_caution")?)));
    let header = [
        "member_check.uptake_col_element",
        "member_check.uptake_col_n_took",
        "member_check.uptake_col_took",
        "member_check.uptake_col_n_not",
        "member_check.uptake_col_not",
    ]
    .iter()
    .map(|k| w.s(k))
    .collect::<Result<Vec<_>, _>>()?;
    let table_rows = rows
        .iter()
        .map(|r| {
            vec![
                r.label.get(lang).to_owned(),
                r.n_took_up.to_string(),
                signed(r.mean_took_up, lang),
                r.n_not.to_string(),
                signed(r.mean_not, lang),
            ]
        })
        .collect();
    s.table(
        Table::plain(
            w.fill("member_check.uptake_caption", &waves)?,
            header,
            table_rows,
        )
        .numeric(vec![false, true, true, true, true]),
    );
    s.note(w.s("member_check.uptake_note")?);
    Ok(Some(s))
}
