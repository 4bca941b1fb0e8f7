import { availableParallelism } from 'node:os';
import { LOCAL_MODES } from '../infra/local/local-games.js';
import { modeOfQueue, parseModes, type ModeConfig } from '../shared/matchmaking/modes.js';
import { brainFor, DEFAULT_GAME, gamesWithBrains } from './brains/index.js';
import { parseDuration } from './duration.js';

export interface SwarmOptions {
  bots: number;
  durationMs: number;
  /** Gateway WebSocket URLs; bot i connects to gateways[i % n] first (the others are its fallbacks). */
  gateways: string[];
  /** Queues bots join, round-robin ("duel.eu"). */
  queues: string[];
  /** The matchmakers' modes (MATCHMAKER_MODES): each queue's max wait and game. */
  modes: Record<string, ModeConfig>;
  /** The game each queue's bots play (its mode's game, else --game, else the reference game): picks their brain. */
  games: Record<string, string>;
  /** Inputs per second each playing bot sends. */
  inputHz: number;
  /** Bots start spread over this time. */
  rampMs: number;
  /** Processes the bots run in. */
  workers: number;
  /** Where the JSON and HTML reports go. */
  outDir: string;
}

const USAGE = `usage: npm run swarm -- [--bots 1000] [--duration 30s] [--gateways ws://127.0.0.1:8080/ws,ws://127.0.0.1:8081/ws]
                      [--queues duel.eu,duo.eu,ffa.eu] [--modes '<MATCHMAKER_MODES JSON>'] [--game arena]
                      [--input-hz 10] [--ramp 10s] [--workers N] [--out loadtest/reports]
games the bots play: ${gamesWithBrains().join(', ')}`;

const LIMITS = { bots: 100_000, inputHz: 30, workers: 64 };

/**
 * Parses `--name value` flags; throws an Error whose message includes the usage on bad input.
 * The modes come from --modes, else from `env.MATCHMAKER_MODES` (as the matchmakers get them),
 * else they are `npm start`'s (the default modes and `battle`, a Battleship duel).
 */
export function parseSwarmOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): SwarmOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!;
    const value = argv[i + 1];
    if (!name.startsWith('--') || value === undefined) throw new Error(`bad argument "${name}"\n${USAGE}`);
    flags.set(name.slice(2), value);
  }
  const known = [
    'bots',
    'duration',
    'gateways',
    'queues',
    'modes',
    'game',
    'input-hz',
    'ramp',
    'workers',
    'out',
  ];
  for (const name of flags.keys())
    if (!known.includes(name)) throw new Error(`unknown flag --${name}\n${USAGE}`);

  const int = (name: string, fallback: number, max: number) => {
    const raw = flags.get(name);
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < 1 || v > max)
      throw new Error(`--${name} must be an integer 1..${max}\n${USAGE}`);
    return v;
  };
  const list = (name: string, fallback: string) =>
    (flags.get(name) ?? fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);

  const duration = (name: string, fallback: string) => {
    try {
      return parseDuration(flags.get(name) ?? fallback);
    } catch (err) {
      throw new Error(`--${name}: ${(err as Error).message}\n${USAGE}`);
    }
  };
  const bots = int('bots', 1000, LIMITS.bots);
  const durationMs = duration('duration', '30s');
  const gateways = list('gateways', 'ws://127.0.0.1:8080/ws,ws://127.0.0.1:8081/ws');
  for (const g of gateways) {
    if (!/^wss?:\/\/[^/]+\/ws$/.test(g))
      throw new Error(`--gateways: "${g}" is not ws://host:port/ws\n${USAGE}`);
  }
  const queues = list('queues', 'duel.eu,duo.eu,ffa.eu');
  if (queues.length === 0) throw new Error(`--queues must name at least one queue\n${USAGE}`);
  let modes: Record<string, ModeConfig>;
  try {
    const raw = flags.get('modes') ?? env.MATCHMAKER_MODES ?? '';
    modes = raw.trim() === '' ? { ...LOCAL_MODES } : parseModes(raw);
  } catch (err) {
    throw new Error(`--modes (or MATCHMAKER_MODES): ${(err as Error).message}\n${USAGE}`);
  }
  const games = gamesOfQueues(queues, modes, flags.get('game'));
  const rampMs = duration('ramp', `${Math.min(10_000, durationMs / 4)}ms`);
  if (durationMs < 1_000) throw new Error(`--duration must be at least 1s\n${USAGE}`);
  if (rampMs >= durationMs) throw new Error(`--ramp must be shorter than --duration\n${USAGE}`);
  const defaultWorkers = Math.max(1, Math.min(availableParallelism(), Math.ceil(bots / 500)));
  return {
    bots,
    durationMs,
    gateways,
    queues,
    modes,
    games,
    inputHz: int('input-hz', 10, LIMITS.inputHz),
    rampMs,
    workers: Math.min(bots, int('workers', defaultWorkers, LIMITS.workers)),
    outDir: flags.get('out') ?? 'loadtest/reports',
  };
}

/**
 * The game each queue's bots play: the game its mode names; for a mode that names none (its
 * rooms play the room server's first game), `--game`, else the reference game. Throws when a
 * queue's mode names a game other than --game, or the swarm has no bot for a game.
 */
function gamesOfQueues(
  queues: string[],
  modes: Record<string, ModeConfig>,
  flag: string | undefined,
): Record<string, string> {
  const games: Record<string, string> = {};
  for (const queue of queues) {
    const named = modeOfQueue(queue, modes)?.game;
    if (named !== undefined && flag !== undefined && named !== flag)
      throw new Error(`--game ${flag}: queue ${queue}'s mode plays ${named}\n${USAGE}`);
    const game = named ?? flag ?? DEFAULT_GAME;
    if (!brainFor(game)) throw new Error(`no swarm bot plays game "${game}" (queue ${queue})\n${USAGE}`);
    games[queue] = game;
  }
  return games;
}

/** The HTTP base of a gateway WebSocket URL, for guest login: ws://h:p/ws -> http://h:p. */
export function httpBaseOf(gatewayUrl: string): string {
  return gatewayUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
}
