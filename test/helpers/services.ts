import { inject } from 'vitest';
import { loadConfig, type ArenaConfig } from '../../shared/config/index.js';

/** Arena's configuration pointed at the real services of this test run. */
export function testConfig(overrides: Record<string, string> = {}): ArenaConfig {
  return loadConfig({ ...process.env, ...inject('services'), ...overrides });
}

/** A name no other test (or earlier run against a reused service) has used. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
