/**
 * Alerts end to end: the real Prometheus scrapes real Arena processes with the shipped rules
 * (their `for:` durations shortened by infra/prometheus/rule-durations.ts, nothing else) and
 * sends to the real Alertmanager running the shipped config (timings and webhook URLs changed,
 * nothing else), which notifies a webhook receiver in this test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeStablePort } from '../../infra/local/free-port.js';
import { withForDuration, withoutForDurations } from '../../infra/prometheus/rule-durations.js';
import type { ArenaClient } from '../../shared/client/index.js';
import { alertmanagerTestConfig, masked, prometheusTestConfig } from '../helpers/alerting-test-config.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import {
  startAlertmanager,
  startPrometheus,
  type RunningAlertmanager,
  type RunningPrometheus,
} from '../helpers/prometheus-servers.js';
import { dashboardExpressions } from '../helpers/promql.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const SHIPPED = {
  prometheus: read('infra/prometheus/prometheus.yml'),
  rules: read('infra/prometheus/alerts.yml'),
  alertmanager: read('infra/alertmanager/alertmanager.yml'),
};
/** Scrape, evaluation and Alertmanager grouping interval of this test (shipped: 15 s, 30 s...). */
const INTERVAL = '1s';
/** Every alert's `for:` (shipped: 30 s to 10 min). */
const FOR = '2s';

const duel = {
  teams: 2,
  teamSize: 1,
  window: { initial: 100, perSecond: 100, exponent: 1, max: 400 },
  maxWaitMs: 60_000,
  joinDeadlineMs: 5_000,
  noShow: 'requeue',
};

let cluster: ArenaCluster;
let prometheus: RunningPrometheus;
let alertmanager: RunningAlertmanager;
let receiver: WebhookReceiver;
/** The room server this test kills, on an ops port it gets back when it is replaced. */
let doomedOpsPort: number;
const dir = mkdtempSync(join(tmpdir(), 'arena-alerts-'));
const instance = (opsPort: number) => `127.0.0.1:${opsPort}`;

beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 1,
    roomServers: 1,
    matchmakers: 1,
    env: { MATCHMAKER_MODES: JSON.stringify({ duel }), MATCHMAKER_REGIONS: 'eu' },
  });
  doomedOpsPort = await freeStablePort();
  await cluster.startRoomServer('rs-doomed', { ROOM_SERVER_OPS_PORT: String(doomedOpsPort) });
  await cluster.startIndexer('ix-alerts');
  receiver = await WebhookReceiver.start();
  alertmanager = await startAlertmanager(
    join(dir, 'alertmanager'),
    alertmanagerTestConfig(SHIPPED.alertmanager, { webhookBase: receiver.url(''), interval: INTERVAL }),
  );
  const ops = (apps: { opsPort: number }[]) => apps.map((a) => instance(a.opsPort));
  prometheus = await startPrometheus(join(dir, 'prometheus'), {
    'prometheus.yml': prometheusTestConfig(SHIPPED.prometheus, {
      interval: INTERVAL,
      alertmanager: `127.0.0.1:${alertmanager.port}`,
      targets: {
        'arena-gateway': ops(cluster.gateways),
        'arena-room-server': ops(cluster.roomServers),
        'arena-matchmaker': ops(cluster.matchmakers),
        'arena-log-indexer': ops(cluster.indexers),
      },
    }),
    'alerts.yml': withForDuration(SHIPPED.rules, FOR),
  });
}, 180_000);

afterAll(async () => {
  await prometheus?.process.stop(5_000);
  await alertmanager?.process.stop(5_000);
  await receiver?.stop();
  await cluster?.stop();
  if (!process.env.ARENA_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Sends a move and resolves once the room server has applied it. */
async function applied(client: ArenaClient): Promise<void> {
  const seq = client.sendInput({ mx: 1, my: 0 });
  await waitForClient(client, 'state', () => client.ackedSeq >= seq, `input ${seq} to be applied`);
}

describe('Prometheus and Alertmanager (real, shipped configs) on live Arena services', () => {
  it('run the shipped rules and routing, with only durations, intervals and addresses changed', () => {
    const rules = readFileSync(join(dir, 'prometheus', 'alerts.yml'), 'utf8');
    expect(withoutForDurations(rules)).toEqual(withoutForDurations(SHIPPED.rules));
    expect(rules).toContain(`for: ${FOR}`);
    const prom = parse(readFileSync(join(dir, 'prometheus', 'prometheus.yml'), 'utf8'));
    expect(masked(prom)).toEqual(masked(parse(SHIPPED.prometheus)));
    const am = parse(readFileSync(join(dir, 'alertmanager', 'alertmanager.yml'), 'utf8'));
    expect(masked(am)).toEqual(masked(parse(SHIPPED.alertmanager)));
  });

  it('answers every Grafana panel query with at least one series from the live services', async () => {
    // Traffic for every panel: players in a room sending input (gateway, link, tick and
    // match-log metrics, events indexed), and a match made (matchmaker metrics).
    const players = [await cluster.client([0]), await cluster.client([0])];
    const room = uniqueName('alerts-room');
    await Promise.all(players.map((p) => p.join(room)));
    await Promise.all(players.map(applied));
    const queued = [await cluster.client([0]), await cluster.client([0])];
    const matched = queued.map((c) => waitForClient(c, 'matchFound', (m) => m !== undefined, 'a match'));
    for (const c of queued) c.queue('duel.eu');
    await Promise.all(matched);

    // Grafana's $__rate_interval is at least 4 scrape intervals; 10 s leaves room for late scrapes.
    const queries = [...dashboardExpressions('infra/grafana/dashboards/arena-overview.json')].map(
      ([panel, expr]) => [panel, expr.replaceAll('$__rate_interval', '10s')] as const,
    );
    expect(queries.length).toBeGreaterThan(25);
    const deadline = Date.now() + 45_000;
    let empty: string[] = [];
    do {
      empty = [];
      for (const [panel, expr] of queries) {
        if ((await prometheus.query(expr)).length === 0) empty.push(`${panel}: ${expr}`);
      }
      if (empty.length > 0) await new Promise((r) => setTimeout(r, 1_000));
    } while (empty.length > 0 && Date.now() < deadline);
    expect(empty, 'panel queries with no series').toEqual([]);
  }, 120_000);

  it('inhibits a room server’s slow-tick alert while that room server is down, not another’s', async () => {
    const x = 'inhibit-x:9200';
    const y = 'inhibit-y:9200';
    await alertmanager.post([
      {
        labels: { alertname: 'ArenaRoomServerDown', severity: 'page', job: 'arena-room-server', instance: x },
      },
      { labels: { alertname: 'ArenaSlowTicks', severity: 'warn', instance: x } },
      { labels: { alertname: 'ArenaSlowTicks', severity: 'warn', instance: y } },
    ]);
    const { notification } = await receiver.waitForAlert(
      (a, n) =>
        a.labels.alertname === 'ArenaSlowTicks' && a.labels.instance === y && n.path === '/arena/chat',
      'the slow-tick alert of the room server that is up, to the chat receiver',
      30_000,
    );
    // (The live room servers may have slow ticks of their own on a busy machine: same group.)
    expect(notification.alerts.map((a) => a.labels.instance).filter((i) => i === x || i === y)).toEqual([y]);
    const held = await alertmanager.alerts();
    const slowX = held.find((a) => a.labels.alertname === 'ArenaSlowTicks' && a.labels.instance === x);
    expect(slowX?.status.state).toBe('suppressed');
    expect(slowX?.status.inhibitedBy.length).toBeGreaterThan(0);
    await receiver.waitForAlert(
      (a, n) =>
        a.labels.alertname === 'ArenaRoomServerDown' && a.labels.instance === x && n.path === '/arena/page',
      'the room-server-down alert, to the pager',
      30_000,
    );
    expect(
      receiver
        .alerts()
        .filter(({ alert }) => alert.labels.alertname === 'ArenaSlowTicks' && alert.labels.instance === x),
    ).toEqual([]);
  });

  it('pages ArenaRoomServerDown when a room server is killed, and resolves it once a new one registers', async () => {
    const doomed = cluster.roomServers.find((r) => r.name === 'rs-doomed')!;
    const survivor = cluster.roomServers.find((r) => r.name !== 'rs-doomed')!;
    const isDown = (opsPort: number) => (a: { labels: Record<string, string> }) =>
      a.labels.alertname === 'ArenaRoomServerDown' && a.labels.instance === instance(opsPort);

    doomed.process.signal('SIGKILL');
    await doomed.process.exited;
    const firing = await receiver.waitForAlert(
      (a, n) => isDown(doomedOpsPort)(a) && a.status === 'firing' && n.path === '/arena/page',
      'ArenaRoomServerDown firing for the killed room server',
      45_000,
    );
    expect(firing.alert.labels).toMatchObject({ severity: 'page', job: 'arena-room-server' });
    expect(firing.alert.annotations.summary).toBe(`Room server ${instance(doomedOpsPort)} is down`);

    // A replacement with the same id (a StatefulSet pod, a compose restart) comes back on the
    // same address and registers with the gateways.
    await cluster.startRoomServer('rs-doomed', { ROOM_SERVER_OPS_PORT: String(doomedOpsPort) });
    expect(await cluster.redis.zscore(cluster.keys.roomServers, 'rs-doomed')).not.toBeNull();
    await receiver.waitForAlert(
      (a, n) => isDown(doomedOpsPort)(a) && a.status === 'resolved' && n.path === '/arena/page',
      'ArenaRoomServerDown resolved once the replacement runs',
      45_000,
    );

    // Only that room server was reported, and only by its own rule (not ArenaServiceDown).
    const alerts = receiver.alerts().map(({ alert }) => alert);
    expect(alerts.filter(isDown(survivor.opsPort))).toEqual([]);
    expect(
      alerts.filter((a) => a.labels.alertname === 'ArenaServiceDown' && a.labels.job === 'arena-room-server'),
    ).toEqual([]);
  }, 150_000);
});
