import { describe, expect, it } from 'vitest';
import { htmlReport } from '../../../loadtest/report/html-report.js';
import { summaryTable } from '../../../loadtest/report/summary-table.js';
import { isProtocolError, SwarmTotals, WorkerStats } from '../../../loadtest/swarm-stats.js';

describe('swarm statistics', () => {
  it('merges workers: counters add up, round trips pool, a match seen by two workers counts once', () => {
    const a = new WorkerStats();
    const b = new WorkerStats();
    for (let i = 1; i <= 90; i++) a.roundTrip(i * 1000); // 1..90 ms
    for (let i = 91; i <= 100; i++) b.roundTrip(i * 1000); // 91..100 ms
    a.matchFound('m1', 300);
    b.matchFound('m1', 500);
    b.matchFound('m2', 700);
    a.matchEnded('m1');
    a.counters.messagesIn = 1000;
    b.counters.messagesIn = 500;
    b.error('error:bad_request');
    b.error('error:not_in_room');
    b.error('close:1012');

    const totals = new SwarmTotals(4, 0);
    totals.add(0, a.snapshot({ connected: 2, queued: 0, playing: 2 }, 3));
    totals.add(1, b.snapshot({ connected: 2, queued: 1, playing: 1 }, 7));
    const second = totals.tick(1_000);
    expect(second).toMatchObject({
      connected: 4,
      queued: 1,
      playing: 3,
      messagesInPerS: 1500,
      matchesPerS: 2,
      generatorLagMs: 7,
    });

    expect(totals.progress()).toEqual({ matchesStarted: 2, errors: 3, protocolErrors: 1 });
    const s = totals.summary(2_000);
    expect(s.latencyMs.count).toBe(100);
    expect(s.latencyMs.p50).toBeCloseTo(50, 0);
    expect(s.latencyMs.p99).toBeCloseTo(99, 0);
    expect(s.latencyMs.max).toBeCloseTo(100, 0);
    expect(s.timeToMatchMs.count).toBe(3);
    expect([s.matchesStarted, s.matchesFinished]).toEqual([2, 1]);
    expect(s.counters.messagesIn).toBe(1500);
    expect(s.protocolErrors).toBe(1); // bad_request; not_in_room and a restart (1012) are not
    expect(s.latencyBuckets.reduce((n, [, c]) => n + c, 0)).toBe(100);

    // The next snapshot carries only what is new: nothing is counted twice.
    totals.add(0, a.snapshot({ connected: 2, queued: 0, playing: 2 }, 1));
    expect(totals.summary(3_000).latencyMs.count).toBe(100);

    const table = summaryTable(s, {
      gateways: ['ws://g/ws'],
      queues: ['duel.eu'],
      workers: 2,
      generatorCpu: 0.3,
    });
    expect(table).toMatch(/input -> state round trip \(ms\)\s+100\s+50/);
    expect(table).toContain('protocol errors: 1');
    const html = htmlReport(s, totals.timeline, {
      command: 'npm run swarm',
      startedAt: 'now',
      gateways: ['ws://g/ws'],
    });
    expect(html.match(/<svg/g)).toHaveLength(4);
  });

  it('reports each game apart when the bots play several: matches and round trips', () => {
    const a = new WorkerStats();
    const b = new WorkerStats();
    for (let i = 0; i < 100; i++) a.roundTrip(20_000, 'arena'); // 20 ms
    for (let i = 0; i < 10; i++) b.roundTrip(400_000, 'battleship'); // 400 ms: a 2 Hz tick
    a.matchFound('m1', 100, 'arena');
    a.matchFound('m2', 100, 'arena');
    b.matchFound('m3', 100, 'battleship');
    a.matchFound('m3', 100, 'battleship'); // the other bot of m3, in another worker
    b.matchEnded('m3');
    const totals = new SwarmTotals(4, 0);
    totals.add(0, a.snapshot({ connected: 2, queued: 0, playing: 2 }, 0));
    totals.add(1, b.snapshot({ connected: 2, queued: 0, playing: 2 }, 0));
    const s = totals.summary(1_000);
    expect(s.latencyMs.count).toBe(110);
    expect(Object.keys(s.byGame)).toEqual(['arena', 'battleship']);
    expect(s.byGame.arena).toMatchObject({ matchesStarted: 2, matchesFinished: 0 });
    expect(s.byGame.battleship).toMatchObject({ matchesStarted: 1, matchesFinished: 1 });
    expect(s.byGame.arena!.latencyMs.count).toBe(100);
    expect(s.byGame.arena!.latencyMs.p99).toBeCloseTo(20, 0);
    expect(s.byGame.battleship!.latencyMs.p50).toBeCloseTo(400, -1);
    const table = summaryTable(s, {
      gateways: ['ws://g/ws'],
      queues: ['duel.eu', 'battle.eu'],
      workers: 2,
      generatorCpu: 0,
    });
    expect(table).toMatch(/^ {2}arena\s+100\s+20/m);
    expect(table).toMatch(/^ {2}battleship\s+10\s+40[0-9]/m);
    expect(table).toMatch(/^ {2}battleship: started \/ finished\s+1 \/ 1/m);
    const html = htmlReport(s, totals.timeline, {
      command: 'swarm',
      startedAt: 'now',
      gateways: ['ws://g/ws'],
    });
    expect(html).toMatch(/<th>&nbsp;&nbsp;battleship \(matches 1 \/ 1\)<\/th><td>10<\/td>/);
  });

  it('reports the true percentiles of known data, not just ordered numbers', () => {
    const w = new WorkerStats();
    // 990 round trips of 10 ms and 10 of 1 s: the median and p99 are 10 ms, p99.9 and max 1 s.
    for (let i = 0; i < 990; i++) w.roundTrip(10_000);
    for (let i = 0; i < 10; i++) w.roundTrip(1_000_000);
    // Times to match 100, 200, ..., 1000 ms.
    for (let i = 1; i <= 10; i++) w.matchFound(`m${i}`, i * 100);
    const totals = new SwarmTotals(1, 0);
    totals.add(0, w.snapshot({ connected: 1, queued: 0, playing: 1 }, 0));
    const second = totals.tick(1_000);
    const s = totals.summary(1_000);
    // HdrHistogram keeps 3 significant digits: values within 0.1 %.
    const near = (actual: number, expected: number) =>
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected / 1000);
    expect(s.latencyMs.count).toBe(1000);
    near(s.latencyMs.p50, 10);
    near(s.latencyMs.p90, 10);
    near(s.latencyMs.p99, 10);
    near(s.latencyMs.p999, 1000);
    near(s.latencyMs.max, 1000);
    near(second.p50Ms, 10);
    near(second.p99Ms, 10);
    expect(s.timeToMatchMs.count).toBe(10);
    near(s.timeToMatchMs.p50, 500);
    near(s.timeToMatchMs.p90, 900);
    near(s.timeToMatchMs.p99, 1000);
    near(s.timeToMatchMs.max, 1000);
    // The histogram plot holds every round trip in the right bucket: 990 up to 16 ms, 10 up to 1024 ms.
    expect(s.latencyBuckets.filter(([, c]) => c > 0)).toEqual([
      [16, 990],
      [1024, 10],
    ]);
  });

  it('classifies protocol errors', () => {
    expect(
      ['error:bad_frame', 'error:rate_limited', 'close:1009', 'close:4003', 'unreadable_frame'].every(
        isProtocolError,
      ),
    ).toBe(true);
    expect(
      ['error:not_in_room', 'close:1012', 'close:1006', 'login_failed', 'queue_ended:timeout'].some(
        isProtocolError,
      ),
    ).toBe(false);
  });
});
