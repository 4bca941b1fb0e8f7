import type { Logger } from '../../shared/log/logger.js';

export interface ApplyHooks {
  /** Each failed attempt (counted by the caller). */
  onFailure?: (err: unknown) => void;
  /** The last attempt failed too: the result is lost unless someone applies it again (counted by the caller). */
  onGiveUp?: (err: unknown) => void;
}

/**
 * Runs an idempotent write (e.g. applying a match result to ratings) until it succeeds, with
 * backoff: retrying is safe because applying twice changes nothing. True once applied; false
 * when every attempt failed (logged as an error with what was lost, and onGiveUp told).
 */
export async function applyWithRetry(
  apply: () => Promise<unknown>,
  log: Logger,
  what: string,
  hooks: ApplyHooks = {},
  attempts = 8,
  baseDelayMs = 200,
): Promise<boolean> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      await apply();
      return true;
    } catch (err) {
      last = err;
      hooks.onFailure?.(err);
      if (i + 1 === attempts) break;
      log.warn({ err, attempt: i + 1, what }, 'applying a match result failed: retrying');
      await new Promise((r) => setTimeout(r, Math.min(10_000, baseDelayMs * 2 ** i)));
    }
  }
  log.error({ err: last, attempts, what }, 'gave up applying a match result: it is lost');
  hooks.onGiveUp?.(last);
  return false;
}
