//! The scale-out benchmark: survey submissions per second with one and with two `leernet
//! serve` instances on one PostgreSQL database (run by `bench/scaleout/run.sh`).
//!
//! ```sh
//! LEERNET_TEST_DATABASE_URL=postgres://leernet:leernet@127.0.0.1:5432/leernet \
//!   cargo run --release -p leernet --example scaleout_load -- \
//!   --leernet target/release/leernet --invitations 1000 --connections 32 --repeats 3
//! ```
//!
//! What it does: a fresh PostgreSQL database with one network, the shipped network
//! questionnaire (9 pages) and an open wave; real `leernet serve` processes (the release
//! binary given, each on its own 2-thread runtime as shipped); C client connections (plain
//! blocking HTTP/1.1 keep-alive from the standard library, `leernet-web/tests/it/common/http.rs`)
//! spread round-robin over the instances, as a load balancer would. For every repeat and for
//! 1 and then 2 instances, N fresh invitations are answered: first pages 1–8 (*page saves*),
//! then the last page with `action=submit` (*submissions*), timed separately. A request
//! counts when its 303 arrived (sent only after the commit). At the end the database must
//! hold exactly one submitted response per acknowledged submission.
//!
//! Prints one line per run and the medians; only talks to 127.0.0.1 and the configured
//! PostgreSQL. Bounded: N ≤ 20,000, C ≤ 256, repeats ≤ 10.

#[path = "../../leernet-web/tests/it/common/fill.rs"]
#[allow(dead_code)]
mod fill;
#[path = "../../leernet-web/tests/it/common/http.rs"]
#[allow(dead_code)]
mod http;
#[path = "../../leernet-web/tests/it/common/walk.rs"]
mod walk;

use leernet_core::*;
use leernet_store::testing::TestDb;
use leernet_store::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const NETWORK_XLSX: &[u8] = include_bytes!("../../../instruments/network.xlsx");
const CSRF: &str = "5ca1e0075ca1e0075ca1e0075ca1e0075ca1e0075ca1e0075ca1e0075ca1e007";

struct Args {
    leernet: PathBuf,
    invitations: usize,
    connections: usize,
    repeats: usize,
}

fn args() -> Args {
    let mut a = Args {
        leernet: PathBuf::from("target/release/leernet"),
        invitations: 1000,
        connections: 32,
        repeats: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--leernet" => a.leernet = PathBuf::from(v),
            "--invitations" => a.invitations = v.parse().expect("--invitations N"),
            "--connections" => a.connections = v.parse().expect("--connections C"),
            "--repeats" => a.repeats = v.parse().expect("--repeats R"),
            _ => panic!("unknown argument {k}"),
        }
    }
    assert!((1..=20_000).contains(&a.invitations), "1 ≤ N ≤ 20000");
    assert!((1..=256).contains(&a.connections), "1 ≤ C ≤ 256");
    assert!((1..=10).contains(&a.repeats), "1 ≤ repeats ≤ 10");
    a
}

use leernet_store::testing::numbered_token as token;

/// A `leernet serve` process, stopped when dropped.
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

fn start(bin: &Path, project: &Path, url: &str) -> Instance {
    let mut child = Command::new(bin)
        .args([
            "--project",
            project.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .env("LEERNET_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start leernet serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .expect("serve prints its address")
        .trim_end_matches('/')
        .to_owned();
    Instance { child, addr }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

type Job = dyn Fn(usize, &mut http::Conn) -> Vec<Duration> + Send + Sync;

/// Runs `job` for invitations `range` on C connections spread over `addrs`.
fn phase(
    addrs: &[String],
    range: std::ops::Range<usize>,
    c: usize,
    job: Arc<Job>,
) -> (Vec<Duration>, Duration) {
    let start = Instant::now();
    let threads: Vec<_> = (0..c)
        .map(|t| {
            let job = job.clone();
            let addr = addrs[t % addrs.len()].clone();
            let range = range.clone();
            std::thread::spawn(move || {
                let mut conn = http::Conn::connect(&addr).expect("connect");
                let mut lat = Vec::new();
                let mut i = range.start + t;
                while i < range.end {
                    lat.extend(job(i, &mut conn));
                    i += c;
                }
                lat
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("client thread"))
        .collect();
    let wall = start.elapsed();
    all.sort();
    (all, wall)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    let a = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let total = a.invitations * a.repeats * 2;
    let (db, store, wave) = rt.block_on(async {
        let db = TestDb::new(Backend::Postgres).await;
        let store = db.store().await;
        let wave = leernet_store::testing::open_wave_with_invitations(
            &store,
            NETWORK_XLSX,
            "bench",
            total,
        )
        .await;
        (db, store, wave)
    });
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let ok = Command::new(&a.leernet)
        .args(["init", project.to_str().unwrap()])
        .env_remove("LEERNET_DATABASE_URL")
        .stdout(Stdio::null())
        .status()
        .expect("leernet init");
    assert!(ok.success());

    let bodies = {
        let one = start(&a.leernet, &project, &db.url);
        Arc::new(walk::record(&one.addr, token(total).as_str(), CSRF).expect("walk"))
    };
    let cookie = Arc::new(walk::cookie(CSRF));
    println!(
        "leernet scale-out load: PostgreSQL, {} invitations per run, {} connections, {} pages, {} cores, {} repeats",
        a.invitations,
        a.connections,
        bodies.len(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        a.repeats
    );
    let mut results: [Vec<(f64, f64, f64, f64)>; 2] = [Vec::new(), Vec::new()];
    let mut next = 0;
    let mut acked = 0;
    for r in 0..a.repeats {
        for k in [1usize, 2] {
            let instances: Vec<Instance> = (0..k)
                .map(|_| start(&a.leernet, &project, &db.url))
                .collect();
            let addrs: Vec<String> = instances.iter().map(|i| i.addr.clone()).collect();
            let range = next..next + a.invitations;
            next += a.invitations;
            let (b, ck) = (bodies.clone(), cookie.clone());
            let saves = phase(
                &addrs,
                range.clone(),
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
            let (b, ck) = (bodies.clone(), cookie.clone());
            let submits = phase(
                &addrs,
                range,
                a.connections,
                Arc::new(move |i, conn| {
                    let url = format!("/s/{}", token(i).as_str());
                    let t = Instant::now();
                    let r = conn
                        .post_form(&url, &ck, b.last().expect("a last page"))
                        .expect("submit");
                    assert_eq!(r.status, 303, "submission refused: {}", r.text());
                    vec![t.elapsed()]
                }),
            );
            drop(instances);
            acked += submits.0.len();
            let saves_s = saves.0.len() as f64 / saves.1.as_secs_f64();
            let subs_s = submits.0.len() as f64 / submits.1.as_secs_f64();
            let (p50, p99) = (percentile(&submits.0, 0.5), percentile(&submits.0, 0.99));
            println!(
                "run {} · {k} instance{}: page saves {saves_s:.0}/s; submissions {subs_s:.0}/s, p50 {p50:.1} ms, p99 {p99:.1} ms; load average {}",
                r + 1,
                if k == 1 { "" } else { "s" },
                std::fs::read_to_string("/proc/loadavg")
                    .unwrap_or_default()
                    .split_whitespace()
                    .next()
                    .unwrap_or("?")
            );
            results[k - 1].push((saves_s, subs_s, p50, p99));
        }
    }
    let med =
        |k: usize, f: fn(&(f64, f64, f64, f64)) -> f64| median(results[k].iter().map(f).collect());
    for k in 0..2 {
        println!(
            "median, {} instance{}: page saves {:.0}/s; submissions {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
            k + 1,
            if k == 0 { "" } else { "s" },
            med(k, |r| r.0),
            med(k, |r| r.1),
            med(k, |r| r.2),
            med(k, |r| r.3)
        );
    }
    println!(
        "ratio two/one instances (medians): page saves {:.2}, submissions {:.2}",
        med(1, |r| r.0) / med(0, |r| r.0),
        med(1, |r| r.1) / med(0, |r| r.1)
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
    assert_eq!(
        stored,
        acked + 1,
        "every acknowledged submission is stored, once"
    );
    println!("stored: {stored} submitted responses = {acked} acknowledged + 1 recorded");
}
