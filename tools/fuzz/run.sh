#!/usr/bin/env bash
# Coverage-guided fuzzing of the loaders: SharpFuzz instruments Verification.Loading.dll, AFL++ drives each target.
#   tools/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target)
# Every crash or hang AFL++ finds is copied to tests/Verification.Tests/Loading/FuzzRegressions/<target>/, which
# FuzzRegressionTests replays on every test run (so a finding becomes a failing test until it is fixed).
# Needs: afl++ (Debian package), the dotnet SDK, SharpFuzz.CommandLine (installed below into tools/fuzz/.tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(safetensors torch-zip config tokenizer-json bpe-files)
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found (apt-get install afl++)" >&2; exit 3; }
out=tools/fuzz/out; bin=tools/fuzz/bin/Release/net10.0
dotnet build tools/fuzz/Verification.Fuzz.csproj -c Release -v q --nologo
[ -x tools/fuzz/.tools/sharpfuzz ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path tools/fuzz/.tools
tools/fuzz/.tools/sharpfuzz "$bin/Verification.Loading.dll" || true   # instruments in place (idempotent refusal is fine)
tools/fuzz/seeds.sh
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
for t in "${targets[@]}"; do
  rm -rf "$out/$t"; mkdir -p "$out/$t"
  echo "== $t: $seconds s"
  afl-fuzz -V "$seconds" -t 5000 -m none -i "tools/fuzz/seeds/$t" -o "$out/$t" -- dotnet "$bin/verification-fuzz.dll" "$t" > "$out/$t.log" 2>&1 || true
  stats="$out/$t/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    grep -E "^(execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs) " "$stats" | tr -s ' ' | paste -sd' ' | sed "s/^/$t: /"
  else echo "$t: afl-fuzz did not start (see $out/$t.log)"; tail -5 "$out/$t.log"; fi
  reg=tests/Verification.Tests/Loading/FuzzRegressions/$t; 
  for kind in crashes hangs; do
    for f in "$out/$t/default/$kind"/id:*; do [ -f "$f" ] || continue; mkdir -p "$reg"; cp "$f" "$reg/$kind-$(sha1sum "$f" | cut -c1-12)"; done
  done
done
