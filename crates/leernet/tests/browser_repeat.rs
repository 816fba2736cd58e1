//! Repeats in a real browser: headless Chromium through chromedriver (fantoccini) against
//! `leernet serve` on a small project with a questionnaire that has repeats.
//!
//! A researcher makes and opens a wave and invites a network; the respondent adds sessions
//! with "add another" (the focus moves to the new instance), sees a question inside an
//! instance appear by the script, removes an instance, answers a repeat whose count follows an
//! earlier answer, and submits. axe-core (vendored, `tests/vendor/`) must report no WCAG 2.1
//! A/AA violation on the repeat pages, the wave page with the send-by-e-mail button, and the
//! import and export pages. Screenshots go to `<target>/debug/browser-artefacts/`.
//!
//! The helpers are copied from `browser.rs` (kept separate on purpose). Without `chromium`
//! and `chromedriver` the test says so and passes, except under `CI`.

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

fn run(project: &Path, args: &[&str]) {
    let o = leernet()
        .arg("--project")
        .arg(project)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "leernet {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
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

async fn type_in(c: &Client, sel: &str, s: &str) {
    css(c, sel).await.send_keys(s).await.unwrap();
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

/// The questionnaire: a name, a repeat of sessions (a platform asked only when online), a
/// number of goals and a repeat of goals whose count follows it.
fn repeat_form() -> Vec<u8> {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::nl",
            "label::en",
            "required",
            "relevant",
            "repeat_count",
        ],
        &[
            "text",
            "network_name",
            "Naam van het netwerk",
            "Name of the network",
            "yes",
            "",
            "",
        ],
        &[
            "begin_repeat",
            "session",
            "Bijeenkomst",
            "Session",
            "",
            "",
            "",
        ],
        &["text", "topic", "Onderwerp", "Topic", "yes", "", ""],
        &["select_one yn", "online", "Online?", "Online?", "", "", ""],
        &[
            "text",
            "tool",
            "Welk platform?",
            "Which platform?",
            "yes",
            "${online} = 'yes'",
            "",
        ],
        &["end_repeat", "", "", "", "", "", ""],
        &[
            "integer",
            "n_goals",
            "Aantal doelen",
            "Number of goals",
            "yes",
            "",
            "",
        ],
        &[
            "begin_repeat",
            "goal",
            "Doel",
            "Goal",
            "",
            "${n_goals} > 0",
            "${n_goals}",
        ],
        &[
            "text",
            "goal_text",
            "Omschrijving",
            "Description",
            "yes",
            "",
            "",
        ],
        &["end_repeat", "", "", "", "", "", ""],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label::nl", "label::en"],
        &["yn", "yes", "Ja", "Yes"],
        &["yn", "no", "Nee", "No"],
    ];
    let settings: &[&[&str]] = &[
        &[
            "form_id",
            "version",
            "form_title::nl",
            "form_title::en",
            "default_language",
        ],
        &["repeat_browser", "1", "Herhalingen", "Repeats", "nl"],
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeats_in_a_real_browser() {
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

    // A small project: one Werkplaats, one network, the questionnaire, a researcher.
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("study");
    let o = leernet().arg("init").arg(&project).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    run(
        &project,
        &[
            "workplace",
            "add",
            "--slug",
            "noord",
            "--name",
            "Werkplaats Noord",
        ],
    );
    run(
        &project,
        &[
            "network",
            "add",
            "--slug",
            "wijk-a",
            "--name",
            "Netwerk Wijk A",
            "--workplace",
            "noord",
        ],
    );
    let xlsx = tmp.path().join("repeat.xlsx");
    std::fs::write(&xlsx, repeat_form()).unwrap();
    run(&project, &["instrument", "add", xlsx.to_str().unwrap()]);
    // A mail server that is never reached (nothing is sent here): the wave page then offers
    // the send button, which axe checks too.
    let toml = project.join("leernet.toml");
    let mut settings = std::fs::read_to_string(&toml).unwrap();
    settings.push_str(&format!(
        "\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nfrom = \"Onderzoek <onderzoek@example.org>\"\n",
        free_port()
    ));
    std::fs::write(&toml, settings).unwrap();
    let mut add = leernet()
        .args(["--project", project.to_str().unwrap(), "user", "add"])
        .args(["--email", "onderzoeker@example.org", "--role", "researcher"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(add.wait().unwrap().success());

    let mut children = Kill(Vec::new());
    let mut serve = leernet()
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

    // The researcher: a wave of the questionnaire, opened, the network invited.
    c.goto(&url("/login")).await.unwrap();
    type_in(&c, "#email", "onderzoeker@example.org").await;
    type_in(&c, "#password", PASSWORD).await;
    submit(&c, "form.stack button[type=submit]").await;
    c.goto(&url("/admin/waves")).await.unwrap();
    type_in(&c, "#wave-name", "Herhalingen 2026").await;
    submit(&c, "#new-wave ~ form button[type=submit]").await;
    submit(&c, "#open-wave").await;
    css(&c, "input[name=network]").await.click().await.unwrap();
    css(&c, "#mode-network").await.click().await.unwrap();
    submit(&c, "#make-invitations").await;
    let link = css(&c, "a.invitation-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .expect("an invitation link");
    // Member links by e-mail: the page offers to send them (not pressed: no server).
    css(&c, "input[name=network]").await.click().await.unwrap();
    css(&c, "#mode-emails").await.click().await.unwrap();
    type_in(&c, "#emails", "lid@example.org").await;
    submit(&c, "#make-invitations").await;
    css(&c, "#send-invitations").await;
    axe(&c, "a wave with the send-by-e-mail button").await;
    // The import and export pages.
    c.goto(&url("/admin/import")).await.unwrap();
    axe(&c, "the import page").await;
    c.goto(&url("/admin/export")).await.unwrap();
    axe(&c, "the export page").await;

    // The respondent.
    c.delete_all_cookies().await.unwrap();
    c.goto(&url(&link)).await.unwrap();
    type_in(&c, "#q-network_name", "Netwerk in de browser").await;
    submit(&c, "#next").await;
    assert_eq!(text(&c, "h1").await, "Bijeenkomst");
    axe(&c, "a repeat without instances").await;

    // "Add another": a round trip, and the focus lands on the new instance.
    submit(&c, "button[value='add:session']").await;
    wait_until(
        &c,
        "return document.activeElement && document.activeElement.id === 'g-session-1'",
        "the focus on the new instance",
    )
    .await;
    assert_eq!(text(&c, "#g-session-1 legend").await, "Bijeenkomst 1");
    type_in(&c, "#q-session-1-topic", "Intervisie").await;
    // Skip logic inside the instance, by the script.
    let hidden = "return document.querySelector(\"[data-q='session[1]/tool']\").hidden";
    let shown = "return !document.querySelector(\"[data-q='session[1]/tool']\").hidden";
    wait_until(&c, hidden, "the platform question starts hidden").await;
    css(&c, "input[name='q.session[1]/online'][value=yes]")
        .await
        .click()
        .await
        .unwrap();
    wait_until(&c, shown, "the platform question appears on 'yes'").await;
    type_in(&c, "#q-session-1-tool", "Teams").await;
    axe(&c, "a repeat with an instance").await;
    // A second one, then remove the first: the second moves up, with its answer.
    submit(&c, "button[value='add:session']").await;
    assert_eq!(text(&c, "#g-session-2 legend").await, "Bijeenkomst 2");
    type_in(&c, "#q-session-2-topic", "Moreel beraad").await;
    screenshots(&c, "survey-repeat").await;
    submit(&c, "button[value='remove:session:1']").await;
    assert!(c.find(Locator::Css("#g-session-2")).await.is_err());
    let kept = css(&c, "#q-session-1-topic")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Moreel beraad"));
    submit(&c, "#next").await;

    // The count of the goals follows the answer before it. Without goals this page was the
    // last one, so it offers "submit": the server finds the goals' page incomplete and goes
    // there, with the errors.
    type_in(&c, "#q-n_goals", "2").await;
    submit(&c, "#submit").await;
    assert_eq!(text(&c, "#g-goal-2 legend").await, "Doel 2");
    css(&c, "#error-summary a[href='#q-goal-1-goal_text']").await;
    assert!(c
        .find(Locator::Css("button[value='add:goal']"))
        .await
        .is_err());
    axe(&c, "a repeat with a count").await;
    type_in(&c, "#q-goal-1-goal_text", "Samen leren").await;
    // Submitting with one still empty: the error summary links to that field.
    submit(&c, "#submit").await;
    css(&c, "#error-summary a[href='#q-goal-2-goal_text']").await;
    axe(&c, "a repeat with an error").await;
    type_in(&c, "#q-goal-2-goal_text", "Trage vragen").await;
    submit(&c, "#submit").await;
    let thanks = text(&c, "#survey-message").await;
    assert!(thanks.contains("verstuurd"), "{thanks}");

    // The researcher reads the answers: each instance under its legend.
    c.goto(&url("/login")).await.unwrap();
    type_in(&c, "#email", "onderzoeker@example.org").await;
    type_in(&c, "#password", PASSWORD).await;
    submit(&c, "form.stack button[type=submit]").await;
    c.goto(&url("/responses/1")).await.unwrap();
    let shown = text(&c, "#main").await;
    for legend in ["Bijeenkomst 1", "Doel 1", "Doel 2"] {
        assert!(shown.contains(legend), "{shown}");
    }
    axe(&c, "the response viewer with repeat instances").await;

    c.close().await.unwrap();
    drop(children);
}
