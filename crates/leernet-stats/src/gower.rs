//! Gower's (1971) general dissimilarity for mixed data, as a condensed matrix.
//!
//! Exists because survey data mix numbers, categories, ordered answers and
//! multi-select options, and the typology clusters networks on all of them at once.
//!
//! For rows i and j, d(i, j) = Σ_k δ_ijk d_ijk / Σ_k δ_ijk, where δ_ijk = 0 when either
//! value of column k is missing (and, for asymmetric binary columns, when both are 0),
//! else 1, and
//! - numeric: d_ijk = |x_ik - x_jk| / range_k (range over the present values; a
//!   constant column contributes 0 with weight 1),
//! - ordinal: the values are replaced by their dense ranks 1..M among the present
//!   values (R `daisy`'s treatment of ordered factors), then treated as numeric,
//! - nominal: 0 when equal, 1 otherwise,
//! - asymmetric binary (a multi-select option): 1 when exactly one is 1, 0 when both
//!   are 1, and not compared (δ = 0) when both are 0.
//!
//! Where this differs from the Python `gower` package (`gower_matrix`), on purpose:
//! - missing values: the package has no pairwise deletion — a NaN in a numeric column
//!   makes every distance of that row NaN (its own diagonal included; unless the
//!   column's range is zero, when the NaN is silently scored 0), and two missing
//!   categorical values compare as *equal*; here a missing value takes the column out
//!   of that pair (Gower 1971). Tested in the conformance suite;
//! - precision: the package takes min and max in float32 (so `1 - min/max` loses
//!   digits when the range is small against the values) and returns float32; here all
//!   arithmetic is f64 and [`gower`] returns f64 (the package agrees to about 1e-5
//!   relative). [`gower_f32`] stores the same f64 values rounded once to f32 (at most
//!   half an f32 unit in the last place, relative 2^-24 ≈ 6e-8, off; the conformance
//!   suite checks it bit for bit): half the memory, for the typology of many networks;
//! - ranges: the package normalises by `1 - min/max` after dividing by `max`, which is
//!   the range only when max > 0 (with max <= 0 it gives negative or zero "ranges");
//!   here the range is max - min for any sign;
//! - the package has no ordinal or asymmetric binary type.
//!
//! A pair of rows with no column in common has no Gower distance: that is an error
//! naming the rows, never a NaN.
//!
//! The matrix is computed in blocks of 32 consecutive rows (their data, about 15 KB for
//! 80 columns, stay in the first-level cache while every later row passes them), the
//! blocks spread over every core by rayon. When no value is missing, a block meets the
//! later rows four at a time (`Tiles`): the same sums in the same order, in vector
//! instructions (at n = 5,000 × 80 about 1.15× on one core: writing the matrix's fresh
//! memory takes much of the rest).

use crate::error::{StatsError, StatsResult};
use rayon::prelude::*;

/// One column of the data, with missing values as `None`.
#[derive(Debug, Clone, Copy)]
pub enum GowerColumn<'a> {
    /// Interval or ratio variable: range-normalised absolute difference.
    Numeric(&'a [Option<f64>]),
    /// Ordered categories given as sortable numbers: ranked, then range-normalised.
    Ordinal(&'a [Option<f64>]),
    /// Unordered category codes: 0 when equal, 1 otherwise.
    Nominal(&'a [Option<u32>]),
    /// Presence/absence (multi-select option): 0-0 pairs are not compared.
    AsymmetricBinary(&'a [Option<bool>]),
}

impl GowerColumn<'_> {
    pub(crate) fn len(&self) -> usize {
        match self {
            GowerColumn::Numeric(v) | GowerColumn::Ordinal(v) => v.len(),
            GowerColumn::Nominal(v) => v.len(),
            GowerColumn::AsymmetricBinary(v) => v.len(),
        }
    }
}

/// A number a dissimilarity matrix can hold: f64, or f32 to halve the memory of large
/// matrices. Reading one always gives an f64 (the conversion from f32 is exact).
pub trait Distance: Copy + PartialOrd + Send + Sync + std::fmt::Debug + 'static {
    /// Larger than every distance.
    const INFINITY: Self;
    /// Zero.
    const ZERO: Self;
    /// The value as an f64 (exact).
    fn to_f64(self) -> f64;
    /// The nearest value to `x` (for f32: rounded to nearest, ties to even).
    fn from_f64(x: f64) -> Self;
}

impl Distance for f64 {
    const INFINITY: Self = f64::INFINITY;
    const ZERO: Self = 0.0;
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn from_f64(x: f64) -> Self {
        x
    }
}

impl Distance for f32 {
    const INFINITY: Self = f32::INFINITY;
    const ZERO: Self = 0.0;
    #[inline]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

/// An f32 distance kept as its bits, so that a slot of the matrix can also hold half of an
/// f64 (the exact clustering in 4 bytes per pair, [`crate::cluster::linkage_in_place`]).
/// As a distance it is the f32 (non-negative, so the bits order as the values do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct F32Bits(pub u32);

impl Distance for F32Bits {
    const INFINITY: Self = F32Bits(0x7f80_0000);
    const ZERO: Self = F32Bits(0);
    #[inline]
    fn to_f64(self) -> f64 {
        f32::from_bits(self.0) as f64
    }
    #[inline]
    fn from_f64(x: f64) -> Self {
        F32Bits((x as f32).to_bits())
    }
}

/// The most memory one distance matrix (or the clustering's working matrix) may take:
/// 4 GiB, an f32 condensed matrix of about 46,000 rows. Checked with exact (u128)
/// arithmetic before anything is allocated; beyond it the work stops with
/// [`StatsError::TooLarge`].
pub const MATRIX_LIMIT_BYTES: u128 = 4 << 30;

/// The entries of a condensed matrix of `n` rows, n(n-1)/2, when that many `T` take at
/// most `limit` bytes (computed in u128, so no size can wrap); else
/// [`StatsError::TooLarge`] naming `what`.
pub fn condensed_len_within<T>(n: usize, limit: u128, what: &str) -> StatsResult<usize> {
    let n128 = n as u128;
    let entries = n128 * n128.saturating_sub(1) / 2;
    matrix_len_within::<T>(n, entries, limit, what)
}

/// `entries` values of `T` for a matrix of `n` rows, checked against `limit` bytes.
pub(crate) fn matrix_len_within<T>(
    n: usize,
    entries: u128,
    limit: u128,
    what: &str,
) -> StatsResult<usize> {
    let bytes = entries.saturating_mul(std::mem::size_of::<T>() as u128);
    // A Vec may hold at most isize::MAX bytes whatever the limit says.
    if bytes > limit || bytes > isize::MAX as u128 {
        return Err(StatsError::TooLarge {
            what: what.to_string(),
            rows: n,
            bytes,
            limit,
        });
    }
    Ok(entries as usize)
}

/// A symmetric dissimilarity matrix with zero diagonal, stored as scipy's condensed
/// vector: the upper triangle row by row, d(i, j) for i < j at
/// `n*i - i*(i+1)/2 + (j - i - 1)`. The entries are f64, or f32 (`CondensedMatrix<f32>`,
/// from [`gower_f32`]) for large data: n(n-1)/2 × 4 bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct CondensedMatrix<T: Distance = f64> {
    n: usize,
    data: Vec<T>,
}

impl<T: Distance> CondensedMatrix<T> {
    /// Wraps a condensed vector of length n(n-1)/2; checks length and finiteness
    /// and that no entry is negative.
    pub fn new(n: usize, data: Vec<T>) -> StatsResult<Self> {
        let need = (n as u128) * (n as u128).saturating_sub(1) / 2;
        if data.len() as u128 != need {
            return Err(StatsError::Invalid(format!(
                "a condensed matrix of {n} rows needs {need} entries, got {}",
                data.len()
            )));
        }
        if let Some(p) = data
            .iter()
            .position(|d| !d.to_f64().is_finite() || d.to_f64() < 0.0)
        {
            return Err(StatsError::Invalid(format!(
                "dissimilarity {} at condensed position {p} is not a finite non-negative number",
                data[p].to_f64()
            )));
        }
        Ok(CondensedMatrix { n, data })
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The condensed vector.
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// The condensed vector, for in-place work of this crate (which keeps the entries
    /// finite and non-negative).
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// Consumes the matrix, giving its condensed vector.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }

    /// d(i, j); 0 on the diagonal.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        if i == j {
            return 0.0;
        }
        let (i, j) = if i < j { (i, j) } else { (j, i) };
        self.data[condensed_index(self.n, i, j)].to_f64()
    }

    /// A copy in f32, made on every core: the same values when they are f32 values (as
    /// those of the typology's matrices: [`gower_f32_values_in_f64`]), else each
    /// rounded to the nearest f32.
    pub fn to_f32_copy(&self) -> CondensedMatrix<f32> {
        CondensedMatrix {
            n: self.n,
            data: self.data.par_iter().map(|x| x.to_f64() as f32).collect(),
        }
    }

    /// The full square matrix (for output).
    pub fn to_square(&self) -> Vec<Vec<f64>> {
        (0..self.n)
            .map(|i| (0..self.n).map(|j| self.get(i, j)).collect())
            .collect()
    }
}

impl CondensedMatrix<f64> {
    /// From a full square matrix (symmetry is checked to 1e-12).
    pub fn from_square(m: &[Vec<f64>]) -> StatsResult<Self> {
        let n = m.len();
        if let Some(i) = m.iter().position(|row| row.len() != n) {
            return Err(StatsError::Invalid(format!(
                "row {i} has {} entries, not {n}",
                m[i].len()
            )));
        }
        let mut data = Vec::with_capacity(n * n.saturating_sub(1) / 2);
        for (i, row) in m.iter().enumerate() {
            for (j, &dij) in row.iter().enumerate().skip(i + 1) {
                if (dij - m[j][i]).abs() > 1e-12 {
                    return Err(StatsError::Invalid(format!(
                        "the matrix is not symmetric at ({i}, {j})"
                    )));
                }
                data.push(dij);
            }
        }
        CondensedMatrix::new(n, data)
    }
}

/// Position of (i, j), i < j, in a condensed vector of n rows.
#[inline]
pub fn condensed_index(n: usize, i: usize, j: usize) -> usize {
    n * i - i * (i + 1) / 2 + (j - i - 1)
}

const MISSING_CODE: u32 = u32::MAX;
const ASYM_MISSING: u8 = 2;

/// A category as the inner loop compares it: its rank among the column's categories,
/// in one byte when every nominal column has at most 255 of them (a comparison of 16
/// at a time), else in four.
trait Code: Copy + Eq + Send + Sync + 'static {
    /// The missing value (never a rank).
    const MISSING: Self;
    /// Rank `r` (0-based), which is below the most this type holds.
    fn rank(r: usize) -> Self;
}

impl Code for u8 {
    const MISSING: Self = u8::MAX;
    #[inline]
    fn rank(r: usize) -> Self {
        u8::try_from(r).expect("at most 255 categories in a one-byte column")
    }
}

impl Code for u32 {
    const MISSING: Self = u32::MAX;
    #[inline]
    fn rank(r: usize) -> Self {
        u32::try_from(r).expect("fewer than 2^32 - 1 categories")
    }
}

/// The data laid out row-major by type, for SIMD-friendly loops.
struct Prepared<C: Code> {
    n: usize,
    p_num: usize,
    p_nom: usize,
    p_asym: usize,
    /// Numeric and ordinal values divided by their range; NaN = missing.
    num: Vec<f64>,
    /// Each category as its rank among the column's categories ([`Code`]).
    nom: Vec<C>,
    asym: Vec<u8>,
    any_missing: bool,
}

/// The prepared data with the narrowest category code that holds every column.
enum AnyPrepared {
    Narrow(Prepared<u8>),
    Wide(Prepared<u32>),
}

/// Runs `$body` with `$p` bound to the prepared data of either width.
macro_rules! with_prepared {
    ($any:expr, $p:ident => $body:expr) => {
        match $any {
            AnyPrepared::Narrow($p) => $body,
            AnyPrepared::Wide($p) => $body,
        }
    };
}

fn prepare(columns: &[GowerColumn]) -> StatsResult<AnyPrepared> {
    if columns.is_empty() {
        return Err(StatsError::Empty("Gower distance of no columns".into()));
    }
    let n = columns[0].len();
    if let Some(k) = columns.iter().position(|c| c.len() != n) {
        return Err(StatsError::Invalid(format!(
            "column {k} has {} rows, column 0 has {n}",
            columns[k].len()
        )));
    }
    let mut numeric_cols: Vec<Vec<f64>> = Vec::new();
    let mut nominal_cols: Vec<&[Option<u32>]> = Vec::new();
    let mut asym_cols: Vec<&[Option<bool>]> = Vec::new();
    let mut any_missing = false;
    for (k, col) in columns.iter().enumerate() {
        match col {
            GowerColumn::Numeric(v) | GowerColumn::Ordinal(v) => {
                if let Some(row) = v.iter().position(|x| x.is_some_and(|x| !x.is_finite())) {
                    return Err(StatsError::NonFinite {
                        what: format!("column {k}"),
                        row,
                    });
                }
                let mut vals: Vec<f64> = v.iter().map(|x| x.unwrap_or(f64::NAN)).collect();
                if matches!(col, GowerColumn::Ordinal(_)) {
                    vals = dense_ranks(&vals);
                }
                let present = vals.iter().filter(|x| !x.is_nan());
                let (lo, hi) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
                let range = hi - lo;
                for x in &mut vals {
                    if x.is_nan() {
                        any_missing = true;
                    } else if range > 0.0 {
                        *x = (*x - lo) / range;
                    } else {
                        *x = 0.0;
                    }
                }
                numeric_cols.push(vals);
            }
            GowerColumn::Nominal(v) => {
                if v.contains(&Some(MISSING_CODE)) {
                    return Err(StatsError::Invalid(format!(
                        "column {k} uses the reserved category code {MISSING_CODE}"
                    )));
                }
                any_missing |= v.iter().any(Option::is_none);
                nominal_cols.push(v);
            }
            GowerColumn::AsymmetricBinary(v) => {
                any_missing = true; // 0-0 pairs are excluded like missing ones
                asym_cols.push(v);
            }
        }
    }
    let (p_num, p_nom, p_asym) = (numeric_cols.len(), nominal_cols.len(), asym_cols.len());
    let mut num = vec![0.0; n * p_num];
    let mut asym = vec![0u8; n * p_asym];
    for i in 0..n {
        for (k, c) in numeric_cols.iter().enumerate() {
            num[i * p_num + k] = c[i];
        }
        for (k, c) in asym_cols.iter().enumerate() {
            asym[i * p_asym + k] = match c[i] {
                None => ASYM_MISSING,
                Some(b) => b as u8,
            };
        }
    }
    // The categories of each nominal column, sorted: a code's rank is its place here.
    let levels: Vec<Vec<u32>> = nominal_cols
        .iter()
        .map(|c| {
            let mut l: Vec<u32> = c.iter().flatten().copied().collect();
            l.sort_unstable();
            l.dedup();
            l
        })
        .collect();
    fn ranks<C: Code>(n: usize, cols: &[&[Option<u32>]], levels: &[Vec<u32>]) -> Vec<C> {
        let p = cols.len();
        let mut nom = vec![C::MISSING; n * p];
        for (k, (c, l)) in cols.iter().zip(levels).enumerate() {
            for (i, v) in c.iter().enumerate() {
                if let Some(v) = v {
                    nom[i * p + k] = C::rank(l.binary_search(v).expect("a code is in its levels"));
                }
            }
        }
        nom
    }
    let narrow = levels.iter().all(|l| l.len() < u8::MAX as usize);
    macro_rules! prepared {
        ($nom:expr) => {
            Prepared {
                n,
                p_num,
                p_nom,
                p_asym,
                num,
                nom: $nom,
                asym,
                any_missing,
            }
        };
    }
    Ok(if narrow {
        AnyPrepared::Narrow(prepared!(ranks::<u8>(n, &nominal_cols, &levels)))
    } else {
        AnyPrepared::Wide(prepared!(ranks::<u32>(n, &nominal_cols, &levels)))
    })
}

impl<C: Code> Prepared<C> {
    /// One pair: Some(d), or None when the rows share no comparable column.
    #[inline]
    fn pair(&self, i: usize, j: usize) -> Option<f64> {
        let p = self;
        let ni = &p.num[i * p.p_num..(i + 1) * p.p_num];
        let nj = &p.num[j * p.p_num..(j + 1) * p.p_num];
        let ci = &p.nom[i * p.p_nom..(i + 1) * p.p_nom];
        let cj = &p.nom[j * p.p_nom..(j + 1) * p.p_nom];
        if !p.any_missing {
            let total = (p.p_num + p.p_nom) as f64;
            return Some((sum_abs_diff(ni, nj) + count_mismatch(ci, cj) as f64) / total);
        }
        let ai = &p.asym[i * p.p_asym..(i + 1) * p.p_asym];
        let aj = &p.asym[j * p.p_asym..(j + 1) * p.p_asym];
        let (s_num, c_num) = sum_abs_diff_missing(ni, nj);
        let (m_nom, c_nom) = count_mismatch_missing(ci, cj);
        let (m_asym, c_asym) = asym_terms(ai, aj);
        let w = c_num + c_nom + c_asym;
        (w > 0).then(|| (s_num + (m_nom + m_asym) as f64) / w as f64)
    }
}

/// The silhouette of every row (as [`crate::cluster::silhouette_samples`]) from the
/// Gower distances computed again from the data, without a matrix: for the clustering
/// that worked in place on the only one ([`crate::cluster::linkage_in_place`]). Each
/// distance is rounded to `T` first, as the matrix of that type holds it, so the result
/// is the silhouette of that matrix up to the order of the sums (about 1e-15).
/// Memory: n × k sums per thread task.
pub fn gower_silhouette_samples<T: Distance>(
    columns: &[GowerColumn],
    labels: &[usize],
) -> StatsResult<Vec<f64>> {
    let p = prepare(columns)?;
    with_prepared!(&p, p => silhouette_prepared::<T, _>(p, labels, true))
}

/// With `tiled`, complete rows go through [`Tiles`]; else (and with missing values)
/// pair by pair.
fn silhouette_prepared<T: Distance, C: Code>(
    p: &Prepared<C>,
    labels: &[usize],
    tiled: bool,
) -> StatsResult<Vec<f64>> {
    let n = p.n;
    let l = crate::cluster::SilhouetteLabels::new(labels, n)?;
    let k = l.k;
    // n × k sums per task, a handful of tasks: bound them too.
    matrix_len_within::<f64>(
        n,
        (n as u128) * (k as u128) * (4 * rayon::current_num_threads().max(1)) as u128,
        MATRIX_LIMIT_BYTES,
        "the silhouette's sums",
    )?;
    const BLOCK: usize = 32;
    let parts = crate::cluster::row_blocks(n, n < 512);
    // Complete rows: the distances of a block to a tile of later rows at a time, added
    // in the same order as the loop below adds them (by later row, then by row of the
    // block), so the sums are the same bit for bit.
    let tiles = (tiled && !p.any_missing).then(|| Tiles::new(p));
    let result: Result<Vec<f64>, (usize, usize)> = parts
        .into_par_iter()
        .map(|(r0, r1)| {
            let mut sums = vec![0.0f64; n * k];
            for b0 in (r0..r1).step_by(BLOCK) {
                let b1 = (b0 + BLOCK).min(r1);
                if let Some(tiles) = &tiles {
                    let mut lanes = [[0.0f64; LANES]; BLOCK];
                    for t in (b0 + 1) / LANES..n.div_ceil(LANES) {
                        let j0 = t * LANES;
                        // Rows of the block before the tile's last row.
                        let end = b1.min(j0 + LANES - 1);
                        for i in b0..end {
                            lanes[i - b0] = tiles.lanes(p, i, t);
                        }
                        for (jj, j) in (j0..(j0 + LANES).min(n)).enumerate() {
                            let lj = l.lab[j];
                            for i in b0..b1.min(j) {
                                let d = T::from_f64(lanes[i - b0][jj]).to_f64();
                                sums[i * k + lj] += d;
                                sums[j * k + l.lab[i]] += d;
                            }
                        }
                    }
                    continue;
                }
                for j in b0 + 1..n {
                    let lj = l.lab[j];
                    for i in b0..b1.min(j) {
                        let d = p.pair(i, j).ok_or((i, j))?;
                        let d = T::from_f64(d).to_f64();
                        sums[i * k + lj] += d;
                        sums[j * k + l.lab[i]] += d;
                    }
                }
            }
            Ok(sums)
        })
        .try_reduce_with(|a, b| Ok(crate::cluster::add_sums(a, b)))
        .unwrap_or_else(|| Ok(vec![0.0; n * k]));
    match result {
        Ok(sums) => Ok(l.finish(&sums)),
        // Which pair a parallel task met first depends on the schedule: name the
        // first in row order, as `gower` does.
        Err(_) => {
            let (i, j) = (0..n)
                .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
                .find(|&(i, j)| p.pair(i, j).is_none())
                .expect("a pair without a common column was met");
            Err(no_common_column(i, j))
        }
    }
}

fn no_common_column(i: usize, j: usize) -> StatsError {
    StatsError::Undefined(format!(
        "rows {i} and {j} have no column in common (all missing in one of them), so they have no Gower distance"
    ))
}

/// Dense ranks 1..M of the present values (NaN stays NaN).
fn dense_ranks(vals: &[f64]) -> Vec<f64> {
    let mut distinct: Vec<f64> = vals.iter().copied().filter(|x| !x.is_nan()).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    vals.iter()
        .map(|x| {
            if x.is_nan() {
                f64::NAN
            } else {
                distinct.partition_point(|d| d < x) as f64 + 1.0
            }
        })
        .collect()
}

/// Sum of |a - b| with four independent accumulators (vectorises).
#[inline]
fn sum_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let ca = a.chunks_exact(4);
    let cb = b.chunks_exact(4);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            acc[l] += (x[l] - y[l]).abs();
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ra.iter().zip(rb) {
        s += (x - y).abs();
    }
    s
}

/// Sum and count of |a - b| over pairs where both are present (NaN = missing).
#[inline]
fn sum_abs_diff_missing(a: &[f64], b: &[f64]) -> (f64, u32) {
    let mut acc = [0.0f64; 4];
    let mut cnt = [0u32; 4];
    let ca = a.chunks_exact(4);
    let cb = b.chunks_exact(4);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            let d = (x[l] - y[l]).abs();
            let ok = !d.is_nan();
            acc[l] += if ok { d } else { 0.0 };
            cnt[l] += ok as u32;
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    let mut c = cnt.iter().sum::<u32>();
    for (x, y) in ra.iter().zip(rb) {
        let d = (x - y).abs();
        if !d.is_nan() {
            s += d;
            c += 1;
        }
    }
    (s, c)
}

/// The number of places where `a` and `b` differ: 16 at a time in byte-wide
/// counters (one SSE2 comparison and subtraction for one-byte codes), emptied into
/// the total every 255 rounds so that none can overflow.
#[inline]
fn count_mismatch<C: Code>(a: &[C], b: &[C]) -> u32 {
    const LANES: usize = 16;
    let ca = a.chunks_exact(LANES);
    let cb = b.chunks_exact(LANES);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut total = 0u32;
    let mut acc = [0u8; LANES];
    for (round, (x, y)) in ca.zip(cb).enumerate() {
        for l in 0..LANES {
            acc[l] += (x[l] != y[l]) as u8;
        }
        if round % 255 == 254 {
            total += acc.iter().map(|&c| c as u32).sum::<u32>();
            acc = [0; LANES];
        }
    }
    total += acc.iter().map(|&c| c as u32).sum::<u32>();
    total + ra.iter().zip(rb).map(|(x, y)| (x != y) as u32).sum::<u32>()
}

#[inline]
fn count_mismatch_missing<C: Code>(a: &[C], b: &[C]) -> (u32, u32) {
    let mut mism = 0u32;
    let mut valid = 0u32;
    for (x, y) in a.iter().zip(b) {
        let ok = (*x != C::MISSING) & (*y != C::MISSING);
        valid += ok as u32;
        mism += (ok & (x != y)) as u32;
    }
    (mism, valid)
}

#[inline]
fn asym_terms(a: &[u8], b: &[u8]) -> (u32, u32) {
    let mut mism = 0u32;
    let mut valid = 0u32;
    for (x, y) in a.iter().zip(b) {
        let ok = (*x != ASYM_MISSING) & (*y != ASYM_MISSING) & ((*x | *y) == 1);
        valid += ok as u32;
        mism += (ok & (x != y)) as u32;
    }
    (mism, valid)
}

/// Gower dissimilarity of all pairs of rows, computed in parallel (rayon) in f64.
///
/// Errors: no columns, columns of unequal length, a non-finite value, or a pair of
/// rows that share no comparable column (every column missing in one of them).
/// Errors also when the matrix would take more than [`MATRIX_LIMIT_BYTES`].
pub fn gower(columns: &[GowerColumn]) -> StatsResult<CondensedMatrix> {
    gower_into(columns, MATRIX_LIMIT_BYTES, false)
}

/// [`gower`] stored in f32: every distance is computed in f64 exactly as by [`gower`] and
/// rounded once to the nearest f32, so it differs from the f64 value by at most half an
/// f32 unit in the last place (a relative 2^-24 ≈ 6e-8; the `gower` package itself
/// returns float32). Half the memory: n(n-1)/2 × 4 bytes, 800 MB at n = 20,000. This is
/// the matrix of the typology ([`crate::cluster`] takes either).
/// Errors also when the matrix would take more than [`MATRIX_LIMIT_BYTES`].
pub fn gower_f32(columns: &[GowerColumn]) -> StatsResult<CondensedMatrix<f32>> {
    gower_into(columns, MATRIX_LIMIT_BYTES, false)
}

/// [`gower`] (T = f64) or [`gower_f32`] (T = f32) with its own memory limit in bytes
/// for the matrix: more rows than fit give [`StatsError::TooLarge`] before anything is
/// allocated or computed.
pub fn gower_within<T: Distance>(
    columns: &[GowerColumn],
    limit_bytes: u128,
) -> StatsResult<CondensedMatrix<T>> {
    gower_into(columns, limit_bytes, false)
}

/// The values of [`gower_f32`] (each distance rounded once to f32, as the `gower`
/// package returns them) held in f64: the matrix that scipy clusters when it is given
/// the f32 matrix, for a clustering in place in f64
/// ([`crate::cluster::linkage_in_place`]). Memory limit as [`gower_within`].
pub fn gower_f32_values_in_f64(
    columns: &[GowerColumn],
    limit_bytes: u128,
) -> StatsResult<CondensedMatrix<f64>> {
    gower_into(columns, limit_bytes, true)
}

/// The Gower matrix in `T`; with `round_f32` every distance is rounded to f32 first.
fn gower_into<T: Distance>(
    columns: &[GowerColumn],
    limit_bytes: u128,
    round_f32: bool,
) -> StatsResult<CondensedMatrix<T>> {
    // The size first: no column is read, nothing allocated, for a matrix that cannot be.
    let n = columns.first().map_or(0, GowerColumn::len);
    let len = condensed_len_within::<T>(n, limit_bytes, "a Gower distance matrix")?;
    let p = prepare(columns)?;
    with_prepared!(&p, p => fill::<T, _>(p, len, round_f32))
}

/// The matrix of `len` entries from the prepared data (see [`gower_into`]).
fn fill<T: Distance, C: Code>(
    p: &Prepared<C>,
    len: usize,
    round_f32: bool,
) -> StatsResult<CondensedMatrix<T>> {
    let n = p.n;
    let mut data = vec![T::ZERO; len];
    // Split the condensed vector into its rows (row i holds j = i+1..n).
    let mut rows: Vec<(usize, &mut [T])> = Vec::with_capacity(n);
    let mut rest: &mut [T] = &mut data;
    for i in 0..n {
        let (head, tail) = rest.split_at_mut(n - 1 - i);
        rows.push((i, head));
        rest = tail;
    }
    // Blocks of BLOCK consecutive rows i walk over every later row j together, so row
    // j's data is read from memory once per block rather than once per row (at
    // n = 20,000 the data no longer fit in cache and the loop would be memory-bound).
    const BLOCK: usize = 32;
    let mut blocks: Vec<Vec<(usize, &mut [T])>> = Vec::new();
    for r in rows {
        match blocks.last_mut() {
            Some(b) if b.len() < BLOCK => b.push(r),
            _ => blocks.push(vec![r]),
        }
    }
    if !p.any_missing {
        // Every pair has every column: the lanes of four later rows at a time.
        let tiles = Tiles::new(p);
        blocks
            .into_par_iter()
            .for_each(|mut block| tiles.block(p, &mut block, round_f32));
        return Ok(CondensedMatrix { n, data });
    }
    let bad: Option<(usize, usize)> = blocks
        .into_par_iter()
        .map(|mut block| {
            let first = block[0].0;
            let mut bad: Option<(usize, usize)> = None;
            for j in first + 1..n {
                for (i, out) in block.iter_mut() {
                    let i = *i;
                    if i >= j {
                        break;
                    }
                    match p.pair(i, j) {
                        Some(d) => {
                            let d = if round_f32 { d as f32 as f64 } else { d };
                            out[j - i - 1] = T::from_f64(d)
                        }
                        None => {
                            if bad.is_none_or(|b| (i, j) < b) {
                                bad = Some((i, j));
                            }
                        }
                    }
                }
            }
            bad
        })
        .reduce(
            || None,
            |a, b| match (a, b) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            },
        );
    if let Some((i, j)) = bad {
        return Err(no_common_column(i, j));
    }
    Ok(CondensedMatrix { n, data })
}

/// Later rows j taken together by [`Tiles`]: one vector pass computes this many pairs.
const LANES: usize = 4;

/// The data of complete rows (no missing value anywhere) laid out for distances to
/// [`LANES`] rows at a time: for each run of `LANES` consecutive rows (a tile), column
/// by column, the tile's values side by side. A row's pairs with a tile are then sums
/// over contiguous lanes, which the compiler turns into vector instructions.
///
/// Each lane adds the same terms in the same order as [`Prepared::pair`] (four running
/// sums over the numeric columns, then the columns left over, then the mismatches), so
/// every distance is the same f64 bit for bit (`tiles_give_the_pairs_bit_for_bit`).
struct Tiles<C: Code> {
    /// Tile t, numeric column c, lane l at `(t * p_num + c) * LANES + l`.
    num: Vec<f64>,
    /// Tile t, nominal column c, lane l at `(t * p_nom + c) * LANES + l`.
    nom: Vec<C>,
}

impl<C: Code> Tiles<C> {
    fn new(p: &Prepared<C>) -> Self {
        let tiles = p.n.div_ceil(LANES);
        // Lanes past the last row stay 0 and missing; their distances are never written.
        let mut num = vec![0.0; tiles * p.p_num * LANES];
        let mut nom = vec![C::MISSING; tiles * p.p_nom * LANES];
        for j in 0..p.n {
            let (t, l) = (j / LANES, j % LANES);
            for c in 0..p.p_num {
                num[(t * p.p_num + c) * LANES + l] = p.num[j * p.p_num + c];
            }
            for c in 0..p.p_nom {
                nom[(t * p.p_nom + c) * LANES + l] = p.nom[j * p.p_nom + c];
            }
        }
        Tiles { num, nom }
    }

    /// d(i, j) for the rows j of tile `t`, as [`Prepared::pair`] computes each.
    #[inline]
    fn lanes(&self, p: &Prepared<C>, i: usize, t: usize) -> [f64; LANES] {
        let xi = &p.num[i * p.p_num..(i + 1) * p.p_num];
        let ci = &p.nom[i * p.p_nom..(i + 1) * p.p_nom];
        let tn = &self.num[t * p.p_num * LANES..(t + 1) * p.p_num * LANES];
        let tc = &self.nom[t * p.p_nom * LANES..(t + 1) * p.p_nom * LANES];
        let full = p.p_num / 4 * 4;
        let mut acc = [[0.0f64; LANES]; 4];
        for (xs, cols) in xi[..full]
            .chunks_exact(4)
            .zip(tn[..full * LANES].chunks_exact(4 * LANES))
        {
            for (l, a) in acc.iter_mut().enumerate() {
                let x = xs[l];
                let col = &cols[l * LANES..(l + 1) * LANES];
                for (a, &y) in a.iter_mut().zip(col) {
                    *a += (x - y).abs();
                }
            }
        }
        let mut sum = [0.0f64; LANES];
        for (k, s) in sum.iter_mut().enumerate() {
            *s = (acc[0][k] + acc[1][k]) + (acc[2][k] + acc[3][k]);
        }
        for (c, &x) in xi.iter().enumerate().skip(full) {
            for (s, &y) in sum.iter_mut().zip(&tn[c * LANES..(c + 1) * LANES]) {
                *s += (x - y).abs();
            }
        }
        let mut mismatch = [0u32; LANES];
        for (&x, col) in ci.iter().zip(tc.chunks_exact(LANES)) {
            for (m, &y) in mismatch.iter_mut().zip(col) {
                *m += (x != y) as u32;
            }
        }
        let total = (p.p_num + p.p_nom) as f64;
        let mut out = [0.0f64; LANES];
        for k in 0..LANES {
            out[k] = (sum[k] + mismatch[k] as f64) / total;
        }
        out
    }

    /// The distances of a block of consecutive rows i to every later row, tile by tile:
    /// the tile's data and the block's rows stay in the first-level cache meanwhile.
    fn block<T: Distance>(
        &self,
        p: &Prepared<C>,
        block: &mut [(usize, &mut [T])],
        round_f32: bool,
    ) {
        let n = p.n;
        let first = block[0].0;
        for t in (first + 1) / LANES..n.div_ceil(LANES) {
            let j0 = t * LANES;
            for (i, out) in block.iter_mut() {
                let i = *i;
                if i + 1 >= j0 + LANES {
                    // No later row of this tile is after i (nor after the rows below i).
                    break;
                }
                let v = self.lanes(p, i, t);
                for (k, &d) in v.iter().enumerate() {
                    let j = j0 + k;
                    if j > i && j < n {
                        let d = if round_f32 { d as f32 as f64 } else { d };
                        out[j - i - 1] = T::from_f64(d);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        // Two numeric (ranges 2 and 10), one nominal, one asymmetric binary.
        let x = [Some(0.0), Some(1.0), Some(2.0)];
        let y = [Some(0.0), None, Some(10.0)];
        let c = [Some(1), Some(1), Some(2)];
        let a = [Some(false), Some(true), Some(false)];
        let d = gower(&[
            GowerColumn::Numeric(&x),
            GowerColumn::Numeric(&y),
            GowerColumn::Nominal(&c),
            GowerColumn::AsymmetricBinary(&a),
        ])
        .unwrap();
        // (0,1): x 0.5, y missing, c 0, a 1 -> (0.5+0+1)/3
        assert!((d.get(0, 1) - 1.5 / 3.0).abs() < 1e-15);
        // (0,2): x 1, y 1, c 1, a 0-0 excluded -> 3/3
        assert!((d.get(0, 2) - 1.0).abs() < 1e-15);
        // (1,2): x 0.5, y missing, c 1, a 1 -> 2.5/3
        assert!((d.get(1, 2) - 2.5 / 3.0).abs() < 1e-15);
    }

    /// The tiled path (complete rows) gives every distance exactly as the pair-by-pair
    /// sum does, for any number of columns of either kind (leftover numeric columns,
    /// no numeric or no nominal column), rows not a multiple of the lanes, both widths
    /// of category codes, and the f32 rounding; and the silhouette's sums from the data
    /// are the same bit for bit either way.
    #[test]
    fn tiles_give_the_pairs_bit_for_bit() {
        let mut state = 7u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        for (n, p_num, p_nom, levels) in [
            (2, 1, 0, 2),
            (5, 0, 3, 3),
            (9, 3, 1, 2),
            (13, 4, 17, 5),
            (37, 7, 40, 4),
            (70, 40, 40, 300),
            (33, 5, 2, 1000),
        ] {
            let num: Vec<Vec<Option<f64>>> = (0..p_num)
                .map(|_| {
                    (0..n)
                        .map(|_| Some((next() % 100_000) as f64 / 997.0))
                        .collect()
                })
                .collect();
            let nom: Vec<Vec<Option<u32>>> = (0..p_nom)
                .map(|_| (0..n).map(|_| Some((next() % levels) as u32)).collect())
                .collect();
            let cols: Vec<GowerColumn> = num
                .iter()
                .map(|c| GowerColumn::Numeric(c))
                .chain(nom.iter().map(|c| GowerColumn::Nominal(c)))
                .collect();
            let prepared = prepare(&cols).unwrap();
            let d = gower(&cols).unwrap();
            let d32 = gower_f32_values_in_f64(&cols, MATRIX_LIMIT_BYTES).unwrap();
            // Two or three clusters, never one.
            let labels: Vec<usize> = (0..n).map(|i| (i + (next() % 2) as usize) % 3).collect();
            with_prepared!(&prepared, p => {
                assert!(!p.any_missing);
                if n >= 4 {
                    let tiled = silhouette_prepared::<f32, _>(p, &labels, true).unwrap();
                    let pairwise = silhouette_prepared::<f32, _>(p, &labels, false).unwrap();
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&tiled), bits(&pairwise), "silhouette, n {n}");
                }
                for i in 0..n {
                    for j in i + 1..n {
                        let want = p.pair(i, j).unwrap();
                        assert_eq!(d.get(i, j).to_bits(), want.to_bits(), "n {n}: ({i}, {j})");
                        assert_eq!(d32.get(i, j).to_bits(), (want as f32 as f64).to_bits());
                    }
                }
            });
        }
    }

    #[test]
    fn ordinal_ranks_and_errors() {
        let o = [Some(1.0), Some(10.0), Some(100.0)];
        let d = gower(&[GowerColumn::Ordinal(&o)]).unwrap();
        assert!((d.get(0, 1) - 0.5).abs() < 1e-15);
        let y = [Some(1.0), None];
        assert!(gower(&[GowerColumn::Numeric(&y)]).is_err());
        let z = [Some(f64::INFINITY), Some(1.0)];
        assert!(gower(&[GowerColumn::Numeric(&z)]).is_err());
    }
}
