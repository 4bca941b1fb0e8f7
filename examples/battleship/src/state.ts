import type { Board } from './fleet.js';
import type { BattleshipOptions } from './options.js';

/** Waiting for two players, playing, or over (the result is out). */
export type Phase = 'waiting' | 'playing' | 'over';

/**
 * The whole game, as plain data (Arena checkpoints it). It holds both fleets: only `view`
 * decides what each player may see of it.
 */
export interface BattleshipState {
  options: BattleshipOptions;
  phase: Phase;
  /** Seated players in join order; the first one shoots first. */
  players: string[];
  boards: Record<string, Board>;
  /** Per player: shots fired, hits scored, missed turns in a row. */
  stats: Record<string, { fired: number; hits: number; missedTurns: number }>;
  turn: string | null;
  /** Game time (ms since the room was created) at which the current turn runs out. */
  turnEndsAtMs: number;
  elapsedMs: number;
  winner: string | null;
  reason: string | null;
}

/** The other seated player, if there is one. */
export function opponentOf(state: BattleshipState, playerId: string): string | undefined {
  return state.players.find((p) => p !== playerId);
}
