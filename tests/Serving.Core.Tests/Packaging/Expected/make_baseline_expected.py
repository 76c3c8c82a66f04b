"""Reference baseline statistics computed with numpy, independently of the C# BaselineCalculator.

Run with /usr/bin/python3 make_baseline_expected.py from this folder. Writes long_column.csv (a column longer
than 1,000 rows, with missing cells) and baseline_expected.json, both committed.
Conventions checked: population std (ddof=0), np.quantile's default linear interpolation, np.histogram's bins
(half-open, last one closed), 10 bins, values = whole sorted column up to 1,000 rows else 1,000 quantiles at
i/999, and FP32 columns rounded to float32 before anything is computed.
"""
import csv
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "data"))


def column(path, name):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return np.array([float(r[name]) if r[name].strip() else np.nan for r in rows], dtype=np.float64)


def describe(values, float32):
    missing = int(np.isnan(values).sum())
    x = values[~np.isnan(values)]
    if float32:
        x = x.astype(np.float32).astype(np.float64)
    x = np.sort(x)
    edges = np.quantile(x, np.linspace(0, 1, 11))
    counts, _ = np.histogram(x, bins=edges)
    many = len(x) > 1000
    vals = np.quantile(x, np.linspace(0, 1, 1000)) if many else x
    return {"count": int(len(x)), "missing": missing, "mean": float(x.mean()), "std": float(x.std()),
            "min": float(x.min()), "max": float(x.max()), "binEdges": edges.tolist(),
            "binCounts": counts.astype(int).tolist(), "values": vals.tolist(), "valuesAreQuantiles": many}


def main():
    rng = np.random.default_rng(11)
    long = np.round(rng.lognormal(1.0, 0.8, 2500), 4)
    with open(os.path.join(HERE, "long_column.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["x"])
        for i, v in enumerate(long):
            w.writerow(["" if i % 250 == 7 else repr(float(v))])
    cases = [
        ("breast-cancer.csv", "mean radius", True),
        ("breast-cancer.csv", "worst area", True),
        ("breast-cancer.csv", "smoothness error", True),
        ("diabetes.csv", "sex", False),
        ("diabetes.csv", "bmi", False),
        ("diabetes.csv", "target", False),
        ("long_column.csv", "x", False),
        ("long_column.csv", "x", True),
    ]
    expected = []
    for file, name, float32 in cases:
        path = os.path.join(HERE, file) if file == "long_column.csv" else os.path.join(DATA, file)
        expected.append({"file": file, "column": name, "float32": float32, "expected": describe(column(path, name), float32)})
    with open(os.path.join(HERE, "baseline_expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")


if __name__ == "__main__":
    main()
