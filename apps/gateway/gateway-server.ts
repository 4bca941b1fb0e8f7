import {
  App,
  us_listen_socket_close,
  us_socket_local_port,
  type HttpRequest,
  type HttpResponse,
  type TemplatedApp,
  type us_listen_socket,
  type us_socket_context_t,
  type WebSocket,
} from 'uWebSockets.js';
import type { ArenaConfig } from '../../shared/config/index.js';
import type { Logger } from '../../shared/log/logger.js';
import {
  CloseCode,
  encodeServerMessage,
  ErrorCode,
  parseClientMessage,
  PROTOCOL_VERSION,
  type ClientMessage,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '../../shared/protocol/index.js';
import { closesConnection, completeUpgrade, upgradeHeaders } from './async-upgrade.js';
import { handleGuestLogin } from './auth/guest-endpoint.js';
import { GuestLoginLimit } from './auth/guest-rate-limit.js';
import { InvalidToken, type Session, type TokenService } from './auth/tokens.js';
import type { ClientConnection } from './client-connection.js';
import type { MatchmakingRequests } from './matchmaking-requests.js';
import type { PlayerRouter } from './player-router.js';
import type { Revocations } from '../../shared/auth/revocations.js';
import type { Leaderboards } from '../../shared/rankings/leaderboards.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import { answerLeaderboardFrame, handleLeaderboardHttp } from './leaderboard-endpoint.js';
import { RateLimiter } from './rate-limiter.js';
import { loadStaticFiles, serveStaticFile } from './static-files.js';

interface SocketData {
  session: Session;
  conn?: ClientConnection;
  limiter?: RateLimiter;
  lastRateError?: number;
  /** Set once the welcome is out and the router knows the player. */
  ready?: boolean;
  /** Frames that arrived before that, replayed in order (bounded), with their size on the wire. */
  backlog?: { msg: ClientMessage; frameBytes: number }[];
}

/** The code uWS reports for a socket that ended without a close handshake. */
const NO_CLOSE_FRAME = 1006;

/** Frames a client may send before its welcome; more is not a client we want. */
const MAX_EARLY_FRAMES = 32;

export interface GatewayServerOptions {
  gatewayId: string;
  config: ArenaConfig;
  tokens: TokenService;
  /** The revocation list, checked at every connect. */
  revocations: Revocations;
  router: PlayerRouter;
  matchmaking: MatchmakingRequests;
  leaderboards: Leaderboards;
  /** Counts and logs the requests that failed on Redis (each client is told, too). */
  redisFailures: RedisFailures;
  log: Logger;
  /** Connections accepted at most: GATEWAY_MAX_CONNECTIONS lowered under the fd limit (fd-limit.ts). */
  maxConnections?: number;
}

/** Plain numbers on the hot path; gateway-metrics.ts reads them at scrape time. */
export interface GatewayCounters {
  connections: number;
  framesIn: number;
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
  badFrames: number;
  rateLimited: number;
  rejectedUpgrades: number;
  /** Connects refused because the session (or the player) was revoked. */
  revokedSessions: number;
  /** Upgrades refused with 503 because the gateway was at its connection cap. */
  fullRefusals: number;
  /** Sockets that ended before their welcome went out, not closed by the gateway's own code. */
  closedBeforeWelcome: number;
  /** Welcomed sockets that ended without a close frame (1006), not closed by the gateway's own code. */
  abruptCloses: number;
  /** Clients disconnected for flooding (4003): far past the rate limit, or too many frames before the welcome. */
  floodCloses: number;
}

/** Wraps a uWS socket for the router; every call is safe after the socket closed. */
class UwsConnection implements ClientConnection {
  closed = false;
  constructor(
    readonly playerId: string,
    private readonly ws: WebSocket<SocketData>,
    private readonly counters: GatewayCounters,
  ) {}

  send(frame: Uint8Array): boolean {
    if (this.closed || this.ws.send(frame, true) === 2) return false; // 2: dropped (over the limit)
    this.counters.framesOut++;
    this.counters.bytesOut += frame.byteLength;
    return true;
  }

  bufferedAmount(): number {
    return this.closed ? 0 : this.ws.getBufferedAmount();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.end(code, reason);
  }
}

/** Frames over this are cut off by uWS itself; between maxFrameBytes and this, we close with 1009. */
export function hardFrameCap(maxFrameBytes: number): number {
  return Math.max(64 * 1024, maxFrameBytes * 4);
}

function remoteAddress(res: HttpResponse): string {
  return Buffer.from(res.getRemoteAddressAsText()).toString();
}

function tokenFrom(req: HttpRequest): { token: string; version: number } {
  const params = new URLSearchParams(req.getQuery() ?? '');
  const auth = req.getHeader('authorization');
  const token = params.get('token') ?? (auth.startsWith('Bearer ') ? auth.slice(7) : '');
  return { token, version: Number(params.get('v') ?? PROTOCOL_VERSION) };
}

/**
 * The gateway's network edge: WebSocket upgrade with token check (before the upgrade, so a
 * bad token never gets a socket), frame size and rate limits, backpressure, and the HTTP
 * endpoints (guest login, health, the web demo).
 */
export class GatewayServer {
  private readonly app: TemplatedApp;
  private listenSocket: us_listen_socket | undefined;
  /** Set by stop(): an upgrade on a kept-alive HTTP connection must not open a socket here now. */
  private stopping = false;
  private readonly sockets = new Set<UwsConnection>();
  /** Guest logins per client address (AUTH_GUEST_LOGINS_PER_MIN). */
  readonly guestLogins: GuestLoginLimit;
  readonly counters: GatewayCounters = {
    connections: 0,
    framesIn: 0,
    bytesIn: 0,
    framesOut: 0,
    bytesOut: 0,
    badFrames: 0,
    rateLimited: 0,
    rejectedUpgrades: 0,
    revokedSessions: 0,
    fullRefusals: 0,
    closedBeforeWelcome: 0,
    abruptCloses: 0,
    floodCloses: 0,
  };
  /** Upgrades admitted but not yet open: they count against the cap too. */
  private upgrading = 0;

  /** The connection cap in force (GATEWAY_MAX_CONNECTIONS, lowered under the fd limit). */
  get maxConnections(): number {
    return this.o.maxConnections ?? this.o.config.gateway.maxConnections;
  }

  constructor(private readonly o: GatewayServerOptions) {
    const gw = o.config.gateway;
    this.guestLogins = new GuestLoginLimit(o.config.auth.guestLoginsPerMin);
    const statics = loadStaticFiles(gw.staticDir);
    this.app = App()
      .ws<SocketData>('/ws', {
        // uWS force-closes (1006, no reason) above this hard cap before buffering the frame;
        // frames between the configured limit and the cap get a clean 1009 from message().
        maxPayloadLength: hardFrameCap(gw.maxFrameBytes),
        maxBackpressure: gw.maxBackpressureBytes,
        closeOnBackpressureLimit: true,
        idleTimeout: gw.idleTimeoutS,
        sendPingsAutomatically: true,
        upgrade: (res, req, context) => this.upgrade(res, req, context),
        open: (ws) => this.open(ws),
        message: (ws, message) => this.message(ws, message),
        drain: (ws) => {
          const conn = ws.getUserData().conn;
          if (conn) o.router.drained(conn);
        },
        close: (ws, code, message) => {
          const conn = ws.getUserData().conn as UwsConnection | undefined;
          if (!conn) return;
          if (!conn.closed) this.dropped(conn, ws.getUserData().ready === true, code, message);
          conn.closed = true;
          this.sockets.delete(conn);
          this.counters.connections--;
          o.router.disconnected(conn);
          if (ws.getUserData().ready) this.background(o.matchmaking.disconnected(conn), 'queue_away');
        },
      })
      .post('/auth/guest', (res) => {
        if (o.config.auth.guestEnabled && !this.guestLogins.take(remoteAddress(res))) {
          o.log.warn({ address: remoteAddress(res) }, 'guest login refused: rate limit');
          res
            .writeStatus('429 Too Many Requests')
            .writeHeader('retry-after', '60')
            .end('too many guest logins');
        } else if (o.config.auth.guestEnabled) handleGuestLogin(res, o.tokens);
        else res.writeStatus('404 Not Found').end('guest login is disabled');
      })
      .get('/leaderboard', (res, req) =>
        handleLeaderboardHttp(res, req, o.leaderboards, o.log, o.redisFailures),
      )
      .get('/healthz', (res) => {
        res.end('ok');
      })
      .get('/*', (res, req) => serveStaticFile(statics, res, req, false))
      .head('/*', (res, req) => serveStaticFile(statics, res, req, true))
      .any('/*', (res) => {
        res.writeStatus('405 Method Not Allowed').end('method not allowed');
      });
  }

  listen(): Promise<number> {
    const { host, port } = this.o.config.gateway;
    return new Promise((resolve, reject) => {
      this.app.listen(host, port, (socket) => {
        if (!socket) return reject(new Error(`gateway cannot listen on ${host}:${port}`));
        this.listenSocket = socket;
        resolve(us_socket_local_port(socket as never));
      });
    });
  }

  /** Stops accepting, then asks every client to reconnect elsewhere (1012 service restart). */
  stop(): void {
    this.stopping = true;
    if (this.listenSocket) us_listen_socket_close(this.listenSocket);
    this.listenSocket = undefined;
    // Every socket, including those still waiting for their welcome, not only routed players.
    for (const conn of [...this.sockets])
      conn.close(CloseCode.ServiceRestart, 'gateway restarting: reconnect');
    this.o.router.closeLinks();
  }

  /** `frameBytes`: the client frame's size, which bounds what may be forwarded for it. */
  private dispatch(conn: ClientConnection, msg: ClientMessage, frameBytes: number): void {
    if (msg.type === 'queue')
      this.background(this.o.matchmaking.queue(conn, msg.queue, msg.party), 'queue', conn);
    else if (msg.type === 'leaderboard') {
      this.background(
        answerLeaderboardFrame(
          conn,
          msg.requestId,
          msg.query,
          this.o.leaderboards,
          this.o.log,
          this.o.redisFailures,
        ),
        'leaderboard',
      );
    } else if (msg.type === 'party_accept')
      this.background(this.o.matchmaking.acceptParty(conn, msg.leader), 'party_accept', conn);
    else if (msg.type === 'party_withdraw')
      this.background(this.o.matchmaking.withdrawParty(conn, msg.leader), 'party_withdraw', conn);
    else if (msg.type === 'cancel_queue')
      this.background(this.o.matchmaking.cancel(conn), 'cancel_queue', conn);
    else this.o.router.message(conn, msg, frameBytes);
  }

  /**
   * Runs a request on Redis; when it fails (timeout, Redis unreachable) the failure is
   * counted and logged, and the client that asked (if any) gets an `unavailable` error frame.
   */
  private background(p: Promise<void>, what: string, conn?: ClientConnection): void {
    p.catch((err: unknown) => {
      this.o.redisFailures.record(what, err, conn ? { playerId: conn.playerId } : {});
      conn?.send(
        encodeServerMessage({
          type: 'error',
          code: ErrorCode.Unavailable,
          message: `${what} failed: matchmaking storage unavailable, try again shortly`,
        }),
      );
    });
  }

  /**
   * A socket the gateway's own code did not close ended: the client went away, or uWS closed it
   * (idle timeout, backpressure limit, a frame over the hard cap). Counted and logged, so that
   * no connection ends unseen; one that ends before its welcome is the one to look into.
   */
  private dropped(conn: UwsConnection, welcomed: boolean, code: number, message: ArrayBuffer): void {
    const reason = Buffer.from(message).toString('utf8').slice(0, 123);
    if (!welcomed) {
      this.counters.closedBeforeWelcome++;
      this.o.log.warn({ playerId: conn.playerId, code, reason }, 'connection closed before its welcome');
    } else if (code === NO_CLOSE_FRAME) {
      this.counters.abruptCloses++;
      this.o.log.info({ playerId: conn.playerId }, 'connection dropped without a close frame');
    }
  }

  private upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void {
    const headers = upgradeHeaders(req);
    const { token, version } = tokenFrom(req);
    const connectionClose = closesConnection(req);
    let aborted = false;
    res.onAborted(() => (aborted = true));
    const refuse = (status: string, message: string) => {
      this.counters.rejectedUpgrades++;
      if (!aborted) res.cork(() => res.writeStatus(status).end(message));
    };
    // A load balancer that gets 503 tries the next gateway (infra/lb/nginx.conf).
    if (this.stopping) return refuse('503 Service Unavailable', 'gateway restarting: try another');
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return refuse(
        '426 Upgrade Required',
        `protocol version ${version} unsupported; use ${PROTOCOL_VERSION}`,
      );
    }
    if (connectionClose)
      return refuse('400 Bad Request', 'a WebSocket handshake says Connection: Upgrade, not close');
    if (this.counters.connections + this.upgrading >= this.maxConnections) {
      this.counters.fullRefusals++;
      return refuse('503 Service Unavailable', 'gateway full: try another');
    }
    this.upgrading++;
    const settled = () => this.upgrading--;
    this.admit(token).then(
      (session) => {
        settled();
        if (aborted) return;
        completeUpgrade<SocketData>(res, { session }, headers, context);
      },
      (err: unknown) => {
        settled();
        if (err instanceof InvalidToken) return refuse('401 Unauthorized', err.message);
        // The revocation list could not be read: refuse (fail closed); the SDK tries again.
        this.o.redisFailures.record('revocation_check', err);
        refuse('503 Service Unavailable', 'session check unavailable: try again');
      },
    );
  }

  /** The session of a valid, unrevoked token; InvalidToken otherwise. */
  private async admit(token: string): Promise<Session> {
    const session = await this.o.tokens.verify(token);
    if (await this.o.revocations.isRevoked(session)) {
      this.counters.revokedSessions++;
      this.o.log.info(
        { playerId: session.playerId, sessionId: session.sessionId },
        'connect refused: session revoked',
      );
      throw new InvalidToken('session revoked');
    }
    return session;
  }

  private open(ws: WebSocket<SocketData>): void {
    const data = ws.getUserData();
    const conn = new UwsConnection(data.session.playerId, ws, this.counters);
    data.conn = conn;
    data.limiter = new RateLimiter(this.o.config.gateway.ratePerS, this.o.config.gateway.rateBurst);
    this.sockets.add(conn);
    this.counters.connections++;
    this.o.tokens.issueResume(data.session).then(
      ({ token }) => {
        if (conn.closed) return;
        conn.send(
          encodeServerMessage({
            type: 'welcome',
            protocolVersion: PROTOCOL_VERSION,
            playerId: conn.playerId,
            gatewayId: this.o.gatewayId,
            resumeToken: token,
          }),
        );
        this.o.router.connected(conn);
        this.background(this.o.matchmaking.connected(conn), 'queue_status');
        data.ready = true;
        for (const early of data.backlog?.splice(0) ?? []) this.dispatch(conn, early.msg, early.frameBytes);
      },
      (err: unknown) => {
        this.o.log.error({ err }, 'could not issue resume token');
        conn.close(CloseCode.ServiceRestart, 'try again');
      },
    );
  }

  private message(ws: WebSocket<SocketData>, message: ArrayBuffer): void {
    const data = ws.getUserData();
    const conn = data.conn as UwsConnection | undefined;
    if (!conn || conn.closed) return;
    this.counters.framesIn++;
    this.counters.bytesIn += message.byteLength;
    if (message.byteLength > this.o.config.gateway.maxFrameBytes) {
      this.counters.badFrames++;
      this.o.log.warn(
        { playerId: conn.playerId, bytes: message.byteLength },
        'frame over GATEWAY_MAX_FRAME_BYTES: disconnected',
      );
      conn.close(CloseCode.MessageTooBig, `frame over ${this.o.config.gateway.maxFrameBytes} bytes`);
      return;
    }
    const verdict = data.limiter!.take();
    if (verdict === 'flood') {
      this.counters.floodCloses++;
      this.o.log.warn({ playerId: conn.playerId }, 'client flooding: disconnected');
      conn.close(CloseCode.Flood, 'too many messages');
      return;
    }
    if (verdict === 'limited') {
      this.counters.rateLimited++;
      const now = Date.now();
      if (!data.lastRateError || now - data.lastRateError > 1000) {
        data.lastRateError = now;
        conn.send(
          encodeServerMessage({
            type: 'error',
            code: ErrorCode.RateLimited,
            message: 'slow down: message dropped',
          }),
        );
      }
      return;
    }
    // The ArrayBuffer is valid only during this call: the router re-encodes what it forwards at once.
    const parsed = parseClientMessage(new Uint8Array(message));
    if (!parsed.ok) {
      this.counters.badFrames++;
      conn.send(encodeServerMessage({ type: 'error', code: parsed.code, message: parsed.message }));
      return;
    }
    if (data.ready) {
      this.dispatch(conn, parsed.msg, message.byteLength);
      return;
    }
    data.backlog ??= [];
    if (data.backlog.length >= MAX_EARLY_FRAMES) {
      this.counters.floodCloses++;
      this.o.log.warn(
        { playerId: conn.playerId, frames: data.backlog.length + 1 },
        'client flooding before its welcome: disconnected',
      );
      conn.close(CloseCode.Flood, 'too many messages before welcome');
      return;
    }
    // Kept past this call: copy out of the transient ArrayBuffer (binary inputs alias it).
    data.backlog.push({ msg: structuredClone(parsed.msg), frameBytes: message.byteLength });
  }
}
