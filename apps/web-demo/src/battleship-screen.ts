import type { ArenaClient } from '../../../shared/client/index.js';

type Entity = Record<string, number | string | boolean>;

/** A cell of a board: what the player knows of it. */
type CellState = 'water' | 'ship' | 'hit' | 'miss' | 'sunk';

/** The cells of a ship entity ({x, y, len, vertical}) as "x,y". */
function shipCells(e: Entity): string[] {
  const len = Number(e.len);
  return Array.from({ length: len }, (_, i) =>
    e.vertical === true ? `${Number(e.x)},${Number(e.y) + i}` : `${Number(e.x) + i},${Number(e.y)}`,
  );
}

/**
 * One board as its owner's entities show it: ships (the player's own, or an opponent's once
 * sunk), then the shots on it on top (hit or miss), and sunk ships over those.
 */
function boardOf(
  entities: ReadonlyMap<string, Entity>,
  owner: (o: string) => boolean,
): Map<string, CellState> {
  const cells = new Map<string, CellState>();
  const sunk = new Set<string>();
  for (const e of entities.values()) {
    if (e.k !== 'ship' || !owner(String(e.owner))) continue;
    for (const c of shipCells(e)) {
      cells.set(c, 'ship');
      if (e.sunk === true) sunk.add(c);
    }
  }
  for (const e of entities.values()) {
    if (e.k === 'shot' && owner(String(e.owner))) cells.set(`${e.x},${e.y}`, e.hit === true ? 'hit' : 'miss');
  }
  for (const c of sunk) cells.set(c, 'sunk');
  return cells;
}

/**
 * The Battleship screen of the demo: the player's own board (ships and the opponent's shots),
 * the opponent's board (the player's shots, hits and misses, and ships once sunk), whose turn
 * it is, and a click on the opponent's board to fire. It reads only what the server sent this
 * player (the SDK's entities), and sends only a shot {x, y}.
 */
export class BattleshipScreen {
  private size = 0;
  private client: ArenaClient | undefined;

  constructor(
    private readonly own: HTMLElement,
    private readonly target: HTMLElement,
    private readonly turn: HTMLElement,
  ) {
    target.addEventListener('click', (ev) => {
      const cell = (ev.target as HTMLElement).closest<HTMLElement>('[data-x]');
      if (cell) this.fire(Number(cell.dataset.x), Number(cell.dataset.y));
    });
  }

  /** Shows `client`'s room from now on (a new match, or none). */
  show(client: ArenaClient | undefined): void {
    this.client = client;
    this.render();
  }

  /** Redraws from the client's entities: call on every state update. */
  render(): void {
    const client = this.client;
    const game = client?.entities.get('game');
    if (!client || !game || typeof game.size !== 'number') {
      this.turn.textContent = client?.roomId ? 'Waiting for the game…' : '';
      return;
    }
    if (game.size !== this.size) this.build(game.size);
    const me = client.playerId;
    const paint = (grid: HTMLElement, cells: Map<string, CellState>) => {
      grid.querySelectorAll<HTMLElement>('[data-x]').forEach((el) => {
        el.className = `cell ${cells.get(`${el.dataset.x},${el.dataset.y}`) ?? 'water'}`;
      });
    };
    paint(
      this.own,
      boardOf(client.entities, (o) => o === me),
    );
    paint(
      this.target,
      boardOf(client.entities, (o) => o !== me),
    );
    this.turn.textContent = turnText(game, me);
    this.turn.dataset.mine = String(game.phase === 'playing' && game.turn === me);
  }

  /** The match is over (the server's result): say who won, whatever the last view showed. */
  over(winner: string | null | undefined): void {
    if (!this.client) return;
    this.turn.textContent =
      winner === this.client.playerId ? 'You won!' : winner ? 'You lost.' : 'Match over.';
    this.turn.dataset.mine = 'false';
  }

  private fire(x: number, y: number): void {
    const client = this.client;
    const game = client?.entities.get('game');
    if (!client?.roomId || game?.phase !== 'playing' || game.turn !== client.playerId) return;
    const cell = this.target.querySelector<HTMLElement>(`[data-x="${x}"][data-y="${y}"]`);
    if (!cell || !cell.classList.contains('water')) return; // fired at already
    cell.className = 'cell pending';
    client.sendInput({ x, y });
  }

  private build(size: number): void {
    this.size = size;
    for (const grid of [this.own, this.target]) {
      grid.replaceChildren();
      grid.style.gridTemplateColumns = `repeat(${size}, 1fr)`;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const cell = document.createElement(grid === this.target ? 'button' : 'div');
          cell.dataset.x = String(x);
          cell.dataset.y = String(y);
          cell.className = 'cell water';
          grid.append(cell);
        }
      }
    }
  }
}

function turnText(game: Entity, me: string): string {
  if (game.phase === 'waiting') return 'Waiting for an opponent…';
  if (game.phase === 'over') return game.winner === me ? 'You won!' : 'You lost.';
  return game.turn === me ? 'Your turn: fire at the enemy board.' : 'Enemy turn…';
}
