import type { HttpResponse, HttpRequest } from 'uWebSockets.js';
import type { Logger } from '../../shared/log/logger.js';
import { encodeServerMessage } from '../../shared/protocol/index.js';
import { parseLeaderboardQuery } from '../../shared/rankings/leaderboard-query.js';
import type { Leaderboards } from '../../shared/rankings/leaderboards.js';
import { RankingsError } from '../../shared/rankings/rankings-error.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import type { ClientConnection } from './client-connection.js';

type Answer = { status: 200 | 400 | 404 | 500; body: unknown };

async function answer(
  leaderboards: Leaderboards,
  raw: unknown,
  log: Logger,
  failures?: RedisFailures,
): Promise<Answer> {
  try {
    return { status: 200, body: await leaderboards.answer(parseLeaderboardQuery(raw)) };
  } catch (err) {
    if (err instanceof RankingsError) {
      return {
        status: err.code === 'not_found' ? 404 : 400,
        body: { error: err.code, message: err.message },
      };
    }
    if (failures) failures.record('leaderboard', err);
    else log.error({ err }, 'leaderboard query failed');
    return { status: 500, body: { error: 'internal', message: 'leaderboard unavailable' } };
  }
}

const STATUS = {
  200: '200 OK',
  400: '400 Bad Request',
  404: '404 Not Found',
  500: '500 Internal Server Error',
};

/**
 * GET /leaderboard?kind=top|player|around|friends|seasons&game=&season=&region=&offset=&limit=&player=&radius=&players=a,b
 * `game` picks the game's boards (default: the reference game, REFERENCE_GAME); the answer names
 * it. Answers JSON; 400 for a bad query, 404 for an unknown season or a player without a standing.
 */
export function handleLeaderboardHttp(
  res: HttpResponse,
  req: HttpRequest,
  leaderboards: Leaderboards,
  log: Logger,
  failures?: RedisFailures,
): void {
  const params = Object.fromEntries(new URLSearchParams(req.getQuery() ?? ''));
  let aborted = false;
  res.onAborted(() => (aborted = true));
  void answer(leaderboards, params, log, failures).then(({ status, body }) => {
    if (aborted) return;
    res.cork(() => {
      res
        .writeStatus(STATUS[status])
        .writeHeader('content-type', 'application/json')
        .end(JSON.stringify(body));
    });
  });
}

/** The same queries over the WebSocket protocol: the answer echoes the request id. */
export async function answerLeaderboardFrame(
  conn: ClientConnection,
  requestId: number,
  query: unknown,
  leaderboards: Leaderboards,
  log: Logger,
  failures?: RedisFailures,
): Promise<void> {
  const { status, body } = await answer(leaderboards, query, log, failures);
  conn.send(encodeServerMessage({ type: 'leaderboard', requestId, ok: status === 200, body }));
}
