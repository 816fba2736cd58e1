//! The co-occurrence heat map: which codes of one family occur in the same open answers.
//!
//! Why it exists: the themes section ranks what networks learn about; the heat map shows
//! which themes are named together. Written by hand like the other charts (`chart.rs`), so
//! the bytes stay stable and the SVG carries no script or style attribute.
//!
//! Accessible: `role="img"` with a `<title>` (what, n, source) and a `<desc>` (how to read
//! it, the strongest pair); the report puts the same numbers in a table beside it. Columns
//! carry numbers that refer to the numbered rows, so the chart stays narrow enough for a
//! phone.

use crate::chart::esc;
use leernet_analysis::cooccurrence::CoOccurrence;
use leernet_core::Lang;

/// The words around the chart, from the catalogue.
pub struct Words<'a> {
    /// "{family}: codes named together in one answer (n = {n} answers; source: {sources})".
    pub title: &'a str,
    /// The title when documents count too: "… (n = {n} …; source: {sources}; documents:
    /// {kinds})".
    pub title_documents: &'a str,
    /// How to read it.
    pub desc: &'a str,
    /// "Strongest pair: {a} and {b} ({count} answers)."
    pub strongest: &'a str,
}

fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    let mut s = template.to_owned();
    for (k, v) in pairs {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A colour from light (0) to the accent (1), as `#rrggbb`.
fn shade(x: f64) -> String {
    let x = x.clamp(0.0, 1.0);
    let lo = [0xf3u8, 0xf6, 0xf9];
    let hi = [0x1fu8, 0x5f, 0x8b];
    let c: Vec<String> = lo
        .iter()
        .zip(hi)
        .map(|(a, b)| {
            let v = f64::from(*a) + (f64::from(b) - f64::from(*a)) * x;
            format!("{:02x}", v.round() as u8)
        })
        .collect();
    format!("#{}", c.concat())
}

/// The title of the chart (also the caption of its table).
pub fn title(c: &CoOccurrence, lang: Lang, words: &Words<'_>) -> String {
    let kinds: Vec<&str> = c.document_kinds.iter().map(|k| k.get(lang)).collect();
    fill(
        if c.passages > 0 {
            words.title_documents
        } else {
            words.title
        },
        &[
            ("family", c.family_name.get(lang).to_owned()),
            ("n", c.n.to_string()),
            ("sources", c.sources.join(", ")),
            ("kinds", kinds.join(", ")),
        ],
    )
}

/// The strongest pair of different codes, if any pair occurs together.
fn strongest(c: &CoOccurrence) -> Option<(usize, usize, usize)> {
    let mut best: Option<(usize, usize, usize)> = None;
    for i in 0..c.codes.len() {
        for j in i + 1..c.codes.len() {
            let v = c.counts[i][j];
            if v > 0 && best.is_none_or(|b| v > b.2) {
                best = Some((i, j, v));
            }
        }
    }
    best
}

/// The heat map as inline SVG; `id` makes the title and description ids unique on the page.
pub fn svg(c: &CoOccurrence, lang: Lang, id: &str, words: &Words<'_>) -> String {
    let k = c.codes.len();
    let cell = 30.0;
    let label_w = 230.0;
    let top = 26.0;
    let width = label_w + cell * k as f64 + 6.0;
    let height = top + cell * k as f64 + 6.0;
    let max = (0..k)
        .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
        .map(|(i, j)| c.counts[i][j])
        .max()
        .unwrap_or(0)
        .max(1);
    let title = title(c, lang, words);
    let mut desc = words.desc.to_owned();
    if let Some((i, j, v)) = strongest(c) {
        desc.push(' ');
        desc.push_str(&fill(
            words.strongest,
            &[
                ("a", c.codes[i].name.get(lang).to_owned()),
                ("b", c.codes[j].name.get(lang).to_owned()),
                ("count", v.to_string()),
            ],
        ));
    }
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heatmap\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(&title),
        esc(&desc)
    );
    for j in 0..k {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\" class=\"chart-value\">{}</text>",
            label_w + cell * j as f64 + cell / 2.0,
            top - 8.0,
            j + 1
        ));
    }
    for i in 0..k {
        let y = top + cell * i as f64;
        let mut label = format!("{} {}", i + 1, c.codes[i].name.get(lang));
        if label.chars().count() > 34 {
            label = label.chars().take(33).collect::<String>() + "…";
        }
        s.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\" class=\"chart-label\">{}</text>",
            label_w - 6.0,
            y + cell / 2.0 + 4.0,
            esc(&label)
        ));
        for j in 0..k {
            let x = label_w + cell * j as f64;
            let v = c.counts[i][j];
            let (fill_colour, class) = if i == j {
                ("#ffffff".to_owned(), "heat-diag")
            } else {
                let share = v as f64 / max as f64;
                (
                    shade(share),
                    if share > 0.55 {
                        "heat-dark"
                    } else {
                        "heat-light"
                    },
                )
            };
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.0}\" height=\"{w:.0}\" fill=\"{fill_colour}\" class=\"heat-cell\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"{class}\">{v}</text>",
                x + cell / 2.0,
                y + cell / 2.0 + 4.0,
                w = cell - 2.0,
            ));
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use leernet_analysis::cooccurrence::CodeLabel;
    use leernet_core::Bilingual;

    fn words() -> Words<'static> {
        Words {
            title: "{family} together (n = {n}; {sources})",
            title_documents: "{family} together (n = {n}; {sources}; {kinds})",
            desc: "Darker is more often together.",
            strongest: "Strongest: {a} and {b} ({count}).",
        }
    }

    #[test]
    fn cells_titles_and_determinism() {
        let label = |k: &str| CodeLabel {
            key: k.into(),
            name: Bilingual {
                nl: format!("{k} <nl>"),
                en: format!("{k} en"),
            },
        };
        let c = CoOccurrence {
            section: "themes".into(),
            family: "theme".into(),
            family_name: Bilingual {
                nl: "Thema's".into(),
                en: "Themes".into(),
            },
            codes: vec![label("a"), label("b"), label("c")],
            counts: vec![vec![5, 3, 0], vec![3, 4, 1], vec![0, 1, 2]],
            n: 7,
            sources: vec!["net / q".into()],
            coders: 2,
            passages: 0,
            document_kinds: Vec::new(),
        };
        // With passages of documents the title names their kinds.
        let mut d = c.clone();
        d.passages = 2;
        d.document_kinds = vec![Bilingual {
            nl: "interview".into(),
            en: "interview".into(),
        }];
        assert_eq!(
            title(&d, Lang::En, &words()),
            "Themes together (n = 7; net / q; interview)"
        );
        assert_eq!(
            title(&c, Lang::En, &words()),
            "Themes together (n = 7; net / q)"
        );
        let s = svg(&c, Lang::Nl, "heat-themes", &words());
        assert!(s.contains(
            "<title id=\"heat-themes-title\">Thema&#39;s together (n = 7; net / q)</title>"
        ));
        assert!(
            s.contains("Strongest: a &lt;nl&gt; and b &lt;nl&gt; (3)."),
            "{s}"
        );
        assert!(s.contains("aria-labelledby=\"heat-themes-title heat-themes-desc\""));
        assert_eq!(s.matches("class=\"heat-cell\"").count(), 9);
        // The strongest pair gets the accent, an empty pair the lightest shade.
        assert!(s.contains("fill=\"#1f5f8b\""));
        assert!(s.contains("fill=\"#f3f6f9\""));
        assert!(!s.contains("style="));
        assert_eq!(s, svg(&c, Lang::Nl, "heat-themes", &words()));
    }
}
