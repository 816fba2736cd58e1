//! A whole study from the browser, without the command line (issue 18's done-when): headless
//! Chromium against `leernet serve` on a project fresh from `leernet init`, with one researcher
//! made by `leernet user add` and an SMTP sink of `leernet_testkit` as the mail server. On
//! SQLite, and on PostgreSQL when `LEERNET_TEST_DATABASE_URL` names one.
//!
//! The researcher makes a Werkplaats and a network; invites a facilitator and a member (their
//! password links go by mail); uploads the shipped network questionnaire, previews it, and
//! answers it through a test link — and the study's overview does not move; makes a wave of
//! it, invites the network (the link goes to its facilitator, by mail), sends the reminder,
//! and closes the wave
//! after its confirmation. In between, the facilitator answers through the mailed link, where
//! the network and its Werkplaats are filled in from the invitation and not asked. axe-core
//! (WCAG 2.1 A/AA) runs on every page on the way.
//!
//! Needs `chromium` and `chromedriver`; without them the test says so and passes, except
//! under `CI`.

use crate::common::browser::*;
use fantoccini::Client;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::Backend;
use leernet_testkit::smtp::{Refuse, SmtpSink};
use std::path::Path;
use std::process::Command;

const PASSWORD: &str = "browser-test-wachtwoord";
const EMAIL: &str = "studie.onderzoeker@example.org";
/// The address the app is told it is reached at; links in mails use it.
const PUBLIC: &str = "https://leernet.example";

async fn type_into(c: &Client, sel: &str, value: &str) {
    let e = css(c, sel).await;
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

/// Answers every visible question of the survey page the way a respondent would (the first
/// choice, a number in range, a sentence), without touching what the page filled in.
async fn answer_page(c: &Client) {
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

/// Answers a survey from its first page to the thanks page.
async fn answer_to_the_end(c: &Client) {
    for _ in 0..40 {
        answer_page(c).await;
        let last = c
            .execute("return !!document.getElementById('submit')", vec![])
            .await
            .unwrap();
        if last == serde_json::json!(true) {
            submit(c, "#submit").await;
        } else {
            submit(c, "#next").await;
        }
        if c.execute("return !!document.getElementById('survey-message')", vec![])
            .await
            .unwrap()
            == serde_json::json!(true)
        {
            return;
        }
    }
    panic!("the survey did not end: {}", text(c, "main").await);
}

/// `leernet` with the study's database (PostgreSQL) when one is given.
fn leernet_on(url: Option<&str>) -> Command {
    let mut cmd = leernet();
    match url {
        Some(u) => cmd.env("LEERNET_DATABASE_URL", u),
        None => cmd.env_remove("LEERNET_DATABASE_URL"),
    };
    cmd
}

/// The path and query of a link that names the public address.
fn local(link: &str) -> &str {
    link.strip_prefix(PUBLIC).unwrap_or(link)
}

/// The first link in `mail` that starts with `prefix` (the mail may be quoted-printable).
fn link_in(mail: &str, prefix: &str) -> String {
    let flat = mail
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let at = flat
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in: {flat}"));
    flat[at..]
        .split(|ch: char| ch.is_whitespace() || ch == '"' || ch == '<' || ch == '>')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_study_from_init_to_a_closed_wave_without_the_command_line() {
    let Some(browsers) = browsers() else {
        return;
    };
    for backend in test_backends() {
        let db = match backend {
            Backend::Postgres => Some(TestDb::new(Backend::Postgres).await),
            Backend::Sqlite => None,
        };
        one_study(&browsers, db.as_ref().map(|d| d.url.as_str())).await;
        if let Some(db) = db {
            db.drop_database().await;
        }
    }
}

async fn one_study(browsers: &Browsers, db: Option<&str>) {
    let on = if db.is_some() { "PostgreSQL" } else { "SQLite" };
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("studie");
    // `leernet init` and one researcher: the only commands.
    let o = leernet_on(None)
        .args(["init", project.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sink = SmtpSink::start(Refuse::Nobody).await;
    let toml = project.join("leernet.toml");
    let mut settings = std::fs::read_to_string(&toml).unwrap();
    settings.push_str(&format!(
        "\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nfrom = \"Onderzoek <onderzoek@example.org>\"\n",
        sink.port
    ));
    std::fs::write(&toml, settings).unwrap();
    add_user(
        leernet_on(db),
        &project,
        EMAIL,
        "researcher",
        None,
        PASSWORD,
    );
    let mut serve = leernet_on(db);
    serve.env("LEERNET_PUBLIC_URL", PUBLIC);
    let (c, served, children) = start(serve, &project, browsers, tmp.path(), &[], None).await;
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
    axe(&c, "the researcher's home of a new study").await;

    // A Werkplaats and a network.
    c.goto(&format!("{base}/admin/structure")).await.unwrap();
    type_into(&c, "#name", "Werkplaats Noord").await;
    type_into(&c, "#slug", "noord").await;
    type_into(&c, "#region", "Groningen").await;
    submit(&c, "#add-workplace").await;
    type_into(&c, "#network-name", "Lerend netwerk Wijk A").await;
    type_into(&c, "#network-slug", "wijk-a").await;
    css(&c, "#workplace option[value='noord']")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, "#add-network").await;
    assert!(
        text(&c, "main").await.contains("Lerend netwerk Wijk A"),
        "{on}"
    );
    axe(&c, "the structure page with a network").await;

    // A facilitator and a member of the network; their password links go by mail.
    for (email, name, role) in [
        ("fenna@example.org", "Fenna Kloosterboer", "facilitator"),
        ("milan@example.org", "Milan de Vries", "member"),
    ] {
        c.goto(&format!("{base}/admin/people")).await.unwrap();
        type_into(&c, "#email", email).await;
        type_into(&c, "#name", name).await;
        css(&c, &format!("#role-{role}"))
            .await
            .click()
            .await
            .unwrap();
        css(&c, "#network-wijk-a").await.click().await.unwrap();
        submit(&c, "#invite-person").await;
        assert!(text(&c, "main").await.contains(name), "{on}: {name}");
    }
    axe(&c, "the people list with a facilitator and a member").await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 2, "{on}: one password mail each");
    for (m, to) in mails.iter().zip(["fenna@example.org", "milan@example.org"]) {
        assert!(m.to.iter().any(|t| t.contains(to)), "{on}: {:?}", m.to);
        let link = link_in(&m.data, &format!("{PUBLIC}/login/password/"));
        assert!(link.len() > PUBLIC.len() + 20, "{link}");
    }

    // The shipped network questionnaire: uploaded, checked, previewed.
    c.goto(&format!("{base}/admin/instruments?lang=nl"))
        .await
        .unwrap();
    let xlsx = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../instruments/network.xlsx")
        .canonicalize()
        .unwrap();
    css(&c, "#file")
        .await
        .send_keys(xlsx.to_str().unwrap())
        .await
        .unwrap();
    submit(&c, "#upload-button").await;
    assert!(
        text(&c, "#check-result").await.contains("opgeslagen"),
        "{on}"
    );
    submit(&c, "#open-instrument").await;
    assert!(text(&c, "h1")
        .await
        .contains("vragenlijst voor het netwerk"));
    axe(&c, "the network questionnaire's page").await;
    let instrument = c.current_url().await.unwrap().to_string();
    submit(&c, "#preview-nl").await;
    assert!(text(&c, "#preview-note")
        .await
        .contains("Er wordt niets opgeslagen"));
    axe(&c, "the preview of the network questionnaire").await;

    // A test link, answered to the end: the study's overview does not move.
    c.goto(&format!("{base}/")).await.unwrap();
    let overview_before = text(&c, "main").await;
    assert!(
        overview_before.contains("0\nnetwerkvragenlijsten ingevuld"),
        "{overview_before}"
    );
    c.goto(&format!("{instrument}?lang=nl")).await.unwrap();
    submit(&c, "#make-test-link").await;
    let test_link = css(&c, "a.test-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    c.goto(&format!("{origin}{}", local(&test_link)))
        .await
        .unwrap();
    axe(&c, "the test link's first page").await;
    answer_to_the_end(&c).await;
    assert!(text(&c, "#survey-message")
        .await
        .contains("Uw antwoorden zijn verstuurd"));
    c.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(
        text(&c, "main").await,
        overview_before,
        "{on}: a test answer moves no figure"
    );
    c.goto(&instrument).await.unwrap();
    assert!(text(&c, "#test-counts")
        .await
        .contains("waarvan verstuurd: 1"));

    // A wave of it: the network's facilitator invited by mail.
    c.goto(&format!("{base}/admin/waves")).await.unwrap();
    type_into(&c, "#wave-name", "Meting 2027").await;
    submit(&c, "#new-wave ~ form button[type=submit]").await;
    let wave = c.current_url().await.unwrap().to_string();
    submit(&c, "#open-wave").await;
    assert!(text(&c, "#wave-status").await.contains("open"), "{on}");
    css(&c, "#all-networks").await.click().await.unwrap();
    css(&c, "#mode-network").await.click().await.unwrap();
    submit(&c, "#make-invitations").await;
    submit(&c, "#send-invitations").await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 3, "{on}: the invitation");
    assert!(mails[2].to.iter().any(|t| t.contains("fenna@example.org")));
    let survey = link_in(&mails[2].data, &format!("{PUBLIC}/s/"));
    axe(&c, "the wave with its invitation sent").await;

    // The reminder, confirmed, before anyone answered.
    css(&c, "#confirm-remind").await.click().await.unwrap();
    submit(&c, "#send-reminders").await;
    assert!(text(&c, "#wave-notice")
        .await
        .contains("Herinneringen verstuurd: 1."));
    assert_eq!(sink.mails().len(), 4, "{on}: the reminder");

    // The facilitator answers: the network and its Werkplaats are known, not asked.
    submit(&c, "form[action='/logout'] button").await;
    c.goto(&format!("{origin}{}", local(&survey)))
        .await
        .unwrap();
    let first = text(&c, "main").await;
    assert!(first.contains("Lerend netwerk Wijk A"), "{on}: {first}");
    assert!(first.contains("Werkplaats Noord"), "{on}: {first}");
    let asked = "return document.querySelectorAll('[name=\"q.network_name\"], [name=\"q.werkplaats_name\"]').length";
    assert_eq!(c.execute(asked, vec![]).await.unwrap(), 0, "{on}");
    axe(&c, "the facilitator's first page").await;
    answer_to_the_end(&c).await;

    // Back as the researcher: one response, then the wave is closed after its confirmation.
    c.goto(&format!("{origin}/login")).await.unwrap();
    fill_login(&c, EMAIL, PASSWORD).await;
    c.goto(&wave).await.unwrap();
    assert_eq!(text(&c, "#total-submitted").await.trim(), "1", "{on}");
    css(&c, "#confirm-close").await.click().await.unwrap();
    submit(&c, "#close-wave").await;
    assert!(text(&c, "#wave-status").await.contains("gesloten"), "{on}");
    axe(&c, "the closed wave").await;
    c.goto(&format!("{base}/my")).await.unwrap();
    assert!(text(&c, "main")
        .await
        .contains("Er is nu geen open meting."));
    c.close().await.unwrap();
    drop(children);
    eprintln!("a whole study in the browser on {on}: done");
}
