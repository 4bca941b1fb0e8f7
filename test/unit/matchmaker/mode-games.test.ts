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

  it("checks a mode's room options with its game's parseOptions, naming the mode, the game and the reason", () => {
    const withOptions = [
      ...games,
      {
        name: 'cards',
        maxPlayers: 4,
        parseOptions: (raw: unknown) =>
          (raw as { decks?: unknown }).decks === 1 ? { decks: 1 } : 'decks must be 1',
      },
    ];
    expect(
      modeGameProblems(
        {
          ok: { ...duel, game: 'cards', options: { decks: 1 } },
          refused: { ...duel, game: 'cards', options: { decks: 9 } },
          none: { ...duel, options: { speed: 2 } },
        },
        withOptions,
      ),
    ).toEqual([
      'MATCHMAKER_MODES: mode "refused": game "cards" refuses its options: decks must be 1',
      'MATCHMAKER_MODES: mode "none": game "arena" refuses its options: the game takes no room options',
    ]);
  });

  it('refuses mode options that are not a JSON object, are too large, or name no game', () => {
    const raw = (options: unknown, game?: string) =>
      JSON.stringify({ m: { ...DEFAULT_MODES.duel, ...(game ? { game } : {}), options } });
    expect(() => parseModes(raw([1], 'cards'))).toThrow('options must be a JSON object');
    expect(() => parseModes(raw({ pad: 'x'.repeat(5000) }, 'cards'))).toThrow('at most 4096 bytes');
    expect(() => parseModes(raw({ decks: 1 }))).toThrow('options need the game they are for');
    expect(parseModes(raw({ decks: 1 }, 'cards')).m!.options).toEqual({ decks: 1 });
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
