/**
 * `npm run bench:peer [-- --clients 200 --seconds 10]`
 *
 * The same room workload on Colyseus (0.16, from npm: bench/colyseus/server.ts) and on Arena
 * (a gateway and a room server), one after the other in this run: N clients in rooms of 8,
 * each sending an input 20 times a second, the server simulating and syncing state at 20 Hz.
 * Measured: the servers' CPU (from /proc: the clients in this process are not counted) per
 * client, and each input's round trip until a state update acknowledges it (HdrHistogram),
 * both through each project's own client library.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ColyseusClient, type Room } from 'colyseus.js';
import type { Histogram } from 'hdr-histogram-js';
import WebSocket from 'ws';
import { REPO, startTypeScriptService } from '../infra/local/arena-apps.js';
import { startArenaPair } from './arena-pair.js';
import { freePort } from '../infra/local/free-port.js';
import { latencyHistogram } from '../loadtest/swarm-stats.js';
import { ArenaClient } from '../shared/client/index.js';
import { numberArg, runStandalone, type ServiceEnv } from './bench-cli.js';
import { ratio, type BenchSection } from './bench-report.js';
import { cpuWindow, totalCpu } from './cpu-window.js';

const HZ = 20;
const ROOM_SIZE = 8;
const WARMUP_S = 3;

/** One connected client of either server: sends an input, reports acknowledgements. */
interface PeerClient {
  input(seq: number, mx: number, my: number): void;
  close(): void;
}

interface Run {
  cpuMicros: number;
  seconds: number;
  rtt: Histogram;
  stateUpdates: number;
}

/** True while the measuring window is open: only then do round trips count. */
let measuring = false;

function acknowledge(pending: Map<number, number>, acked: number, rtt: Histogram): void {
  const now = performance.now();
  for (const [seq, sentAt] of pending) {
    if (seq > acked) break;
    if (measuring) rtt.recordValue(Math.max(1, Math.round((now - sentAt) * 1000)));
    pending.delete(seq);
  }
}

/** Drives `clients` at 20 Hz (input seq n from every client at once) and measures a window. */
async function drive(
  pids: Record<string, number>,
  clients: PeerClient[],
  acks: { pending: Map<number, number>[]; updates: number },
  seconds: number,
): Promise<Omit<Run, 'rtt'>> {
  let seq = 0;
  const timer = setInterval(() => {
    seq++;
    const now = performance.now();
    clients.forEach((c, i) => {
      const angle = (seq / 10 + i) % (2 * Math.PI);
      acks.pending[i]!.set(seq, now);
      c.input(seq, Math.cos(angle), Math.sin(angle));
    });
  }, 1000 / HZ);
  let updates0 = 0;
  let updates = 0;
  const w = await cpuWindow(pids, WARMUP_S, seconds, (at) => {
    measuring = at === 'start';
    if (at === 'start') updates0 = acks.updates;
    else updates = acks.updates - updates0;
  });
  clearInterval(timer);
  for (const c of clients) c.close();
  return { cpuMicros: totalCpu(w), seconds: w.seconds, stateUpdates: updates };
}

async function colyseus(logDir: string, n: number, seconds: number): Promise<Run> {
  const port = await freePort();
  const server = await startTypeScriptService(
    'colyseus',
    join(REPO, 'bench/colyseus/server.ts'),
    { PORT: String(port) },
    logDir,
  );
  try {
    const endpoint = new ColyseusClient(`ws://127.0.0.1:${port}`);
    const acks = { pending: [] as Map<number, number>[], updates: 0 };
    const rtt = latencyHistogram();
    const clients: PeerClient[] = [];
    for (let i = 0; i < n; i++) {
      // One at a time: joinOrCreate fills each room to its 8 before opening the next.
      const room: Room = await endpoint.joinOrCreate('arena');
      const pending = new Map<number, number>();
      acks.pending.push(pending);
      room.onStateChange((state: { players: Map<string, { ack: number }> }) => {
        acks.updates++;
        const me = state.players.get(room.sessionId);
        if (me) acknowledge(pending, me.ack, rtt);
      });
      clients.push({
        input: (seq, mx, my) => room.send('input', { seq, mx, my }),
        close: () => void room.leave(true).catch(() => {}),
      });
    }
    const run = await drive({ colyseus: server.process.pid }, clients, acks, seconds);
    return { ...run, rtt };
  } finally {
    await server.process.stop(3_000);
  }
}

async function arena(
  redisUrl: string,
  kafkaBrokers: string | undefined,
  logDir: string,
  n: number,
  seconds: number,
): Promise<Run> {
  const pair = await startArenaPair(redisUrl, logDir, 'peer', kafkaBrokers);
  const { gateway: gw } = pair;
  try {
    const acks = { pending: [] as Map<number, number>[], updates: 0 };
    const rtt = latencyHistogram();
    const clients: PeerClient[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(`http://127.0.0.1:${gw.port}/auth/guest`, { method: 'POST', body: '{}' });
      const { token } = (await res.json()) as { token: string };
      const client = new ArenaClient({
        gateways: [`ws://127.0.0.1:${gw.port}/ws`],
        token,
        webSocket: (url) => new WebSocket(url) as never,
        reconnect: false,
      });
      await client.connect();
      await client.join(`peer-room-${Math.floor(i / ROOM_SIZE)}`);
      // The SDK numbers inputs itself (1, 2, ...), as the driver does: they stay in step.
      const pending = new Map<number, number>();
      acks.pending.push(pending);
      client.on('state', (s) => {
        acks.updates++;
        const acked = s.acks[client.playerId];
        if (acked !== undefined) acknowledge(pending, acked, rtt);
      });
      clients.push({
        input: (_seq, mx, my) => void client.sendInput({ mx, my }),
        close: () => client.close(),
      });
    }
    const run = await drive(pair.pids, clients, acks, seconds);
    return { ...run, rtt };
  } finally {
    await pair.stop();
  }
}

export async function benchPeerRoom(
  env: ServiceEnv,
  o = { clients: 200, seconds: 10 },
): Promise<BenchSection> {
  const logDir = mkdtempSync(join(tmpdir(), 'arena-bench-peer-'));
  try {
    const c = await colyseus(logDir, o.clients, o.seconds);
    const a = await arena(env.REDIS_URL!, env.KAFKA_BROKERS, logDir, o.clients, o.seconds);
    const cpuPer100 = (r: Run) => (r.cpuMicros / 1e6 / r.seconds / o.clients) * 100 * 100; // % of a core per 100 clients
    const updates = (r: Run) => r.stateUpdates / r.seconds / o.clients;
    const ms = (r: Run, p: number) => r.rtt.getValueAtPercentile(p) / 1000;
    const row = (metric: string, av: number, cv: number, digits: number, better: 'lower' | 'higher') => ({
      metric,
      arena: av.toFixed(digits),
      baseline: cv.toFixed(digits),
      ratio: ratio(av, cv, better),
    });
    return {
      title: 'Peer comparison: the same room workload on Colyseus and on Arena',
      command: 'npm run bench:peer',
      setup: `${o.clients} clients in rooms of ${ROOM_SIZE}, an input from every client ${HZ} times a second, state synced at ${HZ} Hz, ${o.seconds} s after ${WARMUP_S} s warm-up, each through its own client library`,
      baselineName: 'Colyseus 0.16 (ws transport)',
      rows: [
        row('server CPU per 100 clients (% of one core)', cpuPer100(a), cpuPer100(c), 1, 'lower'),
        row('input -> state round trip p50 (ms)', ms(a, 50), ms(c, 50), 1, 'lower'),
        row('input -> state round trip p99 (ms)', ms(a, 99), ms(c, 99), 1, 'lower'),
        row('state updates per client per second', updates(a), updates(c), 1, 'higher'),
      ],
      notes: [
        'Arena is two processes here (gateway and room server) plus the Redis it writes room checkpoints and its registry heartbeat to, CPU summed over the three (Redis when local), with its match-log producer connected to Kafka; Colyseus runs rooms and sockets in one process with in-memory presence. Arena can put gateways and room servers on different machines; Colyseus scales by adding whole processes behind its own presence and driver.',
      ],
    };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

runStandalone(import.meta.url, ['redis', 'kafka'], (env) =>
  benchPeerRoom(env, { clients: numberArg('clients', 200), seconds: numberArg('seconds', 10) }),
);
