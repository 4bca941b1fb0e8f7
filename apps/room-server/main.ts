/** Room server process: `tsx apps/room-server/main.ts`, configured by environment variables. */
import { startRoomServer } from './start.js';

async function main(): Promise<void> {
  const server = await startRoomServer();
  const shutdown = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
