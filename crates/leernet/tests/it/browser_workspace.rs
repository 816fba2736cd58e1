//! A full agenda round and a session of a learning network's workspace in a real browser:
//! headless Chromium driven through chromedriver (WebDriver, with fantoccini) against
//! `leernet serve` on the demo project.
//!
//! The demo facilitator of Havenmond finds the network's landing page (its next session with
//! a time and a place), plans a session with a start and end time and a place, sees the
//! method's steps as an outline and downloads its `.ics` (read back by Python's `icalendar`
//! when the conformance venv is there), and opens an agenda round; two demo members propose
//! topics and spread their votes (one types more votes than allowed: the script counts the
//! excess while typing, the server refuses naming the topic and keeps the dots); a member
//! makes a private calendar link on their settings page; the facilitator closes the round, scheduling the most voted topic into the
//! session, records who came and a short report, and sees the practice indicators. A member
//! brings in an anonymous slow question, which the facilitator sees without a name. The
//! facilitator marks two handles as taken up and reports on one, and responds to the
//! network's profile (a refusal keeps the choice); the researcher reads the uptake per handle
//! and every network's responses to its profile. axe-core
//! (vendored in `leernet-testkit`) must report no WCAG 2.1 A/AA violation on every workspace page.
//! Screenshots of the landing page, a planned session, a refused vote, the response to the
//! profile and the researcher's overview of the responses at 1280 and 390 px
//! go to the artefacts; with `LEERNET_UPDATE_SCREENSHOTS=1` also to
//! `docs/screenshots/networkspace-*.png` (the README links them).
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

/// The value in the vote form of the topic titled `topic`.
async fn dots_shown(c: &Client, topic: &str) -> String {
    let v = c
        .execute(
            "var v = null, topic = arguments[0];
             document.querySelectorAll('#topics tbody tr').forEach(function (r) {
               if (r.cells[0].textContent === topic) { v = r.querySelector('input').value; }
             });
             return v;",
            vec![topic.into()],
        )
        .await
        .unwrap();
    v.as_str()
        .unwrap_or_else(|| panic!("no topic {topic:?}"))
        .to_owned()
}

/// Downloads `path` in the browser (its cookies, same origin) and returns the text.
async fn download(c: &Client, path: &str) -> String {
    let v = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0], { credentials: 'same-origin' })
               .then(r => r.text().then(t => done(r.status + '\\n' + r.headers.get('content-type') + '\\n' + t)))
               .catch(e => done('error ' + e));",
            vec![path.into()],
        )
        .await
        .unwrap();
    v.as_str().unwrap().to_owned()
}

/// Gives `dots` to the topic titled `topic` in the vote form.
async fn dots(c: &Client, topic: &str, n: &str) {
    let done = c
        .execute(
            "var found = false, topic = arguments[0], n = arguments[1];
             document.querySelectorAll('#topics tbody tr').forEach(function (r) {
               if (r.cells[0].textContent === topic) {
                 var i = r.querySelector('input');
                 i.value = n; found = true;
                 i.dispatchEvent(new Event('input', { bubbles: true }));
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
    // The network's landing page: its next session (the demo plans one with a time and a
    // place), the open round, the latest questions and stories, its figures.
    assert_eq!(here(&c).await, format!("/ws/{net}"));
    let next = text(&c, "#next").await;
    assert!(
        next.contains("14 januari 2027, 19:30–21:30") && next.contains("Buurthuis De Kade"),
        "{next}"
    );
    assert!(text(&c, "#own-figures")
        .await
        .contains("bijeenkomsten gehouden"));
    axe(&c, "the network's landing page").await;
    doc_shots(&c, "networkspace-landing").await;
    c.goto(&url(&format!("/ws/{net}/sessions"))).await.unwrap();
    assert!(text(&c, "#indicators").await.contains("Kengetallen"));
    axe(&c, "the sessions page with the indicators").await;
    set(&c, "#date", "2026-06-18").await;
    set(&c, "#start", "19:30").await;
    set(&c, "#end", "21:30").await;
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
    assert!(text(&c, "#session-when")
        .await
        .contains("18 juni 2026, 19:30–21:30"));
    // The method card's steps as the facilitator's outline.
    assert!(
        c.find_all(Locator::Css("#outline ol.outline li"))
            .await
            .unwrap()
            .len()
            >= 3
    );
    axe(&c, "a planned session").await;
    doc_shots(&c, "networkspace-session").await;
    // Its calendar file: 19:30 in Amsterdam in June is 17:30 UTC; the reference parser
    // (Python's icalendar, in the conformance venv) reads it.
    let ics_href = css(&c, "#ics-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let ics = download(&c, &ics_href).await;
    assert!(
        ics.starts_with("200\ntext/calendar") && ics.contains("DTSTART:20260618T173000Z"),
        "{ics}"
    );
    let body = ics.splitn(3, '\n').nth(2).unwrap().to_owned();
    if let Some(py) = leernet_testkit::tools::python() {
        let file = tmp.path().join("session.ics");
        std::fs::write(&file, &body).unwrap();
        let o = std::process::Command::new(py)
            .arg("-c")
            .arg("import sys, icalendar\nc = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\nprint([e.decoded('DTSTART').isoformat() for e in c.walk('VEVENT')])")
            .arg(&file)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            "['2026-06-18T17:30:00+00:00']"
        );
    }

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
    // The script counts while one types …
    assert_eq!(text(&c, "#votes-left").await, "Stemmen te veel: 2");
    submit(&c, "#vote-form button[type=submit]").await;
    // … and the server refuses, naming the topic, with the dots kept as typed.
    let error = text(&c, "#ws-error").await;
    assert!(
        error.contains("U hebt 2 stemmen in deze ronde en probeerde er 4 te geven.")
            && error
                .contains("Bij ‘Werken met tolken’ kwam u boven uw stemmen uit: haal er 2 weg."),
        "{error}"
    );
    assert_eq!(dots_shown(&c, "Omgaan met agressie aan de deur").await, "2");
    assert_eq!(dots_shown(&c, "Werken met tolken").await, "2");
    axe(&c, "the agenda with a refused vote").await;
    doc_shots(&c, "networkspace-vote-refused").await;
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
    // The member's own settings (under "Mijn leernet"): a private calendar link.
    c.goto(&url("/my")).await.unwrap();
    css(&c, "main a[href$='/ws/settings']")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, "#feed-form button[type=submit]").await;
    assert!(text(&c, "#feed-link").await.contains("/ws/calendar/"));
    axe(&c, "the member's settings with a new calendar link").await;

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
    c.goto(&url(&format!("/ws/{net}/sessions"))).await.unwrap();
    assert!(text(&c, "#indicators + ul")
        .await
        .contains("4\nbijeenkomsten gehouden"));
    // Handles taken up: two marked from the handreiking, a report on one.
    c.goto(&url(&format!("/ws/{net}/handles"))).await.unwrap();
    for key in ["rationale-revisit", "org-evaluate"] {
        submit(&c, &format!("#handle-{key} form button[type=submit]")).await;
        assert!(text(&c, &format!("#handle-{key}"))
            .await
            .contains("We werken hieraan"));
    }
    set(
        &c,
        "#what-org-evaluate",
        "Na elke bijeenkomst vijf minuten: wat werkte, wat niet?",
    )
    .await;
    set(&c, "#when-org-evaluate", "2026-06-25").await;
    css(&c, "#helped-org-evaluate-3")
        .await
        .click()
        .await
        .unwrap();
    set(
        &c,
        "#why-org-evaluate",
        "We passen de volgende agenda er nu op aan.",
    )
    .await;
    submit(&c, "#report-org-evaluate button[type=submit]").await;
    assert_eq!(
        c.execute(
            "return document.getElementById('helped-org-evaluate-3').checked;",
            vec![]
        )
        .await
        .unwrap()
        .as_bool(),
        Some(true)
    );
    axe(&c, "the handles the network works on").await;
    c.goto(&url(&format!("/ws/{net}"))).await.unwrap();
    let working = text(&c, "#working-on").await;
    assert!(
        working.contains("Evalueer uw werkwijze één keer per jaar"),
        "{working}"
    );
    axe(&c, "the landing page with handles worked on").await;
    c.goto(&url("/ws/methods?lang=en")).await.unwrap();
    assert!(text(&c, "#method-moral_deliberation")
        .await
        .contains("Moral deliberation"));
    axe(&c, "the method library").await;
    // A response to the profile (member checking): the facilitator's earlier "herkenbaar"
    // (the demo's) is in the form; "niet herkenbaar" without a reason is refused with the
    // choice kept; "deels herkenbaar" with a sentence replaces it. (Back to Dutch after the
    // method library in English.)
    c.goto(&url(&format!("/ws/{net}?lang=nl"))).await.unwrap();
    css(
        &c,
        &format!(".ws-nav a[href$='/ws/{net}/profile-response']"),
    )
    .await
    .click()
    .await
    .unwrap();
    assert_eq!(here(&c).await, format!("/ws/{net}/profile-response"));
    let checked = |id: &'static str| {
        let c = c.clone();
        async move {
            c.execute(
                "return document.getElementById(arguments[0]).checked;",
                vec![id.into()],
            )
            .await
            .unwrap()
            .as_bool()
        }
    };
    assert_eq!(checked("verdict-yes").await, Some(true));
    axe(&c, "the response to the profile").await;
    css(&c, "#verdict-no").await.click().await.unwrap();
    set(&c, "#reason", " ").await;
    submit(&c, "#yours button[type=submit]").await;
    let refused = text(&c, "#ws-error").await;
    assert!(refused.contains("De toelichting is leeg"), "{refused}");
    assert_eq!(checked("verdict-no").await, Some(true));
    axe(&c, "a refused response to the profile").await;
    css(&c, "#verdict-partly").await.click().await.unwrap();
    set(
        &c,
        "#reason",
        "Deels herkenbaar, omdat de stuurgroep nog vaker beslist dan het profiel zegt.",
    )
    .await;
    submit(&c, "#yours button[type=submit]").await;
    assert_eq!(checked("verdict-partly").await, Some(true));
    let responses = text(&c, "#responses").await;
    assert!(
        responses.contains("de stuurgroep nog vaker beslist")
            && !responses.contains("Het profiel laat goed zien"),
        "{responses}"
    );
    axe(&c, "the response to the profile, saved").await;
    doc_shots(&c, "networkspace-profile-response").await;
    // The researcher sees the uptake per handle across networks.
    add_user(
        leernet(),
        &demo,
        "onderzoeker.ws@example.org",
        "researcher",
        None,
        PASSWORD,
    );
    login(&c, &base, "onderzoeker.ws@example.org").await;
    c.goto(&url("/admin/uptake")).await.unwrap();
    let table = text(&c, "#uptake").await;
    assert!(
        table.contains("Evalueer uw werkwijze één keer per jaar") && table.contains("Havenmond"),
        "{table}"
    );
    axe(&c, "the researcher's uptake per handle").await;
    // ... and how the networks recognise their profiles.
    c.goto(&url("/admin/member-check")).await.unwrap();
    let table = text(&c, "#member-check").await;
    assert!(
        table.contains("Lerend netwerk Wijkkracht Havenmond") && table.contains("Rietmond"),
        "{table}"
    );
    assert!(text(&c, "main")
        .await
        .contains("de stuurgroep nog vaker beslist"));
    axe(
        &c,
        "the researcher's overview of the responses to the profiles",
    )
    .await;
    doc_shots(&c, "networkspace-member-check").await;
    c.close().await.unwrap();
}
