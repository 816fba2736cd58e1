//! Checks of a form's expressions — syntax (with the position), known functions,
//! `${name}` references that exist and are unambiguous, and dependency cycles between
//! calculations and relevance — and their compilation for the answer model.

use std::collections::HashMap;

use crate::diag::Diagnostic;
use crate::expr::{parse, Expr, PLATFORM_FUNCTIONS};
use crate::form::{Form, Question};

/// The parsed expressions of one question.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledQuestion {
    pub relevant: Option<Expr>,
    pub constraint: Option<Expr>,
    pub calculation: Option<Expr>,
    pub required: Option<Expr>,
    pub read_only: Option<Expr>,
    pub choice_filter: Option<Expr>,
    pub default: Option<Expr>,
}

/// The parsed expressions of one group or repeat.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledGroup {
    pub relevant: Option<Expr>,
    pub repeat_count: Option<Expr>,
}

/// Whether a `default` cell is an expression rather than a literal value.
pub(crate) fn default_is_expression(s: &str) -> bool {
    s.contains("${") || s.contains("()") || (s.contains('(') && s.contains(')') && !s.contains(' '))
}

fn expression_columns(q: &Question) -> Vec<(&'static str, &str)> {
    let mut v = Vec::new();
    for (col, val) in [
        ("relevant", &q.relevant),
        ("constraint", &q.constraint),
        ("calculation", &q.calculation),
        ("choice_filter", &q.choice_filter),
        ("required", &q.required),
        ("read_only", &q.read_only),
    ] {
        if let Some(s) = val {
            v.push((col, s.as_str()));
        }
    }
    if let Some(d) = &q.default {
        if default_is_expression(d) {
            v.push(("default", d.as_str()));
        }
    }
    v
}

/// `${name}` references in free text (labels, hints, trigger), with byte offsets;
/// `Err` for a `${` that does not hold a name and a `}`.
pub(crate) fn references(s: &str) -> Vec<(usize, Result<&str, ()>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = s[i..].find("${") {
        let start = i + p;
        match s[start + 2..].find('}') {
            Some(e) => {
                let inner = &s[start + 2..start + 2 + e];
                // `${last-saved#name}` names `name` (ODK Collect's last saved questionnaire).
                let name = inner.strip_prefix("last-saved#").unwrap_or(inner);
                out.push((
                    start,
                    if crate::form::valid_name(name) || name.is_empty() {
                        Ok(name)
                    } else {
                        Err(())
                    },
                ));
                i = start + 2 + e + 1;
            }
            None => {
                out.push((start, Err(())));
                break;
            }
        }
    }
    out
}

/// pyxform's words for a malformed `${…}`.
pub(crate) const BAD_REFERENCE: &str =
    "Reference variables must start with '${', then a question name, and end with '}'";

struct Checker<'a> {
    counts: HashMap<&'a str, usize>,
    diags: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn check_ref(&mut self, row: usize, col: &str, name: &str) {
        match self.counts.get(name).copied().unwrap_or(0) {
            0 => self.diags.push(Diagnostic::error("survey", Some(row), Some(col), format!(
                "On the 'survey' sheet, the '{col}' value is invalid. Reference variables must contain a name from the 'survey' sheet. Could not find the name '{name}'."
            ))),
            1 => {}
            _ => self.diags.push(Diagnostic::error("survey", Some(row), Some(col), format!(
                "On the 'survey' sheet, the '{col}' value is invalid. There are multiple survey elements named '{name}', so '${{{name}}}' is ambiguous; rename one of them."
            ))),
        }
    }

    fn expression(&mut self, row: usize, col: &str, text: &str) -> Option<Expr> {
        match parse(text) {
            Ok(e) => {
                for (name, _) in e.references() {
                    self.check_ref(row, col, name);
                }
                for (name, _) in e.last_saved_references() {
                    self.check_ref(row, col, name);
                }
                let mut platform = Vec::new();
                e.walk(&mut |x| {
                    if let Expr::Call(f, _, _) = x {
                        if let Some(p) = PLATFORM_FUNCTIONS.iter().find(|p| p.0 == f) {
                            if !platform.contains(&p) {
                                platform.push(p);
                            }
                        }
                    }
                });
                for (f, who, computed) in platform {
                    let how = if *computed {
                        format!("leernet computes it as {who} does")
                    } else {
                        "leernet cannot run it and leaves its value empty".to_owned()
                    };
                    self.diags.push(Diagnostic::warning("survey", Some(row), Some(col), format!(
                        "The {col} uses {f}(), a function of {who}, not of ODK: {how}, and ODK Collect and Enketo outside that platform will not open this form."
                    )));
                }
                Some(e)
            }
            Err(err) => {
                self.diags.push(Diagnostic::error(
                    "survey",
                    Some(row),
                    Some(col),
                    format!(
                        "On the 'survey' sheet, the '{col}' value is not a valid expression: {}.",
                        err.describe(text)
                    ),
                ));
                None
            }
        }
    }

    fn free_text(&mut self, row: usize, col: &str, text: &str) {
        for (_, name) in references(text) {
            match name {
                Ok("") => {}
                Ok(name) => self.check_ref(row, col, name),
                Err(()) => self.diags.push(Diagnostic::error(
                    "survey",
                    Some(row),
                    Some(col),
                    format!(
                        "On the 'survey' sheet, the '{col}' value is invalid. {BAD_REFERENCE}."
                    ),
                )),
            }
        }
    }
}

/// Checks every expression of the form and compiles them. Adds diagnostics; returns
/// the compiled expressions (None where a cell is empty or invalid).
pub(crate) fn compile(
    form: &Form,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<CompiledQuestion>, Vec<CompiledGroup>, Vec<usize>) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for q in &form.questions {
        *counts.entry(q.name.as_str()).or_default() += 1;
    }
    for g in &form.groups {
        *counts.entry(g.name.as_str()).or_default() += 1;
    }
    let mut c = Checker { counts, diags };
    let mut qs = Vec::with_capacity(form.questions.len());
    for q in &form.questions {
        let mut cq = CompiledQuestion::default();
        for (col, text) in expression_columns(q) {
            let e = c.expression(q.row, col, text);
            if let Some(e) = &e {
                bare_names(form, q, col, e, c.diags);
            }
            match col {
                "relevant" => cq.relevant = e,
                "constraint" => cq.constraint = e,
                "calculation" => cq.calculation = e,
                "choice_filter" => cq.choice_filter = e,
                "required" => cq.required = e,
                "read_only" => cq.read_only = e,
                _ => cq.default = e,
            }
        }
        if let Some(t) = &q.trigger {
            // a trigger is `${a}` or a comma-separated list of them
            let parts: Vec<&str> = t.split(',').map(str::trim).collect();
            let well_formed = |p: &str| {
                p.starts_with("${") && p.ends_with('}') && p[2..].find('}') == Some(p.len() - 3)
            };
            if parts.iter().any(|p| p.matches("${").count() > 1) {
                c.diags.push(Diagnostic::error("survey", Some(q.row), Some("trigger"), format!(
                    "On the 'survey' sheet, the 'trigger' value is invalid. Reference variable lists must have a comma between each variable ('{t}')."
                )));
            } else if !parts.iter().all(|p| well_formed(p)) {
                c.diags.push(Diagnostic::error("survey", Some(q.row), Some("trigger"), format!(
                    "On the 'survey' sheet, the 'trigger' value is invalid. {BAD_REFERENCE} ('{t}')."
                )));
            } else {
                c.free_text(q.row, "trigger", t);
            }
        }
        for (field, text) in [
            ("label", &q.label),
            ("hint", &q.hint),
            ("constraint_message", &q.constraint_message),
            ("required_message", &q.required_message),
        ] {
            for (lang, t) in &text.values {
                let col = if lang.is_empty() {
                    field.to_string()
                } else {
                    format!("{field}::{lang}")
                };
                c.free_text(q.row, &col, t);
            }
        }
        qs.push(cq);
    }
    let mut gs = Vec::with_capacity(form.groups.len());
    for g in &form.groups {
        let mut cg = CompiledGroup::default();
        if let Some(t) = &g.relevant {
            cg.relevant = c.expression(g.row, "relevant", t);
        }
        if let Some(t) = &g.repeat_count {
            cg.repeat_count = c.expression(g.row, "repeat_count", t);
        }
        for (lang, t) in &g.label.values {
            let col = if lang.is_empty() {
                "label".to_string()
            } else {
                format!("label::{lang}")
            };
            c.free_text(g.row, &col, t);
        }
        gs.push(cg);
    }
    if let Some(t) = form.settings.get("instance_name") {
        if let Err(err) = parse(t) {
            c.diags.push(Diagnostic::error(
                "settings",
                Some(form.settings_row),
                Some("instance_name"),
                format!(
                "On the 'settings' sheet, the 'instance_name' value is not a valid expression: {}.",
                err.describe(t)
            ),
            ));
        }
        for (_, name) in references(t) {
            if let Ok(name) = name {
                if !name.is_empty() && !c.counts.contains_key(name) {
                    c.diags.push(Diagnostic::error("settings", Some(form.settings_row), Some("instance_name"), format!(
                        "On the 'settings' sheet, the 'instance_name' value is invalid. Reference variables must contain a name from the 'survey' sheet. Could not find the name '{name}'."
                    )));
                }
            }
        }
    }
    respondent_settings(form, c.diags);
    prefills(form, c.diags);
    let order = cycles(form, &qs, &gs, c.diags);
    (qs, gs, order)
}

/// leernet's own `settings` for the respondent's first page (not pyxform's): a value that
/// cannot be shown is named, and the survey leaves it out.
fn respondent_settings(form: &Form, diags: &mut Vec<Diagnostic>) {
    for (column, value) in &form.settings {
        let base = column.split("::").next().unwrap_or(column);
        let problem = match base {
            "privacy_url" if crate::form::respondent_url(value).is_none() => {
                "is not a web address (https://…)"
            }
            "duration" if crate::form::respondent_minutes(value).is_none() => {
                "is not a number of minutes from 1 to 600"
            }
            _ => continue,
        };
        diags.push(Diagnostic::warning(
            "settings",
            Some(form.settings_row),
            Some(column),
            format!(
                "On the 'settings' sheet, the '{column}' value {problem}: respondents do not see it."
            ),
        ));
    }
}

/// leernet's `bind::leernet:prefill` column: a value it does not know, or a question it cannot
/// fill in, is named; the survey then asks the question as usual.
fn prefills(form: &Form, diags: &mut Vec<Diagnostic>) {
    use crate::form::{Prefill, PREFILL_COLUMN};
    for q in form.questions() {
        let Some(value) = q.extra.get(PREFILL_COLUMN) else {
            continue;
        };
        let problem = if Prefill::parse(value).is_none() {
            format!(
                "'{}' is not something a survey link knows (use {})",
                value.trim(),
                Prefill::NAMES.join(" or ")
            )
        } else if q.prefill().is_none() {
            "only a text question outside a repeat can be filled in".to_string()
        } else {
            continue;
        };
        diags.push(Diagnostic::warning(
            "survey",
            Some(q.row),
            Some(PREFILL_COLUMN),
            format!(
                "Question '{}': {problem}; respondents are asked it as usual.",
                q.name
            ),
        ));
    }
}

/// Relative names in an expression (`age` rather than `${age}`), each once.
fn relative_names(e: &Expr) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    e.walk(&mut |x| {
        if let Expr::Path(crate::expr::PathStart::Context, steps) = x {
            if let [crate::expr::Step::Child(n, _)] = steps.as_slice() {
                if !out.contains(&n.as_str()) {
                    out.push(n);
                }
            }
        }
    });
    out
}

/// Warns about bare names: outside `choice_filter` a name without `${}` is almost
/// always a forgotten reference (it evaluates empty); in `choice_filter` it must be a
/// column of the choice list.
fn bare_names(form: &Form, q: &Question, col: &str, e: &Expr, diags: &mut Vec<Diagnostic>) {
    for n in relative_names(e) {
        if col == "choice_filter" {
            let Some(list) = q.kind.choice_source() else {
                continue;
            };
            let Some(choices) = form.choices(list) else {
                continue;
            };
            let known =
                matches!(n, "name" | "label") || choices.iter().any(|c| c.extra.contains_key(n));
            if !known {
                diags.push(Diagnostic::warning("survey", Some(q.row), Some(col), format!(
                    "The choice_filter refers to '{n}', which is not a column of the choice list '{list}'; it evaluates empty for every choice."
                )));
            }
        } else if form.question(n).is_some() {
            diags.push(Diagnostic::warning("survey", Some(q.row), Some(col), format!(
                "The {col} uses the bare name '{n}', which evaluates empty; write ${{{n}}} to use the answer to '{n}'."
            )));
        }
    }
}

/// Reports cycles among calculations and relevance: a value that (through other
/// questions) depends on itself can never be computed.
/// Returns an evaluation order: every question after the questions its calculation
/// and relevance read (depth-first post-order, roots in sheet order).
fn cycles(
    form: &Form,
    qs: &[CompiledQuestion],
    gs: &[CompiledGroup],
    diags: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let n = form.questions.len();
    let group_index: HashMap<&str, usize> = form
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.name.as_str(), i))
        .collect();
    // edges: question -> questions its calculation or relevance (own or inherited) reads
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, q) in form.questions.iter().enumerate() {
        let mut exprs: Vec<&Expr> = Vec::new();
        exprs.extend(qs[i].calculation.as_ref());
        exprs.extend(qs[i].relevant.as_ref());
        for g in &q.group_path {
            if let Some(&gi) = group_index.get(g.as_str()) {
                exprs.extend(gs[gi].relevant.as_ref());
            }
        }
        for e in exprs {
            for (name, _) in e.references() {
                if let Some(j) = form.question_index(name) {
                    if !edges[i].contains(&j) {
                        edges[i].push(j);
                    }
                }
            }
        }
    }
    // iterative DFS colouring
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut reported = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < edges[v].len() {
                let w = edges[v][*k];
                *k += 1;
                if state[w] == 0 {
                    state[w] = 1;
                    stack.push((w, 0));
                } else if state[w] == 1 {
                    let pos = stack.iter().position(|&(x, _)| x == w).unwrap_or(0);
                    let members: Vec<usize> = stack[pos..].iter().map(|&(x, _)| x).collect();
                    if members.iter().all(|&m| !reported[m]) {
                        for &m in &members {
                            reported[m] = true;
                        }
                        let first = *members
                            .iter()
                            .min_by_key(|&&m| form.questions[m].row)
                            .unwrap_or(&w);
                        let mut names: Vec<&str> = members
                            .iter()
                            .map(|&m| form.questions[m].name.as_str())
                            .collect();
                        names.push(&form.questions[w].name);
                        let q = &form.questions[first];
                        let col = if qs[first].calculation.is_some() {
                            "calculation"
                        } else {
                            "relevant"
                        };
                        diags.push(Diagnostic::error("survey", Some(q.row), Some(col), format!(
                            "The expressions of these questions depend on each other in a cycle: {}; break the cycle so that each can be computed from answers given before it.",
                            names.join(" → ")
                        )));
                    }
                }
            } else {
                state[v] = 2;
                order.push(v);
                stack.pop();
            }
        }
    }
    order
}
