import type { SwarmSummary, TimelinePoint } from '../swarm-stats.js';
import { fmtInt, fmtMs, fmtRate } from './format.js';
import { barChart, lineChart } from './svg-chart.js';

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained HTML page: the summary, the round-trip histogram and the run over time. */
export function htmlReport(
  s: SwarmSummary,
  timeline: TimelinePoint[],
  context: { command: string; startedAt: string; gateways: string[] },
): string {
  const t = timeline.map((p) => p.t);
  const l = s.latencyMs;
  const rows = (pairs: [string, string][]) =>
    pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  // With more than one game, each its own round-trip row and match counts (as in the table).
  const games = Object.keys(s.byGame).length > 1 ? Object.entries(s.byGame) : [];
  const gameRows = games
    .map(
      ([game, g]) =>
        `<tr><th>&nbsp;&nbsp;${esc(game)} (matches ${fmtInt(g.matchesStarted)} / ${fmtInt(g.matchesFinished)})</th><td>${fmtInt(g.latencyMs.count)}</td><td>${fmtMs(g.latencyMs.p50)}</td><td>${fmtMs(g.latencyMs.p90)}</td><td>${fmtMs(g.latencyMs.p99)}</td><td>${fmtMs(g.latencyMs.p999)}</td><td>${fmtMs(g.latencyMs.max)}</td></tr>`,
    )
    .join('\n');
  const bucketLabel = (ms: number) => (ms < 1 ? `≤${ms}` : `≤${ms >= 1000 ? `${ms / 1000}s` : ms}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Arena bot swarm ${esc(context.startedAt)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}th:first-child{text-align:left}figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}code{background:#f4f4f4;padding:2px 4px}</style>
</head><body>
<h1>Arena bot swarm</h1>
<p>${esc(context.startedAt)} · <code>${esc(context.command)}</code> · gateways ${esc(context.gateways.join(', '))}</p>
<table>${rows([
    ['bots (peak connected)', `${fmtInt(s.bots)} (${fmtInt(s.peakConnected)})`],
    ['duration', `${s.durationS.toFixed(1)} s`],
    ['matches started / finished', `${fmtInt(s.matchesStarted)} / ${fmtInt(s.matchesFinished)}`],
    ['messages/s client → server', fmtRate(s.messagesOutPerS)],
    ['messages/s server → client', fmtRate(s.messagesInPerS)],
    ['protocol errors', fmtInt(s.protocolErrors)],
    ['load generator event-loop delay p99 (worst second)', `${fmtMs(s.generatorLagMs)} ms`],
  ])}</table>
<table><tr><th></th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>
<tr><th>input → state round trip (ms)</th><td>${fmtInt(l.count)}</td><td>${fmtMs(l.p50)}</td><td>${fmtMs(l.p90)}</td><td>${fmtMs(l.p99)}</td><td>${fmtMs(l.p999)}</td><td>${fmtMs(l.max)}</td></tr>
${gameRows}
<tr><th>time to match (ms)</th><td>${fmtInt(s.timeToMatchMs.count)}</td><td>${fmtMs(s.timeToMatchMs.p50)}</td><td>${fmtMs(s.timeToMatchMs.p90)}</td><td>${fmtMs(s.timeToMatchMs.p99)}</td><td>${fmtMs(s.timeToMatchMs.p999)}</td><td>${fmtMs(s.timeToMatchMs.max)}</td></tr></table>
${barChart(
  'Input → state round trip (count per bucket, ms)',
  'inputs',
  s.latencyBuckets.map(([ms, n]) => ({ label: bucketLabel(ms), value: n })),
)}
${lineChart('Throughput over time', 'messages/s', t, [
  { name: 'server → client', values: timeline.map((p) => p.messagesInPerS) },
  { name: 'client → server', values: timeline.map((p) => p.messagesOutPerS) },
])}
${lineChart('Round trip per second (ms)', 'ms', t, [
  { name: 'p50', values: timeline.map((p) => p.p50Ms) },
  { name: 'p99', values: timeline.map((p) => p.p99Ms) },
  { name: 'swarm event-loop delay p99', values: timeline.map((p) => p.generatorLagMs) },
])}
${lineChart('Bots over time', 'bots', t, [
  { name: 'connected', values: timeline.map((p) => p.connected) },
  { name: 'playing', values: timeline.map((p) => p.playing) },
  { name: 'queued', values: timeline.map((p) => p.queued) },
])}
<h2>Errors by kind</h2>
<table>${Object.keys(s.errors).length === 0 ? '<tr><td>none</td></tr>' : rows(Object.entries(s.errors).map(([k, v]) => [k, fmtInt(v)]))}</table>
</body></html>
`;
}
