/**
 * Matchmaking keys. They share the hash tag {mm} so that every state change of a ticket is
 * one atomic Lua script, on one Redis (or one Redis Cluster slot).
 */
export function matchmakingKeys(prefix: string) {
  const mm = `${prefix}{mm}`;
  return {
    /** Sorted set: ticket id -> rating (score = skill rating). */
    pool: (queue: string) => `${mm}:q:${queue}:pool`,
    /** Sorted set: ticket id -> enqueue time (ms): oldest first, and timeouts. */
    age: (queue: string) => `${mm}:q:${queue}:age`,
    /** Sorted set: claimed ticket id -> claim deadline (ms); past it, the ticket goes back. */
    claimed: (queue: string) => `${mm}:q:${queue}:claimed`,
    /** Hash: claimed ticket id -> claim token of the matchmaker that holds it. */
    claims: (queue: string) => `${mm}:q:${queue}:claims`,
    /** Hash: ticket id -> ticket JSON. */
    tickets: `${mm}:tickets`,
    /** Hash per player: state (queued | claimed | matched), ticket, queue, match, room. */
    player: (playerId: string) => `${mm}:player:${playerId}`,
    /** Set: players who accepted to be queued in this leader's party. */
    party: (leader: string) => `${mm}:party:${leader}`,
    /** String: a match record (JSON). */
    match: (matchId: string) => `${mm}:match:${matchId}`,
    /** Sorted set: match id -> creation time. */
    matches: `${mm}:matches`,
    /** Sorted set: "ticketId|outcome" -> time; outcome is match:<id>, timeout or cancelled. */
    outcomes: `${mm}:outcomes`,
    /** Pub/sub channel every gateway listens on for match_found and queue_ended. */
    events: `${prefix}mm:events`,
  };
}
export type MatchmakingKeys = ReturnType<typeof matchmakingKeys>;
