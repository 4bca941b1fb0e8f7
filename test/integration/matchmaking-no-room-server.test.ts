import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import { encodeClientMessage } from '../../shared/protocol/index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { RawSocket } from '../helpers/raw-socket.js';

const duel: ModeConfig = {
  teams: 2,
  teamSize: 1,
  window: { initial: 100, perSecond: 100, exponent: 1, max: 400 },
  maxWaitMs: 120_000,
  joinDeadlineMs: 30_000,
  noShow: 'continue',
};

let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 1,
    roomServers: 0,
    matchmakers: 1,
    env: { MATCHMAKER_MODES: JSON.stringify({ duel }), MATCHMAKER_REGIONS: 'eu' },
  });
});
afterAll(() => cluster?.stop());

/** Resolves once `check` holds, re-checked every 100 ms (a log file and Redis send no events). */
async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('matchmaking with no live room server', () => {
  it('returns the claimed tickets to the queue (players stay queued), and matches them once a room server is live', async () => {
    const players: { raw: RawSocket; id: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const { token, playerId } = await cluster.guestToken(0);
      const raw = await RawSocket.welcomed(cluster.gatewayUrl(0), token);
      raw.ws.send(encodeClientMessage({ type: 'queue', queue: 'duel.eu', party: [] }));
      await raw.until((s) => s.received.some((m) => m.type === 'queued'), 'queued');
      players.push({ raw, id: playerId });
    }
    const mmLog = join(cluster.logDir, 'mm-0.log');
    const released = () => readFileSync(mmLog, 'utf8').split('no live room server').length - 1;
    // Several passes: each claims the pair, finds no room server and gives the tickets back.
    await eventually(() => released() >= 3, 'three passes that found no live room server');

    const mm = matchmakingKeys(cluster.env.REDIS_KEY_PREFIX!);
    // Released, not stranded in a claim: both tickets wait in the pool, their players queued.
    await eventually(
      async () => (await cluster.redis.zcard(mm.pool('duel.eu'))) === 2,
      'both tickets back in the pool between passes',
    );
    for (const p of players) {
      const state = await cluster.redis.hget(mm.player(p.id), 'state');
      expect(['queued', 'claimed'], `${p.id}: ${state}`).toContain(state);
      expect(p.raw.received.filter((m) => m.type === 'match_found' || m.type === 'queue_ended')).toEqual([]);
    }
    expect(await cluster.redis.zcard(mm.matches)).toBe(0);

    // A room server comes up: the same tickets are matched, each player told once.
    await cluster.startRoomServer('rs-late');
    for (const p of players)
      await p.raw.until((s) => s.received.some((m) => m.type === 'match_found'), `${p.id}: match_found`);
    expect(await cluster.redis.zcard(mm.matches)).toBe(1);
  });
});
