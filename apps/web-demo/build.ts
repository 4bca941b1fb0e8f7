/**
 * Bundles the web demo for browsers into apps/web-demo/dist (or the directory given):
 * `npm run build:web`. The gateway serves that directory (GATEWAY_STATIC_DIR).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

export async function buildWebDemo(outDir = join(here, 'dist')): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(here, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outfile: join(outDir, 'demo.js'),
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'src/index.html'), join(outDir, 'index.html'));
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildWebDemo(process.argv[2]);
  console.log(`web demo built into ${out}`);
}
