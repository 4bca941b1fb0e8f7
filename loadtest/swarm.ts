/**
 * `npm run swarm -- --bots 2000 --duration 60s --gateways ws://127.0.0.1:8080/ws,ws://127.0.0.1:8081/ws`
 *
 * The bot swarm: scripted players over the real protocol (login, connect, queue, play the
 * game of the queue's mode with that game's brain, finish, queue again), spread over the
 * gateways and over worker processes.
 * Prints a live line on a terminal, then a table; writes a JSON and an HTML report. Exits 1
 * when any protocol error happened (or no bot could connect), so a pipeline can gate on it.
 */
import { progressLine } from './report/progress-line.js';
import { summaryTable } from './report/summary-table.js';
import { runSwarm } from './run-swarm.js';
import { parseSwarmOptions } from './swarm-options.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseSwarmOptions(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const tty = process.stdout.isTTY;
  const command = `npm run swarm -- ${process.argv.slice(2).join(' ')}`.trim();
  console.log(
    `swarm: ${options.bots} bots, ${options.durationMs / 1000} s, ${options.workers} worker(s), gateways ${options.gateways.join(', ')}`,
  );
  let seconds = 0;
  const result = await runSwarm(options, {
    command,
    onSecond: (point, totals) => {
      seconds++;
      const { matchesStarted, errors, protocolErrors } = totals.progress();
      const line = progressLine(point, {
        bots: options.bots,
        durationS: options.durationMs / 1000,
        matches: matchesStarted,
        errors,
        protocolErrors,
      });
      if (tty) process.stdout.write(`\r\x1b[2K${line}`);
      else if (seconds % 10 === 0) console.log(line); // not a terminal: a line every 10 s
    },
  });
  if (tty) process.stdout.write('\n');
  console.log(
    summaryTable(result.summary, {
      gateways: options.gateways,
      queues: options.queues.map((q) => `${q} (${options.games[q]})`),
      workers: options.workers,
      generatorCpu: result.generatorCpu,
    }),
  );
  console.log(`reports: ${result.jsonFile}\n         ${result.htmlFile}`);
  if (result.summary.peakConnected === 0) {
    console.error('swarm: no bot could connect');
    return 1;
  }
  return result.summary.protocolErrors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
