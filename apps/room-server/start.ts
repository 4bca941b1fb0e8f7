/** Starts a room server in this process: what main.ts runs, and `startRoomServer` of `arena/server`. */
import { instanceId } from '../../shared/config/instance-id.js';
import { loadConfig, type ArenaConfig } from '../../shared/config/index.js';
import { announceReady } from '../../shared/log/announce-ready.js';
import { watchServiceLogs } from '../../shared/log/service-log-metrics.js';
import { createServiceLogger } from '../../shared/log/service-logger.js';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import { TicketStore } from '../../shared/matchmaking/ticket-store.js';
import { MatchmakingRatings } from '../../shared/rankings/matchmaking-ratings.js';
import { connectRankingsRedis, connectRedis } from '../../shared/redis/connect.js';
import { RedisFailures } from '../../shared/redis/failures.js';
import { realtimeKeys } from '../../shared/redis/keys.js';
import { RosterStore } from '../../shared/rooms/roster.js';
import { rankingKeys } from '../../shared/rankings/keys.js';
import { RatingStore } from '../../shared/rankings/rating-store.js';
import { Seasons } from '../../shared/rankings/seasons.js';
import { applyWithRetry } from './apply-with-retry.js';
import { MatchEventProducer } from './match-log/match-event-producer.js';
import { spillDirFor } from './match-log/spill-dir.js';
import type { AnyGame } from './game-api.js';
import { games as builtInGames } from './games/index.js';
import { loadGames } from './load-games.js';
import { OpsServer } from '../../shared/ops/ops-server.js';
import { redisCheck, tcpCheck } from '../../shared/ops/readiness.js';
import { RoomServer } from './room-server.js';
import { RoomServerMetrics } from './room-server-metrics.js';

export interface StartRoomServerOptions {
  /** The games to host (the first is the default); default: ROOM_GAMES, else ROOM_GAME. */
  games?: AnyGame[];
  /** Configuration; default: loaded from `env` (default process.env) as the service does. */
  config?: ArenaConfig;
  env?: Record<string, string | undefined>;
}

export interface RunningRoomServer {
  id: string;
  /** host:port of its gateway link listener. */
  address: string;
  port: number;
  opsPort: number;
  /** Graceful stop: leaves the registry, checkpoints every room, drains the match log. */
  stop(): Promise<void>;
}

/**
 * Starts a room server hosting `games`: registers in Redis, accepts gateway links, serves
 * /metrics, /healthz and /readyz. Every game is checked first; a bad one throws a ConfigError
 * naming it and what is wrong.
 */
export async function startRoomServer(o: StartRoomServerOptions = {}): Promise<RunningRoomServer> {
  const config = o.config ?? loadConfig(o.env ?? process.env, 'room-server');
  const games = o.games
    ? await loadGames('', {}, undefined, o.games, 'startRoomServer({ games })')
    : await loadGames(config.roomServer.games || config.roomServer.game, builtInGames);
  const id = instanceId(config.roomServer.id, 'rs');
  const logging = createServiceLogger('room-server', id, config);
  const log = logging.log;
  const redis = await connectRedis(config.redis, { name: `room-server ${id}`, log });
  const redisFailures = new RedisFailures(log);
  const keys = realtimeKeys(config.redis.keyPrefix);
  const matchLog = new MatchEventProducer({
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-${id}`,
    spillDir: spillDirFor({
      spillDir: config.matchLog.spillDir,
      serverId: config.roomServer.id,
      port: config.roomServer.port,
    }),
    maxInMemory: config.matchLog.memoryEvents,
    maxPending: config.matchLog.maxPendingEvents,
    partitions: config.matchLog.partitions,
    log,
  });
  matchLog.start();
  const rankingsRedis = await connectRankingsRedis(config.redis, { name: `room-server ${id} rankings`, log });
  const rk = rankingKeys(config.redis.keyPrefix);
  const ratingStore = new RatingStore(rankingsRedis, rk, new Seasons(rankingsRedis, rk));
  const metrics = new RoomServerMetrics();
  const server = new RoomServer({
    id,
    config,
    games,
    redis,
    redisFailures,
    log,
    tickets: new TicketStore(redis, matchmakingKeys(config.redis.keyPrefix)),
    // Read where RatingStore writes them (the rankings Redis, a cluster when configured).
    ratings: new MatchmakingRatings(rankingsRedis, config.redis.keyPrefix),
    rosters: new RosterStore(redis, keys),
    matchLog: (event) => matchLog.publish(event),
    onMatchEnded: (result) =>
      void applyWithRetry(() => ratingStore.apply(result, Date.now()), log, result.roomId, {
        onFailure: (err) => redisFailures.record('rating_apply', err, { roomId: result.roomId }),
        // Counted as arena_redis_failures_total{op="rating_apply_gave_up"}: a result lost.
        onGiveUp: (err) => redisFailures.record('rating_apply_gave_up', err, { roomId: result.roomId }),
      }),
    onTick: metrics.observeTick,
  });
  const { address, port } = await server.start();
  const ops = await OpsServer.start({
    host: config.ops.host,
    port: config.roomServer.opsPort,
    registry: watchServiceLogs(metrics.watch(server, matchLog, redisFailures).registry, logging.shipper),
    dependencies: [
      redisCheck('redis', redis),
      redisCheck('rankings-redis', rankingsRedis),
      // Match events wait on disk while Kafka is away: reported, not a reason to be unready.
      tcpCheck('kafka', config.kafka.brokers, false),
    ],
    log,
  });
  announceReady('room-server', id, { port, opsPort: ops.port, address, games: games.map((g) => g.name) });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      log.info('stopping: checkpointing rooms');
      ops.server.drain();
      await server.stop();
      await matchLog.stop();
      redis.disconnect();
      rankingsRedis.disconnect();
      await logging.stop(1_000);
      await ops.server.close();
    })());
  return { id, address, port, opsPort: ops.port, stop };
}
