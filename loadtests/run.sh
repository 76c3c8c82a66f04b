#!/usr/bin/env bash
# One command for the whole benchmark: builds the gateway (Release), starts it and a ceiling server on loopback,
# runs five scenarios one after another, compares them, checks the targets and writes results/latest.md.
#
#   loadtests/run.sh
#
# Settings (environment):
#   LOADTEST_DURATION     measured seconds per scenario               (default 10)
#   LOADTEST_WARMUP       unmeasured seconds before each scenario     (default 3)
#   LOADTEST_CONNECTIONS  wrk connections / gRPC callers              (default 16)
#   LOADTEST_MODEL        model to call                               (default breast-cancer)
#   LOADTEST_REGISTRY     registry folder                             (default <repo>/models)
#   LOADTEST_HTTP_PORT, LOADTEST_GRPC_PORT, LOADTEST_CEILING_PORT     (defaults 18080, 18081, 18090)
#   LOADTEST_SCENARIOS    which to run, in order (default "ceiling rest-infer invocations grpc-typed grpc-raw")
#   LOADTEST_SKIP_BUILD=1 reuse the last Release build
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
read -r -a scenarios <<<"${LOADTEST_SCENARIOS:-ceiling rest-infer invocations grpc-typed grpc-raw}"
payload=$here/payload/breast-cancer-row.csv
results=$here/results
scratch=$results/run
rest=http://127.0.0.1:$http_port
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 2; }

for n in "$duration" "$warmup" "$connections" "$http_port" "$grpc_port" "$ceiling_port"; do
  [[ $n =~ ^[0-9]+$ ]] || die "settings must be whole numbers, got '$n'"
done
((duration >= 1 && connections >= 1)) || die "LOADTEST_DURATION and LOADTEST_CONNECTIONS must be at least 1"
for tool in wrk curl dotnet timeout ss awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
for port in "$http_port" "$grpc_port" "$ceiling_port"; do
  ! ss -ltnH "sport = :$port" | grep -q . || die "port $port on this machine is taken; choose another with LOADTEST_*_PORT"
done
for s in "${scenarios[@]}"; do
  [[ $s =~ ^(ceiling|rest-infer|invocations|grpc-typed|grpc-raw)$ ]] || die "unknown scenario '$s'"
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
if [[ ${LOADTEST_SKIP_BUILD:-0} != 1 ]]; then
  for project in src/Serving.Gateway loadtests/Ceiling loadtests/GrpcLoad; do
    say "build $project (Release)"
    (cd "$root" && timeout 900 dotnet build "$project" -c Release -nologo -v q) >"$scratch/build.log" 2>&1 \
      || { tail -30 "$scratch/build.log" >&2; die "build of $project failed"; }
  done
fi
find_binary() { find "$root/$1/bin/Release" -name "$2" -path '*net10.0*' -print -quit 2>/dev/null; }
gateway_dll=$(find_binary src/Serving.Gateway Serving.Gateway.dll)
ceiling_dll=$(find_binary loadtests/Ceiling Ceiling.dll)
grpcload_dll=$(find_binary loadtests/GrpcLoad GrpcLoad.dll)
[[ -n $gateway_dll && -n $ceiling_dll && -n $grpcload_dll ]] || die "Release builds not found; run without LOADTEST_SKIP_BUILD"

# ---------------------------------------------------------------- gateway
# Started from the repository root like `dotnet run` would be; only the endpoints, the registry and the log level
# are set here. Warning-level logs keep the console quiet under load; the lifetime messages stay, so the log shows
# whether a gateway that vanished mid-run was shut down (a signal) or crashed.
say "start the gateway on $rest (REST) and http://127.0.0.1:$grpc_port (gRPC)"
(cd "$root" && exec dotnet "$gateway_dll" \
  "--Kestrel:Endpoints:Http:Url=$rest" \
  "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:$grpc_port" \
  "--Serving:Registry:Path=$registry" \
  "--Serving:DefaultModel=$model" \
  "--Logging:LogLevel:Default=Warning" \
  "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information") >"$scratch/gateway.log" 2>&1 &
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
declare -A rps p50 p99 errors server_cpu client_cpu
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
  timeout $((warmup + duration + 60)) dotnet "$grpcload_dll" --target "http://127.0.0.1:$grpc_port" --model "$model" \
    --mode "$mode" --concurrency "$connections" --duration "$duration" --warmup "$warmup" \
    --payload "$payload" --input "$input_name" --server-pid "$gateway_pid" >"$scratch/$name.txt" 2>&1 || true
  local line
  line=$(sed -n 's/^GRPCLOAD_RESULT //p' "$scratch/$name.txt")
  [[ -n $line ]] || die "no result from the gRPC client for $name: $(tail -5 "$scratch/$name.txt")"
  rps[$name]=$(field "$line" rps)
  p50[$name]=$(field "$line" p50_us)
  p99[$name]=$(field "$line" p99_us)
  errors[$name]=$(field "$line" errors)
  server_cpu[$name]=$(field "$line" server_cpu_us_per_req)
  client_cpu[$name]=$(field "$line" client_cpu_us_per_req)
}

for s in "${scenarios[@]}"; do
  case $s in
    ceiling) run_wrk ceiling "$ceiling_pid" -s "$here/wrk/oip-infer.lua" "http://127.0.0.1:$ceiling_port/v2/models/$model/infer" \
      -- "$input_name" "$input_type" "$payload" ;;
    rest-infer) run_wrk rest-infer "$gateway_pid" "${oip_args[@]}" ;;
    invocations) run_wrk invocations "$gateway_pid" "${inv_args[@]}" ;;
    grpc-typed) run_grpc grpc-typed typed ;;
    grpc-raw) run_grpc grpc-raw raw ;;
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
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
describe() {
  case $1 in
    ceiling) echo "bare Kestrel, canned answer of the same size (wrk)" ;;
    rest-infer) echo "OIP REST POST /v2/models/$model/infer (wrk)" ;;
    invocations) echo "MLflow POST /invocations, dataframe_split (wrk)" ;;
    grpc-typed) echo "OIP gRPC ModelInfer, typed contents (GrpcLoad)" ;;
    grpc-raw) echo "OIP gRPC ModelInfer, raw_input_contents (GrpcLoad)" ;;
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
  echo "Each scenario: ${warmup} s warm-up, then ${duration} s measured, $connections connections (wrk -t1) or" \
    "$connections gRPC callers on one HTTP/2 connection; everything on 127.0.0.1, one scenario at a time."
  echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), load average" \
    "$load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  echo
  echo "| scenario | what | req/s | p50 ms | p99 ms | vs ceiling | server CPU µs/req | client CPU µs/req | errors |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for s in "${scenarios[@]}"; do
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n' "$s" "$(describe "$s")" "${rps[$s]}" \
      "$(ms "${p50[$s]}")" "$(ms "${p99[$s]}")" "$(ratio "$s" ceiling)" "${server_cpu[$s]:-n/a}" \
      "${client_cpu[$s]:-n/a}" "${errors[$s]}"
  done
  echo
  echo "gRPC / REST infer: typed $(ratio grpc-typed rest-infer), raw $(ratio grpc-raw rest-infer)." \
    "/invocations / REST infer: $(ratio invocations rest-infer)."
  echo
  echo "| target | measured | result |"
  echo "| --- | --- | --- |"
  verdict "REST infer >= 50% of the ceiling's req/s" "rest-infer ceiling" \
    "${rps[rest-infer]:-0} >= 0.5 * ${rps[ceiling]:-0}" "$(ratio rest-infer ceiling) of the ceiling"
  verdict "REST infer p99 <= 5 ms" "rest-infer" "${p99[rest-infer]:-0} <= 5000" "$(ms "${p99[rest-infer]:-0}") ms"
  verdict "gRPC typed req/s >= REST infer" "grpc-typed rest-infer" \
    "${rps[grpc-typed]:-0} >= ${rps[rest-infer]:-0}" "$(ratio grpc-typed rest-infer)x"
  verdict "gRPC raw req/s >= REST infer" "grpc-raw rest-infer" \
    "${rps[grpc-raw]:-0} >= ${rps[rest-infer]:-0}" "$(ratio grpc-raw rest-infer)x"
  # The ceiling does no work, so a slow ceiling tail means the machine, not the gateway, set the latencies.
  if ran ceiling && ((${p99[ceiling]} > 5000)); then
    echo "- The ceiling's own p99 is $(ms "${p99[ceiling]}") ms: other load on this machine dominated tail latency in" \
      "this run, so the p99 target says little here. Compare server CPU µs/req instead, or rerun on a quiet machine."
  fi
  for s in "${scenarios[@]}"; do
    ((${errors[$s]} == 0)) || echo "- $s had ${errors[$s]} failed requests; see loadtests/results/run/$s.txt"
  done
  echo
  echo "Raw outputs: loadtests/results/run/ (wrk and GrpcLoad output per scenario, captured request and answer)."
} >"$scratch/summary.md"

# verdict() runs inside the braces above, in this shell, so $failed holds its outcome.
cp "$scratch/summary.md" "$results/latest.md"
echo
cat "$results/latest.md"
echo
echo "Written to loadtests/results/latest.md"
exit "$failed"
