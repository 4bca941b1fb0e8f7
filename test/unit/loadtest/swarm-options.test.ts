import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../loadtest/duration.js';
import { httpBaseOf, parseSwarmOptions } from '../../../loadtest/swarm-options.js';

describe('swarm command line', () => {
  it('reads the flags of the README command, and defaults to npm start’s gateways', () => {
    const o = parseSwarmOptions([
      '--bots',
      '2000',
      '--duration',
      '60s',
      '--gateways',
      'ws://a:1/ws,ws://b:2/ws',
    ]);
    expect(o).toMatchObject({
      bots: 2000,
      durationMs: 60_000,
      gateways: ['ws://a:1/ws', 'ws://b:2/ws'],
      inputHz: 10,
    });
    expect(o.rampMs).toBe(10_000);
    expect(o.workers).toBeGreaterThanOrEqual(1);
    expect(parseSwarmOptions([]).gateways).toEqual(['ws://127.0.0.1:8080/ws', 'ws://127.0.0.1:8081/ws']);
  });

  it('refuses what it cannot run, saying how to call it', () => {
    for (const argv of [
      ['--bots', '0'],
      ['--bots', '1e9'],
      ['--bots', 'many'],
      ['--duration', 'soon'],
      ['--duration', '500ms'],
      ['--gateways', 'http://a:1/'],
      ['--input-hz', '100'],
      ['--ramp', '40s', '--duration', '30s'],
      ['--what', '1'],
      ['--bots'],
    ]) {
      expect(() => parseSwarmOptions(argv), argv.join(' ')).toThrow(/usage: npm run swarm/);
    }
  });

  it('picks each queue’s game (its bot) from the mode, else --game, else the reference game', () => {
    const window = { initial: 50, perSecond: 25, exponent: 1, max: 600 };
    const mode = {
      teams: 2,
      teamSize: 1,
      window,
      maxWaitMs: 60_000,
      joinDeadlineMs: 20_000,
      noShow: 'requeue',
    };
    const modes = JSON.stringify({ battle: { ...mode, game: 'battleship' }, duel: mode });
    const both = ['--queues', 'battle.eu,duel.eu', '--modes', modes];
    expect(parseSwarmOptions(both, {}).games).toEqual({ 'battle.eu': 'battleship', 'duel.eu': 'arena' });
    expect(parseSwarmOptions(both, {}).modes.battle).toMatchObject({ game: 'battleship', maxWaitMs: 60_000 });
    // Without --modes, the matchmakers' MATCHMAKER_MODES; --game names the game of modes that name none.
    expect(
      parseSwarmOptions(['--queues', 'duel.eu', '--game', 'battleship'], { MATCHMAKER_MODES: modes }).games,
    ).toEqual({
      'duel.eu': 'battleship',
    });
    // With neither, npm start's modes: its Battleship duel is `battle`.
    expect(parseSwarmOptions(['--queues', 'battle.eu'], {}).games).toEqual({ 'battle.eu': 'battleship' });
    expect(parseSwarmOptions([], {}).games).toEqual({
      'duel.eu': 'arena',
      'duo.eu': 'arena',
      'ffa.eu': 'arena',
    });
    for (const [argv, message] of [
      [
        ['--queues', 'battle.eu', '--modes', modes, '--game', 'arena'],
        /--game arena: queue battle.eu's mode plays battleship/,
      ],
      [['--game', 'poker'], /no swarm bot plays game "poker"/],
      [['--modes', '{"duel": 1}'], /--modes \(or MATCHMAKER_MODES\): mode "duel"/],
    ] as const) {
      expect(() => parseSwarmOptions(argv, {})).toThrow(message);
      expect(() => parseSwarmOptions(argv, {})).toThrow(/usage: npm run swarm/);
    }
  });

  it('parses durations and derives the HTTP base of a gateway', () => {
    expect([parseDuration('90'), parseDuration('1.5s'), parseDuration('2m'), parseDuration('250ms')]).toEqual(
      [90_000, 1_500, 120_000, 250],
    );
    expect(httpBaseOf('wss://play.example.com:443/ws')).toBe('https://play.example.com:443');
  });
});
