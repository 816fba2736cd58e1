//! Scale-out on PostgreSQL: two `leernet serve` instances, started together on one fresh
//! database, serve one study as one app.
//!
//! - Both start (the migrations ran once, under the advisory lock) and each schema version is
//!   recorded once.
//! - A login on one instance is valid on the other; a logout on the other ends it on both.
//! - Failed logins count across instances (the throttle lives in the database).
//! - Survey pages saved through one instance and submitted through the other, from several
//!   clients at once, plus a double submission through both at the same moment: every
//!   invitation ends with exactly one stored, submitted response.
//!
//! - A backup taken while both instances write restores into an empty SQLite project.
//!
//! Also: several stores opening one fresh database at the same moment all succeed.
//! PostgreSQL only (several instances are a PostgreSQL set-up); mandatory in CI.

use crate::common::{http, walk};

use leernet_core::*;
use leernet_store::testing::{test_backends, TestDb};
use leernet_store::*;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const NETWORK_XLSX: &[u8] = include_bytes!("../../../../instruments/network.xlsx");
const CSRF: &str = "0f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c4b5a6978";
const INVITATIONS: usize = 120;
const CLIENTS: usize = 6;
const PASSWORD: &str = "een-lang-wachtwoord";

fn postgres() -> bool {
    test_backends().contains(&Backend::Postgres)
}

use leernet_store::testing::numbered_token as token;

/// An instance of `leernet serve`, killed when dropped.
struct Instance {
    child: Child,
    addr: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(project: &Path, url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args([
            "--project",
            project.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .env("LEERNET_DATABASE_URL", url)
        .env_remove("LEERNET_ADDR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn ready(mut child: Child) -> Instance {
    let addr = leernet_testkit::serve::printed_address(&mut child)
        .unwrap_or_else(|e| panic!("an instance did not start: {e}"));
    Instance { child, addr }
}

fn login(addr: &str, email: &str, password: &str) -> http::Reply {
    let mut c = http::Conn::connect(addr).unwrap();
    let body = format!(
        "email={}&password={password}&csrf_token={CSRF}&next=%2Fmy",
        email.replace('@', "%40")
    );
    c.post_form("/login", &walk::cookie(CSRF), &body).unwrap()
}

fn get(addr: &str, path: &str, cookie: &str) -> http::Reply {
    http::Conn::connect(addr)
        .unwrap()
        .request("GET", path, &[("Cookie", cookie)], b"")
        .unwrap()
}

fn add_user(project: &Path, url: &str, email: &str) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args([
            "--project",
            project.to_str().unwrap(),
            "user",
            "add",
            "--email",
            email,
            "--role",
            "researcher",
        ])
        .env("LEERNET_DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(c.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(c.wait().unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_opening_one_fresh_database_together_migrate_once() {
    if !postgres() {
        return;
    }
    let db = TestDb::new(Backend::Postgres).await;
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move { Store::connect(&url).await })
        })
        .collect();
    let mut stores = Vec::new();
    for o in opens {
        stores.push(o.await.unwrap().expect("every store opens"));
    }
    assert_eq!(
        stores[0].applied_migrations().await.unwrap(),
        known_migrations(Backend::Postgres)
    );
    for s in stores {
        s.close().await;
    }
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgresql_serve_one_study() {
    if !postgres() {
        return;
    }
    let db = TestDb::new(Backend::Postgres).await;
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["init", project.to_str().unwrap()])
        .env_remove("LEERNET_DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success());

    // Both start at the same moment on the empty database.
    let (ca, cb) = (spawn(&project, &db.url), spawn(&project, &db.url));
    let (a, b) = (ready(ca), ready(cb));
    assert_ne!(a.addr, b.addr);
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(
        store.applied_migrations().await.unwrap(),
        known_migrations(Backend::Postgres),
        "every migration ran, once"
    );

    // A login on A is valid on B; a logout on B ends it on A.
    add_user(&project, &db.url, "onderzoeker@example.org");
    add_user(&project, &db.url, "tweede@example.org");
    let r = login(&a.addr, "onderzoeker@example.org", PASSWORD);
    assert_eq!(r.status, 303, "{}", r.text());
    let session = r
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .find_map(|(_, v)| {
            v.split(';')
                .next()
                .filter(|c| c.starts_with("leernet_session="))
        })
        .expect("a session cookie")
        .to_owned();
    assert_eq!(
        get(&b.addr, "/my", "").status,
        308,
        "the project's one study answers the old address"
    );
    assert_eq!(
        get(&b.addr, "/studies/p/my", "").status,
        303,
        "a stranger goes to the login"
    );
    let my = get(&b.addr, "/studies/p/my", &session);
    assert_eq!(my.status, 200, "the session made on A is valid on B");
    let page = my.text();
    let csrf = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the logout form's token")
        .to_owned();
    let r = http::Conn::connect(&b.addr)
        .unwrap()
        .post_form("/logout", &session, &format!("csrf_token={csrf}"))
        .unwrap();
    assert_eq!(r.status, 303);
    assert_eq!(
        get(&a.addr, "/studies/p/my", &session).status,
        303,
        "logged out on A too"
    );

    // Failed logins through both instances count together: after 5, even the right password
    // is refused, on either instance.
    for i in 0..5 {
        let via = if i % 2 == 0 { &a.addr } else { &b.addr };
        assert_eq!(login(via, "tweede@example.org", "fout").status, 401);
    }
    assert_eq!(login(&a.addr, "tweede@example.org", PASSWORD).status, 429);
    assert_eq!(login(&b.addr, "tweede@example.org", PASSWORD).status, 429);

    // One study: an open wave with invitations.
    let wave = leernet_store::testing::open_wave_with_invitations(
        &store,
        NETWORK_XLSX,
        "schaal",
        INVITATIONS,
    )
    .await;

    // Pages through one instance, the submission through the other, from several clients.
    let bodies = Arc::new(walk::record(&a.addr, token(INVITATIONS).as_str(), CSRF).unwrap());
    let cookie = Arc::new(walk::cookie(CSRF));
    let addrs = Arc::new([a.addr.clone(), b.addr.clone()]);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|t| {
            let (bodies, cookie, addrs) = (bodies.clone(), cookie.clone(), addrs.clone());
            std::thread::spawn(move || {
                let mut conns = [
                    http::Conn::connect(&addrs[0]).unwrap(),
                    http::Conn::connect(&addrs[1]).unwrap(),
                ];
                let mut acked = 0;
                let mut i = t;
                while i < INVITATIONS {
                    let url = format!("/s/{}", token(i).as_str());
                    let (pages, submit) = (i % 2, 1 - i % 2);
                    for body in &bodies[..bodies.len() - 1] {
                        let r = conns[pages].post_form(&url, &cookie, body).unwrap();
                        assert_eq!(r.status, 303, "page refused: {}", r.text());
                    }
                    let r = conns[submit]
                        .post_form(&url, &cookie, bodies.last().unwrap())
                        .unwrap();
                    assert_eq!(r.status, 303, "submission refused: {}", r.text());
                    acked += 1;
                    i += CLIENTS;
                }
                acked
            })
        })
        .collect();
    // A backup taken while both instances take submissions is one consistent snapshot: it
    // restores (every foreign key holds) into an empty SQLite project.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let snapshot = tmp.path().join("during.lnb");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["--project", project.to_str().unwrap(), "backup", "--out"])
        .arg(&snapshot)
        .env("LEERNET_DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let acked: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    let copy = tmp.path().join("copy");
    for args in [
        vec!["init", copy.to_str().unwrap()],
        vec![
            "--project",
            copy.to_str().unwrap(),
            "restore",
            snapshot.to_str().unwrap(),
        ],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
            .args(&args)
            .env_remove("LEERNET_DATABASE_URL")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(acked, INVITATIONS);
    // The recorded invitation submitted again through both instances at once: still one.
    let doubles: Vec<_> = (0..2)
        .map(|k| {
            let (bodies, cookie, addrs) = (bodies.clone(), cookie.clone(), addrs.clone());
            std::thread::spawn(move || {
                let url = format!("/s/{}", token(INVITATIONS).as_str());
                http::Conn::connect(&addrs[k])
                    .unwrap()
                    .post_form(&url, &cookie, bodies.last().unwrap())
                    .unwrap()
                    .status
            })
        })
        .collect();
    for d in doubles {
        assert!(d.join().unwrap() < 500);
    }

    let responses = store.responses(Some(wave)).await.unwrap();
    assert_eq!(
        responses.len(),
        INVITATIONS + 1,
        "one response per invitation, no more"
    );
    assert!(
        responses
            .iter()
            .all(|r| r.status == ResponseStatus::Submitted),
        "every one submitted"
    );
    let mut who: Vec<&str> = responses.iter().map(|r| r.respondent.as_str()).collect();
    who.sort();
    who.dedup();
    assert_eq!(who.len(), INVITATIONS + 1, "each invitation stored once");
    // Both instances still answer /healthz.
    for i in [&a, &b] {
        assert_eq!(get(&i.addr, "/healthz", "").status, 200);
    }
    drop((a, b));
    store.close().await;
    db.drop_database().await;
}
