import { startArenaApp, type RunningApp } from '../infra/local/arena-apps.js';

export interface ArenaPair {
  gateway: RunningApp;
  roomServer: RunningApp;
  /** The two processes, for CPU measurement. */
  pids: Record<string, number>;
  stop(): Promise<void>;
}

/** A gateway and a room server on any free ports, for the real-time benchmarks. */
export async function startArenaPair(redisUrl: string, logDir: string, name: string): Promise<ArenaPair> {
  const env = {
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `bench-${name}-${Date.now()}:`,
    ROOM_SERVER_PORT: '0',
    GATEWAY_PORT: '0',
    GATEWAY_OPS_PORT: '0',
    ROOM_SERVER_OPS_PORT: '0',
    GATEWAY_STATIC_DIR: '',
    LOG_LEVEL: 'warn',
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
  return {
    gateway,
    roomServer,
    pids: { gateway: gateway.process.pid, 'room server': roomServer.process.pid },
    stop: async () => {
      await Promise.allSettled([gateway.process.stop(3_000), roomServer.process.stop(3_000)]);
    },
  };
}
