/**
 * `arena/server`: start Arena's services in your own process, with your games.
 * @packageDocumentation
 */
export {
  startRoomServer,
  type RunningRoomServer,
  type StartRoomServerOptions,
} from '../apps/room-server/start.js';
export { loadConfig, ConfigError, type ArenaConfig } from '../shared/config/index.js';
