import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ELASTICSEARCH_VERSION } from '../../../infra/local/elasticsearch.js';
import { KAFKA_VERSION } from '../../../infra/local/kafka.js';
import { SERVICES } from '../../../infra/tools/bundle-apps.js';
import { listVariables, loadConfig, SECRETS_OF, type ServiceName } from '../../../shared/config/index.js';

const repo = (path: string) => new URL(`../../../${path}`, import.meta.url);
const read = (path: string) => readFileSync(repo(path), 'utf8');
const KNOWN = new Set(listVariables().map((v) => v.name));

/** An Arena container as a manifest describes it: which service it runs and its environment. */
interface ArenaContainer {
  where: string;
  service: ServiceName;
  env: Record<string, string>;
}

/** The ENV lines of the Dockerfile's final stage (every container inherits them). */
function dockerfileEnv(): Record<string, string> {
  const text = read('Dockerfile').replace(/\\\n/g, ' ');
  const finalStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of finalStage.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const m of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return env;
}

/** The service an image command runs: ['dist/apps/gateway.js'] -> 'gateway'. */
function serviceOf(args: string[] | undefined, where: string): ServiceName {
  const m = /^dist\/apps\/([a-z-]+)\.js$/.exec(args?.[0] ?? '');
  if (!m) throw new Error(`${where}: command ${JSON.stringify(args)} is not dist/apps/<service>.js`);
  if (!(m[1]! in SECRETS_OF)) throw new Error(`${where}: ${m[1]} is not a service the config knows`);
  return m[1] as ServiceName;
}

/** docker-compose resolves ${VAR:-default} from the shell; here, the default. */
const interpolate = (v: unknown) => String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

function composeContainers(): { containers: ArenaContainer[]; services: Record<string, { image?: string }> } {
  const doc = parse(read('infra/docker-compose.yml'), { merge: true }) as {
    services: Record<string, { image?: string; command?: string[]; environment?: Record<string, unknown> }>;
  };
  const containers = Object.entries(doc.services)
    .filter(([, s]) => s.image === 'arena:local')
    .map(([name, s]) => ({
      where: `docker-compose ${name}`,
      service: serviceOf(s.command, name),
      env: Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(v)])),
    }));
  return { containers, services: doc.services };
}

/** What a fieldRef resolves to in a running pod, for loading the config. */
const FIELD_SAMPLES: Record<string, string> = {
  'metadata.name': 'room-server-0',
  'status.podIP': '10.1.2.3',
};

interface K8sContainer {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
}

interface K8sDoc {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: { template?: { spec: { containers: K8sContainer[] } } };
}

function k8sContainers(): (ArenaContainer & { container: K8sContainer })[] {
  const docs = readdirSync(repo('infra/k8s'))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(read(`infra/k8s/${f}`)).map((d) => d.toJS() as K8sDoc));
  const maps = new Map<string, Record<string, string>>();
  for (const d of docs) {
    if (d.kind === 'ConfigMap') maps.set(`configMap/${d.metadata.name}`, d.data ?? {});
    if (d.kind === 'Secret') maps.set(`secret/${d.metadata.name}`, d.stringData ?? {});
  }
  const workloads = docs.filter((d) => ['Deployment', 'StatefulSet'].includes(d.kind));
  return workloads.flatMap((w) =>
    w
      .spec!.template!.spec.containers.filter((c) => c.image === 'arena')
      .map((c) => {
        const where = `k8s ${w.kind}/${w.metadata.name}`;
        const env: Record<string, string> = {};
        for (const from of c.envFrom ?? []) {
          const key = from.configMapRef
            ? `configMap/${from.configMapRef.name}`
            : `secret/${from.secretRef!.name}`;
          const data = maps.get(key);
          if (!data) throw new Error(`${where}: envFrom ${key} is not defined in infra/k8s`);
          Object.assign(env, data);
        }
        for (const e of c.env ?? []) {
          const field = e.valueFrom?.fieldRef?.fieldPath;
          env[e.name] = field ? FIELD_SAMPLES[field]! : String(e.value);
        }
        return { where, service: serviceOf(c.args, where), env, container: c };
      }),
  );
}

const OPS_PORT: Record<string, string> = {
  gateway: 'GATEWAY_OPS_PORT',
  'room-server': 'ROOM_SERVER_OPS_PORT',
  matchmaker: 'MATCHMAKER_OPS_PORT',
  'log-indexer': 'LOG_INDEXER_OPS_PORT',
};

describe('deployment manifests agree with the code', () => {
  const compose = composeContainers();
  const k8s = k8sContainers();
  const all = [...compose.containers, ...k8s];

  it('run every service, each from a bundle that npm run build:apps makes', () => {
    expect(new Set(compose.containers.map((c) => c.service))).toEqual(new Set(SERVICES));
    expect(new Set(k8s.map((c) => c.service))).toEqual(new Set(SERVICES));
  });

  it('set only environment variables the config loader knows', () => {
    const unknown = all.flatMap((c) =>
      Object.keys({ ...dockerfileEnv(), ...c.env })
        .filter((k) => !KNOWN.has(k))
        .map((k) => `${c.where}: ${k}`),
    );
    expect(unknown).toEqual([]);
    expect(Object.keys(dockerfileEnv()).length).toBeGreaterThan(0);
  });

  it('set values the config loader accepts (with the secrets an operator puts in place of the placeholders)', () => {
    const operatorSecrets = {
      AUTH_SECRET: randomBytes(32).toString('hex'),
      LINK_SECRET: randomBytes(32).toString('hex'),
    };
    for (const c of all) {
      const env = { ...dockerfileEnv(), ...c.env };
      const secrets = env.ARENA_ENV === 'production' ? operatorSecrets : {};
      expect(() => loadConfig({ ...env, ...secrets }, c.service), c.where).not.toThrow();
      // Services that use no secret start without one.
      if (SECRETS_OF[c.service].length === 0) expect(() => loadConfig(env, c.service), c.where).not.toThrow();
    }
  });

  it('run Kubernetes in production mode, where the shipped secret placeholders stop a service at start', () => {
    for (const c of k8s) {
      const env = { ...dockerfileEnv(), ...c.env };
      expect(env.ARENA_ENV, c.where).toBe('production');
      for (const name of SECRETS_OF[c.service]) {
        expect(() => loadConfig(env, c.service), c.where).toThrow(
          new RegExp(`${name} is a default or placeholder shipped with Arena`),
        );
      }
    }
  });

  it('probe and scrape the port each service serves /readyz and /metrics on', () => {
    for (const { where, service, env, container } of k8s) {
      const ops = container.ports!.find((p) => p.name === 'ops')!;
      expect(String(ops.containerPort), where).toBe(env[OPS_PORT[service]!]);
      expect(container.readinessProbe!.httpGet, where).toEqual({ path: '/readyz', port: 'ops' });
      expect(container.livenessProbe!.httpGet, where).toEqual({ path: '/healthz', port: 'ops' });
    }
    const scrape = parse(read('infra/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = new Set(scrape.scrape_configs.flatMap((j) => j.static_configs.flatMap((s) => s.targets)));
    const expected = Object.entries(compose.services)
      .filter(([, s]) => s.image === 'arena:local')
      .map(([name]) => {
        const c = compose.containers.find((x) => x.where === `docker-compose ${name}`)!;
        return `${name}:${c.env[OPS_PORT[c.service]!]}`;
      });
    expect([...targets].sort()).toEqual(expected.sort());
    expect(scrape.scrape_configs.map((j) => j.job_name).sort()).toEqual(
      SERVICES.map((s) => `arena-${s}`).sort(),
    );
  });

  it('put nginx and HAProxy in front of exactly the compose gateways, on their ports', () => {
    const gateways = compose.containers
      .filter((c) => c.service === 'gateway')
      .map((c) => `${c.where.replace('docker-compose ', '')}:${c.env.GATEWAY_PORT}`);
    const upstreams = [...read('infra/lb/arena-upstreams.conf').matchAll(/^server (\S+)/gm)].map((m) => m[1]);
    expect(upstreams.sort()).toEqual(gateways.sort());
    const servers = [...read('infra/lb/haproxy-gateways.cfg').matchAll(/^\s+server \S+ (\S+)/gm)].map(
      (m) => m[1],
    );
    expect(servers.sort()).toEqual(gateways.sort());
  });

  it('run the Kafka and Elasticsearch versions the tests run', () => {
    expect(compose.services.kafka!.image).toBe(`apache/kafka:${KAFKA_VERSION}`);
    expect(compose.services.elasticsearch!.image).toMatch(
      new RegExp(`:${ELASTICSEARCH_VERSION.replace(/\./g, '\\.')}$`),
    );
    expect(compose.services.kibana!.image).toMatch(
      new RegExp(`:${ELASTICSEARCH_VERSION.replace(/\./g, '\\.')}$`),
    );
  });
});
