#!/usr/bin/env bash
# One command for the whole benchmark: builds the gateway (Release), starts it and a ceiling server on loopback,
# runs seven scenarios one after another, compares them, checks the targets and writes results/latest.md.
#
#   loadtests/run.sh
#
# Settings (environment):
#   LOADTEST_DURATION     measured seconds per scenario               (default 10)
#   LOADTEST_WARMUP       unmeasured seconds before each scenario     (default 3)
#   LOADTEST_CONNECTIONS  wrk connections / gRPC callers / h2load streams (default 16)
#   LOADTEST_MODEL        model to call                               (default breast-cancer)
#   LOADTEST_REGISTRY     registry folder                             (default <repo>/models)
#   LOADTEST_HTTP_PORT, LOADTEST_GRPC_PORT, LOADTEST_CEILING_PORT     (defaults 18080, 18081, 18090)
#   LOADTEST_SCENARIOS    which to run, in order (default "ceiling rest-infer invocations grpc-typed grpc-raw
#                         grpc-typed-h2load grpc-raw-h2load")
#   LOADTEST_SKIP_BUILD=1 reuse the last Release build
#   LOADTEST_GATEWAY_ARGS more gateway settings, e.g. "--Serving:Monitoring:PredictionLog:Enabled=false"
# Exit code: 0 all targets pass, 1 a target fails, 2 the run itself could not be done.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
duration=${LOADTEST_DURATION:-10}
warmup=${LOADTEST_WARMUP:-3}
connections=${LOADTEST_CONNECTIONS:-16}
model=${LOADTEST_MODEL:-breast-cancer}
registry=${LOADTEST_REGISTRY:-$root/models}
http_port=${LOADTEST_HTTP_PORT:-18080}
grpc_port=${LOADTEST_GRPC_PORT:-18081}
ceiling_port=${LOADTEST_CEILING_PORT:-18090}
read -r -a scenarios <<<"${LOADTEST_SCENARIOS:-ceiling rest-infer invocations grpc-typed grpc-raw grpc-typed-h2load grpc-raw-h2load}"
payload=$here/payload/breast-cancer-row.csv
results=$here/results
scratch=$results/run
rest=http://127.0.0.1:$http_port
grpc=http://127.0.0.1:$grpc_port
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=loadtests/lib.sh
source "$here/lib.sh"

require_whole_numbers "$duration" "$warmup" "$connections" "$http_port" "$grpc_port" "$ceiling_port"
((duration >= 1 && connections >= 1)) || die "LOADTEST_DURATION and LOADTEST_CONNECTIONS must be at least 1"
for tool in wrk curl dotnet timeout ss awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
for port in "$http_port" "$grpc_port" "$ceiling_port"; do
  ! ss -ltnH "sport = :$port" | grep -q . || die "port $port on this machine is taken; choose another with LOADTEST_*_PORT"
done
for s in "${scenarios[@]}"; do
  [[ $s =~ ^(ceiling|rest-infer|invocations|grpc-typed|grpc-raw|grpc-typed-h2load|grpc-raw-h2load)$ ]] \
    || die "unknown scenario '$s'"
  [[ $s != *-h2load ]] || command -v h2load >/dev/null || die "h2load is not installed (Debian: nghttp2-client)"
done
[[ -d $registry ]] || die "no registry at $registry (set LOADTEST_REGISTRY)"

# Everything started here is killed on the way out, whatever the way out is.
started=()
cleanup() {
  local pid
  for pid in "${started[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${started[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$scratch"
mkdir -p "$scratch"

# ---------------------------------------------------------------- build
build_release src/Serving.Gateway loadtests/Ceiling loadtests/GrpcLoad
gateway_dll=$(find_binary src/Serving.Gateway Serving.Gateway.dll)
ceiling_dll=$(find_binary loadtests/Ceiling Ceiling.dll)
grpcload_dll=$(find_binary loadtests/GrpcLoad GrpcLoad.dll)
[[ -n $gateway_dll && -n $ceiling_dll && -n $grpcload_dll ]] || die "Release builds not found; run without LOADTEST_SKIP_BUILD"

# ---------------------------------------------------------------- gateway
# Started from the repository root like `dotnet run` would be; only the endpoints, the registry and the log level
# are set here. Warning-level logs keep the console quiet under load; the lifetime messages stay, so the log shows
# whether a gateway that vanished mid-run was shut down (a signal) or crashed.
say "start the gateway on $rest (REST) and $grpc (gRPC)"
(cd "$root" && exec dotnet "$gateway_dll" \
  "--Kestrel:Endpoints:Http:Url=$rest" \
  "--Kestrel:Endpoints:Grpc:Url=$grpc" \
  "--Serving:Registry:Path=$registry" \
  "--Serving:DefaultModel=$model" \
  "--Logging:LogLevel:Default=Warning" \
  "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information" \
  ${LOADTEST_GATEWAY_ARGS:-}) >"$scratch/gateway.log" 2>&1 &
gateway_pid=$!
started+=("$gateway_pid")

wait_for() { # url, seconds, pid that must stay alive
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null --max-time 2 "$1"; do
    kill -0 "$3" 2>/dev/null || { tail -30 "$scratch/gateway.log" >&2; die "the server exited while starting"; }
    ((SECONDS < deadline)) || { tail -30 "$scratch/gateway.log" >&2; die "$1 not ready after $2 s"; }
    sleep 0.5
  done
}
wait_for "$rest/v2/health/ready" 90 "$gateway_pid"
model_status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$rest/v2/models/$model/ready" || true)
[[ $model_status != 404 ]] || die "the registry $registry has no model $model (set LOADTEST_MODEL or LOADTEST_REGISTRY)"
wait_for "$rest/v2/models/$model/ready" 30 "$gateway_pid"

# The input's name and datatype as the model states them, so the payload follows whatever the package names.
curl -sf --max-time 5 "$rest/v2/models/$model" >"$scratch/metadata.json" || die "no metadata for $model"
if command -v jq >/dev/null; then
  inputs=$(jq '.inputs | length' "$scratch/metadata.json")
  input_name=$(jq -r '.inputs[0].name' "$scratch/metadata.json")
  input_type=$(jq -r '.inputs[0].datatype' "$scratch/metadata.json")
else
  first_input=$(tr -d '\n' <"$scratch/metadata.json" | sed -n 's/.*"inputs":\[{\([^}]*\)}.*/\1/p')
  inputs=1
  input_name=$(sed -n 's/.*"name":"\([^"]*\)".*/\1/p' <<<"$first_input")
  input_type=$(sed -n 's/.*"datatype":"\([^"]*\)".*/\1/p' <<<"$first_input")
fi
[[ $inputs == 1 && -n $input_name && -n $input_type ]] \
  || die "expected one input in $(cat "$scratch/metadata.json")"
say "model $model: input $input_name $input_type; metadata $(tr -d '\n' <"$scratch/metadata.json")"

# The payload row must be the data set's first row; a drifted copy would measure a different request.
for csv in "$root/data/breast-cancer.csv" "$root/data/breast_cancer.csv" "$root/data/raw/breast_cancer.csv"; do
  [[ -f $csv ]] || continue
  first_row=$(awk -F, '$1 ~ /^[0-9.eE+-]+$/ { print; exit }' "$csv" | cut -d, -f1-30)
  [[ $first_row == "$(sed -n 2p "$payload")" ]] || say "warning: $payload differs from the first row of $csv"
  break
done

# The gateway lists an [N,k] input's feature names; /invocations must send those columns.
if command -v jq >/dev/null; then
  features=$(jq -r '.inputs[0].parameters.features // [] | join(",")' "$scratch/metadata.json")
  [[ -z $features || $features == "$(head -1 "$payload")" ]] \
    || say "warning: the model's features differ from the payload's columns: $features"
fi

oip_args=(-s "$here/wrk/oip-infer.lua" "$rest/v2/models/$model/infer" -- "$input_name" "$input_type" "$payload")
inv_args=(-s "$here/wrk/invocations.lua" "$rest/invocations" -- "$payload")

# One short call of each REST scenario: it must answer 200, and the infer answer becomes the ceiling's body.
capture() { # name, wrk arguments...
  local name=$1
  shift
  WRK_CAPTURE="$scratch/$name.response" WRK_BODY_OUT="$scratch/$name.request" \
    timeout 30 wrk -t1 -c1 -d1s "$@" >"$scratch/$name.capture.txt" 2>&1 || true
  local status
  status=$(cat "$scratch/$name.response.status" 2>/dev/null || echo none)
  [[ $status == 200 ]] || die "$name answered $status: $(head -c 600 "$scratch/$name.response" 2>/dev/null)
request: $(head -c 600 "$scratch/$name.request" 2>/dev/null)"
}
say "capture one answer of each REST scenario"
capture oip "${oip_args[@]}"
[[ " ${scenarios[*]} " != *" invocations "* ]] || capture invocations "${inv_args[@]}"
response_bytes=$(wc -c <"$scratch/oip.response")
model_version=$(tr -d '\n' <"$scratch/oip.response" | sed -n 's/.*"model_version":"\([^"]*\)".*/\1/p')
say "infer answer: $response_bytes bytes: $(head -c 300 "$scratch/oip.response")"

# ---------------------------------------------------------------- ceiling
say "start the ceiling on http://127.0.0.1:$ceiling_port with the gateway's $response_bytes-byte answer"
dotnet "$ceiling_dll" --port "$ceiling_port" --body-file "$scratch/oip.response" \
  --headers-file "$scratch/oip.response.headers" >"$scratch/ceiling.log" 2>&1 &
ceiling_pid=$!
started+=("$ceiling_pid")
deadline=$((SECONDS + 30))
until curl -sf -o /dev/null --max-time 2 -X POST --data-binary "@$scratch/oip.request" "http://127.0.0.1:$ceiling_port/"; do
  kill -0 "$ceiling_pid" 2>/dev/null || { cat "$scratch/ceiling.log" >&2; die "the ceiling exited while starting"; }
  ((SECONDS < deadline)) || die "the ceiling did not answer within 30 s"
  sleep 0.3
done
ceiling_bytes=$(curl -s --max-time 2 -X POST --data-binary "@$scratch/oip.request" "http://127.0.0.1:$ceiling_port/" | wc -c)
((ceiling_bytes == response_bytes)) || die "the ceiling answers $ceiling_bytes bytes, the gateway $response_bytes"

# ---------------------------------------------------------------- scenarios
declare -A rps p50 p99 mean max errors server_cpu client_cpu checks
field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }
# CPU ticks (user + system, 100 a second by the Linux ABI) a process has used; fields after the ")" are plain.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
per_request_us() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", (n > 0 ? t * 10000 / n : 0) }'; }

run_wrk() { # scenario, server pid, wrk arguments (script, url, -- script args)
  local name=$1 pid=$2
  shift 2
  say "$name: warm-up ${warmup}s, then ${duration}s with wrk -t1 -c$connections"
  if ((warmup > 0)); then
    timeout $((warmup + 30)) wrk -t1 -c"$connections" -d"${warmup}s" "$@" >"$scratch/$name.warmup.txt" 2>&1 || true
  fi
  local before after client line
  before=$(cpu_ticks "$pid")
  # bash's time keyword gives wrk's own CPU (user and system seconds), the client's share of the machine.
  client=$( { TIMEFORMAT='%U %S'; time timeout $((duration + 30)) wrk -t1 -c"$connections" -d"${duration}s" --latency "$@" \
    >"$scratch/$name.txt" 2>&1; } 2>&1 ) || die "wrk failed for $name: $(tail -5 "$scratch/$name.txt")"
  after=$(cpu_ticks "$pid")
  line=$(sed -n 's/^WRK_RESULT //p' "$scratch/$name.txt")
  [[ -n $line ]] || die "no result from wrk for $name: $(tail -5 "$scratch/$name.txt")"
  rps[$name]=$(field "$line" rps)
  p50[$name]=$(field "$line" p50_us)
  p99[$name]=$(field "$line" p99_us)
  mean[$name]=$(field "$line" mean_us)
  max[$name]=$(field "$line" max_us)
  errors[$name]=$(awk -v l="$line" 'BEGIN { n = 0; while (match(l, /"errors_[a-z]+":[0-9]+/)) {
      s = substr(l, RSTART, RLENGTH); sub(/.*:/, "", s); n += s; l = substr(l, RSTART + RLENGTH) } print n }')
  local requests
  requests=$(field "$line" requests)
  server_cpu[$name]=$(per_request_us $((after - before)) "$requests")
  client_cpu[$name]=$(awk -v c="$client" -v n="$requests" 'BEGIN { split(c, t, " "); printf "%.1f", (n > 0 ? (t[1] + t[2]) * 1e6 / n : 0) }')
}

run_grpc() { # scenario, mode
  local name=$1 mode=$2
  say "$name: warm-up ${warmup}s, then ${duration}s with $connections callers on one HTTP/2 connection"
  timeout $((warmup + duration + 60)) dotnet "$grpcload_dll" --target "$grpc" --model "$model" \
    --mode "$mode" --concurrency "$connections" --duration "$duration" --warmup "$warmup" \
    --payload "$payload" --input "$input_name" --server-pid "$gateway_pid" >"$scratch/$name.txt" 2>&1 || true
  local line
  line=$(sed -n 's/^GRPCLOAD_RESULT //p' "$scratch/$name.txt")
  [[ -n $line ]] || die "no result from the gRPC client for $name: $(tail -5 "$scratch/$name.txt")"
  rps[$name]=$(field "$line" rps)
  p50[$name]=$(field "$line" p50_us)
  p99[$name]=$(field "$line" p99_us)
  mean[$name]=$(field "$line" mean_us)
  max[$name]=$(field "$line" max_us)
  errors[$name]=$(field "$line" errors)
  server_cpu[$name]=$(field "$line" server_cpu_us_per_req)
  client_cpu[$name]=$(field "$line" client_cpu_us_per_req)
}

# The same gRPC call driven by h2load, a C client about as cheap per request as wrk, so that gRPC and REST are
# measured with equally light clients: one connection, $connections concurrent streams, one prepared request body.
# h2load sees HTTP statuses only, and gRPC reports its errors as HTTP 200 with a grpc-status trailer, so the run is
# checked twice: every answer must have carried the DATA bytes of a correct answer, and a short GrpcLoad run of the
# same request must succeed call by call.
run_h2load() { # scenario, mode
  local name=$1 mode=$2 body=$scratch/$1.request.grpc
  # GrpcLoad makes one call with the request (it must succeed), then writes it framed as gRPC sends it.
  timeout 60 dotnet "$grpcload_dll" --target "$grpc" --model "$model" --mode "$mode" --payload "$payload" \
    --input "$input_name" --write-request "$body" >"$scratch/$name.write.txt" 2>&1 \
    || die "GrpcLoad could not make the $mode request for $name: $(tail -5 "$scratch/$name.write.txt")"
  local written reply_bytes
  written=$(sed -n 's/^GRPCLOAD_REQUEST //p' "$scratch/$name.write.txt")
  reply_bytes=$(field "$written" reply_frame_bytes)
  [[ -n $reply_bytes && -s $body ]] || die "no request file from GrpcLoad for $name: $(tail -5 "$scratch/$name.write.txt")"

  local h2_args=(-c1 -m"$connections" -d "$body" -H 'content-type: application/grpc' -H 'te: trailers'
    "$grpc/inference.GRPCInferenceService/ModelInfer")
  say "$name: warm-up ${warmup}s, then ${duration}s with h2load -c1 -m$connections ($(wc -c <"$body")-byte request)"
  # A separate warm-up run rather than h2load's --warm-up-time: the server's CPU is read around the measured process
  # alone, as for wrk. -D bounds each run (h2load ignores -n when -D is given); timeout bounds h2load itself.
  if ((warmup > 0)); then
    timeout $((warmup + 30)) h2load -D "$warmup" "${h2_args[@]}" >"$scratch/$name.warmup.txt" 2>&1 || true
  fi
  local before after client
  before=$(cpu_ticks "$gateway_pid")
  client=$( { TIMEFORMAT='%U %S'; time timeout $((duration + 30)) h2load -D "$duration" "${h2_args[@]}" \
    >"$scratch/$name.txt" 2>&1; } 2>&1 ) || die "h2load failed for $name: $(tail -5 "$scratch/$name.txt")"
  after=$(cpu_ticks "$gateway_pid")

  # h2load prints, among others:
  #   finished in 10.00s, 45485.33 req/s, 4.90MB/s
  #   requests: 136456 total, 136472 started, 136456 done, 136456 succeeded, 0 failed, 0 errored, 0 timeout
  #   status codes: 136456 2xx, 0 3xx, 0 4xx, 0 5xx
  #   traffic: 14.71MB (15421583) total, 533.07KB (545856) headers (space savings 95.23%), 10.54MB (11052936) data
  #   time for request:       56us      8.43ms       338us       246us    93.36%      (min max mean sd +/-sd)
  local parsed
  parsed=$(awk '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1e6; return -1 }
    /^finished in / { rps = $4 }
    /^requests: / { started = $4; done = $6 }
    /^status codes: / { ok = $3 }
    /^traffic: / { for (i = 1; i <= NF; i++) if ($i == "data") { data = $(i - 1); gsub(/[()]/, "", data) } }
    /^time for request: / { min = us($4); max = us($5); mean = us($6) }
    END { if (rps != "" && done != "" && ok != "" && data != "" && mean != "")
            printf "%s %s %s %s %s %s %s\n", rps, started, done, ok, data, mean, max }' "$scratch/$name.txt")
  [[ -n $parsed ]] || die "no result from h2load for $name: $(tail -5 "$scratch/$name.txt")"
  local h2_rps started done ok data
  read -r h2_rps started done ok data "mean[$name]" "max[$name]" <<<"$parsed"
  rps[$name]=$h2_rps
  p50[$name]=n/a
  p99[$name]=n/a
  errors[$name]=$((done - ok))
  server_cpu[$name]=$(per_request_us $((after - before)) "$done")
  client_cpu[$name]=$(awk -v c="$client" -v n="$done" 'BEGIN { split(c, t, " "); printf "%.1f", (n > 0 ? (t[1] + t[2]) * 1e6 / n : 0) }')

  # Check 1, over every answer: a correct answer is $reply_bytes bytes of DATA; a gRPC error is headers and
  # trailers only. Streams cut at the end of -D may have received their DATA but not yet their trailers, so up to
  # (started - done) answers' worth of extra bytes is allowed.
  local short=0
  if ((data < ok * reply_bytes)); then
    short=$(((ok * reply_bytes - data + reply_bytes - 1) / reply_bytes))
  elif ((data > started * reply_bytes)); then
    short=$(((data - started * reply_bytes + reply_bytes - 1) / reply_bytes))
  fi
  # Check 2, call by call: GrpcLoad reads grpc-status for each of 200 calls of the same request.
  timeout 60 dotnet "$grpcload_dll" --target "$grpc" --model "$model" --mode "$mode" --concurrency "$connections" \
    --duration 10 --warmup 0 --max-requests 200 --payload "$payload" --input "$input_name" \
    >"$scratch/$name.verify.txt" 2>&1 || true
  local verify verified verify_errors
  verify=$(sed -n 's/^GRPCLOAD_RESULT //p' "$scratch/$name.verify.txt")
  verified=$(field "$verify" requests)
  verify_errors=$(field "$verify" errors)
  [[ -n $verified && -n $verify_errors ]] || die "the GrpcLoad check after $name gave no result: $(tail -5 "$scratch/$name.verify.txt")"
  errors[$name]=$((${errors[$name]} + short + verify_errors))
  checks[$name]="$name: $ok HTTP 2xx answers carried $data bytes of DATA at $reply_bytes bytes a correct answer"
  checks[$name]+="$( ((short == 0)) && echo ": consistent" || echo ": $short answers short or over, counted as errors")"
  checks[$name]+="; then GrpcLoad, same request: $verified calls succeeded, $verify_errors failed."
}

for s in "${scenarios[@]}"; do
  case $s in
    ceiling) run_wrk ceiling "$ceiling_pid" -s "$here/wrk/oip-infer.lua" "http://127.0.0.1:$ceiling_port/v2/models/$model/infer" \
      -- "$input_name" "$input_type" "$payload" ;;
    rest-infer) run_wrk rest-infer "$gateway_pid" "${oip_args[@]}" ;;
    invocations) run_wrk invocations "$gateway_pid" "${inv_args[@]}" ;;
    grpc-typed) run_grpc grpc-typed typed ;;
    grpc-raw) run_grpc grpc-raw raw ;;
    grpc-typed-h2load) run_h2load grpc-typed-h2load typed ;;
    grpc-raw-h2load) run_h2load grpc-raw-h2load raw ;;
  esac
  # A server that died mid-run would turn every later scenario into a count of refused connections.
  for pid in "$gateway_pid" "$ceiling_pid"; do
    kill -0 "$pid" 2>/dev/null || {
      wait "$pid" && code=0 || code=$?
      tail -30 "$scratch/gateway.log" >&2
      die "a server (pid $pid) exited with code $code during $s; see $scratch/gateway.log and ceiling.log"
    }
  done
done

# ---------------------------------------------------------------- report
ran() { local s; for s in "$@"; do [[ -n ${rps[$s]:-} ]] || return 1; done; }
ratio() { if ran "$1" "$2"; then awk -v a="${rps[$1]}" -v b="${rps[$2]}" 'BEGIN { printf "%.2f", a / b }'; else echo n/a; fi; }
# Server CPU per request of one scenario over another's: on a shared 2-core machine the steadier comparison.
cpu_ratio() {
  if ran "$1" "$2" && [[ ${server_cpu[$1]:-} && ${server_cpu[$2]:-} ]]; then
    awk -v a="${server_cpu[$1]}" -v b="${server_cpu[$2]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
  else
    echo n/a
  fi
}
ms() { if [[ $1 == n/a ]]; then echo n/a; else awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; fi; }
describe() {
  case $1 in
    ceiling) echo "bare Kestrel, canned answer of the same size (wrk)" ;;
    rest-infer) echo "OIP REST POST /v2/models/$model/infer (wrk)" ;;
    invocations) echo "MLflow POST /invocations, dataframe_split (wrk)" ;;
    grpc-typed) echo "OIP gRPC ModelInfer, typed contents (GrpcLoad, client-bound)" ;;
    grpc-raw) echo "OIP gRPC ModelInfer, raw_input_contents (GrpcLoad, client-bound)" ;;
    grpc-typed-h2load) echo "OIP gRPC ModelInfer, typed contents (h2load -c1 -m$connections)" ;;
    grpc-raw-h2load) echo "OIP gRPC ModelInfer, raw_input_contents (h2load -c1 -m$connections)" ;;
  esac
}

failed=0
verdict() { # description, scenarios it needs, condition (an awk expression), figure shown
  local result=SKIP figure=n/a s
  local -a needs
  read -r -a needs <<<"$2"
  if ran "${needs[@]}"; then
    figure=$4
    result=PASS
    for s in "${needs[@]}"; do ((${errors[$s]} == 0)) || result=FAIL; done
    if [[ $result == PASS ]] && ! awk "BEGIN { exit !($3) }"; then result=FAIL; fi
    [[ $result == PASS ]] || failed=1
  fi
  printf '| %s | %s | %s |\n' "$1" "$figure" "$result"
}

width=$(head -1 "$payload" | awk -F, '{ print NF }')
{
  echo "# Load test, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Gateway commit \`$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)\`," \
    "model \`$model\`${model_version:+ version $model_version}, input \`$input_name\` $input_type [1,$width]," \
    "one row per request, infer answer $response_bytes bytes."
  echo "Each scenario: ${warmup} s warm-up, then ${duration} s measured, $connections connections (wrk -t1)," \
    "$connections gRPC callers (GrpcLoad) or $connections concurrent streams (h2load) on one HTTP/2 connection;" \
    "everything on 127.0.0.1, one scenario at a time."
  echo "h2load reports no percentiles, so its rows show p50 and p99 as n/a; their mean and max are h2load's" \
    "\"time for request\". It sees HTTP statuses only (a gRPC error is an HTTP 200), so each h2load run is checked" \
    "afterwards, see below."
  echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), load average" \
    "$load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  echo
  echo "| scenario | what | req/s | p50 ms | p99 ms | mean ms | max ms | vs ceiling | server CPU µs/req" \
    "| client CPU µs/req | errors |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for s in "${scenarios[@]}"; do
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$s" "$(describe "$s")" "${rps[$s]}" \
      "$(ms "${p50[$s]}")" "$(ms "${p99[$s]}")" "$(ms "${mean[$s]:-n/a}")" "$(ms "${max[$s]:-n/a}")" \
      "$(ratio "$s" ceiling)" "${server_cpu[$s]:-n/a}" "${client_cpu[$s]:-n/a}" "${errors[$s]}"
  done
  echo
  echo "gRPC / REST infer, req/s: h2load typed $(ratio grpc-typed-h2load rest-infer)," \
    "raw $(ratio grpc-raw-h2load rest-infer) (light C clients on both sides);" \
    "GrpcLoad typed $(ratio grpc-typed rest-infer), raw $(ratio grpc-raw rest-infer) (client-bound: the .NET client" \
    "shares the cores with the gateway)."
  echo "gRPC / REST infer, server CPU µs/req: typed $(cpu_ratio grpc-typed-h2load rest-infer)," \
    "raw $(cpu_ratio grpc-raw-h2load rest-infer) (h2load); typed $(cpu_ratio grpc-typed rest-infer)," \
    "raw $(cpu_ratio grpc-raw rest-infer) (GrpcLoad). Below 1 means gRPC costs the gateway less per request."
  echo "/invocations / REST infer: $(ratio invocations rest-infer)."
  for s in grpc-typed-h2load grpc-raw-h2load; do
    [[ -z ${checks[$s]:-} ]] || echo "- ${checks[$s]}"
  done
  echo
  echo "| target | measured | result |"
  echo "| --- | --- | --- |"
  verdict "REST infer >= 50% of the ceiling's req/s" "rest-infer ceiling" \
    "${rps[rest-infer]:-0} >= 0.5 * ${rps[ceiling]:-0}" "$(ratio rest-infer ceiling) of the ceiling"
  verdict "REST infer p99 <= 5 ms" "rest-infer" "${p99[rest-infer]:-0} <= 5000" "$(ms "${p99[rest-infer]:-0}") ms"
  # gRPC is judged on h2load's figures when they are there: wrk and h2load cost about the same per request, while
  # GrpcLoad spends about as much CPU per call as the gateway, on the same cores. Without them GrpcLoad's figures
  # judge, labelled as the client-bound figures they are.
  for mode in typed raw; do
    if ran "grpc-$mode-h2load"; then
      verdict "gRPC $mode req/s >= REST infer (h2load vs wrk)" "grpc-$mode-h2load rest-infer" \
        "${rps[grpc-$mode-h2load]:-0} >= ${rps[rest-infer]:-0}" "$(ratio "grpc-$mode-h2load" rest-infer)x"
    else
      verdict "gRPC $mode req/s >= REST infer (GrpcLoad, client-bound)" "grpc-$mode rest-infer" \
        "${rps[grpc-$mode]:-0} >= ${rps[rest-infer]:-0}" "$(ratio "grpc-$mode" rest-infer)x"
    fi
  done
  # The ceiling does no work, so a slow ceiling tail means the machine, not the gateway, set the latencies.
  if ran ceiling && ((${p99[ceiling]} > 5000)); then
    echo "- The ceiling's own p99 is $(ms "${p99[ceiling]}") ms: other load on this machine dominated tail latency in" \
      "this run, so the p99 target says little here. Compare server CPU µs/req instead, or rerun on a quiet machine."
  fi
  for s in "${scenarios[@]}"; do
    ((${errors[$s]} == 0)) || echo "- $s had ${errors[$s]} failed requests; see loadtests/results/run/$s.txt"
  done
  echo
  echo "Raw outputs: loadtests/results/run/ (wrk, GrpcLoad and h2load output per scenario, captured requests and" \
    "answer, GrpcLoad's checks of the h2load runs)."
} >"$scratch/summary.md"

# verdict() runs inside the braces above, in this shell, so $failed holds its outcome.
cp "$scratch/summary.md" "$results/latest.md"
echo
cat "$results/latest.md"
echo
echo "Written to loadtests/results/latest.md"
exit "$failed"
