"""Reference figures for leernet-stats' conformance suite.

Usage: python reference.py METHOD IN.json OUT.json

Reads {"cases": [...]} written by tests/it/conformance.rs, computes every case with the
Python package researchers would use, and writes {"results": [...]} in the same order.
A case the reference refuses gives {"error": "..."}. Missing values arrive as null.
NaN results are written as null (JSON has no NaN).
"""
import json
import math
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def clean(x):
    """Make a result JSON-safe: numpy types to Python, NaN/inf to None."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else None
    return x


def arr(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def describe(case):
    x = arr(case["values"])
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return {"n": 0}
    return {
        "n": len(x),
        "mean": np.mean(x),
        "sd": np.std(x, ddof=1) if len(x) > 1 else None,
        "min": np.min(x),
        "max": np.max(x),
        "median": np.median(x),
        "q1": np.quantile(x, 0.25),
        "q3": np.quantile(x, 0.75),
    }


def wilson(case):
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(case["count"], case["n"], alpha=0.05, method="wilson")
    return {"lo": lo, "hi": hi}


def chi2(case):
    from scipy.stats import chi2_contingency

    res = chi2_contingency(np.array(case["table"]), correction=True)
    return {"statistic": res[0], "p_value": res[1], "dof": res[2], "expected": res[3]}


def fisher(case):
    from scipy.stats import fisher_exact

    t = np.array(case["table"])
    odds, p = fisher_exact(t)
    return {"odds_ratio": odds, "p_value": p}


def mcnemar(case):
    from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

    b, c = case["b"], case["c"]
    res = sm_mcnemar([[5, b], [c, 7]], exact=case["exact"], correction=case["correction"])
    return {"statistic": res.statistic, "p_value": res.pvalue}


def wilcoxon(case):
    from scipy.stats import wilcoxon as sp_wilcoxon

    x, y = np.array(case["x"], dtype=float), np.array(case["y"], dtype=float)
    if np.all(x == y):
        return {"error": "no difference"}
    res = sp_wilcoxon(x, y)
    return {"statistic": res.statistic, "p_value": res.pvalue}


def ttest_rel(case):
    from scipy.stats import ttest_rel as sp_ttest_rel

    res = sp_ttest_rel(np.array(case["x"], dtype=float), np.array(case["y"], dtype=float))
    ci = res.confidence_interval(confidence_level=0.95)
    d = np.array(case["x"], dtype=float) - np.array(case["y"], dtype=float)
    return {"statistic": res.statistic, "p_value": res.pvalue, "df": res.df,
            "mean_difference": np.mean(d), "lo": ci.low, "hi": ci.high}


def welch(case):
    from scipy.stats import ttest_ind

    x, y = np.array(case["x"], dtype=float), np.array(case["y"], dtype=float)
    res = ttest_ind(x, y, equal_var=False)
    ci = res.confidence_interval(confidence_level=0.95)
    return {"statistic": res.statistic, "p_value": res.pvalue, "df": res.df,
            "mean_difference": np.mean(x) - np.mean(y), "lo": ci.low, "hi": ci.high}


def gower_package(case):
    """The `gower` package on complete data: numeric columns as float, nominal as str."""
    import gower
    import pandas as pd

    cols = {}
    cat = []
    for k, col in enumerate(case["columns"]):
        if col["kind"] == "numeric":
            cols[f"c{k}"] = pd.Series(arr(col["values"]), dtype=float)
            cat.append(False)
        else:
            # pandas 3 would make these StringDtype, which the package cannot inspect.
            cols[f"c{k}"] = pd.Series([f"v{v}" for v in col["values"]], dtype=object)
            cat.append(True)
    df = pd.DataFrame(cols)
    return {"matrix": gower.gower_matrix(df, cat_features=cat).astype(float)}


def gower_textbook(case):
    """Gower (1971) with pairwise deletion, vectorised in float64, written from the paper
    (and R daisy's rank treatment of ordinal columns), independent of the Rust code."""
    n = case["n"]
    num = np.zeros((n, n))
    den = np.zeros((n, n))
    for col in case["columns"]:
        kind = col["kind"]
        v = col["values"]
        if kind in ("numeric", "ordinal"):
            x = arr(v)
            if kind == "ordinal":
                present = np.unique(x[~np.isnan(x)])
                x = np.where(np.isnan(x), np.nan, np.searchsorted(present, x) + 1.0)
            rng = np.nanmax(x) - np.nanmin(x) if np.any(~np.isnan(x)) else 0.0
            diff = np.abs(x[:, None] - x[None, :])
            ok = ~np.isnan(diff)
            d = np.where(ok, diff / rng if rng > 0 else 0.0, 0.0)
        elif kind == "nominal":
            x = np.array([-1 if e is None else e for e in v])
            ok = (x[:, None] >= 0) & (x[None, :] >= 0)
            d = (x[:, None] != x[None, :]).astype(float)
        else:  # asymmetric binary
            x = np.array([-1 if e is None else int(e) for e in v])
            ok = (x[:, None] >= 0) & (x[None, :] >= 0) & ((x[:, None] + x[None, :]) >= 1)
            d = (x[:, None] != x[None, :]).astype(float)
        num += np.where(ok, d, 0.0)
        den += ok
    np.fill_diagonal(den, 1)
    if np.any(den == 0):
        return {"error": "a pair of rows shares no column"}
    out = num / den
    np.fill_diagonal(out, 0.0)
    return {"matrix": out}


def cluster(case):
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import silhouette_score
    from scipy.spatial.distance import squareform

    d = np.array(case["condensed"], dtype=float)
    z = linkage(d, method=case["method"])
    out = {"merges": z, "cuts": {}}
    square = squareform(d)
    for k in case["ks"]:
        labels = fcluster(z, k, criterion="maxclust")
        nl = len(set(labels))
        sil = None
        if 2 <= nl <= len(labels) - 1:
            sil = silhouette_score(square, labels, metric="precomputed")
        out["cuts"][str(k)] = {"labels": labels, "silhouette": sil}
    return out


def agreement(case):
    import krippendorff
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    units = case["units"]  # rows = units, columns = coders
    m = len(units[0])
    out = {}
    # percent agreement: mean over units with >= 2 codes of agreeing pairs / pairs
    shares = []
    for u in units:
        c = [x for x in u if x is not None]
        if len(c) < 2:
            continue
        pairs = [(a, b) for i, a in enumerate(c) for b in c[i + 1:]]
        shares.append(sum(a == b for a, b in pairs) / len(pairs))
    out["percent"] = float(np.mean(shares)) if shares else None
    if m == 2:
        pairs = [(u[0], u[1]) for u in units if u[0] is not None and u[1] is not None]
        if pairs:
            a, b = zip(*pairs)
            out["cohen"] = cohen_kappa_score(list(a), list(b))
    complete = [u for u in units if all(x is not None for x in u)]
    if complete:
        table, _ = aggregate_raters(np.array(complete))
        out["fleiss"] = fleiss_kappa(table, method="fleiss")
        # Brennan and Prediger's kappa: Randolph's free-marginal kappa over all q categories
        q = case["categories"]
        table_q, _ = aggregate_raters(np.array(complete), n_cat=q)
        out["randolph"] = fleiss_kappa(table_q, method="randolph")
    data = np.array([[np.nan if x is None else x for x in u] for u in units], dtype=float).T
    try:
        out["kripp"] = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except Exception as e:  # noqa: BLE001 - the package raises for one-value domains
        out["kripp_error"] = str(e)
    return out


def reliability(case):
    import pandas as pd
    import pingouin as pg
    from scipy.stats import f

    df = pd.DataFrame([[np.nan if x is None else x for x in r] for r in case["rows"]])
    df = df.dropna(axis=0, how="any")
    n, k = df.shape
    alpha, ci = pg.cronbach_alpha(data=df)
    df1 = n - 1
    df2 = df1 * (k - 1)
    lower = 1 - (1 - alpha) * f.isf(0.05 / 2, df1, df2)
    upper = 1 - (1 - alpha) * f.isf(1 - 0.05 / 2, df1, df2)
    deleted = []
    for j in range(k):
        if k < 3:
            deleted.append(None)
        else:
            deleted.append(pg.cronbach_alpha(data=df.drop(columns=df.columns[j]))[0])
    itc = []
    for j in range(k):
        rest = df.drop(columns=df.columns[j]).sum(axis=1)
        itc.append(np.corrcoef(df.iloc[:, j], rest)[0, 1])
    return {
        "n": n,
        "alpha": alpha,
        "ci_pingouin": ci,
        "ci": [lower, upper],
        "alpha_if_deleted": deleted,
        "item_total": itc,
    }


def lca(case):
    from stepmix.stepmix import StepMix

    rows = case["rows"]
    missing = any(v is None for r in rows for v in r)
    x = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    m = StepMix(
        n_components=case["classes"],
        measurement="categorical_nan" if missing else "categorical",
        n_init=case["starts"],
        random_state=case["seed"],
        verbose=0,
        progress_bar=0,
    )
    m.fit(x)
    n = len(rows)
    params = m.get_parameters()
    return {
        "loglik": m.score(x) * n,
        "npar": m.n_parameters,
        "aic": m.aic(x),
        "bic": m.bic(x),
        "entropy_raw": m.entropy(x),
        "class_sizes": sorted(params["weights"].tolist(), reverse=True),
    }


def ari(case):
    from sklearn.metrics import adjusted_rand_score

    return {"ari": adjusted_rand_score(case["a"], case["b"])}


def kprototypes(case):
    """The kmodes package's KPrototypes (Huang's incremental algorithm), best of n_init."""
    from kmodes.kprototypes import KPrototypes

    num = np.array(case["num"], dtype=float).T
    cat = np.array(case["cat"], dtype=float).T
    x = np.hstack([num, cat])
    pn = num.shape[1]
    kp = KPrototypes(
        n_clusters=case["k"], init="Huang", n_init=case["starts"], max_iter=100,
        random_state=case["seed"], gamma=case.get("gamma"),
    )
    labels = kp.fit_predict(x, categorical=list(range(pn, x.shape[1])))
    return {"cost": kp.cost_, "labels": labels, "gamma": kp.gamma}


def pam(case):
    """The kmedoids package's pam (BUILD + SWAP, best swap per step) and its BUILD alone."""
    import kmedoids
    from scipy.spatial.distance import squareform

    d = squareform(np.array(case["condensed"], dtype=float))
    r = kmedoids.pam(d, case["k"], max_iter=100, init="build")
    b = kmedoids.pam(d, case["k"], max_iter=0, init="build")
    f = kmedoids.fasterpam(d, case["k"], max_iter=100, init="build")
    return {
        "loss": r.loss, "medoids": r.medoids, "labels": r.labels, "swaps": r.n_swap,
        "build_loss": b.loss, "build_medoids": b.medoids,
        "faster_loss": f.loss, "faster_medoids": f.medoids,
    }


METHODS = {
    "mcnemar": mcnemar,
    "wilcoxon": wilcoxon,
    "ttest_rel": ttest_rel,
    "welch": welch,
    "kprototypes": kprototypes,
    "pam": pam,
    "ari": ari,
    "lca": lca,
    "describe": describe,
    "wilson": wilson,
    "chi2": chi2,
    "fisher": fisher,
    "gower_package": gower_package,
    "gower_textbook": gower_textbook,
    "cluster": cluster,
    "agreement": agreement,
    "reliability": reliability,
}


def main():
    method, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(src) as fh:
        cases = json.load(fh)["cases"]
    fn = METHODS[method]
    results = []
    for case in cases:
        try:
            results.append(clean(fn(case)))
        except Exception as e:  # noqa: BLE001 - reported per case, compared by the test
            results.append({"error": f"{type(e).__name__}: {e}"})
    with open(dst, "w") as fh:
        json.dump({"results": results}, fh)


if __name__ == "__main__":
    main()
