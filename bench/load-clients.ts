import WebSocket from 'ws';
import { encodeClientMessage, PROTOCOL_VERSION, ServerType } from '../shared/protocol/index.js';

/**
 * Thin WebSocket clients for benchmarks: they count what they receive without decoding it,
 * so that the load generator costs as little CPU as possible next to the servers it measures.
 */
export interface CountingClient {
  ws: WebSocket;
  received: number;
}

export function openClient(url: string, countIf: (frame: Buffer) => boolean): Promise<CountingClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const client: CountingClient = { ws, received: 0 };
    ws.on('message', (data: Buffer) => {
      if (countIf(data)) client.received++;
    });
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/** True for an Arena state-delta frame: a msgpack fixarray whose first item is ServerType.State. */
export const isStateFrame = (frame: Buffer) => (frame[0]! & 0xf0) === 0x90 && frame[1] === ServerType.State;

/** Opens an Arena client: guest login, connect, join `roomId`; resolves once it is seated. */
export async function openArenaClient(
  httpBase: string,
  wsUrl: string,
  roomId: string,
): Promise<CountingClient> {
  const res = await fetch(`${httpBase}/auth/guest`, { method: 'POST', body: '{}' });
  const { token } = (await res.json()) as { token: string };
  const joined = (frame: Buffer) => (frame[0]! & 0xf0) === 0x90 && frame[1] === ServerType.Joined;
  let seated: () => void = () => {};
  const ready = new Promise<void>((r) => (seated = r));
  const client = await openClient(`${wsUrl}?v=${PROTOCOL_VERSION}&token=${token}`, (frame) => {
    if (joined(frame)) seated();
    return isStateFrame(frame);
  });
  client.ws.send(encodeClientMessage({ type: 'join', roomId, options: { bots: 0 } }));
  await ready;
  return client;
}

/** Calls `send(client, i)` for every client `hz` times a second until stopped. */
export function driveAt(
  hz: number,
  clients: CountingClient[],
  send: (c: CountingClient, i: number) => void,
): () => void {
  let i = 0;
  const timer = setInterval(() => {
    i++;
    for (const c of clients) if (c.ws.readyState === WebSocket.OPEN) send(c, i);
  }, 1000 / hz);
  return () => clearInterval(timer);
}
