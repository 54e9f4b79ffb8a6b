#!/usr/bin/python3
"""Reference values for Siamese.Net's encoder, distance and loss tests, computed with PyTorch.

Run with Debian's PyTorch 1.13 (`/usr/bin/python3 make_reference.py`) from this folder. It writes:
  losses.json      - fixed inputs, and each loss's value and gradient (float64), plus distances
  encoders.json    - forward outputs of the tutorial networks with deterministic weights (see `fill`)
  small_cnn.pth    - a state_dict of the one-shot tutorial's SmallCnn (PyTorch default init, seed 0)
  conv4.pth        - a state_dict of a Conv-4 encoder (ProtoNet layout) with trained-looking BatchNorm buffers
  pth_outputs.json - the outputs of those two networks for a fixed input, to check the .pth round trip
The tests never run Python; they read the committed files.

Deterministic weights (both sides implement it): for the k-th state_dict entry in ordinal order of the key names
(num_batches_tracked skipped), element i (row-major) is
    scale * sin(0.37 * i + k) + offset
with (scale, offset) = (sqrt(3 / fan_in), 0) for tensors of rank >= 2 (fan_in = numel / shape[0]),
(0.1, 1.0) for BatchNorm weights and running_var, and (0.1, 0.0) for other rank-1 tensors.
Deterministic images: element j (row-major over the whole [N, C, H, W] tensor) is 0.5 + 0.5 * sin(0.0137 * j).

Euclidean distances: the tutorials call F.pairwise_distance, which adds eps = 1e-6 to each difference; the references
use eps = 0, i.e. the exact distance. Siamese.Net computes sqrt(sum + 1e-12), equal to it to ~1e-12 away from zero.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------------------------------------- helpers
def fill(module):
    """Sets every state_dict entry by the documented formula."""
    sd = module.state_dict()
    keys = sorted(k for k in sd.keys() if not k.endswith("num_batches_tracked"))
    with torch.no_grad():
        for k, name in enumerate(keys):
            t = sd[name]
            n = t.numel()
            i = torch.arange(n, dtype=torch.float64)
            if t.dim() >= 2:
                scale, offset = math.sqrt(3.0 / (n // t.shape[0])), 0.0
            elif name.endswith("running_var") or (name.endswith("weight") and is_batchnorm(module, name)):
                scale, offset = 0.1, 1.0
            else:
                scale, offset = 0.1, 0.0
            values = scale * torch.sin(0.37 * i + k) + offset
            t.copy_(values.reshape(t.shape).to(t.dtype))


def is_batchnorm(module, name):
    owner = module.get_submodule(name.rsplit(".", 1)[0])
    return isinstance(owner, nn.modules.batchnorm._BatchNorm)


def image(n, c, h, w):
    j = torch.arange(n * c * h * w, dtype=torch.float64)
    return (0.5 + 0.5 * torch.sin(0.0137 * j)).reshape(n, c, h, w).float()


def lst(t):
    return t.detach().double().reshape(-1).tolist()


def summary(t):
    """The first 256 values, the sum, the norm and a sine-weighted sum (which catches permuted outputs)."""
    t = t.detach().double()
    flat = t.reshape(-1)
    weights = torch.sin(torch.arange(flat.numel(), dtype=torch.float64))
    return {"shape": list(t.shape), "first_values": lst(flat[:256]), "sum": t.sum().item(), "norm": t.norm().item(),
            "sine_weighted_sum": (flat * weights).sum().item()}


# ----------------------------------------------------------------------------------------- networks, as tutorials
class SigNetLrn(nn.Module):
    """Tutorial 000's SiameseNetwork up to the 128-d layer (the issue's SigNet); keys cnn1.*, fc1.*."""

    def __init__(self, flat=30976):
        super().__init__()
        self.cnn1 = nn.Sequential(
            nn.Conv2d(1, 96, kernel_size=11, stride=1), nn.ReLU(inplace=True),
            nn.LocalResponseNorm(5, alpha=0.0001, beta=0.75, k=2), nn.MaxPool2d(3, stride=2),
            nn.Conv2d(96, 256, kernel_size=5, stride=1, padding=2), nn.ReLU(inplace=True),
            nn.LocalResponseNorm(5, alpha=0.0001, beta=0.75, k=2), nn.MaxPool2d(3, stride=2), nn.Dropout2d(p=0.3),
            nn.Conv2d(256, 384, kernel_size=3, stride=1, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, stride=1, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2), nn.Dropout2d(p=0.3))
        self.fc1 = nn.Sequential(nn.Linear(flat, 1024), nn.ReLU(inplace=True), nn.Dropout(p=0.5), nn.Linear(1024, 128))

    def forward(self, x):
        return self.fc1(self.cnn1(x).view(x.size(0), -1))


class SigNetBn(nn.Module):
    """Tutorial 002's Model up to the 128-d layer; keys as its nested blocks."""

    def __init__(self, flat=30976):
        super().__init__()
        self.cnn1 = nn.Sequential(
            self.conv_bn_relu(1, 96, 11, 1, False), self.conv_bn_relu(96, 256, 5, 2, True),
            nn.Conv2d(256, 384, kernel_size=3, stride=1, padding=1), nn.BatchNorm2d(384), nn.ReLU(inplace=True),
            self.conv_bn_relu(384, 256, 3, 1, True))
        self.fc1 = nn.Sequential(
            nn.Sequential(nn.Linear(flat, 1024), nn.ReLU(inplace=True)), nn.Dropout(p=0.5),
            nn.Sequential(nn.Linear(1024, 128)))

    @staticmethod
    def conv_bn_relu(inc, outc, ks, pad, dropout=True):
        if dropout:
            return nn.Sequential(nn.Conv2d(inc, outc, kernel_size=ks, stride=1, padding=pad), nn.BatchNorm2d(outc),
                                 nn.ReLU(inplace=True), nn.MaxPool2d(3, stride=2), nn.Dropout2d(p=0.3))
        return nn.Sequential(nn.Conv2d(inc, outc, kernel_size=ks, stride=1), nn.BatchNorm2d(outc),
                             nn.ReLU(inplace=True), nn.MaxPool2d(3, stride=2))

    def forward(self, x):
        return self.fc1(self.cnn1(x).view(x.size(0), -1))


class SmallCnn(nn.Module):
    """Tutorial 003's network; the first Linear sized for the input."""

    def __init__(self, flat=64 * 53 * 53, embedding=128):
        super().__init__()
        self.cnn = nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
                                 nn.Conv2d(32, 64, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2))
        self.fc = nn.Sequential(nn.Linear(flat, 256), nn.ReLU(inplace=True), nn.Linear(256, 256),
                                nn.ReLU(inplace=True), nn.Linear(256, embedding))

    def forward(self, x):
        return self.fc(self.cnn(x).view(x.size(0), -1))


class FaceNet(nn.Module):
    """The PyTorch face-similarity (AT&T) tutorial's network."""

    def __init__(self, side=100):
        super().__init__()
        self.cnn1 = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(1, 4, kernel_size=3), nn.ReLU(inplace=True), nn.BatchNorm2d(4),
            nn.ReflectionPad2d(1), nn.Conv2d(4, 8, kernel_size=3), nn.ReLU(inplace=True), nn.BatchNorm2d(8),
            nn.ReflectionPad2d(1), nn.Conv2d(8, 8, kernel_size=3), nn.ReLU(inplace=True), nn.BatchNorm2d(8))
        self.fc1 = nn.Sequential(nn.Linear(8 * side * side, 500), nn.ReLU(inplace=True), nn.Linear(500, 500),
                                 nn.ReLU(inplace=True), nn.Linear(500, 5))

    def forward(self, x):
        return self.fc1(self.cnn1(x).view(x.size(0), -1))


class Koch(nn.Module):
    """Koch et al. 2015 as in the common PyTorch port (conv, liner)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 64, 10), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 7), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(128, 128, 4), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(128, 256, 4), nn.ReLU())
        self.liner = nn.Sequential(nn.Linear(9216, 4096), nn.Sigmoid())

    def forward(self, x):
        return self.liner(self.conv(x).view(x.size(0), -1))


def conv_block(inc, outc):
    return nn.Sequential(nn.Conv2d(inc, outc, 3, padding=1), nn.BatchNorm2d(outc), nn.ReLU(), nn.MaxPool2d(2))


class Conv4(nn.Module):
    """Prototypical Networks' encoder."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(conv_block(1, 64), conv_block(64, 64), conv_block(64, 64), conv_block(64, 64))

    def forward(self, x):
        return self.encoder(x).view(x.size(0), -1)


def encoders():
    out = {}
    cases = [
        ("signet_lrn_105", SigNetLrn(), (2, 1, 105, 105), False),
        ("signet_lrn_155x220", SigNetLrn(flat=256 * 17 * 25), (1, 1, 155, 220), False),
        ("signet_bn_105", SigNetBn(), (2, 1, 105, 105), False),
        ("small_cnn_28", SmallCnn(flat=64 * 4 * 4), (2, 1, 28, 28), False),
        ("face_100", FaceNet(), (2, 1, 100, 100), False),
        ("face_100_train", FaceNet(), (3, 1, 100, 100), True),
        ("koch_105", Koch(), (2, 1, 105, 105), False),
        ("conv4_28", Conv4(), (2, 1, 28, 28), False),
    ]
    for name, net, shape, train in cases:
        fill(net)
        # Training mode only matters for BatchNorm here (batch statistics); the cases with dropout run in eval mode.
        net.train(train)
        with torch.no_grad():
            y = net(image(*shape))
        keys = {k: list(v.shape) for k, v in net.state_dict().items()}
        out[name] = {"input": list(shape), "train": train, "state_dict": keys, "output": summary(y)}
        print(name, list(y.shape), "norm", y.norm().item())
    return out


# ------------------------------------------------------------------------------------------------------------ losses
def rand(gen, *shape):
    """Uniform in [-1, 1), rounded to float32 so that the C# tests see exactly the same inputs."""
    return (torch.rand(*shape, generator=gen, dtype=torch.float64) * 2 - 1).float().double()


def grads(value, *inputs):
    g = torch.autograd.grad(value, inputs, retain_graph=True)
    return [lst(x) for x in g]


def euclid_matrix(x):
    diff = x.unsqueeze(1) - x.unsqueeze(0)
    return ((diff * diff).sum(2) + 1e-12).sqrt()


def mine_batch_all(d, ids, margin, active_only):
    n = len(ids)
    out = []
    for a in range(n):
        for p in range(n):
            if p == a or ids[p] != ids[a]:
                continue
            for q in range(n):
                if ids[q] == ids[a]:
                    continue
                if active_only and not (d[a][p] - d[a][q] + margin > 0):
                    continue
                out.append((a, p, q))
    return out


def mine_batch_hard(d, ids):
    n = len(ids)
    out = []
    for a in range(n):
        pos = [p for p in range(n) if p != a and ids[p] == ids[a]]
        neg = [q for q in range(n) if ids[q] != ids[a]]
        if pos and neg:
            out.append((a, max(pos, key=lambda p: d[a][p]), min(neg, key=lambda q: d[a][q])))
    return out


def mine_semi_hard(d, ids, margin):
    n = len(ids)
    out = []
    for a in range(n):
        for p in range(n):
            if p == a or ids[p] != ids[a]:
                continue
            band = [q for q in range(n) if ids[q] != ids[a] and d[a][p] < d[a][q] < d[a][p] + margin]
            if band:
                out.append((a, p, min(band, key=lambda q: d[a][q])))
    return out


def losses():
    gen = torch.Generator().manual_seed(1234)
    out = {}

    # Contrastive, tutorials 002/003 verbatim except eps = 0 (label 1 = different there).
    e1 = rand(gen, 6, 4)
    e2 = rand(gen, 6, 4)
    e2[3] = e1[3]  # a zero-distance same pair: its gradient must be finite (zero)
    e2[5] = (e1[5] + 1e-3 * rand(gen, 4)).float().double()  # a nearly-zero-distance different pair
    same = [True, False, True, True, False, False]
    label_different = torch.tensor([0.0 if s else 1.0 for s in same], dtype=torch.float64)
    contrastive = {"first": lst(e1), "second": lst(e2), "dim": 4, "same": same}
    for margin in (2.0, 1.0):
        for reduction in ("mean", "sum", "none"):
            a = e1.clone().requires_grad_()
            b = e2.clone().requires_grad_()
            d = F.pairwise_distance(a, b, eps=0)
            per = (1 - label_different) * torch.pow(d, 2) + label_different * torch.pow(torch.clamp(margin - d, min=0.0), 2)
            value = {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}[reduction](per)
            entry = {"value": lst(value)}
            entry["grad_first"], entry["grad_second"] = grads(value.sum(), a, b)
            contrastive[f"margin{margin}_{reduction}"] = entry
    out["contrastive"] = contrastive

    # Contrastive with the 1/2 factor: tutorial 000's code verbatim (y = 1 means same there, margin 1.0).
    x0 = rand(gen, 5, 3).requires_grad_()
    x1 = rand(gen, 5, 3).requires_grad_()
    same000 = [True, False, True, False, False]
    y = torch.tensor([1.0 if s else 0.0 for s in same000], dtype=torch.float64)
    diff = x0 - x1
    dist_sq = torch.sum(torch.pow(diff, 2), 1)
    dist = torch.sqrt(dist_sq)
    mdist = 1.0 - dist
    dist = torch.clamp(mdist, min=0.0)
    loss = y * dist_sq + (1 - y) * torch.pow(dist, 2)
    loss = torch.sum(loss) / 2.0 / x0.size()[0]
    g0, g1 = grads(loss, x0, x1)
    out["contrastive_halved_000"] = {"first": lst(x0), "second": lst(x1), "dim": 3, "same": same000, "margin": 1.0,
                                     "value": loss.item(), "grad_first": g0, "grad_second": g1}

    # BCE head (Koch): |e1 - e2| -> Linear(D, 1) -> logit; BCE with logits, target 1 = same.
    e1 = rand(gen, 6, 4).requires_grad_()
    e2 = rand(gen, 6, 4).requires_grad_()
    w = (0.5 * rand(gen, 1, 4)).requires_grad_()  # halving keeps float32 values exact
    bias = (0.5 * rand(gen, 1)).requires_grad_()
    same_bce = [True, True, False, False, True, False]
    target = torch.tensor([1.0 if s else 0.0 for s in same_bce], dtype=torch.float64)
    logits = F.linear((e1 - e2).abs(), w, bias).squeeze(1)
    bce = {"first": lst(e1), "second": lst(e2), "dim": 4, "same": same_bce, "weight": lst(w), "bias": lst(bias),
           "logits": lst(logits), "probability": lst(torch.sigmoid(logits))}
    for reduction in ("mean", "sum", "none"):
        value = F.binary_cross_entropy_with_logits(logits, target, reduction=reduction)
        gf, gs, gw, gb = grads(value.sum(), e1, e2, w, bias)
        bce[reduction] = {"value": lst(value), "grad_first": gf, "grad_second": gs, "grad_weight": gw, "grad_bias": gb}
    out["bce_head"] = bce

    # Triplet with online mining: brute-force miners, loss from the Euclidean distance matrix.
    emb = rand(gen, 9, 3)
    ids = [0, 0, 0, 1, 1, 1, 2, 2, 7]
    margin = 0.6
    with torch.no_grad():
        dm = euclid_matrix(emb).tolist()
    triplet = {"embeddings": lst(emb), "dim": 3, "class_ids": ids, "margin": margin}
    miners = {
        "batch_all_active": mine_batch_all(dm, ids, margin, True),
        "batch_all": mine_batch_all(dm, ids, margin, False),
        "batch_hard": mine_batch_hard(dm, ids),
        "semi_hard": mine_semi_hard(dm, ids, margin),
    }
    for name, trips in miners.items():
        x = emb.clone().requires_grad_()
        d = euclid_matrix(x)
        per = torch.stack([torch.clamp(d[a, p] - d[a, q] + margin, min=0.0) for a, p, q in trips])
        entry = {"triplets": [list(t) for t in trips], "per_triplet": lst(per)}
        for reduction, f in (("mean", torch.mean), ("sum", torch.sum)):
            value = f(per)
            entry[reduction] = {"value": value.item(), "grad": grads(value, x)[0]}
        triplet[name] = entry
        print(name, len(trips), "triplets")
    out["triplet_mined"] = triplet

    # Explicit triplets against nn.TripletMarginLoss (eps = 0).
    a = rand(gen, 5, 4).requires_grad_()
    p = rand(gen, 5, 4).requires_grad_()
    n = rand(gen, 5, 4).requires_grad_()
    value = nn.TripletMarginLoss(margin=1.0, p=2, eps=0)(a, p, n)
    ga, gp, gn = grads(value, a, p, n)
    out["triplet_explicit"] = {"anchors": lst(a), "positives": lst(p), "negatives": lst(n), "dim": 4, "margin": 1.0,
                               "value": value.item(), "grad_anchors": ga, "grad_positives": gp, "grad_negatives": gn}

    # Distances: pairwise and matrix, with the gradient of a fixed weighted sum of the matrix.
    q = rand(gen, 4, 5).requires_grad_()
    r = rand(gen, 3, 5).requires_grad_()
    weights = rand(gen, 4, 3)
    dist = {"queries": lst(q), "references": lst(r), "dim": 5, "weights": lst(weights)}
    mats = {
        "euclidean": torch.cdist(q, r, p=2),
        "manhattan": torch.cdist(q, r, p=1),
        "cosine": 1 - F.cosine_similarity(q.unsqueeze(1), r.unsqueeze(0), dim=2),
    }
    for name, m in mats.items():
        gq, gr = grads((m * weights).sum(), q, r)
        dist[name] = {"matrix": lst(m), "grad_queries": gq, "grad_references": gr}
    pw = {
        "euclidean": F.pairwise_distance(q[:3], r, eps=0),
        "manhattan": F.pairwise_distance(q[:3], r, p=1, eps=0),
        "cosine": 1 - F.cosine_similarity(q[:3], r, dim=1),
    }
    for name, v in pw.items():
        gq, gr = grads(v.sum(), q, r)
        dist[name]["pairwise_first3"] = lst(v)
        dist[name]["pairwise_grad_queries"] = gq
        dist[name]["pairwise_grad_references"] = gr
    out["distances"] = dist
    return out


# ------------------------------------------------------------------------------------------------ .pth round trip
def pth_files():
    torch.manual_seed(0)
    small = SmallCnn(flat=64 * 2 * 2, embedding=128)  # 20x20 input keeps the file under 1 MB
    small.eval()
    torch.save(small.state_dict(), os.path.join(HERE, "small_cnn.pth"))

    torch.manual_seed(1)
    conv4 = Conv4()
    conv4.train()
    with torch.no_grad():
        for step in range(3):  # move the BatchNorm running statistics away from their defaults
            conv4(torch.rand(8, 1, 28, 28) * (step + 1))
    conv4.eval()
    torch.save(conv4.state_dict(), os.path.join(HERE, "conv4.pth"))

    with torch.no_grad():
        out = {
            "small_cnn": {"input": [2, 1, 20, 20], "output": summary(small(image(2, 1, 20, 20)))},
            "conv4": {"input": [2, 1, 28, 28], "output": summary(conv4(image(2, 1, 28, 28)))},
        }
    return out


def dump(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    dump("losses.json", {"torch": torch.__version__, **losses()})
    dump("pth_outputs.json", {"torch": torch.__version__, **pth_files()})
    dump("encoders.json", {"torch": torch.__version__, **encoders()})
