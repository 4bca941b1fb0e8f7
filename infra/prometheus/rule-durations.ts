/**
 * The shipped alert rules with other `for:` durations, and nothing else changed:
 *
 *   npx tsx infra/prometheus/rule-durations.ts --for 15s infra/prometheus/alerts.yml > alerts-fast.yml
 *
 * For a staging or smoke-test environment that should alert in seconds rather than minutes,
 * and for test/integration/alerts-live.test.ts, which runs Prometheus on the shipped rules
 * this way: expressions, labels and annotations stay exactly those of alerts.yml (a rule that
 * fires at once, with no `for:`, keeps none).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

interface Rule {
  alert?: string;
  record?: string;
  for?: string;
  [key: string]: unknown;
}
interface RuleFile {
  groups: { name: string; rules: Rule[]; [key: string]: unknown }[];
}

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** The rule file (YAML text) with every alert's `for:` set to `duration`. */
export function withForDuration(rulesYaml: string, duration: string): string {
  if (!DURATION.test(duration)) throw new Error(`not a Prometheus duration: ${duration}`);
  const doc = parse(rulesYaml) as RuleFile;
  for (const group of doc.groups) {
    for (const rule of group.rules) if (rule.alert && rule.for !== undefined) rule.for = duration;
  }
  return stringify(doc, { lineWidth: 0 });
}

/** The rules with every `for:` left out: two files that differ only in durations are equal here. */
export function withoutForDurations(rulesYaml: string): unknown {
  const doc = parse(rulesYaml) as RuleFile;
  for (const group of doc.groups) for (const rule of group.rules) delete rule.for;
  return doc;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [flag, duration, file] = process.argv.slice(2);
  if (flag !== '--for' || !duration || !file) {
    console.error('usage: rule-durations.ts --for <duration> <alerts.yml>');
    process.exit(2);
  }
  process.stdout.write(withForDuration(readFileSync(file, 'utf8'), duration));
}
