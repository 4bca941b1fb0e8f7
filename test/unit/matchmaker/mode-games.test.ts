import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { modeGameProblems } from '../../../shared/matchmaking/mode-games.js';
import { DEFAULT_MODES, parseModes, type ModeConfig } from '../../../shared/matchmaking/modes.js';

const duel: ModeConfig = { ...DEFAULT_MODES.duel!, game: 'arena' };
const games = [
  { name: 'arena', maxPlayers: 8 },
  { name: 'battleship', maxPlayers: 2 },
];

describe('modes against the games they name', () => {
  it('accepts modes whose games exist and seat their players, and modes that name no game', () => {
    expect(
      modeGameProblems(
        {
          ...parseModes(''),
          duel,
          battle: { ...duel, game: 'battleship' },
          eight: { ...duel, teams: 4, teamSize: 2 },
          // No game: any room server's first game (e.g. ROOM_GAME=arena-sprint), nothing to check.
          anyGame: { ...duel, game: undefined, teams: 16, teamSize: 4 },
        },
        games,
      ),
    ).toEqual([]);
  });

  it('names the mode and the game when a mode plays a game no configured game has', () => {
    expect(modeGameProblems({ duel, cards: { ...duel, game: 'poker' } }, games)).toEqual([
      'MATCHMAKER_MODES: mode "cards" plays game "poker", which is not one of the games (MATCHMAKER_GAMES: arena, battleship)',
    ]);
  });

  it("names the mode and the game when teams x teamSize exceeds the game's maxPlayers", () => {
    expect(
      modeGameProblems(
        { duo: { ...duel, game: 'battleship', teamSize: 2 }, big: { ...duel, teams: 3, teamSize: 3 } },
        games,
      ),
    ).toEqual([
      'MATCHMAKER_MODES: mode "duo" seats 2 teams x 2 = 4 players, more than game "battleship" takes (maxPlayers 2)',
      'MATCHMAKER_MODES: mode "big" seats 3 teams x 3 = 9 players, more than game "arena" takes (maxPlayers 8)',
    ]);
  });

  // Real processes started through tsx: seconds each on a loaded machine, not a speed check.
  // The check runs before the matchmaker connects to Redis, so none is needed here.
  it(
    'a matchmaker process with a contradictory mode stops at start (exit 1) naming the mode and the game',
    { timeout: 120_000 },
    () => {
      const start = (modes: Record<string, ModeConfig>, extra: Record<string, string> = {}) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'apps/matchmaker/main.ts'], {
          env: {
            PATH: process.env.PATH,
            REDIS_URL: 'redis://127.0.0.1:1',
            MATCHMAKER_MODES: JSON.stringify(modes),
            ...extra,
          },
          encoding: 'utf8',
          timeout: 60_000,
        });
      const unknown = start({ duel, cards: { ...duel, game: 'poker' } });
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('Invalid configuration:');
      expect(unknown.stderr).toContain('mode "cards" plays game "poker", which is not one of the games');
      const tooBig = start(
        { sprint: { ...duel, game: 'arena-sprint', teams: 5, teamSize: 2 } },
        { MATCHMAKER_GAMES: 'arena-sprint' },
      );
      expect(tooBig.status).toBe(1);
      expect(tooBig.stderr).toMatch(
        /mode "sprint" seats 5 teams x 2 = 10 players, more than game "arena-sprint" takes \(maxPlayers \d+\)/,
      );
    },
  );
});
