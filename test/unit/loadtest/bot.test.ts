import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { Bot } from '../../../loadtest/bot.js';
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
