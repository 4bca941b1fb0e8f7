import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cachedDir, type CachedDir } from './cached-download.js';
import { freePort } from './free-port.js';
import { javaHome } from './java.js';
import { runMaven } from './maven.js';
import { launchRestartable, type RestartableService } from './restartable-process.js';
import type { RunningService } from './service.js';
import { ServiceError } from './service-error.js';
import { ensureSystemUser, userCanRead } from './unprivileged-user.js';

const COMPONENT = 'elasticsearch';
/** Must match the major of the @elastic/elasticsearch client in package.json. Runs on Java 17. */
export const ELASTICSEARCH_VERSION = '8.19.21';
const ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;

function unzip(zip: string, into: string): void {
  const tool = spawnSync('sh', ['-c', 'command -v unzip'], { stdio: 'ignore' }).status === 0;
  const result = tool
    ? spawnSync('unzip', ['-q', zip, '-d', into], { encoding: 'utf8' })
    : spawnSync(join(javaHome(COMPONENT), 'bin', 'jar'), ['xf', zip], { cwd: into, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new ServiceError(COMPONENT, `cannot unpack ${zip}: ${result.stderr || result.error?.message}`);
  }
}

/** The distribution in the cache (fetched from Maven Central as a zip on first use), made world-readable. */
export function ensureElasticsearchRuntime(cacheRoot: string): Promise<CachedDir> {
  return cachedDir(COMPONENT, cacheRoot, `elasticsearch-${ELASTICSEARCH_VERSION}`, async (tmp) => {
    const download = join(tmp, 'download');
    await runMaven(
      COMPONENT,
      ['dependency:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${download}`],
      tmp,
    );
    const zip = readdirSync(download).find((f) => f.endsWith('.zip'));
    if (!zip) throw new ServiceError(COMPONENT, `Maven fetched no zip for ${ARTIFACT}`);
    unzip(join(download, zip), tmp);
    // `jar xf` drops permissions; unzip keeps them. Either way: readable by all, scripts executable.
    spawnSync('chmod', ['-R', 'a+rX', tmp]);
    const home = join(tmp, `elasticsearch-${ELASTICSEARCH_VERSION}`);
    for (const script of readdirSync(join(home, 'bin'))) chmodSync(join(home, 'bin', script), 0o755);
  });
}

/** Cluster health at yellow or better; ES answers even before then, so the status is checked. */
export async function probeElasticsearch(url: string, timeoutMs = 2_000): Promise<boolean> {
  const res = await fetch(new URL('/_cluster/health?wait_for_status=yellow&timeout=1s', url), {
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`cluster health answered HTTP ${res.status}`);
  const body = (await res.json()) as { status?: string };
  return body.status === 'green' || body.status === 'yellow';
}

export async function useExistingElasticsearch(url: string): Promise<RunningService> {
  await probeElasticsearch(url).catch((err: Error) => {
    throw new ServiceError(COMPONENT, `ELASTICSEARCH_URL=${url} does not answer: ${err.message}`);
  });
  return {
    name: COMPONENT,
    env: { ELASTICSEARCH_URL: url },
    description: `Elasticsearch at ${url} (already running, reused)`,
    stop: async () => {},
  };
}

/**
 * Starts a single Elasticsearch node on loopback with security off and a small heap. As root
 * it runs as an unprivileged user (Elasticsearch refuses root), created if needed.
 */
export async function startElasticsearch(
  cacheRoot: string,
  runDir: string,
  esUser: string,
): Promise<RestartableService> {
  const runtime = await ensureElasticsearchRuntime(cacheRoot);
  const home = join(runtime.dir, `elasticsearch-${ELASTICSEARCH_VERSION}`);
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? esUser : undefined;
  if (user) {
    ensureSystemUser(COMPONENT, user);
    if (!userCanRead(user, join(home, 'bin', 'elasticsearch'))) {
      throw new ServiceError(
        COMPONENT,
        `user ${user} cannot read ${home}; point ARENA_CACHE_DIR at a directory every user can traverse`,
      );
    }
  }
  const dir = join(runDir, 'elasticsearch');
  const confDir = join(dir, 'config');
  for (const sub of ['data', 'logs', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  // A private, writable config dir: ES writes its keystore there at start.
  cpSync(join(home, 'config'), confDir, { recursive: true });
  if (user) spawnSync('chown', ['-R', `${user}:`, dir]);

  const [httpPort, transportPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const settings = {
    'cluster.name': 'arena-local',
    'node.name': 'arena-local-1',
    'discovery.type': 'single-node',
    'network.host': '127.0.0.1',
    'http.port': httpPort,
    'transport.port': transportPort,
    'path.data': join(dir, 'data'),
    'path.logs': join(dir, 'logs'),
    'xpack.security.enabled': false,
    // Shared CI disks can be nearly full; tests must not stall on disk watermarks.
    'cluster.routing.allocation.disk.threshold_enabled': false,
    'action.destructive_requires_name': false,
  };
  return launchRestartable(
    {
      spec: {
        name: COMPONENT,
        command: join(home, 'bin', 'elasticsearch'),
        args: Object.entries(settings).flatMap(([k, v]) => ['-E', `${k}=${v}`]),
        cwd: dir,
        user,
        logFile: join(dir, 'stdout.log'),
        env: {
          PATH: process.env.PATH,
          ES_JAVA_HOME: javaHome(COMPONENT),
          ES_JAVA_OPTS: '-Xms512m -Xmx512m',
          ES_PATH_CONF: confDir,
          ES_TMPDIR: join(dir, 'tmp'),
        },
      },
      check: () => probeElasticsearch(url, 2_000),
      timeoutMs: 180_000,
      stopGraceMs: 30_000,
    },
    (pid) => ({
      name: COMPONENT,
      env: { ELASTICSEARCH_URL: url },
      description: `Elasticsearch ${ELASTICSEARCH_VERSION} at ${url} (started as ${user ?? 'current user'}, pid ${pid})`,
    }),
  );
}
