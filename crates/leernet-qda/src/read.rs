//! The lenient reader, hardened against hostile input.

use crate::guid;
use crate::model::*;
use crate::{QdaError, Report, Result};
use roxmltree::{Document, Node, ParsingOptions};
use std::collections::{BTreeMap, BTreeSet};

/// How deep codes may nest (deeper is refused rather than risking the stack).
pub const MAX_CODE_DEPTH: usize = 200;

/// Limits on what an archive may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the archive.
    pub max_entries: usize,
    /// Unpacked bytes of one entry.
    pub max_entry_bytes: u64,
    /// Unpacked bytes of all entries together.
    pub max_total_bytes: u64,
    /// XML nodes in one document.
    pub max_xml_nodes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_entry_bytes: 256 << 20,
            max_total_bytes: 1 << 30,
            max_xml_nodes: 10_000_000,
        }
    }
}

fn xml_err(file: &str, message: impl Into<String>) -> QdaError {
    QdaError::Xml {
        file: file.to_owned(),
        message: message.into(),
    }
}

fn invalid(file: &str, message: impl Into<String>) -> QdaError {
    QdaError::Invalid {
        file: file.to_owned(),
        message: message.into(),
    }
}

/// Bytes to text: a UTF-8 BOM is dropped, UTF-16 with a BOM is decoded; anything else must
/// be UTF-8.
fn decode(file: &str, bytes: &[u8], report: &mut Report) -> Result<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        report.convert(format!("{file}: a UTF-8 byte order mark was dropped"));
        return std::str::from_utf8(rest)
            .map(str::to_owned)
            .map_err(|e| invalid(file, format!("not valid UTF-8 ({e})")));
    }
    let utf16 = |le: bool, rest: &[u8]| -> Result<String> {
        if rest.len() % 2 != 0 {
            return Err(invalid(file, "odd number of bytes in UTF-16 text"));
        }
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<std::result::Result<String, _>>()
            .map_err(|_| invalid(file, "not valid UTF-16"))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        report.convert(format!(
            "{file}: UTF-16 text was read and converted to UTF-8"
        ));
        return utf16(true, rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        report.convert(format!(
            "{file}: UTF-16 text was read and converted to UTF-8"
        ));
        return utf16(false, rest);
    }
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| invalid(file, format!("not valid UTF-8 ({e})")))
}

/// Parses XML safely: a DTD is refused when it declares entities (external entities and
/// billion-laughs expansion need them), and the node count is limited.
pub(crate) fn parse_xml<'a>(file: &str, text: &'a str, limits: &Limits) -> Result<Document<'a>> {
    let has_dtd = text.contains("<!DOCTYPE");
    if has_dtd && text.contains("<!ENTITY") {
        return Err(xml_err(
            file,
            "the XML declares entities in a DOCTYPE; refused (external entities and entity expansion are not allowed)",
        ));
    }
    let opts = ParsingOptions {
        allow_dtd: has_dtd,
        nodes_limit: limits.max_xml_nodes,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, opts)
        .map_err(|e| xml_err(file, format!("not well-formed XML: {e}")))
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn text_of(n: Option<Node>) -> String {
    n.map(|n| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<String>()
    })
    .unwrap_or_default()
}

fn attr<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attributes().find(|a| a.name() == name).map(|a| a.value())
}

struct Guids<'r> {
    file: String,
    report: &'r mut Report,
    changed: usize,
}

impl Guids<'_> {
    fn get(&mut self, n: Node, name: &str) -> Result<String> {
        let raw = attr(n, name).unwrap_or("");
        self.norm(raw).ok_or_else(|| {
            invalid(
                &self.file,
                format!(
                    "a {} element (line {}) has no {name}",
                    n.tag_name().name(),
                    line(n)
                ),
            )
        })
    }

    fn opt(&mut self, n: Node, name: &str) -> Option<String> {
        attr(n, name).and_then(|raw| self.norm(raw))
    }

    fn norm(&mut self, raw: &str) -> Option<String> {
        let (g, changed) = guid::normalise(raw)?;
        if changed {
            self.changed += 1;
        }
        Some(g)
    }

    fn finish(self) {
        if self.changed > 0 {
            self.report.convert(format!(
                "{}: {} GUIDs written with braces, upper case or spaces were normalised to lower case without braces",
                self.file, self.changed
            ));
        }
    }
}

fn line(n: Node) -> u32 {
    n.document().text_pos_at(n.range().start).row
}

fn check_namespace(file: &str, root: Node, kind: &str, report: &mut Report) {
    let expected = format!("urn:QDA-XML:{kind}:1.0");
    match root.tag_name().namespace() {
        Some(ns) if ns == expected => {}
        Some(ns) => report.convert(format!("{file}: namespace {ns:?} was read as {expected:?}")),
        None => report.convert(format!("{file}: no namespace; read as {expected:?}")),
    }
}

fn colour(raw: &str) -> Option<String> {
    let s = raw.trim();
    if let Some(hex) = s.strip_prefix('#') {
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        return match hex.len() {
            6 => Some(format!("#{}", hex.to_ascii_lowercase())),
            8 => Some(format!("#{}", hex[..6].to_ascii_lowercase())),
            3 => Some(format!(
                "#{}",
                hex.chars()
                    .flat_map(|c| [c, c])
                    .collect::<String>()
                    .to_ascii_lowercase()
            )),
            _ => None,
        };
    }
    let inner = s
        .strip_prefix("rgba(")
        .or_else(|| s.strip_prefix("rgb("))?
        .strip_suffix(')')?;
    let parts: Vec<u8> = inner
        .split(',')
        .take(3)
        .map(|p| p.trim().parse::<u8>())
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    (parts.len() == 3).then(|| format!("#{:02x}{:02x}{:02x}", parts[0], parts[1], parts[2]))
}

/// Reads the `Codes` under `codes_node` into `out` (parents first).
fn read_codes(
    codes_node: Node,
    depth: usize,
    parent: Option<&str>,
    g: &mut Guids,
    out: &mut Vec<QdaCode>,
    seen: &mut BTreeSet<String>,
    stats: &mut BTreeMap<&'static str, usize>,
) -> Result<()> {
    if depth > MAX_CODE_DEPTH {
        return Err(invalid(
            &g.file,
            format!("codes are nested more than {MAX_CODE_DEPTH} levels deep"),
        ));
    }
    for c in children(codes_node, "Code") {
        let id = g.get(c, "guid")?;
        if !seen.insert(id.clone()) {
            return Err(QdaError::CodebookCycle {
                file: g.file.clone(),
                guid: id,
            });
        }
        let name = attr(c, "name").unwrap_or("").to_owned();
        if name.is_empty() {
            *stats.entry("codes without a name").or_default() += 1;
        }
        let codable = match attr(c, "isCodable").map(str::trim) {
            Some("true") | Some("1") => true,
            Some("false") | Some("0") => false,
            None => {
                *stats
                    .entry("codes without isCodable (read as codable)")
                    .or_default() += 1;
                true
            }
            Some(_) => {
                *stats
                    .entry("codes with an unreadable isCodable (read as codable)")
                    .or_default() += 1;
                true
            }
        };
        let color = match attr(c, "color") {
            None => None,
            Some(raw) => {
                let col = colour(raw);
                if col.is_none() {
                    *stats
                        .entry("code colours that are not #RRGGBB (dropped)")
                        .or_default() += 1;
                } else if col.as_deref() != Some(raw) {
                    *stats
                        .entry("code colours rewritten as #rrggbb")
                        .or_default() += 1;
                }
                col
            }
        };
        out.push(QdaCode {
            guid: id.clone(),
            name,
            description: text_of(child(c, "Description")),
            color,
            codable,
            parent: parent.map(str::to_owned),
        });
        read_codes(c, depth + 1, Some(&id), g, out, seen, stats)?;
    }
    Ok(())
}

fn report_code_stats(file: &str, stats: BTreeMap<&'static str, usize>, report: &mut Report) {
    for (what, n) in stats {
        if what.starts_with("notes") {
            report.lose(format!("{file}: {n} {what}"));
        } else {
            report.convert(format!("{file}: {n} {what}"));
        }
    }
}

/// Reads a codebook (`.qdc`) into a project without users or sources.
pub fn read_qdc(bytes: &[u8], limits: &Limits) -> Result<(QdaProject, Report)> {
    let file = "codebook";
    let mut report = Report::default();
    let text = decode(file, bytes, &mut report)?;
    let doc = parse_xml(file, &text, limits)?;
    let root = doc.root_element();
    if root.tag_name().name() != "CodeBook" {
        return Err(invalid(
            file,
            format!(
                "the root element is {:?}, not CodeBook: this is not a REFI-QDA codebook",
                root.tag_name().name()
            ),
        ));
    }
    check_namespace(file, root, "codebook", &mut report);
    let mut g = Guids {
        file: file.into(),
        report: &mut Report::default(),
        changed: 0,
    };
    let mut codes = Vec::new();
    let mut stats = BTreeMap::new();
    if let Some(c) = child(root, "Codes") {
        read_codes(
            c,
            0,
            None,
            &mut g,
            &mut codes,
            &mut BTreeSet::new(),
            &mut stats,
        )?;
    }
    let changed = g.changed;
    if changed > 0 {
        report.convert(format!(
            "{file}: {changed} GUIDs written with braces, upper case or spaces were normalised to lower case without braces"
        ));
    }
    report_code_stats(file, stats, &mut report);
    if let Some(sets) = child(root, "Sets") {
        let n = children(sets, "Set").count();
        if n > 0 {
            report.lose(format!("{file}: {n} code sets (leernet has no sets)"));
        }
    }
    let origin = attr(root, "origin").map(str::to_owned);
    Ok((
        QdaProject {
            name: origin.clone().unwrap_or_else(|| "codebook".into()),
            origin,
            codes,
            ..QdaProject::default()
        },
        report,
    ))
}

/// How a file counted positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    CodePoints,
    CrLfAsOne,
    Utf16,
    Utf8,
}

impl Unit {
    fn describe(self) -> &'static str {
        match self {
            Unit::CodePoints => "Unicode code points",
            Unit::CrLfAsOne => "code points with CRLF counted as one character",
            Unit::Utf16 => "UTF-16 code units",
            Unit::Utf8 => "UTF-8 bytes",
        }
    }
}

/// Maps offsets in `unit` to code-point offsets, or `None` when one lies outside the text
/// or inside a character.
fn map_offsets(text: &str, unit: Unit, offsets: &[i64]) -> Option<Vec<usize>> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut out = vec![0usize; offsets.len()];
    let mut k = 0;
    let mut u: i64 = 0;
    let mut cp = 0usize;
    let mut chars = text.chars().peekable();
    loop {
        while k < order.len() && offsets[order[k]] <= u {
            if offsets[order[k]] != u {
                return None;
            }
            out[order[k]] = cp;
            k += 1;
        }
        let Some(c) = chars.next() else { break };
        let w = match unit {
            Unit::CodePoints => 1,
            Unit::CrLfAsOne => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    0
                } else {
                    1
                }
            }
            Unit::Utf16 => c.len_utf16() as i64,
            Unit::Utf8 => c.len_utf8() as i64,
        };
        u += w;
        cp += 1;
    }
    (k == order.len()).then_some(out)
}

fn slice_cp(text: &str, a: usize, b: usize) -> String {
    text.chars().skip(a).take(b.saturating_sub(a)).collect()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct RawSel {
    guid: String,
    name: Option<String>,
    start: i64,
    end: i64,
    description: String,
    codings: Vec<QdaCoding>,
}

/// Chooses the unit in which a source's positions are counted and converts them.
fn convert_positions(
    file: &str,
    source_name: &str,
    text: &str,
    sels: &[RawSel],
    nvivo: bool,
    report: &mut Report,
) -> Result<Vec<(usize, usize)>> {
    let offsets: Vec<i64> = sels.iter().flat_map(|s| [s.start, s.end]).collect();
    let mut units = vec![Unit::CodePoints];
    if text.contains("\r\n") {
        units.push(Unit::CrLfAsOne);
    }
    if !text.is_ascii() {
        units.push(Unit::Utf16);
        units.push(Unit::Utf8);
    }
    let mut best: Option<(Unit, usize, Vec<usize>)> = None;
    let named = sels.iter().filter(|s| s.name.is_some()).count();
    for unit in units {
        let Some(mapped) = map_offsets(text, unit, &offsets) else {
            continue;
        };
        let mut score = 0;
        for (i, s) in sels.iter().enumerate() {
            if let Some(n) = &s.name {
                let got = slice_cp(text, mapped[2 * i], mapped[2 * i + 1]);
                if squash(&got) == squash(n) {
                    score += 1;
                }
            }
        }
        // NVivo for Windows counts UTF-16 units: without names to decide, trust that.
        if named == 0 && nvivo && unit == Unit::Utf16 && text.chars().any(|c| c.len_utf16() == 2) {
            score += 1;
        }
        if best.as_ref().is_none_or(|b| score > b.1) {
            best = Some((unit, score, mapped));
        }
    }
    let Some((unit, _, mapped)) = best else {
        let (s, len) = sels
            .iter()
            .map(|s| (s, text.chars().count()))
            .find(|(s, _)| {
                map_offsets(text, Unit::CodePoints, &[s.start, s.end]).is_none() || s.start > s.end
            })
            .unwrap_or((&sels[0], text.chars().count()));
        return Err(QdaError::PositionOutside {
            file: file.to_owned(),
            source_name: source_name.to_owned(),
            selection: s.guid.clone(),
            start: s.start,
            end: s.end,
            len,
        });
    };
    let out: Vec<(usize, usize)> = (0..sels.len())
        .map(|i| (mapped[2 * i], mapped[2 * i + 1]))
        .collect();
    if unit != Unit::CodePoints
        && out
            .iter()
            .zip(sels)
            .any(|((a, b), s)| *a as i64 != s.start || *b as i64 != s.end)
    {
        report.convert(format!(
            "{file}: the positions in source {source_name:?} count {}; converted to code points",
            unit.describe()
        ));
    }
    Ok(out)
}

/// The files of an archive that the reader may need, by path inside the archive.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Reads a `project.qde` document with the archive's other files (`sources/...`).
pub fn read_qde(
    file: &str,
    bytes: &[u8],
    files: &Files,
    limits: &Limits,
) -> Result<(QdaProject, Report)> {
    let mut report = Report::default();
    let text = decode(file, bytes, &mut report)?;
    let doc = parse_xml(file, &text, limits)?;
    let root = doc.root_element();
    if root.tag_name().name() != "Project" {
        return Err(invalid(
            file,
            format!(
                "the root element is {:?}, not Project: this is not a REFI-QDA project",
                root.tag_name().name()
            ),
        ));
    }
    check_namespace(file, root, "project", &mut report);
    let origin = attr(root, "origin").map(str::to_owned);
    let nvivo = origin.as_deref().is_some_and(|o| o.contains("NVivo"));
    let mut guid_report = Report::default();
    let mut g = Guids {
        file: file.to_owned(),
        report: &mut guid_report,
        changed: 0,
    };

    let mut users = Vec::new();
    if let Some(us) = child(root, "Users") {
        for u in children(us, "User") {
            users.push(QdaUser {
                guid: g.get(u, "guid")?,
                name: attr(u, "name").unwrap_or("").to_owned(),
                id: attr(u, "id").map(str::to_owned),
            });
        }
    }
    let mut codes = Vec::new();
    let mut stats = BTreeMap::new();
    if let Some(cb) = child(root, "CodeBook") {
        if let Some(cs) = child(cb, "Codes") {
            read_codes(
                cs,
                0,
                None,
                &mut g,
                &mut codes,
                &mut BTreeSet::new(),
                &mut stats,
            )?;
        }
    }
    let code_set: BTreeSet<String> = codes.iter().map(|c| c.guid.clone()).collect();
    let mut var_names: BTreeMap<String, String> = BTreeMap::new();
    let mut variables: Vec<QdaVariable> = Vec::new();
    if let Some(vs) = child(root, "Variables") {
        for v in children(vs, "Variable") {
            let id = g.get(v, "guid")?;
            let name = attr(v, "name").unwrap_or("").trim().to_owned();
            let raw_kind = attr(v, "typeOfVariable").unwrap_or("");
            let kind = VariableKind::parse(raw_kind).unwrap_or_else(|| {
                report.convert(format!(
                    "{file}: variable {name:?} has the type {raw_kind:?}, which REFI-QDA does not know; read as Text"
                ));
                VariableKind::Text
            });
            if !variables.iter().any(|x| x.name == name) {
                variables.push(QdaVariable {
                    name: name.clone(),
                    kind,
                    description: text_of(child(v, "Description")),
                });
            }
            var_names.insert(id, name);
        }
    }

    let mut sources = Vec::new();
    let mut lost: BTreeMap<String, usize> = BTreeMap::new();
    let mut memo_codings = 0usize;
    if let Some(ss) = child(root, "Sources") {
        for s in ss.children().filter(|c| c.is_element()) {
            let kind = s.tag_name().name();
            let sname = attr(s, "name").unwrap_or("").to_owned();
            // A PDF source is read through its text representation (REFI-QDA's
            // `Representation`, a text source of the PDF's text): its text and plain-text
            // selections are the source's; selections by area of a page are reported lost.
            let representation = (kind == "PDFSource")
                .then(|| child(s, "Representation"))
                .flatten();
            if representation.is_some() {
                let areas = children(s, "PDFSelection").count();
                report.convert(format!(
                    "{file}: PDF source {sname:?} was read through its text representation"
                ));
                if areas > 0 {
                    *lost
                        .entry(
                            "selections by area of a PDF page (leernet codes the PDF's text)"
                                .into(),
                        )
                        .or_default() += areas;
                }
            }
            let s_text = representation.unwrap_or(s);
            if kind != "TextSource" && representation.is_none() {
                let sels = s
                    .descendants()
                    .filter(|d| d.is_element() && d.tag_name().name().ends_with("Selection"))
                    .count();
                *lost
                    .entry(format!("{kind}s (leernet codes text only)"))
                    .or_default() += 1;
                if sels > 0 {
                    *lost.entry(format!("selections in {kind}s")).or_default() += sels;
                }
                continue;
            }
            let sguid = g.get(s, "guid")?;
            if attr(s_text, "richTextPath").is_some() {
                *lost
                    .entry(
                        "rich-text (.docx) versions of text sources (their plain text was read)"
                            .into(),
                    )
                    .or_default() += 1;
            }
            let text = source_text(s_text, file, &sname, files, &mut report);
            let raw = read_selections(
                s_text,
                file,
                &sname,
                &code_set,
                &mut g,
                &mut lost,
                &mut memo_codings,
            )?;
            // Codings of the whole source.
            let whole: Vec<QdaCoding> = children(s, "Coding")
                .chain(
                    representation
                        .into_iter()
                        .flat_map(|r| children(r, "Coding")),
                )
                .map(|c| read_coding(c, file, &code_set, &mut g))
                .collect::<Result<_>>()?;
            let vars = source_variables(s, &mut g, &var_names, &mut lost);
            let Some(text) = text else {
                continue;
            };
            let text = match text.strip_prefix('\u{feff}') {
                Some(t) => {
                    report.convert(format!(
                        "{file}: the text of source {sname:?} began with a byte order mark; dropped (positions do not count it)"
                    ));
                    t.to_owned()
                }
                None => text,
            };
            let positions = if raw.is_empty() {
                Vec::new()
            } else {
                convert_positions(file, &sname, &text, &raw, nvivo, &mut report)?
            };
            let mut selections: Vec<QdaSelection> = raw
                .into_iter()
                .zip(positions)
                .map(|(r, (a, b))| {
                    if a > b {
                        return Err(QdaError::PositionOutside {
                            file: file.to_owned(),
                            source_name: sname.clone(),
                            selection: r.guid.clone(),
                            start: r.start,
                            end: r.end,
                            len: text.chars().count(),
                        });
                    }
                    Ok(QdaSelection {
                        guid: r.guid,
                        name: r.name,
                        start: a,
                        end: b,
                        description: r.description,
                        codings: r.codings,
                    })
                })
                .collect::<Result<_>>()?;
            if !whole.is_empty() {
                report.convert(format!(
                    "{file}: {} codings of the whole source {sname:?} became codings of its whole text",
                    whole.len()
                ));
                selections.push(QdaSelection {
                    guid: guid::stable("whole-source", &sguid),
                    name: None,
                    start: 0,
                    end: text.chars().count(),
                    description: String::new(),
                    codings: whole,
                });
            }
            sources.push(QdaSource {
                guid: sguid,
                name: sname,
                text,
                variables: vars,
                selections,
            });
        }
    }
    let cases = read_cases(root, &mut g, &var_names, &mut lost)?;
    let notes = read_notes(root, file, files, &mut g, &mut report)?;
    g.finish();
    report.converted.extend(guid_report.converted);
    report_code_stats(file, stats, &mut report);
    if memo_codings > 0 {
        report.convert(format!(
            "{file}: {memo_codings} selections with several codings and a description: the description became the memo of each"
        ));
    }
    for (what, n) in lost {
        report.lose(format!("{file}: {n} {what}"));
    }
    for (el, what) in [("Links", "links"), ("Sets", "sets"), ("Graphs", "graphs")] {
        if let Some(n) = child(root, el) {
            let count = n.children().filter(|c| c.is_element()).count();
            if count > 0 {
                report.lose(format!(
                    "{file}: {count} {what} (leernet does not keep {what})"
                ));
            }
        }
    }
    if child(root, "Description").is_some() || child(root, "NoteRef").is_some() {
        report.lose(format!("{file}: the project's description and notes"));
    }
    Ok((
        QdaProject {
            name: attr(root, "name").unwrap_or("").to_owned(),
            origin,
            users,
            codes,
            variables,
            cases,
            sources,
            notes,
        },
        report,
    ))
}

/// The project's cases with their variable values and the GUIDs of their sources; links of
/// a case to codes or selections are counted in `lost`.
fn read_cases(
    root: Node,
    g: &mut Guids,
    var_names: &BTreeMap<String, String>,
    lost: &mut BTreeMap<String, usize>,
) -> Result<Vec<QdaCase>> {
    let Some(cs) = child(root, "Cases") else {
        return Ok(Vec::new());
    };
    let mut cases = Vec::new();
    for c in children(cs, "Case") {
        let refs = children(c, "CodeRef").count() + children(c, "SelectionRef").count();
        if refs > 0 {
            *lost
                .entry(
                    "links of cases to codes or selections (leernet links cases to sources)".into(),
                )
                .or_default() += refs;
        }
        let mut sources: Vec<String> = Vec::new();
        for r in children(c, "SourceRef") {
            if let Some(s) = g.opt(r, "targetGUID") {
                if !sources.contains(&s) {
                    sources.push(s);
                }
            }
        }
        cases.push(QdaCase {
            guid: g.get(c, "guid")?,
            name: attr(c, "name").unwrap_or("").trim().to_owned(),
            description: text_of(child(c, "Description")),
            variables: source_variables(c, g, var_names, lost),
            sources,
        });
    }
    Ok(cases)
}

/// The project's notes (memos), each with the code or text source a `NoteRef` attaches it
/// to (a note attached to several keeps the first; one attached to a selection or coding
/// is kept without its link, which the report says).
fn read_notes(
    root: Node,
    file: &str,
    files: &Files,
    g: &mut Guids,
    report: &mut Report,
) -> Result<Vec<QdaNote>> {
    let Some(ns) = child(root, "Notes") else {
        return Ok(Vec::new());
    };
    let mut notes = Vec::new();
    for n in children(ns, "Note") {
        let name = attr(n, "name").unwrap_or("").to_owned();
        let Some(text) = source_text(n, file, &name, files, report) else {
            continue;
        };
        notes.push(QdaNote {
            guid: g.get(n, "guid")?,
            name,
            text: text.trim_start_matches('\u{feff}').to_owned(),
            user: g.opt(n, "creatingUser"),
            code: None,
            source: None,
        });
    }
    let mut unlinked = 0usize;
    for r in root
        .descendants()
        .filter(|d| d.is_element() && d.tag_name().name() == "NoteRef")
    {
        let Some(target) = g.opt(r, "targetGUID") else {
            continue;
        };
        let Some(note) = notes.iter_mut().find(|n| n.guid == target) else {
            continue;
        };
        let Some(owner) = r.parent_element() else {
            continue;
        };
        let owner_guid = g.opt(owner, "guid");
        match owner.tag_name().name() {
            "Code" if note.code.is_none() && note.source.is_none() => note.code = owner_guid,
            "TextSource" if note.code.is_none() && note.source.is_none() => {
                note.source = owner_guid
            }
            "Project" | "Code" | "TextSource" => {}
            _ => unlinked += 1,
        }
    }
    if unlinked > 0 {
        report.lose(format!(
            "{file}: {unlinked} links of notes to selections, codings or other sources (the notes were kept as memos without them)"
        ));
    }
    Ok(notes)
}

/// A text source's plain text: inline, or from its file in the archive (read as Latin-1
/// when not UTF-8); `None`, with what was lost, when there is none to read.
fn source_text(
    s: Node,
    file: &str,
    sname: &str,
    files: &Files,
    report: &mut Report,
) -> Option<String> {
    let text = match (attr(s, "plainTextPath"), child(s, "PlainTextContent")) {
        (_, Some(content)) => Some(text_of(Some(content))),
        (Some(path), None) => match resolve(path, files) {
            Resolved::Found(name, bytes) => {
                let t = match decode(&name, bytes, report) {
                    Ok(t) => t,
                    // Older tools write Windows-1252; its first 256 code points
                    // are close enough to Latin-1 for positions to hold.
                    Err(_) => {
                        report.convert(format!(
                            "{name}: not UTF-8; read as Latin-1 (each byte one character)"
                        ));
                        bytes.iter().map(|&b| b as char).collect()
                    }
                };
                Some(t)
            }
            Resolved::External(p) => {
                report.lose(format!(
                        "{file}: source {sname:?} refers to a file outside the archive ({p}); its text and codings were not read"
                    ));
                None
            }
            Resolved::Missing(p) => {
                report.lose(format!(
                        "{file}: source {sname:?} refers to {p}, which the archive does not hold; its codings were not read"
                    ));
                None
            }
        },
        (None, None) => {
            report.lose(format!(
                "{file}: source {sname:?} has no plain text (only rich text or nothing); its codings were not read"
            ));
            None
        }
    };
    if attr(s, "plainTextPath").is_some_and(|p| !p.contains("://")) {
        report.convert(format!(
            "{file}: source {sname:?} names its file without internal:// ; read as an internal file"
        ));
    }
    text
}

/// A text source's selections with their codings, positions as the file has them; counts
/// what leernet does not keep in `lost`, and selections whose description becomes the
/// memo of several codings in `memo_codings`.
fn read_selections(
    s: Node,
    file: &str,
    sname: &str,
    code_set: &BTreeSet<String>,
    g: &mut Guids,
    lost: &mut BTreeMap<String, usize>,
    memo_codings: &mut usize,
) -> Result<Vec<RawSel>> {
    let mut raw = Vec::new();
    for sel in children(s, "PlainTextSelection") {
        let num = |name: &str| -> Result<i64> {
            attr(sel, name)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    invalid(
                        file,
                        format!(
                            "selection on line {} of source {sname:?} has no whole-number {name}",
                            line(sel)
                        ),
                    )
                })
        };
        let (start, end) = (num("startPosition")?, num("endPosition")?);
        if start < 0 || end < start {
            return Err(invalid(
                file,
                format!(
                    "selection on line {} of source {sname:?} runs from {start} to {end}: positions must be 0 or more and the end must not come before the start",
                    line(sel)
                ),
            ));
        }
        let mut codings = Vec::new();
        for c in children(sel, "Coding") {
            codings.push(read_coding(c, file, code_set, g)?);
            let nr = children(c, "NoteRef").count();
            if nr > 0 {
                *lost.entry("notes attached to codings".into()).or_default() += nr;
            }
        }
        let description = text_of(child(sel, "Description"));
        if codings.is_empty() {
            *lost
                .entry("selections without a coding (annotations or memos)".into())
                .or_default() += 1;
        }
        let nr = children(sel, "NoteRef").count();
        if nr > 0 {
            *lost
                .entry("notes attached to selections".into())
                .or_default() += nr;
        }
        if codings.len() > 1 && !description.is_empty() {
            *memo_codings += 1;
        }
        raw.push(RawSel {
            guid: g.get(sel, "guid")?,
            name: attr(sel, "name").map(str::to_owned),
            start,
            end,
            description,
            codings,
        });
    }
    Ok(raw)
}

/// A source's values of the project's variables, by variable name; counts values of
/// undefined variables in `lost`.
fn source_variables(
    s: Node,
    g: &mut Guids,
    var_names: &BTreeMap<String, String>,
    lost: &mut BTreeMap<String, usize>,
) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for vv in children(s, "VariableValue") {
        let Some(r) = child(vv, "VariableRef") else {
            continue;
        };
        let Some(id) = g.opt(r, "targetGUID") else {
            continue;
        };
        let name = var_names.get(&id).cloned().unwrap_or_else(|| {
            *lost
                .entry("values of undefined variables".into())
                .or_default() += 1;
            String::new()
        });
        if name.is_empty() {
            continue;
        }
        let value = vv
            .children()
            .find(|c| c.is_element() && c.tag_name().name().ends_with("Value"))
            .map(|c| text_of(Some(c)))
            .unwrap_or_default();
        vars.push((name, value));
    }
    vars
}

fn read_coding(c: Node, file: &str, codes: &BTreeSet<String>, g: &mut Guids) -> Result<QdaCoding> {
    let id = g.get(c, "guid")?;
    let code = child(c, "CodeRef")
        .and_then(|r| g.opt(r, "targetGUID"))
        .ok_or_else(|| {
            invalid(
                file,
                format!("coding {id} (line {}) has no CodeRef", line(c)),
            )
        })?;
    if !codes.contains(&code) {
        return Err(QdaError::UnknownCode {
            file: file.to_owned(),
            coding: id,
            code,
        });
    }
    Ok(QdaCoding {
        guid: id,
        code,
        user: g.opt(c, "creatingUser"),
    })
}

enum Resolved<'a> {
    Found(String, &'a [u8]),
    External(String),
    Missing(String),
}

fn resolve<'a>(path: &str, files: &'a Files) -> Resolved<'a> {
    let p = path.trim();
    let name = if let Some(rest) = p.strip_prefix("internal://") {
        rest
    } else if p.starts_with("relative://") || p.starts_with("absolute://") || p.contains("://") {
        return Resolved::External(p.to_owned());
    } else {
        p
    };
    let name = name.trim_start_matches('/');
    for folder in ["sources/", "Sources/", ""] {
        let key = format!("{folder}{name}");
        if let Some(b) = files.get(&key) {
            return Resolved::Found(key, b);
        }
    }
    // Any folder whose name is "sources" in any case.
    for (k, b) in files {
        if let Some((dir, file)) = k.rsplit_once('/') {
            if file == name && dir.eq_ignore_ascii_case("sources") {
                return Resolved::Found(k.clone(), b);
            }
        }
    }
    Resolved::Missing(p.to_owned())
}

/// Reads a `.qdpx` archive.
pub fn read_qdpx(bytes: &[u8], limits: &Limits) -> Result<(QdaProject, Report)> {
    let mut z = crate::archive::open(bytes, limits)?;
    let names = z.names.clone();
    let all_qdes: Vec<&String> = names
        .iter()
        .filter(|(n, d)| !*d && n.to_ascii_lowercase().ends_with(".qde"))
        .map(|(n, _)| n)
        .collect();
    let at_root: Vec<&String> = all_qdes
        .iter()
        .copied()
        .filter(|n| !n.contains('/'))
        .collect();
    // A project zipped with its folder: one .qde one level down is read from there.
    let qdes = if at_root.is_empty() {
        all_qdes
    } else {
        at_root
    };
    let qde = match qdes.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(QdaError::NoProjectFile(
                "the archive holds no .qde project file".into(),
            ))
        }
        many => {
            if let Some(p) = many.iter().find(|n| n.as_str() == "project.qde") {
                (*p).clone()
            } else {
                return Err(QdaError::NoProjectFile(format!(
                    "the archive holds several .qde files at its root ({}); which one is the project is unclear",
                    many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                )));
            }
        }
    };
    let prefix = qde
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    let mut files = Files::new();
    let mut qde_bytes = Vec::new();
    for (i, (name, is_dir)) in names.iter().enumerate() {
        if *is_dir {
            continue;
        }
        let wanted = *name == qde || name.to_ascii_lowercase().ends_with(".txt");
        if !wanted {
            continue;
        }
        let buf = z.read(i)?;
        if *name == qde {
            qde_bytes = buf;
        } else {
            let key = name.strip_prefix(prefix.as_str()).unwrap_or(name);
            files.insert(key.to_owned(), buf);
        }
    }
    let (project, mut report) = read_qde(&qde, &qde_bytes, &files, limits)?;
    if !prefix.is_empty() {
        report.convert(format!(
            "the project file sits in the folder {:?} of the archive; it and its sources were read from there",
            prefix.trim_end_matches('/')
        ));
    }
    if qde != "project.qde" {
        report.convert(format!(
            "the project file is named {qde:?}, not \"project.qde\"; read it all the same"
        ));
    }
    if files.keys().any(|k| k.starts_with("Sources/")) {
        report.convert(
            "the sources folder is named \"Sources\", not \"sources\"; read it all the same",
        );
    }
    Ok((project, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_map() {
        let t = "a😀b\r\nc";
        assert_eq!(
            map_offsets(t, Unit::CodePoints, &[0, 2, 6]),
            Some(vec![0, 2, 6])
        );
        assert_eq!(map_offsets(t, Unit::Utf16, &[3, 4]), Some(vec![2, 3]));
        assert_eq!(
            map_offsets(t, Unit::Utf16, &[2]),
            None,
            "inside a surrogate pair"
        );
        assert_eq!(map_offsets(t, Unit::Utf8, &[5, 6]), Some(vec![2, 3]));
        assert_eq!(
            map_offsets(t, Unit::CrLfAsOne, &[3, 4, 5]),
            Some(vec![3, 5, 6])
        );
        assert_eq!(map_offsets(t, Unit::CodePoints, &[7]), None);
        assert_eq!(map_offsets(t, Unit::CodePoints, &[-1]), None);
    }

    #[test]
    fn colours() {
        assert_eq!(colour("#FFAA00").as_deref(), Some("#ffaa00"));
        assert_eq!(colour("#fa0").as_deref(), Some("#ffaa00"));
        assert_eq!(colour("#ffaa00cc").as_deref(), Some("#ffaa00"));
        assert_eq!(colour("rgb(255, 0, 10)").as_deref(), Some("#ff000a"));
        assert_eq!(colour("red"), None);
    }
}
