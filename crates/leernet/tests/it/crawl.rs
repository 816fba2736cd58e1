//! No internals on a page (issue 18, item 6): `leernet serve` on the demo (two studies, the
//! main one in two waves) is crawled link by link as every role — a stranger, a member, a
//! facilitator, a coordinator, a researcher who is also the installation's administrator —
//! in Dutch and in English. Every HTML page it reaches is read as a person reads it (its
//! text, and the titles, labels and placeholders that speak for it), and the test fails on:
//! a backtick, a `${`, a code key or variable name (`theme.mental_health`, `org_form`), a
//! path under `content/` or a configuration file's name, an English sentence on a Dutch
//! page, "je" or "jullie" on a Dutch page (the pages say "u"; quoted words excepted), a date
//! or time stamp not written the way people write it, "1 netwerken", a link that leads to an
//! error, and a server error. Proper names that look like
//! English or like code are in [`ALLOWED`], each with its reason.

use crate::common::browser::{add_user, leernet, make_demo};
use axum::body::Bytes;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::process::Stdio;
use std::sync::LazyLock;

const PASSWORD: &str = "een-lang-wachtwoord-voor-de-crawl";

/// Pages per role and language at most (the demo has fewer distinct kinds of page; the
/// bound keeps a regression from crawling forever).
const MAX_PAGES: usize = 600;
/// Pages per kind of page (the same path with other ids or slugs): the first few of each.
const PER_KIND: usize = 3;

/// Text that looks like an internal but is what a person should read, with why.
const ALLOWED: &[(&str, &str)] = &[
    ("example.org", "the demo's fictional e-mail domain"),
    ("leernet.nl", "the project's name as a web address"),
];

struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    origin: String,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Http {
    async fn send(&self, req: Request<Full<Bytes>>) -> Page {
        let res = self.client.request(req).await.expect("the server answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, path: &str, cookie: &str) -> Page {
        let mut req = Request::get(format!("{}{path}", self.origin));
        if !cookie.is_empty() {
            req = req.header(header::COOKIE, cookie);
        }
        self.send(req.body(Full::new(Bytes::new())).unwrap()).await
    }

    /// Logs `email` in through the installation's login form; returns the session cookie.
    async fn login(&self, email: &str) -> String {
        let form = self.get("/login", "").await;
        assert_eq!(form.status, StatusCode::OK, "the login page");
        let csrf_cookie = cookies(&form.headers).join("; ");
        let token = form
            .body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("a CSRF token in the login form")
            .to_owned();
        let body = format!(
            "email={}&password={PASSWORD}&csrf_token={token}",
            email.replace('@', "%40")
        );
        let res = self
            .send(
                Request::post(format!("{}/login", self.origin))
                    .header(header::COOKIE, &csrf_cookie)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Full::new(Bytes::from(body)))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{email} logs in");
        cookies(&res.headers)
            .into_iter()
            .find(|c| c.starts_with("leernet_session="))
            .expect("a session cookie")
    }
}

fn cookies(h: &HeaderMap) -> Vec<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect()
}

static DROP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->").unwrap()
});
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<(/?)([a-zA-Z0-9]+)([^>]*)>").unwrap());
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\s(?:title|alt|aria-label|placeholder)="([^"]*)""#).unwrap()
});
static ENTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"&#(x[0-9a-fA-F]+|[0-9]+);").unwrap());
static LINKS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"https?://\S+|\S+@\S+|(^|\s)/\S*").unwrap());
static SNAKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b").unwrap());
static DOTTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[a-z][a-z0-9_]*\.[a-z][a-z0-9_]+\b").unwrap());
static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d{4}-\d{2}-\d{2}\b").unwrap());
static RAW_TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{2}:\d{2}:\d{2}|\bUTC\b|\d{2}:\d{2}Z\b").unwrap());
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"‘[^’]*’|“[^”]*”|"[^"]*""#).unwrap());
static INFORMAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(je|jij|jou|jouw|jullie)\b").unwrap());
static ONE_MANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b1 (netwerken|antwoorden|leden|deelnemers|vragen|uitnodigingen|codes|networks|answers|members|responses|questions|invitations)\b",
    )
    .unwrap()
});
static HREF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"href="([^"]*)""#).unwrap());

/// Elements that do not break a line of text.
const INLINE: &[&str] = &[
    "a", "strong", "em", "span", "abbr", "b", "i", "code", "small", "time", "mark", "bdi", "q",
    "sup", "sub", "kbd", "data", "label",
];
/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "rect", "path", "circle", "line", "polyline",
];

/// What a person reads on `html`: its lines of text, with the text of `title`, `alt`,
/// `aria-label` and `placeholder` attributes; scripts, styles and comments left out. Each line
/// says whether it stands in an element marked English (`lang="en"`), which a Dutch page may
/// hold (a codebook's English names, shown beside the Dutch ones).
fn readable(html: &str) -> Vec<(String, bool)> {
    let html = DROP.replace_all(html, " ");
    let mut out = Vec::new();
    // the open elements: (name, in English)
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut line = String::new();
    let mut line_en = false;
    let english = |stack: &Vec<(String, bool)>| stack.last().is_some_and(|(_, en)| *en);
    let flush = |line: &mut String, en: bool, out: &mut Vec<(String, bool)>| {
        let text = decode(line)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() {
            out.push((text, en));
        }
        line.clear();
    };
    let mut last = 0;
    for c in TAG.captures_iter(&html) {
        let m = c.get(0).unwrap();
        let text = &html[last..m.start()];
        if !text.trim().is_empty() {
            // a stretch in the other language (a name in English beside the Dutch one) is a
            // line of its own
            if !line.trim().is_empty() && english(&stack) != line_en {
                flush(&mut line, line_en, &mut out);
            }
            if line.trim().is_empty() {
                line_en = english(&stack);
            }
            line.push_str(text);
        }
        last = m.end();
        let closing = !c[1].is_empty();
        let name = c[2].to_ascii_lowercase();
        let attrs = &c[3];
        // a quotation reads as one, as the browser shows it
        if name == "q" {
            line.push(if closing { '”' } else { '“' });
        }
        if !INLINE.contains(&name.as_str()) {
            flush(&mut line, line_en, &mut out);
        }
        if closing {
            if let Some(at) = stack.iter().rposition(|(n, _)| *n == name) {
                stack.truncate(at);
            }
            continue;
        }
        let en = if attrs.contains("lang=\"en\"") {
            true
        } else if attrs.contains("lang=\"nl\"") {
            false
        } else {
            english(&stack)
        };
        for a in ATTR.captures_iter(attrs) {
            let text = decode(&a[1]);
            if !text.trim().is_empty() {
                out.push((text, en));
            }
        }
        if !VOID.contains(&name.as_str()) && !attrs.trim_end().ends_with('/') {
            stack.push((name, en));
        }
    }
    line.push_str(&html[last..]);
    flush(&mut line, line_en, &mut out);
    out
}

fn decode(s: &str) -> String {
    let s = ENTITY.replace_all(s, |c: &regex::Captures| {
        let n = &c[1];
        let code = match n.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => n.parse().ok(),
        };
        code.and_then(char::from_u32)
            .map(String::from)
            .unwrap_or_default()
    });
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Words that make a sentence English (none of them is a Dutch word).
const ENGLISH: &[&str] = &[
    "the", "and", "to", "with", "this", "that", "your", "you", "please", "for", "are", "has",
    "have", "can", "cannot", "will", "be", "by", "from", "which", "what", "or", "it", "its", "on",
    "at", "not", "no", "there", "their", "been", "were", "would", "should", "into",
];
/// Words that make a sentence Dutch.
const DUTCH: &[&str] = &[
    "de", "het", "een", "en", "van", "niet", "met", "voor", "die", "dat", "u", "uw", "zijn",
    "wordt", "naar", "bij", "ook", "om", "te", "er", "aan", "als", "dan", "maar", "nog", "kan",
    "over", "uit", "wat", "wie", "hoe", "deze", "dit", "geen", "op", "of", "is", "in", "worden",
];

/// What is wrong with one line of a page's text, if anything.
fn problems(line: &str, dutch_page: bool) -> Vec<&'static str> {
    let mut found = Vec::new();
    // addresses and links a person is meant to copy are not internals
    let mut line = LINKS.replace_all(line, " ").into_owned();
    for (allowed, _) in ALLOWED {
        line = line.replace(allowed, "");
    }
    if line.contains('`') {
        found.push("a backtick");
    }
    if line.contains("${") {
        found.push("an XLSForm expression");
    }
    if line.contains("content/") {
        found.push("a path under content/");
    }
    if SNAKE.is_match(&line) {
        found.push("a variable name or code key (snake_case)");
    }
    if DOTTED.is_match(&line) {
        found.push("a code key or file name (dotted)");
    }
    if ISO_DATE.is_match(&line) {
        found.push("a date not written the way people write it");
    }
    if RAW_TIME.is_match(&line) {
        found.push("a raw time stamp");
    }
    if ONE_MANY.is_match(&line) {
        found.push("a plural after 1");
    }
    // "u" throughout; quoted words (a respondent's, a question to ask colleagues) as spoken
    if dutch_page && INFORMAL.is_match(&QUOTED.replace_all(&line, " ")) {
        found.push("\"je\" or \"jullie\" where the pages say \"u\"");
    }
    if dutch_page {
        // a respondent's own words, quoted, may be in any language
        let unquoted = QUOTED.replace_all(&line, " ");
        let words: Vec<String> = unquoted
            .split(|c: char| !c.is_alphabetic() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let en = words
            .iter()
            .filter(|w| ENGLISH.contains(&w.as_str()))
            .count();
        let nl = words.iter().filter(|w| DUTCH.contains(&w.as_str())).count();
        if words.len() >= 3 && en >= 2 && en > nl {
            found.push("an English sentence on a Dutch page");
        }
    }
    found
}

/// The kind of page `path` is: ids, slugs and file names as `*`, query values left out.
fn kind(path: &str) -> String {
    let (p, q) = path.split_once('?').unwrap_or((path, ""));
    let segs: Vec<&str> = p
        .split('/')
        .map(|s| {
            if s.chars().all(|c| c.is_ascii_lowercase()) {
                s
            } else {
                "*"
            }
        })
        .collect();
    let keys: Vec<&str> = q.split('&').filter_map(|kv| kv.split('=').next()).collect();
    format!("{}?{}", segs.join("/"), keys.join("&"))
}

/// Links not to follow: downloads, files, logging out, switching the language (the crawl sets
/// it), and the API (JSON, its own test).
fn follow(path: &str) -> bool {
    const FILES: &[&str] = &[
        ".csv", ".xlsx", ".docx", ".sav", ".qdc", ".qdpx", ".ics", ".zip", ".json", ".js", ".css",
        ".png", ".svg", ".pdf", ".md", ".txt", ".ico",
    ];
    let p = path.split(['?', '#']).next().unwrap_or("");
    path.starts_with('/')
        && !path.starts_with("//")
        && !FILES.iter().any(|e| p.ends_with(e))
        && !p.contains("logout")
        && !p.starts_with("/api/")
        && !p.contains("/calendar/")
        && !path.contains("lang=")
        && !path.contains("format=")
}

fn links(html: &str) -> Vec<String> {
    HREF.captures_iter(html)
        .map(|c| decode(&c[1]))
        .map(|l| l.split('#').next().unwrap_or("").to_owned())
        .filter(|l| follow(l))
        .collect()
}

/// Crawls from `seeds` with `cookie`; returns every problem as `path: what: "text"`.
async fn crawl(
    http: &Http,
    who: &str,
    lang: &str,
    session: &str,
    seeds: &[String],
) -> (usize, Vec<String>) {
    let cookie = if session.is_empty() {
        format!("lang={lang}")
    } else {
        format!("lang={lang}; {session}")
    };
    let mut queue: VecDeque<(String, String)> = seeds
        .iter()
        .map(|s| (s.clone(), "(start)".to_owned()))
        .collect();
    let mut seen: BTreeSet<String> = seeds.iter().cloned().collect();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut found = Vec::new();
    let mut pages = 0;
    while let Some((path, from)) = queue.pop_front() {
        if pages >= MAX_PAGES {
            break;
        }
        let n = kinds.entry(kind(&path)).or_default();
        if *n >= PER_KIND {
            continue;
        }
        *n += 1;
        let page = http.get(&path, &cookie).await;
        pages += 1;
        let status = page.status;
        if status.is_server_error() {
            found.push(format!(
                "{who}/{lang} {path} (linked from {from}): {status}"
            ));
            continue;
        }
        if status.is_redirection() {
            if let Some(to) = page.headers.get(header::LOCATION) {
                let to = to.to_str().unwrap_or("").to_owned();
                if follow(&to) && seen.insert(to.clone()) {
                    queue.push_back((to, path.clone()));
                }
            }
            continue;
        }
        if status != StatusCode::OK {
            // a link a person is shown must lead somewhere they may go
            if from != "(start)" {
                found.push(format!(
                    "{who}/{lang} {path} (linked from {from}): {status}"
                ));
            }
            continue;
        }
        let html = page
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if !html {
            continue;
        }
        for (line, english) in readable(&page.body) {
            for what in problems(&line, lang == "nl" && !english) {
                found.push(format!("{who}/{lang} {path}: {what}: {line:?}"));
            }
        }
        for l in links(&page.body) {
            if seen.insert(l.clone()) {
                queue.push_back((l, path.clone()));
            }
        }
    }
    (pages, found)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_shows_internals_to_any_role_in_either_language() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    make_demo(leernet(), &demo);
    let people = [
        (
            "researcher",
            "fenna.kloosterboer@example.org",
            "researcher",
            None,
        ),
        (
            "coordinator",
            "hanneke.stroeve@example.org",
            "coordinator",
            None,
        ),
        (
            "facilitator",
            "sietske.dijkhuis@example.org",
            "facilitator",
            Some("havenmond-wijkkracht"),
        ),
        (
            "member",
            "anouk.verhaar@example.org",
            "member",
            Some("havenmond-wijkkracht"),
        ),
    ];
    for (_, email, role, network) in &people {
        add_user(leernet(), &demo, email, role, *network, PASSWORD);
    }
    let o = leernet()
        .args(["--project", demo.to_str().unwrap(), "admin", "give"])
        .args(["--email", people[0].1])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut serve = leernet()
        .args([
            "--project",
            demo.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = leernet_testkit::serve::printed_address(&mut serve).unwrap();
    let _kill = crate::common::browser::Kill(vec![serve]);
    let http = Http {
        client: Client::builder(hyper_util::rt::TokioExecutor::new()).build_http(),
        origin: format!("http://{addr}"),
    };

    let studies: Vec<String> = ["/studies/demo/", "/studies/vervolg/"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut seeds = vec!["/".to_owned(), "/my".to_owned()];
    seeds.extend(studies.iter().cloned());
    seeds.extend(studies.iter().map(|s| format!("{s}my")));

    let mut all = Vec::new();
    let mut counts = Vec::new();
    for lang in ["nl", "en"] {
        let (n, found) = crawl(&http, "stranger", lang, "", &seeds).await;
        counts.push(format!("stranger/{lang}: {n}"));
        all.extend(found);
        for (who, email, _, _) in &people {
            let session = http.login(email).await;
            let (n, found) = crawl(&http, who, lang, &session, &seeds).await;
            counts.push(format!("{who}/{lang}: {n}"));
            all.extend(found);
        }
    }
    // the crawl reached the pages of every role (a broken login would crawl nothing)
    for c in &counts {
        let n: usize = c.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(n >= 5, "too few pages crawled: {counts:?}");
    }
    let researcher: usize = counts
        .iter()
        .find(|c| c.starts_with("researcher/nl"))
        .and_then(|c| c.rsplit(' ').next()?.parse().ok())
        .unwrap();
    assert!(researcher >= 60, "the researcher's crawl: {counts:?}");
    all.sort();
    all.dedup();
    assert!(
        all.is_empty(),
        "{} problems on the pages ({counts:?}):\n{}",
        all.len(),
        all.iter().take(150).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_checks_find_what_they_look_for() {
    for (line, what) in [
        ("Bron: `org_form`", "a backtick"),
        (
            "Voorwaarde ${rationale_explicit} != 'yes'",
            "an XLSForm expression",
        ),
        ("zie content/autocode.toml", "a path under content/"),
        ("theme.mental_health", "a code key or file name (dotted)"),
        ("Bron: org_form", "a variable name or code key (snake_case)"),
        (
            "sectie [smtp] in leernet.toml",
            "a code key or file name (dotted)",
        ),
        ("2026-12-07T09:42:17Z", "a raw time stamp"),
        (
            "Volgende bijeenkomst: 2027-01-14",
            "a date not written the way people write it",
        ),
        ("Beekwaarde-Stad · 1 netwerken", "a plural after 1"),
        (
            "Jullie antwoord: ‘Eens’",
            "\"je\" or \"jullie\" where the pages say \"u\"",
        ),
        (
            "The wave is not open for this network",
            "an English sentence on a Dutch page",
        ),
    ] {
        assert!(problems(line, true).contains(&what), "{line:?} → {what}");
    }
    for fine in [
        "De deelnemers bepalen samen de agenda",
        "fenna.kloosterboer@example.org",
        "https://leernet.example.org/s/abc_def",
        "In 12 van de 17 netwerken (71%)",
        "Lerend netwerk Havenmond Wijkkracht",
        "Vraag: ‘wat houdt je deze week bezig?’",
        "Open elke bijeenkomst met de vraag “wat raakte je?”",
        "Deels herkenbaar: “dat zie je nog maar half terug”",
        "14 januari 2027, 19:30–21:30",
    ] {
        assert!(
            problems(fine, true).is_empty(),
            "{fine:?}: {:?}",
            problems(fine, true)
        );
    }
    assert_eq!(
        kind("/studies/project/networks/havenmond-wijkkracht/profile?wave=2026"),
        "/studies/project/networks/*/profile?wave"
    );
    assert_eq!(
        readable(
            "<p title=\"Uitleg\">Een <strong>vet</strong> woord</p><script>x_y</script>\
             <dd lang=\"en\">The name <em>in</em> English</dd><p>en verder</p>\
             <h3><span lang=\"nl\">Beter doorvragen</span> / <span lang=\"en\">Asking on</span></h3>"
        ),
        vec![
            ("Uitleg".to_owned(), false),
            ("Een vet woord".to_owned(), false),
            ("The name in English".to_owned(), true),
            ("en verder".to_owned(), false),
            ("Beter doorvragen /".to_owned(), false),
            ("Asking on".to_owned(), true),
        ]
    );
}
