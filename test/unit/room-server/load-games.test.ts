import { describe, expect, it } from 'vitest';
import { games as builtIn } from '../../../apps/room-server/games/index.js';
import { loadGames } from '../../../apps/room-server/load-games.js';

describe('loadGames (ROOM_GAMES)', () => {
  it('loads built-in names and modules exporting an array of games, in order', async () => {
    const games = await loadGames('./test/fixtures/games/flaky-game.ts, arena', builtIn);
    expect(games.map((g) => g.name)).toEqual(['flaky', 'arena']);
  });

  it('refuses at start with an error naming the module and what is wrong', async () => {
    await expect(loadGames('./test/fixtures/games/not-a-game.ts', builtIn)).rejects.toThrow(
      /module "\.\/test\/fixtures\/games\/not-a-game\.ts": game "broken": maxPlayers must be an integer 1\.\.64; parseInput\(\) is missing/,
    );
    await expect(loadGames('./test/fixtures/games/missing.ts', builtIn)).rejects.toThrow(
      /module "\.\/test\/fixtures\/games\/missing\.ts" could not be loaded/,
    );
    await expect(loadGames('arena,arena', builtIn)).rejects.toThrow(/two games are named "arena"/);
  });
});
