import { counterReading, gaugeReading, type Registry } from '../ops/metrics-registry.js';
import type { ServiceLogShipper } from './service-log-shipper.js';

/**
 * The shipper's counters on a service's /metrics. With shipping off they read 0, so every
 * service exports the same names (the alert rule and the metric-name test rely on that).
 */
export function watchServiceLogs(registry: Registry, shipper: ServiceLogShipper | undefined): Registry {
  counterReading(
    registry,
    'arena_service_log_lines_sent_total',
    'Log lines Kafka acknowledged (on their way to Elasticsearch)',
    () => shipper?.sent ?? 0,
  );
  counterReading(
    registry,
    'arena_service_log_lines_dropped_total',
    'Log lines not sent to Kafka: its buffer was full (Kafka away), a line too long, or left at shutdown',
    () => shipper?.dropped ?? 0,
  );
  gaugeReading(
    registry,
    'arena_service_log_pending_lines',
    'Log lines waiting in memory for Kafka',
    () => shipper?.pending ?? 0,
  );
  return registry;
}
