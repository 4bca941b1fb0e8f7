import type { Client } from '@elastic/elasticsearch';
import { MATCH_EVENTS_INDEX_PREFIX } from '../../shared/events/es-mapping.js';
import type { MatchEvent } from '../../shared/events/match-events.js';

export const MAX_MATCH_EVENTS = 10_000;

/** A match's events from Elasticsearch, oldest first (at most MAX_MATCH_EVENTS). */
export async function matchEvents(
  es: Client,
  matchId: string,
  limit = MAX_MATCH_EVENTS,
): Promise<MatchEvent[]> {
  const result = await es.search<MatchEvent>({
    index: `${MATCH_EVENTS_INDEX_PREFIX}*`,
    query: { term: { matchId } },
    sort: [{ ts: 'asc' }, { id: 'asc' }],
    size: Math.min(limit, MAX_MATCH_EVENTS),
    ignore_unavailable: true,
  });
  return result.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
}

/** One line per event, for people. */
export function formatEvent(e: MatchEvent): string {
  const extra = [
    e.playerId && `player=${e.playerId}`,
    e.name && `${e.name}`,
    e.detail,
    e.reason && `reason=${e.reason}`,
    e.winner !== undefined && `winner=${e.winner}`,
  ]
    .filter(Boolean)
    .join(' ');
  return `${new Date(e.ts).toISOString()}  ${e.type.padEnd(13)} room=${e.roomId} server=${e.serverId}${extra ? `  ${extra}` : ''}`;
}
