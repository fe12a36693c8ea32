#!/usr/bin/env bash
# The benchmark in one command, from a fresh clone: builds the CLI once, then `bench` on every fixture model
# (our engine, then the PyTorch peer from /usr/bin/python3 in the same run), tables on stdout, JSON in out/bench/.
# Usage: tools/bench/run.sh [extra bench options, e.g. --threads 2 --reps 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Verification.Cli -c Release -v quiet -nologo | grep -E " error |rror\(s\)" || true
mkdir -p out/bench
echo "machine: $(nproc) processors, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for dir in fixtures/*/; do
  [ -f "$dir/config.json" ] || continue
  name=$(basename "$dir")
  # 256 tokens, or the model's whole context when it is shorter (attn-only-2l-induction has n_ctx 128); --seq overrides
  seq=()
  if [[ " $* " != *" --seq "* ]]; then
    ctx=$(grep -oE '"(n_ctx|n_positions)": *[0-9]+' "$dir/config.json" | head -1 | grep -oE '[0-9]+$' || echo 256)
    seq=(--seq $(( ctx < 256 ? ctx : 256 )))
  fi
  dotnet src/Verification.Cli/bin/Release/net10.0/verification.dll bench --model "$dir" --json "out/bench/$name.json" "${seq[@]}" "$@"
done
