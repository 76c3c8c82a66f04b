#!/usr/bin/env bash
# The retrainer against a real MLflow tracking server, end to end. Two runs of breast-cancer's built-in job, started
# by hand (POST /runs) on a copy of the committed registry:
#   1. tracked only: the run is an MLflow run and the new version is published into the registry folder, its
#      lineage pointing at the run;
#   2. following MLflow (mlflow.registeredModels): the new version is registered from the run's model artifact and
#      gets the challenger alias.
# After each, MLflow is asked for the run (status, params, metrics, tags), its artifacts, and the registered
# version and alias, and what it answered is printed.
#
#   deploy/mlflow/retrain-against-mlflow.sh [MLFLOW_URL]      (default http://127.0.0.1:19210)
#   env: REGISTERED_MODEL (default breast-cancer-retrained), EXPERIMENT (default serving-retrainer),
#        RETRAINER_PORT (default 19310), SKIP_BUILD=1
# Needs curl and python3 (JSON printing only). Bounded: every wait has a limit; the work folder is removed on exit.
set -euo pipefail

mlflow=${1:-http://127.0.0.1:19210}
mlflow=${mlflow%/}
registered=${REGISTERED_MODEL:-breast-cancer-retrained}
experiment=${EXPERIMENT:-serving-retrainer}
port=${RETRAINER_PORT:-19310}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
retrainer_pid=
cleanup() { [[ -n $retrainer_pid ]] && kill "$retrainer_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

curl -fsS --max-time 10 "$mlflow/health" >/dev/null || { echo "no MLflow tracking server answers at $mlflow/health" >&2; exit 2; }
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  dotnet build -c Release "$root/src/Serving.Cli" -v q -nologo >/dev/null
fi
cli=(dotnet "$root/src/Serving.Cli/bin/Release/net10.0/linux-x64/serving.dll")

mkdir -p "$work/models" "$work/data"
cp -r "$root/models/breast-cancer" "$work/models/"
echo "whsec_$(head -c 32 /dev/urandom | base64)" > "$work/webhook.secret"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
api() { curl -fsS --max-time 30 "$mlflow/api/2.0/$1"; }

run_once() { # $1: extra JSON for the mlflow section
  cat > "$work/retrainer.json" <<JSON
{ "minHeldOutRows": 20,
  "jobs": { "breast-cancer": { "kind": "builtin", "trainingData": "$root/data/breast-cancer.csv" } },
  "mlflow": { "trackingUri": "$mlflow", "experiment": "$experiment" $1 } }
JSON
  "${cli[@]}" retrainer --registry "$work/models" --data "$work/data" --listen "http://127.0.0.1:$port" \
    --secret-file "$work/webhook.secret" --config "$work/retrainer.json" > "$work/retrainer.log" 2>&1 &
  retrainer_pid=$!
  for _ in $(seq 60); do curl -fsS --max-time 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 1; done
  local id
  id=$(curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' -d '{"model":"breast-cancer"}' "http://127.0.0.1:$port/runs" | json 'd["id"]')
  local stage=queued
  for _ in $(seq 300); do
    stage=$(curl -fsS --max-time 5 "http://127.0.0.1:$port/runs/$id" | json 'd["stage"]')
    [[ $stage == done || $stage == refused || $stage == failed ]] && break
    sleep 1
  done
  curl -fsS --max-time 5 "http://127.0.0.1:$port/runs/$id" > "$work/run.json"
  kill "$retrainer_pid"; wait "$retrainer_pid" 2>/dev/null || true; retrainer_pid=
  echo "retrainer run $id: $stage; version $(json 'd.get("version")' < "$work/run.json"); tracking: $(json 'd.get("tracking")' < "$work/run.json")"
  [[ $stage == done ]] || { json '"\n".join(d.get("log") or [])' < "$work/run.json"; cat "$work/retrainer.log"; exit 1; }
  mlflow_run=$(json 'd["tracking"].split()[2]' < "$work/run.json")
  echo "MLflow run $mlflow_run:"
  api "mlflow/runs/get?run_id=$mlflow_run" | json '"  status %s, artifact_uri %s\n  params: %s\n  metrics: %s\n  tags: %s" % (d["run"]["info"]["status"], d["run"]["info"]["artifact_uri"], ", ".join("%s=%s" % (p["key"], p["value"]) for p in d["run"]["data"]["params"]), ", ".join("%s=%.4f (step %d)" % (m["key"], m["value"], m["step"]) for m in d["run"]["data"]["metrics"]), ", ".join("%s=%s" % (t["key"], t["value"][:100]) for t in d["run"]["data"]["tags"] if t["key"] != "mlflow.log-model.history"))'
  local experiment_id
  experiment_id=$(api "mlflow/runs/get?run_id=$mlflow_run" | json 'd["run"]["info"]["experiment_id"]')
  echo "  UI: $mlflow/#/experiments/$experiment_id/runs/$mlflow_run"
  echo "  artifacts (model/): $(curl -fsS --max-time 30 "$mlflow/api/2.0/mlflow-artifacts/artifacts?path=$experiment_id/$mlflow_run/artifacts/model" | json '", ".join("%s (%d bytes)" % (f["path"], f.get("file_size", 0)) for f in d["files"])')"
}

echo "== 1. tracked, published into the registry folder"
run_once ""
version=$(json 'd["version"]' < "$work/run.json")
echo "  lineage.mlflow of version $version: $(json 'json.dumps(d["lineage"]["mlflow"])' < "$work/models/breast-cancer/$version/model.json")"

echo "== 2. following MLflow registered model $registered"
run_once ", \"registeredModels\": { \"breast-cancer\": \"$registered\" }"
version=$(json 'd["version"]' < "$work/run.json")
api "mlflow/model-versions/get?name=$registered&version=$version" | json '"  registered %s version %s: source %s, run_id %s, status %s" % (d["model_version"]["name"], d["model_version"]["version"], d["model_version"]["source"], d["model_version"]["run_id"], d["model_version"]["status"])'
api "mlflow/registered-models/alias?name=$registered&alias=challenger" | json '"  alias challenger -> version %s" % d["model_version"]["version"]'
