import { startArenaApp, type RunningApp } from '../infra/local/arena-apps.js';
import { localRedisPid } from './redis-pid.js';

export interface ArenaPair {
  gateway: RunningApp;
  roomServer: RunningApp;
  /** The processes of Arena's path (gateway, room server, and Redis when local), for CPU measurement. */
  pids: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * A gateway and a room server on any free ports, for the real-time benchmarks. With
 * `kafkaBrokers`, the room server's match-log producer is connected as in production.
 */
export async function startArenaPair(
  redisUrl: string,
  logDir: string,
  name: string,
  kafkaBrokers?: string,
): Promise<ArenaPair> {
  const env = {
    REDIS_URL: redisUrl,
    ...(kafkaBrokers ? { KAFKA_BROKERS: kafkaBrokers } : {}),
    REDIS_KEY_PREFIX: `bench-${name}-${Date.now()}:`,
    ROOM_SERVER_PORT: '0',
    GATEWAY_PORT: '0',
    GATEWAY_OPS_PORT: '0',
    ROOM_SERVER_OPS_PORT: '0',
    GATEWAY_STATIC_DIR: '',
    LOG_LEVEL: 'warn',
    // Every bench client is a guest from 127.0.0.1; the per-address limit (10/min) is for the internet.
    AUTH_GUEST_LOGINS_PER_MIN: '100000',
  };
  const roomServer = await startArenaApp(
    'room-server',
    `rs-${name}`,
    { ...env, ROOM_SERVER_ID: `rs-${name}` },
    logDir,
  );
  const gateway = await startArenaApp(
    'gateway',
    `gw-${name}`,
    { ...env, GATEWAY_ID: `gw-${name}` },
    logDir,
  ).catch(async (err: unknown) => {
    await roomServer.process.stop(3_000);
    throw err;
  });
  const redisPid = await localRedisPid(redisUrl);
  return {
    gateway,
    roomServer,
    pids: {
      gateway: gateway.process.pid,
      'room server': roomServer.process.pid,
      ...(redisPid ? { redis: redisPid } : {}),
    },
    stop: async () => {
      await Promise.allSettled([gateway.process.stop(3_000), roomServer.process.stop(3_000)]);
    },
  };
}
