/** A request to be matched: one player, or a party that must stay together. */
export interface Ticket {
  id: string;
  queue: string;
  players: string[];
  /** The party's rating (mean of its players'): the queue score. */
  rating: number;
  enqueuedAt: number;
}

/** What a matchmaker decided, as stored and as the room server receives it. */
export interface MatchRecord {
  matchId: string;
  queue: string;
  roomId: string;
  createdAt: number;
  /** Player ids per team. */
  teams: string[][];
  tickets: (Ticket & { waitMs: number; windowAtMatch: number })[];
}

/** Published on the events channel; gateways forward to the players they hold. */
export type MatchmakingEvent =
  | {
      type: 'match_found';
      players: string[];
      matchId: string;
      roomId: string;
      queue: string;
      teams: string[][];
    }
  | {
      type: 'queue_ended';
      players: string[];
      queue: string;
      reason: 'timeout' | 'cancelled' | 'no_show' | 'disconnected';
      message: string;
    }
  /** Queued by someone else: a party leader, or a room server re-queueing after no-shows. */
  | { type: 'queued'; players: string[]; queue: string; ticketId: string };
