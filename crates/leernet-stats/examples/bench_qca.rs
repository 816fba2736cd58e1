//! Benchmark: QCA (necessity, truth table, conservative, parsimonious and intermediate
//! solutions) on generated data of three sizes, the targets of issue 25.
//!
//! 1. `small`: 17 cases × 6 fuzzy conditions (the study's size), everything.
//! 2. `large`: 2,000 cases × 12 fuzzy conditions, everything, all three solutions.
//! 3. `tt16`: a 16-condition crisp truth table (2,000 cases), minimised (conservative,
//!    parsimonious, intermediate).
//!
//! The outcome is a known set expression of the conditions plus seeded noise, so the truth
//! tables have positive, negative and contradictory rows like real data (see [`make`]).
//! The large cases use a frequency cut-off of 2, as a researcher would with 2,000 cases.
//!
//! Usage: `cargo run --release -p leernet-stats --example bench_qca -- [REPEATS]`
//! Prints one line per case with the median and every repeat (milliseconds).

use leernet_stats::qca::necessity::necessity;
use leernet_stats::qca::solutions::{minimize, DirExp, MinimizeOptions};
use leernet_stats::qca::{truth_table, QcaData, TruthTableOptions};
use leernet_stats::rng::SplitMix64;
use std::time::Instant;

/// Generated data: `n` cases, `k` conditions. Cases come from `types` latent
/// configurations (real conditions are correlated, so cases cluster), each condition
/// flipped with probability `flip`; fuzzy scores lie on the latent side of 0.5 (half of them
/// at full membership or non-membership, the others at most 0.3 from it). The outcome is
/// `A*B + C*~D + E*F*~G` of the scores with a share `noise` of the cases flipped.
fn make(
    n: usize,
    k: usize,
    types: usize,
    flip: f64,
    noise: f64,
    fuzzy: bool,
    seed: u64,
) -> QcaData {
    let mut r = SplitMix64::new(seed);
    let protos: Vec<Vec<bool>> = (0..types)
        .map(|_| (0..k).map(|_| r.unit() < 0.5).collect())
        .collect();
    let latent: Vec<Vec<bool>> = (0..n)
        .map(|_| {
            // Skewed type frequencies: the square of a uniform favours the first types.
            let u = r.unit();
            let t = ((u * u) * types as f64) as usize;
            protos[t.min(types - 1)]
                .iter()
                .map(|&b| if r.unit() < flip { !b } else { b })
                .collect()
        })
        .collect();
    let cols: Vec<Vec<f64>> = (0..k)
        .map(|j| {
            (0..n)
                .map(|i| {
                    let on = latent[i][j];
                    if fuzzy {
                        let u = ((r.unit() * 60.0).round() / 100.0 - 0.3).max(0.0);
                        if on {
                            1.0 - u
                        } else {
                            u
                        }
                    } else if on {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| {
            let v = |j: usize| cols[j % k][i];
            let t1 = v(0).min(v(1));
            let t2 = v(2).min(1.0 - v(3));
            let t3 = v(4).min(v(5)).min(1.0 - v(6));
            let s = t1.max(t2).max(t3);
            let noisy = if r.unit() < noise { 1.0 - s } else { s };
            if fuzzy {
                noisy
            } else if noisy > 0.5 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let ids = (1..=n).map(|i| format!("c{i}")).collect();
    let names = (0..k).map(|j| format!("X{j}")).collect();
    QcaData::new(ids, names, cols, "Y", y, false).expect("generated data are valid")
}

fn run(data: &QcaData, incl_cut: f64, n_cut: usize) -> String {
    let nec = necessity(data);
    let tt = truth_table(
        data,
        TruthTableOptions {
            incl_cut,
            n_cut,
            pri_cut: 0.0,
        },
    )
    .expect("truth table");
    if std::env::var_os("QCA_BENCH_TRACE").is_some() {
        eprintln!(
            "  truth table: {} observed, {} positive, {} negative",
            tt.observed().count(),
            tt.observed()
                .filter(|r| r.out == leernet_stats::qca::Out::Positive)
                .count(),
            tt.observed()
                .filter(|r| r.out == leernet_stats::qca::Out::Negative)
                .count()
        );
        let t = Instant::now();
        let m = minimize(data, &tt, &MinimizeOptions::default());
        eprintln!(
            "  without intermediate: {:?}; models {:?} / {:?}",
            t.elapsed(),
            m.conservative.as_ref().map(|s| s.models.len()),
            m.parsimonious.as_ref().map(|s| s.models.len())
        );
    }
    let opts = MinimizeOptions {
        dir_exp: Some(DirExp::all(data, 1)),
    };
    let m = minimize(data, &tt, &opts);
    let count = |r: &Result<leernet_stats::qca::Solution, _>| match r {
        Ok(s) if s.models.len() == 1 && s.prime_implicants.len() <= 5 => format!(
            "1 model, {} PI(s): {}",
            s.prime_implicants.len(),
            s.models[0].expression
        ),
        Ok(s) => format!(
            "{} model(s), {} PI(s)",
            s.models.len(),
            s.prime_implicants.len()
        ),
        Err(e) => format!("error: {e}"),
    };
    let inter = match &m.intermediate {
        Some(Ok(v)) => format!("{} variant(s)", v.len()),
        Some(Err(e)) => format!("error: {e}"),
        None => "none".into(),
    };
    format!(
        "necessity rows {}, observed rows {}, positive {}, conservative {}, parsimonious {}, intermediate {}",
        nec.len(),
        tt.observed().count(),
        tt.observed()
            .filter(|r| r.out == leernet_stats::qca::Out::Positive)
            .count(),
        count(&m.conservative),
        count(&m.parsimonious),
        inter
    )
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
    let repeats: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let cases = [
        (
            "small 17x6 fuzzy",
            make(17, 6, 17, 0.03, 0.03, true, 1),
            0.8,
            1,
        ),
        (
            "large 2000x12 fuzzy, clean",
            make(2000, 12, 200, 0.0, 0.0, true, 2),
            0.8,
            2,
        ),
        (
            "tt16 2000x16 crisp, clean",
            make(2000, 16, 300, 0.0, 0.0, false, 3),
            0.8,
            2,
        ),
        (
            "stress: large, 1% flips, 3% noise",
            make(2000, 12, 200, 0.01, 0.03, true, 2),
            0.8,
            2,
        ),
        (
            "stress: tt16, 1% flips, 3% noise",
            make(2000, 16, 300, 0.01, 0.03, false, 3),
            0.8,
            2,
        ),
    ];
    for (name, data, cut, ncut) in &cases {
        let repeats = if name.starts_with("stress") {
            1
        } else {
            repeats
        };
        let mut times = Vec::new();
        let mut what = String::new();
        for _ in 0..repeats {
            let t = Instant::now();
            what = run(data, *cut, *ncut);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let all: Vec<String> = times.iter().map(|t| format!("{t:.2}")).collect();
        println!(
            "{name}: median {:.2} ms over {repeats} repeats [{}]; {what}",
            median(times.clone()),
            all.join(", ")
        );
    }
}
