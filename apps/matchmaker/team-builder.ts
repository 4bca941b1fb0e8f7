/** A party (or a single player) to place: it always lands on one team, whole. */
export interface Placeable {
  players: string[];
  rating: number;
}

/**
 * Splits parties into `teams` teams of exactly `teamSize` players, never splitting a party,
 * choosing the split whose team average ratings are closest (best balance). Undefined when
 * no split fits. Exhaustive, which is fine at match sizes (at most 64 players).
 */
export function buildTeams(parties: Placeable[], teams: number, teamSize: number): string[][] | undefined {
  const total = parties.reduce((n, p) => n + p.players.length, 0);
  if (total !== teams * teamSize || parties.some((p) => p.players.length > teamSize)) return undefined;
  // Larger parties first prunes the search early; ties by rating keep the result deterministic.
  const order = [...parties].sort((a, b) => b.players.length - a.players.length || b.rating - a.rating);
  const sizes = new Array<number>(teams).fill(0);
  const sums = new Array<number>(teams).fill(0);
  const assignment = new Array<number>(order.length);
  let best: { spread: number; assignment: number[] } | undefined;
  let explored = 0;

  const place = (i: number): void => {
    if (++explored > 200_000) return; // bounded work, whatever the input
    if (i === order.length) {
      const avgs = sums.map((s) => s / teamSize);
      const spread = Math.max(...avgs) - Math.min(...avgs);
      if (!best || spread < best.spread) best = { spread, assignment: [...assignment] };
      return;
    }
    const party = order[i]!;
    const seenEmpty = new Set<number>();
    for (let t = 0; t < teams; t++) {
      if (sizes[t]! + party.players.length > teamSize) continue;
      // Empty teams are interchangeable: trying one of them is enough.
      if (sizes[t] === 0) {
        if (seenEmpty.size > 0) continue;
        seenEmpty.add(t);
      }
      sizes[t]! += party.players.length;
      sums[t]! += party.rating * party.players.length;
      assignment[i] = t;
      place(i + 1);
      sizes[t]! -= party.players.length;
      sums[t]! -= party.rating * party.players.length;
    }
  };
  place(0);
  if (!best) return undefined;
  const result: string[][] = Array.from({ length: teams }, () => []);
  const chosen = best as { assignment: number[] };
  order.forEach((party, i) => result[chosen.assignment[i]!]!.push(...party.players));
  return result;
}
