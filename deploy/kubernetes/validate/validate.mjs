// Validates what `kustomize build` of a folder would apply, without a cluster or kustomize: every object of the
// kustomization's resources, and the ConfigMaps of its configMapGenerator, against the Kubernetes schemas
// (kubernetes-models) and the Prometheus Operator's (@kubernetes-models/prometheus-operator), with no field the
// schemas lack (unknown-fields.mjs); then the names the objects use of each other (ConfigMaps, claims, ports,
// selectors) must exist.
//
//   npm ci --prefix deploy/kubernetes/validate
//   node deploy/kubernetes/validate/validate.mjs [folder]     # default: deploy/kubernetes
//
// Prints one line per object, then `N objects valid` and exit code 0, or the problems and exit code 1.
// Only what this repository's kustomization uses is understood (resources that are files, configMapGenerator
// with envs, files or literals); anything else is refused rather than skipped.
import { readFileSync } from "node:fs";
import { dirname, join, resolve, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { unknownFields } from "./unknown-fields.mjs";

const folder = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
const problems = [];
const objects = [];

function parseFile(path) {
  const documents = parseAllDocuments(readFileSync(path, "utf8"));
  const parsed = [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      problems.push(`${basename(path)}: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) parsed.push(value);
  }
  return parsed;
}

// kustomize's env file: KEY=VALUE lines; blank lines and # comments skipped.
function parseEnvFile(path) {
  const data = {};
  for (const [index, raw] of readFileSync(path, "utf8").split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    if (equals <= 0) {
      problems.push(`${basename(path)}:${index + 1}: not KEY=VALUE: ${line}`);
      continue;
    }
    data[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return data;
}

const [kustomization] = parseFile(join(folder, "kustomization.yaml"));
if (!kustomization || kustomization.kind !== "Kustomization") {
  console.error(`${folder}/kustomization.yaml is not a Kustomization`);
  process.exit(1);
}
const understood = new Set(["apiVersion", "kind", "resources", "configMapGenerator"]);
for (const key of Object.keys(kustomization)) {
  if (!understood.has(key)) problems.push(`kustomization.yaml: ${key} is not understood by this check; extend validate.mjs`);
}

for (const resource of kustomization.resources ?? []) {
  for (const object of parseFile(join(folder, resource))) objects.push({ source: resource, object });
}

for (const generator of kustomization.configMapGenerator ?? []) {
  const data = {};
  for (const env of generator.envs ?? []) Object.assign(data, parseEnvFile(join(folder, env)));
  for (const file of generator.files ?? []) data[basename(file)] = readFileSync(join(folder, file), "utf8");
  for (const literal of generator.literals ?? []) {
    const equals = literal.indexOf("=");
    data[literal.slice(0, equals)] = literal.slice(equals + 1);
  }
  objects.push({ source: "configMapGenerator", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: generator.name }, data } });
}

// apiVersion -> the module that holds its kinds.
function moduleOf(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

for (const { source, object } of objects) {
  const name = `${object.kind}/${object.metadata?.name} (${source})`;
  let models;
  try {
    models = await import(moduleOf(object.apiVersion ?? ""));
  } catch {
    problems.push(`${name}: no schema for apiVersion ${object.apiVersion}`);
    continue;
  }
  const Model = models[object.kind];
  if (typeof Model !== "function") {
    problems.push(`${name}: no schema for kind ${object.kind} in ${object.apiVersion}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
    continue;
  }
  const unknown = unknownFields(object, `${moduleOf(object.apiVersion)}/${object.kind}`);
  if (unknown.length > 0) {
    problems.push(...unknown.map((u) => `${name}: ${u}`));
    continue;
  }
  console.log(`valid ${name}`);
}

// Cross references: what `kubectl apply` accepts but a running cluster would trip over.
const byKind = (kind) => objects.map((o) => o.object).filter((o) => o.kind === kind);
const names = (kind) => new Set(byKind(kind).map((o) => o.metadata?.name));
const configMaps = names("ConfigMap");
const claims = names("PersistentVolumeClaim");
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const podSpecs = objects
  .map((o) => o.object)
  .flatMap((o) => {
    const template = o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
    return template ? [{ owner: o, template }] : [];
  });

for (const { owner, template } of podSpecs) {
  const where = `${owner.kind}/${owner.metadata?.name}`;
  const spec = template.spec ?? {};
  const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
  for (const claim of owner.spec?.volumeClaimTemplates ?? []) volumes.add(claim.metadata?.name);
  for (const volume of spec.volumes ?? []) {
    if (volume.configMap && !configMaps.has(volume.configMap.name)) problems.push(`${where}: volume ${volume.name} uses ConfigMap ${volume.configMap.name}, which is not here`);
    if (volume.persistentVolumeClaim && !claims.has(volume.persistentVolumeClaim.claimName)) problems.push(`${where}: volume ${volume.name} uses claim ${volume.persistentVolumeClaim.claimName}, which is not here`);
  }
  for (const container of spec.containers ?? []) {
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef && !configMaps.has(from.configMapRef.name)) problems.push(`${where}: envFrom ConfigMap ${from.configMapRef.name}, which is not here`);
    }
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name)) problems.push(`${where}: container ${container.name} mounts ${mount.name}, which is no volume of the pod`);
    }
  }
  if (owner.spec?.selector?.matchLabels && !matches(owner.spec.selector.matchLabels, template.metadata?.labels)) {
    problems.push(`${where}: its selector does not match its own pod template's labels`);
  }
}

for (const service of byKind("Service")) {
  const pods = podSpecs.filter((p) => matches(service.spec?.selector, p.template.metadata?.labels));
  if (pods.length === 0) {
    problems.push(`Service/${service.metadata?.name}: its selector matches no pod template`);
    continue;
  }
  const portNames = new Set(pods.flatMap((p) => (p.template.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((port) => port.name))));
  for (const port of service.spec?.ports ?? []) {
    if (typeof port.targetPort === "string" && !portNames.has(port.targetPort)) problems.push(`Service/${service.metadata?.name}: targetPort ${port.targetPort} is no container port of its pods`);
  }
}

const scalable = new Set(byKind("Deployment").concat(byKind("StatefulSet")).map((o) => `${o.kind}/${o.metadata?.name}`));
for (const hpa of byKind("HorizontalPodAutoscaler")) {
  const target = `${hpa.spec?.scaleTargetRef?.kind}/${hpa.spec?.scaleTargetRef?.name}`;
  if (!scalable.has(target)) problems.push(`HorizontalPodAutoscaler/${hpa.metadata?.name}: targets ${target}, which is not here`);
}
for (const pdb of byKind("PodDisruptionBudget")) {
  if (!podSpecs.some((p) => matches(pdb.spec?.selector?.matchLabels, p.template.metadata?.labels))) problems.push(`PodDisruptionBudget/${pdb.metadata?.name}: selects no pods`);
}
for (const monitor of byKind("ServiceMonitor")) {
  const services = byKind("Service").filter((s) => matches(monitor.spec?.selector?.matchLabels, s.metadata?.labels));
  if (services.length === 0) problems.push(`ServiceMonitor/${monitor.metadata?.name}: selects no Service (by the Service's own labels)`);
  for (const endpoint of monitor.spec?.endpoints ?? []) {
    if (!services.some((s) => (s.spec?.ports ?? []).some((p) => p.name === endpoint.port))) problems.push(`ServiceMonitor/${monitor.metadata?.name}: port ${endpoint.port} is no port of the Services it selects`);
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`invalid ${problem}`);
  console.error(`${problems.length} problems in ${objects.length} objects`);
  process.exit(1);
}
console.log(`${objects.length} objects valid`);
