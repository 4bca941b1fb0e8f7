/**
 * Writes match-operations.ndjson: Kibana saved objects (two data views, five aggregation
 * visualizations, the "Match operations" dashboard). `tsx infra/kibana/generate-dashboard.ts`
 * after changing a panel; the ndjson is what ships and what `npm run kibana:import` loads.
 */
import { writeFileSync } from 'node:fs';
import { DEAD_LETTERS_INDEX, MATCH_EVENTS_INDEX_PREFIX } from '../../shared/events/es-mapping.js';

const EVENTS_VIEW = 'arena-match-events';
const DLQ_VIEW = 'arena-dead-letters';
const META = { coreMigrationVersion: '8.8.0' };

interface Agg {
  id: string;
  type: string;
  schema: string;
  params: Record<string, unknown>;
}

function visualization(id: string, title: string, type: string, view: string, query: string, aggs: Agg[]) {
  return {
    type: 'visualization',
    id,
    attributes: {
      title,
      description: '',
      uiStateJSON: '{}',
      visState: JSON.stringify({ title, type, params: { addLegend: true, addTooltip: true }, aggs }),
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

const dataViews = [
  { id: EVENTS_VIEW, title: `${MATCH_EVENTS_INDEX_PREFIX}*` },
  { id: DLQ_VIEW, title: DEAD_LETTERS_INDEX },
].map(({ id, title }) => ({
  type: 'index-pattern',
  id,
  attributes: { title, timeFieldName: 'ts' },
  references: [],
  ...META,
}));

const dashboard = {
  type: 'dashboard',
  id: 'arena-match-operations',
  attributes: {
    title: 'Match operations',
    description: 'Matches, durations, players per region, abnormal endings and dead letters.',
    timeRestore: true,
    timeFrom: 'now-1h',
    timeTo: 'now',
    refreshInterval: { pause: false, value: 30_000 },
    panelsJSON: JSON.stringify(
      visualizations.map((_, i) => ({
        panelIndex: String(i + 1),
        gridData: { x: (i % 2) * 24, y: Math.floor(i / 2) * 15, w: 24, h: 15, i: String(i + 1) },
        panelRefName: `panel_${i}`,
        embeddableConfig: {},
      })),
    ),
    optionsJSON: JSON.stringify({ useMargins: true, hidePanelTitles: false }),
    kibanaSavedObjectMeta: {
      searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }),
    },
  },
  references: visualizations.map((v, i) => ({ name: `panel_${i}`, type: 'visualization', id: v.id })),
  ...META,
};

const lines = [...dataViews, ...visualizations, dashboard].map((o) => JSON.stringify(o));
writeFileSync(new URL('./match-operations.ndjson', import.meta.url), `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} saved objects`);
