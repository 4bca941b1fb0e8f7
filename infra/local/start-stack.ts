/**
 * `npm start`: the whole local stack. Redis, Kafka and Elasticsearch (infra/local), the web
 * demo bundle, 2 room servers (the reference game and Battleship), a matchmaker (its default
 * modes and a Battleship duel, `battle`), a match-log indexer and 2 gateways (ports 8080
 * and 8081). Each service serves /metrics, /healthz and /readyz on its own ops port (OPS_PORTS).
 * Prints the demo URL and stops everything on Ctrl-C (SIGINT) or SIGTERM.
 */
import { buildWebDemo } from '../../apps/web-demo/build.js';
import { startArenaApp, type RunningApp } from './arena-apps.js';
import { localGameEnv } from './local-games.js';
import { say } from './say.js';
import { startLocalStack, type LocalStack } from './stack.js';

const GATEWAY_PORTS = [8080, 8081];
const ROOM_SERVERS = ['rs-1', 'rs-2'];
/** Ops ports, the same as infra/prometheus/prometheus-local.yml scrapes. */
const OPS_PORTS: Record<string, number> = {
  'gw-1': 9101,
  'gw-2': 9102,
  'rs-1': 9201,
  'rs-2': 9202,
  'mm-1': 9300,
  'ix-1': 9400,
};

async function main(): Promise<void> {
  let stack: LocalStack | undefined;
  const apps: RunningApp[] = [];
  let stopping = false;
  const stopAll = async () => {
    await Promise.allSettled(apps.map((a) => a.process.stop(10_000)));
    await stack?.stop();
  };
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say('stack', `${signal}: stopping`);
    stopAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    stack = await startLocalStack();
    const staticDir = await buildWebDemo();
    // Local play and `npm run swarm` log every guest in from 127.0.0.1: lift the per-address
    // guest-login limit here (an explicit AUTH_GUEST_LOGINS_PER_MIN still wins).
    const env = {
      AUTH_GUEST_LOGINS_PER_MIN: process.env.AUTH_GUEST_LOGINS_PER_MIN ?? '100000',
      ...stack.env,
      ...localGameEnv(process.env),
      GATEWAY_STATIC_DIR: staticDir,
      ROOM_SERVER_PORT: '0',
    };
    const ops = (id: string) => String(OPS_PORTS[id]);
    for (const id of ROOM_SERVERS) {
      apps.push(
        await startArenaApp(
          'room-server',
          id,
          { ...env, ROOM_SERVER_ID: id, ROOM_SERVER_OPS_PORT: ops(id) },
          stack.runDir,
        ),
      );
    }
    apps.push(
      await startArenaApp(
        'matchmaker',
        'mm-1',
        { ...env, MATCHMAKER_ID: 'mm-1', MATCHMAKER_OPS_PORT: ops('mm-1') },
        stack.runDir,
      ),
    );
    apps.push(
      await startArenaApp(
        'log-indexer',
        'ix-1',
        { ...env, LOG_INDEXER_ID: 'ix-1', LOG_INDEXER_OPS_PORT: ops('ix-1') },
        stack.runDir,
      ),
    );
    for (const [i, port] of GATEWAY_PORTS.entries()) {
      const id = `gw-${i + 1}`;
      apps.push(
        await startArenaApp(
          'gateway',
          id,
          { ...env, GATEWAY_ID: id, GATEWAY_PORT: String(port), GATEWAY_OPS_PORT: ops(id) },
          stack.runDir,
        ),
      );
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stopAll();
    process.exit(1);
  }
  process.stdout.write(
    [
      '',
      'Arena is up.',
      ...GATEWAY_PORTS.map((p) => `  Play:      http://127.0.0.1:${p}/   (gateway ws://127.0.0.1:${p}/ws)`),
      `  Metrics:   ${apps.map((a) => `${a.name} http://127.0.0.1:${a.opsPort}/metrics`).join(', ')}`,
      `  Services:  ${Object.entries(stack.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `  Logs:      ${stack.runDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  // Keep the event loop alive: service processes are unref'd.
  setInterval(() => {}, 1 << 30);
}

void main();
