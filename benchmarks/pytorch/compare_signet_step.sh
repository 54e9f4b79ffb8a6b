#!/usr/bin/env bash
# One SigNet training step (32 pairs, 1x105x105, contrastive, Adam) three ways on this machine: through
# SiameseTrainer.Fit, as a hand-written TorchSharp loop, and in PyTorch. Prints the medians and the ratios.
# Usage: benchmarks/pytorch/compare_signet_step.sh [steps=3]   (each step takes seconds on a CPU; keep steps small)
set -euo pipefail
steps="${1:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"

dotnet build "$root/benchmarks/Siamese.Net.Benchmarks" -c Release -v quiet -nologo >/dev/null
dotnet_out="$(dotnet "$root/benchmarks/Siamese.Net.Benchmarks/bin/Release/net10.0/Siamese.Net.Benchmarks.dll" signet-step "$steps")"
torch_out="$("$python" "$root/benchmarks/pytorch/signet_step.py" "$steps")"
echo "$dotnet_out"
echo "$torch_out"

hand=$(awk '$1 == "torchsharp-hand" { print $2 }' <<<"$dotnet_out")
fit=$(awk '$1 == "torchsharp-fit" { print $2 }' <<<"$dotnet_out")
torch=$(awk '$1 == "pytorch" { print $2 }' <<<"$torch_out")
awk -v h="$hand" -v f="$fit" -v t="$torch" 'BEGIN {
  printf "| way | s/step | vs PyTorch |\n|---|---|---|\n"
  printf "| SiameseTrainer.Fit | %.3f | %.2fx |\n", f, f / t
  printf "| hand-written TorchSharp | %.3f | %.2fx |\n", h, h / t
  printf "| PyTorch | %.3f | 1.00x |\n", t
  printf "Fit overhead over the hand-written loop: %+.1f %%\n", (f / h - 1) * 100
}'
