//! Agglomerative hierarchical clustering on a dissimilarity matrix, cutting the tree
//! into k clusters, and the mean silhouette.
//!
//! Exists because the typology of learning networks is Gower + hierarchical clustering
//! by default, and researchers will check it against scipy and scikit-learn.
//!
//! The algorithms are scipy's, re-implemented (not the `kodama` crate: its merge list
//! is built by a different algorithm for each method, with its own labelling and tie
//! handling, and reproducing scipy's layout bit for bit — including which pair merges
//! first among equal distances — is easiest by running the same algorithm):
//! - single linkage: Prim's minimum spanning tree (scipy `mst_single_linkage`),
//! - complete, average, weighted, Ward: the nearest-neighbour chain (scipy `nn_chain`),
//!   O(n²) time, on a square f64 working copy of the (f64 or f32) condensed matrix
//!   ([`linkage`]), or on the condensed matrix itself ([`linkage_in_place`], n(n-1)/2
//!   entries: exactly scipy's in f64; see there for f32; long row and column reads and
//!   the update after each merge run in pieces on every core, put together in index
//!   order, so the merges do not depend on the schedule),
//! - then a stable sort by height and union-find relabelling, so the output is scipy's
//!   `linkage` layout: rows `[a, b, height, size]`, a < b, merged clusters numbered
//!   n, n+1, ... in row order.
//!
//! Ward on a non-Euclidean dissimilarity (such as Gower) uses the Lance–Williams update
//! as scipy does; its heights are then not sums of squares of anything.
//!
//! The cut follows scipy's `fcluster(Z, k, criterion="maxclust")`: the smallest height
//! threshold that leaves at most k clusters, labels 1..K numbered in the order the
//! dendrogram is walked. With tied heights at the cut this can give fewer than k
//! clusters (scipy does the same); k = n gives every row its own cluster, numbered in
//! row order (as scipy), k = 0 or k > n is an error.
//!
//! The silhouette is scikit-learn's `silhouette_score(D, labels, metric="precomputed")`:
//! s(i) = (b - a) / max(a, b), 0 for a row alone in its cluster, averaged over rows.

use crate::error::{StatsError, StatsResult};
use crate::gower::{
    condensed_index, matrix_len_within, CondensedMatrix, Distance, F32Bits, MATRIX_LIMIT_BYTES,
};
use rayon::prelude::*;

/// The linkage criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linkage {
    /// Nearest member.
    Single,
    /// Farthest member.
    Complete,
    /// Unweighted mean (UPGMA).
    Average,
    /// Weighted mean (WPGMA).
    Weighted,
    /// Ward's minimum variance (Lance–Williams form).
    Ward,
}

impl std::str::FromStr for Linkage {
    type Err = StatsError;
    fn from_str(s: &str) -> StatsResult<Self> {
        match s {
            "single" => Ok(Linkage::Single),
            "complete" => Ok(Linkage::Complete),
            "average" => Ok(Linkage::Average),
            "weighted" => Ok(Linkage::Weighted),
            "ward" => Ok(Linkage::Ward),
            other => Err(StatsError::Invalid(format!(
                "unknown linkage `{other}` (single, complete, average, weighted, ward)"
            ))),
        }
    }
}

/// One merge: clusters `a` < `b` joined at `height` into a cluster of `size` rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Merge {
    /// Smaller cluster id (rows are 0..n, merged clusters n, n+1, ...).
    pub a: usize,
    /// Larger cluster id.
    pub b: usize,
    /// Dissimilarity at which they merge.
    pub height: f64,
    /// Number of rows in the new cluster.
    pub size: usize,
}

impl Merge {
    /// The row of scipy's linkage matrix.
    pub fn to_row(&self) -> [f64; 4] {
        [self.a as f64, self.b as f64, self.height, self.size as f64]
    }
}

/// Hierarchical clustering; n - 1 merges in scipy's layout. Needs at least 2 rows.
///
/// An f32 matrix ([`crate::gower::gower_f32`]) is clustered as scipy clusters the same
/// values in f64: the working matrix is f64 whatever the input. (An f32 working matrix
/// rounds every Lance–Williams update and then resolves ties between merged clusters
/// differently from scipy: the conformance suite caught it on average linkage.)
pub fn linkage<T: Distance>(d: &CondensedMatrix<T>, method: Linkage) -> StatsResult<Vec<Merge>> {
    let n = d.n();
    if n < 2 {
        return Err(StatsError::TooFewRows {
            what: "hierarchical clustering".into(),
            need: 2,
            got: n,
        });
    }
    let mut raw = match method {
        Linkage::Single => mst_single(d),
        _ => nn_chain(d, method)?,
    };
    // Stable sort by height, as numpy's mergesort.
    raw.sort_by(|x, y| x.2.total_cmp(&y.2));
    Ok(relabel(raw, n))
}

/// [`linkage`] working in place on the condensed matrix it is given (and consumes), as
/// scipy's and fastcluster's `nn_chain` do: no memory beyond the matrix but a few vectors
/// of n entries. On an f64 matrix the merges are scipy's exactly (the same
/// algorithm on the same numbers, ties included; the conformance suite checks it). On an
/// f32 matrix ([`crate::gower::gower_f32`]) the Lance–Williams updates are rounded to
/// f32 too, so two clusters whose f64 distances differ by less than that rounding (or
/// are exactly tied in f32 and not in f64) may merge in the other order than scipy's:
/// the conformance suite finds different merges in 9 of its 243 data sets (all with many
/// exact ties) and different clusters at some cut in 6
/// (`clustering_in_place_gives_the_same_clusters`). For scipy's merges in 4 bytes a pair
/// use [`linkage_in_place_compact`].
///
/// The silhouette needs the distances afterwards: keep a copy, or compute them again
/// ([`crate::gower::gower_silhouette_samples`]).
pub fn linkage_in_place<T: Distance>(
    mut d: CondensedMatrix<T>,
    method: Linkage,
) -> StatsResult<Vec<Merge>> {
    let n = d.n();
    if n < 2 {
        return Err(StatsError::TooFewRows {
            what: "hierarchical clustering".into(),
            need: 2,
            got: n,
        });
    }
    let mut raw = match method {
        Linkage::Single => mst_single(&d),
        // One copy of the loop per method, so that the update is not a branch per entry.
        Linkage::Complete => nn_chain_in_place::<T, 1>(n, d.as_mut_slice(), Split::DEFAULT),
        Linkage::Average => nn_chain_in_place::<T, 2>(n, d.as_mut_slice(), Split::DEFAULT),
        Linkage::Weighted => nn_chain_in_place::<T, 3>(n, d.as_mut_slice(), Split::DEFAULT),
        Linkage::Ward => nn_chain_in_place::<T, 4>(n, d.as_mut_slice(), Split::DEFAULT),
    };
    raw.sort_by(|x, y| x.2.total_cmp(&y.2));
    Ok(relabel(raw, n))
}

/// When the in-place linkage spreads its work over the cores.
#[derive(Debug, Clone, Copy)]
struct Split {
    /// A column read (one cache line per entry) of at least twice this many entries
    /// runs in parts of this many.
    part: usize,
    /// A row read (contiguous) of at least twice this many entries runs in parts of
    /// this many.
    row_part: usize,
    /// The update of a merge runs in pieces from this many live clusters on.
    update_from: usize,
}

impl Split {
    /// A piece of 1,024 column entries takes some microseconds (one cache line each),
    /// more than handing it to another core; a contiguous row part needs 16 times as
    /// many entries for that. With rows of up to 5,000 entries read on one core the
    /// linkage at n = 5,000 took 0.45–0.58 s, against 0.66–0.74 s with them split from
    /// 2,048 (issue 24, fourth round, `bench/stats/RESULTS.md`).
    const DEFAULT: Split = Split {
        part: 1024,
        row_part: 16_384,
        update_from: 2048,
    };
}

/// Of two (distance, index) candidates from consecutive parts in index order, the
/// smaller distance; the left (lower indices) among equal ones, as a serial scan.
#[inline]
fn first_min<T: Distance>(l: (T, usize), r: (T, usize)) -> (T, usize) {
    if r.0 < l.0 {
        r
    } else {
        l
    }
}

/// Start of row r of a condensed matrix of n rows (r = n: its length).
#[inline]
fn row_start(n: usize, r: usize) -> usize {
    n * r - r * (r + 1) / 2
}

/// Cuts `rest`, whose first entry is at position `base`, into the given increasing,
/// non-overlapping ranges of positions (what lies between them is left out).
fn carve<'a, T>(
    mut rest: &'a mut [T],
    mut base: usize,
    ranges: &[(usize, usize)],
) -> Vec<&'a mut [T]> {
    let mut out = Vec::with_capacity(ranges.len());
    for &(lo, hi) in ranges {
        let (_, tail) = std::mem::take(&mut rest).split_at_mut(lo - base);
        let (mine, tail) = tail.split_at_mut(hi - lo);
        out.push(mine);
        rest = tail;
        base = hi;
    }
    out
}

/// What every piece of a merge's update reads: x merges into y (x < y), the new
/// distance of cluster i is `new(d(x, i), d(y, i), size[i])`.
struct MergeCtx<'a, F> {
    n: usize,
    x: usize,
    y: usize,
    off: &'a [usize],
    size: &'a [usize],
    new: &'a F,
}

/// A run of live clusters i, all on one side of x and y, with the entries it writes and
/// its part of the column minima.
struct Piece<'a, T> {
    /// 1: i < x (reads and writes row i); 2: x < i < y (reads row x, writes row i);
    /// 3: i > y (reads row x, reads and writes row y).
    side: u8,
    is: &'a [usize],
    /// The entries written, the first at position `base` of the condensed matrix.
    d: &'a mut [T],
    base: usize,
    /// `cmin`, `carg`, `exact` from cluster index `i0` on.
    i0: usize,
    cmin: &'a mut [T],
    carg: &'a mut [usize],
    exact: &'a mut [bool],
}

/// The update after x merged into y: the new distances into column y (i < y) and row
/// y (i > y), and the running column minima they touch; gives the minimum of the new
/// column y (the first among ties). `active` no longer holds x; `px` is where x was,
/// `py` where y is.
///
/// With `parallel` the live clusters are cut into pieces of about equal cost (an
/// entry of column y costs more than one of row y: a cache line each), each with the
/// disjoint part of the matrix and of the minima it writes, and the pieces run on
/// every core; each i is computed exactly as in the serial loop, and the column's
/// minimum is put together in index order, so the result does not depend on the
/// schedule.
fn merge_update<T: Distance, F: Fn(T, T, usize) -> T + Sync>(
    c: &MergeCtx<'_, F>,
    active: &[usize],
    px: usize,
    py: usize,
    dm: &mut [T],
    (cmin, carg, exact): (&mut [T], &mut [usize], &mut [bool]),
    parallel: bool,
) -> (T, usize) {
    let (n, x, y) = (c.n, c.x, c.y);
    // Cost weights per entry: two column reads and a column write; one; none.
    let sides: [(u8, &[usize], usize, usize); 3] = [
        (1, &active[..px], x, 3),
        (2, &active[px..py], y, 2),
        (3, &active[py + 1..], n, 1),
    ];
    let pieces_wanted = if parallel {
        4 * rayon::current_num_threads().max(1)
    } else {
        1
    };
    let cost: usize = sides.iter().map(|s| s.1.len() * s.3).sum();
    let per_piece = cost.div_ceil(pieces_wanted).max(1);
    // (side, clusters, index range [lo, hi)) of every piece, in index order.
    let mut runs: Vec<(u8, &[usize], usize, usize)> = Vec::new();
    for &(side, is, end, w) in &sides {
        let len = per_piece.div_ceil(w).max(1);
        let chunks: Vec<&[usize]> = is.chunks(len).collect();
        for (k, ch) in chunks.iter().enumerate() {
            let hi = chunks.get(k + 1).map_or(end, |next| next[0]);
            runs.push((side, ch, ch[0], hi));
        }
    }
    let rs = |r: usize| row_start(n, r);
    let (lo_rows, rest) = dm.split_at_mut(rs(x));
    let (row_x, hi_rows) = rest.split_at_mut(rs(x + 1) - rs(x));
    let row_x: &[T] = row_x;
    let ranges = |side: u8| -> Vec<(usize, usize)> {
        runs.iter()
            .filter(|r| r.0 == side)
            .map(|&(_, _, lo, hi)| {
                if side == 3 {
                    (rs(y) + lo - y - 1, rs(y) + hi - y - 1)
                } else {
                    (rs(lo), rs(hi))
                }
            })
            .collect()
    };
    let mut d1 = carve(lo_rows, 0, &ranges(1));
    let mut d23 = carve(hi_rows, rs(x + 1), &[ranges(2), ranges(3)].concat());
    let idx: Vec<(usize, usize)> = runs.iter().map(|r| (r.2, r.3)).collect();
    let cm = carve(cmin, 0, &idx);
    let ca = carve(carg, 0, &idx);
    let ex = carve(exact, 0, &idx);
    let mut ds = d1.drain(..).chain(d23.drain(..));
    let pieces: Vec<Piece<'_, T>> = runs
        .iter()
        .zip(cm.into_iter().zip(ca).zip(ex))
        .map(|(&(side, is, lo, _), ((cmin, carg), exact))| {
            let base = if side == 3 {
                rs(y) + lo - y - 1
            } else {
                rs(lo)
            };
            Piece {
                side,
                is,
                d: ds.next().expect("one range per piece"),
                base,
                i0: lo,
                cmin,
                carg,
                exact,
            }
        })
        .collect();
    let run = |p: Piece<'_, T>| piece_update(c, row_x, p);
    if parallel {
        pieces
            .into_par_iter()
            .map(run)
            .reduce(|| (T::INFINITY, usize::MAX), first_min)
    } else {
        pieces
            .into_iter()
            .map(run)
            .fold((T::INFINITY, usize::MAX), first_min)
    }
}

/// One piece of [`merge_update`]; the minimum of the new column y over its clusters.
#[inline]
fn piece_update<T: Distance, F: Fn(T, T, usize) -> T>(
    c: &MergeCtx<'_, F>,
    row_x: &[T],
    p: Piece<'_, T>,
) -> (T, usize) {
    let (x, y, off, size, new) = (c.x, c.y, c.off, c.size, c.new);
    let (mut ym, mut ya) = (T::INFINITY, usize::MAX);
    let d = p.d;
    // Row x's entry (x, i) is at i - x - 1 of `row_x`.
    match p.side {
        1 => {
            // i < x: (i, x) and (i, y) are both in row i.
            for &i in p.is {
                let r = off[i].wrapping_sub(p.base);
                let v = new(d[r.wrapping_add(x)], d[r.wrapping_add(y)], size[i]);
                d[r.wrapping_add(y)] = v;
                if v < ym {
                    ym = v;
                    ya = i;
                }
            }
        }
        2 => {
            // x < i < y: (x, i) in row x, (i, y) in row i; column i lost x.
            for &i in p.is {
                let pyi = off[i].wrapping_add(y).wrapping_sub(p.base);
                let v = new(row_x[i - x - 1], d[pyi], size[i]);
                d[pyi] = v;
                if v < ym {
                    ym = v;
                    ya = i;
                }
                let k = i - p.i0;
                if p.exact[k] && p.carg[k] == x {
                    p.exact[k] = false;
                }
            }
        }
        _ => {
            // i > y: rows x and y; column i lost x and has a new value at y.
            for &i in p.is {
                let pyi = off[y].wrapping_add(i).wrapping_sub(p.base);
                let v = new(row_x[i - x - 1], d[pyi], size[i]);
                d[pyi] = v;
                let k = i - p.i0;
                let (cm, ca, ex) = (&mut p.cmin[k], &mut p.carg[k], &mut p.exact[k]);
                if !*ex {
                    if v < *cm {
                        *cm = v;
                    }
                } else if *ca == x {
                    if v < *cm {
                        *cm = v;
                        *ca = y;
                    } else {
                        *ex = false;
                    }
                } else if *ca == y {
                    if v <= *cm {
                        *cm = v;
                    } else {
                        *ex = false;
                    }
                } else if v < *cm || (v == *cm && y < *ca) {
                    *cm = v;
                    *ca = y;
                }
            }
        }
    }
    (ym, ya)
}

/// scipy's `nn_chain` on the condensed matrix itself, updated in place.
///
/// A scan of cluster x reads its row (j > x, contiguous) and its column (i < x, one
/// cache line per entry). The column part is kept per cluster as a running minimum
/// (`cmin`/`carg`: the smallest distance to a live cluster of lower index and the lowest
/// such index), brought up to date by each merge. When a merge takes away the entry that
/// held it, the column's minimum is no longer known but bounded from below (`exact`
/// false, `cmin` a lower bound); the column is read again only when a scan needs it,
/// that is when the row part does not beat the bound. The scan's answer is the one a
/// full scan in increasing index order gives (scipy's choice among ties).
///
/// A column read of at least `2 * split.part` entries is split into parts of
/// `split.part` over every core (a row read likewise with `split.row_part`), and so is
/// the update of a merge from `split.update_from` live clusters on ([`merge_update`]);
/// the parts are put together in index order, so the result is the serial one whatever
/// the schedule.
fn nn_chain_in_place<T: Distance, const M: u8>(
    n: usize,
    dm: &mut [T],
    split: Split,
) -> Vec<(usize, usize, f64)> {
    let method = match M {
        1 => Linkage::Complete,
        2 => Linkage::Average,
        3 => Linkage::Weighted,
        _ => Linkage::Ward,
    };
    // Row i of the condensed matrix starts at off[i] + (i + 1), so (i, j), i < j, is at
    // off[i] + j (wrapping: off[0] is -1).
    let off: Vec<usize> = (0..n)
        .map(|i| condensed_index(n, i, i + 1).wrapping_sub(i + 1))
        .collect();
    let mut cmin = vec![T::INFINITY; n];
    let mut carg = vec![usize::MAX; n];
    let mut exact = vec![true; n];
    column_minima(n, dm, &mut cmin, &mut carg);
    let mut size = vec![1usize; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut out = Vec::with_capacity(n - 1);
    for _ in 0..n - 1 {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        let (x, y, current_min) = loop {
            let x = *chain.last().expect("chain is not empty");
            let p = active.binary_search(&x).expect("x is live");
            // The row part: the first strict minimum over live j > x.
            let row = off[x];
            let scan = |part: &[usize]| {
                let (mut m, mut a) = (T::INFINITY, usize::MAX);
                for &j in part {
                    let v = dm[row.wrapping_add(j)];
                    if v < m {
                        m = v;
                        a = j;
                    }
                }
                (m, a)
            };
            let rest = &active[p + 1..];
            let (mr, yr) = if rest.len() >= 2 * split.row_part {
                rest.par_chunks(split.row_part)
                    .map(scan)
                    .reduce(|| (T::INFINITY, usize::MAX), first_min)
            } else {
                scan(rest)
            };
            if !exact[x] && mr >= cmin[x] {
                // The bound does not decide: read the column (a long one on every core).
                let column = |part: &[usize]| {
                    let (mut m, mut a) = (T::INFINITY, usize::MAX);
                    for &i in part {
                        let v = dm[off[i].wrapping_add(x)];
                        if v < m {
                            m = v;
                            a = i;
                        }
                    }
                    (m, a)
                };
                let (m, a) = if p >= 2 * split.part {
                    active[..p]
                        .par_chunks(split.part)
                        .map(column)
                        .reduce(|| (T::INFINITY, usize::MAX), first_min)
                } else {
                    column(&active[..p])
                };
                cmin[x] = m;
                carg[x] = a;
                exact[x] = true;
            }
            // Lower indices first among equal distances.
            let (m, y) = if exact[x] && cmin[x] <= mr {
                (cmin[x], carg[x])
            } else {
                (mr, yr)
            };
            if chain.len() > 1 {
                let prev = chain[chain.len() - 2];
                let dp = if prev < x {
                    dm[off[prev].wrapping_add(x)]
                } else {
                    dm[row.wrapping_add(prev)]
                };
                if dp <= m {
                    break (x, prev, dp);
                }
            }
            chain.push(y);
        };
        chain.truncate(chain.len() - 2);
        let (x, y) = if x > y { (y, x) } else { (x, y) };
        let height = current_min.to_f64();
        let (nx, ny) = (size[x], size[y]);
        out.push((x, y, height));
        size[x] = 0;
        size[y] = nx + ny;
        let px = active.binary_search(&x).expect("x is live");
        active.remove(px);
        let py = active.binary_search(&y).expect("y is live");
        let new = |dxi: T, dyi: T, si: usize| -> T {
            T::from_f64(update(
                method,
                dxi.to_f64(),
                dyi.to_f64(),
                height,
                nx as f64,
                ny as f64,
                si as f64,
            ))
        };
        // The new distances, into column y (i < y) and row y (i > y), and the column
        // minima they touch. Column y is all new. From `split.update_from` live
        // clusters on, in pieces on every core (see `merge_update`).
        let (ym, ya) = merge_update(
            &MergeCtx {
                n,
                x,
                y,
                off: &off,
                size: &size,
                new: &new,
            },
            &active,
            px,
            py,
            dm,
            (&mut cmin, &mut carg, &mut exact),
            active.len() >= split.update_from,
        );
        cmin[y] = ym;
        carg[y] = ya;
        exact[y] = true;
    }
    out
}

/// [`linkage_in_place`] with scipy's merges exactly (f64 working values) in 4 bytes per
/// pair: n(n-1)/2 × 4 bytes for the whole clustering (800 MB at n = 20,000), the f32
/// Gower matrix ([`crate::gower::gower_within`] with [`F32Bits`]) being the only matrix.
///
/// How: a distance between two rows is the f32 of the matrix, exact in f64. The f64
/// distance of a merged cluster y to a live cluster i is split in two halves of 32 bits:
/// the upper one in the slot of the pair (y, i), the lower one in the slot of (s, i),
/// where s is the cluster that died in the merge that made y (its slots are free from
/// then on, and each dead cluster is the "shadow" of one cluster only). Of two merged
/// clusters the later one's shadow holds the pair's lower half. Reading a distance then
/// takes two slots instead of one, so this is slower than [`WorkingPrecision::Exact`];
/// the merges are the same bit for bit (unit tests and the conformance suite).
pub fn linkage_in_place_compact(
    mut d: CondensedMatrix<F32Bits>,
    method: Linkage,
) -> StatsResult<Vec<Merge>> {
    let n = d.n();
    if n < 2 {
        return Err(StatsError::TooFewRows {
            what: "hierarchical clustering".into(),
            need: 2,
            got: n,
        });
    }
    let mut raw = match method {
        Linkage::Single => mst_single(&d),
        Linkage::Complete => nn_chain_compact::<1>(n, d.as_mut_slice(), Split::DEFAULT),
        Linkage::Average => nn_chain_compact::<2>(n, d.as_mut_slice(), Split::DEFAULT),
        Linkage::Weighted => nn_chain_compact::<3>(n, d.as_mut_slice(), Split::DEFAULT),
        Linkage::Ward => nn_chain_compact::<4>(n, d.as_mut_slice(), Split::DEFAULT),
    };
    raw.sort_by(|x, y| x.2.total_cmp(&y.2));
    Ok(relabel(raw, n))
}

/// The slots and the merge history that give the f64 distance of two live clusters.
struct Compact<'a> {
    dm: &'a mut [F32Bits],
    off: Vec<usize>,
    /// 0 for a row still alone, else 1 + the merge step that made the cluster.
    birth: Vec<usize>,
    /// The cluster that died in the merge that made this one.
    shadow: Vec<usize>,
}

impl Compact<'_> {
    #[inline]
    fn pos(&self, i: usize, j: usize) -> usize {
        if i < j {
            self.off[i].wrapping_add(j)
        } else {
            self.off[j].wrapping_add(i)
        }
    }

    /// d(a, b) of two live clusters, a != b.
    #[inline]
    fn get(&self, a: usize, b: usize) -> f64 {
        let p = self.pos(a, b);
        let (ba, bb) = (self.birth[a], self.birth[b]);
        if ba == 0 && bb == 0 {
            return self.dm[p].to_f64();
        }
        let (r, o) = if ba > bb { (a, b) } else { (b, a) };
        let hi = self.dm[p].0 as u64;
        let lo = self.dm[self.pos(self.shadow[r], o)].0 as u64;
        f64::from_bits((hi << 32) | lo)
    }

    /// The upper 32 bits of d(a, b)'s f64 (one slot read): a larger key is a larger
    /// distance (the bits of non-negative f64 order as their values), an equal key
    /// decides nothing.
    #[inline]
    fn key(&self, a: usize, b: usize) -> u32 {
        let p = self.pos(a, b);
        if self.birth[a] == 0 && self.birth[b] == 0 {
            (self.dm[p].to_f64().to_bits() >> 32) as u32
        } else {
            self.dm[p].0
        }
    }

    /// The first strict minimum of d(x, j) over `js` (in increasing order): the pair's
    /// full value is read only where the upper halves do not decide.
    #[inline]
    fn first_min(&self, x: usize, js: &[usize]) -> (f64, usize) {
        let (mut bk, mut bv, mut bj) = (u32::MAX, f64::INFINITY, usize::MAX);
        // bv is the value of bj once known (NaN: not read yet).
        for &j in js {
            let k = self.key(x, j);
            if k > bk {
                continue;
            }
            if k < bk {
                bk = k;
                bj = j;
                bv = f64::NAN;
                continue;
            }
            if bv.is_nan() {
                bv = self.get(x, bj);
            }
            let v = self.get(x, j);
            if v < bv {
                bv = v;
                bj = j;
            }
        }
        if bj == usize::MAX {
            return (f64::INFINITY, bj);
        }
        if bv.is_nan() {
            bv = self.get(x, bj);
        }
        (bv, bj)
    }

    /// [`Compact::first_min`] in parts of `part` on every core when `js` holds at least
    /// two parts; the parts' answers put together in index order, so the answer is the
    /// serial one.
    fn first_min_split(&self, x: usize, js: &[usize], part: usize) -> (f64, usize) {
        if js.len() >= 2 * part {
            js.par_chunks(part)
                .map(|ch| self.first_min(x, ch))
                .reduce(|| (f64::INFINITY, usize::MAX), first_min)
        } else {
            self.first_min(x, js)
        }
    }

    /// Sets d(y, i) of the newest cluster y (shadow s) to v.
    #[inline]
    fn set_newest(&mut self, y: usize, s: usize, i: usize, v: f64) {
        let b = v.to_bits();
        let (p, q) = (self.pos(y, i), self.pos(s, i));
        self.dm[p] = F32Bits((b >> 32) as u32);
        self.dm[q] = F32Bits(b as u32);
    }
}

/// scipy's `nn_chain` in 4 bytes per pair (see [`linkage_in_place_compact`]); the scans
/// and the column minima as in [`nn_chain_in_place`]. Long scans and, from
/// `split.update_from` live clusters on, the new distances after a merge are computed on
/// every core (each value as on one core; the scans' parts put together in index order).
fn nn_chain_compact<const M: u8>(
    n: usize,
    dm: &mut [F32Bits],
    split: Split,
) -> Vec<(usize, usize, f64)> {
    let method = match M {
        1 => Linkage::Complete,
        2 => Linkage::Average,
        3 => Linkage::Weighted,
        _ => Linkage::Ward,
    };
    let off: Vec<usize> = (0..n)
        .map(|i| condensed_index(n, i, i + 1).wrapping_sub(i + 1))
        .collect();
    let mut cmin32 = vec![F32Bits::INFINITY; n];
    let mut carg = vec![usize::MAX; n];
    column_minima(n, dm, &mut cmin32, &mut carg);
    let mut cmin: Vec<f64> = cmin32.iter().map(|v| v.to_f64()).collect();
    drop(cmin32);
    let mut c = Compact {
        dm,
        off,
        birth: vec![0; n],
        shadow: vec![usize::MAX; n],
    };
    let mut exact = vec![true; n];
    let mut size = vec![1usize; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut out = Vec::with_capacity(n - 1);
    // The new distances of a merge, in the order of `active`.
    let mut new_row: Vec<f64> = Vec::with_capacity(n);
    for step in 0..n - 1 {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        let (x, y, current_min) = loop {
            let x = *chain.last().expect("chain is not empty");
            let p = active.binary_search(&x).expect("x is live");
            let (mr, yr) = c.first_min_split(x, &active[p + 1..], split.row_part);
            if !exact[x] && mr >= cmin[x] {
                let (m, a) = c.first_min_split(x, &active[..p], split.part);
                cmin[x] = m;
                carg[x] = a;
                exact[x] = true;
            }
            let (m, y) = if exact[x] && cmin[x] <= mr {
                (cmin[x], carg[x])
            } else {
                (mr, yr)
            };
            if chain.len() > 1 {
                let prev = chain[chain.len() - 2];
                let dp = c.get(x, prev);
                if dp <= m {
                    break (x, prev, dp);
                }
            }
            chain.push(y);
        };
        chain.truncate(chain.len() - 2);
        let (x, y) = if x > y { (y, x) } else { (x, y) };
        let height = current_min;
        let (nx, ny) = (size[x], size[y]);
        out.push((x, y, height));
        size[x] = 0;
        size[y] = nx + ny;
        let px = active.binary_search(&x).expect("x is live");
        active.remove(px);
        // All new distances first, from the old ones (the writes go to the slots of
        // (y, i) and (x, i), which hold old values of this merge only).
        let new_of = |i: usize| {
            if i == y {
                return 0.0;
            }
            update(
                method,
                c.get(x, i),
                c.get(y, i),
                height,
                nx as f64,
                ny as f64,
                size[i] as f64,
            )
        };
        new_row.clear();
        if active.len() >= split.update_from {
            active
                .par_iter()
                .map(|&i| new_of(i))
                .collect_into_vec(&mut new_row);
        } else {
            new_row.extend(active.iter().map(|&i| new_of(i)));
        }
        c.birth[y] = step + 1;
        c.shadow[y] = x;
        let (mut ym, mut ya) = (f64::INFINITY, usize::MAX);
        for (&i, &v) in active.iter().zip(&new_row) {
            if i == y {
                continue;
            }
            c.set_newest(y, x, i, v);
            if i < y {
                if v < ym {
                    ym = v;
                    ya = i;
                }
                if i > x && exact[i] && carg[i] == x {
                    exact[i] = false;
                }
            } else if !exact[i] {
                if v < cmin[i] {
                    cmin[i] = v;
                }
            } else if carg[i] == x {
                if v < cmin[i] {
                    cmin[i] = v;
                    carg[i] = y;
                } else {
                    exact[i] = false;
                }
            } else if carg[i] == y {
                if v <= cmin[i] {
                    cmin[i] = v;
                } else {
                    exact[i] = false;
                }
            } else if v < cmin[i] || (v == cmin[i] && y < carg[i]) {
                cmin[i] = v;
                carg[i] = y;
            }
        }
        cmin[y] = ym;
        carg[y] = ya;
        exact[y] = true;
    }
    out
}

/// For every column j, the smallest d(i, j) over i < j and the lowest such i; one pass
/// over the condensed matrix, columns split over every core.
fn column_minima<T: Distance>(n: usize, dm: &[T], cmin: &mut [T], carg: &mut [usize]) {
    const COLS: usize = 2048;
    cmin.par_chunks_mut(COLS)
        .zip(carg.par_chunks_mut(COLS))
        .enumerate()
        .for_each(|(b, (cm, ca))| {
            let j0 = b * COLS;
            let j1 = j0 + cm.len();
            for i in 0..j1.saturating_sub(1) {
                let lo = j0.max(i + 1);
                let start = condensed_index(n, i, lo);
                for (k, &v) in dm[start..start + (j1 - lo)].iter().enumerate() {
                    let j = lo + k - j0;
                    if v < cm[j] {
                        cm[j] = v;
                        ca[j] = i;
                    }
                }
            }
        });
}

fn mst_single<T: Distance>(d: &CondensedMatrix<T>) -> Vec<(usize, usize, f64)> {
    let n = d.n();
    let dist = d.as_slice();
    let mut merged = vec![false; n];
    let mut best = vec![T::INFINITY; n];
    let mut out = Vec::with_capacity(n - 1);
    let mut x = 0;
    let mut y = 0;
    for _ in 0..n - 1 {
        let mut current_min = T::INFINITY;
        merged[x] = true;
        for i in 0..n {
            if merged[i] {
                continue;
            }
            let dd = if x < i {
                dist[condensed_index(n, x, i)]
            } else {
                dist[condensed_index(n, i, x)]
            };
            if best[i] > dd {
                best[i] = dd;
            }
            if best[i] < current_min {
                y = i;
                current_min = best[i];
            }
        }
        out.push((x, y, current_min.to_f64()));
        x = y;
    }
    out
}

#[inline]
fn update(method: Linkage, d_xi: f64, d_yi: f64, d_xy: f64, nx: f64, ny: f64, ni: f64) -> f64 {
    match method {
        Linkage::Single => d_xi.min(d_yi),
        Linkage::Complete => d_xi.max(d_yi),
        Linkage::Average => (nx * d_xi + ny * d_yi) / (nx + ny),
        Linkage::Weighted => 0.5 * (d_xi + d_yi),
        Linkage::Ward => {
            let t = 1.0 / (nx + ny + ni);
            ((ni + nx) * t * d_xi * d_xi + (ni + ny) * t * d_yi * d_yi - ni * t * d_xy * d_xy)
                .sqrt()
        }
    }
}

/// The condensed matrix as a full square f64 one (row-major) with +inf on the diagonal,
/// filled in parallel and in tiles so that both the reads and the writes stay in cache.
fn to_square<T: Distance>(d: &CondensedMatrix<T>) -> StatsResult<Vec<f64>> {
    let n = d.n();
    let cond = d.as_slice();
    let len = matrix_len_within::<f64>(
        n,
        (n as u128) * (n as u128),
        MATRIX_LIMIT_BYTES,
        "the square working matrix of the clustering",
    )?;
    // Zeroed memory comes from the system untouched (calloc), so the pages are first
    // written by the parallel fill below, on every core.
    let mut sq = vec![0.0f64; len];
    const T_ROWS: usize = 64;
    sq.par_chunks_mut(T_ROWS * n)
        .enumerate()
        .for_each(|(b, rows)| {
            let i0 = b * T_ROWS;
            let nb = rows.len() / n;
            // Upper part: row i, columns j > i, is a contiguous copy.
            for r in 0..nb {
                let i = i0 + r;
                rows[r * n + i] = f64::INFINITY;
                if i + 1 < n {
                    let start = condensed_index(n, i, i + 1);
                    for (o, c) in rows[r * n + i + 1..(r + 1) * n]
                        .iter_mut()
                        .zip(&cond[start..start + n - 1 - i])
                    {
                        *o = c.to_f64();
                    }
                }
            }
            // Lower part: row i, columns j < i, from condensed row j (contiguous in i).
            for j in 0..(i0 + nb).min(n) {
                let lo = i0.max(j + 1);
                for i in lo..i0 + nb {
                    rows[(i - i0) * n + j] = cond[condensed_index(n, j, i)].to_f64();
                }
            }
        });
    Ok(sq)
}

/// scipy's `nn_chain`, scanning only the active clusters (in increasing order, so the
/// choice among tied distances is scipy's), on a full square f64 working matrix so that
/// the scan of a cluster's distances reads one contiguous row.
///
/// After a merge the new cluster's distances are written to its row (contiguous) and its
/// column (one cache line and one page per live cluster: most of the linkage's time).
/// The column is written on every core when many clusters are live.
fn nn_chain<T: Distance>(
    d: &CondensedMatrix<T>,
    method: Linkage,
) -> StatsResult<Vec<(usize, usize, f64)>> {
    // Below this many live clusters the column is written on one core.
    nn_chain_with(d, method, 2048, 512)
}

/// [`nn_chain`] writing the column on every core while at least `parallel_from` clusters
/// are live, `rows_per_task` rows per task.
fn nn_chain_with<T: Distance>(
    d: &CondensedMatrix<T>,
    method: Linkage,
    parallel_from: usize,
    rows_per_task: usize,
) -> StatsResult<Vec<(usize, usize, f64)>> {
    let n = d.n();
    let mut dm = to_square(d)?;
    let mut size = vec![1usize; n];
    // Active cluster indices in increasing order; compacted as clusters die.
    let mut active: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut out = Vec::with_capacity(n - 1);
    let mut new_row = vec![0.0f64; n];
    for _ in 0..n - 1 {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        let (x, y, current_min) = loop {
            let x = *chain.last().expect("chain is not empty");
            let row = &dm[x * n..(x + 1) * n];
            let (mut y, mut current_min) = if chain.len() > 1 {
                let y = chain[chain.len() - 2];
                (y, row[y])
            } else {
                (usize::MAX, f64::INFINITY)
            };
            for &i in &active {
                let dist = row[i];
                if dist < current_min && i != x {
                    current_min = dist;
                    y = i;
                }
            }
            if chain.len() > 1 && y == chain[chain.len() - 2] {
                break (x, y, current_min);
            }
            chain.push(y);
        };
        chain.truncate(chain.len() - 2);
        let (x, y) = if x > y { (y, x) } else { (x, y) };
        let (nx, ny) = (size[x], size[y]);
        out.push((x, y, current_min));
        size[x] = 0;
        size[y] = nx + ny;
        if let Ok(pos) = active.binary_search(&x) {
            active.remove(pos);
        }
        // The new distances, into row y.
        for &i in &active {
            if i == y {
                continue;
            }
            let v = update(
                method,
                dm[x * n + i],
                dm[y * n + i],
                current_min,
                nx as f64,
                ny as f64,
                size[i] as f64,
            );
            dm[y * n + i] = v;
            new_row[i] = v;
        }
        // ... and into column y.
        if active.len() >= parallel_from {
            let size = &size;
            let new_row = &new_row;
            dm.par_chunks_mut(rows_per_task * n)
                .enumerate()
                .for_each(|(b, rows)| {
                    let i0 = b * rows_per_task;
                    for (r, row) in rows.chunks_exact_mut(n).enumerate() {
                        let i = i0 + r;
                        if size[i] > 0 && i != y {
                            row[y] = new_row[i];
                        }
                    }
                });
        } else {
            for &i in &active {
                if i != y {
                    dm[i * n + y] = new_row[i];
                }
            }
        }
    }
    Ok(out)
}

/// The typology's pipeline with one distance matrix: Gower distances, the clustering in
/// place on that matrix, the cut into at most k clusters and the mean silhouette.
#[derive(Debug, Clone, PartialEq)]
pub struct GowerClustering {
    /// The merges, in scipy's layout.
    pub merges: Vec<Merge>,
    /// Cluster labels 1..K of the cut (scipy's `fcluster(maxclust)`).
    pub labels: Vec<usize>,
    /// Mean silhouette of the cut; None when it has fewer than 2 or more than n - 1
    /// clusters.
    pub silhouette: Option<f64>,
}

/// The numbers the clustering works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkingPrecision {
    /// The f32 Gower distances held in f64, the updates in f64: scipy's merges on the
    /// `gower` package's float32 matrix exactly (the conformance suite), n(n-1)/2 × 8
    /// bytes (1.6 GB at n = 20,000). The default.
    Exact,
    /// The same merges as `Exact`, bit for bit, in half the memory (n(n-1)/2 × 4 bytes,
    /// 800 MB at n = 20,000): the f64 working values are split over two f32 slots
    /// ([`linkage_in_place_compact`]); slower, as every distance read takes two slots.
    ExactCompact,
    /// f32: half the memory (800 MB at n = 20,000), but every Lance–Williams update is
    /// rounded to f32, so clusters whose distances differ by less than that rounding
    /// (about 1e-7 relative) may merge in another order than scipy's: on the
    /// conformance data sets (many exact ties) 9 of 243 trees differ and 6 cut
    /// differently.
    F32,
    /// `Exact` when its matrix takes at most [`EXACT_BUDGET_BYTES`] (n ≤ 16,384), else
    /// `ExactCompact`: scipy's merges either way, the fast path while it fits the
    /// budget and half the memory beyond it.
    Auto,
}

/// The memory up to which [`WorkingPrecision::Auto`] clusters in 8 bytes a pair: 1 GiB,
/// an f64 condensed matrix of 16,384 rows.
pub const EXACT_BUDGET_BYTES: u128 = 1 << 30;

/// Up to this size the matrix is copied (in f32, which holds its values exactly) before
/// the clustering overwrites it, so that the silhouette reads the copy (128 MiB:
/// n ≤ 8,192); above it the silhouette computes the distances again, which takes
/// about as long as the first time but no memory.
pub const SILHOUETTE_COPY_LIMIT_BYTES: usize = 128 << 20;

/// Gower + [`linkage_in_place`] + [`cut_tree_maxclust`] + the mean silhouette (of the
/// distances as the matrix holds them). Peak memory: the condensed matrix,
/// n(n-1)/2 × 8 bytes ([`WorkingPrecision::Exact`]) or × 4 ([`WorkingPrecision::F32`]),
/// plus vectors of n entries, plus the copy for the silhouette when it is at most
/// [`SILHOUETTE_COPY_LIMIT_BYTES`]. The matrix may take at most `limit_bytes` (checked
/// before anything is allocated).
pub fn gower_clustering(
    columns: &[crate::gower::GowerColumn],
    method: Linkage,
    k: usize,
    precision: WorkingPrecision,
    limit_bytes: u128,
) -> StatsResult<GowerClustering> {
    let n = columns.first().map_or(0, crate::gower::GowerColumn::len);
    let precision = match precision {
        WorkingPrecision::Auto => {
            let fits = crate::gower::condensed_len_within::<f64>(n, EXACT_BUDGET_BYTES, "").is_ok();
            if fits {
                WorkingPrecision::Exact
            } else {
                WorkingPrecision::ExactCompact
            }
        }
        other => other,
    };
    match precision {
        WorkingPrecision::Exact | WorkingPrecision::Auto => gower_clustering_in(
            columns,
            crate::gower::gower_f32_values_in_f64(columns, limit_bytes)?,
            method,
            k,
        ),
        WorkingPrecision::ExactCompact => gower_clustering_in(
            columns,
            crate::gower::gower_within::<F32Bits>(columns, limit_bytes)?,
            method,
            k,
        ),
        WorkingPrecision::F32 => gower_clustering_in(
            columns,
            crate::gower::gower_within::<f32>(columns, limit_bytes)?,
            method,
            k,
        ),
    }
}

/// The linkage in place that fits the matrix's type.
trait InPlace: Distance {
    fn linkage(d: CondensedMatrix<Self>, method: Linkage) -> StatsResult<Vec<Merge>>;
}

impl InPlace for f64 {
    fn linkage(d: CondensedMatrix<Self>, method: Linkage) -> StatsResult<Vec<Merge>> {
        linkage_in_place(d, method)
    }
}

impl InPlace for f32 {
    fn linkage(d: CondensedMatrix<Self>, method: Linkage) -> StatsResult<Vec<Merge>> {
        linkage_in_place(d, method)
    }
}

impl InPlace for F32Bits {
    fn linkage(d: CondensedMatrix<Self>, method: Linkage) -> StatsResult<Vec<Merge>> {
        linkage_in_place_compact(d, method)
    }
}

/// The clustering of `d`, the f32 Gower matrix of `columns` (held in `T`).
fn gower_clustering_in<T: InPlace>(
    columns: &[crate::gower::GowerColumn],
    d: CondensedMatrix<T>,
    method: Linkage,
    k: usize,
) -> StatsResult<GowerClustering> {
    let n = d.n();
    // The copy for the silhouette in f32: half the memory of an f64 one, the same values.
    let copy = (std::mem::size_of_val(d.as_slice()) / std::mem::size_of::<T>()
        * std::mem::size_of::<f32>()
        <= SILHOUETTE_COPY_LIMIT_BYTES)
        .then(|| d.to_f32_copy());
    let merges = T::linkage(d, method)?;
    let labels = cut_tree_maxclust(&merges, k)?;
    let silhouette = if SilhouetteLabels::new(&labels, n).is_err() {
        None
    } else {
        let s = match &copy {
            Some(d) => silhouette_samples(d, &labels)?,
            None => crate::gower::gower_silhouette_samples::<f32>(columns, &labels)?,
        };
        Some(s.iter().sum::<f64>() / n as f64)
    };
    Ok(GowerClustering {
        merges,
        labels,
        silhouette,
    })
}

/// Union-find relabelling of sorted merges (scipy's `label`).
fn relabel(raw: Vec<(usize, usize, f64)>, n: usize) -> Vec<Merge> {
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    let mut sizes = vec![1usize; 2 * n - 1];
    let mut next = n;
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        let mut root = x;
        while parent[root] != root {
            root = parent[root];
        }
        while parent[x] != root {
            let nx = parent[x];
            parent[x] = root;
            x = nx;
        }
        root
    }
    raw.into_iter()
        .map(|(x, y, h)| {
            let (rx, ry) = (find(&mut parent, x), find(&mut parent, y));
            let (a, b) = if rx < ry { (rx, ry) } else { (ry, rx) };
            parent[rx] = next;
            parent[ry] = next;
            let size = sizes[rx] + sizes[ry];
            sizes[next] = size;
            next += 1;
            Merge {
                a,
                b,
                height: h,
                size,
            }
        })
        .collect()
}

/// Cuts the tree into at most `k` clusters (scipy `fcluster(Z, k, "maxclust")`;
/// see the module doc for ties and k >= n - 1). Labels are 1..K.
pub fn cut_tree_maxclust(merges: &[Merge], k: usize) -> StatsResult<Vec<usize>> {
    let n = merges.len() + 1;
    if k == 0 || k > n {
        return Err(StatsError::InvalidK { k, n });
    }
    // Monotone criterion: the largest height in each subtree.
    let mut mc = vec![0.0f64; n - 1];
    for (r, m) in merges.iter().enumerate() {
        let mut h = m.height;
        for c in [m.a, m.b] {
            if c >= n {
                if c - n >= r {
                    return Err(StatsError::Invalid(format!(
                        "merge {r} uses cluster {c} before it is formed"
                    )));
                }
                h = h.max(mc[c - n]);
            }
        }
        mc[r] = h;
    }
    if k == n {
        // scipy numbers singletons in row order here, not in dendrogram order.
        return Ok((1..=n).collect());
    }
    // Smallest threshold t in {-inf} ∪ mc with n - #{mc <= t} <= k.
    let mut sorted = mc.clone();
    sorted.sort_by(f64::total_cmp);
    let cutoff = *sorted
        .iter()
        .find(|&&t| n - sorted.partition_point(|&v| v <= t) <= k)
        .expect("the root height leaves one cluster");
    Ok(cluster_monocrit(merges, &mc, cutoff, n))
}

/// scipy's `cluster_monocrit`: walk from the root, left child first.
fn cluster_monocrit(merges: &[Merge], mc: &[f64], cutoff: f64, n: usize) -> Vec<usize> {
    let mut labels = vec![0usize; n];
    if n == 1 {
        labels[0] = 1;
        return labels;
    }
    let mut n_cluster = 0usize;
    let mut leader: Option<usize> = None;
    let mut visited = vec![false; 2 * n - 1];
    let mut stack = vec![2 * n - 2];
    while let Some(&top) = stack.last() {
        let root = top - n;
        let (lc, rc) = (merges[root].a, merges[root].b);
        if leader.is_none() && mc[root] <= cutoff {
            leader = Some(root);
            n_cluster += 1;
        }
        if lc >= n && !visited[lc] {
            visited[lc] = true;
            stack.push(lc);
            continue;
        }
        if rc >= n && !visited[rc] {
            visited[rc] = true;
            stack.push(rc);
            continue;
        }
        for c in [lc, rc] {
            if c < n {
                if leader.is_none() {
                    n_cluster += 1;
                }
                labels[c] = n_cluster;
            }
        }
        if leader == Some(root) {
            leader = None;
        }
        stack.pop();
    }
    labels
}

/// Cluster sizes for labels 1..K (index 0 is cluster 1).
pub fn cluster_sizes(labels: &[usize]) -> Vec<usize> {
    let k = labels.iter().copied().max().unwrap_or(0);
    let mut sizes = vec![0; k];
    for &l in labels {
        if l >= 1 {
            sizes[l - 1] += 1;
        }
    }
    sizes
}

/// Mean silhouette on a dissimilarity matrix, as scikit-learn's
/// `silhouette_score(D, labels, metric="precomputed")`. Labels may be any integers.
///
/// Errors when the number of distinct labels is not in 2..=n-1 (scikit-learn's rule).
pub fn silhouette<T: Distance>(d: &CondensedMatrix<T>, labels: &[usize]) -> StatsResult<f64> {
    Ok(silhouette_samples(d, labels)?.iter().sum::<f64>() / labels.len() as f64)
}

/// The silhouette of every row (0 for a row alone in its cluster). Sums are taken in f64
/// also from an f32 matrix, in parallel over blocks of rows.
pub fn silhouette_samples<T: Distance>(
    d: &CondensedMatrix<T>,
    labels: &[usize],
) -> StatsResult<Vec<f64>> {
    let n = d.n();
    let l = SilhouetteLabels::new(labels, n)?;
    let k = l.k;
    let lab = &l.lab;
    // sums[i * k + c] = Σ_{j in c} d(i, j); one pass over the condensed matrix, each
    // entry added to both of its rows. Blocks of rows (of about equal numbers of
    // entries) run in parallel, each with its own sums, added up at the end.
    let data = d.as_slice();
    let total = data.len();
    let sums = row_blocks(n, total < 1 << 16)
        .into_par_iter()
        .map(|(r0, r1)| {
            let mut sums = vec![0.0f64; n * k];
            let mut pos = condensed_index(n, r0, r0 + 1).min(total);
            for i in r0..r1 {
                let li = lab[i];
                let row = &data[pos..pos + (n - 1 - i)];
                pos += n - 1 - i;
                let (head, tail) = sums.split_at_mut((i + 1) * k);
                let si = &mut head[i * k..];
                for ((&dij, &lj), t) in row.iter().zip(&lab[i + 1..]).zip(tail.chunks_exact_mut(k))
                {
                    let dij = dij.to_f64();
                    si[lj] += dij;
                    t[li] += dij;
                }
            }
            sums
        })
        .reduce_with(add_sums)
        .unwrap_or_else(|| vec![0.0; n * k]);
    Ok(l.finish(&sums))
}

/// Labels of a silhouette, checked and numbered 0..k.
pub(crate) struct SilhouetteLabels {
    /// Label of each row, 0..k.
    pub(crate) lab: Vec<usize>,
    /// Number of distinct labels.
    pub(crate) k: usize,
    sizes: Vec<usize>,
}

impl SilhouetteLabels {
    /// Errors when the number of labels is not n, or the number of distinct labels not
    /// in 2..=n-1 (scikit-learn's rule).
    pub(crate) fn new(labels: &[usize], n: usize) -> StatsResult<Self> {
        if labels.len() != n {
            return Err(StatsError::Invalid(format!(
                "{} labels for {n} rows",
                labels.len()
            )));
        }
        let mut distinct: Vec<usize> = labels.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let k = distinct.len();
        if k < 2 || k > n.saturating_sub(1) {
            return Err(StatsError::Undefined(format!(
                "the silhouette needs between 2 and n - 1 = {} clusters, got {k}",
                n.saturating_sub(1)
            )));
        }
        let lab: Vec<usize> = labels
            .iter()
            .map(|l| distinct.binary_search(l).expect("label is in the list"))
            .collect();
        let mut sizes = vec![0usize; k];
        for &l in &lab {
            sizes[l] += 1;
        }
        Ok(SilhouetteLabels { lab, k, sizes })
    }

    /// The silhouette of every row from `sums[i * k + c]` = Σ_{j in c} d(i, j).
    pub(crate) fn finish(&self, sums: &[f64]) -> Vec<f64> {
        let k = self.k;
        (0..self.lab.len())
            .map(|i| {
                let li = self.lab[i];
                if self.sizes[li] <= 1 {
                    return 0.0;
                }
                let a = sums[i * k + li] / (self.sizes[li] - 1) as f64;
                let b = (0..k)
                    .filter(|&c| c != li)
                    .map(|c| sums[i * k + c] / self.sizes[c] as f64)
                    .fold(f64::INFINITY, f64::min);
                let m = a.max(b);
                if m > 0.0 {
                    (b - a) / m
                } else {
                    0.0
                }
            })
            .collect()
    }
}

/// Consecutive row ranges [r0, r1) of about equal numbers of condensed entries: one when
/// `small`, else four per thread.
pub(crate) fn row_blocks(n: usize, small: bool) -> Vec<(usize, usize)> {
    let total = n * n.saturating_sub(1) / 2;
    let threads = rayon::current_num_threads().max(1);
    let parts = if small { 1 } else { 4 * threads };
    let mut bounds = vec![0usize];
    let mut acc = 0usize;
    for i in 0..n {
        acc += n - 1 - i;
        if acc * parts >= total * bounds.len() && bounds.len() < parts {
            bounds.push(i + 1);
        }
    }
    if *bounds.last().expect("bounds start at 0") != n {
        bounds.push(n);
    }
    bounds.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Element-wise sum of two partial sum vectors.
pub(crate) fn add_sums(mut a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    for (x, y) in a.iter_mut().zip(&b) {
        *x += y;
    }
    a
}

/// Adjusted Rand index of two partitions of the same rows (Hubert & Arabie 1985), as
/// scikit-learn's `adjusted_rand_score`: computed exactly in integers from the pair
/// confusion matrix; 1 when the partitions agree on every pair (also when both put all
/// rows together or all apart). Labels may be any integers.
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> StatsResult<f64> {
    if a.len() != b.len() {
        return Err(StatsError::Invalid(format!(
            "partitions of {} and {} rows",
            a.len(),
            b.len()
        )));
    }
    let n = a.len() as i128;
    let mut joint: std::collections::BTreeMap<(usize, usize), i128> = Default::default();
    let mut ra: std::collections::BTreeMap<usize, i128> = Default::default();
    let mut rb: std::collections::BTreeMap<usize, i128> = Default::default();
    for (&x, &y) in a.iter().zip(b) {
        *joint.entry((x, y)).or_default() += 1;
        *ra.entry(x).or_default() += 1;
        *rb.entry(y).or_default() += 1;
    }
    let sum_squares: i128 = joint.values().map(|v| v * v).sum();
    let sa: i128 = ra.values().map(|v| v * v).sum();
    let sb: i128 = rb.values().map(|v| v * v).sum();
    let tp = sum_squares - n;
    let fp = sb - sum_squares;
    let fn_ = sa - sum_squares;
    let tn = n * n - fp - fn_ - sum_squares;
    if fn_ == 0 && fp == 0 {
        return Ok(1.0);
    }
    let num = 2 * (tp * tn - fn_ * fp);
    let den = (tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn);
    Ok(num as f64 / den as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(xs: &[f64]) -> CondensedMatrix {
        let n = xs.len();
        let mut v = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                v.push((xs[i] - xs[j]).abs());
            }
        }
        CondensedMatrix::new(n, v).unwrap()
    }

    #[test]
    fn scipy_layout_on_a_line() {
        // Points 0, 1, 3, 7: single linkage merges (0,1)@1, (2,4)@2, (3,5)@4.
        let d = line(&[0.0, 1.0, 3.0, 7.0]);
        let z = linkage(&d, Linkage::Single).unwrap();
        let rows: Vec<[f64; 4]> = z.iter().map(Merge::to_row).collect();
        assert_eq!(
            rows,
            vec![
                [0.0, 1.0, 1.0, 2.0],
                [2.0, 4.0, 2.0, 3.0],
                [3.0, 5.0, 4.0, 4.0]
            ]
        );
        let za = linkage(&d, Linkage::Average).unwrap();
        assert_eq!(za[1].height, 2.5); // mean of |3-0|, |3-1|
        let labels = cut_tree_maxclust(&za, 2).unwrap();
        assert_eq!(labels, vec![1, 1, 1, 2]);
        assert_eq!(cluster_sizes(&labels), vec![3, 1]);
        assert!(cut_tree_maxclust(&za, 5).is_err());
        assert_eq!(cut_tree_maxclust(&za, 4).unwrap(), vec![1, 2, 3, 4]);
    }

    #[test]
    fn k_n_minus_one_gives_n_minus_one_clusters() {
        // scipy's fcluster(Z, 3, "maxclust") gives [1, 1, 2, 3] here.
        let d = line(&[0.0, 1.0, 3.0, 7.0]);
        let z = linkage(&d, Linkage::Average).unwrap();
        assert_eq!(cut_tree_maxclust(&z, 3).unwrap(), vec![1, 1, 2, 3]);
    }

    #[test]
    fn parallel_column_writes_change_nothing() {
        // Distances on a coarse grid (many ties) between 300 rows: the linkage with the
        // column written by parallel tasks of 7 rows from the start is the serial one.
        let n = 300;
        let mut state = 7u64;
        let v: Vec<f64> = (0..n * (n - 1) / 2)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                ((state >> 33) % 20) as f64 / 20.0
            })
            .collect();
        let d = CondensedMatrix::new(n, v).unwrap();
        for method in [
            Linkage::Average,
            Linkage::Complete,
            Linkage::Weighted,
            Linkage::Ward,
        ] {
            let serial = nn_chain_with(&d, method, usize::MAX, 1).unwrap();
            let parallel = nn_chain_with(&d, method, 0, 7).unwrap();
            assert_eq!(serial, parallel, "{method:?}");
            assert_eq!(serial.len(), n - 1);
        }
    }

    /// A random condensed matrix of n rows with values on a grid of `levels` steps
    /// (coarse grids give many ties).
    fn grid(n: usize, levels: u64, seed: u64) -> CondensedMatrix {
        let mut state = seed;
        let v: Vec<f64> = (0..n * (n - 1) / 2)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                ((state >> 33) % levels) as f64 / levels as f64
            })
            .collect();
        CondensedMatrix::new(n, v).unwrap()
    }

    #[test]
    fn in_place_f64_is_the_square_path() {
        // Same algorithm on the same f64 numbers: the same merges, bit for bit, also
        // among many ties (coarse grid) and without them (fine grid).
        for (n, levels, seed) in [
            (2, 3, 1),
            (3, 2, 2),
            (57, 4, 3),
            (300, 20, 4),
            (400, 1 << 30, 5),
        ] {
            let d = grid(n, levels, seed);
            for method in [
                Linkage::Single,
                Linkage::Average,
                Linkage::Complete,
                Linkage::Weighted,
                Linkage::Ward,
            ] {
                let old = linkage(&d, method).unwrap();
                let new = linkage_in_place(d.clone(), method).unwrap();
                assert_eq!(old, new, "n={n} levels={levels} {method:?}");
                // In 4 bytes per pair: the f32 values, clustered exactly as in f64.
                let d32 = CondensedMatrix::new(
                    n,
                    d.as_slice().iter().map(|&v| F32Bits::from_f64(v)).collect(),
                )
                .unwrap();
                let d64 =
                    CondensedMatrix::new(n, d32.as_slice().iter().map(|v| v.to_f64()).collect())
                        .unwrap();
                assert_eq!(
                    linkage(&d64, method).unwrap(),
                    linkage_in_place_compact(d32, method).unwrap(),
                    "n={n} levels={levels} {method:?} compact"
                );
                if method != Linkage::Single {
                    // Row and column reads split over the cores from 6 entries on, the
                    // update of every merge in pieces: the serial merges (in 8 bytes a
                    // pair and in 4).
                    let split = Split {
                        part: 3,
                        row_part: 3,
                        update_from: 2,
                    };
                    let mut dd = d.clone();
                    let m = dd.as_mut_slice();
                    let mut raw = match method {
                        Linkage::Complete => nn_chain_in_place::<f64, 1>(n, m, split),
                        Linkage::Average => nn_chain_in_place::<f64, 2>(n, m, split),
                        Linkage::Weighted => nn_chain_in_place::<f64, 3>(n, m, split),
                        _ => nn_chain_in_place::<f64, 4>(n, m, split),
                    };
                    raw.sort_by(|x, y| x.2.total_cmp(&y.2));
                    assert_eq!(
                        old,
                        relabel(raw, n),
                        "n={n} levels={levels} {method:?} split"
                    );
                    let mut d32 = CondensedMatrix::new(
                        n,
                        d.as_slice().iter().map(|&v| F32Bits::from_f64(v)).collect(),
                    )
                    .unwrap();
                    let want = linkage(
                        &CondensedMatrix::new(
                            n,
                            d32.as_slice().iter().map(|v| v.to_f64()).collect(),
                        )
                        .unwrap(),
                        method,
                    )
                    .unwrap();
                    let m = d32.as_mut_slice();
                    let mut raw = match method {
                        Linkage::Complete => nn_chain_compact::<1>(n, m, split),
                        Linkage::Average => nn_chain_compact::<2>(n, m, split),
                        Linkage::Weighted => nn_chain_compact::<3>(n, m, split),
                        _ => nn_chain_compact::<4>(n, m, split),
                    };
                    raw.sort_by(|x, y| x.2.total_cmp(&y.2));
                    assert_eq!(
                        want,
                        relabel(raw, n),
                        "n={n} levels={levels} {method:?} compact split"
                    );
                }
            }
        }
    }

    #[test]
    fn adjusted_rand_hand() {
        // Hubert & Arabie's ARI of [0,0,1,1] vs [0,0,1,2]: 0.5714285714 (= 4/7).
        let r = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]).unwrap();
        assert!((r - 4.0 / 7.0).abs() < 1e-15);
        assert_eq!(adjusted_rand_index(&[1, 1, 2], &[5, 5, 7]).unwrap(), 1.0);
    }

    #[test]
    fn silhouette_hand() {
        // Rousseeuw (1987) definition on two tight pairs: s = (b - a) / b.
        let d = line(&[0.0, 1.0, 10.0, 11.0]);
        let s = silhouette_samples(&d, &[1, 1, 2, 2]).unwrap();
        assert!((s[0] - (10.5 - 1.0) / 10.5).abs() < 1e-15);
        assert!(silhouette(&d, &[1, 1, 1, 1]).is_err());
    }
}
