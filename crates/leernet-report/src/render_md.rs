//! A [`Document`] as Markdown (for Quarto / R Markdown users): a YAML front matter, ATX
//! headings by nesting, GitHub tables, charts as inline SVG with their data table.
//!
//! Why it exists: the one Markdown layout of the document model. Every text from the model
//! goes through [`crate::markdown::text`], so a name from data makes no HTML, breaks no
//! table and starts no heading, list, link, citation or formula.

use crate::doc::{Block, Document, Inline, Section, Table};
use crate::markdown::{text as md, yaml};

/// Inline text as Markdown.
pub fn inline(x: &[Inline]) -> String {
    let mut o = String::new();
    for i in x {
        match i {
            Inline::Text(s) => o.push_str(&md(s)),
            Inline::Strong(s) => o.push_str(&format!("**{}**", md(s))),
            Inline::Emph(s) => o.push_str(&format!("*{}*", md(s))),
            Inline::Link { text, href } => {
                o.push_str(&format!("[{}]({})", md(text), href.replace([' ', ')'], "")))
            }
            Inline::Small(s) => o.push_str(&format!(" ({})", md(s))),
        }
    }
    o
}

fn table(o: &mut String, x: &Table) {
    if !x.caption.is_empty() {
        o.push_str(&format!("**{}**\n\n", md(&x.caption)));
    }
    let head: Vec<String> = x.header.iter().map(|h| md(h)).collect();
    o.push_str(&format!("| {} |\n|", head.join(" | ")));
    for i in 0..x.header.len() {
        o.push_str(if x.numeric.get(i).copied().unwrap_or(false) {
            "---:|"
        } else {
            "---|"
        });
    }
    o.push('\n');
    for r in &x.rows {
        let cells: Vec<String> = r.iter().map(|c| inline(c)).collect();
        o.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    o.push('\n');
}

fn blocks(o: &mut String, bs: &[Block], depth: usize) {
    for b in bs {
        match b {
            Block::Para(x) => o.push_str(&format!("{}\n\n", inline(x))),
            Block::Note(x) => o.push_str(&format!("*{}*\n\n", inline(x))),
            Block::Warning(x) => o.push_str(&format!("**{}**\n\n", inline(x))),
            Block::Banner(x) => o.push_str(&format!("> {}\n\n", inline(x))),
            Block::Lead(x) => o.push_str(&format!("**{}**\n\n", inline(x))),
            Block::Bullets(items) => {
                for i in items {
                    o.push_str(&format!("- {}\n", inline(i)));
                }
                o.push('\n');
            }
            Block::Figures(items) => {
                for (n, what) in items {
                    o.push_str(&format!("- **{}** {}\n", md(n), md(what)));
                }
                o.push('\n');
            }
            Block::Table(x) => table(o, x),
            Block::Figure(f) => {
                o.push_str(&format!("{}\n\n*{}*\n\n", f.svg, inline(&f.caption)));
                if let Some(d) = &f.data {
                    table(o, d);
                }
            }
            Block::Quotes { label, items } => {
                o.push_str(&format!("*{}*\n\n", md(label)));
                for (q, c) in items {
                    o.push_str(&format!("> “{}” — *{}*\n\n", md(q), md(c)));
                }
            }
            Block::Joint(parts) => blocks(o, parts, depth),
            Block::Section(s) => section(o, s, depth + 1),
        }
    }
}

fn section(o: &mut String, s: &Section, depth: usize) {
    o.push_str(&format!(
        "{} {}\n\n",
        "#".repeat((depth + 1).min(6)),
        md(&s.title)
    ));
    blocks(o, &s.blocks, depth);
}

/// The document as Markdown.
pub fn render(d: &Document) -> String {
    let mut o = format!(
        "---\ntitle: {}\nlang: {}\n---\n\n*{}*\n\n# {}\n\n",
        yaml(&d.title),
        d.lang.code(),
        md(&d.kicker),
        md(&d.title)
    );
    blocks(&mut o, &d.front, 0);
    if let Some(title) = &d.toc {
        o.push_str(&format!("**{}**\n\n", md(title)));
        let mut i = 0;
        for s in d.sections.iter().filter(|s| s.in_toc) {
            i += 1;
            o.push_str(&format!("{i}. {}\n", md(&s.title)));
            for c in s.toc_children() {
                o.push_str(&format!("    - {}\n", md(&c.title)));
            }
        }
        o.push('\n');
    }
    for s in &d.sections {
        section(&mut o, s, 1);
    }
    o.push_str(&format!("*{}*\n", md(&d.footer)));
    o
}

/// Blocks as Markdown whose top sections are `level` deep (`##` for 2).
pub fn fragment(bs: &[Block], level: usize) -> String {
    let mut o = String::new();
    blocks(&mut o, bs, level.saturating_sub(2));
    o
}
