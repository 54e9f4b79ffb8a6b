#!/usr/bin/python3
"""Reference numbers for Siamese.Net.Evaluation's retrieval (R-precision, MRR, Recall@K beside Precision@1 and MAP@R)
and clustering (NMI, AMI, k-means) metrics.

Run with Debian's interpreter (scikit-learn 1.2.1, numpy 1.24, scipy 1.10):
    /usr/bin/python3 tests/Siamese.Net.Tests/Reference/retrieval_clustering_reference.py
It writes retrieval_clustering_reference.json next to itself; the C# tests read that file and never run Python.
(evaluation_reference.py holds the verification/episode references; this script is separate so the two can change
independently.)

Conventions mirrored from the C# side:
- Retrieval, written out in numpy by brute force (one stable argsort per query: neighbours by distance, then index):
  for a query with R relevant references (same label; the query itself excluded when queries are the references),
  Precision@1 = rel(1); MAP@R = (1/R) sum_{i<=R} P(i) rel(i); R-precision = (1/R) sum_{i<=R} rel(i);
  MRR = 1 / (rank of the first relevant); Recall@K = 1 if any of the K nearest is relevant (Song et al. 2016, the
  deep-metric-learning definition; K beyond the candidates counts all). Queries with R = 0 are excluded.
- NMI / AMI: sklearn.metrics.normalized_mutual_info_score / adjusted_mutual_info_score, average_method='arithmetic'.
- k-means: sklearn.cluster.KMeans(init='k-means++', n_init=..., random_state=0, algorithm='lloyd'); the C# k-means
  has its own seeded sampler, so only the inertia of the optimum and the NMI/AMI of its labels are compared.
"""
import json
import os

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

RECALL_AT = [1, 2, 4, 8, 1000]


def retrieval(distances, query_labels, reference_labels, same_set):
    p1, aps, rps, rr, excluded = [], [], [], [], 0
    recall = {k: [] for k in RECALL_AT}
    for q in range(distances.shape[0]):
        idx = np.arange(distances.shape[1])
        if same_set:
            idx = idx[idx != q]
        rel = reference_labels[idx] == query_labels[q]
        r = int(rel.sum())
        if r == 0:
            excluded += 1
            continue
        ranked = rel[np.argsort(distances[q, idx], kind="stable")]
        hits = ranked[:r]
        precision = np.cumsum(hits) / np.arange(1, r + 1)
        aps.append(float((precision * hits).sum() / r))
        rps.append(float(hits.sum() / r))
        p1.append(float(ranked[0]))
        first = int(np.argmax(ranked)) + 1
        rr.append(1.0 / first)
        for k in RECALL_AT:
            recall[k].append(float(ranked[:k].any()))
    return {"precision_at_1": float(np.mean(p1)), "map_at_r": float(np.mean(aps)), "r_precision": float(np.mean(rps)),
            "mrr": float(np.mean(rr)), "recall_at": RECALL_AT, "recall": [float(np.mean(recall[k])) for k in RECALL_AT],
            "query_count": len(aps), "excluded": excluded}


def retrieval_case(name, d, ql, rl, same_set):
    return {"name": name, "distances": d.tolist(), "query_labels": ql.tolist(), "reference_labels": rl.tolist(),
            "same_set": same_set, **retrieval(d, ql, rl, same_set)}


def mi_case(name, a, b):
    a, b = np.asarray(a), np.asarray(b)
    return {"name": name, "labels": a.tolist(), "clusters": b.tolist(),
            "nmi": float(normalized_mutual_info_score(a, b, average_method="arithmetic")),
            "ami": float(adjusted_mutual_info_score(a, b, average_method="arithmetic"))}


def kmeans_case(name, x, labels, n_init):
    k = len(np.unique(labels))
    km = KMeans(n_clusters=k, init="k-means++", n_init=n_init, random_state=0, algorithm="lloyd", max_iter=300, tol=1e-4)
    km.fit(x)
    # The inertia of the assignment to the final centroids, recomputed exactly (sklearn's is the same up to rounding).
    inertia = float(((x - km.cluster_centers_[km.labels_]) ** 2).sum())
    return {"name": name, "points": x.tolist(), "labels": labels.tolist(), "k": k, "n_init": n_init,
            "inertia": inertia, "sklearn_labels": km.labels_.tolist(),
            "nmi": float(normalized_mutual_info_score(labels, km.labels_)),
            "ami": float(adjusted_mutual_info_score(labels, km.labels_))}


def main():
    rng = np.random.default_rng(20261201)
    ret = []
    # Leave-one-out with continuous distances; class 7 has a single member (a lone query).
    labels = np.array([0] * 5 + [1] * 4 + [2] * 6 + [3] * 3 + [7])
    emb = rng.normal(size=(len(labels), 4)) + labels[:, None] * 0.8
    ret.append(retrieval_case("leave_one_out", cdist(emb, emb), labels, labels, True))
    # Separate queries and references, integer Manhattan distances with many ties.
    ql = np.array([0, 1, 2, 0, 1, 2, 5])
    rl = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 0])
    qe = rng.integers(0, 3, size=(len(ql), 3)) + ql[:, None]
    re = rng.integers(0, 3, size=(len(rl), 3)) + rl[:, None]
    ret.append(retrieval_case("ties_separate_sets", cdist(qe, re, metric="cityblock"), ql, rl, False))
    # A larger leave-one-out set with overlapping classes (distances rounded to 1 decimal: ties), so first relevant
    # ranks beyond 8 occur and Recall@K, MRR and R-precision all differ from Precision@1.
    labels = rng.integers(0, 6, size=60)
    emb = rng.normal(size=(60, 5)) + labels[:, None] * 0.35
    ret.append(retrieval_case("overlapping_rounded", cdist(emb, emb).round(1), labels, labels, True))

    mi = []
    mi.append(mi_case("identical", [0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2]))
    mi.append(mi_case("renamed", [0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9]))
    mi.append(mi_case("all_split", [0, 0, 0, 0], [0, 1, 2, 3]))
    mi.append(mi_case("one_trivial", [0, 0, 0, 0, 0, 0], [0, 1, 0, 1, 2, 2]))
    mi.append(mi_case("both_trivial", [3, 3, 3], [1, 1, 1]))
    mi.append(mi_case("independent_small", [0, 0, 1, 1], [0, 1, 0, 1]))
    mi.append(mi_case("sklearn_doc", [0, 0, 1, 1, 1, 2], [1, 1, 0, 0, 2, 2]))
    for i, (n, ka, kb) in enumerate([(30, 3, 4), (100, 10, 10), (200, 5, 12), (57, 2, 9)]):
        a = rng.integers(0, ka, size=n)
        noisy = np.where(rng.random(n) < 0.6, a % kb, rng.integers(0, kb, size=n))
        mi.append(mi_case(f"random_{i}", a, noisy))
    mi.append(mi_case("random_independent", rng.integers(0, 7, size=150), rng.integers(0, 7, size=150)))

    # Many small classes (a Stanford-Online-Products-like shape), rebuilt by formula on the C# side instead of
    # stored: item i has label i // 5 and cluster i // 5, except every third item, whose cluster is (7919 i) mod 4000.
    n = 20000
    i = np.arange(n)
    big_labels = i // 5
    big_clusters = np.where(i % 3 != 0, i // 5, (7919 * i) % 4000)
    large = {"name": "many_small_classes", "n": n,
             "nmi": float(normalized_mutual_info_score(big_labels, big_clusters)),
             "ami": float(adjusted_mutual_info_score(big_labels, big_clusters))}

    km = []
    # Well separated blobs: every restart of a k-means++ Lloyd run reaches the same optimum (the true classes).
    centres = rng.normal(scale=6.0, size=(5, 8))
    labels = np.repeat(np.arange(5), 16)
    x = centres[labels] + rng.normal(scale=0.7, size=(80, 8))
    km.append(kmeans_case("separated_blobs", x, labels, 10))
    # Overlapping classes: local optima differ; sklearn's best of 50 restarts is the benchmark for the C# 10.
    centres = rng.normal(scale=1.2, size=(4, 3))
    labels = np.repeat(np.arange(4), 25)
    x = centres[labels] + rng.normal(scale=1.0, size=(100, 3))
    km.append(kmeans_case("overlapping", x, labels, 50))

    out = {"retrieval": ret, "mutual_information": mi, "mutual_information_large": large, "kmeans": km}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "retrieval_clustering_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
