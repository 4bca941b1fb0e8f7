/**
 * The peer for bench/peer-room.ts: the reference game's room workload on Colyseus 0.16 (from
 * npm, its default WebSocket transport). Rooms of 8; players send {seq, mx, my} inputs; the
 * room moves them at 20 Hz, collects pickups, and syncs its state at 20 Hz (patch rate 50 ms)
 * with each player's last applied input (ack), as Arena does. Prints
 * {"event":"ready","port":N} when it listens.
 */
import { Room, Server, type Client } from '@colyseus/core';
import { MapSchema, schema } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';

const W = 800;
const H = 600;
const SPEED = 200;
const TICK_MS = 50;

const Player = schema({ x: 'number', y: 'number', s: 'number', ack: 'number' }, 'Player');
const Pickup = schema({ x: 'number', y: 'number' }, 'Pickup');
const ArenaState = schema({ players: { map: Player }, pickups: { map: Pickup } }, 'ArenaState');
type ArenaStateT = InstanceType<typeof ArenaState>;

interface Intent {
  mx: number;
  my: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const spot = () => ({
  x: Math.round(30 + Math.random() * (W - 60)),
  y: Math.round(30 + Math.random() * (H - 60)),
});

class ArenaLikeRoom extends Room<ArenaStateT> {
  override maxClients = 8;
  private readonly intents = new Map<string, Intent>();
  private nextPickup = 1;

  override onCreate(): void {
    const state = new ArenaState();
    state.players = new MapSchema();
    state.pickups = new MapSchema();
    this.setState(state);
    this.setPatchRate(TICK_MS);
    for (let i = 0; i < 5; i++) this.spawnPickup();
    this.onMessage('input', (client, m: { seq: number; mx: number; my: number }) => {
      // Validated as Arena validates: finite, within [-1, 1].
      if (!Number.isFinite(m?.mx) || !Number.isFinite(m?.my) || Math.abs(m.mx) > 1 || Math.abs(m.my) > 1)
        return;
      this.intents.set(client.sessionId, { mx: m.mx, my: m.my });
      const p = this.state.players.get(client.sessionId);
      if (p && Number.isInteger(m.seq)) p.ack = m.seq;
    });
    this.setSimulationInterval(() => this.step(), TICK_MS);
  }

  override onJoin(client: Client): void {
    const p = new Player();
    Object.assign(p, { ...spot(), s: 0, ack: 0 });
    this.state.players.set(client.sessionId, p);
  }

  override onLeave(client: Client): void {
    this.state.players.delete(client.sessionId);
    this.intents.delete(client.sessionId);
  }

  private spawnPickup(): void {
    const k = new Pickup();
    Object.assign(k, spot());
    this.state.pickups.set(String(this.nextPickup++), k);
  }

  private step(): void {
    const stepLen = (SPEED * TICK_MS) / 1000;
    this.state.players.forEach((p, id) => {
      const i = this.intents.get(id);
      if (!i) return;
      p.x = Math.round(clamp(p.x + i.mx * stepLen, 16, W - 16) * 10) / 10;
      p.y = Math.round(clamp(p.y + i.my * stepLen, 16, H - 16) * 10) / 10;
      this.state.pickups.forEach((k, kid) => {
        if (Math.hypot(p.x - k.x, p.y - k.y) <= 26) {
          this.state.pickups.delete(kid);
          p.s += 1;
          this.spawnPickup();
        }
      });
    });
  }
}

const server = new Server({ transport: new WebSocketTransport(), greet: false });
server.define('arena', ArenaLikeRoom);
const port = Number(process.env.PORT ?? 0) || 2567;
await server.listen(port, '127.0.0.1');
console.log(JSON.stringify({ event: 'ready', port }));
