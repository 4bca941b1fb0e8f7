import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedDir } from '../../../infra/local/cached-download.js';

const root = mkdtempSync(join(tmpdir(), 'arena-cache-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cachedDir', () => {
  it('fills once, then reuses the cache without fetching again', async () => {
    let fills = 0;
    const fill = async (tmp: string) => {
      fills++;
      writeFileSync(join(tmp, 'broker.jar'), 'bytes');
    };
    const first = await cachedDir('test', root, 'kafka-x', fill);
    const second = await cachedDir('test', root, 'kafka-x', fill);
    expect(first).toEqual({ dir: join(root, 'kafka-x'), fetched: true });
    expect(second).toEqual({ dir: join(root, 'kafka-x'), fetched: false });
    expect(fills).toBe(1);
    expect(readFileSync(join(root, 'kafka-x', 'broker.jar'), 'utf8')).toBe('bytes');
  });

  it('leaves nothing behind when a fill fails, and retries next time', async () => {
    const failing = cachedDir('test', root, 'es-y', async (tmp) => {
      writeFileSync(join(tmp, 'half.zip'), 'partial');
      throw new Error('network down');
    });
    await expect(failing).rejects.toThrow('network down');
    expect(existsSync(join(root, 'es-y'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.startsWith('.es-y'))).toEqual([]);

    const retried = await cachedDir('test', root, 'es-y', async (tmp) => writeFileSync(join(tmp, 'ok'), ''));
    expect(retried.fetched).toBe(true);
  });
});
