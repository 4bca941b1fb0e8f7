import {
  counterReading,
  createMetricsRegistry,
  gaugeReading,
  type Registry,
} from '../../shared/ops/metrics-registry.js';
import type { GatewayCounters } from './gateway-server.js';
import type { PlayerRouter } from './player-router.js';

/** What a gateway exposes on /metrics, read from its counters at scrape time. */
export function gatewayMetrics(counters: GatewayCounters, router: PlayerRouter): Registry {
  const r = createMetricsRegistry();
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
    'arena_gateway_rejected_upgrades_total',
    'WebSocket upgrades refused (bad token, protocol version, gateway full)',
    () => counters.rejectedUpgrades,
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
    'arena_gateway_dropped_link_frames_total',
    'Frames for room servers dropped on a full link',
    () => router.droppedLinkFrames,
  );
  return r;
}
