#!/usr/bin/python3
"""Reference values (value and gradient) for the loss catalogue of issue 16, written from the papers' formulas.

Run with Debian's PyTorch 1.13 from the repository root:
    /usr/bin/python3 tests/Siamese.Net.Tests/Reference/loss_catalogue_reference.py
It writes loss_catalogue.json next to itself; the C# tests read that file and never run Python.
docs/loss-catalogue-formulas.md states every formula, default and paper in prose.

Layout of loss_catalogue.json
- "inputs": named input sets, each with "embeddings" [N][D] (float64 values; the float32 runs use them rounded to
  float32), "labels" [N] (integer classes 0..C-1), "class_weights" [C][D] (the proxies / class weights of the proxy and
  classification losses, one ROW per class; pytorch-metric-learning (PML) stores W as [D, C] for the margin-softmax
  losses, we store its transpose) and "subcenter_weights" [C*K][D] (row c*K + k is sub-centre k of class c, PML's
  layout of W^T).
- "cases": one per (loss, parameters, input set): "value" and the gradients of that value with respect to the raw
  (unnormalised) embeddings "grad_embeddings" [N][D] and, for proxy/classification losses, the weights
  "grad_weights" (same shape as the weights used), in float64; the same computed in float32 ("*_float32", float32
  arithmetic end to end); "per_element" the unreduced losses (per anchor, per pair, per triplet or per proxy, as
  "reducer" says) in float64; "reducer" names the reduction applied to per_element; for the mined multi-similarity
  cases, "mined_pairs" lists the miner's positive and negative (anchor, other) pairs.

Conventions shared by all losses (the lead's C# contract: embeddings [N, D], labels [N], optional mined tuples,
a distance, a reducer)
- Cosine similarity S_ij = x_i.x_j / (max(|x_i|, 1e-8) max(|x_j|, 1e-8)), the C# CosineDistance's normalisation
  (PML normalises with F.normalize, eps 1e-12: same values for non-zero vectors). Gradients flow through the
  normalisation to the raw embeddings.
- Euclidean distance d_ij = sqrt(|x_i - x_j|^2 + 1e-12), as Siamese.Net's EuclideanDistance; it keeps the gradient
  finite (zero) for equal embeddings.
- Pairs from labels: positives (i, j) with i != j and y_i = y_j, negatives y_i != y_j, both orders, as PML's
  get_all_pairs_indices.
- An anchor with no positive or no negative (after mining) contributes 0 to the pair/anchor losses that need both
  (multi-similarity, circle, lifted structure), as the official multi-similarity code skips it. A batch with no
  positive pair therefore gives loss 0 and a zero gradient, never NaN ("no_positive" cases). Contrastive loss is the
  exception: its negative pairs still count without positives.
- Masked log-sum-exp never sees an all-masked row (such rows are left out before the log-sum-exp), so no -inf - -inf.
- log(1 + sum exp z) is computed as logsumexp([z, 0]).

Deliberate differences from PML's source (read at KevinMusgrave/pytorch-metric-learning, src/.../losses/*.py)
- multi_similarity: PML keeps the positive term of an anchor without negatives (and vice versa); we drop the anchor
  (official MS code / paper). Reduction: both divide by N (PML MeanReducer over all anchors).
- supervised_contrastive: PML returns 0 for a batch without any negative pair and filters zero losses
  (AvgNonZeroReducer); we average -mean log p over the anchors that have at least one positive (Khosla et al.
  eq. 2, L_out) whether or not negatives exist.
- nt_xent: PML adds finfo.tiny inside the log; we use the exact log-softmax form. Same pairs, same mean over
  positive pairs.
- lifted_structure: PML's default distance is LpDistance with normalised embeddings; we use the Euclidean distance
  of the raw embeddings (give the C# loss the distance you want; normalise first to match PML), and drop anchors
  without positives or negatives (PML would keep relu(neg term)).
- proxy_nca: softmax over all proxies including the true one (PML's NCALoss computation, squared Euclidean distance
  of normalised embeddings to normalised proxies, times softmax_scale); Movshovitz-Attias et al. exclude the true
  proxy from the denominator, which makes the loss unbounded below.
- arcface: cos(theta + m) written as cos*cos(m) - sin*sin(m) with sin = sqrt(max(1 - cos^2, 1e-12)) (insightface's
  form; PML goes through acos, same value and gradient away from |cos| = 1, but acos has an infinite derivative at
  |cos| = 1, which is how float32 runs reach NaN); when theta + m > pi (cos <= cos(pi - m)) the target logit is
  cos - m sin(m), insightface's easy_margin=False threshold and PML's "keep monotonic" branch.
  On the "aligned" inputs (embeddings exactly along their class weight) PML's ArcFace/SubCenterArcFace gradient is
  NaN even in float64 (acos' = -inf at cos = 1, times 0); ours is finite.
- normalized_softmax: embeddings and class weights both normalised (Zhai and Wu 2018; PML's DotProductSimilarity
  normalises embeddings by default too), logits / temperature.
- Reducers: as PML's defaults for each loss (named in each case), except where stated above.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
HERE = os.path.dirname(os.path.abspath(__file__))
NORM_EPS = 1e-8
EUCLID_EPS = 1e-12
SIN_EPS = 1e-12


# ----------------------------------------------------------------------------------------------------------- helpers
def unit(x):
    return x / x.norm(dim=1, keepdim=True).clamp_min(NORM_EPS)


def cosine(x, y=None):
    xu = unit(x)
    return xu @ (xu if y is None else unit(y)).t()


def euclidean(x):
    diff = x.unsqueeze(1) - x.unsqueeze(0)
    return ((diff * diff).sum(-1) + EUCLID_EPS).sqrt()


def pair_masks(labels):
    same = labels.unsqueeze(1) == labels.unsqueeze(0)
    eye = torch.eye(len(labels), dtype=torch.bool)
    return same & ~eye, ~same


def lse(z, mask, dim=1):
    """log sum_{mask} exp z along dim; every row must have at least one kept entry."""
    return torch.logsumexp(z.masked_fill(~mask, float("-inf")), dim=dim)


def lse1(z, mask, dim=1):
    """log(1 + sum_{mask} exp z) along dim; an all-masked row gives exactly 0 with zero gradient."""
    z = z.masked_fill(~mask, float("-inf"))
    shape = list(z.shape)
    shape[dim] = 1
    return torch.logsumexp(torch.cat([z, z.new_zeros(shape)], dim=dim), dim=dim)


def mean_nonzero(per):
    """PML's AvgNonZeroReducer: mean of the strictly positive entries, 0 when there are none."""
    keep = per > 0
    return per[keep].mean() if keep.any() else per.sum() * 0


def anchors_loss(per_valid, valid, n, x):
    """Scatters per-anchor losses of the valid anchors into [N] (zeros elsewhere) keeping the graph."""
    per = x.new_zeros(n) + x.sum() * 0  # keeps the graph (zero gradient) when no anchor is valid
    if valid.any():
        per = per.index_put((valid.nonzero().squeeze(1),), per_valid)
    return per


# --------------------------------------------------------------------------------------------- pair / tuple losses
def multi_similarity_mine(s, pos, neg, epsilon):
    """Multi-similarity miner (Wang et al. 2019, eq. 5-6; PML MultiSimilarityMiner) on detached similarities: keeps
    negative (i, n) if S_in > min_p S_ip - epsilon, positive (i, p) if S_ip < max_n S_in + epsilon. Returns masks."""
    sd = s.detach()
    inf = torch.tensor(float("inf"), dtype=s.dtype)
    max_neg = torch.where(neg, sd, -inf).max(1, keepdim=True).values
    min_pos = torch.where(pos, sd, inf).min(1, keepdim=True).values
    return pos & (sd - epsilon < max_neg), neg & (sd + epsilon > min_pos)


def multi_similarity(x, labels, alpha=2.0, beta=50.0, base=0.5, epsilon=None):
    """Multi-similarity loss (Wang et al., "Multi-Similarity Loss with General Pair Weighting", CVPR 2019, eq. 4):
    L = (1/N) sum_i [ (1/alpha) log(1 + sum_{p in P_i} exp(-alpha (S_ip - base)))
                     + (1/beta) log(1 + sum_{n in N_i} exp(beta (S_in - base))) ],
    S cosine similarity. With epsilon (the paper's pair mining, eq. 5-6, PML's MultiSimilarityMiner): keep a negative
    if S_in > min_{p} S_ip - epsilon and a positive if S_ip < max_{n} S_in + epsilon (selection on detached S).
    Anchors left without a positive or a negative contribute 0; the sum is divided by N."""
    s = cosine(x)
    pos, neg = pair_masks(labels)
    if epsilon is not None:
        pos, neg = multi_similarity_mine(s, pos, neg, epsilon)
    valid = pos.any(1) & neg.any(1)
    sv, pv, nv = s[valid], pos[valid], neg[valid]
    per_valid = lse1(alpha * (base - sv), pv) / alpha + lse1(beta * (sv - base), nv) / beta
    per = anchors_loss(per_valid, valid, len(labels), x)
    return per.sum() / len(labels), per, "sum / N (all anchors)"


def circle(x, labels, m=0.25, gamma=256.0):
    """Circle loss, pair-wise labels (Sun et al., "Circle Loss: A Unified Perspective of Pair Similarity
    Optimization", CVPR 2020, eq. 4 with eq. 6-7): per anchor
    L_i = softplus( logsumexp_{p} [-gamma a_p (S_ip - (1 - m))] + logsumexp_{n} [gamma a_n (S_in - m)] ),
    a_p = [1 + m - S_ip]_+, a_n = [S_in + m]_+ treated as constants (detached, as the paper's code and PML).
    Anchors without a positive or a negative give 0; reducer: mean of the non-zero anchor losses (PML
    AvgNonZeroReducer)."""
    s = cosine(x)
    pos, neg = pair_masks(labels)
    a_p = (1 + m - s).detach().clamp_min(0)
    a_n = (s + m).detach().clamp_min(0)
    logit_p = -gamma * a_p * (s - (1 - m))
    logit_n = gamma * a_n * (s - m)
    valid = pos.any(1) & neg.any(1)
    per_valid = F.softplus(lse(logit_p[valid], pos[valid]) + lse(logit_n[valid], neg[valid]))
    per = anchors_loss(per_valid, valid, len(labels), x)
    return mean_nonzero(per), per, "mean of non-zero anchor losses"


def nt_xent(x, labels, temperature=0.1):
    """NT-Xent / InfoNCE over labels (Chen et al., "A Simple Framework for Contrastive Learning of Visual
    Representations", ICML 2020, eq. 1; the label-driven form of PML's NTXentLoss): for every positive pair (a, p)
    l_ap = -log( exp(S_ap / t) / (exp(S_ap / t) + sum_{n: y_n != y_a} exp(S_an / t)) ),
    other positives of a are not in the denominator. Reducer: mean over positive pairs (both orders)."""
    s = cosine(x) / temperature
    pos, neg = pair_masks(labels)
    a, p = pos.nonzero(as_tuple=True)
    if len(a) == 0:
        return x.sum() * 0, x.new_zeros(0), "mean over positive pairs"
    s_ap = s[a, p]
    neg_logits = s[a].masked_fill(~neg[a], float("-inf"))
    per = torch.logsumexp(torch.cat([s_ap.unsqueeze(1), neg_logits], 1), 1) - s_ap
    return per.mean(), per, "mean over positive pairs"


def supervised_contrastive(x, labels, temperature=0.1):
    """Supervised contrastive loss, L_out (Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020, eq. 2):
    L_i = -(1/|P(i)|) sum_{p in P(i)} log( exp(S_ip / t) / sum_{a != i} exp(S_ia / t) ),
    P(i) the other samples of i's class. Reducer: mean over the anchors with |P(i)| >= 1."""
    s = cosine(x) / temperature
    pos, neg = pair_masks(labels)
    valid = pos.any(1)
    if not valid.any():
        return x.sum() * 0, x.new_zeros(len(labels)), "mean over anchors with a positive"
    sv, pv = s[valid], pos[valid]
    log_prob = sv - lse(sv, (pos | neg)[valid]).unsqueeze(1)
    per_valid = -(log_prob * pv).sum(1) / pv.sum(1)
    per = anchors_loss(per_valid, valid, len(labels), x)
    return per_valid.mean(), per, "mean over anchors with a positive"


def lifted_structure(x, labels, pos_margin=0.0, neg_margin=1.0):
    """Generalised lifted structure loss (Hermans, Beyer and Leibe, "In Defense of the Triplet Loss for Person
    Re-Identification", 2017, p. 4, generalising Song et al., CVPR 2016; PML's GeneralizedLiftedStructureLoss):
    L_i = [ log sum_{p} exp(d_ip - pos_margin) + log sum_{n} exp(neg_margin - d_in) ]_+, d Euclidean.
    Anchors without a positive or a negative give 0; reducer: sum / N (PML MeanReducer)."""
    d = euclidean(x)
    pos, neg = pair_masks(labels)
    valid = pos.any(1) & neg.any(1)
    per_valid = F.relu(lse(d[valid] - pos_margin, pos[valid]) + lse(neg_margin - d[valid], neg[valid]))
    per = anchors_loss(per_valid, valid, len(labels), x)
    return per.sum() / len(labels), per, "sum / N (all anchors)"


def contrastive_cosine(x, labels, pos_margin=0.9, neg_margin=0.3):
    """Contrastive loss on cosine similarity (Hadsell, Chopra and LeCun, CVPR 2006, with a similarity: PML's
    ContrastiveLoss with CosineSimilarity): positive pairs [pos_margin - S]_+, negative pairs [S - neg_margin]_+;
    reducer: mean of the non-zero positive-pair losses + mean of the non-zero negative-pair losses (PML
    AvgNonZeroReducer on each sub-loss, summed). per_element: positive pairs then negative pairs, row-major order."""
    s = cosine(x)
    pos, neg = pair_masks(labels)
    lp = F.relu(pos_margin - s[pos])
    ln = F.relu(s[neg] - neg_margin)
    return mean_nonzero(lp) + mean_nonzero(ln), torch.cat([lp, ln]), "mean non-zero (positive) + mean non-zero (negative)"


def triplet_cosine(x, labels, margin=0.1):
    """Triplet margin loss on cosine similarity (Weinberger and Saul 2009 / Schroff et al. 2015 with a similarity:
    PML's TripletMarginLoss with CosineSimilarity): all triplets (a, p, n), [S_an - S_ap + margin]_+; reducer: mean of
    the non-zero triplet losses. per_element: triplets ordered by a, then p, then n."""
    s = cosine(x)
    pos, neg = pair_masks(labels)
    t = (pos.unsqueeze(2) & neg.unsqueeze(1)).nonzero(as_tuple=True)
    if len(t[0]) == 0:
        return x.sum() * 0, x.new_zeros(0), "mean of non-zero triplet losses"
    a, p, n = t
    per = F.relu(s[a, n] - s[a, p] + margin)
    return mean_nonzero(per), per, "mean of non-zero triplet losses"


# ------------------------------------------------------------------------------------ proxy / classification losses
def proxy_anchor(x, labels, w, alpha=32.0, delta=0.1):
    """Proxy-Anchor loss (Kim et al., "Proxy Anchor Loss for Deep Metric Learning", CVPR 2020, eq. 4):
    L = (1/|P+|) sum_{p in P+} log(1 + sum_{x in X_p+} exp(-alpha (s(x, p) - delta)))
      + (1/|P|)  sum_{p in P}  log(1 + sum_{x in X_p-} exp( alpha (s(x, p) + delta))),
    s cosine, P all proxies (rows of w), P+ those with a positive in the batch. per_element: the positive terms of
    all C proxies (0 without positives), then the C negative terms."""
    s = cosine(x, w)
    pos = F.one_hot(labels, w.shape[0]).bool()
    pos_term = lse1(-alpha * (s - delta), pos, dim=0)
    neg_term = lse1(alpha * (s + delta), ~pos, dim=0)
    with_pos = pos.any(0)
    value = pos_term.sum() / with_pos.sum() + neg_term.sum() / w.shape[0]
    return value, torch.cat([pos_term, neg_term]), "sum(pos terms) / |P+| + sum(neg terms) / C"


def proxy_nca(x, labels, w, scale=1.0):
    """ProxyNCA (Movshovitz-Attias et al., "No Fuss Distance Metric Learning using Proxies", ICCV 2017), in PML's
    softmax form: L_i = -log softmax_c(-scale |x^_i - p^_c|^2)[y_i], x^ and p^ L2-normalised; mean over the batch."""
    d2 = ((unit(x).unsqueeze(1) - unit(w).unsqueeze(0)) ** 2).sum(-1)
    per = -F.log_softmax(-scale * d2, dim=1).gather(1, labels.unsqueeze(1)).squeeze(1)
    return per.mean(), per, "mean over the batch"


def normalized_softmax(x, labels, w, temperature=0.05):
    """Normalised softmax (Zhai and Wu, "Classification is a Strong Baseline for Deep Metric Learning", BMVC 2019):
    cross-entropy of logits cos(x_i, w_c) / temperature; mean over the batch."""
    per = F.cross_entropy(cosine(x, w) / temperature, labels, reduction="none")
    return per.mean(), per, "mean over the batch"


def cosface(x, labels, w, s=64.0, m=0.35):
    """CosFace / large margin cosine loss (Wang et al., "CosFace: Large Margin Cosine Loss for Deep Face
    Recognition", CVPR 2018, eq. 4): cross-entropy of s (cos theta_c - m [c = y_i]); mean over the batch."""
    c = cosine(x, w)
    logits = s * (c - m * F.one_hot(labels, w.shape[0]).to(c.dtype))
    per = F.cross_entropy(logits, labels, reduction="none")
    return per.mean(), per, "mean over the batch"


def arcface_logits(c, labels, s, m):
    """s cos(theta_y + m) at the target, s cos theta elsewhere; cos(theta + m) = cos cos m - sin sin m with
    sin = sqrt(max(1 - cos^2, 1e-12)); when cos <= cos(pi - m) (theta + m would pass pi) the target is cos - m sin m."""
    onehot = F.one_hot(labels, c.shape[1]).bool()
    sin = (1 - c * c).clamp_min(SIN_EPS).sqrt()
    phi = c * math.cos(m) - sin * math.sin(m)
    target = torch.where(c > math.cos(math.pi - m), phi, c - m * math.sin(m))
    logits = torch.where(onehot, target, c)
    return s * logits


def arcface(x, labels, w, s=64.0, m=0.5):
    """ArcFace / additive angular margin (Deng et al., "ArcFace: Additive Angular Margin Loss for Deep Face
    Recognition", CVPR 2019, eq. 3): cross-entropy of s cos(theta_y + m) (target) and s cos theta_c (others),
    theta the angle between x_i and w_c; threshold as in arcface_logits; mean over the batch."""
    per = F.cross_entropy(arcface_logits(cosine(x, w), labels, s, m), labels, reduction="none")
    return per.mean(), per, "mean over the batch"


def subcenter_arcface(x, labels, w, s=64.0, m=0.5, k=3):
    """Sub-center ArcFace (Deng et al., "Sub-center ArcFace: Boosting Face Recognition by Large-scale Noisy Web
    Faces", ECCV 2020, eq. 2): cos theta_c = max_k cos(x_i, w_{c,k}) over the K sub-centres of class c (rows
    c*K .. c*K+K-1 of w), then ArcFace on those cosines; mean over the batch."""
    c = cosine(x, w).view(len(labels), -1, k).max(2).values
    per = F.cross_entropy(arcface_logits(c, labels, s, m), labels, reduction="none")
    return per.mean(), per, "mean over the batch"


# ------------------------------------------------------------------------------------------------------------ inputs
def make_inputs():
    g = torch.Generator().manual_seed(20261201)
    n, d, c, k = 12, 8, 4, 3
    labels = torch.arange(c).repeat_interleave(n // c)[torch.randperm(n, generator=g)]
    centres = torch.randn(c, d, generator=g, dtype=torch.float64)
    emb = 0.8 * centres[labels] + torch.randn(n, d, generator=g, dtype=torch.float64)
    w = torch.randn(c, d, generator=g, dtype=torch.float64)
    sub = torch.randn(c * k, d, generator=g, dtype=torch.float64)
    sets = {
        # Mixed easy and hard pairs: some margins active, some not; the MS miner keeps a strict subset.
        "main": (emb, labels, w, sub),
        # Every label different: no positive pair anywhere.
        "no_positive": (emb, torch.arange(n), torch.randn(n, d, generator=g, dtype=torch.float64),
                        torch.randn(n * k, d, generator=g, dtype=torch.float64)),
        # All embeddings the same vector: every cosine 1, every distance 0.
        "all_equal": (emb[:1].repeat(n, 1).clone(), labels, w, sub),
        # Large-scale logits: the even embeddings are exactly 3 x their class weight (cosine 1 up to rounding: where
        # an acos-based ArcFace has an infinite derivative), the odd ones within 1e-4 of it; sub-centre 0 of each
        # class is that class weight. Same-class pair similarities ~ 1 for the pair losses.
        "aligned": (torch.where((torch.arange(n) % 2 == 0).unsqueeze(1), 3 * w[labels],
                                w[labels] + 1e-4 * torch.randn(n, d, generator=g, dtype=torch.float64)),
                    labels, w, _aligned_sub(sub, w, k)),
        # Large-scale logits, confidently wrong: each embedding within 1e-4 of the NEXT class's weight (loss ~ s).
        "misaligned": (w[(labels + 1) % c] + 1e-4 * torch.randn(n, d, generator=g, dtype=torch.float64), labels, w,
                       _aligned_sub(sub, w, k)),
        # Half the embeddings point away from their class weight (theta + m > pi): ArcFace's threshold branch.
        "arcface_threshold": (torch.where((torch.arange(n) % 2 == 0).unsqueeze(1), -w[labels], w[labels])
                              + 0.05 * torch.randn(n, d, generator=g, dtype=torch.float64), labels, w,
                              _aligned_sub(sub, -w, k)),
    }
    return sets


def _aligned_sub(sub, w, k):
    """Sub-centre 0 of every class set to that class's weight row, the others left random."""
    out = sub.clone()
    out[torch.arange(w.shape[0]) * k] = w
    return out


PAIR_LOSSES = [
    ("multi_similarity", multi_similarity, {"alpha": 2.0, "beta": 50.0, "base": 0.5}),
    ("multi_similarity_mined", multi_similarity, {"alpha": 2.0, "beta": 50.0, "base": 0.5, "epsilon": 0.1}),
    ("circle_gamma256", circle, {"m": 0.25, "gamma": 256.0}),
    ("circle_gamma80", circle, {"m": 0.25, "gamma": 80.0}),
    ("nt_xent_t0.1", nt_xent, {"temperature": 0.1}),
    ("nt_xent_t0.5", nt_xent, {"temperature": 0.5}),
    ("supervised_contrastive", supervised_contrastive, {"temperature": 0.1}),
    ("lifted_structure", lifted_structure, {"pos_margin": 0.0, "neg_margin": 1.0}),
    ("contrastive_cosine", contrastive_cosine, {"pos_margin": 0.9, "neg_margin": 0.3}),
    ("triplet_cosine", triplet_cosine, {"margin": 0.1}),
]
PROXY_LOSSES = [
    ("proxy_anchor", proxy_anchor, {"alpha": 32.0, "delta": 0.1}, "class_weights"),
    ("proxy_nca_scale1", proxy_nca, {"scale": 1.0}, "class_weights"),
    ("proxy_nca_scale3", proxy_nca, {"scale": 3.0}, "class_weights"),
    ("normalized_softmax", normalized_softmax, {"temperature": 0.05}, "class_weights"),
    ("cosface", cosface, {"s": 64.0, "m": 0.35}, "class_weights"),
    ("arcface", arcface, {"s": 64.0, "m": 0.5}, "class_weights"),
    ("subcenter_arcface", subcenter_arcface, {"s": 64.0, "m": 0.5, "k": 3}, "subcenter_weights"),
]
PAIR_SETS = ["main", "no_positive", "all_equal", "aligned"]
PROXY_SETS = ["main", "all_equal", "aligned", "misaligned"]
THRESHOLD_LOSSES = {"arcface", "subcenter_arcface"}


def run(fn, params, emb, labels, w, dtype):
    x = emb.to(dtype).clone().requires_grad_(True)
    wt = None if w is None else w.to(dtype).clone().requires_grad_(True)
    value, per, reducer = fn(x, labels, **params) if wt is None else fn(x, labels, wt, **params)
    inputs = [x] if wt is None else [x, wt]
    grads = torch.autograd.grad(value, inputs, allow_unused=True)
    grads = [torch.zeros_like(t) if g is None else g for g, t in zip(grads, inputs)]
    for t in [value, per] + grads:
        assert torch.isfinite(t).all(), f"{fn.__name__} {params} {dtype}: non-finite output"
    return value, per, reducer, grads


def case(name, fn, params, set_name, inputs, weights_key=None):
    emb, labels, w, sub = inputs[set_name]
    weights = None if weights_key is None else (w if weights_key == "class_weights" else sub)
    v64, per, reducer, g64 = run(fn, params, emb, labels, weights, torch.float64)
    v32, _, _, g32 = run(fn, params, emb, labels, weights, torch.float32)
    out = {"name": f"{name}/{set_name}", "loss": fn.__name__, "params": params, "inputs": set_name,
           "weights": weights_key, "reducer": reducer,
           "value": v64.item() + 0.0, "grad_embeddings": g64[0].tolist(),
           "grad_weights": g64[1].tolist() if weights is not None else None,
           "value_float32": v32.item() + 0.0, "grad_embeddings_float32": g32[0].double().tolist(),
           "grad_weights_float32": g32[1].double().tolist() if weights is not None else None,
           "per_element": per.detach().tolist()}
    if "epsilon" in params:
        # The miner's output, for testing a C# miner on its own: (anchor, positive) and (anchor, negative) pairs in
        # row-major order, from the float64 similarities.
        pos, neg = multi_similarity_mine(cosine(emb), *pair_masks(labels), params["epsilon"])
        out["mined_pairs"] = {"positive": pos.nonzero().tolist(), "negative": neg.nonzero().tolist()}
    return out


def check_against_direct_formulas(inputs):
    """Independent spot checks: loops written straight from the papers agree with the vectorised functions."""
    emb, labels, w, _ = inputs["main"]
    s = cosine(emb)
    n = len(labels)
    total = 0.0
    for i in range(n):
        ps = [s[i, j].item() for j in range(n) if j != i and labels[j] == labels[i]]
        ns = [s[i, j].item() for j in range(n) if labels[j] != labels[i]]
        total += math.log(1 + sum(math.exp(-2 * (v - 0.5)) for v in ps)) / 2
        total += math.log(1 + sum(math.exp(50 * (v - 0.5)) for v in ns)) / 50
    assert abs(total / n - multi_similarity(emb, labels)[0].item()) < 1e-12
    c = cosine(emb, w)
    ce = 0.0
    for i in range(n):
        y = labels[i].item()
        theta = math.acos(c[i, y].item())
        logits = [64 * (math.cos(theta + 0.5) if j == y else c[i, j].item()) for j in range(w.shape[0])]
        mx = max(logits)
        ce += -(logits[y] - mx - math.log(sum(math.exp(v - mx) for v in logits)))
    assert abs(ce / n - arcface(emb, labels, w)[0].item()) < 1e-9
    sup = 0.0
    count = 0
    for i in range(n):
        others = [j for j in range(n) if j != i]
        ps = [j for j in others if labels[j] == labels[i]]
        den = math.log(sum(math.exp(s[i, j].item() / 0.1) for j in others))
        sup += -sum(s[i, p].item() / 0.1 - den for p in ps) / len(ps)
        count += 1
    assert abs(sup / count - supervised_contrastive(emb, labels)[0].item()) < 1e-10


def pml_losses(pml, c, d):
    """The PML loss objects that match each reference loss (same parameters), and how to load the weights."""
    L, M, D = pml.losses, pml.miners, pml.distances
    miner = M.MultiSimilarityMiner(epsilon=0.1)
    cos = D.CosineSimilarity
    return {
        "multi_similarity": (L.MultiSimilarityLoss(alpha=2, beta=50, base=0.5), None, None),
        "multi_similarity_mined": (L.MultiSimilarityLoss(alpha=2, beta=50, base=0.5), None, miner),
        "circle_gamma256": (L.CircleLoss(m=0.25, gamma=256), None, None),
        "circle_gamma80": (L.CircleLoss(m=0.25, gamma=80), None, None),
        "nt_xent_t0.1": (L.NTXentLoss(temperature=0.1), None, None),
        "nt_xent_t0.5": (L.NTXentLoss(temperature=0.5), None, None),
        "supervised_contrastive": (L.SupConLoss(temperature=0.1), None, None),
        "lifted_structure": (L.GeneralizedLiftedStructureLoss(neg_margin=1, pos_margin=0,
                                                              distance=D.LpDistance(normalize_embeddings=False)), None, None),
        "contrastive_cosine": (L.ContrastiveLoss(pos_margin=0.9, neg_margin=0.3, distance=cos()), None, None),
        "triplet_cosine": (L.TripletMarginLoss(margin=0.1, distance=cos()), None, None),
        "proxy_anchor": (L.ProxyAnchorLoss(c, d, margin=0.1, alpha=32), "proxies", None),
        "proxy_nca_scale1": (L.ProxyNCALoss(c, d, softmax_scale=1), "proxies", None),
        "proxy_nca_scale3": (L.ProxyNCALoss(c, d, softmax_scale=3), "proxies", None),
        "normalized_softmax": (L.NormalizedSoftmaxLoss(c, d, temperature=0.05), "W", None),
        "cosface": (L.CosFaceLoss(c, d, margin=0.35, scale=64), "W", None),
        "arcface": (L.ArcFaceLoss(c, d, margin=math.degrees(0.5), scale=64), "W", None),
        "subcenter_arcface": (L.SubCenterArcFaceLoss(num_classes=c, embedding_size=d, margin=math.degrees(0.5),
                                                     scale=64, sub_centers=3), "W", None),
    }


def cross_check_with_pml(path, inputs, cases):
    """Optional (`--pml <folder holding pytorch_metric_learning>`): runs PML's own losses on the same float64 inputs and
    prints |value difference| and max |gradient difference| per case. Not needed to make the JSON."""
    import sys
    sys.path.insert(0, path)
    import pytorch_metric_learning as pml
    import pytorch_metric_learning.distances  # noqa: F401
    import pytorch_metric_learning.losses  # noqa: F401
    import pytorch_metric_learning.miners  # noqa: F401
    print(f"pytorch-metric-learning {pml.__version__}")
    for cs in cases:
        name, set_name = cs["name"].split("/")
        emb, labels, w, sub = inputs[set_name]
        c, d = w.shape
        if set_name == "no_positive":
            c = len(labels)
        loss, attr, miner = pml_losses(pml, c, d)[name]
        loss = loss.double()
        x = emb.clone().requires_grad_(True)
        params = [x]
        if attr is not None:
            weights = w if cs["weights"] == "class_weights" else sub
            p = getattr(loss, attr)
            with torch.no_grad():
                p.copy_(weights if attr == "proxies" else weights.t())
            params.append(p)
        tuples = miner(x, labels) if miner is not None else None
        value = loss(x, labels, tuples)
        grads = torch.autograd.grad(value, params, allow_unused=True)
        g = [torch.zeros_like(t) if gg is None else gg for gg, t in zip(grads, params)]
        dv = abs(value.item() - cs["value"])
        dg = (g[0] - torch.tensor(cs["grad_embeddings"], dtype=torch.float64)).abs().max().item()
        if attr is not None:
            gw = g[1] if attr == "proxies" else g[1].t()
            dg = max(dg, (gw - torch.tensor(cs["grad_weights"], dtype=torch.float64)).abs().max().item())
        print(f"{cs['name']:42s} PML {value.item():16.10g} ours {cs['value']:16.10g} |dv| {dv:9.2e} max|dg| {dg:9.2e}")


def main():
    import sys
    inputs = make_inputs()
    check_against_direct_formulas(inputs)
    cases = []
    for name, fn, params in PAIR_LOSSES:
        for set_name in PAIR_SETS:
            cases.append(case(name, fn, params, set_name, inputs))
    for name, fn, params, key in PROXY_LOSSES:
        for set_name in PROXY_SETS + (["arcface_threshold"] if name in THRESHOLD_LOSSES else []):
            cases.append(case(name, fn, params, set_name, inputs, key))
    out = {
        "inputs": {k: {"embeddings": v[0].tolist(), "labels": v[1].tolist(), "class_weights": v[2].tolist(),
                       "subcenter_weights": v[3].tolist()} for k, v in inputs.items()},
        "cases": cases,
    }
    with open(os.path.join(HERE, "loss_catalogue.json"), "w") as f:
        json.dump(out, f, indent=1)
    if "--pml" in sys.argv:
        cross_check_with_pml(sys.argv[sys.argv.index("--pml") + 1], inputs, cases)


if __name__ == "__main__":
    main()
