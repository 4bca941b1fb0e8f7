import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMatches } from '../../../apps/matchmaker/pool-matcher.js';
import { skillWindow, type ModeConfig } from '../../../shared/matchmaking/modes.js';
import type { Ticket } from '../../../shared/matchmaking/types.js';

const NOW = 1_000_000;
const mode = (teams: number, teamSize: number, initial = 100, perSecond = 50): ModeConfig => ({
  teams,
  teamSize,
  window: { initial, perSecond, exponent: 1, max: 600 },
  maxWaitMs: 120_000,
  joinDeadlineMs: 20_000,
  noShow: 'continue',
});
const t = (id: string, rating: number, waitedMs: number, players = [id]): Ticket => ({
  id,
  queue: 'q',
  players,
  rating,
  enqueuedAt: NOW - waitedMs,
});

/** A random pool: parties of 1..teamSize+1 players (too big ones must never be matched). */
const arbitraryCase = fc
  .record({
    teams: fc.integer({ min: 2, max: 4 }),
    teamSize: fc.integer({ min: 1, max: 3 }),
    initial: fc.integer({ min: 0, max: 200 }),
    perSecond: fc.integer({ min: 0, max: 100 }),
  })
  .chain((m) =>
    fc.record({
      mode: fc.constant(mode(m.teams, m.teamSize, m.initial, m.perSecond)),
      pool: fc
        .array(
          fc.record({
            rating: fc.integer({ min: 800, max: 2200 }),
            waitedMs: fc.integer({ min: 0, max: 20_000 }),
            size: fc.integer({ min: 1, max: m.teamSize + 1 }),
          }),
          { maxLength: 120 },
        )
        .map((raw) =>
          raw.map((r, i) =>
            t(
              `t${i}`,
              r.rating,
              r.waitedMs,
              Array.from({ length: r.size }, (_, j) => `p${i}-${j}`),
            ),
          ),
        ),
    }),
  );

describe('findMatches (the in-memory pool matcher)', () => {
  it('for random pools: team sizes kept, parties whole, no ticket or player twice, spread within the smallest window', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ mode: m, pool }) => {
        const byId = new Map(pool.map((x) => [x.id, x]));
        const seenTickets = new Set<string>();
        const seenPlayers = new Set<string>();
        for (const match of findMatches(pool, m, NOW)) {
          expect(match.teams).toHaveLength(m.teams);
          for (const team of match.teams) expect(team).toHaveLength(m.teamSize);
          const teamOf = new Map(match.teams.flatMap((team, i) => team.map((p) => [p, i] as const)));
          expect(teamOf.size).toBe(m.teams * m.teamSize);
          for (const ticket of match.tickets) {
            const original = byId.get(ticket.id)!;
            expect(original).toBeDefined();
            expect(ticket.players).toEqual(original.players);
            expect(seenTickets.has(ticket.id)).toBe(false);
            seenTickets.add(ticket.id);
            // the party stays together, on one team
            expect(new Set(ticket.players.map((p) => teamOf.get(p))).size).toBe(1);
            for (const p of ticket.players) {
              expect(seenPlayers.has(p)).toBe(false);
              seenPlayers.add(p);
            }
          }
          // every player of the teams came from the match's tickets
          expect(match.tickets.reduce((s, x) => s + x.players.length, 0)).toBe(m.teams * m.teamSize);
          const ratings = match.tickets.map((x) => x.rating);
          const smallestWindow = Math.min(
            ...match.tickets.map((x) => skillWindow(m.window, NOW - x.enqueuedAt)),
          );
          expect(Math.max(...ratings) - Math.min(...ratings)).toBeLessThanOrEqual(smallestWindow);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('serves the oldest ticket first: it gets the partner both it and a younger ticket want', () => {
    const matches = findMatches(
      [t('young', 1500, 0), t('old', 1540, 5_000), t('partner', 1520, 1_000)],
      mode(2, 1),
      NOW,
    );
    expect(matches).toHaveLength(1);
    expect(matches[0]!.tickets.map((x) => x.id).sort()).toEqual(['old', 'partner']);
  });

  it('forms every match the pool allows in one pass, far apart ratings included', () => {
    const pool = [1000, 1010, 1500, 1505, 2000, 2020, 2500].map((r, i) => t(`t${i}`, r, 0));
    const matches = findMatches(pool, mode(2, 1), NOW);
    expect(matches.map((m) => m.tickets.map((x) => x.id).sort())).toEqual(
      expect.arrayContaining([
        ['t0', 't1'],
        ['t2', 't3'],
        ['t4', 't5'],
      ]),
    );
    expect(matches).toHaveLength(3);
  });

  it('keeps parties together and never matches a party larger than a team', () => {
    const pool = [
      t('duo1', 1500, 0, ['a', 'b']),
      t('duo2', 1510, 0, ['c', 'd']),
      t('trio', 1505, 0, ['e', 'f', 'g']),
    ];
    const [match, ...rest] = findMatches(pool, mode(2, 2), NOW);
    expect(rest).toHaveLength(0);
    expect(match!.teams.map((team) => [...team].sort())).toEqual(
      expect.arrayContaining([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    );
  });
});
