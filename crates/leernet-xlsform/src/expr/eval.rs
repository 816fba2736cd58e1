//! Evaluation of expressions over a [`Scope`], with XPath 1.0 / ODK coercions.

use std::cell::RefCell;
use std::collections::HashMap;

use super::{BinOp, Expr, PathStart, Step};
use crate::dates;

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text (every stored answer is text).
    Str(String),
    /// A number (`NaN` for "not a number").
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// A node-set, by the string values of its nodes (a question inside a repeat seen
    /// from outside it, a repeat itself, the items of an instance).
    Nodes(Vec<String>),
}

impl Value {
    /// The empty string.
    pub fn empty() -> Value {
        Value::Str(String::new())
    }

    /// XPath `boolean()`.
    pub fn to_bool(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Bool(b) => *b,
            Value::Nodes(n) => !n.is_empty(),
        }
    }

    /// XPath `number()`, extended as ODK's typed values behave: a date or date-time
    /// string is its day number since 1970-01-01.
    pub fn to_num(&self) -> f64 {
        match self {
            Value::Str(s) => str_to_num(s),
            Value::Num(n) => *n,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Nodes(n) => n.first().map(|s| str_to_num(s)).unwrap_or(f64::NAN),
        }
    }

    /// XPath `string()`.
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Num(n) => format_number(*n),
            Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
            Value::Nodes(n) => n.first().cloned().unwrap_or_default(),
        }
    }

    fn strings(&self) -> Vec<String> {
        match self {
            Value::Nodes(n) => n.clone(),
            other => vec![other.to_str()],
        }
    }
}

/// XPath number to string: integers without a decimal point, `NaN`, `Infinity`.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n == n.trunc() && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub(crate) fn str_to_num(s: &str) -> f64 {
    let t = crate::value::trim(s);
    if t.is_empty() {
        return f64::NAN;
    }
    let b = t.as_bytes();
    // a whole number of at most 15 digits is exact as f64: read without the float parser
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    if !digits.is_empty() && digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) {
        let n = digits
            .iter()
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0')) as f64;
        return if digits.len() < b.len() { -n } else { n };
    }
    let numeric = b
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+'));
    if numeric {
        if let Ok(n) = t.parse::<f64>() {
            return n;
        }
    }
    if b.len() >= 10 && b[4] == b'-' {
        if let Some(d) = dates::parse_date(t) {
            return d as f64;
        }
        if let Some(d) = dates::parse_datetime(t) {
            return d;
        }
    }
    f64::NAN
}

/// What an expression can see. Only [`Scope::reference`] is required.
pub trait Scope {
    /// The value of `${name}`; `None` when there is no such question (evaluates empty).
    fn reference(&self, name: &str) -> Option<Value>;

    /// The value of `${last-saved#name}`: the answer to `name` in the respondent's last
    /// saved questionnaire of this form; `None` (empty) when there is none, as in ODK
    /// Collect on a first questionnaire.
    fn last_saved(&self, _name: &str) -> Option<Value> {
        None
    }

    /// The value of `.` (the question being checked or computed).
    fn current(&self) -> Value {
        Value::empty()
    }

    /// [`Scope::current`] as a number, when `.` is a text or a number (`None` for a
    /// boolean or a node-set, which compare otherwise). A scope that holds `.` as text
    /// may read it without a copy; the default converts [`Scope::current`].
    fn current_num(&self) -> Option<f64> {
        match self.current() {
            Value::Str(s) => Some(str_to_num(&s)),
            Value::Num(n) => Some(n),
            Value::Bool(_) | Value::Nodes(_) => None,
        }
    }

    /// A relative name in a path (`cf` in a `choice_filter` is the choice's column).
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    /// `position(..)`: 1-based index of the current repeat instance.
    fn position(&self) -> Option<usize> {
        None
    }

    /// `jr:choice-name(value, '${q}')`: the label of a choice of question `q`.
    fn choice_label(&self, _question: &str, _value: &str) -> Option<String> {
        None
    }

    /// Rows of `instance('id')` (choice lists), each a map of column to value.
    fn instance(&self, _id: &str) -> Option<Vec<HashMap<String, String>>> {
        None
    }

    /// Now, as fractional days since 1970-01-01 UTC, from the clock the caller passed.
    /// Default: no clock, so `today()` and `now()` are empty (the engine never reads the
    /// system time itself).
    fn now(&self) -> Option<f64> {
        None
    }
}

/// A scope over a plain map of names to values, with an optional current value; for
/// tests, handle conditions and simple uses.
#[derive(Debug, Clone, Default)]
pub struct MapScope {
    /// `${name}` values.
    pub values: HashMap<String, String>,
    /// The value of `.`.
    pub current: String,
    /// The clock (days since 1970-01-01), if given; without one `today()` is empty.
    pub now: Option<f64>,
}

impl MapScope {
    /// A scope from pairs.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> MapScope {
        MapScope {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..MapScope::default()
        }
    }
}

impl Scope for MapScope {
    fn reference(&self, name: &str) -> Option<Value> {
        self.values.get(name).map(|v| Value::Str(v.clone()))
    }
    fn current(&self) -> Value {
        Value::Str(self.current.clone())
    }
    fn now(&self) -> Option<f64> {
        self.now
    }
}

/// A plain map is a scope: `${name}` is its value (for handle conditions over a
/// profile, tests and tools).
impl Scope for HashMap<String, String> {
    fn reference(&self, name: &str) -> Option<Value> {
        self.get(name).map(|v| Value::Str(v.clone()))
    }
}

impl Scope for std::collections::BTreeMap<String, String> {
    fn reference(&self, name: &str) -> Option<Value> {
        self.get(name).map(|v| Value::Str(v.clone()))
    }
}

/// A scope where relative names are the columns of one instance row.
struct RowScope<'a> {
    outer: &'a dyn Scope,
    row: &'a HashMap<String, String>,
}

impl Scope for RowScope<'_> {
    fn reference(&self, name: &str) -> Option<Value> {
        self.outer.reference(name)
    }
    fn current(&self) -> Value {
        self.outer.current()
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.row.get(name).map(|v| Value::Str(v.clone()))
    }
    fn position(&self) -> Option<usize> {
        self.outer.position()
    }
    fn choice_label(&self, q: &str, v: &str) -> Option<String> {
        self.outer.choice_label(q, v)
    }
    fn instance(&self, id: &str) -> Option<Vec<HashMap<String, String>>> {
        self.outer.instance(id)
    }
    fn now(&self) -> Option<f64> {
        self.outer.now()
    }
}

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Option<regex::Regex>>> = RefCell::new(HashMap::new());
}

fn regex_match(s: &str, pattern: &str) -> bool {
    REGEX_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 256 {
            c.clear();
        }
        let re = c.entry(pattern.to_string()).or_insert_with(|| {
            regex::RegexBuilder::new(pattern)
                .size_limit(1 << 20)
                .build()
                .ok()
        });
        re.as_ref().is_some_and(|r| r.is_match(s))
    })
}

/// [`compare`] without building values, where its outcome is a comparison of two
/// numbers: each side `.` or a number, and for `=` and `!=` at least one a number (two
/// texts compare as text). `None`: compare the values.
fn compare_numbers(op: BinOp, a: &Expr, b: &Expr, scope: &dyn Scope) -> Option<bool> {
    let num = |e: &Expr| match e {
        Expr::Number(n) => Some(*n),
        Expr::Current => scope.current_num(),
        _ => None,
    };
    let either_number = matches!(a, Expr::Number(_)) || matches!(b, Expr::Number(_));
    if matches!(op, BinOp::Eq | BinOp::Ne) && !either_number {
        return None;
    }
    if !matches!(a, Expr::Number(_) | Expr::Current)
        || !matches!(b, Expr::Number(_) | Expr::Current)
    {
        return None;
    }
    let (x, y) = (num(a)?, num(b)?);
    Some(match op {
        BinOp::Eq => x == y,
        BinOp::Ne => x != y,
        BinOp::Lt => x < y,
        BinOp::Le => x <= y,
        BinOp::Gt => x > y,
        _ => x >= y,
    })
}

fn compare(op: BinOp, a: &Value, b: &Value) -> bool {
    // node-sets: true if any member compares true
    if let Value::Nodes(ns) = a {
        return ns.iter().any(|s| compare(op, &Value::Str(s.clone()), b));
    }
    if let Value::Nodes(ns) = b {
        return ns.iter().any(|s| compare(op, a, &Value::Str(s.clone())));
    }
    match op {
        BinOp::Eq | BinOp::Ne => {
            let eq = match (a, b) {
                (Value::Bool(_), _) | (_, Value::Bool(_)) => a.to_bool() == b.to_bool(),
                (Value::Num(_), _) | (_, Value::Num(_)) => a.to_num() == b.to_num(),
                _ => a.to_str() == b.to_str(),
            };
            (op == BinOp::Eq) == eq
        }
        _ => {
            let (x, y) = (a.to_num(), b.to_num());
            match op {
                BinOp::Lt => x < y,
                BinOp::Le => x <= y,
                BinOp::Gt => x > y,
                _ => x >= y,
            }
        }
    }
}

fn round_half_up(x: f64) -> f64 {
    (x + 0.5).floor()
}

/// Dates beyond ±100 million days (about 270,000 years) are not dates.
const MAX_DAYS: f64 = 1e8;

fn date_value(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Num(n) => *n,
        Value::Bool(_) => return None,
        other => str_to_num(&other.to_str()),
    };
    (n.is_finite() && n.abs() < MAX_DAYS).then_some(n)
}

fn format_date(days: f64, fmt: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let whole = days.floor() as i64;
    let secs = ((days - days.floor()) * 86400.0).round() as i64;
    let (y, m, d) = dates::civil_from_days(whole);
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&format!("{y:04}")),
            Some('y') => out.push_str(&format!("{:02}", y.rem_euclid(100))),
            Some('m') => out.push_str(&format!("{m:02}")),
            Some('n') => out.push_str(&m.to_string()),
            Some('b') => out.push_str(MONTHS[(m - 1) as usize]),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('e') => out.push_str(&d.to_string()),
            Some('H') => out.push_str(&format!("{:02}", secs / 3600)),
            Some('h') => out.push_str(&(secs / 3600).to_string()),
            Some('M') => out.push_str(&format!("{:02}", (secs / 60) % 60)),
            Some('S') => out.push_str(&format!("{:02}", secs % 60)),
            Some('3') => out.push_str("000"),
            Some('a') => out.push_str(DAYS[whole.rem_euclid(7) as usize]),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    out
}

fn datetime_string(days: f64) -> String {
    let whole = days.floor() as i64;
    let ms = ((days - days.floor()) * 86_400_000.0).round() as i64;
    let (s, ms) = (ms / 1000, ms % 1000);
    format!(
        "{}T{:02}:{:02}:{:02}.{ms:03}Z",
        dates::format_date(whole),
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

impl Expr {
    /// Evaluates over a scope. Never fails: XPath turns bad input into `NaN`, `''` or
    /// `false`, and unknown names into empty values.
    pub fn eval(&self, scope: &dyn Scope) -> Value {
        match self {
            Expr::Number(n) => Value::Num(*n),
            Expr::String(s) => Value::Str(s.clone()),
            Expr::Ref(n, _) => scope.reference(n).unwrap_or_else(Value::empty),
            Expr::LastSaved(n, _) => scope.last_saved(n).unwrap_or_else(Value::empty),
            Expr::Current => scope.current(),
            Expr::Neg(a) => Value::Num(-a.eval(scope).to_num()),
            Expr::Binary(op, a, b) => match op {
                BinOp::Or => Value::Bool(a.eval(scope).to_bool() || b.eval(scope).to_bool()),
                BinOp::And => Value::Bool(a.eval(scope).to_bool() && b.eval(scope).to_bool()),
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    if let Some(r) = compare_numbers(*op, a, b, scope) {
                        return Value::Bool(r);
                    }
                    Value::Bool(compare(*op, &a.eval(scope), &b.eval(scope)))
                }
                BinOp::Union => {
                    let mut v = a.eval(scope).strings();
                    v.extend(b.eval(scope).strings());
                    Value::Nodes(v)
                }
                _ => {
                    let (x, y) = (a.eval(scope).to_num(), b.eval(scope).to_num());
                    Value::Num(match op {
                        BinOp::Add => x + y,
                        BinOp::Sub => x - y,
                        BinOp::Mul => x * y,
                        BinOp::Div => x / y,
                        _ => x % y,
                    })
                }
            },
            Expr::Path(start, steps) => self.eval_path(start, steps, scope),
            Expr::Call(name, args, _) => call(name, args, scope),
        }
    }

    /// Evaluates to a boolean (XPath `boolean()` of the result).
    pub fn eval_bool(&self, scope: &dyn Scope) -> bool {
        self.eval(scope).to_bool()
    }

    /// Evaluates to a string (XPath `string()` of the result).
    pub fn eval_string(&self, scope: &dyn Scope) -> String {
        self.eval(scope).to_str()
    }

    fn eval_path(&self, start: &PathStart, steps: &[Step], scope: &dyn Scope) -> Value {
        // instance('id')/root/item[pred]/col
        if let PathStart::Expr(e) = start {
            if let Expr::Call(n, args, _) = e.as_ref() {
                if n == "instance" {
                    let id = args[0].eval(scope).to_str();
                    let rows = scope.instance(&id).unwrap_or_default();

                    let mut selected: Vec<&HashMap<String, String>> = rows.iter().collect();
                    let mut column = None;
                    for s in steps {
                        if let Step::Child(n, preds) = s {
                            if n == "item" {
                                for p in preds {
                                    selected.retain(|row| {
                                        p.eval(&RowScope { outer: scope, row }).to_bool()
                                    });
                                }
                            } else if n != "root" {
                                column = Some(n.clone());
                            }
                        }
                    }
                    return Value::Nodes(
                        selected
                            .into_iter()
                            .map(|r| {
                                column
                                    .as_ref()
                                    .and_then(|c| r.get(c).cloned())
                                    .unwrap_or_else(|| r.get("name").cloned().unwrap_or_default())
                            })
                            .collect(),
                    );
                }
            }
            let base = e.eval(scope);
            // `${x}/..` or predicates on a value: keep the value (no tree to walk)
            return match steps.first() {
                Some(Step::Child(n, preds)) if n == "." && !preds.is_empty() => {
                    let items = base.strings();
                    let kept: Vec<String> = items
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| {
                            preds.iter().all(|p| match p.eval(scope) {
                                Value::Num(n) => n == (*i + 1) as f64,
                                other => other.to_bool(),
                            })
                        })
                        .map(|(_, s)| s)
                        .collect();
                    Value::Nodes(kept)
                }
                _ => base,
            };
        }
        if let (PathStart::Context, [Step::Child(n, preds)]) = (start, steps) {
            if preds.is_empty() {
                return scope.field(n).unwrap_or_else(Value::empty);
            }
        }
        // paths into the XML instance (`/data/x`, `../x`): resolve the last name as a
        // question, which is what forms written for ODK mean by them
        if let Some(Step::Child(n, _)) = steps.last() {
            if let Some(v) = scope.reference(n) {
                return v;
            }
        }
        if let [Step::Parent | Step::SelfNode] = steps {
            return scope.current();
        }
        Value::empty()
    }
}

fn call(name: &str, args: &[Expr], scope: &dyn Scope) -> Value {
    let arg = |i: usize| {
        args.get(i)
            .map(|a| a.eval(scope))
            .unwrap_or_else(|| scope.current())
    };
    let s = |i: usize| arg(i).to_str();
    let n = |i: usize| arg(i).to_num();
    match name {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "not" => Value::Bool(!arg(0).to_bool()),
        "boolean" => Value::Bool(arg(0).to_bool()),
        "boolean-from-string" => Value::Bool(matches!(s(0).as_str(), "true" | "1")),
        "string" => Value::Str(s(0)),
        "number" => Value::Num(n(0)),
        "int" => Value::Num(n(0).trunc()),
        "round" => {
            let x = n(0);
            if args.len() == 2 {
                let d = n(1);
                if d.is_nan() {
                    return Value::Num(f64::NAN);
                }
                let f = 10f64.powi(d as i32);
                Value::Num((x * f).abs().add_half_floor() * x.signum() / f)
            } else {
                Value::Num(round_half_up(x))
            }
        }
        "floor" => Value::Num(n(0).floor()),
        "ceiling" => Value::Num(n(0).ceil()),
        "abs" => Value::Num(n(0).abs()),
        "pow" => Value::Num(n(0).powf(n(1))),
        "sqrt" => Value::Num(n(0).sqrt()),
        "exp" => Value::Num(n(0).exp()),
        "exp10" => Value::Num(10f64.powf(n(0))),
        "log" => Value::Num(n(0).ln()),
        "log10" => Value::Num(n(0).log10()),
        "sin" => Value::Num(n(0).sin()),
        "cos" => Value::Num(n(0).cos()),
        "tan" => Value::Num(n(0).tan()),
        "asin" => Value::Num(n(0).asin()),
        "acos" => Value::Num(n(0).acos()),
        "atan" => Value::Num(n(0).atan()),
        "atan2" => Value::Num(n(0).atan2(n(1))),
        "pi" => Value::Num(std::f64::consts::PI),
        "selected" => {
            let v = s(1);
            let v = v.trim();
            Value::Bool(s(0).split_whitespace().any(|t| t == v))
        }
        "count-selected" => Value::Num(s(0).split_whitespace().count() as f64),
        "selected-at" => {
            let i = n(1);
            let list = s(0);
            let item = if i >= 0.0 {
                list.split_whitespace().nth(i as usize)
            } else {
                None
            };
            Value::Str(item.unwrap_or("").to_string())
        }
        "jr:choice-name" => {
            let value = s(0);
            let path = s(1);
            let q = path.trim().trim_start_matches("${").trim_end_matches('}');
            let q = q.rsplit('/').next().unwrap_or(q).trim();
            Value::Str(scope.choice_label(q, &value).unwrap_or_default())
        }
        "string-length" => Value::Num(s(0).chars().count() as f64),
        "normalize-space" => Value::Str(s(0).split_whitespace().collect::<Vec<_>>().join(" ")),
        "substr" | "substring" => {
            let text: Vec<char> = s(0).chars().collect();
            let len = text.len() as f64;
            let (a, b) = if name == "substr" {
                // ODK: 0-based start, exclusive end
                let a = n(1);
                let b = if args.len() > 2 { n(2) } else { len };
                (a, b)
            } else {
                // XPath: 1-based start, length
                let a = round_half_up(n(1)) - 1.0;
                let b = if args.len() > 2 {
                    a + round_half_up(n(2))
                } else {
                    len
                };
                (a, b)
            };
            if a.is_nan() || b.is_nan() {
                return Value::empty();
            }
            let a = a.clamp(0.0, len) as usize;
            let b = b.clamp(0.0, len) as usize;
            Value::Str(if a < b {
                text[a..b].iter().collect()
            } else {
                String::new()
            })
        }
        "substring-before" => {
            let (h, nd) = (s(0), s(1));
            Value::Str(h.find(&nd).map(|i| h[..i].to_string()).unwrap_or_default())
        }
        "substring-after" => {
            let (h, nd) = (s(0), s(1));
            Value::Str(
                h.find(&nd)
                    .map(|i| h[i + nd.len()..].to_string())
                    .unwrap_or_default(),
            )
        }
        "translate" => {
            let (t, from, to) = (s(0), s(1), s(2));
            let from: Vec<char> = from.chars().collect();
            let to: Vec<char> = to.chars().collect();
            Value::Str(
                t.chars()
                    .filter_map(|c| match from.iter().position(|f| *f == c) {
                        Some(i) => to.get(i).copied(),
                        None => Some(c),
                    })
                    .collect(),
            )
        }
        "concat" => Value::Str(args.iter().flat_map(|a| a.eval(scope).strings()).collect()),
        "join" => {
            let sep = s(0);
            let parts: Vec<String> = args[1..]
                .iter()
                .flat_map(|a| a.eval(scope).strings())
                .collect();
            Value::Str(parts.join(&sep))
        }
        "contains" => Value::Bool(s(0).contains(&s(1))),
        "starts-with" => Value::Bool(s(0).starts_with(&s(1))),
        "ends-with" => Value::Bool(s(0).ends_with(&s(1))),
        "regex" => Value::Bool(regex_match(&s(0), &s(1))),
        "if" => {
            if arg(0).to_bool() {
                arg(1)
            } else {
                arg(2)
            }
        }
        "coalesce" => {
            for a in args {
                let v = a.eval(scope);
                if !v.to_str().is_empty() {
                    return v;
                }
            }
            Value::empty()
        }
        "today" => match scope.now().and_then(|n| date_value(&Value::Num(n))) {
            Some(d) => Value::Str(dates::format_date(d.floor() as i64)),
            None => Value::empty(),
        },
        "now" => match scope.now().and_then(|n| date_value(&Value::Num(n))) {
            Some(d) => Value::Str(datetime_string(d)),
            None => Value::empty(),
        },
        "date" => match date_value(&arg(0)) {
            Some(d) => Value::Str(dates::format_date(d.floor() as i64)),
            None => Value::empty(),
        },
        "date-time" => match date_value(&arg(0)) {
            Some(d) => Value::Str(datetime_string(d)),
            None => Value::empty(),
        },
        "decimal-date-time" => Value::Num(date_value(&arg(0)).unwrap_or(f64::NAN)),
        // CHT's: whole months from the first date to the second, one less when the second
        // date's day of the month is before the first's (cht-core's xpath extension).
        "difference-in-months" => match (date_value(&arg(0)), date_value(&arg(1))) {
            (Some(a), Some(b)) => {
                let (y1, m1, d1) = dates::civil_from_days(a.floor() as i64);
                let (y2, m2, d2) = dates::civil_from_days(b.floor() as i64);
                let months = (y2 - y1) * 12 + (i64::from(m2) - i64::from(m1)) - i64::from(d2 < d1);
                Value::Num(months as f64)
            }
            _ => Value::empty(),
        },
        "decimal-time" => match dates::parse_time(&s(0)) {
            Some((secs, tz)) => {
                Value::Num(((secs - tz.unwrap_or(0) as f64) / 86400.0).rem_euclid(1.0))
            }
            None => Value::Num(f64::NAN),
        },
        "format-date" | "format-date-time" => match date_value(&arg(0)) {
            Some(d) => Value::Str(format_date(d, &s(1))),
            None => Value::empty(),
        },
        "position" => Value::Num(scope.position().map(|p| p as f64).unwrap_or(f64::NAN)),
        "last" => Value::Num(f64::NAN),
        "count" => Value::Num(match arg(0) {
            Value::Nodes(n) => n.len() as f64,
            other => f64::from(u8::from(!other.to_str().is_empty())),
        }),
        "count-non-empty" => {
            Value::Num(arg(0).strings().iter().filter(|s| !s.is_empty()).count() as f64)
        }
        "sum" => Value::Num(arg(0).strings().iter().map(|s| str_to_num(s)).sum()),
        "min" | "max" => {
            let vals: Vec<f64> = args
                .iter()
                .flat_map(|a| a.eval(scope).strings())
                .map(|s| str_to_num(&s))
                .collect();
            if vals.is_empty() || vals.iter().any(|v| v.is_nan()) {
                return Value::Num(f64::NAN);
            }
            Value::Num(if name == "min" {
                vals.iter().copied().fold(f64::INFINITY, f64::min)
            } else {
                vals.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            })
        }
        "once" => arg(0),
        "current" => scope.current(),
        "instance" => Value::Nodes(Vec::new()),
        "checklist" | "weighted-checklist" => Value::Bool(false),
        "random" => Value::Num(f64::NAN),
        // needs data leernet does not hold (external files, devices): empty
        _ => Value::empty(),
    }
}

trait AddHalfFloor {
    fn add_half_floor(self) -> f64;
}

impl AddHalfFloor for f64 {
    fn add_half_floor(self) -> f64 {
        (self + 0.5).floor()
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The whole-number shortcut reads what the float parser reads.
        #[test]
        fn str_to_num_reads_whole_numbers_as_the_float_parser(t in "[-+]?[0-9]{0,18}(\\.[0-9]{0,3})?") {
            let slow = match t.parse::<f64>() {
                Ok(n) if t.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+')) => n,
                _ => f64::NAN,
            };
            let fast = str_to_num(&t);
            prop_assert!(fast.to_bits() == slow.to_bits() || (fast.is_nan() && slow.is_nan()), "{t:?}: {fast} != {slow}");
        }

        /// Comparing `.` and numbers without building values gives what comparing the
        /// values gives.
        #[test]
        fn number_comparisons_equal_value_comparisons(
            current in "|[-+]?[0-9]{1,4}(\\.[0-9])?|abc|2024-01-31| 7 |NaN",
            n in prop_oneof![Just(0.0), Just(7.0), Just(-1.5), Just(1000.0), any::<f64>()],
            op in 0usize..6,
            shape in 0usize..4,
        ) {
            let op = [BinOp::Eq, BinOp::Ne, BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge][op];
            let (a, b) = match shape {
                0 => (Expr::Current, Expr::Number(n)),
                1 => (Expr::Number(n), Expr::Current),
                2 => (Expr::Current, Expr::Current),
                _ => (Expr::Number(n), Expr::Number(n + 1.0)),
            };
            let sc = MapScope { current: current.clone(), ..MapScope::default() };
            let by_values = compare(op, &a.eval(&sc), &b.eval(&sc));
            let e = Expr::Binary(op, Box::new(a), Box::new(b));
            prop_assert_eq!(e.eval(&sc).to_bool(), by_values, "{:?} on {:?}", e, current);
        }
    }

    fn scope() -> MapScope {
        let mut s = MapScope::new([
            ("age", "34"),
            ("empty", ""),
            ("name", "Anna"),
            ("fruit", "apple pear"),
            ("born", "1990-05-17"),
            ("n", "3"),
        ]);
        s.current = "12".into();
        s.now = Some(crate::dates::days_from_civil(2024, 3, 5) as f64 + 0.5);
        s
    }

    fn ev(src: &str) -> Value {
        parse(src)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .eval(&scope())
    }

    fn s(src: &str) -> String {
        ev(src).to_str()
    }

    fn b(src: &str) -> bool {
        ev(src).to_bool()
    }

    #[test]
    fn arithmetic_and_coercion() {
        assert_eq!(s("1 + 2 * 3"), "7");
        assert_eq!(s("${age} + 1"), "35");
        assert_eq!(s("${empty} + 1"), "NaN");
        assert_eq!(s("7 div 2"), "3.5");
        assert_eq!(s("7 mod 3"), "1");
        assert_eq!(s("1 div 0"), "Infinity");
        assert_eq!(s("-${n}"), "-3");
        assert_eq!(s("${age}*2"), "68");
        assert_eq!(s("0.1 + 0.2"), "0.30000000000000004");
    }

    #[test]
    fn comparisons_and_empties() {
        assert!(b("${age} > 18"));
        assert!(!b("${empty} > 18"));
        assert!(!b("${empty} < 18"));
        assert!(b("${empty} = ''"));
        assert!(b("${age} = 34"));
        assert!(b("${age} = '34'"));
        assert!(!b("${age} = '34.0'"));
        assert!(b("${age} = 34.0"));
        assert!(b("${name} != 'Bob'"));
        assert!(b(". >= 10 and . <= 20"));
        assert!(b("${born} < today()"));
        assert!(b("true() = 'x'"));
        assert!(b("false() = ''"));
        assert!(b("'false'"));
        assert!(!b("''"));
        assert!(b("${age} > 3 or ${empty}"));
        assert!(!b("${empty} and true()"));
    }

    #[test]
    fn select_functions() {
        assert!(b("selected(${fruit}, 'pear')"));
        assert!(!b("selected(${fruit}, 'pea')"));
        assert!(!b("selected(${empty}, 'pear')"));
        assert_eq!(s("count-selected(${fruit})"), "2");
        assert_eq!(s("count-selected(${empty})"), "0");
        assert_eq!(s("selected-at(${fruit}, 1)"), "pear");
        assert_eq!(s("selected-at(${fruit}, 5)"), "");
    }

    #[test]
    fn string_functions() {
        assert_eq!(s("string-length(${name})"), "4");
        assert_eq!(s("string-length('père')"), "4");
        assert_eq!(s("substr(${name}, 1, 3)"), "nn");
        assert_eq!(s("substr(${name}, 2)"), "na");
        assert_eq!(s("substring('12345', 2, 3)"), "234");
        assert_eq!(s("concat(${name}, ' ', ${age})"), "Anna 34");
        assert!(b("contains(${name}, 'nn')"));
        assert!(b("starts-with(${name}, 'An')"));
        assert!(b("ends-with(${name}, 'na')"));
        assert!(b("regex(${age}, '^[0-9]+$')"));
        assert!(!b("regex(${name}, '^[0-9]+$')"));
        assert!(!b("regex('x', '(')"));
        assert_eq!(s("normalize-space('  a   b ')"), "a b");
        assert_eq!(s("translate('abc', 'ab', 'AB')"), "ABc");
        assert_eq!(s("join('-', ${fruit}, 'x')"), "apple pear-x");
    }

    #[test]
    fn logic_functions() {
        assert_eq!(s("if(${age} > 18, 'adult', 'minor')"), "adult");
        assert_eq!(s("if(${empty}, 'y', 'n')"), "n");
        assert_eq!(s("coalesce(${empty}, ${name})"), "Anna");
        assert_eq!(s("coalesce(${empty}, '')"), "");
        assert!(b("not(${empty})"));
        assert!(b("boolean-from-string('1')"));
        assert!(!b("boolean-from-string('yes')"));
        assert!(b("boolean('false')"));
    }

    #[test]
    fn number_functions() {
        assert_eq!(s("number('3.5') + 1"), "4.5");
        assert_eq!(s("number('abc')"), "NaN");
        assert_eq!(s("int(3.7)"), "3");
        assert_eq!(s("int(-3.7)"), "-3");
        assert_eq!(s("round(2.5)"), "3");
        assert_eq!(s("round(-2.5)"), "-2");
        assert_eq!(s("round(3.14159, 2)"), "3.14");
        assert_eq!(s("round(-1.005, 1)"), "-1");
        assert_eq!(s("pow(2, 10)"), "1024");
        assert_eq!(s("min(3, 1, 2)"), "1");
        assert_eq!(s("max(3, 1, 2)"), "3");
        assert_eq!(s("max(3, ${empty})"), "NaN");
        assert_eq!(s("abs(-2)"), "2");
        assert_eq!(s("floor(2.7) + ceiling(2.1)"), "5");
    }

    #[test]
    fn date_functions() {
        assert_eq!(s("today()"), "2024-03-05");
        assert_eq!(s("now()"), "2024-03-05T12:00:00.000Z");
        assert_eq!(s("date('2024-01-31')"), "2024-01-31");
        assert_eq!(s("date(0)"), "1970-01-01");
        assert_eq!(s("date(${born}) < today()"), "true");
        assert_eq!(
            s("format-date(${born}, '%d/%m/%Y %b %e %n %y %a')"),
            "17/05/1990 May 17 5 90 Thu"
        );
        assert_eq!(
            s("int((decimal-date-time(today()) - decimal-date-time(${born})) div 365.25)"),
            "33"
        );
        assert_eq!(s("decimal-time('12:00:00Z')"), "0.5");
        assert_eq!(s("date-time(1.5)"), "1970-01-02T12:00:00.000Z");
        assert_eq!(s("date('nope')"), "");
    }

    #[test]
    fn without_a_clock_today_and_now_are_empty() {
        // The engine never reads the system time: a scope without a clock has no "now".
        let mut sc = scope();
        sc.now = None;
        for src in ["today()", "now()"] {
            assert_eq!(parse(src).unwrap().eval(&sc).to_str(), "", "{src}");
        }
        let plain: HashMap<String, String> = HashMap::new();
        assert_eq!(parse("today()").unwrap().eval(&plain).to_str(), "");
    }

    #[test]
    fn node_sets() {
        struct Rep;
        impl Scope for Rep {
            fn reference(&self, name: &str) -> Option<Value> {
                match name {
                    "kid_age" => Some(Value::Nodes(vec!["3".into(), "5".into(), "".into()])),
                    "kids" => Some(Value::Nodes(vec![String::new(); 3])),
                    _ => None,
                }
            }
            fn position(&self) -> Option<usize> {
                Some(2)
            }
            fn instance(&self, id: &str) -> Option<Vec<HashMap<String, String>>> {
                (id == "towns").then(|| {
                    ["a:n", "b:s", "c:n"]
                        .iter()
                        .map(|r| {
                            let (n, cf) = r.split_once(':').unwrap();
                            HashMap::from([
                                ("name".to_string(), n.to_string()),
                                ("cf".to_string(), cf.to_string()),
                                ("label".to_string(), n.to_uppercase()),
                            ])
                        })
                        .collect()
                })
            }
        }
        let e = |src: &str| parse(src).unwrap().eval(&Rep).to_str();
        assert_eq!(e("count(${kids})"), "3");
        assert_eq!(e("sum(${kid_age})"), "NaN");
        assert_eq!(e("count-non-empty(${kid_age})"), "2");
        assert_eq!(e("${kid_age} = 5"), "true");
        assert_eq!(e("position(..)"), "2");
        assert_eq!(e("count(instance('towns')/root/item[cf = 'n'])"), "2");
        assert_eq!(e("instance('towns')/root/item[name = 'b']/label"), "B");
        assert_eq!(e("${unknown}"), "");
    }
}
