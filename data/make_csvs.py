"""Turns the raw scikit-learn 1.2.1 data files in raw/ into headered CSVs (label column `target`).

Run from this folder with /usr/bin/python3 make_csvs.py; it uses only the standard library, and its output is
committed, so nothing else needs Python.
"""
import csv
import gzip

SUFFIXES = ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
            "concave points", "symmetry", "fractal dimension"]
BREAST_CANCER = ([f"mean {s}" for s in SUFFIXES] + [f"{s} error" for s in SUFFIXES]
                 + [f"worst {s}" for s in SUFFIXES])
IRIS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
WINE = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
        "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines",
        "proline"]
DIABETES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def sklearn_csv(raw, out, names):
    with open(raw) as f:
        lines = list(csv.reader(f))
    count, width = int(lines[0][0]), int(lines[0][1])
    rows = lines[1:]
    assert len(rows) == count and all(len(r) == width + 1 for r in rows), raw
    write(out, names + ["target"], rows)


def diabetes():
    with gzip.open("raw/diabetes_data_raw.csv.gz", "rt") as f:
        features = [line.split() for line in f if line.strip()]
    with gzip.open("raw/diabetes_target.csv.gz", "rt") as f:
        # The target file holds values such as 1.510000000000000000e+02; all are whole numbers.
        target = [repr(float(line)) for line in f if line.strip()]
    assert len(features) == len(target) == 442 and all(len(r) == 10 for r in features)
    write("diabetes.csv", DIABETES + ["target"], [r + [t] for r, t in zip(features, target)])


sklearn_csv("raw/breast_cancer.csv", "breast-cancer.csv", BREAST_CANCER)
sklearn_csv("raw/iris.csv", "iris.csv", IRIS)
sklearn_csv("raw/wine_data.csv", "wine.csv", WINE)
diabetes()
