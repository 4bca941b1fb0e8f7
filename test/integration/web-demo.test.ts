import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebDemo } from '../../apps/web-demo/build.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { uniqueName } from '../helpers/services.js';

/** Debian's chromium (apt-get install chromium); .ci/run installs it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let cluster: ArenaCluster;
let browser: Browser;
const staticDir = mkdtempSync(join(tmpdir(), 'arena-web-'));

beforeAll(async () => {
  await buildWebDemo(staticDir);
  cluster = await ArenaCluster.start({ gateways: 1, roomServers: 1, env: { GATEWAY_STATIC_DIR: staticDir } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
  rmSync(staticDir, { recursive: true, force: true });
});

/** What went wrong in any page: script errors and resources that failed to load. */
const pageErrors: string[] = [];

async function openAndPlay(roomId: string, name: string): Promise<{ page: Page; playerId: string }> {
  const page = await browser.newPage();
  const errors = pageErrors;
  page.on('pageerror', (e) => errors.push(e.message));
  // A file the page (or the browser for it, like a favicon) asks for and does not get shows
  // only as a console error: the demo once made every browser ask for a missing /favicon.ico.
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`);
  });
  await page.goto(cluster.httpUrl(0, `/#room=${roomId}`));
  await page.fill('#name', name);
  await page.click('#play');
  await page.waitForFunction(
    () => (window as unknown as { arena?: { roomId?: string } }).arena?.roomId !== undefined,
  );
  expect(errors).toEqual([]);
  const playerId = await page.evaluate(
    () => (window as unknown as { arena: { playerId: string } }).arena.playerId,
  );
  return { page, playerId };
}

/** x of `playerId` as this page's client sees it. */
function xSeenBy(page: Page, playerId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      Number(
        (window as unknown as { arena: { entities: Map<string, { x: number }> } }).arena.entities.get(
          `p:${id}`,
        )?.x,
      ),
    playerId,
  );
}

async function waitUntilSeenMoving(page: Page, playerId: string, from: number, dir: 1 | -1): Promise<void> {
  await page.waitForFunction(
    ({ id, from, dir }) => {
      const e = (window as unknown as { arena: { entities: Map<string, { x: number }> } }).arena.entities.get(
        `p:${id}`,
      );
      return e !== undefined && (e.x - from) * dir > 20;
    },
    { id: playerId, from, dir },
    { timeout: 10_000 },
  );
}

describe('web demo in real headless Chromium', () => {
  it('serves the page; two players join one room and each sees the other move', async () => {
    const roomId = uniqueName('web');
    const one = await openAndPlay(roomId, 'Ann');
    const two = await openAndPlay(roomId, 'Bob');
    await two.page.waitForFunction(
      (id) =>
        (window as unknown as { arena: { entities: Map<string, unknown> } }).arena.entities.has(`p:${id}`),
      one.playerId,
    );

    const oneStart = await xSeenBy(two.page, one.playerId);
    const dirOne = oneStart < 400 ? 1 : -1;
    await one.page.keyboard.down(dirOne > 0 ? 'ArrowRight' : 'ArrowLeft');
    await waitUntilSeenMoving(two.page, one.playerId, oneStart, dirOne);
    await one.page.keyboard.up(dirOne > 0 ? 'ArrowRight' : 'ArrowLeft');

    const twoStart = await xSeenBy(one.page, two.playerId);
    const dirTwo = twoStart < 400 ? 1 : -1;
    await two.page.keyboard.down(dirTwo > 0 ? 'd' : 'a');
    await waitUntilSeenMoving(one.page, two.playerId, twoStart, dirTwo);

    expect(await one.page.textContent('#status')).toContain(`In room ${roomId}`);
    expect(pageErrors).toEqual([]);
    if (process.env.ARENA_SCREENSHOT) await two.page.screenshot({ path: process.env.ARENA_SCREENSHOT });
  });
});
