//! Benchmark: the national-scale typology pipeline end to end, as `bench/national/pipeline.py`
//! does it with pandas, gower, scipy and scikit-learn.
//!
//! 1. read the member responses (CSV: `network,member,x0..,c0..`; `x*` numeric, `c*`
//!    nominal, empty = missing),
//! 2. network level: mean of each numeric variable, mode of each nominal one (ties to the
//!    smallest label; missing answers left out),
//! 3. Gower distance of the networks, average linkage, cut into K types, mean silhouette,
//! 4. descriptives of every variable overall and per type,
//! 5. a cross-table of every nominal variable by type with a chi-square test and the
//!    low-expected-counts check.
//!
//! Usage: `bench_national MEMBERS.csv [K]`; prints one JSON line (timings and results).
//! The reader is a plain comma splitter, streaming: the generated file has no quoted
//! fields, and a quote is refused rather than misread. Members are aggregated while the
//! file is read, so memory is the network-level data plus the distance matrices.

use leernet_stats::cluster::{cluster_sizes, cut_tree_maxclust, linkage, silhouette, Linkage};
use leernet_stats::descriptives::{chi_square, describe_nominal, describe_numeric};
use leernet_stats::gower::{gower, GowerColumn};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: bench_national MEMBERS.csv [K]");
    let k: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4);
    let mut times: Vec<(&str, f64)> = Vec::new();

    // 1. + 2. Read, and aggregate to network level while reading: the member rows are
    // not kept (that is most of the memory a data frame would take). Per network and
    // numeric variable a sum and a count; per network and nominal variable a count per
    // label (labels numbered in order of appearance, renumbered in sorted order below).
    let t0 = Instant::now();
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path).expect("open the CSV"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("a header");
    let header: Vec<String> = line.trim_end().split(',').map(str::to_string).collect();
    let kind: Vec<u8> = header
        .iter()
        .enumerate()
        .map(|(j, h)| match (j, h.as_bytes()[0]) {
            (0, _) => b'n',
            (_, b'x') => b'x',
            (_, b'c') => b'c',
            _ => b'-',
        })
        .collect();
    let pn = kind.iter().filter(|&&k| k == b'x').count();
    let pc = kind.iter().filter(|&&k| k == b'c').count();
    let mut net_index: HashMap<String, usize> = HashMap::new();
    let mut sums: Vec<f64> = Vec::new(); // network * pn + variable
    let mut counts: Vec<u32> = Vec::new();
    let mut labels_seen: Vec<Vec<String>> = vec![Vec::new(); pc];
    let mut label_counts: Vec<Vec<u32>> = Vec::new(); // [network * pc + variable][label]
    let mut row = 1;
    loop {
        line.clear();
        if reader.read_line(&mut line).expect("read the CSV") == 0 {
            break;
        }
        row += 1;
        let text = line.trim_end_matches(['\n', '\r']);
        assert!(
            !text.contains('"'),
            "row {row}: quoted fields are not supported here"
        );
        let mut fields = text.split(',');
        let id = fields.next().expect("a network id");
        let g = match net_index.get(id) {
            Some(&g) => g,
            None => {
                let g = net_index.len();
                net_index.insert(id.to_string(), g);
                sums.resize(sums.len() + pn, 0.0);
                counts.resize(counts.len() + pn, 0);
                label_counts.resize(label_counts.len() + pc, Vec::new());
                g
            }
        };
        let (mut a, mut c, mut nf) = (0, 0, 1);
        for (j, f) in fields.enumerate() {
            nf += 1;
            match kind.get(j + 1) {
                Some(b'x') => {
                    if !f.is_empty() {
                        let v: f64 = f.parse().unwrap_or_else(|_| {
                            panic!("row {row}, column {}: {f:?} is not a number", header[j + 1])
                        });
                        sums[g * pn + a] += v;
                        counts[g * pn + a] += 1;
                    }
                    a += 1;
                }
                Some(b'c') => {
                    if !f.is_empty() {
                        let seen = &mut labels_seen[c];
                        let code = match seen.iter().position(|l| l == f) {
                            Some(code) => code,
                            None => {
                                seen.push(f.to_string());
                                seen.len() - 1
                            }
                        };
                        let lc = &mut label_counts[g * pc + c];
                        if lc.len() <= code {
                            lc.resize(code + 1, 0);
                        }
                        lc[code] += 1;
                    }
                    c += 1;
                }
                _ => {}
            }
        }
        assert_eq!(nf, header.len(), "row {row} has {nf} fields");
    }
    times.push(("read", t0.elapsed().as_secs_f64()));

    // Network level, networks in sorted order (as pandas' groupby).
    let t0 = Instant::now();
    let mut ids: Vec<(&str, usize)> = net_index.iter().map(|(k, &v)| (k.as_str(), v)).collect();
    ids.sort_unstable();
    let nn = ids.len();
    let net_num: Vec<Vec<Option<f64>>> = (0..pn)
        .map(|a| {
            ids.iter()
                .map(|&(_, g)| {
                    let cnt = counts[g * pn + a];
                    (cnt > 0).then(|| sums[g * pn + a] / cnt as f64)
                })
                .collect()
        })
        .collect();
    // The mode, as an index into the variable's labels in sorted order (ties: the
    // smallest label).
    let mut labels_of: Vec<Vec<&str>> = Vec::new();
    let net_cat: Vec<Vec<Option<u32>>> = (0..pc)
        .map(|c| {
            let seen = &labels_seen[c];
            let mut order: Vec<usize> = (0..seen.len()).collect();
            order.sort_unstable_by(|&x, &y| seen[x].cmp(&seen[y]));
            let mut rank = vec![0u32; seen.len()];
            for (r, &o) in order.iter().enumerate() {
                rank[o] = r as u32;
            }
            labels_of.push(order.iter().map(|&o| seen[o].as_str()).collect());
            ids.iter()
                .map(|&(_, g)| {
                    let lc = &label_counts[g * pc + c];
                    let best = lc.iter().copied().max().unwrap_or(0);
                    (best > 0).then(|| {
                        (0..lc.len())
                            .filter(|&code| lc[code] == best)
                            .map(|code| rank[code])
                            .min()
                            .expect("a label with the top count")
                    })
                })
                .collect()
        })
        .collect();
    drop(label_counts);
    times.push(("aggregate", t0.elapsed().as_secs_f64()));

    // 3. Gower, average linkage, cut, silhouette.
    let t0 = Instant::now();
    let cols: Vec<GowerColumn> = net_num
        .iter()
        .map(|c| GowerColumn::Numeric(c))
        .chain(net_cat.iter().map(|c| GowerColumn::Nominal(c)))
        .collect();
    let d = gower(&cols).expect("gower");
    times.push(("gower", t0.elapsed().as_secs_f64()));
    let t0 = Instant::now();
    let z = linkage(&d, Linkage::Average).expect("linkage");
    let types = cut_tree_maxclust(&z, k).expect("cut");
    times.push(("linkage", t0.elapsed().as_secs_f64()));
    let t0 = Instant::now();
    let sil = silhouette(&d, &types).expect("silhouette");
    times.push(("silhouette", t0.elapsed().as_secs_f64()));

    // 4. + 5. Descriptives overall and per type; cross-tables by type.
    let t0 = Instant::now();
    let kk = types.iter().copied().max().unwrap_or(0);
    let mut mean_x0 = f64::NAN;
    for (j, col) in net_num.iter().enumerate() {
        let all = describe_numeric(col).expect("describe");
        if j == 0 {
            mean_x0 = all.mean.unwrap_or(f64::NAN);
        }
        for t in 1..=kk {
            let part: Vec<Option<f64>> = col
                .iter()
                .zip(&types)
                .filter(|(_, &ty)| ty == t)
                .map(|(v, _)| *v)
                .collect();
            describe_numeric(&part).expect("describe by type");
        }
    }
    let (mut chi2_sum, mut low_tables) = (0.0, 0);
    for (col, labels) in net_cat.iter().zip(&labels_of) {
        let as_str: Vec<Option<&str>> = col.iter().map(|c| c.map(|c| labels[c as usize])).collect();
        describe_nominal(&as_str).expect("describe nominal");
        // Rows: the labels that occur at network level; columns: types 1..K.
        let mut table = vec![vec![0u64; kk]; labels.len()];
        for (c, &t) in col.iter().zip(&types) {
            if let Some(c) = c {
                table[*c as usize][t - 1] += 1;
            }
        }
        table.retain(|r| r.iter().any(|&x| x > 0));
        let chi = chi_square(&table, false).expect("chi-square");
        chi2_sum += chi.statistic;
        low_tables += chi.low_expected_warning as usize;
    }
    times.push(("descriptives", t0.elapsed().as_secs_f64()));

    let mut sizes = cluster_sizes(&types);
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let total: f64 = times.iter().map(|(_, t)| t).sum();
    let times_json: Vec<String> = times
        .iter()
        .map(|(k, t)| format!("\"{k}\":{t:.4}"))
        .collect();
    println!(
        "{{\"side\":\"leernet\",\"times\":{{{}}},\"total_s\":{total:.4},\"threads\":{},\"networks\":{nn},\"root_height\":{},\"sizes\":{sizes:?},\"silhouette\":{sil},\"chi2_sum\":{chi2_sum},\"low_expected_tables\":{low_tables},\"mean_x0\":{mean_x0}}}",
        times_json.join(","),
        rayon::current_num_threads(),
        z.last().map_or(f64::NAN, |m| m.height),
    );
}
