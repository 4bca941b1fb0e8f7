import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebDemo } from '../../apps/web-demo/build.js';
import { shotFromView } from '../../examples/battleship/src/index.js';
import { LOCAL_MODES } from '../../infra/local/local-games.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { uniqueName } from '../helpers/services.js';

const BATTLESHIP = './test/fixtures/games/battleship-quick.ts';

/** Debian's chromium (apt-get install chromium); .ci/run installs it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let cluster: ArenaCluster;
let browser: Browser;
const staticDir = mkdtempSync(join(tmpdir(), 'arena-web-'));

beforeAll(async () => {
  await buildWebDemo(staticDir);
  // The reference game first (a join that names no game plays it), and Battleship with quick
  // matches (a 6x6 board with ships of 3, 2 and 2; the demo shows whatever size the game has).
  // A matchmaker with npm start's modes, for the demo's quick match (battle.eu: Battleship).
  cluster = await ArenaCluster.start({
    gateways: 1,
    roomServers: 1,
    matchmakers: 1,
    env: {
      GATEWAY_STATIC_DIR: staticDir,
      ROOM_GAMES: `arena,${BATTLESHIP}`,
      MATCHMAKER_GAMES: `arena,${BATTLESHIP}`,
      MATCHMAKER_MODES: JSON.stringify(LOCAL_MODES),
    },
  });
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

async function openAndPlay(
  roomId: string,
  name: string,
  game = 'arena',
): Promise<{ page: Page; playerId: string }> {
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
  await page.selectOption('#game', game);
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

  it('offers Battleship: two pages play each other by clicking the enemy board, to a result', async () => {
    const roomId = uniqueName('web-bs');
    const one = await openAndPlay(roomId, 'Ann', 'battleship');
    const two = await openAndPlay(roomId, 'Bob', 'battleship');
    const pages = [one, two];
    for (const { page } of pages) {
      expect(await page.isVisible('#battleship-screen')).toBe(true);
      expect(await page.isVisible('#arena')).toBe(false);
      // Its own fleet shows (3 + 2 + 2 cells); nothing of the enemy's until a ship sinks.
      await page.waitForFunction(() => document.querySelectorAll('#bs-own .cell.ship').length === 7);
      expect(await page.locator('#bs-target .cell.ship, #bs-target .cell.sunk').count()).toBe(0);
    }
    const mine = '#bs-turn[data-mine="true"]';
    const view = (page: Page) =>
      page.evaluate(() =>
        Object.fromEntries(
          (window as unknown as { arena: { entities: Map<string, unknown> } }).arena.entities,
        ),
      ) as Promise<Parameters<typeof shotFromView>[0]>;

    // The first to join shoots first; every shot passes the turn (a hit too), so they alternate.
    let shots = 0;
    for (let i = 0; ; i = 1 - i) {
      const shooter = pages[i]!;
      const target = pages[1 - i]!;
      await shooter.page.waitForSelector(mine, { timeout: 20_000 });
      expect(await shooter.page.textContent('#bs-turn')).toContain('Your turn');
      expect(await target.page.textContent('#bs-turn')).toContain('Enemy turn');
      const shot = shotFromView(await view(shooter.page), shooter.playerId, Math.random)!;
      expect(shot, 'a cell left to fire at').toBeDefined();
      await shooter.page.click(`#bs-target [data-x="${shot.x}"][data-y="${shot.y}"]`);
      shots++;
      // The shot lands on both screens: a hit or a miss on the shooter's enemy board, and the
      // same on the target's own board.
      const landed = ({ grid, x, y }: { grid: string; x: number; y: number }) =>
        /\b(hit|miss|sunk)\b/.test(
          document.querySelector(`${grid} [data-x="${x}"][data-y="${y}"]`)!.className,
        );
      await shooter.page.waitForFunction(landed, { grid: '#bs-target', ...shot }, { timeout: 20_000 });
      await target.page.waitForFunction(landed, { grid: '#bs-own', ...shot }, { timeout: 20_000 });
      await shooter.page.waitForSelector(mine, { state: 'detached', timeout: 20_000 });
      const over = await shooter.page.evaluate(
        () => (window as unknown as { arena: { roomId?: string } }).arena.roomId === undefined,
      );
      if (over || (await shooter.page.textContent('#bs-turn'))?.includes('won')) {
        await shooter.page.waitForFunction(
          () => document.querySelector('#bs-turn')!.textContent === 'You won!',
        );
        await target.page.waitForFunction(
          () => document.querySelector('#bs-turn')!.textContent === 'You lost.',
        );
        for (const { page } of pages) {
          await page.waitForFunction(() =>
            document.querySelector('#status')!.textContent!.includes('Match over'),
          );
          expect(await page.textContent('#status')).toContain(
            `Match over (fleet_sunk). Winner: ${shooter.playerId}`,
          );
        }
        // All of the loser's ships are sunk on the winner's enemy board.
        expect(await shooter.page.locator('#bs-target .cell.sunk').count()).toBe(7);
        break;
      }
      expect(shots, 'shots before the match ended').toBeLessThan(72);
    }
    expect(pageErrors).toEqual([]);
    if (process.env.ARENA_SCREENSHOT)
      await one.page.screenshot({
        path: process.env.ARENA_SCREENSHOT.replace(/(\.png)?$/, '-battleship.png'),
      });
  }, 180_000);

  // Regression: a quick match's room seats both players before its first tick, so the joined
  // snapshot is all a page gets until the first shot; the screen drew only on state updates.
  it('shows a Battleship quick match at once (#game=battleship), and plays against the server’s bot', async () => {
    const open = async (path: string) => {
      const page = await browser.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(cluster.httpUrl(0, path));
      return page;
    };
    // On a timeout, say what the page showed (its status line names a refusal or a lost connection).
    const fleetShown = (page: Page) =>
      page
        .waitForFunction(() => document.querySelectorAll('#bs-own .cell.ship').length === 7, undefined, {
          timeout: 60_000,
        })
        .catch(async (err: Error) => {
          const shown = await page.locator('#bs-own .cell.ship').count();
          const said = await page.textContent('#status');
          throw new Error(`fleet not shown (${shown} ship cells; status: "${said}"): ${err.message}`);
        });
    const queued = [await open('/#game=battleship'), await open('/#game=battleship')];
    for (const page of queued) {
      expect(await page.inputValue('#game')).toBe('battleship');
      await page.click('#match');
    }
    for (const page of queued) await fleetShown(page);
    const turns = await Promise.all(queued.map((p) => p.textContent('#bs-turn')));
    expect(turns.sort()).toEqual(['Enemy turn…', 'Your turn: fire at the enemy board.']);
    expect(await queued[0]!.textContent('#status')).toMatch(/^In room m-/);

    const page = await open('/');
    await page.selectOption('#game', 'battleship');
    expect(await page.textContent('#bots')).toBe('Play vs bot');
    await page.click('#bots');
    await fleetShown(page);
    await page.waitForSelector('#bs-turn[data-mine="true"]', { timeout: 20_000 }); // after the bot's first shot
    const before = await page.locator('#bs-own .cell.hit, #bs-own .cell.miss, #bs-own .cell.sunk').count();
    expect(before).toBe(1);
    await page.click('#bs-target [data-x="0"][data-y="0"]');
    // The bot answers: a second shot on this player's own board, and the turn comes back.
    await page.waitForFunction(
      () =>
        document.querySelectorAll('#bs-own .cell.hit, #bs-own .cell.miss, #bs-own .cell.sunk').length === 2,
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.getAttribute('#bs-target [data-x="0"][data-y="0"]', 'class')).toMatch(/hit|miss|sunk/);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
