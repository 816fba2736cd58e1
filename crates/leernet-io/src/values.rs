//! Turning a cell of another tool's export into the raw XLSForm value leernet stores:
//! choice names (from names, labels in any of the form's languages, yes/no codes, or the
//! position codes of Qualtrics and LimeSurvey), numbers with a point, ISO dates.
//!
//! A cell that cannot be understood is passed on unchanged, so that the answer model
//! (`Form::check_value`) reports it with the form's own words.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use leernet_xlsform::value::trim;
use leernet_xlsform::{Form, Question, QuestionKind};

use crate::detect::Format;

/// Lower case, trimmed, inner white space collapsed: how labels are compared.
pub fn key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

const YES: [&str; 7] = ["yes", "y", "ja", "j", "true", "waar", "oui"];
const NO: [&str; 6] = ["no", "n", "nee", "false", "onwaar", "non"];

/// The choices of one list, findable by name, by label in any language and by position.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// Choice names in form order.
    pub names: Vec<String>,
    by_name: HashMap<String, usize>,
    by_label: HashMap<String, usize>,
    labels: Vec<Vec<String>>,
    yes: Option<usize>,
    no: Option<usize>,
    /// Every name is a whole number (a Likert list): leernet's export codes by name.
    numeric: bool,
}

impl Choices {
    /// The choices of a question's list (empty for other questions).
    pub fn of(form: &Form, q: &Question) -> Choices {
        let mut c = Choices::default();
        let Some(list) = q.kind.list().and_then(|l| form.choices(l)) else {
            return c;
        };
        let or_other = matches!(
            q.kind,
            QuestionKind::SelectOne { or_other: true, .. }
                | QuestionKind::SelectMultiple { or_other: true, .. }
        );
        for (i, ch) in list.iter().enumerate() {
            c.names.push(ch.name.clone());
            c.by_name.insert(ch.name.clone(), i);
            let mut labels = Vec::new();
            for v in ch.label.values.values() {
                if !v.is_empty() {
                    c.by_label.entry(key(v)).or_insert(i);
                    labels.push(key(v));
                }
            }
            let all: Vec<String> = std::iter::once(key(&ch.name))
                .chain(labels.iter().cloned())
                .collect();
            if c.yes.is_none() && all.iter().any(|k| YES.contains(&k.as_str())) {
                c.yes = Some(i);
            }
            if c.no.is_none() && all.iter().any(|k| NO.contains(&k.as_str())) {
                c.no = Some(i);
            }
            c.labels.push(labels);
        }
        if or_other && !c.by_name.contains_key("other") {
            let i = c.names.len();
            c.names.push("other".into());
            c.by_name.insert("other".into(), i);
            c.by_label.entry("other".into()).or_insert(i);
            c.labels.push(vec!["other".into()]);
        }
        c.numeric = !c.names.is_empty() && c.names.iter().all(|n| n.parse::<i32>().is_ok());
        c
    }

    /// The index of a choice by its name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Finds the choice a cell means: its name, a label, a yes/no code, or (for tools
    /// that number choices) its 1-based position.
    pub fn find(&self, cell: &str, format: Format) -> Option<usize> {
        let t = trim(cell);
        if let Some(&i) = self.by_name.get(t) {
            return Some(i);
        }
        let k = key(t);
        if let Some(&i) = self.by_label.get(&k) {
            return Some(i);
        }
        if YES.contains(&k.as_str()) && self.yes.is_some() && self.no.is_some() {
            return self.yes;
        }
        if NO.contains(&k.as_str()) && self.yes.is_some() && self.no.is_some() {
            return self.no;
        }
        let pos = match format {
            Format::Qualtrics => t.parse::<usize>().ok(),
            // leernet's own export: the position, unless the names are the codes
            Format::Leernet if !self.numeric => t.parse::<usize>().ok(),
            // LimeSurvey's default answer codes: A1, A2, … and AO01, AO02, …
            Format::LimeSurvey => t
                .strip_prefix("AO")
                .or_else(|| t.strip_prefix('A'))
                .and_then(|d| d.parse::<usize>().ok()),
            _ => None,
        };
        pos.filter(|&p| p >= 1 && p <= self.names.len())
            .map(|p| p - 1)
    }

    /// Reads space-joined labels (KoboToolbox's label summaries), longest label first.
    fn split_labels(&self, cell: &str) -> Option<Vec<usize>> {
        let words: Vec<String> = cell.split_whitespace().map(str::to_lowercase).collect();
        let mut out = Vec::new();
        let mut at = 0;
        while at < words.len() {
            let mut best: Option<(usize, usize)> = None;
            for (i, labels) in self.labels.iter().enumerate() {
                for l in labels {
                    let n = l.split(' ').count();
                    if at + n <= words.len()
                        && words[at..at + n].join(" ") == *l
                        && best.is_none_or(|(_, m)| n > m)
                    {
                        best = Some((i, n));
                    }
                }
            }
            let (i, n) = best?;
            out.push(i);
            at += n;
        }
        Some(out)
    }
}

/// A select_multiple cell read: choice names (space-separated) and the text of an answer
/// that is no choice (Microsoft Forms puts a typed "Other" there).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Multiple {
    /// Space-separated choice names, in the form's order.
    pub value: String,
    /// Parts that are no choice, joined by `; ` (when the list has `other`).
    pub other_text: Option<String>,
    /// Parts that are no choice, when the list has no `other`.
    pub unknown: Vec<String>,
}

/// A select_multiple cell that is already the value [`multiple`] makes of it: choice
/// names of the list, each once, in the list's order, joined by single spaces (how
/// KoboToolbox, ODK and leernet itself write them). Then the (trimmed) cell is the value,
/// borrowed; `None` means "read it with [`multiple`]".
pub fn canonical_multiple<'a>(choices: &Choices, cell: &'a str, format: Format) -> Option<&'a str> {
    let t = trim(cell);
    if t.is_empty()
        || matches!(format, Format::MsForms | Format::Qualtrics)
        || t.contains([';', ','])
    {
        return None;
    }
    let mut last: Option<usize> = None;
    for part in t.split(' ') {
        if part.is_empty() || part.contains(char::is_whitespace) {
            return None;
        }
        let i = *choices.by_name.get(part)?;
        if last.is_some_and(|l| i <= l) {
            return None;
        }
        last = Some(i);
    }
    Some(t)
}

/// Reads a select_multiple cell as its tool writes it.
pub fn multiple(choices: &Choices, cell: &str, format: Format) -> Multiple {
    let t = cell.trim();
    let mut out = Multiple::default();
    if t.is_empty() {
        return out;
    }
    let parts: Vec<&str> = match format {
        Format::MsForms => t.split(';').collect(),
        Format::Qualtrics => t.split(',').collect(),
        Format::Kobo | Format::Odk => t.split_whitespace().collect(),
        _ if t.contains(';') => t.split(';').collect(),
        _ if t.contains(',') => t.split(',').collect(),
        _ => t.split_whitespace().collect(),
    };
    let parts: Vec<&str> = parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut picked: Vec<usize> = Vec::new();
    let mut unknown = Vec::new();
    for p in &parts {
        match choices.find(p, format) {
            Some(i) => picked.push(i),
            None => unknown.push((*p).to_owned()),
        }
    }
    if !unknown.is_empty() && matches!(format, Format::Kobo | Format::Odk | Format::Csv) {
        if let Some(ix) = choices.split_labels(t) {
            picked = ix;
            unknown.clear();
        }
    }
    if !unknown.is_empty() && format == Format::MsForms {
        // Microsoft Forms writes the typed "Other" text into the list
        if let Some(o) = choices.index_of("other") {
            picked.push(o);
            out.other_text = Some(std::mem::take(&mut unknown).join("; "));
        }
    }
    out.unknown = unknown;
    picked.sort_unstable();
    picked.dedup();
    out.value = picked
        .iter()
        .map(|&i| choices.names[i].as_str())
        .chain(out.unknown.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    out
}

/// Whether an option column (one 0/1 column per choice) says checked: `Some(true)` for
/// `1`, `Y`, `True`, `X`…, `Some(false)` for `0`, `N`, `False`, empty, `n/a`; `None` when
/// it cannot tell.
pub fn checked(cell: &str) -> Option<bool> {
    match key(cell).as_str() {
        "1" | "1.0" | "y" | "yes" | "ja" | "j" | "true" | "x" | "waar" | "selected" => Some(true),
        "0" | "0.0" | "" | "n" | "no" | "nee" | "false" | "n/a" | "onwaar" => Some(false),
        _ => None,
    }
}

fn two(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `m/d/yy` or `m/d/yyyy` (US, as Microsoft Forms writes) or `d-m-yyyy` (Dutch).
fn date_to_iso(d: &str, us: bool) -> Option<String> {
    let sep = if d.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = d.split(sep).collect();
    if parts.len() != 3 || parts[0].len() == 4 {
        return None;
    }
    let (a, b) = (two(parts[0])?, two(parts[1])?);
    let (m, day) = if us && sep == '/' { (a, b) } else { (b, a) };
    let y: i64 = parts[2].parse().ok()?;
    let y = if parts[2].len() == 2 { 2000 + y } else { y };
    let s = format!("{y:04}-{m:02}-{day:02}");
    leernet_xlsform::dates::parse_date(&s).map(|_| s)
}

fn time_pad(t: &str) -> String {
    let mut p: Vec<String> = t.split(':').map(|x| format!("{:0>2}", x)).collect();
    if p.len() == 2 {
        p.push("00".into());
    }
    p.join(":")
}

/// ISO `YYYY-MM-DDTHH:MM:SS` from the date-time texts of the tools (`2024-03-05
/// 10:12:33`, `3/5/24 10:12:33`), or the text unchanged.
pub fn datetime(cell: &str, format: Format) -> String {
    let t = cell.trim();
    if t.len() >= 10 && t.as_bytes()[4] == b'-' {
        if let Some((d, time)) = t.split_once(' ') {
            return format!("{d}T{time}");
        }
        return t.to_owned();
    }
    let (d, time) = t.split_once(' ').unwrap_or((t, ""));
    match date_to_iso(d, format == Format::MsForms) {
        Some(iso) if time.is_empty() => iso,
        Some(iso) => format!("{iso}T{}", time_pad(time.trim())),
        None => t.to_owned(),
    }
}

/// Normalises a scalar (non-select) cell for its question's type (borrowed from the
/// cell when it is only trimmed).
pub fn scalar<'a>(kind: &QuestionKind, cell: &'a str, format: Format) -> Cow<'a, str> {
    let t = trim(cell);
    match kind {
        QuestionKind::Integer => {
            if let Some(w) = t.strip_suffix(".0") {
                if w.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    return Cow::Borrowed(w);
                }
            }
            Cow::Borrowed(t)
        }
        QuestionKind::Decimal | QuestionKind::Range { .. } => {
            // a decimal comma, as Dutch spreadsheets write it
            if t.matches(',').count() == 1 && !t.contains('.') {
                Cow::Owned(t.replace(',', "."))
            } else {
                Cow::Borrowed(t)
            }
        }
        QuestionKind::Date => match t.split_once(['T', ' ']) {
            Some((d, _)) if d.len() == 10 && d.as_bytes()[4] == b'-' => Cow::Borrowed(d),
            _ => match date_to_iso(t.split(' ').next().unwrap_or(t), format == Format::MsForms) {
                Some(iso) => Cow::Owned(iso),
                None => Cow::Borrowed(t),
            },
        },
        QuestionKind::DateTime
        | QuestionKind::Metadata(
            leernet_xlsform::Metadata::Start | leernet_xlsform::Metadata::End,
        ) => Cow::Owned(datetime(t, format)),
        // open answers are kept whole (inner line breaks and spacing included)
        QuestionKind::Text => Cow::Borrowed(cell),
        _ => Cow::Borrowed(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            datetime("3/5/24 10:12:33", Format::MsForms),
            "2024-03-05T10:12:33"
        );
        assert_eq!(
            datetime("3/7/24 9:00:00", Format::MsForms),
            "2024-03-07T09:00:00"
        );
        assert_eq!(
            datetime("2024-03-05 10:15:02", Format::LimeSurvey),
            "2024-03-05T10:15:02"
        );
        assert_eq!(datetime("5-3-2024", Format::Csv), "2024-03-05");
        assert_eq!(checked("True"), Some(true));
        assert_eq!(checked("n/a"), Some(false));
        assert_eq!(checked("maybe"), None);
    }

    fn letters() -> Choices {
        let mut c = Choices::default();
        for (i, (name, label)) in [
            ("a", "Alpha"),
            ("b", "Beta two"),
            ("c", "c"),
            ("other", "Other"),
        ]
        .into_iter()
        .enumerate()
        {
            c.names.push(name.into());
            c.by_name.insert(name.into(), i);
            c.by_label.insert(key(label), i);
            c.labels.push(vec![key(label)]);
        }
        c
    }

    proptest::proptest! {
        /// Where the fast path takes a cell, it gives what the full reading gives.
        #[test]
        fn canonical_multiple_is_what_multiple_makes(
            parts in proptest::collection::vec("a|b|c|other|alpha|Beta|two|x| |\\t|;|,|\u{a0}", 0..6),
            f in 0usize..7,
        ) {
            let format = [Format::Kobo, Format::Odk, Format::Csv, Format::LimeSurvey, Format::MsForms, Format::Qualtrics, Format::Kobo][f];
            let c = letters();
            for sep in [" ", "  ", ""] {
                let cell = parts.join(sep);
                if let Some(v) = canonical_multiple(&c, &cell, format) {
                    let m = multiple(&c, &cell, format);
                    proptest::prop_assert_eq!(v, m.value.as_str(), "{:?}", cell);
                    proptest::prop_assert!(m.unknown.is_empty() && m.other_text.is_none());
                }
            }
        }
    }

    #[test]
    fn canonical_multiple_takes_names_in_order_only() {
        let c = letters();
        assert_eq!(canonical_multiple(&c, " a c ", Format::Kobo), Some("a c"));
        assert_eq!(
            canonical_multiple(&c, "c a", Format::Kobo),
            None,
            "out of order"
        );
        assert_eq!(canonical_multiple(&c, "a a", Format::Kobo), None, "twice");
        assert_eq!(
            canonical_multiple(&c, "a  c", Format::Kobo),
            None,
            "two spaces"
        );
        assert_eq!(canonical_multiple(&c, "a;c", Format::Csv), None);
        assert_eq!(
            canonical_multiple(&c, "Alpha", Format::Kobo),
            None,
            "a label"
        );
        assert_eq!(canonical_multiple(&c, "a", Format::MsForms), None);
    }
}
