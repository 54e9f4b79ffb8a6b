#!/usr/bin/python3
"""Reference numbers for Siamese.Net.Evaluation, computed with scikit-learn / numpy / scipy.

Run with Debian's interpreter (scikit-learn 1.2.1, numpy 1.24, scipy 1.10):
    /usr/bin/python3 tests/Siamese.Net.Tests/Reference/evaluation_reference.py
It writes evaluation_reference.json next to itself; the C# tests read that file and never run Python.

Conventions mirrored from the C# side:
- similarities: "same" when score >= threshold; distances: "same" when distance <= threshold.
  Distances are scored in scikit-learn as similarity = -distance, and thresholds negated back.
- ROC: sklearn.metrics.roc_curve(drop_intermediate=False); the first point's threshold (sklearn 1.2: max + 1)
  is "accept nothing" and written as null.
- EER: linear interpolation of FAR - FRR between the two ROC points where it changes sign; the operating
  threshold is the classic thresholds[argmin(|FNR - FPR|)].
- Threshold calibration: best accuracy = first argmax of sklearn accuracy_score over the ROC thresholds
  (strictest first); target FAR = highest TPR with FPR <= target (first such point).
- Episode CI: mean +/- z * std(ddof=1) / sqrt(n), z = norm.ppf(0.975); Wilson from scipy.stats.binomtest.
- MAP@R / Precision@1 (Musgrave et al. 2020) written out in numpy, neighbours ranked by distance then index.
"""
import json
import os

import numpy as np
from scipy.spatial.distance import cdist
from scipy.stats import binomtest, norm
from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score, roc_curve


def verification_case(name, kind, scores, same, probe_thresholds, target_fars):
    scores = np.asarray(scores, dtype=np.float64)
    same = np.asarray(same, dtype=bool)
    oriented = -scores if kind == "distance" else scores
    sign = -1.0 if kind == "distance" else 1.0
    fpr, tpr, thr = roc_curve(same, oriented, drop_intermediate=False)
    thresholds = [None] + [float(sign * t) for t in thr[1:]]
    auc = roc_auc_score(same, oriented)
    fnr = 1 - tpr
    gap = fpr - fnr
    i = int(np.argmax(gap >= 0))
    if gap[i] == 0:
        eer = fpr[i]
    else:
        t = -gap[i - 1] / (gap[i] - gap[i - 1])
        eer = fpr[i - 1] + t * (fpr[i] - fpr[i - 1])
    k = int(np.nanargmin(np.abs(fnr - fpr)))
    eer_threshold = thresholds[k]

    def decide(threshold):
        if threshold is None:
            return np.zeros_like(same)
        return scores <= threshold if kind == "distance" else scores >= threshold

    def at(threshold):
        pred = decide(threshold)
        tn, fp, fn, tp = confusion_matrix(same, pred, labels=[False, True]).ravel()
        return {
            "threshold": threshold,
            "accuracy": float(accuracy_score(same, pred)),
            "far": float(fp / (fp + tn)),
            "frr": float(fn / (fn + tp)),
            "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn),
        }

    accuracies = [accuracy_score(same, decide(t)) for t in thresholds]
    best = int(np.argmax(accuracies))
    far_targets = []
    for target in target_fars:
        ok = np.where(fpr <= target)[0]
        j = int(ok[np.argmax(tpr[ok])])
        far_targets.append({"target": target, "threshold": thresholds[j], "far": float(fpr[j]), "tpr": float(tpr[j])})

    return {
        "name": name,
        "kind": kind,
        "scores": scores.tolist(),
        "is_same": same.tolist(),
        "roc_fpr": fpr.tolist(),
        "roc_tpr": tpr.tolist(),
        "roc_thresholds": thresholds,
        "auc": float(auc),
        "eer": float(eer),
        "eer_threshold": eer_threshold,
        "eer_point_far": float(fpr[k]),
        "eer_point_frr": float(fnr[k]),
        "at_thresholds": [at(float(t)) for t in probe_thresholds],
        "best_accuracy": {"threshold": thresholds[best], "accuracy": float(accuracies[best])},
        "target_far": far_targets,
    }


def map_at_r(distances, query_labels, reference_labels, same_set):
    p1, aps, excluded = [], [], 0
    for q in range(distances.shape[0]):
        idx = np.arange(distances.shape[1])
        if same_set:
            idx = idx[idx != q]
        rel = reference_labels[idx] == query_labels[q]
        r = int(rel.sum())
        if r == 0:
            excluded += 1
            continue
        order = np.argsort(distances[q, idx], kind="stable")
        hits = rel[order][:r]
        precision = np.cumsum(hits) / np.arange(1, r + 1)
        aps.append(float((precision * hits).sum() / r))
        p1.append(float(rel[order][0]))
    return {"precision_at_1": float(np.mean(p1)), "map_at_r": float(np.mean(aps)),
            "query_count": len(aps), "excluded": excluded}


def main():
    rng = np.random.default_rng(20261125)
    cases = []
    # Hand-made similarities with ties inside and across the two classes.
    cases.append(verification_case(
        "similarity_ties", "similarity",
        [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5, 0.4, 0.3, 0.3, 0.1],
        [1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0],
        [0.8, 0.6, 0.55, 0.3, 0.0, 1.0], [0.0, 0.2, 0.5]))
    # Distances (smaller = same), ties across classes.
    cases.append(verification_case(
        "distance_ties", "distance",
        [0.1, 0.2, 0.2, 0.35, 0.5, 0.5, 0.9, 1.2, 1.2, 1.2, 2.0],
        [1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0],
        [0.2, 0.5, 1.0, 1.2, 3.0], [0.0, 0.25, 0.6]))
    # Perfectly separated distances: EER 0.
    cases.append(verification_case(
        "distance_separable", "distance",
        [0.1, 0.3, 0.2, 0.9, 1.1, 1.4],
        [1, 1, 1, 0, 0, 0],
        [0.3, 0.5], [0.0]))
    # Larger overlapping set, rounded to 2 decimals so many ties occur.
    same = rng.random(300) < 0.4
    sims = np.where(same, rng.normal(0.7, 0.15, 300), rng.normal(0.45, 0.15, 300)).round(2)
    cases.append(verification_case(
        "similarity_random_rounded", "similarity", sims.tolist(), same.tolist(),
        [0.5, 0.57, 0.6], [0.01, 0.05, 0.1]))

    accuracies = rng.integers(10, 21, size=40) / 20.0
    mean = float(np.mean(accuracies))
    half = float(norm.ppf(0.975) * np.std(accuracies, ddof=1) / np.sqrt(len(accuracies)))
    episodes = {"accuracies": accuracies.tolist(), "mean": mean, "lower": mean - half, "upper": mean + half}
    wilson = []
    for k, n in [(45, 50), (50, 50), (0, 10), (613, 1000)]:
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        wilson.append({"correct": k, "total": n, "lower": float(ci.low), "upper": float(ci.high)})

    retrieval = []
    # Leave-one-out with continuous distances; class 7 has a single member (a lone query).
    labels = np.array([0] * 5 + [1] * 4 + [2] * 6 + [3] * 3 + [7])
    emb = rng.normal(size=(len(labels), 4)) + labels[:, None] * 0.8
    d = cdist(emb, emb)
    retrieval.append({"name": "leave_one_out", "distances": d.tolist(), "query_labels": labels.tolist(),
                      "reference_labels": labels.tolist(), "same_set": True,
                      **map_at_r(d, labels, labels, True)})
    # Separate queries and references, integer Manhattan distances with many ties.
    ql = np.array([0, 1, 2, 0, 1, 2, 5])
    rl = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 0])
    qe = rng.integers(0, 3, size=(len(ql), 3)) + ql[:, None]
    re = rng.integers(0, 3, size=(len(rl), 3)) + rl[:, None]
    d = cdist(qe, re, metric="cityblock")
    retrieval.append({"name": "ties_separate_sets", "distances": d.tolist(), "query_labels": ql.tolist(),
                      "reference_labels": rl.tolist(), "same_set": False,
                      **map_at_r(d, ql, rl, False)})

    out = {"verification": cases, "episodes": episodes, "wilson": wilson, "retrieval": retrieval}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "evaluation_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
