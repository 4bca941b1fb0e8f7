import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dashboardExpressions } from '../helpers/promql.js';

/** promtool from Prometheus (Debian package `prometheus`; .ci/run installs it). */
function promtool(...args: string[]): { ok: boolean; output: string } {
  const r = spawnSync('promtool', args, {
    cwd: new URL('../../infra/prometheus/', import.meta.url),
    encoding: 'utf8',
  });
  if (r.error) throw new Error(`promtool: ${r.error.message} (apt-get install prometheus)`);
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** amtool from Alertmanager (Debian package `prometheus-alertmanager`). */
function amtool(...args: string[]): { ok: boolean; output: string } {
  const r = spawnSync('amtool', args, {
    cwd: new URL('../../infra/alertmanager/', import.meta.url),
    encoding: 'utf8',
  });
  if (r.error) throw new Error(`amtool: ${r.error.message} (apt-get install prometheus-alertmanager)`);
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('Prometheus configuration (checked by the real promtool)', () => {
  it.each(['prometheus.yml', 'prometheus-local.yml'])(
    '%s is a valid config whose rule files load',
    (file) => {
      const r = promtool('check', 'config', file);
      expect(r.output).toMatch(/SUCCESS: 1[0-9] rules found/);
      expect(r.ok, r.output).toBe(true);
    },
  );

  it('fires each alert on the series in alerts.test.yml, and only those', () => {
    const r = promtool('test', 'rules', 'alerts.test.yml');
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toContain('SUCCESS');
  });

  it('parses every query of the Grafana dashboard', () => {
    const exprs = [...dashboardExpressions('infra/grafana/dashboards/arena-overview.json')];
    // As recording rules, promtool parses them; Grafana's $__rate_interval becomes a duration.
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: exprs.map(([, expr], i) => ({
            record: `dashboard:query_${i}`,
            expr: expr.replaceAll('$__rate_interval', '1m'),
          })),
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'arena-promql-'));
    try {
      writeFileSync(join(dir, 'dashboard.rules.yml'), stringify(rules));
      const r = promtool('check', 'rules', join(dir, 'dashboard.rules.yml'));
      expect(r.ok, r.output).toBe(true);
      expect(r.output).toContain(`SUCCESS: ${exprs.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Alertmanager configuration (checked by the real amtool)', () => {
  it('is valid', () => {
    const r = amtool('check-config', 'alertmanager.yml');
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toContain('3 inhibit rules');
  });

  it.each([
    [{ alertname: 'ArenaRoomServerDown', severity: 'page' }, 'arena-pager'],
    [{ alertname: 'ArenaServiceDown', severity: 'page' }, 'arena-pager'],
    [{ alertname: 'ArenaSlowTicks', severity: 'warn' }, 'arena-chat'],
    [{ alertname: 'SomethingElse' }, 'arena-chat'],
  ])('routes %o to %s', (labels, receiver) => {
    const r = amtool(
      'config',
      'routes',
      'test',
      '--config.file=alertmanager.yml',
      ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    );
    expect(r.output.trim().split('\n')[0]).toBe(receiver);
  });

  it('uses only the severities the routes know (page to the pager, warn to chat)', () => {
    const severities = new Set(
      [
        ...readFileSync(new URL('../../infra/prometheus/alerts.yml', import.meta.url), 'utf8').matchAll(
          /severity: (\w+)/g,
        ),
      ].map((m) => m[1]),
    );
    expect([...severities].sort()).toEqual(['page', 'warn']);
  });
});
