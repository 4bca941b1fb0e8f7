/**
 * Every Redis key of the real-time core, in one place. `prefix` namespaces a deployment (and
 * each test run). Room-scoped keys share the hash tag {room:<id>} so that Lua scripts over
 * them stay on one Redis Cluster slot.
 */
export function realtimeKeys(prefix: string) {
  return {
    /** Sorted set: room-server id -> last heartbeat (ms, Redis clock). */
    roomServers: `${prefix}rs:live`,
    /** Hash: room-server id -> "host:port" of its gateway link. */
    roomServerAddresses: `${prefix}rs:addr`,
    /** Hash: room-server id -> JSON {games, rooms, maxRooms}: what it hosts and how full it is. */
    roomServerMeta: `${prefix}rs:meta`,
    /** String: id of the room server that runs the room. */
    roomOwner: (roomId: string) => `${prefix}{room:${roomId}}:owner`,
    /** String (msgpack): the room's last checkpoint. */
    roomCheckpoint: (roomId: string) => `${prefix}{room:${roomId}}:ckpt`,
    /** String (JSON): who may play in a matchmade room (see shared/rooms/roster.ts). */
    roomRoster: (roomId: string) => `${prefix}{room:${roomId}}:roster`,
    /** String: the room a player holds a seat in. */
    playerSeat: (playerId: string) => `${prefix}seat:${playerId}`,
    /** String: unix seconds; the player's sessions that began at or before it are revoked. */
    revokedPlayer: (playerId: string) => `${prefix}revoked:player:${playerId}`,
    /** String: present while the login session (its token's jti) is revoked. */
    revokedSession: (sessionId: string) => `${prefix}revoked:session:${sessionId}`,
  };
}
export type RealtimeKeys = ReturnType<typeof realtimeKeys>;
