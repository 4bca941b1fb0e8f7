import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `integration` gets real Redis, Kafka and
// Elasticsearch from the global setup (started by infra/local, or reused via env vars).
export default defineConfig({
  test: {
    reporters: ['default', './test/setup/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
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
