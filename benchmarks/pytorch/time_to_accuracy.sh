#!/usr/bin/env bash
# Time to accuracy of the Omniglot prototypical recipe, Siamese.Net and PyTorch side by side on the same prepared data
# (see omniglot_time_to_accuracy.py for the recipe and the split). Runs Siamese.Net first, then PyTorch, one at a time,
# each for at most `minutes` of training (checked at evaluations), and prints the wall time of each side to reach
# 0.85 / 0.90 / 0.93 held-out 20-way 1-shot accuracy and their ratio.
# Usage: benchmarks/pytorch/time_to_accuracy.sh [minutes=15] [threads=2] [precision=mixed|float32] [eval-every=100]
set -euo pipefail
minutes="${1:-15}"
threads="${2:-2}"
precision="${3:-mixed}"
every="${4:-100}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
data="${TTA_DATA:-${TMPDIR:-/tmp}/siamese-omniglot-tta}"
images="${OMNIGLOT_BACKGROUND:-$root/../shared/datasets/omniglot/images_background}"

[ -f "$data/meta.json" ] || "$python" "$root/benchmarks/pytorch/omniglot_time_to_accuracy.py" prepare "$data" --root "$images"
dotnet build "$root/benchmarks/Siamese.Net.Benchmarks" -c Release -v quiet -nologo >/dev/null
ours="$(OMP_NUM_THREADS="$threads" dotnet "$root/benchmarks/Siamese.Net.Benchmarks/bin/Release/net10.0/Siamese.Net.Benchmarks.dll" omniglot-tta "$data" "$minutes" "$every" "$threads" "$precision" | tee -a /dev/stderr | grep '^result ' | cut -d' ' -f2-)"
theirs="$(OMP_NUM_THREADS="$threads" "$python" "$root/benchmarks/pytorch/omniglot_time_to_accuracy.py" train "$data" --minutes "$minutes" --eval-every "$every" --threads "$threads" | tee -a /dev/stderr | grep '^result ' | cut -d' ' -f2-)"

"$python" - "$ours" "$theirs" <<'EOF'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"| level | Siamese.Net ({ours['precision']}) s | PyTorch fp32 s | ratio |\n|---|---|---|---|")
for level in ("0.85", "0.9", "0.93"):
    a, b = ours["reached"].get(level), theirs["reached"].get(level)
    fa = f"{a['train_seconds']:.0f} (ep {a['episode']})" if a else "not reached"
    fb = f"{b['train_seconds']:.0f} (ep {b['episode']})" if b else "not reached"
    ratio = f"{a['train_seconds'] / b['train_seconds']:.2f}x" if a and b else "-"
    print(f"| {level} | {fa} | {fb} | {ratio} |")
print(f"| best accuracy | {ours['best']:.4f} in {ours['episodes']} episodes, {ours['train_seconds']:.0f} s | {theirs['best']:.4f} in {theirs['episodes']} episodes, {theirs['train_seconds']:.0f} s | |")
print(f"| s per episode | {ours['train_seconds'] / ours['episodes']:.3f} | {theirs['train_seconds'] / theirs['episodes']:.3f} | {(ours['train_seconds'] / ours['episodes']) / (theirs['train_seconds'] / theirs['episodes']):.2f}x |")
print(f"| data pipeline images/s | {ours['pipeline_images_per_s']:.0f} | {theirs['pipeline_images_per_s']:.0f} | |")
EOF
