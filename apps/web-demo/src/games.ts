/** A game the demo offers: how to join it, which screen shows it, what to tell the player. */
export interface DemoGame {
  /** The game's name for a join (none: the room server's first game, the reference game). */
  name?: string;
  screen: 'arena' | 'battleship';
  /** The quick-match queue (a matchmaking mode of this game, in a region). */
  queue: string;
  /** Server-side bots for "play vs bots". */
  bots: number;
  botsLabel: string;
  help: string;
  /** Game messages worth a line in the status bar, by type. */
  messages: Record<string, (data: unknown) => string>;
}

const field = (data: unknown, key: string): unknown =>
  typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;

/** The games on the picker, by its option values (index.html). */
const GAMES = {
  arena: {
    screen: 'arena',
    queue: 'duel.eu',
    bots: 3,
    botsLabel: 'Play vs bots',
    help: 'Move: WASD or arrow keys. Tag a player next to you: Space (1 s cooldown). Pickups +1, tags +3.',
    messages: {},
  },
  battleship: {
    name: 'battleship',
    screen: 'battleship',
    queue: 'battle.eu',
    bots: 1,
    botsLabel: 'Play vs bot',
    help: 'Click a cell of the enemy board to fire when it is your turn. Sink all their ships to win.',
    messages: {
      match_started: () => 'The match has started.',
      shot_result: (d) =>
        field(d, 'sunk') ? 'You sank a ship!' : field(d, 'hit') ? 'Hit! Enemy turn.' : 'Miss. Enemy turn.',
      incoming: (d) =>
        field(d, 'sunk') ? 'They sank your ship.' : field(d, 'hit') ? 'You were hit!' : 'They missed.',
      invalid_shot: (d) => `That shot does not count (${String(field(d, 'reason'))}).`,
      not_your_turn: () => 'Not your turn yet.',
      turn_missed: (d) => `Too slow: your turn passed (${String(field(d, 'inARow'))} in a row).`,
      opponent_disconnected: () => 'Your opponent lost the connection; their seat is held.',
      opponent_back: () => 'Your opponent is back.',
    },
  },
} satisfies Record<string, DemoGame>;

/** The demo game of a picker value; the reference game for anything else. */
export function demoGame(value: string | null | undefined): DemoGame {
  return value === 'battleship' ? GAMES.battleship : GAMES.arena;
}
