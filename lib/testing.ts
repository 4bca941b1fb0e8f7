/**
 * `arena/testing`: run a game in a test room without any server (see docs/games.md).
 * @packageDocumentation
 */
export * from '../testing/index.js';
