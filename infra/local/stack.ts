import { rmSync } from 'node:fs';
import { configSchema, readVariable } from '../../shared/config/index.js';
import { startElasticsearch, useExistingElasticsearch } from './elasticsearch.js';
import { startKafka, useExistingKafka } from './kafka.js';
import { cacheDir, makeRunDir } from './paths.js';
import { startRedis, useExistingRedis } from './redis.js';
import { say } from './say.js';
import type { RunningService } from './service.js';

export type BackingService = 'redis' | 'kafka' | 'elasticsearch';
export const ALL_SERVICES: readonly BackingService[] = ['redis', 'kafka', 'elasticsearch'];

export interface LocalStack {
  /** REDIS_URL, KAFKA_BROKERS, ELASTICSEARCH_URL: what to hand to Arena's processes and tests. */
  readonly env: Readonly<Record<string, string>>;
  readonly services: readonly RunningService[];
  readonly runDir: string;
  /** Stops every service this stack started (reused ones stay up). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts (or reuses) the backing services. A service whose variable is set in `env`
 * (REDIS_URL, KAFKA_BROKERS, ELASTICSEARCH_URL) is reused after a health check; the others
 * are started on free loopback ports. If any fails, the ones already started are stopped.
 */
export async function startLocalStack(
  wanted: readonly BackingService[] = ALL_SERVICES,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalStack> {
  const runDir = makeRunDir();
  const keepLogs = readVariable(configSchema.localStack.keepLogs, env);
  const starters: Record<BackingService, () => Promise<RunningService>> = {
    redis: () => (env.REDIS_URL ? useExistingRedis(env.REDIS_URL) : startRedis(runDir)),
    kafka: () =>
      env.KAFKA_BROKERS ? useExistingKafka(env.KAFKA_BROKERS) : startKafka(cacheDir(env), runDir),
    elasticsearch: () =>
      env.ELASTICSEARCH_URL
        ? useExistingElasticsearch(env.ELASTICSEARCH_URL)
        : startElasticsearch(cacheDir(env), runDir, readVariable(configSchema.localStack.esUser, env)),
  };

  const started = Date.now();
  const results = await Promise.allSettled(wanted.map((name) => starters[name]()));
  const services = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.allSettled(services.map((s) => s.stop()));
    if (!keepLogs) rmSync(runDir, { recursive: true, force: true });
  };

  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length > 0) {
    await stop();
    throw new AggregateError(failures, failures.map((f) => f.message).join('\n'));
  }
  for (const s of services) say(s.name, s.description);
  say('stack', `ready in ${((Date.now() - started) / 1000).toFixed(1)}s; run dir ${runDir}`);
  return { env: Object.assign({}, ...services.map((s) => s.env)), services, runDir, stop };
}
