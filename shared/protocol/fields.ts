/** Field checks shared by every message parser: each returns the value or undefined. */

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Room, player, gateway and server ids: 1-64 characters of [A-Za-z0-9_.:-]. */
export function asId(value: unknown): string | undefined {
  return typeof value === 'string' && ID.test(value) ? value : undefined;
}

export function asUint(value: unknown, max = 0xffffffff): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max
    ? value
    : undefined;
}

export function asFiniteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function asIdList(value: unknown, maxItems: number): string[] | undefined {
  if (!Array.isArray(value) || value.length > maxItems) return undefined;
  return value.every((v) => asId(v) !== undefined) ? (value as string[]) : undefined;
}
