import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, readVariable } from '../../shared/config/index.js';

/** Prefix of every run directory; also how a check finds processes a run left behind. */
export const RUN_DIR_PREFIX = 'arena-stack-';

/**
 * Where downloaded Kafka and Elasticsearch runtimes live, outside git and shared by every
 * checkout. Root gets /var/cache/arena so that the unprivileged Elasticsearch user can read it.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = readVariable(configSchema.localStack.cacheDir, env);
  const dir =
    configured ||
    (process.getuid?.() === 0
      ? '/var/cache/arena'
      : join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'arena'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A fresh directory for one run's data and logs, readable by the service users. */
export function makeRunDir(): string {
  const dir = mkdtempSync(join(tmpdir(), RUN_DIR_PREFIX));
  chmodSync(dir, 0o755);
  return dir;
}
