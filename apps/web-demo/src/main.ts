/**
 * The web demo: pick a game (the reference game or Battleship), log in as a guest, join a
 * room (or a room with bots, or a quick match), and play: the keyboard in the reference game,
 * clicks on the enemy board in Battleship. It uses the same SDK a studio's client would.
 */
import { ArenaClient } from '../../../shared/client/index.js';
import { BattleshipScreen } from './battleship-screen.js';
import { demoGame, type DemoGame } from './games.js';
import { watchKeyboard } from './keyboard.js';
import { render, scoreboard } from './render.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);
const canvas = $<HTMLCanvasElement>('arena');
const ctx = canvas.getContext('2d')!;
const battleship = new BattleshipScreen($('bs-own'), $('bs-target'), $('bs-turn'));

const params = new URLSearchParams(location.hash.slice(1));
$<HTMLInputElement>('room').value = params.get('room') ?? 'lobby-1';
const picker = $<HTMLSelectElement>('game');
picker.value = demoGame(params.get('game')).screen;

let client: ArenaClient | undefined;
/** The game the current client plays (the picker may have moved on since). */
let playing: DemoGame = demoGame('arena');

const chosen = (): DemoGame => demoGame(picker.value);

/** Shows the chosen game's screen and help. */
function showGame(game: DemoGame): void {
  $('arena-screen').hidden = game.screen !== 'arena';
  $('battleship-screen').hidden = game.screen !== 'battleship';
  $('help').textContent = game.help;
  $<HTMLButtonElement>('bots').textContent = game.botsLabel;
}
picker.addEventListener('change', () => showGame(chosen()));
showGame(chosen());

async function login(name: string): Promise<string> {
  const res = await fetch('/auth/guest', { method: 'POST', body: JSON.stringify(name ? { name } : {}) });
  if (!res.ok) throw new Error((await res.json()).error ?? `login failed (${res.status})`);
  return (await res.json()).token;
}

/** A connected client for the chosen game, with the demo's listeners. */
async function connect(game: DemoGame): Promise<ArenaClient> {
  client?.close();
  const token = await login($<HTMLInputElement>('name').value.trim());
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const c = new ArenaClient({ gateways: [`${scheme}://${location.host}/ws`], token });
  client = c;
  playing = game;
  (window as unknown as { arena: ArenaClient }).arena = c;
  battleship.show(game.screen === 'battleship' ? c : undefined);
  c.on('disconnected', (d) =>
    status(d.willReconnect ? 'Connection lost: reconnecting…' : `Disconnected (${d.code})`),
  );
  c.on('queued', (q) => status(`Looking for an opponent in ${q.queue}…`));
  c.on('matchFound', (m) => status(`Match found: ${m.teams.flat().length} players. Joining…`));
  c.on('queueEnded', (e) => status(e.message));
  c.on('joined', (j) => {
    status(`${j.resumed ? 'Back in' : 'In'} room ${j.roomId}. ${game.help}`);
    // The snapshot alone may be all there is for a while: a matchmade Battleship room seats both
    // players before its first tick, and nothing changes until the first shot.
    if (game.screen === 'battleship') battleship.render();
  });
  c.on('state', () => {
    if (game.screen === 'battleship') battleship.render();
  });
  c.on('ended', (r) => {
    status(`Match over (${r.reason}). Winner: ${r.winner ?? 'tie'}.`);
    if (game.screen === 'battleship') battleship.over(r.winner);
  });
  c.on('game_message', (m) => {
    const note = game.messages[m.type];
    if (note) status(note(m.data));
  });
  c.on('error', (e) => status(`Server says: ${e.code}: ${e.message}`));
  status('Connecting…');
  await c.connect();
  return c;
}

async function play(bots: number): Promise<void> {
  const game = chosen();
  const roomId =
    bots > 0 ? `bots-${Math.random().toString(36).slice(2, 10)}` : $<HTMLInputElement>('room').value.trim();
  try {
    const c = await connect(game);
    await c.join(roomId, { bots, ...(game.name ? { game: game.name } : {}) });
  } catch (err) {
    status(err instanceof Error ? err.message : String(err));
  }
}

async function quickMatch(): Promise<void> {
  const game = chosen();
  try {
    const c = await connect(game);
    c.queue(game.queue);
  } catch (err) {
    status(err instanceof Error ? err.message : String(err));
  }
}

$('play').addEventListener('click', () => void play(0));
$('match').addEventListener('click', () => void quickMatch());
$('bots').addEventListener('click', () => void play(chosen().bots));
watchKeyboard((input) => playing.screen === 'arena' && client?.roomId && client.sendInput(input));

const frame = () => {
  if (client && playing.screen === 'arena') {
    render(ctx, client);
    $('scores').textContent = scoreboard(client);
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
