import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './say.js';

const COMPLETE_MARK = '.complete';

export interface CachedDir {
  dir: string;
  /** True when this call downloaded it; false when the cache already had it. */
  fetched: boolean;
}

/**
 * Returns `cacheRoot/name`, filling it with `fill` first if it is not complete. The fill
 * writes into a temporary sibling that is renamed into place, so an interrupted or
 * concurrent download never leaves a half-filled directory behind.
 */
export async function cachedDir(
  component: string,
  cacheRoot: string,
  name: string,
  fill: (tmpDir: string) => Promise<void>,
): Promise<CachedDir> {
  const dir = join(cacheRoot, name);
  if (existsSync(join(dir, COMPLETE_MARK))) return { dir, fetched: false };
  say(component, `fetching ${name} into ${cacheRoot} (first run only)`);
  const tmp = mkdtempSync(join(cacheRoot, `.${name}-`));
  try {
    await fill(tmp);
    writeFileSync(join(tmp, COMPLETE_MARK), new Date().toISOString());
    // Another run may have finished the same download meanwhile: then keep theirs.
    if (!existsSync(join(dir, COMPLETE_MARK))) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, fetched: true };
}
