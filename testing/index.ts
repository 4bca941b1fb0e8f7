/**
 * `arena/testing`: run a game in a test room without any server. Create a room, seat players
 * and bots, feed raw inputs and ticks (or let time pass), then read each player's view, the
 * messages sent to them, the game events emitted and the result.
 *
 * @example
 * import { createTestRoom } from 'arena/testing';
 * import { battleship } from '../src/battleship.js';
 *
 * const room = createTestRoom(battleship, { options: { size: 8 } });
 * room.join('ann');
 * room.join('bob');
 * room.input('ann', { x: 0, y: 0 });
 * room.tickN();
 * room.messages('ann'); // [{ type: 'your_turn', ... }, { type: 'shot_result', ... }]
 * room.view('bob');     // bob's ships and every shot, never ann's unsunk ships
 *
 * @packageDocumentation
 */
export {
  createTestRoom,
  TestRoom,
  GameHookError,
  OptionsRefusedError,
  type TestRoomSettings,
  type JoinOutcome,
  type SentMessage,
  type EmittedEvent,
} from './test-room.js';
export { findNonPlainData } from './plain-data.js';
