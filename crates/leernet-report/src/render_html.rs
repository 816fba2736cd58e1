//! A [`Document`] as one self-contained HTML file: inline CSS (`style.css`, one stylesheet
//! for the report and the handreikingen), inline SVG, no script.
//!
//! Why it exists: the one HTML layout of the document model. Headings follow the nesting
//! (the title is `h1`, top sections `h2`); every section is a `<section id>`, so the table
//! of contents and links from elsewhere reach it.
//!
//! Invariants: everything from the model is escaped here (SVG arrives escaped from the
//! chart modules); deterministic.

use crate::doc::{Block, Document, Figure, Inline, Kind, Section, Table};

/// Escapes text for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#x27;"),
            c => o.push(c),
        }
    }
    o
}

/// Inline text as HTML.
pub fn inline(x: &[Inline]) -> String {
    let mut o = String::new();
    for i in x {
        match i {
            Inline::Text(s) => o.push_str(&esc(s)),
            Inline::Strong(s) => o.push_str(&format!("<strong>{}</strong>", esc(s))),
            Inline::Emph(s) => o.push_str(&format!("<em>{}</em>", esc(s))),
            Inline::Link { text, href } => {
                o.push_str(&format!("<a href=\"{}\">{}</a>", esc(href), esc(text)))
            }
            Inline::Small(s) => o.push_str(&format!("<br><span class=\"note\">{}</span>", esc(s))),
        }
    }
    o
}

/// A column header with a soft hyphen (`&shy;`) between the syllables of each word longer
/// than seven letters, in the document's language: where a narrow column must wrap a word,
/// the browser wraps it at a syllable and shows a hyphen ("bijeen-komsten"), never
/// anywhere in a word ("bijeenko msten"). The stylesheet forbids any other break inside a
/// header word. Without a language (a fragment), the header as it is.
pub fn header_text(h: &str, lang: Option<leernet_core::Lang>) -> String {
    let Some(lang) = lang else {
        return esc(h);
    };
    let l = match lang {
        leernet_core::Lang::Nl => hypher::Lang::Dutch,
        leernet_core::Lang::En => hypher::Lang::English,
    };
    h.split(' ')
        .map(|word| {
            if word.chars().count() <= 7 || !word.chars().all(char::is_alphabetic) {
                return esc(word);
            }
            hypher::hyphenate(word, l)
                .map(esc)
                .collect::<Vec<_>>()
                .join("&shy;")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(o: &mut String, x: &Table, lang: Option<leernet_core::Lang>) {
    let class = |i: usize| {
        if x.numeric.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        }
    };
    let wide = if x.wide { " class=\"matrix\"" } else { "" };
    o.push_str(&format!(
        "<div class=\"table-wrap\" tabindex=\"0\">\n<table{wide}>\n<caption>{}</caption>\n<thead><tr>",
        esc(&x.caption)
    ));
    for (i, h) in x.header.iter().enumerate() {
        if !x.standing(i) {
            o.push_str(&format!(
                "<th scope=\"col\"{}>{}</th>",
                class(i),
                header_text(h, lang)
            ));
        } else {
            // Set vertically by the stylesheet, whole words only: no soft hyphens.
            o.push_str(&format!(
                "<th scope=\"col\"{}><span class=\"up\">{}</span></th>",
                class(i),
                esc(h)
            ));
        }
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in &x.rows {
        o.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if i == 0 && x.row_headers {
                o.push_str(&format!("<th scope=\"row\">{}</th>", inline(c)));
            } else {
                o.push_str(&format!("<td{}>{}</td>", class(i), inline(c)));
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</div>\n");
}

fn figure(o: &mut String, f: &Figure, lang: Option<leernet_core::Lang>) {
    o.push_str(&format!(
        "<figure>\n{}\n<figcaption class=\"note\">{}</figcaption>\n</figure>\n",
        f.svg,
        inline(&f.caption)
    ));
    if let Some(d) = &f.data {
        table(o, d, lang);
    }
}

fn blocks(o: &mut String, bs: &[Block], depth: usize, lang: Option<leernet_core::Lang>) {
    for b in bs {
        block(o, b, depth, lang);
    }
}

fn block(o: &mut String, b: &Block, depth: usize, lang: Option<leernet_core::Lang>) {
    match b {
        Block::Para(x) => o.push_str(&format!("<p>{}</p>\n", inline(x))),
        Block::Note(x) => o.push_str(&format!("<p class=\"note\">{}</p>\n", inline(x))),
        Block::Warning(x) => o.push_str(&format!(
            "<p class=\"warning\" role=\"note\"><strong>{}</strong></p>\n",
            inline(x)
        )),
        Block::Banner(x) => o.push_str(&format!(
            "<p class=\"fictional\" role=\"note\">{}</p>\n",
            inline(x)
        )),
        Block::Lead(x) => o.push_str(&format!("<p class=\"lead-in\">{}</p>\n", inline(x))),
        Block::Bullets(items) => {
            o.push_str("<ul>\n");
            for i in items {
                o.push_str(&format!("<li>{}</li>\n", inline(i)));
            }
            o.push_str("</ul>\n");
        }
        Block::Figures(items) => {
            o.push_str("<ul class=\"figures\">\n");
            for (n, what) in items {
                o.push_str(&format!(
                    "<li><strong>{}</strong> {}</li>\n",
                    esc(n),
                    esc(what)
                ));
            }
            o.push_str("</ul>\n");
        }
        Block::Table(x) => table(o, x, lang),
        Block::Figure(f) => figure(o, f, lang),
        Block::Quotes { label, items } => {
            o.push_str(&format!(
                "<aside class=\"quotes\" aria-label=\"{}\">\n<p class=\"note\">{}</p>\n",
                esc(label),
                esc(label)
            ));
            for (q, c) in items {
                o.push_str(&format!(
                    "<blockquote><p>“{}”</p><p class=\"note\">{}</p></blockquote>\n",
                    esc(q),
                    esc(c)
                ));
            }
            o.push_str("</aside>\n");
        }
        Block::Joint(parts) => {
            o.push_str("<div class=\"joint\">\n");
            blocks(o, parts, depth, lang);
            o.push_str("</div>\n");
        }
        Block::Section(s) => section(o, s, depth + 1, lang),
    }
}

fn section(o: &mut String, s: &Section, depth: usize, lang: Option<leernet_core::Lang>) {
    let h = (depth + 1).min(6);
    let tag = if s.card { "article" } else { "section" };
    let class = if s.card { " class=\"card\"" } else { "" };
    o.push_str(&format!(
        "<{tag} id=\"{}\"{class}>\n<h{h}>{}</h{h}>\n",
        esc(&s.id),
        esc(&s.title)
    ));
    blocks(o, &s.blocks, depth, lang);
    o.push_str(&format!("</{tag}>\n"));
}

fn toc(o: &mut String, title: &str, sections: &[Section]) {
    o.push_str(&format!(
        "<nav aria-label=\"{}\">\n<h2>{}</h2>\n<ol>\n",
        esc(title),
        esc(title)
    ));
    for s in sections.iter().filter(|s| s.in_toc) {
        o.push_str(&format!(
            "<li><a href=\"#{}\">{}</a>",
            esc(&s.id),
            esc(&s.title)
        ));
        let children: Vec<&Section> = s.toc_children().collect();
        if !children.is_empty() {
            o.push_str("\n<ol>\n");
            for c in children {
                o.push_str(&format!(
                    "<li><a href=\"#{}\">{}</a></li>\n",
                    esc(&c.id),
                    esc(&c.title)
                ));
            }
            o.push_str("</ol>\n");
        }
        o.push_str("</li>\n");
    }
    o.push_str("</ol>\n</nav>\n");
}

/// The document as an HTML page.
pub fn render(d: &Document) -> String {
    let kind = match d.kind {
        Kind::Report => "report",
        Kind::Handreiking => "handreiking",
    };
    let mut o = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body class=\"{kind}\">\n<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n",
        d.lang.code(),
        esc(&d.doc_title),
        include_str!("style.css"),
        esc(&d.kicker),
        esc(&d.title)
    );
    blocks(&mut o, &d.front, 0, Some(d.lang));
    o.push_str("</header>\n");
    if let Some(title) = &d.toc {
        toc(&mut o, title, &d.sections);
    }
    o.push_str("<main>\n");
    for s in &d.sections {
        section(&mut o, s, 1, Some(d.lang));
    }
    o.push_str(&format!(
        "</main>\n<footer><p class=\"note\">{}</p></footer>\n</body>\n</html>\n",
        esc(&d.footer)
    ));
    o
}

/// Blocks as an HTML fragment whose top sections are `h{level}` (the web app's QCA page).
pub fn fragment(bs: &[Block], level: usize) -> String {
    let mut o = String::new();
    blocks(&mut o, bs, level.saturating_sub(2), None);
    o
}

#[cfg(test)]
mod header_tests {
    use super::header_text;
    use leernet_core::Lang;

    /// A long header word gets soft hyphens between its syllables and nothing else; short
    /// words, numbers and marks stay as they are, escaped.
    #[test]
    fn long_header_words_may_wrap_only_between_syllables() {
        let h = header_text("Aantal bijeenkomsten", Some(Lang::Nl));
        assert!(h.starts_with("Aantal bij"), "{h}");
        assert!(h.contains("&shy;"), "{h}");
        assert_eq!(h.replace("&shy;", ""), "Aantal bijeenkomsten");
        assert!(!h.contains("bijeenko&shy;msten"), "{h}");
        let en = header_text("Attendance", Some(Lang::En));
        assert_eq!(en.replace("&shy;", ""), "Attendance");
        assert!(en.contains("&shy;"), "{en}");
        assert_eq!(header_text("n (%)", Some(Lang::Nl)), "n (%)");
        assert_eq!(
            header_text("R&D-netwerken2", Some(Lang::Nl)),
            "R&amp;D-netwerken2"
        );
        assert_eq!(header_text("Bijeenkomsten", None), "Bijeenkomsten");
    }
}
