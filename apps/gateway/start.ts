/** Starts a gateway in this process: what main.ts runs, and `startGateway` of `arena/server`. */
import { instanceId } from '../../shared/config/instance-id.js';
import { loadConfig, type ArenaConfig } from '../../shared/config/index.js';
import { announceReady } from '../../shared/log/announce-ready.js';
import { watchServiceLogs } from '../../shared/log/service-log-metrics.js';
import { createServiceLogger } from '../../shared/log/service-logger.js';
import { RoomServerRegistry } from '../../shared/placement/registry.js';
import { RoomPlacement } from '../../shared/placement/room-placement.js';
import { connectRankingsRedis, connectRedis } from '../../shared/redis/connect.js';
import { RedisFailures } from '../../shared/redis/failures.js';
import { realtimeKeys } from '../../shared/redis/keys.js';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import { queueIds } from '../../shared/matchmaking/modes.js';
import { TicketStore } from '../../shared/matchmaking/ticket-store.js';
import { MatchmakingRatings } from '../../shared/rankings/matchmaking-ratings.js';
import { rankingKeys } from '../../shared/rankings/keys.js';
import { Leaderboards } from '../../shared/rankings/leaderboards.js';
import { Seasons } from '../../shared/rankings/seasons.js';
import { Revocations } from '../../shared/auth/revocations.js';
import { TokenService } from './auth/tokens.js';
import { MatchmakingRequests } from './matchmaking-requests.js';
import { OpsServer } from '../../shared/ops/ops-server.js';
import { redisCheck } from '../../shared/ops/readiness.js';
import { connectionCap, FD_HEADROOM, softFdLimit } from './fd-limit.js';
import { GatewayServer } from './gateway-server.js';
import { gatewayMetrics } from './gateway-metrics.js';
import { PlayerRouter } from './player-router.js';
import { QueueWatch } from './queue-watch.js';

export interface StartGatewayOptions {
  /** Configuration; default: loaded from `env` (default process.env) as the service does. */
  config?: ArenaConfig;
  env?: Record<string, string | undefined>;
}

export interface RunningGateway {
  id: string;
  /** The port players connect to (WebSocket `/`, HTTP `/leaderboard`, `/auth/guest`, ...). */
  port: number;
  opsPort: number;
  /** The base URL clients use, `http://<host>:<port>`. */
  url: string;
  /**
   * Graceful stop: stops accepting, asks every client to reconnect elsewhere (close code 1012),
   * closes the room-server links and its Redis connections.
   */
  stop(): Promise<void>;
}

/**
 * Starts a gateway: accepts players over WebSocket, routes them to room servers, takes their
 * matchmaking requests and answers leaderboard queries; serves /metrics, /healthz and /readyz
 * on its ops port. Configured like the service (GATEWAY_*, REDIS_*, AUTH_*, MATCHMAKER_MODES);
 * a bad setting throws a ConfigError naming it.
 */
export async function startGateway(o: StartGatewayOptions = {}): Promise<RunningGateway> {
  const config = o.config ?? loadConfig(o.env ?? process.env, 'gateway');
  const gatewayId = instanceId(config.gateway.id, 'gw');
  const logging = createServiceLogger('gateway', gatewayId, config);
  const log = logging.log;
  const redis = await connectRedis(config.redis, { name: `gateway ${gatewayId}`, log });
  const redisFailures = new RedisFailures(log);
  const keys = realtimeKeys(config.redis.keyPrefix);
  const registry = new RoomServerRegistry(redis, keys, config.registry.ttlMs);
  const router = new PlayerRouter({
    gatewayId,
    linkSecret: config.link.secret,
    redis,
    keys,
    placement: new RoomPlacement(redis, keys, registry),
    downServerMs: config.registry.ttlMs + 1_000,
    slowClientBytes: config.gateway.slowClientBytes,
    linkMaxBufferedBytes: config.roomServer.linkMaxBufferedBytes,
    redisFailures,
    log,
  });
  const mmKeys = matchmakingKeys(config.redis.keyPrefix);
  const watch = new QueueWatch({
    redis,
    keys: mmKeys,
    connectionOf: (playerId) => router.connectionOf(playerId),
    inRoom: (playerId) => router.inRoom(playerId),
    intervalMs: config.gateway.ticketCheckMs,
    confirmMs: Math.min(1_000, config.gateway.ticketCheckMs),
    failures: redisFailures,
    log,
  });
  // Ratings live with the rankings (a Redis Cluster when REDIS_CLUSTER_NODES is set), where the
  // room servers write them: queueing reads them there.
  const rankingsRedis = await connectRankingsRedis(config.redis, {
    name: `gateway ${gatewayId} rankings`,
    log,
  });
  const matchmaking = new MatchmakingRequests({
    tickets: new TicketStore(redis, mmKeys),
    ratings: new MatchmakingRatings(rankingsRedis, config.redis.keyPrefix),
    keys: mmKeys,
    queues: new Set(queueIds(config.matchmaker.modes, config.matchmaker.regions)),
    modes: config.matchmaker.modes,
    inRoom: (playerId) => router.inRoom(playerId),
    connectionOf: (playerId) => router.connectionOf(playerId),
    watch,
    seatsOf: (playerIds) => redis.mget(...playerIds.map((id) => keys.playerSeat(id))),
    awayGraceMs: config.gateway.queueAwayGraceMs,
    log,
  });
  await matchmaking.listen(redis);
  watch.start();
  const tokens = new TokenService(config.auth.secret, config.auth.tokenTtlS, config.auth.resumeTtlS);
  const revocations = new Revocations(redis, keys, config.auth.tokenTtlS);
  const rankingKeysForPrefix = rankingKeys(config.redis.keyPrefix);
  const leaderboards = new Leaderboards(
    rankingsRedis,
    rankingKeysForPrefix,
    new Seasons(rankingsRedis, rankingKeysForPrefix),
  );
  const fdLimit = softFdLimit();
  const maxConnections = connectionCap(config.gateway.maxConnections, fdLimit);
  if (maxConnections < config.gateway.maxConnections) {
    log.warn(
      { configured: config.gateway.maxConnections, fdLimit, headroom: FD_HEADROOM, maxConnections },
      'file-descriptor limit lowers the connection cap: raise it (ulimit -n, LimitNOFILE) for more players',
    );
  }
  const server = new GatewayServer({
    gatewayId,
    config,
    maxConnections,
    tokens,
    revocations,
    router,
    matchmaking,
    leaderboards,
    redisFailures,
    log,
  });
  const port = await server.listen();
  const ops = await OpsServer.start({
    host: config.ops.host,
    port: config.gateway.opsPort,
    registry: watchServiceLogs(
      gatewayMetrics(server.counters, router, watch, redisFailures, matchmaking, server.guestLogins),
      logging.shipper,
    ),
    dependencies: [redisCheck('redis', redis), redisCheck('rankings-redis', rankingsRedis)],
    log,
  });
  const url = `http://${config.gateway.host}:${port}`;
  announceReady('gateway', gatewayId, { port, opsPort: ops.port, url });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      log.info('stopping: asking clients to reconnect elsewhere');
      ops.server.drain();
      server.stop();
      watch.stop();
      matchmaking.close();
      rankingsRedis.disconnect();
      // A moment for the close frames to leave before the Redis connection goes.
      await new Promise((resolve) => setTimeout(resolve, 200));
      redis.disconnect();
      await logging.stop(1_000);
      await ops.server.close();
    })());
  return { id: gatewayId, port, opsPort: ops.port, url, stop };
}
