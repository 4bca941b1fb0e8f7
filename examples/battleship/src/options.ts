/** Room options of a Battleship room, after validation. */
export interface BattleshipOptions {
  /** The board is size x size cells. */
  size: number;
  /** Each ship's length, one entry per ship. */
  ships: number[];
  /** Seconds a player has for a shot before the turn passes to the opponent. */
  turnSeconds: number;
  /** Missed turns in a row after which a player forfeits the match. */
  forfeitAfterMissedTurns: number;
}

/** The classic game: a 10 x 10 board, ships of 5, 4, 3, 3 and 2 cells. */
export const DEFAULT_OPTIONS: Readonly<BattleshipOptions> = Object.freeze({
  size: 10,
  ships: [5, 4, 3, 3, 2],
  turnSeconds: 30,
  forfeitAfterMissedTurns: 3,
});

/** Limits on everything a room's creator controls. */
export const OPTION_LIMITS = {
  size: { min: 5, max: 12 },
  shipCount: { min: 1, max: 10 },
  turnSeconds: { min: 2, max: 120 },
  forfeitAfterMissedTurns: { min: 1, max: 10 },
  /** Ships may cover at most this share of a board, so that a random layout always fits. */
  maxFleetShare: 0.4,
} as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/**
 * Validates untrusted room options (from a matchmaking mode or a join request). Missing
 * options take their defaults; anything unknown, out of range or of the wrong type is
 * refused with a reason the player can read.
 */
export function parseBattleshipOptions(raw: unknown): BattleshipOptions | string {
  if (raw === undefined || raw === null) return { ...DEFAULT_OPTIONS, ships: [...DEFAULT_OPTIONS.ships] };
  if (!isPlainObject(raw)) return 'options must be an object';
  const known = new Set(Object.keys(DEFAULT_OPTIONS));
  const unknown = Object.keys(raw).find((k) => !known.has(k));
  if (unknown !== undefined) return `unknown option "${unknown.slice(0, 40)}"`;
  const L = OPTION_LIMITS;
  const size = raw.size ?? DEFAULT_OPTIONS.size;
  if (!intIn(size, L.size.min, L.size.max))
    return `size must be an integer from ${L.size.min} to ${L.size.max}`;
  const ships = raw.ships ?? DEFAULT_OPTIONS.ships;
  if (!Array.isArray(ships) || ships.length < L.shipCount.min || ships.length > L.shipCount.max) {
    return `ships must be a list of ${L.shipCount.min} to ${L.shipCount.max} ship lengths`;
  }
  if (!ships.every((len) => intIn(len, 1, size)))
    return `every ship length must be an integer from 1 to ${size}`;
  const cells = (ships as number[]).reduce((sum, len) => sum + len, 0);
  if (cells > Math.floor(size * size * L.maxFleetShare)) {
    return `the ships cover ${cells} cells; a ${size}x${size} board allows at most ${Math.floor(size * size * L.maxFleetShare)}`;
  }
  const turnSeconds = raw.turnSeconds ?? DEFAULT_OPTIONS.turnSeconds;
  if (!intIn(turnSeconds, L.turnSeconds.min, L.turnSeconds.max)) {
    return `turnSeconds must be an integer from ${L.turnSeconds.min} to ${L.turnSeconds.max}`;
  }
  const forfeit = raw.forfeitAfterMissedTurns ?? DEFAULT_OPTIONS.forfeitAfterMissedTurns;
  const F = L.forfeitAfterMissedTurns;
  if (!intIn(forfeit, F.min, F.max))
    return `forfeitAfterMissedTurns must be an integer from ${F.min} to ${F.max}`;
  return { size, ships: [...(ships as number[])], turnSeconds, forfeitAfterMissedTurns: forfeit };
}
