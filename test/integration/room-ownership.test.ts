import { unpack } from 'msgpackr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RoomCheckpoint } from '../../apps/room-server/room.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { metricSum, pollUntil, track, type TrackedPlayer } from '../helpers/redis-outage.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';

// One cluster for both tests (each plays in a room of its own); counters are compared as deltas.
let cluster: ArenaCluster;
let timers: NodeJS.Timeout[] = [];
beforeAll(async () => {
  cluster = await ArenaCluster.start({ gateways: 1, roomServers: 2 });
}, 120_000);
afterEach(() => {
  for (const t of timers) clearInterval(t);
  timers = [];
});
afterAll(() => cluster?.stop(), 60_000);

/** Two players in one open room, each sending an input every 100 ms (each tick has an ack). */
async function twoInARoom(c: ArenaCluster): Promise<{ roomId: string; players: TrackedPlayer[] }> {
  const roomId = uniqueName('room');
  const players = [track(await c.client([0])), track(await c.client([0]))];
  for (const p of players) {
    await p.client.join(roomId);
    timers.push(setInterval(() => p.client.roomId && p.client.sendInput({ mx: 0, my: 0 }), 100));
  }
  return { roomId, players };
}

async function checkpointTick(c: ArenaCluster, roomId: string): Promise<number> {
  const raw = await c.redis.getBuffer(c.keys.roomCheckpoint(roomId));
  return raw ? (unpack(raw) as RoomCheckpoint).tick : 0;
}

function ticksPast(players: TrackedPlayer[], tick: number, what: string) {
  return Promise.all(
    players.map((p) =>
      waitForClient(p.client, 'state', () => p.tick >= tick, `${what} (${p.client.playerId})`),
    ),
  );
}

describe('room ownership (real room servers and Redis)', () => {
  it('hands a room over when a checkpoint is refused because another server owns it now', async () => {
    const c = cluster;
    const { roomId, players } = await twoInARoom(c);
    const owner = (await c.roomOwner(roomId))!;
    const other = owner === 'rs-a' ? 'rs-b' : 'rs-a';
    await pollUntil(async () => (await checkpointTick(c, roomId)) >= 10, 'a first checkpoint');
    const saved = await checkpointTick(c, roomId);

    // What a gateway does when it moves a room off a server it believes dead.
    const resumed = players.map((p) =>
      waitForClient(
        p.client,
        'joined',
        (j) => j?.resumed === true,
        `${p.client.playerId} resumed on ${other}`,
      ),
    );
    await c.redis.set(c.keys.roomOwner(roomId), other);
    const joins = await Promise.all(resumed);
    // Restored on the new owner from the last checkpoint the old one wrote, same players.
    for (const j of joins) {
      expect(j!.roomId).toBe(roomId);
      expect(j!.tick).toBeGreaterThanOrEqual(saved);
    }
    expect(await c.roomOwner(roomId)).toBe(other);
    const oldServer = c.roomServers.find((s) => s.name === owner)!;
    const newServer = c.roomServers.find((s) => s.name === other)!;
    expect(await metricSum([oldServer], 'arena_room_server_rooms_moved_total')).toBe(1);
    await ticksPast(
      players,
      Math.max(...joins.map((j) => j!.tick)) + 10,
      'the room ticking on its new server',
    );
    expect(await metricSum([newServer], 'arena_room_server_rooms')).toBe(1);
    expect(await metricSum([oldServer], 'arena_room_server_rooms')).toBe(0);
    for (const p of players) p.client.leave();
  });

  it('keeps a room whose owner record vanished (Redis lost it): records itself again, players undisturbed', async () => {
    const c = cluster;
    const moved = await metricSum(c.roomServers, 'arena_room_server_rooms_moved_total');
    const reasserted = await metricSum(c.roomServers, 'arena_room_server_ownership_reasserted_total');
    const { roomId, players } = await twoInARoom(c);
    const owner = (await c.roomOwner(roomId))!;
    const tick = Math.max(...players.map((p) => p.tick));

    await c.redis.del(c.keys.roomOwner(roomId), ...players.map((p) => c.keys.playerSeat(p.client.playerId)));
    await pollUntil(async () => (await c.roomOwner(roomId)) !== null, 'the owner record back');
    expect(await c.roomOwner(roomId)).toBe(owner);
    await ticksPast(players, tick + 20, 'the room ticking on');
    // Nobody was seated again (a handover or a reset sends a fresh `joined`), seats are back.
    for (const p of players) {
      expect(p.joins).toHaveLength(1);
      expect(await c.redis.get(c.keys.playerSeat(p.client.playerId))).toBe(roomId);
    }
    expect(await metricSum(c.roomServers, 'arena_room_server_ownership_reasserted_total')).toBe(
      reasserted + 1,
    );
    expect(await metricSum(c.roomServers, 'arena_room_server_rooms_moved_total')).toBe(moved);
  });
});
