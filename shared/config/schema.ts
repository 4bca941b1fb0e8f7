import { parseModes } from '../matchmaking/modes.js';
import { bool, custom, hostPorts, idList, int, oneOf, str, url } from './variable.js';

/** The port of a service's ops listener: /metrics, /healthz and /readyz. */
function opsPort(name: string, fallback: string) {
  return int(name, {
    doc: 'Port of /metrics, /healthz and /readyz (0: any free port).',
    default: fallback,
    min: 0,
    max: 65535,
  });
}

/**
 * Every environment variable Arena reads, grouped by the part of the system that uses it.
 * Add new variables here: the loader, the README table and the deployment-manifest check
 * all read this one tree.
 */
export const configSchema = {
  deployment: {
    env: oneOf('ARENA_ENV', {
      doc: 'production: weak or default secrets stop the service at start, guest login is off unless AUTH_GUEST_ENABLED is set.',
      default: 'development',
      choices: ['development', 'production'] as const,
    }),
  },
  redis: {
    url: url('REDIS_URL', {
      doc: 'Redis connection URL (redis:// or rediss://).',
      default: 'redis://127.0.0.1:6379',
      protocols: ['redis:', 'rediss:'],
    }),
    clusterNodes: str('REDIS_CLUSTER_NODES', {
      doc: 'Rankings on a Redis Cluster: comma-separated host:port seed nodes (empty: the Redis of the other keys).',
      default: '',
      allowEmpty: true,
    }),
    sentinels: hostPorts('REDIS_SENTINELS', {
      doc: 'Redis Sentinel: comma-separated host:port of sentinels; Arena follows the master they name. Empty: REDIS_URL.',
      default: '',
      allowEmpty: true,
    }),
    sentinelMaster: str('REDIS_SENTINEL_MASTER', {
      doc: 'Name of the master the sentinels monitor (`sentinel monitor <name> ...`).',
      default: 'arena',
      maxLength: 64,
    }),
    sentinelPassword: str('REDIS_SENTINEL_PASSWORD', {
      doc: 'Password of the sentinels themselves (their requirepass); empty: none.',
      default: '',
      allowEmpty: true,
      maxLength: 512,
    }),
    commandTimeoutMs: int('REDIS_COMMAND_TIMEOUT_MS', {
      doc: 'A Redis call unanswered this long fails (counted, logged, client told); no call waits for a reconnect.',
      default: '2000',
      min: 50,
      max: 60_000,
    }),
    keyPrefix: str('REDIS_KEY_PREFIX', {
      doc: 'Prefix of every Redis key Arena writes: one deployment (or test run) per prefix.',
      default: 'arena:',
      maxLength: 64,
    }),
  },
  auth: {
    secret: str('AUTH_SECRET', {
      doc: 'HMAC secret that signs session tokens (at least 32 characters; the default is for local development only).',
      default: 'arena-local-development-secret-change-me',
      minLength: 32,
      maxLength: 512,
    }),
    tokenTtlS: int('AUTH_TOKEN_TTL_S', {
      doc: 'Lifetime of a login session, seconds: it ends then, however often the player reconnects.',
      default: '3600',
      min: 60,
      max: 2_592_000,
    }),
    resumeTtlS: int('AUTH_RESUME_TTL_S', {
      doc: "Lifetime of the resume token in each welcome, seconds (never past its session's end).",
      default: '300',
      min: 10,
      max: 86_400,
    }),
    guestLoginsPerMin: int('AUTH_GUEST_LOGINS_PER_MIN', {
      doc: 'Guest logins one client address may make per minute on a gateway; more get 429.',
      default: '10',
      min: 1,
      max: 100_000,
    }),
    guestEnabled: bool('AUTH_GUEST_ENABLED', {
      doc: 'Serve POST /auth/guest, which issues guest tokens (when unset: on, but off with ARENA_ENV=production).',
      default: 'true',
    }),
  },
  link: {
    secret: str('LINK_SECRET', {
      doc: 'Shared secret gateways prove to room servers (HMAC challenge at link hello; at least 32 characters; the default is for local development only).',
      default: 'arena-local-development-link-secret-change-me',
      minLength: 32,
      maxLength: 512,
    }),
  },
  gateway: {
    id: str('GATEWAY_ID', {
      doc: 'Unique id of this gateway (default: gw-<host>-<pid>).',
      default: '',
      allowEmpty: true,
      maxLength: 64,
    }),
    host: str('GATEWAY_HOST', { doc: 'Address the gateway listens on.', default: '127.0.0.1' }),
    port: int('GATEWAY_PORT', {
      doc: 'WebSocket and HTTP port (0: any free port).',
      default: '8080',
      min: 0,
      max: 65535,
    }),
    maxFrameBytes: int('GATEWAY_MAX_FRAME_BYTES', {
      doc: 'Largest client frame accepted; a larger one closes the connection (1009).',
      default: '4096',
      min: 64,
      max: 1_048_576,
    }),
    ratePerS: int('GATEWAY_RATE_PER_S', {
      doc: 'Client frames per second allowed per connection (sustained).',
      default: '40',
      min: 1,
      max: 10_000,
    }),
    rateBurst: int('GATEWAY_RATE_BURST', {
      doc: 'Client frames allowed in a burst per connection.',
      default: '80',
      min: 1,
      max: 100_000,
    }),
    slowClientBytes: int('GATEWAY_SLOW_CLIENT_BYTES', {
      doc: 'Bytes buffered for a client above which state updates are skipped until it drains (then a snapshot).',
      default: '262144',
      min: 1024,
      max: 67_108_864,
    }),
    maxBackpressureBytes: int('GATEWAY_MAX_BACKPRESSURE_BYTES', {
      doc: 'Bytes buffered for a client above which it is disconnected.',
      default: '1048576',
      min: 4096,
      max: 268_435_456,
    }),
    idleTimeoutS: int('GATEWAY_IDLE_TIMEOUT_S', {
      doc: 'Close connections silent for this long (pings keep them alive).',
      default: '30',
      min: 8,
      max: 960,
    }),
    maxConnections: int('GATEWAY_MAX_CONNECTIONS', {
      doc: 'Connections one gateway accepts.',
      default: '20000',
      min: 1,
      max: 1_000_000,
    }),
    staticDir: str('GATEWAY_STATIC_DIR', {
      doc: 'Directory of the web demo served at / (empty: none).',
      default: 'apps/web-demo/dist',
      allowEmpty: true,
    }),
    ticketCheckMs: int('GATEWAY_TICKET_CHECK_MS', {
      doc: 'How often a gateway checks its queued players’ tickets in Redis (lost ones are told to queue again).',
      default: '5000',
      min: 100,
      max: 600_000,
    }),
    queueAwayGraceMs: int('GATEWAY_QUEUE_AWAY_GRACE_MS', {
      doc: 'A queued player disconnected this long (not back on any gateway) loses the ticket (party too).',
      default: '10000',
      min: 0,
      max: 600_000,
    }),
    opsPort: opsPort('GATEWAY_OPS_PORT', '9100'),
  },
  roomServer: {
    id: str('ROOM_SERVER_ID', {
      doc: 'Unique id of this room server (default: rs-<host>-<pid>).',
      default: '',
      allowEmpty: true,
      maxLength: 64,
    }),
    host: str('ROOM_SERVER_HOST', { doc: 'Address the gateway link listener binds.', default: '127.0.0.1' }),
    port: int('ROOM_SERVER_PORT', {
      doc: 'Gateway link port (0: any free port).',
      default: '7700',
      min: 0,
      max: 65535,
    }),
    advertiseHost: str('ROOM_SERVER_ADVERTISE_HOST', {
      doc: 'Host gateways use to reach this server (default: ROOM_SERVER_HOST).',
      default: '',
      allowEmpty: true,
    }),
    game: str('ROOM_GAME', {
      doc: 'Game the rooms run when ROOM_GAMES is empty (a built-in: arena, arena-sprint).',
      default: 'arena',
      maxLength: 64,
    }),
    games: str('ROOM_GAMES', {
      doc: 'Games this room server hosts, comma-separated: built-in names or module paths / package names exporting a Game or an array of games (the first is the default).',
      default: '',
      allowEmpty: true,
      maxLength: 4000,
    }),
    tickHz: int('ROOM_TICK_HZ', { doc: 'Simulation ticks per second.', default: '20', min: 1, max: 120 }),
    checkpointEveryTicks: int('ROOM_CHECKPOINT_EVERY_TICKS', {
      doc: 'Ticks between checkpoints of a room to Redis.',
      default: '20',
      min: 1,
      max: 10_000,
    }),
    resumeGraceMs: int('ROOM_RESUME_GRACE_MS', {
      doc: "How long a disconnected player's seat is held.",
      default: '30000',
      min: 0,
      max: 3_600_000,
    }),
    idleCloseMs: int('ROOM_IDLE_CLOSE_MS', {
      doc: 'A room with no players for this long closes.',
      default: '60000',
      min: 0,
      max: 86_400_000,
    }),
    maxRestores: int('ROOM_MAX_RESTORES', {
      doc: 'Times a room whose game threw is restored from its checkpoint before it ends with reason game_error.',
      default: '3',
      min: 0,
      max: 100,
    }),
    maxRooms: int('ROOM_MAX_ROOMS', {
      doc: 'Rooms one room server runs at most.',
      default: '2000',
      min: 1,
      max: 1_000_000,
    }),
    maxQueuedInputs: int('ROOM_MAX_QUEUED_INPUTS', {
      doc: 'Inputs queued per player between ticks.',
      default: '16',
      min: 1,
      max: 1024,
    }),
    linkMaxBufferedBytes: int('ROOM_LINK_MAX_BUFFERED_BYTES', {
      doc: 'Bytes queued to one gateway above which its link is dropped (it reconnects and resyncs).',
      default: '16777216',
      min: 65536,
      max: 1_073_741_824,
    }),
    opsPort: opsPort('ROOM_SERVER_OPS_PORT', '9200'),
  },
  matchmaker: {
    id: str('MATCHMAKER_ID', {
      doc: 'Unique id of this matchmaker (default: mm-<host>-<pid>).',
      default: '',
      allowEmpty: true,
      maxLength: 64,
    }),
    games: str('MATCHMAKER_GAMES', {
      doc: 'Games the modes may name, as in ROOM_GAMES (built-in names, module paths or package names); checked at start against MATCHMAKER_MODES. Empty: the built-in games.',
      default: '',
      allowEmpty: true,
      maxLength: 4000,
    }),
    modes: custom(
      'MATCHMAKER_MODES',
      {
        doc: 'JSON of game modes ({"duel": {"game":"arena","teams":2,"teamSize":1,"window":{...},...}}; "game" names the game its rooms run; none: the first game of any room server); empty: duel, duo and ffa.',
        default: '',
      },
      parseModes,
    ),
    regions: idList('MATCHMAKER_REGIONS', {
      doc: 'Regions; each mode has one queue per region ("duel.eu").',
      default: 'eu,us',
    }),
    opsPort: opsPort('MATCHMAKER_OPS_PORT', '9300'),
    claimTimeoutMs: int('MATCHMAKER_CLAIM_TIMEOUT_MS', {
      doc: 'Claimed tickets not allocated within this go back to their queue (a matchmaker died).',
      default: '5000',
      min: 100,
      max: 600_000,
    }),
    idleDelayMs: int('MATCHMAKER_IDLE_DELAY_MS', {
      doc: 'Pause between passes over a queue that formed no match.',
      default: '100',
      min: 1,
      max: 60_000,
    }),
  },
  matchLog: {
    partitions: int('MATCH_EVENTS_PARTITIONS', {
      doc: 'Partitions of the match-events topic (how many indexers can share the work).',
      default: '6',
      min: 1,
      max: 1024,
    }),
    spillDir: str('MATCH_LOG_SPILL_DIR', {
      doc: 'Write-ahead match events until Kafka acks them (default: <tmp>/arena-match-log-<id or host-port>).',
      default: '',
      allowEmpty: true,
    }),
    memoryEvents: int('MATCH_LOG_MEMORY_EVENTS', {
      doc: 'Match events held in memory during a Kafka outage before spilling to disk.',
      default: '100000',
      min: 100,
      max: 10_000_000,
    }),
    maxPendingEvents: int('MATCH_LOG_MAX_PENDING_EVENTS', {
      doc: 'Match events waiting for Kafka (memory and disk) before new ones are dropped and counted.',
      default: '5000000',
      min: 1000,
      max: 1_000_000_000,
    }),
    indexerGroup: str('LOG_INDEXER_GROUP', {
      doc: 'Kafka consumer group of the log indexers.',
      default: 'arena-log-indexer',
      maxLength: 100,
    }),
    retentionDays: int('LOG_RETENTION_DAYS', {
      doc: 'Daily match-event indices older than this are deleted.',
      default: '30',
      min: 1,
      max: 3650,
    }),
    indexerId: str('LOG_INDEXER_ID', {
      doc: 'Unique id of this log indexer (default: ix-<host>-<pid>).',
      default: '',
      allowEmpty: true,
      maxLength: 64,
    }),
    indexerOpsPort: opsPort('LOG_INDEXER_OPS_PORT', '9400'),
  },
  serviceLogs: {
    enabled: bool('SERVICE_LOGS_ENABLED', {
      doc: 'Also send every service log line to Kafka (arena.service-logs) for Elasticsearch (arena-logs-*); stdout keeps them either way.',
      default: 'true',
    }),
    bufferLines: int('SERVICE_LOGS_BUFFER_LINES', {
      doc: 'Log lines held in memory while Kafka is away; past this, new lines are dropped (counted) and the service goes on.',
      default: '10000',
      min: 10,
      max: 1_000_000,
    }),
    partitions: int('SERVICE_LOGS_PARTITIONS', {
      doc: 'Partitions of the service-logs topic (created by the first service that logs).',
      default: '3',
      min: 1,
      max: 1024,
    }),
    retentionDays: int('SERVICE_LOGS_RETENTION_DAYS', {
      doc: 'Daily service-log indices (arena-logs-*) older than this are deleted by the log indexer.',
      default: '7',
      min: 1,
      max: 3650,
    }),
  },
  registry: {
    heartbeatMs: int('REGISTRY_HEARTBEAT_MS', {
      doc: 'Room-server heartbeat period.',
      default: '1000',
      min: 50,
      max: 60_000,
    }),
    ttlMs: int('REGISTRY_TTL_MS', {
      doc: 'A room server missing heartbeats this long is dead.',
      default: '3000',
      min: 100,
      max: 300_000,
    }),
  },
  kafka: {
    brokers: hostPorts('KAFKA_BROKERS', {
      doc: 'Kafka bootstrap brokers, comma-separated host:port.',
      default: '127.0.0.1:9092',
    }),
    clientId: str('KAFKA_CLIENT_ID', { doc: 'Kafka client id prefix.', default: 'arena', maxLength: 100 }),
  },
  elasticsearch: {
    url: url('ELASTICSEARCH_URL', {
      doc: 'Elasticsearch HTTP endpoint.',
      default: 'http://127.0.0.1:9200',
      protocols: ['http:', 'https:'],
    }),
  },
  ops: {
    host: str('OPS_HOST', {
      doc: 'Address every service binds its ops listener (/metrics, /healthz, /readyz) to; 0.0.0.0 in containers.',
      default: '127.0.0.1',
    }),
  },
  log: {
    level: oneOf('LOG_LEVEL', {
      doc: 'Log level.',
      default: 'info',
      choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    }),
  },
  localStack: {
    cacheDir: str('ARENA_CACHE_DIR', {
      doc: 'Where the local stack caches Kafka and Elasticsearch (default: ~/.cache/arena, /var/cache/arena for root).',
      default: '',
      allowEmpty: true,
    }),
    esUser: str('ARENA_ES_USER', {
      doc: 'Unprivileged user that runs Elasticsearch when the stack is started as root (created if missing).',
      default: 'arena-es',
      maxLength: 32,
    }),
    keepLogs: bool('ARENA_KEEP_LOGS', {
      doc: 'Keep the local stack run directory (service logs, data) after it stops.',
      default: 'false',
    }),
  },
};
