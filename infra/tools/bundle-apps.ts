/**
 * `npm run build:apps`: bundles each service's entry point into dist/apps/<service>.js for
 * the container image (Dockerfile), so that production runs plain `node` on JavaScript with
 * only the production dependencies installed (they stay external to the bundles).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SERVICES = ['gateway', 'room-server', 'matchmaker', 'log-indexer'] as const;

export async function bundleApps(outDir = join(REPO, 'dist/apps')): Promise<string[]> {
  await build({
    entryPoints: Object.fromEntries(SERVICES.map((s) => [s, join(REPO, 'apps', s, 'main.ts')])),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    outdir: outDir,
    logLevel: 'warning',
  });
  return SERVICES.map((s) => join(outDir, `${s}.js`));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of await bundleApps(process.argv[2])) console.log(`bundled ${file}`);
}
