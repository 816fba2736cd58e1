//! Lexer and recursive-descent parser for XLSForm expressions.

use super::{BinOp, Expr, PathStart, Span, Step};

/// Deepest nesting accepted (parentheses, calls, operators), so no input can exhaust
/// the stack.
const MAX_DEPTH: usize = 64;
/// Longest expression accepted, in bytes.
const MAX_LEN: usize = 16 * 1024;

/// The functions leernet knows, with their (min, max) argument counts (`usize::MAX` =
/// any number). A name not in this list is a parse error, as in ODK Validate.
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("true", 0, 0),
    ("false", 0, 0),
    ("not", 1, 1),
    ("boolean", 1, 1),
    ("boolean-from-string", 1, 1),
    ("string", 0, 1),
    ("number", 0, 1),
    ("int", 1, 1),
    ("round", 1, 2),
    ("floor", 1, 1),
    ("ceiling", 1, 1),
    ("abs", 1, 1),
    ("pow", 2, 2),
    ("sqrt", 1, 1),
    ("exp", 1, 1),
    ("exp10", 1, 1),
    ("log", 1, 1),
    ("log10", 1, 1),
    ("sin", 1, 1),
    ("cos", 1, 1),
    ("tan", 1, 1),
    ("asin", 1, 1),
    ("acos", 1, 1),
    ("atan", 1, 1),
    ("atan2", 2, 2),
    ("pi", 0, 0),
    ("selected", 2, 2),
    ("count-selected", 1, 1),
    ("selected-at", 2, 2),
    ("jr:choice-name", 2, 2),
    ("string-length", 0, 1),
    ("normalize-space", 0, 1),
    ("substr", 2, 3),
    ("substring", 2, 3),
    ("substring-before", 2, 2),
    ("substring-after", 2, 2),
    ("translate", 3, 3),
    ("concat", 0, usize::MAX),
    ("join", 1, usize::MAX),
    ("contains", 2, 2),
    ("starts-with", 2, 2),
    ("ends-with", 2, 2),
    ("regex", 2, 2),
    ("if", 3, 3),
    ("coalesce", 2, usize::MAX),
    ("today", 0, 0),
    ("now", 0, 0),
    ("date", 1, 1),
    ("date-time", 1, 1),
    ("decimal-date-time", 1, 1),
    ("decimal-time", 1, 1),
    ("format-date", 2, 2),
    ("format-date-time", 2, 2),
    ("position", 0, 1),
    ("last", 0, 0),
    ("count", 1, 1),
    ("count-non-empty", 1, 1),
    ("sum", 1, 1),
    ("min", 1, usize::MAX),
    ("max", 1, usize::MAX),
    ("once", 1, 1),
    ("current", 0, 0),
    ("instance", 1, 1),
    ("indexed-repeat", 3, usize::MAX),
    ("uuid", 0, 1),
    ("random", 0, 0),
    ("pulldata", 4, 4),
    ("digest", 2, 3),
    ("area", 1, 1),
    ("distance", 1, usize::MAX),
    ("checklist", 2, usize::MAX),
    ("weighted-checklist", 3, usize::MAX),
    ("base64-decode", 1, 1),
    ("encrypt-string", 3, 3),
    // Not ODK's: the Community Health Toolkit's (see PLATFORM_FUNCTIONS)
    ("difference-in-months", 2, 2),
    ("cht:difference-in-days", 2, 2),
    ("cht:difference-in-weeks", 2, 2),
    ("cht:difference-in-months", 2, 2),
    ("cht:difference-in-years", 2, 2),
    ("cht:extension-lib", 1, usize::MAX),
];

const CHT: &str = "the Community Health Toolkit (CHT)";

/// Functions that pyxform accepts but only one platform's form engine knows: the function,
/// the platform, and whether leernet computes it as that platform does (else it evaluates
/// empty, as the code it calls is the platform's own). Each use gets a warning: ODK Collect
/// and Enketo outside that platform would refuse the form.
pub const PLATFORM_FUNCTIONS: &[(&str, &str, bool)] = &[
    ("difference-in-months", CHT, true),
    ("cht:difference-in-days", CHT, true),
    ("cht:difference-in-weeks", CHT, true),
    ("cht:difference-in-months", CHT, true),
    ("cht:difference-in-years", CHT, true),
    ("cht:extension-lib", CHT, false),
];

/// A syntax error, with the byte position where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the expression.
    pub offset: usize,
    /// What is wrong, as a sentence fragment.
    pub message: String,
}

impl ParseError {
    /// 1-based character position, for people.
    pub fn column(&self, text: &str) -> usize {
        text.get(..self.offset.min(text.len()))
            .map(|s| s.chars().count())
            .unwrap_or(self.offset)
            + 1
    }

    /// `message at character N ("…")`.
    pub fn describe(&self, text: &str) -> String {
        let pos = self.column(text);
        let rest: String = text
            .get(self.offset.min(text.len())..)
            .unwrap_or("")
            .chars()
            .take(20)
            .collect();
        if rest.is_empty() {
            format!("{} at the end of '{text}'", self.message)
        } else {
            format!("{} at character {pos} ('{rest}') of '{text}'", self.message)
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ref(String),
    /// `${last-saved#name}`.
    LastSaved(String),
    Name(String),
    Op(&'static str),
    Dot,
    DotDot,
    At,
    Slash,
    SlashSlash,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Star,
    Dollar(String),
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

fn lex(src: &str) -> Result<Vec<(Tok, Span)>, ParseError> {
    let mut out: Vec<(Tok, Span)> = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    let err = |offset: usize, m: &str| ParseError {
        offset,
        message: m.to_string(),
    };
    while i < src.len() {
        let c = src[i..].chars().next().unwrap_or(' ');
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let prev_is_operand = matches!(
            out.last().map(|t| &t.0),
            Some(
                Tok::Num(_)
                    | Tok::Str(_)
                    | Tok::Ref(_)
                    | Tok::LastSaved(_)
                    | Tok::Name(_)
                    | Tok::Dot
                    | Tok::DotDot
                    | Tok::RParen
                    | Tok::RBracket
                    | Tok::Star
                    | Tok::Dollar(_)
            )
        );
        let tok = match c {
            '$' if b.get(i + 1) == Some(&b'{') => {
                let Some(end) = src[i + 2..].find('}') else {
                    return Err(err(i, "'${' is not closed with '}'"));
                };
                let inner = &src[i + 2..i + 2 + end];
                // `${last-saved#name}`: the answer in the respondent's last saved
                // questionnaire (ODK Collect's; pyxform accepts it in every column).
                let (name, last_saved) = match inner.strip_prefix("last-saved#") {
                    Some(n) => (n.to_string(), true),
                    None => (inner.to_string(), false),
                };
                if name.is_empty() {
                    return Err(err(i, "'${}' names no question"));
                }
                if !crate::form::valid_name(&name) {
                    return Err(err(i, "Reference variables must start with '${', then a question name, and end with '}'"));
                }
                i += 2 + end + 1;
                if last_saved {
                    Tok::LastSaved(name)
                } else {
                    Tok::Ref(name)
                }
            }
            '$' => {
                let mut j = i + 1;
                while j < src.len() && src[j..].chars().next().is_some_and(is_name_char) {
                    j += src[j..].chars().next().map(char::len_utf8).unwrap_or(1);
                }
                if j == i + 1 {
                    return Err(err(
                        i,
                        "unexpected '$' (write ${name} to refer to a question)",
                    ));
                }
                let n = src[i + 1..j].to_string();
                i = j;
                Tok::Dollar(n)
            }
            '\'' | '"' => {
                let Some(end) = src[i + 1..].find(c) else {
                    return Err(err(i, "this string is not closed"));
                };
                let s = src[i + 1..i + 1 + end].to_string();
                i += end + 2;
                Tok::Str(s)
            }
            '0'..='9' => lex_number(src, &mut i),
            '.' if b.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => lex_number(src, &mut i),
            '.' if b.get(i + 1) == Some(&b'.') => {
                i += 2;
                Tok::DotDot
            }
            '.' => {
                i += 1;
                Tok::Dot
            }
            '(' => {
                i += 1;
                Tok::LParen
            }
            ')' => {
                i += 1;
                Tok::RParen
            }
            '[' => {
                i += 1;
                Tok::LBracket
            }
            ']' => {
                i += 1;
                Tok::RBracket
            }
            ',' => {
                i += 1;
                Tok::Comma
            }
            '@' => {
                i += 1;
                Tok::At
            }
            '/' if b.get(i + 1) == Some(&b'/') => {
                i += 2;
                Tok::SlashSlash
            }
            '/' => {
                i += 1;
                Tok::Slash
            }
            '*' if prev_is_operand => {
                i += 1;
                Tok::Op("*")
            }
            '*' => {
                i += 1;
                Tok::Star
            }
            '|' => {
                i += 1;
                Tok::Op("|")
            }
            '+' => {
                i += 1;
                Tok::Op("+")
            }
            '-' => {
                i += 1;
                Tok::Op("-")
            }
            '=' => {
                i += 1;
                Tok::Op("=")
            }
            '!' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Op("!=")
            }
            '<' | '>' => {
                let eq = b.get(i + 1) == Some(&b'=');
                i += if eq { 2 } else { 1 };
                Tok::Op(match (c, eq) {
                    ('<', false) => "<",
                    ('<', true) => "<=",
                    ('>', false) => ">",
                    _ => ">=",
                })
            }
            c if is_name_start(c) => {
                let mut j = i;
                while j < src.len() {
                    let Some(ch) = src[j..].chars().next() else {
                        break;
                    };
                    if !is_name_char(ch) {
                        break;
                    }
                    j += ch.len_utf8();
                }
                // a name does not end in '.' or ':' ("a." is the name "a" then ".")
                let mut name = &src[i..j];
                while name.ends_with(['.', ':']) {
                    name = &name[..name.len() - 1];
                }
                i += name.len();
                if prev_is_operand && matches!(name, "and" | "or" | "div" | "mod") {
                    Tok::Op(match name {
                        "and" => "and",
                        "or" => "or",
                        "div" => "div",
                        _ => "mod",
                    })
                } else {
                    Tok::Name(name.to_string())
                }
            }
            other => return Err(err(i, &format!("unexpected character '{other}'"))),
        };
        out.push((tok, Span { start, end: i }));
    }
    Ok(out)
}

fn lex_number(src: &str, i: &mut usize) -> Tok {
    let start = *i;
    let b = src.as_bytes();
    let mut seen_dot = false;
    while *i < b.len()
        && (b[*i].is_ascii_digit() || (b[*i] == b'.' && !seen_dot && b.get(*i + 1) != Some(&b'.')))
    {
        if b[*i] == b'.' {
            seen_dot = true;
        }
        *i += 1;
    }
    Tok::Num(src[start..*i].parse().unwrap_or(f64::NAN))
}

struct Parser<'a> {
    toks: &'a [(Tok, Span)],
    pos: usize,
    depth: usize,
    len: usize,
}

/// Parses an expression. Errors give the byte offset and what was expected.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    if src.len() > MAX_LEN {
        return Err(ParseError {
            offset: 0,
            message: format!("the expression is longer than {MAX_LEN} bytes"),
        });
    }
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(ParseError {
            offset: 0,
            message: "the expression is empty".into(),
        });
    }
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        depth: 0,
        len: src.len(),
    };
    let e = p.expr(0)?;
    if let Some((t, s)) = p.toks.get(p.pos) {
        return Err(ParseError {
            offset: s.start,
            message: format!("unexpected {}", describe(t)),
        });
    }
    Ok(e)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(s) => format!("string '{s}'"),
        Tok::Ref(r) => format!("'${{{r}}}'"),
        Tok::LastSaved(r) => format!("'${{last-saved#{r}}}'"),
        Tok::Name(n) => format!("name '{n}'"),
        Tok::Op(o) => format!("operator '{o}'"),
        Tok::Dot => "'.'".into(),
        Tok::DotDot => "'..'".into(),
        Tok::At => "'@'".into(),
        Tok::Slash => "'/'".into(),
        Tok::SlashSlash => "'//'".into(),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::LBracket => "'['".into(),
        Tok::RBracket => "']'".into(),
        Tok::Comma => "','".into(),
        Tok::Star => "'*'".into(),
        Tok::Dollar(n) => format!("'${n}'"),
    }
}

fn binop(o: &str) -> Option<(BinOp, u8)> {
    Some(match o {
        "or" => (BinOp::Or, 1),
        "and" => (BinOp::And, 2),
        "=" => (BinOp::Eq, 3),
        "!=" => (BinOp::Ne, 3),
        "<" => (BinOp::Lt, 4),
        "<=" => (BinOp::Le, 4),
        ">" => (BinOp::Gt, 4),
        ">=" => (BinOp::Ge, 4),
        "+" => (BinOp::Add, 5),
        "-" => (BinOp::Sub, 5),
        "*" => (BinOp::Mul, 6),
        "div" => (BinOp::Div, 6),
        "mod" => (BinOp::Mod, 6),
        "|" => (BinOp::Union, 8),
        _ => return None,
    })
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn offset(&self) -> usize {
        self.toks
            .get(self.pos)
            .map(|t| t.1.start)
            .unwrap_or(self.len)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            offset: self.offset(),
            message: message.into(),
        })
    }

    fn expect(&mut self, t: Tok, what: &str) -> Result<(), ParseError> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            match self.peek() {
                Some(other) => {
                    let d = describe(other);
                    self.err(format!("expected {what} but found {d}"))
                }
                None => self.err(format!("expected {what}")),
            }
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!(
                "the expression is nested more than {MAX_DEPTH} levels deep"
            ));
        }
        Ok(())
    }

    /// Precedence climbing over binary operators.
    fn expr(&mut self, min: u8) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut lhs = self.unary()?;
        while let Some(Tok::Op(o)) = self.peek().cloned() {
            let Some((op, prec)) = binop(o) else { break };
            if prec <= min {
                break;
            }
            self.pos += 1;
            if self.peek().is_none() {
                return self.err(format!("the operator '{o}' needs something after it"));
            }
            let rhs = self.expr(prec)?;
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Tok::Op("-")) {
            self.pos += 1;
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(e)));
        }
        // unary binds looser than union only; parse the union level here
        let mut lhs = self.path_expr()?;
        while self.peek() == Some(&Tok::Op("|")) {
            self.pos += 1;
            let rhs = self.path_expr()?;
            lhs = Expr::Binary(BinOp::Union, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn path_expr(&mut self) -> Result<Expr, ParseError> {
        let Some((tok, span)) = self.toks.get(self.pos).cloned() else {
            return self.err("expected a value");
        };
        let primary = match tok {
            Tok::Num(n) => {
                self.pos += 1;
                Some(Expr::Number(n))
            }
            Tok::Str(s) => {
                self.pos += 1;
                Some(Expr::String(s))
            }
            Tok::Ref(r) => {
                self.pos += 1;
                Some(Expr::Ref(r, span))
            }
            Tok::LastSaved(r) => {
                self.pos += 1;
                Some(Expr::LastSaved(r, span))
            }
            Tok::Dollar(_) => {
                return self.err(
                    "variables like '$x' are not supported; write ${name} to refer to a question",
                );
            }
            Tok::LParen => {
                self.pos += 1;
                if self.peek() == Some(&Tok::RParen) {
                    return self.err("empty parentheses");
                }
                let e = self.expr(0)?;
                self.expect(Tok::RParen, "')'")?;
                Some(e)
            }
            Tok::Name(ref n)
                if self.toks.get(self.pos + 1).map(|t| &t.0) == Some(&Tok::LParen)
                    && !matches!(n.as_str(), "node" | "text") =>
            {
                Some(self.call(n.clone(), span)?)
            }
            _ => None,
        };
        match primary {
            Some(e) => {
                // predicates or a path continuing from the expression
                let mut steps = Vec::new();
                if self.peek() == Some(&Tok::LBracket) {
                    let preds = self.predicates()?;
                    steps.push(Step::Child(".".into(), preds));
                }
                if matches!(self.peek(), Some(Tok::Slash | Tok::SlashSlash)) {
                    self.more_steps(&mut steps)?;
                }
                if steps.is_empty() {
                    Ok(e)
                } else {
                    Ok(Expr::Path(PathStart::Expr(Box::new(e)), steps))
                }
            }
            None => self.location_path(),
        }
    }

    fn call(&mut self, name: String, span: Span) -> Result<Expr, ParseError> {
        self.pos += 2; // name (
        let mut args = Vec::new();
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
        } else {
            loop {
                args.push(self.expr(0)?);
                match self.peek() {
                    Some(Tok::Comma) => self.pos += 1,
                    Some(Tok::RParen) => {
                        self.pos += 1;
                        break;
                    }
                    Some(t) => {
                        let d = describe(t);
                        return self.err(format!(
                            "expected ',' or ')' in the call of {name}() but found {d}"
                        ));
                    }
                    None => {
                        return self.err(format!("the call of {name}() is not closed with ')'"))
                    }
                }
            }
        }
        let Some(&(_, lo, hi)) = FUNCTIONS.iter().find(|f| f.0 == name) else {
            return Err(ParseError {
                offset: span.start,
                message: format!("unknown function '{name}()'"),
            });
        };
        if args.len() < lo || args.len() > hi {
            let want = if lo == hi {
                format!("{lo}")
            } else if hi == usize::MAX {
                format!("at least {lo}")
            } else {
                format!("{lo} to {hi}")
            };
            return Err(ParseError {
                offset: span.start,
                message: format!("{name}() takes {want} argument(s), not {}", args.len()),
            });
        }
        Ok(Expr::Call(
            name,
            args,
            Span {
                start: span.start,
                end: self.toks[self.pos - 1].1.end,
            },
        ))
    }

    fn predicates(&mut self) -> Result<Vec<Expr>, ParseError> {
        let mut preds = Vec::new();
        while self.peek() == Some(&Tok::LBracket) {
            self.pos += 1;
            self.enter()?;
            preds.push(self.expr(0)?);
            self.depth -= 1;
            self.expect(Tok::RBracket, "']'")?;
        }
        Ok(preds)
    }

    fn step(&mut self) -> Result<Step, ParseError> {
        match self.peek().cloned() {
            Some(Tok::Dot) => {
                self.pos += 1;
                Ok(Step::SelfNode)
            }
            Some(Tok::DotDot) => {
                self.pos += 1;
                Ok(Step::Parent)
            }
            Some(Tok::At) => {
                self.pos += 1;
                match self.peek().cloned() {
                    Some(Tok::Name(n)) => {
                        self.pos += 1;
                        Ok(Step::Attribute(n))
                    }
                    Some(Tok::Star) => {
                        self.pos += 1;
                        Ok(Step::Attribute("*".into()))
                    }
                    _ => self.err("expected an attribute name after '@'"),
                }
            }
            Some(Tok::Name(n)) => {
                self.pos += 1;
                if self.peek() == Some(&Tok::LParen) {
                    // node() / text()
                    self.pos += 1;
                    self.expect(Tok::RParen, "')'")?;
                }
                let preds = self.predicates()?;
                Ok(Step::Child(n, preds))
            }
            Some(Tok::Star) => {
                self.pos += 1;
                let preds = self.predicates()?;
                Ok(Step::Child("*".into(), preds))
            }
            Some(t) => {
                let d = describe(&t);
                self.err(format!("expected a value but found {d}"))
            }
            None => self.err("expected a value"),
        }
    }

    fn more_steps(&mut self, steps: &mut Vec<Step>) -> Result<(), ParseError> {
        while let Some(t @ (Tok::Slash | Tok::SlashSlash)) = self.peek().cloned() {
            self.pos += 1;
            if t == Tok::SlashSlash {
                steps.push(Step::Child("**".into(), Vec::new()));
            }
            let s = self.step()?;
            steps.push(s);
        }
        Ok(())
    }

    fn location_path(&mut self) -> Result<Expr, ParseError> {
        let mut steps = Vec::new();
        let start = match self.peek() {
            Some(Tok::Slash) => {
                self.pos += 1;
                if matches!(
                    self.peek(),
                    Some(Tok::Name(_) | Tok::Star | Tok::Dot | Tok::DotDot | Tok::At)
                ) {
                    let s = self.step()?;
                    steps.push(s);
                }
                PathStart::Root
            }
            Some(Tok::SlashSlash) => {
                self.pos += 1;
                steps.push(Step::Child("**".into(), Vec::new()));
                let s = self.step()?;
                steps.push(s);
                PathStart::Root
            }
            _ => {
                let s = self.step()?;
                steps.push(s);
                PathStart::Context
            }
        };
        self.more_steps(&mut steps)?;
        if matches!(start, PathStart::Context) && steps.len() == 1 && steps[0] == Step::SelfNode {
            return Ok(Expr::Current);
        }
        Ok(Expr::Path(start, steps))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Expr {
        parse(s).unwrap_or_else(|e| panic!("{s}: {}", e.describe(s)))
    }

    fn bad(s: &str) -> ParseError {
        parse(s).expect_err(s)
    }

    #[test]
    fn precedence() {
        assert_eq!(
            ok("1 + 2 * 3"),
            Expr::Binary(
                BinOp::Add,
                Box::new(Expr::Number(1.0)),
                Box::new(Expr::Binary(
                    BinOp::Mul,
                    Box::new(Expr::Number(2.0)),
                    Box::new(Expr::Number(3.0))
                ))
            )
        );
        assert!(matches!(
            ok("${a} > 3 and ${b} = 'x' or not(${c})"),
            Expr::Binary(BinOp::Or, ..)
        ));
        assert!(
            matches!(ok("1 - 2 - 3"), Expr::Binary(BinOp::Sub, l, _) if matches!(*l, Expr::Binary(BinOp::Sub, ..)))
        );
        assert!(matches!(ok("-${a} div 2"), Expr::Binary(BinOp::Div, ..)));
    }

    #[test]
    fn real_world_forms() {
        for s in [
            ".",
            ". >= 18 and . <= 120",
            "selected(${q}, 'other')",
            "not(selected(${x}, 'a')) and regex(., '^[0-9]{4}$')",
            "${state}=cf",
            "jr:choice-name(${a}, '${a}')",
            "instance('towns')/root/item[name = ${town}]/label",
            "count(${r}) > 0",
            "if(${a} = '', 'none', concat(${a}, ' x'))",
            "../a > /data/n",
            "position(..)",
            "format-date(today(), '%Y-%m-%d')",
            "${a}*${b}",
            "${a} mod 2 = 0",
            "string-length(.) <= 10",
            ". != ''",
            "true()",
            "coalesce(${a}, 0)",
            "int(${age} div 10)",
            "-1",
            "a.b",
            "current()/../x",
        ] {
            ok(s);
        }
    }

    #[test]
    fn errors_have_positions() {
        let e = bad(". >>= 3");
        assert_eq!(e.offset, 3);
        assert!(
            e.describe(". >>= 3").contains("character 4"),
            "{}",
            e.describe(". >>= 3")
        );
        let e = bad("foo(${age})");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (0, "unknown function 'foo()'")
        );
        assert!(bad("selected(${a})").message.contains("takes 2"));
        assert!(bad("(1 + 2").message.contains("')'"));
        assert!(bad("'abc").message.contains("not closed"));
        assert!(bad("${a").message.contains("not closed"));
        assert!(bad("1 +").message.contains("needs something"));
        assert!(bad("").message.contains("empty"));
        assert!(bad("${a} ${b}").message.contains("unexpected"));
        assert!(bad("Enter a number like this").offset > 0);
        let deep = "(".repeat(200) + "1" + &")".repeat(200);
        assert!(bad(&deep).message.contains("nested"));
    }

    #[test]
    fn references_are_listed() {
        let e = ok("${a} + ${b} * ${a}");
        let names: Vec<&str> = e.references().iter().map(|r| r.0).collect();
        assert_eq!(names, ["a", "b", "a"]);
    }
}
