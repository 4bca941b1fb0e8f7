import WebSocket from 'ws';
import { parseServerMessage, PROTOCOL_VERSION, type ServerMessage } from '../../shared/protocol/index.js';

/** A bare WebSocket to a gateway that records what comes back, for hostile-input tests. */
export class RawSocket {
  readonly received: ServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = parseServerMessage(new Uint8Array(data));
      if (msg) this.received.push(msg);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static open(url: string, token: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}?v=${PROTOCOL_VERSION}&token=${encodeURIComponent(token)}`);
      const raw = new RawSocket(ws);
      ws.once('open', () => resolve(raw));
      ws.once('error', reject);
    });
  }

  /**
   * A socket that has its welcome; fails if it closes or gets anything else first (a fresh
   * connection closed with 1006 before its welcome was a gateway defect, fixed in
   * apps/gateway/async-upgrade.ts: no retry hides one here).
   */
  static async welcomed(url: string, token: string, timeoutMs = 10_000): Promise<RawSocket> {
    const raw = await RawSocket.open(url, token);
    await raw.until((s) => s.closed !== undefined || s.received.length > 0, 'the welcome', timeoutMs);
    if (raw.received[0]?.type === 'welcome') return raw;
    throw new Error(
      `no welcome: received [${raw.received.map((m) => m.type).join(', ')}], closed ${JSON.stringify(raw.closed)}`,
    );
  }

  /** Resolves once `predicate` holds (checked after every message and on close). */
  until(predicate: (s: RawSocket) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const got = this.received.map((m) => (m.type === 'error' ? `error:${m.code}` : m.type)).join(', ');
        reject(
          new Error(
            `timed out waiting for ${what}; received [${got}], closed ${JSON.stringify(this.closed)}`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (!predicate(this)) return void this.waiters.push(check);
        clearTimeout(timer);
        resolve();
      };
      check();
    });
  }

  errors(code?: string): ServerMessage[] {
    return this.received.filter((m) => m.type === 'error' && (code === undefined || m.code === code));
  }

  private wake(): void {
    const waiting = this.waiters.splice(0);
    for (const w of waiting) w();
  }
}

/** The HTTP status a refused upgrade answered with. */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', (err) => reject(err));
  });
}
