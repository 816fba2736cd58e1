//! The analysis dataset of one instrument: variables with labels, value labels, missing
//! values and measurement levels, and one row per response. The CSV, XLSX and SPSS
//! writers all write this, so they agree with each other.
//!
//! Conventions (also in the codebook):
//! - `respondent`, `network`, `wave`, `status` come first;
//! - select_one: a numeric code: the choice name when every name of the list is a whole
//!   number (Likert lists), else the choice's position (1, 2, …); value labels are the
//!   choice labels; ordinal when the names are numbers, else nominal;
//! - select_multiple: one 0/1 variable per choice, named `question_choice`;
//! - integer, decimal, range: numbers, scale;
//! - everything else (text, dates, times, metadata): text, kept whole;
//! - a coded question that the form's skip logic did not ask is [`NOT_ASKED`], declared a
//!   missing value; an unanswered question is system-missing (an empty cell);
//! - a question inside a repeat: one variable per instance found in the data, named with
//!   the instance (`age_2`, nested `toy_name_2_1`) and labelled `Leeftijd [2]`; an
//!   instance that a response lacks is system-missing (skip logic is not evaluated per
//!   instance, so never [`NOT_ASKED`]).

use std::collections::{BTreeMap, HashSet};

use leernet_xlsform::{Answers, EvalOptions, Form, QuestionKind};

use crate::values::Choices;

/// The code of "not asked (skip logic)" in coded variables; a declared missing value.
pub const NOT_ASKED: f64 = -9.0;

/// Measurement level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Categories without order.
    Nominal,
    /// Ordered categories.
    Ordinal,
    /// Numbers.
    Scale,
}

impl Measure {
    /// Lower-case name, as in the codebook.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Nominal => "nominal",
            Measure::Ordinal => "ordinal",
            Measure::Scale => "scale",
        }
    }
}

/// What kind of data a variable holds, with its SPSS-style format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarType {
    /// A number shown with this many decimals.
    Numeric {
        /// Decimals shown.
        decimals: u8,
    },
    /// Text of at most this many bytes (UTF-8).
    Text {
        /// Width in bytes (at least 1).
        width: usize,
    },
}

/// One variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// A unique name valid in SPSS (letters, digits, `_`; at most 64 bytes).
    pub name: String,
    /// The question it comes from (none for `respondent`, `network`, …).
    pub question: Option<String>,
    /// The choice, for a select_multiple's 0/1 variable.
    pub choice: Option<String>,
    /// The XLSForm type as written (`select_one yes_no`), or a description.
    pub form_type: String,
    /// The variable label in each language of the form (`""` = untranslated).
    pub labels: BTreeMap<String, String>,
    /// The label in the export's language.
    pub label: String,
    /// Numeric or text.
    pub var_type: VarType,
    /// Measurement level.
    pub measure: Measure,
    /// Value labels (code, label in the export's language), by code.
    pub value_labels: Vec<(f64, String)>,
    /// Value labels per language, for the codebook.
    pub value_labels_by_lang: BTreeMap<String, Vec<(f64, String)>>,
    /// Codes declared missing, with their label.
    pub missing: Vec<(f64, String)>,
    /// Whether values are dates or date-times as ISO text (XLSX writes them as dates).
    pub is_datetime: bool,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A number (a code, or a measurement).
    Num(f64),
    /// Text.
    Text(String),
    /// System-missing: no value.
    Missing,
}

/// One response to export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// The respondent key.
    pub respondent: String,
    /// The network's slug.
    pub network: String,
    /// The wave's name.
    pub wave: String,
    /// `submitted` or `in_progress`.
    pub status: String,
    /// Raw XLSForm answers.
    pub answers: BTreeMap<String, String>,
}

/// Variables and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The form's id.
    pub form_id: String,
    /// The form's languages (codes), in order.
    pub languages: Vec<String>,
    /// Variables in order.
    pub variables: Vec<Variable>,
    /// One row per response, one cell per variable.
    pub rows: Vec<Vec<Cell>>,
}

const RESERVED: [&str; 13] = [
    "ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH",
];

/// A valid, unique SPSS variable name from any text.
fn unique_name(base: &str, taken: &mut HashSet<String>) -> String {
    let mut s: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.chars().next().is_some_and(char::is_alphabetic) {
        s.insert(0, 'v');
    }
    if RESERVED.contains(&s.to_uppercase().as_str()) {
        s.push('_');
    }
    let cut = |s: &str, max: usize| -> String {
        let mut end = max.min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_owned()
    };
    let mut name = cut(&s, 64);
    let mut k = 2;
    while taken.contains(&name.to_uppercase()) {
        let suffix = format!("_{k}");
        name = format!("{}{suffix}", cut(&s, 64 - suffix.len()));
        k += 1;
    }
    taken.insert(name.to_uppercase());
    name
}

fn labels_of(t: &leernet_xlsform::Text, langs: &[String]) -> BTreeMap<String, String> {
    if langs.is_empty() {
        return [(String::new(), t.get("").to_owned())]
            .into_iter()
            .collect();
    }
    langs
        .iter()
        .map(|l| (l.clone(), t.get(l).to_owned()))
        .collect()
}

fn text_var(name: String, label: &str, form_type: &str) -> Variable {
    Variable {
        name,
        question: None,
        choice: None,
        form_type: form_type.to_owned(),
        labels: BTreeMap::new(),
        label: label.to_owned(),
        var_type: VarType::Text { width: 1 },
        measure: Measure::Nominal,
        value_labels: Vec::new(),
        value_labels_by_lang: BTreeMap::new(),
        missing: Vec::new(),
        is_datetime: false,
    }
}

enum Source {
    Fixed(usize),
    Text(String),
    Number(String),
    /// The answer's key, the codes, and whether skip logic can say "not asked".
    Coded(String, Vec<(String, f64)>, bool),
    Dummy(String, String, bool),
}

/// One variable's worth of a question: the question itself, or one instance of a question
/// inside a repeat.
struct Instance {
    /// The key of its answers as stored (`age`, `kid[2]/age`, `kid[2]/toy[1]/name`).
    key: String,
    /// Appended to the variable's name (`_2`, `_2_1`).
    suffix: String,
    /// Appended to its label (` [2]`, ` [2.1]`).
    label: String,
}

/// The variables a question needs: one, or for a question inside a repeat one per instance
/// index that `rows` hold (the export is wide: one row per response).
fn instances(form: &Form, q: &leernet_xlsform::Question, rows: &[ExportRow]) -> Vec<Instance> {
    if q.repeat.is_none() {
        return vec![Instance {
            key: q.name.clone(),
            suffix: String::new(),
            label: String::new(),
        }];
    }
    let chain: Vec<&str> = q
        .group_path
        .iter()
        .filter(|g| form.group(g).is_some_and(|g| g.repeat))
        .map(String::as_str)
        .collect();
    let mut found: std::collections::BTreeSet<Vec<usize>> = Default::default();
    for r in rows {
        for key in r.answers.keys() {
            if let Some(ix) = instance_of(key, &chain, &q.name) {
                found.insert(ix);
            }
        }
    }
    found
        .into_iter()
        .map(|ix| {
            let key = chain
                .iter()
                .zip(&ix)
                .map(|(g, i)| format!("{g}[{i}]/"))
                .collect::<String>()
                + &q.name;
            let nums: Vec<String> = ix.iter().map(usize::to_string).collect();
            Instance {
                key,
                suffix: format!("_{}", nums.join("_")),
                label: format!(" [{}]", nums.join(".")),
            }
        })
        .collect()
}

/// The instance indices of `key` when it is an answer to `name` inside the repeats
/// `chain` (`kid[2]/age` → `[2]`).
fn instance_of(key: &str, chain: &[&str], name: &str) -> Option<Vec<usize>> {
    let mut parts = key.split('/');
    let mut ix = Vec::with_capacity(chain.len());
    for g in chain {
        let part = parts.next()?;
        let inner = part.strip_prefix(g)?.strip_prefix('[')?.strip_suffix(']')?;
        let i: usize = inner.parse().ok()?;
        if i == 0 {
            return None;
        }
        ix.push(i);
    }
    (parts.next()? == name && parts.next().is_none()).then_some(ix)
}

fn not_asked_label(lang: &str) -> String {
    if lang.starts_with("nl") {
        "niet gevraagd (routing)".into()
    } else {
        "not asked (skip logic)".into()
    }
}

fn decimals_of(s: &str) -> u8 {
    s.split_once('.')
        .map(|(_, d)| d.len().min(6) as u8)
        .unwrap_or(0)
}

impl Dataset {
    /// Builds the dataset of `rows` (responses to `form`), labels in `lang`.
    pub fn build(form: &Form, rows: &[ExportRow], lang: &str) -> Dataset {
        let langs = form.languages();
        let langs: Vec<String> = langs.into_iter().filter(|l| !l.is_empty()).collect();
        let mut taken = HashSet::new();
        // questions keep their own names; a 0/1 variable that would take one gets a suffix
        let question_names: HashSet<String> =
            form.questions().map(|q| q.name.to_uppercase()).collect();
        let mut vars = Vec::new();
        let mut sources = Vec::new();
        for (i, (n, l)) in [
            ("respondent", "respondent"),
            ("network", "network"),
            ("wave", "wave"),
            ("status", "status"),
        ]
        .iter()
        .enumerate()
        {
            vars.push(text_var(unique_name(n, &mut taken), l, "leernet"));
            sources.push(Source::Fixed(i));
        }
        let not_asked = not_asked_label(lang);
        for q in form.questions() {
            if matches!(q.kind, QuestionKind::Note) {
                continue;
            }
            for inst in instances(form, q, rows) {
                let key = inst.key.as_str();
                let vname = format!("{}{}", q.name, inst.suffix);
                // inside a repeat every label names its instance (`Leeftijd [2]`)
                let labels: BTreeMap<String, String> = if inst.label.is_empty() {
                    labels_of(&q.label, &langs)
                } else {
                    labels_of(&q.label, &langs)
                        .into_iter()
                        .map(|(l, t)| {
                            let t = if t.is_empty() { q.name.clone() } else { t };
                            (l, format!("{t}{}", inst.label))
                        })
                        .collect()
                };
                let label = q.label.get(lang).to_owned();
                let base = Variable {
                    question: Some(q.name.clone()),
                    form_type: q.type_text.clone(),
                    labels: labels.clone(),
                    label: format!(
                        "{}{}",
                        if label.is_empty() {
                            q.name.clone()
                        } else {
                            label
                        },
                        inst.label
                    ),
                    ..text_var(String::new(), "", "")
                };
                // inside a repeat the skip logic is not evaluated per instance: an
                // unanswered question there is system-missing, never "not asked"
                let asked = inst.suffix.is_empty();
                match &q.kind {
                    QuestionKind::SelectOne { .. } => {
                        let ch = Choices::of(form, q);
                        let list = q.kind.list().and_then(|l| form.choices(l)).unwrap_or(&[]);
                        let numeric = !ch.names.is_empty()
                            && ch.names.iter().all(|n| n.parse::<i32>().is_ok());
                        let codes: Vec<(String, f64)> = ch
                            .names
                            .iter()
                            .enumerate()
                            .map(|(i, n)| {
                                let c = if numeric {
                                    n.parse::<i32>().map(f64::from).unwrap_or(0.0)
                                } else {
                                    (i + 1) as f64
                                };
                                (n.clone(), c)
                            })
                            .collect();
                        let label_in = |l: &str, i: usize, n: &str| -> String {
                            list.get(i)
                                .map(|c| c.label.get(l).to_owned())
                                .filter(|s| !s.is_empty())
                                .unwrap_or_else(|| n.to_owned())
                        };
                        let mut by_lang = BTreeMap::new();
                        for l in langs.iter().chain(std::iter::once(&lang.to_owned())) {
                            let mut v: Vec<(f64, String)> = codes
                                .iter()
                                .enumerate()
                                .map(|(i, (n, c))| (*c, label_in(l, i, n)))
                                .collect();
                            v.push((NOT_ASKED, not_asked_label(l)));
                            v.sort_by(|a, b| a.0.total_cmp(&b.0));
                            by_lang.insert(l.clone(), v);
                        }
                        vars.push(Variable {
                            name: unique_name(&vname, &mut taken),
                            var_type: VarType::Numeric { decimals: 0 },
                            measure: if numeric {
                                Measure::Ordinal
                            } else {
                                Measure::Nominal
                            },
                            value_labels: by_lang.get(lang).cloned().unwrap_or_default(),
                            value_labels_by_lang: by_lang,
                            missing: vec![(NOT_ASKED, not_asked.clone())],
                            ..base
                        });
                        sources.push(Source::Coded(key.to_owned(), codes, asked));
                    }
                    QuestionKind::SelectMultiple { .. } => {
                        let ch = Choices::of(form, q);
                        let list = q.kind.list().and_then(|l| form.choices(l)).unwrap_or(&[]);
                        for (i, n) in ch.names.iter().enumerate() {
                            let clabel = |l: &str| {
                                list.get(i)
                                    .map(|c| c.label.get(l).to_owned())
                                    .filter(|s| !s.is_empty())
                                    .unwrap_or_else(|| n.clone())
                            };
                            let yes_no = |l: &str| -> Vec<(f64, String)> {
                                let (no, yes) = if l.starts_with("nl") {
                                    ("niet gekozen", "gekozen")
                                } else {
                                    ("not chosen", "chosen")
                                };
                                vec![
                                    (NOT_ASKED, not_asked_label(l)),
                                    (0.0, no.into()),
                                    (1.0, yes.into()),
                                ]
                            };
                            let mut by_lang = BTreeMap::new();
                            for l in langs.iter().chain(std::iter::once(&lang.to_owned())) {
                                by_lang.insert(l.clone(), yes_no(l));
                            }
                            vars.push(Variable {
                                name: {
                                    let base = format!("{vname}_{n}");
                                    let base = if question_names.contains(&base.to_uppercase()) {
                                        format!("{base}_chosen")
                                    } else {
                                        base
                                    };
                                    unique_name(&base, &mut taken)
                                },
                                choice: Some(n.clone()),
                                labels: labels
                                    .iter()
                                    .map(|(l, t)| (l.clone(), format!("{t}: {}", clabel(l))))
                                    .collect(),
                                label: format!("{}: {}", base.label, clabel(lang)),
                                var_type: VarType::Numeric { decimals: 0 },
                                measure: Measure::Nominal,
                                value_labels: yes_no(lang),
                                value_labels_by_lang: by_lang,
                                missing: vec![(NOT_ASKED, not_asked.clone())],
                                ..base.clone()
                            });
                            sources.push(Source::Dummy(key.to_owned(), n.clone(), asked));
                        }
                    }
                    QuestionKind::Integer | QuestionKind::Decimal | QuestionKind::Range { .. } => {
                        let decimals = rows
                            .iter()
                            .filter_map(|r| r.answers.get(key))
                            .map(|v| decimals_of(v))
                            .max()
                            .unwrap_or(0);
                        vars.push(Variable {
                            name: unique_name(&vname, &mut taken),
                            var_type: VarType::Numeric { decimals },
                            measure: Measure::Scale,
                            ..base
                        });
                        sources.push(Source::Number(key.to_owned()));
                    }
                    k => {
                        let is_datetime = matches!(
                            k,
                            QuestionKind::Date
                                | QuestionKind::DateTime
                                | QuestionKind::Metadata(
                                    leernet_xlsform::Metadata::Start
                                        | leernet_xlsform::Metadata::End
                                        | leernet_xlsform::Metadata::Today
                                )
                        );
                        vars.push(Variable {
                            name: unique_name(&vname, &mut taken),
                            is_datetime,
                            ..base
                        });
                        sources.push(Source::Text(key.to_owned()));
                    }
                }
            }
        }

        let opts = EvalOptions {
            lang,
            now: Some(0.0),
            last_saved: None,
        };
        let mut out_rows = Vec::with_capacity(rows.len());
        for r in rows {
            let answers = Answers {
                values: r
                    .answers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                repeats: Default::default(),
            };
            let eval = form.evaluate(&answers, &opts);
            let fixed = [&r.respondent, &r.network, &r.wave, &r.status];
            let row: Vec<Cell> = sources
                .iter()
                .map(|s| match s {
                    Source::Fixed(i) => Cell::Text(fixed[*i].clone()),
                    Source::Text(q) => match r.answers.get(q) {
                        Some(v) if !v.is_empty() => Cell::Text(v.clone()),
                        _ => Cell::Missing,
                    },
                    Source::Number(q) => r
                        .answers
                        .get(q)
                        .and_then(|v| v.trim().parse::<f64>().ok())
                        .map(Cell::Num)
                        .unwrap_or(Cell::Missing),
                    Source::Coded(q, codes, asked) => match r.answers.get(q).map(|v| v.trim()) {
                        Some(v) if !v.is_empty() => codes
                            .iter()
                            .find(|(n, _)| n == v)
                            .map(|(_, c)| Cell::Num(*c))
                            .unwrap_or(Cell::Missing),
                        _ if *asked && !eval.is_relevant(q) => Cell::Num(NOT_ASKED),
                        _ => Cell::Missing,
                    },
                    Source::Dummy(q, c, asked) => match r.answers.get(q).map(|v| v.trim()) {
                        Some(v) if !v.is_empty() => {
                            Cell::Num(if v.split_whitespace().any(|p| p == c) {
                                1.0
                            } else {
                                0.0
                            })
                        }
                        _ if *asked && !eval.is_relevant(q) => Cell::Num(NOT_ASKED),
                        _ => Cell::Missing,
                    },
                })
                .collect();
            out_rows.push(row);
        }
        for (i, v) in vars.iter_mut().enumerate() {
            if let VarType::Text { width } = &mut v.var_type {
                *width = out_rows
                    .iter()
                    .map(|r| match &r[i] {
                        Cell::Text(t) => t.len(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0)
                    .max(1);
            }
        }
        Dataset {
            form_id: form.id().to_owned(),
            languages: langs,
            variables: vars,
            rows: out_rows,
        }
    }
}

/// A number as text: whole numbers without a decimal point, others in the shortest form
/// that reads back to the same value.
pub fn format_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}
