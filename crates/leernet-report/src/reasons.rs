//! Why a handle applies, in words: its condition (an XLSForm expression such as
//! `${rationale_explicit} != 'yes'`) said with the questions' and choices' labels ("the
//! answer to ‘Is there a deliberate rationale?’ is not ‘Yes’"), never the expression.
//!
//! Why it exists: the report used to print the expressions; the people the report is for
//! read labels. The handles' conditions are a small part of the XLSForm language (see
//! `content/handles.toml`): comparisons of a variable with a value or another variable,
//! `selected()`, `count-selected()`, `not()`, `and`, `or`, parentheses and `*`. This module
//! parses that part and says it; anything else gives `None`, and the caller shows no reason
//! rather than the expression.
//!
//! Invariants: the words come from the catalogue (`reason.*`) and the labels from the
//! figures; a variable without a label makes no sentence (no key ever reaches the text).

use crate::words::Words;
use leernet_analysis::{Fact, StudyFigures};
use std::collections::BTreeMap;

/// Labels of the variables handle conditions name, in one language.
#[derive(Debug, Default)]
pub struct Labels {
    vars: BTreeMap<String, String>,
    choices: BTreeMap<(String, String), String>,
}

impl Labels {
    /// The labels of `f`: questions from the handles' facts and the network dataset,
    /// choices from the dataset's categories and options, profile variables from the
    /// frameworks and scales.
    pub fn of(f: &StudyFigures, w: &Words<'_>) -> Labels {
        let lang = w.lang;
        let mut l = Labels::default();
        for h in &f.handles.handreikingen {
            for it in &h.items {
                for fact in &it.facts {
                    match fact {
                        Fact::Answer {
                            question, label, ..
                        }
                        | Fact::Choice {
                            question, label, ..
                        } => {
                            l.vars.insert(question.clone(), label.get(lang).to_owned());
                        }
                        Fact::Score {
                            variable, label, ..
                        } => {
                            l.vars.insert(variable.clone(), label.get(lang).to_owned());
                        }
                    }
                }
            }
        }
        for fw in &f.frameworks {
            for e in &fw.elements {
                l.vars.insert(
                    format!("{}_{}", fw.prefix, e.key),
                    e.name.get(lang).to_owned(),
                );
                for i in &e.indicators {
                    l.vars.insert(
                        format!("{}_{}_{}", fw.prefix, e.key, i.key),
                        i.label.get(lang).to_owned(),
                    );
                }
            }
        }
        for s in &f.scales {
            l.vars
                .insert(format!("scale_{}", s.key), s.title.get(lang).to_owned());
        }
        if let Some(d) = &f.datasets {
            for v in &d.network.variables {
                for c in &v.categories {
                    l.choices.insert(
                        (v.key.clone(), c.name.clone()),
                        c.label.get(lang).to_owned(),
                    );
                }
                if let Some((q, c)) = v.key.split_once('.') {
                    if let Some(ql) = l.vars.get(q) {
                        let full = v.label.get(lang);
                        let choice = full
                            .strip_prefix(ql.as_str())
                            .and_then(|r| r.strip_prefix(": "))
                            .unwrap_or(full);
                        l.choices
                            .insert((q.to_owned(), c.to_owned()), choice.to_owned());
                    }
                } else {
                    l.vars
                        .entry(v.key.clone())
                        .or_insert_with(|| v.label.get(lang).to_owned());
                }
            }
        }
        if let Ok(m) = w.get("reason.members") {
            l.vars.insert("members".into(), m.to_owned());
        }
        if let Ok(m) = w.get("reason.type") {
            l.vars.insert("type".into(), m.to_owned());
        }
        l
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Var(String),
    Str(String),
    Num(String),
    Word(String),
    Op(String),
    Open,
    Close,
    Comma,
}

fn lex(s: &str) -> Option<Vec<Tok>> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        match c[i] {
            ' ' | '\t' | '\n' => i += 1,
            '$' => {
                if c.get(i + 1) != Some(&'{') {
                    return None;
                }
                let end = c[i..].iter().position(|&x| x == '}')? + i;
                out.push(Tok::Var(c[i + 2..end].iter().collect()));
                i = end + 1;
            }
            q @ ('\'' | '"') => {
                let end = c[i + 1..].iter().position(|&x| x == q)? + i + 1;
                out.push(Tok::Str(c[i + 1..end].iter().collect()));
                i = end + 1;
            }
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '!' | '<' | '>' | '=' => {
                let two = c.get(i + 1) == Some(&'=');
                let op: String = c[i..i + if two { 2 } else { 1 }].iter().collect();
                if op == "!" {
                    return None;
                }
                out.push(Tok::Op(op));
                i += if two { 2 } else { 1 };
            }
            '*' => {
                out.push(Tok::Op("*".into()));
                i += 1;
            }
            d if d.is_ascii_digit() || d == '.' => {
                let end = c[i..]
                    .iter()
                    .position(|x| !(x.is_ascii_digit() || *x == '.'))
                    .map_or(c.len(), |p| p + i);
                out.push(Tok::Num(c[i..end].iter().collect()));
                i = end;
            }
            a if a.is_ascii_alphabetic() => {
                let end = c[i..]
                    .iter()
                    .position(|x| !(x.is_ascii_alphanumeric() || *x == '-' || *x == '_'))
                    .map_or(c.len(), |p| p + i);
                out.push(Tok::Word(c[i..end].iter().collect()));
                i = end;
            }
            _ => return None,
        }
    }
    Some(out)
}

struct P<'a> {
    toks: Vec<Tok>,
    at: usize,
    labels: &'a Labels,
    w: &'a Words<'a>,
}

impl P<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn expect(&mut self, t: Tok) -> Option<()> {
        (self.next()? == t).then_some(())
    }

    fn or(&mut self) -> Option<String> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Word("or".into())) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Some(parts.join(self.w.get("reason.or").ok()?))
    }

    fn and(&mut self) -> Option<String> {
        let mut parts = vec![self.unary()?];
        while self.peek() == Some(&Tok::Word("and".into())) {
            self.at += 1;
            parts.push(self.unary()?);
        }
        Some(parts.join(self.w.get("reason.and").ok()?))
    }

    fn unary(&mut self) -> Option<String> {
        match self.peek()? {
            Tok::Word(x) if x == "not" => {
                self.at += 1;
                self.expect(Tok::Open)?;
                // not(selected(…)) is said as "not chosen"; any other not() as "not: …".
                if self.peek() == Some(&Tok::Word("selected".into())) {
                    self.at += 1;
                    let s = self.selected(true)?;
                    self.expect(Tok::Close)?;
                    return Some(s);
                }
                let inner = self.or()?;
                self.expect(Tok::Close)?;
                self.w.fill("reason.not", &[("x", inner)]).ok()
            }
            Tok::Word(x) if x == "selected" => {
                self.at += 1;
                self.selected(false)
            }
            Tok::Open => {
                self.at += 1;
                let inner = self.or()?;
                self.expect(Tok::Close)?;
                Some(inner)
            }
            _ => self.comparison(),
        }
    }

    fn selected(&mut self, negated: bool) -> Option<String> {
        self.expect(Tok::Open)?;
        let Tok::Var(v) = self.next()? else {
            return None;
        };
        self.expect(Tok::Comma)?;
        let Tok::Str(c) = self.next()? else {
            return None;
        };
        self.expect(Tok::Close)?;
        let label = self.labels.vars.get(&v)?;
        let choice = self.labels.choices.get(&(v.clone(), c))?;
        let key = if negated {
            "reason.not_selected"
        } else {
            "reason.selected"
        };
        self.w
            .fill(key, &[("label", label.clone()), ("value", choice.clone())])
            .ok()
    }

    /// An operand: (its words, the variable if it is a bare variable, counted?).
    fn operand(&mut self) -> Option<(String, Option<String>, bool)> {
        let (text, var, counted) = match self.next()? {
            Tok::Var(v) => (format!("‘{}’", self.labels.vars.get(&v)?), Some(v), false),
            Tok::Num(n) => (self.number(&n), None, false),
            Tok::Str(s) => (s, None, false),
            Tok::Word(x) if x == "count-selected" => {
                self.expect(Tok::Open)?;
                let Tok::Var(v) = self.next()? else {
                    return None;
                };
                self.expect(Tok::Close)?;
                (format!("‘{}’", self.labels.vars.get(&v)?), Some(v), true)
            }
            _ => return None,
        };
        if self.peek() == Some(&Tok::Op("*".into())) {
            self.at += 1;
            let Tok::Num(n) = self.next()? else {
                return None;
            };
            let times = self
                .w
                .fill("reason.times", &[("label", text), ("n", self.number(&n))])
                .ok()?;
            return Some((times, None, false));
        }
        Some((text, var, counted))
    }

    fn number(&self, n: &str) -> String {
        if self.w.code() == "nl" {
            n.replace('.', ",")
        } else {
            n.to_owned()
        }
    }

    fn comparison(&mut self) -> Option<String> {
        let (left, var, counted) = self.operand()?;
        let Tok::Op(op) = self.next()? else {
            return None;
        };
        let right_tok = self.peek()?.clone();
        // A choice: `${q} = 'yes'` is said with the choice's label.
        if let (Tok::Str(c), Some(v)) = (&right_tok, &var) {
            self.at += 1;
            let value = self.labels.choices.get(&(v.clone(), c.clone()))?.clone();
            let key = match op.as_str() {
                "=" => "reason.is",
                "!=" => "reason.is_not",
                _ => return None,
            };
            let raw = self.labels.vars.get(v)?.clone();
            return self.w.fill(key, &[("label", raw), ("value", value)]).ok();
        }
        let (right, _, _) = self.operand()?;
        let cmp = match op.as_str() {
            "<" => "reason.lt",
            "<=" => "reason.le",
            ">" => "reason.gt",
            ">=" => "reason.ge",
            "=" => "reason.eq",
            "!=" => "reason.ne",
            _ => return None,
        };
        let key = if counted {
            "reason.count"
        } else {
            "reason.compare"
        };
        let cmp = self.w.get(cmp).ok()?.to_owned();
        self.w
            .fill(key, &[("label", left), ("cmp", cmp), ("value", right)])
            .ok()
    }
}

/// The condition in words ("the answer to ‘…’ is not ‘Yes’"), or `None` when it uses more
/// of the language than handles do or names a variable without a label.
pub fn condition(expr: &str, labels: &Labels, w: &Words<'_>) -> Option<String> {
    let mut p = P {
        toks: lex(expr)?,
        at: 0,
        labels,
        w,
    };
    let s = p.or()?;
    (p.at == p.toks.len()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use leernet_core::Lang;

    fn labels() -> Labels {
        let mut l = Labels::default();
        l.vars.insert(
            "rationale_explicit".into(),
            "Is er een bewuste onderbouwing?".into(),
        );
        l.vars
            .insert("agenda_setting".into(), "Wie bepaalt de agenda?".into());
        l.vars.insert("element_agenda".into(), "Agenda".into());
        l.vars
            .insert("members".into(), "ingevulde ledenvragenlijsten".into());
        l.vars.insert("size".into(), "Hoeveel deelnemers?".into());
        l.choices
            .insert(("rationale_explicit".into(), "yes".into()), "Ja".into());
        l.choices.insert(
            ("agenda_setting".into(), "municipality".into()),
            "De gemeente".into(),
        );
        l
    }

    #[test]
    fn conditions_are_said_with_labels_never_as_expressions() {
        let c = crate::catalog();
        let w = Words::new(c.table(Lang::Nl), Lang::Nl);
        let l = labels();
        let s = condition("${rationale_explicit} != 'yes'", &l, &w).unwrap();
        assert_eq!(
            s,
            "het antwoord op ‘Is er een bewuste onderbouwing?’ is niet ‘Ja’"
        );
        let s = condition(
            "not(selected(${agenda_setting}, 'municipality')) and ${element_agenda} < 60",
            &l,
            &w,
        )
        .unwrap();
        assert_eq!(
            s,
            "bij ‘Wie bepaalt de agenda?’ is ‘De gemeente’ niet gekozen, en ‘Agenda’ is lager dan 60"
        );
        let s = condition("${members} * 2 < ${size}", &l, &w).unwrap();
        assert!(!s.contains("${") && !s.contains("members"), "{s}");
        // Unknown variables and unknown syntax give no sentence, never the expression.
        assert_eq!(condition("${nope} = 'yes'", &l, &w), None);
        assert_eq!(condition("regex(${size}, 'a')", &l, &w), None);
    }
}
