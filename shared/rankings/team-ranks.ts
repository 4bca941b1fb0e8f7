import type { MatchResult } from '../protocol/index.js';
import { ranksFromScores } from './skill.js';

/**
 * Each team's place (1 = best; equal places are a draw) from a result, as the game API
 * promises: by `placement` (1 = best) when every rated player has one, a team placed by its
 * best member; otherwise by the team's summed `score` (higher is better). A game that ends
 * by forfeit can give the winner placement 1 with fewer points than the loser: the placement
 * decides.
 */
export function teamRanks(result: Pick<MatchResult, 'players'>, teams: string[][]): number[] {
  const placement = (p: string) => result.players[p]?.placement;
  const placed = teams.every((team) => team.every((p) => Number.isFinite(placement(p))));
  if (placed) return ranksFromScores(teams.map((team) => -Math.min(...team.map((p) => placement(p)!))));
  return ranksFromScores(
    teams.map((team) => team.reduce((sum, p) => sum + (result.players[p]?.score ?? 0), 0)),
  );
}
