import { describe, expect, it } from 'vitest';
import { findMatch } from '../../../apps/matchmaker/match-finder.js';
import {
  DEFAULT_MODES,
  parseModes,
  skillWindow,
  type ModeConfig,
} from '../../../shared/matchmaking/modes.js';
import type { Ticket } from '../../../shared/matchmaking/types.js';

const duel: ModeConfig = {
  ...DEFAULT_MODES.duel!,
  window: { initial: 100, perSecond: 50, exponent: 1, max: 500 },
};
const duo: ModeConfig = {
  ...DEFAULT_MODES.duo!,
  window: { initial: 100, perSecond: 50, exponent: 1, max: 500 },
};
const t = (id: string, rating: number, waitedMs: number, players = [id]): Ticket => ({
  id,
  queue: 'q',
  players,
  rating,
  enqueuedAt: 100_000 - waitedMs,
});
const NOW = 100_000;

describe('skillWindow', () => {
  it('widens with waiting, up to the cap', () => {
    expect(skillWindow(duel.window, 0)).toBe(100);
    expect(skillWindow(duel.window, 4_000)).toBe(300);
    expect(skillWindow(duel.window, 60_000)).toBe(500);
    expect(skillWindow({ initial: 0, perSecond: 10, exponent: 2, max: 1e6 }, 3_000)).toBe(90);
  });
});

describe('findMatch', () => {
  it('pairs tickets within every ticket’s window', () => {
    const m = findMatch(t('a', 1500, 0), [t('b', 1580, 0)], duel, NOW)!;
    expect(m.tickets.map((x) => x.id)).toEqual(['a', 'b']);
    expect(m.tickets.every((x) => x.windowAtMatch === 100)).toBe(true);
  });

  it('does not match outside the window of the newest ticket, even if the anchor waited long', () => {
    // a has waited 8 s (window 500) but b just arrived (window 100): 300 apart is too far for b.
    expect(findMatch(t('a', 1500, 8_000), [t('b', 1800, 0)], duel, NOW)).toBeUndefined();
    expect(findMatch(t('a', 1500, 8_000), [t('b', 1800, 4_000)], duel, NOW)).toBeDefined();
  });

  it('serves the oldest candidates first', () => {
    const m = findMatch(t('a', 1500, 5_000), [t('young', 1500, 0), t('old', 1510, 3_000)], duel, NOW)!;
    expect(m.tickets.map((x) => x.id)).toEqual(['a', 'old']);
  });

  it('builds 2v2 from a party and two solos, party together', () => {
    const m = findMatch(t('p', 1500, 1_000, ['p1', 'p2']), [t('x', 1450, 0), t('y', 1550, 0)], duo, NOW)!;
    expect(m.teams.some((team) => team.includes('p1') && team.includes('p2'))).toBe(true);
    expect(m.teams.flat().sort()).toEqual(['p1', 'p2', 'x', 'y']);
  });

  it('skips a party that would make the teams unpackable and finds another fill', () => {
    const trios: ModeConfig = { ...duo, teams: 2, teamSize: 3 };
    // Three parties of two cannot form two teams of three: the third party is passed over.
    const m = findMatch(
      t('a', 1500, 1_000, ['a1', 'a2']),
      [
        t('b', 1500, 900, ['b1', 'b2']),
        t('c', 1500, 800, ['c1', 'c2']),
        t('d', 1500, 700),
        t('e', 1500, 600),
      ],
      trios,
      NOW,
    )!;
    expect(m.tickets.map((x) => x.id)).toEqual(['a', 'b', 'd', 'e']);
    expect(m.teams.map((team) => team.length)).toEqual([3, 3]);
  });
});

describe('parseModes', () => {
  it('keeps the defaults for an empty value and validates a custom one', () => {
    expect(Object.keys(parseModes(''))).toEqual(['duel', 'duo', 'ffa']);
    expect(() => parseModes('{"duel": {"teams": 1}}')).toThrow(/teams must be an integer 2..16/);
    expect(() => parseModes('not json')).toThrow(/must be JSON/);
  });

  it('a mode names its game: none by default (any server), a named game kept, a bad name refused', () => {
    const mode = { ...DEFAULT_MODES.duel };
    expect(parseModes(JSON.stringify({ duel: mode })).duel!.game).toBeUndefined();
    expect(parseModes(JSON.stringify({ duel: { ...mode, game: 'battleship' } })).duel!.game).toBe(
      'battleship',
    );
    expect(() => parseModes(JSON.stringify({ duel: { ...mode, game: 'no such/game' } }))).toThrow(
      /mode "duel": game must be a game name/,
    );
  });
});
