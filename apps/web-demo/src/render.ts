import type { ArenaClient } from '../../../shared/client/index.js';

// Players never get the pickups' yellow.
const COLORS = ['#ff6b6b', '#4dabf7', '#51cf66', '#cc5de8', '#20c997', '#f06595', '#748ffc', '#e599f7'];

function colorOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

/** Draws the client's current view of the room: pickups, players (you with a ring). */
export function render(ctx: CanvasRenderingContext2D, client: ArenaClient): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  for (const [id, e] of client.entities) {
    const x = Number(e.x);
    const y = Number(e.y);
    if (e.k === 'k') {
      ctx.fillStyle = '#ffe066';
      ctx.beginPath();
      ctx.moveTo(x, y - 9);
      ctx.lineTo(x + 9, y);
      ctx.lineTo(x, y + 9);
      ctx.lineTo(x - 9, y);
      ctx.fill();
      continue;
    }
    const playerId = id.slice(2);
    ctx.globalAlpha = e.c === false ? 0.35 : 1;
    ctx.fillStyle = colorOf(playerId);
    ctx.beginPath();
    ctx.arc(x, y, 16, 0, Math.PI * 2);
    ctx.fill();
    if (playerId === client.playerId) {
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 3;
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#e8ecf3';
    ctx.font = '12px system-ui';
    ctx.textAlign = 'center';
    ctx.fillText(`${playerId.startsWith('bot') ? playerId : playerId.slice(0, 6)} ${e.s}`, x, y - 22);
  }
}

export function scoreboard(client: ArenaClient): string {
  return [...client.entities]
    .filter(([, e]) => e.k === 'p')
    .sort(([, a], [, b]) => Number(b.s) - Number(a.s))
    .map(([id, e]) => `${id.slice(2) === client.playerId ? 'you' : id.slice(2, 10)}: ${e.s}`)
    .join(' · ');
}
