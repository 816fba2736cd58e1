//! Repeats in a real browser: headless Chromium through chromedriver (fantoccini) against
//! `leernet serve` on a small project with a questionnaire that has repeats.
//!
//! A researcher makes and opens a wave and invites a network; the respondent adds sessions
//! with "add another" (the focus moves to the new instance), sees a question inside an
//! instance appear by the script, removes an instance, answers a repeat whose count follows an
//! earlier answer, and submits. axe-core (vendored in `leernet-testkit`) must report no WCAG 2.1
//! A/AA violation on the repeat pages, the wave page with the send-by-e-mail button, and the
//! import and export pages. Screenshots go to `<target>/debug/browser-artefacts/`.
//!
//! The shared helpers are in `common/browser.rs`. Without `chromium` and `chromedriver` the
//! test says so and passes, except under `CI`.

use crate::common;

use common::browser::*;
use fantoccini::{Client, Locator};
use std::path::Path;

const PASSWORD: &str = "browser-test-wachtwoord";

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

async fn type_in(c: &Client, sel: &str, s: &str) {
    css(c, sel).await.send_keys(s).await.unwrap();
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
    let Some(browsers) = browsers() else {
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
    add_user(
        leernet(),
        &project,
        "onderzoeker@example.org",
        "researcher",
        None,
        PASSWORD,
    );

    let (c, base, children) = start(leernet(), &project, &browsers, tmp.path(), &[], None).await;
    let url = |p: &str| format!("{base}{p}");

    // The researcher: a wave of the questionnaire, opened, the network invited.
    c.goto(&url("/login")).await.unwrap();
    fill_login(&c, "onderzoeker@example.org", PASSWORD).await;
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
    fill_login(&c, "onderzoeker@example.org", PASSWORD).await;
    c.goto(&url("/responses/1")).await.unwrap();
    let shown = text(&c, "#main").await;
    for legend in ["Bijeenkomst 1", "Doel 1", "Doel 2"] {
        assert!(shown.contains(legend), "{shown}");
    }
    axe(&c, "the response viewer with repeat instances").await;

    c.close().await.unwrap();
    drop(children);
}
