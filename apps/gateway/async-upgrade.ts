import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';

/** What an upgrade needs from its request, read before the handler returns (req is valid only then). */
export interface UpgradeHeaders {
  key: string;
  protocol: string;
  extensions: string;
}

export function upgradeHeaders(req: HttpRequest): UpgradeHeaders {
  return {
    key: req.getHeader('sec-websocket-key'),
    protocol: req.getHeader('sec-websocket-protocol'),
    extensions: req.getHeader('sec-websocket-extensions'),
  };
}

/**
 * Whether uWS has marked this request's HTTP connection to close once its response ends: it
 * does so for any `Connection` header of exactly 5 characters (meant for "close"; HTTP/1.0,
 * the other case, is answered 505 before any handler). An upgrade of such a request after an
 * await (see completeUpgrade) sends the 101, closes the socket, and still calls `open` with no
 * `close` ever after: a connection counted for good, so a client repeating it fills the cap.
 * A WebSocket handshake says `Connection: Upgrade`; such a request is refused instead.
 */
export function closesConnection(req: HttpRequest): boolean {
  return req.getHeader('connection').length === 5;
}

/**
 * Upgrades a request once its admission (token check, revocation lookup) has resolved, after
 * the upgrade handler returned.
 *
 * Deliberately NOT inside `res.cork()`, although uWS documents a corked async upgrade and prints
 * "writes must be made from within a corked callback" for this call. Its `HttpResponse::cork()`
 * (uWS C++ before v20.79.0, so every uws-pack 20.0.x build) tells that the handler upgraded the
 * socket only by the socket's address changing; the adopt realloc shrinks the socket in place,
 * so cork() then reads the HTTP connection-close flag from memory that now belongs to the
 * WebSocket (and to the allocator) and, when that garbage has the bit, shuts down and closes
 * the new WebSocket right after its 101: the client sees 1006 before any frame, with no error
 * on either side. That closed about 1 in 200 fresh connections here (10-50 of 2000 in
 * test/integration/gateway-connect-storm.test.ts); uncorked: 0 of 6000. Fixed upstream in
 * uNetworking/uWebSockets#1929, which compares the socket context as well; once the binding
 * ships that fix, this can be corked again. Uncorked, the only cost is the 101 going out in
 * its own write, and the warning line on stderr per connection.
 */
export function completeUpgrade<UserData>(
  res: HttpResponse,
  userData: UserData,
  headers: UpgradeHeaders,
  context: us_socket_context_t,
): void {
  res.upgrade(userData, headers.key, headers.protocol, headers.extensions, context);
}
