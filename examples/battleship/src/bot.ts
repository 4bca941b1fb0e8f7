import { isSunk, shipCells } from './fleet.js';
import type { Shot } from './input.js';
import { opponentOf, type BattleshipState } from './state.js';

/**
 * A server-side bot's next shot, decided from what a player could see: the shots already on
 * the opponent's board and the ships sunk there (sunk ships are public). "Hunt and target":
 * next to an unexplained hit if there is one, preferring cells in line with two hits; else
 * a random cell of a checkerboard (every ship of length 2+ covers one).
 */
export function chooseShot(state: BattleshipState, botId: string, random: () => number): Shot | undefined {
  const target = opponentOf(state, botId);
  const board = target ? state.boards[target] : undefined;
  if (!board) return undefined;
  const size = state.options.size;
  const key = (x: number, y: number) => y * size + x;
  const shot = new Set(board.shots.map((s) => key(s.x, s.y)));
  const sunkCells = new Set(
    board.ships.filter(isSunk).flatMap((s) => shipCells(s).map((c) => key(c.x, c.y))),
  );
  const openHits = board.shots.filter((s) => s.hit && !sunkCells.has(key(s.x, s.y)));
  const free = (x: number, y: number) => x >= 0 && y >= 0 && x < size && y < size && !shot.has(key(x, y));
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
