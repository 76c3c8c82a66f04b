#!/usr/bin/env bash
# Fuzzes the gateway's request decoders for a bounded time: tests/Fuzz/run.sh [seconds per target] [target...]
# Targets: oip-json oip-binary mlflow-json mlflow-csv grpc-infer (default: all). With afl-fuzz (apt: afl++) and the sharpfuzz
# tool (dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0) it runs coverage-guided AFL++ on an
# instrumented copy of the gateway; without them it runs the plain random-mutation loop (no coverage guidance) and says so.
# Crashes land in $FUZZ_OUT (default tests/Fuzz/out, git-ignored) and are replayed at the end; exit 1 if any.
set -euo pipefail
seconds=${1:-60}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
out=${FUZZ_OUT:-$here/out}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(oip-json oip-binary mlflow-json mlflow-csv grpc-infer)
export PATH="$PATH:$HOME/.dotnet/tools"

rm -rf "$out/bin"
dotnet build "$here/Serving.Fuzz/Serving.Fuzz.csproj" -c Release -o "$out/bin" -nologo -v quiet
runner=(dotnet "$out/bin/Serving.Fuzz.dll")

crashed=0
if command -v afl-fuzz > /dev/null && command -v sharpfuzz > /dev/null; then
  echo "AFL++ with SharpFuzz instrumentation, ${seconds}s per target"
  # afl-fuzz runs an instrumented copy; crashes are replayed on the plain build (instrumented code needs AFL's shared memory).
  rm -rf "$out/afl-bin" && cp -r "$out/bin" "$out/afl-bin"
  sharpfuzz "$out/afl-bin/Serving.Gateway.dll"
  mkdir -p "$out/afl"
  for target in "${targets[@]}"; do
    rm -rf "$out/afl/$target"
    AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
      timeout -s INT $((seconds + 60)) afl-fuzz -V "$seconds" -i "$here/corpus/$target" -o "$out/afl/$target" -t 10000 -m none \
      -- dotnet "$out/afl-bin/Serving.Fuzz.dll" afl "$target" > "$out/afl-$target.log" 2>&1 || true
    if [ -f "$out/afl/$target/default/fuzzer_stats" ]; then
      echo "$target: $(grep -E "^(execs_done|corpus_count|saved_crashes|saved_hangs) " "$out/afl/$target/default/fuzzer_stats" | tr -s ' ' | paste -sd ' ')"
    else
      echo "$target: afl-fuzz did not run:"; tail -5 "$out/afl-$target.log"; crashed=1
    fi
    if [ -d "$out/afl/$target/default/crashes" ] && [ -n "$(ls -A "$out/afl/$target/default/crashes" | grep -v README || true)" ]; then
      "${runner[@]}" replay "$target" "$out/afl/$target/default/crashes" || crashed=1
    fi
  done
else
  echo "afl-fuzz or sharpfuzz not found: plain random-mutation loop (NOT coverage-guided), ${seconds}s per target"
  for target in "${targets[@]}"; do
    (cd "$out" && "${runner[@]}" mutate "$target" "$seconds" "$here/corpus/$target") || crashed=1
  done
fi
exit $crashed
