import { gameOfMode, type ModeConfig } from './modes.js';

/** What the matchmaker must know of a game to check the modes that name it. */
export interface GameLimits {
  readonly name: string;
  readonly maxPlayers: number;
  /** The game's own check of room options (a mode's options must pass it). */
  parseOptions?(raw: unknown): unknown;
}

/**
 * What contradicts itself between the modes and the games they name: a mode naming a game no
 * configured game has, or a mode seating more players than its game takes. Checked at start,
 * so a bad deployment stops with the reason instead of forming matches no room can run.
 */
export function modeGameProblems(
  modes: Readonly<Record<string, ModeConfig>>,
  games: readonly GameLimits[],
): string[] {
  const byName = new Map(games.map((g) => [g.name, g]));
  const known = games.map((g) => g.name).join(', ');
  const problems: string[] = [];
  for (const [name, mode] of Object.entries(modes)) {
    const gameName = gameOfMode(mode);
    if (gameName === undefined) continue; // any server's first game: nothing to check against
    const game = byName.get(gameName);
    if (!game) {
      problems.push(
        `MATCHMAKER_MODES: mode "${name}" plays game "${gameName}", which is not one of the games (MATCHMAKER_GAMES: ${known})`,
      );
      continue;
    }
    if (mode.options !== undefined) {
      const refused = optionsRefusal(game, mode.options);
      if (refused !== undefined)
        problems.push(`MATCHMAKER_MODES: mode "${name}": game "${gameName}" refuses its options: ${refused}`);
    }
    const players = mode.teams * mode.teamSize;
    if (players > game.maxPlayers) {
      problems.push(
        `MATCHMAKER_MODES: mode "${name}" seats ${mode.teams} teams x ${mode.teamSize} = ${players} players, more than game "${gameName}" takes (maxPlayers ${game.maxPlayers})`,
      );
    }
  }
  return problems;
}

/** Why the game refuses these room options, or undefined when it takes them. */
function optionsRefusal(game: GameLimits, options: unknown): string | undefined {
  if (!game.parseOptions) return 'the game takes no room options';
  try {
    const parsed = game.parseOptions(options);
    return typeof parsed === 'string' ? parsed : undefined;
  } catch (err) {
    return `parseOptions threw: ${err instanceof Error ? err.message : String(err)}`;
  }
}
