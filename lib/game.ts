/**
 * `arena/game`: what a studio writes a game against. See docs/games.md.
 * @packageDocumentation
 */
export {
  defineGame,
  type AnyGame,
  type Entities,
  type Entity,
  type Game,
  type GameContext,
  type GameErrorInfo,
  type GameResult,
  type JoinRefusal,
  type PlayerResult,
} from '../apps/room-server/game-api.js';
