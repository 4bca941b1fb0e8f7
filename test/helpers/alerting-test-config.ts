/**
 * The shipped Prometheus and Alertmanager configs, made runnable on loopback for a test by
 * changing only timings and addresses (scrape and evaluation intervals, targets, the
 * Alertmanager address, webhook URLs, grouping waits). Everything else (rule files, routes,
 * receivers, inhibitions) is what ships; `masked` shows that in the test.
 */
import { parse } from 'yaml';

interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}

interface Route {
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
  [key: string]: unknown;
}

interface AlertmanagerConfig {
  route: Route;
  receivers: { name: string; webhook_configs?: { url: string }[] }[];
  [key: string]: unknown;
}

/** prometheus.yml with every job scraping `targets[job]`, every `interval`, alerts to `alertmanager`. */
export function prometheusTestConfig(
  shippedYaml: string,
  o: { interval: string; targets: Record<string, string[]>; alertmanager: string },
): PrometheusConfig {
  const doc = parse(shippedYaml) as PrometheusConfig;
  doc.global.scrape_interval = o.interval;
  doc.global.scrape_timeout = o.interval;
  doc.global.evaluation_interval = o.interval;
  for (const job of doc.scrape_configs) {
    const targets = o.targets[job.job_name];
    if (!targets) throw new Error(`no test targets for job ${job.job_name}`);
    job.static_configs = [{ targets }];
  }
  for (const am of doc.alerting.alertmanagers) am.static_configs = [{ targets: [o.alertmanager] }];
  return doc;
}

function retime(route: Route, interval: string): void {
  if (route.group_wait) route.group_wait = interval;
  if (route.group_interval) route.group_interval = interval;
  for (const child of route.routes ?? []) retime(child, interval);
}

/** alertmanager.yml with webhooks sent to `webhookBase` (same paths) and groups flushed every `interval`. */
export function alertmanagerTestConfig(
  shippedYaml: string,
  o: { webhookBase: string; interval: string },
): AlertmanagerConfig {
  const doc = parse(shippedYaml) as AlertmanagerConfig;
  retime(doc.route, o.interval);
  for (const receiver of doc.receivers) {
    for (const hook of receiver.webhook_configs ?? [])
      hook.url = `${o.webhookBase}${new URL(hook.url).pathname}`;
  }
  return doc;
}

/** A config with the keys the test versions change blanked out, for comparing with the shipped one. */
export function masked(value: unknown): unknown {
  const CHANGED = new Set([
    'scrape_interval',
    'evaluation_interval',
    'targets',
    'group_wait',
    'group_interval',
    'url',
  ]);
  // Only the test sets it: its scrape interval is below the default timeout (10 s).
  const ADDED = new Set(['scrape_timeout']);
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !ADDED.has(k))
        .map(([k, v]) => [k, CHANGED.has(k) ? '<test>' : masked(v)] as const),
    );
  return value;
}
