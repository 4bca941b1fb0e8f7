import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { arenaDashboard, DATASOURCE, ROWS } from '../../../infra/grafana/arena-dashboard.js';
import { dashboardExpressions, metricNames } from '../../helpers/promql.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('Grafana "Arena overview" dashboard', () => {
  it('is what arena-dashboard.ts generates (run `npm run grafana:generate` after changing it)', () => {
    // Through JSON, as the generator writes it (the SDK's objects carry marker methods).
    expect(JSON.parse(read('infra/grafana/dashboards/arena-overview.json'))).toEqual(
      JSON.parse(JSON.stringify(arenaDashboard())),
    );
  });

  it('queries the data source that docker-compose provisions, from every panel', () => {
    const provisioned = parse(read('infra/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string }[];
    };
    expect(provisioned.datasources).toContainEqual(expect.objectContaining(DATASOURCE));
    const panels = (
      arenaDashboard().panels as unknown as { type: string; targets?: { datasource: unknown }[] }[]
    ).filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(15);
    for (const p of panels) {
      expect(p.targets!.length).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.datasource).toEqual(DATASOURCE);
    }
  });
});

describe('the dashboard’s layout (built by the Grafana foundation SDK)', () => {
  const panels = arenaDashboard().panels as unknown as {
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
  }[];

  it('gives every panel a unique id and a place on the 24-column grid, no two overlapping', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const taken = new Map<string, string>();
    for (const p of panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          expect(taken.get(`${i},${j}`), `${p.title} overlaps`).toBeUndefined();
          taken.set(`${i},${j}`, p.title);
        }
    }
  });

  it('puts each row above its own panels', () => {
    const rows = panels.filter((p) => p.type === 'row');
    expect(rows.map((r) => r.title)).toEqual(ROWS.map((r) => r.title));
    rows.forEach((row, i) => {
      const below = panels.slice(
        panels.indexOf(row) + 1,
        i + 1 < rows.length ? panels.indexOf(rows[i + 1]!) : undefined,
      );
      expect(below.map((p) => p.title)).toEqual(ROWS[i]!.panels.map((p) => p.title));
      for (const p of below) expect(p.gridPos.y).toBeGreaterThan(row.gridPos.y);
    });
  });
});

describe('metricNames (how the metric-name check reads PromQL)', () => {
  it('finds metrics and skips functions, labels, grouping lists, ranges, numbers and variables', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (instance, le) (rate(a_bucket{job=~"x.*", le!="1"}[$__rate_interval]))) > 0.025 and on (instance) b_total offset 5m unless time() - c > 1e3',
      ).sort(),
    ).toEqual(['a_bucket', 'b_total', 'c']);
  });

  it('sees every query of the shipped dashboard', () => {
    const exprs = dashboardExpressions('infra/grafana/dashboards/arena-overview.json');
    expect(exprs.size).toBeGreaterThan(25);
    for (const [where, expr] of exprs) expect(metricNames(expr).length, where).toBeGreaterThan(0);
  });
});
