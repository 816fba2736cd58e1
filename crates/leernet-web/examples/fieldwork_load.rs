//! The fieldwork load benchmark: survey saves and submissions per second, with p50/p99
//! latency, against the real app on 127.0.0.1, on SQLite or PostgreSQL.
//!
//! ```sh
//! cargo run --release -p leernet-web --example fieldwork_load -- --backend sqlite
//! LEERNET_TEST_DATABASE_URL=postgres://leernet:leernet@127.0.0.1:5432/leernet \
//!   cargo run --release -p leernet-web --example fieldwork_load -- --backend postgres
//! ```
//!
//! What it does: a fresh database with one network, the shipped network questionnaire
//! (9 pages) and an open wave with N invitations (default 2,000); the app served in this
//! process (2 worker threads, like `leernet serve`); C client connections (default 32, plain
//! blocking HTTP/1.1 keep-alive, `tests/it/common/http.rs`). One invitation is answered first to
//! record valid page bodies (`tests/it/common/walk.rs`). Then, timed:
//!
//! 1. *page saves*: every invitation posts pages 1..8 (each a full server-side evaluation and
//!    one committed transaction);
//! 2. *submissions*: every invitation posts its last page with `action=submit` (the whole
//!    form evaluated again, the response submitted).
//!
//! A request counts when its 303 arrived, which the app sends only after the commit. At the
//! end the store must hold exactly one submitted response per acknowledged submission.
//! Bounded: N ≤ 20,000, C ≤ 256; it only ever talks to 127.0.0.1.

#[path = "../tests/it/common/fill.rs"]
#[allow(dead_code)]
mod fill;
#[path = "common/load.rs"]
mod load;
#[path = "../tests/it/common/walk.rs"]
mod walk;

use leernet_core::*;
use leernet_store::testing::TestDb;
use leernet_store::*;
use load::{http, phase, report};
use std::sync::Arc;
use std::time::Instant;

/// The allocator of the `leernet` binary, which serves the app in production: the app in
/// this process allocates as `leernet serve` does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NETWORK_XLSX: &[u8] = include_bytes!("../../../instruments/network.xlsx");
const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Args {
    backend: Backend,
    invitations: usize,
    connections: usize,
}

fn args() -> Args {
    let mut a = Args {
        backend: Backend::Sqlite,
        invitations: 2000,
        connections: 32,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--backend" => {
                a.backend = match v.as_str() {
                    "sqlite" => Backend::Sqlite,
                    "postgres" => Backend::Postgres,
                    _ => panic!("--backend sqlite|postgres"),
                }
            }
            "--invitations" => a.invitations = v.parse().expect("--invitations N"),
            "--connections" => a.connections = v.parse().expect("--connections C"),
            _ => panic!("unknown argument {k}"),
        }
    }
    assert!((1..=20_000).contains(&a.invitations), "1 ≤ N ≤ 20000");
    assert!((1..=256).contains(&a.connections), "1 ≤ C ≤ 256");
    a
}

use leernet_store::testing::numbered_token as token;

fn main() {
    let a = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (db, store, wave) = rt.block_on(async {
        let db = TestDb::new(a.backend).await;
        let store = db.store().await;
        let wave = leernet_store::testing::open_wave_with_invitations(
            &store,
            NETWORK_XLSX,
            "bench",
            a.invitations,
        )
        .await;
        (db, store, wave)
    });
    // The app, as `leernet serve` runs it, on its own runtime (2 worker threads).
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    let listener = server
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap().to_string();
    let served = store.clone();
    std::thread::spawn(move || {
        server.block_on(leernet_web::serve(
            served,
            listener,
            leernet_core::SystemClock::shared(),
        ))
    });

    // Valid page bodies, from answering the last invitation once.
    let bodies = Arc::new(walk::record(&addr, token(a.invitations).as_str(), CSRF).expect("walk"));
    let pages = bodies.len();
    println!(
        "leernet fieldwork load: {:?}, {} invitations, {} connections, {} pages per questionnaire, {} cores",
        a.backend,
        a.invitations,
        a.connections,
        pages,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    let cookie = Arc::new(walk::cookie(CSRF));

    let (b, ck) = (bodies.clone(), cookie.clone());
    let saves = phase(
        &addr,
        a.invitations,
        a.connections,
        Arc::new(move |i, conn| {
            let url = format!("/s/{}", token(i).as_str());
            let mut lat = Vec::new();
            for body in &b[..b.len() - 1] {
                let t = Instant::now();
                let r = conn.post_form(&url, &ck, body).expect("save");
                assert_eq!(r.status, 303, "save refused: {}", r.text());
                lat.push(t.elapsed());
            }
            lat
        }),
    );
    println!("{}", report("page saves", &saves.0, saves.1));

    let (b, ck) = (bodies.clone(), cookie.clone());
    let submits = phase(
        &addr,
        a.invitations,
        a.connections,
        Arc::new(move |i, conn| {
            let url = format!("/s/{}", token(i).as_str());
            let t = Instant::now();
            let r = conn
                .post_form(&url, &ck, b.last().expect("a last page"))
                .expect("submit");
            assert_eq!(r.status, 303, "submission refused: {}", r.text());
            assert_eq!(r.header("location"), Some(url.as_str()));
            vec![t.elapsed()]
        }),
    );
    println!("{}", report("submissions", &submits.0, submits.1));

    let counts = store.group_commit_counts();
    println!(
        "group commit: {} saves in {} transactions ({:.1} saves per commit)",
        counts.saves,
        counts.batches,
        counts.saves as f64 / counts.batches.max(1) as f64
    );

    let stored = rt.block_on(async {
        let n = store
            .responses(Some(wave))
            .await
            .unwrap()
            .iter()
            .filter(|r| r.status == ResponseStatus::Submitted)
            .count();
        store.close().await;
        db.drop_database().await;
        n
    });
    // +1: the invitation answered to record the pages.
    assert_eq!(
        stored,
        submits.0.len() + 1,
        "every acknowledged submission is stored"
    );
    println!(
        "stored: {} submitted responses = {} acknowledged + 1 recorded",
        stored,
        submits.0.len()
    );
}
