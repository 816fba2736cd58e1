//! No acknowledged survey submission is ever lost, also when the process is killed: the kill
//! test, on every back end.
//!
//! `leernet serve` runs on a fresh database with an open wave of the network questionnaire
//! and many invitations; 16 clients answer questionnaires page by page and submit, as fast as
//! they can. While they do, the server gets SIGKILL. Then the store must hold every
//! submission the clients saw acknowledged (303), submitted and complete by the form's rules,
//! and nothing half-written: every stored response reads, and every value in it passes its
//! question's type check. A restarted server shows the acknowledged ones as submitted.

use crate::common::{http, walk};

use leernet_core::*;
use leernet_store::*;
use leernet_testkit::serve::printed_address;
use leernet_testkit::{test_backends, TestDb};

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NETWORK_XLSX: &[u8] = include_bytes!("../../../../instruments/network.xlsx");
const CSRF: &str = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
const INVITATIONS: usize = 600;
const CLIENTS: usize = 16;

use leernet_store::testing::numbered_token as token;

/// `leernet serve` on the test database; returns the child and its address.
fn serve(project: &std::path::Path, url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args([
            "--project",
            project.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .env("LEERNET_DATABASE_URL", url)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = printed_address(&mut child).unwrap();
    (child, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_submissions_survive_sigkill() {
    for backend in test_backends() {
        kill_story(backend).await;
    }
}

async fn kill_story(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let wave = leernet_store::testing::open_wave_with_invitations(
        &store,
        NETWORK_XLSX,
        "kill",
        INVITATIONS,
    )
    .await;
    store.close().await;

    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["init", project.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (mut child, addr) = serve(&project, &db.url);
    let bodies = Arc::new(walk::record(&addr, token(INVITATIONS).as_str(), CSRF).unwrap());
    let cookie = Arc::new(walk::cookie(CSRF));

    // Load: every client answers its invitations page by page and submits.
    let acked = Arc::new(Mutex::new(Vec::<usize>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|t| {
            let (bodies, cookie, acked, stop, addr) = (
                bodies.clone(),
                cookie.clone(),
                acked.clone(),
                stop.clone(),
                addr.clone(),
            );
            std::thread::spawn(move || {
                let Ok(mut conn) = http::Conn::connect(&addr) else {
                    return;
                };
                let mut i = t;
                while i < INVITATIONS && !stop.load(Ordering::Relaxed) {
                    let url = format!("/s/{}", token(i).as_str());
                    for (k, body) in bodies.iter().enumerate() {
                        match conn.post_form(&url, &cookie, body) {
                            Ok(r) if r.status == 303 => {
                                if k + 1 == bodies.len() {
                                    acked.lock().unwrap().push(i);
                                }
                            }
                            Ok(r) => panic!("refused with {}: {}", r.status, r.text()),
                            // The server is gone: whatever was not acknowledged may be lost.
                            Err(_) => return,
                        }
                    }
                    i += CLIENTS;
                }
            })
        })
        .collect();
    // Kill it in the middle of the load.
    let start = Instant::now();
    while acked.lock().unwrap().len() < 40 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 40,
        "the load ran ({} acknowledged)",
        acked.len()
    );
    assert!(
        acked.len() < INVITATIONS,
        "the kill came while submissions were under way"
    );

    // Every acknowledged submission is there, submitted and complete; nothing half-written.
    let store = Store::connect(&db.url).await.unwrap();
    let form = leernet_xlsform::Form::from_workbook(NETWORK_XLSX, "network.xlsx").unwrap();
    let responses = store.responses(Some(wave)).await.unwrap();
    for r in &responses {
        for (k, v) in &r.answers {
            form.check_value(k, v)
                .unwrap_or_else(|e| panic!("response {} holds a bad value: {e}", r.id));
        }
        if r.status == ResponseStatus::Submitted {
            let a = leernet_xlsform::Answers::from_pairs(
                r.answers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            );
            let ev = form.evaluate(
                &a,
                &leernet_xlsform::EvalOptions {
                    lang: "nl",
                    now: None,
                    last_saved: None,
                },
            );
            assert!(
                ev.is_complete(),
                "submitted response {} is incomplete",
                r.id
            );
        }
    }
    assert!(
        responses.len() > acked.len() + 1,
        "questionnaires were half-way when the server died"
    );
    let mut submitted = 0;
    for i in &acked {
        let inv = store
            .invitation_by_token(&token(*i))
            .await
            .unwrap()
            .unwrap();
        let r = store
            .invitation_response(&inv)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged submission {i} was lost"));
        assert_eq!(r.status, ResponseStatus::Submitted, "submission {i}");
        submitted += 1;
    }
    eprintln!(
        "{backend:?}: {} acknowledged before SIGKILL, all {submitted} stored; {} responses in all",
        acked.len(),
        responses.len()
    );
    store.close().await;

    // The server comes back on the same database and knows them as submitted.
    let (mut again, addr) = serve(&project, &db.url);
    let mut c = http::Conn::connect(&addr).unwrap();
    let r = c
        .request("GET", &format!("/s/{}", token(acked[0]).as_str()), &[], b"")
        .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Uw antwoorden zijn verstuurd"));
    again.kill().unwrap();
    again.wait().unwrap();
    db.drop_database().await;
}

/// Every acknowledged survey save is on the disk before the respondent sees it acknowledged,
/// by default: `leernet serve` runs under strace, one questionnaire is answered page by page,
/// and between any two answers of the server a 303 (a save acknowledged) must follow a sync
/// of SQLite's write-ahead log. With `synchronous = NORMAL` there is no sync per commit and
/// this fails. (PostgreSQL syncs on commit by its own default, `synchronous_commit = on`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_save_is_synced_first() {
    let Some(_) = leernet_testkit::tools::program(
        "strace (Debian package strace), for the durability trace test",
        &["strace"],
        "-V",
    ) else {
        return;
    };
    let db = TestDb::new(Backend::Sqlite).await;
    let store = db.store().await;
    leernet_store::testing::open_wave_with_invitations(&store, NETWORK_XLSX, "sync", 3).await;
    store.close().await;
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let o = Command::new(env!("CARGO_BIN_EXE_leernet"))
        .args(["init", project.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (pages, events, text) = traced_questionnaire(&project, &db.url, &tmp, 1);
    let acks = events.iter().filter(|e| e.1 == "303").count();
    assert!(
        acks >= pages,
        "every save was seen acknowledged: {events:?}\n{}",
        text.lines().take(40).collect::<Vec<_>>().join("\n")
    );
    let mut synced = false;
    for (t, what) in &events {
        match *what {
            "sync" => synced = true,
            "303" => {
                assert!(
                    synced,
                    "a save acknowledged at {t} before its commit was synced"
                );
                synced = false;
            }
            _ => synced = false,
        }
    }
    db.drop_database().await;
}

/// Runs `leernet serve` under strace, answers invitation `n`'s questionnaire page by page,
/// stops the server; returns the pages saved, the server's answers and the write-ahead log's
/// syncs in the order they happened, and the trace.
fn traced_questionnaire(
    project: &std::path::Path,
    url: &str,
    tmp: &tempfile::TempDir,
    n: usize,
) -> (usize, Vec<(f64, &'static str)>, String) {
    let trace = tmp.path().join(format!("trace-{n}.txt"));
    let mut child = Command::new("strace")
        .args(["-f", "-y", "-ttt", "-s", "40", "-o"])
        .arg(&trace)
        .args(["-e", "trace=fsync,fdatasync,write,writev,sendto,sendmsg"])
        .arg(env!("CARGO_BIN_EXE_leernet"))
        .args([
            "--project",
            project.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .env("LEERNET_DATABASE_URL", url)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = printed_address(&mut child).unwrap();
    let pages = walk::record(&addr, token(n).as_str(), CSRF);
    // Stop the traced server itself (its pid opens the trace), then strace ends with it;
    // killing strace would leave the server running.
    let text = std::fs::read_to_string(&trace).unwrap();
    let server = text
        .split_whitespace()
        .next()
        .expect("a traced call")
        .to_owned();
    let killed = Command::new("kill").args(["-9", &server]).status().unwrap();
    assert!(killed.success(), "kill {server}");
    child.wait().unwrap();
    let pages = pages.unwrap();
    assert!(pages.len() >= 2, "several pages saved");
    let text = std::fs::read_to_string(&trace).unwrap();
    let mut events: Vec<(f64, &'static str)> = Vec::new();
    for l in text.lines() {
        // "PID  SECONDS.MICROS call(...)": strace pads the pid, so split on runs of spaces.
        let mut words = l.split_whitespace();
        let (Some(_pid), Some(stamp)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(t) = stamp.parse::<f64>() else {
            continue;
        };
        let call = l[l.find(stamp).map_or(l.len(), |i| i + stamp.len())..].trim_start();
        let synced_log = (call.starts_with("fdatasync(") || call.starts_with("fsync("))
            && call.contains("-wal>");
        if synced_log {
            events.push((t, "sync"));
        } else if call.contains("\"HTTP/1.1 303") {
            events.push((t, "303"));
        } else if call.contains("\"HTTP/1.1 ") {
            events.push((t, "other"));
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
    (pages.len(), events, text)
}
