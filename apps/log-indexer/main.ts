/** Log indexer process: `tsx apps/log-indexer/main.ts`. Run several to share partitions. */
import { createServer } from 'node:http';
import { Client } from '@elastic/elasticsearch';
import { instanceId } from '../../shared/config/instance-id.js';
import { loadConfig } from '../../shared/config/index.js';
import { announceReady } from '../../shared/log/announce-ready.js';
import { createLogger } from '../../shared/log/logger.js';
import { deleteExpiredIndices, ensureIndexTemplate } from './es-setup.js';
import { LogIndexer } from './indexer.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const id = instanceId('', 'ix');
  const log = createLogger('log-indexer', id, config.log.level);
  const es = new Client({ node: config.elasticsearch.url, requestTimeout: 10_000, maxRetries: 0 });
  await ensureIndexTemplate(es);
  const retention = async () => {
    const deleted = await deleteExpiredIndices(es, config.matchLog.retentionDays);
    if (deleted.length > 0) log.info({ deleted }, 'deleted expired match-event indices');
  };
  await retention();
  const retentionTimer = setInterval(
    () => void retention().catch((err: unknown) => log.error({ err }, 'retention failed')),
    3_600_000,
  );

  const indexer = new LogIndexer({
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-indexer`,
    groupId: config.matchLog.indexerGroup,
    partitions: config.matchLog.partitions,
    es,
    log,
  });
  await indexer.start();
  const http = createServer((req, res) => {
    if (req.url === '/healthz') res.writeHead(200).end('ok');
    else if (req.url === '/stats')
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ indexed: indexer.indexed, deadLettered: indexer.deadLettered }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(config.matchLog.indexerHttpPort, '127.0.0.1', resolve));
  const address = http.address();
  announceReady('log-indexer', id, { port: typeof address === 'object' && address ? address.port : 0 });

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'stopping: finishing the batch in hand, then committing');
    clearInterval(retentionTimer);
    await indexer.stop();
    http.close();
    await es.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
