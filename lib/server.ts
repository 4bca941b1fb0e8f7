/**
 * `arena/server`: start Arena's services in your own process, with your games. A deployment is
 * gateways (players connect to them), room servers (run the games) and matchmakers (form
 * matches), all sharing one Redis; each is configured by the same environment variables as
 * the service (see the README's configuration table) unless given a `config`.
 *
 * ```ts
 * import { startGateway, startMatchmaker, startRoomServer } from 'arena/server';
 * const rooms = await startRoomServer({ games: [battleship] });
 * const matchmaker = await startMatchmaker({ games: [battleship] });
 * const gateway = await startGateway();
 * // ...
 * await Promise.all([gateway.stop(), matchmaker.stop(), rooms.stop()]);
 * ```
 * @packageDocumentation
 */
export {
  startRoomServer,
  type RunningRoomServer,
  type StartRoomServerOptions,
} from '../apps/room-server/start.js';
export { startGateway, type RunningGateway, type StartGatewayOptions } from '../apps/gateway/start.js';
export {
  startMatchmaker,
  type RunningMatchmaker,
  type StartMatchmakerOptions,
} from '../apps/matchmaker/start.js';
export { loadConfig, ConfigError, type ArenaConfig } from '../shared/config/index.js';
