import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { rankingsOn, resultOf } from '../helpers/rankings.js';
import { testConfig, uniqueName } from '../helpers/services.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const prefix = `${uniqueName('season-cli')}:`;
const redis = new Redis(testConfig().redis.url);
afterAll(() => redis.disconnect());

/** Runs `npm run season -- ...args` as the operator would (same entry point), on this test's keys. */
function season(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'infra/tools/season.ts', ...args],
      {
        cwd: REPO,
        env: { ...process.env, ...inject('services'), REDIS_KEY_PREFIX: prefix },
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the season CLI (infra/tools/season.ts) on real Redis', () => {
  it('lists, starts a season whose boards start empty, keeps the old ones, and refuses a reused or bad id', async () => {
    const { keys, ratings } = rankingsOn(redis, prefix);
    const listed = await season('list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ current: 's1', seasons: [{ id: 's1', startedAt: 0 }] });

    // A match in the first season, then a new season from the CLI.
    await ratings.apply(resultOf('before', [['ann'], ['bob']]), Date.now());
    const before = Date.now();
    const started = await season('start', 'summer-2026');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout.trim()).toBe('season summer-2026 started');
    expect(await redis.get(keys.currentSeason)).toBe('summer-2026');
    const stored = JSON.parse((await redis.hget(keys.seasons, 'summer-2026'))!) as { startedAt: number };
    expect(stored.startedAt).toBeGreaterThanOrEqual(before);
    expect(stored.startedAt).toBeLessThanOrEqual(Date.now());

    // The services pick the new season up (fresh Seasons: no cached current season).
    const after = rankingsOn(redis, prefix);
    await after.ratings.apply(resultOf('after', [['cid'], ['ann']]), Date.now());
    const top = (season?: string) =>
      after.boards.answer({ kind: 'top', offset: 0, limit: 10, ...(season ? { season } : {}) });
    const current = await top();
    expect(current.kind === 'top' && current.standings.map((s) => s.player)).toEqual(['cid', 'ann']);
    const first = await top('s1');
    expect(first.kind === 'top' && first.standings.map((s) => s.player)).toEqual(['ann', 'bob']);

    // Seasons never restart, and ids are checked: both refused with a message and exit code 1.
    const again = await season('start', 'summer-2026');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('season summer-2026 exists already');
    const firstAgain = await season('start', 's1');
    expect(firstAgain.code).toBe(1);
    expect(firstAgain.stderr).toContain('season s1 exists already');
    const bad = await season('start', 'no spaces!');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('season id must be 1-32 of [A-Za-z0-9_-]');
    expect(await redis.get(keys.currentSeason)).toBe('summer-2026');
    expect(await redis.hkeys(keys.seasons)).toEqual(['summer-2026']);

    const usage = await season('start');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run season -- list | start <id>');

    const listedAfter = await season('list');
    expect(JSON.parse(listedAfter.stdout)).toEqual({
      current: 'summer-2026',
      seasons: [
        { id: 's1', startedAt: 0 },
        { id: 'summer-2026', startedAt: stored.startedAt },
      ],
    });
  });

  it('fails with exit code 1 and a message when Redis does not answer', async () => {
    const down = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'infra/tools/season.ts', 'list'],
        {
          cwd: REPO,
          env: {
            ...process.env,
            ...inject('services'),
            REDIS_URL: 'redis://127.0.0.1:1',
            REDIS_KEY_PREFIX: prefix,
          },
          timeout: 30_000,
        },
        (err, _stdout, stderr) =>
          resolve({ code: err && typeof err.code === 'number' ? err.code : 0, stderr }),
      );
    });
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).not.toBe('');
  });
});
