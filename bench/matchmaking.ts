/**
 * `npm run bench:matchmaking [-- --backlog 20000 --rate 1500 --seconds 10 --matchmakers 2]`
 *
 * Real matchmaker processes on a 2v2 queue, two measurements:
 * - capacity: a backlog of tickets already waiting, drained as fast as the matchmakers can
 *   (tickets matched per second), next to the raw rate of this Redis for the simplest queue
 *   work (a pipelined ZADD + ZRANGEBYSCORE pair per ticket), measured in the same run;
 * - service: tickets arriving at a steady rate, and the time each waited for its match.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startArenaApp, type RunningApp } from '../infra/local/arena-apps.js';
import { matchmakingKeys } from '../shared/matchmaking/keys.js';
import type { ModeConfig } from '../shared/matchmaking/modes.js';
import { TicketStore } from '../shared/matchmaking/ticket-store.js';
import type { MatchRecord } from '../shared/matchmaking/types.js';
import { numberArg, runStandalone, type ServiceEnv } from './bench-cli.js';
import { ratio, type BenchSection } from './bench-report.js';
import { percentile } from './percentile.js';

const STEADY_QUEUE = 'duo.eu';
const BACKLOG_QUEUE = 'duo.us';
const DUO: ModeConfig = {
  teams: 2,
  teamSize: 2,
  window: { initial: 50, perSecond: 100, exponent: 1, max: 500 },
  maxWaitMs: 60_000,
  joinDeadlineMs: 20_000,
  noShow: 'continue',
};

/** Ratings bunched around 1500, as real populations are. */
const rating = () => Math.round(1500 + ((Math.random() + Math.random() + Math.random() - 1.5) / 1.5) * 500);

/** Raw Redis: ZADD + ZRANGEBYSCORE pairs, pipelined 50 at a time, for 3 s; pairs per second. */
async function rawPairRate(redis: Redis): Promise<number> {
  const key = `bench-raw-${Date.now()}`;
  let pairs = 0;
  const end = Date.now() + 3_000;
  for (let i = 0; Date.now() < end; i++) {
    const p = redis.pipeline();
    for (let j = 0; j < 50; j++) {
      p.zadd(key, Math.random() * 3000, `m${(i * 50 + j) % 10_000}`);
      p.zrangebyscore(key, 1000, 1100, 'LIMIT', 0, 10);
    }
    await p.exec();
    pairs += 50;
  }
  await redis.del(key);
  return pairs / 3;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

export async function benchMatchmaking(
  services: ServiceEnv,
  o = { backlog: 20_000, rate: 1500, seconds: 10, matchmakers: 2 },
): Promise<BenchSection> {
  const logDir = mkdtempSync(join(tmpdir(), 'arena-bench-mm-'));
  const redis = new Redis(services.REDIS_URL!);
  const prefix = `bench-mm-${Date.now()}:`;
  const keys = matchmakingKeys(prefix);
  const store = new TicketStore(redis, keys);
  const apps: RunningApp[] = [];
  try {
    const rawPerS = await rawPairRate(redis);

    // Capacity: the backlog waits before any matchmaker runs; then time the drain.
    for (let i = 0; i < o.backlog; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, o.backlog - i) }, (_, j) =>
          store.enqueue(BACKLOG_QUEUE, [`q${i + j}`], rating()),
        ),
      );
    }
    const env = {
      REDIS_URL: services.REDIS_URL!,
      REDIS_KEY_PREFIX: prefix,
      ROOM_SERVER_PORT: '0',
      MATCHMAKER_OPS_PORT: '0',
      ROOM_SERVER_OPS_PORT: '0',
      MATCHMAKER_MODES: JSON.stringify({ duo: DUO }),
      MATCHMAKER_REGIONS: 'eu,us',
      MATCHMAKER_IDLE_DELAY_MS: '20',
      LOG_LEVEL: 'warn',
    };
    apps.push(await startArenaApp('room-server', 'rs', { ...env, ROOM_SERVER_ID: 'rs' }, logDir));
    await Promise.all(
      Array.from({ length: o.matchmakers }, async (_, i) =>
        apps.push(await startArenaApp('matchmaker', `mm-${i}`, { ...env, MATCHMAKER_ID: `mm-${i}` }, logDir)),
      ),
    );
    // The drain rate between 90% and 10% of the backlog left: process start-up and the
    // unmatchable remainder stay out of it.
    const at: Record<string, number> = {};
    await until(async () => {
      const left = await redis.zcard(keys.pool(BACKLOG_QUEUE));
      if (left <= o.backlog * 0.9) at.p90 ??= performance.now();
      if (left <= o.backlog * 0.1) at.p10 ??= performance.now();
      return at.p10 !== undefined;
    }, 120_000);
    if (at.p10 === undefined) throw new Error('the matchmakers did not drain the backlog within 2 minutes');
    const drainedPerS = (o.backlog * 0.8) / ((at.p10 - at.p90!) / 1000);

    // Service: steady arrivals, every 10 ms the tickets due by now.
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < o.seconds * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * o.rate);
      const batch: Promise<unknown>[] = [];
      for (; sent < due; sent++) batch.push(store.enqueue(STEADY_QUEUE, [`b${sent}`], rating()));
      await Promise.all(batch);
      await new Promise((r) => setTimeout(r, 10));
    }
    const arrivalEnd = Date.now();
    await new Promise((r) => setTimeout(r, 2_000)); // let the tail finish
    const ids = await redis.zrangebyscore(keys.matches, started, arrivalEnd);
    const records = ids.length
      ? (await redis.mget(ids.map((id) => keys.match(id)))).map((r) => JSON.parse(r!) as MatchRecord)
      : [];
    const waits = records
      .filter((m) => m.queue === STEADY_QUEUE)
      .flatMap((m) => m.tickets.map((t) => t.waitMs));
    const matchedPerS = waits.length / ((arrivalEnd - started) / 1000);

    return {
      title: 'Matchmaking: capacity and time to match',
      command: 'npm run bench:matchmaking',
      setup: `${o.matchmakers} matchmaker processes, 2v2; a backlog of ${o.backlog.toLocaleString('en')} tickets drained, then ${o.rate} tickets/s arriving for ${o.seconds} s`,
      baselineName: 'raw Redis: ZADD + ZRANGEBYSCORE per ticket, pipelined',
      rows: [
        {
          metric: 'tickets per second (Arena: matched from a waiting backlog)',
          arena: Math.round(drainedPerS).toLocaleString('en'),
          baseline: Math.round(rawPerS).toLocaleString('en'),
          ratio: ratio(drainedPerS, rawPerS, 'higher'),
        },
        {
          metric: `steady ${o.rate}/s: matched per second`,
          arena: Math.round(matchedPerS).toLocaleString('en'),
          baseline: '',
          ratio: '',
        },
        {
          metric: `steady ${o.rate}/s: time to match p50 / p99 (ms)`,
          arena: `${percentile(waits, 50)} / ${percentile(waits, 99)}`,
          baseline: '',
          ratio: '',
        },
      ],
      notes: [
        'Each matched ticket costs Arena a read of candidates, an atomic claim (Lua), a placement, a roster and a finalize (Lua) shared by its match: several round trips where the baseline has one pipelined pair.',
      ],
    };
  } finally {
    await Promise.allSettled(apps.map((a) => a.process.stop(3_000)));
    const left = await redis.keys(`${prefix}*`);
    if (left.length) await redis.del(...left);
    redis.disconnect();
    rmSync(logDir, { recursive: true, force: true });
  }
}

runStandalone(import.meta.url, ['redis'], (env) =>
  benchMatchmaking(env, {
    backlog: numberArg('backlog', 20_000),
    rate: numberArg('rate', 1500),
    seconds: numberArg('seconds', 10),
    matchmakers: numberArg('matchmakers', 2),
  }),
);
