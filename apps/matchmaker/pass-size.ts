/**
 * Tickets a pass reads and matches in memory: the oldest of the queue (their priority). The
 * size adapts so that allocating a pass's matches takes at most a quarter of the claim timeout
 * (a slower Redis gets smaller passes, so claims never expire while their matches are being
 * recorded), between these bounds; the maximum bounds a read (about 150 bytes of JSON a ticket).
 */
export const MAX_TICKETS_PER_PASS = 4_000;
export const MIN_TICKETS_PER_PASS = 64;
export const FIRST_TICKETS_PER_PASS = 1_000;

/** The next pass's size after a pass of `size` tickets whose allocation took `allocationMs`. */
export function nextPassSize(size: number, allocationMs: number, claimTimeoutMs: number): number {
  const budget = claimTimeoutMs / 4;
  if (allocationMs > budget) return Math.max(MIN_TICKETS_PER_PASS, Math.floor(size / 2));
  if (allocationMs < budget / 2) return Math.min(MAX_TICKETS_PER_PASS, Math.ceil(size * 1.25));
  return size;
}
