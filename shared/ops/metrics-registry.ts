import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';

/**
 * A service's Prometheus registry with Node's standard process metrics: CPU
 * (process_cpu_seconds_total), memory (process_resident_memory_bytes, nodejs_heap_*), event
 * loop lag (nodejs_eventloop_lag_*), open handles. The names are the same in every service,
 * so one alert rule covers them all; Prometheus's `job` label tells the services apart.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  return registry;
}

/**
 * A counter whose value is read from a plain number at scrape time. Hot paths (every frame)
 * keep incrementing their own fields; only a scrape pays for the Prometheus bookkeeping.
 */
export function counterReading(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(Math.max(0, read()));
    },
  });
}

/** A gauge read at scrape time (connections, rooms, buffer sizes). */
export function gaugeReading(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
