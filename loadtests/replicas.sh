#!/usr/bin/env bash
# Two gateway replicas behind one load balancer against one replica behind the same balancer, on loopback, with
# the prediction logs of both going to one Redis (as in deploy/compose). Prints req/s, p99, the CPU each part
# used per request, and the Redis commands per request; writes the same to results/replicas.md. Then measures
# what one Redis carries (redis-benchmark, bounded) for docs/capacity.md.
#
#   loadtests/replicas.sh
#
# Settings (environment):
#   LOADTEST_DURATION     measured seconds per phase                  (default 10)
#   LOADTEST_WARMUP       unmeasured seconds before each phase        (default 3)
#   LOADTEST_CONNECTIONS  wrk connections                             (default 16)
#   LOADTEST_BASE_PORT    first of the loopback ports it uses: +0 the balancer, +1/+2 the replicas' REST,
#                         +11/+12 their gRPC, +20 Redis               (default 18200)
#   LOADTEST_ROUNDS       rounds of (one replica, two replicas) behind the balancer (default 2)
#   LOADTEST_REDIS_REQUESTS  requests per redis-benchmark test        (default 100000)
#   LOADTEST_SKIP_BUILD=1 reuse the last Release build of the gateway
# Needs wrk, curl, haproxy (Debian: haproxy), redis-server and redis-benchmark (Debian: redis-server), dotnet.
# Exit code: 0 the run was done (whatever its figures), 2 it could not be done.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
duration=${LOADTEST_DURATION:-10}
warmup=${LOADTEST_WARMUP:-3}
connections=${LOADTEST_CONNECTIONS:-16}
base=${LOADTEST_BASE_PORT:-18200}
redis_requests=${LOADTEST_REDIS_REQUESTS:-100000}
rounds=${LOADTEST_ROUNDS:-2}
model=breast-cancer
payload=$here/payload/breast-cancer-row.csv
results=$here/results
scratch=$results/replicas
lb_port=$base
rest_ports=($((base + 1)) $((base + 2)))
grpc_ports=($((base + 11)) $((base + 12)))
redis_port=$((base + 20))
stream=serving:predictions:$model
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=loadtests/lib.sh
source "$here/lib.sh"

require_whole_numbers "$duration" "$warmup" "$connections" "$base" "$redis_requests" "$rounds"
((duration >= 1 && connections >= 1 && rounds >= 1 && rounds <= 10 && redis_requests >= 1 && redis_requests <= 10000000)) \
  || die "a setting is out of range"
for tool in wrk curl haproxy redis-server redis-cli redis-benchmark dotnet timeout ss awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
for port in "$lb_port" "${rest_ports[@]}" "${grpc_ports[@]}" "$redis_port"; do
  ! ss -ltnH "sport = :$port" | grep -q . || die "port $port is taken; choose another LOADTEST_BASE_PORT"
done

# Everything started here is stopped on the way out, whatever the way out is.
started=()
stop() { # pid
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 20); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${started[@]}"; do stop "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$scratch"
mkdir -p "$scratch"

build_release src/Serving.Gateway
gateway_dll=$(find_binary src/Serving.Gateway Serving.Gateway.dll)
[[ -n $gateway_dll ]] || die "no Release build of the gateway; run without LOADTEST_SKIP_BUILD"

# ---------------------------------------------------------------- Redis
# One Redis for every replica, persistence off (this measures the gateway, not the disk).
say "start redis-server on 127.0.0.1:$redis_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$scratch" >"$scratch/redis.log" 2>&1 &
redis_pid=$!
started+=("$redis_pid")
rcli() { redis-cli -p "$redis_port" "$@"; }
for _ in $(seq 50); do rcli ping >/dev/null 2>&1 && break; sleep 0.1; done
rcli ping >/dev/null || die "redis-server did not start: $(tail -5 "$scratch/redis.log")"

# ---------------------------------------------------------------- gateways
gateway_pids=()
for i in 0 1; do
  say "start replica $((i + 1)) on 127.0.0.1:${rest_ports[$i]}"
  (cd "$root" && exec dotnet "$gateway_dll" \
    "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:${rest_ports[$i]}" \
    "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:${grpc_ports[$i]}" \
    "--Serving:Registry:Path=$root/models" \
    "--Serving:DataPath=$scratch/data-$i" \
    "--Serving:Redis:Configuration=127.0.0.1:$redis_port" \
    "--Logging:LogLevel:Default=Warning" \
    "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information") >"$scratch/gateway-$i.log" 2>&1 &
  gateway_pids+=($!)
  started+=($!)
done
for i in 0 1; do
  deadline=$((SECONDS + 90))
  until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:${rest_ports[$i]}/v2/models/$model/ready"; do
    kill -0 "${gateway_pids[$i]}" 2>/dev/null || { tail -20 "$scratch/gateway-$i.log" >&2; die "replica $((i + 1)) exited"; }
    ((SECONDS < deadline)) || die "replica $((i + 1)) not ready after 90 s"
    sleep 0.5
  done
done

# ---------------------------------------------------------------- balancer
# The frontends and backends of deploy/compose/haproxy.cfg, with the replicas at fixed loopback addresses.
balancer_pid=
start_balancer() { # replicas (1 or 2)
  local cfg=$scratch/haproxy-$1.cfg i
  {
    printf 'global\n    maxconn 4096\n'
    printf 'defaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\n'
    printf '    option httpchk GET /v2/health/ready\n    http-check expect status 200\n    default-server inter 2s fall 2 rise 2\n'
    printf 'frontend rest\n    bind 127.0.0.1:%s\n    default_backend gateway_rest\n' "$lb_port"
    printf 'backend gateway_rest\n    balance leastconn\n'
    for ((i = 0; i < $1; i++)); do printf '    server gateway%d 127.0.0.1:%s check\n' "$((i + 1))" "${rest_ports[$i]}"; done
  } >"$cfg"
  haproxy -c -q -f "$cfg" || die "haproxy refused $cfg"
  haproxy -db -f "$cfg" >"$scratch/haproxy-$1.log" 2>&1 &
  balancer_pid=$!
  started+=("$balancer_pid")
  local deadline=$((SECONDS + 20))
  until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$lb_port/v2/health/ready"; do
    ((SECONDS < deadline)) || die "the balancer did not answer: $(tail -5 "$scratch/haproxy-$1.log")"
    sleep 0.2
  done
}

# ---------------------------------------------------------------- phases
field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
per_request_us() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", (n > 0 ? t * 10000 / n : 0) }'; }
# Redis commands executed so far, by name (INFO commandstats: cmdstat_xadd:calls=N,...).
redis_calls() { rcli info commandstats | tr -d '\r' | awk -F'[_:=,]' -v c="$1" '$2 == c { print $4; found = 1 } END { if (!found) print 0 }'; }
declare -A rps p99 requests errors gw_cpu lb_cpu redis_cpu client_cpu xadds execs

run_phase() { # name, replicas, target url base (balancer or a replica)
  local name=$1 replicas=$2 url=$3 i before_gw=0 after_gw=0
  local args=(-s "$here/wrk/oip-infer.lua" "$url/v2/models/$model/infer" -- input FP32 "$payload")
  say "$name: warm-up ${warmup}s, then ${duration}s with wrk -t1 -c$connections"
  ((warmup == 0)) || timeout $((warmup + 30)) wrk -t1 -c"$connections" -d"${warmup}s" "${args[@]}" >"$scratch/$name.warmup.txt" 2>&1 || true
  for ((i = 0; i < replicas; i++)); do before_gw=$((before_gw + $(cpu_ticks "${gateway_pids[$i]}"))); done
  local before_lb=0 before_redis before_xadd before_exec client line
  [[ -z $balancer_pid ]] || before_lb=$(cpu_ticks "$balancer_pid")
  before_redis=$(cpu_ticks "$redis_pid")
  before_xadd=$(redis_calls xadd)
  before_exec=$(redis_calls exec)
  client=$( { TIMEFORMAT='%U %S'; time timeout $((duration + 30)) wrk -t1 -c"$connections" -d"${duration}s" --latency "${args[@]}" \
    >"$scratch/$name.txt" 2>&1; } 2>&1 ) || die "wrk failed for $name: $(tail -5 "$scratch/$name.txt")"
  # The logs reach Redis in batches after the answers: wait for the last of them before counting.
  sleep 2
  for ((i = 0; i < replicas; i++)); do after_gw=$((after_gw + $(cpu_ticks "${gateway_pids[$i]}"))); done
  line=$(sed -n 's/^WRK_RESULT //p' "$scratch/$name.txt")
  [[ -n $line ]] || die "no result from wrk for $name"
  requests[$name]=$(field "$line" requests)
  rps[$name]=$(field "$line" rps)
  p99[$name]=$(field "$line" p99_us)
  errors[$name]=$(awk -v l="$line" 'BEGIN { n = 0; while (match(l, /"errors_[a-z]+":[0-9]+/)) {
      s = substr(l, RSTART, RLENGTH); sub(/.*:/, "", s); n += s; l = substr(l, RSTART + RLENGTH) } print n }')
  gw_cpu[$name]=$(per_request_us $((after_gw - before_gw)) "${requests[$name]}")
  lb_cpu[$name]=0.0
  [[ -z $balancer_pid ]] || lb_cpu[$name]=$(per_request_us $(($(cpu_ticks "$balancer_pid") - before_lb)) "${requests[$name]}")
  redis_cpu[$name]=$(per_request_us $(($(cpu_ticks "$redis_pid") - before_redis)) "${requests[$name]}")
  client_cpu[$name]=$(awk -v c="$client" -v n="${requests[$name]}" 'BEGIN { split(c, t, " "); printf "%.1f", (n > 0 ? (t[1] + t[2]) * 1e6 / n : 0) }')
  # Requests counted by wrk include the warm-up's last stragglers in neither count; the ratio is what matters.
  xadds[$name]=$(awk -v a="$(redis_calls xadd)" -v b="$before_xadd" -v n="${requests[$name]}" 'BEGIN { printf "%.3f", (a - b) / n }')
  execs[$name]=$(awk -v a="$(redis_calls exec)" -v b="$before_exec" -v n="${requests[$name]}" 'BEGIN { printf "%.4f", (a - b) / n }')
}

# Every answer must be 200 before anything is measured.
status=$(curl -s -o "$scratch/answer.json" -w '%{http_code}' --max-time 5 -H 'Content-Type: application/json' \
  --data "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,30],\"datatype\":\"FP32\",\"data\":[$(sed -n 2p "$payload")]}]}" \
  "http://127.0.0.1:${rest_ports[0]}/v2/models/$model/infer")
[[ $status == 200 ]] || die "the infer request answered $status: $(head -c 300 "$scratch/answer.json")"

# Both replicas JIT-compile and fill their caches before anything is measured, so the first phase is not the
# slow one for that reason alone.
for i in 0 1; do
  say "warm replica $((i + 1)) up: $((warmup * 2)) s unmeasured"
  timeout $((warmup * 2 + 30)) wrk -t1 -c"$connections" -d"$((warmup * 2))s" \
    -s "$here/wrk/oip-infer.lua" "http://127.0.0.1:${rest_ports[$i]}/v2/models/$model/infer" -- input FP32 "$payload" \
    >"$scratch/warm-$i.txt" 2>&1 || true
done

# One replica without the balancer (what the balancer costs), then one and two behind it, alternating for
# LOADTEST_ROUNDS rounds so that a burst of other work on the machine shows as spread, not as a difference.
phases=(direct-1)
run_phase direct-1 1 "http://127.0.0.1:${rest_ports[0]}"
for ((round = 1; round <= rounds; round++)); do
  for replicas in 1 2; do
    start_balancer "$replicas"
    run_phase "balancer-$replicas.r$round" "$replicas" "http://127.0.0.1:$lb_port"
    phases+=("balancer-$replicas.r$round")
    stop "$balancer_pid"
    balancer_pid=
  done
done

# What one prediction log entry costs Redis: its bytes on the wire and in memory.
entries=$(rcli xlen "$stream")
memory=$(rcli memory usage "$stream" samples 0)
record=$(rcli --raw xrevrange "$stream" + - count 1 | awk 'prev == "record" { print; exit } { prev = $0 }')
[[ -n $record ]] || die "no prediction log entry in Redis"
record_bytes=${#record}
bytes_per_entry=$(awk -v m="$memory" -v n="$entries" 'BEGIN { printf "%.0f", (n > 0 ? m / n : 0) }')

# ---------------------------------------------------------------- what one Redis carries
# The gateway's own write: XADD of one entry (id, model, version, record) to a capped stream. Alone, and
# pipelined as the gateway's batches send them (one MULTI/EXEC per model per batch of up to 512 records).
declare -A bench
for pipeline in 1 16 128; do
  say "redis-benchmark: XADD of one ${record_bytes}-byte record, $redis_requests requests, 16 clients, pipeline $pipeline"
  out=$(timeout 120 redis-benchmark -p "$redis_port" -q -n "$redis_requests" -c 16 -P "$pipeline" \
    xadd serving:benchmark maxlen '~' 100000 '*' id 0123456789abcdef model "$model" version 1 record "$record" 2>&1 | tr '\r' '\n' | tail -1)
  bench[$pipeline]=$(sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' <<<"$out")
  [[ -n ${bench[$pipeline]} ]] || die "no figure from redis-benchmark: ${out:0:200}"
  say "  ${bench[$pipeline]} requests/s"
done
rcli del serving:benchmark >/dev/null

# ---------------------------------------------------------------- report
{
  echo "# Two replicas against one, on loopback"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average at start $load_at_start."
  echo "wrk -t1 -c$connections, ${duration} s per phase after ${warmup} s of warm-up; single-row OIP infer of $model;"
  echo "prediction logs to one Redis. CPU is what each process used during the phase, per request."
  echo
  echo "| phase | replicas | req/s | p99 ms | errors | gateways CPU µs/req | balancer CPU µs/req | Redis CPU µs/req | wrk CPU µs/req | XADD/req | EXEC/req |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for name in "${phases[@]}"; do
    replicas=${name#*-}
    replicas=${replicas%%.*}
    awk -v n="$name" -v r="$replicas" -v rps="${rps[$name]}" -v p="${p99[$name]}" -v e="${errors[$name]}" \
      -v g="${gw_cpu[$name]}" -v l="${lb_cpu[$name]}" -v d="${redis_cpu[$name]}" -v c="${client_cpu[$name]}" \
      -v x="${xadds[$name]}" -v ex="${execs[$name]}" \
      'BEGIN { printf "| %s | %s | %.0f | %.2f | %s | %s | %s | %s | %s | %s | %s |\n", n, r, rps, p / 1000, e, g, l, d, c, x, ex }'
  done
  echo
  echo "Prediction log stream: $entries entries, $memory bytes in Redis ($bytes_per_entry bytes per entry), record $record_bytes bytes."
  echo
  echo "redis-benchmark XADD of that record to a capped stream, 16 clients: ${bench[1]} requests/s unpipelined, ${bench[16]} pipelined 16 deep, ${bench[128]} pipelined 128 deep."
} | tee "$results/replicas.md"
