/**
 * `npm start`: starts the local stack and keeps it up until Ctrl-C (SIGINT) or SIGTERM, then
 * stops everything it started. Prints the environment that points Arena at it.
 */
import { startLocalStack } from './stack.js';
import { say } from './say.js';

async function main(): Promise<void> {
  const stack = await startLocalStack();
  process.stdout.write(
    `\nArena local stack is up. Environment:\n${Object.entries(stack.env)
      .map(([k, v]) => `  export ${k}=${v}`)
      .join('\n')}\n\nPress Ctrl-C to stop.\n`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say('stack', `${signal}: stopping`);
    stack.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Keep the event loop alive: service processes are unref'd.
  setInterval(() => {}, 1 << 30);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
