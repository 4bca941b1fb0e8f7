export {
  ArenaClient,
  type ArenaClientEvents,
  type ArenaClientOptions,
  type WebSocketFactory,
  type WebSocketLike,
} from './arena-client.js';
