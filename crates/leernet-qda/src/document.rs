//! Documents as sources: reads `.txt`, `.md`, `.docx`, `.odt` and transcripts (`.vtt`,
//! `.srt`, and the plain `Spreker: tekst` layout) into one normalised text with its speaker
//! turns.
//!
//! **Normalised** as REFI-QDA's plain text (`testdata/standards/refi-qda/NOTES.md` §2–3):
//! UTF-8 without a byte order mark, `\n` line endings (CRLF and a lone CR become `\n`), no
//! NUL or other control characters but tab and newline, no trailing white space at the end.
//! Positions are Unicode code points. [`normalise_with_map`] also maps positions in the
//! original text to positions in the normalised one, so a coding made on a CRLF text by
//! another tool lands on the same characters.
//!
//! **Transcripts.** A turn is `Spreker: tekst` in the stored text; the [`Turn`] spans only
//! what is said. Consecutive cues of one speaker (subtitles cut sentences into cues) join
//! into one turn. A `.txt` is read as a transcript when at least two lines, and at least
//! two thirds of its paragraphs, begin with a short speaker label and a colon.
//!
//! **Bad input** is one [`DocumentError`], never a panic: a file that is not what its
//! extension says, an encrypted or password-protected file, an empty file, a file with no
//! text. A `.docx` or `.odt` is a ZIP and goes through the same guards as a `.qdpx`
//! (`archive.rs`: bombs, paths out of the archive; XML with entity declarations is refused).
//! **PDF** (`.pdf`): the text layer of every page, in page order, pages separated by an empty
//! line, read with `lopdf` (without its default features: a PDF parser and text extractor,
//! no rendering; chosen over `pdf-extract`, which adds font and layout crates on top of
//! `lopdf` for better word spacing, at about twice the build). Before `lopdf` sees the
//! bytes, every Flate stream of the file is inflated once under a cap
//! (`limits.max_total_bytes` together, `limits.max_entry_bytes` each): a PDF bomb is refused
//! before anything is allocated for it. An encrypted PDF (an `/Encrypt` dictionary), a PDF
//! without a text layer (a scan: pages of images), and a `.pdf` that is no PDF are each one
//! [`DocumentError`].

use crate::read::{parse_xml, Limits};
use crate::QdaError;
use leernet_core::Turn;
use roxmltree::Node;

/// The most code points a document may hold (about two million words).
pub const MAX_DOCUMENT_CHARS: usize = 16 << 20;

/// The formats leernet reads documents from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Txt,
    Md,
    Docx,
    Odt,
    Vtt,
    Srt,
    Pdf,
}

impl DocumentFormat {
    /// By the file's extension (case does not matter).
    pub fn from_file_name(name: &str) -> Option<DocumentFormat> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" | "text" => DocumentFormat::Txt,
            "md" | "markdown" => DocumentFormat::Md,
            "docx" => DocumentFormat::Docx,
            "odt" => DocumentFormat::Odt,
            "vtt" => DocumentFormat::Vtt,
            "srt" => DocumentFormat::Srt,
            "pdf" => DocumentFormat::Pdf,
            _ => return None,
        })
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Txt => "txt",
            DocumentFormat::Md => "md",
            DocumentFormat::Docx => "docx",
            DocumentFormat::Odt => "odt",
            DocumentFormat::Vtt => "vtt",
            DocumentFormat::Srt => "srt",
            DocumentFormat::Pdf => "pdf",
        }
    }
}

/// A document as read: its normalised text and its speaker turns (none for a text that is
/// not a transcript).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDocument {
    pub format: DocumentFormat,
    /// The file's name without its extension.
    pub title: String,
    pub text: String,
    pub turns: Vec<Turn>,
}

/// Why a document cannot be read. Each says what is wrong with the file in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("{file}: leernet reads documents from .txt, .md, .docx, .odt, .pdf, .vtt and .srt files, not {ext:?}")]
    Unsupported { file: String, ext: String },
    #[error("{file}: this PDF has no text layer (its pages are images, as in a scan); run text recognition (OCR) on it first, or save it from its source as .docx, .odt or .txt, and import that")]
    PdfWithoutText { file: String },
    #[error("{file}: the file is not {expected}: {why}")]
    NotWhatItSays {
        file: String,
        expected: &'static str,
        why: String,
    },
    #[error("{file}: the file is encrypted or protected by a password; save an unprotected copy and import that")]
    Encrypted { file: String },
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: the file holds no text (only images, tables of nothing, or white space)")]
    NoText { file: String },
    #[error("{file}: the text is longer than {max} characters")]
    TooLong { file: String, max: usize },
    #[error("{file}: {source}")]
    Archive {
        file: String,
        #[source]
        source: QdaError,
    },
    #[error("{file}: {why}")]
    Unreadable { file: String, why: String },
}

/// Reads `bytes`, the contents of the file `file_name`, as a document.
pub fn read_document(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<ReadDocument, DocumentError> {
    let file = file_name.to_owned();
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_owned();
    let title = match base.rsplit_once('.') {
        Some((t, _)) if !t.is_empty() => t.to_owned(),
        _ => base.clone(),
    };
    let Some(format) = DocumentFormat::from_file_name(&base) else {
        let ext = base
            .rsplit_once('.')
            .map(|(_, e)| e)
            .unwrap_or("")
            .to_owned();
        return Err(DocumentError::Unsupported { file, ext });
    };
    if bytes.is_empty() {
        return Err(DocumentError::Empty { file });
    }
    let raw = match format {
        DocumentFormat::Txt | DocumentFormat::Md => {
            let t = normalise(&plain_text(&file, format, bytes)?);
            if format == DocumentFormat::Txt {
                if let Some(turns) = speaker_turns(&t) {
                    return finish(&file, format, title, turns);
                }
            }
            t
        }
        DocumentFormat::Vtt | DocumentFormat::Srt => {
            let t = normalise(&plain_text(&file, format, bytes)?);
            let cues = cues(&file, format, &t)?;
            return finish(&file, format, title, cues);
        }
        DocumentFormat::Docx | DocumentFormat::Odt => office(&file, format, bytes, limits)?,
        DocumentFormat::Pdf => pdf(&file, bytes, limits)?,
    };
    let text = normalise(&raw);
    check_text(&file, &text)?;
    Ok(ReadDocument {
        format,
        title,
        text,
        turns: Vec::new(),
    })
}

fn check_text(file: &str, text: &str) -> Result<(), DocumentError> {
    if text.trim().is_empty() {
        return Err(DocumentError::NoText { file: file.into() });
    }
    if text.chars().count() > MAX_DOCUMENT_CHARS {
        return Err(DocumentError::TooLong {
            file: file.into(),
            max: MAX_DOCUMENT_CHARS,
        });
    }
    Ok(())
}

/// Builds the stored text of a transcript, `Spreker: tekst` a turn, from (speaker, text)
/// pairs, joining consecutive pairs of one speaker.
fn finish(
    file: &str,
    format: DocumentFormat,
    title: String,
    pairs: Vec<(String, String)>,
) -> Result<ReadDocument, DocumentError> {
    let mut joined: Vec<(String, String)> = Vec::new();
    for (speaker, said) in pairs {
        let said = said.trim().to_owned();
        if said.is_empty() {
            continue;
        }
        match joined.last_mut() {
            Some((s, t)) if *s == speaker && !speaker.is_empty() => {
                t.push(' ');
                t.push_str(&said);
            }
            _ => joined.push((speaker, said)),
        }
    }
    let mut text = String::new();
    let mut turns = Vec::new();
    let mut pos = 0usize;
    for (speaker, said) in joined {
        if !text.is_empty() {
            text.push('\n');
            pos += 1;
        }
        if !speaker.is_empty() {
            text.push_str(&speaker);
            text.push_str(": ");
            pos += speaker.chars().count() + 2;
        }
        let n = said.chars().count();
        text.push_str(&said);
        turns.push(Turn {
            speaker,
            start: pos,
            end: pos + n,
        });
        pos += n;
    }
    check_text(file, &text)?;
    if turns.iter().all(|t| t.speaker.is_empty()) {
        turns.clear();
    }
    Ok(ReadDocument {
        format,
        title,
        text,
        turns,
    })
}

/// Normalises a text (see the module's documentation).
pub fn normalise(text: &str) -> String {
    normalise_with_map(text).0
}

/// Normalises a text and maps every code-point position of the original (`0..=len`) to its
/// position in the normalised text: `map[i]` for original position `i`.
pub fn normalise_with_map(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut n = 0usize;
    let mut chars = text.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        map.push(n);
        if first && c == '\u{feff}' {
            first = false;
            continue;
        }
        first = false;
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    // CRLF: the CR is dropped, the LF stays (a position between them
                    // lands before the LF).
                    continue;
                }
                out.push('\n');
                n += 1;
            }
            '\n' | '\t' => {
                out.push(c);
                n += 1;
            }
            c if c.is_control() => {}
            c => {
                out.push(c);
                n += 1;
            }
        }
    }
    map.push(n);
    let trimmed = out.trim_end().len();
    if trimmed < out.len() {
        out.truncate(trimmed);
        let len = out.chars().count();
        for m in &mut map {
            *m = (*m).min(len);
        }
    }
    (out, map)
}

/// The text layer of a PDF, pages in order and separated by an empty line.
fn pdf(file: &str, bytes: &[u8], limits: &Limits) -> Result<String, DocumentError> {
    let not = |why: &str| DocumentError::NotWhatItSays {
        file: file.to_owned(),
        expected: "a PDF",
        why: why.to_owned(),
    };
    // A PDF starts with its header (some writers put a few bytes before it).
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(not("it does not start with a PDF header"));
    }
    if contains(bytes, b"/Encrypt") {
        return Err(DocumentError::Encrypted { file: file.into() });
    }
    inflate_bounded(file, bytes, limits)?;
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| not(&e.to_string()))?;
    if doc.is_encrypted() {
        return Err(DocumentError::Encrypted { file: file.into() });
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(not("it has no pages"));
    }
    let mut out = String::new();
    for p in pages {
        // A page whose text cannot be decoded (an unknown font encoding) gives no text
        // rather than failing the whole file; a file with no text at all is refused below.
        let text = doc.extract_text(&[p]).unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(text);
        if out.len() > MAX_DOCUMENT_CHARS.saturating_mul(4) {
            return Err(DocumentError::TooLong {
                file: file.into(),
                max: MAX_DOCUMENT_CHARS,
            });
        }
    }
    if out.trim().is_empty() {
        return Err(DocumentError::PdfWithoutText { file: file.into() });
    }
    Ok(out)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Inflates every zlib stream of a PDF (`stream` … `endstream` starting with a zlib header)
/// under the archive limits, so no stream can unpack beyond them when the parser reads it.
fn inflate_bounded(file: &str, bytes: &[u8], limits: &Limits) -> Result<(), DocumentError> {
    use std::io::Read;
    let mut total: u64 = 0;
    let mut at = 0;
    while let Some(i) = find(&bytes[at..], b"stream") {
        let start = at + i + b"stream".len();
        at = start;
        // `endstream` itself contains `stream`: skip it.
        if bytes[..start].ends_with(b"endstream") {
            continue;
        }
        let body = match bytes.get(start..) {
            Some(b) if b.starts_with(b"\r\n") => &b[2..],
            Some(b) if b.starts_with(b"\n") => &b[1..],
            _ => continue,
        };
        let end = find(body, b"endstream").unwrap_or(body.len());
        let body = &body[..end];
        if body.first() != Some(&0x78) {
            continue;
        }
        let cap = limits.max_entry_bytes;
        let mut n: u64 = 0;
        let mut buf = [0u8; 16 * 1024];
        let mut z = flate2::read::ZlibDecoder::new(body).take(cap.saturating_add(1));
        loop {
            match z.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(k) => {
                    n = n.saturating_add(k as u64);
                    total = total.saturating_add(k as u64);
                }
            }
            if n > cap || total > limits.max_total_bytes {
                return Err(DocumentError::Unreadable {
                    file: file.into(),
                    why: format!(
                        "the PDF's streams unpack to more than {} MiB; nothing was imported",
                        if n > cap { cap } else { limits.max_total_bytes } >> 20
                    ),
                });
            }
        }
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Bytes of a plain-text format to text: UTF-8 (with or without BOM), UTF-16 with a BOM, or
/// else Windows-1252. Binary files (a ZIP, a PDF, an old Word file, NUL bytes) are refused.
fn plain_text(file: &str, format: DocumentFormat, bytes: &[u8]) -> Result<String, DocumentError> {
    let expected = match format {
        DocumentFormat::Md => "a Markdown text file",
        DocumentFormat::Vtt => "a WebVTT transcript",
        DocumentFormat::Srt => "an SRT transcript",
        _ => "a plain text file",
    };
    let not = |why: &str| DocumentError::NotWhatItSays {
        file: file.into(),
        expected,
        why: why.into(),
    };
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(not("it is a ZIP archive (perhaps a .docx or .odt)"));
    }
    if bytes.starts_with(b"%PDF-") {
        return Err(not("it is a PDF"));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(not(
            "it is an old Office file or an encrypted Office document",
        ));
    }
    let utf16 = |le: bool, rest: &[u8]| -> Result<String, DocumentError> {
        if rest.len() % 2 != 0 {
            return Err(not(
                "it has a UTF-16 byte order mark but an odd number of bytes",
            ));
        }
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| not("it is not valid UTF-16 text"))
    };
    let text = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(true, rest)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(false, rest)?
    } else {
        if bytes.contains(&0) {
            return Err(not("it holds binary data (NUL bytes)"));
        }
        match std::str::from_utf8(bytes) {
            Ok(t) => t.to_owned(),
            Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
        }
    };
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(DocumentError::NoText { file: file.into() });
    }
    Ok(text)
}

/// A Windows-1252 byte as a character (Latin-1 but for 0x80–0x9F).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// A speaker label at the start of a line: `Anna:`, `Interviewer 2:`, `[Sanne]:`, `R1:`;
/// at most five words and 40 characters, no sentence punctuation, not a time (`10:30`).
fn speaker_label(line: &str) -> Option<(&str, &str)> {
    let (label, rest) = line.split_once(':')?;
    if !(rest.starts_with(' ') || rest.starts_with('\t') || rest.is_empty()) {
        return None;
    }
    let label = label.trim();
    let bare = label.trim_start_matches('[').trim_end_matches(']');
    let ok = !bare.is_empty()
        && bare.chars().count() <= 40
        && bare.split_whitespace().count() <= 5
        && bare.chars().next().is_some_and(|c| c.is_alphabetic())
        && !bare.contains(['.', ',', '?', '!', ';', '"', '(', ')']);
    ok.then_some((bare, rest.trim()))
}

/// The turns of a plain transcript, when the text is one (see the module's documentation).
fn speaker_turns(text: &str) -> Option<Vec<(String, String)>> {
    let paragraphs: Vec<&str> = text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let labelled = paragraphs
        .iter()
        .filter(|l| speaker_label(l).is_some())
        .count();
    if labelled < 2 || labelled * 3 < paragraphs.len() * 2 {
        return None;
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for p in paragraphs {
        match speaker_label(p) {
            Some((s, said)) => pairs.push((s.to_owned(), said.to_owned())),
            None => match pairs.last_mut() {
                // A paragraph without a label continues the turn before it.
                Some((_, t)) => {
                    t.push(' ');
                    t.push_str(p);
                }
                None => pairs.push((String::new(), p.to_owned())),
            },
        }
    }
    Some(pairs)
}

/// Removes `<...>` tags from a cue's text; `<v Name>` gives the speaker.
fn strip_tags(s: &str) -> (Option<String>, String) {
    let mut voice = None;
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('>') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let tag = &rest[i + 1..i + j];
        // `<v Anna>` or, with a class, `<v.loud Anna>`.
        let name = if let Some(v) = tag.strip_prefix("v ") {
            Some(v)
        } else if tag.starts_with("v.") {
            tag.split_once(' ').map(|(_, n)| n)
        } else {
            None
        };
        if let Some(name) = name {
            voice.get_or_insert_with(|| name.trim().to_owned());
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ");
    (voice, out)
}

/// The cues of a `.vtt` or `.srt` as (speaker, text) pairs.
fn cues(
    file: &str,
    format: DocumentFormat,
    text: &str,
) -> Result<Vec<(String, String)>, DocumentError> {
    let expected = if format == DocumentFormat::Vtt {
        "a WebVTT transcript"
    } else {
        "an SRT transcript"
    };
    let not = |why: &str| DocumentError::NotWhatItSays {
        file: file.into(),
        expected,
        why: why.into(),
    };
    if format == DocumentFormat::Vtt && !text.starts_with("WEBVTT") {
        return Err(not("it does not begin with WEBVTT"));
    }
    let mut pairs = Vec::new();
    let mut timed = 0usize;
    for block in text.split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let Some(t) = lines.iter().position(|l| l.contains("-->")) else {
            continue;
        };
        timed += 1;
        let mut speaker = String::new();
        let mut said = Vec::new();
        for l in &lines[t + 1..] {
            let (voice, plain) = strip_tags(l);
            let plain = plain.trim();
            if let Some(v) = voice {
                speaker = v;
                said.push(plain.to_owned());
            } else if let (true, Some((s, rest))) = (said.is_empty(), speaker_label(plain)) {
                speaker = s.to_owned();
                said.push(rest.to_owned());
            } else {
                said.push(plain.to_owned());
            }
        }
        pairs.push((speaker, said.join(" ")));
    }
    if timed == 0 {
        return Err(not(
            "it holds no cues with times (00:00:01.000 --> 00:00:04.000)",
        ));
    }
    if pairs.iter().all(|(_, t)| t.trim().is_empty()) {
        return Err(DocumentError::NoText { file: file.into() });
    }
    Ok(pairs)
}

/// The text of a `.docx` or `.odt`: paragraphs as lines.
fn office(
    file: &str,
    format: DocumentFormat,
    bytes: &[u8],
    limits: &Limits,
) -> Result<String, DocumentError> {
    let expected = if format == DocumentFormat::Docx {
        "a Word document (.docx)"
    } else {
        "an OpenDocument text (.odt)"
    };
    let not = |why: String| DocumentError::NotWhatItSays {
        file: file.into(),
        expected,
        why,
    };
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // A password-protected .docx is an OLE file holding the encrypted package; so is an
        // old .doc renamed.
        return Err(DocumentError::Encrypted { file: file.into() });
    }
    let mut z = match crate::archive::open(bytes, limits) {
        Ok(z) => z,
        Err(QdaError::NotAZip(why)) => return Err(not(format!("it is not a ZIP archive ({why})"))),
        Err(e) => {
            return Err(DocumentError::Archive {
                file: file.into(),
                source: e,
            })
        }
    };
    let archive = |e: QdaError| DocumentError::Archive {
        file: file.into(),
        source: e,
    };
    let entry = if format == DocumentFormat::Docx {
        "word/document.xml"
    } else {
        if let Some(i) = z.find("META-INF/manifest.xml") {
            let m = z.read(i).map_err(archive)?;
            if m.windows(b"encryption-data".len())
                .any(|w| w == b"encryption-data")
            {
                return Err(DocumentError::Encrypted { file: file.into() });
            }
        }
        "content.xml"
    };
    let Some(i) = z.find(entry) else {
        return Err(not(format!("the archive holds no {entry}")));
    };
    let xml = z.read(i).map_err(archive)?;
    let xml = std::str::from_utf8(xml.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&xml))
        .map_err(|_| not(format!("{entry} is not UTF-8")))?
        .to_owned();
    let doc = parse_xml(entry, &xml, limits).map_err(archive)?;
    let mut out = String::new();
    if format == DocumentFormat::Docx {
        docx_text(doc.root_element(), &mut out);
    } else {
        odt_text(doc.root_element(), &mut out, 0);
    }
    Ok(out)
}

/// The text of WordprocessingML: `w:p` paragraphs as lines, `w:t` text, tabs and breaks;
/// deleted text (`w:del`) is left out.
fn docx_text(root: Node, out: &mut String) {
    for n in root.descendants() {
        if !n.is_element() {
            continue;
        }
        if n.ancestors().any(|a| a.tag_name().name() == "del") {
            continue;
        }
        match n.tag_name().name() {
            "t" => out.push_str(n.text().unwrap_or("")),
            "tab" if n.parent().is_some_and(|p| p.tag_name().name() == "r") => out.push('\t'),
            "br" | "cr" => out.push('\n'),
            "p" if !out.is_empty() => out.push('\n'),
            _ => {}
        }
    }
}

/// The text of an OpenDocument body: `text:p` and `text:h` as lines, `text:s` spaces,
/// `text:tab`, `text:line-break`; notes' and annotations' text is left out.
fn odt_text(n: Node, out: &mut String, depth: usize) {
    if depth > 200 {
        return;
    }
    for c in n.children() {
        if c.is_text() {
            if c.parent()
                .is_some_and(|p| matches!(p.tag_name().name(), "p" | "h" | "span" | "a"))
            {
                out.push_str(c.text().unwrap_or(""));
            }
            continue;
        }
        if !c.is_element() {
            continue;
        }
        match c.tag_name().name() {
            "p" | "h" => {
                if !out.is_empty() {
                    out.push('\n');
                }
                odt_text(c, out, depth + 1);
            }
            "s" => {
                let k = c
                    .attributes()
                    .find(|a| a.name() == "c")
                    .and_then(|a| a.value().parse::<usize>().ok())
                    .unwrap_or(1)
                    .min(1000);
                out.extend(std::iter::repeat_n(' ', k));
            }
            "tab" => out.push('\t'),
            "line-break" => out.push('\n'),
            "note" | "annotation" | "tracked-changes" => {}
            _ => odt_text(c, out, depth + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_maps_positions() {
        let (t, map) = normalise_with_map("\u{feff}a\r\nb😀\rc  \n");
        assert_eq!(t, "a\nb😀\nc");
        // original: BOM a CR LF b 😀 CR c sp sp LF (11 code points)
        assert_eq!(map.len(), 12);
        assert_eq!(map[1], 0, "a");
        assert_eq!(map[4], 2, "b");
        assert_eq!(map[5], 3, "😀");
        assert_eq!(map[7], 5, "c");
        assert_eq!(map[3], 1, "the LF of CRLF");
        assert_eq!(map[11], 6, "end");
    }

    #[test]
    fn speaker_labels() {
        assert_eq!(speaker_label("Anna: ja hoor"), Some(("Anna", "ja hoor")));
        assert_eq!(
            speaker_label("[Interviewer 2]: Goed"),
            Some(("Interviewer 2", "Goed"))
        );
        assert_eq!(speaker_label("10:30 begonnen"), None);
        assert_eq!(
            speaker_label("Dit is een lange zin, met: een dubbele punt"),
            None
        );
        assert_eq!(speaker_label("http://example.org"), None);
    }

    #[test]
    fn plain_transcript_keeps_turns() {
        let d = read_document(
            "gesprek.txt",
            "Interviewer: Hoe gaat het?\r\nSanne: Goed 😀.\r\nWe leren veel.\r\nInterviewer: Mooi.\r\n"
                .as_bytes(),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            d.text,
            "Interviewer: Hoe gaat het?\nSanne: Goed 😀. We leren veel.\nInterviewer: Mooi."
        );
        assert_eq!(d.turns.len(), 3);
        let said: Vec<&str> = d
            .turns
            .iter()
            .map(|t| leernet_core::span_text(&d.text, t.start, t.end).unwrap())
            .collect();
        assert_eq!(said, ["Hoe gaat het?", "Goed 😀. We leren veel.", "Mooi."]);
        assert_eq!(d.turns[1].speaker, "Sanne");
    }

    #[test]
    fn prose_is_not_a_transcript() {
        let d = read_document(
            "notitie.md",
            b"# Verslag\n\nWe spraken over: samenwerking.\n\nDaarna koffie.",
            &Limits::default(),
        )
        .unwrap();
        assert!(d.turns.is_empty());
        assert_eq!(d.title, "notitie");
    }

    #[test]
    fn vtt_voices_and_srt_labels() {
        let vtt = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\n<v Anna>Welkom allemaal.</v>\n\n00:00:03.000 --> 00:00:05.000\n<v Anna>We beginnen.</v>\n\n00:00:05.000 --> 00:00:07.000\n<v Bram>Dank &amp; fijn.</v>\n";
        let d = read_document("sessie.vtt", vtt.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(
            d.text,
            "Anna: Welkom allemaal. We beginnen.\nBram: Dank & fijn."
        );
        assert_eq!(d.turns.len(), 2);
        let srt = "1\r\n00:00:01,000 --> 00:00:02,000\r\nAnna: Hallo\r\n\r\n2\r\n00:00:02,000 --> 00:00:04,000\r\nBram: Hoi\r\nhoe gaat het\r\n";
        let d = read_document("x.srt", srt.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(d.text, "Anna: Hallo\nBram: Hoi hoe gaat het");
        assert_eq!(d.turns[1].speaker, "Bram");
    }

    #[test]
    fn bad_input_is_one_clear_error() {
        let l = Limits::default();
        assert!(matches!(
            read_document("a.txt", b"", &l),
            Err(DocumentError::Empty { .. })
        ));
        assert!(matches!(
            read_document("a.txt", b" \r\n\t", &l),
            Err(DocumentError::NoText { .. })
        ));
        assert!(matches!(
            read_document("a.txt", b"PK\x03\x04rest", &l),
            Err(DocumentError::NotWhatItSays { .. })
        ));
        assert!(matches!(
            read_document("a.docx", b"just text", &l),
            Err(DocumentError::NotWhatItSays { .. })
        ));
        assert!(matches!(
            read_document("a.docx", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0], &l),
            Err(DocumentError::Encrypted { .. })
        ));
        assert!(matches!(
            read_document("a.pdf", b"%PDF-1.7", &l),
            Err(DocumentError::NotWhatItSays { .. })
        ));
        assert!(matches!(
            read_document("a.pdf", b"Dit is gewone tekst.", &l),
            Err(DocumentError::NotWhatItSays { .. })
        ));
        assert!(matches!(
            read_document("a.rtf", b"{\\rtf", &l),
            Err(DocumentError::Unsupported { .. })
        ));
        assert!(matches!(
            read_document("a.vtt", b"1\n00:01 --> 00:02\nx", &l),
            Err(DocumentError::NotWhatItSays { .. })
        ));
        let e = read_document("a.docx", b"no zip", &l)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("a.docx: the file is not a Word document (.docx)"),
            "{e}"
        );
    }

    #[test]
    fn windows_1252_is_read() {
        let d = read_document("a.txt", b"caf\xe9 \x93ja\x94", &Limits::default()).unwrap();
        assert_eq!(d.text, "café “ja”");
    }

    /// A PDF of one page per content stream, written by hand with a correct cross-reference
    /// table; `trailer_extra` goes into the trailer (an `/Encrypt` reference).
    fn pdf(pages: &[Vec<u8>], filter: bool, trailer_extra: &str) -> Vec<u8> {
        let n = pages.len();
        let mut objects: Vec<Vec<u8>> = Vec::new();
        let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        objects
            .push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
        objects.push(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        );
        for (i, content) in pages.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                    5 + 2 * i
                )
                .into_bytes(),
            );
            let mut o = format!(
                "<< /Length {}{} >>\nstream\n",
                content.len(),
                if filter { " /Filter /FlateDecode" } else { "" }
            )
            .into_bytes();
            o.extend_from_slice(content);
            o.extend_from_slice(b"\nendstream");
            objects.push(o);
        }
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(o);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    fn text_page(line: &str) -> Vec<u8> {
        format!("BT /F1 12 Tf 72 712 Td ({line}) Tj ET").into_bytes()
    }

    #[test]
    fn a_pdf_text_layer_is_read_page_by_page() {
        let l = Limits::default();
        let bytes = pdf(
            &[
                text_page("We leren samen met bewoners."),
                b"0 0 m 100 100 l S".to_vec(),
                text_page("Tweede pagina."),
            ],
            false,
            "",
        );
        let d = read_document("verslag.pdf", &bytes, &l).unwrap();
        assert_eq!(d.format, DocumentFormat::Pdf);
        assert_eq!(d.title, "verslag");
        assert!(
            d.text.contains("We leren samen met bewoners."),
            "{:?}",
            d.text
        );
        assert!(d.text.contains("Tweede pagina."), "{:?}", d.text);
        let first = d.text.find("We leren").unwrap();
        let second = d.text.find("Tweede").unwrap();
        assert!(first < second, "pages in order");
        assert!(
            d.text[first..second].contains("\n\n"),
            "pages apart: {:?}",
            d.text
        );
        assert!(d.turns.is_empty());
    }

    #[test]
    fn a_pdf_without_text_encrypted_or_a_bomb_is_refused() {
        let l = Limits::default();
        let scan = pdf(&[b"0 0 m 100 100 l S".to_vec()], false, "");
        assert!(matches!(
            read_document("scan.pdf", &scan, &l),
            Err(DocumentError::PdfWithoutText { .. })
        ));
        let e = read_document("scan.pdf", &scan, &l)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("scan.pdf: this PDF has no text layer"), "{e}");
        let locked = pdf(&[text_page("Geheim.")], false, " /Encrypt 9 0 R");
        assert!(matches!(
            read_document("locked.pdf", &locked, &l),
            Err(DocumentError::Encrypted { .. })
        ));
        // A stream that unpacks to 2 MiB against a limit of 1 MiB, refused before parsing.
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b' '; 2 << 20]).unwrap();
        let bomb = pdf(&[z.finish().unwrap()], true, "");
        assert!(bomb.len() < 10_000, "{}", bomb.len());
        let small = Limits {
            max_entry_bytes: 1 << 20,
            ..Limits::default()
        };
        let e = read_document("bomb.pdf", &bomb, &small).unwrap_err();
        assert!(e.to_string().contains("unpack to more than 1 MiB"), "{e}");
        // The same stream within the limits is read (it holds only spaces: no text).
        assert!(matches!(
            read_document("bomb.pdf", &bomb, &l),
            Err(DocumentError::PdfWithoutText { .. })
        ));
        // A compressed text page is read.
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&text_page("Samen leren.")).unwrap();
        let packed = pdf(&[z.finish().unwrap()], true, "");
        assert!(read_document("p.pdf", &packed, &l)
            .unwrap()
            .text
            .contains("Samen leren."));
        // Truncated: a header and nothing else that parses.
        let cut = &scan[..scan.len() / 2];
        assert!(matches!(
            read_document("cut.pdf", cut, &l),
            Err(DocumentError::NotWhatItSays { .. } | DocumentError::PdfWithoutText { .. })
        ));
    }
}
