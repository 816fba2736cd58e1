//! A [`Document`] as DOCX blocks: headings by nesting (Heading 1 for a top section, down to
//! Heading 4), paragraphs with bold and italic runs, real Word tables, charts as their data
//! tables (or their alt text), quotes as a list. `docx.rs` writes the blocks as OOXML.
//!
//! Why it exists: the one DOCX layout of the document model.

use crate::doc::{plain, Block, Document, Inline, Section, Table};
use crate::docx::Block as D;

fn runs(x: &[Inline]) -> D {
    D::Rich(
        x.iter()
            .map(|i| match i {
                Inline::Text(s) => (s.clone(), false, false),
                Inline::Strong(s) => (s.clone(), true, false),
                Inline::Emph(s) => (s.clone(), false, true),
                Inline::Link { text, .. } => (text.clone(), false, false),
                Inline::Small(s) => (format!(" ({s})"), false, false),
            })
            .collect(),
    )
}

fn table(x: &Table) -> D {
    D::Table {
        caption: x.caption.clone(),
        header: x.header.clone(),
        rows: x
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        // A cell's small addition goes on its own line, as on the page.
                        c.iter()
                            .map(|i| match i {
                                Inline::Small(s) => format!("\n{s}"),
                                other => plain(std::slice::from_ref(other)),
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect(),
        numeric: x.numeric.clone(),
        // the same columns stand up as in the HTML and the PDF
        standing: (0..x.header.len()).map(|i| x.standing(i)).collect(),
    }
}

fn blocks(out: &mut Vec<D>, bs: &[Block], depth: u8) {
    for b in bs {
        match b {
            Block::Para(x) => out.push(runs(x)),
            Block::Note(x) => out.push(D::Note(plain(x))),
            Block::Warning(x) | Block::Lead(x) => out.push(D::Strong(plain(x))),
            Block::Banner(x) => out.push(D::Note(plain(x))),
            Block::Bullets(items) => out.push(D::Bullets(items.iter().map(|i| plain(i)).collect())),
            Block::Figures(items) => out.push(D::Bullets(
                items.iter().map(|(n, w)| format!("{n} {w}")).collect(),
            )),
            Block::Table(x) => out.push(table(x)),
            Block::Figure(f) => match &f.data {
                Some(d) => {
                    out.push(table(d));
                    out.push(D::Note(plain(&f.caption)));
                }
                None => out.push(D::Note(format!("{} ({})", f.alt, plain(&f.caption)))),
            },
            Block::Quotes { label, items } => {
                out.push(D::Strong(label.clone()));
                out.push(D::Bullets(
                    items.iter().map(|(q, c)| format!("“{q}” ({c})")).collect(),
                ));
            }
            Block::Joint(parts) => blocks(out, parts, depth),
            Block::Section(s) => section(out, s, depth.saturating_add(1)),
        }
    }
}

fn section(out: &mut Vec<D>, s: &Section, depth: u8) {
    out.push(D::Heading(depth, s.title.clone()));
    blocks(out, &s.blocks, depth);
}

/// The document as DOCX blocks.
pub fn blocks_of(d: &Document) -> Vec<D> {
    let mut out = vec![D::Note(d.kicker.clone()), D::Title(d.title.clone())];
    blocks(&mut out, &d.front, 0);
    if let Some(title) = &d.toc {
        out.push(D::Strong(title.clone()));
        out.push(D::Bullets(
            d.sections
                .iter()
                .filter(|s| s.in_toc)
                .map(|s| s.title.clone())
                .collect(),
        ));
    }
    for s in &d.sections {
        section(&mut out, s, 1);
    }
    out.push(D::Note(d.footer.clone()));
    out
}

/// Blocks as DOCX blocks whose top sections are Heading `level`.
pub fn fragment(bs: &[Block], level: u8) -> Vec<D> {
    let mut out = Vec::new();
    blocks(&mut out, bs, level.saturating_sub(1));
    out
}
