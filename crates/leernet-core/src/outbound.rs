//! Text that leaves leernet for other programs: what every exporter must do to a string
//! that came from a respondent, a coder or a researcher before it goes into a file.
//!
//! Why it exists: two kinds of exported file have a hazard in their format itself, and each
//! must be handled once, here, not per exporter:
//!
//! - **Spreadsheets run formulas.** A CSV cell that starts with `=`, `+`, `-`, `@`, a tab or
//!   a carriage return is read by Excel, LibreOffice and Google Sheets as a formula
//!   (`=cmd|' /C calc'!A0`, `=HYPERLINK(...)`). [`spreadsheet_cell`] neutralises such a
//!   cell as OWASP describes ("CSV Injection"): it puts a single quote in front, which
//!   spreadsheets show as text and do not evaluate. A plain number (`-3`, `+2`, `-0,5`) is
//!   left alone: it cannot call anything, and researchers want it as a number.
//! - **XML 1.0 forbids some characters outright** — the C0 controls other than tab, line
//!   feed and carriage return, and U+FFFE and U+FFFF — even as character references. One
//!   of them in `sharedStrings.xml`, `document.xml` or `project.qde` makes the whole file
//!   unreadable (openpyxl refuses it, Excel and Word call it damaged). [`xml_chars`]
//!   replaces each with U+FFFD, the replacement character, so that one answer cannot spoil
//!   a wave's export; escaping `<`, `&` and quotes stays the writer's job.
//!
//! Pure: strings in, strings out; a string that needs no change is borrowed, not copied.

use std::borrow::Cow;

/// Whether XML 1.0 allows `c` in a document (production `Char`). Rust strings hold no
/// surrogates, so the forbidden ones are C0 controls other than tab, LF and CR, and
/// U+FFFE and U+FFFF.
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{fffd}' | '\u{10000}'..)
}

/// `s` with every character that XML 1.0 forbids replaced by U+FFFD. Apply it to every
/// string from data before it is escaped into XML.
pub fn xml_chars(s: &str) -> Cow<'_, str> {
    if s.chars().all(xml_allowed) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if xml_allowed(c) { c } else { '\u{fffd}' })
                .collect(),
        )
    }
}

/// Whether `s` is a plain decimal number: an optional sign, digits, and optionally one
/// decimal point or comma followed by digits.
fn plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match body.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// A text cell for a CSV file that spreadsheets open: a cell that a spreadsheet would read
/// as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// single quote in front; a plain number and any other text are returned as they are.
pub fn spreadsheet_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        for bad in [
            "=cmd|' /C calc'!A0",
            "+31 6 1234",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-",
            "=",
            "-1e5",
        ] {
            assert_eq!(spreadsheet_cell(bad), format!("'{bad}"), "{bad:?}");
        }
        for good in [
            "-3", "+2", "-0.5", "-0,5", "12", "tekst", "", "a=b", " =1", "'=",
        ] {
            assert_eq!(spreadsheet_cell(good), good, "{good:?}");
        }
    }

    #[test]
    fn forbidden_xml_characters_become_replacement_characters() {
        assert_eq!(
            xml_chars("a\u{fffe}b\u{ffff}c\u{0}d\u{1f}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}d\u{fffd}"
        );
        assert!(matches!(
            xml_chars("tab\tlf\ncr\r é 😀 \u{fffd}"),
            Cow::Borrowed(_)
        ));
        assert!(!xml_allowed('\u{b}'));
        assert!(xml_allowed('\u{10ffff}'));
    }
}
