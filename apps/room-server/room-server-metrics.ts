import {
  counterReading,
  createMetricsRegistry,
  gaugeReading,
  Histogram,
  type Registry,
} from '../../shared/ops/metrics-registry.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import type { MatchEventProducer } from './match-log/match-event-producer.js';
import type { RoomServer } from './room-server.js';

/**
 * What a room server exposes on /metrics: rooms and players, tick duration and overruns,
 * gateway-link traffic, checkpoints, heartbeat freshness, and the match-log producer's
 * backlog (events waiting for Kafka and how long the oldest has waited).
 */
export class RoomServerMetrics {
  readonly registry: Registry = createMetricsRegistry();
  private readonly tickDuration = new Histogram({
    name: 'arena_room_server_tick_duration_seconds',
    help: 'Time one tick of every room on this server took',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });

  /** For RoomServerOptions.onTick. */
  readonly observeTick = (seconds: number): void => this.tickDuration.observe(seconds);

  watch(server: RoomServer, matchLog: MatchEventProducer, redisFailures: RedisFailures): this {
    const r = this.registry;
    redisFailures.register(r);
    gaugeReading(r, 'arena_room_server_rooms', 'Rooms running on this server', () => server.roomCount);
    gaugeReading(
      r,
      'arena_room_server_players',
      'Human players seated in this server’s rooms',
      () => server.playerCount,
    );
    counterReading(r, 'arena_room_server_ticks_total', 'Ticks run', () => server.tickStats.ticks);
    counterReading(
      r,
      'arena_room_server_tick_overruns_total',
      'Ticks skipped because a tick ran later than one period',
      () => server.tickStats.overruns,
    );
    gaugeReading(
      r,
      'arena_room_server_gateway_links',
      'Gateways linked to this server',
      () => server.linkStats.links,
    );
    counterReading(
      r,
      'arena_room_server_messages_in_total',
      'Frames received from gateways',
      () => server.linkStats.messagesIn,
    );
    counterReading(
      r,
      'arena_room_server_bytes_in_total',
      'Bytes received from gateways',
      () => server.linkStats.bytesIn,
    );
    counterReading(
      r,
      'arena_room_server_messages_out_total',
      'Frames sent to gateways',
      () => server.linkStats.messagesOut,
    );
    counterReading(
      r,
      'arena_room_server_bytes_out_total',
      'Bytes sent to gateways',
      () => server.linkStats.bytesOut,
    );
    counterReading(
      r,
      'arena_room_server_slow_links_dropped_total',
      'Gateway links dropped for not reading',
      () => server.linkStats.droppedSlowLinks,
    );
    counterReading(
      r,
      'arena_room_server_links_refused_total',
      'Link connections closed because the peer did not prove LINK_SECRET (no, bad or late hello)',
      () => server.linkStats.refusedLinks,
    );
    counterReading(
      r,
      'arena_room_server_checkpoints_total',
      'Room checkpoints written',
      () => server.counters.checkpoints,
    );
    counterReading(
      r,
      'arena_room_server_checkpoint_failures_total',
      'Room checkpoints that failed',
      () => server.counters.checkpointFailures,
    );
    counterReading(
      r,
      'arena_room_server_ownership_reasserted_total',
      'Rooms whose owner record Redis had lost (restart, failover), recorded again by this server and kept running',
      () => server.counters.ownershipReasserted,
    );
    counterReading(
      r,
      'arena_room_server_rooms_moved_total',
      'Rooms given up because another server owns them now (a refused checkpoint); their players follow',
      () => server.counters.roomsMoved,
    );
    counterReading(
      r,
      'arena_room_server_room_errors_total',
      'Game hooks that threw (the room restored from its checkpoint, or ended after ROOM_MAX_RESTORES)',
      () => server.counters.roomErrors,
    );
    counterReading(
      r,
      'arena_room_server_refused_full_total',
      'Joins refused at ROOM_MAX_ROOMS (the gateway places the room on the next choice)',
      () => server.counters.refusedFull,
    );
    counterReading(
      r,
      'arena_room_server_matches_ended_total',
      'Matches that ended with a result',
      () => server.counters.matchesEnded,
    );
    gaugeReading(
      r,
      'arena_room_server_heartbeat_timestamp_seconds',
      'When Redis last accepted this server’s registry heartbeat (Unix seconds)',
      () => server.counters.lastHeartbeatMs / 1000,
    );
    gaugeReading(
      r,
      'arena_match_log_pending_events',
      'Match events waiting for Kafka (memory and disk)',
      () => matchLog.pending,
    );
    gaugeReading(
      r,
      'arena_match_log_oldest_pending_seconds',
      'Age of the oldest match event not yet acknowledged by Kafka (produce lag)',
      () => matchLog.oldestPendingAgeMs() / 1000,
    );
    counterReading(
      r,
      'arena_match_log_sent_events_total',
      'Match events acknowledged by Kafka',
      () => matchLog.sent,
    );
    counterReading(
      r,
      'arena_match_log_spilled_events_total',
      'Match events that waited on disk only (memory full) during a Kafka outage',
      () => matchLog.spilled,
    );
    counterReading(
      r,
      'arena_match_log_dropped_events_total',
      'Match events lost: buffer full (MATCH_LOG_MAX_PENDING_EVENTS), spill disk failed or corrupt segment line',
      () => matchLog.dropped,
    );
    return this;
  }
}
