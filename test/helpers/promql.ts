import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const REPO = new URL('../../', import.meta.url);

/** Words PromQL reserves; never metric names. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads. Strings, label matchers, range selectors and
 * grouping label lists are removed first; what is left that looks like a name and is not
 * called like a function or reserved is a metric. Grafana's $variables are dropped too.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.$])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || KEYWORDS.has(m[1]!.toLowerCase())) continue;
    names.add(m[1]!);
  }
  return [...names];
}

/** Every alert and recording expression in a Prometheus rules file, by rule name. */
export function ruleExpressions(path: string): Map<string, string> {
  const doc = parse(readFileSync(new URL(path, REPO), 'utf8')) as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  return new Map(
    doc.groups.flatMap((g) => g.rules.map((r) => [r.alert ?? r.record ?? '?', r.expr] as const)),
  );
}

/** Every query of a Grafana dashboard JSON, by "panel title / refId". */
export function dashboardExpressions(path: string): Map<string, string> {
  const doc = JSON.parse(readFileSync(new URL(path, REPO), 'utf8')) as {
    panels: { title: string; targets?: { refId: string; expr: string }[] }[];
  };
  return new Map(
    doc.panels.flatMap((p) => (p.targets ?? []).map((t) => [`${p.title} / ${t.refId}`, t.expr] as const)),
  );
}
