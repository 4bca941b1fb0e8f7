import { destination, multistream, type DestinationStream } from 'pino';
import type { ArenaConfig } from '../config/index.js';
import { createLogger, type Logger } from './logger.js';
import { ServiceLogShipper } from './service-log-shipper.js';

export interface ServiceLogging {
  log: Logger;
  /** Forwards the lines to Kafka; undefined when SERVICE_LOGS_ENABLED is false. */
  shipper: ServiceLogShipper | undefined;
  /** Sends what waits for Kafka (bounded by `timeoutMs`) and disconnects: call it at shutdown. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * A service's logger: JSON lines on stdout as always, and the same lines to Kafka for
 * Elasticsearch (`arena-logs-*`) unless SERVICE_LOGS_ENABLED is false. The shipper's own
 * notices (Kafka away, lines dropped) go to stdout only, through a logger that does not ship,
 * so that they never feed the buffer they report on.
 */
export function createServiceLogger(
  service: string,
  instance: string,
  config: Pick<ArenaConfig, 'log' | 'kafka' | 'serviceLogs'>,
  stdout: DestinationStream = destination({ dest: 1, sync: true }),
): ServiceLogging {
  const level = config.log.level;
  if (!config.serviceLogs.enabled) {
    return { log: createLogger(service, instance, level, stdout), shipper: undefined, stop: async () => {} };
  }
  const local = createLogger(service, instance, level, stdout);
  const shipper = new ServiceLogShipper({
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-logs-${instance}`,
    key: instance,
    maxLines: config.serviceLogs.bufferLines,
    partitions: config.serviceLogs.partitions,
    notice: (fields, msg) => local.warn(fields, msg),
  });
  // Every line the logger's level lets through goes to both; the streams themselves filter nothing.
  const log = createLogger(
    service,
    instance,
    level,
    multistream([
      { level: 'trace', stream: stdout },
      { level: 'trace', stream: shipper },
    ]),
  );
  shipper.start();
  return { log, shipper, stop: (timeoutMs) => shipper.stop(timeoutMs) };
}
