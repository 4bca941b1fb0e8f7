/** The numbers that define the reference game; clients get them only through what they see. */
export const ARENA_RULES = {
  width: 800,
  height: 600,
  /** Units per second: the speed cap no input can exceed. */
  playerSpeed: 200,
  playerRadius: 16,
  pickupRadius: 10,
  maxPickups: 5,
  /** Distance within which a tag lands. */
  tagRange: 48,
  tagCooldownMs: 1000,
  pointsPerPickup: 1,
  pointsPerTag: 3,
  scoreLimit: 20,
  timeLimitMs: 180_000,
  maxPlayers: 8,
} as const;

/** Limits of the short variant, arena-sprint (everything else as above). */
export const ARENA_SPRINT_LIMITS = { scoreLimit: 5, timeLimitMs: 20_000 } as const;
