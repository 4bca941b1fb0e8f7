import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess } from '../../../infra/local/managed-process.js';
import { ServiceError } from '../../../infra/local/service-error.js';
import { waitHealthy } from '../../../infra/local/wait-healthy.js';

const dir = mkdtempSync(join(tmpdir(), 'arena-proc-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('managed process', () => {
  it('stop() of a process that ignores SIGTERM resolves even when nothing else keeps Node running', () => {
    // A script whose only work is the stop: the SIGKILLed child is unref'd, so awaiting its
    // exit event alone would let Node end the script before stop() resolved.
    const script = `
      import { startProcess } from ${JSON.stringify(new URL('../../../infra/local/managed-process.ts', import.meta.url).href)};
      const p = startProcess({ name: 'stubborn', command: 'sh', args: ['-c', 'trap "" TERM; echo up; sleep 30'], logFile: ${JSON.stringify(join(dir, 'stubborn.log'))} });
      await new Promise((r) => setTimeout(r, 200));
      await p.stop(300);
      console.log('stopped', p.hasExited());`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stdout.trim()).toBe('stopped true');
  });

  it('stop() ends the whole process group, grandchildren included', async () => {
    const proc = startProcess({
      name: 'tree',
      command: 'sh',
      args: ['-c', 'sleep 300 & echo $! > grandchild.pid; sleep 300'],
      cwd: dir,
      logFile: join(dir, 'tree.log'),
    });
    await waitHealthy({
      component: 'tree',
      process: proc,
      timeoutMs: 5_000,
      intervalMs: 20,
      check: async () => (await import('node:fs')).existsSync(join(dir, 'grandchild.pid')),
    });
    const grandchild = Number((await import('node:fs')).readFileSync(join(dir, 'grandchild.pid'), 'utf8'));
    expect(alive(grandchild)).toBe(true);

    await proc.stop(2_000);
    expect(proc.hasExited()).toBe(true);
    expect(alive(proc.pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });

  it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    const proc = startProcess({
      name: 'stubborn',
      command: 'sh',
      args: ['-c', "trap '' TERM; echo ready; while true; do sleep 1; done"],
      logFile: join(dir, 'stubborn.log'),
    });
    await waitHealthy({
      component: 'stubborn',
      process: proc,
      timeoutMs: 5_000,
      intervalMs: 20,
      check: async () => proc.logTail().includes('ready'),
    });
    await proc.stop(300);
    expect((await proc.exited).signal).toBe('SIGKILL');
  });
});

describe('waitHealthy', () => {
  it('fails at once, naming the component and showing its log, when the process dies during start', async () => {
    const proc = startProcess({
      name: 'crasher',
      command: 'sh',
      args: ['-c', 'echo "bad config line 3"; exit 78'],
      logFile: join(dir, 'crasher.log'),
    });
    const error = await waitHealthy({
      component: 'crasher',
      process: proc,
      timeoutMs: 30_000,
      check: async () => false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toMatch(/^crasher: process exited during start \(code 78/);
    expect((error as Error).message).toContain('bad config line 3');
  });

  it('times out with the component name and the last check error', async () => {
    const error = await waitHealthy({
      component: 'ghost',
      timeoutMs: 100,
      intervalMs: 10,
      check: async () => {
        throw new Error('connection refused');
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('ghost: not healthy after 0s (connection refused)');
  });
});
