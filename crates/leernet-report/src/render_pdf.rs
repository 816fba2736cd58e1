//! A [`Document`] as a PDF: A4 pages, Liberation Sans embedded (subset), a tag tree for
//! screen readers (headings, paragraphs, lists, tables with header cells, figures with their
//! alt text), bookmarks from the table of contents, the charts drawn from their SVG, and page
//! numbers. Identical documents give identical bytes (no creation date; krilla's document
//! ids are hashes of the content).
//!
//! Why it exists: the one PDF layout of the document model. It lays the model out itself —
//! a greedy line breaker, a table layout that sizes each column to its longest word and
//! shrinks a table's type before it would break a header inside a word — and hands the
//! pages to krilla, typst's PDF back end, which writes the file (see ARCHITECTURE.md for why
//! krilla and not typst as a library).
//!
//! Invariants: no clock, no randomness, no hash-map order in output; a header cell never
//! breaks inside a word (its type shrinks instead); every piece of text drawn belongs to
//! exactly one node of the tag tree, and everything else (rules, bars, page numbers,
//! repeated table headers) is marked as an artifact.

use crate::doc::{Block, Document, Figure, Inline, Section, Table};
use crate::ReportError;
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope,
    Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document as PdfDocument, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU16;
use std::sync::Arc;

static REGULAR: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../fonts/LiberationSans-Italic.ttf");

// A4 in points, with margins of 2 cm and room for the page number below.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.7;
const RIGHT: f32 = PAGE_W - 56.7;
const TOP: f32 = 56.7;
const BOTTOM: f32 = PAGE_H - 70.0;
const BODY: f32 = 10.0;
const NOTE: f32 = 8.5;
const LEADING: f32 = 1.4;
/// The smallest type a table may shrink to before its header would break inside a word.
const MIN_TABLE_SIZE: f32 = 4.0;
/// The longest a standing header line may be (a matrix's column header, about 4.2 cm): a
/// longer header wraps at a space onto another line beside it, never inside a word.
const UP_MAX: f32 = 120.0;

/// A colour of the report's stylesheet (`style.css`'s `:root`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Colour(u8, u8, u8);
const INK: Colour = Colour(0x1d, 0x27, 0x33);
const MUTED: Colour = Colour(0x4a, 0x58, 0x66);
const ACCENT: Colour = Colour(0x1f, 0x5f, 0x8b);
const LINE: Colour = Colour(0xd5, 0xdd, 0xe5);
const BANNER: Colour = Colour(0xff, 0xf4, 0xd6);
const BANNER_EDGE: Colour = Colour(0xe0, 0xb8, 0x4c);

impl Colour {
    fn rgb(self) -> rgb::Color {
        rgb::Color::new(self.0, self.1, self.2)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Face {
    Regular,
    Bold,
    Italic,
}

/// The three faces, for measuring (rustybuzz, as krilla shapes) and drawing (krilla).
struct Fonts {
    draw: [Font; 3],
    measure: [rustybuzz::Face<'static>; 3],
    units: [f32; 3],
    cache: RefCell<HashMap<(Face, String), f32>>,
}

impl Fonts {
    fn load() -> Result<Fonts, ReportError> {
        let bad = || ReportError::Pdf("the embedded font cannot be read".into());
        let draw = |d: &'static [u8]| Font::new(d.into(), 0).ok_or_else(bad);
        let measure = |d: &'static [u8]| rustybuzz::Face::from_slice(d, 0).ok_or_else(bad);
        let m = [measure(REGULAR)?, measure(BOLD)?, measure(ITALIC)?];
        let units = [
            m[0].units_per_em() as f32,
            m[1].units_per_em() as f32,
            m[2].units_per_em() as f32,
        ];
        Ok(Fonts {
            draw: [draw(REGULAR)?, draw(BOLD)?, draw(ITALIC)?],
            measure: m,
            units,
            cache: RefCell::new(HashMap::new()),
        })
    }

    fn index(face: Face) -> usize {
        match face {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Italic => 2,
        }
    }

    /// The width of `s` at `size` points, as krilla will draw it.
    fn width(&self, face: Face, size: f32, s: &str) -> f32 {
        let i = Fonts::index(face);
        let key = (face, s.to_owned());
        if let Some(w) = self.cache.borrow().get(&key) {
            return w * size / self.units[i];
        }
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(s);
        let shaped = rustybuzz::shape(&self.measure[i], &[], buffer);
        let w: f32 = shaped
            .glyph_positions()
            .iter()
            .map(|p| p.x_advance as f32)
            .sum();
        self.cache.borrow_mut().insert(key, w);
        w * size / self.units[i]
    }
}

/// A run of one style.
#[derive(Debug, Clone, PartialEq)]
struct Style {
    face: Face,
    size: f32,
    colour: Colour,
    /// The text of a link: the index of its [`Inline::Link`] in the text laid out (a
    /// paragraph, a list item, a table cell).
    link: Option<usize>,
}

/// Something drawn on a page.
enum Item {
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
        /// The leaf of the tag tree it belongs to; `None` draws it as an artifact.
        leaf: Option<usize>,
        /// Standing: the text reads bottom to top from (x, y), (x, y) on its baseline (a
        /// matrix's column header).
        up: bool,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Colour>,
        stroke: Option<(Colour, f32)>,
    },
    Svg {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        tree: Box<usvg::Tree>,
        leaf: usize,
    },
    /// A link (an entry of the contents, a link in the text): a tagged link annotation over
    /// the box.
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        target: LinkTo,
        /// What a screen reader says for it (the section's title, the link's text).
        alt: String,
        leaf: usize,
    },
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq)]
enum LinkTo {
    /// A section of this document, by its id (its heading is the destination).
    Section(String),
    /// Another file or a web address (a URI action; a relative one is read from where
    /// the PDF lies).
    Uri(String),
}

impl LinkTo {
    /// A link of the document model in the PDF: `#id` is a section of this document; a
    /// relative link to an HTML file of the report (a handreiking) leads to the PDF beside
    /// it, which the PDF report is written with (`handreikingen/x.html` →
    /// `handreikingen/x.pdf`); anything else is opened as it is.
    fn of(href: &str) -> LinkTo {
        if let Some(id) = href.strip_prefix('#') {
            return LinkTo::Section(id.to_owned());
        }
        let relative = !href.contains(':') && !href.starts_with('/');
        match href.strip_suffix(".html") {
            Some(stem) if relative => LinkTo::Uri(format!("{stem}.pdf")),
            _ => LinkTo::Uri(href.to_owned()),
        }
    }
}

/// The tag tree's leaves of laid-out text in reading order: the plain text in one leaf
/// until a link interrupts it; a link's text and its annotations (one per line it is on)
/// together in a `Link` element.
struct Flow {
    nodes: Vec<TNode>,
    plain: Option<usize>,
    /// The open link: its inline's index, its text's leaf and its annotations' leaf.
    link: Option<(usize, usize, usize)>,
}

impl Flow {
    fn new() -> Flow {
        Flow {
            nodes: Vec::new(),
            plain: None,
            link: None,
        }
    }

    /// The leaf of a run in `style`, and for a link's run the leaf of its annotation.
    fn leaf(&mut self, me: &mut Layout, style: &Style) -> (usize, Option<usize>) {
        match style.link {
            Some(i) => {
                if let Some((j, t, a)) = self.link {
                    if j == i {
                        return (t, Some(a));
                    }
                }
                self.close();
                self.plain = None;
                let (t, a) = (me.leaf(), me.leaf());
                self.link = Some((i, t, a));
                (t, Some(a))
            }
            None => {
                if self.link.is_some() {
                    self.close();
                    self.plain = None;
                }
                match self.plain {
                    Some(l) => (l, None),
                    None => {
                        let l = me.leaf();
                        self.plain = Some(l);
                        self.nodes.push(TNode::Leaf(l));
                        (l, None)
                    }
                }
            }
        }
    }

    fn close(&mut self) {
        if let Some((_, t, a)) = self.link.take() {
            self.nodes.push(TNode::Group(
                TKind::Link,
                vec![TNode::Leaf(t), TNode::Leaf(a)],
            ));
        }
    }

    fn finish(mut self) -> Vec<TNode> {
        self.close();
        self.nodes
    }
}

/// The logical structure, built while laying out; leaves are numbered pieces of content.
enum TNode {
    Group(TKind, Vec<TNode>),
    Leaf(usize),
}

enum TKind {
    Section,
    Heading(u16, String),
    P,
    Note,
    List,
    ListItem,
    Label,
    ListBody,
    Table,
    Caption,
    Row,
    Header(TableHeaderScope),
    Cell,
    Figure(String),
    Quote,
    Toc,
    TocItem,
    Link,
}

impl TKind {
    fn tag(self) -> TagKind {
        match self {
            TKind::Section => Tag::Section.into(),
            TKind::Heading(level, title) => Tag::Hn(
                NonZeroU16::new(level).unwrap_or(NonZeroU16::MIN),
                Some(title),
            )
            .into(),
            TKind::P => Tag::P.into(),
            TKind::Note => Tag::Note.into(),
            TKind::List => Tag::L(ListNumbering::Disc).into(),
            TKind::ListItem => Tag::LI.into(),
            TKind::Label => Tag::Lbl.into(),
            TKind::ListBody => Tag::LBody.into(),
            TKind::Table => Tag::Table.into(),
            TKind::Caption => Tag::Caption.into(),
            TKind::Row => Tag::TR.into(),
            TKind::Header(scope) => Tag::TH(scope).into(),
            TKind::Cell => Tag::TD.into(),
            TKind::Figure(alt) => Tag::Figure(Some(alt)).into(),
            TKind::Quote => Tag::BlockQuote.into(),
            TKind::Toc => Tag::TOC.into(),
            TKind::TocItem => Tag::TOCI.into(),
            TKind::Link => Tag::Link.into(),
        }
    }
}

/// A word with its style and whether a space comes before it.
#[derive(Debug, Clone)]
struct Word {
    style: Style,
    text: String,
    space: bool,
    /// Starts a new line (a cell's small addition).
    newline: bool,
}

/// A laid-out line: runs at x offsets, its width and height.
struct Line {
    runs: Vec<(f32, Style, String)>,
    width: f32,
    height: f32,
}

/// The words of inline text in a base style; a word follows a space where the text has
/// one, also across runs ("In " + **12 van de 17**).
fn words(x: &[Inline], base: &Style) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut gap = false;
    for (k, i) in x.iter().enumerate() {
        let (s, style, newline) = match i {
            Inline::Text(s) => (s, base.clone(), false),
            Inline::Strong(s) => (
                s,
                Style {
                    face: Face::Bold,
                    ..base.clone()
                },
                false,
            ),
            Inline::Emph(s) => (
                s,
                Style {
                    face: Face::Italic,
                    ..base.clone()
                },
                false,
            ),
            Inline::Link { text, .. } => (
                text,
                Style {
                    colour: ACCENT,
                    link: Some(k),
                    ..base.clone()
                },
                false,
            ),
            Inline::Small(s) => (
                s,
                Style {
                    face: Face::Regular,
                    size: base.size * 0.88,
                    colour: MUTED,
                    link: None,
                },
                true,
            ),
        };
        if s.starts_with(char::is_whitespace) {
            gap = true;
        }
        let mut first = true;
        for w in s.split_whitespace() {
            match out.last_mut() {
                // A run that starts inside a word ("netwerk" + "en") joins it.
                Some(last) if first && !gap && !newline && last.style == style => {
                    last.text.push_str(w);
                }
                _ => out.push(Word {
                    style: style.clone(),
                    text: w.to_owned(),
                    space: !first || gap,
                    newline: newline && first,
                }),
            }
            first = false;
            gap = false;
        }
        gap = gap || s.ends_with(char::is_whitespace);
    }
    out
}

/// Breaks words into lines of at most `width`; a word longer than a line is cut by
/// characters only when `may_cut` (never in a table header).
fn break_lines(fonts: &Fonts, ws: &[Word], width: f32, may_cut: bool) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut cur = Line {
        runs: Vec::new(),
        width: 0.0,
        height: 0.0,
    };
    let flush = |cur: &mut Line, lines: &mut Vec<Line>| {
        if !cur.runs.is_empty() {
            lines.push(std::mem::replace(
                cur,
                Line {
                    runs: Vec::new(),
                    width: 0.0,
                    height: 0.0,
                },
            ));
        }
    };
    let mut pieces: Vec<Word> = Vec::new();
    for w in ws {
        let ww = fonts.width(w.style.face, w.style.size, &w.text);
        if may_cut && ww > width {
            // Cut an over-long word (a web address, a long compound) by characters.
            let mut part = String::new();
            let mut first = true;
            for c in w.text.chars() {
                let mut next = part.clone();
                next.push(c);
                if !part.is_empty() && fonts.width(w.style.face, w.style.size, &next) > width {
                    pieces.push(Word {
                        text: std::mem::take(&mut part),
                        space: first && w.space,
                        newline: first && w.newline,
                        style: w.style.clone(),
                    });
                    first = false;
                    part.push(c);
                } else {
                    part = next;
                }
            }
            pieces.push(Word {
                text: part,
                space: first && w.space,
                newline: first && w.newline,
                style: w.style.clone(),
            });
        } else {
            pieces.push(w.clone());
        }
    }
    for w in &pieces {
        let ww = fonts.width(w.style.face, w.style.size, &w.text);
        let space = if w.space && !cur.runs.is_empty() {
            fonts.width(w.style.face, w.style.size, " ")
        } else {
            0.0
        };
        if w.newline || (!cur.runs.is_empty() && cur.width + space + ww > width + 0.01) {
            flush(&mut cur, &mut lines);
        }
        let space = if w.space && !cur.runs.is_empty() {
            space
        } else {
            0.0
        };
        let h = w.style.size * LEADING;
        cur.height = cur.height.max(h);
        match cur.runs.last_mut() {
            // The same style continues the run (fewer, longer spans to read).
            Some((_, st, text)) if *st == w.style => {
                if space > 0.0 {
                    text.push(' ');
                }
                text.push_str(&w.text);
            }
            _ => {
                let x = cur.width + space;
                let text = w.text.clone();
                cur.runs.push((x, w.style.clone(), text));
            }
        }
        cur.width += space + ww;
    }
    flush(&mut cur, &mut lines);
    lines
}

/// The longest word of a cell at a style (what a column must at least hold).
fn longest_word(fonts: &Fonts, ws: &[Word]) -> f32 {
    ws.iter()
        .map(|w| fonts.width(w.style.face, w.style.size, &w.text))
        .fold(0.0, f32::max)
}

/// The width of a cell on one line.
fn one_line(fonts: &Fonts, ws: &[Word]) -> f32 {
    let mut total = 0.0f32;
    let mut line = 0.0f32;
    for (i, w) in ws.iter().enumerate() {
        if w.newline && i > 0 {
            total = total.max(line);
            line = 0.0;
        }
        if w.space && line > 0.0 {
            line += fonts.width(w.style.face, w.style.size, " ");
        }
        line += fonts.width(w.style.face, w.style.size, &w.text);
    }
    total.max(line)
}

/// One entry of the outline: depth (0 = top), title, page and y.
struct Mark {
    depth: usize,
    title: String,
    page: usize,
    y: f32,
}

struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Item>>,
    y: f32,
    leaves: usize,
    marks: Vec<Mark>,
    /// The page of each section id (for the contents' page numbers).
    pages_of: BTreeMap<String, usize>,
    /// Page numbers from a first pass, shown in the contents.
    known: BTreeMap<String, usize>,
    /// Where each section's heading stands: page and y (the contents link there).
    anchors: BTreeMap<String, (usize, f32)>,
    /// The SVG options: our fonts and the charts' rules of `style.css`.
    svg: usvg::Options<'static>,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts, known: BTreeMap<String, usize>) -> Layout<'a> {
        let mut db = usvg::fontdb::Database::new();
        for f in [REGULAR, BOLD, ITALIC] {
            db.load_font_data(f.to_vec());
        }
        let svg = usvg::Options {
            font_family: "Liberation Sans".into(),
            fontdb: Arc::new(db),
            style_sheet: Some(chart_css()),
            ..usvg::Options::default()
        };
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
            leaves: 0,
            marks: Vec::new(),
            pages_of: BTreeMap::new(),
            known,
            anchors: BTreeMap::new(),
            svg,
        }
    }

    fn page(&self) -> usize {
        self.pages.len() - 1
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `h` more fits on this one.
    fn need(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn leaf(&mut self) -> usize {
        self.leaves += 1;
        self.leaves
    }

    fn push(&mut self, item: Item) {
        if let Some(p) = self.pages.last_mut() {
            p.push(item);
        }
    }

    /// Draws lines at `x`, breaking pages between lines; all of them belong to `leaf`.
    fn lines(&mut self, lines: &[Line], x: f32, leaf: Option<usize>) {
        for l in lines {
            self.need(l.height);
            let base = self.y + l.height * 0.78;
            for (dx, style, text) in &l.runs {
                self.push(Item::Text {
                    x: x + dx,
                    y: base,
                    style: style.clone(),
                    text: text.clone(),
                    leaf,
                    up: false,
                });
            }
            self.y += l.height;
        }
    }

    /// Draws lines of `text` at `x`, breaking pages between lines; returns their leaves in
    /// reading order, each link of the text a tagged `Link` with its annotations.
    fn flow_lines(&mut self, lines: &[Line], x: f32, text: &[Inline]) -> Vec<TNode> {
        let mut flow = Flow::new();
        for l in lines {
            self.need(l.height);
            let top = self.y;
            self.flow_line(&mut flow, l, x, top, text);
            self.y += l.height;
        }
        flow.finish()
    }

    /// Draws one line of `text` with its top at `top`, its runs' leaves from `flow`.
    fn flow_line(&mut self, flow: &mut Flow, l: &Line, x: f32, top: f32, text: &[Inline]) {
        for (dx, style, t) in &l.runs {
            let (leaf, link) = flow.leaf(self, style);
            self.push(Item::Text {
                x: x + dx,
                y: top + l.height * 0.78,
                style: style.clone(),
                text: t.clone(),
                leaf: Some(leaf),
                up: false,
            });
            let to = style.link.and_then(|i| match text.get(i) {
                Some(Inline::Link { text, href }) => Some((LinkTo::of(href), text.clone())),
                _ => None,
            });
            if let (Some(a), Some((target, alt))) = (link, to) {
                self.push(Item::Link {
                    x: x + dx,
                    y: top,
                    w: self.fonts.width(style.face, style.size, t),
                    h: l.height,
                    target,
                    alt,
                    leaf: a,
                });
            }
        }
    }

    /// A paragraph of `x` in `style` at indent `indent`, as one element of `kind`.
    fn para(&mut self, x: &[Inline], style: &Style, indent: f32, kind: TKind) -> TNode {
        let ws = words(x, style);
        let lines = break_lines(self.fonts, &ws, RIGHT - LEFT - indent, true);
        let nodes = self.flow_lines(&lines, LEFT + indent, x);
        self.y += style.size * 0.5;
        TNode::Group(kind, nodes)
    }

    fn body() -> Style {
        Style {
            face: Face::Regular,
            size: BODY,
            colour: INK,
            link: None,
        }
    }

    fn heading(&mut self, title: &str, depth: usize, id: Option<&str>, in_toc: bool) -> TNode {
        let (size, before) = match depth {
            0 => (20.0, 0.0),
            1 => (15.0, 14.0),
            2 => (12.5, 10.0),
            _ => (11.0, 8.0),
        };
        let style = Style {
            face: Face::Bold,
            size,
            colour: INK,
            link: None,
        };
        let ws = words(&[Inline::Text(title.to_owned())], &style);
        let lines = break_lines(self.fonts, &ws, RIGHT - LEFT, true);
        let h: f32 = lines.iter().map(|l| l.height).sum();
        // A heading keeps at least three lines of what follows with it.
        self.y += before;
        self.need(h + 3.0 * BODY * LEADING);
        if self.y <= TOP {
            // A heading at the top of a page needs no space above it.
        }
        if let Some(id) = id {
            self.pages_of.insert(id.to_owned(), self.page());
            self.anchors.insert(id.to_owned(), (self.page(), self.y));
            if in_toc && depth >= 1 {
                self.marks.push(Mark {
                    depth: depth - 1,
                    title: title.to_owned(),
                    page: self.page(),
                    y: self.y,
                });
            }
        }
        let leaf = self.leaf();
        self.lines(&lines, LEFT, Some(leaf));
        if depth == 1 {
            self.push(Item::Rect {
                x: LEFT,
                y: self.y + 1.0,
                w: RIGHT - LEFT,
                h: 0.0,
                fill: None,
                stroke: Some((LINE, 1.5)),
            });
            self.y += 4.0;
        }
        self.y += 4.0;
        let level = u16::try_from(depth + 1).unwrap_or(6).min(6);
        TNode::Group(
            TKind::Heading(level, title.to_owned()),
            vec![TNode::Leaf(leaf)],
        )
    }

    fn blocks(
        &mut self,
        bs: &[Block],
        depth: usize,
        indent: f32,
    ) -> Result<Vec<TNode>, ReportError> {
        bs.iter().map(|b| self.block(b, depth, indent)).collect()
    }

    fn block(&mut self, b: &Block, depth: usize, indent: f32) -> Result<TNode, ReportError> {
        let body = Layout::body();
        let note = Style {
            face: Face::Regular,
            size: NOTE,
            colour: MUTED,
            link: None,
        };
        Ok(match b {
            Block::Para(x) => self.para(x, &body, indent, TKind::P),
            Block::Note(x) => self.para(x, &note, indent, TKind::P),
            Block::Warning(x) | Block::Lead(x) => self.para(
                x,
                &Style {
                    face: Face::Bold,
                    ..body
                },
                indent,
                TKind::P,
            ),
            Block::Banner(x) => {
                let ws = words(x, &body);
                let pad = 7.0;
                let lines = break_lines(self.fonts, &ws, RIGHT - LEFT - indent - 2.0 * pad, true);
                let h: f32 = lines.iter().map(|l| l.height).sum::<f32>() + 2.0 * pad;
                self.need(h);
                self.push(Item::Rect {
                    x: LEFT + indent,
                    y: self.y,
                    w: RIGHT - LEFT - indent,
                    h,
                    fill: Some(BANNER),
                    stroke: Some((BANNER_EDGE, 0.75)),
                });
                self.y += pad;
                let nodes = self.flow_lines(&lines, LEFT + indent + pad, x);
                self.y += pad + BODY * 0.6;
                TNode::Group(TKind::Note, nodes)
            }
            Block::Bullets(items) => {
                let mut children = Vec::new();
                for i in items {
                    children.push(self.item("•", i, &body, indent));
                }
                self.y += BODY * 0.3;
                TNode::Group(TKind::List, children)
            }
            Block::Figures(items) => {
                let mut children = Vec::new();
                for (n, what) in items {
                    let text = vec![Inline::Strong(n.clone()), Inline::Text(format!(" {what}"))];
                    children.push(self.item("•", &text, &body, indent));
                }
                self.y += BODY * 0.3;
                TNode::Group(TKind::List, children)
            }
            Block::Table(x) => self.table(x, indent),
            Block::Figure(f) => self.figure(f, indent)?,
            Block::Quotes { label, items } => {
                let mut children =
                    vec![self.para(&[Inline::Text(label.clone())], &note, indent, TKind::P)];
                for (q, c) in items {
                    let top = (self.page(), self.y);
                    let text = vec![Inline::Text(format!("“{q}”")), Inline::Small(c.clone())];
                    let node = self.para(&text, &body, indent + 10.0, TKind::P);
                    self.bar(top, indent, ACCENT, 2.5);
                    children.push(TNode::Group(TKind::Quote, vec![node]));
                }
                TNode::Group(TKind::Section, children)
            }
            Block::Joint(parts) => TNode::Group(TKind::Section, self.blocks(parts, depth, indent)?),
            Block::Section(s) => self.section(s, depth + 1, indent)?,
        })
    }

    /// A list item: its label and its text.
    fn item(&mut self, label: &str, x: &[Inline], style: &Style, indent: f32) -> TNode {
        let ws = words(x, style);
        let lines = break_lines(self.fonts, &ws, RIGHT - LEFT - indent - 14.0, true);
        let first = lines.first().map_or(style.size * LEADING, |l| l.height);
        self.need(first);
        let lbl = self.leaf();
        self.push(Item::Text {
            x: LEFT + indent + 3.0,
            y: self.y + first * 0.78,
            style: style.clone(),
            text: label.to_owned(),
            leaf: Some(lbl),
            up: false,
        });
        let body = self.flow_lines(&lines, LEFT + indent + 14.0, x);
        self.y += style.size * 0.2;
        TNode::Group(
            TKind::ListItem,
            vec![
                TNode::Group(TKind::Label, vec![TNode::Leaf(lbl)]),
                TNode::Group(TKind::ListBody, vec![TNode::Group(TKind::P, body)]),
            ],
        )
    }

    /// A bar at the left from `from` to here, on every page between (cards and quotes).
    fn bar(&mut self, from: (usize, f32), indent: f32, colour: Colour, w: f32) {
        let (page, y0) = from;
        let here = self.page();
        for p in page..=here {
            let top = if p == page { y0 } else { TOP };
            let bottom = if p == here { self.y } else { BOTTOM };
            if bottom > top {
                if let Some(items) = self.pages.get_mut(p) {
                    items.push(Item::Rect {
                        x: LEFT + indent,
                        y: top,
                        w,
                        h: bottom - top,
                        fill: Some(colour),
                        stroke: None,
                    });
                }
            }
        }
    }

    fn section(&mut self, s: &Section, depth: usize, indent: f32) -> Result<TNode, ReportError> {
        let indent = if s.card { indent + 10.0 } else { indent };
        let top = (self.page(), self.y);
        let mut children = vec![self.heading(&s.title, depth, Some(&s.id), s.in_toc)];
        if s.card {
            // The heading may have moved to a new page.
            let top = if top.0 == self.page() {
                top
            } else {
                (self.page(), TOP)
            };
            children.extend(self.blocks(&s.blocks, depth, indent)?);
            self.bar(top, indent - 10.0, ACCENT, 3.0);
            self.y += 4.0;
        } else {
            children.extend(self.blocks(&s.blocks, depth, indent)?);
        }
        Ok(TNode::Group(TKind::Section, children))
    }

    fn figure(&mut self, f: &Figure, indent: f32) -> Result<TNode, ReportError> {
        let tree = usvg::Tree::from_str(&f.svg, &self.svg)
            .map_err(|e| ReportError::Pdf(format!("a chart cannot be drawn: {e}")))?;
        let (tw, th) = (tree.size().width(), tree.size().height());
        let avail = RIGHT - LEFT - indent;
        let mut w = (tw * 0.75).min(avail);
        let mut h = th * w / tw.max(1.0);
        let max_h = (BOTTOM - TOP) * 0.8;
        if h > max_h {
            w *= max_h / h;
            h = max_h;
        }
        self.need(h + NOTE * LEADING * 2.0);
        let leaf = self.leaf();
        self.push(Item::Svg {
            x: LEFT + indent,
            y: self.y,
            w,
            h,
            tree: Box::new(tree),
            leaf,
        });
        self.y += h + 3.0;
        let note = Style {
            face: Face::Regular,
            size: NOTE,
            colour: MUTED,
            link: None,
        };
        let caption = self.para(&f.caption, &note, indent, TKind::Caption);
        let mut children = vec![
            TNode::Group(TKind::Figure(f.alt.clone()), vec![TNode::Leaf(leaf)]),
            caption,
        ];
        if let Some(d) = &f.data {
            children.push(self.table(d, indent));
        }
        Ok(TNode::Group(TKind::Section, children))
    }

    /// A table: columns sized to their longest word, the type shrunk until the header fits.
    fn table(&mut self, x: &Table, indent: f32) -> TNode {
        let fonts = self.fonts;
        let n = x
            .header
            .len()
            .max(x.rows.iter().map(Vec::len).max().unwrap_or(0));
        if n == 0 {
            return TNode::Group(TKind::Table, Vec::new());
        }
        let avail = RIGHT - LEFT - indent;
        let pad = 3.0;
        let mut size = if x.wide { 8.0 } else { 9.0 };
        let header_style = |size: f32| Style {
            face: Face::Bold,
            size,
            colour: INK,
            link: None,
        };
        let cell_style = |size: f32, head: bool| Style {
            face: if head { Face::Bold } else { Face::Regular },
            size,
            colour: INK,
            link: None,
        };
        // Words per header and cell at a size.
        let lay = |size: f32| {
            let head: Vec<Vec<Word>> = (0..n)
                .map(|i| {
                    words(
                        &[Inline::Text(x.header.get(i).cloned().unwrap_or_default())],
                        &header_style(size),
                    )
                })
                .collect();
            let rows: Vec<Vec<Vec<Word>>> = x
                .rows
                .iter()
                .map(|r| {
                    (0..n)
                        .map(|i| {
                            let c = r.get(i).cloned().unwrap_or_default();
                            words(&c, &cell_style(size, i == 0 && x.row_headers))
                        })
                        .collect()
                })
                .collect();
            (head, rows)
        };
        // A standing header (a matrix's) adds its lines side by side to the column's width.
        let standing = |head: &[Word]| break_lines(fonts, head, UP_MAX, false);
        let widths = |head: &[Vec<Word>], rows: &[Vec<Vec<Word>>], cells_cut: bool| {
            let mut min = vec![0.0f32; n];
            let mut pref = vec![0.0f32; n];
            for i in 0..n {
                if x.standing(i) {
                    let across: f32 = standing(&head[i]).iter().map(|l| l.height).sum();
                    min[i] = across + 2.0 * pad;
                    pref[i] = min[i];
                } else {
                    min[i] = longest_word(fonts, &head[i]) + 2.0 * pad;
                    pref[i] = one_line(fonts, &head[i]) + 2.0 * pad;
                }
                for r in rows {
                    if !cells_cut {
                        min[i] = min[i].max(longest_word(fonts, &r[i]) + 2.0 * pad);
                    }
                    pref[i] = pref[i].max(one_line(fonts, &r[i]) + 2.0 * pad);
                }
            }
            (min, pref)
        };
        let (mut head, mut rows) = lay(size);
        let (mut min, mut pref) = widths(&head, &rows, false);
        let mut cells_cut = false;
        // Shrink the type until every column holds its longest word.
        while min.iter().sum::<f32>() > avail {
            if size > MIN_TABLE_SIZE + 0.01 {
                size = (size - 0.5).max(MIN_TABLE_SIZE);
            } else if !cells_cut {
                // Cells may now break inside a long word; headers still never do.
                cells_cut = true;
            } else {
                break;
            }
            (head, rows) = lay(size);
            (min, pref) = widths(&head, &rows, cells_cut);
        }
        let sum_min: f32 = min.iter().sum();
        let sum_pref: f32 = pref.iter().sum();
        let cols: Vec<f32> = if sum_pref <= avail {
            // Fill the line, as the HTML table does, in proportion.
            pref.iter().map(|p| p * avail / sum_pref.max(1.0)).collect()
        } else if sum_pref > sum_min {
            let k = ((avail - sum_min) / (sum_pref - sum_min)).max(0.0);
            min.iter()
                .zip(&pref)
                .map(|(a, b)| a + (b - a) * k)
                .collect()
        } else {
            min.clone()
        };
        let mut children = Vec::new();
        // The caption, in bold above the table.
        if !x.caption.is_empty() {
            let cap = Style {
                face: Face::Bold,
                size: BODY * 0.95,
                colour: INK,
                link: None,
            };
            let ws = words(&[Inline::Text(x.caption.clone())], &cap);
            let lines = break_lines(fonts, &ws, avail, true);
            let h: f32 = lines.iter().map(|l| l.height).sum();
            // Keep the caption with the header and a row.
            self.need(h + 4.0 * size * LEADING);
            let leaf = self.leaf();
            self.lines(&lines, LEFT + indent, Some(leaf));
            children.push(TNode::Group(TKind::Caption, vec![TNode::Leaf(leaf)]));
        }
        let cell_lines = |ws: &[Word], i: usize, header: bool| {
            if header && x.standing(i) {
                standing(ws)
            } else {
                break_lines(fonts, ws, cols[i] - 2.0 * pad, !header && cells_cut)
            }
        };
        let head_lines: Vec<Vec<Line>> = (0..n).map(|i| cell_lines(&head[i], i, true)).collect();
        // A standing header is as tall as its longest line.
        let head_h = head_lines
            .iter()
            .enumerate()
            .map(|(i, ls)| {
                if x.standing(i) {
                    ls.iter().map(|l| l.width).fold(0.0, f32::max)
                } else {
                    ls.iter().map(|l| l.height).sum::<f32>()
                }
            })
            .fold(0.0, f32::max)
            + 2.0 * pad;
        let none: Vec<crate::doc::Text> = Vec::new();
        // Draws a row of cells (`texts`: their inlines, for their links); returns each
        // cell's leaves, or none for a repeated header. In the header row, a matrix's
        // columns stand: each line reads bottom to top, lines side by side from the left.
        let draw_row = |me: &mut Layout,
                        cells: &[&[Line]],
                        texts: &[crate::doc::Text],
                        h: f32,
                        head: bool,
                        mut flows: Option<&mut [Flow]>| {
            let mut cx = LEFT + indent;
            let top = me.y;
            for (i, ls) in cells.iter().enumerate() {
                let numeric = x.numeric.get(i).copied().unwrap_or(false);
                let mut flow = flows.as_deref_mut().and_then(|f| f.get_mut(i));
                if head && x.standing(i) {
                    let across: f32 = ls.iter().map(|l| l.height).sum();
                    let mut lx = cx + pad;
                    if numeric {
                        lx += (cols[i] - 2.0 * pad - across).max(0.0);
                    }
                    for l in ls.iter() {
                        for (rx, style, text) in &l.runs {
                            let leaf = flow.as_mut().map(|f| f.leaf(me, style).0);
                            me.push(Item::Text {
                                x: lx + l.height * 0.78,
                                y: top + h - pad - rx,
                                style: style.clone(),
                                text: text.clone(),
                                leaf,
                                up: true,
                            });
                        }
                        lx += l.height;
                    }
                } else {
                    let text = texts.get(i).map_or(&[][..], Vec::as_slice);
                    let mut y = top + pad;
                    for l in ls.iter() {
                        let dx = if numeric {
                            cols[i] - 2.0 * pad - l.width
                        } else {
                            0.0
                        };
                        if let Some(f) = flow.as_mut() {
                            me.flow_line(f, l, cx + pad + dx, y, text);
                        } else {
                            for (rx, style, t) in &l.runs {
                                me.push(Item::Text {
                                    x: cx + pad + dx + rx,
                                    y: y + l.height * 0.78,
                                    style: style.clone(),
                                    text: t.clone(),
                                    leaf: None,
                                    up: false,
                                });
                            }
                        }
                        y += l.height;
                    }
                }
                cx += cols[i];
            }
            me.push(Item::Rect {
                x: LEFT + indent,
                y: top + h,
                w: cols.iter().sum(),
                h: 0.0,
                fill: None,
                stroke: Some((
                    if head { MUTED } else { LINE },
                    if head { 1.0 } else { 0.5 },
                )),
            });
            me.y = top + h;
        };
        let flows = || (0..n).map(|_| Flow::new()).collect::<Vec<Flow>>();
        let head_cells: Vec<&[Line]> = head_lines.iter().map(Vec::as_slice).collect();
        self.need(head_h + size * LEADING + 2.0 * pad);
        let mut head_flows = flows();
        draw_row(
            self,
            &head_cells,
            &none,
            head_h,
            true,
            Some(&mut head_flows),
        );
        let header_row = TNode::Group(
            TKind::Row,
            head_flows
                .into_iter()
                .map(|f| TNode::Group(TKind::Header(TableHeaderScope::Column), f.finish()))
                .collect(),
        );
        children.push(header_row);
        for (r, texts) in rows.iter().zip(&x.rows) {
            let ls: Vec<Vec<Line>> = (0..n).map(|i| cell_lines(&r[i], i, false)).collect();
            let height = |cells: &[&[Line]]| {
                cells
                    .iter()
                    .map(|c| c.iter().map(|l| l.height).sum::<f32>())
                    .fold(0.0, f32::max)
                    + 2.0 * pad
            };
            let mut rest: Vec<&[Line]> = ls.iter().map(Vec::as_slice).collect();
            let mut cells = flows();
            // A page holding only the header again (a row's room at its most).
            let fresh = TOP + head_h;
            loop {
                let h = height(&rest);
                if self.y + h <= BOTTOM {
                    draw_row(self, &rest, texts, h, false, Some(&mut cells));
                    break;
                }
                let room = BOTTOM - self.y - 2.0 * pad;
                let first = rest
                    .iter()
                    .filter_map(|c| c.first().map(|l| l.height))
                    .fold(0.0, f32::max);
                let at_top = self.y <= fresh + 0.01;
                if at_top || (h > BOTTOM - fresh && first <= room) {
                    // Taller than a page: as many lines of each cell as fit here (one at
                    // least at the top of a page), the rest on the next page.
                    let piece: Vec<&[Line]> = rest
                        .iter()
                        .map(|&c| {
                            let mut k = 0;
                            let mut acc = 0.0;
                            while k < c.len() && acc + c[k].height <= room {
                                acc += c[k].height;
                                k += 1;
                            }
                            if k == 0 && at_top && !c.is_empty() {
                                k = 1;
                            }
                            &c[..k]
                        })
                        .collect();
                    let h = height(&piece);
                    draw_row(self, &piece, texts, h, false, Some(&mut cells));
                    for (r, p) in rest.iter_mut().zip(&piece) {
                        let all: &[Line] = r;
                        *r = &all[p.len()..];
                    }
                }
                self.new_page();
                // The header again on the new page, as an artifact.
                draw_row(self, &head_cells, &none, head_h, true, None);
            }
            children.push(TNode::Group(
                TKind::Row,
                cells
                    .into_iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let kind = if i == 0 && x.row_headers {
                            TKind::Header(TableHeaderScope::Row)
                        } else {
                            TKind::Cell
                        };
                        TNode::Group(kind, f.finish())
                    })
                    .collect(),
            ));
        }
        self.y += BODY * 0.8;
        TNode::Group(TKind::Table, children)
    }

    /// The table of contents, with page numbers from the first pass.
    fn toc(&mut self, title: &str, sections: &[Section]) -> TNode {
        let mut children = vec![self.heading(title, 1, None, false)];
        let body = Layout::body();
        let entry = |me: &mut Layout, s: &Section, indent: f32, size: f32| {
            let style = Style {
                size,
                ..body.clone()
            };
            let ws = words(&[Inline::Text(s.title.clone())], &style);
            let lines = break_lines(me.fonts, &ws, RIGHT - LEFT - indent - 36.0, true);
            let h: f32 = lines.iter().map(|l| l.height).sum();
            me.need(h);
            let leaf = me.leaf();
            let top = me.y;
            me.lines(&lines, LEFT + indent, Some(leaf));
            // the whole entry, title to page number, leads to the section
            let link = me.leaf();
            me.push(Item::Link {
                x: LEFT + indent,
                y: top,
                w: RIGHT - LEFT - indent,
                h: (me.y - top).max(1.0),
                target: LinkTo::Section(s.id.clone()),
                alt: s.title.clone(),
                leaf: link,
            });
            let mut parts = vec![TNode::Group(
                TKind::Link,
                vec![TNode::Leaf(leaf), TNode::Leaf(link)],
            )];
            if let Some(p) = me.known.get(&s.id) {
                let num = (p + 1).to_string();
                let w = me.fonts.width(Face::Regular, size, &num);
                let pl = me.leaf();
                me.push(Item::Text {
                    x: RIGHT - w,
                    y: top + lines.first().map_or(h, |l| l.height) * 0.78,
                    style: style.clone(),
                    text: num,
                    leaf: Some(pl),
                    up: false,
                });
                parts.push(TNode::Leaf(pl));
            }
            TNode::Group(TKind::TocItem, parts)
        };
        let mut items = Vec::new();
        for s in sections.iter().filter(|s| s.in_toc) {
            items.push(entry(self, s, 0.0, BODY));
            let subs: Vec<&Section> = s.toc_children().collect();
            if !subs.is_empty() {
                let inner: Vec<TNode> = subs
                    .into_iter()
                    .map(|c| entry(self, c, 14.0, NOTE + 0.5))
                    .collect();
                items.push(TNode::Group(TKind::Toc, inner));
            }
        }
        self.y += BODY;
        children.push(TNode::Group(TKind::Toc, items));
        TNode::Group(TKind::Section, children)
    }

    fn document(&mut self, d: &Document) -> Result<Vec<TNode>, ReportError> {
        let mut top = Vec::new();
        let kicker = Style {
            face: Face::Regular,
            size: BODY,
            colour: MUTED,
            link: None,
        };
        top.push(self.para(&[Inline::Text(d.kicker.clone())], &kicker, 0.0, TKind::P));
        top.push(self.heading(&d.title, 0, None, false));
        for b in &d.front {
            top.push(self.block(b, 0, 0.0)?);
        }
        if let Some(t) = &d.toc {
            top.push(self.toc(t, &d.sections));
        }
        for s in &d.sections {
            top.push(self.section(s, 1, 0.0)?);
        }
        let note = Style {
            face: Face::Regular,
            size: NOTE,
            colour: MUTED,
            link: None,
        };
        self.y += BODY;
        top.push(self.para(&[Inline::Text(d.footer.clone())], &note, 0.0, TKind::P));
        Ok(top)
    }
}

/// The charts' rules of `style.css` (`.chart-…`, `.heat-…`), with its colours filled in:
/// the SVG is styled by the same stylesheet as on the page.
fn chart_css() -> String {
    let css = include_str!("style.css");
    let mut vars: Vec<(String, String)> = Vec::new();
    if let Some(root) = css.lines().find(|l| l.starts_with(":root")) {
        let inner = root
            .split_once('{')
            .and_then(|(_, r)| r.rsplit_once('}'))
            .map_or("", |(a, _)| a);
        for decl in inner.split(';') {
            if let Some((k, v)) = decl.split_once(':') {
                vars.push((format!("var({})", k.trim()), v.trim().to_owned()));
            }
        }
    }
    let mut out = String::new();
    for line in css
        .lines()
        .filter(|l| l.starts_with(".chart-") || l.starts_with(".heat-"))
    {
        let mut l = line.replace("font-family: inherit;", "");
        for (k, v) in &vars {
            l = l.replace(k.as_str(), v);
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// Draws the laid-out pages with krilla and attaches the tag tree and the outline.
fn write(
    fonts: &Fonts,
    d: &Document,
    pages: Vec<Vec<Item>>,
    tree: Vec<TNode>,
    marks: &[Mark],
    anchors: &BTreeMap<String, (usize, f32)>,
) -> Result<Vec<u8>, ReportError> {
    let settings = SerializeSettings {
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut doc = PdfDocument::new_with(settings);
    let mut ids: BTreeMap<usize, Vec<Identifier>> = BTreeMap::new();
    let total = pages.len();
    let page_size = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReportError::Pdf("bad page size".into()))?;
    for (p, items) in pages.into_iter().enumerate() {
        let mut page = doc.start_page_with(page_size.clone());
        let (links, items): (Vec<Item>, Vec<Item>) = items
            .into_iter()
            .partition(|i| matches!(i, Item::Link { .. }));
        let mut s = page.surface();
        for item in items {
            draw(&mut s, fonts, item, &mut ids);
        }
        // The page number, bottom right.
        let num = format!("{} / {total}", p + 1);
        let style = Style {
            face: Face::Regular,
            size: NOTE,
            colour: MUTED,
            link: None,
        };
        let w = fonts.width(Face::Regular, NOTE, &num);
        s.start_tagged(ContentTag::Artifact(Artifact::new(
            ArtifactType::PageNumber,
            None,
        )));
        text(&mut s, fonts, RIGHT - w, PAGE_H - 40.0, &style, &num);
        s.end_tagged();
        s.finish();
        for l in links {
            let Item::Link {
                x,
                y,
                w,
                h,
                target,
                alt,
                leaf,
            } = l
            else {
                continue;
            };
            let Some(rect) = Rect::from_xywh(x, y, w, h) else {
                continue;
            };
            let to = match target {
                LinkTo::Section(id) => match anchors.get(&id) {
                    Some(&(to_page, to_y)) => Target::Destination(Destination::Xyz(
                        XyzDestination::new(to_page, Point::from_xy(LEFT, to_y)),
                    )),
                    // a section this document does not have: the text stays, unlinked
                    None => continue,
                },
                LinkTo::Uri(uri) => Target::Action(LinkAction::new(uri).into()),
            };
            let annotation = Annotation::new_link(LinkAnnotation::new(rect, to), Some(alt));
            let id = page.add_tagged_annotation(annotation);
            ids.entry(leaf).or_default().push(id);
        }
        page.finish();
    }
    let mut tag_tree = TagTree::new().with_lang(Some(d.lang.code().to_owned()));
    for n in tree {
        for node in build(n, &mut ids) {
            tag_tree.push(node);
        }
    }
    doc.set_tag_tree(tag_tree);
    doc.set_outline(outline(marks));
    doc.set_metadata(
        Metadata::new()
            .title(d.doc_title.clone())
            .language(d.lang.code().to_owned())
            .creator("leernet".to_owned()),
    );
    doc.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

fn text(s: &mut Surface, fonts: &Fonts, x: f32, y: f32, style: &Style, t: &str) {
    s.set_fill(Some(Fill {
        paint: style.colour.rgb().into(),
        ..Fill::default()
    }));
    s.draw_text(
        Point::from_xy(x, y),
        fonts.draw[Fonts::index(style.face)].clone(),
        style.size,
        t,
        false,
        TextDirection::LeftToRight,
    );
}

fn draw(s: &mut Surface, fonts: &Fonts, item: Item, ids: &mut BTreeMap<usize, Vec<Identifier>>) {
    match item {
        Item::Text {
            x,
            y,
            style,
            text: t,
            leaf,
            up,
        } => {
            let id = match leaf {
                Some(_) => Some(s.start_tagged(ContentTag::Span(SpanTag::empty()))),
                None => {
                    s.start_tagged(ContentTag::Artifact(Artifact::new(
                        ArtifactType::PaginationOther,
                        None,
                    )));
                    None
                }
            };
            if up {
                // a quarter turn to the left about (x, y): the text reads bottom to top
                s.push_transform(&Transform::from_row(0.0, -1.0, 1.0, 0.0, x, y));
                text(s, fonts, 0.0, 0.0, &style, &t);
                s.pop();
            } else {
                text(s, fonts, x, y, &style, &t);
            }
            s.end_tagged();
            if let (Some(leaf), Some(id)) = (leaf, id) {
                ids.entry(leaf).or_default().push(id);
            }
        }
        Item::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => {
            let mut pb = PathBuilder::new();
            if h <= 0.0 {
                pb.move_to(x, y);
                pb.line_to(x + w, y);
            } else if let Some(r) = Rect::from_xywh(x, y, w, h) {
                pb.push_rect(r);
            }
            if let Some(path) = pb.finish() {
                s.start_tagged(ContentTag::Artifact(Artifact::new(
                    ArtifactType::Layout,
                    None,
                )));
                s.set_fill(fill.map(|c| Fill {
                    paint: c.rgb().into(),
                    ..Fill::default()
                }));
                s.set_stroke(stroke.map(|(c, width)| Stroke {
                    paint: c.rgb().into(),
                    width,
                    ..Stroke::default()
                }));
                s.draw_path(&path);
                s.set_stroke(None);
                s.end_tagged();
            }
        }
        Item::Svg {
            x,
            y,
            w,
            h,
            tree,
            leaf,
        } => {
            let id = s.start_tagged(ContentTag::Span(SpanTag::empty()));
            s.push_transform(&Transform::from_translate(x, y));
            if let Some(size) = Size::from_wh(w, h) {
                s.draw_svg(&tree, size, SvgSettings::default());
            }
            s.pop();
            s.end_tagged();
            ids.entry(leaf).or_default().push(id);
        }
        // annotations, added to the page by `write`, not drawn
        Item::Link { .. } => {}
    }
}

/// The krilla nodes of one node of our tree (a leaf may have several identifiers, one
/// per line or page it was drawn on, or none).
fn build(n: TNode, ids: &mut BTreeMap<usize, Vec<Identifier>>) -> Vec<Node> {
    match n {
        TNode::Leaf(l) => ids
            .remove(&l)
            .unwrap_or_default()
            .into_iter()
            .map(Node::from)
            .collect(),
        TNode::Group(kind, children) => {
            let nodes: Vec<Node> = children.into_iter().flat_map(|c| build(c, ids)).collect();
            if nodes.is_empty() {
                Vec::new()
            } else {
                vec![TagGroup::with_children(kind.tag(), nodes).into()]
            }
        }
    }
}

/// The bookmarks: top sections and the level below, as the table of contents lists them.
fn outline(marks: &[Mark]) -> Outline {
    let mut outline = Outline::new();
    let mut current: Option<OutlineNode> = None;
    for m in marks {
        let node = OutlineNode::new(
            m.title.clone(),
            XyzDestination::new(m.page, Point::from_xy(LEFT, m.y)),
        );
        if m.depth == 0 {
            if let Some(c) = current.take() {
                outline.push_child(c);
            }
            current = Some(node);
        } else if let Some(c) = current.as_mut() {
            c.push_child(node);
        } else {
            outline.push_child(node);
        }
    }
    if let Some(c) = current.take() {
        outline.push_child(c);
    }
    outline
}

/// The document as a PDF file. Laid out twice: the first pass finds the page of every
/// section for the table of contents, the second draws it.
pub fn render(d: &Document) -> Result<Vec<u8>, ReportError> {
    let fonts = Fonts::load()?;
    let mut first = Layout::new(&fonts, BTreeMap::new());
    first.document(d)?;
    let known = std::mem::take(&mut first.pages_of);
    drop(first);
    let mut second = Layout::new(&fonts, known);
    let tree = second.document(d)?;
    let marks = std::mem::take(&mut second.marks);
    let anchors = std::mem::take(&mut second.anchors);
    write(&fonts, d, second.pages, tree, &marks, &anchors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_rules_come_from_the_stylesheet_with_their_colours() {
        let css = chart_css();
        assert!(css.contains(".chart-bar { fill: #2f7fb5; }"), "{css}");
        assert!(!css.contains("var("), "{css}");
        assert!(!css.contains("inherit"), "{css}");
    }

    #[test]
    fn a_header_never_breaks_inside_a_word() {
        let fonts = Fonts::load().unwrap();
        let style = Style {
            face: Face::Bold,
            size: 9.0,
            colour: INK,
            link: None,
        };
        let ws = words(
            &[Inline::Text("Herkenbaarheid van het profiel".into())],
            &style,
        );
        // Narrower than the longest word: it overflows on its own line, never cut.
        let lines = break_lines(&fonts, &ws, 20.0, false);
        let texts: Vec<String> = lines
            .iter()
            .flat_map(|l| l.runs.iter().map(|r| r.2.clone()))
            .collect();
        assert_eq!(texts, ["Herkenbaarheid", "van", "het", "profiel"]);
    }

    fn doc(blocks: Vec<Block>) -> Document {
        let mut s = Section::new("a", "Een sectie");
        s.blocks = blocks;
        Document {
            kind: crate::doc::Kind::Report,
            lang: leernet_core::Lang::Nl,
            doc_title: "Titel".into(),
            kicker: "Rapport".into(),
            title: "Titel".into(),
            front: Vec::new(),
            toc: Some("Inhoud".into()),
            sections: vec![s],
            footer: "Voet".into(),
        }
    }

    #[test]
    fn a_chart_that_cannot_be_drawn_is_an_error_not_a_gap() {
        let d = doc(vec![Block::Figure(Figure {
            svg: "geen svg".into(),
            alt: "Grafiek".into(),
            caption: crate::doc::t("n = 3"),
            data: None,
        })]);
        assert!(matches!(render(&d), Err(ReportError::Pdf(m)) if m.contains("chart")));
        let ok = doc(vec![Block::Para(crate::doc::t("Een alinea."))]);
        let pdf = render(&ok).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(
            pdf,
            render(&ok).unwrap(),
            "the same document, the same bytes"
        );
    }

    /// Every entry of the contents is a link to its section: a link annotation with an
    /// explicit destination, tagged as a `Link` inside its `TOCI`.
    #[test]
    fn the_contents_link_to_their_sections() {
        let mut d = doc(vec![Block::Para(crate::doc::t("Een alinea."))]);
        let mut b = Section::new("b", "Een tweede sectie");
        b.blocks = vec![Block::Para(crate::doc::t("Nog een alinea."))];
        d.sections.push(b);
        let pdf = render(&d).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert_eq!(
            text.matches("/Subtype/Link").count(),
            2,
            "one link per entry of the contents"
        );
        assert_eq!(
            text.matches("/Border[0 0 0]/Dest ").count(),
            2,
            "each to a destination"
        );
        assert_eq!(text.matches("/S/Link").count(), 2, "tagged as links");
        assert!(text.contains("/S/TOCI/P"), "inside the contents' items");
        assert!(
            text.contains("/Contents(Een tweede sectie)"),
            "with its title as alt text"
        );
    }

    /// The text `pdftotext` reads from a PDF (as the plain_text tests read it), or `None`
    /// without poppler (under `CI` the testkit insists).
    fn pdftotext(name: &str, pdf: &[u8]) -> Option<String> {
        let tool =
            leernet_testkit::tools::program("pdftotext (poppler-utils)", &["pdftotext"], "-v")?;
        // A folder of this call's own: the tests run in parallel, and one removing a shared
        // folder took the other's file away (seen once in a full run).
        let dir =
            std::env::temp_dir().join(format!("leernet-render-pdf-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{name}.pdf"));
        std::fs::write(&file, pdf).unwrap();
        let out = std::process::Command::new(tool)
            .arg(&file)
            .arg("-")
            .output()
            .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(out.status.success());
        Some(String::from_utf8(out.stdout).unwrap())
    }

    const LONG: &str = "Herkenbaarheid van het profiel voor de deelnemers";

    /// A matrix of many columns: its headers after the first must stand up to fit A4.
    fn matrix() -> Table {
        let mut header = vec!["Netwerk".to_owned(), LONG.to_owned()];
        header.extend((1..=14).map(|i| format!("Samenwerkingsverbanden {i}")));
        let rows = ["Havenmond Wijkkracht", "Polderhart"]
            .iter()
            .map(|n| {
                std::iter::once(n.to_string())
                    .chain((0..15).map(|i| (40 + i).to_string()))
                    .collect()
            })
            .collect();
        Table::plain("Alle netwerken".into(), header, rows)
            .numeric((0..16).map(|i| i > 0).collect())
            .matrix()
    }

    /// A matrix's column headers after the first stand up (drawn turned a quarter to the
    /// left, reading bottom to top), each line whole words, wrapped only at a space; the
    /// first header and the cells read across; every header is still a `TH` of the tag
    /// tree with its text; the type stays at its size (nothing had to shrink).
    #[test]
    fn a_matrix_header_stands_up_and_is_never_split() {
        let fonts = Fonts::load().unwrap();
        let mut layout = Layout::new(&fonts, BTreeMap::new());
        let node = layout.table(&matrix(), 0.0);
        let texts: Vec<(bool, String, f32)> = layout.pages[0]
            .iter()
            .filter_map(|i| match i {
                Item::Text {
                    text, up, style, ..
                } => Some((*up, text.clone(), style.size)),
                _ => None,
            })
            .collect();
        let up: Vec<&str> = texts.iter().filter(|t| t.0).map(|t| t.1.as_str()).collect();
        assert_eq!(
            up[..2],
            ["Herkenbaarheid van het profiel", "voor de deelnemers"]
        );
        assert_eq!(up[2], "Samenwerkingsverbanden 1");
        assert_eq!(up.len(), 16, "{up:?}");
        assert!(texts.iter().any(|t| !t.0 && t.1 == "Netwerk"));
        assert!(texts.iter().any(|t| !t.0 && t.1 == "Havenmond Wijkkracht"));
        assert!(
            texts[1..].iter().all(|t| t.2 == 8.0),
            "the type shrank: {texts:?}"
        );
        // The header row of the tag tree: a TH per column, each with its text.
        let TNode::Group(TKind::Table, rows) = node else {
            panic!("not a table")
        };
        let TNode::Group(TKind::Row, heads) = &rows[1] else {
            panic!("no header row")
        };
        assert_eq!(heads.len(), 16);
        assert!(heads.iter().all(|h| matches!(
            h,
            TNode::Group(TKind::Header(TableHeaderScope::Column), l) if !l.is_empty()
        )));
        // In the file: the same bytes twice, and the headers read whole by pdftotext.
        let d = doc(vec![Block::Table(matrix())]);
        let pdf = render(&d).unwrap();
        assert_eq!(pdf, render(&d).unwrap());
        if let Some(text) = pdftotext("matrix", &pdf) {
            // every word whole (a standing line comes out a word a line)
            let words: Vec<&str> = text.split_whitespace().collect();
            for w in LONG.split(' ').chain(["Samenwerkingsverbanden", "Netwerk"]) {
                assert!(words.contains(&w), "{w}: {text}");
            }
            assert_eq!(text.matches("Samenwerkingsverbanden").count(), 14);
        }
    }

    /// A link in the text is a link in the PDF: `#id` to its section's heading, another
    /// file of the report as a URI (an HTML file as the PDF beside it), each annotation
    /// tagged inside a `Link` element with its text as alternative text; the text before
    /// and after stays in the paragraph in reading order.
    #[test]
    fn links_in_the_text_are_links_in_the_pdf() {
        let link = |text: &str, href: &str| Inline::Link {
            text: text.into(),
            href: href.into(),
        };
        let mut d = doc(vec![
            Block::Para(vec![
                Inline::Text("Zie ".into()),
                link("de tweede sectie", "#b"),
                Inline::Text(" en ".into()),
                link(
                    "de handreiking van Polderhart",
                    "handreikingen/polderhart.html",
                ),
                Inline::Text(".".into()),
            ]),
            Block::Table(Table {
                caption: "Handreikingen".into(),
                header: vec!["Netwerk".into()],
                rows: vec![vec![vec![link(
                    "Havenmond",
                    "handreikingen/havenmond.html",
                )]]],
                numeric: vec![false],
                row_headers: false,
                wide: false,
            }),
        ]);
        d.toc = None;
        let mut b = Section::new("b", "Een tweede sectie");
        b.blocks = vec![Block::Para(crate::doc::t("Nog een alinea."))];
        d.sections.push(b);
        let pdf = render(&d).unwrap();
        assert_eq!(pdf, render(&d).unwrap(), "the same bytes");
        let text = String::from_utf8_lossy(&pdf);
        assert_eq!(text.matches("/Subtype/Link").count(), 3, "three links");
        assert_eq!(text.matches("/S/Link").count(), 3, "each tagged as a link");
        assert_eq!(
            text.matches("/Border[0 0 0]/Dest ").count(),
            1,
            "one to a section"
        );
        assert!(
            text.contains("/URI(handreikingen/polderhart.pdf)"),
            "{text}"
        );
        assert!(text.contains("/URI(handreikingen/havenmond.pdf)"));
        for alt in [
            "de tweede sectie",
            "de handreiking van Polderhart",
            "Havenmond",
        ] {
            assert!(text.contains(&format!("/Contents({alt})")), "{alt}");
        }
        // The paragraph's tags in reading order: text, link, text, link, text.
        let fonts = Fonts::load().unwrap();
        let mut layout = Layout::new(&fonts, BTreeMap::new());
        let Block::Para(x) = &d.sections[0].blocks[0] else {
            panic!()
        };
        let TNode::Group(TKind::P, parts) = layout.para(x, &Layout::body(), 0.0, TKind::P) else {
            panic!("not a paragraph")
        };
        let shape: Vec<&str> = parts
            .iter()
            .map(|p| match p {
                TNode::Leaf(_) => "text",
                TNode::Group(TKind::Link, _) => "link",
                TNode::Group(..) => "other",
            })
            .collect();
        assert_eq!(shape, ["text", "link", "text", "link", "text"]);
        if let Some(t) = pdftotext("links", &pdf) {
            assert!(
                t.contains("Zie de tweede sectie en de handreiking van Polderhart."),
                "{t}"
            );
        }
    }

    /// A row taller than a page is split between its lines over as many pages as it needs,
    /// the header again on each; nothing is drawn below the bottom margin, every word is
    /// drawn once, and the row is still one `TR` whose cells hold all their text.
    #[test]
    fn a_row_taller_than_a_page_is_split_not_drawn_off_the_page() {
        let long: Vec<String> = (1..=2500).map(|i| format!("woord{i}")).collect();
        let x = Table::plain(
            "Een lange rij".into(),
            vec!["Netwerk".into(), "Toelichting".into()],
            vec![
                vec!["Havenmond".into(), long.join(" ")],
                vec!["Polderhart".into(), "kort".into()],
            ],
        );
        let fonts = Fonts::load().unwrap();
        let mut layout = Layout::new(&fonts, BTreeMap::new());
        let node = layout.table(&x, 0.0);
        assert!(layout.pages.len() >= 3, "{} pages", layout.pages.len());
        let mut drawn: Vec<String> = Vec::new();
        for (p, items) in layout.pages.iter().enumerate() {
            for i in items {
                if let Item::Text {
                    y, text, leaf, up, ..
                } = i
                {
                    assert!(*y <= BOTTOM && *y >= TOP, "page {p}: {text:?} at {y}");
                    if leaf.is_some() && !up {
                        drawn.extend(text.split(' ').map(str::to_owned));
                    }
                }
            }
        }
        let words: Vec<&String> = drawn.iter().filter(|w| w.starts_with("woord")).collect();
        assert_eq!(
            words,
            long.iter().collect::<Vec<_>>(),
            "every word once, in order"
        );
        assert!(drawn.contains(&"kort".to_owned()));
        let TNode::Group(TKind::Table, rows) = node else {
            panic!("not a table")
        };
        // caption, header row and the two rows
        assert_eq!(rows.len(), 4);
        assert!(matches!(&rows[2], TNode::Group(TKind::Row, cells) if cells.len() == 2));
    }

    #[test]
    fn words_keep_their_spaces_across_emphasis() {
        let style = Layout::body();
        let ws = words(
            &[
                Inline::Text("In ".into()),
                Inline::Strong("12 van de 17".into()),
                Inline::Text(" netwerken.".into()),
            ],
            &style,
        );
        let spaced: Vec<(bool, &str)> = ws.iter().map(|w| (w.space, w.text.as_str())).collect();
        assert_eq!(
            spaced,
            [
                (false, "In"),
                (true, "12"),
                (true, "van"),
                (true, "de"),
                (true, "17"),
                (true, "netwerken.")
            ]
        );
    }
}
