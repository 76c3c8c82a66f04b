"""Reference numbers for the drift statistics, computed with SciPy (Debian's python3-scipy 1.10).

Run with /usr/bin/python3 make_drift_reference.py from this folder; writes drift_reference.json (committed).
The C# tests recompute every case and compare. Samples are written out in full, so the tests never depend on
NumPy's random generator.

- ks: scipy.stats.ks_2samp(reference, current) with its defaults (two-sided, method='auto'), plus the method
  SciPy ended up using: 'exact' when max(n1, n2) <= 10000 (and the exact sum succeeds), else 'asymp'.
- ks_breast_cancer: D of ks_2samp for each breast-cancer feature, the training column (rounded to float32, as
  the FP32 model's baseline stores it) against held-out-like rows: the first 200 rows, unchanged and x1.5.
- psi: sum((ref - cur) * ln(ref / cur)) over bin shares, empty shares floored at 0.0001 (Evidently's formula).
- wasserstein: scipy.stats.wasserstein_distance(current, reference) / max(np.std(reference), 0.001).
- chisquare: scipy.stats.chisquare(observed, expected = reference counts * n_cur / n_ref).
- jensenshannon: scipy.spatial.distance.jensenshannon(ref_shares, cur_shares) with its default base (e).
- ztest: two-proportion z statistic (pooled) and its two-sided p-value 2 * norm.sf(|z|).
"""
import csv
import json
import os

import numpy as np
from scipy import stats
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "data"))
rng = np.random.default_rng(20240611)


def rounded(a, digits=4):
    return [float(v) for v in np.round(np.asarray(a, dtype=np.float64), digits)]


def ks_case(name, ref, cur):
    ref, cur = rounded(ref), rounded(cur)
    res = stats.ks_2samp(ref, cur)
    method = "exact" if max(len(ref), len(cur)) <= 10000 else "asymp"
    return {"name": name, "reference": ref, "current": cur, "statistic": float(res.statistic),
            "pValue": float(res.pvalue), "method": method}


ks = [
    ks_case("tiny equal sizes", rng.normal(0, 1, 8), rng.normal(0.5, 1, 8)),
    ks_case("small unequal sizes", rng.normal(0, 1, 30), rng.normal(0.3, 1.2, 45)),
    ks_case("same distribution", rng.normal(0, 1, 200), rng.normal(0, 1, 150)),
    ks_case("shifted", rng.normal(0, 1, 569), rng.normal(0.4, 1, 500)),
    ks_case("strongly shifted", rng.normal(0, 1, 569), rng.normal(2.0, 1, 200)),
    ks_case("equal sizes shifted", rng.normal(0, 1, 500), rng.normal(0.2, 1, 500)),
    ks_case("ties", rng.integers(0, 6, 300), rng.integers(0, 7, 250)),
    ks_case("ties equal sizes", rng.integers(0, 4, 100), rng.integers(0, 4, 100)),
    ks_case("baseline quantiles", np.quantile(rng.normal(0, 1, 5000), np.linspace(0, 1, 1000)), rng.normal(0.1, 1, 500)),
    ks_case("asymptotic small difference", rng.normal(0, 1, 1000), rng.normal(0.03, 1, 10100)),
    ks_case("asymptotic moderate difference", rng.normal(0, 1, 1000), rng.normal(0.1, 1, 10100)),
    ks_case("asymptotic large difference", rng.normal(0, 1, 1000), rng.normal(0.5, 1, 10100)),
    ks_case("asymptotic nearly identical", stats.norm.ppf((np.arange(1000) + 0.5) / 1000, loc=0.01),
            stats.norm.ppf((np.arange(10100) + 0.5) / 10100)),
    ks_case("asymptotic small reference", rng.normal(0, 1, 100), rng.normal(0.1, 1, 10200)),
    ks_case("asymptotic small reference shifted", rng.normal(0, 1, 60), rng.normal(0.6, 1, 10100)),
    ks_case("asymptotic small reference close", stats.norm.ppf((np.arange(120) + 0.5) / 120, loc=0.02),
            rng.normal(0, 1, 10100)),
]


def ks_breast_cancer():
    with open(os.path.join(DATA, "breast-cancer.csv")) as f:
        rows = list(csv.reader(f))
    header, body = rows[0][:-1], np.array([[float(v) for v in r[:-1]] for r in rows[1:]])
    body32 = body.astype(np.float32).astype(np.float64)
    window = body32[:200]
    shifted = (body[:200] * 1.5).astype(np.float32).astype(np.float64)
    out = []
    for j, name in enumerate(header):
        out.append({"feature": name,
                    "unshifted": float(stats.ks_2samp(body32[:, j], window[:, j]).statistic),
                    "shifted": float(stats.ks_2samp(body32[:, j], shifted[:, j]).statistic)})
    return out


def psi(ref_counts, cur_counts):
    r = np.asarray(ref_counts, dtype=float) / sum(ref_counts)
    c = np.asarray(cur_counts, dtype=float) / sum(cur_counts)
    r[r == 0] = 0.0001
    c[c == 0] = 0.0001
    return float(np.sum((r - c) * np.log(r / c)))


psi_cases = [
    {"name": "stable", "reference": [57, 57, 57, 57, 57, 57, 57, 57, 57, 56], "current": [50, 49, 51, 50, 48, 52, 50, 50, 50, 50]},
    {"name": "shifted", "reference": [57, 57, 57, 57, 57, 57, 57, 57, 57, 56], "current": [0, 0, 10, 20, 30, 60, 80, 100, 100, 100]},
    {"name": "empty reference bin", "reference": [100, 0, 100, 100], "current": [90, 10, 100, 100]},
]
for case in psi_cases:
    case["psi"] = psi(case["reference"], case["current"])


def wasserstein_case(name, ref, cur):
    ref, cur = rounded(ref), rounded(cur)
    w = stats.wasserstein_distance(cur, ref)
    return {"name": name, "reference": ref, "current": cur, "distance": float(w),
            "normalized": float(w / max(np.std(ref), 0.001))}


wasserstein = [
    wasserstein_case("same", rng.normal(0, 1, 300), rng.normal(0, 1, 200)),
    wasserstein_case("shifted", rng.normal(5, 2, 569), rng.normal(6, 2, 500)),
    wasserstein_case("constant reference", [3.0] * 50, rng.normal(3, 0.01, 40)),
]


def chisquare_case(name, ref_counts, cur_counts):
    n_ref, n_cur = sum(ref_counts), sum(cur_counts)
    expected = [r * n_cur / n_ref for r in ref_counts]
    res = stats.chisquare(cur_counts, expected)
    return {"name": name, "reference": ref_counts, "current": cur_counts, "statistic": float(res.statistic),
            "pValue": float(res.pvalue)}


chisquare = [
    chisquare_case("same proportions", [212, 357], [100, 168]),
    chisquare_case("three classes", [50, 47, 53], [60, 30, 10]),
    chisquare_case("five values", [100, 200, 300, 250, 150], [20, 45, 61, 50, 24]),
    chisquare_case("far off", [500, 500, 500, 500], [10, 50, 200, 740]),
]


def js_case(name, ref_counts, cur_counts):
    r = np.asarray(ref_counts, dtype=float) / sum(ref_counts)
    c = np.asarray(cur_counts, dtype=float) / sum(cur_counts)
    return {"name": name, "reference": ref_counts, "current": cur_counts, "distance": float(distance.jensenshannon(r, c))}


jensenshannon = [
    js_case("same", [212, 357], [212, 357]),
    js_case("two classes", [212, 357], [150, 50]),
    js_case("missing category", [50, 47, 53, 0], [20, 20, 20, 40]),
    js_case("disjoint", [10, 0], [0, 10]),
]


def ztest_case(name, ref_hits, ref_n, cur_hits, cur_n):
    p1, p2 = ref_hits / ref_n, cur_hits / cur_n
    pooled = (p1 * ref_n + p2 * cur_n) / (ref_n + cur_n)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / ref_n + 1.0 / cur_n))
    return {"name": name, "referenceHits": ref_hits, "referenceRows": ref_n, "currentHits": cur_hits,
            "currentRows": cur_n, "statistic": float(z), "pValue": float(2 * stats.norm.sf(abs(z)))}


ztest = [
    ztest_case("same share", 212, 569, 90, 240),
    ztest_case("different share", 212, 569, 150, 200),
    ztest_case("tiny difference", 357, 569, 310, 500),
]

gamma = [{"a": a, "x": x, "q": float(__import__("scipy.special", fromlist=["gammaincc"]).gammaincc(a, x))}
         for a, x in [(0.5, 0.1), (0.5, 2.0), (1.0, 1.0), (1.5, 0.3), (2.5, 7.0), (10.0, 3.0), (10.0, 25.0), (50.0, 45.0), (0.5, 30.0)]]

out = {"ks": ks, "ksBreastCancer": ks_breast_cancer(), "psi": psi_cases, "wasserstein": wasserstein,
       "chiSquare": chisquare, "jensenShannon": jensenshannon, "zTest": ztest, "upperGamma": gamma}
with open(os.path.join(HERE, "drift_reference.json"), "w") as f:
    json.dump(out, f)
for c in ks:
    print(c["name"], len(c["reference"]), len(c["current"]), c["method"], c["statistic"], c["pValue"])
