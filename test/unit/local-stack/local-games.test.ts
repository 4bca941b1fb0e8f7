import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadGames } from '../../../apps/room-server/load-games.js';
import { games as builtInGames } from '../../../apps/room-server/games/index.js';
import { localGameEnv, LOCAL_MODES } from '../../../infra/local/local-games.js';
import { modeGameProblems } from '../../../shared/matchmaking/mode-games.js';
import { parseModes } from '../../../shared/matchmaking/modes.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

describe('npm start hosts Battleship beside the reference game', () => {
  it('room servers load the reference game first, then Battleship; the matchmaker accepts its modes', async () => {
    const env = localGameEnv({});
    const rooms = await loadGames(env.ROOM_GAMES!, builtInGames, repo);
    expect(rooms.map((g) => g.name)).toEqual(['arena', 'battleship']);
    const known = await loadGames(env.MATCHMAKER_GAMES!, builtInGames, repo, [], 'MATCHMAKER_GAMES');
    const modes = parseModes(env.MATCHMAKER_MODES!);
    expect(modes).toEqual(LOCAL_MODES);
    expect(modes.battle!.game).toBe('battleship');
    expect(modeGameProblems(modes, known)).toEqual([]);
  });

  it('keeps what the environment sets (ROOM_GAME=arena-sprint still gives short matches first)', () => {
    expect(localGameEnv({ ROOM_GAME: 'arena-sprint' }).ROOM_GAMES).toMatch(/^arena-sprint,/);
    expect(localGameEnv({ ROOM_GAMES: 'arena', MATCHMAKER_MODES: '{}', MATCHMAKER_GAMES: 'arena' })).toEqual({
      ROOM_GAMES: 'arena',
      MATCHMAKER_MODES: '{}',
      MATCHMAKER_GAMES: 'arena',
    });
  });
});
