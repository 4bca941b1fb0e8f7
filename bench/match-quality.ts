import type { Redis } from 'ioredis';
import type { MatchmakingKeys } from '../shared/matchmaking/keys.js';
import type { MatchRecord } from '../shared/matchmaking/types.js';
import { percentile } from './percentile.js';

/** A deterministic ticket stream: the same seed gives the same ratings, run after run. */
export function seededRatings(seed: number): () => number {
  let s = seed >>> 0;
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Ratings bunched around 1500, as real populations are.
  return () => Math.round(1500 + ((next() + next() + next() - 1.5) / 1.5) * 500);
}

/** The match records of one queue created in [from, to] (ms), read in chunks. */
export async function matchRecords(
  redis: Redis,
  keys: MatchmakingKeys,
  queue: string,
  from: number,
  to: number,
): Promise<MatchRecord[]> {
  const ids = await redis.zrangebyscore(keys.matches, from, to);
  const out: MatchRecord[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const raw = await redis.mget(ids.slice(i, i + 1000).map((id) => keys.match(id)));
    for (const r of raw) {
      const m = r ? (JSON.parse(r) as MatchRecord) : undefined;
      if (m?.queue === queue) out.push(m);
    }
  }
  return out;
}

export interface MatchQuality {
  matches: number;
  tickets: number;
  spreadMean: number;
  spreadP99: number;
  /** p50 / p99 wait (ms) of the tickets in the lowest 10%, middle 80% and top 10% of ratings. */
  waitByRating: { low: [number, number]; middle: [number, number]; high: [number, number] };
}

/** Rating spread per match (max - min ticket rating) and wait by rating percentile. */
export function matchQuality(records: MatchRecord[]): MatchQuality {
  const spreads = records.map((m) => {
    const r = m.tickets.map((t) => t.rating);
    return Math.max(...r) - Math.min(...r);
  });
  const tickets = records.flatMap((m) => m.tickets);
  const ratings = tickets.map((t) => t.rating).sort((a, b) => a - b);
  const p10 = percentile(ratings, 10);
  const p90 = percentile(ratings, 90);
  const waits = (keep: (r: number) => boolean): [number, number] => {
    const w = tickets.filter((t) => keep(t.rating)).map((t) => t.waitMs);
    return [percentile(w, 50), percentile(w, 99)];
  };
  return {
    matches: records.length,
    tickets: tickets.length,
    spreadMean: spreads.reduce((a, b) => a + b, 0) / Math.max(1, spreads.length),
    spreadP99: percentile(spreads, 99),
    waitByRating: {
      low: waits((r) => r < p10),
      middle: waits((r) => r >= p10 && r <= p90),
      high: waits((r) => r > p90),
    },
  };
}

export const qualityText = (q: MatchQuality) =>
  `spread mean ${q.spreadMean.toFixed(1)} / p99 ${q.spreadP99}; wait p50/p99 ms low10% ${q.waitByRating.low.join('/')}, mid ${q.waitByRating.middle.join('/')}, top10% ${q.waitByRating.high.join('/')}`;
