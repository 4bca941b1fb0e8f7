/**
 * Finds the first value that is not plain data (what a room checkpoint or a frame can carry:
 * objects, arrays, finite numbers, strings, booleans, null). Returns its path, or undefined when
 * all of it is plain. Arena saves room state to Redis as msgpack and restores it on another
 * server, so a Map, class instance, function or NaN in it would not survive a restore.
 */
export function findNonPlainData(value: unknown, path = '$', depth = 0): string | undefined {
  if (depth > 64) return `${path} (nested more than 64 levels)`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} (${value})`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findNonPlainData(value[i], `${path}[${i}]`, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      return `${path} (${(value as object).constructor?.name ?? 'object'} instance)`;
    }
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue; // msgpack drops undefined properties; harmless
      const bad = findNonPlainData(v, `${path}.${key}`, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  return `${path} (${typeof value})`;
}
