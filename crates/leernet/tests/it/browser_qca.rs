//! The researcher's QCA page in a real browser: headless Chromium driven through
//! chromedriver (WebDriver, with fantoccini) against `leernet serve` on the demo project.
//!
//! A researcher opens "Configuraties van werkwijzen (QCA)" from their own page, sees the
//! demo's finding in words, changes the outcome, a condition and the cut-off and sees the
//! result change, types a wrong cut-off and gets an error summary that links to the field.
//! axe-core (vendored in `leernet-testkit`) must report no WCAG 2.1 A/AA violation, in Dutch and
//! in English, with results and with errors. Whole-page screenshots at 1280 and 390 px wide
//! go to `<target>/debug/browser-artefacts/`; with `LEERNET_UPDATE_SCREENSHOTS=1` also to
//! `docs/screenshots/` (the README links them).
//!
//! Needs `chromium` and `chromedriver` (`LEERNET_CHROMIUM`, `LEERNET_CHROMEDRIVER`); without
//! them the test says so and passes, except under `CI`.

use crate::common::browser::*;
use std::process::Command;

const PASSWORD: &str = "browser-test-wachtwoord";
const RESEARCHER: &str = "onderzoeker@example.org";

/// `leernet` without `LEERNET_DATABASE_URL`, so that the demo's own database is used.
fn leernet() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.env_remove("LEERNET_DATABASE_URL");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_researcher_tries_configurations_of_working_methods() {
    let Some(browsers) = browsers() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    make_demo(leernet(), &demo);
    add_user(leernet(), &demo, RESEARCHER, "researcher", None, PASSWORD);
    let (c, base, _children) = start(leernet(), &demo, &browsers, tmp.path(), &[], None).await;
    let url = |p: &str| format!("{base}{p}");

    c.goto(&url("/login")).await.unwrap();
    fill_login(&c, RESEARCHER, PASSWORD).await;
    assert_eq!(here(&c).await, "/my");
    submit(&c, "a[href$='/analysis/qca']").await;
    assert_eq!(here(&c).await, "/analysis/qca");
    assert_eq!(text(&c, "h1").await, "Configuraties van werkwijzen (QCA)");
    // The study's settings at first: the demo's finding in words, a truth table, an XY plot.
    let main = text(&c, "main").await;
    assert!(
        main.contains("Netwerken waarin de deelnemers samen de agenda bepalen én een neutrale leerfacilitator het leren begeleidt, rapporteren vaker een goed leerklimaat (consistentie 0,83; dekking 0,65; 9 netwerken)."),
        "{main}"
    );
    css(&c, "#qca-result ~ section svg.chart").await;
    axe(&c, "the QCA page with results").await;
    doc_shot(&c, "qca", 1280, Height::WholePage, true).await;
    doc_shot(&c, "qca", 390, Height::WholePage, true).await;

    // Another outcome, without the facilitator, a stricter cut-off: the result follows.
    css(&c, "#outcome-PRACTICE").await.click().await.unwrap();
    css(&c, "#cond-NEUTRAL").await.click().await.unwrap();
    let cut = css(&c, "#incl_cut").await;
    cut.clear().await.unwrap();
    cut.send_keys("0,9").await.unwrap();
    submit(&c, "form.qca-form button[type=submit]").await;
    let now = c.current_url().await.unwrap();
    assert!(
        now.query().unwrap_or("").contains("outcome=PRACTICE"),
        "{now}"
    );
    let main = text(&c, "main").await;
    assert!(main.contains("Deelnemers gebruiken het besprokene in hun praktijk"));
    assert!(
        !main.contains("een neutrale leerfacilitator het leren begeleidt,"),
        "{main}"
    );
    assert_eq!(
        css(&c, "#incl_cut")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("0,9")
    );

    // A wrong cut-off: an error summary whose link leads to the field, and no result.
    let cut = css(&c, "#incl_cut").await;
    cut.clear().await.unwrap();
    cut.send_keys("1,5").await.unwrap();
    submit(&c, "form.qca-form button[type=submit]").await;
    let summary = text(&c, "#error-summary").await;
    assert!(
        summary.contains("Vul een getal tussen 0 en 1 in."),
        "{summary}"
    );
    css(&c, "#error-summary a[href='#incl_cut']").await;
    assert!(c
        .find_all(fantoccini::Locator::Css("#qca-result"))
        .await
        .unwrap()
        .is_empty());
    axe(&c, "the QCA page with an error").await;

    // English, fully.
    c.goto(&url("/analysis/qca?lang=en")).await.unwrap();
    let main = text(&c, "main").await;
    assert!(main.contains("Networks in which the participants set the agenda together and a neutral learning facilitator guides the learning more often report a good learning climate"), "{main}");
    axe(&c, "the QCA page in English").await;
    doc_shot(&c, "qca-en", 1280, Height::WholePage, false).await;
}
