//! API tokens made in a real browser (issue 22): headless Chromium against `leernet serve`
//! on the demo. A researcher opens "API-sleutels" from the menu, makes a read token, copies
//! it from the page and reads the study through the JSON API with it; after revoking it
//! (with the confirmation) the API refuses it. axe-core must report no WCAG 2.1 A/AA
//! violation on the page with a new token nor on the confirmation. Screenshots of the page
//! with a new token at 1280 and 390 px go to `<target>/debug/browser-artefacts/`; with
//! `LEERNET_UPDATE_SCREENSHOTS=1` also to `docs/screenshots/api-tokens-{1280,390}.png`
//! (the README links them).
//!
//! Needs `chromium` and `chromedriver`; without them the test says so and passes, except
//! under `CI`.

use crate::common::browser::*;
use std::io::{Read, Write};

const PASSWORD: &str = "browser-test-wachtwoord";
const EMAIL: &str = "sleutel.onderzoeker@example.org";

/// A GET of the JSON API with a bearer token: the status and the body.
fn api_get(origin: &str, path: &str, token: &str) -> (u16, String) {
    let addr = origin.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    let status = r
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        r.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_made_in_the_browser_reads_the_api_until_it_is_revoked() {
    let Some(browsers) = browsers() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    make_demo(leernet(), &demo);
    add_user(leernet(), &demo, EMAIL, "researcher", None, PASSWORD);
    let (c, base, _children) = start(leernet(), &demo, &browsers, tmp.path(), &[], None).await;
    let origin = base.split("/studies/").next().unwrap().to_owned();
    c.goto(&format!("{origin}/login")).await.unwrap();
    fill_login(&c, EMAIL, PASSWORD).await;

    // from the menu to the page
    submit(&c, "nav a[href='/tokens']").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/tokens");
    assert!(text(&c, "h1").await.contains("API-sleutels"));
    css(&c, "#token-name")
        .await
        .send_keys("Dashboard gemeente")
        .await
        .unwrap();
    let days = css(&c, "#days").await;
    days.clear().await.unwrap();
    days.send_keys("30").await.unwrap();
    css(&c, "#scope-read").await.click().await.unwrap();
    submit(&c, "form[action='/tokens'] button[type=submit]").await;
    let token = c
        .execute("return document.getElementById('new-token').value;", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert!(token.starts_with("lnt_"), "{token}");
    // the copy button works where the browser can copy (headless Chromium may refuse the
    // clipboard; then the field stays selectable)
    let copy_shown = c
        .execute(
            "return !document.getElementById('copy-token').hidden;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(copy_shown.as_bool(), Some(true), "a copy button");
    axe(&c, "the page with a new token").await;
    doc_shot(&c, "api-tokens", 1280, Height::Window(1100), true).await;
    doc_shot(&c, "api-tokens", 390, Height::Window(1100), true).await;

    // the token reads the study through the API
    let (status, body) = api_get(&origin, "/api/v1/studies", &token);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"role\":\"researcher\""), "{body}");

    // revoked after the question: the API refuses it
    c.goto(&format!("{origin}/tokens")).await.unwrap();
    assert!(
        text(&c, "table").await.contains("Dashboard gemeente"),
        "the list names the token"
    );
    submit(&c, "table a[href$='/revoke']").await;
    axe(&c, "the question before revoking").await;
    submit(&c, "form[action$='/revoke'] button[type=submit]").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/tokens");
    assert!(text(&c, "main")
        .await
        .contains("De sleutel is ingetrokken."));
    let (status, body) = api_get(&origin, "/api/v1/studies", &token);
    assert_eq!(status, 401, "{body}");
}
