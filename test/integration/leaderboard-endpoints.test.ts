import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { rankingsOn, resultOf } from '../helpers/rankings.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { encodeClientMessage } from '../../shared/protocol/index.js';

let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({ gateways: 1, roomServers: 0 });
  const redis = new Redis(cluster.env.REDIS_URL!);
  const { ratings } = rankingsOn(redis, cluster.env.REDIS_KEY_PREFIX);
  await ratings.apply(resultOf('e1', [['alice'], ['bob']]), Date.UTC(2026, 0, 1));
  await ratings.apply(resultOf('e2', [['carl'], ['alice']], 'battle.eu', 'battleship'), Date.UTC(2026, 0, 2));
  redis.disconnect();
});
afterAll(() => cluster?.stop());

const get = async (query: string) => {
  const res = await fetch(cluster.httpUrl(0, `/leaderboard?${query}`));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('leaderboards through the gateway (real gateway, real Redis)', () => {
  it('answers HTTP queries, and bad ones with 400 or 404', async () => {
    const top = await get('kind=top&limit=10');
    expect(top.status).toBe(200);
    expect(top.body).toMatchObject({
      kind: 'top',
      game: 'arena', // no game asked: the reference game's board
      total: 2,
      standings: [
        { player: 'alice', rank: 1 },
        { player: 'bob', rank: 2 },
      ],
    });
    expect(await get('kind=player&player=bob')).toMatchObject({
      status: 200,
      body: { standing: { rank: 2 } },
    });
    expect(await get('kind=top&offset=-5')).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await get('kind=top&limit=100000')).toMatchObject({ status: 400 });
    expect(await get('kind=player&player=ghost')).toMatchObject({ status: 404 });
    expect(await get('kind=top&season=s99')).toMatchObject({
      status: 404,
      body: { message: 'no season "s99"' },
    });
    expect(await get('kind=friends&players=alice,ghost')).toMatchObject({
      status: 200,
      body: { unranked: ['ghost'] },
    });
  });

  it('answers for the game asked: each game has its own boards', async () => {
    expect(await get('kind=top&game=battleship')).toMatchObject({
      status: 200,
      body: { game: 'battleship', total: 2, standings: [{ player: 'carl' }, { player: 'alice' }] },
    });
    expect(await get('kind=player&player=carl&game=arena')).toMatchObject({ status: 404 });
    expect(await get('kind=player&player=carl&game=battleship&region=eu')).toMatchObject({
      status: 200,
      body: { game: 'battleship', board: 'region:eu', standing: { rank: 1 } },
    });
    expect(await get('kind=top&game=no%3Agame')).toMatchObject({
      status: 400,
      body: { error: 'bad_request' },
    });
  });

  it('answers the same queries over the WebSocket protocol, echoing the request id', async () => {
    const { token } = await cluster.guestToken(0);
    const raw = await RawSocket.open(cluster.gatewayUrl(0), token);
    raw.ws.send(
      encodeClientMessage({
        type: 'leaderboard',
        requestId: 7,
        query: { kind: 'around', player: 'alice', radius: 1 },
      }),
    );
    raw.ws.send(
      encodeClientMessage({
        type: 'leaderboard',
        requestId: 9,
        query: { kind: 'player', player: 'carl', game: 'battleship' },
      }),
    );
    raw.ws.send(
      encodeClientMessage({ type: 'leaderboard', requestId: 8, query: { kind: 'top', limit: -1 } }),
    );
    await raw.until((s) => s.received.filter((m) => m.type === 'leaderboard').length === 3, 'three answers');
    const answers = raw.received.filter((m) => m.type === 'leaderboard');
    expect(answers.find((a) => a.requestId === 7)).toMatchObject({
      ok: true,
      body: { standings: [{ player: 'alice' }, { player: 'bob' }] },
    });
    expect(answers.find((a) => a.requestId === 9)).toMatchObject({
      ok: true,
      body: { game: 'battleship', standing: { player: 'carl', rank: 1 } },
    });
    expect(answers.find((a) => a.requestId === 8)).toMatchObject({
      ok: false,
      body: { error: 'bad_request' },
    });
  });

  it("the TypeScript client's leaderboard() resolves with the answer's body and rejects with the error", async () => {
    const client = await cluster.client([0]);
    await expect(
      client.leaderboard({ kind: 'player', player: 'carl', game: 'battleship' }),
    ).resolves.toMatchObject({
      game: 'battleship',
      standing: { player: 'carl', rank: 1 },
    });
    await expect(client.leaderboard({ kind: 'player', player: 'nobody' })).rejects.toThrow(/^not_found: /);
    await expect(client.leaderboard({ kind: 'top', limit: -1 })).rejects.toThrow(/^bad_request: /);
    client.close();
  });
});
