import { spawnSync } from 'node:child_process';
import { ServiceError } from './service-error.js';

/** Makes sure a system user with no login and no home exists (root only). */
export function ensureSystemUser(component: string, user: string): void {
  if (spawnSync('id', ['-u', user], { stdio: 'ignore' }).status === 0) return;
  const made = spawnSync(
    'useradd',
    ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', user],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) {
    throw new ServiceError(
      component,
      `cannot create user ${user}: ${made.stderr.trim() || made.error?.message}`,
    );
  }
}

/** True when `user` can read and traverse down to `path` (e.g. a cache under /root would fail). */
export function userCanRead(user: string, path: string): boolean {
  return (
    spawnSync('setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', 'test', '-r', path], {
      stdio: 'ignore',
    }).status === 0
  );
}
