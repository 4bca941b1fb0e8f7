import * as hdr from 'hdr-histogram-js';
import { CloseCode, ErrorCode } from '../shared/protocol/index.js';

/** Error frames that mean a client spoke the protocol wrong (or too fast). */
const PROTOCOL_ERROR_CODES = new Set<string>([
  ErrorCode.BadFrame,
  ErrorCode.UnknownType,
  ErrorCode.BadRequest,
  ErrorCode.BadInput,
  ErrorCode.RateLimited,
]);
/** Close codes that mean the same: protocol error, unsupported or invalid data, policy, too big, flood. */
const PROTOCOL_CLOSE_CODES = new Set<number>([
  1002,
  1003,
  1007,
  CloseCode.PolicyViolation,
  CloseCode.MessageTooBig,
  CloseCode.Flood,
]);

/** Input-to-state round trips in microseconds, up to a minute; time to match in ms, up to an hour. */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}
export function timeToMatchHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });
}

export interface SwarmCounters {
  logins: number;
  inputs: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** What one worker process reports each second (counters are cumulative, the rest since the last one). */
export interface WorkerSnapshot {
  gauges: { connected: number; queued: number; playing: number };
  counters: SwarmCounters;
  /** Cumulative, by kind: "error:<code>", "close:<code>", "login_failed", "unreadable_frame"... */
  errors: Record<string, number>;
  matchesFound: string[];
  matchesEnded: string[];
  /** The game of each match in matchesFound, for the swarms that play several games. */
  matchGames: Record<string, string>;
  /** HdrHistograms, compressed base64: round trips (µs) and times to match (ms) since the last snapshot. */
  latency: string;
  /** Round trips (µs) since the last snapshot by game (compressed base64), when bots said their game. */
  latencyByGame: Record<string, string>;
  timeToMatch: string;
  /** The worker's own event-loop delay p99 since the last snapshot, ms. */
  loopLagMs: number;
}

export function isProtocolError(kind: string): boolean {
  const [what, code] = kind.split(':');
  if (what === 'error') return PROTOCOL_ERROR_CODES.has(code!);
  if (what === 'close') return PROTOCOL_CLOSE_CODES.has(Number(code));
  return what === 'unreadable_frame';
}

/** The counting side, in a worker: bots record into it, snapshot() ships and resets the interval parts. */
export class WorkerStats {
  readonly counters: SwarmCounters = {
    logins: 0,
    inputs: 0,
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
  private readonly errors: Record<string, number> = {};
  private latency = latencyHistogram();
  private readonly latencyByGame = new Map<string, hdr.Histogram>();
  private timeToMatch = timeToMatchHistogram();
  private found: string[] = [];
  private matchGames: Record<string, string> = {};
  private ended: string[] = [];

  error(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  /** An input's round trip; `game`: the game the bot plays (a turn-based game's wait for its tick is its own). */
  roundTrip(micros: number, game?: string): void {
    const value = Math.max(1, Math.round(micros));
    this.latency.recordValue(value);
    if (game === undefined) return;
    let h = this.latencyByGame.get(game);
    if (!h) this.latencyByGame.set(game, (h = latencyHistogram()));
    h.recordValue(value);
  }

  matchFound(matchId: string, waitedMs: number, game?: string): void {
    this.found.push(matchId);
    if (game !== undefined) this.matchGames[matchId] = game;
    this.timeToMatch.recordValue(Math.max(1, Math.round(waitedMs)));
  }

  matchEnded(matchId: string): void {
    this.ended.push(matchId);
  }

  snapshot(gauges: WorkerSnapshot['gauges'], loopLagMs: number): WorkerSnapshot {
    const out: WorkerSnapshot = {
      gauges,
      loopLagMs,
      counters: { ...this.counters },
      errors: { ...this.errors },
      matchesFound: this.found,
      matchesEnded: this.ended,
      matchGames: this.matchGames,
      latency: hdr.encodeIntoCompressedBase64(this.latency),
      latencyByGame: Object.fromEntries(
        [...this.latencyByGame].map(([game, h]) => [game, hdr.encodeIntoCompressedBase64(h)]),
      ),
      timeToMatch: hdr.encodeIntoCompressedBase64(this.timeToMatch),
    };
    this.found = [];
    this.matchGames = {};
    this.ended = [];
    this.latency.reset();
    for (const h of this.latencyByGame.values()) h.reset();
    this.timeToMatch.reset();
    return out;
  }
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

function percentiles(h: hdr.Histogram, scale: number): Percentiles {
  const at = (p: number) => (h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / scale);
  return {
    count: h.totalCount,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: h.totalCount ? h.maxValue / scale : 0,
  };
}

/** One second of the run, for the live line and the throughput-over-time plots. */
export interface TimelinePoint {
  t: number;
  connected: number;
  queued: number;
  playing: number;
  messagesInPerS: number;
  messagesOutPerS: number;
  bytesInPerS: number;
  bytesOutPerS: number;
  matchesPerS: number;
  /** Round-trip percentiles of this second alone, ms. */
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** The busiest worker's event-loop delay p99 this second, ms. */
  generatorLagMs: number;
}

export interface SwarmSummary {
  bots: number;
  peakConnected: number;
  durationS: number;
  matchesStarted: number;
  matchesFinished: number;
  counters: SwarmCounters;
  messagesInPerS: number;
  messagesOutPerS: number;
  /** Input-to-state round trip, milliseconds. */
  latencyMs: Percentiles;
  /**
   * By game, when the bots play more than one or say theirs: matches and round trips (a
   * turn-based game at 2 ticks a second acknowledges an input up to 500 ms later by design).
   */
  byGame: Record<string, { matchesStarted: number; matchesFinished: number; latencyMs: Percentiles }>;
  /** Queue to match found, milliseconds. */
  timeToMatchMs: Percentiles;
  errors: Record<string, number>;
  protocolErrors: number;
  /** Bucketed round trips for the histogram plot: [upper bound ms, count]. */
  latencyBuckets: [number, number][];
  /** The load generator's worst one-second event-loop delay p99, ms: when high, it is the bottleneck. */
  generatorLagMs: number;
}

/** The main process's side: merges worker snapshots into totals and a per-second timeline. */
export class SwarmTotals {
  readonly timeline: TimelinePoint[] = [];
  private readonly latest = new Map<number, WorkerSnapshot>();
  private readonly latency = latencyHistogram();
  private readonly latencyByGame = new Map<string, hdr.Histogram>();
  private readonly timeToMatch = timeToMatchHistogram();
  private second = latencyHistogram();
  private readonly started = new Set<string>();
  /** match id -> game, for the matches whose game a bot said. */
  private readonly gameOfMatch = new Map<string, string>();
  private readonly finished = new Set<string>();
  private matchesThisSecond = 0;
  private lagThisSecond = 0;
  private worstLag = 0;
  private previous = { counters: zeroCounters(), errors: 0 };
  peakConnected = 0;

  constructor(
    readonly bots: number,
    private readonly startedAtMs: number,
  ) {}

  add(worker: number, s: WorkerSnapshot): void {
    this.latest.set(worker, s);
    this.lagThisSecond = Math.max(this.lagThisSecond, s.loopLagMs);
    this.worstLag = Math.max(this.worstLag, s.loopLagMs);
    const rtts = hdr.decodeFromCompressedBase64(s.latency);
    this.latency.add(rtts);
    this.second.add(rtts);
    this.timeToMatch.add(hdr.decodeFromCompressedBase64(s.timeToMatch));
    for (const [game, encoded] of Object.entries(s.latencyByGame)) {
      let h = this.latencyByGame.get(game);
      if (!h) this.latencyByGame.set(game, (h = latencyHistogram()));
      h.add(hdr.decodeFromCompressedBase64(encoded));
    }
    for (const [id, game] of Object.entries(s.matchGames)) this.gameOfMatch.set(id, game);
    for (const id of s.matchesFound) {
      if (this.started.has(id)) continue;
      this.started.add(id);
      this.matchesThisSecond++;
    }
    for (const id of s.matchesEnded) this.finished.add(id);
  }

  /** Closes the current second: one timeline point from what arrived since the last call. */
  tick(nowMs: number): TimelinePoint {
    const counters = this.counters();
    const gauges = { connected: 0, queued: 0, playing: 0 };
    for (const s of this.latest.values()) {
      gauges.connected += s.gauges.connected;
      gauges.queued += s.gauges.queued;
      gauges.playing += s.gauges.playing;
    }
    this.peakConnected = Math.max(this.peakConnected, gauges.connected);
    const errors = Object.values(this.errors()).reduce((a, b) => a + b, 0);
    const last = this.timeline.at(-1);
    const dt = Math.max(0.001, (nowMs - this.startedAtMs) / 1000 - (last?.t ?? 0));
    const rate = (k: keyof SwarmCounters) => (counters[k] - this.previous.counters[k]) / dt;
    const second = percentiles(this.second, 1000);
    const point: TimelinePoint = {
      t: (nowMs - this.startedAtMs) / 1000,
      ...gauges,
      messagesInPerS: rate('messagesIn'),
      messagesOutPerS: rate('messagesOut'),
      bytesInPerS: rate('bytesIn'),
      bytesOutPerS: rate('bytesOut'),
      matchesPerS: this.matchesThisSecond / dt,
      p50Ms: second.p50,
      p99Ms: second.p99,
      errors: errors - this.previous.errors,
      generatorLagMs: this.lagThisSecond,
    };
    this.lagThisSecond = 0;
    this.timeline.push(point);
    this.previous = { counters, errors };
    this.second = latencyHistogram();
    this.matchesThisSecond = 0;
    return point;
  }

  /** The ids of the matches bots were placed in, and of those they saw end (for checks and reports). */
  matchIds(): { started: string[]; finished: string[] } {
    return { started: [...this.started], finished: [...this.finished] };
  }

  /** The running totals the live line shows (cheap: no percentiles, no buckets). */
  progress(): { matchesStarted: number; errors: number; protocolErrors: number } {
    const errors = this.errors();
    return {
      matchesStarted: this.started.size,
      errors: Object.values(errors).reduce((a, b) => a + b, 0),
      protocolErrors: protocolErrorCount(errors),
    };
  }

  summary(nowMs: number): SwarmSummary {
    const durationS = (nowMs - this.startedAtMs) / 1000;
    const counters = this.counters();
    const errors = this.errors();
    return {
      bots: this.bots,
      peakConnected: this.peakConnected,
      durationS,
      matchesStarted: this.started.size,
      matchesFinished: this.finished.size,
      counters,
      messagesInPerS: counters.messagesIn / durationS,
      messagesOutPerS: counters.messagesOut / durationS,
      latencyMs: percentiles(this.latency, 1000),
      byGame: this.byGame(),
      timeToMatchMs: percentiles(this.timeToMatch, 1),
      errors,
      protocolErrors: protocolErrorCount(errors),
      latencyBuckets: this.buckets(),
      generatorLagMs: this.worstLag,
    };
  }

  private byGame(): SwarmSummary['byGame'] {
    const games = new Set([...this.gameOfMatch.values(), ...this.latencyByGame.keys()]);
    const count = (ids: Set<string>, game: string) =>
      [...ids].filter((id) => this.gameOfMatch.get(id) === game).length;
    return Object.fromEntries(
      [...games].sort().map((game) => {
        const h = this.latencyByGame.get(game);
        return [
          game,
          {
            matchesStarted: count(this.started, game),
            matchesFinished: count(this.finished, game),
            latencyMs: h ? percentiles(h, 1000) : percentiles(latencyHistogram(), 1000),
          },
        ];
      }),
    );
  }

  /** Round trips in doubling buckets (up to 0.25 ms, 0.5 ms, 1 ms, ... ~1 min), for the histogram plot. */
  private buckets(): [number, number][] {
    const h = this.latency;
    const out: [number, number][] = [];
    let below = 0;
    for (let upperMs = 0.25; below < h.totalCount && upperMs <= 65_536; upperMs *= 2) {
      const upTo = Math.round(h.totalCount * fractionAtOrBelow(h, upperMs * 1000));
      out.push([upperMs, upTo - below]);
      below = upTo;
    }
    return out;
  }

  private counters(): SwarmCounters {
    const sum = zeroCounters();
    for (const s of this.latest.values())
      for (const k of Object.keys(sum) as (keyof SwarmCounters)[]) sum[k] += s.counters[k];
    return sum;
  }

  private errors(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.latest.values())
      for (const [k, v] of Object.entries(s.errors)) out[k] = (out[k] ?? 0) + v;
    return out;
  }
}

function protocolErrorCount(errors: Record<string, number>): number {
  return Object.entries(errors)
    .filter(([kind]) => isProtocolError(kind))
    .reduce((n, [, c]) => n + c, 0);
}

/** The share of recorded values at or below `value` (the inverse of getValueAtPercentile, by bisection). */
function fractionAtOrBelow(h: hdr.Histogram, value: number): number {
  if (h.totalCount === 0 || h.maxValue <= value) return 1;
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (h.getValueAtPercentile(mid) <= value) lo = mid;
    else hi = mid;
  }
  return lo / 100;
}

function zeroCounters(): SwarmCounters {
  return { logins: 0, inputs: 0, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
}
