import type { MatchResult } from '../protocol/index.js';
import { encodeScore } from './leaderboard-score.js';
import { GLOBAL_BOARD, REFERENCE_GAME, regionBoard, type RankingKeys } from './keys.js';
import type { RedisClient } from './redis-client.js';
import { teamRanks } from './team-ranks.js';
import type { Seasons } from './seasons.js';
import { LuaScript } from '../redis/lua-script.js';
import { DEFAULT_SKILL, displayRating, matchmakingRating, rateMatch, type Skill } from './skill.js';

/** What one match did to ratings: stored, so a re-application redoes exactly the same. */
export interface AppliedMatch {
  matchId: string;
  /** The game whose ratings and boards the match changed (the result's game). */
  game: string;
  season: string;
  region: string | null;
  endedAt: number;
  players: Record<string, { before: Skill; after: Skill; display: number }>;
}

const APPLY = new LuaScript(
  'arenaRatingsApply',
  `
-- Applies a match's new skills only if it was never applied and every player's skill is
-- still what the computation read (another match may have changed one meanwhile: then the
-- caller recomputes). Returns {'ok', outcome}, {'applied', stored outcome} when it was applied
-- before, or {'conflict', player}.
-- KEYS[1] skills   hash: player -> skill JSON
-- KEYS[2] mmr      hash: player -> matchmaking rating
-- KEYS[3] applied  string: this match's stored outcome (its presence: applied)
-- ARGV[1] outcome JSON  ARGV[2] keepAppliedMs
-- ARGV[3..] per player, 4 each: player, skill read (JSON or ''), new skill JSON, new rating
local skills, mmr, applied = KEYS[1], KEYS[2], KEYS[3]
local outcome, keepAppliedMs = ARGV[1], ARGV[2]
local done = redis.call('GET', applied)
if done then return {'applied', done} end
local n = (#ARGV - 2) / 4
for i = 0, n - 1 do
  local player, read = ARGV[3 + i * 4], ARGV[4 + i * 4]
  local current = redis.call('HGET', skills, player) or ''
  if current ~= read then return {'conflict', player} end
end
for i = 0, n - 1 do
  local player, skill, rating = ARGV[3 + i * 4], ARGV[5 + i * 4], ARGV[6 + i * 4]
  redis.call('HSET', skills, player, skill)
  redis.call('HSET', mmr, player, rating)
end
redis.call('SET', applied, outcome, 'PX', keepAppliedMs)
return {'ok', outcome}`,
);

const UPDATE_BOARD = new LuaScript(
  'arenaRatingsUpdateBoard',
  `
-- Writes each entry unless the board holds a later achievement of that player. The low 32 bits
-- of a score hold (2^32 - 1 - achievement second): a smaller remainder is later.
-- KEYS[1] board  sorted set: player -> encoded score
-- ARGV[1..] pairs: score, player
local board = KEYS[1]
local shift = 4294967296
for i = 1, #ARGV, 2 do
  local score, player = tonumber(ARGV[i]), ARGV[i + 1]
  local current = redis.call('ZSCORE', board, player)
  if not current or (score % shift) <= (tonumber(current) % shift) then
    redis.call('ZADD', board, score, player)
  end
end
return 1`,
);

const KEEP_APPLIED_MS = 90 * 24 * 3_600_000;
const MAX_ATTEMPTS = 20;

/**
 * Turns match results into ratings and leaderboard entries, exactly once per match: a
 * retried or redelivered result changes nothing, even when duplicates arrive concurrently.
 */
export class RatingStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RankingKeys,
    private readonly seasons: Seasons,
  ) {}

  /** A player's skill in one game (each game rates on its own). */
  async skillOf(playerId: string, game: string): Promise<Skill> {
    const raw = await this.redis.hget(this.keys.skills(game), playerId);
    return raw ? (JSON.parse(raw) as Skill) : DEFAULT_SKILL;
  }

  /**
   * Applies a finished matchmade match to its game's ratings and boards (`result.game`). Teams
   * come from the result (one team per player in free-for-all); places from `placement`, else
   * the summed `score` (team-ranks.ts). Returns the (possibly earlier) outcome, or undefined
   * for a result that does not rate (not matchmade, or fewer than two sides).
   */
  async apply(result: MatchResult, endedAt: number): Promise<AppliedMatch | undefined> {
    if (!result.matchId || !result.teams) return undefined;
    const teams = result.teams.filter((t) => t.length > 0);
    if (teams.length < 2) return undefined;
    const players = teams.flat();
    const { game } = result;
    const skillsKey = this.keys.skills(game);
    const appliedKey = this.keys.applied(result.matchId);
    const season = await this.seasons.current();
    const region = result.queue?.split('.')[1] ?? null;

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const raw = await this.redis.hmget(skillsKey, ...players);
      const before = raw.map((r) => (r ? (JSON.parse(r) as Skill) : DEFAULT_SKILL));
      const byPlayer = new Map(players.map((p, i) => [p, before[i]!]));
      const after = rateMatch(
        teams.map((team) => team.map((p) => byPlayer.get(p)!)),
        teamRanks(result, teams),
      ).flat();
      const outcome: AppliedMatch = {
        matchId: result.matchId,
        game,
        season,
        region,
        endedAt,
        players: Object.fromEntries(
          players.map((p, i) => [
            p,
            { before: before[i]!, after: after[i]!, display: displayRating(after[i]!) },
          ]),
        ),
      };
      const args = players.flatMap((p, i) => [
        p,
        raw[i] ?? '',
        JSON.stringify(after[i]),
        String(matchmakingRating(after[i]!)),
      ]);
      const [status, payload] = (await APPLY.run(
        this.redis,
        [skillsKey, this.keys.mmr(game), appliedKey],
        [JSON.stringify(outcome), KEEP_APPLIED_MS, ...args],
      )) as [string, string];
      if (status === 'conflict') continue;
      // An outcome stored before ratings were per game names no game: it was the reference game's.
      const applied = { game: REFERENCE_GAME, ...(JSON.parse(payload) as Omit<AppliedMatch, 'game'>) };
      await this.updateBoards(applied);
      return applied;
    }
    throw new Error(`match ${result.matchId}: ratings kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  /**
   * Writes each player's entry on the match's game's boards unless the board already holds a
   * later achievement of theirs: a re-applied (or late) match never overwrites a newer match's
   * standing.
   */
  private async updateBoards(applied: AppliedMatch): Promise<void> {
    const boards = [GLOBAL_BOARD, ...(applied.region ? [regionBoard(applied.region)] : [])];
    const entries = Object.entries(applied.players).flatMap(([p, o]) => [
      String(encodeScore(o.display, applied.endedAt)),
      p,
    ]);
    await Promise.all(
      boards.map((board) =>
        UPDATE_BOARD.run(this.redis, [this.keys.board(applied.season, board, applied.game)], entries),
      ),
    );
  }
}
