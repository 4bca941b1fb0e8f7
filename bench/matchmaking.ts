/**
 * `npm run bench:matchmaking [-- --backlog 100000 --rate 10000 --seconds 10 --matchmakers 3]`
 *
 * Real matchmaker processes, the same seeded ticket stream every run (so two designs compare
 * on the same tickets), three measurements:
 * - capacity: a backlog of tickets already waiting, drained as fast as the matchmakers can
 *   (tickets matched per second), 2v2 with 1, 2, ... `--matchmakers` processes and 1v1 with
 *   one, next to the raw rate of this Redis for the simplest queue work (a pipelined
 *   ZADD + ZRANGEBYSCORE pair per ticket), measured in the same run;
 * - service: tickets arriving at a steady rate on a 2v2 queue served by one matchmaker, and
 *   the time each waited for its match;
 * - quality: rating spread per match (backlog and steady) and wait by rating percentile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startArenaApp, type RunningApp } from '../infra/local/arena-apps.js';
import { matchmakingKeys, type MatchmakingKeys } from '../shared/matchmaking/keys.js';
import type { ModeConfig } from '../shared/matchmaking/modes.js';
import { TicketStore } from '../shared/matchmaking/ticket-store.js';
import { numberArg, runStandalone, type ServiceEnv } from './bench-cli.js';
import { ratio, type BenchRow, type BenchSection } from './bench-report.js';
import { matchQuality, matchRecords, qualityText, seededRatings } from './match-quality.js';
import { percentile } from './percentile.js';

const WINDOW = { initial: 50, perSecond: 100, exponent: 1, max: 500 };
const MODES: Record<string, ModeConfig> = {
  duo: {
    teams: 2,
    teamSize: 2,
    window: WINDOW,
    maxWaitMs: 60_000,
    joinDeadlineMs: 20_000,
    noShow: 'continue',
  },
  duel: {
    teams: 2,
    teamSize: 1,
    window: WINDOW,
    maxWaitMs: 60_000,
    joinDeadlineMs: 20_000,
    noShow: 'continue',
  },
};
const SEED = 14;
/** A steady rate the matchmaker of every design so far keeps up with. */
const LOW_RATE = 1500;

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

interface Context {
  redis: Redis;
  keys: MatchmakingKeys;
  store: TicketStore;
  env: Record<string, string>;
  logDir: string;
}

async function startMatchmakers(c: Context, region: string, count: number): Promise<RunningApp[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      startArenaApp(
        'matchmaker',
        `mm-${region}-${i}`,
        { ...c.env, MATCHMAKER_REGIONS: region, MATCHMAKER_ID: `mm-${region}-${i}` },
        c.logDir,
      ),
    ),
  );
}

/** Tickets of the queue not in a match yet: waiting, or claimed and being allocated. */
async function unmatched(c: Context, queue: string): Promise<number> {
  const [waiting, claimed] = await Promise.all([
    c.redis.zcard(c.keys.pool(queue)),
    c.redis.zcard(c.keys.claimed(queue)),
  ]);
  return waiting + claimed;
}

/** Queues `backlog` tickets of the seeded stream, then drains them with `matchmakers` processes. */
async function drain(c: Context, mode: string, region: string, backlog: number, matchmakers: number) {
  const queue = `${mode}.${region}`;
  const rating = seededRatings(SEED);
  for (let i = 0; i < backlog; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, backlog - i) }, (_, j) =>
        c.store.enqueue(queue, [`${region}-${i + j}`], rating()),
      ),
    );
  }
  const started = Date.now();
  const apps = await startMatchmakers(c, region, matchmakers);
  try {
    // The drain rate between 90% and 10% of the backlog left (waiting or claimed but not yet
    // recorded in a match): process start-up and the unmatchable remainder stay out of it.
    const at: Record<string, number> = {};
    await until(async () => {
      const left = await unmatched(c, queue);
      if (left <= backlog * 0.9) at.p90 ??= performance.now();
      if (left <= backlog * 0.1) at.p10 ??= performance.now();
      return at.p10 !== undefined;
    }, 180_000);
    if (at.p10 === undefined) throw new Error(`${queue}: the backlog was not drained within 3 minutes`);
    const perS = (backlog * 0.8) / ((at.p10 - at.p90!) / 1000);
    const quality = matchQuality(await matchRecords(c.redis, c.keys, queue, started, Date.now()));
    return { perS, quality };
  } finally {
    await Promise.allSettled(apps.map((a) => a.process.stop(3_000)));
  }
}

/** Steady arrivals on a 2v2 queue served by one matchmaker: every 10 ms the tickets due by now. */
async function steady(c: Context, rate: number, seconds: number) {
  const region = `steady${rate}`;
  const queue = `duo.${region}`;
  const apps = await startMatchmakers(c, region, 1);
  try {
    const rating = seededRatings(SEED + 1);
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < seconds * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      const batch: Promise<unknown>[] = [];
      // Player ids of their own per run: a player of an earlier run is still in its match.
      for (; sent < due; sent++) batch.push(c.store.enqueue(queue, [`${region}-${sent}`], rating()));
      await Promise.all(batch);
      await new Promise((r) => setTimeout(r, 10));
    }
    const arrivalEnd = Date.now();
    // The tail: until at most a few unmatchable tickets wait (or 60 s).
    await until(async () => (await unmatched(c, queue)) < 8, 60_000);
    const left = await c.redis.zcard(c.keys.pool(queue));
    const records = await matchRecords(c.redis, c.keys, queue, started, Date.now());
    const waits = records.flatMap((m) => m.tickets.map((t) => t.waitMs));
    return {
      sent,
      left,
      arrivalPerS: sent / ((arrivalEnd - started) / 1000),
      p50: percentile(waits, 50),
      p99: percentile(waits, 99),
      quality: matchQuality(records),
    };
  } finally {
    await Promise.allSettled(apps.map((a) => a.process.stop(3_000)));
  }
}

export async function benchMatchmaking(
  services: ServiceEnv,
  o = { backlog: 100_000, rate: 10_000, seconds: 10, matchmakers: 3 },
): Promise<BenchSection> {
  const logDir = mkdtempSync(join(tmpdir(), 'arena-bench-mm-'));
  const redis = new Redis(services.REDIS_URL!);
  const prefix = `bench-mm-${Date.now()}:`;
  const keys = matchmakingKeys(prefix);
  const env = {
    REDIS_URL: services.REDIS_URL!,
    REDIS_KEY_PREFIX: prefix,
    ROOM_SERVER_PORT: '0',
    MATCHMAKER_OPS_PORT: '0',
    ROOM_SERVER_OPS_PORT: '0',
    MATCHMAKER_MODES: JSON.stringify(MODES),
    MATCHMAKER_IDLE_DELAY_MS: '20',
    LOG_LEVEL: 'warn',
  };
  const c: Context = { redis, keys, store: new TicketStore(redis, keys), env, logDir };
  let roomServer: RunningApp | undefined;
  try {
    const rawPerS = await rawPairRate(redis);
    roomServer = await startArenaApp('room-server', 'rs', { ...env, ROOM_SERVER_ID: 'rs' }, logDir);
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    const runs: [string, number][] = [
      ...Array.from({ length: o.matchmakers }, (_, i): [string, number] => ['duo', i + 1]),
      ['duel', 1],
    ];
    for (const [mode, n] of runs) {
      const { perS, quality } = await drain(c, mode, `c${mode}${n}`, o.backlog, n);
      rows.push({
        metric: `${mode === 'duo' ? '2v2' : '1v1'} backlog, ${n} matchmaker${n > 1 ? 's' : ''}: tickets matched per second`,
        arena: Math.round(perS).toLocaleString('en'),
        baseline: Math.round(rawPerS).toLocaleString('en'),
        ratio: ratio(perS, rawPerS, 'higher'),
      });
      notes.push(`${mode} backlog, ${n} matchmaker(s): ${quality.matches} matches; ${qualityText(quality)}`);
    }
    // The low rate is one any design keeps up with: its quality compares designs fairly.
    for (const rate of [LOW_RATE, o.rate]) {
      const s = await steady(c, rate, o.seconds);
      rows.push(
        {
          metric: `2v2 steady ${rate}/s (sent ${Math.round(s.arrivalPerS)}/s): time to match p50 / p99 (ms)`,
          arena: `${s.p50} / ${s.p99}`,
          baseline: '',
          ratio: '',
        },
        {
          metric: `2v2 steady ${rate}/s: rating spread per match mean / p99`,
          arena: `${s.quality.spreadMean.toFixed(1)} / ${s.quality.spreadP99}`,
          baseline: '',
          ratio: '',
        },
      );
      notes.push(
        `steady ${rate}/s: ${s.sent} sent, ${s.quality.tickets} matched, ${s.left} left waiting; ${qualityText(s.quality)}`,
      );
    }
    notes.push(
      'Ratings come from a seeded generator: every run (and every design) matches the same ticket stream.',
      'A matchmaker pass reads up to 4,000 of the oldest tickets in one call, matches them in memory, claims all its matches in one script and records them in one pipeline (room owner and roster per match, one finalize script per 200 matches); the baseline does one pipelined pair per ticket.',
    );
    return {
      title: 'Matchmaking: capacity, time to match and match quality',
      command: 'npm run bench:matchmaking',
      setup: `a backlog of ${o.backlog.toLocaleString('en')} tickets drained (2v2 by 1..${o.matchmakers} matchmaker processes, 1v1 by one), then ${LOW_RATE} and ${o.rate} tickets/s arriving for ${o.seconds} s each on a 2v2 queue (one matchmaker)`,
      baselineName: 'raw Redis: ZADD + ZRANGEBYSCORE per ticket, pipelined',
      rows,
      notes,
    };
  } finally {
    await roomServer?.process.stop(3_000).catch(() => undefined);
    const left = await redis.keys(`${prefix}*`);
    for (let i = 0; i < left.length; i += 1000) await redis.del(...left.slice(i, i + 1000));
    redis.disconnect();
    rmSync(logDir, { recursive: true, force: true });
  }
}

runStandalone(import.meta.url, ['redis'], (env) =>
  benchMatchmaking(env, {
    backlog: numberArg('backlog', 100_000),
    rate: numberArg('rate', 10_000),
    seconds: numberArg('seconds', 10),
    matchmakers: numberArg('matchmakers', 3),
  }),
);
