import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../shared/config/index.js';
import type { AnyGame } from './game-api.js';

const REQUIRED_HOOKS = ['create', 'parseInput', 'onJoin', 'onLeave', 'onInput', 'onTick', 'view', 'result'];
const OPTIONAL_HOOKS = ['parseOptions', 'canJoin', 'onDisconnect', 'onReconnect', 'botInput', 'onError'];
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** What is wrong with a value offered as a game, or undefined if it is a valid Game. */
export function gameProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const g = value as Record<string, unknown>;
  if (typeof g.name !== 'string' || !NAME.test(g.name))
    return 'name must be 1-64 characters of [A-Za-z0-9_-]';
  const problems: string[] = [];
  if (!Number.isInteger(g.maxPlayers) || (g.maxPlayers as number) < 1 || (g.maxPlayers as number) > 64)
    problems.push('maxPlayers must be an integer 1..64');
  if (
    g.minPlayers !== undefined &&
    (!Number.isInteger(g.minPlayers) ||
      (g.minPlayers as number) < 1 ||
      (g.minPlayers as number) > (g.maxPlayers as number))
  )
    problems.push('minPlayers must be an integer 1..maxPlayers');
  if (g.tickRate !== undefined && (typeof g.tickRate !== 'number' || !(g.tickRate >= 0 && g.tickRate <= 120)))
    problems.push('tickRate must be a number 0..120');
  for (const hook of REQUIRED_HOOKS) if (typeof g[hook] !== 'function') problems.push(`${hook}() is missing`);
  for (const hook of OPTIONAL_HOOKS)
    if (g[hook] !== undefined && typeof g[hook] !== 'function') problems.push(`${hook} is not a function`);
  return problems.length > 0 ? `game "${g.name}": ${problems.join('; ')}` : undefined;
}

/** The games a module exports: its default export, or `games` / `game`, each a Game or an array. */
function gamesOf(mod: Record<string, unknown>): unknown[] | undefined {
  const exported = mod.default ?? mod.games ?? mod.game;
  if (exported === undefined) return undefined;
  return Array.isArray(exported) ? exported : [exported];
}

/**
 * Resolves ROOM_GAMES: each comma-separated entry is a built-in game's name, a module path
 * (relative to the working directory) or a package name. Every game is checked here, at
 * start, and every problem names its module; two games with one name are refused.
 */
export async function loadGames(
  spec: string,
  builtIn: Readonly<Record<string, AnyGame>>,
  cwd = process.cwd(),
  /** Games given in code (startRoomServer({ games }), startMatchmaker({ games })): checked the same way. */
  given: readonly unknown[] = [],
  /**
   * Where the games came from, named in every problem: the variable `spec` came from (the
   * matchmaker's is MATCHMAKER_GAMES), or the call that gave them.
   */
  variable = 'ROOM_GAMES',
): Promise<AnyGame[]> {
  const problems: string[] = [];
  const games: AnyGame[] = [];
  for (const g of given) {
    const problem = gameProblem(g);
    if (problem) problems.push(`${variable}: ${problem}`);
    else games.push(g as AnyGame);
  }
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const known = builtIn[entry];
    if (known) {
      games.push(known);
      continue;
    }
    const isPath = entry.startsWith('.') || isAbsolute(entry);
    const specifier = isPath ? pathToFileURL(resolve(cwd, entry)).href : entry;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(specifier)) as Record<string, unknown>;
    } catch (err) {
      problems.push(
        `${variable}: module "${entry}" could not be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      );
      continue;
    }
    const offered = gamesOf(mod);
    if (!offered || offered.length === 0) {
      problems.push(
        `${variable}: module "${entry}" exports no game (export default a Game or an array of games, or export const games)`,
      );
      continue;
    }
    for (const g of offered) {
      const problem = gameProblem(g);
      if (problem) problems.push(`${variable}: module "${entry}": ${problem}`);
      else games.push(g as AnyGame);
    }
  }
  const seen = new Set<string>();
  for (const g of games) {
    if (seen.has(g.name)) problems.push(`${variable}: two games are named "${g.name}"`);
    seen.add(g.name);
  }
  if (problems.length === 0 && games.length === 0) problems.push(`no game to host (${variable} is empty)`);
  if (problems.length > 0) throw new ConfigError(problems);
  return games;
}
