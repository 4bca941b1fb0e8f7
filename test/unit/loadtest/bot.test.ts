import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { Bot } from '../../../loadtest/bot.js';
import { battleshipBrain } from '../../../loadtest/brains/battleship-brain.js';
import { WorkerStats } from '../../../loadtest/swarm-stats.js';
import {
  encodeServerMessage,
  parseClientMessage,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ServerMessage,
} from '../../../shared/protocol/index.js';

/**
 * A stand-in gateway for the bot (the unit under test): guest login, a welcome, and whatever
 * `answer` says to each client frame. What the bot counts is what the swarm reports.
 */
async function fakeGateway(answer: (msg: ClientMessage, n: number) => ServerMessage[]) {
  const queues: number[] = [];
  const http: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ playerId: 'p1', token: 't' }));
  });
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  wss.on('connection', (ws: WebSocket) => {
    const send = (m: ServerMessage) => ws.send(encodeServerMessage(m));
    send({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      playerId: 'p1',
      gatewayId: 'gw',
      resumeToken: 't',
    });
    ws.on('message', (data: Buffer) => {
      const parsed = parseClientMessage(new Uint8Array(data));
      if (!parsed.ok) return;
      if (parsed.msg.type === 'queue') queues.push(Date.now());
      for (const reply of answer(parsed.msg, queues.length)) send(reply);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
  return {
    url,
    queues,
    close: () => new Promise<void>((r) => wss.close(() => http.close(() => r()))),
  };
}

let stop: (() => Promise<void>) | undefined;
let bot: Bot | undefined;
afterEach(async () => {
  bot?.stop();
  await stop?.();
});

/** Resolves once `what` holds (checked every 20 ms), or fails after timeoutMs naming `label`. */
async function until(what: () => boolean, label: string, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('bot: players let down by matchmaking are reported, not hidden', () => {
  it('counts a queue request that gets no answer at all, and queues again', async () => {
    const gw = await fakeGateway(() => []); // swallows every request
    stop = gw.close;
    const stats = new WorkerStats();
    bot = new Bot({
      index: 0,
      gateways: [gw.url],
      queue: 'duel.eu',
      inputHz: 10,
      stats,
      random: () => 0,
      queueAnswerTimeoutMs: 200,
    });
    await bot.start();
    await until(() => gw.queues.length >= 2, 'a second queue request');
    expect(
      stats.snapshot({ connected: 1, queued: 1, playing: 0 }, 0).errors.queue_unanswered,
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts an unavailable refusal and a lost ticket, and queues again after each', async () => {
    const gw = await fakeGateway((msg, n) => {
      if (msg.type !== 'queue') return [];
      if (n === 1) return [{ type: 'error', code: 'unavailable', message: 'redis down' }];
      if (n === 2)
        return [
          { type: 'queued', queue: msg.queue, ticketId: 't2' },
          { type: 'queue_ended', queue: msg.queue, reason: 'lost', message: 'queue again' },
        ];
      return [{ type: 'queued', queue: msg.queue, ticketId: 't3' }];
    });
    stop = gw.close;
    const stats = new WorkerStats();
    bot = new Bot({ index: 0, gateways: [gw.url], queue: 'duel.eu', inputHz: 10, stats, random: () => 0 });
    await bot.start();
    await until(() => gw.queues.length >= 3 && bot!.phase === 'queued', 'the third queue request');
    expect(stats.snapshot({ connected: 1, queued: 1, playing: 0 }, 0).errors).toEqual({
      'error:unavailable': 1,
      'queue_ended:lost': 1,
    });
  });

  // Regression (issue 12 item 6): a bot left waiting in a queue past the mode's max wait was no error.
  it('counts a bot stuck in the queue past the mode’s max wait, cancels and queues again', async () => {
    const frames: string[] = [];
    const gw = await fakeGateway((msg) => {
      frames.push(msg.type);
      // Queued, then nothing: neither a match nor queue_ended, ever (the cancel is not answered).
      return msg.type === 'queue' ? [{ type: 'queued', queue: msg.queue, ticketId: 't' }] : [];
    });
    stop = gw.close;
    const stats = new WorkerStats();
    bot = new Bot({
      index: 0,
      gateways: [gw.url],
      queue: 'duel.eu',
      inputHz: 10,
      stats,
      random: () => 0,
      maxQueueWaitMs: 100,
      queueStuckMarginMs: 100,
    });
    await bot.start();
    await until(() => gw.queues.length >= 2, 'a second queue request after the stuck one');
    expect(frames.slice(0, 3)).toEqual(['queue', 'cancel_queue', 'queue']);
    const { errors } = stats.snapshot({ connected: 1, queued: 1, playing: 0 }, 0);
    expect(errors.queue_stuck).toBeGreaterThanOrEqual(1);
    expect(errors.queue_unanswered).toBeUndefined();
  });
});

describe('bot: plays with the brain of its game', () => {
  it('sends what its brain decides from the view, and counts a game message the brain calls a fault', async () => {
    const inputs: unknown[] = [];
    const view = {
      game: { k: 'game', phase: 'playing', size: 5, turn: 'p1', turnEndsAtMs: 30_000, winner: '' },
    };
    const gw = await fakeGateway((msg) => {
      if (msg.type === 'queue')
        return [
          { type: 'queued', queue: msg.queue, ticketId: 't' },
          { type: 'match_found', matchId: 'm1', roomId: 'r1', queue: msg.queue, teams: [['p1'], ['p2']] },
        ];
      if (msg.type === 'join')
        return [
          { type: 'joined', roomId: 'r1', you: 'p1', tick: 1, tickHz: 2, entities: view, resumed: false },
        ];
      if (msg.type !== 'input') return [];
      inputs.push(msg.input);
      return [{ type: 'game_message', roomId: 'r1', messageType: 'invalid_shot', data: { reason: 'test' } }];
    });
    stop = gw.close;
    const stats = new WorkerStats();
    bot = new Bot({
      index: 0,
      gateways: [gw.url],
      queue: 'battle.eu',
      brain: battleshipBrain,
      inputHz: 30,
      stats,
      random: () => 0,
    });
    await bot.start();
    await until(
      () => stats.snapshot({ connected: 1, queued: 0, playing: 1 }, 0).errors['game:invalid_shot'] === 1,
      'the refused shot to be counted',
    );
    // A shot on the 5x5 board (the brain's), not the reference game's {mx, my, tag}.
    expect(inputs[0]).toEqual({ x: expect.any(Number), y: expect.any(Number) });
    const shot = inputs[0] as { x: number; y: number };
    expect(shot.x).toBeLessThan(5);
    expect(shot.y).toBeLessThan(5);
  });
});
