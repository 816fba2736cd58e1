//! A facilitator's profile and handreiking in a real browser, and how the study report and a
//! handreiking look on paper and on a phone: headless Chromium driven through chromedriver
//! (WebDriver, with fantoccini) against `leernet serve` on the demo project.
//!
//! A facilitator logs in, follows "Ons profiel" to their network's profile (benchmark chart,
//! handreiking), downloads the handreiking as DOCX and HTML — the same bytes `leernet demo`
//! wrote — and cannot open another network's profile. axe-core (vendored in `leernet-testkit`)
//! must report no WCAG 2.1 A/AA violation on the profile (Dutch and English), the study
//! report and a handreiking. The report and a handreiking are photographed at A4 width and
//! phone width into `<target>/debug/browser-artefacts/`, and no table or chart may stick out
//! of the page or of its column (scrollWidth against clientWidth).
//!
//! The shared helpers are in `common/browser.rs`. Needs `chromium` and `chromedriver`
//! (`LEERNET_CHROMIUM`, `LEERNET_CHROMEDRIVER`); without them the test says so and passes,
//! except under `CI`.

use crate::common;

use common::browser::*;
use fantoccini::Client;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PASSWORD: &str = "browser-test-wachtwoord";
const FACILITATOR: &str = "sietske.dijkhuis@example.org";
const NETWORK: &str = "havenmond-wijkkracht";
const COORDINATOR: &str = "hanneke.stroeve@example.org";

/// `leernet` without `LEERNET_DATABASE_URL`, so that the demo's own database is used (this
/// one shadows the shared `leernet()` in this file).
fn leernet() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.env_remove("LEERNET_DATABASE_URL");
    c
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

/// Every column header word that the browser wrapped inside the word, other than at a
/// soft hyphen between syllables or after a dash (issue 21, item 4: "bijeenko msten"), in
/// every table, matrices (a column per element or condition) too: their headers stand up
/// (`span.up`, reading bottom to top) and may wrap only at a space. Each word's characters
/// are measured one by one: a character that starts a new line — lower down in text that
/// reads across, further right in standing text — is allowed inside a word only at those
/// places. A standing header must also stand: its line runs up the page.
const BROKEN_HEADERS: &str = "
  const out = [];
  document.querySelectorAll('table thead th').forEach(th => {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const t = node.textContent;
      // A matrix's narrow columns' headers stand (doc::Table::standing); the others read
      // across, and either way no word may break.
      const standing = getComputedStyle(node.parentElement).writingMode.startsWith('vertical');
      let last = null;
      let lastTop = null;
      for (let i = 0; i < t.length; i++) {
        if (t[i] === ' ' || t[i] === '\\u00ad') { if (t[i] === ' ') { last = null; } continue; }
        const r = document.createRange();
        r.setStart(node, i);
        r.setEnd(node, i + 1);
        const rect = r.getClientRects()[0];
        if (!rect) { continue; }
        // where the line is: its top across, its left when standing
        const at = standing ? rect.left : rect.top;
        // allowed: right after a soft hyphen (Chromium may measure the first character
        // after such a break on the line before) or after a dash or slash
        const ok = t[i - 1] === '\\u00ad' || t[i - 2] === '\\u00ad' || '-–/'.includes(t[i - 1]);
        if (last !== null && Math.abs(at - last) > 2 && !ok) {
          out.push(t.replace(/\\u00ad/g, '') + ' (before ' + t.slice(i, i + 6) + ')');
          break;
        }
        // standing text runs up: each character above the one before it
        if (standing && last !== null && rect.top > lastTop - 1 && Math.abs(at - last) <= 2) {
          out.push(t + ' (a standing header that does not read bottom to top)');
          break;
        }
        last = at;
        lastTop = rect.top;
      }
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
        let v = c.execute(BROKEN_HEADERS, vec![]).await.unwrap();
        let list: Vec<String> = serde_json::from_value(v).unwrap();
        problems.extend(list.into_iter().map(|p| {
            format!("{name} at {label} width ({w} px): a header broken inside a word: {p}")
        }));
    }
    c.set_window_size(1280, 900).await.unwrap();
    problems
}

/// With `LEERNET_UPDATE_SCREENSHOTS` set, the whole page at 1280 and 390 px into
/// `docs/screenshots/<name>-<width>.png` (the README links them).
async fn docs_screenshots(c: &Client, name: &str) {
    if std::env::var_os("LEERNET_UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    for w in [1280u32, 390] {
        c.set_window_size(w, 900).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let full = c
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900) as u32;
        c.set_window_size(w, full.clamp(900, 16_000)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = c.screenshot().await.unwrap();
        std::fs::write(docs.join(format!("{name}-{w}.png")), png).unwrap();
    }
    c.set_window_size(1280, 900).await.unwrap();
}

/// Logs `email` in through the login form.
async fn login(c: &Client, login_url: &str, email: &str) {
    c.goto(login_url).await.unwrap();
    fill_login(c, email, PASSWORD).await;
    assert_eq!(here(c).await, "/my", "{email} logs in");
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
    let Some(browsers) = browsers() else {
        return;
    };

    // The demo project; the facilitator of one network may log in.
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    make_demo(leernet(), &demo);
    // Also the demo's coordinator, linked to Werkplaats Stroomdal through one of its
    // networks, and a researcher.
    for (email, role, network) in [
        (FACILITATOR, "facilitator", Some(NETWORK)),
        (COORDINATOR, "coordinator", Some("stroomdal-jeugd")),
        ("onderzoeker@example.org", "researcher", None),
    ] {
        add_user(leernet(), &demo, email, role, network, PASSWORD);
    }

    // The app on a free port, and chromedriver; downloads go to a folder of our own.
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let (c, base, _children) = start(
        leernet(),
        &demo,
        &browsers,
        tmp.path(),
        &["--hide-scrollbars"],
        Some(serde_json::json!({
            "download.default_directory": downloads.to_str().unwrap(),
            "download.prompt_for_download": false,
            "download.directory_upgrade": true,
            "safebrowsing.enabled": false,
        })),
    )
    .await;
    let url = |p: &str| format!("{base}{p}");

    // The facilitator logs in and follows "Ons profiel".
    c.goto(&url("/login")).await.unwrap();
    fill_login(&c, FACILITATOR, PASSWORD).await;
    assert_eq!(here(&c).await, "/my");
    submit(&c, "a[href$='/profile']").await;
    assert_eq!(here(&c).await, format!("/networks/{NETWORK}/profile"));
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
    // The demo has two waves: the change since the previous one, with its trend chart and
    // table, in the page axe just checked.
    let change = text(&c, "#verandering").await;
    assert!(change.contains("Sinds de vorige meting"), "{change}");
    css(&c, "#verandering figure svg").await;
    css(&c, "#verandering table").await;
    docs_screenshots(&c, "profile-change").await;
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
    if let Some(lo) = leernet_testkit::tools::file(
        "LibreOffice (Debian package libreoffice-writer-nogui), to open the DOCX",
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
    submit(&c, "a[href$='/workplaces']").await;
    axe(&c, "the coordinator's Werkplaatsen").await;
    submit(&c, "a[href$='/workplaces/stroomdal']").await;
    let main = text(&c, "main").await;
    assert!(main.contains("Jeugd en Gezin Stroomdal"), "{main}");
    assert!(!main.contains("Havenmond"), "another Werkplaats' network");
    // its matrix's element columns stand up (BROKEN_HEADERS measures them)
    css(&c, "table.matrix thead th span.up").await;
    axe(&c, "a Werkplaats").await;
    overflow.extend(paper_and_phone(&c, "workplace").await);
    c.goto(&url("/workplaces/noordkust")).await.unwrap();
    assert!(text(&c, "h1").await.contains("Niet gevonden"));

    // The researcher's preview: the report served by the app keeps its own stylesheet (its
    // hash is in the page's policy) and passes axe-core.
    c.delete_all_cookies().await.unwrap();
    login(&c, &url("/login"), "onderzoeker@example.org").await;
    submit(&c, "a[href$='/admin/report']").await;
    axe(&c, "the report preview").await;
    overflow.extend(paper_and_phone(&c, "report-preview").await);
    submit(&c, "a[href$='/admin/report/index.html?lang=en']").await;
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
