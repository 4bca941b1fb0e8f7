import { describe, expect, it } from 'vitest';
import { ArenaClient, type WebSocketLike } from '../../../shared/client/index.js';
import { encodeServerMessage, PROTOCOL_VERSION } from '../../../shared/protocol/index.js';

/** A WebSocket the test plays the gateway for. */
class FakeSocket implements WebSocketLike {
  binaryType = '';
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(): void {}
  close(): void {}
  token(): string {
    return new URL(this.url).searchParams.get('token') ?? '';
  }
  welcome(resumeToken: string): void {
    this.readyState = 1;
    const frame = encodeServerMessage({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      playerId: 'g-1',
      gatewayId: 'gw-a',
      resumeToken,
    });
    this.onmessage?.({ data: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

/** The sockets a client opens, awaited one by one (reconnects come after a backoff delay). */
class Sockets {
  private readonly opened: FakeSocket[] = [];
  private wake: (() => void) | undefined;
  readonly factory = (url: string): WebSocketLike => {
    const s = new FakeSocket(url);
    this.opened.push(s);
    this.wake?.();
    return s;
  };
  async next(n: number): Promise<FakeSocket> {
    if (!this.opened[n]) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no connection attempt #${n + 1} within 5 s`)),
          5_000,
        );
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.opened[n]!;
  }
}

describe('ArenaClient tokens', () => {
  it('reconnects with the resume token, and with the login token once the resume token is refused', async () => {
    const sockets = new Sockets();
    const client = new ArenaClient({
      gateways: ['ws://a/ws', 'ws://b/ws'],
      token: 'login',
      maxReconnectDelayMs: 1,
      webSocket: sockets.factory,
    });
    const connected = client.connect();
    const first = await sockets.next(0);
    expect(first.token()).toBe('login');
    first.welcome('resume-1');
    await connected;

    first.drop();
    const second = await sockets.next(1);
    expect(second.token()).toBe('resume-1');
    // Refused before any welcome (a browser sees no status: the resume token may have expired).
    second.drop();
    const third = await sockets.next(2);
    expect(third.token()).toBe('login');
    third.welcome('resume-2');
    third.drop();
    const fourth = await sockets.next(3);
    expect(fourth.token()).toBe('resume-2');
    client.close();
  });
});
