import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const example = join(repo, 'examples/battleship');

/** Environment for a child tool: without this run's vitest variables, which would confuse a nested vitest. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
}

/**
 * What a studio does: `npm pack` Arena, then in its own project outside the repo depend on the
 * tarball and build and test its game against it. The game code and the test kit load nothing
 * from Arena's server dependencies, so the project gets the package exactly as npm places a
 * tarball dependency (node_modules/arena, extracted from the .tgz) while its tools (TypeScript,
 * vitest) are linked from this repo: no registry needed, and a minute faster.
 */
describe('the example game as a studio project against the packed arena tarball', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arena-studio-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: repo,
      env: childEnv(),
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    const project = join(dir, 'battleship');
    await cp(join(example, 'src'), join(project, 'src'), { recursive: true });
    await cp(join(example, 'test'), join(project, 'test'), { recursive: true });
    await cp(join(example, 'tsconfig.json'), join(project, 'tsconfig.json'));
    const pkg = JSON.parse(await readFile(join(example, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    pkg.dependencies.arena = `file:${tarball}`;
    await writeFile(join(project, 'package.json'), JSON.stringify(pkg, null, 2));
    await mkdir(join(project, 'node_modules/arena'), { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', join(project, 'node_modules/arena'), '--strip-components=1']);
    for (const tool of ['typescript', 'vitest'])
      await symlink(join(repo, 'node_modules', tool), join(project, 'node_modules', tool), 'dir');
    // Uses of the API that must NOT compile: if the published types were missing or `any`,
    // these expectations would go unused and tsc would fail on that instead.
    await writeFile(
      join(project, 'src/type-guards.ts'),
      [
        "import type { Game } from 'arena/game';",
        "import { createTestRoom } from 'arena/testing';",
        "import { battleship } from './battleship.js';",
        '// @ts-expect-error a player id is a string',
        'createTestRoom(battleship).join(42);',
        '// @ts-expect-error a game needs its hooks, not just a name (published types are not any)',
        "export const incomplete: Game<unknown, unknown> = { name: 'x', maxPlayers: 2 };",
        '// @ts-expect-error only the documented entry points are public',
        "export * from 'arena/dist/pkg/testing/index.js';",
        '',
      ].join('\n'),
    );
    // A deployment started in code with the studio's game: arena/server's three services.
    await writeFile(
      join(project, 'src/deploy.ts'),
      [
        "import { startGateway, startMatchmaker, startRoomServer, type RunningGateway } from 'arena/server';",
        "import { battleship } from './battleship.js';",
        'export async function deploy(): Promise<RunningGateway> {',
        '  const rooms = await startRoomServer({ games: [battleship] });',
        '  const matchmaker = await startMatchmaker({ games: [battleship], env: { MATCHMAKER_REGIONS: "eu" } });',
        "  const gateway = await startGateway({ env: { GATEWAY_PORT: '0' } });",
        '  const stopAll = (): Promise<void[]> => Promise.all([gateway.stop(), matchmaker.stop(), rooms.stop()]);',
        '  void stopAll;',
        '  const port: number = gateway.port;',
        '  const queues: string[] = matchmaker.queues;',
        '  void port, void queues;',
        '  // @ts-expect-error a gateway runs no games (published types are not any)',
        '  await startGateway({ games: [battleship] });',
        '  // @ts-expect-error a matchmaker takes games, not a number',
        '  await startMatchmaker({ games: 2 });',
        '  return gateway;',
        '}',
        '',
      ].join('\n'),
    );
  }, 150_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ships only the public entry points, with their types', async () => {
    const { stdout } = await run('tar', ['-tzf', join(dir, 'arena-0.1.0.tgz')]);
    const files = stdout.trim().split('\n');
    for (const entry of ['game', 'testing', 'client', 'server'])
      expect(files).toEqual(
        expect.arrayContaining([`package/dist/pkg/lib/${entry}.js`, `package/dist/pkg/lib/${entry}.d.ts`]),
      );
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const pkg = JSON.parse(
      await readFile(join(dir, 'battleship/node_modules/arena/package.json'), 'utf8'),
    ) as {
      exports: Record<string, unknown>;
    };
    expect(Object.keys(pkg.exports)).toEqual(
      expect.arrayContaining(['./game', './testing', './client', './server']),
    );
  });

  it('type-checks against the published types', async () => {
    const tsc = join(dir, 'battleship/node_modules/typescript/bin/tsc');
    const out = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: join(dir, 'battleship'),
      env: childEnv(),
    }).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${out.stdout}${out.stderr}`).toBe('');
  }, 120_000);

  it('passes its own unit tests with the packed test kit', async () => {
    const vitest = join(dir, 'battleship/node_modules/vitest/vitest.mjs');
    const out = await run(process.execPath, [vitest, 'run', '--reporter=json'], {
      cwd: join(dir, 'battleship'),
      env: childEnv(),
      maxBuffer: 16 * 1024 * 1024,
    }).catch((e: { stdout: string; stderr: string }) => e);
    const report = JSON.parse(out.stdout) as {
      numPassedTests: number;
      numFailedTests: number;
      success: boolean;
    };
    expect(report).toMatchObject({ success: true, numFailedTests: 0 });
    expect(report.numPassedTests).toBeGreaterThanOrEqual(29);
  }, 120_000);
});
