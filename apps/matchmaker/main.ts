/** Matchmaker process: `tsx apps/matchmaker/main.ts`. Run several; they share the queues safely. */
import { startMatchmaker } from './start.js';

async function main(): Promise<void> {
  const matchmaker = await startMatchmaker();
  const shutdown = async () => {
    await matchmaker.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
