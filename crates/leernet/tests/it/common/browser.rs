//! Helpers shared by the browser tests (`browser*.rs`): headless Chromium driven through
//! chromedriver (WebDriver, with fantoccini) against `leernet serve`.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`); the paths can
//! be set with `LEERNET_CHROMIUM` and `LEERNET_CHROMEDRIVER`. Without them a test says so and
//! passes, except under `CI`, where a missing browser is a failure (see [`browsers`]).

// Each test file is its own crate and uses only a subset of these helpers.
#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const AXE: &str = leernet_testkit::AXE;

/// Children that are killed when the test ends, however it ends.
pub struct Kill(pub Vec<Child>);

impl Drop for Kill {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Where Chromium and chromedriver are.
pub struct Browsers {
    pub chromium: PathBuf,
    pub driver: PathBuf,
}

/// Chromium and chromedriver, or `None` (with a note) when either is missing; under `CI` a
/// missing browser fails the test instead.
pub fn browsers() -> Option<Browsers> {
    let chromium = leernet_testkit::tools::file(
        "Chromium (Debian package chromium)",
        "LEERNET_CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    )?;
    let driver = leernet_testkit::tools::file(
        "chromedriver (Debian package chromium-driver)",
        "LEERNET_CHROMEDRIVER",
        &["/usr/bin/chromedriver"],
    )?;
    Some(Browsers { chromium, driver })
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for_port(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "port {port} did not open"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn leernet() -> Command {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
}

/// `<target>/debug/browser-artefacts/`, where screenshots are kept.
pub fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_leernet"))
        .parent()
        .unwrap()
        .join("browser-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the demo project into `dir` with `leernet` (a command from [`leernet`] or a
/// file's own variant of it).
pub fn make_demo(mut leernet: Command, dir: &Path) {
    let o = leernet
        .args(["demo", "--dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Adds a user to `project` with `leernet user add`, typing `password` at its prompt.
pub fn add_user(
    mut leernet: Command,
    project: &Path,
    email: &str,
    role: &str,
    network: Option<&str>,
    password: &str,
) {
    leernet
        .args(["--project", project.to_str().unwrap(), "user", "add"])
        .args(["--email", email, "--role", role]);
    if let Some(n) = network {
        leernet.args(["--network", n]);
    }
    let mut add = leernet
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{password}").unwrap();
    assert!(add.wait().unwrap().success());
}

/// Starts `leernet serve` on `project` (on a free port, with `leernet` as the command),
/// chromedriver, and a headless Chromium session whose profile lives in `tmp`. `extra_args`
/// are added to Chromium's usual ones; `prefs`, when given, become its `prefs`. Returns the
/// WebDriver client, the base URL of the project's study (no trailing `/`) and the children (`leernet serve`,
/// chromedriver), which die when it is dropped.
pub async fn start(
    mut leernet: Command,
    project: &Path,
    browsers: &Browsers,
    tmp: &Path,
    extra_args: &[&str],
    prefs: Option<serde_json::Value>,
) -> (Client, String, Kill) {
    let mut children = Kill(Vec::new());
    // A page of figures after a change waits for the new figures here, however slow a
    // debug build on a busy machine computes them: the browser tests read what a change did.
    // Showing the earlier figures after the default 400 ms is tested in leernet-web's
    // `figures_cache`.
    let mut serve = leernet
        .env("LEERNET_FIGURES_WAIT_MS", "60000")
        .args([
            "--project",
            project.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // the pages of the project's study: under `/studies/{slug}` when the project names its
    // study (the demo holds two), else the old paths, which lead to the only study
    let study = std::fs::read_to_string(project.join("leernet.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("project")?.get("study")?.as_str().map(str::to_owned));
    let base = format!(
        "http://{}{}",
        leernet_testkit::serve::printed_address(&mut serve).unwrap(),
        study.map(|s| format!("/studies/{s}")).unwrap_or_default()
    );
    children.0.push(serve);
    let port = free_port();
    children.0.push(
        Command::new(&browsers.driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);
    let profile = tmp.join("chromium-profile");
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ]
    .iter()
    .chain(extra_args)
    .map(|a| a.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut options = serde_json::json!({ "binary": browsers.chromium, "args": args });
    if let Some(prefs) = prefs {
        options["prefs"] = prefs;
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session");
    (c, base, children)
}

/// Runs axe-core on the current page and fails with every violation found.
pub async fn axe(c: &Client, what: &str) {
    c.execute(&format!("{AXE}\n;return true;"), vec![])
        .await
        .unwrap();
    let v = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): '
                   + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    let list: Vec<String> = serde_json::from_value(v).unwrap();
    assert!(list.is_empty(), "axe-core on {what}: {list:#?}");
}

/// Screenshots of the current page on a phone-sized and a wide window, as
/// `<name>-phone.png` and `<name>-wide.png` in [`artefacts`].
pub async fn screenshots(c: &Client, name: &str) {
    let dir = artefacts();
    for (label, w, h) in [("phone", 390, 844), ("wide", 1280, 900)] {
        c.set_window_size(w, h).await.unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-{label}.png")), png).unwrap();
    }
}

/// How tall a screenshot for the documentation is.
#[derive(Clone, Copy)]
pub enum Height {
    /// The window at this height (the top of the page).
    Window(u32),
    /// The whole page: the window grows to the page's height (at most 16,000 px).
    WholePage,
}

/// A screenshot of the current page at `width` px as `<name>-<width>.png` in [`artefacts`];
/// with `docs` and `LEERNET_UPDATE_SCREENSHOTS` set, also in `docs/screenshots/` (the README
/// links those). The window is 1280 × 900 again afterwards.
pub async fn doc_shot(c: &Client, name: &str, width: u32, height: Height, docs: bool) {
    let first = match height {
        Height::Window(h) => h,
        Height::WholePage => 900,
    };
    c.set_window_size(width, first).await.unwrap();
    c.execute("window.scrollTo(0, 0); return true;", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    if let Height::WholePage = height {
        let full = c
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900) as u32;
        c.set_window_size(width, full.clamp(900, 16_000))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let png = c.screenshot().await.unwrap();
    let file = format!("{name}-{width}.png");
    std::fs::write(artefacts().join(&file), &png).unwrap();
    if docs && std::env::var_os("LEERNET_UPDATE_SCREENSHOTS").is_some() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(&file), &png).unwrap();
    }
    c.set_window_size(1280, 900).await.unwrap();
}

/// The top of the current page at 1280 and 390 px, 1100 px high, as `<name>-<width>.png`,
/// for the documentation (see [`doc_shot`]).
pub async fn doc_shots(c: &Client, name: &str) {
    for width in [1280, 390] {
        doc_shot(c, name, width, Height::Window(1100), true).await;
    }
}

/// How long a browser test waits for an element or the next page. Alone a page comes in a
/// second; with the whole suite on two cores (browsers, servers and their figures at once) a
/// survey page on PostgreSQL once took more than 10 s (2026-12-07). A page that never comes
/// still fails the test.
const PATIENCE: Duration = Duration::from_secs(30);

pub async fn css(c: &Client, sel: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(sel))
        .await
        .unwrap_or_else(|e| panic!("no {sel}: {e}"))
}

pub async fn text(c: &Client, sel: &str) -> String {
    css(c, sel).await.text().await.unwrap()
}

/// Clicks what `sel` names and waits until the browser shows the next document.
pub async fn submit(c: &Client, sel: &str) {
    c.execute("window.__leernet_old = true; return true;", vec![])
        .await
        .unwrap();
    css(c, sel).await.click().await.unwrap();
    wait_until(
        c,
        "return !window.__leernet_old && document.readyState === 'complete'",
        &format!("a new page after clicking {sel}"),
    )
    .await;
}

pub async fn wait_until(c: &Client, script: &str, what: &str) {
    let start = Instant::now();
    loop {
        let v = c.execute(script, vec![]).await.unwrap();
        if v.as_bool() == Some(true) {
            return;
        }
        assert!(start.elapsed() < PATIENCE, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Fills in the login form of the current page and sends it (what follows is the caller's
/// to check).
pub async fn fill_login(c: &Client, email: &str, password: &str) {
    css(c, "#email").await.send_keys(email).await.unwrap();
    css(c, "#password").await.send_keys(password).await.unwrap();
    submit(c, "form.stack button[type=submit]").await;
}

/// The path of the page the browser shows, below its study's `/studies/{slug}` (the app
/// serves an installation; every study page is under its study's prefix).
pub async fn here(c: &Client) -> String {
    let url = c.current_url().await.unwrap();
    let path = url.path();
    match path.strip_prefix("/studies/") {
        Some(rest) => match rest.find('/') {
            Some(i) => rest[i..].to_owned(),
            None => "/".to_owned(),
        },
        None => path.to_owned(),
    }
}
