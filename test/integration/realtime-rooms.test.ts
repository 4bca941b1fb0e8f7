import { unpack } from 'msgpackr';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomCheckpoint } from '../../apps/room-server/room.js';
import { rendezvousOwner } from '../../shared/hashing/rendezvous.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { uniqueName } from '../helpers/services.js';
import { pollUntil, seenX, waitForClient, within } from '../helpers/wait-for.js';
import type { ArenaClient } from '../../shared/client/index.js';

let cluster: ArenaCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/**
 * Sends a move and resolves when `viewer` sees `mover` shift by more than 5 units that way.
 * The preferred direction flips near a wall (spawns are random), so the move can always happen.
 */
async function moveAndSee(mover: ArenaClient, viewer: ArenaClient, preferred: 1 | -1) {
  await waitForClient(
    viewer,
    'state',
    () => seenX(viewer, mover.playerId) !== undefined,
    'the mover to be visible',
  );
  const x0 = seenX(viewer, mover.playerId)!;
  const dir = (preferred > 0 && x0 > 700) || (preferred < 0 && x0 < 100) ? -preferred : preferred;
  const seq = mover.sendInput({ mx: dir, my: 0 });
  const seen = await waitForClient(
    viewer,
    'state',
    () => (seenX(viewer, mover.playerId)! - x0) * dir > 5,
    `${viewer.playerId} to see ${mover.playerId} move ${dir > 0 ? 'right' : 'left'} from x=${x0}`,
  );
  return { seq, seen };
}

/** The tick of the room's checkpoint in Redis once it reaches `atLeast` (Redis raises no event: polled). */
async function checkpointTick(c: ArenaCluster, roomId: string, atLeast: number): Promise<number> {
  let tick = 0;
  return pollUntil(
    async () => {
      const raw = await c.redis.getBuffer(c.keys.roomCheckpoint(roomId));
      tick = raw ? (unpack(raw) as RoomCheckpoint).tick : 0;
      return tick >= atLeast ? tick : undefined;
    },
    `a checkpoint of ${roomId} at tick ${atLeast} or later`,
    15_000,
    50,
    () => `last checkpoint tick ${tick}`,
  );
}

/** A connected client, or a clear failure: the SDK's connect has no deadline of its own. */
function connect(c: ArenaCluster, gateways: number[]): Promise<ArenaClient> {
  return within(c.client(gateways), `a client to connect through gateways ${gateways.join(', ')}`);
}

/** Joins a room, or fails naming who and which room: the SDK's join has no deadline of its own. */
function join(client: ArenaClient, roomId: string) {
  return within(client.join(roomId), `${client.playerId} to join ${roomId}`);
}

describe('rooms across gateways and room servers (real processes, real Redis)', () => {
  it('puts two players on two gateways in one room on the rendezvous-chosen server; each sees the other move', async () => {
    cluster = await ArenaCluster.start({ gateways: 2, roomServers: 2 });
    const a = await connect(cluster, [0]);
    const b = await connect(cluster, [1]);
    expect([a.gatewayId, b.gatewayId]).toEqual(['gw-0', 'gw-1']);
    const roomId = uniqueName('room');
    await join(a, roomId);
    await join(b, roomId);

    expect(await cluster.roomOwner(roomId)).toBe(rendezvousOwner(roomId, ['rs-a', 'rs-b']));
    const { seq, seen } = await moveAndSee(a, b, 1);
    // b sees a's move in the same tick frame that acknowledges a's input: no extra tick of delay.
    expect(seen?.acks[a.playerId]).toBe(seq);
    await moveAndSee(b, a, -1);
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'resumes a room on the other room server from its checkpoint when its server gets %s',
    async (signal) => {
      cluster = await ArenaCluster.start({ gateways: 2, roomServers: 2 });
      const a = await connect(cluster, [0, 1]);
      const b = await connect(cluster, [1, 0]);
      const ids = [a.playerId, b.playerId];
      const roomId = uniqueName('room');
      await join(a, roomId);
      await join(b, roomId);
      await moveAndSee(a, b, 1);

      const owner = (await cluster.roomOwner(roomId))!;
      const survivor = owner === 'rs-a' ? 'rs-b' : 'rs-a';
      const savedTick = await checkpointTick(cluster, roomId, 20);
      const resumedA = waitForClient(a, 'joined', (j) => j?.resumed === true, 'a to resume');
      const resumedB = waitForClient(b, 'joined', (j) => j?.resumed === true, 'b to resume');
      cluster.roomServers.find((s) => s.name === owner)!.process.signal(signal);

      const [ja, jb] = await Promise.all([resumedA, resumedB]);
      expect(await cluster.roomOwner(roomId)).toBe(survivor);
      // Restored, not recreated: the room continues from (at least) its last checkpoint.
      expect(ja!.tick).toBeGreaterThanOrEqual(savedTick);
      expect(jb!.tick).toBeGreaterThanOrEqual(savedTick);
      // Same players, same gateways, no new login.
      expect([a.playerId, b.playerId]).toEqual(ids);
      expect([a.gatewayId, b.gatewayId]).toEqual(['gw-0', 'gw-1']);
      await moveAndSee(a, b, -1);
      await moveAndSee(b, a, 1);
    },
  );

  it('keeps the seats of a dead gateway’s players: they resume through the other gateway', async () => {
    cluster = await ArenaCluster.start({ gateways: 2, roomServers: 1 });
    const a = await connect(cluster, [0, 1]);
    const b = await connect(cluster, [1, 0]);
    const aId = a.playerId;
    const roomId = uniqueName('room');
    await join(a, roomId);
    await join(b, roomId);
    await moveAndSee(a, b, 1);

    const resumed = waitForClient(a, 'joined', (j) => j?.resumed === true, 'a to resume through gw-1');
    cluster.gateways[0]!.process.signal('SIGKILL');
    await resumed;
    expect(a.gatewayId).toBe('gw-1');
    expect(a.playerId).toBe(aId);
    expect(a.roomId).toBe(roomId);
    await moveAndSee(a, b, -1);
    await moveAndSee(b, a, 1);
  });

  it('drains a gateway on SIGTERM: its clients are told to reconnect (1012) and resume elsewhere', async () => {
    cluster = await ArenaCluster.start({ gateways: 2, roomServers: 1 });
    const a = await connect(cluster, [0, 1]);
    const b = await connect(cluster, [1, 0]);
    const roomId = uniqueName('room');
    await join(a, roomId);
    await join(b, roomId);
    const closed = waitForClient(a, 'disconnected', (d) => d !== undefined, 'a told to reconnect');
    const resumed = waitForClient(
      a,
      'joined',
      (j) => j?.resumed === true,
      'a to resume through gw-1',
      20_000,
    );
    cluster.gateways[0]!.process.signal('SIGTERM');
    expect((await closed)!.code).toBe(1012);
    await resumed;
    expect(a.gatewayId).toBe('gw-1');
    await moveAndSee(a, b, 1);
  });
});
