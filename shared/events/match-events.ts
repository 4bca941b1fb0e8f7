import { randomUUID } from 'node:crypto';

/**
 * Match events, version 1: the one definition producers (room servers) and the indexer
 * share. Every event has a unique id (the Elasticsearch document id, so redelivery never
 * duplicates), its match, the server that produced it and when.
 */
export const MATCH_EVENT_VERSION = 1;
export const MATCH_EVENT_TYPES = [
  'match_started',
  'player_joined',
  'player_left',
  'game_event',
  'match_ended',
] as const;
export type MatchEventType = (typeof MATCH_EVENT_TYPES)[number];

export interface MatchEvent {
  v: 1;
  id: string;
  type: MatchEventType;
  matchId: string;
  roomId: string;
  serverId: string;
  /** Epoch ms when it happened. */
  ts: number;
  region?: string;
  queue?: string;
  game?: string;
  playerId?: string;
  /** match_ended: the outcome. */
  reason?: string;
  winner?: string | null;
  durationMs?: number;
  players?: { playerId: string; score: number; [stat: string]: number | string }[];
  /** game_event: what happened (e.g. "tag") and a short detail. */
  name?: string;
  detail?: string;
}

export function newMatchEvent(fields: Omit<MatchEvent, 'v' | 'id' | 'ts'> & { ts?: number }): MatchEvent {
  return { v: MATCH_EVENT_VERSION, id: randomUUID(), ts: Date.now(), ...fields } as MatchEvent;
}

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Checks an event read from Kafka; returns the reason it can never be indexed, or undefined if fine. */
export function invalidMatchEvent(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (e.v !== MATCH_EVENT_VERSION) return `unsupported version ${String(e.v)}`;
  if (typeof e.id !== 'string' || !/^[0-9a-f-]{36}$/.test(e.id)) return 'id must be a UUID';
  if (!MATCH_EVENT_TYPES.includes(e.type as MatchEventType)) return `unknown type ${String(e.type)}`;
  for (const f of ['matchId', 'roomId', 'serverId'] as const) {
    if (typeof e[f] !== 'string' || !ID.test(e[f] as string)) return `${f} must be an id`;
  }
  if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) return 'ts must be epoch milliseconds';
  if (e.players !== undefined && !Array.isArray(e.players)) return 'players must be a list';
  return undefined;
}

/** Kafka topics of the pipeline. */
export const MATCH_EVENTS_TOPIC = 'arena.match-events';
export const MATCH_EVENTS_DLQ_TOPIC = 'arena.match-events.dlq';
