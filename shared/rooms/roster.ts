import type { ChainableCommander, Redis } from 'ioredis';
import type { RealtimeKeys } from '../redis/keys.js';

/**
 * Who may play in a matchmade room, written by the matchmaker before anyone is told about
 * the match, read by the room server that opens the room. A room without a roster is an
 * open room (join by id).
 */
export interface Roster {
  matchId: string;
  queue: string;
  /** The game the mode plays (absent: the room server's default game). */
  game?: string;
  /** The mode's room options for the game's parseOptions (absent: the game's defaults). */
  options?: Record<string, unknown>;
  teams: string[][];
  /** The tickets the players came from, so that a no-show re-queue keeps parties and priority. */
  tickets: { id: string; players: string[]; enqueuedAt: number }[];
  /** Epoch ms by which every player must have joined. */
  joinDeadlineAt: number;
  noShow: 'continue' | 'requeue';
}

export class RosterStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RealtimeKeys,
  ) {}

  async write(roomId: string, roster: Roster, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.roomRoster(roomId), JSON.stringify(roster), 'PX', ttlMs);
  }

  /** Queues the write on a pipeline (the matchmaker writes a pass's rosters together). */
  queueWrite(pipeline: ChainableCommander, roomId: string, roster: Roster, ttlMs: number): void {
    pipeline.set(this.keys.roomRoster(roomId), JSON.stringify(roster), 'PX', ttlMs);
  }

  async read(roomId: string): Promise<Roster | undefined> {
    const raw = await this.redis.get(this.keys.roomRoster(roomId));
    return raw ? (JSON.parse(raw) as Roster) : undefined;
  }
}
