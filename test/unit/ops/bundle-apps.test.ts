import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bundleApps, SERVICES } from '../../../infra/tools/bundle-apps.js';

describe('npm run build:apps (what the container image runs)', () => {
  it('bundles every service into a file that loads with plain node and validates its config', async () => {
    const files = await bundleApps();
    expect(files).toHaveLength(SERVICES.length);
    for (const file of files) {
      // Every import resolves when the module loads; then main() reads the environment and
      // refuses the bad variable by name, before touching the network.
      const r = spawnSync(process.execPath, [file], {
        env: { PATH: process.env.PATH, AUTH_SECRET: 'too-short' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect({ file, status: r.status, stderr: r.stderr.trim() }).toEqual({
        file,
        status: 1,
        stderr: 'Invalid configuration:\n  AUTH_SECRET must be at least 32 characters',
      });
    }
    // esbuild over every service plus a node start each: seconds of CPU, not a speed check.
  }, 120_000);
});
