import { skillWindow, type ModeConfig } from '../../shared/matchmaking/modes.js';
import type { Ticket } from '../../shared/matchmaking/types.js';
import { buildTeams } from './team-builder.js';

export interface FoundMatch {
  tickets: (Ticket & { waitMs: number; windowAtMatch: number })[];
  teams: string[][];
}

/**
 * Forms one match around `anchor` (the oldest ticket being served) from `candidates`
 * (tickets near its rating), oldest first. Every ticket in the match accepts every other:
 * the match's rating spread is within the smallest window among its tickets, given how long
 * each has waited. Parties stay whole; teams come out balanced.
 */
export function findMatch(
  anchor: Ticket,
  candidates: Ticket[],
  mode: ModeConfig,
  now: number,
): FoundMatch | undefined {
  const need = mode.teams * mode.teamSize;
  const windowOf = (t: Ticket) => skillWindow(mode.window, now - t.enqueuedAt);
  const pool = [
    anchor,
    ...candidates.filter((c) => c.id !== anchor.id).sort((a, b) => a.enqueuedAt - b.enqueuedAt),
  ];
  const chosen: Ticket[] = [];
  let players = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let minWindow = Infinity;

  for (const t of pool) {
    if (t.players.length > mode.teamSize || players + t.players.length > need) continue;
    const nlo = Math.min(lo, t.rating);
    const nhi = Math.max(hi, t.rating);
    const nwin = Math.min(minWindow, windowOf(t));
    if (nhi - nlo > nwin) {
      if (t === anchor) return undefined;
      continue;
    }
    chosen.push(t);
    if (players + t.players.length === need) {
      const teams = buildTeams(chosen, mode.teams, mode.teamSize);
      if (teams) {
        return {
          teams,
          tickets: chosen.map((c) => ({ ...c, waitMs: now - c.enqueuedAt, windowAtMatch: windowOf(c) })),
        };
      }
      chosen.pop(); // fills the match but cannot be packed into teams: try the next one
      continue;
    }
    players += t.players.length;
    [lo, hi, minWindow] = [nlo, nhi, nwin];
  }
  return undefined;
}
