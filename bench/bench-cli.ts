import { fileURLToPath } from 'node:url';
import { startLocalStack, type BackingService } from '../infra/local/stack.js';
import { sectionText, type BenchSection } from './bench-report.js';

/** Shared by the bench scripts: `--name value` numeric flags, and running one standalone. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** The services' addresses (REDIS_URL, KAFKA_BROKERS, ELASTICSEARCH_URL) a benchmark runs against. */
export type ServiceEnv = Readonly<Record<string, string>>;

/**
 * Runs `measure` as its own command (`npm run bench:x`) when `moduleUrl` is the entry point:
 * starts the services it needs (or reuses those named in the environment), prints its
 * section, and exits 0, or 1 on failure. Imported by the suite, it does nothing.
 */
export function runStandalone(
  moduleUrl: string,
  wanted: readonly BackingService[],
  measure: (env: ServiceEnv) => Promise<BenchSection>,
): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  (async () => {
    const stack = await startLocalStack(wanted);
    try {
      const text = sectionText(await measure(stack.env));
      // Piped stdout is asynchronous: exit only once the text is out.
      await new Promise((r) => process.stdout.write(`${text}\n`, r));
    } finally {
      await stack.stop();
    }
  })().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
