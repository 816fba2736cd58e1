"""The Python pipeline leernet's typology is measured against: gower.gower_matrix,
scipy average linkage + fcluster(maxclust), sklearn silhouette (precomputed), on the
CSV written by leernet-stats' bench_typology example (same data).

Usage: python bench_typology.py DATA.csv REPEATS
"""
import statistics
import sys
import time

import gower
import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import silhouette_score


def main():
    path, repeats = sys.argv[1], int(sys.argv[2])
    df = pd.read_csv(path)
    cat = [c.startswith("c") for c in df.columns]
    for c, is_cat in zip(df.columns, cat):
        if is_cat:
            # pandas 3 reads text as StringDtype, which gower cannot inspect
            df[c] = df[c].astype(object)
    n = len(df)
    tg, tl, ts, tt = [], [], [], []
    for rep in range(repeats):
        t0 = time.perf_counter()
        d = gower.gower_matrix(df, cat_features=cat)
        t1 = time.perf_counter()
        z = linkage(squareform(d.astype(np.float64), checks=False), method="average")
        labels = fcluster(z, 4, criterion="maxclust")
        t2 = time.perf_counter()
        s = silhouette_score(d, labels, metric="precomputed")
        t3 = time.perf_counter()
        g, l, si = t1 - t0, t2 - t1, t3 - t2
        print(
            f'{{"rep":{rep},"n":{n},"gower_s":{g:.4f},"linkage_s":{l:.4f},'
            f'"silhouette_s":{si:.4f},"total_s":{g + l + si:.4f},"silhouette":{s:.6f},'
            f'"root_height":{z[-1, 2]:.9f}}}',
            flush=True,
        )
        tg.append(g)
        tl.append(l)
        ts.append(si)
        tt.append(g + l + si)
    med = statistics.median
    print(
        f"MEDIAN python n={n} gower={med(tg):.4f}s linkage+cut={med(tl):.4f}s "
        f"silhouette={med(ts):.4f}s total={med(tt):.4f}s"
    )


if __name__ == "__main__":
    main()
