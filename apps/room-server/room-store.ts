import type { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import type { RealtimeKeys } from '../../shared/redis/keys.js';
import { LuaScript } from '../../shared/redis/lua-script.js';
import type { RoomCheckpoint } from './room.js';

const SAVE_IF_OWNER = new LuaScript(
  'arenaRoomSaveIfOwner',
  `
-- Writes happen only while this server is still the recorded owner: a server that lost its
-- room (e.g. a gateway moved it after a network split) cannot overwrite the new owner's state.
-- No owner at all means Redis lost the record (a restart without persistence, a failover
-- that lost the last writes; nothing else deletes the owner of a running room): the server
-- running the room records itself again rather than abandoning a live room.
-- Returns 1 saved, 2 saved after recording the missing owner, 0 another server owns the room.
-- KEYS[1] owner       string: the room's owner (server id)
-- KEYS[2] checkpoint  string: the room's checkpoint (msgpack)
-- ARGV[1] serverId  ARGV[2] checkpoint  ARGV[3] checkpointTtlMs
local owner, checkpoint = KEYS[1], KEYS[2]
local serverId, data, ttlMs = ARGV[1], ARGV[2], ARGV[3]
local current = redis.call('GET', owner)
if current == false then
  redis.call('SET', owner, serverId)
  redis.call('SET', checkpoint, data, 'PX', ttlMs)
  return 2
end
if current ~= serverId then return 0 end
redis.call('SET', checkpoint, data, 'PX', ttlMs)
return 1`,
);

/** What a checkpoint write found: still ours, ours again (the record was lost), or moved. */
export type CheckpointOutcome = 'saved' | 'reclaimed' | 'moved';
const OUTCOMES: Record<number, CheckpointOutcome> = { 0: 'moved', 1: 'saved', 2: 'reclaimed' };

const RELEASE_IF_OWNER = new LuaScript(
  'arenaRoomReleaseIfOwner',
  `
-- Forgets an ended room (1) unless another server owns it now (0).
-- KEYS[1] owner  KEYS[2] checkpoint  (as in SAVE_IF_OWNER)
-- ARGV[1] serverId
local owner, checkpoint = KEYS[1], KEYS[2]
local serverId = ARGV[1]
if redis.call('GET', owner) ~= serverId then return 0 end
redis.call('DEL', owner, checkpoint)
return 1`,
);

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
    const saved = await SAVE_IF_OWNER.run(
      this.redis,
      [this.keys.roomOwner(cp.roomId), this.keys.roomCheckpoint(cp.roomId)],
      [this.serverId, pack(cp), this.checkpointTtlMs],
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
    await RELEASE_IF_OWNER.run(
      this.redis,
      [this.keys.roomOwner(roomId), this.keys.roomCheckpoint(roomId)],
      [this.serverId],
    );
  }

  async setSeat(playerId: string, roomId: string | null): Promise<void> {
    if (roomId) await this.redis.set(this.keys.playerSeat(playerId), roomId, 'PX', this.checkpointTtlMs);
    else await this.redis.del(this.keys.playerSeat(playerId));
  }
}
