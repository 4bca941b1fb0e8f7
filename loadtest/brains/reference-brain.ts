import type { Entity } from '../../shared/protocol/index.js';
import type { BrainFactory } from './brain.js';

/** What a bot sends each input tick: the reference game's input. */
export interface BotInput {
  mx: number;
  my: number;
  tag: boolean;
}

/** A little short of the game's tag range (48): the server decides on its own, newer positions. */
const TAG_REACH = 44;

interface Point {
  x: number;
  y: number;
}

const at = (e: Entity | undefined): Point | undefined =>
  e && typeof e.x === 'number' && typeof e.y === 'number' && Number.isFinite(e.x + e.y)
    ? { x: e.x, y: e.y }
    : undefined;

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/**
 * A plausible player of the reference game, from what it can see: run for the nearest pickup,
 * chase an opponent who is much closer than any pickup, tag whoever is in reach, and steer with
 * a little noise (people do not move in perfectly straight lines). Sends only what a real
 * client may send ({mx, my} within [-1, 1], tag).
 */
export function decideInput(
  entities: ReadonlyMap<string, Entity>,
  me: string,
  random: () => number,
): BotInput {
  const self = at(entities.get(`p:${me}`));
  if (!self) return { mx: 0, my: 0, tag: false };
  let pickup: Point | undefined;
  let opponent: Point | undefined;
  for (const [id, e] of entities) {
    const p = at(e);
    if (!p) continue;
    if (e.k === 'k' && (!pickup || distance(self, p) < distance(self, pickup))) pickup = p;
    if (e.k === 'p' && id !== `p:${me}` && (!opponent || distance(self, p) < distance(self, opponent)))
      opponent = p;
  }
  const tag = opponent !== undefined && distance(self, opponent) <= TAG_REACH;
  const chase = opponent && (!pickup || distance(self, opponent) < distance(self, pickup) / 2);
  const target = (chase ? opponent : pickup) ?? self;
  const d = distance(self, target);
  if (d < 1) return { mx: 0, my: 0, tag };
  const noise = () => (random() - 0.5) * 0.2;
  const clamp = (v: number) => Math.max(-1, Math.min(1, v));
  return { mx: clamp((target.x - self.x) / d + noise()), my: clamp((target.y - self.y) / d + noise()), tag };
}

/** The reference game's brain (arena and arena-sprint): decideInput every input tick. */
export const referenceBrain: BrainFactory = (random) => ({
  decide: (view, me) => decideInput(view, me, random),
});
