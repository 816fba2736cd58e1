//! The answer model: given a form and a (partial) set of answers, which questions are
//! visible now, which required answers are missing, which constraints fail (with the
//! translated message), the computed values, the choices left after `choice_filter`,
//! and the state of every repeat instance.
//!
//! Pure and fast: expressions are parsed once when the form is read, and evaluation
//! visits questions in dependency order, so one pass sees every calculation and
//! relevance it depends on. A question that is not relevant counts as empty for the
//! expressions of others (its answer is dropped on submission, as in ODK).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::expr::{Expr, Scope, Value};
use crate::form::{Form, Question};
use crate::kind::QuestionKind;

/// A (partial) set of answers: raw stored values by question name, and the instances
/// of each repeat (each an answer set of its own, holding the repeat's questions).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    /// Values by question name (select_multiple: space-separated choice names). Hashed
    /// with FxHash: answer sets are built and read for every response an import checks.
    pub values: HashMap<String, String, rustc_hash::FxBuildHasher>,
    /// Repeat instances by repeat name.
    pub repeats: HashMap<String, Vec<Answers>>,
}

impl Answers {
    /// An answer set from (name, value) pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Answers {
        Answers {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            repeats: HashMap::new(),
        }
    }

    /// Sets one value.
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        self.values.insert(name.to_string(), value.to_string());
        self
    }
}

/// The most instances of one repeat that [`Answers::from_flat`] reads (a stored count or an
/// index above it is cut off: a stored answer set cannot make the server build millions).
pub const MAX_REPEAT_INSTANCES: usize = 200;

impl Answers {
    /// Reads the flat layout in which leernet stores answers (one map of text by key):
    /// a value of the top level under its question's name; a repeat `r` with `n`
    /// instances as `r` = `"n"` plus its instances' values as `r[i]/name` (1-based, the
    /// names [`Evaluation::missing_required`] uses), nested repeats as `r[i]/s` and
    /// `r[i]/s[j]/name`. Keys naming neither a question nor a repeat of `form` are kept as
    /// plain values (they change nothing). The number of instances is the larger of the
    /// stored count and the highest index, at most [`MAX_REPEAT_INSTANCES`].
    pub fn from_flat<'a>(
        form: &Form,
        flat: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) -> Answers {
        let mut out = Answers::default();
        for (k, v) in flat {
            out.put_flat(form, k, v);
        }
        out
    }

    fn put_flat(&mut self, form: &Form, key: &str, value: &str) {
        if let Some((name, rest)) = split_instance(key) {
            let Some((index, inner)) = rest else {
                return;
            };
            if !form.group(name).is_some_and(|g| g.repeat)
                || index == 0
                || index > MAX_REPEAT_INSTANCES
            {
                return;
            }
            let list = self.repeats.entry(name.to_string()).or_default();
            if list.len() < index {
                list.resize_with(index, Answers::default);
            }
            list[index - 1].put_flat(form, inner, value);
            return;
        }
        if form.group(key).is_some_and(|g| g.repeat) {
            let n = value
                .trim()
                .parse::<usize>()
                .unwrap_or(0)
                .min(MAX_REPEAT_INSTANCES);
            let list = self.repeats.entry(key.to_string()).or_default();
            if list.len() < n {
                list.resize_with(n, Answers::default);
            }
            return;
        }
        self.values.insert(key.to_string(), value.to_string());
    }

    /// Writes the flat layout that [`Answers::from_flat`] reads, in sorted key order
    /// (empty values left out; a repeat's count written whenever it has instances).
    pub fn to_flat(&self) -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        self.write_flat("", &mut out);
        out
    }

    fn write_flat(&self, prefix: &str, out: &mut std::collections::BTreeMap<String, String>) {
        for (k, v) in &self.values {
            if !v.is_empty() {
                out.insert(format!("{prefix}{k}"), v.clone());
            }
        }
        for (r, list) in &self.repeats {
            if list.is_empty() {
                continue;
            }
            out.insert(format!("{prefix}{r}"), list.len().to_string());
            for (i, inst) in list.iter().enumerate() {
                inst.write_flat(&format!("{prefix}{r}[{}]/", i + 1), out);
            }
        }
    }
}

/// `r[3]/rest` -> `("r", Some((3, "rest")))`; a key with a malformed bracket gives
/// `Some((name, None))`; a key without `[` gives None.
fn split_instance(key: &str) -> Option<(&str, Option<(usize, &str)>)> {
    let open = key.find('[')?;
    let name = &key[..open];
    let after = &key[open + 1..];
    let parsed = after.find("]/").and_then(|close| {
        let index = after[..close].parse::<usize>().ok()?;
        Some((index, &after[close + 2..]))
    });
    Some((name, parsed))
}

/// The state of one question after evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuestionState {
    /// Relevant (shown) now: its own `relevant` and every enclosing group's hold.
    pub relevant: bool,
    /// The effective value: the answer, or the computed value for a calculation;
    /// empty when not relevant.
    pub value: String,
    /// Required (by `required`) and relevant, answerable, but empty.
    pub missing_required: bool,
    /// The `required_message` (translated) or a default sentence, when missing.
    pub required_message: Option<String>,
    /// Non-empty and its `constraint` is false.
    pub constraint_failed: bool,
    /// The `constraint_message` (translated) or a default sentence, when failing.
    pub constraint_message: Option<String>,
    /// `read_only` holds.
    pub read_only: bool,
    /// Names of the choices left after `choice_filter` (None: no filter, all choices).
    pub choices: Option<Vec<String>>,
    /// Whether this question was evaluated at this level (false for the questions of
    /// other repeat levels).
    pub evaluated: bool,
}

/// The result of evaluating a form over answers (one level: the form, or one repeat
/// instance).
#[derive(Debug, Clone)]
pub struct Evaluation<'f> {
    form: &'f Form,
    /// Per question, by index in [`Form::questions`].
    pub states: Vec<QuestionState>,
    /// Per group, by index in [`Form::groups`]: relevant (None when not at this level).
    pub groups_relevant: Vec<Option<bool>>,
    /// Evaluations of the repeat instances, by repeat name.
    pub repeats: HashMap<String, Vec<Evaluation<'f>>>,
    /// The number of instances `repeat_count` asks for, by repeat name.
    pub repeat_counts: HashMap<String, usize>,
}

impl<'f> Evaluation<'f> {
    fn named(&self, name: &str) -> Option<&QuestionState> {
        self.form
            .question_index(name)
            .map(|i| &self.states[i])
            .filter(|s| s.evaluated)
    }

    /// Names of the relevant questions at this level, in sheet order.
    pub fn visible(&self) -> Vec<&'f str> {
        self.form
            .questions
            .iter()
            .zip(&self.states)
            .filter(|(q, s)| {
                s.evaluated
                    && s.relevant
                    && !matches!(
                        q.kind,
                        QuestionKind::Calculate | QuestionKind::Hidden | QuestionKind::Metadata(_)
                    )
            })
            .map(|(q, _)| q.name.as_str())
            .collect()
    }

    /// Whether a question is relevant now.
    pub fn is_relevant(&self, name: &str) -> bool {
        self.named(name).is_some_and(|s| s.relevant)
    }

    /// [`Evaluation::is_relevant`] by the key an answer is stored under: `age`, or inside
    /// repeats `kid[2]/age`, `kid[1]/toy[3]/name` (false for an instance not evaluated).
    pub fn is_relevant_key(&self, key: &str) -> bool {
        match key.split_once('/') {
            Some((head, rest)) => {
                let Some((r, i)) = head.strip_suffix(']').and_then(|h| h.split_once('[')) else {
                    return false;
                };
                let Some(i) = i.parse::<usize>().ok().filter(|&i| i >= 1) else {
                    return false;
                };
                self.repeats
                    .get(r)
                    .and_then(|instances| instances.get(i - 1))
                    .is_some_and(|inst| inst.is_relevant_key(rest))
            }
            None => self.is_relevant(key),
        }
    }

    /// [`Evaluation::is_relevant`] by the question's index in [`Form::questions`].
    pub fn is_relevant_at(&self, index: usize) -> bool {
        self.states
            .get(index)
            .is_some_and(|s| s.evaluated && s.relevant)
    }

    /// The effective value of a question (computed for calculations).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.named(name).map(|s| s.value.as_str())
    }

    /// The state of a question at this level.
    pub fn state(&self, name: &str) -> Option<&QuestionState> {
        self.named(name)
    }

    /// Computed values (questions with a calculation), by name, at this level.
    pub fn computed(&self) -> Vec<(&'f str, &str)> {
        self.form
            .questions
            .iter()
            .zip(&self.states)
            .filter(|(q, s)| s.evaluated && q.calculation.is_some())
            .map(|(q, s)| (q.name.as_str(), s.value.as_str()))
            .collect()
    }

    /// Required questions left empty, with their message, at this level and in every
    /// repeat instance (names of the latter as `repeat[i]/name`, 1-based).
    pub fn missing_required(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.collect(&mut out, "", &|s| {
            s.missing_required
                .then(|| s.required_message.clone().unwrap_or_default())
        });
        out
    }

    /// Failing constraints with their (translated) message, here and in repeats.
    pub fn failing_constraints(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.collect(&mut out, "", &|s| {
            s.constraint_failed
                .then(|| s.constraint_message.clone().unwrap_or_default())
        });
        out
    }

    /// The values to store on submission at this level: relevant questions only
    /// (non-relevant answers are dropped, as in ODK), notes left out, in sheet order.
    pub fn submission_values(&self) -> Vec<(&'f str, &str)> {
        self.form
            .questions
            .iter()
            .zip(&self.states)
            .filter(|(q, s)| s.evaluated && s.relevant && !matches!(q.kind, QuestionKind::Note))
            .map(|(q, s)| (q.name.as_str(), s.value.as_str()))
            .collect()
    }

    /// Replaces each `${name}` in a label, hint or message by that question's value at
    /// this level (a select's value is its choice label in `lang`, as respondents read it).
    pub fn render(&self, text: &str, lang: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(p) = rest.find("${") {
            out.push_str(&rest[..p]);
            let after = &rest[p + 2..];
            let Some(e) = after.find('}') else {
                out.push_str(&rest[p..]);
                return out;
            };
            let name = &after[..e];
            let value = self.value(name).unwrap_or("");
            let shown = match self
                .form
                .question(name)
                .and_then(|q| q.kind.choice_source())
            {
                Some(list) => value
                    .split_whitespace()
                    .map(|v| {
                        self.form
                            .choices(list)
                            .and_then(|cs| cs.iter().find(|c| c.name == v))
                            .map(|c| c.label.get(lang).to_string())
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                None => value.to_string(),
            };
            out.push_str(&shown);
            rest = &after[e + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Whether nothing required is missing and no constraint fails.
    pub fn is_complete(&self) -> bool {
        self.missing_required().is_empty() && self.failing_constraints().is_empty()
    }

    /// The choices of a select question left after its `choice_filter`.
    pub fn choices(&self, name: &str) -> Vec<&'f crate::Choice> {
        let Some(i) = self.form.question_index(name) else {
            return Vec::new();
        };
        let q = &self.form.questions[i];
        let all = q
            .kind
            .choice_source()
            .and_then(|l| self.form.choices(l))
            .unwrap_or(&[]);
        match &self.states[i].choices {
            Some(names) => all.iter().filter(|c| names.contains(&c.name)).collect(),
            None => all.iter().collect(),
        }
    }

    fn collect(
        &self,
        out: &mut Vec<(String, String)>,
        prefix: &str,
        f: &dyn Fn(&QuestionState) -> Option<String>,
    ) {
        for (q, s) in self.form.questions.iter().zip(&self.states) {
            if s.evaluated {
                if let Some(m) = f(s) {
                    out.push((format!("{prefix}{}", q.name), m));
                }
            }
        }
        let mut names: Vec<&String> = self.repeats.keys().collect();
        names.sort();
        for r in names {
            for (i, inst) in self.repeats[r].iter().enumerate() {
                inst.collect(out, &format!("{prefix}{r}[{}]/", i + 1), f);
            }
        }
    }
}

/// One level of evaluation: the form's top level or one repeat instance.
struct Frame<'a> {
    form: &'a Form,
    answers: &'a Answers,
    /// This level's answers by question index, instead of `answers.values` (top level
    /// only: [`Form::evaluate_dense`]).
    dense: Option<&'a [&'a str]>,
    repeat: Option<&'a str>,
    parent: Option<&'a Frame<'a>>,
    /// effective values decided so far at this level (borrowed from the answers unless
    /// computed)
    values: Vec<Option<Cow<'a, str>>>,
    position: Option<usize>,
    lang: &'a str,
    now: Option<f64>,
    last_saved: Option<&'a Answers>,
}

impl<'a> Frame<'a> {
    fn raw(&self, i: usize) -> String {
        self.raw_cow(i).into_owned()
    }

    /// [`Frame::raw`] without a copy when the value is the answer as given.
    fn raw_cow(&self, i: usize) -> Cow<'a, str> {
        if let Some(v) = &self.values[i] {
            return v.clone();
        }
        if let Some(d) = self.dense {
            return Cow::Borrowed(d[i]);
        }
        Cow::Borrowed(
            self.answers
                .values
                .get(&self.form.questions[i].name)
                .map(String::as_str)
                .unwrap_or(""),
        )
    }

    /// Values of question `i` in every instance of the repeats below this level.
    fn descend(&self, answers: &Answers, q: &Question, out: &mut Vec<String>) {
        let inner = self.repeat_chain(q);
        collect_nested(answers, &inner, &q.name, out);
    }

    /// The repeats from this level down to the question's repeat.
    fn repeat_chain(&self, q: &Question) -> Vec<String> {
        let mut chain: Vec<String> = Vec::new();
        let start = match self.repeat {
            Some(r) => q
                .group_path
                .iter()
                .position(|g| g == r)
                .map(|p| p + 1)
                .unwrap_or(0),
            None => 0,
        };
        for g in &q.group_path[start..] {
            if self.form.group(g).is_some_and(|g| g.repeat) {
                chain.push(g.clone());
            }
        }
        chain
    }

    fn lookup(&self, i: usize) -> Value {
        let q = &self.form.questions[i];
        if q.repeat.as_deref() == self.repeat {
            return Value::Str(self.raw(i));
        }
        // inside a repeat below this level: all instances
        let below = match self.repeat {
            None => true,
            Some(r) => q.group_path.iter().any(|g| g == r),
        };
        if below {
            let mut out = Vec::new();
            self.descend(self.answers, q, &mut out);
            return Value::Nodes(out);
        }
        match self.parent {
            Some(p) => p.lookup(i),
            None => Value::empty(),
        }
    }
}

fn collect_nested(answers: &Answers, chain: &[String], name: &str, out: &mut Vec<String>) {
    match chain.split_first() {
        None => out.push(answers.values.get(name).cloned().unwrap_or_default()),
        Some((r, rest)) => {
            for inst in answers.repeats.get(r).map(Vec::as_slice).unwrap_or(&[]) {
                collect_nested(inst, rest, name, out);
            }
        }
    }
}

struct FrameScope<'a> {
    frame: &'a Frame<'a>,
    current: Option<usize>,
}

impl Scope for FrameScope<'_> {
    fn reference(&self, name: &str) -> Option<Value> {
        let f = self.frame;
        if let Some(i) = f.form.question_index(name) {
            return Some(f.lookup(i));
        }
        let g = f.form.group(name)?;
        if g.repeat {
            let n = f.answers.repeats.get(name).map(Vec::len).unwrap_or(0);
            return Some(Value::Nodes(vec![String::new(); n]));
        }
        Some(Value::empty())
    }
    fn current(&self) -> Value {
        self.current
            .map(|i| Value::Str(self.frame.raw(i)))
            .unwrap_or_else(Value::empty)
    }
    fn last_saved(&self, name: &str) -> Option<Value> {
        let mut f = self.frame;
        while let Some(p) = f.parent {
            f = p;
        }
        f.last_saved?
            .values
            .get(name)
            .map(|v| Value::Str(v.clone()))
    }
    fn current_num(&self) -> Option<f64> {
        Some(match self.current {
            Some(i) => crate::expr::str_to_num(&self.frame.raw_cow(i)),
            None => f64::NAN,
        })
    }
    fn position(&self) -> Option<usize> {
        self.frame.position
    }
    fn choice_label(&self, question: &str, value: &str) -> Option<String> {
        let form = self.frame.form;
        let list = form.question(question)?.kind.choice_source()?;
        let c = form.choices(list)?.iter().find(|c| c.name == value)?;
        Some(c.label.get(self.frame.lang).to_string())
    }
    fn instance(&self, id: &str) -> Option<Vec<HashMap<String, String>>> {
        let cs = self.frame.form.choices(id)?;
        Some(cs.iter().map(|c| choice_row(c, self.frame.lang)).collect())
    }
    fn now(&self) -> Option<f64> {
        self.frame.now
    }
}

fn choice_row(c: &crate::Choice, lang: &str) -> HashMap<String, String> {
    let mut row: HashMap<String, String> = c.extra.clone().into_iter().collect();
    row.insert("name".into(), c.name.clone());
    row.insert("label".into(), c.label.get(lang).to_string());
    row
}

/// A scope for a choice_filter: relative names are the choice's columns.
struct ChoiceScope<'a> {
    outer: &'a FrameScope<'a>,
    choice: &'a crate::Choice,
    lang: &'a str,
}

impl Scope for ChoiceScope<'_> {
    fn reference(&self, name: &str) -> Option<Value> {
        self.outer.reference(name)
    }
    fn current(&self) -> Value {
        self.outer.current()
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::Str(self.choice.name.clone())),
            "label" => Some(Value::Str(self.choice.label.get(self.lang).to_string())),
            other => self.choice.extra.get(other).map(|v| Value::Str(v.clone())),
        }
    }
    fn position(&self) -> Option<usize> {
        self.outer.position()
    }
    fn now(&self) -> Option<f64> {
        self.outer.now()
    }
}

fn to_stored(v: Value) -> String {
    match v {
        Value::Num(n) if n.is_nan() => String::new(),
        other => other.to_str(),
    }
}

/// Options of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions<'a> {
    /// Language code for messages and labels (falls back like [`crate::Text::get`]).
    pub lang: &'a str,
    /// "Now" (days since 1970-01-01 UTC) for `today()`/`now()`, from the caller's clock;
    /// `None`: no clock, so `today()` and `now()` are empty (the engine reads no clock).
    pub now: Option<f64>,
    /// The respondent's last saved answers to this form, for `${last-saved#name}` (ODK
    /// Collect's last saved questionnaire); `None`: there is none, and such references are
    /// empty, as on a first questionnaire.
    pub last_saved: Option<&'a Answers>,
}

impl Form {
    /// A new answer set holding the literal `default` values (expressions in `default`
    /// are left to the caller: they need the moment the form is opened).
    pub fn default_answers(&self) -> Answers {
        let mut a = Answers::default();
        for q in &self.questions {
            if let Some(d) = &q.default {
                if q.repeat.is_none() && !crate::validate::default_is_expression(d) {
                    a.set(&q.name, d);
                }
            }
        }
        a
    }

    /// Evaluates the form over a (partial) answer set.
    pub fn evaluate<'f>(&'f self, answers: &Answers, opts: &EvalOptions<'_>) -> Evaluation<'f> {
        eval_level(self, answers, None, None, true, None, opts, None)
    }

    /// [`Form::evaluate`] for checking many answer sets fast (an import checks millions):
    /// the answers are given by question index, `values[i]` the raw answer to
    /// `questions()[i]` (`""` for none), so no answer is looked up by name, and
    /// [`QuestionState::value`] is left empty, so no value is copied. Everything else
    /// (relevance, required, constraints, choice filters, calculations) is what
    /// [`Form::evaluate`] gives for the same answers: the same code evaluates both.
    ///
    /// The answers have no repeat instances: the values of questions inside a repeat are
    /// not read. Panics when `values` is not one per question.
    pub fn evaluate_dense<'f>(&'f self, values: &[&str], opts: &EvalOptions<'_>) -> Evaluation<'f> {
        assert_eq!(
            values.len(),
            self.questions.len(),
            "evaluate_dense takes one value per question"
        );
        let none = Answers::default();
        eval_level(self, &none, None, None, true, None, opts, Some(values))
    }
}

/// `dense`: the top level's answers by question index ([`Form::evaluate_dense`]), which
/// also leaves each state's value empty.
#[allow(clippy::too_many_arguments)]
fn eval_level<'f>(
    form: &'f Form,
    answers: &Answers,
    repeat: Option<&str>,
    parent: Option<&Frame<'_>>,
    inherited: bool,
    position: Option<usize>,
    opts: &EvalOptions<'_>,
    dense: Option<&[&str]>,
) -> Evaluation<'f> {
    let n = form.questions.len();
    let mut frame = Frame {
        form,
        answers,
        dense,
        repeat,
        parent,
        values: vec![None; n],
        position,
        lang: opts.lang,
        now: opts.now,
        last_saved: opts.last_saved,
    };
    // built, not cloned from one default: no call per state to clone its empty texts
    let mut states: Vec<QuestionState> = (0..n).map(|_| QuestionState::default()).collect();
    let mut groups_relevant: Vec<Option<bool>> = vec![None; form.groups.len()];
    let group_index: HashMap<&str, usize> = form
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.name.as_str(), i))
        .collect();
    // the groups at this level: those below the frame's repeat
    let level_start = |q: &Question| match repeat {
        Some(r) => q
            .group_path
            .iter()
            .position(|g| g == r)
            .map(|p| p + 1)
            .unwrap_or(q.group_path.len()),
        None => 0,
    };
    for &i in &form.eval_order {
        let q = &form.questions[i];
        if q.repeat.as_deref() != repeat {
            continue;
        }
        let cq = &form.compiled[i];
        let mut relevant = inherited;
        for g in &q.group_path[level_start(q)..] {
            if !relevant {
                break;
            }
            let Some(&gi) = group_index.get(g.as_str()) else {
                continue;
            };
            let r = match groups_relevant[gi] {
                Some(r) => r,
                None => {
                    let r = form.compiled_groups[gi]
                        .relevant
                        .as_ref()
                        .map(|e| {
                            e.eval_bool(&FrameScope {
                                frame: &frame,
                                current: None,
                            })
                        })
                        .unwrap_or(true);
                    groups_relevant[gi] = Some(r);
                    r
                }
            };
            relevant = r;
        }
        let scope = FrameScope {
            frame: &frame,
            current: Some(i),
        };
        if relevant {
            if let Some(e) = &cq.relevant {
                relevant = e.eval_bool(&scope);
            }
        }
        let mut st = QuestionState {
            relevant,
            evaluated: true,
            ..QuestionState::default()
        };
        if relevant {
            let value = match &cq.calculation {
                Some(e) => Cow::Owned(to_stored(e.eval(&scope))),
                None => frame.raw_cow(i),
            };
            let scope = FrameScope {
                frame: &frame,
                current: Some(i),
            };
            st.read_only = cq.read_only.as_ref().is_some_and(|e| e.eval_bool(&scope));
            let answerable = q.kind.is_answerable() && !matches!(q.kind, QuestionKind::Note);
            if answerable
                && cq.required.is_some()
                && crate::value::trim(&value).is_empty()
                && cq.required.as_ref().is_some_and(|e| e.eval_bool(&scope))
            {
                st.missing_required = true;
                let m = q.required_message.get(opts.lang);
                st.required_message = Some(if m.is_empty() {
                    "This answer is required.".to_string()
                } else {
                    m.to_string()
                });
            }
            if !value.is_empty() {
                if let Some(e) = &cq.constraint {
                    let ok = e.eval_bool(&FrameScope {
                        frame: &frame,
                        current: Some(i),
                    });
                    if !ok {
                        st.constraint_failed = true;
                        let m = q.constraint_message.get(opts.lang);
                        st.constraint_message = Some(if m.is_empty() {
                            "This answer is not valid.".to_string()
                        } else {
                            m.to_string()
                        });
                    }
                }
            }
            if let (Some(e), Some(list)) = (&cq.choice_filter, q.kind.choice_source()) {
                let outer = FrameScope {
                    frame: &frame,
                    current: Some(i),
                };
                let kept = form
                    .choices(list)
                    .unwrap_or(&[])
                    .iter()
                    .filter(|c| {
                        e.eval_bool(&ChoiceScope {
                            outer: &outer,
                            choice: c,
                            lang: opts.lang,
                        })
                    })
                    .map(|c| c.name.clone())
                    .collect();
                st.choices = Some(kept);
            }
            if dense.is_none() {
                st.value = value.to_string();
            }
            frame.values[i] = Some(value);
        } else {
            frame.values[i] = Some(Cow::Borrowed(""));
        }
        states[i] = st;
    }
    // groups at this level never reached through a question (empty groups, repeats)
    let mut repeats = HashMap::new();
    let mut repeat_counts = HashMap::new();
    for (gi, g) in form.groups.iter().enumerate() {
        let direct_parent_repeat = g.path[..g.path.len() - 1]
            .iter()
            .rev()
            .find(|p| form.group(p).is_some_and(|x| x.repeat))
            .map(String::as_str);
        if direct_parent_repeat != repeat {
            continue;
        }
        if groups_relevant[gi].is_none() {
            let mut r = inherited;
            for p in &g.path {
                if !r {
                    break;
                }
                let Some(&pi) = group_index.get(p.as_str()) else {
                    continue;
                };
                let inside = match repeat {
                    Some(rep) => {
                        form.groups[pi].path.iter().any(|x| x == rep) && form.groups[pi].name != rep
                    }
                    None => true,
                };
                if !inside {
                    continue;
                }
                r = match groups_relevant[pi] {
                    Some(x) => x,
                    None => {
                        let x = form.compiled_groups[pi]
                            .relevant
                            .as_ref()
                            .map(|e| {
                                e.eval_bool(&FrameScope {
                                    frame: &frame,
                                    current: None,
                                })
                            })
                            .unwrap_or(true);
                        groups_relevant[pi] = Some(x);
                        x
                    }
                };
            }
            groups_relevant[gi] = Some(r);
        }
        if !g.repeat {
            continue;
        }
        let relevant = groups_relevant[gi].unwrap_or(true);
        if let Some(e) = &form.compiled_groups[gi].repeat_count {
            let c = e
                .eval(&FrameScope {
                    frame: &frame,
                    current: None,
                })
                .to_num();
            if c.is_finite() && c >= 0.0 {
                repeat_counts.insert(g.name.clone(), c as usize);
            }
        }
        let instances = answers
            .repeats
            .get(&g.name)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let evals: Vec<Evaluation<'f>> = instances
            .iter()
            .enumerate()
            .map(|(k, inst)| {
                eval_level(
                    form,
                    inst,
                    Some(g.name.as_str()),
                    Some(&frame),
                    relevant,
                    Some(k + 1),
                    opts,
                    None,
                )
            })
            .collect();
        repeats.insert(g.name.clone(), evals);
    }
    Evaluation {
        form,
        states,
        groups_relevant,
        repeats,
        repeat_counts,
    }
}

/// Evaluates one expression text against a form's answers (for tools and tests).
pub fn eval_text(
    form: &Form,
    answers: &Answers,
    text: &str,
    opts: &EvalOptions<'_>,
) -> Result<String, crate::expr::ParseError> {
    let e: Expr = crate::expr::parse(text)?;
    let frame = Frame {
        form,
        answers,
        dense: None,
        repeat: None,
        parent: None,
        values: vec![None; form.questions.len()],
        position: None,
        lang: opts.lang,
        now: opts.now,
        last_saved: opts.last_saved,
    };
    Ok(e.eval(&FrameScope {
        frame: &frame,
        current: None,
    })
    .to_str())
}
