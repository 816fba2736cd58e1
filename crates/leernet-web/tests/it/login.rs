//! Logging in under attack, on every back end: where the login may send a browser back to
//! (no open redirect, never a 500), which double-submit CSRF cookies count (only the shape
//! leernet issues), and the login throttle (atomic under a parallel burst; by account and
//! address, so a stranger elsewhere cannot lock the owner out).

use crate::common;

use axum::http::{header, StatusCode};
use common::{fill, world, Client, World};
use leernet_testkit::on_every_backend;
use std::net::{IpAddr, SocketAddr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_every_backend!(
    world = world,
    after_login_only_a_plain_local_path => redirect_story,
    the_csrf_cookie_must_have_the_issued_shape => csrf_cookie_story,
    a_parallel_burst_of_wrong_passwords_is_throttled => burst_story,
    a_stranger_elsewhere_cannot_lock_the_owner_out => lockout_story,
    the_study_pages_show_who_is_signed_in => signed_in_story,
);

/// `/` and `/networks` show a signed-in person as signed in (their menu and "log out"), not
/// the stranger's "log in"; such a page is not kept by a shared cache. A stranger still gets
/// the public page with "log in". Error pages show the person too.
async fn signed_in_story(w: &World) {
    let mut stranger = Client::new(&w.app);
    for path in ["/", "/networks"] {
        let p = stranger.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        assert!(
            p.body.contains("href=\"/login\""),
            "{path}: a stranger can log in"
        );
        assert!(!p.body.contains("action=\"/logout\""), "{path}");
    }
    let mut c = Client::new(&w.app);
    c.login("researcher@example.org").await;
    for path in ["/", "/networks"] {
        let p = c.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        assert!(p.body.contains("action=\"/logout\""), "{path}: {}", p.body);
        assert!(
            p.body.contains("href=\"/my\""),
            "{path}: the researcher's menu"
        );
        assert!(
            !p.body.contains("href=\"/login\""),
            "{path}: not asked to log in again"
        );
        assert_eq!(
            p.headers
                .get(header::CACHE_CONTROL)
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }
    // An error page names the person too: a refusal, a page that is not there, and another
    // network's page (which answers as if it were not there), each in the visitor's
    // language and with the status it had.
    let mut member = Client::new(&w.app);
    member.login("member-a@example.org").await;
    for (path, status, nl, en) in [
        (
            "/admin/waves",
            StatusCode::FORBIDDEN,
            "Geen toegang",
            "Not allowed",
        ),
        (
            "/no-such-page",
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Not found",
        ),
        (
            "/networks/wijk-b/profile",
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Not found",
        ),
    ] {
        for (query, title) in [("?lang=nl", nl), ("?lang=en", en)] {
            let p = member.get(&format!("{path}{query}")).await;
            assert_eq!(p.status, status, "{path}{query}: {}", p.body);
            assert!(p.body.contains(title), "{path}{query}: {}", p.body);
            assert!(
                p.body.contains("action=\"/logout\""),
                "{path}{query}: who is signed in: {}",
                p.body
            );
            assert!(
                !p.body.contains("href=\"/login\""),
                "{path}{query}: not asked to log in again"
            );
            assert_eq!(
                p.headers
                    .get(header::CACHE_CONTROL)
                    .map(|v| v.to_str().unwrap()),
                Some("no-store"),
                "{path}{query}: a page that names the person is not kept"
            );
        }
    }
    // A stranger's error page is the same page without anyone signed in.
    let p = stranger.get("/no-such-page").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(p.body.contains("Niet gevonden"), "{}", p.body);
    assert!(!p.body.contains("action=\"/logout\""), "{}", p.body);
}

/// `next` values that must not leave the site (or break the login): each goes to `/my`.
const HOSTILE_NEXT: &[&str] = &[
    "/\t/evil.example/",
    "/\u{1}",
    "/\n/evil.example/",
    "/\r\nSet-Cookie: x=1",
    "//evil",
    "/\\evil",
    "\\/evil",
    "https://evil",
    "javascript:alert(1)",
    "%2F%2Fevil",
    "/%5Cevil",
    "/%2F/evil",
    "/%2f%2fevil",
    "/ /evil",
    "/\u{a0}/evil",
    "/a//evil",
    "",
    "evil",
];

async fn redirect_story(w: &World) {
    // The login page puts only a safe `next` into its form.
    let mut c = Client::new(&w.app);
    let p = c.get("/login?next=/%09/evil.example/").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("evil.example"), "{}", p.body);
    for q in [
        "%01",
        "%0a",
        "%2F%2Fevil",
        "/%5Cevil",
        "//evil",
        "https://evil",
    ] {
        let p = c.get(&format!("/login?next={q}")).await;
        assert_eq!(p.status, StatusCode::OK, "GET /login?next={q}");
        assert!(!p.body.contains("evil"), "GET /login?next={q}");
    }
    let csrf = c.get("/login").await.csrf();
    for next in HOSTILE_NEXT {
        let mut c = c.clone();
        c.cookies.remove("leernet_session");
        let p = c
            .post(
                "/login",
                &[
                    ("email", "researcher@example.org"),
                    ("password", common::PASSWORD),
                    ("csrf_token", &csrf),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "next {next:?}: {}", p.body);
        assert_eq!(p.location(), "/my", "next {next:?}");
    }
    // A plain local path, with its query, is kept.
    for next in ["/networks/wijk-a", "/admin/waves?status=open&x=%C3%A9"] {
        let p = c
            .post(
                "/login",
                &[
                    ("email", "researcher@example.org"),
                    ("password", common::PASSWORD),
                    ("csrf_token", &csrf),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(p.location(), next);
    }
}

async fn csrf_cookie_story(w: &World) {
    // A cookie that leernet did not make, repeated in the form, is refused; a fresh
    // one comes back.
    for forged in [
        "x",
        &"Z".repeat(64),
        &"A".repeat(64),
        &"a".repeat(63),
        &"0".repeat(65),
    ] {
        let mut c = Client::new(&w.app);
        c.cookies.insert("leernet_csrf".into(), forged.to_string());
        let p = c
            .post(
                "/login",
                &[
                    ("email", "researcher@example.org"),
                    ("password", common::PASSWORD),
                    ("csrf_token", forged),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "cookie {forged:?}");
        assert!(!c.cookies.contains_key("leernet_session"));
        let fresh = c.cookies["leernet_csrf"].clone();
        assert!(
            fresh != *forged
                && fresh.len() == 64
                && fresh
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "a fresh cookie: {fresh:?}"
        );
        // The login page shows the fresh value, not the forged one, and it works.
        let form = c.get("/login").await;
        assert!(!form.headers.contains_key(header::SET_COOKIE));
        assert_eq!(form.csrf(), fresh);
        c.login("researcher@example.org").await;
    }
    // The shape leernet issues: 64 lower-case hexadecimal digits.
    let mut c = Client::new(&w.app);
    c.cookies.insert("leernet_csrf".into(), "0a".repeat(32));
    let form = c.get("/login").await;
    assert_eq!(form.csrf(), "0a".repeat(32));
    c.login("researcher@example.org").await;
}

/// A double-submit value of the issued shape, sent as cookie and field.
const CSRF: &str = "5e55105e55105e55105e55105e55105e55105e55105e55105e55105e55105e55";

/// Serves the world's app on 127.0.0.1 with the peer's address, as `leernet serve` does.
async fn serve(w: &World) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = w.app.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    addr
}

/// Posts the login form over a fresh connection from `from` (any address of 127.0.0.0/8
/// is this machine); the status, and whether a session cookie came back.
async fn login_from(server: SocketAddr, from: &str, email: &str, password: &str) -> (u16, bool) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(from.parse::<IpAddr>().unwrap(), 0))
        .unwrap();
    let mut conn = socket.connect(server).await.unwrap();
    let body = fill::encode(&[
        ("email".to_owned(), email.to_owned()),
        ("password".to_owned(), password.to_owned()),
        ("csrf_token".to_owned(), CSRF.to_owned()),
        ("next".to_owned(), "/my".to_owned()),
    ]);
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: leernet_csrf={CSRF}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    conn.read_to_end(&mut reply).await.unwrap();
    let reply = String::from_utf8_lossy(&reply);
    let head = reply.split("\r\n\r\n").next().unwrap_or("");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let session = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("set-cookie: leernet_session=")
    });
    (status, session)
}

/// Sends every attempt at once; the answers in the order given.
async fn burst(server: SocketAddr, attempts: &[(&str, &str, &str)]) -> Vec<(u16, bool)> {
    let handles: Vec<_> = attempts
        .iter()
        .map(|&(from, email, password)| {
            let (from, email, password) = (from.to_owned(), email.to_owned(), password.to_owned());
            tokio::spawn(async move { login_from(server, &from, &email, &password).await })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn burst_story(w: &World) {
    let server = serve(w).await;
    // 30 wrong passwords for one account from one address, all at once: at most the 5 the
    // throttle allows are checked (401), the rest are refused unchecked (429).
    let wrong = vec![("127.0.0.1", "fac-a@example.org", "fout wachtwoord"); 30];
    let answers = burst(server, &wrong).await;
    let checked = answers.iter().filter(|a| a.0 == 401).count();
    let refused = answers.iter().filter(|a| a.0 == 429).count();
    assert!(
        checked <= 5 && checked + refused == 30,
        "401: {checked}, 429: {refused}: {answers:?}"
    );
    // The limit is reached: the right password inside the next burst does not log in.
    let mut next = vec![("127.0.0.1", "fac-a@example.org", "fout wachtwoord"); 9];
    next.insert(4, ("127.0.0.1", "fac-a@example.org", common::PASSWORD));
    for (status, session) in burst(server, &next).await {
        assert_eq!((status, session), (429, false));
    }
}

async fn lockout_story(w: &World) {
    let server = serve(w).await;
    // A stranger at 127.0.0.2 guesses the member's password: 5 tries, then refused, even
    // with the right password.
    for _ in 0..5 {
        assert_eq!(
            login_from(server, "127.0.0.2", "member-a@example.org", "raden maar").await,
            (401, false)
        );
    }
    assert_eq!(
        login_from(
            server,
            "127.0.0.2",
            "member-a@example.org",
            common::PASSWORD
        )
        .await,
        (429, false)
    );
    // The owner, at another address, logs in as usual.
    assert_eq!(
        login_from(
            server,
            "127.0.0.1",
            "member-a@example.org",
            common::PASSWORD
        )
        .await,
        (303, true)
    );
    // The stranger stays refused.
    assert_eq!(
        login_from(server, "127.0.0.2", "member-a@example.org", "raden maar").await,
        (429, false)
    );
}
