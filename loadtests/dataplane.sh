#!/usr/bin/env bash
# Issue 15's targets in one command: the ceiling, the gateway with defaults (every monitor on), the gateway with
# monitoring off, gRPC on one multiplexed HTTP/2 connection, batch 64 as JSON tensors and as binary tensor data
# (beside ONNX Runtime in-process on the same rows) and the dynamic-batching scenario, alternated round by round in one run, then one table: req/s, p50, p99,
# server CPU per request, and each ratio to the ceiling. On a shared machine judge by server CPU per request.
#
#   loadtests/dataplane.sh
#
# Settings (environment):
#   LOADTEST_ROUNDS       alternated rounds                                   (default 3)
#   LOADTEST_DURATION     measured seconds per scenario per round             (default 5)
#   LOADTEST_WARMUP       unmeasured seconds per scenario, once, before round 1 (default 15: tiered JIT of the gateway still ran 6-14 s in)
#   LOADTEST_CONNECTIONS  wrk connections / h2load streams on one connection  (default 16)
#   LOADTEST_BATCH_ROWS   rows per request of the batch scenarios             (default 64)
#   LOADTEST_SCENARIOS    which to run (default "ceiling minimal rest-defaults rest-monitoring-off grpc-h2 batch batch-binary ort batching")
#                         minimal: the floor of an ONNX endpoint on the same graph (loadtests/MinimalOnnx: Kestrel,
#                         one JSON reader pass, a bound ONNX Runtime call, a pooled JSON writer), so the table splits
#                         what the gateway adds from what HTTP and ONNX Runtime cost anyway
#                         batch: JSON tensors in and out; batch-binary: the same rows as Triton's binary tensor data
#                         (Inference-Header-Content-Length, raw FP32 in, binary_data_output true)
#   LOADTEST_BASE_PORT    first of the ten loopback ports used                (default 18280)
#   LOADTEST_BATCH_DELAY_US batching gateway's MaxQueueDelayMicroseconds     (default 500)
#   LOADTEST_SKIP_BUILD=1 reuse the last Release builds
# Exit code: 0 all targets pass, 1 a target fails, 2 the run itself could not be done.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${LOADTEST_ROUNDS:-3}
duration=${LOADTEST_DURATION:-5}
warmup=${LOADTEST_WARMUP:-15}
connections=${LOADTEST_CONNECTIONS:-16}
batch_rows=${LOADTEST_BATCH_ROWS:-64}
base=${LOADTEST_BASE_PORT:-18280}
read -r -a scenarios <<<"${LOADTEST_SCENARIOS:-ceiling minimal rest-defaults rest-monitoring-off grpc-h2 batch batch-binary ort batching}"
model=breast-cancer
payload=$here/payload/breast-cancer-row.csv
scratch=$(mktemp -d)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# shellcheck source=loadtests/lib.sh
source "$here/lib.sh"

require_whole_numbers "$rounds" "$duration" "$warmup" "$connections" "$batch_rows" "$base"
((rounds >= 1 && duration >= 1 && connections >= 1 && batch_rows >= 1)) || die "rounds, duration, connections and rows must be at least 1"
for s in "${scenarios[@]}"; do
  [[ $s =~ ^(ceiling|minimal|rest-defaults|rest-monitoring-off|grpc-h2|batch|batch-binary|ort|batching)$ ]] || die "unknown scenario '$s'"
done
for tool in wrk h2load curl dotnet timeout awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed (h2load: Debian package nghttp2-client)"
done

# Ports: defaults gateway (REST, gRPC), monitoring-off gateway (REST, gRPC), ceiling, batching gateway (REST, gRPC),
# minimal ONNX endpoint, batch 64 gateway (REST, gRPC).
on_http=$base on_grpc=$((base + 1)) off_http=$((base + 2)) off_grpc=$((base + 3)) ceiling_port=$((base + 4))
batching_http=$((base + 5)) batching_grpc=$((base + 6)) minimal_port=$((base + 7))
batch_http=$((base + 8)) batch_grpc=$((base + 9))

started=()
cleanup() {
  local pid
  for pid in "${started[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${started[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
build_release src/Serving.Gateway loadtests/Ceiling loadtests/MinimalOnnx loadtests/GrpcLoad loadtests/DataPlaneBench
gateway_dll=$(find_binary src/Serving.Gateway Serving.Gateway.dll)
ceiling_dll=$(find_binary loadtests/Ceiling Ceiling.dll)
minimal_dll=$(find_binary loadtests/MinimalOnnx MinimalOnnx.dll)
grpcload_dll=$(find_binary loadtests/GrpcLoad GrpcLoad.dll)
bench_dll=$(find_binary loadtests/DataPlaneBench DataPlaneBench.dll)
[[ -n $gateway_dll && -n $ceiling_dll && -n $minimal_dll && -n $grpcload_dll && -n $bench_dll ]] || die "Release builds not found; run without LOADTEST_SKIP_BUILD"

# ---------------------------------------------------------------- servers
start_gateway() { # name, http port, grpc port, extra settings...
  local name=$1 http=$2 grpc=$3
  shift 3
  (cd "$root" && exec dotnet "$gateway_dll" \
    "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:$http" "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:$grpc" \
    "--Serving:Registry:Path=$root/models" "--Serving:DefaultModel=$model" "--Serving:DataPath=$scratch/data-$name" \
    "--Logging:LogLevel:Default=Warning" "$@") >"$scratch/gateway-$name.log" 2>&1 &
  started+=("$!")
  pid_of[$name]=$!
}
wait_ready() { # name, url
  local deadline=$((SECONDS + 90))
  until curl -sf -o /dev/null --max-time 2 "$2"; do
    kill -0 "${pid_of[$1]}" 2>/dev/null || { tail -30 "$scratch/gateway-$1.log" >&2; die "gateway $1 exited while starting"; }
    ((SECONDS < deadline)) || die "gateway $1 not ready after 90 s"
    sleep 0.5
  done
}
declare -A pid_of
say "start the gateways: defaults on $on_http, monitoring off on $off_http"
start_gateway on "$on_http" "$on_grpc"
start_gateway off "$off_http" "$off_grpc" --Serving:Monitoring:PredictionLog:Enabled=false \
  --Serving:Monitoring:Drift:Enabled=false --Serving:Monitoring:Performance:Enabled=false

# Batch 64 gets a defaults gateway of its own: on the single-row one, the monitors' state from 64-row requests (their
# predictions held for labels, a thousand times the rows) made that gateway's single-row requests dearer than the
# monitoring-off gateway's, which never sees them, and monitoring on against off would not compare like with like.
batch_ready=0
if [[ " ${scenarios[*]} " == *" batch"[" -"]* ]]; then
  say "start the batch 64 gateway (defaults) on $batch_http"
  start_gateway batch64 "$batch_http" "$batch_grpc"
  batch_ready=1
fi

# A third gateway, defaults plus dynamic batching for the model, started only when its scenario runs. At 16
# single-row callers it shows what batching costs or saves on a light model (docs/batching.md has the heavy case).
batching_ready=0
if [[ " ${scenarios[*]} " == *" batching "* ]]; then
  say "start the batching gateway on $batching_http (MaxBatchSize 16, delay ${LOADTEST_BATCH_DELAY_US:-500} µs)"
  start_gateway batching "$batching_http" "$batching_grpc" --Serving:Models:$model:Batching:Enabled=true \
    --Serving:Models:$model:Batching:MaxBatchSize=16 \
    "--Serving:Models:$model:Batching:MaxQueueDelayMicroseconds=${LOADTEST_BATCH_DELAY_US:-500}"
  batching_ready=1
fi

wait_ready on "http://127.0.0.1:$on_http/v2/models/$model/ready"
wait_ready off "http://127.0.0.1:$off_http/v2/models/$model/ready"
((batching_ready)) && wait_ready batching "http://127.0.0.1:$batching_http/v2/models/$model/ready"
((batch_ready)) && wait_ready batch64 "http://127.0.0.1:$batch_http/v2/models/$model/ready"

# One request of each kind; the single-row answer becomes the ceiling's canned body.
width=$(head -1 "$payload" | awk -F, '{ print NF }')
row=$(sed -n 2p "$payload")
printf '{"inputs":[{"name":"input","shape":[1,%d],"datatype":"FP32","data":[%s]}]}' "$width" "$row" >"$scratch/row.json"
curl -sf --max-time 5 -X POST -H 'Content-Type: application/json' --data-binary "@$scratch/row.json" \
  "http://127.0.0.1:$on_http/v2/models/$model/infer" >"$scratch/answer.json" || die "the gateway refused the single-row request"
dotnet "$ceiling_dll" --port "$ceiling_port" --body-file "$scratch/answer.json" >"$scratch/ceiling.log" 2>&1 &
started+=("$!")
pid_of[ceiling]=$!
deadline=$((SECONDS + 30))
until curl -sf -o /dev/null --max-time 2 -X POST --data-binary "@$scratch/row.json" "http://127.0.0.1:$ceiling_port/"; do
  ((SECONDS < deadline)) || die "the ceiling did not answer within 30 s"
  sleep 0.3
done

# The minimal ONNX endpoint serves the graph of the version the gateway answered with, under its model name and version.
served=$(sed -n 's/.*"model_version":"\([0-9]*\)".*/\1/p' "$scratch/answer.json")
[[ -f $root/models/$model/$served/model.onnx ]] || die "no ONNX file for $model version '$served'"
if [[ " ${scenarios[*]} " == *" minimal "* ]]; then
  dotnet "$minimal_dll" --port "$minimal_port" --model "$root/models/$model/$served/model.onnx" --name "$model" \
    --version "$served" >"$scratch/minimal.log" 2>&1 &
  started+=("$!")
  pid_of[minimal]=$!
  deadline=$((SECONDS + 30))
  until curl -sf -o /dev/null --max-time 2 -X POST --data-binary "@$scratch/row.json" "http://127.0.0.1:$minimal_port/"; do
    ((SECONDS < deadline)) || die "the minimal ONNX endpoint did not answer within 30 s: $(tail -5 "$scratch/minimal.log")"
    sleep 0.3
  done
fi

# The gRPC request, framed as gRPC sends it, written by GrpcLoad after one call that must succeed.
timeout 60 dotnet "$grpcload_dll" --target "http://127.0.0.1:$on_grpc" --model "$model" --mode typed --payload "$payload" \
  --input input --write-request "$scratch/grpc.request" >"$scratch/grpc.write.txt" 2>&1 \
  || die "GrpcLoad could not make the gRPC request: $(tail -5 "$scratch/grpc.write.txt")"

# ---------------------------------------------------------------- scenarios
declare -A requests seconds ticks p50s p99s errors round_cpu round_rps
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# Waits (up to 20 s) until a server is idle: at most one tick (10 ms of CPU) in a quarter of a second. One gateway
# serves several scenarios, and the monitors' work left from the one before (64-row requests leave seconds of drift
# windows and log lines) would otherwise be counted as the next one's.
settle() { # server pid
  local deadline=$((SECONDS + 20)) was now
  was=$(cpu_ticks "$1")
  while ((SECONDS < deadline)); do
    sleep 0.25
    now=$(cpu_ticks "$1")
    ((now - was <= 1)) && return 0
    was=$now
  done
  say "server $1 still busy after 20 s; measuring anyway"
}
field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }
add() { # scenario, requests, seconds, server ticks, p50 us, p99 us, errors
  requests[$1]=$(( ${requests[$1]:-0} + $2 ))
  seconds[$1]=$(awk -v a="${seconds[$1]:-0}" -v b="$3" 'BEGIN { print a + b }')
  ticks[$1]=$(( ${ticks[$1]:-0} + $4 ))
  p50s[$1]+="$5 "
  p99s[$1]+="$6 "
  errors[$1]=$(( ${errors[$1]:-0} + $7 ))
  # Each round's own figures, so that the report can also pair scenarios round by round (measured minutes apart
  # at most), which the machine's drift in speed over the whole run does not move.
  round_cpu[$1]+="$(awk -v t="$4" -v n="$2" 'BEGIN { if (n > 0) printf "%.2f", t * 10000 / n; else print "n/a" }') "
  round_rps[$1]+="$(awk -v n="$2" -v s="$3" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "n/a" }') "
}

# The gateway's bytes allocated so far (every thread, from its /metrics), or nothing.
gc_bytes() { curl -sf --max-time 5 "http://127.0.0.1:$1/metrics" | awk '/^dotnet_gc_allocated_bytes_total / { print $2 }'; }
declare -A alloc_bytes alloc_requests

wrk_run() { # scenario, server pid, seconds, measure (0|1), wrk arguments...
  local name=$1 pid=$2 time=$3 measure=$4
  shift 4
  local before after line port="" bytes_before="" bytes_after=""
  # The two single-row gateways also report what they allocate per request: read around the run, outside the
  # CPU window (a scrape allocates a few hundred KB, a few bytes a request over a round).
  ((measure)) && case $name in rest-defaults) port=$on_http ;; rest-monitoring-off) port=$off_http ;; esac
  ((measure)) && settle "$pid"
  [[ -n $port ]] && bytes_before=$(gc_bytes "$port")
  before=$(cpu_ticks "$pid")
  timeout $((time + 30)) wrk -t1 -c"$connections" -d"${time}s" --latency "$@" >"$scratch/$name.txt" 2>&1 \
    || die "wrk failed for $name: $(tail -5 "$scratch/$name.txt")"
  after=$(cpu_ticks "$pid")
  [[ -n $port ]] && bytes_after=$(gc_bytes "$port")
  ((measure)) || return 0
  line=$(sed -n 's/^WRK_RESULT //p' "$scratch/$name.txt")
  [[ -n $line ]] || die "no result from wrk for $name"
  local failed
  failed=$(awk -v l="$line" 'BEGIN { n = 0; while (match(l, /"errors_[a-z]+":[0-9]+/)) {
      s = substr(l, RSTART, RLENGTH); sub(/.*:/, "", s); n += s; l = substr(l, RSTART + RLENGTH) } print n }')
  add "$name" "$(field "$line" requests)" "$(field "$line" seconds)" $((after - before)) \
    "$(field "$line" p50_us)" "$(field "$line" p99_us)" "$failed"
  if [[ $bytes_before =~ ^[0-9.e+]+$ && $bytes_after =~ ^[0-9.e+]+$ ]]; then
    alloc_bytes[$name]=$(awk -v t="${alloc_bytes[$name]:-0}" -v a="$bytes_before" -v b="$bytes_after" 'BEGIN { printf "%.0f", t + b - a }')
    alloc_requests[$name]=$(( ${alloc_requests[$name]:-0} + $(field "$line" requests) ))
  fi
}

h2_run() { # scenario, server pid, seconds, measure
  local name=$1 pid=$2 time=$3 measure=$4 before after
  ((measure)) && settle "$pid"
  before=$(cpu_ticks "$pid")
  timeout $((time + 30)) h2load -D "$time" -c1 -m"$connections" -d "$scratch/grpc.request" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$on_grpc/inference.GRPCInferenceService/ModelInfer" >"$scratch/$name.txt" 2>&1 \
    || die "h2load failed for $name: $(tail -5 "$scratch/$name.txt")"
  after=$(cpu_ticks "$pid")
  ((measure)) || return 0
  # h2load: "finished in 5.00s, 45485.33 req/s", "requests: N total, N started, N done, N succeeded, ...",
  # "time for request: min max mean sd"; no percentiles, so p50 and p99 stay n/a (its mean goes in the p50 column's note).
  local parsed
  parsed=$(awk '/^finished in / { s = $3; sub(/s,$/, "", s) } /^requests: / { done = $6; ok = $8 }
    END { if (done != "") printf "%s %s %s\n", done, s, done - ok }' "$scratch/$name.txt")
  [[ -n $parsed ]] || die "no result from h2load for $name: $(tail -5 "$scratch/$name.txt")"
  local done time_s failed
  read -r done time_s failed <<<"$parsed"
  add "$name" "$done" "$time_s" $((after - before)) n/a n/a "$failed"
}

ort_run() { # seconds, measure
  local line
  line=$(timeout $(($1 + 60)) dotnet "$bench_dll" ort "$root/models/$model/$served/model.onnx" \
    "$payload" "$batch_rows" "$1" "$(nproc)" 2>&1 | sed -n 's/^ORT_RESULT //p')
  [[ -n $line ]] || die "no result from ONNX Runtime in-process"
  ((${2})) || return 0
  ort_rows=$(( ${ort_rows:-0} + $(field "$line" rows) ))
  ort_seconds=$(awk -v a="${ort_seconds:-0}" -v b="$(field "$line" seconds)" 'BEGIN { print a + b }')
}

run_scenario() { # scenario, seconds, measure
  local oip=(-s "$here/wrk/oip-infer.lua")
  case $1 in
    ceiling) wrk_run ceiling "${pid_of[ceiling]}" "$2" "$3" "${oip[@]}" "http://127.0.0.1:$ceiling_port/v2/models/$model/infer" -- input FP32 "$payload" ;;
    minimal) wrk_run minimal "${pid_of[minimal]}" "$2" "$3" "${oip[@]}" "http://127.0.0.1:$minimal_port/v2/models/$model/infer" -- input FP32 "$payload" ;;
    rest-defaults) wrk_run rest-defaults "${pid_of[on]}" "$2" "$3" "${oip[@]}" "http://127.0.0.1:$on_http/v2/models/$model/infer" -- input FP32 "$payload" ;;
    rest-monitoring-off) wrk_run rest-monitoring-off "${pid_of[off]}" "$2" "$3" "${oip[@]}" "http://127.0.0.1:$off_http/v2/models/$model/infer" -- input FP32 "$payload" ;;
    grpc-h2) h2_run grpc-h2 "${pid_of[on]}" "$2" "$3" ;;
    batch) wrk_run batch "${pid_of[batch64]}" "$2" "$3" -s "$here/wrk/oip-batch.lua" "http://127.0.0.1:$batch_http/v2/models/$model/infer" -- "$batch_rows" input FP32 "$payload" ;;
    batch-binary) wrk_run batch-binary "${pid_of[batch64]}" "$2" "$3" -s "$here/wrk/oip-batch-binary.lua" "http://127.0.0.1:$batch_http/v2/models/$model/infer" -- "$batch_rows" input "$payload" ;;
    ort) ort_run "$2" "$3" ;;
    batching) ((batching_ready)) && wrk_run batching "${pid_of[batching]}" "$2" "$3" "${oip[@]}" "http://127.0.0.1:$batching_http/v2/models/$model/infer" -- input FP32 "$payload" || true ;;
  esac
}

if ((warmup > 0)); then
  for s in "${scenarios[@]}"; do say "warm-up $s ${warmup}s"; run_scenario "$s" "$warmup" 0; done
fi
for ((round = 1; round <= rounds; round++)); do
  # Each round in another order, so the machine's own drift in speed falls on every scenario alike.
  mapfile -t order < <(printf '%s\n' "${scenarios[@]}" | awk -v r="$round" 'BEGIN { srand(r) } { print rand() "\t" $0 }' | sort -n | cut -f2)
  for s in "${order[@]}"; do
    say "round $round/$rounds: $s ${duration}s"
    run_scenario "$s" "$duration" 1
  done
done

# ---------------------------------------------------------------- report
median() { tr ' ' '\n' <<<"$1" | grep -E '^[0-9.]+$' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
rps() { awk -v n="${requests[$1]:-0}" -v s="${seconds[$1]:-0}" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "n/a" }'; }
cpu() { awk -v t="${ticks[$1]:-0}" -v n="${requests[$1]:-0}" 'BEGIN { if (n > 0) printf "%.1f", t * 10000 / n; else print "n/a" }'; }
over() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ms() { awk -v u="$1" 'BEGIN { if (u ~ /^[0-9.]+$/) printf "%.2f", u / 1000; else print "n/a" }'; }

ceiling_rps=$(rps ceiling) ceiling_cpu=$(cpu ceiling)
echo
echo "Data plane, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown):" \
  "$rounds alternated rounds of ${duration}s, $connections connections, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | req/s ÷ ceiling | CPU/req ÷ ceiling | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for s in "${scenarios[@]}"; do
  [[ $s == ort ]] && continue
  if [[ -z ${requests[$s]:-} ]]; then
    echo "| $s | not run | | | | | | |"
    continue
  fi
  echo "| $s | $(rps "$s") | $(ms "$(median "${p50s[$s]}")") | $(ms "$(median "${p99s[$s]}")") | $(cpu "$s") | $(over "$(rps "$s")" "$ceiling_rps") | $(over "$(cpu "$s")" "$ceiling_cpu") | ${errors[$s]} |"
done
batch_rows_s=n/a binary_rows_s=n/a ort_rows_s=n/a
if [[ -n ${requests[batch]:-} ]]; then
  batch_rows_s=$(awk -v r="$(rps batch)" -v n="$batch_rows" 'BEGIN { printf "%.0f", r * n }')
fi
if [[ -n ${requests[batch-binary]:-} ]]; then
  binary_rows_s=$(awk -v r="$(rps batch-binary)" -v n="$batch_rows" 'BEGIN { printf "%.0f", r * n }')
fi
if [[ -n ${ort_rows:-} ]]; then
  ort_rows_s=$(awk -v n="$ort_rows" -v s="$ort_seconds" 'BEGIN { printf "%.0f", n / s }')
fi
echo
echo "Batch $batch_rows: gateway JSON tensors (batch) $batch_rows_s rows/s, binary tensor data (batch-binary) $binary_rows_s rows/s;" \
  "ONNX Runtime in-process ($(nproc) threads, same rows) $ort_rows_s rows/s."
echo
if [[ -n ${requests[minimal]:-} && -n ${requests[rest-defaults]:-} ]]; then
  # Not a target: how much of REST's cost is the gateway's own, against an endpoint that only decodes, runs and encodes.
  echo "REST defaults against the minimal ONNX endpoint: $(over "$(cpu rest-defaults)" "$(cpu minimal)")× its server CPU per request," \
    "$(over "$(rps rest-defaults)" "$(rps minimal)") of its req/s; the minimal endpoint itself is" \
    "$(over "$(cpu minimal)" "$ceiling_cpu")× the ceiling's CPU per request and $(over "$(rps minimal)" "$ceiling_rps") of its req/s."
  echo
fi

if [[ -n ${alloc_requests[rest-defaults]:-} || -n ${alloc_requests[rest-monitoring-off]:-} ]]; then
  # Not a target either (issue 15 aims at under 1 KB): the whole gateway process, every thread, through HTTP.
  per_request() { awk -v b="${alloc_bytes[$1]:-0}" -v n="${alloc_requests[$1]:-0}" 'BEGIN { if (n > 0) printf "%.0f B", b / n; else print "n/a" }'; }
  echo "Allocated per single-row request (the whole gateway, dotnet_gc_allocated_bytes_total over the measured rounds):" \
    "defaults $(per_request rest-defaults), monitoring off $(per_request rest-monitoring-off)."
  echo
fi

failed=0
# One ratio per round, numerator scenario over denominator scenario, from round_cpu or round_rps: "2.10, 2.31, 2.25".
paired() { # cpu|rps, numerator scenario, denominator scenario
  local -n figures="round_$1"
  awk -v a="${figures[$2]:-}" -v b="${figures[$3]:-}" 'BEGIN {
    n = split(a, x, " "); m = split(b, y, " "); out = ""
    for (i = 1; i <= n && i <= m; i++) {
      if (x[i] ~ /^[0-9.]+$/ && y[i] ~ /^[0-9.]+$/ && y[i] > 0) r = sprintf("%.2f", x[i] / y[i]); else r = "n/a"
      out = out (i > 1 ? ", " : "") r
    }
    print (out == "" ? "n/a" : out) }'
}
target() { # description, figure, condition, each round's figure (optional)
  local result=SKIP
  if [[ $2 != *n/a* ]]; then
    if awk "BEGIN { exit !($3) }"; then result=PASS; else result=FAIL; failed=1; fi
  fi
  echo "| $1 | $2 | $result | ${4:-} |"
}
on_rps=$(rps rest-defaults) on_cpu=$(cpu rest-defaults) off_cpu=$(cpu rest-monitoring-off)
on_p99=$(ms "$(median "${p99s[rest-defaults]:-}")")
grpc_rps=$(rps grpc-h2)
# The figure decides (the whole run's requests and CPU); each round's, paired within the round, shows the spread.
echo "| target | figure | result | each round |"
echo "| --- | --- | --- | --- |"
r=$(over "$on_rps" "$ceiling_rps"); target "REST defaults ≥ 0.6 of the ceiling's req/s" "$r" "$r >= 0.6" "$(paired rps rest-defaults ceiling)"
r=$(over "$on_cpu" "$ceiling_cpu"); target "REST defaults server CPU/req ≤ 2× the ceiling's" "$r" "$r <= 2" "$(paired cpu rest-defaults ceiling)"
target "REST defaults p99 ≤ 2 ms at $connections connections" "$on_p99 ms" "$on_p99 <= 2" \
  "$(awk -v l="${p99s[rest-defaults]:-}" 'BEGIN { n = split(l, v, " "); for (i = 1; i <= n; i++) printf "%s%.2f", (i > 1 ? ", " : ""), v[i] / 1000 }') ms"
r=$(over "$off_cpu" "$on_cpu"); target "monitoring on ≥ 0.95 of off, by server CPU/req (off ÷ on)" "$r" "$r >= 0.95" "$(paired cpu rest-monitoring-off rest-defaults)"
r=$(over "$grpc_rps" "$on_rps"); target "gRPC on one HTTP/2 connection ≥ 1.1× REST req/s" "$r" "$r >= 1.1" "$(paired rps grpc-h2 rest-defaults)"
r=$(over "$batch_rows_s" "$ort_rows_s"); target "batch $batch_rows, JSON tensors (batch) ≥ 0.5 of ONNX Runtime in-process rows/s" "$r" "$r >= 0.5"
r=$(over "$binary_rows_s" "$ort_rows_s"); target "batch $batch_rows, binary tensor data (batch-binary) ≥ 0.5 of ONNX Runtime in-process rows/s" "$r" "$r >= 0.5"
total_errors=0
for s in "${!errors[@]}"; do total_errors=$((total_errors + errors[$s])); done
((total_errors == 0)) || { echo "errors: $total_errors failed requests (see the table)"; failed=1; }
exit $failed
