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

/** Resolves with `promise`'s value, or rejects after timeoutMs naming `what`. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * For state that raises no event (Redis keys, files): checks `probe` every intervalMs until
 * it returns a value other than undefined, and rejects after timeoutMs naming `what` and the
 * last value `describe` gives.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 50,
  describe: () => Promise<string> | string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      const last = await describe();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
