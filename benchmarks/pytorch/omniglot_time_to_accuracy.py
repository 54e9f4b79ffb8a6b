#!/usr/bin/python3
"""Time to accuracy of the Omniglot prototypical recipe in PyTorch, side by side with Siamese.Net
(benchmarks/pytorch/time_to_accuracy.sh runs both and prints the table).

Recipe (Snell, Swersky & Zemel 2017): Conv-4 (four Conv3x3-64 BatchNorm ReLU MaxPool2 blocks) on 1x28x28 images,
60-way 1-shot 5-query training episodes over the 30 background alphabets with each character rotated by 0/90/180/270
degrees as four classes, Adam lr 1e-3 halved every 2,000 episodes, squared-Euclidean prototypical loss.

`prepare DIR [--seed S] [--episodes N] [--val-episodes M]` makes the data both sides read, so that pixels, episodes
and validation are identical: every background image resized to 28x28 once (PIL, antialiased bilinear), one
character in ten held out (never trained on, in no rotation), the training plan (N episodes, each 60 classes x 6
images: image index * 4 + rotation, class-major, support first) and M held-out 20-way 1-shot 5-query validation
episodes. Files: images.u8 (N x 28 x 28), train_plan.i32, val_episodes.i32, meta.json.

`train DIR [--minutes 15] [--eval-every 100] [--threads 2] [--seed 1]` trains PyTorch on that plan, evaluates on the
validation episodes every N training episodes (eval mode, nearest prototype), stops at the first evaluation past
the time budget or when 0.93 is reached, and prints one JSON line per evaluation and a final `result` JSON line. Training wall time excludes
the evaluations (both sides measure it the same way). The data pipeline (index into the pre-rotated uint8 images,
convert to float) is timed alone first: `pipeline_images_per_s`.
Run with Debian's interpreter (/usr/bin/python3), which has torch.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIDE = 28
TRAIN_WAYS, SHOTS, QUERIES = 60, 1, 5
VAL_WAYS = 20
LEVELS = (0.85, 0.90, 0.93)


def prepare(args):
    from PIL import Image
    root = args.root
    chars = []
    for alphabet in sorted(os.listdir(root)):
        if alphabet.startswith('.'):
            continue
        for character in sorted(os.listdir(os.path.join(root, alphabet))):
            if not character.startswith('.'):
                chars.append(os.path.join(root, alphabet, character))
    images, owner = [], []
    for c, folder in enumerate(chars):
        for name in sorted(f for f in os.listdir(folder) if f.endswith('.png')):
            im = Image.open(os.path.join(folder, name)).convert('L').resize((SIDE, SIDE), Image.BILINEAR)
            images.append(np.asarray(im, dtype=np.uint8))
            owner.append(c)
    images = np.stack(images)
    owner = np.asarray(owner)
    rng = np.random.default_rng(args.seed)
    held = np.zeros(len(chars), dtype=bool)
    held[rng.permutation(len(chars))[: len(chars) // 10]] = True
    by_char = [np.flatnonzero(owner == c) for c in range(len(chars))]
    train_classes = [(c, r) for c in range(len(chars)) if not held[c] for r in range(4)]
    plan = np.empty((args.episodes, TRAIN_WAYS, SHOTS + QUERIES), dtype=np.int32)
    for e in range(args.episodes):
        for w, k in enumerate(rng.choice(len(train_classes), TRAIN_WAYS, replace=False)):
            c, r = train_classes[k]
            plan[e, w] = rng.choice(by_char[c], SHOTS + QUERIES, replace=False) * 4 + r
    held_chars = np.flatnonzero(held)
    val = np.empty((args.val_episodes, VAL_WAYS, SHOTS + QUERIES), dtype=np.int32)
    for e in range(args.val_episodes):
        for w, c in enumerate(rng.choice(held_chars, VAL_WAYS, replace=False)):
            val[e, w] = rng.choice(by_char[c], SHOTS + QUERIES, replace=False) * 4
    os.makedirs(args.dir, exist_ok=True)
    images.tofile(os.path.join(args.dir, 'images.u8'))
    plan.tofile(os.path.join(args.dir, 'train_plan.i32'))
    val.tofile(os.path.join(args.dir, 'val_episodes.i32'))
    meta = dict(images=int(len(images)), side=SIDE, characters=len(chars), held_out_characters=int(held.sum()),
                train_classes=len(train_classes), train_episodes=args.episodes, train_ways=TRAIN_WAYS, shots=SHOTS,
                queries=QUERIES, val_episodes=args.val_episodes, val_ways=VAL_WAYS, seed=args.seed)
    with open(os.path.join(args.dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


def conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2))


class Conv4(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(conv_block(1, 64), conv_block(64, 64), conv_block(64, 64), conv_block(64, 64))

    def forward(self, x):
        return self.encoder(x).flatten(1)


def load(d):
    with open(os.path.join(d, 'meta.json')) as f:
        meta = json.load(f)
    images = torch.from_numpy(np.fromfile(os.path.join(d, 'images.u8'), dtype=np.uint8).reshape(-1, 1, SIDE, SIDE))
    # All four rotations up front: rotated image i*4+r; the pipeline is then an index and a conversion.
    rotated = torch.stack([torch.rot90(images, r, (2, 3)) for r in range(4)], 1).reshape(-1, 1, SIDE, SIDE).contiguous()
    plan = torch.from_numpy(np.fromfile(os.path.join(d, 'train_plan.i32'), dtype=np.int32).reshape(-1, TRAIN_WAYS, SHOTS + QUERIES).astype(np.int64))
    val = torch.from_numpy(np.fromfile(os.path.join(d, 'val_episodes.i32'), dtype=np.int32).reshape(-1, VAL_WAYS, SHOTS + QUERIES).astype(np.int64))
    return meta, rotated, plan, val


def batch(rotated, episode):
    return rotated.index_select(0, episode.reshape(-1)).float().div_(255.0)


def prototypical(embeddings, ways):
    e = embeddings.reshape(ways, SHOTS + QUERIES, -1)
    prototypes = e[:, :SHOTS].mean(1)
    queries = e[:, SHOTS:].reshape(ways * QUERIES, -1)
    logits = -torch.cdist(queries, prototypes).pow(2)
    target = torch.arange(ways).repeat_interleave(QUERIES)
    return F.cross_entropy(logits, target)


@torch.no_grad()
def evaluate(net, rotated, val):
    net.eval()
    correct = total = 0
    for episode in val:
        e = net(batch(rotated, episode)).reshape(VAL_WAYS, SHOTS + QUERIES, -1)
        prototypes = e[:, :SHOTS].mean(1)
        queries = e[:, SHOTS:].reshape(VAL_WAYS * QUERIES, -1)
        predicted = torch.cdist(queries, prototypes).argmin(1)
        correct += (predicted == torch.arange(VAL_WAYS).repeat_interleave(QUERIES)).sum().item()
        total += VAL_WAYS * QUERIES
    net.train()
    return correct / total


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    meta, rotated, plan, val = load(args.dir)
    t = time.perf_counter()
    n = min(100, len(plan))
    for i in range(n):
        batch(rotated, plan[i])
    pipeline = n * TRAIN_WAYS * (SHOTS + QUERIES) / (time.perf_counter() - t)
    print(json.dumps(dict(side='pytorch', torch=torch.__version__, threads=torch.get_num_threads(), pipeline_images_per_s=round(pipeline))), flush=True)

    net = Conv4()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2000, gamma=0.5)
    reached = {}
    train_seconds = 0.0
    history = []
    net.train()
    budget = args.minutes * 60
    for e in range(len(plan)):
        t = time.perf_counter()
        opt.zero_grad()
        loss = prototypical(net(batch(rotated, plan[e])), TRAIN_WAYS)
        loss.backward()
        opt.step()
        sched.step()
        train_seconds += time.perf_counter() - t
        if (e + 1) % args.eval_every == 0:
            acc = evaluate(net, rotated, val)
            history.append(dict(episode=e + 1, train_seconds=round(train_seconds, 2), val_accuracy=round(acc, 4), loss=round(loss.item(), 4)))
            print(json.dumps(history[-1]), flush=True)
            for level in LEVELS:
                if acc >= level and str(level) not in reached:
                    reached[str(level)] = dict(episode=e + 1, train_seconds=round(train_seconds, 2))
            if acc >= LEVELS[-1] or train_seconds >= budget:
                break
    print('result ' + json.dumps(dict(side='pytorch', reached=reached, episodes=history[-1]['episode'],
                                      train_seconds=history[-1]['train_seconds'], best=max(h['val_accuracy'] for h in history),
                                      pipeline_images_per_s=round(pipeline))), flush=True)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    a = sub.add_parser('prepare')
    a.add_argument('dir')
    a.add_argument('--root', default=os.path.join(os.path.dirname(__file__), '../../../shared/datasets/omniglot/images_background'))
    a.add_argument('--seed', type=int, default=1)
    a.add_argument('--episodes', type=int, default=20000)
    a.add_argument('--val-episodes', type=int, default=100)
    b = sub.add_parser('train')
    b.add_argument('dir')
    b.add_argument('--minutes', type=float, default=15)
    b.add_argument('--eval-every', type=int, default=100)
    b.add_argument('--threads', type=int, default=2)
    b.add_argument('--seed', type=int, default=1)
    args = p.parse_args()
    prepare(args) if args.cmd == 'prepare' else train(args)


if __name__ == '__main__':
    sys.exit(main())
