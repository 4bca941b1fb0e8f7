import { isPlainObject } from '../../../../shared/protocol/fields.js';

/** A player's intent: a direction to move in (each axis -1..1) and whether to tag. */
export interface ArenaInput {
  mx: number;
  my: number;
  tag: boolean;
}

/**
 * Accepts { mx, my, tag? } with finite mx, my in [-1, 1]; anything else is rejected. A
 * diagonal longer than 1 is scaled down so that no input moves faster than the speed cap.
 */
export function parseArenaInput(raw: unknown): ArenaInput | undefined {
  if (!isPlainObject(raw)) return undefined;
  const { mx, my, tag } = raw;
  if (typeof mx !== 'number' || typeof my !== 'number') return undefined;
  if (!Number.isFinite(mx) || !Number.isFinite(my) || Math.abs(mx) > 1 || Math.abs(my) > 1) return undefined;
  if (tag !== undefined && typeof tag !== 'boolean') return undefined;
  const length = Math.hypot(mx, my);
  const scale = length > 1 ? 1 / length : 1;
  return { mx: mx * scale, my: my * scale, tag: tag === true };
}
