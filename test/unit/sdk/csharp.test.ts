import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCsharpSdk } from '../../helpers/csharp-sdk.js';

/**
 * The C# SDK's own test suite (sdks/csharp/tests: msgpack, the shared protocol vectors, fuzzed
 * frames, connection logic, the room store, the typed flows) as one vitest test: compiled here with Mono's mcs, run with mono,
 * failing with the runner's output. Needs mono-mcs and mono-runtime (see README prerequisites).
 */
const VECTORS = fileURLToPath(new URL('../../../shared/protocol/test-vectors.json', import.meta.url));

describe('C# SDK (built with mcs, run with mono)', () => {
  it('compiles as C# 7.2 and passes its tests, the shared protocol vectors and the fuzzing included', () => {
    const build = buildCsharpSdk();
    try {
      const run = spawnSync(
        'mono',
        ['--debug', join(build.dir, 'Arena.Client.Tests.exe'), '--vectors', VECTORS],
        {
          encoding: 'utf8',
          timeout: 150_000,
        },
      );
      const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? `\n${run.error.message}` : ''}`;
      expect(run.status, `C# tests failed (exit ${run.status ?? run.signal}):\n${output}`).toBe(0);
      expect(output).toMatch(/tests: \d+ passed, 0 failed/);
      // The vector and fuzz suites ran (a filter or a lost file would skip them silently).
      expect(output).toContain('ok   VectorTests.ServerFramesDecodeToTheirMessages');
      expect(output).toContain('ok   FuzzTests.MutatedVectorsNeverEscapeAsAnythingButProtocolException');
      // And the room store and typed flows (issue 17 item 3).
      expect(output).toContain(
        'ok   RoomStateTests.AResumeSnapshotReplacesTheStateWithEventsForTheDifferencesOnly',
      );
      expect(output).toContain(
        'ok   FlowTests.JoinAsyncCreatesWithOptionsCompletesWithTheSnapshotAndFailsWithTheRefusal',
      );
    } finally {
      build.remove();
    }
  }, 240_000);
});
