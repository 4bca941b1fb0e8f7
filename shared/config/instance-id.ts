import { hostname } from 'node:os';

/** The configured id, or `<prefix>-<host>-<pid>`, trimmed to the 64 characters ids may have. */
export function instanceId(configured: string, prefix: string): string {
  if (configured) return configured;
  const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '-');
  return `${prefix}-${host}-${process.pid}`.slice(0, 64);
}
