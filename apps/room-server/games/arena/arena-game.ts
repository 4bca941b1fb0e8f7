import type { Entities } from '../../../../shared/protocol/index.js';
import type { Game, GameContext } from '../../game-api.js';
import { parseArenaInput, type ArenaInput } from './input.js';
import { ARENA_RULES as R, ARENA_SPRINT_LIMITS } from './rules.js';

/**
 * "Arena": players move in a 2D field, collect pickups (+1) and tag each other (+3, the
 * tagged player respawns). First to the score limit wins, else the best score at the time
 * limit. Everything is decided here on the server; a client only says where it wants to go.
 */
interface ArenaPlayer {
  x: number;
  y: number;
  dx: number;
  dy: number;
  score: number;
  pickups: number;
  tags: number;
  tagged: number;
  lastTagAtMs: number;
  connected: boolean;
}

export interface ArenaState {
  elapsedMs: number;
  players: Record<string, ArenaPlayer>;
  pickups: Record<string, { x: number; y: number }>;
  nextPickupId: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function randomSpot(ctx: GameContext, margin: number): { x: number; y: number } {
  return {
    x: round1(margin + ctx.random() * (R.width - 2 * margin)),
    y: round1(margin + ctx.random() * (R.height - 2 * margin)),
  };
}

function spawnPickups(state: ArenaState, ctx: GameContext): void {
  while (Object.keys(state.pickups).length < R.maxPickups) {
    state.pickups[String(state.nextPickupId++)] = randomSpot(ctx, 30);
  }
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function nearestOther(state: ArenaState, id: string, maxDistance: number): string | undefined {
  const me = state.players[id]!;
  let best: string | undefined;
  let bestDistance = maxDistance;
  for (const [otherId, other] of Object.entries(state.players)) {
    if (otherId === id) continue;
    const d = distance(me, other);
    if (d <= bestDistance) {
      best = otherId;
      bestDistance = d;
    }
  }
  return best;
}

function tryTag(state: ArenaState, taggerId: string, ctx: GameContext): void {
  const tagger = state.players[taggerId]!;
  if (state.elapsedMs - tagger.lastTagAtMs < R.tagCooldownMs) return; // cooldown: ignored
  tagger.lastTagAtMs = state.elapsedMs;
  const victimId = nearestOther(state, taggerId, R.tagRange);
  if (!victimId) return;
  const victim = state.players[victimId]!;
  tagger.score += R.pointsPerTag;
  tagger.tags++;
  victim.tagged++;
  Object.assign(victim, randomSpot(ctx, R.playerRadius));
}

/** The match ends at the score limit, else at the time limit; the best score wins. */
function resultWithin(limits: {
  scoreLimit: number;
  timeLimitMs: number;
}): Game<ArenaState, ArenaInput>['result'] {
  return (state) => {
    const players = Object.entries(state.players);
    const top = Math.max(0, ...players.map(([, p]) => p.score));
    const reason =
      top >= limits.scoreLimit ? 'score' : state.elapsedMs >= limits.timeLimitMs ? 'time' : undefined;
    if (!reason) return undefined;
    const leaders = players.filter(([, p]) => p.score === top);
    return {
      reason,
      winner: leaders.length === 1 ? leaders[0]![0] : null,
      players: Object.fromEntries(
        players.map(([id, p]) => [
          id,
          { score: p.score, pickups: p.pickups, tags: p.tags, tagged: p.tagged },
        ]),
      ),
    };
  };
}

export const arenaGame: Game<ArenaState, ArenaInput> = {
  name: 'arena',
  maxPlayers: R.maxPlayers,

  create(ctx) {
    const state: ArenaState = { elapsedMs: 0, players: {}, pickups: {}, nextPickupId: 1 };
    spawnPickups(state, ctx);
    return state;
  },

  parseInput: parseArenaInput,

  onJoin(state, playerId, ctx) {
    state.players[playerId] = {
      ...randomSpot(ctx, R.playerRadius),
      dx: 0,
      dy: 0,
      score: 0,
      pickups: 0,
      tags: 0,
      tagged: 0,
      lastTagAtMs: -R.tagCooldownMs,
      connected: true,
    };
  },

  onDisconnect(state, playerId) {
    const p = state.players[playerId];
    if (p) Object.assign(p, { dx: 0, dy: 0, connected: false });
  },

  onReconnect(state, playerId) {
    const p = state.players[playerId];
    if (p) p.connected = true;
  },

  onLeave(state, playerId) {
    delete state.players[playerId];
  },

  onInput(state, playerId, input, ctx) {
    const p = state.players[playerId];
    if (!p) return;
    p.dx = input.mx;
    p.dy = input.my;
    if (input.tag) tryTag(state, playerId, ctx);
  },

  onTick(state, ctx) {
    state.elapsedMs += ctx.tickMs;
    const step = (R.playerSpeed * ctx.tickMs) / 1000;
    for (const p of Object.values(state.players)) {
      p.x = round1(clamp(p.x + p.dx * step, R.playerRadius, R.width - R.playerRadius));
      p.y = round1(clamp(p.y + p.dy * step, R.playerRadius, R.height - R.playerRadius));
      for (const [id, pickup] of Object.entries(state.pickups)) {
        if (distance(p, pickup) <= R.playerRadius + R.pickupRadius) {
          delete state.pickups[id];
          p.score += R.pointsPerPickup;
          p.pickups++;
        }
      }
    }
    spawnPickups(state, ctx);
  },

  view(state) {
    const out: Entities = {};
    for (const [id, p] of Object.entries(state.players)) {
      out[`p:${id}`] = { k: 'p', x: p.x, y: p.y, s: p.score, c: p.connected };
    }
    for (const [id, k] of Object.entries(state.pickups)) out[`k:${id}`] = { k: 'k', x: k.x, y: k.y };
    return out;
  },

  result: resultWithin(R),

  botInput(state, botId, ctx) {
    const me = state.players[botId];
    if (!me) return undefined;
    const target =
      Object.values(state.pickups).sort((a, b) => distance(me, a) - distance(me, b))[0] ??
      randomSpot(ctx, 50);
    const d = Math.max(1, distance(me, target));
    const tag = nearestOther(state, botId, R.tagRange) !== undefined;
    return { mx: clamp((target.x - me.x) / d, -1, 1), my: clamp((target.y - me.y) / d, -1, 1), tag };
  },
};

/**
 * The same game with short matches (first to 5, or 20 seconds): for load tests and demos
 * that want the whole queue-play-finish-requeue cycle many times a minute (ROOM_GAME=arena-sprint).
 */
export const arenaSprintGame: Game<ArenaState, ArenaInput> = {
  ...arenaGame,
  name: 'arena-sprint',
  result: resultWithin(ARENA_SPRINT_LIMITS),
};
