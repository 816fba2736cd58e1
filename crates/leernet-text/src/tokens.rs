//! Words and sentences with spans in Unicode code points.

/// A half-open span `[start, end)` in Unicode code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// Whether two spans share at least one code point.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The text of this span (code points), or `None` when it lies outside `text`.
    pub fn slice<'a>(&self, text: &'a str) -> Option<&'a str> {
        if self.start > self.end {
            return None;
        }
        let mut idx = text.char_indices().map(|(i, _)| i).chain([text.len()]);
        let a = idx.nth(self.start)?;
        let b = if self.end == self.start {
            a
        } else {
            idx.nth(self.end - self.start - 1)?
        };
        Some(&text[a..b])
    }
}

/// One word: a maximal run of letters and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word as written.
    pub text: String,
    /// The word in lower case.
    pub lower: String,
    /// Where it is, in code points.
    pub span: Span,
}

/// Splits `text` into words (runs of alphanumeric characters; hyphens, apostrophes and
/// punctuation separate words), with their code-point spans.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut pos = 0;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if current.is_empty() {
                start = pos;
            }
            current.push(c);
        } else if !current.is_empty() {
            out.push(make(&mut current, start, pos));
        }
        pos += 1;
    }
    if !current.is_empty() {
        out.push(make(&mut current, start, pos));
    }
    out
}

fn make(current: &mut String, start: usize, end: usize) -> Token {
    let text = std::mem::take(current);
    Token {
        lower: text.to_lowercase(),
        text,
        span: Span { start, end },
    }
}

/// Splits `text` into sentences: a sentence ends after `.`, `!` or `?` (and any closing
/// quotes or brackets) followed by white space, or at a line break. Leading and trailing
/// white space is not part of a sentence; empty sentences are left out.
pub fn sentences(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut end = None;
        if c == '\n' || c == '\r' {
            end = Some(i);
        } else if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '"' | '\'' | ')' | '’' | '”' | '?' | '!')
            {
                j += 1;
            }
            if j >= chars.len() || chars[j].is_whitespace() {
                end = Some(j);
                i = j.saturating_sub(1);
            }
        }
        if let Some(e) = end {
            push_trimmed(&chars, start, e, &mut out);
            start = e;
        }
        i += 1;
    }
    push_trimmed(&chars, start, chars.len(), &mut out);
    out
}

fn push_trimmed(chars: &[char], mut a: usize, mut b: usize, out: &mut Vec<Span>) {
    while a < b && chars[a].is_whitespace() {
        a += 1;
    }
    while b > a && chars[b - 1].is_whitespace() {
        b -= 1;
    }
    if a < b {
        out.push(Span { start: a, end: b });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_code_points() {
        let t = tokenize("Café 😀 samenwerking, élan");
        let words: Vec<_> = t
            .iter()
            .map(|t| (t.lower.as_str(), t.span.start, t.span.end))
            .collect();
        assert_eq!(
            words,
            vec![("café", 0, 4), ("samenwerking", 7, 19), ("élan", 21, 25)]
        );
        let text = "Café 😀 samenwerking, élan";
        assert_eq!(t[1].span.slice(text), Some("samenwerking"));
        assert_eq!(Span { start: 5, end: 6 }.slice(text), Some("😀"));
        assert_eq!(Span { start: 20, end: 99 }.slice(text), None);
    }

    #[test]
    fn sentences_split_on_end_marks_and_lines() {
        let text = "Waarom doen we dit? Omdat het moet.\nEn verder (zie 2.5) niets!";
        let s: Vec<_> = sentences(text)
            .iter()
            .map(|s| s.slice(text).unwrap().to_owned())
            .collect();
        assert_eq!(
            s,
            vec![
                "Waarom doen we dit?",
                "Omdat het moet.",
                "En verder (zie 2.5) niets!"
            ]
        );
    }
}
