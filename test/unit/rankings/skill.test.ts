import { describe, expect, it } from 'vitest';
import { decodeScore, encodeScore } from '../../../shared/rankings/leaderboard-score.js';
import { parseLeaderboardQuery } from '../../../shared/rankings/leaderboard-query.js';
import { teamRanks } from '../../../shared/rankings/team-ranks.js';
import { DEFAULT_SKILL, displayRating, ranksFromScores, rateMatch } from '../../../shared/rankings/skill.js';

describe('OpenSkill rating math', () => {
  it('reproduces the published 2v2 example of the openskill README (Plackett-Luce)', () => {
    // a1 = default, a2 = (32.444, 5.123) beat b1 = (43.381, 2.421), b2 = (25.188, 6.211).
    // Published: a1 (28.6696, 8.0715), a2 (33.8309, 5.0628), b1 (43.0713, 2.4167), b2 (23.1495, 6.1379).
    // tau 0: the model as published (production keeps the package's small default tau).
    const [[a1, a2], [b1, b2]] = rateMatch(
      [
        [DEFAULT_SKILL, { mu: 32.444, sigma: 5.123 }],
        [
          { mu: 43.381, sigma: 2.421 },
          { mu: 25.188, sigma: 6.211 },
        ],
      ],
      [1, 2],
      { tau: 0 },
    ) as [
      [{ mu: number; sigma: number }, { mu: number; sigma: number }],
      [{ mu: number; sigma: number }, { mu: number; sigma: number }],
    ];
    const close = (x: number, y: number) => expect(Math.abs(x - y)).toBeLessThan(1e-9);
    close(a1.mu, 28.669648436582808);
    close(a1.sigma, 8.071520788025197);
    close(a2.mu, 33.83086971107981);
    close(a2.sigma, 5.062772998705765);
    close(b1.mu, 43.071274808241974);
    close(b1.sigma, 2.4166900452721256);
    close(b2.mu, 23.149503312339064);
    close(b2.sigma, 6.1378606973362135);
  });

  it('moves winners up and losers down in a free-for-all, and shrinks uncertainty', () => {
    const [[first], [second], [third]] = rateMatch(
      [[DEFAULT_SKILL], [DEFAULT_SKILL], [DEFAULT_SKILL]],
      [1, 2, 3],
    ) as [[{ mu: number; sigma: number }], [{ mu: number; sigma: number }], [{ mu: number; sigma: number }]];
    expect(first.mu).toBeGreaterThan(second.mu);
    expect(second.mu).toBeGreaterThan(third.mu);
    expect(first.sigma).toBeLessThan(DEFAULT_SKILL.sigma);
    expect(displayRating(DEFAULT_SKILL)).toBe(1000);
  });

  it('ranks teams by score, equal scores drawing', () => {
    expect(ranksFromScores([10, 30, 10, 5])).toEqual([2, 1, 2, 3]);
  });
});

describe('leaderboard scores', () => {
  it('order by points, then earlier achievement first, and decode back', () => {
    const early = encodeScore(1200, Date.UTC(2026, 0, 1));
    const late = encodeScore(1200, Date.UTC(2026, 5, 1));
    const more = encodeScore(1201, Date.UTC(2026, 11, 1));
    expect(more).toBeGreaterThan(early);
    expect(early).toBeGreaterThan(late);
    expect(decodeScore(early)).toEqual({ points: 1200, achievedAtMs: Date.UTC(2026, 0, 1) });
    expect(Number.isSafeInteger(encodeScore(2 ** 20 - 1, Date.now()))).toBe(true);
  });
});

describe('leaderboard queries', () => {
  it('accept bounded queries and name what is wrong with the rest', () => {
    expect(parseLeaderboardQuery({ kind: 'top', offset: '20', limit: '50', region: 'eu' })).toEqual({
      kind: 'top',
      offset: 20,
      limit: 50,
      region: 'eu',
      season: undefined,
    });
    expect(() => parseLeaderboardQuery({ kind: 'top', offset: -1 })).toThrow(
      'offset must be an integer 0..1000000',
    );
    expect(() => parseLeaderboardQuery({ kind: 'top', limit: 100000 })).toThrow(
      'limit must be an integer 1..100',
    );
    expect(() => parseLeaderboardQuery({ kind: 'around', player: 'p1', radius: 500 })).toThrow(/radius/);
    expect(() => parseLeaderboardQuery({ kind: 'friends', players: Array(101).fill('x') })).toThrow(
      /1..100 ids/,
    );
    expect(() => parseLeaderboardQuery({ kind: 'player' })).toThrow('player is required');
    expect(() => parseLeaderboardQuery({ kind: 'drop table' })).toThrow(/kind must be/);
    expect(() => parseLeaderboardQuery('top')).toThrow('query must be an object');
  });

  it('take a game by name, and refuse anything else as a game', () => {
    expect(parseLeaderboardQuery({ kind: 'player', player: 'p1', game: 'battleship' })).toMatchObject({
      game: 'battleship',
    });
    expect(parseLeaderboardQuery({ kind: 'top', game: '' }).kind === 'top').toBe(true);
    expect(parseLeaderboardQuery({ kind: 'top' })).not.toHaveProperty('game', expect.anything());
    for (const game of ['a:b', 'x'.repeat(65), 7, ['battleship'], 'sp ace', '{lb}'])
      expect(() => parseLeaderboardQuery({ kind: 'top', game })).toThrow(/game must be a game name/);
  });
});

describe('team ranks of a result', () => {
  const teams = [['ann'], ['bob']];
  it('go by placement when every player has one, whatever the scores (a forfeit win)', () => {
    const forfeit = { players: { ann: { placement: 1, score: 3 }, bob: { placement: 2, score: 11 } } };
    expect(teamRanks(forfeit, teams)).toEqual([1, 2]);
    expect(teamRanks(forfeit, [['bob'], ['ann']])).toEqual([2, 1]);
  });
  it('go by summed score otherwise, equal scores drawing', () => {
    expect(teamRanks({ players: { ann: { score: 3 }, bob: { score: 11 } } }, teams)).toEqual([2, 1]);
    expect(teamRanks({ players: { ann: { placement: 1, score: 3 }, bob: { score: 11 } } }, teams)).toEqual([
      2, 1,
    ]);
    expect(teamRanks({ players: { ann: { score: 5 }, bob: { score: 5 } } }, teams)).toEqual([1, 1]);
  });
  it('place a team by its best member', () => {
    const players = { a: { placement: 3 }, b: { placement: 1 }, c: { placement: 2 }, d: { placement: 4 } };
    expect(
      teamRanks({ players }, [
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toEqual([1, 2]);
  });
});
