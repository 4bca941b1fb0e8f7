/**
 * `npm run bench:realtime [-- --clients 200 --seconds 10]`
 *
 * Server CPU microseconds per delivered state update: Arena (gateway + room server, real
 * processes, rooms of 8 at 20 Hz, every client sending an input each tick) next to a bare
 * uWebSockets.js echo server driven the same way (one message in, one out, per client per
 * tick), measured one after the other in this run. CPU comes from /proc, so the load
 * generator's own cost is not counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, startTypeScriptService } from '../infra/local/arena-apps.js';
import { startArenaPair } from './arena-pair.js';
import { encodeClientMessage } from '../shared/protocol/index.js';
import { numberArg, runStandalone, type ServiceEnv } from './bench-cli.js';
import { ratio, type BenchSection } from './bench-report.js';
import { cpuWindow, totalCpu, type CpuWindow } from './cpu-window.js';
import { driveAt, openArenaClient, openClient, type CountingClient } from './load-clients.js';

const WARMUP_S = 3;
const HZ = 20;
const ROOM_SIZE = 8;

interface Measured extends CpuWindow {
  deliveries: number;
}

async function measure(
  pids: Record<string, number>,
  clients: CountingClient[],
  seconds: number,
): Promise<Measured> {
  const count = () => clients.reduce((n, c) => n + c.received, 0);
  let delivered0 = 0;
  let deliveries = 0;
  const w = await cpuWindow(pids, WARMUP_S, seconds, (at) => {
    if (at === 'start') delivered0 = count();
    else deliveries = count() - delivered0;
  });
  return { ...w, deliveries };
}

async function echoBaseline(logDir: string, n: number, seconds: number): Promise<Measured> {
  const echo = await startTypeScriptService('uws-echo', join(REPO, 'bench/uws-echo-server.ts'), {}, logDir);
  try {
    const url = `ws://127.0.0.1:${echo.port}/ws`;
    const clients = await Promise.all(Array.from({ length: n }, () => openClient(url, () => true)));
    const payload = new Uint8Array(96).fill(7); // about the size of an arena state delta
    const stop = driveAt(HZ, clients, (c) => c.ws.send(payload));
    const result = await measure({ echo: echo.process.pid }, clients, seconds);
    stop();
    for (const c of clients) c.ws.close();
    return result;
  } finally {
    await echo.process.stop(3_000);
  }
}

async function arena(env: ServiceEnv, logDir: string, n: number, seconds: number): Promise<Measured> {
  const pair = await startArenaPair(env.REDIS_URL!, logDir, 'bench', env.KAFKA_BROKERS);
  const { gateway: gw } = pair;
  try {
    const http = `http://127.0.0.1:${gw.port}`;
    const clients: CountingClient[] = [];
    for (let i = 0; i < n; i += 20) {
      const batch = Array.from({ length: Math.min(20, n - i) }, (_, j) =>
        openArenaClient(
          http,
          `ws://127.0.0.1:${gw.port}/ws`,
          `bench-room-${Math.floor((i + j) / ROOM_SIZE)}`,
        ),
      );
      clients.push(...(await Promise.all(batch)));
    }
    const stop = driveAt(HZ, clients, (c, tick) => {
      const angle = (tick / 10 + clients.indexOf(c)) % (2 * Math.PI);
      c.ws.send(
        encodeClientMessage({
          type: 'input',
          seq: tick,
          input: { mx: Math.cos(angle), my: Math.sin(angle) },
        }),
      );
    });
    const result = await measure(pair.pids, clients, seconds);
    stop();
    for (const c of clients) c.ws.close();
    return result;
  } finally {
    await pair.stop();
  }
}

export async function benchRealtime(
  env: ServiceEnv,
  o = { clients: 200, seconds: 10 },
): Promise<BenchSection> {
  const logDir = mkdtempSync(join(tmpdir(), 'arena-bench-'));
  try {
    const baseline = await echoBaseline(logDir, o.clients, o.seconds);
    const measured = await arena(env, logDir, o.clients, o.seconds);
    const per = (m: Measured) => totalCpu(m) / Math.max(1, m.deliveries);
    const split = Object.entries(measured.cpuMicros)
      .map(([k, v]) => `${k} ${(v / Math.max(1, measured.deliveries)).toFixed(1)} µs`)
      .join(', ');
    return {
      title: 'Real-time path: server CPU per delivered state update',
      command: 'npm run bench:realtime',
      setup: `${o.clients} clients, rooms of ${ROOM_SIZE}, ${HZ} Hz ticks, an input from every client each tick, ${o.seconds} s after ${WARMUP_S} s warm-up`,
      baselineName: 'bare uWebSockets.js echo',
      rows: [
        {
          metric: 'server CPU per delivered message (µs)',
          arena: per(measured).toFixed(1),
          baseline: per(baseline).toFixed(1),
          ratio: ratio(per(measured), per(baseline), 'lower'),
        },
        {
          metric: 'messages delivered per second',
          arena: String(Math.round(measured.deliveries / measured.seconds)),
          baseline: String(Math.round(baseline.deliveries / baseline.seconds)),
          ratio: ratio(
            measured.deliveries / measured.seconds,
            baseline.deliveries / baseline.seconds,
            'higher',
          ),
        },
      ],
      notes: [
        `Arena's CPU by process: ${split}. The echo does no work per message; Arena validates, routes, simulates and encodes.`,
        'Arena runs with its match-log producer connected to Kafka; Redis (checkpoints, registry, seats) is counted when it runs on this machine. Delivered messages are those the clients received.',
      ],
    };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

runStandalone(import.meta.url, ['redis', 'kafka'], (env) =>
  benchRealtime(env, { clients: numberArg('clients', 200), seconds: numberArg('seconds', 10) }),
);
