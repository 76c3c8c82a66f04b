#!/usr/bin/env bash
# What prediction logging, drift and live performance cost a single-row OIP REST infer: the same gateway build
# is started with monitoring on and off, alternately (on, off, on, off) so drift in the machine's load hits both,
# and wrk measures each. Target: monitoring costs at most 10% of requests per second.
#
#   loadtests/monitoring-cost.sh            (LOADTEST_DURATION, LOADTEST_WARMUP, LOADTEST_CONNECTIONS, LOADTEST_SKIP_BUILD)
# Everything runs on 127.0.0.1 and every run is bounded by wrk's duration and a timeout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
duration=${LOADTEST_DURATION:-10}
warmup=${LOADTEST_WARMUP:-3}
connections=${LOADTEST_CONNECTIONS:-16}
port=${LOADTEST_HTTP_PORT:-18180}
results=$here/results
mkdir -p "$results"
logs=$(mktemp -d)
pid=
cleanup() { [[ -z $pid ]] || kill "$pid" 2>/dev/null || true; rm -rf "$logs"; }
trap cleanup EXIT

if [[ ${LOADTEST_SKIP_BUILD:-0} != 1 ]]; then
  dotnet build -c Release "$root/src/Serving.Gateway" -v q -nologo >/dev/null
fi
dll=$root/src/Serving.Gateway/bin/Release/net10.0/linux-x64/Serving.Gateway.dll

run() { # on|off -> prints req/s
  local mode=$1 enabled=true
  [[ $mode == on ]] || enabled=false
  dotnet "$dll" --Kestrel:Endpoints:Http:Url=http://127.0.0.1:$port --Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:$((port + 1)) \
    --Serving:Registry:Path="$root/models" --Serving:Deployment:StatePath="$logs/deployments.json" \
    --Serving:Monitoring:PredictionLog:Directory="$logs/predictions" --Logging:LogLevel:Default=Warning \
    --Serving:Monitoring:PredictionLog:Enabled=$enabled --Serving:Monitoring:Drift:Enabled=$enabled \
    --Serving:Monitoring:Performance:Enabled=$enabled >"$logs/gateway-$mode.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break
    sleep 0.5
  done
  local url=http://127.0.0.1:$port/v2/models/breast-cancer/infer
  timeout $((warmup + 10)) wrk -t1 -c"$connections" -d"${warmup}s" -s "$here/wrk/oip-infer.lua" "$url" >/dev/null
  timeout $((duration + 10)) wrk -t1 -c"$connections" -d"${duration}s" -s "$here/wrk/oip-infer.lua" "$url" \
    | awk '/Requests\/sec/ { print $2 }'
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}

declare -a on off
for round in 1 2; do
  on+=("$(run on)")
  off+=("$(run off)")
done
mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.0f", s / NR }'; }
mean_on=$(mean "${on[@]}"); mean_off=$(mean "${off[@]}")
cost=$(awk -v a="$mean_on" -v b="$mean_off" 'BEGIN { printf "%.1f", (1 - a / b) * 100 }')
verdict=$(awk -v c="$cost" 'BEGIN { print (c <= 10 ? "PASS" : "FAIL") }')
{
  echo "# Monitoring cost, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Single-row OIP REST infer on breast-cancer, wrk -t1 -c$connections, ${warmup} s warm-up + ${duration} s per run, runs alternated on/off twice."
  echo
  echo "| monitoring | runs (req/s) | mean req/s |"
  echo "| --- | --- | ---: |"
  echo "| on (prediction log, drift, live performance) | ${on[*]} | $mean_on |"
  echo "| off | ${off[*]} | $mean_off |"
  echo
  echo "Cost: $cost% of requests per second (target at most 10%): $verdict."
} | tee "$results/monitoring-cost.md"
[[ $verdict == PASS ]]
