/**
 * The web demo: log in as a guest, join a room (or a room with bots), play with the
 * keyboard. It uses the same SDK a studio's client would.
 */
import { ArenaClient } from '../../../shared/client/index.js';
import { watchKeyboard } from './keyboard.js';
import { render, scoreboard } from './render.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);
const canvas = $<HTMLCanvasElement>('arena');
const ctx = canvas.getContext('2d')!;

const params = new URLSearchParams(location.hash.slice(1));
$<HTMLInputElement>('room').value = params.get('room') ?? 'lobby-1';

let client: ArenaClient | undefined;

async function login(name: string): Promise<string> {
  const res = await fetch('/auth/guest', { method: 'POST', body: JSON.stringify(name ? { name } : {}) });
  if (!res.ok) throw new Error((await res.json()).error ?? `login failed (${res.status})`);
  return (await res.json()).token;
}

async function play(bots: number): Promise<void> {
  const name = $<HTMLInputElement>('name').value.trim();
  const roomId =
    bots > 0 ? `bots-${Math.random().toString(36).slice(2, 10)}` : $<HTMLInputElement>('room').value.trim();
  try {
    client?.close();
    const token = await login(name);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    client = new ArenaClient({ gateways: [`${scheme}://${location.host}/ws`], token });
    (window as unknown as { arena: ArenaClient }).arena = client;
    client.on('disconnected', (d) =>
      status(d.willReconnect ? 'Connection lost: reconnecting…' : `Disconnected (${d.code})`),
    );
    client.on('joined', (j) =>
      status(`${j.resumed ? 'Back in' : 'In'} room ${j.roomId}. Move with WASD/arrows, tag with Space.`),
    );
    client.on('ended', (r) => status(`Match over (${r.reason}). Winner: ${r.winner ?? 'tie'}.`));
    client.on('error', (e) => status(`Server says: ${e.code}: ${e.message}`));
    status('Connecting…');
    await client.connect();
    await client.join(roomId, { bots });
  } catch (err) {
    status(err instanceof Error ? err.message : String(err));
  }
}

async function quickMatch(): Promise<void> {
  try {
    client?.close();
    const token = await login($<HTMLInputElement>('name').value.trim());
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    client = new ArenaClient({ gateways: [`${scheme}://${location.host}/ws`], token });
    (window as unknown as { arena: ArenaClient }).arena = client;
    client.on('queued', (q) => status(`Looking for an opponent in ${q.queue}…`));
    client.on('matchFound', (m) => status(`Match found: ${m.teams.flat().length} players. Joining…`));
    client.on('queueEnded', (e) => status(e.message));
    client.on('joined', (j) => status(`In match room ${j.roomId}. Move with WASD/arrows, tag with Space.`));
    client.on('ended', (r) => status(`Match over (${r.reason}). Winner: ${r.winner ?? 'tie'}.`));
    client.on('error', (e) => status(`Server says: ${e.code}: ${e.message}`));
    await client.connect();
    client.queue('duel.eu');
  } catch (err) {
    status(err instanceof Error ? err.message : String(err));
  }
}

$('play').addEventListener('click', () => void play(0));
$('match').addEventListener('click', () => void quickMatch());
$('bots').addEventListener('click', () => void play(3));
watchKeyboard((input) => client?.roomId && client.sendInput(input));

const frame = () => {
  if (client) {
    render(ctx, client);
    $('scores').textContent = scoreboard(client);
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
