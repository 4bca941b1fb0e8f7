import type { Entities, Game, GameContext } from 'arena/game';
import { chooseShot } from './bot.js';
import { isSunk, placeFleet, shipAt } from './fleet.js';
import { parseShot, type Shot } from './input.js';
import { parseBattleshipOptions, type BattleshipOptions } from './options.js';
import { opponentOf, type BattleshipState } from './state.js';

/**
 * Battleship for two players, turn-based with hidden information.
 *
 * Each player's fleet is placed at random when they join. Players take turns to fire one shot
 * at the opponent's board; a turn that runs out (`turnSeconds`) passes to the opponent, and
 * `forfeitAfterMissedTurns` missed turns in a row lose the match. The first to sink the whole
 * enemy fleet wins; leaving mid-match loses it.
 *
 * What each player sees (`view`): their own ships, every shot on both boards (hit or miss),
 * and the opponent's ships only once sunk or when the match is over.
 *
 * Messages to one player (`ctx.send`): `your_turn`, `shot_result`, `incoming`, `not_your_turn`,
 * `invalid_shot`, `turn_missed`, `opponent_disconnected`, `opponent_back`; to both
 * (`ctx.broadcast`): `match_started`, `game_over`.
 * Game events into the match log (`ctx.emit`): `shot`, `ship_sunk`, `turn_missed`, `forfeit`.
 */
export const battleship: Game<BattleshipState, Shot, BattleshipOptions> = {
  name: 'battleship',
  minPlayers: 2,
  maxPlayers: 2,
  /** Two ticks a second is plenty for turns counted in seconds. */
  tickRate: 2,

  parseOptions: parseBattleshipOptions,

  create(_ctx, options) {
    return {
      options,
      phase: 'waiting',
      players: [],
      boards: {},
      stats: {},
      turn: null,
      turnEndsAtMs: 0,
      elapsedMs: 0,
      winner: null,
      reason: null,
    };
  },

  parseInput: parseShot,

  canJoin(state) {
    if (state.phase !== 'waiting') return 'the match has already started';
    if (state.players.length >= 2) return 'the room is full';
    return true;
  },

  onJoin(state, playerId, ctx) {
    state.players.push(playerId);
    state.boards[playerId] = {
      ships: placeFleet(state.options.size, state.options.ships, ctx.random),
      shots: [],
    };
    state.stats[playerId] = { fired: 0, hits: 0, missedTurns: 0 };
    if (state.players.length === 2) {
      state.phase = 'playing';
      ctx.broadcast('match_started', { players: [...state.players], ...state.options });
      startTurn(state, state.players[0]!, ctx);
    }
  },

  onDisconnect(state, playerId, ctx) {
    const other = opponentOf(state, playerId);
    if (other && state.phase === 'playing') ctx.send(other, 'opponent_disconnected', { player: playerId });
  },

  onReconnect(state, playerId, ctx) {
    const other = opponentOf(state, playerId);
    if (other && state.phase === 'playing') ctx.send(other, 'opponent_back', { player: playerId });
    if (state.turn === playerId) ctx.send(playerId, 'your_turn', turnInfo(state));
  },

  onLeave(state, playerId, ctx) {
    if (state.phase === 'waiting') {
      state.players = state.players.filter((p) => p !== playerId);
      delete state.boards[playerId];
      delete state.stats[playerId];
      return;
    }
    if (state.phase === 'playing') finish(state, opponentOf(state, playerId)!, 'abandoned', ctx);
  },

  onInput(state, playerId, shot, ctx) {
    if (state.phase !== 'playing')
      return ctx.send(playerId, 'invalid_shot', { ...shot, reason: 'not_playing' });
    if (state.turn !== playerId) return ctx.send(playerId, 'not_your_turn', { turn: state.turn });
    const targetId = opponentOf(state, playerId)!;
    const board = state.boards[targetId]!;
    const { size } = state.options;
    if (shot.x >= size || shot.y >= size)
      return ctx.send(playerId, 'invalid_shot', { ...shot, reason: 'off_board' });
    if (board.shots.some((s) => s.x === shot.x && s.y === shot.y)) {
      return ctx.send(playerId, 'invalid_shot', { ...shot, reason: 'already_fired' });
    }
    fire(state, playerId, targetId, shot, ctx);
  },

  onTick(state, ctx) {
    state.elapsedMs += ctx.tickMs;
    if (state.phase !== 'playing' || state.elapsedMs < state.turnEndsAtMs) return;
    const late = state.turn!;
    const stats = state.stats[late]!;
    stats.missedTurns++;
    ctx.emit('turn_missed', { player: late, inARow: stats.missedTurns });
    if (stats.missedTurns >= state.options.forfeitAfterMissedTurns) {
      ctx.emit('forfeit', { player: late, missedTurns: stats.missedTurns });
      return finish(state, opponentOf(state, late)!, 'forfeit', ctx);
    }
    ctx.send(late, 'turn_missed', {
      inARow: stats.missedTurns,
      forfeitAfter: state.options.forfeitAfterMissedTurns,
    });
    startTurn(state, opponentOf(state, late)!, ctx);
  },

  view(state, viewerId) {
    const out: Entities = {
      game: {
        k: 'game',
        phase: state.phase,
        size: state.options.size,
        turn: state.turn ?? '',
        turnEndsAtMs: state.turnEndsAtMs,
        winner: state.winner ?? '',
      },
    };
    for (const owner of state.players) {
      const board = state.boards[owner]!;
      const stats = state.stats[owner]!;
      out[`p:${owner}`] = {
        k: 'player',
        id: owner,
        shipsLeft: board.ships.filter((s) => !isSunk(s)).length,
        fired: stats.fired,
        hits: stats.hits,
      };
      board.ships.forEach((ship, i) => {
        // The hidden information: an opponent's ship shows only once sunk, or when the match is over.
        if (owner !== viewerId && !isSunk(ship) && state.phase !== 'over') return;
        out[`s:${owner}:${i}`] = {
          k: 'ship',
          owner,
          x: ship.x,
          y: ship.y,
          len: ship.len,
          vertical: ship.vertical,
          sunk: isSunk(ship),
        };
      });
      for (const s of board.shots)
        out[`x:${owner}:${s.x}:${s.y}`] = { k: 'shot', owner, x: s.x, y: s.y, hit: s.hit };
    }
    return out;
  },

  result(state) {
    if (state.phase !== 'over' || !state.winner) return undefined;
    const winner = state.winner;
    return {
      winner,
      reason: state.reason ?? 'fleet_sunk',
      players: Object.fromEntries(
        state.players.map((p) => [p, { placement: p === winner ? 1 : 2, score: state.stats[p]!.hits }]),
      ),
      data: { shots: Object.values(state.stats).reduce((n, s) => n + s.fired, 0) },
    };
  },

  botInput(state, botId, ctx) {
    if (state.phase !== 'playing' || state.turn !== botId) return undefined;
    return chooseShot(state, botId, ctx.random);
  },
};

function turnInfo(state: BattleshipState) {
  return { turnSeconds: state.options.turnSeconds, turnEndsAtMs: state.turnEndsAtMs };
}

function startTurn(state: BattleshipState, playerId: string, ctx: GameContext): void {
  state.turn = playerId;
  state.turnEndsAtMs = state.elapsedMs + state.options.turnSeconds * 1000;
  ctx.send(playerId, 'your_turn', turnInfo(state));
}

function fire(
  state: BattleshipState,
  shooterId: string,
  targetId: string,
  shot: Shot,
  ctx: GameContext,
): void {
  const board = state.boards[targetId]!;
  const shipIndex = shipAt(board, shot.x, shot.y);
  const ship = board.ships[shipIndex];
  const hit = ship !== undefined;
  board.shots.push({ x: shot.x, y: shot.y, hit });
  const stats = state.stats[shooterId]!;
  stats.fired++;
  stats.missedTurns = 0;
  if (ship) {
    ship.hits++;
    stats.hits++;
  }
  const sunk = ship && isSunk(ship) ? ship.len : null;
  ctx.send(shooterId, 'shot_result', { x: shot.x, y: shot.y, hit, sunk });
  ctx.send(targetId, 'incoming', { x: shot.x, y: shot.y, hit, sunk });
  ctx.emit('shot', { by: shooterId, at: targetId, x: shot.x, y: shot.y, hit });
  if (ship && sunk !== null) ctx.emit('ship_sunk', { by: shooterId, owner: targetId, length: ship.len });
  if (board.ships.every(isSunk)) return finish(state, shooterId, 'fleet_sunk', ctx);
  startTurn(state, targetId, ctx);
}

function finish(state: BattleshipState, winner: string, reason: string, ctx: GameContext): void {
  state.phase = 'over';
  state.turn = null;
  state.winner = winner;
  state.reason = reason;
  ctx.broadcast('game_over', { winner, reason });
}

export type { BattleshipState, BattleshipOptions, Shot };
