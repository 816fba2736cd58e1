"""The typology pipeline written with the reference stack, independent of the Rust code:
Gower (1971) from the paper (pairwise deletion; ordinal by dense ranks as R's daisy;
asymmetric binary 0-0 pairs not compared), scipy's linkage and fcluster(maxclust),
scikit-learn's silhouette_score and adjusted_rand_score; k chosen by the highest mean
silhouette among the k whose cut gives k clusters (ties: the smaller k); leave-one-out and
seeded bootstrap replicates (SplitMix64, as leernet-stats' rng) reclustered at the number of
types each replicate holds.

Usage: python typology_reference.py IN.json OUT.json
"""
import json
import sys

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import adjusted_rand_score, silhouette_score

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        zone = MASK - MASK % n
        while True:
            x = self.next()
            if x < zone:
                return x % n


def gower(features, rows):
    n = len(rows)
    num = np.zeros((n, n))
    den = np.zeros((n, n))
    for f in features:
        v = [f["values"][r] for r in rows]
        kind = f["measure"]
        if kind in ("numeric", "ordinal"):
            x = np.array([np.nan if e is None else e for e in v], dtype=float)
            if kind == "ordinal":
                present = np.unique(x[~np.isnan(x)])
                x = np.where(np.isnan(x), np.nan, np.searchsorted(present, x) + 1.0)
            pres = x[~np.isnan(x)]
            rng = pres.max() - pres.min() if pres.size else 0.0
            diff = np.abs(x[:, None] - x[None, :])
            ok = ~np.isnan(diff)
            d = np.where(ok, diff / rng if rng > 0 else 0.0, 0.0)
        elif kind == "nominal":
            x = np.array([-1 if e is None else int(e) for e in v])
            ok = (x[:, None] >= 0) & (x[None, :] >= 0)
            d = (x[:, None] != x[None, :]).astype(float)
        else:
            x = np.array([-1 if e is None else int(e > 0.5) for e in v])
            ok = (x[:, None] >= 0) & (x[None, :] >= 0) & ((x[:, None] + x[None, :]) >= 1)
            d = (x[:, None] != x[None, :]).astype(float)
        num += np.where(ok, d, 0.0)
        den += ok
    np.fill_diagonal(den, 1)
    out = num / den
    np.fill_diagonal(out, 0.0)
    return out


def cut(features, rows, method, k):
    sq = gower(features, rows)
    z = linkage(squareform(sq, checks=False), method=method)
    return sq, fcluster(z, k, criterion="maxclust")


def main():
    case = json.load(open(sys.argv[1]))
    feats, n, method = case["features"], case["n"], case["linkage"]
    rows = list(range(n))
    sq, _ = cut(feats, rows, method, 2)
    z = linkage(squareform(sq, checks=False), method=method)
    by_k = []
    best = None
    for k in range(case["k_min"], min(case["k_max"], n - 1) + 1):
        labels = fcluster(z, k, criterion="maxclust")
        clusters = len(set(labels))
        sil = silhouette_score(sq, labels, metric="precomputed") if 2 <= clusters <= n - 1 else None
        by_k.append({"k": k, "clusters": clusters, "silhouette": sil})
        if clusters == k and sil is not None and (best is None or sil > best[1]):
            best = (k, sil, labels)
    k, sil, labels = best
    loo = []
    for left in rows:
        sub = [r for r in rows if r != left]
        kr = len({labels[r] for r in sub})
        _, sl = cut(feats, sub, method, kr)
        loo.append(adjusted_rand_score([labels[r] for r in sub], sl))
    rng = SplitMix64(case["seed"])
    boot = []
    for _ in range(case["bootstrap"]):
        draw = [rng.below(n) for _ in range(n)]
        distinct = sorted(set(draw))
        if len(distinct) < 2:
            continue
        kr = len({labels[r] for r in draw})
        _, dl = cut(feats, draw, method, kr)
        sl = [dl[draw.index(r)] for r in distinct]
        boot.append(adjusted_rand_score([labels[r] for r in distinct], sl))
    json.dump(
        {
            "by_k": by_k,
            "k": k,
            "silhouette": sil,
            "labels": [int(x) for x in labels],
            "loo_ari": loo,
            "boot_ari": boot,
        },
        open(sys.argv[2], "w"),
    )


if __name__ == "__main__":
    main()
