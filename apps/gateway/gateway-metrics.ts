import {
  counterReading,
  createMetricsRegistry,
  gaugeReading,
  type Registry,
} from '../../shared/ops/metrics-registry.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import type { GatewayCounters } from './gateway-server.js';
import type { PlayerRouter } from './player-router.js';
import type { QueueWatch } from './queue-watch.js';

/** What a gateway exposes on /metrics, read from its counters at scrape time. */
export function gatewayMetrics(
  counters: GatewayCounters,
  router: PlayerRouter,
  watch: QueueWatch,
  redisFailures: RedisFailures,
  matchmaking: { cancelledAway: number },
  guestLogins: { refused: number },
): Registry {
  const r = createMetricsRegistry();
  redisFailures.register(r);
  counterReading(
    r,
    'arena_gateway_tickets_lost_total',
    'Queued players whose ticket vanished from Redis (restart, failover): told to queue again',
    () => watch.ticketsLost,
  );
  counterReading(
    r,
    'arena_gateway_queue_notices_recovered_total',
    'match_found or queued notices a player had missed (lost pub/sub, timed-out request), sent by the ticket check',
    () => watch.noticesRecovered,
  );
  counterReading(
    r,
    'arena_gateway_ticket_checks_total',
    'Checks of the queued players’ tickets against Redis (every GATEWAY_TICKET_CHECK_MS and on reconnect)',
    () => watch.checks,
  );
  gaugeReading(
    r,
    'arena_gateway_queued_players',
    'Players on this gateway told they are queued (their tickets are checked against Redis)',
    () => watch.watching,
  );
  gaugeReading(
    r,
    'arena_gateway_connections',
    'Open client WebSocket connections',
    () => counters.connections,
  );
  gaugeReading(
    r,
    'arena_gateway_players_in_rooms',
    'Connected players in a room or joining one',
    () => router.playersInRooms,
  );
  counterReading(
    r,
    'arena_gateway_oversized_forwards_total',
    'Client inputs not forwarded because their link frame would exceed twice the client frame (client closed)',
    () => router.oversizedForwards,
  );
  counterReading(r, 'arena_gateway_messages_in_total', 'Client frames received', () => counters.framesIn);
  counterReading(r, 'arena_gateway_bytes_in_total', 'Client frame bytes received', () => counters.bytesIn);
  counterReading(r, 'arena_gateway_messages_out_total', 'Frames sent to clients', () => counters.framesOut);
  counterReading(r, 'arena_gateway_bytes_out_total', 'Frame bytes sent to clients', () => counters.bytesOut);
  counterReading(
    r,
    'arena_gateway_bad_frames_total',
    'Client frames refused: malformed, unknown or oversized',
    () => counters.badFrames,
  );
  counterReading(
    r,
    'arena_gateway_rate_limited_total',
    'Client frames dropped by the rate limit',
    () => counters.rateLimited,
  );
  counterReading(
    r,
    'arena_gateway_full_refusals_total',
    'WebSocket upgrades refused with 503 at the connection cap (GATEWAY_MAX_CONNECTIONS or the fd limit)',
    () => counters.fullRefusals,
  );
  counterReading(
    r,
    'arena_gateway_rejected_upgrades_total',
    'WebSocket upgrades refused (bad token, protocol version, gateway full, Connection: close)',
    () => counters.rejectedUpgrades,
  );
  counterReading(
    r,
    'arena_gateway_closed_before_welcome_total',
    'Upgraded connections that ended before their welcome, not closed by the gateway (each one logged)',
    () => counters.closedBeforeWelcome,
  );
  counterReading(
    r,
    'arena_gateway_flood_closes_total',
    'Clients disconnected for flooding (4003): far past the rate limit, or too many frames before their welcome',
    () => counters.floodCloses,
  );
  counterReading(
    r,
    'arena_gateway_abrupt_closes_total',
    'Welcomed connections that ended without a close frame (1006: client gone, idle timeout, backpressure limit), each one logged',
    () => counters.abruptCloses,
  );
  counterReading(
    r,
    'arena_gateway_tickets_cancelled_away_total',
    'Tickets cancelled because a queued player stayed disconnected past GATEWAY_QUEUE_AWAY_GRACE_MS',
    () => matchmaking.cancelledAway,
  );
  counterReading(
    r,
    'arena_gateway_guest_logins_refused_total',
    'Guest logins refused by the per-address rate limit (429)',
    () => guestLogins.refused,
  );
  counterReading(
    r,
    'arena_gateway_revoked_sessions_total',
    'Connects refused because the session or the player was revoked',
    () => counters.revokedSessions,
  );
  counterReading(
    r,
    'arena_gateway_skipped_state_frames_total',
    'State updates skipped for slow clients (they get a snapshot once drained)',
    () => router.skippedStateFrames,
  );
  counterReading(
    r,
    'arena_gateway_late_inputs_total',
    'Inputs dropped quietly: sent before the client heard its room ended, or while the room moved',
    () => router.lateInputs,
  );
  counterReading(
    r,
    'arena_gateway_refused_placements_total',
    'Joins a room server refused because it could not host the room (full); placed on the next choice',
    () => router.refusedPlacements,
  );
  counterReading(
    r,
    'arena_gateway_dropped_link_frames_total',
    'Frames for room servers dropped on a full link',
    () => router.droppedLinkFrames,
  );
  return r;
}
