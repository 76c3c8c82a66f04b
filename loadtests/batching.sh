#!/usr/bin/env bash
# Where dynamic batching helps and where it costs. Three gateways of the same build serve the same registry side by
# side: "on" batches both models (Serving:Models:<name>:Batching, MaxBatchSize 64, MaxQueueDelayMicroseconds 500),
# "greedy" batches with MaxQueueDelayMicroseconds 0 (it merges only what queued while the runtime was busy), "off"
# batches nothing. wrk loads them in turn, in short slices (the order rotating each round), for each case:
#
#   digits-mlp -c64      an MLP of the digits shape (64 -> 1024 -> 1024 -> 10, made by batching/make_mlp.py and
#                        packaged with `serving package`), 64 concurrent single-row callers: batching should help
#   breast-cancer -c64   the light sample model at the same concurrency
#   breast-cancer -c1    one caller at a time: every request waits out the delay alone, so batching costs
#
# Judge by server CPU per request (the gateway's user+system time over a slice / the requests it answered),
# with req/s and latency beside it, all from the same run.
#
#   loadtests/batching.sh    (LOADTEST_ROUNDS, LOADTEST_DURATION per slice, LOADTEST_WARMUP per case,
#                             LOADTEST_HIDDEN (MLP width), LOADTEST_CASES, LOADTEST_HTTP_PORT, LOADTEST_SKIP_BUILD,
#                             LOADTEST_BATCHING_ARGS (more settings for both batching gateways))
# Everything runs on 127.0.0.1 and every run is bounded by wrk's duration and a timeout. Writes results/batching.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${LOADTEST_ROUNDS:-3}
duration=${LOADTEST_DURATION:-5}
warmup=${LOADTEST_WARMUP:-5}
hidden=${LOADTEST_HIDDEN:-1024}
base_port=${LOADTEST_HTTP_PORT:-18280}
read -r -a cases <<<"${LOADTEST_CASES:-digits-mlp:64 breast-cancer:64 breast-cancer:1}"
results=$here/results
mkdir -p "$results"
work=$(mktemp -d)
declare -A pid_of port
cleanup() {
  for p in "${pid_of[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
die() { printf 'batching.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '== %s\n' "$*" >&2; }
for tool in wrk curl dotnet python3 timeout awk; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

if [[ ${LOADTEST_SKIP_BUILD:-0} != 1 ]]; then
  say "building the gateway and the CLI (Release)"
  dotnet build -c Release "$root/src/Serving.Gateway" -v q -nologo >/dev/null
  dotnet build -c Release "$root/src/Serving.Cli" -v q -nologo >/dev/null
fi
gateway=$root/src/Serving.Gateway/bin/Release/net10.0/linux-x64/Serving.Gateway.dll
cli=$root/src/Serving.Cli/bin/Release/net10.0/linux-x64/serving.dll
[[ -f $cli ]] || cli=$(find "$root/src/Serving.Cli/bin/Release" -name 'serving.dll' -o -name 'Serving.Cli.dll' | head -1)
[[ -f $gateway && -f $cli ]] || die "build the gateway and the CLI first (or leave LOADTEST_SKIP_BUILD unset)"

# The registry: the committed breast-cancer and the digits MLP, packaged as a user would.
data=${LOADTEST_DIGITS:-$root/data/raw/digits.csv.gz}
[[ -f $data ]] || die "no digits.csv.gz (set LOADTEST_DIGITS)"
mkdir -p "$work/models"
cp -r "$root/models/breast-cancer" "$work/models/"
python3 "$here/batching/make_mlp.py" "$work/digits_mlp.onnx" "$data" "$work/digits.csv" "$hidden"
dotnet "$cli" package "$work/digits_mlp.onnx" --name digits-mlp --registry "$work/models" --train-data "$work/digits.csv" \
  --label target --task multiclass >"$work/package.log" 2>&1 || die "serving package failed: $(tail -5 "$work/package.log")"
# One digits row as the wrk payload (header, then values).
{ head -1 "$work/digits.csv" | cut -d, -f1-64; sed -n 2p "$work/digits.csv" | cut -d, -f1-64; } >"$work/digits-row.csv"

start() { # name port, more settings...
  local name=$1
  port[$name]=$2
  shift 2
  dotnet "$gateway" --Kestrel:Endpoints:Http:Url=http://127.0.0.1:${port[$name]} \
    --Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:$((port[$name] + 1)) --Serving:Registry:Path="$work/models" \
    --Serving:DataPath="$work/data-$name" --Logging:LogLevel:Default=Warning "$@" >"$work/gateway-$name.log" 2>&1 &
  pid_of[$name]=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:${port[$name]}/v2/models/digits-mlp/ready" >/dev/null &&
      curl -sf "http://127.0.0.1:${port[$name]}/v2/models/breast-cancer/ready" >/dev/null && return 0
    sleep 0.5
  done
  die "gateway ($name) did not become ready: $(tail -20 "$work/gateway-$name.log")"
}
batching() { # delay in microseconds -> the settings of a batching gateway
  local model
  for model in digits-mlp breast-cancer; do
    echo "--Serving:Models:$model:Batching:Enabled=true --Serving:Models:$model:Batching:MaxBatchSize=64" \
      "--Serving:Models:$model:Batching:MaxQueueDelayMicroseconds=$1"
  done
  echo "${LOADTEST_BATCHING_ARGS:-}"
}
gateways=(on greedy off)
# shellcheck disable=SC2046 # the settings are split like a command line on purpose
start on "$base_port" $(batching 500)
# shellcheck disable=SC2046
start greedy $((base_port + 10)) $(batching 0)
start off $((base_port + 20))

field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

drive() { # gateway model connections seconds -> WRK_RESULT line
  local args=()
  [[ $2 == digits-mlp ]] && args=(-- pixels FP32 "$work/digits-row.csv")
  timeout $(($4 + 30)) wrk -t1 -c"$3" -d"$4s" --latency -s "$here/wrk/oip-infer.lua" \
    "http://127.0.0.1:${port[$1]}/v2/models/$2/infer" "${args[@]}" | sed -n 's/^WRK_RESULT //p'
}

# One measured slice: appends "requests ticks rps p50_us p99_us errors" to $work/<case>-<gateway>.
slice() { # gateway model connections
  local before after line
  before=$(cpu_ticks "${pid_of[$1]}")
  line=$(drive "$1" "$2" "$3" "$duration")
  after=$(cpu_ticks "${pid_of[$1]}")
  [[ -n $line ]] || die "no result from wrk for $2 -c$3 on $1"
  echo "$(field "$line" requests) $((after - before)) $(field "$line" rps) $(field "$line" p50_us) $(field "$line" p99_us)" \
    "$(($(field "$line" errors_status) + $(field "$line" errors_connect) + $(field "$line" errors_read) + $(field "$line" errors_timeout)))" \
    >>"$work/$2-$3-$1"
}

for c in "${cases[@]}"; do
  model=${c%%:*} connections=${c##*:}
  say "$model -c$connections: warm-up ${warmup}s each, then $rounds rounds of ${duration}s slices, on and off alternated"
  for g in "${gateways[@]}"; do drive "$g" "$model" "$connections" "$warmup" >/dev/null; done
  for round in $(seq 1 "$rounds"); do
    for i in 0 1 2; do slice "${gateways[(round + i) % 3]}" "$model" "$connections"; done
  done
done

# Per case and gateway: summed requests and ticks (CPU µs per request over all slices), median req/s, p50, p99.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
summary() { # file -> "cpu_us rps p50_ms p99_ms errors"
  local cpu rps p50 p99 errors
  cpu=$(awk '{ n += $1; t += $2 } END { printf "%.1f", n ? t * 10000 / n : 0 }' "$1")
  rps=$(cut -d' ' -f3 "$1" | median)
  p50=$(cut -d' ' -f4 "$1" | median | awk '{ printf "%.2f", $1 / 1000 }')
  p99=$(cut -d' ' -f5 "$1" | median | awk '{ printf "%.2f", $1 / 1000 }')
  errors=$(awk '{ e += $6 } END { print e + 0 }' "$1")
  echo "$cpu $rps $p50 $p99 $errors"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
{
  echo "# Dynamic batching, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Single-row OIP REST infer, wrk -t1. Three gateways side by side on $(nproc) cores (load at the end: $(cut -d' ' -f1-3 /proc/loadavg)):" \
    "**on** batches (MaxBatchSize 64, MaxQueueDelayMicroseconds 500${LOADTEST_BATCHING_ARGS:+, $LOADTEST_BATCHING_ARGS}), **greedy** the same with" \
    "MaxQueueDelayMicroseconds 0, **off** does not batch." \
    "Each case: ${warmup} s warm-up per gateway, then $rounds rounds of ${duration} s slices, the order rotating." \
    "digits-mlp is 64 -> $hidden -> $hidden -> 10 (float32)."
  echo
  echo "| case | gateway | server CPU µs/req | req/s (median) | p50 ms | p99 ms | errors | CPU/req ÷ off | req/s ÷ off |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for c in "${cases[@]}"; do
    model=${c%%:*} connections=${c##*:}
    read -r off_cpu off_rps _ <<<"$(summary "$work/$model-$connections-off")"
    for g in "${gateways[@]}"; do
      read -r cpu rps p50 p99 err <<<"$(summary "$work/$model-$connections-$g")"
      echo "| $model -c$connections | $g | $cpu | $rps | $p50 | $p99 | $err | $(ratio "$cpu" "$off_cpu") | $(ratio "$rps" "$off_rps") |"
    done
  done
  echo
  echo "Rows per runtime call over the whole run (serving_batch_rows sum ÷ count from /metrics):"
  echo
  for g in on greedy; do
    for model in digits-mlp breast-cancer; do
      curl -sf "http://127.0.0.1:${port[$g]}/metrics" | awk -v g="$g" -v m="$model" '
        index($0, "serving_batch_rows_sum{model=\"" m "\"}") == 1 { s = $2 }
        index($0, "serving_batch_rows_count{model=\"" m "\"}") == 1 { n = $2 }
        END { if (n > 0) printf "- %s, %s: %.1f rows per call over %d calls\n", g, m, s / n, n }'
    done
  done
} | tee "$results/batching.md"
