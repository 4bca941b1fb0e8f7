import { describe, expect, it } from 'vitest';
import type { GameContext } from '../../../apps/room-server/game-api.js';
import {
  arenaGame,
  arenaSprintGame,
  type ArenaState,
} from '../../../apps/room-server/games/arena/arena-game.js';
import { parseArenaInput } from '../../../apps/room-server/games/arena/input.js';
import { ARENA_RULES, ARENA_SPRINT_LIMITS } from '../../../apps/room-server/games/arena/rules.js';
import { SeededRandom } from '../../../apps/room-server/seeded-random.js';

function context(seed = 1): GameContext & { advance(): void } {
  const rng = new SeededRandom(seed);
  let tick = 1;
  return {
    roomId: 'r',
    get tick() {
      return tick;
    },
    tickMs: 50,
    random: () => rng.next(),
    send: () => {},
    broadcast: () => {},
    emit: () => {},
    advance: () => void tick++,
  };
}

function place(state: ArenaState, id: string, x: number, y: number) {
  Object.assign(state.players[id]!, { x, y });
}

describe('arena input validation', () => {
  it('accepts directions within [-1, 1] and scales diagonals to the speed cap', () => {
    expect(parseArenaInput({ mx: 0.5, my: 0 })).toEqual({ mx: 0.5, my: 0, tag: false });
    const diagonal = parseArenaInput({ mx: 1, my: 1, tag: true })!;
    expect(Math.hypot(diagonal.mx, diagonal.my)).toBeCloseTo(1, 10);
    expect(diagonal.tag).toBe(true);
  });

  it('rejects anything else', () => {
    for (const bad of [
      null,
      'up',
      [1, 0],
      { mx: 2, my: 0 },
      { mx: Number.NaN, my: 0 },
      { mx: Infinity, my: 0 },
      { mx: '1', my: 0 },
      { mx: 1 },
      { mx: 0, my: 0, tag: 'yes' },
      { x: 500, y: 500 },
    ]) {
      expect(parseArenaInput(bad)).toBeUndefined();
    }
  });
});

describe('arena rules', () => {
  it('moves no faster than the speed cap, whatever the client sends', () => {
    const ctx = context();
    const s = arenaGame.create(ctx, {});
    arenaGame.onJoin(s, 'a', ctx);
    place(s, 'a', 100, 100);
    s.pickups = {};
    const input = parseArenaInput({ mx: 1, my: 1 })!;
    for (let i = 0; i < 20; i++) {
      arenaGame.onInput(s, 'a', input, ctx);
      arenaGame.onTick(s, ctx);
      s.pickups = {};
    }
    const moved = Math.hypot(s.players.a!.x - 100, s.players.a!.y - 100);
    const cap = (ARENA_RULES.playerSpeed * 20 * ctx.tickMs) / 1000;
    expect(moved).toBeGreaterThan(cap * 0.99);
    // positions are rounded to 0.1 units per axis each tick: at most ~0.07 units of slack per tick
    expect(moved).toBeLessThanOrEqual(cap + 20 * 0.075);
  });

  it('keeps players inside the arena', () => {
    const ctx = context();
    const s = arenaGame.create(ctx, {});
    arenaGame.onJoin(s, 'a', ctx);
    arenaGame.onInput(s, 'a', { mx: -1, my: 0, tag: false }, ctx);
    for (let i = 0; i < 200; i++) arenaGame.onTick(s, ctx);
    expect(s.players.a!.x).toBe(ARENA_RULES.playerRadius);
  });

  it('scores a tag in range once per cooldown and respawns the tagged player', () => {
    const ctx = context();
    const s = arenaGame.create(ctx, {});
    arenaGame.onJoin(s, 'a', ctx);
    arenaGame.onJoin(s, 'b', ctx);
    place(s, 'a', 200, 200);
    place(s, 'b', 220, 200);
    const tag = { mx: 0, my: 0, tag: true };
    arenaGame.onInput(s, 'a', tag, ctx);
    expect(s.players.a).toMatchObject({ score: ARENA_RULES.pointsPerTag, tags: 1 });
    expect(s.players.b!.tagged).toBe(1);

    place(s, 'b', 220, 200);
    arenaGame.onInput(s, 'a', tag, ctx); // within the cooldown: ignored
    expect(s.players.a!.tags).toBe(1);
    for (let t = 0; t < ARENA_RULES.tagCooldownMs / ctx.tickMs; t++) arenaGame.onTick(s, ctx);
    place(s, 'a', 200, 200);
    place(s, 'b', 220, 200);
    arenaGame.onInput(s, 'a', tag, ctx);
    expect(s.players.a!.tags).toBe(2);
  });

  it('does not score a tag out of range', () => {
    const ctx = context();
    const s = arenaGame.create(ctx, {});
    arenaGame.onJoin(s, 'a', ctx);
    arenaGame.onJoin(s, 'b', ctx);
    place(s, 'a', 100, 100);
    place(s, 'b', 100 + ARENA_RULES.tagRange + 1, 100);
    arenaGame.onInput(s, 'a', { mx: 0, my: 0, tag: true }, ctx);
    expect(s.players.a!.score).toBe(0);
  });

  it('collects a pickup on contact', () => {
    const ctx = context();
    const s = arenaGame.create(ctx, {});
    arenaGame.onJoin(s, 'a', ctx);
    s.pickups = { '99': { x: 300, y: 300 } };
    place(s, 'a', 300, 300);
    arenaGame.onTick(s, ctx);
    expect(s.players.a).toMatchObject({ score: 1, pickups: 1 });
    expect(s.pickups['99']).toBeUndefined();
  });

  it('ends at the score limit with the winner and per-player stats', () => {
    const ctx = context();
    const s = arenaGame.create(ctx, {});
    arenaGame.onJoin(s, 'a', ctx);
    arenaGame.onJoin(s, 'b', ctx);
    expect(arenaGame.result(s, ctx)).toBeUndefined();
    s.players.a!.score = ARENA_RULES.scoreLimit;
    expect(arenaGame.result(s, ctx)).toMatchObject({
      reason: 'score',
      winner: 'a',
      players: { a: { score: ARENA_RULES.scoreLimit }, b: { score: 0 } },
    });
  });

  it('ends at the time limit, with no winner on a tie', () => {
    const ctx = context();
    const s = arenaGame.create(ctx, {});
    arenaGame.onJoin(s, 'a', ctx);
    arenaGame.onJoin(s, 'b', ctx);
    s.elapsedMs = ARENA_RULES.timeLimitMs;
    expect(arenaGame.result(s, ctx)).toMatchObject({ reason: 'time', winner: null });
  });

  it('arena-sprint plays the same game to shorter limits', () => {
    const ctx = context();
    const s = arenaSprintGame.create(ctx, {});
    arenaSprintGame.onJoin(s, 'a', ctx);
    arenaSprintGame.onJoin(s, 'b', ctx);
    s.players.b!.score = ARENA_SPRINT_LIMITS.scoreLimit - 1;
    expect(arenaSprintGame.result(s, ctx)).toBeUndefined();
    s.players.b!.score = ARENA_SPRINT_LIMITS.scoreLimit;
    expect(arenaSprintGame.result(s, ctx)).toMatchObject({ reason: 'score', winner: 'b' });
    expect(arenaGame.result(s, ctx)).toBeUndefined(); // 5 points do not end the full game
    s.players.b!.score = 0;
    s.elapsedMs = ARENA_SPRINT_LIMITS.timeLimitMs;
    expect(arenaSprintGame.result(s, ctx)).toMatchObject({ reason: 'time', winner: null });
    expect(arenaSprintGame.name).toBe('arena-sprint');
    expect(arenaSprintGame.parseInput).toBe(arenaGame.parseInput);
  });

  it('shows players and pickups, not hidden fields', () => {
    const ctx = context();
    const s = arenaGame.create(ctx, {});
    arenaGame.onJoin(s, 'a', ctx);
    const view = arenaGame.view(s, 'a');
    expect(Object.keys(view).filter((k) => k.startsWith('k:'))).toHaveLength(ARENA_RULES.maxPickups);
    expect(Object.keys(view['p:a']!).sort()).toEqual(['c', 'k', 's', 'x', 'y']);
  });
});
