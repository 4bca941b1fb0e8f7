/**
 * `npm run bench`: the benchmark suite on this machine, each figure next to its baseline
 * measured in the same run, then bench/RESULTS.md (date, machine, command, every table).
 * Starts Redis, Kafka and Elasticsearch once for all (or reuses those named by REDIS_URL,
 * KAFKA_BROKERS, ELASTICSEARCH_URL). A benchmark that fails is reported and the others run;
 * the command then exits 1.
 */
import { writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { startLocalStack } from '../infra/local/stack.js';
import type { ServiceEnv } from './bench-cli.js';
import { sectionMarkdown, sectionText, type BenchSection } from './bench-report.js';
import { describeMachine } from './machine.js';
import { benchMatchLog } from './match-log.js';
import { benchMatchmaking } from './matchmaking.js';
import { benchPeerRoom } from './peer-room.js';
import { benchRankings } from './rankings.js';
import { benchRealtime } from './realtime-cpu.js';

const RESULTS = new URL('./RESULTS.md', import.meta.url);

const BENCHES: [string, (env: ServiceEnv) => Promise<BenchSection>][] = [
  ['real-time path', (env) => benchRealtime(env)],
  ['peer comparison with Colyseus', (env) => benchPeerRoom(env)],
  ['matchmaking', (env) => benchMatchmaking(env)],
  ['rankings', (env) => benchRankings(env)],
  ['match logs', (env) => benchMatchLog(env)],
];

async function main(): Promise<number> {
  const startedAt = new Date();
  const machine = describeMachine();
  console.log(`Arena benchmark suite, ${startedAt.toISOString()}\n${machine}`);
  const stack = await startLocalStack();
  const sections: BenchSection[] = [];
  const failures: string[] = [];
  try {
    for (const [name, run] of BENCHES) {
      console.log(`\n... ${name}`);
      try {
        const section = await run(stack.env);
        sections.push(section);
        console.log(sectionText(section));
      } catch (err) {
        failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        console.error(`${name} failed:`, err);
      }
    }
  } finally {
    await stack.stop();
  }
  const minutes = ((Date.now() - startedAt.getTime()) / 60_000).toFixed(1);
  const markdown = [
    '# Benchmark results',
    '',
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}, by \`npm run bench\` (${minutes} minutes). Each Arena figure stands next to a baseline measured in the same run, on the same machine. The machine is shared and small (the load generators run on it too), so repeated runs vary by tens of percent; compare ratios, not absolute numbers, and rerun before drawing conclusions.`,
    '',
    ...sections.map(sectionMarkdown),
    ...(failures.length ? ['## Failed in this run', '', ...failures.map((f) => `- ${f}`), ''] : []),
  ].join('\n');
  writeFileSync(RESULTS, await format(markdown, { parser: 'markdown', proseWrap: 'preserve' }));
  console.log(`\nwrote ${RESULTS.pathname} (${minutes} minutes)`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
