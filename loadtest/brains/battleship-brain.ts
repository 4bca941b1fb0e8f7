import { shotFromView } from '../../examples/battleship/src/index.js';
import type { Entity } from '../../shared/protocol/index.js';
import type { BrainFactory } from './brain.js';

/**
 * Game messages that mean the bot played badly: a shot refused by the rules (a brain defect),
 * or a turn that ran out before the bot fired (the bot, or the service, too slow).
 */
const FAULTS = new Set(['invalid_shot', 'not_your_turn', 'turn_missed']);

/**
 * Battleship (examples/battleship) from the player's side: on its turn, one shot chosen by the
 * example's public-knowledge logic (`shotFromView`: hunt and target over the shots and sunk
 * ships the view shows). A turn is known by its `turnEndsAtMs`, new each turn, so the bot fires
 * once per turn even while the view still shows the turn it just played.
 */
export const battleshipBrain: BrainFactory = (random) => {
  let firedFor: number | undefined;
  return {
    decide(view: ReadonlyMap<string, Entity>, me: string) {
      const entities = Object.fromEntries(view);
      const turn = entities.game?.turnEndsAtMs;
      if (typeof turn !== 'number' || turn === firedFor) return undefined;
      const shot = shotFromView(entities, me, random);
      if (shot) firedFor = turn;
      return shot;
    },
    onMessage: (type) => (FAULTS.has(type) ? type : undefined),
  };
};
