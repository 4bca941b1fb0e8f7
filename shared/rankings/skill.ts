import { ordinal, rate, rating as newRating } from 'openskill';

/** A player's skill estimate (Weng-Lin / OpenSkill, Plackett-Luce model): mean and uncertainty. */
export interface Skill {
  mu: number;
  sigma: number;
}

export const DEFAULT_SKILL: Skill = newRating();

/**
 * New skills after a match. `teams` holds each team's players' skills; `ranks` each team's
 * place (1 = best; equal ranks are a draw). Works for 1v1, team games and free-for-all.
 * `tau` (the package's small default unless given) keeps uncertainty from collapsing over
 * many games; 0 gives the model exactly as published.
 */
export function rateMatch(teams: Skill[][], ranks: number[], options: { tau?: number } = {}): Skill[][] {
  return rate(teams, { rank: ranks, ...options }).map((team) => team.map(({ mu, sigma }) => ({ mu, sigma })));
}

/** Leaderboard points: the conservative estimate (mu - 3 sigma) on a scale starting at 1000. */
export function displayRating(s: Skill): number {
  return Math.max(0, Math.round(1000 + 40 * ordinal(s)));
}

/** What the matchmaker scores tickets by: the mean estimate on the matchmaking scale (1500 to start). */
export function matchmakingRating(s: Skill): number {
  return Math.round(1500 + 40 * (s.mu - DEFAULT_SKILL.mu));
}

/** Dense ranks (1 = best) from scores, higher score better: [10, 30, 10] -> [2, 1, 2]. */
export function ranksFromScores(scores: number[]): number[] {
  const distinct = [...new Set(scores)].sort((a, b) => b - a);
  return scores.map((s) => distinct.indexOf(s) + 1);
}
