import type { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import type { RealtimeKeys } from '../../shared/redis/keys.js';
import type { RoomCheckpoint } from './room.js';

// Writes happen only while this server is still the recorded owner: a server that lost its
// room (e.g. a gateway moved it after a network split) cannot overwrite the new owner's state.
// No owner at all means Redis lost the record (a restart without persistence, a failover
// that lost the last writes; nothing else deletes the owner of a running room): the server
// running the room records itself again rather than abandoning a live room.
// KEYS: 1 owner, 2 checkpoint. ARGV: 1 server id, 2 checkpoint, 3 checkpoint TTL (ms).
// Returns 1 saved, 2 saved after recording the missing owner, 0 another server owns the room.
const SAVE_IF_OWNER = `
local owner = redis.call('GET', KEYS[1])
if owner == false then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return 2
end
if owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1`;

/** What a checkpoint write found: still ours, ours again (the record was lost), or moved. */
export type CheckpointOutcome = 'saved' | 'reclaimed' | 'moved';
const OUTCOMES: Record<number, CheckpointOutcome> = { 0: 'moved', 1: 'saved', 2: 'reclaimed' };

const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1`;

/** Room state in Redis: ownership checks, checkpoints, and players' seats. */
export class RoomStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RealtimeKeys,
    private readonly serverId: string,
    private readonly checkpointTtlMs: number,
  ) {}

  async ownedByMe(roomId: string): Promise<boolean> {
    return (await this.redis.get(this.keys.roomOwner(roomId))) === this.serverId;
  }

  /** 'moved' when another server owns the room now (nothing written). */
  async saveCheckpoint(cp: RoomCheckpoint): Promise<CheckpointOutcome> {
    const saved = await this.redis.eval(
      SAVE_IF_OWNER,
      2,
      this.keys.roomOwner(cp.roomId),
      this.keys.roomCheckpoint(cp.roomId),
      this.serverId,
      pack(cp),
      String(this.checkpointTtlMs),
    );
    return OUTCOMES[saved as number]!;
  }

  async loadCheckpoint(roomId: string): Promise<RoomCheckpoint | undefined> {
    const raw = await this.redis.getBuffer(this.keys.roomCheckpoint(roomId));
    if (!raw) return undefined;
    const cp = unpack(raw) as RoomCheckpoint;
    return cp && cp.v === 1 && cp.roomId === roomId ? cp : undefined;
  }

  /** Forgets an ended room: its owner record and checkpoint. */
  async release(roomId: string): Promise<void> {
    await this.redis.eval(
      RELEASE_IF_OWNER,
      2,
      this.keys.roomOwner(roomId),
      this.keys.roomCheckpoint(roomId),
      this.serverId,
    );
  }

  async setSeat(playerId: string, roomId: string | null): Promise<void> {
    if (roomId) await this.redis.set(this.keys.playerSeat(playerId), roomId, 'PX', this.checkpointTtlMs);
    else await this.redis.del(this.keys.playerSeat(playerId));
  }
}
