//! A full agenda round and a session of a learning network's workspace in a real browser:
//! headless Chromium driven through chromedriver (WebDriver, with fantoccini) against
//! `leernet serve` on the demo project.
//!
//! The demo facilitator of Havenmond plans a session and opens an agenda round; two demo
//! members propose topics and spread their votes (one tries more votes than allowed and is
//! told so); the facilitator closes the round, scheduling the most voted topic into the
//! session, records who came and a short report, and sees the practice indicators. A member
//! brings in an anonymous slow question, which the facilitator sees without a name. axe-core
//! (vendored in `leernet-testkit`) must report no WCAG 2.1 A/AA violation on every workspace page.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`); the paths can
//! be set with `LEERNET_CHROMIUM` and `LEERNET_CHROMEDRIVER`. Without them the test says so
//! and passes, except under `CI`, where a missing browser is a failure. The shared helpers are
//! in `common/browser.rs`.

use crate::common;

use common::browser::*;
use fantoccini::{Client, Locator};

const PASSWORD: &str = "browser-werkplaats-wachtwoord";

/// Sets a password for a demo person (their role and network as in the demo).
fn account(demo: &std::path::Path, email: &str, role: &str, network: &str) {
    add_user(leernet(), demo, email, role, Some(network), PASSWORD);
}

/// Logs `email` in (after logging out whoever was).
async fn login(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill_login(c, email, PASSWORD).await;
    assert_eq!(here(c).await, "/my", "login of {email}");
}

/// Sets a form field's value the way a person would end up with it (date pickers and
/// number fields differ per browser locale, so the value is set directly).
async fn set(c: &Client, sel: &str, value: &str) {
    css(c, sel).await;
    c.execute(
        "document.querySelector(arguments[0]).value = arguments[1]; return true;",
        vec![sel.into(), value.into()],
    )
    .await
    .unwrap();
}

/// Ticks the checkbox whose label holds `label`, or picks `value` in the select whose label
/// holds it, inside `form`.
async fn pick(c: &Client, form: &str, label: &str, value: &str) {
    let done = c
        .execute(
            "var form = document.querySelector(arguments[0]);
             var label = arguments[1], value = arguments[2];
             var found = false;
             form.querySelectorAll('label').forEach(function (l) {
               if (found || l.textContent.indexOf(label) < 0) { return; }
               var f = document.getElementById(l.htmlFor);
               if (f.tagName === 'SELECT') { f.value = value; } else if (!f.checked) { f.click(); }
               found = true;
             });
             return found;",
            vec![form.into(), label.into(), value.into()],
        )
        .await
        .unwrap();
    assert_eq!(
        done.as_bool(),
        Some(true),
        "no field labelled {label:?} in {form}"
    );
}

/// Gives `dots` to the topic titled `topic` in the vote form.
async fn dots(c: &Client, topic: &str, n: &str) {
    let done = c
        .execute(
            "var found = false, topic = arguments[0], n = arguments[1];
             document.querySelectorAll('#topics tbody tr').forEach(function (r) {
               if (r.cells[0].textContent === topic) {
                 r.querySelector('input').value = n; found = true;
               }
             });
             return found;",
            vec![topic.into(), n.into()],
        )
        .await
        .unwrap();
    if done.as_bool() != Some(true) {
        let page = c.source().await.unwrap_or_default();
        panic!(
            "no topic {topic:?} on {:?}: {page}",
            c.current_url().await.map(|u| u.to_string())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_agenda_round_and_a_session_in_the_browser() {
    let Some(browsers) = browsers() else {
        return;
    };

    // The demo project; its Havenmond facilitator and two members may log in.
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    make_demo(leernet(), &demo);
    let net = "havenmond-wijkkracht";
    let fac = "sietske.dijkhuis@example.org";
    let anouk = "anouk.verhaar@example.org";
    let bram = "bram.kuipers@example.org";
    account(&demo, fac, "facilitator", net);
    account(&demo, anouk, "member", net);
    account(&demo, bram, "member", net);

    let (c, base, _children) = start(leernet(), &demo, &browsers, tmp.path(), &[], None).await;
    let url = |p: &str| format!("{base}{p}");

    // The facilitator finds the workspace through the menu and plans a session.
    login(&c, &base, fac).await;
    css(&c, "header nav a[href$='/ws']")
        .await
        .click()
        .await
        .unwrap();
    axe(&c, "the workspace's list of networks").await;
    css(&c, &format!("main a[href$='/ws/{net}']"))
        .await
        .click()
        .await
        .unwrap();
    assert!(text(&c, "#indicators").await.contains("Kengetallen"));
    axe(&c, "the sessions page with the indicators").await;
    set(&c, "#date", "2026-06-18").await;
    set(&c, "#place", "Buurthuis De Kade").await;
    set(&c, "#method", "intervision").await;
    set(&c, "#model", "incident").await;
    set(&c, "#agenda", "Opening").await;
    submit(&c, "#plan-form button[type=submit]").await;
    let session_path = here(&c).await;
    assert!(
        here(&c).await.starts_with(&format!("/ws/{net}/sessions/")),
        "{session_path}"
    );
    let session_id = session_path.rsplit('/').next().unwrap().to_owned();
    axe(&c, "a planned session").await;

    // … and opens an agenda round of two votes each.
    c.goto(&url(&format!("/ws/{net}/agenda"))).await.unwrap();
    set(&c, "#round-title", "Zomer 2026").await;
    set(&c, "#round-votes", "2").await;
    submit(&c, "#round-form button[type=submit]").await;
    assert!(text(&c, ".open-round h2").await.contains("Zomer 2026"));
    axe(&c, "the agenda with an open round (facilitator)").await;

    // A member proposes a topic and gives it both votes.
    login(&c, &base, anouk).await;
    c.goto(&url(&format!("/ws/{net}/agenda"))).await.unwrap();
    set(&c, "#topic-title", "Omgaan met agressie aan de deur").await;
    submit(&c, "#propose-form button[type=submit]").await;
    dots(&c, "Omgaan met agressie aan de deur", "2").await;
    submit(&c, "#vote-form button[type=submit]").await;
    assert_eq!(text(&c, "#votes-left").await, "Stemmen over: 0");
    axe(&c, "the agenda after voting (member)").await;

    // A second member proposes another topic and spreads their votes; more votes than allowed
    // are refused with a message.
    login(&c, &base, bram).await;
    c.goto(&url(&format!("/ws/{net}/agenda"))).await.unwrap();
    set(&c, "#topic-title", "Werken met tolken").await;
    submit(&c, "#propose-form button[type=submit]").await;
    // Each field allows 2, together 4: the server refuses what the browser cannot check.
    dots(&c, "Omgaan met agressie aan de deur", "2").await;
    dots(&c, "Werken met tolken", "2").await;
    submit(&c, "#vote-form button[type=submit]").await;
    assert!(text(&c, "#ws-error")
        .await
        .contains("U hebt 2 stemmen in deze ronde en probeerde er 4 te geven."));
    axe(&c, "the agenda with a refused vote").await;
    dots(&c, "Omgaan met agressie aan de deur", "1").await;
    dots(&c, "Werken met tolken", "1").await;
    submit(&c, "#vote-form button[type=submit]").await;
    assert_eq!(text(&c, "#votes-left").await, "Stemmen over: 0");
    // … and brings in a slow question anonymously.
    c.goto(&url(&format!("/ws/{net}/questions"))).await.unwrap();
    set(
        &c,
        "#q-text",
        "Hoe veilig moet ik me voelen om nog op huisbezoek te gaan?",
    )
    .await;
    css(&c, "#q-anonymous").await.click().await.unwrap();
    submit(&c, "#ask-form button[type=submit]").await;
    axe(&c, "the slow-question log (member)").await;
    c.goto(&url(&format!("/ws/{net}/stories"))).await.unwrap();
    axe(&c, "the stories page").await;

    // The facilitator closes the round, scheduling the most voted topic into the session.
    login(&c, &base, fac).await;
    c.goto(&url(&format!("/ws/{net}/agenda"))).await.unwrap();
    assert!(text(&c, "#close-form")
        .await
        .contains("Omgaan met agressie aan de deur (3 stemmen)"));
    pick(&c, "#close-form", "Omgaan met agressie", &session_id).await;
    submit(&c, "#close-form button[type=submit]").await;
    assert!(c
        .find_all(Locator::Css(".open-round"))
        .await
        .unwrap()
        .is_empty());
    let history = text(&c, ".closed-round").await;
    assert!(
        history.contains("Zomer 2026 — 2 leden stemden")
            && history.contains("Omgaan met agressie aan de deur"),
        "{history}"
    );
    axe(&c, "the agenda's history").await;

    // … records the session: the scheduled topic is on its agenda, two members came.
    c.goto(&url(&session_path)).await.unwrap();
    assert!(text(&c, "#session-facts")
        .await
        .contains("Omgaan met agressie aan de deur (van een lid)"));
    pick(&c, "#record-form", "Anouk Verhaar", "").await;
    pick(&c, "#record-form", "Bram Kuipers", "").await;
    set(
        &c,
        "#report-text",
        "Twee incidenten besproken; afspraken over samen op huisbezoek.",
    )
    .await;
    submit(&c, "#record-form button[type=submit]").await;
    assert_eq!(text(&c, "#attendance").await, "2");
    assert!(text(&c, "#report").await.contains("samen op huisbezoek"));
    axe(&c, "a recorded session (facilitator)").await;

    // The slow question is there without a name; the indicators count the new session.
    c.goto(&url(&format!("/ws/{net}/questions"))).await.unwrap();
    let log = text(&c, "#log ~ article").await;
    assert!(
        log.contains("Hoe veilig moet ik me voelen") && log.contains("Anoniem"),
        "{log}"
    );
    assert!(!log.contains("Bram"), "{log}");
    axe(&c, "the slow-question log (facilitator)").await;
    c.goto(&url(&format!("/ws/{net}"))).await.unwrap();
    assert!(text(&c, "#indicators + ul")
        .await
        .contains("4\nbijeenkomsten gehouden"));
    c.goto(&url("/ws/methods?lang=en")).await.unwrap();
    assert!(text(&c, "#method-moral_deliberation")
        .await
        .contains("Moral deliberation"));
    axe(&c, "the method library").await;
    c.close().await.unwrap();
}
