//! The XY plot of a QCA term: each network's membership in the combination (x) against its
//! membership in the outcome (y).
//!
//! Why it exists: a consistency figure says how far a combination is a subset of the
//! outcome; the plot shows which networks make it so and which break it (points below the
//! diagonal), and where the crossover lines cut. Written by hand like the other charts, so
//! the bytes stay stable (fixed decimals, points in case order) and the SVG carries no script
//! or style attribute.
//!
//! Accessible: `role="img"` with a `<title>` and a `<desc>` that says how to read it and
//! how many networks lie on or above the diagonal; the report gives the figures in words.

use crate::chart::esc;

/// The texts around one plot.
pub struct PlotText<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// 0.5 as the language writes it.
    pub half: &'a str,
}

/// The plot as inline SVG; `id` makes the title and description ids unique on the page.
pub fn svg(points: &[(f64, f64)], id: &str, text: &PlotText<'_>) -> String {
    let size = 240.0;
    let left = 44.0;
    let top = 10.0;
    let bottom = 40.0;
    let width = left + size + 14.0;
    let height = top + size + bottom;
    let px = |x: f64| left + x.clamp(0.0, 1.0) * size;
    let py = |y: f64| top + (1.0 - y.clamp(0.0, 1.0)) * size;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart profile xy\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(text.title),
        esc(text.desc)
    );
    // The frame, the crossover lines and the diagonal.
    s.push_str(&format!(
        "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{size:.1}\" height=\"{size:.1}\" fill=\"none\" class=\"chart-grid\" stroke=\"#9aa5b1\"/>"
    ));
    for (x1, y1, x2, y2) in [
        (px(0.5), py(0.0), px(0.5), py(1.0)),
        (px(0.0), py(0.5), px(1.0), py(0.5)),
    ] {
        s.push_str(&format!(
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" class=\"chart-grid\" stroke=\"#c5ccd3\" stroke-dasharray=\"4 3\"/>"
        ));
    }
    s.push_str(&format!(
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" class=\"chart-median\" stroke=\"#4a5866\"/>",
        px(0.0),
        py(0.0),
        px(1.0),
        py(1.0)
    ));
    for v in [0.0, 0.5, 1.0] {
        let label = if v == 0.5 {
            text.half
        } else if v == 0.0 {
            "0"
        } else {
            "1"
        };
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"chart-value\">{label}</text>",
            px(v),
            top + size + 14.0
        ));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" class=\"chart-value\">{label}</text>",
            left - 6.0,
            py(v) + 4.0
        ));
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"chart-label\">{}</text>",
        left + size / 2.0,
        top + size + 32.0,
        esc(text.x_label)
    ));
    s.push_str(&format!(
        "<text x=\"12\" y=\"{:.1}\" text-anchor=\"middle\" class=\"chart-label\" transform=\"rotate(-90 12 {:.1})\">{}</text>",
        top + size / 2.0,
        top + size / 2.0,
        esc(text.y_label)
    ));
    for &(x, y) in points {
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" class=\"chart-dot\" fill=\"#b8561b\" fill-opacity=\"0.75\"/>",
            px(x),
            py(y)
        ));
    }
    s.push_str("</svg>");
    s
}

/// How many points lie on or above the diagonal (consistent with sufficiency).
pub fn on_or_above(points: &[(f64, f64)]) -> usize {
    points.iter().filter(|(x, y)| x <= y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_land_where_their_memberships_say_and_the_bytes_are_stable() {
        let t = PlotText {
            title: "A <and> B",
            desc: "d",
            x_label: "x",
            y_label: "y",
            half: "0,5",
        };
        let pts = [(0.0, 0.0), (1.0, 1.0), (0.9, 0.2)];
        let s = svg(&pts, "xy-1", &t);
        assert!(s.contains("<title id=\"xy-1-title\">A &lt;and&gt; B</title>"));
        // (0, 0) is the bottom left corner, (1, 1) the top right one.
        assert!(s.contains("<circle cx=\"44.0\" cy=\"250.0\""));
        assert!(s.contains("<circle cx=\"284.0\" cy=\"10.0\""));
        assert!(s.contains("<circle cx=\"260.0\" cy=\"202.0\""));
        assert_eq!(s.matches("<circle").count(), 3);
        assert!(!s.contains("style="));
        assert_eq!(s, svg(&pts, "xy-1", &t));
        assert_eq!(on_or_above(&pts), 2);
    }
}
