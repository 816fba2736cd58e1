//! Escaping for the Markdown report: everything that comes from data (names of networks,
//! Werkplaatsen and codes, labels, quotes) is written so that it reads as the same text and
//! can neither make HTML (`<script>`), nor break a table (`|`), nor start a heading, list,
//! link, citation or formula (Quarto and pandoc read `@key`, `$x$`, `^sup^`, `~sub~`).
//!
//! Why it exists: Markdown passes raw HTML through, and a `|` in a cell ends the cell. The
//! Markdown renderer (`render_md.rs`) writes every text of the document model through
//! [`text`], and the front matter's title through [`yaml`]; SVG charts are trusted markup,
//! escaped where they are made.

use std::fmt::Write as _;

/// Characters with a meaning in CommonMark, GitHub tables or pandoc wherever they stand;
/// each is written after a backslash (CommonMark: any ASCII punctuation may be escaped).
const ALWAYS: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '$', '@', '^',
];

/// `s` as Markdown text that reads as `s`: line breaks become spaces (a value never starts
/// a block of its own), the characters of `ALWAYS` are escaped, and so is a start that
/// would open a heading, list, definition or rule.
pub fn text(s: &str) -> String {
    let flat: String = s
        .replace("\r\n", " ")
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(flat.len() + 8);
    // A start that opens a block: `# `, `- `, `+ `, `: `, `1. `, `1) `, or a rule / setext
    // underline (`---`, `===`).
    let digits = flat.bytes().take_while(u8::is_ascii_digit).count();
    let after = |n: usize| flat[n..].chars().next();
    let rule = !flat.trim().is_empty() && flat.chars().all(|c| matches!(c, '-' | '=' | ' '));
    let lead = match flat.chars().next() {
        Some('#' | '+' | ':' | '=') => 1,
        Some('-') if rule || matches!(after(1), None | Some(' ' | '\t')) => 1,
        _ if digits > 0
            && matches!(after(digits), Some('.' | ')'))
            && matches!(after(digits + 1), None | Some(' ' | '\t')) =>
        {
            out.push_str(&flat[..digits]);
            digits
        }
        _ => 0,
    };
    let rest = if lead > 0 {
        out.push('\\');
        if digits > 0 && lead == digits {
            &flat[digits..]
        } else {
            &flat[..]
        }
    } else {
        &flat[..]
    };
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        // `&` only where it could start an entity (`&lt;`, `&#60;`): "A & B" stays.
        let entity = c == '&'
            && chars
                .peek()
                .is_some_and(|n| *n == '#' || n.is_ascii_alphabetic());
        if entity || (c != '&' && ALWAYS.contains(&c)) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A double-quoted YAML string whose value is [`text`] (pandoc reads front-matter strings
/// as Markdown).
pub fn yaml(s: &str) -> String {
    let mut out = String::from("\"");
    for c in text(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn data_reads_as_itself_and_opens_nothing() {
        assert_eq!(
            text("<script>x</script> | a"),
            "\\<script\\>x\\</script\\> \\| a"
        );
        assert_eq!(text("a\nb\r\nc"), "a b c");
        assert_eq!(text("# kop"), "\\# kop");
        assert_eq!(text("- punt"), "\\- punt");
        assert_eq!(text("---"), "\\---");
        assert_eq!(text("12. twaalf"), "12\\. twaalf");
        assert_eq!(text("-3"), "-3");
        assert_eq!(text("12.5"), "12.5");
        assert_eq!(text("Zorg en Welzijn (Noord)"), "Zorg en Welzijn (Noord)");
        assert_eq!(text("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(text("A & B &lt; &#60;"), "A & B \\&lt; \\&#60;");
    }
}
