//! Inline SVG charts, written by hand: a bar chart is a few rectangles, and writing them
//! ourselves keeps the output byte-stable and free of scripts (see ARCHITECTURE.md).

use leernet_analysis::FrequencyTable;
use leernet_core::outbound::xml_allowed;
use leernet_core::Lang;

/// Escapes text for XML (the SVG charts and every part of a DOCX). A character that XML 1.0
/// forbids (U+FFFE, U+FFFF, most C0 controls) becomes U+FFFD, by the one rule of
/// [`leernet_core::outbound`], so that one answer cannot make a document unreadable.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if !xml_allowed(c) => out.push('\u{fffd}'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart of a frequency table: one bar per choice, its share of n, with the
/// count and the percentage at the end of the bar. Accessible: `role="img"` with a title
/// naming the question and n; the table beside it carries the same numbers.
pub fn bar_chart(table: &FrequencyTable, lang: Lang) -> String {
    let label_w = 260.0;
    let bar_w = 300.0;
    let row_h = 22.0;
    let width = label_w + bar_w + 90.0;
    let height = row_h * table.rows.len() as f64 + 8.0;
    let title = format!("{} (n = {})", table.label.get(lang), table.n);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(&title),
        esc(&title)
    );
    for (i, r) in table.rows.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let w = (r.share * bar_w).max(0.0);
        let mut label = r.label.get(lang).to_owned();
        if label.chars().count() > 38 {
            label = label.chars().take(37).collect::<String>() + "…";
        }
        s.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\" class=\"chart-label\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(&label)
        ));
        s.push_str(&format!(
            "<rect x=\"{label_w:.0}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.0}\" class=\"chart-bar\"/>",
            y + 3.0,
            row_h - 6.0
        ));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-value\">{} ({:.0}%)</text>",
            label_w + w + 6.0,
            y + 15.0,
            r.count,
            r.share * 100.0
        ));
    }
    s.push_str("</svg>");
    s
}

/// One row of a profile chart: an element's name, the network's score (if any) and the
/// distribution over all networks.
pub struct ProfileRow<'a> {
    pub label: &'a str,
    pub score: Option<f64>,
    pub benchmark: &'a leernet_analysis::Benchmark,
}

/// A profile chart: per element a grey band from the first to the third quartile over all
/// networks, a line at the median, and — for one network — a dot at its own score (0–100).
/// Without scores it is the benchmark chart of the study report. Each element's name stands
/// above its row, so the chart stays readable when a phone shrinks it. `title` names the
/// chart for screen readers; the table beside it carries the same numbers.
pub fn profile_chart(rows: &[ProfileRow<'_>], title: &str) -> String {
    let left = 8.0;
    let plot_w = 330.0;
    let row_h = 40.0;
    let top = 20.0;
    let width = left + plot_w + 42.0;
    let height = top + row_h * rows.len() as f64 + 4.0;
    let x = |v: f64| left + v.clamp(0.0, 100.0) / 100.0 * plot_w;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart profile\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = esc(title)
    );
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{:.0}\" x2=\"{x:.1}\" y2=\"{height:.0}\" class=\"chart-grid\"/><text x=\"{x:.1}\" y=\"12\" text-anchor=\"middle\" class=\"chart-value\">{v:.0}</text>",
            top - 4.0,
            x = x(v)
        ));
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let mut label = r.label.to_owned();
        if label.chars().count() > 60 {
            label = label.chars().take(59).collect::<String>() + "…";
        }
        s.push_str(&format!(
            "<text x=\"{left:.0}\" y=\"{:.1}\" class=\"chart-label\">{}</text>",
            y + 13.0,
            esc(&label)
        ));
        let bar_y = y + 19.0;
        if let (Some(q1), Some(q3)) = (r.benchmark.q1, r.benchmark.q3) {
            s.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"14\" class=\"chart-band\"/>",
                x(q1),
                (x(q3) - x(q1)).max(1.5)
            ));
        }
        if let Some(m) = r.benchmark.median {
            s.push_str(&format!(
                "<line x1=\"{m:.1}\" y1=\"{:.1}\" x2=\"{m:.1}\" y2=\"{:.1}\" class=\"chart-median\"/>",
                bar_y - 3.0,
                bar_y + 17.0,
                m = x(m)
            ));
        }
        if let Some(v) = r.score {
            s.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\" class=\"chart-dot\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-value\">{v:.0}</text>",
                x(v),
                bar_y + 7.0,
                left + plot_w + 12.0,
                bar_y + 11.0
            ));
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use leernet_analysis::FrequencyRow;
    use leernet_core::Bilingual;

    fn b(s: &str) -> Bilingual {
        Bilingual {
            nl: format!("{s} nl"),
            en: format!("{s} en"),
        }
    }

    #[test]
    fn bars_are_proportional_and_text_is_escaped() {
        let t = FrequencyTable {
            instrument: "i".into(),
            question: "q".into(),
            label: b("<Thema's & meer>"),
            multiple: false,
            n: 4,
            missing: 0,
            waves: vec!["2026".into()],
            rows: vec![
                FrequencyRow {
                    choice: "a".into(),
                    label: b("A"),
                    count: 3,
                    share: 0.75,
                    ci_low: 0.3,
                    ci_high: 0.95,
                },
                FrequencyRow {
                    choice: "b".into(),
                    label: b("B"),
                    count: 1,
                    share: 0.25,
                    ci_low: 0.05,
                    ci_high: 0.7,
                },
            ],
        };
        let svg = bar_chart(&t, Lang::En);
        assert!(svg.contains("width=\"225.0\""), "{svg}");
        assert!(svg.contains("width=\"75.0\""), "{svg}");
        assert!(
            svg.contains("&lt;Thema&#39;s &amp; meer&gt; en (n = 4)"),
            "{svg}"
        );
        assert!(svg.contains("3 (75%)"));
        assert_eq!(svg, bar_chart(&t, Lang::En), "deterministic");
        assert!(bar_chart(&t, Lang::Nl).contains("A nl"));
    }
}
