import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { connectionCap, FD_HEADROOM, softFdLimit } from '../../../apps/gateway/fd-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 1048576              files
`;

describe('gateway connection cap under the fd limit', () => {
  it('reads the soft open-files limit, and nothing from an unlimited or missing one', () => {
    expect(softFdLimit(LIMITS)).toBe(1024);
    expect(softFdLimit(LIMITS.replace('1024 ', 'unlimited'))).toBeUndefined();
    expect(softFdLimit('garbage')).toBeUndefined();
  });

  it('caps connections at min(GATEWAY_MAX_CONNECTIONS, fd limit - headroom)', () => {
    expect(connectionCap(20_000, 1024)).toBe(1024 - FD_HEADROOM);
    expect(connectionCap(500, 1024)).toBe(500);
    expect(connectionCap(20_000, undefined)).toBe(20_000);
    expect(connectionCap(20_000, 64)).toBe(0);
  });

  it('sees the limit a process was started with (ulimit -n 256 in a child)', { timeout: 120_000 }, () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `ulimit -n 256; exec "${process.execPath}" --import tsx -e "import('./apps/gateway/fd-limit.ts').then((m) => console.log(m.connectionCap(20000, m.softFdLimit())))"`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stderr).toBe('');
    expect(Number(r.stdout.trim())).toBe(256 - FD_HEADROOM);
  });

  it(
    'gets the hard limit when only the soft one is low (node raises it at start)',
    { timeout: 120_000 },
    () => {
      // What `ulimit -Sn 256` under a larger hard limit gives a gateway: the whole hard limit.
      const r = spawnSync(
        'bash',
        [
          '-c',
          `ulimit -Sn 256; echo "$(ulimit -Hn)"; exec "${process.execPath}" --import tsx -e "import('./apps/gateway/fd-limit.ts').then((m) => console.log(m.softFdLimit()))"`,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.stderr).toBe('');
      const [hard, seen] = r.stdout.trim().split('\n');
      // Under an unlimited hard limit node raises the soft one as far as the kernel lets it.
      if (hard === 'unlimited') expect(Number(seen)).toBeGreaterThan(256);
      else expect(seen).toBe(hard);
    },
  );
});
