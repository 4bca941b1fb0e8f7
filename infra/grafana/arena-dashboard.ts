/**
 * The "Arena overview" Grafana dashboard, built with Grafana's official foundation SDK
 * (@grafana/grafana-foundation-sdk: typed builders generated from Grafana's own schemas):
 * rows of time-series panels over the metrics the services export. `npm run grafana:generate`
 * writes it to dashboards/arena-overview.json, which is what ships (provisioned by
 * docker-compose, or imported by hand); a unit test fails when the two drift apart.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  RowBuilder,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/** The Prometheus data source, as provisioned in provisioning/datasources/prometheus.yml. */
export const DATASOURCE = { type: 'prometheus', uid: 'arena-prometheus' } as const;

interface PanelSpec {
  title: string;
  /** PromQL; `legend` names each series (Grafana's {{label}} syntax). */
  targets: { expr: string; legend: string }[];
  unit: string;
  description: string;
}

interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

const rate = (metric: string) => `rate(${metric}[$__rate_interval])`;

export const ROWS: RowSpec[] = [
  {
    title: 'Players',
    panels: [
      {
        title: 'Connected players',
        description: 'Open WebSocket connections per gateway.',
        unit: 'short',
        targets: [
          { expr: 'sum by (instance) (arena_gateway_connections)', legend: '{{instance}}' },
          { expr: 'sum(arena_gateway_connections)', legend: 'all gateways' },
        ],
      },
      {
        title: 'Rooms and seated players',
        description: 'Rooms running and human players seated, per room server.',
        unit: 'short',
        targets: [
          { expr: 'sum by (instance) (arena_room_server_rooms)', legend: 'rooms {{instance}}' },
          { expr: 'sum by (instance) (arena_room_server_players)', legend: 'players {{instance}}' },
        ],
      },
    ],
  },
  {
    title: 'Traffic',
    panels: [
      {
        title: 'Client messages per second',
        description: 'Frames from clients (in) and to clients (out), per gateway.',
        unit: 'ops',
        targets: [
          {
            expr: `sum by (instance) (${rate('arena_gateway_messages_in_total')})`,
            legend: 'in {{instance}}',
          },
          {
            expr: `sum by (instance) (${rate('arena_gateway_messages_out_total')})`,
            legend: 'out {{instance}}',
          },
        ],
      },
      {
        title: 'Client bytes per second',
        description: 'WebSocket payload bytes each way, per gateway.',
        unit: 'Bps',
        targets: [
          { expr: `sum by (instance) (${rate('arena_gateway_bytes_in_total')})`, legend: 'in {{instance}}' },
          {
            expr: `sum by (instance) (${rate('arena_gateway_bytes_out_total')})`,
            legend: 'out {{instance}}',
          },
        ],
      },
      {
        title: 'Refused client traffic',
        description:
          'Bad frames, rate-limited frames, refused upgrades and skipped state updates (slow clients).',
        unit: 'ops',
        targets: [
          { expr: `sum(${rate('arena_gateway_bad_frames_total')})`, legend: 'bad frames' },
          { expr: `sum(${rate('arena_gateway_rate_limited_total')})`, legend: 'rate limited' },
          { expr: `sum(${rate('arena_gateway_rejected_upgrades_total')})`, legend: 'refused upgrades' },
          {
            expr: `sum(${rate('arena_gateway_skipped_state_frames_total')})`,
            legend: 'skipped state (slow clients)',
          },
        ],
      },
      {
        title: 'Gateway ⇄ room server links',
        description: 'Frames per second on the room servers’ gateway links.',
        unit: 'ops',
        targets: [
          {
            expr: `sum by (instance) (${rate('arena_room_server_messages_in_total')})`,
            legend: 'in {{instance}}',
          },
          {
            expr: `sum by (instance) (${rate('arena_room_server_messages_out_total')})`,
            legend: 'out {{instance}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Simulation',
    panels: [
      {
        title: 'Tick duration p99',
        description: 'Time to tick every room on a server; 50 ms is the whole budget at 20 Hz.',
        unit: 's',
        targets: [
          {
            expr: `histogram_quantile(0.99, sum by (instance, le) (${rate('arena_room_server_tick_duration_seconds_bucket')}))`,
            legend: '{{instance}}',
          },
        ],
      },
      {
        title: 'Skipped ticks per second',
        description: 'Ticks a room server could not run in time (overruns).',
        unit: 'ops',
        targets: [
          {
            expr: `sum by (instance) (${rate('arena_room_server_tick_overruns_total')})`,
            legend: '{{instance}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Matchmaking',
    panels: [
      {
        title: 'Queue depth',
        description: 'Tickets waiting per queue.',
        unit: 'short',
        targets: [{ expr: 'max by (queue) (arena_matchmaker_queue_depth)', legend: '{{queue}}' }],
      },
      {
        title: 'Time to match',
        description: 'p50 and p99 wait from enqueue to match, per queue (last 10 minutes).',
        unit: 's',
        targets: [
          {
            expr: 'max by (queue) (arena_matchmaker_time_to_match_seconds{quantile="0.5"})',
            legend: 'p50 {{queue}}',
          },
          {
            expr: 'max by (queue) (arena_matchmaker_time_to_match_seconds{quantile="0.99"})',
            legend: 'p99 {{queue}}',
          },
        ],
      },
      {
        title: 'Matches and timeouts per second',
        description: 'Matches formed and tickets that gave up, per queue.',
        unit: 'ops',
        targets: [
          { expr: `sum by (queue) (${rate('arena_matchmaker_matches_total')})`, legend: 'matches {{queue}}' },
          {
            expr: `sum by (queue) (${rate('arena_matchmaker_timeouts_total')})`,
            legend: 'timeouts {{queue}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Match logs',
    panels: [
      {
        title: 'Events waiting for Kafka',
        description:
          'Match events held by room servers (memory and disk) and the age of the oldest (produce lag).',
        unit: 'short',
        targets: [
          { expr: 'sum by (instance) (arena_match_log_pending_events)', legend: 'pending {{instance}}' },
          {
            expr: 'max by (instance) (arena_match_log_oldest_pending_seconds)',
            legend: 'oldest, s {{instance}}',
          },
        ],
      },
      {
        title: 'Indexing',
        description: 'Events indexed per second and the group’s lag (events in Kafka not yet indexed).',
        unit: 'short',
        targets: [
          { expr: `sum(${rate('arena_indexer_indexed_events_total')})`, legend: 'indexed/s' },
          { expr: 'sum(max by (partition) (arena_indexer_consumer_lag_messages))', legend: 'lag (events)' },
          { expr: `sum(${rate('arena_indexer_dead_lettered_events_total')})`, legend: 'dead letters/s' },
        ],
      },
      {
        title: 'Event to searchable p99',
        description: 'From an event on its room server to Elasticsearch acknowledging it.',
        unit: 's',
        targets: [
          {
            expr: `histogram_quantile(0.99, sum by (le) (${rate('arena_indexer_event_delay_seconds_bucket')}))`,
            legend: 'p99',
          },
        ],
      },
    ],
  },
  {
    title: 'Runtime',
    panels: [
      {
        title: 'CPU (cores)',
        description: 'Per process; a Node process uses one core, so 1 is its ceiling.',
        unit: 'percentunit',
        targets: [
          { expr: `${rate('process_cpu_seconds_total{job=~"arena-.*"}')}`, legend: '{{job}} {{instance}}' },
        ],
      },
      {
        title: 'Resident memory',
        description: 'Per process.',
        unit: 'bytes',
        targets: [{ expr: 'process_resident_memory_bytes{job=~"arena-.*"}', legend: '{{job}} {{instance}}' }],
      },
      {
        title: 'Event loop lag p99',
        description: 'How late timers and sockets are served.',
        unit: 's',
        targets: [
          { expr: 'nodejs_eventloop_lag_p99_seconds{job=~"arena-.*"}', legend: '{{job}} {{instance}}' },
        ],
      },
    ],
  },
];

/** Three panels to a row of the 24-column grid. */
const PANEL_WIDTH = 8;
const PANEL_HEIGHT = 8;

function panel(p: PanelSpec, id: number): PanelBuilder {
  const builder = new PanelBuilder()
    .id(id)
    .title(p.title)
    .description(p.description)
    .datasource(DATASOURCE)
    .unit(p.unit)
    .span(PANEL_WIDTH)
    .height(PANEL_HEIGHT)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  p.targets.forEach((t, i) =>
    builder.withTarget(
      new DataqueryBuilder()
        .refId(String.fromCharCode(65 + i))
        .datasource(DATASOURCE)
        .expr(t.expr)
        .legendFormat(t.legend),
    ),
  );
  return builder;
}

/** The dashboard as Grafana imports it (the SDK's schema version). */
export function arenaDashboard(): Dashboard {
  const dashboard = new DashboardBuilder('Arena overview')
    .uid('arena-overview')
    .description('Players, traffic, simulation, matchmaking, match logs and runtime of every Arena service.')
    .tags(['arena'])
    .timezone('browser')
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .variables([])
    .annotations([]);
  // Grafana keeps panel ids unique per dashboard (links and alerts refer to them): number them here.
  let id = 1;
  for (const row of ROWS) {
    dashboard.withRow(new RowBuilder(row.title).id(id++));
    for (const p of row.panels) dashboard.withPanel(panel(p, id++));
  }
  return dashboard.build();
}
