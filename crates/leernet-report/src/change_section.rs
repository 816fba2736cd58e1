//! Change between waves, shown (issue 19, item 3): the study report's section "Change since
//! the previous wave", the handreiking's table "Sinds de vorige meting", and the profile's
//! small-multiple trend chart.
//!
//! Why it exists: a second wave is fielded to see what changed. The report says it as a
//! researcher would write it — what changed (the differences a test finds clear, with the
//! values, the interval and the test), for whom (the networks that made the difference),
//! and how sure we are (the design in words and the small-n caveat) — with a table of every
//! element, scale and theme beneath. A network reads its own values in both waves.
//!
//! The figures come from [`leernet_analysis::change`] only; nothing is shown without them
//! (a study with one wave gets no section, no table and no chart).
//!
//! Invariants: deterministic (rows in the analysis' order, fixed decimals, networks by
//! name order where ranked ties break by name); every text from the catalogue in both
//! languages; labels only, never keys.

use crate::chart::esc;
use crate::doc::{t, Block, Figure, Section, Table};
use crate::format::{num, pct};
use crate::words::Words;
use crate::ReportError;
use leernet_analysis::change::{ChangeFigures, ChangeRow, Design, NetworkChangeRow};
use leernet_core::Lang;

/// Significance level the section calls a difference clear at.
const CLEAR: f64 = 0.05;

fn signed(x: f64, decimals: usize, lang: Lang) -> String {
    let s = num(x, decimals, lang.code());
    if x > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}")
    } else {
        s
    }
}

fn value(x: Option<f64>, unit: &str, lang: Lang) -> String {
    match x {
        None => "–".to_owned(),
        Some(v) if unit == "share" => pct(v, lang.code()),
        Some(v) => num(v, 1, lang.code()),
    }
}

fn diff(x: Option<f64>, unit: &str, lang: Lang) -> String {
    match x {
        None => "–".to_owned(),
        Some(v) if unit == "share" => signed(v * 100.0, 0, lang),
        Some(v) => signed(v, 1, lang),
    }
}

fn p_text(p: Option<f64>, lang: Lang) -> String {
    match p {
        None => "–".to_owned(),
        Some(p) if p < 0.001 => format!("p < {}", num(0.001, 3, lang.code())),
        Some(p) => format!("p = {}", num(p, 3, lang.code())),
    }
}

fn bound(x: Option<f64>, unit: &str, lang: Lang) -> String {
    match x {
        None => "–".to_owned(),
        Some(v) if unit == "share" => num(v * 100.0, 0, lang.code()),
        Some(v) => num(v, 1, lang.code()),
    }
}

fn label(r: &ChangeRow, lang: Lang) -> String {
    r.label.get(lang).to_owned()
}

/// The rows the report shows: elements, scales and themes (indicators are in the JSON).
fn shown(c: &ChangeFigures) -> impl Iterator<Item = &ChangeRow> {
    c.rows.iter().filter(|r| r.kind != "indicator")
}

fn sentence(r: &ChangeRow, w: &Words<'_>) -> Result<String, ReportError> {
    let lang = w.lang;
    let d = r.difference.unwrap_or(0.0);
    let key = match (r.unit, r.design) {
        ("share", _) => "change.share_sentence",
        (_, Design::Aggregates) => "change.member_sentence",
        _ => "change.score_sentence",
    };
    w.fill(
        key,
        &[
            ("label", label(r, lang)),
            (
                "direction",
                w.s(if d >= 0.0 { "change.up" } else { "change.down" })?,
            ),
            ("earlier", value(r.earlier, r.unit, lang)),
            ("later", value(r.later, r.unit, lang)),
            ("difference", diff(r.difference, r.unit, lang)),
            ("low", bound(r.ci_low, r.unit, lang)),
            ("high", bound(r.ci_high, r.unit, lang)),
            ("test", w.s(&format!("change.test_{}", r.test))?),
            ("p", p_text(r.p_value, lang)),
            ("n", r.n_pairs.to_string()),
        ],
    )
}

/// The networks behind a clear row: for a theme those that took it up (or dropped it), for
/// a score the three largest differences in its direction.
fn who(c: &ChangeFigures, r: &ChangeRow, w: &Words<'_>) -> Result<Option<String>, ReportError> {
    let lang = w.lang;
    let up = r.difference.unwrap_or(0.0) >= 0.0;
    let mut moved: Vec<(f64, &str)> = c
        .networks
        .iter()
        .filter_map(|n| {
            let row = n
                .rows
                .iter()
                .find(|x| x.kind == r.kind && x.key == r.key && x.framework == r.framework)?;
            let d = row.difference?;
            ((up && d > 0.0) || (!up && d < 0.0)).then_some((d, n.name.as_str()))
        })
        .collect();
    if moved.is_empty() {
        return Ok(None);
    }
    if r.unit == "share" {
        moved.sort_by(|a, b| a.1.cmp(b.1));
        let names: Vec<&str> = moved.iter().map(|m| m.1).collect();
        return Ok(Some(w.fill(
            if up {
                "change.who_theme_up"
            } else {
                "change.who_theme_down"
            },
            &[("label", label(r, lang)), ("networks", names.join(", "))],
        )?));
    }
    moved.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(b.1)));
    let names: Vec<String> = moved
        .iter()
        .take(3)
        .map(|(d, n)| format!("{n} ({})", signed(*d, 1, lang)))
        .collect();
    Ok(Some(w.fill(
        "change.who_score",
        &[("label", label(r, lang)), ("networks", names.join(", "))],
    )?))
}

fn kind_word(kind: &str, w: &Words<'_>) -> Result<String, ReportError> {
    w.s(&format!("change.kind_{kind}"))
}

/// The table of every element, scale and theme in both waves.
fn table(c: &ChangeFigures, w: &Words<'_>) -> Result<Table, ReportError> {
    let lang = w.lang;
    let waves = [("earlier", c.earlier.clone()), ("later", c.later.clone())];
    let header = vec![
        w.s("change.col_topic")?,
        w.fill("change.col_earlier", &waves)?,
        w.fill("change.col_later", &waves)?,
        w.s("change.col_difference")?,
        w.s("change.col_interval")?,
        w.s("change.col_p")?,
        w.s("change.col_n")?,
        w.s("change.col_design")?,
    ];
    let rows = shown(c)
        .map(|r| {
            Ok(vec![
                format!("{}: {}", kind_word(r.kind, w)?, label(r, lang)),
                value(r.earlier, r.unit, lang),
                value(r.later, r.unit, lang),
                diff(r.difference, r.unit, lang),
                match (r.ci_low, r.ci_high) {
                    (Some(_), Some(_)) => format!(
                        "{} – {}",
                        bound(r.ci_low, r.unit, lang),
                        bound(r.ci_high, r.unit, lang)
                    ),
                    _ => "–".to_owned(),
                },
                r.p_value
                    .map_or_else(|| "–".to_owned(), |p| num(p, 3, lang.code())),
                match r.design {
                    Design::Paired => r.n_pairs.to_string(),
                    Design::Aggregates => format!("{} / {}", r.n_earlier, r.n_later),
                },
                w.s(match r.design {
                    Design::Paired => "change.paired",
                    Design::Aggregates => "change.aggregates",
                })?,
            ])
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    Ok(Table::plain(w.s("change.table_caption")?, header, rows)
        .numeric(vec![false, true, true, true, true, true, true, false]))
}

/// The study report's section (id `change`): what changed, for whom, how sure.
pub fn section(c: &ChangeFigures, w: &Words<'_>) -> Result<Section, ReportError> {
    let lang = w.lang;
    let mut s = Section::new("change", w.get("change.report_title")?);
    s.para(w.fill(
        "change.intro",
        &[("earlier", c.earlier.clone()), ("later", c.later.clone())],
    )?);
    let clear: Vec<&ChangeRow> = shown(c)
        .filter(|r| r.p_value.is_some_and(|p| p < CLEAR) && r.difference != Some(0.0))
        .collect();
    let mut what = Section::new("change-what", w.get("change.what")?);
    if clear.is_empty() {
        what.para(w.s("change.none_clear")?);
    } else {
        what.push(Block::Bullets(
            clear
                .iter()
                .map(|r| sentence(r, w).map(t))
                .collect::<Result<Vec<_>, _>>()?,
        ));
    }
    s.sub(what);
    let whom: Vec<String> = clear
        .iter()
        .map(|r| who(c, r, w))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    if !whom.is_empty() {
        let mut who_s = Section::new("change-who", w.get("change.who")?);
        who_s.push(Block::Bullets(whom.into_iter().map(t).collect()));
        s.sub(who_s);
    }
    let mut sure = Section::new("change-sure", w.get("change.sure")?);
    sure.para(c.design_text.get(lang).to_owned());
    sure.para(c.caveat.get(lang).to_owned());
    sure.table(table(c, w)?);
    sure.note(w.s("change.methods_note")?);
    s.sub(sure);
    Ok(s)
}

fn network_value(r: &NetworkChangeRow, lang: Lang, w: &Words<'_>, x: Option<f64>) -> String {
    match (r.kind, x) {
        ("theme", Some(v)) => w
            .s(if v >= 0.5 {
                "change.theme_yes"
            } else {
                "change.theme_no"
            })
            .unwrap_or_default(),
        (_, x) => value(x, "score", lang),
    }
}

/// One network's change as the handreiking and the profile page show it: every text
/// filled in, the chart and its table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NetworkView {
    pub title: String,
    pub intro: String,
    /// The small-multiple chart (SVG), when the network has element scores.
    pub chart: Option<String>,
    pub chart_alt: String,
    pub chart_title: String,
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One network's change (see [`NetworkView`]); `None` when the network has no rows.
pub fn network_view(
    c: &ChangeFigures,
    slug: &str,
    w: &Words<'_>,
) -> Result<Option<NetworkView>, ReportError> {
    let lang = w.lang;
    let Some(n) = c.network(slug) else {
        return Ok(None);
    };
    let waves = [("earlier", c.earlier.clone()), ("later", c.later.clone())];
    let rows: Vec<Vec<String>> = n
        .rows
        .iter()
        .filter(|r| r.kind != "indicator")
        // A theme the network chose in neither wave says nothing about it.
        .filter(|r| r.kind != "theme" || r.earlier == Some(1.0) || r.later == Some(1.0))
        .map(|r| {
            Ok(vec![
                format!("{}: {}", kind_word(r.kind, w)?, r.label.get(lang)),
                network_value(r, lang, w, r.earlier),
                network_value(r, lang, w, r.later),
                if r.kind == "theme" {
                    "–".to_owned()
                } else {
                    diff(r.difference, "score", lang)
                },
            ])
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(NetworkView {
        title: w.s("change.title")?,
        intro: w.fill("change.network_intro", &waves)?,
        chart: trend_chart(c, slug, lang),
        chart_alt: w.fill("change.chart_alt", &waves)?,
        chart_title: w.s("change.chart_title")?,
        caption: w.fill("change.network_caption", &waves)?,
        header: vec![
            w.s("change.col_topic")?,
            w.fill("change.col_earlier", &waves)?,
            w.fill("change.col_later", &waves)?,
            w.s("change.col_difference")?,
        ],
        rows,
    }))
}

/// The handreiking's section "Sinds de vorige meting" (id `change`): the network's
/// elements, scales and themes in both waves; `None` when the network has no rows.
pub fn network_section(
    c: &ChangeFigures,
    slug: &str,
    w: &Words<'_>,
) -> Result<Option<Section>, ReportError> {
    let Some(v) = network_view(c, slug, w)? else {
        return Ok(None);
    };
    let mut s = Section::new("change", v.title);
    s.para(v.intro);
    if let Some(svg) = v.chart {
        s.push(Block::Figure(Figure {
            svg,
            alt: v.chart_alt,
            caption: t(v.chart_title),
            data: None,
        }));
    }
    s.table(Table::plain(v.caption, v.header, v.rows).numeric(vec![false, true, true, true]));
    Ok(Some(s))
}

/// A small-multiple trend chart of one network: one panel per element (0–100), the score in
/// the earlier and the later wave joined by a line. Deterministic SVG with a title; the
/// same numbers are in the table beside it. `None` without element scores.
pub fn trend_chart(c: &ChangeFigures, slug: &str, lang: Lang) -> Option<String> {
    let n = c.network(slug)?;
    let rows: Vec<&NetworkChangeRow> = n
        .rows
        .iter()
        .filter(|r| r.kind == "element" && (r.earlier.is_some() || r.later.is_some()))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let (pw, ph, cols) = (150.0, 110.0, 4usize);
    let lines = rows.len().div_ceil(cols);
    let (width, height) = (pw * cols as f64, ph * lines as f64);
    let title = match lang {
        Lang::Nl => format!(
            "{}: elementen in de metingen {} en {}",
            n.name, c.earlier, c.later
        ),
        Lang::En => format!(
            "{}: elements in the waves {} and {}",
            n.name, c.earlier, c.later
        ),
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart trend\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(&title),
        esc(&title)
    );
    for (i, r) in rows.iter().enumerate() {
        let (x0, y0) = ((i % cols) as f64 * pw, (i / cols) as f64 * ph);
        let mut name = r.label.get(lang).to_owned();
        if name.chars().count() > 22 {
            name = name.chars().take(21).collect::<String>() + "…";
        }
        // Plot area: 20..130 across, 30..90 down (100 at the top).
        let y = |v: f64| y0 + 90.0 - v.clamp(0.0, 100.0) * 0.6;
        let (xa, xb) = (x0 + 35.0, x0 + 115.0);
        s.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.0}\" class=\"chart-label\">{}</text>",
            x0 + 8.0,
            y0 + 16.0,
            esc(&name)
        ));
        s.push_str(&format!(
            "<line x1=\"{xa:.0}\" y1=\"{:.1}\" x2=\"{xb:.0}\" y2=\"{:.1}\" class=\"chart-axis\"/>",
            y(0.0),
            y(0.0)
        ));
        if let (Some(a), Some(b)) = (r.earlier, r.later) {
            s.push_str(&format!(
                "<line x1=\"{xa:.0}\" y1=\"{:.1}\" x2=\"{xb:.0}\" y2=\"{:.1}\" class=\"chart-line\"/>",
                y(a),
                y(b)
            ));
        }
        for (x, v, wave) in [(xa, r.earlier, &c.earlier), (xb, r.later, &c.later)] {
            if let Some(v) = v {
                s.push_str(&format!(
                    "<circle cx=\"{x:.0}\" cy=\"{:.1}\" r=\"4\" class=\"chart-dot\"/><text x=\"{x:.0}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"chart-value\">{}</text>",
                    y(v),
                    y(v) - 7.0,
                    esc(&num(v, 0, lang.code()))
                ));
            }
            s.push_str(&format!(
                "<text x=\"{x:.0}\" y=\"{:.0}\" text-anchor=\"middle\" class=\"chart-label\">{}</text>",
                y0 + 104.0,
                esc(wave)
            ));
        }
    }
    s.push_str("</svg>");
    Some(s)
}
