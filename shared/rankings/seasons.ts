import type { RankingKeys } from './keys.js';
import type { RedisClient } from './redis-client.js';
import { RankingsError } from './rankings-error.js';

export interface Season {
  id: string;
  startedAt: number;
}

const SEASON_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const FIRST_SEASON = 's1';
const CURRENT_TTL_MS = 1_000;

/**
 * Seasons: leaderboards are per season. Starting a new season makes its (empty) boards the
 * current ones; every earlier season's boards stay readable as they were.
 */
export class Seasons {
  private cached: { id: string; until: number } | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RankingKeys,
  ) {}

  /** The current season; cached for CURRENT_TTL_MS, so a new season is seen within that. */
  async current(): Promise<string> {
    if (this.cached && Date.now() < this.cached.until) return this.cached.id;
    const id = (await this.redis.get(this.keys.currentSeason)) ?? FIRST_SEASON;
    this.cached = { id, until: Date.now() + CURRENT_TTL_MS };
    return id;
  }

  async list(): Promise<Season[]> {
    const raw = await this.redis.hgetall(this.keys.seasons);
    const seasons = Object.values(raw).map((v) => JSON.parse(v) as Season);
    if (!seasons.some((s) => s.id === FIRST_SEASON)) seasons.push({ id: FIRST_SEASON, startedAt: 0 });
    return seasons.sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Starts season `id` now; refuses an id already used (seasons never restart). */
  async start(id: string, now = Date.now()): Promise<Season> {
    if (!SEASON_ID.test(id))
      throw new RankingsError('bad_request', 'season id must be 1-32 of [A-Za-z0-9_-]');
    const season: Season = { id, startedAt: now };
    if (id === FIRST_SEASON || !(await this.redis.hsetnx(this.keys.seasons, id, JSON.stringify(season)))) {
      throw new RankingsError('bad_request', `season ${id} exists already`);
    }
    await this.redis.set(this.keys.currentSeason, id);
    this.cached = { id, until: Date.now() + CURRENT_TTL_MS };
    return season;
  }

  /** The season asked for (default: current); not_found for one that never existed. */
  async resolve(id: string | undefined): Promise<string> {
    if (id === undefined) return this.current();
    if (id === FIRST_SEASON || (await this.redis.hexists(this.keys.seasons, id))) return id;
    throw new RankingsError('not_found', `no season "${id}"`);
  }
}
