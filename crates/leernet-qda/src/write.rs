//! The strict writer. Attribute and element order are fixed, there are no timestamps, and
//! the ZIP entries carry a fixed date: identical projects give identical bytes.

use crate::guid;
use crate::model::{QdaCode, QdaProject, VariableKind};
use crate::{QdaError, Result};
use leernet_core::outbound::xml_allowed;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

/// The namespace of a project.
pub const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
/// The namespace of a codebook.
pub const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// Escapes text for XML content or attributes. Characters that XML 1.0 forbids become
/// U+FFFD (the one rule of `leernet_core::outbound`); CR, LF and TAB are written as
/// references so that parsers keep them.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\r' => o.push_str("&#13;"),
            '\n' => o.push_str("&#10;"),
            '\t' => o.push_str("&#9;"),
            c if !xml_allowed(c) => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

/// Text content keeps its line breaks readable; only CR needs a reference.
fn esc_text(s: &str) -> String {
    esc(s).replace("&#10;", "\n").replace("&#9;", "\t")
}

/// The notes attached to each code or source, by its GUID.
type NoteRefs<'a> = BTreeMap<&'a str, Vec<&'a str>>;

fn codes_xml(out: &mut String, codes: &[QdaCode], indent: usize, notes: &NoteRefs) -> Result<()> {
    let mut children: BTreeMap<Option<&str>, Vec<&QdaCode>> = BTreeMap::new();
    let known: std::collections::BTreeSet<&str> = codes.iter().map(|c| c.guid.as_str()).collect();
    for c in codes {
        if let Some(p) = &c.parent {
            if !known.contains(p.as_str()) {
                return Err(QdaError::Export(format!(
                    "code {:?} names a parent that is not in the codebook",
                    c.name
                )));
            }
        }
        children.entry(c.parent.as_deref()).or_default().push(c);
    }
    let mut written = 0usize;
    fn rec(
        out: &mut String,
        children: &BTreeMap<Option<&str>, Vec<&QdaCode>>,
        parent: Option<&str>,
        depth: usize,
        written: &mut usize,
        notes: &NoteRefs,
    ) {
        let Some(list) = children.get(&parent) else {
            return;
        };
        for c in list {
            *written += 1;
            let pad = "  ".repeat(depth);
            let _ = write!(
                out,
                "{pad}<Code guid=\"{}\" name=\"{}\" isCodable=\"{}\"",
                esc(&c.guid),
                esc(&c.name),
                c.codable
            );
            if let Some(col) = &c.color {
                let _ = write!(out, " color=\"{}\"", esc(col));
            }
            let has_kids = children.contains_key(&Some(c.guid.as_str()));
            let refs = notes.get(c.guid.as_str());
            if c.description.is_empty() && !has_kids && refs.is_none() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            if !c.description.is_empty() {
                let _ = writeln!(
                    out,
                    "{pad}  <Description>{}</Description>",
                    esc_text(&c.description)
                );
            }
            for n in refs.into_iter().flatten() {
                let _ = writeln!(out, "{pad}  <NoteRef targetGUID=\"{}\"/>", esc(n));
            }
            rec(
                out,
                children,
                Some(c.guid.as_str()),
                depth + 1,
                written,
                notes,
            );
            let _ = writeln!(out, "{pad}</Code>");
        }
    }
    rec(out, &children, None, indent, &mut written, notes);
    if written != codes.len() {
        return Err(QdaError::Export(
            "the codebook's parent links form a cycle".to_owned(),
        ));
    }
    Ok(())
}

/// The codebook of `project` as a `.qdc` document.
pub fn write_qdc(project: &QdaProject) -> Result<Vec<u8>> {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = write!(out, "<CodeBook xmlns=\"{CODEBOOK_NS}\"");
    if let Some(o) = &project.origin {
        let _ = write!(out, " origin=\"{}\"", esc(o));
    }
    out.push_str(">\n  <Codes>\n");
    codes_xml(&mut out, &project.codes, 2, &NoteRefs::new())?;
    out.push_str("  </Codes>\n</CodeBook>\n");
    Ok(out.into_bytes())
}

/// The path of a source's text inside the archive.
pub fn source_path(guid: &str) -> String {
    format!("sources/{guid}.txt")
}

/// `project.qde` for `project`.
pub fn write_qde(project: &QdaProject) -> Result<String> {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = write!(
        out,
        "<Project xmlns=\"{PROJECT_NS}\" name=\"{}\"",
        esc(&project.name)
    );
    if let Some(o) = &project.origin {
        let _ = write!(out, " origin=\"{}\"", esc(o));
    }
    out.push_str(">\n");
    if !project.users.is_empty() {
        out.push_str("  <Users>\n");
        for u in &project.users {
            let _ = write!(
                out,
                "    <User guid=\"{}\" name=\"{}\"",
                esc(&u.guid),
                esc(&u.name)
            );
            if let Some(id) = &u.id {
                let _ = write!(out, " id=\"{}\"", esc(id));
            }
            out.push_str("/>\n");
        }
        out.push_str("  </Users>\n");
    }
    let mut notes = NoteRefs::new();
    for n in &project.notes {
        if let Some(t) = n.code.as_deref().or(n.source.as_deref()) {
            notes.entry(t).or_default().push(n.guid.as_str());
        }
    }
    if !project.codes.is_empty() {
        out.push_str("  <CodeBook>\n    <Codes>\n");
        codes_xml(&mut out, &project.codes, 3, &notes)?;
        out.push_str("    </Codes>\n  </CodeBook>\n");
    }
    let var_guid = |name: &str| guid::stable("variable", name);
    let kinds: BTreeMap<&str, VariableKind> = project
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.kind))
        .collect();
    // A value is written in the element of its variable's type; one that the type does not
    // accept (or of a variable not declared) as text, so the file stays valid.
    let value_xml = |out: &mut String, pad: &str, name: &str, value: &str| {
        let kind = kinds
            .get(name)
            .copied()
            .filter(|k| k.accepts(value))
            .unwrap_or(VariableKind::Text);
        let el = format!("{}Value", kind.as_str());
        let v = if kind == VariableKind::Text {
            esc_text(value)
        } else {
            esc(value.trim())
        };
        let _ = writeln!(
            out,
            "{pad}<VariableValue><VariableRef targetGUID=\"{}\"/><{el}>{v}</{el}></VariableValue>",
            var_guid(name),
        );
    };
    if !project.variables.is_empty() {
        out.push_str("  <Variables>\n");
        for v in &project.variables {
            let _ = write!(
                out,
                "    <Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"{}\"",
                var_guid(&v.name),
                esc(&v.name),
                v.kind.as_str()
            );
            if v.description.is_empty() {
                out.push_str("/>\n");
            } else {
                let _ = writeln!(
                    out,
                    "><Description>{}</Description></Variable>",
                    esc_text(&v.description)
                );
            }
        }
        out.push_str("  </Variables>\n");
    }
    if !project.cases.is_empty() {
        out.push_str("  <Cases>\n");
        for c in &project.cases {
            let _ = writeln!(
                out,
                "    <Case guid=\"{}\" name=\"{}\">",
                esc(&c.guid),
                esc(&c.name)
            );
            if !c.description.is_empty() {
                let _ = writeln!(
                    out,
                    "      <Description>{}</Description>",
                    esc_text(&c.description)
                );
            }
            for (name, value) in &c.variables {
                value_xml(&mut out, "      ", name, value);
            }
            for s in &c.sources {
                let _ = writeln!(out, "      <SourceRef targetGUID=\"{}\"/>", esc(s));
            }
            out.push_str("    </Case>\n");
        }
        out.push_str("  </Cases>\n");
    }
    if !project.sources.is_empty() {
        out.push_str("  <Sources>\n");
        for s in &project.sources {
            let _ = writeln!(
                out,
                "    <TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{}.txt\">",
                esc(&s.guid),
                esc(&s.name),
                esc(&s.guid)
            );
            let len = s.text.chars().count();
            for sel in &s.selections {
                if sel.start > sel.end || sel.end > len {
                    return Err(QdaError::Export(format!(
                        "selection {}..{} of {:?} lies outside its text ({len} characters)",
                        sel.start, sel.end, s.name
                    )));
                }
                let _ = write!(out, "      <PlainTextSelection guid=\"{}\"", esc(&sel.guid));
                if let Some(n) = &sel.name {
                    let _ = write!(out, " name=\"{}\"", esc(n));
                }
                let _ = writeln!(
                    out,
                    " startPosition=\"{}\" endPosition=\"{}\">",
                    sel.start, sel.end
                );
                if !sel.description.is_empty() {
                    let _ = writeln!(
                        out,
                        "        <Description>{}</Description>",
                        esc_text(&sel.description)
                    );
                }
                for c in &sel.codings {
                    let _ = write!(out, "        <Coding guid=\"{}\"", esc(&c.guid));
                    if let Some(u) = &c.user {
                        let _ = write!(out, " creatingUser=\"{}\"", esc(u));
                    }
                    let _ = writeln!(out, "><CodeRef targetGUID=\"{}\"/></Coding>", esc(&c.code));
                }
                out.push_str("      </PlainTextSelection>\n");
            }
            for n in notes.get(s.guid.as_str()).into_iter().flatten() {
                let _ = writeln!(out, "      <NoteRef targetGUID=\"{}\"/>", esc(n));
            }
            for (name, value) in &s.variables {
                value_xml(&mut out, "      ", name, value);
            }
            out.push_str("    </TextSource>\n");
        }
        out.push_str("  </Sources>\n");
    }
    if !project.notes.is_empty() {
        out.push_str("  <Notes>\n");
        for n in &project.notes {
            let _ = write!(
                out,
                "    <Note guid=\"{}\" name=\"{}\"",
                esc(&n.guid),
                esc(&n.name)
            );
            if let Some(u) = &n.user {
                let _ = write!(out, " creatingUser=\"{}\"", esc(u));
            }
            let _ = writeln!(
                out,
                "><PlainTextContent>{}</PlainTextContent></Note>",
                esc_text(&n.text)
            );
        }
        out.push_str("  </Notes>\n");
    }
    out.push_str("</Project>\n");
    Ok(out)
}

/// The whole project as a `.qdpx` archive: `project.qde` and `sources/<guid>.txt`.
pub fn write_qdpx(project: &QdaProject) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let qde = write_qde(project)?;
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let zerr =
        |e: zip::result::ZipError| QdaError::Export(format!("cannot write the archive: {e}"));
    let ioerr = |e: std::io::Error| QdaError::Export(format!("cannot write the archive: {e}"));
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("project.qde", opts).map_err(zerr)?;
    z.write_all(qde.as_bytes()).map_err(ioerr)?;
    for s in &project.sources {
        z.start_file(source_path(&s.guid), opts).map_err(zerr)?;
        z.write_all(s.text.as_bytes()).map_err(ioerr)?;
    }
    Ok(z.finish().map_err(zerr)?.into_inner())
}
