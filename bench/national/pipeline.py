"""The national-scale typology pipeline in Python: pandas, the `gower` package, scipy
and scikit-learn — what a researcher would write. Same steps as leernet's
`bench_national` example:

1. read the member responses (CSV),
2. network level: mean of each numeric variable, mode of each nominal one (ties to
   the smallest label; missing answers left out),
3. Gower distance of the networks, average linkage, cut into 4 types, mean silhouette,
4. descriptives of every variable overall and per type,
5. a cross-table of every nominal variable by type with a chi-square test and the
   low-expected-counts check.

Usage: python pipeline.py MEMBERS.csv   (prints one JSON line: timings and results)
"""
import json
import sys
import time

import gower
import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from scipy.stats import chi2_contingency
from sklearn.metrics import silhouette_score

t = {}
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
num = [c for c in df.columns if c.startswith("x")]
cat = [c for c in df.columns if c.startswith("c")]
t["read"] = time.perf_counter() - t0

t0 = time.perf_counter()
net = df.groupby("network")[num].mean()
for c in cat:
    counts = df.groupby(["network", c]).size().reset_index(name="n")
    counts = counts.sort_values(["network", "n", c], ascending=[True, False, True])
    net[c] = counts.drop_duplicates("network").set_index("network")[c]
t["aggregate"] = time.perf_counter() - t0

t0 = time.perf_counter()
# pandas 3 reads text as its string dtype, which the gower package does not know.
d = gower.gower_matrix(net[num + cat].astype({c: object for c in cat}),
                       cat_features=[False] * len(num) + [True] * len(cat))
t["gower"] = time.perf_counter() - t0

t0 = time.perf_counter()
z = linkage(squareform(d.astype(np.float64), checks=False), method="average")
labels = fcluster(z, 4, criterion="maxclust")
t["linkage"] = time.perf_counter() - t0

t0 = time.perf_counter()
sil = silhouette_score(d, labels, metric="precomputed")
t["silhouette"] = time.perf_counter() - t0

t0 = time.perf_counter()
net["type"] = labels
overall_num = net[num].describe()
by_type_num = net.groupby("type")[num].describe()
overall_cat = {c: net[c].value_counts() for c in cat}
chi = []
for c in cat:
    tab = pd.crosstab(net[c], net["type"])
    stat, p, dof, expected = chi2_contingency(tab.values, correction=False)
    chi.append((stat, p, int((expected < 5).sum())))
t["descriptives"] = time.perf_counter() - t0

print(json.dumps({
    "side": "python",
    "times": {k: round(v, 4) for k, v in t.items()},
    "total_s": round(sum(t.values()), 4),
    "networks": len(net),
    "root_height": float(z[-1, 2]),
    "sizes": sorted(np.bincount(labels)[1:].tolist(), reverse=True),
    "silhouette": float(sil),
    "chi2_sum": float(sum(s for s, _, _ in chi)),
    "low_expected_tables": sum(1 for _, _, low in chi if low > 0),
    "mean_x0": float(overall_num.loc["mean", "x0"]),
}))
