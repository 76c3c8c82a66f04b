#!/usr/bin/env bash
# What prediction logging, drift and live performance cost a single-row OIP REST infer. Two gateways of the same
# build run side by side, one with monitoring on and one with it off; both are warmed up (so tiered JIT has
# settled), then wrk loads them in turn, in short slices ordered on/off, off/on, on/off... (ABBA), so that the
# machine's own drift in speed (large on shared 2-core machines) falls on both alike. An idle gateway costs the
# other nothing. Target: monitoring costs at most 10% of requests per second.
#
#   loadtests/monitoring-cost.sh    (LOADTEST_ROUNDS, LOADTEST_DURATION per slice, LOADTEST_WARMUP per gateway,
#                                    LOADTEST_CONNECTIONS, LOADTEST_SKIP_BUILD)
# Everything runs on 127.0.0.1 and every run is bounded by wrk's duration and a timeout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${LOADTEST_ROUNDS:-6}
duration=${LOADTEST_DURATION:-4}
warmup=${LOADTEST_WARMUP:-15}
connections=${LOADTEST_CONNECTIONS:-16}
port_on=${LOADTEST_HTTP_PORT:-18180}
port_off=$((port_on + 10))
results=$here/results
mkdir -p "$results"
logs=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$logs"; }
trap cleanup EXIT

if [[ ${LOADTEST_SKIP_BUILD:-0} != 1 ]]; then
  dotnet build -c Release "$root/src/Serving.Gateway" -v q -nologo >/dev/null
fi
dll=$root/src/Serving.Gateway/bin/Release/net10.0/linux-x64/Serving.Gateway.dll

start() { # on|off port
  local mode=$1 port=$2 enabled=true
  [[ $mode == on ]] || enabled=false
  dotnet "$dll" --Kestrel:Endpoints:Http:Url=http://127.0.0.1:$port --Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:$((port + 1)) \
    --Serving:Registry:Path="$root/models" --Serving:Deployment:StatePath="$logs/deployments-$mode.json" \
    --Serving:Monitoring:PredictionLog:Directory="$logs/predictions-$mode" --Logging:LogLevel:Default=Warning \
    --Serving:Monitoring:PredictionLog:Enabled=$enabled --Serving:Monitoring:Drift:Enabled=$enabled \
    --Serving:Monitoring:Performance:Enabled=$enabled >"$logs/gateway-$mode.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && return 0
    sleep 0.5
  done
  echo "gateway ($mode) did not become ready:" >&2
  cat "$logs/gateway-$mode.log" >&2
  return 1
}

load() { # port seconds -> prints req/s
  timeout $(($2 + 10)) wrk -t1 -c"$connections" -d"$2s" -s "$here/wrk/oip-infer.lua" \
    "http://127.0.0.1:$1/v2/models/breast-cancer/infer" | awk '/Requests\/sec/ { print $2 }'
}

start on "$port_on"
start off "$port_off"
load "$port_on" "$warmup" >/dev/null
load "$port_off" "$warmup" >/dev/null

declare -a on off
for round in $(seq 1 "$rounds"); do
  if ((round % 2)); then
    on+=("$(load "$port_on" "$duration")"); off+=("$(load "$port_off" "$duration")")
  else
    off+=("$(load "$port_off" "$duration")"); on+=("$(load "$port_on" "$duration")")
  fi
done

on_log=$(find "$logs/predictions-on" -name '*.jsonl' -exec cat {} + 2>/dev/null | wc -l)
mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.0f", s / NR }'; }
mean_on=$(mean "${on[@]}"); mean_off=$(mean "${off[@]}")
cost=$(awk -v a="$mean_on" -v b="$mean_off" 'BEGIN { printf "%.1f", (1 - a / b) * 100 }')
verdict=$(awk -v c="$cost" 'BEGIN { print (c <= 10 ? "PASS" : "FAIL") }')
{
  echo "# Monitoring cost, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Single-row OIP REST infer on breast-cancer, wrk -t1 -c$connections. Two gateways side by side, each warmed" \
    "up for ${warmup} s, then loaded in turn for $rounds rounds of ${duration} s (ABBA order)."
  echo
  echo "| monitoring | slices (req/s) | mean req/s |"
  echo "| --- | --- | ---: |"
  echo "| on (prediction log, drift, live performance) | ${on[*]} | $mean_on |"
  echo "| off | ${off[*]} | $mean_off |"
  echo
  echo "Prediction log lines written by the monitored gateway: $on_log."
  echo
  echo "Cost: $cost% of requests per second (target at most 10%): $verdict."
} | tee "$results/monitoring-cost.md"
[[ $verdict == PASS ]]
