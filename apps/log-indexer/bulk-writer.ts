import type { Client } from '@elastic/elasticsearch';
import { indexForEvent } from '../../shared/events/es-mapping.js';
import type { MatchEvent } from '../../shared/events/match-events.js';

export interface BulkOutcome {
  /** Events Elasticsearch refused for good (mapping errors): for the dead-letter topic. */
  rejected: { index: number; event: MatchEvent; reason: string }[];
}

/** Thrown when Elasticsearch is down or overloaded: the whole batch should be retried. */
export class RetryableBulkError extends Error {}

/**
 * Indexes a batch with each event's id as the document id, so a redelivered event overwrites
 * itself instead of adding a duplicate. Item errors of 429/5xx make the batch retryable;
 * other item errors (bad documents) are returned as rejected.
 */
export async function writeBulk(
  es: Client,
  events: MatchEvent[],
  indexedAt = Date.now(),
): Promise<BulkOutcome> {
  if (events.length === 0) return { rejected: [] };
  let response;
  try {
    response = await es.bulk({
      operations: events.flatMap((e) => [
        { index: { _index: indexForEvent(e.ts), _id: e.id } },
        { ...e, indexedAt },
      ]),
    });
  } catch (err) {
    throw new RetryableBulkError(`bulk request failed: ${(err as Error).message}`);
  }
  const rejected: BulkOutcome['rejected'] = [];
  for (const [i, item] of response.items.entries()) {
    const result = item.index;
    if (!result?.error) continue;
    if (result.status === 429 || result.status >= 500) {
      throw new RetryableBulkError(`item ${result.status}: ${result.error.type}`);
    }
    rejected.push({
      index: i,
      event: events[i]!,
      reason: `${result.error.type}: ${result.error.reason ?? ''}`.slice(0, 500),
    });
  }
  return { rejected };
}
