/**
 * The Battleship example as a game module (ROOM_GAMES / MATCHMAKER_GAMES load a module's
 * `game`): the local stack hosts it beside the reference game, for the web demo and the swarm.
 */
export { battleship as game } from '../../../examples/battleship/src/index.js';
