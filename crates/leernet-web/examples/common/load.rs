//! What the load benchmarks share: clients on C connections answering invitations, and the
//! latency report (p50, p99, max) of the acknowledged requests.

use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../../tests/it/common/http.rs"]
#[allow(dead_code)]
pub mod http;

pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// What a client does for one invitation: the latencies of its acknowledged requests.
pub type Job = dyn Fn(usize, &mut http::Conn) -> Vec<Duration> + Send + Sync;

/// Runs `job(invitation index, connection)` for every invitation on C connections; returns
/// the latencies of the acknowledged requests and the wall time.
pub fn phase(addr: &str, n: usize, c: usize, job: Arc<Job>) -> (Vec<Duration>, Duration) {
    let start = Instant::now();
    let threads: Vec<_> = (0..c)
        .map(|t| {
            let job = job.clone();
            let addr = addr.to_owned();
            std::thread::spawn(move || {
                let mut conn = http::Conn::connect(&addr).expect("connect");
                let mut lat = Vec::new();
                let mut i = t;
                while i < n {
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

pub fn report(name: &str, lat: &[Duration], wall: Duration) -> String {
    format!(
        "{name}: {} in {:.2} s = {:.0}/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        percentile(lat, 0.5),
        percentile(lat, 0.99),
        lat.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0),
    )
}
