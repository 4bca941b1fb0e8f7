import { describe, expect, it } from 'vitest';
import { Room, type RoomEvents, type RoomSettings } from '../../../apps/room-server/room.js';
import {
  parseServerMessage,
  type Entities,
  type MatchResult,
  type ServerMessage,
} from '../../../shared/protocol/index.js';
import {
  battleship,
  parseBattleshipOptions,
  shipCells,
  shotFromView,
  type BattleshipOptions,
  type BattleshipState,
} from '../../../examples/battleship/src/index.js';

const settings: RoomSettings = { tickHz: 2, graceMs: 10_000, maxQueuedInputs: 4, idleCloseMs: 60_000 };

// The room server's Room passes {} as options until it parses them itself (game-platform);
// this game fills in Battleship's defaults, exactly what parseOptions(undefined) gives.
const classic = {
  ...battleship,
  create: (ctx: Parameters<typeof battleship.create>[0]) =>
    battleship.create(ctx, parseBattleshipOptions(undefined) as BattleshipOptions),
};

/** Cells of `owner`'s ships not sunk yet, minus those the other player already fired at, as "x,y". */
function secretCells(state: BattleshipState, owner: string, firedByOther: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const ship of state.boards[owner]!.ships) {
    if (ship.hits >= ship.len) continue;
    for (const c of shipCells(ship)) if (!firedByOther.has(`${c.x},${c.y}`)) out.add(`${c.x},${c.y}`);
  }
  return out;
}

/** Every (x, y) pair a decoded value mentions, however nested, as "x,y". */
function cellsIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value !== 'object' || value === null) return out;
  const o = value as Record<string, unknown>;
  if (typeof o.x === 'number' && typeof o.y === 'number') out.add(`${o.x},${o.y}`);
  for (const v of Object.values(o)) cellsIn(v, out);
  return out;
}

describe('Battleship in a real Room: what the server encodes for a player', () => {
  it.each(['bs-1', 'bs-2', 'bs-3'])(
    "no frame to the player, decoded, holds the bot's hidden ship cells over a whole match (room %s)",
    (roomId) => {
      const frames: ServerMessage[] = [];
      const results: (MatchResult | null)[] = [];
      const events: RoomEvents = {
        send: (_gw, msg) => {
          if (msg.type === 'deliver' && msg.playerIds.includes('ann'))
            frames.push(parseServerMessage(msg.frame)!);
        },
        seatChanged: () => {},
        ended: (_room, result) => void results.push(result),
        requeue: () => {},
      };
      const room = Room.create(roomId, classic, settings, events, 1, 0);
      expect(room.join('ann', 'gw1', 0)).toEqual({ ok: true, resumed: false });

      // ann plays from what she was sent: her entities rebuilt from snapshots and deltas.
      const seen: Entities = {};
      const fired = new Set<string>();
      let seq = 0;
      let firedFor = -1;
      let r = 7;
      const random = () => (r = (r * 16807) % 2147483647) / 2147483647;
      for (let now = 500; results.length === 0 && now < 1_000_000; now += 500) {
        room.step(now);
        const state = room.checkpoint().state as BattleshipState;
        const secret = secretCells(state, 'bot-1', fired);
        for (const f of frames.splice(0)) {
          const about = new Set<string>();
          if (f.type === 'joined') Object.assign(seen, f.entities);
          if (f.type === 'state') {
            Object.assign(seen, f.changed);
            for (const id of f.removed) delete seen[id];
          }
          if (f.type === 'joined' || f.type === 'state') {
            const entities = f.type === 'joined' ? f.entities : f.changed;
            cellsIn(
              Object.values(entities).filter((e) => e.owner === 'bot-1'),
              about,
            );
          }
          // `incoming` names cells of ann's own board; the end reveals every fleet by design.
          if (f.type === 'game_message' && f.messageType !== 'incoming') cellsIn(f.data, about);
          if (state.phase === 'over') continue;
          expect(
            [...about].filter((c) => secret.has(c)),
            `frame ${f.type} at ${now} ms`,
          ).toEqual([]);
        }
        const shot = shotFromView(seen, 'ann', random);
        if (shot && seen.game?.turnEndsAtMs !== firedFor) {
          firedFor = seen.game!.turnEndsAtMs as number;
          fired.add(`${shot.x},${shot.y}`);
          room.input('ann', 'gw1', ++seq, shot);
        }
      }
      expect(results).toEqual([expect.objectContaining({ game: 'battleship', reason: 'fleet_sunk' })]);
    },
  );
});
