/**
 * Writes match-operations.ndjson: Kibana saved objects (three data views: match events, dead
 * letters, service logs; seven aggregation visualizations; the "Error logs" saved search; the
 * "Match operations" and "Service logs" dashboards). `tsx infra/kibana/generate-dashboard.ts`
 * after changing a panel; the ndjson is what ships and what `npm run kibana:import` loads.
 */
import { writeFileSync } from 'node:fs';
import { DEAD_LETTERS_INDEX, MATCH_EVENTS_INDEX_PREFIX } from '../../shared/events/es-mapping.js';
import { SERVICE_LOGS_INDEX_PREFIX } from '../../shared/log/service-log-index.js';

const EVENTS_VIEW = 'arena-match-events';
const DLQ_VIEW = 'arena-dead-letters';
const LOGS_VIEW = 'arena-logs';
/** Error and worse: what the saved search and the error panel show. */
const ERRORS = 'level : "error" or level : "fatal"';
const META = { coreMigrationVersion: '8.8.0' };

interface Agg {
  id: string;
  type: string;
  schema: string;
  params: Record<string, unknown>;
}

function visualization(
  id: string,
  title: string,
  type: string,
  view: string,
  query: string,
  aggs: Agg[],
  params: Record<string, unknown> = { addLegend: true, addTooltip: true },
) {
  return {
    type: 'visualization',
    id,
    attributes: {
      title,
      description: '',
      uiStateJSON: '{}',
      visState: JSON.stringify({ title, type, params, aggs }),
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({
          query: { query, language: 'kuery' },
          filter: [],
          indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index',
        }),
      },
    },
    references: [{ name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern', id: view }],
    ...META,
  };
}

const perMinute: Agg = {
  id: '2',
  type: 'date_histogram',
  schema: 'segment',
  params: { field: 'ts', fixed_interval: '1m', min_doc_count: 0 },
};
const count: Agg = { id: '1', type: 'count', schema: 'metric', params: {} };

const visualizations = [
  visualization(
    'arena-matches-per-minute',
    'Matches per minute',
    'histogram',
    EVENTS_VIEW,
    'type : "match_started"',
    [count, perMinute],
  ),
  visualization(
    'arena-match-duration',
    'Match duration (p50, p95, ms)',
    'line',
    EVENTS_VIEW,
    'type : "match_ended"',
    [
      { id: '1', type: 'percentiles', schema: 'metric', params: { field: 'durationMs', percents: [50, 95] } },
      { ...perMinute, params: { ...perMinute.params, fixed_interval: '5m' } },
    ],
  ),
  visualization(
    'arena-players-by-region',
    'Players online per region (joined in the last 5 min)',
    'line',
    EVENTS_VIEW,
    'type : "player_joined"',
    [
      { id: '1', type: 'cardinality', schema: 'metric', params: { field: 'playerId' } },
      { ...perMinute, params: { ...perMinute.params, fixed_interval: '5m' } },
      {
        id: '3',
        type: 'terms',
        schema: 'group',
        params: { field: 'region', size: 20, order: 'desc', orderBy: '1' },
      },
    ],
  ),
  visualization(
    'arena-match-endings',
    'Match endings by reason (errors, no-shows, idle)',
    'pie',
    EVENTS_VIEW,
    'type : "match_ended"',
    [
      count,
      {
        id: '2',
        type: 'terms',
        schema: 'segment',
        params: { field: 'reason', size: 10, order: 'desc', orderBy: '1' },
      },
    ],
  ),
  visualization(
    'arena-game-events',
    'Game events by game and name',
    'table',
    EVENTS_VIEW,
    'type : "game_event"',
    [
      count,
      {
        id: '2',
        type: 'terms',
        schema: 'bucket',
        params: { field: 'game', size: 20, order: 'desc', orderBy: '1' },
      },
      {
        id: '3',
        type: 'terms',
        schema: 'bucket',
        params: { field: 'name', size: 50, order: 'desc', orderBy: '1' },
      },
    ],
    { perPage: 20, showPartialRows: false, showMetricsAtAllLevels: false, showTotal: true },
  ),
  visualization(
    'arena-dead-letters',
    'Dead-lettered events per minute, by reason',
    'histogram',
    DLQ_VIEW,
    '',
    [
      count,
      perMinute,
      {
        id: '3',
        type: 'terms',
        schema: 'group',
        params: { field: 'reason', size: 10, order: 'desc', orderBy: '1' },
      },
    ],
  ),
];

/** Error logs of every service: the panel below counts them, this lists them. */
const errorLogsSearch = {
  type: 'search',
  id: 'arena-error-logs',
  attributes: {
    title: 'Error logs',
    description: 'Error and fatal lines of every Arena service (arena-logs-*), newest first.',
    columns: ['service', 'instance', 'msg', 'err.message', 'playerId', 'roomId', 'matchId'],
    sort: [['time', 'desc']],
    kibanaSavedObjectMeta: {
      searchSourceJSON: JSON.stringify({
        query: { query: ERRORS, language: 'kuery' },
        filter: [],
        indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index',
      }),
    },
  },
  references: [
    { name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern', id: LOGS_VIEW },
  ],
  ...META,
};

const errorLogsByService = visualization(
  'arena-error-logs-by-service',
  'Error logs per minute, by service',
  'histogram',
  LOGS_VIEW,
  ERRORS,
  [
    count,
    { ...perMinute, params: { ...perMinute.params, field: 'time' } },
    {
      id: '3',
      type: 'terms',
      schema: 'group',
      params: { field: 'service', size: 10, order: 'desc', orderBy: '1' },
    },
  ],
);

const dataViews = [
  { id: EVENTS_VIEW, title: `${MATCH_EVENTS_INDEX_PREFIX}*`, timeFieldName: 'ts' },
  { id: DLQ_VIEW, title: DEAD_LETTERS_INDEX, timeFieldName: 'ts' },
  { id: LOGS_VIEW, title: `${SERVICE_LOGS_INDEX_PREFIX}*`, timeFieldName: 'time' },
].map(({ id, title, timeFieldName }) => ({
  type: 'index-pattern',
  id,
  attributes: { title, timeFieldName },
  references: [],
  ...META,
}));

interface Panel {
  id: string;
  type: 'visualization' | 'search';
  /** Full width (48 columns) instead of half. */
  wide?: boolean;
}

function dashboard(id: string, title: string, description: string, panels: Panel[]) {
  let y = 0;
  let x = 0;
  const grid = panels.map((p) => {
    const w = p.wide ? 48 : 24;
    if (x + w > 48) {
      x = 0;
      y += 15;
    }
    const at = { x, y, w, h: 15 };
    x += w;
    return at;
  });
  return {
    type: 'dashboard',
    id,
    attributes: {
      title,
      description,
      timeRestore: true,
      timeFrom: 'now-1h',
      timeTo: 'now',
      refreshInterval: { pause: false, value: 30_000 },
      panelsJSON: JSON.stringify(
        panels.map((p, i) => ({
          type: p.type,
          panelIndex: String(i + 1),
          gridData: { ...grid[i], i: String(i + 1) },
          panelRefName: `panel_${i}`,
          embeddableConfig: {},
        })),
      ),
      optionsJSON: JSON.stringify({ useMargins: true, hidePanelTitles: false }),
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }),
      },
    },
    references: panels.map((p, i) => ({ name: `panel_${i}`, type: p.type, id: p.id })),
    ...META,
  };
}

const matchOperations = dashboard(
  'arena-match-operations',
  'Match operations',
  'Matches, durations, players per region, abnormal endings, game events and dead letters.',
  visualizations.map((v) => ({ id: v.id, type: 'visualization' })),
);

const serviceLogs = dashboard(
  'arena-service-logs',
  'Service logs',
  'Error logs of every service: how many per minute by service, and the lines themselves.',
  [
    { id: errorLogsByService.id, type: 'visualization', wide: true },
    { id: errorLogsSearch.id, type: 'search', wide: true },
  ],
);

const lines = [
  ...dataViews,
  ...visualizations,
  errorLogsByService,
  errorLogsSearch,
  matchOperations,
  serviceLogs,
].map((o) => JSON.stringify(o));
writeFileSync(new URL('./match-operations.ndjson', import.meta.url), `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} saved objects`);
