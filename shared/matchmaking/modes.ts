import { InvalidValue } from '../config/variable.js';

/** How the acceptable rating gap grows with waiting: initial + perSecond * seconds^exponent, capped. */
export interface SkillWindow {
  initial: number;
  perSecond: number;
  exponent: number;
  max: number;
}

/** A game mode's matchmaking rules; a queue is a mode in a region ("duel.eu"). */
export interface ModeConfig {
  /**
   * The game the mode's rooms run (a game's name, as the room servers host it). None: any room
   * server, whose first game the room runs (configs written before games were named keep working).
   */
  game?: string;
  /** Teams per match (2 for 1v1 and 2v2; N for an N-player free-for-all with teamSize 1). */
  teams: number;
  teamSize: number;
  window: SkillWindow;
  /** A ticket waiting longer than this gives up with a clear message. */
  maxWaitMs: number;
  /** Players must join the allocated room within this. */
  joinDeadlineMs: number;
  /** When someone does not join in time: drop them and play on, or end and re-queue the rest. */
  noShow: 'continue' | 'requeue';
  /**
   * Room options of the mode's rooms (plain JSON, at most MAX_MODE_OPTIONS_BYTES), given to
   * the game's `parseOptions` when a match's room is created; the mode must name its game, and
   * the matchmaker checks them with that game at start. Players' own join options never apply
   * to a matchmade room.
   */
  options?: Record<string, unknown>;
}

export const MAX_MODE_OPTIONS_BYTES = 4096;

/** The game a mode's rooms run; undefined: whatever the chosen room server runs first. */
export function gameOfMode(mode: ModeConfig): string | undefined {
  return mode.game;
}

export const DEFAULT_MODES: Readonly<Record<string, ModeConfig>> = {
  duel: {
    teams: 2,
    teamSize: 1,
    window: { initial: 50, perSecond: 25, exponent: 1, max: 600 },
    maxWaitMs: 120_000,
    joinDeadlineMs: 20_000,
    noShow: 'requeue',
  },
  duo: {
    teams: 2,
    teamSize: 2,
    window: { initial: 75, perSecond: 25, exponent: 1, max: 600 },
    maxWaitMs: 120_000,
    joinDeadlineMs: 20_000,
    noShow: 'requeue',
  },
  ffa: {
    teams: 4,
    teamSize: 1,
    window: { initial: 100, perSecond: 40, exponent: 1, max: 800 },
    maxWaitMs: 120_000,
    joinDeadlineMs: 20_000,
    noShow: 'continue',
  },
};

const isNum = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

function parseMode(name: string, raw: unknown): ModeConfig {
  const m = raw as Partial<ModeConfig> & { window?: Partial<SkillWindow> };
  const w = m?.window;
  const problems: string[] = [];
  if (!/^[a-z0-9_-]{1,24}$/.test(name)) problems.push('mode names are 1-24 of [a-z0-9_-]');
  if (m?.game !== undefined && (typeof m.game !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(m.game)))
    problems.push('game must be a game name: 1-64 of [A-Za-z0-9_-]');
  if (!isNum(m?.teams, 2, 16) || !Number.isInteger(m.teams)) problems.push('teams must be an integer 2..16');
  if (!isNum(m?.teamSize, 1, 16) || !Number.isInteger(m.teamSize))
    problems.push('teamSize must be an integer 1..16');
  if (
    !w ||
    !isNum(w.initial, 0, 1e6) ||
    !isNum(w.perSecond, 0, 1e6) ||
    !isNum(w.exponent, 0.1, 4) ||
    !isNum(w.max, 0, 1e6)
  ) {
    problems.push('window needs initial, perSecond, max (>= 0) and exponent (0.1..4)');
  }
  if (!isNum(m?.maxWaitMs, 100, 3_600_000)) problems.push('maxWaitMs must be 100..3600000');
  if (!isNum(m?.joinDeadlineMs, 100, 600_000)) problems.push('joinDeadlineMs must be 100..600000');
  if (m?.noShow !== 'continue' && m?.noShow !== 'requeue')
    problems.push('noShow must be "continue" or "requeue"');
  if ((m?.teams ?? 0) * (m?.teamSize ?? 0) > 64) problems.push('at most 64 players per match');
  if (m?.options !== undefined) {
    if (typeof m.options !== 'object' || m.options === null || Array.isArray(m.options))
      problems.push('options must be a JSON object');
    else if (JSON.stringify(m.options).length > MAX_MODE_OPTIONS_BYTES)
      problems.push(`options must be at most ${MAX_MODE_OPTIONS_BYTES} bytes of JSON`);
    if (m.game === undefined) problems.push('options need the game they are for: name it in "game"');
  }
  if (problems.length > 0) throw new InvalidValue(`mode "${name}": ${problems.join('; ')}`);
  return m as ModeConfig;
}

/** MATCHMAKER_MODES: JSON {"name": ModeConfig, ...} replacing the defaults; "" keeps them. */
export function parseModes(raw: string): Record<string, ModeConfig> {
  if (raw.trim() === '') return { ...DEFAULT_MODES };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidValue('must be JSON: {"mode": {"teams": 2, "teamSize": 1, ...}}');
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.keys(parsed).length === 0
  ) {
    throw new InvalidValue('must be a JSON object of at least one mode');
  }
  return Object.fromEntries(Object.entries(parsed).map(([name, mode]) => [name, parseMode(name, mode)]));
}

/** The queues: every mode in every region, named "mode.region". */
export function queueIds(modes: Record<string, ModeConfig>, regions: string[]): string[] {
  return Object.keys(modes).flatMap((mode) => regions.map((region) => `${mode}.${region}`));
}

export function modeOfQueue(queue: string, modes: Record<string, ModeConfig>): ModeConfig | undefined {
  return modes[queue.split('.')[0] ?? ''];
}

/** The rating gap a ticket accepts after waiting `waitMs`. */
export function skillWindow(w: SkillWindow, waitMs: number): number {
  return Math.min(w.max, w.initial + w.perSecond * Math.pow(Math.max(0, waitMs) / 1000, w.exponent));
}
