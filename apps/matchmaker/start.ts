/** Starts a matchmaker in this process: what main.ts runs, and `startMatchmaker` of `arena/server`. */
import { instanceId } from '../../shared/config/instance-id.js';
import { ConfigError, loadConfig, type ArenaConfig } from '../../shared/config/index.js';
import { announceReady } from '../../shared/log/announce-ready.js';
import { watchServiceLogs } from '../../shared/log/service-log-metrics.js';
import { createServiceLogger } from '../../shared/log/service-logger.js';
import { OpsServer } from '../../shared/ops/ops-server.js';
import { redisCheck } from '../../shared/ops/readiness.js';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import { modeGameProblems } from '../../shared/matchmaking/mode-games.js';
import { queueIds } from '../../shared/matchmaking/modes.js';
import { RoomServerRegistry } from '../../shared/placement/registry.js';
import { RoomPlacement } from '../../shared/placement/room-placement.js';
import { connectRedis } from '../../shared/redis/connect.js';
import { RedisFailures } from '../../shared/redis/failures.js';
import { realtimeKeys } from '../../shared/redis/keys.js';
import { RosterStore } from '../../shared/rooms/roster.js';
import { games as builtInGames } from '../room-server/games/index.js';
import type { AnyGame } from '../room-server/game-api.js';
import { loadGames } from '../room-server/load-games.js';
import { Matchmaker } from './matchmaker.js';
import { MatchStore } from './match-store.js';
import { MatchmakerMetrics } from './metrics.js';

export interface StartMatchmakerOptions {
  /**
   * The games the modes may name, to check the modes against (give it the room servers' games);
   * default: MATCHMAKER_GAMES, else the built-in games.
   */
  games?: AnyGame[];
  /** Configuration; default: loaded from `env` (default process.env) as the service does. */
  config?: ArenaConfig;
  env?: Record<string, string | undefined>;
}

export interface RunningMatchmaker {
  id: string;
  /** The queues it serves ("mode.region"). */
  queues: string[];
  opsPort: number;
  /** Graceful stop: finishes the passes in flight, then closes its Redis connection. */
  stop(): Promise<void>;
}

/**
 * Starts a matchmaker: forms matches from the tickets of MATCHMAKER_MODES in
 * MATCHMAKER_REGIONS, places each on a room server hosting the mode's game, and serves
 * /metrics, /healthz and /readyz. Run several: they share the queues safely. The modes are
 * checked first against `games`: a mode naming a game that is not there, or seating more
 * players than its game takes, throws a ConfigError naming the mode and the game.
 */
export async function startMatchmaker(o: StartMatchmakerOptions = {}): Promise<RunningMatchmaker> {
  const config = o.config ?? loadConfig(o.env ?? process.env, 'matchmaker');
  const mm = config.matchmaker;
  // The games the modes name, loaded as a room server loads them: a mode naming an unknown game
  // or seating more players than its game takes stops the matchmaker here, with the reason.
  const games = o.games
    ? await loadGames('', {}, undefined, o.games, 'startMatchmaker({ games })')
    : await loadGames(
        mm.games || Object.keys(builtInGames).join(','),
        builtInGames,
        undefined,
        [],
        'MATCHMAKER_GAMES',
      );
  const problems = modeGameProblems(mm.modes, games);
  if (problems.length > 0) throw new ConfigError(problems);
  const id = instanceId(mm.id, 'mm');
  const logging = createServiceLogger('matchmaker', id, config);
  const log = logging.log;
  const redis = await connectRedis(config.redis, { name: `matchmaker ${id}`, log });
  const redisFailures = new RedisFailures(log);
  const rt = realtimeKeys(config.redis.keyPrefix);
  const metrics = new MatchmakerMetrics();
  const queues = queueIds(mm.modes, mm.regions);
  const matchmaker = new Matchmaker({
    id,
    queues,
    modes: mm.modes,
    store: new MatchStore(redis, matchmakingKeys(config.redis.keyPrefix)),
    rosters: new RosterStore(redis, rt),
    placement: new RoomPlacement(redis, rt, new RoomServerRegistry(redis, rt, config.registry.ttlMs)),
    metrics,
    redisFailures,
    log,
    claimTimeoutMs: mm.claimTimeoutMs,
    idleDelayMs: mm.idleDelayMs,
  });

  const ops = await OpsServer.start({
    host: config.ops.host,
    port: mm.opsPort,
    registry: watchServiceLogs(metrics.withRedisFailures(redisFailures).registry, logging.shipper),
    dependencies: [redisCheck('redis', redis)],
    log,
  });
  matchmaker.start();
  announceReady('matchmaker', id, { port: ops.port, opsPort: ops.port, queues });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      log.info('stopping: finishing the passes in flight');
      ops.server.drain();
      await matchmaker.stop();
      redis.disconnect();
      await logging.stop(1_000);
      await ops.server.close();
    })());
  return { id, queues, opsPort: ops.port, stop };
}
