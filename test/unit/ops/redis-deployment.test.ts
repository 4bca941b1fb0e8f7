import { readdirSync, readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.js';

const repo = (path: string) => new URL(`../../../${path}`, import.meta.url);
const read = (path: string) => readFileSync(repo(path), 'utf8');
const REDIS_DIR = 'infra/k8s/dependencies/redis';

interface Doc {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

function redisDocs(): Doc[] {
  return readdirSync(repo(REDIS_DIR))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(read(`${REDIS_DIR}/${f}`)).map((d) => d.toJS() as Doc));
}

const find = (docs: Doc[], kind: string, name: string) => {
  const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!d) throw new Error(`no ${kind}/${name} in ${REDIS_DIR}`);
  return d;
};

describe('Redis deployments keep data and fail over as Arena is configured to expect', () => {
  it('compose runs Redis with an append-only file on a volume', () => {
    const compose = parse(read('infra/docker-compose.yml')) as {
      services: { redis: { command: string[]; volumes: string[] } };
    };
    const args = compose.services.redis.command.join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--appendfsync everysec');
    expect(compose.services.redis.volumes.some((v) => v.endsWith(':/data'))).toBe(true);
  });

  it('the k8s example: every file applied, AOF on a volume, three pods, a sentinel quorum', () => {
    const kustomization = parse(read(`${REDIS_DIR}/kustomization.yaml`)) as {
      namespace: string;
      resources: string[];
    };
    const files = readdirSync(repo(REDIS_DIR)).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());

    const docs = redisDocs();
    const config = find(docs, 'ConfigMap', 'redis-config').data!;
    expect(config['redis.conf']).toMatch(/^appendonly yes$/m);
    expect(config['redis.conf']).toMatch(/^appendfsync everysec$/m);
    const set = find(docs, 'StatefulSet', 'redis').spec as {
      replicas: number;
      volumeClaimTemplates: { metadata: { name: string } }[];
      template: {
        spec: { containers: { name: string; volumeMounts: { name: string; mountPath: string }[] }[] };
      };
    };
    expect(set.replicas).toBe(3);
    const data = set.volumeClaimTemplates.map((v) => v.metadata.name);
    for (const c of set.template.spec.containers) {
      expect(
        c.volumeMounts.some((m) => data.includes(m.name) && m.mountPath === '/data'),
        c.name,
      ).toBe(true);
    }
    // A quorum is a majority of the sentinels (one per pod).
    const quorum = Number(/sentinel monitor \S+ \S+ 6379 (\d+)/.exec(config['init.sh']!)![1]);
    expect(quorum).toBeGreaterThan(set.replicas / 2);
    expect(quorum).toBeLessThanOrEqual(set.replicas);
  });

  it('Arena’s k8s config names these sentinels and this master', () => {
    const arena = parseAllDocuments(read('infra/k8s/config.yaml'))
      .map((d) => d.toJS() as Doc)
      .find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'arena-config')!.data!;
    const redis = loadConfig({ ...arena, ARENA_ENV: 'development' }).redis;
    const { namespace } = parse(read(`${REDIS_DIR}/kustomization.yaml`)) as { namespace: string };
    const docs = redisDocs();
    const service = find(docs, 'Service', 'redis-sentinel').spec as { ports: { port: number }[] };
    expect(redis.sentinels).toEqual([
      `redis-sentinel.${namespace}.svc.cluster.local:${service.ports[0]!.port}`,
    ]);
    const init = find(docs, 'StatefulSet', 'redis').spec as {
      template: { spec: { initContainers: { env: { name: string; value?: string }[] }[] } };
    };
    const masterName = init.template.spec.initContainers[0]!.env.find((e) => e.name === 'MASTER_NAME')!.value;
    expect(redis.sentinelMaster).toBe(masterName);
    // Only Arena's namespace (and the Redis pods themselves) may connect.
    const { namespace: arenaNamespace } = parse(read('infra/k8s/kustomization.yaml')) as {
      namespace: string;
    };
    const policy = JSON.stringify(find(docs, 'NetworkPolicy', 'redis').spec);
    expect(policy).toContain(`"kubernetes.io/metadata.name":"${arenaNamespace}"`);
  });
});
