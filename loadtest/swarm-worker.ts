/**
 * One process of the bot swarm (forked by run-swarm.ts): runs its share of the bots and
 * answers each `report` with a WorkerSnapshot over IPC, so that the main process closes every
 * second of the run with fresh numbers from all workers. In: start, report, stop. Out:
 * snapshot, final.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { modeOfQueue } from '../shared/matchmaking/modes.js';
import { Bot } from './bot.js';
import { brainFor } from './brains/index.js';
import type { SwarmOptions } from './swarm-options.js';
import { WorkerStats, type WorkerSnapshot } from './swarm-stats.js';

export type ToWorker =
  { type: 'start'; indexes: number[]; options: SwarmOptions } | { type: 'report' } | { type: 'stop' };
export type FromWorker = { type: 'snapshot' | 'final'; snapshot: WorkerSnapshot; cpuMicros: number };

const stats = new WorkerStats();
const bots: Bot[] = [];
const timers: NodeJS.Timeout[] = [];
/** How late this process runs its callbacks: high values mean the swarm itself is the bottleneck. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function snapshot(): WorkerSnapshot {
  const gauges = { connected: 0, queued: 0, playing: 0 };
  for (const b of bots) {
    if (b.connected) gauges.connected++;
    if (b.phase === 'queued') gauges.queued++;
    if (b.phase === 'playing') gauges.playing++;
  }
  const lagMs = loopDelay.percentile(99) / 1e6;
  loopDelay.reset();
  return stats.snapshot(gauges, lagMs);
}

function report(type: FromWorker['type'], done?: () => void): void {
  const { user, system } = process.cpuUsage();
  const msg: FromWorker = { type, snapshot: snapshot(), cpuMicros: user + system };
  process.send!(msg, undefined, {}, () => done?.());
}

function start(indexes: number[], o: SwarmOptions): void {
  indexes.forEach((index, i) => {
    const queue = o.queues[index % o.queues.length]!;
    const bot = new Bot({
      index,
      gateways: o.gateways,
      queue,
      // The brain of the game the queue's mode plays (parseSwarmOptions checked there is one).
      brain: brainFor(o.games[queue]!),
      game: o.games[queue],
      // The modes the matchmakers run (--modes, else MATCHMAKER_MODES, else their defaults).
      maxQueueWaitMs: modeOfQueue(queue, o.modes)?.maxWaitMs,
      inputHz: o.inputHz,
      stats,
      random: Math.random,
    });
    bots.push(bot);
    // Spread the starts over the ramp, interleaved with the other workers' bots.
    timers.push(setTimeout(() => void bot.start(), (i / Math.max(1, indexes.length)) * o.rampMs));
  });
}

function stop(): void {
  for (const t of timers) clearTimeout(t);
  for (const b of bots) b.stop();
  // Let the cancel/leave frames and the closes go out, then send the last numbers and go.
  setTimeout(() => report('final', () => process.exit(0)), 500);
}

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'start') start(msg.indexes, msg.options);
  else if (msg.type === 'report') report('snapshot');
  else if (msg.type === 'stop') stop();
});
process.on('disconnect', () => process.exit(0)); // the swarm's main process is gone
