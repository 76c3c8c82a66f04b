#!/usr/bin/env bash
# The loop with real time: drift onset to the retrained version serving 100%. The built gateway serves a temporary
# copy of the sample breast-cancer versions with policy auto-canary, drift windows of LOOP_WINDOW_ROWS rows and
# rollout steps of LOOP_STEP_SECONDS seconds; `serving retrainer` is subscribed to drift.detected. Labelled traffic
# as the model was trained for comes first, then the same rows with every feature LOOP_SHIFT times as large,
# labelled too, at LOOP_RATE requests per second until the new version is promoted. It prints the seconds from the
# first shifted request (drift onset) to each milestone: drift.detected delivered, run started, version published,
# canary started, each step passed, promoted.
#
# A retrained version's drift baseline comes from the drifted window's rows, and the retrainer ignores drift of a
# version that is not stable and holds a cooldown after a publish, so its canary filling a window does not start a
# new retraining (docs/retraining.md, "Avoiding a retraining cascade"). With the defaults the canary serves about
# 190 rows in its two 5-second steps.
#
#   loadtests/loop.sh    (LOOP_TIMEOUT, LOOP_WINDOW_ROWS, LOOP_RATE, LOOP_STEP_SECONDS, LOOP_SHIFT, LOOP_HTTP_PORT,
#                         LOOP_RETRAINER_PORT, LOOP_SKIP_BUILD=1, LOOP_KEEP=1 keeps the work folder)
# Everything listens on and talks to 127.0.0.1; every wait is bounded by LOOP_TIMEOUT (default 300 s).
# Exit code: 0 promoted, 1 the loop did not get there (rolled back, refused, timed out), 2 the run could not be done.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
timeout_s=${LOOP_TIMEOUT:-300}
window_rows=${LOOP_WINDOW_ROWS:-300}
rate=${LOOP_RATE:-50}
step_seconds=${LOOP_STEP_SECONDS:-5}
shift_by=${LOOP_SHIFT:-3}
http_port=${LOOP_HTTP_PORT:-18280}
retrainer_port=${LOOP_RETRAINER_PORT:-18290}
model=breast-cancer

for tool in dotnet curl python3; do
  command -v "$tool" >/dev/null || { echo "loop.sh needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ ${LOOP_KEEP:-0} == 1 ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [[ ${LOOP_SKIP_BUILD:-0} != 1 ]]; then
  dotnet build -c Release "$root/src/Serving.Gateway" -v q -nologo >/dev/null || { echo "build failed (gateway)" >&2; exit 2; }
  dotnet build -c Release "$root/src/Serving.Cli" -v q -nologo >/dev/null || { echo "build failed (cli)" >&2; exit 2; }
fi
gateway_dll=$root/src/Serving.Gateway/bin/Release/net10.0/linux-x64/Serving.Gateway.dll
cli_dll=$root/src/Serving.Cli/bin/Release/net10.0/linux-x64/serving.dll
[[ -f $gateway_dll && -f $cli_dll ]] || { echo "no Release build at $gateway_dll / $cli_dll (run without LOOP_SKIP_BUILD)" >&2; exit 2; }

# The committed sample versions only, whatever else a user published into models/.
mkdir -p "$work/models/$model" "$work/data"
for v in 1 2; do cp -r "$root/models/$model/$v" "$work/models/$model/$v"; done
admin_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s' "$admin_key" >"$work/admin.key"
printf 'whsec_%s' "$(head -c 32 /dev/urandom | base64 -w0)" >"$work/webhook.secret"
cat >"$work/retrainer.json" <<EOF
{ "jobs": { "$model": { "kind": "builtin", "trainingData": "$root/data/$model.csv" } } }
EOF

gateway=http://127.0.0.1:$http_port
retrainer=http://127.0.0.1:$retrainer_port
dotnet "$cli_dll" retrainer --registry "$work/models" --data "$work/data" --listen "$retrainer" --gateway "$gateway" \
  --admin-key-file "$work/admin.key" --secret-file "$work/webhook.secret" --config "$work/retrainer.json" \
  >"$work/retrainer.log" 2>&1 &
pids+=($!)
dotnet "$gateway_dll" \
  --Kestrel:Endpoints:Http:Url="$gateway" --Kestrel:Endpoints:Grpc:Url="http://127.0.0.1:$((http_port + 1))" \
  --Serving:Registry:Path="$work/models" --Serving:DataPath="$work/data" --Serving:Admin:ApiKey="$admin_key" \
  --Serving:Models:$model:Policy=auto-canary \
  --Serving:Monitoring:WindowRows="$window_rows" --Serving:Monitoring:Drift:MaxRequestsPerSecond=0 \
  --Serving:Rollouts:Steps:0=25 --Serving:Rollouts:Steps:1=50 --Serving:Rollouts:BucketSeconds=1 \
  --Serving:Rollouts:IntervalSeconds="$step_seconds" --Serving:Rollouts:MinRequests=20 \
  --Serving:Rollouts:MaxPredictionPsi=1000 --Serving:Rollouts:P99SlackMs=50 \
  --Serving:Webhooks:Subscriptions:0:Url="$retrainer/webhooks" --Serving:Webhooks:Subscriptions:0:Secret="$(cat "$work/webhook.secret")" \
  --Serving:Webhooks:Subscriptions:0:Events:0=drift.detected \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:Serving=Information \
  >"$work/gateway.log" 2>&1 &
pids+=($!)

ready() { # url name log
  for _ in $(seq 1 120); do
    curl -sf "$1" >/dev/null && return 0
    sleep 0.5
  done
  echo "$2 did not become ready:" >&2
  tail -n 30 "$3" >&2
  exit 2
}
ready "$gateway/v2/models/$model/ready" gateway "$work/gateway.log"
ready "$retrainer/healthz" retrainer "$work/retrainer.log"

# Traffic and the stopwatch: one keep-alive connection each way, standard library only.
set +e
LOOP_GATEWAY=$gateway LOOP_RETRAINER=$retrainer LOOP_KEY=$admin_key LOOP_MODEL=$model LOOP_DATA="$root/data/$model.csv" \
  LOOP_TIMEOUT=$timeout_s LOOP_SHIFT=$shift_by LOOP_WINDOW_ROWS=$window_rows LOOP_RATE=$rate timeout $((timeout_s + 30)) python3 - <<'PY'
import csv, http.client, json, os, sys, threading, time
from datetime import datetime

gw, rt = os.environ["LOOP_GATEWAY"], os.environ["LOOP_RETRAINER"]
key, model, shift = os.environ["LOOP_KEY"], os.environ["LOOP_MODEL"], float(os.environ["LOOP_SHIFT"])
deadline = time.time() + float(os.environ["LOOP_TIMEOUT"])
window_rows = int(os.environ["LOOP_WINDOW_ROWS"])
rate = float(os.environ["LOOP_RATE"])

with open(os.environ["LOOP_DATA"]) as f:
    reader = csv.reader(f)
    header = next(reader)
    target = header.index("target")
    rows = [([float(v) for i, v in enumerate(r) if i != target], int(float(r[target]))) for r in reader if r]

def connection(url):
    host, port = url.split("//")[1].split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)

def call(conn, method, path, body=None, admin=False):
    headers = {"Content-Type": "application/json"}
    if admin:
        headers["Authorization"] = "Bearer " + key
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, response.getheader("X-Prediction-Id"), data

def traffic(batch_rows, conn, pace=None):
    labels = []
    for features, label in batch_rows:
        if pace is not None:
            pause = pace() - time.time()
            if pause > 0:
                time.sleep(pause)
        body = {"inputs": [{"name": "input", "shape": [1, len(features)], "datatype": "FP32", "data": features}]}
        status, pid, data = call(conn, "POST", f"/v2/models/{model}/infer", body)
        if status != 200:
            sys.exit(f"infer answered {status}: {data[:300]!r}")
        labels.append({"id": pid, "label": label})
    status, _, data = call(conn, "POST", "/monitoring/feedback", labels)
    if status != 200:
        sys.exit(f"feedback answered {status}: {data[:300]!r}")

send = connection(gw)
# Labelled traffic as trained: two drift windows of it, so the drifted one is measured against a clean history.
for i in range(0, 2 * window_rows, 20):
    traffic([rows[(i + k) % len(rows)] for k in range(min(20, 2 * window_rows - i))], send)

stop = threading.Event()
onset = time.time()
sent = [0]
def drifted():
    # Paced: request n goes at onset + n / rate; labels follow each batch of 10.
    conn, i = connection(gw), 0
    def pace():
        sent[0] += 1
        return onset + (sent[0] - 1) / rate
    try:
        while not stop.is_set() and time.time() < deadline:
            batch = [([v * shift for v in rows[(i + k) % len(rows)][0]], rows[(i + k) % len(rows)][1]) for k in range(10)]
            i += 10
            traffic(batch, conn, pace)
    except (Exception, SystemExit) as e:
        print(f"shifted traffic stopped: {e}", file=sys.stderr, flush=True)
threading.Thread(target=drifted, daemon=True).start()

def ts(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if text else None

poll_gw, poll_rt = connection(gw), connection(rt)
seen = {}
def mark(name, at=None):
    if name not in seen:
        seen[name] = (at or time.time()) - onset
        print(f"  {seen[name]:7.2f} s  {name}", flush=True)

print(f"drift onset (first shifted request) at {datetime.fromtimestamp(onset).isoformat(timespec='seconds')}; seconds after it:", flush=True)
outcome = None
while time.time() < deadline and outcome is None:
    _, _, data = call(poll_gw, "GET", "/admin/webhooks/deliveries?limit=50", admin=True)
    for d in json.loads(data):
        if d["eventType"] == "drift.detected" and d["state"] == "delivered":
            mark("drift.detected delivered (the retrainer answered)", ts(d["updatedAt"]))
    _, _, data = call(poll_rt, "GET", "/runs")
    runs = json.loads(data)
    if runs:
        run = runs[-1]
        mark("retrainer run started", ts(run.get("started")))
        if run["stage"] == "done":
            mark(f"version {run['version']} published", ts(run.get("finished")))
        elif run["stage"] in ("refused", "failed"):
            outcome = f"run {run['stage']}: {run.get('message')}"
    status, _, data = call(poll_gw, "GET", f"/admin/models/{model}/rollout", admin=True)
    if status == 200:
        rollout = json.loads(data)
        decisions = rollout.get("decisions", [])
        if decisions:
            mark(f"canary started at {decisions[0].get('weight')}%", ts(decisions[0].get("at")))
        for d in decisions[1:]:
            if d.get("outcome") == "passed":
                mark(f"step at {d.get('weight')}% passed", ts(d.get("at")))
        if rollout.get("state") == "promoted":
            mark("promoted: the new version serves 100%", ts(decisions[-1].get("at")))
            outcome = "promoted"
        elif rollout.get("state") in ("rolled-back", "aborted"):
            outcome = f"rollout {rollout.get('state')}: {decisions[-1].get('reasons')}"
    time.sleep(0.2)

stop.set()
_, _, data = call(poll_gw, "GET", f"/admin/models/{model}", admin=True)
deployment = json.loads(data).get("deployment")
_, _, data = call(poll_gw, "GET", "/admin/webhooks/deliveries?limit=50", admin=True)
drift_events = sorted({d["eventId"] for d in json.loads(data) if d["eventType"] == "drift.detected"})
_, _, data = call(poll_rt, "GET", "/runs")
print(f"deployment now: {json.dumps(deployment)}; {sent[0]} shifted requests; drift.detected events: {drift_events}; retrainer runs: {len(json.loads(data))}")
if outcome == "promoted":
    print(f"RESULT: {seen['promoted: the new version serves 100%']:.1f} s from drift onset to the retrained version serving 100%")
    sys.exit(0)
print(f"RESULT: not promoted ({outcome or 'timed out'})")
sys.exit(1)
PY
rc=$?
set -e
if [[ $rc != 0 ]]; then
  echo "--- gateway log (tail)"; tail -n 20 "$work/gateway.log"
  echo "--- retrainer log (tail)"; tail -n 20 "$work/retrainer.log"
  [[ $rc == 1 ]] || rc=2
fi
exit $rc
