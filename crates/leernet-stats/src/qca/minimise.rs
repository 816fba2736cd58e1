//! Exact Boolean minimisation: every prime implicant, then every minimal cover.
//!
//! Exists because a QCA solution is the shortest sum of prime implicants that covers the
//! positive truth-table rows, and R's `QCA::minimize` reports *every* such model when
//! there is more than one (model ambiguity); a heuristic would silently hide some.
//!
//! Prime implicants are found one of two exact ways, whichever is cheaper for the table:
//! - *merging* (Quine–McCluskey, generalised to multi-value conditions) over the rows a
//!   term may cover, when they are few (conservative and intermediate solutions);
//! - *hitting sets* when the rows a term may not cover are few (parsimonious solutions,
//!   where every remainder may be used): a term through a positive row avoids a forbidden
//!   row exactly when it fixes a condition on which the two differ, so the prime
//!   implicants through a positive row are the minimal transversals (Berge's algorithm)
//!   of the sets of conditions on which it differs from each forbidden row.
//!
//! The covers are enumerated by branch and bound, smallest number of terms first, with a
//! node budget so a pathological chart ends in an error rather than never.

use super::data::{row_config, Term};
use super::MAX_MODELS;
use crate::{StatsError, StatsResult};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Upper bound on the branch-and-bound nodes spent on one prime implicant chart.
const NODE_BUDGET: u64 = 2_000_000;
/// Above this many allowed rows (positive and don't care), hitting sets are used.
const MERGE_MAX_ALLOWED: usize = 2048;
/// Upper bound on the implicants the merging method holds.
const IMPLICANT_BUDGET: usize = 20_000_000;

/// The rows a minimisation works on (0-based truth-table rows).
pub struct Problem<'a> {
    /// Levels per condition.
    pub levels: &'a [u8],
    /// Rows that must be covered.
    pub positive: &'a [usize],
    /// Rows that may be covered (don't cares), disjoint from `positive`.
    pub dont_care: &'a HashSet<usize>,
}

impl Problem<'_> {
    fn total(&self) -> usize {
        self.levels.iter().map(|&l| usize::from(l)).product()
    }
    fn allowed(&self, r: usize, pos: &HashSet<usize>) -> bool {
        pos.contains(&r) || self.dont_care.contains(&r)
    }
}

/// Every prime implicant that covers at least one positive row, in a canonical order
/// (fewer literals first, then by values). Empty when there is no positive row.
pub fn prime_implicants(p: &Problem) -> StatsResult<Vec<Term>> {
    if p.positive.is_empty() {
        return Ok(Vec::new());
    }
    let total = p.total();
    let n_allowed = p.positive.len() + p.dont_care.len();
    let n_forbidden = total.saturating_sub(n_allowed);
    // Merging is fast while the rows a term may cover are few (it never looks at the
    // others) and can blow up with many don't cares; hitting sets cost one comparison
    // per (positive, forbidden) pair, which is predictable.
    let mut pis = if n_allowed > MERGE_MAX_ALLOWED || n_forbidden < n_allowed {
        by_hitting_sets(p)?
    } else {
        by_merging(p)?
    };
    sort_terms(&mut pis);
    Ok(pis)
}

/// Canonical order of terms: fewer literals first, then lexicographic on the literals.
pub(crate) fn sort_terms(terms: &mut [Term]) {
    terms.sort_by(|a, b| {
        let la = a.iter().filter(|x| x.is_some()).count();
        let lb = b.iter().filter(|x| x.is_some()).count();
        la.cmp(&lb).then_with(|| key(a).cmp(&key(b)))
    });
}

fn key(t: &Term) -> Vec<u8> {
    t.iter().map(|x| x.map_or(0, |v| v + 1)).collect()
}

/// Prime implicants as minimal transversals of difference sets.
pub fn by_hitting_sets(p: &Problem) -> StatsResult<Vec<Term>> {
    let pos: HashSet<usize> = p.positive.iter().copied().collect();
    let k = p.levels.len();
    let binary = p.levels.iter().all(|&l| l == 2);
    // Bit j of a mask is condition j. For binary conditions the row index holds the
    // configuration (condition j at bit k-1-j), so a difference is one XOR away.
    let forbidden_rows: Vec<usize> = (0..p.total()).filter(|&r| !p.allowed(r, &pos)).collect();
    let forbidden: Vec<Vec<u8>> = if binary {
        Vec::new()
    } else {
        forbidden_rows
            .iter()
            .map(|&r| row_config(p.levels, r))
            .collect()
    };
    let to_mask = |x: usize| -> u32 {
        let mut m = 0u32;
        for j in 0..k {
            if x & (1 << (k - 1 - j)) != 0 {
                m |= 1 << j;
            }
        }
        m
    };
    // Dedupe by a reusable table over all masks, bucket by size: no sort per row.
    let mut seen = vec![false; 1usize << k];
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); k + 1];
    let mut out: HashSet<Term> = HashSet::new();
    for &r in p.positive {
        let cfg = row_config(p.levels, r);
        let mut push = |m: u32| {
            if !seen[m as usize] {
                seen[m as usize] = true;
                buckets[m.count_ones() as usize].push(m);
            }
        };
        if binary {
            // Differences in row-bit order; converted to condition order below.
            for &f in &forbidden_rows {
                push((f ^ r) as u32);
            }
        } else {
            for f in &forbidden {
                let mut m = 0u32;
                for j in 0..k {
                    if f[j] != cfg[j] {
                        m |= 1 << j;
                    }
                }
                push(m);
            }
        }
        let mut minimal: Vec<u32> = Vec::new();
        for bucket in buckets.iter_mut() {
            for &m in bucket.iter() {
                seen[m as usize] = false;
                if !minimal.iter().any(|&s| is_subset(s, m)) {
                    minimal.push(m);
                }
            }
            bucket.clear();
        }
        if binary {
            for m in &mut minimal {
                *m = to_mask(*m as usize);
            }
        }
        for s in transversals(&minimal)? {
            let term: Term = (0..k)
                .map(|j| {
                    if s & (1 << j) != 0 {
                        Some(cfg[j])
                    } else {
                        None
                    }
                })
                .collect();
            out.insert(term);
        }
    }
    Ok(out.into_iter().collect())
}

/// Whether the set `s` is a subset of `m`.
fn is_subset(s: u32, m: u32) -> bool {
    s & m == s
}

/// Berge's algorithm: the minimal sets that meet every set of `family`.
fn transversals(family: &[u32]) -> StatsResult<Vec<u32>> {
    let mut tr: Vec<u32> = vec![0];
    for &e in family {
        let mut keep: Vec<u32> = Vec::new();
        let mut grow: Vec<u32> = Vec::new();
        for &t in &tr {
            if t & e != 0 {
                keep.push(t);
            } else {
                let mut bits = e;
                while bits != 0 {
                    let b = bits & bits.wrapping_neg();
                    grow.push(t | b);
                    bits &= bits - 1;
                }
            }
        }
        grow.sort_unstable_by_key(|m| (m.count_ones(), *m));
        grow.dedup();
        let mut accepted: Vec<u32> = Vec::new();
        for g in grow {
            let sub = |s: &u32| s & g == *s;
            if !keep.iter().any(sub) && !accepted.iter().any(sub) {
                accepted.push(g);
            }
        }
        keep.extend(accepted);
        if keep.len() > IMPLICANT_BUDGET {
            return Err(StatsError::Undefined(
                "too many prime implicants to enumerate".into(),
            ));
        }
        tr = keep;
    }
    Ok(tr)
}

/// Prime implicants by merging (Quine–McCluskey for multi-value conditions).
/// Terms are coded per condition as 0 (free) or value + 1.
pub fn by_merging(p: &Problem) -> StatsResult<Vec<Term>> {
    let pos: HashSet<usize> = p.positive.iter().copied().collect();
    let k = p.levels.len();
    // Current level: implicant -> whether it covers a positive row.
    let mut current: HashMap<Vec<u8>, bool> = HashMap::new();
    for &r in p.positive.iter().chain(p.dont_care.iter()) {
        let code: Vec<u8> = row_config(p.levels, r).iter().map(|v| v + 1).collect();
        current.insert(code, pos.contains(&r));
    }
    let mut primes: Vec<Term> = Vec::new();
    while !current.is_empty() {
        let mut next: HashMap<Vec<u8>, bool> = HashMap::new();
        let mut covered: HashSet<Vec<u8>> = HashSet::new();
        for (t, _) in current.iter() {
            let start = t.iter().rposition(|&x| x == 0).map_or(0, |i| i + 1);
            for j in start..k {
                if t[j] != 1 {
                    continue;
                }
                let mut any_pos = false;
                let mut all = true;
                let mut sib = t.clone();
                for v in 0..p.levels[j] {
                    sib[j] = v + 1;
                    match current.get(&sib) {
                        Some(&flag) => any_pos |= flag,
                        None => {
                            all = false;
                            break;
                        }
                    }
                }
                if !all {
                    continue;
                }
                let mut merged = t.clone();
                merged[j] = 0;
                // Every child of the merged term, along every free condition, is not prime.
                for f in 0..k {
                    if merged[f] != 0 {
                        continue;
                    }
                    let mut child = merged.clone();
                    for v in 0..p.levels[f] {
                        child[f] = v + 1;
                        covered.insert(child.clone());
                    }
                }
                next.insert(merged, any_pos);
            }
            if next.len() > IMPLICANT_BUDGET {
                return Err(StatsError::Undefined(
                    "too many implicants to enumerate".into(),
                ));
            }
        }
        for (t, has_pos) in current {
            if has_pos && !covered.contains(&t) {
                primes.push(t.iter().map(|&x| x.checked_sub(1)).collect());
            }
        }
        current = next;
    }
    Ok(primes)
}

/// A fixed-size bit set over the positive rows.
#[derive(Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    fn or(&mut self, o: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            *a |= b;
        }
    }
    fn is_subset(&self, o: &Bits) -> bool {
        self.0.iter().zip(&o.0).all(|(a, b)| a & !b == 0)
    }
    /// Whether `self` minus `excluded` meets `o`.
    fn intersects_outside(&self, o: &Bits, excluded: &Bits) -> bool {
        self.0
            .iter()
            .zip(&o.0)
            .zip(&excluded.0)
            .any(|((a, b), x)| a & b & !x != 0)
    }
    fn and_not(&mut self, o: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            *a &= !b;
        }
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
    fn count_and(&self, o: &Bits) -> usize {
        self.0
            .iter()
            .zip(&o.0)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    None
                } else {
                    let b = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    Some(w * 64 + b)
                }
            })
        })
    }
}

/// Every cover of the positive rows by the fewest prime implicants. Each model is a
/// sorted list of indices into `pis`; models are sorted.
///
/// Exact, and kept tractable by three reductions that lose no minimal cover: essential
/// implicants are taken first; a row whose implicants include all those of another row
/// is dropped (covering the other covers it); and rows that share no implicant fall into
/// independent components, solved apart and combined. The search inside a component is
/// depth-first with a lower bound from rows that share no implicant.
pub fn minimal_covers(pis: &[Term], positive_configs: &[Vec<u8>]) -> StatsResult<Vec<Vec<usize>>> {
    let n = positive_configs.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    let np = pis.len();
    let cover: Vec<Bits> = pis
        .iter()
        .map(|t| {
            let mut b = Bits::new(n);
            for (i, c) in positive_configs.iter().enumerate() {
                if super::data::covers(t, c) {
                    b.set(i);
                }
            }
            b
        })
        .collect();
    let mut row_pis: Vec<Bits> = vec![Bits::new(np); n];
    let mut by_row: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (pi, b) in cover.iter().enumerate() {
        for r in b.ones() {
            by_row[r].push(pi);
            row_pis[r].set(pi);
        }
    }
    if let Some(r) = by_row.iter().position(|v| v.is_empty()) {
        return Err(StatsError::Undefined(format!(
            "positive row {} is covered by no prime implicant",
            r + 1
        )));
    }
    let mut essential: Vec<usize> = by_row
        .iter()
        .filter(|v| v.len() == 1)
        .map(|v| v[0])
        .collect();
    essential.sort_unstable();
    essential.dedup();
    let mut covered = Bits::new(n);
    for &e in &essential {
        covered.or(&cover[e]);
    }
    let mut rows: Vec<usize> = (0..n).filter(|&r| !covered.get(r)).collect();
    if rows.is_empty() {
        return Ok(vec![essential]);
    }
    // Row dominance.
    rows.sort_by_key(|&r| (by_row[r].len(), r));
    let mut kept: Vec<usize> = Vec::new();
    for r in rows {
        if !kept.iter().any(|&k| row_pis[k].is_subset(&row_pis[r])) {
            kept.push(r);
        }
    }
    // Components: rows joined by a shared implicant.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut first_row_of_pi: Vec<Option<usize>> = vec![None; np];
    for &r in &kept {
        for &pi in &by_row[r] {
            match first_row_of_pi[pi] {
                None => first_row_of_pi[pi] = Some(r),
                Some(o) => {
                    let (a, b) = (find(&mut parent, o), find(&mut parent, r));
                    parent[a] = b;
                }
            }
        }
    }
    let mut comps: HashMap<usize, Vec<usize>> = HashMap::new();
    for &r in &kept {
        let root = find(&mut parent, r);
        comps.entry(root).or_default().push(r);
    }
    let mut comps: Vec<Vec<usize>> = comps.into_values().collect();
    comps.sort();
    let mut search = Search {
        cover: &cover,
        by_row: &by_row,
        row_pis: &row_pis,
        found: BTreeSet::new(),
        nodes: 0,
    };
    let mut combined: Vec<Vec<usize>> = vec![essential];
    for comp in comps {
        let mut uncovered = Bits::new(n);
        for &r in &comp {
            uncovered.set(r);
        }
        let mut excluded = Bits::new(np);
        let mut depth = search.lower_bound(&uncovered, &excluded).max(1);
        search.found.clear();
        loop {
            let mut chosen = Vec::new();
            search.dfs(&uncovered, &mut chosen, &mut excluded, depth)?;
            if !search.found.is_empty() {
                break;
            }
            depth += 1;
            if depth > np {
                return Err(StatsError::Undefined(
                    "the prime implicant chart has no cover".into(),
                ));
            }
        }
        let parts = std::mem::take(&mut search.found);
        let total = combined
            .len()
            .checked_mul(parts.len())
            .filter(|&t| t <= MAX_MODELS);
        if total.is_none() {
            return Err(StatsError::Undefined(format!(
                "more than {MAX_MODELS} equally short models"
            )));
        }
        let mut next = Vec::with_capacity(combined.len() * parts.len());
        for c in &combined {
            for p in &parts {
                let mut m = c.clone();
                m.extend(p);
                next.push(m);
            }
        }
        combined = next;
    }
    for m in &mut combined {
        m.sort_unstable();
        m.dedup();
    }
    combined.sort();
    combined.dedup();
    Ok(combined)
}

struct Search<'a> {
    cover: &'a [Bits],
    by_row: &'a [Vec<usize>],
    row_pis: &'a [Bits],
    found: BTreeSet<Vec<usize>>,
    nodes: u64,
}

impl Search<'_> {
    /// Rows that pairwise share no usable implicant each need their own term.
    fn lower_bound(&self, uncovered: &Bits, excluded: &Bits) -> usize {
        let mut used = Bits::new(excluded.0.len() * 64);
        let mut lb = 0;
        for r in uncovered.ones() {
            let set = &self.row_pis[r];
            if !set.intersects_outside(&used, excluded) {
                lb += 1;
                used.or(set);
            }
        }
        lb
    }

    fn dfs(
        &mut self,
        uncovered: &Bits,
        chosen: &mut Vec<usize>,
        excluded: &mut Bits,
        left: usize,
    ) -> StatsResult<()> {
        self.nodes += 1;
        if self.nodes > NODE_BUDGET {
            return Err(StatsError::Undefined(
                "the prime implicant chart is too large to solve exactly".into(),
            ));
        }
        if uncovered.is_empty() {
            let mut m = chosen.clone();
            m.sort_unstable();
            self.found.insert(m);
            if self.found.len() > MAX_MODELS {
                return Err(StatsError::Undefined(format!(
                    "more than {MAX_MODELS} equally short models"
                )));
            }
            return Ok(());
        }
        if left == 0 || self.lower_bound(uncovered, excluded) > left {
            return Ok(());
        }
        let mut best: Option<Vec<usize>> = None;
        for r in uncovered.ones() {
            let options: Vec<usize> = self.by_row[r]
                .iter()
                .copied()
                .filter(|&p| !excluded.get(p))
                .collect();
            if options.is_empty() {
                return Ok(());
            }
            if best.as_ref().is_none_or(|b| options.len() < b.len()) {
                best = Some(options);
            }
        }
        let mut options = best.unwrap_or_default();
        // Larger gains first: covers are found sooner, the order does not change the set.
        options.sort_by_key(|&p| std::cmp::Reverse(self.cover[p].count_and(uncovered)));
        let mut tried = Vec::new();
        for p in options {
            let mut rest = uncovered.clone();
            rest.and_not(&self.cover[p]);
            chosen.push(p);
            excluded.set(p);
            self.dfs(&rest, chosen, excluded, left - 1)?;
            chosen.pop();
            // Covers with `p` are all found: later branches go without it.
            tried.push(p);
        }
        for p in tried {
            excluded.clear(p);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splitmix64, for seeded random tables.
    fn next(s: &mut u64) -> u64 {
        *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Brute force: every term, implicant if it covers only allowed rows and one
    /// positive, prime if no one-literal-shorter term is an implicant.
    fn brute(levels: &[u8], pos: &HashSet<usize>, dc: &HashSet<usize>) -> Vec<Term> {
        let codes: Vec<u8> = levels.iter().map(|l| l + 1).collect();
        let total: usize = codes.iter().map(|&c| usize::from(c)).product();
        let is_imp = |t: &Term| {
            let rows = super::super::data::covered_rows(levels, t);
            rows.iter().all(|r| pos.contains(r) || dc.contains(r))
                && rows.iter().any(|r| pos.contains(r))
        };
        let mut out = Vec::new();
        for i in 0..total {
            let t: Term = row_config(&codes, i)
                .iter()
                .map(|&c| c.checked_sub(1))
                .collect();
            if !is_imp(&t) {
                continue;
            }
            let prime = (0..t.len()).filter(|&j| t[j].is_some()).all(|j| {
                let mut s = t.clone();
                s[j] = None;
                !is_imp(&s)
            });
            if prime {
                out.push(t);
            }
        }
        sort_terms(&mut out);
        out
    }

    #[test]
    fn both_methods_match_brute_force() {
        let mut seed = 7u64;
        for round in 0..300 {
            let k = 2 + (next(&mut seed) % 4) as usize;
            let levels: Vec<u8> = (0..k)
                .map(|_| {
                    if round % 3 == 0 {
                        2 + (next(&mut seed) % 2) as u8
                    } else {
                        2
                    }
                })
                .collect();
            let total: usize = levels.iter().map(|&l| usize::from(l)).product();
            let mut pos = HashSet::new();
            let mut dc = HashSet::new();
            for r in 0..total {
                match next(&mut seed) % 4 {
                    0 => {
                        pos.insert(r);
                    }
                    1 | 2 => {
                        dc.insert(r);
                    }
                    _ => {}
                }
            }
            let mut positive: Vec<usize> = pos.iter().copied().collect();
            positive.sort_unstable();
            let p = Problem {
                levels: &levels,
                positive: &positive,
                dont_care: &dc,
            };
            let want = brute(&levels, &pos, &dc);
            let mut a = by_merging(&p).unwrap();
            sort_terms(&mut a);
            let mut b = by_hitting_sets(&p).unwrap();
            sort_terms(&mut b);
            if positive.is_empty() {
                continue;
            }
            assert_eq!(a, want, "merging, round {round}");
            assert_eq!(b, want, "hitting sets, round {round}");
            let configs: Vec<Vec<u8>> = positive.iter().map(|&r| row_config(&levels, r)).collect();
            let models = minimal_covers(&want, &configs).unwrap();
            // Brute-force the smallest covers.
            let np = want.len();
            let mut best: Vec<Vec<usize>> = Vec::new();
            let mut best_size = usize::MAX;
            if np <= 16 {
                for mask in 1u32..(1 << np) {
                    let size = mask.count_ones() as usize;
                    if size > best_size {
                        continue;
                    }
                    let ok = configs.iter().all(|c| {
                        (0..np).any(|i| {
                            mask & (1 << i) != 0 && super::super::data::covers(&want[i], c)
                        })
                    });
                    if ok {
                        let m: Vec<usize> = (0..np).filter(|i| mask & (1 << i) != 0).collect();
                        if size < best_size {
                            best_size = size;
                            best.clear();
                        }
                        best.push(m);
                    }
                }
                best.sort();
                assert_eq!(models, best, "covers, round {round}");
            }
        }
    }
}
