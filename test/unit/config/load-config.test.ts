import { describe, expect, it } from 'vitest';
import { splitHostPort } from '../../../shared/config/host-port.js';
import {
  ConfigError,
  listVariables,
  loadConfig,
  readVariable,
  configSchema,
} from '../../../shared/config/index.js';

describe('loadConfig', () => {
  it('gives local-development defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.elasticsearch.url).toBe('http://127.0.0.1:9200');
    expect(config.log.level).toBe('info');
    expect(config.localStack.keepLogs).toBe(false);
  });

  it('parses values from the environment into typed fields', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://cache.internal:6380/2',
      KAFKA_BROKERS: 'k1:9092, k2:9093,[::1]:9094',
      LOG_LEVEL: 'debug',
      ARENA_KEEP_LOGS: 'yes',
    });
    expect(config.redis.url).toBe('rediss://cache.internal:6380/2');
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9093', '[::1]:9094']);
    expect(config.log.level).toBe('debug');
    expect(config.localStack.keepLogs).toBe(true);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        REDIS_URL: 'http://x',
        KAFKA_BROKERS: 'nohostport',
        LOG_LEVEL: 'loud',
        ARENA_KEEP_LOGS: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^REDIS_URL must use redis: or rediss:/);
    expect(problems[1]).toMatch(/^KAFKA_BROKERS "nohostport" is not host:port/);
    expect(problems[2]).toMatch(/^LOG_LEVEL must be one of/);
    expect(problems[3]).toMatch(/^ARENA_KEEP_LOGS must be true or false/);
    expect((error as Error).message).toContain('REDIS_URL');
  });

  it('rejects ports out of range and empty required strings', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'k1:70000' })).toThrow(/KAFKA_BROKERS "k1:70000"/);
    expect(() => loadConfig({ KAFKA_CLIENT_ID: '' })).toThrow(/KAFKA_CLIENT_ID must not be empty/);
  });

  it('reads a single variable with the same validation', () => {
    expect(readVariable(configSchema.redis.url, { REDIS_URL: 'redis://h:1' })).toBe('redis://h:1');
    expect(() => readVariable(configSchema.redis.url, { REDIS_URL: 'nope' })).toThrow(
      /REDIS_URL must be a URL/,
    );
  });

  it('lists every variable exactly once, each documented', () => {
    const names = listVariables().map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('REDIS_URL');
    expect(names).toContain('ELASTICSEARCH_URL');
    for (const v of listVariables()) expect(v.doc.length).toBeGreaterThan(5);
  });
});

describe('splitHostPort', () => {
  it('splits host:port, IPv6 in brackets included', () => {
    expect(splitHostPort('kafka-1:9092')).toEqual({ host: 'kafka-1', port: 9092 });
    expect(splitHostPort('[::1]:7700')).toEqual({ host: '::1', port: 7700 });
  });
});
