import { bool, hostPorts, oneOf, str, url } from './variable.js';

/**
 * Every environment variable Arena reads, grouped by the part of the system that uses it.
 * Add new variables here: the loader, the README table and the deployment-manifest check
 * all read this one tree.
 */
export const configSchema = {
  redis: {
    url: url('REDIS_URL', {
      doc: 'Redis connection URL (redis:// or rediss://).',
      default: 'redis://127.0.0.1:6379',
      protocols: ['redis:', 'rediss:'],
    }),
  },
  kafka: {
    brokers: hostPorts('KAFKA_BROKERS', {
      doc: 'Kafka bootstrap brokers, comma-separated host:port.',
      default: '127.0.0.1:9092',
    }),
    clientId: str('KAFKA_CLIENT_ID', { doc: 'Kafka client id prefix.', default: 'arena', maxLength: 100 }),
  },
  elasticsearch: {
    url: url('ELASTICSEARCH_URL', {
      doc: 'Elasticsearch HTTP endpoint.',
      default: 'http://127.0.0.1:9200',
      protocols: ['http:', 'https:'],
    }),
  },
  log: {
    level: oneOf('LOG_LEVEL', {
      doc: 'Log level.',
      default: 'info',
      choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    }),
  },
  localStack: {
    cacheDir: str('ARENA_CACHE_DIR', {
      doc: 'Where the local stack caches Kafka and Elasticsearch (default: ~/.cache/arena, /var/cache/arena for root).',
      default: '',
      allowEmpty: true,
    }),
    esUser: str('ARENA_ES_USER', {
      doc: 'Unprivileged user that runs Elasticsearch when the stack is started as root (created if missing).',
      default: 'arena-es',
      maxLength: 32,
    }),
    keepLogs: bool('ARENA_KEEP_LOGS', {
      doc: 'Keep the local stack run directory (service logs, data) after it stops.',
      default: 'false',
    }),
  },
};
