import { describe, expect, it } from 'vitest';
import { serviceLogDocument } from '../../../apps/log-indexer/service-log-document.js';

const at = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('a service log line as an arena-logs-* document', () => {
  it('keeps the fields people search by, typed as the mapping says, in the index of its day', () => {
    const line = JSON.stringify({
      level: 50,
      time: '2026-11-24T23:59:59.500Z',
      service: 'room-server',
      instance: 'rs-a',
      playerId: 'g-1',
      roomId: 'r-1',
      matchId: 42,
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
      extra: { nested: true },
      msg: 'game threw',
    });
    const d = serviceLogDocument(line, at);
    expect(d).toEqual({
      index: 'arena-logs-2026.11.24',
      doc: {
        level: 'error',
        levelValue: 50,
        time: '2026-11-24T23:59:59.500Z',
        service: 'room-server',
        instance: 'rs-a',
        playerId: 'g-1',
        roomId: 'r-1',
        matchId: '42',
        err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
        extra: { nested: true },
        msg: 'game threw',
        indexedAt: at,
      },
    });
  });

  it('turns an err logged as a string into the same object shape, and an id object into text', () => {
    const d = serviceLogDocument(
      JSON.stringify({ level: 40, time: at, service: 'gateway', err: 'ECONNREFUSED', queue: { id: 'duel' } }),
      at,
    );
    expect(d).toMatchObject({
      index: 'arena-logs-2026.11.25',
      doc: { level: 'warn', levelValue: 40, err: { message: 'ECONNREFUSED' }, queue: '{"id":"duel"}' },
    });
  });

  it('gives a line without a usable time the time it was indexed', () => {
    const d = serviceLogDocument(JSON.stringify({ level: 30, time: 'yesterday', msg: 'x' }), at);
    expect(d).toMatchObject({ doc: { time: new Date(at).toISOString(), level: 'info' } });
  });

  it('refuses what is not a JSON object', () => {
    expect(serviceLogDocument('not json', at)).toBe('not JSON');
    expect(serviceLogDocument('[1,2]', at)).toBe('not a JSON object');
    expect(serviceLogDocument('null', at)).toBe('not a JSON object');
  });
});
