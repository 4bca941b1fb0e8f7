import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { htmlReport } from './report/html-report.js';
import { httpBaseOf, type SwarmOptions } from './swarm-options.js';
import { SwarmTotals, type SwarmSummary, type TimelinePoint } from './swarm-stats.js';
import type { FromWorker, ToWorker } from './swarm-worker.js';

const WORKER = fileURLToPath(new URL('./swarm-worker.ts', import.meta.url));

export interface SwarmResult {
  summary: SwarmSummary;
  timeline: TimelinePoint[];
  /** The load generator's own CPU, in cores (1 = one core busy the whole run). */
  generatorCpu: number;
  jsonFile: string;
  htmlFile: string;
}

/** Fails fast, by name, when a gateway does not answer (is the stack up?). */
async function checkGateways(gateways: string[]): Promise<void> {
  for (const g of gateways) {
    const url = `${httpBaseOf(g)}/healthz`;
    const ok = await fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (!ok) throw new Error(`gateway ${g} does not answer ${url}: is the stack running (npm start)?`);
  }
}

/**
 * Runs the swarm: forks the worker processes, gives each its share of the bots (bot i goes to
 * worker i % workers, so every worker spreads over every gateway), merges their snapshots
 * each second (onSecond: for the live line), stops them at the end and writes the JSON and
 * HTML reports.
 */
export async function runSwarm(
  o: SwarmOptions,
  context: { command: string; onSecond?: (p: TimelinePoint, totals: SwarmTotals) => void },
): Promise<SwarmResult> {
  await checkGateways(o.gateways);
  const startedAt = new Date();
  const totals = new SwarmTotals(o.bots, Date.now());
  const cpu = new Map<number, number>();
  const workers: ChildProcess[] = [];
  const finals: Promise<void>[] = [];
  /** Workers that have not answered the current `report` yet, and what to call when none is left. */
  let awaiting = new Set<number>();
  let allAnswered: () => void = () => {};
  try {
    for (let w = 0; w < o.workers; w++) {
      const child = fork(WORKER, [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      workers.push(child);
      finals.push(
        new Promise<void>((done) => {
          child.on('message', (m: FromWorker) => {
            totals.add(w, m.snapshot);
            cpu.set(w, m.cpuMicros);
            if (m.type === 'final') done();
            if (awaiting.delete(w) && awaiting.size === 0) allAnswered();
          });
          child.once('exit', () => done());
        }),
      );
      const indexes = Array.from({ length: o.bots }, (_, i) => i).filter((i) => i % o.workers === w);
      child.send({ type: 'start', indexes, options: o } satisfies ToWorker);
    }
    // Each second: ask every worker for its numbers, then close the second with those that
    // answered (a worker too busy to answer within 900 ms is counted in a later second).
    const begin = Date.now();
    for (let second = 1; second * 1_000 <= o.durationMs; second++) {
      await new Promise((r) => setTimeout(r, Math.max(0, begin + second * 1_000 - Date.now())));
      awaiting = new Set(workers.flatMap((c, w) => (c.connected ? [w] : [])));
      const asked = awaiting.size;
      const answered = new Promise<void>((r) => (allAnswered = r));
      for (const w of awaiting) workers[w]!.send({ type: 'report' } satisfies ToWorker);
      await Promise.race([answered, new Promise((r) => setTimeout(r, 900))]);
      // A second in which no worker could answer has no numbers: no point, not zeros.
      if (awaiting.size < asked) context.onSecond?.(totals.tick(Date.now()), totals);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, begin + o.durationMs - Date.now())));
    for (const child of workers) if (child.connected) child.send({ type: 'stop' } satisfies ToWorker);
    await Promise.race([Promise.all(finals), new Promise((r) => setTimeout(r, 10_000))]);
  } finally {
    for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
  }

  const endedAt = Date.now();
  const summary = totals.summary(endedAt);
  const generatorCpu = [...cpu.values()].reduce((a, b) => a + b, 0) / 1e6 / summary.durationS;
  const outDir = resolve(o.outDir);
  mkdirSync(outDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const jsonFile = join(outDir, `swarm-${stamp}.json`);
  const htmlFile = join(outDir, `swarm-${stamp}.html`);
  const gateways = o.gateways;
  writeFileSync(
    jsonFile,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), command: context.command, options: o, generatorCpu, summary, timeline: totals.timeline }, null, 2)}\n`,
  );
  writeFileSync(
    htmlFile,
    htmlReport(summary, totals.timeline, {
      command: context.command,
      startedAt: startedAt.toISOString(),
      gateways,
    }),
  );
  return { summary, timeline: totals.timeline, generatorCpu, jsonFile, htmlFile };
}
