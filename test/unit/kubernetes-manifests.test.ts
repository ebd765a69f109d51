// The Kubernetes manifests in deploy/kubernetes/ are documentation a user applies as is:
// every document must be a valid object of its kind (the Kubernetes OpenAPI schema, through
// kubernetes-models), and the parts must fit each other and Nimbus: real NIMBUS_* variables
// with valid values, selectors that select the pods, an autoscaler aimed at the Deployment
// and at a metric Nimbus exports, probes on routes Nimbus serves.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { parseAllDocuments } from 'yaml';
import { envName } from '../../src/config/load.js';
import { CONFIG_KEYS, configSchema, type ConfigKey } from '../../src/config/schema.js';
import { REPO_ROOT } from '../helpers/server.js';

const MANIFEST_DIR = path.join(REPO_ROOT, 'deploy', 'kubernetes');
const DOCKERFILE = path.join(REPO_ROOT, 'deploy', 'Dockerfile');

interface Model { validate(): void }
const MODELS: Readonly<Record<string, new (data: never) => Model>> = {
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

interface Manifest {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly doc: Record<string, unknown>;
}

function manifestFiles(): string[] {
  return readdirSync(MANIFEST_DIR).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(MANIFEST_DIR, f));
}

function loadManifests(): Manifest[] {
  const out: Manifest[] = [];
  for (const file of manifestFiles()) {
    for (const parsed of parseAllDocuments(readFileSync(file, 'utf8'))) {
      assert.deepEqual(parsed.errors.map((e) => e.message), [], `${file}: YAML errors`);
      const doc: unknown = parsed.toJS();
      if (doc === null) continue; // an empty document (a trailing ---)
      assert.ok(typeof doc === 'object' && !Array.isArray(doc), `${file}: a document is not a mapping`);
      const { apiVersion, kind, metadata } = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
      assert.ok(typeof apiVersion === 'string' && typeof kind === 'string', `${file}: apiVersion and kind are required`);
      assert.ok(typeof metadata?.name === 'string', `${file}: ${kind} has no metadata.name`);
      out.push({ file: path.basename(file), apiVersion, kind, name: metadata.name, doc: doc as Record<string, unknown> });
    }
  }
  return out;
}

const manifests = loadManifests();

function only<T>(kind: string): T {
  const found = manifests.filter((m) => m.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind} expected, found ${found.length}`);
  return (found[0] as Manifest).doc as T;
}

interface DeploymentDoc {
  metadata: { name: string };
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> };
    template: { metadata?: { labels?: Record<string, string> }; spec: { containers: IContainer[]; volumes?: { name: string; emptyDir?: object }[] } };
  };
}
const deployment = only<DeploymentDoc>('Deployment');
const podLabels = deployment.spec.template.metadata?.labels ?? {};
const container = (() => {
  const containers = deployment.spec.template.spec.containers;
  assert.equal(containers.length, 1, 'one container per Nimbus pod');
  return containers[0] as IContainer;
})();
const env = new Map((container.env ?? []).map((e) => [e.name, e]));

/** True when every label the selector asks for is on the pod template (and it asks for some). */
function selects(selector: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => podLabels[k] === v);
}

const KEY_BY_ENV = new Map(CONFIG_KEYS.map((key) => [envName(key), key]));

test('deploy/kubernetes has the documents of a cluster', () => {
  assert.deepEqual(
    [...new Set(manifests.map((m) => m.kind))].sort(),
    ['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service'],
  );
});

test('every document is valid against the Kubernetes schema of its kind', () => {
  for (const m of manifests) {
    const Model = MODELS[`${m.apiVersion}/${m.kind}`];
    assert.ok(Model, `${m.file}: ${m.apiVersion} ${m.kind} is not one this test knows; add it to MODELS`);
    assert.doesNotThrow(() => new Model(m.doc as never).validate(), `${m.file}: ${m.kind} ${m.name}`);
  }
});

test('a broken manifest fails validation (the check is live)', () => {
  const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown } };
  broken.spec.replicas = 'three';
  assert.throws(() => new Deployment(broken as never).validate());
});

test('every NIMBUS_* name in the manifests and the Dockerfile is a configuration variable', () => {
  for (const file of [...manifestFiles(), DOCKERFILE]) {
    const names = new Set(readFileSync(file, 'utf8').match(/\bNIMBUS_[A-Z0-9_]+/g) ?? []);
    for (const name of names) assert.ok(KEY_BY_ENV.has(name), `${path.basename(file)}: ${name} is not NIMBUS_ + a key of src/config/schema.ts`);
  }
});

test('the container sets cluster mode with values the configuration accepts', () => {
  for (const required of ['NIMBUS_STORE', 'NIMBUS_STORE_SCHEMA', 'NIMBUS_NODE_ID', 'NIMBUS_HOST', 'NIMBUS_PORT', 'NIMBUS_DATA_DIR']) {
    assert.ok(env.has(required), `the container sets no ${required}`);
  }
  for (const [name, variable] of env) {
    if (variable.value === undefined) continue;
    const key: ConfigKey | undefined = KEY_BY_ENV.get(name);
    assert.ok(key, `${name} is not a configuration variable`);
    const parsed = configSchema.shape[key].safeParse(variable.value);
    assert.ok(parsed.success, `${name}=${variable.value}: ${parsed.success ? '' : parsed.error.message}`);
  }
  assert.equal(env.get('NIMBUS_HOST')?.value, '0.0.0.0', 'the node must listen beyond loopback to be reached through the Service');
  assert.equal(env.get('NIMBUS_NODE_ID')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name', 'node id from the pod name');
});

test('the store URL comes from the Secret in the manifests and is a PostgreSQL URL', () => {
  const ref = env.get('NIMBUS_STORE')?.valueFrom?.secretKeyRef;
  assert.ok(ref, 'NIMBUS_STORE must come from a Secret (it holds the password)');
  const secret = only<{ metadata: { name: string }; stringData?: Record<string, string>; data?: Record<string, string> }>('Secret');
  assert.equal(ref.name, secret.metadata.name);
  const url = secret.stringData?.[ref.key] ?? (secret.data?.[ref.key] === undefined ? undefined : Buffer.from(secret.data[ref.key] as string, 'base64').toString());
  assert.ok(url !== undefined, `the Secret has no key ${ref.key}`);
  assert.match(url, /^postgres(ql)?:\/\//);
  assert.ok(configSchema.shape.store.safeParse(url).success);
});

test('the data dir is a mounted emptyDir', () => {
  const dataDir = env.get('NIMBUS_DATA_DIR')?.value;
  const mount = (container.volumeMounts ?? []).find((v) => v.mountPath === dataDir);
  assert.ok(mount, `nothing is mounted at NIMBUS_DATA_DIR (${dataDir})`);
  const volume = (deployment.spec.template.spec.volumes ?? []).find((v) => v.name === mount.name);
  assert.ok(volume?.emptyDir, `volume ${mount.name} is not an emptyDir`);
});

test('the Deployment, Service and PodDisruptionBudget select the pods of the template', () => {
  assert.ok(selects(deployment.spec.selector.matchLabels), 'Deployment selector');
  assert.ok((deployment.spec.replicas ?? 1) >= 2, 'a cluster has more than one node');
  const service = only<{ spec: { selector?: Record<string, string>; ports: { port: number; targetPort?: string | number }[] } }>('Service');
  assert.ok(selects(service.spec.selector), 'Service selector');
  const pdb = only<{ spec: { selector?: { matchLabels?: Record<string, string> } } }>('PodDisruptionBudget');
  assert.ok(selects(pdb.spec.selector?.matchLabels), 'PodDisruptionBudget selector');

  const port = Number(env.get('NIMBUS_PORT')?.value);
  const containerPorts = container.ports ?? [];
  assert.ok(containerPorts.some((p) => p.containerPort === port), `the container declares no port ${port} (NIMBUS_PORT)`);
  for (const p of service.spec.ports) {
    const target = p.targetPort ?? p.port;
    const resolved = typeof target === 'number' ? target : containerPorts.find((c) => c.name === target)?.containerPort;
    assert.equal(resolved, port, `Service port ${p.port} does not reach NIMBUS_PORT`);
  }
});

test('the autoscaler scales the Deployment on a metric Nimbus exports', () => {
  const hpa = only<{
    spec: {
      scaleTargetRef: { apiVersion?: string; kind: string; name: string };
      minReplicas?: number; maxReplicas: number;
      metrics?: { type: string; pods?: { metric: { name: string } } }[];
    };
  }>('HorizontalPodAutoscaler');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  assert.ok((hpa.spec.minReplicas ?? 1) <= hpa.spec.maxReplicas);
  const metricsSource = readFileSync(path.join(REPO_ROOT, 'src', 'metering', 'metrics.ts'), 'utf8');
  const podMetrics = (hpa.spec.metrics ?? []).filter((m) => m.type === 'Pods').map((m) => m.pods?.metric.name);
  assert.ok(podMetrics.includes('nimbus_concurrent_executions'), 'scales on nimbus_concurrent_executions');
  for (const name of podMetrics) assert.ok(metricsSource.includes(`name: '${name}'`), `${name} is not exported at /metrics`);
});

test('probes ask routes Nimbus serves, on the container port', () => {
  const apiSource = readdirSync(path.join(REPO_ROOT, 'src', 'api'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(REPO_ROOT, 'src', 'api', f), 'utf8'))
    .join('\n');
  const probes: [string, IProbe | undefined][] = [['readiness', container.readinessProbe], ['liveness', container.livenessProbe], ['startup', container.startupProbe]];
  for (const [kind, probe] of probes) {
    if (kind !== 'startup') assert.ok(probe, `no ${kind} probe`);
    if (probe === undefined) continue;
    const get = probe.httpGet;
    assert.ok(get?.path, `the ${kind} probe is not an HTTP GET`);
    assert.ok(apiSource.includes(`method: 'GET', path: '${get.path}'`), `${kind} probe: no GET route ${get.path} in src/api`);
    const port = typeof get.port === 'number' ? get.port : (container.ports ?? []).find((p) => p.name === get.port)?.containerPort;
    assert.equal(port, Number(env.get('NIMBUS_PORT')?.value), `${kind} probe port`);
  }
});
