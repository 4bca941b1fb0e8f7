import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { arenaDashboard, DATASOURCE } from '../../../infra/grafana/arena-dashboard.js';
import { dashboardExpressions, metricNames } from '../../helpers/promql.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('Grafana "Arena overview" dashboard', () => {
  it('is what arena-dashboard.ts generates (run `npm run grafana:generate` after changing it)', () => {
    expect(JSON.parse(read('infra/grafana/dashboards/arena-overview.json'))).toEqual(arenaDashboard());
  });

  it('queries the data source that docker-compose provisions, from every panel', () => {
    const provisioned = parse(read('infra/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string }[];
    };
    expect(provisioned.datasources).toContainEqual(expect.objectContaining(DATASOURCE));
    const panels = (
      arenaDashboard().panels as { type: string; targets?: { datasource: unknown }[] }[]
    ).filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(15);
    for (const p of panels) {
      expect(p.targets!.length).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.datasource).toEqual(DATASOURCE);
    }
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
