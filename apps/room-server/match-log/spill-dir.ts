import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpillDirSettings {
  /** MATCH_LOG_SPILL_DIR: used as given when set. */
  spillDir: string;
  /** ROOM_SERVER_ID, when set. */
  serverId: string;
  /** ROOM_SERVER_PORT (0: any free port). */
  port: number;
}

/**
 * Where a room server's match events wait on disk. The name must survive a restart (a crashed
 * server's successor has to find its segments), so it never contains the pid: it is
 * MATCH_LOG_SPILL_DIR, else <tmp>/arena-match-log-<ROOM_SERVER_ID>, else the host and the
 * link port (one listener per port and host), else the host alone. A lock in the directory
 * refuses a second live process, so two servers without ids on one host need ids or dirs.
 */
export function spillDirFor(s: SpillDirSettings, tmp = tmpdir(), host = hostname()): string {
  if (s.spillDir) return s.spillDir;
  const safe = (v: string) => v.replace(/[^A-Za-z0-9_.-]/g, '-');
  const identity = s.serverId ? safe(s.serverId) : `${safe(host)}${s.port > 0 ? `-${s.port}` : ''}`;
  return join(tmp, `arena-match-log-${identity}`);
}
