import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { withForDuration, withoutForDurations } from '../../../infra/prometheus/rule-durations.js';

const shipped = readFileSync(new URL('../../../infra/prometheus/alerts.yml', import.meta.url), 'utf8');
type Rules = { groups: { rules: { alert?: string; for?: string; expr: string }[] }[] };

describe('rule-durations (the shipped alert rules with other for: durations)', () => {
  it('changes every for: and nothing else', () => {
    const fast = withForDuration(shipped, '3s');
    const rules = (parse(fast) as Rules).groups.flatMap((g) => g.rules);
    const original = (parse(shipped) as Rules).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(original.map((r) => r.alert));
    expect(rules.filter((r) => r.for !== undefined).map((r) => r.for)).toEqual(
      original.filter((r) => r.for !== undefined).map(() => '3s'),
    );
    // Rules that fire at once keep firing at once.
    expect(rules.filter((r) => r.for === undefined).length).toBe(
      original.filter((r) => r.for === undefined).length,
    );
    expect(withoutForDurations(fast)).toEqual(withoutForDurations(shipped));
  });

  it('tells a change of anything but durations apart', () => {
    const other = shipped.replace('up{job="arena-room-server"} == 0', 'up{job="arena-room-server"} == 1');
    expect(other).not.toBe(shipped);
    expect(withoutForDurations(other)).not.toEqual(withoutForDurations(shipped));
  });

  it('refuses what Prometheus would not read as a duration', () => {
    for (const bad of ['3', '3 s', '-1s', '1.5m', ''])
      expect(() => withForDuration(shipped, bad), bad).toThrow(/not a Prometheus duration/);
    expect(() => withForDuration(shipped, '1m30s')).not.toThrow();
  });
});
