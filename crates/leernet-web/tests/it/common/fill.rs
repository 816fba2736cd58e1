//! Reading a survey page's HTML the way a respondent's browser would, and filling it with
//! valid answers: shared by the tests and the load benchmark (`examples/fieldwork_load.rs`).
//! Deliberately naive string scanning: the pages are ours and simple.

/// The value of attribute `attr` in the tag text `tag`.
pub fn attr(tag: &str, attr: &str) -> Option<String> {
    let key = format!(" {attr}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Undoes the few escapes minijinja writes.
pub fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every tag `<name …>` of the page, as text.
pub fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let tail = &rest[i..];
        let end = tail.find('>').map(|e| e + 1).unwrap_or(tail.len());
        out.push(&tail[..end]);
        rest = &tail[end..];
    }
    out
}

/// The value of the hidden field `name`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    tags(html, "input")
        .into_iter()
        .find(|t| attr(t, "name").as_deref() == Some(name))
        .and_then(|t| attr(t, "value"))
}

/// The form fields a browser would send for this page after filling every enabled question
/// with a valid answer: the first choice of every choice question (or `choose(name)`), a
/// number for number fields (`number(name)`), a short text otherwise; then `action`.
pub fn fill(
    html: &str,
    action: &str,
    choose: &dyn Fn(&str) -> Option<String>,
    number: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in ["csrf_token", "page", "shown"] {
        out.push((n.to_owned(), hidden(html, n).unwrap_or_default()));
    }
    let mut done = std::collections::HashSet::new();
    for t in tags(html, "input") {
        let Some(name) = attr(t, "name") else {
            continue;
        };
        let Some(q) = name.strip_prefix("q.") else {
            continue;
        };
        if t.contains(" disabled") {
            continue;
        }
        let kind = attr(t, "type").unwrap_or_default();
        let value = attr(t, "value").unwrap_or_default();
        match kind.as_str() {
            "radio" | "checkbox" => {
                if done.contains(q) {
                    continue;
                }
                let pick = choose(q);
                if pick.as_deref().is_none_or(|p| p == value) {
                    out.push((name.clone(), value));
                    done.insert(q.to_owned());
                }
            }
            _ if t.contains("inputmode=\"numeric\"") || t.contains("inputmode=\"decimal\"") => {
                out.push((name.clone(), number(q)));
            }
            _ => out.push((name.clone(), "Een kort antwoord.".to_owned())),
        }
    }
    for t in tags(html, "textarea") {
        if let Some(name) = attr(t, "name") {
            if !t.contains(" disabled") {
                out.push((name, "Een langer antwoord, in een paar woorden.".to_owned()));
            }
        }
    }
    out.push(("action".to_owned(), action.to_owned()));
    out
}

/// Numbers that satisfy the shipped questionnaires' constraints.
pub fn shipped_number(name: &str) -> String {
    match name {
        "start_year" => "2018".into(),
        _ => "12".into(),
    }
}

/// `application/x-www-form-urlencoded` of the fields.
pub fn encode(fields: &[(String, String)]) -> String {
    fn enc(s: &str) -> String {
        let mut o = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    o.push(b as char)
                }
                b' ' => o.push('+'),
                _ => o.push_str(&format!("%{b:02X}")),
            }
        }
        o
    }
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}
