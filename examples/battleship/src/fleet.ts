/** One ship on a board; `hits` counts its cells hit so far. */
export interface Ship {
  x: number;
  y: number;
  len: number;
  vertical: boolean;
  hits: number;
}

/** A shot that landed on this board. */
export interface ShotMark {
  x: number;
  y: number;
  hit: boolean;
}

/** One player's board: their ships and the shots fired at it. */
export interface Board {
  ships: Ship[];
  shots: ShotMark[];
}

/** The cells a ship covers. */
export function shipCells(ship: Pick<Ship, 'x' | 'y' | 'len' | 'vertical'>): { x: number; y: number }[] {
  return Array.from({ length: ship.len }, (_, i) =>
    ship.vertical ? { x: ship.x, y: ship.y + i } : { x: ship.x + i, y: ship.y },
  );
}

/** The index of the ship covering (x, y), or -1. */
export function shipAt(board: Board, x: number, y: number): number {
  return board.ships.findIndex((s) =>
    s.vertical ? s.x === x && y >= s.y && y < s.y + s.len : s.y === y && x >= s.x && x < s.x + s.len,
  );
}

/** True once every cell of the ship has been hit. */
export const isSunk = (ship: Ship): boolean => ship.hits >= ship.len;

/**
 * Places ships of these lengths at random without overlap: each ship picks uniformly among
 * the spots still free, so it never loops; a dead end (rare, options cap the fleet's share of
 * the board) starts over.
 */
export function placeFleet(size: number, lengths: number[], random: () => number): Ship[] {
  for (let attempt = 0; attempt < 100; attempt++) {
    const taken = new Set<number>();
    const ships: Ship[] = [];
    for (const len of lengths) {
      const spots: Ship[] = [];
      for (const vertical of [false, true]) {
        for (let y = 0; y < (vertical ? size - len + 1 : size); y++) {
          for (let x = 0; x < (vertical ? size : size - len + 1); x++) {
            const ship = { x, y, len, vertical, hits: 0 };
            if (shipCells(ship).every((c) => !taken.has(c.y * size + c.x))) spots.push(ship);
          }
        }
      }
      const ship = spots[Math.floor(random() * spots.length)];
      if (!ship) break;
      for (const c of shipCells(ship)) taken.add(c.y * size + c.x);
      ships.push(ship);
    }
    if (ships.length === lengths.length) return ships;
  }
  throw new Error(`cannot place ships ${lengths.join(',')} on a ${size}x${size} board`);
}
