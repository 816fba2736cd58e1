//! Two studies on one installation in a real browser: headless Chromium driven through
//! chromedriver against `leernet serve` on the demo project, which holds the main study and
//! a small follow-up study (`vervolg`) of four of its networks.
//!
//! A stranger sees the list of studies; a researcher of the main study and a researcher of
//! the follow-up each log in once, land in their own study, and see nothing of the other:
//! its pages answer "no access" and name nothing of it, and no link of their own pages leads
//! there. axe-core must report no WCAG 2.1 A/AA violation on the list of studies and on the
//! refusal. An administrator of the installation makes a study in the browser, with a
//! mistake first, and its lead researcher opens it; axe-core checks that page too.
//! Screenshots of the list and of the administrator's page at 1280 and 390 px go to
//! `<target>/debug/browser-artefacts/`; with `LEERNET_UPDATE_SCREENSHOTS=1` also to
//! `docs/screenshots/` (the README links them).
//!
//! Needs `chromium` and `chromedriver` (`LEERNET_CHROMIUM`, `LEERNET_CHROMEDRIVER`); without
//! them the test says so and passes, except under `CI`.

use crate::common::browser::*;
use fantoccini::Client;
use std::process::Command;

const PASSWORD: &str = "browser-test-wachtwoord";
const MAIN: &str = "onderzoeker@example.org";
const FOLLOW_UP: &str = "vervolg@example.org";

/// `leernet` without `LEERNET_DATABASE_URL`, so that the demo's own database is used.
fn leernet() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.env_remove("LEERNET_DATABASE_URL");
    c
}

/// The links of the page (their `href` attributes).
async fn links(c: &Client) -> Vec<String> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('a[href], form[action]'))\
               .map(e => e.getAttribute('href') || e.getAttribute('action'));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// Empties the field `sel` and types `value` into it.
async fn fill(c: &Client, sel: &str, value: &str) {
    let field = c.find(fantoccini::Locator::Css(sel)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn log_in(c: &Client, origin: &str, email: &str) {
    c.goto(&format!("{origin}/login")).await.unwrap();
    fill_login(c, email, PASSWORD).await;
}

async fn log_out(c: &Client) {
    submit(c, "form[action='/logout'] button").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_researcher_of_one_study_sees_nothing_of_the_other() {
    let Some(browsers) = browsers() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    make_demo(leernet(), &demo);
    add_user(leernet(), &demo, MAIN, "researcher", None, PASSWORD);
    let mut follow_up = leernet();
    follow_up.args(["--study", "vervolg"]);
    add_user(follow_up, &demo, FOLLOW_UP, "researcher", None, PASSWORD);
    let (c, base, _children) = start(leernet(), &demo, &browsers, tmp.path(), &[], None).await;
    let origin = base.split("/studies/").next().unwrap().to_owned();
    let main_study = base.strip_prefix(&origin).unwrap().to_owned();
    assert_eq!(main_study, "/studies/demo", "the demo names its main study");

    // A stranger: the list of studies, each with its public overview.
    c.goto(&format!("{origin}/")).await.unwrap();
    let page = text(&c, "main").await;
    assert!(
        page.contains("Vervolgonderzoek: vier netwerken een jaar later"),
        "{page}"
    );
    let hrefs = links(&c).await;
    for s in ["/studies/demo/", "/studies/vervolg/"] {
        assert!(hrefs.iter().any(|h| h == s), "{s} in {hrefs:?}");
    }
    axe(&c, "the list of studies").await;
    doc_shot(&c, "studies", 1280, Height::Window(900), true).await;
    doc_shot(&c, "studies", 390, Height::Window(900), true).await;

    // The main study's researcher lands in their study and sees its waves.
    log_in(&c, &origin, MAIN).await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/studies/demo/my",
        "one login, straight to their study"
    );
    c.goto(&format!("{origin}/studies/demo/admin/waves"))
        .await
        .unwrap();
    let own = text(&c, "main").await;
    assert!(
        !own.contains("voorjaar 2027"),
        "the follow-up's wave is not here: {own}"
    );
    assert!(
        links(&c)
            .await
            .iter()
            .all(|h| !h.contains("/studies/vervolg")),
        "no link of their own pages leads to the other study"
    );
    for path in [
        "/admin/waves",
        "/coding",
        "/admin/audit",
        "/my",
        "/admin/export",
    ] {
        c.goto(&format!("{origin}/studies/vervolg{path}"))
            .await
            .unwrap();
        let refused = text(&c, "main").await;
        assert!(refused.contains("Geen toegang"), "{path}: {refused}");
        assert!(!refused.contains("voorjaar 2027"), "{path}: {refused}");
    }
    axe(&c, "the refusal of another study's page").await;
    c.goto(&format!("{origin}/")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/studies/demo/");
    log_out(&c).await;

    // The follow-up's researcher: their study's open wave, nothing of the main study.
    log_in(&c, &origin, FOLLOW_UP).await;
    assert_eq!(c.current_url().await.unwrap().path(), "/studies/vervolg/my");
    c.goto(&format!("{origin}/studies/vervolg/admin/waves"))
        .await
        .unwrap();
    let own = text(&c, "main").await;
    assert!(own.contains("voorjaar 2027"), "{own}");
    for path in ["/admin/waves", "/coding", "/admin/report", "/workplaces"] {
        c.goto(&format!("{origin}/studies/demo{path}"))
            .await
            .unwrap();
        let refused = text(&c, "main").await;
        assert!(refused.contains("Geen toegang"), "{path}: {refused}");
    }
    c.goto(&format!("{origin}/studies/vervolg/my"))
        .await
        .unwrap();
    log_out(&c).await;

    // The main study's researcher, made an administrator of the installation: the page of
    // studies, a form with a mistake, and a new study with the follow-up's researcher as
    // its lead.
    let given = leernet()
        .args(["--project", demo.to_str().unwrap()])
        .args(["admin", "give", "--email", MAIN])
        .output()
        .unwrap();
    assert!(given.status.success(), "{given:?}");
    log_in(&c, &origin, MAIN).await;
    c.goto(&format!("{origin}/admin/studies")).await.unwrap();
    let page = text(&c, "main").await;
    for needle in [
        "Vervolgonderzoek: vier netwerken een jaar later",
        "Actief",
        "Nieuw onderzoek",
    ] {
        assert!(page.contains(needle), "{needle}: {page}");
    }
    axe(&c, "the administrator's page of studies").await;
    doc_shot(&c, "studies-admin", 1280, Height::Window(900), true).await;
    doc_shot(&c, "studies-admin", 390, Height::Window(900), true).await;
    fill(&c, "#title_nl", "Derde onderzoek").await;
    fill(&c, "#slug", "Derde Onderzoek").await;
    fill(&c, "#lead", FOLLOW_UP).await;
    submit(&c, "#make-study").await;
    let page = text(&c, "main").await;
    assert!(page.contains("Er is een probleem"), "{page}");
    axe(&c, "the page of studies with a mistake").await;
    fill(&c, "#slug", "derde").await;
    submit(&c, "#make-study").await;
    let page = text(&c, "main").await;
    assert!(page.contains("Het onderzoek is aangemaakt"), "{page}");
    assert!(page.contains("Derde onderzoek"), "{page}");
    log_out(&c).await;
    log_in(&c, &origin, FOLLOW_UP).await;
    c.goto(&format!("{origin}/studies/derde/admin/waves"))
        .await
        .unwrap();
    let page = text(&c, "main").await;
    assert!(
        !page.contains("Geen toegang"),
        "the lead opens the new study: {page}"
    );
}
