/** Log indexer process: `tsx apps/log-indexer/main.ts`. Run several to share partitions. */
import { Client } from '@elastic/elasticsearch';
import { instanceId } from '../../shared/config/instance-id.js';
import { loadConfig } from '../../shared/config/index.js';
import { announceReady } from '../../shared/log/announce-ready.js';
import { watchServiceLogs } from '../../shared/log/service-log-metrics.js';
import { createServiceLogger } from '../../shared/log/service-logger.js';
import { OpsServer } from '../../shared/ops/ops-server.js';
import { tcpCheck } from '../../shared/ops/readiness.js';
import { deleteExpiredIndices, ensureIndexTemplate } from './es-setup.js';
import { LogIndexer } from './indexer.js';
import { ServiceLogIndexer } from './service-log-indexer.js';
import { SERVICE_LOGS_INDEX_PREFIX } from '../../shared/log/service-log-index.js';
import { IndexerMetrics } from './indexer-metrics.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'log-indexer');
  const id = instanceId(config.matchLog.indexerId, 'ix');
  const logging = createServiceLogger('log-indexer', id, config);
  const log = logging.log;
  const es = new Client({ node: config.elasticsearch.url, requestTimeout: 10_000, maxRetries: 0 });
  await ensureIndexTemplate(es);
  const retention = async () => {
    const deleted = await deleteExpiredIndices(es, config.matchLog.retentionDays);
    if (deleted.length > 0) log.info({ deleted }, 'deleted expired match-event indices');
    const logs = await deleteExpiredIndices(
      es,
      config.serviceLogs.retentionDays,
      Date.now(),
      SERVICE_LOGS_INDEX_PREFIX,
    );
    if (logs.length > 0) log.info({ deleted: logs }, 'deleted expired service-log indices');
  };
  await retention();
  const retentionTimer = setInterval(
    () => void retention().catch((err: unknown) => log.error({ err }, 'retention failed')),
    3_600_000,
  );

  const metrics = new IndexerMetrics();
  const indexer = new LogIndexer({
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-indexer`,
    groupId: config.matchLog.indexerGroup,
    partitions: config.matchLog.partitions,
    es,
    log,
    onBulk: metrics.observeBulk,
  });
  // Service logs in a consumer group of their own: a burst of logs never delays match events.
  const serviceLogs = new ServiceLogIndexer({
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-service-log-indexer`,
    groupId: `${config.matchLog.indexerGroup}.service-logs`,
    partitions: config.serviceLogs.partitions,
    es,
    log,
  });
  // Joined together: after an indexer of the same groups died without leaving them, each join
  // waits for the dead member's session to time out (30 s), and one after the other they add up.
  await Promise.all([indexer.start(), serviceLogs.start()]);
  const ops = await OpsServer.start({
    host: config.ops.host,
    port: config.matchLog.indexerOpsPort,
    registry: watchServiceLogs(
      metrics.watch(indexer, log).watchServiceLogs(serviceLogs).registry,
      logging.shipper,
    ),
    dependencies: [
      tcpCheck('kafka', config.kafka.brokers),
      { name: 'elasticsearch', probe: () => es.cluster.health({}, { requestTimeout: 1_500 }) },
    ],
    log,
  });
  announceReady('log-indexer', id, { port: ops.port, opsPort: ops.port });

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'stopping: finishing the batch in hand, then committing');
    ops.server.drain();
    clearInterval(retentionTimer);
    await Promise.all([indexer.stop(), serviceLogs.stop()]);
    await es.close();
    await logging.stop(1_000);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
