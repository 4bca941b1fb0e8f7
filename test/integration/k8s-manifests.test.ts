/**
 * The Kubernetes manifests as `kubectl kustomize` renders them (infra/k8s and each example
 * under infra/k8s/dependencies): valid against the official object schemas, hardened as a
 * platform team expects, and network policies that let through exactly what Arena needs.
 * (kubectl only renders here: there is no cluster on this machine.)
 */
import { readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ELASTICSEARCH_VERSION } from '../../infra/local/elasticsearch.js';
import { KAFKA_VERSION } from '../../infra/local/kafka.js';
import { loadConfig } from '../../shared/config/index.js';
import { MATCH_EVENTS_DLQ_TOPIC, MATCH_EVENTS_TOPIC } from '../../shared/events/match-events.js';
import { SERVICE_LOGS_TOPIC } from '../../shared/log/service-log-index.js';
import { validateObject } from '../helpers/k8s-schemas.js';
import { kustomize, type K8sObject } from '../helpers/kustomize.js';
import { admits, allows, type NetworkPolicy, type Pod } from '../helpers/network-policy.js';

const DEPENDENCIES = 'infra/k8s/dependencies';
const dependencyDirs = readdirSync(new URL(`../../${DEPENDENCIES}`, import.meta.url))
  .filter((d) => statSync(new URL(`../../${DEPENDENCIES}/${d}`, import.meta.url)).isDirectory())
  .map((d) => `${DEPENDENCIES}/${d}`);
const rendered = new Map<string, K8sObject[]>(
  ['infra/k8s', ...dependencyDirs].map((dir) => [dir, kustomize(dir)] as const),
);
const app = rendered.get('infra/k8s')!;

/**
 * Operator CRDs with no schema package on npm: their objects are rendered and checked by the
 * tests below, but not schema-validated (and never against a core schema).
 */
const CRD_GROUPS_WITHOUT_SCHEMA = ['kafka.strimzi.io', 'elasticsearch.k8s.elastic.co'];

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}

interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: {
    topologyKey: string;
    maxSkew: number;
    whenUnsatisfiable: string;
    labelSelector: { matchLabels: Record<string, string> };
  }[];
  volumes?: { name: string }[];
}

interface Workload extends K8sObject {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

const workloads = app.filter((o): o is Workload => ['Deployment', 'StatefulSet'].includes(o.kind));
const service = (w: Workload) => w.spec.template.metadata.labels['app.kubernetes.io/name']!;
const byService = (name: string) => workloads.find((w) => service(w) === name)!;
const env = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.value;

describe('Kubernetes manifests against the official object schemas', () => {
  it.each([...rendered.keys()])('%s renders, and every object validates or is a known CRD', (dir) => {
    const objects = rendered.get(dir)!;
    expect(objects.length).toBeGreaterThan(0);
    const results = objects.map((o) => ({
      object: `${o.apiVersion} ${o.kind}/${o.metadata.name}`,
      ...validateObject(o),
    }));
    expect(results.filter((r) => r.status === 'invalid')).toEqual([]);
    for (const r of results.filter((x) => x.status === 'no-schema'))
      expect(CRD_GROUPS_WITHOUT_SCHEMA, r.object).toContain(r.object.split('/')[0]);
  });

  it('validates the core objects and the PodMonitor (Prometheus Operator schema); names the CRDs it cannot', () => {
    const status = (o: K8sObject) => validateObject(o).status;
    const all = [...rendered.values()].flat();
    expect(all.filter((o) => status(o) === 'valid').map((o) => o.kind)).toEqual(
      expect.arrayContaining([
        'Namespace',
        'ConfigMap',
        'Secret',
        'Deployment',
        'StatefulSet',
        'Service',
        'Ingress',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'NetworkPolicy',
        'PodMonitor',
      ]),
    );
    expect([...new Set(all.filter((o) => status(o) === 'no-schema').map((o) => o.kind))].sort()).toEqual(
      expect.arrayContaining(['Elasticsearch', 'Kafka', 'KafkaNodePool', 'KafkaTopic']),
    );
  });

  it('rejects what the schemas forbid (the check is live)', () => {
    const gateway = structuredClone(byService('gateway'));
    (gateway.spec as unknown as Record<string, unknown>).replicas = 'two';
    expect(validateObject(gateway)).toMatchObject({ status: 'invalid' });
    const monitor = structuredClone(app.find((o) => o.kind === 'PodMonitor')!);
    (monitor as unknown as { spec: Record<string, unknown> }).spec.podMetricsEndpoints = 'ops';
    expect(validateObject(monitor)).toMatchObject({ status: 'invalid' });
    expect(
      validateObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }),
    ).toMatchObject({
      status: 'invalid',
    });
  });
});

describe('Kubernetes workloads a platform team accepts', () => {
  it('enforces the restricted Pod Security Standard on the namespace', () => {
    const ns = app.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('runs every container non-root, on a read-only root filesystem, without privilege escalation or capabilities', () => {
    expect(workloads.map(service).sort()).toEqual(['gateway', 'log-indexer', 'matchmaker', 'room-server']);
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext, w.metadata.name).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext!.runAsUser, w.metadata.name).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken, w.metadata.name).toBe(false);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const where = `${w.metadata.name}/${c.name}`;
        expect(c.securityContext, where).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.securityContext!.capabilities!.add ?? [], where).toEqual([]);
        expect(c.securityContext!.privileged ?? false, where).toBe(false);
      }
    }
  });

  it('gives every container CPU and memory requests and limits, limits at or above requests', () => {
    const quantity = (q: string) => {
      const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(q)!;
      const unit = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[m[2] as 'm'] ?? 1;
      return Number(m[1]) * unit;
    };
    for (const w of workloads) {
      for (const c of w.spec.template.spec.containers) {
        for (const r of ['cpu', 'memory']) {
          const where = `${w.metadata.name}/${c.name} ${r}`;
          expect(c.resources?.requests?.[r], where).toBeDefined();
          expect(c.resources?.limits?.[r], where).toBeDefined();
          expect(quantity(c.resources!.limits![r]!), where).toBeGreaterThanOrEqual(
            quantity(c.resources!.requests![r]!),
          );
        }
      }
    }
  });

  it('mounts a writable volume only where a service writes: the room servers’ spill directory', () => {
    const mounts = workloads.flatMap((w) =>
      w.spec.template.spec.containers.flatMap((c) =>
        (c.volumeMounts ?? []).filter((m) => !m.readOnly).map((m) => `${service(w)}:${m.mountPath}`),
      ),
    );
    const room = byService('room-server').spec.template.spec.containers[0]!;
    expect(mounts).toEqual([`room-server:${env(room, 'MATCH_LOG_SPILL_DIR')}`]);
  });

  it('spreads gateways and room servers over zones and nodes', () => {
    for (const name of ['gateway', 'room-server']) {
      const spread = byService(name).spec.template.spec.topologySpreadConstraints ?? [];
      expect(spread.map((s) => s.topologyKey).sort(), name).toEqual([
        'kubernetes.io/hostname',
        'topology.kubernetes.io/zone',
      ]);
      for (const s of spread) {
        expect(s.labelSelector.matchLabels, name).toEqual({ 'app.kubernetes.io/name': name });
        expect(s.maxSkew).toBe(1);
      }
    }
  });

  it('gives each service a termination grace period that covers its drain with a margin, and not much more', () => {
    /** What each service does on SIGTERM before it exits, in seconds (see the manifests' comments). */
    const drain: Record<string, (c: Container) => number> = {
      // preStop sleep, then the clients are closed with 1012 and the process exits.
      gateway: (c) => Number(c.lifecycle?.preStop?.exec?.command.at(-1) ?? 0) + 1,
      // Checkpoints and links (Redis round trips), then up to 5 s of match-event flush.
      'room-server': () => 5 + 5,
      // The passes in flight, each bounded by the claim timeout.
      matchmaker: (c) =>
        loadConfig(Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']))).matchmaker
          .claimTimeoutMs / 1000,
      // One bulk request (10 s timeout), then the offsets commit.
      'log-indexer': () => 10 + 1,
    };
    for (const w of workloads) {
      const seconds = drain[service(w)]!(w.spec.template.spec.containers[0]!);
      const grace = w.spec.template.spec.terminationGracePeriodSeconds!;
      expect(grace, `${w.metadata.name}: drain ${seconds} s`).toBeGreaterThanOrEqual(seconds + 5);
      expect(grace, `${w.metadata.name}: drain ${seconds} s`).toBeLessThanOrEqual(seconds + 25);
    }
  });
});

describe('Kubernetes NetworkPolicies (infra/k8s/network-policies.yaml)', () => {
  const policies = app.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
  const podOf = (name: string): Pod => {
    const w = byService(name);
    const ports = Object.fromEntries(
      w.spec.template.spec.containers.flatMap((c) => c.ports ?? []).map((p) => [p.name, p.containerPort]),
    );
    return { name, namespace: w.metadata.namespace!, labels: w.spec.template.metadata.labels, ports };
  };
  const arena = Object.fromEntries(
    ['gateway', 'room-server', 'matchmaker', 'log-indexer'].map((n) => [n, podOf(n)]),
  );
  const other = (name: string, namespace: string, labels: Record<string, string> = {}): Pod => ({
    name,
    namespace,
    labels,
  });
  const ingressController = other('ingress-nginx', 'ingress-nginx', {
    'app.kubernetes.io/name': 'ingress-nginx',
  });
  const prometheus = other('prometheus', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' });
  const dns = other('coredns', 'kube-system', { 'k8s-app': 'kube-dns' });
  const redis = other('redis', 'arena-data', { app: 'redis' });
  const kafka = other('kafka', 'arena-data', { 'strimzi.io/cluster': 'arena' });
  const elasticsearch = other('elasticsearch', 'arena-data', {
    'elasticsearch.k8s.elastic.co/cluster-name': 'arena',
  });
  // Someone else's pod labelled like a gateway, and a debug pod in Arena's own namespace.
  const impostor = other('impostor', 'default', { 'app.kubernetes.io/name': 'gateway' });
  const debug = other('debug', 'arena', { run: 'debug' });

  const roomServerPort = Number(
    env(byService('room-server').spec.template.spec.containers[0]!, 'ROOM_SERVER_PORT'),
  );
  const gatewayPort = Number(env(byService('gateway').spec.template.spec.containers[0]!, 'GATEWAY_PORT'));
  const opsPort = (p: Pod) => p.ports!.ops!;

  it('name the ports the services listen on (ROOM_SERVER_PORT, GATEWAY_PORT)', () => {
    expect(arena['room-server']!.ports!.link).toBe(roomServerPort);
    expect(arena.gateway!.ports!.ws).toBe(gatewayPort);
  });

  it('let only gateways reach the room servers’ link port', () => {
    const link = (from: Pod) => allows(policies, { from, to: arena['room-server']!, port: roomServerPort });
    // The room servers' own ingress policy holds even if another pod's egress were opened.
    const admitted = (from: Pod) =>
      admits(policies, { from, to: arena['room-server']!, port: roomServerPort });
    expect(admitted(arena.gateway!)).toBe(true);
    for (const from of [
      arena.matchmaker!,
      arena['log-indexer']!,
      arena['room-server']!,
      impostor,
      debug,
      prometheus,
    ])
      expect(admitted(from), from.name).toBe(false);
    expect(link(arena.gateway!)).toBe(true);
    for (const from of [
      arena.matchmaker!,
      arena['log-indexer']!,
      arena['room-server']!,
      impostor,
      debug,
      prometheus,
      ingressController,
    ])
      expect(link(from), from.name).toBe(false);
  });

  it('let players in through the ingress controller to the gateways, and to nothing else', () => {
    expect(allows(policies, { from: ingressController, to: arena.gateway!, port: gatewayPort })).toBe(true);
    expect(allows(policies, { from: impostor, to: arena.gateway!, port: gatewayPort })).toBe(false);
    for (const to of [arena['room-server']!, arena.matchmaker!, arena['log-indexer']!])
      for (const port of Object.values(to.ports!))
        expect(allows(policies, { from: ingressController, to, port }), to.name).toBe(false);
  });

  it('let Prometheus scrape every service’s ops port, and only that', () => {
    for (const to of Object.values(arena)) {
      expect(allows(policies, { from: prometheus, to, port: opsPort(to) }), to.name).toBe(true);
      for (const [name, port] of Object.entries(to.ports!).filter(([n]) => n !== 'ops'))
        expect(allows(policies, { from: prometheus, to, port }), `${to.name}:${name}`).toBe(false);
      expect(allows(policies, { from: debug, to, port: opsPort(to) }), to.name).toBe(false);
    }
  });

  it('let each service reach DNS and the backing services it uses, and nothing else', () => {
    const needs: Record<string, [Pod, number][]> = {
      gateway: [
        [redis, 6379],
        [redis, 26379],
        [kafka, 9092],
      ],
      'room-server': [
        [redis, 6379],
        [redis, 26379],
        [kafka, 9092],
      ],
      matchmaker: [
        [redis, 6379],
        [redis, 26379],
        [kafka, 9092],
      ],
      'log-indexer': [
        [kafka, 9092],
        [elasticsearch, 9200],
      ],
    };
    const everything: [Pod, number][] = [
      [redis, 6379],
      [kafka, 9092],
      [elasticsearch, 9200],
      [other('internet', 'elsewhere'), 443],
    ];
    for (const [name, from] of Object.entries(arena)) {
      expect(allows(policies, { from, to: dns, port: 53, protocol: 'UDP' }), `${name} -> DNS`).toBe(true);
      for (const [to, port] of needs[name]!)
        expect(allows(policies, { from, to, port }), `${name} -> ${to.name}:${port}`).toBe(true);
      for (const [to, port] of everything.filter(
        ([p, n]) => !needs[name]!.some(([q, m]) => q === p && m === n),
      ))
        expect(allows(policies, { from, to, port }), `${name} -> ${to.name}:${port}`).toBe(false);
    }
  });
});

describe('the dependency examples match what Arena is configured for', () => {
  const data = (kind: string, name: string) =>
    app.find((o) => o.kind === kind && o.metadata.name === name) as unknown as {
      data?: Record<string, string>;
      stringData?: Record<string, string>;
    };
  const config = data('ConfigMap', 'arena-config').data!;
  const kafka = rendered.get(`${DEPENDENCIES}/kafka`)!;
  const es = rendered.get(`${DEPENDENCIES}/elasticsearch`)!;
  const spec = (objects: K8sObject[], kind: string, name?: string) =>
    (objects.find((o) => o.kind === kind && (!name || o.metadata.name === name)) as unknown as {
      metadata: { name: string; namespace: string };
      spec: unknown;
    })!;

  it('Kafka (Strimzi): the bootstrap address, the version line the tests run, the partitions', () => {
    const cluster = spec(kafka, 'Kafka');
    expect(config.KAFKA_BROKERS).toBe(
      `${cluster.metadata.name}-kafka-bootstrap.${cluster.metadata.namespace}.svc.cluster.local:9092`,
    );
    const { kafka: broker } = cluster.spec as { kafka: { version: string; listeners: { port: number }[] } };
    expect(broker.version.split('.').slice(0, 2)).toEqual(KAFKA_VERSION.split('.').slice(0, 2));
    expect(broker.listeners.map((l) => l.port)).toContain(9092);
    const topics = kafka.filter((o) => o.kind === 'KafkaTopic') as unknown as {
      spec: { topicName: string; partitions: number };
    }[];
    expect(topics.map((t) => t.spec.topicName).sort()).toEqual(
      [MATCH_EVENTS_DLQ_TOPIC, MATCH_EVENTS_TOPIC, SERVICE_LOGS_TOPIC].sort(),
    );
    expect(topics.find((t) => t.spec.topicName === MATCH_EVENTS_TOPIC)!.spec.partitions).toBe(
      Number(config.MATCH_EVENTS_PARTITIONS),
    );
    expect(topics.find((t) => t.spec.topicName === SERVICE_LOGS_TOPIC)!.spec.partitions).toBe(
      Number(config.SERVICE_LOGS_PARTITIONS),
    );
  });

  it('Elasticsearch (ECK): the version the tests run, its HTTP service and Arena’s user in the indexers’ URL', () => {
    const cluster = spec(es, 'Elasticsearch');
    expect((cluster.spec as { version: string }).version).toBe(ELASTICSEARCH_VERSION);
    const url = new URL(data('Secret', 'arena-elasticsearch').stringData!.ELASTICSEARCH_URL!);
    expect(url.hostname).toBe(
      `${cluster.metadata.name}-es-http.${cluster.metadata.namespace}.svc.cluster.local`,
    );
    expect(url.port).toBe('9200');
    const user = es.find(
      (o) => o.kind === 'Secret' && (o as { type?: string }).type === 'kubernetes.io/basic-auth',
    ) as unknown as {
      stringData: Record<string, string>;
    };
    expect(url.username).toBe(user.stringData.username);
  });
});
