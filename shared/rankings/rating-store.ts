import type { MatchResult } from '../protocol/index.js';
import { encodeScore } from './leaderboard-score.js';
import { GLOBAL_BOARD, REFERENCE_GAME, regionBoard, type RankingKeys } from './keys.js';
import type { RedisClient } from './redis-client.js';
import { teamRanks } from './team-ranks.js';
import type { Seasons } from './seasons.js';
import { LuaScript } from '../redis/lua-script.js';
import { Batcher } from './batcher.js';
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
  'arenaRatingsApplyMany',
  `
-- Applies matches, each as one unit and in order: a match's new skills are written only if it
-- was never applied and every player's skill is still what the computation read (another match,
-- maybe an earlier one of this call, may have changed one: then the caller recomputes). Returns
-- two entries per match: {'ok', ''}, {'applied', stored outcome} when it was applied before, or
-- {'conflict', player}.
-- KEYS, 3 per match: skills hash (player -> skill JSON), mmr hash (player -> matchmaking
--   rating), applied string (the match's stored outcome; its presence: applied)
-- ARGV[1] keepAppliedMs; then per match: outcome JSON, player count n, and n times 4:
--   player, skill read (JSON or ''), new skill JSON, new rating
local keepAppliedMs = ARGV[1]
local out = {}
local a = 2
for m = 0, #KEYS / 3 - 1 do
  local skills, mmr, applied = KEYS[m * 3 + 1], KEYS[m * 3 + 2], KEYS[m * 3 + 3]
  local outcome, n, first = ARGV[a], tonumber(ARGV[a + 1]), a + 2
  a = first + n * 4
  local done = redis.call('GET', applied)
  local conflict = nil
  if not done then
    for i = 0, n - 1 do
      local player, read = ARGV[first + i * 4], ARGV[first + i * 4 + 1]
      if (redis.call('HGET', skills, player) or '') ~= read then
        conflict = player
        break
      end
    end
  end
  if done then
    out[#out + 1] = 'applied'
    out[#out + 1] = done
  elseif conflict then
    out[#out + 1] = 'conflict'
    out[#out + 1] = conflict
  else
    for i = 0, n - 1 do
      local player = ARGV[first + i * 4]
      redis.call('HSET', skills, player, ARGV[first + i * 4 + 2])
      redis.call('HSET', mmr, player, ARGV[first + i * 4 + 3])
    end
    redis.call('SET', applied, outcome, 'PX', keepAppliedMs)
    out[#out + 1] = 'ok'
    out[#out + 1] = ''
  end
end
return out`,
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
/** Matches per apply script, board entries' matches per board script: each script stays short. */
const MAX_MATCHES_PER_CALL = 64;
/** Every ratings key is in the {ratings} slot: one apply call can serve every game's matches. */
const RATINGS_SLOT = '{ratings}';

/** One match's apply, as the apply script takes it. */
interface ApplyCall {
  keys: [skills: string, mmr: string, applied: string];
  outcome: string;
  /** Per player: player, skill read, new skill, new rating. */
  players: string[];
}
type ApplyAnswer = [status: 'ok' | 'applied' | 'conflict', payload: string];

/**
 * Turns match results into ratings and leaderboard entries, exactly once per match: a
 * retried or redelivered result changes nothing, even when duplicates arrive concurrently.
 *
 * Round trips: the OpenSkill math runs here, between a read of the players' skills and the
 * apply script that writes them only if they are unchanged; the boards live in other hash
 * slots (one per board, spread over a cluster), so they are a third call, one per board, all
 * sent at once. Concurrent matches share those calls (batcher.ts): under load a read, an apply
 * and a board write each serve many matches.
 */
export class RatingStore {
  private readonly reads: Batcher<string[], (string | null)[]>;
  private readonly applies: Batcher<ApplyCall, ApplyAnswer>;
  private readonly boardWrites: Batcher<string[], undefined>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RankingKeys,
    private readonly seasons: Seasons,
  ) {
    this.reads = new Batcher(
      (skillsKey, playerLists) => this.readSkills(skillsKey, playerLists),
      MAX_MATCHES_PER_CALL,
    );
    this.applies = new Batcher((_, calls) => this.applyMany(calls), MAX_MATCHES_PER_CALL);
    this.boardWrites = new Batcher(async (board, entryLists) => {
      await UPDATE_BOARD.run(this.redis, [board], entryLists.flat());
      return entryLists.map(() => undefined);
    }, MAX_MATCHES_PER_CALL);
  }

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
   *
   * A failure after the apply (the board write) rejects; applying the match again then finds
   * it applied and writes the boards from the stored outcome, which rewrites the same entries.
   */
  async apply(result: MatchResult, endedAt: number): Promise<AppliedMatch | undefined> {
    if (!result.matchId || !result.teams) return undefined;
    const teams = result.teams.filter((t) => t.length > 0);
    if (teams.length < 2) return undefined;
    const players = teams.flat();
    const { game } = result;
    const skillsKey = this.keys.skills(game);
    const callKeys: ApplyCall['keys'] = [skillsKey, this.keys.mmr(game), this.keys.applied(result.matchId)];
    const season = await this.seasons.current();
    const region = result.queue?.split('.')[1] ?? null;

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const raw = await this.reads.add(skillsKey, players);
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
      const [status, payload] = await this.applies.add(RATINGS_SLOT, {
        keys: callKeys,
        outcome: JSON.stringify(outcome),
        players: players.flatMap((p, i) => [
          p,
          raw[i] ?? '',
          JSON.stringify(after[i]),
          String(matchmakingRating(after[i]!)),
        ]),
      });
      if (status === 'conflict') continue;
      // An outcome stored before ratings were per game names no game: it was the reference game's.
      const applied = {
        game: REFERENCE_GAME,
        ...(status === 'ok' ? outcome : (JSON.parse(payload) as Omit<AppliedMatch, 'game'>)),
      };
      await this.updateBoards(applied);
      return applied;
    }
    throw new Error(`match ${result.matchId}: ratings kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  /** One HMGET for every list of players waiting on the same skills hash. */
  private async readSkills(skillsKey: string, playerLists: string[][]): Promise<(string | null)[][]> {
    const unique = [...new Set(playerLists.flat())];
    const raw = await this.redis.hmget(skillsKey, ...unique);
    const byPlayer = new Map(unique.map((p, i) => [p, raw[i] ?? null]));
    return playerLists.map((list) => list.map((p) => byPlayer.get(p)!));
  }

  /** One apply script for every match waiting (all their keys are in the {ratings} slot). */
  private async applyMany(calls: ApplyCall[]): Promise<ApplyAnswer[]> {
    const args: (string | number)[] = [KEEP_APPLIED_MS];
    for (const c of calls) args.push(c.outcome, c.players.length / 4, ...c.players);
    const flat = (await APPLY.run(
      this.redis,
      calls.flatMap((c) => c.keys),
      args,
    )) as string[];
    return calls.map((_, i) => [flat[i * 2], flat[i * 2 + 1]] as ApplyAnswer);
  }

  /**
   * Writes each player's entry on the match's game's boards unless the board already holds a
   * later achievement of theirs: a re-applied (or late) match never overwrites a newer match's
   * standing. Each board is its own call (its own slot); they go out together.
   */
  private async updateBoards(applied: AppliedMatch): Promise<void> {
    const boards = [GLOBAL_BOARD, ...(applied.region ? [regionBoard(applied.region)] : [])];
    const entries = Object.entries(applied.players).flatMap(([p, o]) => [
      String(encodeScore(o.display, applied.endedAt)),
      p,
    ]);
    await Promise.all(
      boards.map((board) =>
        this.boardWrites.add(this.keys.board(applied.season, board, applied.game), entries),
      ),
    );
  }
}
