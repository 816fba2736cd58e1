//! Benchmark: Gower + average linkage + cut into k + mean silhouette on generated mixed
//! data (40 numeric, 40 nominal columns), the typology pipeline of leernet.
//!
//! Usage: `cargo run --release -p leernet-stats --example bench_typology -- N REPEATS [CSV]`
//! Prints one JSON line per repeat and the medians. With CSV, also writes the generated
//! data there (so the Python benchmark can run on the very same data).
//!
//! The steps are those of `cluster::gower_clustering`, timed one by one: the f32 Gower
//! distances held in f64, the linkage in place on that one matrix, the silhouette from a
//! copy up to 128 MiB or from the distances computed again. `LEERNET_BENCH_PATH` picks
//! another path for a comparison in the same minutes: `compact` (the same merges in 4
//! bytes a pair, `WorkingPrecision::ExactCompact`), `f32` (the same with f32 working
//! values: half the memory, not always scipy's tree) or `square` (the path before:
//! the f32 Gower matrix, a square f64 working copy for the linkage, the silhouette from
//! the matrix), or `auto` (`gower_clustering` with `WorkingPrecision::Auto` in one call,
//! its time all under "linkage": exact in 8 bytes a pair up to 1 GiB, compact beyond).

use leernet_stats::cluster::{
    cut_tree_maxclust, gower_clustering, linkage, linkage_in_place, linkage_in_place_compact,
    silhouette, Linkage, WorkingPrecision, SILHOUETTE_COPY_LIMIT_BYTES,
};
use leernet_stats::gower::{
    gower_f32, gower_f32_values_in_f64, gower_silhouette_samples, gower_within, CondensedMatrix,
    Distance, F32Bits, GowerColumn, MATRIX_LIMIT_BYTES,
};

/// The linkage in place on `d` and the cut into 4; the f32 copy of `d` for the
/// silhouette when it is small enough (as `gower_clustering` does).
fn in_place<T: Distance>(
    d: CondensedMatrix<T>,
) -> (
    Vec<leernet_stats::cluster::Merge>,
    Vec<usize>,
    Option<CondensedMatrix<f32>>,
) {
    let copy = (d.as_slice().len() * 4 <= SILHOUETTE_COPY_LIMIT_BYTES).then(|| d.to_f32_copy());
    let z = linkage_in_place(d, Linkage::Average).expect("linkage");
    let labels = cut_tree_maxclust(&z, 4).expect("cut");
    (z, labels, copy)
}

/// The mean silhouette from the copy, or from the distances computed again.
fn mean_silhouette<T: Distance>(
    copy: &Option<CondensedMatrix<T>>,
    cols: &[GowerColumn],
    labels: &[usize],
) -> f64 {
    match copy {
        Some(d) => silhouette(d, labels).expect("silhouette"),
        None => {
            let each = gower_silhouette_samples::<f32>(cols, labels).expect("silhouette");
            each.iter().sum::<f64>() / labels.len() as f64
        }
    }
}
use std::io::Write;

/// The allocator of the `leernet` binary, so that the matrices are placed as in the server.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// CPU seconds (user + system) of the calling thread, from /proc (Linux); 0 elsewhere.
/// The machine is shared: CPU time of the single-threaded linkage is steadier than wall
/// time.
fn thread_cpu_s() -> f64 {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let repeats: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let csv = args.get(3);
    let mut rng = Rng(42);
    // Numbers with 3 decimals (exact in CSV), categories with 2..6 levels.
    let num: Vec<Vec<Option<f64>>> = (0..40)
        .map(|_| {
            (0..n)
                .map(|_| Some((rng.unit() * 100_000.0).round() / 1000.0))
                .collect()
        })
        .collect();
    let nom: Vec<Vec<Option<u32>>> = (0..40)
        .map(|c| {
            let levels = 2 + (c % 5) as u64;
            (0..n).map(|_| Some((rng.next() % levels) as u32)).collect()
        })
        .collect();
    if let Some(path) = csv {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create csv"));
        let header: Vec<String> = (0..40)
            .map(|i| format!("x{i}"))
            .chain((0..40).map(|i| format!("c{i}")))
            .collect();
        writeln!(f, "{}", header.join(",")).unwrap();
        for r in 0..n {
            let row: Vec<String> = num
                .iter()
                .map(|c| format!("{}", c[r].unwrap()))
                .chain(nom.iter().map(|c| format!("k{}", c[r].unwrap())))
                .collect();
            writeln!(f, "{}", row.join(",")).unwrap();
        }
    }
    let cols: Vec<GowerColumn> = num
        .iter()
        .map(|c| GowerColumn::Numeric(c))
        .chain(nom.iter().map(|c| GowerColumn::Nominal(c)))
        .collect();
    let path = std::env::var("LEERNET_BENCH_PATH").unwrap_or_else(|_| "exact".into());
    let (mut tg, mut tl, mut ts, mut tt) = (vec![], vec![], vec![], vec![]);
    for rep in 0..repeats {
        let t0 = Instant::now();
        let (z, labels, s, t1, t2, lc) = match path.as_str() {
            "square" => {
                let d = gower_f32(&cols).expect("gower");
                let t1 = Instant::now();
                let c1 = thread_cpu_s();
                let z = linkage(&d, Linkage::Average).expect("linkage");
                let labels = cut_tree_maxclust(&z, 4).expect("cut");
                let lc = thread_cpu_s() - c1;
                let t2 = Instant::now();
                let s = silhouette(&d, &labels).expect("silhouette");
                (z, labels, s, t1, t2, lc)
            }
            "compact" => {
                let d = gower_within::<F32Bits>(&cols, MATRIX_LIMIT_BYTES).expect("gower");
                let t1 = Instant::now();
                let c1 = thread_cpu_s();
                let copy = (d.as_slice().len() * 4 <= SILHOUETTE_COPY_LIMIT_BYTES)
                    .then(|| d.to_f32_copy());
                let z = linkage_in_place_compact(d, Linkage::Average).expect("linkage");
                let labels = cut_tree_maxclust(&z, 4).expect("cut");
                let lc = thread_cpu_s() - c1;
                let t2 = Instant::now();
                let s = mean_silhouette(&copy, &cols, &labels);
                (z, labels, s, t1, t2, lc)
            }
            "f32" => {
                let d = gower_f32(&cols).expect("gower");
                let t1 = Instant::now();
                let c1 = thread_cpu_s();
                let (z, labels, copy) = in_place(d);
                let lc = thread_cpu_s() - c1;
                let t2 = Instant::now();
                let s = mean_silhouette(&copy, &cols, &labels);
                (z, labels, s, t1, t2, lc)
            }
            "auto" => {
                // The library's pipeline in one call (`WorkingPrecision::Auto`): exact in 8
                // bytes a pair up to 1 GiB, in 4 beyond; timed as one step.
                let c1 = thread_cpu_s();
                let g = gower_clustering(
                    &cols,
                    Linkage::Average,
                    4,
                    WorkingPrecision::Auto,
                    MATRIX_LIMIT_BYTES,
                )
                .expect("pipeline");
                let lc = thread_cpu_s() - c1;
                let t = Instant::now();
                (
                    g.merges,
                    g.labels,
                    g.silhouette.unwrap_or(f64::NAN),
                    t0,
                    t,
                    lc,
                )
            }
            _ => {
                let d = gower_f32_values_in_f64(&cols, MATRIX_LIMIT_BYTES).expect("gower");
                let t1 = Instant::now();
                let c1 = thread_cpu_s();
                let (z, labels, copy) = in_place(d);
                let lc = thread_cpu_s() - c1;
                let t2 = Instant::now();
                let s = mean_silhouette(&copy, &cols, &labels);
                (z, labels, s, t1, t2, lc)
            }
        };
        let _ = labels;
        let t3 = Instant::now();
        let (g, l, si) = (
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            (t3 - t2).as_secs_f64(),
        );
        println!(
            "{{\"rep\":{rep},\"n\":{n},\"gower_s\":{g:.4},\"linkage_s\":{l:.4},\"linkage_cpu_s\":{lc:.2},\"silhouette_s\":{si:.4},\"total_s\":{:.4},\"silhouette\":{s:.6},\"root_height\":{:.9}}}",
            g + l + si,
            z.last().unwrap().height
        );
        tg.push(g);
        tl.push(l);
        ts.push(si);
        tt.push(g + l + si);
    }
    println!(
        "MEDIAN leernet path={} n={n} threads={} gower={:.4}s linkage+cut={:.4}s silhouette={:.4}s total={:.4}s",
        path,
        rayon::current_num_threads(),
        median(tg),
        median(tl),
        median(ts),
        median(tt)
    );
}
