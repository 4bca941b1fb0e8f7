import WebSocket from 'ws';
import { ArenaClient, type WebSocketLike } from '../shared/client/index.js';
import { ErrorCode } from '../shared/protocol/index.js';
import type { BotBrain, BrainFactory } from './brains/index.js';
import { referenceBrain } from './brains/reference-brain.js';
import { httpBaseOf } from './swarm-options.js';
import type { WorkerStats } from './swarm-stats.js';

export interface BotOptions {
  /** Swarm-wide index: picks the first gateway (bot i starts on gateways[i % n]) and the name. */
  index: number;
  gateways: readonly string[];
  queue: string;
  /** How the bot plays the game of its queue's mode (default: the reference game's brain). */
  brain?: BrainFactory;
  /** That game's name: its matches and round trips are also reported by game. */
  game?: string;
  inputHz: number;
  stats: WorkerStats;
  random: () => number;
  /** Default QUEUE_ANSWER_TIMEOUT_MS. */
  queueAnswerTimeoutMs?: number;
  /**
   * The queue's mode's maxWaitMs: by then the matchmaker has matched the ticket or ended it
   * (queue_ended timeout). A bot still waiting QUEUE_STUCK_MARGIN_MS later is stuck in the
   * queue: counted as `queue_stuck`, it cancels and queues again. Unset: no such check.
   */
  maxQueueWaitMs?: number;
  /** Default QUEUE_STUCK_MARGIN_MS. */
  queueStuckMarginMs?: number;
}

export type BotPhase = 'starting' | 'queued' | 'joining' | 'playing' | 'resting' | 'stopped';

/** Inputs awaiting their acknowledgement; beyond this the oldest are forgotten. */
const MAX_PENDING_INPUTS = 256;
/**
 * A queue request that gets no answer at all (neither queued, matched nor an error) within
 * this long is a player left hanging: counted as `queue_unanswered`, then the bot queues again.
 */
export const QUEUE_ANSWER_TIMEOUT_MS = 15_000;
/** Past the mode's max wait, this long for the matchmaker's timeout sweep and the notice. */
export const QUEUE_STUCK_MARGIN_MS = 5_000;
/** Error codes that refuse a queue request: the bot rests and queues again (each is counted). */
const QUEUE_REFUSALS = new Set<string>([
  ErrorCode.Unavailable,
  ErrorCode.UnknownQueue,
  ErrorCode.AlreadyQueued,
  ErrorCode.AlreadyMatched,
  ErrorCode.AlreadyInRoom,
  ErrorCode.BadRequest,
]);

/**
 * One scripted player over the real protocol, through the SDK: guest login, connect, queue,
 * play the match it is given (its game's brain decides inputHz times a second from the view,
 * and hears the game's messages), and when the match ends, rest a moment and queue again. It
 * measures each input's round trip: from sending input seq to the first state update that
 * acknowledges it.
 */
export class Bot {
  phase: BotPhase = 'starting';
  private client: ArenaClient | undefined;
  private queuedAt = 0;
  private inputTimer: NodeJS.Timeout | undefined;
  private restTimer: NodeJS.Timeout | undefined;
  private answerTimer: NodeJS.Timeout | undefined;
  private stuckTimer: NodeJS.Timeout | undefined;
  /** This match's brain (a new one each match; kept when the bot is put back in its seat). */
  private brain: BotBrain | undefined;
  /** This bot cancelled a stuck ticket: the queue_ended (cancelled) that follows is expected. */
  private cancelledStuck = false;
  /** The current queue request has been answered (queued, matched or refused). */
  private queueAnswered = false;
  /** seq -> performance.now() when sent, in sending order. */
  private readonly pending = new Map<number, number>();

  constructor(private readonly o: BotOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    const first = this.o.index % this.o.gateways.length;
    const gateways = [...this.o.gateways.slice(first), ...this.o.gateways.slice(0, first)];
    let token: string;
    try {
      const res = await fetch(`${httpBaseOf(gateways[0]!)}/auth/guest`, {
        method: 'POST',
        body: JSON.stringify({ name: `bot-${this.o.index}` }),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      token = ((await res.json()) as { token: string }).token;
      this.o.stats.counters.logins++;
    } catch {
      this.o.stats.error('login_failed');
      this.phase = 'stopped';
      return;
    }
    if (this.phase === 'stopped') return;
    const client = new ArenaClient({
      gateways,
      token,
      webSocket: (url) => this.countingSocket(url),
      maxReconnectDelayMs: 2_000,
    });
    this.client = client;
    this.listen(client);
    try {
      await client.connect();
    } catch {
      this.o.stats.error('connect_failed');
      this.stop();
      return;
    }
    this.queue();
  }

  /** Leaves the queue or the room, then closes the connection. */
  stop(): void {
    if (this.phase === 'stopped' && !this.client) return;
    const was = this.phase;
    this.phase = 'stopped';
    this.stopInputs();
    clearTimeout(this.restTimer);
    clearTimeout(this.answerTimer);
    clearTimeout(this.stuckTimer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (was === 'queued') client.cancelQueue();
    else if (was === 'playing' || was === 'joining') client.leave();
    setTimeout(() => client.close(), 200).unref();
  }

  private listen(client: ArenaClient): void {
    const { stats } = this.o;
    // After stop(), what the server says about the cancel or the leave is not a finding.
    const on: typeof client.on = (event, handler) =>
      client.on(event, (payload) => {
        if (this.phase !== 'stopped') handler(payload);
      });
    on('queued', () => {
      this.queueAnswered = true;
      clearTimeout(this.answerTimer);
      // Queued after all (a request that failed on a Redis timeout had run): wait for the match.
      if (this.phase === 'resting') {
        clearTimeout(this.restTimer);
        this.phase = 'queued';
      }
    });
    on('matchFound', (m) => {
      this.queueAnswered = true;
      clearTimeout(this.answerTimer);
      if (this.phase !== 'queued') return;
      stats.matchFound(m.matchId, performance.now() - this.queuedAt, this.o.game);
      this.phase = 'joining'; // the SDK joins the room by itself
    });
    on('joined', (j) => {
      this.phase = 'playing';
      if (!j.resumed || !this.brain) this.brain = (this.o.brain ?? referenceBrain)(this.o.random);
      this.startInputs(client);
    });
    on('game_message', (m) => {
      if (m.roomId !== client.roomId) return;
      const fault = this.brain?.onMessage?.(m.type, m.data);
      if (fault) stats.error(`game:${fault}`);
    });
    on('state', (s) => {
      const acked = s.acks[client.playerId];
      if (acked === undefined) return;
      const now = performance.now();
      for (const [seq, sentAt] of this.pending) {
        if (seq > acked) break;
        stats.roundTrip((now - sentAt) * 1000, this.o.game);
        this.pending.delete(seq);
      }
    });
    on('ended', (result) => {
      stats.matchEnded(result.matchId ?? result.roomId);
      this.rest();
    });
    on('left', () => this.rest());
    on('queueEnded', (q) => {
      if (q.reason === 'cancelled' && this.cancelledStuck) {
        this.cancelledStuck = false; // our own cancel of a stuck ticket, counted as queue_stuck
        return;
      }
      stats.error(`queue_ended:${q.reason}`);
      this.rest();
    });
    on('error', (e) => {
      stats.error(`error:${e.code}`);
      if (e.code === 'join_failed') this.rest();
      else if (this.phase === 'queued' && !this.queueAnswered && QUEUE_REFUSALS.has(e.code)) {
        // The queue request was refused (e.g. Redis unavailable): queue again after a rest.
        this.queueAnswered = true;
        clearTimeout(this.answerTimer);
        this.rest();
      }
    });
    on('protocolError', () => stats.error('unreadable_frame'));
    on('disconnected', (d) => {
      stats.error(`close:${d.code}`);
      this.pending.clear(); // inputs in flight on the lost connection are never acknowledged
    });
  }

  private queue(): void {
    if (this.phase === 'stopped' || !this.client) return;
    this.phase = 'queued';
    this.queuedAt = performance.now();
    this.client.queue(this.o.queue);
    this.queueAnswered = false;
    clearTimeout(this.answerTimer);
    this.answerTimer = setTimeout(() => {
      if (this.phase !== 'queued') return;
      this.o.stats.error('queue_unanswered');
      this.rest();
    }, this.o.queueAnswerTimeoutMs ?? QUEUE_ANSWER_TIMEOUT_MS);
    clearTimeout(this.stuckTimer);
    if (this.o.maxQueueWaitMs === undefined) return;
    this.stuckTimer = setTimeout(
      () => {
        if (this.phase !== 'queued' || !this.queueAnswered) return; // unanswered is counted as such
        this.o.stats.error('queue_stuck');
        this.cancelledStuck = true;
        this.client?.cancelQueue();
        this.rest();
      },
      this.o.maxQueueWaitMs + (this.o.queueStuckMarginMs ?? QUEUE_STUCK_MARGIN_MS),
    );
  }

  /** Between matches: a short, human-ish pause, then the queue again. */
  private rest(): void {
    if (this.phase === 'stopped' || this.phase === 'resting') return;
    this.stopInputs();
    this.brain = undefined;
    this.phase = 'resting';
    this.restTimer = setTimeout(() => this.queue(), 300 + this.o.random() * 1_200);
  }

  private startInputs(client: ArenaClient): void {
    this.stopInputs();
    const period = 1000 / this.o.inputHz;
    const send = () => {
      if (this.phase !== 'playing' || !client.roomId || !client.connected || !this.brain) return;
      const input = this.brain.decide(client.entities, client.playerId);
      if (input === undefined) return; // nothing to do this time (not this bot's turn)
      const seq = client.sendInput(input);
      this.pending.set(seq, performance.now());
      this.o.stats.counters.inputs++;
      if (this.pending.size > MAX_PENDING_INPUTS) this.pending.delete(this.pending.keys().next().value!);
    };
    // A random phase, so that a swarm's inputs do not all land in the same millisecond.
    this.inputTimer = setTimeout(() => {
      send();
      this.inputTimer = setInterval(send, period);
    }, this.o.random() * period);
  }

  private stopInputs(): void {
    clearTimeout(this.inputTimer);
    clearInterval(this.inputTimer);
    this.inputTimer = undefined;
    this.pending.clear();
  }

  /** A `ws` WebSocket that counts frames and bytes each way. */
  private countingSocket(url: string): WebSocketLike {
    const counters = this.o.stats.counters;
    const ws = new WebSocket(url);
    ws.on('message', (data: ArrayBuffer | Buffer) => {
      counters.messagesIn++;
      counters.bytesIn += data.byteLength;
    });
    const send = ws.send.bind(ws);
    ws.send = ((data: Uint8Array) => {
      counters.messagesOut++;
      counters.bytesOut += data.byteLength;
      send(data);
    }) as typeof ws.send;
    return ws as unknown as WebSocketLike;
  }
}
