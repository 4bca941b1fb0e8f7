import { asId, isPlainObject } from '../protocol/fields.js';
import { GAME_NAME } from './keys.js';
import { RankingsError } from './rankings-error.js';

export const MAX_PAGE = 100;
export const MAX_OFFSET = 1_000_000;
export const MAX_RADIUS = 50;
export const MAX_FRIENDS = 100;

/**
 * Which board: a game (default: the reference game, REFERENCE_GAME), a season (default:
 * current) and a region (default: global).
 */
interface BoardRef {
  game?: string;
  season?: string;
  region?: string;
}

export type LeaderboardQuery =
  | (BoardRef & { kind: 'top'; offset: number; limit: number })
  | (BoardRef & { kind: 'player'; player: string })
  | (BoardRef & { kind: 'around'; player: string; radius: number })
  | (BoardRef & { kind: 'friends'; players: string[] })
  | { kind: 'seasons' };

function bad(message: string): never {
  throw new RankingsError('bad_request', message);
}

function intIn(raw: unknown, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    bad(`${name} must be an integer ${min}..${max}`);
  return n;
}

function optionalId(raw: unknown, name: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  return asId(raw) ?? bad(`${name} must be an id of [A-Za-z0-9_.:-]`);
}

function gameName(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !GAME_NAME.test(raw)) bad('game must be a game name: 1-64 of [A-Za-z0-9_-]');
  return raw;
}

/**
 * Validates an untrusted leaderboard query (from HTTP query strings or a protocol frame):
 * every number bounded, every id checked, so that no request can ask for unbounded work.
 */
export function parseLeaderboardQuery(raw: unknown): LeaderboardQuery {
  if (!isPlainObject(raw)) bad('query must be an object');
  const ref: BoardRef = {
    game: gameName(raw.game),
    season: optionalId(raw.season, 'season'),
    region: optionalId(raw.region, 'region'),
  };
  switch (raw.kind) {
    case 'top':
      return {
        ...ref,
        kind: 'top',
        offset: intIn(raw.offset, 'offset', 0, MAX_OFFSET, 0),
        limit: intIn(raw.limit, 'limit', 1, MAX_PAGE, 10),
      };
    case 'player':
      return {
        ...ref,
        kind: 'player',
        player: optionalId(raw.player, 'player') ?? bad('player is required'),
      };
    case 'around':
      return {
        ...ref,
        kind: 'around',
        player: optionalId(raw.player, 'player') ?? bad('player is required'),
        radius: intIn(raw.radius, 'radius', 1, MAX_RADIUS, 5),
      };
    case 'friends': {
      const list = typeof raw.players === 'string' ? raw.players.split(',') : raw.players;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_FRIENDS)
        bad(`players must list 1..${MAX_FRIENDS} ids`);
      return {
        ...ref,
        kind: 'friends',
        players: list.map((p) => optionalId(p, 'players') ?? bad('players must be ids')),
      };
    }
    case 'seasons':
      return { kind: 'seasons' };
    default:
      return bad('kind must be top, player, around, friends or seasons');
  }
}
