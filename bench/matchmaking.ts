/**
 * `npm run bench:matchmaking [-- --rate 1500 --seconds 10 --matchmakers 2]`
 *
 * Tickets arrive at a steady rate into a 2v2 queue served by real matchmaker processes;
 * prints tickets matched per second and time-to-match p50/p99, next to the raw Redis
 * command rate of this machine (a pipelined ZADD/ZRANGE loop) measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startArenaApp, type RunningApp } from '../infra/local/arena-apps.js';
import { startLocalStack } from '../infra/local/stack.js';
import { matchmakingKeys } from '../shared/matchmaking/keys.js';
import type { ModeConfig } from '../shared/matchmaking/modes.js';
import { TicketStore } from '../shared/matchmaking/ticket-store.js';
import type { MatchRecord } from '../shared/matchmaking/types.js';
import { percentile } from './percentile.js';
import { numberArg, runBench } from './bench-cli.js';

const RATE = numberArg('rate', 1500);
const SECONDS = numberArg('seconds', 10);
const MATCHMAKERS = numberArg('matchmakers', 2);
const QUEUE = 'duo.eu';
const DUO: ModeConfig = {
  teams: 2,
  teamSize: 2,
  window: { initial: 50, perSecond: 100, exponent: 1, max: 500 },
  maxWaitMs: 30_000,
  joinDeadlineMs: 20_000,
  noShow: 'continue',
};

/** Raw Redis: ZADD + ZRANGE pairs in pipelines of 100 for 3 s; commands per second. */
async function rawRedisRate(redis: Redis): Promise<number> {
  const key = `bench-raw-${Date.now()}`;
  let commands = 0;
  const end = Date.now() + 3_000;
  for (let i = 0; Date.now() < end; i++) {
    const p = redis.pipeline();
    for (let j = 0; j < 50; j++) {
      p.zadd(key, Math.random() * 3000, `m${(i * 50 + j) % 10_000}`);
      p.zrangebyscore(key, 1000, 1100, 'LIMIT', 0, 10);
    }
    await p.exec();
    commands += 100;
  }
  await redis.del(key);
  return commands / 3;
}

async function main(): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), 'arena-bench-mm-'));
  const stack = process.env.REDIS_URL ? undefined : await startLocalStack(['redis']);
  const redisUrl = process.env.REDIS_URL ?? stack!.env.REDIS_URL!;
  const redis = new Redis(redisUrl);
  const prefix = `bench-mm-${Date.now()}:`;
  const keys = matchmakingKeys(prefix);
  const apps: RunningApp[] = [];
  try {
    const raw = await rawRedisRate(redis);
    const env = {
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      ROOM_SERVER_PORT: '0',
      MATCHMAKER_OPS_PORT: '0',
      ROOM_SERVER_OPS_PORT: '0',
      MATCHMAKER_MODES: JSON.stringify({ duo: DUO }),
      MATCHMAKER_REGIONS: 'eu',
      MATCHMAKER_IDLE_DELAY_MS: '20',
      LOG_LEVEL: 'warn',
    };
    apps.push(await startArenaApp('room-server', 'rs', { ...env, ROOM_SERVER_ID: 'rs' }, logDir));
    for (let i = 0; i < MATCHMAKERS; i++) {
      apps.push(await startArenaApp('matchmaker', `mm-${i}`, { ...env, MATCHMAKER_ID: `mm-${i}` }, logDir));
    }
    const store = new TicketStore(redis, keys);

    // Steady arrivals: every 10 ms, the tickets due by now (ratings normal-ish around 1500).
    const started = Date.now();
    let sent = 0;
    let n = 0;
    while (Date.now() - started < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      const batch: Promise<unknown>[] = [];
      for (; sent < due; sent++) {
        const rating = 1500 + ((Math.random() + Math.random() + Math.random() - 1.5) / 1.5) * 500;
        batch.push(store.enqueue(QUEUE, [`b${n++}`], Math.round(rating)));
      }
      await Promise.all(batch);
      await new Promise((r) => setTimeout(r, 10));
    }
    const arrivalEnd = Date.now();
    await new Promise((r) => setTimeout(r, 2_000)); // let the tail finish

    const ids = await redis.zrangebyscore(keys.matches, started, arrivalEnd);
    const records = ids.length
      ? (await redis.mget(ids.map((id) => keys.match(id)))).map((r) => JSON.parse(r!) as MatchRecord)
      : [];
    const waits = records.flatMap((m) => m.tickets.map((t) => t.waitMs));
    const matchedPerS = waits.length / ((arrivalEnd - started) / 1000);
    const waiting = await redis.zcard(keys.pool(QUEUE));

    console.log(
      `\nMatchmaking: ${MATCHMAKERS} matchmakers, 2v2, ${RATE} tickets/s arriving for ${SECONDS} s`,
    );
    console.log(
      `raw Redis (pipelined ZADD+ZRANGEBYSCORE)     ${Math.round(raw).toLocaleString('en')} commands/s`,
    );
    console.log(
      `Arena tickets matched                        ${Math.round(matchedPerS).toLocaleString('en')} tickets/s (${records.length} matches, ${waiting} still waiting)`,
    );
    console.log(
      `time to match                                p50 ${percentile(waits, 50)} ms, p99 ${percentile(waits, 99)} ms`,
    );
    console.log(
      `ratio raw Redis commands/s per matched ticket/s: ${(raw / Math.max(1, matchedPerS)).toFixed(1)}`,
    );
  } finally {
    await Promise.allSettled(apps.map((a) => a.process.stop(3_000)));
    const left = await redis.keys(`${prefix}*`);
    if (left.length) await redis.del(...left);
    redis.disconnect();
    await stack?.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

runBench(main);
