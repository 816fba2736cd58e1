//! The typology's types in a real browser, and their names (issue 21, item 3): headless
//! Chromium driven through chromedriver (WebDriver, with fantoccini) against `leernet serve`
//! on the demo project, with `leernet typology` on the same project beside it.
//!
//! A researcher opens "Typen netwerken" from their own page, names a type there, and finds
//! the name on the page, in the study report and through `leernet typology list`; an empty
//! name gets an error summary that leads to the field; `leernet typology name --reset` gives
//! the type back its rules' name, and the audit log says a type was named. axe-core must
//! report no WCAG 2.1 A/AA violation, in Dutch and in English. Whole-page screenshots at
//! 1280 and 390 px go to `<target>/debug/browser-artefacts/`; with
//! `LEERNET_UPDATE_SCREENSHOTS=1` also to `docs/screenshots/` (the README links them).
//!
//! Needs `chromium` and `chromedriver` (`LEERNET_CHROMIUM`, `LEERNET_CHROMEDRIVER`); without
//! them the test says so and passes, except under `CI`.

use crate::common::browser::*;
use std::path::Path;
use std::process::Command;

const PASSWORD: &str = "browser-test-wachtwoord";
const RESEARCHER: &str = "onderzoeker@example.org";

/// `leernet` without `LEERNET_DATABASE_URL`, so that the demo's own database is used.
fn leernet() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"));
    c.env_remove("LEERNET_DATABASE_URL");
    c
}

/// `leernet typology ARGS --project demo`: its standard output, after it succeeded.
fn typology(demo: &Path, args: &[&str]) -> String {
    let o = leernet()
        .arg("typology")
        .args(args)
        .arg("--project")
        .arg(demo)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "typology {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_researcher_names_the_types_of_networks() {
    let Some(browsers) = browsers() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    make_demo(leernet(), &demo);
    add_user(leernet(), &demo, RESEARCHER, "researcher", None, PASSWORD);
    let (c, base, _children) = start(leernet(), &demo, &browsers, tmp.path(), &[], None).await;
    let url = |p: &str| format!("{base}{p}");

    // The types as the command line lists them before any naming.
    let listed = typology(&demo, &["list"]);
    assert!(listed.contains("types of 17 networks"), "{listed}");
    let first_line = listed.lines().nth(1).unwrap().to_owned();
    assert!(first_line.starts_with("1. "), "{listed}");

    c.goto(&url("/login")).await.unwrap();
    fill_login(&c, RESEARCHER, PASSWORD).await;
    assert_eq!(here(&c).await, "/my");
    submit(&c, "a[href$='/analysis/types']").await;
    assert_eq!(here(&c).await, "/analysis/types");
    assert_eq!(text(&c, "h1").await, "Typen netwerken");
    let main = text(&c, "main").await;
    assert!(
        main.contains("De typologie rust op 17 netwerken."),
        "{main}"
    );
    assert!(main.contains("Wat dit type onderscheidt"), "{main}");
    assert!(
        !main.contains("leernet_network/"),
        "no variable paths: {main}"
    );
    axe(&c, "the types page").await;

    // Name type 1 in the browser.
    let nl = css(&c, "#name-nl-1").await;
    nl.clear().await.unwrap();
    nl.send_keys("Samen op koers").await.unwrap();
    let en = css(&c, "#name-en-1").await;
    en.clear().await.unwrap();
    en.send_keys("On course together").await.unwrap();
    submit(&c, "#type-1 ~ form button[type=submit]:not([name])").await;
    assert_eq!(here(&c).await, "/analysis/types");
    assert_eq!(text(&c, "#type-1").await, "Samen op koers");
    let main = text(&c, "main").await;
    assert!(main.contains("Naam gegeven door de onderzoekers"), "{main}");
    // the pictures from the top of the page (the redirect lands on the type's heading)
    c.goto(&url("/analysis/types")).await.unwrap();
    doc_shot(&c, "types", 1280, Height::WholePage, true).await;
    doc_shot(&c, "types", 390, Height::WholePage, true).await;

    // The name stands in the report the app serves, and the command line lists it.
    c.goto(&url("/admin/report/index.html")).await.unwrap();
    assert!(text(&c, "main").await.contains("Samen op koers"));
    c.goto(&url("/admin/report/index.html?lang=en"))
        .await
        .unwrap();
    assert!(text(&c, "main").await.contains("On course together"));
    let listed = typology(&demo, &["list"]);
    assert!(
        listed.contains("1. On course together (") && listed.contains("in Dutch: Samen op koers"),
        "{listed}"
    );

    // An empty name: an error summary that leads to the field, and nothing changes.
    c.goto(&url("/analysis/types")).await.unwrap();
    css(&c, "#name-nl-2").await.clear().await.unwrap();
    submit(&c, "#type-2 ~ form button[type=submit]:not([name])").await;
    let summary = text(&c, "#error-summary").await;
    assert!(
        summary.contains("Geef het type een naam in het Nederlands."),
        "{summary}"
    );
    css(&c, "#error-summary a[href='#name-nl-2']").await;
    css(&c, "#name-nl-2[aria-invalid='true']").await;
    axe(&c, "the types page with an error").await;
    assert_eq!(text(&c, "#type-1").await, "Samen op koers");

    // English, fully.
    c.goto(&url("/analysis/types?lang=en")).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Types of networks");
    assert_eq!(text(&c, "#type-1").await, "On course together");
    axe(&c, "the types page in English").await;

    // The rules' name back from the command line; the page follows, and the audit log says
    // a type was named.
    let out = typology(&demo, &["name", "1", "--reset"]);
    assert!(
        out.contains("Type 1 has the name of the typology's rules again."),
        "{out}"
    );
    c.goto(&url("/analysis/types?lang=nl")).await.unwrap();
    assert_ne!(text(&c, "#type-1").await, "Samen op koers");
    assert!(text(&c, "main")
        .await
        .contains("Naam volgens de regels van de typologie"));
    c.goto(&url("/admin/audit")).await.unwrap();
    let audit = text(&c, "main").await;
    assert!(
        audit.contains("een type van de typologie benoemd"),
        "{audit}"
    );
    assert!(
        audit.contains("eigen naam: ja") && audit.contains("eigen naam: nee"),
        "{audit}"
    );

    // A name from the command line that is too long is refused, with exit code 1.
    let o = leernet()
        .args([
            "typology",
            "name",
            "1",
            "--nl",
            &"x".repeat(81),
            "--project",
        ])
        .arg(&demo)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at most 80 characters"));
    // and a type that does not exist
    let o = leernet()
        .args(["typology", "name", "99", "--nl", "Niemand", "--project"])
        .arg(&demo)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("there is no type 99"));
}
