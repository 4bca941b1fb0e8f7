/**
 * The Battleship example game for Arena: register `battleship` with a room server
 * (`startRoomServer({ games: [battleship] })` or the room server's game module setting).
 * @packageDocumentation
 */
export { battleship } from './battleship.js';
export { parseBattleshipOptions, DEFAULT_OPTIONS, OPTION_LIMITS, type BattleshipOptions } from './options.js';
export { parseShot, type Shot } from './input.js';
export { chooseShot, nextShot, shotFromView, type PublicBoard } from './bot.js';
export { placeFleet, shipCells, shipAt, isSunk, type Ship, type ShotMark, type Board } from './fleet.js';
export { opponentOf, type BattleshipState, type Phase } from './state.js';
