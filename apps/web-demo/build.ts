/**
 * Bundles the web demo for browsers into apps/web-demo/dist (or the directory given):
 * `npm run build:web`. The gateway serves that directory (GATEWAY_STATIC_DIR).
 *
 * CDN-ready output: every asset is named after its content (demo-<hash>.js, its source map,
 * favicon-<hash>.svg; see shared/web/hashed-asset-names.ts), so it can be cached for a year;
 * index.html is the only file with a fixed name and is rewritten to point at the hashed
 * names. The build fails when index.html refers to a file it does not produce.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { hashedAssetName, isHashedAssetName } from '../../shared/web/hashed-asset-names.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const SRC = join(here, 'src');
/** Files of src/ copied as they are (under a hashed name). */
const COPIED_ASSETS = ['favicon.svg'];

/** Local references in the page: src="..." and href="..." that are not URLs or fragments. */
function localReferences(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)]
    .map((m) => m[1]!)
    .filter((ref) => !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(ref));
}

export async function buildWebDemo(outDir = join(here, 'dist')): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  // Hashed files of an earlier build would pile up: remove them (and only them).
  for (const name of readdirSync(outDir)) {
    if (isHashedAssetName(name) || name === 'index.html') rmSync(join(outDir, name));
  }
  const result = await build({
    entryPoints: { demo: join(SRC, 'main.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outdir: outDir,
    entryNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  // What index.html names -> what the build wrote.
  const names = new Map<string, string>();
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint) names.set('demo.js', basename(out));
  }
  for (const asset of COPIED_ASSETS) {
    const hashed = hashedAssetName(asset, readFileSync(join(SRC, asset)));
    copyFileSync(join(SRC, asset), join(outDir, hashed));
    names.set(asset, hashed);
  }
  let html = readFileSync(join(SRC, 'index.html'), 'utf8');
  for (const ref of localReferences(html)) {
    const hashed = names.get(ref);
    if (!hashed) throw new Error(`web demo: index.html refers to ${ref}, which the build does not produce`);
    html = html.replaceAll(`"${ref}"`, `"${hashed}"`);
  }
  for (const ref of localReferences(html)) {
    if (!existsSync(join(outDir, ref))) throw new Error(`web demo: ${ref} is missing from ${outDir}`);
  }
  writeFileSync(join(outDir, 'index.html'), html);
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildWebDemo(process.argv[2]);
  console.log(`web demo built into ${out}`);
}
