//! Questionnaires in a real browser (issue 18, item 2): headless Chromium against `leernet
//! serve` on a project fresh from `leernet init`, with one researcher, a Werkplaats and a
//! network. The researcher uploads a questionnaire with mistakes and reads the check's
//! findings in the page (sheet, row, column, message); uploads the corrected one; previews
//! it page by page, switches to English on the second page (the answers stay) and goes
//! back; makes a test link and answers it for real; the test answer counts nowhere and is
//! wiped with one button. axe-core must report no WCAG 2.1 A/AA violation on the findings,
//! the questionnaire's page, the preview (both languages) and the test link's survey.
//! Screenshots of the findings, the questionnaire's page and the preview at 1280 and
//! 390 px go to `<target>/debug/browser-artefacts/`; with `LEERNET_UPDATE_SCREENSHOTS=1`
//! also to `docs/screenshots/instruments-*.png` (the README links them).
//!
//! Needs `chromium` and `chromedriver`; without them the test says so and passes, except
//! under `CI`.

use crate::common::browser::*;
use fantoccini::Client;
use std::path::Path;

const PASSWORD: &str = "browser-test-wachtwoord";
const EMAIL: &str = "vragen.onderzoeker@example.org";

fn run(project: &Path, args: &[&str]) {
    let o = leernet()
        .args(args)
        .arg("--project")
        .arg(project)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "leernet {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A small bilingual questionnaire of two pages; with `broken`, two mistakes the check
/// names (a choice list that does not exist, a reference to a question that does not).
fn form(broken: bool) -> Vec<u8> {
    let list = if broken {
        "select_one bestaat_niet"
    } else {
        "select_one rol"
    };
    let relevant = if broken {
        "${nergens} > 3"
    } else {
        "${aantal} > 3"
    };
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::Nederlands (nl)",
            "label::English (en)",
            "required",
            "relevant",
        ],
        &["begin_group", "over", "Over u", "About you", "", ""],
        &["text", "naam", "Uw naam", "Your name", "yes", ""],
        &[list, "rol", "Uw rol", "Your role", "yes", ""],
        &["end_group", "", "", "", "", ""],
        &["begin_group", "werk", "Uw werk", "Your work", "", ""],
        &[
            "integer",
            "aantal",
            "Aantal bijeenkomsten dit jaar",
            "Meetings this year",
            "yes",
            "",
        ],
        &[
            "text",
            "toelichting",
            "Wat maakte dat mogelijk?",
            "What made that possible?",
            "",
            relevant,
        ],
        &["end_group", "", "", "", "", ""],
    ];
    let choices: &[&[&str]] = &[
        &[
            "list_name",
            "name",
            "label::Nederlands (nl)",
            "label::English (en)",
        ],
        &["rol", "lid", "Lid", "Member"],
        &[
            "rol",
            "begeleider",
            "Leerfacilitator",
            "Learning facilitator",
        ],
    ];
    let settings: &[&[&str]] = &[
        &[
            "form_id",
            "version",
            "form_title::Nederlands (nl)",
            "form_title::English (en)",
            "default_language",
        ],
        &[
            "startvragen",
            if broken { "1" } else { "2" },
            "Startvragenlijst",
            "Starting questionnaire",
            "Nederlands (nl)",
        ],
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

async fn type_into(c: &Client, sel: &str, value: &str) {
    let e = css(c, sel).await;
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

async fn upload(c: &Client, file: &Path) {
    css(c, "#file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    submit(c, "#upload-button").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_questionnaire_is_checked_previewed_and_tested_in_the_browser() {
    let Some(browsers) = browsers() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("studie");
    let o = leernet()
        .args(["init", project.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    add_user(leernet(), &project, EMAIL, "researcher", None, PASSWORD);
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
            "Lerend netwerk Wijk A",
            "--workplace",
            "noord",
        ],
    );
    let broken = tmp.path().join("startvragen-fout.xlsx");
    std::fs::write(&broken, form(true)).unwrap();
    let good = tmp.path().join("startvragen.xlsx");
    std::fs::write(&good, form(false)).unwrap();
    let (c, served, _children) = start(leernet(), &project, &browsers, tmp.path(), &[], None).await;
    let origin = served.split("/studies/").next().unwrap().to_owned();
    c.goto(&format!("{origin}/login")).await.unwrap();
    fill_login(&c, EMAIL, PASSWORD).await;
    let url = c.current_url().await.unwrap();
    let base = format!(
        "{origin}{}",
        url.path()
            .strip_suffix("/my")
            .expect("the login leads to /my")
    );

    // The form with mistakes: the check's findings in the page, nothing stored.
    c.goto(&format!("{base}/admin/instruments?lang=nl"))
        .await
        .unwrap();
    upload(&c, &broken).await;
    let problems = text(&c, "#problems").await;
    assert!(problems.contains("survey"), "{problems}");
    assert!(problems.contains("bestaat_niet"), "{problems}");
    assert!(problems.contains("nergens"), "{problems}");
    assert!(text(&c, "#check-result").await.contains("niet opgeslagen"));
    axe(&c, "the upload's findings").await;
    doc_shots(&c, "instruments-findings").await;

    // The corrected form: stored, and one click to its page.
    upload(&c, &good).await;
    assert!(text(&c, "#check-result").await.contains("opgeslagen"));
    submit(&c, "#open-instrument").await;
    assert!(text(&c, "h1").await.contains("Startvragenlijst"));
    axe(&c, "the questionnaire's page").await;
    let page = c.current_url().await.unwrap().to_string();

    // The preview, page by page, in Dutch then English; the answers travel with it.
    submit(&c, "#preview-nl").await;
    assert!(text(&c, "#preview-note")
        .await
        .contains("Er wordt niets opgeslagen"));
    assert!(text(&c, "main").await.contains("Pagina 1 van 2"));
    axe(&c, "the preview's first page").await;
    doc_shots(&c, "instruments-preview").await;
    submit(&c, "#next").await;
    assert!(
        text(&c, ".error-summary").await.contains("Uw naam"),
        "required, as for a respondent"
    );
    type_into(&c, "#q-naam", "Anna").await;
    css(&c, "input[name='q.rol'][value='lid']")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, "#next").await;
    assert!(text(&c, "main").await.contains("Pagina 2 van 2"));
    submit(&c, "nav button[value='lang']").await;
    assert!(text(&c, "main").await.contains("Page 2 of 2"));
    assert!(text(&c, "#preview-note")
        .await
        .contains("Nothing is stored"));
    axe(&c, "the preview in English").await;
    submit(&c, "#prev").await;
    assert!(text(&c, "main").await.contains("Page 1 of 2"));
    let kept = css(&c, "#q-naam").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Anna"), "the answer came back");
    submit(&c, "#preview-note a").await;
    assert_eq!(c.current_url().await.unwrap().to_string(), page);

    // A test link, answered for real.
    c.goto(&format!("{page}?lang=nl")).await.unwrap();
    submit(&c, "#make-test-link").await;
    assert!(text(&c, "#instrument-notice")
        .await
        .contains("De testlink is gemaakt"));
    axe(&c, "the questionnaire's page with a test link").await;
    doc_shots(&c, "instruments-page").await;
    let link = css(&c, "a.test-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(link.contains("/s/"), "{link}");
    c.goto(&link).await.unwrap();
    assert!(text(&c, "main").await.contains("Pagina 1 van 2"));
    axe(&c, "the test link's survey").await;
    type_into(&c, "#q-naam", "Collega Bram").await;
    css(&c, "input[name='q.rol'][value='begeleider']")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, "#next").await;
    type_into(&c, "#q-aantal", "2").await;
    submit(&c, "#submit").await;
    assert!(text(&c, "#survey-message")
        .await
        .contains("Uw antwoorden zijn verstuurd"));

    // It counts nowhere: no wave, no answers on the waves page; the page counts it.
    c.goto(&format!("{base}/admin/waves")).await.unwrap();
    let waves = text(&c, "main").await;
    assert!(!waves.contains("(test)"), "{waves}");
    c.goto(&page).await.unwrap();
    assert!(text(&c, "#test-counts")
        .await
        .contains("waarvan verstuurd: 1"));

    // Wiped with one button.
    submit(&c, "#wipe-test-answers").await;
    assert!(text(&c, "#instrument-notice")
        .await
        .contains("1 testantwoord gewist."));
    assert!(text(&c, "#test-counts").await.contains("begonnen: 0"));
}
