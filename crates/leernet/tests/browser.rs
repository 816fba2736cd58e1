//! A whole wave in a real browser: headless Chromium driven through chromedriver (WebDriver,
//! with fantoccini) against `leernet serve` on the demo project.
//!
//! A researcher logs in, creates a wave of the network questionnaire, opens it and invites a
//! network; a respondent opens the invitation link, meets the error summary, answers with
//! skip logic working in the page (the small script), leaves and resumes through the same
//! link, and submits; the researcher sees the response in the monitor. On every page type of
//! the survey and of the admin, axe-core (vendored, `tests/vendor/`) must report no WCAG 2.1
//! A/AA violation. Screenshots of the survey on a phone-sized and a wide window are kept in
//! `<target>/debug/browser-artefacts/`.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`); the paths can
//! be set with `LEERNET_CHROMIUM` and `LEERNET_CHROMEDRIVER`. Without them the test says so
//! and passes, except under `CI`, where a missing browser is a failure.

use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const AXE: &str = include_str!("vendor/axe-4.14.1.min.js");
const PASSWORD: &str = "browser-test-wachtwoord";

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
    Command::new(env!("CARGO_BIN_EXE_leernet"))
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

async fn screenshots(c: &Client, name: &str) {
    let dir = artefacts();
    for (label, w, h) in [("phone", 390, 844), ("wide", 1280, 900)] {
        c.set_window_size(w, h).await.unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-{label}.png")), png).unwrap();
    }
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

/// Answers every enabled, visible question of the page that has no answer yet, the way a
/// person would (first choice; a year or a count; a few words).
async fn answer_rest(c: &Client) {
    c.execute(
        "document.querySelectorAll('form.survey [data-q]').forEach(function (f) {
           if (f.hidden) { return; }
           var boxes = f.querySelectorAll('input[type=radio], input[type=checkbox]');
           if (boxes.length && !f.querySelector('input:checked')) { boxes[0].click(); }
           f.querySelectorAll('input[type=text], textarea').forEach(function (i) {
             if (i.disabled || i.value) { return; }
             if (i.getAttribute('inputmode') === 'numeric') {
               i.value = i.name === 'q.start_year' ? '2017' : '14';
             } else { i.value = 'Een antwoord in de browser.'; }
           });
         }); return true;",
        vec![],
    )
    .await
    .unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_wave_in_the_browser() {
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

    // The demo project with a researcher who may log in.
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = leernet()
        .args(["demo", "--dir", demo.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut add = leernet()
        .args(["--project", demo.to_str().unwrap(), "user", "add"])
        .args(["--email", "onderzoeker@example.org", "--role", "researcher"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(add.wait().unwrap().success());

    // The app on a free port, and chromedriver.
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
    let profile = tmp.path().join("chromium-profile");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session");
    let url = |p: &str| format!("{base}{p}");

    // The researcher logs in (the login page passes axe), creates and opens a wave.
    c.goto(&url("/login")).await.unwrap();
    axe(&c, "the login page").await;
    css(&c, "#email")
        .await
        .send_keys("onderzoeker@example.org")
        .await
        .unwrap();
    css(&c, "#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    submit(&c, "form.stack button[type=submit]").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/my");
    axe(&c, "the researcher's own page").await;
    // The questionnaires: upload one (the shipped member questionnaire, already stored:
    // recognised) and see the check's result.
    c.goto(&url("/admin/instruments")).await.unwrap();
    axe(&c, "the questionnaires page").await;
    let xlsx = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../instruments/member.xlsx");
    css(&c, "#file")
        .await
        .send_keys(xlsx.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    submit(&c, "#upload-button").await;
    assert!(text(&c, "#check-result").await.contains("geldig"));
    axe(&c, "the questionnaires page with a check result").await;
    c.goto(&url("/admin/waves")).await.unwrap();
    axe(&c, "the list of waves").await;
    css(&c, "#wave-name")
        .await
        .send_keys("Browsertest")
        .await
        .unwrap();
    submit(&c, "#new-wave ~ form button[type=submit]").await;
    let wave_path = c.current_url().await.unwrap().path().to_owned();
    assert!(wave_path.starts_with("/admin/waves/"), "{wave_path}");
    submit(&c, "#open-wave").await;
    assert!(text(&c, "#wave-status").await.contains("open"));
    // Invite the first network: its network questionnaire.
    css(&c, "input[name=network]").await.click().await.unwrap();
    css(&c, "#mode-network").await.click().await.unwrap();
    submit(&c, "#make-invitations").await;
    let link = css(&c, "a.invitation-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .expect("an invitation link");
    axe(&c, "a wave with its monitor and invitations").await;
    screenshots(&c, "admin-wave").await;

    // The respondent: a browser without the researcher's cookies.
    c.delete_all_cookies().await.unwrap();
    c.goto(&url(&link)).await.unwrap();
    assert!(text(&c, ".progress").await.contains("Pagina 1 van"));
    axe(&c, "the first survey page").await;
    screenshots(&c, "survey-page").await;
    // Next without answers: the error summary, focused, with links to the fields.
    submit(&c, "#next").await;
    css(&c, "#error-summary").await;
    axe(&c, "a survey page with errors").await;
    screenshots(&c, "survey-errors").await;
    let focused = c
        .execute(
            "return document.activeElement && document.activeElement.id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused, "error-summary", "errors are announced and focused");
    // English, by the switch.
    submit(&c, "a[hreflang=en]").await;
    assert!(text(&c, "h1").await.contains("The network"));
    axe(&c, "the survey in English").await;
    submit(&c, "a[hreflang=nl]").await;

    // Answer page 1 by keyboard and pointer, then the next pages.
    css(&c, "#q-network_name")
        .await
        .send_keys("Netwerk in de browser")
        .await
        .unwrap();
    answer_rest(&c).await;
    submit(&c, "#next").await;
    assert!(text(&c, ".progress").await.contains("Pagina 2 van"));
    answer_rest(&c).await;
    submit(&c, "#next").await;
    // The rationale page: skip logic in the page, by the script and the server's rules.
    assert!(text(&c, ".progress").await.contains("Pagina 3 van"));
    let hidden = "return document.querySelector('[data-q=rationale_text]').hidden";
    let shown = "return !document.querySelector('[data-q=rationale_text]').hidden";
    wait_until(&c, hidden, "the open question starts hidden").await;
    css(&c, "input[name='q.rationale_explicit'][value=yes]")
        .await
        .click()
        .await
        .unwrap();
    wait_until(&c, shown, "the open question appears on 'yes'").await;
    axe(&c, "a survey page after skip logic").await;
    css(&c, "#q-rationale_text")
        .await
        .send_keys("Wij leren van casussen.")
        .await
        .unwrap();
    css(&c, "input[name='q.rationale_explicit'][value=no]")
        .await
        .click()
        .await
        .unwrap();
    wait_until(&c, hidden, "the open question hides on 'no'").await;
    css(&c, "input[name='q.rationale_explicit'][value=yes]")
        .await
        .click()
        .await
        .unwrap();
    wait_until(&c, shown, "and comes back on 'yes'").await;
    submit(&c, "#next").await;
    assert!(text(&c, ".progress").await.contains("Pagina 4 van"));

    // Leave, and come back through the same link: the same page, answers kept.
    c.goto("about:blank").await.unwrap();
    c.goto(&url(&link)).await.unwrap();
    assert!(text(&c, ".progress").await.contains("Pagina 4 van"));
    submit(&c, "#prev").await;
    let kept = css(&c, "#q-rationale_text")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Wij leren van casussen."));
    submit(&c, "#next").await;

    // The remaining pages, then submit.
    for _ in 0..15 {
        answer_rest(&c).await;
        if c.find(Locator::Css("#submit")).await.is_ok() {
            screenshots(&c, "survey-last-page").await;
            // A double click: two submissions of the same page, one stored response.
            c.execute("window.__leernet_old = true; var b = document.getElementById('submit'); b.click(); b.click(); return true;", vec![])
                .await
                .unwrap();
            wait_until(
                &c,
                "return !window.__leernet_old && document.readyState === 'complete' && !!document.getElementById('survey-message')",
                "the thank-you page",
            )
            .await;
            break;
        }
        submit(&c, "#next").await;
        // A question that appeared by an answer on that page is answered on the next round.
    }
    let thanks = text(&c, "#survey-message").await;
    assert!(thanks.contains("verstuurd"), "{thanks}");
    axe(&c, "the thank-you page").await;
    screenshots(&c, "survey-thanks").await;

    // The researcher sees the response come in, and can read it.
    c.goto(&url("/login")).await.unwrap();
    css(&c, "#email")
        .await
        .send_keys("onderzoeker@example.org")
        .await
        .unwrap();
    css(&c, "#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    submit(&c, "form.stack button[type=submit]").await;
    c.goto(&url(&wave_path)).await.unwrap();
    assert_eq!(text(&c, "#total-submitted").await, "1");
    submit(&c, "#invitation-table a[href^='/responses/']").await;
    assert!(c
        .source()
        .await
        .unwrap()
        .contains("Wij leren van casussen."));
    axe(&c, "the response viewer").await;

    c.close().await.unwrap();
    drop(children);
}
