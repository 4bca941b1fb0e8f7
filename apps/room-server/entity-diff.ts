import type { Entities, Entity } from '../../shared/protocol/index.js';

function sameEntity(a: Entity, b: Entity): boolean {
  for (const key in b) if (a[key] !== b[key]) return false;
  for (const key in a) if (!(key in b)) return false;
  return true;
}

/** What changed between two views: entities new or different, and ids gone. */
export function diffEntities(prev: Entities, next: Entities): { changed: Entities; removed: string[] } {
  const changed: Entities = {};
  for (const id in next) {
    const before = prev[id];
    if (!before || !sameEntity(before, next[id]!)) changed[id] = next[id]!;
  }
  const removed: string[] = [];
  for (const id in prev) if (!(id in next)) removed.push(id);
  return { changed, removed };
}

/** True when two views hold the same entities with the same fields. */
export function sameEntities(a: Entities, b: Entities): boolean {
  if (a === b) return true;
  let count = 0;
  for (const id in b) {
    const before = a[id];
    if (!before || !sameEntity(before, b[id]!)) return false;
    count++;
  }
  for (const _id in a) if (--count < 0) return false;
  return true;
}
