import type { Entities } from 'arena/game';
import { isSunk, shipCells, type ShotMark } from './fleet.js';
import type { Shot } from './input.js';
import { opponentOf, type BattleshipState } from './state.js';

/** What any player may know about the opponent's board: its size, the shots on it, the cells of sunk ships. */
export interface PublicBoard {
  size: number;
  shots: ShotMark[];
  /** Cells of ships already sunk (sunk ships are shown to both players), as `y * size + x`. */
  sunkCells: Set<number>;
}

/**
 * The next shot at a board, from public knowledge only. "Hunt and target": next to an
 * unexplained hit if there is one, preferring cells in line with two hits; else a random cell
 * of a checkerboard (every ship of length 2+ covers one); else any cell not fired at.
 */
export function nextShot(board: PublicBoard, random: () => number): Shot | undefined {
  const { size } = board;
  const key = (x: number, y: number) => y * size + x;
  const fired = new Set(board.shots.map((s) => key(s.x, s.y)));
  const openHits = board.shots.filter((s) => s.hit && !board.sunkCells.has(key(s.x, s.y)));
  const free = (x: number, y: number) => x >= 0 && y >= 0 && x < size && y < size && !fired.has(key(x, y));
  const pick = (cells: Shot[]) => cells[Math.floor(random() * cells.length)];

  if (openHits.length > 0) {
    const hitSet = new Set(openHits.map((h) => key(h.x, h.y)));
    const inLine: Shot[] = [];
    const around: Shot[] = [];
    for (const h of openHits) {
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ] as const) {
        const c = { x: h.x + dx, y: h.y + dy };
        if (!free(c.x, c.y)) continue;
        (hitSet.has(key(h.x - dx, h.y - dy)) ? inLine : around).push(c);
      }
    }
    const choice = pick(inLine) ?? pick(around);
    if (choice) return choice;
  }
  const open: Shot[] = [];
  const checker: Shot[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!free(x, y)) continue;
      open.push({ x, y });
      if ((x + y) % 2 === 0) checker.push({ x, y });
    }
  }
  return pick(checker) ?? pick(open);
}

/**
 * A server-side bot's next shot (`botInput`). It reads the state but keeps to what a player
 * could see: the shots on the opponent's board and the ships sunk there.
 */
export function chooseShot(state: BattleshipState, botId: string, random: () => number): Shot | undefined {
  const target = opponentOf(state, botId);
  const board = target ? state.boards[target] : undefined;
  if (!board) return undefined;
  const size = state.options.size;
  const sunkCells = new Set(
    board.ships.filter(isSunk).flatMap((s) => shipCells(s).map((c) => c.y * size + c.x)),
  );
  return nextShot({ size, shots: board.shots, sunkCells }, random);
}

/**
 * A client's next shot from its own view alone (what the server sent it): undefined unless the
 * view says it is this player's turn. For SDK clients, load-test bots and demos.
 * @example
 * // with arena/client: fire once per turn (turnEndsAtMs is new each turn), on state updates
 * let firedFor = -1;
 * client.on('state', () => {
 *   const view = Object.fromEntries(client.entities);
 *   const shot = shotFromView(view, client.playerId, Math.random);
 *   if (shot && view.game?.turnEndsAtMs !== firedFor) {
 *     firedFor = view.game!.turnEndsAtMs as number;
 *     client.sendInput(shot);
 *   }
 * });
 */
export function shotFromView(view: Entities, me: string, random: () => number): Shot | undefined {
  const game = view.game;
  if (!game || game.phase !== 'playing' || game.turn !== me || typeof game.size !== 'number')
    return undefined;
  const size = game.size;
  const shots: ShotMark[] = [];
  const sunkCells = new Set<number>();
  for (const e of Object.values(view)) {
    if (e.owner === me || typeof e.x !== 'number' || typeof e.y !== 'number') continue;
    if (e.k === 'shot') shots.push({ x: e.x, y: e.y, hit: e.hit === true });
    if (e.k === 'ship' && e.sunk === true && typeof e.len === 'number') {
      for (const c of shipCells({ x: e.x, y: e.y, len: e.len, vertical: e.vertical === true }))
        sunkCells.add(c.y * size + c.x);
    }
  }
  return nextShot({ size, shots, sunkCells }, random);
}
