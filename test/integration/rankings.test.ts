import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { rankingKeys } from '../../shared/rankings/keys.js';
import { encodeScore } from '../../shared/rankings/leaderboard-score.js';
import { MatchmakingRatings } from '../../shared/rankings/matchmaking-ratings.js';
import { DEFAULT_SKILL, displayRating, rateMatch } from '../../shared/rankings/skill.js';
import { testConfig } from '../helpers/services.js';
import { rankingsOn, resultOf } from '../helpers/rankings.js';

const config = testConfig();
const clients: Redis[] = [];
const connect = () => {
  const r = new Redis(config.redis.url);
  clients.push(r);
  return r;
};
afterAll(() => clients.forEach((c) => c.disconnect()));

describe('rankings on real Redis', () => {
  it('applies a match once, even when ten duplicates arrive at the same time on ten connections', async () => {
    const { keys, seasons, prefix } = rankingsOn(connect());
    const stores = Array.from({ length: 10 }, () => {
      const redis = connect();
      return rankingsOn(redis, prefix).ratings;
    });
    const outcomes = await Promise.all(
      stores.map((s) => s.apply(resultOf('m1', [['a'], ['b']]), 1_700_000_000_000)),
    );
    expect(new Set(outcomes.map((o) => JSON.stringify(o))).size).toBe(1);

    const [[a], [b]] = rateMatch([[DEFAULT_SKILL], [DEFAULT_SKILL]], [1, 2]) as [[unknown], [unknown]];
    const redis = connect();
    expect(JSON.parse((await redis.hget(keys.skills('arena'), 'a'))!)).toEqual(a);
    expect(JSON.parse((await redis.hget(keys.skills('arena'), 'b'))!)).toEqual(b);
    expect(Number(await redis.hget(keys.mmr('arena'), 'a'))).toBeGreaterThan(1500);
    const board = await redis.zrevrange(keys.board(await seasons.current(), 'global', 'arena'), 0, -1);
    expect(board).toEqual(['a', 'b']);
  });

  it('applies different matches of the same player one after the other, none lost', async () => {
    const { ratings } = rankingsOn(connect());
    const [x, y] = await Promise.all([
      ratings.apply(resultOf('m2', [['p'], ['q']]), 1),
      ratings.apply(resultOf('m3', [['p'], ['r']]), 2),
    ]);
    // One of them saw the other's result as p's starting point.
    const chained =
      JSON.stringify(x!.players.p!.after) === JSON.stringify(y!.players.p!.before) ||
      JSON.stringify(y!.players.p!.after) === JSON.stringify(x!.players.p!.before);
    expect(chained).toBe(true);
    expect((await ratings.skillOf('p', 'arena')).sigma).toBeLessThan(x!.players.p!.after.sigma);
  });

  it('applies concurrent matches of one store together, each exactly once, chaining a shared player', async () => {
    const { ratings, keys } = rankingsOn(connect());
    // The same store's concurrent matches share its reads, apply calls and board writes: a
    // player in several of them is rated by each in turn, and a duplicate changes nothing.
    const hubMatches = Array.from({ length: 6 }, (_, i) => resultOf(`hub${i}`, [['hub'], [`o${i}`]]));
    const others = Array.from({ length: 6 }, (_, i) => resultOf(`pair${i}`, [[`x${i}`], [`y${i}`]]));
    const sent = [...hubMatches, ...hubMatches, ...others];
    const outcomes = await Promise.all(sent.map((r, i) => ratings.apply(r, 1_000 * (i % 6))));

    for (let i = 0; i < 6; i++) expect(outcomes[i + 6]).toEqual(outcomes[i]); // duplicates
    const hub = outcomes.slice(0, 6).map((o) => o!.players.hub!);
    // One chain from the default skill through all six: no match lost, none applied twice.
    const key = (s: unknown) => JSON.stringify(s);
    const afterOf = new Map(hub.map((h) => [key(h.before), h.after]));
    let skill: unknown = DEFAULT_SKILL;
    for (let i = 0; i < 6; i++) skill = afterOf.get(key(skill));
    expect(skill).toBeDefined();
    expect(JSON.parse((await connect().hget(keys.skills('arena'), 'hub'))!)).toEqual(skill);
    const [[x], [y]] = rateMatch([[DEFAULT_SKILL], [DEFAULT_SKILL]], [1, 2]) as [[unknown], [unknown]];
    for (const o of outcomes.slice(12)) expect(Object.values(o!.players).map((p) => p.after)).toEqual([x, y]);
  });

  it('writes the boards from the stored outcome when a board write failed after the apply', async () => {
    const { ratings, keys, seasons } = rankingsOn(connect());
    const redis = connect();
    const season = await seasons.current();
    const global = keys.board(season, 'global', 'arena');
    const region = keys.board(season, 'region:eu', 'arena');
    await redis.set(global, 'not a board'); // the global board write fails (WRONGTYPE) after the apply
    const endedAt = Date.UTC(2026, 0, 1);
    await expect(ratings.apply(resultOf('mid', [['a'], ['b']]), endedAt)).rejects.toThrow(/WRONGTYPE/);
    const rated = await redis.hgetall(keys.skills('arena'));
    expect(Object.keys(rated).sort()).toEqual(['a', 'b']); // the apply itself happened

    await redis.del(global);
    // The caller retries (room-server/apply-with-retry.ts), a little later.
    const again = await ratings.apply(resultOf('mid', [['a'], ['b']]), endedAt + 60_000);
    expect(await redis.hgetall(keys.skills('arena'))).toEqual(rated); // not rated twice
    expect(again!.endedAt).toBe(endedAt);
    const expected = ['b', 'a'].flatMap((p) => [p, String(encodeScore(again!.players[p]!.display, endedAt))]);
    expect(await redis.zrange(global, 0, -1, 'WITHSCORES')).toEqual(expected);
    expect(await redis.zrange(region, 0, -1, 'WITHSCORES')).toEqual(expected); // rewritten, unchanged
  });

  it('breaks rating ties by the earlier achievement', async () => {
    const { ratings, boards } = rankingsOn(connect());
    await ratings.apply(resultOf('late', [['late-winner'], ['l2']]), Date.UTC(2026, 5, 1));
    await ratings.apply(resultOf('early', [['early-winner'], ['e2']]), Date.UTC(2026, 0, 1));
    const top = await boards.answer({ kind: 'top', offset: 0, limit: 2 });
    expect(top.kind === 'top' && top.standings.map((s) => [s.player, s.rank])).toEqual([
      ['early-winner', 1],
      ['late-winner', 2],
    ]);
    expect(top.kind === 'top' && top.standings[0]!.rating).toBe(
      top.kind === 'top' && top.standings[1]!.rating,
    );
  });

  it('never lets a re-applied older match overwrite a newer standing', async () => {
    const { ratings, boards } = rankingsOn(connect());
    await ratings.apply(resultOf('first', [['w'], ['z1']]), Date.UTC(2026, 1, 1));
    await ratings.apply(resultOf('second', [['z2'], ['w']]), Date.UTC(2026, 2, 1)); // w loses later
    const afterSecond = await boards.answer({ kind: 'player', player: 'w' });
    await ratings.apply(resultOf('first', [['w'], ['z1']]), Date.UTC(2026, 3, 1)); // redelivered
    expect(await boards.answer({ kind: 'player', player: 'w' })).toEqual(afterSecond);
  });

  it('answers around-me at the edges, per region, and for friends', async () => {
    const { ratings, boards } = rankingsOn(connect());
    for (let i = 0; i < 5; i++)
      await ratings.apply(resultOf(`g${i}`, [[`w${i}`], [`l${i}`]], 'duel.us'), 1000 * i);
    const first = await boards.answer({ kind: 'top', offset: 0, limit: 1, region: 'us' });
    const last = await boards.answer({ kind: 'top', offset: 9, limit: 1, region: 'us' });
    if (first.kind !== 'top' || last.kind !== 'top') throw new Error('unexpected answer');
    expect(first.total).toBe(10);
    const top = first.standings[0]!;
    const bottom = last.standings[0]!;
    const aroundTop = await boards.answer({ kind: 'around', player: top.player, radius: 3, region: 'us' });
    const aroundBottom = await boards.answer({
      kind: 'around',
      player: bottom.player,
      radius: 3,
      region: 'us',
    });
    expect(aroundTop.kind === 'around' && aroundTop.standings.map((s) => s.rank)).toEqual([1, 2, 3, 4]);
    expect(aroundBottom.kind === 'around' && aroundBottom.standings.map((s) => s.rank)).toEqual([
      7, 8, 9, 10,
    ]);
    const friends = await boards.answer({ kind: 'friends', players: [bottom.player, 'nobody', top.player] });
    expect(friends).toMatchObject({
      standings: [
        { player: top.player, rank: 1 },
        { player: bottom.player, rank: 10 },
      ],
      unranked: ['nobody'],
    });
    await expect(boards.answer({ kind: 'player', player: 'nobody' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('starts a new season empty and keeps the old one readable', async () => {
    const { ratings, boards, seasons } = rankingsOn(connect());
    await ratings.apply(resultOf('s1m', [['old-champ'], ['old-loser']]), 1);
    await seasons.start('s2');
    expect(await seasons.current()).toBe('s2');
    expect(await boards.answer({ kind: 'top', offset: 0, limit: 10 })).toMatchObject({
      season: 's2',
      total: 0,
    });
    await ratings.apply(resultOf('s2m', [['new-champ'], ['old-champ']]), 2);
    const s1 = await boards.answer({ kind: 'top', offset: 0, limit: 10, season: 's1' });
    expect(s1.kind === 'top' && s1.standings.map((s) => s.player)).toEqual(['old-champ', 'old-loser']);
    const s2 = await boards.answer({ kind: 'top', offset: 0, limit: 10 });
    expect(s2.kind === 'top' && s2.standings.map((s) => s.player)).toEqual(['new-champ', 'old-champ']);
    await expect(boards.answer({ kind: 'top', offset: 0, limit: 1, season: 'nope' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(seasons.start('s2')).rejects.toMatchObject({ code: 'bad_request' });
    expect(displayRating(DEFAULT_SKILL)).toBe(1000);
    expect(rankingKeys('x:').board('s2', 'global', 'arena')).toBe('x:{lb:s2:global}:z');
  });

  it('rates each game on its own: its own skills, matchmaking ratings and boards, and answers say which game', async () => {
    const { ratings, boards, keys, seasons, prefix } = rankingsOn(connect());
    const redis = connect();
    const mmr = new MatchmakingRatings(redis, prefix);
    await ratings.apply(resultOf('g1', [['ann'], ['bob']]), 1); // the reference game: ann wins
    const sea = await ratings.apply(resultOf('g2', [['bob'], ['ann']], 'battle.eu', 'battleship'), 2);
    expect(sea).toMatchObject({ game: 'battleship', region: 'eu' });
    expect(sea!.players.bob!.before).toEqual(DEFAULT_SKILL); // battleship knows nothing of arena

    const [arenaAnn, seaAnn] = [
      await ratings.skillOf('ann', 'arena'),
      await ratings.skillOf('ann', 'battleship'),
    ];
    expect(arenaAnn.mu).toBeGreaterThan(DEFAULT_SKILL.mu);
    expect(seaAnn.mu).toBeLessThan(DEFAULT_SKILL.mu);
    expect(await mmr.of(['ann'], 'arena')).toBeGreaterThan(1500);
    expect(await mmr.of(['ann'], 'battleship')).toBeLessThan(1500);
    expect(await mmr.of(['ann'], undefined)).toBe(await mmr.of(['ann'], 'arena'));
    expect(await mmr.of(['ann'], 'chess')).toBe(1500);

    // The reference game keeps its keys from before ratings were per game; others carry their name.
    const season = await seasons.current();
    expect(keys.skills('arena')).toBe(`${prefix}{ratings}:skill`);
    expect(keys.mmr('arena')).toBe(`${prefix}{ratings}:mmr`);
    expect(keys.board(season, 'global', 'arena')).toBe(`${prefix}{lb:${season}:global}:z`);
    expect(keys.board(season, 'region:eu', 'battleship')).toBe(
      `${prefix}{lb:${season}:game:battleship:region:eu}:z`,
    );
    expect(await redis.zrevrange(keys.board(season, 'global', 'arena'), 0, -1)).toEqual(['ann', 'bob']);
    expect(await redis.zrevrange(keys.board(season, 'global', 'battleship'), 0, -1)).toEqual(['bob', 'ann']);

    expect(await boards.answer({ kind: 'top', offset: 0, limit: 5 })).toMatchObject({
      game: 'arena',
      standings: [{ player: 'ann' }, { player: 'bob' }],
    });
    expect(
      await boards.answer({ kind: 'top', offset: 0, limit: 5, game: 'battleship', region: 'eu' }),
    ).toMatchObject({
      game: 'battleship',
      board: 'region:eu',
      standings: [{ player: 'bob' }, { player: 'ann' }],
    });
    await expect(boards.answer({ kind: 'player', player: 'ann', game: 'chess' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('ranks by placement when the game gives one: a forfeit winner with fewer points wins', async () => {
    const { ratings } = rankingsOn(connect());
    const result = resultOf('f1', [['winner'], ['loser']], 'battle.eu', 'battleship');
    result.players = { winner: { placement: 1, score: 2 }, loser: { placement: 2, score: 9 } };
    const applied = await ratings.apply(result, 1);
    expect(applied!.players.winner!.after.mu).toBeGreaterThan(DEFAULT_SKILL.mu);
    expect(applied!.players.loser!.after.mu).toBeLessThan(DEFAULT_SKILL.mu);
  });

  it('reads an outcome stored before ratings were per game as the reference game’s', async () => {
    const { ratings, keys } = rankingsOn(connect());
    const old = { matchId: 'old', season: 's1', region: 'eu', endedAt: 1, players: {} };
    await connect().set(keys.applied('old'), JSON.stringify(old));
    expect(await ratings.apply(resultOf('old', [['a'], ['b']]), 2)).toEqual({ ...old, game: 'arena' });
  });

  it('does not rate open (non-matchmade) rooms', async () => {
    const { ratings } = rankingsOn(connect());
    const open = { ...resultOf('open', [['a'], ['b']]), matchId: undefined, teams: undefined };
    expect(await ratings.apply(open, 1)).toBeUndefined();
  });
});
