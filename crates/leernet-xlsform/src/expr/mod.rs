//! The expression language of XLSForm: XPath 1.0 with the ODK extensions, as used in
//! `relevant`, `constraint`, `calculation`, `choice_filter`, `required`, `read_only`
//! and `repeat_count` — and leernet's one rule language (handle conditions over a
//! network profile use it too).
//!
//! [`parse`] turns text into an [`Expr`] with byte positions; errors say where
//! ([`ParseError`]). Unknown functions and wrong argument counts are parse errors, as
//! ODK Validate reports them. [`Expr::eval`] evaluates over any [`Scope`]: the scope
//! answers `${name}`, `.` and relative names; the answer model, an importer or a
//! profile can all be scopes.
//!
//! Semantics follow XPath 1.0 and JavaRosa: values are strings until an operator or
//! function coerces them; an empty value is `NaN` as a number (so `${age} > 3` is false
//! when age is empty) and false as a boolean; `=` compares as booleans if either side is
//! one, else as numbers if either side is a number, else as strings; `<`-style
//! comparisons compare numbers, where a date (`YYYY-MM-DD`) or date-time counts as its
//! day number since 1970-01-01 (as ODK's typed dates do).

mod eval;
pub(crate) use eval::str_to_num;
mod parse;

pub use eval::{format_number, MapScope, Scope, Value};
pub use parse::{parse, ParseError, FUNCTIONS, PLATFORM_FUNCTIONS};

/// Byte range in the expression text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `div`
    Div,
    /// `mod`
    Mod,
    /// `|` (node-set union)
    Union,
}

/// How a location step moves.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `name` (or `*`), with predicates.
    Child(String, Vec<Expr>),
    /// `@name`
    Attribute(String),
    /// `.`
    SelfNode,
    /// `..`
    Parent,
}

/// Where a path starts.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStart {
    /// `/…`: the document root.
    Root,
    /// `name/…`: the context node.
    Context,
    /// `${x}/…`, `current()/…`, `instance('l')/…`: another expression.
    Expr(Box<Expr>),
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Number(f64),
    /// A string literal.
    String(String),
    /// `${name}`.
    Ref(String, Span),
    /// `${last-saved#name}`: the answer to `name` in the respondent's last saved
    /// questionnaire of this form (empty when there is none). Not a dependency: it reads
    /// another questionnaire, never this one.
    LastSaved(String, Span),
    /// `.`: the current question's value.
    Current,
    /// A location path (`cf`, `../a`, `/data/x`, `instance('l')/root/item[name=1]`).
    Path(PathStart, Vec<Step>),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A function call, name as written (`jr:choice-name`).
    Call(String, Vec<Expr>, Span),
}

impl Expr {
    /// Every `${last-saved#name}` referenced, in order of appearance, with its span.
    pub fn last_saved_references(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::LastSaved(n, s) = e {
                out.push((n.as_str(), *s));
            }
        });
        out
    }

    /// Every `${name}` referenced, in order of appearance, with its span.
    pub fn references(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Ref(n, s) = e {
                out.push((n.as_str(), *s));
            }
        });
        out
    }

    /// Calls `f` on this expression and every sub-expression.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Neg(a) => a.walk(f),
            Expr::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Call(_, args, _) => args.iter().for_each(|a| a.walk(f)),
            Expr::Path(start, steps) => {
                if let PathStart::Expr(e) = start {
                    e.walk(f);
                }
                for s in steps {
                    if let Step::Child(_, preds) = s {
                        preds.iter().for_each(|p| p.walk(f));
                    }
                }
            }
            _ => {}
        }
    }
}
