import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Inside this repository the public entry points resolve to their sources, as tsconfig's
// "paths" does for the type-checker (examples/ import only `arena/...`, like a studio's game).
const alias = {
  'arena/testing': fileURLToPath(new URL('./testing/index.ts', import.meta.url)),
};

// Two projects: `unit` needs nothing but Node; `integration` gets real Redis, Kafka and
// Elasticsearch from the global setup (started by infra/local, or reused via env vars).
export default defineConfig({
  test: {
    reporters: ['default', './test/setup/summary-reporter.ts'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/real-services.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
