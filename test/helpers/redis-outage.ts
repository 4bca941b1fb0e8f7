import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import type { ArenaClient } from '../../shared/client/index.js';
import type { ArenaCluster } from './arena-cluster.js';
import { samples } from './prometheus-text.js';
import { waitForClient } from './wait-for.js';

/**
 * What the Redis outage tests (restart, failover, hang) share:
 *   OUTAGE_MODES             duels that match at once and last; 4- and 8-player queues left unfilled
 *   OutageScenario.start()   players in matchmade duels (sending inputs) and players left queued
 *   track(client)            what one SDK player saw: joins (resets), ticks, queue endings, errors
 *   queueUntilAnswered()     a probe that queues until matchmaking answers "queued" again
 *   matchTwo()               two fresh players matched and seated: matchmaking works
 *   metricSum()              a counter summed over services
 *   pollUntil()              waits for something only a scrape shows (metrics), with a deadline
 */

/** A mode of `players` teams of one that matches any ratings and waits long. */
function mode(players: number): ModeConfig {
  return {
    teams: players,
    teamSize: 1,
    window: { initial: 10_000, perSecond: 0, exponent: 1, max: 10_000 },
    maxWaitMs: 300_000,
    joinDeadlineMs: 20_000,
    noShow: 'continue',
  };
}
export const OUTAGE_MODES: Record<string, ModeConfig> = { duel: mode(2), quad: mode(4), octo: mode(8) };

/** One SDK player and what it saw. */
export interface TrackedPlayer {
  client: ArenaClient;
  /** Every `joined` frame: a room reset or a re-seat after an outage would add one. */
  joins: { roomId: string; tick: number; resumed: boolean }[];
  /** Highest tick of its room seen so far. */
  tick: number;
  /** When the last state update came, and the longest wait between two (since resetGap). */
  lastStateAt: number;
  maxGapMs: number;
  queueEnded: { reason: string; message: string }[];
  queued: number;
  errors: string[];
}

export function track(client: ArenaClient): TrackedPlayer {
  const p: TrackedPlayer = {
    client,
    joins: [],
    tick: 0,
    lastStateAt: 0,
    maxGapMs: 0,
    queueEnded: [],
    queued: 0,
    errors: [],
  };
  client.on('joined', (j) => {
    p.joins.push({ roomId: j.roomId, tick: j.tick, resumed: j.resumed });
    p.tick = Math.max(p.tick, j.tick);
  });
  client.on('state', (s) => {
    const now = Date.now();
    if (p.lastStateAt > 0) p.maxGapMs = Math.max(p.maxGapMs, now - p.lastStateAt);
    p.lastStateAt = now;
    p.tick = Math.max(p.tick, s.tick);
  });
  client.on('queueEnded', (q) => p.queueEnded.push({ reason: q.reason, message: q.message }));
  client.on('queued', () => p.queued++);
  client.on('error', (e) => p.errors.push(e.code));
  return p;
}

export class OutageScenario {
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    readonly playing: TrackedPlayer[],
    readonly waiting: TrackedPlayer[],
  ) {}

  /**
   * `rooms` duels (two players each, spread over the gateways) that are matched, seated and
   * send an input every 100 ms (so that each tick has something to acknowledge), and
   * `waiting` players queued in quad.eu, which never fills.
   */
  static async start(cluster: ArenaCluster, o: { rooms: number; waiting: number }): Promise<OutageScenario> {
    const gateways = cluster.gateways.map((_, i) => i);
    const rotate = (i: number) => [
      ...gateways.slice(i % gateways.length),
      ...gateways.slice(0, i % gateways.length),
    ];
    const playing: TrackedPlayer[] = [];
    for (let r = 0; r < o.rooms; r++) {
      const pair = await Promise.all([0, 1].map(async (k) => track(await cluster.client(rotate(2 * r + k)))));
      const joined = pair.map((p) =>
        waitForClient(p.client, 'joined', (j) => j !== undefined, 'a duel seat', 30_000),
      );
      for (const p of pair) p.client.queue('duel.eu');
      await Promise.all(joined);
      playing.push(...pair);
    }
    const waiting: TrackedPlayer[] = [];
    for (let i = 0; i < o.waiting; i++) {
      const p = track(await cluster.client(rotate(i)));
      const queued = waitForClient(p.client, 'queued', (q) => q !== undefined, 'queued in quad.eu');
      p.client.queue('quad.eu');
      await queued;
      waiting.push(p);
    }
    const scenario = new OutageScenario(playing, waiting);
    for (const p of playing) {
      scenario.timers.push(
        setInterval(() => {
          if (p.client.connected && p.client.roomId) p.client.sendInput({ mx: 0, my: 0 });
        }, 100),
      );
    }
    return scenario;
  }

  /** Starts measuring the longest wait between state updates afresh. */
  resetGaps(): void {
    for (const p of this.playing) p.maxGapMs = 0;
  }

  /** Each playing player's room and tick now. */
  mark(): { roomId: string; tick: number; joins: number }[] {
    return this.playing.map((p) => ({ roomId: p.client.roomId!, tick: p.tick, joins: p.joins.length }));
  }

  /** Resolves once every playing player has seen its room tick `by` past `mark`. */
  async ticksPast(mark: { tick: number }[], by: number, what: string, timeoutMs = 30_000): Promise<void> {
    await Promise.all(
      this.playing.map((p, i) =>
        waitForClient(
          p.client,
          'state',
          () => p.tick >= mark[i]!.tick + by,
          `${what} (${p.client.playerId})`,
          timeoutMs,
        ),
      ),
    );
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }
}

/**
 * Queues `client` in `queue` again and again (every 100 ms after an error) until it hears
 * `queued`; returns how long that took and the errors it got on the way.
 */
export async function queueUntilAnswered(
  client: ArenaClient,
  queue: string,
  timeoutMs = 60_000,
): Promise<{ ms: number; errors: string[] }> {
  const started = Date.now();
  const errors: string[] = [];
  for (;;) {
    const answer = new Promise<'queued' | string>((resolve) => {
      const timer = setTimeout(() => done('no answer'), 5_000);
      const offQueued = client.on('queued', () => done('queued'));
      const offError = client.on('error', (e) => done(e.code));
      function done(what: string) {
        clearTimeout(timer);
        offQueued();
        offError();
        resolve(what);
      }
    });
    client.queue(queue);
    const what = await answer;
    if (what === 'queued') return { ms: Date.now() - started, errors };
    errors.push(what);
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `matchmaking did not answer "queued" within ${timeoutMs} ms (${errors.length} errors, last ${errors.at(-1)})`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Two fresh players queue a duel, are matched and seated in the same room. */
export async function matchTwo(cluster: ArenaCluster, timeoutMs = 30_000): Promise<string> {
  const pair = await Promise.all([cluster.client([0]), cluster.client([cluster.gateways.length - 1])]);
  const joined = pair.map((c) =>
    waitForClient(c, 'joined', (j) => j !== undefined, `${c.playerId} seated in a new duel`, timeoutMs),
  );
  for (const c of pair) c.queue('duel.eu');
  const [a, b] = await Promise.all(joined);
  if (a!.roomId !== b!.roomId) throw new Error(`matched into two rooms: ${a!.roomId}, ${b!.roomId}`);
  for (const c of pair) c.close();
  return a!.roomId;
}

/** A metric summed over every label set (or those whose labels include `having`) and over `apps`. */
export async function metricSum(
  apps: readonly { opsPort: number }[],
  name: string,
  having = '',
): Promise<number> {
  let total = 0;
  for (const app of apps) {
    const text = await (await fetch(`http://127.0.0.1:${app.opsPort}/metrics`)).text();
    for (const [key, v] of samples(text)) {
      if ((key === name || key.startsWith(`${name}{`)) && key.includes(having)) total += v;
    }
  }
  return total;
}

/**
 * Resolves once `check` holds, asked every 200 ms; rejects after timeoutMs naming `what`. For
 * state only a scrape shows (metrics); anything a client hears is awaited as an event instead.
 */
export async function pollUntil(
  check: () => Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
