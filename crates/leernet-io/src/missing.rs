//! Missing-value markers: the texts that tools and their users write into a cell for "no
//! value". A file that went through R carries `NA` in every empty cell, Excel's formulas
//! leave `#N/A`, a database dump `NULL`, SPSS writes a system-missing value as `.`; SPSS
//! users declare codes such as `-99` as user-missing. A marker is no answer: the import
//! reads such a cell as empty (so an unfinished response whose `submitdate` holds `NA`
//! stays unfinished) and the check says per column how many cells it read so.
//!
//! The default markers are the ones no answer is: `NA`, `#N/A`, `NULL` and `.`. A code
//! such as `-99` is also a number someone may have answered, so it is a marker only when
//! the researcher says so (`leernet import responses --missing NA,-99`); the list given
//! replaces the defaults. A marker is compared with the whole cell, trimmed, case and all.

/// The markers read as missing when the researcher names none.
pub const DEFAULT_MARKERS: [&str; 4] = ["NA", "#N/A", "NULL", "."];

/// The most markers a list may hold.
pub const MAX_MARKERS: usize = 32;

/// The longest marker, in characters.
pub const MAX_MARKER_CHARS: usize = 32;

/// The default markers, as a list.
pub fn defaults() -> Vec<String> {
    DEFAULT_MARKERS.iter().map(|m| (*m).to_owned()).collect()
}

/// Reads a comma-separated list of markers (`NA,-99,.`), each trimmed, each once, in
/// the order given; at most [`MAX_MARKERS`] of at most [`MAX_MARKER_CHARS`] characters.
/// An empty list is refused: to read every cell as it is, the caller gives `none`.
pub fn parse_list(text: &str) -> Result<Vec<String>, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let mut out: Vec<String> = Vec::new();
    let mut given = 0usize;
    for part in text.split(',') {
        let m = part.trim();
        if m.is_empty() {
            continue;
        }
        given += 1;
        if given > MAX_MARKERS {
            return Err(format!(
                "at most {MAX_MARKERS} missing-value markers may be given"
            ));
        }
        if m.chars().count() > MAX_MARKER_CHARS {
            return Err(format!(
                "a missing-value marker may be at most {MAX_MARKER_CHARS} characters long"
            ));
        }
        if !out.iter().any(|o| o == m) {
            out.push(m.to_owned());
        }
    }
    if out.is_empty() {
        return Err(
            "no missing-value marker given (separate them with commas, or say \"none\")".into(),
        );
    }
    Ok(out)
}

/// The position in `markers` of the marker a cell is, if it is one.
pub fn marker_of(markers: &[String], cell: &str) -> Option<usize> {
    if markers.is_empty() {
        return None;
    }
    let t = cell.trim();
    if t.is_empty() || t.len() > 4 * MAX_MARKER_CHARS {
        return None;
    }
    markers.iter().position(|m| m == t)
}
