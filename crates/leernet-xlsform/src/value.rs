//! Is a raw stored value valid for its question's type and choices?
//!
//! This is the type check an importer or the web survey does before storing a value;
//! constraints, relevance and `required` are the answer model's business.

use crate::dates;

/// The longest answer leernet stores in one field, in characters: what the web survey
/// accepts in a field and what an import accepts in a cell. One constant, so that no way
/// in stores what another refuses.
pub const MAX_ANSWER_CHARS: usize = 10_000;

/// Whether `value` is longer than [`MAX_ANSWER_CHARS`] (counted only when its bytes could be).
pub fn too_long(value: &str) -> bool {
    value.len() > MAX_ANSWER_CHARS && value.chars().count() > MAX_ANSWER_CHARS
}
use crate::form::Form;
use crate::kind::{Media, QuestionKind};

/// Why a stored value does not fit its question. Displays as one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    /// The form has no question of that name.
    UnknownQuestion(String),
    /// The value does not fit: the question, the value and what was expected.
    Invalid {
        /// Question name.
        question: String,
        /// The offending value.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueError::UnknownQuestion(q) => write!(f, "The form has no question named '{q}'."),
            ValueError::Invalid {
                question,
                value,
                expected,
            } => {
                write!(
                    f,
                    "The value '{value}' for '{question}' is not valid: expected {expected}."
                )
            }
        }
    }
}

impl std::error::Error for ValueError {}

/// [`str::trim`], without a scan when the text plainly has no white space at either end
/// (an ASCII byte other than tab, line feed, vertical tab, form feed, carriage return and
/// space: the ASCII characters `char::is_whitespace` knows). An import trims millions of
/// cells.
pub fn trim(s: &str) -> &str {
    let plain = |b: &u8| *b < 0x80 && !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if plain(f) && plain(l) => s,
        _ => s.trim(),
    }
}

fn is_integer(s: &str) -> bool {
    let d = s.strip_prefix(['-', '+']).unwrap_or(s);
    !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()) && s.parse::<i64>().is_ok()
}

fn is_decimal(s: &str) -> bool {
    let d = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (a, b) = d.split_once('.').unwrap_or((d, ""));
    (!a.is_empty() || !b.is_empty())
        && a.bytes().all(|c| c.is_ascii_digit())
        && b.bytes().all(|c| c.is_ascii_digit())
        && s.parse::<f64>().map(f64::is_finite).unwrap_or(false)
}

fn geopoint(s: &str) -> bool {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() < 2 || parts.len() > 4 || !parts.iter().all(|p| is_decimal(p)) {
        return false;
    }
    let lat: f64 = parts[0].parse().unwrap_or(f64::NAN);
    let lon: f64 = parts[1].parse().unwrap_or(f64::NAN);
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

impl Form {
    /// Whether a trimmed, non-empty value of a select question is valid, decided without
    /// allocating (imports check millions). `false` means "not sure": the full check
    /// decides and words the message.
    fn plainly_valid(&self, kind: &QuestionKind, v: &str) -> bool {
        let is_choice = |list: &str, or_other: bool, part: &str| {
            (or_other && part == "other")
                || self
                    .choices(list)
                    .is_some_and(|cs| cs.iter().any(|c| c.name == part))
        };
        match kind {
            QuestionKind::SelectOne { list, or_other } => is_choice(list, *or_other, v),
            QuestionKind::SelectMultiple { list, or_other } => {
                // every part a choice, none twice
                v.split_whitespace().enumerate().all(|(i, part)| {
                    is_choice(list, *or_other, part)
                        && !v.split_whitespace().take(i).any(|earlier| earlier == part)
                })
            }
            _ => false,
        }
    }

    /// Checks a raw stored value against the question's type and choices (not its
    /// constraint). An empty value is always accepted here (`required` is separate).
    /// select_multiple and rank values are space-separated choice names.
    pub fn check_value(&self, question: &str, raw: &str) -> Result<(), crate::ValueError> {
        let i = self
            .question_index(question)
            .ok_or_else(|| ValueError::UnknownQuestion(question.to_string()))?;
        self.check_value_at(i, raw)
    }

    /// [`Form::check_value`] of the question at `index` in [`Form::questions`] (no
    /// lookup by name: an import checks millions of values).
    pub fn check_value_at(&self, index: usize, raw: &str) -> Result<(), crate::ValueError> {
        let q = self
            .questions
            .get(index)
            .ok_or_else(|| ValueError::UnknownQuestion(format!("#{index}")))?;
        let question = q.name.as_str();
        if matches!(q.kind, QuestionKind::Text) {
            return Ok(()); // any text
        }
        let v = trim(raw);
        if v.is_empty() || self.plainly_valid(&q.kind, v) {
            return Ok(());
        }
        let bad = |expected: String| {
            Err(ValueError::Invalid {
                question: question.to_string(),
                value: raw.to_string(),
                expected,
            })
        };
        let choice_names = |list: &str, or_other: bool| -> Vec<&str> {
            let mut n: Vec<&str> = self
                .choices(list)
                .map(|cs| cs.iter().map(|c| c.name.as_str()).collect())
                .unwrap_or_default();
            if or_other {
                n.push("other");
            }
            n
        };
        let show = |names: &[&str]| {
            let mut s = names
                .iter()
                .take(12)
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ");
            if names.len() > 12 {
                s.push_str(", ...");
            }
            s
        };
        match &q.kind {
            QuestionKind::Integer if !is_integer(v) => bad("a whole number".into()),
            QuestionKind::Decimal if !is_decimal(v) => bad("a number".into()),
            QuestionKind::Date if dates::parse_date(v).is_none() => {
                bad("a date as YYYY-MM-DD".into())
            }
            QuestionKind::Time if dates::parse_time(v).is_none() => {
                bad("a time as HH:MM:SS".into())
            }
            QuestionKind::DateTime if dates::parse_datetime(v).is_none() => {
                bad("a date and time as YYYY-MM-DDTHH:MM:SS".into())
            }
            QuestionKind::SelectOne { list, or_other } => {
                let names = choice_names(list, *or_other);
                if names.contains(&v) {
                    Ok(())
                } else {
                    bad(format!("one of {}", show(&names)))
                }
            }
            QuestionKind::SelectOneFromFile { file } if self.choices(file).is_some() => {
                let names = choice_names(file, false);
                if names.contains(&v) {
                    Ok(())
                } else {
                    bad(format!("one of {}", show(&names)))
                }
            }
            QuestionKind::SelectMultiple { list, .. }
            | QuestionKind::Rank { list }
            | QuestionKind::SelectMultipleFromFile { file: list }
                if self.choices(list).is_some()
                    || !matches!(q.kind, QuestionKind::SelectMultipleFromFile { .. }) =>
            {
                let or_other =
                    matches!(q.kind, QuestionKind::SelectMultiple { or_other: true, .. });
                let names = choice_names(list, or_other);
                let mut seen = Vec::new();
                for part in v.split_whitespace() {
                    if !names.contains(&part) {
                        return bad(format!(
                            "space-separated choices from {}, but '{part}' is not one of them",
                            show(&names)
                        ));
                    }
                    if seen.contains(&part) {
                        return bad(format!(
                            "each choice at most once, but '{part}' is repeated"
                        ));
                    }
                    seen.push(part);
                }
                if matches!(q.kind, QuestionKind::Rank { .. }) && seen.len() != names.len() {
                    return bad(format!("all {} choices in order", names.len()));
                }
                Ok(())
            }
            QuestionKind::Range { start, end, step } => {
                let Ok(x) = v.parse::<f64>() else {
                    return bad("a number".into());
                };
                let (lo, hi) = if start <= end {
                    (*start, *end)
                } else {
                    (*end, *start)
                };
                if !is_decimal(v) || x < lo || x > hi {
                    return bad(format!("a number from {start} to {end}"));
                }
                let k = (x - start) / step;
                if (k - k.round()).abs() > 1e-9 {
                    return bad(format!("a number from {start} to {end} in steps of {step}"));
                }
                Ok(())
            }
            QuestionKind::Acknowledge if v != "OK" => bad("'OK' (or empty)".into()),
            QuestionKind::Note => bad("no value: a note is not answered".into()),
            QuestionKind::Media(Media::Geopoint) if !geopoint(v) => {
                bad("a location as 'latitude longitude [altitude accuracy]'".into())
            }
            QuestionKind::Media(Media::Geotrace | Media::Geoshape)
                if !v.split(';').all(|p| geopoint(p.trim())) =>
            {
                bad("locations separated by ';'".into())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn trim_is_str_trim(s in "[ \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{2003}\u{1c}a-z0-9é]{0,6}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }
    }

    #[test]
    fn numbers() {
        assert!(
            is_integer("-12")
                && is_integer("+3")
                && !is_integer("1.5")
                && !is_integer("")
                && !is_integer("-")
        );
        assert!(
            is_decimal("1.5")
                && is_decimal("-.5")
                && is_decimal("3")
                && !is_decimal("1e5")
                && !is_decimal("NaN")
                && !is_decimal(".")
        );
        assert!(geopoint("52.1 5.2 0 10") && !geopoint("95 5") && !geopoint("a b"));
    }
}
