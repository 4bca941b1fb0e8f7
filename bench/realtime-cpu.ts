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
import { REPO, startArenaApp, startTypeScriptService } from '../infra/local/arena-apps.js';
import { startLocalStack } from '../infra/local/stack.js';
import { encodeClientMessage } from '../shared/protocol/index.js';
import { driveAt, openArenaClient, openClient, type CountingClient } from './load-clients.js';
import { processCpuMicros } from './process-cpu.js';
import { numberArg, runBench } from './bench-cli.js';

const CLIENTS = numberArg('clients', 200);
const SECONDS = numberArg('seconds', 10);
const WARMUP_S = 3;
const HZ = 20;
const ROOM_SIZE = 8;

interface Measured {
  deliveries: number;
  cpuMicros: Record<string, number>;
}

/** Counts deliveries and each process's CPU over the measuring window, after a warm-up. */
async function measure(pids: Record<string, number>, clients: CountingClient[]): Promise<Measured> {
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const count = () => clients.reduce((n, c) => n + c.received, 0);
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuMicros(pid)]));
  const delivered0 = count();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const cpuMicros = Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => [k, processCpuMicros(pid) - cpu0[k]!]),
  );
  return { deliveries: count() - delivered0, cpuMicros };
}

async function echoBaseline(logDir: string): Promise<Measured> {
  const echo = await startTypeScriptService('uws-echo', join(REPO, 'bench/uws-echo-server.ts'), {}, logDir);
  try {
    const url = `ws://127.0.0.1:${echo.port}/ws`;
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => openClient(url, () => true)));
    const payload = new Uint8Array(96).fill(7); // about the size of an arena state delta
    const stop = driveAt(HZ, clients, (c) => c.ws.send(payload));
    const result = await measure({ echo: echo.process.pid }, clients);
    stop();
    for (const c of clients) c.ws.close();
    return result;
  } finally {
    await echo.process.stop(3_000);
  }
}

async function arena(redisUrl: string, logDir: string): Promise<Measured> {
  const env = {
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `bench-${Date.now()}:`,
    ROOM_SERVER_PORT: '0',
    GATEWAY_PORT: '0',
    GATEWAY_STATIC_DIR: '',
    GATEWAY_OPS_PORT: '0',
    ROOM_SERVER_OPS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  const rs = await startArenaApp('room-server', 'rs-bench', { ...env, ROOM_SERVER_ID: 'rs-bench' }, logDir);
  const gw = await startArenaApp('gateway', 'gw-bench', { ...env, GATEWAY_ID: 'gw-bench' }, logDir);
  try {
    const http = `http://127.0.0.1:${gw.port}`;
    const clients: CountingClient[] = [];
    for (let i = 0; i < CLIENTS; i += 20) {
      const batch = Array.from({ length: Math.min(20, CLIENTS - i) }, (_, j) =>
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
    const result = await measure({ gateway: gw.process.pid, 'room server': rs.process.pid }, clients);
    stop();
    for (const c of clients) c.ws.close();
    return result;
  } finally {
    await Promise.allSettled([gw.process.stop(3_000), rs.process.stop(3_000)]);
  }
}

function row(label: string, m: Measured): { perDelivery: number; line: string } {
  const cpu = Object.values(m.cpuMicros).reduce((a, b) => a + b, 0);
  const perDelivery = cpu / Math.max(1, m.deliveries);
  const split = Object.entries(m.cpuMicros)
    .map(([k, v]) => `${k} ${(v / Math.max(1, m.deliveries)).toFixed(1)}`)
    .join(', ');
  const line = `${label.padEnd(30)} ${String(Math.round(m.deliveries / SECONDS)).padStart(12)} ${((cpu / (SECONDS * 1e6)) * 100).toFixed(1).padStart(10)}% ${perDelivery.toFixed(1).padStart(14)}   (${split})`;
  return { perDelivery, line };
}

async function main(): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), 'arena-bench-'));
  const stack = process.env.REDIS_URL ? undefined : await startLocalStack(['redis']);
  const redisUrl = process.env.REDIS_URL ?? stack!.env.REDIS_URL!;
  try {
    console.log(
      `\nReal-time path: server CPU per delivered message (${CLIENTS} clients, ${HZ} Hz, rooms of ${ROOM_SIZE}, ${SECONDS} s)`,
    );
    const baseline = await echoBaseline(logDir);
    const measured = await arena(redisUrl, logDir);
    console.log(
      `${'server'.padEnd(30)} ${'deliveries/s'.padStart(12)} ${'CPU'.padStart(11)} ${'CPU µs/delivery'.padStart(14)}`,
    );
    const b = row('bare uWebSockets.js echo', baseline);
    const a = row('Arena gateway + room server', measured);
    console.log(b.line);
    console.log(a.line);
    console.log(
      `ratio Arena / bare echo: ${(a.perDelivery / b.perDelivery).toFixed(2)}x CPU per delivered message`,
    );
  } finally {
    await stack?.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

runBench(main);
