import { OPTION_LIMITS } from './options.js';

/** A shot at cell (x, y) of the opponent's board; 0-based, x to the right, y down. */
export interface Shot {
  x: number;
  y: number;
}

/**
 * Turns an untrusted client value into a shot, or undefined (the client gets `bad_input`).
 * Only the coordinates are kept; the board's own size is checked when the shot is fired.
 */
export function parseShot(raw: unknown): Shot | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { x, y } = raw as Record<string, unknown>;
  const max = OPTION_LIMITS.size.max - 1;
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
  return ok(x) && ok(y) ? { x, y } : undefined;
}
