#!/usr/bin/python3
"""One SigNet training step in PyTorch, to compare with Siamese.Net (benchmarks/pytorch/compare_signet_step.sh).

The same workload as `Siamese.Net.Benchmarks signet-step`: SigNet (LRN variant, the tutorials' layout) on 32 pairs
of 1x105x105 images, both sides in one batched forward, contrastive loss (margin 2, Euclidean), Adam (lr 1e-3,
weight decay 5e-4). One warm-up step, then `steps` timed steps on `threads` threads; prints
`pytorch <median wall seconds per step> <median process CPU seconds per step>`. Usage: signet_step.py [steps] [threads].
Run with Debian's interpreter (/usr/bin/python3), which has torch.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SigNet(nn.Module):
    def __init__(self, embedding=128):
        super().__init__()
        self.cnn1 = nn.Sequential(
            nn.Conv2d(1, 96, kernel_size=11, stride=1),
            nn.ReLU(inplace=True),
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(96, 256, kernel_size=5, stride=1, padding=2),
            nn.ReLU(inplace=True),
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2),
            nn.MaxPool2d(3, stride=2),
            nn.Dropout2d(p=0.3),
            nn.Conv2d(256, 384, kernel_size=3, stride=1, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, stride=1, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2),
            nn.Dropout2d(p=0.3),
        )
        self.fc1 = nn.Sequential(
            nn.Linear(30976, 1024),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(1024, embedding),
        )

    def forward(self, x):
        return self.fc1(self.cnn1(x).flatten(1))


def contrastive(first, second, same, margin=2.0):
    d = F.pairwise_distance(first, second)
    return torch.where(same, d.pow(2), (margin - d).clamp(min=0).pow(2)).mean()


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = SigNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=5e-4)
    g = torch.Generator().manual_seed(1)
    first = torch.rand(32, 1, 105, 105, generator=g)
    second = torch.rand(32, 1, 105, 105, generator=g)
    same = torch.arange(32) % 2 == 0
    print(f"# torch {torch.__version__}, threads: {torch.get_num_threads()}, steps timed: {steps} (+1 warm-up)")

    def step():
        opt.zero_grad()
        both = net(torch.cat([first.clone(), second.clone()], 0))
        loss = contrastive(both[:32], both[32:], same)
        loss.backward()
        opt.step()

    net.train()
    step()
    wall, cpu = [], []
    for _ in range(steps):
        t, c = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)

    def median(values):
        return sorted(values)[len(values) // 2]

    print(f"pytorch {median(wall):.4f} {median(cpu):.4f} (wall: {', '.join(f'{s:.3f}' for s in wall)})")


if __name__ == "__main__":
    main()
