//! The document model: what the study report and the handreikingen say, once, as sections
//! with ids and titles, paragraphs with inline emphasis, tables with header rows, figures
//! with alt text and their data as a table, notes, quotes and references. The renderers
//! (`render_html.rs`, `render_md.rs`, `docx.rs`) only lay a [`Document`] out.
//!
//! Why it exists: the report used to be laid out three times (an HTML template, a Markdown
//! template and a DOCX builder) and drifted apart (the DOCX had no typology); sections were
//! spliced into the finished HTML by searching for a marker. Now a section is a value that
//! goes where it belongs before anything is written.
//!
//! Invariants: plain data, no formatting decisions beyond "numeric column", "card" and
//! "wide table"; everything in it is text a reader may see (labels, never keys or paths);
//! the renderers escape it.

use leernet_core::Lang;

/// A run of text inside a paragraph or cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(String),
    Emph(String),
    /// A link to another file of the report (a handreiking) or a section (`#id`).
    Link {
        text: String,
        href: String,
    },
    /// A small grey addition on its own line (a source, n).
    Small(String),
}

/// Text with inline emphasis.
pub type Text = Vec<Inline>;

/// Plain text.
pub fn t(s: impl Into<String>) -> Text {
    vec![Inline::Text(s.into())]
}

/// The text of `x` without its emphasis (table cells of DOCX, alt texts).
pub fn plain(x: &[Inline]) -> String {
    let mut s = String::new();
    for i in x {
        match i {
            Inline::Text(a) | Inline::Strong(a) | Inline::Emph(a) => s.push_str(a),
            Inline::Link { text, .. } => s.push_str(text),
            Inline::Small(a) => {
                s.push_str(" (");
                s.push_str(a);
                s.push(')');
            }
        }
    }
    s
}

/// A table: caption, one header row, body rows of cells; `numeric[i]` right-aligns column
/// i; with `row_headers` the first cell of a row heads it; `wide` tables get a smaller type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Text>>,
    pub numeric: Vec<bool>,
    pub row_headers: bool,
    pub wide: bool,
}

impl Table {
    /// A table of plain cells.
    pub fn plain(caption: String, header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
        Table {
            caption,
            numeric: vec![false; header.len()],
            header,
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(t).collect())
                .collect(),
            row_headers: false,
            wide: false,
        }
    }

    /// The same table with these numeric columns.
    pub fn numeric(mut self, numeric: Vec<bool>) -> Table {
        self.numeric = numeric;
        self
    }

    /// The same table with row headers and a smaller type.
    pub fn matrix(mut self) -> Table {
        self.row_headers = true;
        self.wide = true;
        self
    }

    /// Whether column `i`'s header stands up. A matrix (a column per element or condition)
    /// has too many columns for its headers to fit A4 across, even in syllables: its narrow
    /// columns' headers are set vertically, reading bottom to top, in every format
    /// (`span.up` in HTML, text direction `btLr` in DOCX, rotated text in the PDF), wrapping
    /// only at a space, so no header word is ever split (issue 21, item 4). A column is
    /// narrow when every cell is shorter than the header's longest word ("ja", "0,49" under
    /// "Consistentie"); a column of text ("voldoende", the networks' names) is as wide as its
    /// text anyway, so its header reads across, as does the first column, which heads the
    /// rows. Screen readers read the text as it is.
    pub fn standing(&self, i: usize) -> bool {
        if !self.wide || i == 0 {
            return false;
        }
        let Some(head) = self.header.get(i) else {
            return false;
        };
        let word = head
            .split_whitespace()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        self.rows
            .iter()
            .all(|r| r.get(i).is_none_or(|c| plain(c).chars().count() < word))
    }
}

/// A chart: its SVG (accessible by its own title), an alt text for formats without SVG,
/// a caption (source, n) and the same numbers as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub svg: String,
    pub alt: String,
    pub caption: Text,
    pub data: Option<Table>,
}

/// A piece of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(Text),
    /// A small grey note (sources, method details).
    Note(Text),
    /// A warning a reader must not miss.
    Warning(Text),
    /// A framed notice at the top (the fictional-data warning).
    Banner(Text),
    /// A bold lead-in ("Why this handle").
    Lead(Text),
    Bullets(Vec<Text>),
    /// Key figures: a number and what it counts.
    Figures(Vec<(String, String)>),
    Table(Table),
    Figure(Figure),
    /// Quotes with their source, under a label.
    Quotes {
        label: String,
        items: Vec<(String, String)>,
    },
    /// A table with its quotes beside it (a joint display).
    Joint(Vec<Block>),
    Section(Section),
}

/// A section: an id (unique in the document), a title and its blocks, sub-sections among
/// them. `card` sections (a handle) are set off as a box; `in_toc` ones are listed in the
/// table of contents (the top level and the level below).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
    pub in_toc: bool,
    pub card: bool,
}

impl Section {
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Section {
        Section {
            id: id.into(),
            title: title.into(),
            blocks: Vec::new(),
            in_toc: true,
            card: false,
        }
    }

    /// Not listed in the table of contents.
    pub fn quiet(mut self) -> Section {
        self.in_toc = false;
        self
    }

    pub fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }

    pub fn para(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Para(t(s)));
    }

    pub fn note(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Note(t(s)));
    }

    pub fn table(&mut self, x: Table) {
        self.blocks.push(Block::Table(x));
    }

    pub fn sub(&mut self, s: Section) {
        self.blocks.push(Block::Section(s));
    }

    /// The sub-sections listed in the table of contents.
    pub fn toc_children(&self) -> impl Iterator<Item = &Section> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Section(s) if s.in_toc => Some(s),
            _ => None,
        })
    }
}

/// Which kind of document: it picks the page's width and the stylesheet's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Report,
    Handreiking,
}

/// A whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub kind: Kind,
    pub lang: Lang,
    /// The window or file title.
    pub doc_title: String,
    /// The line above the title ("Rapport", "Handreiking — study").
    pub kicker: String,
    pub title: String,
    /// Blocks between the title and the contents (the fictional-data warning, the type).
    pub front: Vec<Block>,
    /// The heading of the table of contents, if the document has one.
    pub toc: Option<String>,
    pub sections: Vec<Section>,
    pub footer: String,
}

impl Document {
    /// Every section id, depth first: for tests (ids are unique) and the PDF's bookmarks.
    pub fn ids(&self) -> Vec<&str> {
        fn walk<'a>(s: &'a Section, out: &mut Vec<&'a str>) {
            out.push(&s.id);
            for b in &s.blocks {
                if let Block::Section(c) = b {
                    walk(c, out);
                }
            }
        }
        let mut out = Vec::new();
        for s in &self.sections {
            walk(s, &mut out);
        }
        out
    }

    /// The top-level section with this id.
    pub fn section_mut(&mut self, id: &str) -> Option<&mut Section> {
        self.sections.iter_mut().find(|s| s.id == id)
    }

    /// Puts `s` before the first top-level section whose id is in `before` (in that order
    /// of preference), or at the end.
    pub fn insert_before(&mut self, s: Section, before: &[&str]) {
        let at = before
            .iter()
            .find_map(|id| self.sections.iter().position(|x| x.id == *id))
            .unwrap_or(self.sections.len());
        self.sections.insert(at, s);
    }
}

/// Nests a flat list of headings (level ≥ `base`) and blocks into sections: a heading of
/// level `base` opens a top-level section, a deeper one a sub-section of the last open one.
/// Blocks before the first heading go into `lead`. Ids are `prefix-1`, `prefix-2`, … in
/// document order.
pub fn nest(
    items: Vec<(Option<u8>, Block, String)>,
    base: u8,
    prefix: &str,
) -> (Vec<Block>, Vec<Section>) {
    // Each item: Some(level) with its title in the String for a heading, None for a block.
    let mut lead = Vec::new();
    let mut stack: Vec<(u8, Section)> = Vec::new();
    let mut top = Vec::new();
    let mut count = 0usize;
    let close = |stack: &mut Vec<(u8, Section)>, top: &mut Vec<Section>, level: u8| {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            if let Some((_, s)) = stack.pop() {
                match stack.last_mut() {
                    Some((_, parent)) => parent.blocks.push(Block::Section(s)),
                    None => top.push(s),
                }
            }
        }
    };
    for (level, block, title) in items {
        match level {
            Some(l) => {
                let l = l.max(base);
                close(&mut stack, &mut top, l);
                count += 1;
                let mut s = Section::new(format!("{prefix}-{count}"), title);
                if l > base + 1 {
                    s.in_toc = false;
                }
                stack.push((l, s));
            }
            None => match stack.last_mut() {
                Some((_, s)) => s.blocks.push(block),
                None => lead.push(block),
            },
        }
    }
    close(&mut stack, &mut top, 0);
    (lead, top)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seen on the QCA page: every column header of a matrix stood up, also over columns of
    /// text ("Verwachting" over "verwacht bij de uitkomst als aanwezig", "Netwerken" over
    /// the networks' names), where a header across fits and reads better.
    #[test]
    fn only_a_matrix_s_narrow_columns_stand_up() {
        let row = |c: [&str; 5]| c.iter().map(|s| s.to_string()).collect();
        let table = Table::plain(
            "Waarheidstabel".into(),
            [
                "Agenda samen bepaald",
                "Neutrale leerfacilitator",
                "Uitkomst",
                "n",
                "Consistentie",
            ]
            .map(String::from)
            .to_vec(),
            vec![
                row(["ja", "nee", "niet voldoende", "6", "0,49"]),
                row(["nee", "ja", "voldoende", "3", "0,91"]),
            ],
        );
        let standing = |t: &Table| (0..5).map(|i| t.standing(i)).collect::<Vec<_>>();
        assert_eq!(standing(&table), [false; 5], "not a matrix: nothing stands");
        assert_eq!(
            standing(&table.matrix()),
            [false, true, false, false, true],
            "the row headers, the text column and the one-letter column read across"
        );
    }

    #[test]
    fn flat_headings_nest_into_sections() {
        let h = |l: u8, s: &str| (Some(l), Block::Para(Vec::new()), s.to_owned());
        let p = |s: &str| (None, Block::Para(t(s)), String::new());
        let (lead, top) = nest(
            vec![p("a"), h(3, "A"), p("b"), h(4, "A1"), p("c"), h(3, "B")],
            3,
            "x",
        );
        assert_eq!(lead, vec![Block::Para(t("a"))]);
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].id, "x-1");
        assert_eq!(top[0].blocks[0], Block::Para(t("b")));
        assert!(
            matches!(&top[0].blocks[1], Block::Section(s) if s.title == "A1" && s.blocks == vec![Block::Para(t("c"))])
        );
        assert_eq!(top[1].id, "x-3");
    }
}
