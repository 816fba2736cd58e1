//! The web app on the demo project, driven in-process with `oneshot` requests: the pages,
//! the languages, the security headers, and that the browser shows the report's figures.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::process::Command;
use std::sync::Arc;
use tower::ServiceExt;

struct Page {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(app: &axum::Router, uri: &str, cookie: Option<&str>) -> Page {
    let mut req = Request::get(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Gives the demo person `email` a password with `leernet user add`, logs in through the
/// login form, and returns the cookie header of the session.
pub(crate) async fn login_as(app: &axum::Router, email: &str, project: &std::path::Path) -> String {
    use std::io::Write;
    let password = "een-lang-wachtwoord";
    let mut child = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args([
            "user",
            "add",
            "--email",
            email,
            "--role",
            "researcher",
            "--project",
        ])
        .arg(project)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let form = get(app, "/login", None).await;
    let csrf_cookie = form.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = form
        .body
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let body = format!(
        "email={}&password={password}&csrf_token={token}",
        email.replace('@', "%40")
    );
    let res = app
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::COOKIE, &csrf_cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login succeeds");
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("leernet_session="))
        .expect("a session cookie")
}

#[tokio::test]
async fn the_demo_in_the_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["demo", "--dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let url = format!("sqlite://{}/leernet.sqlite", dir.display());
    let store = leernet_store::Store::connect(&url).await.unwrap();
    let figures = leernet_analysis::analyse(
        &store.study_data().await.unwrap(),
        &leernet_analysis::Overview::builtin(),
    )
    .unwrap();
    let app = leernet_web::app(Arc::new(leernet_web::AppState::new(
        store,
        leernet_core::SystemClock::shared(),
    )));

    // The overview: Dutch by default, fictional, with the security headers.
    let home = get(&app, "/", None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<html lang=\"nl\">"));
    assert!(home.body.contains("Fictief"));
    assert!(home.body.contains("<strong>17</strong> lerende netwerken"));
    let csp = home.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(home.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(home.headers[header::REFERRER_POLICY], "same-origin");
    assert!(!home.body.contains("<script"), "no scripts at all");
    assert!(!home.body.contains("style=\""), "no inline styles (CSP)");

    // The same figures as the report: every row of every section table.
    for s in &figures.sections {
        for t in &s.tables {
            for r in &t.rows {
                let row = format!(
                    "<tr><td>{}</td><td class=\"num\">{}</td>",
                    r.label.nl.replace('\'', "&#x27;"),
                    r.count
                );
                assert!(home.body.contains(&row), "overview lacks {row}");
            }
        }
    }

    // English on request, remembered in a cookie that scripts cannot read.
    let en = get(&app, "/?lang=en", None).await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Fictional"));
    let cookie = en.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=en")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    let again = get(&app, "/networks", Some("lang=en")).await;
    assert!(again.body.contains("<html lang=\"en\">"));

    // The networks, and a page per network.
    let list = get(&app, "/networks", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body.matches("<a href=\"/networks/").count(), 17);
    // A network's page is not public: strangers log in first …
    let n = &figures.networks[0];
    let page = get(&app, &format!("/networks/{}", n.slug), None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    // … and a researcher sees it.
    let session = login_as(&app, "fenna.kloosterboer@example.org", &dir).await;
    let page = get(&app, &format!("/networks/{}", n.slug), Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&n.name));
    assert!(page.body.contains(&n.workplace_name));

    // The researcher's report preview is the report `leernet report` wrote, byte for byte,
    // with the section on the networks' practice.
    for (uri, file) in [
        ("/admin/report/index.html", "report/index.html"),
        ("/admin/report/index.html?lang=en", "report/en/index.html"),
        ("/admin/report/index.md", "report/index.md"),
        ("/admin/report/index.md?lang=en", "report/en/index.md"),
    ] {
        let page = get(&app, uri, Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        let written = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(page.body == written, "{uri} differs from {file}");
    }
    let en = std::fs::read_to_string(dir.join("report/en/index.html")).unwrap();
    assert!(
        en.contains("<h2>The networks&#x27; practice</h2>"),
        "the practice section"
    );

    // Unknown things: a translated 404 with the same headers.
    let missing = get(
        &app,
        "/networks/bestaat-niet",
        Some(&format!("lang=en; {session}")),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Not found"));
    assert!(missing
        .headers
        .contains_key(header::CONTENT_SECURITY_POLICY));
    assert_eq!(
        get(&app, "/nergens", None).await.status,
        StatusCode::NOT_FOUND
    );

    // Health and the stylesheet.
    let h = get(&app, "/healthz", None).await;
    assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, "ok\n"));
    let css = get(&app, "/static/style.css", None).await;
    assert!(css.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}
