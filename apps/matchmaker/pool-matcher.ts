import { skillWindow, type ModeConfig } from '../../shared/matchmaking/modes.js';
import type { Ticket } from '../../shared/matchmaking/types.js';
import { findMatch, type FoundMatch } from './match-finder.js';

/**
 * Every match `findMatch` can form in a pool held in memory. The pool is sorted by rating once
 * and kept as a linked list of the tickets still free; anchors are served oldest first (their
 * priority), each looking only at its nearest free neighbours in rating order within its window
 * (`perSide` on each side, by default one match's worth: the closest ratings win), and a
 * match unlinks its tickets, so a pass costs a sort plus a bounded walk per ticket instead of a
 * Redis round trip per anchor. A ticket lands in at most one match.
 */
export function findMatches(
  pool: readonly Ticket[],
  mode: ModeConfig,
  now: number,
  perSide = mode.teams * mode.teamSize,
): FoundMatch[] {
  const byRating = [...pool].sort((a, b) => a.rating - b.rating || a.enqueuedAt - b.enqueuedAt);
  const n = byRating.length;
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const slot = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
    slot.set(byRating[i]!.id, i);
  }
  const free = new Uint8Array(n).fill(1);
  const unlink = (i: number) => {
    free[i] = 0;
    if (prev[i]! >= 0) next[prev[i]!] = next[i]!;
    if (next[i]! >= 0) prev[next[i]!] = prev[i]!;
  };
  const byAge = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) =>
      byRating[a]!.enqueuedAt - byRating[b]!.enqueuedAt || (byRating[a]!.id < byRating[b]!.id ? -1 : 1),
  );

  const matches: FoundMatch[] = [];
  for (const i of byAge) {
    if (!free[i]) continue;
    const anchor = byRating[i]!;
    const window = skillWindow(mode.window, now - anchor.enqueuedAt);
    const candidates: Ticket[] = [];
    for (let j = prev[i]!, k = 0; j >= 0 && k < perSide; j = prev[j]!, k++) {
      if (anchor.rating - byRating[j]!.rating > window) break;
      candidates.push(byRating[j]!);
    }
    for (let j = next[i]!, k = 0; j >= 0 && k < perSide; j = next[j]!, k++) {
      if (byRating[j]!.rating - anchor.rating > window) break;
      candidates.push(byRating[j]!);
    }
    const match = findMatch(anchor, candidates, mode, now);
    if (!match) continue;
    matches.push(match);
    for (const t of match.tickets) unlink(slot.get(t.id)!);
  }
  return matches;
}
