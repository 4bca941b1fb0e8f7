import { afterAll, describe, expect, it } from 'vitest';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import { skillWindow, type ModeConfig } from '../../shared/matchmaking/modes.js';
import { TicketStore } from '../../shared/matchmaking/ticket-store.js';
import type { MatchRecord } from '../../shared/matchmaking/types.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';

const TICKETS = 10_000;
const QUEUE = 'duo.eu';
const DUO: ModeConfig = {
  teams: 2,
  teamSize: 2,
  window: { initial: 40, perSecond: 150, exponent: 1, max: 400 },
  maxWaitMs: 6_000,
  joinDeadlineMs: 5_000,
  noShow: 'continue',
};

let cluster: ArenaCluster | undefined;
afterAll(() => cluster?.stop());

/** Deterministic pseudo-random ratings and party sizes (reproducible failures). */
function* ticketSpecs(count: number): Generator<{ players: string[]; rating: number }> {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < count; i++) {
    const party = rand() < 0.2 ? 2 : 1;
    yield {
      players: Array.from({ length: party }, (_, j) => `p${i}-${j}`),
      rating: Math.round(800 + rand() * 1400),
    };
  }
}

describe('matchmaking at scale (3 matchmaker processes, real Redis)', () => {
  it('puts every one of 10,000 tickets in exactly one match or a timeout, even when a matchmaker is killed mid-run', async () => {
    cluster = await ArenaCluster.start({
      gateways: 0,
      roomServers: 1,
      matchmakers: 3,
      env: {
        MATCHMAKER_MODES: JSON.stringify({ duo: DUO }),
        MATCHMAKER_REGIONS: 'eu',
        MATCHMAKER_CLAIM_TIMEOUT_MS: '1000',
      },
    });
    const keys = matchmakingKeys(cluster.env.REDIS_KEY_PREFIX!);
    const store = new TicketStore(cluster.redis, keys);
    const enqueued = new Map<string, { players: string[]; rating: number; enqueuedAt: number }>();
    const specs = [...ticketSpecs(TICKETS)];
    for (let i = 0; i < specs.length; i += 200) {
      const results = await Promise.all(
        specs.slice(i, i + 200).map((s) => store.enqueue(QUEUE, s.players, s.rating)),
      );
      for (const r of results) {
        if (!r.ok) throw new Error(r.message);
        enqueued.set(r.ticket.id, r.ticket);
      }
    }

    // Redis holds no event to await for these: poll it.
    const deadline = Date.now() + 90_000;
    while ((await cluster.redis.zcard(keys.matches)) < 300) {
      if (Date.now() > deadline) throw new Error('matchmakers formed fewer than 300 matches');
      await new Promise((r) => setTimeout(r, 20));
    }
    cluster.matchmakers[0]!.process.signal('SIGKILL'); // mid-run: about a tenth of the way in

    while ((await cluster.redis.zcard(keys.outcomes)) < TICKETS) {
      if (Date.now() > deadline) throw new Error(`only ${await cluster.redis.zcard(keys.outcomes)} outcomes`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // Every ticket exactly once in the outcomes; nothing waiting, nothing claimed.
    const outcomes = await cluster.redis.zrange(keys.outcomes, 0, -1);
    const outcomeOf = new Map<string, string>();
    for (const entry of outcomes) {
      const [ticket, outcome] = entry.split('|') as [string, string];
      expect(outcomeOf.has(ticket), `${ticket} has two outcomes`).toBe(false);
      outcomeOf.set(ticket, outcome);
    }
    expect([...outcomeOf.keys()].sort()).toEqual([...enqueued.keys()].sort());
    expect(await cluster.redis.zcard(keys.pool(QUEUE))).toBe(0);
    expect(await cluster.redis.zcard(keys.claimed(QUEUE))).toBe(0);
    expect(await cluster.redis.hlen(keys.tickets)).toBe(0);

    // Every match record agrees with the outcomes; no ticket or player in two matches.
    const matchIds = await cluster.redis.zrange(keys.matches, 0, -1);
    const records = (await cluster.redis.mget(matchIds.map((id) => keys.match(id)))).map(
      (r) => JSON.parse(r!) as MatchRecord,
    );
    const ticketsInMatches = new Set<string>();
    const playersInMatches = new Set<string>();
    for (const m of records) {
      for (const t of m.tickets) {
        expect(ticketsInMatches.has(t.id), `${t.id} in two matches`).toBe(false);
        ticketsInMatches.add(t.id);
        expect(outcomeOf.get(t.id)).toBe(`match:${m.matchId}`);
        expect(t.enqueuedAt).toBe(enqueued.get(t.id)!.enqueuedAt);
      }
      for (const p of m.teams.flat()) {
        expect(playersInMatches.has(p)).toBe(false);
        playersInMatches.add(p);
      }
      // 2v2, parties whole on one team.
      expect(m.teams.map((team) => team.length)).toEqual([2, 2]);
      for (const t of m.tickets)
        expect(m.teams.some((team) => t.players.every((p) => team.includes(p)))).toBe(true);
      // The rating spread is within the window every ticket's wait allowed when it was matched.
      const ratings = m.tickets.map((t) => t.rating);
      const spread = Math.max(...ratings) - Math.min(...ratings);
      for (const t of m.tickets) {
        expect(t.waitMs).toBe(m.createdAt - t.enqueuedAt);
        expect(t.windowAtMatch).toBeCloseTo(skillWindow(DUO.window, t.waitMs), 6);
        expect(spread).toBeLessThanOrEqual(t.windowAtMatch);
      }
    }
    const timeouts = [...outcomeOf.values()].filter((o) => o === 'timeout').length;
    expect(ticketsInMatches.size + timeouts).toBe(TICKETS);
    expect(ticketsInMatches.size).toBeGreaterThan(TICKETS * 0.9);
    console.log(
      `matchmaking scale: ${records.length} matches of ${ticketsInMatches.size} tickets, ${timeouts} timeouts, one of 3 matchmakers killed`,
    );
  }, 180_000);
});
