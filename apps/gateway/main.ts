/** Gateway process: `tsx apps/gateway/main.ts`, configured by environment variables. */
import { startGateway } from './start.js';

async function main(): Promise<void> {
  const gateway = await startGateway();
  const shutdown = async () => {
    await gateway.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
