/**
 * Rendezvous (highest-random-weight) hashing: each (server, key) pair gets a pseudo-random
 * weight and the key goes to the server with the highest. Removing a server moves only the
 * keys it owned; adding one takes about 1/n of the keys, none from a server that stays.
 */

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of s, from a seed, finalised with murmur3's mixer. */
function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** A 53-bit weight for (server, key): the same on every process that computes it. */
export function rendezvousWeight(serverId: string, key: string): number {
  const s = `${serverId}\u0000${key}`;
  return hash32(s, 0x9e3779b9) * 0x200000 + (hash32(s, 0x85ebca6b) >>> 11);
}

/** The server that owns key among servers, or undefined when there are none. Ties go to the lower id. */
export function rendezvousOwner(key: string, servers: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const server of servers) {
    const w = rendezvousWeight(server, key);
    if (w > bestWeight || (w === bestWeight && best !== undefined && server < best)) {
      best = server;
      bestWeight = w;
    }
  }
  return best;
}
