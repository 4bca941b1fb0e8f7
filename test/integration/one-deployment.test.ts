import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { shipCells, shotFromView, type Shot } from '../../examples/battleship/src/index.js';
import { BATTLESHIP_MODULE } from '../../infra/local/local-games.js';
import { ArenaClient } from '../../shared/client/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { MATCH_EVENTS_INDEX_PREFIX } from '../../shared/events/es-mapping.js';
import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import { parseServerMessage, type MatchResult, type ServerMessage } from '../../shared/protocol/index.js';
import { rankingKeys } from '../../shared/rankings/keys.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { pollUntil, waitForClient } from '../helpers/wait-for.js';

/**
 * Issue 13's "must show": ONE deployment (2 gateways, 2 room servers hosting both games, a
 * matchmaker, the match-log indexer) runs the reference game and Battleship side by side.
 * Players queue for each game's mode over the real gateways, play their matches to the end
 * (Battleship by SDK clients firing with the example's public bot logic, `shotFromView`), the
 * room servers rate them per game, Battleship's ctx.emit events are searchable in
 * Elasticsearch, and no frame a Battleship player receives holds the opponent's hidden ships.
 */
const window = { initial: 1_000, perSecond: 100, exponent: 1, max: 2_000 };
const duel: ModeConfig = {
  game: 'arena',
  teams: 2,
  teamSize: 1,
  window,
  maxWaitMs: 60_000,
  joinDeadlineMs: 30_000,
  noShow: 'requeue',
};
const battle: ModeConfig = { ...duel, game: 'battleship' };

let cluster: ArenaCluster;
let es: Client;
const clients: ArenaClient[] = [];
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 0,
    env: {
      MATCHMAKER_MODES: JSON.stringify({ duel, battle }),
      MATCHMAKER_REGIONS: 'eu',
      MATCHMAKER_GAMES: `arena,${BATTLESHIP_MODULE}`,
    },
  });
  // Both room servers host both games (in a different order: neither game is "the" default).
  await Promise.all([
    cluster.startRoomServer('rs-a', { ROOM_GAMES: `arena,${BATTLESHIP_MODULE}` }),
    cluster.startRoomServer('rs-b', { ROOM_GAMES: `${BATTLESHIP_MODULE},arena` }),
  ]);
  await Promise.all([cluster.startMatchmaker('mm-0'), cluster.startIndexer('ix-0')]);
  es = new Client({ node: cluster.env.ELASTICSEARCH_URL!, maxRetries: 0, requestTimeout: 10_000 });
}, 180_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await es?.close();
  await cluster?.stop();
}, 60_000);

/** A client through one gateway; `frames` (if given) gets every frame it receives, decoded, in order. */
async function player(gateway: number, frames?: ServerMessage[]): Promise<ArenaClient> {
  const { token } = await cluster.guestToken(gateway);
  const client = new ArenaClient({
    gateways: [cluster.gatewayUrl(gateway)],
    token,
    maxReconnectDelayMs: 300,
    webSocket: (url) => {
      const ws = new WebSocket(url);
      if (frames) ws.on('message', (data: Buffer) => frames.push(parseServerMessage(new Uint8Array(data))!));
      return ws as never;
    },
  });
  clients.push(client);
  await client.connect();
  return client;
}

/** Plays Battleship from the client's own view: one shot per turn, chosen by the example's bot logic. */
function playBattleship(client: ArenaClient, seed: number, onShot: (shot: Shot) => void = () => {}): void {
  let r = seed;
  const random = () => (r = (r * 16807) % 2147483647) / 2147483647;
  let firedFor: number | undefined;
  const act = () => {
    const view = Object.fromEntries(client.entities);
    const turn = view.game?.turnEndsAtMs;
    if (typeof turn !== 'number' || turn === firedFor) return;
    const shot = shotFromView(view, client.playerId, random);
    if (!shot) return;
    firedFor = turn; // a turn is known by its deadline, new each turn: fire once per turn
    onShot(shot);
    client.sendInput(shot);
  };
  client.on('joined', act);
  client.on('state', act);
}

/**
 * Plays the reference game as a chaser: runs at `target` and tags when close (3 points a tag,
 * so the match ends at the score limit long before its time limit). Driven by a timer, not by
 * state updates: once both stand still the room sends none.
 */
function chase(client: ArenaClient, target: () => string): void {
  const timer = setInterval(() => {
    const me = client.entities.get(`p:${client.playerId}`);
    const them = client.entities.get(`p:${target()}`);
    if (!client.roomId || !me || !them) return;
    const dx = Number(them.x) - Number(me.x);
    const dy = Number(them.y) - Number(me.y);
    const d = Math.hypot(dx, dy) || 1;
    client.sendInput({ mx: dx / d, my: dy / d, tag: d < 40 });
  }, 100); // 10 inputs/s, under the gateway's rate limit
  client.on('ended', () => clearInterval(timer));
  client.on('disconnected', (e) => e.willReconnect || clearInterval(timer));
}

/** Every (x, y) pair a decoded value mentions, however nested, as "x,y". */
function cellsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value !== 'object' || value === null) return out;
  const o = value as Record<string, unknown>;
  if (typeof o.x === 'number' && typeof o.y === 'number') out.add(`${o.x},${o.y}`);
  for (const v of Object.values(o)) cellsIn(v, out);
  return out;
}

/** The match ended for `client`: its result. */
const endOf = (client: ArenaClient, what: string) =>
  waitForClient(client, 'ended', (r) => r !== undefined, what, 300_000) as Promise<MatchResult>;

describe('one deployment hosting the reference game and Battleship (real gateways, room servers, matchmaker, Redis, Kafka, Elasticsearch)', () => {
  it('plays a match of each game to its end through the gateways, rates the players per game, logs Battleship events to Elasticsearch, and never shows a Battleship player the hidden fleet', async () => {
    // Battleship: ann through gateway 0 (every frame she receives is kept), bob through gateway 1.
    const annFrames: ServerMessage[] = [];
    const ann = await player(0, annFrames);
    const bob = await player(1);
    // The reference game: cid through gateway 0 chases dan, who stands still, through gateway 1.
    const cid = await player(0);
    const dan = await player(1);

    // What ann fired at, in order with her frames: a cell she fired at is hers to know.
    const annShots: { afterFrames: number; cell: string }[] = [];
    playBattleship(ann, 11, (s) => annShots.push({ afterFrames: annFrames.length, cell: `${s.x},${s.y}` }));
    playBattleship(bob, 23);
    chase(cid, () => dan.playerId);
    let shotResults = 0;
    for (const c of [ann, bob]) c.onGameMessage('shot_result', () => shotResults++);

    const ended = {
      ann: endOf(ann, 'ann’s Battleship match to end'),
      bob: endOf(bob, 'bob’s Battleship match to end'),
      cid: endOf(cid, 'cid’s arena match to end'),
      dan: endOf(dan, 'dan’s arena match to end'),
    };
    ann.queue('battle.eu');
    bob.queue('battle.eu');
    cid.queue('duel.eu');
    dan.queue('duel.eu');

    // Both matches play to their end; each player gets the same result, naming its game.
    const sea = await ended.ann;
    expect(await ended.bob).toEqual(sea);
    expect(sea).toMatchObject({ game: 'battleship', queue: 'battle.eu', reason: 'fleet_sunk' });
    expect([ann.playerId, bob.playerId]).toContain(sea.winner);
    expect(sea.teams!.flat().sort()).toEqual([ann.playerId, bob.playerId].sort());
    const land = await ended.cid;
    expect(await ended.dan).toEqual(land);
    expect(land).toMatchObject({ game: 'arena', queue: 'duel.eu' });
    expect(land.teams!.flat().sort()).toEqual([cid.playerId, dan.playerId].sort());
    expect(sea.matchId).not.toBe(land.matchId);

    // Ratings: each match applied once by its room server, under its own game only.
    const keys = rankingKeys(loadConfig(cluster.env).redis.keyPrefix);
    for (const m of [sea, land]) {
      await pollUntil(
        () => cluster.redis.get(keys.applied(m.matchId!)).then((v) => v ?? undefined),
        `the ratings of the ${m.game} match ${m.matchId} applied`,
        30_000,
      );
    }
    for (const [players, own, other] of [
      [[ann, bob], 'battleship', 'arena'],
      [[cid, dan], 'arena', 'battleship'],
    ] as const) {
      for (const p of players) {
        expect(
          await cluster.redis.hget(keys.skills(own), p.playerId),
          `${p.playerId} in ${own}`,
        ).not.toBeNull();
        expect(await cluster.redis.hget(keys.mmr(own), p.playerId)).not.toBeNull();
        expect(
          await cluster.redis.hget(keys.skills(other), p.playerId),
          `${p.playerId} in ${other}`,
        ).toBeNull();
        // The leaderboard endpoint says the same, and names the game it answers for.
        const standing = await fetch(
          cluster.httpUrl(1, `/leaderboard?kind=player&player=${p.playerId}&game=${own}`),
        );
        expect(standing.status).toBe(200);
        expect(await standing.json()).toMatchObject({ game: own, standing: { player: p.playerId } });
        const elsewhere = await fetch(
          cluster.httpUrl(0, `/leaderboard?kind=player&player=${p.playerId}&game=${other}`),
        );
        expect(elsewhere.status).toBe(404);
      }
    }
    // No game asked: the reference game's board.
    const byDefault = await fetch(cluster.httpUrl(0, `/leaderboard?kind=player&player=${cid.playerId}`));
    expect(await byDefault.json()).toMatchObject({ game: 'arena', standing: { player: cid.playerId } });

    // Battleship's ctx.emit events are searchable in the match log, one `shot` per shot fired.
    const events = await pollUntil(
      async () => {
        await es.indices.refresh({ index: `${MATCH_EVENTS_INDEX_PREFIX}*` }).catch(() => undefined);
        const found = await es
          .search<{ name: string; game: string; detail: string }>({
            index: `${MATCH_EVENTS_INDEX_PREFIX}*`,
            size: 1_000,
            query: {
              bool: { filter: [{ term: { matchId: sea.matchId! } }, { term: { type: 'game_event' } }] },
            },
          })
          .catch(() => undefined);
        const hits = found?.hits.hits.map((h) => h._source!) ?? [];
        return hits.filter((e) => e.name === 'shot').length >= shotResults ? hits : undefined;
      },
      `the ${shotResults} shot events of match ${sea.matchId} searchable`,
      60_000,
      500,
    );
    expect(shotResults).toBeGreaterThanOrEqual(17); // a classic fleet has 17 cells to sink
    expect(events.filter((e) => e.name === 'shot')).toHaveLength(shotResults);
    expect(events.filter((e) => e.name === 'ship_sunk').length).toBeGreaterThanOrEqual(5);
    for (const e of events) expect(e.game).toBe('battleship');
    expect(JSON.parse(events.find((e) => e.name === 'shot')!.detail)).toMatchObject({
      x: expect.any(Number),
      y: expect.any(Number),
    });

    // Hidden information through the real gateways: bob's fleet (from bob's own view) never
    // reached ann in any frame (snapshot, delta or message, decoded) before the match was
    // over, except cells she had fired at herself.
    const bobCells = new Set(
      [...bob.entities.values()]
        .filter((e) => e.k === 'ship' && e.owner === bob.playerId)
        .flatMap((e) =>
          shipCells({ x: Number(e.x), y: Number(e.y), len: Number(e.len), vertical: e.vertical === true }),
        )
        .map((c) => `${c.x},${c.y}`),
    );
    expect(bobCells.size).toBe(17);
    const fired = new Set<string>();
    let checked = 0;
    let sawBobsBoard = false;
    for (const [i, f] of annFrames.entries()) {
      for (const s of annShots) if (s.afterFrames <= i) fired.add(s.cell);
      const over =
        (f.type === 'game_message' && f.messageType === 'game_over') ||
        f.type === 'ended' ||
        (f.type === 'state' && f.changed.game?.phase === 'over');
      if (over) break; // the end reveals every fleet, by design
      const about = new Set<string>();
      if (f.type === 'joined' || f.type === 'state') {
        const entities = f.type === 'joined' ? f.entities : f.changed;
        const bobs = Object.values(entities).filter((e) => e.owner === bob.playerId);
        if (bobs.length > 0) sawBobsBoard = true;
        cellsIn(bobs, about);
      }
      // `incoming` names cells of ann's own board, which may equal cells of bob's.
      if (f.type === 'game_message' && f.messageType !== 'incoming') cellsIn(f.data, about);
      const leaked = [...about].filter((c) => bobCells.has(c) && !fired.has(c));
      expect(leaked, `frame ${i} (${f.type}) shows bob's hidden ship cells`).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(30); // a whole match of frames was checked, not just a few
    expect(sawBobsBoard).toBe(true); // ann's frames did describe bob's board (shots, sunk ships)
  }, 420_000);
});
