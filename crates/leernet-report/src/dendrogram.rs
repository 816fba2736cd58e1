//! The typology's dendrogram as inline SVG, written by hand like the bar charts: the tree
//! is a few paths, and our own code keeps the output byte-stable and script-free.
//!
//! Horizontal layout: one row per network (its name and type on the left), merge heights
//! (Gower distance) to the right, leaves in the order scipy's `dendrogram` walks the tree
//! (from the root, first child first), a dashed line where the tree is cut into the types.

use crate::chart::esc;
use leernet_analysis::typology::Dendrogram;
use leernet_core::Lang;

/// Colours of the types (1-based; repeats after six).
const COLOURS: [&str; 6] = [
    "#1f5f8b", "#b5562f", "#2f8b5a", "#7a4fa0", "#a08a1f", "#4a5866",
];

fn colour(t: usize) -> &'static str {
    COLOURS[(t.max(1) - 1) % COLOURS.len()]
}

/// Leaves in dendrogram order: depth first from the root, child `a` before `b`.
pub fn leaf_order(merges: &[[f64; 4]]) -> Vec<usize> {
    let n = merges.len() + 1;
    if merges.is_empty() {
        return vec![0];
    }
    let mut out = Vec::with_capacity(n);
    let mut stack = vec![2 * n - 2];
    while let Some(c) = stack.pop() {
        if c < n {
            out.push(c);
        } else {
            let m = merges[c - n];
            // Push b first so that a is walked first.
            stack.push(m[1] as usize);
            stack.push(m[0] as usize);
        }
    }
    out
}

/// The dendrogram. `axis` names the distance (translated by the caller), `type_word` the
/// word for a type ("type"), `title` the accessible title.
pub fn svg(d: &Dendrogram, lang: Lang, axis: &str, type_word: &str, title: &str) -> String {
    let n = d.labels.len();
    if n < 2 || d.merges.len() + 1 != n {
        return String::new();
    }
    let label_w = 330.0;
    let plot_w = 300.0;
    let row_h = 18.0;
    let top = 8.0;
    let height = top + row_h * n as f64 + 40.0;
    let width = label_w + plot_w + 20.0;
    let max_h = d
        .merges
        .iter()
        .map(|m| m[2])
        .fold(0.0f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let x_of = |h: f64| label_w + h / max_h * plot_w;
    let order = leaf_order(&d.merges);
    let mut y = vec![0.0f64; 2 * n - 1];
    let mut x = vec![label_w; 2 * n - 1];
    for (row, &leaf) in order.iter().enumerate() {
        y[leaf] = top + row_h * row as f64 + row_h / 2.0;
    }
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart dendrogram\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = esc(title)
    );
    for (row, &leaf) in order.iter().enumerate() {
        let ty = d.types.get(leaf).copied().unwrap_or(0);
        let mut label = d.labels[leaf].clone();
        if label.chars().count() > 44 {
            label = label.chars().take(43).collect::<String>() + "…";
        }
        s.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" fill=\"{}\">{} ({} {ty})</text>",
            label_w - 6.0,
            top + row_h * row as f64 + row_h / 2.0 + 4.0,
            colour(ty),
            esc(&label),
            esc(type_word),
        ));
    }
    for (r, m) in d.merges.iter().enumerate() {
        let (a, b) = (m[0] as usize, m[1] as usize);
        let node = n + r;
        x[node] = x_of(m[2]);
        y[node] = (y[a] + y[b]) / 2.0;
        s.push_str(&format!(
            "<path d=\"M{:.1} {:.1}H{:.1}V{:.1}H{:.1}\" fill=\"none\" stroke=\"#1d2733\" stroke-width=\"1.2\"/>",
            x[a], y[a], x[node], y[b], x[b]
        ));
    }
    let cut = x_of(d.cut_height);
    let axis_y = top + row_h * n as f64 + 6.0;
    s.push_str(&format!(
        "<line x1=\"{cut:.1}\" y1=\"{top:.0}\" x2=\"{cut:.1}\" y2=\"{axis_y:.1}\" stroke=\"#b5562f\" stroke-dasharray=\"4 3\"/>"
    ));
    s.push_str(&format!(
        "<line x1=\"{label_w:.0}\" y1=\"{axis_y:.1}\" x2=\"{:.0}\" y2=\"{axis_y:.1}\" stroke=\"#4a5866\"/>",
        label_w + plot_w
    ));
    for i in 0..=4 {
        let h = max_h * i as f64 / 4.0;
        let xx = x_of(h);
        let txt = crate::format::num(h, 2, lang.code());
        s.push_str(&format!(
            "<line x1=\"{xx:.1}\" y1=\"{axis_y:.1}\" x2=\"{xx:.1}\" y2=\"{:.1}\" stroke=\"#4a5866\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#4a5866\">{txt}</text>",
            axis_y + 4.0,
            axis_y + 15.0
        ));
    }
    s.push_str(&format!(
        "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a5866\">{}</text>",
        label_w + plot_w / 2.0,
        axis_y + 30.0,
        esc(axis)
    ));
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Dendrogram {
        // Points 0, 1, 3, 7 on a line, average linkage (scipy layout).
        Dendrogram {
            merges: vec![
                [0.0, 1.0, 1.0, 2.0],
                [2.0, 4.0, 2.5, 3.0],
                [3.0, 5.0, 5.666_666_666_666_667, 4.0],
            ],
            labels: vec!["A & B".into(), "B".into(), "C".into(), "D".into()],
            types: vec![1, 1, 1, 2],
            cut_height: 4.0,
        }
    }

    #[test]
    fn leaves_follow_the_tree_and_output_is_stable() {
        assert_eq!(leaf_order(&tree().merges), vec![3, 2, 0, 1]);
        let s = svg(&tree(), Lang::Nl, "Gower-afstand", "type", "Dendrogram");
        assert_eq!(
            s,
            svg(&tree(), Lang::Nl, "Gower-afstand", "type", "Dendrogram")
        );
        assert_eq!(s.matches("<path").count(), 3);
        assert!(s.contains("A &amp; B (type 1)"), "{s}");
        assert!(s.contains("stroke-dasharray"));
        assert!(s.contains(">5,67<"), "Dutch decimal comma: {s}");
        // A malformed tree draws nothing rather than panicking.
        let mut bad = tree();
        bad.labels.pop();
        assert_eq!(svg(&bad, Lang::En, "", "", ""), "");
    }
}
