import type { Logger } from '../../shared/log/logger.js';

/**
 * Runs an idempotent write (e.g. applying a match result to ratings) until it succeeds, with
 * backoff: retrying is safe because applying twice changes nothing.
 */
export async function applyWithRetry(
  apply: () => Promise<unknown>,
  log: Logger,
  what: string,
  onFailure: (err: unknown) => void = () => {},
  attempts = 8,
): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      await apply();
      return;
    } catch (err) {
      onFailure(err);
      log.warn({ err, attempt: i + 1, what }, 'applying a match result failed: retrying');
      await new Promise((r) => setTimeout(r, Math.min(10_000, 200 * 2 ** i)));
    }
  }
  log.error({ what }, 'gave up applying a match result');
}
