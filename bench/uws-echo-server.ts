/**
 * Baseline for bench/realtime-cpu.ts: the least a uWebSockets.js server can do per message,
 * echo each binary message back. Prints {"event":"ready","port":N} when listening.
 */
import { App, us_socket_local_port } from 'uWebSockets.js';

App()
  .ws('/ws', {
    maxPayloadLength: 64 * 1024,
    message: (ws, message) => {
      ws.send(message, true);
    },
  })
  .listen('127.0.0.1', 0, (socket) => {
    if (!socket) process.exit(1);
    console.log(JSON.stringify({ event: 'ready', port: us_socket_local_port(socket as never) }));
  });
