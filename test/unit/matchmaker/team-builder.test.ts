import { describe, expect, it } from 'vitest';
import { buildTeams } from '../../../apps/matchmaker/team-builder.js';

const solo = (id: string, rating: number) => ({ players: [id], rating });

describe('buildTeams', () => {
  it('balances 2v2 by rating: strongest with weakest', () => {
    const teams = buildTeams([solo('a', 2000), solo('b', 1900), solo('c', 1100), solo('d', 1000)], 2, 2)!;
    const sets = teams.map((t) => new Set(t));
    expect(sets.some((s) => s.has('a') && s.has('d'))).toBe(true);
    expect(sets.some((s) => s.has('b') && s.has('c'))).toBe(true);
  });

  it('keeps a party on one team', () => {
    const teams = buildTeams(
      [{ players: ['p1', 'p2'], rating: 1500 }, solo('x', 1400), solo('y', 1600)],
      2,
      2,
    )!;
    expect(teams.some((t) => t.includes('p1') && t.includes('p2'))).toBe(true);
  });

  it('refuses what cannot be packed, or the wrong number of players', () => {
    const trio = (n: string) => ({ players: [`${n}1`, `${n}2`], rating: 1500 });
    expect(buildTeams([trio('a'), trio('b'), trio('c')], 2, 3)).toBeUndefined(); // 2+2+2 into two teams of 3
    expect(buildTeams([solo('a', 1), solo('b', 1), solo('c', 1)], 2, 2)).toBeUndefined();
    expect(buildTeams([{ players: ['a', 'b', 'c'], rating: 1 }, solo('d', 1)], 2, 2)).toBeUndefined();
  });

  it('makes free-for-all teams of one', () => {
    expect(
      buildTeams([solo('a', 1), solo('b', 2), solo('c', 3), solo('d', 4)], 4, 1)!.map((t) => t.length),
    ).toEqual([1, 1, 1, 1]);
  });
});
