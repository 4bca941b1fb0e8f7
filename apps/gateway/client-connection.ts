/** What the router needs of one client WebSocket (uWebSockets.js in production). */
export interface ClientConnection {
  readonly playerId: string;
  /** False when the frame could not be queued (connection closed or over its limit). */
  send(frame: Uint8Array): boolean;
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}
