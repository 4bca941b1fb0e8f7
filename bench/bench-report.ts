/**
 * What every benchmark returns: a section of rows, each an Arena figure next to its baseline
 * measured in the same run, and the ratio. Printed by the standalone scripts and by the suite,
 * and written into bench/RESULTS.md by the suite.
 */
export interface BenchRow {
  metric: string;
  arena: string;
  baseline: string;
  /** Arena / baseline, with what a good direction is ("0.83x (higher is better)"). */
  ratio: string;
}

export interface BenchSection {
  title: string;
  /** The standalone command that measures this section alone. */
  command: string;
  /** What was run: sizes, rates, durations. */
  setup: string;
  /** What the baseline column is. */
  baselineName: string;
  rows: BenchRow[];
  notes: string[];
}

export const ratio = (arena: number, baseline: number, better: 'lower' | 'higher') =>
  `${(arena / baseline).toFixed(2)}x (${better} is better)`;

function widths(rows: string[][]): number[] {
  return rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
}

/** The section as aligned text, for a terminal. */
export function sectionText(s: BenchSection): string {
  const rows = [
    ['', 'Arena', s.baselineName, 'Arena / baseline'],
    ...s.rows.map((r) => [r.metric, r.arena, r.baseline, r.ratio]),
  ];
  const w = widths(rows);
  return [
    `\n${s.title}`,
    `  ${s.setup}`,
    ...rows.map(
      (r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('   ')}`,
    ),
    ...s.notes.map((n) => `  note: ${n}`),
  ].join('\n');
}

/** The section as Markdown, for bench/RESULTS.md. */
export function sectionMarkdown(s: BenchSection): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `## ${s.title}`,
    '',
    `${s.setup}. Alone: \`${s.command}\`.`,
    '',
    `| | Arena | ${esc(s.baselineName)} | Arena / baseline |`,
    '| --- | --: | --: | --: |',
    ...s.rows.map((r) => `| ${esc(r.metric)} | ${esc(r.arena)} | ${esc(r.baseline)} | ${esc(r.ratio)} |`),
    '',
    ...s.notes.map((n) => `- ${n}`),
    ...(s.notes.length ? [''] : []),
  ].join('\n');
}
