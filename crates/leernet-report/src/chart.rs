//! Inline SVG charts, written by hand: a bar chart is a few rectangles, and writing them
//! ourselves keeps the output byte-stable and free of scripts (see ARCHITECTURE.md).

use leernet_analysis::FrequencyTable;
use leernet_core::Lang;

/// Escapes text for XML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
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
