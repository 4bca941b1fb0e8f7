import type { Percentiles, SwarmSummary } from '../swarm-stats.js';
import { fmtBytes, fmtInt, fmtMs, fmtRate } from './format.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    )
    .join('\n');
}

/** The end-of-run report for the terminal. */
export function summaryTable(
  s: SwarmSummary,
  context: { gateways: string[]; queues: string[]; workers: number; generatorCpu: number },
): string {
  const l = s.latencyMs;
  const t = s.timeToMatchMs;
  const errors = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
  // With more than one game, each its own row: a turn-based game's round trip waits for its
  // slow tick by design, and would hide the other game's in the pooled percentiles.
  const games = Object.keys(s.byGame).length > 1 ? Object.entries(s.byGame) : [];
  const row = (label: string, p: Percentiles) => [
    label,
    fmtInt(p.count),
    fmtMs(p.p50),
    fmtMs(p.p90),
    fmtMs(p.p99),
    fmtMs(p.p999),
    fmtMs(p.max),
  ];
  return [
    '',
    `Bot swarm: ${fmtInt(s.bots)} bots for ${s.durationS.toFixed(0)} s, ${context.workers} worker process(es), queues ${context.queues.join(', ')}`,
    `gateways ${context.gateways.join(', ')}`,
    '',
    table([
      ['', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'],
      row('input -> state round trip (ms)', l),
      ...games.map(([game, g]) => row(`  ${game}`, g.latencyMs)),
      row('time to match (ms)', t),
    ]),
    '',
    table([
      ['', 'total', 'per second'],
      ['bots connected (peak)', fmtInt(s.peakConnected), ''],
      ['matches started', fmtInt(s.matchesStarted), fmtRate(s.matchesStarted / s.durationS)],
      ['matches finished', fmtInt(s.matchesFinished), fmtRate(s.matchesFinished / s.durationS)],
      ...games.map(([game, g]) => [
        `  ${game}: started / finished`,
        `${fmtInt(g.matchesStarted)} / ${fmtInt(g.matchesFinished)}`,
        '',
      ]),
      ['messages client -> server', fmtInt(s.counters.messagesOut), fmtRate(s.messagesOutPerS)],
      ['messages server -> client', fmtInt(s.counters.messagesIn), fmtRate(s.messagesInPerS)],
      ['bytes client -> server', fmtBytes(s.counters.bytesOut), fmtBytes(s.counters.bytesOut / s.durationS)],
      ['bytes server -> client', fmtBytes(s.counters.bytesIn), fmtBytes(s.counters.bytesIn / s.durationS)],
      ['inputs sent', fmtInt(s.counters.inputs), fmtRate(s.counters.inputs / s.durationS)],
    ]),
    '',
    errors.length === 0
      ? 'errors: none'
      : table([['errors by kind', 'count'], ...errors.map(([k, v]) => [k, fmtInt(v)])]),
    `protocol errors: ${fmtInt(s.protocolErrors)}`,
    `load generator: ${(context.generatorCpu * 100).toFixed(0)}% of one core on average, event-loop delay p99 up to ${fmtMs(s.generatorLagMs)} ms` +
      (s.generatorLagMs > 50 ? ' (it was a bottleneck: add --workers or another machine)' : ''),
    '',
  ].join('\n');
}
