//! The page load benchmark: the study pages (`/`, `/networks`, a network's profile) per
//! second with p50/p99 latency, against a running `leernet serve` on 127.0.0.1 — this build
//! or an older one, so that `bench/pages/run.sh` measures both in the same run — optionally
//! with survey saves at the same time (each save changes the data, so the figures are being
//! recomputed while the pages are read).
//!
//! ```sh
//! pages_load --addr 127.0.0.1:8088 --email bench@example.org --password-file PW \
//!   --paths /,/networks,/networks/SLUG/profile --clients 8 --seconds 10 \
//!   [--tokens FILE --savers 2]
//! ```
//!
//! What it does: logs in once (the profile needs a signed-in researcher; the same session
//! cookie goes with every request), asks every path once (each must answer 200), then runs
//! `--clients` threads for `--seconds`, each with one keep-alive connection asking the paths
//! in turn (plain blocking HTTP/1.1, `tests/it/common/http.rs`). With `--tokens` (a file of
//! invitation tokens of one open wave of the network questionnaire, one per line) it first
//! answers the first invitation to record valid page bodies (`tests/it/common/walk.rs`), then
//! `--savers` threads save pages of the other invitations during the same seconds. A request
//! counts when its answer arrived (a save's 303 comes only after the commit). Only ever talks
//! to the address given; bounded: ≤ 64 clients, ≤ 600 seconds.

#[path = "../tests/it/common/fill.rs"]
#[allow(dead_code)]
mod fill;
#[path = "../tests/it/common/http.rs"]
#[allow(dead_code)]
mod http;
#[path = "../tests/it/common/walk.rs"]
mod walk;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: pages_load --addr 127.0.0.1:PORT --email EMAIL --password-file FILE \
[--paths /,/networks,…] [--clients 1-64] [--seconds 1-600] [--tokens FILE --savers 0-16]";

/// What marks a page shown with the figures of earlier data (`base.html`).
const BEHIND: &[u8] = br#"<p class="behind"#;

const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Args {
    addr: String,
    email: String,
    password: String,
    paths: Vec<String>,
    clients: usize,
    seconds: u64,
    tokens: Vec<String>,
    savers: usize,
}

fn args() -> Args {
    let mut a = Args {
        addr: String::new(),
        email: String::new(),
        password: String::new(),
        paths: vec!["/".into(), "/networks".into()],
        clients: 8,
        seconds: 10,
        tokens: Vec::new(),
        savers: 2,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--addr" => a.addr = v,
            "--email" => a.email = v,
            "--password-file" => {
                a.password = std::fs::read_to_string(&v)
                    .expect("--password-file FILE")
                    .trim_end()
                    .to_owned()
            }
            "--paths" => a.paths = v.split(',').map(str::to_owned).collect(),
            "--clients" => a.clients = v.parse().expect("--clients C"),
            "--seconds" => a.seconds = v.parse().expect("--seconds S"),
            "--tokens" => {
                a.tokens = std::fs::read_to_string(&v)
                    .expect("--tokens FILE")
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            "--savers" => a.savers = v.parse().expect("--savers S"),
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0)
            }
            _ => {
                eprintln!("unknown argument {k}\n{USAGE}");
                std::process::exit(2)
            }
        }
    }
    assert!(a.addr.starts_with("127.0.0.1:"), "--addr 127.0.0.1:PORT");
    assert!((1..=64).contains(&a.clients), "1 ≤ clients ≤ 64");
    assert!((1..=600).contains(&a.seconds), "1 ≤ seconds ≤ 600");
    assert!(a.savers <= 16, "savers ≤ 16");
    a
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(name: &str, lat: &mut [Duration], wall: Duration) -> String {
    lat.sort();
    format!(
        "{name}: {} in {:.2} s = {:.1}/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        percentile(lat, 0.5),
        percentile(lat, 0.99),
        lat.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0),
    )
}

/// Logs in; returns the session cookie's `name=value`.
fn login(a: &Args) -> String {
    let mut c = http::Conn::connect(&a.addr).expect("connect");
    let body = fill::encode(&[
        ("email".into(), a.email.clone()),
        ("password".into(), a.password.clone()),
        ("csrf_token".into(), CSRF.into()),
    ]);
    let r = c
        .post_form("/login", &walk::cookie(CSRF), &body)
        .expect("login");
    assert_eq!(r.status, 303, "login refused");
    r.headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .filter_map(|(_, v)| v.split(';').next())
        .find(|c| c.starts_with("leernet_session=") && c.len() > "leernet_session=".len())
        .expect("a session cookie")
        .to_owned()
}

fn main() {
    let a = args();
    let session = Arc::new(login(&a));
    let mut c = http::Conn::connect(&a.addr).expect("connect");
    let first = Instant::now();
    for p in &a.paths {
        let r = c
            .request("GET", p, &[("Cookie", &session)], b"")
            .expect("get");
        assert_eq!(r.status, 200, "{p}");
    }
    println!(
        "first round of {} paths: {:.1} ms",
        a.paths.len(),
        first.elapsed().as_secs_f64() * 1000.0
    );
    // Valid page bodies, from answering the first invitation once.
    let bodies = if a.tokens.len() > 1 && a.savers > 0 {
        Arc::new(walk::record(&a.addr, &a.tokens[0], CSRF).expect("walk"))
    } else {
        Arc::new(Vec::new())
    };

    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let paths = Arc::new(a.paths.clone());
    let readers: Vec<_> = (0..a.clients)
        .map(|t| {
            let (stop, paths, session, addr) =
                (stop.clone(), paths.clone(), session.clone(), a.addr.clone());
            std::thread::spawn(move || {
                let mut conn = http::Conn::connect(&addr).expect("connect");
                let (mut lat, mut behind) = (Vec::new(), 0usize);
                let mut i = t;
                while !stop.load(Ordering::Relaxed) {
                    let p = &paths[i % paths.len()];
                    let s = Instant::now();
                    let r = conn
                        .request("GET", p, &[("Cookie", &session)], b"")
                        .expect("get");
                    assert_eq!(r.status, 200, "{p}");
                    lat.push(s.elapsed());
                    behind += usize::from(r.body.windows(BEHIND.len()).any(|w| w == BEHIND));
                    i += 1;
                }
                (lat, behind)
            })
        })
        .collect();
    let tokens = Arc::new(a.tokens.clone());
    let next = Arc::new(AtomicUsize::new(1));
    let savers: Vec<_> = (0..if bodies.is_empty() { 0 } else { a.savers })
        .map(|_| {
            let (stop, tokens, next, bodies, addr) = (
                stop.clone(),
                tokens.clone(),
                next.clone(),
                bodies.clone(),
                a.addr.clone(),
            );
            std::thread::spawn(move || {
                let mut conn = http::Conn::connect(&addr).expect("connect");
                let cookie = walk::cookie(CSRF);
                let mut lat = Vec::new();
                'tokens: while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(token) = tokens.get(i) else { break };
                    let url = format!("/s/{token}");
                    for body in &bodies[..bodies.len() - 1] {
                        if stop.load(Ordering::Relaxed) {
                            break 'tokens;
                        }
                        let s = Instant::now();
                        let r = conn.post_form(&url, &cookie, body).expect("save");
                        assert_eq!(r.status, 303, "save refused");
                        lat.push(s.elapsed());
                    }
                }
                lat
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(a.seconds));
    stop.store(true, Ordering::Relaxed);
    let (mut pages, mut behind) = (Vec::<Duration>::new(), 0usize);
    for t in readers {
        let (lat, b) = t.join().expect("reader");
        pages.extend(lat);
        behind += b;
    }
    let wall = start.elapsed();
    let mut saves: Vec<Duration> = savers
        .into_iter()
        .flat_map(|t| t.join().expect("saver"))
        .collect();
    println!(
        "{}",
        report(
            &format!("pages ({} clients, {})", a.clients, a.paths.join(" ")),
            &mut pages,
            wall
        )
    );
    println!(
        "pages shown with the figures of earlier data (the notice): {behind} of {} ({:.1}%)",
        pages.len(),
        100.0 * behind as f64 / pages.len().max(1) as f64
    );
    if !bodies.is_empty() {
        if next.load(Ordering::Relaxed) > tokens.len() {
            println!("note: the savers ran out of invitations before the time was up");
        }
        println!(
            "{}",
            report(
                &format!("survey saves ({} savers)", a.savers),
                &mut saves,
                wall
            )
        );
    }
}
