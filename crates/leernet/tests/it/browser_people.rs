//! People and structure in a real browser (issue 18, item 1): headless Chromium against
//! `leernet serve` on a project fresh from `leernet init` with one researcher made by `leernet
//! user add`. The researcher makes a Werkplaats and a network, edits the network, invites a
//! facilitator (first with a mistake: the form keeps what was typed), and — with no mail
//! server — passes on the link shown; the facilitator sets a password through it and logs
//! in; "wachtwoord vergeten" answers. axe-core must report no WCAG 2.1 A/AA violation on the
//! people list, the invitation form with an error, the network's edit page, the structure
//! page, the password page and the reset page. Screenshots at 1280 and 390 px go to
//! `<target>/debug/browser-artefacts/`; with `LEERNET_UPDATE_SCREENSHOTS=1` also to
//! `docs/screenshots/people-*.png` (the README links them).
//!
//! Needs `chromium` and `chromedriver`; without them the test says so and passes, except
//! under `CI`.

use crate::common::browser::*;
use fantoccini::Client;

const PASSWORD: &str = "browser-test-wachtwoord";
const EMAIL: &str = "mensen.onderzoeker@example.org";
const FACILITATOR_PASSWORD: &str = "een wachtwoord van de facilitator";

async fn type_into(c: &Client, sel: &str, value: &str) {
    let e = css(c, sel).await;
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_researcher_sets_up_people_and_networks_in_the_browser() {
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
    let (c, served, _children) = start(leernet(), &project, &browsers, tmp.path(), &[], None).await;
    let origin = served.split("/studies/").next().unwrap().to_owned();
    c.goto(&format!("{origin}/login")).await.unwrap();
    fill_login(&c, EMAIL, PASSWORD).await;
    // the study's own pages
    let url = c.current_url().await.unwrap();
    let base = format!(
        "{origin}{}",
        url.path()
            .strip_suffix("/my")
            .expect("the login leads to /my")
    );

    // Werkplaatsen and networks
    submit(&c, "nav a[href$='/admin/people']").await;
    c.goto(&format!("{base}/admin/structure")).await.unwrap();
    type_into(&c, "#name", "Werkplaats Noord").await;
    type_into(&c, "#slug", "noord").await;
    type_into(&c, "#region", "Groningen").await;
    submit(&c, "#add-workplace").await;
    assert!(text(&c, "main").await.contains("Toegevoegd."));
    type_into(&c, "#network-name", "Lerend netwerk Wijk A").await;
    type_into(&c, "#network-slug", "wijk-a").await;
    css(&c, "#workplace option[value='noord']")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, "#add-network").await;
    // a duplicate slug says so, and keeps what was typed
    type_into(&c, "#network-name", "Nog een Wijk A").await;
    type_into(&c, "#network-slug", "wijk-a").await;
    css(&c, "#workplace option[value='noord']")
        .await
        .click()
        .await
        .unwrap();
    submit(&c, "#add-network").await;
    assert!(text(&c, ".error-summary").await.contains("al in gebruik"));
    axe(&c, "the structure page with an error").await;
    c.goto(&format!("{base}/admin/structure")).await.unwrap();
    axe(&c, "the structure page").await;
    doc_shots(&c, "people-structure").await;
    submit(&c, "a[href$='/admin/structure/networks/wijk-a']").await;
    type_into(&c, "#network-name", "Lerend netwerk Wijk A-Noord").await;
    submit(&c, "#save").await;
    assert!(text(&c, "main").await.contains("opgeslagen"));
    axe(&c, "the network's edit page").await;
    doc_shots(&c, "people-network-edit").await;

    // inviting: first with a mistake
    c.goto(&format!("{base}/admin/people")).await.unwrap();
    type_into(&c, "#email", "fenna.example.org").await;
    type_into(&c, "#name", "Fenna Kloosterboer").await;
    css(&c, "#role-facilitator").await.click().await.unwrap();
    submit(&c, "#invite-person").await;
    let summary = text(&c, ".error-summary").await;
    assert!(summary.contains("geldig e-mailadres"), "{summary}");
    assert!(summary.contains("minstens één netwerk"), "{summary}");
    let kept = css(&c, "#name").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Fenna Kloosterboer"));
    axe(&c, "the invitation form with an error").await;
    doc_shots(&c, "people-invite-error").await;
    type_into(&c, "#email", "fenna@example.org").await;
    css(&c, "#network-wijk-a").await.click().await.unwrap();
    submit(&c, "#invite-person").await;
    let link = css(&c, "#password-link")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(
        link.starts_with(&format!("{origin}/login/password/")),
        "absolute: {link}"
    );
    axe(&c, "the people list with a link to pass on").await;
    doc_shots(&c, "people-list").await;

    // the facilitator, in the same browser after the researcher logged out
    submit(&c, "form[action='/logout'] button").await;
    c.goto(&link).await.unwrap();
    axe(&c, "the password page").await;
    doc_shots(&c, "people-password").await;
    type_into(&c, "#password", FACILITATOR_PASSWORD).await;
    type_into(&c, "#repeat", FACILITATOR_PASSWORD).await;
    submit(&c, "#save-password").await;
    assert!(text(&c, "main")
        .await
        .contains("Uw wachtwoord is ingesteld"));
    fill_login(&c, "fenna@example.org", FACILITATOR_PASSWORD).await;
    assert!(here(&c).await.ends_with("/my"), "{}", here(&c).await);
    submit(&c, "form[action='/logout'] button").await;
    // the link a second time
    c.goto(&link).await.unwrap();
    assert!(text(&c, "h1").await.contains("al gebruikt"));

    // wachtwoord vergeten
    c.goto(&format!("{origin}/login")).await.unwrap();
    submit(&c, "a[href='/login/forgot']").await;
    axe(&c, "the reset page").await;
    doc_shots(&c, "people-reset").await;
    type_into(&c, "#email", "fenna@example.org").await;
    submit(&c, "#send-reset").await;
    assert!(text(&c, "main")
        .await
        .contains("Als er een account bij dit e-mailadres hoort"));
    axe(&c, "the reset page once sent").await;
}
