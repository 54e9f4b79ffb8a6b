#!/usr/bin/python3
"""Siamese.Net next to PyTorch, workload by workload, in one invocation.

For each workload this script times the PyTorch version in this process, then launches
`Siamese.Net.Benchmarks workloads --json --only <name>` (the same shapes and settings, see
benchmarks/Siamese.Net.Benchmarks/SideBySide/Workloads.cs) right after it, both with the same intra-op thread count,
and prints ms per run (median), the ratio and the GFLOP/s each side reaches.

Run with Debian's interpreter, which has torch:  /usr/bin/python3 benchmarks/pytorch/side_by_side.py
Options: --reps N (timed repetitions for every workload; default per workload, SigNet steps 2),
         --only a,b  --threads N (default: physical cores)  --skip-signet (the minute-long SigNet rows)
         --thp-check (our SigNet step again with THP_MEM_ALLOC_ENABLE=0: what the huge-page default buys)
         --baseline  (a plain TorchSharp SigNet: libtorch's LocalResponseNorm and no huge pages, the issue's 25.7 s;
                      and the library's previous SigNet: autograd-backward LRN, NCHW activations)
         --fit       (ours only: 10 small-CNN steps by hand and through SiameseTrainer.Fit, i.e. Fit's overhead)
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DLL = os.path.join(ROOT, "benchmarks/Siamese.Net.Benchmarks/bin/Release/net10.0/Siamese.Net.Benchmarks.dll")

# name -> default repetitions (same as Workloads.All on the C# side)
WORKLOADS = [
    ("signet-forward", 3), ("signet-step", 2), ("signet-forward-bf16", 3), ("signet-step-bf16", 2),
    ("face-forward", 10), ("face-step", 10), ("smallcnn-forward", 10), ("smallcnn-step", 10),
    ("loss-contrastive", 50), ("loss-bce", 50), ("loss-triplet-batchhard", 50),
    ("search-10k", 5), ("search-100k", 3),
]


class SigNet(nn.Module):
    """The signature tutorial's SigNet (LRN variant), 1x105x105 -> 128."""

    def __init__(self):
        super().__init__()
        self.cnn1 = nn.Sequential(
            nn.Conv2d(1, 96, kernel_size=11, stride=1), nn.ReLU(inplace=True),
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2), nn.MaxPool2d(3, stride=2),
            nn.Conv2d(96, 256, kernel_size=5, stride=1, padding=2), nn.ReLU(inplace=True),
            nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2), nn.MaxPool2d(3, stride=2), nn.Dropout2d(p=0.3),
            nn.Conv2d(256, 384, kernel_size=3, stride=1, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, stride=1, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2), nn.Dropout2d(p=0.3))
        self.fc1 = nn.Sequential(nn.Linear(30976, 1024), nn.ReLU(inplace=True), nn.Dropout(p=0.5), nn.Linear(1024, 128))

    def forward(self, x):
        return self.fc1(self.cnn1(x).flatten(1))


class FaceNet(nn.Module):
    """The face tutorial's network (AT&T faces, 1x100x100 -> 5)."""

    def __init__(self):
        super().__init__()
        self.cnn1 = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(1, 4, kernel_size=3), nn.ReLU(inplace=True), nn.BatchNorm2d(4),
            nn.ReflectionPad2d(1), nn.Conv2d(4, 8, kernel_size=3), nn.ReLU(inplace=True), nn.BatchNorm2d(8),
            nn.ReflectionPad2d(1), nn.Conv2d(8, 8, kernel_size=3), nn.ReLU(inplace=True), nn.BatchNorm2d(8))
        self.fc1 = nn.Sequential(nn.Linear(8 * 100 * 100, 500), nn.ReLU(inplace=True), nn.Linear(500, 500),
                                 nn.ReLU(inplace=True), nn.Linear(500, 5))

    def forward(self, x):
        return self.fc1(self.cnn1(x).flatten(1))


class SmallCnn(nn.Module):
    """The one-shot tutorial's small CNN at Omniglot's 1x105x105 -> 128."""

    def __init__(self):
        super().__init__()
        self.cnn = nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
                                 nn.Conv2d(32, 64, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2))
        self.fc = nn.Sequential(nn.Linear(64 * 23 * 23, 256), nn.ReLU(inplace=True), nn.Linear(256, 256),
                                nn.ReLU(inplace=True), nn.Linear(256, 128))

    def forward(self, x):
        return self.fc(self.cnn(x).flatten(1))


def contrastive(first, second, same, margin=2.0):
    d = F.pairwise_distance(first, second, eps=0)
    return torch.where(same, d.pow(2), (margin - d).clamp(min=0).pow(2)).mean()


def forward_flops(net, shape):
    """2 x multiply-accumulates of the convolutions and linear layers for one forward of `shape`."""
    total = [0]

    def conv(m, i, o):
        total[0] += 2 * o.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear(m, i, o):
        total[0] += 2 * o.numel() * m.in_features

    hooks = [m.register_forward_hook(conv if isinstance(m, nn.Conv2d) else linear)
             for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        net.eval()
        net(torch.zeros(shape))
    for h in hooks:
        h.remove()
    return total[0]


MODELS = {"signet": (SigNet, 105), "face": (FaceNet, 100), "smallcnn": (SmallCnn, 105)}


def build(name):
    """Returns (run, flops) for a workload's PyTorch version."""
    family = name.split("-")[0]
    if family in MODELS:
        cls, side = MODELS[family]
        torch.manual_seed(1)
        net = cls()
        flops = forward_flops(net, (64, 1, side, side))
        dtype = torch.bfloat16 if name.endswith("bf16") else torch.float32
        net = net.to(dtype)
        g = torch.Generator().manual_seed(1)
        if "-forward" in name:
            images = torch.rand(64, 1, side, side, generator=g).to(dtype)
            net.eval()

            def run():
                with torch.no_grad():
                    net(images)
            return run, flops
        first = torch.rand(32, 1, side, side, generator=g)
        second = torch.rand(32, 1, side, side, generator=g)
        same = torch.arange(32) % 2 == 0
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=5e-4)
        net.train()

        def run():
            opt.zero_grad()
            both = net(torch.cat([first.clone(), second.clone()], 0).to(dtype)).float()
            contrastive(both[:32], both[32:], same).backward()
            opt.step()
        return run, 3 * flops  # backward ~ 2 x forward
    g = torch.Generator().manual_seed(2)
    if name == "loss-contrastive" or name == "loss-bce":
        a0, b0 = torch.randn(32, 128, generator=g), torch.randn(32, 128, generator=g)
        same = torch.arange(32) % 2 == 0
        head = nn.Linear(128, 1)

        def run():
            a, b = a0.detach().requires_grad_(), b0.detach().requires_grad_()
            if name == "loss-contrastive":
                loss = contrastive(a, b, same)
            else:
                loss = F.binary_cross_entropy_with_logits(head((a - b).abs()).squeeze(1), same.float())
            loss.backward()
        return run, None
    if name == "loss-triplet-batchhard":
        e0 = torch.randn(64, 128, generator=g)
        classes = torch.arange(64) // 4
        same = classes[:, None] == classes[None, :]
        eye = torch.eye(64, dtype=torch.bool)

        def run():
            e = e0.detach().requires_grad_()
            d = torch.cdist(e, e)
            hardest_pos = d.masked_fill(~same | eye, float("-inf")).max(1).values
            hardest_neg = d.masked_fill(same, float("inf")).min(1).values
            F.relu(hardest_pos - hardest_neg + 1.0).mean().backward()
        return run, None
    if name.startswith("search-"):
        n = {"search-10k": 10_000, "search-100k": 100_000}[name]
        support = torch.randn(n, 128, generator=g)
        queries = torch.randn(1000, 128, generator=g)

        def run():
            torch.cdist(queries, support).topk(5, dim=1, largest=False)
        return run, 2 * 1000 * n * 128
    raise ValueError(name)


def time_runs(run, reps):
    run()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        run()
        times.append((time.perf_counter() - t) * 1000)
    return sorted(times)[len(times) // 2], times


def ours(name, reps, threads, extra_env=None):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    env.update(extra_env or {})
    out = subprocess.run(["dotnet", DLL, "workloads", "--json", "--only", name, "--reps", str(reps)],
                         env=env, capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    header = next(r for r in rows if r["kind"] == "header")
    row = next(r for r in rows if r["kind"] == "workload")
    return row["ms"], header


def physical_cores():
    cores = set()
    base = "/sys/devices/system/cpu"
    for cpu in os.listdir(base):
        if re.fullmatch(r"cpu\d+", cpu) and int(cpu[3:]) in os.sched_getaffinity(0):
            try:
                with open(f"{base}/{cpu}/topology/core_id") as f, open(f"{base}/{cpu}/topology/physical_package_id") as p:
                    cores.add((p.read().strip(), f.read().strip()))
            except OSError:
                pass
    return len(cores) or os.cpu_count()


def blas_report():
    lib = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so")
    ldd = subprocess.run(["ldd", lib], capture_output=True, text=True).stdout
    blas = [line.split("=>")[1].split("(")[0].strip() for line in ldd.splitlines() if re.search(r"lib(open)?blas", line)]
    resolved = sorted({os.path.realpath(b) for b in blas})
    config = torch.__config__.show()
    info = re.search(r"BLAS_INFO=(\w+)", config)
    a = torch.rand(1024, 1024)
    torch.mm(a, a)
    t = time.perf_counter()
    for _ in range(5):
        torch.mm(a, a)
    gflops = 5 * 2 * 1024 ** 3 / (time.perf_counter() - t) / 1e9
    openblas = any("openblas" in r for r in resolved)
    print(f"# PyTorch {torch.__version__}: BLAS_INFO={info.group(1) if info else '?'}, libtorch_cpu links {', '.join(resolved) or 'no BLAS'}"
          f" -> {'OpenBLAS' if openblas else 'reference BLAS (install libopenblas0-pthread!)'}; torch.mm 1024^2: {gflops:.0f} GFLOP/s;"
          f" OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '-')}")
    if not openblas:
        print("# WARNING: PyTorch uses the reference BLAS; its linear layers will be ~40x slower than with OpenBLAS.")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int)
    p.add_argument("--only")
    p.add_argument("--threads", type=int)
    p.add_argument("--skip-signet", action="store_true")
    p.add_argument("--thp-check", action="store_true")
    p.add_argument("--baseline", action="store_true")
    p.add_argument("--fit", action="store_true")
    p.add_argument("--no-build", action="store_true")
    args = p.parse_args()

    threads = args.threads or physical_cores()
    default_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    if not args.no_build:
        subprocess.run(["dotnet", "build", os.path.join(ROOT, "benchmarks/Siamese.Net.Benchmarks"), "-c", "Release",
                        "-v", "quiet", "-nologo"], check=True, stdout=subprocess.DEVNULL)
    blas_report()
    print(f"# threads: {threads} on both sides (this PyTorch's own default was {default_threads});"
          f" CPU: {cpu_name()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {os.getloadavg()[0]:.2f}")

    selected = [(n, r) for n, r in WORKLOADS
                if (not args.only or n in args.only.split(",")) and not (args.skip_signet and n.startswith("signet"))]
    print(f"| workload | ours ms | PyTorch ms | PyTorch / ours | ours GFLOP/s | PyTorch GFLOP/s |")
    print(f"|---|---:|---:|---:|---:|---:|")
    header = None
    for name, reps in selected:
        reps = args.reps or reps
        try:
            run, flops = build(name)
            torch_ms, _ = time_runs(run, reps)
            torch_cell = f"{torch_ms:.2f}"
        except RuntimeError as e:  # e.g. no bfloat16 kernel for LocalResponseNorm in this PyTorch
            _, flops = build(name.replace("-bf16", "")) if "bf16" in name else (None, None)
            torch_ms, torch_cell = None, f"n/a ({str(e).splitlines()[0][:60]})"
        del run
        our_ms, header = ours(name, reps, threads)
        ratio = f"{torch_ms / our_ms:.2f}x" if torch_ms else "-"
        gf = (lambda ms: f"{flops / ms / 1e6:.0f}" if flops and ms else "-")
        print(f"| {name} | {our_ms:.2f} | {torch_cell} | {ratio} | {gf(our_ms)} | {gf(torch_ms)} |", flush=True)
        if name == "signet-step" and args.thp_check:
            off_ms, _ = ours(name, reps, threads, {"THP_MEM_ALLOC_ENABLE": "0"})
            print(f"| signet-step, THP_MEM_ALLOC_ENABLE=0 (ours) | {off_ms:.2f} | | huge pages: {off_ms / our_ms:.2f}x | {gf(off_ms)} | |", flush=True)
        if name == "signet-step" and args.baseline:
            plain_ms, _ = ours("signet-step-plain", 1, threads, {"THP_MEM_ALLOC_ENABLE": "0"})
            print(f"| signet-step, plain TorchSharp (libtorch LRN, no huge pages) | {plain_ms:.2f} | | ours is {plain_ms / our_ms:.2f}x faster | {gf(plain_ms)} | |", flush=True)
            prev_ms, _ = ours("signet-step-composite-lrn", reps, threads)
            print(f"| signet-step, previous library SigNet (autograd LRN backward, NCHW; huge pages) | {prev_ms:.2f} | | ours is {prev_ms / our_ms:.2f}x faster | {gf(prev_ms)} | |", flush=True)
    if args.fit:
        hand_ms, _ = ours("smallcnn-10-steps-hand", args.reps or 5, threads)
        fit_ms, _ = ours("smallcnn-10-steps-fit", args.reps or 5, threads)
        print(f"| 10 small-CNN steps, hand-written loop | {hand_ms:.2f} | | | | |")
        print(f"| 10 small-CNN steps, SiameseTrainer.Fit | {fit_ms:.2f} | | Fit overhead {(fit_ms / hand_ms - 1) * 100:+.1f} % | | |", flush=True)
    if header:
        print(f"# ours: TorchSharp {header['torchsharp']}, threads {header['threads']}, huge pages {header['huge_pages']}, CPU bf16 {header['cpu_bf16']}")


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


if __name__ == "__main__":
    sys.exit(main())
