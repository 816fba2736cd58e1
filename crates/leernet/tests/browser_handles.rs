//! A facilitator's profile and handreiking in a real browser, and how the study report and a
//! handreiking look on paper and on a phone: headless Chromium driven through chromedriver
//! (WebDriver, with fantoccini) against `leernet serve` on the demo project.
//!
//! A facilitator logs in, follows "Ons profiel" to their network's profile (benchmark chart,
//! handreiking), downloads the handreiking as DOCX and HTML — the same bytes `leernet demo`
//! wrote — and cannot open another network's profile. axe-core (vendored, `tests/vendor/`)
//! must report no WCAG 2.1 A/AA violation on the profile (Dutch and English), the study
//! report and a handreiking. The report and a handreiking are photographed at A4 width and
//! phone width into `<target>/debug/browser-artefacts/`, and no table or chart may stick out
//! of the page or of its column (scrollWidth against clientWidth).
//!
//! The helpers are copied from `browser.rs` (one file per story keeps them independent).
//! Needs `chromium` and `chromedriver` (`LEERNET_CHROMIUM`, `LEERNET_CHROMEDRIVER`); without
//! them the test says so and passes, except under `CI`.

use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const AXE: &str = include_str!("vendor/axe-4.14.1.min.js");
const PASSWORD: &str = "browser-test-wachtwoord";
const FACILITATOR: &str = "sietske.dijkhuis@example.org";
const NETWORK: &str = "havenmond-wijkkracht";
const COORDINATOR: &str = "hanneke.stroeve@example.org";

/// Children that are killed when the test ends, however it ends.
struct Kill(Vec<Child>);

impl Drop for Kill {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn tool(var: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(var) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "port {port} did not open"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn leernet() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.env_remove("LEERNET_DATABASE_URL");
    c
}

fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_leernet"))
        .parent()
        .unwrap()
        .join("browser-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs axe-core on the current page and fails with every violation found.
async fn axe(c: &Client, what: &str) {
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

/// Every table or chart that sticks out: of the page, or of the box it sits in. A table in
/// a scroll box (`.table-wrap`) counts as sticking out too: on paper nothing scrolls.
const OVERFLOW: &str = "
  const out = [];
  const de = document.documentElement;
  if (de.scrollWidth > de.clientWidth + 1) {
    out.push('the page: ' + de.scrollWidth + ' > ' + de.clientWidth);
  }
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.getAttribute('class') ? '.' + el.getAttribute('class').split(' ').join('.') : '');
  document.querySelectorAll('.table-wrap').forEach(w => {
    if (w.scrollWidth > w.clientWidth + 1) {
      const cap = w.querySelector('caption') || w.querySelector('thead');
      out.push('table ' + (cap ? cap.textContent.slice(0, 60) : name(w)) + ': '
        + w.scrollWidth + ' > ' + w.clientWidth);
    }
  });
  document.querySelectorAll('table, svg').forEach(el => {
    if (el.closest('.table-wrap') && el.tagName.toLowerCase() === 'table') { return; }
    const parent = el.parentElement;
    const r = el.getBoundingClientRect();
    const p = parent.getBoundingClientRect();
    if (r.right > p.right + 1 || r.left < p.left - 1 || r.right > de.clientWidth + 1) {
      out.push(name(el) + ': ' + Math.round(r.left) + '..' + Math.round(r.right)
        + ' outside ' + Math.round(p.left) + '..' + Math.round(p.right));
    }
  });
  return out;";

/// Whole-page screenshots of the current document at A4 width (210 mm at 96 dpi) and phone
/// width, each checked for tables and charts that stick out; returns what sticks out.
async fn paper_and_phone(c: &Client, name: &str) -> Vec<String> {
    let dir = artefacts();
    let mut problems = Vec::new();
    for (label, w, h) in [("a4", 794, 1123), ("phone", 390, 844)] {
        c.set_window_size(w, h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        // The whole document in one picture (up to a height Chromium can draw at once).
        let full = c
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(u64::from(h)) as u32;
        c.set_window_size(w, full.clamp(h, 16_000)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-{label}.png")), png).unwrap();
        let v = c.execute(OVERFLOW, vec![]).await.unwrap();
        let list: Vec<String> = serde_json::from_value(v).unwrap();
        problems.extend(
            list.into_iter()
                .map(|p| format!("{name} at {label} width ({w} px): {p}")),
        );
    }
    c.set_window_size(1280, 900).await.unwrap();
    problems
}

async fn css(c: &Client, sel: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(sel))
        .await
        .unwrap_or_else(|e| panic!("no {sel}: {e}"))
}

async fn text(c: &Client, sel: &str) -> String {
    css(c, sel).await.text().await.unwrap()
}

/// Clicks what `sel` names and waits until the browser shows the next document.
async fn submit(c: &Client, sel: &str) {
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

async fn wait_until(c: &Client, script: &str, what: &str) {
    let start = Instant::now();
    loop {
        let v = c.execute(script, vec![]).await.unwrap();
        if v.as_bool() == Some(true) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Logs `email` in through the login form.
async fn login(c: &Client, login_url: &str, email: &str) {
    c.goto(login_url).await.unwrap();
    css(c, "#email").await.send_keys(email).await.unwrap();
    css(c, "#password").await.send_keys(PASSWORD).await.unwrap();
    submit(c, "form.stack button[type=submit]").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/my",
        "{email} logs in"
    );
}

/// Waits until `path` exists whole (Chromium writes a `.crdownload` first).
async fn downloaded(path: &Path) -> Vec<u8> {
    let start = Instant::now();
    loop {
        if path.exists() {
            return std::fs::read(path).unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no download {}",
            path.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_reads_and_downloads_the_handreiking() {
    let chromium = tool(
        "LEERNET_CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let driver = tool("LEERNET_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but chromium/chromedriver are missing: apt-get install chromium chromium-driver"
        );
        eprintln!("note: chromium or chromedriver not found; the browser test is skipped");
        return;
    };

    // The demo project; the facilitator of one network may log in.
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = leernet()
        .args(["demo", "--dir", demo.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Also the demo's coordinator, linked to Werkplaats Stroomdal through one of its
    // networks, and a researcher.
    for (email, role, network) in [
        (FACILITATOR, "facilitator", Some(NETWORK)),
        (COORDINATOR, "coordinator", Some("stroomdal-jeugd")),
        ("onderzoeker@example.org", "researcher", None),
    ] {
        let mut add = leernet();
        add.args(["--project", demo.to_str().unwrap(), "user", "add"])
            .args(["--email", email, "--role", role]);
        if let Some(n) = network {
            add.args(["--network", n]);
        }
        let mut add = add
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        assert!(add.wait().unwrap().success());
    }

    // The app on a free port, and chromedriver; downloads go to a folder of our own.
    let mut children = Kill(Vec::new());
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
    let mut line = String::new();
    BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    children.0.push(serve);
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("serve prints its address")
        .trim_end_matches('/')
        .to_owned();
    let port = free_port();
    children.0.push(
        Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let profile = tmp.path().join("chromium-profile");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--hide-scrollbars",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads.to_str().unwrap(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false,
            },
        }),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session");
    let url = |p: &str| format!("{base}{p}");

    // The facilitator logs in and follows "Ons profiel".
    c.goto(&url("/login")).await.unwrap();
    css(&c, "#email")
        .await
        .send_keys(FACILITATOR)
        .await
        .unwrap();
    css(&c, "#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    submit(&c, "form.stack button[type=submit]").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/my");
    submit(&c, "a[href='/profile']").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        format!("/networks/{NETWORK}/profile")
    );
    let h1 = text(&c, "h1").await;
    assert!(h1.contains("Havenmond"), "{h1}");
    // The benchmark chart and the handreiking are there; no other network is named.
    css(&c, "#profiel svg.chart.profile").await;
    css(&c, "#handreiking article.handle").await;
    let body = text(&c, "main").await;
    for other in ["Lindewaard", "Stroomdal", "Brugstede", "Rietmond"] {
        assert!(
            !body.contains(other),
            "the profile names another network: {other}"
        );
    }
    axe(&c, "the facilitator's profile").await;
    // The indicators open without a script.
    css(&c, "details.indicators summary")
        .await
        .click()
        .await
        .unwrap();
    let mut overflow = paper_and_phone(&c, "profile").await;
    c.goto(&url(&format!("/networks/{NETWORK}/profile?lang=en")))
        .await
        .unwrap();
    assert!(text(&c, "main").await.contains("Profile and handreiking"));
    axe(&c, "the profile in English").await;
    c.goto(&url(&format!("/networks/{NETWORK}/profile?lang=nl")))
        .await
        .unwrap();

    // Downloads: the same bytes as `leernet demo` wrote.
    let written = demo.join("report").join("handreikingen");
    css(&c, "#downloads a[href$='handreiking.docx?lang=nl']")
        .await
        .click()
        .await
        .unwrap();
    let docx = downloaded(&downloads.join(format!("{NETWORK}.docx"))).await;
    assert_eq!(
        docx,
        std::fs::read(written.join(format!("{NETWORK}.docx"))).unwrap(),
        "the downloaded DOCX is the one `leernet report` writes"
    );
    css(&c, "#downloads a[href$='handreiking.html?lang=nl']")
        .await
        .click()
        .await
        .unwrap();
    let html = downloaded(&downloads.join(format!("{NETWORK}.html"))).await;
    assert_eq!(
        html,
        std::fs::read(written.join(format!("{NETWORK}.html"))).unwrap()
    );
    if let Some(lo) = tool(
        "LEERNET_SOFFICE",
        &["/usr/bin/soffice", "/usr/bin/libreoffice"],
    ) {
        let o = Command::new(lo)
            .arg(format!(
                "-env:UserInstallation=file://{}/lo-profile",
                tmp.path().display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&downloads)
            .arg(downloads.join(format!("{NETWORK}.docx")))
            .output()
            .unwrap();
        assert!(
            downloads.join(format!("{NETWORK}.pdf")).exists(),
            "LibreOffice opens the downloaded DOCX: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    // Another network's profile and handreiking: not found, as if they did not exist.
    for path in [
        "/networks/lindewaard-integraal/profile",
        "/networks/lindewaard-integraal/handreiking.html",
    ] {
        c.goto(&url(path)).await.unwrap();
        assert!(
            text(&c, "h1").await.contains("Niet gevonden"),
            "{path} is not the facilitator's"
        );
    }

    // The coordinator: the networks of Werkplaats Stroomdal side by side, no other.
    c.delete_all_cookies().await.unwrap();
    login(&c, &url("/login"), COORDINATOR).await;
    submit(&c, "a[href='/workplaces']").await;
    axe(&c, "the coordinator's Werkplaatsen").await;
    submit(&c, "a[href='/workplaces/stroomdal']").await;
    let main = text(&c, "main").await;
    assert!(main.contains("Jeugd en Gezin Stroomdal"), "{main}");
    assert!(!main.contains("Havenmond"), "another Werkplaats' network");
    css(&c, "table.matrix").await;
    axe(&c, "a Werkplaats").await;
    overflow.extend(paper_and_phone(&c, "workplace").await);
    c.goto(&url("/workplaces/noordkust")).await.unwrap();
    assert!(text(&c, "h1").await.contains("Niet gevonden"));

    // The researcher's preview: the report served by the app keeps its own stylesheet (its
    // hash is in the page's policy) and passes axe-core.
    c.delete_all_cookies().await.unwrap();
    login(&c, &url("/login"), "onderzoeker@example.org").await;
    submit(&c, "a[href='/admin/report']").await;
    axe(&c, "the report preview").await;
    overflow.extend(paper_and_phone(&c, "report-preview").await);
    submit(&c, "a[href='/admin/report/index.html?lang=en']").await;
    let styled = c
        .execute("return getComputedStyle(document.body).maxWidth", vec![])
        .await
        .unwrap();
    assert_eq!(
        styled, "960px",
        "the report's stylesheet applies under the app's policy"
    );
    axe(&c, "the report served by the app").await;

    // The study report and a handreiking as files: accessible, and on paper and on a phone
    // no table or chart sticks out.
    for (name, file) in [
        ("report", demo.join("report").join("index.html")),
        (
            "report-en",
            demo.join("report").join("en").join("index.html"),
        ),
        ("handreiking", written.join(format!("{NETWORK}.html"))),
    ] {
        c.goto(&format!("file://{}", file.display())).await.unwrap();
        axe(&c, &format!("the {name} file")).await;
        overflow.extend(paper_and_phone(&c, name).await);
    }
    c.close().await.unwrap();
    assert!(
        overflow.is_empty(),
        "tables or charts stick out: {overflow:#?}"
    );
}
