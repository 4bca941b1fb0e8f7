import type { ArenaClient, ArenaClientEvents } from '../../shared/client/index.js';

/**
 * Resolves when `predicate` holds, checked now and after each `event` from the client;
 * rejects after timeoutMs with `what` in the message. Event-driven: no polling sleeps.
 */
export function waitForClient<K extends keyof ArenaClientEvents>(
  client: ArenaClient,
  event: K,
  predicate: (payload: ArenaClientEvents[K] | undefined) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<ArenaClientEvents[K] | undefined> {
  return new Promise((resolve, reject) => {
    if (predicate(undefined)) return resolve(undefined);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** The x coordinate of a player as `viewer` currently sees it. */
export function seenX(viewer: ArenaClient, playerId: string): number | undefined {
  const e = viewer.entities.get(`p:${playerId}`);
  return typeof e?.x === 'number' ? e.x : undefined;
}
