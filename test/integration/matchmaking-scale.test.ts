import { afterAll, describe, expect, it } from 'vitest';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import { skillWindow, type ModeConfig } from '../../shared/matchmaking/modes.js';
import { TicketStore } from '../../shared/matchmaking/ticket-store.js';
import type { MatchRecord } from '../../shared/matchmaking/types.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { samples } from '../helpers/prometheus-text.js';

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

    // Redis holds no event to await for these: poll it. Deadlines are generous (a loaded
    // 2-core machine is slow); what the test checks is outcomes, never speed.
    const deadline = Date.now() + 150_000;
    const formed = () => cluster!.redis.zcard(keys.matches);
    while ((await formed()) < 300) {
      if (Date.now() > deadline)
        throw new Error(
          `matchmakers formed ${await formed()} matches in 150 s, expected 300 before the kill`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }

    // Kill matchmaker 0 while it holds claims, so that they can only end by expiring and
    // being reclaimed by a survivor. Freeze it first (SIGSTOP) and look in Redis for claims in
    // its name; if it holds none at that instant, let it run a moment and look again.
    const victim = cluster.matchmakers[0]!;
    const claimsOf = async (who: string) =>
      Object.entries(await cluster!.redis.hgetall(keys.claims(QUEUE)))
        .filter(([, token]) => token.startsWith(`${who}:`))
        .map(([ticket]) => ticket);
    let held: string[] = [];
    for (let attempt = 0; held.length === 0; attempt++) {
      if (attempt === 500) throw new Error('matchmaker mm-0 never held a claim when frozen (500 tries)');
      if (attempt > 0) {
        victim.process.signal('SIGCONT');
        await new Promise((r) => setTimeout(r, 2 + (attempt % 7)));
      }
      victim.process.signal('SIGSTOP');
      held = await claimsOf(victim.name);
    }
    victim.process.signal('SIGKILL');
    await victim.process.exited;
    // Commands it wrote before the freeze may still be executed: keep only the claims that
    // are still its own once its connection is gone (no finalize can follow).
    const stillHeld = new Set(await claimsOf(victim.name));
    const orphaned = held.filter((t) => stillHeld.has(t));
    expect(orphaned.length, 'claims left behind by the killed matchmaker').toBeGreaterThan(0);

    while ((await cluster.redis.zcard(keys.outcomes)) < TICKETS) {
      if (Date.now() > deadline)
        throw new Error(
          `only ${await cluster.redis.zcard(keys.outcomes)} of ${TICKETS} tickets have an outcome after 150 s`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }

    // The dead matchmaker's claims were returned by the survivors: none is left in its name,
    // and the survivors counted at least that many reclaimed tickets.
    expect(await claimsOf(victim.name)).toEqual([]);
    let reclaimed = 0;
    for (const mm of cluster.matchmakers.slice(1)) {
      const text = await (await fetch(cluster.opsUrl(mm, '/metrics'))).text();
      reclaimed += samples(text).get(`arena_matchmaker_reclaimed_total{queue="${QUEUE}"}`) ?? 0;
    }
    expect(reclaimed, 'tickets the surviving matchmakers reclaimed').toBeGreaterThanOrEqual(orphaned.length);

    // Every ticket exactly once in the outcomes; nothing waiting, nothing claimed.
    const outcomes = await cluster.redis.zrange(keys.outcomes, 0, -1, 'WITHSCORES');
    const outcomeOf = new Map<string, string>();
    for (let i = 0; i < outcomes.length; i += 2) {
      const [ticket, outcome] = outcomes[i]!.split('|') as [string, string];
      expect(outcomeOf.has(ticket), `${ticket} has two outcomes`).toBe(false);
      outcomeOf.set(ticket, outcome);
      // A ticket is given up only after the queue's maximum wait, never early.
      if (outcome === 'timeout')
        expect(Number(outcomes[i + 1]) - enqueued.get(ticket)!.enqueuedAt).toBeGreaterThanOrEqual(
          DUO.maxWaitMs,
        );
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
      // The rating spread is within the window every ticket's wait allowed when its pass found
      // the match. The wait is stamped later, when the match was finalized (the claim and the
      // placement are part of it), so that window is at most the window of the whole wait.
      const ratings = m.tickets.map((t) => t.rating);
      const spread = Math.max(...ratings) - Math.min(...ratings);
      for (const t of m.tickets) {
        expect(t.waitMs).toBe(m.createdAt - t.enqueuedAt);
        expect(t.windowAtMatch).toBeLessThanOrEqual(skillWindow(DUO.window, t.waitMs) + 1e-6);
        expect(t.windowAtMatch).toBeGreaterThanOrEqual(DUO.window.initial);
        expect(spread).toBeLessThanOrEqual(t.windowAtMatch);
      }
    }
    const timeouts = [...outcomeOf.values()].filter((o) => o === 'timeout').length;
    expect(ticketsInMatches.size + timeouts).toBe(TICKETS);
    // How many tickets matched before their 6 s ran out depends on the machine's speed, so it
    // is reported, not asserted; that matching happened at all is (300 matches before the kill).
    console.log(
      `matchmaking scale: ${records.length} matches of ${ticketsInMatches.size} tickets, ${timeouts} timeouts, one of 3 matchmakers killed holding ${orphaned.length} claims, ${reclaimed} reclaimed`,
    );
  }, 240_000);
});
