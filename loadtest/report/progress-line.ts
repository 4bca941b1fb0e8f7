import type { TimelinePoint } from '../swarm-stats.js';
import { fmtInt, fmtMs, fmtRate } from './format.js';

/** The live line: one second of the run, rewritten in place on a terminal. */
export function progressLine(
  p: TimelinePoint,
  o: { bots: number; durationS: number; matches: number; errors: number; protocolErrors: number },
): string {
  return [
    `[${p.t.toFixed(0).padStart(4)}s/${o.durationS}s]`,
    `bots ${fmtInt(p.connected)}/${fmtInt(o.bots)} (queued ${fmtInt(p.queued)}, playing ${fmtInt(p.playing)})`,
    `matches ${fmtInt(o.matches)}`,
    `msg/s in ${fmtRate(p.messagesInPerS)} out ${fmtRate(p.messagesOutPerS)}`,
    `rtt p50 ${fmtMs(p.p50Ms)} p99 ${fmtMs(p.p99Ms)} ms`,
    `errors ${fmtInt(o.errors)} (protocol ${fmtInt(o.protocolErrors)})`,
  ].join(' | ');
}
