import type { Redis } from 'ioredis';
import { rendezvousOwner } from '../hashing/rendezvous.js';
import type { RealtimeKeys } from '../redis/keys.js';
import { canHost, type RoomServerInfo, type RoomServerRegistry } from './registry.js';

// Moves a room to a new owner only if its recorded owner is still the one the caller saw
// (or none): two gateways that notice the same dead server agree on one successor.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return ARGV[2]
end
return current`;

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
    const winner = (await this.redis.eval(
      CLAIM,
      1,
      this.keys.roomOwner(roomId),
      recorded ?? '',
      chosen,
    )) as string;
    return byId.get(winner) ?? live.find((s) => s.id === winner);
  }
}
