/**
 * The Elasticsearch side of match events: daily indices under one index template with an
 * explicit mapping for every field (dynamic: strict, so a malformed event fails loudly
 * instead of polluting the mapping). Kibana's saved objects use only these fields (a test
 * checks it).
 */
export const MATCH_EVENTS_INDEX_PREFIX = 'arena-match-events-';
export const MATCH_EVENTS_TEMPLATE = 'arena-match-events';

export const MATCH_EVENTS_MAPPING = {
  dynamic: 'strict',
  properties: {
    v: { type: 'short' },
    id: { type: 'keyword' },
    type: { type: 'keyword' },
    matchId: { type: 'keyword' },
    roomId: { type: 'keyword' },
    serverId: { type: 'keyword' },
    ts: { type: 'date', format: 'epoch_millis' },
    region: { type: 'keyword' },
    queue: { type: 'keyword' },
    game: { type: 'keyword' },
    playerId: { type: 'keyword' },
    reason: { type: 'keyword' },
    winner: { type: 'keyword' },
    durationMs: { type: 'long' },
    name: { type: 'keyword' },
    detail: { type: 'text' },
    players: {
      type: 'object',
      dynamic: true,
      properties: {
        playerId: { type: 'keyword' },
        score: { type: 'long' },
      },
    },
    indexedAt: { type: 'date', format: 'epoch_millis' },
  },
} as const;

/** The daily index an event belongs to (UTC date of its timestamp). */
export function indexForEvent(ts: number): string {
  const d = new Date(ts);
  const day = `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${MATCH_EVENTS_INDEX_PREFIX}${day}`;
}

/** Dead-lettered events, indexed for the ops dashboard (the events themselves stay in the DLQ topic). */
export const DEAD_LETTERS_INDEX = 'arena-dead-letters';
export const DEAD_LETTERS_MAPPING = {
  dynamic: 'strict',
  properties: {
    ts: { type: 'date', format: 'epoch_millis' },
    reason: { type: 'keyword' },
    source: { type: 'keyword' },
    key: { type: 'keyword' },
  },
} as const;
