//! Logging in under attack, on every back end: where the login may send a browser back to
//! (no open redirect, never a 500), which double-submit CSRF cookies count (only the shape
//! leernet issues), and the login throttle (atomic under a parallel burst; by account and
//! address, so a stranger elsewhere cannot lock the owner out).

mod common;

use axum::http::{header, StatusCode};
use common::{world, Client, World};
use leernet_store::testing::{test_backends, TestDb};

macro_rules! on_every_backend {
    ($($name:ident => $story:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for backend in test_backends() {
                let db = TestDb::new(backend).await;
                let w = world(db.store().await).await;
                $story(&w).await;
                w.store.close().await;
                db.drop_database().await;
            }
        }
    )*};
}

on_every_backend!(
    after_login_only_a_plain_local_path => redirect_story,
    the_csrf_cookie_must_have_the_issued_shape => csrf_cookie_story,
);

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
