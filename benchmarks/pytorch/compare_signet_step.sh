#!/usr/bin/env bash
# One SigNet training step (32 pairs, 1x105x105, contrastive, Adam) three ways on this machine: through
# SiameseTrainer.Fit, as a hand-written TorchSharp loop, and in PyTorch. Prints the medians and the ratios.
# Both run on the same number of torch threads; wall and process CPU time are reported (on a shared machine the CPU
# time is the steadier figure). Usage: benchmarks/pytorch/compare_signet_step.sh [steps=3] [threads=1]
# (each step takes seconds on a CPU; keep steps small)
set -euo pipefail
steps="${1:-3}"
threads="${2:-1}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"

dotnet build "$root/benchmarks/Siamese.Net.Benchmarks" -c Release -v quiet -nologo >/dev/null
dotnet_out="$(dotnet "$root/benchmarks/Siamese.Net.Benchmarks/bin/Release/net10.0/Siamese.Net.Benchmarks.dll" signet-step "$steps" "$threads")"
torch_out="$("$python" "$root/benchmarks/pytorch/signet_step.py" "$steps" "$threads")"
echo "$dotnet_out"
echo "$torch_out"

row() { awk -v n="$1" '$1 == n { print $2, $3 }'; }
read -r hand_wall hand_cpu <<<"$(row torchsharp-hand <<<"$dotnet_out")"
read -r fit_wall fit_cpu <<<"$(row torchsharp-fit <<<"$dotnet_out")"
read -r torch_wall torch_cpu <<<"$(row pytorch <<<"$torch_out")"
awk -v hw="$hand_wall" -v hc="$hand_cpu" -v fw="$fit_wall" -v fc="$fit_cpu" -v tw="$torch_wall" -v tc="$torch_cpu" 'BEGIN {
  printf "| way | wall s/step | CPU s/step | wall vs PyTorch | CPU vs PyTorch |\n|---|---|---|---|---|\n"
  printf "| SiameseTrainer.Fit | %.3f | %.3f | %.2fx | %.2fx |\n", fw, fc, fw / tw, fc / tc
  printf "| hand-written TorchSharp | %.3f | %.3f | %.2fx | %.2fx |\n", hw, hc, hw / tw, hc / tc
  printf "| PyTorch | %.3f | %.3f | 1.00x | 1.00x |\n", tw, tc
  printf "Fit overhead over the hand-written loop: wall %+.1f %%, CPU %+.1f %%\n", (fw / hw - 1) * 100, (fc / hc - 1) * 100
}'
