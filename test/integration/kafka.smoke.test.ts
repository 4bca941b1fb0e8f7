import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig, uniqueName } from '../helpers/services.js';

describe('real Kafka', () => {
  const config = testConfig();
  const kafka = new Kafka({ clientId: 'smoke', brokers: config.kafka.brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: uniqueName('smoke-group') });
  afterAll(async () => {
    await Promise.allSettled([producer.disconnect(), consumer.disconnect(), admin.disconnect()]);
  });

  it('produces one message and consumes it back', async () => {
    const topic = uniqueName('smoke');
    await admin.connect();
    const cluster = await admin.describeCluster();
    console.log(`kafka smoke: ${cluster.brokers.length} broker(s) at ${config.kafka.brokers.join(',')}`);
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'match-1', value: 'hello arena' }] });

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Promise<{ key: string; value: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) =>
          resolve({ key: String(message.key), value: String(message.value) }),
      });
    });
    expect(await received).toEqual({ key: 'match-1', value: 'hello arena' });
  });
});
