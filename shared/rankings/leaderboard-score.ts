/**
 * Leaderboard sorted-set scores: rating points first, and for equal points the earlier
 * achievement first. Both go into one double: points * 2^32 + (2^32 - 1 - seconds since
 * 2020), exact for points below 2^20. Equal points and equal second fall back to Redis'
 * own order of members, which is deterministic too.
 */
const EPOCH_2020_S = 1_577_836_800;
const SHIFT = 2 ** 32;
export const MAX_POINTS = 2 ** 20 - 1;

export function encodeScore(points: number, achievedAtMs: number): number {
  const p = Math.min(MAX_POINTS, Math.max(0, Math.round(points)));
  const seconds = Math.min(SHIFT - 1, Math.max(0, Math.floor(achievedAtMs / 1000) - EPOCH_2020_S));
  return p * SHIFT + (SHIFT - 1 - seconds);
}

export function decodeScore(score: number): { points: number; achievedAtMs: number } {
  const points = Math.floor(score / SHIFT);
  const seconds = SHIFT - 1 - (score - points * SHIFT);
  return { points, achievedAtMs: (seconds + EPOCH_2020_S) * 1000 };
}
