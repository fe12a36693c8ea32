#!/usr/bin/env bash
# The benchmark in one command, from a fresh clone: builds the CLI once, then `bench` on every fixture model and on the
# stand-ins at the published shapes (GPT-2 small, attn-only-2l; seeded random weights written on demand into a temp
# directory by `models synth`), our engine then the PyTorch peer from /usr/bin/python3 in the same run; tables on stdout,
# JSON in out/bench/. Each model is benched on each of our engines (ENGINES, default "managed torch": the managed engine
# writes <name>.json, libtorch <name>.torch.json), and a last table puts them in columns beside PyTorch.
# Usage: tools/bench/run.sh [--fixtures-only|--stand-ins-only] [extra bench options, e.g. --threads 2 --modes no-cache,gemm]
# The stand-ins run at batch 8 x 1024 and 32 x 128 tokens (STANDIN_SHAPES="8x1024 32x128" to change); a 144-head sweep of
# GPT-2 small at 8 x 1024 takes many minutes, so STANDIN_MODES (default all) chooses what they measure.
set -euo pipefail
cd "$(dirname "$0")/../.."
which=all
case "${1:-}" in --fixtures-only) which=fixtures; shift ;; --stand-ins-only) which=stand-ins; shift ;; esac
dotnet build src/Verification.Cli -c Release -v quiet -nologo | grep -E " error |rror\(s\)" || true
cli=(dotnet src/Verification.Cli/bin/Release/net10.0/verification.dll)
mkdir -p out/bench
suffix() { [ "$1" = managed ] || echo ".$1"; }
echo "machine: $(nproc) processors, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$which" != stand-ins ]; then
  for dir in fixtures/*/; do
    [ -f "$dir/config.json" ] || continue
    grep -qE '"model_type": *"t5"' "$dir/config.json" && continue   # bench measures decoder-only models
    name=$(basename "$dir")
    # 256 tokens, or the model's whole context when it is shorter (attn-only-2l-induction has n_ctx 128); --seq overrides
    seq=()
    if [[ " $* " != *" --seq "* ]]; then
      ctx=$(grep -oE '"(n_ctx|n_positions)": *[0-9]+' "$dir/config.json" | head -1 | grep -oE '[0-9]+$' || echo 256)
      seq=(--seq $(( ctx < 256 ? ctx : 256 )))
    fi
    for engine in ${ENGINES:-managed torch}; do
      "${cli[@]}" bench --model "$dir" --backend "$engine" --json "out/bench/$name$(suffix "$engine").json" "${seq[@]}" "$@"
    done
  done
fi
if [ "$which" != fixtures ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  modes=()
  if [ -n "${STANDIN_MODES:-}" ] && [[ " $* " != *" --modes "* ]]; then modes=(--modes "$STANDIN_MODES"); fi
  for model in gpt2-small attn-only-2l; do
    "${cli[@]}" models synth "$model" --out "$tmp/$model" --seed 0
    for shape in ${STANDIN_SHAPES:-8x1024 32x128}; do
      batch=${shape%x*}; seq=${shape#*x}
      for engine in ${ENGINES:-managed torch}; do
        "${cli[@]}" bench --model "$tmp/$model" --batch "$batch" --seq "$seq" --backend "$engine" \
          --json "out/bench/$model-stand-in-${batch}x${seq}$(suffix "$engine").json" "${modes[@]}" "$@"
      done
    done
  done
fi
python3 tools/bench/engines.py out/bench
