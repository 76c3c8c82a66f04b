"""Reference values for the live performance metrics, computed with scikit-learn.

Run with Debian's Python (numpy, scikit-learn 1.2):  /usr/bin/python3 make_reference_scores.py
It writes reference_scores.json next to this script: each case holds its inputs and sklearn's answers, and
PerformanceScoresTests recomputes the answers in C# from the same inputs.
"""
import json
import os

import numpy as np
from sklearn import metrics

rng = np.random.default_rng(20260401)


def binary_case(name, n, ties):
    labels = rng.integers(0, 2, n)
    # Scores that lean toward the truth, rounded so both sides read the same numbers.
    p = np.clip(0.5 + (labels - 0.5) * 0.35 + rng.normal(0, 0.25, n), 0.001, 0.999)
    p = np.round(p, 1 if ties else 6)
    predicted = (p >= 0.5).astype(int)
    proba = np.stack([1 - p, p], axis=1)
    return {
        "name": name,
        "task": "binary",
        "labels": labels.tolist(),
        "predicted": predicted.tolist(),
        "probabilities": proba.tolist(),
        "expected": {
            "accuracy": metrics.accuracy_score(labels, predicted),
            "precision": metrics.precision_score(labels, predicted),
            "recall": metrics.recall_score(labels, predicted),
            "f1": metrics.f1_score(labels, predicted),
            "rocAuc": metrics.roc_auc_score(labels, p),
            "logLoss": metrics.log_loss(labels, proba, labels=[0, 1]),
        },
    }


def multiclass_case(name, n, k):
    labels = rng.integers(0, k, n)
    raw = rng.random((n, k)) + np.eye(k)[labels] * 0.45
    proba = np.round(raw / raw.sum(axis=1, keepdims=True), 6)
    proba = proba / proba.sum(axis=1, keepdims=True)
    predicted = proba.argmax(axis=1)
    return {
        "name": name,
        "task": "multiclass",
        "labels": labels.tolist(),
        "predicted": predicted.tolist(),
        "probabilities": proba.tolist(),
        "expected": {
            "accuracy": metrics.accuracy_score(labels, predicted),
            "precision": metrics.precision_score(labels, predicted, average="macro", zero_division=0),
            "recall": metrics.recall_score(labels, predicted, average="macro", zero_division=0),
            "f1": metrics.f1_score(labels, predicted, average="macro", zero_division=0),
            "rocAuc": metrics.roc_auc_score(labels, proba, multi_class="ovr", average="macro"),
            "logLoss": metrics.log_loss(labels, proba, labels=list(range(k))),
        },
    }


def regression_case(name, n):
    labels = np.round(rng.normal(150, 60, n), 3)
    predicted = np.round(labels + rng.normal(0, 35, n), 3)
    return {
        "name": name,
        "task": "regression",
        "labels": labels.tolist(),
        "predicted": predicted.tolist(),
        "expected": {
            "mae": metrics.mean_absolute_error(labels, predicted),
            "rmse": float(np.sqrt(metrics.mean_squared_error(labels, predicted))),
            "r2": metrics.r2_score(labels, predicted),
        },
    }


cases = [
    binary_case("binary, distinct scores", 60, ties=False),
    binary_case("binary, tied scores", 80, ties=True),
    multiclass_case("multiclass, 3 classes", 75, 3),
    multiclass_case("multiclass, 5 classes", 120, 5),
    regression_case("regression", 90),
]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_scores.json")
with open(path, "w") as f:
    json.dump({"generator": "make_reference_scores.py (scikit-learn " + __import__("sklearn").__version__ + ")", "cases": cases}, f, indent=1)
    f.write("\n")
print("wrote", path)
