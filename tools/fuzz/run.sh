#!/usr/bin/env bash
# Coverage-guided fuzzing of the loaders: SharpFuzz instruments Verification.Loading.dll, AFL++ drives each target.
#   tools/fuzz/run.sh [-j N] [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target, one at a time)
# -j N runs N targets at a time (each its own afl-fuzz); every afl-fuzz runs at nice $FUZZ_NICE (default 19).
# The build is copied to tools/fuzz/out/bin and instrumented there, so rebuilding the tree during a run is harmless.
# Every crash or hang AFL++ finds is copied to tests/Verification.Tests/Loading/FuzzRegressions/<target>/, which
# FuzzSmokeTests replays on every test run (so a finding becomes a failing test until it is fixed).
# Figures per target (executions, speed, paths, edge coverage, findings, load) go to tools/fuzz/out/summary.txt.
# Needs: afl++ (Debian package), the dotnet SDK, SharpFuzz.CommandLine (installed below into tools/fuzz/.tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=1
if [ "${1:-}" = "-j" ]; then jobs="$2"; shift 2; fi
seconds="${1:-60}"; shift || true
all=(safetensors safetensors-header torch-zip unpickler config tokenizer-json bpe-files)
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found (apt-get install afl++)" >&2; exit 3; }
out=tools/fuzz/out; bin="$out/bin"
dotnet build tools/fuzz/Verification.Fuzz.csproj -c Release -v q --nologo
[ -x tools/fuzz/.tools/sharpfuzz ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path tools/fuzz/.tools
rm -rf "$bin"; mkdir -p "$out"; cp -r tools/fuzz/bin/Release/net10.0 "$bin"
tools/fuzz/.tools/sharpfuzz "$bin/Verification.Loading.dll"
tools/fuzz/seeds.sh
# A GC heap cap, so an input that makes a loader allocate gigabytes is an OutOfMemoryException (a crash, a finding)
# and not a machine out of memory (afl-fuzz's own -m cannot be used: the runtime reserves far more than it uses).
export DOTNET_GCHeapHardLimit="${FUZZ_HEAP_LIMIT:-0x40000000}"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1

fuzz_one() {
  local t="$1"
  rm -rf "${out:?}/$t"; mkdir -p "$out/$t"
  local load0; load0=$(cut -d' ' -f1 /proc/loadavg)
  nice -n "${FUZZ_NICE:-19}" afl-fuzz -V "$seconds" -t "${FUZZ_TIMEOUT_MS:-5000}" -m none -i "tools/fuzz/seeds/$t" -o "$out/$t" \
    -- dotnet "$bin/verification-fuzz.dll" "$t" > "$out/$t.log" 2>&1 || true
  local stats="$out/$t/default/fuzzer_stats" line
  if [ -f "$stats" ]; then
    line=$(grep -E "^(run_time|execs_done|execs_per_sec|corpus_count|edges_found|total_edges|bitmap_cvg|saved_crashes|saved_hangs) " "$stats" \
           | tr -s ' ' | sed 's/ : /=/' | paste -sd' ')
    line="$t: $line load_start=$load0 load_end=$(cut -d' ' -f1 /proc/loadavg)"
  else line="$t: afl-fuzz did not start (see $out/$t.log)"; fi
  echo "$line" | tee -a "$out/summary.txt"
  local reg=tests/Verification.Tests/Loading/FuzzRegressions/$t kind f
  for kind in crashes hangs; do
    for f in "$out/$t/default/$kind"/id:*; do [ -f "$f" ] || continue; mkdir -p "$reg"; install -m 644 "$f" "$reg/$kind-$(sha1sum "$f" | cut -c1-12)"; done
  done
}

echo "# $(date -u +%FT%TZ) ${seconds}s per target, -j $jobs, nice ${FUZZ_NICE:-19}, $(nproc) cores" >> "$out/summary.txt"
running=0
for t in "${targets[@]}"; do
  [ -d "tools/fuzz/seeds/$t" ] || { echo "unknown target $t (${all[*]})" >&2; exit 2; }
  fuzz_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
