import type { ChainableCommander, Redis } from 'ioredis';
import { rendezvousOwner } from '../hashing/rendezvous.js';
import type { RealtimeKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import { canHost, type RoomServerInfo, type RoomServerRegistry } from './registry.js';

const CLAIM = new LuaScript(
  'arenaRoomOwnerClaim',
  `
-- Moves a room to a new owner only if its recorded owner is still the one the caller saw
-- (or none): two gateways that notice the same dead server agree on one successor.
-- Returns the owner recorded afterwards.
-- KEYS[1] owner     string: the room's owner (room server id)
-- ARGV[1] expected  the owner the caller saw ('' for none)
-- ARGV[2] chosen    the new owner
local owner = KEYS[1]
local expected, chosen = ARGV[1], ARGV[2]
local current = redis.call('GET', owner)
if (current == false and expected == '') or current == expected then
  redis.call('SET', owner, chosen)
  return chosen
end
return current`,
);

/**
 * Finds the room server that owns a room. A running room stays where it is recorded (a new
 * room server takes only new rooms); a room without a live owner goes to the rendezvous
 * choice among the live servers that host its game and have room for it (as advertised in
 * their heartbeats), recorded atomically. A caller that was refused by the recorded owner
 * (full, or not hosting the game) passes it in `avoid`: the room moves to the next choice.
 */
export class RoomPlacement {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RealtimeKeys,
    private readonly registry: RoomServerRegistry,
  ) {}

  /** The live room servers, for `chooseNew` over many new rooms at once. */
  live(): Promise<RoomServerInfo[]> {
    return this.registry.live();
  }

  /**
   * The rendezvous choice for a room that has no owner yet (a new match's room) among `live`
   * servers hosting its game with room for it; undefined when none can host it.
   */
  chooseNew(roomId: string, live: readonly RoomServerInfo[], game?: string): RoomServerInfo | undefined {
    const chosen = rendezvousOwner(
      roomId,
      live.filter((s) => canHost(s, game)).map((s) => s.id),
    );
    return live.find((s) => s.id === chosen);
  }

  /**
   * Queues recording a new room's owner: SET NX, what `ownerOf`'s claim does for a room with no
   * owner (a new room's id is fresh, so it yields OK; null would mean someone recorded it first).
   */
  queueRecordNew(pipeline: ChainableCommander, roomId: string, serverId: string): void {
    pipeline.set(this.keys.roomOwner(roomId), serverId, 'NX');
  }

  /**
   * @param avoid servers the caller knows to be unreachable even if their heartbeat has not
   * expired yet (e.g. its link to them just dropped), or that refused this room.
   * @param game the room's game when known: only servers hosting it are chosen.
   */
  async ownerOf(
    roomId: string,
    avoid: ReadonlySet<string> = new Set(),
    game?: string,
  ): Promise<RoomServerInfo | undefined> {
    const [recorded, live] = await Promise.all([
      this.redis.get(this.keys.roomOwner(roomId)),
      this.registry.live(),
    ]);
    const candidates = live.filter((s) => !avoid.has(s.id));
    const byId = new Map(candidates.map((s) => [s.id, s]));
    if (recorded && byId.has(recorded)) return byId.get(recorded);

    const eligible = candidates.filter((s) => canHost(s, game)).map((s) => s.id);
    const chosen = rendezvousOwner(roomId, eligible);
    if (!chosen) return undefined;
    const winner = (await CLAIM.run(
      this.redis,
      [this.keys.roomOwner(roomId)],
      [recorded ?? '', chosen],
    )) as string;
    return byId.get(winner) ?? live.find((s) => s.id === winner);
  }
}
