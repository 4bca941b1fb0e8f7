import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { cachedDir, type CachedDir } from './cached-download.js';
import { freePort } from './free-port.js';
import { javaBin } from './java.js';
import { runMaven } from './maven.js';
import { launchRestartable, type RestartableService } from './restartable-process.js';
import type { RunningService } from './service.js';
import { ServiceError } from './service-error.js';

const COMPONENT = 'kafka';
/** 3.9.x: the last line with the protocol versions kafkajs speaks reliably. */
export const KAFKA_VERSION = '3.9.2';
const POM = join(dirname(fileURLToPath(import.meta.url)), 'maven', 'kafka-runtime.pom.xml');

/** The broker's jars in the cache, fetched from Maven Central with their dependencies on first use. */
export function ensureKafkaRuntime(cacheRoot: string): Promise<CachedDir> {
  return cachedDir(COMPONENT, cacheRoot, `kafka-${KAFKA_VERSION}`, (tmp) =>
    runMaven(COMPONENT, [
      '-f',
      POM,
      `-Dkafka.version=${KAFKA_VERSION}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${join(tmp, 'libs')}`,
      '-DincludeScope=runtime',
    ]),
  );
}

/** Asks the broker for its cluster description; true when it answers with at least one broker. */
export async function probeKafka(brokers: string[], timeoutMs = 2_000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'arena-stack-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function useExistingKafka(brokers: string): Promise<RunningService> {
  await probeKafka(brokers.split(',')).catch((err: Error) => {
    throw new ServiceError(COMPONENT, `KAFKA_BROKERS=${brokers} does not answer: ${err.message}`);
  });
  return {
    name: COMPONENT,
    env: { KAFKA_BROKERS: brokers },
    description: `Kafka at ${brokers} (already running, reused)`,
    stop: async () => {},
  };
}

function brokerProperties(dataDir: string, brokerPort: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    // One broker: internal topics cannot be replicated, and small is fast to create.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

const LOG4J = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.request.logger=WARN',
  'log4j.logger.state.change.logger=WARN',
  '',
].join('\n');

function runJava(args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(javaBin(COMPONENT), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      writeFileSync(logFile, output, { flag: 'a' });
      if (code === 0) resolve();
      else reject(new ServiceError(COMPONENT, `storage format failed (exit ${code}):\n${output}`));
    });
  });
}

/** Starts a single-node KRaft broker (broker + controller) on free loopback ports. */
export async function startKafka(cacheRoot: string, runDir: string): Promise<RestartableService> {
  const runtime = await ensureKafkaRuntime(cacheRoot);
  const dir = join(runDir, 'kafka');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const [brokerPort, controllerPort] = [await freePort(), await freePort()];
  const propsFile = join(dir, 'server.properties');
  const log4jFile = join(dir, 'log4j.properties');
  writeFileSync(propsFile, brokerProperties(dataDir, brokerPort, controllerPort));
  writeFileSync(log4jFile, LOG4J);
  const logFile = join(dir, 'kafka.log');
  const classpath = ['-cp', join(runtime.dir, 'libs', '*'), `-Dlog4j.configuration=file:${log4jFile}`];

  await runJava(
    [...classpath, 'kafka.tools.StorageTool', 'format', '-t', randomUUID(), '-c', propsFile],
    logFile,
  );
  const brokers = `127.0.0.1:${brokerPort}`;
  return launchRestartable(
    {
      spec: {
        name: COMPONENT,
        command: javaBin(COMPONENT),
        args: ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', ...classpath, 'kafka.Kafka', propsFile],
        cwd: dir,
        logFile,
      },
      check: () => probeKafka([brokers], 1_000),
      timeoutMs: 90_000,
      stopGraceMs: 15_000,
    },
    (pid) => ({
      name: COMPONENT,
      env: { KAFKA_BROKERS: brokers },
      description: `Kafka ${KAFKA_VERSION} (KRaft) at ${brokers} (started, pid ${pid})`,
    }),
  );
}
