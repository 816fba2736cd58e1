//! Checks of the expressions in a form: references to questions that exist.

use crate::diag::Diagnostic;
use crate::form::Form;

/// Expression columns of the survey sheet, as (column, accessor).
pub(crate) fn expression_columns(q: &crate::form::Question) -> Vec<(&'static str, &str)> {
    let mut v = Vec::new();
    for (col, val) in [
        ("relevant", &q.relevant),
        ("constraint", &q.constraint),
        ("calculation", &q.calculation),
        ("choice_filter", &q.choice_filter),
        ("required", &q.required),
        ("read_only", &q.read_only),
        ("trigger", &q.trigger),
        ("default", &q.default),
    ] {
        if let Some(s) = val {
            v.push((col, s.as_str()));
        }
    }
    v
}

/// `${name}` references in a text, with byte offsets.
pub(crate) fn references(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = s[i..].find("${") {
        let start = i + p;
        match s[start + 2..].find('}') {
            Some(e) => {
                out.push((start, s[start + 2..start + 2 + e].trim()));
                i = start + 2 + e + 1;
            }
            None => break,
        }
    }
    out
}

/// Adds an error for every `${name}` that names no question or group.
pub(crate) fn check_expressions(form: &Form, diags: &mut Vec<Diagnostic>) {
    let exists = |n: &str| form.question(n).is_some() || form.group(n).is_some();
    let mut check = |row: usize, col: &str, text: &str| {
        for (_, name) in references(text) {
            if !exists(name) {
                diags.push(Diagnostic::error("survey", Some(row), Some(col), format!(
                    "On the 'survey' sheet, the '{col}' value is invalid. Reference variables must contain a name from the 'survey' sheet. Could not find the name '{name}'."
                )));
            }
        }
    };
    for q in form.questions() {
        for (col, text) in expression_columns(q) {
            check(q.row, col, text);
        }
        for (lang, t) in &q.label.values {
            let col = if lang.is_empty() {
                "label".to_string()
            } else {
                format!("label::{lang}")
            };
            check(q.row, &col, t);
        }
    }
    for g in form.groups() {
        for (col, val) in [("relevant", &g.relevant), ("repeat_count", &g.repeat_count)] {
            if let Some(t) = val {
                check(g.row, col, t);
            }
        }
    }
}
