#!/usr/bin/env bash
# What monitoring costs a single-row OIP REST infer. Three gateways of the same build run side by side: "all"
# (prediction log, drift and live performance: the defaults), "log+drift" (what the issue's benchmark names:
# prediction log and drift on, live performance off) and "off" (all three off). All are warmed up (so tiered JIT
# has settled), then wrk loads them in turn in short slices, each round in another of the six orders, so that the
# machine's own drift in speed (large on shared 2-core machines) falls on all alike. An idle gateway costs the
# others nothing. Target: at most 10% of requests per second.
#
#   loadtests/monitoring-cost.sh    (LOADTEST_ROUNDS, LOADTEST_DURATION per slice, LOADTEST_WARMUP per gateway,
#                                    LOADTEST_CONNECTIONS, LOADTEST_SKIP_BUILD)
# Everything runs on 127.0.0.1 and every run is bounded by wrk's duration and a timeout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${LOADTEST_ROUNDS:-12}
duration=${LOADTEST_DURATION:-3}
warmup=${LOADTEST_WARMUP:-15}
connections=${LOADTEST_CONNECTIONS:-16}
base_port=${LOADTEST_HTTP_PORT:-18180}
results=$here/results
mkdir -p "$results"
logs=$(mktemp -d)
declare -A pid_of
cleanup() { for p in "${pid_of[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$logs"; }
trap cleanup EXIT

if [[ ${LOADTEST_SKIP_BUILD:-0} != 1 ]]; then
  dotnet build -c Release "$root/src/Serving.Gateway" -v q -nologo >/dev/null
fi
dll=$root/src/Serving.Gateway/bin/Release/net10.0/linux-x64/Serving.Gateway.dll

start() { # name port log drift performance
  local name=$1 port=$2
  dotnet "$dll" --Kestrel:Endpoints:Http:Url=http://127.0.0.1:$port --Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:$((port + 1)) \
    --Serving:Registry:Path="$root/models" --Serving:Deployment:StatePath="$logs/deployments-$name.json" \
    --Serving:Monitoring:PredictionLog:Directory="$logs/predictions-$name" --Logging:LogLevel:Default=Warning \
    --Serving:Monitoring:PredictionLog:Enabled=$3 --Serving:Monitoring:Drift:Enabled=$4 \
    --Serving:Monitoring:Performance:Enabled=$5 >"$logs/gateway-$name.log" 2>&1 &
  pid_of[$name]=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && return 0
    sleep 0.5
  done
  echo "gateway ($name) did not become ready:" >&2
  cat "$logs/gateway-$name.log" >&2
  return 1
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

drive() { # name seconds -> prints req/s
  timeout $(($2 + 10)) wrk -t1 -c"$connections" -d"$2s" -s "$here/wrk/oip-infer.lua" \
    "http://127.0.0.1:${port[$1]}/v2/models/breast-cancer/infer" | awk '/Requests\/sec/ { print $2 }'
}

load() { # name seconds -> prints req/s, a measured slice: its CPU ticks and requests go to $logs/cpu-<name>
  local before after rps
  before=$(cpu_ticks "${pid_of[$1]}")
  rps=$(drive "$1" "$2")
  after=$(cpu_ticks "${pid_of[$1]}")
  echo "$rps"
  echo "$((after - before)) $(awk -v r="$rps" -v s="$2" 'BEGIN { printf "%.0f", r * s }')" >>"$logs/cpu-$1"
}

names=(all logdrift off)
declare -A port=([all]=$base_port [logdrift]=$((base_port + 10)) [off]=$((base_port + 20)))
start all "${port[all]}" true true true
start logdrift "${port[logdrift]}" true true false
start off "${port[off]}" false false false
for name in "${names[@]}"; do drive "$name" "$warmup" >/dev/null; done

# Every order of the three, in turn: each gateway runs first, second and third equally often. Before each
# measured slice, one unmeasured second wakes the gateway up again after its idle spell.
orders=("all logdrift off" "logdrift off all" "off all logdrift" "all off logdrift" "off logdrift all" "logdrift all off")
declare -A slices
for round in $(seq 1 "$rounds"); do
  for name in ${orders[(round - 1) % 6]}; do
    drive "$name" 1 >/dev/null
    slices[$name]+="$(load "$name" "$duration") "
  done
done

# None written (the folder missing) must still give a report, not end the script under set -e.
logged=$( (find "$logs/predictions-all" -name '*.jsonl' -exec cat {} + 2>/dev/null || true) | wc -l)
mean() { printf '%s\n' $1 | awk '{ s += $1 } END { printf "%.0f", s / NR }'; }
declare -A means
for name in "${names[@]}"; do means[$name]=$(mean "${slices[$name]}"); done
# Each round's ratio of a gateway's slice to the same round's "off" slice, one a line.
ratios() { paste -d' ' <(printf '%s\n' ${slices[$1]}) <(printf '%s\n' ${slices[off]}) | awk '{ print $1 / $2 }'; }
# The cost is one minus the median of the round ratios (read one a line): the slices of one round run within
# seconds of each other, so a ratio inside a round is not moved by the machine's slower drift, and the median is
# not moved by one disturbed slice. The ratio of the means is shown too.
median_cost() {
  sort -g | awk '{ r[NR] = $1 } END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "%.1f", (1 - m) * 100 }'
}
# How far the median may be off by chance: 1.25 standard deviations of the round ratios over the square root of
# the rounds (the large-sample standard error of a median), in points.
std_error() {
  awk '{ s += $1; q += $1 * $1; n++ } END { v = n > 1 ? (q - s * s / n) / (n - 1) : 0; printf "%.1f", 125 * sqrt(v > 0 ? v : 0) / sqrt(n) }'
}
cost() { ratios "$1" | median_cost; }
spread() { ratios "$1" | std_error; }
mean_cost() { awk -v a="${means[$1]}" -v b="${means[off]}" 'BEGIN { printf "%.1f", (1 - a / b) * 100 }'; }
verdict() { awk -v c="$1" 'BEGIN { print (c <= 10 ? "PASS" : "FAIL") }'; }
# Server CPU per request over all slices (ticks of 10 ms): steadier than req/s on a shared machine.
cpu_us() { awk '{ t += $1; n += $2 } END { printf "%.1f", t * 10000 / n }' "$logs/cpu-$1"; }
declare -A cpu
for name in "${names[@]}"; do cpu[$name]=$(cpu_us "$name"); done
cpu_cost() { awk -v a="${cpu[$1]}" -v b="${cpu[off]}" 'BEGIN { printf "+%.1f", (a / b - 1) * 100 }'; }
cost_logdrift=$(cost logdrift); cost_all=$(cost all)

# Every round's two ratios also go to a history keyed by the gateway's source (the git tree of src/, so edits to
# scripts or docs keep the key), and the rounds of all runs of that source are pooled: each round is a paired
# comparison of its own, so more of them narrow the median where one run's ±2 points cannot. Without git, or
# with changes under src/, the key would not say what ran, so the rounds are kept but not pooled.
history=$results/monitoring-cost-rounds.tsv
source_key=$(git -C "$root" rev-parse HEAD:src 2>/dev/null) && [[ -z $(git -C "$root" status --porcelain -- src) ]] ||
  source_key="unknown-$(date +%s)"
paste -d' ' <(ratios logdrift) <(ratios all) |
  awk -v k="$source_key" -v t="$(date -u +%FT%TZ)" -v d="$duration" '{ printf "%s\t%s\t%s\t%s\t%s\n", k, t, d, $1, $2 }' >>"$history"
pooled() { # column (4: log+drift, 5: all) -> "X% ± Y over N rounds of M runs"
  local rows
  rows=$(awk -F'\t' -v k="$source_key" -v c="$1" '$1 == k && $c + 0 > 0 { print $c, $2 }' "$history")
  echo "$(cut -d' ' -f1 <<<"$rows" | median_cost)% ± $(cut -d' ' -f1 <<<"$rows" | std_error) over $(wc -l <<<"$rows")" \
    "rounds of $(cut -d' ' -f2 <<<"$rows" | sort -u | wc -l) runs"
}
{
  echo "# Monitoring cost, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Single-row OIP REST infer on breast-cancer, wrk -t1 -c$connections. Three gateways side by side, each warmed" \
    "up for ${warmup} s, then loaded in turn for $rounds rounds of ${duration} s (each of the six orders in turn; 1 s unmeasured before each slice)."
  echo
  echo "| monitoring | slices (req/s) | mean req/s | cost (median of round ratios ± standard error) | cost (ratio of means) | server CPU µs/req |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  echo "| prediction log + drift (the issue's benchmark) | ${slices[logdrift]}| ${means[logdrift]} | $cost_logdrift% ± $(spread logdrift) | $(mean_cost logdrift)% | ${cpu[logdrift]} ($(cpu_cost logdrift)%) |"
  echo "| prediction log + drift + live performance (the defaults) | ${slices[all]}| ${means[all]} | $cost_all% ± $(spread all) | $(mean_cost all)% | ${cpu[all]} ($(cpu_cost all)%) |"
  echo "| off | ${slices[off]}| ${means[off]} | | | ${cpu[off]} |"
  echo
  echo "Prediction log lines written by the \"all\" gateway: $logged."
  echo
  echo "Cost of logging and drift: $cost_logdrift% of requests per second (target at most 10%): $(verdict "$cost_logdrift")."
  echo "Cost of all monitoring: $cost_all%: $(verdict "$cost_all")."
  if [[ $source_key != unknown-* ]]; then
    echo
    pooled_logdrift=$(pooled 4)
    echo "Every run of this source so far (\`$history\`, source ${source_key:0:12}), rounds pooled:" \
      "log + drift $pooled_logdrift ($(verdict "${pooled_logdrift%%%*}")); all monitoring $(pooled 5)."
  fi
} | tee "$results/monitoring-cost.md"
[[ $(verdict "$cost_logdrift") == PASS ]]
